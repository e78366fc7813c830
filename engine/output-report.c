/*
 * The reports written when a run ends, as ansible-playbook 2.14's
 * callbacks write them:
 *
 * - json (--json, ANSIBLE_STDOUT_CALLBACK=json): one document on stdout
 *   instead of the default output: plays (name, id, path, duration), their
 *   tasks (the same, and each host's result with its action), stats,
 *   custom_stats and global_custom_stats, keys sorted, indent 4.
 * - junit (callbacks_enabled = junit): JUNIT_OUTPUT_DIR/PLAYBOOK-TIME.xml,
 *   one testcase per task and host, minidom's pretty XML.
 *
 * output.c calls in without holding its own lock; every entry point here
 * takes rep_lock and nothing else while holding it.
 */
#include <sys/stat.h>
#include <sys/time.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "expr.h"
#include "output-internal.h"

static pthread_mutex_t	 rep_lock = PTHREAD_MUTEX_INITIALIZER;

static struct value	*rep_doc;	/* the json document, or NULL */
static struct value	*rep_play;	/* the current play entry */
static struct value	*rep_task;	/* the current task entry */

/* What junit needs of the current task. */
static struct {
	int		 on;
	char		*dir;
	char		*playbook;	/* file name without extension */
	char		*play;		/* the current play's name */
	char		*task;		/* "name k=v, ..." */
	char		*path;
	double		 start;
	struct buf	 cases;		/* <testcase> elements so far */
	int		 ncases, nfail, nerror, nskip;
	double		 total;
} ju;

static unsigned long	 rep_serial;
static unsigned int	 rep_node;

static double
now(void)
{
	struct timeval	tv;

	gettimeofday(&tv, NULL);
	return tv.tv_sec + tv.tv_usec / 1e6;
}

/* "2026-12-03T12:57:35.890706Z", as the json callback stamps times. */
static struct value *
iso_time(double t)
{
	time_t		 s = (time_t)t;
	struct tm	 tm;
	char		 b[40];

	gmtime_r(&s, &tm);
	strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%S", &tm);
	return value_strf("%s.%06dZ", b, (int)((t - (double)s) * 1e6));
}

/* An id in the shape of Ansible's task uuids, unique within the run. */
static struct value *
new_id(void)
{
	if (rep_node == 0)
		rep_node = (unsigned int)(now() * 1000) ^ (unsigned int)getpid();
	return value_strf("%08x-%04x-%04x-%04x-%012lu", rep_node & 0xffffffffu,
	    1, (rep_node >> 8) & 0xffff, 0xffeb, ++rep_serial);
}

static void
set_duration(struct value *entry, const char *key, double t)
{
	struct value	*inner = value_dict_get(entry, "duration");

	if (inner == NULL) {
		inner = value_dict();
		value_dict_set(entry, "duration", inner);
	}
	value_dict_set(inner, key, iso_time(t));
}

static void
xml_escape(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': buf_adds(b, "&amp;"); break;
		case '<': buf_adds(b, "&lt;"); break;
		case '>': buf_adds(b, "&gt;"); break;
		case '"': buf_adds(b, "&quot;"); break;
		default: buf_addc(b, *s); break;
		}
	}
}

/* Python's repr of a float: the shortest text that reads back the same. */
static void
py_float(struct buf *b, double d)
{
	char	s[40];
	int	p;

	for (p = 1; p <= 17; p++) {
		snprintf(s, sizeof s, "%.*g", p, d);
		if (strtod(s, NULL) == d)
			break;
	}
	buf_adds(b, s);
	if (strpbrk(s, ".e") == NULL)
		buf_adds(b, ".0");
}

/* Python's decimal.Decimal(float): the double's exact decimal value. */
static void
py_decimal(struct buf *b, double d)
{
	char	s[400];
	size_t	n;

	snprintf(s, sizeof s, "%.200f", d);
	n = strlen(s);
	while (n > 0 && s[n - 1] == '0')
		n--;
	if (n > 0 && s[n - 1] == '.')
		n--;
	buf_add(b, s, n);
}

void
report_init(int json, const char *junit_dir)
{
	if (json) {
		rep_doc = value_dict();
		value_dict_set(rep_doc, "plays", value_list());
		value_dict_set(rep_doc, "custom_stats", value_dict());
		value_dict_set(rep_doc, "global_custom_stats", value_dict());
	}
	if (junit_dir != NULL) {
		ju.on = 1;
		ju.dir = xstrdup(junit_dir);
	}
}

