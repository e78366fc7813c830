/* Host patterns (all, groups, globs, ~regex, subscripts, :&, :!) as Ansible. */
#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "inventory-internal.h"
#include "regex.h"

/* A list of hosts with a membership mark, so unions stay linear. */
struct pat_set {
	struct inv_host	**v;
	size_t		  n;
	unsigned char	 *mark;		/* by host index */
	int		  local;	/* holds the implicit localhost */
};

static void
pat_set_init(struct pat_set *s, struct inventory *inv)
{
	s->v = xcalloc(inv->nhosts + 2, sizeof *s->v);
	s->n = 0;
	s->mark = xcalloc(inv->nhosts + 1, 1);
	s->local = 0;
}

static void
pat_set_free(struct pat_set *s)
{
	free(s->v);
	free(s->mark);
}

static int
pat_set_has(const struct pat_set *s, const struct inv_host *h)
{
	return h->implicit ? s->local : s->mark[h->index];
}

static void
pat_set_add(struct pat_set *s, struct inv_host *h)
{
	if (pat_set_has(s, h))
		return;
	if (h->implicit)
		s->local = 1;
	else
		s->mark[h->index] = 1;
	s->v[s->n++] = h;
}

/* Rebuilds s keeping only hosts for which keep(h) equals want. */
static void
pat_set_filter(struct pat_set *s, const struct pat_set *other, int want)
{
	size_t	i, n = 0;

	for (i = 0; i < s->n; i++) {
		if (pat_set_has(other, s->v[i]) == want)
			s->v[n++] = s->v[i];
		else if (s->v[i]->implicit)
			s->local = 0;
		else
			s->mark[s->v[i]->index] = 0;
	}
	s->n = n;
}

static int
pat_is_localhost(const char *s)
{
	return strcmp(s, "localhost") == 0 || strcmp(s, "127.0.0.1") == 0 ||
	    strcmp(s, "::1") == 0;
}

/* An IPv6 address keeps its colons whole instead of being a list. */
static int
pat_is_ipv6(const char *s)
{
	size_t	colons = 0;

	for (; *s != '\0'; s++) {
		if (*s == ':')
			colons++;
		else if (!isxdigit((unsigned char)*s) && *s != '.')
			return 0;
	}
	return colons >= 2;
}

static void
pat_push(struct value *l, const char *s, size_t len)
{
	char	*t = xstrndup(s, len);

	str_trim(t);
	if (*t != '\0')
		value_list_append(l, value_str_take(t));
	else
		free(t);
}

/*
 * split_host_pattern(): commas first; then a piece that is not an address
 * splits on colons outside [...] (Ansible's old ':' separator).
 */
static struct value *
pat_split(const char *pattern)
{
	struct value	*out = value_list();
	char		*copy, *p, *piece;
	const char	*q, *start;
	int		 inbr;

	copy = xstrdup(pattern);
	for (p = copy; (piece = strsep(&p, ",")) != NULL;) {
		str_trim(piece);
		if (*piece == '\0')
			continue;
		if (strchr(piece, ':') == NULL || pat_is_ipv6(piece)) {
			pat_push(out, piece, strlen(piece));
			continue;
		}
		start = piece;
		inbr = 0;
		for (q = piece; *q != '\0'; q++) {
			if (*q == '[')
				inbr = 1;
			else if (*q == ']')
				inbr = 0;
			else if (*q == ':' && !inbr) {
				pat_push(out, start, (size_t)(q - start));
				start = q + 1;
			}
		}
		pat_push(out, start, (size_t)(q - start));
	}
	free(copy);
	return out;
}

struct pat_sub {
	int		 present;
	int		 range;
	long long	 start;
	long long	 end;		/* -1: to the last host */
};

