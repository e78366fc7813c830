/*
 * Parsing Jinja2's statements past if/for/set: macro, call, import, from,
 * include, extends and block, filter, with, break/continue
 * (template-call.c renders them, template-load.c finds the templates).
 */
#include <stdlib.h>
#include <string.h>

#include "template-internal.h"

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

/* The same for a body of its own: a loop around it is not the body's. */
static int
parse_until_own(struct tparser *tp, struct parser *p, struct tnode *t,
    const char *end, int named)
{
	int	loops = tp->loops, r;

	tp->loops = 0;
	r = parse_until(tp, p, t, end, named);
	tp->loops = loops;
	return r;
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
		return parse_until_own(tp, p, t, "endmacro", 1);
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
		return parse_until_own(tp, p, t, "endcall", 0);
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
