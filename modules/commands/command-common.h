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

/* command-plan.c: the pure decisions. */

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
/*
 * The cmd Ansible reports, from the free-form text (blank: none) or argv
 * (empty: none): shell's text (argv quoted and joined), command's list of
 * words (the text split like shlex).  New reference, or NULL and *cause:
 * "no command given", "only command or argv can be specified, not both",
 * or the split error.
 */
struct value	*command_cmd(const char *raw, const struct value *argv,
		    int shell, char **cause);
/*
 * The script that runs cmd (as command_cmd gives it) after cd to chdir:
 * through exe (default /bin/sh) -c for shell, else each word assigned to
 * a variable (expanded as command_arg_assign does when expand) and exec'd.
 */
void		 command_script(struct buf *, const struct value *cmd,
		    int shell, const char *chdir, const char *exe, int expand);
/*
 * The check before the command: whether cd to chdir works ("C<errno>"
 * printed), and "creates" / "removes" lines when the globs match.
 */
void		 command_precheck_script(struct buf *, const char *chdir,
		    const char *creates, const char *removes);

#endif
