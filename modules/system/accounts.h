/*
 * Local accounts as the user and group modules see them: the target's
 * getent passwd/shadow/group lines parsed into a small database, and the
 * pure decisions that turn what a task wants into useradd/usermod/userdel
 * and groupadd/groupmod/groupdel argument vectors, the way Ansible's user
 * and group modules build them.  Only accounts-host.c (at the end) talks
 * to a host.
 */
#ifndef CAIRN_ACCOUNTS_H
#define CAIRN_ACCOUNTS_H

#include "module.h"
#include "util.h"

struct accounts_passwd {
	char		*name;
	long long	 uid;
	long long	 gid;
	char		*gecos;
	char		*home;
	char		*shell;
};

struct accounts_group {
	char		*name;
	long long	 gid;
	char	       **members;
	size_t		 nmembers;
};

/*
 * What one read of the target returned (accounts_read_script): the user,
 * its shadow entry, the groups, and whether a path (the home) exists.
 */
struct accounts_db {
	int			 has_user;
	struct accounts_passwd	 pw;
	int			 has_shadow;
	char			*hash;		/* shadow password field */
	long long		 expire;	/* days since the epoch, -1: none */
	/* chage's fields of the shadow entry, -1 when empty */
	long long		 sp_min, sp_max, sp_warn, sp_inact;
	struct accounts_group	*groups;
	size_t			 ngroups;
	int			 path_exists;	/* the "H" line */
};

/* A getent passwd / group line; 0, or -1 and *cause. */
int	 accounts_parse_passwd(const char *, struct accounts_passwd *,
	    char **cause);
int	 accounts_parse_group(const char *, struct accounts_group *,
	    char **cause);
void	 accounts_passwd_release(struct accounts_passwd *);
void	 accounts_group_release(struct accounts_group *);

/*
 * Parses the output of accounts_read_script into db (zeroed first).
 * Returns 0, or -1 and *cause for a malformed line.
 */
int	 accounts_parse_db(const char *, struct accounts_db *, char **cause);
void	 accounts_db_release(struct accounts_db *);

/*
 * Appends a script that prints the tagged lines accounts_parse_db reads:
 * "P <passwd line>" and "S <shadow line>" for user (if not NULL), "G
 * <group line>" for every group (all_groups) or just for group (if not
 * NULL), and "H" when path exists (path NULL: the user's current home).
 */
void	 accounts_read_script(struct buf *, const char *user,
	    const char *group, int all_groups, const char *path);

/* A group by name, or by gid when the text is all digits; NULL if none. */
const struct accounts_group *accounts_group_find(const struct accounts_db *,
	    const char *);
/*
 * The supplementary groups user belongs to, excluding the group with gid
 * primary (-1: none), in the order of the group database; *n set.
 * Returns a malloc'd array of borrowed names.
 */
const char **accounts_member_of(const struct accounts_db *, const char *user,
	    long long primary, size_t *n);

