/* The Jinja2 expression subset: lexer, parser and evaluator. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "expr-internal.h"
#include "vault.h"

/* Errors: "what at column C in 'text'", so a user can find the spot. */
void
expr_error(char **cause, const char *text, size_t pos, const char *fmt, ...)
{
	va_list		 ap;
	struct buf	 b = BUF_INIT;
	size_t		 i, line = 1, col = 1;

	if (cause == NULL)
		return;
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	for (i = 0; i < pos && text[i] != '\0'; i++) {
		if (text[i] == '\n')
			line++, col = 1;
		else
			col++;
	}
	if (strchr(text, '\n') != NULL)
		buf_addf(&b, " at line %zu column %zu", line, col);
	else if (strlen(text) <= 120)
		buf_addf(&b, " at column %zu in '%s'", col, text);
	else
		buf_addf(&b, " at column %zu", col);
	free(*cause);
	*cause = buf_detach(&b, NULL);
}

/* Lexer. */

static void
tokens_add(struct tokens *tt, struct token *t)
{
	if (tt->n == tt->cap) {
		tt->cap = tt->cap ? tt->cap * 2 : 16;
		tt->t = xreallocarray(tt->t, tt->cap, sizeof *tt->t);
	}
	tt->t[tt->n++] = *t;
}

void
expr_tokens_free(struct tokens *tt)
{
	size_t	i;

	for (i = 0; i < tt->n; i++) {
		value_unref(tt->t[i].v);
		free(tt->t[i].s);
	}
	free(tt->t);
	tt->t = NULL;
	tt->n = tt->cap = 0;
}

/* A quoted string with Python's escapes; *pp points at the quote. */
static int
lex_string(const char *text, size_t *pp, struct value **out, char **cause)
{
	size_t		 p = *pp, start = *pp;
	char		 q = text[p++];
	struct buf	 b = BUF_INIT;

	for (;;) {
		char c = text[p];

		if (c == '\0') {
			buf_release(&b);
			expr_error(cause, text, start, "unterminated string");
			return -1;
		}
		p++;
		if (c == q)
			break;
		if (c != '\\') {
			buf_addc(&b, c);
			continue;
		}
		{
			const char *e = text + p;

			if (py_unescape(&e, &b) != 0) {
				buf_release(&b);
				expr_error(cause, text, p + 1, "bad \\%c escape",
				    text[p]);
				return -1;
			}
			p = (size_t)(e - text);
		}
	}
	*pp = p;
	*out = value_strn(b.s != NULL ? b.s : "", b.len);
	buf_release(&b);
	return 0;
}

static int
lex_number(const char *text, size_t *pp, int int_only, struct token *t,
    char **cause)
{
	size_t		 p = *pp;
	struct buf	 b = BUF_INIT;
	int		 isfloat = 0;
	char		*end;

	while (isdigit((unsigned char)text[p]) || text[p] == '_') {
		if (text[p] != '_')
			buf_addc(&b, text[p]);
		p++;
	}
	if (!int_only && text[p] == '.' && isdigit((unsigned char)text[p + 1])) {
		isfloat = 1;
		buf_addc(&b, text[p++]);
		while (isdigit((unsigned char)text[p]) || text[p] == '_') {
			if (text[p] != '_')
				buf_addc(&b, text[p]);
			p++;
		}
	}
	if (!int_only && (text[p] == 'e' || text[p] == 'E') &&
	    (isdigit((unsigned char)text[p + 1]) ||
	    ((text[p + 1] == '+' || text[p + 1] == '-') &&
	    isdigit((unsigned char)text[p + 2])))) {
		isfloat = 1;
		buf_addc(&b, text[p++]);
		buf_addc(&b, text[p++]);
		while (isdigit((unsigned char)text[p]))
			buf_addc(&b, text[p++]);
	}
	errno = 0;
	if (isfloat) {
		t->type = T_FLOAT;
		t->v = value_float(strtod(buf_cstr(&b), &end));
	} else {
		long long i = strtoll(buf_cstr(&b), &end, 10);

		if (errno == ERANGE) {
			buf_release(&b);
			expr_error(cause, text, *pp, "integer too large");
			return -1;
		}
		t->type = T_INT;
		t->v = value_int(i);
	}
	buf_release(&b);
	*pp = p;
	return 0;
}

static const struct {
	const char	*s;
	enum op		 op;
} lex_ops[] = {
	{ "//", OP_FLOORDIV }, { "**", OP_POW }, { "==", OP_EQ },
	{ "!=", OP_NE }, { "<=", OP_LE }, { ">=", OP_GE }, { "+", OP_ADD },
	{ "-", OP_SUB }, { "*", OP_MUL }, { "/", OP_DIV }, { "%", OP_MOD },
	{ "~", OP_TILDE }, { "<", OP_LT }, { ">", OP_GT }, { "=", OP_ASSIGN },
	{ "(", OP_LPAREN }, { ")", OP_RPAREN }, { "[", OP_LBRACKET },
	{ "]", OP_RBRACKET }, { "{", OP_LBRACE }, { "}", OP_RBRACE },
	{ ",", OP_COMMA }, { ".", OP_DOT }, { ":", OP_COLON }, { "|", OP_PIPE },
};

/*
 * Tokenizes from start: to the end of text (LEX_EXPR) or to the "}}"/"%}"
 * that closes a tag outside any bracket (*end is just after it).
 */
int
expr_lex(const char *text, size_t start, int mode, struct tokens *tt,
    size_t *end, char **cause)
{
	return expr_lex_until(text, start, mode, mode == LEX_VAR ? "}}" : "%}",
	    tt, end, cause);
}

/*
 * Whitespace as Jinja2's lexer reads it (Python's \s on str): ASCII
 * space, tab, newlines, \v, \f, and the Unicode spaces in UTF-8, the
 * no-break space U+00A0 among them.  The length at p, or 0.
 */
static size_t
lex_space(const char *s)
{
	const unsigned char	*u = (const unsigned char *)s;

	if (strchr(" \t\n\r\v\f", *u) != NULL && *u != '\0')
		return 1;
	if (u[0] == 0xc2 && (u[1] == 0xa0 || u[1] == 0x85))
		return 2;
	if (u[0] == 0xe1 && u[1] == 0x9a && u[2] == 0x80)
		return 3;
	if (u[0] == 0xe2 && u[1] == 0x80 && ((u[2] >= 0x80 && u[2] <= 0x8a) ||
	    u[2] == 0xa8 || u[2] == 0xa9 || u[2] == 0xaf))
		return 3;
	if (u[0] == 0xe2 && u[1] == 0x81 && u[2] == 0x9f)
		return 3;
	if (u[0] == 0xe3 && u[1] == 0x80 && u[2] == 0x80)
		return 3;
	return 0;
}

int
expr_lex_until(const char *text, size_t start, int mode, const char *close,
    struct tokens *tt, size_t *end, char **cause)
{
	size_t		 p = start, i, l, cl = strlen(close), sp;
	int		 depth = 0;
	struct token	 t;

	for (;;) {
		while ((sp = lex_space(text + p)) != 0)
			p += sp;
		memset(&t, 0, sizeof t);
		t.pos = p;
		if (text[p] == '\0') {
			if (mode != LEX_EXPR) {
				expr_error(cause, text, p,
				    "unexpected end of template, expected '%s'",
				    close);
				goto fail;
			}
			t.type = T_EOF;
			tokens_add(tt, &t);
			if (end != NULL)
				*end = p;
			return 0;
		}
		if (mode != LEX_EXPR && depth == 0) {
			if (text[p] == '-' && strncmp(text + p + 1, close, cl) == 0)
				t.strip = 1, t.len = cl + 1;
			else if (mode == LEX_BLOCK && text[p] == '+' &&
			    strncmp(text + p + 1, close, cl) == 0)
				t.strip = -1, t.len = cl + 1;
			else if (strncmp(text + p, close, cl) == 0)
				t.len = cl;
			if (t.len != 0) {
				t.type = T_END;
				tokens_add(tt, &t);
				*end = p + t.len;
				return 0;
			}
		}
		if (text[p] == '\'' || text[p] == '"') {
			t.type = T_STR;
			if (lex_string(text, &p, &t.v, cause) != 0)
				goto fail;
		} else if (isdigit((unsigned char)text[p])) {
			int int_only = tt->n > 0 && tt->t[tt->n - 1].type ==
			    T_OP && tt->t[tt->n - 1].op == OP_DOT;

			if (lex_number(text, &p, int_only, &t, cause) != 0)
				goto fail;
		} else if (isalpha((unsigned char)text[p]) || text[p] == '_') {
			while (isalnum((unsigned char)text[p]) || text[p] == '_')
				p++;
			t.type = T_NAME;
			t.s = xstrndup(text + t.pos, p - t.pos);
		} else {
			for (i = 0; i < ARRAY_SIZE(lex_ops); i++) {
				l = strlen(lex_ops[i].s);
				if (strncmp(text + p, lex_ops[i].s, l) == 0)
					break;
			}
			if (i == ARRAY_SIZE(lex_ops)) {
				expr_error(cause, text, p,
				    "unexpected character '%c'", text[p]);
				goto fail;
			}
			t.type = T_OP;
			t.op = lex_ops[i].op;
			if (t.op == OP_LPAREN || t.op == OP_LBRACKET ||
			    t.op == OP_LBRACE)
				depth++;
			else if ((t.op == OP_RPAREN || t.op == OP_RBRACKET ||
			    t.op == OP_RBRACE) && depth > 0)
				depth--;
			p += l;
		}
		t.len = p - t.pos;
		tokens_add(tt, &t);
	}
fail:
	return -1;
}

