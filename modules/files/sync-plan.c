/*
 * synchronize's decisions: the options, rsync's quick check and itemized
 * lines, excludes.  No host access.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "module.h"
#include "sync-plan.h"

/* An option given, else the archive's default for it. */
static int
sync_flag(const struct mod_args *args, const char *name, int archive)
{
	if (args_has(args, name) && args_get(args, name)->type != V_NULL)
		return args_bool(args, name, archive);
	return archive;
}

static void
sync_add_exclude(struct sync_opts *o, const char *pat)
{
	o->exclude = xreallocarray(o->exclude, o->nexclude + 2,
	    sizeof *o->exclude);
	o->exclude[o->nexclude++] = pat;
	o->exclude[o->nexclude] = NULL;
}

int
sync_opts_make(const struct mod_args *args, struct sync_opts *o,
    char **cause)
{
	struct value	*ro = args_get(args, "rsync_opts");
	const char	*s;
	int		 archive = args_bool(args, "archive", 1);
	size_t		 i;

	memset(o, 0, sizeof *o);
	o->recursive = sync_flag(args, "recursive", archive);
	o->links = sync_flag(args, "links", archive);
	o->perms = sync_flag(args, "perms", archive);
	o->times = sync_flag(args, "times", archive);
	o->owner = sync_flag(args, "owner", archive);
	o->group = sync_flag(args, "group", archive);
	o->copy_links = args_bool(args, "copy_links", 0);
	o->dirs = args_bool(args, "dirs", 0);
	o->checksum = args_bool(args, "checksum", 0);
	o->existing_only = args_bool(args, "existing_only", 0);
	o->delete = args_bool(args, "delete", 0);
	o->pull = args_str(args, "mode") != NULL &&
	    strcmp(args_str(args, "mode"), "pull") == 0;
	for (i = 0; ro != NULL && ro->type == V_LIST && i < ro->u.list.n;
	    i++) {
		if (ro->u.list.items[i]->type != V_STR)
			continue;
		s = ro->u.list.items[i]->u.str.s;
		if (strncmp(s, "--exclude=", 10) == 0)
			sync_add_exclude(o, s + 10);
		else if (strncmp(s, "--exclude ", 10) == 0)
			sync_add_exclude(o, s + 10);
		else if (strcmp(s, "--exclude") == 0 && i + 1 < ro->u.list.n &&
		    ro->u.list.items[i + 1]->type == V_STR)
			sync_add_exclude(o, ro->u.list.items[++i]->u.str.s);
		else if (strncmp(s, "--delete", 8) == 0)
			o->delete = 1;
		else if (strcmp(s, "--checksum") == 0 || strcmp(s, "-c") == 0)
			o->checksum = 1;
		else if (strcmp(s, "--existing") == 0 ||
		    strcmp(s, "--ignore-non-existing") == 0)
			o->existing_only = 1;
		else if (strcmp(s, "--copy-links") == 0 || strcmp(s, "-L") == 0)
			o->copy_links = 1;
		else if (strcmp(s, "--no-perms") == 0)
			o->perms = 0;
		else if (strcmp(s, "--no-times") == 0)
			o->times = 0;
		else if (strcmp(s, "--no-owner") == 0)
			o->owner = 0;
		else if (strcmp(s, "--no-group") == 0)
			o->group = 0;
		else if (strcmp(s, "--no-links") == 0)
			o->links = 0;
		else if (strcmp(s, "--compress") == 0 || strcmp(s, "-z") == 0 ||
		    strcmp(s, "--partial") == 0 || strcmp(s, "-v") == 0 ||
		    strcmp(s, "--verbose") == 0)
			continue;	/* nothing to do over one connection */
		else {
			*cause = xasprintf("rsync_opts: '%s' is not supported "
			    "(cairn's synchronize honours --exclude, "
			    "--delete*, --checksum, --existing, --copy-links "
			    "and --no-*)", s);
			sync_opts_release(o);
			return -1;
		}
	}
	return 0;
}

void
sync_opts_release(struct sync_opts *o)
{
	free(o->exclude);
	o->exclude = NULL;
	o->nexclude = 0;
}

char *
sync_cmd_text(const struct mod_args *args, const struct sync_opts *o,
    const char *src, const char *dest, int check)
{
	struct buf	 b = BUF_INIT;
	size_t		 i;

	buf_adds(&b, "rsync");
	if (args_bool(args, "delay_updates", 1))
		buf_adds(&b, " --delay-updates -F");
	if (args_bool(args, "compress", 1))
		buf_adds(&b, " --compress");
	if (check)
		buf_adds(&b, " --dry-run");
	if (o->delete)
		buf_adds(&b, " --delete-after");
	if (o->existing_only)
		buf_adds(&b, " --existing");
	if (o->checksum)
		buf_adds(&b, " --checksum");
	if (o->copy_links)
		buf_adds(&b, " --copy-links");
	buf_addf(&b, "%s%s%s%s%s%s", o->recursive ? " --recursive" : "",
	    o->links ? " --links" : "", o->perms ? " --perms" : "",
	    o->times ? " --times" : "", o->owner ? " --owner" : "",
	    o->group ? " --group" : "");
	if (o->dirs)
		buf_adds(&b, " --dirs");
	for (i = 0; i < o->nexclude; i++) {
		buf_adds(&b, " --exclude=");
		shell_quote_buf(&b, o->exclude[i]);
	}
	buf_adds(&b, " --out-format='<<CHANGED>>%i %n%L' ");
	shell_quote_buf(&b, src);
	buf_addc(&b, ' ');
	shell_quote_buf(&b, dest);
	return buf_detach(&b, NULL);
}

