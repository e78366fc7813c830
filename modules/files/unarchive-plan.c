/*
 * The unarchive module's decisions, from Ansible's unarchive.py: command
 * lines, member lists and the "already unarchived" tests of TgzArchive
 * and ZipArchive.  No host access.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "module.h"
#include "unarchive-plan.h"

/* Appends " 'pfx''item'" for each item. */
static void
unarchive_words(struct buf *b, const char *pfx, const char *const *v,
    int rstrip_slash)
{
	char	*t;
	size_t	 n;

	for (; v != NULL && *v != NULL; v++) {
		t = xasprintf("%s%s", pfx, *v);
		if (rstrip_slash)
			for (n = strlen(t); n > 0 && t[n - 1] == '/'; n--)
				t[n - 1] = '\0';
		buf_addc(b, ' ');
		shell_quote_buf(b, t);
		free(t);
	}
}

void
unarchive_tar_cmd(struct buf *b, enum unarchive_op op,
    const struct unarchive_opts *o)
{
	char	*t;

	buf_adds(b, op == UA_LIST ? "tar --list" : op == UA_DIFF ?
	    "tar --diff" : "tar --extract");
	buf_adds(b, " -C \"$d\" $z");
	if (o->extra != NULL && o->extra[0] != NULL) {
		buf_adds(b, " --show-transformed-names");
		unarchive_words(b, "", o->extra, 0);
	}
	if (op != UA_LIST && o->owner != NULL) {
		t = xasprintf("--owner=%s", o->owner);
		buf_addc(b, ' ');
		shell_quote_buf(b, t);
		free(t);
	}
	if (op != UA_LIST && o->group != NULL) {
		t = xasprintf("--group=%s", o->group);
		buf_addc(b, ' ');
		shell_quote_buf(b, t);
		free(t);
	}
	if (op != UA_LIST && o->keep_newer)
		buf_adds(b, " --keep-newer-files");
	unarchive_words(b, "--exclude=", o->exclude, 1);
	buf_adds(b, " -f \"$s\"");
	unarchive_words(b, "", o->include, 0);
}

void
unarchive_zip_cmd(struct buf *b, enum unarchive_op op,
    const struct unarchive_opts *o)
{
	if (op == UA_EXTRACT) {
		buf_adds(b, "unzip -o");
		unarchive_words(b, "", o->extra, 0);
		buf_adds(b, " \"$s\"");
	} else if (op == UA_DIFF)
		buf_adds(b, "unzip -Z -T -s \"$s\"");
	else
		buf_adds(b, "unzip -Z1 \"$s\"");
	if (op != UA_LIST && o->exclude != NULL && o->exclude[0] != NULL) {
		buf_adds(b, " -x");
		unarchive_words(b, "", o->exclude, 0);
	}
	if (op != UA_LIST)
		unarchive_words(b, "", o->include, 0);
	if (op == UA_EXTRACT)
		buf_adds(b, " -d \"$d\"");
}

static int
unarchive_match_any(const char *name, const char *const *pats)
{
	for (; pats != NULL && *pats != NULL; pats++)
		if (fnmatch(*pats, name, 0) == 0)
			return 1;
	return 0;
}

/* Calls fn on each line (without its newline); stops at a NUL-free end. */
static void
unarchive_lines(const char *s, size_t len, void (*fn)(char *, void *),
    void *arg)
{
	const char	*p = s, *end = s + len, *nl;
	char		*line;

	while (p < end) {
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		line = xstrndup(p, nl - p);
		fn(line, arg);
		free(line);
		p = nl + 1;
	}
}

struct unarchive_collect {
	struct value			*list;
	const struct unarchive_opts	*o;
};

