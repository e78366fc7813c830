/*
 * ufw: drives the target's ufw command (community.general.ufw): state,
 * default policies, logging and one rule.  A change is what "ufw status
 * verbose" and the "### tuple" lines of the user rules say before and
 * after; check mode predicts from them and from "ufw --dry-run".  ufw is
 * the target's (a Python program there); cairn needs no Python.
 */
#include <stdlib.h>
#include <string.h>

#include "firewall.h"
#include "module.h"

/* The user rules files community.general greps, in its order. */
#define UFW_RULES_CMD	"grep -h '^### tuple' /lib/ufw/user.rules " \
	"/lib/ufw/user6.rules /etc/ufw/user.rules /etc/ufw/user6.rules " \
	"/var/lib/ufw/user.rules /var/lib/ufw/user6.rules 2>/dev/null"

static const char *const ufw_aliases[] = {
	"community.general.ufw", "community.general.system.ufw", NULL
};
static const char *const state_choices[] = { "enabled", "disabled",
	"reloaded", "reset", NULL };
static const char *const default_choices[] = { "allow", "deny", "reject",
	NULL };
static const char *const logging_choices[] = { "full", "high", "low",
	"medium", "off", "on", NULL };
static const char *const direction_choices[] = { "in", "incoming", "out",
	"outgoing", "routed", NULL };
static const char *const relative_choices[] = { "zero", "first-ipv4",
	"last-ipv4", "first-ipv6", "last-ipv6", NULL };
static const char *const rule_choices[] = { "allow", "deny", "limit",
	"reject", NULL };
static const char *const proto_choices[] = { "ah", "any", "esp", "ipv6",
	"tcp", "udp", "gre", "igmp", NULL };
static const char *const default_aliases[] = { "policy", NULL };
static const char *const if_aliases[] = { "if", NULL };
static const char *const if_in_aliases[] = { "if_in", NULL };
static const char *const if_out_aliases[] = { "if_out", NULL };
static const char *const from_aliases[] = { "from", "src", NULL };
static const char *const to_aliases[] = { "dest", "to", NULL };
static const char *const port_aliases[] = { "port", NULL };
static const char *const proto_aliases[] = { "protocol", NULL };
static const char *const name_aliases[] = { "app", NULL };

static const struct mod_param ufw_params[] = {
	{ "state", P_STR, 0, NULL, state_choices, NULL },
	{ "default", P_STR, 0, NULL, default_choices, default_aliases },
	{ "logging", P_STR, 0, NULL, logging_choices, NULL },
	{ "direction", P_STR, 0, NULL, direction_choices, NULL },
	{ "delete", P_BOOL, 0, "no", NULL, NULL },
	{ "route", P_BOOL, 0, "no", NULL, NULL },
	{ "insert", P_INT, 0, NULL, NULL, NULL },
	{ "insert_relative_to", P_STR, 0, "zero", relative_choices, NULL },
	{ "rule", P_STR, 0, NULL, rule_choices, NULL },
	{ "interface", P_STR, 0, NULL, NULL, if_aliases },
	{ "interface_in", P_STR, 0, NULL, NULL, if_in_aliases },
	{ "interface_out", P_STR, 0, NULL, NULL, if_out_aliases },
	{ "log", P_BOOL, 0, "no", NULL, NULL },
	{ "from_ip", P_STR, 0, "any", NULL, from_aliases },
	{ "from_port", P_STR, 0, NULL, NULL, NULL },
	{ "to_ip", P_STR, 0, "any", NULL, to_aliases },
	{ "to_port", P_STR, 0, NULL, NULL, port_aliases },
	{ "proto", P_STR, 0, NULL, proto_choices, proto_aliases },
	{ "name", P_STR, 0, NULL, NULL, name_aliases },
	{ "comment", P_STR, 0, NULL, NULL, NULL },
	{ NULL }
};

static int
ufw_validate(const struct mod_args *args, char **cause)
{
	const char	*dir = args_str(args, "direction");
	int		 n;

	n = args_has(args, "name") + args_has(args, "proto") +
	    args_has(args, "logging");
	if (n > 1) {
		*cause = xstrdup("parameters are mutually exclusive: "
		    "name|proto|logging");
		return -1;
	}
	if (dir != NULL && args_has(args, "interface_in")) {
		*cause = xstrdup("parameters are mutually exclusive: "
		    "direction|interface_in");
		return -1;
	}
	if (dir != NULL && args_has(args, "interface_out")) {
		*cause = xstrdup("parameters are mutually exclusive: "
		    "direction|interface_out");
		return -1;
	}
	if (!args_has(args, "state") && !args_has(args, "default") &&
	    !args_has(args, "rule") && !args_has(args, "logging")) {
		*cause = xstrdup("one of the following is required: state, "
		    "default, rule, logging");
		return -1;
	}
	if (args_has(args, "interface") && dir == NULL) {
		*cause = xstrdup("missing parameter(s) required by "
		    "'interface': direction");
		return -1;
	}
	return 0;
}

