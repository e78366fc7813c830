/* container: a podman or docker container in a wanted state, recreated only when its settings differ. */
#include <stdlib.h>
#include <string.h>

#include "container.h"
#include "module.h"

static const char *const container_aliases[] = {
	"docker_container", "podman_container",
	"community.docker.docker_container",
	"containers.podman.podman_container", NULL
};
static const char *const state_choices[] = {
	"started", "running", "stopped", "present", "created", "absent", NULL
};
static const char *const engine_choices[] = {
	"auto", "podman", "docker", NULL
};
static const char *const ports_aliases[] = {
	"ports", "publish", "published", NULL
};
static const char *const volumes_aliases[] = { "volume", NULL };
static const char *const restart_aliases[] = { "restart", NULL };
static const char *const network_aliases[] = { "network", "net", NULL };
static const char *const labels_aliases[] = { "label", NULL };
static const char *const workdir_aliases[] = { "workdir", NULL };
static const char *const force_restart_aliases[] = { "restart_container",
	NULL };

static const struct mod_param container_params[] = {
	{ "name", P_STR, P_REQUIRED, NULL, NULL, NULL },
	{ "image", P_STR, 0, NULL, NULL, NULL },
	{ "state", P_STR, 0, "started", state_choices, NULL },
	{ "command", P_RAW, 0, NULL, NULL, NULL },
	{ "entrypoint", P_RAW, 0, NULL, NULL, NULL },
	{ "env", P_DICT, 0, NULL, NULL, NULL },
	{ "published_ports", P_LIST, 0, NULL, NULL, ports_aliases },
	{ "volumes", P_LIST, 0, NULL, NULL, volumes_aliases },
	{ "restart_policy", P_STR, 0, NULL, NULL, restart_aliases },
	{ "network_mode", P_STR, 0, NULL, NULL, network_aliases },
	{ "labels", P_DICT, 0, NULL, NULL, labels_aliases },
	{ "working_dir", P_STR, 0, NULL, NULL, workdir_aliases },
	{ "user", P_STR, 0, NULL, NULL, NULL },
	{ "hostname", P_STR, 0, NULL, NULL, NULL },
	{ "pull", P_RAW, 0, NULL, NULL, NULL },
	{ "recreate", P_BOOL, 0, "no", NULL, NULL },
	{ "force_restart", P_BOOL, 0, "no", NULL, force_restart_aliases },
	{ "detach", P_BOOL, 0, "yes", NULL, NULL },
	{ "stop_timeout", P_INT, 0, NULL, NULL, NULL },
	{ "engine", P_STR, 0, "auto", engine_choices, NULL },
	{ NULL }
};

/* "always", "missing" or "never" from pull's bool or string value. */
static const char *
container_pull_mode(const struct value *v)
{
	int	b;

	if (v == NULL)
		return "missing";
	if (v->type == V_STR && (strcmp(v->u.str.s, "always") == 0 ||
	    strcmp(v->u.str.s, "missing") == 0 ||
	    strcmp(v->u.str.s, "never") == 0))
		return v->u.str.s;
	if ((b = value_as_bool(v)) == -1)
		return NULL;
	return b ? "always" : "missing";
}

static int
container_validate(const struct mod_args *args, char **cause)
{
	const char	*state = args_str(args, "state");
	const char	*rp = args_str(args, "restart_policy");
	struct value	*v;
	char		**argv;

	if (state != NULL && !value_is_template(args_get(args, "state")) &&
	    strcmp(state, "absent") != 0 && !args_has(args, "image")) {
		*cause = xasprintf("state is %s but all of the following are "
		    "missing: image", state);
		return -1;
	}
	if ((v = args_get(args, "pull")) != NULL && !value_is_template(v) &&
	    container_pull_mode(v) == NULL) {
		*cause = xstrdup("pull must be a boolean, always, missing or "
		    "never");
		return -1;
	}
	if (rp != NULL && !value_is_template(args_get(args,
	    "restart_policy")) && strcmp(rp, "no") != 0 &&
	    strcmp(rp, "always") != 0 && strcmp(rp, "unless-stopped") != 0 &&
	    strcmp(rp, "on-failure") != 0 &&
	    !str_startswith(rp, "on-failure:")) {
		*cause = xasprintf("value of restart_policy must be one of: "
		    "no, on-failure, always, unless-stopped, got: %s", rp);
		return -1;
	}
	if ((v = args_get(args, "command")) != NULL && v->type == V_STR &&
	    !value_is_template(v)) {
		if (shell_split(v->u.str.s, &argv, cause) != 0)
			return -1;
		shell_argv_free(argv);
	}
	return 0;
}

