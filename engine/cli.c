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
#include "executor.h"
#include "inventory.h"
#include "lua.h"
#include "output.h"
#include "playbook.h"
#include "settings.h"
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
"  -l, --limit PATTERN      further limit the selected hosts\n"
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
"  -C, --check              change nothing, predict what would change\n"
"  -D, --diff               show the differences in changed files\n"
"  -t, --tags TAGS          only run tasks with these tags\n"
"      --skip-tags TAGS     skip tasks with these tags\n"
"      --list-hosts         list the hosts each play would run on\n"
"      --list-tasks         list the tasks each play would run\n"
"      --syntax-check       check the playbooks, run nothing\n"
"      --json               print the results as one JSON document\n"
"      --force-handlers     run notified handlers even on failed hosts\n"
"      --host-key-checking MODE  strict (default), accept-new or off\n"
"  -M, --module-path DIRS   look for Lua modules here first (':' between)\n"
"  -v, --verbose            more output (-vvvv for the most)\n"
"      --version            print the version\n"
"  -h, --help               this help\n"
"\n"
"Exit codes: 0 ok, 1 error, 2 a host failed, 3 a host unreachable,\n"
"4 a parse error, 5 bad options.\n", f);
}

static void
usage_main(FILE *f)
{
	fputs(
"usage: cairn play [options] playbook.yml...\n"
"       cairn inventory [-i SRC] --list | --graph [GROUP] | --host HOST\n"
"       cairn --version\n"
"\n"
"Run `cairn play --help` for the options of a run.\n", f);
}

static void
print_version(void)
{
	printf("cairn %s\n", PACKAGE_VERSION);
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
	OPT_FORCE_HANDLERS,
};

