/*
 * ini_file's edit of the text, ported line for line from community.general's
 * ini_file.py (do_ini) so that the same file and parameters give the same
 * bytes, changed flag and message.
 */
#include <stdlib.h>
#include <string.h>

#include "files.h"

/* A list of lines, malloc'd, each ending with "\n" but the fake ones. */
struct ini_lines {
	char	**v;
	int	 *mark;		/* changed_lines */
	size_t	  n;
	size_t	  cap;
};

/* The random section name Ansible uses for lines before any section. */
#define INI_FAKE_SECTION "ad01e11446efb704fcdbdb21f2c43757423d91c5"

static void
ini_insert(struct ini_lines *l, size_t at, char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap == 0 ? 16 : l->cap * 2;
		l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
		l->mark = xreallocarray(l->mark, l->cap, sizeof *l->mark);
	}
	memmove(l->v + at + 1, l->v + at, (l->n - at) * sizeof *l->v);
	memmove(l->mark + at + 1, l->mark + at, (l->n - at) * sizeof *l->mark);
	l->v[at] = s;
	l->mark[at] = 0;
	l->n++;
}

static void
ini_delete(struct ini_lines *l, size_t at)
{
	free(l->v[at]);
	memmove(l->v + at, l->v + at + 1, (l->n - at - 1) * sizeof *l->v);
	memmove(l->mark + at, l->mark + at + 1,
	    (l->n - at - 1) * sizeof *l->mark);
	l->n--;
}

static void
ini_release(struct ini_lines *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	free(l->mark);
	memset(l, 0, sizeof *l);
}

/*
 * Python's readlines() in text mode: BOM dropped (utf-8-sig), universal
 * newlines turned into "\n", each line keeping its newline.
 */
static void
ini_split(const char *in, size_t len, struct ini_lines *l)
{
	struct buf	 cur = BUF_INIT;
	size_t		 i = 0;

	if (len >= 3 && memcmp(in, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	for (; i < len; i++) {
		if (in[i] == '\r' || in[i] == '\n') {
			if (in[i] == '\r' && i + 1 < len && in[i + 1] == '\n')
				i++;
			buf_addc(&cur, '\n');
			ini_insert(l, l->n, buf_detach(&cur, NULL));
			continue;
		}
		buf_addc(&cur, in[i]);
	}
	if (cur.len > 0)
		ini_insert(l, l->n, buf_detach(&cur, NULL));
	buf_release(&cur);
}

/*
 * match_opt (comments allowed) or match_active_opt: the Python pattern
 * '([#;]?)( |\t)*(OPT)( |\t)*(=|$)( |\t)*(.*)' matched at the start of
 * line.  1 and the value (up to the newline) in *val and *vlen and whether a
 * comment sign led in *commented, or 0.
 */
static int
ini_match(const char *option, const char *line, int inactive,
    const char **val, size_t *vlen, int *commented)
{
	const char	*p = line;
	size_t		 olen = strlen(option);

	*commented = 0;
	if (inactive && (*p == '#' || *p == ';')) {
		p++;
		*commented = 1;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (strncmp(p, option, olen) != 0)
		return 0;
	p += olen;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '=') {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
	} else if (!(*p == '\0' || (*p == '\n' && p[1] == '\0')))
		return 0;
	*val = p;
	*vlen = strcspn(p, "\n");
	return 1;
}

/* The same, for callers that only need to know. */
static int
ini_matches(const char *option, const char *line, int inactive)
{
	const char	*v;
	size_t		 n;
	int		 c;

	return option != NULL && ini_match(option, line, inactive, &v, &n, &c);
}

static char *
ini_assign(const struct ini_spec *sp, const char *value)
{
	return xasprintf(sp->no_extra_spaces ? "%s=%s\n" : "%s = %s\n",
	    sp->option, value);
}

/* update_section_line: takes newline. */
static void
ini_update(const struct ini_spec *sp, struct ini_lines *l, size_t i,
    char *newline, int *changed, const char **msg)
{
	const char	*ov, *nv;
	size_t		 on, nn;
	int		 oc, nc, diff = -1;

	if (sp->ignore_spaces &&
	    ini_match(sp->option, l->v[i], 1, &ov, &on, &oc) && !oc &&
	    ini_match(sp->option, newline, 1, &nv, &nn, &nc))
		diff = on != nn || memcmp(ov, nv, on) != 0;
	if (diff == -1)
		diff = strcmp(l->v[i], newline) != 0;
	if (diff) {
		free(l->v[i]);
		l->v[i] = newline;
		*changed = 1;
		*msg = "option changed";
	} else
		free(newline);
	l->mark[i] = 1;
}

/* Index of a value in the remaining values, or -1. */
static ssize_t
ini_value_index(char **vals, size_t n, const char *v, size_t vlen)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strlen(vals[i]) == vlen && memcmp(vals[i], v, vlen) == 0)
			return (ssize_t)i;
	return -1;
}

