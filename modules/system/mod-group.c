/* group: local groups through getent and groupadd/groupmod/groupdel, as Ansible's group module. */
#include <stdlib.h>
#include <string.h>

#include "accounts.h"
#include "module.h"

static const char *const group_aliases[] = {
	"ansible.builtin.group", "ansible.legacy.group", NULL
};
static const char *const state_choices[] = { "absent", "present", NULL };

static const struct mod_param group_params[] = {
	{ "name", P_STR, P_REQUIRED, NULL, NULL, NULL },
	{ "gid", P_INT, 0, NULL, NULL, NULL },
	{ "state", P_STR, 0, "present", state_choices, NULL },
	{ "system", P_BOOL, 0, "no", NULL, NULL },
	{ "non_unique", P_BOOL, 0, "no", NULL, NULL },
	/* lgroupadd's: refused when set, Debian has no libuser */
	{ "local", P_BOOL, 0, "no", NULL, NULL },
	{ NULL }
};

static int
group_validate(const struct mod_args *args, char **cause)
{
	const char	*name = args_str(args, "name");

	if (name != NULL && !value_is_template(args_get(args, "name")) &&
	    (name[0] == '\0' || name[0] == '-' ||
	    strpbrk(name, ":\n,") != NULL)) {
		*cause = xasprintf("invalid group name '%s'", name);
		return -1;
	}
	if (args_bool(args, "non_unique", 0) && !args_has(args, "gid")) {
		*cause = xstrdup("non_unique is True but all of the "
		    "following are missing: gid");
		return -1;
	}
	if (args_bool(args, "local", 0)) {
		*cause = xstrdup("local=yes needs lgroupadd (libuser), which "
		    "cairn does not drive: leave local unset");
		return -1;
	}
	return 0;
}

/* Reads the group; the group itself or NULL in db. */
static const struct accounts_group *
group_read(struct task_ctx *ctx, const char *name, struct accounts_db *db,
    struct result *r, int *failed)
{
	struct buf			 s = BUF_INIT;
	struct exec_result		 res = EXEC_RESULT_INIT;
	char				*cause = NULL;
	size_t				 i;

	*failed = 1;
	memset(db, 0, sizeof *db);
	accounts_read_script(&s, NULL, name, 0, NULL);
	if (host_run(ctx, buf_cstr(&s), &res, &cause) != 0 ||
	    accounts_parse_db(buf_cstr(&res.out), db, &cause) != 0) {
		result_fail(r, "%s", cause);
		free(cause);
		buf_release(&s);
		exec_result_release(&res);
		return NULL;
	}
	buf_release(&s);
	exec_result_release(&res);
	*failed = 0;
	/* getent took an all-digit name as a gid: only the name counts. */
	for (i = 0; i < db->ngroups; i++)
		if (strcmp(db->groups[i].name, name) == 0)
			return &db->groups[i];
	return NULL;
}

static struct value *
group_view(const char *name, const char *state, long long gid)
{
	struct value	*d = value_dict();

	value_dict_setstr(d, "name", name);
	value_dict_setstr(d, "state", state);
	if (gid != -1)
		value_dict_setint(d, "gid", gid);
	return d;
}

static enum mod_status
group_run(struct task_ctx *ctx, const struct mod_args *args, struct result *r)
{
	struct accounts_group_want	 w;
	struct accounts_db		 db;
	const struct accounts_group	*g;
	struct accounts_argv		 a = { NULL, 0 };
	struct exec_result		 res = EXEC_RESULT_INIT;
	struct value			*before, *after;
	const char			*state = args_str(args, "state");
	char				*cause = NULL, *line, *e;
	int				 failed, absent;
	long long			 gid = -1;
	enum mod_status			 st;

	memset(&w, 0, sizeof w);
	w.name = args_str(args, "name");
	w.gid = args_has(args, "gid") ? args_int(args, "gid", -1) : -1;
	w.system = args_bool(args, "system", 0);
	w.non_unique = args_bool(args, "non_unique", 0);
	absent = strcmp(state, "absent") == 0;

	result_setstr(r, "name", w.name);
	result_setstr(r, "state", state);
	g = group_read(ctx, w.name, &db, r, &failed);
	if (failed)
		return MOD_FAILED;
	if (absent && g != NULL) {
		accounts_argv_add(&a, "groupdel");
		accounts_argv_add(&a, w.name);
	} else if (!absent && g == NULL)
		accounts_groupadd(&w, &a);
	else if (!absent)
		accounts_groupmod(&w, g, &a);

	before = group_view(w.name, g != NULL ? "present" : "absent",
	    g != NULL ? g->gid : -1);
	after = group_view(w.name, state, absent ? -1 : w.gid != -1 ?
	    w.gid : g != NULL ? g->gid : -1);
	if (g != NULL)
		gid = g->gid;
	accounts_db_release(&db);

	if (a.n > 0 && !ctx_check_mode(ctx)) {
		line = accounts_argv_line(&a, 0);
		if (host_run(ctx, line, &res, &cause) != 0) {
			free(line);
			st = result_fail(r, "%s", cause);
			free(cause);
			goto out;
		}
		if (res.rc != 0) {
			result_set_exec(r, &res);
			result_setstr(r, "cmd", line);
			e = xstrndup(res.err.s != NULL ? res.err.s : "",
			    res.err.len);
			while (*e != '\0' && e[strlen(e) - 1] == '\n')
				e[strlen(e) - 1] = '\0';
			st = result_fail(r, "%s", *e != '\0' ? e : line);
			free(e);
			free(line);
			goto out;
		}
		free(line);
		if (res.out.len > 0)
			result_set(r, "stdout", value_strn(res.out.s,
			    res.out.len));
		if (res.err.len > 0)
			result_set(r, "stderr", value_strn(res.err.s,
			    res.err.len));
		exec_result_release(&res);
		if (!absent) {
			g = group_read(ctx, w.name, &db, r, &failed);
			if (failed) {
				st = MOD_FAILED;
				goto out;
			}
			gid = g != NULL ? g->gid : -1;
			accounts_db_release(&db);
		} else
			gid = -1;
	} else if (a.n > 0)
		gid = absent ? -1 : w.gid != -1 ? w.gid : gid;
	if (!absent && (gid != -1 || !ctx_check_mode(ctx))) {
		result_setbool(r, "system", w.system);
		if (gid != -1)
			result_setint(r, "gid", gid);
	}
	st = a.n > 0 ? MOD_CHANGED : MOD_OK;
	if (a.n > 0 && ctx_diff_mode(ctx))
		result_diff_dict(r, before, after);
out:
	value_unref(before);
	value_unref(after);
	accounts_argv_release(&a);
	exec_result_release(&res);
	return st;
}

const struct module_entry module_group = {
	.name = "group",
	.aliases = group_aliases,
	.params = group_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_SUPPORTS_DIFF,
	.validate = group_validate,
	.run = group_run,
};
