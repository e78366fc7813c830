/* Ansible Vault 1.1/1.2 envelopes with libcrypto, and the run's secrets. */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/opensslv.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "vault.h"

#define VAULT_HEADER		"$ANSIBLE_VAULT"
#define VAULT_SALT_LEN		32
#define VAULT_KEY_LEN		32
#define VAULT_IV_LEN		16
#define VAULT_ITERATIONS	10000
#define VAULT_BLOCK		16
/* A password or a secret script's output past this is not a password. */
#define VAULT_SECRET_MAX	(1 << 20)

static const struct vault_secrets	*vault_run_secrets;
static int				 vault_is_lenient;

void
vault_set_lenient(int on)
{
	vault_is_lenient = on;
}

int
vault_lenient(void)
{
	return vault_is_lenient;
}

void
vault_set_secrets(const struct vault_secrets *s)
{
	vault_run_secrets = s;
}

const struct vault_secrets *
vault_get_secrets(void)
{
	return vault_run_secrets;
}

void
vault_secrets_add(struct vault_secrets *s, const char *id,
    const char *password, size_t len)
{
	struct vault_secret	*v;

	s->v = xreallocarray(s->v, s->n + 1, sizeof *s->v);
	v = &s->v[s->n++];
	v->id = xstrdup(id != NULL && *id != '\0' ? id : "default");
	v->password = xmalloc(len + 1);
	memcpy(v->password, password, len);
	v->password[len] = '\0';
	v->len = len;
}

void
vault_secrets_release(struct vault_secrets *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].id);
		OPENSSL_cleanse(s->v[i].password, s->v[i].len);
		free(s->v[i].password);
	}
	free(s->v);
	free(s->encrypt_id);
	memset(s, 0, sizeof *s);
}

/* Ansible keeps a password file's text less leading/trailing CR and LF. */
static void
vault_strip_crlf(struct buf *b, size_t *off)
{
	*off = 0;
	while (*off < b->len && (b->s[*off] == '\r' || b->s[*off] == '\n'))
		(*off)++;
	while (b->len > *off && (b->s[b->len - 1] == '\r' ||
	    b->s[b->len - 1] == '\n'))
		b->len--;
}

