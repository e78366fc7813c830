/* Ansible's lineinfile, replace and blockinfile text algorithms, byte for byte. */
#include <stdlib.h>
#include <string.h>

#include "fileedit.h"
#include "regex.h"

/* A file as a list of lines, each with its line ending. */
struct fe_line {
	char	*s;
	size_t	 len;
};
struct fe_lines {
	struct fe_line	*v;
	size_t		 n;
	size_t		 cap;
};

static void
fe_insert(struct fe_lines *l, size_t at, const char *s, size_t len)
{
	if (l->n == l->cap) {
		l->cap = l->cap == 0 ? 16 : l->cap * 2;
		l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	if (at > l->n)
		at = l->n;
	memmove(l->v + at + 1, l->v + at, (l->n - at) * sizeof *l->v);
	l->v[at].s = xmalloc(len + 1);
	memcpy(l->v[at].s, s, len);
	l->v[at].s[len] = '\0';
	l->v[at].len = len;
	l->n++;
}

static void
fe_inserts(struct fe_lines *l, size_t at, const char *s)
{
	fe_insert(l, at, s, strlen(s));
}

static void
fe_delete(struct fe_lines *l, size_t from, size_t to)
{
	size_t	i;

	if (l->v == NULL)
		return;
	for (i = from; i < to; i++)
		free(l->v[i].s);
	memmove(l->v + from, l->v + to, (l->n - to) * sizeof *l->v);
	l->n -= to - from;
}

static void
fe_free(struct fe_lines *l)
{
	fe_delete(l, 0, l->n);
	free(l->v);
}

/* Appends "\n" to line i. */
static void
fe_addnl(struct fe_lines *l, size_t i)
{
	l->v[i].s = xrealloc(l->v[i].s, l->v[i].len + 2);
	l->v[i].s[l->v[i].len++] = '\n';
	l->v[i].s[l->v[i].len] = '\0';
}

/* bytes.readlines(): split after each \n. */
static void
fe_readlines(const char *s, size_t len, struct fe_lines *l)
{
	const char	*nl;
	size_t		 at = 0;

	while (at < len) {
		nl = memchr(s + at, '\n', len - at);
		if (nl == NULL) {
			fe_insert(l, l->n, s + at, len - at);
			break;
		}
		fe_insert(l, l->n, s + at, nl + 1 - (s + at));
		at = nl + 1 - s;
	}
}

/* bytes.splitlines(True): split after \n, \r\n or a lone \r. */
static void
fe_splitlines(const char *s, size_t len, struct fe_lines *l)
{
	size_t	at = 0, i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
			i++;
		else if (s[i] != '\n' && s[i] != '\r')
			continue;
		fe_insert(l, l->n, s + at, i + 1 - at);
		at = i + 1;
	}
	if (at < len)
		fe_insert(l, l->n, s + at, len - at);
}

static void
fe_join(const struct fe_lines *l, struct buf *out)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		buf_add(out, l->v[i].s, l->v[i].len);
	buf_cstr(out);
}

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
fe_streq(const char *a, const char *b)
{
	return a != NULL && strcmp(a, b) == 0;
}

static int
fe_contains(const struct fe_line *cur, const char *needle)
{
	return memmem(cur->s, cur->len, needle, strlen(needle)) != NULL;
}

/* 1 if regex re matches line, 0 if not, -1 on error. */
static int
fe_search(const struct regex *re, const struct fe_line *cur, char **cause)
{
	struct regex_match	m = REGEX_MATCH_INIT;
	int			r;

	r = regex_search(re, cur->s, cur->len, 0, &m, cause);
	regex_match_release(&m);
	return r;
}

