/* YAML inventories: any document gives an inventory or an error. */
#include <stdlib.h>

#include "fuzz.h"
#include "inventory.h"
#include "inventory-internal.h"
#include "value.h"
#include "yaml.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct inventory	 *inv;
	struct inv_host		**hosts = NULL;
	struct value		 *doc = NULL;
	size_t			  n = 0;
	char			 *cause = NULL;

	if (yaml_load_string("fuzz.yml", (const char *)data, len, &doc,
	    &cause) != 0) {
		free(cause);
		return 0;
	}
	/* the cap, not memory, is what matters: keep units fast */
	inventory_max_hosts = 20000;
	inv = inventory_new();
	if (inventory_yaml_parse(inv, "fuzz.yml", doc, &cause) == 0 &&
	    inventory_match(inv, "all:!ungrouped", &hosts, &n, &cause) == 0)
		free(hosts);
	free(cause);
	inventory_free(inv);
	value_unref(doc);
	return 0;
}
