/*
 * Jinja2's statements past if/for/set: macro, call, import, from, include,
 * extends and block, filter, with, break/continue, and what they call
 * (macros, caller(), super(), self.x(), loop.cycle/changed, loop()).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "template-internal.h"

/*
 * Includes, imports, extends, macro and caller calls and loop() nested in
 * one another: a template including itself stops here, not at the stack's
 * end.
 */
#define TEMPLATE_MAX_CALLS	50
/* Templates one render may load (each include of a file counts once). */
#define TEMPLATE_MAX_FILES	200

enum tcall_kind {
	C_MACRO,
	C_CALLER,
	C_SUPER,
	C_SELF,
	C_CYCLE,
	C_CHANGED,
	C_LOOP,
};

struct tblocks {
	struct tnode	**defs;		/* most derived first */
	size_t		  n;
};

struct tloop {
	struct tnode	*t;
	int		 depth;
	size_t		 i;
	struct value	*last;		/* loop.changed's, NULL before any */
	struct value	*cycle;
	struct value	*changed;
	long long	 recurse;	/* loop()'s call, or -1 */
};

struct tcall {
	enum tcall_kind	  kind;
	struct tnode	 *t;		/* macro, call block, block, for */
	struct value	**frames;	/* the scope it was made in */
	size_t		  nframes;
	struct tblocks	 *bt;		/* C_SUPER, C_SELF */
	size_t		  idx;		/* C_SUPER: the block in bt->defs */
	struct tloop	 *loop;
	const struct expr_scope *scope;	/* of where it was made */
};

struct tfile {
	char		*path;
	char		*text;
	struct template	 tm;
};

struct tctx {
	struct template_opts	  o;
	char			 *dir;		/* the main template's */
	struct tcall		**calls;
	size_t			  ncalls;
	struct tloop		**loops;
	size_t			  nloops;
	struct tfile		**files;
	size_t			  nfiles;
	struct tblocks		**tables;
	size_t			  ntables;
	struct tblocks		 *blocks;	/* the current root's */
	struct tfile		 *parent;	/* an {% extends %} seen */
	int			  depth;
};

/* Parsing. */

static int
next_is(struct parser *p, const char *word)
{
	const struct token	*tok = expr_peek(p);

	if (tok->type != T_NAME || strcmp(tok->s, word) != 0)
		return 0;
	p->i++;
	return 1;
}

static int
next_op(struct parser *p, enum op op)
{
	const struct token	*tok = expr_peek(p);

	if (tok->type != T_OP || tok->op != op)
		return 0;
	p->i++;
	return 1;
}

static char *
need_name(struct tparser *tp, struct parser *p)
{
	const struct token	*tok = expr_peek(p);

	if (tok->type != T_NAME) {
		expr_unexpected(p);
		template_parse_fail(tp, p);
		return NULL;
	}
	p->i++;
	return xstrdup(tok->s);
}

/* "a, b=1" up to close (")" or the tag's end), into params/defaults. */
static int
parse_params(struct tparser *tp, struct parser *p, struct tnode *t, int paren)
{
	struct node	*def;
	char		*name;

	for (;;) {
		if (paren ? next_op(p, OP_RPAREN) : expr_peek(p)->type == T_END)
			return 0;
		if ((name = need_name(tp, p)) == NULL)
			return -1;
		def = NULL;
		if (next_op(p, OP_ASSIGN) &&
		    (def = expr_parse_expr(p)) == NULL) {
			free(name);
			return template_parse_fail(tp, p);
		}
		t->params = xreallocarray(t->params, t->nparams + 1,
		    sizeof *t->params);
		t->defaults = xreallocarray(t->defaults, t->nparams + 1,
		    sizeof *t->defaults);
		t->params[t->nparams] = name;
		t->defaults[t->nparams++] = def;
		if (!next_op(p, OP_COMMA)) {
			if (paren && !next_op(p, OP_RPAREN)) {
				expr_unexpected(p);
				return template_parse_fail(tp, p);
			}
			return 0;
		}
	}
}

/* The body up to {% end %}, and that closing tag. */
static int
parse_until(struct tparser *tp, struct parser *p, struct tnode *t,
    const char *end, int named)
{
	const char *const	 stops[] = { end, NULL };

	if (template_parse_body(tp, &t->body, stops) != 0 ||
	    template_end_expected(tp, end) != 0)
		return -1;
	p->toks = &tp->pieces[tp->i].toks;
	p->i = 1;
	tp->i++;
	if (named && t->name != NULL && expr_peek(p)->type == T_NAME) {
		if (strcmp(expr_peek(p)->s, t->name) != 0) {
			expr_error(&tp->cause, tp->text, expr_peek(p)->pos,
			    "mismatched '%s': expected '%s'", end, t->name);
			return -1;
		}
		p->i++;
	}
	return template_tag_end(tp, p);
}

/*
 * "with context" / "without context" after an import or include; without
 * either an include has the context and an import has not, as Jinja2.
 */
