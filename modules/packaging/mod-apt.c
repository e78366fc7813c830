/*
 * apt: installs, upgrades and removes Debian packages with apt-get and
 * dpkg, without Python on the host.  State comes from dpkg-query, plans
 * from `apt-get --simulate`, so check mode predicts exactly.
 */
#include <stdlib.h>
#include <string.h>

#include "apt-plan.h"
#include "module.h"

static const char *const apt_aliases[] = {
	"ansible.builtin.apt", "ansible.legacy.apt", NULL
};
static const char *const name_aliases[] = { "pkg", "package", NULL };
static const char *const update_aliases[] = { "update-cache", NULL };
static const char *const release_aliases[] = { "default-release", NULL };
static const char *const recommends_aliases[] = { "install-recommends",
	NULL };
static const char *const unauth_aliases[] = { "allow-unauthenticated",
	NULL };
static const char *const downgrade_aliases[] = { "allow-downgrade",
	"allow_downgrades", "allow-downgrades", NULL };
static const char *const state_choices[] = { "absent", "build-dep", "fixed",
	"latest", "present", "installed", "removed", NULL };
static const char *const upgrade_choices[] = { "dist", "full", "no", "safe",
	"yes", NULL };

static const struct mod_param apt_params[] = {
	{ "name", P_LIST, 0, NULL, NULL, name_aliases },
	{ "state", P_STR, 0, "present", state_choices, NULL },
	{ "update_cache", P_BOOL, 0, NULL, NULL, update_aliases },
	{ "update_cache_retries", P_INT, 0, "5", NULL, NULL },
	{ "update_cache_retry_max_delay", P_INT, 0, "12", NULL, NULL },
	{ "cache_valid_time", P_INT, 0, NULL, NULL, NULL },
	{ "purge", P_BOOL, 0, "no", NULL, NULL },
	{ "deb", P_PATH, 0, NULL, NULL, NULL },
	{ "default_release", P_STR, 0, NULL, NULL, release_aliases },
	{ "install_recommends", P_BOOL, 0, NULL, NULL, recommends_aliases },
	{ "force", P_BOOL, 0, "no", NULL, NULL },
	{ "upgrade", P_STR, 0, NULL, upgrade_choices, NULL },
	{ "dpkg_options", P_STR, 0, "force-confdef,force-confold", NULL, NULL },
	{ "autoremove", P_BOOL, 0, NULL, NULL, NULL },
	{ "autoclean", P_BOOL, 0, "no", NULL, NULL },
	{ "fail_on_autoremove", P_BOOL, 0, "no", NULL, NULL },
	{ "only_upgrade", P_BOOL, 0, "no", NULL, NULL },
	{ "force_apt_get", P_BOOL, 0, "no", NULL, NULL },
	{ "allow_unauthenticated", P_BOOL, 0, "no", NULL, unauth_aliases },
	{ "allow_downgrade", P_BOOL, 0, "no", NULL, downgrade_aliases },
	{ "allow_change_held_packages", P_BOOL, 0, "no", NULL, NULL },
	{ "lock_timeout", P_INT, 0, "60", NULL, NULL },
	{ "clean", P_BOOL, 0, "no", NULL, NULL },
	{ "policy_rc_d", P_INT, 0, NULL, NULL, NULL },
	{ NULL }
};

static int
apt_validate(const struct mod_args *args, char **cause)
{
	struct value	*names = args_get(args, "name"), *v;
	const char	*state = args_str(args, "state");
	char		*n, *ver;
	size_t		 i;
	int		 given;

	given = (names != NULL) + args_has(args, "deb") +
	    args_has(args, "upgrade");
	if (given > 1) {
		*cause = xstrdup("parameters are mutually exclusive: "
		    "deb|package|upgrade");
		return -1;
	}
	/*
	 * clean alone is accepted, as Ansible's own example has it (2.14's
	 * required_one_of forgot it; later versions list it).
	 */
	if (given == 0 && !args_has(args, "update_cache") &&
	    !args_has(args, "autoremove") &&
	    !args_has(args, "cache_valid_time") &&
	    !args_bool(args, "clean", 0)) {
		*cause = xstrdup("one of the following is required: "
		    "autoremove, deb, package, update_cache, upgrade");
		return -1;
	}
	if (state != NULL && strcmp(state, "build-dep") == 0 && names == NULL) {
		*cause = xstrdup("state=build-dep needs package names");
		return -1;
	}
	if (args_has(args, "deb") && state != NULL &&
	    strcmp(state, "present") != 0 && strcmp(state, "installed") != 0) {
		*cause = xstrdup("deb only supports state=present");
		return -1;
	}
	for (i = 0; names != NULL && names->type == V_LIST &&
	    i < names->u.list.n; i++) {
		v = names->u.list.items[i];
		if (v->type != V_STR || value_is_template(v))
			continue;
		if (strcmp(v->u.str.s, "*") == 0)
			continue;
		if (apt_spec_split(v->u.str.s, &n, &ver, cause) != 0)
			return -1;
		free(n);
		free(ver);
	}
	return 0;
}