/* Parser: Jinja2's grammar and precedence (jinja2/parser.py). */

static struct node *
node_new(enum node_type type, size_t pos)
{
	struct node	*n = xcalloc(1, sizeof *n);

	n->type = type;
	n->pos = pos;
	return n;
}

static void
node_add(struct node *n, struct node *kid)
{
	n->kids = xreallocarray(n->kids, n->nkids + 1, sizeof *n->kids);
	n->kids[n->nkids++] = kid;
	if (kid != NULL && kid->depth + 1 > n->depth)
		n->depth = kid->depth + 1;
}

/* A chain grown too deep (see EXPR_MAX_TREE): -1 with p->cause. */
static int
too_deep(struct parser *p, const struct node *n)
{
	if (n->depth <= EXPR_MAX_TREE)
		return 0;
	if (p->cause == NULL)
		expr_error(&p->cause, p->text, n->pos, "expression too deep "
		    "(more than %d levels of operators, filters or "
		    "attributes)", EXPR_MAX_TREE);
	return -1;
}

/* Entering a nested sub-expression: -1 with p->cause past the limit. */
static int
parser_enter(struct parser *p)
{
	if (p->cause != NULL)
		return -1;
	if (++p->depth > EXPR_MAX_NEST) {
		expr_error(&p->cause, p->text, expr_peek(p)->pos,
		    "expression nested too deeply (more than %d levels)",
		    EXPR_MAX_NEST);
		return -1;
	}
	return 0;
}

void
expr_node_free(struct node *n)
{
	size_t	i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nkids; i++)
		expr_node_free(n->kids[i]);
	for (i = 0; i < n->nkw; i++) {
		free(n->kwnames[i]);
		expr_node_free(n->kwargs[i]);
	}
	free(n->kids);
	free(n->kwnames);
	free(n->kwargs);
	free(n->ops);
	free(n->name);
	value_unref(n->v);
	free(n);
}

const struct token *
expr_peek(struct parser *p)
{
	return &p->toks->t[p->i];
}

static const struct token *
peek2(struct parser *p)
{
	if (p->i + 1 < p->toks->n)
		return &p->toks->t[p->i + 1];
	return &p->toks->t[p->i];
}

static const struct token *
next(struct parser *p)
{
	const struct token	*t = &p->toks->t[p->i];

	if (t->type != T_EOF && t->type != T_END)
		p->i++;
	return t;
}

static int
is_op(const struct token *t, enum op op)
{
	return t->type == T_OP && t->op == op;
}

static int
is_name(const struct token *t, const char *s)
{
	return t->type == T_NAME && strcmp(t->s, s) == 0;
}

void
expr_unexpected(struct parser *p)
{
	const struct token	*t = expr_peek(p);

	if (p->cause != NULL)
		return;
	if (t->type == T_EOF)
		expr_error(&p->cause, p->text, t->pos,
		    "unexpected end of expression");
	else if (t->type == T_END)
		expr_error(&p->cause, p->text, t->pos, "unexpected '%.*s'",
		    (int)t->len, p->text + t->pos);
	else
		expr_error(&p->cause, p->text, t->pos, "unexpected '%.*s'",
		    (int)(t->len > 40 ? 40 : t->len), p->text + t->pos);
}

static int
expect_op(struct parser *p, enum op op)
{
	if (!is_op(expr_peek(p), op)) {
		expr_unexpected(p);
		return -1;
	}
	next(p);
	return 0;
}

static struct node	*parse_unary(struct parser *, int);

static struct node *
parse_expr_inner(struct parser *p)
{
	struct node	*n, *c;
	size_t		 pos;

	if ((n = expr_parse_or(p)) == NULL)
		return NULL;
	while (is_name(expr_peek(p), "if")) {
		pos = next(p)->pos;
		c = node_new(N_COND, pos);
		node_add(c, n);
		n = c;
		if ((c = expr_parse_or(p)) == NULL)
			goto fail;
		node_add(n, c);
		c = NULL;
		if (is_name(expr_peek(p), "else")) {
			next(p);
			if ((c = expr_parse_expr(p)) == NULL)
				goto fail;
		}
		node_add(n, c);
	}
	return n;
fail:
	expr_node_free(n);
	return NULL;
}

struct node *
expr_parse_expr(struct parser *p)
{
	struct node	*n = NULL;

	if (parser_enter(p) == 0)
		n = parse_expr_inner(p);
	p->depth--;
	return n;
}

/* "a, b" without brackets (for and set targets' values) gives a list. */
struct node *
expr_parse_tuple(struct parser *p)
{
	struct node	*n, *l, *e;

	if ((n = expr_parse_expr(p)) == NULL)
		return NULL;
	if (!is_op(expr_peek(p), OP_COMMA))
		return n;
	l = node_new(N_LIST, n->pos);
	node_add(l, n);
	while (is_op(expr_peek(p), OP_COMMA)) {
		next(p);
		if (expr_peek(p)->type == T_EOF || expr_peek(p)->type == T_END)
			break;
		if ((e = expr_parse_expr(p)) == NULL) {
			expr_node_free(l);
			return NULL;
		}
		node_add(l, e);
	}
	return l;
}

static struct node *
binop(enum node_type type, enum op op, size_t pos, struct node *a,
    struct node *b)
{
	struct node	*n = node_new(type, pos);

	n->op = op;
	node_add(n, a);
	node_add(n, b);
	return n;
}

static struct node *
parse_and(struct parser *p);
static struct node *
parse_not(struct parser *p);

struct node *
expr_parse_or(struct parser *p)
{
	struct node	*a, *b;
	size_t		 pos;

	if ((a = parse_and(p)) == NULL)
		return NULL;
	while (is_name(expr_peek(p), "or")) {
		pos = next(p)->pos;
		if ((b = parse_and(p)) == NULL) {
			expr_node_free(a);
			return NULL;
		}
		a = binop(N_BINOP, OP_OR, pos, a, b);
		if (too_deep(p, a) != 0) {
			expr_node_free(a);
			return NULL;
		}
	}
	return a;
}

static struct node *
parse_and(struct parser *p)
{
	struct node	*a, *b;
	size_t		 pos;

	if ((a = parse_not(p)) == NULL)
		return NULL;
	while (is_name(expr_peek(p), "and")) {
		pos = next(p)->pos;
		if ((b = parse_not(p)) == NULL) {
			expr_node_free(a);
			return NULL;
		}
		a = binop(N_BINOP, OP_AND, pos, a, b);
		if (too_deep(p, a) != 0) {
			expr_node_free(a);
			return NULL;
		}
	}
	return a;
}

static struct node	*parse_compare(struct parser *);

static struct node *
parse_not(struct parser *p)
{
	struct node	*n, *a;
	size_t		 pos;

	if (is_name(expr_peek(p), "not")) {
		if (parser_enter(p) != 0) {
			p->depth--;
			return NULL;
		}
		pos = next(p)->pos;
		a = parse_not(p);
		p->depth--;
		if (a == NULL)
			return NULL;
		n = node_new(N_UNARY, pos);
		n->op = OP_NOT;
		node_add(n, a);
		return n;
	}
	return parse_compare(p);
}

static struct node	*parse_math1(struct parser *);

static struct node *
parse_compare(struct parser *p)
{
	struct node		*n, *a, *b;
	const struct token	*t;
	enum op			 op;

	if ((a = parse_math1(p)) == NULL)
		return NULL;
	n = NULL;
	for (;;) {
		t = expr_peek(p);
		if (t->type == T_OP && t->op >= OP_EQ && t->op <= OP_GE)
			op = t->op;
		else if (is_name(t, "in"))
			op = OP_IN;
		else if (is_name(t, "not") && is_name(peek2(p), "in")) {
			next(p);
			op = OP_NOTIN;
		} else
			break;
		next(p);
		if (n == NULL) {
			n = node_new(N_COMPARE, a->pos);
			node_add(n, a);
		}
		if ((b = parse_math1(p)) == NULL) {
			expr_node_free(n);
			return NULL;
		}
		n->ops = xreallocarray(n->ops, n->nkids, sizeof *n->ops);
		n->ops[n->nkids - 1] = op;
		node_add(n, b);
	}
	return n != NULL ? n : a;
}

