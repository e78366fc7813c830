/*
 * group_by: the task's host joins a group named by "key" (spaces become
 * dashes, as Ansible makes them), made under "parents" if it is new; a
 * later play can target the group.  The inventory is the run's, changed
 * through ctl_add_group: nothing happens on the host.
 */
#include <stdlib.h>
#include <string.h>

#include "module.h"

static const char *const group_by_aliases[] = {
	"ansible.builtin.group_by", "ansible.legacy.group_by", NULL
};

static const struct mod_param group_by_params[] = {
	{ "key", P_STR, P_REQUIRED, NULL, NULL, NULL },
	{ "parents", P_LIST, 0, "all", NULL, NULL },
	{ NULL }
};

/* Ansible's group names from group_by: spaces replaced by dashes. */
static struct value *
group_by_name(const char *s)
{
	char	*d = xstrdup(s);

	for (char *p = d; *p != '\0'; p++)
		if (*p == ' ')
			*p = '-';
	return value_str_take(d);
}

static enum mod_status
group_by_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	struct value	*parents = args_get(args, "parents"), *ps, *key;
	char		*cause = NULL;
	int		 rc;

	key = group_by_name(args_str(args, "key"));
	ps = value_list();
	for (size_t i = 0; parents != NULL && parents->type == V_LIST &&
	    i < parents->u.list.n; i++) {
		char *p = value_to_string(parents->u.list.items[i]);

		value_list_append(ps, group_by_name(p));
		free(p);
	}
	rc = ctl_add_group(ctx_ctl(ctx), key->u.str.s, ps, &cause);
	result_set(r, "add_group", key);
	result_set(r, "parent_groups", ps);
	if (rc < 0) {
		enum mod_status st = result_fail(r, "%s", cause);

		free(cause);
		return st;
	}
	return rc > 0 ? MOD_CHANGED : MOD_OK;
}

const struct module_entry module_group_by = {
	.name = "group_by",
	.aliases = group_by_aliases,
	.params = group_by_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_LOCAL,
	.run = group_by_run,
};
