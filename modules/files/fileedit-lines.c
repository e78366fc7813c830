/* A file's text as a list of lines for the fileedit algorithms: split, edit, join, match. */
#include <stdlib.h>
#include <string.h>

#include "fileedit-internal.h"
#include "regex.h"

void
fe_insert(struct fe_lines *l, size_t at, const char *s, size_t len)
{
	if (l->n == l->cap) {
		l->cap = l->cap == 0 ? 16 : l->cap * 2;
		l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	if (at > l->n)
		at = l->n;
	memmove(l->v + at + 1, l->v + at, (l->n - at) * sizeof *l->v);
	l->v[at].s = xmalloc(len + 1);
	memcpy(l->v[at].s, s, len);
	l->v[at].s[len] = '\0';
	l->v[at].len = len;
	l->n++;
}

void
fe_inserts(struct fe_lines *l, size_t at, const char *s)
{
	fe_insert(l, at, s, strlen(s));
}

void
fe_delete(struct fe_lines *l, size_t from, size_t to)
{
	size_t	i;

	if (l->v == NULL)
		return;
	for (i = from; i < to; i++)
		free(l->v[i].s);
	memmove(l->v + from, l->v + to, (l->n - to) * sizeof *l->v);
	l->n -= to - from;
}

void
fe_free(struct fe_lines *l)
{
	fe_delete(l, 0, l->n);
	free(l->v);
}

/* Appends "\n" to line i. */
void
fe_addnl(struct fe_lines *l, size_t i)
{
	l->v[i].s = xrealloc(l->v[i].s, l->v[i].len + 2);
	l->v[i].s[l->v[i].len++] = '\n';
	l->v[i].s[l->v[i].len] = '\0';
}

/* bytes.readlines(): split after each \n. */
void
fe_readlines(const char *s, size_t len, struct fe_lines *l)
{
	const char	*nl;
	size_t		 at = 0;

	while (at < len) {
		nl = memchr(s + at, '\n', len - at);
		if (nl == NULL) {
			fe_insert(l, l->n, s + at, len - at);
			break;
		}
		fe_insert(l, l->n, s + at, nl + 1 - (s + at));
		at = nl + 1 - s;
	}
}

/* bytes.splitlines(True): split after \n, \r\n or a lone \r. */
void
fe_splitlines(const char *s, size_t len, struct fe_lines *l)
{
	size_t	at = 0, i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
			i++;
		else if (s[i] != '\n' && s[i] != '\r')
			continue;
		fe_insert(l, l->n, s + at, i + 1 - at);
		at = i + 1;
	}
	if (at < len)
		fe_insert(l, l->n, s + at, len - at);
}

void
fe_join(const struct fe_lines *l, struct buf *out)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		buf_add(out, l->v[i].s, l->v[i].len);
	buf_cstr(out);
}

int
fe_streq(const char *a, const char *b)
{
	return a != NULL && strcmp(a, b) == 0;
}

/* 1 if regex re matches line, 0 if not, -1 on error. */
int
fe_search(const struct regex *re, const struct fe_line *cur, char **cause)
{
	struct regex_match	m = REGEX_MATCH_INIT;
	int			r;

	r = regex_search(re, cur->s, cur->len, 0, &m, cause);
	regex_match_release(&m);
	return r;
}
