/*
 * Pure decisions of the git module: reading `git ls-remote`, the ssh
 * command git is told to use, the umask argument and what to do with a
 * destination in a given state.  No host access but in git-host.c (at
 * the end), so unit tests call the rest directly.
 */
#ifndef CAIRN_GIT_H
#define CAIRN_GIT_H

#include "util.h"
#include "value.h"

enum git_ref_kind {
	GIT_REF_HEAD,		/* "HEAD": the remote's default branch */
	GIT_REF_BRANCH,		/* refs/heads/VERSION exists */
	GIT_REF_TAG,		/* refs/tags/VERSION exists */
	GIT_REF_SHA,		/* looks like a (possibly short) commit id */
	GIT_REF_UNKNOWN,	/* none of these: git checkout decides */
};

/*
 * What version names in the output of `git ls-remote REPO`, checked the
 * way Ansible does: HEAD, then a branch, then a tag (the peeled ^{} line
 * wins for an annotated tag), else a commit id as given.  Fills sha with
 * the 40-hex commit, or "" when the remote does not say (SHA, UNKNOWN, or
 * a HEAD missing from the output).
 */
enum git_ref_kind git_ref_resolve(const char *lsremote, const char *version,
		    char sha[41]);
const char	*git_ref_kind_name(enum git_ref_kind);

/*
 * The GIT_SSH_COMMAND text for key_file, accept_hostkey,
 * accept_newhostkey and ssh_opts, shell text for git to run (the key path
 * quoted), or NULL when none is set.  malloc'd.
 */
char		*git_ssh_command(const char *key_file, int accept_hostkey,
		    int accept_newhostkey, const char *ssh_opts);

/*
 * The umask argument: an octal string ("0022", "022") or an int, 0 and
 * *out, or -1 and *cause.
 */
int		 git_umask_parse(const struct value *, unsigned int *out,
		    char **cause);

/* The destination as the module found it, and what was asked. */
struct git_state {
	int		 exists;	/* a repository is at dest */
	int		 clone;
	int		 update;
	int		 force;
	int		 check;
	int		 local_mods;	/* tracked files differ from HEAD */
	int		 url_changed;	/* the remote's URL is not repo */
	const char	*before;	/* HEAD's commit, or NULL */
	const char	*target;	/* the commit version names, or "" */
	enum git_ref_kind kind;
};

enum git_action {
	GA_CLONE,		/* clone, then switch to version */
	GA_NONE,		/* nothing to do: report before as after */
	GA_FAIL_MODS,		/* local modifications without force */
	GA_PREDICT,		/* check mode: report, change nothing */
	GA_UPDATE,		/* fetch, then switch to version */
};
enum git_action	 git_decide(const struct git_state *);
/* Check mode: whether the predicted run changes something. */
int		 git_predict_changed(const struct git_state *);

/* Options of a clone command. */
struct git_clone {
	const char	*repo;
	const char	*remote;
	const char	*version;
	const char	*reference;
	const char	*refspec;
	long long	 depth;		/* 0: full history */
	int		 bare;
	int		 single_branch;
	enum git_ref_kind kind;
};
/*
 * Appends the arguments of `git clone` (after "clone") as shell words;
 * the destination is the shell variable d.
 * Returns 1 when depth had to be ignored (a commit id without refspec:
 * Ansible warns), else 0.
 */
int		 git_clone_args(struct buf *, const struct git_clone *);
/*
 * The whole clone step: the parent directory, `git clone`, a bare
 * clone's remote renamed to c->remote, and a fetch of c->refspec.
 * Returns git_clone_args's "depth ignored".
 */
int		 git_clone_script(struct buf *, const struct git_clone *);
/*
 * The update step of a repository at d: the remote's URL set to repo
 * when it changed, then the fetch.
 */
void		 git_update_script(struct buf *, const char *repo,
		    int url_changed, long long depth, int bare, int force,
		    const char *refspec);
/* Whether a run that got from before to after changed something. */
int		 git_changed(const char *before, const char *after,
		    const struct git_state *, int submodules_moved);

/*
 * The scripts the module runs, after a preamble that sets the shell
 * variables g (the git program), d (dest), r (remote) and v (version).
 * probe prints "exists=1", "head=SHA", "url=URL" and "mods=1" (tracked
 * files modified) lines for a repository at d, nothing when there is
 * none.  fetch brings the remote's refs (and tags) in; switch moves the
 * work tree to v: HEAD resets to the remote's default branch, a branch is
 * checked out tracking the remote's and reset to it, anything else is
 * checked out detached.
 */
void		 git_probe_script(struct buf *, int bare);
void		 git_fetch_script(struct buf *, long long depth, int bare,
		    int force, const char *refspec);
void		 git_switch_script(struct buf *, enum git_ref_kind,
		    long long depth);
/*
 * The value of key in the "key=value" lines of a probe's output,
 * malloc'd, or NULL when there is no such line.
 */
char		*git_field(const struct buf *out, const char *key);

/* git-host.c: the module's steps on the target. */

struct task_ctx;
struct mod_args;
struct result;
struct exec_result;

/* What the module needs throughout a run. */
struct git_run {
	struct task_ctx		*ctx;
	const struct mod_args	*args;
	struct result		*r;
	struct buf		 pre;	/* umask, environment, $g, $d, $r */
	const char		*repo;
	const char		*version;
	const char		*remote;
	int			 bare;
};

/*
 * Appends to g->pre the preamble of every step: the umask (when
 * has_mask), GIT_SSH_COMMAND, no prompts, the C locale, and the shell
 * variables g, d, r and v; exits 127 when git is missing.  g->ctx,
 * g->args, g->remote and g->version must be set.
 */
void		 git_preamble(struct git_run *g, unsigned int mask,
		    int has_mask);
/*
 * Runs one step (after the preamble) into res; on a non-zero status
 * records the command, rc and output and fails with msg (the stderr
 * when NULL).  Returns 0, or -1 with the result already failed.
 */
int		 git_step(struct git_run *g, const char *step,
		    const char *msg, struct exec_result *res);
/* Switches the work tree to version after a clone or fetch; 0 or -1. */
int		 git_switch(struct git_run *g, enum git_ref_kind kind,
		    long long depth);
/* Brings submodules up to date; *changed when they moved.  0 or -1. */
int		 git_submodules(struct git_run *g, int *changed);
/* HEAD's commit at dest, malloc'd; NULL with the result failed. */
char		*git_head(struct git_run *g);

#endif