static void
unarchive_tar_line(char *line, void *arg)
{
	struct unarchive_collect	*c = arg;
	char				*name = line;
	char				*t;
	size_t				 i;

	/* tar's listing is text: "\\" escapes as codecs.escape_decode */
	for (t = name, i = 0; name[i] != '\0'; i++) {
		if (name[i] == '\\' && name[i + 1] != '\0') {
			i++;
			if (name[i] >= '0' && name[i] <= '7') {
				int	v = 0, k;

				for (k = 0; k < 3 && name[i] >= '0' &&
				    name[i] <= '7'; k++, i++)
					v = v * 8 + (name[i] - '0');
				i--;
				*t++ = (char)v;
			} else
				*t++ = name[i] == 'n' ? '\n' : name[i] == 't' ?
				    '\t' : name[i];
		} else
			*t++ = name[i];
	}
	*t = '\0';
	if (*name == '\0')
		return;
	if (*name == '/')
		name++;
	if (unarchive_match_any(name, c->o->exclude))
		return;
	value_list_append(c->list, value_str(name));
}

struct value *
unarchive_tar_files(const char *out, size_t len,
    const struct unarchive_opts *o)
{
	struct unarchive_collect	c = { value_list(), o };

	unarchive_lines(out, len, unarchive_tar_line, &c);
	return c.list;
}

static void
unarchive_zip_line(char *line, void *arg)
{
	struct unarchive_collect	*c = arg;
	const char *const		*p;

	if (*line == '\0')
		return;
	if (c->o->include != NULL && c->o->include[0] != NULL) {
		/* one entry for each pattern that matches, as Ansible's loop */
		for (p = c->o->include; *p != NULL; p++)
			if (fnmatch(*p, line, 0) == 0)
				value_list_append(c->list, value_str(line));
		return;
	}
	if (!unarchive_match_any(line, c->o->exclude))
		value_list_append(c->list, value_str(line));
}

struct value *
unarchive_zip_files(const char *out, size_t len,
    const struct unarchive_opts *o)
{
	struct unarchive_collect	c = { value_list(), o };

	unarchive_lines(out, len, unarchive_zip_line, &c);
	return c.list;
}

static int
unarchive_endswith(const char *s, const char *suffix)
{
	size_t	n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

struct unarchive_tardiff {
	int				 differs;
	int				 root;
	int				 mode_given;
	const struct unarchive_opts	*o;
};

static void
unarchive_tardiff_line(char *line, void *arg)
{
	struct unarchive_tardiff	*t = arg;

	if (unarchive_endswith(line, ": : Warning: Cannot stat: No such "
	    "file or directory"))
		return;
	if ((t->root && t->o->owner == NULL &&
	    unarchive_endswith(line, ": Uid differs")) ||
	    (t->root && t->o->group == NULL &&
	    unarchive_endswith(line, ": Gid differs")) ||
	    (!t->mode_given && unarchive_endswith(line, ": Mode differs")) ||
	    unarchive_endswith(line, ": Mod time differs") ||
	    unarchive_endswith(line, ": Warning: Cannot stat: No such file "
	    "or directory") ||
	    strstr(line, ": Invalid owner") != NULL ||
	    strstr(line, ": Invalid group") != NULL)
		t->differs = 1;
}

int
unarchive_tar_done(const char *out, size_t outlen, const char *err,
    size_t errlen, int root, const struct unarchive_opts *o, int mode_given)
{
	struct unarchive_tardiff	t = { 0, root, mode_given, o };

	unarchive_lines(out, outlen, unarchive_tardiff_line, &t);
	unarchive_lines(err, errlen, unarchive_tardiff_line, &t);
	return !t.differs;
}

/* Splits s on whitespace into at most n fields, the last takes the rest. */
static size_t
unarchive_split(char *s, char **f, size_t n)
{
	size_t	k = 0;

	while (k < n) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			break;
		f[k++] = s;
		if (k == n)
			break;
		while (*s != '\0' && *s != ' ' && *s != '\t')
			s++;
		if (*s == '\0')
			break;
		*s++ = '\0';
	}
	return k;
}

/*
 * The line of text whose name is name: the first tab-separated field
 * (tabs), or unzip -v's eighth whitespace-separated one.  A malloc'd
 * copy, or NULL.
 */
static char *
unarchive_find_line(const char *text, size_t len, const char *name, int tabs)
{
	const char	*p = text, *end = text + len, *nl, *tab;
	char		*line, *f[8];
	int		 hit;

	while (p < end) {
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		line = xstrndup(p, nl - p);
		p = nl + 1;
		if (tabs)
			hit = (tab = strchr(line, '\t')) != NULL &&
			    (size_t)(tab - line) == strlen(name) &&
			    strncmp(line, name, tab - line) == 0;
		else {
			char	*copy = xstrdup(line);

			hit = unarchive_split(copy, f, 8) == 8 &&
			    strcmp(f[7], name) == 0;
			free(copy);
		}
		if (hit)
			return line;
		free(line);
	}
	return NULL;
}

