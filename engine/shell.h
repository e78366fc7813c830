/*
 * POSIX shell quoting: the only way a value reaches a remote command line.
 */
#ifndef CAIRN_SHELL_H
#define CAIRN_SHELL_H

#include "util.h"

/* Appends s single-quoted ('it'\''s'), safe for any byte but NUL. */
void	 shell_quote_buf(struct buf *, const char *);
/* The same, malloc'd. */
char	*shell_quote(const char *);
/*
 * Splits a command line the way Python's shlex.split does in POSIX mode
 * (Ansible's command module uses it).  Returns 0 and a NULL-terminated
 * malloc'd argv (free with shell_argv_free), or -1 and *cause.
 */
int	 shell_split(const char *, char ***argv, char **cause);
void	 shell_argv_free(char **);

#endif