static void
apt_set_cache(struct apt_state *s)
{
	result_setbool(s->r, "cache_updated", s->cache_updated);
	result_setint(s->r, "cache_update_time", s->cache_time);
}

static enum mod_status
apt_upgrade(struct apt_state *s, const char *mode)
{
	struct apt_cmd	c;

	if (strcmp(mode, "dist") == 0 || strcmp(mode, "full") == 0)
		apt_cmd_init(s, &c, "dist-upgrade");
	else
		apt_cmd_init(s, &c, "upgrade --with-new-pkgs");
	c.autoremove = args_bool(s->args, "autoremove", 0);
	c.install_recommends = -1;
	return apt_apply(s, &c, 1);
}

/* deb: a package file on the host; apt-get resolves its dependencies. */
static enum mod_status
apt_deb(struct apt_state *s, const char *path)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 w = BUF_INIT, b = BUF_INIT;
	const struct apt_pkg	*p;
	struct apt_cmd		 c;
	char			*name = NULL, *version = NULL;
	size_t			 pos = 0;
	enum mod_status		 st = MOD_FAILED;

	if (path[0] != '/' && path[0] != '~' && strncmp(path, "./", 2) != 0)
		buf_adds(&w, "./");
	host_path_word(&w, path);
	buf_addf(&b, "dpkg-deb -f %s Package Version\n", buf_cstr(&w));
	if (apt_script(s, buf_cstr(&b), &res) != 0)
		goto out;
	if (res.rc != 0) {
		result_set_exec(s->r, &res);
		s->cause = xasprintf("Unable to install package: %s",
		    buf_cstr(&res.err));
		goto out;
	}
	while (pos < res.out.len) {
		char *l = apt_line(&res.out, &pos);

		if (strncmp(l, "Package: ", 9) == 0)
			name = xstrdup(l + 9);
		else if (strncmp(l, "Version: ", 9) == 0)
			version = xstrdup(l + 9);
		free(l);
	}
	p = name != NULL ? apt_dpkg_find(&s->dpkg, name) : NULL;
	if (apt_pkg_installed(p) && version != NULL &&
	    strcmp(p->version, version) == 0 && !args_bool(s->args, "force", 0)) {
		st = MOD_OK;
		goto out;
	}
	apt_cmd_init(s, &c, "install");
	c.word = buf_cstr(&w);
	st = apt_apply(s, &c, 0);
out:
	free(name);
	free(version);
	buf_release(&w);
	buf_release(&b);
	exec_result_release(&res);
	return st;
}

/* autoremove / autoclean without packages. */
static enum mod_status
apt_cleanup(struct apt_state *s, const char *op)
{
	struct apt_cmd	c;

	apt_cmd_init(s, &c, op);
	c.purge = args_bool(s->args, "purge", 0);
	c.install_recommends = -1;
	c.default_release = NULL;
	return apt_apply(s, &c, 0);
}

/* The name list as strings ("*" kept), NULL-terminated. */
static char **
apt_specs(const struct mod_args *args, size_t *n)
{
	struct value	*names = args_get(args, "name");
	char		**l;
	size_t		 i;

	*n = 0;
	if (names == NULL || names->type != V_LIST)
		return xcalloc(1, sizeof *l);
	l = xcalloc(names->u.list.n + 1, sizeof *l);
	for (i = 0; i < names->u.list.n; i++) {
		l[*n] = value_to_string(names->u.list.items[i]);
		str_trim(l[*n]);
		(*n)++;
	}
	return l;
}

