/*
 * Text layout filters: center, comment, truncate, wordwrap, wordcount,
 * striptags and pprint, each as Jinja2's or Ansible's Python gives it.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr-internal.h"

/* Characters (UTF-8 code points) of s[0..len). */
static size_t
u8_len(const char *s, size_t len)
{
	size_t	i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/* The byte offset of character n of s[0..len) (len if past the end). */
static size_t
u8_off(const char *s, size_t len, size_t n)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80 && n-- == 0)
			return i;
	}
	return len;
}

static int
need_str(struct value *in, char **s, size_t *len)
{
	if (in->type == V_STR) {
		*s = xstrndup(in->u.str.s, in->u.str.len);
		*len = in->u.str.len;
	} else {
		*s = expr_str_of(in);
		*len = strlen(*s);
	}
	return 0;
}

/* center(width=80): Python's str.center, the odd blank on the right... */
static int
f_center(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct buf	 b = BUF_INIT;
	long long	 width, marg, left, i;
	char		*s;
	size_t		 len, n;

	if (expr_arg_int(a, 0, "width", 80, &width, cause) != 0)
		return -1;
	need_str(in, &s, &len);
	n = u8_len(s, len);
	if ((long long)n >= width) {
		*out = value_str_take(s);
		return 0;
	}
	/* ...unless CPython's "marg & width & 1" says left */
	marg = width - (long long)n;
	left = marg / 2 + (marg & width & 1);
	for (i = 0; i < left; i++)
		buf_addc(&b, ' ');
	buf_add(&b, s, len);
	for (i = 0; i < marg - left; i++)
		buf_addc(&b, ' ');
	free(s);
	*out = expr_str_buf(&b);
	return 0;
}

/* Python's str.replace(old, new) into b. */
static void
replace_all(struct buf *b, const char *s, const char *old, const char *new)
{
	const char	*p;
	size_t		 ol = strlen(old);

	if (ol == 0) {
		buf_adds(b, s);
		return;
	}
	while ((p = strstr(s, old)) != NULL) {
		buf_add(b, s, (size_t)(p - s));
		buf_adds(b, new);
		s = p + ol;
	}
	buf_adds(b, s);
}

static char *
rstrip_dup(const char *s)
{
	size_t	l = strlen(s);

	while (l > 0 && isspace((unsigned char)s[l - 1]))
		l--;
	return xstrndup(s, l);
}

/* comment(style='plain', decoration=, prefix=, ...): Ansible's comment. */
static int
f_comment(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	static const struct {
		const char	*style, *beginning, *decoration, *end;
	} styles[] = {
		{ "plain", "", "# ", "" },
		{ "erlang", "", "% ", "" },
		{ "c", "", "// ", "" },
		{ "cblock", "/*", " * ", " */" },
		{ "xml", "<!--", " - ", "-->" },
	};
	const char	*style = expr_arg_str(a, 0, "style", "plain");
	const char	*nl, *beg, *deco, *end, *prefix, *postfix;
	struct buf	 b = BUF_INIT, t = BUF_INIT, from = BUF_INIT,
			 to = BUF_INIT;
	char		*text, *pp, *dr;
	long long	 pc, sc, i;
	size_t		 k, len;

	for (k = 0; k < ARRAY_SIZE(styles); k++)
		if (strcmp(styles[k].style, style) == 0)
			break;
	if (k == ARRAY_SIZE(styles))
		return expr_fail(cause, "comment: unknown style '%s'", style);
	if (expr_arg_int(a, 99, "prefix_count", 1, &pc, cause) != 0 ||
	    expr_arg_int(a, 99, "postfix_count", 1, &sc, cause) != 0)
		return -1;
	nl = expr_arg_str(a, 99, "newline", "\n");
	deco = expr_arg_str(a, 99, "decoration", styles[k].decoration);
	beg = expr_arg_str(a, 99, "beginning", styles[k].beginning);
	end = expr_arg_str(a, 99, "end", styles[k].end);
	pp = rstrip_dup(deco);
	prefix = expr_arg_str(a, 99, "prefix", pp);
	postfix = expr_arg_str(a, 99, "postfix", pp);
	need_str(in, &text, &len);
	if (*beg != '\0')
		buf_addf(&b, "%s%s", beg, nl);
	if (*prefix != '\0') {
		for (i = 0; i < pc; i++) {
			if (strcmp(prefix, nl) != 0)
				buf_adds(&b, prefix);
			buf_adds(&b, nl);
		}
	}
	/* each line decorated, a decoration alone on its line rstripped */
	buf_adds(&t, deco);
	buf_addf(&from, "%s%s", nl, deco);
	replace_all(&t, text, nl, buf_cstr(&from));
	buf_reset(&from);
	buf_addf(&from, "%s%s", deco, nl);
	dr = rstrip_dup(deco);
	buf_addf(&to, "%s%s", dr, nl);
	replace_all(&b, buf_cstr(&t), buf_cstr(&from), buf_cstr(&to));
	for (i = 0; i < sc; i++)
		buf_addf(&b, "%s%s", nl, postfix);
	if (*end != '\0')
		buf_addf(&b, "%s%s", nl, end);
	free(dr);
	free(pp);
	free(text);
	buf_release(&t);
	buf_release(&from);
	buf_release(&to);
	*out = expr_str_buf(&b);
	return 0;
}

