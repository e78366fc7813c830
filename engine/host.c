/* The host API modules use: one shell round trip per call over the host's connection. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host.h"
#include "vault.h"
#include "yaml.h"
#include "module.h"

/* A lock of the task's shell; lk NULL once released. */
struct host_lock {
	struct conn_lock	*lk;
};

/* The task context. */

int
ctx_check_mode(struct task_ctx *ctx)
{
	return ctx->check_mode;
}

int
ctx_diff_mode(struct task_ctx *ctx)
{
	return ctx->diff_mode;
}

int
ctx_reconnect(struct task_ctx *ctx, int timeout, char **cause)
{
	struct conn_opts	co;
	int			r;

	if (ctx->conn_slot == NULL || ctx->conn_opts == NULL) {
		*cause = xstrdup("this task's connection cannot be reopened "
		    "(delegated or local)");
		return ERR_INVALID;
	}
	conn_close(*ctx->conn_slot);
	*ctx->conn_slot = ctx->conn = NULL;
	co = *ctx->conn_opts;
	if (timeout > 0)
		co.timeout = timeout;
	if ((r = conn_open(&co, ctx->conn_slot, cause)) != 0) {
		*ctx->conn_slot = NULL;
		return r;
	}
	ctx->conn = *ctx->conn_slot;
	ctx->unreachable = 0;
	free(ctx->unreachable_msg);
	ctx->unreachable_msg = NULL;
	return 0;
}

const char *
ctx_host_name(struct task_ctx *ctx)
{
	return ctx->host_name;
}

int
ctx_verbosity(struct task_ctx *ctx)
{
	return ctx->verbosity;
}

struct value *
ctx_var(struct task_ctx *ctx, const char *name)
{
	if (ctx->scope.lookup == NULL)
		return NULL;
	return ctx->scope.lookup(ctx->scope.ud, name);
}

int
ctx_eval(struct task_ctx *ctx, const char *src, struct value **out,
    char **cause)
{
	return expr_eval(src, &ctx->scope, out, cause);
}

int
ctx_render(struct task_ctx *ctx, const char *tmpl, struct value **out,
    char **cause)
{
	return template_render(tmpl, &ctx->scope, out, cause);
}

char *
ctx_find_file(struct task_ctx *ctx, const char *subdir, const char *name)
{
	char	*path;

	if (name[0] == '/')
		return access(name, F_OK) == 0 ? xstrdup(name) : NULL;
	/* Ansible's search path: the role first, then the playbook's. */
	if ((path = path_try(ctx->role_dir, subdir, name)) != NULL ||
	    (path = path_try(ctx->role_dir, NULL, name)) != NULL ||
	    (path = path_try(ctx->playbook_dir, subdir, name)) != NULL ||
	    (path = path_try(ctx->playbook_dir, NULL, name)) != NULL)
		return path;
	return NULL;
}

int
ctx_render_file(struct task_ctx *ctx, const char *text,
    const struct ctx_template_opts *co, const char *src, const char *fullpath,
    const char *dest, char **out, char **cause)
{
	struct template_opts	 o;
	struct value		*tvars;
	int			 rc;

	template_opts_init(&o);
	if (co->block_start != NULL)
		o.block_start = co->block_start;
	if (co->block_end != NULL)
		o.block_end = co->block_end;
	if (co->variable_start != NULL)
		o.variable_start = co->variable_start;
	if (co->variable_end != NULL)
		o.variable_end = co->variable_end;
	if (co->comment_start != NULL)
		o.comment_start = co->comment_start;
	if (co->comment_end != NULL)
		o.comment_end = co->comment_end;
	o.trim_blocks = co->trim_blocks;
	o.lstrip_blocks = co->lstrip_blocks;
	tvars = template_file_vars(src, fullpath, dest);
	rc = template_render_file(text, &o, tvars, &ctx->scope, out, cause);
	value_unref(tvars);
	return rc;
}

int
ctx_load_vars_file(struct task_ctx *ctx, const char *path, struct value **out,
    char **cause)
{
	(void)ctx;
	return yaml_load_file(path, out, cause) == 0 ? 0 : -1;
}

const char *
ctx_role_dir(struct task_ctx *ctx)
{
	return ctx->role_dir;
}

const char *
ctx_playbook_dir(struct task_ctx *ctx)
{
	return ctx->playbook_dir;
}

