/*
 * mysql_db: creates, drops, dumps and imports MySQL/MariaDB databases
 * (community.mysql.mysql_db) with the mysql and mysqldump clients on the
 * target.
 */
#include <stdlib.h>
#include <string.h>

#include "db.h"

static const char *const mysql_db_aliases[] = {
	"community.mysql.mysql_db", NULL
};
static const char *const name_aliases[] = { "db", NULL };
static const char *const state_choices[] = {
	"absent", "dump", "import", "present", NULL
};
static const char *const master_data_choices[] = { "0", "1", "2", NULL };

static const struct mod_param mysql_db_params[] = {
	DB_MYSQL_COMMON_PARAMS,
	{ "name", P_LIST, P_REQUIRED, NULL, NULL, name_aliases },
	{ "encoding", P_STR, 0, "", NULL, NULL },
	{ "collation", P_STR, 0, "", NULL, NULL },
	{ "target", P_PATH, 0, NULL, NULL, NULL },
	{ "state", P_STR, 0, "present", state_choices, NULL },
	{ "single_transaction", P_BOOL, 0, "no", NULL, NULL },
	{ "quick", P_BOOL, 0, "yes", NULL, NULL },
	{ "ignore_tables", P_LIST, 0, NULL, NULL, NULL },
	{ "hex_blob", P_BOOL, 0, "no", NULL, NULL },
	{ "force", P_BOOL, 0, "no", NULL, NULL },
	{ "master_data", P_INT, 0, "0", master_data_choices, NULL },
	{ "skip_lock_tables", P_BOOL, 0, "no", NULL, NULL },
	{ "dump_extra_args", P_STR, 0, NULL, NULL, NULL },
	{ "use_shell", P_BOOL, 0, "no", NULL, NULL },
	{ "unsafe_login_password", P_BOOL, P_SECRET, "no", NULL, NULL },
	{ "restrict_config_file", P_BOOL, 0, "no", NULL, NULL },
	{ "config_overrides_defaults", P_BOOL, 0, "no", NULL, NULL },
	{ "chdir", P_PATH, 0, NULL, NULL, NULL },
	{ "pipefail", P_BOOL, 0, "no", NULL, NULL },
	{ NULL }
};

/* The compression tool Ansible picks from the target's extension. */
static const char *
mysql_db_compressor(const char *target)
{
	if (str_endswith(target, ".gz"))
		return "gzip";
	if (str_endswith(target, ".bz2"))
		return "bzip2";
	if (str_endswith(target, ".xz"))
		return "xz";
	return NULL;
}

/* --force and --default-character-set, for both tools. */
static void
mysql_db_common_args(struct buf *a, const struct mod_args *args)
{
	const char	*enc = args_str(args, "encoding");
	char		*w;

	if (args_bool(args, "force", 0))
		buf_adds(a, " --force");
	if (enc != NULL && *enc != '\0') {
		w = xasprintf("--default-character-set=%s", enc);
		buf_addc(a, ' ');
		shell_quote_buf(a, w);
		free(w);
	}
}

/* The arguments of a dump: what to dump and how, then the file. */
static void
mysql_db_dump_args(const struct mod_args *args, struct value *names, int all,
    struct buf *a, struct buf *pre, struct buf *tail)
{
	const char	*target = args_str(args, "target");
	const char	*comp = mysql_db_compressor(target);
	const char	*extra = args_str(args, "dump_extra_args");
	struct value	*ign = args_get(args, "ignore_tables");
	char		*w;
	size_t		 i;
	long long	 md;

