/*
 * apt_repository: adds or removes a one-line source in sources.list or
 * sources.list.d/NAME.list the way Ansible's module does (same file names,
 * same rewritten lines), then runs apt-get update after a change.  The
 * files are read in one round trip and edited here (aptsrc-plan.c);
 * python-apt is not needed.
 */
#include <stdlib.h>
#include <string.h>

#include "apt-plan.h"
#include "aptsrc.h"
#include "module.h"

static const char *const apt_repository_aliases[] = {
	"ansible.builtin.apt_repository", "ansible.legacy.apt_repository", NULL
};
static const char *const state_choices[] = { "absent", "present", NULL };
static const char *const update_aliases[] = { "update-cache", NULL };

static const struct mod_param apt_repository_params[] = {
	{ "repo", P_STR, P_REQUIRED, NULL, NULL, NULL },
	{ "state", P_STR, 0, "present", state_choices, NULL },
	{ "mode", P_RAW, 0, NULL, NULL, NULL },
	{ "update_cache", P_BOOL, 0, "yes", NULL, update_aliases },
	{ "update_cache_retries", P_INT, 0, "5", NULL, NULL },
	{ "update_cache_retry_max_delay", P_INT, 0, "12", NULL, NULL },
	{ "filename", P_STR, 0, NULL, NULL, NULL },
	/* no Python on the target: nothing to install */
	{ "install_python_apt", P_BOOL, 0, "yes", NULL, NULL },
	/* only used to fetch a PPA's key, which cairn does not do */
	{ "validate_certs", P_BOOL, 0, "yes", NULL, NULL },
	{ "codename", P_STR, 0, NULL, NULL, NULL },
	{ NULL }
};

static int
apt_repository_validate(const struct mod_args *args, char **cause)
{
	const char	*repo = args_str(args, "repo");

	if (repo != NULL && *repo == '\0') {
		*cause = xstrdup("Please set argument 'repo' to a non-empty "
		    "value");
		return -1;
	}
	return 0;
}

/* The source line and its file for repo; 0, or -1 and *cause. */
static int
apt_repository_target(const struct mod_args *args, struct aptsrc_set *set,
    struct result *r, char **line, char **path, char **cause)
{
	const char	*repo = args_str(args, "repo");
	const char	*filename = args_str(args, "filename");
	const char	*codename = args_str(args, "codename");
	char		*file;

	if (strncmp(repo, "ppa:", 4) != 0) {
		*line = xstrdup(repo);
		file = aptsrc_suggest_filename(repo, filename);
		*path = aptsrc_expand_path(file);
		free(file);
		return 0;
	}
	/*
	 * A PPA is Launchpad's, built for one Ubuntu release: on Debian
	 * its packages do not fit, and Ansible only expands it there.
	 */
	if (strcmp(set->os_id, "ubuntu") != 0) {
		*cause = xasprintf("PPA repositories are for Ubuntu: cannot "
		    "use '%s' on this %s host; give its deb line instead",
		    repo, *set->os_id != '\0' ? set->os_id : "non-Ubuntu");
		return -1;
	}
	if (codename == NULL)
		codename = set->codename;
	if (aptsrc_expand_ppa(repo, codename, filename, line, &file,
	    cause) != 0)
		return -1;
	*path = aptsrc_expand_path(file);
	free(file);
	result_warn(r, "cairn does not fetch PPA signing keys from "
	    "Launchpad: add the key with apt_key or signed-by");
	return 0;
}

/*
 * Writes the dirty files with their texts (NULL: the file is removed);
 * mode goes to those a source was appended to.  0, or -1 and *cause.
 */
static int
apt_repository_save(struct task_ctx *ctx, const struct aptsrc_set *set,
    const int *dirty, char *const *texts, size_t ntexts, const char *mode,
    char **cause)
{
	struct write_opts	 wo;
	size_t			 i;
	int			 r = 0;

	for (i = 0; i < set->n && r == 0; i++) {
		if (!dirty[i])
			continue;
		if (i >= ntexts || texts[i] == NULL) {
			r = aptsrc_unlink(ctx, set->files[i].path, cause);
			continue;
		}
		memset(&wo, 0, sizeof wo);
		wo.mode = set->files[i].added ? mode : NULL;
		wo.mkdirs = 1;
		r = host_write(ctx, set->files[i].path, texts[i],
		    strlen(texts[i]), &wo, NULL, cause);
	}
	return r;
}