int
ctx_read_file(struct task_ctx *ctx, const char *path, int decrypt,
    struct buf *out, char **cause)
{
	struct buf	raw = BUF_INIT;
	int		r;

	(void)ctx;
	if ((r = read_file(path, &raw)) != 0) {
		*cause = xasprintf("could not read '%s': %s", path,
		    strerror(-r));
		buf_release(&raw);
		return ERR_NOENT;
	}
	if (!decrypt || !vault_is_encrypted(buf_cstr(&raw), raw.len)) {
		buf_add(out, raw.s, raw.len);
		buf_cstr(out);
		buf_release(&raw);
		return 0;
	}
	r = vault_decrypt(vault_get_secrets(), raw.s, raw.len, path, out,
	    NULL, cause);
	buf_release(&raw);
	return r == 0 ? 0 : ERR_INVALID;
}

/* Shell words. */

void
host_path_word(struct buf *b, const char *path)
{
	if (strcmp(path, "~") == 0) {
		buf_adds(b, "\"$HOME\"");
		return;
	}
	if (str_startswith(path, "~/")) {
		buf_adds(b, "\"$HOME\"");
		shell_quote_buf(b, path + 1);
		return;
	}
	shell_quote_buf(b, path);
}

/* Round trips. */

static int
host_exec(struct task_ctx *ctx, const char *cmd, const void *data,
    size_t len, struct exec_result *res, char **cause)
{
	int	r;

	if (ctx->conn == NULL) {
		*cause = xstrdup("no connection to the host");
		return ERR_NOTCONN;
	}
	if (ctx->env_prefix != NULL) {
		char *full = xasprintf("%s%s", ctx->env_prefix, cmd);

		r = conn_exec_lock(ctx->conn, ctx->become, ctx->lockop, full,
		    data, len, ctx->command_timeout, res, cause);
		free(full);
	} else
		r = conn_exec_lock(ctx->conn, ctx->become, ctx->lockop, cmd,
		    data, len, ctx->command_timeout, res, cause);
	if (r == ERR_UNREACHABLE) {
		ctx->unreachable = 1;
		free(ctx->unreachable_msg);
		ctx->unreachable_msg = xstrdup(*cause != NULL ? *cause :
		    "connection lost");
	}
	return r;
}

/*
 * Every script runs in a subshell so that cd, exit, traps or variables of
 * one command never leak into the persistent shell the next one uses.
 */
static int
host_script(struct task_ctx *ctx, struct buf *script, const void *data,
    size_t len, struct exec_result *res, char **cause)
{
	struct buf	 cmd = BUF_INIT;
	int		 r;

	buf_adds(&cmd, "(\n");
	buf_add(&cmd, script->s, script->len);
	buf_adds(&cmd, "\n)");
	r = host_exec(ctx, buf_cstr(&cmd), data, len, res, cause);
	buf_release(&cmd);
	return r;
}

int
host_run(struct task_ctx *ctx, const char *cmd, struct exec_result *res,
    char **cause)
{
	return host_run_stdin(ctx, cmd, NULL, 0, res, cause);
}

int
host_run_stdin(struct task_ctx *ctx, const char *cmd, const void *data,
    size_t len, struct exec_result *res, char **cause)
{
	struct buf	s = BUF_INIT;
	int		r;

	buf_adds(&s, cmd);
	r = host_script(ctx, &s, data, len, res, cause);
	buf_release(&s);
	return r;
}

/* The remote error text of a failed script: its stderr, trimmed. */
static char *
host_err(const struct exec_result *res, const char *fallback)
{
	char	*s;

	if (res->err.len == 0)
		return xasprintf("%s (exit status %d)", fallback, res->rc);
	s = xstrndup(res->err.s, res->err.len);
	while (*s != '\0' && (s[strlen(s) - 1] == '\n' ||
	    s[strlen(s) - 1] == '\r'))
		s[strlen(s) - 1] = '\0';
	return s;
}

/* host_script for a read-only probe: a non-zero status is an error. */
static int
host_script_checked(struct task_ctx *ctx, struct buf *script,
    struct exec_result *res, const char *what, char **cause)
{
	int	r;

	if ((r = host_script(ctx, script, NULL, 0, res, cause)) != 0)
		return r;
	if (res->rc != 0) {
		*cause = host_err(res, what);
		return ERR_IO;
	}
	return 0;
}

