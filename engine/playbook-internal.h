/* The loader and its helpers, shared by playbook.c and playbook-role.c only. */
#ifndef CAIRN_PLAYBOOK_INTERNAL_H
#define CAIRN_PLAYBOOK_INTERNAL_H

#include "playbook.h"

struct loader {
	const char	*path;		/* the top playbook */
	const char	*dir;		/* its directory */
	char		*cause;
	int		 depth;		/* import nesting */
	struct play	*play;		/* the play being read */
	struct role	*role;		/* the role whose files are being read */
	int		 dynamic;	/* reading an include at run time */
	int		 in_deps;	/* reading meta dependencies */
	struct value	*warnings;	/* list of strings, or NULL */
	struct value	*errors;	/* list of strings, or NULL */
	struct value	*collections;	/* the play's "collections", or NULL */
	char		*role_basedir;	/* loading a role's dependencies */
	int		 module_defaults; /* inside a module_defaults' scope */
};

/* playbook.c */

/* 1 when s is in the NULL-terminated list, else 0. */
int		 playbook_in_list(const char *const *list, const char *s);
/*
 * Sets ld->cause to "file:line:col: message" at v (at ld->path when v
 * has no location) unless a cause is set already.  Returns -1.
 */
int		 playbook_fail_at(struct loader *, const struct value *v,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Adds "file:line:col: message" at v to ld->warnings. */
void		 playbook_warn_at(struct loader *, const struct value *v,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The value under a key of a mapping, or NULL: short, as it is everywhere. */
static inline struct value *
get(const struct value *d, const char *key)
{
	return value_dict_get(d, key);
}
/*
 * A "when"-like value v (a string or a list of strings, booleans
 * allowed, each a bare expression, checked here) as a new list in *out;
 * nothing when v is NULL.  0, or -1 with ld->cause.
 */
int		 playbook_want_conditions(struct loader *, struct value *v,
		    const char *what, struct value **out);
/*
 * module_defaults as written (a mapping or a list of mappings, keys
 * static, values may template) as a new list of the mappings in *out;
 * nothing when v is NULL.  0, or -1 with ld->cause.
 */
int		 playbook_want_module_defaults(struct loader *, struct value *v,
		    struct value **out);
/*
 * inherited's tags (NULL: none), then v's ("a,b", a list or a number),
 * as a new list of strings in *out.  0, or -1 with ld->cause.
 */
int		 playbook_want_tags(struct loader *, struct value *v,
		    struct value *inherited, struct value **out);
/*
 * Appends the tasks of list v (NULL or null: none) to *list (*n used,
 * *cap allocated), inlining import_tasks and import_role.  what names v
 * in messages, tags are inherited, section is "tasks" or "handlers".
 * 0, or -1 with ld->cause.
 */
int		 playbook_parse_tasks(struct loader *, struct value *v,
		    const char *what, struct value *tags, const char *section,
		    struct task ***list, size_t *n, size_t *cap);

/*
 * Moves ld->cause, if any, to ld->errors, so that loading goes on and
 * every mistake is reported at once.
 */
void		 playbook_keep_error(struct loader *);

/* playbook-ansible.c */

/*
 * The full name of an Ansible 2.14 module (ansible.builtin or a common
 * collection) that name, short or full, stands for; NULL if none.
 */
const char	*playbook_ansible_module(const char *name);
/*
 * 1 when the module_defaults group ("docker", "community.docker.docker")
 * holds module m, as Ansible 2.14's action groups say.
 */
int		 playbook_action_group_has(const char *group,
		    const struct module_entry *m);

/* playbook-role.c */

/*
 * The directory of role name, searched as Ansible 2.14 does: a
 * "ns.coll.role" (or a short name under the play's collections) in the
 * collections path; then roles/ beside the playbook, the roles path,
 * the depending role's directory, the playbook's directory; then the
 * name as a path.  malloc'd, or NULL and (where non-NULL) *where the
 * places tried, ':' between, malloc'd.
 */
char		*playbook_role_search(struct loader *, const char *name,
		    char **where);

/* Frees a role; NULL is fine. */
void		 playbook_role_free(struct role *);
/*
 * import_role / include_role (rv its value in task node) with a literal
 * name: appends the role's tasks to *list and its handlers to the play's.
 * 0, or -1 with ld->cause.
 */
int		 playbook_role_import(struct loader *, struct value *node,
		    struct value *rv, struct value *tags, struct task ***list,
		    size_t *n, size_t *cap);
/*
 * The play's "roles:" v (NULL or null: none): each role's tasks go to
 * p->role_tasks, its handlers to p->handlers.  0, or -1 with ld->cause.
 */
int		 playbook_parse_roles(struct loader *, struct value *v, struct play *p);

#endif
