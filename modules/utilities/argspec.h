/*
 * Argument specs as Ansible's ArgumentSpecValidator checks them (role
 * meta/argument_specs.yml, the validate_argument_spec module): pure, no
 * host, unit-tested in tests/unit/test-argspec.c.
 */
#ifndef CAIRN_ARGSPEC_H
#define CAIRN_ARGSPEC_H

#include "module.h"

/*
 * Checks params (a dict, borrowed) against spec (a dict of option name
 * to its attributes: type, elements, choices, required, default,
 * options, aliases, apply_defaults, no_log, and for nested options
 * mutually_exclusive, required_together, required_one_of, required_if,
 * required_by).  checks (a dict holding those five, or NULL) applies
 * them at the top level.  Returns a new list of Ansible's error
 * messages, in its order; empty when the parameters are valid.
 * *validated (may be NULL) gets a new dict: params with aliases
 * resolved, values converted and defaults set.
 */
struct value	*argspec_validate(const struct value *spec,
		    const struct value *checks, const struct value *params,
		    struct value **validated);

/*
 * Ansible's human_to_bytes: "10", "1.5K", "2 MB", "1Gb" (isbits: bits,
 * "1Mb").  0 and *out, or -1 when the text is not a size.
 */
int		 argspec_human_to_bytes(const char *, int isbits,
		    long long *out);

#endif
