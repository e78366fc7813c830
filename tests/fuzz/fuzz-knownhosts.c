/*
 * known_hosts files: the input is a file's text scanned for two hosts
 * (a plain name and [host]:port) and a key, as the host-key check does.
 */
#include <stdlib.h>

#include "fuzz.h"
#include "knownhosts.h"

static const char key[] =
    "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct knownhosts_result	 r = KNOWNHOSTS_RESULT_INIT;
	struct knownhosts_result	 r2 = KNOWNHOSTS_RESULT_INIT;

	knownhosts_scan((const char *)data, len, "known_hosts", "web1",
	    "ssh-ed25519", key, &r);
	knownhosts_scan((const char *)data, len, "known_hosts",
	    "[10.0.0.5]:2222", "ssh-ed25519", key, &r2);
	knownhosts_result_release(&r);
	knownhosts_result_release(&r2);
	return 0;
}
