/*
 * Expressions: the input is an expression, optionally followed by '\001'
 * and a YAML mapping of variables.  Checked, then evaluated as a value
 * and as a condition: an error is fine, a crash, hang or unbounded
 * allocation is not.
 */
#include <stdlib.h>

#include "expr.h"
#include "fuzz.h"
#include "fuzz-scope.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct scope	 sc;
	struct value	*vars, *out = NULL;
	char		*s, *f[2], *cause = NULL;
	int		 b;

	s = fuzz_string(data, len);
	fuzz_fields(s, f, 2);
	vars = fuzz_scope(&sc, f[1]);
	if (expr_check(f[0], &cause) == 0) {
		if (expr_eval(f[0], &sc.es, &out, &cause) == 0)
			value_unref(out);
		free(cause);
		cause = NULL;
		(void)expr_eval_bool(f[0], &sc.es, &b, &cause);
	}
	free(cause);
	value_unref(vars);
	free(s);
	return 0;
}
