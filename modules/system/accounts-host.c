/* The user module on the target: running scripts, reading the state back, a missing home, SSH keys. */
#include <stdlib.h>
#include <string.h>

#include "accounts.h"
#include "module.h"

/* Makes a missing home the way Ansible's create_homedir does. */
void
accounts_homedir_script(struct buf *s, const char *home, const char *skel)
{
	buf_adds(s, "h=");
	shell_quote_buf(s, home);
	buf_adds(s, "\nk=");
	shell_quote_buf(s, skel != NULL ? skel : "/etc/skel");
	buf_adds(s, "\nif [ ! -e \"$h\" ]; then\n"
	    "mkdir -p -- \"$(dirname -- \"$h\")\" || exit 1\n"
	    "if [ -d \"$k\" ]; then cp -a -- \"$k\" \"$h\" || exit 1; "
	    "else mkdir -- \"$h\" || exit 1; fi\n"
	    "m=$(awk '$1 == \"HOME_MODE\" { print $2; exit }' "
	    "/etc/login.defs 2>/dev/null)\n"
	    "if [ -z \"$m\" ]; then u=$(awk '$1 == \"UMASK\" { print $2; "
	    "exit }' /etc/login.defs 2>/dev/null); "
	    "[ -n \"$u\" ] || u=$(umask); "
	    "m=$(printf %o $((0777 & ~0$u))); fi\n"
	    "chmod \"$m\" -- \"$h\" || exit 1\n"
	    "chown -R -- \"$(id -u \"$n\"):$(id -g \"$n\")\" \"$h\" || exit 1\n"
	    "fi\n");
}

/* generate_ssh_key: ssh-keygen as the user's key, unless one is there. */
int
accounts_sshkey(struct task_ctx *ctx, const struct mod_args *args,
    const struct accounts_db *db, struct result *r, int *changed)
{
	const char		*type = args_str(args, "ssh_key_type");
	const char		*file = args_str(args, "ssh_key_file");
	const char		*comment = args_str(args, "ssh_key_comment");
	const char		*pass = args_str(args, "ssh_key_passphrase");
	long long		 bits = args_int(args, "ssh_key_bits", 0);
	struct buf		 s = BUF_INIT;
	struct exec_result	 res = EXEC_RESULT_INIT;
	char			*text, *line, *nl, *dflt = NULL, *cause = NULL;
	int			 rc = -1;

	buf_adds(&s, "n=");
	shell_quote_buf(&s, db->pw.name);
	buf_adds(&s, "\nh=");
	shell_quote_buf(&s, db->pw.home);
	if (file == NULL)
		file = dflt = xasprintf(".ssh/id_%s", type);
	buf_adds(&s, "\nf=");
	if (file[0] == '/' || file[0] == '~')
		host_path_word(&s, file);
	else {
		buf_adds(&s, "\"$h\"/");
		shell_quote_buf(&s, file);
	}
	free(dflt);
	buf_adds(&s, "\nt=");
	shell_quote_buf(&s, type);
	buf_adds(&s, "\nc=");
	if (comment != NULL)
		shell_quote_buf(&s, comment);
	else
		buf_adds(&s, "\"ansible-generated on $(uname -n)\"");
	buf_adds(&s, "\npp=$(cat)\nd=$(dirname -- \"$f\")\n");
	buf_addf(&s, "if [ -e \"$f\" ] && [ %d = 0 ]; then echo 'K exists'\n",
	    args_bool(args, "force", 0));
	buf_addf(&s, "elif [ %d = 1 ]; then echo 'K new'\n", ctx_check_mode(ctx));
	buf_adds(&s, "else\nif [ ! -d \"$d\" ]; then "
	    "mkdir -m 0700 -- \"$d\" && "
	    "chown \"$(id -u \"$n\"):$(id -g \"$n\")\" -- \"$d\" || exit 1; fi\n"
	    "printf 'y\\n' | ssh-keygen -q -t \"$t\" ");
	if (bits > 0)
		buf_addf(&s, "-b %lld ", bits);
	buf_adds(&s, "-C \"$c\" -f \"$f\" -N \"$pp\" >/dev/null || exit $?\n"
	    "chown \"$(id -u \"$n\"):$(id -g \"$n\")\" -- \"$f\" \"$f.pub\" "
	    "|| exit 1\necho 'K made'\nfi\n"
	    "if [ -e \"$f\" ]; then printf 'F %s\\n' \"$(ssh-keygen -l -f "
	    "\"$f\" 2>&1)\"; printf 'P %s\\n' \"$(cat -- \"$f.pub\" "
	    "2>/dev/null)\"; fi\nprintf 'N %s\\n' \"$f\"");
	if (host_run_stdin(ctx, buf_cstr(&s), pass != NULL ? pass : "",
	    pass != NULL ? strlen(pass) : 0, &res, &cause) != 0) {
		buf_release(&s);
		result_fail(r, "%s", cause);
		free(cause);
		goto out;
	}
	buf_release(&s);
	if (res.rc != 0) {
		result_set_exec(r, &res);
		result_fail(r, "cannot generate the ssh key: %.*s",
		    (int)res.err.len, res.err.s != NULL ? res.err.s : "");
		goto out;
	}
	text = xstrndup(res.out.s != NULL ? res.out.s : "", res.out.len);
	for (line = text; *line != '\0'; line = nl) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl++ = '\0';
		else
			nl = line + strlen(line);
		if (strcmp(line, "K made") == 0 || strcmp(line, "K new") == 0)
			*changed = 1;
		else if (str_startswith(line, "F "))
			result_setstr(r, "ssh_fingerprint", line + 2);
		else if (str_startswith(line, "N "))
			result_setstr(r, "ssh_key_file", line + 2);
		else if (str_startswith(line, "P "))
			result_setstr(r, "ssh_public_key", line + 2);
	}
	free(text);
	rc = 0;