int
report_json(void)
{
	return rep_doc != NULL;
}

void
report_playbook(const char *path)
{
	const char	*base;
	char		*dot;

	pthread_mutex_lock(&rep_lock);
	md_playbook(path);
	free(ju.playbook);
	base = strrchr(path, '/');
	ju.playbook = xstrdup(base != NULL ? base + 1 : path);
	if ((dot = strrchr(ju.playbook, '.')) != NULL && dot != ju.playbook)
		*dot = '\0';
	pthread_mutex_unlock(&rep_lock);
}

/*
 * A play or task entry: {what: {name, id, duration: {start}}, list: []}
 * ("tasks" list, or "hosts" dict), appended to into.
 */
static struct value *
new_entry(struct value *into, const char *what, const char *name,
    const char *list, double t)
{
	struct value	*e = value_dict(), *inner = value_dict();

	value_dict_setstr(inner, "name", name);
	value_dict_set(inner, "id", new_id());
	set_duration(inner, "start", t);
	value_dict_set(e, what, inner);
	value_dict_set(e, list, strcmp(list, "tasks") == 0 ? value_list() :
	    value_dict());
	value_list_append(into, e);
	return e;
}

void
report_play(const char *name)
{
	double	t = now();

	pthread_mutex_lock(&rep_lock);
	if (rep_doc != NULL) {
		rep_play = new_entry(value_dict_get(rep_doc, "plays"), "play",
		    name, "tasks", t);
		rep_task = NULL;
	}
	free(ju.play);
	ju.play = xstrdup(name);
	pthread_mutex_unlock(&rep_lock);
}

void
report_play_detail(const char *path)
{
	pthread_mutex_lock(&rep_lock);
	if (rep_play != NULL)
		value_dict_setstr(value_dict_get(rep_play, "play"), "path",
		    path);
	pthread_mutex_unlock(&rep_lock);
}

void
report_task(const char *name)
{
	double	t = now();

	pthread_mutex_lock(&rep_lock);
	if (rep_doc != NULL && rep_play != NULL)
		rep_task = new_entry(value_dict_get(rep_play, "tasks"), "task",
		    name, "hosts", t);
	md_task(name);
	free(ju.task);
	free(ju.path);
	ju.task = xstrdup(name);
	ju.path = NULL;
	ju.start = t;
	pthread_mutex_unlock(&rep_lock);
}

/* junit's "name k=v, k2=v2": the task's raw arguments, as Python's str(). */
static char *
junit_task_name(const char *name, struct value *args, int no_log)
{
	struct buf	 b = BUF_INIT;
	const char	*hide = getenv("JUNIT_HIDE_TASK_ARGUMENTS");
	size_t		 i;

	buf_adds(&b, name);
	if (no_log || args == NULL || args->type != V_DICT ||
	    args->u.dict.n == 0 || (hide != NULL && strcasecmp(hide,
	    "true") == 0))
		return buf_detach(&b, NULL);
	buf_addc(&b, ' ');
	for (i = 0; i < args->u.dict.n; i++) {
		buf_addf(&b, "%s%s=", i ? ", " : "", args->u.dict.keys[i]);
		expr_add_str(&b, args->u.dict.vals[i]);
	}
	return buf_detach(&b, NULL);
}

void
report_task_detail(const char *path, const char *action, struct value *args,
    int no_log)
{
	struct value	*inner;
	char		*name;

	pthread_mutex_lock(&rep_lock);
	md_task_path(path);
	if (rep_task != NULL) {
		inner = value_dict_get(rep_task, "task");
		if (path != NULL)
			value_dict_setstr(inner, "path", path);
		if (action != NULL)
			value_dict_setstr(rep_task, "_action", action);
	}
	if (ju.on && ju.task != NULL) {
		name = junit_task_name(ju.task, args, no_log);
		free(ju.task);
		ju.task = name;
		free(ju.path);
		ju.path = path != NULL ? xstrdup(path) : NULL;
	}
	pthread_mutex_unlock(&rep_lock);
}

static int
env_true(const char *name)
{
	const char	*v = getenv(name);

	return v != NULL && strcasecmp(v, "true") == 0;
}

