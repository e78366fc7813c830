/* PCRE2 with Python re semantics: pattern mapping, search, expand, subn. */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <ctype.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "regex.h"

struct regex {
	pcre2_code	*code;
	int		 flags;
	size_t		 groups;
};

static int
regex_hexn(const char *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)p[i]))
			return 0;
	}
	return 1;
}

/*
 * Python syntax PCRE2 reads differently: \Z is PCRE2's \z (Python's \Z
 * never matches before a final newline), "{,n}" is "{0,n}" (PCRE2 10.42
 * reads it as literal text), and str patterns have \uXXXX and \UXXXXXXXX.
 */
static void
regex_translate(const char *p, int unicode, struct buf *out)
{
	const char	*q;
	int		 inclass = 0;

	for (; *p != '\0'; p++) {
		if (p[0] == '\\' && p[1] != '\0') {
			if (!inclass && p[1] == 'Z') {
				buf_adds(out, "\\z");
				p++;
			} else if (unicode && p[1] == 'u' && regex_hexn(p + 2, 4)) {
				buf_addf(out, "\\x{%.4s}", p + 2);
				p += 5;
			} else if (unicode && p[1] == 'U' && regex_hexn(p + 2, 8)) {
				buf_addf(out, "\\x{%.8s}", p + 2);
				p += 9;
			} else {
				buf_add(out, p, 2);
				p++;
			}
			continue;
		}
		if (inclass) {
			if (*p == ']')
				inclass = 0;
			buf_addc(out, *p);
			continue;
		}
		if (*p == '[') {
			inclass = 1;
			buf_addc(out, *p);
			if (p[1] == '^')
				buf_addc(out, *++p);
			if (p[1] == ']')
				buf_addc(out, *++p);
			continue;
		}
		if (p[0] == '{' && p[1] == ',') {
			for (q = p + 2; isdigit((unsigned char)*q); q++)
				;
			if (q > p + 2 && *q == '}') {
				buf_adds(out, "{0");
				continue;
			}
		}
		buf_addc(out, *p);
	}
}

struct regex *
regex_compile(const char *pattern, int flags, char **cause)
{
	struct regex		*re;
	struct buf		 b = BUF_INIT;
	pcre2_compile_context	*cc;
	pcre2_code		*code;
	PCRE2_UCHAR		 msg[256];
	PCRE2_SIZE		 off;
	uint32_t		 opts = 0, n;
	int			 err;

	regex_translate(pattern, flags & REGEX_UNICODE, &b);
	/* Python's (?m)^ also matches after a final newline. */
	opts |= PCRE2_ALT_CIRCUMFLEX;
	if (flags & REGEX_MULTILINE)
		opts |= PCRE2_MULTILINE;
	if (flags & REGEX_DOTALL)
		opts |= PCRE2_DOTALL;
	if (flags & REGEX_UNICODE)
		opts |= PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF;
	cc = pcre2_compile_context_create(NULL);
	pcre2_set_newline(cc, PCRE2_NEWLINE_LF);
	code = pcre2_compile((PCRE2_SPTR)buf_cstr(&b), b.len, opts, &err,
	    &off, cc);
	pcre2_compile_context_free(cc);
	buf_release(&b);
	if (code == NULL) {
		pcre2_get_error_message(err, msg, sizeof msg);
		*cause = xasprintf("bad regular expression '%s': %s at "
		    "position %zu", pattern, (char *)msg, (size_t)off);
		return NULL;
	}
	re = xcalloc(1, sizeof *re);
	re->code = code;
	re->flags = flags;
	pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &n);
	re->groups = n;
	return re;
}

void
regex_free(struct regex *re)
{
	if (re == NULL)
		return;
	pcre2_code_free(re->code);
	free(re);
}

size_t
regex_groups(const struct regex *re)
{
	return re->groups;
}

int
regex_group_index(const struct regex *re, const char *name)
{
	int	n;

	n = pcre2_substring_number_from_name(re->code, (PCRE2_SPTR)name);
	return n < 0 ? -1 : n;
}

int
regex_inline_flag(const char *p, char flag)
{
	if (p[0] != '(' || p[1] != '?')
		return 0;
	for (p += 2; *p != '\0' && *p != ')' && *p != ':' && *p != '-'; p++) {
		if (strchr("aiLmsux", *p) == NULL)
			return 0;
		if (*p == flag)
			return 1;
	}
	return 0;
}