/* _permstr_to_octal: "rwxr-x---" under a umask. */
static mode_t
unarchive_permstr(const char *perm, mode_t umask)
{
	mode_t	m = 0;
	int	i;

	for (i = 0; i < 9; i++)
		if (strchr("rwxst", perm[8 - i]) != NULL)
			m |= 1u << i;
	return m & ~umask;
}

/*
 * stat's %y ("2020-01-02 10:30:15.000000000 +0000", local time as
 * unzip -T's listing is) in unzip's form ("20200102.103015"); *frac when
 * the time has nanoseconds (then it never equals the archive's).
 */
static void
unarchive_ztime(const char *y, char out[16], int *frac)
{
	int		 Y = 0, M = 0, D = 0, h = 0, m = 0, sec = 0;
	const char	*p;

	*frac = 0;
	out[0] = '\0';
	if (sscanf(y, "%d-%d-%d %d:%d:%d", &Y, &M, &D, &h, &m, &sec) != 6)
		return;
	if (Y < 0 || Y > 9999 || M < 0 || M > 99 || D < 0 || D > 99 ||
	    h < 0 || h > 99 || m < 0 || m > 99 || sec < 0 || sec > 99)
		return;
	snprintf(out, 16, "%04d%02d%02d.%02d%02d%02d", Y, M, D, h, m, sec);
	if ((p = strchr(y, '.')) != NULL)
		for (p++; *p >= '0' && *p <= '9'; p++)
			if (*p != '0')
				*frac = 1;
}

static int
unarchive_in_list(const char *name, const char *const *v)
{
	for (; v != NULL && *v != NULL; v++)
		if (strcmp(*v, name) == 0)
			return 1;
	return 0;
}

struct unarchive_zfile {
	char		 type;
	long long	 size;
	char		 mtime[16];
	int		 frac;
	unsigned int	 mode;
	char		*owner, *uid, *group, *gid, *crc;
};