	if (all)
		buf_adds(a, "--all-databases");
	else if (value_len(names) > 1) {
		buf_adds(a, "--databases");
		for (i = 0; i < value_len(names); i++) {
			buf_addc(a, ' ');
			shell_quote_buf(a, names->u.list.items[i]->u.str.s);
		}
	} else
		shell_quote_buf(a, names->u.list.items[0]->u.str.s);
	if (args_bool(args, "skip_lock_tables", 0))
		buf_adds(a, " --skip-lock-tables");
	mysql_db_common_args(a, args);
	if (args_bool(args, "single_transaction", 0))
		buf_adds(a, " --single-transaction=true");
	if (args_bool(args, "quick", 1))
		buf_adds(a, " --quick");
	for (i = 0; ign != NULL && i < value_len(ign); i++) {
		w = xasprintf("--ignore-table=%s",
		    ign->u.list.items[i]->u.str.s);
		buf_addc(a, ' ');
		shell_quote_buf(a, w);
		free(w);
	}
	if (args_bool(args, "hex_blob", 0))
		buf_adds(a, " --hex-blob");
	if ((md = args_int(args, "master_data", 0)) != 0)
		buf_addf(a, " --master-data=%lld", md);
	/* dump_extra_args is shell text by contract, as Ansible's */
	if (extra != NULL)
		buf_addf(a, " %s", extra);
	if (comp != NULL)
		db_pipe_to_file(pre, tail, comp, target);
	else {
		buf_adds(tail, ">");
		host_path_word(tail, target);
	}
}

/* The arguments of an import: into which database, from the file. */
static void
mysql_db_import_args(const struct mod_args *args, const char *name, int all,
    struct buf *a, struct buf *pre, struct buf *tail)
{
	const char	*target = args_str(args, "target");
	const char	*comp = mysql_db_compressor(target);

	mysql_db_common_args(a, args);
	if (!all) {
		buf_adds(a, " --one-database ");
		shell_quote_buf(a, name);
	}
	if (comp != NULL) {
		buf_addf(pre, "%s -dc ", comp);
		host_path_word(pre, target);
		buf_adds(pre, " |");
	} else {
		buf_adds(tail, "<");
		host_path_word(tail, target);
	}
}

/* state=dump with mysqldump, or state=import with mysql. */
static enum mod_status
mysql_db_transfer(struct task_ctx *ctx, const struct db_login *l,
    const struct mod_args *args, struct value *names, int all, int dump,
    struct value *cmds, struct result *r)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 a = BUF_INIT, pre = BUF_INIT, tail = BUF_INIT;
	char			*cause = NULL, *shown = NULL;
	enum mod_status		 st;

	if (dump)
		mysql_db_dump_args(args, names, all, &a, &pre, &tail);
	else
		mysql_db_import_args(args, names->u.list.items[0]->u.str.s,
		    all, &a, &pre, &tail);
	if (db_tool(ctx, l, buf_cstr(&pre), dump ? "mysqldump" : "mysql",
	    buf_cstr(&a), buf_cstr(&tail), &res, &shown, &cause) != 0) {
		st = result_fail(r, "%s", cause);
		goto out;
	}
	value_list_append(cmds, value_str(shown));
	if (res.rc != 0) {
		st = result_fail(r, "%s", buf_cstr(&res.err));
		goto out;
	}
	result_setstr(r, "msg", buf_cstr(&res.out));
	st = MOD_CHANGED;
out:
	free(cause);
	free(shown);
	buf_release(&a);
	buf_release(&pre);
	buf_release(&tail);
	exec_result_release(&res);
	return st;
}

/* CREATE DATABASE for each name of list, recorded in cmds. */
static int
mysql_db_create(struct task_ctx *ctx, const struct db_login *l,
    const struct mod_args *args, struct value *list, struct value *cmds,
    char **cause)
{
	const char	*enc = args_str(args, "encoding");
	const char	*coll = args_str(args, "collation");
	struct buf	 q = BUF_INIT, all = BUF_INIT;
	size_t		 i;
	int		 rv;

	for (i = 0; i < value_len(list); i++) {
		buf_reset(&q);
		buf_adds(&q, "CREATE DATABASE ");
		mysql_quote_ident(&q, list->u.list.items[i]->u.str.s);
		if (enc != NULL && *enc != '\0') {
			buf_adds(&q, " CHARACTER SET ");
			mysql_quote_literal(&q, enc);
		}
		if (coll != NULL && *coll != '\0') {
			buf_adds(&q, " COLLATE ");
			mysql_quote_literal(&q, coll);
		}
		value_list_append(cmds, value_str(buf_cstr(&q)));
		buf_addf(&all, "%s;\n", buf_cstr(&q));
	}
	rv = db_query(ctx, l, buf_cstr(&all), NULL, cause);
	buf_release(&q);
	buf_release(&all);
	return rv;
}

