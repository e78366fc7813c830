/*
 * ansible-playbook's default output: headers padded with stars to 80
 * columns, one line per host result, failures as sorted JSON, a recap.
 * Colour only when stdout is a terminal (and NO_COLOR is unset).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "expr.h"
#include "output-internal.h"

static pthread_mutex_t	 out_lock = PTHREAD_MUTEX_INITIALIZER;
static int		 out_color;
static int		 out_verbosity;
static int		 out_diff;
/*
 * JSON mode (--json, or ANSIBLE_STDOUT_CALLBACK=json): nothing is printed
 * while the run goes; output-report.c prints the run as one document at
 * the recap.
 */
static int		 out_json;
/*
 * The stdout callback: Ansible's default, or minimal / oneline ("host |
 * SUCCESS => {...}" per result, no headers, no recap).
 */
static enum { STYLE_DEFAULT, STYLE_MINIMAL, STYLE_ONELINE } out_style;
static char		*out_action;	/* the current task's module */
/* display_skipped_hosts, display_ok_hosts: 0 hides those result lines */
static int		 out_show_skipped = 1, out_show_ok = 1;
/*
 * With either hidden, a task's header waits for its first shown result
 * (and is never printed when there is none), as Ansible's callback does.
 */
static char		*out_pending_header;

#define C_RESET		"\033[0m"
#define C_GREEN		"\033[0;32m"
#define C_YELLOW	"\033[0;33m"
#define C_RED		"\033[0;31m"
#define C_CYAN		"\033[0;36m"
#define C_MAGENTA	"\033[0;35m"
#define C_BRED		"\033[1;31m"

void
output_init(int verbosity, int diff, int json, const char *junit_dir,
    const char *style)
{
	const char	*force = getenv("ANSIBLE_FORCE_COLOR");

	out_verbosity = verbosity;
	out_diff = diff;
	out_json = json;
	report_init(json, junit_dir);
	if (style != NULL && !json) {
		if (strcmp(style, "minimal") == 0 ||
		    strcmp(style, "ansible.builtin.minimal") == 0)
			out_style = STYLE_MINIMAL;
		else if (strcmp(style, "oneline") == 0 ||
		    strcmp(style, "ansible.builtin.oneline") == 0)
			out_style = STYLE_ONELINE;
		else if (strcmp(style, "default") != 0 &&
		    strcmp(style, "ansible.builtin.default") != 0)
			output_warning("stdout callback '%s' is not available "
			    "in cairn: using the default output", style);
	}
	out_color = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL &&
	    !json;
	if (force != NULL && (strcmp(force, "1") == 0 ||
	    strcasecmp(force, "true") == 0))
		out_color = 1;
}

static const char *
col(const char *c)
{
	return out_color ? c : "";
}

static void
header(const char *text)
{
	size_t	len = strlen(text);

	/*
	 * Ansible's banner: the text, a space and 79 - len stars (its
	 * columns are the width less one), at least 3: 80 columns in all.
	 */
	fputs(text, stdout);
	fputc(' ', stdout);
	for (size_t i = 0; i < (len + 3 < 79 ? 79 - len : 3); i++)
		fputc('*', stdout);
	fputc('\n', stdout);
}

void
output_banner(const char *text)
{
	if (out_json || out_style != STYLE_DEFAULT)
		return;
	pthread_mutex_lock(&out_lock);
	fputc('\n', stdout);
	header(text);
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
}

void
output_play(const char *name)
{
	char	*text;

	report_play(name);
	if (out_json || out_style != STYLE_DEFAULT)
		return;
	text = xasprintf("PLAY [%s]", name);

	pthread_mutex_lock(&out_lock);
	free(out_pending_header);
	out_pending_header = NULL;
	fputc('\n', stdout);
	header(text);
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
	free(text);
}

void
output_task(const char *kind, const char *name)
{
	char	*text;

	report_task(name);
	if (out_json || out_style != STYLE_DEFAULT)
		return;
	text = xasprintf("%s [%s]", kind, name);

	pthread_mutex_lock(&out_lock);
	free(out_pending_header);
	out_pending_header = NULL;
	if (!out_show_skipped || !out_show_ok) {
		out_pending_header = text;
		pthread_mutex_unlock(&out_lock);
		return;
	}
	fputc('\n', stdout);
	header(text);
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
	free(text);
}