struct ufw_run {
	struct task_ctx	*ctx;
	struct result	*r;
	struct value	*cmds;		/* the "commands" return value */
};

#define UFW_IGNORE	0x1	/* a failure is no error */
#define UFW_ASIDE	0x2	/* not listed in "commands" */

/*
 * Runs the words (LANG=C) and records the command; a failure is an error
 * with its stderr (or stdout) unless UFW_IGNORE.  0 and *out, or -1 and
 * *cause.
 */
static int
ufw_exec(struct ufw_run *u, const struct fw_argv *argv, int flags,
    char **out, char **cause)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 cmd = BUF_INIT;
	char			*text;
	int			 rv = -1;

	text = fw_argv_join(argv, 0);
	if (flags & UFW_ASIDE)
		free(text);
	else
		value_list_append(u->cmds, value_str_take(text));
	buf_adds(&cmd, "LANG=C ");
	fw_argv_shell(&cmd, argv);
	if (host_run(u->ctx, buf_cstr(&cmd), &res, cause) != 0)
		goto out;
	if (res.rc != 0 && !(flags & UFW_IGNORE)) {
		*cause = xstrdup(res.err.len > 0 ? buf_cstr(&res.err) :
		    buf_cstr(&res.out));
		goto out;
	}
	if (out != NULL)
		*out = xstrdup(buf_cstr(&res.out));
	rv = 0;
out:
	exec_result_release(&res);
	buf_release(&cmd);
	return rv;
}

/* The "### tuple" lines of the user rules. */
static int
ufw_rules(struct ufw_run *u, char **out, char **cause)
{
	struct exec_result	res = EXEC_RESULT_INIT;

	value_list_append(u->cmds, value_str(UFW_RULES_CMD));
	if (host_run(u->ctx, UFW_RULES_CMD, &res, cause) != 0)
		return -1;
	*out = xstrdup(buf_cstr(&res.out));
	exec_result_release(&res);
	return 0;
}

static void
ufw_words(struct fw_argv *a, int dry, const char *w1, const char *w2,
    const char *w3)
{
	fw_argv_add(a, "ufw");
	if (dry)
		fw_argv_add(a, "--dry-run");
	if (w1 != NULL)
		fw_argv_add(a, w1);
	if (w2 != NULL)
		fw_argv_add(a, w2);
	if (w3 != NULL)
		fw_argv_add(a, w3);
}

