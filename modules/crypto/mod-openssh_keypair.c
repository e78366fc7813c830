/*
 * openssh_keypair: generates, checks or removes an OpenSSH key pair on
 * the target with ssh-keygen (community.crypto.openssh_keypair).  A
 * passphrase never reaches a command line: ssh-keygen reads it from its
 * standard input (setsid leaves it no terminal to ask instead).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keypair.h"
#include "module.h"

static const char *const openssh_keypair_aliases[] = {
	"community.crypto.openssh_keypair", NULL
};
static const char *const state_choices[] = { "present", "absent", NULL };
static const char *const type_choices[] = { "rsa", "dsa", "rsa1", "ecdsa",
	"ed25519", NULL };
static const char *const regenerate_choices[] = { "never", "fail",
	"partial_idempotence", "full_idempotence", "always", NULL };
static const char *const format_choices[] = { "auto", "pkcs1", "pkcs8",
	"ssh", NULL };
static const char *const backend_choices[] = { "auto", "cryptography",
	"opensshbin", NULL };

static const struct mod_param openssh_keypair_params[] = {
	{ "path", P_PATH, P_REQUIRED, NULL, NULL, NULL },
	{ "state", P_STR, 0, "present", state_choices, NULL },
	{ "size", P_INT, 0, NULL, NULL, NULL },
	{ "type", P_STR, 0, "rsa", type_choices, NULL },
	{ "force", P_BOOL, 0, "no", NULL, NULL },
	{ "comment", P_STR, 0, NULL, NULL, NULL },
	{ "regenerate", P_STR, 0, "partial_idempotence", regenerate_choices,
	    NULL },
	{ "passphrase", P_STR, P_SECRET, NULL, NULL, NULL },
	{ "private_key_format", P_STR, 0, "auto", format_choices, NULL },
	/* ssh-keygen is the only backend: there is no Python on targets */
	{ "backend", P_STR, 0, "auto", backend_choices, NULL },
	MOD_FILE_COMMON_PARAMS,
	{ NULL }
};

/* The key on the target, as the task sees it. */
struct keypair_host {
	int			 priv_exists, pub_exists;
	int			 have_info;	/* ssh-keygen -l could read it */
	int			 readable;	/* with the task's passphrase */
	int			 have_pub, have_derived;
	struct keypair_info	 info;
	struct keypair_pub	 pub;		/* the .pub file */
	struct keypair_pub	 derived;	/* ssh-keygen -y */
	char			 header[64];	/* the private key's first line */
};

static void
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

/* The directory of path, as os.path.dirname gives it ("." for none). */
static char *
keypair_dirname(const char *path)
{
	const char	*slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, slash - path);
}

static int
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
static struct value *
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

static const char *
keypair_format_flag(const char *format)
{
	if (strcmp(format, "pkcs1") == 0)
		return " -m PEM";
	if (strcmp(format, "pkcs8") == 0)
		return " -m PKCS8";
	return "";
}

/* The first line a key of the format starts with, NULL for auto. */
static const char *
keypair_format_header(const char *format, const char *type)
{
	if (strcmp(format, "ssh") == 0)
		return "-----BEGIN OPENSSH PRIVATE KEY-----";
	if (strcmp(format, "pkcs8") == 0)
		return "-----BEGIN PRIVATE KEY-----";
	if (strcmp(format, "pkcs1") == 0)
		return strcmp(type, "rsa") == 0 ?
		    "-----BEGIN RSA PRIVATE KEY-----" :
		    strcmp(type, "dsa") == 0 ?
		    "-----BEGIN DSA PRIVATE KEY-----" :
		    "-----BEGIN EC PRIVATE KEY-----";
	return NULL;
}

/*
 * Generates into a fresh directory beside the key, then moves both files
 * into place, so a failure never leaves half a pair.
 */
static int
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
static int
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

static int
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

