/*
 * Inventory: hosts, groups and their variables, from INI files, YAML files,
 * directories of them, and "h1,h2," lists; group_vars/ and host_vars/ beside
 * the inventory and the playbook; host patterns.
 */
#ifndef CAIRN_INVENTORY_H
#define CAIRN_INVENTORY_H

#include "value.h"

struct inv_group;
struct inv_index;

struct inv_host {
	char		 *name;
	struct value	 *vars;		/* dict: variables set on the host itself */
	struct inv_group **groups;	/* direct groups, in order of adding */
	size_t		  ngroups;
	int		  implicit;	/* the implicit localhost, not in "all" */
	size_t		  index;	/* position in inventory->hosts */
	/* file that first named the host (inventory_file), NULL for lists */
	char		 *source;
};

struct inv_group {
	char		 *name;
	struct value	 *vars;		/* dict */
	struct inv_group **children;
	size_t		  nchildren;
	struct inv_group **parents;
	size_t		  nparents;
	struct inv_host	**hosts;	/* direct members, in order */
	size_t		  nhosts;
	int		  depth;	/* distance from "all", for var precedence */
	size_t		  index;	/* position in inventory->groups */
	int		  auto_all;	/* under "all" only for want of a parent */
};

struct inventory {
	struct inv_host	**hosts;	/* in the order first seen */
	size_t		  nhosts;
	struct inv_group **groups;	/* "all" and "ungrouped" always exist */
	size_t		  ngroups;
	struct inv_host	 *localhost;	/* implicit localhost, made on demand */
	/* group_vars/host_vars found beside inventories and playbooks */
	struct value	 *gv_inv, *hv_inv;	/* dict: name -> dict */
	struct value	 *gv_play, *hv_play;
	/*
	 * List of "file:line:col: message" strings for what Ansible only
	 * warns about (unknown YAML keys, a host named like a group...): the
	 * caller decides whether to print them.
	 */
	struct value	 *warnings;
	struct inv_index *idx;		/* private: name lookups */
	struct value	 *sources;	/* what inventory_load read, in order */
};

struct inventory *inventory_new(void);
void	 inventory_free(struct inventory *);	/* NULL-safe */

/*
 * Adds a source: an INI or YAML file, a directory of them (group_vars and
 * host_vars inside are read; hidden files and the extensions Ansible
 * ignores there, .retry .orig .ini .cfg .md .txt ... and a trailing ~, are
 * skipped), or a comma-separated host list ("a,b," or "a,").  Reads
 * group_vars/ and host_vars/ beside a file.  Returns 0, or -1 and *cause
 * "file:line:col: message".
 */
int	 inventory_load(struct inventory *, const char *source, char **cause);
/* Reads group_vars/ and host_vars/ in dir (the playbook's directory). */
int	 inventory_load_playbook_vars(struct inventory *, const char *dir,
	    char **cause);

struct inv_host	 *inventory_find_host(struct inventory *, const char *);
/*
 * meta refresh_inventory: the sources are read again and what they hold
 * now is added (hosts, groups, memberships, variables: the new values
 * win); nothing is taken away, so add_host and group_by stay, as they
 * would for hosts the sources still list.  0, or -1 and *cause (a
 * source that no longer parses: the inventory is as it was).
 */
int		  inventory_refresh(struct inventory *, char **cause);
/*
 * add_host at run time: the host, made (in "ungrouped", *created set) if
 * the inventory does not have it.
 */
struct inv_host	 *inventory_runtime_host(struct inventory *, const char *,
		    int *created);
/*
 * add_host's groups, group_by's key: h joins group, made (under each of
 * parents, a list of names, or under "all") if it is new; *changed when h
 * was not in it.  0, or -1 and *cause (a bad name, a loop of groups).
 */
int		  inventory_runtime_join(struct inventory *, struct inv_host *,
		    const char *group, const struct value *parents,
		    int *changed, char **cause);
struct inv_group *inventory_find_group(struct inventory *, const char *);

/*
 * Hosts matching an Ansible pattern (all, *, group, host, a:b, a,b, a:&b,
 * a:!b, wildcards, ~regex, g[0], g[0:2], g[-1]) in inventory order, no
 * duplicates.  "localhost" matches the implicit localhost when the
 * inventory has none (made on first use: call from one thread, before
 * workers start).  Returns 0 and a malloc'd array (*n may be 0), or -1 and
 * *cause for a malformed pattern (bad regex, subscript past the end).
 */
int	 inventory_match(struct inventory *, const char *pattern,
	    struct inv_host ***hosts, size_t *n, char **cause);

/*
 * A host's variables from the inventory with ansible-core's default
 * precedence: all's inline vars, other groups' inline vars (by depth,
 * ansible_group_priority, name), group_vars/all (inventory, then
 * playbook), other groups' group_vars (inventory, then playbook), then
 * inventory_file/inventory_dir, the host's inline vars, host_vars
 * (inventory, then playbook).  Keys replace, no deep merge.  A new dict.
 */
struct value	*inventory_host_vars(struct inventory *, struct inv_host *);
/* Names of the groups a host is in (direct and inherited), sorted, no "all". */
struct value	*inventory_group_names(struct inventory *, struct inv_host *);
/* The "groups" magic variable: dict group -> list of host names. */
struct value	*inventory_groups_var(struct inventory *);

/*
 * ansible-inventory --list (JSON), --graph [GROUP] (group NULL for "all";
 * appends nothing for an unknown group: check inventory_find_group first),
 * --host H (H must match exactly one host, else -1 and *cause).  Output
 * is appended to the buffer and ends with a newline.
 */
void	 inventory_dump_list(struct inventory *, struct buf *);
void	 inventory_dump_graph(struct inventory *, const char *group, struct buf *);
int	 inventory_dump_host(struct inventory *, const char *, struct buf *,
	    char **cause);

#endif
