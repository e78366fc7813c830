/* The host side apt_key, apt_repository and deb822_repository share: removing a file, fetching a key. */
#include <stdlib.h>
#include <string.h>

#include "aptsrc.h"
#include "module.h"
#include "net_tools/net.h"

int
aptsrc_fetch(struct task_ctx *ctx, const char *url, int validate_certs,
    struct buf *body, char **cause)
{
	struct net_request	 req;
	struct net_reply	 rep;
	int			 r = -1, e;

	memset(&req, 0, sizeof req);
	memset(&rep, 0, sizeof rep);
	req.url = url;
	req.validate_certs = validate_certs;
	req.follow = 1;
	req.timeout = 30;
	req.agent = "ansible-httpget";
	req.tmpdir = "/tmp";
	req.use_proxy = 1;
	req.use_netrc = 1;
	if (net_http_fetch(ctx, &req, &rep, cause) != 0)
		goto out;
	if (rep.status != 200) {
		*cause = xasprintf("Failed to download key at %s: %s", url,
		    rep.error != NULL ? rep.error : rep.status == -1 ?
		    "no response" : "HTTP status not 200");
		net_remove(ctx, rep.body_path);
		goto out;
	}
	e = host_read(ctx, rep.body_path, body, cause);
	net_remove(ctx, rep.body_path);
	if (e != 0)
		goto out;
	r = 0;
out:
	net_reply_free(&rep);
	return r;
}

int
aptsrc_unlink(struct task_ctx *ctx, const char *path, char **cause)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 cmd = BUF_INIT;
	int			 r;

	buf_adds(&cmd, "rm -f ");
	shell_quote_buf(&cmd, path);
	if ((r = host_run(ctx, buf_cstr(&cmd), &res, cause)) == 0 &&
	    res.rc != 0) {
		*cause = xasprintf("cannot remove '%s': %s", path,
		    buf_cstr(&res.err));
		r = -1;
	}
	buf_release(&cmd);
	exec_result_release(&res);
	return r;
}
