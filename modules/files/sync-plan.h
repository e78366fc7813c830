/*
 * synchronize's decisions (ansible.posix.synchronize without a second
 * ssh: cairn compares listings of both sides and copies over its own
 * connection): the options rsync would get, rsync's quick check on each
 * entry, its itemized change line, the excludes and deletions.  No host
 * access.
 */
#ifndef CAIRN_SYNC_PLAN_H
#define CAIRN_SYNC_PLAN_H

#include "module.h"

/* The rsync options the module's arguments add up to. */
struct sync_opts {
	int		 recursive, links, copy_links, perms, times;
	int		 owner, group, dirs;
	int		 checksum, existing_only, delete;
	int		 pull;
	const char	**exclude;	/* --exclude patterns, malloc'd array */
	size_t		 nexclude;
};
/*
 * From the arguments: archive stands for -rlptgo, each of recursive,
 * links, perms, times, owner, group given overrides it; rsync_opts may
 * add --exclude=PAT (or "--exclude PAT"), --delete*, --checksum/-c,
 * --existing, --copy-links/-L, --no-*: any other option is refused
 * (0, or -1 and *cause naming it).  Release with sync_opts_release.
 */
int	 sync_opts_make(const struct mod_args *, struct sync_opts *,
	    char **cause);
void	 sync_opts_release(struct sync_opts *);
/* The rsync command line Ansible would have run, for "cmd". malloc'd. */
char	*sync_cmd_text(const struct mod_args *, const struct sync_opts *,
	    const char *src, const char *dest, int check);

/* One entry of either side's listing. */
struct sync_entry {
	char		 type;		/* f d l, o for anything else */
	char		*rel;		/* "" for the root */
	long long	 size, mtime;
	mode_t		 mode;
	long long	 uid, gid;
	char		*owner, *group;
	char		*link;
	char		 sum[41];	/* with checksum, files only */
};
/*
 * Parses find's -printf SYNC_PRINTF lines into *v (other lines are
 * skipped); returns how many.
 */
#define SYNC_PRINTF	"%y\\t%s\\t%T@\\t%m\\t%U\\t%G\\t%u\\t%g\\t%P\\t%l\\n"
size_t	 sync_parse(const char *text, struct sync_entry **v);
void	 sync_entries_free(struct sync_entry *, size_t);
/* sha1sum's "SUM  REL" lines: the sums of the entries named. */
void	 sync_parse_sums(const char *text, struct sync_entry *, size_t);
/* The entry of v with rel, or NULL. */
struct sync_entry *sync_find(struct sync_entry *v, size_t n, const char *rel);

/* rsync's exclude rule on a relative path (the last component unless the
 * pattern holds a "/"; a trailing "/" only for directories). */
int	 sync_excluded(const struct sync_opts *, const char *rel, int isdir);

enum sync_action {
	SY_NONE,
	SY_CREATE,	/* new on dest */
	SY_UPDATE,	/* content to send */
	SY_ATTRS,	/* perms, times, owner or group only */
	SY_REPLACE,	/* dest has another type there: remove, create */
};
/*
 * rsync's decision for src against dst (NULL: absent): the quick check
 * (size and mtime, or the checksum) and the attributes the options keep.
 * itemize gets the 11 characters of %i ("<f+++++++++", ".d..t......").
 */
enum sync_action sync_decide(const struct sync_entry *src,
	    const struct sync_entry *dst, const struct sync_opts *,
	    char itemize[12]);

#endif
