/* Ansible's lineinfile and replace text algorithms, byte for byte. */
#include <stdlib.h>
#include <string.h>

#include "fileedit-internal.h"
#include "fileedit.h"
#include "regex.h"

/* line == cur.rstrip(b'\r\n') */
static int
fe_same_stripped(const char *line, const struct fe_line *cur)
{
	size_t	n = cur->len;

	while (n > 0 && (cur->s[n - 1] == '\r' || cur->s[n - 1] == '\n'))
		n--;
	return strlen(line) == n && memcmp(line, cur->s, n) == 0;
}

static int
fe_contains(const struct fe_line *cur, const char *needle)
{
	return memmem(cur->s, cur->len, needle, strlen(needle)) != NULL;
}

/* Inserts line + "\n" at at. */
static void
fe_insert_line(struct fe_lines *l, size_t at, const char *line)
{
	char	*s = xasprintf("%s\n", line);

	fe_inserts(l, at, s);
	free(s);
}

/*
 * No line matched: line goes at BOF, at EOF, or after / before the line
 * insertafter / insertbefore matched (idx1, -1 for none), unless it is
 * there already.
 */
static void
fe_line_insert(struct fe_lines *l, const char *ia, const char *ib,
    long idx1, const char *line, const char **msg, int *changed)
{
	const struct fe_line	*last = l->n > 0 ? &l->v[l->n - 1] : NULL;

	if (fe_streq(ib, "BOF") || fe_streq(ia, "BOF"))
		fe_insert_line(l, 0, line);
	else if (fe_streq(ia, "EOF") || idx1 == -1) {
		if (last != NULL && last->len > 0 &&
		    last->s[last->len - 1] != '\n' &&
		    last->s[last->len - 1] != '\r')
			fe_inserts(l, l->n, "\n");
		fe_insert_line(l, l->n, line);
	} else if (ia != NULL && *ia != '\0') {
		if ((size_t)idx1 == l->n) {
			if (fe_same_stripped(line, &l->v[idx1 - 1]))
				return;
			fe_insert_line(l, l->n, line);
		} else {
			if (fe_same_stripped(line, &l->v[idx1]))
				return;
			fe_insert_line(l, idx1, line);
		}
	} else
		fe_insert_line(l, idx1, line);
	*msg = "line added";
	*changed = 1;
}

int
fileedit_line_present(const char *in, size_t len,
    const struct lineinfile_spec *sp, struct buf *out, int *changed,
    const char **msg, char **cause)
{
	struct fe_lines		 l = { NULL, 0, 0 };
	struct regex		*re_m = NULL, *re_ins = NULL;
	struct regex_match	 match = REGEX_MATCH_INIT;
	struct buf		 nl = BUF_INIT;
	const char		*ia = sp->insertafter, *ib = sp->insertbefore;
	const char		*line = sp->line;
	long			 idx0 = -1, idx1 = -1;
	size_t			 i;
	int			 matched = 0, r = -1, s;

	*changed = 0;
	*msg = "";
	if (ia == NULL && ib == NULL)
		ia = "EOF";
	fe_readlines(in, len, &l);
	if (sp->regexp != NULL &&
	    (re_m = regex_compile(sp->regexp, 0, cause)) == NULL)
		goto out;
	if (ia != NULL && !fe_streq(ia, "BOF") && !fe_streq(ia, "EOF")) {
		if ((re_ins = regex_compile(ia, 0, cause)) == NULL)
			goto out;
	} else if (ib != NULL && !fe_streq(ib, "BOF")) {
		if ((re_ins = regex_compile(ib, 0, cause)) == NULL)
			goto out;
	}

	/* A line matching regexp or search_string is replaced... */
	for (i = 0; re_m != NULL && i < l.n; i++) {
		s = regex_search(re_m, l.v[i].s, l.v[i].len, 0, &match, cause);
		if (s < 0)
			goto out;
		if (s == 1) {
			idx0 = (long)i;
			matched = 1;
			if (sp->firstmatch)
				break;
		}
	}
	for (i = 0; sp->search_string != NULL && i < l.n; i++) {
		if (fe_contains(&l.v[i], sp->search_string)) {
			idx0 = (long)i;
			matched = 1;
			if (sp->firstmatch)
				break;
		}
	}
	/* ...else the exact line, or where insertafter/insertbefore say. */
	for (i = 0; !matched && i < l.n; i++) {
		if (fe_same_stripped(line, &l.v[i]))
			idx0 = (long)i;
		else if (re_ins != NULL) {
			if ((s = fe_search(re_ins, &l.v[i], cause)) < 0)
				goto out;
			if (s == 0)
				continue;
			if (ia != NULL && *ia != '\0') {
				idx1 = (long)i + 1;
				if (sp->firstmatch)
					break;
			}
			if (ib != NULL && *ib != '\0') {
				idx1 = (long)i;
				if (sp->firstmatch)
					break;
			}
		}
	}

	if (idx0 != -1) {
		/*
		 * Ansible's branch for "no regexp, no search_string, no exact
		 * match" cannot be reached here: idx0 is only set by those.
		 */
		if (sp->backrefs && matched && re_m != NULL) {
			if (regex_expand(re_m, l.v[idx0].s, &match, line, &nl,
			    cause) != 0)
				goto out;
		} else
			buf_adds(&nl, line);
		if (nl.len == 0 || nl.s[nl.len - 1] != '\n')
			buf_addc(&nl, '\n');
		if (l.v[idx0].len != nl.len ||
		    memcmp(l.v[idx0].s, nl.s, nl.len) != 0) {
			fe_delete(&l, idx0, idx0 + 1);
			fe_insert(&l, idx0, nl.s, nl.len);
			*msg = "line replaced";
			*changed = 1;
		}
	} else if (!sp->backrefs) {
		/* With backrefs it is not safe to build the line without them. */
		fe_line_insert(&l, ia, ib, idx1, line, msg, changed);
	}
	fe_join(&l, out);
	r = 0;
out:
	regex_match_release(&match);
	regex_free(re_m);
	regex_free(re_ins);
	buf_release(&nl);
	fe_free(&l);
	return r;
}

