/*
 * systemd (systemd_service): a unit's state, enablement and mask through
 * systemctl, as Ansible's systemd module, returning `systemctl show` as
 * status.  One round trip reads the unit; enable, disable, mask and
 * unmask work on unit files without a running manager (a chroot, a host
 * not booted with systemd), a state or daemon-reload needs the manager
 * and fails saying so.  A host without systemctl at all is driven through
 * its init scripts, as the service module does.
 */
#include <stdlib.h>
#include <string.h>

#include "module.h"
#include "service-plan.h"

static const char *const systemd_aliases[] = {
	"ansible.builtin.systemd", "ansible.legacy.systemd",
	"systemd_service", "ansible.builtin.systemd_service",
	"ansible.legacy.systemd_service", NULL
};
static const char *const name_aliases[] = { "service", "unit", NULL };
static const char *const reload_aliases[] = { "daemon-reload", NULL };
static const char *const reexec_aliases[] = { "daemon-reexec", NULL };
static const char *const state_choices[] = { "reloaded", "restarted",
	"started", "stopped", NULL };
static const char *const scope_choices[] = { "system", "user", "global",
	NULL };

static const struct mod_param systemd_params[] = {
	{ "name", P_STR, 0, NULL, NULL, name_aliases },
	{ "state", P_STR, 0, NULL, state_choices, NULL },
	{ "enabled", P_BOOL, 0, NULL, NULL, NULL },
	{ "force", P_BOOL, 0, NULL, NULL, NULL },
	{ "masked", P_BOOL, 0, NULL, NULL, NULL },
	{ "daemon_reload", P_BOOL, 0, "no", NULL, reload_aliases },
	{ "daemon_reexec", P_BOOL, 0, "no", NULL, reexec_aliases },
	{ "scope", P_STR, 0, "system", scope_choices, NULL },
	{ "no_block", P_BOOL, 0, "no", NULL, NULL },
	{ NULL }
};

/* The init-script path for hosts without systemctl, in mod-service.c. */
extern const struct module_entry module_service;

static int
systemd_validate(const struct mod_args *a, char **cause)
{
	const char	*name = args_str(a, "name");

	if (!args_has(a, "state") && !args_has(a, "enabled") &&
	    !args_has(a, "masked") && !args_bool(a, "daemon_reload", 0) &&
	    !args_bool(a, "daemon_reexec", 0)) {
		*cause = xstrdup("one of the following is required: state, "
		    "enabled, masked, daemon_reload, daemon_reexec");
		return -1;
	}
	if (name == NULL) {
		if (args_has(a, "state") || args_has(a, "enabled") ||
		    args_has(a, "masked")) {
			*cause = xstrdup("missing parameter(s) required by "
			    "'state', 'enabled' or 'masked': name");
			return -1;
		}
		return 0;
	}
	if (!value_is_template(args_get(a, "name")) &&
	    strpbrk(name, "*?[") != NULL) {
		*cause = xasprintf("This module does not currently support "
		    "using glob patterns, found '%c' in service name: %s",
		    *strpbrk(name, "*?["), name);
		return -1;
	}
	return 0;
}

struct unit {
	struct task_ctx	*ctx;
	struct result	*r;
	const char	*name;
	char		 flags[48];	/* --user --no-block --force */
	int		 booted;
	int		 initd, sysv_on;
	int		 show_rc, enabled_rc, files_rc;
	char		*enabled_out;	/* is-enabled's words */
	char		*show_err;
	struct value	*status;
	char		*cause;
};

static const char systemd_prologue[] =
	"LANG=C LC_ALL=C; export LANG LC_ALL\n"
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:"
	"$PATH\n"
	"XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/run/user/$(id -u)}\n"
	"export XDG_RUNTIME_DIR\n"
	"command -v systemctl >/dev/null || { echo nosystemctl; exit 0; }\n"
	"if [ -d /run/systemd/system ]; then echo booted; else echo offline; "
	"fi\n";

/* Runs body after the prologue; 0 and res, or -1 and u->cause. */
static int
systemd_sh(struct unit *u, const char *body, struct exec_result *res)
{
	struct buf	b = BUF_INIT;
	int		r;

	buf_adds(&b, systemd_prologue);
	buf_adds(&b, body);
	exec_result_release(res);
	r = host_run(u->ctx, buf_cstr(&b), res, &u->cause);
	buf_release(&b);
	return r == 0 ? 0 : -1;
}

