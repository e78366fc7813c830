/* The pip module on the target: the virtualenv, which pip, what it lists, and pip's command line. */
#include <stdlib.h>
#include <string.h>

#include "module.h"
#include "pip-plan.h"

/* cd, umask and PATH as Ansible runs pip's commands. */
void
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
int
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
int
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

