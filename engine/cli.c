/*
 * The command line, with ansible-playbook's options and meanings:
 *   cairn play [options] playbook.yml...
 *   cairn inventory [-i INV] --list | --graph [GROUP] | --host HOST
 * Everything is read and checked before any host is contacted.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "conn.h"
#include "executor.h"
#include "inventory.h"
#include "luamod.h"
#include "module.h"
#include "output.h"
#include "playbook.h"
#include "regex.h"
#include "settings.h"
#include "vars.h"
#include "vault.h"
#include "expr.h"
#include "yaml.h"

static void
usage_play(FILE *f)
{
	fputs(
"usage: cairn play [options] playbook.yml [playbook.yml ...]\n"
"\n"
"Runs Ansible-style playbooks over SSH with one persistent shell per host.\n"
"\n"
"options:\n"
"  -i, --inventory SRC      inventory file, directory or 'h1,h2,' list (repeatable)\n"
"  -l, --limit PATTERN      further limit the selected hosts (@FILE: one a line)\n"
"  -e, --extra-vars VARS    k=v pairs, JSON/YAML, or @file (repeatable)\n"
"  -f, --forks N            parallel hosts (default 50)\n"
"  -u, --user USER          connect as this user\n"
"      --private-key FILE   SSH private key file\n"
"  -c, --connection TYPE    ssh (default) or local\n"
"  -T, --timeout SECONDS    connection timeout (default 10)\n"
"  -b, --become             run operations with become (sudo)\n"
"      --become-user USER   become this user (default root)\n"
"      --become-method M    sudo (default) or su\n"
"  -K, --ask-become-pass    ask for the become password\n"
"  --vault-id [LABEL@]SRC   a vault secret: a password file, a script or\n"
"                           'prompt' (repeatable)\n"
"  --vault-password-file F  a vault password file or script (repeatable)\n"
"  -J, --ask-vault-pass     ask for the vault password\n"
"  -C, --check              change nothing, predict what would change\n"
"  -D, --diff               show the differences in changed files\n"
"  -t, --tags TAGS          only run tasks with these tags\n"
"      --skip-tags TAGS     skip tasks with these tags\n"
"      --list-hosts         list the hosts each play would run on\n"
"      --list-tasks         list the tasks each play would run\n"
"      --list-tags          list the tags of the tasks each play would run\n"
"      --start-at-task NAME start at the task of this name (a glob)\n"
"      --step               ask before each task: (N)o/(y)es/(c)ontinue\n"
"      --syntax-check       check the playbooks, run nothing\n"
"      --json               print the results as one JSON document\n"
"      --report-md FILE     write a Markdown report of what changed (or would,\n"
"                           with --check) and the diffs, for a merge request\n"
"      --force-handlers     run notified handlers even on failed hosts\n"
"      --host-key-checking MODE  strict (default), accept-new or off\n"
"      --ssh-common-args ARGS    OpenSSH options (-o Key=Value...) for every host\n"
"      --ssh-extra-args ARGS     more of them, after the common ones\n"
"      --scp-extra-args, --sftp-extra-args ARGS  accepted and ignored\n"
"  -M, --module-path DIRS   look for Lua modules here first (':' between)\n"
"  -v, --verbose            more output (-vvvv for the most)\n"
"      --version            print the version\n"
"  -h, --help               this help\n"
"\n"
"Exit codes, as ansible-playbook 2.14's: 0 ok, 1 error, 2 a host failed\n"
"or bad options, 4 a host unreachable or a parse error, 99 interrupted.\n", f);
}

static void
usage_main(FILE *f)
{
	fputs(
"usage: cairn play [options] playbook.yml...\n"
"       cairn inventory [-i SRC] --list | --graph [GROUP] | --host HOST\n"
"       cairn vault create|decrypt|edit|view|encrypt|encrypt_string|rekey ...\n"
"       cairn doc [-l] [-s] [-j] [MODULE...]\n"
"       cairn adhoc PATTERN [-m MODULE] [-a ARGS] [-o] [options]\n"
"       cairn --version\n"
"\n"
"Run `cairn play --help` for the options of a run.\n", f);
}

/*
 * As ansible-playbook --version: the version, then what a user checks when
 * a run does not do what they expect: the config file, where modules are
 * looked for, and the libraries cairn runs on.
 */
static void
print_version(const struct settings *st, const char *modpath)
{
	char	exe[4096];
	ssize_t	n;

	char	*cfg = st != NULL && st->path != NULL ? realpath(st->path,
		    NULL) : NULL;

	printf("cairn %s\n", PACKAGE_VERSION);
	printf("  config file = %s\n", cfg != NULL ? cfg : st != NULL &&
	    st->path != NULL ? st->path : "None");
	free(cfg);
	printf("  configured module search path = %s%s%s\n",
	    modpath != NULL && *modpath != '\0' ? modpath : "",
	    modpath != NULL && *modpath != '\0' ? ":" : "",
	    st != NULL && st->library != NULL ? st->library : "(none)");
	printf("  shipped Lua modules = %s/modules\n", CAIRN_DATADIR);
	if ((n = readlink("/proc/self/exe", exe, sizeof exe - 1)) > 0) {
		exe[n] = '\0';
		printf("  executable location = %s\n", exe);
	}
	printf("  libssh = %s\n", conn_ssh_library_version());
	printf("  libyaml = %s\n", yaml_library_version());
	printf("  pcre2 = %s\n", regex_library_version());
	printf("  lua = %s\n", luamod_library_version());
	printf("  libcrypto = %s\n", vault_library_version());
}

