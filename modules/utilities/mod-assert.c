/* assert: checks that expressions hold, failing the task otherwise. */
#include <stdlib.h>

#include "module.h"

static const char *const assert_aliases[] = {
	"ansible.builtin.assert", "ansible.legacy.assert", NULL
};
static const char *const fail_msg_aliases[] = { "msg", NULL };

static const struct mod_param assert_params[] = {
	{ "that", P_LIST, P_REQUIRED, NULL, NULL, NULL },
	{ "fail_msg", P_RAW, 0, NULL, NULL, fail_msg_aliases },
	{ "success_msg", P_RAW, 0, NULL, NULL, NULL },
	{ "quiet", P_BOOL, 0, "no", NULL, NULL },
	{ NULL }
};

static enum mod_status
assert_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	struct value	*that = args_get(args, "that"), *item, *out = NULL;
	struct value	*msg;
	char		*expr, *cause = NULL;
	int		 ok;

	for (size_t i = 0; i < that->u.list.n; i++) {
		item = that->u.list.items[i];
		expr = value_to_string(item);
		if (item->type != V_STR)
			ok = value_truthy(item);
		else if (ctx_eval(ctx, expr, &out, &cause) != 0) {
			result_fail(r, "The conditional check '%s' failed. The "
			    "error was: %s", expr, cause);
			free(cause);
			free(expr);
			return MOD_FAILED;
		} else {
			ok = value_truthy(out);
			value_unref(out);
		}
		if (!ok) {
			result_setstr(r, "assertion", expr);
			result_setbool(r, "evaluated_to", 0);
			msg = args_get(args, "fail_msg");
			if (msg != NULL)
				result_set(r, "msg", value_ref(msg));
			else
				result_setstr(r, "msg", "Assertion failed");
			free(expr);
			return MOD_FAILED;
		}
		free(expr);
	}
	result_setbool(r, "_ansible_verbose_always", 1);
	if ((msg = args_get(args, "success_msg")) != NULL)
		result_set(r, "msg", value_ref(msg));
	else
		result_setstr(r, "msg", "All assertions passed");
	return MOD_OK;
}

const struct module_entry module_assert = {
	.name = "assert",
	.aliases = assert_aliases,
	.params = assert_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_LOCAL,
	.run = assert_run,
};
