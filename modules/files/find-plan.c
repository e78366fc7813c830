/*
 * find's decisions, ported from Ansible's find.py: the age/size arguments,
 * pfilter/agefilter/sizefilter/contentfilter, and the reshaping of one
 * find(1) listing into the list of stat dicts os.walk would have given.
 */
#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "files.h"
#include "regex.h"

/* r"^(-?\d+)(units)?$" on the lowered text, times the unit. */
static int
find_parse_unit(const char *s, const char *units, const long long *mult,
    long long *out)
{
	const char	*p = s, *u;
	long long	 v = 0;
	int		 neg = 0, digits = 0;

	if (*p == '-') {
		neg = 1;
		p++;
	}
	for (; isdigit((unsigned char)*p); p++, digits++) {
		if (v > (1LL << 50))
			return -1;
		v = v * 10 + (*p - '0');
	}
	if (digits == 0)
		return -1;
	if (*p != '\0') {
		if ((u = strchr(units, tolower((unsigned char)*p))) == NULL ||
		    p[1] != '\0')
			return -1;
		v *= mult[u - units];
	}
	*out = neg ? -v : v;
	return 0;
}

int
find_parse_age(const char *s, long long *out)
{
	static const long long	mult[] = { 1, 60, 3600, 86400, 604800 };

	return find_parse_unit(s, "smhdw", mult, out);
}

int
find_parse_size(const char *s, long long *out)
{
	static const long long	mult[] = { 1, 1024, 1024LL * 1024,
	    1024LL * 1024 * 1024, 1024LL * 1024 * 1024 * 1024 };

	return find_parse_unit(s, "bkmgt", mult, out);
}

/* re.match: a search whose leftmost match starts at 0 is a match. */
static int
find_rematch(const char *pattern, const char *s, size_t len, char **cause)
{
	struct regex		*re;
	struct regex_match	 m = REGEX_MATCH_INIT;
	int			 r;

	if ((re = regex_compile(pattern, REGEX_UNICODE, cause)) == NULL)
		return -1;
	r = regex_search(re, s, len, 0, &m, cause);
	if (r == 1)
		r = m.start[0] == 0;
	regex_match_release(&m);
	regex_free(re);
	return r;
}

/* One pattern on a name: 1, 0, or -1 and *cause. */
static int
find_one(const char *name, const char *pat, int use_regex, char **cause)
{
	if (use_regex)
		return find_rematch(pat, name, strlen(name), cause);
	/* fnmatch.fnmatch: no escapes, "*" crosses dots and slashes. */
	return fnmatch(pat, name, FNM_NOESCAPE) == 0;
}

int
find_pfilter(const char *name, const char *const *patterns, size_t n_pat,
    const char *const *excludes, size_t n_exc, int use_regex, char **cause)
{
	static const char *const glob_all[] = { "*" }, *const re_all[] = {
	    ".*" };
	size_t	i, j;
	int	r;

	if (n_pat == 0) {
		patterns = use_regex ? re_all : glob_all;
		n_pat = 1;
	}
	for (i = 0; i < n_pat; i++) {
		if ((r = find_one(name, patterns[i], use_regex, cause)) == -1)
			return -1;
		if (r == 0)
			continue;
		for (j = 0; j < n_exc; j++) {
			if ((r = find_one(name, excludes[j], use_regex,
			    cause)) != 0)
				return r == 1 ? 0 : -1;
		}
		return 1;
	}
	return 0;
}

int
find_agefilter(double now, double stamp, int has_age, long long age)
{
	if (!has_age)
		return 1;
	if (age >= 0)
		return now - stamp >= (double)age;
	return now - stamp <= (double)-age;
}

int
find_sizefilter(long long size, int has_size, long long want)
{
	if (!has_size)
		return 1;
	if (want >= 0)
		return size >= want;
	return size <= -want;
}

int
find_contentfilter(const char *data, size_t len, const char *pattern,
    int read_whole_file)
{
	struct regex		*re;
	struct regex_match	 m = REGEX_MATCH_INIT;
	char			*cause = NULL;
	const char		*nl;
	size_t			 at = 0, end;
	int			 found = 0, r;

	if (pattern == NULL)
		return 1;
	if ((re = regex_compile(pattern, REGEX_UNICODE, &cause)) == NULL) {
		free(cause);
		return 0;
	}
	if (read_whole_file) {
		found = regex_search(re, data, len, 0, &m, &cause) == 1;
		regex_match_release(&m);
	} else {
		while (at < len && !found) {
			nl = memchr(data + at, '\n', len - at);
			end = nl != NULL ? (size_t)(nl - data) + 1 : len;
			r = regex_search(re, data + at, end - at, 0, &m, &cause);
			if (r == -1)
				break;
			found = r == 1 && m.start[0] == 0;
			regex_match_release(&m);
			at = end;
		}
	}
	regex_match_release(&m);
	free(cause);
	regex_free(re);
	return found;
}

/* The parent of a normalised path ("a/b" -> "a", "/a" -> "/"). */
static char *
find_dirname(const char *path)
{
	const char	*s = strrchr(path, '/');

	if (s == NULL)
		return xstrdup(".");
	if (s == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(s - path));
}