/* truncate(length=255, killwords=False, end='...', leeway=5): Jinja2's. */
static int
f_truncate(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	const char	*end = expr_arg_str(a, 2, "end", "...");
	struct buf	 b = BUF_INIT;
	long long	 length, leeway;
	size_t		 len, cut, el = u8_len(end, strlen(end)), sp;
	char		*s;

	if (expr_arg_int(a, 0, "length", 255, &length, cause) != 0 ||
	    expr_arg_int(a, 3, "leeway", 5, &leeway, cause) != 0)
		return -1;
	if (length < (long long)el)
		return expr_fail(cause, "expected length >= %zu, got %lld", el,
		    length);
	if (leeway < 0)
		return expr_fail(cause, "expected leeway >= 0, got %lld",
		    leeway);
	need_str(in, &s, &len);
	if ((long long)u8_len(s, len) <= length + leeway) {
		*out = value_str_take(s);
		return 0;
	}
	cut = u8_off(s, len, (size_t)length - el);
	if (!expr_arg_bool(a, 1, "killwords", 0)) {
		/* s[:cut].rsplit(" ", 1)[0] */
		for (sp = cut; sp > 0 && s[sp - 1] != ' '; sp--)
			;
		if (sp > 0)
			cut = sp - 1;
	}
	buf_add(&b, s, cut);
	buf_adds(&b, end);
	free(s);
	*out = expr_str_buf(&b);
	return 0;
}

/* Python's \w for one byte: ASCII word characters and any non-ASCII. */
static int
is_word(unsigned char c)
{
	return isalnum(c) || c == '_' || c >= 0x80;
}

static int
f_wordcount(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	char		*s;
	size_t		 len, i;
	long long	 n = 0;

	need_str(in, &s, &len);
	for (i = 0; i < len; i++)
		if (is_word((unsigned char)s[i]) && (i == 0 ||
		    !is_word((unsigned char)s[i - 1])))
			n++;
	free(s);
	*out = value_int(n);
	return 0;
}

/* Python's str.isspace for one ASCII byte. */
static int
py_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	    c == '\f' || c == '\x1c' || c == '\x1d' || c == '\x1e' ||
	    c == '\x1f';
}

static int
is_letter(unsigned char c)
{
	return isalpha(c) || c >= 0x80;
}

/* The start of the character before byte i (i > 0). */
static size_t
u8_prev(const char *s, size_t i)
{
	do
		i--;
	while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80);
	return i;
}

/* The byte after the character at i. */
static size_t
u8_next(const char *s, size_t len, size_t i)
{
	for (i++; i < len && ((unsigned char)s[i] & 0xc0) == 0x80; i++)
		;
	return i;
}

#define LT(k)	(is_letter((unsigned char)s[k]))

/*
 * textwrap's wordsep_re: a word may end after s[i - 1] == '-' if two
 * letters ("ab-") or letter, hyphen, letter ("a-b-") come before and a
 * letter, maybe a hyphen, and a letter after (characters, not bytes).
 */
static int
hyphen_break(const char *s, size_t len, size_t i)
{
	size_t	p2, p3, p4, n1, n2;

	if (s[i - 1] != '-' || i >= len || !LT(i) || i < 3)
		return 0;
	n1 = u8_next(s, len, i);
	if (n1 >= len)
		return 0;
	if (!LT(n1)) {
		if (s[n1] != '-' || (n2 = n1 + 1) >= len || !LT(n2))
			return 0;
	}
	p2 = u8_prev(s, i - 1);
	if (!LT(p2) || p2 == 0)
		return 0;
	p3 = u8_prev(s, p2);
	if (LT(p3))
		return 1;
	if (s[p3] != '-' || p3 == 0)
		return 0;
	p4 = u8_prev(s, p3);
	return LT(p4);
}
#undef LT

