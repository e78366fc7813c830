/*
 * One HTTP request on the target for get_url and uri: curl when the host
 * has it (the request as a config file on its stdin), else wget for a
 * plain request.  The body lands in a temp file on the target.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "net.h"

/* curl's config for req: every user value quoted for curl, none for sh. */
static void
net_curl_config(const struct net_request *req, struct buf *c)
{
	const struct value	*h = req->headers;
	const char		*method = req->method != NULL ? req->method :
				    "GET";
	char			*s;
	int			 safe;

	buf_adds(c, "url = ");
	net_curl_quote(c, req->url);
	buf_adds(c, "\nrequest = ");
	net_curl_quote(c, method);
	buf_addc(c, '\n');
	for (size_t i = 0; h != NULL && h->type == V_DICT && i < h->u.dict.n;
	    i++) {
		s = value_to_string(h->u.dict.vals[i]);
		buf_adds(c, "header = ");
		/* "Name:" alone would remove curl's own header: keep a value. */
		if (*s == '\0') {
			free(s);
			s = xasprintf("%s;", h->u.dict.keys[i]);
		} else {
			char *t = xasprintf("%s: %s", h->u.dict.keys[i], s);

			free(s);
			s = t;
		}
		net_curl_quote(c, s);
		buf_addc(c, '\n');
		free(s);
	}
	if (req->body != NULL) {
		buf_adds(c, "data-raw = ");
		net_curl_quote(c, req->body);
		buf_addc(c, '\n');
	}
	if (req->user != NULL) {
		s = xasprintf("%s:%s", req->user, req->password != NULL ?
		    req->password : "");
		buf_adds(c, "user = ");
		net_curl_quote(c, s);
		buf_addc(c, '\n');
		free(s);
		/* Without force_basic_auth, credentials go after a challenge. */
		if (!req->force_basic_auth)
			buf_adds(c, "anyauth\n");
	}
	if (!req->validate_certs)
		buf_adds(c, "insecure\n");
	safe = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	if (req->follow && (req->follow_all || safe))
		buf_adds(c, "location\nmax-redirs = 50\n");
	if (req->follow_all) {
		/* Keep the method across 301/302/303, as urllib does with all. */
		buf_adds(c, "post301\npost302\npost303\n");
	}
	if (req->timeout > 0)
		buf_addf(c, "max-time = %d\n", req->timeout);
	if (req->if_modified_since > 0) {
		time_t		 t = (time_t)req->if_modified_since;
		struct tm	 tm;
		char		 date[64];

		gmtime_r(&t, &tm);
		strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
		buf_addf(c, "time-cond = \"%s\"\n", date);
	}
	buf_adds(c, "user-agent = ");
	net_curl_quote(c, req->agent != NULL ? req->agent : "ansible-httpget");
	buf_addc(c, '\n');
	if (!req->use_proxy)
		buf_adds(c, "noproxy = \"*\"\n");
	if (req->use_netrc)
		buf_adds(c, "netrc-optional\n");
	if (req->client_cert != NULL) {
		buf_adds(c, "cert = ");
		net_curl_quote(c, req->client_cert);
		buf_addc(c, '\n');
	}
	if (req->client_key != NULL) {
		buf_adds(c, "key = ");
		net_curl_quote(c, req->client_key);
		buf_addc(c, '\n');
	}
	if (req->ca_path != NULL) {
		buf_adds(c, "cacert = ");
		net_curl_quote(c, req->ca_path);
		buf_addc(c, '\n');
	}
}

/* wget can do a GET without credentials; curl is needed for the rest. */
static int
net_wget_can(const struct net_request *req)
{
	return (req->method == NULL || strcmp(req->method, "GET") == 0) &&
	    req->body == NULL && req->user == NULL &&
	    req->client_cert == NULL && req->client_key == NULL;
}

