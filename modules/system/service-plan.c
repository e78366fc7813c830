/* Service state decisions, as Ansible's service and systemd modules make them. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "service-plan.h"
#include "shell.h"
#include "util.h"
#include "value.h"

/* s lowercased with every occurrence of name (lowercased) removed. */
static char *
service_clean(const char *out, const char *name)
{
	struct buf	 b = BUF_INIT;
	char		*lo = xstrdup(out), *ln = xstrdup(name), *p, *q;
	size_t		 nl = strlen(ln);

	for (p = lo; *p != '\0'; p++)
		*p = tolower((unsigned char)*p);
	for (p = ln; *p != '\0'; p++)
		*p = tolower((unsigned char)*p);
	p = lo;
	while (nl > 0 && (q = strstr(p, ln)) != NULL) {
		buf_add(&b, p, q - p);
		p = q + nl;
	}
	buf_adds(&b, p);
	free(lo);
	free(ln);
	return buf_detach(&b, NULL);
}

int
service_sysv_running(int rc, const char *out, const char *name)
{
	const char	*p;
	char		*c;
	int		 running = -1, nl = 0;

	if (rc == 1 || rc == 2 || rc == 3 || rc == 4 || rc == 69)
		return 0;
	for (p = out; *p != '\0'; p++)
		nl += *p == '\n';
	if (nl <= 1) {
		c = service_clean(out, name);
		if (strstr(c, "stop") != NULL)
			running = 0;
		else if (strstr(c, "run") != NULL)
			running = strstr(c, "not ") == NULL;
		else if (strstr(c, "start") != NULL && strstr(c, "not ") == NULL)
			running = 1;
		else if (strstr(c, "could not access pid file") != NULL ||
		    strstr(c, "is dead and pid file exists") != NULL ||
		    strstr(c, "dead but subsys locked") != NULL ||
		    strstr(c, "dead but pid file exists") != NULL)
			running = 0;
		free(c);
	}
	if (running == -1 && rc == 0)
		running = 1;
	return running;
}

const char *
service_action(const char *state, int running)
{
	if (state == NULL)
		return NULL;
	if (strcmp(state, "started") == 0 || strcmp(state, "running") == 0)
		return running ? NULL : "start";
	if (strcmp(state, "stopped") == 0)
		return running ? "stop" : NULL;
	if (strcmp(state, "restarted") == 0)
		return running ? "restart" : "start";
	if (strcmp(state, "reloaded") == 0)
		return running ? "reload" : "start";
	return NULL;
}

const char *
service_result_state(const char *state)
{
	if (state != NULL && strcmp(state, "stopped") == 0)
		return "stopped";
	return "started";
}

int
service_systemd_enabled(int rc, const char *out)
{
	if (rc == 0)
		return 1;
	(void)out;
	return 0;
}

void
service_rcd_script(struct buf *b, const char *name, int enable, int klinks)
{
	if (enable && !klinks) {
		buf_adds(b, "svc update-rc.d ");
		shell_quote_buf(b, name);
		buf_adds(b, " defaults || exit\n");
	}
	buf_adds(b, "svc update-rc.d ");
	shell_quote_buf(b, name);
	buf_adds(b, enable ? " enable" : " disable");
}

/* The next line of *text (without its newline) as a malloc'd string. */
static char *
service_line(const char **text)
{
	const char	*p = *text;
	size_t		 len;

	if (*p == '\0')
		return NULL;
	len = strcspn(p, "\n");
	*text = p + len + (p[len] == '\n');
	return xstrndup(p, len);
}

/* Splits line in place on blanks; at most max words, returns count. */
static size_t
service_words(char *line, char **w, size_t max)
{
	size_t	 n = 0;
	char	*save;

	for (char *p = strtok_r(line, " \t\r", &save); p != NULL && n < max;
	    p = strtok_r(NULL, " \t\r", &save))
		w[n++] = p;
	return n;
}

