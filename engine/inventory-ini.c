/* INI inventories, parsed as ansible-core's ini inventory plugin does. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "inventory-internal.h"
#include "yaml.h"

/*
 * A subset of Python's ast.literal_eval, because Ansible runs every INI
 * value through it: x=5 is an int, x=True a bool, x="'5'" the string 5.
 * On anything it does not accept the value stays the plain string.
 */
struct pylit {
	const char		*p;
	const struct loc	*loc;
	int			 depth;
};

static struct value	*pylit_expr(struct pylit *);

static void
pylit_skip(struct pylit *pl)
{
	for (;;) {
		while (*pl->p == ' ' || *pl->p == '\t' || *pl->p == '\f' ||
		    *pl->p == '\r' || *pl->p == '\n' || *pl->p == '\v')
			pl->p++;
		if (*pl->p != '#')
			return;
		while (*pl->p != '\0' && *pl->p != '\n')
			pl->p++;
	}
}

static int
pylit_idchar(char c)
{
	return isalnum((unsigned char)c) || c == '_' ||
	    (unsigned char)c >= 0x80;
}

static struct value *
pylit_located(struct pylit *pl, struct value *v)
{
	if (v != NULL && pl->loc != NULL)
		v->loc = *pl->loc;
	return v;
}

static int
pylit_digit(char c)
{
	if (isdigit((unsigned char)c))
		return c - '0';
	if (isxdigit((unsigned char)c))
		return tolower((unsigned char)c) - 'a' + 10;
	return 99;
}

/* Digits of a base with single underscores between them; -1 if "1_". */
static int
pylit_digits(const char **pp, int base, struct buf *b)
{
	const char	*p = *pp;
	int		 n = 0;

	for (;;) {
		if (pylit_digit(*p) < base) {
			buf_addc(b, *p++);
			n++;
		} else if (*p == '_' && n > 0) {
			if (pylit_digit(p[1]) >= base)
				return -1;
			p++;
		} else
			break;
	}
	*pp = p;
	return n;
}

/* A string literal starts here: quote, or up to two prefix letters. */
static int
pylit_string_start(const char *p)
{
	size_t	n = 0;

	while (n < 2 && p[n] != '\0' && strchr("rRbBuU", p[n]) != NULL)
		n++;
	return p[n] == '\'' || p[n] == '"';
}

static struct value *
pylit_number(struct pylit *pl)
{
	struct buf	 b = BUF_INIT;
	const char	*p = pl->p;
	struct value	*v = NULL;
	int		 base = 10, isfloat = 0, n;
	long long	 ll;
	double		 f;
	char		*end;

	if (p[0] == '0' && strchr("xXoObB", p[1]) != NULL && p[1] != '\0') {
		base = strchr("xX", p[1]) != NULL ? 16 :
		    strchr("oO", p[1]) != NULL ? 8 : 2;
		p += 2;
		if (*p == '_')
			p++;
		if (pylit_digits(&p, base, &b) <= 0)
			goto out;
	} else {
		if ((n = pylit_digits(&p, 10, &b)) < 0)
			goto out;
		if (*p == '.') {
			isfloat = 1;
			buf_addc(&b, *p++);
			if (pylit_digits(&p, 10, &b) < 0)
				goto out;
		}
		if (b.len == 0 || strcmp(buf_cstr(&b), ".") == 0)
			goto out;
		if (*p == 'e' || *p == 'E') {
			isfloat = 1;
			buf_addc(&b, *p++);
			if (*p == '+' || *p == '-')
				buf_addc(&b, *p++);
			if (pylit_digits(&p, 10, &b) <= 0)
				goto out;
		}
		/* Python 3 rejects 010 but takes 0, 00 and 0_0. */
		if (!isfloat && b.len > 1 && b.s[0] == '0' &&
		    strspn(b.s, "0") != b.len)
			goto out;
	}
	if (pylit_idchar(*p) || *p == '.')
		goto out;	/* 1abc, 1j (complex), 1.2.3 */
	errno = 0;
	if (isfloat) {
		f = strtod(buf_cstr(&b), &end);
		v = value_float(f);
	} else {
		ll = strtoll(buf_cstr(&b), &end, base);
		if (errno == ERANGE)
			goto out;	/* a Python big int: keep the text */
		v = value_int(ll);
	}
	pl->p = p;
out:
	buf_release(&b);
	return pylit_located(pl, v);
}

