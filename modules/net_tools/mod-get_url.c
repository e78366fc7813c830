/*
 * get_url: downloads a URL to a file on the target with its curl (or
 * wget), into a temp file beside dest that is checked (sha1, and the
 * given checksum) before it is renamed over dest.
 */
#include <stdlib.h>
#include <string.h>

#include "net.h"

static const char *const get_url_aliases[] = {
	"ansible.builtin.get_url", "ansible.legacy.get_url", NULL
};
static const char *const user_aliases[] = { "username", NULL };

static const struct mod_param get_url_params[] = {
	NET_URL_PARAMS,
	{ "dest", P_PATH, P_REQUIRED, NULL, NULL, NULL },
	{ "tmp_dest", P_PATH, 0, NULL, NULL, NULL },
	{ "backup", P_BOOL, 0, "no", NULL, NULL },
	{ "checksum", P_STR, 0, "", NULL, NULL },
	{ "timeout", P_INT, 0, "10", NULL, NULL },
	{ "url_username", P_STR, 0, NULL, NULL, user_aliases },
	MOD_FILE_COMMON_PARAMS,
	{ NULL }
};

static int
get_url_validate(const struct mod_args *args, char **cause)
{
	struct value	*ck = args_get(args, "checksum");
	char		*algo, *hex;

	if (args_bool(args, "use_gssapi", 0)) {
		*cause = xstrdup("use_gssapi is not supported by cairn");
		return -1;
	}
	if (ck == NULL || ck->type != V_STR || value_is_template(ck) ||
	    ck->u.str.len == 0)
		return 0;
	if (net_checksum_split(ck->u.str.s, &algo, &hex, cause) != 0)
		return -1;
	free(algo);
	free(hex);
	return 0;
}

/* One digest of a file on the target ("sha1", "sha256"...), malloc'd. */
static char *
get_url_digest(struct task_ctx *ctx, const char *algo, const char *path,
    char **cause)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 s = BUF_INIT;
	char			*d = NULL;

	buf_addf(&s, "%ssum < ", algo);	/* one of net_checksum_split's */
	host_path_word(&s, path);
	buf_adds(&s, " | cut -d' ' -f1");
	if (host_run(ctx, buf_cstr(&s), &res, cause) == 0) {
		if (res.rc != 0)
			*cause = xasprintf("cannot compute the %s of '%s'",
			    algo, path);
		else {
			while (res.out.len > 0 &&
			    res.out.s[res.out.len - 1] == '\n')
				res.out.len--;
			d = xstrndup(res.out.s, res.out.len);
		}
	}
	buf_release(&s);
	exec_result_release(&res);
	return d;
}

/* Ansible's msg for a response: "OK (N bytes)". */
static char *
get_url_msg(const struct net_reply *rep)
{
	struct value	*cl = value_dict_get(rep->headers, "content-length");

	return xasprintf("OK (%s bytes)", cl != NULL && cl->type == V_STR ?
	    cl->u.str.s : "unknown");
}

/* Backup (when asked) and the rename of the checked temp file. */
static int
get_url_install(struct task_ctx *ctx, const char *tmp, const char *dest,
    int backup, int exists, char **backup_file, char **cause)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 s = BUF_INIT;
	int			 r = 0;

	*backup_file = NULL;
	buf_adds(&s, "set -e\n");
	if (backup && exists) {
		buf_adds(&s, "bk=");
		host_path_word(&s, dest);
		buf_adds(&s, ".$$.$(date +%Y-%m-%d@%H:%M:%S~)\ncp -p ");
		host_path_word(&s, dest);
		buf_adds(&s, " \"$bk\"\necho \"$bk\"\n");
	}
	buf_adds(&s, "chmod 0644 ");
	shell_quote_buf(&s, tmp);
	buf_adds(&s, " 2>/dev/null || true\nmv -f ");
	shell_quote_buf(&s, tmp);
	buf_addc(&s, ' ');
	host_path_word(&s, dest);
	if (host_run(ctx, buf_cstr(&s), &res, cause) != 0)
		r = -1;
	else if (res.rc != 0) {
		*cause = xasprintf("failed to copy %s to %s: %s", tmp, dest,
		    buf_cstr(&res.err));
		r = -1;
	} else if (backup && exists) {
		while (res.out.len > 0 && res.out.s[res.out.len - 1] == '\n')
			res.out.len--;
		*backup_file = xstrndup(res.out.s, res.out.len);
	}
	buf_release(&s);
	exec_result_release(&res);
	return r;
}