/* Splits a line on tabs into at most n fields; the last takes the rest. */
static size_t
sync_fields(char *line, char **f, size_t n)
{
	size_t	k = 0;

	while (line != NULL && k < n) {
		f[k++] = line;
		if (k == n)
			break;
		if ((line = strchr(line, '\t')) != NULL)
			*line++ = '\0';
	}
	return k;
}

size_t
sync_parse(const char *text, struct sync_entry **vp)
{
	struct sync_entry	*v = NULL, *e;
	char			*copy = xstrdup(text), *line, *save = NULL;
	char			*f[11];
	size_t			 n = 0, k;

	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if ((k = sync_fields(line, f, 11)) < 10)
			continue;
		v = xreallocarray(v, n + 1, sizeof *v);
		e = &v[n++];
		memset(e, 0, sizeof *e);
		e->type = strchr("fdl", f[0][0]) != NULL ? f[0][0] : 'o';
		e->size = strtoll(f[1], NULL, 10);
		e->mtime = strtoll(f[2], NULL, 10);
		e->mode = (mode_t)strtoul(f[3], NULL, 8) & 07777;
		e->uid = strtoll(f[4], NULL, 10);
		e->gid = strtoll(f[5], NULL, 10);
		e->owner = xstrdup(f[6]);
		e->group = xstrdup(f[7]);
		e->rel = xstrdup(f[8]);
		e->link = xstrdup(f[9]);
		if (k == 11)	/* the probe's checksum column */
			snprintf(e->sum, sizeof e->sum, "%s", f[10]);
	}
	free(copy);
	*vp = v;
	return n;
}

void
sync_parse_sums(const char *text, struct sync_entry *v, size_t n)
{
	char			*copy = xstrdup(text), *line, *save = NULL;
	struct sync_entry	*e;

	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strlen(line) < 42 || line[40] != ' ' || line[41] != ' ')
			continue;
		line[40] = '\0';
		if ((e = sync_find(v, n, line + 42)) != NULL)
			snprintf(e->sum, sizeof e->sum, "%s", line);
	}
	free(copy);
}

void
sync_entries_free(struct sync_entry *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].rel);
		free(v[i].owner);
		free(v[i].group);
		free(v[i].link);
	}
	free(v);
}

struct sync_entry *
sync_find(struct sync_entry *v, size_t n, const char *rel)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].rel, rel) == 0)
			return &v[i];
	return NULL;
}

int
sync_excluded(const struct sync_opts *o, const char *rel, int isdir)
{
	const char	*base = strrchr(rel, '/'), *pat;
	char		*p;
	size_t		 i, n;
	int		 hit;

	base = base != NULL ? base + 1 : rel;
	for (i = 0; i < o->nexclude; i++) {
		p = xstrdup(o->exclude[i]);
		n = strlen(p);
		if (n > 1 && p[n - 1] == '/') {
			p[n - 1] = '\0';
			if (!isdir) {
				free(p);
				continue;
			}
		}
		pat = p[0] == '/' ? p + 1 : p;
		if (strchr(p, '/') != NULL)
			hit = fnmatch(pat, rel, FNM_PATHNAME) == 0;
		else
			hit = fnmatch(pat, base, 0) == 0;
		free(p);
		if (hit)
			return 1;
	}
	return 0;
}

enum sync_action
sync_decide(const struct sync_entry *s, const struct sync_entry *d,
    const struct sync_opts *o, char itemize[12])
{
	char	y = o->pull ? '>' : '<';
	char	x = s->type == 'l' ? 'L' : s->type;
	int	content = 0, attrs = 0;

	snprintf(itemize, 12, "%c%c.........", y, x);
	if (d == NULL || d->type != s->type) {
		if (s->type != 'f')
			itemize[0] = 'c';
		memset(itemize + 2, '+', 9);
		return d == NULL ? SY_CREATE : SY_REPLACE;
	}
	switch (s->type) {
	case 'f':
		if (o->checksum) {
			if (s->size != d->size || strcmp(s->sum, d->sum) != 0) {
				itemize[2] = 'c';
				content = 1;
			}
		} else if (s->size != d->size || s->mtime != d->mtime)
			content = 1;
		if (s->size != d->size)
			itemize[3] = 's';
		break;
	case 'l':
		if (strcmp(s->link, d->link) != 0) {
			itemize[0] = 'c';
			itemize[2] = 'c';
			content = 1;
		}
		break;
	default:
		break;
	}
	/* rsync sets the times it sends; without -t a sent file shows t */
	if (s->mtime != d->mtime && (o->times || content) && s->type != 'l')
		itemize[4] = o->times ? 't' : 'T';
	if (o->perms && s->type != 'l' && s->mode != d->mode) {
		itemize[5] = 'p';
		attrs = 1;
	}
	if (o->owner && s->uid != d->uid && strcmp(s->owner, d->owner) != 0) {
		itemize[6] = 'o';
		attrs = 1;
	}
	if (o->group && s->gid != d->gid && strcmp(s->group, d->group) != 0) {
		itemize[7] = 'g';
		attrs = 1;
	}
	if (o->times && s->type != 'l' && s->mtime != d->mtime)
		attrs = 1;
	if (content)
		return SY_UPDATE;
	if (attrs) {
		itemize[0] = '.';
		return SY_ATTRS;
	}
	return SY_NONE;
}
