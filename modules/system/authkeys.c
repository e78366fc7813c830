/* authorized_keys lines parsed, matched and rewritten the way Ansible's authorized_key does. */
#include <stdlib.h>
#include <string.h>

#include "authkeys.h"

static const char *const authkeys_types[] = {
	"sk-ecdsa-sha2-nistp256@openssh.com",
	"sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
	"ecdsa-sha2-nistp256",
	"ecdsa-sha2-nistp256-cert-v01@openssh.com",
	"ecdsa-sha2-nistp384",
	"ecdsa-sha2-nistp384-cert-v01@openssh.com",
	"ecdsa-sha2-nistp521",
	"ecdsa-sha2-nistp521-cert-v01@openssh.com",
	"sk-ssh-ed25519@openssh.com",
	"sk-ssh-ed25519-cert-v01@openssh.com",
	"ssh-ed25519",
	"ssh-ed25519-cert-v01@openssh.com",
	"ssh-dss",
	"ssh-dss-cert-v01@openssh.com",
	"ssh-rsa",
	"ssh-rsa-cert-v01@openssh.com",
	NULL
};

#define AUTHKEYS_SPACE " \t\r\n"

/* An entry of Ansible's existing_keys dict, in insertion order. */
struct authkeys_entry {
	char			*id;	/* the blob, or the whole line */
	int			 skipped; /* kept as the line it was */
	struct authkeys_key	 k;
	long			 rank;
};

struct authkeys_dict {
	struct authkeys_entry	*e;
	size_t			 n;
};

void
authkeys_key_release(struct authkeys_key *k)
{
	size_t	i;

	for (i = 0; i < k->nopts; i++) {
		free(k->opts[i].name);
		free(k->opts[i].value);
	}
	free(k->opts);
	free(k->blob);
	free(k->type);
	free(k->comment);
	memset(k, 0, sizeof *k);
}

static void
authkeys_add_opt(struct authkeys_key *k, const char *part, size_t len)
{
	const char	*eq = memchr(part, '=', len);

	k->opts = xreallocarray(k->opts, k->nopts + 1, sizeof *k->opts);
	if (eq != NULL) {
		k->opts[k->nopts].name = xstrndup(part, (size_t)(eq - part));
		k->opts[k->nopts].value = xstrndup(eq + 1,
		    len - (size_t)(eq - part) - 1);
	} else {
		k->opts[k->nopts].name = xstrndup(part, len);
		k->opts[k->nopts].value = NULL;
	}
	k->nopts++;
}

/*
 * re.split(r'((?:[^,"\']|"[^"]*"|\'[^\']*\')+)', s)[1:-1]: the runs the
 * pattern matches and the text between them, without what comes before
 * the first run and after the last.  A part with "=" is name=value, a
 * part other than "," a flag.
 */
void
authkeys_parse_options(const char *s, struct authkeys_key *k)
{
	size_t		 len = strlen(s), i = 0, start, prev_end = 0, n;
	const char	*q;
	int		 first = 1;

	while (i < len) {
		start = i;
		for (;;) {
			if (i < len && strchr(",\"'", s[i]) == NULL)
				i++;
			else if (i < len && s[i] != ',' &&
			    (q = strchr(s + i + 1, s[i])) != NULL)
				i = (size_t)(q - s) + 1;
			else
				break;
		}
		if (i == start) {
			i++;
			continue;
		}
		if (!first) {
			n = start - prev_end;
			if (n != 1 || s[prev_end] != ',')
				authkeys_add_opt(k, s + prev_end, n);
		}
		authkeys_add_opt(k, s + start, i - start);
		first = 0;
		prev_end = i;
	}
}

int
authkeys_opts_equal(const struct authkeys_key *a, const struct authkeys_key *b)
{
	size_t	i, j, nth, seen;

	if (a->nopts != b->nopts)
		return 0;
	/* The n-th value of a name in a equals the n-th of it in b. */
	for (i = 0; i < a->nopts; i++) {
		for (nth = 0, j = 0; j < i; j++)
			if (strcmp(a->opts[j].name, a->opts[i].name) == 0)
				nth++;
		for (seen = 0, j = 0; j < b->nopts; j++) {
			if (strcmp(b->opts[j].name, a->opts[i].name) != 0)
				continue;
			if (seen++ == nth)
				break;
		}
		if (j == b->nopts)
			return 0;
		if ((a->opts[i].value == NULL) != (b->opts[j].value == NULL))
			return 0;
		if (a->opts[i].value != NULL &&
		    strcmp(a->opts[i].value, b->opts[j].value) != 0)
			return 0;
	}
	return 1;
}