int
fileedit_line_absent(const char *in, size_t len,
    const struct lineinfile_spec *sp, struct buf *out, size_t *found,
    char **cause)
{
	struct fe_lines	 l = { NULL, 0, 0 };
	struct regex	*re = NULL;
	size_t		 i;
	int		 m, r = -1;

	*found = 0;
	fe_readlines(in, len, &l);
	if (sp->regexp != NULL &&
	    (re = regex_compile(sp->regexp, 0, cause)) == NULL)
		goto out;
	for (i = 0; i < l.n; i++) {
		if (re != NULL) {
			if ((m = fe_search(re, &l.v[i], cause)) < 0)
				goto out;
		} else if (sp->search_string != NULL)
			m = fe_contains(&l.v[i], sp->search_string);
		else
			m = fe_same_stripped(sp->line != NULL ? sp->line :
			    "None", &l.v[i]);
		if (m)
			(*found)++;
		else
			buf_add(out, l.v[i].s, l.v[i].len);
	}
	buf_cstr(out);
	r = 0;
out:
	regex_free(re);
	fe_free(&l);
	return r;
}

int
fileedit_replace(const char *in, size_t len, const char *regexp,
    const char *repl, const char *after, const char *before,
    struct buf *out, int *changed, char **msg, char **cause)
{
	struct regex		*sre = NULL, *mre = NULL;
	struct regex_match	 m = REGEX_MATCH_INIT;
	struct buf		 res = BUF_INIT;
	char			*pattern = NULL;
	size_t			 s0 = 0, s1 = len, count;
	int			 g, r = -1;

	*changed = 0;
	*msg = NULL;
	if (after != NULL && *after != '\0' && before != NULL &&
	    *before != '\0')
		pattern = xasprintf("%s(?P<subsection>.*?)%s", after, before);
	else if (after != NULL && *after != '\0')
		pattern = xasprintf("%s(?P<subsection>.*)", after);
	else if (before != NULL && *before != '\0')
		pattern = xasprintf("(?P<subsection>.*)%s", before);
	if (pattern != NULL) {
		sre = regex_compile(pattern, REGEX_DOTALL | REGEX_UNICODE,
		    cause);
		if (sre == NULL)
			goto out;
		if ((g = regex_search(sre, in, len, 0, &m, cause)) < 0)
			goto out;
		if (g == 0) {
			*msg = xasprintf("Pattern for before/after params did "
			    "not match the given file: %s", pattern);
			buf_add(out, in, len);
			buf_cstr(out);
			r = 0;
			goto out;
		}
		g = regex_group_index(sre, "subsection");
		if (g < 0) {
			/* after: '[' swallows the group into a class. */
			*cause = xasprintf("the before/after pattern has no "
			    "section (an unclosed bracket in after or "
			    "before?): %s", pattern);
			goto out;
		}
		if (m.start[g] == REGEX_UNSET) {
			/*
			 * A top-level | in after/before can match without
			 * the section (Ansible then fails with a TypeError).
			 */
			*cause = xasprintf("the before/after pattern matched "
			    "without its section (is there a top-level '|' "
			    "in after or before?): %s", pattern);
			goto out;
		}
		s0 = m.start[g];
		s1 = m.end[g];
	}
	if ((mre = regex_compile(regexp, REGEX_MULTILINE | REGEX_UNICODE,
	    cause)) == NULL)
		goto out;
	/* The section alone is the subject: ^ matches at its start. */
	{
		char	*section = xstrndup(in + s0, s1 - s0);

		g = regex_subn(mre, section, s1 - s0, repl, 0, &res, &count,
		    cause);
		free(section);
		if (g != 0) {
			char	*c = *cause;

			*cause = xasprintf("Unable to process replace due to "
			    "error: %s", c);
			free(c);
			goto out;
		}
	}
	if (count > 0 && (res.len != s1 - s0 ||
	    memcmp(res.s, in + s0, res.len) != 0)) {
		buf_add(out, in, s0);
		buf_add(out, res.s, res.len);
		buf_add(out, in + s1, len - s1);
		*msg = xasprintf("%zu replacements made", count);
		*changed = 1;
	} else {
		buf_add(out, in, len);
		*msg = xstrdup("");
	}
	buf_cstr(out);
	r = 0;
out:
	regex_match_release(&m);
	regex_free(sre);
	regex_free(mre);
	buf_release(&res);
	free(pattern);
	return r;
}
