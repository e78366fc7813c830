/*
 * postgresql_user: adds, changes and removes PostgreSQL roles, their
 * passwords (md5 or SCRAM-SHA-256 as the server stores them), attribute
 * flags, expiry, connection limit, comment, group memberships and the
 * deprecated priv string (community.postgresql.postgresql_user), through
 * psql on the target.  Reads first, decides, then runs the changes in one
 * transaction; check mode stops after deciding.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

static const char *const postgresql_user_aliases[] = {
	"community.postgresql.postgresql_user", NULL
};
static const char *const name_aliases[] = { "user", NULL };
static const char *const db_aliases[] = { "login_db", NULL };
static const char *const fail_aliases[] = { "fail_on_role", NULL };
static const char *const state_choices[] = { "absent", "present", NULL };

static const struct mod_param postgresql_user_params[] = {
	DB_PG_COMMON_PARAMS,
	{ "name", P_STR, P_REQUIRED, NULL, NULL, name_aliases },
	{ "password", P_STR, P_SECRET, NULL, NULL, NULL },
	{ "state", P_STR, 0, "present", state_choices, NULL },
	{ "priv", P_STR, 0, NULL, NULL, NULL },
	{ "db", P_STR, 0, "", NULL, db_aliases },
	{ "fail_on_user", P_BOOL, 0, "yes", NULL, fail_aliases },
	{ "role_attr_flags", P_STR, 0, "", NULL, NULL },
	{ "encrypted", P_BOOL, 0, "yes", NULL, NULL },
	{ "no_password_changes", P_BOOL, 0, "no", NULL, NULL },
	{ "expires", P_STR, 0, NULL, NULL, NULL },
	{ "conn_limit", P_INT, 0, NULL, NULL, NULL },
	{ "groups", P_LIST, 0, NULL, NULL, NULL },
	{ "comment", P_STR, 0, NULL, NULL, NULL },
	{ NULL }
};

static const char *const table_privs[] = {
	"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES",
	"TRIGGER", NULL
};
static const char *const database_privs[] = {
	"CREATE", "CONNECT", "TEMPORARY", NULL
};

struct pgu {
	struct task_ctx		*ctx;
	struct db_login		 l;
	const char		*user;
	struct buf		 todo;		/* the changes, run at the end */
	struct value		*queries;
};

static int
pgu_query(struct pgu *u, const char *sql, struct db_rows *rows,
    char **cause)
{
	return db_query(u->ctx, &u->l, sql, rows, cause);
}

/* A change: sql to run, shown as Ansible's queries list shows it. */
static void
pgu_do(struct pgu *u, const char *sql, const char *shown)
{
	buf_addf(&u->todo, "%s;\n", sql);
	value_list_append(u->queries, value_str(shown != NULL ? shown : sql));
}

/* WITH ENCRYPTED PASSWORD 'x', and its shown form. */
static void
pgu_password_sql(struct buf *q, struct buf *shown, const char *password,
    int encrypted)
{
	const char	*crypt = encrypted ? "ENCRYPTED" : "UNENCRYPTED";

	buf_addf(q, " WITH %s PASSWORD ", crypt);
	pg_quote_literal(q, password);
	buf_addf(shown, " WITH %s PASSWORD %%(password)s", crypt);
}

static void
pgu_tail_sql(struct buf *q, struct buf *shown, const char *expires,
    const struct mod_args *args)
{
	if (expires != NULL) {
		buf_adds(q, " VALID UNTIL ");
		pg_quote_literal(q, expires);
		buf_adds(shown, " VALID UNTIL %(expires)s");
	}
	if (args_has(args, "conn_limit")) {
		buf_addf(q, " CONNECTION LIMIT %lld",
		    args_int(args, "conn_limit", -1));
		buf_addf(shown, " CONNECTION LIMIT %lld",
		    args_int(args, "conn_limit", -1));
	}
}