static struct node	*parse_concat(struct parser *);
static struct node	*parse_math2(struct parser *);
static struct node	*parse_pow(struct parser *);

static struct node *
parse_math1(struct parser *p)
{
	struct node		*a, *b;
	const struct token	*t;

	if ((a = parse_concat(p)) == NULL)
		return NULL;
	for (;;) {
		t = expr_peek(p);
		if (!is_op(t, OP_ADD) && !is_op(t, OP_SUB))
			break;
		next(p);
		if ((b = parse_concat(p)) == NULL) {
			expr_node_free(a);
			return NULL;
		}
		a = binop(N_BINOP, t->op, t->pos, a, b);
		if (too_deep(p, a) != 0) {
			expr_node_free(a);
			return NULL;
		}
	}
	return a;
}

static struct node *
parse_concat(struct parser *p)
{
	struct node		*a, *b;
	const struct token	*t;

	if ((a = parse_math2(p)) == NULL)
		return NULL;
	while (is_op((t = expr_peek(p)), OP_TILDE)) {
		next(p);
		if ((b = parse_math2(p)) == NULL) {
			expr_node_free(a);
			return NULL;
		}
		a = binop(N_BINOP, OP_TILDE, t->pos, a, b);
		if (too_deep(p, a) != 0) {
			expr_node_free(a);
			return NULL;
		}
	}
	return a;
}

static struct node *
parse_math2(struct parser *p)
{
	struct node		*a, *b;
	const struct token	*t;

	if ((a = parse_pow(p)) == NULL)
		return NULL;
	for (;;) {
		t = expr_peek(p);
		if (!is_op(t, OP_MUL) && !is_op(t, OP_DIV) &&
		    !is_op(t, OP_FLOORDIV) && !is_op(t, OP_MOD))
			break;
		next(p);
		if ((b = parse_pow(p)) == NULL) {
			expr_node_free(a);
			return NULL;
		}
		a = binop(N_BINOP, t->op, t->pos, a, b);
		if (too_deep(p, a) != 0) {
			expr_node_free(a);
			return NULL;
		}
	}
	return a;
}

static struct node *
parse_pow(struct parser *p)
{
	struct node		*a, *b;
	const struct token	*t;

	if ((a = parse_unary(p, 1)) == NULL)
		return NULL;
	while (is_op((t = expr_peek(p)), OP_POW)) {
		next(p);
		if ((b = parse_unary(p, 1)) == NULL) {
			expr_node_free(a);
			return NULL;
		}
		a = binop(N_BINOP, OP_POW, t->pos, a, b);
		if (too_deep(p, a) != 0) {
			expr_node_free(a);
			return NULL;
		}
	}
	return a;
}

/* "(a, k=v)" into n's kids (after the first) and keyword arguments. */
static int
parse_args(struct parser *p, struct node *n)
{
	struct node		*e;
	const struct token	*t;

	if (expect_op(p, OP_LPAREN) != 0)
		return -1;
	while (!is_op(expr_peek(p), OP_RPAREN)) {
		t = expr_peek(p);
		if (t->type == T_NAME && is_op(peek2(p), OP_ASSIGN)) {
			next(p);
			next(p);
			if ((e = expr_parse_expr(p)) == NULL)
				return -1;
			n->kwnames = xreallocarray(n->kwnames, n->nkw + 1,
			    sizeof *n->kwnames);
			n->kwargs = xreallocarray(n->kwargs, n->nkw + 1,
			    sizeof *n->kwargs);
			n->kwnames[n->nkw] = xstrdup(t->s);
			n->kwargs[n->nkw++] = e;
		} else {
			if (n->nkw != 0) {
				expr_error(&p->cause, p->text, t->pos,
				    "positional argument after keyword argument");
				return -1;
			}
			if ((e = expr_parse_expr(p)) == NULL)
				return -1;
			node_add(n, e);
		}
		if (is_op(expr_peek(p), OP_COMMA))
			next(p);
		else if (!is_op(expr_peek(p), OP_RPAREN)) {
			expr_unexpected(p);
			return -1;
		}
	}
	next(p);
	return 0;
}

/* A filter or test name, dotted for collections: ansible.builtin.quote. */
static char *
parse_dotted(struct parser *p)
{
	struct buf		 b = BUF_INIT;
	const struct token	*t = expr_peek(p);

	if (t->type != T_NAME) {
		expr_unexpected(p);
		return NULL;
	}
	buf_adds(&b, next(p)->s);
	while (is_op(expr_peek(p), OP_DOT) && peek2(p)->type == T_NAME) {
		next(p);
		buf_addc(&b, '.');
		buf_adds(&b, next(p)->s);
	}
	return buf_detach(&b, NULL);
}

static struct node	*parse_primary(struct parser *);
static struct node	*parse_postfix(struct parser *, struct node *);

static struct node *
parse_filter_expr(struct parser *p, struct node *n)
{
	struct node		*f, *a;
	const struct token	*t;

	for (;;) {
		if (too_deep(p, n) != 0)
			goto fail;
		t = expr_peek(p);
		if (is_op(t, OP_PIPE)) {
			next(p);
			f = node_new(N_FILTER, expr_peek(p)->pos);
			node_add(f, n);
			n = f;
			if ((f->name = parse_dotted(p)) == NULL)
				goto fail;
			if (is_op(expr_peek(p), OP_LPAREN) &&
			    parse_args(p, f) != 0)
				goto fail;
		} else if (is_name(t, "is")) {
			next(p);
			f = node_new(N_TEST, expr_peek(p)->pos);
			node_add(f, n);
			n = f;
			if (is_name(expr_peek(p), "not")) {
				next(p);
				f->negate = 1;
			}
			if ((f->name = parse_dotted(p)) == NULL)
				goto fail;
			t = expr_peek(p);
			if (is_op(t, OP_LPAREN)) {
				if (parse_args(p, f) != 0)
					goto fail;
			} else if ((t->type == T_NAME || t->type == T_STR ||
			    t->type == T_INT || t->type == T_FLOAT ||
			    is_op(t, OP_LBRACKET) || is_op(t, OP_LBRACE)) &&
			    !is_name(t, "else") && !is_name(t, "or") &&
			    !is_name(t, "and") && !is_name(t, "if") &&
			    !is_name(t, "is")) {
				if ((a = parse_primary(p)) == NULL)
					goto fail;
				if ((a = parse_postfix(p, a)) == NULL)
					goto fail;
				node_add(f, a);
			}
		} else if (is_op(t, OP_LPAREN)) {
			f = node_new(N_CALL, t->pos);
			node_add(f, n);
			n = f;
			if (parse_args(p, f) != 0)
				goto fail;
		} else
			break;
	}
	return n;
fail:
	expr_node_free(n);
	return NULL;
}

static struct node *
parse_unary(struct parser *p, int with_filter)
{
	const struct token	*t = expr_peek(p);
	struct node		*n, *a;

	if (is_op(t, OP_SUB) || is_op(t, OP_ADD)) {
		next(p);
		if (parser_enter(p) != 0) {
			p->depth--;
			return NULL;
		}
		a = parse_unary(p, 0);
		p->depth--;
		if (a == NULL)
			return NULL;
		n = node_new(N_UNARY, t->pos);
		n->op = t->op == OP_SUB ? OP_NEG : OP_POS;
		node_add(n, a);
	} else if ((n = parse_primary(p)) == NULL)
		return NULL;
	if ((n = parse_postfix(p, n)) == NULL)
		return NULL;
	if (with_filter)
		n = parse_filter_expr(p, n);
	return n;
}

static struct node *
parse_subscript(struct parser *p, struct node *obj)
{
	struct node	*n, *e = NULL;
	size_t		 pos = next(p)->pos;
	int		 i;

	if (!is_op(expr_peek(p), OP_COLON)) {
		if ((e = expr_parse_expr(p)) == NULL)
			goto fail;
		if (is_op(expr_peek(p), OP_RBRACKET)) {
			next(p);
			n = node_new(N_GETITEM, pos);
			node_add(n, obj);
			node_add(n, e);
			return n;
		}
	}
	n = node_new(N_SLICE, pos);
	node_add(n, obj);
	node_add(n, e);
	obj = n;
	for (i = 0; i < 2; i++) {
		e = NULL;
		if (is_op(expr_peek(p), OP_COLON)) {
			next(p);
			if (!is_op(expr_peek(p), OP_COLON) &&
			    !is_op(expr_peek(p), OP_RBRACKET) &&
			    (e = expr_parse_expr(p)) == NULL)
				goto fail;
		}
		node_add(n, e);
	}
	if (expect_op(p, OP_RBRACKET) != 0)
		goto fail;
	return n;
fail:
	expr_node_free(obj);
	return NULL;
}

