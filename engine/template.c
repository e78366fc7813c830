/*
 * Jinja2 templates: scanning text, {{ }}, {# #} and whitespace control,
 * parsing and rendering {% if/for/set/raw %}; template-stmt.c has the rest.
 */
#include <sys/stat.h>
#include <sys/utsname.h>

#include <pwd.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "template-internal.h"

/* Nested {% if %}/{% for %} blocks a template may hold (stack, not taste). */
#define TEMPLATE_MAX_NEST	200

static void	tlist_free(struct tlist *);

static void
tnode_free(struct tnode *t)
{
	size_t	i;

	if (t == NULL)
		return;
	expr_node_free(t->expr);
	expr_node_free(t->filter);
	for (i = 0; i < t->nbranch; i++) {
		expr_node_free(t->conds[i]);
		tlist_free(&t->bodies[i]);
	}
	free(t->conds);
	free(t->bodies);
	strv_free(t->targets, t->ntargets);
	tlist_free(&t->body);
	tlist_free(&t->else_body);
	free(t->name);
	for (i = 0; i < t->nparams; i++)
		expr_node_free(t->defaults[i]);
	strv_free(t->params, t->nparams);
	free(t->defaults);
	if (t->aliases != NULL)
		strv_free(t->aliases, t->ntargets);
	free(t);
}

static void
tlist_free(struct tlist *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		tnode_free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void
template_tlist_add(struct tlist *l, struct tnode *t)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n++] = t;
}

struct tnode *
template_tnode_new(enum tnode_type type, size_t pos)
{
	struct tnode	*t = xcalloc(1, sizeof *t);

	t->type = type;
	t->pos = pos;
	return t;
}

void
template_opts_init(struct template_opts *o)
{
	memset(o, 0, sizeof *o);
	o->block_start = "{%";
	o->block_end = "%}";
	o->variable_start = "{{";
	o->variable_end = "}}";
	o->comment_start = "{#";
	o->comment_end = "#}";
	o->trim_blocks = 1;
}

/* Scanning into pieces. */

static void
piece_add(struct tparser *tp, struct piece *pc)
{
	tp->pieces = xreallocarray(tp->pieces, tp->n + 1, sizeof *tp->pieces);
	tp->pieces[tp->n++] = *pc;
}

static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* How the text before a tag ends: as it is, "{%-" or lstrip_blocks. */
#define STRIP_NONE	0
#define STRIP_ALL	1	/* "{%-": all whitespace before the tag */
#define STRIP_LINE	2	/* lstrip_blocks: blanks from the line start */

/* Text between tags, with the neighbours' whitespace control applied. */
static void
add_text(struct tparser *tp, size_t start, size_t end, int lstrip, int trim_nl,
    int rstrip)
{
	struct piece	pc;
	size_t		e;

	if (lstrip) {
		while (start < end && is_ws(tp->text[start]))
			start++;
	} else if (trim_nl) {
		if (start < end && tp->text[start] == '\n')
			start++;
		else if (start + 1 < end && tp->text[start] == '\r' &&
		    tp->text[start + 1] == '\n')
			start += 2;
	}
	if (rstrip == STRIP_ALL) {
		while (end > start && is_ws(tp->text[end - 1]))
			end--;
	} else if (rstrip == STRIP_LINE) {
		/* only when the tag is the first thing on its line */
		for (e = end; e > start && (tp->text[e - 1] == ' ' ||
		    tp->text[e - 1] == '\t'); e--)
			;
		if ((e > start && tp->text[e - 1] == '\n') || (e == start &&
		    (start == 0 || tp->text[start - 1] == '\n')))
			end = e;
	}
	if (start == end)
		return;
	memset(&pc, 0, sizeof pc);
	pc.type = P_TEXT;
	pc.pos = start;
	pc.text = tp->text + start;
	pc.len = end - start;
	piece_add(tp, &pc);
}

/*
 * Is there "{% [-+] word [-+] %}" at p?  Sets *end past it, *lstrip ('-'
 * or '+' after the start) and *rstrip ('-' or '+' before the end).
 */
static int
match_tag(const struct template_opts *o, const char *text, size_t p,
    const char *word, size_t *end, int *lstrip, int *rstrip)
{
	size_t	l = strlen(word), bl = strlen(o->block_start);
	size_t	el = strlen(o->block_end);

	if (strncmp(text + p, o->block_start, bl) != 0)
		return 0;
	p += bl;
	*lstrip = text[p] == '-' ? 1 : text[p] == '+' ? -1 : 0;
	if (*lstrip)
		p++;
	while (is_ws(text[p]))
		p++;
	if (strncmp(text + p, word, l) != 0)
		return 0;
	p += l;
	while (is_ws(text[p]))
		p++;
	*rstrip = text[p] == '-' ? 1 : text[p] == '+' ? -1 : 0;
	if (*rstrip)
		p++;
	if (strncmp(text + p, o->block_end, el) != 0)
		return 0;
	*end = p + el;
	return 1;
}