int
host_read(struct task_ctx *ctx, const char *path, struct buf *out,
    char **cause)
{
	struct buf		 s = BUF_INIT;
	struct exec_result	 res = EXEC_RESULT_INIT;
	int			 r;

	buf_adds(&s, "p=");
	host_path_word(&s, path);
	buf_adds(&s, "\n[ -e \"$p\" ] || exit 3\ncat -- \"$p\"");
	r = host_script(ctx, &s, NULL, 0, &res, cause);
	buf_release(&s);
	if (r != 0)
		goto out;
	if (res.rc == 3) {
		*cause = xasprintf("no such file '%s'", path);
		r = ERR_NOENT;
	} else if (res.rc != 0) {
		*cause = host_err(&res, "cannot read file");
		r = ERR_IO;
	} else
		buf_add(out, res.out.s != NULL ? res.out.s : "", res.out.len);
out:
	exec_result_release(&res);
	return r;
}

/* Splits s in place into at most n lines; returns how many. */
static size_t
host_lines(char *s, char **lines, size_t n)
{
	size_t	i = 0;
	char	*nl;

	while (i < n && s != NULL && *s != '\0') {
		lines[i++] = s;
		if ((nl = strchr(s, '\n')) == NULL)
			break;
		*nl = '\0';
		s = nl + 1;
	}
	return i;
}

static void
host_copy_field(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src != NULL ? src : "");
}

int
host_stat(struct task_ctx *ctx, const char *path, int flags,
    struct host_stat *st, char **cause)
{
	struct buf		 s = BUF_INIT;
	struct exec_result	 res = EXEC_RESULT_INIT;
	const char		*L = (flags & STAT_FOLLOW) ? "-L " : "";
	char			*text, *lines[10];
	size_t			 n;
	int			 r;

	memset(st, 0, sizeof *st);
	buf_adds(&s, "p=");
	host_path_word(&s, path);
	if (flags & STAT_FOLLOW)
		buf_adds(&s, "\nif [ -e \"$p\" ]; then\n");
	else
		buf_adds(&s, "\nif [ -e \"$p\" ] || [ -L \"$p\" ]; then\n");
	buf_addf(&s, "echo E\nstat %s--printf='%%f %%u %%g %%s %%.9Y %%h %%i "
	    "%%d %%.9X %%.9Z\\n%%U\\n%%G\\n' -- \"$p\" || exit 1\n", L);
	if (flags & STAT_FOLLOW)
		buf_adds(&s, "echo; echo\n");
	else
		buf_adds(&s, "if [ -L \"$p\" ]; then readlink -- \"$p\"; "
		    "readlink -f -- \"$p\" || echo; else echo; echo; fi\n");
	buf_adds(&s, "a=A; [ -r \"$p\" ] && a=${a}r; [ -w \"$p\" ] && "
	    "a=${a}w; [ -x \"$p\" ] && a=${a}x; echo \"$a\"\n");
	if (flags & STAT_CHECKSUM) {
		buf_adds(&s, "if [ -f \"$p\" ] && [ -r \"$p\" ]");
		if (!(flags & STAT_FOLLOW))
			buf_adds(&s, " && [ ! -L \"$p\" ]");
		buf_adds(&s, "; then sha1sum < \"$p\" | cut -c1-40; "
		    "else echo; fi\n");
	} else
		buf_adds(&s, "echo\n");
	buf_adds(&s, "else echo N; fi\numask");
	r = host_script_checked(ctx, &s, &res, "cannot stat", cause);
	buf_release(&s);
	if (r != 0)
		goto out;
	text = xstrndup(res.out.s != NULL ? res.out.s : "", res.out.len);
	n = host_lines(text, lines, ARRAY_SIZE(lines));
	if (n >= 2 && strcmp(lines[0], "N") == 0) {
		st->type = FT_NONE;
		st->umask = (mode_t)strtoul(lines[1], NULL, 8);
	} else if (n >= 9 && strcmp(lines[0], "E") == 0) {
		unsigned int	m;

		if (sscanf(lines[1], "%x %lld %lld %lld %lf %lld %lld %lld "
		    "%lf %lf", &m, &st->uid, &st->gid, &st->size,
		    &st->mtime_f, &st->nlink, &st->ino, &st->dev,
		    &st->atime_f, &st->ctime_f) != 10) {
			*cause = xasprintf("cannot parse the stat of '%s'",
			    path);
			free(text);
			r = ERR_IO;
			goto out;
		}
		st->rawmode = m;
		st->mode = m & 07777;
		st->mtime = (long long)st->mtime_f;
		if (S_ISREG(m))
			st->type = FT_FILE;
		else if (S_ISDIR(m))
			st->type = FT_DIR;
		else if (S_ISLNK(m))
			st->type = FT_LINK;
		else
			st->type = FT_OTHER;
		host_copy_field(st->owner, sizeof st->owner, lines[2]);
		host_copy_field(st->group, sizeof st->group, lines[3]);
		host_copy_field(st->link, sizeof st->link, lines[4]);
		host_copy_field(st->lnk_source, sizeof st->lnk_source,
		    lines[5]);
		st->readable = strchr(lines[6], 'r') != NULL;
		st->writeable = strchr(lines[6], 'w') != NULL;
		st->executable = strchr(lines[6], 'x') != NULL;
		host_copy_field(st->checksum, sizeof st->checksum, lines[7]);
		st->umask = (mode_t)strtoul(lines[8], NULL, 8);
	} else {
		*cause = xasprintf("cannot parse the stat of '%s'", path);
		r = ERR_IO;
	}
	free(text);
out:
	exec_result_release(&res);
	return r;
}

