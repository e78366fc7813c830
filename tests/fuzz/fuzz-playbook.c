/*
 * The whole playbook loader (YAML, plays, tasks, blocks, keywords,
 * expressions' syntax check) on one file: the input is written to a
 * private directory and loaded as --syntax-check does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz.h"
#include "playbook.h"

static char	 dir[] = "/tmp/cairn-fuzz-XXXXXX", path[64];

static void
cleanup(void)
{
	unlink(path);
	rmdir(dir);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct playbook	*pb = NULL;
	char		*cause = NULL;
	FILE		*f;

	if (path[0] == '\0') {
		if (mkdtemp(dir) == NULL)
			abort();
		snprintf(path, sizeof path, "%s/site.yml", dir);
		atexit(cleanup);
	}
	if ((f = fopen(path, "wb")) == NULL)
		abort();
	if (fwrite(data, 1, len, f) != len || fclose(f) != 0)
		abort();
	if (playbook_load(path, &pb, &cause) == 0)
		playbook_free(pb);
	free(cause);
	return 0;
}