/* The first tag start at or after p: its offset and type, or 0. */
static int
next_tag(const struct template_opts *o, const char *text, size_t p,
    size_t *at, enum piece_type *type, size_t *len)
{
	const char	*starts[3] = { o->variable_start, o->block_start,
			    o->comment_start };
	const char	*q, *best = NULL;
	size_t		 i, bi = 0;

	for (i = 0; i < 3; i++) {
		if ((q = strstr(text + p, starts[i])) == NULL)
			continue;
		/* the longer of two starts at one place wins */
		if (best == NULL || q < best || (q == best &&
		    strlen(starts[i]) > strlen(starts[bi]))) {
			best = q;
			bi = i;
		}
	}
	if (best == NULL)
		return 0;
	*at = (size_t)(best - text);
	*type = bi == 0 ? P_VAR : bi == 1 ? P_BLOCK : P_TEXT;
	*len = strlen(starts[bi]);
	return 1;
}

/* Before a block tag or comment at t: "-", "+" or lstrip_blocks. */
static int
strip_before(const struct tparser *tp, size_t t, size_t sl, int block)
{
	char	m = tp->text[t + sl];

	if (m == '-')
		return STRIP_ALL;
	if (block && m != '+' && tp->o->lstrip_blocks)
		return STRIP_LINE;
	return STRIP_NONE;
}

static int
scan(struct tparser *tp)
{
	const struct template_opts	*o = tp->o;
	const char			*text = tp->text, *c;
	size_t				 p = 0, t, end, rend, sl;
	size_t				 cel = strlen(o->comment_end);
	int				 lstrip = 0, trim_nl = 0, ls, rs, ls2, rs2;
	enum piece_type			 type;
	struct piece			 pc;

	for (;;) {
		if (!next_tag(o, text, p, &t, &type, &sl)) {
			add_text(tp, p, strlen(text), lstrip, trim_nl, 0);
			return 0;
		}
		add_text(tp, p, t, lstrip, trim_nl, strip_before(tp, t, sl,
		    type != P_VAR));
		lstrip = trim_nl = 0;
		if (type == P_TEXT) {	/* a comment */
			c = strstr(text + t + sl, o->comment_end);
			if (c == NULL) {
				expr_error(&tp->cause, text, t,
				    "unterminated comment");
				return -1;
			}
			lstrip = c > text + t + sl && c[-1] == '-';
			trim_nl = !lstrip && o->trim_blocks &&
			    !(c > text + t + sl && c[-1] == '+');
			p = (size_t)(c - text) + cel;
			continue;
		}
		if (type == P_BLOCK &&
		    match_tag(o, text, t, "raw", &end, &ls, &rs)) {
			for (rend = end; text[rend] != '\0'; rend++) {
				if (match_tag(o, text, rend, "endraw", &p, &ls2,
				    &rs2))
					break;
			}
			if (text[rend] == '\0') {
				expr_error(&tp->cause, text, t,
				    "missing '%s endraw %s'", o->block_start,
				    o->block_end);
				return -1;
			}
			/* Jinja2's lexer: trim_blocks never eats the newline
			 * right after "{% raw %}", only "-%}" strips there */
			add_text(tp, end, rend, rs == 1, 0,
			    ls2 == 1 ? STRIP_ALL : ls2 == 0 &&
			    o->lstrip_blocks ? STRIP_LINE : STRIP_NONE);
			lstrip = rs2 == 1;
			trim_nl = rs2 == 0 && o->trim_blocks;
			continue;
		}
		memset(&pc, 0, sizeof pc);
		pc.type = type;
		pc.pos = t;
		if (expr_lex_until(text, t + sl + (text[t + sl] == '-' ||
		    (type == P_BLOCK && text[t + sl] == '+')), type == P_VAR ?
		    LEX_VAR : LEX_BLOCK, type == P_VAR ? o->variable_end :
		    o->block_end, &pc.toks, &p, &tp->cause) != 0) {
			expr_tokens_free(&pc.toks);
			return -1;
		}
		lstrip = pc.toks.t[pc.toks.n - 1].strip == 1;
		trim_nl = type == P_BLOCK && o->trim_blocks &&
		    pc.toks.t[pc.toks.n - 1].strip == 0;
		piece_add(tp, &pc);
	}
}

/* Parsing pieces into a tree. */

int
template_piece_name(struct tparser *tp, const char *name)
{
	struct piece	*pc;

	if (tp->i >= tp->n)
		return 0;
	pc = &tp->pieces[tp->i];
	return pc->type == P_BLOCK && pc->toks.t[0].type == T_NAME &&
	    strcmp(pc->toks.t[0].s, name) == 0;
}

int
template_parse_fail(struct tparser *tp, struct parser *p)
{
	free(tp->cause);
	tp->cause = p->cause;
	p->cause = NULL;
	return -1;
}

/* Parses an expression filling the rest of a tag. */
struct node *
template_tag_expr(struct tparser *tp, struct parser *p, int tuple)
{
	struct node	*n;

	n = tuple ? expr_parse_tuple(p) : expr_parse_expr(p);
	if (n != NULL && expr_peek(p)->type != T_END) {
		expr_unexpected(p);
		expr_node_free(n);
		n = NULL;
	}
	if (n == NULL) {
		free(tp->cause);
		tp->cause = p->cause;
		p->cause = NULL;
	}
	return n;
}

int
template_tag_end(struct tparser *tp, struct parser *p)
{
	if (expr_peek(p)->type == T_END)
		return 0;
	expr_unexpected(p);
	free(tp->cause);
	tp->cause = p->cause;
	p->cause = NULL;
	return -1;
}

