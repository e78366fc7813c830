/*
 * The executor: runs plays over the selected hosts with a pool of workers,
 * linear or free, and keeps the per-host state (variables, facts,
 * connection, counters) for the whole run.
 */
#ifndef CAIRN_EXECUTOR_H
#define CAIRN_EXECUTOR_H

#include "conn.h"
#include "inventory.h"
#include "playbook.h"

struct run_opts {
	struct value		*extra_vars;	/* dict, never NULL */
	const char		*limit;		/* pattern or NULL */
	struct value		*tags;		/* list of strings or NULL */
	struct value		*skip_tags;
	int			 forks;
	int			 check;
	int			 diff;
	int			 verbosity;
	const char		*remote_user;	/* -u */
	const char		*private_key;	/* --private-key */
	const char		*connection;	/* -c */
	int			 become;	/* -b */
	const char		*become_user;
	const char		*become_method;
	const char		*become_password;	/* -K */
	int			 timeout;	/* connect timeout */
	const char		*ssh_common_args;	/* --ssh-common-args */
	const char		*ssh_extra_args;	/* --ssh-extra-args */
	enum host_key_checking	 hkc;
	int			 list_hosts;
	int			 list_tasks;
	int			 list_tags;
	int			 json;		/* machine-readable results */
	int			 gather_facts;	/* default of gather_facts */
	int			 force_handlers;	/* --force-handlers */
	const char		*start_at_task;	/* a name or a glob, or NULL */
	/*
	 * --step (NULL: not stepping): asked before each task with its
	 * full name; 0 skips it, 1 runs it, 2 runs it and stops asking,
	 * -1 (no more input) skips it and ends the run with status 2.
	 */
	int			(*step)(const char *task_name);
	/*
	 * retry_files_enabled: the failed and unreachable hosts go into
	 * DIR/PLAYBOOK.retry (DIR: retry_dir, else the playbook's).
	 */
	int			 retry_files;
	const char		*retry_dir;
};

/*
 * Exit codes, as ansible-playbook 2.14 gives them (measured, not as its
 * documentation has them): an unreachable host wins over a failed one;
 * what argparse refuses (an unknown option, a missing argument, a value
 * of the wrong type) is 2, an option that parses but makes no sense 5.
 */
#define EXIT_OK			0
#define EXIT_ERROR		1
#define EXIT_HOST_FAILED	2
#define EXIT_USAGE		2
#define EXIT_UNREACHABLE	4
#define EXIT_PARSE		4
#define EXIT_OPTIONS		5
#define EXIT_INTERRUPTED	99

/* Runs the playbooks in order; returns an exit code. */
int	 executor_run(struct inventory *, struct playbook **, size_t,
	    const struct run_opts *);

#endif
