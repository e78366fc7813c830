/* known_hosts files read and decided on as OpenSSH's hostfile.c does. */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "knownhosts.h"
#include "util.h"

#define KNOWNHOSTS_SHA1_LEN	20
/* A key blob larger than this is not a key (RSA 16384 is ~2 KB). */
#define KNOWNHOSTS_BLOB_MAX	16384

enum knownhosts_marker {
	KNOWNHOSTS_PLAIN,
	KNOWNHOSTS_CA,
	KNOWNHOSTS_REVOKE,
};

void
knownhosts_result_release(struct knownhosts_result *r)
{
	if (r == NULL)
		return;
	free(r->file);
	r->file = NULL;
	r->line = 0;
	r->status = KNOWNHOSTS_UNKNOWN;
}

char *
knownhosts_name(const char *host, int port)
{
	char	*name, *p;

	if (port == 0 || port == 22)
		name = xstrdup(host);
	else
		name = xasprintf("[%s]:%d", host, port);
	for (p = name; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return name;
}

/*
 * len bytes of base64 into out (at most outmax bytes); the decoded length,
 * or -1.  libcrypto's EVP_DecodeBlock counts padding as zero bytes, so
 * they are taken off.
 */
static int
knownhosts_b64(const char *s, size_t len, unsigned char *out, size_t outmax)
{
	int	n, pad = 0;

	if (len == 0 || len % 4 != 0 || len / 4 * 3 > outmax)
		return -1;
	if (s[len - 1] == '=')
		pad++;
	if (len > 1 && s[len - 2] == '=')
		pad++;
	n = EVP_DecodeBlock(out, (const unsigned char *)s, (int)len);
	if (n < 0 || n < pad)
		return -1;
	return n - pad;
}

int
knownhosts_match_pattern(const char *s, const char *pattern)
{
	for (;;) {
		if (*pattern == '\0')
			return *s == '\0';
		if (*pattern == '*') {
			while (*pattern == '*')
				pattern++;
			if (*pattern == '\0')
				return 1;
			for (; *s != '\0'; s++) {
				if (knownhosts_match_pattern(s, pattern))
					return 1;
			}
			return 0;
		}
		if (*s == '\0')
			return 0;
		if (*pattern != '?' && tolower((unsigned char)*pattern) !=
		    tolower((unsigned char)*s))
			return 0;
		s++;
		pattern++;
	}
}

int
knownhosts_match_list(const char *name, const char *list, size_t len)
{
	const char	*p = list, *end = list + len, *comma;
	char		*sub;
	int		 negated, got = 0, m;

	while (p < end) {
		if ((comma = memchr(p, ',', (size_t)(end - p))) == NULL)
			comma = end;
		negated = *p == '!';
		sub = xstrndup(p + negated, (size_t)(comma - p - negated));
		m = knownhosts_match_pattern(name, sub);
		free(sub);
		if (m && negated)
			return -1;
		if (m)
			got = 1;
		p = comma + 1;
	}
	return got;
}

int
knownhosts_match_hashed(const char *name, const char *entry, size_t len)
{
	unsigned char	 salt[64], want[64], got[EVP_MAX_MD_SIZE];
	unsigned int	 glen = 0;
	const char	*s, *bar, *end = entry + len;
	int		 slen, wlen;

	if (len < 3 || memcmp(entry, "|1|", 3) != 0)
		return 0;
	s = entry + 3;
	if ((bar = memchr(s, '|', (size_t)(end - s))) == NULL)
		return 0;
	slen = knownhosts_b64(s, (size_t)(bar - s), salt, sizeof salt);
	wlen = knownhosts_b64(bar + 1, (size_t)(end - bar - 1), want,
	    sizeof want);
	if (slen != KNOWNHOSTS_SHA1_LEN || wlen != KNOWNHOSTS_SHA1_LEN)
		return 0;
	if (HMAC(EVP_sha1(), salt, slen, (const unsigned char *)name,
	    strlen(name), got, &glen) == NULL || glen != KNOWNHOSTS_SHA1_LEN)
		return 0;
	return memcmp(got, want, KNOWNHOSTS_SHA1_LEN) == 0;
}

/* The key type a blob starts with (an SSH string) is the one named. */
static int
knownhosts_blob_is(const unsigned char *blob, int len, const char *type,
    size_t tlen)
{
	size_t	n;

	if (len < 4)
		return 0;
	n = ((size_t)blob[0] << 24) | ((size_t)blob[1] << 16) |
	    ((size_t)blob[2] << 8) | blob[3];
	return n == tlen && (size_t)len >= 4 + n &&
	    memcmp(blob + 4, type, tlen) == 0;
}

static size_t
knownhosts_field(const char **pp, const char *end)
{
	const char	*p = *pp;

	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	*pp = p;
	while (p < end && *p != ' ' && *p != '\t' && *p != '\r')
		p++;
	return (size_t)(p - *pp);
}

static void
knownhosts_found(struct knownhosts_result *r, enum knownhosts_status st,
    const char *file, unsigned long line)
{
	if (st <= r->status)
		return;
	free(r->file);
	r->status = st;
	r->file = xstrdup(file);
	r->line = line;
}

/* One line (without its newline) against the host and server key. */
static void
knownhosts_line(const char *p, const char *end, const char *file,
    unsigned long lineno, const char *name, const char *type,
    const unsigned char *key, int keylen, unsigned char *blob,
    struct knownhosts_result *r)
{
	enum knownhosts_marker	 marker = KNOWNHOSTS_PLAIN;
	const char		*hosts, *ktype, *kb64;
	size_t			 n, hlen, tlen, blen;
	int			 len, host, same;

	n = knownhosts_field(&p, end);
	if (n == 0 || *p == '#')
		return;
	if (*p == '@') {
		if (n == 15 && memcmp(p, "@cert-authority", n) == 0)
			marker = KNOWNHOSTS_CA;
		else if (n == 8 && memcmp(p, "@revoked", n) == 0)
			marker = KNOWNHOSTS_REVOKE;
		else
			return;	/* as OpenSSH: an unknown marker, skipped */
		p += n;
		n = knownhosts_field(&p, end);
	}
	hosts = p;
	hlen = n;
	p += n;
	ktype = p;
	tlen = knownhosts_field(&ktype, end);
	kb64 = ktype + tlen;
	blen = knownhosts_field(&kb64, end);
	if (hlen == 0 || tlen == 0 || blen == 0)
		return;
	/* as sshkey_read: a blob that is not of the type named is malformed */
	len = knownhosts_b64(kb64, blen, blob, KNOWNHOSTS_BLOB_MAX);
	if (len < 0 || !knownhosts_blob_is(blob, len, ktype, tlen))
		return;
	same = len == keylen && memcmp(blob, key, (size_t)len) == 0;

	if (*hosts == '|')
		host = knownhosts_match_hashed(name, hosts, hlen);
	else
		host = knownhosts_match_list(name, hosts, hlen);
	if (host != 1)
		return;
	/*
	 * As OpenSSH (9.2, measured): a @revoked line counts for the hosts
	 * its patterns match, and then refuses the key whatever else says.
	 */
	if (marker == KNOWNHOSTS_REVOKE) {
		if (same)
			knownhosts_found(r, KNOWNHOSTS_REVOKED, file, lineno);
		return;
	}
	if (marker == KNOWNHOSTS_CA)
		knownhosts_found(r, KNOWNHOSTS_CA_ONLY, file, lineno);
	else if (same)
		knownhosts_found(r, KNOWNHOSTS_OK, file, lineno);
	else if (strlen(type) == tlen && memcmp(type, ktype, tlen) == 0)
		knownhosts_found(r, KNOWNHOSTS_CHANGED, file, lineno);
}

void
knownhosts_scan(const char *text, size_t len, const char *file,
    const char *name, const char *type, const char *b64,
    struct knownhosts_result *r)
{
	unsigned char	*key, *blob;
	const char	*p = text, *end = text + len, *nl;
	unsigned long	 lineno = 0;
	int		 keylen;

	key = xmalloc(KNOWNHOSTS_BLOB_MAX);
	blob = xmalloc(KNOWNHOSTS_BLOB_MAX);
	keylen = knownhosts_b64(b64, strlen(b64), key, KNOWNHOSTS_BLOB_MAX);
	if (keylen < 0)
		keylen = 0;	/* matches no line: the host stays unknown */
	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		lineno++;
		if (keylen > 0)
			knownhosts_line(p, nl, file, lineno, name, type, key,
			    keylen, blob, r);
		p = nl + 1;
	}
	free(blob);
	free(key);
}

