/* YAML files to values, keeping file:line:col for every node. */
#ifndef CAIRN_YAML_H
#define CAIRN_YAML_H

#include "value.h"

/*
 * Loads the first document of a YAML file.  Scalars are typed as PyYAML
 * (YAML 1.1) does, since Ansible users rely on it: yes/no/on/off/true/false
 * are booleans, 0x1f and 017 are ints, ~ and null are null; quoted scalars
 * stay strings.  An empty file gives a null value.  On error returns -1 and
 * sets *cause to "file:line:col: message".
 */
int	 yaml_load_file(const char *path, struct value **, char **cause);
int	 yaml_load_string(const char *name, const char *text, size_t len,
	    struct value **, char **cause);

/* Interns a file name so that struct loc can point at it for the whole run. */
const char *loc_intern(const char *);
/* "file:line:col" of a value, or "" if unknown; malloc'd. */
char	*loc_format(const struct loc *);

#endif
