/*
 * alternatives: installs, selects, sets to auto or removes an alternative
 * with update-alternatives(1) (community.general.alternatives), deciding
 * from what "update-alternatives --display" says.
 */
#include <stdlib.h>
#include <string.h>

#include "module.h"
#include "sysconf.h"

static const char *const alternatives_aliases[] = {
	"community.general.alternatives",
	"community.general.system.alternatives", NULL
};
static const char *const state_choices[] = { "present", "selected", "auto",
	"absent", NULL };
static const char *const subcommands_aliases[] = { "slaves", NULL };

static const struct mod_param alternatives_params[] = {
	{ "name", P_STR, P_REQUIRED, NULL, NULL, NULL },
	{ "path", P_PATH, P_REQUIRED, NULL, NULL, NULL },
	{ "link", P_PATH, 0, NULL, NULL, NULL },
	{ "priority", P_INT, 0, NULL, NULL, NULL },
	{ "state", P_STR, 0, "selected", state_choices, NULL },
	{ "subcommands", P_LIST, 0, NULL, NULL, subcommands_aliases },
	{ NULL }
};

/* The subcommands argument as alt_subs (borrowed strings), or -1. */
static int
alternatives_subs(const struct value *list, struct alt_sub **subs,
    size_t *n, char **cause)
{
	static const char *const keys[] = { "name", "path", "link" };
	const struct value	*item, *v;
	size_t			 i, k;
	const char		*s[3];

	*subs = NULL;
	*n = 0;
	if (list == NULL)
		return 0;
	for (i = 0; i < list->u.list.n; i++) {
		item = list->u.list.items[i];
		if (item->type != V_DICT) {
			*cause = xstrdup("Elements value for option "
			    "'subcommands' is of type which is not a dict");
			goto fail;
		}
		for (k = 0; k < 3; k++) {
			v = value_dict_get(item, keys[k]);
			if (v == NULL || v->type != V_STR) {
				*cause = xasprintf("missing required "
				    "arguments: %s found in subcommands",
				    keys[k]);
				goto fail;
			}
			s[k] = v->u.str.s;
		}
		*subs = xreallocarray(*subs, *n + 1, sizeof **subs);
		(*subs)[*n].name = (char *)s[0];
		(*subs)[*n].path = (char *)s[1];
		(*subs)[*n].link = (char *)s[2];
		(*n)++;
	}
	return 0;
fail:
	free(*subs);
	*subs = NULL;
	return -1;
}

static int
alternatives_validate(const struct mod_args *args, char **cause)
{
	struct value	*list = args_get(args, "subcommands");
	struct alt_sub	*subs;
	size_t		 n;

	if (list == NULL || value_is_template(list))
		return 0;
	if (alternatives_subs(list, &subs, &n, cause) != 0)
		return -1;
	free(subs);
	return 0;
}

static struct value *
alternatives_subs_value(const struct alt_sub *subs, size_t n)
{
	struct value	*list = value_list(), *d;
	size_t		 i;

	for (i = 0; i < n; i++) {
		d = value_dict();
		value_dict_setstr(d, "name", subs[i].name);
		value_dict_setstr(d, "path", subs[i].path);
		if (subs[i].link != NULL)
			value_dict_setstr(d, "link", subs[i].link);
		else
			value_dict_set(d, "link", value_null());
		value_list_append(list, d);
	}
	return list;
}

/* Runs an update-alternatives command unless in check mode. */
static int
alternatives_exec(struct task_ctx *ctx, struct result *r, const char *cmd,
    enum mod_status *status, char **cause)
{
	struct exec_result	res = EXEC_RESULT_INIT;

	if (ctx_check_mode(ctx))
		return 0;
	if (host_run(ctx, cmd, &res, cause) != 0)
		return -1;
	if (res.rc != 0) {
		*status = result_fail_exec(r, cmd, &res);
		exec_result_release(&res);
		return -1;
	}
	exec_result_release(&res);
	return 0;
}

