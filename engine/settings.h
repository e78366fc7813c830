/*
 * Settings from a config file and the environment, below the command
 * line: cairn.cfg, or an existing ansible.cfg, so that current set-ups
 * keep working.  Looked for in $CAIRN_CONFIG, $ANSIBLE_CONFIG,
 * ./cairn.cfg, ./ansible.cfg, ~/.cairn.cfg, ~/.ansible.cfg,
 * /etc/cairn/cairn.cfg, /etc/ansible/ansible.cfg: the first found wins.
 */
#ifndef CAIRN_SETTINGS_H
#define CAIRN_SETTINGS_H

#include "conn.h"
#include "value.h"

struct settings {
	char			*path;		/* the file read, or NULL */
	char			*inventory;	/* comma-separated sources */
	int			 forks;
	char			*remote_user;
	char			*private_key_file;
	enum host_key_checking	 hkc;
	int			 timeout;
	int			 become;
	char			*become_user;
	char			*become_method;
	int			 become_ask_pass;
	int			 gather_facts;	/* "gathering = explicit": 0 */
	char			*library;	/* Lua module path, ':' between */
	char			*roles_path;	/* ':' between, or NULL: default */
	char			*collections_path; /* likewise */
	char			*vault_password_file;
	int			 retry_files_enabled;
	char			*retry_files_save_path;
	char			*vault_identity_list;	/* "id@src,id2@src2" */
	char			*callbacks_enabled;	/* "junit,timer" */
	char			*stdout_callback;	/* "json", "minimal" */
	int			 display_skipped_hosts;
	int			 display_ok_hosts;
	int			 nocolor, force_color;
	struct value		*warnings;	/* strings to show once */
};

/* Fills defaults, then the file, then the environment; -1 and *cause. */
int	 settings_load(struct settings *, char **cause);
void	 settings_release(struct settings *);
/* Parses accept-new/off/strict and Ansible's booleans; -1 if neither. */
int	 settings_parse_hkc(const char *, enum host_key_checking *);

#endif
