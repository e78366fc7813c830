/* Ansible's blockinfile text algorithm, byte for byte: markers, where the block goes, the edit. */
#include <stdlib.h>
#include <string.h>

#include "fileedit-internal.h"
#include "fileedit.h"
#include "regex.h"

/* re.sub(b'{mark}', mark, marker) + b'\n' */
static char *
fe_marker(const char *marker, const char *mark, char **cause)
{
	struct regex	*re;
	struct buf	 b = BUF_INIT;
	size_t		 n;

	re = regex_compile("\\{mark\\}", 0, cause);
	if (regex_subn(re, marker, strlen(marker), mark, 0, &b, &n,
	    cause) != 0) {
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
