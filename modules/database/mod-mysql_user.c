/*
 * mysql_user: adds, changes and removes MySQL/MariaDB users, their
 * passwords, authentication plugins, privileges, TLS requirements and
 * resource limits (community.mysql.mysql_user) through the mysql client
 * on the target.  Decisions follow Ansible's module_utils/user.py; the
 * privilege parsing and comparison are in mysql-priv.c.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

static const char *const mysql_user_aliases[] = {
	"community.mysql.mysql_user", NULL
};
static const char *const name_aliases[] = { "user", NULL };
static const char *const state_choices[] = { "absent", "present", NULL };
static const char *const update_password_choices[] = {
	"always", "on_create", "on_new_username", NULL
};

static const struct mod_param mysql_user_params[] = {
	DB_MYSQL_COMMON_PARAMS,
	{ "name", P_STR, P_REQUIRED, NULL, NULL, name_aliases },
	{ "password", P_STR, P_SECRET, NULL, NULL, NULL },
	{ "encrypted", P_BOOL, 0, "no", NULL, NULL },
	{ "host", P_STR, 0, "localhost", NULL, NULL },
	{ "host_all", P_BOOL, 0, "no", NULL, NULL },
	{ "state", P_STR, 0, "present", state_choices, NULL },
	{ "priv", P_RAW, 0, NULL, NULL, NULL },
	{ "tls_requires", P_DICT, 0, NULL, NULL, NULL },
	{ "append_privs", P_BOOL, 0, "no", NULL, NULL },
	{ "subtract_privs", P_BOOL, 0, "no", NULL, NULL },
	{ "update_password", P_STR, 0, "always", update_password_choices,
	    NULL },
	{ "sql_log_bin", P_BOOL, 0, "yes", NULL, NULL },
	{ "plugin", P_STR, 0, NULL, NULL, NULL },
	{ "plugin_hash_string", P_STR, 0, NULL, NULL, NULL },
	{ "plugin_auth_string", P_STR, 0, NULL, NULL, NULL },
	{ "resource_limits", P_DICT, 0, NULL, NULL, NULL },
	{ "force_context", P_BOOL, 0, "no", NULL, NULL },
	{ "session_vars", P_DICT, 0, NULL, NULL, NULL },
	{ NULL }
};

/* The connection and what every query of the task starts with. */
struct mu {
	struct task_ctx		*ctx;
	struct db_login		 l;
	struct buf		 prefix;	/* SET SQL_LOG_BIN, SET SESSION */
	const char		*user;
	int			 check;
	int			 mariadb;
};

static int
mu_query(struct mu *mu, const char *sql, struct db_rows *rows, char **cause)
{
	struct buf	q = BUF_INIT;
	int		r;

	buf_add(&q, mu->prefix.s, mu->prefix.len);
	buf_adds(&q, sql);
	r = db_query(mu->ctx, &mu->l, buf_cstr(&q), rows, cause);
	buf_release(&q);
	return r;
}

static void
user_at(struct buf *b, const char *user, const char *host)
{
	mysql_quote_literal(b, user);
	buf_addc(b, '@');
	mysql_quote_literal(b, host);
}

/* WHERE user = 'u' [AND host = 'h'] */
static void
where_user(struct buf *b, const char *user, const char *host)
{
	buf_adds(b, " WHERE user = ");
	mysql_quote_literal(b, user);
	if (host != NULL) {
		buf_adds(b, " AND host = ");
		mysql_quote_literal(b, host);
	}
}

/* Rows of a one-table query on mysql.user: cols, where. */
static int
mu_select(struct mu *mu, const char *cols, const char *user,
    const char *host, struct db_rows *rows, char **cause)
{
	struct buf	q = BUF_INIT;
	int		r;

	buf_addf(&q, "SELECT %s FROM mysql.user", cols);
	where_user(&q, user, host);
	r = mu_query(mu, buf_cstr(&q), rows, cause);
	buf_release(&q);
	return r;
}

