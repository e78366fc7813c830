/*
 * pip: Python packages with the target's own pip (its Python, never
 * cairn's: cairn needs none), in a virtualenv created on demand.  One
 * round trip finds pip (and makes the virtualenv) and lists what is
 * installed (pip-host.c); the decision is made here (pip-plan.c); a second one runs
 * pip only when something is to be done.
 */
#include <stdlib.h>
#include <string.h>

#include "module.h"
#include "pip-plan.h"

static const char *const pip_aliases[] = {
	"ansible.builtin.pip", "ansible.legacy.pip", NULL
};
static const char *const state_choices[] = { "absent", "forcereinstall",
	"latest", "present", NULL };

static const struct mod_param pip_params[] = {
	{ "name", P_LIST, 0, NULL, NULL, NULL },
	{ "version", P_STR, 0, NULL, NULL, NULL },
	{ "requirements", P_STR, 0, NULL, NULL, NULL },
	{ "virtualenv", P_PATH, 0, NULL, NULL, NULL },
	{ "virtualenv_site_packages", P_BOOL, 0, "no", NULL, NULL },
	{ "virtualenv_command", P_PATH, 0, "virtualenv", NULL, NULL },
	{ "virtualenv_python", P_STR, 0, NULL, NULL, NULL },
	{ "state", P_STR, 0, "present", state_choices, NULL },
	{ "extra_args", P_STR, 0, NULL, NULL, NULL },
	{ "editable", P_BOOL, 0, "no", NULL, NULL },
	{ "chdir", P_PATH, 0, NULL, NULL, NULL },
	{ "executable", P_PATH, 0, NULL, NULL, NULL },
	{ "umask", P_STR, 0, NULL, NULL, NULL },
	{ NULL }
};

static int
pip_validate(const struct mod_args *args, char **cause)
{
	const char	*state = args_str(args, "state");
	const char	*umask = args_str(args, "umask");
	char		*end;

	if (args_has(args, "name") && args_has(args, "requirements")) {
		*cause = xstrdup("parameters are mutually exclusive: "
		    "name|requirements");
		return -1;
	}
	if (args_has(args, "executable") && args_has(args, "virtualenv")) {
		*cause = xstrdup("parameters are mutually exclusive: "
		    "executable|virtualenv");
		return -1;
	}
	if (!args_has(args, "name") && !args_has(args, "requirements")) {
		*cause = xstrdup("one of the following is required: name, "
		    "requirements");
		return -1;
	}
	if (state != NULL && strcmp(state, "latest") == 0 &&
	    args_has(args, "version")) {
		*cause = xstrdup("version is incompatible with state=latest");
		return -1;
	}
	if (umask != NULL && !value_is_template(args_get(args, "umask"))) {
		strtol(umask, &end, 8);
		if (*umask == '\0' || *end != '\0') {
			*cause = xstrdup("umask must be an octal integer");
			return -1;
		}
	}
	return 0;
}

/* Ansible's _recover_package_name, Package() and the version argument. */
static int
pip_packages(struct pip_job *j)
{
	struct value	*names = args_get(j->args, "name");
	const char	*version = args_str(j->args, "version");
	char		**in, **rec;
	size_t		 i, n;

	if (names == NULL || names->type != V_LIST)
		return 0;
	in = xcalloc(names->u.list.n + 1, sizeof *in);
	for (i = 0; i < names->u.list.n; i++) {
		in[i] = value_to_string(names->u.list.items[i]);
		if (strncmp(in[i], "svn+", 4) == 0 ||
		    strncmp(in[i], "git+", 4) == 0 ||
		    strncmp(in[i], "hg+", 3) == 0 ||
		    strncmp(in[i], "bzr+", 4) == 0)
			j->has_vcs = 1;
	}
	rec = pip_recover_names(in, names->u.list.n, &n);
	strv_free_null(in);
	j->pkgs = xcalloc(n + 1, sizeof *j->pkgs);
	for (i = 0; i < n; i++)
		pip_req_parse(rec[i], NULL, &j->pkgs[i]);
	j->npkgs = n;
	strv_free_null(rec);
	if (version == NULL)
		return 0;
	if (n > 1) {
		j->cause = xstrdup("'version' argument is ambiguous when "
		    "installing multiple package distributions. Please "
		    "specify version restrictions next to each package in "
		    "'name' argument.");
		return -1;
	}
	if (pip_req_has_version(&j->pkgs[0])) {
		j->cause = xstrdup("The 'version' argument conflicts with any "
		    "version specifier provided along with a package name. "
		    "Please keep the version specifier, but remove the "
		    "'version' argument.");
		return -1;
	}
	in = (char *[]){ xstrdup(j->pkgs[0].text), NULL };
	pip_req_free(&j->pkgs[0]);
	pip_req_parse(in[0], version, &j->pkgs[0]);
	free(in[0]);
	return 0;
}