/* The deferred task header, before the first result shown (locked). */
static void
flush_pending_header(void)
{
	if (out_pending_header == NULL)
		return;
	fputc('\n', stdout);
	header(out_pending_header);
	free(out_pending_header);
	out_pending_header = NULL;
}

void
output_display(int skipped, int ok, int nocolor, int force_color)
{
	out_show_skipped = skipped;
	out_show_ok = ok;
	if (nocolor)
		out_color = 0;
	if (force_color && !out_json)
		out_color = 1;
}

void
output_report_md(const char *file, int check, int diff)
{
	md_init(file, check, diff);
}

void
output_playbook(const char *path, size_t nplays)
{
	const char	*base = strrchr(path, '/');
	char		*text;

	report_playbook(path);
	if (out_json || out_style != STYLE_DEFAULT || out_verbosity < 2)
		return;
	/* -vv: the playbook's banner and where its plays come from */
	text = xasprintf("PLAYBOOK: %s", base != NULL ? base + 1 : path);
	pthread_mutex_lock(&out_lock);
	fputc('\n', stdout);
	header(text);
	printf("%zu plays in %s\n", nplays, path);
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
	free(text);
}

void
output_play_detail(const char *path)
{
	report_play_detail(path);
}

void
output_task_detail(const char *path, const char *action, struct value *args,
    int no_log)
{
	pthread_mutex_lock(&out_lock);
	free(out_action);
	out_action = action != NULL ? xstrdup(action) : NULL;
	/* -vv: where the task just announced is written */
	if (!out_json && out_style == STYLE_DEFAULT && out_verbosity >= 2 &&
	    path != NULL) {
		printf("task path: %s\n", path);
		fflush(stdout);
	}
	pthread_mutex_unlock(&out_lock);
	report_task_detail(path, action, args, no_log);
}

void
output_custom_stats(const char *host, struct value *data)
{
	report_custom_stats(host, data);
}

static int
key_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Python's json.dumps(sort_keys=True, indent=...): see output-internal.h. */
static void
sorted_json(struct buf *b, const struct value *v, int indent, int depth)
{
	const char	*sep = indent < 0 ? ", " : ",";
	char		**keys;
	size_t		  i;

	if (v->type == V_LIST && v->u.list.n > 0) {
		buf_addc(b, '[');
		for (i = 0; i < v->u.list.n; i++) {
			buf_adds(b, i ? sep : "");
			if (indent >= 0)
				buf_addf(b, "\n%*s", (depth + 1) * indent, "");
			sorted_json(b, v->u.list.items[i], indent, depth + 1);
		}
		if (indent >= 0)
			buf_addf(b, "\n%*s", depth * indent, "");
		buf_addc(b, ']');
		return;
	}
	if (v->type != V_DICT || v->u.dict.n == 0) {
		value_to_json(b, v, 0);
		return;
	}
	keys = xcalloc(v->u.dict.n, sizeof *keys);
	memcpy(keys, v->u.dict.keys, v->u.dict.n * sizeof *keys);
	qsort(keys, v->u.dict.n, sizeof *keys, key_cmp);
	buf_addc(b, '{');
	for (i = 0; i < v->u.dict.n; i++) {
		struct value *k = value_str(keys[i]);

		buf_adds(b, i ? sep : "");
		if (indent >= 0)
			buf_addf(b, "\n%*s", (depth + 1) * indent, "");
		value_to_json(b, k, 0);
		value_unref(k);
		buf_adds(b, ": ");
		sorted_json(b, value_dict_get(v, keys[i]), indent, depth + 1);
	}
	if (indent >= 0)
		buf_addf(b, "\n%*s", depth * indent, "");
	buf_addc(b, '}');
	free(keys);
}

void
output_sorted_json(struct buf *b, const struct value *v, int indent)
{
	sorted_json(b, v, indent, 0);
}

