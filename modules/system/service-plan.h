/*
 * The service module's pure decisions: what an init script's status says,
 * and which action reaches the wanted state.  No host is touched here.
 */
#ifndef CAIRN_SERVICE_PLAN_H
#define CAIRN_SERVICE_PLAN_H

/*
 * Whether a SysV service runs, from `service NAME status` as Ansible's
 * LinuxService.get_service_status reads it: 1 running, 0 not, -1 unknown
 * (LSB codes 1-4 and 69 mean stopped; a one-line output is searched for
 * "stop", "run", "start"...; rc 0 otherwise means running).
 */
int	 service_sysv_running(int rc, const char *out, const char *name);

/*
 * The action for state ("started", "running", "stopped", "restarted",
 * "reloaded") given whether the service runs: "start", "stop", "restart",
 * "reload", or NULL when nothing is to be done.
 */
const char *service_action(const char *state, int running);

/* The "state" Ansible returns after the task: "started" or "stopped". */
const char *service_result_state(const char *state);

/* systemctl is-enabled output to enabled (1), disabled (0). */
int	 service_systemd_enabled(int rc, const char *out);

struct buf;
/*
 * SysV's enable or disable through update-rc.d (in the svc wrapper),
 * installing the default links first when enabling a service that has
 * none (klinks: its K links exist).
 */
void	 service_rcd_script(struct buf *, const char *name, int enable,
	    int klinks);

struct value;
/*
 * `systemctl show` output as Ansible's parse_systemctl_show reads it: a
 * dict of KEY=value lines (values trimmed), an Exec* value that opens a
 * "{" running on to the line that closes it.  A new reference.
 */
struct value *service_show_parse(const char *out);

/*
 * service_facts' parsers, each adding {name, state, status?, source} dicts
 * to services by name as Ansible's service_facts builds them:
 * `service --status-all` lines ("[ + ]  cron": running, "-": stopped;
 * source sysv), `systemctl list-units --type service --all` lines
 * (running or stopped, status active/inactive or not-found, masked,
 * failed), then `systemctl list-unit-files --type service` lines, which
 * give the status of the units already seen (unless a bad one) and add
 * the others with their state from shows ("NAME STATE" lines of `systemctl
 * show -p ActiveState`, "unknown" when missing).
 */
void	 service_facts_sysv(const char *out, struct value *services);
void	 service_facts_units(const char *out, struct value *services);
void	 service_facts_unit_files(const char *out, const char *shows,
	    struct value *services);

#endif
