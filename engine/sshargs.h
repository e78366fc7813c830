/*
 * OpenSSH client arguments as inventories pass them to Ansible
 * (ansible_ssh_common_args, ansible_ssh_extra_args, --ssh-common-args,
 * --ssh-extra-args), read into the settings cairn's libssh transport can
 * apply.  Pure: no terminal, no files.
 */
#ifndef CAIRN_SSHARGS_H
#define CAIRN_SSHARGS_H

#include <stddef.h>

/*
 * What the arguments say; ssh(1) takes the first value of an option, so a
 * field once set keeps its value.  Strings are owned, NULL when unset;
 * numbers are 0 when unset; hkc, identities_only and compression -1.
 */
struct sshargs {
	int	  hkc;			/* enum host_key_checking */
	char	 *known_hosts;		/* UserKnownHostsFile, ~ expanded */
	char	 *global_known_hosts;	/* GlobalKnownHostsFile */
	char	 *proxy_command;	/* ProxyCommand ("none": none) */
	char	 *proxy_jump;		/* ProxyJump, -J */
	int	  port;			/* Port, -p */
	char	 *user;			/* User, -l */
	char	 *identity;		/* IdentityFile, -i (the first one) */
	char	 *config;		/* -F */
	int	  identities_only;	/* IdentitiesOnly */
	int	  timeout;		/* ConnectTimeout */
	int	  alive_interval;	/* ServerAliveInterval */
	int	  alive_count;		/* ServerAliveCountMax */
	char	 *ciphers;		/* Ciphers, -c */
	char	 *kex;			/* KexAlgorithms */
	char	 *hostkeys;		/* HostKeyAlgorithms */
	char	 *pubkey_types;		/* PubkeyAcceptedAlgorithms */
	int	  compression;		/* Compression, -C */
	/* options cairn cannot apply, as written ("ForwardAgent", "-A") */
	char	**ignored;
	size_t	  nignored;
};

void	 sshargs_init(struct sshargs *);
void	 sshargs_release(struct sshargs *);	/* NULL-safe */
/*
 * Reads args (shell-like words, as ssh's command line: "-o Key=Value",
 * "-oKey=Value", "-o 'Key Value'", "-i FILE", "-p2222", "-qC"...) into
 * sa, on top of what it already holds (call it for the common, then the
 * extra arguments).  A leading "~/" in a file name is home's (when home
 * is not NULL).  ControlMaster, ControlPersist, ControlPath, LogLevel,
 * -q, -v, -T, -t, -n are accepted silently: they mean nothing here.
 * Anything else unknown lands in sa->ignored, once per name.  0, or -1
 * and *cause for arguments that cannot be split or an option that lacks
 * its value or has a bad one (a Port that is not a number).
 */
int	 sshargs_parse(struct sshargs *sa, const char *args, const char *home,
	    char **cause);

#endif
