/*
 * The file module's decisions (state names, the current state as Ansible
 * sees it, what to do to reach the wanted one), apart from its host side
 * so that the unit tests reach them.
 */
#ifndef CAIRN_FILE_PLAN_H
#define CAIRN_FILE_PLAN_H

#include "module.h"

enum file_state { FS_ABSENT, FS_FILE, FS_DIRECTORY, FS_LINK, FS_HARD,
	FS_TOUCH };
const char	*file_state_name(enum file_state);
/* The current state as Ansible's get_state sees it (hard: nlink > 1). */
enum file_state	 file_prev_state(const struct host_stat *);
/*
 * What file must do to reach want: FA_* in *action, or -1 and *cause with
 * Ansible's message (e.g. "file (/x) is absent, cannot continue").
 */
enum file_action { FA_NONE, FA_MKDIR, FA_LINK, FA_HARDLINK, FA_TOUCH,
	FA_REMOVE, FA_ATTRS };
struct file_plan {
	enum file_state		 want;
	const struct host_stat	*st;		/* the path, not followed */
	const char		*path;
	const char		*src;		/* NULL if not given */
	const struct host_stat	*srcst;		/* link/hard: src as seen */
	int			 force;
	int			 dir_empty;	/* st is an empty directory */
};
int		 file_decide(const struct file_plan *, enum file_action *,
		    char **cause);

/*
 * The wanted state: state_s by name, or without one the current state
 * (prev), or for an absent path directory with recurse, else file.
 */
enum file_state	 file_want(const char *state_s, enum file_state prev,
		    int recurse);
/* Ansible's message for recurse or src given with the wrong state, or NULL. */
const char	*file_args_error(enum file_state want, int recurse,
		    const char *src);
/*
 * A relative symlink source is relative to the link's directory (the path
 * itself when it is a directory): that path, malloc'd, or NULL when src is
 * absolute or starts with ~.
 */
char		*file_link_source(const char *path, int isdir,
		    const char *src);
/*
 * The diff dicts before any host change: path, the state when it changes,
 * a symlink's src when it is retargeted.
 */
void		 file_diff_init(const struct file_plan *, enum file_action,
		    struct value *before, struct value *after);

/* The attribute arguments, as the action scripts apply them. */
struct file_attrs {
	const struct value	*mode;		/* int or string, or NULL */
	const char		*owner;
	const char		*group;
	int			 follow;
	/*
	 * touch leaves the times to file_time_script (a time argument other
	 * than "now" was given): it only creates a missing file.
	 */
	int			 touch_keep_times;
};
/*
 * The shell text that performs action on p->path (p->src for links) into
 * s, and *what, the message a failure starts with (static); nothing for
 * FA_NONE and FA_ATTRS.  0, or -1 and *cause for a bad mode.
 */
int		 file_action_script(const struct file_plan *,
		    enum file_action, const struct file_attrs *, struct buf *s,
		    const char **what, char **cause);

/*
 * access_time and modification_time: "preserve", "now", or a time in
 * fmt (strptime, local time as Python's time.mktime).  Without the
 * argument Ansible's default for the state: "now" for touch, "preserve"
 * otherwise.
 */
enum file_time_kind { FTIME_PRESERVE, FTIME_NOW, FTIME_AT };
struct file_time {
	enum file_time_kind	 kind;
	double			 at;		/* FTIME_AT: seconds */
};
/* 0 and *out, or -1 and *cause with Ansible's message. */
int		 file_time_parse(const char *spec, const char *fmt,
		    enum file_state want, struct file_time *out,
		    char **cause);
/*
 * update_timestamp_for_file's decision from the path's times now: 1 and
 * the times to set (new_m, new_a) when they differ (always with
 * "now" for both), 0 when nothing is to do.
 */
int		 file_time_update(const struct file_time *m,
		    const struct file_time *a, double prev_m, double prev_a,
		    double now, double *new_m, double *new_a);
/*
 * The shell text that sets them on "$p" (set by the caller): touch -d
 * with the exact times, or plain touch for "now" on both.
 */
void		 file_time_script(struct buf *s, const struct file_time *m,
		    const struct file_time *a, double new_m, double new_a,
		    int follow);

#endif
