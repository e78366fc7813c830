/*
 * package_facts: the installed packages as ansible_facts.packages, from
 * one dpkg-query on the target (Ansible asks python-apt's cache; dpkg's
 * database is what that cache reads for installed packages).
 */
#include <stdlib.h>
#include <string.h>

#include "apt-plan.h"
#include "module.h"

static const char *const package_facts_aliases[] = {
	"ansible.builtin.package_facts", "ansible.legacy.package_facts", NULL
};
/* Ansible's names, plus dpkg (apt's database) for those who say so. */
static const char *const manager_choices[] = { "auto", "rpm", "apt",
	"portage", "pkg", "pacman", "apk", "pkg_info", "dpkg", NULL };
static const char *const strategy_choices[] = { "first", "all", NULL };

static const struct mod_param package_facts_params[] = {
	{ "manager", P_LIST, 0, "auto", manager_choices, NULL },
	{ "strategy", P_STR, 0, "first", strategy_choices, NULL },
	{ NULL }
};

#define PACKAGE_FACTS_QUERY						\
	"command -v dpkg-query >/dev/null 2>&1 || exit 127\n"		\
	"LC_ALL=C dpkg-query -W -f='${db:Status-Abbrev}\\t"		\
	"${binary:Package}\\t${Version}\\t${Architecture}\\t"		\
	"${Section}\\n'\n"

static enum mod_status
package_facts_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	struct value		*managers = args_get(args, "manager"), *m;
	struct value		*facts, *pkgs = NULL;
	struct exec_result	 res = EXEC_RESULT_INIT;
	const char		*name;
	char			*cause = NULL;
	size_t			 i;
	int			 wanted = 0;
	enum mod_status		 st = MOD_FAILED;

	/*
	 * cairn reads only dpkg's database: apt (and auto) use it, the
	 * other managers are never usable on the hosts cairn supports, and
	 * Ansible warns about a requested one that is not.  With one usable
	 * manager at most, strategy first and all give the same facts.
	 */
	for (i = 0; managers != NULL && i < managers->u.list.n; i++) {
		m = managers->u.list.items[i];
		name = m->type == V_STR ? m->u.str.s : "";
		if (strcmp(name, "auto") == 0 || strcmp(name, "apt") == 0 ||
		    strcmp(name, "dpkg") == 0)
			wanted = 1;
		else
			result_warn(r, "Requested package manager %s was not "
			    "usable by this module: cairn reads only dpkg's "
			    "database", name);
	}
	if (wanted) {
		if (host_run(ctx, PACKAGE_FACTS_QUERY, &res, &cause) != 0) {
			st = result_fail(r, "%s", cause);
			goto out;
		}
		if (res.rc == 0)
			pkgs = apt_package_facts(buf_cstr(&res.out));
		else if (res.rc != 127)
			result_warn(r, "Failed to retrieve packages with apt: "
			    "%s", buf_cstr(&res.err));
	}
	if (pkgs == NULL) {
		st = result_fail(r, "Could not detect a supported package "
		    "manager from the following list: %s, or the required "
		    "Python library is not installed. Check warnings for "
		    "details.", wanted ? "['apt']" : "the requested ones");
		goto out;
	}
	facts = value_dict();
	value_dict_set(facts, "packages", pkgs);
	result_set(r, "ansible_facts", facts);
	st = MOD_OK;
out:
	free(cause);
	exec_result_release(&res);
	return st;
}

const struct module_entry module_package_facts = {
	.name = "package_facts",
	.aliases = package_facts_aliases,
	.params = package_facts_params,
	.flags = MOD_SUPPORTS_CHECK,
	.run = package_facts_run,
};
