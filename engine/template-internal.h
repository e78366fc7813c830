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

/*
 * template-stmt.c: macro, call, import, include, extends, block, ...
 * Parses the tag named name (its tokens from p->i): 0 and *out, -1 (and
 * *out, to free, if not NULL), or 1 if the tag is not one of these.
 */
int		 template_parse_stmt(struct tparser *, struct parser *,
		    const char *, struct tnode **);

/* template-call.c */
/* Renders a node of a type template-stmt.c parses. */
int		 template_render_stmt(struct eval *, struct tnode *,
		    struct buf *, char **);
/*
 * Renders a parsed template as a whole (blocks, extends), with the render
 * state made from o (o->dir: the template's directory) if ev has none.
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

/* The render state of a template and what it includes: template-call.c. */
/*
 * Includes, imports, extends, macro and caller calls and loop() nested in
 * one another: a template including itself stops here, not at the stack's
 * end.
 */
#define TEMPLATE_MAX_CALLS	50

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
	int			  depth;	/* includes and calls */
	int			  nest;		/* lists being rendered */
};

/* What a template imported (or included) without the context sees. */
extern const struct expr_scope	template_no_scope;
/* One more level of includes and calls: 0, or -1 past TEMPLATE_MAX_CALLS. */
int		 template_depth_enter(struct eval *, const char *what, char **);
/* Frames (and scope) swapped in for a body, and back. */
struct frames_saved {
	struct value		**frames;
	size_t			  nframes;
	size_t			  cap;
	const struct expr_scope	 *scope;
};
/* The frames given (new refs), scope as the scope, a fresh frame on top. */
void		 template_frames_enter(struct eval *, struct value **, size_t,
		    const struct expr_scope *, struct frames_saved *);
void		 template_frames_leave(struct eval *, struct frames_saved *);

/* template-load.c */
/*
 * The first template t->expr names (a name or a list) by Ansible's search
 * path: 0 and *out (NULL when missing and ignore_missing), or -1.
 */
int		 template_load_named(struct eval *, struct tnode *,
		    int ignore_missing, struct tfile **, char **);
/* {% import %} and {% from %}: binds the module or its names. */
int		 template_render_import(struct eval *, struct tnode *, char **);
int		 template_render_include(struct eval *, struct tnode *,
		    struct buf *, char **);

#endif
