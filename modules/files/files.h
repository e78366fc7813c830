/*
 * The decisions of slurp, fetch, find, tempfile, ini_file and assemble,
 * ported from Ansible's modules so that the same input gives the same
 * result.  Pure functions, no host: the modules (mod-*.c beside this
 * header) do the round trips and call these on what came back.
 */
#ifndef CAIRN_FILES_H
#define CAIRN_FILES_H

#include <stddef.h>

#include "module.h"
#include "util.h"

/* files-util.c: encodings, digests and paths. */

/* Appends the RFC 4648 base64 of data (with padding, no newlines). */
void	files_b64_encode(struct buf *out, const void *data, size_t len);
/*
 * Decodes base64 text, skipping whitespace; appends the bytes to out.
 * 0, or -1 for a character outside the alphabet or a bad length.
 */
int	files_b64_decode(struct buf *out, const char *s, size_t len);
/*
 * A list argument's strings, borrowed from args, NULL-terminated in a
 * malloc'd array (free the array only); *n of them.  NULL when absent.
 */
const char **files_arg_strings(const struct mod_args *, const char *key,
	    size_t *n);
/* Hex MD5 of data, as `md5sum` prints it (33 bytes with NUL). */
void	files_md5_hex(const void *data, size_t len, char out[33]);
/*
 * Python's os.path.normpath for POSIX paths: "a//b/./c/../d" -> "a/b/d",
 * "" -> ".", a leading "//" kept as Python keeps it.  malloc'd.
 */
char	*files_normpath(const char *path);
/* Python's os.path.basename: what follows the last slash (maybe ""). */
const char *files_basename(const char *path);
/* A command's stderr without its trailing newlines; malloc'd, maybe "". */
char	*files_stderr(const struct exec_result *);
/*
 * Runs a script that must succeed, with data on its stdin (or none):
 * 0, or -1 and *cause: the transport's, or for a non-zero status
 * "what: STDERR" (STDERR alone when what is NULL).  *res is the
 * caller's to release either way.
 */
int	 files_run_checked(struct task_ctx *, const char *script,
	    const void *data, size_t len, const char *what,
	    struct exec_result *res, char **cause);
/*
 * The names in a controller directory but "." and "..", sorted by
 * strcmp: a malloc'd array of malloc'd names (files_names_free), *n of
 * them; NULL when the directory cannot be opened.
 */
char	**files_dir_names(const char *dir, size_t *n);
void	 files_names_free(char **, size_t);

/*
 * fetch's destination on the controller, as Ansible's fetch action builds
 * it: flat, dest + basename(src) when dest ends with "/" or dest itself;
 * otherwise dest/<host>/<src>; relative results are taken from base (the
 * playbook's directory), then normalised.  dest_is_dir says whether dest
 * exists on the controller as a directory (flat without a trailing slash
 * then fails as Ansible does).  A src that climbs out of dest with ".."
 * is refused.  0 and *out (malloc'd), or -1 and *cause.
 */
int	files_fetch_dest(const char *dest, const char *src, const char *host,
	    int flat, int dest_is_dir, const char *base, char **out,
	    char **cause);

/*
 * assemble's text: the fragments, in the order given, joined as
 * assemble_from_fragments does: a newline after a fragment that lacks
 * one, and between fragments the delimiter (Python escapes decoded, again
 * at every use as Ansible's loop does, plus a newline when it does not
 * end with one).  delimiter NULL or "": none.
 */
struct files_fragment {
	const char	*name;
	const char	*data;
	size_t		 len;
};
void	files_assemble(const struct files_fragment *, size_t n,
	    const char *delimiter, struct buf *out);
/*
 * Which fragments assemble takes, by name: regexp (a compiled pattern,
 * re.search on the name, or NULL), ignore_hidden drops names starting
 * with a dot.  1 to take it, 0 to skip, -1 and *cause for a regex error.
 */
struct regex;
int	files_assemble_take(const char *name, const struct regex *,
	    int ignore_hidden, char **cause);

