/* PAM service files read, edited and written as community.general's pamd does. */
#include <stdlib.h>
#include <string.h>

#include "pamd.h"

static const char *const pamd_types[] = { "account", "-account", "auth",
	"-auth", "password", "-password", "session", "-session", NULL };
static const char *const pamd_simple_controls[] = { "required", "requisite",
	"sufficient", "optional", "include", "substack", "definitive", NULL };
static const char *const pamd_control_values[] = { "success", "open_err",
	"symbol_err", "service_err", "system_err", "buf_err", "perm_denied",
	"auth_err", "cred_insufficient", "authinfo_unavail", "user_unknown",
	"maxtries", "new_authtok_reqd", "acct_expired", "session_err",
	"cred_unavail", "cred_expired", "cred_err", "no_module_data",
	"conv_err", "authtok_err", "authtok_recover_err", "authtok_lock_busy",
	"authtok_disable_aging", "try_again", "ignore", "abort",
	"authtok_expired", "module_unknown", "bad_item", "conv_again",
	"incomplete", "default", NULL };
static const char *const pamd_control_actions[] = { "ignore", "bad", "die",
	"ok", "done", "reset", NULL };

#define PAMD_MARK	"# Updated by Ansible"

static int
pamd_in(const char *const *l, const char *s)
{
	for (; *l != NULL; l++)
		if (strcmp(*l, s) == 0)
			return 1;
	return 0;
}

static int
pamd_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/*
 * A control as pamd's setter keeps it: a bracketed one with " = " made
 * "=" and inner brackets dropped.  malloc'd.
 */
static char *
pamd_control_norm(const char *c)
{
	struct buf	b = BUF_INIT;

	if (c[0] != '[')
		return xstrdup(c);
	buf_adds(&b, "[");
	for (; *c != '\0'; c++) {
		if (strncmp(c, " = ", 3) == 0) {
			buf_adds(&b, "=");
			c += 2;
		} else if (*c != '[' && *c != ']')
			buf_add(&b, c, 1);
	}
	buf_adds(&b, "]");
	return buf_detach(&b, NULL);
}

static void
pamd_add_word(char ***v, size_t *n, const char *s, size_t len)
{
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = xstrndup(s, len);
}

/* One item split as RULE_ARG_REGEX's findall does. */
static void
pamd_split_item(const char *s, char ***out, size_t *nout)
{
	const char	*end;

	while (*s != '\0') {
		if (pamd_space(*s) || *s == '\n') {
			s++;
			continue;
		}
		if (*s == '[' && (end = strrchr(s, ']')) != NULL) {
			pamd_add_word(out, nout, s, end + 1 - s);
			s = end + 1;
			continue;
		}
		end = s;
		while (*end != '\0' && !pamd_space(*end) && *end != '\n')
			end++;
		pamd_add_word(out, nout, s, end - s);
		s = end;
	}
}

void
pamd_split_args(const char *const *items, size_t nitems, char ***out,
    size_t *nout)
{
	if (nitems == 1 && items[0][0] == '\0')
		return;
	for (size_t i = 0; i < nitems; i++)
		pamd_split_item(items[i], out, nout);
}

/* A rule line as RULE_REGEX reads it (an unreadable one fails validation). */
static void
pamd_parse_rule(const char *s, struct pamd_line *l)
{
	const char	*p, *q, *end;

	l->kind = PAMD_RULE;
	s += strspn(s, " \t\r\v\f");
	p = s + (*s == '-');
	q = p;
	while (*q != '\0' && !pamd_space(*q))
		q++;
	l->type = xstrndup(s, q - s);
	while (pamd_space(*q))
		q++;
	end = NULL;
	if (*q == '[') {
		/* Greedy: the last "]" still followed by a blank. */
		for (const char *c = q + strlen(q); c > q; c--)
			if (c[-1] == ']' && pamd_space(*c)) {
				end = c;
				break;
			}
	}
	if (end == NULL)
		for (end = q; *end != '\0' && !pamd_space(*end); end++)
			;
	{
		char	*raw = xstrndup(q, end - q);

		l->control = pamd_control_norm(raw);
		free(raw);
	}
	q = end;
	while (pamd_space(*q))
		q++;
	for (end = q; *end != '\0' && !pamd_space(*end); end++)
		;
	l->path = xstrndup(q, end - q);
	pamd_split_item(end, &l->args, &l->nargs);
}

