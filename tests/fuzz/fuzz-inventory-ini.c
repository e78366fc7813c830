/*
 * INI inventories, then host patterns over what was parsed: the input is
 * INI text, optionally followed by '\001' and a pattern.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "inventory.h"
#include "inventory-internal.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct inventory	 *inv;
	struct inv_host		**hosts = NULL;
	size_t			  n = 0;
	char			 *s, *f[2], *cause = NULL;

	s = fuzz_string(data, len);
	fuzz_fields(s, f, 2);
	/* the cap, not memory, is what matters: keep units fast */
	inventory_max_hosts = 20000;
	inv = inventory_new();
	if (inventory_ini_parse(inv, "fuzz.ini", f[0], strlen(f[0]),
	    &cause) == 0 && inventory_match(inv, *f[1] ? f[1] : "all",
	    &hosts, &n, &cause) == 0)
		free(hosts);
	free(cause);
	inventory_free(inv);
	free(s);
	return 0;
}
