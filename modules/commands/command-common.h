/* What command and shell share: their parameters and their run. */
#ifndef CAIRN_COMMAND_COMMON_H
#define CAIRN_COMMAND_COMMON_H

#include "module.h"

/*
 * Runs a command or shell task.  shell: the free-form text goes to
 * /bin/sh -c (or executable -c) as it is; otherwise it is split like
 * shlex and run without a shell, or argv is used.
 */
enum mod_status	command_common_run(struct task_ctx *, const struct mod_args *,
		    struct result *, int shell);

/* The skip message for creates/removes, or NULL. */
char		*command_skip_msg(const char *creates, int creates_found,
		    const char *removes, int removes_found, int check_mode);
/*
 * Shell lines that set variable var to a command argument with $VAR,
 * ${VAR} and a leading ~ expanded on the target as Python's expandvars
 * and expanduser do (undefined variables stay as written).
 */
void		 command_arg_assign(struct buf *, const char *var,
		    const char *arg);

#endif
