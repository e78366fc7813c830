/*
 * The facts gatherer's output as a hostile or broken target could send
 * it: parsed into facts for every subset.
 */
#include <stdlib.h>

#include "facts.h"
#include "fuzz.h"
#include "value.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char	*s;

	s = fuzz_string(data, len);
	value_unref(facts_parse(s));
	free(s);
	return 0;
}
