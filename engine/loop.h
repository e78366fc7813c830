/*
 * The with_<lookup> loops of older playbooks (with_dict, with_fileglob,
 * with_sequence, with_nested, with_together, with_subelements,
 * with_indexed_items), turned into the list of items "loop" takes.
 */
#ifndef CAIRN_LOOP_H
#define CAIRN_LOOP_H

#include "value.h"

/* 1 if "with_NAME" is a loop cairn knows; kinds are the NAME part. */
int	 loop_kind_known(const char *kind);
/*
 * The items of a with_KIND loop over the (templated) value v.  dir is the
 * playbook's directory, for fileglob.  Returns a new list, or NULL and
 * *cause when v has the wrong shape.
 */
struct value	*loop_expand(const char *kind, const struct value *v,
		    const char *dir, char **cause);

#endif