static enum mod_status
apt_repository_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	const char		*state = args_str(args, "state");
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct aptsrc_set	 set;
	struct apt_state	 as;
	char			**before = NULL, **after = NULL;
	char			*cause = NULL, *line = NULL, *path = NULL;
	char			*mode = NULL, *c2 = NULL, *old;
	size_t			 i, nbefore = 0;
	int			*dirty = NULL;
	int			 changed = 0, would;
	enum mod_status		 st = MOD_FAILED;

	memset(&set, 0, sizeof set);
	result_setstr(r, "repo", args_str(args, "repo"));
	result_setstr(r, "state", state);
	if (apt_repository_validate(args, &cause) != 0 ||
	    aptsrc_mode_text(args_get(args, "mode"), &mode, &cause) != 0)
		goto out;
	if (host_run(ctx, aptsrc_read_script, &res, &cause) != 0)
		goto out;
	if (res.rc != 0) {
		cause = xasprintf("cannot read the apt sources: %s",
		    buf_cstr(&res.err));
		goto out;
	}
	if (aptsrc_parse_read(res.out.s, res.out.len, &set, &cause) != 0 ||
	    apt_repository_target(args, &set, r, &line, &path, &cause) != 0)
		goto out;

	nbefore = set.n;
	before = xcalloc(nbefore + 1, sizeof *before);
	for (i = 0; i < nbefore; i++)
		before[i] = aptsrc_dump(&set.files[i]);
	if (strcmp(state, "present") == 0) {
		if (aptsrc_add(&set, line, path, &cause) != 0)
			goto out;
	} else if (aptsrc_remove(&set, line, &cause) != 0)
		goto out;
	after = xcalloc(set.n + 1, sizeof *after);
	dirty = xcalloc(set.n + 1, sizeof *dirty);
	for (i = 0; i < set.n; i++) {
		old = i < nbefore ? before[i] : NULL;
		after[i] = aptsrc_dump(&set.files[i]);
		if ((old == NULL) != (after[i] == NULL) || (old != NULL &&
		    strcmp(old, after[i]) != 0)) {
			dirty[i] = changed = 1;
			if (ctx_diff_mode(ctx))
				result_diff(r, old != NULL ? set.files[i].path :
				    "/dev/null", old, after[i] != NULL ?
				    set.files[i].path : "/dev/null", after[i]);
		}
	}
	if (!changed || !ctx_diff_mode(ctx))
		result_set(r, "diff", value_dict());
	st = changed ? MOD_CHANGED : MOD_OK;
	if (!changed || ctx_check_mode(ctx))
		goto out;

	if (apt_repository_save(ctx, &set, dirty, after, set.n, mode,
	    &cause) != 0)
		goto revert;
	if (!args_bool(args, "update_cache", 1))
		goto out;
	memset(&as, 0, sizeof as);
	as.ctx = ctx;
	as.args = args;
	as.r = r;
	as.lock_timeout = 60;
	as.policy_rc_d = -1;
	if (apt_update_cache(&as, &would) == 0)
		goto out;
	cause = as.cause;
revert:
	/*
	 * As Ansible: the files go back as they were, so that a source apt
	 * cannot use does not break the next apt task too.
	 */
	for (i = 0; i < set.n; i++)
		set.files[i].added = 0;
	if (apt_repository_save(ctx, &set, dirty, before, nbefore, NULL,
	    &c2) != 0)
		free(c2);
	st = MOD_FAILED;
out:
	if (st == MOD_FAILED)
		st = result_fail(r, "%s", cause != NULL ? cause :
		    "apt_repository failed");
	if (before != NULL)
		strv_free(before, nbefore);
	if (after != NULL)
		strv_free(after, set.n);
	free(dirty);
	aptsrc_set_free(&set);
	exec_result_release(&res);
	free(cause);
	free(line);
	free(path);
	free(mode);
	return st;
}

const struct module_entry module_apt_repository = {
	.name = "apt_repository",
	.aliases = apt_repository_aliases,
	.params = apt_repository_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_SUPPORTS_DIFF,
	.validate = apt_repository_validate,
	.run = apt_repository_run,
};