struct value *
output_shown_result(struct value *res, int no_log)
{
	struct value	*c = value_dict();

	if (no_log) {
		value_dict_setstr(c, "censored", "the output has been "
		    "hidden due to the fact that 'no_log: true' was specified "
		    "for this result");
		value_dict_set(c, "changed",
		    value_ref(value_dict_get(res, "changed") ?
		    value_dict_get(res, "changed") : value_bool(0)));
		return c;
	}
	for (size_t i = 0; i < res->u.dict.n; i++) {
		const char *k = res->u.dict.keys[i];

		if (strcmp(k, "diff") == 0 || str_startswith(k, "_ansible") ||
		    strcmp(k, "failed") == 0 ||
		    (strcmp(k, "invocation") == 0 && out_verbosity < 3))
			continue;
		if (res->u.dict.vals[i]->flags & VALUE_SECRET)
			value_dict_setstr(c, k, "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER");
		else
			value_dict_set(c, k, value_ref(res->u.dict.vals[i]));
	}
	return c;
}

void
output_format_diffs(struct buf *b, struct value *res)
{
	struct value	*d = value_dict_get(res, "diff"), *e;
	const char	*bh, *ah;

	if (d == NULL)
		return;
	for (size_t i = 0; i < (d->type == V_LIST ? d->u.list.n : 1); i++) {
		e = d->type == V_LIST ? d->u.list.items[i] : d;
		if (e->type != V_DICT)
			continue;
		struct value *prep = value_dict_get(e, "prepared");

		/* apt and others describe their change as prepared text */
		if (prep != NULL && prep->type == V_STR) {
			buf_add(b, prep->u.str.s, prep->u.str.len);
			if (prep->u.str.len && prep->u.str.s[prep->u.str.len - 1]
			    != '\n')
				buf_addc(b, '\n');
		}
		struct value *bv = value_dict_get(e, "before");
		struct value *av = value_dict_get(e, "after");
		struct value *bhv = value_dict_get(e, "before_header");
		struct value *ahv = value_dict_get(e, "after_header");

		if (bv == NULL && av == NULL)
			continue;
		bh = bhv && bhv->type == V_STR ? bhv->u.str.s : "before";
		ah = ahv && ahv->type == V_STR ? ahv->u.str.s : "after";
		char *bs = bv ? value_to_string(bv) : xstrdup("");
		char *as = av ? value_to_string(av) : xstrdup("");
		if (strcmp(bs, as) != 0)
			output_text_diff(b, bh, bs, ah, as);
		free(bs);
		free(as);
	}
}

static void
print_diffs(struct value *res)
{
	struct buf	 b = BUF_INIT;

	output_format_diffs(&b, res);
	if (b.len)
		fputs(buf_cstr(&b), stdout);
	buf_release(&b);
}

/* The colour of a status, the same in every stdout callback. */
static const char *
status_colour(enum out_status st)
{
	static const char *const colours[] = {
		[OUT_OK] = C_GREEN, [OUT_CHANGED] = C_YELLOW,
		[OUT_FAILED] = C_RED, [OUT_SKIPPED] = C_CYAN,
		[OUT_UNREACHABLE] = C_BRED,
	};

	return colours[st];
}

/* Ansible's MODULE_NO_JSON: results shown as their output, not JSON. */
static int
no_json_action(const char *a)
{
	static const char *const names[] = { "command", "shell", "raw",
	    "ansible.builtin.command", "ansible.builtin.shell",
	    "ansible.builtin.raw", "ansible.legacy.command",
	    "ansible.legacy.shell", "ansible.legacy.raw", NULL };

	for (size_t i = 0; a != NULL && names[i] != NULL; i++)
		if (strcmp(a, names[i]) == 0)
			return 1;
	return 0;
}

/* str of a result's key, "" if absent; oneline escapes newlines. */
static void
add_field(struct buf *b, struct value *res, const char *key, int escape)
{
	struct value	*v = value_dict_get(res, key);
	struct buf	 t = BUF_INIT;

	if (v == NULL)
		return;
	expr_add_str(&t, v);
	for (size_t i = 0; i < t.len; i++) {
		if (escape && t.s[i] == '\n')
			buf_adds(b, "\\n");
		else if (escape && t.s[i] == '\r')
			buf_adds(b, "\\r");
		else
			buf_addc(b, t.s[i]);
	}
	buf_release(&t);
}

