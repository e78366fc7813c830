/* The apt module on the target: locked apt scripts, the cache, simulated then real apt-get runs. */
#include <stdlib.h>
#include <string.h>

#include "apt-plan.h"
#include "module.h"

/*
 * Every apt command runs with these: no prompts, parsable messages, and
 * a retry while another apt or dpkg (unattended-upgrades on a fresh
 * cloud host) holds a lock, until lock_timeout.
 */
static const char apt_prologue[] =
	"DEBIAN_FRONTEND=noninteractive DEBIAN_PRIORITY=critical LANG=C "
	"LC_ALL=C LC_MESSAGES=C LC_CTYPE=C\n"
	"export DEBIAN_FRONTEND DEBIAN_PRIORITY LANG LC_ALL LC_MESSAGES "
	"LC_CTYPE\n"
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:"
	"$PATH\n"
	"cairn_apt() {\n"
	"\t_t=$(mktemp -d) || return 125\n"
	"\t_end=$(($(date +%%s) + %d))\n"
	"\twhile :; do\n"
	"\t\t\"$@\" </dev/null >\"$_t/o\" 2>\"$_t/e\"; _rc=$?\n"
	"\t\tif [ $_rc -ne 0 ] && [ $(date +%%s) -lt $_end ] && grep -q "
	"-e 'Could not get lock' -e 'Unable to lock' -e 'Unable to acquire' "
	"\"$_t/e\"; then sleep 1; continue; fi\n"
	"\t\tbreak\n"
	"\tdone\n"
	"\tcat \"$_t/o\"; cat \"$_t/e\" >&2; rm -rf \"$_t\"; return $_rc\n"
	"}\n";

#define APT_STAMP	"/var/lib/apt/periodic/update-success-stamp"
#define APT_LISTS	"/var/lib/apt/lists"

/* Runs an apt script (prologue added); 0, or -1 with s->cause. */
int
apt_script(struct apt_state *s, const char *body, struct exec_result *res)
{
	struct buf	 b = BUF_INIT;
	int		 r;

	buf_addf(&b, apt_prologue, s->lock_timeout);
	buf_adds(&b, body);
	exec_result_release(res);
	r = host_run(s->ctx, buf_cstr(&b), res, &s->cause);
	buf_release(&b);
	return r == 0 ? 0 : -1;
}

char *
apt_line(struct buf *b, size_t *pos)
{
	const char	*s = buf_cstr(b) + *pos, *e = strchr(s, '\n');
	size_t		 len = e != NULL ? (size_t)(e - s) : strlen(s);

	*pos += len + (e != NULL);
	return xstrndup(s, len);
}

/* The cache time, the clock and dpkg's view, in one round trip. */
int
apt_probe(struct apt_state *s)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	size_t			 pos = 0;
	char			*l1, *l2;
	int			 r = -1;

	if (apt_script(s, "command -v apt-get >/dev/null 2>&1 || "
	    "{ echo 'apt-get not found: not a Debian-like host' >&2; exit 127; }\n"
	    "if [ -e " APT_STAMP " ]; then stat -c %Y " APT_STAMP "\n"
	    "elif [ -e " APT_LISTS " ]; then stat -c %Y " APT_LISTS "\n"
	    "else echo 0; fi\n"
	    "date +%s\n"
	    "dpkg-query -W -f='${Package}\\t${Version}\\t${db:Status-Abbrev}\\n'"
	    " 2>/dev/null\n"
	    "exit 0\n", &res) != 0)
		goto out;
	if (res.rc != 0) {
		result_set_exec(s->r, &res);
		s->cause = xstrndup(buf_cstr(&res.err), res.err.len);
		goto out;
	}
	l1 = apt_line(&res.out, &pos);
	l2 = apt_line(&res.out, &pos);
	s->cache_time = strtoll(l1, NULL, 10);
	free(l1);
	free(l2);
	apt_dpkg_parse(buf_cstr(&res.out) + pos, &s->dpkg);
	r = 0;
out:
	exec_result_release(&res);
	return r;
}

/*
 * update_cache / cache_valid_time: apt-get update when the lists are
 * older than cache_valid_time.  Not in check mode: there *would_update.
 */
int
apt_update_cache(struct apt_state *s, int *would)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	long long		 valid = args_int(s->args, "cache_valid_time", 0);
	long long		 now;
	struct buf		 b = BUF_INIT;
	char			*l;
	size_t			 pos = 0;
	int			 r = -1;

	*would = 0;
	if (!args_bool(s->args, "update_cache", 0) && valid <= 0)
		return 0;
	if (apt_script(s, "date +%s\n", &res) != 0)
		goto out;
	l = apt_line(&res.out, &pos);
	now = strtoll(l, NULL, 10);
	free(l);
	if (!apt_cache_stale(s->cache_time, now, valid)) {
		r = 0;
		goto out;
	}
	*would = 1;
	if (s->check) {
		r = 0;
		goto out;
	}
	/*
	 * apt-get update leaves the lists' mtime alone when nothing is new;
	 * touching it makes cache_valid_time mean "since the last update".
	 */
	/* Only the last attempt's complaints are told, as Ansible does. */
	buf_addf(&b, "_ue=$(mktemp) || exit 1\nn=0\n"
	    "while :; do\n"
	    "\tcairn_apt apt-get update -q >/dev/null 2>\"$_ue\" && break\n"
	    "\tn=$((n + 1)); if [ $n -ge %lld ]; then cat \"$_ue\" >&2; "
	    "rm -f \"$_ue\"; exit 1; fi; sleep $n\n"
	    "done\nrm -f \"$_ue\"\n"
	    "[ -e " APT_STAMP " ] || touch " APT_LISTS "\n"
	    "if [ -e " APT_STAMP " ]; then stat -c %%Y " APT_STAMP "\n"
	    "else stat -c %%Y " APT_LISTS "; fi\n",
	    args_int(s->args, "update_cache_retries", 5) > 0 ?
	    args_int(s->args, "update_cache_retries", 5) : 1);
	if (apt_script(s, buf_cstr(&b), &res) != 0)
		goto out;
	if (res.rc != 0) {
		result_set_exec(s->r, &res);
		s->cause = xasprintf("Failed to update apt cache: %s",
		    res.err.len != 0 ? buf_cstr(&res.err) : "unknown reason");
		goto out;
	}
	pos = 0;
	l = apt_line(&res.out, &pos);
	s->cache_time = strtoll(l, NULL, 10);
	free(l);
	s->cache_updated = 1;
	r = 0;
