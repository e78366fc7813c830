/* container_image: an image present (pulled, or loaded from a controller archive) or absent on the host. */
#include <stdlib.h>
#include <string.h>

#include "container.h"
#include "module.h"

static const char *const image_aliases[] = {
	"docker_image", "podman_image", "community.docker.docker_image",
	"containers.podman.podman_image", NULL
};
static const char *const state_choices[] = { "present", "absent", NULL };
static const char *const source_choices[] = {
	"pull", "load", "local", NULL
};
static const char *const engine_choices[] = {
	"auto", "podman", "docker", NULL
};
static const char *const force_aliases[] = {
	"force_source", "force_absent", NULL
};

static const struct mod_param image_params[] = {
	{ "name", P_STR, P_REQUIRED, NULL, NULL, NULL },
	{ "tag", P_STR, 0, "latest", NULL, NULL },
	{ "state", P_STR, 0, "present", state_choices, NULL },
	{ "source", P_STR, 0, NULL, source_choices, NULL },
	{ "load_path", P_PATH, 0, NULL, NULL, NULL },
	{ "pull", P_BOOL, 0, "yes", NULL, NULL },
	{ "force", P_BOOL, 0, "no", NULL, force_aliases },
	{ "engine", P_STR, 0, "auto", engine_choices, NULL },
	{ NULL }
};

/* The source in effect: as given, else load with a load_path, else pull. */
static const char *
image_source(const struct mod_args *args)
{
	const char	*s = args_str(args, "source");

	if (s != NULL)
		return s;
	if (args_has(args, "load_path"))
		return "load";
	return args_bool(args, "pull", 1) ? "pull" : "local";
}

static int
image_validate(const struct mod_args *args, char **cause)
{
	const char	*s = args_str(args, "source");

	if (s != NULL && strcmp(s, "load") == 0 &&
	    !args_has(args, "load_path")) {
		*cause = xstrdup("source is load but all of the following are "
		    "missing: load_path");
		return -1;
	}
	if (s != NULL && strcmp(s, "load") != 0 &&
	    !value_is_template(args_get(args, "source")) &&
	    args_has(args, "load_path")) {
		*cause = xasprintf("load_path needs source: load, not %s", s);
		return -1;
	}
	return 0;
}

static int
image_step(struct task_ctx *ctx, struct result *r, const struct buf *pre,
    const char *step, const void *data, size_t len, struct exec_result *res)
{
	struct buf	 s = BUF_INIT;
	char		*cause = NULL;
	int		 rv;

	buf_add(&s, pre->s, pre->len);
	buf_adds(&s, step);
	rv = host_run_stdin(ctx, buf_cstr(&s), data, len, res, &cause);
	buf_release(&s);
	if (rv != 0) {
		result_fail(r, "%s", cause != NULL ? cause : "command failed");
		free(cause);
		return -1;
	}
	if (res->rc == 0)
		return 0;
	result_fail_exec(r, step, res);
	return -1;
}

static int
image_inspect(struct task_ctx *ctx, struct result *r, const struct buf *pre,
    struct value **out)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	char			*cause = NULL;
	int			 rv = -1;

	if (image_step(ctx, r, pre, "if o=$(\"$e\" image inspect \"$i\" "
	    "2>/dev/null); then printf '%s\\n' \"$o\"; else echo '[]'; fi",
	    NULL, 0, &res) != 0)
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

static const char *
image_id(const struct value *img)
{
	const struct value	*v;

	if (img == NULL || (v = value_dict_get(img, "Id")) == NULL ||
	    v->type != V_STR)
		return "";
	return container_id_strip(v->u.str.s);
}

/*
 * Loads the controller's archive (source load) or pulls ref, recorded in
 * actions; not run in check mode.  0, or -1 with the result failed.
 */
static int
image_fetch(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r, const struct buf *pre, const char *ref,
    struct value *actions, struct exec_result *res)
{
	const char	*load_path = args_str(args, "load_path");
	struct buf	 data = BUF_INIT;
	char		*local = NULL;
	int		 check = ctx_check_mode(ctx), rv = -1;