/* Runs a password script and keeps its standard output. */
static int
vault_run_script(const char *path, const char *id, struct buf *out,
    char **cause)
{
	int	 fds[2], status;
	pid_t	 pid;
	char	 chunk[4096];
	ssize_t	 n;
	int	 client;

	/* A "*-client" script is asked for the vault id it should give. */
	client = str_endswith(path, "-client") ||
	    strstr(path, "-client.") != NULL;
	if (pipe(fds) != 0) {
		*cause = xasprintf("cannot run vault password script '%s': %s",
		    path, strerror(errno));
		return -1;
	}
	if ((pid = fork()) == -1) {
		close(fds[0]);
		close(fds[1]);
		*cause = xasprintf("cannot run vault password script '%s': %s",
		    path, strerror(errno));
		return -1;
	}
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		if (client)
			execl(path, path, "--vault-id", id, (char *)NULL);
		else
			execl(path, path, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	while ((n = read(fds[0], chunk, sizeof chunk)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (out->len + (size_t)n <= VAULT_SECRET_MAX)
			buf_add(out, chunk, (size_t)n);
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		*cause = xasprintf("vault password script %s returned non-zero "
		    "(%d)", path, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return -1;
	}
	return 0;
}

int
vault_read_prompt(const char *question, struct buf *out, char **cause)
{
	struct termios	 old, quiet;
	FILE		*tty;
	int		 c, echo_off;

	if ((tty = fopen("/dev/tty", "r+")) == NULL) {
		*cause = xasprintf("cannot ask for the vault password: no "
		    "terminal (give --vault-password-file or --vault-id)");
		return -1;
	}
	fputs(question, tty);
	fflush(tty);
	echo_off = tcgetattr(fileno(tty), &old) == 0;
	if (echo_off) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	}
	while ((c = fgetc(tty)) != EOF && c != '\n' &&
	    out->len < VAULT_SECRET_MAX)
		buf_addc(out, (char)c);
	if (echo_off)
		tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputc('\n', tty);
	fclose(tty);
	return 0;
}

int
vault_secrets_load(struct vault_secrets *s, const char *spec,
    int ask_confirm, char **cause)
{
	const char	*at = strchr(spec, '@'), *src = spec;
	char		*id = NULL, *q;
	struct buf	 pw = BUF_INIT, again = BUF_INIT;
	struct stat	 sb;
	size_t		 off = 0;
	int		 r = -1;

	if (at != NULL) {
		id = xstrndup(spec, (size_t)(at - spec));
		src = at + 1;
	} else
		id = xstrdup("default");
	if (strcmp(src, "prompt") == 0 || strcmp(src, "prompt_ask_vault_pass")
	    == 0) {
		q = strcmp(id, "default") == 0 ? xstrdup("Vault password: ") :
		    xasprintf("Vault password (%s): ", id);
		r = vault_read_prompt(q, &pw, cause);
		free(q);
		if (r == 0 && ask_confirm) {
			r = vault_read_prompt("Confirm vault password: ", &again,
			    cause);
			if (r == 0 && (again.len != pw.len ||
			    memcmp(again.s, pw.s, pw.len) != 0)) {
				*cause = xstrdup("Passwords do not match");
				r = -1;
			}
		}
	} else if (stat(src, &sb) != 0) {
		*cause = xasprintf("The vault password file %s was not found",
		    src);
	} else if (S_ISREG(sb.st_mode) && (sb.st_mode & 0111) != 0) {
		if ((r = vault_run_script(src, id, &pw, cause)) == 0)
			vault_strip_crlf(&pw, &off);
	} else if ((r = read_file(src, &pw)) != 0) {
		*cause = xasprintf("cannot read vault password file '%s': %s",
		    src, strerror(-r));
		r = -1;
	} else
		vault_strip_crlf(&pw, &off);
	if (r == 0 && pw.len == off) {
		*cause = xasprintf("Invalid vault password was provided from "
		    "%s", strcmp(src, "prompt") == 0 ? "prompt" : src);
		r = -1;
	}
	if (r == 0)
		vault_secrets_add(s, id, pw.s + off, pw.len - off);
	if (pw.s != NULL)
		OPENSSL_cleanse(pw.s, pw.cap);
	if (again.s != NULL)
		OPENSSL_cleanse(again.s, again.cap);
	buf_release(&pw);
	buf_release(&again);
	free(id);
	return r;
}

static void
vault_strv_add(char ***v, size_t *n, const char *s)
{
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = xstrdup(s);
}

void
vault_opts_add_id(struct vault_opts *o, const char *s)
{
	vault_strv_add(&o->ids, &o->nids, s);
}

void
vault_opts_add_file(struct vault_opts *o, const char *s)
{
	vault_strv_add(&o->files, &o->nfiles, s);
}

void
vault_opts_release(struct vault_opts *o)
{
	for (size_t i = 0; i < o->nids; i++)
		free(o->ids[i]);
	for (size_t i = 0; i < o->nfiles; i++)
		free(o->files[i]);
	free(o->ids);
	free(o->files);
	memset(o, 0, sizeof *o);
}

int
vault_secrets_setup(struct vault_secrets *s, const struct vault_opts *o,
    int confirm, char **cause)
{
	char	*list, *tok, *save = NULL;
	int	 r = 0;

	if (o->cfg_ids != NULL && *o->cfg_ids != '\0') {
		list = xstrdup(o->cfg_ids);
		for (tok = strtok_r(list, ",", &save); tok != NULL && r == 0;
		    tok = strtok_r(NULL, ",", &save))
			if (*str_trim(tok) != '\0')
				r = vault_secrets_load(s, tok, confirm, cause);
		free(list);
	}
	for (size_t i = 0; i < o->nids && r == 0; i++)
		r = vault_secrets_load(s, o->ids[i], confirm, cause);
	for (size_t i = 0; i < o->nfiles && r == 0; i++)
		r = vault_secrets_load(s, o->files[i], confirm, cause);
	if (r == 0 && o->cfg_file != NULL && *o->cfg_file != '\0')
		r = vault_secrets_load(s, o->cfg_file, confirm, cause);
	if (r == 0 && o->ask)
		r = vault_secrets_load(s, "prompt", confirm, cause);
	return r;
}

int
vault_is_encrypted(const char *text, size_t len)
{
	return len >= strlen(VAULT_HEADER) &&
	    memcmp(text, VAULT_HEADER, strlen(VAULT_HEADER)) == 0;
}

static int
vault_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Appends the bytes of a hex string; -1 on an odd length or a non-hex. */
static int
vault_unhex(const char *s, size_t len, struct buf *out)
{
	int	hi, lo;

	if (len % 2 != 0)
		return -1;
	buf_grow(out, len / 2 + 1);
	for (size_t i = 0; i < len; i += 2) {
		if ((hi = vault_hexval((unsigned char)s[i])) < 0 ||
		    (lo = vault_hexval((unsigned char)s[i + 1])) < 0)
			return -1;
		buf_addc(out, (char)(hi << 4 | lo));
	}
	return 0;
}

static void
vault_hex(struct buf *out, const unsigned char *p, size_t len)
{
	static const char	digits[] = "0123456789abcdef";

	buf_grow(out, len * 2 + 1);
	for (size_t i = 0; i < len; i++) {
		buf_addc(out, digits[p[i] >> 4]);
		buf_addc(out, digits[p[i] & 15]);
	}
}

/* The envelope's parts: version, vault id, and the hexlified body. */
struct vault_envelope {
	char		 version[8];
	char		*id;
	struct buf	 body;		/* the lines after the header, joined */
};

static int
vault_parse_envelope(const char *text, size_t len, struct vault_envelope *e,
    char **cause)
{
	const char	*nl, *p, *end = text + len;
	char		*header, *field, *save = NULL;
	int		 i;

	memset(e, 0, sizeof *e);
	nl = memchr(text, '\n', len);
	header = xstrndup(text, nl != NULL ? (size_t)(nl - text) : len);
	str_trim(header);
	for (i = 0, field = strtok_r(header, ";", &save); field != NULL;
	    i++, field = strtok_r(NULL, ";", &save)) {
		str_trim(field);
		if (i == 1)
			snprintf(e->version, sizeof e->version, "%s", field);
		else if (i == 2 && strcmp(field, "AES256") != 0) {
			*cause = xasprintf("unsupported vault cipher '%s'",
			    field);
			free(header);
			return -1;
		} else if (i == 3)
			e->id = xstrdup(field);
	}
	free(header);
	if (strcmp(e->version, "1.1") != 0 && strcmp(e->version, "1.2") != 0) {
		*cause = xasprintf("unsupported vault format version '%s'",
		    e->version);
		free(e->id);
		e->id = NULL;
		return -1;
	}
	for (p = nl != NULL ? nl + 1 : end; p < end; p++)
		if (*p != '\n' && *p != '\r' && *p != ' ' && *p != '\t')
			buf_addc(&e->body, *p);
	buf_cstr(&e->body);
	return 0;
}

static void
vault_envelope_release(struct vault_envelope *e)
{
	free(e->id);
	buf_release(&e->body);
}

/* key1 (AES), key2 (HMAC), iv from PBKDF2-SHA256 as Ansible derives them. */
static int
vault_derive(const char *pw, size_t plen, const unsigned char *salt,
    size_t slen, unsigned char key[2 * VAULT_KEY_LEN + VAULT_IV_LEN])
{
	return PKCS5_PBKDF2_HMAC(pw, (int)plen, salt, (int)slen,
	    VAULT_ITERATIONS, EVP_sha256(), 2 * VAULT_KEY_LEN + VAULT_IV_LEN,
	    key) == 1 ? 0 : -1;
}

/* AES-256-CTR: the same call encrypts and decrypts. */
static int
vault_ctr(const unsigned char *key, const unsigned char *iv,
    const unsigned char *in, size_t len, unsigned char *out)
{
	EVP_CIPHER_CTX	*c;
	int		 n = 0, fin = 0, ok;

	if ((c = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	ok = EVP_EncryptInit_ex(c, EVP_aes_256_ctr(), NULL, key, iv) == 1 &&
	    EVP_EncryptUpdate(c, out, &n, in, (int)len) == 1 &&
	    EVP_EncryptFinal_ex(c, out + n, &fin) == 1;
	EVP_CIPHER_CTX_free(c);
	return ok ? 0 : -1;
}

static void
vault_hmac(const unsigned char *key, const unsigned char *data, size_t len,
    unsigned char out[32])
{
	unsigned int	n = 32;

	HMAC(EVP_sha256(), key, VAULT_KEY_LEN, data, len, out, &n);
}

/*
 * One secret against the body: 0 and the plaintext, 1 when the HMAC says
 * it is the wrong secret, -1 and *cause when the body is malformed.
 */
static int
vault_open(const struct vault_secret *sec, const struct buf *body,
    struct buf *out, char **cause)
{
	struct buf	 inner = BUF_INIT, salt = BUF_INIT, mac = BUF_INIT;
	struct buf	 ct = BUF_INIT;
	unsigned char	 key[2 * VAULT_KEY_LEN + VAULT_IV_LEN], want[32];
	unsigned char	*plain = NULL;
	const char	*a, *b;
	size_t		 pad;
	int		 r = -1;

	if (vault_unhex(body->s, body->len, &inner) != 0)
		goto bad;
	buf_cstr(&inner);
	if ((a = memchr(inner.s, '\n', inner.len)) == NULL ||
	    (b = memchr(a + 1, '\n', inner.len - (size_t)(a + 1 - inner.s)))
	    == NULL)
		goto bad;
	if (vault_unhex(inner.s, (size_t)(a - inner.s), &salt) != 0 ||
	    vault_unhex(a + 1, (size_t)(b - a - 1), &mac) != 0 ||
	    vault_unhex(b + 1, inner.len - (size_t)(b + 1 - inner.s), &ct)
	    != 0 || mac.len != 32 || salt.len == 0)
		goto bad;
	if (vault_derive(sec->password, sec->len, (unsigned char *)salt.s,
	    salt.len, key) != 0) {
		*cause = xstrdup("libcrypto refused the vault key derivation");
		goto out;
	}
	vault_hmac(key + VAULT_KEY_LEN, (unsigned char *)ct.s, ct.len, want);
	if (CRYPTO_memcmp(want, mac.s, 32) != 0) {
		r = 1;
		goto out;
	}
	plain = xmalloc(ct.len + VAULT_BLOCK);
	if (ct.len == 0 || ct.len % VAULT_BLOCK != 0 ||
	    vault_ctr(key, key + 2 * VAULT_KEY_LEN, (unsigned char *)ct.s,
	    ct.len, plain) != 0)
		goto bad;
	pad = plain[ct.len - 1];
	if (pad == 0 || pad > VAULT_BLOCK)
		goto bad;
	for (size_t i = 0; i < pad; i++)
		if (plain[ct.len - 1 - i] != pad)
			goto bad;
	buf_add(out, plain, ct.len - pad);
	buf_cstr(out);
	r = 0;
	goto out;
bad:
	*cause = xstrdup("Vault format error: the encrypted data is "
	    "malformed");
out:
	OPENSSL_cleanse(key, sizeof key);
	if (plain != NULL) {
		OPENSSL_cleanse(plain, ct.len + VAULT_BLOCK);
		free(plain);
	}
	buf_release(&inner);
	buf_release(&salt);
	buf_release(&mac);
	buf_release(&ct);
	return r;
}

int
vault_decrypt(const struct vault_secrets *s, const char *text, size_t len,
    const char *name, struct buf *out, char **id, char **cause)
{
	struct vault_envelope	 e;
	char			*c = NULL;
	size_t			 pass, i;
	int			 r;

	if (id != NULL)
		*id = NULL;
	if (s == NULL || s->n == 0) {
		*cause = xasprintf("Attempting to decrypt but no vault secrets "
		    "found%s%s (give --vault-password-file, --ask-vault-pass "
		    "or --vault-id)", name != NULL ? " for " : "",
		    name != NULL ? name : "");
		return -1;
	}
	if (vault_parse_envelope(text, len, &e, &c) != 0) {
		*cause = xasprintf("Vault envelope format error%s%s: %s",
		    name != NULL ? " in " : "", name != NULL ? name : "", c);
		free(c);
		return -1;
	}
	/* The secret the header names first, then every other one. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < s->n; i++) {
			int named = e.id != NULL &&
			    strcmp(s->v[i].id, e.id) == 0;

			if ((pass == 0) != named)
				continue;
			r = vault_open(&s->v[i], &e.body, out, &c);
			if (r == 0) {
				if (id != NULL)
					*id = xstrdup(s->v[i].id);
				vault_envelope_release(&e);
				return 0;
			}
			if (r < 0) {
				*cause = xasprintf("%s%s%s", c,
				    name != NULL ? " in " : "",
				    name != NULL ? name : "");
				free(c);
				vault_envelope_release(&e);
				return -1;
			}
		}
	}
	vault_envelope_release(&e);
	*cause = xasprintf("Decryption failed (no vault secrets were found "
	    "that could decrypt)%s%s", name != NULL ? " on " : "",
	    name != NULL ? name : "");
	return -1;
}

int
vault_encrypt(const char *password, size_t plen, const char *id,
    const void *plain, size_t len, const unsigned char *salt,
    struct buf *out, char **cause)
{
	unsigned char	 key[2 * VAULT_KEY_LEN + VAULT_IV_LEN], mac[32];
	unsigned char	 sbuf[VAULT_SALT_LEN], *padded, *ct;
	struct buf	 inner = BUF_INIT, body = BUF_INIT;
	size_t		 plen_padded = (len / VAULT_BLOCK + 1) * VAULT_BLOCK;
	int		 r = -1, v12 = id != NULL && *id != '\0' &&
			    strcmp(id, "default") != 0;

	if (salt == NULL) {
		if (RAND_bytes(sbuf, sizeof sbuf) != 1) {
			*cause = xstrdup("libcrypto has no random bytes for "
			    "the vault salt");
			return -1;
		}
		salt = sbuf;
	}
	if (vault_derive(password, plen, salt, VAULT_SALT_LEN, key) != 0) {
		*cause = xstrdup("libcrypto refused the vault key derivation");
		return -1;
	}
	/* PKCS#7 before CTR: Ansible pads although CTR does not need it. */
	padded = xmalloc(plen_padded);
	ct = xmalloc(plen_padded);
	memcpy(padded, plain, len);
	memset(padded + len, (int)(plen_padded - len), plen_padded - len);
	if (vault_ctr(key, key + 2 * VAULT_KEY_LEN, padded, plen_padded, ct)
	    != 0) {
		*cause = xstrdup("libcrypto refused AES-256-CTR");
		goto out;
	}
	vault_hmac(key + VAULT_KEY_LEN, ct, plen_padded, mac);
	vault_hex(&inner, salt, VAULT_SALT_LEN);
	buf_addc(&inner, '\n');
	vault_hex(&inner, mac, sizeof mac);
	buf_addc(&inner, '\n');
	vault_hex(&inner, ct, plen_padded);
	vault_hex(&body, (unsigned char *)inner.s, inner.len);
	if (v12)
		buf_addf(out, "%s;1.2;AES256;%s\n", VAULT_HEADER, id);
	else
		buf_addf(out, "%s;1.1;AES256\n", VAULT_HEADER);
	for (size_t i = 0; i < body.len; i += 80) {
		buf_add(out, body.s + i, body.len - i < 80 ? body.len - i : 80);
		buf_addc(out, '\n');
	}
	r = 0;
out:
	OPENSSL_cleanse(key, sizeof key);
	OPENSSL_cleanse(padded, plen_padded);
	free(padded);
	free(ct);
	buf_release(&inner);
	buf_release(&body);
	return r;
}

const char *
vault_library_version(void)
{
	return OpenSSL_version(OPENSSL_VERSION);
}
