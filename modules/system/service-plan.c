/* Service state decisions, as Ansible's service and systemd modules make them. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "service-plan.h"
#include "shell.h"
#include "util.h"

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
