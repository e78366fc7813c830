/*
 * alternatives' reading of "update-alternatives --display", with the
 * patterns community.general matches it with, and the decision to
 * (re)install an alternative.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sysconf.h"

static int
alt_word(int c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* '\s-\s(?:status\sis\s)?(\w*)(?:\smode|.)$' in one line, or NULL. */
static char *
alt_mode(const char *line, size_t len)
{
	const char	*p, *end = line + len, *w;
	size_t		 i, rest;

	for (i = 1; i + 1 < len; i++) {
		if (line[i] != '-' || !isspace((unsigned char)line[i - 1]) ||
		    !isspace((unsigned char)line[i + 1]))
			continue;
		p = line + i + 2;
		if ((size_t)(end - p) > 10 && strncmp(p, "status is ", 10) == 0)
			p += 10;
		for (w = p; p < end && alt_word(*p); p++)
			;
		rest = end - p;
		if (rest == 5 && strncmp(p, " mode", 5) == 0)
			return xstrndup(w, p - w);
		if (rest == 1)
			return xstrndup(w, p - w);
		if (rest == 0 && p > w)
			return xstrndup(w, p - w - 1);
	}
	return NULL;
}

/* A line "<blanks>PREFIX REST": REST (malloc'd), or NULL. */
static char *
alt_after(const char *line, size_t len, const char *prefix)
{
	size_t	i = 0, plen = strlen(prefix);

	while (i < len && isspace((unsigned char)line[i]))
		i++;
	if (len - i < plen || strncmp(line + i, prefix, plen) != 0)
		return NULL;
	return xstrndup(line + i + plen, len - i - plen);
}

/* '^\s*link \w+ is (.*)$' */
static char *
alt_master_link(const char *line, size_t len)
{
	char	*rest, *p, *v = NULL;

	if ((rest = alt_after(line, len, "link ")) == NULL)
		return NULL;
	for (p = rest; alt_word(*p); p++)
		;
	if (p > rest && strncmp(p, " is ", 4) == 0)
		v = xstrdup(p + 4);
	free(rest);
	return v;
}

/* '^\s*(?:slave|follower) (\S+) is (.*)$': name and link. */
static int
alt_sub_link(const char *line, size_t len, char **name, char **link)
{
	char	*rest, *p;

	if ((rest = alt_after(line, len, "slave ")) == NULL &&
	    (rest = alt_after(line, len, "follower ")) == NULL)
		return 0;
	for (p = rest; *p != '\0' && !isspace((unsigned char)*p); p++)
		;
	if (p == rest || strncmp(p, " is ", 4) != 0) {
		free(rest);
		return 0;
	}
	*name = xstrndup(rest, p - rest);
	*link = xstrdup(p + 4);
	free(rest);
	return 1;
}

/*
 * '^(/.*)\s-\s(?:family\s\S+\s)?priority\s(\d+)': the path (the longest
 * one: .* is greedy) and priority.
 */
static int
alt_entry_line(const char *line, size_t len, char **path, long long *prio)
{
	size_t		 i;
	const char	*p, *end = line + len;

	if (len == 0 || line[0] != '/')
		return 0;
	for (i = len; i-- > 1;) {
		if (line[i] != '-' || i + 1 >= len ||
		    !isspace((unsigned char)line[i - 1]) ||
		    !isspace((unsigned char)line[i + 1]))
			continue;
		p = line + i + 2;
		if (end - p > 7 && strncmp(p, "family ", 7) == 0) {
			const char	*q = p + 7;

			while (q < end && !isspace((unsigned char)*q))
				q++;
			if (q > p + 7 && q < end)
				p = q + 1;
		}
		if (end - p < 10 || strncmp(p, "priority", 8) != 0 ||
		    !isspace((unsigned char)p[8]) ||
		    !isdigit((unsigned char)p[9]))
			continue;
		*path = xstrndup(line, i - 1);
		*prio = strtoll(p + 9, NULL, 10);
		return 1;
	}
	return 0;
}

/* '^\s+(?:slave|follower) (.*): (.*)$' (both greedy: the last ": "). */
static int
alt_entry_sub(const char *line, size_t len, char **name, char **path)
{
	char	*rest, *sep, *p;

	if (len == 0 || !isspace((unsigned char)line[0]))
		return 0;
	if ((rest = alt_after(line, len, "slave ")) == NULL &&
	    (rest = alt_after(line, len, "follower ")) == NULL)
		return 0;
	for (sep = NULL, p = rest; (p = strstr(p, ": ")) != NULL; p++)
		sep = p;
	if (sep == NULL) {
		free(rest);
		return 0;
	}
	*name = xstrndup(rest, sep - rest);
	*path = xstrdup(sep + 2);
	free(rest);
	return 1;
}