void
pamd_parse(const char *text, struct pamd *p)
{
	struct pamd_line	*l;
	const char		*nl, *s;
	char			*line;
	size_t			 len;

	memset(p, 0, sizeof *p);
	while (*text != '\0') {
		nl = strchr(text, '\n');
		len = nl != NULL ? (size_t)(nl - text) : strlen(text);
		line = xstrndup(text, len);
		text += len + (nl != NULL);
		p->lines = xreallocarray(p->lines, p->n + 1, sizeof *p->lines);
		l = &p->lines[p->n++];
		memset(l, 0, sizeof *l);
		s = line + strspn(line, " \t\r\v\f");
		if (*s == '#')
			l->kind = PAMD_COMMENT;
		else if (strncmp(s, "@include", 8) == 0)
			l->kind = PAMD_INCLUDE;
		else if (*s == '\0')
			l->kind = PAMD_BLANK;
		else {
			pamd_parse_rule(line, l);
			free(line);
			continue;
		}
		l->text = line;
	}
}

static void
pamd_line_release(struct pamd_line *l)
{
	free(l->text);
	free(l->type);
	free(l->control);
	free(l->path);
	strv_free(l->args, l->nargs);
	memset(l, 0, sizeof *l);
}

void
pamd_free(struct pamd *p)
{
	for (size_t i = 0; i < p->n; i++)
		pamd_line_release(&p->lines[i]);
	free(p->lines);
	memset(p, 0, sizeof *p);
}

static int
pamd_matches(const struct pamd_line *l, const char *type, const char *control,
    const char *path)
{
	return l->kind == PAMD_RULE && strcmp(l->type, type) == 0 &&
	    strcmp(l->control, control) == 0 && strcmp(l->path, path) == 0;
}

static int
pamd_args_equal(char **a, size_t na, char **b, size_t nb)
{
	if (na != nb)
		return 0;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return 0;
	return 1;
}

static void
pamd_set(char **field, const char *v)
{
	free(*field);
	*field = xstrdup(v);
}

static void
pamd_set_args(struct pamd_line *l, char **args, size_t n)
{
	strv_free(l->args, l->nargs);
	l->args = NULL;
	l->nargs = 0;
	for (size_t i = 0; i < n; i++)
		pamd_add_word(&l->args, &l->nargs, args[i], strlen(args[i]));
}

int
pamd_update(struct pamd *p, const struct pamd_req *q)
{
	struct pamd_line	*l;
	int			 changes = 0, changed;

	for (size_t i = 0; i < p->n; i++) {
		l = &p->lines[i];
		if (!pamd_matches(l, q->type, q->control, q->path))
			continue;
		changed = 0;
		if (q->new_type != NULL && *q->new_type != '\0' &&
		    strcmp(l->type, q->new_type) != 0) {
			pamd_set(&l->type, q->new_type);
			changed = 1;
		}
		if (q->new_control != NULL && *q->new_control != '\0' &&
		    strcmp(l->control, q->new_control) != 0) {
			free(l->control);
			l->control = pamd_control_norm(q->new_control);
			changed = 1;
		}
		if (q->new_path != NULL && *q->new_path != '\0' &&
		    strcmp(l->path, q->new_path) != 0) {
			pamd_set(&l->path, q->new_path);
			changed = 1;
		}
		if (q->has_args && !pamd_args_equal(l->args, l->nargs, q->args,
		    q->nargs)) {
			pamd_set_args(l, q->args, q->nargs);
			changed = 1;
		}
		changes += changed;
	}
	return changes;
}

/* The new rule of before/after. */
static struct pamd_line
pamd_new_rule(const struct pamd_req *q)
{
	struct pamd_line	l;

	memset(&l, 0, sizeof l);
	l.kind = PAMD_RULE;
	l.type = xstrdup(q->new_type);
	l.control = pamd_control_norm(q->new_control);
	l.path = xstrdup(q->new_path);
	pamd_set_args(&l, q->args, q->nargs);
	return l;
}

/*
 * Replaces lines [from, to) with the new rule: what before/after do to
 * the comments and blank lines between a rule and its neighbour.
 */