/* PATTERN_WITH_SUBSCRIPT: "expr[3]", "expr[-1]", "expr[1:3]", "expr[1:]". */
static char *
pat_split_subscript(const char *pattern, struct pat_sub *sub)
{
	const char	*open, *p, *close;
	size_t		 len = strlen(pattern);
	char		*end;

	memset(sub, 0, sizeof *sub);
	if (pattern[0] == '~' || len < 4 || pattern[len - 1] != ']' ||
	    (open = strrchr(pattern, '[')) == NULL || open == pattern)
		return xstrdup(pattern);
	close = pattern + len - 1;
	p = open + 1;
	if (*p == '-' || isdigit((unsigned char)*p)) {
		sub->start = strtoll(p, &end, 10);
		if (end == close && isdigit((unsigned char)end[-1])) {
			sub->present = 1;
			return xstrndup(pattern, (size_t)(open - pattern));
		}
		if (*p == '-' || (*end != ':' && *end != '-'))
			return xstrdup(pattern);
		p = end + 1;
		sub->range = 1;
		sub->end = -1;
		if (p != close) {
			if (!isdigit((unsigned char)*p))
				return xstrdup(pattern);
			sub->end = strtoll(p, &end, 10);
			if (end != close)
				return xstrdup(pattern);
		}
		sub->present = 1;
		return xstrndup(pattern, (size_t)(open - pattern));
	}
	return xstrdup(pattern);
}

struct pat_matcher {
	const char	*glob;
	struct regex	*re;
};

static int
pat_matcher_init(struct pat_matcher *m, const char *expr, char **cause)
{
	char	*why;
	size_t	 off;

	memset(m, 0, sizeof *m);
	if (expr[0] != '~') {
		m->glob = expr;
		return 0;
	}
	/* Ansible compiles a str pattern. */
	if ((m->re = regex_compile_why(expr + 1, REGEX_UNICODE, &why,
	    &off)) == NULL) {
		*cause = xasprintf("invalid host pattern '%s': %s at offset "
		    "%zu", expr, why, off);
		free(why);
		return -1;
	}
	return 0;
}

static void
pat_matcher_free(struct pat_matcher *m)
{
	regex_free(m->re);
}

/* Python's re.match (anchored at the start only) or fnmatch. */
static int
pat_matcher_match(struct pat_matcher *m, const char *name)
{
	char	*cause = NULL;
	int	 r;

	if (m->glob != NULL)
		return fnmatch(m->glob, name, FNM_NOESCAPE) == 0;
	/* A name that backtracks too much is no match, as it was before. */
	r = regex_match(m->re, name, strlen(name), NULL, &cause);
	free(cause);
	return r > 0;
}

/* _enumerate_matches(): groups' hosts, then host names, then localhost. */
static int
pat_enumerate(struct inventory *inv, const char *expr, struct pat_set *out,
    char **cause)
{
	struct pat_matcher	 m;
	struct inv_group	*g;
	struct inv_host		**hs;
	size_t			  i, j, n;
	int			  ngroups = 0, special;

	special = expr[0] == '~' || strpbrk(expr, ".?*[") != NULL;
	if (!special) {
		/* a plain name: no need to glob every group and host */
		if ((g = inventory_find_group(inv, expr)) != NULL) {
			hs = inventory_group_hosts(inv, g, &n);
			for (j = 0; j < n; j++)
				pat_set_add(out, hs[j]);
			free(hs);
			return 0;
		}
		if (inventory_find_host(inv, expr) != NULL)
			pat_set_add(out, inventory_find_host(inv, expr));
	} else {
		if (pat_matcher_init(&m, expr, cause) != 0)
			return -1;
		for (i = 0; i < inv->ngroups; i++) {
			g = inv->groups[i];
			if (!pat_matcher_match(&m, g->name))
				continue;
			ngroups++;
			hs = inventory_group_hosts(inv, g, &n);
			for (j = 0; j < n; j++)
				pat_set_add(out, hs[j]);
			free(hs);
		}
		for (i = 0; i < inv->nhosts; i++) {
			if (pat_matcher_match(&m, inv->hosts[i]->name))
				pat_set_add(out, inv->hosts[i]);
		}
		pat_matcher_free(&m);
	}
	if (out->n == 0 && pat_is_localhost(expr))
		pat_set_add(out, inventory_implicit_localhost(inv, expr));
	return 0;
}