	if (strcmp(image_source(args), "load") != 0) {
		value_list_append(actions, value_strf("Pulled image %s", ref));
		if (!check && image_step(ctx, r, pre,
		    "\"$e\" pull \"$i\" >&2", NULL, 0, res) != 0)
			return -1;
		return 0;
	}
	if ((local = ctx_find_file(ctx, "files", load_path)) == NULL ||
	    read_file(local, &data) != 0) {
		result_fail(r, "Error reading image archive %s: cannot open "
		    "file", load_path);
		goto out;
	}
	value_list_append(actions, value_strf("Loaded image %s from %s", ref,
	    load_path));
	if (!check && image_step(ctx, r, pre, "\"$e\" load", buf_cstr(&data),
	    data.len, res) != 0)
		goto out;
	rv = 0;
out:
	free(local);
	buf_release(&data);
	return rv;
}

static enum mod_status
image_run(struct task_ctx *ctx, const struct mod_args *args, struct result *r)
{
	const char		*source = image_source(args);
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 pre = BUF_INIT;
	struct value		*cur = NULL, *now = NULL, *actions = value_list();
	struct value		*before = value_dict(), *after = value_dict();
	char			*ref = NULL, *cause = NULL;
	int			 check = ctx_check_mode(ctx), changed = 0;
	int			 force = args_bool(args, "force", 0);
	enum mod_status		 status = MOD_FAILED;

	if (image_validate(args, &cause) != 0) {
		status = result_fail(r, "%s", cause);
		goto out;
	}
	ref = container_image_ref(args_str(args, "name"), args_str(args, "tag"));
	container_engine_script(&pre, args_str(args, "engine"));
	buf_adds(&pre, "i=");
	shell_quote_buf(&pre, ref);
	buf_addc(&pre, '\n');
	if (image_inspect(ctx, r, &pre, &cur) != 0)
		goto out;
	value_dict_setbool(before, "exists", cur != NULL);
	value_dict_setstr(before, "id", image_id(cur));

	if (strcmp(args_str(args, "state"), "absent") == 0) {
		if (cur != NULL) {
			changed = 1;
			if (!check && image_step(ctx, r, &pre, force ?
			    "\"$e\" rmi -f \"$i\" >/dev/null" :
			    "\"$e\" rmi \"$i\" >/dev/null", NULL, 0,
			    &res) != 0)
				goto out;
			value_list_append(actions, value_strf("Removed image "
			    "%s", ref));
		}
		value_dict_setbool(after, "exists", 0);
		value_dict_setstr(after, "id", "");
		result_set(r, "image", value_dict());
		goto done;
	}

	if (cur != NULL && !force) {
		result_set(r, "image", value_ref(cur));
		status = MOD_OK;
		goto out;
	}
	if (strcmp(source, "local") == 0) {
		if (cur == NULL) {
			status = result_fail(r, "Cannot find the image %s "
			    "locally.", ref);
			goto out;
		}
		result_set(r, "image", value_ref(cur));
		status = MOD_OK;
		goto out;
	}
	if (image_fetch(ctx, args, r, &pre, ref, actions, &res) != 0)
		goto out;
	if (check) {
		/* Without the archive or registry at hand: a change. */
		changed = 1;
		value_dict_setbool(after, "exists", 1);
		value_dict_setstr(after, "id", "");
		result_set(r, "image", cur != NULL ? value_ref(cur) :
		    value_dict());
		goto done;
	}
	if (image_inspect(ctx, r, &pre, &now) != 0)
		goto out;
	if (now == NULL) {
		char *out = xstrndup(res.out.s != NULL ? res.out.s : "",
		    res.out.len);

		str_trim(out);
		status = result_fail(r, "The archive did not contain image "
		    "'%s'. Instead, found: %s", ref, out);
		free(out);
		goto out;
	}
	changed = cur == NULL || strcmp(image_id(cur), image_id(now)) != 0;
	value_dict_setbool(after, "exists", 1);
	value_dict_setstr(after, "id", image_id(now));
	result_set(r, "image", value_ref(now));

done:
	if (changed && ctx_diff_mode(ctx))
		result_diff_dict(r, before, after);
	status = changed ? MOD_CHANGED : MOD_OK;
out:
	result_set(r, "actions", value_ref(actions));
	free(ref);
	free(cause);
	value_unref(cur);
	value_unref(now);
	value_unref(actions);
	value_unref(before);
	value_unref(after);
	buf_release(&pre);
	exec_result_release(&res);
	return status;
}

const struct module_entry module_container_image = {
	.name = "container_image",
	.aliases = image_aliases,
	.params = image_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_SUPPORTS_DIFF,
	.validate = image_validate,
	.run = image_run,
};
