/*
 * One error space for the transport and the host API, as OpenSSH's
 * ssherr.h: named negative codes below every -errno (the kernel's end at
 * -4095, MAX_ERRNO), so that a code of one layer is never read as another
 * one's: a refused become is never "no such file".  0 is success.  A
 * function returning these fills *cause with the sentence to show;
 * err_text is for when there is none.
 */
#ifndef CAIRN_ERROR_H
#define CAIRN_ERROR_H

#define ERR_UNREACHABLE	(-5001)	/* connect, auth, host key, lost link */
#define ERR_BECOME	(-5002)	/* sudo/su refused or wrong password */
#define ERR_TIMEOUT	(-5003)	/* a command exceeded its timeout */
#define ERR_NOTCONN	(-5004)	/* the task has no connection to use */
#define ERR_NOENT	(-5005)	/* the remote path does not exist */
#define ERR_IO		(-5006)	/* a remote command failed (stderr in cause) */
#define ERR_INVALID	(-5007)	/* an argument the host cannot apply */
#define ERR_VALIDATE	(-5008)	/* host_write's validate command refused */
#define ERR_INTERRUPTED	(-5009)	/* the run was interrupted (SIGINT, SIGTERM) */

/* The text of a code: lowercase, no full stop, never NULL. */
const char	*err_text(int);
/*
 * 1 if r is the transport's (ERR_UNREACHABLE, ERR_BECOME, ERR_TIMEOUT,
 * ERR_NOTCONN, ERR_INTERRUPTED): the command did not run, so it says nothing about the
 * host's files.  0 for anything else, success included.
 */
int		 err_is_transport(int r);

#endif
