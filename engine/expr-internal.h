/* Shared by expr.c, expr-filters*.c and template.c: the AST and evaluator. */
#ifndef CAIRN_EXPR_INTERNAL_H
#define CAIRN_EXPR_INTERNAL_H

#include <stdint.h>

#include "expr.h"

/* Tokens of the expression lexer. */
enum tok_type {
	T_EOF,		/* end of the source (expr_eval) */
	T_END,		/* "}}" or "%}" closing a template tag */
	T_NAME,
	T_STR,
	T_INT,
	T_FLOAT,
	T_OP,
};

enum op {
	OP_NONE,
	OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_FLOORDIV, OP_MOD, OP_POW, OP_TILDE,
	OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_IN, OP_NOTIN,
	OP_AND, OP_OR, OP_NOT, OP_NEG, OP_POS,
	OP_ASSIGN, OP_LPAREN, OP_RPAREN, OP_LBRACKET, OP_RBRACKET,
	OP_LBRACE, OP_RBRACE, OP_COMMA, OP_DOT, OP_COLON, OP_PIPE,
};

struct token {
	enum tok_type	 type;
	enum op		 op;
	size_t		 pos;	/* byte offset in the whole source text */
	size_t		 len;
	struct value	*v;	/* T_STR, T_INT, T_FLOAT */
	char		*s;	/* T_NAME */
	int		 strip;	/* T_END: 1 for "-}}"/"-%}", -1 for "+%}" */
};

struct tokens {
	struct token	*t;
	size_t		 n;
	size_t		 cap;
};

enum node_type {
	N_CONST,	/* v */
	N_NAME,		/* name */
	N_LIST,		/* kids: items */
	N_DICT,		/* kids: key, value, key, value... */
	N_GETATTR,	/* kids[0].name */
	N_GETITEM,	/* kids[0][kids[1]] */
	N_SLICE,	/* kids[0][kids[1]:kids[2]:kids[3]], any may be NULL */
	N_CALL,		/* kids[0](kids[1..], kw) */
	N_FILTER,	/* kids[0] | name(kids[1..], kw) */
	N_TEST,		/* kids[0] is [not] name(kids[1..], kw) */
	N_UNARY,	/* op kids[0] */
	N_BINOP,	/* kids[0] op kids[1], and/or included */
	N_COMPARE,	/* kids[0] ops[0] kids[1] ops[1] kids[2]... */
	N_COND,		/* kids[0] if kids[1] else kids[2] (may be NULL) */
};

struct node {
	enum node_type	  type;
	enum op		  op;
	enum op		 *ops;
	size_t		  pos;
	struct value	 *v;
	char		 *name;
	struct node	**kids;
	size_t		  nkids;
	char		**kwnames;
	struct node	**kwargs;
	size_t		  nkw;
	int		  negate;
	int		  depth;	/* 1 + the deepest kid's */
};

/* A parser over a token array; text is the whole source, for messages. */
struct parser {
	const char	*text;
	struct tokens	*toks;
	size_t		 i;
	char		*cause;
	int		 depth;		/* nested sub-expressions being parsed */
};
/*
 * Hostile input must not exhaust the stack: the parser refuses more
 * nested sub-expressions (parentheses, lists, "not not ...") than
 * EXPR_MAX_NEST, and a tree deeper than EXPR_MAX_TREE (long chains of
 * filters, attributes or operators), which evaluating and freeing walk
 * recursively.
 */
#define EXPR_MAX_NEST	200
#define EXPR_MAX_TREE	1000

struct tctx;

/*
 * Evaluation state: the scope, template locals and the lazy-render guard.
 * Variables whose templates name other variables nest at most
 * EXPR_MAX_DEPTH deep (ansible-core gives up near 137, on Python's
 * recursion limit); each variable is rendered once per evaluation (memo),
 * so "a: '{{ b }}{{ b }}'" chains cost their length, not 2^length.
 */
#define EXPR_MAX_DEPTH	128
#define EXPR_MAX_MEMO	4096
/* The largest string (bytes) or list (items) s * n may make. */
#define EXPR_MAX_REPEAT	(64 * 1000000)
/* EXPR_MAX_REPEAT, unless a fuzz harness lowers it to stay fast. */
extern size_t	expr_max_result;
/*
 * The evaluation budget, as Lua modules have one: an evaluation (one
 * template or expression, with the variables it renders) may take at most
 * EXPR_MAX_STEPS steps (expression nodes and template statements), some
 * seconds of work, then fails instead of hanging the task.
 */
