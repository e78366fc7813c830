/*
 * uri: talks to an HTTP server from the target with its curl: any
 * method, a raw, JSON or form body, status codes to accept, the
 * response's headers, content and parsed JSON, or its body saved to
 * dest.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "net.h"

static const char *const uri_aliases[] = {
	"ansible.builtin.uri", "ansible.legacy.uri", NULL
};
static const char *const user_aliases[] = { "user", NULL };
static const char *const format_choices[] = { "form-urlencoded", "json",
	"raw", "form-multipart", NULL };
static const char *const follow_choices[] = { "all", "no", "none", "safe",
	"urllib2", "yes", NULL };

static const struct mod_param uri_params[] = {
	NET_URL_PARAMS,
	{ "dest", P_PATH, 0, NULL, NULL, NULL },
	{ "url_username", P_STR, 0, NULL, NULL, user_aliases },
	{ "body", P_RAW, 0, NULL, NULL, NULL },
	{ "body_format", P_STR, 0, "raw", format_choices, NULL },
	{ "src", P_PATH, 0, NULL, NULL, NULL },
	{ "remote_src", P_BOOL, 0, "no", NULL, NULL },
	{ "method", P_STR, 0, "GET", NULL, NULL },
	{ "return_content", P_BOOL, 0, "no", NULL, NULL },
	{ "follow_redirects", P_STR, 0, "safe", follow_choices, NULL },
	{ "creates", P_PATH, 0, NULL, NULL, NULL },
	{ "removes", P_PATH, 0, NULL, NULL, NULL },
	{ "status_code", P_LIST, 0, "200", NULL, NULL },
	{ "timeout", P_INT, 0, "30", NULL, NULL },
	{ "unix_socket", P_PATH, 0, NULL, NULL, NULL },
	{ "ca_path", P_PATH, 0, NULL, NULL, NULL },
	MOD_FILE_COMMON_PARAMS,
	{ NULL }
};

static int
uri_validate(const struct mod_args *args, char **cause)
{
	struct value	*m = args_get(args, "method");
	const char	*fmt = args_str(args, "body_format");
	const char	*p;

	if (args_has(args, "body") && args_has(args, "src")) {
		*cause = xstrdup("parameters are mutually exclusive: body|src");
		return -1;
	}
	if (m != NULL && m->type == V_STR && !value_is_template(m)) {
		for (p = m->u.str.s; *p >= 'A' && *p <= 'Z'; p++)
			;
		if (*p != '\0' || p == m->u.str.s) {
			*cause = xstrdup("Parameter 'method' needs to be a "
			    "single word in uppercase, like GET or POST.");
			return -1;
		}
	}
	if (fmt != NULL && strcmp(fmt, "form-multipart") == 0) {
		*cause = xstrdup("body_format=form-multipart is not supported "
		    "by cairn");
		return -1;
	}
	if (args_has(args, "src") || args_has(args, "unix_socket") ||
	    args_bool(args, "use_gssapi", 0)) {
		*cause = xstrdup("src, unix_socket and use_gssapi are not "
		    "supported by cairn's uri");
		return -1;
	}
	return 0;
}

/* Whether the headers dict names h (case-insensitive). */
static int
uri_has_header(const struct value *headers, const char *h)
{
	for (size_t i = 0; headers != NULL && headers->type == V_DICT &&
	    i < headers->u.dict.n; i++)
		if (strcasecmp(headers->u.dict.keys[i], h) == 0)
			return 1;
	return 0;
}

/* The accepted codes as Python prints the list: "[200, 201]". */
static int
uri_codes(const struct value *l, int status, struct buf *text)
{
	int	ok = 0;
	char	*s;

	buf_addc(text, '[');
	for (size_t i = 0; l != NULL && l->type == V_LIST && i < l->u.list.n;
	    i++) {
		s = value_to_string(l->u.list.items[i]);
		buf_addf(text, "%s%s", i > 0 ? ", " : "", s);
		if (atoi(s) == status)
			ok = 1;
		free(s);
	}
	buf_addc(text, ']');
	return ok;
}

/* JSON content types as Ansible's JSON_CANDIDATES: json, javascript, +json. */
static int
uri_maybe_json(const char *ct)
{
	const char	*sub, *plus;
	size_t		 n;

	if (ct == NULL || (sub = strchr(ct, '/')) == NULL)
		return 0;
	sub++;
	n = strcspn(sub, ";");
	if ((plus = memchr(sub, '+', n)) != NULL) {
		n -= plus + 1 - sub;
		sub = plus + 1;
	}
	while (n > 0 && isspace((unsigned char)sub[n - 1]))
		n--;
	return (n == 4 && strncasecmp(sub, "json", 4) == 0) ||
	    (n == 10 && strncasecmp(sub, "javascript", 10) == 0);
}

