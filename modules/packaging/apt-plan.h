/*
 * The apt module's pure decisions: what dpkg says is installed, which
 * package specs to hand to apt-get, and what an `apt-get -s` run plans.
 * Nothing but apt-host.c (at the end) talks to a host, so the unit tests
 * call the rest directly.
 */
#ifndef CAIRN_APT_PLAN_H
#define CAIRN_APT_PLAN_H

#include <stddef.h>

#include "module.h"
#include "util.h"

/* One line of `dpkg-query -W -f='${Package}\t${Version}\t${db:Status-Abbrev}\n'`. */
struct apt_pkg {
	char	*name;
	char	*version;
	char	 status[4];	/* "ii ", "rc ", "un "... */
};

struct apt_dpkg {
	struct apt_pkg	*pkgs;
	size_t		 n;
};

/* Parses dpkg-query output (malformed lines are skipped). */
void	 apt_dpkg_parse(const char *, struct apt_dpkg *);
void	 apt_dpkg_free(struct apt_dpkg *);
/*
 * The entry for name: the installed one when a multi-arch package has
 * several, else the first; NULL if dpkg does not know it.
 */
const struct apt_pkg *apt_dpkg_find(const struct apt_dpkg *, const char *);
/* Installed (unpacked and configured, maybe awaiting triggers). */
int	 apt_pkg_installed(const struct apt_pkg *);
/* Anything left on disk: installed, half-installed or config-files. */
int	 apt_pkg_has_files(const struct apt_pkg *);

/*
 * package_facts' packages dict from the lines of
 * `dpkg-query -W -f='${db:Status-Abbrev}\t${binary:Package}\t${Version}\t${Architecture}\t${Section}\n'`:
 * name -> list of {name, version, arch, category, source: "apt"} for
 * each package with an installed version (not "not-installed" or
 * "config-files"), in dpkg's order; a multi-arch package of a foreign
 * architecture is "name:arch", as python-apt's cache names it.
 * Malformed lines are skipped.  New reference.
 */
struct value	*apt_package_facts(const char *);

/*
 * Splits "name" or "name=version" (version may be an fnmatch pattern).
 * Returns 0 with *name and *version (NULL when none) malloc'd, or -1 and
 * *cause: "invalid package spec: x" for two '=', or a refusal of the
 * '>=' form.
 */
int	 apt_spec_split(const char *, char **name, char **version,
	    char **cause);

/*
 * The specs apt-get install must be given, as Ansible's install() picks
 * them: missing packages (unless only_upgrade), installed ones whose
 * version does not match the pin, and with latest every installed one
 * (apt-get -s then tells whether a newer version exists).  Returns a
 * NULL-terminated malloc'd list of malloc'd strings (free with
 * strv_free_null); *n is its length.  specs must be valid (apt_spec_split).
 */
char	**apt_install_list(const struct apt_dpkg *, char *const *specs,
	    size_t nspecs, int latest, int only_upgrade, size_t *n);
/*
 * The specs apt-get remove must be given: installed packages (matching
 * the pinned version if any), and with purge those with files left.
 */
char	**apt_remove_list(const struct apt_dpkg *, char *const *specs,
	    size_t nspecs, int purge, size_t *n);

/* What an apt-get run (simulated or real) does, from its stdout. */
struct apt_sim {
	size_t	 inst;		/* "Inst " lines: installs and upgrades */
	size_t	 remv;		/* "Remv " and "Purg " lines */
	size_t	 conf;		/* "Conf " lines */
	size_t	 del;		/* "Del " lines (autoclean) */
};
void	 apt_sim_parse(const char *, struct apt_sim *);
/* 1 if the simulation installs, removes or configures anything. */
int	 apt_sim_changes(const struct apt_sim *);

/*
 * Ansible's parse_diff: the lines after "Reading state information..."
 * up to and including the "N upgraded, ..." line.  malloc'd.
 */
char	*apt_parse_diff(const char *);

/*
 * The name of the package apt-get could not find, from its stderr
 * ("E: Unable to locate package x"), malloc'd, or NULL.
 */