struct value *
service_show_parse(const char *out)
{
	struct value	*d = value_dict();
	struct buf	 multi = BUF_INIT;
	char		*line, *key = NULL, *eq, *v;

	while ((line = service_line(&out)) != NULL) {
		if (key == NULL) {
			if ((eq = strchr(line, '=')) == NULL) {
				free(line);
				continue;
			}
			*eq = '\0';
			v = eq + 1;
			if (str_startswith(line, "Exec") &&
			    v[strspn(v, " \t")] == '{') {
				char	*t = str_trim(xstrdup(v));
				size_t	 tl = strlen(t);

				if (tl == 0 || t[tl - 1] != '}') {
					buf_adds(&multi, v);
					key = xstrdup(line);
					free(t);
					free(line);
					continue;
				}
				free(t);
			}
			value_dict_set(d, line, value_str_take(str_trim(
			    xstrdup(v))));
		} else {
			char	*t = str_trim(xstrdup(line));
			size_t	 tl = strlen(t);

			buf_addf(&multi, "\n%s", line);
			if (tl > 0 && t[tl - 1] == '}') {
				value_dict_set(d, key, value_str_take(str_trim(
				    buf_detach(&multi, NULL))));
				free(key);
				key = NULL;
			}
			free(t);
		}
		free(line);
	}
	free(key);
	buf_release(&multi);
	return d;
}

static void
service_fact(struct value *services, const char *name, const char *state,
    const char *status, const char *source)
{
	struct value	*e = value_dict();

	value_dict_setstr(e, "name", name);
	value_dict_setstr(e, "state", state);
	if (status != NULL)
		value_dict_setstr(e, "status", status);
	value_dict_setstr(e, "source", source);
	value_dict_set(services, name, e);
}

void
service_facts_sysv(const char *out, struct value *services)
{
	char	*line, *p, *name;

	while ((line = service_line(&out)) != NULL) {
		p = line + strspn(line, " \t");
		if (strncmp(p, "[ ", 2) == 0 && (p[2] == '+' || p[2] == '-') &&
		    strncmp(p + 3, " ]", 2) == 0 && (p[5] == ' ' ||
		    p[5] == '\t')) {
			name = p + 5 + strspn(p + 5, " \t");
			if (*name != '\0')
				service_fact(services, name, p[2] == '+' ?
				    "running" : "stopped", NULL, "sysv");
		}
		free(line);
	}
}

static int
service_bad_state(const char *s)
{
	return strcmp(s, "not-found") == 0 || strcmp(s, "masked") == 0 ||
	    strcmp(s, "failed") == 0;
}

void
service_facts_units(const char *out, struct value *services)
{
	char		*line, *w[8], **f;
	const char	*status;
	size_t		 n, i;

	while ((line = service_line(&out)) != NULL) {
		if (strstr(line, ".service") == NULL) {
			free(line);
			continue;
		}
		n = service_words(line, w, 8);
		f = w;
		status = NULL;
		for (i = 0; i < n; i++)
			if (service_bad_state(w[i]))
				status = w[i];
		/* A bad unit's line starts with a dot ("*" in the C locale). */
		if (status != NULL && n > 0 && strstr(w[0], ".service") ==
		    NULL) {
			f = w + 1;
			n--;
		} else if (n > 2)
			status = w[2];
		if (n >= 4)
			service_fact(services, f[0], strcmp(f[3], "running") ==
			    0 ? "running" : "stopped", status, "systemd");
		free(line);
	}
}

/* The state shows gives for name ("NAME STATE" lines), or "unknown". */
static char *
service_shown_state(const char *shows, const char *name)
{
	char	*line, *w[2], *st = NULL;

	while (st == NULL && (line = service_line(&shows)) != NULL) {
		if (service_words(line, w, 2) == 2 && strcmp(w[0], name) == 0)
			st = xstrdup(w[1]);
		free(line);
	}
	return st != NULL ? st : xstrdup("unknown");
}

void
service_facts_unit_files(const char *out, const char *shows,
    struct value *services)
{
	struct value	*e, *cur;
	char		*line, *w[3], *st;

	while ((line = service_line(&out)) != NULL) {
		if (strstr(line, ".service") == NULL ||
		    service_words(line, w, 3) < 2) {
			free(line);
			continue;
		}
		if ((e = value_dict_get(services, w[0])) == NULL) {
			st = service_shown_state(shows, w[0]);
			service_fact(services, w[0], st, w[1], "systemd");
			free(st);
		} else if ((cur = value_dict_get(e, "status")) == NULL ||
		    cur->type != V_STR || !service_bad_state(cur->u.str.s))
			value_dict_setstr(e, "status", w[1]);
		free(line);
	}
}
