/* ansible-inventory's --list, --graph and --host output. */
#include <stdlib.h>
#include <string.h>

#include "inventory-internal.h"

/* Variables ansible-inventory never shows (INTERNAL_VARS). */
static const char *const dump_internal_vars[] = {
	"ansible_diff_mode", "ansible_config_file", "ansible_facts",
	"ansible_forks", "ansible_inventory_sources", "ansible_limit",
	"ansible_playbook_python", "ansible_run_tags", "ansible_skip_tags",
	"ansible_verbosity", "ansible_version", "inventory_dir",
	"inventory_file", "inventory_hostname", "inventory_hostname_short",
	"groups", "group_names", "omit", "playbook_dir", NULL
};

static int
dump_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A copy with every dict's keys sorted: json.dumps(sort_keys=True). */
static struct value *
dump_sorted(const struct value *v)
{
	struct value	 *out;
	char		**keys;
	size_t		  i, n;

	if (v->type == V_LIST) {
		out = value_list();
		for (i = 0; i < v->u.list.n; i++)
			value_list_append(out, dump_sorted(v->u.list.items[i]));
		return out;
	}
	if (v->type != V_DICT)
		return value_ref((struct value *)v);
	n = v->u.dict.n;
	keys = xcalloc(n + 1, sizeof *keys);
	for (i = 0; i < n; i++)
		keys[i] = v->u.dict.keys[i];
	qsort(keys, n, sizeof *keys, dump_cmp_str);
	out = value_dict();
	for (i = 0; i < n; i++)
		value_dict_set(out, keys[i],
		    dump_sorted(value_dict_get(v, keys[i])));
	free(keys);
	return out;
}

/* A host's variables as ansible-inventory shows them: sorted, no internals. */
static struct value *
dump_host_vars(struct inventory *inv, struct inv_host *h)
{
	struct value	*vars, *out;
	size_t		 i;

	vars = inventory_host_vars(inv, h);
	for (i = 0; dump_internal_vars[i] != NULL; i++)
		value_dict_del(vars, dump_internal_vars[i]);
	out = dump_sorted(vars);
	value_unref(vars);
	return out;
}

static int
dump_cmp_group(const void *a, const void *b)
{
	return strcmp((*(struct inv_group *const *)a)->name,
	    (*(struct inv_group *const *)b)->name);
}

static int
dump_cmp_host(const void *a, const void *b)
{
	return strcmp((*(struct inv_host *const *)a)->name,
	    (*(struct inv_host *const *)b)->name);
}

static struct inv_group **
dump_sorted_children(struct inv_group *g)
{
	struct inv_group	**v;

	v = xcalloc(g->nchildren + 1, sizeof *v);
	if (g->nchildren != 0) {
		memcpy(v, g->children, g->nchildren * sizeof *v);
		qsort(v, g->nchildren, sizeof *v, dump_cmp_group);
	}
	return v;
}

static struct inv_host **
dump_sorted_hosts(struct inv_group *g)
{
	struct inv_host	**v;

	v = xcalloc(g->nhosts + 1, sizeof *v);
	if (g->nhosts != 0) {
		memcpy(v, g->hosts, g->nhosts * sizeof *v);
		qsort(v, g->nhosts, sizeof *v, dump_cmp_host);
	}
	return v;
}

/* format_group(): the group, then its children depth first. */
static void
dump_list_group(struct inv_group *g, struct value *results, int depth)
{
	struct inv_group	**kids;
	struct inv_host		**hosts;
	struct value		 *entry, *l;
	size_t			  i;

	if (depth > 1000)
		return;
	entry = value_dict();
	if (strcmp(g->name, "all") != 0 && g->nhosts != 0) {
		l = value_list();
		hosts = dump_sorted_hosts(g);
		for (i = 0; i < g->nhosts; i++)
			value_list_append(l, value_str(hosts[i]->name));
		free(hosts);
		value_dict_set(entry, "hosts", l);
	}
	kids = dump_sorted_children(g);
	if (g->nchildren != 0) {
		l = value_list();
		for (i = 0; i < g->nchildren; i++)
			value_list_append(l, value_str(kids[i]->name));
		value_dict_set(entry, "children", l);
	}
	if (value_len(entry) != 0)
		value_dict_set(results, g->name, entry);
	else
		value_unref(entry);
	for (i = 0; i < g->nchildren; i++)
		dump_list_group(kids[i], results, depth + 1);
	free(kids);
}

void
inventory_dump_list(struct inventory *inv, struct buf *b)
{
	struct value	*results, *meta, *hostvars, *hv, *sorted;
	size_t		 i;

	results = value_dict();
	dump_list_group(inventory_find_group(inv, "all"), results, 0);
	meta = value_dict();
	hostvars = value_dict();
	for (i = 0; i < inv->nhosts; i++) {
		hv = dump_host_vars(inv, inv->hosts[i]);
		if (value_len(hv) != 0)
			value_dict_set(hostvars, inv->hosts[i]->name, hv);
		else
			value_unref(hv);
	}
	value_dict_set(meta, "hostvars", hostvars);
	value_dict_set(results, "_meta", meta);
	sorted = dump_sorted(results);
	value_to_json(b, sorted, 1);
	buf_addc(b, '\n');
	value_unref(sorted);
	value_unref(results);
}

static void
dump_graph_line(struct buf *b, int depth, const char *name, const char *pre,
    const char *post)
{
	int	i;

	for (i = 0; i < depth; i++)
		buf_adds(b, "  |");
	if (depth != 0)
		buf_adds(b, "--");
	buf_addf(b, "%s%s%s\n", pre, name, post);
}

static void
dump_graph_group(struct inv_group *g, int depth, struct buf *b)
{
	struct inv_group	**kids;
	struct inv_host		**hosts;
	size_t			  i;

	if (depth > 1000)
		return;
	dump_graph_line(b, depth, g->name, "@", ":");
	kids = dump_sorted_children(g);
	for (i = 0; i < g->nchildren; i++)
		dump_graph_group(kids[i], depth + 1, b);
	free(kids);
	if (strcmp(g->name, "all") == 0)
		return;
	hosts = dump_sorted_hosts(g);
	for (i = 0; i < g->nhosts; i++)
		dump_graph_line(b, depth + 1, hosts[i]->name, "", "");
	free(hosts);
}

void
inventory_dump_graph(struct inventory *inv, const char *group, struct buf *b)
{
	struct inv_group	*g;

	g = inventory_find_group(inv, group != NULL ? group : "all");
	if (g != NULL)
		dump_graph_group(g, 0, b);
}

int
inventory_dump_host(struct inventory *inv, const char *name, struct buf *b,
    char **cause)
{
	struct inv_host	**hosts;
	struct value	 *hv;
	size_t		  n;

	/* --host takes a pattern that must name exactly one host */
	if (inventory_match(inv, name, &hosts, &n, cause) != 0)
		return -1;
	if (n != 1) {
		free(hosts);
		*cause = xasprintf("you must pass a single valid host to "
		    "--host parameter: '%s' matches %zu hosts", name, n);
		return -1;
	}
	hv = dump_host_vars(inv, hosts[0]);
	free(hosts);
	value_to_json(b, hv, 1);
	buf_addc(b, '\n');
	value_unref(hv);
	return 0;
}