/* Whether every package is there (state present), or none is (absent). */
static int
pip_settled(struct pip_job *j)
{
	size_t	i;
	int	present = strcmp(j->state, "present") == 0;

	for (i = 0; i < j->npkgs; i++) {
		if (pip_is_present(&j->pkgs[i], buf_cstr(&j->freeze)) !=
		    present)
			return 0;
	}
	return 1;
}

static void
pip_set_common(struct pip_job *j, struct value *cmd)
{
	struct value	*v;

	result_set(j->r, "cmd", cmd);
	v = args_get(j->args, "name");
	result_set(j->r, "name", v != NULL ? value_ref(v) : value_null());
	result_set(j->r, "version", args_has(j->args, "version") ?
	    value_str(args_str(j->args, "version")) : value_null());
	result_setstr(j->r, "state", j->state);
	result_set(j->r, "requirements", args_has(j->args, "requirements") ?
	    value_str(args_str(j->args, "requirements")) : value_null());
	result_set(j->r, "virtualenv", j->env != NULL ? value_str(j->env) :
	    value_null());
}

static enum mod_status
pip_run(struct task_ctx *ctx, const struct mod_args *args, struct result *r)
{
	const char		*env = args_str(args, "virtualenv");
	const char		*chdir = args_str(args, "chdir");
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct pip_job		 j;
	struct value		*cmd = NULL;
	struct buf		 sh = BUF_INIT, script = BUF_INIT;
	const char		*fr;
	size_t			 i;
	int			 changed, simple;
	enum mod_status		 st = MOD_FAILED;

	memset(&j, 0, sizeof j);
	j.ctx = ctx;
	j.args = args;
	j.r = r;
	j.state = args_str(args, "state");
	if (pip_validate(args, &j.cause) != 0)
		goto out;
	if (env != NULL)
		j.env = chdir != NULL && env[0] != '/' && env[0] != '~' ?
		    xasprintf("%s/%s", chdir, env) : xstrdup(env);
	j.chdir = xstrdup(chdir != NULL ? chdir : "/tmp");
	if (pip_packages(&j) != 0 || pip_probe(&j) != 0)
		goto out;
	if (j.venv_missing) {
		/* as Ansible: a virtualenv to make is all check mode says */
		st = MOD_CHANGED;
		goto out;
	}
	simple = j.npkgs != 0 && !args_has(args, "extra_args") &&
	    !args_bool(args, "editable", 0) &&
	    (strcmp(j.state, "present") == 0 || strcmp(j.state, "absent") == 0);
	if (ctx_check_mode(ctx)) {
		cmd = value_list();
		for (i = 0; i < j.npip; i++)
			value_list_append(cmd, value_str(j.pip[i]));
		value_list_append(cmd, value_str("list"));
		value_list_append(cmd, value_str("--format=freeze"));
		result_set(r, "cmd", cmd);
		cmd = NULL;
		result_setstr(r, "stdout", buf_cstr(&j.freeze));
		result_setstr(r, "stderr", buf_cstr(&j.err));
		/*
		 * As Ansible's check mode: extra arguments, requirements and
		 * latest always change; otherwise a present package missing
		 * or an absent one there does (forcereinstall never does).
		 */
		if (args_has(args, "extra_args") || args_bool(args,
		    "editable", 0) || j.npkgs == 0 ||
		    strcmp(j.state, "latest") == 0)
			st = MOD_CHANGED;
		else if (strcmp(j.state, "forcereinstall") == 0)
			st = MOD_OK;
		else
			st = pip_settled(&j) ? MOD_OK : MOD_CHANGED;
		goto out;
	}
	cmd = value_list();
	if (pip_command(&j, cmd, &sh) != 0)
		goto out;
	pip_set_common(&j, cmd);
	cmd = NULL;
	/*
	 * Nothing to do: pip would only say "Requirement already satisfied"
	 * (or "not installed"), so it is not run.
	 */
	if (simple && pip_settled(&j)) {
		result_setstr(r, "stdout", buf_cstr(&j.freeze));
		result_setstr(r, "stderr", buf_cstr(&j.err));
		st = j.venv_created ? MOD_CHANGED : MOD_OK;
		goto out;
	}
	pip_prologue(&j, &script);
	buf_addf(&script, "%s\n", buf_cstr(&sh));
	if (args_has(args, "requirements") || j.has_vcs)
		buf_adds(&script, "_rc=$?\necho cairn-freeze-after\n"
		    "\"$@\" list --format=freeze 2>/dev/null; exit $_rc\n");
	/* "$@" is pip's words again for the freeze after */
	buf_reset(&sh);
	buf_adds(&sh, "set --");
	for (i = 0; i < j.npip; i++) {
		buf_addc(&sh, ' ');
		shell_quote_buf(&sh, j.pip[i]);
	}
	buf_addf(&sh, "\n%s", buf_cstr(&script));
	if (host_run(ctx, buf_cstr(&sh), &res, &j.cause) != 0)
		goto out;
	fr = strstr(buf_cstr(&res.out), "cairn-freeze-after\n");
	buf_add(&j.out, res.out.s, fr != NULL ? (size_t)(fr - res.out.s) :
	    res.out.len);
	buf_add(&j.err, res.err.s, res.err.len);
	result_setstr(r, "stdout", buf_cstr(&j.out));
	result_setstr(r, "stderr", buf_cstr(&j.err));
	if (res.rc != 0 && !(res.rc == 1 && strcmp(j.state, "absent") == 0 &&
	    (strstr(buf_cstr(&res.out), "not installed") != NULL ||
	    strstr(buf_cstr(&res.err), "not installed") != NULL))) {
		j.cause = xasprintf("%s%s%s%s", res.out.len ? "stdout: " : "",
		    buf_cstr(&j.out), res.err.len ? "\n:stderr: " : "",
		    buf_cstr(&res.err));
		goto out;
	}
	if (strcmp(j.state, "absent") == 0)
		changed = strstr(buf_cstr(&j.out), "Successfully uninstalled") !=
		    NULL;
	else if (fr != NULL)
		changed = strcmp(fr + 19, buf_cstr(&j.freeze)) != 0;
	else
		changed = strstr(buf_cstr(&j.out), "Successfully installed") !=
		    NULL;
	st = changed || j.venv_created ? MOD_CHANGED : MOD_OK;
out:
	if (st == MOD_FAILED)
		st = result_fail(r, "%s", j.cause != NULL ? j.cause :
		    "pip failed");
	value_unref(cmd);
	for (i = 0; i < j.npkgs; i++)
		pip_req_free(&j.pkgs[i]);
	free(j.pkgs);
	strv_free_null(j.pip);
	free(j.env);
	free(j.chdir);
	free(j.cause);
	buf_release(&j.freeze);
	buf_release(&j.out);
	buf_release(&j.err);
	buf_release(&sh);
	buf_release(&script);
	exec_result_release(&res);
	return st;
}

const struct module_entry module_pip = {
	.name = "pip",
	.aliases = pip_aliases,
	.params = pip_params,
	.flags = MOD_SUPPORTS_CHECK,
	.validate = pip_validate,
	.run = pip_run,
};
