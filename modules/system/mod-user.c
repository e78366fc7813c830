/* user: local accounts through getent and useradd/usermod/userdel, as Ansible's user module. */
#include <stdlib.h>
#include <string.h>

#include "accounts.h"
#include "module.h"

static const char *const user_aliases[] = {
	"ansible.builtin.user", "ansible.legacy.user", NULL
};
static const char *const name_aliases[] = { "user", NULL };
static const char *const create_home_aliases[] = { "createhome", NULL };
static const char *const state_choices[] = { "absent", "present", NULL };
static const char *const update_choices[] = { "always", "on_create", NULL };

static const struct mod_param user_params[] = {
	{ "name", P_STR, P_REQUIRED, NULL, NULL, name_aliases },
	{ "state", P_STR, 0, "present", state_choices, NULL },
	{ "uid", P_INT, 0, NULL, NULL, NULL },
	{ "group", P_STR, 0, NULL, NULL, NULL },
	{ "groups", P_LIST, 0, NULL, NULL, NULL },
	{ "append", P_BOOL, 0, "no", NULL, NULL },
	{ "shell", P_STR, 0, NULL, NULL, NULL },
	{ "home", P_PATH, 0, NULL, NULL, NULL },
	{ "create_home", P_BOOL, 0, "yes", NULL, create_home_aliases },
	{ "move_home", P_BOOL, 0, "no", NULL, NULL },
	{ "system", P_BOOL, 0, "no", NULL, NULL },
	{ "comment", P_STR, 0, NULL, NULL, NULL },
	{ "password", P_STR, P_SECRET, NULL, NULL, NULL },
	{ "update_password", P_STR, 0, "always", update_choices, NULL },
	{ "password_lock", P_BOOL, 0, NULL, NULL, NULL },
	{ "expires", P_FLOAT, 0, NULL, NULL, NULL },
	{ "remove", P_BOOL, 0, "no", NULL, NULL },
	{ "force", P_BOOL, 0, "no", NULL, NULL },
	{ "non_unique", P_BOOL, 0, "no", NULL, NULL },
	{ "skeleton", P_STR, 0, NULL, NULL, NULL },
	{ "umask", P_STR, 0, NULL, NULL, NULL },
	{ "generate_ssh_key", P_BOOL, 0, "no", NULL, NULL },
	{ "ssh_key_type", P_STR, 0, "rsa", NULL, NULL },
	{ "ssh_key_bits", P_INT, 0, NULL, NULL, NULL },
	{ "ssh_key_file", P_PATH, 0, NULL, NULL, NULL },
	{ "ssh_key_comment", P_STR, 0, NULL, NULL, NULL },
	{ "ssh_key_passphrase", P_STR, P_SECRET, NULL, NULL, NULL },
	{ "password_expire_max", P_INT, 0, NULL, NULL, NULL },
	{ "password_expire_min", P_INT, 0, NULL, NULL, NULL },
	{ "password_expire_warn", P_INT, 0, NULL, NULL, NULL },
	{ "password_expire_account_disable", P_INT, 0, NULL, NULL, NULL },
	/* luseradd's: refused when set, Debian has no libuser */
	{ "local", P_BOOL, 0, "no", NULL, NULL },
	/* BSD, macOS and Solaris only, or SELinux: accepted and ignored */
	{ "hidden", P_BOOL, 0, NULL, NULL, NULL },
	{ "login_class", P_STR, 0, NULL, NULL, NULL },
	{ "authorization", P_STR, 0, NULL, NULL, NULL },
	{ "profile", P_STR, 0, NULL, NULL, NULL },
	{ "role", P_STR, 0, NULL, NULL, NULL },
	{ "seuser", P_STR, 0, NULL, NULL, NULL },
	{ NULL }
};

