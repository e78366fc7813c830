/*
 * deb822_repository: one repository as a deb822 stanza in
 * /etc/apt/sources.list.d/SLUG.sources, written the way Ansible 2.15's
 * module writes it (python3-debian is not needed: the stanza is
 * rendered here), with a signed_by key from a URL kept in
 * /etc/apt/keyrings/SLUG.asc or .gpg.  Like Ansible's, it never runs
 * apt-get update: an apt task with update_cache does.
 */
#include <stdlib.h>
#include <string.h>

#include "aptsrc.h"
#include "module.h"

#define KEYRINGS_DIR	"/etc/apt/keyrings"

static const char *const deb822_aliases[] = {
	"ansible.builtin.deb822_repository", "ansible.legacy.deb822_repository",
	NULL
};
static const char *const state_choices[] = { "absent", "present", NULL };
static const char *const types_choices[] = { "deb", "deb-src", NULL };

static const struct mod_param deb822_params[] = {
	{ "allow_downgrade_to_insecure", P_BOOL, 0, NULL, NULL, NULL },
	{ "allow_insecure", P_BOOL, 0, NULL, NULL, NULL },
	{ "allow_weak", P_BOOL, 0, NULL, NULL, NULL },
	{ "architectures", P_LIST, 0, NULL, NULL, NULL },
	{ "by_hash", P_BOOL, 0, NULL, NULL, NULL },
	{ "check_date", P_BOOL, 0, NULL, NULL, NULL },
	{ "check_valid_until", P_BOOL, 0, NULL, NULL, NULL },
	{ "components", P_LIST, 0, NULL, NULL, NULL },
	{ "date_max_future", P_INT, 0, NULL, NULL, NULL },
	{ "enabled", P_BOOL, 0, NULL, NULL, NULL },
	{ "inrelease_path", P_STR, 0, NULL, NULL, NULL },
	/* no Python on the target: nothing to install (still written) */
	{ "install_python_debian", P_BOOL, 0, "yes", NULL, NULL },
	{ "languages", P_LIST, 0, NULL, NULL, NULL },
	{ "name", P_STR, P_REQUIRED, NULL, NULL, NULL },
	{ "pdiffs", P_BOOL, 0, NULL, NULL, NULL },
	{ "signed_by", P_STR, 0, NULL, NULL, NULL },
	{ "suites", P_LIST, 0, NULL, NULL, NULL },
	{ "targets", P_LIST, 0, NULL, NULL, NULL },
	{ "trusted", P_BOOL, 0, NULL, NULL, NULL },
	{ "types", P_LIST, 0, "deb", types_choices, NULL },
	{ "uris", P_LIST, 0, NULL, NULL, NULL },
	{ "mode", P_RAW, 0, "0644", NULL, NULL },
	{ "state", P_STR, 0, "present", state_choices, NULL },
	{ NULL }
};

/* state=absent: the stanza's file and its keyring go, in one round trip. */
static enum mod_status
deb822_absent(struct task_ctx *ctx, const char *dest, const char *slug,
    struct result *r)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 cmd = BUF_INIT;
	char			*cause = NULL, *key;
	const char		*ext[] = { dest, NULL, NULL };
	char			*keys[2];
	size_t			 i;
	enum mod_status		 st;

	keys[0] = xasprintf(KEYRINGS_DIR "/%s.asc", slug);
	keys[1] = xasprintf(KEYRINGS_DIR "/%s.gpg", slug);
	ext[1] = keys[0];
	ext[2] = keys[1];
	buf_adds(&cmd, "n=0\nfor f in");
	for (i = 0; i < 3; i++) {
		buf_addc(&cmd, ' ');
		shell_quote_buf(&cmd, ext[i]);
	}
	buf_addf(&cmd, "; do\n\t[ -e \"$f\" ] || [ -L \"$f\" ] || continue\n"
	    "\tn=$((n + 1))\n%s"
	    "done\necho $n\n", ctx_check_mode(ctx) ? "" :
	    "\trm -f \"$f\" || exit 1\n");
	key = keys[1];
	result_set(r, "repo", value_null());
	result_setstr(r, "dest", dest);
	result_setstr(r, "key_filename", key);
	if (host_run(ctx, buf_cstr(&cmd), &res, &cause) != 0) {
		st = result_fail(r, "%s", cause);
		goto out;
	}
	if (res.rc != 0) {
		st = result_fail_exec(r, buf_cstr(&cmd), &res);
		goto out;
	}
	st = strtol(buf_cstr(&res.out), NULL, 10) > 0 ? MOD_CHANGED : MOD_OK;
out:
	free(keys[0]);
	free(keys[1]);
	free(cause);
	buf_release(&cmd);
	exec_result_release(&res);
	return st;
}

