/* Memory, growable buffers and small string helpers used everywhere. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "util.h"

static void
out_of_memory(size_t n)
{
	fprintf(stderr, "cairn: out of memory allocating %zu bytes\n", n);
	abort();
}

void *
xmalloc(size_t n)
{
	void	*p = malloc(n ? n : 1);

	if (p == NULL)
		out_of_memory(n);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void	*p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (p == NULL)
		out_of_memory(nmemb * size);
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void	*q = realloc(p, n ? n : 1);

	if (q == NULL)
		out_of_memory(n);
	return q;
}

void *
xreallocarray(void *p, size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > SIZE_MAX / size)
		fatal("xreallocarray: %zu * %zu overflows", nmemb, size);
	return xrealloc(p, nmemb * size);
}

void *
xgrowarray(void *p, size_t n, size_t size)
{
	if (n < 4)
		return p != NULL ? p : xreallocarray(NULL, 4, size);
	if ((n & (n - 1)) == 0)
		return xreallocarray(p, n * 2, size);
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	char	*s;

	if (vasprintf(&s, fmt, ap) < 0)
		out_of_memory(0);
	return s;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;

	fputs("cairn: internal error (a bug, please report it): ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void
buf_grow(struct buf *b, size_t extra)
{
	size_t	need;

	if (extra > BUF_MAX || b->len > BUF_MAX - extra - 1)
		fatal("buffer grows past %zu bytes", BUF_MAX);
	need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 64;
	while (b->cap < need)
		b->cap *= 2;
	b->s = xrealloc(b->s, b->cap);
}

void
buf_add(struct buf *b, const void *data, size_t len)
{
	buf_grow(b, len);
	if (len != 0)
		memcpy(b->s + b->len, data, len);
	b->len += len;
	b->s[b->len] = '\0';
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addc(struct buf *b, char c)
{
	buf_grow(b, 1);
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
}

void
buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list	ap2;
	int	n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		fatal("vsnprintf failed");
	buf_grow(b, (size_t)n);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void
buf_add_utf8(struct buf *b, unsigned long cp)
{
	if (cp < 0x80)
		buf_addc(b, (char)cp);
	else if (cp < 0x800) {
		buf_addc(b, (char)(0xc0 | (cp >> 6)));
		buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		buf_addc(b, (char)(0xe0 | (cp >> 12)));
		buf_addc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
		buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	} else {
		buf_addc(b, (char)(0xf0 | (cp >> 18)));
		buf_addc(b, (char)(0x80 | ((cp >> 12) & 0x3f)));
		buf_addc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
		buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	}
}

int
py_unescape(const char **pp, struct buf *b)
{
	static const char	 from[] = "ntrabfv\\'\"";
	static const char	 to[] = "\n\t\r\a\b\f\v\\'\"";
	const char		*p = *pp, *hit;
	unsigned long		 cp = 0;
	int			 i, n;

	if (*p == '\0') {
		buf_addc(b, '\\');
		return 0;
	}
	if (*p == '\n') {
		*pp = p + 1;
		return 0;
	}
	if ((hit = strchr(from, *p)) != NULL) {
		buf_addc(b, to[hit - from]);
		*pp = p + 1;
		return 0;
	}
	if (*p == 'x' || *p == 'u' || *p == 'U') {
		n = *p == 'x' ? 2 : *p == 'u' ? 4 : 8;
		for (i = 1; i <= n; i++) {
			char c = p[i];

			if (c >= '0' && c <= '9')
				cp = cp * 16 + (unsigned long)(c - '0');
			else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
				cp = cp * 16 + (unsigned long)((c | 0x20) - 'a' + 10);
			else
				return -1;
		}
		if (cp > 0x10ffff)
			return -1;
		buf_add_utf8(b, cp);
		*pp = p + n + 1;
		return 0;
	}
	if (*p >= '0' && *p <= '7') {
		for (i = 0; i < 3 && p[i] >= '0' && p[i] <= '7'; i++)
			cp = cp * 8 + (unsigned long)(p[i] - '0');
		buf_add_utf8(b, cp);
		*pp = p + i;
		return 0;
	}
	buf_addc(b, '\\');
	buf_addc(b, *p);
	*pp = p + 1;
	return 0;
}

const char *
buf_cstr(struct buf *b)
{
	if (b->s == NULL)
		buf_grow(b, 0), b->s[0] = '\0';
	return b->s;
}

char *
buf_detach(struct buf *b, size_t *len)
{
	char	*s;

	buf_cstr(b);
	s = b->s;
	if (len != NULL)
		*len = b->len;
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->s != NULL)
		b->s[0] = '\0';
}

void
buf_release(struct buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

int
read_file(const char *path, struct buf *b)
{
	return read_file_max(path, b, READ_FILE_MAX);
}

int
read_file_max(const char *path, struct buf *b, size_t max)
{
	char	tmp[65536];
	ssize_t	n;
	size_t	got = 0;
	int	fd, err;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -errno;
	for (;;) {
		n = read(fd, tmp, sizeof tmp);
		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			close(fd);
			return err;
		}
		/* /dev/zero or a file still growing: an error, not a crash */
		if ((got += (size_t)n) > max) {
			close(fd);
			return -EFBIG;
		}
		buf_add(b, tmp, (size_t)n);
	}
	close(fd);
	buf_cstr(b);
	return 0;
}

int
str_startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int
str_endswith(const char *s, const char *suffix)
{
	size_t	ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && memcmp(s + ls - lx, suffix, lx) == 0;
}

char *
str_trim(char *s)
{
	char	*start = s, *end;

	while (*start == ' ' || *start == '\t')
		start++;
	end = start + strlen(start);
	while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*end = '\0';
	if (start != s)
		memmove(s, start, (size_t)(end - start) + 1);
	return s;
}

/* A digest of data in lowercase hex, as sha1sum/sha256sum print it. */
static void
digest_hex(const EVP_MD *md, const void *data, size_t len, char *out)
{
	unsigned char	d[EVP_MAX_MD_SIZE];
	unsigned int	n = 0, i;

	if (EVP_Digest(data, len, d, &n, md, NULL) != 1) {
		fprintf(stderr, "cairn: bug: libcrypto refused a digest\n");
		abort();
	}
	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* Ansible compares files by SHA-1, so cairn must too. */
void
sha1_hex(const void *data, size_t len, char out[41])
{
	digest_hex(EVP_sha1(), data, len, out);
}

void
sha256_hex(const void *data, size_t len, char out[65])
{
	digest_hex(EVP_sha256(), data, len, out);
}

void
strv_free(char **v, size_t n)
{
	size_t	i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
strv_free_null(char **v)
{
	char	**p;

	if (v == NULL)
		return;
	for (p = v; *p != NULL; p++)
		free(*p);
	free(v);
}

char *
path_try(const char *dir, const char *sub, const char *name)
{
	char	*path;

	if (dir == NULL)
		return NULL;
	if (sub != NULL)
		path = xasprintf("%s/%s/%s", dir, sub, name);
	else
		path = xasprintf("%s/%s", dir, name);
	if (access(path, F_OK) == 0)
		return path;
	free(path);
	return NULL;
}
