/*
 * service (and sysvinit): starts, stops, restarts and reloads a service
 * and sets whether it starts at boot.  systemctl when systemd runs the
 * host, else the init script through `service` and update-rc.d; the
 * systemd module hands hosts without systemctl to this run.
 */
#include <stdlib.h>
#include <string.h>

#include "module.h"
#include "service-plan.h"

/* systemd and systemd_service are mod-systemd.c, which calls run here. */
static const char *const service_aliases[] = {
	"ansible.builtin.service", "ansible.legacy.service", "sysvinit",
	"ansible.builtin.sysvinit", "ansible.legacy.sysvinit", NULL
};
static const char *const name_aliases[] = { "service", "unit", NULL };
static const char *const args_aliases[] = { "args", NULL };
static const char *const reload_aliases[] = { "daemon-reload", NULL };
static const char *const reexec_aliases[] = { "daemon-reexec", NULL };
static const char *const state_choices[] = { "started", "running",
	"stopped", "restarted", "reloaded", NULL };
static const char *const scope_choices[] = { "system", "user", "global",
	NULL };

static const struct mod_param service_params[] = {
	{ "name", P_STR, 0, NULL, NULL, name_aliases },
	{ "state", P_STR, 0, NULL, state_choices, NULL },
	{ "enabled", P_BOOL, 0, NULL, NULL, NULL },
	{ "masked", P_BOOL, 0, NULL, NULL, NULL },
	{ "daemon_reload", P_BOOL, 0, "no", NULL, reload_aliases },
	{ "daemon_reexec", P_BOOL, 0, "no", NULL, reexec_aliases },
	{ "scope", P_STR, 0, "system", scope_choices, NULL },
	{ "no_block", P_BOOL, 0, "no", NULL, NULL },
	{ "force", P_BOOL, 0, NULL, NULL, NULL },
	{ "pattern", P_STR, 0, NULL, NULL, NULL },
	{ "sleep", P_INT, 0, NULL, NULL, NULL },
	{ "runlevel", P_STR, 0, "default", NULL, NULL },
	{ "arguments", P_STR, 0, "", NULL, args_aliases },
	{ "use", P_STR, 0, "auto", NULL, NULL },
	{ NULL }
};

/*
 * Commands run with their output in files, stdin from /dev/null, in a
 * new session: a daemon they start must not hold the shell's pipes.
 */
static const char service_prologue[] =
	"LANG=C LC_ALL=C LC_MESSAGES=C; export LANG LC_ALL LC_MESSAGES\n"
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:"
	"$PATH\n"
	"svc() {\n"
	"\t_t=$(mktemp -d) || return 125\n"
	"\tsetsid -w \"$@\" </dev/null >\"$_t/o\" 2>\"$_t/e\"; _rc=$?\n"
	"\tcat \"$_t/o\"; cat \"$_t/e\" >&2; rm -rf \"$_t\"; return $_rc\n"
	"}\n";

struct svc {
	struct task_ctx		*ctx;
	struct result		*r;
	const char		*name;
	int			 systemd;
	int			 klinks;	/* SysV: K links exist */
	int			 check;
	char			*cause;
};

static int
service_validate(const struct mod_args *a, char **cause)
{
	const char	*scope = args_str(a, "scope");

	if (!args_has(a, "state") && !args_has(a, "enabled") &&
	    !args_has(a, "masked") && !args_bool(a, "daemon_reload", 0) &&
	    !args_bool(a, "daemon_reexec", 0)) {
		*cause = xstrdup("one of the following is required: state, "
		    "enabled, masked, daemon_reload, daemon_reexec");
		return -1;
	}
	if (!args_has(a, "name") && (args_has(a, "state") ||
	    args_has(a, "enabled") || args_has(a, "masked"))) {
		*cause = xstrdup("state, enabled or masked requires name");
		return -1;
	}
	if (scope != NULL && strcmp(scope, "system") != 0) {
		*cause = xasprintf("scope=%s is not supported: only the "
		    "system manager is", scope);
		return -1;
	}
	return 0;
}

/* Runs "svc CMD..." lines; 0 with res filled, or -1 and s->cause. */
static int
service_sh(struct svc *s, const char *body, struct exec_result *res)
{
	struct buf	b = BUF_INIT;
	int		r;

	buf_adds(&b, service_prologue);
	buf_adds(&b, body);
	exec_result_release(res);
	r = host_run(s->ctx, buf_cstr(&b), res, &s->cause);
	buf_release(&b);
	return r == 0 ? 0 : -1;
}

/* "svc systemctl ACTION 'name'" or "svc service 'name' ACTION". */
static int
service_do(struct svc *s, const char *action, const char *extra,
    struct exec_result *res)
{
	struct buf	b = BUF_INIT;
	int		r;

