/*
 * set_stats: custom statistics kept in the run (ctl_set_stats), for the
 * whole run or per host, aggregated or replaced, as Ansible keeps them
 * for its json callback's custom_stats.
 */
#include "utilities.h"

static const char *const set_stats_aliases[] = {
	"ansible.builtin.set_stats", "ansible.legacy.set_stats", NULL
};

static const struct mod_param set_stats_params[] = {
	{ "data", P_DICT, P_REQUIRED, NULL, NULL, NULL },
	{ "per_host", P_BOOL, 0, "no", NULL, NULL },
	{ "aggregate", P_BOOL, 0, "yes", NULL, NULL },
	{ NULL }
};

static enum mod_status
set_stats_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	struct value	*data = args_get(args, "data"), *st;
	int		 per_host = args_bool(args, "per_host", 0);
	int		 aggregate = args_bool(args, "aggregate", 1);

	if (data == NULL || data->type != V_DICT)
		return result_fail(r, "The 'data' option needs to be a "
		    "dictionary/hash");
	for (size_t i = 0; i < data->u.dict.n; i++)
		if (!utilities_var_name_ok(data->u.dict.keys[i]))
			return result_fail(r, "The variable name '%s' is not "
			    "valid. Variables must start with a letter or "
			    "underscore character, and contain only letters, "
			    "numbers and underscores.", data->u.dict.keys[i]);
	ctl_set_stats(ctx_ctl(ctx), data, per_host, aggregate);
	st = value_dict();
	value_dict_set(st, "data", value_ref(data));
	value_dict_setbool(st, "per_host", per_host);
	value_dict_setbool(st, "aggregate", aggregate);
	result_set(r, "ansible_stats", st);
	return MOD_OK;
}

const struct module_entry module_set_stats = {
	.name = "set_stats",
	.aliases = set_stats_aliases,
	.params = set_stats_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_LOCAL,
	.run = set_stats_run,
};
