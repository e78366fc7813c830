/* Roles: lookup, defaults, vars, dependencies, tasks, handlers, import_role. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "playbook-internal.h"
#include "yaml.h"

/* A YAML file of a role (defaults/main.yml...), or NULL if there is none. */
static int
role_file(struct loader *ld, const char *dir, const char *sub,
    const char *base, struct value **out, char **path_out)
{
	static const char *const exts[] = { ".yml", ".yaml", "", ".json" };
	char	*path, *cause = NULL;

	*out = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(exts); i++) {
		path = xasprintf("%s/%s/%s%s", dir, sub, base, exts[i]);
		if (access(path, R_OK) != 0) {
			free(path);
			continue;
		}
		if (yaml_load_file(path, out, &cause) != 0) {
			ld->cause = cause;
			free(path);
			return -1;
		}
		if (path_out != NULL)
			*path_out = path;
		else
			free(path);
		return 0;
	}
	return 0;
}

static char	*roles_path;		/* playbook_configure's */
static char	*collections_path;

void
playbook_configure(const char *roles, const char *collections)
{
	const char	*home = getenv("HOME");

	if (home == NULL)
		home = "/root";
	free(roles_path);
	free(collections_path);
	roles_path = roles != NULL ? xstrdup(roles) :
	    xasprintf("%s/.ansible/roles:/usr/share/ansible/roles:"
	    "/etc/ansible/roles", home);
	collections_path = collections != NULL ? xstrdup(collections) :
	    xasprintf("%s/.ansible/collections:/usr/share/ansible/collections",
	    home);
}

/* "ns.coll.role": three identifiers, as AnsibleCollectionRef takes them. */
static int
role_is_fqcr(const char *name)
{
	const char	*p = name;
	int		 parts = 0;

	for (;;) {
		size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

		if (n == 0 || (*p >= '0' && *p <= '9'))
			return 0;
		parts++;
		p += n;
		if (*p == '\0')
			break;
		if (*p != '.')
			return 0;
		p++;
	}
	return parts == 3;
}

/* A role of a collection: ansible_collections/NS/COLL/roles/ROLE. */
static char *
role_in_collections(struct loader *ld, const char *coll, const char *role)
{
	char	*paths, *tok, *save, *dir, *nscoll;

	if (strcmp(coll, "ansible.builtin") == 0 ||
	    strcmp(coll, "ansible.legacy") == 0)
		return NULL;
	nscoll = xstrdup(coll);
	*strchr(nscoll, '.') = '/';
	/* collections/ beside the playbook first, as Ansible adds it */
	paths = xasprintf("%s/collections:%s", ld->dir, collections_path);
	dir = NULL;
	for (tok = strtok_r(paths, ":", &save); tok != NULL && dir == NULL;
	    tok = strtok_r(NULL, ":", &save)) {
		if (*tok == '\0')
			continue;
		dir = xasprintf("%s/ansible_collections/%s/roles/%s", tok,
		    nscoll, role);
		if (access(dir, X_OK) != 0) {
			free(dir);
			dir = NULL;
		}
	}
	free(paths);
	free(nscoll);
	return dir;
}