static int
user_validate(const struct mod_args *args, char **cause)
{
	struct value	*v = args_get(args, "name");
	const char	*name = args_str(args, "name");

	if (name != NULL && !value_is_template(v) && (name[0] == '\0' ||
	    name[0] == '-' || strpbrk(name, ":\n,") != NULL)) {
		*cause = xasprintf("invalid user name '%s'", name);
		return -1;
	}
	if (args_bool(args, "local", 0)) {
		*cause = xstrdup("local=yes needs luseradd (libuser), which "
		    "cairn does not drive: leave local unset");
		return -1;
	}
	return 0;
}

static void
user_want(const struct mod_args *args, struct accounts_user_want *w)
{
	struct value	*groups = args_get(args, "groups"), *e;
	size_t		 i;

	memset(w, 0, sizeof *w);
	w->name = args_str(args, "name");
	w->uid = args_has(args, "uid") ? args_int(args, "uid", -1) : -1;
	w->group = args_str(args, "group");
	if (groups != NULL && groups->type == V_LIST) {
		w->groups = (const char **)xcalloc(groups->u.list.n + 1, sizeof *w->groups);
		for (i = 0; i < groups->u.list.n; i++) {
			e = groups->u.list.items[i];
			if (e->type == V_STR)
				w->groups[w->ngroups++] = str_trim(
				    xstrdup(e->u.str.s));
		}
	}
	w->append = args_bool(args, "append", 0);
	w->comment = args_str(args, "comment");
	w->home = args_str(args, "home");
	w->shell = args_str(args, "shell");
	w->password = args_str(args, "password");
	w->update_always = strcmp(args_str(args, "update_password"),
	    "always") == 0;
	w->password_lock = args_has(args, "password_lock") ?
	    args_bool(args, "password_lock", 0) : -1;
	if ((e = args_get(args, "expires")) != NULL) {
		w->has_expires = 1;
		w->expires = e->type == V_FLOAT ? e->u.f : (double)e->u.i;
	}
	w->create_home = args_bool(args, "create_home", 1);
	w->move_home = args_bool(args, "move_home", 0);
	w->system = args_bool(args, "system", 0);
	w->non_unique = args_bool(args, "non_unique", 0);
	w->force = args_bool(args, "force", 0);
	w->remove = args_bool(args, "remove", 0);
	w->skeleton = args_str(args, "skeleton");
	w->umask = args_str(args, "umask");
	w->expire_min = args_int(args, "password_expire_min", -2);
	w->expire_max = args_int(args, "password_expire_max", -2);
	w->expire_warn = args_int(args, "password_expire_warn", -2);
	w->expire_inact = args_int(args, "password_expire_account_disable",
	    -2);
}

static void
user_want_release(struct accounts_user_want *w)
{
	strv_free((char **)w->groups, w->ngroups);
}

static enum mod_status
user_absent(struct task_ctx *ctx, const struct accounts_user_want *w,
    struct result *r)
{
	struct buf		 s = BUF_INIT;
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct accounts_db	 db;
	struct accounts_argv	 a = { NULL, 0 };
	struct value		*before, *after;
	char			*line;
	enum mod_status		 st = MOD_FAILED;

	accounts_read_script(&s, w->name, NULL, 1, NULL);
	if (accounts_exec(ctx, &s, NULL, &res, r) != 0)
		goto out;
	if (accounts_read_db(r, &res, &db, w->name, 0) != 0)
		goto out;
	if (!db.has_user) {
		accounts_db_release(&db);
		st = MOD_OK;
		goto out;
	}
	if (ctx_diff_mode(ctx)) {
		before = accounts_view(&db, w->name);
		after = accounts_view_after(w, &db, 0);
		result_diff_dict(r, before, after);
		value_unref(before);
		value_unref(after);
	}
	accounts_db_release(&db);
	result_setbool(r, "force", w->force);
	result_setbool(r, "remove", w->remove);
	st = MOD_CHANGED;
	if (ctx_check_mode(ctx))
		goto out;
	accounts_userdel(w, &a);
	line = accounts_argv_line(&a, 0);
	buf_adds(&s, line);
	free(line);
	exec_result_release(&res);
	if (accounts_exec(ctx, &s, NULL, &res, r) != 0)
		st = MOD_FAILED;
	else if (res.rc != 0)
		st = accounts_cmd_failed(r, &a, &res);
	else {
		if (res.out.len > 0)
			result_set(r, "stdout", value_strn(res.out.s,
			    res.out.len));
		if (res.err.len > 0)
			result_set(r, "stderr", value_strn(res.err.s,
			    res.err.len));
	}
out:
	accounts_argv_release(&a);
	exec_result_release(&res);
	return st;
}