/* user_add */
static void
pgu_add(struct pgu *u, const struct mod_args *args, const char *flags)
{
	struct buf	 q = BUF_INIT, shown = BUF_INIT;
	const char	*password = args_str(args, "password");
	const char	*expires = args_str(args, "expires");

	buf_adds(&q, "CREATE USER ");
	pg_quote_ident(&q, u->user);
	buf_add(&shown, q.s, q.len);
	if (password != NULL && *password != '\0')
		pgu_password_sql(&q, &shown, password,
		    args_bool(args, "encrypted", 1));
	pgu_tail_sql(&q, &shown, expires, args);
	buf_addf(&q, " %s", flags);
	buf_addf(&shown, " %s", flags);
	pgu_do(u, buf_cstr(&q), buf_cstr(&shown));
	buf_release(&q);
	buf_release(&shown);
}

/* user_alter: 1 when something changes, -1 and *cause on failure. */
static int
pgu_alter(struct pgu *u, const struct mod_args *args, const char *flags,
    char **cause)
{
	struct db_rows	 rows = DB_ROWS_INIT;
	struct buf	 q = BUF_INIT, shown = BUF_INIT;
	const char	*password = args_str(args, "password");
	const char	*expires = args_str(args, "expires");
	const char	*cur_pw, *cur_lim, *cur_flags[PG_NROLE_FLAGS];
	int		 encrypted = args_bool(args, "encrypted", 1);
	int		 nopw = args_bool(args, "no_password_changes", 0);
	int		 pwch, flch, exch, lich, rv = -1;
	size_t		 i;

	if (strcmp(u->user, "PUBLIC") == 0) {
		if (password != NULL) {
			*cause = xstrdup("cannot change the password for "
			    "PUBLIC user");
			return -1;
		}
		if (*flags != '\0') {
			*cause = xstrdup("cannot change the role_attr_flags "
			    "for PUBLIC user");
			return -1;
		}
		return 0;
	}
	if (!(!nopw && (password != NULL || *flags != '\0' ||
	    expires != NULL || args_has(args, "conn_limit"))) &&
	    !(nopw && *flags != '\0'))
		return 0;
	buf_adds(&q, "SELECT ");
	for (i = 0; i < PG_NROLE_FLAGS; i++)
		buf_addf(&q, "%s, ", pg_role_flags[i][1]);
	buf_adds(&q, "rolconnlimit, rolpassword, ");
	if (expires != NULL) {
		buf_adds(&q, "(");
		pg_quote_literal(&q, expires);
		buf_adds(&q, "::timestamptz IS DISTINCT FROM rolvaliduntil)");
	} else
		buf_adds(&q, "false");
	buf_addf(&q, " FROM %s WHERE rolname = ", nopw ? "pg_roles" :
	    "pg_authid");
	pg_quote_literal(&q, u->user);
	/* pg_roles shows no password: NULL for it is "********" */
	if (pgu_query(u, buf_cstr(&q), &rows, cause) != 0)
		goto out;
	if (rows.n == 0) {
		*cause = xasprintf("Failed to get role details for current "
		    "user %s", u->user);
		goto out;
	}
	cur_pw = db_rows_get(&rows, 0, PG_NROLE_FLAGS + 1);
	if (cur_pw != NULL && *cur_pw == '\0')
		cur_pw = NULL;	/* psql prints NULL as nothing */
	cur_lim = db_rows_get(&rows, 0, PG_NROLE_FLAGS);
	for (i = 0; i < PG_NROLE_FLAGS; i++)
		cur_flags[i] = db_rows_get(&rows, 0, i);
	flch = *flags != '\0' && pg_role_flags_changing(flags, cur_flags);
	buf_reset(&q);
	buf_adds(&q, "ALTER USER ");
	pg_quote_ident(&q, u->user);
	buf_add(&shown, q.s, q.len);
	if (nopw) {
		rv = flch;
		if (flch) {
			buf_addf(&q, " WITH %s", flags);
			buf_addf(&shown, " WITH %s", flags);
			pgu_do(u, buf_cstr(&q), buf_cstr(&shown));
		}
		goto out;
	}
	pwch = pg_password_changing(password, encrypted, u->user, cur_pw);
	exch = expires != NULL && strcmp(db_rows_get(&rows, 0,
	    PG_NROLE_FLAGS + 2), "t") == 0;
	lich = args_has(args, "conn_limit") && (cur_lim == NULL ||
	    atoll(cur_lim) != args_int(args, "conn_limit", -1));
	if (!pwch && !flch && !exch && !lich) {
		rv = 0;
		goto out;
	}
	if (pwch) {
		if (*password != '\0')
			pgu_password_sql(&q, &shown, password, encrypted);
		else {
			buf_adds(&q, " WITH PASSWORD NULL");
			buf_adds(&shown, " WITH PASSWORD NULL");
		}
		buf_addf(&q, " %s", flags);
		buf_addf(&shown, " %s", flags);
	} else if (*flags != '\0') {
		buf_addf(&q, " WITH %s", flags);
		buf_addf(&shown, " WITH %s", flags);
	}
	pgu_tail_sql(&q, &shown, expires, args);
	pgu_do(u, buf_cstr(&q), buf_cstr(&shown));
	rv = 1;
out:
	buf_release(&q);
	buf_release(&shown);
	db_rows_release(&rows);
	return rv;
}

