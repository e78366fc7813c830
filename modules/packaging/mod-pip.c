/*
 * pip: Python packages with the target's own pip (its Python, never
 * cairn's: cairn needs none), in a virtualenv created on demand.  One
 * round trip finds pip (and makes the virtualenv) and lists what is
 * installed; the decision is made here (pip-plan.c); a second one runs
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

/* What one pip task carries between its round trips. */
struct pip_job {
	struct task_ctx		*ctx;
	const struct mod_args	*args;
	struct result		*r;
	const char		*state;
	char			*env;		/* virtualenv, chdir applied */
	char			*chdir;
	struct pip_req		*pkgs;
	size_t			 npkgs;
	int			 has_vcs;
	char			**pip;		/* pip's words */
	size_t			 npip;
	int			 venv_created;
	int			 venv_missing;	/* check mode */
	struct buf		 freeze;
	struct buf		 out, err;
	char			*cause;
};

/* cd, umask and PATH as Ansible runs pip's commands. */
static void
pip_prologue(struct pip_job *j, struct buf *b)
{
	const char	*umask = args_str(j->args, "umask");

	buf_adds(b, "LANG=C LC_ALL=C LC_MESSAGES=C; export LANG LC_ALL "
	    "LC_MESSAGES\ncd ");
	host_path_word(b, j->chdir);
	buf_adds(b, " || exit 1\n");
	if (umask != NULL) {
		buf_adds(b, "umask ");
		shell_quote_buf(b, umask);
		buf_adds(b, " || exit 1\n");
	}
	if (j->env != NULL) {
		buf_adds(b, "PATH=");
		host_path_word(b, j->env);
		buf_adds(b, "/bin:$PATH\n");
	}
}

/* The virtualenv command line, as setup_virtualenv builds it. */
static int
pip_venv_line(struct pip_job *j, struct buf *b)
{
	const char	*vc = args_str(j->args, "virtualenv_command");
	const char	*vpy = args_str(j->args, "virtualenv_python");
	char		**argv = NULL;
	size_t		 i;
	int		 venv;

	if (shell_split(vc, &argv, &j->cause) != 0)
		return -1;
	if (argv[0] == NULL) {
		shell_argv_free(argv);
		j->cause = xstrdup("virtualenv_command is empty");
		return -1;
	}
	venv = strstr(vc, "pyvenv") != NULL || strstr(vc, "-m venv") != NULL;
	if (venv && vpy != NULL) {
		shell_argv_free(argv);
		j->cause = xstrdup("virtualenv_python should not be used when "
		    "using the venv module or pyvenv as virtualenv_command");
		return -1;
	}
	for (i = 0; argv[i] != NULL; i++) {
		if (i != 0)
			buf_addc(b, ' ');
		host_path_word(b, argv[i]);
	}
	if (args_bool(j->args, "virtualenv_site_packages", 0))
		buf_adds(b, " --system-site-packages");
	if (!venv) {
		if (vpy != NULL) {
			char *p = xasprintf("-p%s", vpy);

			buf_addc(b, ' ');
			shell_quote_buf(b, p);
			free(p);
		} else
			buf_adds(b, " \"-p$(command -v python3)\"");
	}
	buf_addc(b, ' ');
	host_path_word(b, j->env);
	shell_argv_free(argv);
	return 0;
}

/*
 * Round trip one: the virtualenv (made unless in check mode), which pip
 * to run, and what it lists as installed.
 */
