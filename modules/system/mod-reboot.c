/*
 * reboot: reboots the host and waits for it to come back, as Ansible's
 * reboot action: boot_time_command's output before, the reboot command
 * (a lost connection is what it is expected to do), then new connections
 * (ctx_reconnect) until boot_time_command says something else, then
 * test_command until it succeeds, all within reboot_timeout.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "module.h"

static const char *const reboot_aliases[] = {
	"ansible.builtin.reboot", "ansible.legacy.reboot", NULL
};

static const struct mod_param reboot_params[] = {
	{ "boot_time_command", P_STR, 0,
	    "cat /proc/sys/kernel/random/boot_id", NULL, NULL },
	{ "connect_timeout", P_INT, 0, NULL, NULL, NULL },
	{ "msg", P_STR, 0, "Reboot initiated by Ansible", NULL, NULL },
	{ "post_reboot_delay", P_INT, 0, "0", NULL, NULL },
	{ "pre_reboot_delay", P_INT, 0, "0", NULL, NULL },
	{ "reboot_command", P_STR, 0, NULL, NULL, NULL },
	{ "reboot_timeout", P_INT, 0, "600", NULL, NULL },
	{ "search_paths", P_LIST, 0, NULL, NULL, NULL },
	{ "test_command", P_STR, 0, "whoami", NULL, NULL },
	{ NULL }
};

/* Ansible's default search_paths. */
static const char *const reboot_default_paths[] = { "/sbin", "/bin",
	"/usr/sbin", "/usr/bin", "/usr/local/sbin", NULL };

/* The max seconds between two attempts, as Ansible's max_fail_sleep. */
#define REBOOT_MAX_SLEEP	12

struct boot {
	struct task_ctx		*ctx;
	struct result		*r;
	const char		*boot_cmd;
	time_t			 start;
	long long		 timeout;
	int			 connect_timeout;
	char			*cause;
};

/* search_paths as a shell word list, each word quoted. */
static void
reboot_paths(const struct mod_args *args, struct buf *b)
{
	struct value	*l = args_get(args, "search_paths");
	size_t		 i;

	if (l == NULL || l->type != V_LIST) {
		for (i = 0; reboot_default_paths[i] != NULL; i++) {
			buf_adds(b, " ");
			shell_quote_buf(b, reboot_default_paths[i]);
		}
		return;
	}
	for (i = 0; i < l->u.list.n; i++) {
		if (l->u.list.items[i]->type != V_STR)
			continue;
		buf_adds(b, " ");
		shell_quote_buf(b, l->u.list.items[i]->u.str.s);
	}
}

/*
 * The command that reboots: reboot_command, its program found in
 * search_paths unless absolute, or "shutdown -r MINUTES MSG".  0 and *out
 * (malloc'd), or -1 with b->cause.
 */
static int
reboot_command(struct boot *b, const struct mod_args *args, char **out)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 s = BUF_INIT, cmd = BUF_INIT;
	const char		*given = args_str(args, "reboot_command");
	char			*bin, *found;
	const char		*rest;
	int			 rv = -1;

	if (given != NULL) {
		given += strspn(given, " ");
		bin = xstrndup(given, strcspn(given, " "));
		rest = given + strlen(bin);
	} else {
		bin = xstrdup("shutdown");
		rest = NULL;
	}
	if (bin[0] == '/')
		found = xstrdup(bin);
	else {
		buf_adds(&s, "b=");
		shell_quote_buf(&s, bin);
		buf_adds(&s, "\nfor d in");
		reboot_paths(args, &s);
		buf_adds(&s, "; do if [ -x \"$d/$b\" ] && [ ! -d \"$d/$b\" ]; "
		    "then printf '%s\\n' \"$d/$b\"; exit 0; fi; done; exit 1");
		if (host_run(b->ctx, buf_cstr(&s), &res, &b->cause) != 0)
			goto out;
		if (res.rc != 0 || res.out.len == 0) {
			buf_release(&s);
			reboot_paths(args, &s);
			b->cause = xasprintf("Unable to find command \"%s\" in "
			    "search paths:%s", bin, buf_cstr(&s));
			goto out;
		}
		found = xstrndup(res.out.s, strcspn(res.out.s, "\n"));
	}
	shell_quote_buf(&cmd, found);
	free(found);
	if (rest != NULL)
		/* reboot_command is shell text by design, as Ansible's. */
		buf_adds(&cmd, rest);
	else {
		buf_addf(&cmd, " -r %lld ", args_int(args, "pre_reboot_delay",
		    0) / 60);
		shell_quote_buf(&cmd, args_str(args, "msg"));
	}
	*out = buf_detach(&cmd, NULL);
	rv = 0;
out:
	free(bin);
	buf_release(&s);
	buf_release(&cmd);
	exec_result_release(&res);
	return rv;
}

/* boot_time_command's output, trimmed; NULL (and *why) when it failed. */
static char *
reboot_boot_time(struct boot *b, char **why)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	char			*out = NULL;

	*why = NULL;
	if (host_run(b->ctx, b->boot_cmd, &res, why) != 0)
		goto out;
	if (res.rc != 0) {
		*why = xasprintf("rc %d: %s%s", res.rc, buf_cstr(&res.out),
		    buf_cstr(&res.err));
		goto out;
	}
	out = str_trim(xstrdup(buf_cstr(&res.out)));
	out[strcspn(out, "\n")] = '\0';
