/* Host patterns (--limit, hosts:) over a fixed inventory. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "inventory.h"
#include "inventory-internal.h"

static const char inventory_text[] =
    "web1 ansible_host=127.0.0.1\n"
    "web[2:4].example.com\n"
    "[db]\n"
    "db-a\n"
    "db-b\n"
    "[app:children]\n"
    "db\n"
    "[app]\n"
    "web1\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct inventory	 *inv;
	struct inv_host		**hosts = NULL;
	size_t			  n = 0;
	char			 *s, *cause = NULL;

	if (inv == NULL) {
		inv = inventory_new();
		if (inventory_ini_parse(inv, "fuzz.ini", inventory_text,
		    strlen(inventory_text), &cause) != 0)
			abort();
	}
	s = fuzz_string(data, len);
	if (inventory_match(inv, s, &hosts, &n, &cause) == 0)
		free(hosts);
	free(cause);
	free(s);
	return 0;
}
