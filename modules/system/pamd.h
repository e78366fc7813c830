/*
 * The pamd module's pure side: a PAM service file as community.general's
 * pamd reads it (comments, @include lines, blank lines, rules of type,
 * control, module path and arguments), its edits with their quirks, and
 * the text it writes back (every rule re-rendered, the "# Updated by
 * Ansible" mark on the second line), so both tools leave the same bytes.
 * Nothing here talks to a host.
 */
#ifndef CAIRN_PAMD_H
#define CAIRN_PAMD_H

#include <stddef.h>

#include "util.h"

enum pamd_kind { PAMD_BLANK, PAMD_COMMENT, PAMD_INCLUDE, PAMD_RULE };

struct pamd_line {
	enum pamd_kind	 kind;
	char		*text;		/* the line as read, not a rule */
	char		*type;		/* a rule's fields */
	char		*control;	/* "[a=b c=d]" as rendered */
	char		*path;
	char	       **args;
	size_t		 nargs;
};

struct pamd {
	struct pamd_line *lines;
	size_t		  n;
};

/* Parses a service file's text (never fails: see pamd_validate). */
void	 pamd_parse(const char *text, struct pamd *);
void	 pamd_free(struct pamd *);

/*
 * Module arguments as pamd's parse_module_arguments splits them: each
 * item on blanks, a "[" word running to the last "]" of the item; a
 * list of one empty item is no arguments.  Appends malloc'd words to
 * *out (n in *nout).
 */
void	 pamd_split_args(const char *const *items, size_t nitems,
	    char ***out, size_t *nout);

/* What the task asks for; every string borrowed. */
struct pamd_req {
	const char	 *type, *control, *path;
	const char	 *new_type, *new_control, *new_path;	/* or NULL */
	char		**args;		/* split module_arguments */
	size_t		  nargs;
	int		  has_args;	/* module_arguments was given */
};

/*
 * The states: each returns the number of rules changed (pamd's
 * change_count), editing p in place.  before/after insert the new rule
 * next to each matching one unless the nearest rule on that side (past
 * comments and blank lines, which are dropped between the two as pamd
 * drops them) is it already.
 */
int	 pamd_update(struct pamd *, const struct pamd_req *);
int	 pamd_insert_before(struct pamd *, const struct pamd_req *);
int	 pamd_insert_after(struct pamd *, const struct pamd_req *);
int	 pamd_args_present(struct pamd *, const struct pamd_req *);
int	 pamd_args_absent(struct pamd *, const struct pamd_req *);
int	 pamd_remove(struct pamd *, const struct pamd_req *);

/*
 * Checks every rule's type and control as pamd's validate: 0, or -1 and
 * *cause ("Rule control, X, is not valid in rule LINE").
 */
int	 pamd_validate(const struct pamd *, char **cause);

/*
 * The file text: every line, rules rendered as "%-11s%s %s ARGS", with
 * mark ("# Updated by Ansible - TIME") as the second line, replacing one
 * already there.
 */
void	 pamd_render(const struct pamd *, const char *mark, struct buf *);

#endif
