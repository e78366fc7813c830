/*
 * postgresql_db: creates, changes, drops, renames, dumps and restores
 * PostgreSQL databases (community.postgresql.postgresql_db) with psql,
 * pg_dump and pg_restore on the target, connected to maintenance_db.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

static const char *const postgresql_db_aliases[] = {
	"community.postgresql.postgresql_db", NULL
};
static const char *const name_aliases[] = { "db", NULL };
static const char *const state_choices[] = {
	"absent", "dump", "present", "rename", "restore", NULL
};

static const struct mod_param postgresql_db_params[] = {
	DB_PG_COMMON_PARAMS,
	{ "name", P_STR, P_REQUIRED, NULL, NULL, name_aliases },
	{ "owner", P_STR, 0, "", NULL, NULL },
	{ "template", P_STR, 0, "", NULL, NULL },
	{ "encoding", P_STR, 0, "", NULL, NULL },
	{ "lc_collate", P_STR, 0, "", NULL, NULL },
	{ "lc_ctype", P_STR, 0, "", NULL, NULL },
	{ "state", P_STR, 0, "present", state_choices, NULL },
	{ "target", P_PATH, 0, "", NULL, NULL },
	{ "target_opts", P_STR, 0, "", NULL, NULL },
	{ "maintenance_db", P_STR, 0, "postgres", NULL, NULL },
	{ "conn_limit", P_STR, 0, "", NULL, NULL },
	{ "tablespace", P_PATH, 0, "", NULL, NULL },
	{ "dump_extra_args", P_STR, 0, NULL, NULL, NULL },
	{ "force", P_BOOL, 0, "no", NULL, NULL },
	{ NULL }
};

/* What get_db_info returns, plus the wanted encoding's id. */
enum { I_OWNER, I_ENCODING, I_ENCODING_ID, I_COLLATE, I_CTYPE, I_CONNLIMIT,
	I_TABLESPACE, I_WANT_ENCODING_ID };

struct pgdb {
	struct task_ctx		*ctx;
	struct db_login		 l;
	struct value		*cmds;		/* executed_commands */
};

static const char *
opt(const struct mod_args *args, const char *name)
{
	const char	*s = args_str(args, name);

	return s != NULL && *s != '\0' ? s : NULL;
}

static int
pgdb_query(struct pgdb *p, const char *sql, struct db_rows *rows,
    char **cause)
{
	return db_query(p->ctx, &p->l, sql, rows, cause);
}

/* Runs one statement and records it in executed_commands. */
static int
pgdb_exec(struct pgdb *p, const char *sql, char **cause)
{
	value_list_append(p->cmds, value_str(sql));
	return pgdb_query(p, sql, NULL, cause);
}

/* The database's info row (0 rows: it does not exist). */
static int
pgdb_info(struct pgdb *p, const char *db, const char *encoding,
    struct db_rows *rows, char **cause)
{
	struct buf	q = BUF_INIT;
	int		r;

	buf_adds(&q, "SELECT rolname, pg_encoding_to_char(encoding), "
	    "encoding, datcollate, datctype, datconnlimit, spcname, "
	    "pg_char_to_encoding(");
	pg_quote_literal(&q, encoding != NULL ? encoding : "");
	buf_adds(&q, ") FROM pg_database JOIN pg_roles ON pg_roles.oid = "
	    "pg_database.datdba JOIN pg_tablespace ON pg_tablespace.oid = "
	    "pg_database.dattablespace WHERE datname = ");
	pg_quote_literal(&q, db);
	r = pgdb_query(p, buf_cstr(&q), rows, cause);
	buf_release(&q);
	return r;
}

static int
is_int(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++) {
		if (!isdigit((unsigned char)*s))
			return 0;
	}
	return 1;
}

/*
 * db_create and db_matches in one: with apply 0, 1 when something would
 * change; with apply, makes the changes.  -1 and *cause on failure
 * (NotSupportedError's messages when encoding or locale differ).
 */
