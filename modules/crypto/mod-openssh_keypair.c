/*
 * openssh_keypair: generates, checks or removes an OpenSSH key pair on
 * the target with ssh-keygen (community.crypto.openssh_keypair); the
 * decisions are keypair-plan.c's, the ssh-keygen runs keypair-host.c's.  A
 * passphrase never reaches a command line: ssh-keygen reads it from its
 * standard input (setsid leaves it no terminal to ask instead).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keypair-host.h"

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
