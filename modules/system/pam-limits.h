/*
 * The pam_limits module's pure side: the edit community.general's
 * pam_limits makes to a limits.conf, line for line and with its quirks
 * (a found line's comment carried to the rewritten one), so both tools
 * leave the same bytes.  Nothing here talks to a host.
 */
#ifndef CAIRN_PAM_LIMITS_H
#define CAIRN_PAM_LIMITS_H

#include <stddef.h>

#include "util.h"

/* What the task asks for; every string borrowed. */
struct pam_limits_req {
	const char	*domain;
	const char	*type;		/* "soft", "hard", "-" */
	const char	*item;		/* "nofile", "nice", ... */
	const char	*value;
	int		 use_max;
	int		 use_min;
	const char	*comment;	/* "" or NULL: keep the line's own */
};

/*
 * Whether value is valid for item as limits.conf(5) reads it: nice and
 * priority take -20..19, the others a number of 0 or more, "unlimited",
 * "infinity" or "-1".  0, or -1 and *cause (Ansible's message, after
 * prefix: "" for the task's value, "Invalid configuration found in
 * 'F'." for a line of the file).
 */
int	 pam_limits_check_value(const char *item, const char *value,
	    const char *prefix, char **cause);

/*
 * Applies q to the file text (len bytes; dest names it in messages):
 * the first domain/type/item line gets the value (use_max/use_min
 * decide between the old and the new one), a missing one is appended.
 * Fills out with the new text, *changed, and *msg (malloc'd) with the
 * line as found or written, as Ansible's msg.  0, or -1 and *cause when
 * a line of the file holds an invalid value.
 */
int	 pam_limits_edit(const char *text, size_t len, const char *dest,
	    const struct pam_limits_req *q, struct buf *out, int *changed,
	    char **msg, char **cause);

#endif
