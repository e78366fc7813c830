/*
 * Line and block edits of a file's text, ported from Ansible's
 * lineinfile.py, replace.py and blockinfile.py so that the same input gives
 * the same bytes, changed flag and message.  Pure functions: no host; the
 * host side (read, write, attributes) is fileedit_* in fileedit-host.c.
 */
#ifndef CAIRN_FILEEDIT_H
#define CAIRN_FILEEDIT_H

#include <stddef.h>

#include "module.h"
#include "util.h"

/* lineinfile's parameters (NULL: not given). */
struct lineinfile_spec {
	const char	*regexp;
	const char	*search_string;
	const char	*line;
	const char	*insertafter;
	const char	*insertbefore;
	int		 backrefs;
	int		 firstmatch;
};

/*
 * state=present on in (len bytes; an absent file is empty): the new text
 * in out, *changed, *msg ("line added", "line replaced" or "", static).
 * 0, or -1 and *cause for a bad regular expression or template.
 */
int	fileedit_line_present(const char *in, size_t len,
	    const struct lineinfile_spec *, struct buf *out, int *changed,
	    const char **msg, char **cause);
/* state=absent: the new text in out, *found lines removed. */
int	fileedit_line_absent(const char *in, size_t len,
	    const struct lineinfile_spec *, struct buf *out, size_t *found,
	    char **cause);

/*
 * replace: regexp (re.MULTILINE) substituted with repl inside the section
 * delimited by after/before (NULL or "": none).  *msg is malloc'd:
 * "N replacements made", "" or "Pattern for before/after params did not
 * match the given file: ...".
 */
int	fileedit_replace(const char *in, size_t len, const char *regexp,
	    const char *repl, const char *after, const char *before,
	    struct buf *out, int *changed, char **msg, char **cause);

/* fileedit-block.c: blockinfile. */

/* blockinfile's parameters. */
struct blockinfile_spec {
	const char	*block;		/* "" removes the block */
	const char	*marker;	/* with {mark} */
	const char	*marker_begin;
	const char	*marker_end;
	const char	*insertafter;	/* NULL if not given */
	const char	*insertbefore;
	int		 present;	/* state=present */
	int		 append_newline;
	int		 prepend_newline;
};

/*
 * blockinfile on in (exists = 0: no file yet): out, *changed, *msg
 * ("Block inserted", "Block removed", "File created" or "", static).
 */
int	fileedit_block(const char *in, size_t len, int exists,
	    const struct blockinfile_spec *, struct buf *out, int *changed,
	    const char **msg, char **cause);

/* fileedit-host.c: the host side shared by the three modules. */

/*
 * One edit of one file, from stat to result.  Set path, fill out (and msg)
 * between fileedit_load and fileedit_commit; fileedit_job_release frees
 * everything the job owns and releases the file's lock if the write did not.
 */
struct fileedit_job {
	const char		*path;		/* as given (borrowed) */
	char			*real;		/* the file written: link target */
	struct host_stat	 st;		/* real's stat; FT_NONE: absent */
	struct buf		 in;		/* the current text, "" if absent */
	struct buf		 out;		/* the new text */
	struct buf		 msg;		/* the result's msg */
	int			 changed;	/* out differs from in */
	char			*backup;	/* backup file made, or NULL */
	char			*cause;		/* why it failed, or NULL */
	/* held from fileedit_load to the write, or to the release */
	struct host_lock	*lock;
	struct task_ctx		*ctx;		/* the lock's */
};
#define FILEEDIT_JOB_INIT(p) { (p), NULL, { 0 }, BUF_INIT, BUF_INIT, \
	BUF_INIT, 0, NULL, NULL }
void	fileedit_job_release(struct fileedit_job *);

/*
 * Locks the path (host_stat_lock: no extra round trip) so that no other
 * run writes it between this read and the commit's write, then stats it
 * following symlinks (job->real is the file to write, the
 * symlink's target when path is one) and reads it when it exists.  Fails
 * for a directory with Ansible's "Path X is a directory !" and rc 256.
 * 0, or -1 and job->cause.
 */
int	fileedit_load(struct task_ctx *, struct fileedit_job *,
	    struct result *);

/*
 * Adds the text diff in --diff mode, both headers the path followed by
 * suffix (" (content)", or "").
 */
void	fileedit_diff(struct task_ctx *, struct fileedit_job *,
	    const char *suffix, struct result *);

#define FILEEDIT_ATTR_DIFF	0x1	/* add a diff for changed attributes */
#define FILEEDIT_BACKUP_FILE	0x2	/* record a backup made as backup_file */
/*
 * Writes out when changed (atomically, with the module's backup and
 * validate arguments, creating parent directories for a new file), then
 * applies mode/owner/group, appending Ansible's "ownership, perms or SE
 * linux context changed" to msg; job->changed in/out, job->backup when a
 * backup was made (and recorded as backup_file with FILEEDIT_BACKUP_FILE).
 * Nothing is written in check mode.  0, or -1 and job->cause.
 */
int	fileedit_commit(struct task_ctx *, const struct mod_args *,
	    struct fileedit_job *, int flags, struct result *);

/*
 * fileedit_commit for a module that reads and edits on its own (ini_file,
 * assemble): writes out to real (path as given, real the file written, st
 * its stat) when *changed, then the attributes; *changed and *backup
 * (malloc'd, or NULL) out.  0, or -1 and *cause.
 */
int	fileedit_commit_text(struct task_ctx *, const struct mod_args *,
	    const char *path, const char *real, const struct host_stat *st,
	    struct buf *out, int *changed, char **backup, struct result *,
	    char **cause);

/* Sets msg and returns MOD_CHANGED or MOD_OK as job->changed says. */
enum mod_status fileedit_done(struct fileedit_job *, struct result *);
/* Fails with job->cause, or with what when there is none. */
enum mod_status fileedit_fail(struct fileedit_job *, struct result *,
	    const char *what);

/* The validate hook shared by the three: "validate must contain %s". */
int	fileedit_validate_cmd(const struct mod_args *, char **cause);

#endif
