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

#endif