static struct value *loop_items(struct value *, int);

/* One <testcase> for host's result of the current task. */
static void
junit_case(const char *host, enum out_status st, struct value *res,
    int ignored, int no_log, int flags, double t)
{
	struct value	*shown, *msg, *results;
	struct buf	*b = &ju.cases, dump = BUF_INIT;
	const char	*status = "ok", *classname = ju.path ? ju.path : "";
	char		*cls = NULL;
	size_t		 n;

	if (st == OUT_FAILED && !(ignored && !env_true("JUNIT_FAIL_ON_IGNORE")))
		status = "failed";
	else if (st == OUT_SKIPPED)
		status = "skipped";
	else if (st == OUT_UNREACHABLE)
		return;		/* no callback of junit's sees it */
	if (env_true("JUNIT_FAIL_ON_CHANGE") && strcmp(status, "ok") == 0 &&
	    res != NULL && value_truthy(value_dict_get(res, "changed")))
		status = "failed";
	if (strcmp(status, "failed") == 0 &&
	    strstr(ju.task, "EXPECTED FAILURE") != NULL)
		status = "ok";
	else if (strstr(ju.task, "TOGGLE RESULT") != NULL)
		status = strcmp(status, "failed") == 0 ? "ok" :
		    strcmp(status, "ok") == 0 ? "failed" : status;
	if (env_true("JUNIT_TASK_CLASS")) {
		/* one class per file: the path less its ".yml:LINE" */
		cls = xstrdup(classname);
		n = strlen(cls);
		while (n > 0 && cls[n - 1] >= '0' && cls[n - 1] <= '9')
			n--;
		if (n > 5 && strncmp(cls + n - 5, ".yml:", 5) == 0)
			cls[n - 5] = '\0';
		classname = cls;
	}
	shown = res != NULL ? output_shown_result(res, no_log) : value_dict();
	if ((results = value_dict_get(shown, "results")) != NULL &&
	    results->type == V_LIST && (flags & REP_LOOP))
		value_dict_set(shown, "results", loop_items(results, flags));
	/* a debug's result is dumped the way it is shown: indented */
	output_sorted_json(&dump, shown, (flags & REP_VERBOSE) && !no_log &&
	    !(flags & REP_LOOP) ? 4 : 0);
	value_unref(shown);

	buf_adds(b, "\t\t<testcase classname=\"");
	xml_escape(b, classname);
	buf_adds(b, "\" name=\"[");
	xml_escape(b, host);
	buf_adds(b, "] ");
	xml_escape(b, ju.play != NULL ? ju.play : "");
	buf_adds(b, ": ");
	xml_escape(b, ju.task);
	buf_adds(b, "\" time=\"");
	py_float(b, t - ju.start);
	buf_adds(b, "\">\n");
	if (strcmp(status, "ok") == 0) {
		buf_adds(b, "\t\t\t<system-out>");
		xml_escape(b, buf_cstr(&dump));
		buf_adds(b, "</system-out>\n");
	} else if (strcmp(status, "skipped") == 0) {
		msg = res != NULL ? value_dict_get(res, "skip_reason") : NULL;
		buf_adds(b, "\t\t\t<skipped>");
		xml_escape(b, msg != NULL && msg->type == V_STR ?
		    msg->u.str.s : "skipped");
		buf_adds(b, "</skipped>\n");
		ju.nskip++;
	} else {
		msg = res != NULL ? value_dict_get(res, "msg") : NULL;
		buf_adds(b, "\t\t\t<failure message=\"");
		if (msg != NULL) {
			struct buf m = BUF_INIT;

			expr_add_str(&m, msg);
			xml_escape(b, buf_cstr(&m));
			buf_release(&m);
		} else {
			struct value *rc = res != NULL ?
			    value_dict_get(res, "rc") : NULL;

			buf_adds(b, "rc=");
			if (rc != NULL)
				expr_add_str(b, rc);
			else
				buf_addc(b, '0');
		}
		buf_adds(b, "\" type=\"failure\">");
		xml_escape(b, buf_cstr(&dump));
		buf_adds(b, "</failure>\n");
		ju.nfail++;
	}
	buf_adds(b, "\t\t</testcase>\n");
	ju.ncases++;
	ju.total += t - ju.start;
	buf_release(&dump);
	free(cls);
}