out:
	exec_result_release(&res);
	return out;
}

/* Seconds since the reboot command. */
static long long
reboot_elapsed(struct boot *b)
{
	return (long long)(time(NULL) - b->start);
}

/*
 * After failed attempt *n: *why becomes the last reason and, unless the
 * deadline has passed, the attempt's back-off is slept (never past the
 * deadline).  1 to try again, 0 when the time is up.
 */
static int
reboot_again(struct boot *b, char **last, char **why, int *n)
{
	long long	left = b->timeout - reboot_elapsed(b);
	long long	nap = *n >= 4 ? REBOOT_MAX_SLEEP : 1LL << *n;

	free(*last);
	*last = *why;
	*why = NULL;
	if (left <= 0)
		return 0;
	(*n)++;
	if (nap > left)
		nap = left;
	sleep((unsigned int)nap);
	return 1;
}

/*
 * New connections until boot_time_command gives something other than
 * before.  0, or -1 with b->cause after the timeout.
 */
static int
reboot_wait_boot(struct boot *b, const char *before)
{
	char	*now, *why = NULL, *last = NULL;
	int	 n = 0;

	for (;;) {
		if (ctx_reconnect(b->ctx, b->connect_timeout, &why) == 0) {
			free(why);
			why = NULL;
			now = reboot_boot_time(b, &why);
			if (now != NULL && *now != '\0' &&
			    strcmp(now, before) != 0) {
				free(now);
				free(last);
				return 0;
			}
			if (now != NULL) {
				free(why);
				why = xstrdup("boot time has not changed");
			}
			free(now);
		}
		if (!reboot_again(b, &last, &why, &n))
			break;
	}
	b->cause = xasprintf("Timed out waiting for last boot time check "
	    "(timeout=%lld)%s%s", b->timeout, last != NULL ? ": " : "",
	    last != NULL ? last : "");
	free(last);
	return -1;
}

/* test_command until it succeeds; 0, or -1 with b->cause. */
static int
reboot_wait_test(struct boot *b, const char *test)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	char			*why = NULL, *last = NULL, *ignored = NULL;
	int			 n = 0, r;

	for (;;) {
		r = host_run(b->ctx, test, &res, &why);
		if (r == 0 && res.rc == 0) {
			exec_result_release(&res);
			free(last);
			return 0;
		}
		if (r == 0)
			why = xasprintf("rc %d: %s", res.rc,
			    buf_cstr(&res.err));
		else if (ctx_reconnect(b->ctx, b->connect_timeout,
		    &ignored) != 0) {
			free(ignored);
			ignored = NULL;
		}
		exec_result_release(&res);
		if (!reboot_again(b, &last, &why, &n))
			break;
	}
	b->cause = xasprintf("Timed out waiting for post-reboot test command "
	    "(timeout=%lld): %s", b->timeout, last != NULL ? last : "");
	free(last);
	return -1;
}

static enum mod_status
reboot_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	struct boot		 b;
	struct exec_result	 res = EXEC_RESULT_INIT;
	char			*before = NULL, *cmd = NULL, *why = NULL;
	long long		 post = args_int(args, "post_reboot_delay", 0);
	int			 rv;
	enum mod_status		 st = MOD_FAILED;

	if (ctx_check_mode(ctx)) {
		result_setbool(r, "rebooted", 1);
		result_setint(r, "elapsed", 0);
		return MOD_CHANGED;
	}
	memset(&b, 0, sizeof b);
	b.ctx = ctx;
	b.r = r;
	b.boot_cmd = args_str(args, "boot_time_command");
	b.timeout = args_int(args, "reboot_timeout", 600);
	b.connect_timeout = (int)args_int(args, "connect_timeout", 0);
	if ((before = reboot_boot_time(&b, &why)) == NULL) {
		b.cause = xasprintf("Failed to determine system last boot "
		    "time: %s", why);
		goto out;
	}
	if (reboot_command(&b, args, &cmd) != 0)
		goto out;
	result_setbool(r, "rebooted", 0);
	b.start = time(NULL);
	free(why);
	why = NULL;
	/* The host may go away under the command: that is the point. */
	rv = host_run(ctx, cmd, &res, &why);
	if (rv == 0 && res.rc != 0) {
		b.cause = xasprintf("Reboot command failed. Error was: '%s, "
		    "%s'", buf_cstr(&res.out), buf_cstr(&res.err));
		goto out;
	}
	if (reboot_wait_boot(&b, before) != 0 ||
	    reboot_wait_test(&b, args_str(args, "test_command")) != 0) {
		result_setbool(r, "rebooted", 1);
		goto out;
	}
	if (post > 0)
		sleep((unsigned int)post);
	result_setbool(r, "rebooted", 1);
	result_setint(r, "elapsed", reboot_elapsed(&b));
	st = MOD_CHANGED;
out:
	if (st == MOD_FAILED)
		st = result_fail(r, "%s", b.cause != NULL ? b.cause :
		    "reboot failed");
	free(b.cause);
	free(before);
	free(cmd);
	free(why);
	exec_result_release(&res);
	return st;
}

const struct module_entry module_reboot = {
	.name = "reboot",
	.aliases = reboot_aliases,
	.params = reboot_params,
	.flags = MOD_SUPPORTS_CHECK,
	.run = reboot_run,
};
