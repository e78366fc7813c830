/* The fixed table of built-in modules, like tmux's cmd_table. */
#include <stddef.h>

#include "module.h"

extern const struct module_entry module_apt;
extern const struct module_entry module_assert;
extern const struct module_entry module_blockinfile;
extern const struct module_entry module_command;
extern const struct module_entry module_container;
extern const struct module_entry module_container_image;
extern const struct module_entry module_copy;
extern const struct module_entry module_cron;
extern const struct module_entry module_debug;
extern const struct module_entry module_fail;
extern const struct module_entry module_file;
extern const struct module_entry module_git;
extern const struct module_entry module_lineinfile;
extern const struct module_entry module_meta;
extern const struct module_entry module_ping;
extern const struct module_entry module_raw;
extern const struct module_entry module_replace;
extern const struct module_entry module_set_fact;
extern const struct module_entry module_setup;
extern const struct module_entry module_service;
extern const struct module_entry module_shell;
extern const struct module_entry module_stat;
extern const struct module_entry module_user;
extern const struct module_entry module_group;
extern const struct module_entry module_authorized_key;
extern const struct module_entry module_template;
extern const struct module_entry module_include_vars;
extern const struct module_entry module_validate_argument_spec;
extern const struct module_entry module_assemble;
extern const struct module_entry module_fetch;
extern const struct module_entry module_find_entry;	/* module_find is the lookup */
extern const struct module_entry module_ini_file;
extern const struct module_entry module_slurp;
extern const struct module_entry module_tempfile;
extern const struct module_entry module_package;
extern const struct module_entry module_dpkg_selections;
extern const struct module_entry module_debconf;
extern const struct module_entry module_getent;
extern const struct module_entry module_pam_limits;
extern const struct module_entry module_mount;
extern const struct module_entry module_systemd;
extern const struct module_entry module_service_facts;
extern const struct module_entry module_reboot;
extern const struct module_entry module_pamd;
extern const struct module_entry module_wait_for;
extern const struct module_entry module_get_url;
extern const struct module_entry module_uri;

const struct module_entry *const module_table[] = {
	&module_apt,
	&module_assert,
	&module_blockinfile,
	&module_command,
	&module_container,
	&module_container_image,
	&module_copy,
	&module_cron,
	&module_debug,
	&module_fail,
	&module_file,
	&module_git,
	&module_lineinfile,
	&module_meta,
	&module_ping,
	&module_raw,
	&module_replace,
	&module_set_fact,
	&module_setup,
	&module_service,
	&module_shell,
	&module_stat,
	&module_user,
	&module_group,
	&module_authorized_key,
	&module_template,
	&module_include_vars,
	&module_validate_argument_spec,
	&module_assemble,
	&module_fetch,
	&module_find_entry,
	&module_ini_file,
	&module_slurp,
	&module_tempfile,
	&module_package,
	&module_dpkg_selections,
	&module_debconf,
	&module_getent,
	&module_pam_limits,
	&module_mount,
	&module_systemd,
	&module_service_facts,
	&module_reboot,
	&module_pamd,
	&module_wait_for,
	&module_get_url,
	&module_uri,
	NULL
};
