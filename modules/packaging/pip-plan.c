/* The pip module's decisions: names, specifiers, PEP 440 order, freeze output. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "pip-plan.h"
#include "util.h"

/* The operators Ansible's op_dict knows, longest first for matching. */
static const char *const pip_ops[] = { "===", "==", "!=", ">=", "<=", "~=",
	">", "<", NULL };

static const char *
pip_op_at(const char *s)
{
	const char *const	*o;

	for (o = pip_ops; *o != NULL; o++) {
		if (strncmp(s, *o, strlen(*o)) == 0)
			return *o;
	}
	return NULL;
}

/* Ansible's _is_package_name: not starting with an operator. */
static int
pip_is_name(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return pip_op_at(s) == NULL;
}

char **
pip_recover_names(char *const *names, size_t nnames, size_t *n)
{
	struct buf	 part = BUF_INIT;
	char		**out = NULL, *copy, *p, *comma;
	size_t		 i, cap = 0;
	int		 in_brackets = 0, have = 0;

	*n = 0;
	for (i = 0; i < nnames; i++) {
		copy = xstrdup(names[i]);
		for (p = copy; p != NULL; p = comma) {
			if ((comma = strchr(p, ',')) != NULL)
				*comma++ = '\0';
			if (pip_is_name(p) && !in_brackets && have) {
				if (*n + 2 > cap) {
					cap = cap == 0 ? 8 : cap * 2;
					out = xreallocarray(out, cap, sizeof *out);
				}
				out[(*n)++] = buf_detach(&part, NULL);
				have = 0;
			}
			if (strchr(p, '[') != NULL)
				in_brackets = 1;
			if (in_brackets && strchr(p, ']') != NULL)
				in_brackets = 0;
			if (have)
				buf_addc(&part, ',');
			buf_adds(&part, p);
			have = 1;
		}
		free(copy);
	}
	if (*n + 2 > cap)
		out = xreallocarray(out, *n + 2, sizeof *out);
	if (have)
		out[(*n)++] = buf_detach(&part, NULL);
	out[*n] = NULL;
	buf_release(&part);
	return out;
}

char *
pip_canonicalize(const char *s)
{
	struct buf	b = BUF_INIT;

	for (; *s != '\0'; s++) {
		if (*s == '-' || *s == '_' || *s == '.') {
			while (s[1] == '-' || s[1] == '_' || s[1] == '.')
				s++;
			buf_addc(&b, '-');
		} else
			buf_addc(&b, tolower((unsigned char)*s));
	}
	return buf_detach(&b, NULL);
}

/* The text without blanks (pip takes "a>=1,<2" as "a >= 1, < 2"). */
static char *
pip_squeeze(const char *s)
{
	struct buf	b = BUF_INIT;

	for (; *s != '\0'; s++) {
		if (!isspace((unsigned char)*s))
			buf_addc(&b, *s);
	}
	return buf_detach(&b, NULL);
}

void
pip_req_parse(const char *s, const char *version, struct pip_req *r)
{
	struct buf	 t = BUF_INIT;
	const char	*p, *e, *op;
	struct pip_spec	*sp;

	memset(r, 0, sizeof *r);
	buf_adds(&t, s);
	if (version != NULL) {
		while (isspace((unsigned char)*version))
			version++;
		if (isdigit((unsigned char)*version))
			buf_addf(&t, "==%s", version);
		else
			buf_addf(&t, " %s", version);
	}
	r->text = pip_squeeze(buf_cstr(&t));
	p = buf_cstr(&t);
	while (isspace((unsigned char)*p))
		p++;
	/* A name: letters and digits, with - _ . inside. */
	for (e = p; isalnum((unsigned char)*e) || *e == '-' || *e == '_' ||
	    *e == '.'; e++)
		;
	if (e == p || !isalnum((unsigned char)e[-1]))
		goto notplain;
	r->name = xstrndup(p, e - p);
	p = e;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '[') {
		if ((e = strchr(p, ']')) == NULL)
			goto notplain;
		p = e + 1;
	}
	for (;;) {
		while (isspace((unsigned char)*p) || *p == ',')
			p++;
		if (*p == '\0' || *p == ';')
			break;
		if ((op = pip_op_at(p)) == NULL)
			goto notplain;
		p += strlen(op);
		while (isspace((unsigned char)*p))
			p++;
		for (e = p; *e != '\0' && *e != ',' && *e != ';' &&
		    !isspace((unsigned char)*e); e++)
			;
		if (e == p)
			goto notplain;
		r->specs = xreallocarray(r->specs, r->nspecs + 1,
		    sizeof *r->specs);
		sp = &r->specs[r->nspecs++];
		memcpy(sp->op, op, strlen(op) + 1);	/* at most "===" */
		sp->version = xstrndup(p, e - p);
		p = e;
	}
	e = r->name;
	r->name = pip_canonicalize(e);
	free((char *)e);
	r->plain = 1;
	buf_release(&t);
	return;
