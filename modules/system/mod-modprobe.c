/*
 * modprobe: loads or unloads a kernel module with modprobe(8) and, with
 * persistent, lists it in /etc/modules-load.d and sets its options in
 * /etc/modprobe.d (community.general.modprobe).  Loaded means listed in
 * /proc/modules or built in (modules.builtin of the running kernel).
 */
#include <stdlib.h>
#include <string.h>

#include "module.h"
#include "sysconf.h"

#define MODULES_LOAD	"/etc/modules-load.d"
#define MODPROBE_D	"/etc/modprobe.d"

static const char *const modprobe_aliases[] = {
	"community.general.modprobe", "community.general.system.modprobe",
	NULL
};
static const char *const state_choices[] = { "absent", "present", NULL };
static const char *const persistent_choices[] = { "disabled", "absent",
	"present", NULL };

static const struct mod_param modprobe_params[] = {
	{ "name", P_STR, P_REQUIRED, NULL, NULL, NULL },
	{ "state", P_STR, 0, "present", state_choices, NULL },
	{ "params", P_STR, 0, "", NULL, NULL },
	{ "persistent", P_STR, 0, "disabled", persistent_choices, NULL },
	{ NULL }
};

/* The regular files of dir, with their text. */
struct modprobe_files {
	char	**paths;
	char	**texts;
	size_t	  n;
};

static void
modprobe_files_release(struct modprobe_files *f)
{
	strv_free(f->paths, f->n);
	strv_free(f->texts, f->n);
	memset(f, 0, sizeof *f);
}

static int
modprobe_files_load(struct task_ctx *ctx, const char *dir,
    struct modprobe_files *f, char **cause)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 cmd = BUF_INIT, text = BUF_INIT;
	const char		*p, *end;
	int			 rv = -1;

	buf_adds(&cmd, "for f in ");
	shell_quote_buf(&cmd, dir);
	buf_adds(&cmd, "/*; do [ -f \"$f\" ] && printf '%s\\0' \"$f\"; "
	    "done; true");
	if (host_run(ctx, buf_cstr(&cmd), &res, cause) != 0)
		goto out;
	p = res.out.s;
	end = p + res.out.len;
	while (p != NULL && p < end) {
		buf_reset(&text);
		if (host_read(ctx, p, &text, cause) != 0)
			goto out;
		f->paths = xreallocarray(f->paths, f->n + 1, sizeof *f->paths);
		f->texts = xreallocarray(f->texts, f->n + 1, sizeof *f->texts);
		f->paths[f->n] = xstrdup(p);
		f->texts[f->n++] = xstrdup(buf_cstr(&text));
		p += strlen(p) + 1;
	}
	rv = 0;
out:
	exec_result_release(&res);
	buf_release(&cmd);
	buf_release(&text);
	return rv;
}

static int
modprobe_write(struct task_ctx *ctx, struct result *r, const char *path,
    const char *before, const char *after, char **cause)
{
	struct write_opts	wo;

	if (ctx_diff_mode(ctx))
		result_diff(r, path, before != NULL ? before : "", path, after);
	if (ctx_check_mode(ctx))
		return 0;
	memset(&wo, 0, sizeof wo);
	wo.mkdirs = 1;
	return host_write(ctx, path, after, strlen(after), &wo, NULL, cause);
}

/* Comments out name's lines (or options) in every file that has one. */
static int
modprobe_disable(struct task_ctx *ctx, struct result *r,
    const struct modprobe_files *f, const char *name, int params,
    char **cause)
{
	size_t	 i;
	char	*text;
	int	 rv = 0;

	for (i = 0; rv == 0 && i < f->n; i++) {
		if ((text = modprobe_comment_out(f->texts[i], name,
		    params)) == NULL)
			continue;
		rv = modprobe_write(ctx, r, f->paths[i], f->texts[i], text,
		    cause);
		free(text);
	}
	return rv;
}

static int
modprobe_is_loaded(struct task_ctx *ctx, const char *name, int *loaded,
    char **cause)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 mods = BUF_INIT, builtin = BUF_INIT;
	char			*path = NULL, *nl;
	int			 rv = -1, have_mods;

	if ((rv = host_read(ctx, "/proc/modules", &mods, cause)) != 0 &&
	    rv != ERR_NOENT)
		goto out;
	if (rv == ERR_NOENT) {
		free(*cause);
		*cause = NULL;
	}
	have_mods = rv == 0;
	rv = -1;
	if (have_mods && modprobe_loaded(buf_cstr(&mods), NULL, name)) {
		*loaded = 1;
		rv = 0;
		goto out;
	}
	if (host_run(ctx, "uname -r", &res, cause) != 0)
		goto out;
	if ((nl = strchr(buf_cstr(&res.out), '\n')) != NULL)
		*nl = '\0';
	path = xasprintf("/lib/modules/%s/modules.builtin", res.out.s);
	if ((rv = host_read(ctx, path, &builtin, cause)) != 0 &&
	    rv != ERR_NOENT)
		goto out;
	if (rv == ERR_NOENT) {
		/* no builtin list (a container's kernel): none is built in */
		free(*cause);
		*cause = NULL;
	}
	*loaded = modprobe_loaded(NULL, rv == 0 ? buf_cstr(&builtin) : NULL,
	    name);
	rv = 0;
out:
	exec_result_release(&res);
	buf_release(&mods);
	buf_release(&builtin);
	free(path);
	return rv;
}

