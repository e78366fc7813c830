/*
 * SQL quoting for MySQL and PostgreSQL, option-file values, the clients'
 * row output and MySQL's native password hash: pure, unit-tested.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "db.h"

void
db_strv_add(char ***v, size_t *n, const char *s)
{
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = xstrdup(s);
}

int
db_strv_has(char *const *v, size_t n, const char *s)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strcmp(v[i], s) == 0)
			return 1;
	}
	return 0;
}

int
db_in_list(const char *const *v, const char *s)
{
	for (; *v != NULL; v++) {
		if (strcmp(*v, s) == 0)
			return 1;
	}
	return 0;
}

void
mysql_quote_ident_mode(struct buf *b, const char *s, int ansi)
{
	char	q = ansi ? '"' : '`';

	buf_addc(b, q);
	for (; *s != '\0'; s++) {
		if (*s == q)
			buf_addc(b, q);
		buf_addc(b, *s);
	}
	buf_addc(b, q);
}

void
mysql_quote_ident(struct buf *b, const char *s)
{
	mysql_quote_ident_mode(b, s, 0);
}

void
mysql_quote_literal(struct buf *b, const char *s)
{
	buf_addc(b, '\'');
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '\'':
			buf_adds(b, "''");
			break;
		case '\\':
			buf_adds(b, "\\\\");
			break;
		case '\032':
			/* ^Z ends a statement on Windows clients */
			buf_adds(b, "\\Z");
			break;
		default:
			buf_addc(b, *s);
			break;
		}
	}
	buf_addc(b, '\'');
}

void
pg_quote_ident(struct buf *b, const char *s)
{
	buf_addc(b, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			buf_addc(b, '"');
		buf_addc(b, *s);
	}
	buf_addc(b, '"');
}

/* Backslash and quote escaped, as both libpq conninfo and E'' want. */
static void
pg_quote_escaped(struct buf *b, const char *s)
{
	buf_addc(b, '\'');
	for (; *s != '\0'; s++) {
		if (*s == '\'' || *s == '\\')
			buf_addc(b, '\\');
		buf_addc(b, *s);
	}
	buf_addc(b, '\'');
}

void
pg_quote_literal(struct buf *b, const char *s)
{
	/* E'' reads the same with standard_conforming_strings on or off */
	buf_addc(b, 'E');
	pg_quote_escaped(b, s);
}

void
pg_quote_conninfo(struct buf *b, const char *s)
{
	pg_quote_escaped(b, s);
}

int
mysql_option_value(struct buf *b, const char *s)
{
	buf_addc(b, '"');
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '\n':
			buf_adds(b, "\\n");
			break;
		case '\r':
			buf_adds(b, "\\r");
			break;
		case '\t':
			buf_adds(b, "\\t");
			break;
		case '\\':
		case '"':
			buf_addc(b, '\\');
			buf_addc(b, *s);
			break;
		default:
			buf_addc(b, *s);
			break;
		}
	}
	buf_addc(b, '"');
	return 0;
}

int
pg_pgpass_value(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\n' || *s == '\r')
			return -1;
		if (*s == ':' || *s == '\\')
			buf_addc(b, '\\');
		buf_addc(b, *s);
	}
	return 0;
}

static void
db_rows_add_field(struct db_row *row, struct buf *f)
{
	row->f = xreallocarray(row->f, row->n + 1, sizeof *row->f);
	buf_cstr(f);
	row->f[row->n++] = buf_detach(f, NULL);
}

static struct db_row *
db_rows_add(struct db_rows *rows)
{
	rows->v = xreallocarray(rows->v, rows->n + 1, sizeof *rows->v);
	rows->v[rows->n].f = NULL;
	rows->v[rows->n].n = 0;
	return &rows->v[rows->n++];
}

void
db_rows_parse_mysql(const char *s, size_t len, struct db_rows *rows)
{
	struct buf	 f = BUF_INIT;
	struct db_row	*row = NULL;
	size_t		 i;

	for (i = 0; i < len; i++) {
		if (row == NULL)
			row = db_rows_add(rows);
		if (s[i] == '\n') {
			db_rows_add_field(row, &f);
			row = NULL;
		} else if (s[i] == '\t')
			db_rows_add_field(row, &f);
		else if (s[i] == '\\' && i + 1 < len) {
			i++;
			switch (s[i]) {
			case 't':
				buf_addc(&f, '\t');
				break;
			case 'n':
				buf_addc(&f, '\n');
				break;
			case '0':
				buf_addc(&f, '\0');
				break;
			default:
				buf_addc(&f, s[i]);
				break;
			}
		} else
			buf_addc(&f, s[i]);
	}
	if (row != NULL)
		db_rows_add_field(row, &f);
	buf_release(&f);
}

