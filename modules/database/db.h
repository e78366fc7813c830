/*
 * The database family (mysql_db, mysql_user, postgresql_db,
 * postgresql_user, postgresql_privs): SQL quoting and the parsing of the
 * clients' output (db-sql.c), MySQL's privilege strings and grants
 * (mysql-priv.c), and running SQL through the mysql and psql clients on
 * the target (db-host.c).
 */
#ifndef CAIRN_DB_H
#define CAIRN_DB_H

#include <stddef.h>

#include "module.h"

/* db-sql.c */

/*
 * The family's string vectors: db_strv_add appends a copy to v[0..n);
 * db_strv_has is 1 when s is in v[0..n), db_in_list when it is in a
 * NULL-terminated list.
 */
void		 db_strv_add(char ***v, size_t *n, const char *s);
int		 db_strv_has(char *const *v, size_t n, const char *s);
int		 db_in_list(const char *const *v, const char *s);

/*
 * The one quoting of each dialect: every value that goes into SQL text
 * goes through these.  MySQL: `ident` (backquotes doubled) and 'literal'
 * (quote and backslash escaped, NUL as \0; the server's default
 * sql_mode, without NO_BACKSLASH_ESCAPES).  PostgreSQL: "ident" (double
 * quotes doubled) and E'literal' (quote and backslash escaped, whatever
 * standard_conforming_strings says).  NUL ends a C string, so it cannot
 * reach them.
 */
void		 mysql_quote_ident(struct buf *, const char *);
/* The same with ANSI_QUOTES ("ident", double quotes doubled) when ansi. */
void		 mysql_quote_ident_mode(struct buf *, const char *, int ansi);
void		 mysql_quote_literal(struct buf *, const char *);
void		 pg_quote_ident(struct buf *, const char *);
void		 pg_quote_literal(struct buf *, const char *);
/*
 * A libpq connection-string value: 'value' with quote and backslash
 * escaped (the conninfo the psql command line gets).
 */
void		 pg_quote_conninfo(struct buf *, const char *);
/*
 * A value for an option file line: MySQL's (password=...: backslash,
 * quote, newline and tab escaped inside double quotes) or a .pgpass field
 * (':' and '\' escaped).  -1 when the value cannot be written there (a
 * newline in a .pgpass field).
 */
int		 mysql_option_value(struct buf *, const char *);
int		 pg_pgpass_value(struct buf *, const char *);

/*
 * Rows of a client's output: mysql -N -B (fields split on tabs, rows on
 * newlines, \t \n \\ \0 unescaped) or psql -A -t with the unit and record
 * separators DB_PG_FS / DB_PG_RS (and newlines too with multi: psql ends
 * each result set with one).
 */
#define DB_PG_FS	"\037"
#define DB_PG_RS	"\036"
struct db_row {
	char	**f;
	size_t	  n;
};
struct db_rows {
	struct db_row	*v;
	size_t		 n;
};
#define DB_ROWS_INIT { NULL, 0 }
void		 db_rows_parse_mysql(const char *, size_t, struct db_rows *);
void		 db_rows_parse_pg(const char *, size_t, int multi,
		    struct db_rows *);
void		 db_rows_release(struct db_rows *);	/* NULL-safe */
/* Field i of row r, or NULL when there is no such row or field. */
const char	*db_rows_get(const struct db_rows *, size_t r, size_t i);

/*
 * MySQL's mysql_native_password hash of a clear-text password, as
 * PASSWORD() gives it: "*" and 40 upper-case hex digits (42 bytes with
 * NUL).  is_hash: 1 when s has that shape.
 */
void		 mysql_native_hash(const char *password, char out[42]);
int		 mysql_is_hash(const char *);

/*
 * PostgreSQL's stored passwords: the md5 form ("md5" and 32 hex digits,
 * 36 bytes with NUL) of password and user, and whether a SCRAM-SHA-256
 * verifier (pg_authid.rolpassword) is that of password: 1 yes, 0 no,
 * -1 when stored is not a verifier this can read.  Passwords are taken
 * as given (SASLprep is the identity for ASCII).
 */
void		 pg_md5_password(const char *password, const char *user,
		    char out[36]);
int		 pg_is_scram(const char *);
int		 pg_scram_verify(const char *stored, const char *password);

/* mysql-priv.c */