/* "\#" becomes "#", as Ansible undoes YAML escapes. */
static char *
authkeys_unescape(const char *s)
{
	char	*out = xmalloc(strlen(s) + 1), *o = out;

	while (*s != '\0') {
		if (s[0] == '\\' && s[1] == '#')
			s++;
		*o++ = *s++;
	}
	*o = '\0';
	return out;
}

/* 1 a key, 2 a "# ..." comment line, 0 anything else. */
static int
authkeys_parse_line(const char *line, struct authkeys_key *k)
{
	char		*copy = authkeys_unescape(line), *save = NULL, *w;
	char	       **words = NULL;
	size_t		 n = 0, i, t;
	struct buf	 b = BUF_INIT;
	int		 r = 0;

	memset(k, 0, sizeof *k);
	for (w = strtok_r(copy, AUTHKEYS_SPACE, &save); w != NULL;
	    w = strtok_r(NULL, AUTHKEYS_SPACE, &save)) {
		words = xreallocarray(words, n + 1, sizeof *words);
		words[n++] = w;
	}
	if (n > 0 && strcmp(words[0], "#") == 0) {
		r = 2;
		goto out;
	}
	for (t = 0; t < n; t++) {
		for (i = 0; authkeys_types[i] != NULL; i++)
			if (strcmp(words[t], authkeys_types[i]) == 0)
				break;
		if (authkeys_types[i] != NULL)
			break;
	}
	if (t >= n || t + 1 >= n)
		goto out;
	for (i = 0; i < t; i++)
		buf_addf(&b, "%s%s", i > 0 ? " " : "", words[i]);
	if (t > 0)
		authkeys_parse_options(buf_cstr(&b), k);
	buf_reset(&b);
	k->type = xstrdup(words[t]);
	k->blob = xstrdup(words[t + 1]);
	for (i = t + 2; i < n; i++)
		buf_addf(&b, "%s%s", i > t + 2 ? " " : "", words[i]);
	k->comment = xstrdup(buf_cstr(&b));
	r = 1;
out:
	buf_release(&b);
	free(words);
	free(copy);
	return r;
}

int
authkeys_parse(const char *line, struct authkeys_key *k)
{
	return authkeys_parse_line(line, k) == 1;
}

static long
authkeys_find(const struct authkeys_dict *d, const char *id)
{
	size_t	i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->e[i].id, id) == 0)
			return (long)i;
	return -1;
}

static void
authkeys_del(struct authkeys_dict *d, size_t at)
{
	free(d->e[at].id);
	authkeys_key_release(&d->e[at].k);
	memmove(&d->e[at], &d->e[at + 1], (d->n - at - 1) * sizeof *d->e);
	d->n--;
}

/* dict[id] = entry: in place if present, else at the end.  Takes e. */
static void
authkeys_set(struct authkeys_dict *d, struct authkeys_entry *e)
{
	long	at = authkeys_find(d, e->id);

	if (at >= 0) {
		free(d->e[at].id);
		authkeys_key_release(&d->e[at].k);
		d->e[at] = *e;
		return;
	}
	d->e = xreallocarray(d->e, d->n + 1, sizeof *d->e);
	d->e[d->n++] = *e;
}

static void
authkeys_read(struct authkeys_dict *d, const char *text)
{
	struct authkeys_entry	 e;
	const char		*p = text, *end;
	char			*line;
	long			 rank = 0;
	int			 r;

	while (*p != '\0') {
		end = p + strcspn(p, "\r\n");
		if (*end == '\r' && end[1] == '\n')
			end += 2;
		else if (*end != '\0')
			end++;
		line = xstrndup(p, (size_t)(end - p));
		memset(&e, 0, sizeof e);
		e.rank = rank++;
		r = authkeys_parse_line(line, &e.k);
		if (r == 1) {
			e.id = xstrdup(e.k.blob);
			free(line);
		} else {
			e.skipped = 1;
			e.id = r == 2 ? authkeys_unescape(line) : xstrdup(line);
			free(line);
		}
		authkeys_set(d, &e);
		p = end;
	}
}

static int
authkeys_rank_cmp(const void *a, const void *b)
{
	const struct authkeys_entry	*x = *(struct authkeys_entry *const *)a;
	const struct authkeys_entry	*y = *(struct authkeys_entry *const *)b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return x < y ? -1 : x > y;	/* stable: dict order */
}

