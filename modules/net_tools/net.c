/* The net_tools family's pure side: /proc/net/tcp, curl config, replies. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

const char *const net_password_aliases[] = { "password", NULL };

int
net_tcp_state(const char *name)
{
	static const char *const states[] = { NULL, "ESTABLISHED",
		"SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT",
		"CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING" };

	for (size_t i = 1; i < ARRAY_SIZE(states); i++)
		if (strcmp(states[i], name) == 0)
			return (int)i;
	return -1;
}

int
net_ipv4_hex(const char *s, char out[9])
{
	unsigned int	a, b, c, d;
	char		end;

	if (sscanf(s, "%u.%u.%u.%u%c", &a, &b, &c, &d, &end) != 4 ||
	    a > 255 || b > 255 || c > 255 || d > 255)
		return -1;
	/* The kernel prints the address as a host-order (little-endian) word. */
	snprintf(out, 9, "%02X%02X%02X%02X", d, c, b, a);
	return 0;
}

/* The address of a column as IPv4 hex when it is one (plain or mapped). */
static int
net_addr_is(const char *col, size_t len, const char *addr)
{
	if (len == 8)
		return strncasecmp(col, addr, 8) == 0;
	if (len == 32)
		return strncasecmp(col, "0000000000000000FFFF0000", 24) == 0 &&
		    strncasecmp(col + 24, addr, 8) == 0;
	return 0;
}

static int
net_addr_wildcard(const char *col, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (col[i] != '0')
			return 0;
	return 1;
}

size_t
net_tcp_count(const char *text, int port, unsigned int states,
    const char *addr, char *const *exclude)
{
	const char	*p = text, *nl, *la, *ra, *colon, *rcolon;
	size_t		 n = 0, alen, rlen, i;
	unsigned long	 lport, st;
	char		*end;
	int		 skip;

	for (; *p != '\0'; p = nl != NULL ? nl + 1 : p + strlen(p)) {
		nl = strchr(p, '\n');
		/* "  sl: LOCAL:PORT REMOTE:PORT ST ..." */
		if ((la = strchr(p, ':')) == NULL || (nl != NULL && la > nl))
			continue;
		for (la++; *la == ' '; la++)
			;
		if ((colon = strchr(la, ':')) == NULL || colon - la > 32)
			continue;
		alen = colon - la;
		lport = strtoul(colon + 1, &end, 16);
		if (*end != ' ')
			continue;
		for (ra = end; *ra == ' '; ra++)
			;
		if ((rcolon = strchr(ra, ':')) == NULL || rcolon - ra > 32)
			continue;
		rlen = rcolon - ra;
		strtoul(rcolon + 1, &end, 16);
		if (*end != ' ')
			continue;
		st = strtoul(end, &end, 16);
		if ((int)lport != port || st > 31 || !(states & (1U << st)))
			continue;
		if (addr != NULL && !net_addr_wildcard(la, alen) &&
		    !net_addr_is(la, alen, addr))
			continue;
		skip = 0;
		for (i = 0; exclude != NULL && exclude[i] != NULL; i++)
			if (net_addr_is(ra, rlen, exclude[i]))
				skip = 1;
		if (!skip)
			n++;
	}
	return n;
}

void
net_curl_quote(struct buf *b, const char *s)
{
	buf_addc(b, '"');
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '"':
			buf_adds(b, "\\\"");
			break;
		case '\\':
			buf_adds(b, "\\\\");
			break;
		case '\n':
			buf_adds(b, "\\n");
			break;
		case '\r':
			buf_adds(b, "\\r");
			break;
		case '\t':
			buf_adds(b, "\\t");
			break;
		case '\v':
			buf_adds(b, "\\v");
			break;
		default:
			buf_addc(b, *s);
		}
	}
	buf_addc(b, '"');
}

/* Python's quote_plus. */
static void
net_quote_plus(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '_' || c == '.' || c == '-' || c == '~')
			buf_addc(b, c);
		else if (c == ' ')
			buf_addc(b, '+');
		else
			buf_addf(b, "%%%02X", c);
	}
}

static void
net_form_pair(struct buf *b, const char *k, const struct value *v)
{
	char	*s;

	if (v->type == V_NULL)
		return;
	if (b->len > 0)
		buf_addc(b, '&');
	net_quote_plus(b, k);
	buf_addc(b, '=');
	/* to_text of a bool is "True"/"False", as Python prints them. */
	if (v->type == V_BOOL)
		s = xstrdup(v->u.b ? "True" : "False");
	else
		s = value_to_string(v);
	net_quote_plus(b, s);
	free(s);
}

static void
net_form_values(struct buf *b, const char *k, const struct value *v)
{
	if (v->type == V_LIST)
		for (size_t i = 0; i < v->u.list.n; i++)
			net_form_pair(b, k, v->u.list.items[i]);
	else
		net_form_pair(b, k, v);
}

