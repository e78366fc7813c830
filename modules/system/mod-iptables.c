/*
 * iptables: one rule, a chain's policy, a flush or a chain itself in the
 * target's iptables/ip6tables (ansible.builtin.iptables).  "iptables -C"
 * says whether the rule is there; the argument vector is built by
 * iptables_rule (iptables-args.c), each word quoted.
 */
#include <stdlib.h>
#include <string.h>

#include "firewall.h"
#include "module.h"

static const char *const iptables_aliases[] = {
	"ansible.builtin.iptables", "ansible.legacy.iptables", NULL
};
static const char *const table_choices[] = { "filter", "nat", "mangle",
	"raw", "security", NULL };
static const char *const state_choices[] = { "absent", "present", NULL };
static const char *const action_choices[] = { "append", "insert", NULL };
static const char *const ipv_choices[] = { "ipv4", "ipv6", NULL };
static const char *const log_level_choices[] = { "0", "1", "2", "3", "4",
	"5", "6", "7", "emerg", "alert", "crit", "error", "warning", "notice",
	"info", "debug", NULL };
static const char *const flags_choices[] = { "src", "dst", "src,dst",
	"dst,src", NULL };
static const char *const syn_choices[] = { "ignore", "match", "negate",
	NULL };
static const char *const policy_choices[] = { "ACCEPT", "DROP", "QUEUE",
	"RETURN", NULL };

static const struct mod_param iptables_params[] = {
	{ "table", P_STR, 0, "filter", table_choices, NULL },
	{ "state", P_STR, 0, "present", state_choices, NULL },
	{ "action", P_STR, 0, "append", action_choices, NULL },
	{ "ip_version", P_STR, 0, "ipv4", ipv_choices, NULL },
	{ "chain", P_STR, 0, NULL, NULL, NULL },
	{ "rule_num", P_STR, 0, NULL, NULL, NULL },
	{ "protocol", P_STR, 0, NULL, NULL, NULL },
	{ "wait", P_STR, 0, NULL, NULL, NULL },
	{ "source", P_STR, 0, NULL, NULL, NULL },
	{ "to_source", P_STR, 0, NULL, NULL, NULL },
	{ "destination", P_STR, 0, NULL, NULL, NULL },
	{ "to_destination", P_STR, 0, NULL, NULL, NULL },
	{ "match", P_LIST, 0, NULL, NULL, NULL },
	{ "tcp_flags", P_DICT, 0, NULL, NULL, NULL },
	{ "jump", P_STR, 0, NULL, NULL, NULL },
	{ "gateway", P_STR, 0, NULL, NULL, NULL },
	{ "log_prefix", P_STR, 0, NULL, NULL, NULL },
	{ "log_level", P_STR, 0, NULL, log_level_choices, NULL },
	{ "goto", P_STR, 0, NULL, NULL, NULL },
	{ "in_interface", P_STR, 0, NULL, NULL, NULL },
	{ "out_interface", P_STR, 0, NULL, NULL, NULL },
	{ "fragment", P_STR, 0, NULL, NULL, NULL },
	{ "set_counters", P_STR, 0, NULL, NULL, NULL },
	{ "source_port", P_STR, 0, NULL, NULL, NULL },
	{ "destination_port", P_STR, 0, NULL, NULL, NULL },
	{ "destination_ports", P_LIST, 0, NULL, NULL, NULL },
	{ "to_ports", P_STR, 0, NULL, NULL, NULL },
	{ "set_dscp_mark", P_STR, 0, NULL, NULL, NULL },
	{ "set_dscp_mark_class", P_STR, 0, NULL, NULL, NULL },
	{ "comment", P_STR, 0, NULL, NULL, NULL },
	{ "ctstate", P_LIST, 0, NULL, NULL, NULL },
	{ "src_range", P_STR, 0, NULL, NULL, NULL },
	{ "dst_range", P_STR, 0, NULL, NULL, NULL },
	{ "match_set", P_STR, 0, NULL, NULL, NULL },
	{ "match_set_flags", P_STR, 0, NULL, flags_choices, NULL },
	{ "limit", P_STR, 0, NULL, NULL, NULL },
	{ "limit_burst", P_STR, 0, NULL, NULL, NULL },
	{ "uid_owner", P_STR, 0, NULL, NULL, NULL },
	{ "gid_owner", P_STR, 0, NULL, NULL, NULL },
	{ "reject_with", P_STR, 0, NULL, NULL, NULL },
	{ "icmp_type", P_STR, 0, NULL, NULL, NULL },
	{ "syn", P_STR, 0, "ignore", syn_choices, NULL },
	{ "flush", P_BOOL, 0, "no", NULL, NULL },
	{ "policy", P_STR, 0, NULL, policy_choices, NULL },
	{ "chain_management", P_BOOL, 0, "no", NULL, NULL },
	/* later Ansible: -n for the internal -L listings */
	{ "numeric", P_BOOL, 0, "no", NULL, NULL },
	{ NULL }
};

