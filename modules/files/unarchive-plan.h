/*
 * The unarchive module's decisions, ported from Ansible's unarchive.py:
 * the tar and unzip command lines, the member lists, and whether what
 * dest holds is already the archive (TgzArchive's reading of tar --diff,
 * ZipArchive's comparison of each member with the file on disk).  No
 * host access: the module (mod-unarchive.c) runs the commands and gives
 * their output to these.
 */
#ifndef CAIRN_UNARCHIVE_PLAN_H
#define CAIRN_UNARCHIVE_PLAN_H

#include "module.h"

struct unarchive_opts {
	const char *const	*exclude;	/* NULL-terminated, or NULL */
	const char *const	*include;
	const char *const	*extra;		/* extra_opts */
	const char		*owner, *group;
	int			 keep_newer;
};

enum unarchive_op { UA_LIST, UA_DIFF, UA_EXTRACT };
/*
 * The tar command of TgzArchive for op, as shell text: the archive is
 * "$s", dest "$d" and the compression flag the unquoted "$z" (empty,
 * -z, -j, -J or --use-compress-program=zstd); every argument quoted.
 */
void	unarchive_tar_cmd(struct buf *, enum unarchive_op,
	    const struct unarchive_opts *);
/* ZipArchive's: UA_DIFF is "unzip -Z -T -s", UA_EXTRACT "unzip -o". */
void	unarchive_zip_cmd(struct buf *, enum unarchive_op,
	    const struct unarchive_opts *);

/*
 * files_in_archive: tar --list's lines (a leading "/" cut, the excluded
 * dropped by fnmatch) or unzip -Z1's names (include patterns, else
 * exclude patterns, by fnmatch).  A new list of strings.
 */
struct value *unarchive_tar_files(const char *out, size_t len,
	    const struct unarchive_opts *);
struct value *unarchive_zip_files(const char *out, size_t len,
	    const struct unarchive_opts *);

/*
 * TgzArchive.is_unarchived: 1 when tar --diff's output (stdout and
 * stderr) shows no difference that matters (owner and group ones only as
 * root and when not set by the task, mode ones only without mode), 0
 * otherwise.
 */
int	unarchive_tar_done(const char *out, size_t outlen, const char *err,
	    size_t errlen, int root, const struct unarchive_opts *,
	    int mode_given);

/*
 * What ZipArchive.is_unarchived needs besides the listings: the target's
 * umask, the owner and group the files should have (the task's, or the
 * remote user's), the mode argument.
 */
struct unarchive_zipctx {
	const struct unarchive_opts	*opts;
	const struct value		*mode;		/* or NULL */
	const char			*fut_owner, *fut_group;
	mode_t				 umask;
};
/*
 * ZipArchive.is_unarchived: info is "unzip -Z -T -s"'s listing (rc its
 * status), crcs "unzip -v"'s, dest one line per member as the module's
 * probe prints it: "name\tT\tsize\tmtime\tmode\towner\tuid\tgroup\tgid\tcrc"
 * (T: f d l o, or "-" with nothing else for a missing path; mtime as
 * stat's %y).  Returns 1 when unarchived, 0 when not, with Ansible's
 * itemized lines (">f++++++.?? a/b") appended to diff; -1 and *cause
 * for a listing Ansible refuses.
 */
int	unarchive_zip_done(const char *info, size_t infolen, int rc,
	    const char *crcs, size_t crclen, const char *dest, size_t destlen,
	    const struct unarchive_zipctx *, struct buf *diff, char **cause);

/* The top folders of the members (what precedes a first "/"), unique. */
struct value *unarchive_top_folders(const struct value *files);

#endif