static void
pamd_splice(struct pamd *p, size_t from, size_t to, struct pamd_line nl)
{
	size_t	i;

	for (i = from; i < to; i++)
		pamd_line_release(&p->lines[i]);
	if (to == from) {
		p->lines = xreallocarray(p->lines, p->n + 1, sizeof *p->lines);
		memmove(&p->lines[from + 1], &p->lines[from],
		    (p->n - from) * sizeof *p->lines);
		p->n++;
	} else if (to > from + 1) {
		memmove(&p->lines[from + 1], &p->lines[to],
		    (p->n - to) * sizeof *p->lines);
		p->n -= to - from - 1;
	}
	p->lines[from] = nl;
}

static int
pamd_skippable(const struct pamd_line *l)
{
	return l->kind == PAMD_COMMENT || l->kind == PAMD_BLANK;
}

int
pamd_insert_before(struct pamd *p, const struct pamd_req *q)
{
	size_t	i, j;
	int	changes = 0;

	/* From the end: an insertion never moves the lines before it. */
	for (i = p->n; i-- > 0;) {
		if (!pamd_matches(&p->lines[i], q->type, q->control, q->path))
			continue;
		for (j = i; j > 0 && pamd_skippable(&p->lines[j - 1]); j--)
			;
		if (j == 0)
			pamd_splice(p, i, i, pamd_new_rule(q));
		else if (!pamd_matches(&p->lines[j - 1], q->new_type,
		    q->new_control, q->new_path))
			pamd_splice(p, j, i, pamd_new_rule(q));
		else
			continue;
		changes++;
	}
	return changes;
}

int
pamd_insert_after(struct pamd *p, const struct pamd_req *q)
{
	size_t	i, j;
	int	changes = 0;

	for (i = p->n; i-- > 0;) {
		if (!pamd_matches(&p->lines[i], q->type, q->control, q->path))
			continue;
		for (j = i + 1; j < p->n && pamd_skippable(&p->lines[j]); j++)
			;
		if (j < p->n && pamd_matches(&p->lines[j], q->new_type,
		    q->new_control, q->new_path))
			continue;
		pamd_splice(p, i + 1, j, pamd_new_rule(q));
		changes++;
	}
	return changes;
}

/* The key of a "key=value" argument (its length), or 0 for a plain one. */
static size_t
pamd_key(const char *arg)
{
	const char	*eq = strchr(arg, '=');

	return eq != NULL ? (size_t)(eq - arg) : 0;
}

/* The index of the argument with arg's key (or arg itself), or -1. */
static long
pamd_find_arg(const struct pamd_line *l, const char *arg)
{
	size_t	k = pamd_key(arg);

	for (size_t i = 0; i < l->nargs; i++) {
		if (l->args[i][0] == '[')
			continue;
		if (k == 0 && pamd_key(l->args[i]) == 0 &&
		    strcmp(l->args[i], arg) == 0)
			return (long)i;
		if (k != 0 && pamd_key(l->args[i]) == k &&
		    strncmp(l->args[i], arg, k) == 0)
			return (long)i;
	}
	return -1;
}

int
pamd_args_present(struct pamd *p, const struct pamd_req *q)
{
	struct pamd_line	*l;
	long			 at;
	int			 changes = 0, changed;

	for (size_t i = 0; i < p->n; i++) {
		l = &p->lines[i];
		if (!pamd_matches(l, q->type, q->control, q->path))
			continue;
		changed = 0;
		for (size_t a = 0; a < q->nargs; a++) {
			if (q->args[a][0] == '[')
				continue;
			if ((at = pamd_find_arg(l, q->args[a])) < 0) {
				pamd_add_word(&l->args, &l->nargs, q->args[a],
				    strlen(q->args[a]));
				changed = 1;
			} else if (strcmp(l->args[at], q->args[a]) != 0) {
				pamd_set(&l->args[at], q->args[a]);
				changed = 1;
			}
		}
		changes += changed;
	}
	return changes;
}