static void
ini_value_remove(char **vals, size_t *n, size_t i)
{
	memmove(vals + i, vals + i + 1, (*n - i - 1) * sizeof *vals);
	(*n)--;
}

/* r'^[ \t]*([#;].*)?$': a blank or comment line. */
static int
ini_blank_or_comment(const char *line)
{
	line += strspn(line, " \t");
	return *line == '\0' || *line == '\n' || *line == '#' || *line == ';';
}

void
ini_edit(const char *in, size_t len, const struct ini_spec *sp,
    struct buf *out, int *changed, const char **msg)
{
	struct ini_lines	 all, sec, rest;
	const char		*section = sp->section, *opt = sp->option, *v;
	char			**vals = NULL, *head, *last;
	size_t			 nvals = 0, i, start = 0, end = 0, vlen;
	ssize_t			 k;
	int			 within, no_value_present = 0, c, inactive;

	*changed = 0;
	*msg = "OK";
	inactive = sp->modify_inactive_option;
	memset(&all, 0, sizeof all);
	for (i = 0; sp->values != NULL && sp->values[i] != NULL; i++) {
		if (ini_value_index(vals, nvals, sp->values[i],
		    strlen(sp->values[i])) >= 0)
			continue;
		vals = xreallocarray(vals, nvals + 1, sizeof *vals);
		vals[nvals++] = (char *)sp->values[i];
	}

	ini_split(in, len, &all);
	if (all.n == 0)
		ini_insert(&all, 0, xstrdup("\n"));
	last = all.v[all.n - 1];
	if (*last == '\0' || last[strlen(last) - 1] != '\n') {
		all.v[all.n - 1] = xasprintf("%s\n", last);
		free(last);
		*changed = 1;
	}
	ini_insert(&all, 0, xstrdup("[" INI_FAKE_SECTION "]"));
	ini_insert(&all, all.n, xstrdup("["));
	if (section == NULL || *section == '\0')
		section = INI_FAKE_SECTION;

	/* The section is lines [start, end); the first "[section]" wins. */
	head = xasprintf("[%s]", section);
	within = 0;
	for (i = 0; i < all.n; i++) {
		if (str_startswith(all.v[i], head)) {
			within = 1;
			start = i;
		} else if (all.v[i][0] == '[' && within) {
			end = i;
			break;
		}
	}
	free(head);
	/* Split into before, section and after, as Ansible's slices. */
	memset(&sec, 0, sizeof sec);
	memset(&rest, 0, sizeof rest);
	for (i = start; i < end; i++)
		ini_insert(&sec, sec.n, all.v[i]);
	for (i = end; i < all.n; i++)
		ini_insert(&rest, rest.n, all.v[i]);
	all.n = start;

