/*
 * The cron module's pure side: a crontab as Ansible's CronTab class holds
 * it (lines, "#Ansible: name" headers, NAME="value" variables) and the
 * edit the module makes, so both tools manage the same lines byte for
 * byte.  Nothing here talks to a host.
 */
#ifndef CAIRN_CRON_TAB_H
#define CAIRN_CRON_TAB_H

#include <stddef.h>

#include "util.h"

struct cron_tab {
	char	**lines;
	size_t	  n;
	char	 *existing;	/* the text as read, minus crontab's header */
	int	  is_file;	/* a cron_file: lines carry a user field */
	const char *user;	/* for the user field of a cron_file */
};

/*
 * Splits text into lines like Python's splitlines.  For a user crontab
 * (not is_file) the "DO NOT EDIT" header that some crontab -l print is
 * dropped from the first three lines, as Ansible does.
 */
void	 cron_tab_parse(struct cron_tab *, const char *text, int is_file,
	    const char *user);
void	 cron_tab_free(struct cron_tab *);
/* The crontab as it would be written: lines joined, one final newline. */
char	*cron_tab_render(const struct cron_tab *);

/* What the task asks for. */
struct cron_req {
	const char	*name;
	const char	*job;		/* NULL: not given */
	const char	*minute, *hour, *day, *month, *weekday;
	const char	*special_time;	/* NULL or "reboot", "daily"... */
	int		 disabled;
	int		 env;
	int		 present;	/* state=present */
	const char	*insertafter, *insertbefore;
};

/*
 * The job line Ansible writes: "[#]m h dom mon dow [user] job" or
 * "[#]@special [user] job"; leading and trailing newlines of job are
 * stripped.  malloc'd.
 */
char	*cron_job_line(const struct cron_tab *, const struct cron_req *);

/*
 * Applies the request to the crontab in memory, as Ansible's main does.
 * Returns 0 and *changed, or -1 and *cause (e.g. "Variable named 'X' not
 * found.").  *empty_file is set when a cron_file job was removed and the
 * file is left with nothing but blank lines: the module deletes the file.
 * *warn gets a warning (malloc'd) or NULL.
 */
int	 cron_tab_apply(struct cron_tab *, const struct cron_req *,
	    int *changed, int *empty_file, char **warn, char **cause);

/* Parameter combinations Ansible refuses; 0, or -1 and *cause. */
int	 cron_req_check(const struct cron_req *, const char *cron_file,
	    const char *user, char **cause);

/*
 * Names of "#Ansible: " jobs and of NAME= variables, NULL-terminated
 * (free with strv_free_null).
 */
char	**cron_tab_jobnames(const struct cron_tab *);
char	**cron_tab_envnames(const struct cron_tab *);

/*
 * Whether a cron_file's name (what follows the last '/') is made only of
 * letters, digits, '_' and '-', as Ansible wants it (it warns otherwise).
 */
int	 cron_file_name_ok(const char *path);

#endif
