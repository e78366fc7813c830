/*
 * The review report a pipeline posts on a merge request (--report-md
 * FILE): what a run (usually --check --diff) did or would do, in
 * Markdown: the recap as a table, then each task that changed or failed
 * something with its hosts, and its diffs folded per file, hosts with the
 * same diff sharing one block.  Written whole at the recap, through a
 * temporary file renamed into place.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "expr.h"
#include "output-internal.h"

/* One task that changed or failed something. */
struct md_task {
	char		*name;
	char		*path;
	struct value	*changed;	/* host names */
	struct value	*failed;	/* host -> msg */
	struct value	*diffs;		/* diff text -> list of hosts */
};

static struct {
	char		 *file;		/* NULL: no report */
	int		  check, diff;
	char		 *playbook;
	char		 *name, *path;	/* the current task */
	struct md_task	**tasks;
	size_t		  ntasks;
} md;

void
md_init(const char *file, int check, int diff)
{
	md.file = file != NULL ? xstrdup(file) : NULL;
	md.check = check;
	md.diff = diff;
}

void
md_playbook(const char *path)
{
	if (md.file == NULL)
		return;
	if (md.playbook == NULL)
		md.playbook = xstrdup(path);
}

void
md_task(const char *name)
{
	if (md.file == NULL)
		return;
	free(md.name);
	free(md.path);
	md.name = xstrdup(name);
	md.path = NULL;
}

void
md_task_path(const char *path)
{
	if (md.file == NULL || path == NULL)
		return;
	free(md.path);
	md.path = xstrdup(path);
}

/* The entry of the current task, made on its first change or failure. */
static struct md_task *
current(void)
{
	struct md_task	*t;

	if (md.ntasks > 0 && strcmp(md.tasks[md.ntasks - 1]->name,
	    md.name) == 0 && strcmp(md.tasks[md.ntasks - 1]->path,
	    md.path != NULL ? md.path : "") == 0)
		return md.tasks[md.ntasks - 1];
	t = xcalloc(1, sizeof *t);
	t->name = xstrdup(md.name);
	t->path = xstrdup(md.path != NULL ? md.path : "");
	t->changed = value_list();
	t->failed = value_dict();
	t->diffs = value_dict();
	md.tasks = xgrowarray(md.tasks, md.ntasks, sizeof *md.tasks);
	md.tasks[md.ntasks++] = t;
	return t;
}

void
md_result(const char *host, enum out_status st, struct value *res,
    int ignored, int no_log)
{
	struct md_task	*t;
	struct value	*msg, *hosts;
	struct buf	 d = BUF_INIT, m = BUF_INIT;

	if (md.file == NULL || md.name == NULL ||
	    (st != OUT_CHANGED && st != OUT_FAILED && st != OUT_UNREACHABLE))
		return;
	t = current();
	if (st == OUT_CHANGED) {
		value_list_append(t->changed, value_str(host));
		if (res != NULL && !no_log)
			output_format_diffs(&d, res);
		if (d.len > 0) {
			if ((hosts = value_dict_get(t->diffs,
			    buf_cstr(&d))) == NULL) {
				hosts = value_list();
				value_dict_set(t->diffs, buf_cstr(&d), hosts);
			}
			value_list_append(hosts, value_str(host));
		}
	} else {
		msg = res != NULL && !no_log ? value_dict_get(res, "msg") : NULL;
		if (msg != NULL && value_truthy(msg))
			expr_add_str(&m, msg);
		else if (res != NULL && value_dict_get(res, "rc") != NULL) {
			buf_adds(&m, "rc=");
			expr_add_str(&m, value_dict_get(res, "rc"));
		} else
			buf_adds(&m, no_log ? "(no_log)" : st == OUT_FAILED ?
			    "failed" : "unreachable");
		if (ignored)
			buf_adds(&m, " (ignored)");
		value_dict_setstr(t->failed, host, buf_cstr(&m));
	}
	buf_release(&d);
	buf_release(&m);
}

/* Text for a table cell or a line: no newline, no unescaped '|'. */
static void
md_text(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\n')
			buf_addc(b, ' ');
		else if (*s == '|' || *s == '`' || *s == '<' || *s == '>')
			buf_addf(b, "\\%c", *s);
		else
			buf_addc(b, *s);
	}
}

static int
md_cmp_host(const void *a, const void *b)
{
	const struct value *const *x = a, *const *y = b;

	return strcmp((*x)->u.str.s, (*y)->u.str.s);
}

/* Hosts in name order, whichever finished first. */
static void
md_host_list(struct buf *b, struct value *l)
{
	qsort(l->u.list.items, l->u.list.n, sizeof *l->u.list.items,
	    md_cmp_host);
	for (size_t i = 0; i < l->u.list.n; i++) {
		buf_adds(b, i ? ", " : "");
		buf_adds(b, "`");
		buf_adds(b, l->u.list.items[i]->u.str.s);
		buf_adds(b, "`");
	}
}

