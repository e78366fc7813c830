/* Config file and environment settings (cairn.cfg or ansible.cfg). */
#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "settings.h"
#include "value.h"

int
settings_parse_hkc(const char *s, enum host_key_checking *out)
{
	struct value	*v;
	int		 b;

	if (strcasecmp(s, "accept-new") == 0 || strcasecmp(s, "accept_new") == 0)
		*out = HKC_ACCEPT_NEW;
	else if (strcasecmp(s, "off") == 0)
		*out = HKC_OFF;
	else if (strcasecmp(s, "strict") == 0)
		*out = HKC_STRICT;
	else {
		v = value_str(s);
		b = value_as_bool(v);
		value_unref(v);
		if (b < 0)
			return -1;
		*out = b ? HKC_STRICT : HKC_OFF;
	}
	return 0;
}

static int
parse_bool(const char *s, int *out)
{
	struct value	*v = value_str(s);
	int		 b = value_as_bool(v);

	value_unref(v);
	if (b < 0)
		return -1;
	*out = b;
	return 0;
}

static void
set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = xstrdup(s);
}

static char *
expand_home(const char *s)
{
	const char	*home = getenv("HOME");

	if (s[0] == '~' && (s[1] == '/' || s[1] == '\0') && home != NULL)
		return xasprintf("%s%s", home, s + 1);
	return xstrdup(s);
}

/*
 * Ansible's keys that mean nothing without Python, plugins or its own
 * connection code: read without a word, as ansible-playbook reads them.
 */
static const char *const ignored_keys[] = {
	"pipelining", "interpreter_python", "deprecation_warnings",
	"command_warnings", "system_warnings", "action_warnings", "nocows",
	"cow_selection", "bin_ansible_callbacks", "local_tmp", "remote_tmp",
	"ansible_managed",
	"collections_on_ansible_version_mismatch", "fact_caching",
	"fact_caching_connection", "fact_caching_timeout", "strategy_plugins",
	"callback_plugins", "action_plugins", "filter_plugins",
	"lookup_plugins", "connection_plugins", "vars_plugins",
	"test_plugins", "inventory_plugins", "module_utils", "ssh_args",
	"control_path", "control_path_dir", "scp_if_ssh", "transfer_method",
	"sftp_batch_mode", "retries", "usetty", "show_custom_stats",
	"display_args_to_stdout", "localhost_warning", "any_errors_fatal",
	"internal_poll_interval", "poll_interval", "jinja2_extensions",
	"host_pattern_mismatch", "enable_plugins", "cache", "unparsed_is_failed",
	NULL
};

static int	apply_key(struct settings *, const char *, const char *,
		    const char *, const char *, char **, int *);

static int
in_list(const char *const *list, const char *s)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

/* A ':'-separated list of paths, each with its "~" expanded. */
static char *
expand_home_list(const char *s)
{
	struct buf	 b = BUF_INIT;
	char		*copy = xstrdup(s), *tok, *save, *one;

	for (tok = strtok_r(copy, ":", &save); tok != NULL;
	    tok = strtok_r(NULL, ":", &save)) {
		one = expand_home(str_trim(tok));
		buf_addf(&b, "%s%s", b.len ? ":" : "", one);
		free(one);
	}
	free(copy);
	return buf_detach(&b, NULL);
}

/* One key of the file or the environment; -1 and *cause if bad. */
static int
apply(struct settings *st, const char *section, const char *key,
    const char *val, const char *where, char **cause)
{
	int	n;

	if (apply_key(st, section, key, val, where, cause, &n) != 0)
		return -1;
	/* n: the key was not one cairn reads */
	if (n && !in_list(ignored_keys, key))
		value_list_append(st->warnings, value_strf("%s: [%s] %s is "
		    "not used by cairn, ignored", where, section, key));
	return 0;
}