static char *
authkeys_serialize(const struct authkeys_dict *d)
{
	struct authkeys_entry	**v = xcalloc(d->n + 1, sizeof *v);
	const struct authkeys_key *k;
	struct buf		  b = BUF_INIT;
	size_t			  i, j;

	for (i = 0; i < d->n; i++)
		v[i] = &d->e[i];
	qsort(v, d->n, sizeof *v, authkeys_rank_cmp);
	for (i = 0; i < d->n; i++) {
		if (v[i]->skipped) {
			buf_adds(&b, v[i]->id);
			continue;
		}
		k = &v[i]->k;
		for (j = 0; j < k->nopts; j++) {
			buf_addf(&b, "%s%s", j > 0 ? "," : "", k->opts[j].name);
			if (k->opts[j].value != NULL)
				buf_addf(&b, "=%s", k->opts[j].value);
		}
		if (k->nopts > 0)
			buf_addc(&b, ' ');
		/* Ansible writes the space before an empty comment too. */
		buf_addf(&b, "%s %s %s\n", k->type, k->blob, k->comment);
	}
	free(v);
	return buf_detach(&b, NULL);
}

/* The same key: blob, type, options and comment. */
static int
authkeys_same(const struct authkeys_entry *e, const struct authkeys_key *k)
{
	return !e->skipped && strcmp(e->k.type, k->type) == 0 &&
	    authkeys_opts_equal(&e->k, k) && strcmp(e->k.comment,
	    k->comment) == 0;
}

int
authkeys_apply(const char *existing, const struct authkeys_want *w,
    char **out, int *changed, char **cause)
{
	struct authkeys_dict	 d = { NULL, 0 };
	struct authkeys_entry	 e;
	char			*copy, *line, *save = NULL;
	char		       **keep = NULL;
	size_t			 nkeep = 0, i, j;
	long			 max_rank, rank = 0, at;
	int			 r = -1, matched;

	*out = NULL;
	*changed = 0;
	authkeys_read(&d, existing);
	max_rank = (long)d.n;
	copy = xstrdup(w->keys);
	for (line = strtok_r(copy, "\r\n", &save); line != NULL;
	    line = strtok_r(NULL, "\r\n", &save)) {
		if (line[0] == '#')
			continue;
		memset(&e, 0, sizeof e);
		if (authkeys_parse_line(line, &e.k) != 1) {
			authkeys_key_release(&e.k);
			*cause = xasprintf("invalid key specified: %s", line);
			goto out;
		}
		e.rank = rank++;
		if (w->key_options != NULL) {
			for (i = 0; i < e.k.nopts; i++) {
				free(e.k.opts[i].name);
				free(e.k.opts[i].value);
			}
			e.k.nopts = 0;
			authkeys_parse_options(w->key_options, &e.k);
		}
		if (w->comment != NULL) {
			free(e.k.comment);
			e.k.comment = xstrdup(w->comment);
		}
		matched = 0;
		if ((at = authkeys_find(&d, e.k.blob)) >= 0) {
			if (w->present && !authkeys_same(&d.e[at], &e.k)) {
				authkeys_del(&d, (size_t)at);
				*changed = 1;
			} else
				matched = 1;
		}
		if (w->present) {
			keep = xreallocarray(keep, nkeep + 1, sizeof *keep);
			keep[nkeep++] = xstrdup(e.k.blob);
			if (!matched) {
				e.id = xstrdup(e.k.blob);
				e.rank += max_rank;
				authkeys_set(&d, &e);
				*changed = 1;
				continue;
			}
		} else if (matched) {
			authkeys_del(&d, (size_t)at);
			*changed = 1;
		}
		authkeys_key_release(&e.k);
	}
	if (w->present && w->exclusive) {
		for (i = d.n; i > 0; i--) {
			for (j = 0; j < nkeep; j++)
				if (strcmp(d.e[i - 1].id, keep[j]) == 0)
					break;
			if (j == nkeep) {
				authkeys_del(&d, i - 1);
				*changed = 1;
			}
		}
	}
	*out = authkeys_serialize(&d);
	r = 0;
out:
	strv_free(keep, nkeep);
	free(copy);
	for (i = d.n; i > 0; i--)
		authkeys_del(&d, i - 1);
	free(d.e);
	return r;
}