static enum mod_status
get_url_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	const char		*url = args_str(args, "url");
	const char		*dest0 = args_str(args, "dest");
	const char		*ckarg = args_str(args, "checksum");
	int			 force = args_bool(args, "force", 0);
	int			 check = ctx_check_mode(ctx), changed = 0, ac = 0;
	struct net_request	 req;
	struct net_reply	 rep;
	struct host_stat	 st, dst;
	char			*cause = NULL, *algo = NULL, *want = NULL;
	char			*dest = NULL, *dir = NULL, *fn = NULL, *have = NULL;
	char			*sum_src = NULL, *sum_dest = NULL, *msg = NULL;
	char			*backup = NULL, *slash, m[8];
	enum mod_status		 status = MOD_FAILED;

	memset(&rep, 0, sizeof rep);
	if (get_url_validate(args, &cause) != 0)
		goto out;
	if (ckarg != NULL && *ckarg != '\0' &&
	    net_checksum_split(ckarg, &algo, &want, &cause) != 0)
		goto out;
	dest = xstrdup(dest0);
	result_setstr(r, "url", url);
	if (host_stat(ctx, dest, STAT_FOLLOW, &st, &cause) != 0)
		goto out;
	if (st.type == FT_DIR) {
		fn = net_url_filename(url);
		dir = xstrdup(dest);
		free(dest);
		dest = xasprintf("%s/%s", dir, *fn != '\0' ? fn : "index.html");
		if (host_stat(ctx, dest, STAT_FOLLOW, &st, &cause) != 0)
			goto out;
	} else {
		dir = xstrdup(dest);
		if ((slash = strrchr(dir, '/')) != NULL)
			*(slash == dir ? slash + 1 : slash) = '\0';
		else {
			free(dir);
			dir = xstrdup(".");
		}
	}
	result_setstr(r, "dest", dest);

	/* An existing file with the right checksum is not fetched again. */
	if (st.type == FT_FILE && !force && want != NULL) {
		if ((have = get_url_digest(ctx, algo, dest, &cause)) == NULL)
			goto out;
		if (strcmp(have, want) == 0) {
			if (host_set_attrs_st(ctx, dest, &st, args_get(args,
			    "mode"), args_str(args, "owner"), args_str(args,
			    "group"), 0, 1, &ac, NULL, NULL, &cause) != 0)
				goto out;
			result_setstr(r, "msg", ac ? "file already exists but "
			    "file attributes changed" : "file already exists");
			status = ac ? MOD_CHANGED : MOD_OK;
			goto out;
		}
		force = 1;
	}

	memset(&req, 0, sizeof req);
	req.url = url;
	req.method = check ? "HEAD" : "GET";
	req.headers = args_get(args, "headers");
	req.user = args_str(args, "url_username");
	req.password = args_str(args, "url_password");
	req.force_basic_auth = args_bool(args, "force_basic_auth", 0);
	req.validate_certs = args_bool(args, "validate_certs", 1);
	req.follow = 1;
	req.timeout = (int)args_int(args, "timeout", 10);
	req.agent = args_str(args, "http_agent");
	req.tmpdir = args_str(args, "tmp_dest") != NULL ?
	    args_str(args, "tmp_dest") : dir;
	req.use_proxy = args_bool(args, "use_proxy", 1);
	req.use_netrc = args_bool(args, "use_netrc", 1);
	req.client_cert = args_str(args, "client_cert");
	req.client_key = args_str(args, "client_key");
	if (st.type == FT_FILE && !force)
		req.if_modified_since = st.mtime;
	if (net_http_fetch(ctx, &req, &rep, &cause) != 0)
		goto out;
	result_setstr(r, "src", rep.body_path);
	msg = get_url_msg(&rep);
	if (rep.status == 304) {
		net_remove(ctx, rep.body_path);
		result_setstr(r, "msg", msg);
		result_setint(r, "status_code", 304);
		status = MOD_OK;
		goto out;
	}
	if (rep.status != 200) {
		net_remove(ctx, rep.body_path);
		result_setint(r, "status_code", rep.status);
		result_setstr(r, "response", rep.status == -1 && rep.error !=
		    NULL ? rep.error : msg);
		cause = xstrdup("Request failed");
		goto out;
	}
	if ((sum_src = get_url_digest(ctx, "sha1", rep.body_path,
	    &cause)) == NULL) {
		net_remove(ctx, rep.body_path);
		goto out;
	}
	result_setstr(r, "checksum_src", sum_src);
	if (st.type == FT_FILE) {
		if ((sum_dest = get_url_digest(ctx, "sha1", dest,
		    &cause)) == NULL) {
			net_remove(ctx, rep.body_path);
			goto out;
		}
		result_setstr(r, "checksum_dest", sum_dest);
	} else {
		if (host_stat(ctx, dir, STAT_FOLLOW, &dst, &cause) != 0)
			goto out;
		if (dst.type != FT_DIR) {
			net_remove(ctx, rep.body_path);
			cause = xasprintf("Destination %s does not exist", dir);
			goto out;
		}
	}
	changed = sum_dest == NULL || strcmp(sum_src, sum_dest) != 0;
	if (check) {
		net_remove(ctx, rep.body_path);
		result_setstr(r, "msg", msg);
		status = changed ? MOD_CHANGED : MOD_OK;
		goto out;
	}
	/* The download is checked before it replaces anything. */
	if (want != NULL) {
		free(have);
		if ((have = get_url_digest(ctx, algo, rep.body_path,
		    &cause)) == NULL) {
			net_remove(ctx, rep.body_path);
			goto out;
		}
		if (strcmp(have, want) != 0) {
			net_remove(ctx, rep.body_path);
			cause = xasprintf("The checksum for %s did not match %s; "
			    "it was %s.", dest, want, have);
			goto out;
		}
	}
	if (changed) {
		if (get_url_install(ctx, rep.body_path, dest,
		    args_bool(args, "backup", 0), st.type == FT_FILE, &backup,
		    &cause) != 0) {
			net_remove(ctx, rep.body_path);
			goto out;
		}
	} else
		net_remove(ctx, rep.body_path);
	if (host_stat(ctx, dest, STAT_FOLLOW, &st, &cause) != 0 ||
	    host_set_attrs_st(ctx, dest, &st, args_get(args, "mode"),
	    args_str(args, "owner"), args_str(args, "group"), 0, 1, &ac, NULL,
	    NULL, &cause) != 0)
		goto out;
	if (ac && host_stat(ctx, dest, STAT_FOLLOW, &st, &cause) != 0)
		goto out;
	if (backup != NULL)
		result_setstr(r, "backup_file", backup);
	mode_format(st.mode, m);
	result_setstr(r, "mode", m);
	result_setstr(r, "owner", st.owner);
	result_setstr(r, "group", st.group);
	result_setint(r, "uid", st.uid);
	result_setint(r, "gid", st.gid);
	result_setint(r, "size", st.size);
	result_setstr(r, "state", "file");
	result_setstr(r, "msg", msg);
	result_setint(r, "status_code", rep.status);
	status = changed || ac ? MOD_CHANGED : MOD_OK;
out:
	if (status == MOD_FAILED)
		status = result_fail(r, "%s", cause != NULL ? cause :
		    "get_url failed");
	net_reply_free(&rep);
	free(cause);
	free(algo);
	free(want);
	free(have);
	free(dest);
	free(dir);
	free(fn);
	free(sum_src);
	free(sum_dest);
	free(msg);
	free(backup);
	return status;
}

const struct module_entry module_get_url = {
	.name = "get_url",
	.aliases = get_url_aliases,
	.params = get_url_params,
	.flags = MOD_SUPPORTS_CHECK,
	.validate = get_url_validate,
	.run = get_url_run,
};