static int
parse_context(struct tparser *tp, struct parser *p, struct tnode *t)
{
	if (t->type == TN_INCLUDE)
		t->flags |= TF_CONTEXT;
	if (next_is(p, "with")) {
		t->flags |= TF_CONTEXT;
		if (!next_is(p, "context"))
			goto bad;
	} else if (next_is(p, "without")) {
		t->flags &= ~TF_CONTEXT;
		if (!next_is(p, "context"))
			goto bad;
	}
	return template_tag_end(tp, p);
bad:
	expr_unexpected(p);
	return template_parse_fail(tp, p);
}

/* "name(args) | f2" of {% filter %} as filters of the body's text. */
static int
parse_filter(struct tparser *tp, struct parser *p, struct tnode *t)
{
	struct node	**slot, *x, *body;

	if ((t->expr = expr_parse_expr(p)) == NULL)
		return template_parse_fail(tp, p);
	for (slot = &t->expr; (*slot)->type == N_FILTER; slot = &(*slot)->kids[0])
		;
	x = *slot;
	body = xcalloc(1, sizeof *body);
	body->type = N_NAME;
	body->pos = x->pos;
	body->name = xstrdup(TEMPLATE_FILTER_BODY);
	if (x->type == N_NAME) {
		x->type = N_FILTER;
		x->kids = xcalloc(1, sizeof *x->kids);
		x->kids[0] = body;
		x->nkids = 1;
		x->depth = 1;
	} else if (x->type == N_CALL && x->kids[0]->type == N_NAME) {
		x->type = N_FILTER;
		x->name = x->kids[0]->name;
		x->kids[0]->name = NULL;
		expr_node_free(x->kids[0]);
		x->kids[0] = body;
	} else {
		expr_node_free(body);
		expr_error(&tp->cause, tp->text, x->pos, "expected a filter "
		    "name");
		return -1;
	}
	if (template_tag_end(tp, p) != 0)
		return -1;
	return parse_until(tp, p, t, "endfilter", 0);
}

static int
parse_block(struct tparser *tp, struct parser *p, struct tnode *t)
{
	size_t	i;

	if ((t->name = need_name(tp, p)) == NULL)
		return -1;
	for (i = 0; i < tp->nblocks; i++) {
		if (strcmp(tp->blocks[i]->name, t->name) == 0) {
			expr_error(&tp->cause, tp->text, t->pos,
			    "block '%s' defined twice", t->name);
			return -1;
		}
	}
	tp->blocks = xreallocarray(tp->blocks, tp->nblocks + 1,
	    sizeof *tp->blocks);
	tp->blocks[tp->nblocks++] = t;
	/* every block sees the scope it is in (cairn makes all "scoped") */
	(void)next_is(p, "scoped");
	(void)next_is(p, "required");
	if (template_tag_end(tp, p) != 0)
		return -1;
	return parse_until(tp, p, t, "endblock", 1);
}

static int
parse_from(struct tparser *tp, struct parser *p, struct tnode *t)
{
	const struct token	*tok;
	char			*name, *alias;

	if ((t->expr = expr_parse_expr(p)) == NULL)
		return template_parse_fail(tp, p);
	if (!next_is(p, "import")) {
		expr_unexpected(p);
		return template_parse_fail(tp, p);
	}
	for (;;) {
		tok = expr_peek(p);
		if (tok->type == T_NAME && (strcmp(tok->s, "with") == 0 ||
		    strcmp(tok->s, "without") == 0) &&
		    p->toks->t[p->i + 1].type == T_NAME &&
		    strcmp(p->toks->t[p->i + 1].s, "context") == 0)
			break;
		if ((name = need_name(tp, p)) == NULL)
			return -1;
		alias = NULL;
		if (next_is(p, "as") && (alias = need_name(tp, p)) == NULL) {
			free(name);
			return -1;
		}
		t->targets = xreallocarray(t->targets, t->ntargets + 1,
		    sizeof *t->targets);
		t->aliases = xreallocarray(t->aliases, t->ntargets + 1,
		    sizeof *t->aliases);
		t->aliases[t->ntargets] = alias != NULL ? alias : xstrdup(name);
		t->targets[t->ntargets++] = name;
		if (!next_op(p, OP_COMMA))
			break;
	}
	return parse_context(tp, p, t);
}

static int
parse_stmt(struct tparser *tp, struct parser *p, const char *word,
    struct tnode *t)
{
	int	loops, r;