/* Merges one -e argument into vars; -1 and *cause if malformed. */
static int
add_extra_vars(struct value *vars, const char *arg, char **cause)
{
	struct value	*v = NULL;
	const char	*p = arg;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '@') {
		if (yaml_load_file(p + 1, &v, cause) != 0)
			return -1;
	} else if (*p == '{' || *p == '[') {
		if (yaml_load_string("extra vars", p, strlen(p), &v,
		    cause) != 0)
			return -1;
	} else
		v = playbook_parse_kv(p, 0);
	if (v->type == V_NULL) {
		value_unref(v);
		return 0;
	}
	if (v->type != V_DICT) {
		value_unref(v);
		*cause = xasprintf("invalid extra vars '%s': a mapping or "
		    "key=value pairs are expected", arg);
		return -1;
	}
	if (value_dict_get(v, "_raw_params") != NULL) {
		value_unref(v);
		*cause = xasprintf("invalid extra vars '%s': expected "
		    "key=value", arg);
		return -1;
	}
	value_dict_merge(vars, v, 0);
	value_unref(v);
	return 0;
}

/* Splits "a,b" into a list of tags (appending to *list). */
static void
add_tags(struct value **list, const char *arg)
{
	char	*s = xstrdup(arg), *tok, *save;

	if (*list == NULL)
		*list = value_list();
	for (tok = strtok_r(s, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save))
		if (*str_trim(tok) != '\0')
			value_list_append(*list, value_str(tok));
	free(s);
}