/*
 * A loop's item results as the task executor leaves them: the internal
 * keys the json callback shows, and failed: false on the ones that did
 * not fail (junit's dump shows that too).  A new list.
 */
static struct value *
loop_items(struct value *results, int flags)
{
	struct value	*l = value_list(), *it, *c, *label;
	size_t		 i, k;

	for (i = 0; i < results->u.list.n; i++) {
		it = results->u.list.items[i];
		if (it->type != V_DICT) {
			value_list_append(l, value_ref(it));
			continue;
		}
		c = value_dict();
		for (k = 0; k < it->u.dict.n; k++)
			value_dict_set(c, it->u.dict.keys[k],
			    value_ref(it->u.dict.vals[k]));
		if (value_dict_get(c, "failed") == NULL)
			value_dict_setbool(c, "failed", 0);
		if (flags & REP_JSON) {
			label = value_dict_get(it, "_ansible_item_label");
			if (label == NULL)
				label = value_dict_get(it, "item");
			if (label != NULL)
				value_dict_set(c, "_ansible_item_label",
				    value_ref(label));
			value_dict_setbool(c, "_ansible_no_log", 0);
			if (flags & REP_VERBOSE)
				value_dict_setbool(c,
				    "_ansible_verbose_always", 1);
		}
		value_list_append(l, c);
	}
	return l;
}

/* A result as the json callback records it (flags: REP_*). */
static struct value *
json_result(struct value *res, enum out_status st, int no_log, int flags)
{
	struct value	*shown, *results;

	shown = res != NULL ? output_shown_result(res, no_log) : value_dict();
	if (no_log)
		return shown;
	if (st == OUT_FAILED)
		value_dict_setbool(shown, "failed", 1);
	else if (res != NULL && value_dict_get(res, "failed") != NULL)
		value_dict_set(shown, "failed",
		    value_ref(value_dict_get(res, "failed")));
	if (st == OUT_SKIPPED)
		value_dict_setbool(shown, "skipped", 1);
	if (res != NULL && value_dict_get(res, "diff"))
		value_dict_set(shown, "diff",
		    value_ref(value_dict_get(res, "diff")));
	if ((results = value_dict_get(shown, "results")) != NULL &&
	    results->type == V_LIST && (flags & REP_LOOP))
		value_dict_set(shown, "results",
		    loop_items(results, flags | REP_JSON));
	if (!(flags & REP_LOOP)) {
		value_dict_setbool(shown, "_ansible_no_log", 0);
		if (flags & REP_VERBOSE)
			value_dict_setbool(shown, "_ansible_verbose_always", 1);
	}
	return shown;
}

void
report_result(const char *host, enum out_status st, struct value *res,
    int ignored, int no_log, int flags)
{
	struct value	*shown, *action;
	double		 t = now();

	pthread_mutex_lock(&rep_lock);
	if (rep_task != NULL) {
		shown = json_result(res, st, no_log, flags);
		if ((action = value_dict_get(rep_task, "_action")) != NULL)
			value_dict_set(shown, "action", value_ref(action));
		value_dict_set(value_dict_get(rep_task, "hosts"), host, shown);
		set_duration(value_dict_get(rep_task, "task"), "end", t);
		set_duration(value_dict_get(rep_play, "play"), "end", t);
	}
	if (ju.on && ju.task != NULL)
		junit_case(host, st, res, ignored, no_log, flags, t);
	md_result(host, st, res, ignored, no_log);
	pthread_mutex_unlock(&rep_lock);
}

void
report_custom_stats(const char *host, struct value *data)
{
	struct value	*into, *cur;

	pthread_mutex_lock(&rep_lock);
	if (rep_doc != NULL && data != NULL && data->type == V_DICT) {
		if (host == NULL)
			into = value_dict_get(rep_doc, "global_custom_stats");
		else {
			cur = value_dict_get(rep_doc, "custom_stats");
			if ((into = value_dict_get(cur, host)) == NULL) {
				into = value_dict();
				value_dict_set(cur, host, into);
			}
		}
		value_dict_merge(into, data, 0);
	}
	pthread_mutex_unlock(&rep_lock);
}