	switch (t->type) {
	case TN_MACRO:
		if ((t->name = need_name(tp, p)) == NULL)
			return -1;
		if (!next_op(p, OP_LPAREN)) {
			expr_unexpected(p);
			return template_parse_fail(tp, p);
		}
		if (parse_params(tp, p, t, 1) != 0 ||
		    template_tag_end(tp, p) != 0)
			return -1;
		/* a loop around the definition is not the body's */
		loops = tp->loops;
		tp->loops = 0;
		r = parse_until(tp, p, t, "endmacro", 1);
		tp->loops = loops;
		return r;
	case TN_CALL:
		if (next_op(p, OP_LPAREN) && parse_params(tp, p, t, 1) != 0)
			return -1;
		if ((t->expr = template_tag_expr(tp, p, 0)) == NULL)
			return -1;
		if (t->expr->type != N_CALL) {
			expr_error(&tp->cause, tp->text, t->expr->pos,
			    "expected a call after 'call'");
			return -1;
		}
		loops = tp->loops;
		tp->loops = 0;
		r = parse_until(tp, p, t, "endcall", 0);
		tp->loops = loops;
		return r;
	case TN_IMPORT:
		if ((t->expr = expr_parse_expr(p)) == NULL)
			return template_parse_fail(tp, p);
		if (!next_is(p, "as")) {
			expr_unexpected(p);
			return template_parse_fail(tp, p);
		}
		if ((t->name = need_name(tp, p)) == NULL)
			return -1;
		return parse_context(tp, p, t);
	case TN_FROM:
		return parse_from(tp, p, t);
	case TN_INCLUDE:
		if ((t->expr = expr_parse_expr(p)) == NULL)
			return template_parse_fail(tp, p);
		if (next_is(p, "ignore")) {
			if (!next_is(p, "missing")) {
				expr_unexpected(p);
				return template_parse_fail(tp, p);
			}
			t->flags |= TF_IGNORE_MISSING;
		}
		return parse_context(tp, p, t);
	case TN_EXTENDS:
		return (t->expr = template_tag_expr(tp, p, 0)) == NULL ? -1 : 0;
	case TN_BLOCK:
		return parse_block(tp, p, t);
	case TN_FILTER:
		return parse_filter(tp, p, t);
	case TN_WITH:
		if (parse_params(tp, p, t, 0) != 0 ||
		    template_tag_end(tp, p) != 0)
			return -1;
		return parse_until(tp, p, t, "endwith", 0);
	case TN_BREAK:
	case TN_CONTINUE:
		if (tp->loops == 0) {
			expr_error(&tp->cause, tp->text, t->pos,
			    "'%s' outside of a loop", word);
			return -1;
		}
		return template_tag_end(tp, p);
	default:
		return -1;
	}
}

int
template_parse_stmt(struct tparser *tp, struct parser *p, const char *word,
    struct tnode **out)
{
	static const struct {
		const char	*word;
		enum tnode_type	 type;
	} words[] = {
		{ "macro", TN_MACRO }, { "call", TN_CALL },
		{ "import", TN_IMPORT }, { "from", TN_FROM },
		{ "include", TN_INCLUDE }, { "extends", TN_EXTENDS },
		{ "block", TN_BLOCK }, { "filter", TN_FILTER },
		{ "with", TN_WITH }, { "break", TN_BREAK },
		{ "continue", TN_CONTINUE },
	};
	size_t	i;

	*out = NULL;
	for (i = 0; i < ARRAY_SIZE(words); i++)
		if (strcmp(words[i].word, word) == 0)
			break;
	if (i == ARRAY_SIZE(words))
		return 1;
	*out = template_tnode_new(words[i].type,
	    p->toks->t[0].pos);
	return parse_stmt(tp, p, word, *out) != 0 ? -1 : 0;
}

/* The render state. */

static struct tctx *
tctx_new(const struct template_opts *o)
{
	struct tctx	*tc = xcalloc(1, sizeof *tc);

	tc->o = *o;
	tc->o.keep_trailing_newline = 0;
	if (o->dir != NULL)
		tc->dir = xstrdup(o->dir);
	return tc;
}

static void
tctx_free(struct tctx *tc)
{
	struct tcall	*c;
	struct tloop	*l;
	size_t		 i, k;

	for (i = 0; i < tc->ncalls; i++) {
		c = tc->calls[i];
		for (k = 0; k < c->nframes; k++)
			value_unref(c->frames[k]);
		free(c->frames);
		free(c);
	}
	free(tc->calls);
	for (i = 0; i < tc->nloops; i++) {
		l = tc->loops[i];
		value_unref(l->last);
		value_unref(l->cycle);
		value_unref(l->changed);
		free(l);
	}
	free(tc->loops);
	for (i = 0; i < tc->nfiles; i++) {
		template_free(&tc->files[i]->tm);
		free(tc->files[i]->text);
		free(tc->files[i]->path);
		free(tc->files[i]);
	}
	free(tc->files);
	for (i = 0; i < tc->ntables; i++) {
		free(tc->tables[i]->defs);
		free(tc->tables[i]);
	}
	free(tc->tables);
	free(tc->dir);
	free(tc);
}

/* What a template imported (or included) without the context sees. */
static const struct expr_scope	no_scope = { NULL, NULL, NULL };

