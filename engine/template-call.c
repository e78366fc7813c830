/*
 * Rendering Jinja2's statements past if/for/set, and what templates call:
 * the render state, macros and caller(), blocks with super() and self,
 * extends, loop.cycle/changed and recursive loop(), filter and with.
 */
#include <stdlib.h>
#include <string.h>

#include "template-internal.h"

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

const struct expr_scope	template_no_scope = { NULL, NULL, NULL };

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

int
template_depth_enter(struct eval *ev, const char *what, char **cause)
{
	if (++ev->tmpl->depth > TEMPLATE_MAX_CALLS) {
		ev->tmpl->depth--;
		return expr_fail(cause, "%s nested too deeply (more than %d "
		    "includes, imports, extends or macro calls): does a "
		    "template include itself?", what, TEMPLATE_MAX_CALLS);
	}
	return 0;
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
		if (tc->blocks->n > 0)
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

void
template_frames_enter(struct eval *ev, struct value **frames, size_t n,
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

void
template_frames_leave(struct eval *ev, struct frames_saved *s)
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

	if (template_depth_enter(ev, c->kind == C_MACRO ? "macro calls" : "caller()",
	    cause) != 0) {
		value_unref(caller);
		return -1;
	}
	template_frames_enter(ev, c->frames, c->nframes, c->scope, &s);
	if (caller != NULL)
		expr_set_local(ev, "caller", caller);
	r = bind_params(ev, c->t, a, cause);
	if (r == 0)
		r = template_render_list(ev, &c->t->body, &b, cause);
	template_frames_leave(ev, &s);
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
	if (template_depth_enter(ev, "blocks", cause) != 0)
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
	if (template_depth_enter(ev, "recursive loops", cause) != 0)
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
		return template_render_import(ev, t, cause);
	case TN_INCLUDE:
		return template_render_include(ev, t, b, cause);
	case TN_EXTENDS:
		if (tc->parent != NULL)
			return expr_fail(cause, "extended multiple times");
		if (template_load_named(ev, t, 0, &tc->parent, cause) != 0)
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
