/*
 * Data filters: URLs (urlencode, urldecode, urlsplit), Jinja2's tojson,
 * to_uuid, digests (md5, and hash() of any hashlib name), dates
 * (strftime, to_datetime) and vault/unvault, each as Python gives them.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "expr-internal.h"
#include "vault.h"

/* URLs. */

static void
url_quote(struct buf *b, const char *s, size_t len, int for_qs)
{
	size_t	i;
	unsigned char c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (isalnum(c) || strchr("_.-~", c) != NULL ||
		    (c == '/' && !for_qs) )
			buf_addc(b, (char)c);
		else if (c == ' ' && for_qs)
			buf_addc(b, '+');
		else
			buf_addf(b, "%%%02X", c);
	}
}

static void
url_quote_value(struct buf *b, const struct value *v, int for_qs)
{
	char	*s = expr_str_of(v);

	url_quote(b, s, strlen(s), for_qs);
	free(s);
}

/* urlencode: a string quoted (keeping "/"), or a dict/pairs as a query. */
static int
f_urlencode(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct buf	 b = BUF_INIT;
	struct value	*p;
	size_t		 i;

	if (in->type == V_DICT) {
		for (i = 0; i < in->u.dict.n; i++) {
			if (i > 0)
				buf_addc(&b, '&');
			url_quote(&b, in->u.dict.keys[i],
			    strlen(in->u.dict.keys[i]), 1);
			buf_addc(&b, '=');
			url_quote_value(&b, in->u.dict.vals[i], 1);
		}
	} else if (in->type == V_LIST) {
		for (i = 0; i < in->u.list.n; i++) {
			p = in->u.list.items[i];
			if (p->type != V_LIST || p->u.list.n != 2) {
				buf_release(&b);
				return expr_fail(cause, "urlencode needs a "
				    "string, a dict or a list of pairs");
			}
			if (i > 0)
				buf_addc(&b, '&');
			url_quote_value(&b, p->u.list.items[0], 1);
			buf_addc(&b, '=');
			url_quote_value(&b, p->u.list.items[1], 1);
		}
	} else
		url_quote_value(&b, in, 0);
	*out = expr_str_buf(&b);
	return 0;
}

static int
hexval(char c)
{
	return isdigit((unsigned char)c) ? c - '0' :
	    isxdigit((unsigned char)c) ? tolower((unsigned char)c) - 'a' + 10 :
	    -1;
}

/* urldecode: Python's unquote_plus. */
static int
f_urldecode(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct buf	 b = BUF_INIT;
	char		*s = expr_str_of(in), *p;

	for (p = s; *p != '\0'; p++) {
		if (*p == '+')
			buf_addc(&b, ' ');
		else if (*p == '%' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
			buf_addc(&b, (char)(hexval(p[1]) * 16 + hexval(p[2])));
			p += 2;
		} else
			buf_addc(&b, *p);
	}
	free(s);
	*out = expr_str_buf(&b);
	return 0;
}

static struct value *
str_or_none(const char *s, size_t len, int present)
{
	return present ? value_strn(s, len) : value_null();
}