int
find_parse(const char *data, size_t len, struct find_entry **v, size_t *n)
{
	const char		*p = data, *end = data + len, *rec;
	char			*f[16], *copy, *s;
	struct find_entry	*e;
	size_t			 nf, count = 0;

	while (p < end) {
		rec = p;
		p = memchr(p, '\0', (size_t)(end - p));
		if (p == NULL)
			return -1;
		copy = xstrndup(rec, (size_t)(p - rec));
		p++;
		/* The path is last: it may hold tabs. */
		for (nf = 0, s = copy; nf < 15; nf++) {
			f[nf] = s;
			if ((s = strchr(s, '\t')) == NULL) {
				free(copy);
				return -1;
			}
			*s++ = '\0';
		}
		f[15] = s;
		*v = xreallocarray(*v, *n + 1, sizeof **v);
		e = &(*v)[(*n)++];
		memset(e, 0, sizeof *e);
		e->depth = atoi(f[0]);
		e->type = f[1][0];
		e->walkdir = f[2][0] == 'd';
		e->perm = (unsigned int)strtoul(f[3], NULL, 8) & 07777;
		e->uid = strtoll(f[4], NULL, 10);
		e->gid = strtoll(f[5], NULL, 10);
		e->size = strtoll(f[6], NULL, 10);
		e->ino = strtoll(f[7], NULL, 10);
		e->dev = strtoll(f[8], NULL, 10);
		e->nlink = strtoll(f[9], NULL, 10);
		e->atime = strtod(f[10], NULL);
		e->mtime = strtod(f[11], NULL);
		e->ctime = strtod(f[12], NULL);
		/* find prints the number when the id has no name. */
		e->owner = xstrdup(strcmp(f[13], f[4]) == 0 ? "" : f[13]);
		e->group = xstrdup(strcmp(f[14], f[5]) == 0 ? "" : f[14]);
		e->path = files_normpath(f[15]);
		e->parent = find_dirname(e->path);
		e->order = *n - 1;
		free(copy);
		count++;
	}
	return (int)count;
}

static int
find_cmp(const void *a, const void *b)
{
	const struct find_entry	*x = a, *y = b;

	if (x->prank != y->prank)
		return x->prank < y->prank ? -1 : 1;
	if (x->walkdir != y->walkdir)
		return x->walkdir ? 1 : -1;
	return x->order < y->order ? -1 : x->order > y->order;
}

void
find_walk_order(struct find_entry *v, size_t n)
{
	struct value	*rank = value_dict(), *r;
	long long	 next = 1;
	size_t		 i;

	/*
	 * os.walk visits directories in pre-order, which is the order in
	 * which find(1) prints them; the root (rank 0) is first.
	 */
	for (i = 0; i < n; i++)
		if (v[i].walkdir && value_dict_get(rank, v[i].path) == NULL)
			value_dict_setint(rank, v[i].path, next++);
	for (i = 0; i < n; i++) {
		r = v[i].depth > 1 ? value_dict_get(rank, v[i].parent) : NULL;
		v[i].prank = r != NULL ? (size_t)r->u.i : 0;
	}
	qsort(v, n, sizeof *v, find_cmp);
	value_unref(rank);
}

struct value *
find_entry_dict(const struct find_entry *e)
{
	struct value	*d = value_dict();
	unsigned int	 m = e->perm;
	char		 mode[8];

	value_dict_setstr(d, "path", e->path);
	snprintf(mode, sizeof mode, "%04o", m);
	value_dict_setstr(d, "mode", mode);
	value_dict_setbool(d, "isdir", e->type == 'd');
	value_dict_setbool(d, "ischr", e->type == 'c');
	value_dict_setbool(d, "isblk", e->type == 'b');
	value_dict_setbool(d, "isreg", e->type == 'f');
	value_dict_setbool(d, "isfifo", e->type == 'p');
	value_dict_setbool(d, "islnk", e->type == 'l');
	value_dict_setbool(d, "issock", e->type == 's');
	value_dict_setint(d, "uid", e->uid);
	value_dict_setint(d, "gid", e->gid);
	value_dict_setint(d, "size", e->size);
	value_dict_setint(d, "inode", e->ino);
	value_dict_setint(d, "dev", e->dev);
	value_dict_setint(d, "nlink", e->nlink);
	value_dict_set(d, "atime", value_float(e->atime));
	value_dict_set(d, "mtime", value_float(e->mtime));
	value_dict_set(d, "ctime", value_float(e->ctime));
	value_dict_setstr(d, "gr_name", e->group);
	value_dict_setstr(d, "pw_name", e->owner);
	value_dict_setbool(d, "wusr", (m & S_IWUSR) != 0);
	value_dict_setbool(d, "rusr", (m & S_IRUSR) != 0);
	value_dict_setbool(d, "xusr", (m & S_IXUSR) != 0);
	value_dict_setbool(d, "wgrp", (m & S_IWGRP) != 0);
	value_dict_setbool(d, "rgrp", (m & S_IRGRP) != 0);
	value_dict_setbool(d, "xgrp", (m & S_IXGRP) != 0);
	value_dict_setbool(d, "woth", (m & S_IWOTH) != 0);
	value_dict_setbool(d, "roth", (m & S_IROTH) != 0);
	value_dict_setbool(d, "xoth", (m & S_IXOTH) != 0);
	value_dict_setbool(d, "isuid", (m & S_ISUID) != 0);
	value_dict_setbool(d, "isgid", (m & S_ISGID) != 0);
	return d;
}

void
find_entries_free(struct find_entry *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].path);
		free(v[i].parent);
		free(v[i].owner);
		free(v[i].group);
	}
	free(v);
}