/* Names separated by commas, for "for a, b in" and "set a, b =". */
static int
tag_targets(struct tparser *tp, struct parser *p, struct tnode *t)
{
	const struct token	*tok;

	for (;;) {
		tok = expr_peek(p);
		if (tok->type != T_NAME) {
			expr_unexpected(p);
			free(tp->cause);
			tp->cause = p->cause;
			p->cause = NULL;
			return -1;
		}
		t->targets = xreallocarray(t->targets, t->ntargets + 1,
		    sizeof *t->targets);
		t->targets[t->ntargets++] = xstrdup(tok->s);
		p->i++;
		tok = expr_peek(p);
		if (tok->type != T_OP || tok->op != OP_COMMA)
			return 0;
		p->i++;
	}
}


int
template_end_expected(struct tparser *tp, const char *what)
{
	if (tp->i >= tp->n) {
		expr_error(&tp->cause, tp->text, strlen(tp->text),
		    "unexpected end of template, expected '%s'", what);
		return -1;
	}
	return 0;
}

static int
parse_if(struct tparser *tp, struct parser *p, struct tnode *t)
{
	static const char *const stops[] = { "elif", "else", "endif", NULL };
	struct node		*cond;
	int			 is_else = 0;

	for (;;) {
		cond = NULL;
		if (!is_else && (cond = template_tag_expr(tp, p, 0)) == NULL)
			return -1;
		if (is_else && template_tag_end(tp, p) != 0)
			return -1;
		t->conds = xreallocarray(t->conds, t->nbranch + 1,
		    sizeof *t->conds);
		t->bodies = xreallocarray(t->bodies, t->nbranch + 1,
		    sizeof *t->bodies);
		t->conds[t->nbranch] = cond;
		memset(&t->bodies[t->nbranch], 0, sizeof *t->bodies);
		t->nbranch++;
		if (template_parse_body(tp, &t->bodies[t->nbranch - 1],
		    is_else ? stops + 2 : stops) != 0)
			return -1;
		if (template_end_expected(tp, "endif") != 0)
			return -1;
		p->toks = &tp->pieces[tp->i].toks;
		p->i = 1;
		if (template_piece_name(tp, "endif")) {
			tp->i++;
			return template_tag_end(tp, p);
		}
		is_else = template_piece_name(tp, "else");
		tp->i++;
	}
}

static int
parse_for(struct tparser *tp, struct parser *p, struct tnode *t)
{
	static const char *const stops[] = { "else", "endfor", NULL };
	const struct token	*tok;
	int			 r;

	if (tag_targets(tp, p, t) != 0)
		return -1;
	tok = expr_peek(p);
	if (tok->type != T_NAME || strcmp(tok->s, "in") != 0) {
		expr_unexpected(p);
		free(tp->cause);
		tp->cause = p->cause;
		p->cause = NULL;
		return -1;
	}
	p->i++;
	if ((t->expr = expr_parse_or(p)) == NULL) {
		free(tp->cause);
		tp->cause = p->cause;
		p->cause = NULL;
		return -1;
	}
	tok = expr_peek(p);
	if (tok->type == T_NAME && strcmp(tok->s, "if") == 0) {
		p->i++;
		if ((t->filter = expr_parse_expr(p)) == NULL)
			return template_parse_fail(tp, p);
		tok = expr_peek(p);
	}
	if (tok->type == T_NAME && strcmp(tok->s, "recursive") == 0) {
		t->flags |= TF_RECURSIVE;
		p->i++;
	}
	if (template_tag_end(tp, p) != 0)
		return -1;
	tp->loops++;
	r = template_parse_body(tp, &t->body, stops);
	tp->loops--;
	if (r != 0 || template_end_expected(tp, "endfor") != 0)
		return -1;
	if (template_piece_name(tp, "else")) {
		tp->i++;
		if (template_parse_body(tp, &t->else_body, stops + 1) != 0 ||
		    template_end_expected(tp, "endfor") != 0)
			return -1;
	}
	tp->i++;
	return 0;
}

static int
parse_set(struct tparser *tp, struct parser *p, struct tnode *t)
{
	static const char *const stops[] = { "endset", NULL };
	const struct token	*tok;

	if (tag_targets(tp, p, t) != 0)
		return -1;
	tok = expr_peek(p);
	/* "set ns.attr = v": an attribute of a namespace() */
	if (t->ntargets == 1 && tok->type == T_OP && tok->op == OP_DOT) {
		p->i++;
		tok = expr_peek(p);
		if (tok->type != T_NAME) {
			expr_unexpected(p);
			return template_parse_fail(tp, p);
		}
		t->name = xstrdup(tok->s);
		p->i++;
		tok = expr_peek(p);
	}
	if (tok->type == T_END && t->ntargets == 1 && t->name == NULL) {
		if (template_parse_body(tp, &t->body, stops) != 0 ||
		    template_end_expected(tp, "endset") != 0)
			return -1;
		tp->i++;
		return 0;
	}
	if (tok->type != T_OP || tok->op != OP_ASSIGN) {
		expr_unexpected(p);
		free(tp->cause);
		tp->cause = p->cause;
		p->cause = NULL;
		return -1;
	}
	p->i++;
	return (t->expr = template_tag_expr(tp, p, 1)) == NULL ? -1 : 0;
}

