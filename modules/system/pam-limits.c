/* The limits.conf edit of pam_limits, as community.general makes it. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pam-limits.h"

/* Python's int() on a limits value: optional sign, digits, blanks around. */
static int
pam_limits_int(const char *s, long long *out)
{
	char	*end;

	while (isspace((unsigned char)*s))
		s++;
	if (*s == '\0')
		return -1;
	errno = 0;
	*out = strtoll(s, &end, 10);
	if (errno != 0 || end == s || !isdigit((unsigned char)end[-1]))
		return -1;
	while (isspace((unsigned char)*end))
		end++;
	return *end == '\0' ? 0 : -1;
}

static int
pam_limits_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

static int
pam_limits_unlimited(const char *s)
{
	return strcmp(s, "unlimited") == 0 || strcmp(s, "infinity") == 0 ||
	    strcmp(s, "-1") == 0;
}

int
pam_limits_check_value(const char *item, const char *value,
    const char *prefix, char **cause)
{
	long long	n;

	if (strcmp(item, "nice") == 0 || strcmp(item, "priority") == 0) {
		if (pam_limits_int(value, &n) == 0 && n >= -20 && n <= 19)
			return 0;
		*cause = xasprintf("%s Value of '%s' for item '%s' is "
		    "invalid. Value must be a number in the range -20 to 19 "
		    "inclusive. Refer to the limits.conf(5) manual pages for "
		    "more details.", prefix, value, item);
		return -1;
	}
	if (pam_limits_unlimited(value) || pam_limits_digits(value))
		return 0;
	*cause = xasprintf("%s Value of '%s' for item '%s' is invalid. Value "
	    "must either be 'unlimited', 'infinity' or -1, all of which "
	    "indicate no limit, or a limit of 0 or larger. Refer to the "
	    "limits.conf(5) manual pages for more details.", prefix, value,
	    item);
	return -1;
}

/* A line with its blank runs squeezed to one space, trimmed. */
static char *
pam_limits_squeeze(const char *line, size_t len)
{
	struct buf	 b = BUF_INIT;
	size_t		 i;
	int		 blank = 0;

	for (i = 0; i < len; i++) {
		if (isspace((unsigned char)line[i])) {
			blank = 1;
			continue;
		}
		if (blank && b.len > 0)
			buf_addc(&b, ' ');
		blank = 0;
		buf_addc(&b, line[i]);
	}
	buf_cstr(&b);
	return buf_detach(&b, NULL);
}

/* The value to write for an existing actual one (use_max / use_min). */
static char *
pam_limits_pick(const struct pam_limits_req *q, const char *actual)
{
	int		 au = pam_limits_unlimited(actual);
	int		 vu = pam_limits_unlimited(q->value);
	long long	 a = 0, v = 0;

	/*
	 * Ansible tests the line's type (never "nice"), not its item, before
	 * looking for unlimited values: kept, so both pick alike.
	 */
	if (q->use_max) {
		if (au)
			return xstrdup(actual);
		if (vu)
			return xstrdup(q->value);
		pam_limits_int(q->value, &v);
		pam_limits_int(actual, &a);
		return xasprintf("%lld", v > a ? v : a);
	}
	if (q->use_min) {
		if (au && vu)
			return xstrdup(actual);
		if (au)
			return xstrdup(q->value);
		if (vu)
			return xstrdup(actual);
		pam_limits_int(q->value, &v);
		pam_limits_int(actual, &a);
		return xasprintf("%lld", v < a ? v : a);
	}
	return xstrdup(q->value);
}

/*
 * The line written for q.  As Ansible, the comment becomes "\t#comment"
 * the first time a line is written and stays so for the next one.
 */
static void
pam_limits_line(struct buf *b, const struct pam_limits_req *q,
    const char *value, char **comment)
{
	char	*c;

	if (**comment != '\0' && !str_startswith(*comment, "\t#")) {
		c = xasprintf("\t#%s", *comment);
		free(*comment);
		*comment = c;
	}
	buf_addf(b, "%s\t%s\t%s\t%s%s\n", q->domain, q->type, q->item,
	    value, *comment);
}

int
pam_limits_edit(const char *text, size_t len, const char *dest,
    const struct pam_limits_req *q, struct buf *out, int *changed,
    char **msg, char **cause)
{
	const char	*p = text, *end = text + len, *nl, *hash;
	char		*sq = NULL, *f[5], *save, *tok, *prefix, *nv = NULL;
	char		*comment;
	size_t		 ll, nf;
	int		 found = 0, r = -1;
	struct buf	 line = BUF_INIT;

	*changed = 0;
	*msg = NULL;
	/* Ansible's new_comment: once taken from a line, kept for the next. */
	comment = xstrdup(q->comment != NULL ? q->comment : "");
	prefix = xasprintf("Invalid configuration found in '%s'.", dest);
	for (; p < end; p += ll) {
		nl = memchr(p, '\n', end - p);
		ll = nl != NULL ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		if (*p == '#') {
			buf_add(out, p, ll);
			continue;
		}
		free(sq);
		sq = pam_limits_squeeze(p, ll);
		if (*sq == '\0') {
			buf_add(out, p, ll);
			continue;
		}
		if (*comment == '\0' && (hash = memchr(p, '#', ll)) != NULL) {
			free(comment);
			comment = xstrndup(hash + 1, ll - (hash + 1 - p));
		}
		sq[strcspn(sq, "#")] = '\0';
		for (nf = strlen(sq); nf > 0 && sq[nf - 1] == ' '; nf--)
			sq[nf - 1] = '\0';
		nf = 0;
		for (tok = strtok_r(sq, " ", &save); tok != NULL && nf < 5;
		    tok = strtok_r(NULL, " ", &save))
			f[nf++] = tok;
		if (nf != 4) {
			buf_add(out, p, ll);
			continue;
		}
		if (pam_limits_check_value(f[2], f[3], prefix, cause) != 0)
			goto out;
		if (strcmp(f[0], q->domain) != 0 || strcmp(f[1], q->type) != 0 ||
		    strcmp(f[2], q->item) != 0) {
			buf_add(out, p, ll);
			continue;
		}
		found = 1;
		free(nv);
		nv = strcmp(q->value, f[3]) == 0 ? xstrdup(f[3]) :
		    pam_limits_pick(q, f[3]);
		free(*msg);
		if (strcmp(nv, f[3]) == 0) {
			*msg = xstrndup(p, ll);
			buf_add(out, p, ll);
			continue;
		}
		*changed = 1;
		buf_reset(&line);
		pam_limits_line(&line, q, nv, &comment);
		*msg = xstrdup(buf_cstr(&line));
		buf_add(out, line.s, line.len);
	}
	if (!found) {
		*changed = 1;
		buf_reset(&line);
		pam_limits_line(&line, q, q->value, &comment);
		free(*msg);
		*msg = xstrdup(buf_cstr(&line));
		buf_add(out, line.s, line.len);
	}
	if (*msg == NULL)
		*msg = xstrdup("");
	r = 0;
out:
	free(sq);
	free(nv);
	free(comment);
	free(prefix);
	buf_release(&line);
	return r;
}
