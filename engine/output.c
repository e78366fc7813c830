/*
 * ansible-playbook's default output: headers padded with stars to 80
 * columns, one line per host result, failures as sorted JSON, a recap.
 * Colour only when stdout is a terminal (and NO_COLOR is unset).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output.h"

static pthread_mutex_t	 out_lock = PTHREAD_MUTEX_INITIALIZER;
static int		 out_color;
static int		 out_verbosity;
static int		 out_diff;
/*
 * JSON mode (--json, or ANSIBLE_STDOUT_CALLBACK=json): nothing is printed
 * while the run goes; the whole run is printed as one document at the
 * recap, shaped like Ansible's json callback: plays, tasks, per-host
 * results, stats.
 */
static struct value	*out_json;	/* the document, or NULL */
static struct value	*out_json_play;	/* the current play's task list */
static struct value	*out_json_task;	/* the current task's hosts dict */

#define C_RESET		"\033[0m"
#define C_GREEN		"\033[0;32m"
#define C_YELLOW	"\033[0;33m"
#define C_RED		"\033[0;31m"
#define C_CYAN		"\033[0;36m"
#define C_MAGENTA	"\033[0;35m"
#define C_BRED		"\033[1;31m"

void
output_init(int verbosity, int diff, int json)
{
	const char	*force = getenv("ANSIBLE_FORCE_COLOR");

	out_verbosity = verbosity;
	out_diff = diff;
	if (json) {
		out_json = value_dict();
		value_dict_set(out_json, "plays", value_list());
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

static struct value *
json_named(const char *what, const char *name)
{
	struct value	*entry = value_dict(), *inner = value_dict();

	value_dict_setstr(inner, "name", name);
	value_dict_set(entry, what, inner);
	return entry;
}

void
output_banner(const char *text)
{
	if (out_json != NULL)
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

	if (out_json != NULL) {
		struct value *play = json_named("play", name);

		pthread_mutex_lock(&out_lock);
		out_json_play = value_list();
		value_dict_set(play, "tasks", out_json_play);
		value_list_append(value_dict_get(out_json, "plays"), play);
		pthread_mutex_unlock(&out_lock);
		return;
	}
	text = xasprintf("PLAY [%s]", name);

	pthread_mutex_lock(&out_lock);
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

	if (out_json != NULL) {
		struct value *task = json_named("task", name);

		pthread_mutex_lock(&out_lock);
		out_json_task = value_dict();
		value_dict_set(task, "hosts", out_json_task);
		if (out_json_play != NULL)
			value_list_append(out_json_play, task);
		else
			value_unref(task);
		pthread_mutex_unlock(&out_lock);
		return;
	}
	text = xasprintf("%s [%s]", kind, name);

	pthread_mutex_lock(&out_lock);
	fputc('\n', stdout);
	header(text);
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
	free(text);
}

static int
key_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* JSON with sorted keys, as Ansible's callback prints results. */
static void
sorted_json(struct buf *b, const struct value *v, int indent, int depth)
{
	char	**keys;
	size_t	  i;

	if (v->type == V_LIST && v->u.list.n > 0) {
		buf_addc(b, '[');
		for (i = 0; i < v->u.list.n; i++) {
			buf_adds(b, i ? (indent ? "," : ", ") : "");
			if (indent)
				buf_addf(b, "\n%*s", (depth + 1) * indent, "");
			sorted_json(b, v->u.list.items[i], indent, depth + 1);
		}
		if (indent)
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

		buf_adds(b, i ? (indent ? "," : ", ") : "");
		if (indent)
			buf_addf(b, "\n%*s", (depth + 1) * indent, "");
		value_to_json(b, k, 0);
		value_unref(k);
		buf_adds(b, ": ");
		sorted_json(b, value_dict_get(v, keys[i]), indent, depth + 1);
	}
	if (indent)
		buf_addf(b, "\n%*s", depth * indent, "");
	buf_addc(b, '}');
	free(keys);
}

/* What the callback shows of a result: no internals, no diff. */
static struct value *
shown_result(struct value *res, int no_log)
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

static void
print_diffs(struct value *res)
{
	struct value	*d = value_dict_get(res, "diff"), *e;
	struct buf	 b = BUF_INIT;
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
			buf_add(&b, prep->u.str.s, prep->u.str.len);
			if (prep->u.str.len && prep->u.str.s[prep->u.str.len - 1]
			    != '\n')
				buf_addc(&b, '\n');
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
			output_text_diff(&b, bh, bs, ah, as);
		free(bs);
		free(as);
	}
	if (b.len) {
		fputs(buf_cstr(&b), stdout);
	}
	buf_release(&b);
}

void
output_result(const char *host, const char *delegated, enum out_status st,
    struct value *res, const char *item, int ignored, int no_log,
    int is_debug)
{
	struct buf	 b = BUF_INIT, js = BUF_INIT;
	struct value	*shown;
	const char	*c = C_GREEN, *word = "ok";
	int		 show, always;

	if (out_json != NULL) {
		/* loop items are inside the task's final result */
		if (item != NULL || out_json_task == NULL)
			return;
		shown = res != NULL ? shown_result(res, no_log) : value_dict();
		if (res != NULL && value_dict_get(res, "failed") != NULL)
			value_dict_set(shown, "failed",
			    value_ref(value_dict_get(res, "failed")));
		if (res != NULL && !no_log && value_dict_get(res, "diff"))
			value_dict_set(shown, "diff",
			    value_ref(value_dict_get(res, "diff")));
		pthread_mutex_lock(&out_lock);
		value_dict_set(out_json_task, host, shown);
		pthread_mutex_unlock(&out_lock);
		return;
	}
	switch (st) {
	case OUT_OK:
		break;
	case OUT_CHANGED:
		c = C_YELLOW, word = "changed";
		break;
	case OUT_SKIPPED:
		c = C_CYAN, word = "skipping";
		break;
	case OUT_FAILED:
		c = C_RED, word = item ? "failed" : "fatal";
		break;
	case OUT_UNREACHABLE:
		c = C_BRED, word = "fatal";
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
		shown = shown_result(res, no_log);
		if (is_debug && st == OUT_OK) {
			value_dict_del(shown, "changed");
			value_dict_del(shown, "failed");
			value_dict_del(shown, "skipped");
			if (item != NULL) {
				struct value *iv = value_dict_get(shown,
				    "ansible_index_var");

				/* loop_control's too: debug shows msg only */
				if (iv != NULL && iv->type == V_STR)
					value_dict_del(shown, iv->u.str.s);
				value_dict_del(shown, "ansible_index_var");
				value_dict_del(shown, "ansible_loop");
				value_dict_del(shown, "ansible_loop_var");
				value_dict_del(shown, "item");
			}
		}
		sorted_json(&js, shown, is_debug || always || out_verbosity > 0 ?
		    4 : 0, 0);
		value_unref(shown);
		buf_addf(&b, " => %s", buf_cstr(&js));
	}
	buf_addf(&b, "%s\n", col(C_RESET));
	if (ignored)
		buf_addf(&b, "%s...ignoring%s\n", col(C_CYAN), col(C_RESET));
	pthread_mutex_lock(&out_lock);
	if (out_diff && res != NULL && !no_log)
		print_diffs(res);
	fputs(buf_cstr(&b), stdout);
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
	buf_release(&b);
	buf_release(&js);
}

void
output_loop_result(const char *host, struct value *res, int no_log)
{
	if (out_json != NULL)
		output_result(host, NULL, OUT_OK, res, NULL, 0, no_log, 0);
}

static void
json_recap(const char *const *hosts, const struct host_stats *st, size_t n)
{
	struct value	*stats = value_dict(), *h;
	struct buf	 b = BUF_INIT;

	for (size_t i = 0; i < n; i++) {
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
	value_dict_set(out_json, "stats", stats);
	value_to_json(&b, out_json, 1);
	puts(buf_cstr(&b));
	fflush(stdout);
	buf_release(&b);
	value_unref(out_json);
	out_json = out_json_play = out_json_task = NULL;
}

void
output_recap(const char *const *hosts, const struct host_stats *st, size_t n)
{
	if (out_json != NULL) {
		pthread_mutex_lock(&out_lock);
		json_recap(hosts, st, n);
		pthread_mutex_unlock(&out_lock);
		return;
	}
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
output_msg(const char *fmt, ...)
{
	va_list	ap;

	if (out_json != NULL)
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
