/* YAML files to values, keeping file:line:col for every node. */
#ifndef CAIRN_YAML_H
#define CAIRN_YAML_H

#include "value.h"

/*
 * libyaml's header is also called yaml.h and engine/ is on the include
 * path, so engine/yaml.c reaches it through this one (the only user).
 */
#if defined(CAIRN_YAML_LIBYAML) && !defined(YAML_H)
#include_next <yaml.h>
#endif

/*
 * Loads the first document of a YAML file.  Scalars are typed as PyYAML
 * (YAML 1.1) does, since Ansible users rely on it: yes/no/on/off/true/false
 * are booleans, 0x1f and 017 are ints, ~ and null are null; quoted scalars
 * stay strings.  An empty file gives a null value.  On error returns -1 and
 * sets *cause to "file:line:col: message".
 *
 * Where cairn differs from PyYAML, by design:
 * - later documents of a stream are only checked for syntax (PyYAML
 *   refuses a stream of more than one);
 * - mapping keys are the scalar's text as written ("yes", "0x10"), since
 *   dicts have string keys; a collection as a key is an error;
 * - timestamps stay strings; ints beyond a long long stay strings (they
 *   print the same as Python's big ints);
 * - !unsafe on a collection marks the strings built inside it, but not
 *   strings inside aliased collections (those are shared).
 * Every node gets loc (the start of its anchor, tag or content); an alias
 * is the anchored value itself (a reference, not a copy) with its loc.
 * Hostile input: nesting deeper than 512, more than 2^22 nodes once
 * aliases are expanded, or too much '<<' merging is refused, so whatever
 * walks the result later is bounded too.  Thread-safe.
 */
int	 yaml_load_file(const char *path, struct value **, char **cause);
int	 yaml_load_string(const char *name, const char *text, size_t len,
	    struct value **, char **cause);

/* Interns a file name so that struct loc can point at it for the whole run. */
const char *loc_intern(const char *);
/* "file:line:col" of a value, or "" if unknown; malloc'd. */
char	*loc_format(const struct loc *);

/* libyaml's version, for --version. */
const char *yaml_library_version(void);

#endif