static struct node *
parse_postfix(struct parser *p, struct node *n)
{
	const struct token	*t;
	struct node		*a;

	for (;;) {
		if (too_deep(p, n) != 0)
			goto fail;
		t = expr_peek(p);
		if (is_op(t, OP_DOT)) {
			next(p);
			t = expr_peek(p);
			if (t->type == T_NAME) {
				a = node_new(N_GETATTR, t->pos);
				a->name = xstrdup(t->s);
				node_add(a, n);
				n = a;
			} else if (t->type == T_INT) {
				a = node_new(N_GETITEM, t->pos);
				node_add(a, n);
				n = a;
				a = node_new(N_CONST, t->pos);
				a->v = value_ref(t->v);
				node_add(n, a);
			} else {
				expr_unexpected(p);
				goto fail;
			}
			next(p);
		} else if (is_op(t, OP_LBRACKET)) {
			if ((n = parse_subscript(p, n)) == NULL)
				return NULL;
		} else if (is_op(t, OP_LPAREN)) {
			a = node_new(N_CALL, t->pos);
			node_add(a, n);
			n = a;
			if (parse_args(p, n) != 0)
				goto fail;
		} else
			break;
	}
	return n;
fail:
	expr_node_free(n);
	return NULL;
}

static struct node *
parse_seq(struct parser *p, enum node_type type, enum op close)
{
	const struct token	*t = next(p);
	struct node		*n = node_new(type, t->pos), *e;

	while (!is_op(expr_peek(p), close)) {
		if ((e = expr_parse_expr(p)) == NULL)
			goto fail;
		node_add(n, e);
		if (type == N_DICT) {
			if (expect_op(p, OP_COLON) != 0)
				goto fail;
			if ((e = expr_parse_expr(p)) == NULL)
				goto fail;
			node_add(n, e);
		}
		if (is_op(expr_peek(p), OP_COMMA))
			next(p);
		else if (!is_op(expr_peek(p), close)) {
			expr_unexpected(p);
			goto fail;
		}
	}
	next(p);
	return n;
fail:
	expr_node_free(n);
	return NULL;
}

static struct node *
parse_primary(struct parser *p)
{
	const struct token	*t = expr_peek(p);
	struct node		*n;
	struct buf		 b = BUF_INIT;

	switch (t->type) {
	case T_NAME:
		next(p);
		n = node_new(N_CONST, t->pos);
		if (strcmp(t->s, "true") == 0 || strcmp(t->s, "True") == 0)
			n->v = value_bool(1);
		else if (strcmp(t->s, "false") == 0 ||
		    strcmp(t->s, "False") == 0)
			n->v = value_bool(0);
		else if (strcmp(t->s, "none") == 0 || strcmp(t->s, "None") == 0)
			n->v = value_null();
		else {
			n->type = N_NAME;
			n->name = xstrdup(t->s);
		}
		return n;
	case T_STR:
		n = node_new(N_CONST, t->pos);
		/* Adjacent strings concatenate, as in Python. */
		while (expr_peek(p)->type == T_STR) {
			t = next(p);
			buf_add(&b, t->v->u.str.s, t->v->u.str.len);
		}
		n->v = value_strn(buf_cstr(&b), b.len);
		buf_release(&b);
		return n;
	case T_INT:
	case T_FLOAT:
		next(p);
		n = node_new(N_CONST, t->pos);
		n->v = value_ref(t->v);
		return n;
	case T_OP:
		if (t->op == OP_LPAREN) {
			next(p);
			if (is_op(expr_peek(p), OP_RPAREN)) {
				next(p);
				return node_new(N_LIST, t->pos);
			}
			if ((n = expr_parse_tuple(p)) == NULL)
				return NULL;
			if (expect_op(p, OP_RPAREN) != 0) {
				expr_node_free(n);
				return NULL;
			}
			return n;
		}
		if (t->op == OP_LBRACKET)
			return parse_seq(p, N_LIST, OP_RBRACKET);
		if (t->op == OP_LBRACE)
			return parse_seq(p, N_DICT, OP_RBRACE);
		break;
	default:
		break;
	}
	expr_unexpected(p);
	return NULL;
}

/* Parses a whole expression source; NULL and *cause on error. */
static struct node *
parse_source(const char *src, char **cause)
{
	struct tokens	 tt = { NULL, 0, 0 };
	struct parser	 p = { src, &tt, 0, NULL };
	struct node	*n = NULL;

	if (expr_lex(src, 0, LEX_EXPR, &tt, NULL, cause) != 0)
		goto out;
	if ((n = expr_parse_expr(&p)) != NULL && expr_peek(&p)->type != T_EOF) {
		expr_unexpected(&p);
		expr_node_free(n);
		n = NULL;
	}
	if (n == NULL) {
		free(*cause);
		*cause = p.cause;
	}
out:
	expr_tokens_free(&tt);
	return n;
}

/* Evaluation. */

void
expr_eval_init(struct eval *ev, const struct expr_scope *scope)
{
	memset(ev, 0, sizeof *ev);
	ev->scope = scope;
}

void
expr_eval_done(struct eval *ev)
{
	while (ev->nframes > 0)
		expr_pop_frame(ev);
	free(ev->frames);
	free(ev->undef);
	ev->frames = NULL;
	ev->undef = NULL;
	while (ev->nmemo > 0) {
		ev->nmemo--;
		value_unref(ev->memo_src[ev->nmemo]);
		value_unref(ev->memo_out[ev->nmemo]);
	}
	free(ev->memo_src);
	free(ev->memo_out);
	ev->memo_src = ev->memo_out = NULL;
}

/*
 * What rendering src gave earlier in this evaluation (a new reference),
 * or NULL.  A variable renders in the scope alone, so the same value
 * renders the same way until the evaluation ends; the memo holds src, so
 * its address cannot be reused by another value meanwhile.
 */
static struct value *
memo_get(struct eval *ev, const struct value *src)
{
	size_t	i;

	for (i = 0; i < ev->nmemo; i++)
		if (ev->memo_src[i] == src)
			return value_ref(ev->memo_out[i]);
	return NULL;
}

static void
memo_put(struct eval *ev, struct value *src, struct value *out)
{
	if (ev->nmemo >= EXPR_MAX_MEMO)
		return;
	ev->memo_src = xgrowarray(ev->memo_src, ev->nmemo,
	    sizeof *ev->memo_src);
	ev->memo_out = xgrowarray(ev->memo_out, ev->nmemo,
	    sizeof *ev->memo_out);
	ev->memo_src[ev->nmemo] = value_ref(src);
	ev->memo_out[ev->nmemo] = value_ref(out);
	ev->nmemo++;
}

void
expr_push_frame(struct eval *ev)
{
	if (ev->nframes == ev->cap) {
		ev->cap = ev->cap ? ev->cap * 2 : 4;
		ev->frames = xreallocarray(ev->frames, ev->cap,
		    sizeof *ev->frames);
	}
	ev->frames[ev->nframes++] = value_dict();
}

void
expr_pop_frame(struct eval *ev)
{
	if (ev->nframes > 0)
		value_unref(ev->frames[--ev->nframes]);
}

/* Takes v. */
void
expr_set_local(struct eval *ev, const char *name, struct value *v)
{
	if (ev->nframes == 0)
		expr_push_frame(ev);
	value_dict_set(ev->frames[ev->nframes - 1], name, v);
}

void
expr_set_undef(struct eval *ev, const char *fmt, ...)
{
	va_list	ap;

	free(ev->undef);
	va_start(ap, fmt);
	ev->undef = xvasprintf(fmt, ap);
	va_end(ap);
}

int
expr_undef_error(struct eval *ev, char **cause)
{
	if (cause != NULL) {
		free(*cause);
		*cause = ev->undef != NULL ? ev->undef :
		    xstrdup("value is undefined");
	} else
		free(ev->undef);
	ev->undef = NULL;
	return -1;
}

int
expr_truthy(const struct value *v)
{
	return value_truthy(v);
}

/* Python's type names, which Ansible's messages and type_debug show. */
const char *
expr_type_name(const struct value *v)
{
	if (v == NULL)
		return "AnsibleUndefined";
	return value_type_name(v->type);
}

static void
add_float(struct buf *b, double f)
{
	char	 digits[32], *e;
	int	 prec, exp, n;

	if (isnan(f)) {
		buf_adds(b, "nan");
		return;
	}
	if (isinf(f)) {
		buf_adds(b, f < 0 ? "-inf" : "inf");
		return;
	}
	/* Python's repr: the shortest digits that round-trip... */
	for (prec = 0; prec < 17; prec++) {
		snprintf(digits, sizeof digits, "%.*e", prec, f);
		if (strtod(digits, NULL) == f)
			break;
	}
	snprintf(digits, sizeof digits, "%.*e", prec, f);
	e = strchr(digits, 'e');
	*e = '\0';
	exp = atoi(e + 1);
	/* ...positional unless the exponent is below -4 or 16 and up. */
	if (exp < -4 || exp >= 16) {
		n = (int)strlen(digits);
		buf_add(b, digits, (size_t)n);
		buf_addf(b, "e%c%02d", exp < 0 ? '-' : '+', abs(exp));
		return;
	}
	{
		char	 m[32], *d = digits;
		size_t	 nd = 0;
		int	 i;

		if (*d == '-')
			buf_addc(b, *d++);
		for (; *d != '\0'; d++)
			if (*d != '.')
				m[nd++] = *d;
		if (exp < 0) {
			buf_adds(b, "0.");
			for (i = -1; i > exp; i--)
				buf_addc(b, '0');
			buf_add(b, m, nd);
		} else {
			for (i = 0; i <= exp; i++)
				buf_addc(b, (size_t)i < nd ? m[i] : '0');
			buf_addc(b, '.');
			if ((size_t)exp + 1 < nd)
				buf_add(b, m + exp + 1, nd - (size_t)exp - 1);
			else
				buf_addc(b, '0');
		}
	}
}

