/*
 * modprobe's decisions: is a module loaded, listed in modules-load.d, its
 * options set in modprobe.d, and the edits of those files, with
 * community.general's line patterns and quirks.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sysconf.h"

/* Whether [p, end) is ' *(?:[#;].*)?\n?': blanks then a comment. */
static int
modprobe_tail(const char *p, const char *end)
{
	while (p < end && *p == ' ')
		p++;
	if (p < end && (*p == '#' || *p == ';'))
		while (p < end && *p != '\n')
			p++;
	if (p < end && *p == '\n')
		p++;
	return p == end;
}

int
modprobe_loaded(const char *proc_modules, const char *builtin,
    const char *name)
{
	const char	*line;
	char		*want, *s;
	size_t		 len, wlen;
	int		 found = 0;

	want = xasprintf("%s ", name);
	for (s = want; *s != '\0'; s++)
		if (*s == '-')
			*s = '_';
	wlen = strlen(want);
	while (!found && proc_modules != NULL &&
	    sysconf_line(&proc_modules, &line, &len, 1))
		found = len >= wlen && memcmp(line, want, wlen) == 0;
	free(want);
	want = xasprintf("/%s.ko", name);
	wlen = strlen(want);
	while (!found && builtin != NULL &&
	    sysconf_line(&builtin, &line, &len, 1)) {
		while (len > 0 && isspace((unsigned char)line[len - 1]))
			len--;
		found = len >= wlen && memcmp(line + len - wlen, want,
		    wlen) == 0;
	}
	free(want);
	return found;
}

/* '^ *NAME *(?:[#;].*)?\n?\Z' */
static int
modprobe_lists_line(const char *line, size_t len, const char *name)
{
	const char	*p = line, *end = line + len;
	size_t		 nlen = strlen(name);

	while (p < end && *p == ' ')
		p++;
	if ((size_t)(end - p) < nlen || memcmp(p, name, nlen) != 0)
		return 0;
	return modprobe_tail(p + nlen, end);
}

/*
 * '^options NAME (\w+=\S+) *(?:[#;].*)?\n?\Z': the option's start and
 * length, or 0.
 */
static size_t
modprobe_option_line(const char *line, size_t len, const char *name,
    const char **opt)
{
	const char	*p = line, *end = line + len, *eq;
	size_t		 nlen = strlen(name);

	if (len < 8 || memcmp(p, "options ", 8) != 0)
		return 0;
	p += 8;
	if ((size_t)(end - p) < nlen + 1 || memcmp(p, name, nlen) != 0 ||
	    p[nlen] != ' ')
		return 0;
	p += nlen + 1;
	*opt = p;
	while (p < end && (isalnum((unsigned char)*p) || *p == '_'))
		p++;
	if (p == *opt || p >= end || *p != '=')
		return 0;
	eq = ++p;
	while (p < end && !isspace((unsigned char)*p))
		p++;
	if (p == eq || !modprobe_tail(p, end))
		return 0;
	return p - *opt;
}

int
modprobe_file_lists(const char *text, const char *name)
{
	const char	*line;
	size_t		 len;

	while (sysconf_line(&text, &line, &len, 1))
		if (modprobe_lists_line(line, len, name))
			return 1;
	return 0;
}

static int
modprobe_has(char **list, size_t n, const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strlen(list[i]) == len && memcmp(list[i], s, len) == 0)
			return 1;
	return 0;
}

void
modprobe_file_params(const char *text, const char *name, char ***list,
    size_t *n)
{
	const char	*line, *opt;
	size_t		 len, olen;

	while (sysconf_line(&text, &line, &len, 1)) {
		if ((olen = modprobe_option_line(line, len, name, &opt)) == 0 ||
		    modprobe_has(*list, *n, opt, olen))
			continue;
		*list = xreallocarray(*list, *n + 1, sizeof **list);
		(*list)[(*n)++] = xstrndup(opt, olen);
	}
}

int
modprobe_params_match(char **list, size_t n, const char *params)
{
	const char	*p = params, *w;
	size_t		 i, len, seen = 0;
	char		**words = NULL;

	while (sysconf_word(&p, &w, &len)) {
		if (!modprobe_has(list, n, w, len)) {
			strv_free(words, seen);
			return 0;
		}
		if (!modprobe_has(words, seen, w, len)) {
			words = xreallocarray(words, seen + 1, sizeof *words);
			words[seen++] = xstrndup(w, len);
		}
	}
	/* every word is in list and list has no repeats: equal if as many */
	i = seen;
	strv_free(words, seen);
	return i == n;
}

char *
modprobe_comment_out(const char *text, const char *name, int params)
{
	struct buf	 b = BUF_INIT;
	const char	*line, *opt;
	size_t		 len;
	int		 changed = 0, first = 1;

	while (sysconf_line(&text, &line, &len, 1)) {
		if (!first)
			buf_addc(&b, '\n');
		first = 0;
		if (params ? modprobe_option_line(line, len, name, &opt) != 0 :
		    modprobe_lists_line(line, len, name)) {
			buf_addc(&b, '#');
			changed = 1;
		}
		buf_add(&b, line, len);
	}
	if (!changed) {
		buf_release(&b);
		return NULL;
	}
	buf_cstr(&b);
	return buf_detach(&b, NULL);
}

char *
modprobe_options_text(const char *name, const char *params)
{
	struct buf	 b = BUF_INIT;
	const char	*p = params, *w;
	size_t		 len;
	int		 first = 1;

	while (sysconf_word(&p, &w, &len)) {
		if (!first)
			buf_addc(&b, '\n');
		first = 0;
		buf_addf(&b, "options %s %.*s", name, (int)len, w);
	}
	buf_addc(&b, '\n');
	buf_cstr(&b);
	return buf_detach(&b, NULL);
}