/* urlsplit(query=''): Python's urlsplit as a dict, or one of its parts. */
static int
f_urlsplit(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	const char	*query = expr_arg_str(a, 0, "query", "");
	struct value	*d, *v;
	char		*url = expr_str_of(in), *p, *e, *at, *host, *colon;
	const char	*scheme = "", *netloc = "", *frag = "", *q = "";
	size_t		 i, hl;
	long		 port = -1;
	int		 portbad = 0;

	p = url;
	/* a scheme: a letter, then letters, digits, "+-." up to ":" */
	for (i = 0; isalnum((unsigned char)p[i]) || strchr("+-.", p[i]) !=
	    NULL; i++)
		if (p[i] == '\0')
			break;
	if (i > 0 && p[i] == ':' && isalpha((unsigned char)p[0])) {
		p[i] = '\0';
		for (e = p; *e != '\0'; e++)
			*e = (char)tolower((unsigned char)*e);
		scheme = p;
		p += i + 1;
	}
	if (p[0] == '/' && p[1] == '/') {
		e = p + 2 + strcspn(p + 2, "/?#");
		netloc = xstrndup(p + 2, (size_t)(e - p - 2));
		p = e;
	} else
		netloc = xstrdup("");
	if ((e = strchr(p, '#')) != NULL) {
		*e = '\0';
		frag = e + 1;
	}
	if ((e = strchr(p, '?')) != NULL) {
		*e = '\0';
		q = e + 1;
	}
	d = value_dict();
	value_dict_setstr(d, "fragment", frag);
	at = strrchr(netloc, '@');
	host = at != NULL ? at + 1 : (char *)netloc;
	if (*host == '[' && (e = strchr(host, ']')) != NULL) {
		hl = (size_t)(e - host - 1);
		v = value_strn(host + 1, hl);
		colon = e[1] == ':' ? e + 1 : NULL;
	} else {
		colon = strchr(host, ':');
		hl = colon != NULL ? (size_t)(colon - host) : strlen(host);
		v = hl > 0 ? value_strn(host, hl) : value_null();
	}
	if (v->type == V_STR)
		for (i = 0; i < v->u.str.len; i++)
			v->u.str.s[i] = (char)tolower(
			    (unsigned char)v->u.str.s[i]);
	value_dict_set(d, "hostname", v);
	value_dict_setstr(d, "netloc", netloc);
	if (at != NULL) {
		e = memchr(netloc, ':', (size_t)(at - netloc));
		value_dict_set(d, "password", e != NULL ? value_strn(e + 1,
		    (size_t)(at - e - 1)) : value_null());
	} else
		value_dict_set(d, "password", value_null());
	value_dict_setstr(d, "path", p);
	if (colon != NULL && colon[1] != '\0') {
		if (strspn(colon + 1, "0123456789") == strlen(colon + 1) &&
		    strlen(colon + 1) < 8)
			port = strtol(colon + 1, NULL, 10);
		if (port < 0 || port > 65535)
			portbad = 1;
	}
	value_dict_set(d, "port", port >= 0 && !portbad ? value_int(port) :
	    value_null());
	value_dict_setstr(d, "query", q);
	value_dict_setstr(d, "scheme", scheme);
	if (at != NULL) {
		e = memchr(netloc, ':', (size_t)(at - netloc));
		value_dict_set(d, "username", str_or_none(netloc, e != NULL ?
		    (size_t)(e - netloc) : (size_t)(at - netloc), 1));
	} else
		value_dict_set(d, "username", value_null());
	free((char *)netloc);
	free(url);
	if (portbad) {
		value_unref(d);
		return expr_fail(cause, "Port out of range 0-65535");
	}
	if (*query == '\0') {
		*out = d;
		return 0;
	}
	if ((v = value_dict_get(d, query)) == NULL) {
		value_unref(d);
		return expr_fail(cause, "urlsplit: unknown URL component: %s",
		    query);
	}
	*out = value_ref(v);
	value_unref(d);
	return 0;
}

/* Jinja2's tojson: sorted keys, ASCII only, <>&' escaped for HTML. */