/* What Ansible returns of the arguments, by whether the user existed. */
static void
user_report_args(struct result *r, const struct accounts_user_want *w,
    int exists)
{
	if (!exists) {
		result_setbool(r, "system", w->system);
		result_setbool(r, "create_home", w->create_home);
	} else {
		result_setbool(r, "append", w->append);
		result_setbool(r, "move_home", w->move_home);
	}
	if (w->password != NULL)
		result_setstr(r, "password", "NOT_LOGGING_PASSWORD");
}

/* What Ansible returns of the user as it is now. */
static void
user_report_db(struct result *r, const struct accounts_user_want *w,
    const struct accounts_db *db)
{
	struct buf	g = BUF_INIT;
	size_t		i;

	result_setint(r, "uid", db->pw.uid);
	result_setint(r, "group", db->pw.gid);
	result_setstr(r, "comment", db->pw.gecos);
	result_setstr(r, "home", db->pw.home);
	result_setstr(r, "shell", db->pw.shell);
	if (w->groups == NULL)
		return;
	for (i = 0; i < w->ngroups; i++)
		buf_addf(&g, "%s%s", i > 0 ? "," : "", w->groups[i]);
	result_setstr(r, "groups", buf_cstr(&g));
	buf_release(&g);
}

/* Creates a missing home; 0, or -1 with the result failed (*st set). */
static int
user_make_home(struct task_ctx *ctx, const struct accounts_user_want *w,
    const struct accounts_db *db, struct result *r, enum mod_status *st)
{
	struct buf		 s = BUF_INIT;
	struct exec_result	 res = EXEC_RESULT_INIT;
	int			 rv = -1;

	buf_adds(&s, "n=");
	shell_quote_buf(&s, w->name);
	buf_adds(&s, "\n");
	accounts_homedir_script(&s, w->home != NULL ? w->home : db->pw.home,
	    w->skeleton);
	if (accounts_exec(ctx, &s, NULL, &res, r) != 0)
		goto out;
	if (res.rc != 0) {
		*st = result_fail(r, "cannot create home directory: %.*s",
		    (int)res.err.len, res.err.s != NULL ? res.err.s : "");
		goto out;
	}
	rv = 0;
out:
	buf_release(&s);
	exec_result_release(&res);
	return rv;
}

/*
 * Password ageing through chage, last as Ansible's set_password_expire;
 * db is the shadow entry read before the task (none for a new user).
 */
static int
user_chage(struct task_ctx *ctx, const struct accounts_user_want *w,
    const struct accounts_db *db, struct result *r, int *changed,
    enum mod_status *st)
{
	struct accounts_argv	 a = { NULL, 0 };
	struct buf		 s = BUF_INIT;
	struct exec_result	 res = EXEC_RESULT_INIT;
	char			*line;
	int			 rv = -1;

	accounts_chage(w, db, &a);
	if (a.n == 0) {
		rv = 0;
		goto out;
	}
	*changed = 1;
	if (ctx_check_mode(ctx)) {
		rv = 0;
		goto out;
	}
	line = accounts_argv_line(&a, 0);
	buf_adds(&s, line);
	free(line);
	if (accounts_exec(ctx, &s, NULL, &res, r) != 0)
		goto out;
	if (res.rc != 0) {
		*st = accounts_cmd_failed(r, &a, &res);
		goto out;
	}
	rv = 0;
out:
	accounts_argv_release(&a);
	exec_result_release(&res);
	buf_release(&s);
	return rv;
}

