/*
 * Regular expressions as Ansible's Python modules see them: a small PCRE2
 * wrapper that accepts Python re syntax (\Z, {,n}, \uXXXX are mapped),
 * matches bytes (lineinfile, blockinfile) or UTF-8 text (replace), and
 * expands Python replacement templates (\1, \g<1>, \g<name>, \n).
 */
#ifndef CAIRN_REGEX_H
#define CAIRN_REGEX_H

#include <stddef.h>

#include "util.h"

#define REGEX_MULTILINE	0x1	/* re.MULTILINE */
#define REGEX_DOTALL	0x2	/* re.DOTALL */
#define REGEX_UNICODE	0x4	/* a str pattern: UTF-8, Unicode \w \d \s */

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
 * Compiles a Python-syntax pattern; NULL and *cause ("bad regular
 * expression '...': ...") on error.  Free with regex_free (NULL-safe).
 */
struct regex	*regex_compile(const char *pattern, int flags, char **cause);
void		 regex_free(struct regex *);
/* Number of capture groups. */
size_t		 regex_groups(const struct regex *);
/* The number of a named group, or -1. */
int		 regex_group_index(const struct regex *, const char *name);
/*
 * 1 if the pattern's leading inline flags (Python's "(?m)") contain
 * flag, as re.compile(p).flags would show.
 */
int		 regex_inline_flag(const char *pattern, char flag);

/*
 * re.search on s[from..len) with the whole of s as context: 1 and *m
 * (filled, release with regex_match_release), 0 when nothing matches, or
 * -1 and *cause.
 */
int		 regex_search(const struct regex *, const char *s, size_t len,
		    size_t from, struct regex_match *, char **cause);
void		 regex_match_release(struct regex_match *);

/*
 * Python's match.expand(template): appends to out; 0, or -1 and *cause
 * for a bad template ("invalid group reference 3", "bad escape \q").
 */
int		 regex_expand(const struct regex *, const char *s,
		    const struct regex_match *, const char *template,
		    struct buf *out, char **cause);

/*
 * Python's re.subn(pattern, repl, s): appends the result to out and sets
 * *count; 0, or -1 and *cause.
 */
int		 regex_subn(const struct regex *, const char *s, size_t len,
		    const char *repl, struct buf *out, size_t *count,
		    char **cause);

#endif
