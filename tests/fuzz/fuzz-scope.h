/*
 * A variable scope for the expression and template harnesses: the
 * variables come from a YAML mapping in the input, so lazy templates in
 * them (a: "{{ b }}") are resolved by the real variable layer.
 */
#ifndef CAIRN_FUZZ_SCOPE_H
#define CAIRN_FUZZ_SCOPE_H

#include <stdlib.h>
#include <string.h>

#include "expr-internal.h"
#include "value.h"
#include "vars.h"
#include "yaml.h"

/*
 * Fills s from YAML text (anything but a mapping gives no variables).
 * Results are capped at a million bytes or items instead of 64 million,
 * and evaluations at 100,000 steps: the limits are what is tested, and
 * under the sanitizers the real ones outlast libFuzzer's timeout for no
 * new coverage.
 */
static struct value *
fuzz_scope(struct scope *s, const char *yaml)
{
	struct value	*v = NULL;
	char		*cause = NULL;

	expr_max_result = 1000000;
	expr_max_steps = 100000;
	if (yaml_load_string("vars.yml", yaml, strlen(yaml), &v,
	    &cause) != 0 || v->type != V_DICT) {
		free(cause);
		value_unref(v);
		v = value_dict();
	}
	scope_init(s, NULL, NULL, NULL);
	scope_push(s, v);
	return v;
}

#endif