notplain:
	pip_req_free(r);
	memset(r, 0, sizeof *r);
	r->text = pip_squeeze(buf_cstr(&t));
	r->name = xstrdup(r->text);
	buf_release(&t);
}

void
pip_req_free(struct pip_req *r)
{
	size_t	i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nspecs; i++)
		free(r->specs[i].version);
	free(r->specs);
	free(r->name);
	free(r->text);
}

int
pip_req_has_version(const struct pip_req *r)
{
	return r->plain && r->nspecs != 0;
}

/* A PEP 440 version, as far as its order needs. */
#define PIP_NREL	12
struct pip_ver {
	long	 epoch;
	long	 rel[PIP_NREL];
	int	 nrel;
	int	 pre;		/* 0 a, 1 b, 2 rc; 3: none */
	long	 pren;
	int	 post;		/* 0: none */
	long	 postn;
	int	 dev;		/* 0: none */
	long	 devn;
};

static int
pip_word(const char **s, const char *const *words)
{
	size_t	len;

	for (; *words != NULL; words++) {
		len = strlen(*words);
		if (strncasecmp(*s, *words, len) == 0) {
			*s += len;
			return 1;
		}
	}
	return 0;
}

static long
pip_num(const char **s)
{
	long	n = 0;

	while (**s == '.' || **s == '-' || **s == '_')
		(*s)++;
	while (isdigit((unsigned char)**s))
		n = n * 10 + (*(*s)++ - '0');
	return n;
}

static void
pip_ver_parse(const char *s, struct pip_ver *v)
{
	static const char *const a[] = { "alpha", "a", NULL };
	static const char *const b[] = { "beta", "b", NULL };
	static const char *const c[] = { "preview", "pre", "rc", "c", NULL };
	static const char *const post[] = { "post", "rev", "r", NULL };
	static const char *const dev[] = { "dev", NULL };
	const char	*p;
	long		 n;

	memset(v, 0, sizeof *v);
	v->pre = 3;
	while (isspace((unsigned char)*s))
		s++;
	if (*s == 'v' || *s == 'V')
		s++;
	for (p = s; isdigit((unsigned char)*p); p++)
		;
	if (*p == '!') {
		v->epoch = strtol(s, NULL, 10);
		s = p + 1;
	}
	while (isdigit((unsigned char)*s)) {
		n = 0;
		while (isdigit((unsigned char)*s))
			n = n * 10 + (*s++ - '0');
		if (v->nrel < PIP_NREL)
			v->rel[v->nrel++] = n;
		if (*s != '.' || !isdigit((unsigned char)s[1]))
			break;
		s++;
	}
	while (v->nrel > 1 && v->rel[v->nrel - 1] == 0)
		v->nrel--;	/* 1.0 == 1.0.0 */
	for (;;) {
		while (*s == '.' || *s == '-' || *s == '_')
			s++;
		if (*s == '\0' || *s == '+')
			break;
		p = s;
		if (pip_word(&s, a))
			v->pre = 0;
		else if (pip_word(&s, b))
			v->pre = 1;
		else if (pip_word(&s, c))
			v->pre = 2;
		else if (pip_word(&s, post)) {
			v->post = 1;
			v->postn = pip_num(&s);
			continue;
		} else if (pip_word(&s, dev)) {
			v->dev = 1;
			v->devn = pip_num(&s);
			continue;
		} else if (isdigit((unsigned char)*s)) {
			/* "1.0-1": an implicit post release */
			v->post = 1;
			v->postn = pip_num(&s);
			continue;
		}
		if (s == p)
			break;
		v->pren = pip_num(&s);
	}
}

static int
pip_lcmp(long a, long b)
{
	return a < b ? -1 : a > b;
}