/*
 * Connects with root and no password first when check_implicit_admin
 * asks for it, then with the login; the first query tells which
 * databases of names exist.  0, or -1 and the task failed.
 */
static int
mysql_db_connect(struct task_ctx *ctx, const struct mod_args *args,
    struct db_login *l, struct value *names, struct value *exist,
    struct value *missing, struct result *r)
{
	struct db_rows	 rows = DB_ROWS_INIT;
	struct buf	 q = BUF_INIT;
	struct db_login	 root;
	char		*cause = NULL, *msg;
	size_t		 i, j;
	int		 found, rv = -1;

	buf_adds(&q, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA "
	    "WHERE SCHEMA_NAME IN (''");
	for (i = 0; i < value_len(names); i++) {
		buf_addc(&q, ',');
		mysql_quote_literal(&q, names->u.list.items[i]->u.str.s);
	}
	buf_adds(&q, ")");
	if (args_bool(args, "check_implicit_admin", 0)) {
		root = *l;
		root.user = "root";
		root.password = "";
		if (db_query(ctx, &root, buf_cstr(&q), &rows, &cause) == 0) {
			*l = root;
			goto found;
		}
		free(cause);
		cause = NULL;
		db_rows_release(&rows);
	}
	if (db_query(ctx, l, buf_cstr(&q), &rows, &cause) != 0) {
		msg = db_mysql_connect_msg(l, cause);
		result_fail(r, "%s", msg);
		free(msg);
		goto out;
	}
found:
	for (i = 0; i < value_len(names); i++) {
		const char *n = names->u.list.items[i]->u.str.s;

		for (found = 0, j = 0; j < rows.n && !found; j++)
			found = strcmp(db_rows_get(&rows, j, 0), n) == 0;
		value_list_append(found ? exist : missing, value_str(n));
	}
	rv = 0;
out:
	free(cause);
	buf_release(&q);
	db_rows_release(&rows);
	return rv;
}