static int
pip_probe(struct pip_job *j)
{
	const char		*exe = args_str(j->args, "executable");
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 b = BUF_INIT, w = BUF_INIT;
	const char		*s, *e, *fr;
	int			 r = -1;

	pip_prologue(j, &b);
	if (j->env != NULL) {
		buf_adds(&b, "if [ ! -e ");
		host_path_word(&b, j->env);
		buf_adds(&b, "/bin/activate ]; then\n");
		if (ctx_check_mode(j->ctx))
			buf_adds(&b, "\techo cairn-venv-missing; exit 0\n");
		else {
			buf_adds(&b, "\t");
			if (pip_venv_line(j, &b) != 0)
				goto out;
			buf_adds(&b, " >&2 || exit 2\n\techo cairn-venv-created\n");
		}
		buf_adds(&b, "fi\nfor p in ");
		host_path_word(&b, j->env);
		buf_adds(&b, "/bin/pip3 ");
		host_path_word(&b, j->env);
		buf_adds(&b, "/bin/pip; do [ -x \"$p\" ] && break; p=; done\n"
		    "[ -n \"$p\" ] || { echo 'Unable to find pip in the "
		    "virtualenv, ");
		/* the path inside a single-quoted message: close, quote, open */
		buf_adds(&b, "'");
		host_path_word(&b, j->env);
		buf_adds(&b, "', under any of these names: pip3, pip. Make "
		    "sure pip is present in the virtualenv.' >&2; exit 3; }\n"
		    "set -- \"$p\"\n");
	} else if (exe != NULL) {
		buf_adds(&b, "p=$(command -v ");
		host_path_word(&b, exe);
		buf_adds(&b, ") || { echo 'Unable to find any of ");
		buf_adds(&b, "'");
		shell_quote_buf(&b, exe);
		buf_adds(&b, "' to use.  pip needs to be installed.' >&2; "
		    "exit 3; }\nset -- \"$p\"\n");
	} else
		buf_adds(&b, "if p=$(command -v pip3); then set -- \"$p\"\n"
		    "elif python3 -c 'import pip' >/dev/null 2>&1; then "
		    "set -- python3 -m pip\n"
		    "else echo 'Unable to find any of pip3 to use.  pip needs "
		    "to be installed.' >&2; exit 3; fi\n");
	buf_adds(&b, "for w; do printf 'cairn-pip=%s\\n' \"$w\"; done\n"
	    "echo cairn-freeze\n"
	    "\"$@\" list --format=freeze 2>/dev/null || \"$@\" freeze || "
	    "exit 4\n");
	if (host_run(j->ctx, buf_cstr(&b), &res, &j->cause) != 0)
		goto out;
	if (res.rc != 0) {
		result_set_exec(j->r, &res);
		j->cause = res.err.len != 0 ? xstrndup(res.err.s, res.err.len) :
		    xasprintf("pip failed with status %d", res.rc);
		str_trim(j->cause);
		goto out;
	}
	buf_add(&j->err, res.err.s, res.err.len);
	s = buf_cstr(&res.out);
	fr = strstr(s, "cairn-freeze\n");
	for (; *s != '\0' && (fr == NULL || s < fr); s = *e ? e + 1 : e) {
		e = strchr(s, '\n');
		if (e == NULL)
			e = s + strlen(s);
		if (strncmp(s, "cairn-venv-missing", 18) == 0)
			j->venv_missing = 1;
		else if (strncmp(s, "cairn-venv-created", 18) == 0)
			j->venv_created = 1;
		else if (strncmp(s, "cairn-pip=", 10) == 0) {
			j->pip = xreallocarray(j->pip, j->npip + 2,
			    sizeof *j->pip);
			j->pip[j->npip++] = xstrndup(s + 10, e - s - 10);
			j->pip[j->npip] = NULL;
		}
	}
	/* Old pips' upgrade notices are no packages. */
	for (s = fr != NULL ? fr + 13 : ""; *s != '\0'; s = *e ? e + 1 : e) {
		e = strchr(s, '\n');
		if (e == NULL)
			e = s + strlen(s);
		if (e == s || strncmp(s, "You are using", 13) == 0 ||
		    strncmp(s, "You should consider", 19) == 0)
			continue;
		buf_add(&j->freeze, s, e - s);
		buf_addc(&j->freeze, '\n');
	}
	r = 0;
out:
	buf_release(&b);
	buf_release(&w);
	exec_result_release(&res);
	return r;
}

/* The pip command, as words and as the shell text that runs them. */
static int
pip_command(struct pip_job *j, struct value *cmdv, struct buf *sh)
{
	const char	*extra = args_str(j->args, "extra_args");
	const char	*req = args_str(j->args, "requirements");
	char		**ex = NULL, *e2 = NULL;
	const char	*words[4] = { NULL };
	size_t		 i;

	if (strcmp(j->state, "present") == 0)
		words[0] = "install";
	else if (strcmp(j->state, "absent") == 0) {
		words[0] = "uninstall";
		words[1] = "-y";
	} else if (strcmp(j->state, "latest") == 0) {
		words[0] = "install";
		words[1] = "-U";
	} else {
		words[0] = "install";
		words[1] = "-U";
		words[2] = "--force-reinstall";
	}
	if (args_bool(j->args, "editable", 0)) {
		/* Ansible's: "-e" appended unless extra_args has it */
		if (extra == NULL)
			e2 = xstrdup("-e");
		else if (strstr(extra, "-e") == NULL ||
		    (strcmp(extra, "-e") != 0 && !str_startswith(extra, "-e ") &&
		    strstr(extra, " -e ") == NULL && !str_endswith(extra, " -e")))
			e2 = xasprintf("%s -e", extra);
		extra = e2 != NULL ? e2 : extra;
	}
	if (extra != NULL && shell_split(extra, &ex, &j->cause) != 0) {
		free(e2);
		return -1;
	}
#define PIP_WORD(w) do {						\
	value_list_append(cmdv, value_str(w));				\
	if (sh->len != 0)						\
		buf_addc(sh, ' ');					\
	shell_quote_buf(sh, w);						\
} while (0)
	for (i = 0; i < j->npip; i++)
		PIP_WORD(j->pip[i]);
	for (i = 0; words[i] != NULL; i++)
		PIP_WORD(words[i]);
	for (i = 0; ex != NULL && ex[i] != NULL; i++)
		PIP_WORD(ex[i]);
	if (j->npkgs != 0) {
		for (i = 0; i < j->npkgs; i++)
			PIP_WORD(j->pkgs[i].text);
	} else {
		PIP_WORD("-r");
		PIP_WORD(req);
	}
#undef PIP_WORD
	shell_argv_free(ex);
	free(e2);
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
