/* fstab edits and boot options, as ansible.posix.mount decides them. */
#include <stdlib.h>
#include <string.h>

#include "mount-plan.h"
#include "util.h"

char *
mount_escape(const char *s)
{
	struct buf	b = BUF_INIT;

	for (; *s != '\0'; s++) {
		if (*s == '\\')
			buf_adds(&b, "\\134");
		else if (*s == ' ')
			buf_adds(&b, "\\040");
		else if (*s == '&')
			buf_adds(&b, "\\046");
		else
			buf_add(&b, s, 1);
	}
	return buf_detach(&b, NULL);
}

/* Splits line (a copy) on blanks into at most max fields; returns count. */
static size_t
mount_fields(char *line, char **f, size_t max)
{
	size_t	 n = 0;
	char	*p = line;

	for (;;) {
		p += strspn(p, " \t\r\n\v\f");
		if (*p == '\0')
			return n;
		if (n == max)
			return max + 1;
		f[n++] = p;
		p += strcspn(p, " \t\r\n\v\f");
		if (*p != '\0')
			*p++ = '\0';
	}
}

/* The next line of text (with its newline, if any) into *line; 0 at end. */
static int
mount_next_line(const char **text, const char **line, size_t *len)
{
	const char	*nl;

	if (**text == '\0')
		return 0;
	*line = *text;
	nl = strchr(*text, '\n');
	*len = nl != NULL ? (size_t)(nl - *text) + 1 : strlen(*text);
	*text += *len;
	return 1;
}

/* A blank or comment line, which no edit touches. */
static int
mount_skip_line(const char *copy)
{
	const char	*p = copy + strspn(copy, " \t\r\n\v\f");

	return *p == '\0' || *p == '#';
}

/* Whether fields f are the entry for mount point name (escaped). */
static int
mount_is_entry(char **f, const char *name, const char *src)
{
	if (strcmp(f[1], name) != 0)
		return 0;
	/* Every swap is mounted on "none": its src tells them apart. */
	if (src != NULL && strcmp(f[1], "none") == 0 &&
	    strcmp(f[2], "swap") == 0 && strcmp(f[0], src) != 0)
		return 0;
	return 1;
}

int
mount_fstab_set(const char *text, const struct mount_entry *e,
    struct buf *out)
{
	const char	*line;
	char		*esc[6], *copy, *f[7];
	size_t		 len, n, i;
	int		 exists = 0, changed = 0, differs;

	esc[0] = mount_escape(e->src);
	esc[1] = mount_escape(e->name);
	esc[2] = mount_escape(e->fstype);
	esc[3] = mount_escape(e->opts);
	esc[4] = mount_escape(e->dump);
	esc[5] = mount_escape(e->passno);
	while (mount_next_line(&text, &line, &len)) {
		copy = xstrndup(line, len);
		n = mount_skip_line(copy) ? 0 : mount_fields(copy, f, 6);
		if (n < 4 || n > 6 || !mount_is_entry(f, esc[1], e->src)) {
			buf_add(out, line, len);
			if (line[len - 1] != '\n')
				buf_adds(out, "\n");
			free(copy);
			continue;
		}
		exists = 1;
		differs = n < 6;
		for (i = 0; i < n; i++)
			if (i != 1 && strcmp(f[i], esc[i]) != 0)
				differs = 1;
		if (differs) {
			changed = 1;
			buf_addf(out, "%s %s %s %s %s %s\n", esc[0], f[1],
			    esc[2], esc[3], esc[4], esc[5]);
		} else {
			buf_add(out, line, len);
			if (line[len - 1] != '\n')
				buf_adds(out, "\n");
		}
		free(copy);
	}
	if (!exists) {
		changed = 1;
		buf_addf(out, "%s %s %s %s %s %s\n", esc[0], esc[1], esc[2],
		    esc[3], esc[4], esc[5]);
	}
	for (i = 0; i < 6; i++)
		free(esc[i]);
	return changed;
}

int
mount_fstab_unset(const char *text, const char *name, const char *src,
    struct buf *out)
{
	const char	*line;
	char		*esc = mount_escape(name), *copy, *f[7];
	size_t		 len, n;
	int		 changed = 0;

