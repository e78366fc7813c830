/* authorized_key: adds or removes SSH keys in a user's authorized_keys, as Ansible's authorized_key. */
#include <stdlib.h>
#include <string.h>

#include "accounts.h"
#include "authkeys.h"
#include "module.h"

static const char *const authorized_key_aliases[] = {
	"ansible.posix.authorized_key", "ansible.builtin.authorized_key",
	"ansible.legacy.authorized_key", NULL
};
static const char *const state_choices[] = { "absent", "present", NULL };

static const struct mod_param authorized_key_params[] = {
	{ "user", P_STR, P_REQUIRED, NULL, NULL, NULL },
	{ "key", P_STR, P_REQUIRED, NULL, NULL, NULL },
	{ "path", P_PATH, 0, NULL, NULL, NULL },
	{ "manage_dir", P_BOOL, 0, "yes", NULL, NULL },
	{ "state", P_STR, 0, "present", state_choices, NULL },
	{ "key_options", P_STR, 0, NULL, NULL, NULL },
	{ "exclusive", P_BOOL, 0, "no", NULL, NULL },
	{ "comment", P_STR, 0, NULL, NULL, NULL },
	{ "validate_certs", P_BOOL, 0, "yes", NULL, NULL },
	{ "follow", P_BOOL, 0, "no", NULL, NULL },
	{ NULL }
};

/* Keys from a URL would need the network from the target or controller. */
static int
authorized_key_is_url(const char *key)
{
	return str_startswith(key, "http://") ||
	    str_startswith(key, "https://");
}

static int
authorized_key_validate(const struct mod_args *args, char **cause)
{
	const char	*key = args_str(args, "key");

	if (key != NULL && !value_is_template(args_get(args, "key")) &&
	    authorized_key_is_url(key)) {
		*cause = xasprintf("cannot fetch keys from '%s': keys from a "
		    "URL are not supported, give the keys themselves (e.g. "
		    "with a lookup on the controller)", key);
		return -1;
	}
	return 0;
}

/* What the read of the target found. */
struct authorized_key_state {
	int			 has_user;
	struct accounts_passwd	 pw;
	char			*keyfile;	/* as given or defaulted */
	char			*target;	/* followed when follow */
	int			 exists;
	char			*content;
};

static void
authorized_key_state_release(struct authorized_key_state *s)
{
	if (s->has_user)
		accounts_passwd_release(&s->pw);
	free(s->keyfile);
	free(s->target);
	free(s->content);
}

/* Splits off the first line of *p: the line, malloc'd. */
static char *
authorized_key_line(const char **p)
{
	const char	*nl = strchr(*p, '\n');
	char		*line;

	if (nl == NULL) {
		line = xstrdup(*p);
		*p += strlen(*p);
	} else {
		line = xstrndup(*p, (size_t)(nl - *p));
		*p = nl + 1;
	}
	return line;
}

/*
 * Reads the keys file and, outside check mode, locks it for the write
 * (in the same round trip): the file as given, or for ~user's default
 * one the lock of ~user/.ssh, which exists before manage_dir creates
 * .ssh.
 */
static int
authorized_key_read(struct task_ctx *ctx, const struct mod_args *args,
    struct authorized_key_state *st, struct host_lock **lock, char **cause)
{
	const char		*user = args_str(args, "user");
	const char		*path = args_str(args, "path");
	struct buf		 s = BUF_INIT;
	struct exec_result	 res = EXEC_RESULT_INIT;
	const char		*p;
	char			*line, *bad = NULL, *lpath;
	int			 r;

	memset(st, 0, sizeof *st);
	buf_adds(&s, "u=");
	shell_quote_buf(&s, user);
	buf_adds(&s, "\nif pw=$(getent passwd \"$u\"); then "
	    "printf 'U %s\\n' \"$pw\"; else pw=; echo U; fi\n");
	if (path != NULL) {
		buf_adds(&s, "p=");
		host_path_word(&s, path);
	} else
		buf_adds(&s, "h=$(printf '%s\\n' \"$pw\" | cut -d: -f6)\n"
		    "p=\"$h/.ssh/authorized_keys\"; [ -n \"$pw\" ] || p=");
	buf_adds(&s, "\nprintf '%s\\n' \"$p\"\nt=$p\n");
	if (args_bool(args, "follow", 0))
		buf_adds(&s, "[ -z \"$p\" ] || t=$(realpath -m -- \"$p\")\n");
	buf_adds(&s, "printf '%s\\n' \"$t\"\n"
	    "if [ -n \"$t\" ] && [ -f \"$t\" ]; then echo C; cat -- \"$t\"; "
	    "else echo N; fi");
	lpath = path != NULL ? xstrdup(path) :
	    xasprintf("~%s/.ssh", user);
	r = host_run_lock(ctx, buf_cstr(&s), lpath, &res, lock, cause);
	free(lpath);
	buf_release(&s);
	if (r == 0 && res.rc != 0) {
		*cause = xasprintf("cannot read the keys file: %.*s",
		    (int)res.err.len, res.err.s != NULL ? res.err.s : "");
		r = -1;
	}
	if (r != 0) {
		exec_result_release(&res);
		return -1;
	}
	p = buf_cstr(&res.out);
	line = authorized_key_line(&p);
	if (str_startswith(line, "U ") &&
	    accounts_parse_passwd(line + 2, &st->pw, &bad) == 0) {
		st->has_user = strcmp(st->pw.name, user) == 0;
		if (!st->has_user)
			accounts_passwd_release(&st->pw);
	}
	free(line);
	free(bad);
	st->keyfile = authorized_key_line(&p);
	st->target = authorized_key_line(&p);
	line = authorized_key_line(&p);
	st->exists = strcmp(line, "C") == 0;
	free(line);
	st->content = xstrdup(st->exists ? p : "");
	exec_result_release(&res);
	return 0;
}

