/* APT source files as apt_repository and deb822_repository see them: parsing, editing, naming, rendering. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "aptsrc.h"
#include "module.h"

/*
 * One round trip: the distribution, then every file Ansible reads
 * (sources.list and sources.list.d/NAME.list), each as its path, its size
 * and its bytes.
 */
const char aptsrc_read_script[] =
	"( . /etc/os-release 2>/dev/null; printf '%s\\n%s\\n' \"${ID:-}\" "
	"\"${VERSION_CODENAME:-}\" )\n"
	"for f in " APTSRC_LIST " " APTSRC_PARTS "/*.list; do\n"
	"\t[ -f \"$f\" ] || continue\n"
	"\tprintf '%s\\n%s\\n' \"$f\" \"$(wc -c <\"$f\")\" && cat \"$f\" ||"
	" exit 1\n"
	"done\n";

static int
aptsrc_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v';
}

/* s[0..len) with Python's strip(), malloc'd. */
static char *
aptsrc_strip(const char *s, size_t len)
{
	while (len > 0 && aptsrc_space((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && aptsrc_space((unsigned char)s[len - 1]))
		len--;
	return xstrndup(s, len);
}

/* The next word of *s (Python's split()), malloc'd; NULL at the end. */
static char *
aptsrc_next_word(const char **s)
{
	const char	*p = *s, *e;

	while (*p != '\0' && aptsrc_space((unsigned char)*p))
		p++;
	if (*p == '\0')
		return NULL;
	for (e = p; *e != '\0' && !aptsrc_space((unsigned char)*e); e++)
		;
	*s = e;
	return xstrndup(p, e - p);
}

/* The words of s joined by one space (Python's ' '.join(s.split())). */
static char *
aptsrc_join_words(const char *s, char **first)
{
	struct buf	 b = BUF_INIT;
	char		*w;

	*first = NULL;
	while ((w = aptsrc_next_word(&s)) != NULL) {
		if (b.len != 0)
			buf_addc(&b, ' ');
		buf_adds(&b, w);
		if (*first == NULL)
			*first = w;
		else
			free(w);
	}
	return buf_detach(&b, NULL);
}

static int
aptsrc_is_type(const char *w)
{
	return w != NULL && (strcmp(w, "deb") == 0 ||
	    strcmp(w, "deb-src") == 0);
}

void
aptsrc_parse_line(const char *text, size_t len, struct aptsrc_line *l)
{
	char		*line = aptsrc_strip(text, len), *p, *hash, *first;
	char		*joined;

	memset(l, 0, sizeof *l);
	l->enabled = 1;
	p = line;
	if (*p == '#') {
		l->enabled = 0;
		p++;
	}
	/* A '#' after the first character starts a comment. */
	if ((hash = strchr(p, '#')) != NULL && hash > p) {
		l->comment = aptsrc_strip(hash + 1, strlen(hash + 1));
		*hash = '\0';
	} else
		l->comment = xstrdup("");
	l->source = aptsrc_strip(p, strlen(p));
	if (*l->source != '\0') {
		joined = aptsrc_join_words(l->source, &first);
		if (aptsrc_is_type(first)) {
			l->valid = 1;
			free(l->source);
			l->source = joined;
		} else
			free(joined);
		free(first);
	}
	free(line);
}

static void
aptsrc_line_free(struct aptsrc_line *l)
{
	free(l->source);
	free(l->comment);
}

static struct aptsrc_file *
aptsrc_file_add(struct aptsrc_set *set, const char *path)
{
	struct aptsrc_file	*f;

	set->files = xreallocarray(set->files, set->n + 1, sizeof *set->files);
	f = &set->files[set->n++];
	memset(f, 0, sizeof *f);
	f->path = xstrdup(path);
	return f;
}

static void
aptsrc_file_append(struct aptsrc_file *f, const struct aptsrc_line *l)
{
	f->lines = xreallocarray(f->lines, f->n + 1, sizeof *f->lines);
	f->lines[f->n++] = *l;
}

/* The line of text at *pos (without its newline); NULL at the end. */
static char *
aptsrc_next_line(const char *text, size_t len, size_t *pos)
{
	const char	*s = text + *pos, *e;

	if (*pos >= len)
		return NULL;
	e = memchr(s, '\n', len - *pos);
	if (e == NULL)
		e = text + len;
	*pos = e - text + (e < text + len);
	return xstrndup(s, e - s);
}

int
aptsrc_parse_read(const char *text, size_t len, struct aptsrc_set *set,
    char **cause)
{
	struct aptsrc_file	*f;
	struct aptsrc_line	 l;
	size_t			 pos = 0, size, ls;
	char			*path, *sz, *end;
	const char		*body, *nl;

	memset(set, 0, sizeof *set);
	set->os_id = aptsrc_next_line(text, len, &pos);
	set->codename = aptsrc_next_line(text, len, &pos);
	if (set->os_id == NULL || set->codename == NULL)
		goto cut;
	while ((path = aptsrc_next_line(text, len, &pos)) != NULL) {
		if ((sz = aptsrc_next_line(text, len, &pos)) == NULL) {
			free(path);
			goto cut;
		}
		size = strtoull(sz, &end, 10);
		if (*sz == '\0' || *end != '\0' || size > len - pos) {
			free(sz);
			free(path);
			goto cut;
		}
		free(sz);
		f = aptsrc_file_add(set, path);
		free(path);
		f->existed = 1;
		body = text + pos;
		/* Python iterates over lines: a last one without '\n' counts. */
		for (ls = 0; ls < size; ls = nl - body + 1) {
			nl = memchr(body + ls, '\n', size - ls);
			if (nl == NULL)
				nl = body + size;
			aptsrc_parse_line(body + ls, nl - body - ls, &l);
			aptsrc_file_append(f, &l);
		}
		pos += size;
	}
	return 0;
cut:
	*cause = xstrdup("cannot read the apt sources: output cut short");
	return -1;
}

void
aptsrc_set_free(struct aptsrc_set *set)
{
	size_t	i, j;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++) {
		for (j = 0; j < set->files[i].n; j++)
			aptsrc_line_free(&set->files[i].lines[j]);
		free(set->files[i].lines);
		free(set->files[i].path);
	}
	free(set->files);
	free(set->os_id);
	free(set->codename);
	memset(set, 0, sizeof *set);
}

char *
aptsrc_suggest_filename(const char *source, const char *filename)
{
	struct buf	 b = BUF_INIT, w = BUF_INIT;
	const char	*s, *e, *at;
	char		*first = NULL, *word;
	int		 sep = 0;

	if (filename != NULL)
		return xasprintf("%s.list", filename);
	/* Options in brackets and "scheme://" go, as re.sub does. */
	for (s = source; *s != '\0'; s++) {
		if (*s == '[' && s[1] != ']' && (e = strchr(s + 1, ']')) != NULL) {
			s = e;
			continue;
		}
		if (isalnum((unsigned char)*s) || *s == '_') {
			for (e = s; isalnum((unsigned char)*e) || *e == '_'; e++)
				;
			if (strncmp(e, "://", 3) == 0) {
				s = e + 2;
				continue;
			}
			buf_add(&b, s, e - s);
			s = e - 1;
			continue;
		}
		buf_addc(&b, *s);
	}
	/* The first word that is not a source type. */
	s = buf_cstr(&b);
	while ((word = aptsrc_next_word(&s)) != NULL) {
		if (!aptsrc_is_type(word)) {
			first = word;
			break;
		}
		free(word);
	}
	if (first == NULL)
		first = xstrdup("");
	at = strchr(first, '@');
	for (s = at != NULL ? at + 1 : first; *s != '\0'; s++) {
		if (isalnum((unsigned char)*s)) {
			if (sep && w.len != 0)
				buf_addc(&w, '_');
			sep = 0;
			buf_addc(&w, *s);
		} else
			sep = 1;
	}
	buf_adds(&w, ".list");
	free(first);
	buf_release(&b);
	return buf_detach(&w, NULL);
}

char *
aptsrc_expand_path(const char *name)
{
	if (strchr(name, '/') != NULL)
		return xstrdup(name);
	return xasprintf("%s/%s", APTSRC_PARTS, name);
}

int
aptsrc_expand_ppa(const char *repo, const char *codename,
    const char *filename, char **line, char **file, char **cause)
{
	const char	*ppa, *slash;
	char		*owner, *name, *hint;

	if (strncmp(repo, "ppa:", 4) != 0 || repo[4] == '\0' ||
	    repo[4] == '/') {
		*cause = xasprintf("Invalid repository string: %s", repo);
		return -1;
	}
	ppa = repo + 4;
	if ((slash = strchr(ppa, '/')) != NULL) {
		owner = xstrndup(ppa, slash - ppa);
		name = xstrdup(slash + 1);
	} else {
		owner = xstrdup(ppa);
		name = xstrdup("ppa");
	}
	*line = xasprintf("deb http://ppa.launchpad.net/%s/%s/ubuntu %s main",
	    owner, name, codename);
	hint = xasprintf("%s_%s", repo, codename);
	*file = aptsrc_suggest_filename(hint, filename);
	free(hint);
	free(owner);
	free(name);
	return 0;
}

/* repo as a source: 0 and *src, or -1 for a line Ansible refuses. */
static int
aptsrc_source_of(const char *repo, char **src, char **cause)
{
	struct aptsrc_line	l;

	aptsrc_parse_line(repo, strlen(repo), &l);
	if (!l.valid || !l.enabled) {
		*cause = xasprintf("Invalid repository string: %s", repo);
		aptsrc_line_free(&l);
		return -1;
	}
	*src = l.source;
	free(l.comment);
	return 0;
}

int
aptsrc_add(struct aptsrc_set *set, const char *repo, const char *path,
    char **cause)
{
	struct aptsrc_file	*f = NULL;
	struct aptsrc_line	 l;
	char			*src;
	size_t			 i, j;
	int			 found = 0;

	if (aptsrc_source_of(repo, &src, cause) != 0)
		return -1;
	for (i = 0; i < set->n; i++) {
		for (j = 0; j < set->files[i].n; j++) {
			l = set->files[i].lines[j];
			if (l.valid && strcmp(l.source, src) == 0) {
				set->files[i].lines[j].enabled = 1;
				found = 1;
			}
		}
	}
	if (found) {
		free(src);
		return 0;
	}
	for (i = 0; i < set->n && f == NULL; i++) {
		if (strcmp(set->files[i].path, path) == 0)
			f = &set->files[i];
	}
	if (f == NULL)
		f = aptsrc_file_add(set, path);
	memset(&l, 0, sizeof l);
	l.valid = l.enabled = 1;
	l.source = src;
	l.comment = xstrdup("");
	aptsrc_file_append(f, &l);
	f->added = 1;
	return 0;
}

int
aptsrc_remove(struct aptsrc_set *set, const char *repo, char **cause)
{
	struct aptsrc_file	*f;
	char			*src;
	size_t			 i, j, k;

	if (aptsrc_source_of(repo, &src, cause) != 0)
		return -1;
	for (i = 0; i < set->n; i++) {
		f = &set->files[i];
		for (j = k = 0; j < f->n; j++) {
			if (f->lines[j].valid && f->lines[j].enabled &&
			    strcmp(f->lines[j].source, src) == 0) {
				aptsrc_line_free(&f->lines[j]);
				continue;
			}
			f->lines[k++] = f->lines[j];
		}
		f->n = k;
	}
	free(src);
	return 0;
}

char *
aptsrc_dump(const struct aptsrc_file *f)
{
	struct buf	b = BUF_INIT;
	size_t		i;

	if (f->n == 0)
		return NULL;
	for (i = 0; i < f->n; i++) {
		if (!f->lines[i].enabled)
			buf_adds(&b, "# ");
		buf_adds(&b, f->lines[i].source);
		if (*f->lines[i].comment != '\0')
			buf_addf(&b, " # %s", f->lines[i].comment);
		buf_addc(&b, '\n');
	}
	return buf_detach(&b, NULL);
}

char *
aptsrc_slug(const char *name)
{
	struct buf	 b = BUF_INIT;
	const char	*s;
	int		 c;

	for (s = name; *s != '\0'; s++) {
		c = tolower((unsigned char)*s);
		if (c == '_' || aptsrc_space(c)) {
			while (s[1] == '_' || aptsrc_space((unsigned char)s[1]))
				s++;
			buf_addc(&b, '-');
		} else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-')
			buf_addc(&b, c);
	}
	return buf_detach(&b, NULL);
}

/* Ansible's format_multiline: indented lines, '.' for an empty one. */
static void
aptsrc_add_multiline(struct buf *b, const char *v)
{
	char		*t = aptsrc_strip(v, strlen(v)), *line, *nl, *s;

	for (line = t; line != NULL; line = nl) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl++ = '\0';
		s = aptsrc_strip(line, strlen(line));
		buf_addf(b, "\n    %s", *s != '\0' ? s : ".");
		free(s);
	}
	free(t);
}

