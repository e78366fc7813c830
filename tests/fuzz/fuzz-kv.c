/* k=v module arguments, both ways Ansible splits them. */
#include <stdlib.h>

#include "fuzz.h"
#include "playbook.h"
#include "value.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char	*s;

	s = fuzz_string(data, len);
	value_unref(playbook_parse_kv(s, 0));
	value_unref(playbook_parse_kv(s, 1));
	free(s);
	return 0;
}