int
host_write(struct task_ctx *ctx, const char *path, const void *data,
    size_t len, const struct write_opts *o, char **backup, char **cause)
{
	struct buf		 s = BUF_INIT;
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct conn_lockop	 op;
	const char		*v, *line;
	char			*text, *nl, sum[65];
	int			 r;

	if (backup != NULL)
		*backup = NULL;
	if (ctx->check_mode)
		return 0;
	buf_adds(&s, "p=");
	host_path_word(&s, path);
	buf_adds(&s, "\nd=$(dirname -- \"$p\")\n");
	if (o != NULL && o->mkdirs) {
		buf_adds(&s, "if [ ! -d \"$d\" ]; then mkdir -p -- \"$d\" "
		    "|| exit 2\n");
		if (o->dir_mode != NULL) {
			buf_adds(&s, "chmod ");
			shell_quote_buf(&s, o->dir_mode);
			buf_adds(&s, " -- \"$d\" || exit 2\n");
		}
		buf_adds(&s, "fi\n");
	}
	/*
	 * The temp file is removed on every way out, signals included (a
	 * killed run must leave no .cairn.* behind), and it replaces the
	 * old file only once it holds exactly the bytes sent: their length
	 * and SHA-256 travel ahead of them, in the script.
	 */
	sha256_hex(data != NULL ? data : "", len, sum);
	buf_adds(&s,
	    "if [ ! -d \"$d\" ]; then echo \"destination directory $d does "
	    "not exist\" >&2; exit 2; fi\n"
	    "t=\ntrap '[ -z \"$t\" ] || rm -f -- \"$t\"' EXIT\n"
	    "trap 'exit 129' HUP INT TERM PIPE\n"
	    "t=$(mktemp \"$d/.cairn.XXXXXXXX\") || exit 2\n"
	    "dd of=\"$t\" conv=fsync status=none || exit 2\n");
	buf_addf(&s,
	    "n=$(wc -c <\"$t\") && [ \"$n\" -eq %zu ] || { echo \"the file "
	    "reached the host incomplete ($n of %zu bytes)\" >&2; exit 7; }\n"
	    "if command -v sha256sum >/dev/null 2>&1; then "
	    "h=$(sha256sum <\"$t\") && [ \"${h%%%% *}\" = %s ] || "
	    "{ echo 'the file reached the host corrupted (SHA-256 differs)' "
	    ">&2; exit 7; }; fi\n", len, len, sum);
	buf_adds(&s,
	    "if [ -e \"$p\" ]; then chmod --reference=\"$p\" -- \"$t\" || "
	    "exit 2; chown --reference=\"$p\" -- \"$t\" 2>/dev/null; "
	    "else chmod \"$(printf %o $((0666 & ~$(umask))))\" -- \"$t\" || "
	    "exit 2; fi\n");
	if (o != NULL && (v = o->mode) != NULL) {
		buf_adds(&s, "chmod ");
		shell_quote_buf(&s, v);
		buf_adds(&s, " -- \"$t\" || exit 6\n");
	}
	if (o != NULL && (v = o->owner) != NULL) {
		buf_adds(&s, "chown ");
		shell_quote_buf(&s, v);
		buf_adds(&s, " -- \"$t\" || exit 6\n");
	}
	if (o != NULL && (v = o->group) != NULL) {
		buf_adds(&s, "chgrp ");
		shell_quote_buf(&s, v);
		buf_adds(&s, " -- \"$t\" || exit 6\n");
	}
	if (o != NULL && o->validate != NULL) {
		/* The user's command, with %s the temp file as one word. */
		buf_adds(&s, "{ ");
		for (v = o->validate; *v != '\0'; v++) {
			if (v[0] == '%' && v[1] == 's') {
				buf_adds(&s, "\"$t\"");
				v++;
			} else
				buf_addc(&s, *v);
		}
		buf_adds(&s, "\n} 1>&2 </dev/null || exit 3\n");
	}
	if (o != NULL && o->backup)
		buf_adds(&s, "if [ -e \"$p\" ]; then "
		    "b=\"$p.$$.$(date +%Y-%m-%d@%H:%M:%S)~\"; "
		    "cp -p -- \"$p\" \"$b\" || exit 4; "
		    "printf 'backup=%s\\n' \"$b\"; fi\n");
	buf_adds(&s, "mv -f -- \"$t\" \"$p\" || exit 5");
	if (o != NULL && o->unlock != NULL && o->unlock->lk != NULL) {
		memset(&op, 0, sizeof op);
		op.release = o->unlock->lk;
		ctx->lockop = &op;
	}
	r = host_script(ctx, &s, data, len, &res, cause);
	ctx->lockop = NULL;
	buf_release(&s);
	if (r != 0)
		goto out;
	switch (res.rc) {
	case 0:
		break;
	case 3:
		text = host_err(&res, "validation failed");
		*cause = xasprintf("failed to validate: %s", text);
		free(text);
		r = ERR_VALIDATE;
		goto out;
	case 4:
		text = host_err(&res, "cp failed");
		*cause = xasprintf("could not make backup of %s: %s", path,
		    text);
		free(text);
		r = ERR_IO;
		goto out;
	default:
		*cause = host_err(&res, "cannot write file");
		r = ERR_IO;
		goto out;
	}
	text = xstrndup(res.out.s != NULL ? res.out.s : "", res.out.len);
	for (line = text; line != NULL && *line != '\0'; line = nl) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl++ = '\0';
		if (str_startswith(line, "backup=") && backup != NULL) {
			free(*backup);
			*backup = xstrdup(line + strlen("backup="));
		}
	}
	free(text);