/* find-plan.c: find's filters and the shape of its answer. */

/*
 * find's age and size arguments: "-3d", "10m", "1k"... (units s m h d w
 * for age, b k m g t for size, case-insensitive).  0 and *out in seconds
 * or bytes, or -1 for text Ansible refuses ("failed to process age").
 */
int	find_parse_age(const char *, long long *out);
int	find_parse_size(const char *, long long *out);

/*
 * find's pfilter on a base name: patterns (globs as Python's fnmatch
 * takes them, or Python regular expressions matched at the start with
 * use_regex) minus excludes.  n_pat 0 means "everything".  1 match, 0 no
 * match, -1 and *cause for a bad regular expression.
 */
int	find_pfilter(const char *name, const char *const *patterns,
	    size_t n_pat, const char *const *excludes, size_t n_exc,
	    int use_regex, char **cause);
/* Age and size filters with Ansible's sign rules (negative: at most). */
int	find_agefilter(double now, double stamp, int has_age, long long age);
int	find_sizefilter(long long size, int has_size, long long want);
/*
 * contains on a file's text: re.match on each line (newline kept) or
 * re.search on the whole text with read_whole_file.  Text that is not
 * UTF-8 never matches (Python cannot open it as text).
 */
int	find_contentfilter(const char *data, size_t len, const char *pattern,
	    int read_whole_file);

/*
 * One entry of the listing that find(1) printed with FIND_PRINTF, parsed.
 * walkdir: os.walk would put it among the directories of its parent
 * (a directory, or a symlink to one).
 */
struct find_entry {
	char		*path;		/* as printed, normalised */
	char		*parent;	/* normalised */
	int		 depth;
	char		 type;		/* find's %y: f d l b c p s */
	int		 walkdir;
	unsigned int	 perm;		/* 07777 bits */
	long long	 uid, gid, size, ino, dev, nlink;
	double		 atime, mtime, ctime;
	char		*owner, *group;	/* "" when the id has no name */
	size_t		 order;		/* position in find's output */
	size_t		 prank;		/* find_walk_order's: its parent's rank */
};
/* The -printf format that find_parse reads, NUL-terminated records. */
#define FIND_PRINTF							\
	"%d\\t%y\\t%Y\\t%m\\t%U\\t%G\\t%s\\t%i\\t%D\\t%n\\t%A@\\t%T@\\t%C@\\t" \
	"%u\\t%g\\t%p\\0"
/*
 * Parses records (NUL-terminated) from data; appends to *v (n entries).  Returns
 * the number parsed, or -1 for a malformed record.
 */
int	find_parse(const char *data, size_t len, struct find_entry **v,
	    size_t *n);
/*
 * Sorts entries into os.walk's order (top-down, each directory's files
 * before its subdirectories, readdir order within each group) from
 * find(1)'s depth-first order, for the entries of one searched path.
 */
void	find_walk_order(struct find_entry *, size_t n);
/* The stat dict Ansible's find gives for one entry (statinfo + path). */
struct value *find_entry_dict(const struct find_entry *);
void	find_entries_free(struct find_entry *, size_t n);

/* ini-edit.c: ini_file's edit of the text. */

struct ini_spec {
	const char	*section;	/* NULL or "": before any section */
	const char	*option;	/* NULL: the section itself */
	const char *const *values;	/* NULL-terminated, may be empty */
	int		 present;	/* state=present */
	int		 exclusive;
	int		 no_extra_spaces;
	int		 allow_no_value;
	int		 modify_inactive_option;
	int		 ignore_spaces;
};
/*
 * do_ini on the text in (a missing file is ""): the new text in out,
 * *changed and *msg ("OK", "option changed", "option added",
 * "section and option added", "only section added", "section removed",
 * static).  Reads in as Python's text mode does: a UTF-8 BOM is dropped
 * and CR LF / CR become LF.
 */
void	ini_edit(const char *in, size_t len, const struct ini_spec *,
	    struct buf *out, int *changed, const char **msg);

#endif