/* Python's \w, and wordsep_re's word punctuation [\w!"'&.,?]. */
static int	is_word(unsigned char);

static int
is_wp(unsigned char c)
{
	return is_word(c) || strchr("!\"'&.,?", c) != NULL;
}

/* An em-dash ("--" or longer) at s[i] between words: its length, or 0. */
static size_t
em_dash(const char *s, size_t len, size_t i)
{
	size_t	k;

	if (i == 0 || i + 1 >= len || s[i] != '-' || s[i + 1] != '-' ||
	    !is_wp((unsigned char)s[i - 1]))
		return 0;
	for (k = i; k < len && s[k] == '-'; k++)
		;
	return k < len && is_word((unsigned char)s[k]) ? k - i : 0;
}

/*
 * textwrap's chunks of a line: runs of blanks and words, a word also
 * split after a hyphen between letters ("well-known") if hyphens.
 */
static size_t
wrap_chunks(const char *s, size_t len, int hyphens, size_t **offs)
{
	size_t	i = 0, n = 0, k;

	*offs = xcalloc(len + 2, sizeof **offs);
	while (i < len) {
		(*offs)[n++] = i;
		if (py_space(s[i])) {
			while (i < len && py_space(s[i]))
				i++;
			continue;
		}
		if (hyphens && (k = em_dash(s, len, i)) > 0) {
			i += k;
			continue;
		}
		while (i < len && !py_space(s[i])) {
			i++;
			if (hyphens && (hyphen_break(s, len, i) ||
			    em_dash(s, len, i) > 0))
				break;
		}
	}
	(*offs)[n] = len;
	return n;
}

static int
blank_chunk(const char *s, size_t from, size_t to)
{
	for (; from < to; from++)
		if (!py_space(s[from]))
			return 0;
	return 1;
}

static int
blank_str(const char *s)
{
	return blank_chunk(s, 0, strlen(s));
}

/* One line through Python's textwrap.wrap (no tab expansion), exactly. */
static void
wrap_line(struct buf *b, const char *s, size_t len, size_t width, int longw,
    int hyphens, const char *sep, int *first)
{
	size_t	*offs, n, c, cur, space, k, l, end, h, ncur;
	char	**chunks, **line;
	int	 lines = 0;

	n = wrap_chunks(s, len, hyphens, &offs);
	chunks = xcalloc(n + 1, sizeof *chunks);
	for (c = 0; c < n; c++)
		chunks[c] = xstrndup(s + offs[c], offs[c + 1] - offs[c]);
	free(offs);
	/* the pieces of the line being made (borrowed or owned) */
	line = xcalloc(2 * n + 2, sizeof *line);
	c = 0;
	while (c < n) {
		ncur = 0;
		cur = 0;
		if (blank_str(chunks[c]) && lines > 0)
			c++;
		while (c < n && cur + (l = u8_len(chunks[c],
		    strlen(chunks[c]))) <= width) {
			line[ncur++] = xstrdup(chunks[c++]);
			cur += l;
		}
		if (c < n && u8_len(chunks[c], strlen(chunks[c])) > width) {
			space = width - cur;
			if (longw) {
				l = strlen(chunks[c]);
				end = u8_off(chunks[c], l, space);
				/* 3.11: at the last hyphen that fits */
				if (hyphens && u8_len(chunks[c], l) > space) {
					for (h = end; h > 0 &&
					    chunks[c][h - 1] != '-'; h--)
						;
					if (h > 1 && strspn(chunks[c], "-") <
					    h - 1)
						end = h;
				}
				line[ncur++] = xstrndup(chunks[c], end);
				memmove(chunks[c], chunks[c] + end, l - end + 1);
			} else if (ncur == 0)
				line[ncur++] = xstrdup(chunks[c++]);
		}
		if (ncur > 0 && blank_str(line[ncur - 1]))
			free(line[--ncur]);
		if (ncur > 0) {
			if (!*first)
				buf_adds(b, sep);
			*first = 0;
			for (k = 0; k < ncur; k++)
				buf_adds(b, line[k]);
			lines++;
		}
		for (k = 0; k < ncur; k++)
			free(line[k]);
	}
	free(line);
	for (c = 0; c < n; c++)
		free(chunks[c]);
	free(chunks);
}