void
db_rows_parse_pg(const char *s, size_t len, int multi, struct db_rows *rows)
{
	struct buf	 f = BUF_INIT;
	struct db_row	*row = NULL;
	size_t		 i;

	/* psql ends its output with a newline after the last record */
	if (len > 0 && s[len - 1] == '\n')
		len--;
	for (i = 0; i < len; i++) {
		if (row == NULL)
			row = db_rows_add(rows);
		if (s[i] == DB_PG_RS[0] || (multi && s[i] == '\n')) {
			db_rows_add_field(row, &f);
			row = NULL;
		} else if (s[i] == DB_PG_FS[0])
			db_rows_add_field(row, &f);
		else
			buf_addc(&f, s[i]);
	}
	if (row != NULL)
		db_rows_add_field(row, &f);
	buf_release(&f);
}

void
db_rows_release(struct db_rows *rows)
{
	size_t	i;

	if (rows == NULL)
		return;
	for (i = 0; i < rows->n; i++)
		strv_free(rows->v[i].f, rows->v[i].n);
	free(rows->v);
	rows->v = NULL;
	rows->n = 0;
}

const char *
db_rows_get(const struct db_rows *rows, size_t r, size_t i)
{
	if (r >= rows->n || i >= rows->v[r].n)
		return NULL;
	return rows->v[r].f[i];
}

void
mysql_native_hash(const char *password, char out[42])
{
	unsigned char	stage1[EVP_MAX_MD_SIZE], stage2[EVP_MAX_MD_SIZE];
	unsigned int	n1 = 0, n2 = 0, i;

	/* SHA1(SHA1(password)) in upper-case hex, as PASSWORD() gives it */
	if (EVP_Digest(password, strlen(password), stage1, &n1, EVP_sha1(),
	    NULL) != 1 || EVP_Digest(stage1, n1, stage2, &n2, EVP_sha1(),
	    NULL) != 1 || n2 != 20)
		fatal("SHA-1 failed");
	out[0] = '*';
	for (i = 0; i < 20; i++)
		snprintf(out + 1 + 2 * i, 3, "%02X", stage2[i]);
	out[41] = '\0';
}

int
mysql_is_hash(const char *s)
{
	size_t	i;

	if (strlen(s) != 41 || s[0] != '*')
		return 0;
	for (i = 1; i < 41; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	}
	return 1;
}

/* pg_authid's md5 form: "md5" and md5(password || user) in hex. */
void
pg_md5_password(const char *password, const char *user, char out[36])
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0;
	EVP_MD_CTX	*c = EVP_MD_CTX_new();
	size_t		 i;

	if (c == NULL)
		fatal("out of memory");
	EVP_DigestInit_ex(c, EVP_md5(), NULL);
	EVP_DigestUpdate(c, password, strlen(password));
	EVP_DigestUpdate(c, user, strlen(user));
	EVP_DigestFinal_ex(c, md, &mdlen);
	EVP_MD_CTX_free(c);
	memcpy(out, "md5", 3);
	for (i = 0; i < 16; i++)
		snprintf(out + 3 + 2 * i, 3, "%02x", md[i]);
	out[35] = '\0';
}

/* Standard base64 into out (at most max bytes): its length, or -1. */
static int
db_b64_decode(const char *s, size_t len, unsigned char *out, size_t max)
{
	unsigned char	*tmp;
	int		 n;
	size_t		 pad = 0;

	if (len == 0 || len % 4 != 0 || len / 4 * 3 > max + 2)
		return -1;
	tmp = xmalloc(len / 4 * 3 + 1);
	n = EVP_DecodeBlock(tmp, (const unsigned char *)s, (int)len);
	if (s[len - 1] == '=')
		pad++;
	if (s[len - 2] == '=')
		pad++;
	if (n < 0 || (size_t)n - pad > max) {
		free(tmp);
		return -1;
	}
	n -= (int)pad;
	memcpy(out, tmp, n);
	free(tmp);
	return n;
}

int
pg_is_scram(const char *s)
{
	return str_startswith(s, "SCRAM-SHA-256$");
}

int
pg_scram_verify(const char *stored, const char *password)
{
	unsigned char	 salt[256], server_key[64], salted[32], mac[32];
	unsigned int	 maclen = 0;
	const char	*p, *colon, *dollar, *colon2;
	char		*end;
	long		 iter;
	int		 saltlen, keylen;

	if (!pg_is_scram(stored))
		return -1;
	/* SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey> */
	p = stored + strlen("SCRAM-SHA-256$");
	iter = strtol(p, &end, 10);
	if (end == p || *end != ':' || iter <= 0)
		return -1;
	colon = end;
	if ((dollar = strchr(colon, '$')) == NULL ||
	    (colon2 = strchr(dollar, ':')) == NULL)
		return -1;
	if ((saltlen = db_b64_decode(colon + 1, dollar - colon - 1, salt,
	    sizeof salt)) < 0 ||
	    (keylen = db_b64_decode(colon2 + 1, strlen(colon2 + 1), server_key,
	    sizeof server_key)) != 32)
		return -1;
	/* RFC 5802: ServerKey = HMAC(Hi(password, salt, i), "Server Key") */
	if (PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt, saltlen,
	    (int)iter, EVP_sha256(), sizeof salted, salted) != 1 ||
	    HMAC(EVP_sha256(), salted, sizeof salted,
	    (const unsigned char *)"Server Key", 10, mac, &maclen) == NULL ||
	    maclen != 32)
		return -1;
	return memcmp(mac, server_key, 32) == 0;
}