/* A NULL-terminated argument vector under construction. */
struct accounts_argv {
	char	**v;
	size_t	  n;
};
void	 accounts_argv_add(struct accounts_argv *, const char *);
void	 accounts_argv_addf(struct accounts_argv *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	 accounts_argv_has(const struct accounts_argv *, const char *);
void	 accounts_argv_release(struct accounts_argv *);
/*
 * The vector as one shell command line, every word quoted; the word after
 * a "-p" is replaced by ******** when mask is set (for messages), or left
 * out with the "-p" when mask is ACCOUNTS_LINE_NO_PASSWORD (the hash then
 * goes through chpasswd's standard input: never in the target's ps).
 */
#define ACCOUNTS_LINE_NO_PASSWORD	2
char	*accounts_argv_line(const struct accounts_argv *, int mask);
/* The word after "-p", or NULL. */
const char *accounts_argv_password(const struct accounts_argv *);

/* What a user task asks for; unset fields are NULL or -1. */
struct accounts_user_want {
	const char	*name;
	long long	 uid;			/* -1: not given */
	const char	*group;
	const char	**groups;		/* NULL: not given */
	size_t		 ngroups;
	int		 append;
	const char	*comment;
	const char	*home;
	const char	*shell;
	const char	*password;
	int		 update_always;		/* update_password: always */
	int		 password_lock;		/* -1, 0 or 1 */
	int		 has_expires;
	double		 expires;		/* seconds since the epoch */
	int		 create_home;
	int		 move_home;
	int		 system;
	int		 non_unique;
	int		 force;
	int		 remove;
	const char	*skeleton;
	const char	*umask;
	/* password_expire_min/_max/_warn/_account_disable; -2: not given */
	long long	 expire_min, expire_max, expire_warn, expire_inact;
};

/*
 * The useradd vector for a user that does not exist yet.  0, or -1 and
 * *cause ("Group X does not exist").
 */
int	 accounts_useradd(const struct accounts_user_want *,
	    const struct accounts_db *, struct accounts_argv *, char **cause);
/*
 * The usermod vector for an existing user; an empty vector (n == 0) when
 * nothing differs.  0, or -1 and *cause.
 */
int	 accounts_usermod(const struct accounts_user_want *,
	    const struct accounts_db *, struct accounts_argv *, char **cause);
void	 accounts_userdel(const struct accounts_user_want *,
	    struct accounts_argv *);
/*
 * The chage vector for the password ageing fields w asks for that differ
 * from the shadow entry in db (all of those asked for when db has none:
 * a user created by this task), as Ansible's set_password_expire; an
 * empty vector when nothing differs.
 */
void	 accounts_chage(const struct accounts_user_want *,
	    const struct accounts_db *, struct accounts_argv *);
/* "YYYY-MM-DD" (UTC) of an epoch time, as useradd -e takes it. */
void	 accounts_date(double, char out[16]);

/* What a group task asks for. */
struct accounts_group_want {
	const char	*name;
	long long	 gid;			/* -1: not given */
	int		 system;
	int		 non_unique;
};
/* groupadd for a missing group, groupmod (or nothing) for an existing one. */
void	 accounts_groupadd(const struct accounts_group_want *,
	    struct accounts_argv *);
void	 accounts_groupmod(const struct accounts_group_want *,
	    const struct accounts_group *, struct accounts_argv *);

/*
 * accounts-view.c.  The user in db as the diff shows it: a dict of name
 * and state, and for a present user uid, group, groups, comment, home and
 * shell.  A new reference.
 */
struct value *accounts_view(const struct accounts_db *, const char *name);
/*
 * The diff's after side: the user once w is applied (present), or gone.
 * A new reference.
 */
struct value *accounts_view_after(const struct accounts_user_want *w,
	    const struct accounts_db *, int present);

/*
 * The user module's change as one script: $n set to the user, the
 * useradd/usermod line a, and for a new user whose home is given and
 * created, the home's parent made first (and removed again, if made, when
 * the command fails); ends with ACCOUNTS_MARK for the state read after.
 * A password hash in a ("-p HASH") is not on the command line: the script
 * runs `chpasswd -e` on its standard input, which must then be
 * accounts_password_input's text.
 */
void	 accounts_change_script(struct buf *,
	    const struct accounts_user_want *, const struct accounts_argv *a,
	    int exists);
/* "name:hash\n" for chpasswd -e when a sets a password, else NULL. */
char	*accounts_password_input(const struct accounts_argv *a,
	    const char *name);

/*
 * accounts-host.c.  A script that creates home (if missing) as Ansible's
 * create_homedir: a copy of skel (NULL: /etc/skel), the HOME_MODE or UMASK
 * of login.defs, owned by the user in shell variable $n.
 */
void	 accounts_homedir_script(struct buf *, const char *home,
	    const char *skel);
/*
 * generate_ssh_key of the user module (args are its arguments, db holds
 * the user): creates the key pair unless it exists (or force), fills the
 * ssh_* result fields, *changed.  0, or -1 with the result failed.
 */
int	 accounts_sshkey(struct task_ctx *, const struct mod_args *,
	    const struct accounts_db *, struct result *, int *changed);

/* Separates a command's own output from the state read after it. */
#define ACCOUNTS_MARK	"#cairn-state"

/*
 * Runs script s (released here) with in (NULL: none) as its stdin into
 * res.  0, or -1 with the result failed (the host could not run it).
 */
int	 accounts_exec(struct task_ctx *, struct buf *s, const char *in,
	    struct exec_result *res, struct result *);
/*
 * Parses the accounts_read_script lines after ACCOUNTS_MARK in res's
 * stdout (or all of it) into db; with record, what came before the mark
 * and the stderr go to the result as stdout and stderr.  A user whose
 * name is not name (getent took an all-digit name as a uid) counts as
 * missing.  0, or -1 with the result failed.
 */
int	 accounts_read_db(struct result *, const struct exec_result *res,
	    struct accounts_db *db, const char *name, int record);
/*
 * Fails the result for a user/group tool that exited non-zero: rc,
 * output and the command line (password masked) go to the result, its
 * stderr (or the exit status) is the message.  Returns MOD_FAILED.
 */
enum mod_status accounts_cmd_failed(struct result *,
	    const struct accounts_argv *, const struct exec_result *res);

#endif