int
unarchive_zip_done(const char *info, size_t infolen, int rc,
    const char *crcs, size_t crclen, const char *dest, size_t destlen,
    const struct unarchive_zipctx *c, struct buf *diff, char **cause)
{
	const char	*p = info, *end = info + infolen, *nl;
	char		*line, *pcs[8], *dl, *df[10], *q, *cl, *cf[8];
	char		 ztype, ftype, perm[10], itemized[12];
	int		 unarchived = rc == 0, change, missing;
	size_t		 n, k;
	mode_t		 want, fumask;
	struct unarchive_zfile	 z;

	while (p < end) {
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		line = xstrndup(p, nl - p);
		p = nl + 1;
		dl = cl = NULL;
		if (unarchive_split(line, pcs, 8) != 8 ||
		    (strlen(pcs[0]) != 7 && strlen(pcs[0]) != 10) ||
		    strlen(pcs[6]) != 15 || strchr("dl-?", pcs[0][0]) == NULL ||
		    strspn(pcs[0] + 1, "rwxstah-") != strlen(pcs[0] + 1))
			goto next;
		ztype = pcs[0][0];
		if (unarchive_in_list(pcs[7], c->opts->exclude))
			goto next;	/* "Path %s is excluded on request" */
		n = strlen(pcs[7]);
		if (pcs[7][n - 1] == '/')
			ftype = 'd';
		else if (ztype == 'l')
			ftype = 'L';
		else
			ftype = 'f';
		/* FAT permissions: 777 or 666 under the umask */
		if (strlen(pcs[0] + 1) == 6) {
			if (ftype == 'd' || strcmp(pcs[0] + 1, "rwx---") == 0)
				strcpy(perm, "rwxrwxrwx");
			else
				strcpy(perm, "rw-rw-rw-");
			fumask = c->umask;
		} else {
			memcpy(perm, pcs[0] + 1, 9);
			perm[9] = '\0';
			fumask = 0;
		}

		memset(&z, 0, sizeof z);
		missing = 1;
		dl = unarchive_find_line(dest, destlen, pcs[7], 1);
		if (dl != NULL) {
			for (k = 0, q = dl; k < 10 && q != NULL; k++) {
				df[k] = q;
				if ((q = strchr(q, '\t')) != NULL)
					*q++ = '\0';
			}
			if (k == 10 && strcmp(df[1], "-") != 0) {
				missing = 0;
				z.type = df[1][0];
				z.size = strtoll(df[2], NULL, 10);
				unarchive_ztime(df[3], z.mtime, &z.frac);
				z.mode = (unsigned int)strtoul(df[4], NULL, 8);
				z.owner = df[5];
				z.uid = df[6];
				z.group = df[7];
				z.gid = df[8];
				z.crc = df[9];
			}
		}
		if (missing) {
			buf_addf(diff, ">%c++++++.?? %s\n", ftype, pcs[7]);
			unarchived = 0;
			goto next;
		}
		if ((ftype == 'd' && z.type != 'd') ||
		    (ftype == 'f' && z.type != 'f') ||
		    (ftype == 'L' && z.type != 'l')) {
			buf_addf(diff, "c%c++++++.?? %s\n", ftype, pcs[7]);
			unarchived = 0;
			goto next;
		}
		snprintf(itemized, sizeof itemized, ".%c.......??", ftype);
		change = 0;
		if (z.type == 'f') {
			int	cmp = strcmp(pcs[6], z.mtime);

			if (c->opts->keep_newer) {
				if (cmp > 0) {
					change = 1;
					itemized[4] = 't';
				} else if (cmp < 0 || z.frac)
					goto next;	/* newer: left alone */
			} else if (cmp != 0 || z.frac) {
				change = 1;
				itemized[4] = 't';
			}
			if (strtoll(pcs[3], NULL, 10) != z.size) {
				change = 1;
				itemized[3] = 's';
			}
			cl = unarchive_find_line(crcs, crclen, pcs[7], 0);
			if (cl != NULL && unarchive_split(cl, cf, 8) == 8 &&
			    strtoul(cf[6], NULL, 16) !=
			    strtoul(z.crc, NULL, 16)) {
				change = 1;
				itemized[2] = 'c';
			}
		}
		if (ftype != 'L') {
			if (c->mode != NULL) {
				if (mode_target(c->mode, z.mode, z.type == 'd',
				    c->umask, &want, cause) != 0) {
					free(line);
					free(dl);
					return -1;
				}
			} else if (ztype == '?')
				want = unarchive_permstr(perm, 0);
			else
				want = unarchive_permstr(perm, fumask);
			if (want != (z.mode & 07777)) {
				change = 1;
				itemized[5] = 'p';
			}
		}
		if (c->fut_owner != NULL && strcmp(z.owner, c->fut_owner) != 0 &&
		    strcmp(z.uid, c->fut_owner) != 0) {
			change = 1;
			itemized[6] = 'o';
		}
		if (c->fut_group != NULL && strcmp(z.group, c->fut_group) != 0 &&
		    strcmp(z.gid, c->fut_group) != 0) {
			change = 1;
			itemized[6] = 'g';
		}
		if (change) {
			unarchived = 0;
			buf_addf(diff, "%s %s\n", itemized, pcs[7]);
		}
next:
		free(cl);
		free(dl);
		free(line);
	}
	return unarchived;
}

struct value *
unarchive_top_folders(const struct value *files)
{
	struct value	*l = value_list(), *v;
	const char	*name, *slash;
	char		*top;
	size_t		 i, j;
	int		 seen;

	for (i = 0; i < files->u.list.n; i++) {
		name = files->u.list.items[i]->u.str.s;
		if ((slash = strchr(name, '/')) == NULL)
			continue;
		top = xstrndup(name, slash - name);
		for (seen = 0, j = 0; j < l->u.list.n && !seen; j++) {
			v = l->u.list.items[j];
			seen = strcmp(v->u.str.s, top) == 0;
		}
		if (!seen)
			value_list_append(l, value_str(top));
		free(top);
	}
	return l;
}