/* Reads a password from the terminal without echo (or a line of stdin). */
static char *
ask_password(const char *prompt)
{
	struct termios	 old, quiet;
	char		 line[1024];
	int		 tty = isatty(STDIN_FILENO);
	size_t		 n;

	fputs(prompt, stderr);
	fflush(stderr);
	if (tty && tcgetattr(STDIN_FILENO, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	} else
		tty = 0;
	if (fgets(line, sizeof line, stdin) == NULL)
		line[0] = '\0';
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	return xstrdup(line);
}

struct inv_args {
	const char	**sources;
	size_t		  n;
};

static int
load_inventory(struct inv_args *ia, const struct settings *st,
    struct inventory **out)
{
	struct inventory	*inv = inventory_new();
	char			*cause = NULL, *copy, *tok, *save;
	const char		*dflt[] = { "/etc/cairn/hosts", "/etc/ansible/hosts" };

	if (ia->n == 0 && st->inventory != NULL) {
		/* a "h1,h2," host list stays whole; else comma-separated paths */
		copy = xstrdup(st->inventory);
		if (strchr(copy, ',') != NULL && access(strtok_r(copy, ",",
		    &save), F_OK) != 0) {
			ia->sources = xcalloc(1, sizeof *ia->sources);
			ia->sources[ia->n++] = xstrdup(st->inventory);
		} else {
			free(copy);
			copy = xstrdup(st->inventory);
			for (tok = strtok_r(copy, ",", &save); tok != NULL;
			    tok = strtok_r(NULL, ",", &save)) {
				ia->sources = xreallocarray(ia->sources,
				    ia->n + 1, sizeof *ia->sources);
				ia->sources[ia->n++] = xstrdup(tok);
			}
		}
		free(copy);
	}
	if (ia->n == 0) {
		for (size_t i = 0; i < ARRAY_SIZE(dflt); i++)
			if (access(dflt[i], R_OK) == 0) {
				ia->sources = xcalloc(1, sizeof *ia->sources);
				ia->sources[ia->n++] = xstrdup(dflt[i]);
				break;
			}
	}
	for (size_t i = 0; i < ia->n; i++) {
		const char *src = ia->sources[i];

		if (strchr(src, ',') == NULL && access(src, F_OK) != 0) {
			output_warning("Unable to parse %s as an inventory "
			    "source", src);
			continue;
		}
		if (inventory_load(inv, src, &cause) != 0) {
			output_error("%s", cause);
			free(cause);
			inventory_free(inv);
			return EXIT_PARSE;
		}
	}
	for (size_t i = 0; inv->warnings != NULL &&
	    i < inv->warnings->u.list.n; i++)
		output_warning("%s", inv->warnings->u.list.items[i]->u.str.s);
	if (inv->nhosts == 0)
		output_warning("provided hosts list is empty, only localhost is "
		    "available. Note that the implicit localhost does not "
		    "match 'all'");
	*out = inv;
	return 0;
}

enum {
	OPT_PRIVATE_KEY = 256,
	OPT_BECOME_USER,
	OPT_BECOME_METHOD,
	OPT_SKIP_TAGS,
	OPT_LIST_HOSTS,
	OPT_LIST_TASKS,
	OPT_LIST_TAGS,
	OPT_SYNTAX_CHECK,
	OPT_VERSION,
	OPT_HKC,
	OPT_LIST,
	OPT_GRAPH,
	OPT_HOST,
	OPT_FLUSH_CACHE,
	OPT_JSON,
	OPT_REPORT_MD,
	OPT_FORCE_HANDLERS,
	OPT_VAULT_ID,
	OPT_VAULT_FILE,
	OPT_SSH_COMMON_ARGS,
	OPT_SSH_EXTRA_ARGS,
	OPT_SCP_EXTRA_ARGS,
	OPT_START_AT_TASK,
	OPT_STEP,
};

/* The vault options of play and inventory, as ansible-playbook's. */
#define VAULT_LONGOPTS							\
	{ "vault-id", required_argument, NULL, OPT_VAULT_ID },		\
	{ "vault-password-file", required_argument, NULL, OPT_VAULT_FILE }, \
	{ "vault-pass-file", required_argument, NULL, OPT_VAULT_FILE },	\
	{ "ask-vault-pass", no_argument, NULL, 'J' },			\
	{ "ask-vault-password", no_argument, NULL, 'J' }

/* 0 if c was a vault option (recorded in vo), -1 if not. */
static int
vault_option(struct vault_opts *vo, int c, const char *arg)
{
	switch (c) {
	case OPT_VAULT_ID:
		vault_opts_add_id(vo, arg);
		return 0;
	case OPT_VAULT_FILE:
		vault_opts_add_file(vo, arg);
		return 0;
	case 'J':
		vo->ask = 1;
		return 0;
	}
	return -1;
}

/*
 * Loads the secrets the options and the config name and makes them the
 * run's, before any file is read.  EXIT_OK, or EXIT_ERROR after saying
 * why (as ansible-playbook: a missing password file is exit 1).
 */
static int
vault_start(struct vault_opts *vo, const struct settings *st,
    struct vault_secrets *secrets)
{
	char	*cause = NULL;

	vo->cfg_ids = st->vault_identity_list;
	vo->cfg_file = st->vault_password_file;
	if (vault_secrets_setup(secrets, vo, 0, &cause) != 0) {
		output_error("%s", cause);
		free(cause);
		return EXIT_ERROR;
	}
	vault_set_secrets(secrets);
	return EXIT_OK;
}

static const char play_shortopts[] = "i:l:e:f:u:c:T:bKJCDt:vM:h";
static const struct option play_longopts[] = {
	{ "inventory", required_argument, NULL, 'i' },
	{ "inventory-file", required_argument, NULL, 'i' },
	{ "limit", required_argument, NULL, 'l' },
	{ "extra-vars", required_argument, NULL, 'e' },
	{ "forks", required_argument, NULL, 'f' },
	{ "user", required_argument, NULL, 'u' },
	{ "private-key", required_argument, NULL, OPT_PRIVATE_KEY },
	{ "key-file", required_argument, NULL, OPT_PRIVATE_KEY },
	{ "connection", required_argument, NULL, 'c' },
	{ "timeout", required_argument, NULL, 'T' },
	{ "become", no_argument, NULL, 'b' },
	{ "become-user", required_argument, NULL, OPT_BECOME_USER },
	{ "become-method", required_argument, NULL, OPT_BECOME_METHOD },
	{ "ask-become-pass", no_argument, NULL, 'K' },
	{ "check", no_argument, NULL, 'C' },
	{ "diff", no_argument, NULL, 'D' },
	{ "tags", required_argument, NULL, 't' },
	{ "skip-tags", required_argument, NULL, OPT_SKIP_TAGS },
	{ "list-hosts", no_argument, NULL, OPT_LIST_HOSTS },
	{ "list-tasks", no_argument, NULL, OPT_LIST_TASKS },
	{ "list-tags", no_argument, NULL, OPT_LIST_TAGS },
	{ "syntax-check", no_argument, NULL, OPT_SYNTAX_CHECK },
	{ "host-key-checking", required_argument, NULL, OPT_HKC },
	{ "ssh-common-args", required_argument, NULL, OPT_SSH_COMMON_ARGS },
	{ "ssh-extra-args", required_argument, NULL, OPT_SSH_EXTRA_ARGS },
	{ "scp-extra-args", required_argument, NULL, OPT_SCP_EXTRA_ARGS },
	{ "sftp-extra-args", required_argument, NULL, OPT_SCP_EXTRA_ARGS },
	{ "flush-cache", no_argument, NULL, OPT_FLUSH_CACHE },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "report-md", required_argument, NULL, OPT_REPORT_MD },
	{ "force-handlers", no_argument, NULL, OPT_FORCE_HANDLERS },
	{ "start-at-task", required_argument, NULL, OPT_START_AT_TASK },
	{ "step", no_argument, NULL, OPT_STEP },
	{ "verbose", no_argument, NULL, 'v' },
	{ "module-path", required_argument, NULL, 'M' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "help", no_argument, NULL, 'h' },
	VAULT_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

/* What "cairn play" was asked, once its options and settings are read. */
struct play_args {
	struct settings		 st;
	struct run_opts		 o;
	struct inv_args		 ia;
	struct buf		 modpath;	/* -M, then the settings' */
	int			 syntax;	/* --syntax-check */
	int			 ask_pass;	/* -K or become_ask_pass */
	int			 done;		/* --help, --version: no run */
	struct vault_opts	 vault;
	struct vault_secrets	 secrets;
	char			**extra;	/* -e, read once secrets are known */
	size_t			 nextra;
	char			*limit_patterns;	/* from --limit @FILE */
	const char		*report_md;	/* --report-md FILE */
};

static void
play_args_release(struct play_args *pa)
{
	strv_free((char **)pa->ia.sources, pa->ia.n);
	value_unref(pa->o.extra_vars);
	value_unref(pa->o.tags);
	value_unref(pa->o.skip_tags);
	free((char *)pa->o.become_password);
	buf_release(&pa->modpath);
	settings_release(&pa->st);
	vault_set_secrets(NULL);
	vault_secrets_release(&pa->secrets);
	vault_opts_release(&pa->vault);
	free(pa->extra);
	free(pa->limit_patterns);
}

/*
 * The options about hosts and how to reach them.  0, EXIT_OPTIONS after
 * printing why, or -1 when c is not one of them.
 */
static int
play_option_hosts(struct play_args *pa, int c, char *arg)
{
	struct run_opts	*o = &pa->o;
	char		*end;

	switch (c) {
	case 'i':
		pa->ia.sources = xreallocarray(pa->ia.sources, pa->ia.n + 1,
		    sizeof *pa->ia.sources);
		pa->ia.sources[pa->ia.n++] = xstrdup(arg);
		return 0;
	case 'l':
		o->limit = arg;
		return 0;
	case 'f':
		o->forks = (int)strtol(arg, &end, 10);
		if (*end != '\0' || o->forks < 1) {
			output_error("invalid --forks '%s': a positive "
			    "number is expected", arg);
			return EXIT_USAGE;
		}
		return 0;
	case 'u':
		o->remote_user = arg;
		return 0;
	case OPT_PRIVATE_KEY:
		o->private_key = arg;
		return 0;
	case 'c':
		o->connection = arg;
		return 0;
	case 'T':
		o->timeout = (int)strtol(arg, &end, 10);
		if (*end != '\0' || o->timeout < 1) {
			output_error("invalid --timeout '%s'", arg);
			return EXIT_USAGE;
		}
		return 0;
	case 'b':
		o->become = 1;
		return 0;
	case OPT_BECOME_USER:
		o->become_user = arg;
		return 0;
	case OPT_BECOME_METHOD:
		o->become_method = arg;
		return 0;
	case 'K':
		pa->ask_pass = 1;
		return 0;
	case OPT_SSH_COMMON_ARGS:
		o->ssh_common_args = arg;
		return 0;
	case OPT_SSH_EXTRA_ARGS:
		o->ssh_extra_args = arg;
		return 0;
	case OPT_SCP_EXTRA_ARGS:
		/* files travel over the shell: no scp or sftp to pass them to */
		return 0;
	case OPT_HKC:
		if (settings_parse_hkc(arg, &o->hkc) != 0) {
			output_error("invalid --host-key-checking '%s':"
			    " strict, accept-new or off", arg);
			return EXIT_OPTIONS;
		}
		return 0;
	}
	return -1;
}

static int	step_prompt(const char *);

/*
 * The options about what runs and what is shown: 0, or EXIT_OPTIONS
 * after printing why (an unknown option among them).
 */
static int
play_option_run(struct play_args *pa, int c, char *arg)
{
	struct run_opts	*o = &pa->o;

	switch (c) {
	case 'e':
		/* An @file may be vault-encrypted: read after the secrets. */
		pa->extra = xreallocarray(pa->extra, pa->nextra + 1,
		    sizeof *pa->extra);
		pa->extra[pa->nextra++] = arg;
		break;
	case 'C':
		o->check = 1;
		break;
	case 'D':
		o->diff = 1;
		break;
	case 't':
		add_tags(&o->tags, arg);
		break;
	case OPT_SKIP_TAGS:
		add_tags(&o->skip_tags, arg);
		break;
	case OPT_LIST_HOSTS:
		o->list_hosts = 1;
		break;
	case OPT_LIST_TASKS:
		o->list_tasks = 1;
		break;
	case OPT_LIST_TAGS:
		o->list_tags = 1;
		break;
	case OPT_SYNTAX_CHECK:
		pa->syntax = 1;
		break;
	case OPT_FLUSH_CACHE:
		break;
	case OPT_JSON:
		o->json = 1;
		break;
	case OPT_REPORT_MD:
		pa->report_md = arg;
		break;
	case OPT_FORCE_HANDLERS:
		o->force_handlers = 1;
		break;
	case OPT_START_AT_TASK:
		o->start_at_task = arg;
		break;
	case OPT_STEP:
		o->step = step_prompt;
		break;
	case 'v':
		o->verbosity++;
		break;
	case 'M':
		buf_addf(&pa->modpath, "%s%s", pa->modpath.len ? ":" : "", arg);
		break;
	case OPT_VERSION:
		print_version(&pa->st, buf_cstr(&pa->modpath));
		pa->done = 1;
		break;
	case 'h':
		usage_play(stdout);
		pa->done = 1;
		break;
	default:
		usage_play(stderr);
		return EXIT_USAGE;
	}
	return 0;
}

/*
 * --limit @FILE: the file's lines are the patterns (a retry file, or any
 * list of hosts), empty lines left out, as Ansible reads it.
 */
static int
read_limit_file(struct play_args *pa)
{
	struct buf	 b = BUF_INIT, pat = BUF_INIT;
	char		*line, *save = NULL;

	if (read_file(pa->o.limit + 1, &b) != 0) {
		output_error("Unable to find limit file '%s'", pa->o.limit + 1);
		buf_release(&b);
		return EXIT_ERROR;
	}
	for (line = strtok_r((char *)buf_cstr(&b), "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		str_trim(line);
		if (*line != '\0')
			buf_addf(&pat, "%s%s", pat.len ? "," : "", line);
	}
	buf_release(&b);
	pa->limit_patterns = buf_detach(&pat, NULL);
	pa->o.limit = pa->limit_patterns;
	return EXIT_OK;
}

/*
 * Reads the settings (config file, environment), then the command line
 * over them, into pa (zeroed by the caller; release it with
 * play_args_release whatever this returns).  EXIT_OK, with pa->done set
 * when --help or --version said all there was to say, or EXIT_OPTIONS
 * after printing why.
 */
static int
play_parse(int argc, char **argv, struct play_args *pa)
{
	struct run_opts	*o = &pa->o;
	const char	*cb;
	char		*cause = NULL;
	int		 c, rc;

	o->extra_vars = value_dict();
	if (settings_load(&pa->st, &cause) != 0) {
		output_error("%s", cause);
		free(cause);
		return EXIT_ERROR;
	}
	o->forks = pa->st.forks;
	o->retry_files = pa->st.retry_files_enabled;
	o->retry_dir = pa->st.retry_files_save_path;
	o->remote_user = pa->st.remote_user;
	o->private_key = pa->st.private_key_file;
	o->hkc = pa->st.hkc;
	o->timeout = pa->st.timeout;
	o->become = pa->st.become;
	o->become_user = pa->st.become_user;
	o->become_method = pa->st.become_method;
	pa->ask_pass = pa->st.become_ask_pass;
	o->gather_facts = pa->st.gather_facts;
	optind = 1;
	while ((c = getopt_long(argc, argv, play_shortopts,
	    play_longopts, NULL)) != -1) {
		if (vault_option(&pa->vault, c, optarg) == 0)
			continue;
		if ((rc = play_option_hosts(pa, c, optarg)) == -1)
			rc = play_option_run(pa, c, optarg);
		if (rc != 0 || pa->done)
			return rc;
	}
	if (!pa->done && (rc = vault_start(&pa->vault, &pa->st,
	    &pa->secrets)) != EXIT_OK)
		return rc;
	for (size_t i = 0; i < pa->nextra; i++) {
		if (add_extra_vars(o->extra_vars, pa->extra[i], &cause) != 0) {
			output_error("%s", cause);
			free(cause);
			return EXIT_PARSE;
		}
	}
	if (o->limit != NULL && o->limit[0] == '@' &&
	    (rc = read_limit_file(pa)) != EXIT_OK)
		return rc;
	if (optind >= argc) {
		output_error("no playbook given: cairn play [options] "
		    "playbook.yml");
		return EXIT_USAGE;
	}
	if ((cb = pa->st.stdout_callback) != NULL &&
	    (strcmp(cb, "json") == 0 || strcmp(cb, "ansible.posix.json") == 0))
		o->json = 1;
	return EXIT_OK;
}

/*
 * Reads and checks every playbook (argv's), then the inventory and the
 * playbooks' group_vars/host_vars, before any host is contacted.  The
 * playbooks go into *pbs (*npbs of them, also on failure); EXIT_OK, or
 * an exit code after printing why.
 */
static int
play_load(struct play_args *pa, int argc, char **argv,
    struct playbook ***pbs, size_t *npbs, struct inventory **inv)
{
	char	*cause = NULL;
	int	 rc;

	if (pa->st.library != NULL)
		buf_addf(&pa->modpath, "%s%s", pa->modpath.len ? ":" : "",
		    pa->st.library);
	module_configure(pa->modpath.len ? buf_cstr(&pa->modpath) : NULL,
	    pa->o.verbosity);
	playbook_configure(pa->st.roles_path, pa->st.collections_path);
	for (int i = 0; i < argc; i++) {
		if (access(argv[i], R_OK) != 0) {
			output_error("the playbook: %s could not be found",
			    argv[i]);
			return EXIT_ERROR;
		}
		*pbs = xreallocarray(*pbs, *npbs + 1, sizeof **pbs);
		if (playbook_load(argv[i], &(*pbs)[*npbs], &cause) != 0) {
			output_error("%s", cause);
			free(cause);
			return EXIT_PARSE;
		}
		for (size_t j = 0; j < (*pbs)[*npbs]->warnings->u.list.n; j++)
			output_warning("%s", (*pbs)[*npbs]->warnings->
			    u.list.items[j]->u.str.s);
		(*npbs)++;
	}
	if ((rc = load_inventory(&pa->ia, &pa->st, inv)) != 0)
		return rc;
	for (size_t i = 0; i < *npbs; i++) {
		if (inventory_load_playbook_vars(*inv, (*pbs)[i]->dir,
		    &cause) != 0) {
			output_error("%s", cause);
			free(cause);
			return EXIT_PARSE;
		}
	}
	return EXIT_OK;
}

/* A line from the terminal, echoed or not, without its newline. */
static char *
prompt_line(const char *msg, int private, int *eof)
{
	struct termios	 old, quiet;
	char		 line[4096];
	int		 noecho = 0;

	fputs(msg, stdout);
	fflush(stdout);
	if (private && tcgetattr(STDIN_FILENO, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		noecho = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
	}
	if (fgets(line, sizeof line, stdin) == NULL) {
		line[0] = '\0';
		if (eof != NULL)
			*eof = 1;
	}
	if (noecho) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stdout);
	}
	line[strcspn(line, "\r\n")] = '\0';
	return xstrdup(line);
}

/*
 * --step, as Ansible's _take_step: y/yes runs the task, c/continue runs
 * it and every one after in the play, anything else skips it; the
 * question is then printed again as a banner.
 */
static int
step_prompt(const char *task_name)
{
	char	*msg, *ans;
	int	 r = 0, eof = 0;

	msg = xasprintf("Perform task: TASK: %s (N)o/(y)es/(c)ontinue: ",
	    task_name);
	ans = prompt_line(msg, 0, &eof);
	if (strcasecmp(ans, "y") == 0 || strcasecmp(ans, "yes") == 0)
		r = 1;
	else if (strcasecmp(ans, "c") == 0 || strcasecmp(ans, "continue") == 0)
		r = 2;
	/* at the end of the input Ansible's prompt fails: no banner */
	if (!eof)
		output_banner(str_trim(msg));	/* Display.banner strips it */
	else
		r = -1;
	free(ans);
	free(msg);
	return r;
}

/* A prompt's boolean field, Ansible's boolean(): dflt when unset. */
static int
prompt_bool(struct value *d, const char *key, int dflt)
{
	struct value	*v = value_dict_get(d, key);

	return v == NULL ? dflt : value_truthy(v);
}

/* encrypt: the answer through password_hash, once, as do_encrypt does. */
static int
prompt_encrypt(struct value *d, struct value *answer, struct value **out,
    char **cause)
{
	struct value	*vars = value_dict(), *tmpl;
	struct scope	 s;
	int		 r;

	value_dict_set(vars, "cairn_prompt_answer", value_ref(answer));
	value_dict_set(vars, "cairn_prompt_spec", value_ref(d));
	scope_init(&s, NULL, NULL, NULL);
	scope_push(&s, vars);
	tmpl = value_str("{{ cairn_prompt_answer | password_hash("
	    "cairn_prompt_spec.encrypt, cairn_prompt_spec.salt | "
	    "default(none)) }}");
	r = template_value(tmpl, &s.es, out, cause);
	value_unref(tmpl);
	value_unref(vars);
	return r;
}

/*
 * vars_prompt, as Ansible's PlaybookExecutor: a variable given with -e is
 * not asked; listing and --syntax-check take the default; without a
 * terminal, a warning and the default (or the string "None", as
 * to_text(None) gives).  Asked for every play before the first runs.
 */
static int
play_vars_prompt(struct play_args *pa, struct play *p)
{
	struct value	*vp = p->vars_prompt, *d, *spec = NULL, *dflt, *ans;
	char		*cause = NULL, *msg, *name, *text, *again;
	int		 listing = pa->o.list_hosts || pa->o.list_tasks ||
			    pa->o.list_tags || pa->syntax, private;
	int		 r = EXIT_ERROR;
	static int	 warned;

	if (vp == NULL)
		return EXIT_OK;
	if (playbook_render_play(p, pa->o.extra_vars, vp, &spec, &cause) != 0)
		goto out;
	for (size_t i = 0; i < spec->u.list.n; i++) {
		d = spec->u.list.items[i];
		name = value_to_string(value_dict_get(d, "name"));
		dflt = value_dict_get(d, "default");
		if (value_dict_get(pa->o.extra_vars, name) != NULL) {
			free(name);
			continue;
		}
		if (listing) {
			value_dict_set(p->vars, name, dflt != NULL ?
			    value_ref(dflt) : value_null());
			free(name);
			continue;
		}
		ans = NULL;
		if (isatty(STDIN_FILENO)) {
			struct value *pv = value_dict_get(d, "prompt");
			char *pt = pv != NULL ? value_to_string(pv) : NULL;

			private = prompt_bool(d, "private", 1);
			if (pt != NULL && *pt != '\0' && dflt != NULL) {
				char *ds = value_to_string(dflt);

				msg = xasprintf("%s [%s]: ", pt, ds);
				free(ds);
			} else if (pt != NULL && *pt != '\0')
				msg = xasprintf("%s: ", pt);
			else
				msg = xasprintf("input for %s: ", name);
			free(pt);
			for (;;) {
				text = prompt_line(msg, private, NULL);
				if (!prompt_bool(d, "confirm", 0))
					break;
				again = xasprintf("confirm %s", msg);
				char *second = prompt_line(again, private, NULL);
				free(again);
				int same = strcmp(text, second) == 0;
				free(second);
				if (same)
					break;
				free(text);
				printf("***** VALUES ENTERED DO NOT MATCH ****\n");
			}
			free(msg);
			if (*text != '\0' || dflt == NULL)
				ans = value_str_take(text);
			else
				free(text);
		} else if (!warned++)
			output_warning("Not prompting as we are not in "
			    "interactive mode");
		if (ans == NULL)
			ans = dflt != NULL ? value_ref(dflt) : value_str("None");
		if (value_dict_get(d, "encrypt") != NULL) {
			struct value *hashed = NULL;

			if (prompt_encrypt(d, ans, &hashed, &cause) != 0) {
				value_unref(ans);
				free(name);
				goto out;
			}
			value_unref(ans);
			ans = hashed;
		}
		/* unsafe: the answer is never templated */
		if (prompt_bool(d, "unsafe", 0) && ans->type == V_STR) {
			struct value *u = value_str(ans->u.str.s);

			u->flags |= VALUE_UNSAFE;
			value_unref(ans);
			ans = u;
		}
		value_dict_set(p->vars, name, ans);
		free(name);
	}
	r = EXIT_OK;
out:
	if (cause != NULL) {
		output_error("%s", cause);
		free(cause);
	}
	value_unref(spec);
	return r;
}

/* What each play needs settled before the run: vars_prompt, strategy. */
static int
play_prepare(struct play_args *pa, struct playbook **pbs, size_t npbs)
{
	char	*cause = NULL;
	int	 rc;

	for (size_t i = 0; i < npbs; i++) {
		for (size_t j = 0; j < pbs[i]->nplays; j++) {
			struct play *p = pbs[i]->plays[j];

			if ((rc = play_vars_prompt(pa, p)) != EXIT_OK)
				return rc;
			if (playbook_resolve_strategy(p, pa->o.extra_vars,
			    &cause) != 0) {
				output_error("%s", cause);
				free(cause);
				return EXIT_ERROR;
			}
		}
	}
	return EXIT_OK;
}

/*
 * SIGINT and SIGTERM: the first stops the run cleanly (no task starts, the
 * running commands are stopped on the targets, the recap is printed); a
 * second one quits at once.  Either way no file is left half-written: a
 * remote write that was cut short never replaces its destination.
 */
static void
on_stop_signal(int sig)
{
	if (conn_interrupted())
		_exit(sig == SIGINT ? EXIT_INTERRUPTED : 128 + sig);
	conn_interrupt(sig);
}

static void
catch_stop_signals(void)
{
	struct sigaction	sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* What reading the config file found worth a word, once each. */
static void
print_settings_warnings(const struct settings *st)
{
	for (size_t i = 0; st->warnings != NULL &&
	    i < st->warnings->u.list.n; i++)
		output_warning("%s", st->warnings->u.list.items[i]->u.str.s);
}

/*
 * Where the junit callback writes, when callbacks_enabled names it
 * (JUNIT_OUTPUT_DIR, else ~/.ansible.log, as Ansible's); NULL if not
 * enabled.  malloc'd.
 */
static char *
junit_dir(const char *enabled)
{
	const char	*d = getenv("JUNIT_OUTPUT_DIR"), *home;
	char		*list, *w, *save = NULL;
	int		 on = 0;

	if (enabled == NULL)
		return NULL;
	list = xstrdup(enabled);
	for (w = strtok_r(list, ", \t", &save); w != NULL;
	    w = strtok_r(NULL, ", \t", &save))
		if (strcmp(w, "junit") == 0 ||
		    strcmp(w, "ansible.builtin.junit") == 0 ||
		    strcmp(w, "community.general.junit") == 0)
			on = 1;
	free(list);
	if (!on)
		return NULL;
	if (d != NULL && *d != '\0')
		return xstrdup(d);
	home = getenv("HOME");
	return xasprintf("%s/.ansible.log", home != NULL ? home : "");
}

static int
cmd_play(int argc, char **argv)
{
	struct play_args	 pa;
	struct inventory	*inv = NULL;
	struct playbook		**pbs = NULL;
	size_t			 npbs = 0;
	char			*junit;
	int			 rc;

	memset(&pa, 0, sizeof pa);
	if ((rc = play_parse(argc, argv, &pa)) != EXIT_OK || pa.done)
		goto out;
	junit = junit_dir(pa.st.callbacks_enabled);
	output_init(pa.o.verbosity, pa.o.diff, pa.o.json &&
	    !pa.o.list_hosts && !pa.o.list_tasks && !pa.o.list_tags &&
	    !pa.syntax, pa.o.list_hosts || pa.o.list_tasks || pa.o.list_tags ||
	    pa.syntax ? NULL : junit,
	    pa.st.stdout_callback);
	free(junit);
	output_display(pa.st.display_skipped_hosts, pa.st.display_ok_hosts,
	    pa.st.nocolor, pa.st.force_color);
	print_settings_warnings(&pa.st);
	if (pa.report_md != NULL && !pa.o.list_hosts && !pa.o.list_tasks &&
	    !pa.o.list_tags && !pa.syntax)
		output_report_md(pa.report_md, pa.o.check, pa.o.diff);
	/* -vv: the version block; -v: the configuration, in Ansible's words */
	if (pa.o.verbosity > 1 && !pa.o.json)
		print_version(&pa.st, buf_cstr(&pa.modpath));
	if (pa.o.verbosity > 0 && !pa.o.json) {
		if (pa.st.path != NULL)
			output_msg("Using %s as config file", pa.st.path);
		else
			output_msg("No config file found; using defaults");
	}
	vault_set_lenient(pa.syntax);
	if ((rc = play_load(&pa, argc - optind, argv + optind, &pbs, &npbs,
	    &inv)) != EXIT_OK)
		goto out;
	if ((rc = play_prepare(&pa, pbs, npbs)) != EXIT_OK)
		goto out;
	if (pa.syntax) {
		for (size_t i = 0; i < npbs; i++)
			printf("\nplaybook: %s\n", pbs[i]->path);
		goto out;
	}
	if (pa.ask_pass)
		pa.o.become_password = ask_password("BECOME password: ");
	catch_stop_signals();
	rc = executor_run(inv, pbs, npbs, &pa.o);
out:
	for (size_t i = 0; i < npbs; i++)
		playbook_free(pbs[i]);
	free(pbs);
	inventory_free(inv);
	play_args_release(&pa);
	return rc;
}

static int
cmd_inventory(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "inventory", required_argument, NULL, 'i' },
		{ "inventory-file", required_argument, NULL, 'i' },
		{ "limit", required_argument, NULL, 'l' },
		{ "list", no_argument, NULL, OPT_LIST },
		{ "graph", no_argument, NULL, OPT_GRAPH },
		{ "host", required_argument, NULL, OPT_HOST },
		{ "yaml", no_argument, NULL, 'y' },
		{ "help", no_argument, NULL, 'h' },
		VAULT_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct vault_opts	 vo;
	struct vault_secrets	 secrets = VAULT_SECRETS_INIT;
	struct settings		 st;
	struct inv_args		 ia = { NULL, 0 };
	struct inventory	*inv = NULL;
	struct buf		 b = BUF_INIT;
	const char		*host = NULL;
	char			*cause = NULL;
	int			 c, mode = 0, rc = 0;

	if (settings_load(&st, &cause) != 0) {
		output_error("%s", cause);
		free(cause);
		return EXIT_ERROR;
	}
	memset(&vo, 0, sizeof vo);
	optind = 1;
	while ((c = getopt_long(argc, argv, "i:l:yJh", longopts, NULL)) != -1) {
		if (vault_option(&vo, c, optarg) == 0)
			continue;
		switch (c) {
		case 'i':
			ia.sources = xreallocarray(ia.sources, ia.n + 1,
			    sizeof *ia.sources);
			ia.sources[ia.n++] = xstrdup(optarg);
			break;
		case OPT_LIST:
		case OPT_GRAPH:
			mode = c;
			break;
		case OPT_HOST:
			mode = c;
			host = optarg;
			break;
		case 'l':
		case 'y':
			break;
		case 'h':
			usage_main(stdout);
			goto out;
		default:
			usage_main(stderr);
			rc = EXIT_USAGE;
			goto out;
		}
	}
	if (mode == 0) {
		output_error("one of --list, --graph or --host is required");
		rc = EXIT_OPTIONS;
		goto out;
	}
	output_init(0, 0, 0, NULL, NULL);
	print_settings_warnings(&st);
	if ((rc = vault_start(&vo, &st, &secrets)) != EXIT_OK ||
	    (rc = load_inventory(&ia, &st, &inv)) != 0)
		goto out;
	if (mode == OPT_LIST)
		inventory_dump_list(inv, &b);
	else if (mode == OPT_GRAPH) {
		const char *g = optind < argc ? argv[optind] : "all";

		if (inventory_find_group(inv, g) == NULL) {
			output_error("Pattern must be valid group name when "
			    "using --graph: no group '%s'", g);
			rc = EXIT_ERROR;
			goto out;
		}
		inventory_dump_graph(inv, g, &b);
	}
	else if (inventory_dump_host(inv, host, &b, &cause) != 0) {
		output_error("%s", cause);
		free(cause);
		rc = EXIT_ERROR;
		goto out;
	}
	fputs(buf_cstr(&b), stdout);
	if (b.len > 0 && b.s[b.len - 1] != '\n')
		fputc('\n', stdout);
out:
	buf_release(&b);
	inventory_free(inv);
	strv_free((char **)ia.sources, ia.n);
	settings_release(&st);
	vault_set_secrets(NULL);
	vault_secrets_release(&secrets);
	vault_opts_release(&vo);
	return rc;
}

int
cli_play(int argc, char **argv)
{
	return cmd_play(argc, argv);
}

const struct option *
cli_play_longopts(void)
{
	return play_longopts;
}

const char *
cli_play_shortopts(void)
{
	return play_shortopts;
}

int
cli_main(int argc, char **argv)
{
	const char	*prog = strrchr(argv[0], '/');

	prog = prog ? prog + 1 : argv[0];
	signal(SIGPIPE, SIG_IGN);
	/* "cairn-playbook" and "cairn-inventory" work like the subcommands. */
	if (strcmp(prog, "cairn-playbook") == 0)
		return cmd_play(argc, argv);
	if (strcmp(prog, "cairn-inventory") == 0)
		return cmd_inventory(argc, argv);
	if (strcmp(prog, "cairn-vault") == 0)
		return cli_vault(argc, argv);
	if (strcmp(prog, "cairn-doc") == 0)
		return cli_doc(argc, argv);
	if (strcmp(prog, "cairn-adhoc") == 0)
		return cli_adhoc(argc, argv);
	if (argc < 2) {
		usage_main(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "play") == 0 || strcmp(argv[1], "playbook") == 0)
		return cmd_play(argc - 1, argv + 1);
	if (strcmp(argv[1], "inventory") == 0)
		return cmd_inventory(argc - 1, argv + 1);
	if (strcmp(argv[1], "vault") == 0)
		return cli_vault(argc - 1, argv + 1);
	if (strcmp(argv[1], "doc") == 0)
		return cli_doc(argc - 1, argv + 1);
	if (strcmp(argv[1], "adhoc") == 0)
		return cli_adhoc(argc - 1, argv + 1);
	if (strcmp(argv[1], "--version") == 0) {
		struct settings	 st;
		char		*cause = NULL;

		memset(&st, 0, sizeof st);
		if (settings_load(&st, &cause) != 0)
			free(cause);
		print_version(&st, NULL);
		settings_release(&st);
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage_main(stdout);
		return 0;
	}
	fprintf(stderr, "cairn: unknown command '%s'\n", argv[1]);
	usage_main(stderr);
	return EXIT_USAGE;
}
