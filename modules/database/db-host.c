/*
 * The database family's host side: the mysql and psql clients (and
 * their dump tools) run on the target with the module's login, the SQL
 * on their stdin, and the password in a 0600 temp option file that the
 * script writes from its stdin and removes as soon as the client exits,
 * so that it is never on a command line nor in the environment.
 */
#include <stdlib.h>
#include <string.h>

#include "db.h"

const char *const db_mysql_ca_aliases[] = { "ssl_ca", NULL };
const char *const db_mysql_cert_aliases[] = { "ssl_cert", NULL };
const char *const db_mysql_key_aliases[] = { "ssl_key", NULL };
const char *const db_pg_login_user_aliases[] = { "login", NULL };
const char *const db_pg_login_host_aliases[] = { "host", NULL };
const char *const db_pg_socket_aliases[] = { "unix_socket", NULL };
const char *const db_pg_port_aliases[] = { "login_port", NULL };
const char *const db_pg_ca_aliases[] = { "ssl_rootcert", NULL };
const char *const db_pg_ssl_mode_choices[] = {
	"allow", "disable", "prefer", "require", "verify-ca", "verify-full",
	NULL
};

static const char *
str_or_null(const struct mod_args *args, const char *name)
{
	const char	*s = args_str(args, name);

	return s != NULL && *s != '\0' ? s : NULL;
}

void
db_login_mysql(struct db_login *l, const struct mod_args *args)
{
	memset(l, 0, sizeof *l);
	l->dialect = DB_MYSQL;
	l->user = args_str(args, "login_user");
	l->password = args_str(args, "login_password");
	l->host = args_str(args, "login_host");
	l->socket = str_or_null(args, "login_unix_socket");
	l->port = args_int(args, "login_port", 3306);
	l->connect_timeout = args_int(args, "connect_timeout", 30);
	l->config_file = str_or_null(args, "config_file");
	l->restrict_config_file = args_bool(args, "restrict_config_file", 0);
	l->ssl_cert = args_str(args, "client_cert");
	l->ssl_key = args_str(args, "client_key");
	l->ssl_ca = args_str(args, "ca_cert");
	l->check_hostname = args_has(args, "check_hostname") ?
	    args_bool(args, "check_hostname", 0) : -1;
}

void
db_login_pg(struct db_login *l, const struct mod_args *args)
{
	memset(l, 0, sizeof *l);
	l->dialect = DB_PG;
	l->user = str_or_null(args, "login_user");
	l->password = str_or_null(args, "login_password");
	l->host = str_or_null(args, "login_host");
	l->socket = str_or_null(args, "login_unix_socket");
	l->port = args_int(args, "port", 5432);
	l->session_role = str_or_null(args, "session_role");
	l->ssl_mode = str_or_null(args, "ssl_mode");
	l->ssl_rootcert = str_or_null(args, "ca_cert");
	l->ssl_cert = str_or_null(args, "ssl_cert");
	l->ssl_key = str_or_null(args, "ssl_key");
	l->connect_params = args_get(args, "connect_params");
}

/* --name=value as one shell word. */
static void
db_opt(struct buf *cmd, const char *name, const char *value)
{
	struct buf	w = BUF_INIT;

	buf_addf(&w, "--%s=%s", name, value);
	buf_addc(cmd, ' ');
	shell_quote_buf(cmd, buf_cstr(&w));
	buf_release(&w);
}

/*
 * The option-file part of a MySQL script: sets o to the file the client
 * reads first (the temp file with the password, which includes
 * config_file when it exists; or config_file itself).
 */
static void
db_mysql_prologue(struct buf *s, const struct db_login *l)
{
	buf_adds(s, "o=\n");
	if (l->config_file != NULL) {
		buf_adds(s, "c=");
		host_path_word(s, l->config_file);
		buf_adds(s, "\n[ -f \"$c\" ] && o=$c\n");
	}
	if (l->password == NULL)
		return;
	/* mktemp makes it 0600; the umask stays for the tool's files */
	buf_adds(s, "f=$(mktemp) || exit 125\n"
	    "trap 'rm -f \"$f\"' EXIT HUP INT TERM\n"
	    "IFS= read -r l\n"
	    "{ [ -n \"$o\" ] && printf '!include %s\\n' \"$o\"\n"
	    "printf '[client]\\npassword=%s\\n' \"$l\"; } >\"$f\"\n"
	    "o=$f\n");
}