/* A list argument's strings; the array is malloc'd, the strings borrowed. */
static int
iptables_list(const struct value *v, const char *name, struct fw_list *l,
    char **cause)
{
	const char	**s;
	size_t		  i;

	l->v = NULL;
	l->n = 0;
	if (v == NULL || v->type == V_NULL)
		return 0;
	if (v->type != V_LIST) {
		*cause = xasprintf("%s must be a list", name);
		return -1;
	}
	s = xcalloc(v->u.list.n + 1, sizeof *s);
	for (i = 0; i < v->u.list.n; i++) {
		if (v->u.list.items[i]->type != V_STR) {
			free(s);
			*cause = xasprintf("the elements of %s must be "
			    "strings", name);
			return -1;
		}
		s[i] = v->u.list.items[i]->u.str.s;
	}
	l->v = s;
	l->n = i;
	return 0;
}

static void
iptables_req_release(struct iptables_req *q)
{
	free((void *)q->match.v);
	free((void *)q->destination_ports.v);
	free((void *)q->ctstate.v);
	free((void *)q->tcp_flags.v);
	free((void *)q->tcp_flags_set.v);
}

static int
iptables_req_fill(const struct mod_args *args, struct iptables_req *q,
    char **cause)
{
	const struct value	*tf = args_get(args, "tcp_flags");

	memset(q, 0, sizeof *q);
	q->table = args_str(args, "table");
	q->chain = args_str(args, "chain");
	q->rule_num = args_str(args, "rule_num");
	q->wait = args_str(args, "wait");
	q->ip_version = args_str(args, "ip_version");
	q->protocol = args_str(args, "protocol");
	q->source = args_str(args, "source");
	q->destination = args_str(args, "destination");
	q->jump = args_str(args, "jump");
	q->gateway = args_str(args, "gateway");
	q->log_prefix = args_str(args, "log_prefix");
	q->log_level = args_str(args, "log_level");
	q->to_destination = args_str(args, "to_destination");
	q->to_source = args_str(args, "to_source");
	q->goto_chain = args_str(args, "goto");
	q->in_interface = args_str(args, "in_interface");
	q->out_interface = args_str(args, "out_interface");
	q->fragment = args_str(args, "fragment");
	q->set_counters = args_str(args, "set_counters");
	q->source_port = args_str(args, "source_port");
	q->destination_port = args_str(args, "destination_port");
	q->to_ports = args_str(args, "to_ports");
	q->set_dscp_mark = args_str(args, "set_dscp_mark");
	q->set_dscp_mark_class = args_str(args, "set_dscp_mark_class");
	q->syn = args_str(args, "syn");
	q->src_range = args_str(args, "src_range");
	q->dst_range = args_str(args, "dst_range");
	q->match_set = args_str(args, "match_set");
	q->match_set_flags = args_str(args, "match_set_flags");
	q->limit = args_str(args, "limit");
	q->limit_burst = args_str(args, "limit_burst");
	q->uid_owner = args_str(args, "uid_owner");
	q->gid_owner = args_str(args, "gid_owner");
	q->reject_with = args_str(args, "reject_with");
	q->icmp_type = args_str(args, "icmp_type");
	q->comment = args_str(args, "comment");
	if (iptables_list(args_get(args, "match"), "match", &q->match,
	    cause) != 0 ||
	    iptables_list(args_get(args, "destination_ports"),
	    "destination_ports", &q->destination_ports, cause) != 0 ||
	    iptables_list(args_get(args, "ctstate"), "ctstate", &q->ctstate,
	    cause) != 0)
		return -1;
	if (tf != NULL && tf->type == V_DICT) {
		if (iptables_list(value_dict_get(tf, "flags"), "flags",
		    &q->tcp_flags, cause) != 0 ||
		    iptables_list(value_dict_get(tf, "flags_set"), "flags_set",
		    &q->tcp_flags_set, cause) != 0)
			return -1;
		q->have_tcp_flags = value_dict_get(tf, "flags") != NULL &&
		    value_dict_get(tf, "flags_set") != NULL;
	}
	return 0;
}