/* A fence longer than any run of backticks in the diff. */
static void
md_fence(struct buf *b, const char *text)
{
	size_t	run = 0, longest = 0;

	for (const char *p = text; *p != '\0'; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	for (size_t i = 0; i < (longest < 3 ? 3 : longest + 1); i++)
		buf_addc(b, '`');
}

static void
md_write_task(struct buf *b, struct md_task *t)
{
	struct value	*hosts;

	buf_adds(b, "\n### ");
	md_text(b, t->name);
	if (*t->path != '\0') {
		buf_adds(b, " (");
		md_text(b, t->path);
		buf_adds(b, ")");
	}
	buf_adds(b, "\n\n");
	if (t->changed->u.list.n > 0) {
		buf_adds(b, md.check ? "- would change: " : "- changed: ");
		md_host_list(b, t->changed);
		buf_addc(b, '\n');
	}
	for (size_t i = 0; i < t->failed->u.dict.n; i++) {
		buf_addf(b, "- failed on `%s`: ", t->failed->u.dict.keys[i]);
		md_text(b, t->failed->u.dict.vals[i]->u.str.s);
		buf_addc(b, '\n');
	}
	for (size_t i = 0; i < t->diffs->u.dict.n; i++) {
		hosts = t->diffs->u.dict.vals[i];
		qsort(hosts->u.list.items, hosts->u.list.n,
		    sizeof *hosts->u.list.items, md_cmp_host);
		buf_adds(b, "\n<details><summary>diff on ");
		for (size_t k = 0; k < hosts->u.list.n; k++)
			buf_addf(b, "%s%s", k ? ", " : "",
			    hosts->u.list.items[k]->u.str.s);
		buf_adds(b, "</summary>\n\n");
		md_fence(b, t->diffs->u.dict.keys[i]);
		buf_adds(b, "diff\n");
		buf_adds(b, t->diffs->u.dict.keys[i]);
		/* exactly one newline before the closing fence */
		while (b->len > 0 && b->s[b->len - 1] == '\n')
			b->len--;
		buf_addc(b, '\n');
		md_fence(b, t->diffs->u.dict.keys[i]);
		buf_adds(b, "\n\n</details>\n");
	}
}

static void
md_free(void)
{
	for (size_t i = 0; i < md.ntasks; i++) {
		free(md.tasks[i]->name);
		free(md.tasks[i]->path);
		value_unref(md.tasks[i]->changed);
		value_unref(md.tasks[i]->failed);
		value_unref(md.tasks[i]->diffs);
		free(md.tasks[i]);
	}
	free(md.tasks);
	free(md.name);
	free(md.path);
	free(md.playbook);
	free(md.file);
	memset(&md, 0, sizeof md);
}

/* Writes the report; NULL, or why it could not be written (malloc'd). */
char *
md_recap(const char *const *hosts, const struct host_stats *st, size_t n)
{
	struct buf	 b = BUF_INIT;
	char		*tmp, *err = NULL;
	FILE		*f;
	size_t		 i;

	if (md.file == NULL)
		return NULL;
	buf_addf(&b, "## cairn: %s", md.playbook != NULL ? md.playbook : "");
	if (md.check || md.diff)
		buf_addf(&b, " (%s%s%s)", md.check ? "check mode" : "",
		    md.check && md.diff ? ", " : "", md.diff ? "diff" : "");
	buf_adds(&b, "\n\n| host | ok | changed | unreachable | failed | "
	    "skipped | rescued | ignored |\n"
	    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
	for (i = 0; i < n; i++) {
		buf_addf(&b, "| `%s` | %d | %d | %d | %d | %d | %d | %d |\n",
		    hosts[i], st[i].ok, st[i].changed, st[i].unreachable,
		    st[i].failed, st[i].skipped, st[i].rescued, st[i].ignored);
	}
	if (md.ntasks == 0)
		buf_addf(&b, "\nNothing %s.\n", md.check ? "would change" :
		    "changed");
	else
		buf_addf(&b, "\n%zu task%s %s or failed:\n", md.ntasks,
		    md.ntasks == 1 ? "" : "s", md.check ? "would change" :
		    "changed");
	for (i = 0; i < md.ntasks; i++)
		md_write_task(&b, md.tasks[i]);
	tmp = xasprintf("%s.tmp.%ld", md.file, (long)getpid());
	if ((f = fopen(tmp, "w")) == NULL)
		err = xasprintf("%s: %s", tmp, strerror(errno));
	else {
		if (fwrite(b.s, 1, b.len, f) != b.len && err == NULL)
			err = xasprintf("%s: %s", tmp, strerror(errno));
		if (fclose(f) != 0 && err == NULL)
			err = xasprintf("%s: %s", tmp, strerror(errno));
		if (err == NULL && rename(tmp, md.file) != 0)
			err = xasprintf("%s: %s", md.file, strerror(errno));
		if (err != NULL)
			unlink(tmp);
	}
	free(tmp);
	buf_release(&b);
	md_free();
	return err;
}
