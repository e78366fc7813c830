/*
 * Templates: the input is template text, optionally followed by '\001'
 * and a YAML mapping of variables; rendered as a string (the template
 * module's way, with its options) and as a value.
 */
#include <stdlib.h>

#include "expr.h"
#include "fuzz.h"
#include "fuzz-scope.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct scope		 sc;
	struct template_opts	 o;
	struct value		*vars, *out = NULL;
	char			*s, *f[2], *text = NULL, *cause = NULL;

	s = fuzz_string(data, len);
	fuzz_fields(s, f, 2);
	vars = fuzz_scope(&sc, f[1]);
	if (template_check(f[0], &cause) == 0) {
		if (template_render(f[0], &sc.es, &out, &cause) == 0)
			value_unref(out);
		free(cause);
		cause = NULL;
		template_opts_init(&o);
		(void)template_render_file(f[0], &o, NULL, &sc.es, &text,
		    &cause);
	}
	free(text);
	free(cause);
	value_unref(vars);
	free(s);
	return 0;
}
