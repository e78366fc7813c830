/* Shared by template.c and template-*.c: the template tree and render state. */
#ifndef CAIRN_TEMPLATE_INTERNAL_H
#define CAIRN_TEMPLATE_INTERNAL_H

#include "expr-internal.h"

enum tnode_type {
	TN_TEXT,
	TN_OUT,
	TN_IF,
	TN_FOR,
	TN_SET,
	TN_MACRO,	/* name(params=defaults): body */
	TN_CALL,	/* expr is the call, params the caller's */
	TN_IMPORT,	/* expr as name */
	TN_FROM,	/* from expr import targets as aliases */
	TN_INCLUDE,	/* expr, TF_IGNORE_MISSING */
	TN_EXTENDS,	/* expr */
	TN_BLOCK,	/* name: body */
	TN_FILTER,	/* expr filters TEMPLATE_FILTER_BODY: body */
	TN_WITH,	/* params = defaults: body */
	TN_BREAK,
	TN_CONTINUE,
};

struct tnode;
struct tlist {
	struct tnode	**v;
	size_t		  n;
};

#define TF_IGNORE_MISSING	0x1	/* include ... ignore missing */
#define TF_RECURSIVE		0x2	/* for ... recursive */
#define TF_CONTEXT		0x4	/* import/include "with context" */

struct tnode {
	enum tnode_type	 type;
	size_t		 pos;
	const char	*text;		/* TN_TEXT: points into the template */
	size_t		 len;
	struct node	*expr;		/* TN_OUT, TN_SET value, TN_FOR iterable */
	struct node	**conds;	/* TN_IF: NULL for else */
	struct tlist	*bodies;
	size_t		 nbranch;
	char		**targets;	/* TN_FOR, TN_SET, TN_FROM */
	size_t		 ntargets;
	struct node	*filter;	/* TN_FOR: "for x in y if cond" */
	struct tlist	 body;		/* TN_FOR, block TN_SET, TN_MACRO... */
	struct tlist	 else_body;	/* TN_FOR */
	char		*name;		/* TN_MACRO, TN_BLOCK, TN_IMPORT, "set a.NAME" */
	char		**params;	/* TN_MACRO, TN_CALL, TN_WITH */
	struct node	**defaults;	/* each param's default, or NULL */
	size_t		 nparams;
	char		**aliases;	/* TN_FROM: one per target */
	int		 flags;		/* TF_* */
};

/* The local a {% filter %} block's rendered body is bound to. */
#define TEMPLATE_FILTER_BODY	" body"

enum piece_type {
	P_TEXT,
	P_VAR,
	P_BLOCK,
};

struct piece {
	enum piece_type	 type;
	size_t		 pos;
	const char	*text;
	size_t		 len;
	struct tokens	 toks;
};

struct tparser {
	const char			*text;
	const struct template_opts	*o;
	struct piece			*pieces;
	size_t				 n;
	size_t				 i;
	char				*cause;
	int				 depth;	/* nested blocks */
	int				 loops;	/* enclosing for loops */
	struct tnode			**blocks; /* every {% block %}, flat */
	size_t				 nblocks;
};

struct template {
	struct tparser	tp;
	struct tlist	body;
};

/* Render results past 0: a {% break %} or {% continue %} on its way out. */
#define RENDER_BREAK	1
#define RENDER_CONTINUE	2

/* template.c */
struct tnode	*template_tnode_new(enum tnode_type, size_t);
void		 template_tlist_add(struct tlist *, struct tnode *);
/* Moves a parser's error into the template parser's; always -1. */
int		 template_parse_fail(struct tparser *, struct parser *);
struct node	*template_tag_expr(struct tparser *, struct parser *, int);
int		 template_tag_end(struct tparser *, struct parser *);
int		 template_parse_body(struct tparser *, struct tlist *,
		    const char *const *);
int		 template_end_expected(struct tparser *, const char *);
int		 template_piece_name(struct tparser *, const char *);
/* Parses text into tm: 0, or -1 and *cause. */
int		 template_parse(const char *, const struct template_opts *,
		    struct template *, char **);
void		 template_free(struct template *);
/* Line ends as "\n", as Jinja2 reads a source: malloc'd. */
char		*template_lf(const char *);
/* Renders a list into b: 0, RENDER_BREAK/CONTINUE, or -1 and *cause. */
int		 template_render_list(struct eval *, struct tlist *,
		    struct buf *, char **);

/* template-stmt.c: macro, call, import, include, extends, block, ... */
/* Parses the tag named name (its tokens from p->i): 1 if not ours. */
int		 template_parse_stmt(struct tparser *, struct parser *,
		    const char *, struct tnode **);
/* Renders a node of a type template-stmt.c parses. */
int		 template_render_stmt(struct eval *, struct tnode *,
		    struct buf *, char **);
/*
 * Renders a parsed template as a whole (blocks, extends), with the
 * render state made if ev has none; dir is the template's directory.
 */
int		 template_render_root(struct eval *, struct template *,
		    const struct template_opts *, struct buf *, char **);
/*
 * One run of a for loop: loop.cycle, loop.changed and (recursive loops)
 * loop() for its items; owned by the render state.
 */
struct tloop;
struct tloop	*template_loop_begin(struct eval *, struct tnode *, int depth);
/* Puts cycle/changed (and the recursion) into item i's loop dict. */
void		 template_loop_item(struct tloop *, struct value *loop,
		    size_t i);

/* template.c: a for loop over seq's items at a recursion depth. */
int		 template_render_for_items(struct eval *, struct tnode *,
		    struct value *seq, int depth, struct buf *, char **);

#endif