	while (mount_next_line(&text, &line, &len)) {
		copy = xstrndup(line, len);
		n = mount_skip_line(copy) ? 0 : mount_fields(copy, f, 6);
		if (n == 6 && mount_is_entry(f, esc, src))
			changed = 1;
		else
			buf_add(out, line, len);
		free(copy);
	}
	free(esc);
	return changed;
}

/* Whether the comma-separated list opts holds word. */
static int
mount_has_opt(const char *opts, const char *word)
{
	size_t		 wl = strlen(word), l;
	const char	*p = opts;

	for (;;) {
		l = strcspn(p, ",");
		if (l == wl && strncmp(p, word, wl) == 0)
			return 1;
		if (p[l] == '\0')
			return 0;
		p += l + 1;
	}
}

char *
mount_boot_opts(const char *opts, int boot, const char **warning)
{
	*warning = NULL;
	if (mount_has_opt(opts, "noauto")) {
		*warning = "Ignore the 'boot' due to 'opts' contains 'noauto'.";
		return xstrdup(opts);
	}
	if (boot)
		return xstrdup(opts);
	if (mount_has_opt(opts, "defaults")) {
		*warning = "Ignore the 'boot' due to 'opts' contains "
		    "'defaults'.";
		return xstrdup(opts);
	}
	return xasprintf("%s,noauto", opts);
}

/* A mountinfo field with its octal escapes (\040...) undone; malloc'd. */
static char *
mount_unescape(const char *s)
{
	struct buf	b = BUF_INIT;
	char		c;

	for (; *s != '\0'; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			c = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
			    (s[3] - '0'));
			buf_add(&b, &c, 1);
			s += 3;
		} else
			buf_add(&b, s, 1);
	}
	return buf_detach(&b, NULL);
}

/* One mountinfo line: dev (maj:min), root, mount point, fstype, source. */
struct mount_info {
	char	*dev, *root, *point, *fstype, *source;
};

static int
mount_info_parse(const char *line, size_t len, struct mount_info *mi)
{
	char	*copy = xstrndup(line, len), *f[32];
	size_t	 n, i;
	int	 r = -1;

	memset(mi, 0, sizeof *mi);
	n = mount_fields(copy, f, 31);
	for (i = 6; i < n && strcmp(f[i], "-") != 0; i++)
		;
	if (n >= 5 && i + 2 < n) {
		mi->dev = xstrdup(f[2]);
		mi->root = mount_unescape(f[3]);
		mi->point = mount_unescape(f[4]);
		mi->fstype = xstrdup(f[i + 1]);
		mi->source = mount_unescape(f[i + 2]);
		r = 0;
	}
	free(copy);
	return r;
}

static void
mount_info_release(struct mount_info *mi)
{
	free(mi->dev);
	free(mi->root);
	free(mi->point);
	free(mi->fstype);
	free(mi->source);
	memset(mi, 0, sizeof *mi);
}

int
mount_info_find(const char *text, const char *path, char **src, char **fstype)
{
	struct mount_info	 mi, base, found;
	const char		*line, *t;
	size_t			 len;
	int			 have = 0, have_base;

	*src = *fstype = NULL;
	memset(&found, 0, sizeof found);
	for (t = text; mount_next_line(&t, &line, &len);) {
		if (mount_info_parse(line, len, &mi) != 0)
			continue;
		if (strcmp(mi.point, path) == 0) {
			mount_info_release(&found);
			found = mi;
			have = 1;
		} else
			mount_info_release(&mi);
	}
	if (!have)
		return 0;
	*fstype = xstrdup(found.fstype);
	if (strcmp(found.root, "/") == 0) {
		*src = xstrdup(found.source);
		mount_info_release(&found);
		return 1;
	}
	/* A bind mount: where the same filesystem's root is mounted. */
	have_base = 0;
	for (t = text; !have_base && mount_next_line(&t, &line, &len);) {
		if (mount_info_parse(line, len, &base) != 0)
			continue;
		if (strcmp(base.dev, found.dev) == 0 &&
		    strcmp(base.root, "/") == 0)
			have_base = 1;
		else
			mount_info_release(&base);
	}
	if (have_base && strcmp(base.point, "/") != 0)
		*src = xasprintf("%s%s", base.point, found.root);
	else
		*src = xstrdup(found.root);
	if (have_base)
		mount_info_release(&base);
	mount_info_release(&found);
	return 1;
}
