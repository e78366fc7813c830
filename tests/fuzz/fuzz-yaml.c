/* The YAML loader: any bytes give a value tree or an error, never a crash. */
#include <stdlib.h>

#include "fuzz.h"
#include "value.h"
#include "yaml.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct value	*v = NULL;
	char		*cause = NULL;

	if (yaml_load_string("fuzz.yml", (const char *)data, len, &v,
	    &cause) == 0)
		value_unref(v);
	free(cause);
	return 0;
}