static int
iptables_validate(const struct mod_args *args, char **cause)
{
	const char	*jump = args_str(args, "jump");

	if (args_has(args, "set_dscp_mark") &&
	    args_has(args, "set_dscp_mark_class")) {
		*cause = xstrdup("parameters are mutually exclusive: "
		    "set_dscp_mark|set_dscp_mark_class");
		return -1;
	}
	if (args_bool(args, "flush", 0) && args_has(args, "policy")) {
		*cause = xstrdup("parameters are mutually exclusive: "
		    "flush|policy");
		return -1;
	}
	if (jump != NULL && strcasecmp(jump, "tee") == 0 &&
	    !args_has(args, "gateway")) {
		*cause = xasprintf("jump is %s but all of the following are "
		    "missing: gateway", jump);
		return -1;
	}
	return 0;
}

/*
 * Runs one iptables command (extra: a last word, -P's policy), with -n
 * for a listing when numeric.  0 with its rc and, when out is not NULL,
 * its stdout (malloc'd); or -1, with the result failed when check_rc and
 * the command failed, else *cause.
 */
static int
iptables_exec(struct task_ctx *ctx, const struct iptables_req *q,
    const char *action, int make_rule, const char *extra, int numeric,
    int check_rc, struct result *r, int *rc, char **out, char **cause)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct fw_argv		 argv = { NULL, 0 };
	struct buf		 cmd = BUF_INIT;
	int			 rv = -1;

	iptables_command(q, action, make_rule, &argv);
	if (extra != NULL)
		fw_argv_add(&argv, extra);
	if (numeric && strcmp(action, "-L") == 0)
		fw_argv_add(&argv, "-n");
	fw_argv_shell(&cmd, &argv);
	if (host_run(ctx, buf_cstr(&cmd), &res, cause) != 0)
		goto out;
	if (res.rc == 127) {
		*cause = xasprintf("Failed to find required executable %s in "
		    "paths", argv.v[0]);
		goto out;
	}
	if (check_rc && res.rc != 0) {
		result_fail_exec(r, buf_cstr(&cmd), &res);
		goto out;
	}
	*rc = res.rc;
	if (out != NULL)
		*out = xstrdup(buf_cstr(&res.out));
	rv = 0;
out:
	exec_result_release(&res);
	fw_argv_release(&argv);
	buf_release(&cmd);
	return rv;
}

