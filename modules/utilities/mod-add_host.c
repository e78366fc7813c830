/*
 * add_host: a host (new or not) joins groups and gets variables, in the
 * run's inventory, so that a later play can target it.  Every other
 * argument is a host variable; "name:port" sets ansible_ssh_port, as
 * Ansible's parse_address does.  It runs once for the play's hosts
 * (MOD_ONCE), as Ansible's bypass_host_loop.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "module.h"

static const char *const add_host_aliases[] = {
	"ansible.builtin.add_host", "ansible.legacy.add_host", NULL
};
static const char *const add_host_name_aliases[] = {
	"host", "hostname", NULL
};
static const char *const add_host_groups_aliases[] = {
	"group", "groupname", NULL
};

static const struct mod_param add_host_params[] = {
	{ "name", P_STR, P_REQUIRED, NULL, NULL, add_host_name_aliases },
	{ "groups", P_LIST, 0, NULL, NULL, add_host_groups_aliases },
	{ NULL }
};

/*
 * "web1:2222" is web1 on port 2222, "[::1]:22" too; an IPv6 address
 * without brackets is a name.  *port is NULL or a malloc'd number.
 */
static char *
add_host_split(const char *s, char **port)
{
	const char	*c;
	size_t		 n;

	*port = NULL;
	if (s[0] == '[' && (c = strchr(s, ']')) != NULL) {
		if (c[1] == ':' && c[2] != '\0' &&
		    strspn(c + 2, "0123456789") == strlen(c + 2))
			*port = xstrdup(c + 2);
		return xstrndup(s + 1, (size_t)(c - s - 1));
	}
	if ((c = strchr(s, ':')) == NULL || strchr(c + 1, ':') != NULL)
		return xstrdup(s);
	n = strlen(c + 1);
	if (n == 0 || strspn(c + 1, "0123456789") != n)
		return xstrdup(s);
	*port = xstrdup(c + 1);
	return xstrndup(s, (size_t)(c - s));
}

static enum mod_status
add_host_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	const struct value	*v = args->v;
	struct value		*groups = args_get(args, "groups"), *gl;
	struct value		*vars = value_dict(), *ah;
	char			*name, *port, *cause = NULL;
	int			 rc;

	name = add_host_split(args_str(args, "name"), &port);
	for (size_t i = 0; i < v->u.dict.n; i++) {
		const char *k = v->u.dict.keys[i];

		if (strcmp(k, "name") == 0 || strcmp(k, "groups") == 0)
			continue;
		value_dict_set(vars, k, value_ref(v->u.dict.vals[i]));
	}
	if (port != NULL)
		value_dict_setint(vars, "ansible_ssh_port", atoll(port));
	free(port);
	gl = value_list();
	for (size_t i = 0; groups != NULL && groups->type == V_LIST &&
	    i < groups->u.list.n; i++) {
		char *g = value_to_string(groups->u.list.items[i]);
		int seen = 0;

		for (size_t j = 0; j < gl->u.list.n && !seen; j++)
			seen = strcmp(gl->u.list.items[j]->u.str.s,
			    str_trim(g)) == 0;
		if (!seen)
			value_list_append(gl, value_str(str_trim(g)));
		free(g);
	}
	rc = ctl_add_host(ctx_ctl(ctx), name, gl, vars, &cause);
	ah = value_dict();
	value_dict_set(ah, "host_name", value_str_take(name));
	value_dict_set(ah, "groups", gl);
	value_dict_set(ah, "host_vars", vars);
	result_set(r, "add_host", ah);
	if (rc < 0) {
		enum mod_status st = result_fail(r, "%s", cause);

		free(cause);
		return st;
	}
	return rc > 0 ? MOD_CHANGED : MOD_OK;
}

const struct module_entry module_add_host = {
	.name = "add_host",
	.aliases = add_host_aliases,
	.params = add_host_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_LOCAL | MOD_ANY_PARAMS | MOD_ONCE,
	.run = add_host_run,
};
