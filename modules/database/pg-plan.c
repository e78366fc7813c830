/*
 * PostgreSQL decisions of the family, pure: role attribute flags and
 * password changes as Ansible's postgresql_user decides them, and the
 * statements of postgresql_privs (its QueryBuilder) with the ACL reads
 * that tell whether they changed anything.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

/* Ansible's FLAGS and their pg_authid columns (PRIV_TO_AUTHID_COLUMN). */
const char *const pg_role_flags[PG_NROLE_FLAGS][2] = {
	{ "SUPERUSER", "rolsuper" }, { "CREATEROLE", "rolcreaterole" },
	{ "CREATEDB", "rolcreatedb" }, { "INHERIT", "rolinherit" },
	{ "LOGIN", "rolcanlogin" }, { "REPLICATION", "rolreplication" },
	{ "BYPASSRLS", "rolbypassrls" },
};

int
pg_role_flags_parse(const char *s, struct buf *out, char **cause)
{
	char	*all = xstrdup(s), *tok, *save = NULL, *p, **seen = NULL;
	size_t	 i, n = 0;
	int	 ok, rv = 0;

	for (tok = strtok_r(all, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		for (p = tok; *p != '\0'; p++)
			*p = toupper((unsigned char)*p);
		p = str_startswith(tok, "NO") ? tok + 2 : tok;
		for (ok = 0, i = 0; i < PG_NROLE_FLAGS && !ok; i++)
			ok = strcmp(p, pg_role_flags[i][0]) == 0;
		if (!ok) {
			*cause = xasprintf("Invalid role_attr_flags specified: "
			    "%s", tok);
			rv = -1;
			break;
		}
		/* a set in Ansible: each flag once */
		if (db_strv_has(seen, n, tok))
			continue;
		db_strv_add(&seen, &n, tok);
		buf_addf(out, "%s%s", out->len > 0 ? " " : "", tok);
	}
	buf_cstr(out);
	strv_free(seen, n);
	free(all);
	return rv;
}

int
pg_role_flags_changing(const char *flags, const char *const *cur)
{
	char	*all = xstrdup(flags), *tok, *save = NULL, *name;
	size_t	 i;
	int	 want, changing = 0;

	for (tok = strtok_r(all, " ", &save); tok != NULL;
	    tok = strtok_r(NULL, " ", &save)) {
		want = !str_startswith(tok, "NO");
		name = want ? tok : tok + 2;
		for (i = 0; i < PG_NROLE_FLAGS; i++) {
			if (strcmp(name, pg_role_flags[i][0]) == 0 &&
			    (cur[i] == NULL || (strcmp(cur[i], "t") == 0) !=
			    want))
				changing = 1;
		}
	}
	free(all);
	return changing;
}

int
pg_password_changing(const char *password, int encrypted,
    const char *user, const char *cur)
{
	char	md5[36];
	int	v;

	if (password == NULL)
		return 0;
	if (*password == '\0')
		return cur != NULL;
	if (pg_is_scram(password))
		return cur == NULL || strcmp(password, cur) != 0;
	if (cur != NULL && pg_is_scram(cur)) {
		v = pg_scram_verify(cur, password);
		return v != 1;
	}
	if ((str_startswith(password, "md5") && strlen(password) == 35) ||
	    !encrypted)
		return cur == NULL || strcmp(password, cur) != 0;
	pg_md5_password(password, user, md5);
	return cur == NULL || strcmp(md5, cur) != 0;
}

void
pg_literal_array(struct buf *q, char *const *v, size_t n)
{
	size_t	i;

	buf_adds(q, "ARRAY[");
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_addc(q, ',');
		pg_quote_literal(q, v[i]);
	}
	buf_adds(q, "]::text[]");
}

void
pg_schema_cond(struct buf *q, const char *col, const char *schema)
{
	if (schema == NULL)
		return;
	buf_addf(q, " AND %s = ", col);
	pg_quote_literal(q, schema);
}

/*
 * The ACL (or membership) read of the objects: one row per object, its
 * text, tagged with tag so that the before and after reads of one script
 * can be told apart.
 */
