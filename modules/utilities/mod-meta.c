/*
 * meta: actions on the run itself (flush_handlers, end_play, end_host,
 * noop, ...), carried out through the executor's ctl_* interface: a
 * control hook, not a run on a host.
 */
#include <string.h>

#include "module.h"

static const char *const meta_aliases[] = {
	"ansible.builtin.meta", "ansible.legacy.meta", NULL
};

static const char *const meta_actions[] = {
	"flush_handlers", "noop", "end_play", "end_host", "end_batch",
	"clear_facts", "clear_host_errors", "refresh_inventory",
	"reset_connection", NULL
};

static const struct mod_param meta_params[] = {
	{ "_raw_params", P_STR, P_REQUIRED, NULL, meta_actions, NULL },
	{ NULL }
};

static void
meta_run(struct run_ctl *ctl, const struct mod_args *args)
{
	const char	*action = args_str(args, "_raw_params");

	if (action == NULL)
		return;
	/* the notified handlers run whatever the task's "when" says */
	if (strcmp(action, "flush_handlers") == 0) {
		ctl_flush_handlers(ctl);
		return;
	}
	/* Ansible warns that it has no "when", and refreshes */
	if (strcmp(action, "refresh_inventory") == 0) {
		ctl_refresh_inventory(ctl);
		return;
	}
	if (!ctl_when(ctl))
		return;
	if (strcmp(action, "end_play") == 0)
		ctl_end_play(ctl);
	else if (strcmp(action, "end_batch") == 0)
		ctl_end_batch(ctl);
	else if (strcmp(action, "end_host") == 0)
		ctl_end_host(ctl);
	else if (strcmp(action, "clear_facts") == 0)
		ctl_clear_facts(ctl);
	else if (strcmp(action, "clear_host_errors") == 0)
		ctl_clear_host_errors(ctl);
	else if (strcmp(action, "reset_connection") == 0)
		ctl_reset_connection(ctl);
	/* noop does nothing */
}

const struct module_entry module_meta = {
	.name = "meta",
	.aliases = meta_aliases,
	.params = meta_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_LOCAL | MOD_FREE_FORM,
	.control = meta_run,
};