/* modprobe [-r] [-n] [--first-time] NAME [PARAMS...] */
static int
modprobe_cmd(struct buf *cmd, const char *flags, const char *name,
    const char *params, char **cause)
{
	char	**argv = NULL;
	size_t	  i;

	buf_reset(cmd);
	buf_addf(cmd, "modprobe%s ", flags);
	shell_quote_buf(cmd, name);
	if (params == NULL)
		return 0;
	if (shell_split(params, &argv, cause) != 0)
		return -1;
	for (i = 0; argv[i] != NULL; i++) {
		buf_addc(cmd, ' ');
		shell_quote_buf(cmd, argv[i]);
	}
	shell_argv_free(argv);
	return 0;
}

static enum mod_status
modprobe_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	const char		*name = args_str(args, "name");
	const char		*params = args_str(args, "params");
	const char		*state = args_str(args, "state");
	const char		*persistent = args_str(args, "persistent");
	int			 check = ctx_check_mode(ctx);
	struct modprobe_files	 loadf, optf;
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 cmd = BUF_INIT;
	char			*cause = NULL, *path = NULL, *text = NULL;
	char			**opts = NULL;
	size_t			 nopts = 0, i;
	int			 loaded, listed = 0, params_set = 1, changed = 0;
	enum mod_status		 status = MOD_FAILED;

	memset(&loadf, 0, sizeof loadf);
	memset(&optf, 0, sizeof optf);
	result_setstr(r, "name", name);
	result_setstr(r, "params", params);
	result_setstr(r, "state", state);

	if (modprobe_is_loaded(ctx, name, &loaded, &cause) != 0)
		goto out;
	if (strcmp(state, "present") == 0 && !loaded) {
		if (modprobe_cmd(&cmd, check ? " -n" : "", name, params,
		    &cause) != 0 ||
		    host_run(ctx, buf_cstr(&cmd), &res, &cause) != 0)
			goto out;
		if (res.rc != 0)
			goto refused;
		if (!check && modprobe_is_loaded(ctx, name, &loaded,
		    &cause) != 0)
			goto out;
		if (check || loaded)
			changed = 1;
		else {
			exec_result_release(&res);
			if (modprobe_cmd(&cmd, " -n --first-time", name,
			    params, &cause) != 0 ||
			    host_run(ctx, buf_cstr(&cmd), &res, &cause) != 0)
				goto out;
			if (res.rc != 0)
				result_warn(r, "%s", buf_cstr(&res.err));
		}
	} else if (strcmp(state, "absent") == 0 && loaded) {
		if (modprobe_cmd(&cmd, " -r", name, NULL, &cause) != 0)
			goto out;
		if (check)
			buf_adds(&cmd, " -n");
		if (host_run(ctx, buf_cstr(&cmd), &res, &cause) != 0)
			goto out;
		if (res.rc != 0)
			goto refused;
		changed = 1;
	}

	if (strcmp(persistent, "disabled") != 0) {
		if (modprobe_files_load(ctx, MODULES_LOAD, &loadf,
		    &cause) != 0 ||
		    modprobe_files_load(ctx, MODPROBE_D, &optf, &cause) != 0)
			goto out;
		for (i = 0; i < loadf.n && !listed; i++)
			listed = modprobe_file_lists(loadf.texts[i], name);
		for (i = 0; i < optf.n; i++)
			modprobe_file_params(optf.texts[i], name, &opts,
			    &nopts);
		params_set = modprobe_params_match(opts, nopts, params);
	}
	if (strcmp(persistent, "present") == 0 && !(listed && params_set)) {
		if (!listed) {
			path = xasprintf("%s/%s.conf", MODULES_LOAD, name);
			text = xasprintf("%s\n", name);
			if (modprobe_write(ctx, r, path, NULL, text,
			    &cause) != 0)
				goto out;
			free(path);
			free(text);
			path = text = NULL;
		}
		if (!params_set) {
			if (modprobe_disable(ctx, r, &optf, name, 1,
			    &cause) != 0)
				goto out;
			path = xasprintf("%s/%s.conf", MODPROBE_D, name);
			text = modprobe_options_text(name, params);
			if (modprobe_write(ctx, r, path, NULL, text,
			    &cause) != 0)
				goto out;
		}
		changed = 1;
	} else if (strcmp(persistent, "absent") == 0 &&
	    (listed || nopts > 0)) {
		if ((listed && modprobe_disable(ctx, r, &loadf, name, 0,
		    &cause) != 0) ||
		    (nopts > 0 && modprobe_disable(ctx, r, &optf, name, 1,
		    &cause) != 0))
			goto out;
		changed = 1;
	}
	status = changed ? MOD_CHANGED : MOD_OK;
	goto out;

refused:
	result_set_exec(r, &res);
	cause = xstrdup(buf_cstr(&res.err));
	for (i = strlen(cause); i > 0 && cause[i - 1] == '\n'; i--)
		cause[i - 1] = '\0';
out:
	if (status == MOD_FAILED)
		status = result_fail(r, "%s", cause != NULL ? cause :
		    "modprobe failed");
	modprobe_files_release(&loadf);
	modprobe_files_release(&optf);
	strv_free(opts, nopts);
	exec_result_release(&res);
	buf_release(&cmd);
	free(cause);
	free(path);
	free(text);
	return status;
}

const struct module_entry module_modprobe = {
	.name = "modprobe",
	.aliases = modprobe_aliases,
	.params = modprobe_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_SUPPORTS_DIFF,
	.run = modprobe_run,
};