/* One string literal, with its prefix, appended to b. */
static int
pylit_string(struct pylit *pl, struct buf *b)
{
	const char	*p = pl->p;
	int		 raw = 0, triple;
	char		 q;

	while (*p != '\0' && strchr("rRbBuU", *p) != NULL) {
		if (*p == 'r' || *p == 'R')
			raw = 1;
		p++;
	}
	if (p - pl->p > 2 || (*p != '\'' && *p != '"'))
		return -1;
	q = *p;
	triple = p[1] == q && p[2] == q;
	p += triple ? 3 : 1;
	for (;;) {
		if (*p == '\0')
			return -1;
		if (*p == q && (!triple || (p[1] == q && p[2] == q))) {
			p += triple ? 3 : 1;
			break;
		}
		if (*p == '\n' && !triple)
			return -1;
		if (*p != '\\') {
			buf_addc(b, *p++);
			continue;
		}
		if (p[1] == '\0')
			return -1;
		if (raw) {
			buf_addc(b, *p++);
			buf_addc(b, *p++);
			continue;
		}
		p++;
		if (py_unescape(&p, b) != 0)
			return -1;
	}
	pl->p = p;
	return 0;
}

static struct value *
pylit_strings(struct pylit *pl)
{
	struct buf	 b = BUF_INIT;
	size_t		 len;
	char		*s;

	do {
		if (pylit_string(pl, &b) != 0) {
			buf_release(&b);
			return NULL;
		}
		pylit_skip(pl);
	} while (pylit_string_start(pl->p));
	buf_cstr(&b);
	s = buf_detach(&b, &len);
	return pylit_located(pl, value_str_take(s));
}

/* Items up to close; *trailing says whether a comma followed the last. */
static struct value *
pylit_items(struct pylit *pl, char close, int *count, int *comma)
{
	struct value	*l = value_list(), *item;

	*count = 0;
	*comma = 0;
	for (;;) {
		pylit_skip(pl);
		if (*pl->p == close) {
			pl->p++;
			return pylit_located(pl, l);
		}
		if ((item = pylit_expr(pl)) == NULL)
			break;
		value_list_append(l, item);
		(*count)++;
		*comma = 0;
		pylit_skip(pl);
		if (*pl->p == ',') {
			pl->p++;
			*comma = 1;
		} else if (*pl->p != close)
			break;
	}
	value_unref(l);
	return NULL;
}

static struct value *
pylit_brace(struct pylit *pl)
{
	struct value	*d = NULL, *k = NULL, *v = NULL, *set;
	char		*ks;
	int		 count, comma;
	const char	*start = pl->p;

	pylit_skip(pl);
	if (*pl->p == '}') {
		pl->p++;
		return pylit_located(pl, value_dict());
	}
	if ((k = pylit_expr(pl)) == NULL)
		return NULL;
	pylit_skip(pl);
	if (*pl->p != ':') {
		/* A set: Ansible turns it into a list. */
		value_unref(k);
		pl->p = start;
		if ((set = pylit_items(pl, '}', &count, &comma)) == NULL)
			return NULL;
		return set;
	}
	d = pylit_located(pl, value_dict());
	for (;;) {
		pl->p++;	/* the ':' */
		pylit_skip(pl);
		if ((v = pylit_expr(pl)) == NULL)
			goto fail;
		if (k->type == V_LIST || k->type == V_DICT)
			goto fail;	/* unhashable in Python */
		ks = value_to_string(k);
		value_dict_set(d, ks, v);
		free(ks);
		value_unref(k);
		k = v = NULL;
		pylit_skip(pl);
		if (*pl->p == ',') {
			pl->p++;
			pylit_skip(pl);
		} else if (*pl->p != '}')
			goto fail;
		if (*pl->p == '}') {
			pl->p++;
			return d;
		}
		if ((k = pylit_expr(pl)) == NULL)
			goto fail;
		pylit_skip(pl);
		if (*pl->p != ':')
			goto fail;
	}
fail:
	value_unref(k);
	value_unref(v);
	value_unref(d);
	return NULL;
}

