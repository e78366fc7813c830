/*
 * locale_gen: enables or disables a locale in /etc/locale.gen and runs
 * locale-gen (community.general.locale_gen); on Ubuntu-style hosts
 * (/var/lib/locales/supported.d) through locale-gen NAME and
 * supported.d/local.  Whether the locale is there is "locale -a"'s word.
 */
#include <stdlib.h>
#include <string.h>

#include "module.h"
#include "sysconf.h"

#define LOCALE_GEN	"/etc/locale.gen"
#define SUPPORTED_D	"/var/lib/locales/supported.d"

static const char *const locale_gen_aliases[] = {
	"community.general.locale_gen", "community.general.system.locale_gen",
	NULL
};
static const char *const state_choices[] = { "absent", "present", NULL };

static const struct mod_param locale_gen_params[] = {
	{ "name", P_STR, P_REQUIRED, NULL, NULL, NULL },
	{ "state", P_STR, 0, "present", state_choices, NULL },
	{ NULL }
};

/* Runs cmd; 0 and its rc in *rc, or -1 and *cause. */
static int
locale_gen_cmd(struct task_ctx *ctx, const char *cmd, struct exec_result *res,
    char **cause)
{
	exec_result_release(res);
	return host_run(ctx, cmd, res, cause) != 0 ? -1 : 0;
}

static enum mod_status
locale_gen_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	const char		*name = args_str(args, "name");
	int			 want = strcmp(args_str(args, "state"),
				    "present") == 0;
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct host_stat	 st;
	struct buf		 list = BUF_INIT, cmd = BUF_INIT;
	char			*cause = NULL, *text = NULL;
	const char		*local = SUPPORTED_D "/local";
	int			 ubuntu, present, rv;
	enum mod_status		 status = MOD_FAILED;

	if (host_stat(ctx, SUPPORTED_D, STAT_FOLLOW, &st, &cause) != 0)
		goto out;
	ubuntu = st.type == FT_DIR;
	rv = host_read(ctx, ubuntu ? "/usr/share/i18n/SUPPORTED" : LOCALE_GEN,
	    &list, &cause);
	if (rv == ERR_NOENT && !ubuntu) {
		free(cause);
		cause = xstrdup("/etc/locale.gen and /var/lib/locales/"
		    "supported.d/local are missing. Is the package \"locales\" "
		    "installed?");
		goto out;
	}
	if (rv != 0)
		goto out;
	if (!locale_gen_available(buf_cstr(&list), name, ubuntu)) {
		cause = xstrdup("The locale you've entered is not available on "
		    "your system.");
		goto out;
	}
	if (locale_gen_cmd(ctx, "LC_ALL=C locale -a", &res, &cause) != 0)
		goto out;
	present = locale_gen_present(buf_cstr(&res.out), name);
	if (present == want) {
		status = MOD_OK;
		goto done;
	}
	if (!ubuntu) {
		text = locale_gen_edit(buf_cstr(&list), name, want);
		if (ctx_diff_mode(ctx))
			result_diff(r, LOCALE_GEN, buf_cstr(&list), LOCALE_GEN,
			    text);
	}
	if (ctx_check_mode(ctx)) {
		status = MOD_CHANGED;
		goto out;
	}

	if (!ubuntu) {
		if (strcmp(text, buf_cstr(&list)) != 0 &&
		    host_write(ctx, LOCALE_GEN, text, strlen(text), NULL, NULL,
		    &cause) != 0)
			goto out;
		buf_adds(&cmd, "locale-gen");
	} else if (want) {
		buf_adds(&cmd, "locale-gen ");
		shell_quote_buf(&cmd, name);
	} else {
		buf_reset(&list);
		if (host_read(ctx, local, &list, &cause) != 0)
			goto out;
		text = locale_gen_drop(buf_cstr(&list), name);
		if (host_write(ctx, local, text, strlen(text), NULL, NULL,
		    &cause) != 0)
			goto out;
		buf_adds(&cmd, "locale-gen --purge");
	}
	if (locale_gen_cmd(ctx, buf_cstr(&cmd), &res, &cause) != 0)
		goto out;
	if (res.rc != 0) {
		result_setint(r, "exitValue", res.rc);
		result_set_exec(r, &res);
		cause = xasprintf("[Errno %d] locale.gen failed to execute, it "
		    "returned %d", res.rc, res.rc);
		goto out;
	}
	status = MOD_CHANGED;
done:
	result_setstr(r, "name", name);
	result_setstr(r, "msg", "OK");
out:
	if (status == MOD_FAILED)
		status = result_fail(r, "%s", cause != NULL ? cause :
		    "locale_gen failed");
	exec_result_release(&res);
	buf_release(&list);
	buf_release(&cmd);
	free(cause);
	free(text);
	return status;
}

const struct module_entry module_locale_gen = {
	.name = "locale_gen",
	.aliases = locale_gen_aliases,
	.params = locale_gen_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_SUPPORTS_DIFF,
	.run = locale_gen_run,
};