static int
pgdb_present(struct pgdb *p, const struct mod_args *args, const char *db,
    int apply, char **cause)
{
	struct db_rows	 rows = DB_ROWS_INIT;
	struct buf	 q = BUF_INIT;
	const char	*owner = opt(args, "owner"), *tmpl = opt(args, "template");
	const char	*enc = opt(args, "encoding");
	const char	*collate = opt(args, "lc_collate");
	const char	*ctype = opt(args, "lc_ctype");
	const char	*limit = opt(args, "conn_limit");
	const char	*space = opt(args, "tablespace");
	int		 rv = -1, changed = 0;

	if (limit != NULL && !is_int(limit)) {
		*cause = xasprintf("conn_limit must be an integer, got '%s'",
		    limit);
		return -1;
	}
	if (pgdb_info(p, db, enc, &rows, cause) != 0)
		goto out;
	if (rows.n == 0) {
		if (!apply) {
			rv = 1;
			goto out;
		}
		buf_adds(&q, "CREATE DATABASE ");
		pg_quote_ident(&q, db);
		if (owner != NULL) {
			buf_adds(&q, " OWNER ");
			pg_quote_ident(&q, owner);
		}
		if (tmpl != NULL) {
			buf_adds(&q, " TEMPLATE ");
			pg_quote_ident(&q, tmpl);
		}
		if (enc != NULL) {
			buf_adds(&q, " ENCODING ");
			pg_quote_literal(&q, enc);
		}
		if (collate != NULL) {
			buf_adds(&q, " LC_COLLATE ");
			pg_quote_literal(&q, collate);
		}
		if (ctype != NULL) {
			buf_adds(&q, " LC_CTYPE ");
			pg_quote_literal(&q, ctype);
		}
		if (space != NULL) {
			buf_adds(&q, " TABLESPACE ");
			pg_quote_ident(&q, space);
		}
		if (limit != NULL)
			buf_addf(&q, " CONNECTION LIMIT %s", limit);
		if (pgdb_exec(p, buf_cstr(&q), cause) != 0)
			goto out;
		rv = 1;
		goto out;
	}
	if (enc != NULL && strcmp(db_rows_get(&rows, 0, I_WANT_ENCODING_ID),
	    db_rows_get(&rows, 0, I_ENCODING_ID)) != 0) {
		if (!apply) {
			rv = 1;
			goto out;
		}
		*cause = xasprintf("Changing database encoding is not "
		    "supported. Current encoding: %s",
		    db_rows_get(&rows, 0, I_ENCODING));
		goto out;
	}
	if (collate != NULL && strcmp(collate,
	    db_rows_get(&rows, 0, I_COLLATE)) != 0) {
		if (!apply) {
			rv = 1;
			goto out;
		}
		*cause = xasprintf("Changing LC_COLLATE is not supported. "
		    "Current LC_COLLATE: %s", db_rows_get(&rows, 0, I_COLLATE));
		goto out;
	}
	if (ctype != NULL && strcmp(ctype, db_rows_get(&rows, 0, I_CTYPE)) !=
	    0) {
		if (!apply) {
			rv = 1;
			goto out;
		}
		*cause = xasprintf("Changing LC_CTYPE is not supported."
		    "Current LC_CTYPE: %s", db_rows_get(&rows, 0, I_CTYPE));
		goto out;
	}
	if (owner != NULL && strcmp(owner, db_rows_get(&rows, 0, I_OWNER)) !=
	    0) {
		changed = 1;
		buf_reset(&q);
		buf_adds(&q, "ALTER DATABASE ");
		pg_quote_ident(&q, db);
		buf_adds(&q, " OWNER TO ");
		pg_quote_ident(&q, owner);
		if (apply && pgdb_exec(p, buf_cstr(&q), cause) != 0)
			goto out;
	}
	if (limit != NULL && strcmp(limit,
	    db_rows_get(&rows, 0, I_CONNLIMIT)) != 0) {
		changed = 1;
		buf_reset(&q);
		buf_adds(&q, "ALTER DATABASE ");
		pg_quote_ident(&q, db);
		buf_addf(&q, " CONNECTION LIMIT %s", limit);
		if (apply && pgdb_exec(p, buf_cstr(&q), cause) != 0)
			goto out;
	}
	if (space != NULL && strcmp(space,
	    db_rows_get(&rows, 0, I_TABLESPACE)) != 0) {
		changed = 1;
		buf_reset(&q);
		buf_adds(&q, "ALTER DATABASE ");
		pg_quote_ident(&q, db);
		buf_adds(&q, " SET TABLESPACE ");
		pg_quote_ident(&q, space);
		if (apply && pgdb_exec(p, buf_cstr(&q), cause) != 0)
			goto out;
	}
	rv = changed;
out:
	buf_release(&q);
	db_rows_release(&rows);
	return rv;
}

