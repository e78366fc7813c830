/*
 * known_hosts: adds, replaces or removes a host's key in a known_hosts
 * file on the target (ansible.builtin.known_hosts).  The file is read
 * and searched here (knownhosts-edit.c, with the controller's own
 * known_hosts matching) and written back atomically; removing every key
 * of a host is "ssh-keygen -R" on the target, as Ansible does it.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "knownhosts-edit.h"
#include "module.h"

static const char *const known_hosts_aliases[] = {
	"ansible.builtin.known_hosts", "ansible.legacy.known_hosts", NULL
};
static const char *const state_choices[] = { "absent", "present", NULL };
static const char *const name_aliases[] = { "host", NULL };

static const struct mod_param known_hosts_params[] = {
	{ "name", P_STR, P_REQUIRED, NULL, NULL, name_aliases },
	{ "key", P_STR, 0, NULL, NULL, NULL },
	{ "path", P_PATH, 0, "~/.ssh/known_hosts", NULL, NULL },
	{ "hash_host", P_BOOL, 0, "no", NULL, NULL },
	{ "state", P_STR, 0, "present", state_choices, NULL },
	{ NULL }
};

/* '\S+(\s+)?,(\s+)?': a comma after a word. */
static int
known_hosts_is_list(const char *name)
{
	const char	*comma = strchr(name, ',');

	return comma != NULL && comma > name && comma[-1] != ' ';
}

static enum mod_status
known_hosts_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	const char		*path = args_str(args, "path");
	const char		*argkey = args_str(args, "key");
	int			 present = strcmp(args_str(args, "state"),
				    "present") == 0;
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct kh_search	 s;
	struct buf		 text = BUF_INIT, cmd = BUF_INIT;
	unsigned char		 salt[20];
	char			*host, *p, *key = NULL, *after = NULL;
	char			*cause = NULL;
	int			 rv, exists, changed = 0;
	enum mod_status		 status = MOD_FAILED;

	host = xstrdup(args_str(args, "name"));
	for (p = host; *p != '\0'; p++)
		*p = tolower((unsigned char)*p);
	if (argkey != NULL && *argkey == '\0')
		argkey = NULL;
	if (argkey == NULL && present) {
		cause = xstrdup("No key specified when adding a host");
		goto out;
	}
	if (argkey != NULL) {
		if (known_hosts_is_list(host)) {
			cause = xstrdup("Comma separated list of names is not "
			    "supported. Please pass a single name to lookup "
			    "in the known_hosts file.");
			goto out;
		}
		if (!kh_key_names(argkey, host)) {
			cause = xstrdup("Host parameter does not match hashed "
			    "host field in supplied key");
			goto out;
		}
		if (args_bool(args, "hash_host", 0)) {
			if (RAND_bytes(salt, sizeof salt) != 1)
				fatal("known_hosts: no random bytes");
			key = kh_hash_key(host, argkey, salt);
		} else
			key = xstrdup(argkey);
		if (key[0] != '\0' && key[strlen(key) - 1] != '\n') {
			p = key;
			key = xasprintf("%s\n", p);
			free(p);
		}
	}

	if ((rv = host_read(ctx, path, &text, &cause)) != 0 &&
	    rv != ERR_NOENT)
		goto out;
	exists = rv == 0;
	if (!exists) {
		free(cause);
		cause = NULL;
	}
	kh_search(buf_cstr(&text), host, key, &s);
	after = kh_edit(buf_cstr(&text), &s, present, key);
	if (ctx_diff_mode(ctx) && strcmp(after, buf_cstr(&text)) != 0)
		result_diff(r, exists ? path : "/dev/null", buf_cstr(&text),
		    path, after);
	result_setstr(r, "name", args_str(args, "name"));
	if (argkey != NULL)
		result_setstr(r, "key", argkey);
	result_setstr(r, "path", path);
	result_setbool(r, "hash_host", args_bool(args, "hash_host", 0));
	result_setstr(r, "state", present ? "present" : "absent");

	if (!present && key != NULL && s.line == 0) {
		status = MOD_OK;
		goto out;
	}
	changed = s.replace || present != s.found;
	if (ctx_check_mode(ctx)) {
		status = changed ? MOD_CHANGED : MOD_OK;
		goto out;
	}
	if (s.found && key == NULL && !present) {
		/* every key of the host, hashed or not, as ssh-keygen sees */
		buf_adds(&cmd, "ssh-keygen -R ");
		shell_quote_buf(&cmd, host);
		buf_adds(&cmd, " -f ");
		host_path_word(&cmd, path);
		if (host_run(ctx, buf_cstr(&cmd), &res, &cause) != 0)
			goto out;
		if (res.rc != 0) {
			status = result_fail_exec(r, buf_cstr(&cmd), &res);
			goto out;
		}
		status = MOD_CHANGED;
		goto out;
	}
	if (changed && host_write(ctx, path, after, strlen(after), NULL, NULL,
	    &cause) != 0) {
		p = cause;
		cause = xasprintf("Failed to write to file %s: %s", path, p);
		free(p);
		goto out;
	}
	status = changed ? MOD_CHANGED : MOD_OK;
out:
	if (status == MOD_FAILED && cause != NULL)
		status = result_fail(r, "%s", cause);
	exec_result_release(&res);
	buf_release(&text);
	buf_release(&cmd);
	free(host);
	free(key);
	free(after);
	free(cause);
	return status;
}

const struct module_entry module_known_hosts = {
	.name = "known_hosts",
	.aliases = known_hosts_aliases,
	.params = known_hosts_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_SUPPORTS_DIFF,
	.run = known_hosts_run,
};