/* Parses pieces until a block tag named in stops (left unconsumed). */
static int
parse_body_inner(struct tparser *tp, struct tlist *l, const char *const *stops)
{
	struct piece		*pc;
	struct tnode		*t;
	struct parser		 p;
	const struct token	*tok;
	size_t			 k;
	int			 r;

	while (tp->i < tp->n) {
		pc = &tp->pieces[tp->i];
		memset(&p, 0, sizeof p);
		p.text = tp->text;
		p.toks = &pc->toks;
		if (pc->type == P_TEXT) {
			t = template_tnode_new(TN_TEXT, pc->pos);
			t->text = pc->text;
			t->len = pc->len;
			template_tlist_add(l, t);
			tp->i++;
			continue;
		}
		if (pc->type == P_VAR) {
			t = template_tnode_new(TN_OUT, pc->pos);
			template_tlist_add(l, t);
			tp->i++;
			if ((t->expr = template_tag_expr(tp, &p, 0)) == NULL)
				return -1;
			continue;
		}
		tok = &pc->toks.t[0];
		if (tok->type != T_NAME) {
			expr_error(&tp->cause, tp->text, tok->pos,
			    "expected a tag name");
			return -1;
		}
		for (k = 0; stops != NULL && stops[k] != NULL; k++) {
			if (strcmp(tok->s, stops[k]) == 0)
				return 0;
		}
		p.i = 1;
		tp->i++;
		if (strcmp(tok->s, "if") == 0) {
			t = template_tnode_new(TN_IF, pc->pos);
			template_tlist_add(l, t);
			r = parse_if(tp, &p, t);
		} else if (strcmp(tok->s, "for") == 0) {
			t = template_tnode_new(TN_FOR, pc->pos);
			template_tlist_add(l, t);
			r = parse_for(tp, &p, t);
		} else if (strcmp(tok->s, "set") == 0) {
			t = template_tnode_new(TN_SET, pc->pos);
			template_tlist_add(l, t);
			r = parse_set(tp, &p, t);
		} else if ((r = template_parse_stmt(tp, &p, tok->s, &t)) != 1) {
			if (t != NULL)
				template_tlist_add(l, t);
		} else {
			expr_error(&tp->cause, tp->text, tok->pos,
			    "%s tag '%s'", strncmp(tok->s, "end", 3) == 0 ||
			    strcmp(tok->s, "else") == 0 ||
			    strcmp(tok->s, "elif") == 0 ? "unexpected" :
			    "unknown", tok->s);
			return -1;
		}
		if (r != 0)
			return -1;
	}
	return 0;
}

/* A block's body; nesting past TEMPLATE_MAX_NEST is an error, not a crash. */
int
template_parse_body(struct tparser *tp, struct tlist *l,
    const char *const *stops)
{
	int	r;

	if (++tp->depth > TEMPLATE_MAX_NEST) {
		if (tp->cause == NULL)
			expr_error(&tp->cause, tp->text, tp->i < tp->n ?
			    tp->pieces[tp->i].pos : 0, "blocks nested too deeply "
			    "(more than %d levels)", TEMPLATE_MAX_NEST);
		tp->depth--;
		return -1;
	}
	r = parse_body_inner(tp, l, stops);
	tp->depth--;
	return r;
}

void
template_free(struct template *tm)
{
	size_t	i;

	tlist_free(&tm->body);
	free(tm->tp.blocks);
	for (i = 0; i < tm->tp.n; i++)
		expr_tokens_free(&tm->tp.pieces[i].toks);
	free(tm->tp.pieces);
	free(tm->tp.cause);
}

int
template_parse(const char *text, const struct template_opts *o,
    struct template *tm, char **cause)
{
	struct piece	*last;
	size_t		 len = strlen(text);

	memset(tm, 0, sizeof *tm);
	tm->tp.text = text;
	tm->tp.o = o;
	if (scan(&tm->tp) == 0 && !o->keep_trailing_newline && len > 0 &&
	    text[len - 1] == '\n' && tm->tp.n > 0) {
		/* Jinja2 drops one newline at the end of the source */
		last = &tm->tp.pieces[tm->tp.n - 1];
		if (last->type == P_TEXT && last->pos + last->len == len) {
			last->len--;
			if (last->len > 0 && last->text[last->len - 1] == '\r')
				last->len--;
		}
	}
	if (tm->tp.cause != NULL ||
	    template_parse_body(&tm->tp, &tm->body, NULL) != 0) {
		free(*cause);
		*cause = tm->tp.cause;
		tm->tp.cause = NULL;
		template_free(tm);
		return -1;
	}
	return 0;
}

/* Rendering. */

/* Binds for/set targets; several names unpack a list. Takes v. */
static int
bind(struct eval *ev, struct tnode *t, struct value *v, char **cause)
{
	size_t	i;

	if (t->ntargets == 1) {
		expr_set_local(ev, t->targets[0], v);
		return 0;
	}
	if (v->type == V_DICT && (v->flags & EXPR_VALUE_TUPLE) &&
	    v->u.dict.n == t->ntargets) {
		for (i = 0; i < t->ntargets; i++)
			expr_set_local(ev, t->targets[i],
			    value_ref(v->u.dict.vals[i]));
		value_unref(v);
		return 0;
	}
	if (v->type != V_LIST || v->u.list.n != t->ntargets) {
		free(*cause);
		*cause = xasprintf("cannot unpack %s into %zu names",
		    expr_type_name(v), t->ntargets);
		value_unref(v);
		return -1;
	}
	for (i = 0; i < t->ntargets; i++)
		expr_set_local(ev, t->targets[i],
		    value_ref(v->u.list.items[i]));
	value_unref(v);
	return 0;
}

