/*
 * package: the generic package module.  It hands the task, minus "use",
 * to the module of the host's package manager (the ansible_pkg_mgr fact,
 * else a probe of the target), which checks the arguments as its own:
 * apt on Debian.  cairn has no module for the other package managers,
 * and says so.
 */
#include <stdlib.h>
#include <string.h>

#include "module.h"
#include "packaging-plan.h"

extern const struct module_entry module_apt;

static const char *const package_aliases[] = {
	"ansible.builtin.package", "ansible.legacy.package", NULL
};

/*
 * name and state go to the backend as given (a list of names, any of
 * its states); so does any other parameter, as Ansible's package action
 * passes them on.
 */
static const struct mod_param package_params[] = {
	{ "name", P_RAW, P_REQUIRED, NULL, NULL, NULL },
	{ "state", P_RAW, P_REQUIRED, NULL, NULL, NULL },
	{ "use", P_STR, 0, "auto", NULL, NULL },
	{ NULL }
};

/* The backend module for a package manager, or NULL. */
static const struct module_entry *
package_backend(const char *name)
{
	if (package_manager_supported(name))
		return &module_apt;
	return NULL;
}

/* The task's arguments as the backend gets them: all but use. */
static struct value *
package_backend_args(const struct mod_args *args)
{
	struct value	*raw = value_copy(args->v);

	value_dict_del(raw, "use");
	return raw;
}

static int
package_validate(const struct mod_args *args, char **cause)
{
	struct value		*use = args_get(args, "use"), *raw;
	struct mod_args		 b;
	const char		*mgr;
	int			 r;

	if (use == NULL || use->type != V_STR || value_is_template(use))
		return 0;
	/* auto: checked as apt's, the one backend cairn has */
	if ((mgr = package_manager(use->u.str.s, NULL)) == NULL)
		mgr = "apt";
	if (package_backend(mgr) == NULL) {
		*cause = xasprintf("package manager '%s' is not available in "
		    "cairn", mgr);
		return -1;
	}
	raw = package_backend_args(args);
	r = module_prepare_args(package_backend(mgr), raw, ARGS_STATIC, &b,
	    cause);
	value_unref(raw);
	mod_args_release(&b);
	return r;
}

/* The host's package manager when no fact says it: one probe. */
static char *
package_probe(struct task_ctx *ctx, char **cause)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	char			*mgr = NULL;

	if (host_run(ctx, "for m in apt-get dnf yum apk zypper pacman; do "
	    "command -v $m >/dev/null 2>&1 && { echo ${m%-get}; break; }; "
	    "done", &res, cause) == 0) {
		while (res.out.len > 0 && res.out.s[res.out.len - 1] == '\n')
			res.out.len--;
		mgr = xstrndup(res.out.s != NULL ? res.out.s : "",
		    res.out.len);
	}
	exec_result_release(&res);
	return mgr;
}

static enum mod_status
package_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	const struct module_entry	*m;
	struct value			*fact = NULL, *raw = NULL;
	struct mod_args			 b = { NULL };
	const char			*mgr;
	char				*cause = NULL, *probed = NULL;
	enum mod_status			 st = MOD_FAILED;

	fact = ctx_var(ctx, "ansible_pkg_mgr");
	mgr = package_manager(args_str(args, "use"), fact != NULL &&
	    fact->type == V_STR ? fact->u.str.s : NULL);
	if (mgr == NULL) {
		if ((probed = package_probe(ctx, &cause)) == NULL)
			goto out;
		mgr = package_manager("auto", probed);
	}
	if (mgr == NULL) {
		cause = xstrdup("Could not detect which package manager to "
		    "use. Try gathering facts or setting the \"use\" option.");
		goto out;
	}
	if ((m = package_backend(mgr)) == NULL) {
		cause = xasprintf("package manager '%s' is not available in "
		    "cairn", mgr);
		goto out;
	}
	raw = package_backend_args(args);
	if (module_prepare_args(m, raw, 0, &b, &cause) != 0)
		goto out;
	if (ctx_check_mode(ctx) && !(m->flags & MOD_SUPPORTS_CHECK)) {
		result_setstr(r, "msg", "remote module does not support check "
		    "mode");
		st = MOD_SKIPPED;
		goto out;
	}
	st = m->run(ctx, &b, r);
out:
	if (st == MOD_FAILED && cause != NULL)
		st = result_fail(r, "%s", cause);
	free(cause);
	free(probed);
	value_unref(fact);
	value_unref(raw);
	mod_args_release(&b);
	return st;
}

const struct module_entry module_package = {
	.name = "package",
	.aliases = package_aliases,
	.params = package_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_SUPPORTS_DIFF | MOD_ANY_PARAMS,
	.validate = package_validate,
	.run = package_run,
};
