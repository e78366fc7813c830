/*
 * Facts: what Ansible's setup module gathers on a Linux host, with the same
 * names and shapes, in one round trip and with nothing but the shell,
 * coreutils, /proc and /sys on the target.  facts.c holds the gather script,
 * the subsets, the filter and the cache test; facts-parse.c turns the
 * script's output into the facts dict and touches no host.
 */
#ifndef CAIRN_FACTS_H
#define CAIRN_FACTS_H

#include "value.h"

/* Ansible's gather_subset groups; FACTS_OTHER is what only "all" holds. */
#define FACTS_MIN	0x01	/* platform, distribution, user, env, ... */
#define FACTS_HARDWARE	0x02
#define FACTS_NETWORK	0x04
#define FACTS_VIRTUAL	0x08
#define FACTS_OTHER	0x10	/* loadavg, is_chroot, iscsi_iqn, ... */
#define FACTS_ALL	0x1f

#define FACTS_PATH_DEFAULT	"/etc/ansible/facts.d"
#define FACTS_TIMEOUT_DEFAULT	10

struct facts_opts {
	unsigned	 subsets;	/* FACTS_* */
	const char	*fact_path;	/* NULL: FACTS_PATH_DEFAULT */
	int		 timeout;	/* per slow step, seconds; <= 0: default */
};

/*
 * Ansible's gather_subset rules: spec is NULL (all), a list of strings or
 * a comma-separated string ("!all,!min,network").  "facter" and "ohai"
 * are accepted and add nothing; a collector name of the min group
 * ("dns", "platform") gives min.  Returns 0 and *mask, or -1 and *cause
 * (Ansible's "Bad subset" message).
 */
int		 facts_subsets(const struct value *spec, unsigned *mask,
		    char **cause);

/* The one command that gathers opts' subsets; malloc'd. */
char		*facts_command(const struct facts_opts *);

/*
 * Every fact the output holds, as a new dict (names without "ansible_").
 * Never fails: what the output lacks is left out.
 */
struct value	*facts_parse(const char *out);
/* The same, only the facts of mask's subsets. */
struct value	*facts_parse_subsets(const char *out, unsigned mask);

/*
 * What setup returns as ansible_facts: the facts of mask's subsets in out,
 * named "ansible_x" as Ansible's module returns them, keeping those whose
 * name (with or without "ansible_") matches one of filter's globs (a list
 * of strings, or NULL/empty for all), plus gather_subset (spec as given,
 * or ["all"]) and module_setup when there is no filter.  A new dict.
 */
struct value	*facts_result(const char *out, unsigned mask,
		    const struct value *spec, const struct value *filter);

/*
 * 1 when facts (a host's fact dict) already hold a gathering of this run
 * that covers mask, so implicit gathering can reuse it.
 */
int		 facts_cached(const struct value *facts, unsigned mask);

/*
 * Merges a module's ansible_facts into a host's facts dict, as Ansible
 * does: "ansible_x" is stored as x; a key without the prefix (getent's
 * getent_passwd) is stored as it is, and in *bare too (made on first
 * use): Ansible makes those plain variables as well.  Borrows from.
 */
void		 facts_merge(struct value *facts, struct value **bare,
		    const struct value *from);

/* "10.00 GB": Ansible's bytes_to_human; malloc'd. */
char		*facts_human_size(unsigned long long);

#endif
