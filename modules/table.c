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
	NULL
};