char *
playbook_role_search(struct loader *ld, const char *name, char **where)
{
	struct value	*cl = ld->collections;
	struct buf	 tried = BUF_INIT;
	char		*paths, *tok, *save, *dir = NULL, *coll, *abs;

	if (roles_path == NULL)
		playbook_configure(NULL, NULL);
	if (role_is_fqcr(name)) {
		coll = xstrndup(name, strrchr(name, '.') - name);
		dir = role_in_collections(ld, coll, strrchr(name, '.') + 1);
		free(coll);
	} else if (cl != NULL && strchr(name, '.') == NULL) {
		for (size_t i = 0; i < cl->u.list.n && dir == NULL; i++) {
			if (cl->u.list.items[i]->type != V_STR)
				continue;
			coll = cl->u.list.items[i]->u.str.s;
			if (strchr(coll, '.') != NULL)
				dir = role_in_collections(ld, coll, name);
			buf_addf(&tried, "%s:", coll);
		}
	}
	if (dir != NULL) {
		buf_release(&tried);
		return dir;
	}
	/* as Ansible's RoleDefinition._load_role_path, in its order */
	paths = xasprintf("%s/roles:%s%s%s:%s", ld->dir, roles_path,
	    ld->role_basedir != NULL ? ":" : "",
	    ld->role_basedir != NULL ? ld->role_basedir : "", ld->dir);
	/* the message names the directories as Ansible does, absolute */
	if ((abs = realpath(ld->dir, NULL)) == NULL)
		abs = xstrdup(ld->dir);
	buf_addf(&tried, "%s/roles:%s%s%s:%s", abs, roles_path,
	    ld->role_basedir != NULL ? ":" : "",
	    ld->role_basedir != NULL ? ld->role_basedir : "", abs);
	free(abs);
	for (tok = strtok_r(paths, ":", &save); tok != NULL && dir == NULL;
	    tok = strtok_r(NULL, ":", &save)) {
		if (*tok == '\0')
			continue;
		dir = name[0] == '/' ? xstrdup(name) :
		    xasprintf("%s/%s", tok, name);
		if (access(dir, X_OK) != 0) {
			free(dir);
			dir = NULL;
		}
	}
	free(paths);
	/* and the name as a path, relative to where cairn runs */
	if (dir == NULL && strchr(name, '/') != NULL &&
	    access(name, X_OK) == 0)
		dir = realpath(name, NULL);
	if (dir == NULL && where != NULL)
		*where = buf_detach(&tried, NULL);
	buf_release(&tried);
	return dir;
}

void
playbook_role_free(struct role *r)
{
	if (r == NULL)
		return;
	free(r->name);
	free(r->path);
	value_unref(r->defaults);
	value_unref(r->vars);
	value_unref(r->when);
	value_unref(r->module_defaults);
	free(r);
}

/*
 * The keys of a roles: entry that are not role parameters: Ansible's
 * RoleInclude attributes (Base, Conditional, Taggable, Delegatable...)
 * and the include/import options.  "port" stays a parameter, as cairn
 * has always taken it (Ansible reads it as the connection port).
 */
static const char *const role_keywords[] = {
	"role", "name", "when", "tags", "vars", "become", "become_user",
	"tasks_from", "handlers_from", "vars_from", "defaults_from",
	"allow_duplicates", "public", "apply", "rolespec_validate",
	"become_method", "become_flags", "become_exe", "connection",
	"remote_user", "module_defaults", "environment", "no_log", "run_once",
	"ignore_errors", "ignore_unreachable", "check_mode", "diff",
	"any_errors_fatal", "throttle", "timeout", "debugger", "collections",
	"delegate_to", "delegate_facts", NULL
};

static int load_role(struct loader *, struct value *, struct value *,
    struct task ***, size_t *, size_t *, const char *, int);

/*
 * A role's argument specs: meta/argument_specs.yml's "argument_specs",
 * else meta/main.yml's (the two are not combined), or NULL.
 */
static int
role_argspecs(struct loader *ld, const char *dir, struct value **out)
{
	struct value	*doc = NULL, *specs;

	*out = NULL;
	if (role_file(ld, dir, "meta", "argument_specs", &doc, NULL) != 0)
		return -1;
	if (doc == NULL && role_file(ld, dir, "meta", "main", &doc,
	    NULL) != 0)
		return -1;
	specs = doc != NULL && doc->type == V_DICT ?
	    get(doc, "argument_specs") : NULL;
	if (specs != NULL && specs->type == V_DICT && specs->u.dict.n > 0)
		*out = value_ref(specs);
	value_unref(doc);
	return 0;
}

/*
 * With a spec for the entry point (tasks_from, or "main"), the task
 * Ansible puts first in the role's task list (*doc, a YAML list or
 * NULL, replaced): validate_argument_spec with the spec's options and
 * the role's parameters, tagged always.
 */
