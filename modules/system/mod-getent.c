/*
 * getent: looks up a name service database on the target with getent(1)
 * and returns it as the getent_<database> fact (ansible_facts).
 */
#include <stdlib.h>
#include <string.h>

#include "getent.h"
#include "module.h"

static const char *const getent_aliases[] = {
	"ansible.builtin.getent", "ansible.legacy.getent", NULL
};

static const struct mod_param getent_params[] = {
	{ "database", P_STR, P_REQUIRED, NULL, NULL, NULL },
	{ "key", P_STR, 0, NULL, NULL, NULL },
	{ "service", P_STR, 0, NULL, NULL, NULL },
	{ "split", P_STR, 0, NULL, NULL, NULL },
	{ "fail_key", P_BOOL, 0, "yes", NULL, NULL },
	{ NULL }
};

static enum mod_status
getent_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	const char		*db = args_str(args, "database");
	const char		*key = args_str(args, "key");
	const char		*service = args_str(args, "service");
	const char		*split = args_str(args, "split");
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 cmd = BUF_INIT;
	struct value		*facts, *tree;
	char			*cause = NULL, *name;
	const char		*msg = "Unexpected failure!";
	enum mod_status		 status = MOD_FAILED;

	if (split == NULL)
		split = getent_default_split(db);
	buf_adds(&cmd, "getent");
	if (service != NULL) {
		buf_adds(&cmd, " -s ");
		shell_quote_buf(&cmd, service);
	}
	buf_addc(&cmd, ' ');
	shell_quote_buf(&cmd, db);
	if (key != NULL) {
		buf_addc(&cmd, ' ');
		shell_quote_buf(&cmd, key);
	}
	if (host_run(ctx, buf_cstr(&cmd), &res, &cause) != 0) {
		status = result_fail(r, "%s", cause);
		goto out;
	}
	name = xasprintf("getent_%s", db);
	switch (res.rc) {
	case 0:
		tree = getent_parse(buf_cstr(&res.out), split);
		break;
	case 1:
		msg = "Missing arguments, or database unknown.";
		tree = NULL;
		break;
	case 2:
		msg = "One or more supplied key could not be found in the "
		    "database.";
		tree = NULL;
		if (!args_bool(args, "fail_key", 1)) {
			tree = value_dict();
			value_dict_set(tree, key != NULL ? key : "",
			    value_null());
			result_setstr(r, "msg", msg);
		}
		break;
	case 3:
		msg = "Enumeration not supported on this database.";
		tree = NULL;
		break;
	case 127:
		msg = "Failed to find required executable \"getent\"";
		tree = NULL;
		break;
	default:
		tree = NULL;
		break;
	}
	if (tree != NULL) {
		facts = value_dict();
		value_dict_set(facts, name, tree);
		result_set(r, "ansible_facts", facts);
		status = MOD_OK;
	} else
		status = result_fail(r, "%s", msg);
	free(name);
out:
	free(cause);
	buf_release(&cmd);
	exec_result_release(&res);
	return status;
}

const struct module_entry module_getent = {
	.name = "getent",
	.aliases = getent_aliases,
	.params = getent_params,
	.flags = MOD_SUPPORTS_CHECK,
	.run = getent_run,
};