void
pg_grant_status_sql(struct buf *q, const struct pg_grant *g, const char *tag)
{
	char		**names = NULL;
	size_t		 nnames = 0;
	const char	*t = g->type;
	size_t		 i;
	char		*n, *paren;

	buf_addf(q, "SELECT '%s', ", tag);
	if (strcmp(t, "table") == 0 || strcmp(t, "sequence") == 0) {
		buf_adds(q, "coalesce(relacl::text, '') FROM pg_catalog.pg_class "
		    "c JOIN pg_catalog.pg_namespace n ON n.oid = "
		    "c.relnamespace WHERE relkind ");
		buf_adds(q, strcmp(t, "table") == 0 ? "in ('r','p','v','m')" :
		    "= 'S'");
		pg_schema_cond(q, "nspname", g->schema);
		buf_adds(q, " AND relname = ANY (");
		pg_literal_array(q, g->objs, g->nobjs);
		buf_adds(q, ")");
	} else if (strcmp(t, "function") == 0 || strcmp(t, "procedure") == 0) {
		for (i = 0; i < g->nobjs; i++) {
			n = xstrdup(g->objs[i]);
			if ((paren = strchr(n, '(')) != NULL)
				*paren = '\0';
			db_strv_add(&names, &nnames, n);
			free(n);
		}
		buf_adds(q, "coalesce(proacl::text, '') FROM pg_catalog.pg_proc "
		    "p JOIN pg_catalog.pg_namespace n ON n.oid = "
		    "p.pronamespace WHERE true");
		pg_schema_cond(q, "nspname", g->schema);
		buf_adds(q, " AND proname = ANY (");
		pg_literal_array(q, names, nnames);
		buf_adds(q, ")");
	} else if (strcmp(t, "type") == 0) {
		buf_adds(q, "coalesce(t.typacl::text, '') FROM pg_catalog.pg_type "
		    "t JOIN pg_catalog.pg_namespace n ON n.oid = "
		    "t.typnamespace WHERE true");
		pg_schema_cond(q, "n.nspname", g->schema);
		buf_adds(q, " AND t.typname = ANY (");
		pg_literal_array(q, g->objs, g->nobjs);
		buf_adds(q, ")");
	} else if (strcmp(t, "group") == 0) {
		buf_adds(q, "am.roleid::text || ' ' || am.grantor::text || ' ' "
		    "|| am.member::text || ' ' || am.admin_option::text FROM "
		    "pg_catalog.pg_auth_members am JOIN pg_catalog.pg_roles r "
		    "ON r.oid = am.roleid WHERE r.rolname = ANY (");
		pg_literal_array(q, g->objs, g->nobjs);
		buf_adds(q, ")");
	} else if (strcmp(t, "default_privs") == 0) {
		buf_adds(q, "coalesce(defaclacl::text, '') FROM pg_default_acl a "
		    "JOIN pg_namespace b ON a.defaclnamespace = b.oid WHERE "
		    "true");
		pg_schema_cond(q, "b.nspname", g->schema);
	} else {
		static const char *const cat[][3] = {
			{ "schema", "nspacl", "pg_namespace WHERE nspname" },
			{ "language", "lanacl", "pg_language WHERE lanname" },
			{ "tablespace", "spcacl",
			    "pg_tablespace WHERE spcname" },
			{ "database", "datacl", "pg_database WHERE datname" },
			{ "foreign_data_wrapper", "fdwacl",
			    "pg_foreign_data_wrapper WHERE fdwname" },
			{ "foreign_server", "srvacl",
			    "pg_foreign_server WHERE srvname" },
		};

		for (i = 0; i < ARRAY_SIZE(cat); i++) {
			if (strcmp(t, cat[i][0]) == 0)
				break;
		}
		buf_addf(q, "coalesce(%s::text, '') FROM pg_catalog.%s = ANY (",
		    cat[i][1], cat[i][2]);
		pg_literal_array(q, g->objs, g->nobjs);
		buf_adds(q, ")");
	}
	buf_adds(q, ";\n");
	strv_free(names, nnames);
}

/* '"schema"."obj"', or '"obj"' without a schema qualifier. */
static void
qualified(struct buf *q, const char *schema, const char *obj)
{
	if (schema != NULL) {
		pg_quote_ident(q, schema);
		buf_addc(q, '.');
	}
	pg_quote_ident(q, obj);
}