out:
	exec_result_release(&res);
	return rc;
}

/* Runs a script; 0, or -1 with the result failed (transport error). */
int
accounts_exec(struct task_ctx *ctx, struct buf *s, const char *in,
    struct exec_result *res, struct result *r)
{
	char	*cause = NULL;
	int	 rc;

	rc = host_run_stdin(ctx, buf_cstr(s), in, in != NULL ? strlen(in) :
	    0, res, &cause);
	buf_release(s);
	if (rc != 0) {
		result_fail(r, "%s", cause);
		free(cause);
		return -1;
	}
	return 0;
}

/* Reads the state after ACCOUNTS_MARK in out (or all of it); -1 on failure. */
int
accounts_read_db(struct result *r, const struct exec_result *res,
    struct accounts_db *db, const char *name, int record)
{
	const char	*text = buf_cstr((struct buf *)&res->out), *mark;
	char		*cause = NULL, *before;

	if ((mark = strstr(text, ACCOUNTS_MARK "\n")) != NULL) {
		before = xstrndup(text, (size_t)(mark - text));
		if (record && *before != '\0')
			result_setstr(r, "stdout", before);
		free(before);
		text = mark + strlen(ACCOUNTS_MARK "\n");
	}
	if (record && res->err.len > 0)
		result_set(r, "stderr", value_strn(res->err.s, res->err.len));
	if (accounts_parse_db(text, db, &cause) != 0) {
		result_fail(r, "%s", cause);
		free(cause);
		return -1;
	}
	/* getent took an all-digit name as a uid. */
	if (db->has_user && strcmp(db->pw.name, name) != 0) {
		accounts_passwd_release(&db->pw);
		db->has_user = 0;
		free(db->hash);
		db->hash = NULL;
		db->has_shadow = 0;
	}
	return 0;
}

enum mod_status
accounts_cmd_failed(struct result *r, const struct accounts_argv *a,
    const struct exec_result *res)
{
	char	*line = accounts_argv_line(a, 1), *e;

	result_set_exec(r, res);
	result_setstr(r, "cmd", line);
	e = xstrndup(res->err.s != NULL ? res->err.s : "", res->err.len);
	while (*e != '\0' && e[strlen(e) - 1] == '\n')
		e[strlen(e) - 1] = '\0';
	if (*e != '\0')
		result_fail(r, "%s", e);
	else
		result_fail(r, "'%s' failed with status %d", line, res->rc);
	free(e);
	free(line);
	return MOD_FAILED;
}
