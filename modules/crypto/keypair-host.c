/*
 * openssh_keypair's host side: what ssh-keygen says of the key on the
 * target, and the generation, .pub repair and removal, each through
 * ssh-keygen with any passphrase on its stdin.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keypair-host.h"

void
keypair_host_release(struct keypair_host *k)
{
	keypair_info_release(&k->info);
	keypair_pub_release(&k->pub);
	keypair_pub_release(&k->derived);
	memset(k, 0, sizeof *k);
}

/*
 * Runs an ssh-keygen command line (cmd ends in the key's path); with a
 * passphrase, fed on stdin as many times as it may be asked for.
 */
static int
keypair_keygen(struct task_ctx *ctx, const char *cmd, const char *pass,
    struct exec_result *res, char **cause)
{
	char	*in, *full;
	int	 rv;

	exec_result_release(res);
	if (pass == NULL)
		return host_run(ctx, cmd, res, cause);
	full = xasprintf("setsid -w %s", cmd);
	in = xasprintf("%s\n%s\n", pass, pass);
	rv = host_run_stdin(ctx, full, in, strlen(in), res, cause);
	explicit_bzero(in, strlen(in));
	free(in);
	free(full);
	return rv;
}

/*
 * Runs an ssh-keygen (or other) command that must succeed: 0, or -1 with
 * the result failed by its output (*status) or *cause.
 */
static int
keypair_run_ok(struct task_ctx *ctx, struct result *r, const char *cmd,
    const char *pass, enum mod_status *status, char **cause)
{
	struct exec_result	res = EXEC_RESULT_INIT;
	int			rv = -1;

	if (keypair_keygen(ctx, cmd, pass, &res, cause) != 0)
		goto out;
	if (res.rc != 0) {
		*status = result_fail_exec(r, cmd, &res);
		goto out;
	}
	rv = 0;
out:
	exec_result_release(&res);
	return rv;
}

int
keypair_inspect(struct task_ctx *ctx, const char *path, const char *pubpath,
    const char *pass, struct keypair_host *k, char **cause)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct host_stat	 st;
	struct buf		 cmd = BUF_INIT, text = BUF_INIT;
	const char		*nl;
	int			 rv = -1, rd, plain;

	memset(k, 0, sizeof *k);
	if (host_stat(ctx, path, STAT_FOLLOW, &st, cause) != 0)
		goto out;
	k->priv_exists = st.type != FT_NONE;
	if ((rd = host_read(ctx, pubpath, &text, cause)) != 0 &&
	    rd != ERR_NOENT)
		goto out;
	if (rd == ERR_NOENT) {
		free(*cause);
		*cause = NULL;
	} else {
		k->pub_exists = 1;
		k->have_pub = keypair_parse_pub(buf_cstr(&text), 1,
		    &k->pub) == 0;
	}
	if (!k->priv_exists) {
		rv = 0;
		goto out;
	}
	buf_adds(&cmd, "head -n 1 ");
	host_path_word(&cmd, path);
	buf_adds(&cmd, "; ssh-keygen -l -f ");
	host_path_word(&cmd, path);
	if (host_run(ctx, buf_cstr(&cmd), &res, cause) != 0)
		goto out;
	nl = strchr(buf_cstr(&res.out), '\n');
	if (nl != NULL) {
		snprintf(k->header, sizeof k->header, "%.*s",
		    (int)(nl - res.out.s), res.out.s);
		k->have_info = res.rc == 0 &&
		    keypair_parse_info(nl + 1, &k->info) == 0;
	}
	/* readable without a passphrase, then with the task's */
	buf_reset(&cmd);
	buf_adds(&cmd, "ssh-keygen -P '' -y -f ");
	host_path_word(&cmd, path);
	if (keypair_keygen(ctx, buf_cstr(&cmd), NULL, &res, cause) != 0)
		goto out;
	plain = res.rc == 0;
	if (pass == NULL) {
		k->readable = plain;
	} else if (!plain) {
		buf_reset(&cmd);
		buf_adds(&cmd, "ssh-keygen -y -f ");
		host_path_word(&cmd, path);
		if (keypair_keygen(ctx, buf_cstr(&cmd), pass, &res,
		    cause) != 0)
			goto out;
		k->readable = res.rc == 0;
	}
	if (res.rc == 0)
		k->have_derived = keypair_parse_pub(buf_cstr(&res.out), 0,
		    &k->derived) == 0;
	rv = 0;
