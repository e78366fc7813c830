/*
 * The copy module's decisions (where the file goes, whether to write it,
 * the chmod text of a mode, the diff entry), apart from its host side so
 * that the unit tests reach them.
 */
#ifndef CAIRN_COPY_PLAN_H
#define CAIRN_COPY_PLAN_H

#include "module.h"

/* Ansible's MAX_FILE_SIZE_FOR_DIFF. */
#define COPY_MAX_DIFF	104448

/* 1 if the data holds a NUL byte: Ansible's test for a binary file. */
int		 copy_is_binary(const char *, size_t);
/*
 * The mode argument as chmod text: "0644" for an octal mode, the symbolic
 * text as given, the source's mode for "preserve".  malloc'd, or NULL and
 * *cause.
 */
char		*copy_mode_text(const struct value *mode, mode_t src_mode,
		    char **cause);
/* What follows the last '/' (the whole string without one). */
const char	*copy_basename(const char *);
/*
 * The path to write for dest: dest with src's basename when dest ends in
 * '/' (then *mkdirs = 1: the directory may not exist yet), else dest.
 * malloc'd.
 */
char		*copy_dest_path(const char *dest, const char *src,
		    int *mkdirs);

enum copy_action {
	COPY_KEEP,	/* it exists and force is off: leave it */
	COPY_ATTRS,	/* same content: only attributes can differ */
	COPY_WRITE,	/* new or different content */
};
/* From dest's stat (with its checksum) and the data's sha1. */
enum copy_action copy_decide(const struct host_stat *, const char *sum,
		    int force);

/*
 * The --diff entry for writing data over dest: before and after, or the
 * dst_larger / dst_binary / src_larger / src_binary marks where Ansible
 * gives no text.  old is dest's text when it was read (a file no larger
 * than COPY_MAX_DIFF), NULL when it could not be.  New reference.
 */
struct value	*copy_diff_entry(const char *dest, const char *after_header,
		    const struct host_stat *, const char *old, size_t oldlen,
		    const char *data, size_t len);

/*
 * Directory copies (src a directory, from the controller or with
 * remote_src): the tree is mirrored under copy_tree_root, one node per
 * file, directory and symlink of the source.
 */
/*
 * Where the tree goes, as Ansible's trailing-slash rule says: "dir/"
 * copies the contents into dest, "dir" the directory itself into
 * dest/dir.  malloc'd, without a trailing slash ("/" stays).
 */
char		*copy_tree_root(const char *dest, const char *src);

enum copy_node_action {
	CN_NONE,	/* as wanted */
	CN_WRITE,	/* a file to (re)write */
	CN_MKDIR,	/* a directory to create */
	CN_ATTRS,	/* mode, owner or group to set */
	CN_LINK,	/* a symlink to (re)point */
};
struct copy_node {
	char		 type;		/* the source's: f d l */
	char		*rel;		/* path under the root */
	char		*local;		/* a controller file (NULL: remote) */
	char		*link;		/* a symlink's target */
	char		 sum[41];	/* sha1 of a file's content */
	long long	 size;
	mode_t		 mode;		/* the source's permission bits */
	/* dest as the probe saw it */
	char		 dtype;		/* f d l o, '-' when absent */
	char		 dsum[41];
	mode_t		 dmode;
	char		*downer, *dgroup;	/* names, or NULL */
	long long	 duid, dgid;
	char		*dlink;
	enum copy_node_action action;
};
/* What the task asks for every node. */
struct copy_node_want {
	const struct value	*mode;		/* files' mode, or NULL */
	const struct value	*dir_mode;	/* directory_mode, or NULL */
	const char		*owner, *group;
	int			 force;
	int			 preserve;	/* files take the source's mode */
	mode_t			 umask;
};
/*
 * The node's action from the probe: CN_WRITE for a missing or different
 * file (never with force off once it exists), CN_ATTRS when only mode,
 * owner or group differ...  0, or -1 and *cause for a directory where a
 * file is, or a bad mode.
 */
int		 copy_node_decide(struct copy_node *,
		    const struct copy_node_want *, char **cause);
void		 copy_nodes_free(struct copy_node *, size_t);

/*
 * copy-tree.c: copies the directory src (as given, for its trailing
 * slash; found is where it is: the controller path, or the host path
 * with remote_src) to dest.  Fills r (dest with a trailing slash, src)
 * and returns the task's status.
 */
enum mod_status	 copy_tree_run(struct task_ctx *, const struct mod_args *,
		    const char *src, const char *found, int remote,
		    struct result *);

#endif