static void
json_str(struct buf *b, const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s, *e = p + len;
	unsigned long		 cp;
	int			 n;

	buf_addc(b, '"');
	while (p < e) {
		if (*p < 0x80) {
			switch (*p) {
			case '"': buf_adds(b, "\\\""); break;
			case '\\': buf_adds(b, "\\\\"); break;
			case '\n': buf_adds(b, "\\n"); break;
			case '\r': buf_adds(b, "\\r"); break;
			case '\t': buf_adds(b, "\\t"); break;
			case '\b': buf_adds(b, "\\b"); break;
			case '\f': buf_adds(b, "\\f"); break;
			case '<': case '>': case '&': case '\'':
				buf_addf(b, "\\u%04x", *p);
				break;
			default:
				if (*p < 0x20)
					buf_addf(b, "\\u%04x", *p);
				else
					buf_addc(b, (char)*p);
			}
			p++;
			continue;
		}
		n = *p >= 0xf0 ? 3 : *p >= 0xe0 ? 2 : *p >= 0xc0 ? 1 : 0;
		cp = *p & (0x3f >> n);
		for (p++; n > 0 && p < e; n--, p++)
			cp = cp << 6 | (*p & 0x3f);
		if (cp >= 0x10000) {
			cp -= 0x10000;
			buf_addf(b, "\\u%04lx\\u%04lx", 0xd800 + (cp >> 10),
			    0xdc00 + (cp & 0x3ff));
		} else
			buf_addf(b, "\\u%04lx", cp);
	}
	buf_addc(b, '"');
}

static void
json_nl(struct buf *b, long long indent, int level)
{
	long long	i;

	if (indent < 0)
		return;
	buf_addc(b, '\n');
	for (i = 0; i < indent * level; i++)
		buf_addc(b, ' ');
}

static void
json_dump(struct buf *b, const struct value *v, long long indent, int level)
{
	size_t	*idx, i, n;

	switch (v->type) {
	case V_NULL:
		buf_adds(b, "null");
		return;
	case V_BOOL:
		buf_adds(b, v->u.b ? "true" : "false");
		return;
	case V_FLOAT:
		if (isnan(v->u.f))
			buf_adds(b, "NaN");
		else if (isinf(v->u.f))
			buf_adds(b, v->u.f < 0 ? "-Infinity" : "Infinity");
		else
			expr_add_str(b, v);
		return;
	case V_INT:
		expr_add_str(b, v);
		return;
	case V_STR:
		json_str(b, v->u.str.s, v->u.str.len);
		return;
	case V_LIST:
		if (v->u.list.n == 0) {
			buf_adds(b, "[]");
			return;
		}
		buf_addc(b, '[');
		for (i = 0; i < v->u.list.n; i++) {
			if (i > 0)
				buf_adds(b, indent >= 0 ? "," : ", ");
			json_nl(b, indent, level + 1);
			json_dump(b, v->u.list.items[i], indent, level + 1);
		}
		json_nl(b, indent, level);
		buf_addc(b, ']');
		return;
	case V_DICT:
		if ((n = v->u.dict.n) == 0) {
			buf_adds(b, "{}");
			return;
		}
		idx = expr_sorted_keys(v);
		buf_addc(b, '{');
		for (i = 0; i < n; i++) {
			if (i > 0)
				buf_adds(b, indent >= 0 ? "," : ", ");
			json_nl(b, indent, level + 1);
			json_str(b, v->u.dict.keys[idx[i]],
			    strlen(v->u.dict.keys[idx[i]]));
			buf_adds(b, ": ");
			json_dump(b, v->u.dict.vals[idx[i]], indent, level + 1);
		}
		free(idx);
		json_nl(b, indent, level);
		buf_addc(b, '}');
		return;
	}
}

static int
f_tojson(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct buf	 b = BUF_INIT;
	long long	 indent;

	if (expr_arg_int(a, 0, "indent", -1, &indent, cause) != 0)
		return -1;
	json_dump(&b, in, indent, 0);
	*out = expr_str_buf(&b);
	return 0;
}

/* Digests. */

int
expr_digest_hex(const char *alg, const void *data, size_t len,
    struct buf *out)
{
	const EVP_MD	*md;
	unsigned char	 d[EVP_MAX_MD_SIZE];
	unsigned int	 dl = 0, i;

	if ((md = EVP_get_digestbyname(alg)) == NULL ||
	    EVP_Digest(data, len, d, &dl, md, NULL) != 1)
		return -1;
	for (i = 0; i < dl; i++)
		buf_addf(out, "%02x", d[i]);
	return 0;
}