out:
	exec_result_release(&res);
	return r;
}

/* 1 if an owner argument (name or number) differs from the current one. */
static int
host_owner_differs(const char *want, const char *name, long long id)
{
	char	*end;
	long	 n;

	if (want == NULL)
		return 0;
	n = strtol(want, &end, 10);
	if (*want != '\0' && *end == '\0')
		return n != id;
	return strcmp(want, name) != 0;
}

/* The mode argument as chmod text: ints as octal, "0o644" as "644". */
static char *
host_mode_text(const struct value *mode)
{
	if (mode->type == V_INT)
		return xasprintf("%llo", mode->u.i);
	if (mode->type == V_STR && mode->u.str.s[0] == '0' &&
	    (mode->u.str.s[1] == 'o' || mode->u.str.s[1] == 'O'))
		return xstrdup(mode->u.str.s + 2);
	return value_to_string(mode);
}

/*
 * Does anything below path (recurse) differ?  One round trip; find
 * does the owner/group and octal tests, symbolic modes are applied here.
 */
static int
host_recurse_differs(struct task_ctx *ctx, const char *path,
    const struct value *mode, const char *owner, const char *group,
    int follow, mode_t umask, int *differs, char **cause)
{
	struct buf		 s = BUF_INIT;
	struct exec_result	 res = EXEC_RESULT_INIT;
	int			 r, octal = -1;
	char			*text, *line, *nl, *mt;
	unsigned int		 m;
	char			 t;
	mode_t			 want;

	*differs = 0;
	if (mode != NULL && mode_parse(mode, &octal, cause) != 0)
		return ERR_INVALID;
	buf_addf(&s, "find %s", follow ? "-L " : "");
	host_path_word(&s, path);
	buf_adds(&s, " -mindepth 1 \\( -false");
	if (owner != NULL) {
		buf_adds(&s, " -o ! -user ");
		shell_quote_buf(&s, owner);
	}
	if (group != NULL) {
		buf_adds(&s, " -o ! -group ");
		shell_quote_buf(&s, group);
	}
	if (mode != NULL && octal >= 0)
		buf_addf(&s, " -o \\( ! -type l ! -perm %04o \\)", octal);
	buf_adds(&s, " \\) -printf 'X\\n' -quit");
	if (mode != NULL && octal < 0) {
		/* Symbolic: list every mode and decide below. */
		buf_reset(&s);
		buf_addf(&s, "find %s", follow ? "-L " : "");
		host_path_word(&s, path);
		buf_adds(&s, " -mindepth 1 \\( -false");
		if (owner != NULL) {
			buf_adds(&s, " -o ! -user ");
			shell_quote_buf(&s, owner);
		}
		if (group != NULL) {
			buf_adds(&s, " -o ! -group ");
			shell_quote_buf(&s, group);
		}
		buf_adds(&s, " \\) -printf 'X\\n' -quit\nfind ");
		if (follow)
			buf_adds(&s, "-L ");
		host_path_word(&s, path);
		buf_adds(&s, " -mindepth 1 ! -type l -printf '%m %y\\n'");
	}
	r = host_script_checked(ctx, &s, &res, "find failed", cause);
	buf_release(&s);
	if (r != 0)
		goto out;
	text = xstrndup(res.out.s != NULL ? res.out.s : "", res.out.len);
	for (line = text; line != NULL && *line != '\0'; line = nl) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl++ = '\0';
		if (strcmp(line, "X") == 0) {
			*differs = 1;
			break;
		}
		if (sscanf(line, "%o %c", &m, &t) != 2)
			continue;
		mt = mode->u.str.s;
		if (mode_apply_symbolic(mt, m, t == 'd', umask, &want,
		    cause) != 0) {
			free(text);
			r = ERR_INVALID;
			goto out;
		}
		if (want != (m & 07777)) {
			*differs = 1;
			break;
		}
	}
	free(text);