/* What a for loop walks: lists, dict keys, string characters. */
static int
iter_items(struct value *v, struct value ***items, size_t *n, char **cause)
{
	size_t	i;

	switch (v->type) {
	case V_LIST:
		*n = v->u.list.n;
		*items = xcalloc(*n + 1, sizeof **items);
		for (i = 0; i < *n; i++)
			(*items)[i] = value_ref(v->u.list.items[i]);
		return 0;
	case V_DICT:
		*n = v->u.dict.n;
		*items = xcalloc(*n + 1, sizeof **items);
		for (i = 0; i < *n; i++)
			(*items)[i] = value_str(v->u.dict.keys[i]);
		return 0;
	case V_STR:
		*n = v->u.str.len;
		*items = xcalloc(*n + 1, sizeof **items);
		for (i = 0; i < *n; i++)
			(*items)[i] = value_strn(v->u.str.s + i, 1);
		return 0;
	default:
		free(*cause);
		*cause = xasprintf("'%s' object is not iterable",
		    expr_type_name(v));
		return -1;
	}
}

static void
items_free(struct value **items, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		value_unref(items[i]);
	free(items);
}

int
template_render_for_items(struct eval *ev, struct tnode *t, struct value *seq,
    int depth, struct buf *b, char **cause)
{
	struct value	**items, *c, *loop;
	struct tloop	 *tl;
	size_t		  n, i, k;
	int		  r = -1, rr;

	if (iter_items(seq, &items, &n, cause) != 0)
		return -1;
	expr_push_frame(ev);
	if (t->filter != NULL) {
		for (i = k = 0; i < n; i++) {
			if (bind(ev, t, value_ref(items[i]), cause) != 0 ||
			    expr_node_value(ev, t->filter, &c, cause) != 0) {
				/* the kept ones are at the front, the rest after i */
				for (; i < n; i++)
					items[k++] = items[i];
				n = k;
				goto out;
			}
			if (expr_truthy(c))
				items[k++] = items[i];
			else
				value_unref(items[i]);
			value_unref(c);
		}
		n = k;
	}
	tl = template_loop_begin(ev, t, depth);
	for (i = 0; i < n; i++) {
		if (bind(ev, t, value_ref(items[i]), cause) != 0)
			goto out;
		loop = value_dict();
		value_dict_setint(loop, "index", (long long)i + 1);
		value_dict_setint(loop, "index0", (long long)i);
		value_dict_setint(loop, "revindex", (long long)(n - i));
		value_dict_setint(loop, "revindex0", (long long)(n - i - 1));
		value_dict_setbool(loop, "first", i == 0);
		value_dict_setbool(loop, "last", i == n - 1);
		value_dict_setint(loop, "length", (long long)n);
		value_dict_setint(loop, "depth", depth + 1);
		value_dict_setint(loop, "depth0", depth);
		if (i > 0)
			value_dict_set(loop, "previtem", value_ref(items[i - 1]));
		if (i + 1 < n)
			value_dict_set(loop, "nextitem", value_ref(items[i + 1]));
		template_loop_item(tl, loop, i);
		expr_set_local(ev, "loop", loop);
		if ((rr = template_render_list(ev, &t->body, b, cause)) < 0)
			goto out;
		if (rr == RENDER_BREAK)
			break;
	}
	if (n == 0 && template_render_list(ev, &t->else_body, b, cause) < 0)
		goto out;
	r = 0;
out:
	expr_pop_frame(ev);
	items_free(items, n);
	return r;
}

static int
render_for(struct eval *ev, struct tnode *t, struct buf *b, char **cause)
{
	struct value	*seq;
	int		 r;

	if (expr_node_value(ev, t->expr, &seq, cause) != 0)
		return -1;
	r = template_render_for_items(ev, t, seq, 0, b, cause);
	value_unref(seq);
	return r;
}

/* {% set %}: a name, names unpacking a list, or a namespace's attribute. */
static int
render_set(struct eval *ev, struct tnode *t, char **cause)
{
	struct value	*v, *ns;
	struct buf	 sb = BUF_INIT;

	if (t->expr == NULL) {
		if (template_render_list(ev, &t->body, &sb, cause) < 0) {
			buf_release(&sb);
			return -1;
		}
		/* as Jinja2, the captured text is not rendered again */
		v = value_strn(buf_cstr(&sb), sb.len);
		v->flags |= VALUE_UNSAFE;
		buf_release(&sb);
	} else if (expr_node_value(ev, t->expr, &v, cause) != 0)
		return -1;
	if (t->name == NULL)
		return bind(ev, t, v, cause);
	ns = expr_lookup(ev, t->targets[0]);
	if (ns == NULL || ns->type != V_DICT ||
	    !(ns->flags & EXPR_VALUE_NAMESPACE)) {
		value_unref(ns);
		value_unref(v);
		return expr_fail(cause, "cannot assign attribute on "
		    "non-namespace object");
	}
	value_dict_set(ns, t->name, v);
	value_unref(ns);
	return 0;
}

/*
 * Blocks inside blocks, through macro calls and includes too: each level
 * is a few frames of C stack, so the whole render stops at this many.
 */
#define TEMPLATE_MAX_RENDER	1000

static int	render_list(struct eval *, struct tlist *, struct buf *,
		    char **);