	if (sp->present && opt != NULL) {
		for (i = 0; i < sec.n; i++) {
			if (!ini_match(opt, sec.v[i], inactive, &v, &vlen, &c))
				continue;
			if (nvals > 0 &&
			    (k = ini_value_index(vals, nvals, v, vlen)) >= 0) {
				char	*newline;

				if (vlen == 0 && sp->allow_no_value) {
					newline = xasprintf("%s\n", opt);
					no_value_present = 1;
				} else
					newline = ini_assign(sp, vals[k]);
				ini_update(sp, &sec, i, newline, changed, msg);
				ini_value_remove(vals, &nvals, (size_t)k);
			} else if (nvals == 0 && sp->allow_no_value) {
				ini_update(sp, &sec, i, xasprintf("%s\n", opt),
				    changed, msg);
				no_value_present = 1;
				break;
			}
		}
	}

	if (sp->present && sp->exclusive && !sp->allow_no_value &&
	    opt != NULL) {
		if (nvals > 0) {
			for (i = 0; i < sec.n; i++) {
				if (sec.mark[i] ||
				    !ini_matches(opt, sec.v[i], inactive))
					continue;
				ini_update(sp, &sec, i, ini_assign(sp, vals[0]),
				    changed, msg);
				ini_value_remove(vals, &nvals, 0);
				if (nvals == 0)
					break;
			}
		}
		/* Index 0 is the section's own line: never removed. */
		for (i = sec.n > 0 ? sec.n - 1 : 0; i > 0; i--) {
			if (sec.mark[i] || !ini_matches(opt, sec.v[i], inactive))
				continue;
			ini_delete(&sec, i);
			*changed = 1;
			*msg = "option changed";
		}
	}

	if (sp->present) {
		for (i = sec.n; i > 0; i--) {
			if (ini_blank_or_comment(sec.v[i - 1]))
				continue;
			if (opt != NULL && nvals > 0) {
				for (k = (ssize_t)nvals - 1; k >= 0; k--) {
					ini_insert(&sec, i,
					    ini_assign(sp, vals[k]));
					*msg = "option added";
					*changed = 1;
				}
			} else if (opt != NULL && nvals == 0 &&
			    sp->allow_no_value && !no_value_present) {
				ini_insert(&sec, i, xasprintf("%s\n", opt));
				*msg = "option added";
				*changed = 1;
			}
			break;
		}
	}

	if (!sp->present) {
		if (opt != NULL) {
			for (i = sec.n; i > 0; i--) {
				if (!ini_match(opt, sec.v[i - 1], 0, &v, &vlen,
				    &c))
					continue;
				if (!sp->exclusive && (nvals == 0 ||
				    ini_value_index(vals, nvals, v, vlen) < 0))
					continue;
				ini_delete(&sec, i - 1);
				*changed = 1;
				*msg = "option changed";
			}
		} else if (sec.n > 0) {
			while (sec.n > 0)
				ini_delete(&sec, sec.n - 1);
			*msg = "section removed";
			*changed = 1;
		}
	}

	/* Reassemble without the two fake lines. */
	for (i = 0; i < sec.n; i++)
		ini_insert(&all, all.n, sec.v[i]);
	for (i = 0; i < rest.n; i++)
		ini_insert(&all, all.n, rest.v[i]);
	sec.n = rest.n = 0;
	buf_reset(out);
	for (i = 1; i + 1 < all.n; i++)
		buf_adds(out, all.v[i]);
	if (!within && sp->present) {
		buf_addf(out, "[%s]\n", section);
		*msg = "section and option added";
		if (opt != NULL && nvals > 0) {
			for (i = 0; i < nvals; i++) {
				head = ini_assign(sp, vals[i]);
				buf_adds(out, head);
				free(head);
			}
		} else if (opt != NULL && nvals == 0 && sp->allow_no_value)
			buf_addf(out, "%s\n", opt);
		else
			*msg = "only section added";
		*changed = 1;
	}
	buf_cstr(out);

	ini_release(&all);
	ini_release(&sec);
	ini_release(&rest);
	free(vals);
}
