/*
 * async and poll: a task's work as a job on the target that outlives the
 * connection, kept in ~/.ansible_async/JID as Ansible's async_wrapper
 * keeps it, so that async_status (here or in a later run) reads it.
 * Called by executor-task.c in place of a module's run; calls only the
 * host API.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "executor-internal.h"
#include "host.h"
#include "output.h"

/* Where a job's files are, as a word for the shell ("$HOME/..."). */
#define ASYNC_DIR	"~/.ansible_async"
/* async_wrapper checks its job every 5 seconds; we kill when it would. */
#define ASYNC_STEP	5

char *
async_new_jid(void)
{
	unsigned long long	n = 0;

	if (getrandom(&n, sizeof n, 0) != (ssize_t)sizeof n)
		n = (unsigned long long)getpid() * 2654435761ULL;
	return xasprintf("j%llu.%ld", n % 1000000000000ULL, (long)getpid());
}

int
async_kill_after(int limit)
{
	if (limit < 1)
		limit = 1;
	return ASYNC_STEP * ((limit + ASYNC_STEP - 1) / ASYNC_STEP + 1);
}

/*
 * The job itself, run by setsid so that it has its own session: no
 * hangup reaches it when the connection goes.  $1 the job file, $2 the
 * time limit, $3 the script, $4 the result's first fields as JSON.
 * Output goes to files beside the job's, then into its JSON: sed escapes
 * it (control characters other than tab and newline become spaces).
 */
static const char async_wrapper[] =
	"j=$1\n"
	"cairn_esc() { sed -e 's/\\\\/\\\\\\\\/g' -e 's/\"/\\\\\"/g' "
	    "-e 's/\\t/\\\\t/g' -e 's/\\r/\\\\r/g' -e 's/[[:cntrl:]]/ /g' "
	    "\"$1\" | sed -e ':a' -e 'N' -e '$!ba' -e 's/\\n/\\\\n/g'; }\n"
	"s=$(date '+%Y-%m-%d %H:%M:%S.%6N'); s0=$(date +%s%6N)\n"
	"in=/dev/null; [ -e \"$j.in\" ] && in=$j.in\n"
	"timeout -k 1 \"$2\" /bin/sh -c \"$3\" <\"$in\" >\"$j.out\" "
	    "2>\"$j.err\" &\n"
	"echo $! >\"$j.pid\"\n"
	"wait $!; rc=$?\n"
	"e=$(date '+%Y-%m-%d %H:%M:%S.%6N'); e0=$(date +%s%6N)\n"
	"if [ $rc -eq 124 ] || [ -e \"$j.kill\" ]; then\n"
	"\tprintf '{\"msg\": \"Timeout exceeded\", \"failed\": true, "
	    "\"child_pid\": %s}\\n' \"$(cat \"$j.pid\")\"\n"
	"else\n"
	"\td=$((e0 - s0))\n"
	"\tm='\"msg\": \"\"'\n"
	"\t[ $rc -eq 0 ] || m='\"failed\": true, \"msg\": \"non-zero return "
	    "code\"'\n"
	"\tprintf '{%s\"changed\": true, %s, \"rc\": %d, \"start\": \"%s\", "
	    "\"end\": \"%s\", \"delta\": \"%d:%02d:%02d.%06d\", "
	    "\"stdout\": \"' \"$4\" \"$m\" \"$rc\" \"$s\" \"$e\" "
	    "$((d / 3600000000)) $((d / 60000000 % 60)) "
	    "$((d / 1000000 % 60)) $((d % 1000000))\n"
	"\tprintf '%s\", \"stderr\": \"%s\"}\\n' \"$(cairn_esc \"$j.out\")\" "
	    "\"$(cairn_esc \"$j.err\")\"\n"
	"fi >\"$j.tmp\" && mv -f \"$j.tmp\" \"$j\"\n"
	"rm -f \"$j.out\" \"$j.err\" \"$j.pid\" \"$j.in\" \"$j.kill\"\n";

/* "j=DIR/JID" for the shell, with DIR made if needed. */
static void
async_job_word(struct buf *s, const char *jid)
{
	buf_adds(s, "d=");
	host_path_word(s, ASYNC_DIR);
	buf_adds(s, "\nj=\"$d\"/");
	shell_quote_buf(s, jid);
	buf_addc(s, '\n');
}

