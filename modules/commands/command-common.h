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

/* The job hook of command and shell, for async (module.h). */
int		command_common_job(struct task_ctx *, const struct mod_args *,
		    struct result *, int shell, struct buf *script,
		    struct buf *in, enum mod_status *st);

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

/*
 * script: the interpreter of a controller script, as quoted words: exe
 * when given (split like shlex), else the #! line's interpreter and its
 * one argument, else /bin/sh; *binary for an ELF or a file with NUL
 * bytes (no interpreter: it runs from a temp file).  0, or -1 for an
 * empty #! line or an exe that cannot be split.
 */
int		 script_interpreter(const char *exe, const char *code,
		    size_t len, struct buf *interp, int *binary);
/*
 * The command that runs the script given on stdin (len bytes): through
 * interp on fd 3, or, binary, from a temp file checked by size and
 * removed after; after cd to chdir (may be NULL).  args is the text
 * after the script's name as the task wrote it: the target's shell reads
 * it, as Ansible's does.
 */
void		 script_command(struct buf *, const char *chdir,
		    const char *interp, int binary, size_t len,
		    const char *args);

#endif