/* A new callable of the render: its entry, and the value naming it. */
static struct value *
tcall_new(struct eval *ev, enum tcall_kind kind, struct tnode *t,
    int capture, struct tcall **cp)
{
	struct tctx	*tc = ev->tmpl;
	struct tcall	*c = xcalloc(1, sizeof *c);
	struct value	*v;
	size_t		 i;

	c->kind = kind;
	c->t = t;
	c->scope = ev->scope;
	if (capture && ev->nframes > 0) {
		c->frames = xcalloc(ev->nframes, sizeof *c->frames);
		for (i = 0; i < ev->nframes; i++)
			c->frames[i] = value_ref(ev->frames[i]);
		c->nframes = ev->nframes;
	}
	tc->calls = xreallocarray(tc->calls, tc->ncalls + 1,
	    sizeof *tc->calls);
	tc->calls[tc->ncalls] = c;
	v = value_int((long long)tc->ncalls++);
	v->flags |= EXPR_VALUE_CALL;
	if (cp != NULL)
		*cp = c;
	return v;
}

struct tloop *
template_loop_begin(struct eval *ev, struct tnode *t, int depth)
{
	struct tctx	*tc = ev->tmpl;
	struct tloop	*l;
	struct tcall	*c;
	struct value	*v;

	if (tc == NULL)
		return NULL;
	l = xcalloc(1, sizeof *l);
	l->t = t;
	l->depth = depth;
	l->recurse = -1;
	l->cycle = tcall_new(ev, C_CYCLE, t, 0, &c);
	c->loop = l;
	l->changed = tcall_new(ev, C_CHANGED, t, 0, &c);
	c->loop = l;
	if (t->flags & TF_RECURSIVE) {
		v = tcall_new(ev, C_LOOP, t, 1, &c);
		c->loop = l;
		l->recurse = v->u.i;
		value_unref(v);
	}
	tc->loops = xreallocarray(tc->loops, tc->nloops + 1,
	    sizeof *tc->loops);
	tc->loops[tc->nloops++] = l;
	return l;
}

/* The key of a recursive loop's dict that says which loop() it is. */
#define LOOP_CALL_KEY	" call"

void
template_loop_item(struct tloop *l, struct value *loop, size_t i)
{
	if (l == NULL)
		return;
	l->i = i;
	value_dict_set(loop, "cycle", value_ref(l->cycle));
	value_dict_set(loop, "changed", value_ref(l->changed));
	if (l->recurse >= 0) {
		value_dict_setint(loop, LOOP_CALL_KEY, l->recurse);
		loop->flags |= EXPR_VALUE_CALL;
	}
}

/* Loading templates by Ansible's search path. */

static int
depth_enter(struct eval *ev, const char *what, char **cause)
{
	if (++ev->tmpl->depth > TEMPLATE_MAX_CALLS) {
		ev->tmpl->depth--;
		return expr_fail(cause, "%s nested too deeply (more than %d "
		    "includes, imports, extends or macro calls): does a "
		    "template include itself?", what, TEMPLATE_MAX_CALLS);
	}
	return 0;
}

/* The directories Ansible's templar gives Jinja2 (each with templates/). */
static char *
find_template(struct eval *ev, const char *name)
{
	const char	*vars[] = { "role_path", "playbook_dir" };
	struct value	*v;
	char		*path = NULL, *dir, *slash;
	size_t		 i;

	/* Jinja2's loaders refuse ".." so a name stays under the path. */
	if (strcmp(name, "..") == 0 || strncmp(name, "../", 3) == 0 ||
	    strstr(name, "/../") != NULL || (strlen(name) >= 3 &&
	    strcmp(name + strlen(name) - 3, "/..") == 0))
		return NULL;
	if (name[0] == '/')
		return access(name, R_OK) == 0 ? xstrdup(name) : NULL;
	for (i = 0; i < ARRAY_SIZE(vars) + 2 && path == NULL; i++) {
		dir = NULL;
		if (i < ARRAY_SIZE(vars)) {
			v = expr_lookup(ev, vars[i]);
			if (v != NULL && v->type == V_STR)
				dir = xstrdup(v->u.str.s);
			value_unref(v);
		} else if (i == ARRAY_SIZE(vars)) {
			v = expr_lookup(ev, "template_fullpath");
			if (v != NULL && v->type == V_STR &&
			    (slash = strrchr(v->u.str.s, '/')) != NULL)
				dir = xstrndup(v->u.str.s,
				    (size_t)(slash - v->u.str.s));
			value_unref(v);
		} else if (ev->tmpl->dir != NULL)
			dir = xstrdup(ev->tmpl->dir);
		if (dir == NULL)
			continue;
		if ((path = path_try(dir, "templates", name)) == NULL)
			path = path_try(dir, NULL, name);
		free(dir);
	}
	return path;
}