static int
mu_grants(struct mu *mu, const char *host, struct mysql_privs *out,
    char **cause)
{
	struct db_rows	 rows = DB_ROWS_INIT;
	struct buf	 q = BUF_INIT;
	char		**lines;
	size_t		 i;
	int		 r;

	buf_adds(&q, "SHOW GRANTS FOR ");
	user_at(&q, mu->user, host);
	r = mu_query(mu, buf_cstr(&q), &rows, cause);
	buf_release(&q);
	if (r != 0)
		return r;
	lines = xcalloc(rows.n + 1, sizeof *lines);
	for (i = 0; i < rows.n; i++)
		lines[i] = (char *)db_rows_get(&rows, i, 0);
	r = mysql_privs_from_grants(lines, rows.n, out, cause);
	free(lines);
	db_rows_release(&rows);
	return r;
}

/*
 * The REQUIRE clause of the user's SHOW CREATE USER, in
 * mysql_tls_wanted's form; *err on a failed query.
 */
static char *
tls_current(struct mu *mu, const char *host, char **cause, int *err)
{
	struct db_rows	 rows = DB_ROWS_INIT;
	struct buf	 q = BUF_INIT;
	char		*out = NULL;
	size_t		 i;

	*err = 0;
	buf_adds(&q, "SHOW CREATE USER ");
	user_at(&q, mu->user, host);
	if (mu_query(mu, buf_cstr(&q), &rows, cause) != 0)
		*err = 1;
	for (i = 0; !*err && i < rows.n; i++) {
		if (strstr(db_rows_get(&rows, i, 0), "REQUIRE") != NULL) {
			out = mysql_tls_from_create(db_rows_get(&rows, i, 0));
			break;
		}
	}
	buf_release(&q);
	db_rows_release(&rows);
	return out;
}

/* The CREATE USER of user_add, without REQUIRE. */
static void
create_user_sql(struct buf *q, struct mu *mu, const char *host,
    const char *password, int encrypted, const char *plugin,
    const char *hash_string, const char *auth_string)
{
	char	hash[42];

	buf_adds(q, "CREATE USER ");
	user_at(q, mu->user, host);
	if (password != NULL && *password != '\0' && encrypted) {
		buf_adds(q, " IDENTIFIED BY PASSWORD ");
		mysql_quote_literal(q, password);
	} else if (password != NULL && *password != '\0') {
		mysql_native_hash(password, hash);
		buf_adds(q, " IDENTIFIED WITH mysql_native_password AS ");
		mysql_quote_literal(q, hash);
	} else if (plugin != NULL) {
		buf_adds(q, " IDENTIFIED WITH ");
		mysql_quote_ident(q, plugin);
		if (hash_string != NULL) {
			buf_adds(q, " AS ");
			mysql_quote_literal(q, hash_string);
		} else if (auth_string != NULL) {
			/* MariaDB's pam takes USING */
			buf_adds(q, strcmp(plugin, "pam") == 0 ? " USING " :
			    " BY ");
			mysql_quote_literal(q, auth_string);
		}
	}
}

static void
alter_plugin_sql(struct buf *q, struct mu *mu, const char *host,
    const char *plugin, const char *hash_string, const char *auth_string)
{
	buf_adds(q, "ALTER USER ");
	user_at(q, mu->user, host);
	buf_adds(q, " IDENTIFIED WITH ");
	mysql_quote_ident(q, plugin);
	if (hash_string != NULL) {
		buf_adds(q, " AS ");
		mysql_quote_literal(q, hash_string);
	} else if (auth_string != NULL) {
		buf_adds(q, strcmp(plugin, "pam") == 0 ? " USING " : " BY ");
		mysql_quote_literal(q, auth_string);
	}
	buf_adds(q, ";\n");
}

struct mu_want {
	const char		*password;
	int			 encrypted;
	const char		*plugin, *hash_string, *auth_string;
	struct mysql_privs	*priv;		/* NULL: not managed */
	int			 append, subtract;
	char			*tls;
	int			 reuse_password;
};

struct mu_out {
	int	 changed;
	int	 password_changed;	/* -1: None */
	char	*msg;
};