static struct value *
pylit_atom(struct pylit *pl)
{
	struct value	*v;
	const char	*p = pl->p;
	size_t		 n;
	int		 count, comma;

	if (pylit_string_start(p))
		return pylit_strings(pl);
	if (isdigit((unsigned char)*p) || (*p == '.' &&
	    isdigit((unsigned char)p[1])))
		return pylit_number(pl);
	if (*p == '[') {
		pl->p++;
		return pylit_items(pl, ']', &count, &comma);
	}
	if (*p == '(') {
		pl->p++;
		if ((v = pylit_items(pl, ')', &count, &comma)) == NULL)
			return NULL;
		if (count == 1 && !comma) {
			/* (x) is x, not a tuple */
			struct value *item = value_ref(v->u.list.items[0]);

			value_unref(v);
			return item;
		}
		return v;
	}
	if (*p == '{') {
		pl->p++;
		return pylit_brace(pl);
	}
	for (n = 0; pylit_idchar(p[n]); n++)
		;
	if (n == 4 && strncmp(p, "True", 4) == 0)
		v = value_bool(1);
	else if (n == 5 && strncmp(p, "False", 5) == 0)
		v = value_bool(0);
	else if (n == 4 && strncmp(p, "None", 4) == 0)
		v = value_null();
	else
		return NULL;
	pl->p += n;
	return pylit_located(pl, v);
}

static struct value *
pylit_expr(struct pylit *pl)
{
	struct value	*v;
	int		 neg = 0, sign = 0;

	if (++pl->depth > 64)
		return NULL;
	pylit_skip(pl);
	/* literal_eval takes one sign, and only before a number. */
	if (*pl->p == '-' || *pl->p == '+') {
		neg = *pl->p == '-';
		sign = 1;
		pl->p++;
		pylit_skip(pl);
	}
	v = pylit_atom(pl);
	pl->depth--;
	if (v == NULL || !sign)
		return v;
	if (v->type == V_INT) {
		if (neg)
			v->u.i = -v->u.i;
	} else if (v->type == V_FLOAT) {
		if (neg)
			v->u.f = -v->u.f;
	} else {
		value_unref(v);
		return NULL;
	}
	return v;
}

struct value *
inventory_ini_value(const char *s, const struct loc *loc)
{
	struct pylit	 pl = { s, loc, 0 };
	struct value	*v;

	if ((v = pylit_expr(&pl)) != NULL) {
		pylit_skip(&pl);
		if (*pl.p == '\0')
			return v;
		value_unref(v);
	}
	v = value_str(s);
	if (loc != NULL)
		v->loc = *loc;
	return v;
}

/*
 * Python's shlex.split(line, comments=True): words split on blanks, quotes
 * and backslashes as in POSIX sh, '#' outside quotes ends the line.
 */
static int
inventory_ini_shlex(const char *line, struct value **out, char **cause)
{
	struct value	*words = value_list();
	struct buf	 b = BUF_INIT;
	const char	*p = line;
	int		 inword;
	char		 q;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p == '\0' || *p == '#')
			break;
		inword = 1;
		buf_reset(&b);
		buf_cstr(&b);
		while (inword && *p != '\0') {
			switch (*p) {
			case ' ':
			case '\t':
			case '\r':
			case '\n':
				inword = 0;
				break;
			case '#':
				/* ends the word and the line */
				inword = 0;
				p += strlen(p);
				break;
			case '\\':
				if (p[1] == '\0') {
					*cause = xstrdup("no escaped "
					    "character");
					goto fail;
				}
				buf_addc(&b, p[1]);
				p += 2;
				break;
			case '\'':
			case '"':
				q = *p++;
				while (*p != q) {
					if (*p == '\0') {
						*cause = xstrdup("no closing "
						    "quotation");
						goto fail;
					}
					if (q == '"' && *p == '\\' &&
					    (p[1] == '"' || p[1] == '\\'))
						p++;
					buf_addc(&b, *p++);
				}
				p++;
				break;
			default:
				buf_addc(&b, *p++);
				break;
			}
		}
		value_list_append(words, value_strn(buf_cstr(&b), b.len));
	}
	buf_release(&b);
	*out = words;
	return 0;