static int
role_argspec_task(struct loader *ld, const char *dir, const char *name,
    const char *tasks_from, struct value *params, struct value **doc)
{
	const char	*entry = tasks_from != NULL ? tasks_from : "main";
	struct value	*specs, *spec, *task, *action, *ctx, *list, *sd;
	char		*abs;

	if (role_argspecs(ld, dir, &specs) != 0)
		return -1;
	if (specs == NULL)
		return 0;
	spec = get(specs, entry);
	if (spec == NULL || spec->type != V_DICT) {
		value_unref(specs);
		return 0;
	}
	task = value_dict();
	sd = get(spec, "short_description");
	if (sd != NULL) {
		char *s = value_to_string(sd);

		value_dict_set(task, "name", value_strf("Validating arguments "
		    "against arg spec '%s' - %s", entry, s));
		free(s);
	} else
		value_dict_set(task, "name", value_strf("Validating arguments "
		    "against arg spec '%s'", entry));
	action = value_dict();
	value_dict_setstr(action, "module",
	    "ansible.builtin.validate_argument_spec");
	value_dict_set(action, "argument_spec", get(spec, "options") != NULL ?
	    value_ref(get(spec, "options")) : value_dict());
	value_dict_set(action, "provided_arguments", value_copy(params));
	/* the module tells a template's result from YAML's strings by these */
	list = value_list();
	for (size_t i = 0; i < params->u.dict.n; i++)
		if (value_is_template(params->u.dict.vals[i]))
			value_list_append(list, value_str(params->u.dict.keys[i]));
	if (list->u.list.n > 0)
		value_dict_set(action, "_cairn_templated", list);
	else
		value_unref(list);
	ctx = value_dict();
	value_dict_setstr(ctx, "type", "role");
	value_dict_setstr(ctx, "name", name);
	value_dict_setstr(ctx, "argument_spec_name", entry);
	if ((abs = realpath(dir, NULL)) == NULL)
		abs = xstrdup(dir);
	value_dict_setstr(ctx, "path", abs);
	free(abs);
	value_dict_set(action, "validate_args_context", ctx);
	value_dict_set(task, "action", action);
	list = value_list();
	value_list_append(list, value_str("always"));
	value_dict_set(task, "tags", list);
	list = value_list();
	value_list_append(list, task);
	for (size_t i = 0; *doc != NULL && (*doc)->type == V_LIST &&
	    i < (*doc)->u.list.n; i++)
		value_list_append(list, value_ref((*doc)->u.list.items[i]));
	if (*doc != NULL && (*doc)->type != V_LIST && (*doc)->type != V_NULL) {
		/* not a list: the parser says so, at the file */
		value_unref(list);
		value_unref(specs);
		return 0;
	}
	value_unref(*doc);
	*doc = list;
	value_unref(specs);
	return 0;
}

/* meta/main.yml dependencies run before the role itself. */
static int
role_dependencies(struct loader *ld, const char *dir, struct value *tags,
    struct task ***list, size_t *n, size_t *cap, int *allow_dup)
{
	struct value	*meta = NULL, *deps;
	char		*saved;
	int		 r = 0;

	if (role_file(ld, dir, "meta", "main", &meta, NULL) != 0)
		return -1;
	if (meta == NULL || meta->type != V_DICT) {
		value_unref(meta);
		return 0;
	}
	*allow_dup = value_truthy(get(meta, "allow_duplicates"));
	deps = get(meta, "dependencies");
	ld->in_deps++;
	/* a dependency is also looked for beside the role that needs it */
	saved = ld->role_basedir;
	ld->role_basedir = xstrdup(dir);
	if (strrchr(ld->role_basedir, '/') != NULL)
		*strrchr(ld->role_basedir, '/') = '\0';
	for (size_t i = 0; deps != NULL && deps->type == V_LIST &&
	    i < deps->u.list.n && r == 0; i++)
		r = load_role(ld, deps->u.list.items[i], tags, list, n, cap,
		    NULL, 1);
	free(ld->role_basedir);
	ld->role_basedir = saved;
	ld->in_deps--;
	value_unref(meta);
	return r;
}

/*
 * One "roles:" entry (or import_role): finds the role, loads its defaults,
 * vars and dependencies, then its tasks into the list and its handlers
 * into the play's.  tasks_from picks another tasks file.
 */