/* One pcre2_match; 1, 0 or -1 as regex_search. */
static int
regex_exec(const struct regex *re, const char *s, size_t len, size_t from,
    uint32_t opts, pcre2_match_data *md, char **cause)
{
	PCRE2_UCHAR	msg[256];
	int		rc;

	rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, from, opts, md, NULL);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0) {
		pcre2_get_error_message(rc, msg, sizeof msg);
		*cause = xasprintf("regular expression match failed: %s",
		    (char *)msg);
		return -1;
	}
	return 1;
}

static void
regex_fill(const struct regex *re, pcre2_match_data *md,
    struct regex_match *m)
{
	PCRE2_SIZE	*ov = pcre2_get_ovector_pointer(md);
	size_t		 i;

	regex_match_release(m);
	m->n = re->groups + 1;
	m->start = xreallocarray(NULL, m->n, sizeof *m->start);
	m->end = xreallocarray(NULL, m->n, sizeof *m->end);
	for (i = 0; i < m->n; i++) {
		if (i >= pcre2_get_ovector_count(md) ||
		    ov[2 * i] == PCRE2_UNSET) {
			m->start[i] = m->end[i] = REGEX_UNSET;
			continue;
		}
		m->start[i] = ov[2 * i];
		m->end[i] = ov[2 * i + 1];
	}
}

int
regex_search(const struct regex *re, const char *s, size_t len, size_t from,
    struct regex_match *m, char **cause)
{
	pcre2_match_data	*md;
	int			 r;

	if (from > len)
		return 0;
	md = pcre2_match_data_create_from_pattern(re->code, NULL);
	if ((r = regex_exec(re, s, len, from, 0, md, cause)) == 1)
		regex_fill(re, md, m);
	pcre2_match_data_free(md);
	return r;
}

void
regex_match_release(struct regex_match *m)
{
	free(m->start);
	free(m->end);
	m->start = m->end = NULL;
	m->n = 0;
}

static int
regex_isoct(char c)
{
	return c >= '0' && c <= '7';
}

/* Appends code point c: a byte for bytes patterns, UTF-8 for str ones. */
static void
regex_addchar(struct buf *out, unsigned int c, int unicode)
{
	if (!unicode)
		buf_addc(out, (char)c);
	else
		buf_add_utf8(out, c);
}

static int
regex_addgroup(const struct regex_match *m, const char *s, size_t g,
    struct buf *out, char **cause)
{
	if (g >= m->n) {
		*cause = xasprintf("invalid group reference %zu", g);
		return -1;
	}
	if (m->start[g] != REGEX_UNSET)
		buf_add(out, s + m->start[g], m->end[g] - m->start[g]);
	return 0;
}

/* \g<...> at t (just after "\g"); advances *tp past the '>'. */
static int
regex_gname(const struct regex *re, const char *s,
    const struct regex_match *m, const char **tp, struct buf *out,
    char **cause)
{
	const char	*t = *tp, *e;
	char		*name;
	size_t		 i;
	int		 g, digits = 1;

	if (*t != '<') {
		*cause = xstrdup("missing <");
		return -1;
	}
	if ((e = strchr(t + 1, '>')) == NULL) {
		*cause = xstrdup("missing >, unterminated name");
		return -1;
	}
	name = xstrndup(t + 1, e - t - 1);
	*tp = e + 1;
	if (*name == '\0') {
		free(name);
		*cause = xstrdup("missing group name");
		return -1;
	}
	for (i = 0; name[i] != '\0'; i++) {
		if (!isdigit((unsigned char)name[i]))
			digits = 0;
	}
	if (digits)
		g = atoi(name);
	else {
		g = pcre2_substring_number_from_name(re->code,
		    (PCRE2_SPTR)name);
		if (g < 0) {
			*cause = xasprintf("unknown group name '%s'", name);
			free(name);
			return -1;
		}
	}
	free(name);
	return regex_addgroup(m, s, (size_t)g, out, cause);
}

