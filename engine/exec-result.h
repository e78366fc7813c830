/*
 * What a shell command left behind: shared by the transport (conn.c fills
 * it) and the module contract (modules read it), so that module.h need not
 * include conn.h and a module cannot reach the transport.
 */
#ifndef CAIRN_EXEC_RESULT_H
#define CAIRN_EXEC_RESULT_H

#include "util.h"

/* rc is the exit status; out and err hold the exact bytes, NUL-terminated. */
struct exec_result {
	int		 rc;
	struct buf	 out;
	struct buf	 err;
};
#define EXEC_RESULT_INIT { 0, BUF_INIT, BUF_INIT }
/* Frees out and err and resets rc; NULL-safe.  In conn.c. */
void	 exec_result_release(struct exec_result *);

#endif
