/*
 * The pure side of the firewall modules: the iptables argument vector
 * ansible.builtin.iptables builds from a task (iptables-args.c), and the
 * ufw command lines and change detection of community.general.ufw
 * (ufw-plan.c).  Nothing here talks to a host: the modules quote each
 * word with shell_quote_buf and run it.
 */
#ifndef CAIRN_FIREWALL_H
#define CAIRN_FIREWALL_H

#include <stddef.h>

#include "util.h"

/* A list of strings (a task's list argument); borrowed. */
struct fw_list {
	const char *const	*v;
	size_t			 n;
};

/* iptables-args.c */

/* The task's rule options, each NULL (or an empty list) when not given. */
struct iptables_req {
	const char	*table, *chain, *rule_num, *wait, *ip_version;
	const char	*protocol, *source, *destination, *jump, *gateway;
	const char	*log_prefix, *log_level, *to_destination, *to_source;
	const char	*goto_chain, *in_interface, *out_interface, *fragment;
	const char	*set_counters, *source_port, *destination_port;
	const char	*to_ports, *set_dscp_mark, *set_dscp_mark_class;
	const char	*syn;		/* "ignore", "match", "negate" */
	const char	*src_range, *dst_range, *match_set, *match_set_flags;
	const char	*limit, *limit_burst, *uid_owner, *gid_owner;
	const char	*reject_with, *icmp_type, *comment;
	struct fw_list	 match, destination_ports, ctstate;
	struct fw_list	 tcp_flags, tcp_flags_set;
	int		 have_tcp_flags;	/* both lists given */
};

/* A growable argument vector. */
struct fw_argv {
	char	**v;
	size_t	  n;
};
void	 fw_argv_add(struct fw_argv *, const char *);
void	 fw_argv_release(struct fw_argv *);
/* The words joined by spaces, as Ansible's "rule" return value. */
char	*fw_argv_join(const struct fw_argv *, size_t from);
/* The words as one shell command line, each quoted. */
void	 fw_argv_shell(struct buf *, const struct fw_argv *);

/*
 * The rule's words, in Ansible's order and with its quirks: a value
 * starting with '!' is negated ("! -s x"), a ctstate without a state or
 * conntrack match adds "-m conntrack", ranges add "-m iprange", and so
 * on.
 */
void	 iptables_rule(const struct iptables_req *, struct fw_argv *);
/*
 * The whole command: BIN -t TABLE ACTION [CHAIN] [RULE_NUM for -I]
 * [rule words when make_rule].  action is "-A", "-C", "-D", "-I", "-F",
 * "-L", "-N", "-X", "-P".
 */
void	 iptables_command(const struct iptables_req *, const char *action,
	    int make_rule, struct fw_argv *);
/* The policy "(policy ACCEPT)" of "iptables -L CHAIN"'s first line. */
char	*iptables_policy(const char *list_output);

/* ufw-plan.c */

/* The task's rule; strings NULL when not given. */
struct ufw_req {
	const char	*rule;		/* allow, deny, limit, reject */
	const char	*direction, *interface, *interface_in, *interface_out;
	const char	*from_ip, *from_port, *to_ip, *to_port, *proto;
	const char	*name, *comment;
	int		 route, delete, log;
};

/*
 * The words of "ufw [--dry-run] [route] [delete] [insert N] RULE ..." in
 * community.general's order; insert_to < 0 for no insert.
 */
void	 ufw_rule_argv(const struct ufw_req *, int dry_run, long insert_to,
	    struct fw_argv *);
/*
 * Where "insert N insert_relative_to R" puts a rule, from "ufw status
 * numbered": 0 and *to, or *to -1 when it would go past the last rule
 * (appended, no insert).
 */
void	 ufw_insert_to(const char *numbered, long insert,
	    const char *relative_to, long *to);
/* Check mode: whether "logging VALUE" changes "ufw status verbose". */
int	 ufw_logging_changes(const char *status, const char *value);
/* Check mode: whether "default VALUE [DIRECTION]" changes it. */
int	 ufw_default_changes(const char *status, const char *direction,
	    const char *value);
/*
 * Check mode: whether a --dry-run rule's output differs from the
 * "### tuple" lines of the user rules, as community.general compares
 * them (the lines with an IPv4 address only when from_ip or to_ip
 * starts with one, the IPv6 ones likewise).
 */
int	 ufw_rule_changes(const char *pre_rules, const char *dry,
	    const char *from_ip, const char *to_ip);
/* Whether s starts with an IPv4 (IPv6) address, as ufw's regexps read. */
int	 ufw_starts_ipv4(const char *s);
int	 ufw_starts_ipv6(const char *s);

#endif