static int
load_role(struct loader *ld, struct value *entry, struct value *tags,
    struct task ***list, size_t *n, size_t *cap, const char *tasks_from,
    int dedupe)
{
	struct play	*p = ld->play;
	struct role	*role, *saved;
	struct value	*namev, *doc = NULL, *params, *rtags = NULL, *hl;
	char		*name = NULL, *dir, *hpath = NULL, *where = NULL;
	int		 allow_dup = 0, r = -1;
	size_t		 hcap, first_dep;

	if (entry->type == V_STR)
		namev = entry;
	else if (entry->type == V_DICT) {
		namev = get(entry, "role") ? get(entry, "role") :
		    get(entry, "name");
		if (namev == NULL)
			return playbook_fail_at(
			    ld, entry, "a role entry needs 'role'");
	} else
		return playbook_fail_at(ld, entry,
		    "a role entry must be a name or a "
		    "mapping");
	if (namev->type != V_STR || value_is_template(namev))
		return playbook_fail_at(ld, namev,
		    "a role name must be a literal "
		    "string");
	if (++ld->depth > 32)
		return playbook_fail_at(ld, namev, "roles nested too deeply");
	name = xstrdup(namev->u.str.s);
	if ((dir = playbook_role_search(ld, name, &where)) == NULL) {
		playbook_fail_at(ld, namev, "the role '%s' was not found in %s",
		    name, where);
		free(where);
		goto out;
	}
	params = value_dict();
	if (entry->type == V_DICT) {
		for (size_t i = 0; i < entry->u.dict.n; i++) {
			const char *k = entry->u.dict.keys[i];

			if (!playbook_in_list(role_keywords, k))
				value_dict_set(params, k,
				    value_ref(entry->u.dict.vals[i]));
		}
		if (playbook_want_tags(ld, get(entry, "tags"), tags, &rtags) !=
		    0) {
			value_unref(params);
			free(dir);
			goto out;
		}
	}
	if (rtags == NULL)
		rtags = value_ref(tags);
	first_dep = p->nroles;
	if (role_dependencies(ld, dir, rtags, list, n, cap, &allow_dup) != 0)
		goto fail;
	/* the same role with the same parameters runs once per play */
	for (size_t i = 0; dedupe && !allow_dup && i < p->nroles; i++) {
		struct value *pv = value_dict_get(p->roles[i]->vars,
		    "__cairn_params");

		if (strcmp(p->roles[i]->path, dir) == 0 && pv != NULL &&
		    value_equal(pv, params)) {
			value_unref(params);
			value_unref(rtags);
			free(dir);
			r = 0;
			goto out;
		}
	}
	role = xcalloc(1, sizeof *role);
	role->name = xstrdup(name);
	role->path = dir;
	p->roles = xreallocarray(p->roles, p->nroles + 1, sizeof *p->roles);
	p->roles[p->nroles++] = role;
	if (role_file(ld, dir, "defaults", "main", &doc, NULL) != 0)
		goto fail;
	role->defaults = doc != NULL && doc->type == V_DICT ? doc :
	    (value_unref(doc), value_dict());
	if (first_dep < p->nroles - 1) {
		/* a dependency's defaults are the dependent role's too */
		struct value *all = value_dict();

		for (size_t i = first_dep; i < p->nroles - 1; i++)
			value_dict_merge(all, p->roles[i]->defaults, 0);
		value_dict_merge(all, role->defaults, 0);
		value_unref(role->defaults);
		role->defaults = all;
	}
	if (role_file(ld, dir, "vars", "main", &doc, NULL) != 0)
		goto fail;
	role->vars = doc != NULL && doc->type == V_DICT ? value_copy(doc) :
	    value_dict();
	value_unref(doc);
	if (entry->type == V_DICT && get(entry, "vars") != NULL &&
	    get(entry, "vars")->type == V_DICT)
		value_dict_merge(role->vars, get(entry, "vars"), 0);
	value_dict_merge(role->vars, params, 0);
	value_dict_set(role->vars, "__cairn_params", value_ref(params));
	value_dict_setstr(role->vars, "role_path", dir);
	value_dict_setstr(role->vars, "role_name", name);
	value_dict_setstr(role->vars, "ansible_role_name", name);
	role->dependency = ld->in_deps > 0;
	/* the roles that import or include this one, nearest first */
	if (ld->role != NULL) {
		struct value *pl = value_list(), *pp;

		value_list_append(pl, value_str(ld->role->name));
		pp = get(ld->role->vars, "ansible_parent_role_names");
		for (size_t i = 0; pp != NULL && i < pp->u.list.n; i++)
			value_list_append(pl, value_ref(pp->u.list.items[i]));
		value_dict_set(role->vars, "ansible_parent_role_names", pl);
	}
	if (entry->type == V_DICT &&
	    (playbook_want_conditions(
	        ld, get(entry, "when"), "when", &role->when) != 0 ||
	    playbook_want_module_defaults(ld, get(entry, "module_defaults"),
	        &role->module_defaults) != 0))
		goto fail;
	saved = ld->role;
	ld->role = role;
	if (role_file(ld, dir, "tasks", tasks_from ? tasks_from : "main", &doc,
	    &hpath) != 0) {
		ld->role = saved;
		goto fail;
	}
	if (doc == NULL && tasks_from != NULL) {
		ld->role = saved;
		playbook_fail_at(ld, entry,
		    "the role '%s' has no tasks file '%s'", name, tasks_from);
		goto fail;
	}
	if (entry->type != V_DICT || get(entry, "rolespec_validate") == NULL ||
	    value_truthy(get(entry, "rolespec_validate"))) {
		if (role_argspec_task(ld, dir, name, tasks_from, params,
		    &doc) != 0) {
			ld->role = saved;
			value_unref(doc);
			goto fail;
		}
	}
	ld->module_defaults += role->module_defaults != NULL;
	if (doc != NULL)
		r = playbook_parse_tasks(
		    ld, doc, "tasks", rtags, "tasks", list, n, cap);
	else
		r = 0;
	ld->module_defaults -= role->module_defaults != NULL;
	value_unref(doc);
	free(hpath);
	hpath = NULL;
	if (r == 0 && (r = role_file(ld, dir, "handlers", "main", &doc,
	    NULL)) == 0 && doc != NULL) {
		hcap = p->nhandlers;
		hl = doc;
		r = playbook_parse_tasks(ld, hl, "handlers", rtags, "handlers",
		    &p->handlers, &p->nhandlers, &hcap);
		value_unref(doc);
	}
	ld->role = saved;
fail:
	value_unref(params);
	value_unref(rtags);
out:
	free(name);
	ld->depth--;
	return r;
}

