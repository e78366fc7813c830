/*
 * The pure decisions of package, dpkg_selections and debconf: which
 * module package hands a task to, and what dpkg and debconf print.
 * Nothing here talks to a host.
 */
#ifndef CAIRN_PACKAGING_PLAN_H
#define CAIRN_PACKAGING_PLAN_H

#include "value.h"

/*
 * The package manager package's "use" names: use itself, or for "auto"
 * the host's pkg_mgr (the ansible_pkg_mgr fact or the probe's answer;
 * NULL or "" when unknown).  Returns the name (borrowed) or NULL.
 */
const char	*package_manager(const char *use, const char *pkg_mgr);
/* 1 when cairn has a module for that package manager (apt). */
int		 package_manager_supported(const char *);

/*
 * The selection of `dpkg --get-selections NAME`'s output: its second
 * field, or "not present" for no output.  malloc'd.
 */
char		*dpkg_selection_parse(const char *out);

/*
 * debconf-show's output as a dict of question to value: "* q: v" or
 * "  q: v", the '*' (seen) and blanks cut, lines without ':' skipped.
 * New reference.
 */
struct value	*debconf_parse_show(const char *out);
/*
 * The value as debconf-set-selections is given it: for a boolean,
 * "True"/"False" (a YAML bool made a string) become "true"/"false".
 * malloc'd.
 */
char		*debconf_set_value(const char *vtype, const char *value);
/*
 * Whether value differs from the existing one (NULL: not asked yet),
 * booleans compared without case as Ansible does.
 */
int		 debconf_differs(const char *vtype, const char *value,
		    const char *existing);

#endif