	if (s->systemd) {
		buf_addf(&b, "svc systemctl %s%s ", extra != NULL ? extra : "",
		    action);
		shell_quote_buf(&b, s->name);
	} else {
		buf_adds(&b, "if command -v service >/dev/null; then "
		    "svc service ");
		shell_quote_buf(&b, s->name);
		buf_addf(&b, " %s", action);
		if (extra != NULL && *extra != '\0')
			buf_addf(&b, " %s", extra);
		buf_adds(&b, "; else svc /etc/init.d/");
		shell_quote_buf(&b, s->name);
		buf_addf(&b, " %s", action);
		if (extra != NULL && *extra != '\0')
			buf_addf(&b, " %s", extra);
		buf_adds(&b, "; fi");
	}
	r = service_sh(s, buf_cstr(&b), res);
	buf_release(&b);
	return r;
}

/*
 * One round trip: the init system, whether the service exists, its boot
 * links or unit file state, and its status.  Sets *running, *enabled
 * (-1 unknown) and *masked.
 */
static int
service_probe(struct svc *s, const char *pattern, int *running, int *enabled,
    int *masked)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 b = BUF_INIT, q = BUF_INIT;
	const char		*out, *p;
	int			 r = -1, rc;

	shell_quote_buf(&q, s->name);
	buf_addf(&b, "n=%s\n"
	    "if [ -d /run/systemd/system ] && command -v systemctl >/dev/null;"
	    " then\n"
	    "\techo systemd\n"
	    "\tst=$(systemctl is-enabled \"$n\" 2>/dev/null); echo \"$? $st\"\n"
	    "\tsystemctl show \"$n\" -p LoadState -p ActiveState\n"
	    "\texit 0\n"
	    "fi\n"
	    "echo sysv\n"
	    "[ -f /etc/init.d/\"$n\" ] || { echo missing; exit 0; }\n"
	    "if ls /etc/rc?.d/S??\"$n\" >/dev/null 2>&1; then echo enabled; "
	    "else echo disabled; fi\n"
	    "if ls /etc/rc?.d/K??\"$n\" >/dev/null 2>&1; then echo klinks; "
	    "else echo noklinks; fi\n", buf_cstr(&q));
	if (pattern != NULL)
		buf_adds(&b, "ps auxww\n");
	else
		buf_adds(&b, "if command -v service >/dev/null; then\n"
		    "\tout=$(svc service \"$n\" status 2>/dev/null)\n"
		    "else\n"
		    "\tout=$(svc /etc/init.d/\"$n\" status 2>/dev/null)\n"
		    "fi\n"
		    "echo \"rc=$?\"\n"
		    "printf '%s\\n' \"$out\"\n");
	if (service_sh(s, buf_cstr(&b), &res) != 0)
		goto out;
	out = buf_cstr(&res.out);
	*enabled = -1;
	*masked = 0;
	*running = -1;
	if (strncmp(out, "systemd\n", 8) == 0) {
		s->systemd = 1;
		out += 8;
		rc = atoi(out);
		p = strchr(out, ' ');
		*masked = p != NULL && strncmp(p + 1, "masked", 6) == 0;
		*enabled = service_systemd_enabled(rc, p != NULL ? p + 1 : "");
		if (strstr(out, "LoadState=not-found") != NULL && !*masked) {
			s->cause = xasprintf("Could not find the requested "
			    "service %s: host", s->name);
			goto out;
		}
		*running = strstr(out, "ActiveState=active\n") != NULL;
		r = 0;
		goto out;
	}
	out += 5;
	if (strncmp(out, "missing", 7) == 0) {
		s->cause = xasprintf("Could not find the requested service "
		    "%s: host", s->name);
		goto out;
	}
	*enabled = strncmp(out, "enabled\n", 8) == 0;
	out = strchr(out, '\n') + 1;
	s->klinks = strncmp(out, "klinks", 6) == 0;
	out = strchr(out, '\n') + 1;
	if (pattern != NULL) {
		*running = 0;
		for (p = out; p != NULL && *p != '\0'; p = strchr(p, '\n'),
		    p = p != NULL ? p + 1 : NULL) {
			size_t	len = strcspn(p, "\n");
			char	*line = xstrndup(p, len);

			if (strstr(line, pattern) != NULL &&
			    strstr(line, "pattern=") == NULL)
				*running = 1;
			free(line);
		}
	} else {
		rc = strncmp(out, "rc=", 3) == 0 ? atoi(out + 3) : 1;
		p = strchr(out, '\n');
		*running = service_sysv_running(rc, p != NULL ? p + 1 : "",
		    s->name);
		if (*running == -1) {
			s->cause = xstrdup("failed determining service state, "
			    "possible typo of service name?");
			goto out;
		}
	}
	r = 0;
out:
	buf_release(&b);
	buf_release(&q);
	exec_result_release(&res);
	return r;
}

/*
 * The steps return 0, or SVC_OUT (failed, the cause said or not) or
 * SVC_CMDFAIL (a command exited non-zero: its output is the cause).
 */
#define SVC_OUT		-1
#define SVC_CMDFAIL	-2

/*
 * A step's command: SVC_CMDFAIL when it could not run (the cause is set)
 * or exited non-zero, else 0.
 */
static int
service_cmd(int rv, const struct exec_result *res)
{
	if (rv != 0)
		return SVC_CMDFAIL;
	return res->rc != 0 ? SVC_CMDFAIL : 0;
}