out:
	exec_result_release(&res);
	buf_release(&cmd);
	buf_release(&text);
	return rv;
}

/* Ansible's diff dict of a key pair: private then public fields. */
struct value *
keypair_diff_dict(const struct keypair_host *k)
{
	struct value	*d = value_dict();

	if (k->have_info) {
		value_dict_setint(d, "size", k->info.size);
		value_dict_setstr(d, "type", k->info.type);
		value_dict_setstr(d, "fingerprint", k->info.fingerprint);
		value_dict_setstr(d, "format", "");
	}
	if (k->have_pub) {
		value_dict_setstr(d, "comment", k->pub.comment);
		value_dict_setstr(d, "public_key", k->pub.data);
	}
	return d;
}

/*
 * Generates into a fresh directory beside the key, then moves both files
 * into place, so a failure never leaves half a pair.
 */
int
keypair_generate(struct task_ctx *ctx, const char *path, const char *type,
    long long size, const char *comment, const char *pass,
    const char *format, struct result *r, enum mod_status *status,
    char **cause)
{
	struct buf	 cmd = BUF_INIT;
	char		*dir = keypair_dirname(path);
	int		 rv;

	buf_adds(&cmd, "sh -c 't=$(mktemp -d \"$1/.cairn-keygen.XXXXXX\") "
	    "|| exit 1; shift; ssh-keygen \"$@\" -f \"$t/key\" && "
	    "mv -f \"$t/key\" \"$0\" && mv -f \"$t/key.pub\" \"$0.pub\"; "
	    "rc=$?; rm -rf \"$t\"; exit $rc' ");
	host_path_word(&cmd, path);
	buf_addc(&cmd, ' ');
	host_path_word(&cmd, dir);
	buf_addf(&cmd, " -q -b %lld -t ", size);
	shell_quote_buf(&cmd, type);
	buf_adds(&cmd, " -C ");
	shell_quote_buf(&cmd, comment != NULL ? comment : "");
	buf_adds(&cmd, keypair_format_flag(format));
	if (pass == NULL)
		buf_adds(&cmd, " -N ''");
	rv = keypair_run_ok(ctx, r, buf_cstr(&cmd), pass, status, cause);
	buf_release(&cmd);
	free(dir);
	return rv;
}

/* The .pub file from the private key, then the comment through -c. */
int
keypair_restore_pub(struct task_ctx *ctx, const char *path,
    const char *pubpath, const struct keypair_host *k, const char *comment,
    const char *pass, struct result *r, enum mod_status *status,
    char **cause)
{
	struct buf	 cmd = BUF_INIT;
	char		*text;
	int		 rv = -1;

	text = xasprintf("%s %s\n", k->derived.type, k->derived.data);
	if (host_write(ctx, pubpath, text, strlen(text), NULL, NULL,
	    cause) != 0)
		goto out;
	if (comment != NULL && *comment != '\0') {
		buf_adds(&cmd, "ssh-keygen -q -o -c -C ");
		shell_quote_buf(&cmd, comment);
		if (pass == NULL)
			buf_adds(&cmd, " -P ''");
		buf_adds(&cmd, " -f ");
		host_path_word(&cmd, path);
		if (keypair_run_ok(ctx, r, buf_cstr(&cmd), pass, status,
		    cause) != 0)
			goto out;
	}
	rv = 0;
out:
	buf_release(&cmd);
	free(text);
	return rv;
}

int
keypair_remove(struct task_ctx *ctx, const char *path, const char *pubpath,
    struct result *r, enum mod_status *status, char **cause)
{
	struct buf	cmd = BUF_INIT;
	int		rv;

	buf_adds(&cmd, "rm -f -- ");
	host_path_word(&cmd, path);
	buf_addc(&cmd, ' ');
	host_path_word(&cmd, pubpath);
	rv = keypair_run_ok(ctx, r, buf_cstr(&cmd), NULL, status, cause);
	buf_release(&cmd);
	return rv;
}