static int
pgdb_exists(struct pgdb *p, const char *db, int *exists, char **cause)
{
	struct db_rows	 rows = DB_ROWS_INIT;
	struct buf	 q = BUF_INIT;
	int		 r;

	buf_adds(&q, "SELECT 1 FROM pg_database WHERE datname = ");
	pg_quote_literal(&q, db);
	r = pgdb_query(p, buf_cstr(&q), &rows, cause);
	*exists = rows.n == 1;
	buf_release(&q);
	db_rows_release(&rows);
	return r;
}

/* ext of Ansible's os.path.splitext(target)[-1]. */
static int
ext_is(const char *target, const char *ext)
{
	return str_endswith(target, ext);
}

/* pg_dump or the restore into db: changed, or failed with its stderr. */
static enum mod_status
pgdb_dump_restore(struct pgdb *p, const struct mod_args *args,
    const char *db, int dump, struct result *r)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 a = BUF_INIT, pre = BUF_INIT, tail = BUF_INIT;
	const char		*target = args_str(args, "target");
	const char		*topts = opt(args, "target_opts");
	const char		*extra = opt(args, "dump_extra_args");
	const char		*tool, *comp = NULL;
	char			*tdef = NULL, *cause = NULL, *shown = NULL;
	enum mod_status		 st;

	if (target == NULL || *target == '\0')
		target = tdef = xasprintf("%s.sql", db);
	p->l.database = db;
	if (dump) {
		tool = "pg_dump";
		if (ext_is(target, ".tar"))
			buf_adds(&a, " --format=t");
		else if (ext_is(target, ".pgc"))
			buf_adds(&a, " --format=c");
		else if (ext_is(target, ".dir"))
			buf_adds(&a, " --format=d");
		if (ext_is(target, ".gz"))
			comp = "gzip";
		else if (ext_is(target, ".bz2"))
			comp = "bzip2";
		else if (ext_is(target, ".xz"))
			comp = "xz";
		/* shell text by contract, as Ansible's */
		if (extra != NULL)
			buf_addf(&a, " %s", extra);
		if (topts != NULL)
			buf_addf(&a, " %s", topts);
		if (comp != NULL)
			db_pipe_to_file(&pre, &tail, comp, target);
		else if (ext_is(target, ".dir")) {
			buf_adds(&tail, "-f ");
			host_path_word(&tail, target);
		} else {
			buf_adds(&tail, ">");
			host_path_word(&tail, target);
		}
	} else {
		tool = "psql";
		if (ext_is(target, ".sql")) {
			buf_adds(&a, " --file=");
			host_path_word(&a, target);
		} else if (ext_is(target, ".tar") || ext_is(target, ".pgc") ||
		    ext_is(target, ".dir")) {
			tool = "pg_restore";
			buf_adds(&a, ext_is(target, ".tar") ? " --format=Tar" :
			    ext_is(target, ".pgc") ? " --format=Custom" :
			    " --format=Directory");
		} else if (ext_is(target, ".gz"))
			comp = "zcat";
		else if (ext_is(target, ".bz2"))
			comp = "bzcat";
		else if (ext_is(target, ".xz"))
			comp = "xzcat";
		if (topts != NULL)
			buf_addf(&a, " %s", topts);
		if (comp != NULL) {
			buf_addf(&pre, "%s ", comp);
			host_path_word(&pre, target);
			buf_adds(&pre, " |");
		} else if (ext_is(target, ".dir")) {
			host_path_word(&tail, target);
		} else if (!ext_is(target, ".sql")) {
			buf_adds(&tail, "<");
			host_path_word(&tail, target);
		}
	}
	if (db_tool(p->ctx, &p->l, buf_cstr(&pre), tool, buf_cstr(&a),
	    buf_cstr(&tail), &res, &shown, &cause) != 0) {
		st = result_fail(r, "%s", cause);
		goto out;
	}
	value_list_append(p->cmds, value_str(shown));
	result_setint(r, "rc", res.rc);
	result_setstr(r, "cmd", shown);
	result_setstr(r, "stdout", buf_cstr(&res.out));
	result_setstr(r, "stderr", buf_cstr(&res.err));
	if (res.rc != 0) {
		st = result_fail(r, "%s", buf_cstr(&res.err));
		goto out;
	}
	result_setstr(r, "msg", buf_cstr(&res.out));
	result_set(r, "executed_commands", value_ref(p->cmds));
	st = MOD_CHANGED;