/* The privileges user holds on a table or a database (upper case). */
static int
pgu_held(struct pgu *u, int table, const char *name, char ***v, size_t *n,
    char **cause)
{
	struct db_rows	 rows = DB_ROWS_INIT;
	struct buf	 q = BUF_INIT;
	const char	*dot;
	char		*schema, *tbl;
	size_t		 i;
	int		 r;

	if (table) {
		if ((dot = strchr(name, '.')) != NULL) {
			schema = xstrndup(name, dot - name);
			tbl = xstrdup(dot + 1);
		} else {
			schema = xstrdup("public");
			tbl = xstrdup(name);
		}
		buf_adds(&q, "SELECT privilege_type FROM "
		    "information_schema.role_table_grants WHERE grantee = ");
		pg_quote_literal(&q, u->user);
		buf_adds(&q, " AND table_name = ");
		pg_quote_literal(&q, tbl);
		buf_adds(&q, " AND table_schema = ");
		pg_quote_literal(&q, schema);
		free(schema);
		free(tbl);
	} else {
		buf_adds(&q, "SELECT a.privilege_type FROM pg_database d, "
		    "aclexplode(d.datacl) a JOIN pg_roles r ON r.oid = "
		    "a.grantee WHERE d.datname = ");
		pg_quote_literal(&q, name);
		buf_adds(&q, " AND r.rolname = ");
		pg_quote_literal(&q, u->user);
	}
	r = pgu_query(u, buf_cstr(&q), &rows, cause);
	buf_release(&q);
	for (i = 0; r == 0 && i < rows.n; i++)
		db_strv_add(v, n, db_rows_get(&rows, i, 0));
	db_rows_release(&rows);
	return r;
}

/*
 * The deprecated priv string: "CONNECT/table:SELECT,INSERT" for db.
 * grant: grant_privileges (when any wanted is missing); else
 * revoke_privileges (when any wanted is held).  1 changed, 0 not, -1 and
 * *cause.
 */
