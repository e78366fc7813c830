/*
 * The archive module's decisions (community.general.archive): the archive
 * root, which paths go in under which names, the dest_state, and the
 * shell text that builds and lists each format.  No host access.
 */
#ifndef CAIRN_ARCHIVE_PLAN_H
#define CAIRN_ARCHIVE_PLAN_H

#include "module.h"

/* 1 when the path holds * or ?: expand_paths globs it. */
int	 archive_is_globby(const char *);
/*
 * common_path: the directory holding all the paths, with a trailing
 * slash ("/srv/a/x", "/srv/b" -> "/srv/"); "" when they share none.
 * malloc'd.
 */
char	*archive_common_path(const char *const *paths, size_t n);
/* is_archive: the name ends in .tar, .tar.gz/bz2/xz, .tgz, .tbz2, .zip. */
int	 archive_is_archive(const char *path);
/*
 * What add_targets puts in: for each entry of the walk (a target that is
 * not a directory, and everything below a directory target, never the
 * directory itself), its name in the archive (the path less root) unless
 * an exclusion pattern (fnmatch) matches it: the name for tar formats,
 * the full path for zip.  Appends the full paths to *archived and the
 * names to *names (lists).
 */
void	 archive_members(const char *const *walk, size_t n, const char *root,
	    const char *format, const char *const *patterns,
	    struct value *archived, struct value *names);
/*
 * The command that lists an archive (or the content of a compressed
 * file) for the comparison is_different_from_original makes, on "$1".
 */
const char *archive_list_cmd(const char *format, int single);
/* tar's compression flag for format ("" for tar and zip). */
const char *archive_tar_flag(const char *format);
/* gzip, bzip2 or xz: the compressor of a single file. */
const char *archive_compressor(const char *format);

#endif