out:
	exec_result_release(&res);
	return r;
}

int
host_set_attrs_st(struct task_ctx *ctx, const char *path,
    const struct host_stat *st, const struct value *mode, const char *owner,
    const char *group, int recurse, int follow, int *changed,
    struct value *diff_before, struct value *diff_after, char **cause)
{
	struct buf		 s = BUF_INIT;
	struct exec_result	 res = EXEC_RESULT_INIT;
	const char		*h;
	char			 mb[8], *mtext;
	mode_t			 want = st->mode;
	int			 do_mode = 0, do_owner, do_group, r = 0;
	int			 rec = 0;
	long long		 uid, gid;

	*changed = 0;
	/* A symlink's own mode cannot be changed on Linux: leave it. */
	if (mode != NULL && st->type != FT_LINK) {
		if (mode_target(mode, st->mode, st->type == FT_DIR, st->umask,
		    &want, cause) != 0)
			return ERR_INVALID;
		do_mode = (want != st->mode);
	}
	do_owner = host_owner_differs(owner, st->owner, st->uid);
	do_group = host_owner_differs(group, st->group, st->gid);
	if (recurse && st->type == FT_DIR && (mode != NULL || owner != NULL ||
	    group != NULL)) {
		if (ctx->check_mode) {
			if ((r = host_recurse_differs(ctx, path, mode, owner,
			    group, follow, st->umask, &rec, cause)) != 0)
				return r;
		} else
			rec = 1;	/* chmod -c and chown -c will tell */
	}
	if (do_mode) {
		if (diff_before != NULL) {
			mode_format(st->mode, mb);
			value_dict_setstr(diff_before, "mode", mb);
			mode_format(want, mb);
			value_dict_setstr(diff_after, "mode", mb);
		}
	}
	if (do_owner && diff_before != NULL)
		value_dict_setint(diff_before, "owner", st->uid);
	if (do_group && diff_before != NULL)
		value_dict_setint(diff_before, "group", st->gid);
	if (!do_mode && !do_owner && !do_group && !rec)
		return 0;
	if (ctx->check_mode) {
		*changed = do_mode || do_owner || do_group || rec;
		if (do_owner && diff_after != NULL)
			value_dict_setstr(diff_after, "owner", owner);
		if (do_group && diff_after != NULL)
			value_dict_setstr(diff_after, "group", group);
		return 0;
	}