/*
 * Privileges as Ansible's mysql_user keeps them: for each object
 * ("*.*", "`db`.*", "`db`.`t`", "FUNCTION `db`.`f`") the list of
 * privilege names in upper case ("SELECT", "ALL", "SELECT (a, b)", and
 * "GRANT" for WITH GRANT OPTION), in the order they were given.
 */
struct mysql_priv {
	char	 *on;
	char	**privs;
	size_t	  n;
};
struct mysql_privs {
	struct mysql_priv	*v;
	size_t			 n;
};
#define MYSQL_PRIVS_INIT { NULL, 0 }
void		 mysql_privs_release(struct mysql_privs *);	/* NULL-safe */
/* The entry for an object, or NULL. */
const struct mysql_priv *mysql_privs_find(const struct mysql_privs *,
		    const char *on);
/*
 * Ansible's privileges_unpack: "db.*:SELECT,INSERT/db2.t:ALL" into
 * privs; names quoted with " when ansi (sql_mode ANSI) else backquotes
 * (by mysql_quote_ident_mode, where Ansible does not escape), and USAGE
 * on *.* added when ensure_usage and *.* is not given.  0, or -1 and
 * *cause for an item without ':' or a privilege name that is not words
 * (with an optional column list): they go into SQL as they are.
 */
int		 mysql_privs_unpack(const char *, int ansi, int ensure_usage,
		    struct mysql_privs *, char **cause);
/*
 * A priv dict ({"db.*": "SELECT,INSERT"}) as the string form, as
 * Ansible's convert_priv_dict_to_str does; malloc'd.
 */
char		*mysql_priv_dict_to_str(const struct value *);
/*
 * Ansible's privileges_get on the lines of SHOW GRANTS: ALL PRIVILEGES
 * is ALL, column grants are joined and sorted, WITH GRANT OPTION adds
 * GRANT; role grants ("GRANT `r` TO `u`@`h`") are skipped.  0, or -1 and
 * *cause ("unable to parse the MySQL grant string: ...").
 */
int		 mysql_privs_from_grants(char *const *lines, size_t n,
		    struct mysql_privs *, char **cause);
/* 1 when both hold the same objects with the same lists (Python's ==). */
int		 mysql_privs_equal(const struct mysql_privs *,
		    const struct mysql_privs *);

/*
 * What user_mod does to reach the wanted privileges from the current
 * ones, in Ansible's order: revokes of objects not wanted (not for root,
 * not when PROXY is held), grants of objects not held, then for objects
 * in both the grants and revokes of the difference.  certain: an action
 * that Ansible counts as a change whatever the server says afterwards
 * (the first two kinds); the others count only if SHOW GRANTS differs
 * after them.
 */
struct mysql_priv_act {
	int		  revoke;		/* else grant */
	int		  grant_option;		/* revoke: REVOKE GRANT OPTION first */
	int		  certain;
	char		 *on;
	char		**privs;
	size_t		  n;
};
struct mysql_priv_plan {
	struct mysql_priv_act	*v;
	size_t			 n;
	char			*msg;		/* Ansible's msg for the last step */
};
#define MYSQL_PRIV_PLAN_INIT { NULL, 0, NULL }
void		 mysql_priv_plan(const struct mysql_privs *cur,
		    const struct mysql_privs *want, int append, int subtract,
		    const char *user, struct mysql_priv_plan *);
void		 mysql_priv_plan_release(struct mysql_priv_plan *);
/*
 * The statements of one action for user@host (each ends with ";\n"):
 * REVOKE GRANT OPTION, REVOKE, GRANT ... [WITH GRANT OPTION].
 */
void		 mysql_priv_act_sql(struct buf *, const struct mysql_priv_act *,
		    const char *user, const char *host);

/* pg-plan.c */

/*
 * Ansible's role attribute flags and their pg_authid columns, in this
 * order: SUPERUSER, CREATEROLE, CREATEDB, INHERIT, LOGIN, REPLICATION,
 * BYPASSRLS.
 */
#define PG_NROLE_FLAGS	7
extern const char *const pg_role_flags[PG_NROLE_FLAGS][2];
/*
 * parse_role_attrs: "createdb,nosuperuser" as "CREATEDB NOSUPERUSER"
 * appended to out (upper case, each once, in the order given).  0, or -1
 * and *cause ("Invalid role_attr_flags specified: X").
 */