int
net_form_urlencode(const struct value *v, struct buf *b, char **cause)
{
	const struct value	*pair;
	char			*k;

	if (v->type == V_STR) {
		buf_add(b, v->u.str.s, v->u.str.len);
		return 0;
	}
	if (v->type == V_DICT) {
		for (size_t i = 0; i < v->u.dict.n; i++)
			net_form_values(b, v->u.dict.keys[i], v->u.dict.vals[i]);
		return 0;
	}
	if (v->type != V_LIST) {
		*cause = xstrdup("failed to parse body as form_urlencoded: "
		    "a dict, a list of pairs or a string is needed");
		return -1;
	}
	for (size_t i = 0; i < v->u.list.n; i++) {
		pair = v->u.list.items[i];
		if (pair->type != V_LIST || pair->u.list.n != 2) {
			*cause = xstrdup("failed to parse body as "
			    "form_urlencoded: cannot form a valid list of "
			    "key-value pairs");
			return -1;
		}
		k = value_to_string(pair->u.list.items[0]);
		net_form_values(b, k, pair->u.list.items[1]);
		free(k);
	}
	return 0;
}

void
net_reply_free(struct net_reply *r)
{
	free(r->url);
	free(r->body_path);
	free(r->error);
	value_unref(r->headers);
	memset(r, 0, sizeof *r);
}

/* One "Name: value" header line into the dict, the name lowered. */
static void
net_header(struct value *h, const char *line, size_t len)
{
	const char	*colon = memchr(line, ':', len), *v;
	char		*name, *p;
	size_t		 vl;

	if (colon == NULL || colon == line)
		return;
	name = xstrndup(line, colon - line);
	for (p = name; *p != '\0'; p++)
		*p = tolower((unsigned char)*p);
	for (v = colon + 1; v < line + len && (*v == ' ' || *v == '\t'); v++)
		;
	vl = line + len - v;
	while (vl > 0 && (v[vl - 1] == '\r' || v[vl - 1] == ' '))
		vl--;
	value_dict_set(h, name, value_strn(v, vl));
	free(name);
}

int
net_reply_parse(const char *out, struct net_reply *r)
{
	const char	*p = out, *nl;
	size_t		 len;
	int		 in_headers = 0, seen_rc = 0;

	memset(r, 0, sizeof *r);
	r->status = -1;
	r->headers = value_dict();
	for (; *p != '\0'; p = nl != NULL ? nl + 1 : p + len) {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (in_headers) {
			if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
				/* A new response (after a redirect or a 100). */
				value_unref(r->headers);
				r->headers = value_dict();
			} else
				net_header(r->headers, p, len);
			continue;
		}
		if (len == 13 && strncmp(p, "cairn-headers", 13) == 0) {
			in_headers = 1;
			continue;
		}
#define NET_KEY(k) (len >= sizeof(k) - 1 && strncmp(p, k, sizeof(k) - 1) == 0)
#define NET_VAL(k) xstrndup(p + sizeof(k) - 1, len - (sizeof(k) - 1))
		if (NET_KEY("cairn-rc=")) {
			r->tool_rc = atoi(p + 9);
			seen_rc = 1;
		} else if (NET_KEY("cairn-code=")) {
			r->status = atoi(p + 11);
			if (r->status == 0)
				r->status = -1;
		} else if (NET_KEY("cairn-redirects="))
			r->redirects = atoi(p + 16);
		else if (NET_KEY("cairn-url=")) {
			free(r->url);
			r->url = NET_VAL("cairn-url=");
		} else if (NET_KEY("cairn-body=")) {
			free(r->body_path);
			r->body_path = NET_VAL("cairn-body=");
		} else if (NET_KEY("cairn-error=") && len > 12) {
			free(r->error);
			r->error = NET_VAL("cairn-error=");
		}
#undef NET_KEY
#undef NET_VAL
	}
	return seen_rc ? 0 : -1;
}

char *
net_url_filename(const char *url)
{
	const char	*p = strstr(url, "://"), *path, *end, *slash;

	p = p != NULL ? p + 3 : url;
	if ((path = strchr(p, '/')) == NULL)
		return xstrdup("");
	end = path + strcspn(path, "?#");
	for (slash = end; slash > path && slash[-1] != '/'; slash--)
		;
	return xstrndup(slash, end - slash);
}

int
net_checksum_split(const char *s, char **algo, char **hex, char **cause)
{
	static const char *const algos[] = { "md5", "sha1", "sha224",
		"sha256", "sha384", "sha512" };
	const char	*colon = strchr(s, ':');
	char		*p;
	size_t		 i;

	*algo = *hex = NULL;
	if (colon == NULL) {
		*cause = xstrdup("The checksum parameter has to be in format "
		    "<algorithm>:<checksum>");
		return -1;
	}
	*algo = xstrndup(s, colon - s);
	for (p = *algo; *p != '\0'; p++)
		*p = tolower((unsigned char)*p);
	for (i = 0; i < ARRAY_SIZE(algos); i++)
		if (strcmp(*algo, algos[i]) == 0)
			break;
	if (i == ARRAY_SIZE(algos)) {
		*cause = xasprintf("unsupported checksum algorithm '%s'", *algo);
		goto fail;
	}
	if (strstr(colon + 1, "://") != NULL) {
		*cause = xstrdup("a checksum read from a URL is not supported "
		    "by cairn: give the digest itself");
		goto fail;
	}
	*hex = xstrdup(colon + 1);
	str_trim(*hex);
	for (p = *hex; *p != '\0'; p++) {
		if (!isxdigit((unsigned char)*p)) {
			*cause = xasprintf("The checksum format is invalid: "
			    "'%s' is not a hex digest", colon + 1);
			goto fail;
		}
		*p = tolower((unsigned char)*p);
	}
	return 0;
fail:
	free(*algo);
	free(*hex);
	*algo = *hex = NULL;
	return -1;
}