#define EXPR_MAX_STEPS	(10 * 1000000ULL)
extern unsigned long long	expr_max_steps;
struct eval;
/* Counts one step of ev: 0, or -1 and *cause past the budget. */
int		 expr_step(struct eval *, char **cause);
struct eval {
	const struct expr_scope	 *scope;
	struct value		**frames;	/* dicts of locals, innermost last */
	size_t			  nframes;
	size_t			  cap;
	const char		 *resolving[EXPR_MAX_DEPTH];
	size_t			  nresolving;
	/* rendered variables: memo_out[i] is what memo_src[i] (held) gave */
	struct value		**memo_src;
	struct value		**memo_out;
	size_t			  nmemo;
	int			  depth;
	unsigned long long	  steps;	/* against expr_max_steps */
	char			 *undef;	/* why the last undefined is undefined */
	struct tctx		 *tmpl;		/* template.c's render state, or NULL */
};

/*
 * A value standing for something callable in a template (a macro,
 * caller, super, self.block, loop.cycle): a V_INT indexing the render
 * state's table, marked so.  Outside value.h's flag bits.
 */
#define EXPR_VALUE_CALL	0x4000
/* A dict a for loop unpacks as its values (groupby's grouper, list). */
#define EXPR_VALUE_TUPLE	0x2000
/* A dict made by namespace(): "{% set ns.x = v %}" may change it. */
#define EXPR_VALUE_NAMESPACE	0x8000

/* Arguments of a filter, test, function or method call. */
struct expr_args {
	struct value	**pos;
	size_t		  npos;
	char		**kwnames;
	struct value	**kwvals;
	size_t		  nkw;
};

/* expr.c */
/* 0, or -1 and *cause for a result of n bytes or items past the limit. */
int		 expr_size_check(size_t n, char **cause);
void		 expr_error(char **, const char *, size_t, const char *, ...)
		    __attribute__((format(printf, 4, 5)));
int		 expr_lex(const char *, size_t, int, struct tokens *, size_t *,
		    char **);
/* The same, closed by the given string ("}}", or a template's own). */
int		 expr_lex_until(const char *, size_t, int, const char *,
		    struct tokens *, size_t *, char **);
#define LEX_EXPR	0	/* until the end of the string */
#define LEX_VAR		1	/* until "}}" */
#define LEX_BLOCK	2	/* until "%}" */
void		 expr_tokens_free(struct tokens *);
struct node	*expr_parse_expr(struct parser *);
struct node	*expr_parse_tuple(struct parser *);
/* An expression without "x if c else y" (a for loop's iterable). */
struct node	*expr_parse_or(struct parser *);
const struct token *expr_peek(struct parser *);
void		 expr_unexpected(struct parser *);
void		 expr_node_free(struct node *);
/*
 * Evaluates a node: 0 and *out (NULL when undefined, the reason in
 * ev->undef), or -1 and *cause.  Results are fully rendered.
 */
int		 expr_node_eval(struct eval *, struct node *, struct value **,
		    char **);
/* The same, but an undefined result is an error. */
int		 expr_node_value(struct eval *, struct node *, struct value **,
		    char **);
