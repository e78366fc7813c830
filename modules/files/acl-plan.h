/*
 * The acl module's decisions (ansible.posix.acl): the checks of its
 * arguments, the entry it sets or removes, the getfacl/setfacl command
 * lines and whether setfacl --test shows a change.  No host access.
 */
#ifndef CAIRN_ACL_PLAN_H
#define CAIRN_ACL_PLAN_H

#include "module.h"

enum acl_state { ACL_QUERY, ACL_PRESENT, ACL_ABSENT };
enum acl_mask { ACL_MASK_DEFAULT, ACL_MASK_MASK, ACL_MASK_NO };

/* The arguments, as given (NULL or "" when absent). */
struct acl_req {
	const char	*entry;
	const char	*entity;
	const char	*etype;
	const char	*permissions;
	enum acl_state	 state;
	int		 default_;
	int		 recursive;
	int		 follow;
	enum acl_mask	 mask;
	int		 nfsv4;
};

/* What to run: the entry text ("user:bob:rwx"), and the flags. */
struct acl_plan {
	char		*entry;		/* NULL for query */
	int		 default_;
};

/*
 * Checks the arguments as Ansible's acl does (its messages: "'etype' MUST
 * be set when 'state=present'."...) and builds the entry; an "entry"
 * argument is split (a leading "d" or "default:" sets default) and
 * rebuilt.  use_nfsv4_acls is refused: Linux's setfacl has no NFSv4 ACLs.
 * 0 and *out (acl_plan_release), or -1 and *cause.
 */
int	acl_plan_make(const struct acl_req *, struct acl_plan *out,
	    char **cause);
void	acl_plan_release(struct acl_plan *);

/*
 * The command text as build_command makes it: "setfacl [-d] --test -m
 * ENTRY [--recursive] [--mask|--no-mask] [--physical] PATHWORD" (test
 * for setfacl --test), "-x" for absent, "getfacl [-d] --omit-header
 * --absolute-names ..." for query (what 0, 1, 2: get, set, rm).  path is
 * appended as a shell word ("$p" when path is NULL).
 */
enum acl_cmd { ACL_GET, ACL_SET, ACL_RM };
void	acl_command(struct buf *, enum acl_cmd, const struct acl_req *,
	    const struct acl_plan *, int test, const char *path);
/*
 * acl_changed on setfacl --test's output: 1 when a line (not a comment,
 * not empty) does not end with "*,*".
 */
int	acl_test_changed(const char *out, size_t len);
/* run_acl's lines: stripped, comments dropped, a last empty one cut. */
struct value *acl_lines(const char *out, size_t len);

#endif
