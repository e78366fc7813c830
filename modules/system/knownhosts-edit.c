/* The known_hosts search and edit of ansible.builtin.known_hosts. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "knownhosts.h"
#include "knownhosts-edit.h"

/* A key line's fields: options (marker), host, type, key. */
struct kh_fields {
	char	*f[4];
};

static void
kh_fields_release(struct kh_fields *k)
{
	size_t	i;

	for (i = 0; i < 4; i++)
		free(k->f[i]);
	memset(k, 0, sizeof *k);
}

/* Splits a line (len bytes) as normalize_known_hosts_key does; -1 if short. */
static int
kh_fields(const char *line, size_t len, struct kh_fields *k)
{
	const char	*p = line, *end = line + len, *w;
	char		*words[4];
	size_t		 n = 0, i, want;

	memset(k, 0, sizeof *k);
	while (n < 4) {
		while (p < end && isspace((unsigned char)*p))
			p++;
		if (p == end)
			break;
		for (w = p; p < end && !isspace((unsigned char)*p); p++)
			;
		words[n++] = xstrndup(w, p - w);
	}
	want = n > 0 && words[0][0] == '@' ? 4 : 3;
	if (n < want) {
		for (i = 0; i < n; i++)
			free(words[i]);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (i < want)
			k->f[4 - want + i] = words[i];
		else
			free(words[i]);
	}
	return 0;
}

/* Whether a key line has its host, type and key fields. */
static int
kh_key_ok(const char *key)
{
	struct kh_fields	k;

	if (kh_fields(key, strlen(key), &k) != 0)
		return 0;
	kh_fields_release(&k);
	return 1;
}

static int
kh_streq(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

/* Whether a host field (a pattern list or a hashed name) names host. */
static int
kh_field_names(const char *field, const char *host)
{
	if (strncmp(field, "|1|", 3) == 0)
		return knownhosts_match_hashed(host, field, strlen(field));
	return knownhosts_match_list(host, field, strlen(field)) == 1;
}

int
kh_key_names(const char *key, const char *host)
{
	struct kh_fields	k;
	int			yes;

	if (kh_fields(key, strlen(key), &k) != 0)
		return 0;
	yes = kh_field_names(k.f[1], host);
	kh_fields_release(&k);
	return yes;
}

void
kh_search(const char *text, const char *host, const char *key,
    struct kh_search *s)
{
	struct kh_fields	 want, got;
	const char		*p = text, *line, *nl;
	size_t			 len;
	unsigned long		 n = 0;
	int			 have_want;

	memset(s, 0, sizeof *s);
	have_want = key != NULL && kh_fields(key, strlen(key), &want) == 0;
	for (; *p != '\0'; p = nl != NULL ? nl + 1 : line + len) {
		line = p;
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		n++;
		while (len > 0 && isspace((unsigned char)*line)) {
			line++;
			len--;
		}
		if (len == 0 || *line == '#' ||
		    kh_fields(line, len, &got) != 0)
			continue;
		if (!kh_field_names(got.f[1], host)) {
			kh_fields_release(&got);
			continue;
		}
		s->found = 1;
		if (!have_want) {
			kh_fields_release(&got);
			continue;
		}
		/* a hashed name is kept: the salt differs, the name not */
		if (strncmp(want.f[1], "|1|", 3) == 0 &&
		    strncmp(got.f[1], "|1|", 3) == 0) {
			free(want.f[1]);
			want.f[1] = xstrdup(got.f[1]);
		}
		if (kh_streq(want.f[0], got.f[0]) &&
		    strcmp(want.f[1], got.f[1]) == 0 &&
		    strcmp(want.f[2], got.f[2]) == 0 &&
		    strcmp(want.f[3], got.f[3]) == 0) {
			s->line = n;
			kh_fields_release(&got);
			goto out;
		}
		if (strcmp(want.f[2], got.f[2]) == 0) {
			s->replace = 1;
			s->line = n;
			kh_fields_release(&got);
			goto out;
		}
		kh_fields_release(&got);
	}
	if (s->found && have_want)
		s->replace = 1;
out:
	if (have_want)
		kh_fields_release(&want);
}

char *
kh_edit(const char *text, const struct kh_search *s, int present,
    const char *key)
{
	struct buf	 b = BUF_INIT;
	const char	*p = text, *nl;
	size_t		 len;
	unsigned long	 n = 0;

	for (; *p != '\0'; p += len) {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) + 1 : strlen(p);
		if (++n == s->line && (s->replace || !present))
			continue;
		buf_add(&b, p, len);
	}
	if (present && (s->replace || s->line == 0)) {
		if (b.len > 0 && buf_cstr(&b)[b.len - 1] != '\n')
			buf_addc(&b, '\n');
		buf_adds(&b, key);
		if (*key == '\0' || key[strlen(key) - 1] != '\n')
			buf_addc(&b, '\n');
	}
	buf_cstr(&b);
	return buf_detach(&b, NULL);
}

char *
kh_hash_key(const char *host, const char *key, const unsigned char salt[20])
{
	struct buf	 b = BUF_INIT;
	unsigned char	 mac[EVP_MAX_MD_SIZE];
	unsigned int	 mlen = 0;
	char		 s64[64], m64[64];
	const char	*p = key, *w;
	int		 n = 0, at;

	if (!kh_key_ok(key))
		return NULL;
	HMAC(EVP_sha1(), salt, 20, (const unsigned char *)host, strlen(host),
	    mac, &mlen);
	EVP_EncodeBlock((unsigned char *)s64, salt, 20);
	EVP_EncodeBlock((unsigned char *)m64, mac, (int)mlen);
	/* every word kept but the host field, as hash_host_key joins them */
	while (*p != '\0' && isspace((unsigned char)*p))
		p++;
	at = *p == '@';
	for (;;) {
		while (*p != '\0' && isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		for (w = p; *p != '\0' && !isspace((unsigned char)*p); p++)
			;
		if (n > 0)
			buf_addc(&b, ' ');
		if (n++ == at)
			buf_addf(&b, "|1|%s|%s", s64, m64);
		else
			buf_add(&b, w, p - w);
	}
	buf_cstr(&b);
	return buf_detach(&b, NULL);
}
