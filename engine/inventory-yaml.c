/* YAML inventories (all: hosts/vars/children), as ansible-core's plugin. */
#include <stdlib.h>
#include <string.h>

#include "inventory-internal.h"
#include "yaml.h"

struct yinv_ctx {
	struct inventory	*inv;
	const char		*file;
	char			**cause;
};

static int
yinv_error(struct yinv_ctx *yc, const struct value *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
yinv_error(struct yinv_ctx *yc, const struct value *at, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg, *where = NULL;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (at != NULL)
		where = loc_format(&at->loc);
	if (where != NULL && *where != '\0')
		*yc->cause = xasprintf("%s: %s", where, msg);
	else
		*yc->cause = xasprintf("%s:1:1: %s", yc->file, msg);
	free(where);
	free(msg);
	return -1;
}

static int
yinv_is_map(const struct value *v)
{
	return v == NULL || v->type == V_DICT || v->type == V_NULL;
}

static int
yinv_hosts(struct yinv_ctx *yc, struct inv_group *g, struct value *hosts)
{
	struct value	*hv;
	struct inv_host	*h;
	char		**names, *cause;
	const char	*pattern;
	size_t		  i, j, k;
	int		  port;

	for (i = 0; i < hosts->u.dict.n; i++) {
		pattern = hosts->u.dict.keys[i];
		hv = hosts->u.dict.vals[i];
		if (!yinv_is_map(hv)) {
			return yinv_error(yc, hv, "host '%s' in group '%s' "
			    "must map to variables or be empty, not a %s",
			    pattern, g->name, value_type_name(hv->type));
		}
		if (inventory_expand_hostpattern(pattern, &names, &port,
		    &cause) != 0) {
			yinv_error(yc, hv, "%s", cause);
			free(cause);
			return -1;
		}
		for (j = 0; names[j] != NULL; j++) {
			h = inventory_add_host(yc->inv, names[j], g, yc->file);
			if (port != -1) {
				struct value *pv = value_int(port);

				pv->loc = hv->loc;
				inventory_set_var(h->vars, "ansible_port", pv);
			}
			if (hv->type != V_DICT)
				continue;
			for (k = 0; k < hv->u.dict.n; k++) {
				inventory_set_var(h->vars, hv->u.dict.keys[k],
				    value_ref(hv->u.dict.vals[k]));
			}
		}
		inventory_free_names(names);
		if (yc->inv->nhosts > inventory_max_hosts)
			return yinv_error(yc, hv, "the inventory holds more "
			    "than %zu hosts", inventory_max_hosts);
	}
	return 0;
}

static int yinv_group(struct yinv_ctx *, const char *, struct value *, int);

static int
yinv_children(struct yinv_ctx *yc, struct inv_group *g, struct value *kids,
    int depth)
{
	struct inv_group	*child;
	char			*cause;
	size_t			 i;

	for (i = 0; i < kids->u.dict.n; i++) {
		if (yinv_group(yc, kids->u.dict.keys[i], kids->u.dict.vals[i],
		    depth + 1) != 0)
			return -1;
		child = inventory_find_group(yc->inv, kids->u.dict.keys[i]);
		if (child == NULL) {
			return yinv_error(yc, kids->u.dict.vals[i], "'%s' is "
			    "not a known host nor group",
			    kids->u.dict.keys[i]);
		}
		if (inventory_add_child(yc->inv, g, child, &cause) != 0) {
			yinv_error(yc, kids->u.dict.vals[i], "%s", cause);
			free(cause);
			return -1;
		}
	}
	return 0;
}

/* _parse_group(): a group's hosts, vars and children, recursively. */
static int
yinv_group(struct yinv_ctx *yc, const char *name, struct value *data,
    int depth)
{
	static const char *const sections[] = { "vars", "children", "hosts",
	    NULL };
	struct inv_group	*g;
	struct value		*val, *conv;
	const char		*key;
	size_t			 i;
	int			 r = 0;

	if (depth > 100)
		return yinv_error(yc, data, "groups nested too deep");
	if (!yinv_is_map(data)) {
		inventory_warn(yc->inv, &data->loc, "skipping '%s' as this is "
		    "not a valid group definition", name);
		return 0;
	}
	g = inventory_add_group(yc->inv, name);
	if (data == NULL || data->type == V_NULL)
		return 0;
	for (i = 0; sections[i] != NULL; i++) {
		if ((val = value_dict_get(data, sections[i])) == NULL)
			continue;
		if (val->type != V_STR && !yinv_is_map(val)) {
			return yinv_error(yc, val, "invalid '%s' entry for "
			    "group '%s': requires a mapping, found a %s",
			    sections[i], name, value_type_name(val->type));
		}
	}
	for (i = 0; r == 0 && i < data->u.dict.n; i++) {
		key = data->u.dict.keys[i];
		val = data->u.dict.vals[i];
		conv = NULL;
		/* "hosts: web1" is allowed as a mapping with one key. */
		if (val->type == V_STR && (strcmp(key, "vars") == 0 ||
		    strcmp(key, "children") == 0 ||
		    strcmp(key, "hosts") == 0)) {
			conv = value_dict();
			conv->loc = val->loc;
			value_dict_set(conv, val->u.str.s, value_null());
			conv->u.dict.vals[0]->loc = val->loc;
			val = conv;
		}
		if (!yinv_is_map(val)) {
			inventory_warn(yc->inv, &val->loc, "skipping key '%s' "
			    "in group '%s' as it is not a mapping, it is a %s",
			    key, name, value_type_name(val->type));
		} else if (val->type == V_NULL)
			;	/* an empty section */
		else if (strcmp(key, "vars") == 0) {
			for (size_t k = 0; k < val->u.dict.n; k++) {
				inventory_set_var(g->vars, val->u.dict.keys[k],
				    value_ref(val->u.dict.vals[k]));
			}
		} else if (strcmp(key, "children") == 0)
			r = yinv_children(yc, g, val, depth);
		else if (strcmp(key, "hosts") == 0)
			r = yinv_hosts(yc, g, val);
		else {
			inventory_warn(yc->inv, &val->loc, "skipping "
			    "unexpected key '%s' in group '%s', only 'vars', "
			    "'children' and 'hosts' are valid", key, name);
		}
		value_unref(conv);
	}
	return r;
}

int
inventory_yaml_parse(struct inventory *inv, const char *name,
    struct value *doc, char **cause)
{
	struct yinv_ctx	 yc = { inv, loc_intern(name), cause };
	struct value	*plugin;
	size_t		 i;

	if (doc->type != V_DICT)
		return yinv_error(&yc, doc, "YAML inventory has invalid "
		    "structure: it should be a mapping of groups");
	if ((plugin = value_dict_get(doc, "plugin")) != NULL &&
	    value_truthy(plugin)) {
		return yinv_error(&yc, plugin, "inventory plugin "
		    "configurations are not supported, only YAML inventories");
	}
	for (i = 0; i < doc->u.dict.n; i++) {
		if (yinv_group(&yc, doc->u.dict.keys[i], doc->u.dict.vals[i],
		    0) != 0)
			return -1;
	}
	return 0;
}