void
expr_add_str(struct buf *b, const struct value *v)
{
	char	*s;

	if (v->type == V_STR) {
		buf_add(b, v->u.str.s, v->u.str.len);
		return;
	}
	if (v->type == V_FLOAT) {
		add_float(b, v->u.f);
		return;
	}
	s = value_to_string(v);
	buf_adds(b, s);
	free(s);
}

static char *
to_str(const struct value *v)
{
	struct buf	b = BUF_INIT;

	expr_add_str(&b, v);
	return buf_detach(&b, NULL);
}

static int
is_num(const struct value *v)
{
	return v->type == V_INT || v->type == V_FLOAT || v->type == V_BOOL;
}

static double
num_f(const struct value *v)
{
	return v->type == V_FLOAT ? v->u.f : v->type == V_INT ?
	    (double)v->u.i : v->u.b;
}

static long long
num_i(const struct value *v)
{
	return v->type == V_INT ? v->u.i : v->u.b;
}

static int
cmp_bytes(const char *a, size_t la, const char *b, size_t lb, int fold)
{
	size_t	i, n = la < lb ? la : lb;
	int	ca, cb;

	for (i = 0; i < n; i++) {
		ca = (unsigned char)a[i];
		cb = (unsigned char)b[i];
		if (fold)
			ca = tolower(ca), cb = tolower(cb);
		if (ca != cb)
			return ca < cb ? -1 : 1;
	}
	return la < lb ? -1 : la > lb;
}

int
expr_compare(const struct value *a, const struct value *b, int fold)
{
	size_t	i;
	int	r;

	if (is_num(a) && is_num(b)) {
		if (a->type != V_FLOAT && b->type != V_FLOAT)
			return num_i(a) < num_i(b) ? -1 : num_i(a) > num_i(b);
		return num_f(a) < num_f(b) ? -1 : num_f(a) > num_f(b);
	}
	if (a->type != b->type)
		return -2;
	switch (a->type) {
	case V_STR:
		return cmp_bytes(a->u.str.s, a->u.str.len, b->u.str.s,
		    b->u.str.len, fold);
	case V_LIST:
		for (i = 0; i < a->u.list.n && i < b->u.list.n; i++) {
			r = expr_compare(a->u.list.items[i],
			    b->u.list.items[i], fold);
			if (r != 0)
				return r;
		}
		return a->u.list.n < b->u.list.n ? -1 :
		    a->u.list.n > b->u.list.n;
	default:
		return -2;
	}
}

static const char *
obj_name(const struct value *v)
{
	return expr_type_name(v);
}

struct value *
expr_getattr(struct value *v, const char *path)
{
	const char	*dot;
	char		*key;
	struct value	*cur = v, *n;

	while (cur != NULL && (dot = strchr(path, '.')) != NULL) {
		key = xstrndup(path, (size_t)(dot - path));
		n = NULL;
		if (cur->type == V_DICT)
			n = value_dict_get(cur, key);
		else if (cur->type == V_LIST && isdigit((unsigned char)*key) &&
		    strtoul(key, NULL, 10) < cur->u.list.n)
			n = cur->u.list.items[strtoul(key, NULL, 10)];
		free(key);
		cur = n;
		path = dot + 1;
	}
	if (cur == NULL)
		return NULL;
	if (cur->type == V_DICT)
		return value_ref(value_dict_get(cur, path));
	if (cur->type == V_LIST && isdigit((unsigned char)*path) &&
	    strtoul(path, NULL, 10) < cur->u.list.n)
		return value_ref(cur->u.list.items[strtoul(path, NULL, 10)]);
	return NULL;
}

static int
contains_template(const struct value *v)
{
	const char	*p, *end;
	size_t		 i;

	switch (v->type) {
	case V_STR:
		/* One memchr pass: this runs over whole variables often. */
		if (v->flags & VALUE_UNSAFE)
			return 0;
		p = v->u.str.s;
		end = p + v->u.str.len;
		while ((p = memchr(p, '{', (size_t)(end - p))) != NULL &&
		    p + 1 < end) {
			if (p[1] == '{' || p[1] == '%')
				return 1;
			p++;
		}
		return 0;
	case V_LIST:
		for (i = 0; i < v->u.list.n; i++)
			if (contains_template(v->u.list.items[i]))
				return 1;
		return 0;
	case V_DICT:
		for (i = 0; i < v->u.dict.n; i++)
			if (contains_template(v->u.dict.vals[i]) ||
			    strstr(v->u.dict.keys[i], "{{") != NULL)
				return 1;
		return 0;
	default:
		return 0;
	}
}

/*
 * Renders a variable's value that holds templates, in the scope alone (not
 * the template's locals).  guard: a direct variable lookup, where meeting
 * the same name again while rendering it is a loop.  Takes v.
 */
static int
lazy(struct eval *ev, struct value *v, const char *name, int guard,
    struct value **out, char **cause)
{
	struct value	**frames;
	size_t		  nframes, cap, i;
	int		  r;

	if (v != NULL && v->type == V_STR && (v->flags & VALUE_VAULT)) {
		struct buf	 plain = BUF_INIT;

		/* Decrypted at load whenever a secret could: say why not. */
		free(*cause);
		*cause = NULL;
		if (vault_decrypt(vault_get_secrets(), v->u.str.s,
		    v->u.str.len, name, &plain, NULL, cause) == 0) {
			free(*cause);
			*cause = xasprintf("cannot decrypt '%s'", name);
		}
		buf_release(&plain);
		value_unref(v);
		return -1;
	}
	if (v == NULL || !contains_template(v)) {
		*out = v;
		return 0;
	}
	if ((*out = memo_get(ev, v)) != NULL) {
		value_unref(v);
		return 0;
	}
	for (i = 0; i < ev->nresolving; i++) {
		if (strcmp(ev->resolving[i], name) == 0)
			break;
	}
	/*
	 * The same variable again is a loop; so is hitting the depth limit
	 * through an attribute of a variable being rendered (a: {x: "{{
	 * a.x }}"}), which cannot be told from a long chain sooner.
	 */
	if ((guard && i < ev->nresolving) ||
	    ev->nresolving >= EXPR_MAX_DEPTH) {
		value_unref(v);
		free(*cause);
		if (i < ev->nresolving)
			*cause = xasprintf("recursive loop detected in "
			    "template '%s'", name);
		else
			*cause = xasprintf("variables nested more than %d "
			    "deep, at '%s'", EXPR_MAX_DEPTH, name);
		return -1;
	}
	ev->resolving[ev->nresolving++] = name;
	frames = ev->frames, nframes = ev->nframes, cap = ev->cap;
	ev->frames = NULL, ev->nframes = ev->cap = 0;
	if (v->type == V_STR)
		r = template_render_eval(ev, v->u.str.s, out, cause);
	else
		r = template_value_eval(ev, v, out, cause);
	while (ev->nframes > 0)
		expr_pop_frame(ev);
	free(ev->frames);
	ev->frames = frames, ev->nframes = nframes, ev->cap = cap;
	ev->nresolving--;
	if (r == 0 && *out != NULL)
		memo_put(ev, v, *out);
	value_unref(v);
	return r;
}

static struct value *
lookup(struct eval *ev, const char *name)
{
	struct value	*v;
	size_t		 i;

	for (i = ev->nframes; i > 0; i--) {
		if ((v = value_dict_get(ev->frames[i - 1], name)) != NULL)
			return value_ref(v);
	}
	if (ev->scope == NULL || ev->scope->lookup == NULL)
		return NULL;
	return ev->scope->lookup(ev->scope->ud, name);
}

struct value *
expr_lookup(struct eval *ev, const char *name)
{
	return lookup(ev, name);
}

static const char *
chain_root(const struct node *n)
{
	while (n->type == N_GETATTR || n->type == N_GETITEM)
		n = n->kids[0];
	return n->type == N_NAME ? n->name : "?";
}

static int	eval_raw(struct eval *, struct node *, struct value **,
		    char **);

int
expr_node_value(struct eval *ev, struct node *n, struct value **out,
    char **cause)
{
	if (expr_node_eval(ev, n, out, cause) != 0)
		return -1;
	if (*out == NULL)
		return expr_undef_error(ev, cause);
	return 0;
}

