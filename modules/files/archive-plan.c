/*
 * The archive module's decisions, from community.general's archive.py:
 * common_path, is_archive, the members add_targets writes and the
 * commands that build and compare.  No host access.
 */
#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "archive-plan.h"
#include "module.h"

int
archive_is_globby(const char *p)
{
	return strchr(p, '*') != NULL || strchr(p, '?') != NULL;
}

char *
archive_common_path(const char *const *paths, size_t n)
{
	char	*prefix, *slash;
	size_t	 i, k, len;

	if (n == 0)
		return xstrdup("");
	/* commonprefix of the dirnames, each with a trailing slash */
	prefix = xstrdup(paths[0]);
	if ((slash = strrchr(prefix, '/')) != NULL)
		slash[1] = '\0';
	else
		prefix[0] = '\0';
	for (i = 1; i < n; i++) {
		len = strlen(paths[i]);
		if ((slash = strrchr(paths[i], '/')) != NULL)
			len = (size_t)(slash - paths[i]) + 1;
		else
			len = 0;
		for (k = 0; prefix[k] != '\0' && k < len &&
		    prefix[k] == paths[i][k]; k++)
			;
		prefix[k] = '\0';
	}
	/* then its dirname, with a trailing slash again */
	if ((slash = strrchr(prefix, '/')) != NULL)
		slash[1] = '\0';
	else
		prefix[0] = '\0';
	return prefix;
}

int
archive_is_archive(const char *path)
{
	static const char *const ext[] = { ".tar", ".tar.gz", ".tar.bz2",
		".tar.xz", ".tgz", ".tbz2", ".zip", NULL };
	const char	*base = strrchr(path, '/');
	size_t		 n, m, i;

	base = base != NULL ? base + 1 : path;
	n = strlen(base);
	for (i = 0; ext[i] != NULL; i++) {
		m = strlen(ext[i]);
		/* re.search: the suffix may be the whole name */
		if (n >= m && strcasecmp(base + n - m, ext[i]) == 0)
			return 1;
	}
	return 0;
}

static int
archive_excluded(const char *s, const char *const *patterns)
{
	for (; patterns != NULL && *patterns != NULL; patterns++)
		if (fnmatch(*patterns, s, 0) == 0)
			return 1;
	return 0;
}

void
archive_members(const char *const *walk, size_t n, const char *root,
    const char *format, const char *const *patterns, struct value *archived,
    struct value *names)
{
	size_t		 i, rl = strlen(root);
	const char	*name;
	int		 zip = strcmp(format, "zip") == 0;

	for (i = 0; i < n; i++) {
		name = walk[i];
		if (strncmp(name, root, rl) == 0)
			name += rl;
		if (archive_excluded(zip ? walk[i] : name, patterns))
			continue;
		value_list_append(archived, value_str(walk[i]));
		value_list_append(names, value_str(name));
	}
}

const char *
archive_tar_flag(const char *format)
{
	if (strcmp(format, "gz") == 0)
		return "-z";
	if (strcmp(format, "bz2") == 0)
		return "-j";
	if (strcmp(format, "xz") == 0)
		return "-J";
	return "";
}

const char *
archive_compressor(const char *format)
{
	if (strcmp(format, "bz2") == 0)
		return "bzip2";
	if (strcmp(format, "xz") == 0)
		return "xz";
	return "gzip";
}

const char *
archive_list_cmd(const char *format, int single)
{
	/* The members with what tar's header checksum covers, or zip's CRC. */
	if (strcmp(format, "zip") == 0)
		return "unzip -v \"$1\" 2>/dev/null | tail -n +4 | LC_ALL=C sort";
	if (strcmp(format, "tar") == 0)
		return "tar -tv --full-time --numeric-owner -f \"$1\" 2>/dev/null"
		    " | LC_ALL=C sort";
	if (single) {
		if (strcmp(format, "bz2") == 0)
			return "bzip2 -dc <\"$1\" 2>/dev/null | cksum";
		if (strcmp(format, "xz") == 0)
			return "xz -dc <\"$1\" 2>/dev/null | cksum";
		return "gzip -dc <\"$1\" 2>/dev/null | cksum";
	}
	if (strcmp(format, "bz2") == 0)
		return "tar -tv --full-time --numeric-owner -j -f \"$1\" "
		    "2>/dev/null | LC_ALL=C sort";
	if (strcmp(format, "xz") == 0)
		return "tar -tv --full-time --numeric-owner -J -f \"$1\" "
		    "2>/dev/null | LC_ALL=C sort";
	return "tar -tv --full-time --numeric-owner -z -f \"$1\" 2>/dev/null"
	    " | LC_ALL=C sort";
}