static int
cmd_play(int argc, char **argv)
{
	static const struct option longopts[] = {
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
		{ "flush-cache", no_argument, NULL, OPT_FLUSH_CACHE },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "force-handlers", no_argument, NULL, OPT_FORCE_HANDLERS },
		{ "verbose", no_argument, NULL, 'v' },
		{ "module-path", required_argument, NULL, 'M' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct buf		 modpath = BUF_INIT;
	struct run_opts		 o;
	struct settings		 st;
	struct inv_args		 ia = { NULL, 0 };
	struct inventory	*inv = NULL;
	struct playbook		**pbs = NULL;
	size_t			 npbs = 0;
	char			*cause = NULL, *end;
	int			 c, rc = EXIT_OK, syntax = 0, ask_pass = 0;

	if (settings_load(&st, &cause) != 0) {
		output_error("%s", cause);
		free(cause);
		return EXIT_OPTIONS;
	}
	memset(&o, 0, sizeof o);
	o.extra_vars = value_dict();
	o.forks = st.forks;
	o.remote_user = st.remote_user;
	o.private_key = st.private_key_file;
	o.hkc = st.hkc;
	o.timeout = st.timeout;
	o.become = st.become;
	o.become_user = st.become_user;
	o.become_method = st.become_method;
	ask_pass = st.become_ask_pass;
	o.gather_facts = st.gather_facts;
	optind = 1;
	while ((c = getopt_long(argc, argv, "i:l:e:f:u:c:T:bKCDt:vM:h", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'i':
			ia.sources = xreallocarray(ia.sources, ia.n + 1,
			    sizeof *ia.sources);
			ia.sources[ia.n++] = xstrdup(optarg);
			break;
		case 'l':
			o.limit = optarg;
			break;
		case 'e':
			if (add_extra_vars(o.extra_vars, optarg, &cause) != 0) {
				output_error("%s", cause);
				free(cause);
				rc = EXIT_OPTIONS;
				goto out;
			}
			break;
		case 'f':
			o.forks = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || o.forks < 1) {
				output_error("invalid --forks '%s': a positive "
				    "number is expected", optarg);
				rc = EXIT_OPTIONS;
				goto out;
			}
			break;
		case 'u':
			o.remote_user = optarg;
			break;
		case OPT_PRIVATE_KEY:
			o.private_key = optarg;
			break;
		case 'c':
			o.connection = optarg;
			break;
		case 'T':
			o.timeout = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || o.timeout < 1) {
				output_error("invalid --timeout '%s'", optarg);
				rc = EXIT_OPTIONS;
				goto out;
			}
			break;
		case 'b':
			o.become = 1;
			break;
		case OPT_BECOME_USER:
			o.become_user = optarg;
			break;
		case OPT_BECOME_METHOD:
			o.become_method = optarg;
			break;
		case 'K':
			ask_pass = 1;
			break;
		case 'C':
			o.check = 1;
			break;
		case 'D':
			o.diff = 1;
			break;
		case 't':
			add_tags(&o.tags, optarg);
			break;
		case OPT_SKIP_TAGS:
			add_tags(&o.skip_tags, optarg);
			break;
		case OPT_LIST_HOSTS:
			o.list_hosts = 1;
			break;
		case OPT_LIST_TASKS:
			o.list_tasks = 1;
			break;
		case OPT_LIST_TAGS:
			o.list_tasks = 1;
			break;
		case OPT_SYNTAX_CHECK:
			syntax = 1;
			break;
		case OPT_HKC:
			if (settings_parse_hkc(optarg, &o.hkc) != 0) {
				output_error("invalid --host-key-checking '%s':"
				    " strict, accept-new or off", optarg);
				rc = EXIT_OPTIONS;
				goto out;
			}
			break;
		case OPT_FLUSH_CACHE:
			break;
		case OPT_JSON:
			o.json = 1;
			break;
		case OPT_FORCE_HANDLERS:
			o.force_handlers = 1;
			break;
		case 'v':
			o.verbosity++;
			break;
		case 'M':
			buf_addf(&modpath, "%s%s", modpath.len ? ":" : "",
			    optarg);
			break;
		case OPT_VERSION:
			print_version();
			goto out;
		case 'h':
			usage_play(stdout);
			goto out;
		default:
			usage_play(stderr);
			rc = EXIT_OPTIONS;
			goto out;
		}
	}
	if (optind >= argc) {
		output_error("no playbook given: cairn play [options] "
		    "playbook.yml");
		rc = EXIT_OPTIONS;
		goto out;
	}
	if (getenv("ANSIBLE_STDOUT_CALLBACK") != NULL &&
	    (strcmp(getenv("ANSIBLE_STDOUT_CALLBACK"), "json") == 0 ||
	    strcmp(getenv("ANSIBLE_STDOUT_CALLBACK"), "ansible.posix.json") == 0))
		o.json = 1;
	output_init(o.verbosity, o.diff, o.json && !o.list_hosts &&
	    !o.list_tasks && !syntax);
	if (st.library != NULL)
		buf_addf(&modpath, "%s%s", modpath.len ? ":" : "", st.library);
	lua_configure(modpath.len ? buf_cstr(&modpath) : NULL, o.verbosity);
	/* Everything is read and checked before any host is contacted. */
	for (int i = optind; i < argc; i++) {
		if (access(argv[i], R_OK) != 0) {
			output_error("the playbook: %s could not be found",
			    argv[i]);
			rc = EXIT_ERROR;
			goto out;
		}
		pbs = xreallocarray(pbs, npbs + 1, sizeof *pbs);
		if (playbook_load(argv[i], &pbs[npbs], &cause) != 0) {
			output_error("%s", cause);
			free(cause);
			rc = EXIT_PARSE;
			goto out;
		}
		npbs++;
	}
	if ((rc = load_inventory(&ia, &st, &inv)) != 0)
		goto out;
	for (size_t i = 0; i < npbs; i++) {
		if (inventory_load_playbook_vars(inv, pbs[i]->dir,
		    &cause) != 0) {
			output_error("%s", cause);
			free(cause);
			rc = EXIT_PARSE;
			goto out;
		}
	}
	if (syntax) {
		for (size_t i = 0; i < npbs; i++)
			printf("\nplaybook: %s\n", pbs[i]->path);
		goto out;
	}
	if (ask_pass)
		o.become_password = ask_password("BECOME password: ");
	rc = executor_run(inv, pbs, npbs, &o);
out:
	for (size_t i = 0; i < npbs; i++)
		playbook_free(pbs[i]);
	free(pbs);
	inventory_free(inv);
	strv_free((char **)ia.sources, ia.n);
	value_unref(o.extra_vars);
	value_unref(o.tags);
	value_unref(o.skip_tags);
	free((char *)o.become_password);
	buf_release(&modpath);
	settings_release(&st);
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
		{ NULL, 0, NULL, 0 }
	};
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
		return EXIT_OPTIONS;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "i:l:yh", longopts, NULL)) != -1) {
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
			rc = EXIT_OPTIONS;
			goto out;
		}
	}
	if (mode == 0) {
		output_error("one of --list, --graph or --host is required");
		rc = EXIT_OPTIONS;
		goto out;
	}
	output_init(0, 0, 0);
	if ((rc = load_inventory(&ia, &st, &inv)) != 0)
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
	return rc;
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
	if (argc < 2) {
		usage_main(stderr);
		return EXIT_OPTIONS;
	}
	if (strcmp(argv[1], "play") == 0 || strcmp(argv[1], "playbook") == 0)
		return cmd_play(argc - 1, argv + 1);
	if (strcmp(argv[1], "inventory") == 0)
		return cmd_inventory(argc - 1, argv + 1);
	if (strcmp(argv[1], "--version") == 0) {
		print_version();
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage_main(stdout);
		return 0;
	}
	fprintf(stderr, "cairn: unknown command '%s'\n", argv[1]);
	usage_main(stderr);
	return EXIT_OPTIONS;
}