static enum mod_status
user_run(struct task_ctx *ctx, const struct mod_args *args, struct result *r)
{
	struct accounts_user_want w;
	struct accounts_db	 db, now;
	struct accounts_argv	 a = { NULL, 0 };
	struct buf		 s = BUF_INIT;
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct value		*before = NULL, *after = NULL;
	char			*cause = NULL;
	int			 check = ctx_check_mode(ctx), changed = 0;
	int			 exists, home_missing;
	enum mod_status		 st = MOD_FAILED;

	user_want(args, &w);
	result_setstr(r, "name", w.name);
	result_setstr(r, "state", args_str(args, "state"));
	if (strcmp(args_str(args, "state"), "absent") == 0) {
		st = user_absent(ctx, &w, r);
		user_want_release(&w);
		return st;
	}

	accounts_read_script(&s, w.name, NULL, 1, w.home);
	if (accounts_exec(ctx, &s, NULL, &res, r) != 0)
		goto out;
	if (accounts_read_db(r, &res, &db, w.name, 0) != 0)
		goto out;
	exec_result_release(&res);
	exists = db.has_user;
	if (exists) {
		if (accounts_usermod(&w, &db, &a, &cause) != 0)
			goto fail_db;
	} else if (accounts_useradd(&w, &db, &a, &cause) != 0) {
		/* Ansible predicts a new user without checking its groups. */
		if (!check)
			goto fail_db;
		free(cause);
		cause = NULL;
		accounts_argv_add(&a, "useradd");
	}
	if (ctx_diff_mode(ctx)) {
		before = accounts_view(&db, w.name);
		after = accounts_view_after(&w, &db, 1);
	}
	home_missing = w.create_home && !db.path_exists &&
	    !(exists && accounts_argv_has(&a, "-m"));

	if (a.n > 0)
		changed = 1;
	if (a.n > 0 && !check) {
		/* The command, then the state it left, in one round trip. */
		char	*pw = accounts_password_input(&a, w.name);
		int	 rc;

		accounts_change_script(&s, &w, &a, exists);
		accounts_read_script(&s, w.name, NULL, 0, NULL);
		rc = accounts_exec(ctx, &s, pw, &res, r);
		if (pw != NULL) {
			explicit_bzero(pw, strlen(pw));
			free(pw);
		}
		if (rc != 0)
			goto out_db;
		if (res.rc != 0) {
			st = accounts_cmd_failed(r, &a, &res);
			goto out_db;
		}
		if (accounts_read_db(r, &res, &now, w.name, 1) != 0)
			goto out_db;
		exec_result_release(&res);
		home_missing = w.create_home && !now.path_exists;
		/* Keep the groups of the first read for the diff. */
		accounts_passwd_release(&db.pw);
		db.pw = now.pw;
		memset(&now.pw, 0, sizeof now.pw);
		accounts_db_release(&now);
	}
	user_report_args(r, &w, exists);
	if (!exists && check)
		goto done;
	user_report_db(r, &w, &db);
	if (home_missing) {
		changed = 1;
		if (!check && user_make_home(ctx, &w, &db, r, &st) != 0)
			goto out_db;
	}
	if (args_bool(args, "generate_ssh_key", 0)) {
		int	kc = 0;

		if (accounts_sshkey(ctx, args, &db, r, &kc) != 0)
			goto out_db;
		changed |= kc;
	}
	if (user_chage(ctx, &w, &db, r, &changed, &st) != 0)
		goto out_db;
done:
	if (before != NULL && changed && !value_equal(before, after))
		result_diff_dict(r, before, after);
	st = changed ? MOD_CHANGED : MOD_OK;
	goto out_db;

fail_db:
	st = result_fail(r, "%s", cause);
	free(cause);
out_db:
	accounts_db_release(&db);
out:
	value_unref(before);
	value_unref(after);
	accounts_argv_release(&a);
	exec_result_release(&res);
	buf_release(&s);
	user_want_release(&w);
	return st;
}

const struct module_entry module_user = {
	.name = "user",
	.aliases = user_aliases,
	.params = user_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_SUPPORTS_DIFF,
	.validate = user_validate,
	.run = user_run,
};