static enum mod_status
ufw_run(struct task_ctx *ctx, const struct mod_args *args, struct result *r)
{
	static const char *const keys[] = { "state", "default", "rule",
		"logging" };
	struct ufw_run	 u = { ctx, r, value_list() };
	struct fw_argv	 a = { NULL, 0 };
	struct ufw_req	 q;
	const char	*dir = args_str(args, "direction"), *v, *rel;
	char		*pre = NULL, *pre_rules = NULL, *post = NULL;
	char		*post_rules = NULL, *out = NULL, *cause = NULL;
	int		 check = ctx_check_mode(ctx), changed = 0;
	long		 to;
	size_t		 k, len;
	enum mod_status	 status = MOD_FAILED;

	if (ufw_validate(args, &cause) != 0)
		goto out;
	ufw_words(&a, 0, "status", "verbose", NULL);
	if (ufw_exec(&u, &a, 0, &pre, &cause) != 0 ||
	    ufw_rules(&u, &pre_rules, &cause) != 0)
		goto out;
	for (k = 0; k < sizeof keys / sizeof *keys; k++) {
		if ((v = args_str(args, keys[k])) == NULL)
			continue;
		fw_argv_release(&a);
		if (k == 0) {
			const char	*verb = strcmp(v, "enabled") == 0 ?
					    "enable" : strcmp(v, "disabled") ==
					    0 ? "disable" : strcmp(v,
					    "reloaded") == 0 ? "reload" :
					    "reset";
			int		 active = strstr(pre, " active") !=
					    NULL;

			if (strcmp(v, "reloaded") == 0 ||
			    strcmp(v, "reset") == 0)
				changed = 1;
			if (check) {
				if ((strcmp(v, "disabled") == 0 && active) ||
				    (strcmp(v, "enabled") == 0 && !active))
					changed = 1;
				continue;
			}
			ufw_words(&a, 0, "-f", verb, NULL);
			if (ufw_exec(&u, &a, 0, NULL, &cause) != 0)
				goto out;
		} else if (k == 3) {
			if (check) {
				changed |= ufw_logging_changes(pre, v);
				continue;
			}
			ufw_words(&a, 0, "logging", v, NULL);
			if (ufw_exec(&u, &a, 0, NULL, &cause) != 0)
				goto out;
		} else if (k == 1) {
			if (dir != NULL && strcmp(dir, "outgoing") != 0 &&
			    strcmp(dir, "incoming") != 0 &&
			    strcmp(dir, "routed") != 0) {
				cause = xstrdup("For default, direction must "
				    "be one of \"outgoing\", \"incoming\" and "
				    "\"routed\", or direction must not be "
				    "specified.");
				goto out;
			}
			if (check) {
				changed |= ufw_default_changes(pre, dir, v);
				continue;
			}
			ufw_words(&a, 0, "default", v, dir);
			if (ufw_exec(&u, &a, 0, NULL, &cause) != 0)
				goto out;
		} else {
			if (dir != NULL && strcmp(dir, "in") != 0 &&
			    strcmp(dir, "out") != 0) {
				cause = xstrdup("For rules, direction must be "
				    "one of \"in\" and \"out\", or direction "
				    "must not be specified.");
				goto out;
			}
			memset(&q, 0, sizeof q);
			q.rule = v;
			q.direction = dir;
			q.interface = args_str(args, "interface");
			q.interface_in = args_str(args, "interface_in");
			q.interface_out = args_str(args, "interface_out");
			q.from_ip = args_str(args, "from_ip");
			q.from_port = args_str(args, "from_port");
			q.to_ip = args_str(args, "to_ip");
			q.to_port = args_str(args, "to_port");
			q.proto = args_str(args, "proto");
			q.name = args_str(args, "name");
			q.comment = args_str(args, "comment");
			q.route = args_bool(args, "route", 0);
			q.delete = args_bool(args, "delete", 0);
			q.log = args_bool(args, "log", 0);
			if (!q.route && q.interface_in != NULL &&
			    q.interface_out != NULL) {
				cause = xstrdup("Only route rules can combine "
				    "interface_in and interface_out");
				goto out;
			}
			to = -1;
			if (args_has(args, "insert") && !q.delete) {
				rel = args_str(args, "insert_relative_to");
				if (strcmp(rel, "zero") != 0) {
					ufw_words(&a, 0, "status", "numbered",
					    NULL);
					if (ufw_exec(&u, &a, UFW_IGNORE |
					    UFW_ASIDE, &out, &cause) != 0)
						goto out;
					fw_argv_release(&a);
				}
				ufw_insert_to(out != NULL ? out : "",
				    args_int(args, "insert", 0), rel, &to);
				free(out);
				out = NULL;
			}
			ufw_rule_argv(&q, check, to, &a);
			if (ufw_exec(&u, &a, 0, &out, &cause) != 0)
				goto out;
			if (check)
				changed |= ufw_rule_changes(pre_rules, out,
				    q.from_ip, q.to_ip);
			free(out);
			out = NULL;
		}
	}
	result_set(r, "commands", value_ref(u.cmds));
	if (!check) {
		fw_argv_release(&a);
		ufw_words(&a, 0, "status", "verbose", NULL);
		if (ufw_exec(&u, &a, 0, &post, &cause) != 0)
			goto out;
		if (!changed) {
			if (ufw_rules(&u, &post_rules, &cause) != 0)
				goto out;
			changed = strcmp(pre, post) != 0 ||
			    strcmp(pre_rules, post_rules) != 0;
		}
		len = strlen(post);
		while (len > 0 && strchr(" \t\r\n", post[len - 1]) != NULL)
			post[--len] = '\0';
		result_setstr(r, "msg", post);
	}
	status = changed ? MOD_CHANGED : MOD_OK;
out:
	if (status == MOD_FAILED) {
		result_set(r, "commands", value_ref(u.cmds));
		status = result_fail(r, "%s", cause != NULL ? cause :
		    "ufw failed");
	}
	value_unref(u.cmds);
	fw_argv_release(&a);
	free(pre);
	free(pre_rules);
	free(post);
	free(post_rules);
	free(out);
	free(cause);
	return status;
}

const struct module_entry module_ufw = {
	.name = "ufw",
	.aliases = ufw_aliases,
	.params = ufw_params,
	.flags = MOD_SUPPORTS_CHECK,
	.validate = ufw_validate,
	.run = ufw_run,
};