/* The response's headers as result keys: lowered, '-' made '_'. */
static void
uri_set_headers(struct result *r, const struct value *h)
{
	struct value	*cookies = value_dict();
	const char	*v, *eq;
	char		*k, *p;

	for (size_t i = 0; i < h->u.dict.n; i++) {
		k = xstrdup(h->u.dict.keys[i]);
		for (p = k; *p != '\0'; p++)
			if (*p == '-')
				*p = '_';
		result_set(r, k, value_ref(h->u.dict.vals[i]));
		free(k);
	}
	v = value_dict_get(h, "set-cookie") != NULL ?
	    value_dict_get(h, "set-cookie")->u.str.s : NULL;
	if (v != NULL && (eq = strchr(v, '=')) != NULL) {
		k = xstrndup(v, eq - v);
		value_dict_set(cookies, k, value_strn(eq + 1,
		    strcspn(eq + 1, ";")));
		free(k);
		result_setstr(r, "cookies_string", v);
	} else
		result_setstr(r, "cookies_string", "");
	result_set(r, "cookies", cookies);
}

static int
uri_body(const struct mod_args *args, struct value *headers, char **body,
    char **cause)
{
	struct value	*b = args_get(args, "body");
	const char	*fmt = args_str(args, "body_format");
	struct buf	 out = BUF_INIT;

	*body = NULL;
	if (b == NULL || b->type == V_NULL)
		return 0;
	if (strcmp(fmt, "json") == 0) {
		if (b->type == V_STR)
			buf_add(&out, b->u.str.s, b->u.str.len);
		else
			value_to_json(&out, b, 0);
		if (!uri_has_header(headers, "content-type"))
			value_dict_setstr(headers, "Content-Type",
			    "application/json");
	} else if (strcmp(fmt, "form-urlencoded") == 0) {
		if (net_form_urlencode(b, &out, cause) != 0) {
			buf_release(&out);
			return -1;
		}
		if (!uri_has_header(headers, "content-type"))
			value_dict_setstr(headers, "Content-Type",
			    "application/x-www-form-urlencoded");
	} else {
		char *s = value_to_string(b);

		buf_adds(&out, s);
		free(s);
	}
	buf_cstr(&out);
	*body = buf_detach(&out, NULL);
	return 0;
}