/* Python-style slice bounds (PySlice_AdjustIndices). */
static size_t
slice_indices(long long len, struct value *vs, struct value *ve,
    long long step, long long *start)
{
	long long	s, e;

	if (vs == NULL || vs->type == V_NULL)
		s = step < 0 ? len - 1 : 0;
	else {
		s = num_i(vs);
		if (s < 0 && (s += len) < 0)
			s = step < 0 ? -1 : 0;
		else if (s >= len)
			s = step < 0 ? len - 1 : len;
	}
	if (ve == NULL || ve->type == V_NULL)
		e = step < 0 ? -1 : len;
	else {
		e = num_i(ve);
		if (e < 0 && (e += len) < 0)
			e = step < 0 ? -1 : 0;
		else if (e >= len)
			e = step < 0 ? len - 1 : len;
	}
	*start = s;
	if (step < 0)
		return e < s ? (size_t)((s - e - 1) / (-step) + 1) : 0;
	return s < e ? (size_t)((e - s - 1) / step + 1) : 0;
}

static int
eval_slice(struct eval *ev, struct node *n, struct value **out, char **cause)
{
	struct value	*obj = NULL, *b[3] = { NULL, NULL, NULL }, *r = NULL;
	long long	 step = 1, start;
	size_t		 cnt, i;
	int		 k, rc = -1;
	struct buf	 buf = BUF_INIT;

	if (expr_node_value(ev, n->kids[0], &obj, cause) != 0)
		return -1;
	for (k = 0; k < 3; k++) {
		if (n->kids[k + 1] == NULL)
			continue;
		if (expr_node_value(ev, n->kids[k + 1], &b[k], cause) != 0)
			goto out;
		if (b[k]->type != V_NULL && b[k]->type != V_INT &&
		    b[k]->type != V_BOOL) {
			free(*cause);
			*cause = xstrdup("slice indices must be integers");
			goto out;
		}
	}
	if (b[2] != NULL && b[2]->type != V_NULL)
		step = num_i(b[2]);
	if (step == 0) {
		free(*cause);
		*cause = xstrdup("slice step cannot be zero");
		goto out;
	}
	if (obj->type == V_LIST) {
		cnt = slice_indices((long long)obj->u.list.n, b[0], b[1], step,
		    &start);
		r = value_list();
		for (i = 0; i < cnt; i++)
			value_list_append(r, value_ref(
			    obj->u.list.items[start + (long long)i * step]));
	} else if (obj->type == V_STR) {
		cnt = slice_indices((long long)obj->u.str.len, b[0], b[1], step,
		    &start);
		for (i = 0; i < cnt; i++)
			buf_addc(&buf, obj->u.str.s[start + (long long)i * step]);
		r = value_strn(buf_cstr(&buf), buf.len);
		buf_release(&buf);
	} else {
		free(*cause);
		*cause = xasprintf("'%s' object is not subscriptable",
		    expr_type_name(obj));
		goto out;
	}
	*out = r;
	rc = 0;
out:
	value_unref(obj);
	for (k = 0; k < 3; k++)
		value_unref(b[k]);
	return rc;
}

/* Access chains stay raw: only the part reached is rendered. */
static int
eval_raw(struct eval *ev, struct node *n, struct value **out, char **cause)
{
	struct value	*obj = NULL, *idx = NULL, *v = NULL;
	const char	*root;
	char		*key;
	long long	 i;

	*out = NULL;
	if (n->type == N_NAME) {
		if ((v = lookup(ev, n->name)) == NULL) {
			if (strcmp(n->name, "omit") == 0)
				return *out = value_str(EXPR_OMIT), 0;
			expr_set_undef(ev, "'%s' is undefined", n->name);
			return 0;
		}
		if (v->type != V_STR)
			return *out = v, 0;
		return lazy(ev, v, n->name, 1, out, cause);
	}
	if (n->type != N_GETATTR && n->type != N_GETITEM)
		return expr_node_eval(ev, n, out, cause);
	if (eval_raw(ev, n->kids[0], &obj, cause) != 0)
		return -1;
	if (obj == NULL)
		return 0;	/* undefined, with the first reason kept */
	root = chain_root(n);
	if (n->type == N_GETATTR) {
		if (obj->type == V_DICT)
			v = value_ref(value_dict_get(obj, n->name));
		if (v == NULL)
			expr_set_undef(ev, "'%s object' has no attribute '%s'",
			    obj_name(obj), n->name);
		goto done;
	}
	if (expr_node_value(ev, n->kids[1], &idx, cause) != 0) {
		value_unref(obj);
		return -1;
	}
	if (obj->type == V_DICT) {
		key = to_str(idx);
		if ((v = value_ref(value_dict_get(obj, key))) == NULL)
			expr_set_undef(ev, "'dict object' has no attribute "
			    "'%s'", key);
		free(key);
	} else if ((obj->type == V_LIST || obj->type == V_STR) &&
	    (idx->type == V_INT || idx->type == V_BOOL)) {
		long long len = (long long)value_len(obj);

		i = num_i(idx);
		if (i < 0)
			i += len;
		if (i < 0 || i >= len)
			expr_set_undef(ev, "%s object has no element %lld",
			    obj_name(obj), num_i(idx));
		else if (obj->type == V_LIST)
			v = value_ref(obj->u.list.items[i]);
		else
			v = value_strn(obj->u.str.s + i, 1);
	} else if (idx->type == V_STR)
		expr_set_undef(ev, "'%s object' has no attribute '%s'",
		    obj_name(obj), idx->u.str.s);
	else
		expr_set_undef(ev, "'%s object' has no element %s",
		    obj_name(obj), expr_type_name(idx));
	value_unref(idx);
done:
	value_unref(obj);
	if (v == NULL || v->type != V_STR)
		return *out = v, 0;
	return lazy(ev, v, root, 0, out, cause);
}

static void
args_free(struct expr_args *a)
{
	size_t	i;

	for (i = 0; i < a->npos; i++)
		value_unref(a->pos[i]);
	for (i = 0; i < a->nkw; i++)
		value_unref(a->kwvals[i]);
	free(a->pos);
	free(a->kwvals);
	memset(a, 0, sizeof *a);
}

/* Arguments from kids[first..] and the keywords. */
static int
eval_args(struct eval *ev, struct node *n, size_t first, struct expr_args *a,
    char **cause)
{
	size_t	i;

	memset(a, 0, sizeof *a);
	a->pos = xcalloc(n->nkids, sizeof *a->pos);
	a->kwvals = xcalloc(n->nkw + 1, sizeof *a->kwvals);
	a->kwnames = n->kwnames;
	for (i = first; i < n->nkids; i++) {
		if (expr_node_value(ev, n->kids[i], &a->pos[a->npos], cause) != 0)
			goto fail;
		a->npos++;
	}
	for (i = 0; i < n->nkw; i++) {
		if (expr_node_value(ev, n->kwargs[i], &a->kwvals[i], cause) != 0)
			goto fail;
		a->nkw++;
	}
	return 0;
fail:
	args_free(a);
	return -1;
}

int
expr_eval_args(struct eval *ev, struct node *n, struct expr_args *a,
    char **cause)
{
	return eval_args(ev, n, 1, a, cause);
}

void
expr_args_free(struct expr_args *a)
{
	args_free(a);
}

static int
type_error(char **cause, const char *op, const struct value *a,
    const struct value *b)
{
	free(*cause);
	*cause = xasprintf("unsupported operand type(s) for %s: '%s' and '%s'",
	    op, expr_type_name(a), expr_type_name(b));
	return -1;
}

static const char *
op_text(enum op op)
{
	switch (op) {
	case OP_ADD: return "+";
	case OP_SUB: return "-";
	case OP_MUL: return "*";
	case OP_DIV: return "/";
	case OP_FLOORDIV: return "//";
	case OP_MOD: return "%";
	case OP_POW: return "**";
	case OP_LT: return "<";
	case OP_LE: return "<=";
	case OP_GT: return ">";
	case OP_GE: return ">=";
	default: return "?";
	}
}

static struct value *
repeat_n(const struct value *v, long long n)
{
	struct value	*r;
	struct buf	 b = BUF_INIT;
	long long	 k;
	size_t		 i;

	if (v->type == V_STR) {
		size_t	total = v->u.str.len * (size_t)n, have;

		/* one allocation, then the text so far copied onto its end */
		buf_grow(&b, total);
		if (n > 0)
			buf_add(&b, v->u.str.s, v->u.str.len);
		while ((have = b.len) < total)
			buf_add(&b, b.s, have < total - have ? have :
			    total - have);
		r = value_strn(buf_cstr(&b), b.len);
		buf_release(&b);
		return r;
	}
	r = value_list();
	for (k = 0; k < n; k++)
		for (i = 0; i < v->u.list.n; i++)
			value_list_append(r, value_ref(v->u.list.items[i]));
	return r;
}