static int
pip_ver_cmp(const struct pip_ver *a, const struct pip_ver *b)
{
	int	i, c, apre, bpre;

	if ((c = pip_lcmp(a->epoch, b->epoch)) != 0)
		return c;
	for (i = 0; i < a->nrel || i < b->nrel; i++) {
		c = pip_lcmp(i < a->nrel ? a->rel[i] : 0,
		    i < b->nrel ? b->rel[i] : 0);
		if (c != 0)
			return c;
	}
	/* A dev release alone sorts before the pre-releases. */
	apre = a->pre == 3 && !a->post && a->dev ? -1 : a->pre;
	bpre = b->pre == 3 && !b->post && b->dev ? -1 : b->pre;
	if ((c = pip_lcmp(apre, bpre)) != 0)
		return c;
	if (a->pre < 3 && (c = pip_lcmp(a->pren, b->pren)) != 0)
		return c;
	if ((c = pip_lcmp(a->post ? a->postn : -1, b->post ? b->postn : -1)) != 0)
		return c;
	return pip_lcmp(a->dev ? a->devn : (long)1 << 62,
	    b->dev ? b->devn : (long)1 << 62);
}

int
pip_version_cmp(const char *a, const char *b)
{
	struct pip_ver	va, vb;

	pip_ver_parse(a, &va);
	pip_ver_parse(b, &vb);
	return pip_ver_cmp(&va, &vb);
}

/* "==1.2.*": the release starts with 1.2. */
static int
pip_prefix_match(const char *version, const char *prefix)
{
	struct pip_ver	v, p;
	char		*t = xstrdup(prefix);
	int		 i, ok = 1;

	t[strlen(t) - 2] = '\0';
	pip_ver_parse(version, &v);
	pip_ver_parse(t, &p);
	free(t);
	/* the trailing zeros cut by the parse count here */
	for (i = 0; i < p.nrel; i++) {
		if ((i < v.nrel ? v.rel[i] : 0) != p.rel[i])
			ok = 0;
	}
	return ok && v.epoch == p.epoch;
}

static int
pip_spec_holds(const struct pip_spec *s, const char *version)
{
	int	c;
	char	*pfx, *dot;

	if (strcmp(s->op, "===") == 0)
		return strcmp(s->version, version) == 0;
	if (str_endswith(s->version, ".*")) {
		if (strcmp(s->op, "==") == 0)
			return pip_prefix_match(version, s->version);
		if (strcmp(s->op, "!=") == 0)
			return !pip_prefix_match(version, s->version);
	}
	c = pip_version_cmp(version, s->version);
	if (strcmp(s->op, "==") == 0)
		return c == 0;
	if (strcmp(s->op, "!=") == 0)
		return c != 0;
	if (strcmp(s->op, ">=") == 0)
		return c >= 0;
	if (strcmp(s->op, "<=") == 0)
		return c <= 0;
	if (strcmp(s->op, ">") == 0)
		return c > 0;
	if (strcmp(s->op, "<") == 0)
		return c < 0;
	/* "~=1.4.5": >= 1.4.5 and == 1.4.* */
	if (c < 0)
		return 0;
	if ((dot = strrchr(s->version, '.')) == NULL)
		return 1;
	pfx = xasprintf("%.*s.*", (int)(dot - s->version), s->version);
	c = pip_prefix_match(version, pfx);
	free(pfx);
	return c;
}

int
pip_req_satisfied(const struct pip_req *r, const char *version)
{
	size_t	i;

	if (!r->plain)
		return 0;
	for (i = 0; i < r->nspecs; i++) {
		if (!pip_spec_holds(&r->specs[i], version))
			return 0;
	}
	return 1;
}

int
pip_is_present(const struct pip_req *r, const char *freeze)
{
	const char	*line, *end, *eq;
	char		*name, *ver;
	int		 found = 0;

	for (line = freeze; !found && line != NULL && *line != '\0';
	    line = *end != '\0' ? end + 1 : NULL) {
		end = strchr(line, '\n');
		if (end == NULL)
			end = line + strlen(line);
		eq = memmem(line, end - line, "==", 2);
		if (eq == NULL)
			continue;
		name = xstrndup(line, eq - line);
		ver = xstrndup(eq + 2, end - eq - 2);
		str_trim(ver);
		if (r->plain) {
			char *c = pip_canonicalize(name);

			found = strcmp(c, r->name) == 0 &&
			    pip_req_satisfied(r, ver);
			free(c);
		}
		free(name);
		free(ver);
	}
	return found;
}