static enum mod_status
uri_run(struct task_ctx *ctx, const struct mod_args *args, struct result *r)
{
	const char		*url = args_str(args, "url");
	const char		*dest = args_str(args, "dest");
	const char		*follow = args_str(args, "follow_redirects");
	const char		*creates = args_str(args, "creates");
	const char		*removes = args_str(args, "removes");
	int			 rc_content = args_bool(args, "return_content", 0);
	struct net_request	 req;
	struct net_reply	 rep;
	struct host_stat	 st;
	struct value		*headers, *ct, *cl, *js;
	struct buf		 codes = BUF_INIT, content = BUF_INIT, s = BUF_INIT;
	struct exec_result	 res = EXEC_RESULT_INIT;
	char			*cause = NULL, *body = NULL, *path = NULL, *fn;
	char			*jcause = NULL, *msg = NULL;
	int			 ok, ac = 0, changed = 0;
	time_t			 start = time(NULL);
	enum mod_status		 status = MOD_FAILED;

	memset(&rep, 0, sizeof rep);
	headers = args_get(args, "headers") != NULL ?
	    value_copy(args_get(args, "headers")) : value_dict();
	if (uri_validate(args, &cause) != 0)
		goto out;
	if (creates != NULL) {
		if (host_stat(ctx, creates, 0, &st, &cause) != 0)
			goto out;
		if (st.type != FT_NONE) {
			result_set(r, "stdout", value_strf("skipped, since "
			    "'%s' exists", creates));
			status = MOD_OK;
			goto out;
		}
	}
	if (removes != NULL) {
		if (host_stat(ctx, removes, 0, &st, &cause) != 0)
			goto out;
		if (st.type == FT_NONE) {
			result_set(r, "stdout", value_strf("skipped, since "
			    "'%s' does not exist", removes));
			status = MOD_OK;
			goto out;
		}
	}
	if (uri_body(args, headers, &body, &cause) != 0)
		goto out;
	if (dest != NULL) {
		if (host_stat(ctx, dest, STAT_FOLLOW, &st, &cause) != 0)
			goto out;
		if (st.type == FT_DIR) {
			fn = net_url_filename(url);
			path = xasprintf("%s/%s", dest, *fn != '\0' ? fn :
			    "index.html");
			free(fn);
		} else
			path = xstrdup(dest);
	}

	memset(&req, 0, sizeof req);
	req.url = url;
	req.method = args_str(args, "method");
	req.headers = headers;
	req.body = body;
	req.user = args_str(args, "url_username");
	req.password = args_str(args, "url_password");
	req.force_basic_auth = args_bool(args, "force_basic_auth", 0);
	req.validate_certs = args_bool(args, "validate_certs", 1);
	req.follow = strcmp(follow, "no") != 0 && strcmp(follow, "none") != 0;
	req.follow_all = strcmp(follow, "all") == 0 ||
	    strcmp(follow, "yes") == 0;
	req.timeout = (int)args_int(args, "timeout", 30);
	req.agent = args_str(args, "http_agent");
	req.use_proxy = args_bool(args, "use_proxy", 1);
	req.use_netrc = args_bool(args, "use_netrc", 1);
	req.client_cert = args_str(args, "client_cert");
	req.client_key = args_str(args, "client_key");
	req.ca_path = args_str(args, "ca_path");
	if (net_http_fetch(ctx, &req, &rep, &cause) != 0)
		goto out;

	ok = uri_codes(args_get(args, "status_code"), rep.status, &codes);
	ct = value_dict_get(rep.headers, "content-type");
	cl = value_dict_get(rep.headers, "content-length");
	if (rep.status == -1)
		msg = xasprintf("Request failed: %s", rep.error != NULL ?
		    rep.error : "no response");
	else
		msg = xasprintf("OK (%s bytes)", cl != NULL ? cl->u.str.s :
		    "unknown");
	uri_set_headers(r, rep.headers);
	result_setbool(r, "redirected", strcmp(rep.url, url) != 0);
	result_setstr(r, "url", rep.url);
	result_setint(r, "status", rep.status);
	result_setint(r, "elapsed", (long long)(time(NULL) - start));

	if (uri_maybe_json(ct != NULL ? ct->u.str.s : NULL) || rc_content ||
	    !ok) {
		if (host_read(ctx, rep.body_path, &content, &cause) != 0)
			goto out;
		if (uri_maybe_json(ct != NULL ? ct->u.str.s : NULL) &&
		    (js = value_from_json(buf_cstr(&content), content.len,
		    &jcause)) != NULL)
			result_set(r, "json", js);
	}
	if (path != NULL && ok && rep.status != 304) {
		buf_adds(&s, "chmod 0644 ");
		shell_quote_buf(&s, rep.body_path);
		buf_adds(&s, "; mv -f ");
		shell_quote_buf(&s, rep.body_path);
		buf_addc(&s, ' ');
		host_path_word(&s, path);
		if (host_run(ctx, buf_cstr(&s), &res, &cause) != 0)
			goto out;
		if (res.rc != 0) {
			cause = xasprintf("failed to write %s: %s", path,
			    buf_cstr(&res.err));
			goto out;
		}
		/* As Ansible: writing dest always counts as a change. */
		changed = 1;
		if (host_stat(ctx, path, STAT_FOLLOW, &st, &cause) != 0 ||
		    host_set_attrs_st(ctx, path, &st, args_get(args, "mode"),
		    args_str(args, "owner"), args_str(args, "group"), 0, 1,
		    &ac, NULL, NULL, &cause) != 0)
			goto out;
		result_setstr(r, "path", path);
	} else {
		net_remove(ctx, rep.body_path);
		if (path != NULL)
			result_setstr(r, "path", path);
	}
	free(rep.body_path);
	rep.body_path = NULL;
	if (rc_content)
		result_set(r, "content", value_strn(buf_cstr(&content),
		    content.len));
	if (!ok) {
		status = result_fail(r, "Status code was %d and not %s: %s",
		    rep.status, buf_cstr(&codes), msg);
		goto out;
	}
	result_setstr(r, "msg", msg);
	status = changed || ac ? MOD_CHANGED : MOD_OK;
out:
	if (status == MOD_FAILED && cause != NULL)
		status = result_fail(r, "%s", cause);
	else if (status == MOD_FAILED && !value_dict_get(r->v, "msg"))
		status = result_fail(r, "uri failed");
	if (rep.body_path != NULL)
		net_remove(ctx, rep.body_path);
	net_reply_free(&rep);
	value_unref(headers);
	free(cause);
	free(jcause);
	free(body);
	free(path);
	free(msg);
	buf_release(&codes);
	buf_release(&content);
	buf_release(&s);
	exec_result_release(&res);
	return status;
}

const struct module_entry module_uri = {
	.name = "uri",
	.aliases = uri_aliases,
	.params = uri_params,
	.validate = uri_validate,
	.run = uri_run,
};