/* manage_dir: the directory 0700 and owned by the user, as Ansible. */
static int
authorized_key_prepare(struct task_ctx *ctx,
    const struct authorized_key_state *st, char **cause)
{
	struct buf		 s = BUF_INIT;
	struct exec_result	 res = EXEC_RESULT_INIT;
	int			 r;

	buf_adds(&s, "d=$(dirname -- ");
	shell_quote_buf(&s, st->target);
	buf_addf(&s, ")\nif [ ! -e \"$d\" ]; then mkdir -m 0700 -- \"$d\" || "
	    "exit 1; fi\nchown %lld:%lld -- \"$d\" && chmod 0700 -- \"$d\"",
	    st->pw.uid, st->pw.gid);
	r = host_run(ctx, buf_cstr(&s), &res, cause);
	buf_release(&s);
	if (r == 0 && res.rc != 0) {
		*cause = xasprintf("Failed to create directory: %.*s",
		    (int)res.err.len, res.err.s != NULL ? res.err.s : "");
		r = -1;
	}
	exec_result_release(&res);
	return r;
}

static enum mod_status
authorized_key_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	const char			*user = args_str(args, "user");
	const char			*key = args_str(args, "key");
	const char			*path = args_str(args, "path");
	struct authorized_key_state	 st;
	struct authkeys_want		 w;
	struct write_opts		 wo;
	struct host_lock		*lock = NULL;
	char				*cause = NULL, *out = NULL;
	char				 uid[32], gid[32];
	int				 changed = 0, check = ctx_check_mode(ctx);
	enum mod_status			 status = MOD_FAILED;
	static const char *const	 echo[] = { "user", "key", "path",
	    "manage_dir", "state", "key_options", "exclusive", "comment",
	    "validate_certs", "follow" };
	size_t				 i;

	for (i = 0; i < ARRAY_SIZE(echo); i++) {
		struct value	*v = args_get(args, echo[i]);

		result_set(r, echo[i], v != NULL ? value_ref(v) :
		    value_null());
	}
	if (authorized_key_is_url(key))
		return result_fail(r, "cannot fetch keys from '%s': keys from "
		    "a URL are not supported, give the keys themselves", key);
	if (authorized_key_read(ctx, args, &st, &lock, &cause) != 0) {
		host_unlock(ctx, lock);
		status = result_fail(r, "%s", cause);
		free(cause);
		return status;
	}
	if (!st.has_user && !(check && path != NULL)) {
		if (check && path == NULL)
			cause = xstrdup("Either user must exist or you must "
			    "provide full path to key file in check mode");
		else
			cause = xasprintf("Failed to lookup user %s: "
			    "getpwnam(): name not found: '%s'", user, user);
		goto fail;
	}
	result_setstr(r, "keyfile", st.keyfile);

	memset(&w, 0, sizeof w);
	w.keys = key;
	w.present = strcmp(args_str(args, "state"), "present") == 0;
	w.exclusive = args_bool(args, "exclusive", 0);
	w.key_options = args_str(args, "key_options");
	w.comment = args_str(args, "comment");
	if (authkeys_apply(st.content, &w, &out, &changed, &cause) != 0)
		goto fail;
	if (changed && ctx_diff_mode(ctx))
		result_diff(r, st.keyfile, st.content, st.target, out);
	if (changed && !check) {
		if (args_bool(args, "manage_dir", 1) &&
		    authorized_key_prepare(ctx, &st, &cause) != 0)
			goto fail;
		snprintf(uid, sizeof uid, "%lld", st.pw.uid);
		snprintf(gid, sizeof gid, "%lld", st.pw.gid);
		memset(&wo, 0, sizeof wo);
		wo.mode = "0600";
		wo.owner = uid;
		wo.group = gid;
		wo.mkdirs = 1;
		wo.unlock = lock;
		if (host_write(ctx, st.target, out, strlen(out), &wo, NULL,
		    &cause) != 0)
			goto fail;
	}
	status = changed ? MOD_CHANGED : MOD_OK;
	goto out;

fail:
	status = result_fail(r, "%s", cause);
	free(cause);
out:
	host_unlock(ctx, lock);
	free(out);
	authorized_key_state_release(&st);
	return status;
}

const struct module_entry module_authorized_key = {
	.name = "authorized_key",
	.aliases = authorized_key_aliases,
	.params = authorized_key_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_SUPPORTS_DIFF,
	.validate = authorized_key_validate,
	.run = authorized_key_run,
};
