/*
 * postgresql_privs: grants and revokes privileges on PostgreSQL objects,
 * default privileges and group memberships
 * (community.postgresql.postgresql_privs) through psql on the target.
 * As Ansible's module, it runs the GRANT or REVOKE in a transaction
 * between two reads of the objects' ACLs: changed when they differ, and
 * in check mode the transaction is rolled back.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

static const char *const postgresql_privs_aliases[] = {
	"community.postgresql.postgresql_privs", NULL
};
static const char *const database_aliases[] = { "db", "login_db", NULL };
static const char *const privs_aliases[] = { "priv", NULL };
static const char *const objs_aliases[] = { "obj", NULL };
static const char *const roles_aliases[] = { "role", NULL };
static const char *const grant_aliases[] = { "admin_option", NULL };
static const char *const state_choices[] = { "present", "absent", NULL };
static const char *const type_choices[] = {
	"table", "sequence", "function", "procedure", "database", "schema",
	"language", "tablespace", "group", "default_privs",
	"foreign_data_wrapper", "foreign_server", "type", NULL
};

static const struct mod_param postgresql_privs_params[] = {
	DB_PG_COMMON_PARAMS,
	{ "database", P_STR, P_REQUIRED, NULL, NULL, database_aliases },
	{ "state", P_STR, 0, "present", state_choices, NULL },
	{ "privs", P_STR, 0, NULL, NULL, privs_aliases },
	{ "type", P_STR, 0, "table", type_choices, NULL },
	{ "objs", P_STR, 0, NULL, NULL, objs_aliases },
	{ "schema", P_STR, 0, NULL, NULL, NULL },
	{ "roles", P_STR, P_REQUIRED, NULL, NULL, roles_aliases },
	{ "target_roles", P_STR, 0, NULL, NULL, NULL },
	{ "grant_option", P_BOOL, 0, NULL, NULL, grant_aliases },
	{ "password", P_STR, P_SECRET, "", NULL, NULL },
	{ "fail_on_role", P_BOOL, 0, "yes", NULL, NULL },
	{ "usage_on_types", P_BOOL, 0, "yes", NULL, NULL },
	{ NULL }
};

static const char *const valid_privs[] = {
	"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES",
	"TRIGGER", "CREATE", "CONNECT", "TEMPORARY", "TEMP", "EXECUTE",
	"USAGE", "ALL", NULL
};

/* VALID_DEFAULT_OBJS */
static const struct {
	const char	*obj;
	const char	*privs[9];
} default_objs[] = {
	{ "TABLES", { "ALL", "SELECT", "INSERT", "UPDATE", "DELETE",
	    "TRUNCATE", "REFERENCES", "TRIGGER", NULL } },
	{ "SEQUENCES", { "ALL", "SELECT", "UPDATE", "USAGE", NULL } },
	{ "FUNCTIONS", { "ALL", "EXECUTE", NULL } },
	{ "TYPES", { "ALL", "USAGE", NULL } },
	{ "SCHEMAS", { "CREATE", "USAGE", NULL } },
};

struct strv {
	char	**v;
	size_t	  n;
};

static void
sv_add(struct strv *s, const char *x)
{
	db_strv_add(&s->v, &s->n, x);
}

static void
sv_release(struct strv *s)
{
	strv_free(s->v, s->n);
	s->v = NULL;
	s->n = 0;
}