/*
 * "systemctl FLAGS ACTION 'name'" (no name for daemon-*), its output in
 * res; 0 or -1.
 */
static int
systemd_ctl(struct unit *u, const char *action, struct exec_result *res)
{
	struct buf	b = BUF_INIT;
	int		r;

	buf_addf(&b, "systemctl%s %s", u->flags, action);
	if (u->name != NULL && !str_startswith(action, "daemon-")) {
		buf_adds(&b, " ");
		shell_quote_buf(&b, u->name);
	}
	buf_adds(&b, "\n");
	r = systemd_sh(u, buf_cstr(&b), res);
	buf_release(&b);
	return r;
}

/* A tagged "word N rest" line of the probe: its number, *rest. */
static int
systemd_tag(const char *out, const char *tag, int def, const char **rest)
{
	const char	*p = out;
	size_t		 tl = strlen(tag);

	for (; p != NULL && *p != '\0'; p = strchr(p, '\n'),
	    p = p != NULL ? p + 1 : NULL) {
		if (strncmp(p, tag, tl) == 0 && (p[tl] == ' ' ||
		    p[tl] == '\n' || p[tl] == '\0')) {
			if (rest != NULL)
				*rest = p + tl;
			return p[tl] == ' ' ? atoi(p + tl + 1) : 1;
		}
		if (strncmp(p, "#err\n", 5) == 0)
			break;
	}
	return def;
}

/*
 * The unit as systemctl sees it, in one round trip.  Returns 1 when the
 * host has no systemctl, 0 when read, -1 with u->cause.
 */
static int
systemd_probe(struct unit *u)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 b = BUF_INIT;
	const char		*out, *err, *show, *rest;
	int			 r = -1;

	buf_adds(&b, "n=");
	shell_quote_buf(&b, u->name);
	buf_addf(&b, "\nt=$(mktemp -d) || exit 1\n"
	    "[ -f /etc/init.d/\"$n\" ] && echo initd\n"
	    "ls /etc/rc?.d/S??\"$n\" >/dev/null 2>&1 && echo sysvon\n"
	    "systemctl%s show \"$n\" >\"$t/o\" 2>\"$t/e\"; echo \"show $?\"\n"
	    "e=$(systemctl%s is-enabled \"$n\" -l 2>/dev/null); r=$?\n"
	    "echo \"enabled $r\" $e\n"
	    "systemctl%s list-unit-files \"$n\" >/dev/null 2>&1; "
	    "echo \"files $?\"\n"
	    "echo '#err'; cat \"$t/e\"; echo '#out'; cat \"$t/o\"; "
	    "rm -rf \"$t\"\n", u->flags, u->flags, u->flags);
	if (systemd_sh(u, buf_cstr(&b), &res) != 0)
		goto out;
	out = buf_cstr(&res.out);
	if (strncmp(out, "nosystemctl\n", 12) == 0) {
		r = 1;
		goto out;
	}
	/* An empty stderr leaves "\n#err\n#out\n": the marks share a newline. */
	if (res.rc != 0 || (err = strstr(out, "\n#err\n")) == NULL ||
	    (show = strstr(err + 5, "\n#out\n")) == NULL) {
		u->cause = xasprintf("cannot read unit %s: %s", u->name,
		    buf_cstr(&res.err));
		goto out;
	}
	u->booted = strncmp(out, "booted\n", 7) == 0;
	u->initd = systemd_tag(out, "initd", 0, NULL);
	u->sysv_on = systemd_tag(out, "sysvon", 0, NULL);
	u->show_rc = systemd_tag(out, "show", 1, NULL);
	u->files_rc = systemd_tag(out, "files", 1, NULL);
	rest = NULL;
	u->enabled_rc = systemd_tag(out, "enabled", 1, &rest);
	if (rest != NULL && *rest == ' ')
		rest = strchr(rest + 1, ' ');
	u->enabled_out = rest != NULL && *rest == ' ' ? xstrndup(rest + 1,
	    strcspn(rest + 1, "\n")) : xstrdup("");
	u->show_err = xstrndup(err + 6, show + 1 - (err + 6));
	if (u->show_rc == 0)
		u->status = service_show_parse(show + 6);
	r = 0;
out:
	exec_result_release(&res);
	buf_release(&b);
	return r;
}