static void
db_pg_prologue(struct buf *s, const struct db_login *l)
{
	if (l->password == NULL)
		return;
	buf_adds(s, "f=$(mktemp) || exit 125\n"
	    "trap 'rm -f \"$f\"' EXIT HUP INT TERM\n"
	    "IFS= read -r l\n"
	    "printf '*:*:*:*:%s\\n' \"$l\" >\"$f\"\n"
	    "PGPASSFILE=$f\nexport PGPASSFILE\n");
}

static void
db_conninfo_kv(struct buf *ci, const char *k, const char *v)
{
	if (v == NULL)
		return;
	if (ci->len > 0)
		buf_addc(ci, ' ');
	buf_addf(ci, "%s=", k);
	pg_quote_conninfo(ci, v);
}

/*
 * The client's name and connection options, as shell text; for showing,
 * without the option file's word (it names a temp file).
 */
static void
db_client(struct buf *s, const struct db_login *l, const char *tool,
    int for_show)
{
	struct buf	 ci = BUF_INIT;
	const char	*host;
	char		 num[32];
	size_t		 i;

	buf_adds(s, tool);
	if (l->dialect == DB_MYSQL) {
		/* an option file must be the first option */
		if (!for_show)
			buf_addf(s, " ${o:+\"--%s=$o\"}",
			    l->restrict_config_file ? "defaults-file" :
			    "defaults-extra-file");
		if (l->user != NULL)
			db_opt(s, "user", l->user);
		if (l->socket != NULL)
			db_opt(s, "socket", l->socket);
		else {
			if (l->host != NULL)
				db_opt(s, "host", l->host);
			/*
			 * The client takes an explicit port as a request
			 * for TCP, even to localhost: the default socket
			 * stays the default, as the mysql command's own.
			 */
			if (l->host == NULL || strcmp(l->host, "localhost") != 0 ||
			    l->port != 3306)
				buf_addf(s, " --port=%lld", l->port);
		}
		if (l->connect_timeout > 0 && strcmp(tool, "mysql") == 0)
			buf_addf(s, " --connect-timeout=%lld",
			    l->connect_timeout);
		if (l->ssl_cert != NULL)
			db_opt(s, "ssl-cert", l->ssl_cert);
		if (l->ssl_key != NULL)
			db_opt(s, "ssl-key", l->ssl_key);
		if (l->ssl_ca != NULL)
			db_opt(s, "ssl-ca", l->ssl_ca);
		if (l->check_hostname == 1)
			buf_adds(s, " --ssl-verify-server-cert");
		if (l->database != NULL)
			db_opt(s, "database", l->database);
		return;
	}
	db_conninfo_kv(&ci, "dbname", l->database);
	db_conninfo_kv(&ci, "user", l->user);
	host = l->host != NULL ? l->host : l->socket;
	db_conninfo_kv(&ci, "host", host);
	snprintf(num, sizeof num, "%lld", l->port);
	db_conninfo_kv(&ci, "port", num);
	db_conninfo_kv(&ci, "sslmode", l->ssl_mode);
	db_conninfo_kv(&ci, "sslrootcert", l->ssl_rootcert);
	db_conninfo_kv(&ci, "sslcert", l->ssl_cert);
	db_conninfo_kv(&ci, "sslkey", l->ssl_key);
	if (l->connect_params != NULL && l->connect_params->type == V_DICT) {
		for (i = 0; i < l->connect_params->u.dict.n; i++) {
			char *v = value_to_string(
			    l->connect_params->u.dict.vals[i]);

			db_conninfo_kv(&ci, l->connect_params->u.dict.keys[i],
			    v);
			free(v);
		}
	}
	buf_adds(s, " -d ");
	shell_quote_buf(s, buf_cstr(&ci));
	buf_release(&ci);
}

/*
 * The whole script and its stdin: the password line (when there is
 * one) then input.  Returns -1 with *cause for a password the option
 * file cannot hold.
 */
static int
db_script(const struct db_login *l, const char *pre, const char *tool,
    const char *args, const char *tail, const char *input, struct buf *s,
    struct buf *in, char **shown, char **cause)
{
	struct buf	show = BUF_INIT;
	int		pass;