/* knownhosts_scan over each file in turn. */
static int
knownhosts_scan_files(const char *const *files, size_t n, const char *name,
    const char *type, const char *b64, struct knownhosts_result *r,
    char **cause)
{
	struct buf	 b = BUF_INIT;
	size_t		 i;
	int		 rc;

	for (i = 0; i < n; i++) {
		buf_reset(&b);
		if ((rc = read_file(files[i], &b)) != 0) {
			if (rc == -ENOENT || rc == -ENOTDIR)
				continue;
			*cause = xasprintf("cannot read known hosts file "
			    "'%s': %s", files[i], strerror(-rc));
			buf_release(&b);
			return -1;
		}
		knownhosts_scan(buf_cstr(&b), b.len, files[i], name, type, b64,
		    r);
	}
	buf_release(&b);
	return 0;
}

int
knownhosts_check(const char *const *files, size_t n, const char *host,
    int port, const char *type, const char *b64, struct knownhosts_result *r,
    char **cause)
{
	struct knownhosts_result	 plain = KNOWNHOSTS_RESULT_INIT;
	char				*name;
	int				 rc;

	name = knownhosts_name(host, port);
	rc = knownhosts_scan_files(files, n, name, type, b64, r, cause);
	free(name);
	if (rc != 0 || port == 0 || port == 22 ||
	    r->status > KNOWNHOSTS_CA_ONLY)
		return rc;
	/* ssh(1)'s "checking without port identifier" */
	name = knownhosts_name(host, 22);
	rc = knownhosts_scan_files(files, n, name, type, b64, &plain, cause);
	free(name);
	if (rc == 0 && plain.status == KNOWNHOSTS_OK) {
		knownhosts_result_release(r);
		*r = plain;
	} else
		knownhosts_result_release(&plain);
	return rc;
}

