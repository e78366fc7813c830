/* The iptables argument vector of ansible.builtin.iptables, word for word. */
#include <stdlib.h>
#include <string.h>

#include "firewall.h"
#include "shell.h"

void
fw_argv_add(struct fw_argv *a, const char *s)
{
	a->v = xreallocarray(a->v, a->n + 1, sizeof *a->v);
	a->v[a->n++] = xstrdup(s);
}

void
fw_argv_release(struct fw_argv *a)
{
	strv_free(a->v, a->n);
	a->v = NULL;
	a->n = 0;
}

char *
fw_argv_join(const struct fw_argv *a, size_t from)
{
	struct buf	b = BUF_INIT;
	size_t		i;

	for (i = from; i < a->n; i++) {
		if (i > from)
			buf_addc(&b, ' ');
		buf_adds(&b, a->v[i]);
	}
	buf_cstr(&b);
	return buf_detach(&b, NULL);
}

void
fw_argv_shell(struct buf *b, const struct fw_argv *a)
{
	size_t	i;

	for (i = 0; i < a->n; i++) {
		if (i > 0)
			buf_addc(b, ' ');
		shell_quote_buf(b, a->v[i]);
	}
}

/* append_param: "flag value", or "! flag value" for "!value". */
static void
ipt_param(struct fw_argv *a, const char *v, const char *flag)
{
	if (v == NULL)
		return;
	if (v[0] == '!') {
		fw_argv_add(a, "!");
		fw_argv_add(a, flag);
		fw_argv_add(a, v + 1);
	} else {
		fw_argv_add(a, flag);
		fw_argv_add(a, v);
	}
}

/* append_match_flag: the bare flag for "match", "! flag" for "negate". */
static void
ipt_match_flag(struct fw_argv *a, const char *v, const char *flag,
    int negatable)
{
	if (v == NULL)
		return;
	if (strcmp(v, "match") == 0)
		fw_argv_add(a, flag);
	else if (negatable && strcmp(v, "negate") == 0) {
		fw_argv_add(a, "!");
		fw_argv_add(a, flag);
	}
}

static void
ipt_csv(struct fw_argv *a, const struct fw_list *l, const char *flag)
{
	struct buf	b = BUF_INIT;
	size_t		i;

	if (l->n == 0)
		return;
	for (i = 0; i < l->n; i++) {
		if (i > 0)
			buf_addc(&b, ',');
		buf_adds(&b, l->v[i]);
	}
	fw_argv_add(a, flag);
	fw_argv_add(a, buf_cstr(&b));
	buf_release(&b);
}

static void
ipt_match(struct fw_argv *a, int cond, const char *match)
{
	if (!cond)
		return;
	fw_argv_add(a, "-m");
	fw_argv_add(a, match);
}

static int
ipt_has_match(const struct iptables_req *q, const char *m)
{
	size_t	i;

	for (i = 0; i < q->match.n; i++)
		if (strcmp(q->match.v[i], m) == 0)
			return 1;
	return 0;
}

static int
ipt_set(const char *s)
{
	return s != NULL && *s != '\0';
}