/* The deb822 fields, in the order of Ansible's sorted parameter names. */
static const struct {
	const char	*param;
	const char	*field;
} aptsrc_fields[] = {
	{ "allow_downgrade_to_insecure", "Allow-Downgrade-To-Insecure" },
	{ "allow_insecure", "Allow-Insecure" },
	{ "allow_weak", "Allow-Weak" },
	{ "architectures", "Architectures" },
	{ "by_hash", "By-Hash" },
	{ "check_date", "Check-Date" },
	{ "check_valid_until", "Check-Valid-Until" },
	{ "components", "Components" },
	{ "date_max_future", "Date-Max-Future" },
	{ "enabled", "Enabled" },
	{ "inrelease_path", "Inrelease-Path" },
	/* Ansible writes its own option too (it does not pop it). */
	{ "install_python_debian", "Install-Python-Debian" },
	{ "languages", "Languages" },
	{ "name", "X-Repolib-Name" },
	{ "pdiffs", "Pdiffs" },
	{ "signed_by", "Signed-By" },
	{ "suites", "Suites" },
	{ "targets", "Targets" },
	{ "trusted", "Trusted" },
	{ "types", "Types" },
	{ "uris", "URIs" },
};

char *
aptsrc_deb822(const struct mod_args *args, const char *signed_by)
{
	struct buf	 b = BUF_INIT, v = BUF_INIT;
	struct value	*a;
	char		*s;
	size_t		 i, j;

	for (i = 0; i < sizeof aptsrc_fields / sizeof aptsrc_fields[0]; i++) {
		buf_reset(&v);
		if (strcmp(aptsrc_fields[i].param, "signed_by") == 0) {
			if (signed_by == NULL)
				continue;
			buf_adds(&v, signed_by);
		} else {
			if ((a = args_get(args, aptsrc_fields[i].param)) == NULL ||
			    a->type == V_NULL)
				continue;
			if (a->type == V_BOOL)
				buf_adds(&v, a->u.b ? "yes" : "no");
			else if (a->type == V_LIST) {
				for (j = 0; j < a->u.list.n; j++) {
					s = value_to_string(a->u.list.items[j]);
					buf_addf(&v, "%s%s", j ? " " : "", s);
					free(s);
				}
			} else {
				s = value_to_string(a);
				buf_adds(&v, s);
				free(s);
			}
		}
		buf_adds(&b, aptsrc_fields[i].field);
		buf_addc(&b, ':');
		if (strchr(buf_cstr(&v), '\n') != NULL)
			aptsrc_add_multiline(&b, buf_cstr(&v));
		else if (v.len != 0)
			buf_addf(&b, " %s", buf_cstr(&v));
		buf_addc(&b, '\n');
	}
	buf_release(&v);
	return buf_detach(&b, NULL);
}

int
aptsrc_has_scheme(const char *s)
{
	if (!isalpha((unsigned char)*s))
		return 0;
	while (isalnum((unsigned char)*s) || *s == '+' || *s == '-' ||
	    *s == '.')
		s++;
	return *s == ':';
}

int
aptsrc_is_armored(const void *data, size_t len)
{
	static const char	 begin[] = "-----BEGIN PGP PUBLIC KEY BLOCK-----";

	return memmem(data, len, begin, sizeof begin - 1) != NULL;
}

int
aptsrc_mode_text(const struct value *m, char **out, char **cause)
{
	char	text[8];
	int	octal;

	*out = NULL;
	if (m == NULL || m->type == V_NULL)
		return 0;
	if (mode_parse(m, &octal, cause) != 0)
		return -1;
	if (octal >= 0) {
		mode_format(octal, text);
		*out = xstrdup(text);
	} else
		*out = xstrdup(m->u.str.s);
	return 0;
}
