/*
 * ufw's decisions: the rule command line and the check-mode predictions
 * community.general.ufw makes from "ufw status verbose", "ufw status
 * numbered" and the user rules files.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "firewall.h"

void
ufw_rule_argv(const struct ufw_req *q, int dry_run, long insert_to,
    struct fw_argv *a)
{
	char	*s;

	fw_argv_add(a, "ufw");
	if (dry_run)
		fw_argv_add(a, "--dry-run");
	if (q->route)
		fw_argv_add(a, "route");
	if (q->delete)
		fw_argv_add(a, "delete");
	if (insert_to >= 0) {
		fw_argv_add(a, "insert");
		s = xasprintf("%ld", insert_to);
		fw_argv_add(a, s);
		free(s);
	}
	fw_argv_add(a, q->rule);
	if (q->direction != NULL)
		fw_argv_add(a, q->direction);
	if (q->interface != NULL) {
		fw_argv_add(a, "on");
		fw_argv_add(a, q->interface);
	}
	if (q->interface_in != NULL) {
		fw_argv_add(a, "in");
		fw_argv_add(a, "on");
		fw_argv_add(a, q->interface_in);
	}
	if (q->interface_out != NULL) {
		fw_argv_add(a, "out");
		fw_argv_add(a, "on");
		fw_argv_add(a, q->interface_out);
	}
	if (q->log)
		fw_argv_add(a, "log");
	if (q->from_ip != NULL && *q->from_ip != '\0') {
		fw_argv_add(a, "from");
		fw_argv_add(a, q->from_ip);
	}
	if (q->from_port != NULL && *q->from_port != '\0') {
		fw_argv_add(a, "port");
		fw_argv_add(a, q->from_port);
	}
	if (q->to_ip != NULL && *q->to_ip != '\0') {
		fw_argv_add(a, "to");
		fw_argv_add(a, q->to_ip);
	}
	if (q->to_port != NULL && *q->to_port != '\0') {
		fw_argv_add(a, "port");
		fw_argv_add(a, q->to_port);
	}
	if (q->proto != NULL && *q->proto != '\0') {
		fw_argv_add(a, "proto");
		fw_argv_add(a, q->proto);
	}
	if (q->name != NULL && *q->name != '\0') {
		fw_argv_add(a, "app");
		fw_argv_add(a, q->name);
	}
	if (q->comment != NULL && *q->comment != '\0') {
		fw_argv_add(a, "comment");
		fw_argv_add(a, q->comment);
	}
}

void
ufw_insert_to(const char *numbered, long insert, const char *rel, long *to)
{
	const char	*p = numbered, *q;
	long		 n, last = 0, last4 = 0;
	int		 has4 = 0, has6 = 0, v6;
	long		 relative_to = 0;

	if (strcmp(rel, "zero") == 0) {
		*to = insert;
		return;
	}
	/* '^\[ *([0-9]+)\] ' lines; "(v6)" anywhere marks an IPv6 rule */
	while (*p != '\0') {
		const char	*nl = strchr(p, '\n');
		size_t		 len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		char		*line = xstrndup(p, len);

		p = nl != NULL ? nl + 1 : p + len;
		if (line[0] != '[') {
			free(line);
			continue;
		}
		for (q = line + 1; *q == ' '; q++)
			;
		if (!isdigit((unsigned char)*q)) {
			free(line);
			continue;
		}
		n = strtol(q, (char **)&q, 10);
		if (q[0] != ']' || q[1] != ' ') {
			free(line);
			continue;
		}
		v6 = strstr(line, "(v6)") != NULL;
		free(line);
		if (n > last)
			last = n;
		if (v6)
			has6 = 1;
		else {
			has4 = 1;
			if (n > last4)
				last4 = n;
		}
	}
	if (strcmp(rel, "first-ipv4") == 0)
		relative_to = 1;
	else if (strcmp(rel, "last-ipv4") == 0)
		relative_to = has4 ? last4 : 1;
	else if (strcmp(rel, "first-ipv6") == 0)
		relative_to = has4 ? last4 + 1 : 1;
	else if (strcmp(rel, "last-ipv6") == 0)
		relative_to = has6 ? last : last + 1;
	*to = insert + relative_to;
	if (*to > last)
		*to = -1;
}

int
ufw_logging_changes(const char *status, const char *value)
{
	const char	*p = strstr(status, "Logging: ");
	char		 level[32];
	int		 on;
	size_t		 i = 0;

	if (p == NULL)
		return 1;
	p += 9;
	if (strncmp(p, "on", 2) == 0)
		on = 1;
	else if (strncmp(p, "off", 3) == 0)
		on = 0;
	else
		return 1;
	p += on ? 2 : 3;
	level[0] = '\0';
	if (strncmp(p, " (", 2) == 0) {
		for (p += 2; islower((unsigned char)p[i]) &&
		    i + 1 < sizeof level; i++)
			level[i] = p[i];
		level[i] = '\0';
		if (p[i] != ')')
			level[0] = '\0';
	}
	if (strcmp(value, "off") != 0) {
		if (!on)
			return 1;
		return strcmp(value, "on") != 0 && strcmp(value, level) != 0;
	}
	return on;
}