void
iptables_rule(const struct iptables_req *q, struct fw_argv *a)
{
	size_t	i;
	int	ipv6 = q->ip_version != NULL &&
		    strcmp(q->ip_version, "ipv6") == 0;

	if (ipt_set(q->wait)) {
		fw_argv_add(a, "-w");
		fw_argv_add(a, q->wait);
	}
	ipt_param(a, q->protocol, "-p");
	ipt_param(a, q->source, "-s");
	ipt_param(a, q->destination, "-d");
	for (i = 0; i < q->match.n; i++)
		ipt_param(a, q->match.v[i], "-m");
	if (q->have_tcp_flags) {
		struct fw_argv	 tmp = { NULL, 0 };
		char		*f, *s;

		fw_argv_add(a, "--tcp-flags");
		ipt_csv(&tmp, &q->tcp_flags, "x");
		f = tmp.n > 1 ? xstrdup(tmp.v[1]) : xstrdup("");
		fw_argv_release(&tmp);
		ipt_csv(&tmp, &q->tcp_flags_set, "x");
		s = tmp.n > 1 ? xstrdup(tmp.v[1]) : xstrdup("");
		fw_argv_release(&tmp);
		fw_argv_add(a, f);
		fw_argv_add(a, s);
		free(f);
		free(s);
	}
	ipt_param(a, q->jump, "-j");
	if (q->jump != NULL && strcasecmp(q->jump, "tee") == 0)
		ipt_param(a, q->gateway, "--gateway");
	ipt_param(a, q->log_prefix, "--log-prefix");
	ipt_param(a, q->log_level, "--log-level");
	ipt_param(a, q->to_destination, "--to-destination");
	ipt_match(a, q->destination_ports.n > 0, "multiport");
	ipt_csv(a, &q->destination_ports, "--dports");
	ipt_param(a, q->to_source, "--to-source");
	ipt_param(a, q->goto_chain, "-g");
	ipt_param(a, q->in_interface, "-i");
	ipt_param(a, q->out_interface, "-o");
	ipt_param(a, q->fragment, "-f");
	ipt_param(a, q->set_counters, "-c");
	ipt_param(a, q->source_port, "--source-port");
	ipt_param(a, q->destination_port, "--destination-port");
	ipt_param(a, q->to_ports, "--to-ports");
	ipt_param(a, q->set_dscp_mark, "--set-dscp");
	ipt_param(a, q->set_dscp_mark_class, "--set-dscp-class");
	ipt_match_flag(a, q->syn, "--syn", 1);
	if (ipt_has_match(q, "conntrack"))
		ipt_csv(a, &q->ctstate, "--ctstate");
	else if (ipt_has_match(q, "state"))
		ipt_csv(a, &q->ctstate, "--state");
	else if (q->ctstate.n > 0) {
		ipt_match(a, 1, "conntrack");
		ipt_csv(a, &q->ctstate, "--ctstate");
	}
	if (ipt_has_match(q, "iprange")) {
		ipt_param(a, q->src_range, "--src-range");
		ipt_param(a, q->dst_range, "--dst-range");
	} else if (ipt_set(q->src_range) || ipt_set(q->dst_range)) {
		ipt_match(a, 1, "iprange");
		ipt_param(a, q->src_range, "--src-range");
		ipt_param(a, q->dst_range, "--dst-range");
	}
	if (ipt_has_match(q, "set")) {
		ipt_param(a, q->match_set, "--match-set");
		if (q->match_set_flags != NULL)
			fw_argv_add(a, q->match_set_flags);
	} else if (ipt_set(q->match_set)) {
		ipt_match(a, 1, "set");
		ipt_param(a, q->match_set, "--match-set");
		if (q->match_set_flags != NULL)
			fw_argv_add(a, q->match_set_flags);
	}
	ipt_match(a, ipt_set(q->limit) || ipt_set(q->limit_burst), "limit");
	ipt_param(a, q->limit, "--limit");
	ipt_param(a, q->limit_burst, "--limit-burst");
	/* the owner flags as Ansible passes them: a value of "match" or
	 * "negate" gives the bare flag, then the flag with the value */
	ipt_match(a, ipt_set(q->uid_owner), "owner");
	ipt_match_flag(a, q->uid_owner, "--uid-owner", 1);
	ipt_param(a, q->uid_owner, "--uid-owner");
	ipt_match(a, ipt_set(q->gid_owner), "owner");
	ipt_match_flag(a, q->gid_owner, "--gid-owner", 1);
	ipt_param(a, q->gid_owner, "--gid-owner");
	if (q->jump == NULL && ipt_set(q->reject_with)) {
		fw_argv_add(a, "-j");
		fw_argv_add(a, "REJECT");
	}
	ipt_param(a, q->reject_with, "--reject-with");
	ipt_param(a, q->icmp_type, ipv6 ? "--icmpv6-type" : "--icmp-type");
	ipt_match(a, ipt_set(q->comment), "comment");
	ipt_param(a, q->comment, "--comment");
}

void
iptables_command(const struct iptables_req *q, const char *action,
    int make_rule, struct fw_argv *a)
{
	fw_argv_add(a, q->ip_version != NULL &&
	    strcmp(q->ip_version, "ipv6") == 0 ? "ip6tables" : "iptables");
	fw_argv_add(a, "-t");
	fw_argv_add(a, q->table != NULL ? q->table : "filter");
	fw_argv_add(a, action);
	if (q->chain != NULL)
		fw_argv_add(a, q->chain);
	if (strcmp(action, "-I") == 0 && ipt_set(q->rule_num))
		fw_argv_add(a, q->rule_num);
	if (make_rule)
		iptables_rule(q, a);
}

char *
iptables_policy(const char *out)
{
	const char	*nl = strchr(out, '\n'), *p, *e;
	size_t		 len = nl != NULL ? (size_t)(nl - out) : strlen(out);

	for (p = out; (p = memmem(p, len - (p - out), "(policy ", 8)) != NULL;
	    p++) {
		for (e = p + 8; e < out + len && *e >= 'A' && *e <= 'Z'; e++)
			;
		if (e > p + 8 && e < out + len && *e == ')')
			return xstrndup(p + 8, e - (p + 8));
	}
	return NULL;
}