int
regex_expand(const struct regex *re, const char *s,
    const struct regex_match *m, const char *t, struct buf *out,
    char **cause)
{
	static const char	 esc_from[] = "abfnrtv\\";
	static const char	 esc_to[] = "\a\b\f\n\r\t\v\\";
	const char		*e;
	unsigned int		 c;
	int			 unicode = re->flags & REGEX_UNICODE;

	for (; *t != '\0'; t++) {
		if (*t != '\\') {
			buf_addc(out, *t);
			continue;
		}
		t++;
		if (*t == '\0') {
			*cause = xstrdup("bad escape (end of pattern)");
			return -1;
		}
		if (*t == 'g') {
			t++;
			if (regex_gname(re, s, m, &t, out, cause) != 0)
				return -1;
			t--;
		} else if (*t == '0') {
			c = 0;
			if (regex_isoct(t[1])) {
				c = *++t - '0';
				if (regex_isoct(t[1]))
					c = c * 8 + (*++t - '0');
			}
			regex_addchar(out, c & 0xff, unicode);
		} else if (isdigit((unsigned char)*t)) {
			if (isdigit((unsigned char)t[1])) {
				if (regex_isoct(t[0]) && regex_isoct(t[1]) &&
				    regex_isoct(t[2])) {
					c = (t[0] - '0') * 64 +
					    (t[1] - '0') * 8 + (t[2] - '0');
					if (c > 0377) {
						*cause = xasprintf("octal "
						    "escape value \\%.3s "
						    "outside of range 0-0o377",
						    t);
						return -1;
					}
					regex_addchar(out, c, unicode);
					t += 2;
					continue;
				}
				if (regex_addgroup(m, s, (size_t)((t[0] - '0') *
				    10 + (t[1] - '0')), out, cause) != 0)
					return -1;
				t++;
			} else if (regex_addgroup(m, s, (size_t)(*t - '0'),
			    out, cause) != 0)
				return -1;
		} else if ((e = strchr(esc_from, *t)) != NULL)
			buf_addc(out, esc_to[e - esc_from]);
		else if (isalpha((unsigned char)*t) && (unsigned char)*t < 0x80) {
			*cause = xasprintf("bad escape \\%c", *t);
			return -1;
		} else {
			buf_addc(out, '\\');
			buf_addc(out, *t);
		}
	}
	return 0;
}

int
regex_subn(const struct regex *re, const char *s, size_t len,
    const char *repl, struct buf *out, size_t *count, char **cause)
{
	pcre2_match_data	*md;
	struct regex_match	 m = REGEX_MATCH_INIT;
	size_t			 pos = 0, copied = 0, start_len = out->len;
	uint32_t		 opts = 0;
	int			 r = 0;

	*count = 0;
	/* Python parses the template first: a bad one fails without a match. */
	m.n = re->groups + 1;
	m.start = xreallocarray(NULL, m.n, sizeof *m.start);
	m.end = xreallocarray(NULL, m.n, sizeof *m.end);
	for (pos = 0; pos < m.n; pos++)
		m.start[pos] = m.end[pos] = REGEX_UNSET;
	pos = 0;
	r = regex_expand(re, s, &m, repl, out, cause);
	out->len = start_len;
	if (out->s != NULL)
		out->s[start_len] = '\0';
	if (r != 0) {
		regex_match_release(&m);
		return -1;
	}
	md = pcre2_match_data_create_from_pattern(re->code, NULL);
	while (pos <= len) {
		if ((r = regex_exec(re, s, len, pos, opts, md, cause)) < 0)
			break;
		if (r == 0) {
			r = 0;
			if (opts == 0 || pos >= len)
				break;
			/* No non-empty match here: on one character. */
			pos++;
			if (re->flags & REGEX_UNICODE) {
				while (pos < len &&
				    ((unsigned char)s[pos] & 0xc0) == 0x80)
					pos++;
			}
			opts = 0;
			continue;
		}
		r = 0;
		regex_fill(re, md, &m);
		buf_add(out, s + copied, m.start[0] - copied);
		if ((r = regex_expand(re, s, &m, repl, out, cause)) != 0)
			break;
		(*count)++;
		copied = pos = m.end[0];
		opts = m.start[0] == m.end[0] ?
		    PCRE2_NOTEMPTY_ATSTART | PCRE2_ANCHORED : 0;
	}
	if (r == 0)
		buf_add(out, s + copied, len - copied);
	regex_match_release(&m);
	pcre2_match_data_free(md);
	return r;
}