static int
pgu_privs(struct pgu *u, const char *privs, const char *db, int grant,
    char **cause)
{
	struct buf	 q = BUF_INIT, list = BUF_INIT;
	char		*all = xstrdup(privs), *tok, *save = NULL, *name, *pl;
	char		*p, *t, *s2 = NULL, **held = NULL, **want = NULL;
	size_t		 nheld = 0, nwant = 0, i;
	int		 table, act, changed = 0, rv = -1;
	const char *const *valid;

	for (tok = strtok_r(all, "/", &save); tok != NULL;
	    tok = strtok_r(NULL, "/", &save)) {
		if ((p = strchr(tok, ':')) == NULL) {
			table = 0;
			name = (char *)db;
			pl = tok;
		} else {
			table = 1;
			*p = '\0';
			name = tok;
			pl = p + 1;
		}
		valid = table ? table_privs : database_privs;
		strv_free(want, nwant);
		want = NULL;
		nwant = 0;
		for (t = strtok_r(pl, ",", &s2); t != NULL;
		    t = strtok_r(NULL, ",", &s2)) {
			t = str_trim(t);
			for (p = t; *p != '\0'; p++)
				*p = toupper((unsigned char)*p);
			if (*t == '\0')
				continue;
			if (strcmp(t, "TEMP") == 0)
				t = "TEMPORARY";
			if (strcmp(t, "ALL") == 0) {
				for (i = 0; valid[i] != NULL; i++) {
					if (!db_strv_has(want, nwant, valid[i])) {
						db_strv_add(&want, &nwant,
						    valid[i]);
					}
				}
				continue;
			}
			if (!db_in_list(valid, t)) {
				*cause = xasprintf("Invalid privs specified "
				    "for %s: %s", table ? "table" :
				    "database", t);
				goto out;
			}
			if (!db_strv_has(want, nwant, t))
				db_strv_add(&want, &nwant, t);
		}
		strv_free(held, nheld);
		held = NULL;
		nheld = 0;
		if (pgu_held(u, table, name, &held, &nheld, cause) != 0)
			goto out;
		act = 0;
		buf_reset(&list);
		for (i = 0; i < nwant; i++) {
			if (db_strv_has(held, nheld, want[i]) != grant)
				act = 1;
			buf_addf(&list, "%s%s", i > 0 ? ", " : "", want[i]);
		}
		if (!act)
			continue;
		buf_reset(&q);
		buf_addf(&q, "%s %s ON %s ", grant ? "GRANT" : "REVOKE",
		    buf_cstr(&list), table ? "TABLE" : "DATABASE");
		if (table && (p = strchr(name, '.')) != NULL) {
			*p = '\0';
			pg_quote_ident(&q, name);
			buf_addc(&q, '.');
			pg_quote_ident(&q, p + 1);
			*p = '.';
		} else
			pg_quote_ident(&q, name);
		buf_addf(&q, " %s ", grant ? "TO" : "FROM");
		if (strcmp(u->user, "PUBLIC") == 0)
			buf_adds(&q, "PUBLIC");
		else
			pg_quote_ident(&q, u->user);
		pgu_do(u, buf_cstr(&q), NULL);
		changed = 1;
	}
	rv = changed;
out:
	strv_free(held, nheld);
	strv_free(want, nwant);
	free(all);
	buf_release(&q);
	buf_release(&list);
	return rv;
}

/* groups: GRANT each group the user is not yet a member of. */
static int
pgu_groups(struct pgu *u, const struct value *groups, char **cause)
{
	struct db_rows	 rows = DB_ROWS_INIT;
	struct buf	 q = BUF_INIT;
	size_t		 i, j;
	int		 member, changed = 0;
	char		*g;

	buf_adds(&q, "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles "
	    "g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member "
	    "WHERE r.rolname = ");
	pg_quote_literal(&q, u->user);
	if (pgu_query(u, buf_cstr(&q), &rows, cause) != 0) {
		buf_release(&q);
		return -1;
	}
	for (i = 0; i < value_len(groups); i++) {
		g = value_to_string(groups->u.list.items[i]);
		str_trim(g);
		for (member = 0, j = 0; j < rows.n && !member; j++)
			member = strcmp(db_rows_get(&rows, j, 0), g) == 0;
		if (!member) {
			buf_reset(&q);
			buf_adds(&q, "GRANT ");
			pg_quote_ident(&q, g);
			buf_adds(&q, " TO ");
			pg_quote_ident(&q, u->user);
			pgu_do(u, buf_cstr(&q), NULL);
			changed = 1;
		}
		free(g);
	}
	buf_release(&q);
	db_rows_release(&rows);
	return changed;
}

static int
pgu_comment(struct pgu *u, const char *comment, int exists, char **cause)
{
	struct db_rows	 rows = DB_ROWS_INIT;
	struct buf	 q = BUF_INIT;
	const char	*cur = NULL;
	int		 rv = 0;

	if (exists) {
		buf_adds(&q, "SELECT coalesce(pg_catalog.shobj_description("
		    "r.oid, 'pg_authid'), '') FROM pg_catalog.pg_roles r "
		    "WHERE r.rolname = ");
		pg_quote_literal(&q, u->user);
		if (pgu_query(u, buf_cstr(&q), &rows, cause) != 0) {
			buf_release(&q);
			return -1;
		}
		cur = db_rows_get(&rows, 0, 0);
	}
	if (cur == NULL || strcmp(cur, comment) != 0) {
		buf_reset(&q);
		buf_adds(&q, "COMMENT ON ROLE ");
		pg_quote_ident(&q, u->user);
		buf_adds(&q, " IS ");
		pg_quote_literal(&q, comment);
		pgu_do(u, buf_cstr(&q), NULL);
		rv = 1;
	}
	buf_release(&q);
	db_rows_release(&rows);
	return rv;
}