out:
	buf_release(&b);
	exec_result_release(&res);
	return r;
}

/*
 * clean: apt-get clean, before anything else as Ansible runs it; it
 * always reports a change.  Not run in check mode.
 */
int
apt_clean(struct apt_state *s)
{
	struct exec_result	res = EXEC_RESULT_INIT;
	int			r = -1;

	if (s->check)
		return 0;
	if (apt_script(s, "cairn_apt apt-get clean\n", &res) != 0)
		goto out;
	result_setstr(s->r, "stdout", buf_cstr(&res.out));
	result_setstr(s->r, "stderr", buf_cstr(&res.err));
	if (res.rc != 0 || res.err.len != 0) {
		result_setint(s->r, "rc", res.rc);
		s->cause = res.err.len != 0 ? xasprintf("apt-get clean failed: "
		    "%s", buf_cstr(&res.err)) : xstrdup("apt-get clean failed");
		goto out;
	}
	r = 0;
out:
	exec_result_release(&res);
	return r;
}

void
apt_cmd_init(struct apt_state *s, struct apt_cmd *c, const char *op)
{
	const struct mod_args	*a = s->args;

	memset(c, 0, sizeof *c);
	c->op = op;
	c->dpkg_options = args_str(a, "dpkg_options");
	c->default_release = args_str(a, "default_release");
	c->install_recommends = args_has(a, "install_recommends") ?
	    args_bool(a, "install_recommends", 0) : -1;
	c->lock_timeout = s->lock_timeout;
	c->force = args_bool(a, "force", 0);
	c->allow_downgrade = args_bool(a, "allow_downgrade", 0);
	c->allow_unauthenticated = args_bool(a, "allow_unauthenticated", 0);
	c->allow_change_held = args_bool(a, "allow_change_held_packages", 0);
}

/*
 * Simulates c, and unless nothing would change or this is check mode,
 * runs it for real.  Fills stdout, stderr and the diff.
 */
enum mod_status
apt_apply(struct apt_state *s, struct apt_cmd *c, int set_msg)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 cmd = BUF_INIT, line = BUF_INIT, run = BUF_INIT;
	struct apt_sim		 sim;
	struct value		*d;
	char			*missing, *prep;
	enum mod_status		 st = MOD_FAILED;

	c->simulate = 1;
	apt_cmd_line(&line, c);
	buf_addf(&cmd, "cairn_apt %s\n", buf_cstr(&line));
	if (apt_script(s, buf_cstr(&cmd), &res) != 0)
		goto out;
	if (res.rc == 0) {
		apt_sim_parse(buf_cstr(&res.out), &sim);
		if (!apt_sim_changes(&sim)) {
			st = MOD_OK;
			goto out;
		}
	}
	if (res.rc == 0 && !s->check) {
		c->simulate = 0;
		buf_reset(&line);
		buf_reset(&cmd);
		apt_cmd_line(&line, c);
		buf_addf(&run, "cairn_apt %s", buf_cstr(&line));
		apt_policy_rc_d_wrap(&cmd, buf_cstr(&run), s->policy_rc_d);
		if (apt_script(s, buf_cstr(&cmd), &res) != 0)
			goto out;
		if (res.rc == 0 && strcmp(c->op, "build-dep") == 0 &&
		    apt_builddep_nothing(buf_cstr(&res.out))) {
			st = MOD_OK;
			goto out;
		}
	}
	result_setstr(s->r, "stdout", buf_cstr(&res.out));
	result_setstr(s->r, "stderr", buf_cstr(&res.err));
	if (res.rc != 0) {
		result_set_exec(s->r, &res);
		if ((missing = apt_missing_package(buf_cstr(&res.err))) != NULL) {
			s->cause = xasprintf("No package matching '%s' is "
			    "available", missing);
			free(missing);
		} else
			s->cause = xasprintf("'%s' failed: %s", buf_cstr(&line),
			    buf_cstr(&res.err));
		goto out;
	}
	if (set_msg)
		result_setstr(s->r, "msg", buf_cstr(&res.out));
	/* Ansible returns diff: {} outside diff mode. */
	d = value_dict();
	if (ctx_diff_mode(s->ctx)) {
		prep = apt_parse_diff(buf_cstr(&res.out));
		value_dict_set(d, "prepared", value_str_take(prep));
	}
	result_set(s->r, "diff", d);
	st = MOD_CHANGED;
out:
	buf_release(&cmd);
	buf_release(&line);
	buf_release(&run);
	exec_result_release(&res);
	return st;
}