static void
mu_msg(struct mu_out *o, const char *msg)
{
	free(o->msg);
	o->msg = xstrdup(msg);
}

static int
mu_add(struct mu *mu, const char *host, int host_all,
    const struct mu_want *w, struct mu_out *o, char **cause)
{
	struct db_rows	 rows = DB_ROWS_INIT;
	struct buf	 q = BUF_INIT;
	const char	*password = w->password, *plugin = w->plugin;
	const char	*hash_string = w->hash_string;
	int		 reused = 0, r = 0;
	size_t		 i;

	if (host_all)
		return 0;
	if (mu->check) {
		o->changed = 1;
		o->password_changed = -1;
		mu_msg(o, "User added");
		return 0;
	}
	if (w->reuse_password) {
		if ((r = mu_select(mu, "plugin, authentication_string",
		    mu->user, NULL, &rows, cause)) != 0)
			goto out;
		/* exactly one distinct existing plugin and hash */
		for (i = 1; i < rows.n; i++) {
			if (strcmp(db_rows_get(&rows, i, 0),
			    db_rows_get(&rows, 0, 0)) != 0 ||
			    strcmp(db_rows_get(&rows, i, 1),
			    db_rows_get(&rows, 0, 1)) != 0)
				break;
		}
		if (rows.n > 0 && i == rows.n) {
			plugin = db_rows_get(&rows, 0, 0);
			hash_string = db_rows_get(&rows, 0, 1);
			password = NULL;
			reused = 1;
		}
	}
	create_user_sql(&q, mu, host, password, w->encrypted, plugin,
	    hash_string, w->auth_string);
	if (w->tls != NULL)
		buf_addf(&q, " REQUIRE %s", w->tls);
	buf_adds(&q, ";\n");
	for (i = 0; w->priv != NULL && i < w->priv->n; i++) {
		struct mysql_priv_act a = {
			0, 0, 1, w->priv->v[i].on, w->priv->v[i].privs,
			w->priv->v[i].n
		};
		mysql_priv_act_sql(&q, &a, mu->user, host);
	}
	if ((r = mu_query(mu, buf_cstr(&q), NULL, cause)) != 0)
		goto out;
	o->changed = 1;
	o->password_changed = !reused;
	mu_msg(o, "User added");
out:
	buf_release(&q);
	db_rows_release(&rows);
	return r;
}

/* user_mod's password step for one host: 1 when the caller returns. */
static int
mu_mod_password(struct mu *mu, const char *host, const struct mu_want *w,
    struct mu_out *o, int *failed, char **cause)
{
	struct db_rows	 rows = DB_ROWS_INIT;
	struct buf	 q = BUF_INIT;
	const char	*cur;
	char		 hash[42];
	int		 ret = 0;

	if ((*failed = mu_select(mu, "authentication_string", mu->user, host,
	    &rows, cause)) != 0)
		return 1;
	cur = db_rows_get(&rows, 0, 0);
	if (w->encrypted) {
		if (!mysql_is_hash(w->password)) {
			*cause = xstrdup("encrypted was specified however it "
			    "does not appear to be a valid hash expecting: "
			    "*SHA1(SHA1(your_password))");
			*failed = ERR_INVALID;
			ret = 1;
			goto out;
		}
		snprintf(hash, sizeof hash, "%s", w->password);
	} else
		mysql_native_hash(w->password, hash);
	if (cur != NULL && strcmp(cur, hash) == 0)
		goto out;
	o->password_changed = 1;
	mu_msg(o, "Password updated");
	if (mu->check) {
		o->changed = 1;
		ret = 1;
		goto out;
	}
	buf_adds(&q, "ALTER USER ");
	user_at(&q, mu->user, host);
	buf_adds(&q, " IDENTIFIED WITH mysql_native_password AS ");
	mysql_quote_literal(&q, hash);
	if ((*failed = mu_query(mu, buf_cstr(&q), NULL, cause)) != 0) {
		ret = 1;
		goto out;
	}
	mu_msg(o, "Password updated (new style)");
	o->changed = 1;
out:
	buf_release(&q);
	db_rows_release(&rows);
	return ret;
}