static int
f_md5(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct buf	 b = BUF_INIT;
	char		*s = expr_str_of(in);

	if (expr_digest_hex("md5", s, strlen(s), &b) != 0) {
		free(s);
		return expr_fail(cause, "md5 is not available (FIPS mode?)");
	}
	free(s);
	*out = expr_str_buf(&b);
	return 0;
}

/* to_uuid(namespace): uuid5 of the string, Ansible's namespace by default. */
static int
f_to_uuid(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	const char	*ns = expr_arg_str(a, 0, "namespace",
			    "361E6D51-FAEC-444A-9079-341386DA8E2E");
	unsigned char	 nsb[16], d[EVP_MAX_MD_SIZE];
	unsigned int	 dl;
	EVP_MD_CTX	*c;
	char		*s;
	size_t		 i, k = 0;

	for (i = 0; ns[i] != '\0' && k < 32; i++) {
		if (ns[i] == '-' || ns[i] == '{' || ns[i] == '}')
			continue;
		if (hexval(ns[i]) < 0)
			break;
		if (k % 2 == 0)
			nsb[k / 2] = (unsigned char)(hexval(ns[i]) << 4);
		else
			nsb[k / 2] |= (unsigned char)hexval(ns[i]);
		k++;
	}
	if (k != 32 || ns[i] != '\0')
		return expr_fail(cause, "Invalid value '%s' for 'namespace': "
		    "badly formed hexadecimal UUID string", ns);
	s = expr_str_of(in);
	c = EVP_MD_CTX_new();
	EVP_DigestInit_ex(c, EVP_sha1(), NULL);
	EVP_DigestUpdate(c, nsb, sizeof nsb);
	EVP_DigestUpdate(c, s, strlen(s));
	EVP_DigestFinal_ex(c, d, &dl);
	EVP_MD_CTX_free(c);
	free(s);
	d[6] = (unsigned char)((d[6] & 0x0f) | 0x50);
	d[8] = (unsigned char)((d[8] & 0x3f) | 0x80);
	*out = value_strf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", d[0], d[1], d[2], d[3], d[4], d[5],
	    d[6], d[7], d[8], d[9], d[10], d[11], d[12], d[13], d[14], d[15]);
	return 0;
}

/* Dates. */

/* strftime(second=None, utc=False): time.strftime of now or an epoch. */
static int
f_strftime(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct value	*sec = expr_arg(a, 0, "second");
	struct tm	 tm;
	time_t		 t;
	double		 d;
	char		*fmt, *end, buf[1024];
	size_t		 n;

	if (sec != NULL && sec->type != V_NULL) {
		if (sec->type == V_STR) {
			d = strtod(sec->u.str.s, &end);
			if (end == sec->u.str.s || *end != '\0')
				return expr_fail(cause, "Invalid value for "
				    "epoch value (%s)", sec->u.str.s);
		} else if (expr_num_of(sec, &d) != 0)
			return expr_fail(cause, "Invalid value for epoch value");
		t = (time_t)floor(d);
	} else
		t = time(NULL);
	if (expr_arg_bool(a, 1, "utc", 0))
		gmtime_r(&t, &tm);
	else
		localtime_r(&t, &tm);
	fmt = expr_str_of(in);
	n = *fmt == '\0' ? 0 : strftime(buf, sizeof buf, fmt, &tm);
	free(fmt);
	*out = value_strn(buf, n);
	return 0;
}

/*
 * to_datetime(format='%Y-%m-%d %H:%M:%S'): the date parsed, as Python's
 * str(datetime) shows it (cairn has no datetime type to compute with).
 */
