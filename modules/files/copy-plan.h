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

#endif