/* A template by name, read and parsed once per render: NULL if missing. */
static int
load_template(struct eval *ev, const char *name, struct tfile **out,
    char **cause)
{
	struct tctx	*tc = ev->tmpl;
	struct tfile	*f;
	struct buf	 b = BUF_INIT;
	char		*path, *why = NULL;
	size_t		 i;
	int		 r;

	*out = NULL;
	if ((path = find_template(ev, name)) == NULL)
		return 0;
	for (i = 0; i < tc->nfiles; i++) {
		if (strcmp(tc->files[i]->path, path) == 0) {
			free(path);
			*out = tc->files[i];
			return 0;
		}
	}
	if (tc->nfiles >= TEMPLATE_MAX_FILES) {
		free(path);
		return expr_fail(cause, "too many templates (more than %d)",
		    TEMPLATE_MAX_FILES);
	}
	if ((r = read_file(path, &b)) != 0) {
		expr_fail(cause, "cannot read template '%s': %s", path,
		    strerror(-r));
		free(path);
		return -1;
	}
	f = xcalloc(1, sizeof *f);
	f->path = path;
	f->text = template_lf(buf_cstr(&b));
	buf_release(&b);
	if (template_parse(f->text, &tc->o, &f->tm, &why) != 0) {
		expr_fail(cause, "%s (in %s)", why, path);
		free(why);
		free(f->text);
		free(f->path);
		free(f);
		return -1;
	}
	tc->files = xreallocarray(tc->files, tc->nfiles + 1,
	    sizeof *tc->files);
	tc->files[tc->nfiles++] = f;
	*out = f;
	return 0;
}

/*
 * The first template of a name or a list of names; a missing one is an
 * error unless ignore_missing (then *out is NULL).
 */
static int
load_named(struct eval *ev, struct tnode *t, int ignore_missing,
    struct tfile **out, char **cause)
{
	struct value	*v;
	size_t		 i, n;
	int		 r = 0;
	char		*s;

	*out = NULL;
	if (expr_node_value(ev, t->expr, &v, cause) != 0)
		return -1;
	n = v->type == V_LIST ? v->u.list.n : 1;
	for (i = 0; i < n && *out == NULL && r == 0; i++) {
		s = expr_str_of(v->type == V_LIST ? v->u.list.items[i] : v);
		r = load_template(ev, s, out, cause);
		free(s);
	}
	if (r == 0 && *out == NULL && !ignore_missing) {
		s = expr_str_of(v);
		r = expr_fail(cause, "template '%s' not found (searched the "
		    "role's and the playbook's templates/ and the template's "
		    "directory)", s);
		free(s);
	}
	value_unref(v);
	return r;
}

/* Rendering a template's root: blocks and extends. */

static void
blocks_add(struct tblocks *bt, struct template *tm)
{
	size_t	i;

	bt->defs = xreallocarray(bt->defs, bt->n + tm->tp.nblocks + 1,
	    sizeof *bt->defs);
	for (i = 0; i < tm->tp.nblocks; i++)
		bt->defs[bt->n++] = tm->tp.blocks[i];
}

/* "self": each known block's name to a callable rendering it. */
static void
bind_self(struct eval *ev)
{
	struct tblocks	*bt = ev->tmpl->blocks;
	struct value	*self = value_dict(), *v;
	struct tcall	*c;
	size_t		 i;

	for (i = 0; i < bt->n; i++) {
		if (value_dict_get(self, bt->defs[i]->name) != NULL)
			continue;
		v = tcall_new(ev, C_SELF, bt->defs[i], 0, &c);
		c->bt = bt;
		value_dict_set(self, bt->defs[i]->name, v);
	}
	expr_set_local(ev, "self", self);
}

int
template_render_root(struct eval *ev, struct template *tm,
    const struct template_opts *o, struct buf *b, char **cause)
{
	struct tctx	*tc = ev->tmpl, *own = NULL;
	struct tblocks	*saved_blocks;
	struct tfile	*saved_parent;
	struct buf	 discard = BUF_INIT;
	size_t		 i, steps = 0;
	struct tlist	 one;
	int		 r = 0;

	if (tc == NULL)
		ev->tmpl = tc = own = tctx_new(o);
	saved_blocks = tc->blocks;
	saved_parent = tc->parent;
	tc->blocks = xcalloc(1, sizeof *tc->blocks);
	tc->tables = xreallocarray(tc->tables, tc->ntables + 1,
	    sizeof *tc->tables);
	tc->tables[tc->ntables++] = tc->blocks;
	tc->parent = NULL;
	for (;;) {
		blocks_add(tc->blocks, tm);
		bind_self(ev);
		for (i = 0; i < tm->body.n && r >= 0; i++) {
			/* after {% extends %} only the parent's output counts */
			one.v = &tm->body.v[i];
			one.n = 1;
			r = template_render_list(ev, &one, tc->parent != NULL ?
			    &discard : b, cause);
			buf_reset(&discard);
		}
		if (r < 0 || tc->parent == NULL)
			break;
		tm = &tc->parent->tm;
		tc->parent = NULL;
		if (++steps > TEMPLATE_MAX_CALLS) {
			r = expr_fail(cause, "templates extend each other in "
			    "a loop (more than %d levels)", TEMPLATE_MAX_CALLS);
			break;
		}
	}
	buf_release(&discard);
	tc->blocks = saved_blocks;
	tc->parent = saved_parent;
	if (own != NULL) {
		tctx_free(own);
		ev->tmpl = NULL;
	}
	return r < 0 ? -1 : 0;
}