/*
 * signed_by from a URL: the key goes to /etc/apt/keyrings/SLUG.asc (or
 * .gpg for a binary one) when it differs, mode 0644, and the stanza
 * names that file.  0 and *file, or -1 and *cause.
 */
static int
deb822_key_from_url(struct task_ctx *ctx, const struct mod_args *args,
    const char *slug, char **file, int *changed, char **cause)
{
	struct buf		 body = BUF_INIT, old = BUF_INIT;
	struct write_opts	 wo;
	int			 r = -1, e, ch = 0;

	if (aptsrc_fetch(ctx, args_str(args, "signed_by"), 1, &body,
	    cause) != 0) {
		char *c = *cause;

		*cause = xasprintf("Could not fetch signed_by key: %s", c);
		free(c);
		return -1;
	}
	*file = xasprintf(KEYRINGS_DIR "/%s.%s", slug,
	    aptsrc_is_armored(body.s, body.len) ? "asc" : "gpg");
	e = host_read(ctx, *file, &old, cause);
	if (e != 0 && e != ERR_NOENT)
		goto out;
	free(*cause);
	*cause = NULL;
	if (e == ERR_NOENT || old.len != body.len ||
	    memcmp(old.s, body.s, body.len) != 0) {
		*changed = 1;
		memset(&wo, 0, sizeof wo);
		wo.mode = "0644";
		wo.mkdirs = 1;
		wo.dir_mode = "0755";
		if (host_write(ctx, *file, body.s, body.len, &wo, NULL,
		    cause) != 0)
			goto out;
	} else if (host_set_attrs(ctx, *file, "0644", NULL, NULL, 0, 0, &ch,
	    NULL, cause) != 0)
		goto out;
	*changed |= ch;
	r = 0;
out:
	buf_release(&body);
	buf_release(&old);
	return r;
}

static enum mod_status
deb822_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	const char		*signed_by = args_str(args, "signed_by");
	struct buf		 old = BUF_INIT;
	struct write_opts	 wo;
	char			*slug, *dest, *cause = NULL, *repo = NULL;
	char			*keyfile = NULL, *mode = NULL;
	int			 changed = 0, ch = 0, e;
	enum mod_status		 st = MOD_FAILED;

	slug = aptsrc_slug(args_str(args, "name"));
	dest = xasprintf(APTSRC_PARTS "/%s.sources", slug);
	if (strcmp(args_str(args, "state"), "absent") == 0) {
		st = deb822_absent(ctx, dest, slug, r);
		goto done;
	}
	if (aptsrc_mode_text(args_get(args, "mode"), &mode, &cause) != 0)
		goto out;

	/*
	 * Only a URL is fetched: Ansible also asks whether the value is a
	 * file on the target, but writes a path, fingerprints and a key
	 * block as given either way, so no round trip is spent on it.
	 */
	if (signed_by != NULL && aptsrc_has_scheme(signed_by) &&
	    deb822_key_from_url(ctx, args, slug, &keyfile, &changed,
	    &cause) != 0)
		goto out;
	repo = aptsrc_deb822(args, keyfile != NULL ? keyfile : signed_by);

	e = host_read(ctx, dest, &old, &cause);
	if (e != 0 && e != ERR_NOENT)
		goto out;
	free(cause);
	cause = NULL;
	if (e == ERR_NOENT || old.len != strlen(repo) ||
	    memcmp(old.s, repo, old.len) != 0) {
		changed = 1;
		if (ctx_diff_mode(ctx))
			result_diff(r, e == ERR_NOENT ? "/dev/null" : dest,
			    e == ERR_NOENT ? "" : buf_cstr(&old), dest, repo);
		memset(&wo, 0, sizeof wo);
		wo.mode = mode;
		if (host_write(ctx, dest, repo, strlen(repo), &wo, NULL,
		    &cause) != 0)
			goto out;
	} else {
		if (host_set_attrs(ctx, dest, mode, NULL, NULL, 0, 0, &ch,
		    NULL, &cause) != 0)
			goto out;
		changed |= ch;
	}
	result_setstr(r, "repo", repo);
	result_setstr(r, "dest", dest);
	if (keyfile != NULL)
		result_setstr(r, "key_filename", keyfile);
	else
		result_set(r, "key_filename", value_null());
	st = changed ? MOD_CHANGED : MOD_OK;
out:
	if (st == MOD_FAILED)
		st = result_fail(r, "%s", cause != NULL ? cause :
		    "deb822_repository failed");
done:
	free(cause);
	free(slug);
	free(dest);
	free(repo);
	free(keyfile);
	free(mode);
	buf_release(&old);
	return st;
}

const struct module_entry module_deb822_repository = {
	.name = "deb822_repository",
	.aliases = deb822_aliases,
	.params = deb822_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_SUPPORTS_DIFF,
	.run = deb822_run,
};