int
template_render_list(struct eval *ev, struct tlist *l, struct buf *b,
    char **cause)
{
	int	r;

	/* one step per body rendered: an empty loop body still counts */
	if (expr_step(ev, cause) != 0)
		return -1;
	if (ev->tmpl == NULL)
		return render_list(ev, l, b, cause);
	if (ev->tmpl->nest >= TEMPLATE_MAX_RENDER)
		return expr_fail(cause, "template nested too deeply (more "
		    "than %d blocks inside one another, through macros and "
		    "includes too)", TEMPLATE_MAX_RENDER);
	ev->tmpl->nest++;
	r = render_list(ev, l, b, cause);
	ev->tmpl->nest--;
	return r;
}

static int
render_list(struct eval *ev, struct tlist *l, struct buf *b, char **cause)
{
	struct tnode	*t;
	struct value	*v;
	size_t		 i, k;
	int		 c, r;

	for (i = 0; i < l->n; i++) {
		t = l->v[i];
		if (expr_step(ev, cause) != 0)
			return -1;
		switch (t->type) {
		case TN_TEXT:
			buf_add(b, t->text, t->len);
			break;
		case TN_OUT:
			if (expr_node_value(ev, t->expr, &v, cause) != 0)
				return -1;
			expr_add_str(b, v);
			value_unref(v);
			break;
		case TN_IF:
			for (k = 0; k < t->nbranch; k++) {
				if (t->conds[k] == NULL)
					break;
				if (expr_node_value(ev, t->conds[k], &v,
				    cause) != 0)
					return -1;
				c = expr_truthy(v);
				value_unref(v);
				if (c)
					break;
			}
			if (k < t->nbranch && (r = template_render_list(ev,
			    &t->bodies[k], b, cause)) != 0)
				return r;
			break;
		case TN_FOR:
			if (render_for(ev, t, b, cause) != 0)
				return -1;
			break;
		case TN_SET:
			if (render_set(ev, t, cause) != 0)
				return -1;
			break;
		case TN_BREAK:
			return RENDER_BREAK;
		case TN_CONTINUE:
			return RENDER_CONTINUE;
		default:
			if ((r = template_render_stmt(ev, t, b, cause)) != 0)
				return r;
			break;
		}
		if (expr_size_check(b->len, cause) != 0)
			return -1;
	}
	return 0;
}

/* Newlines at the end of s (Ansible's _count_newlines_from_end). */
static size_t
trailing_newlines(const char *s, size_t len)
{
	size_t	n = 0;

	while (n < len && s[len - 1 - n] == '\n')
		n++;
	return n;
}

/* 1 if the text has any tag start of the options. */
static int
has_tags(const char *text, const struct template_opts *o)
{
	return strstr(text, o->variable_start) != NULL ||
	    strstr(text, o->block_start) != NULL ||
	    strstr(text, o->comment_start) != NULL;
}

#define JINJA2_OVERRIDE	"#jinja2:"

/* A Python literal of a "#jinja2:" line: True/False, a number, a string. */
static int
header_value(const char *v, char **str, int *b, char **cause)
{
	struct buf	 sb = BUF_INIT;
	const char	*p = v;
	size_t		 l = strlen(v);

	*str = NULL;
	if (strcmp(v, "True") == 0 || strcmp(v, "False") == 0) {
		*b = v[0] == 'T';
		return 0;
	}
	if (l >= 2 && (v[0] == '\'' || v[0] == '"') && v[l - 1] == v[0]) {
		p = v + 1;
		while (p < v + l - 1) {
			if (*p == '\\' && p + 1 < v + l - 1) {
				if (py_unescape(&p, &sb) != 0)
					break;
			} else
				buf_addc(&sb, *p++);
		}
		*str = buf_detach(&sb, NULL);
		*b = 1;
		return 0;
	}
	if (strspn(v, "0123456789") == l && l > 0) {
		*b = atoi(v) != 0;
		return 0;
	}
	return expr_fail(cause, "failed to parse jinja2 override value '%s'",
	    v);
}

/*
 * Reads a "#jinja2:key: value, key: value" first line into o (strings
 * kept in held, to free) and returns the text after it.
 */
