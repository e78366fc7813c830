/* The fixed table of built-in modules, like tmux's cmd_table. */
#include <stddef.h>

#include "module.h"

extern const struct module_entry module_assert;
extern const struct module_entry module_command;
extern const struct module_entry module_copy;
extern const struct module_entry module_debug;
extern const struct module_entry module_fail;
extern const struct module_entry module_file;
extern const struct module_entry module_meta;
extern const struct module_entry module_ping;
extern const struct module_entry module_raw;
extern const struct module_entry module_set_fact;
extern const struct module_entry module_shell;
extern const struct module_entry module_stat;
extern const struct module_entry module_template;

const struct module_entry *const module_table[] = {
	&module_assert,
	&module_command,
	&module_copy,
	&module_debug,
	&module_fail,
	&module_file,
	&module_meta,
	&module_ping,
	&module_raw,
	&module_set_fact,
	&module_shell,
	&module_stat,
	&module_template,
	NULL
};