static enum mod_status
iptables_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	struct iptables_req	 q;
	struct fw_argv		 rule = { NULL, 0 };
	const char		*state = args_str(args, "state");
	const char		*policy = args_str(args, "policy");
	int			 flush = args_bool(args, "flush", 0);
	int			 mgmt = args_bool(args, "chain_management", 0);
	int			 numeric = args_bool(args, "numeric", 0);
	int			 check = ctx_check_mode(ctx);
	int			 rc, present, chain, changed = 0, want;
	char			*cause = NULL, *text, *cur = NULL;
	enum mod_status		 status = MOD_FAILED;

	memset(&q, 0, sizeof q);
	if (iptables_validate(args, &cause) != 0 ||
	    iptables_req_fill(args, &q, &cause) != 0)
		goto out;
	iptables_rule(&q, &rule);
	text = fw_argv_join(&rule, 0);
	result_setstr(r, "ip_version", q.ip_version);
	result_setstr(r, "table", q.table);
	if (q.chain != NULL)
		result_setstr(r, "chain", q.chain);
	else
		result_set(r, "chain", value_null());
	result_setbool(r, "flush", flush);
	result_setstr(r, "rule", text);
	result_setstr(r, "state", state);
	result_setbool(r, "chain_management", mgmt);
	free(text);

	if (!flush && q.chain == NULL) {
		cause = xstrdup("Either chain or flush parameter must be "
		    "specified.");
		goto out;
	}
	if (q.log_prefix != NULL || q.log_level != NULL) {
		if (q.jump == NULL)
			q.jump = "LOG";
		else if (strcmp(q.jump, "LOG") != 0) {
			cause = xstrdup("Logging options can only be used with "
			    "the LOG jump target.");
			goto out;
		}
	}

	if (flush) {
		changed = 1;
		if (!check && iptables_exec(ctx, &q, "-F", 0, NULL, 0, 1, r,
		    &rc, NULL, &cause) != 0)
			goto out;
	} else if (policy != NULL) {
		if (iptables_exec(ctx, &q, "-L", 0, NULL, numeric, 1, r, &rc,
		    &text, &cause) != 0)
			goto out;
		cur = iptables_policy(text);
		free(text);
		if (cur == NULL) {
			cause = xstrdup("Can't detect current policy");
			goto out;
		}
		changed = strcmp(cur, policy) != 0;
		if (changed && !check && iptables_exec(ctx, &q, "-P", 0,
		    policy, 0, 1, r, &rc, NULL, &cause) != 0)
			goto out;
	} else if (strcmp(state, "absent") == 0 && rule.n == 0) {
		if (iptables_exec(ctx, &q, "-L", 0, NULL, numeric, 0, r, &rc,
		    NULL, &cause) != 0)
			goto out;
		changed = rc == 0;
		if (changed && mgmt && !check && iptables_exec(ctx, &q, "-X",
		    0, NULL, 0, 1, r, &rc, NULL, &cause) != 0)
			goto out;
	} else {
		want = strcmp(state, "present") == 0;
		if (iptables_exec(ctx, &q, "-C", 1, NULL, 0, 0, r, &rc, NULL,
		    &cause) != 0)
			goto out;
		present = rc == 0;
		chain = present;
		if (!chain) {
			if (iptables_exec(ctx, &q, "-L", 0, NULL, numeric, 0, r,
			    &rc, NULL, &cause) != 0)
				goto out;
			chain = rc == 0;
		}
		changed = present != want;
		if (changed && !check) {
			if (want && !chain && mgmt && iptables_exec(ctx, &q,
			    "-N", 0, NULL, 0, 1, r, &rc, NULL, &cause) != 0)
				goto out;
			if (iptables_exec(ctx, &q, !want ? "-D" :
			    strcmp(args_str(args, "action"), "insert") == 0 ?
			    "-I" : "-A", 1, NULL, 0, 1, r, &rc, NULL,
			    &cause) != 0)
				goto out;
		}
	}
	status = changed ? MOD_CHANGED : MOD_OK;
out:
	if (status == MOD_FAILED && cause != NULL)
		status = result_fail(r, "%s", cause);
	else if (status == MOD_FAILED && value_dict_get(r->v, "msg") == NULL)
		status = result_fail(r, "iptables failed");
	fw_argv_release(&rule);
	iptables_req_release(&q);
	free(cause);
	free(cur);
	return status;
}

const struct module_entry module_iptables = {
	.name = "iptables",
	.aliases = iptables_aliases,
	.params = iptables_params,
	.flags = MOD_SUPPORTS_CHECK,
	.validate = iptables_validate,
	.run = iptables_run,
};
