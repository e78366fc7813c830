/*
 * openssh_keypair's host side (keypair-host.c): the key pair on the
 * target as ssh-keygen reads it, and the changes the module makes.
 * Every call runs ssh-keygen (or rm) on the task's host; a passphrase
 * goes to ssh-keygen's stdin, never on a command line.
 */
#ifndef CAIRN_KEYPAIR_HOST_H
#define CAIRN_KEYPAIR_HOST_H

#include "keypair.h"
#include "module.h"

/* The key on the target, as the task sees it. */
struct keypair_host {
	int			 priv_exists, pub_exists;
	int			 have_info;	/* ssh-keygen -l could read it */
	int			 readable;	/* with the task's passphrase */
	int			 have_pub, have_derived;
	struct keypair_info	 info;
	struct keypair_pub	 pub;		/* the .pub file */
	struct keypair_pub	 derived;	/* ssh-keygen -y */
	char			 header[64];	/* the private key's first line */
};

void	 keypair_host_release(struct keypair_host *);
/*
 * Reads the pair at path/pubpath: whether each exists, "ssh-keygen -l",
 * the first line of the private key, and whether it can be read with
 * pass (NULL: none; a key with a passphrase the task does not give, or
 * the other way round, cannot).  0, or -1 and *cause.
 */
int	 keypair_inspect(struct task_ctx *, const char *path,
	    const char *pubpath, const char *pass, struct keypair_host *,
	    char **cause);
/* Ansible's diff dict of a pair (new value). */
struct value *keypair_diff_dict(const struct keypair_host *);
/*
 * Generates a pair in a fresh directory beside path and moves both files
 * into place.  0, or -1 with the result failed (*status) or *cause.
 */
int	 keypair_generate(struct task_ctx *, const char *path,
	    const char *type, long long size, const char *comment,
	    const char *pass, const char *format, struct result *,
	    enum mod_status *status, char **cause);
/* Rewrites the .pub from the private key, then sets comment (if any). */
int	 keypair_restore_pub(struct task_ctx *, const char *path,
	    const char *pubpath, const struct keypair_host *,
	    const char *comment, const char *pass, struct result *,
	    enum mod_status *status, char **cause);
/* Removes both files. */
int	 keypair_remove(struct task_ctx *, const char *path,
	    const char *pubpath, struct result *, enum mod_status *status,
	    char **cause);

#endif