int		 pg_role_flags_parse(const char *, struct buf *out,
		    char **cause);
/*
 * 1 when the parsed flags ask for something the role's columns (cur[i]
 * for pg_role_flags[i], "t" or "f", NULL when unknown) do not hold.
 */
int		 pg_role_flags_changing(const char *flags,
		    const char *const *cur);
/*
 * user_should_we_change_password: whether the password changes, given
 * the stored rolpassword (NULL for none).  "" removes a password; a
 * SCRAM verifier or md5 hash given is compared as it is; a stored SCRAM
 * verifier is checked against the clear text; else the md5 forms.
 */
int		 pg_password_changing(const char *password, int encrypted,
		    const char *user, const char *cur);

/*
 * One postgresql_privs task: type (Ansible's choice), schema (NULL for
 * none), privileges (upper case), objects, orig ("ALL TABLES IN SCHEMA"
 * for ALL_IN_SCHEMA, else NULL), for_whom and as_who (quoted role lists,
 * as_who NULL), present (grant) or not, grant_option -1 (leave), 0 or 1.
 */
struct pg_grant {
	const char	 *type;
	const char	 *schema;
	char		**privs;
	size_t		  nprivs;
	char		**objs;
	size_t		  nobjs;
	const char	 *orig;
	const char	 *for_whom;
	const char	 *as_who;
	int		  present;
	int		  grant_option;
	int		  usage_on_types;
};
/* The statements, as Ansible's QueryBuilder writes them, one a line. */
void		 pg_grant_sql(struct buf *, const struct pg_grant *);
/*
 * A SELECT of the objects' ACL texts (memberships for groups), each row
 * tagged with tag: read before and after the statements, in the same
 * transaction.
 */
void		 pg_grant_status_sql(struct buf *, const struct pg_grant *,
		    const char *tag);
/* ARRAY[E'a',...]::text[] and " AND col = E'schema'" (nothing for NULL). */
void		 pg_literal_array(struct buf *, char *const *, size_t);
void		 pg_schema_cond(struct buf *, const char *col,
		    const char *schema);

/*
 * TLS requirements as Ansible's sanitize_requires makes them from the
 * tls_requires dict: NULL for none, "SSL", "X509", or the SQL of the
 * CIPHER/ISSUER/SUBJECT pairs ("CIPHER 'x' AND ISSUER 'y'"); malloc'd.
 * mysql_tls_from_create gives the same form for a SHOW CREATE USER (or
 * SHOW GRANTS) line's REQUIRE clause, NULL for none or NONE.
 */
char		*mysql_tls_wanted(const struct value *);
char		*mysql_tls_from_create(const char *line);

/* db-host.c */

/* community.mysql's common connection parameters (mysql_common_argument_spec). */
extern const char *const db_mysql_ca_aliases[];
extern const char *const db_mysql_cert_aliases[];
extern const char *const db_mysql_key_aliases[];
#define DB_MYSQL_COMMON_PARAMS						\
	{ "login_user", P_STR, 0, NULL, NULL, NULL },			\
	{ "login_password", P_STR, P_SECRET, NULL, NULL, NULL },	\
	{ "login_host", P_STR, 0, "localhost", NULL, NULL },		\
	{ "login_port", P_INT, 0, "3306", NULL, NULL },			\
	{ "login_unix_socket", P_STR, 0, NULL, NULL, NULL },		\
	{ "config_file", P_PATH, 0, "~/.my.cnf", NULL, NULL },		\
	{ "connect_timeout", P_INT, 0, "30", NULL, NULL },		\
	{ "ca_cert", P_PATH, 0, NULL, NULL, db_mysql_ca_aliases },	\
	{ "client_cert", P_PATH, 0, NULL, NULL, db_mysql_cert_aliases },	\
	{ "client_key", P_PATH, 0, NULL, NULL, db_mysql_key_aliases },	\
	{ "check_hostname", P_BOOL, 0, NULL, NULL, NULL },		\
	{ "check_implicit_admin", P_BOOL, 0, "no", NULL, NULL }

