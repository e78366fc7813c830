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

#endif
