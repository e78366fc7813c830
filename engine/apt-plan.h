/*
 * The apt module's pure decisions: what dpkg says is installed, which
 * package specs to hand to apt-get, and what an `apt-get -s` run plans.
 * Nothing here talks to a host, so the unit tests call it directly.
 */
#ifndef CAIRN_APT_PLAN_H
#define CAIRN_APT_PLAN_H

#include <stddef.h>

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
 * apt_list_free); *n is its length.  specs must be valid (apt_spec_split).
 */
char	**apt_install_list(const struct apt_dpkg *, char *const *specs,
	    size_t nspecs, int latest, int only_upgrade, size_t *n);
/*
 * The specs apt-get remove must be given: installed packages (matching
 * the pinned version if any), and with purge those with files left.
 */
char	**apt_remove_list(const struct apt_dpkg *, char *const *specs,
	    size_t nspecs, int purge, size_t *n);
void	 apt_list_free(char **);

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

#endif