/* A word of (deny|allow|reject[|disabled]) at *pp, copied to out. */
static int
ufw_policy_word(const char **pp, char *out, size_t size, int routed)
{
	static const char *const words[] = { "deny", "allow", "reject",
		"disabled" };
	size_t	i, len;

	for (i = 0; i < (routed ? 4u : 3u); i++) {
		len = strlen(words[i]);
		if (strncmp(*pp, words[i], len) == 0 && len < size) {
			memcpy(out, words[i], len + 1);
			*pp += len;
			return 1;
		}
	}
	return 0;
}

int
ufw_default_changes(const char *status, const char *direction,
    const char *value)
{
	const char	*p = status;
	char		 in[16], outg[16], routed[16];
	const char	*cur;

	while ((p = strstr(p, "Default: ")) != NULL) {
		p += 9;
		if (!ufw_policy_word(&p, in, sizeof in, 0) ||
		    strncmp(p, " (incoming), ", 13) != 0)
			continue;
		p += 13;
		if (!ufw_policy_word(&p, outg, sizeof outg, 0) ||
		    strncmp(p, " (outgoing), ", 13) != 0)
			continue;
		p += 13;
		if (!ufw_policy_word(&p, routed, sizeof routed, 1) ||
		    strncmp(p, " (routed)", 9) != 0)
			continue;
		if (direction == NULL || strcmp(direction, "incoming") == 0)
			cur = in;
		else if (strcmp(direction, "outgoing") == 0)
			cur = outg;
		else
			cur = routed;
		return strcmp(cur, value) != 0 && strcmp(cur, "disabled") != 0;
	}
	return 1;
}

/* An octet of the IPv4 regexp at s: the lengths it can take, longest first. */
static int
ufw_octet(const char *s, int len)
{
	int	i, v = 0;

	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	if (len == 3)
		return s[0] != '0' && v <= 255;
	return 1;
}

/* '((octet)\.){3}(octet)' at s, backtracking over octet lengths. */
static int
ufw_ipv4_at(const char *s, int part)
{
	int	len;

	for (len = 3; len >= 1; len--) {
		if (!ufw_octet(s, len))
			continue;
		if (part == 3)
			return 1;
		if (s[len] == '.' && ufw_ipv4_at(s + len + 1, part + 1))
			return 1;
	}
	return 0;
}

int
ufw_starts_ipv4(const char *s)
{
	return s != NULL && ufw_ipv4_at(s, 0);
}

/*
 * The IPv6 regexp at s: every form but the full eight groups holds a
 * "::" right after hex groups (or at the start), so that is what is
 * looked for.
 */
static int
ufw_ipv6_at(const char *s)
{
	int	groups = 0, n;

	for (;;) {
		if (s[0] == ':' && s[1] == ':')
			return 1;
		for (n = 0; n < 4 && isxdigit((unsigned char)s[n]); n++)
			;
		if (n == 0)
			return 0;
		s += n;
		if (++groups == 8)
			return 1;
		if (*s != ':')
			return 0;
		if (s[1] == ':')
			return 1;
		s++;
	}
}

int
ufw_starts_ipv6(const char *s)
{
	return s != NULL && ufw_ipv6_at(s);
}

/* The lines of text that contain an address of the kind (4 or 6). */
static char *
ufw_lines_with(const char *text, int kind)
{
	struct buf	 b = BUF_INIT;
	const char	*p = text, *nl, *c;
	size_t		 len;
	int		 yes;

	for (; *p != '\0'; p += len) {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) + 1 : strlen(p);
		yes = 0;
		for (c = p; !yes && c < p + len; c++)
			yes = kind == 4 ? ufw_ipv4_at(c, 0) : ufw_ipv6_at(c);
		if (yes)
			buf_add(&b, p, len);
	}
	buf_cstr(&b);
	return buf_detach(&b, NULL);
}

int
ufw_rule_changes(const char *pre_rules, const char *dry, const char *from_ip,
    const char *to_ip)
{
	struct buf	 tuples = BUF_INIT;
	const char	*p = dry, *nl;
	size_t		 len, lines = 0, skipping = 0;
	char		*a, *b;
	int		 changed, kind;

	for (; *p != '\0'; p += len) {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) + 1 : strlen(p);
		lines++;
		if (memmem(p, len, "Skipping", 8) != NULL)
			skipping++;
		if (len >= 9 && memcmp(p, "### tuple", 9) == 0)
			buf_add(&tuples, p, len);
	}
	/* only "Skipping adding existing rule" lines: nothing to do */
	if (skipping > 0 && skipping == lines) {
		buf_release(&tuples);
		return 0;
	}
	dry = buf_cstr(&tuples);
	kind = ufw_starts_ipv4(from_ip) || ufw_starts_ipv4(to_ip) ? 4 :
	    ufw_starts_ipv6(from_ip) || ufw_starts_ipv6(to_ip) ? 6 : 0;
	if (kind == 0)
		changed = strcmp(pre_rules, dry) != 0;
	else {
		a = ufw_lines_with(pre_rules, kind);
		b = ufw_lines_with(dry, kind);
		changed = strcmp(a, b) != 0;
		free(a);
		free(b);
	}
	buf_release(&tuples);
	return changed;
}
