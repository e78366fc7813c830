/* The copy module's decisions: destination, action, mode text, diff. */
#include <stdlib.h>
#include <string.h>

#include "copy-plan.h"

int
copy_is_binary(const char *s, size_t len)
{
	return memchr(s, '\0', len) != NULL;
}

char *
copy_mode_text(const struct value *mode, mode_t src_mode, char **cause)
{
	int	octal;

	if (mode->type == V_STR && strcmp(mode->u.str.s, "preserve") == 0)
		return xasprintf("%04o", (unsigned int)(src_mode & 07777));
	if (mode_parse(mode, &octal, cause) != 0)
		return NULL;
	if (octal >= 0)
		return xasprintf("%04o", (unsigned int)octal);
	return xstrdup(mode->u.str.s);
}

const char *
copy_basename(const char *p)
{
	const char	*s = strrchr(p, '/');

	return s != NULL ? s + 1 : p;
}

char *
copy_dest_path(const char *dest, const char *src, int *mkdirs)
{
	*mkdirs = 0;
	if (!str_endswith(dest, "/"))
		return xstrdup(dest);
	*mkdirs = 1;
	return xasprintf("%s%s", dest, copy_basename(src));
}

enum copy_action
copy_decide(const struct host_stat *st, const char *sum, int force)
{
	if (st->type != FT_NONE && !force)
		return COPY_KEEP;
	if (st->type == FT_FILE && strcmp(st->checksum, sum) == 0)
		return COPY_ATTRS;
	return COPY_WRITE;
}

struct value *
copy_diff_entry(const char *dest, const char *after_header,
    const struct host_stat *st, const char *old, size_t oldlen,
    const char *data, size_t len)
{
	struct value	*d = value_dict();
	int		 ok = 1;

	value_dict_setstr(d, "before_header", dest);
	value_dict_setstr(d, "after_header", after_header);
	if (st->type == FT_FILE) {
		if (st->size > COPY_MAX_DIFF) {
			value_dict_setint(d, "dst_larger", COPY_MAX_DIFF);
			ok = 0;
		} else if (old == NULL)
			ok = 0;
		else if (copy_is_binary(old, oldlen)) {
			value_dict_setint(d, "dst_binary", 1);
			ok = 0;
		}
	}
	if (len > COPY_MAX_DIFF) {
		value_dict_setint(d, "src_larger", COPY_MAX_DIFF);
		ok = 0;
	} else if (copy_is_binary(data, len)) {
		value_dict_setint(d, "src_binary", 1);
		ok = 0;
	}
	if (ok) {
		value_dict_setstr(d, "before", old != NULL ? old : "");
		value_dict_set(d, "after", value_str_take(xstrndup(data, len)));
	}
	return d;
}

char *
copy_tree_root(const char *dest, const char *src)
{
	char	*d = xstrdup(dest), *name, *root;
	size_t	 n;

	for (n = strlen(d); n > 1 && d[n - 1] == '/'; n--)
		d[n - 1] = '\0';
	if (str_endswith(src, "/"))
		return d;
	name = xstrdup(src);
	for (n = strlen(name); n > 1 && name[n - 1] == '/'; n--)
		name[n - 1] = '\0';
	root = xasprintf("%s%s%s", d, strcmp(d, "/") == 0 ? "" : "/",
	    copy_basename(name));
	free(name);
	free(d);
	return root;
}

/* An owner or group argument differs from the name / id there. */
static int
copy_id_differs(const char *want, const char *name, long long id)
{
	char	*end;
	long	 n;

	if (want == NULL)
		return 0;
	if (name != NULL && strcmp(want, name) == 0)
		return 0;
	n = strtol(want, &end, 10);
	return !(*want != '\0' && *end == '\0' && n == id);
}

int
copy_node_decide(struct copy_node *n, const struct copy_node_want *w,
    char **cause)
{
	const struct value	*mv = n->type == 'd' ? w->dir_mode : w->mode;
	mode_t			 want;
	int			 attrs = 0;

	n->action = CN_NONE;
	switch (n->type) {
	case 'l':
		if (n->dtype != 'l' || n->dlink == NULL ||
		    strcmp(n->dlink, n->link) != 0)
			n->action = CN_LINK;
		return 0;
	case 'd':
		if (n->dtype == '-') {
			n->action = CN_MKDIR;
			return 0;
		}
		if (n->dtype != 'd') {
			*cause = xasprintf("%s already exists as a %s", n->rel,
			    n->dtype == 'f' ? "file" : n->dtype == 'l' ?
			    "link" : "special file");
			return -1;
		}
		break;
	default:
		if (n->dtype == 'd') {
			*cause = xasprintf("Destination %s is a directory",
			    n->rel);
			return -1;
		}
		if (n->dtype == '-' || (w->force && (n->dtype != 'f' ||
		    strcmp(n->dsum, n->sum) != 0))) {
			n->action = CN_WRITE;
			return 0;
		}
		if (n->dtype != 'f')
			return 0;
		if (w->preserve && mv == NULL && (n->dmode & 07777) !=
		    (n->mode & 07777))
			attrs = 1;
		break;
	}
	if (mv != NULL) {
		if (mv->type == V_STR && strcmp(mv->u.str.s, "preserve") == 0)
			want = n->mode & 07777;
		else if (mode_target(mv, n->dmode, n->type == 'd', w->umask,
		    &want, cause) != 0)
			return -1;
		if (want != (n->dmode & 07777))
			attrs = 1;
	}
	if (copy_id_differs(w->owner, n->downer, n->duid) ||
	    copy_id_differs(w->group, n->dgroup, n->dgid))
		attrs = 1;
	if (attrs)
		n->action = CN_ATTRS;
	return 0;
}

void
copy_nodes_free(struct copy_node *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].rel);
		free(v[i].local);
		free(v[i].link);
		free(v[i].downer);
		free(v[i].dgroup);
		free(v[i].dlink);
	}
	free(v);
}