/* import_role / include_role with a literal name: read in place. */
int
playbook_role_import(struct loader *ld, struct value *node, struct value *rv,
    struct value *tags, struct task ***list, size_t *n, size_t *cap)
{
	struct value	*spec, *entry, *tf;
	char		*from = NULL;
	int		 r;

	if (rv->type == V_STR && strchr(rv->u.str.s, '=') == NULL)
		return load_role(ld, rv, tags, list, n, cap, NULL, 0);
	if (rv->type == V_STR) {
		spec = playbook_parse_kv(rv->u.str.s, 0);
		spec->loc = rv->loc;
	} else
		spec = value_ref(rv);
	if (spec->type != V_DICT || get(spec, "name") == NULL) {
		value_unref(spec);
		return playbook_fail_at(ld, rv, "import_role needs a 'name'");
	}
	/* the role entry: the spec less tasks_from, plus the task's keys */
	entry = value_copy(spec);
	value_dict_del(entry, "tasks_from");
	if (get(node, "vars") != NULL)
		value_dict_set(entry, "vars", value_ref(get(node, "vars")));
	if (get(node, "when") != NULL)
		value_dict_set(entry, "when", value_ref(get(node, "when")));
	if (get(node, "tags") != NULL)
		value_dict_set(entry, "tags", value_ref(get(node, "tags")));
	if ((tf = get(spec, "tasks_from")) != NULL) {
		from = value_to_string(tf);
		/* "tasks_from: setup.yml" names the file with its extension */
		if (str_endswith(from, ".yml") || str_endswith(from, ".yaml"))
			*strrchr(from, '.') = '\0';
	}
	r = load_role(ld, entry, tags, list, n, cap, from, 0);
	free(from);
	value_unref(entry);
	value_unref(spec);
	return r;
}

int
playbook_parse_roles(struct loader *ld, struct value *v, struct play *p)
{
	size_t	cap = 0;

	if (v == NULL || v->type == V_NULL)
		return 0;
	if (v->type != V_LIST)
		return playbook_fail_at(ld, v, "'roles' must be a list");
	for (size_t i = 0; i < v->u.list.n; i++)
		if (load_role(ld, v->u.list.items[i], p->tags, &p->role_tasks,
		    &p->nrole_tasks, &cap, NULL, 1) != 0)
			return -1;
	return 0;
}