	h = (st->type == FT_LINK) ? "-h " : "";
	buf_adds(&s, "p=");
	host_path_word(&s, path);
	buf_adds(&s, "\n");
	if (do_mode)
		buf_addf(&s, "chmod %04o -- \"$p\" || exit 1\n",
		    (unsigned int)want);
	if (do_owner) {
		buf_addf(&s, "chown %s", h);
		shell_quote_buf(&s, owner);
		buf_adds(&s, " -- \"$p\" || exit 1\n");
	}
	if (do_group) {
		buf_addf(&s, "chgrp %s", h);
		shell_quote_buf(&s, group);
		buf_adds(&s, " -- \"$p\" || exit 1\n");
	}
	if (rec) {
		const char *L = follow ? "-L " : "";

		buf_adds(&s, "c=$( {");
		if (mode != NULL) {
			mtext = host_mode_text(mode);
			buf_addf(&s, " chmod -R -c %s", L);
			shell_quote_buf(&s, mtext);
			buf_adds(&s, " -- \"$p\" &&");
			free(mtext);
		}
		if (owner != NULL) {
			buf_addf(&s, " chown -R -c %s", L);
			shell_quote_buf(&s, owner);
			buf_adds(&s, " -- \"$p\" &&");
		}
		if (group != NULL) {
			buf_addf(&s, " chgrp -R -c %s", L);
			shell_quote_buf(&s, group);
			buf_adds(&s, " -- \"$p\" &&");
		}
		buf_adds(&s, " :; } ) || exit 1\n"
		    "[ -n \"$c\" ] && echo R\n");
	}
	buf_addf(&s, "stat %s-c 'S %%u %%g' -- \"$p\"",
	    st->type == FT_LINK ? "" : "-L ");
	r = host_script_checked(ctx, &s, &res, "cannot set attributes", cause);
	buf_release(&s);
	if (r != 0)
		goto out;
	*changed = do_mode || do_owner || do_group;
	if (res.out.len > 0) {
		const char *o = buf_cstr(&res.out), *sl;

		if (strstr(o, "R\n") == o || strstr(o, "\nR\n") != NULL)
			*changed = 1;
		if ((sl = strstr(o, "S ")) != NULL &&
		    sscanf(sl, "S %lld %lld", &uid, &gid) == 2) {
			if (do_owner && diff_after != NULL)
				value_dict_setint(diff_after, "owner", uid);
			if (do_group && diff_after != NULL)
				value_dict_setint(diff_after, "group", gid);
		}
	}
out:
	exec_result_release(&res);
	return r;
}

int
host_set_attrs(struct task_ctx *ctx, const char *path, const char *mode,
    const char *owner, const char *group, int recurse, int follow,
    int *changed, struct result *result, char **cause)
{
	struct host_stat	 st;
	struct value		*m = NULL;
	int			 r;

	*changed = 0;
	if ((r = host_stat(ctx, path, follow ? STAT_FOLLOW : 0, &st,
	    cause)) != 0)
		return r;
	if (st.type == FT_NONE) {
		*cause = xasprintf("path '%s' does not exist", path);
		return ERR_NOENT;
	}
	if (mode != NULL)
		m = value_str(mode);
	r = host_set_attrs_st(ctx, path, &st, m, owner, group, recurse,
	    follow, changed, NULL, NULL, cause);
	value_unref(m);
	return r;
}

/* Locks. */