static const char *
header_apply(const char *text, struct template_opts *o, char ***held,
    size_t *nheld, char **cause)
{
	static const struct {
		const char	*key;
		size_t		 str_off;	/* a string option, or ... */
		size_t		 int_off;	/* ... a flag */
	} keys[] = {
#define S(f) offsetof(struct template_opts, f), (size_t)-1
#define I(f) (size_t)-1, offsetof(struct template_opts, f)
		{ "block_start_string", S(block_start) },
		{ "block_end_string", S(block_end) },
		{ "variable_start_string", S(variable_start) },
		{ "variable_end_string", S(variable_end) },
		{ "comment_start_string", S(comment_start) },
		{ "comment_end_string", S(comment_end) },
		{ "trim_blocks", I(trim_blocks) },
		{ "lstrip_blocks", I(lstrip_blocks) },
		{ "keep_trailing_newline", I(keep_trailing_newline) },
		{ "newline_sequence", (size_t)-1, (size_t)-1 },
#undef S
#undef I
	};
	const char	*eol = strchr(text, '\n');
	char		*line, *pair, *save, *colon, *str;
	size_t		 k;
	int		 b = 0, r = 0;

	line = eol != NULL ?
	    xstrndup(text + strlen(JINJA2_OVERRIDE),
	    (size_t)(eol - text) - strlen(JINJA2_OVERRIDE)) :
	    xstrdup(text + strlen(JINJA2_OVERRIDE));
	for (pair = strtok_r(line, ",", &save); pair != NULL && r == 0;
	    pair = strtok_r(NULL, ",", &save)) {
		if ((colon = strchr(pair, ':')) == NULL) {
			r = expr_fail(cause, "failed to parse jinja2 override "
			    "'%s'. Did you use something different from colon "
			    "as key-value separator?", str_trim(pair));
			break;
		}
		*colon = '\0';
		str_trim(pair);
		for (k = 0; k < ARRAY_SIZE(keys); k++)
			if (strcmp(keys[k].key, pair) == 0)
				break;
		if (k == ARRAY_SIZE(keys)) {
			r = expr_fail(cause, "unknown jinja2 override '%s'",
			    pair);
			break;
		}
		if ((r = header_value(str_trim(colon + 1), &str, &b,
		    cause)) != 0)
			break;
		if (keys[k].str_off != (size_t)-1 && str != NULL) {
			*held = xreallocarray(*held, *nheld + 1, sizeof **held);
			(*held)[(*nheld)++] = str;
			*(const char **)((char *)o + keys[k].str_off) = str;
		} else {
			if (keys[k].int_off != (size_t)-1)
				*(int *)((char *)o + keys[k].int_off) = b;
			free(str);
		}
	}
	free(line);
	if (r != 0)
		return NULL;
	return eol != NULL ? eol + 1 : "";
}

/*
 * Renders text with options: the "#jinja2:" line, Jinja2's dropped last
 * newline, and the templar's putting back of the source's trailing
 * newlines (preserve_trailing_newlines).  asis: keep a lone "{{ x }}"'s
 * type, as for strings in a play.
 */
static int
render_text(struct eval *ev, const char *text, const struct template_opts *o0,
    int asis, struct value **out, char **cause)
{
	struct template_opts	 o = *o0;
	struct template		 tm;
	struct buf		 b = BUF_INIT;
	char			**held = NULL;
	size_t			 nheld = 0, i, want;
	int			 r = -1;

	*out = NULL;
	if (strncmp(text, JINJA2_OVERRIDE, strlen(JINJA2_OVERRIDE)) == 0 &&
	    (text = header_apply(text, &o, &held, &nheld, cause)) == NULL)
		goto out;
	if (!has_tags(text, &o)) {
		*out = value_str(text);
		r = 0;
		goto out;
	}
	if (template_parse(text, &o, &tm, cause) != 0)
		goto out;
	/* One "{{ expr }}" alone keeps its type, as Ansible does. */
	if (asis && tm.body.n == 1 && tm.body.v[0]->type == TN_OUT)
		r = expr_node_value(ev, tm.body.v[0]->expr, out, cause);
	else {
		expr_push_frame(ev);
		r = template_render_root(ev, &tm, &o, &b, cause);
		expr_pop_frame(ev);
		if (r == 0) {
			want = trailing_newlines(text, strlen(text));
			for (i = trailing_newlines(buf_cstr(&b), b.len);
			    i < want; i++)
				buf_addc(&b, '\n');
			*out = value_strn(buf_cstr(&b), b.len);
		}
		buf_release(&b);
	}
	template_free(&tm);
out:
	for (i = 0; i < nheld; i++)
		free(held[i]);
	free(held);
	return r;
}

int
template_render_eval(struct eval *ev, const char *text, struct value **out,
    char **cause)
{
	struct template_opts	o;

	template_opts_init(&o);
	return render_text(ev, text, &o, 1, out, cause);
}

int
template_render_opts(struct eval *ev, const char *text,
    const struct template_opts *o, struct value **out, char **cause)
{
	struct value	*v;
	struct buf	 b = BUF_INIT;

	if (render_text(ev, text, o, 0, &v, cause) != 0)
		return -1;
	if (v->type != V_STR) {
		expr_add_str(&b, v);
		value_unref(v);
		v = expr_str_buf(&b);
	}
	*out = v;
	return 0;
}

int
template_value_eval(struct eval *ev, struct value *v, struct value **out,
    char **cause)
{
	struct value	*r = NULL, *item, *k;
	struct buf	 kb = BUF_INIT;
	size_t		 i;
	int		 changed = 0;

	*out = NULL;
	switch (v->type) {
	case V_STR:
		if (!value_is_template(v))
			break;
		if (template_render_eval(ev, v->u.str.s, &r, cause) != 0)
			return -1;
		if (r->refs == 1 && r->loc.file == NULL)
			r->loc = v->loc;
		*out = r;
		return 0;
	case V_LIST:
		r = value_list();
		for (i = 0; i < v->u.list.n; i++) {
			if (template_value_eval(ev, v->u.list.items[i], &item,
			    cause) != 0) {
				value_unref(r);
				return -1;
			}
			changed |= item != v->u.list.items[i];
			value_list_append(r, item);
		}
		break;
	case V_DICT:
		r = value_dict();
		for (i = 0; i < v->u.dict.n; i++) {
			if (template_value_eval(ev, v->u.dict.vals[i], &item,
			    cause) != 0) {
				value_unref(r);
				return -1;
			}
			changed |= item != v->u.dict.vals[i];
			if (strstr(v->u.dict.keys[i], "{{") == NULL &&
			    strstr(v->u.dict.keys[i], "{%") == NULL) {
				value_dict_set(r, v->u.dict.keys[i], item);
				continue;
			}
			changed = 1;
			if (template_render_eval(ev, v->u.dict.keys[i], &k,
			    cause) != 0) {
				value_unref(item);
				value_unref(r);
				return -1;
			}
			expr_add_str(&kb, k);
			value_unref(k);
			value_dict_set(r, buf_cstr(&kb), item);
			buf_reset(&kb);
		}
		buf_release(&kb);
		break;
	default:
		break;
	}
	if (r != NULL && changed) {
		r->flags = v->flags;
		r->loc = v->loc;
		*out = r;
		return 0;
	}
	value_unref(r);
	*out = value_ref(v);
	return 0;
}