void
pg_grant_sql(struct buf *q, const struct pg_grant *g)
{
	struct buf	 what = BUF_INIT, in_schema = BUF_INIT;
	const char	*t = g->type, *for_whom = g->for_whom;
	const char	*as_who = g->as_who;
	int		 has_go = g->grant_option >= 0, go = g->grant_option == 1;
	size_t		 i;
	char		*paren;

	if (g->schema != NULL) {
		buf_adds(&in_schema, " IN SCHEMA ");
		pg_quote_ident(&in_schema, g->schema);
	}
	if (strcmp(t, "group") == 0) {
		for (i = 0; i < g->nobjs; i++) {
			if (i > 0)
				buf_addc(&what, ',');
			pg_quote_ident(&what, g->objs[i]);
		}
	} else if (strcmp(t, "default_privs") == 0) {
		for (i = 0; i < g->nprivs; i++)
			buf_addf(&what, "%s%s", i > 0 ? "," : "", g->privs[i]);
	} else {
		for (i = 0; i < g->nprivs; i++)
			buf_addf(&what, "%s%s", i > 0 ? "," : "", g->privs[i]);
		if (g->orig != NULL) {
			buf_addf(&what, " ON %s ", g->orig);
			pg_quote_ident(&what, g->schema != NULL ? g->schema :
			    "public");
		} else {
			buf_adds(&what, " ON ");
			for (i = 0; t[i] != '\0'; i++)
				buf_addc(&what, t[i] == '_' ? ' ' : t[i]);
			buf_addc(&what, ' ');
			for (i = 0; i < g->nobjs; i++) {
				if (i > 0)
					buf_addc(&what, ',');
				if (strcmp(t, "function") == 0 ||
				    strcmp(t, "procedure") == 0) {
					char *f = xstrdup(g->objs[i]);

					paren = strchr(f, '(');
					*paren = '\0';
					qualified(&what, g->schema, f);
					buf_addf(&what, "(%s", paren + 1);
					free(f);
				} else if (strcmp(t, "table") == 0 ||
				    strcmp(t, "sequence") == 0 ||
				    strcmp(t, "type") == 0)
					qualified(&what, g->schema, g->objs[i]);
				else
					pg_quote_ident(&what, g->objs[i]);
			}
		}
	}
	if (strcmp(t, "default_privs") == 0) {
		struct buf pre = BUF_INIT;

		buf_adds(&pre, "ALTER DEFAULT PRIVILEGES");
		if (as_who != NULL)
			buf_addf(&pre, " FOR ROLE %s", as_who);
		buf_adds(&pre, buf_cstr(&in_schema));
		if (!g->present) {
			static const char *const all[] = {
				"TABLES", "SEQUENCES", "TYPES"
			};

			for (i = 0; i < ARRAY_SIZE(all); i++)
				buf_addf(q, "%s REVOKE ALL ON %s FROM %s;\n",
				    buf_cstr(&pre), all[i], for_whom);
		} else {
			for (i = 0; i < g->nobjs; i++)
				buf_addf(q, "%s REVOKE ALL ON %s FROM %s;\n",
				    buf_cstr(&pre), g->objs[i], for_whom);
			for (i = 0; i < g->nobjs; i++) {
				buf_addf(q, "%s GRANT %s ON %s TO %s%s;\n",
				    buf_cstr(&pre), buf_cstr(&what),
				    g->objs[i], for_whom, has_go && go ?
				    " WITH GRANT OPTION" : "");
			}
			if (g->usage_on_types)
				buf_addf(q, "%s GRANT USAGE ON TYPES TO %s%s;\n",
				    buf_cstr(&pre), for_whom, has_go && go ?
				    " WITH GRANT OPTION" : "");
		}
		buf_release(&pre);
	} else if (g->present) {
		buf_addf(q, "GRANT %s TO %s", buf_cstr(&what), for_whom);
		if (has_go && go)
			buf_addf(q, " WITH %s OPTION;\n",
			    strcmp(t, "group") == 0 ? "ADMIN" : "GRANT");
		else if (has_go) {
			buf_addf(q, ";\nREVOKE %s OPTION FOR %s FROM %s;\n",
			    strcmp(t, "group") == 0 ? "ADMIN" : "GRANT",
			    buf_cstr(&what), for_whom);
		} else
			buf_adds(q, ";\n");
	} else
		buf_addf(q, "REVOKE %s FROM %s;\n", buf_cstr(&what), for_whom);
	buf_release(&what);
	buf_release(&in_schema);
}