static int
mu_mod_plugin(struct mu *mu, const char *host, const struct mu_want *w,
    struct mu_out *o, char **cause)
{
	struct db_rows	 rows = DB_ROWS_INIT;
	struct buf	 q = BUF_INIT;
	const char	*cp, *ca;
	int		 r;

	if ((r = mu_select(mu, "plugin, authentication_string", mu->user,
	    host, &rows, cause)) != 0)
		return r;
	cp = db_rows_get(&rows, 0, 0);
	ca = db_rows_get(&rows, 0, 1);
	if ((cp != NULL && strcmp(cp, w->plugin) != 0) ||
	    (w->hash_string != NULL && (ca == NULL ||
	    strcmp(ca, w->hash_string) != 0)) ||
	    (w->auth_string != NULL && (ca == NULL ||
	    strcmp(ca, w->auth_string) != 0))) {
		/* as Ansible, in check mode too */
		if (!mu->check) {
			alter_plugin_sql(&q, mu, host, w->plugin,
			    w->hash_string, w->auth_string);
			r = mu_query(mu, buf_cstr(&q), NULL, cause);
		}
		o->password_changed = 1;
		o->changed = 1;
	}
	buf_release(&q);
	db_rows_release(&rows);
	return r;
}

/* user_mod's privilege step: 1 when the caller returns (check mode). */
static int
mu_mod_privs(struct mu *mu, const char *host, const struct mu_want *w,
    struct mu_out *o, int *failed, char **cause)
{
	struct mysql_privs	 cur = MYSQL_PRIVS_INIT, after = MYSQL_PRIVS_INIT;
	struct mysql_priv_plan	 plan = MYSQL_PRIV_PLAN_INIT;
	struct buf		 q = BUF_INIT;
	size_t			 i;
	int			 certain = 0, ret = 0;

	if ((*failed = mu_grants(mu, host, &cur, cause)) != 0)
		return 1;
	mysql_priv_plan(&cur, w->priv, w->append, w->subtract, mu->user,
	    &plan);
	if (plan.n == 0)
		goto out;
	mu_msg(o, plan.msg);
	if (mu->check) {
		o->changed = 1;
		ret = 1;
		goto out;
	}
	for (i = 0; i < plan.n; i++) {
		mysql_priv_act_sql(&q, &plan.v[i], mu->user, host);
		certain |= plan.v[i].certain;
	}
	if ((*failed = mu_query(mu, buf_cstr(&q), NULL, cause)) != 0 ||
	    (*failed = mu_grants(mu, host, &after, cause)) != 0) {
		ret = 1;
		goto out;
	}
	if (certain || !mysql_privs_equal(&cur, &after))
		o->changed = 1;
out:
	buf_release(&q);
	mysql_privs_release(&cur);
	mysql_privs_release(&after);
	mysql_priv_plan_release(&plan);
	return ret;
}

static int
mu_mod_tls(struct mu *mu, const char *host, const struct mu_want *w,
    struct mu_out *o, int *failed, char **cause)
{
	struct buf	 q = BUF_INIT;
	char		*cur;
	int		 err, same, ret = 0;

	cur = tls_current(mu, host, cause, &err);
	if (err) {
		*failed = ERR_IO;
		return 1;
	}
	same = (cur == NULL && w->tls == NULL) || (cur != NULL &&
	    w->tls != NULL && strcmp(cur, w->tls) == 0);
	free(cur);
	if (same)
		return 0;
	mu_msg(o, "TLS requires updated");
	if (mu->check) {
		o->changed = 1;
		return 1;
	}
	buf_adds(&q, "ALTER USER ");
	user_at(&q, mu->user, host);
	buf_addf(&q, " REQUIRE %s", w->tls != NULL ? w->tls : "NONE");
	if ((*failed = mu_query(mu, buf_cstr(&q), NULL, cause)) != 0)
		ret = 1;
	else
		o->changed = 1;
	buf_release(&q);
	return ret;
}