/* One result as the minimal or oneline callback prints it. */
static void
print_short(const char *host, enum out_status st, struct value *res,
    int no_log, int is_debug)
{
	struct buf	 b = BUF_INIT, js = BUF_INIT;
	static const char *const words[] = {
		[OUT_OK] = "SUCCESS", [OUT_CHANGED] = "CHANGED",
		[OUT_FAILED] = "FAILED", [OUT_SKIPPED] = "SKIPPED",
		[OUT_UNREACHABLE] = "UNREACHABLE!",
	};
	struct value	*shown, *rc;
	const char	*c = status_colour(st), *word = words[st];
	int		 one = out_style == STYLE_ONELINE;

	if (st == OUT_SKIPPED) {
		buf_addf(&b, "%s%s | SKIPPED", col(c), host);
		goto print;
	}
	if (st == OUT_UNREACHABLE && one) {
		buf_addf(&b, "%s%s | UNREACHABLE!: ", col(c), host);
		add_field(&b, res, "msg", 0);
		goto print;
	}
	/*
	 * Commands show their output; a failed one only in minimal (oneline
	 * does so for exceptions, which cairn's modules do not raise).
	 */
	if (res != NULL && !no_log && st != OUT_UNREACHABLE &&
	    no_json_action(out_action) && !(one && st == OUT_FAILED) &&
	    value_dict_get(res, "ansible_job_id") == NULL &&
	    value_dict_get(res, "module_stderr") == NULL) {
		rc = value_dict_get(res, "rc");
		buf_addf(&b, "%s%s | %s | rc=", col(c), host, word);
		if (rc != NULL)
			expr_add_str(&b, rc);
		else
			buf_adds(&b, "-1");
		if (one) {
			buf_adds(&b, " | (stdout) ");
			add_field(&b, res, "stdout", 1);
			if (value_truthy(value_dict_get(res, "stderr"))) {
				buf_adds(&b, " (stderr) ");
				add_field(&b, res, "stderr", 1);
			}
		} else {
			buf_adds(&b, " >>\n");
			add_field(&b, res, "stdout", 0);
			add_field(&b, res, "stderr", 0);
			add_field(&b, res, "msg", 0);
			buf_addc(&b, '\n');
		}
		goto print;
	}
	shown = res != NULL ? output_shown_result(res, no_log) : value_dict();
	if (is_debug && st == OUT_OK && !one &&
	    value_dict_get(shown, "msg") != NULL) {
		/* minimal cleans a debug result down to its msg */
		struct value *m = value_ref(value_dict_get(shown, "msg"));

		value_unref(shown);
		shown = value_dict();
		value_dict_set(shown, "msg", m);
	} else if (is_debug && st == OUT_OK && !one)
		value_dict_del(shown, "changed");
	if (is_debug && one && res != NULL &&
	    value_dict_get(res, "results") != NULL) {
		struct value *l = value_dict_get(shown, "results");

		for (size_t i = 0; l != NULL && l->type == V_LIST &&
		    i < l->u.list.n; i++)
			if (l->u.list.items[i]->type == V_DICT &&
			    !value_dict_get(l->u.list.items[i], "failed"))
				value_dict_setbool(l->u.list.items[i],
				    "failed", 0);
	}
	/* a debug result is dumped indented, oneline then joins its lines */
	output_sorted_json(&js, shown, one && !(is_debug && !no_log &&
	    value_dict_get(shown, "results") == NULL) ? 0 : 4);
	value_unref(shown);
	if (one) {
		/* indent=0 with its newlines removed, as oneline does */
		size_t	 i, k;

		for (i = k = 0; i < js.len; i++)
			if (js.s[i] != '\n')
				js.s[k++] = js.s[i];
		js.len = k;
		js.s[k] = '\0';
	}
	buf_addf(&b, "%s%s | %s%s => %s", col(c), host, word,
	    st == OUT_FAILED ? "!" : "", buf_cstr(&js));
print:
	/* Ansible's display adds the newline a text lacks, no more */
	buf_addf(&b, "%s%s", col(C_RESET), b.len > 0 && b.s[b.len - 1] == '\n' ?
	    "" : "\n");
	pthread_mutex_lock(&out_lock);
	if (out_diff && res != NULL && !no_log && !one)
		print_diffs(res);
	fputs(buf_cstr(&b), stdout);
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
	buf_release(&b);
	buf_release(&js);
}

