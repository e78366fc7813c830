/*
 * The mount module's pure decisions: fstab lines edited as
 * ansible.posix.mount edits them, and the mount options boot asks for.
 * No host is touched here.
 */
#ifndef CAIRN_MOUNT_PLAN_H
#define CAIRN_MOUNT_PLAN_H

struct buf;

/* One fstab entry, its fields as given (not yet escaped). */
struct mount_entry {
	const char	*src;
	const char	*name;		/* the mount point */
	const char	*fstype;
	const char	*opts;
	const char	*dump;
	const char	*passno;
};

/*
 * A field as fstab spells it: backslash, space and '&' as \134, \040 and
 * \046 (Ansible's _escape_fstab).  malloc'd.
 */
char	*mount_escape(const char *);

/*
 * The fstab text with e's entry set (set_mount): every valid line (4 to 6
 * fields, not a comment) whose mount point is e's (for swap, "none" with
 * e's src) is rewritten from e when a field differs (a 4- or 5-field line
 * always differs, as Ansible's integer defaults never equal its strings);
 * without such a line, e's is appended.  Lines missing their newline get
 * one.  Writes the new text to out and returns 1 when it differs, else 0.
 */
int	 mount_fstab_set(const char *text, const struct mount_entry *e,
	    struct buf *out);

/*
 * The fstab text without the entry for mount point name (unset_mount:
 * only 6-field lines count; for swap, src picks the line).  Returns 1
 * when a line went, else 0; out gets the new text.
 */
int	 mount_fstab_unset(const char *text, const char *name,
	    const char *src, struct buf *out);

/*
 * The options boot asks for: opts unchanged when they hold noauto
 * (*warning says boot is ignored), or boot is set; with boot unset,
 * opts plus ",noauto", except when they hold "defaults" (*warning
 * again).  malloc'd; *warning is a static text or NULL.
 */
char	*mount_boot_opts(const char *opts, int boot, const char **warning);

/*
 * Whether path is a mount point in /proc/self/mountinfo's text (the last
 * mount there wins, as the kernel shows it): 1 with *src and *fstype
 * (malloc'd), else 0.  A bind mount's src is the directory it shows, as
 * Ansible's get_linux_mounts works it out: the mount point of the
 * filesystem's root mount joined with the bound root.
 */
int	 mount_info_find(const char *mountinfo, const char *path, char **src,
	    char **fstype);

#endif
