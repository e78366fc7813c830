/* debug: prints a message or a variable's value on the controller. */
#include <stdlib.h>
#include <string.h>

#include "module.h"

static const char *const debug_aliases[] = {
	"ansible.builtin.debug", "ansible.legacy.debug", NULL
};

static const struct mod_param debug_params[] = {
	{ "msg", P_RAW, 0, NULL, NULL, NULL },	/* default "Hello world!" */
	{ "var", P_RAW, 0, NULL, NULL, NULL },
	{ "verbosity", P_INT, 0, "0", NULL, NULL },
	{ NULL }
};

static int
debug_validate(const struct mod_args *args, char **cause)
{
	if (args_has(args, "msg") && args_has(args, "var")) {
		*cause = xstrdup("'msg' and 'var' are incompatible options");
		return -1;
	}
	return 0;
}

static enum mod_status
debug_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	struct value	*msg = args_get(args, "msg"), *var, *out = NULL;
	char		*name, *cause = NULL;

	if (args_int(args, "verbosity", 0) > 0 &&
	    ctx_verbosity(ctx) < args_int(args, "verbosity", 0)) {
		result_setstr(r, "skipped_reason",
		    "Verbosity threshold not met.");
		return MOD_SKIPPED;
	}
	if ((var = args_get(args, "var")) == NULL) {
		if (msg == NULL || msg->type == V_NULL)
			result_setstr(r, "msg", "Hello world!");
		else
			result_set(r, "msg", value_ref(msg));
		return MOD_OK;
	}
	name = value_to_string(var);
	if (var->type != V_STR) {
		/* Already rendered to a value: show it under its text. */
		result_set(r, name, value_ref(var));
	} else if (ctx_eval(ctx, name, &out, &cause) == 0) {
		result_set(r, name, out);
	} else if (cause != NULL && (strstr(cause, "undefined") != NULL ||
	    strstr(cause, "has no attribute") != NULL)) {
		result_setstr(r, name, "VARIABLE IS NOT DEFINED!");
	} else {
		result_fail(r, "%s", cause != NULL ? cause : "bad expression");
		free(cause);
		free(name);
		return MOD_FAILED;
	}
	free(cause);
	free(name);
	return MOD_OK;
}

const struct module_entry module_debug = {
	.name = "debug",
	.aliases = debug_aliases,
	.params = debug_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_LOCAL | MOD_SHOWS_RESULT,
	.validate = debug_validate,
	.run = debug_run,
};
