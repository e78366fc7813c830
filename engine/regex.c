/*
 * The one PCRE2 user: Python re semantics (pattern mapping, search, expand,
 * subn), match limits, JIT and the per-thread cache of compiled patterns.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <ctype.h>
#include <pcre2.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "regex.h"

struct regex {
	pcre2_code	*code;
	char		*pattern;	/* as given: the cache key, for messages */
	int		 flags;
	size_t		 groups;
	unsigned int	 refs;		/* atomic: a regex may cross threads */
};

/*
 * What each thread keeps: recently compiled patterns, most recent first,
 * and match data big enough for any of them (a match that wants no
 * groups back uses it instead of allocating).
 */
struct regex_tls {
	struct regex		*cache[REGEX_CACHE_SIZE];
	size_t			 n;
	pcre2_match_data	*md;
	uint32_t		 mdpairs;
};

static pthread_once_t		 regex_once = PTHREAD_ONCE_INIT;
static pthread_key_t		 regex_key;
static pcre2_match_context	*regex_mctx;	/* read-only once made */

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

static void
regex_tls_free(void *arg)
{
	struct regex_tls	*t = arg;
	size_t			 i;

	for (i = 0; i < t->n; i++)
		regex_free(t->cache[i]);
	if (t->md != NULL)
		pcre2_match_data_free(t->md);
	free(t);
}

static void
regex_init(void)
{
	if (pthread_key_create(&regex_key, regex_tls_free) != 0)
		fatal("pthread_key_create failed");
	if ((regex_mctx = pcre2_match_context_create(NULL)) == NULL)
		fatal("pcre2_match_context_create failed");
	pcre2_set_match_limit(regex_mctx, REGEX_MATCH_LIMIT);
	pcre2_set_depth_limit(regex_mctx, REGEX_DEPTH_LIMIT);
}

static struct regex_tls *
regex_tls(void)
{
	struct regex_tls	*t;

	pthread_once(&regex_once, regex_init);
	if ((t = pthread_getspecific(regex_key)) == NULL) {
		t = xcalloc(1, sizeof *t);
		if (pthread_setspecific(regex_key, t) != 0)
			fatal("pthread_setspecific failed");
	}
	return t;
}

/* This thread's scratch match data, with room for re's groups. */
static pcre2_match_data *
regex_scratch(const struct regex *re)
{
	struct regex_tls	*t = regex_tls();

	if (t->md == NULL || t->mdpairs < re->groups + 1) {
		if (t->md != NULL)
			pcre2_match_data_free(t->md);
		t->mdpairs = re->groups + 1 < 16 ? 16 : re->groups + 1;
		if ((t->md = pcre2_match_data_create(t->mdpairs, NULL)) == NULL)
			fatal("pcre2_match_data_create failed");
	}
	return t->md;
}

static struct regex *
regex_ref(struct regex *re)
{
	__atomic_add_fetch(&re->refs, 1, __ATOMIC_RELAXED);
	return re;
}

static struct regex *
regex_cache_find(struct regex_tls *t, const char *pattern, int flags)
{
	struct regex	*re;
	size_t		 i;

	for (i = 0; i < t->n; i++) {
		re = t->cache[i];
		if (re->flags != flags || strcmp(re->pattern, pattern) != 0)
			continue;
		memmove(t->cache + 1, t->cache, i * sizeof *t->cache);
		t->cache[0] = re;
		return re;
	}
	return NULL;
}

static void
regex_cache_add(struct regex_tls *t, struct regex *re)
{
	if (t->n == REGEX_CACHE_SIZE)
		regex_free(t->cache[--t->n]);
	memmove(t->cache + 1, t->cache, t->n * sizeof *t->cache);
	t->cache[0] = regex_ref(re);
	t->n++;
}