/* apply's work: *unknown set when no branch takes the key. */
static int
apply_key(struct settings *st, const char *section, const char *key,
    const char *val, const char *where, char **cause, int *unknown)
{
	int	n;

	*unknown = 0;
	if (strcmp(section, "defaults") == 0) {
		if (strcmp(key, "inventory") == 0 ||
		    strcmp(key, "hostfile") == 0) {
			free(st->inventory);
			st->inventory = expand_home(val);
		} else if (strcmp(key, "forks") == 0) {
			if ((n = atoi(val)) <= 0)
				goto bad;
			st->forks = n;
		} else if (strcmp(key, "remote_user") == 0)
			set_str(&st->remote_user, val);
		else if (strcmp(key, "private_key_file") == 0) {
			free(st->private_key_file);
			st->private_key_file = expand_home(val);
		} else if (strcmp(key, "host_key_checking") == 0) {
			if (settings_parse_hkc(val, &st->hkc) != 0)
				goto bad;
		} else if (strcmp(key, "timeout") == 0) {
			if ((n = atoi(val)) <= 0)
				goto bad;
			st->timeout = n;
		} else if (strcmp(key, "library") == 0) {
			free(st->library);
			st->library = expand_home(val);
		} else if (strcmp(key, "collections_paths") == 0 ||
		    strcmp(key, "collections_path") == 0) {
			free(st->collections_path);
			st->collections_path = expand_home_list(val);
		} else if (strcmp(key, "roles_path") == 0) {
			free(st->roles_path);
			st->roles_path = expand_home_list(val);
		} else if (strcmp(key, "retry_files_enabled") == 0) {
			if (parse_bool(val, &st->retry_files_enabled) != 0)
				goto bad;
		} else if (strcmp(key, "retry_files_save_path") == 0) {
			free(st->retry_files_save_path);
			st->retry_files_save_path = expand_home(val);
		} else if (strcmp(key, "vault_password_file") == 0) {
			free(st->vault_password_file);
			st->vault_password_file = expand_home(val);
		} else if (strcmp(key, "vault_identity_list") == 0) {
			free(st->vault_identity_list);
			st->vault_identity_list = xstrdup(val);
		} else if (strcmp(key, "stdout_callback") == 0) {
			free(st->stdout_callback);
			st->stdout_callback = xstrdup(val);
		} else if (strcmp(key, "callbacks_enabled") == 0 ||
		    strcmp(key, "callback_whitelist") == 0) {
			free(st->callbacks_enabled);
			st->callbacks_enabled = xstrdup(val);
		} else if (strcmp(key, "display_skipped_hosts") == 0) {
			if (parse_bool(val, &st->display_skipped_hosts) != 0)
				goto bad;
		} else if (strcmp(key, "display_ok_hosts") == 0) {
			if (parse_bool(val, &st->display_ok_hosts) != 0)
				goto bad;
		} else if (strcmp(key, "nocolor") == 0) {
			if (parse_bool(val, &st->nocolor) != 0)
				goto bad;
		} else if (strcmp(key, "force_color") == 0) {
			if (parse_bool(val, &st->force_color) != 0)
				goto bad;
		} else if (strcmp(key, "gathering") == 0)
			st->gather_facts = strcmp(val, "explicit") != 0;
		else
			*unknown = 1;
	} else if (strcmp(section, "privilege_escalation") == 0) {
		if (strcmp(key, "become") == 0) {
			if (parse_bool(val, &st->become) != 0)
				goto bad;
		} else if (strcmp(key, "become_user") == 0)
			set_str(&st->become_user, val);
		else if (strcmp(key, "become_method") == 0)
			set_str(&st->become_method, val);
		else if (strcmp(key, "become_ask_pass") == 0) {
			if (parse_bool(val, &st->become_ask_pass) != 0)
				goto bad;
		} else
			*unknown = 1;
	} else if (strcmp(section, "colors") != 0 &&
	    strcmp(section, "ssh_connection") != 0 &&
	    strcmp(section, "persistent_connection") != 0 &&
	    strncmp(section, "callback_", 9) != 0)
		*unknown = 1;
	return 0;
bad:
	*cause = xasprintf("%s: invalid value '%s' for '%s'", where, val, key);
	return -1;
}

/*
 * configparser's inline_comment_prefixes=(';',) as Ansible sets it: a ';'
 * after white space starts a comment.  A '#' does not: it is part of the
 * value, as in Ansible.
 */
static void
strip_inline_comment(char *val)
{
	for (char *p = val; *p != '\0'; p++)
		if (*p == ';' && p > val && (p[-1] == ' ' || p[-1] == '\t')) {
			*p = '\0';
			return;
		}
}

static int
read_config(struct settings *st, const char *path, char **cause)
{
	struct buf	 b = BUF_INIT;
	char		*section = xstrdup(""), *line, *save, *eq, *where;
	int		 lineno = 0, r = 0;

	if (read_file(path, &b) != 0) {
		free(section);
		return 0;
	}
	st->path = xstrdup(path);
	for (line = strtok_r(b.s, "\n", &save); line != NULL && r == 0;
	    line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		str_trim(line);
		if (*line == '\0' || *line == '#' || *line == ';')
			continue;
		if (*line == '[') {
			free(section);
			section = xstrndup(line + 1, strcspn(line + 1, "]"));
			continue;
		}
		if ((eq = strchr(line, '=')) == NULL)
			continue;
		*eq = '\0';
		strip_inline_comment(eq + 1);
		where = xasprintf("%s:%d", path, lineno);
		r = apply(st, section, str_trim(line), str_trim(eq + 1), where,
		    cause);
		free(where);
	}
	free(section);
	buf_release(&b);
	return r;
}