/* Ansible's request_was_ignored: systemctl said it ignored the request. */
static int
systemd_ignored(const char *s)
{
	return strchr(s, '=') == NULL && (strstr(s, "ignoring request") !=
	    NULL || strstr(s, "ignoring command") != NULL);
}

/* The LoadState or ActiveState of status, or "". */
static const char *
systemd_prop(const struct unit *u, const char *key)
{
	struct value	*v;

	if (u->status == NULL || (v = value_dict_get(u->status, key)) ==
	    NULL || v->type != V_STR)
		return NULL;
	return v->u.str.s;
}

/* Whether systemd knows the unit, as Ansible's is_systemd. */
static int
systemd_known(struct unit *u)
{
	static const char *const valid[] = { "enabled", "enabled-runtime",
		"linked", "linked-runtime", "masked", "masked-runtime",
		"static", "indirect", "disabled", "generated", "transient",
		NULL };
	const char	*ls;

	if (u->status != NULL && !systemd_ignored(u->show_err)) {
		ls = systemd_prop(u, "LoadState");
		return ls != NULL && strcmp(ls, "not-found") != 0;
	}
	if (u->status != NULL) {
		value_unref(u->status);
		u->status = NULL;
	}
	for (size_t i = 0; valid[i] != NULL; i++)
		if (strcmp(u->enabled_out, valid[i]) == 0)
			return 1;
	return u->files_rc == 0;
}

/* "active", "activating": running; "deactivating" is on its way down. */
static int
systemd_running(const char *active)
{
	return strcmp(active, "active") == 0 ||
	    strcmp(active, "activating") == 0;
}

/*
 * A systemctl step that must succeed; 0, or -1 and u->cause as Ansible's,
 * or 1 when the host has no systemctl.
 */
static int
systemd_step(struct unit *u, const char *action, const char *what)
{
	struct exec_result	res = EXEC_RESULT_INIT;
	char			*err;
	int			rv = -1;

	if (systemd_ctl(u, action, &res) != 0)
		goto out;
	if (str_startswith(buf_cstr(&res.out), "nosystemctl\n")) {
		rv = 1;
		goto out;
	}
	if (res.rc != 0) {
		err = xstrdup(buf_cstr(&res.err));
		/* Ansible's message ends with stderr's last newline. */
		while (*err != '\0' && err[strlen(err) - 1] == '\n')
			err[strlen(err) - 1] = '\0';
		if (strcmp(what, "daemon") == 0)
			u->cause = xasprintf("failure %d during %s: %s",
			    res.rc, action, err);
		else
			u->cause = xasprintf("Unable to %s service %s: %s%s",
			    action, u->name, strcmp(what, "state") == 0 ? "" :
			    buf_cstr(&res.out), buf_cstr(&res.err));
		free(err);
		goto out;
	}
	rv = 0;
out:
	exec_result_release(&res);
	return rv;
}

static int
systemd_enabled(struct unit *u, int want, int *changed)
{
	int	enabled = 0;

	if (u->enabled_rc == 0)
		enabled = strcmp(u->enabled_out, "indirect") != 0 &&
		    strcmp(u->enabled_out, "alias") != 0;
	else if (u->enabled_rc == 1 && strstr(u->flags, "--user") == NULL &&
	    strstr(u->flags, "--global") == NULL && u->initd &&
	    !str_endswith(u->enabled_out, "disabled") && u->sysv_on)
		enabled = 1;
	result_setbool(u->r, "enabled", enabled);
	if (enabled == want)
		return 0;
	*changed = 1;
	if (!ctx_check_mode(u->ctx) && systemd_step(u, want ? "enable" :
	    "disable", "enable") != 0)
		return -1;
	result_setbool(u->r, "enabled", want);
	return 0;
}

static int
systemd_state(struct unit *u, const char *state, int *changed)
{
	const char	*active = systemd_prop(u, "ActiveState");
	const char	*action = NULL;
	char		*why;

	result_setstr(u->r, "state", state);
	if (active == NULL) {
		/* Offline: systemctl says why in the show's stderr. */
		why = str_trim(xstrndup(u->show_err, strcspn(u->show_err,
		    "\n")));
		u->cause = xasprintf("Service is in unknown state: systemd "
		    "does not run this host, so %s cannot be %s%s%s%s",
		    u->name, state, *why != '\0' ? " (" : "", why,
		    *why != '\0' ? ")" : "");
		free(why);
		return -1;
	}
	if (strcmp(state, "started") == 0) {
		if (!systemd_running(active))
			action = "start";
	} else if (strcmp(state, "stopped") == 0) {
		if (systemd_running(active) || strcmp(active,
		    "deactivating") == 0)
			action = "stop";
	} else {
		action = !systemd_running(active) ? "start" :
		    strcmp(state, "restarted") == 0 ? "restart" : "reload";
		result_setstr(u->r, "state", "started");
	}
	if (action == NULL)
		return 0;
	*changed = 1;
	if (ctx_check_mode(u->ctx))
		return 0;
	return systemd_step(u, action, "state");
}

