/*
 * debconf: reads a package's debconf answers with debconf-show and sets
 * one with debconf-set-selections, on the target.  A password is never
 * shown by debconf-show, so it is read from debconf's passwords.dat
 * (root only) to stay idempotent, and kept out of the output.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "module.h"
#include "packaging-plan.h"

static const char *const debconf_aliases[] = {
	"ansible.builtin.debconf", "ansible.legacy.debconf", NULL
};
static const char *const name_aliases[] = { "pkg", NULL };
static const char *const question_aliases[] = { "selection", "setting",
	NULL };
static const char *const value_aliases[] = { "answer", NULL };
static const char *const vtype_choices[] = { "boolean", "error",
	"multiselect", "note", "password", "seen", "select", "string", "text",
	"title", NULL };

static const struct mod_param debconf_params[] = {
	{ "name", P_STR, P_REQUIRED, NULL, NULL, name_aliases },
	{ "question", P_STR, 0, NULL, NULL, question_aliases },
	{ "vtype", P_STR, 0, NULL, vtype_choices, NULL },
	{ "value", P_STR, 0, NULL, NULL, value_aliases },
	{ "unseen", P_BOOL, 0, "no", NULL, NULL },
	{ NULL }
};

static int
debconf_validate(const struct mod_args *args, char **cause)
{
	int	n = args_has(args, "question") + args_has(args, "vtype") +
		    args_has(args, "value");

	if (n != 0 && n != 3) {
		*cause = xstrdup("parameters are required together: question, "
		    "vtype, value");
		return -1;
	}
	return 0;
}

/* The stored password of question, or NULL when debconf has none. */
static int
debconf_password(struct task_ctx *ctx, const char *question, char **out,
    char **cause)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 cmd = BUF_INIT;
	int			 r;

	*out = NULL;
	buf_adds(&cmd, "Q=");
	shell_quote_buf(&cmd, question);
	buf_adds(&cmd, " awk '$0 == \"Name: \" ENVIRON[\"Q\"] { f = 1; next }"
	    " /^$/ { f = 0 } f && /^Value: / { sub(/^Value: /, \"\"); print;"
	    " exit }' /var/cache/debconf/passwords.dat 2>/dev/null");
	if ((r = host_run(ctx, buf_cstr(&cmd), &res, cause)) == 0 &&
	    res.rc == 0 && res.out.len > 0) {
		if (res.out.s[res.out.len - 1] == '\n')
			res.out.len--;
		*out = xstrndup(res.out.s, res.out.len);
	}
	buf_release(&cmd);
	exec_result_release(&res);
	return r;
}

/* A dict of one question, its value hidden for a password. */
static struct value *
debconf_one(const char *question, const char *value, int secret)
{
	struct value	*d = value_dict();

	value_dict_setstr(d, question, value);
	if (secret)
		d->flags |= VALUE_SECRET;
	return d;
}

static enum mod_status
debconf_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	const char		*pkg = args_str(args, "name");
	const char		*question = args_str(args, "question");
	const char		*vtype = args_str(args, "vtype");
	const char		*value = args_str(args, "value");
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 cmd = BUF_INIT, data = BUF_INIT;
	struct value		*prev = NULL, *e, *before, *after;
	char			*cause = NULL, *existing = NULL, *set = NULL, *p;
	int			 secret, changed = 0;
	enum mod_status		 status = MOD_FAILED;

	if (debconf_validate(args, &cause) != 0)
		goto out;
	secret = vtype != NULL && strcmp(vtype, "password") == 0;
	buf_adds(&cmd, "debconf-show ");
	shell_quote_buf(&cmd, pkg);
	if (host_run(ctx, buf_cstr(&cmd), &res, &cause) != 0)
		goto out;
	if (res.rc != 0) {
		cause = xstrndup(res.err.s != NULL ? res.err.s : "",
		    res.err.len);
		goto out;
	}
	prev = debconf_parse_show(buf_cstr(&res.out));
	if (question != NULL) {
		e = value_dict_get(prev, question);
		if (e != NULL && secret) {
			if (debconf_password(ctx, question, &existing,
			    &cause) != 0)
				goto out;
		} else if (e != NULL)
			existing = value_to_string(e);
		changed = debconf_differs(vtype, value, existing);
	}
	if (!changed) {
		result_setstr(r, "msg", "");
		result_set(r, "current", value_ref(prev));
		status = MOD_OK;
		goto out;
	}

	set = debconf_set_value(vtype, value);
	if (!ctx_check_mode(ctx)) {
		exec_result_release(&res);
		buf_reset(&cmd);
		buf_adds(&cmd, "debconf-set-selections");
		if (args_bool(args, "unseen", 0))
			buf_adds(&cmd, " -u");
		/* The answer goes on stdin: never on a command line. */
		buf_addf(&data, "%s %s %s %s", pkg, question, vtype, set);
		if (host_run_stdin(ctx, buf_cstr(&cmd), data.s, data.len, &res,
		    &cause) != 0)
			goto out;
		if (res.rc != 0) {
			cause = xstrndup(res.err.s != NULL ? res.err.s : "",
			    res.err.len);
			goto out;
		}
		result_setstr(r, "msg", buf_cstr(&res.out));
	} else
		result_setstr(r, "msg", "");
	/* Ansible's current holds the answer as given, lowered for booleans. */
	free(set);
	set = xstrdup(value);
	if (strcmp(vtype, "boolean") == 0)
		for (p = set; *p != '\0'; p++)
			*p = tolower((unsigned char)*p);
	result_set(r, "current", debconf_one(question, set, secret));
	result_set(r, "previous", debconf_one(question, existing != NULL ?
	    existing : "", secret));
	if (ctx_diff_mode(ctx)) {
		/* A password shows as stars, as Ansible's no_log masking. */
		before = debconf_one(question, existing == NULL ? "" :
		    secret ? "********" : existing, 0);
		after = debconf_one(question, secret ? "********" : set, 0);
		result_diff_dict(r, before, after);
		value_unref(before);
		value_unref(after);
	}
	status = MOD_CHANGED;
out:
	if (status == MOD_FAILED)
		status = result_fail(r, "%s", cause != NULL ? cause :
		    "debconf failed");
	free(cause);
	free(existing);
	free(set);
	value_unref(prev);
	buf_release(&cmd);
	buf_release(&data);
	exec_result_release(&res);
	return status;
}

const struct module_entry module_debconf = {
	.name = "debconf",
	.aliases = debconf_aliases,
	.params = debconf_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_SUPPORTS_DIFF,
	.validate = debconf_validate,
	.run = debconf_run,
};
