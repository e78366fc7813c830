/*
 * Shared between modules/files/fileedit*.c: a file's text as a list of lines,
 * each with its line ending, the way Ansible's lineinfile and blockinfile
 * hold it.
 */
#ifndef CAIRN_FILEEDIT_INTERNAL_H
#define CAIRN_FILEEDIT_INTERNAL_H

#include <stddef.h>

#include "util.h"

/* A file as a list of lines, each with its line ending. */
struct fe_line {
	char	*s;
	size_t	 len;
};
struct fe_lines {
	struct fe_line	*v;
	size_t		 n;
	size_t		 cap;
};

/* Inserts a copy of the len bytes at s as line at (past the end: last). */
void	 fe_insert(struct fe_lines *l, size_t at, const char *s, size_t len);
/* The same for a string. */
void	 fe_inserts(struct fe_lines *l, size_t at, const char *s);
/* Removes (and frees) lines from up to, not including, to. */
void	 fe_delete(struct fe_lines *l, size_t from, size_t to);
/* Frees every line and the list; l may be empty (zeroed). */
void	 fe_free(struct fe_lines *l);
/* Appends "\n" to line i. */
void	 fe_addnl(struct fe_lines *l, size_t i);
/* Appends the lines of s as bytes.readlines() splits: after each \n. */
void	 fe_readlines(const char *s, size_t len, struct fe_lines *l);
/*
 * Appends the lines of s as bytes.splitlines(True) splits: after \n,
 * \r\n or a lone \r.
 */
void	 fe_splitlines(const char *s, size_t len, struct fe_lines *l);
/* Appends every line to out, which is left NUL-terminated. */
void	 fe_join(const struct fe_lines *l, struct buf *out);
/* 1 if a is not NULL and equals b. */
int	 fe_streq(const char *a, const char *b);

struct regex;
/* 1 if regex re matches line cur, 0 if not, -1 and *cause on error. */
int	 fe_search(const struct regex *re, const struct fe_line *cur,
	    char **cause);

#endif