int
template_render(const char *tmpl, const struct expr_scope *scope,
    struct value **out, char **cause)
{
	struct eval	ev;
	int		r;

	expr_eval_init(&ev, scope);
	r = template_render_eval(&ev, tmpl, out, cause);
	expr_eval_done(&ev);
	return r;
}

int
template_value(struct value *v, const struct expr_scope *scope,
    struct value **out, char **cause)
{
	struct eval	ev;
	int		r;

	expr_eval_init(&ev, scope);
	r = template_value_eval(&ev, v, out, cause);
	expr_eval_done(&ev);
	return r;
}

int
template_check(const char *tmpl, char **cause)
{
	struct template		tm;
	struct template_opts	o;

	template_opts_init(&o);
	if (template_parse(tmpl, &o, &tm, cause) != 0)
		return -1;
	template_free(&tm);
	return 0;
}

/* Normalizes line ends to "\n", as Jinja2 reads a template's source. */
char *
template_lf(const char *text)
{
	struct buf	b = BUF_INIT;

	for (; *text != '\0'; text++) {
		if (*text == '\r') {
			buf_addc(&b, '\n');
			if (text[1] == '\n')
				text++;
		} else
			buf_addc(&b, *text);
	}
	return buf_detach(&b, NULL);
}

int
template_render_file(const char *text, const struct template_opts *o,
    struct value *vars, const struct expr_scope *scope, char **out,
    char **cause)
{
	struct eval	 ev;
	struct value	*v;
	char		*lf = template_lf(text);
	int		 r;

	*out = NULL;
	expr_eval_init(&ev, scope);
	expr_push_frame(&ev);
	if (vars != NULL && vars->type == V_DICT)
		for (size_t i = 0; i < vars->u.dict.n; i++)
			expr_set_local(&ev, vars->u.dict.keys[i],
			    value_ref(vars->u.dict.vals[i]));
	r = template_render_opts(&ev, lf, o, &v, cause);
	expr_pop_frame(&ev);
	expr_eval_done(&ev);
	free(lf);
	if (r == 0) {
		*out = xstrndup(v->u.str.s, v->u.str.len);
		value_unref(v);
	}
	return r;
}

/* Python's str(datetime): "2024-05-01 12:00:00.123456". */
static struct value *
template_datetime(const struct timespec *ts)
{
	struct tm	tm;
	char		s[64], full[96];

	localtime_r(&ts->tv_sec, &tm);
	strftime(s, sizeof s, "%Y-%m-%d %H:%M:%S", &tm);
	if (ts->tv_nsec / 1000 != 0)
		snprintf(full, sizeof full, "%s.%06ld", s, ts->tv_nsec / 1000);
	else
		snprintf(full, sizeof full, "%s", s);
	return value_str(full);
}

struct value *
template_file_vars(const char *src, const char *fullpath, const char *dest)
{
	struct value	*d = value_dict();
	struct stat	 st;
	struct passwd	*pw;
	struct utsname	 u;
	struct timespec	 now;
	struct tm	 tm;
	char		 uid[32], managed[256], *abs;

	memset(&st, 0, sizeof st);
	(void)stat(fullpath, &st);
	if (uname(&u) != 0)
		snprintf(u.nodename, sizeof u.nodename, "localhost");
	value_dict_setstr(d, "template_host", u.nodename);
	value_dict_setstr(d, "template_path", src != NULL ? src : fullpath);
	if ((abs = realpath(fullpath, NULL)) != NULL) {
		value_dict_setstr(d, "template_fullpath", abs);
		free(abs);
	} else
		value_dict_setstr(d, "template_fullpath", fullpath);
	if ((pw = getpwuid(st.st_uid)) != NULL)
		value_dict_setstr(d, "template_uid", pw->pw_name);
	else {
		snprintf(uid, sizeof uid, "%u", (unsigned)st.st_uid);
		value_dict_setstr(d, "template_uid", uid);
	}
	value_dict_set(d, "template_mtime", template_datetime(&st.st_mtim));
	clock_gettime(CLOCK_REALTIME, &now);
	value_dict_set(d, "template_run_date", template_datetime(&now));
	if (dest != NULL)
		value_dict_setstr(d, "template_destpath", dest);
	else
		value_dict_set(d, "template_destpath", value_null());
	/*
	 * DEFAULT_MANAGED_STR is "Ansible managed"; Ansible passes it
	 * through strftime with the template's mtime.
	 */
	localtime_r(&st.st_mtim.tv_sec, &tm);
	if (strftime(managed, sizeof managed, "Ansible managed", &tm) == 0)
		snprintf(managed, sizeof managed, "Ansible managed");
	value_dict_setstr(d, "ansible_managed", managed);
	return d;
}
