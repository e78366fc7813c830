/* Variable scopes for template evaluation. */
#include <stdlib.h>
#include <string.h>

#include "vars.h"

static struct value *
scope_lookup_cb(void *ud, const char *name)
{
	return scope_lookup(ud, name);
}

/* Every name a layer defines (the varnames lookup), duplicates and all. */
static struct value *
scope_names_cb(void *ud)
{
	struct scope	*s = ud;
	struct value	*l = value_list();

	for (size_t i = 0; i < s->nlayers; i++)
		if (s->layers[i]->type == V_DICT)
			for (size_t k = 0; k < s->layers[i]->u.dict.n; k++)
				value_list_append(l,
				    value_str(s->layers[i]->u.dict.keys[k]));
	return l;
}

void
scope_init(struct scope *s, struct value *facts,
    struct value *(*magic)(void *, const char *), void *magic_ud)
{
	memset(s, 0, sizeof *s);
	s->es.lookup = scope_lookup_cb;
	s->es.names = scope_names_cb;
	s->es.ud = s;
	s->facts = facts;
	s->bare_facts = NULL;
	s->magic = magic;
	s->magic_ud = magic_ud;
}

void
scope_push(struct scope *s, struct value *layer)
{
	if (layer == NULL)
		return;
	if (s->nlayers == SCOPE_MAX_LAYERS)
		fatal("too many variable layers");
	s->layers[s->nlayers++] = layer;
}

struct value *
scope_lookup(struct scope *s, const char *name)
{
	struct value	*v;
	size_t		 i;

	for (i = 0; i < s->nlayers; i++) {
		if ((v = value_dict_get(s->layers[i], name)) != NULL)
			return value_ref(v);
	}
	if (s->facts != NULL) {
		if (strcmp(name, "ansible_facts") == 0)
			return value_ref(s->facts);
		if (str_startswith(name, "ansible_") &&
		    (v = value_dict_get(s->facts, name + 8)) != NULL)
			return value_ref(v);
	}
	if (s->bare_facts != NULL &&
	    (v = value_dict_get(s->bare_facts, name)) != NULL)
		return value_ref(v);
	return s->magic != NULL ? s->magic(s->magic_ud, name) : NULL;
}
