/*
 * template: renders a Jinja2 template from the controller (templates/
 * beside the role or playbook) and puts the result on the host exactly as
 * copy would put that content: same checks, atomic write, diff, backup.
 */
#include <stdlib.h>
#include <string.h>

#include "module.h"

static const char *const template_aliases[] = {
	"ansible.builtin.template", "ansible.legacy.template", NULL
};

static const char *const newline_choices[] = { "\\n", "\\r", "\\r\\n", NULL };

static const struct mod_param template_params[] = {
	{ "src", P_PATH, P_REQUIRED, NULL, NULL, NULL },
	{ "dest", P_PATH, P_REQUIRED, NULL, NULL, NULL },
	{ "backup", P_BOOL, 0, "no", NULL, NULL },
	{ "force", P_BOOL, 0, "yes", NULL, NULL },
	MOD_FILE_COMMON_PARAMS,
	{ "validate", P_STR, 0, NULL, NULL, NULL },
	{ "follow", P_BOOL, 0, "no", NULL, NULL },
	{ "newline_sequence", P_STR, 0, "\\n", newline_choices, NULL },
	{ "trim_blocks", P_BOOL, 0, "yes", NULL, NULL },
	{ "lstrip_blocks", P_BOOL, 0, "no", NULL, NULL },
	{ "output_encoding", P_STR, 0, "utf-8", NULL, NULL },
	{ "block_start_string", P_STR, 0, "{%", NULL, NULL },
	{ "block_end_string", P_STR, 0, "%}", NULL, NULL },
	{ "variable_start_string", P_STR, 0, "{{", NULL, NULL },
	{ "variable_end_string", P_STR, 0, "}}", NULL, NULL },
	{ "comment_start_string", P_STR, 0, "{#", NULL, NULL },
	{ "comment_end_string", P_STR, 0, "#}", NULL, NULL },
	{ NULL }
};

extern const struct module_entry module_copy;

/* The copy arguments for the rendered text: everything but src. */
static struct value *
template_copy_args(const struct mod_args *args, const char *content)
{
	static const char *const pass[] = { "dest", "backup", "force", "mode",
	    "owner", "group", "validate", "follow", "unsafe_writes" };
	struct value	*raw = value_dict(), *v;

	for (size_t i = 0; i < ARRAY_SIZE(pass); i++)
		if ((v = args_get(args, pass[i])) != NULL)
			value_dict_set(raw, pass[i], value_ref(v));
	value_dict_setstr(raw, "content", content);
	return raw;
}

/* Ansible's template writes "\n" line ends unless asked otherwise. */
static char *
template_newlines(const char *text, const char *seq)
{
	struct buf	 b = BUF_INIT;
	const char	*nl = strcmp(seq, "\\r\\n") == 0 ? "\r\n" :
			    strcmp(seq, "\\r") == 0 ? "\r" : "\n";

	if (strcmp(nl, "\n") == 0)
		return xstrdup(text);
	for (; *text != '\0'; text++) {
		if (*text == '\n')
			buf_adds(&b, nl);
		else
			buf_addc(&b, *text);
	}
	return buf_detach(&b, NULL);
}

static enum mod_status
template_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	const char	*src = args_str(args, "src");
	struct buf	 text = BUF_INIT;
	struct value	*raw;
	struct mod_args	 cargs = { NULL };
	struct ctx_template_opts o;
	char		*local, *cause = NULL, *rendered, *final;
	enum mod_status	 st;
	int		 rc;

	if ((local = ctx_find_file(ctx, "templates", src)) == NULL)
		return result_fail(r, "Could not find or access '%s'", src);
	if (ctx_read_file(ctx, local, 1, &text, &cause) != 0) {
		st = result_fail(r, "%s", cause);
		free(cause);
		free(local);
		return st;
	}
	/* the Jinja2 options go to the renderer, not to copy */
	memset(&o, 0, sizeof o);
	o.block_start = args_str(args, "block_start_string");
	o.block_end = args_str(args, "block_end_string");
	o.variable_start = args_str(args, "variable_start_string");
	o.variable_end = args_str(args, "variable_end_string");
	o.comment_start = args_str(args, "comment_start_string");
	o.comment_end = args_str(args, "comment_end_string");
	o.trim_blocks = args_bool(args, "trim_blocks", 1);
	o.lstrip_blocks = args_bool(args, "lstrip_blocks", 0);
	rc = ctx_render_file(ctx, buf_cstr(&text), &o, src, local,
	    args_str(args, "dest"), &rendered, &cause);
	if (rc != 0) {
		st = result_fail(r, "AnsibleError: template error while "
		    "templating string: %s (in %s)", cause, local);
		free(cause);
		free(local);
		buf_release(&text);
		return st;
	}
	buf_release(&text);
	final = template_newlines(rendered, args_str(args,
	    "newline_sequence"));
	free(rendered);
	raw = template_copy_args(args, final);
	free(final);
	if (module_prepare_args(&module_copy, raw, 0, &cargs, &cause) != 0) {
		st = result_fail(r, "%s", cause);
		free(cause);
		value_unref(raw);
		free(local);
		return st;
	}
	value_unref(raw);
	st = module_copy.run(ctx, &cargs, r);
	result_setstr(r, "src", local);
	mod_args_release(&cargs);
	free(local);
	return st;
}

const struct module_entry module_template = {
	.name = "template",
	.aliases = template_aliases,
	.params = template_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_SUPPORTS_DIFF,
	.run = template_run,
};
