/* What the utilities modules share. */
#ifndef CAIRN_UTILITIES_H
#define CAIRN_UTILITIES_H

#include "module.h"

/*
 * 1 when s is a variable name as Ansible wants them for set_fact and
 * set_stats (Python's isidentifier, for ASCII): a letter or underscore,
 * then letters, digits and underscores.  In mod-set_fact.c.
 */
int	utilities_var_name_ok(const char *s);

#endif
