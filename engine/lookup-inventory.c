/*
 * The inventory_hostnames lookup: a host pattern over the inventory as the
 * play sees it (the "groups" variable), as Ansible's plugin rebuilds one.
 */
#include <stdlib.h>
#include <string.h>

#include "expr-internal.h"
#include "inventory-internal.h"

int
lookup_inventory_hostnames(struct eval *ev, struct value *terms,
    const struct expr_args *a, struct value *acc, char **cause)
{
	struct inventory	 *inv;
	struct inv_group	 *g;
	struct inv_host		**hosts;
	struct value		 *groups, *members;
	struct buf		  pat = BUF_INIT;
	char			 *s, *why = NULL;
	size_t			  i, k, n;
	int			  r;

	(void)a;
	groups = expr_lookup(ev, "groups");
	inv = inventory_new();
	for (i = 0; groups != NULL && groups->type == V_DICT &&
	    i < groups->u.dict.n; i++) {
		g = inventory_add_group(inv, groups->u.dict.keys[i]);
		members = groups->u.dict.vals[i];
		for (k = 0; members->type == V_LIST && k < members->u.list.n;
		    k++) {
			s = expr_str_of(members->u.list.items[k]);
			inventory_add_host(inv, s, g, NULL);
			free(s);
		}
	}
	value_unref(groups);
	/* several terms are one pattern, as get_hosts() takes a list */
	for (i = 0; i < terms->u.list.n; i++) {
		s = expr_str_of(terms->u.list.items[i]);
		if (pat.len > 0)
			buf_addc(&pat, ',');
		buf_adds(&pat, s);
		free(s);
	}
	r = inventory_match(inv, buf_cstr(&pat), &hosts, &n, &why);
	buf_release(&pat);
	if (r != 0) {
		expr_fail(cause, "%s", why);
		free(why);
		inventory_free(inv);
		return -1;
	}
	for (i = 0; i < n; i++)
		value_list_append(acc, value_str(hosts[i]->name));
	free(hosts);
	inventory_free(inv);
	return 0;
}