/*
 * Rendered text as a value: never rendered again when a variable holds it
 * (it may show "{{" from a raw block), as Jinja2's Markup is not.
 */
static struct value *
rendered(struct buf *b)
{
	struct value	*v = expr_str_buf(b);

	v->flags |= VALUE_UNSAFE;
	return v;
}

/* Frames (and scope) swapped in for a body, and back. */
struct frames_saved {
	struct value		**frames;
	size_t			  nframes;
	size_t			  cap;
	const struct expr_scope	 *scope;
};

static void
frames_enter(struct eval *ev, struct value **frames, size_t n,
    const struct expr_scope *scope, struct frames_saved *s)
{
	size_t	i;

	s->frames = ev->frames;
	s->nframes = ev->nframes;
	s->cap = ev->cap;
	s->scope = ev->scope;
	ev->cap = n + 4;
	ev->frames = xcalloc(ev->cap, sizeof *ev->frames);
	for (i = 0; i < n; i++)
		ev->frames[i] = value_ref(frames[i]);
	ev->nframes = n;
	ev->scope = scope;
	expr_push_frame(ev);
}

static void
frames_leave(struct eval *ev, struct frames_saved *s)
{
	while (ev->nframes > 0)
		expr_pop_frame(ev);
	free(ev->frames);
	ev->frames = s->frames;
	ev->nframes = s->nframes;
	ev->cap = s->cap;
	ev->scope = s->scope;
}

/* Binds a macro's (or caller's) parameters from the call's arguments. */
static int
bind_params(struct eval *ev, struct tnode *t, const struct expr_args *a,
    char **cause)
{
	struct value	*varargs = value_list(), *kwargs = value_dict(), *v;
	size_t		 i, k;

	for (i = 0; i < t->nparams; i++) {
		v = NULL;
		if (i < a->npos)
			v = value_ref(a->pos[i]);
		for (k = 0; k < a->nkw && v == NULL; k++)
			if (strcmp(a->kwnames[k], t->params[i]) == 0)
				v = value_ref(a->kwvals[k]);
		if (v == NULL && t->defaults[i] != NULL &&
		    expr_node_value(ev, t->defaults[i], &v, cause) != 0) {
			value_unref(varargs);
			value_unref(kwargs);
			return -1;
		}
		if (v != NULL)
			expr_set_local(ev, t->params[i], v);
	}
	for (i = t->nparams; i < a->npos; i++)
		value_list_append(varargs, value_ref(a->pos[i]));
	for (k = 0; k < a->nkw; k++) {
		for (i = 0; i < t->nparams; i++)
			if (strcmp(a->kwnames[k], t->params[i]) == 0)
				break;
		if (i == t->nparams)
			value_dict_set(kwargs, a->kwnames[k],
			    value_ref(a->kwvals[k]));
	}
	expr_set_local(ev, "varargs", varargs);
	expr_set_local(ev, "kwargs", kwargs);
	return 0;
}

/* A macro's or caller's body, rendered in its own scope: a string. */
static int
call_body(struct eval *ev, struct tcall *c, const struct expr_args *a,
    struct value *caller, struct value **out, char **cause)
{
	struct frames_saved	 s = { NULL, 0, 0, NULL };
	struct buf		 b = BUF_INIT;
	int			 r;

	if (depth_enter(ev, c->kind == C_MACRO ? "macro calls" : "caller()",
	    cause) != 0) {
		value_unref(caller);
		return -1;
	}
	frames_enter(ev, c->frames, c->nframes, c->scope, &s);
	if (caller != NULL)
		expr_set_local(ev, "caller", caller);
	r = bind_params(ev, c->t, a, cause);
	if (r == 0)
		r = template_render_list(ev, &c->t->body, &b, cause);
	frames_leave(ev, &s);
	ev->tmpl->depth--;
	if (r < 0) {
		buf_release(&b);
		return -1;
	}
	*out = rendered(&b);
	return 0;
}

/* Block def idx of a table, with super() the next one of its name. */
static int
render_block(struct eval *ev, struct tblocks *bt, size_t idx, struct buf *b,
    char **cause)
{
	struct tcall	*c;
	size_t		 k;
	int		 r;

	expr_push_frame(ev);
	for (k = idx + 1; k < bt->n; k++)
		if (strcmp(bt->defs[k]->name, bt->defs[idx]->name) == 0)
			break;
	expr_set_local(ev, "super", tcall_new(ev, C_SUPER, bt->defs[idx], 0,
	    &c));
	c->bt = bt;
	c->idx = k;
	r = template_render_list(ev, &bt->defs[idx]->body, b, cause);
	expr_pop_frame(ev);
	return r;
}