static enum mod_status
alternatives_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	const char		*name = args_str(args, "name");
	const char		*path = args_str(args, "path");
	const char		*state = args_str(args, "state");
	const char		*link = args_str(args, "link");
	int			 have_prio = args_has(args, "priority");
	int			 have_subs = args_has(args, "subcommands");
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct alt_state	 st;
	const struct alt_entry	*e;
	struct alt_sub		*wanted = NULL;
	const struct alt_sub	*subs;
	size_t			 nwanted, nsubs, i;
	struct host_stat	 hs;
	struct buf		 cmd = BUF_INIT, msg = BUF_INIT;
	struct value		*before = value_dict(), *after = value_dict();
	char			*cause = NULL;
	long long		 prio;
	int			 changed = 0;
	enum mod_status		 status = MOD_FAILED;

	memset(&st, 0, sizeof st);
	if (alternatives_subs(args_get(args, "subcommands"), &wanted,
	    &nwanted, &cause) != 0)
		goto out;
	buf_adds(&cmd, "LC_ALL=C update-alternatives --display ");
	shell_quote_buf(&cmd, name);
	if (host_run(ctx, buf_cstr(&cmd), &res, &cause) != 0)
		goto out;
	if (res.rc == 0)
		alt_parse(buf_cstr(&res.out), wanted, nwanted, &st);
	e = alt_find(&st, path);
	if (e != NULL) {
		value_dict_setstr(before, "state", "present");
		value_dict_setstr(before, "path", path);
		value_dict_setint(before, "priority", e->priority);
		if (st.link != NULL)
			value_dict_setstr(before, "link", st.link);
		else
			value_dict_set(before, "link", value_null());
		if (e->nsubs > 0)
			value_dict_set(before, "subcommands",
			    alternatives_subs_value(e->subs, e->nsubs));
		if (st.mode != NULL && strcmp(st.mode, "manual") == 0 &&
		    (st.current == NULL || strcmp(st.current, path) != 0))
			value_dict_setstr(before, "state", "selected");
	} else
		value_dict_setstr(before, "state", "absent");

	if (strcmp(state, "absent") == 0) {
		if (e != NULL) {
			buf_reset(&cmd);
			buf_adds(&cmd, "update-alternatives --remove ");
			shell_quote_buf(&cmd, name);
			buf_addc(&cmd, ' ');
			shell_quote_buf(&cmd, path);
			changed = 1;
			buf_addf(&msg, "Remove alternative '%s' from '%s'.",
			    path, name);
			if (alternatives_exec(ctx, r, buf_cstr(&cmd), &status,
			    &cause) != 0)
				goto out;
			value_unref(after);
			after = value_dict();
			value_dict_setstr(after, "state", "absent");
		}
		goto done;
	}

	if (alt_needs_install(&st, path, have_prio,
	    args_int(args, "priority", 0), have_subs, wanted, nwanted)) {
		if (link == NULL)
			link = st.link;
		prio = have_prio ? args_int(args, "priority", 0) :
		    e != NULL ? e->priority : 50;
		subs = have_subs ? wanted : e != NULL && e->nsubs > 0 ?
		    e->subs : NULL;
		nsubs = have_subs ? nwanted : e != NULL ? e->nsubs : 0;
		if (host_stat(ctx, path, STAT_FOLLOW, &hs, &cause) != 0)
			goto out;
		if (hs.type == FT_NONE) {
			cause = xasprintf("Specified path %s does not exist",
			    path);
			goto out;
		}
		if (link == NULL || *link == '\0') {
			cause = xstrdup("Needed to install the alternative, "
			    "but unable to do so as we are missing the link");
			goto out;
		}
		buf_reset(&cmd);
		buf_adds(&cmd, "update-alternatives --install ");
		shell_quote_buf(&cmd, link);
		buf_addc(&cmd, ' ');
		shell_quote_buf(&cmd, name);
		buf_addc(&cmd, ' ');
		shell_quote_buf(&cmd, path);
		buf_addf(&cmd, " %lld", prio);
		for (i = 0; have_subs && i < nsubs; i++) {
			buf_adds(&cmd, " --slave ");
			shell_quote_buf(&cmd, subs[i].link);
			buf_addc(&cmd, ' ');
			shell_quote_buf(&cmd, subs[i].name);
			buf_addc(&cmd, ' ');
			shell_quote_buf(&cmd, subs[i].path);
		}
		changed = 1;
		buf_addf(&msg, "Install alternative '%s' for '%s'.", path,
		    name);
		if (alternatives_exec(ctx, r, buf_cstr(&cmd), &status,
		    &cause) != 0)
			goto out;
		value_dict_setstr(after, "state", "present");
		value_dict_setstr(after, "path", path);
		value_dict_setint(after, "priority", prio);
		value_dict_setstr(after, "link", link);
		if (subs != NULL && nsubs > 0)
			value_dict_set(after, "subcommands",
			    alternatives_subs_value(subs, nsubs));
	}
	if (strcmp(state, "selected") == 0 &&
	    (st.current == NULL || strcmp(st.current, path) != 0)) {
		buf_reset(&cmd);
		buf_adds(&cmd, "update-alternatives --set ");
		shell_quote_buf(&cmd, name);
		buf_addc(&cmd, ' ');
		shell_quote_buf(&cmd, path);
		changed = 1;
		buf_addf(&msg, "%sSet alternative '%s' for '%s'.",
		    msg.len > 0 ? " " : "", path, name);
		if (alternatives_exec(ctx, r, buf_cstr(&cmd), &status,
		    &cause) != 0)
			goto out;
		value_dict_setstr(after, "state", "selected");
	}
	if (strcmp(state, "auto") == 0 && st.mode != NULL &&
	    strcmp(st.mode, "manual") == 0) {
		buf_reset(&cmd);
		buf_adds(&cmd, "update-alternatives --auto ");
		shell_quote_buf(&cmd, name);
		changed = 1;
		buf_addf(&msg, "%sSet alternative to auto for '%s'.",
		    msg.len > 0 ? " " : "", name);
		if (alternatives_exec(ctx, r, buf_cstr(&cmd), &status,
		    &cause) != 0)
			goto out;
		value_dict_setstr(after, "state", "present");
	}
done:
	if (ctx_diff_mode(ctx))
		result_diff_dict(r, before, after);
	result_setstr(r, "msg", buf_cstr(&msg));
	status = changed ? MOD_CHANGED : MOD_OK;
out:
	if (status == MOD_FAILED && cause != NULL)
		status = result_fail(r, "%s", cause);
	alt_state_release(&st);
	exec_result_release(&res);
	buf_release(&cmd);
	buf_release(&msg);
	value_unref(before);
	value_unref(after);
	free(wanted);
	free(cause);
	return status;
}

const struct module_entry module_alternatives = {
	.name = "alternatives",
	.aliases = alternatives_aliases,
	.params = alternatives_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_SUPPORTS_DIFF,
	.validate = alternatives_validate,
	.run = alternatives_run,
};