fail:
	buf_release(&b);
	value_unref(words);
	return -1;
}

enum ini_state {
	INI_HOSTS,
	INI_CHILDREN,
	INI_VARS,
};

/* A group named before it is declared: Ansible checks them at the end. */
struct ini_pending {
	char		 *name;
	int		  line;
	enum ini_state	  state;
	char		**parents;
	size_t		  nparents;
	int		  done;
};

struct ini_ctx {
	struct inventory	*inv;
	const char		*file;		/* interned */
	int			 line;
	struct ini_pending	*pending;
	size_t			 npending;
	char			**cause;
};

static int
ini_error(struct ini_ctx *ic, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
ini_error(struct ini_ctx *ic, int line, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	*ic->cause = xasprintf("%s:%d:1: %s", ic->file, line, msg);
	free(msg);
	return -1;
}

static struct ini_pending *
ini_find_pending(struct ini_ctx *ic, const char *name)
{
	size_t	i;

	for (i = 0; i < ic->npending; i++) {
		if (!ic->pending[i].done &&
		    strcmp(ic->pending[i].name, name) == 0)
			return &ic->pending[i];
	}
	return NULL;
}

static struct ini_pending *
ini_add_pending(struct ini_ctx *ic, const char *name, enum ini_state state)
{
	struct ini_pending	*pd;

	ic->pending = xgrowarray(ic->pending, ic->npending,
	    sizeof *ic->pending);
	pd = &ic->pending[ic->npending++];
	memset(pd, 0, sizeof *pd);
	pd->name = xstrdup(name);
	pd->line = ic->line;
	pd->state = state;
	return pd;
}

static int
ini_add_pending_children(struct ini_ctx *ic, const char *name, int depth)
{
	struct ini_pending	*pd, *pp;
	struct inv_group	*g, *parent;
	char			*cause;
	size_t			 i;

	if ((pd = ini_find_pending(ic, name)) == NULL || depth > 1000)
		return 0;
	pd->done = 1;	/* before recursing: a parent may name us again */
	g = inventory_add_group(ic->inv, name);
	for (i = 0; i < pd->nparents; i++) {
		parent = inventory_add_group(ic->inv, pd->parents[i]);
		if (inventory_add_child(ic->inv, parent, g, &cause) != 0) {
			ini_error(ic, pd->line, "%s", cause);
			free(cause);
			return -1;
		}
		pp = ini_find_pending(ic, pd->parents[i]);
		if (pp != NULL && pp->state == INI_CHILDREN &&
		    ini_add_pending_children(ic, pp->name, depth + 1) != 0)
			return -1;
	}
	return 0;
}

/* "[name]" or "[name:tag]", then blanks and an optional '#' comment. */
static int
ini_section(const char *line, char **name, char **tag)
{
	const char	*p = line + 1, *ns, *ts = NULL;
	size_t		 nl, tl = 0;

	if (line[0] != '[')
		return 0;
	ns = p;
	while (*p != '\0' && *p != ':' && *p != ']' &&
	    !isspace((unsigned char)*p))
		p++;
	if ((nl = (size_t)(p - ns)) == 0)
		return 0;
	if (*p == ':') {
		ts = ++p;
		while (pylit_idchar(*p))
			p++;
		if ((tl = (size_t)(p - ts)) == 0)
			return 0;
	}
	if (*p++ != ']')
		return 0;
	while (isspace((unsigned char)*p))
		p++;
	if (*p != '\0' && *p != '#')
		return 0;
	*name = xstrndup(ns, nl);
	*tag = ts != NULL ? xstrndup(ts, tl) : NULL;
	return 1;
}

static int
ini_host_line(struct ini_ctx *ic, const char *line, struct inv_group *g)
{
	struct value	*words, *vars, *w;
	struct inv_host	*h;
	struct loc	 loc = { ic->file, ic->line, 1 };
	char		**names = NULL, *cause, *eq, *key;
	int		  port, r = -1;
	size_t		  i, j;

	if (inventory_ini_shlex(line, &words, &cause) != 0) {
		ini_error(ic, ic->line, "cannot parse host line '%s': %s",
		    line, cause);
		free(cause);
		return -1;
	}
	vars = value_dict();
	if (words->u.list.n == 0) {
		r = 0;	/* a line that was only a comment after blanks */
		goto out;
	}
	for (i = 1; i < words->u.list.n; i++) {
		w = words->u.list.items[i];
		if ((eq = strchr(w->u.str.s, '=')) == NULL) {
			ini_error(ic, ic->line, "expected key=value host "
			    "variable assignment, got '%s'", w->u.str.s);
			goto out;
		}
		key = xstrndup(w->u.str.s, (size_t)(eq - w->u.str.s));
		value_dict_set(vars, key, inventory_ini_value(eq + 1, &loc));
		free(key);
	}
	w = words->u.list.items[0];
	if (inventory_expand_hostpattern(w->u.str.s, &names, &port,
	    &cause) != 0) {
		ini_error(ic, ic->line, "%s", cause);
		free(cause);
		goto out;
	}
	for (i = 0; names[i] != NULL; i++) {
		h = inventory_add_host(ic->inv, names[i], g, ic->file);
		if (port != -1) {
			struct value *pv = value_int(port);

			pv->loc = loc;
			value_dict_set(h->vars, "ansible_port", pv);
		}
		for (j = 0; j < vars->u.dict.n; j++) {
			inventory_set_var(h->vars, vars->u.dict.keys[j],
			    value_ref(vars->u.dict.vals[j]));
		}
	}
	if (ic->inv->nhosts > inventory_max_hosts) {
		ini_error(ic, ic->line, "the inventory holds more than %zu "
		    "hosts", inventory_max_hosts);
		goto out;
	}
	r = 0;
out:
	inventory_free_names(names);
	value_unref(vars);
	value_unref(words);
	return r;
}

static int
ini_vars_line(struct ini_ctx *ic, const char *line, struct inv_group *g)
{
	struct loc	 loc = { ic->file, ic->line, 1 };
	const char	*eq;
	char		*k, *v;

	if ((eq = strchr(line, '=')) == NULL)
		return ini_error(ic, ic->line, "expected key=value, got '%s'",
		    line);
	k = str_trim(xstrndup(line, (size_t)(eq - line)));
	v = str_trim(xstrdup(eq + 1));
	inventory_set_var(g->vars, k, inventory_ini_value(v, &loc));
	free(k);
	free(v);
	return 0;
}

static int
ini_children_line(struct ini_ctx *ic, const char *line, struct inv_group *g)
{
	struct ini_pending	*pd;
	struct inv_group	*child;
	const char		*p = line, *rest;
	char			*name, *cause;

	while (*p != '\0' && *p != ':' && *p != ']' &&
	    !isspace((unsigned char)*p))
		p++;
	rest = p;
	while (isspace((unsigned char)*rest))
		rest++;
	if (p == line || (*rest != '\0' && *rest != '#'))
		return ini_error(ic, ic->line, "expected group name, got '%s'",
		    line);
	name = xstrndup(line, (size_t)(p - line));
	if ((child = inventory_find_group(ic->inv, name)) == NULL) {
		if ((pd = ini_find_pending(ic, name)) == NULL)
			pd = ini_add_pending(ic, name, INI_CHILDREN);
		pd->parents = xgrowarray(pd->parents, pd->nparents,
		    sizeof *pd->parents);
		pd->parents[pd->nparents++] = xstrdup(g->name);
	} else if (inventory_add_child(ic->inv, g, child, &cause) != 0) {
		ini_error(ic, ic->line, "%s", cause);
		free(cause);
		free(name);
		return -1;
	}
	free(name);
	return 0;
}

static int
ini_section_line(struct ini_ctx *ic, const char *line, char *name, char *tag,
    struct inv_group **g, enum ini_state *state)
{
	struct ini_pending	*pd;

	if (tag == NULL || strcmp(tag, "hosts") == 0)
		*state = INI_HOSTS;
	else if (strcmp(tag, "children") == 0)
		*state = INI_CHILDREN;
	else if (strcmp(tag, "vars") == 0)
		*state = INI_VARS;
	else {
		return ini_error(ic, ic->line, "section [%s:%s] has unknown "
		    "type '%s'", name, tag, tag);
	}
	/*
	 * [g] or [g:children] declares g; [g:vars] alone does not, and a
	 * group only named in a [p:children] must be declared later.
	 */
	if (inventory_find_group(ic->inv, name) == NULL &&
	    *state == INI_VARS && ini_find_pending(ic, name) == NULL)
		ini_add_pending(ic, name, INI_VARS);
	*g = inventory_add_group(ic->inv, name);
	if (*state != INI_VARS && (pd = ini_find_pending(ic, name)) != NULL) {
		if (pd->state == INI_CHILDREN)
			return ini_add_pending_children(ic, name, 0);
		pd->done = 1;
	}
	return 0;
}

int
inventory_ini_parse(struct inventory *inv, const char *name,
    const char *text, size_t len, char **cause)
{
	struct ini_ctx		 ic;
	struct inv_group	*g;
	enum ini_state		 state = INI_HOSTS;
	const char		*p = text, *end = text + len, *nl;
	char			*line, *sname, *tag;
	size_t			 i, j;
	int			 r = 0;
	struct ini_pending	*pd;

	memset(&ic, 0, sizeof ic);
	ic.inv = inv;
	ic.file = loc_intern(name);
	ic.cause = cause;
	g = inventory_add_group(inv, "ungrouped");
	while (r == 0 && p < end) {
		for (nl = p; nl < end && *nl != '\n' && *nl != '\r'; nl++)
			;
		line = xstrndup(p, (size_t)(nl - p));
		p = nl;
		if (p < end && *p == '\r' && p + 1 < end && p[1] == '\n')
			p += 2;
		else if (p < end)
			p++;
		ic.line++;
		/* Python's str.strip() */
		for (i = 0; isspace((unsigned char)line[i]); i++)
			;
		memmove(line, line + i, strlen(line + i) + 1);
		for (i = strlen(line); i > 0 &&
		    isspace((unsigned char)line[i - 1]); i--)
			line[i - 1] = '\0';
		if (line[0] == '\0' || line[0] == '#' || line[0] == ';') {
			free(line);
			continue;
		}
		if (ini_section(line, &sname, &tag)) {
			r = ini_section_line(&ic, line, sname, tag, &g, &state);
			free(sname);
			free(tag);
		} else if (line[0] == '[' && line[strlen(line) - 1] == ']') {
			r = ini_error(&ic, ic.line, "invalid section entry "
			    "'%s': make sure there are no spaces or other "
			    "invalid characters in the section name", line);
		} else if (state == INI_HOSTS)
			r = ini_host_line(&ic, line, g);
		else if (state == INI_VARS)
			r = ini_vars_line(&ic, line, g);
		else
			r = ini_children_line(&ic, line, g);
		free(line);
	}
	for (i = 0; r == 0 && i < ic.npending; i++) {
		pd = &ic.pending[i];
		if (pd->done)
			continue;
		if (pd->state == INI_VARS) {
			r = ini_error(&ic, pd->line, "section [%s:vars] names "
			    "no group: declare [%s] or [%s:children]",
			    pd->name, pd->name, pd->name);
		} else {
			r = ini_error(&ic, pd->line, "section [%s:children] "
			    "includes undefined group '%s'",
			    pd->parents[pd->nparents - 1], pd->name);
		}
	}
	for (i = 0; i < ic.npending; i++) {
		free(ic.pending[i].name);
		for (j = 0; j < ic.pending[i].nparents; j++)
			free(ic.pending[i].parents[j]);
		free(ic.pending[i].parents);
	}
	free(ic.pending);
	return r;
}