void
alt_parse(const char *display, const struct alt_sub *wanted, size_t nwanted,
    struct alt_state *st)
{
	const char		*p, *line;
	size_t			 len, i, nmap = 0;
	char			**mapn = NULL, **mapl = NULL, *a, *b;
	struct alt_entry	*e = NULL;

	memset(st, 0, sizeof *st);
	for (p = display; st->mode == NULL && sysconf_line(&p, &line, &len, 0);)
		st->mode = alt_mode(line, len);
	if (st->mode == NULL)
		return;
	for (p = display; sysconf_line(&p, &line, &len, 0);) {
		if (st->current == NULL &&
		    (a = alt_after(line, len, "link currently points to ")) !=
		    NULL)
			st->current = a;
		else if (st->link == NULL &&
		    (a = alt_master_link(line, len)) != NULL)
			st->link = a;
		else if (alt_sub_link(line, len, &a, &b)) {
			mapn = xreallocarray(mapn, nmap + 1, sizeof *mapn);
			mapl = xreallocarray(mapl, nmap + 1, sizeof *mapl);
			mapn[nmap] = a;
			mapl[nmap++] = b;
		}
	}
	if (nmap == 0) {
		for (i = 0; i < nwanted; i++) {
			mapn = xreallocarray(mapn, nmap + 1, sizeof *mapn);
			mapl = xreallocarray(mapl, nmap + 1, sizeof *mapl);
			mapn[nmap] = xstrdup(wanted[i].name);
			mapl[nmap++] = xstrdup(wanted[i].link);
		}
	}
	for (p = display; sysconf_line(&p, &line, &len, 0);) {
		long long	 prio;
		struct alt_sub	*s;

		if (alt_entry_line(line, len, &a, &prio)) {
			st->entries = xreallocarray(st->entries,
			    st->nentries + 1, sizeof *st->entries);
			e = &st->entries[st->nentries++];
			memset(e, 0, sizeof *e);
			e->path = a;
			e->priority = prio;
			continue;
		}
		/* only the follower lines right after an entry are its own */
		if (e == NULL)
			continue;
		if (!alt_entry_sub(line, len, &a, &b)) {
			e = NULL;
			continue;
		}
		if (strcmp(b, "(null)") == 0) {
			free(a);
			free(b);
			continue;
		}
		e->subs = xreallocarray(e->subs, e->nsubs + 1,
		    sizeof *e->subs);
		s = &e->subs[e->nsubs++];
		s->name = a;
		s->path = b;
		s->link = NULL;
		for (i = 0; i < nmap; i++)
			if (strcmp(mapn[i], a) == 0)
				s->link = xstrdup(mapl[i]);
	}
	strv_free(mapn, nmap);
	strv_free(mapl, nmap);
}

void
alt_state_release(struct alt_state *st)
{
	size_t	i, j;

	if (st == NULL)
		return;
	for (i = 0; i < st->nentries; i++) {
		for (j = 0; j < st->entries[i].nsubs; j++) {
			free(st->entries[i].subs[j].name);
			free(st->entries[i].subs[j].path);
			free(st->entries[i].subs[j].link);
		}
		free(st->entries[i].subs);
		free(st->entries[i].path);
	}
	free(st->entries);
	free(st->mode);
	free(st->current);
	free(st->link);
	memset(st, 0, sizeof *st);
}

const struct alt_entry *
alt_find(const struct alt_state *st, const char *path)
{
	size_t	i;

	for (i = 0; i < st->nentries; i++)
		if (strcmp(st->entries[i].path, path) == 0)
			return &st->entries[i];
	return NULL;
}

static int
alt_sub_equal(const struct alt_sub *a, const struct alt_sub *b)
{
	return strcmp(a->name, b->name) == 0 &&
	    strcmp(a->path, b->path) == 0 &&
	    (a->link == NULL ? b->link == NULL :
	    b->link != NULL && strcmp(a->link, b->link) == 0);
}

/* Whether every one of a is in b. */
static int
alt_subs_within(const struct alt_sub *a, size_t na, const struct alt_sub *b,
    size_t nb)
{
	size_t	i, j;

	for (i = 0; i < na; i++) {
		for (j = 0; j < nb && !alt_sub_equal(&a[i], &b[j]); j++)
			;
		if (j == nb)
			return 0;
	}
	return 1;
}

int
alt_needs_install(const struct alt_state *st, const char *path,
    int have_priority, long long priority, int have_wanted,
    const struct alt_sub *wanted, size_t nwanted)
{
	const struct alt_entry	*e = alt_find(st, path);

	if (e == NULL)
		return 1;
	if (have_priority && e->priority != priority)
		return 1;
	return have_wanted &&
	    (!alt_subs_within(e->subs, e->nsubs, wanted, nwanted) ||
	    !alt_subs_within(wanted, nwanted, e->subs, e->nsubs));
}