/* The wget half of the script: its arguments quoted for the shell. */
static void
net_wget_script(const struct net_request *req, struct buf *s)
{
	const struct value	*h = req->headers;
	char			*v;

	buf_adds(s, "wget -q -S -O \"$b\"");
	if (req->timeout > 0)
		buf_addf(s, " --timeout=%d", req->timeout);
	if (!req->validate_certs)
		buf_adds(s, " --no-check-certificate");
	if (!req->follow)
		buf_adds(s, " --max-redirect=0");
	if (!req->use_proxy)
		buf_adds(s, " --no-proxy");
	buf_adds(s, " -U ");
	shell_quote_buf(s, req->agent != NULL ? req->agent :
	    "ansible-httpget");
	for (size_t i = 0; h != NULL && h->type == V_DICT && i < h->u.dict.n;
	    i++) {
		v = value_to_string(h->u.dict.vals[i]);
		buf_adds(s, " --header=");
		{
			char *t = xasprintf("%s: %s", h->u.dict.keys[i], v);

			shell_quote_buf(s, t);
			free(t);
		}
		free(v);
	}
	buf_adds(s, " -- ");
	shell_quote_buf(s, req->url);
	buf_adds(s, " 2>\"$h\"\necho \"cairn-rc=$?\"\n"
	    "echo \"cairn-code=$(sed -n 's/^  HTTP\\/[0-9.]* \\([0-9]*\\).*/"
	    "\\1/p' \"$h\" | tail -n 1)\"\n"
	    "echo \"cairn-url=$(sed -n 's/^Location: //p' \"$h\" | tail -n 1)\"\n"
	    "echo \"cairn-redirects=$(grep -c '^  HTTP/[0-9.]* 30[1278]' "
	    "\"$h\")\"\n"
	    "echo \"cairn-body=$b\"\n"
	    "echo \"cairn-error=$(grep -v '^  ' \"$h\" | head -c 2000 | "
	    "tr '\\n' ' ')\"\n"
	    "echo cairn-headers\nsed -n 's/^  //p' \"$h\"\n");
}

int
net_http_fetch(struct task_ctx *ctx, const struct net_request *req,
    struct net_reply *reply, char **cause)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 s = BUF_INIT, conf = BUF_INIT;
	int			 r = -1;

	memset(reply, 0, sizeof *reply);
	net_curl_config(req, &conf);
	buf_adds(&s, "d=");
	host_path_word(&s, req->tmpdir != NULL ? req->tmpdir : "/tmp");
	buf_adds(&s, "\n[ -d \"$d\" ] || d=${TMPDIR:-/tmp}\n"
	    "b=$(mktemp \"$d/.cairn-http.XXXXXX\") || exit 1\n"
	    "h=$(mktemp) || { rm -f \"$b\"; exit 1; }\n"
	    "if command -v curl >/dev/null 2>&1; then\n"
	    "curl -K - -sS -D \"$h\" -o \"$b\" -w 'cairn-code=%{http_code}\\n"
	    "cairn-redirects=%{num_redirects}\\ncairn-url=%{url_effective}\\n' "
	    "2>\"$h.err\"\necho \"cairn-rc=$?\"\necho \"cairn-body=$b\"\n"
	    "echo \"cairn-error=$(head -c 2000 \"$h.err\" | tr '\\n' ' ')\"\n"
	    "echo cairn-headers\ncat \"$h\"\nrm -f \"$h.err\"\n");
	if (net_wget_can(req)) {
		buf_adds(&s, "elif command -v wget >/dev/null 2>&1; then\n");
		net_wget_script(req, &s);
	}
	buf_adds(&s, "else\nrm -f \"$b\" \"$h\"\nexit 3\nfi\nrm -f \"$h\"\n");
	if (host_run_stdin(ctx, buf_cstr(&s), conf.s, conf.len, &res,
	    cause) != 0)
		goto out;
	if (res.rc == 3) {
		*cause = xstrdup(net_wget_can(req) ? "neither curl nor wget is "
		    "installed on the target" : "curl is not installed on the "
		    "target (wget cannot send this request)");
		goto out;
	}
	if (res.rc != 0 || net_reply_parse(buf_cstr(&res.out), reply) != 0) {
		*cause = xasprintf("cannot run the request on the target: %s",
		    res.err.len > 0 ? buf_cstr(&res.err) : "no output");
		net_reply_free(reply);
		goto out;
	}
	if (reply->url == NULL || *reply->url == '\0') {
		free(reply->url);
		reply->url = xstrdup(req->url);
	}
	r = 0;
out:
	buf_release(&s);
	buf_release(&conf);
	exec_result_release(&res);
	return r;
}

void
net_remove(struct task_ctx *ctx, const char *path)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 s = BUF_INIT;
	char			*cause = NULL;

	if (path == NULL || *path == '\0')
		return;
	buf_adds(&s, "rm -f ");
	shell_quote_buf(&s, path);
	(void)host_run(ctx, buf_cstr(&s), &res, &cause);
	free(cause);
	buf_release(&s);
	exec_result_release(&res);
}
