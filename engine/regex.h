/*
 * Regular expressions, one engine for the whole of cairn: filters, tests,
 * lineinfile/replace/blockinfile, ~host patterns, the YAML resolver and
 * cairn.regex in Lua all compile here, so a pattern means the same thing
 * everywhere.  PCRE2 underneath, read as Python's re reads it (\Z, {,n},
 * \uXXXX are mapped; (?P<name>...), (?P=name) and lookarounds are PCRE2's
 * own), matching bytes or UTF-8 text (REGEX_UNICODE: Python's str
 * patterns, with Unicode \d \w \s).  Every match runs under a match and a
 * depth limit, so a catastrophic pattern fails instead of hanging.
 * Compiled patterns are cached per thread and shared by reference.
 */
#ifndef CAIRN_REGEX_H
#define CAIRN_REGEX_H

#include <stddef.h>

#include "util.h"

#define REGEX_MULTILINE		0x1	/* re.MULTILINE */
#define REGEX_DOTALL		0x2	/* re.DOTALL */
#define REGEX_UNICODE		0x4	/* a str pattern: UTF-8, Unicode \w \d \s */
#define REGEX_IGNORECASE	0x8	/* re.IGNORECASE */
#define REGEX_VERBOSE		0x10	/* re.VERBOSE */

/* Steps of backtracking one match may take, and how deep it may nest. */
#define REGEX_MATCH_LIMIT	10000000
#define REGEX_DEPTH_LIMIT	1000000

/* Compiled patterns each thread keeps for reuse. */
#define REGEX_CACHE_SIZE	64

struct regex;

/* A match: group i spans [start[i], end[i]), REGEX_UNSET if unmatched. */
#define REGEX_UNSET	((size_t)-1)
struct regex_match {
	size_t	 n;		/* groups + 1 */
	size_t	*start;
	size_t	*end;
};
#define REGEX_MATCH_INIT { 0, NULL, NULL }

/*
 * Compiles a Python-syntax pattern, or takes it from this thread's cache;
 * NULL and *cause ("bad regular expression 'P': WHY at offset N") on
 * error.  The result is a reference: release it with regex_free
 * (NULL-safe).  It may be used from any thread.
 */
struct regex	*regex_compile(const char *pattern, int flags, char **cause);
/*
 * The same, for callers that word the error their own way: NULL,
 * *why (malloc'd, PCRE2's reason) and *offset on error.
 */
struct regex	*regex_compile_why(const char *pattern, int flags, char **why,
		    size_t *offset);
void		 regex_free(struct regex *);
/* Number of capture groups. */
size_t		 regex_groups(const struct regex *);
/* The number of a named group, or -1. */
int		 regex_group_index(const struct regex *, const char *name);
/*
 * The i-th named group: its number and *name (borrowed from the
 * regex), or -1 when there are no more names.
 */
int		 regex_group_name(const struct regex *, size_t i,
		    const char **name);
/*
 * 1 if the pattern's leading inline flags (Python's "(?m)") contain
 * flag, as re.compile(p).flags would show.
 */
int		 regex_inline_flag(const char *pattern, char flag);

/*
 * re.search on s[from..len) with the whole of s as context: 1 and *m
 * (filled, release with regex_match_release; m may be NULL when only the
 * answer matters), 0 when nothing matches, or -1 and *cause (a match
 * limit, for one: "regular expression 'P' backtracks too much: ...").
 */
int		 regex_search(const struct regex *, const char *s, size_t len,
		    size_t from, struct regex_match *, char **cause);
/* re.match: as regex_search, but the match must start at s[0]. */
int		 regex_match(const struct regex *, const char *s, size_t len,
		    struct regex_match *, char **cause);
void		 regex_match_release(struct regex_match *);

/*
 * Python's re.finditer: calls cb for each match in s (empty ones
 * included, at most max matches, 0 for all), with m borrowed for the
 * call.  cb returns 0 to go on, anything else to stop with that value.
 * Returns 0, cb's value, or -1 and *cause.
 */
typedef int	(*regex_each_cb)(void *, const char *s,
		    const struct regex_match *m);
int		 regex_each(const struct regex *, const char *s, size_t len,
		    size_t max, regex_each_cb cb, void *arg, char **cause);

/*
 * Python's match.expand(template): appends to out; 0, or -1 and *cause
 * for a bad template ("invalid group reference 3", "bad escape \q").
 */
int		 regex_expand(const struct regex *, const char *s,
		    const struct regex_match *, const char *template,
		    struct buf *out, char **cause);

/*
 * Python's re.subn(pattern, repl, s, count=max): appends the result to
 * out and sets *count; 0, or -1 and *cause (out is then unspecified).
 */
int		 regex_subn(const struct regex *, const char *s, size_t len,
		    const char *repl, size_t max, struct buf *out,
		    size_t *count, char **cause);

/*
 * Every match replaced with a PCRE2 template ($0, $1, ${name}, as
 * cairn.regex.gsub documents): appends to out and sets *count; 0, or -1
 * and *cause (PCRE2's reason).
 */
int		 regex_substitute(const struct regex *, const char *s,
		    size_t len, const char *repl, size_t rlen, struct buf *out,
		    size_t *count, char **cause);

/* PCRE2's version ("10.42 2022-12-11"), for --version. */
const char	*regex_library_version(void);

#endif