static int
find_config(struct settings *st, char **cause)
{
	const char	*env[] = { "CAIRN_CONFIG", "ANSIBLE_CONFIG" };
	const char	*files[] = { "./cairn.cfg", "./ansible.cfg",
			    "~/.cairn.cfg", "~/.ansible.cfg",
			    "/etc/cairn/cairn.cfg", "/etc/ansible/ansible.cfg" };
	const char	*e;
	char		*path, cwd[4096];
	struct stat	 sb;
	int		 r, public_cwd = 0, skipped = 0;

	for (size_t i = 0; i < ARRAY_SIZE(env); i++)
		if ((e = getenv(env[i])) != NULL && *e != '\0') {
			/* a directory names the ansible.cfg inside it */
			if (stat(e, &sb) == 0 && S_ISDIR(sb.st_mode)) {
				path = xasprintf("%s/ansible.cfg", e);
				r = read_config(st, path, cause);
				free(path);
				return r;
			}
			return read_config(st, e, cause);
		}
	/* Anyone could have put a config in a world-writable directory. */
	if (getcwd(cwd, sizeof cwd) != NULL && stat(".", &sb) == 0 &&
	    (sb.st_mode & S_IWOTH))
		public_cwd = 1;
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		path = expand_home(files[i]);
		if (public_cwd && files[i][0] == '.') {
			if (access(path, F_OK) == 0)
				skipped = 1;
			free(path);
			continue;
		}
		if (access(path, R_OK) == 0) {
			r = read_config(st, path, cause);
			free(path);
			goto done;
		}
		free(path);
	}
	r = 0;
done:
	if (skipped)
		value_list_append(st->warnings, value_strf("cairn is being run "
		    "in a world writable directory (%s), ignoring it as an "
		    "ansible.cfg source. For more information see "
		    "https://docs.ansible.com/ansible/devel/reference_appendices/"
		    "config.html#cfg-in-world-writable-dir", cwd));
	return r;
}

int
settings_load(struct settings *st, char **cause)
{
	static const struct {
		const char *env, *section, *key;
	} envs[] = {
		{ "ANSIBLE_INVENTORY", "defaults", "inventory" },
		{ "ANSIBLE_FORKS", "defaults", "forks" },
		{ "ANSIBLE_REMOTE_USER", "defaults", "remote_user" },
		{ "ANSIBLE_PRIVATE_KEY_FILE", "defaults", "private_key_file" },
		{ "ANSIBLE_HOST_KEY_CHECKING", "defaults", "host_key_checking" },
		{ "CAIRN_HOST_KEY_CHECKING", "defaults", "host_key_checking" },
		{ "ANSIBLE_TIMEOUT", "defaults", "timeout" },
		{ "ANSIBLE_GATHERING", "defaults", "gathering" },
		{ "ANSIBLE_LIBRARY", "defaults", "library" },
		{ "CAIRN_LIBRARY", "defaults", "library" },
		{ "ANSIBLE_ROLES_PATH", "defaults", "roles_path" },
		{ "ANSIBLE_COLLECTIONS_PATHS", "defaults", "collections_path" },
		{ "ANSIBLE_COLLECTIONS_PATH", "defaults", "collections_path" },
		{ "ANSIBLE_RETRY_FILES_ENABLED", "defaults",
		    "retry_files_enabled" },
		{ "ANSIBLE_RETRY_FILES_SAVE_PATH", "defaults",
		    "retry_files_save_path" },
		{ "ANSIBLE_VAULT_PASSWORD_FILE", "defaults",
		    "vault_password_file" },
		{ "ANSIBLE_VAULT_IDENTITY_LIST", "defaults",
		    "vault_identity_list" },
		{ "ANSIBLE_STDOUT_CALLBACK", "defaults", "stdout_callback" },
		{ "ANSIBLE_CALLBACK_WHITELIST", "defaults",
		    "callback_whitelist" },
		{ "ANSIBLE_CALLBACKS_ENABLED", "defaults",
		    "callbacks_enabled" },
		{ "ANSIBLE_DISPLAY_SKIPPED_HOSTS", "defaults",
		    "display_skipped_hosts" },
		{ "ANSIBLE_DISPLAY_OK_HOSTS", "defaults", "display_ok_hosts" },
		{ "ANSIBLE_NOCOLOR", "defaults", "nocolor" },
		{ "ANSIBLE_FORCE_COLOR", "defaults", "force_color" },
		{ "ANSIBLE_BECOME", "privilege_escalation", "become" },
		{ "ANSIBLE_BECOME_USER", "privilege_escalation", "become_user" },
		{ "ANSIBLE_BECOME_METHOD", "privilege_escalation",
		    "become_method" },
		{ "ANSIBLE_BECOME_ASK_PASS", "privilege_escalation",
		    "become_ask_pass" },
	};
	const char	*e;

	memset(st, 0, sizeof *st);
	st->warnings = value_list();
	st->display_skipped_hosts = 1;
	st->display_ok_hosts = 1;
	st->forks = 50;
	st->hkc = HKC_STRICT;
	st->timeout = 10;
	st->gather_facts = 1;
	if (find_config(st, cause) != 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(envs); i++)
		if ((e = getenv(envs[i].env)) != NULL && *e != '\0' &&
		    apply(st, envs[i].section, envs[i].key, e, envs[i].env,
		    cause) != 0)
			return -1;
	return 0;
}

void
settings_release(struct settings *st)
{
	free(st->path);
	free(st->inventory);
	free(st->remote_user);
	free(st->private_key_file);
	free(st->become_user);
	free(st->become_method);
	free(st->library);
	free(st->roles_path);
	free(st->collections_path);
	free(st->vault_password_file);
	free(st->retry_files_save_path);
	free(st->vault_identity_list);
	free(st->callbacks_enabled);
	free(st->stdout_callback);
	value_unref(st->warnings);
}
