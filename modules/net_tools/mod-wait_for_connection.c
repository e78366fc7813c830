/*
 * wait_for_connection: reconnects to the host (ctl_reconnect: a new
 * connection that runs a command, as Ansible's ping test) until it
 * answers or timeout seconds have passed, after a reboot for instance.
 * It runs here, without the connection a task opens first: a host that
 * is down when the task starts is what it waits for.
 */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "module.h"

static const char *const wait_for_connection_aliases[] = {
	"ansible.builtin.wait_for_connection",
	"ansible.legacy.wait_for_connection", NULL
};

static const struct mod_param wait_for_connection_params[] = {
	{ "connect_timeout", P_INT, 0, "5", NULL, NULL },
	{ "delay", P_INT, 0, "0", NULL, NULL },
	{ "sleep", P_INT, 0, "1", NULL, NULL },
	{ "timeout", P_INT, 0, "600", NULL, NULL },
	{ NULL }
};

/* Sleeps n seconds unless the run is interrupted. */
static void
wfc_sleep(struct task_ctx *ctx, long long n)
{
	for (long long i = 0; i < n && !ctx_interrupted(ctx); i++)
		sleep(1);
}

static enum mod_status
wait_for_connection_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	long long	 ctimeout = args_int(args, "connect_timeout", 5);
	long long	 delay = args_int(args, "delay", 0);
	long long	 pause = args_int(args, "sleep", 1);
	long long	 timeout = args_int(args, "timeout", 600);
	time_t		 start = time(NULL), deadline;
	char		*cause = NULL;
	enum mod_status	 st = MOD_OK;

	if (ctx_check_mode(ctx))
		return MOD_SKIPPED;
	wfc_sleep(ctx, delay);
	deadline = time(NULL) + timeout;
	for (;;) {
		free(cause);
		cause = NULL;
		if (ctl_reconnect(ctx_ctl(ctx), (int)ctimeout, &cause) == 0)
			break;
		if (time(NULL) >= deadline || ctx_interrupted(ctx)) {
			st = result_fail(r, "timed out waiting for ping module "
			    "test: %s", cause != NULL ? cause : "no answer");
			break;
		}
		wfc_sleep(ctx, pause);
	}
	free(cause);
	result_setint(r, "elapsed", (long long)(time(NULL) - start));
	return st;
}

const struct module_entry module_wait_for_connection = {
	.name = "wait_for_connection",
	.aliases = wait_for_connection_aliases,
	.params = wait_for_connection_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_LOCAL,
	.run = wait_for_connection_run,
};
