/* Memory, growable strings and small helpers used everywhere. */
#ifndef CAIRN_UTIL_H
#define CAIRN_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation: these abort with a message on exhaustion, never return NULL. */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
/*
 * Room for element n of an array of n (call before each append): grows by
 * doubling, so appending n elements costs O(n).  The capacity is implicit
 * (4, then the next power of two), so the array must only grow through
 * here, starting from NULL.
 */
void	*xgrowarray(void *, size_t n, size_t size);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));
char	*xvasprintf(const char *, va_list);

/* A bug, not a user error: print and abort. */
void	 fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));

/*
 * A growable buffer, always NUL-terminated once anything was added (and
 * buf.s is "" for a fresh one after buf_cstr).  Holds binary data too: len
 * is authoritative.  Growing past BUF_MAX aborts (a runaway, not input).
 */
#define BUF_MAX ((size_t)1 << 31)
struct buf {
	char	*s;
	size_t	 len;
	size_t	 cap;
};
#define BUF_INIT { NULL, 0, 0 }

void	 buf_grow(struct buf *, size_t);
void	 buf_add(struct buf *, const void *, size_t);
void	 buf_adds(struct buf *, const char *);
void	 buf_addc(struct buf *, char);
void	 buf_addf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_vaddf(struct buf *, const char *, va_list);
/* Appends a Unicode code point as UTF-8. */
void	 buf_add_utf8(struct buf *, unsigned long);
/*
 * Decodes the escape sequence at *pp (just after a backslash) as Python
 * does in a string literal: \n \t \r \a \b \f \v \\ \' \" \xHH \uHHHH
 * \UHHHHHHHH, octal \ooo, and backslash-newline (nothing).  An unknown
 * escape is kept as written.  Returns 0 and moves *pp past the sequence,
 * or -1 (and *pp unmoved) for a malformed \x, \u or \U.
 */
int	 py_unescape(const char **pp, struct buf *);
/* Always a valid C string, "" when empty. */
const char *buf_cstr(struct buf *);
/* Hands the string over to the caller (never NULL) and resets the buffer. */
char	*buf_detach(struct buf *, size_t *);
void	 buf_reset(struct buf *);
void	 buf_release(struct buf *);

/*
 * Reads a whole local file; returns 0 or -errno: -EFBIG past max bytes
 * (READ_FILE_MAX for read_file), so that /dev/zero fails, not aborts.
 */
#define READ_FILE_MAX	((size_t)1 << 30)
int	 read_file(const char *, struct buf *);
int	 read_file_max(const char *, struct buf *, size_t max);
/*
 * DIR/SUB/NAME (DIR/NAME when sub is NULL) if it exists, malloc'd; NULL
 * when it does not or dir is NULL.  The step of Ansible's file searches.
 */
char	*path_try(const char *dir, const char *sub, const char *name);
/* 1 if s starts with / ends with the prefix / suffix. */
int	 str_startswith(const char *, const char *);
int	 str_endswith(const char *, const char *);
/* Trims spaces and tabs at both ends, in place; returns s. */
char	*str_trim(char *);
/*
 * Frees the n strings of a vector and the vector itself (NULL-safe): the
 * one place for the loop every "char **v; size_t n" owner would write.
 */
void	 strv_free(char **, size_t);
/* The same for a NULL-terminated vector (NULL-safe). */
void	 strv_free_null(char **);
/* Hex SHA-1 of data, as `sha1sum` prints it (41 bytes with NUL). */
void	 sha1_hex(const void *, size_t, char out[41]);
/* Hex SHA-256 of data, as `sha256sum` prints it (65 bytes with NUL). */
void	 sha256_hex(const void *, size_t, char out[65]);

#endif