static enum mod_status
openssh_keypair_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	const char		*path = args_str(args, "path");
	const char		*type = args_str(args, "type");
	const char		*comment = args_str(args, "comment");
	const char		*pass = args_str(args, "passphrase");
	const char		*format = args_str(args, "private_key_format");
	const char		*regenerate = args_bool(args, "force", 0) ?
				    "always" : args_str(args, "regenerate");
	const char		*want_header;
	int			 present = strcmp(args_str(args, "state"),
				    "present") == 0;
	struct keypair_host	 k, now;
	struct host_stat	 st;
	struct value		*before = NULL, *after = NULL;
	char			*pubpath, *dir, *cause = NULL;
	long long		 size;
	int			 changed = 0, valid, gen, i;
	enum mod_status		 status = MOD_FAILED;

	memset(&k, 0, sizeof k);
	memset(&now, 0, sizeof now);
	if (pass != NULL && *pass == '\0')
		pass = NULL;
	pubpath = xasprintf("%s.pub", path);
	dir = keypair_dirname(path);
	if (keypair_size(type, args_has(args, "size"), args_int(args, "size",
	    0), &size, &cause) != 0)
		goto out;
	if (host_stat(ctx, dir, STAT_FOLLOW, &st, &cause) != 0)
		goto out;
	if (st.type != FT_DIR) {
		result_setstr(r, "name", dir);
		cause = xasprintf("The directory %s does not exist or the file "
		    "is not a directory", dir);
		goto out;
	}
	if (host_stat(ctx, path, STAT_FOLLOW, &st, &cause) != 0)
		goto out;
	if (st.type == FT_DIR) {
		cause = xasprintf("%s is a directory. Please specify a path to "
		    "a file.", path);
		goto out;
	}
	if (keypair_inspect(ctx, path, pubpath, pass, &k, &cause) != 0)
		goto out;
	before = keypair_diff_dict(&k);

	if (!present) {
		changed = k.priv_exists || k.pub_exists;
		if (changed && !ctx_check_mode(ctx) &&
		    keypair_remove(ctx, path, pubpath, r, &status,
		    &cause) != 0)
			goto out;
		goto done;
	}

	if (k.priv_exists && (strcmp(regenerate, "never") == 0 ||
	    strcmp(regenerate, "fail") == 0 ||
	    strcmp(regenerate, "partial_idempotence") == 0) &&
	    (!k.have_info || !k.readable)) {
		cause = xstrdup("Unable to read the key. The key is protected "
		    "with a passphrase or broken. Will not proceed. To force "
		    "regeneration, call the module with `generate` set to "
		    "`full_idempotence` or `always`, or with `force=true`.");
		goto out;
	}
	want_header = keypair_format_header(format, type);
	valid = k.have_info && k.info.size == size &&
	    strcmp(k.info.type, type) == 0 &&
	    (want_header == NULL || strcmp(k.header, want_header) == 0);
	if ((gen = keypair_should_generate(regenerate, k.have_info &&
	    k.readable, valid, &cause)) < 0)
		goto out;
	if (gen) {
		changed = 1;
		if (!ctx_check_mode(ctx) && keypair_generate(ctx, path, type,
		    size, comment, pass, format, r, &status, &cause) != 0)
			goto out;
	} else if (!k.have_pub || !k.have_derived ||
	    !keypair_pub_matches(&k.pub, &k.derived, comment)) {
		changed = 1;
		if (!k.have_derived) {
			cause = xstrdup("The public key is missing or does not "
			    "match the private key. Unable to regenerate the "
			    "public key.");
			goto out;
		}
		if (!ctx_check_mode(ctx) && keypair_restore_pub(ctx, path,
		    pubpath, &k, comment, pass, r, &status, &cause) != 0)
			goto out;
	}
	if (keypair_inspect(ctx, path, pubpath, pass, &now, &cause) != 0)
		goto out;
	/* mode, owner and group on both files, as community.crypto does */
	for (i = 0; i < 2; i++) {
		const char	*p = i == 0 ? path : pubpath;
		int		 ch = 0;

		if (ctx_check_mode(ctx) && (i == 0 ? !now.priv_exists :
		    !now.pub_exists)) {
			changed = 1;
			continue;
		}
		if (host_stat(ctx, p, STAT_FOLLOW, &st, &cause) != 0 ||
		    host_set_attrs_st(ctx, p, &st, args_get(args, "mode"),
		    args_str(args, "owner"), args_str(args, "group"), 0, 1,
		    &ch, NULL, NULL, &cause) != 0)
			goto out;
		changed |= ch;
	}
done:
	if (!present)
		after = value_dict();
	else
		after = keypair_diff_dict(&now);
	result_setint(r, "size", size);
	result_setstr(r, "type", type);
	result_setstr(r, "filename", path);
	{
		const struct keypair_host	*src = now.have_info ||
						    now.have_pub ? &now : &k;

		result_setstr(r, "fingerprint", src->have_info ?
		    src->info.fingerprint : "");
		if (src->have_pub) {
			char	*pk = xasprintf("%s %s", src->pub.type,
				    src->pub.data);

			result_setstr(r, "public_key", pk);
			free(pk);
		} else
			result_setstr(r, "public_key", "");
		result_setstr(r, "comment", src->have_pub ?
		    src->pub.comment : "");
	}
	if (ctx_diff_mode(ctx))
		result_diff_dict(r, before, after);
	status = changed ? MOD_CHANGED : MOD_OK;
out:
	if (status == MOD_FAILED && cause != NULL)
		status = result_fail(r, "%s", cause);
	keypair_host_release(&k);
	keypair_host_release(&now);
	value_unref(before);
	value_unref(after);
	free(pubpath);
	free(dir);
	free(cause);
	return status;
}

const struct module_entry module_openssh_keypair = {
	.name = "openssh_keypair",
	.aliases = openssh_keypair_aliases,
	.params = openssh_keypair_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_SUPPORTS_DIFF,
	.run = openssh_keypair_run,
};