void
output_result(const char *host, const char *delegated, enum out_status st,
    struct value *res, const char *item, int ignored, int no_log,
    int is_debug)
{
	struct buf	 b = BUF_INIT, js = BUF_INIT;
	struct value	*shown;
	const char	*c, *word = "ok";
	int		 show, always;

	/* loop items are inside the task's final result */
	if (item == NULL)
		report_result(host, st, res, ignored, no_log,
		    is_debug ? REP_VERBOSE : 0);
	if (out_json)
		return;
	if (out_style != STYLE_DEFAULT) {
		/* neither callback shows loop items */
		if (item == NULL)
			print_short(host, st, res, no_log, is_debug);
		return;
	}
	/* display_skipped_hosts / display_ok_hosts = False */
	if ((st == OUT_SKIPPED && !out_show_skipped) ||
	    (st == OUT_OK && !out_show_ok))
		return;
	c = status_colour(st);
	switch (st) {
	case OUT_OK:
		break;
	case OUT_CHANGED:
		word = "changed";
		break;
	case OUT_SKIPPED:
		word = "skipping";
		break;
	case OUT_FAILED:
		word = item ? "failed" : "fatal";
		break;
	case OUT_UNREACHABLE:
		word = "fatal";
		break;
	}
	buf_addf(&b, "%s%s: [%s%s%s]", col(c), word, host,
	    delegated ? " -> " : "", delegated ? delegated : "");
	if (st == OUT_FAILED && item == NULL)
		buf_adds(&b, ": FAILED!");
	if (st == OUT_UNREACHABLE)
		buf_adds(&b, ": UNREACHABLE!");
	if (item != NULL)
		buf_addf(&b, " => (item=%s)", no_log ? "None" : item);
	/* a module may ask to be shown always (assert), as Ansible's do */
	always = res != NULL &&
	    value_truthy(value_dict_get(res, "_ansible_verbose_always"));
	show = res != NULL && (st == OUT_FAILED || st == OUT_UNREACHABLE ||
	    out_verbosity > 0 || ((is_debug || always) && st != OUT_SKIPPED));
	if (show) {
		shown = output_shown_result(res, no_log);
		if (st == OUT_SKIPPED && item == NULL)
			value_dict_del(shown, "skipped");
		if (is_debug && st == OUT_OK) {
			value_dict_del(shown, "changed");
			value_dict_del(shown, "failed");
			value_dict_del(shown, "skipped");
			if (item != NULL) {
				value_dict_del(shown, "ansible_loop_var");
				value_dict_del(shown, "item");
			}
		}
		/* indented when verbose by nature, or from -vvv on */
		sorted_json(&js, shown, is_debug || always || out_verbosity > 2 ?
		    4 : -1, 0);
		value_unref(shown);
		buf_addf(&b, " => %s", buf_cstr(&js));
	}
	buf_addf(&b, "%s\n", col(C_RESET));
	if (ignored)
		buf_addf(&b, "%s...ignoring%s\n", col(C_CYAN), col(C_RESET));
	pthread_mutex_lock(&out_lock);
	flush_pending_header();
	if (out_diff && res != NULL && !no_log)
		print_diffs(res);
	fputs(buf_cstr(&b), stdout);
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
	buf_release(&b);
	buf_release(&js);
}

/* The reports take a loop's final result; the terminal showed its items. */
void
output_loop_result(const char *host, enum out_status st, struct value *res,
    int ignored, int no_log, int is_debug)
{
	if (st != OUT_UNREACHABLE)
		report_result(host, st, res, ignored, no_log,
		    REP_LOOP | (is_debug ? REP_VERBOSE : 0));
	if (out_style != STYLE_DEFAULT && !out_json)
		print_short(host, st, res, no_log, is_debug);
}