	if (l->password != NULL) {
		if (l->dialect == DB_MYSQL)
			mysql_option_value(in, l->password);
		else if (pg_pgpass_value(in, l->password) != 0) {
			*cause = xstrdup("login_password cannot hold a "
			    "newline");
			return -1;
		}
		buf_addc(in, '\n');
	}
	if (input != NULL)
		buf_adds(in, input);
	if (l->chdir != NULL) {
		buf_adds(s, "cd ");
		host_path_word(s, l->chdir);
		buf_adds(s, " || exit 1\n");
	} else {
		/*
		 * A become user may not enter the login's directory: the
		 * clients would say so on every run.
		 */
		buf_adds(s, "cd . 2>/dev/null || cd \"${HOME:-/}\" 2>/dev/null "
		    "|| cd /\n");
	}
	if (l->dialect == DB_MYSQL)
		db_mysql_prologue(s, l);
	else
		db_pg_prologue(s, l);
	for (pass = 0; pass < 2; pass++) {
		struct buf *to = pass == 0 ? s : &show;

		if (pre != NULL && *pre != '\0')
			buf_addf(to, "%s ", pre);
		db_client(to, l, tool, pass == 1);
		if (args != NULL && *args != '\0')
			buf_addf(to, " %s", args);
		if (tail != NULL && *tail != '\0')
			buf_addf(to, " %s", tail);
	}
	if (shown != NULL)
		*shown = buf_detach(&show, NULL);
	buf_release(&show);
	if (l->password != NULL)
		buf_adds(s, "\nrc=$?\nrm -f \"$f\"\nexit $rc");
	return 0;
}

int
db_tool(struct task_ctx *ctx, const struct db_login *l, const char *pre,
    const char *tool, const char *args, const char *tail,
    struct exec_result *res, char **shown, char **cause)
{
	struct buf	s = BUF_INIT, in = BUF_INIT;
	int		r;

	if (db_script(l, pre, tool, args, tail, NULL, &s, &in, shown,
	    cause) != 0) {
		r = ERR_INVALID;
		goto out;
	}
	r = host_run_stdin(ctx, buf_cstr(&s), in.s, in.len, res, cause);
out:
	buf_release(&s);
	buf_release(&in);
	return r;
}

int
db_query(struct task_ctx *ctx, const struct db_login *l, const char *sql,
    struct db_rows *rows, char **cause)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 s = BUF_INIT, in = BUF_INIT, args = BUF_INIT;
	struct buf		 q = BUF_INIT;
	const char		*tool;
	char			*e;
	int			 r;

	if (l->dialect == DB_MYSQL) {
		tool = "mysql";
		buf_adds(&args, "-N -B");
	} else {
		if (l->session_role != NULL) {
			buf_adds(&q, "SET ROLE ");
			pg_quote_ident(&q, l->session_role);
			buf_adds(&q, ";\n");
		}
		tool = "psql";
		buf_adds(&args, "-X -q -A -t -v ON_ERROR_STOP=1 -F ");
		shell_quote_buf(&args, DB_PG_FS);
		buf_adds(&args, " -R ");
		shell_quote_buf(&args, DB_PG_RS);
	}
	buf_adds(&q, sql);
	if (db_script(l, NULL, tool, buf_cstr(&args), NULL, buf_cstr(&q), &s,
	    &in, NULL, cause) != 0) {
		r = ERR_INVALID;
		goto out;
	}
	if ((r = host_run_stdin(ctx, buf_cstr(&s), in.s, in.len, &res,
	    cause)) != 0)
		goto out;
	if (res.rc != 0) {
		e = xstrndup(buf_cstr(&res.err), res.err.len);
		while (*e != '\0' && e[strlen(e) - 1] == '\n')
			e[strlen(e) - 1] = '\0';
		if (*e == '\0') {
			free(e);
			e = res.rc == 127 ? xasprintf("%s: command not found",
			    tool) : xasprintf("%s exited with status %d", tool,
			    res.rc);
		}
		*cause = e;
		r = ERR_IO;
		goto out;
	}
	if (rows != NULL) {
		if (l->dialect == DB_MYSQL)
			db_rows_parse_mysql(buf_cstr(&res.out), res.out.len,
			    rows);
		else
			db_rows_parse_pg(buf_cstr(&res.out), res.out.len,
			    l->multi, rows);
	}
out:
	exec_result_release(&res);
	buf_release(&s);
	buf_release(&in);
	buf_release(&args);
	buf_release(&q);
	return r;
}

void
db_pipe_to_file(struct buf *pre, struct buf *tail, const char *comp,
    const char *target)
{
	/* the status goes out on fd 3 past the pipe */
	buf_adds(pre, "st=$( { {");
	buf_addf(tail, "3>&-; echo $? >&3; } | %s >", comp);
	host_path_word(tail, target);
	buf_adds(tail, "; } 3>&1 ); z=$?; [ \"$st\" = 0 ] || z=${st:-1}; "
	    "(exit $z)");
}

char *
db_mysql_connect_msg(const struct db_login *l, const char *why)
{
	return xasprintf("unable to connect to database, check login_user "
	    "and login_password are correct or %s has the credentials. "
	    "Exception message: %s", l->config_file != NULL ?
	    l->config_file : "~/.my.cnf", why);
}