struct regex *
regex_compile_why(const char *pattern, int flags, char **why, size_t *offset)
{
	struct regex_tls	*t = regex_tls();
	struct regex		*re;
	struct buf		 b = BUF_INIT;
	pcre2_compile_context	*cc;
	pcre2_code		*code;
	PCRE2_UCHAR		 msg[256];
	PCRE2_SIZE		 off;
	uint32_t		 opts = 0, n;
	int			 err;

	if ((re = regex_cache_find(t, pattern, flags)) != NULL)
		return regex_ref(re);

	regex_translate(pattern, flags & REGEX_UNICODE, &b);
	/* Python's (?m)^ also matches after a final newline. */
	opts |= PCRE2_ALT_CIRCUMFLEX;
	if (flags & REGEX_MULTILINE)
		opts |= PCRE2_MULTILINE;
	if (flags & REGEX_DOTALL)
		opts |= PCRE2_DOTALL;
	if (flags & REGEX_IGNORECASE)
		opts |= PCRE2_CASELESS;
	if (flags & REGEX_VERBOSE)
		opts |= PCRE2_EXTENDED;
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
		*why = xstrdup((char *)msg);
		*offset = off;
		return NULL;
	}
	/* Where the JIT is missing or refuses the pattern, it runs slower. */
	(void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);

	re = xcalloc(1, sizeof *re);
	re->code = code;
	re->pattern = xstrdup(pattern);
	re->flags = flags;
	re->refs = 1;
	pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &n);
	re->groups = n;
	regex_cache_add(t, re);
	return re;
}

struct regex *
regex_compile(const char *pattern, int flags, char **cause)
{
	struct regex	*re;
	char		*why;
	size_t		 off;

	if ((re = regex_compile_why(pattern, flags, &why, &off)) == NULL) {
		*cause = xasprintf("bad regular expression '%s': %s at "
		    "offset %zu", pattern, why, off);
		free(why);
	}
	return re;
}

void
regex_free(struct regex *re)
{
	if (re == NULL)
		return;
	if (__atomic_sub_fetch(&re->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	pcre2_code_free(re->code);
	free(re->pattern);
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
regex_group_name(const struct regex *re, size_t i, const char **name)
{
	PCRE2_SPTR	tab;
	uint32_t	count, size;

	pcre2_pattern_info(re->code, PCRE2_INFO_NAMECOUNT, &count);
	if (i >= count)
		return -1;
	pcre2_pattern_info(re->code, PCRE2_INFO_NAMEENTRYSIZE, &size);
	pcre2_pattern_info(re->code, PCRE2_INFO_NAMETABLE, &tab);
	tab += i * size;
	*name = (const char *)tab + 2;
	return (tab[0] << 8) | tab[1];
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

/* A pcre2_match or pcre2_substitute failure as the user should read it. */
static int
regex_error(const struct regex *re, int rc, char **cause)
{
	PCRE2_UCHAR	msg[256];

	pcre2_get_error_message(rc, msg, sizeof msg);
	if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
	    rc == PCRE2_ERROR_HEAPLIMIT) {
		*cause = xasprintf("regular expression '%s' backtracks too "
		    "much: %s", re->pattern, (char *)msg);
	} else
		*cause = xasprintf("regular expression match failed: %s",
		    (char *)msg);
	return -1;
}

/* One pcre2_match; 1, 0 or -1 as regex_search. */
static int
regex_exec(const struct regex *re, const char *s, size_t len, size_t from,
    uint32_t opts, pcre2_match_data *md, char **cause)
{
	int	rc;

	rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, from, opts, md,
	    regex_mctx);
	/* The JIT's stack is small; the interpreter's frames are on the heap. */
	if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
		rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, from,
		    opts | PCRE2_NO_JIT, md, regex_mctx);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0)
		return regex_error(re, rc, cause);
	return 1;
}

static void
regex_fill(const struct regex *re, pcre2_match_data *md,
    struct regex_match *m)
{
	PCRE2_SIZE	*ov = pcre2_get_ovector_pointer(md);
	size_t		 i;