/* Drops the bookkeeping keys the document must not show. */
static void
json_tidy(struct value *doc)
{
	struct value	*plays = value_dict_get(doc, "plays"), *tasks;
	size_t		 i, j;

	for (i = 0; plays != NULL && i < plays->u.list.n; i++) {
		tasks = value_dict_get(plays->u.list.items[i], "tasks");
		for (j = 0; tasks != NULL && j < tasks->u.list.n; j++)
			value_dict_del(tasks->u.list.items[j], "_action");
	}
}

static void
json_write(const char *const *hosts, const struct host_stats *st, size_t n)
{
	struct value	*stats = value_dict(), *h;
	struct buf	 b = BUF_INIT;
	size_t		 i;

	for (i = 0; i < n; i++) {
		h = value_dict();
		value_dict_setint(h, "ok", st[i].ok);
		value_dict_setint(h, "changed", st[i].changed);
		value_dict_setint(h, "unreachable", st[i].unreachable);
		value_dict_setint(h, "failures", st[i].failed);
		value_dict_setint(h, "skipped", st[i].skipped);
		value_dict_setint(h, "rescued", st[i].rescued);
		value_dict_setint(h, "ignored", st[i].ignored);
		value_dict_set(stats, hosts[i], h);
	}
	value_dict_set(rep_doc, "stats", stats);
	json_tidy(rep_doc);
	output_sorted_json(&b, rep_doc, 4);
	puts(buf_cstr(&b));
	fflush(stdout);
	buf_release(&b);
	value_unref(rep_doc);
	rep_doc = rep_play = rep_task = NULL;
}

/* mkdir -p, as the callback's os.makedirs. */
static int
make_dirs(const char *dir)
{
	char	*p, *s = xstrdup(dir);
	int	 r = 0;

	for (p = s + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			if (mkdir(s, 0777) != 0 && errno != EEXIST)
				r = -1;
			*p = c;
			if (c == '\0')
				break;
		}
	}
	free(s);
	return r;
}

/* Writes the junit report; NULL, or why it could not (malloc'd). */
static char *
junit_write(void)
{
	struct buf	 b = BUF_INIT, t = BUF_INIT;
	char		*path, *err = NULL;
	FILE		*f;

	py_decimal(&t, ju.total);
	buf_adds(&b, "<?xml version=\"1.0\" ?>\n");
	buf_addf(&b, "<testsuites disabled=\"0\" errors=\"%d\" failures=\"%d\" "
	    "tests=\"%d\" time=\"%s\">\n", ju.nerror, ju.nfail, ju.ncases,
	    buf_cstr(&t));
	buf_addf(&b, "\t<testsuite disabled=\"0\" errors=\"%d\" failures=\"%d\" "
	    "name=\"", ju.nerror, ju.nfail);
	xml_escape(&b, ju.playbook != NULL ? ju.playbook : "");
	buf_addf(&b, "\" skipped=\"%d\" tests=\"%d\" time=\"%s\">\n", ju.nskip,
	    ju.ncases, buf_cstr(&t));
	buf_add(&b, ju.cases.s ? ju.cases.s : "", ju.cases.len);
	buf_adds(&b, "\t</testsuite>\n</testsuites>\n");
	(void)make_dirs(ju.dir);
	path = xasprintf("%s/%s-%.7f.xml", ju.dir,
	    ju.playbook != NULL ? ju.playbook : "playbook", now());
	if ((f = fopen(path, "w")) == NULL)
		err = xasprintf("%s: %s", path, strerror(errno));
	else {
		if (fwrite(b.s, 1, b.len, f) != b.len)
			err = xasprintf("%s: %s", path, strerror(errno));
		if (fclose(f) != 0 && err == NULL)
			err = xasprintf("%s: %s", path, strerror(errno));
	}
	free(path);
	buf_release(&b);
	buf_release(&t);
	return err;
}

void
report_recap(const char *const *hosts, const struct host_stats *st, size_t n)
{
	char	*err = NULL, *mderr;

	pthread_mutex_lock(&rep_lock);
	if (ju.on)
		err = junit_write();
	mderr = md_recap(hosts, st, n);
	if (rep_doc != NULL)
		json_write(hosts, st, n);
	pthread_mutex_unlock(&rep_lock);
	if (err != NULL) {
		output_warning("cannot write the junit report %s", err);
		free(err);
	}
	if (mderr != NULL) {
		output_warning("cannot write the Markdown report %s", mderr);
		free(mderr);
	}
}
