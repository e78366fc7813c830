/* The git module on the target: the shell preamble, checked steps, switch, submodules, HEAD. */
#include <stdlib.h>
#include <string.h>

#include "git.h"
#include "module.h"

void
git_preamble(struct git_run *g, unsigned int mask, int has_mask)
{
	const struct mod_args	*a = g->args;
	const char		*exe = args_str(a, "executable");
	const char		*dest = args_str(a, "dest");
	char			*ssh;

	if (has_mask)
		buf_addf(&g->pre, "umask %03o\n", mask);
	ssh = git_ssh_command(args_str(a, "key_file"),
	    args_bool(a, "accept_hostkey", 0),
	    args_bool(a, "accept_newhostkey", 0), args_str(a, "ssh_opts"));
	if (ssh != NULL) {
		buf_adds(&g->pre, "GIT_SSH_COMMAND=");
		shell_quote_buf(&g->pre, ssh);
		buf_adds(&g->pre, "\nexport GIT_SSH_COMMAND\n");
		free(ssh);
	}
	buf_adds(&g->pre, "GIT_TERMINAL_PROMPT=0\nexport GIT_TERMINAL_PROMPT\n"
	    "LC_ALL=C\nexport LC_ALL\ng=");
	if (exe != NULL)
		host_path_word(&g->pre, exe);
	else
		buf_adds(&g->pre, "git");
	buf_adds(&g->pre, "\nd=");
	host_path_word(&g->pre, dest != NULL ? dest : ".");
	buf_adds(&g->pre, "\nr=");
	shell_quote_buf(&g->pre, g->remote);
	buf_adds(&g->pre, "\nv=");
	shell_quote_buf(&g->pre, g->version);
	buf_adds(&g->pre, "\ncommand -v \"$g\" >/dev/null 2>&1 || "
	    "{ echo \"Failed to find required executable $g\" >&2; "
	    "exit 127; }\n");
}

/*
 * Runs one step (after the preamble); on a non-zero status records the
 * command, rc and output and fails with msg (the stderr when NULL).
 * Returns 0, or -1 with the result already failed.
 */
int
git_step(struct git_run *g, const char *step, const char *msg,
    struct exec_result *res)
{
	struct buf	 s = BUF_INIT;
	char		*cause = NULL, *err;
	int		 rv;

	buf_add(&s, g->pre.s, g->pre.len);
	buf_adds(&s, step);
	rv = host_run(g->ctx, buf_cstr(&s), res, &cause);
	buf_release(&s);
	if (rv != 0) {
		result_fail(g->r, "%s", cause != NULL ? cause : "git failed");
		free(cause);
		return -1;
	}
	if (res->rc == 0)
		return 0;
	result_set_exec(g->r, res);
	result_setstr(g->r, "cmd", step);
	if (msg != NULL)
		result_fail(g->r, "%s", msg);
	else {
		err = xstrndup(res->err.s != NULL ? res->err.s : "",
		    res->err.len);
		while (*err != '\0' && err[strlen(err) - 1] == '\n')
			err[strlen(err) - 1] = '\0';
		if (*err == '\0')
			result_fail(g->r, "git failed with status %d",
			    res->rc);
		else
			result_fail(g->r, "%s", err);
		free(err);
	}
	return -1;
}

/* Switches the work tree to version after a clone or fetch. */
int
git_switch(struct git_run *g, enum git_ref_kind kind, long long depth)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 s = BUF_INIT;
	char			*msg;
	int			 rv;

	git_switch_script(&s, kind, depth);
	msg = xasprintf("Failed to checkout %s", g->version);
	rv = git_step(g, buf_cstr(&s), msg, &res);
	free(msg);
	buf_release(&s);
	exec_result_release(&res);
	return rv;
}

/* Brings submodules up to date; sets *changed when they moved. */
int
git_submodules(struct git_run *g, int *changed)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 s = BUF_INIT;
	int			 rv;

	*changed = 0;
	buf_adds(&s, "cd \"$d\" || exit 1\n[ -f .gitmodules ] || exit 0\n"
	    "a=$(\"$g\" submodule status --recursive)\n"
	    "\"$g\" submodule sync --recursive >/dev/null || exit 1\n"
	    "\"$g\" submodule update --init --recursive");
	if (args_bool(g->args, "track_submodules", 0))
		buf_adds(&s, " --remote");
	buf_adds(&s, " >&2 || exit 1\n"
	    "[ \"$a\" = \"$(\"$g\" submodule status --recursive)\" ] || "
	    "echo changed=1");
	rv = git_step(g, buf_cstr(&s), NULL, &res);
	if (rv == 0 && res.out.len > 0 && strstr(buf_cstr(&res.out),
	    "changed=1") != NULL)
		*changed = 1;
	buf_release(&s);
	exec_result_release(&res);
	return rv;
}

char *
git_head(struct git_run *g)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	char			*sha = NULL;

	if (git_step(g, "cd \"$d\" && \"$g\" rev-parse HEAD", NULL,
	    &res) == 0) {
		sha = xstrndup(res.out.s != NULL ? res.out.s : "",
		    res.out.len);
		sha[strcspn(sha, "\r\n")] = '\0';
	}
	exec_result_release(&res);
	return sha;
}