/*
 * wordwrap(width=79, break_long_words=True, wrapstring='\n',
 * break_on_hyphens=True): each line through textwrap, joined.
 */
static int
f_wordwrap(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	const char	*sep = expr_arg_str(a, 2, "wrapstring", "\n");
	struct buf	 b = BUF_INIT;
	long long	 width;
	char		*s;
	size_t		 len, i, j;
	int		 first = 1, longw, hyph;

	if (expr_arg_int(a, 0, "width", 79, &width, cause) != 0)
		return -1;
	if (width <= 0)
		return expr_fail(cause, "invalid width %lld (must be > 0)",
		    width);
	longw = expr_arg_bool(a, 1, "break_long_words", 1);
	hyph = expr_arg_bool(a, 3, "break_on_hyphens", 1);
	need_str(in, &s, &len);
	for (i = 0; i < len; i = j + 1) {
		for (j = i; j < len && s[j] != '\n' && s[j] != '\r'; j++)
			;
		/* splitlines: a line that wraps to nothing still joins */
		if (i > 0)
			buf_adds(&b, sep);
		first = 1;
		wrap_line(&b, s + i, j - i, (size_t)width, longw, hyph, sep,
		    &first);
		if (j < len && s[j] == '\r' && j + 1 < len && s[j + 1] == '\n')
			j++;
	}
	free(s);
	*out = expr_str_buf(&b);
	return 0;
}

/* The few HTML entities markupsafe's unescape meets in practice. */
static size_t
html_entity(const char *s, struct buf *b)
{
	static const struct {
		const char	*name;
		const char	*text;
	} ents[] = {
		{ "amp;", "&" }, { "lt;", "<" }, { "gt;", ">" },
		{ "quot;", "\"" }, { "apos;", "'" }, { "nbsp;", "\xc2\xa0" },
	};
	unsigned long	 cp;
	char		*end;
	size_t		 k;

	if (s[1] == '#') {
		cp = s[2] == 'x' || s[2] == 'X' ? strtoul(s + 3, &end, 16) :
		    strtoul(s + 2, &end, 10);
		if (end == s + 2 || end == s + 3 || *end != ';' || cp == 0 ||
		    cp > 0x10ffff)
			return 0;
		if (cp < 0x80)
			buf_addc(b, (char)cp);
		else if (cp < 0x800) {
			buf_addc(b, (char)(0xc0 | cp >> 6));
			buf_addc(b, (char)(0x80 | (cp & 0x3f)));
		} else if (cp < 0x10000) {
			buf_addc(b, (char)(0xe0 | cp >> 12));
			buf_addc(b, (char)(0x80 | (cp >> 6 & 0x3f)));
			buf_addc(b, (char)(0x80 | (cp & 0x3f)));
		} else {
			buf_addc(b, (char)(0xf0 | cp >> 18));
			buf_addc(b, (char)(0x80 | (cp >> 12 & 0x3f)));
			buf_addc(b, (char)(0x80 | (cp >> 6 & 0x3f)));
			buf_addc(b, (char)(0x80 | (cp & 0x3f)));
		}
		return (size_t)(end - s) + 1;
	}
	for (k = 0; k < ARRAY_SIZE(ents); k++) {
		if (strncmp(s + 1, ents[k].name, strlen(ents[k].name)) == 0) {
			buf_adds(b, ents[k].text);
			return 1 + strlen(ents[k].name);
		}
	}
	return 0;
}

/* striptags: comments and tags out, blanks collapsed, entities read. */
static int
f_striptags(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct buf	 t = BUF_INIT, w = BUF_INIT;
	const char	*p, *q;
	char		*s;
	size_t		 len, i, k;

	need_str(in, &s, &len);
	for (p = s; *p != '\0'; p++) {
		if (strncmp(p, "<!--", 4) == 0 &&
		    (q = strstr(p + 4, "-->")) != NULL) {
			p = q + 2;
			continue;
		}
		if (*p == '<' && (q = strchr(p + 1, '>')) != NULL) {
			p = q;
			continue;
		}
		buf_addc(&t, *p);
	}
	/* " ".join(text.split()) */
	for (i = 0; i < t.len; ) {
		while (i < t.len && py_space(t.s[i]))
			i++;
		if (i == t.len)
			break;
		if (w.len > 0)
			buf_addc(&w, ' ');
		while (i < t.len && !py_space(t.s[i]))
			buf_addc(&w, t.s[i++]);
	}
	buf_reset(&t);
	for (i = 0; i < w.len; i++) {
		if (w.s[i] == '&' && (k = html_entity(w.s + i, &t)) > 0) {
			i += k - 1;
			continue;
		}
		buf_addc(&t, w.s[i]);
	}
	buf_release(&w);
	free(s);
	*out = expr_str_buf(&t);
	return 0;
}