static enum mod_status
apt_run(struct task_ctx *ctx, const struct mod_args *args, struct result *r)
{
	struct apt_state	 s;
	const char		*state = args_str(args, "state");
	const char		*up = args_str(args, "upgrade");
	const char		*deb = args_str(args, "deb");
	char			**specs = NULL, **list = NULL;
	size_t			 nspecs, nlist;
	int			 would_update = 0, latest, star;
	struct apt_cmd		 c;
	enum mod_status		 st = MOD_FAILED;

	memset(&s, 0, sizeof s);
	s.ctx = ctx;
	s.args = args;
	s.r = r;
	s.check = ctx_check_mode(ctx);
	s.lock_timeout = (int)args_int(args, "lock_timeout", 60);
	if (s.lock_timeout < 0)
		s.lock_timeout = 0;
	if (apt_validate(args, &s.cause) != 0)
		goto out;
	if (strcmp(state, "installed") == 0)
		state = "present";
	else if (strcmp(state, "removed") == 0)
		state = "absent";
	if (up != NULL && strcmp(up, "no") == 0)
		up = NULL;
	specs = apt_specs(args, &nspecs);
	star = nspecs == 1 && strcmp(specs[0], "*") == 0;
	latest = strcmp(state, "latest") == 0;
	if (star && !latest) {
		s.cause = xstrdup("name '*' is only supported with "
		    "state=latest");
		goto out;
	}

	s.policy_rc_d = args_has(args, "policy_rc_d") ?
	    (int)args_int(args, "policy_rc_d", 0) : -1;
	if (args_bool(args, "clean", 0)) {
		if (apt_clean(&s) != 0)
			goto out;
		if (nspecs == 0 && up == NULL && deb == NULL) {
			struct value *out = value_dict_get(r->v, "stdout");

			if (out != NULL)
				result_set(r, "msg", value_ref(out));
			st = MOD_CHANGED;
			goto out;
		}
	}

	if (apt_probe(&s) != 0 || apt_update_cache(&s, &would_update) != 0)
		goto out;
	if (nspecs == 0 && up == NULL && deb == NULL &&
	    !args_bool(args, "autoremove", 0) &&
	    !args_bool(args, "autoclean", 0)) {
		apt_set_cache(&s);
		st = would_update ? MOD_CHANGED : MOD_OK;
		goto out;
	}
	apt_set_cache(&s);
	if (up != NULL) {
		st = apt_upgrade(&s, up);
		goto out;
	}
	if (deb != NULL) {
		st = apt_deb(&s, deb);
		goto out;
	}
	if (star) {
		st = apt_upgrade(&s, "yes");
		goto out;
	}
	if (nspecs == 0) {
		st = MOD_OK;
		if (args_bool(args, "autoclean", 0))
			st = apt_cleanup(&s, "autoclean");
		if (st != MOD_FAILED && args_bool(args, "autoremove", 0)) {
			enum mod_status st2 = apt_cleanup(&s, "autoremove");

			st = st2 == MOD_OK ? st : st2;
		}
		goto out;
	}
	if (strcmp(state, "build-dep") == 0) {
		/* apt-get decides what to install: the names go as given. */
		apt_cmd_init(&s, &c, "build-dep");
		c.fix_broken = 0;
		c.pkgs = specs;
		st = apt_apply(&s, &c, 0);
		goto out;
	}
	if (strcmp(state, "absent") == 0) {
		list = apt_remove_list(&s.dpkg, specs, nspecs,
		    args_bool(args, "purge", 0), &nlist);
		apt_cmd_init(&s, &c, "remove");
		c.purge = args_bool(args, "purge", 0);
		c.install_recommends = -1;
		c.default_release = NULL;
	} else {
		list = apt_install_list(&s.dpkg, specs, nspecs, latest,
		    args_bool(args, "only_upgrade", 0), &nlist);
		apt_cmd_init(&s, &c, "install");
		c.only_upgrade = args_bool(args, "only_upgrade", 0);
		c.fix_broken = strcmp(state, "fixed") == 0;
	}
	c.autoremove = args_bool(args, "autoremove", 0);
	if (nlist == 0) {
		st = MOD_OK;
		goto out;
	}
	c.pkgs = list;
	st = apt_apply(&s, &c, 0);

out:
	if (st == MOD_FAILED)
		st = result_fail(r, "%s", s.cause != NULL ? s.cause :
		    "apt failed");
	free(s.cause);
	apt_dpkg_free(&s.dpkg);
	strv_free_null(specs);
	strv_free_null(list);
	return st;
}

const struct module_entry module_apt = {
	.name = "apt",
	.aliases = apt_aliases,
	.params = apt_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_SUPPORTS_DIFF,
	.validate = apt_validate,
	.run = apt_run,
};
