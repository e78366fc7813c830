/*
 * cairn adhoc (cairn-adhoc): Ansible's `ansible` command.  One module on
 * the hosts a pattern names, `cairn adhoc web -m apt -a "name=nginx" -b`,
 * printed as Ansible's minimal callback prints it (`-o`: oneline).
 *
 * It is cairn play on a one-task playbook: the options that are not
 * adhoc's own pass to the playbook runner unchanged, so both read them
 * the same way; the playbook is written to a private temporary directory
 * (mode 0700) and removed when the run ends.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "executor.h"
#include "output.h"
#include "util.h"
#include "value.h"

static void
usage_adhoc(FILE *f)
{
	fputs("usage: cairn adhoc PATTERN [-m MODULE] [-a ARGS] [options]\n"
	    "\n"
	    "Runs one module on the hosts PATTERN names, as Ansible's "
	    "`ansible`.\n"
	    "  -m, --module-name MODULE  the module (default: command)\n"
	    "  -a, --args ARGS           its arguments: k=v pairs, free form, "
	    "or JSON\n"
	    "  -o, --one-line            one line per host (the oneline "
	    "callback)\n"
	    "  -B, --background SECONDS  run as an async job of at most "
	    "SECONDS\n"
	    "  -P, --poll SECONDS        poll the job every SECONDS (0: do not "
	    "wait)\n"
	    "Every option of cairn play is taken too: -i, -l, -u, -b, -K, -e, "
	    "-f, -C, -D, -v, ...\n", f);
}

/* adhoc's own options, besides those cairn play takes. */
enum { AD_MODULE = 'm', AD_ARGS = 'a', AD_ONELINE = 'o',
    AD_BACKGROUND = 'B', AD_POLL = 'P' };

struct adhoc {
	const char	*pattern;
	const char	*module;
	const char	*args;
	const char	*background;
	const char	*poll;
	int		 oneline;
	int		 help;
	char		**pass;		/* argv for cairn play */
	int		  npass;
};

/*
 * Splits argv into adhoc's options, the pattern and what goes to cairn
 * play (options and their arguments, in order).  -1 after printing why.
 */
static int
adhoc_split(int argc, char **argv, struct adhoc *ad)
{
	const struct option	*play = cli_play_longopts();
	struct option		*lo;
	char			*shorts;
	size_t			 n;
	int			 c, start;

	for (n = 0; play[n].name != NULL; n++)
		;
	lo = xcalloc(n + 6, sizeof *lo);
	memcpy(lo, play, n * sizeof *lo);
	lo[n++] = (struct option){ "module-name", required_argument, NULL,
	    AD_MODULE };
	lo[n++] = (struct option){ "args", required_argument, NULL, AD_ARGS };
	lo[n++] = (struct option){ "one-line", no_argument, NULL, AD_ONELINE };
	lo[n++] = (struct option){ "background", required_argument, NULL,
	    AD_BACKGROUND };
	lo[n++] = (struct option){ "poll", required_argument, NULL, AD_POLL };
	/* "+": stop at the pattern, which may come first, as with ansible */
	shorts = xasprintf("+%sm:a:oB:P:", cli_play_shortopts());
	ad->pass = xcalloc((size_t)argc + 2, sizeof *ad->pass);
	ad->pass[ad->npass++] = (char *)"play";
	optind = 1;
	opterr = 1;
	for (;;) {
		start = optind;
		if ((c = getopt_long(argc, argv, shorts, lo, NULL)) == -1) {
			if (optind >= argc)
				break;
			/* a non-option: the pattern, once */
			if (ad->pattern != NULL) {
				output_error("more than one host pattern: '%s' "
				    "and '%s'", ad->pattern, argv[optind]);
				goto bad;
			}
			ad->pattern = argv[optind++];
			continue;
		}
		switch (c) {
		case AD_MODULE:
			ad->module = optarg;
			continue;
		case AD_ARGS:
			ad->args = optarg;
			continue;
		case AD_ONELINE:
			ad->oneline = 1;
			continue;
		case AD_BACKGROUND:
			ad->background = optarg;
			continue;
		case AD_POLL:
			ad->poll = optarg;
			continue;
		case 'h':
			ad->help = 1;
			continue;
		case '?':
			goto bad;
		}
		/* the play option and its argument, as written */
		while (start < optind)
			ad->pass[ad->npass++] = argv[start++];
	}
	free(lo);
	free(shorts);
	return 0;
bad:
	free(lo);
	free(shorts);
	return -1;
}

/* The one-task playbook, as JSON (YAML reads it). */
static char *
adhoc_playbook(const struct adhoc *ad)
{
	struct value	*play = value_dict(), *task = value_dict(), *tasks;
	struct value	*list = value_list();
	struct buf	 b = BUF_INIT;

	value_dict_setstr(play, "name", "Ansible Ad-Hoc");
	value_dict_setstr(play, "hosts", ad->pattern);
	value_dict_setbool(play, "gather_facts", 0);
	value_dict_set(task, ad->module, ad->args != NULL && *ad->args != '\0' ?
	    value_str(ad->args) : value_null());
	if (ad->background != NULL) {
		value_dict_setint(task, "async", atoll(ad->background));
		value_dict_setint(task, "poll", ad->poll != NULL ?
		    atoll(ad->poll) : 15);
	}
	tasks = value_list();
	value_list_append(tasks, task);
	value_dict_set(play, "tasks", tasks);
	value_list_append(list, play);
	value_to_json(&b, list, 1);
	buf_addc(&b, '\n');
	value_unref(list);
	return buf_detach(&b, NULL);
}

int
cli_adhoc(int argc, char **argv)
{
	struct adhoc	 ad;
	char		 dir[] = "/tmp/cairn-adhoc-XXXXXX", *path = NULL, *text;
	FILE		*f;
	int		 rc;

	memset(&ad, 0, sizeof ad);
	ad.module = "command";
	if (adhoc_split(argc, argv, &ad) != 0) {
		usage_adhoc(stderr);
		rc = EXIT_USAGE;
		goto out;
	}
	if (ad.help) {
		usage_adhoc(stdout);
		rc = EXIT_OK;
		goto out;
	}
	if (ad.pattern == NULL) {
		output_error("no host pattern given");
		usage_adhoc(stderr);
		rc = EXIT_USAGE;
		goto out;
	}
	if (mkdtemp(dir) == NULL) {
		output_error("cannot make a temporary directory: %s",
		    strerror(errno));
		rc = EXIT_ERROR;
		goto out;
	}
	path = xasprintf("%s/adhoc.yml", dir);
	text = adhoc_playbook(&ad);
	if ((f = fopen(path, "w")) == NULL || fputs(text, f) < 0 ||
	    fclose(f) != 0) {
		output_error("cannot write %s: %s", path, strerror(errno));
		free(text);
		rc = EXIT_ERROR;
		goto out;
	}
	free(text);
	/* Ansible's `ansible` prints with minimal (or oneline), always. */
	setenv("ANSIBLE_STDOUT_CALLBACK", ad.oneline ? "oneline" : "minimal",
	    1);
	ad.pass[ad.npass++] = path;
	ad.pass[ad.npass] = NULL;
	rc = cli_play(ad.npass, ad.pass);
out:
	if (path != NULL) {
		unlink(path);
		rmdir(dir);
	}
	free(path);
	free(ad.pass);
	return rc;
}