/* A string command split like shlex; a list as it is.  New reference. */
static struct value *
container_words(const struct value *v, char **cause)
{
	struct value	*l;
	char		**argv;
	size_t		 i;

	if (v == NULL)
		return NULL;
	if (v->type != V_STR)
		return value_ref((struct value *)v);
	if (shell_split(v->u.str.s, &argv, cause) != 0)
		return NULL;
	l = value_list();
	for (i = 0; argv[i] != NULL; i++)
		value_list_append(l, value_str(argv[i]));
	shell_argv_free(argv);
	return l;
}

/* One script on the host; on failure the result is failed with its output. */
static int
container_step(struct task_ctx *ctx, struct result *r, const struct buf *pre,
    const char *step, struct exec_result *res)
{
	struct buf	 s = BUF_INIT;
	char		*cause = NULL;

	buf_add(&s, pre->s, pre->len);
	buf_adds(&s, step);
	if (host_run(ctx, buf_cstr(&s), res, &cause) != 0) {
		buf_release(&s);
		result_fail(r, "%s", cause != NULL ? cause : "command failed");
		free(cause);
		return -1;
	}
	buf_release(&s);
	if (res->rc == 0)
		return 0;
	result_fail_exec(r, step, res);
	return -1;
}

/* The container's inspect dict now, or NULL; -1 on failure. */
static int
container_inspect(struct task_ctx *ctx, struct result *r,
    const struct buf *pre, struct value **out)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	char			*cause = NULL;
	int			 rv = -1;

	if (container_step(ctx, r, pre, "if o=$(\"$e\" container inspect "
	    "\"$n\" 2>/dev/null); then printf '%s\\n' \"$o\"; "
	    "else echo '[]'; fi", &res) != 0)
		goto out;
	if (container_inspect_first(res.out.s, res.out.len, out,
	    &cause) != 0) {
		result_fail(r, "cannot parse inspect output: %s", cause);
		free(cause);
		goto out;
	}
	rv = 0;
out:
	exec_result_release(&res);
	return rv;
}

static void
container_presence(struct value *d, int exists, int running)
{
	value_dict_setbool(d, "exists", exists);
	value_dict_setbool(d, "running", running);
}

/* Every step's preamble: the engine, n (name), i (image), t (timeout). */
static void
container_preamble(struct buf *pre, const struct mod_args *args)
{
	const char	*image = args_str(args, "image");

	container_engine_script(pre, args_str(args, "engine"));
	buf_adds(pre, "n=");
	shell_quote_buf(pre, args_str(args, "name"));
	buf_adds(pre, "\ni=");
	shell_quote_buf(pre, image != NULL ? image : "");
	buf_addc(pre, '\n');
	/* t: the stop timeout option, for stop, restart and removal. */
	if (args_has(args, "stop_timeout"))
		buf_addf(pre, "t='-t %lld'\n", args_int(args, "stop_timeout",
		    10));
	else
		buf_adds(pre, "t=\n");
}

static void
container_want_fill(struct container_want *w, const struct mod_args *args,
    const char *id, struct value *cmd, struct value *ep)
{
	memset(w, 0, sizeof *w);
	w->image_id = id;
	w->image = args_str(args, "image");
	w->command = cmd;
	w->entrypoint = ep;
	w->env = args_get(args, "env");
	w->ports = args_get(args, "published_ports");
	w->volumes = args_get(args, "volumes");
	w->labels = args_get(args, "labels");
	w->restart_policy = args_str(args, "restart_policy");
	w->network_mode = args_str(args, "network_mode");
	w->working_dir = args_str(args, "working_dir");
	w->user = args_str(args, "user");
	w->hostname = args_str(args, "hostname");
}

/* Removes the old container (if any), then creates or runs the new one. */
static int
container_create(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r, const struct buf *pre, const struct container_want *w,
    int exists, int want_run, struct exec_result *res)
{
	struct buf	 s = BUF_INIT;
	char		*cause = NULL;
	int		 detach = args_bool(args, "detach", 1);
	int		 check = ctx_check_mode(ctx), rv = -1;

	if (exists)
		buf_adds(&s, "{ [ -z \"$t\" ] || \"$e\" stop $t "
		    "\"$n\"; } >/dev/null 2>&1\n"
		    "\"$e\" rm -f \"$n\" >/dev/null || exit 1\n");
	if (want_run)
		buf_adds(&s, detach ? "\"$e\" run -d" : "\"$e\" run");
	else
		buf_adds(&s, "\"$e\" create");
	if (container_create_args(&s, args_str(args, "name"), w,
	    &cause) != 0) {
		result_fail(r, "%s", cause);
		goto out;
	}
	if (detach || !want_run)
		buf_adds(&s, " >/dev/null");
	if (!check && container_step(ctx, r, pre, buf_cstr(&s), res) != 0)
		goto out;
	if (!detach && want_run && !check)
		result_set(r, "output", value_strn(res->out.s != NULL ?
		    res->out.s : "", res->out.len));
	rv = 0;
out:
	free(cause);
	buf_release(&s);
	return rv;
}