void		 expr_set_undef(struct eval *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
/* A call's (or filter's) arguments, kids[1..] and keywords: 0, or -1. */
int		 expr_eval_args(struct eval *, struct node *, struct expr_args *,
		    char **);
void		 expr_args_free(struct expr_args *);
/* A variable: template locals first, then the scope; new ref or NULL. */
struct value	*expr_lookup(struct eval *, const char *);
/* Makes a caller-facing error of an undefined result; always -1. */
int		 expr_undef_error(struct eval *, char **);
void		 expr_eval_init(struct eval *, const struct expr_scope *);
void		 expr_eval_done(struct eval *);
void		 expr_push_frame(struct eval *);
void		 expr_pop_frame(struct eval *);
void		 expr_set_local(struct eval *, const char *, struct value *);
int		 expr_truthy(const struct value *);
/* Python ordering: -2 if the types do not compare. */
int		 expr_compare(const struct value *, const struct value *, int);
const char	*expr_type_name(const struct value *);
/* Attribute or key of a value (a "." path is split), new ref or NULL. */
struct value	*expr_getattr(struct value *, const char *);
/* Python's "needle in hay": 0 or 1, or -1 and *cause. */
int		 expr_contains(struct value *, struct value *, char **);

/* expr-filters.c: the filter table, dispatch and shared helpers. */
int		 expr_call_filter(struct eval *, const char *, struct value *,
		    const struct expr_args *, struct value **, char **);
/* Replaces *cause with the message; always -1. */
int		 expr_fail(char **, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
/* Positional argument i, or the keyword kw; borrowed, NULL if absent. */
struct value	*expr_arg(const struct expr_args *, size_t, const char *);
/* The argument's truth, or def when absent. */
int		 expr_arg_bool(const struct expr_args *, size_t, const char *,
		    int);
/* An integer (or bool) argument, def when absent or none; 0, or -1. */
int		 expr_arg_int(const struct expr_args *, size_t, const char *,
		    long long, long long *, char **);
/* A string argument (borrowed), or def. */
const char	*expr_arg_str(const struct expr_args *, size_t, const char *,
		    const char *);
/* A dict's entries in key order: a malloc'd array of their indexes. */
size_t		*expr_sorted_keys(const struct value *);
/* The value as Python's str() (malloc'd). */
char		*expr_str_of(const struct value *);
/* A string value of the buffer, which is released. */
struct value	*expr_str_buf(struct buf *);
/* 0 if the value has type t, or -1 and "WHAT expects a T, got U". */
int		 expr_need(const struct value *, enum value_type, const char *,
		    char **);
/* Lists, strings and dict keys as a fresh list, as Python's list() does. */
int		 expr_as_list(struct value *, struct value **, const char *,
		    char **);
/* An int, float or bool as a double: 0, or -1 for another type. */
int		 expr_num_of(const struct value *, double *);
/* Collections' names ("ansible.builtin.x") as the built-in name. */
const char	*expr_short_name(const char *);

/*
 * A built-in filter or test of one topic (expr-filters-TOPIC.c); each
 * topic's table ends with a NULL name.
 */
#define EXPR_F_UNDEF	0x1	/* called with undefined input too */
struct expr_filter {
	const char	*name;
	int		(*fn)(struct eval *, struct value *,
			    const struct expr_args *, struct value **, char **);
	int		 flags;
};
struct expr_test {
	const char	*name;
	int		(*fn)(struct eval *, struct value *,
			    const struct expr_args *, int *, char **);
	int		 flags;
};
extern const struct expr_filter	expr_filters_string[];
extern const struct expr_filter	expr_filters_regex[];
extern const struct expr_filter	expr_filters_list[];
extern const struct expr_filter	expr_filters_encode[];
extern const struct expr_filter	expr_filters_path[];
extern const struct expr_filter	expr_filters_num[];
extern const struct expr_filter	expr_filters_text[];
extern const struct expr_filter	expr_filters_seq[];
extern const struct expr_filter	expr_filters_data[];
extern const struct expr_test	expr_tests_regex[];

/* expr-filters-seq.c: Python's random.Random, for seeded results. */
struct py_random {
	uint32_t	mt[624];
	int		mti;
};
/* Seeds as Random(seed) does: an int, or a string (with its SHA-512). */
void		 expr_pyrand_seed(struct py_random *, const struct value *);
/* Random()._randbelow(n): 0 <= r < n. */
unsigned long long expr_pyrand_below(struct py_random *, unsigned long long);

/* expr-filters-data.c: a digest (OpenSSL's name) in hex: 0, or -1. */
int		 expr_digest_hex(const char *, const void *, size_t, struct buf *);

/* expr-filters-list.c */
/* 1 if the list l holds a value equal to v. */
int		 expr_list_has(const struct value *l, const struct value *v);

/* expr-filters-test.c */
int		 expr_call_test(struct eval *, const char *, struct value *,
		    const struct expr_args *, int *, char **);

/* lookup.c */
/* lookup(name, terms..., kw=)/query(): 0 and *out, or -1 and *cause. */
int		 lookup_call(struct eval *, const struct expr_args *, int wantlist,
		    struct value **, char **);
/*
 * A controller file by Ansible's search path: subdir ("files",
 * "templates") of the role and the playbook, then the role, its tasks/
 * and the playbook themselves.  A malloc'd path, or NULL.
 */
char		*lookup_find_file(struct eval *, const char *subdir,
		    const char *name);

/* lookup-inventory.c: the inventory_hostnames plugin. */
int		 lookup_inventory_hostnames(struct eval *, struct value *terms,
		    const struct expr_args *, struct value *acc, char **);

/* expr-filters-func.c */
int		 expr_call_function(struct eval *, const char *,
		    const struct expr_args *, struct value **, char **);
int		 expr_has_function(const char *);

/* expr-filters-string.c */
/* obj.name(args): str, dict and list methods Ansible users call. */
int		 expr_call_method(struct eval *, struct value *, const char *,
		    const struct expr_args *, struct value **, char **);
/* Python's "fmt % args". */
int		 expr_format_percent(const struct value *, const struct value *,
		    struct value **, char **);

/* template.c */
/* Renders a template with its options (a string result, always). */
int		 template_render_opts(struct eval *, const char *,
		    const struct template_opts *, struct value **, char **);
/* Renders a (lazily looked-up) template string in the evaluation's scope. */
int		 template_render_eval(struct eval *, const char *,
		    struct value **, char **);
/* Renders every template string in a value; new reference. */
int		 template_value_eval(struct eval *, struct value *,
		    struct value **, char **);
/* Calls an EXPR_VALUE_CALL value with the arguments: 0 and *out, or -1. */
int		 template_call(struct eval *, struct value *,
		    const struct expr_args *, struct value **, char **);

#endif
