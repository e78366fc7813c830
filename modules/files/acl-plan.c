/*
 * The acl module's decisions, ported from ansible.posix's acl.py: its
 * argument checks, split_entry/build_entry, build_command and
 * acl_changed.  No host access.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "acl-plan.h"
#include "module.h"

static int
acl_empty(const char *s)
{
	return s == NULL || *s == '\0';
}

static size_t
acl_count(const char *s, int c)
{
	size_t	n = 0;

	for (; *s != '\0'; s++)
		n += *s == c;
	return n;
}

/* split_entry: [default, type, entity, permissions]; fields malloc'd. */
static void
acl_split(const char *entry, int *def, char **type, char **entity,
    char **perms)
{
	char		*copy = xstrdup(entry), *f[4], *p = copy;
	size_t		 n = 0, i = 0;
	const char	*t;

	while (n < 4) {
		f[n++] = p;
		if ((p = strchr(p, ':')) == NULL)
			break;
		*p++ = '\0';
	}
	*def = -1;
	if (tolower((unsigned char)entry[0]) == 'd') {
		*def = 1;
		i = 1;
	}
	switch (tolower((unsigned char)f[i][0])) {
	case 'u': t = "user"; break;
	case 'g': t = "group"; break;
	case 'm': t = "mask"; break;
	case 'o': t = "other"; break;
	default: t = ""; break;
	}
	*type = xstrdup(t);
	*entity = xstrdup(i + 1 < n ? f[i + 1] : "");
	*perms = i + 2 < n ? xstrdup(f[i + 2]) : NULL;
	free(copy);
}

int
acl_plan_make(const struct acl_req *q, struct acl_plan *out, char **cause)
{
	char		*type = NULL, *entity = NULL, *perms = NULL;
	const char	*msg = NULL;
	int		 def;

	memset(out, 0, sizeof *out);
	out->default_ = q->default_;
	if (q->nfsv4) {
		*cause = xstrdup("use_nfsv4_acls is not supported: Linux's "
		    "setfacl has no NFSv4 ACLs");
		return -1;
	}
	if (q->state == ACL_QUERY && q->recursive)
		msg = "'recursive' MUST NOT be set when 'state=query'.";
	else if (q->state == ACL_QUERY && q->mask != ACL_MASK_DEFAULT)
		msg = "'recalculate_mask' MUST NOT be set to 'mask' or "
		    "'no_mask' when 'state=query'.";
	else if (acl_empty(q->entry)) {
		if (q->state == ACL_ABSENT && !acl_empty(q->permissions))
			msg = "'permissions' MUST NOT be set when "
			    "'state=absent'.";
		else if (q->state == ACL_ABSENT && acl_empty(q->entity))
			msg = "'entity' MUST be set when 'state=absent'.";
		else if (q->state == ACL_PRESENT && acl_empty(q->etype))
			msg = "'etype' MUST be set when 'state=present'.";
		else if (q->state == ACL_ABSENT && acl_empty(q->etype))
			msg = "'etype' MUST be set when 'state=absent'.";
	} else {
		if (!acl_empty(q->etype) || !acl_empty(q->entity) ||
		    !acl_empty(q->permissions))
			msg = "'entry' MUST NOT be set when 'entity', 'etype' "
			    "or 'permissions' are set.";
		else if (q->state == ACL_PRESENT &&
		    acl_count(q->entry, ':') != 2 &&
		    acl_count(q->entry, ':') != 3)
			msg = "'entry' MUST have 3 or 4 sections divided by "
			    "':' when 'state=present'.";
		else if (q->state == ACL_ABSENT &&
		    acl_count(q->entry, ':') != 1 &&
		    acl_count(q->entry, ':') != 2)
			msg = "'entry' MUST have 2 or 3 sections divided by "
			    "':' when 'state=absent'.";
		else if (q->state == ACL_QUERY)
			msg = "'entry' MUST NOT be set when 'state=query'.";
	}
	if (msg != NULL) {
		*cause = xstrdup(msg);
		return -1;
	}
	if (q->state == ACL_QUERY)
		return 0;
	if (!acl_empty(q->entry)) {
		acl_split(q->entry, &def, &type, &entity, &perms);
		if (def != -1)
			out->default_ = def;
	} else {
		type = xstrdup(q->etype);
		entity = xstrdup(q->entity != NULL ? q->entity : "");
		perms = q->permissions != NULL ? xstrdup(q->permissions) :
		    NULL;
	}
	if (q->state == ACL_PRESENT && !acl_empty(perms))
		out->entry = xasprintf("%s:%s:%s", type, entity, perms);
	else
		out->entry = xasprintf("%s:%s", type, entity);
	free(type);
	free(entity);
	free(perms);
	return 0;
}

void
acl_plan_release(struct acl_plan *p)
{
	if (p == NULL)
		return;
	free(p->entry);
	p->entry = NULL;
}

void
acl_command(struct buf *b, enum acl_cmd cmd, const struct acl_req *q,
    const struct acl_plan *p, int test, const char *path)
{
	buf_adds(b, cmd == ACL_GET ? "getfacl" : "setfacl");
	if (p->default_)
		buf_adds(b, " -d");
	if (test)
		buf_adds(b, " --test");
	if (cmd == ACL_GET)
		buf_adds(b, " --omit-header --absolute-names");
	else {
		buf_adds(b, cmd == ACL_SET ? " -m " : " -x ");
		shell_quote_buf(b, p->entry);
	}
	if (q->recursive)
		buf_adds(b, " --recursive");
	if (cmd != ACL_GET && q->mask == ACL_MASK_MASK)
		buf_adds(b, " --mask");
	else if (cmd != ACL_GET && q->mask == ACL_MASK_NO)
		buf_adds(b, " --no-mask");
	if (!q->follow)
		buf_adds(b, " --physical");
	buf_adds(b, " -- ");
	if (path == NULL)
		buf_adds(b, "\"$p\"");
	else
		host_path_word(b, path);
}

/* Calls fn on each stripped line that is not a comment. */
static void
acl_each_line(const char *out, size_t len, void (*fn)(const char *,
    size_t, void *), void *arg)
{
	const char	*p = out, *end = out + len, *nl, *a, *z;

	while (p < end) {
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		a = p;
		z = nl;
		while (a < z && isspace((unsigned char)*a))
			a++;
		while (z > a && isspace((unsigned char)z[-1]))
			z--;
		if (*p != '#')
			fn(a, z - a, arg);
		p = nl + 1;
	}
}

static void
acl_changed_line(const char *s, size_t n, void *arg)
{
	int	*changed = arg;

	if (n == 0)
		return;
	if (n < 3 || memcmp(s + n - 3, "*,*", 3) != 0)
		*changed = 1;
}

int
acl_test_changed(const char *out, size_t len)
{
	int	changed = 0;

	acl_each_line(out, len, acl_changed_line, &changed);
	return changed;
}

static void
acl_add_line(const char *s, size_t n, void *arg)
{
	value_list_append(arg, value_strn(s, n));
}

struct value *
acl_lines(const char *out, size_t len)
{
	struct value	*l = value_list(), *last;

	acl_each_line(out, len, acl_add_line, l);
	/* getfacl ends with an empty line, which run_acl cuts. */
	if (l->u.list.n > 0) {
		last = l->u.list.items[l->u.list.n - 1];
		if (last->u.str.len == 0) {
			value_unref(last);
			l->u.list.n--;
		}
	}
	return l;
}