/* community.postgresql's (postgres_common_argument_spec). */
extern const char *const db_pg_login_user_aliases[];
extern const char *const db_pg_login_host_aliases[];
extern const char *const db_pg_socket_aliases[];
extern const char *const db_pg_port_aliases[];
extern const char *const db_pg_ca_aliases[];
extern const char *const db_pg_ssl_mode_choices[];
#define DB_PG_COMMON_PARAMS						\
	{ "login_user", P_STR, 0, "postgres", NULL,			\
	    db_pg_login_user_aliases },					\
	{ "login_password", P_STR, P_SECRET, "", NULL, NULL },		\
	{ "login_host", P_STR, 0, "", NULL, db_pg_login_host_aliases },	\
	{ "login_unix_socket", P_STR, 0, "", NULL, db_pg_socket_aliases },	\
	{ "port", P_INT, 0, "5432", NULL, db_pg_port_aliases },		\
	{ "ssl_mode", P_STR, 0, "prefer", db_pg_ssl_mode_choices, NULL },	\
	{ "ca_cert", P_STR, 0, NULL, NULL, db_pg_ca_aliases },		\
	{ "ssl_cert", P_PATH, 0, NULL, NULL, NULL },			\
	{ "ssl_key", P_PATH, 0, NULL, NULL, NULL },			\
	{ "connect_params", P_DICT, 0, NULL, NULL, NULL },		\
	{ "session_role", P_STR, 0, NULL, NULL, NULL },			\
	{ "trust_input", P_BOOL, 0, "yes", NULL, NULL }

enum db_dialect { DB_MYSQL, DB_PG };

/*
 * How to reach the server: the module's login_* parameters.  Strings may
 * be NULL (or "" for PostgreSQL's defaults).  The password never reaches
 * a command line: it goes to a 0600 temp option file (a MySQL
 * defaults-extra-file, a .pgpass for PGPASSFILE) through the script's
 * stdin, removed as soon as the client exits.
 */
struct db_login {
	enum db_dialect	 dialect;
	const char	*user;
	const char	*password;
	const char	*host;
	const char	*socket;
	long long	 port;
	long long	 connect_timeout;	/* MySQL; 0 for none */
	const char	*database;
	const char	*chdir;			/* the tools run there */
	/*
	 * PostgreSQL: the SQL returns several result sets; psql ends each
	 * with a newline, so rows end at newlines too (values must have
	 * none).
	 */
	int		 multi;
	/* MySQL */
	const char	*config_file;		/* used when it exists */
	int		 restrict_config_file;
	const char	*ssl_cert, *ssl_key, *ssl_ca;
	int		 check_hostname;	/* -1 unset */
	/* PostgreSQL */
	const char	*session_role;		/* SET ROLE before the SQL */
	const char	*ssl_mode;
	const char	*ssl_rootcert;
	const struct value *connect_params;
};
/* login_* of the module's arguments (the borrowed strings live in args). */
void		 db_login_mysql(struct db_login *, const struct mod_args *);
void		 db_login_pg(struct db_login *, const struct mod_args *);

/*
 * Runs sql through the client (mysql -N -B, psql -X -q -A -t with
 * ON_ERROR_STOP), the text on its stdin; rows, when not NULL, get its
 * output.  0; ERR_IO and *cause (the client's stderr) when the client
 * fails; a transport error.
 */
int		 db_query(struct task_ctx *, const struct db_login *,
		    const char *sql, struct db_rows *, char **cause);
/*
 * Runs one of the dialect's tools (mysql, mysqldump; psql, pg_dump,
 * pg_restore) with the login's options followed by args (shell text the
 * caller quoted), between pre and tail (shell text: a pipe into it, a
 * redirection or a pipe out of it; NULL for none), into res.  *shown
 * (malloc'd, when not NULL) gets the command as Ansible's
 * executed_commands show it (no password in it).  0 or a transport
 * error.
 */
int		 db_tool(struct task_ctx *, const struct db_login *,
		    const char *pre, const char *tool, const char *args,
		    const char *tail, struct exec_result *, char **shown,
		    char **cause);
/*
 * Shell text that sends a tool's standard output through comp (gzip,
 * bzip2, xz) into target, keeping the tool's own exit status (Ansible
 * needs bash's pipefail for that): pre goes before the tool, tail after
 * its arguments, as db_tool takes them.
 */
void		 db_pipe_to_file(struct buf *pre, struct buf *tail,
		    const char *comp, const char *target);
/*
 * The message for a connection that failed, as Ansible's modules word
 * it: malloc'd.
 */
char		*db_mysql_connect_msg(const struct db_login *, const char *why);

#endif