/* pprint: Python's pprint.pformat (width 80, dicts sorted by key). */
static void	pp_format(struct buf *, const struct value *, size_t indent,
		    size_t allowance);

static void
pp_repr(struct buf *b, const struct value *v)
{
	struct value	*l;
	char		*s;

	if (v->type == V_STR) {
		/* a string's repr: as an item of a list, less the brackets */
		l = value_list();
		value_list_append(l, value_ref((struct value *)v));
		s = value_to_string(l);
		buf_add(b, s + 1, strlen(s) - 2);
		free(s);
		value_unref(l);
		return;
	}
	if (v->type == V_DICT) {
		size_t	*idx = expr_sorted_keys(v), i;

		buf_addc(b, '{');
		for (i = 0; i < v->u.dict.n; i++) {
			struct value	*k = value_str(v->u.dict.keys[idx[i]]);

			if (i > 0)
				buf_adds(b, ", ");
			pp_repr(b, k);
			value_unref(k);
			buf_adds(b, ": ");
			pp_repr(b, v->u.dict.vals[idx[i]]);
		}
		buf_addc(b, '}');
		free(idx);
		return;
	}
	if (v->type == V_LIST) {
		buf_addc(b, '[');
		for (size_t i = 0; i < v->u.list.n; i++) {
			if (i > 0)
				buf_adds(b, ", ");
			pp_repr(b, v->u.list.items[i]);
		}
		buf_addc(b, ']');
		return;
	}
	expr_add_str(b, v);
}

static void
pp_format(struct buf *b, const struct value *v, size_t indent,
    size_t allowance)
{
	struct buf	 r = BUF_INIT;
	size_t		*idx, i, j, n;

	pp_repr(&r, v);
	n = v->type == V_DICT ? v->u.dict.n : v->type == V_LIST ?
	    v->u.list.n : 0;
	if (r.len + indent + allowance <= 80 || n == 0) {
		buf_add(b, r.s, r.len);
		buf_release(&r);
		return;
	}
	buf_release(&r);
	if (v->type == V_LIST) {
		buf_addc(b, '[');
		for (i = 0; i < n; i++) {
			if (i > 0) {
				buf_adds(b, ",\n");
				for (j = 0; j < indent + 1; j++)
					buf_addc(b, ' ');
			}
			pp_format(b, v->u.list.items[i], indent + 1,
			    i + 1 == n ? allowance + 1 : 1);
		}
		buf_addc(b, ']');
		return;
	}
	idx = expr_sorted_keys(v);
	buf_addc(b, '{');
	for (i = 0; i < n; i++) {
		struct value	*k = value_str(v->u.dict.keys[idx[i]]);
		size_t		 at;

		if (i > 0) {
			buf_adds(b, ",\n");
			for (j = 0; j < indent + 1; j++)
				buf_addc(b, ' ');
		}
		at = b->len;
		pp_repr(b, k);
		value_unref(k);
		buf_adds(b, ": ");
		pp_format(b, v->u.dict.vals[idx[i]], indent + 1 +
		    (b->len - at), i + 1 == n ? allowance + 1 : 1);
	}
	buf_addc(b, '}');
	free(idx);
}

static int
f_pprint(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct buf	b = BUF_INIT;

	pp_format(&b, in, 0, 0);
	*out = expr_str_buf(&b);
	return 0;
}

const struct expr_filter expr_filters_text[] = {
	{ "center", f_center, 0 },
	{ "comment", f_comment, 0 },
	{ "pprint", f_pprint, 0 },
	{ "striptags", f_striptags, 0 },
	{ "truncate", f_truncate, 0 },
	{ "wordcount", f_wordcount, 0 },
	{ "wordwrap", f_wordwrap, 0 },
	{ NULL, NULL, 0 }
};