void
async_launch_script(struct buf *s, const char *jid, int limit,
    const char *script, const char *first, int has_in)
{
	char	*started;

	async_job_word(s, jid);
	buf_adds(s, "mkdir -p \"$d\" || exit 1\n");
	started = xasprintf("{\"started\": 1, \"finished\": 0, "
	    "\"ansible_job_id\": \"%s\"}", jid);
	buf_adds(s, "printf '%s\\n' ");
	shell_quote_buf(s, started);
	free(started);
	buf_adds(s, " >\"$j.tmp\" && mv -f \"$j.tmp\" \"$j\" || exit 1\n");
	if (has_in)
		buf_adds(s, "cat >\"$j.in\" || exit 1\n");
	buf_adds(s, "setsid /bin/sh -c ");
	shell_quote_buf(s, async_wrapper);
	buf_adds(s, " cairn-async \"$j\" ");
	buf_addf(s, "%d ", async_kill_after(limit));
	shell_quote_buf(s, script);
	buf_addc(s, ' ');
	shell_quote_buf(s, first);
	buf_adds(s, " </dev/null >/dev/null 2>&1 &\nprintf '%s' \"$j\"");
}

/*
 * The fields a job's result starts with, as JSON members followed by
 * ", " (or nothing): what the module's job hook put in its result,
 * but the ones the job sets itself.
 */
static char *
async_first_fields(const struct value *res)
{
	static const char *const own[] = {
		"changed", "failed", "msg", "rc", "start", "end", "delta",
		"stdout", "stderr", "stdout_lines", "stderr_lines", NULL
	};
	struct value	*d = value_dict();
	struct buf	 b = BUF_INIT;
	char		*out;

	for (size_t i = 0; i < res->u.dict.n; i++) {
		size_t k;

		for (k = 0; own[k] != NULL; k++)
			if (strcmp(own[k], res->u.dict.keys[i]) == 0)
				break;
		if (own[k] == NULL)
			value_dict_set(d, res->u.dict.keys[i],
			    value_ref(res->u.dict.vals[i]));
	}
	if (d->u.dict.n > 0) {
		value_to_json(&b, d, 0);
		/* the members without their braces */
		b.s[b.len - 1] = '\0';
		out = xasprintf("%s, ", b.s + 1);
	} else
		out = xstrdup("");
	buf_release(&b);
	value_unref(d);
	return out;
}

static void
async_lines(struct value *r, const char *key, const char *lines_key)
{
	struct value	*v = value_dict_get(r, key), *l;
	char		*s, *p, *nl;

	if (v == NULL || v->type != V_STR || value_dict_get(r, lines_key))
		return;
	l = value_list();
	s = xstrdup(v->u.str.s);
	for (p = s; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL) {
			value_list_append(l, value_str(p));
			break;
		}
		*nl = '\0';
		value_list_append(l, value_str(p));
	}
	free(s);
	value_dict_set(r, lines_key, l);
}

/* Trailing newlines go, as command's strip_empty_ends does. */
static void
async_strip(struct value *r, const char *key)
{
	struct value	*v = value_dict_get(r, key);
	size_t		 n;

	if (v == NULL || v->type != V_STR)
		return;
	n = strlen(v->u.str.s);
	while (n > 0 && (v->u.str.s[n - 1] == '\n' ||
	    v->u.str.s[n - 1] == '\r'))
		n--;
	if (n != strlen(v->u.str.s))
		value_dict_set(r, key, value_strn(v->u.str.s, n));
}

enum mod_status
async_status_of(struct value *r, const char *jid, const char *path,
    const char *text, size_t len)
{
	struct value	*data = NULL;
	char		*cause = NULL;

	value_dict_set(r, "ansible_job_id", value_str(jid));
	value_dict_set(r, "results_file", value_str(path));
	value_dict_setint(r, "started", 1);
	value_dict_setint(r, "finished", 0);
	if (len > 0)
		data = value_from_json(text, len, &cause);
	free(cause);
	if (data == NULL || data->type != V_DICT) {
		/* not written yet: the job is still starting */
		value_unref(data);
		value_dict_setstr(r, "stdout", "");
		value_dict_setstr(r, "stderr", "");
		value_dict_set(r, "stdout_lines", value_list());
		value_dict_set(r, "stderr_lines", value_list());
		return MOD_OK;
	}
	if (value_dict_get(data, "started") == NULL) {
		value_dict_setint(data, "finished", 1);
		value_dict_set(data, "ansible_job_id", value_str(jid));
	} else if (value_dict_get(data, "finished") == NULL)
		value_dict_setint(data, "finished", 0);
	value_dict_merge(r, data, 0);
	value_unref(data);
	if (value_dict_get(r, "stdout") == NULL)
		value_dict_setstr(r, "stdout", "");
	if (value_dict_get(r, "stderr") == NULL)
		value_dict_setstr(r, "stderr", "");
	async_strip(r, "stdout");
	async_strip(r, "stderr");
	async_lines(r, "stdout", "stdout_lines");
	async_lines(r, "stderr", "stderr_lines");
	if (value_truthy(value_dict_get(r, "failed")))
		return MOD_FAILED;
	return value_truthy(value_dict_get(r, "changed")) ? MOD_CHANGED :
	    MOD_OK;
}

