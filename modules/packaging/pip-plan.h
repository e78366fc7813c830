/*
 * The pip module's pure decisions: package names as Ansible recovers
 * them from a list, requirement specifiers, PEP 440 version order, and
 * whether `pip list --format=freeze` output satisfies a requirement.
 * Nothing here talks to a host.
 */
#ifndef CAIRN_PIP_PLAN_H
#define CAIRN_PIP_PLAN_H

#include <stddef.h>

#include "module.h"
#include "util.h"

/*
 * Ansible's _recover_package_name: the names split on ',', then a part
 * that starts with a version operator (or sits inside [extras]) joined
 * back to the name before it: ["a>1", "<2", "b"] gives ["a>1,<2", "b"].
 * NULL-terminated malloc'd list (strv_free_null), *n its length.
 */
char	**pip_recover_names(char *const *names, size_t nnames, size_t *n);

/* "Foo_bar.baz" -> "foo-bar-baz": runs of -_. made '-', lowered. */
char	*pip_canonicalize(const char *);

/* One requirement: "name[extras] op version, op version ; marker". */
struct pip_spec {
	char	 op[4];		/* "==", "!=", ">=", "<=", ">", "<", "~=", "===" */
	char	*version;
};
struct pip_req {
	int		 plain;	/* a name with specifiers, not a URL or path */
	char		*name;	/* canonical name, or the text as given */
	char		*text;	/* what pip is given */
	struct pip_spec	*specs;
	size_t		 nspecs;
};
/*
 * Parses s; version (or NULL) is the module's version argument, added as
 * Ansible does ("==V" when it starts with a digit, else the specifier as
 * written).  A string that is no plain requirement (a URL, a path, a VCS
 * link) gives plain 0: it is never found installed.
 */
void	 pip_req_parse(const char *s, const char *version, struct pip_req *);
void	 pip_req_free(struct pip_req *);
/* 1 when the requirement has a version specifier. */
int	 pip_req_has_version(const struct pip_req *);

/* PEP 440 order of two versions: <0, 0, >0. */
int	 pip_version_cmp(const char *, const char *);
/* Every specifier holds for version (prereleases allowed, as Ansible). */
int	 pip_req_satisfied(const struct pip_req *, const char *version);
/*
 * Ansible's _is_present: a "name==version" line of freeze output with
 * the requirement's name whose version satisfies it.
 */
int	 pip_is_present(const struct pip_req *, const char *freeze);


/* pip-host.c: the module's steps on the target. */

/* What one pip task carries between its round trips. */
struct pip_job {
	struct task_ctx		*ctx;
	const struct mod_args	*args;
	struct result		*r;
	const char		*state;
	char			*env;		/* virtualenv, chdir applied */
	char			*chdir;
	struct pip_req		*pkgs;
	size_t			 npkgs;
	int			 has_vcs;
	char			**pip;		/* pip's words */
	size_t			 npip;
	int			 venv_created;
	int			 venv_missing;	/* check mode */
	struct buf		 freeze;
	struct buf		 out, err;
	char			*cause;
};

/* Appends the cd, umask and PATH every pip script starts with. */
void	 pip_prologue(struct pip_job *, struct buf *);
/*
 * Round trip one: makes a missing virtualenv (in check mode only notes
 * venv_missing), finds pip (j->pip) and reads its package list
 * (j->freeze, upgrade notices left out).  0, or -1 and j->cause.
 */
int	 pip_probe(struct pip_job *);
/*
 * pip's command for the task: its words appended to cmdv (a V_LIST) and
 * as quoted shell text to sh.  0, or -1 and j->cause (extra_args that
 * do not split).
 */
int	 pip_command(struct pip_job *, struct value *cmdv, struct buf *sh);

#endif