static int
block_call(struct eval *ev, struct tcall *c, struct value **out, char **cause)
{
	struct buf	b = BUF_INIT;
	size_t		idx = c->idx;

	if (c->kind == C_SELF)
		for (idx = 0; idx < c->bt->n; idx++)
			if (strcmp(c->bt->defs[idx]->name, c->t->name) == 0)
				break;
	if (idx >= c->bt->n)
		return expr_fail(cause, "there is no parent block called "
		    "'%s'", c->t->name);
	if (depth_enter(ev, "blocks", cause) != 0)
		return -1;
	if (render_block(ev, c->bt, idx, &b, cause) < 0) {
		ev->tmpl->depth--;
		buf_release(&b);
		return -1;
	}
	ev->tmpl->depth--;
	*out = rendered(&b);
	return 0;
}

static int
loop_call(struct eval *ev, struct tcall *c, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct tloop	*l = c->loop;
	struct value	*v;
	struct buf	 b = BUF_INIT;
	size_t		 i;
	int		 r;

	switch (c->kind) {
	case C_CYCLE:
		if (a->npos == 0)
			return expr_fail(cause, "no items for cycling given");
		*out = value_ref(a->pos[l->i % a->npos]);
		return 0;
	case C_CHANGED:
		v = value_list();
		for (i = 0; i < a->npos; i++)
			value_list_append(v, value_ref(a->pos[i]));
		if (l->last != NULL && value_equal(l->last, v)) {
			value_unref(v);
			*out = value_bool(0);
			return 0;
		}
		value_unref(l->last);
		l->last = v;
		*out = value_bool(1);
		return 0;
	default:
		break;
	}
	if (a->npos != 1)
		return expr_fail(cause, "loop() takes one argument");
	if (depth_enter(ev, "recursive loops", cause) != 0)
		return -1;
	r = template_render_for_items(ev, c->t, a->pos[0], l->depth + 1, &b,
	    cause);
	ev->tmpl->depth--;
	if (r < 0) {
		buf_release(&b);
		return -1;
	}
	*out = rendered(&b);
	return 0;
}

int
template_call(struct eval *ev, struct value *fn, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct tctx	*tc = ev->tmpl;
	struct value	*k;
	struct tcall	*c;
	long long	 i = -1;

	*out = NULL;
	if (fn->type == V_INT)
		i = fn->u.i;
	else if (fn->type == V_DICT &&
	    (k = value_dict_get(fn, LOOP_CALL_KEY)) != NULL && k->type == V_INT)
		i = k->u.i;
	if (tc == NULL || i < 0 || (size_t)i >= tc->ncalls)
		return expr_fail(cause, "'%s' object is not callable",
		    expr_type_name(fn));
	c = tc->calls[i];
	switch (c->kind) {
	case C_MACRO:
	case C_CALLER:
		return call_body(ev, c, a, NULL, out, cause);
	case C_SUPER:
	case C_SELF:
		return block_call(ev, c, out, cause);
	default:
		return loop_call(ev, c, a, out, cause);
	}
}

/* {% call(args) m(x) %}body{% endcall %}: m with caller() giving body. */
static int
render_call(struct eval *ev, struct tnode *t, struct buf *b, char **cause)
{
	struct value	*fn, *caller, *v;
	struct expr_args a;
	struct tcall	*c;
	int		 r;

	if (expr_node_value(ev, t->expr->kids[0], &fn, cause) != 0)
		return -1;
	if (!(fn->flags & EXPR_VALUE_CALL) || fn->type != V_INT ||
	    (size_t)fn->u.i >= ev->tmpl->ncalls ||
	    ev->tmpl->calls[fn->u.i]->kind != C_MACRO) {
		value_unref(fn);
		return expr_fail(cause, "{%% call %%} needs a macro");
	}
	c = ev->tmpl->calls[fn->u.i];
	value_unref(fn);
	if (expr_eval_args(ev, t->expr, &a, cause) != 0)
		return -1;
	caller = tcall_new(ev, C_CALLER, t, 1, NULL);
	r = call_body(ev, c, &a, caller, &v, cause);
	expr_args_free(&a);
	if (r != 0)
		return -1;
	expr_add_str(b, v);
	value_unref(v);
	return 0;
}

/* {% import %}: the template's top level run for its macros and sets. */
static int
import_module(struct eval *ev, struct tnode *t, struct value **out,
    char **cause)
{
	struct tfile		*f;
	struct buf		 discard = BUF_INIT;
	struct frames_saved	 s = { NULL, 0, 0, NULL };
	int			 r;

	*out = NULL;
	if (load_named(ev, t, 0, &f, cause) != 0)
		return -1;
	if (depth_enter(ev, "imports", cause) != 0)
		return -1;
	if (t->flags & TF_CONTEXT)
		expr_push_frame(ev);
	else
		frames_enter(ev, NULL, 0, &no_scope, &s);
	r = template_render_root(ev, &f->tm, &ev->tmpl->o, &discard, cause);
	if (r == 0)
		*out = value_ref(ev->frames[ev->nframes - 1]);
	if (t->flags & TF_CONTEXT)
		expr_pop_frame(ev);
	else
		frames_leave(ev, &s);
	ev->tmpl->depth--;
	buf_release(&discard);
	return r;
}

