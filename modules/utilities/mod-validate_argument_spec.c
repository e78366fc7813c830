/*
 * validate_argument_spec: checks arguments against a spec, on the
 * controller, as Ansible's action plugin of that name; the task the
 * loader puts first in a role with meta/argument_specs is one of these.
 */
#include <stdlib.h>
#include <string.h>

#include "argspec.h"
#include "module.h"

static const char *const vas_aliases[] = {
	"ansible.builtin.validate_argument_spec",
	"ansible.legacy.validate_argument_spec", NULL
};

static const struct mod_param vas_params[] = {
	{ "argument_spec", P_DICT, P_REQUIRED, NULL, NULL, NULL },
	{ "provided_arguments", P_DICT, 0, NULL, NULL, NULL },
	/* what is checked, for the messages: set by the role loader */
	{ "validate_args_context", P_DICT, 0, NULL, NULL, NULL },
	/* the role loader's: provided_arguments a template gave */
	{ "_cairn_templated", P_LIST, 0, NULL, NULL, NULL },
	{ NULL }
};

/*
 * A template's result as Python holds it: plain str, list and dict, not
 * the YAML loader's classes (argspec.c tells them by a file location).
 */
static struct value *
plain(struct value *v)
{
	struct value	*c = value_copy(v);

	value_unref(v);
	c->loc.file = NULL;
	for (size_t i = 0; c->type == V_LIST && i < c->u.list.n; i++)
		c->u.list.items[i] = plain(c->u.list.items[i]);
	for (size_t i = 0; c->type == V_DICT && i < c->u.dict.n; i++)
		c->u.dict.vals[i] = plain(c->u.dict.vals[i]);
	return c;
}

/*
 * The options the task's variables hold (role defaults, vars, -e ...),
 * templated, as get_args_from_task_vars; provided_arguments over them.
 */
static struct value *
vas_arguments(struct task_ctx *ctx, const struct value *spec,
    const struct value *provided, const struct value *templated)
{
	struct value	*args = value_dict(), *v, *out;
	char		*cause = NULL;

	for (size_t i = 0; i < spec->u.dict.n; i++) {
		const char *k = spec->u.dict.keys[i];

		if ((v = ctx_var(ctx, k)) == NULL)
			continue;
		out = NULL;
		if (ctx_eval(ctx, k, &out, &cause) == 0) {
			value_dict_set(args, k, value_is_template(v) ?
			    plain(out) : out);
			value_unref(v);
		} else {
			/* not a name an expression can hold: as it is */
			free(cause);
			cause = NULL;
			value_dict_set(args, k, v);
		}
	}
	for (size_t i = 0; provided != NULL && i < provided->u.dict.n; i++) {
		const char	*k = provided->u.dict.keys[i];
		struct value	*pv = value_ref(provided->u.dict.vals[i]);

		for (size_t j = 0; templated != NULL &&
		    j < templated->u.list.n; j++)
			if (templated->u.list.items[j]->type == V_STR &&
			    strcmp(templated->u.list.items[j]->u.str.s,
			    k) == 0)
				pv = plain(pv);
		value_dict_set(args, k, pv);
	}
	return args;
}

static enum mod_status
vas_run(struct task_ctx *ctx, const struct mod_args *args, struct result *r)
{
	struct value	*spec = args_get(args, "argument_spec");
	struct value	*context = args_get(args, "validate_args_context");
	struct value	*params, *errors;
	struct buf	 msg = BUF_INIT;

	result_set(r, "validate_args_context", context != NULL ?
	    value_ref(context) : value_dict());
	params = vas_arguments(ctx, spec, args_get(args,
	    "provided_arguments"), args_get(args, "_cairn_templated"));
	errors = argspec_validate(spec, NULL, params, NULL);
	value_unref(params);
	if (errors->u.list.n == 0) {
		value_unref(errors);
		result_setstr(r, "msg", "The arg spec validation passed");
		return MOD_OK;
	}
	buf_adds(&msg, "Validation of arguments failed:");
	for (size_t i = 0; i < errors->u.list.n; i++)
		buf_addf(&msg, "\n%s", errors->u.list.items[i]->u.str.s);
	result_setstr(r, "msg", buf_cstr(&msg));
	buf_release(&msg);
	result_set(r, "argument_spec_data", value_ref(spec));
	result_set(r, "argument_errors", errors);
	return MOD_FAILED;
}

const struct module_entry module_validate_argument_spec = {
	.name = "validate_argument_spec",
	.aliases = vas_aliases,
	.params = vas_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_LOCAL,
	.run = vas_run,
};