/*
 * s * n and [..] * n as Python; a result past expr_max_result bytes or
 * items is an error of the task, not a hang or an abort ('' * 10**18 is
 * '' at once, as in Python).  0, or -1 and *cause.
 */
static int
repeat(const struct value *v, long long n, struct value **out, char **cause)
{
	size_t			len = v->type == V_STR ? v->u.str.len :
				    v->u.list.n;
	unsigned long long	total;

	if (n < 0 || len == 0)
		n = 0;
	if (__builtin_mul_overflow((unsigned long long)len,
	    (unsigned long long)n, &total) || total > expr_max_result) {
		free(*cause);
		*cause = xasprintf("'*' would make a %s of %zu %s times %lld, "
		    "more than the %zu million cairn allows",
		    v->type == V_STR ? "string" : "list", len,
		    v->type == V_STR ? "bytes" : "items", n,
		    expr_max_result / 1000000);
		return -1;
	}
	*out = repeat_n(v, n);
	return 0;
}


size_t	expr_max_result = EXPR_MAX_REPEAT;
unsigned long long	expr_max_steps = EXPR_MAX_STEPS;

int
expr_step(struct eval *ev, char **cause)
{
	if (++ev->steps <= expr_max_steps)
		return 0;
	free(*cause);
	*cause = xasprintf("the template takes more than %llu evaluation "
	    "steps: an endless or enormous loop?", expr_max_steps);
	return -1;
}

/* A string or list result of n bytes or items: past the limit fails. */
int
expr_size_check(size_t n, char **cause)
{
	if (n <= expr_max_result)
		return 0;
	free(*cause);
	*cause = xasprintf("result larger than %zu million bytes or items",
	    expr_max_result / 1000000);
	return -1;
}

static int
arith(enum op op, struct value *a, struct value *b, struct value **out,
    char **cause)
{
	long long	 x, y, r;
	double		 fx, fy, fr;
	size_t		 i;
	struct value	*l;

	if (op == OP_TILDE) {
		struct buf bb = BUF_INIT;

		expr_add_str(&bb, a);
		expr_add_str(&bb, b);
		if (expr_size_check(bb.len, cause) != 0) {
			buf_release(&bb);
			return -1;
		}
		*out = value_strn(buf_cstr(&bb), bb.len);
		buf_release(&bb);
		return 0;
	}
	if (!is_num(a) || !is_num(b)) {
		if (op == OP_ADD && a->type == b->type && a->type == V_STR) {
			struct buf bb = BUF_INIT;

			if (expr_size_check(a->u.str.len + b->u.str.len,
			    cause) != 0)
				return -1;

			buf_add(&bb, a->u.str.s, a->u.str.len);
			buf_add(&bb, b->u.str.s, b->u.str.len);
			*out = value_strn(buf_cstr(&bb), bb.len);
			buf_release(&bb);
			return 0;
		}
		if (op == OP_ADD && a->type == b->type && a->type == V_LIST) {
			if (expr_size_check(a->u.list.n + b->u.list.n,
			    cause) != 0)
				return -1;
			l = value_list();
			for (i = 0; i < a->u.list.n; i++)
				value_list_append(l, value_ref(a->u.list.items[i]));
			for (i = 0; i < b->u.list.n; i++)
				value_list_append(l, value_ref(b->u.list.items[i]));
			*out = l;
			return 0;
		}
		if (op == OP_MUL && (a->type == V_STR || a->type == V_LIST) &&
		    (b->type == V_INT || b->type == V_BOOL)) {
			return repeat(a, num_i(b), out, cause);
		}
		if (op == OP_MUL && (b->type == V_STR || b->type == V_LIST) &&
		    (a->type == V_INT || a->type == V_BOOL)) {
			return repeat(b, num_i(a), out, cause);
		}
		if (op == OP_MOD && a->type == V_STR)
			return expr_format_percent(a, b, out, cause);
		return type_error(cause, op_text(op), a, b);
	}
	if (a->type != V_FLOAT && b->type != V_FLOAT && op != OP_DIV) {
		x = num_i(a), y = num_i(b);
		switch (op) {
		case OP_ADD:
			if (__builtin_add_overflow(x, y, &r))
				goto overflow;
			break;
		case OP_SUB:
			if (__builtin_sub_overflow(x, y, &r))
				goto overflow;
			break;
		case OP_MUL:
			if (__builtin_mul_overflow(x, y, &r))
				goto overflow;
			break;
		case OP_FLOORDIV:
		case OP_MOD:
			if (y == 0)
				goto zero;
			if (x == LLONG_MIN && y == -1)
				goto overflow;
			r = op == OP_FLOORDIV ? x / y : x % y;
			/* Python floors: the remainder takes the divisor's sign. */
			if ((x % y != 0) && ((x < 0) != (y < 0)))
				r = op == OP_FLOORDIV ? r - 1 : r + y;
			break;
		case OP_POW:
			if (y < 0) {
				*out = value_float(pow((double)x, (double)y));
				return 0;
			}
			r = 1;
			while (y-- > 0)
				if (__builtin_mul_overflow(r, x, &r))
					goto overflow;
			break;
		default:
			return type_error(cause, op_text(op), a, b);
		}
		*out = value_int(r);
		return 0;
	}
	fx = num_f(a), fy = num_f(b);
	switch (op) {
	case OP_ADD:
		fr = fx + fy;
		break;
	case OP_SUB:
		fr = fx - fy;
		break;
	case OP_MUL:
		fr = fx * fy;
		break;
	case OP_DIV:
		if (fy == 0)
			goto zero;
		fr = fx / fy;
		break;
	case OP_FLOORDIV:
		if (fy == 0)
			goto zero;
		fr = floor(fx / fy);
		break;
	case OP_MOD:
		if (fy == 0)
			goto zero;
		fr = fmod(fx, fy);
		if (fr != 0 && ((fr < 0) != (fy < 0)))
			fr += fy;
		break;
	case OP_POW:
		fr = pow(fx, fy);
		break;
	default:
		return type_error(cause, op_text(op), a, b);
	}
	*out = value_float(fr);
	return 0;
overflow:
	free(*cause);
	*cause = xstrdup("integer overflow");
	return -1;
zero:
	free(*cause);
	*cause = xstrdup(op == OP_DIV ? "division by zero" :
	    op == OP_MOD ? "integer modulo by zero" :
	    "integer division or modulo by zero");
	return -1;
}

/* Python's "needle in haystack"; 0/1, or -1 and *cause. */
static int
contains(struct value *hay, struct value *needle, char **cause)
{
	size_t	 i;
	char	*key;
	int	 r;

	switch (hay->type) {
	case V_STR:
		if (needle->type != V_STR) {
			free(*cause);
			*cause = xasprintf("'in <string>' requires string as "
			    "left operand, not %s", expr_type_name(needle));
			return -1;
		}
		return memmem(hay->u.str.s, hay->u.str.len, needle->u.str.s,
		    needle->u.str.len) != NULL;
	case V_LIST:
		for (i = 0; i < hay->u.list.n; i++)
			if (value_equal(hay->u.list.items[i], needle))
				return 1;
		return 0;
	case V_DICT:
		if (needle->type == V_LIST || needle->type == V_DICT)
			return 0;
		key = to_str(needle);
		r = value_dict_get(hay, key) != NULL;
		free(key);
		return r;
	default:
		free(*cause);
		*cause = xasprintf("argument of type '%s' is not iterable",
		    expr_type_name(hay));
		return -1;
	}
}

int
expr_contains(struct value *hay, struct value *needle, char **cause)
{
	return contains(hay, needle, cause);
}

static int
compare_op(enum op op, struct value *a, struct value *b, int *res,
    char **cause)
{
	int	c;

	switch (op) {
	case OP_EQ:
		*res = value_equal(a, b);
		return 0;
	case OP_NE:
		*res = !value_equal(a, b);
		return 0;
	case OP_IN:
	case OP_NOTIN:
		if ((c = contains(b, a, cause)) < 0)
			return -1;
		*res = op == OP_IN ? c : !c;
		return 0;
	default:
		break;
	}
	if ((c = expr_compare(a, b, 0)) == -2) {
		free(*cause);
		*cause = xasprintf("'%s' not supported between instances of "
		    "'%s' and '%s'", op_text(op), expr_type_name(a),
		    expr_type_name(b));
		return -1;
	}
	switch (op) {
	case OP_LT:
		*res = c < 0;
		break;
	case OP_LE:
		*res = c <= 0;
		break;
	case OP_GT:
		*res = c > 0;
		break;
	default:
		*res = c >= 0;
		break;
	}
	return 0;
}

/* Calls fn (an EXPR_VALUE_CALL value, taken) with n's arguments. */
static int
call_template(struct eval *ev, struct node *n, struct value *fn,
    struct value **out, char **cause)
{
	struct expr_args	a;
	int			r;