/* The job file's path as the target sees it, for results_file. */
static char *
async_path(struct task_ctx *ctx, const char *jid)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 s = BUF_INIT;
	char			*cause = NULL, *path;

	async_job_word(&s, jid);
	buf_adds(&s, "printf '%s' \"$j\"");
	if (host_run(ctx, buf_cstr(&s), &res, &cause) == 0 && res.rc == 0)
		path = xstrdup(buf_cstr(&res.out));
	else
		path = xasprintf("%s/%s", ASYNC_DIR, jid);
	free(cause);
	buf_release(&s);
	exec_result_release(&res);
	return path;
}

enum mod_status
async_job_status(struct task_ctx *ctx, const char *jid, int cleanup,
    struct result *r)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 s = BUF_INIT;
	enum mod_status		 st;
	char			*cause = NULL;
	const char		*out;
	size_t			 nl;

	async_job_word(&s, jid);
	buf_adds(&s, "printf '%s\\n' \"$j\"\n[ -e \"$j\" ] || exit 3\n");
	if (cleanup)
		buf_adds(&s, "rm -f -- \"$j\" \"$j.out\" \"$j.err\" "
		    "\"$j.pid\" \"$j.in\" \"$j.kill\" \"$j.tmp\"");
	else
		buf_adds(&s, "cat -- \"$j\"");
	if (host_run(ctx, buf_cstr(&s), &res, &cause) != 0) {
		buf_release(&s);
		exec_result_release(&res);
		st = result_fail(r, "%s", cause);
		free(cause);
		return st;
	}
	buf_release(&s);
	out = buf_cstr(&res.out);
	nl = strcspn(out, "\n");
	result_set(r, "ansible_job_id", value_str(jid));
	if (res.rc == 3) {
		result_set(r, "results_file", value_strn(out, nl));
		result_setint(r, "started", 1);
		result_setint(r, "finished", 1);
		result_setstr(r, "stdout", "");
		result_setstr(r, "stderr", "");
		result_set(r, "stdout_lines", value_list());
		result_set(r, "stderr_lines", value_list());
		exec_result_release(&res);
		return result_fail(r, "could not find job");
	}
	if (res.rc != 0) {
		st = result_fail_exec(r, "async_status", &res);
		exec_result_release(&res);
		return st;
	}
	if (cleanup) {
		result_set(r, "erased", value_strn(out, nl));
		exec_result_release(&res);
		return MOD_OK;
	}
	{
		char *path = xstrndup(out, nl);

		out += nl + (out[nl] == '\n');
		st = async_status_of(r->v, jid, path, out, strlen(out));
		free(path);
	}
	exec_result_release(&res);
	return st;
}

/* A status field as a number: 1, "1", true. */
static int
async_flag(struct value *r, const char *key)
{
	struct value	*v = value_dict_get(r, key);

	if (v == NULL)
		return 0;
	if (v->type == V_INT)
		return (int)v->u.i;
	if (v->type == V_STR)
		return atoi(v->u.str.s);
	return value_truthy(v);
}

/* Sleeps n seconds, a second at a time so that an interrupt is seen. */
static void
async_sleep(int n)
{
	for (int i = 0; i < n && !conn_interrupted(); i++)
		sleep(1);
}

/* Stops a job the controller gave up on, as its wrapper would. */
static void
async_kill(struct task_ctx *ctx, const char *jid)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 s = BUF_INIT;
	char			*cause = NULL;

	async_job_word(&s, jid);
	buf_adds(&s, "[ -e \"$j.pid\" ] || exit 0\n: >\"$j.kill\"\n"
	    "kill -TERM \"-$(cat \"$j.pid\")\" 2>/dev/null; exit 0");
	(void)host_run(ctx, buf_cstr(&s), &res, &cause);
	free(cause);
	buf_release(&s);
	exec_result_release(&res);
}

/*
 * Polls every poll seconds until the job is done or limit seconds have
 * gone, as Ansible's task executor does; then removes a finished job's
 * file.  r gets the job's result, or Ansible's failure with the last
 * status as async_result.
 */
