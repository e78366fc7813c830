/*
 * The getent module's pure side: getent's output turned into the
 * getent_<database> fact as Ansible's module builds it.
 */
#ifndef CAIRN_GETENT_H
#define CAIRN_GETENT_H

#include "value.h"

/*
 * The separator Ansible uses when split is not given: ':' for passwd,
 * shadow, group and gshadow, NULL (runs of blanks) for the others.
 */
const char	*getent_default_split(const char *database);

/*
 * A dict of the records in out (one a line), keyed by their first
 * field, each the list of the other fields; a key seen again holds the
 * list of its records instead.  split NULL: fields are separated by runs
 * of blanks (Python's str.split()), else by the exact string.  New
 * reference.
 */
struct value	*getent_parse(const char *out, const char *split);

#endif