void
output_recap(const char *const *hosts, const struct host_stats *st, size_t n)
{
	report_recap(hosts, st, n);
	if (out_json || out_style != STYLE_DEFAULT)
		return;
	pthread_mutex_lock(&out_lock);
	fputc('\n', stdout);
	header("PLAY RECAP");
	for (size_t i = 0; i < n; i++) {
		const struct host_stats *s = &st[i];
		const char *hc = s->failed || s->unreachable ? C_RED :
		    s->changed ? C_YELLOW : C_GREEN;
		char ok[32], ch[32], un[32], fa[32];

		snprintf(ok, sizeof ok, "ok=%d", s->ok);
		snprintf(ch, sizeof ch, "changed=%d", s->changed);
		snprintf(un, sizeof un, "unreachable=%d", s->unreachable);
		snprintf(fa, sizeof fa, "failed=%d", s->failed);
		printf("%s%-26s%s : %s%-7s%s %s%-12s%s %s%-16s%s %s%-11s%s "
		    "skipped=%-4d rescued=%-4d ignored=%-4d\n",
		    col(hc), hosts[i], col(C_RESET),
		    col(s->ok ? C_GREEN : ""), ok, col(C_RESET),
		    col(s->changed ? C_YELLOW : ""), ch, col(C_RESET),
		    col(s->unreachable ? C_BRED : ""), un, col(C_RESET),
		    col(s->failed ? C_RED : ""), fa, col(C_RESET),
		    s->skipped, s->rescued, s->ignored);
	}
	fputc('\n', stdout);
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
}

void
output_no_hosts(void)
{
	/* the minimal and oneline callbacks have nothing to say here */
	if (out_style == STYLE_DEFAULT)
		output_msg("skipping: no hosts matched");
}

void
output_msg(const char *fmt, ...)
{
	va_list	ap;

	if (out_json)
		return;
	pthread_mutex_lock(&out_lock);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
}

/* One coloured line on stderr, after what stdout holds so far. */
static void
output_stderr_line(const char *colour, const char *prefix, const char *fmt,
    va_list ap)
{
	pthread_mutex_lock(&out_lock);
	fflush(stdout);
	fprintf(stderr, "%s%s", col(colour), prefix);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "%s\n", col(C_RESET));
	pthread_mutex_unlock(&out_lock);
}

void
output_warning(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	output_stderr_line(C_MAGENTA, "[WARNING]: ", fmt, ap);
	va_end(ap);
}

void
output_error(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	output_stderr_line(C_RED, "ERROR! ", fmt, ap);
	va_end(ap);
}

/* Ansible's display.error: " [ERROR]: ..." (output_error is "ERROR! "). */
void
output_display_error(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	output_stderr_line(C_RED, " [ERROR]: ", fmt, ap);
	va_end(ap);
}

/* Lines of a text, keeping each line's newline (the last may lack one). */
struct lines {
	const char	**p;
	size_t		 *len;
	size_t		  n;
};

static void
split_lines(const char *s, struct lines *l)
{
	size_t	cap = 16;

	l->p = xcalloc(cap, sizeof *l->p);
	l->len = xcalloc(cap, sizeof *l->len);
	l->n = 0;
	while (*s != '\0') {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) + 1 : strlen(s);

		if (l->n == cap) {
			cap *= 2;
			l->p = xreallocarray(l->p, cap, sizeof *l->p);
			l->len = xreallocarray(l->len, cap, sizeof *l->len);
		}
		l->p[l->n] = s;
		l->len[l->n++] = len;
		s += len;
	}
}

static int
line_eq(const struct lines *a, size_t i, const struct lines *b, size_t j)
{
	return a->len[i] == b->len[j] && memcmp(a->p[i], b->p[j], a->len[i]) == 0;
}

static void
add_line(struct buf *b, char sign, const char *p, size_t len)
{
	buf_addc(b, sign);
	buf_add(b, p, len);
	if (len == 0 || p[len - 1] != '\n')
		buf_adds(b, "\n\\ No newline at end of file\n");
}

/*
 * A unified diff with three lines of context.  The middle part (after
 * the common head and tail) is compared by LCS when small enough, else
 * shown as a whole replacement: correct either way, tidy when cheap.
 */