/* _match_one_pattern(): one term, its &/! prefix already removed. */
static int
pat_match_one(struct inventory *inv, const char *term, struct pat_set *out,
    char **cause)
{
	struct pat_set	 all;
	struct pat_sub	 sub;
	char		*expr;
	long long	 start, end, i, n;
	int		 r;

	expr = pat_split_subscript(term, &sub);
	if (!sub.present) {
		r = pat_enumerate(inv, expr, out, cause);
		free(expr);
		return r;
	}
	pat_set_init(&all, inv);
	if ((r = pat_enumerate(inv, expr, &all, cause)) != 0)
		goto out;
	n = (long long)all.n;
	if (!sub.range) {
		start = sub.start < 0 ? n + sub.start : sub.start;
		if (start < 0 || start >= n) {
			*cause = xasprintf("no hosts matched the subscripted "
			    "pattern '%s'", term);
			r = -1;
			goto out;
		}
		pat_set_add(out, all.v[start]);
		goto out;
	}
	/* hosts[start:end + 1], with Python's clamping */
	start = sub.start;
	end = sub.end == -1 ? n - 1 : sub.end;
	for (i = start; i <= end && i < n; i++)
		pat_set_add(out, all.v[i]);
out:
	pat_set_free(&all);
	free(expr);
	return r;
}

static int
pat_cmp_host(const void *a, const void *b)
{
	const struct inv_host	*ha = *(struct inv_host *const *)a;
	const struct inv_host	*hb = *(struct inv_host *const *)b;

	if (ha->implicit != hb->implicit)
		return ha->implicit ? 1 : -1;
	if (ha->index != hb->index)
		return ha->index < hb->index ? -1 : 1;
	return 0;
}

int
inventory_match(struct inventory *inv, const char *pattern,
    struct inv_host ***hosts, size_t *n, char **cause)
{
	struct value	*terms, *ordered;
	struct pat_set	 acc, that;
	struct inv_host	*h;
	const char	*t;
	size_t		 i, pass;
	int		 r = 0;

	*hosts = NULL;
	*n = 0;
	terms = pat_split(pattern);
	/* order_patterns(): plain terms, then &, then !; "all" if no plain. */
	ordered = value_list();
	for (pass = 0; pass < 3; pass++) {
		for (i = 0; i < terms->u.list.n; i++) {
			t = terms->u.list.items[i]->u.str.s;
			if ((pass == 0 && t[0] != '&' && t[0] != '!') ||
			    (pass == 1 && t[0] == '&') ||
			    (pass == 2 && t[0] == '!'))
				value_list_append(ordered,
				    value_ref(terms->u.list.items[i]));
		}
		if (pass == 0 && ordered->u.list.n == 0 && terms->u.list.n > 0)
			value_list_append(ordered, value_str("all"));
	}
	value_unref(terms);

	pat_set_init(&acc, inv);
	for (i = 0; r == 0 && i < ordered->u.list.n; i++) {
		t = ordered->u.list.items[i]->u.str.s;
		if (t[0] != '&' && t[0] != '!' &&
		    (h = inventory_find_host(inv, t)) != NULL) {
			pat_set_add(&acc, h);
			continue;
		}
		pat_set_init(&that, inv);
		if (t[0] == '&' || t[0] == '!') {
			if (t[1] == '\0') {
				*cause = xasprintf("invalid host pattern '%s': "
				    "'%c' names nothing", pattern, t[0]);
				r = -1;
			} else
				r = pat_match_one(inv, t + 1, &that, cause);
		} else
			r = pat_match_one(inv, t, &that, cause);
		if (r == 0) {
			if (t[0] == '!')
				pat_set_filter(&acc, &that, 0);
			else if (t[0] == '&')
				pat_set_filter(&acc, &that, 1);
			else {
				for (size_t j = 0; j < that.n; j++)
					pat_set_add(&acc, that.v[j]);
			}
		}
		pat_set_free(&that);
	}
	value_unref(ordered);
	if (r != 0) {
		pat_set_free(&acc);
		return -1;
	}
	qsort(acc.v, acc.n, sizeof *acc.v, pat_cmp_host);
	*hosts = acc.v;
	*n = acc.n;
	free(acc.mark);
	return 0;
}