static int
pamd_listed(char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

int
pamd_args_absent(struct pamd *p, const struct pamd_req *q)
{
	struct pamd_line	*l;
	size_t			 a, k;
	int			 changes = 0, any;

	for (size_t i = 0; i < p->n; i++) {
		l = &p->lines[i];
		if (!pamd_matches(l, q->type, q->control, q->path))
			continue;
		for (any = 0, a = 0; a < l->nargs; a++)
			any |= pamd_listed(q->args, q->nargs, l->args[a]);
		if (!any)
			continue;
		for (a = k = 0; a < l->nargs; a++) {
			if (pamd_listed(q->args, q->nargs, l->args[a]))
				free(l->args[a]);
			else
				l->args[k++] = l->args[a];
		}
		l->nargs = k;
		changes++;
	}
	return changes;
}

int
pamd_remove(struct pamd *p, const struct pamd_req *q)
{
	size_t	i, k;
	int	changes = 0;

	for (i = k = 0; i < p->n; i++) {
		if (pamd_matches(&p->lines[i], q->type, q->control, q->path)) {
			pamd_line_release(&p->lines[i]);
			changes++;
		} else
			p->lines[k++] = p->lines[i];
	}
	p->n = k;
	return changes;
}

/* A rule as pamd's __str__ renders it. */
static void
pamd_render_rule(const struct pamd_line *l, struct buf *b)
{
	buf_addf(b, "%-11s%s %s", l->type, l->control, l->path);
	if (l->nargs > 0)
		buf_adds(b, " ");
	for (size_t i = 0; i < l->nargs; i++)
		buf_addf(b, "%s%s", i > 0 ? " " : "", l->args[i]);
}

/* Whether an unsigned decimal number (a jump of a bracketed control). */
static int
pamd_uint(const char *s)
{
	if (*s == '+')
		s++;
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static int
pamd_validate_rule(const struct pamd_line *l, char **cause)
{
	struct buf	 line = BUF_INIT;
	char		*c, *w, *save, *eq;
	int		 r = -1;

	pamd_render_rule(l, &line);
	if (!pamd_in(pamd_types, l->type)) {
		*cause = xasprintf("Rule type, %s, is not valid in rule %s",
		    l->type, buf_cstr(&line));
		goto out;
	}
	if (l->control[0] != '[') {
		if (!pamd_in(pamd_simple_controls, l->control)) {
			*cause = xasprintf("Rule control, %s, is not valid in "
			    "rule %s", l->control, buf_cstr(&line));
			goto out;
		}
		r = 0;
		goto out;
	}
	c = xstrndup(l->control + 1, strlen(l->control) - 2);
	for (w = strtok_r(c, " ", &save); w != NULL;
	    w = strtok_r(NULL, " ", &save)) {
		eq = strchr(w, '=');
		if (eq != NULL)
			*eq++ = '\0';
		if (!pamd_in(pamd_control_values, w)) {
			*cause = xasprintf("Rule control value, %s, is not "
			    "valid in rule %s", w, buf_cstr(&line));
			free(c);
			goto out;
		}
		if (eq == NULL || (!pamd_in(pamd_control_actions, eq) &&
		    !pamd_uint(eq))) {
			*cause = xasprintf("Rule control action, %s, is not "
			    "valid in rule %s", eq != NULL ? eq : "",
			    buf_cstr(&line));
			free(c);
			goto out;
		}
	}
	free(c);
	r = 0;
out:
	buf_release(&line);
	return r;
}

int
pamd_validate(const struct pamd *p, char **cause)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->lines[i].kind == PAMD_RULE &&
		    pamd_validate_rule(&p->lines[i], cause) != 0)
			return -1;
	return 0;
}

static void
pamd_render_line(const struct pamd_line *l, struct buf *b)
{
	if (l->kind == PAMD_RULE)
		pamd_render_rule(l, b);
	else
		buf_adds(b, l->text);
	buf_adds(b, "\n");
}

void
pamd_render(const struct pamd *p, const char *mark, struct buf *b)
{
	size_t	i;

	if (p->n <= 1) {
		buf_addf(b, "\n%s\n", mark);
		for (i = 0; i < p->n; i++)
			pamd_render_line(&p->lines[i], b);
		return;
	}
	pamd_render_line(&p->lines[0], b);
	buf_addf(b, "%s\n", mark);
	i = 1;
	if (p->lines[1].kind != PAMD_RULE &&
	    str_startswith(p->lines[1].text, PAMD_MARK))
		i = 2;
	for (; i < p->n; i++)
		pamd_render_line(&p->lines[i], b);
}