void
output_text_diff(struct buf *out, const char *bname, const char *before,
    const char *aname, const char *after)
{
	struct lines	 a, b;
	size_t		 head = 0, tail = 0, n, m, i, j;
	char		*ops;		/* ' ', '-', '+' per output line */
	size_t		*oi, nops = 0;
	unsigned	*lcs = NULL;

	split_lines(before, &a);
	split_lines(after, &b);
	while (head < a.n && head < b.n && line_eq(&a, head, &b, head))
		head++;
	while (tail < a.n - head && tail < b.n - head &&
	    line_eq(&a, a.n - 1 - tail, &b, b.n - 1 - tail))
		tail++;
	n = a.n - head - tail;
	m = b.n - head - tail;
	ops = xcalloc(a.n + b.n + 1, 1);
	oi = xcalloc(a.n + b.n + 1, sizeof *oi);
	for (i = 0; i < head; i++)
		ops[nops] = ' ', oi[nops++] = i;
	if (n * m <= 4000000 && n > 0 && m > 0) {
		lcs = xcalloc((n + 1) * (m + 1), sizeof *lcs);
		for (i = n; i-- > 0;)
			for (j = m; j-- > 0;)
				lcs[i * (m + 1) + j] = line_eq(&a, head + i, &b,
				    head + j) ? lcs[(i + 1) * (m + 1) + j + 1] + 1 :
				    (lcs[(i + 1) * (m + 1) + j] >
				    lcs[i * (m + 1) + j + 1] ?
				    lcs[(i + 1) * (m + 1) + j] :
				    lcs[i * (m + 1) + j + 1]);
		for (i = 0, j = 0; i < n || j < m;) {
			if (i < n && j < m && line_eq(&a, head + i, &b, head + j))
				ops[nops] = ' ', oi[nops++] = head + i, i++, j++;
			else if (i < n && (j == m || lcs[(i + 1) * (m + 1) + j] >=
			    lcs[i * (m + 1) + j + 1]))
				ops[nops] = '-', oi[nops++] = head + i++;
			else
				ops[nops] = '+', oi[nops++] = head + j++;
		}
		free(lcs);
	} else {
		for (i = 0; i < n; i++)
			ops[nops] = '-', oi[nops++] = head + i;
		for (j = 0; j < m; j++)
			ops[nops] = '+', oi[nops++] = head + j;
	}
	for (i = 0; i < tail; i++)
		ops[nops] = ' ', oi[nops++] = a.n - tail + i;
	buf_addf(out, "--- %s\n+++ %s\n", bname, aname);
	/* hunks: runs of changes with up to 3 context lines around */
	size_t k = 0;
	while (k < nops) {
		size_t start, end, x, la = 0, lb = 0, sa, sb;

		while (k < nops && ops[k] == ' ')
			k++;
		if (k == nops)
			break;
		start = k >= 3 ? k - 3 : 0;
		end = k;
		for (;;) {
			while (end < nops && ops[end] != ' ')
				end++;
			x = end;
			while (x < nops && ops[x] == ' ' && x - end < 7)
				x++;
			if (x < nops && ops[x] != ' ' && x - end < 7)
				end = x;
			else
				break;
		}
		end = end + 3 < nops ? end + 3 : nops;
		/* line numbers of the hunk's start in both texts */
		sa = sb = 0;
		for (x = 0; x < start; x++) {
			if (ops[x] != '+')
				sa++;
			if (ops[x] != '-')
				sb++;
		}
		for (x = start; x < end; x++) {
			if (ops[x] != '+')
				la++;
			if (ops[x] != '-')
				lb++;
		}
		buf_addf(out, "@@ -%zu,%zu +%zu,%zu @@\n", la ? sa + 1 : sa,
		    la, lb ? sb + 1 : sb, lb);
		for (x = start; x < end; x++) {
			const struct lines *src = ops[x] == '+' ? &b : &a;
			size_t idx = oi[x];

			if (ops[x] == ' ') {
				/* context lines index the before text */
				add_line(out, ' ', a.p[idx], a.len[idx]);
			} else
				add_line(out, ops[x], src->p[idx],
				    src->len[idx]);
		}
		k = end;
	}
	buf_addc(out, '\n');
	free(ops);
	free(oi);
	free(a.p);
	free(a.len);
	free(b.p);
	free(b.len);
}