static enum mod_status
mysql_db_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	struct value		*given = args_get(args, "name"), *names;
	struct value		*exist = value_list(), *missing = value_list();
	struct value		*cmds = value_list(), *ign;
	struct value		*none = value_list();
	const char		*state = args_str(args, "state");
	const char		*target = args_str(args, "target");
	struct db_login		 l;
	struct buf		 joined = BUF_INIT, q = BUF_INIT;
	struct host_stat	 hs;
	char			*cause = NULL, *s;
	enum mod_status		 st = MOD_FAILED;
	long long		 port = args_int(args, "login_port", 3306);
	int			 all = 0, dump = 0;
	size_t			 i;

	names = value_list();
	for (i = 0; i < value_len(given); i++) {
		s = value_to_string(given->u.list.items[i]);
		value_list_append(names, value_str(str_trim(s)));
		buf_addf(&joined, "%s%s", i > 0 ? " " : "", str_trim(s));
		free(s);
	}
	result_setstr(r, "db", buf_cstr(&joined));
	result_set(r, "db_list", value_ref(names));
	if (value_len(names) == 0) {
		st = MOD_OK;
		goto out;
	}
	if (port < 0 || port > 65535) {
		st = result_fail(r, "login_port must be a valid unix port "
		    "number (0-65535)");
		goto out;
	}
	ign = args_get(args, "ignore_tables");
	for (i = 0; ign != NULL && i < value_len(ign); i++) {
		if (value_len(ign->u.list.items[i]) == 0) {
			st = result_fail(r, "Name of ignored table cannot be "
			    "empty");
			goto out;
		}
	}
	if (value_len(names) > 1 && strcmp(state, "import") == 0) {
		st = result_fail(r, "Multiple databases are not supported "
		    "with state=import");
		goto out;
	}
	dump = strcmp(state, "dump") == 0 || strcmp(state, "import") == 0;
	if (value_len(names) == 1 &&
	    strcmp(names->u.list.items[0]->u.str.s, "all") == 0) {
		if (!dump) {
			st = result_fail(r, "name is not allowed to equal "
			    "'all' unless state equals import, or dump.");
			goto out;
		}
		all = 1;
	}
	if (dump && target == NULL) {
		st = result_fail(r, "with state=%s target is required", state);
		goto out;
	}
	db_login_mysql(&l, args);
	l.chdir = args_str(args, "chdir");
	if (mysql_db_connect(ctx, args, &l, all ? none : names,
	    exist, missing, r) != 0)
		goto out;

	if (strcmp(state, "absent") == 0) {
		if (value_len(exist) == 0)
			st = MOD_OK;
		else if (ctx_check_mode(ctx))
			st = MOD_CHANGED;
		else {
			for (i = 0; i < value_len(exist); i++) {
				buf_reset(&joined);
				buf_adds(&joined, "DROP DATABASE ");
				mysql_quote_ident(&joined,
				    exist->u.list.items[i]->u.str.s);
				value_list_append(cmds,
				    value_str(buf_cstr(&joined)));
				buf_addf(&q, "%s;\n", buf_cstr(&joined));
			}
			if (db_query(ctx, &l, buf_cstr(&q), NULL,
			    &cause) != 0) {
				st = result_fail(r, "error deleting database: "
				    "%s", cause);
				goto out;
			}
			st = MOD_CHANGED;
		}
	} else if (strcmp(state, "present") == 0) {
		if (value_len(missing) == 0)
			st = MOD_OK;
		else if (ctx_check_mode(ctx))
			st = MOD_CHANGED;
		else if (mysql_db_create(ctx, &l, args, missing, cmds,
		    &cause) != 0) {
			st = result_fail(r, "error creating database: %s",
			    cause);
			goto out;
		} else
			st = MOD_CHANGED;
	} else if (strcmp(state, "dump") == 0) {
		if (value_len(missing) > 0 && !all) {
			for (buf_reset(&q), i = 0; i < value_len(missing); i++)
				buf_addf(&q, "%s%s", i > 0 ? ", " : "",
				    missing->u.list.items[i]->u.str.s);
			st = result_fail(r, "Cannot dump database(s) '%s' - "
			    "not found", buf_cstr(&q));
			goto out;
		}
		if (ctx_check_mode(ctx)) {
			st = MOD_CHANGED;
			goto out;
		}
		st = mysql_db_transfer(ctx, &l, args, names, all, 1, cmds, r);
	} else {
		if (ctx_check_mode(ctx)) {
			st = MOD_CHANGED;
			goto out;
		}
		if (host_stat(ctx, target, STAT_FOLLOW, &hs, &cause) != 0) {
			st = result_fail(r, "%s", cause);
			goto out;
		}
		if (hs.type == FT_NONE) {
			st = result_fail(r, "target %s does not exist on the "
			    "host", target);
			goto out;
		}
		if (!all && value_len(missing) > 0 && mysql_db_create(ctx, &l,
		    args, missing, cmds, &cause) != 0) {
			st = result_fail(r, "error creating database: %s",
			    cause);
			goto out;
		}
		st = mysql_db_transfer(ctx, &l, args, names, all, 0, cmds, r);
	}
	if (st != MOD_FAILED && !ctx_check_mode(ctx))
		result_set(r, "executed_commands", value_ref(cmds));
out:
	free(cause);
	buf_release(&joined);
	buf_release(&q);
	value_unref(names);
	value_unref(exist);
	value_unref(missing);
	value_unref(cmds);
	value_unref(none);
	return st;
}

const struct module_entry module_mysql_db = {
	.name = "mysql_db",
	.aliases = mysql_db_aliases,
	.params = mysql_db_params,
	.flags = MOD_SUPPORTS_CHECK,
	.run = mysql_db_run,
};