	if (m->n != re->groups + 1) {
		regex_match_release(m);
		m->n = re->groups + 1;
		m->start = xreallocarray(NULL, m->n, sizeof *m->start);
		m->end = xreallocarray(NULL, m->n, sizeof *m->end);
	}
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

static int
regex_find(const struct regex *re, const char *s, size_t len, size_t from,
    uint32_t opts, struct regex_match *m, char **cause)
{
	pcre2_match_data	*md;
	int			 r;

	if (from > len)
		return 0;
	md = regex_scratch(re);
	if ((r = regex_exec(re, s, len, from, opts, md, cause)) == 1 &&
	    m != NULL)
		regex_fill(re, md, m);
	return r;
}

int
regex_search(const struct regex *re, const char *s, size_t len, size_t from,
    struct regex_match *m, char **cause)
{
	return regex_find(re, s, len, from, 0, m, cause);
}

int
regex_match(const struct regex *re, const char *s, size_t len,
    struct regex_match *m, char **cause)
{
	return regex_find(re, s, len, 0, PCRE2_ANCHORED, m, cause);
}

void
regex_match_release(struct regex_match *m)
{
	free(m->start);
	free(m->end);
	m->start = m->end = NULL;
	m->n = 0;
}

int
regex_each(const struct regex *re, const char *s, size_t len, size_t max,
    regex_each_cb cb, void *arg, char **cause)
{
	struct regex_match	 m = REGEX_MATCH_INIT;
	size_t			 pos = 0, found = 0;
	uint32_t		 opts = 0;
	int			 r = 0;

	while (pos <= len && (max == 0 || found < max)) {
		if ((r = regex_find(re, s, len, pos, opts, &m, cause)) < 0)
			break;
		if (r == 0) {
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
		found++;
		if ((r = cb(arg, s, &m)) != 0)
			break;
		pos = m.end[0];
		opts = m.start[0] == m.end[0] ?
		    PCRE2_NOTEMPTY_ATSTART | PCRE2_ANCHORED : 0;
	}
	regex_match_release(&m);
	return r;
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

struct regex_sub {
	const struct regex	*re;
	const char		*repl;
	struct buf		*out;
	size_t			 copied;
	size_t			*count;
	char			**cause;
};

static int
regex_sub_one(void *arg, const char *s, const struct regex_match *m)
{
	struct regex_sub	*st = arg;

	buf_add(st->out, s + st->copied, m->start[0] - st->copied);
	if (regex_expand(st->re, s, m, st->repl, st->out, st->cause) != 0)
		return -1;
	(*st->count)++;
	st->copied = m->end[0];
	return 0;
}

int
regex_subn(const struct regex *re, const char *s, size_t len,
    const char *repl, size_t max, struct buf *out, size_t *count,
    char **cause)
{
	struct regex_sub	 st;
	struct regex_match	 m = REGEX_MATCH_INIT;
	size_t			 i, start_len = out->len;
	int			 r;

	*count = 0;
	/* Python parses the template first: a bad one fails without a match. */
	m.n = re->groups + 1;
	m.start = xreallocarray(NULL, m.n, sizeof *m.start);
	m.end = xreallocarray(NULL, m.n, sizeof *m.end);
	for (i = 0; i < m.n; i++)
		m.start[i] = m.end[i] = REGEX_UNSET;
	r = regex_expand(re, s, &m, repl, out, cause);
	regex_match_release(&m);
	out->len = start_len;
	if (out->s != NULL)
		out->s[start_len] = '\0';
	if (r != 0)
		return -1;

	st.re = re;
	st.repl = repl;
	st.out = out;
	st.copied = 0;
	st.count = count;
	st.cause = cause;
	if (regex_each(re, s, len, max, regex_sub_one, &st, cause) != 0)
		return -1;
	buf_add(out, s + st.copied, len - st.copied);
	return 0;
}

int
regex_substitute(const struct regex *re, const char *s, size_t len,
    const char *repl, size_t rlen, struct buf *out, size_t *count,
    char **cause)
{
	PCRE2_SIZE	 olen = len + rlen + 64;
	PCRE2_UCHAR	*res, msg[256];
	uint32_t	 opts;
	int		 rc;

	regex_tls();
	opts = PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_EXTENDED |
	    PCRE2_SUBSTITUTE_OVERFLOW_LENGTH;
	for (;;) {
		res = xmalloc(olen + 1);
		rc = pcre2_substitute(re->code, (PCRE2_SPTR)s, len, 0, opts,
		    NULL, regex_mctx, (PCRE2_SPTR)repl, rlen, res, &olen);
		if (rc == PCRE2_ERROR_JIT_STACKLIMIT && !(opts & PCRE2_NO_JIT)) {
			opts |= PCRE2_NO_JIT;
			free(res);
			continue;
		}
		if (rc != PCRE2_ERROR_NOMEMORY)
			break;
		/* olen is now the length needed. */
		free(res);
	}
	if (rc < 0) {
		free(res);
		if (rc == PCRE2_ERROR_MATCHLIMIT ||
		    rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT)
			return regex_error(re, rc, cause);
		pcre2_get_error_message(rc, msg, sizeof msg);
		*cause = xstrdup((char *)msg);
		return -1;
	}
	buf_add(out, res, olen);
	free(res);
	*count = (size_t)rc;
	return 0;
}

const char *
regex_library_version(void)
{
	static char	v[64];

	if (v[0] == '\0')
		pcre2_config(PCRE2_CONFIG_VERSION, v);
	return v;
}
