/*
 * service_facts: ansible_facts.services, name -> {name, state, status,
 * source}, as Ansible's service_facts builds it on Linux: the SysV view
 * from `service --status-all` (where neither chkconfig nor OpenRC's
 * rc-status is there), then systemd's units and unit files when systemd
 * is pid 1.  All of it in one round trip; the parsing is service-plan.c's.
 */
#include <stdlib.h>
#include <string.h>

#include "module.h"
#include "service-plan.h"

static const char *const service_facts_aliases[] = {
	"ansible.builtin.service_facts", "ansible.legacy.service_facts", NULL
};

static const struct mod_param service_facts_params[] = {
	{ NULL }
};

/*
 * Sections start with "#cairn-" lines.  The shows are the ActiveState of
 * the unit files list-units did not list, as Ansible asks for each.
 */
static const char service_facts_script[] =
	"LANG=C LC_ALL=C; export LANG LC_ALL\n"
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:"
	"$PATH\n"
	"if command -v service >/dev/null && ! command -v chkconfig "
	">/dev/null && ! command -v rc-status >/dev/null; then\n"
	"\techo '#cairn-sysv'\n"
	"\tservice --status-all </dev/null 2>/dev/null\n"
	"fi\n"
	"if grep -q systemd /proc/1/comm 2>/dev/null && "
	"command -v systemctl >/dev/null; then\n"
	"\tt=$(mktemp -d) || exit 1\n"
	"\tsystemctl list-units --no-pager --type service --all >\"$t/u\" "
	"2>/dev/null\n"
	"\tsystemctl list-unit-files --no-pager --type service --all "
	">\"$t/f\" 2>/dev/null\n"
	"\techo '#cairn-units'; cat \"$t/u\"\n"
	"\techo '#cairn-files'; cat \"$t/f\"\n"
	"\techo '#cairn-shows'\n"
	"\tawk '/\\.service/ { print ($1 ~ /\\.service$/) ? $1 : $2 }' "
	"\"$t/u\" >\"$t/n\"\n"
	"\tfor n in $(awk '/\\.service/ { print $1 }' \"$t/f\"); do\n"
	"\t\tgrep -qxF \"$n\" \"$t/n\" && continue\n"
	"\t\ts=$(systemctl show \"$n\" --property=ActiveState 2>/dev/null) "
	"&& [ -n \"$s\" ] && echo \"$n ${s#ActiveState=}\"\n"
	"\tdone\n"
	"\trm -rf \"$t\"\n"
	"fi\n"
	"echo '#cairn-end'\n";

/* The text of section tag in out (up to the next "#cairn-"), or NULL. */
static char *
service_facts_section(const char *out, const char *tag)
{
	const char	*p, *end;
	char		*mark = xasprintf("#cairn-%s\n", tag);

	p = strstr(out, mark);
	free(mark);
	if (p == NULL)
		return NULL;
	p = strchr(p, '\n') + 1;
	if ((end = strstr(p, "#cairn-")) == NULL)
		end = p + strlen(p);
	return xstrndup(p, end - p);
}

static enum mod_status
service_facts_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct value		*services, *facts;
	char			*cause = NULL, *sysv, *units, *files, *shows;
	enum mod_status		 st;

	(void)args;
	if (host_run(ctx, service_facts_script, &res, &cause) != 0) {
		st = result_fail(r, "%s", cause);
		free(cause);
		return st;
	}
	if (strstr(buf_cstr(&res.out), "#cairn-end\n") == NULL) {
		st = result_fail_exec(r, "service_facts", &res);
		exec_result_release(&res);
		return st;
	}
	services = value_dict();
	if ((sysv = service_facts_section(buf_cstr(&res.out), "sysv")) != NULL)
		service_facts_sysv(sysv, services);
	units = service_facts_section(buf_cstr(&res.out), "units");
	files = service_facts_section(buf_cstr(&res.out), "files");
	shows = service_facts_section(buf_cstr(&res.out), "shows");
	if (units != NULL)
		service_facts_units(units, services);
	if (files != NULL)
		service_facts_unit_files(files, shows != NULL ? shows : "",
		    services);
	free(sysv);
	free(units);
	free(files);
	free(shows);
	exec_result_release(&res);
	if (value_len(services) == 0) {
		value_unref(services);
		result_setstr(r, "msg", "Failed to find any services. This "
		    "can be due to privileges or some other configuration "
		    "issue.");
		return MOD_SKIPPED;
	}
	facts = value_dict();
	value_dict_set(facts, "services", services);
	result_set(r, "ansible_facts", facts);
	return MOD_OK;
}

const struct module_entry module_service_facts = {
	.name = "service_facts",
	.aliases = service_facts_aliases,
	.params = service_facts_params,
	.flags = MOD_SUPPORTS_CHECK,
	.run = service_facts_run,
};