static enum mod_status
systemd_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	struct unit	 u;
	const char	*scope = args_str(args, "scope"), *ls;
	int		 changed = 0, found, masked, want, check;
	int		 rv;
	enum mod_status	 st = MOD_FAILED;

	memset(&u, 0, sizeof u);
	u.ctx = ctx;
	u.r = r;
	u.name = args_str(args, "name");
	check = ctx_check_mode(ctx);
	if (systemd_validate(args, &u.cause) != 0)
		goto out;
	snprintf(u.flags, sizeof u.flags, "%s%s%s",
	    strcmp(scope, "user") == 0 ? " --user" :
	    strcmp(scope, "global") == 0 ? " --global" : "",
	    args_bool(args, "no_block", 0) ? " --no-block" : "",
	    args_bool(args, "force", 0) ? " --force" : "");
	result_set(r, "name", u.name != NULL ? value_str(u.name) :
	    value_null());
	/* Ansible reloads first, so that the unit is read as reloaded. */
	rv = 0;
	if (args_bool(args, "daemon_reload", 0) && !check)
		rv = systemd_step(&u, "daemon-reload", "daemon");
	if (rv == 0 && args_bool(args, "daemon_reexec", 0) && !check)
		rv = systemd_step(&u, "daemon-reexec", "daemon");
	if (rv == 0 && u.name != NULL)
		rv = systemd_probe(&u);
	if (rv < 0)
		goto out;
	if (rv == 1) {
		value_unref(u.status);
		free(u.enabled_out);
		free(u.show_err);
		free(u.cause);
		value_dict_del(r->v, "name");
		return module_service.run(ctx, args, r);
	}
	if (u.name == NULL) {
		st = MOD_OK;
		goto out;
	}
	if (u.status == NULL && u.show_rc == 0)
		u.status = value_dict();
	found = systemd_known(&u);
	ls = systemd_prop(&u, "LoadState");
	if (found && (ls == NULL || strcmp(ls, "masked") != 0) &&
	    systemd_prop(&u, "LoadError") != NULL) {
		u.cause = xasprintf("Error loading unit file '%s': %s",
		    u.name, systemd_prop(&u, "LoadError"));
		goto out;
	}
	found |= u.initd;
	if (args_has(args, "masked")) {
		masked = strcmp(u.enabled_out, "masked") == 0;
		want = args_bool(args, "masked", 0);
		if (masked != want) {
			changed = 1;
			if (!check && systemd_step(&u, want ? "mask" :
			    "unmask", "mask") != 0) {
				if (!found) {
					free(u.cause);
					u.cause = xasprintf("Could not find "
					    "the requested service %s: host",
					    u.name);
				}
				goto out;
			}
		}
	}
	if ((args_has(args, "enabled") || args_has(args, "state")) && !found) {
		u.cause = xasprintf("Could not find the requested service "
		    "%s: host", u.name);
		goto out;
	}
	if (args_has(args, "enabled") && systemd_enabled(&u,
	    args_bool(args, "enabled", 0), &changed) != 0)
		goto out;
	if (args_has(args, "state") && systemd_state(&u, args_str(args,
	    "state"), &changed) != 0)
		goto out;
	st = changed ? MOD_CHANGED : MOD_OK;
out:
	result_set(r, "status", u.status != NULL ? value_ref(u.status) :
	    value_dict());
	if (st == MOD_FAILED)
		st = result_fail(r, "%s", u.cause != NULL ? u.cause :
		    "systemd failed");
	value_unref(u.status);
	free(u.enabled_out);
	free(u.show_err);
	free(u.cause);
	return st;
}

const struct module_entry module_systemd = {
	.name = "systemd",
	.aliases = systemd_aliases,
	.params = systemd_params,
	.flags = MOD_SUPPORTS_CHECK,
	.validate = systemd_validate,
	.run = systemd_run,
};