static int
f_to_datetime(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	const char	*fmt = expr_arg_str(a, 0, "format", "%Y-%m-%d %H:%M:%S");
	struct tm	 tm;
	char		*s, *end, buf[64];

	memset(&tm, 0, sizeof tm);
	tm.tm_mday = 1;
	tm.tm_year = 70;
	s = expr_str_of(in);
	end = strptime(s, fmt, &tm);
	if (end == NULL || *end != '\0') {
		expr_fail(cause, "time data '%s' does not match format '%s'",
		    s, fmt);
		free(s);
		return -1;
	}
	free(s);
	if (strchr(fmt, 'Y') == NULL && strchr(fmt, 'y') == NULL)
		tm.tm_year = 1900 - 1900;
	strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
	*out = value_str(buf);
	return 0;
}

/* Vault. */

/* vault(secret, salt=None, vaultid='filter_default'): an envelope. */
static int
f_vault(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct value	*secret = expr_arg(a, 0, "secret");
	const char	*salt = expr_arg_str(a, 1, "salt", NULL);
	const char	*id = expr_arg_str(a, 2, "vaultid", "filter_default");
	struct buf	 b = BUF_INIT;
	char		*why = NULL;

	if (secret == NULL || secret->type != V_STR)
		return expr_fail(cause, "Secret passed is required to be a "
		    "string, instead we got: %s", expr_type_name(secret));
	if (in->type != V_STR)
		return expr_fail(cause, "Can only vault strings, instead we "
		    "got: %s", expr_type_name(in));
	if (salt != NULL && strlen(salt) != 32)
		return expr_fail(cause, "vault: cairn takes a salt of 32 "
		    "bytes only");
	if (vault_encrypt(secret->u.str.s, secret->u.str.len, id,
	    in->u.str.s, in->u.str.len, (const unsigned char *)salt, &b,
	    &why) != 0) {
		expr_fail(cause, "Unable to encrypt: %s", why);
		free(why);
		buf_release(&b);
		return -1;
	}
	*out = expr_str_buf(&b);
	return 0;
}

/* unvault(secret, vaultid='filter_default'): the plaintext. */
static int
f_unvault(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct value		*secret = expr_arg(a, 0, "secret");
	const char		*id = expr_arg_str(a, 1, "vaultid",
				    "filter_default");
	struct vault_secrets	 s = VAULT_SECRETS_INIT;
	struct buf		 b = BUF_INIT;
	char			*why = NULL;
	int			 r;

	if (secret == NULL || secret->type != V_STR)
		return expr_fail(cause, "Secret passed is required to be as "
		    "string, instead we got: %s", expr_type_name(secret));
	if (in->type != V_STR)
		return expr_fail(cause, "Vault should be in the form of a "
		    "string, instead we got: %s", expr_type_name(in));
	if (!vault_is_encrypted(in->u.str.s, in->u.str.len)) {
		*out = value_ref(in);
		return 0;
	}
	vault_secrets_add(&s, id, secret->u.str.s, secret->u.str.len);
	r = vault_decrypt(&s, in->u.str.s, in->u.str.len, NULL, &b, NULL,
	    &why);
	vault_secrets_release(&s);
	if (r != 0) {
		expr_fail(cause, "Unable to decrypt: %s", why);
		free(why);
		buf_release(&b);
		return -1;
	}
	*out = expr_str_buf(&b);
	(*out)->flags |= VALUE_SECRET;
	return 0;
}

const struct expr_filter expr_filters_data[] = {
	{ "md5", f_md5, 0 },
	{ "strftime", f_strftime, 0 },
	{ "to_datetime", f_to_datetime, 0 },
	{ "to_uuid", f_to_uuid, 0 },
	{ "tojson", f_tojson, 0 },
	{ "unvault", f_unvault, 0 },
	{ "urldecode", f_urldecode, 0 },
	{ "urlencode", f_urlencode, 0 },
	{ "urlsplit", f_urlsplit, 0 },
	{ "vault", f_vault, 0 },
	{ NULL, NULL, 0 }
};