static enum mod_status
postgresql_user_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	struct pgu	 u;
	struct db_rows	 rows = DB_ROWS_INIT;
	struct buf	 q = BUF_INIT, flags = BUF_INIT;
	const char	*state = args_str(args, "state");
	const char	*db = args_str(args, "db");
	const char	*priv = args_str(args, "priv");
	const char	*comment = args_str(args, "comment");
	struct value	*groups = args_get(args, "groups");
	char		*cause = NULL;
	enum mod_status	 st = MOD_FAILED;
	int		 exists, changed = 0, c, check = ctx_check_mode(ctx);

	memset(&u, 0, sizeof u);
	u.ctx = ctx;
	u.user = args_str(args, "name");
	u.queries = value_list();
	db_login_pg(&u.l, args);
	u.l.database = db != NULL && *db != '\0' ? db : NULL;
	result_setstr(r, "user", u.user);
	if ((db == NULL || *db == '\0') && priv != NULL) {
		st = result_fail(r, "privileges require a database to be "
		    "specified");
		goto out;
	}
	if (pg_role_flags_parse(args_str(args, "role_attr_flags"), &flags,
	    &cause) != 0) {
		st = result_fail(r, "%s", cause);
		goto out;
	}
	if (strcmp(u.user, "PUBLIC") == 0)
		exists = 1;
	else {
		buf_adds(&q, "SELECT rolname FROM pg_roles WHERE rolname = ");
		pg_quote_literal(&q, u.user);
		if (pgu_query(&u, buf_cstr(&q), &rows, &cause) != 0) {
			st = result_fail(r, "unable to connect to database: "
			    "%s", cause);
			goto out;
		}
		exists = rows.n > 0;
	}
	if (strcmp(state, "present") == 0) {
		if (exists) {
			if ((c = pgu_alter(&u, args, buf_cstr(&flags),
			    &cause)) < 0)
				goto fail;
			changed |= c;
		} else {
			pgu_add(&u, args, buf_cstr(&flags));
			changed = 1;
		}
		if (priv != NULL) {
			if ((c = pgu_privs(&u, priv, db, 1, &cause)) < 0)
				goto fail;
			changed |= c;
		}
		if (groups != NULL && value_len(groups) > 0) {
			if ((c = pgu_groups(&u, groups, &cause)) < 0)
				goto fail;
			changed |= c;
		}
		if (comment != NULL) {
			if ((c = pgu_comment(&u, comment, exists,
			    &cause)) < 0)
				goto fail;
			changed |= c;
		}
	} else if (exists) {
		if (priv != NULL && pgu_privs(&u, priv, db, 0, &cause) < 0)
			goto fail;
		buf_reset(&q);
		buf_adds(&q, "DROP USER ");
		pg_quote_ident(&q, u.user);
		pgu_do(&u, buf_cstr(&q), NULL);
		changed = 1;
		result_setbool(r, "user_removed", 1);
	}
	if (u.todo.len > 0 && !check) {
		buf_reset(&q);
		buf_adds(&q, "BEGIN;\n");
		buf_add(&q, u.todo.s, u.todo.len);
		buf_adds(&q, "COMMIT;\n");
		if (pgu_query(&u, buf_cstr(&q), NULL, &cause) != 0) {
			if (strcmp(state, "absent") == 0 &&
			    !args_bool(args, "fail_on_user", 1)) {
				/* user_delete's savepoint: not removed */
				result_setbool(r, "user_removed", 0);
				changed = 0;
			} else if (strcmp(state, "absent") == 0) {
				st = result_fail(r, "Unable to remove user");
				goto out;
			} else if (!exists) {
				st = result_fail(r, "Unable to add user with "
				    "given requirement due to : %s", cause);
				goto out;
			} else
				goto fail;
		}
	}
	result_set(r, "queries", value_ref(u.queries));
	st = changed ? MOD_CHANGED : MOD_OK;
	goto out;
fail:
	st = result_fail(r, "%s", cause);
out:
	free(cause);
	buf_release(&q);
	buf_release(&flags);
	buf_release(&u.todo);
	db_rows_release(&rows);
	value_unref(u.queries);
	return st;
}

const struct module_entry module_postgresql_user = {
	.name = "postgresql_user",
	.aliases = postgresql_user_aliases,
	.params = postgresql_user_params,
	.flags = MOD_SUPPORTS_CHECK,
	.run = postgresql_user_run,
};
