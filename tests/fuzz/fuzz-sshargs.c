/* ansible_ssh_common_args / --ssh-extra-args: OpenSSH option words. */
#include <stdlib.h>

#include "fuzz.h"
#include "sshargs.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct sshargs	 sa;
	char		*s, *cause = NULL;

	s = fuzz_string(data, len);
	sshargs_init(&sa);
	(void)sshargs_parse(&sa, s, "/home/fuzz", &cause);
	sshargs_release(&sa);
	free(cause);
	free(s);
	return 0;
}