out:
	free(tdef);
	free(cause);
	free(shown);
	buf_release(&a);
	buf_release(&pre);
	buf_release(&tail);
	exec_result_release(&res);
	return st;
}

static enum mod_status
postgresql_db_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	struct pgdb	 p;
	struct buf	 q = BUF_INIT;
	const char	*db = args_str(args, "name");
	const char	*state = args_str(args, "state");
	const char	*target = args_str(args, "target");
	const char	*mdb = args_str(args, "maintenance_db");
	char		*cause = NULL;
	enum mod_status	 st = MOD_FAILED;
	int		 check = ctx_check_mode(ctx), ch, src, dst;

	memset(&p, 0, sizeof p);
	p.ctx = ctx;
	p.cmds = value_list();
	db_login_pg(&p.l, args);
	p.l.database = mdb;
	result_setstr(r, "db", db);
	if (strcmp(state, "rename") == 0) {
		if (target == NULL || *target == '\0') {
			st = result_fail(r, "The \"target\" option must be "
			    "defined when the \"rename\" option is used.");
			goto out;
		}
		if (strcmp(db, target) == 0) {
			st = result_fail(r, "The \"name/db\" option and the "
			    "\"target\" option cannot be the same.");
			goto out;
		}
		if (strcmp(mdb, db) == 0) {
			st = result_fail(r, "The \"maintenance_db\" option and "
			    "the \"name/db\" option cannot be the same.");
			goto out;
		}
	}
	if (strcmp(state, "dump") == 0 || strcmp(state, "restore") == 0) {
		if (check) {
			/* Ansible's check branch reports them unchanged */
			result_set(r, "executed_commands", value_ref(p.cmds));
			st = MOD_OK;
			goto out;
		}
		st = pgdb_dump_restore(&p, args, db, strcmp(state, "dump") == 0,
		    r);
		goto out;
	}
	if (strcmp(state, "absent") == 0) {
		if (pgdb_exists(&p, db, &src, &cause) != 0)
			goto failq;
		if (src && !check) {
			buf_adds(&q, "DROP DATABASE ");
			pg_quote_ident(&q, db);
			if (args_bool(args, "force", 0))
				buf_adds(&q, " WITH (FORCE)");
			if (pgdb_exec(&p, buf_cstr(&q), &cause) != 0)
				goto failq;
		}
		st = src ? MOD_CHANGED : MOD_OK;
	} else if (strcmp(state, "present") == 0) {
		if ((ch = pgdb_present(&p, args, db, !check, &cause)) < 0) {
			st = result_fail(r, "%s", cause);
			goto out;
		}
		st = ch ? MOD_CHANGED : MOD_OK;
	} else {
		if (pgdb_exists(&p, db, &src, &cause) != 0 ||
		    pgdb_exists(&p, target, &dst, &cause) != 0)
			goto failq;
		if (src && dst) {
			st = result_fail(r, "Both the source and the target "
			    "databases exist.");
			goto out;
		}
		if (!src && !dst) {
			st = result_fail(r, "The source and the target "
			    "databases do not exist.");
			goto out;
		}
		if (src && !check) {
			buf_adds(&q, "ALTER DATABASE ");
			pg_quote_ident(&q, db);
			buf_adds(&q, " RENAME TO ");
			pg_quote_ident(&q, target);
			if (pgdb_exec(&p, buf_cstr(&q), &cause) != 0)
				goto failq;
		}
		st = src ? MOD_CHANGED : MOD_OK;
	}
	result_set(r, "executed_commands", value_ref(p.cmds));
	goto out;
failq:
	st = result_fail(r, "Database query failed: %s", cause);
out:
	free(cause);
	buf_release(&q);
	value_unref(p.cmds);
	return st;
}

const struct module_entry module_postgresql_db = {
	.name = "postgresql_db",
	.aliases = postgresql_db_aliases,
	.params = postgresql_db_params,
	.flags = MOD_SUPPORTS_CHECK,
	.run = postgresql_db_run,
};
