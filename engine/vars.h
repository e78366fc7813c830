/*
 * Variable scopes: the layers of Ansible's variable precedence, looked up
 * from the highest down, then facts as ansible_* names, then the magic
 * variables the executor provides (inventory_hostname, hostvars, ...).
 */
#ifndef CAIRN_VARS_H
#define CAIRN_VARS_H

#include "expr.h"
#include "value.h"

#define SCOPE_MAX_LAYERS 16

struct scope {
	struct expr_scope	 es;		/* hand &scope->es to expr_* */
	struct value		*layers[SCOPE_MAX_LAYERS]; /* highest first */
	size_t			 nlayers;
	struct value		*facts;		/* ansible_facts (no prefix) */
	struct value		*bare_facts;	/* facts that are plain names too */
	/* magic variables: new reference or NULL */
	struct value		*(*magic)(void *, const char *);
	void			*magic_ud;
};

/* Layers are borrowed: they must outlive the scope. NULL layers are skipped. */
void	 scope_init(struct scope *, struct value *facts,
	    struct value *(*magic)(void *, const char *), void *magic_ud);
void	 scope_push(struct scope *, struct value *);	/* lower than the rest */
struct value *scope_lookup(struct scope *, const char *);

#endif