	if (eval_args(ev, n, 1, &a, cause) != 0) {
		value_unref(fn);
		return -1;
	}
	r = template_call(ev, fn, &a, out, cause);
	args_free(&a);
	value_unref(fn);
	return r;
}

static int
eval_call(struct eval *ev, struct node *n, struct value **out, char **cause)
{
	struct node	*callee = n->kids[0];
	struct expr_args a;
	struct value	*obj = NULL, *v;
	int		 r;

	/* Macros, caller(), super(), loop(): template-call.c's. */
	if (ev->tmpl != NULL && callee->type == N_NAME) {
		if (eval_raw(ev, callee, &obj, cause) != 0)
			return -1;
		if (obj != NULL && (obj->flags & EXPR_VALUE_CALL))
			return call_template(ev, n, obj, out, cause);
		value_unref(obj);
		obj = NULL;
	}
	if (callee->type == N_NAME && expr_has_function(callee->name) &&
	    (v = lookup(ev, callee->name)) != NULL)
		value_unref(v);
	else if (callee->type == N_NAME && expr_has_function(callee->name)) {
		if (eval_args(ev, n, 1, &a, cause) != 0)
			return -1;
		r = expr_call_function(ev, callee->name, &a, out, cause);
		args_free(&a);
		return r;
	}
	if (callee->type != N_GETATTR) {
		if (expr_node_value(ev, callee, &obj, cause) != 0)
			return -1;
		free(*cause);
		*cause = xasprintf("'%s' object is not callable",
		    expr_type_name(obj));
		value_unref(obj);
		return -1;
	}
	if (eval_raw(ev, callee->kids[0], &obj, cause) != 0)
		return -1;
	if (obj == NULL)
		return expr_undef_error(ev, cause);
	/* m.macro(), self.block(), loop.cycle(): a callable member */
	if (ev->tmpl != NULL && obj->type == V_DICT &&
	    (v = value_dict_get(obj, callee->name)) != NULL &&
	    (v->flags & EXPR_VALUE_CALL)) {
		value_ref(v);
		value_unref(obj);
		return call_template(ev, n, v, out, cause);
	}
	if (eval_args(ev, n, 1, &a, cause) != 0) {
		value_unref(obj);
		return -1;
	}
	r = expr_call_method(ev, obj, callee->name, &a, &v, cause);
	args_free(&a);
	value_unref(obj);
	if (r != 0)
		return -1;
	return lazy(ev, v, chain_root(callee), 0, out, cause);
}

int
expr_node_eval(struct eval *ev, struct node *n, struct value **out,
    char **cause)
{
	struct value	*a = NULL, *b = NULL, *r;
	struct expr_args args;
	size_t		 i;
	int		 t, rc;
	char		*key;

	*out = NULL;
	if (expr_step(ev, cause) != 0)
		return -1;
	switch (n->type) {
	case N_CONST:
		*out = value_ref(n->v);
		return 0;
	case N_NAME:
	case N_GETATTR:
	case N_GETITEM:
		if (eval_raw(ev, n, &a, cause) != 0)
			return -1;
		if (a == NULL || (a->type != V_LIST && a->type != V_DICT))
			return *out = a, 0;
		return lazy(ev, a, chain_root(n), 0, out, cause);
	case N_SLICE:
		return eval_slice(ev, n, out, cause);
	case N_LIST:
		r = value_list();
		for (i = 0; i < n->nkids; i++) {
			if (expr_node_value(ev, n->kids[i], &a, cause) != 0) {
				value_unref(r);
				return -1;
			}
			value_list_append(r, a);
		}
		*out = r;
		return 0;
	case N_DICT:
		r = value_dict();
		for (i = 0; i + 1 < n->nkids; i += 2) {
			if (expr_node_value(ev, n->kids[i], &a, cause) != 0 ||
			    expr_node_value(ev, n->kids[i + 1], &b, cause) != 0) {
				value_unref(a);
				value_unref(r);
				return -1;
			}
			key = to_str(a);
			value_dict_set(r, key, b);
			free(key);
			value_unref(a);
			a = b = NULL;
		}
		*out = r;
		return 0;
	case N_CALL:
		return eval_call(ev, n, out, cause);
	case N_FILTER:
		if (expr_node_eval(ev, n->kids[0], &a, cause) != 0)
			return -1;
		/* x | default(y): y is not needed (it may be undefined). */
		if (a != NULL && n->nkids < 3 && n->nkw == 0 &&
		    (strcmp(n->name, "default") == 0 ||
		    strcmp(n->name, "d") == 0))
			return *out = a, 0;
		if (eval_args(ev, n, 1, &args, cause) != 0) {
			value_unref(a);
			return -1;
		}
		rc = expr_call_filter(ev, n->name, a, &args, out, cause);
		args_free(&args);
		value_unref(a);
		return rc;
	case N_TEST:
		if (expr_node_eval(ev, n->kids[0], &a, cause) != 0)
			return -1;
		if (eval_args(ev, n, 1, &args, cause) != 0) {
			value_unref(a);
			return -1;
		}
		rc = expr_call_test(ev, n->name, a, &args, &t, cause);
		args_free(&args);
		value_unref(a);
		if (rc == 0)
			*out = value_bool(n->negate ? !t : t);
		return rc;
	case N_UNARY:
		if (expr_node_value(ev, n->kids[0], &a, cause) != 0)
			return -1;
		if (n->op == OP_NOT)
			*out = value_bool(!expr_truthy(a));
		else if (!is_num(a)) {
			free(*cause);
			*cause = xasprintf("bad operand type for unary %s: '%s'",
			    n->op == OP_NEG ? "-" : "+", expr_type_name(a));
			value_unref(a);
			return -1;
		} else if (a->type == V_FLOAT)
			*out = value_float(n->op == OP_NEG ? -a->u.f : a->u.f);
		else
			*out = value_int(n->op == OP_NEG ? -num_i(a) : num_i(a));
		value_unref(a);
		return 0;
	case N_BINOP:
		if (expr_node_value(ev, n->kids[0], &a, cause) != 0)
			return -1;
		if (n->op == OP_AND || n->op == OP_OR) {
			/* Python returns the deciding operand itself. */
			if (expr_truthy(a) == (n->op == OP_OR))
				return *out = a, 0;
			value_unref(a);
			return expr_node_value(ev, n->kids[1], out, cause);
		}
		if (expr_node_value(ev, n->kids[1], &b, cause) != 0) {
			value_unref(a);
			return -1;
		}
		rc = arith(n->op, a, b, out, cause);
		value_unref(a);
		value_unref(b);
		return rc;
	case N_COMPARE:
		if (expr_node_value(ev, n->kids[0], &a, cause) != 0)
			return -1;
		t = 1;
		for (i = 1; i < n->nkids && t; i++) {
			if (expr_node_value(ev, n->kids[i], &b, cause) != 0 ||
			    compare_op(n->ops[i - 1], a, b, &t, cause) != 0) {
				value_unref(a);
				value_unref(b);
				return -1;
			}
			value_unref(a);
			a = b;
			b = NULL;
		}
		value_unref(a);
		*out = value_bool(t);
		return 0;
	case N_COND:
		if (expr_node_value(ev, n->kids[1], &a, cause) != 0)
			return -1;
		t = expr_truthy(a);
		value_unref(a);
		if (t)
			return expr_node_eval(ev, n->kids[0], out, cause);
		if (n->kids[2] == NULL) {
			expr_set_undef(ev, "the inline if-expression evaluated "
			    "to false and no else section was defined");
			return 0;
		}
		return expr_node_eval(ev, n->kids[2], out, cause);
	}
	fatal("expr_node_eval: node type %d", n->type);
}

int
expr_eval(const char *src, const struct expr_scope *scope, struct value **out,
    char **cause)
{
	struct node	*n;
	struct eval	 ev;
	int		 r;

	*out = NULL;
	if ((n = parse_source(src, cause)) == NULL)
		return -1;
	expr_eval_init(&ev, scope);
	r = expr_node_value(&ev, n, out, cause);
	expr_eval_done(&ev);
	expr_node_free(n);
	return r;
}

int
expr_eval_bool(const char *src, const struct expr_scope *scope, int *out,
    char **cause)
{
	struct value	*v;
	int		 b;

	/* when: "{{ x }}" is deprecated in Ansible but still seen. */
	if (strstr(src, "{{") != NULL || strstr(src, "{%") != NULL) {
		if (template_render(src, scope, &v, cause) != 0)
			return -1;
	} else if (expr_eval(src, scope, &v, cause) != 0)
		return -1;
	if (v->type == V_STR && (b = value_as_bool(v)) >= 0 &&
	    strchr(src, '{') != NULL)
		*out = b;
	else
		*out = expr_truthy(v);
	value_unref(v);
	return 0;
}

int
expr_check(const char *src, char **cause)
{
	struct node	*n;

	if ((n = parse_source(src, cause)) == NULL)
		return -1;
	expr_node_free(n);
	return 0;
}