char *
host_lock_path(const char *path)
{
	char		*p = xstrdup(path), sum[41];
	size_t		 n = strlen(p);

	while (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
	/*
	 * In the system's lock directory, named by the path: nothing is
	 * left beside the user's files (a stray file in /etc/logrotate.d
	 * or a conf.d would be read), and a file whose directory does not
	 * exist yet can be locked too.
	 */
	sha1_hex(p, n, sum);
	free(p);
	return xasprintf(HOST_LOCK_DIR "/cairn-%s.lock", sum);
}

void
host_lock_word(struct buf *b, const char *lockpath)
{
	size_t	n;

	if (lockpath[0] == '~' && lockpath[1] != '/' && lockpath[1] != '\0') {
		n = strspn(lockpath + 1, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");
		if (lockpath[1 + n] == '/' && lockpath[1] != '-') {
			/*
			 * "~user/" unquoted, the slash too: the shell expands
			 * a tilde prefix only up to an unquoted slash.
			 */
			buf_add(b, lockpath, n + 2);
			shell_quote_buf(b, lockpath + n + 2);
			return;
		}
	}
	host_path_word(b, lockpath);
}

int
host_lock_timeout(void)
{
	const char	*e = getenv("CAIRN_LOCK_TIMEOUT");
	char		*end;
	long		 n;

	if (e == NULL || *e == '\0')
		return 30;
	n = strtol(e, &end, 10);
	if (*end != '\0' || n < 0 || n > 86400)
		return 30;
	return (int)n;
}

/* A lock to take in the next round trip, and what its shell text needs. */
struct host_lockreq {
	struct conn_lockop	 op;
	struct buf		 word;
	char			*name;
};

/*
 * Arms the next round trip of ctx to take path's lock (nothing in check
 * mode); host_lock_end disarms it and hands the lock over.
 */
static void
host_lock_begin(struct task_ctx *ctx, const char *path,
    struct host_lockreq *q)
{
	memset(q, 0, sizeof *q);
	if (ctx->check_mode)
		return;
	q->name = host_lock_path(path);
	host_lock_word(&q->word, q->name);
	q->op.take = buf_cstr(&q->word);
	q->op.name = q->name;
	q->op.wait = host_lock_timeout();
	ctx->lockop = &q->op;
}

/* r: the armed call's result; on an error nothing stays held. */
static int
host_lock_end(struct task_ctx *ctx, int r, struct host_lockreq *q,
    struct host_lock **lock)
{
	struct host_lock	*hl = NULL;

	ctx->lockop = NULL;
	if (q->op.held != NULL) {
		hl = xcalloc(1, sizeof *hl);
		hl->lk = q->op.held;
		q->op.held = NULL;
	}
	if (r != 0) {
		host_unlock(ctx, hl);
		hl = NULL;
	}
	*lock = hl;
	buf_release(&q->word);
	free(q->name);
	return r;
}

int
host_stat_lock(struct task_ctx *ctx, const char *path, int flags,
    struct host_stat *st, struct host_lock **lock, char **cause)
{
	struct host_lockreq	q;

	host_lock_begin(ctx, path, &q);
	return host_lock_end(ctx, host_stat(ctx, path, flags, st, cause), &q,
	    lock);
}

int
host_read_lock(struct task_ctx *ctx, const char *path, struct buf *out,
    struct host_lock **lock, char **cause)
{
	struct host_lockreq	q;
	int			r;

	host_lock_begin(ctx, path, &q);
	r = host_read(ctx, path, out, cause);
	/* An absent file is an answer, and the lock is still wanted. */
	host_lock_end(ctx, r == ERR_NOENT ? 0 : r, &q, lock);
	return r;
}

int
host_run_lock(struct task_ctx *ctx, const char *cmd, const char *path,
    struct exec_result *res, struct host_lock **lock, char **cause)
{
	struct host_lockreq	q;

	host_lock_begin(ctx, path, &q);
	return host_lock_end(ctx, host_run(ctx, cmd, res, cause), &q, lock);
}

int
host_lock(struct task_ctx *ctx, const char *path, struct host_lock **lock,
    char **cause)
{
	struct exec_result	res = EXEC_RESULT_INIT;
	int			r;

	*lock = NULL;
	if (ctx->check_mode)
		return 0;
	r = host_run_lock(ctx, ":", path, &res, lock, cause);
	exec_result_release(&res);
	return r;
}

void
host_unlock(struct task_ctx *ctx, struct host_lock *hl)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct conn_lockop	 op;
	char			*cause = NULL;

	if (hl == NULL)
		return;
	if (hl->lk != NULL && hl->lk->fd > 0 && ctx->conn != NULL) {
		memset(&op, 0, sizeof op);
		op.release = hl->lk;
		if (conn_exec_lock(ctx->conn, ctx->become, &op, ":", NULL, 0,
		    0, &res, &cause) != 0)
			free(cause);
		exec_result_release(&res);
	}
	conn_lock_free(hl->lk);
	free(hl);
}