char	*apt_missing_package(const char *);

/*
 * Whether the cache must be updated: cache_valid_time 0 means always
 * (when update_cache is asked); else only when mtime + valid < now.
 */
int	 apt_cache_stale(long long mtime, long long now, long long valid);

/*
 * An apt-get command line.  Package specs are quoted here; word (if not
 * NULL) is appended as it is: a path already made a shell word.
 */
struct apt_cmd {
	const char	 *op;		/* "install", "remove", "dist-upgrade"... */
	char *const	 *pkgs;		/* NULL-terminated, or NULL */
	const char	 *word;
	const char	 *dpkg_options;	/* "force-confdef,force-confold" */
	const char	 *default_release;
	int		  install_recommends;	/* -1: the host's default */
	int		  lock_timeout;		/* seconds */
	int		  simulate;
	int		  force;
	int		  purge;
	int		  autoremove;
	int		  only_upgrade;
	int		  fix_broken;
	int		  allow_downgrade;
	int		  allow_unauthenticated;
	int		  allow_change_held;
};
/* Appends the command line ("apt-get -y -o ... install 'a' 'b'"). */
void	 apt_cmd_line(struct buf *, const struct apt_cmd *);
/*
 * Appends a script running cmd (shell text) with /usr/sbin/policy-rc.d
 * made "exit code", as Ansible's policy_rc_d does: an existing one is
 * moved aside and put back, whatever cmd's status, which the script
 * exits with.  code < 0: cmd alone.
 */
void	 apt_policy_rc_d_wrap(struct buf *, const char *cmd, int code);
/* 1 when apt-get build-dep's output says nothing was to be done. */
int	 apt_builddep_nothing(const char *out);


/* apt-host.c: the module's steps on the target. */

/* What one apt task carries from step to step. */
struct apt_state {
	struct task_ctx		*ctx;
	const struct mod_args	*args;
	struct result		*r;
	int			 check;
	int			 lock_timeout;
	int			 policy_rc_d;	/* -1: leave policy-rc.d alone */
	long long		 cache_time;
	int			 cache_updated;
	struct apt_dpkg		 dpkg;
	char			*cause;
};

/*
 * Runs body after the prologue every apt script gets (no prompts, C
 * locale, cairn_apt retrying while another apt or dpkg holds the lock
 * until lock_timeout).  res is released first and holds the outcome.
 * 0, or -1 and s->cause (malloc'd) when the host could not run it.
 */
int	 apt_script(struct apt_state *, const char *body,
	    struct exec_result *res);
/*
 * The line of b starting at *pos, without its newline, malloc'd; *pos
 * moves past it.
 */
char	*apt_line(struct buf *b, size_t *pos);
/*
 * Reads the cache time into s->cache_time and dpkg's view into s->dpkg
 * in one round trip.  0, or -1 and s->cause (with the probe's rc and
 * output in the result when it failed on the host).
 */
int	 apt_probe(struct apt_state *);
/*
 * update_cache / cache_valid_time: runs apt-get update (with
 * update_cache_retries) when the lists are older than cache_valid_time,
 * then sets s->cache_time and s->cache_updated.  *would is 1 when an
 * update is (or in check mode would be) due.  0, or -1 and s->cause.
 */
int	 apt_update_cache(struct apt_state *, int *would);
/*
 * clean: apt-get clean (nothing in check mode), its stdout and stderr
 * in the result.  0, or -1 and s->cause when it failed or complained.
 */
int	 apt_clean(struct apt_state *);
/* Fills c for op from the task's arguments; c->op is borrowed. */
void	 apt_cmd_init(struct apt_state *, struct apt_cmd *c, const char *op);
/*
 * Simulates c, then runs it for real unless nothing would change or this
 * is check mode.  Sets stdout, stderr and diff (msg too when set_msg).
 * MOD_OK, MOD_CHANGED, or MOD_FAILED with s->cause.
 */
enum mod_status apt_apply(struct apt_state *, struct apt_cmd *c,
	    int set_msg);

#endif