static int
service_daemon_reload(struct svc *s, struct exec_result *res)
{
	if (service_sh(s, "[ -d /run/systemd/system ] || exit 0\n"
	    "systemctl daemon-reload", res) != 0)
		return SVC_OUT;
	/* Ansible runs these even in check mode and never counts them. */
	if (res->rc != 0) {
		result_set_exec(s->r, res);
		s->cause = xasprintf("failure %d during daemon-reload: %s",
		    res->rc, buf_cstr(&res->err));
		return SVC_OUT;
	}
	return 0;
}

/* masked (systemd only). */
static int
service_masked(struct svc *s, int want, int masked, int *changed,
    struct exec_result *res)
{
	if (!s->systemd) {
		s->cause = xstrdup("masked needs systemd, which does not run "
		    "this host");
		return SVC_OUT;
	}
	if (want == masked)
		return 0;
	*changed = 1;
	if (s->check)
		return 0;
	return service_cmd(service_do(s, want ? "mask" : "unmask", NULL, res),
	    res);
}

static int
service_enabled(struct svc *s, int want, int enabled, int *changed,
    struct exec_result *res)
{
	struct buf	b = BUF_INIT;
	int		rv;

	if (want == enabled)
		return 0;
	*changed = 1;
	if (s->check)
		return 0;
	if (s->systemd)
		return service_cmd(service_do(s, want ? "enable" : "disable",
		    NULL, res), res);
	service_rcd_script(&b, s->name, want, s->klinks);
	rv = service_sh(s, buf_cstr(&b), res);
	buf_release(&b);
	if (rv != 0)
		return SVC_OUT;
	return res->rc != 0 ? SVC_CMDFAIL : 0;
}

static int
service_state(struct svc *s, const struct mod_args *args, const char *action,
    struct exec_result *res)
{
	const char	*arguments = args_str(args, "arguments");
	long long	 nap = args_int(args, "sleep", 0);
	char		 extra[64];

	if (s->check)
		return 0;
	if (strcmp(action, "restart") != 0 || s->systemd)
		return service_cmd(service_do(s, action, s->systemd &&
		    args_bool(args, "no_block", 0) ? "--no-block " :
		    (s->systemd ? NULL : arguments), res), res);
	/* Not every script has restart: stop, then start. */
	if (service_do(s, "stop", arguments, res) != 0)
		return SVC_OUT;
	if (nap > 0) {
		snprintf(extra, sizeof extra, "sleep %lld", nap);
		if (service_sh(s, extra, res) != 0)
			return SVC_OUT;
	}
	return service_cmd(service_do(s, "start", arguments, res), res);
}

static enum mod_status
service_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	struct svc		 s;
	struct exec_result	 res = EXEC_RESULT_INIT;
	const char		*state = args_str(args, "state"), *action;
	int			 running = 0, enabled = -1, masked = 0;
	int			 want, changed = 0, rv = SVC_OUT;
	enum mod_status		 st = MOD_FAILED;

	memset(&s, 0, sizeof s);
	s.ctx = ctx;
	s.r = r;
	s.name = args_str(args, "name");
	s.check = ctx_check_mode(ctx);
	if (service_validate(args, &s.cause) != 0)
		goto out;
	if ((args_bool(args, "daemon_reload", 0) ||
	    args_bool(args, "daemon_reexec", 0)) &&
	    service_daemon_reload(&s, &res) != 0)
		goto out;
	if (s.name == NULL) {
		st = MOD_OK;
		goto out;
	}
	result_setstr(r, "name", s.name);
	if (service_probe(&s, args_str(args, "pattern"), &running, &enabled,
	    &masked) != 0)
		goto out;
	if (args_has(args, "masked") && (rv = service_masked(&s,
	    args_bool(args, "masked", 0), masked, &changed, &res)) != 0)
		goto fail;
	if (args_has(args, "enabled")) {
		want = args_bool(args, "enabled", 0);
		if ((rv = service_enabled(&s, want, enabled, &changed,
		    &res)) != 0)
			goto fail;
		result_setbool(r, "enabled", want);
	}
	if (state != NULL) {
		if ((action = service_action(state, running)) != NULL) {
			changed = 1;
			if ((rv = service_state(&s, args, action, &res)) != 0)
				goto fail;
		}
		result_setstr(r, "state", service_result_state(state));
	}
	st = changed ? MOD_CHANGED : MOD_OK;
	goto out;

fail:
	if (rv == SVC_CMDFAIL && s.cause == NULL) {
		result_set_exec(r, &res);
		s.cause = xstrdup(res.err.len != 0 ? buf_cstr(&res.err) :
		    buf_cstr(&res.out));
	}
out:
	if (st == MOD_FAILED)
		st = result_fail(r, "%s", s.cause != NULL ? s.cause :
		    "service failed");
	free(s.cause);
	exec_result_release(&res);
	return st;
}

const struct module_entry module_service = {
	.name = "service",
	.aliases = service_aliases,
	.params = service_params,
	.flags = MOD_SUPPORTS_CHECK,
	.validate = service_validate,
	.run = service_run,
};
