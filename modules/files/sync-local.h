/*
 * synchronize's controller side (sync-local.c): listing a controller
 * tree as the host's listing reads, and applying a pull's changes to it.
 */
#ifndef CAIRN_SYNC_LOCAL_H
#define CAIRN_SYNC_LOCAL_H

#include "sync-plan.h"

struct sync_local_opts {
	int	recursive, links, copy_links, checksum;
};
/*
 * The tree at root (root itself first, rel ""; children sorted, rel
 * "a/b"), symlinks kept as such with links, followed with copy_links,
 * skipped otherwise; sha1 of the files with checksum.  Returns the
 * number of entries in *v (sync_entries_free), 0 when root is absent.
 */
size_t	 sync_local_list(const char *root, const struct sync_local_opts *,
	    struct sync_entry **v);
/* Each: 0, or -1 and *cause. */
int	 sync_local_remove(const char *path, char **cause);
int	 sync_local_mkdir(const char *path, char **cause);
int	 sync_local_symlink(const char *target, const char *path,
	    char **cause);
/* Atomically: a temp file beside path, fsync, rename. */
int	 sync_local_write(const char *path, const void *data, size_t len,
	    char **cause);
/* perms, owner/group (by name, else id) and times as the options keep. */
int	 sync_local_attrs(const char *path, const struct sync_entry *src,
	    const struct sync_opts *, char **cause);

#endif