static int
mu_mod(struct mu *mu, const char *host, int host_all,
    const struct mu_want *w, struct mu_out *o, char **cause)
{
	struct db_rows	 hosts = DB_ROWS_INIT;
	size_t		 i, n;
	int		 failed = 0;

	mu_msg(o, "User unchanged");
	o->password_changed = 0;
	if (host_all && (failed = mu_select(mu, "host", mu->user, NULL,
	    &hosts, cause)) != 0)
		return failed;
	n = host_all ? hosts.n : 1;
	for (i = 0; i < n; i++) {
		const char *h = host_all ? db_rows_get(&hosts, i, 0) : host;

		if (w->password != NULL && *w->password != '\0' &&
		    mu_mod_password(mu, h, w, o, &failed, cause))
			break;
		if (w->plugin != NULL &&
		    (failed = mu_mod_plugin(mu, h, w, o, cause)) != 0)
			break;
		if (w->priv != NULL &&
		    mu_mod_privs(mu, h, w, o, &failed, cause))
			break;
		if (mu_mod_tls(mu, h, w, o, &failed, cause))
			break;
	}
	db_rows_release(&hosts);
	return failed;
}

static const char *const limit_keys[] = {
	"MAX_QUERIES_PER_HOUR", "MAX_UPDATES_PER_HOUR",
	"MAX_CONNECTIONS_PER_HOUR", "MAX_USER_CONNECTIONS",
	"MAX_STATEMENT_TIME"
};

/* limit_resources: 1 changed, 0 not, -1 failed with *cause. */
static int
mu_limits(struct mu *mu, const char *host, const struct value *want,
    char **cause)
{
	struct db_rows	 rows = DB_ROWS_INIT;
	struct buf	 q = BUF_INIT;
	const char	*cur;
	char		*v, *end;
	long long	 n;
	size_t		 i, k;
	int		 rv = -1, changes = 0;

	if (mu_select(mu, "max_questions, max_updates, max_connections, "
	    "max_user_connections, max_statement_time", mu->user, host,
	    &rows, cause) != 0)
		goto out;
	buf_adds(&q, "ALTER USER ");
	user_at(&q, mu->user, host);
	buf_adds(&q, " WITH");
	for (i = 0; i < want->u.dict.n; i++) {
		for (k = 0; k < ARRAY_SIZE(limit_keys); k++) {
			if (strcmp(want->u.dict.keys[i], limit_keys[k]) == 0)
				break;
		}
		if (k == ARRAY_SIZE(limit_keys) ||
		    (k == 4 && !mu->mariadb)) {
			*cause = k == 4 ? xstrdup("MAX_STATEMENT_TIME "
			    "resource limit is only supported by MariaDB.") :
			    xasprintf("resource_limits: key '%s' is "
			    "unsupported.", want->u.dict.keys[i]);
			goto out;
		}
		v = value_to_string(want->u.dict.vals[i]);
		n = strtoll(v, &end, 10);
		if (*v == '\0' || *end != '\0') {
			*cause = xasprintf("Can't convert value '%s' to "
			    "integer.", v);
			free(v);
			goto out;
		}
		free(v);
		cur = db_rows_get(&rows, 0, k);
		if (cur != NULL && strtod(cur, NULL) == (double)n)
			continue;
		buf_addf(&q, " %s %lld", limit_keys[k], n);
		changes++;
	}
	if (changes > 0 && !mu->check &&
	    mu_query(mu, buf_cstr(&q), NULL, cause) != 0)
		goto out;
	rv = changes > 0;
out:
	buf_release(&q);
	db_rows_release(&rows);
	return rv;
}