/* Inserts line + "\n" at at. */
static void
fe_insert_line(struct fe_lines *l, size_t at, const char *line)
{
	char	*s = xasprintf("%s\n", line);

	fe_inserts(l, at, s);
	free(s);
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
	} else if (sp->backrefs) {
		/* Not safe to build the line without the backreferences. */
	} else if (fe_streq(ib, "BOF") || fe_streq(ia, "BOF")) {
		fe_insert_line(&l, 0, line);
		*msg = "line added";
		*changed = 1;
	} else if (fe_streq(ia, "EOF") || idx1 == -1) {
		if (l.n > 0 && l.v[l.n - 1].len > 0 &&
		    l.v[l.n - 1].s[l.v[l.n - 1].len - 1] != '\n' &&
		    l.v[l.n - 1].s[l.v[l.n - 1].len - 1] != '\r')
			fe_inserts(&l, l.n, "\n");
		fe_insert_line(&l, l.n, line);
		*msg = "line added";
		*changed = 1;
	} else if (ia != NULL && *ia != '\0' && idx1 != -1) {
		if ((size_t)idx1 == l.n) {
			if (!fe_same_stripped(line, &l.v[idx1 - 1])) {
				fe_insert_line(&l, l.n, line);
				*msg = "line added";
				*changed = 1;
			}
		} else if (!fe_same_stripped(line, &l.v[idx1])) {
			fe_insert_line(&l, idx1, line);
			*msg = "line added";
			*changed = 1;
		}
	} else {
		fe_insert_line(&l, idx1, line);
		*msg = "line added";
		*changed = 1;
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
		s0 = m.start[g];
		s1 = m.end[g];
	}
	if ((mre = regex_compile(regexp, REGEX_MULTILINE | REGEX_UNICODE,
	    cause)) == NULL)
		goto out;
	/* The section alone is the subject: ^ matches at its start. */
	{
		char	*section = xstrndup(in + s0, s1 - s0);

		g = regex_subn(mre, section, s1 - s0, repl, &res, &count,
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

/* re.sub(b'{mark}', mark, marker) + b'\n' */
static char *
fe_marker(const char *marker, const char *mark, char **cause)
{
	struct regex	*re;
	struct buf	 b = BUF_INIT;
	size_t		 n;

	re = regex_compile("\\{mark\\}", 0, cause);
	if (regex_subn(re, marker, strlen(marker), mark, &b, &n, cause) != 0) {
		regex_free(re);
		buf_release(&b);
		return NULL;
	}
	regex_free(re);
	buf_addc(&b, '\n');
	return buf_detach(&b, NULL);
}

static int
fe_line_is(const struct fe_line *cur, const char *s)
{
	return cur->len == strlen(s) && memcmp(cur->s, s, cur->len) == 0;
}

/*
 * Python's to_native(original).count('\n', 0, end) with end a byte offset:
 * the newlines among the first end characters of the decoded text.
 */
static long
fe_count_nl(const char *s, size_t len, size_t end)
{
	size_t	i, chars = 0;
	long	n = 0;

	for (i = 0; i < len; i++) {
		if (((unsigned char)s[i] & 0xc0) == 0x80)
			continue;
		if (chars++ >= end)
			break;
		if (s[i] == '\n')
			n++;
	}
	return n;
}

/* Where the block goes when its markers are not both in the file. */
static int
fe_block_where(const char *in, size_t len, int exists,
    const struct blockinfile_spec *sp, const struct fe_lines *l,
    const char *ia, const char *ib, long *n0, char **cause)
{
	struct regex		*re = NULL;
	struct regex_match	 m = REGEX_MATCH_INIT;
	const char		*pat = NULL;
	size_t			 i;
	int			 s;

	(void)sp;
	if (ia != NULL && !fe_streq(ia, "EOF"))
		pat = ia;
	else if (ib != NULL && !fe_streq(ib, "BOF"))
		pat = ib;
	if (pat == NULL) {
		*n0 = ib != NULL ? 0 : (long)l->n;
		return 0;
	}
	if ((re = regex_compile(pat, 0, cause)) == NULL)
		return -1;
	*n0 = -1;
	if (regex_inline_flag(pat, 'm')) {
		s = exists ? regex_search(re, in, len, 0, &m, cause) : 0;
		if (s < 0)
			goto fail;
		if (s == 1 && ia != NULL && *ia != '\0')
			*n0 = fe_count_nl(in, len, m.end[0]);
		else if (s == 1 && ib != NULL && *ib != '\0')
			*n0 = fe_count_nl(in, len, m.start[0]);
	} else {
		for (i = 0; i < l->n; i++) {
			if ((s = fe_search(re, &l->v[i], cause)) < 0)
				goto fail;
			if (s == 1)
				*n0 = (long)i;
		}
	}
	if (*n0 == -1)
		*n0 = (long)l->n;
	else if (ia != NULL)
		(*n0)++;
	if (*n0 > (long)l->n)
		*n0 = (long)l->n;
	regex_match_release(&m);
	regex_free(re);
	return 0;
fail:
	regex_match_release(&m);
	regex_free(re);
	return -1;
}

int
fileedit_block(const char *in, size_t len, int exists,
    const struct blockinfile_spec *sp, struct buf *out, int *changed,
    const char **msg, char **cause)
{
	struct fe_lines	 l = { NULL, 0, 0 }, bl = { NULL, 0, 0 };
	const char	*ia = sp->insertafter, *ib = sp->insertbefore;
	char		*m0 = NULL, *m1 = NULL, *blk;
	long		 n0 = -1, n1 = -1, after;
	size_t		 i;
	int		 r = -1;

	*changed = 0;
	*msg = "";
	if (exists)
		fe_splitlines(in, len, &l);
	if (ia == NULL && ib == NULL)
		ia = "EOF";
	if ((m0 = fe_marker(sp->marker, sp->marker_begin, cause)) == NULL ||
	    (m1 = fe_marker(sp->marker, sp->marker_end, cause)) == NULL)
		goto out;
	if (sp->present && sp->block != NULL && *sp->block != '\0') {
		blk = xasprintf("%s%s", sp->block,
		    str_endswith(sp->block, "\n") ? "" : "\n");
		fe_inserts(&bl, 0, m0);
		fe_splitlines(blk, strlen(blk), &bl);
		fe_inserts(&bl, bl.n, m1);
		free(blk);
	}
	for (i = 0; i < l.n; i++) {
		if (fe_line_is(&l.v[i], m0))
			n0 = (long)i;
		if (fe_line_is(&l.v[i], m1))
			n1 = (long)i;
	}
	if (n0 == -1 || n1 == -1) {
		if (fe_block_where(in, len, exists, sp, &l, ia, ib, &n0,
		    cause) != 0)
			goto out;
	} else if (n0 < n1)
		fe_delete(&l, n0, n1 + 1);
	else {
		fe_delete(&l, n1, n0 + 1);
		n0 = n1;
	}
	if (n0 > 0 && !(l.v[n0 - 1].len > 0 &&
	    l.v[n0 - 1].s[l.v[n0 - 1].len - 1] == '\n'))
		fe_addnl(&l, n0 - 1);
	if (sp->prepend_newline && sp->present) {
		if (n0 != 0 && !fe_line_is(&l.v[n0 - 1], "\n")) {
			fe_inserts(&l, n0, "\n");
			n0++;
		}
	}
	for (i = 0; i < bl.n; i++)
		fe_insert(&l, n0 + i, bl.v[i].s, bl.v[i].len);
	if (sp->append_newline && sp->present) {
		after = n0 + (long)bl.n;
		if (after < (long)l.n && !fe_line_is(&l.v[after], "\n"))
			fe_inserts(&l, after, "\n");
	}
	fe_join(&l, out);
	if (exists && out->len == len && memcmp(buf_cstr(out), in, len) == 0)
		*msg = "";
	else if (!exists)
		*msg = "File created";
	else if (bl.n == 0)
		*msg = "Block removed";
	else
		*msg = "Block inserted";
	*changed = **msg != '\0';
	r = 0;
out:
	free(m0);
	free(m1);
	fe_free(&l);
	fe_free(&bl);
	return r;
}