int
knownhosts_add(const char *file, const char *name, const char *type,
    const char *b64, char **cause)
{
	char	*dir, *slash, *line = NULL, last = '\n';
	int	 fd, r = -1;
	size_t	 len;

	dir = xstrdup(file);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			*cause = xasprintf("cannot create '%s' for the known "
			    "hosts file: %s", dir, strerror(errno));
			free(dir);
			return -1;
		}
	}
	free(dir);
	if ((fd = open(file, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600)) ==
	    -1 && (fd = open(file, O_WRONLY | O_APPEND | O_CLOEXEC)) == -1) {
		*cause = xasprintf("cannot open known hosts file '%s': %s",
		    file, strerror(errno));
		return -1;
	}
	/* a last line without its newline must not be joined to ours */
	if (pread(fd, &last, 1, lseek(fd, 0, SEEK_END) - 1) != 1)
		last = '\n';
	line = xasprintf("%s%s %s %s\n", last == '\n' ? "" : "\n", name, type,
	    b64);
	len = strlen(line);
	if (write(fd, line, len) != (ssize_t)len) {
		*cause = xasprintf("cannot write to known hosts file '%s': %s",
		    file, strerror(errno));
		goto out;
	}
	r = 0;
out:
	free(line);
	close(fd);
	return r;
}