/* SET SQL_LOG_BIN and session_vars before every query. */
static void
mu_prefix(struct mu *mu, const struct mod_args *args)
{
	struct value	*sv = args_get(args, "session_vars"), *v;
	char		*s;
	size_t		 i;

	if (!args_bool(args, "sql_log_bin", 1))
		buf_adds(&mu->prefix, "SET SQL_LOG_BIN=0;\n");
	for (i = 0; sv != NULL && i < sv->u.dict.n; i++) {
		v = sv->u.dict.vals[i];
		buf_adds(&mu->prefix, "SET SESSION ");
		mysql_quote_ident(&mu->prefix, sv->u.dict.keys[i]);
		buf_adds(&mu->prefix, " = ");
		s = value_to_string(v);
		if (v->type == V_INT || v->type == V_FLOAT)
			buf_adds(&mu->prefix, s);
		else
			mysql_quote_literal(&mu->prefix, s);
		free(s);
		buf_adds(&mu->prefix, ";\n");
	}
}

static enum mod_status
mysql_user_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	struct mu		 mu;
	struct mu_want		 w;
	struct mu_out		 o = { 0, 0, NULL };
	struct mysql_privs	 priv = MYSQL_PRIVS_INIT;
	struct db_rows		 rows = DB_ROWS_INIT;
	struct db_login		 root;
	struct buf		 q = BUF_INIT;
	struct value		*pv = args_get(args, "priv");
	struct value		*limits = args_get(args, "resource_limits");
	const char		*state = args_str(args, "state");
	const char		*update = args_str(args, "update_password");
	int			 host_all = args_bool(args, "host_all", 0);
	int			 exists, lim;
	char			*host, *p, *cause = NULL, *pstr = NULL, *msg;
	enum mod_status		 st = MOD_FAILED;

	memset(&mu, 0, sizeof mu);
	memset(&w, 0, sizeof w);
	mu.ctx = ctx;
	mu.user = args_str(args, "name");
	mu.check = ctx_check_mode(ctx);
	host = xstrdup(args_str(args, "host"));
	for (p = host; *p != '\0'; p++)
		*p = tolower((unsigned char)*p);
	result_setstr(r, "user", mu.user);
	if (args_bool(args, "append_privs", 0) &&
	    args_bool(args, "subtract_privs", 0)) {
		st = result_fail(r, "parameters are mutually exclusive: "
		    "append_privs|subtract_privs");
		goto out;
	}
	if (pv != NULL && pv->type != V_NULL && pv->type != V_STR &&
	    pv->type != V_DICT) {
		st = result_fail(r, "priv parameter must be str or dict but "
		    "<class '%s'> was passed", pv->type == V_LIST ? "list" :
		    value_type_name(pv->type));
		goto out;
	}
	if (pv != NULL && pv->type == V_DICT && pv->u.dict.n > 0)
		pstr = mysql_priv_dict_to_str(pv);
	else if (pv != NULL && pv->type == V_STR && pv->u.str.len > 0)
		pstr = xstrdup(pv->u.str.s);

	db_login_mysql(&mu.l, args);
	if (args_bool(args, "force_context", 0))
		mu.l.database = "mysql";
	mu_prefix(&mu, args);
	buf_adds(&q, "SELECT VERSION(), @@GLOBAL.sql_mode");
	if (args_bool(args, "check_implicit_admin", 0)) {
		root = mu.l;
		mu.l.user = "root";
		mu.l.password = "";
		if (mu_query(&mu, buf_cstr(&q), &rows, &cause) != 0) {
			free(cause);
			cause = NULL;
			mu.l = root;
		}
	}
	if (rows.n == 0 && mu_query(&mu, buf_cstr(&q), &rows, &cause) != 0) {
		msg = db_mysql_connect_msg(&mu.l, cause);
		st = result_fail(r, "%s", msg);
		free(msg);
		goto out;
	}
	mu.mariadb = strstr(db_rows_get(&rows, 0, 0), "MariaDB") != NULL ||
	    strstr(db_rows_get(&rows, 0, 0), "mariadb") != NULL;
	if (pstr != NULL && mysql_privs_unpack(pstr,
	    strstr(db_rows_get(&rows, 0, 1), "ANSI") != NULL,
	    !args_bool(args, "subtract_privs", 0), &priv, &cause) != 0) {
		st = result_fail(r, "%s", cause);
		goto out;
	}
	db_rows_release(&rows);

	buf_reset(&q);
	buf_adds(&q, "SELECT count(*) FROM mysql.user");
	where_user(&q, mu.user, host_all ? NULL : host);
	if (mu_query(&mu, buf_cstr(&q), &rows, &cause) != 0) {
		st = result_fail(r, "%s", cause);
		goto out;
	}
	exists = atoi(db_rows_get(&rows, 0, 0) != NULL ?
	    db_rows_get(&rows, 0, 0) : "0") > 0;

	w.password = args_str(args, "password");
	w.encrypted = args_bool(args, "encrypted", 0);
	w.plugin = args_str(args, "plugin");
	w.hash_string = args_str(args, "plugin_hash_string");
	w.auth_string = args_str(args, "plugin_auth_string");
	w.priv = pstr != NULL ? &priv : NULL;
	w.append = args_bool(args, "append_privs", 0);
	w.subtract = args_bool(args, "subtract_privs", 0);
	w.tls = mysql_tls_wanted(args_get(args, "tls_requires"));

	if (strcmp(state, "absent") == 0) {
		if (!exists) {
			mu_msg(&o, "User doesn't exist");
			st = MOD_OK;
			goto done;
		}
		mu_msg(&o, "User deleted");
		o.changed = 1;
		if (!mu.check) {
			buf_reset(&q);
			if (host_all) {
				db_rows_release(&rows);
				if (mu_select(&mu, "host", mu.user, NULL,
				    &rows, &cause) != 0) {
					st = result_fail(r, "%s", cause);
					goto out;
				}
				for (size_t i = 0; i < rows.n; i++) {
					buf_adds(&q, "DROP USER IF EXISTS ");
					user_at(&q, mu.user,
					    db_rows_get(&rows, i, 0));
					buf_adds(&q, ";\n");
				}
			} else {
				buf_adds(&q, "DROP USER IF EXISTS ");
				user_at(&q, mu.user, host);
				buf_adds(&q, ";\n");
			}
			if (mu_query(&mu, buf_cstr(&q), NULL, &cause) != 0) {
				st = result_fail(r, "%s", cause);
				goto out;
			}
		}
		st = MOD_CHANGED;
		goto done;
	}
	if (exists) {
		if (strcmp(update, "always") != 0) {
			w.password = NULL;
			w.plugin = w.hash_string = w.auth_string = NULL;
		}
		if (mu_mod(&mu, host, host_all, &w, &o, &cause) != 0) {
			st = result_fail(r, "%s", cause);
			goto out;
		}
	} else {
		if (host_all) {
			st = result_fail(r, "host_all parameter cannot be "
			    "used when adding a user");
			goto out;
		}
		if (w.subtract)
			w.priv = NULL;
		w.reuse_password = strcmp(update, "on_new_username") == 0;
		if (mu_add(&mu, host, host_all, &w, &o, &cause) != 0) {
			st = result_fail(r, "%s", cause);
			goto out;
		}
	}
	if (limits != NULL && limits->type == V_DICT && limits->u.dict.n > 0) {
		if ((lim = mu_limits(&mu, host, limits, &cause)) < 0) {
			st = result_fail(r, "%s", cause);
			goto out;
		}
		o.changed |= lim;
	}
	st = o.changed ? MOD_CHANGED : MOD_OK;
done:
	if (o.msg != NULL)
		result_setstr(r, "msg", o.msg);
	if (o.password_changed < 0)
		result_set(r, "password_changed", value_null());
	else
		result_setbool(r, "password_changed", o.password_changed);
out:
	free(cause);
	free(host);
	free(pstr);
	free(o.msg);
	free(w.tls);
	buf_release(&q);
	buf_release(&mu.prefix);
	db_rows_release(&rows);
	mysql_privs_release(&priv);
	return st;
}

const struct module_entry module_mysql_user = {
	.name = "mysql_user",
	.aliases = mysql_user_aliases,
	.params = mysql_user_params,
	.flags = MOD_SUPPORTS_CHECK,
	.run = mysql_user_run,
};
