/* Shared between the inventory-*.c files: building the host/group graph. */
#ifndef CAIRN_INVENTORY_INTERNAL_H
#define CAIRN_INVENTORY_INTERNAL_H

#include "inventory.h"

/* Hard cap on what one host range may expand to: a typo, not a data centre, */
#define INV_RANGE_MAX	100000
/*
 * ... and on the whole inventory, so that ranges multiplied cannot eat
 * memory: inventory_max_hosts, INV_HOSTS_MAX unless a test lowers it.
 */
#define INV_HOSTS_MAX	1000000
extern size_t	inventory_max_hosts;

/* inventory.c */

/* Returns the group, creating it (with no parent yet) if needed. */
struct inv_group *inventory_add_group(struct inventory *, const char *);
/*
 * Returns the host, creating it if needed, and makes it a direct member of
 * group unless group is NULL.  source is the file that names it (copied the
 * first time only, as Ansible's inventory_file), or NULL.
 */
struct inv_host	*inventory_add_host(struct inventory *, const char *,
		    struct inv_group *, const char *source);
/*
 * Makes child a child group of parent (once); fails with *cause "adding
 * group 'c' as child to 'p' creates a recursive dependency loop".
 */
int		 inventory_add_child(struct inventory *, struct inv_group *,
		    struct inv_group *, char **cause);
/* Sets one variable (takes v) on a host or group's vars dict. */
void		 inventory_set_var(struct value *vars, const char *,
		    struct value *);
/* Appends "loc: message" to inventory->warnings. */
void		 inventory_warn(struct inventory *, const struct loc *,
		    const char *, ...) __attribute__((format(printf, 3, 4)));
/*
 * Splits an INI/YAML host entry into host names and port, as Ansible's
 * _expand_hostpattern: "web:2222", "[::1]:22", "db[01:10:2]", "n-[a:f]".
 * Returns 0 with a NULL-terminated array of malloc'd names (free with
 * inventory_free_names) and *port (-1 if none), or -1 and *cause (no loc).
 */
int		 inventory_expand_hostpattern(const char *, char ***, int *,
		    char **cause);
void		 inventory_free_names(char **);
/* The implicit localhost (made once, named as first asked for). */
struct inv_host	*inventory_implicit_localhost(struct inventory *,
		    const char *);
/*
 * Group.get_hosts(): own hosts, then descendants' breadth first, each once,
 * never the implicit localhost.  Malloc'd array, *n may be 0.
 */
struct inv_host	**inventory_group_hosts(struct inventory *,
		    struct inv_group *, size_t *);
/* Ansible's group name rule in patterns and INI: no spaces, ':' or ']'. */
int		 inventory_valid_group_name(const char *);

/* inventory-ini.c */

/* Parses INI text (name is the file name for messages). */
int		 inventory_ini_parse(struct inventory *, const char *name,
		    const char *text, size_t len, char **cause);
/*
 * Python's ast.literal_eval on an INI value, as the INI plugin applies to
 * every value: numbers, True/False/None, quoted strings, lists, tuples,
 * dicts; anything else stays the string it was.  A new value.
 */
struct value	*inventory_ini_value(const char *, const struct loc *);

/* inventory-yaml.c */

/* Adds a YAML inventory from a loaded document (the file's value tree). */
int		 inventory_yaml_parse(struct inventory *, const char *name,
		    struct value *doc, char **cause);

#endif