static int
render_import(struct eval *ev, struct tnode *t, char **cause)
{
	struct value	*mod, *v;
	size_t		 i;
	char		*s;

	if (import_module(ev, t, &mod, cause) != 0)
		return -1;
	if (t->type == TN_IMPORT) {
		expr_set_local(ev, t->name, mod);
		return 0;
	}
	for (i = 0; i < t->ntargets; i++) {
		if ((v = value_dict_get(mod, t->targets[i])) == NULL ||
		    t->targets[i][0] == '_') {
			if (expr_node_value(ev, t->expr, &v, cause) == 0) {
				s = expr_str_of(v);
				expr_fail(cause, "the template '%s' does not "
				    "export the requested name '%s'", s,
				    t->targets[i]);
				free(s);
				value_unref(v);
			}
			value_unref(mod);
			return -1;
		}
		expr_set_local(ev, t->aliases[i], value_ref(v));
	}
	value_unref(mod);
	return 0;
}

static int
render_include(struct eval *ev, struct tnode *t, struct buf *b, char **cause)
{
	struct tfile		*f;
	struct frames_saved	 s = { NULL, 0, 0, NULL };
	int			 r;

	if (load_named(ev, t, t->flags & TF_IGNORE_MISSING, &f, cause) != 0)
		return -1;
	if (f == NULL)
		return 0;
	if (depth_enter(ev, "includes", cause) != 0)
		return -1;
	if (t->flags & TF_CONTEXT)
		expr_push_frame(ev);
	else
		frames_enter(ev, NULL, 0, &no_scope, &s);
	r = template_render_root(ev, &f->tm, &ev->tmpl->o, b, cause);
	if (t->flags & TF_CONTEXT)
		expr_pop_frame(ev);
	else
		frames_leave(ev, &s);
	ev->tmpl->depth--;
	return r;
}

static int
render_filter(struct eval *ev, struct tnode *t, struct buf *b, char **cause)
{
	struct buf	 body = BUF_INIT;
	struct value	*v;
	int		 r;

	if ((r = template_render_list(ev, &t->body, &body, cause)) != 0) {
		buf_release(&body);
		return r;
	}
	expr_push_frame(ev);
	expr_set_local(ev, TEMPLATE_FILTER_BODY, rendered(&body));
	r = expr_node_value(ev, t->expr, &v, cause);
	expr_pop_frame(ev);
	if (r != 0)
		return -1;
	expr_add_str(b, v);
	value_unref(v);
	return 0;
}

static int
render_with(struct eval *ev, struct tnode *t, struct buf *b, char **cause)
{
	struct value	*v;
	size_t		 i;
	int		 r = 0;

	expr_push_frame(ev);
	for (i = 0; i < t->nparams && r == 0; i++) {
		if ((r = expr_node_value(ev, t->defaults[i], &v, cause)) == 0)
			expr_set_local(ev, t->params[i], v);
	}
	if (r == 0)
		r = template_render_list(ev, &t->body, b, cause);
	expr_pop_frame(ev);
	return r;
}

int
template_render_stmt(struct eval *ev, struct tnode *t, struct buf *b,
    char **cause)
{
	struct tctx	*tc = ev->tmpl;
	size_t		 i;

	switch (t->type) {
	case TN_MACRO:
		expr_set_local(ev, t->name, tcall_new(ev, C_MACRO, t, 1, NULL));
		return 0;
	case TN_CALL:
		return render_call(ev, t, b, cause);
	case TN_IMPORT:
	case TN_FROM:
		return render_import(ev, t, cause);
	case TN_INCLUDE:
		return render_include(ev, t, b, cause);
	case TN_EXTENDS:
		if (tc->parent != NULL)
			return expr_fail(cause, "extended multiple times");
		if (load_named(ev, t, 0, &tc->parent, cause) != 0)
			return -1;
		return 0;
	case TN_BLOCK:
		if (tc->parent != NULL)
			return 0;
		for (i = 0; i < tc->blocks->n; i++)
			if (strcmp(tc->blocks->defs[i]->name, t->name) == 0)
				break;
		if (i == tc->blocks->n)
			return expr_fail(cause, "block '%s' not found",
			    t->name);
		return render_block(ev, tc->blocks, i, b, cause);
	case TN_FILTER:
		return render_filter(ev, t, b, cause);
	case TN_WITH:
		return render_with(ev, t, b, cause);
	default:
		fatal("template_render_stmt: node type %d", t->type);
	}
}
