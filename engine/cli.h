/* The command line: `cairn play` and `cairn inventory`. */
#ifndef CAIRN_CLI_H
#define CAIRN_CLI_H

/* Runs the command; returns the process exit code. */
int	 cli_main(int argc, char **argv);
/* cairn vault: ansible-vault's commands (cli-vault.c). */
int	 cli_vault(int argc, char **argv);
/* cairn doc: ansible-doc from the parameter tables (cli-doc.c). */
int	 cli_doc(int argc, char **argv);
/* cairn adhoc: Ansible's `ansible` (cli-adhoc.c). */
int	 cli_adhoc(int argc, char **argv);

struct option;
/* cairn play itself, and its options, for the commands built on it. */
int	 cli_play(int argc, char **argv);
const struct option *cli_play_longopts(void);
const char	*cli_play_shortopts(void);

#endif