/* "a,b" into s; upper: in upper case, each once. */
static void
sv_split(struct strv *s, const char *text, int upper)
{
	char	*all = xstrdup(text), *p, *tok, *save = NULL;

	for (tok = strtok_r(all, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (upper) {
			for (p = tok; *p != '\0'; p++)
				*p = toupper((unsigned char)*p);
			if (db_strv_has(s->v, s->n, tok))
				continue;
		}
		sv_add(s, tok);
	}
	free(all);
}

/*
 * A function's argument types go into the GRANT as written (Ansible does
 * the same): no quotes, statement ends or comments in them.
 */
static int
signature_safe(const char *s)
{
	return strpbrk(s, ";'\\") == NULL && strstr(s, "--") == NULL &&
	    strstr(s, "/*") == NULL;
}

struct pgp {
	struct task_ctx		*ctx;
	struct db_login		 l;
	const char		*type;
	const char		*schema;	/* NULL: none */
};

static int
pgp_query(struct pgp *p, const char *sql, struct db_rows *rows,
    char **cause)
{
	return db_query(p->ctx, &p->l, sql, rows, cause);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted ACL texts of one tag's rows. */
static void
status_of(const struct db_rows *rows, const char *tag, struct strv *out)
{
	size_t	i;

	for (i = 0; i < rows->n; i++) {
		if (strcmp(db_rows_get(rows, i, 0), tag) == 0)
			sv_add(out, db_rows_get(rows, i, 1) != NULL ?
			    db_rows_get(rows, i, 1) : "");
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, cmp_str);
}

static int
pgp_validate(const struct mod_args *args, char **cause)
{
	const char	*type = args_str(args, "type");
	const char	*objs = args_str(args, "objs");
	const char	*schema = args_str(args, "schema");
	const char	*pw = args_str(args, "password");
	const char	*lpw = args_str(args, "login_password");
	int		 qual = db_in_list((const char *const[]){ "table", "sequence",
	    "function", "procedure", "type", "default_privs", NULL }, type);

	if (pw != NULL && *pw != '\0' && lpw != NULL && *lpw != '\0') {
		*cause = xstrdup("Use the \"password\" or \"login_password\" "
		    "option but not both to pass a password to log in with.");
		return -1;
	}
	if (!qual && schema != NULL) {
		*cause = xasprintf("Argument \"schema\" is not allowed for "
		    "type \"%s\".", type);
		return -1;
	}
	if (objs != NULL && strcmp(objs, "ALL_IN_SCHEMA") == 0 &&
	    !db_in_list((const char *const[]){ "table", "sequence", "function",
	    "procedure", NULL }, type)) {
		*cause = xasprintf("Argument \"objs\": ALL_IN_SCHEMA can be "
		    "used only for type: table, sequence, function or "
		    "procedure, %s was passed.", type);
		return -1;
	}
	if (strcmp(type, "database") != 0 && (objs == NULL || *objs == '\0')) {
		*cause = xasprintf("Argument \"objs\" is required for type "
		    "\"%s\".", type);
		return -1;
	}
	if (strcmp(type, "group") == 0) {
		if (args_str(args, "privs") != NULL) {
			*cause = xstrdup("Argument \"privs\" is not allowed "
			    "for type \"group\".");
			return -1;
		}
	} else if (args_str(args, "privs") == NULL ||
	    *args_str(args, "privs") == '\0') {
		*cause = xasprintf("Argument \"privs\" is required for type "
		    "\"%s\".", type);
		return -1;
	}
	return 0;
}

/* Objects of ALL_IN_SCHEMA, and whether the schema exists. */
static int
pgp_all_in_schema(struct pgp *p, struct strv *objs, char **cause)
{
	struct db_rows	 rows = DB_ROWS_INIT;
	struct buf	 q = BUF_INIT;
	size_t		 i;
	int		 rv = -1;

	if (p->schema != NULL) {
		buf_adds(&q, "SELECT 1 FROM pg_namespace WHERE nspname = ");
		pg_quote_literal(&q, p->schema);
		if (pgp_query(p, buf_cstr(&q), &rows, cause) != 0)
			goto out;
		if (rows.n == 0) {
			*cause = xasprintf("Schema \"%s\" does not exist.",
			    p->schema);
			goto out;
		}
		db_rows_release(&rows);
		buf_reset(&q);
	}
	if (strcmp(p->type, "table") == 0 || strcmp(p->type, "sequence") == 0) {
		buf_addf(&q, "SELECT relname FROM pg_catalog.pg_class c JOIN "
		    "pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
		    "WHERE relkind %s", strcmp(p->type, "table") == 0 ?
		    "in ('r', 'v', 'm', 'p')" : "= 'S'");
	} else {
		buf_addf(&q, "SELECT p.proname || '(' || "
		    "oidvectortypes(p.proargtypes) || ')' FROM "
		    "pg_catalog.pg_proc p JOIN pg_namespace n ON n.oid = "
		    "p.pronamespace WHERE p.prokind = '%s'",
		    strcmp(p->type, "function") == 0 ? "f" : "p");
	}
	pg_schema_cond(&q, "nspname", p->schema);
	if (pgp_query(p, buf_cstr(&q), &rows, cause) != 0)
		goto out;
	for (i = 0; i < rows.n; i++)
		sv_add(objs, db_rows_get(&rows, i, 0));
	rv = 0;
out:
	buf_release(&q);
	db_rows_release(&rows);
	return rv;
}

/* The roles of roles that exist (a warning or a failure for others). */
static int
pgp_roles(struct pgp *p, const struct mod_args *args, const struct strv *roles,
    struct buf *for_whom, struct result *r, char **cause)
{
	struct db_rows	 rows = DB_ROWS_INIT;
	struct buf	 q = BUF_INIT;
	size_t		 i, j;
	int		 found, n = 0, rv = -1;
	char		*name;

	buf_adds(&q, "SELECT rolname FROM pg_roles WHERE rolname = ANY (");
	pg_literal_array(&q, roles->v, roles->n);
	buf_adds(&q, ")");
	if (pgp_query(p, buf_cstr(&q), &rows, cause) != 0)
		goto out;
	for (i = 0; i < roles->n; i++) {
		for (found = 0, j = 0; j < rows.n && !found; j++)
			found = strcmp(db_rows_get(&rows, j, 0),
			    roles->v[i]) == 0;
		name = xstrdup(roles->v[i]);
		str_trim(name);
		if (!found) {
			if (args_bool(args, "fail_on_role", 1)) {
				*cause = xasprintf("Role '%s' does not exist",
				    name);
				free(name);
				goto out;
			}
			result_warn(r, roles->n == 1 ? "Role '%s' does not "
			    "exist, nothing to do" : "Role '%s' does not "
			    "exist, pass it", name);
			free(name);
			continue;
		}
		free(name);
		if (n++ > 0)
			buf_addc(for_whom, ',');
		pg_quote_ident(for_whom, roles->v[i]);
	}
	rv = n;
out:
	buf_release(&q);
	db_rows_release(&rows);
	return rv;
}

static enum mod_status
postgresql_privs_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	struct pgp	 p;
	struct pg_grant	 g;
	struct strv	 privs = { NULL, 0 }, objs = { NULL, 0 };
	struct strv	 roles = { NULL, 0 }, tr = { NULL, 0 };
	struct strv	 before = { NULL, 0 }, after = { NULL, 0 };
	struct db_rows	 rows = DB_ROWS_INIT;
	struct buf	 for_whom = BUF_INIT, as_who = BUF_INIT, stmt = BUF_INIT;
	struct buf	 script = BUF_INIT;
	struct value	*queries = value_list();
	const char	*type = args_str(args, "type");
	const char	*o = args_str(args, "objs");
	const char	*schema = args_str(args, "schema");
	const char	*rolestr = args_str(args, "roles");
	const char	*orig = NULL, *pw = args_str(args, "password");
	char		*cause = NULL, *up, *c;
	enum mod_status	 st = MOD_FAILED;
	size_t		 i, k;
	int		 public, changed, n;

	memset(&p, 0, sizeof p);
	memset(&g, 0, sizeof g);
	p.ctx = ctx;
	p.type = type;
	db_login_pg(&p.l, args);
	p.l.database = args_str(args, "database");
	if (pw != NULL && *pw != '\0')
		p.l.password = pw;
	if (pgp_validate(args, &cause) != 0) {
		st = result_fail(r, "%s", cause);
		goto out;
	}
	if (db_in_list((const char *const[]){ "table", "sequence", "function",
	    "procedure", "type", "default_privs", NULL }, type)) {
		if ((o != NULL && strcmp(o, "schemas") == 0) ||
		    (schema != NULL && strcmp(schema, "not-specified") == 0))
			p.schema = NULL;
		else
			p.schema = schema != NULL && *schema != '\0' ? schema :
			    "public";
	}
	if (args_str(args, "privs") != NULL) {
		sv_split(&privs, args_str(args, "privs"), 1);
		for (i = 0; i < privs.n; i++) {
			if (!db_in_list(valid_privs, privs.v[i])) {
				st = result_fail(r, "Invalid privileges "
				    "specified: {'%s'}", privs.v[i]);
				goto out;
			}
		}
	}
	if (strcmp(type, "database") == 0 && (o == NULL || *o == '\0'))
		o = p.l.database;
	if (strcmp(o, "ALL_IN_SCHEMA") == 0) {
		if (pgp_all_in_schema(&p, &objs, &cause) != 0) {
			st = result_fail(r, "%s", cause);
			goto out;
		}
		orig = strcmp(type, "table") == 0 ? "ALL TABLES IN SCHEMA" :
		    strcmp(type, "sequence") == 0 ? "ALL SEQUENCES IN SCHEMA" :
		    strcmp(type, "function") == 0 ? "ALL FUNCTIONS IN SCHEMA" :
		    "ALL PROCEDURES IN SCHEMA";
	} else if (strcmp(type, "default_privs") == 0) {
		if (strcmp(o, "ALL_DEFAULT") == 0) {
			for (k = 0; k < 4; k++)
				sv_add(&objs, default_objs[k].obj);
		} else
			sv_split(&objs, o, 1);
		for (i = 0; i < objs.n; i++) {
			for (k = 0; k < ARRAY_SIZE(default_objs); k++) {
				if (strcmp(objs.v[i], default_objs[k].obj) == 0)
					break;
			}
			if (k == ARRAY_SIZE(default_objs)) {
				st = result_fail(r, "Invalid Object set "
				    "specified: {'%s'}", objs.v[i]);
				goto out;
			}
			for (size_t j = 0; j < privs.n; j++) {
				if (!db_in_list(default_objs[k].privs,
				    privs.v[j])) {
					st = result_fail(r, "Invalid priv "
					    "specified. Valid object for "
					    "priv: %s. Objects: %s",
					    privs.v[j], objs.v[i]);
					goto out;
				}
			}
		}
	} else {
		sv_split(&objs, o, 0);
		if (strcmp(type, "function") == 0 ||
		    strcmp(type, "procedure") == 0) {
			for (i = 0; i < objs.n; i++) {
				for (c = objs.v[i]; *c != '\0'; c++) {
					if (*c == ':')
						*c = ',';
				}
				if (strchr(objs.v[i], '(') == NULL ||
				    !signature_safe(objs.v[i])) {
					st = result_fail(r, "Illegal function "
					    "/ procedure signature: \"%s\".",
					    objs.v[i]);
					goto out;
				}
			}
		}
	}
	up = xstrdup(rolestr);
	for (c = up; *c != '\0'; c++)
		*c = toupper((unsigned char)*c);
	public = strcmp(up, "PUBLIC") == 0;
	free(up);
	if (public)
		buf_adds(&for_whom, "PUBLIC");
	else {
		sv_split(&roles, rolestr, 0);
		if ((n = pgp_roles(&p, args, &roles, &for_whom, r,
		    &cause)) < 0) {
			st = result_fail(r, "%s", cause);
			goto out;
		}
		if (n == 0) {
			result_set(r, "queries", value_ref(queries));
			st = MOD_OK;
			goto out;
		}
	}
	if (args_str(args, "target_roles") != NULL) {
		if (strcmp(type, "default_privs") != 0)
			result_warn(r, "\"target_roles\" will be ignored "
			    "Argument \"type: default_privs\" is required for "
			    "usage of \"target_roles\".");
		sv_split(&tr, args_str(args, "target_roles"), 0);
		for (i = 0; i < tr.n; i++) {
			if (i > 0)
				buf_addc(&as_who, ',');
			pg_quote_ident(&as_who, tr.v[i]);
		}
	}
	if (objs.n == 0) {
		result_set(r, "queries", value_ref(queries));
		st = MOD_OK;
		goto out;
	}
	g.type = type;
	g.schema = p.schema;
	g.privs = privs.v;
	g.nprivs = privs.n;
	g.objs = objs.v;
	g.nobjs = objs.n;
	g.orig = orig;
	g.for_whom = buf_cstr(&for_whom);
	g.as_who = as_who.len > 0 ? buf_cstr(&as_who) : NULL;
	g.present = strcmp(args_str(args, "state"), "present") == 0;
	g.grant_option = args_has(args, "grant_option") ?
	    args_bool(args, "grant_option", 0) : -1;
	g.usage_on_types = args_bool(args, "usage_on_types", 1);
	pg_grant_sql(&stmt, &g);
	buf_adds(&script, "BEGIN;\n");
	pg_grant_status_sql(&script, &g, "B");
	buf_add(&script, stmt.s, stmt.len);
	pg_grant_status_sql(&script, &g, "A");
	buf_addf(&script, "%s;\n", ctx_check_mode(ctx) ? "ROLLBACK" :
	    "COMMIT");
	p.l.multi = 1;
	if (pgp_query(&p, buf_cstr(&script), &rows, &cause) != 0) {
		st = result_fail(r, "%s", cause);
		goto out;
	}
	/* the statements without their trailing newline, as Ansible joins */
	while (stmt.len > 0 && stmt.s[stmt.len - 1] == '\n')
		stmt.s[--stmt.len] = '\0';
	value_list_append(queries, value_str(buf_cstr(&stmt)));
	status_of(&rows, "B", &before);
	status_of(&rows, "A", &after);
	changed = public || before.n != after.n;
	for (i = 0; !changed && i < before.n; i++)
		changed = strcmp(before.v[i], after.v[i]) != 0;
	result_set(r, "queries", value_ref(queries));
	st = changed ? MOD_CHANGED : MOD_OK;
out:
	free(cause);
	sv_release(&privs);
	sv_release(&objs);
	sv_release(&roles);
	sv_release(&tr);
	sv_release(&before);
	sv_release(&after);
	db_rows_release(&rows);
	buf_release(&for_whom);
	buf_release(&as_who);
	buf_release(&stmt);
	buf_release(&script);
	value_unref(queries);
	return st;
}

const struct module_entry module_postgresql_privs = {
	.name = "postgresql_privs",
	.aliases = postgresql_privs_aliases,
	.params = postgresql_privs_params,
	.flags = MOD_SUPPORTS_CHECK,
	.run = postgresql_privs_run,
};
