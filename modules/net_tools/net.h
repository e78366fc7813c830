/*
 * The net_tools family: wait_for, get_url and uri.  The pure side
 * (net.c) reads /proc/net/tcp, quotes curl's config and parses what the
 * target's curl or wget printed; the host side (net-host.c) runs one
 * HTTP request on the target.  No user value reaches a command line: a
 * request travels to curl as a config file on its standard input.
 */
#ifndef CAIRN_NET_H
#define CAIRN_NET_H

#include <stddef.h>

#include "module.h"
#include "util.h"

/*
 * The parameters get_url and uri share, as Ansible's url_argument_spec
 * (plus url_username/url_password with each module's aliases).
 */
extern const char *const net_password_aliases[];
#define NET_URL_PARAMS							\
	{ "url", P_STR, P_REQUIRED, NULL, NULL, NULL },			\
	{ "url_password", P_STR, P_SECRET, NULL, NULL,			\
	    net_password_aliases },					\
	{ "force_basic_auth", P_BOOL, 0, "no", NULL, NULL },		\
	{ "http_agent", P_STR, 0, "ansible-httpget", NULL, NULL },	\
	{ "use_proxy", P_BOOL, 0, "yes", NULL, NULL },			\
	{ "validate_certs", P_BOOL, 0, "yes", NULL, NULL },		\
	{ "client_cert", P_PATH, 0, NULL, NULL, NULL },			\
	{ "client_key", P_PATH, 0, NULL, NULL, NULL },			\
	{ "use_gssapi", P_BOOL, 0, "no", NULL, NULL },			\
	{ "use_netrc", P_BOOL, 0, "yes", NULL, NULL },			\
	{ "ciphers", P_LIST, 0, NULL, NULL, NULL },			\
	{ "unredirected_headers", P_LIST, 0, NULL, NULL, NULL },	\
	{ "decompress", P_BOOL, 0, "yes", NULL, NULL },			\
	{ "force", P_BOOL, 0, "no", NULL, NULL },			\
	{ "headers", P_DICT, 0, NULL, NULL, NULL }

/* net.c: no host access. */

/*
 * The TCP state numbers of /proc/net/tcp for Ansible's names
 * (ESTABLISHED, SYN_SENT, ..., LISTEN), or -1 for an unknown name.
 */
int	 net_tcp_state(const char *name);
/*
 * The address of /proc/net/tcp's columns ("0100007F") for an IPv4
 * literal: 0 and out, or -1 when s is not one.
 */
int	 net_ipv4_hex(const char *s, char out[9]);
/*
 * Counts the sockets of /proc/net/tcp{,6} text whose local port is port
 * and whose state bit (1 << state) is in states.  addr (NULL: any)
 * limits them to that local address or a wildcard one; the remote
 * addresses in exclude (NULL-terminated hex, NULL: none) are not
 * counted (wait_for's exclude_hosts).
 */
size_t	 net_tcp_count(const char *text, int port, unsigned int states,
	    const char *addr, char *const *exclude);

/* Appends s as a double-quoted string of a curl config file. */
void	 net_curl_quote(struct buf *, const char *s);
/*
 * A body for form-urlencoded: a string as it is, a dict or a list of
 * pairs as urlencode gives it (list values repeat the key, nulls are
 * left out).  0, or -1 and *cause.
 */
int	 net_form_urlencode(const struct value *, struct buf *, char **cause);

/* What an HTTP request gave, from the script's output (net_reply_parse). */
struct net_reply {
	int		 tool_rc;	/* curl's or wget's exit status */
	int		 status;	/* HTTP status, -1 when none */
	int		 redirects;
	char		*url;		/* the final URL */
	char		*body_path;	/* the temp file holding the body */
	char		*error;		/* the tool's error text, or NULL */
	struct value	*headers;	/* last response's, names lowered */
};
void	 net_reply_free(struct net_reply *);	/* the fields, not r */
/*
 * Parses the output of the script net_http_fetch runs (lines of
 * "cairn-KEY=value", then "cairn-headers" and the raw header blocks of
 * every response, the last one kept).  0, or -1 when it is not one.
 */
int	 net_reply_parse(const char *out, struct net_reply *);
/*
 * The last path segment of url (query and fragment cut), for a dest
 * that is a directory; "" when the path has none.  malloc'd.
 */
char	*net_url_filename(const char *url);
/*
 * Splits get_url's checksum "algorithm:hex": 0 with *algo and *hex
 * (malloc'd, hex lowered), or -1 and *cause for an unknown algorithm
 * or a missing ':'.
 */
int	 net_checksum_split(const char *, char **algo, char **hex,
	    char **cause);

/* net-host.c: one request on the target. */

struct net_request {
	const char		*url;
	const char		*method;	/* NULL: GET */
	const struct value	*headers;	/* dict or NULL */
	const char		*body;		/* NULL: none */
	size_t			 body_len;
	const char		*user, *password;
	int			 force_basic_auth;
	int			 validate_certs;
	int			 follow;	/* follow redirects */
	int			 follow_all;	/* also for other than GET/HEAD */
	int			 timeout;	/* seconds */
	const char		*agent;
	const char		*tmpdir;	/* body's temp file goes here */
	int			 decompress;
	int			 use_proxy;
	int			 use_netrc;
	const char		*client_cert, *client_key, *ca_path;
	long long		 if_modified_since;	/* epoch, 0: none */
};

/*
 * Runs req with the target's curl (or wget, when curl is missing and
 * req needs no more than wget does).  0 and reply (the body is left in
 * reply->body_path on the target: move it or remove it), or -1 and
 * *cause when the host could not run it or has neither tool.
 */
int	 net_http_fetch(struct task_ctx *, const struct net_request *,
	    struct net_reply *, char **cause);
/* Removes a temp file left by net_http_fetch (NULL-safe, best effort). */
void	 net_remove(struct task_ctx *, const char *path);

#endif
