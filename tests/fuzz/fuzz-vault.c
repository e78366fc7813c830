/*
 * Vault envelopes: any text given to the decryptor (with two secrets, one
 * of them with a vault id) is plaintext or an error.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "util.h"
#include "vault.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct vault_secrets	 vs;
	static int			 ready;
	struct buf			 out = BUF_INIT;
	char				*id = NULL, *cause = NULL;

	if (!ready) {
		vault_secrets_add(&vs, "default", "secret", 6);
		vault_secrets_add(&vs, "prod", "prodpw", 6);
		ready = 1;
	}
	(void)vault_decrypt(&vs, (const char *)data, len, "fuzz", &out, &id,
	    &cause);
	buf_release(&out);
	free(id);
	free(cause);
	return 0;
}