static enum mod_status
async_poll(struct task_ctx *ctx, const char *host, const char *jid,
    int limit, int poll, struct result *r)
{
	struct result	 cur = { NULL };
	enum mod_status	 st = MOD_OK;
	int		 left = limit, done = 0;

	while (left > 0 && !conn_interrupted()) {
		async_sleep(poll);
		value_unref(cur.v);
		cur.v = value_dict();
		st = async_job_status(ctx, jid, 0, &cur);
		if (ctx->unreachable)
			break;
		left -= poll;
		if (async_flag(cur.v, "finished") == 1 || st == MOD_FAILED) {
			done = async_flag(cur.v, "finished") == 1;
			break;
		}
		output_msg("ASYNC POLL on %s: jid=%s started=1 finished=0",
		    host, jid);
	}
	if (ctx->unreachable) {
		value_unref(cur.v);
		return MOD_FAILED;
	}
	if (!done) {
		async_kill(ctx, jid);
		output_msg("ASYNC FAILED on %s: jid=%s", host, jid);
		if (cur.v != NULL)
			result_set(r, "async_result", cur.v);
		result_setbool(r, "changed", 0);
		return result_fail(r, "async task did not complete within "
		    "the requested time - %ds", limit);
	}
	value_dict_merge(r->v, cur.v, 0);
	value_unref(cur.v);
	output_msg("ASYNC %s on %s: jid=%s", st == MOD_FAILED ? "FAILED" :
	    "OK", host, jid);
	cur.v = value_dict();
	(void)async_job_status(ctx, jid, 1, &cur);
	value_unref(cur.v);
	return st;
}

/* poll: 0 for a module without a job: its result is the job's file. */
static void
async_record(struct task_ctx *ctx, const char *jid, struct result *r,
    enum mod_status st)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct value		*copy = value_copy(r->v);
	struct buf		 s = BUF_INIT, j = BUF_INIT;
	char			*cause = NULL;

	value_dict_setbool(copy, "changed", st == MOD_CHANGED);
	if (st == MOD_FAILED)
		value_dict_setbool(copy, "failed", 1);
	value_to_json(&j, copy, 0);
	buf_addc(&j, '\n');
	value_unref(copy);
	async_job_word(&s, jid);
	buf_adds(&s, "mkdir -p \"$d\" && cat >\"$j.tmp\" && "
	    "mv -f \"$j.tmp\" \"$j\"");
	(void)host_run_stdin(ctx, buf_cstr(&s), j.s, j.len, &res, &cause);
	free(cause);
	buf_release(&s);
	buf_release(&j);
	exec_result_release(&res);
}

enum mod_status
async_run(struct task_ctx *ctx, const struct module_entry *m,
    const struct mod_args *args, int limit, int poll, struct result *r)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 script = BUF_INIT, in = BUF_INIT, s = BUF_INIT;
	enum mod_status		 st;
	char			*jid, *first, *path, *cause = NULL;

	jid = async_new_jid();
	/*
	 * A module whose work is several round trips from here cannot
	 * outlive the connection: it runs now, its result is what
	 * async_status finds, and with poll its result comes back as a
	 * finished job's.  So does a job module done without a job (its
	 * creates says so): Ansible's job would have found that too.
	 */
	if (m->job == NULL || m->job(ctx, args, r, &script, &in, &st) != 0) {
		if (m->job == NULL)
			st = m->run(ctx, args, r);
		if (ctx->unreachable)
			goto out;
		path = async_path(ctx, jid);
		if (poll > 0) {
			result_set(r, "ansible_job_id", value_str(jid));
			result_setint(r, "started", 1);
			result_setint(r, "finished", 1);
			result_set(r, "results_file", value_str_take(path));
			goto out;
		}
		async_record(ctx, jid, r, st);
		value_unref(r->v);
		r->v = value_dict();
		goto started;
	}
	first = async_first_fields(r->v);
	async_launch_script(&s, jid, limit, buf_cstr(&script), first,
	    in.len > 0);
	free(first);
	if (host_run_stdin(ctx, buf_cstr(&s), in.len > 0 ? in.s : NULL,
	    in.len, &res, &cause) != 0 || res.rc != 0) {
		st = cause != NULL ? result_fail(r, "%s", cause) :
		    result_fail_exec(r, "async", &res);
		free(cause);
		goto out;
	}
	value_unref(r->v);
	r->v = value_dict();
	if (poll > 0) {
		st = async_poll(ctx, ctx_host_name(ctx), jid, limit, poll, r);
		goto out;
	}
	path = xstrdup(buf_cstr(&res.out));
started:
	/* fire and forget: Ansible's answer from async_wrapper */
	result_set(r, "ansible_job_id", value_str(jid));
	result_setint(r, "started", 1);
	result_setint(r, "finished", 0);
	result_set(r, "results_file", value_str_take(path));
	st = MOD_CHANGED;
out:
	free(jid);
	buf_release(&script);
	buf_release(&in);
	buf_release(&s);
	exec_result_release(&res);
	return st;
}