/* The wanted command line and entrypoint; 0, or -1 and *cause. */
static int
container_words_args(const struct mod_args *args, struct value **cmd,
    struct value **ep, char **cause)
{
	if ((*cmd = container_words(args_get(args, "command"), cause)) ==
	    NULL && args_has(args, "command"))
		return -1;
	if ((*ep = container_words(args_get(args, "entrypoint"), cause)) ==
	    NULL && args_has(args, "entrypoint"))
		return -1;
	return 0;
}

static enum mod_status
container_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	const char		*state = args_str(args, "state");
	struct container_want	 w;
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 pre = BUF_INIT, s = BUF_INIT;
	struct value		*cur = NULL, *now = NULL, *cmd = NULL, *ep = NULL;
	struct value		*before = value_dict(), *after = value_dict();
	char			*cause = NULL, *id = NULL;
	int			 check = ctx_check_mode(ctx), changed = 0;
	int			 running, diffs = 0, want_run, stopped, pulled;
	enum container_action	 action;
	enum mod_status		 status = MOD_FAILED;

	if (strcmp(state, "running") == 0)
		state = "started";
	else if (strcmp(state, "created") == 0)
		state = "present";
	if (container_validate(args, &cause) != 0 ||
	    container_words_args(args, &cmd, &ep, &cause) != 0) {
		status = result_fail(r, "%s", cause);
		goto out;
	}
	container_preamble(&pre, args);
	if (container_inspect(ctx, r, &pre, &cur) != 0)
		goto out;
	running = cur != NULL && container_running(cur);
	container_presence(before, cur != NULL, running);

	if (strcmp(state, "absent") == 0) {
		if (cur != NULL) {
			changed = 1;
			if (!check && container_step(ctx, r, &pre,
			    "{ [ -z \"$t\" ] || \"$e\" stop $t \"$n\"; } >/dev/null 2>&1; "
			    "\"$e\" rm -f \"$n\" >/dev/null", &res) != 0)
				goto out;
		}
		container_presence(after, 0, 0);
		result_set(r, "container", value_dict());
		goto done;
	}

	/* The image, pulled when missing (or always). */
	container_pull_script(&s, container_pull_mode(args_get(args, "pull")),
	    check);
	if (container_step(ctx, r, &pre, buf_cstr(&s), &res) != 0)
		goto out;
	id = container_pull_parse(buf_cstr(&res.out), &pulled);
	changed = pulled;

	container_want_fill(&w, args, id, cmd, ep);
	want_run = strcmp(state, "started") == 0;
	stopped = strcmp(state, "stopped") == 0;
	if (cur != NULL)
		diffs = container_differences(cur, &w, before, after);
	action = container_decide(cur != NULL, running, diffs,
	    args_bool(args, "recreate", 0), want_run, stopped,
	    args_bool(args, "force_restart", 0));
	if (action != CA_NONE)
		changed = 1;
	if (action == CA_CREATE) {
		if (container_create(ctx, args, r, &pre, &w, cur != NULL,
		    want_run, &res) != 0)
			goto out;
	} else if (action != CA_NONE && !check && container_step(ctx, r,
	    &pre, action == CA_RESTART ? "\"$e\" restart $t \"$n\" "
	    ">/dev/null" : action == CA_START ? "\"$e\" start \"$n\" "
	    ">/dev/null" : "\"$e\" stop $t \"$n\" >/dev/null", &res) != 0)
		goto out;
	container_presence(after, 1, want_run ? 1 : stopped ? 0 :
	    (action == CA_CREATE ? 0 : running));
	if (changed && !check) {
		if (container_inspect(ctx, r, &pre, &now) != 0)
			goto out;
		result_set(r, "container", now != NULL ? value_ref(now) :
		    value_dict());
	} else
		result_set(r, "container", cur != NULL ? value_ref(cur) :
		    value_dict());

done:
	if (changed && ctx_diff_mode(ctx))
		result_diff_dict(r, before, after);
	status = changed ? MOD_CHANGED : MOD_OK;
out:
	free(cause);
	free(id);
	value_unref(cur);
	value_unref(now);
	value_unref(cmd);
	value_unref(ep);
	value_unref(before);
	value_unref(after);
	buf_release(&pre);
	buf_release(&s);
	exec_result_release(&res);
	return status;
}

const struct module_entry module_container = {
	.name = "container",
	.aliases = container_aliases,
	.params = container_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_SUPPORTS_DIFF,
	.validate = container_validate,
	.run = container_run,
};
