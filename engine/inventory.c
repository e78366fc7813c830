/* The inventory graph: sources, group_vars/host_vars and host variables. */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "inventory-internal.h"
#include "yaml.h"

/*
 * Name lookups: an open-addressing table per kind, because inventories of
 * thousands of hosts are parsed with one lookup per host line.
 */
struct inv_table {
	const char	**keys;
	void		**vals;
	size_t		  cap;
	size_t		  n;
};

struct inv_index {
	struct inv_table	 hosts;
	struct inv_table	 groups;
};

/* What Ansible skips in an inventory directory (INVENTORY_IGNORE_EXTS). */
static const char *const inventory_ignore_exts[] = {
	".pyc", ".pyo", ".swp", ".bak", "~", ".rpm", ".md", ".txt", ".rst",
	".orig", ".ini", ".cfg", ".retry", NULL
};
/* Extensions of variable files (YAML_FILENAME_EXTENSIONS). */
static const char *const inventory_vars_exts[] = {
	".yml", ".yaml", ".json", NULL
};

static size_t
inventory_hash(const char *s)
{
	size_t	h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void	*inventory_table_get(struct inv_table *, const char *);

static void
inventory_table_put(struct inv_table *t, const char *key, void *val)
{
	struct inv_table	 old = *t;
	size_t			 i;

	if ((t->n + 1) * 2 > t->cap) {
		t->cap = old.cap == 0 ? 64 : old.cap * 2;
		t->keys = xcalloc(t->cap, sizeof *t->keys);
		t->vals = xcalloc(t->cap, sizeof *t->vals);
		t->n = 0;
		for (i = 0; i < old.cap; i++) {
			if (old.keys[i] != NULL)
				inventory_table_put(t, old.keys[i],
				    old.vals[i]);
		}
		free(old.keys);
		free(old.vals);
	}
	i = inventory_hash(key) & (t->cap - 1);
	while (t->keys[i] != NULL) {
		if (strcmp(t->keys[i], key) == 0) {
			t->vals[i] = val;
			return;
		}
		i = (i + 1) & (t->cap - 1);
	}
	t->keys[i] = key;
	t->vals[i] = val;
	t->n++;
}

static void *
inventory_table_get(struct inv_table *t, const char *key)
{
	size_t	i;

	if (t->cap == 0)
		return NULL;
	i = inventory_hash(key) & (t->cap - 1);
	while (t->keys[i] != NULL) {
		if (strcmp(t->keys[i], key) == 0)
			return t->vals[i];
		i = (i + 1) & (t->cap - 1);
	}
	return NULL;
}

size_t	inventory_max_hosts = INV_HOSTS_MAX;

struct inventory *
inventory_new(void)
{
	struct inventory	*inv = xcalloc(1, sizeof *inv);
	struct inv_group	*all, *ungrouped;

	inv->idx = xcalloc(1, sizeof *inv->idx);
	inv->gv_inv = value_dict();
	inv->hv_inv = value_dict();
	inv->gv_play = value_dict();
	inv->hv_play = value_dict();
	inv->warnings = value_list();
	all = inventory_add_group(inv, "all");
	ungrouped = inventory_add_group(inv, "ungrouped");
	if (inventory_add_child(inv, all, ungrouped, NULL) != 0)
		fatal("inventory_new: cannot make ungrouped a child of all");
	return inv;
}

static void
inventory_host_free(struct inv_host *h)
{
	free(h->name);
	free(h->source);
	value_unref(h->vars);
	free(h->groups);
	free(h);
}

void
inventory_free(struct inventory *inv)
{
	struct inv_group	*g;
	size_t			 i;

	if (inv == NULL)
		return;
	for (i = 0; i < inv->nhosts; i++)
		inventory_host_free(inv->hosts[i]);
	free(inv->hosts);
	if (inv->localhost != NULL)
		inventory_host_free(inv->localhost);
	for (i = 0; i < inv->ngroups; i++) {
		g = inv->groups[i];
		free(g->name);
		value_unref(g->vars);
		free(g->children);
		free(g->parents);
		free(g->hosts);
		free(g);
	}
	free(inv->groups);
	value_unref(inv->gv_inv);
	value_unref(inv->hv_inv);
	value_unref(inv->gv_play);
	value_unref(inv->hv_play);
	value_unref(inv->warnings);
	free(inv->idx->hosts.keys);
	free(inv->idx->hosts.vals);
	free(inv->idx->groups.keys);
	free(inv->idx->groups.vals);
	free(inv->idx);
	free(inv);
}

struct inv_host *
inventory_find_host(struct inventory *inv, const char *name)
{
	return inventory_table_get(&inv->idx->hosts, name);
}

struct inv_group *
inventory_find_group(struct inventory *inv, const char *name)
{
	return inventory_table_get(&inv->idx->groups, name);
}

struct inv_group *
inventory_add_group(struct inventory *inv, const char *name)
{
	struct inv_group	*g;

	if ((g = inventory_find_group(inv, name)) != NULL)
		return g;
	g = xcalloc(1, sizeof *g);
	g->name = xstrdup(name);
	g->vars = value_dict();
	g->index = inv->ngroups;
	inv->groups = xgrowarray(inv->groups, inv->ngroups,
	    sizeof *inv->groups);
	inv->groups[inv->ngroups++] = g;
	inventory_table_put(&inv->idx->groups, g->name, g);
	return g;
}

static int
inventory_has_group(struct inv_host *h, struct inv_group *g)
{
	size_t	i;

	for (i = 0; i < h->ngroups; i++) {
		if (h->groups[i] == g)
			return 1;
	}
	return 0;
}

static void
inventory_group_add_host(struct inv_group *g, struct inv_host *h)
{
	if (inventory_has_group(h, g))
		return;
	h->groups = xgrowarray(h->groups, h->ngroups,
	    sizeof *h->groups);
	h->groups[h->ngroups++] = g;
	g->hosts = xgrowarray(g->hosts, g->nhosts, sizeof *g->hosts);
	g->hosts[g->nhosts++] = h;
}

static void
inventory_group_remove_host(struct inv_group *g, struct inv_host *h)
{
	size_t	i;

	for (i = 0; i < g->nhosts; i++) {
		if (g->hosts[i] == h) {
			memmove(&g->hosts[i], &g->hosts[i + 1],
			    (g->nhosts - i - 1) * sizeof *g->hosts);
			g->nhosts--;
			break;
		}
	}
	for (i = 0; i < h->ngroups; i++) {
		if (h->groups[i] == g) {
			memmove(&h->groups[i], &h->groups[i + 1],
			    (h->ngroups - i - 1) * sizeof *h->groups);
			h->ngroups--;
			break;
		}
	}
}

struct inv_host *
inventory_add_host(struct inventory *inv, const char *name,
    struct inv_group *g, const char *source)
{
	struct inv_host	*h;
	char		*real;

	if ((h = inventory_find_host(inv, name)) == NULL) {
		h = xcalloc(1, sizeof *h);
		h->name = xstrdup(name);
		h->vars = value_dict();
		h->index = inv->nhosts;
		if (source != NULL) {
			/* Ansible's inventory_file is the absolute path. */
			if ((real = realpath(source, NULL)) != NULL)
				h->source = real;
			else
				h->source = xstrdup(source);
		}
		inv->hosts = xgrowarray(inv->hosts, inv->nhosts,
		    sizeof *inv->hosts);
		inv->hosts[inv->nhosts++] = h;
		inventory_table_put(&inv->idx->hosts, h->name, h);
	}
	if (g != NULL)
		inventory_group_add_host(g, h);
	return h;
}

/* 1 if anc is g or one of its ancestors. */
static int
inventory_is_ancestor(struct inv_group *g, struct inv_group *anc, int depth)
{
	size_t	i;

	if (g == anc)
		return 1;
	if (depth > 10000)
		return 1;	/* cannot happen in an acyclic graph */
	for (i = 0; i < g->nparents; i++) {
		if (inventory_is_ancestor(g->parents[i], anc, depth + 1))
			return 1;
	}
	return 0;
}

static void
inventory_fix_depth(struct inv_group *g)
{
	struct inv_group	*kid;
	size_t			 i;

	for (i = 0; i < g->nchildren; i++) {
		kid = g->children[i];
		if (kid->depth < g->depth + 1) {
			kid->depth = g->depth + 1;
			inventory_fix_depth(kid);
		}
	}
}

int
inventory_add_child(struct inventory *inv, struct inv_group *parent,
    struct inv_group *child, char **cause)
{
	size_t	i;

	if (strcmp(parent->name, "all") == 0)
		child->auto_all = 0;	/* named under all on purpose */
	for (i = 0; i < parent->nchildren; i++) {
		if (parent->children[i] == child)
			return 0;
	}
	if (inventory_is_ancestor(parent, child, 0)) {
		if (cause != NULL) {
			*cause = xasprintf("adding group '%s' as child to '%s' "
			    "creates a recursive dependency loop", child->name,
			    parent->name);
		}
		return -1;
	}
	parent->children = xgrowarray(parent->children, parent->nchildren,
	    sizeof *parent->children);
	parent->children[parent->nchildren++] = child;
	child->parents = xgrowarray(child->parents, child->nparents,
	    sizeof *child->parents);
	child->parents[child->nparents++] = parent;
	if (child->depth < parent->depth + 1) {
		child->depth = parent->depth + 1;
		inventory_fix_depth(child);
	}
	return 0;
}

void
inventory_set_var(struct value *vars, const char *key, struct value *v)
{
	value_dict_set(vars, key, v);
}

void
inventory_warn(struct inventory *inv, const struct loc *loc,
    const char *fmt, ...)
{
	va_list		 ap;
	char		*msg, *where, *full;
	size_t		 i;
	struct value	*w;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	where = loc != NULL ? loc_format(loc) : xstrdup("");
	if (*where != '\0')
		full = xasprintf("%s: %s", where, msg);
	else
		full = xstrdup(msg);
	free(where);
	free(msg);
	for (i = 0; i < inv->warnings->u.list.n; i++) {
		w = inv->warnings->u.list.items[i];
		if (strcmp(w->u.str.s, full) == 0) {
			free(full);
			return;
		}
	}
	value_list_append(inv->warnings, value_str_take(full));
}

int
inventory_valid_group_name(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++) {
		if (*s == ':' || *s == ']' || *s == ' ' || *s == '\t' ||
		    *s == '\n' || *s == '\r' || *s == '\v' || *s == '\f')
			return 0;
	}
	return 1;
}

void
inventory_free_names(char **names)
{
	size_t	i;

	if (names == NULL)
		return;
	for (i = 0; names[i] != NULL; i++)
		free(names[i]);
	free(names);
}

/* Ansible's ranges run over string.ascii_letters: a-z then A-Z. */
static int
inventory_letter_index(const char *s)
{
	static const char letters[] =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
	const char	*p;

	if (s[0] == '\0' || s[1] != '\0' || (p = strchr(letters, s[0])) == NULL)
		return -1;
	return (int)(p - letters);
}

/* Python's int() on a range bound: optional sign, digits, underscores. */
static int
inventory_parse_bound(const char *s, long long *out)
{
	char		*end;
	const char	*p;

	for (p = s; *p != '\0'; p++) {
		if ((*p < '0' || *p > '9') && *p != '-' && *p != '+')
			return -1;
	}
	errno = 0;
	*out = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0)
		return -1;
	return 0;
}

struct inv_names {
	char	**v;
	size_t	  n;
};

static void
inventory_names_add(struct inv_names *names, char *s)
{
	names->v = xgrowarray(names->v, names->n + 1, sizeof *names->v);
	names->v[names->n++] = s;
	names->v[names->n] = NULL;
}

/* What one line may expand to: INV_RANGE_MAX, or less when the whole
 * inventory may hold less. */
static size_t
range_cap(void)
{
	return inventory_max_hosts < INV_RANGE_MAX ? inventory_max_hosts :
	    INV_RANGE_MAX;
}

/* expand_hostname_range(): the first [a:b(:step)] then recurse on the rest. */
static int
inventory_expand_range(const char *line, struct inv_names *out, char **cause)
{
	static const char letters[] =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
	const char	*open, *close;
	char		*head, *tail, *nrange, *bounds[3], *p, *name, *item;
	int		 nb = 0, ib, ie, width = 0, rc = -1;
	long long	 b, e, step = 1, x;

	open = strchr(line, '[');
	close = open != NULL ? strchr(open, ']') : NULL;
	if (open == NULL || close == NULL) {
		*cause = xasprintf("malformed host range '%s': no closing ']'",
		    line);
		return -1;
	}
	head = xstrndup(line, (size_t)(open - line));
	tail = xstrdup(close + 1);
	nrange = xstrndup(open + 1, (size_t)(close - open - 1));
	for (p = nrange; nb < 3; nb++) {
		bounds[nb] = p;
		if ((p = strchr(p, ':')) == NULL) {
			nb++;
			break;
		}
		*p++ = '\0';
	}
	if (p != NULL || nb < 2) {
		*cause = xasprintf("malformed host range '%s': a range must be "
		    "[begin:end] or [begin:end:step]", line);
		goto out;
	}
	if (*bounds[0] == '\0')
		bounds[0] = "0";
	if (*bounds[1] == '\0') {
		*cause = xasprintf("malformed host range '%s': the range has "
		    "no end value", line);
		goto out;
	}
	if (nb == 3 && (inventory_parse_bound(bounds[2], &step) != 0 ||
	    step == 0)) {
		*cause = xasprintf("malformed host range '%s': bad step '%s'",
		    line, bounds[2]);
		goto out;
	}
	if (bounds[0][0] == '0' && bounds[0][1] != '\0') {
		width = (int)strlen(bounds[0]);
		if (strlen(bounds[1]) != (size_t)width) {
			*cause = xasprintf("malformed host range '%s': begin "
			    "and end must have the same width", line);
			goto out;
		}
	}
	ib = inventory_letter_index(bounds[0]);
	ie = inventory_letter_index(bounds[1]);
	if (ib != -1 && ie != -1) {
		if (ib > ie) {
			*cause = xasprintf("malformed host range '%s': begin "
			    "is after end", line);
			goto out;
		}
		b = ib;
		e = ie;
	} else if (inventory_parse_bound(bounds[0], &b) != 0 ||
	    inventory_parse_bound(bounds[1], &e) != 0) {
		*cause = xasprintf("malformed host range '%s': bounds must be "
		    "numbers or single letters", line);
		goto out;
	}
	if (step > 0 && e >= b && (e - b) / step >= INV_RANGE_MAX) {
		*cause = xasprintf("host range '%s' expands to more than %d "
		    "hosts", line, INV_RANGE_MAX);
		goto out;
	}
	/* Python's range(b, e + 1, step), a negative step counting down. */
	for (x = b; step > 0 ? x <= e : x > e + 1; x += step) {
		if (ib != -1 && ie != -1)
			item = xasprintf("%c", letters[x]);
		else
			item = xasprintf("%0*lld", width, x);
		name = xasprintf("%s%s%s", head, item, tail);
		free(item);
		if (strchr(name, '[') != NULL) {
			if (inventory_expand_range(name, out, cause) != 0) {
				free(name);
				goto out;
			}
			free(name);
		} else
			inventory_names_add(out, name);
		if (out->n > range_cap()) {
			*cause = xasprintf("host range '%s' expands to more "
			    "than %zu hosts", line, range_cap());
			goto out;
		}
	}
	rc = 0;
out:
	free(head);
	free(tail);
	free(nrange);
	return rc;
}

/*
 * parse_address(): split off a ":port" when what precedes it has no bare
 * colon (so IPv6 addresses keep theirs) or is a bracketed "[addr]".
 */
static char *
inventory_split_port(const char *s, int *port)
{
	const char	*colon, *p;
	size_t		 len = strlen(s);
	long		 n;
	int		 inbr = 0;

	*port = -1;
	colon = strrchr(s, ':');
	if (colon == NULL || colon[1] == '\0')
		return xstrdup(s);
	for (p = colon + 1; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return xstrdup(s);
	}
	if (len - (size_t)(colon - s) > 7)
		return xstrdup(s);
	n = strtol(colon + 1, NULL, 10);
	if (s[0] == '[' && colon > s && colon[-1] == ']' &&
	    memchr(s + 1, ']', (size_t)(colon - s - 2)) == NULL) {
		*port = (int)n;
		return xstrndup(s + 1, (size_t)(colon - s - 2));
	}
	for (p = s; p < colon; p++) {
		if (*p == '[')
			inbr = 1;
		else if (*p == ']')
			inbr = 0;
		else if (*p == ':' && !inbr)
			return xstrdup(s);
	}
	*port = (int)n;
	return xstrndup(s, (size_t)(colon - s));
}

int
inventory_expand_hostpattern(const char *pattern, char ***names, int *port,
    char **cause)
{
	struct inv_names	 out = { NULL, 0 };
	char			*host;
	size_t			 len = strlen(pattern);

	*names = NULL;
	host = inventory_split_port(pattern, port);
	if (len > 0 && pattern[len - 1] == ':' && *port == -1) {
		*cause = xasprintf("invalid host pattern '%s': a trailing ':' "
		    "is reserved for a port", pattern);
		free(host);
		return -1;
	}
	if (strcmp(host, "---") == 0) {
		*cause = xasprintf("invalid host pattern '%s': '---' is "
		    "normally a sign this is a YAML file", pattern);
		free(host);
		return -1;
	}
	if (strchr(host, '[') != NULL) {
		if (inventory_expand_range(host, &out, cause) != 0) {
			free(host);
			inventory_free_names(out.v);
			return -1;
		}
		free(host);
		if (out.v == NULL)
			out.v = xcalloc(1, sizeof *out.v);
	} else
		inventory_names_add(&out, host);
	*names = out.v;
	return 0;
}

static void
inventory_unlink(struct inv_group *parent, struct inv_group *child)
{
	size_t	i;

	for (i = 0; i < parent->nchildren; i++) {
		if (parent->children[i] == child) {
			memmove(&parent->children[i], &parent->children[i + 1],
			    (parent->nchildren - i - 1) *
			    sizeof *parent->children);
			parent->nchildren--;
			break;
		}
	}
	for (i = 0; i < child->nparents; i++) {
		if (child->parents[i] == parent) {
			memmove(&child->parents[i], &child->parents[i + 1],
			    (child->nparents - i - 1) * sizeof *child->parents);
			child->nparents--;
			break;
		}
	}
	child->auto_all = 0;
}

/* Ansible's reconcile_inventory: every group under all, ungrouped updated. */
static void
inventory_reconcile(struct inventory *inv)
{
	struct inv_group	*all, *ungrouped, *g;
	struct inv_host		*h;
	size_t			 i, j;
	int			 other;

	all = inventory_find_group(inv, "all");
	ungrouped = inventory_find_group(inv, "ungrouped");
	for (i = 0; i < inv->ngroups; i++) {
		g = inv->groups[i];
		/*
		 * Ansible reconciles once after all sources; we do after each,
		 * so undo a link to all that a later source made needless.
		 */
		if (g->auto_all && g->nparents > 1)
			inventory_unlink(all, g);
		if (g != all && g->nparents == 0) {
			/* cannot loop: all has no parents */
			(void)inventory_add_child(inv, all, g, NULL);
			g->auto_all = 1;
		}
	}
	for (i = 0; i < inv->nhosts; i++) {
		h = inv->hosts[i];
		other = 0;
		for (j = 0; j < h->ngroups; j++) {
			if (h->groups[j] != all && h->groups[j] != ungrouped)
				other = 1;
		}
		if (inventory_has_group(h, ungrouped)) {
			if (other)
				inventory_group_remove_host(ungrouped, h);
		} else if (!other)
			inventory_group_add_host(ungrouped, h);
	}
	for (i = 0; i < inv->nhosts; i++) {
		h = inv->hosts[i];
		if (inventory_find_group(inv, h->name) != NULL) {
			inventory_warn(inv, NULL, "found both group and host "
			    "with same name '%s'", h->name);
		}
	}
}

static int
inventory_is_dir(const char *path)
{
	struct stat	sb;

	return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static int
inventory_exists(const char *path)
{
	struct stat	sb;

	return stat(path, &sb) == 0;
}

static int
inventory_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted directory entries without "." and ".."; NULL-terminated. */
static char **
inventory_list_dir(const char *path, char **cause)
{
	DIR		*d;
	struct dirent	*de;
	char		**v = NULL;
	size_t		  n = 0;

	if ((d = opendir(path)) == NULL) {
		*cause = xasprintf("cannot open '%s': %s", path,
		    strerror(errno));
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		v = xreallocarray(v, n + 2, sizeof *v);
		v[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (v == NULL)
		v = xcalloc(1, sizeof *v);
	else
		qsort(v, n, sizeof *v, inventory_cmp_str);
	v[n] = NULL;
	return v;
}

/* os.path.splitext's extension: from the last dot not leading the name. */
static const char *
inventory_ext(const char *name)
{
	const char	*base = strrchr(name, '/'), *dot;

	base = base != NULL ? base + 1 : name;
	while (*base == '.')
		base++;
	dot = strrchr(base, '.');
	return dot != NULL ? dot : name + strlen(name);
}

static int
inventory_in_list(const char *s, const char *const *list)
{
	for (; *list != NULL; list++) {
		if (strcmp(s, *list) == 0)
			return 1;
	}
	return 0;
}

static int
inventory_load_yaml(struct inventory *inv, const char *path,
    struct value *doc, char **cause)
{
	char	*where;

	if (doc->type == V_NULL)
		return 0;	/* empty: as the INI fallback Ansible tries */
	if (doc->type != V_DICT) {
		where = loc_format(&doc->loc);
		*cause = xasprintf("%s: YAML inventory has invalid structure: "
		    "it should be a mapping of groups, not a %s",
		    *where != '\0' ? where : path, value_type_name(doc->type));
		free(where);
		return -1;
	}
	return inventory_yaml_parse(inv, path, doc, cause);
}

static int
inventory_load_ini(struct inventory *inv, const char *path, char **cause)
{
	struct buf	b = BUF_INIT;
	int		r;

	if ((r = read_file(path, &b)) != 0) {
		*cause = xasprintf("cannot read '%s': %s", path, strerror(-r));
		buf_release(&b);
		return -1;
	}
	r = inventory_ini_parse(inv, path, buf_cstr(&b), b.len, cause);
	buf_release(&b);
	return r;
}

/*
 * One inventory file.  Ansible tries its plugins in turn: YAML for .yml,
 * .yaml, .json and names without an extension, INI for the rest and for an
 * extensionless file that is not a YAML mapping.
 */
static int
inventory_load_file(struct inventory *inv, const char *path, char **cause)
{
	const char	*ext = inventory_ext(path);
	struct value	*doc = NULL;
	char		*ycause = NULL;
	int		 r;

	if (inventory_in_list(ext, inventory_vars_exts)) {
		if (yaml_load_file(path, &doc, cause) != 0)
			return -1;
		r = inventory_load_yaml(inv, path, doc, cause);
		value_unref(doc);
		return r;
	}
	if (*ext == '\0' && yaml_load_file(path, &doc, &ycause) == 0 &&
	    doc->type == V_DICT) {
		r = inventory_load_yaml(inv, path, doc, cause);
		value_unref(doc);
		return r;
	}
	free(ycause);
	value_unref(doc);
	return inventory_load_ini(inv, path, cause);
}

static int
inventory_load_dir(struct inventory *inv, const char *path, int depth,
    char **cause)
{
	char		**names, *full;
	const char	 *name, *const *e;
	size_t		  i;
	int		  r = 0, skip;

	if (depth > 16) {
		*cause = xasprintf("inventory directory '%s' is nested too "
		    "deep", path);
		return -1;
	}
	if ((names = inventory_list_dir(path, cause)) == NULL)
		return -1;
	for (i = 0; r == 0 && names[i] != NULL; i++) {
		name = names[i];
		skip = name[0] == '.' || strcmp(name, "group_vars") == 0 ||
		    strcmp(name, "host_vars") == 0 ||
		    strcmp(name, "vars_plugins") == 0;
		for (e = inventory_ignore_exts; !skip && *e != NULL; e++)
			skip = str_endswith(name, *e);
		if (skip)
			continue;
		full = xasprintf("%s/%s", path, name);
		if (inventory_is_dir(full))
			r = inventory_load_dir(inv, full, depth + 1, cause);
		else
			r = inventory_load_file(inv, full, cause);
		free(full);
	}
	for (i = 0; names[i] != NULL; i++)
		free(names[i]);
	free(names);
	return r;
}

/* Merges one vars file into into[name]. */
static int
inventory_load_vars_file(const char *path, struct value *into,
    const char *name, char **cause)
{
	struct value	*doc, *d;
	char		*where;

	if (yaml_load_file(path, &doc, cause) != 0)
		return -1;
	if (doc->type == V_NULL) {
		value_unref(doc);
		return 0;
	}
	if (doc->type != V_DICT) {
		where = loc_format(&doc->loc);
		*cause = xasprintf("%s: variables file '%s' must contain a "
		    "mapping, not a %s", *where != '\0' ? where : path, path,
		    value_type_name(doc->type));
		free(where);
		value_unref(doc);
		return -1;
	}
	if ((d = value_dict_get(into, name)) == NULL) {
		d = value_dict();
		value_dict_set(into, name, d);
	}
	value_dict_merge(d, doc, 0);
	value_unref(doc);
	return 0;
}

/* _get_dir_vars_files(): group_vars/NAME/ read recursively, sorted. */
static int
inventory_load_vars_subdir(const char *dir, struct value *into,
    const char *name, int depth, char **cause)
{
	char		**names, *full;
	const char	 *ext;
	size_t		  i;
	int		  r = 0;

	if (depth > 16) {
		*cause = xasprintf("variables directory '%s' is nested too "
		    "deep", dir);
		return -1;
	}
	if ((names = inventory_list_dir(dir, cause)) == NULL)
		return -1;
	for (i = 0; r == 0 && names[i] != NULL; i++) {
		if (names[i][0] == '.' || str_endswith(names[i], "~"))
			continue;
		ext = inventory_ext(names[i]);
		full = xasprintf("%s/%s", dir, names[i]);
		if (inventory_is_dir(full)) {
			if (*ext == '\0') {
				r = inventory_load_vars_subdir(full, into, name,
				    depth + 1, cause);
			}
		} else if (*ext == '\0' ||
		    inventory_in_list(ext, inventory_vars_exts))
			r = inventory_load_vars_file(full, into, name, cause);
		free(full);
	}
	for (i = 0; names[i] != NULL; i++)
		free(names[i]);
	free(names);
	return r;
}

/*
 * find_vars_files(): for each name, the first of NAME, NAME.yml,
 * NAME.yaml, NAME.json that exists; a directory is read whole.
 */
static int
inventory_load_vars_dir(const char *dir, struct value *into, char **cause)
{
	static const char *const exts[] = { "", ".yml", ".yaml", ".json",
	    NULL };
	char		**names, *name, *full;
	const char	 *ext;
	struct value	*seen;
	size_t		  i, j;
	int		  r = 0;

	if (!inventory_is_dir(dir))
		return 0;
	if ((names = inventory_list_dir(dir, cause)) == NULL)
		return -1;
	seen = value_dict();
	for (i = 0; r == 0 && names[i] != NULL; i++) {
		if (names[i][0] == '.' || str_endswith(names[i], "~"))
			continue;
		ext = inventory_ext(names[i]);
		if (inventory_in_list(ext, inventory_vars_exts))
			name = xstrndup(names[i], (size_t)(ext - names[i]));
		else
			name = xstrdup(names[i]);
		if (value_dict_get(seen, name) != NULL) {
			free(name);
			continue;
		}
		value_dict_set(seen, name, value_null());
		for (j = 0; exts[j] != NULL; j++) {
			full = xasprintf("%s/%s%s", dir, name, exts[j]);
			if (!inventory_exists(full)) {
				free(full);
				continue;
			}
			if (inventory_is_dir(full)) {
				r = inventory_load_vars_subdir(full, into, name,
				    0, cause);
			} else
				r = inventory_load_vars_file(full, into, name,
				    cause);
			free(full);
			break;
		}
		free(name);
	}
	value_unref(seen);
	for (i = 0; names[i] != NULL; i++)
		free(names[i]);
	free(names);
	return r;
}

static int
inventory_load_vars(struct inventory *inv, const char *dir, struct value *gv,
    struct value *hv, char **cause)
{
	char	*path;
	int	 r;

	path = xasprintf("%s/group_vars", dir);
	r = inventory_load_vars_dir(path, gv, cause);
	free(path);
	if (r != 0)
		return r;
	path = xasprintf("%s/host_vars", dir);
	r = inventory_load_vars_dir(path, hv, cause);
	free(path);
	return r;
}

/* The host_list plugin: "a,b:2222,c", no ranges, ports allowed. */
static void
inventory_load_list(struct inventory *inv, const char *source)
{
	struct inv_group	*ungrouped;
	struct inv_host		*h;
	char			*copy, *p, *item, *host;
	int			 port;

	ungrouped = inventory_find_group(inv, "ungrouped");
	copy = xstrdup(source);
	for (p = copy; (item = strsep(&p, ",")) != NULL;) {
		str_trim(item);
		if (*item == '\0')
			continue;
		host = inventory_split_port(item, &port);
		if (inventory_find_host(inv, host) == NULL) {
			h = inventory_add_host(inv, host, ungrouped, NULL);
			if (port != -1)
				value_dict_setint(h->vars, "ansible_port",
				    port);
		}
		free(host);
	}
	free(copy);
}

int
inventory_load(struct inventory *inv, const char *source, char **cause)
{
	char	*dir, *slash;
	int	 r;

	if (!inventory_exists(source)) {
		if (strchr(source, ',') != NULL) {
			inventory_load_list(inv, source);
			inventory_reconcile(inv);
			return 0;
		}
		*cause = xasprintf("cannot open inventory '%s': %s", source,
		    strerror(errno));
		return -1;
	}
	if (inventory_is_dir(source)) {
		r = inventory_load_dir(inv, source, 0, cause);
		dir = xstrdup(source);
	} else {
		r = inventory_load_file(inv, source, cause);
		dir = xstrdup(source);
		if ((slash = strrchr(dir, '/')) == NULL) {
			free(dir);
			dir = xstrdup(".");
		} else if (slash == dir)
			dir[1] = '\0';
		else
			*slash = '\0';
	}
	inventory_reconcile(inv);
	if (r == 0)
		r = inventory_load_vars(inv, dir, inv->gv_inv, inv->hv_inv,
		    cause);
	free(dir);
	return r;
}

int
inventory_load_playbook_vars(struct inventory *inv, const char *dir,
    char **cause)
{
	return inventory_load_vars(inv, dir, inv->gv_play, inv->hv_play,
	    cause);
}

/* The host Ansible makes up for "localhost" when the inventory has none. */
struct inv_host *
inventory_implicit_localhost(struct inventory *inv, const char *name)
{
	struct inv_host	*h;

	if (inv->localhost != NULL)
		return inv->localhost;
	h = xcalloc(1, sizeof *h);
	h->name = xstrdup(name);
	h->vars = value_dict();
	h->implicit = 1;
	h->index = (size_t)-1;
	value_dict_setstr(h->vars, "ansible_connection", "local");
	inv->localhost = h;
	return h;
}

/* All groups a host is in, directly or through parents, "all" included. */
static void
inventory_collect_groups(struct inv_group *g, unsigned char *mark)
{
	size_t	i;

	if (mark[g->index])
		return;
	mark[g->index] = 1;
	for (i = 0; i < g->nparents; i++)
		inventory_collect_groups(g->parents[i], mark);
}

static unsigned char *
inventory_host_group_marks(struct inventory *inv, struct inv_host *h)
{
	unsigned char	*mark = xcalloc(inv->ngroups + 1, 1);
	size_t		 i;

	for (i = 0; i < h->ngroups; i++)
		inventory_collect_groups(h->groups[i], mark);
	return mark;
}

static long long
inventory_group_priority(struct inv_group *g)
{
	struct value	*p = value_dict_get(g->vars, "ansible_group_priority");

	if (p != NULL && p->type == V_INT)
		return p->u.i;
	if (p != NULL && p->type == V_STR)
		return strtoll(p->u.str.s, NULL, 10);
	return 1;
}

/* sort_groups(): depth, then ansible_group_priority, then name. */
static int
inventory_cmp_group(const void *a, const void *b)
{
	struct inv_group	*ga = *(struct inv_group *const *)a;
	struct inv_group	*gb = *(struct inv_group *const *)b;
	long long		 pa, pb;

	if (ga->depth != gb->depth)
		return ga->depth < gb->depth ? -1 : 1;
	pa = inventory_group_priority(ga);
	pb = inventory_group_priority(gb);
	if (pa != pb)
		return pa < pb ? -1 : 1;
	return strcmp(ga->name, gb->name);
}

struct value *
inventory_host_vars(struct inventory *inv, struct inv_host *h)
{
	struct value		*out = value_dict(), *d;
	struct inv_group	**gs, *all;
	unsigned char		*mark;
	size_t			 i, n = 0;
	char			*dir, *slash;

	all = inventory_find_group(inv, "all");
	mark = inventory_host_group_marks(inv, h);
	gs = xcalloc(inv->ngroups + 1, sizeof *gs);
	for (i = 0; i < inv->ngroups; i++) {
		if (mark[i] && inv->groups[i] != all)
			gs[n++] = inv->groups[i];
	}
	free(mark);
	qsort(gs, n, sizeof *gs, inventory_cmp_group);

	/* The default VARIABLE_PRECEDENCE of ansible-core. */
	value_dict_merge(out, all->vars, 0);
	for (i = 0; i < n; i++)
		value_dict_merge(out, gs[i]->vars, 0);
	value_dict_merge(out, value_dict_get(inv->gv_inv, "all"), 0);
	value_dict_merge(out, value_dict_get(inv->gv_play, "all"), 0);
	for (i = 0; i < n; i++) {
		d = value_dict_get(inv->gv_inv, gs[i]->name);
		value_dict_merge(out, d, 0);
	}
	for (i = 0; i < n; i++) {
		d = value_dict_get(inv->gv_play, gs[i]->name);
		value_dict_merge(out, d, 0);
	}
	free(gs);

	if (h->source != NULL) {
		value_dict_setstr(out, "inventory_file", h->source);
		dir = xstrdup(h->source);
		if ((slash = strrchr(dir, '/')) != NULL)
			*(slash == dir ? slash + 1 : slash) = '\0';
		value_dict_setstr(out, "inventory_dir", dir);
		free(dir);
	}
	value_dict_merge(out, h->vars, 0);
	value_dict_merge(out, value_dict_get(inv->hv_inv, h->name), 0);
	value_dict_merge(out, value_dict_get(inv->hv_play, h->name), 0);
	return out;
}

static int
inventory_cmp_value_str(const void *a, const void *b)
{
	const struct value	*va = *(struct value *const *)a;
	const struct value	*vb = *(struct value *const *)b;

	return strcmp(va->u.str.s, vb->u.str.s);
}

struct value *
inventory_group_names(struct inventory *inv, struct inv_host *h)
{
	struct value	*out = value_list();
	unsigned char	*mark;
	size_t		 i;

	mark = inventory_host_group_marks(inv, h);
	for (i = 0; i < inv->ngroups; i++) {
		if (mark[i] && strcmp(inv->groups[i]->name, "all") != 0)
			value_list_append(out, value_str(inv->groups[i]->name));
	}
	free(mark);
	if (out->u.list.n > 1) {
		qsort(out->u.list.items, out->u.list.n,
		    sizeof *out->u.list.items, inventory_cmp_value_str);
	}
	return out;
}

/*
 * Group.get_hosts(): the group's own hosts, then its descendants' breadth
 * first, each host once.  Malloc'd; *n may be 0.
 */
struct inv_host **
inventory_group_hosts(struct inventory *inv, struct inv_group *g, size_t *n)
{
	struct inv_group	**queue, *q;
	struct inv_host		**out, *h;
	unsigned char		 *gseen, *hseen;
	size_t			  nq = 0, head = 0, i;

	*n = 0;
	queue = xcalloc(inv->ngroups + 1, sizeof *queue);
	gseen = xcalloc(inv->ngroups + 1, 1);
	hseen = xcalloc(inv->nhosts + 1, 1);
	out = xcalloc(inv->nhosts + 1, sizeof *out);
	queue[nq++] = g;
	gseen[g->index] = 1;
	while (head < nq) {
		q = queue[head++];
		for (i = 0; i < q->nhosts; i++) {
			h = q->hosts[i];
			if (h->implicit || hseen[h->index])
				continue;
			hseen[h->index] = 1;
			out[(*n)++] = h;
		}
		for (i = 0; i < q->nchildren; i++) {
			if (!gseen[q->children[i]->index]) {
				gseen[q->children[i]->index] = 1;
				queue[nq++] = q->children[i];
			}
		}
	}
	free(queue);
	free(gseen);
	free(hseen);
	return out;
}

struct value *
inventory_groups_var(struct inventory *inv)
{
	struct value	*out = value_dict(), *l;
	struct inv_host	**hs;
	size_t		 i, j, n;

	for (i = 0; i < inv->ngroups; i++) {
		hs = inventory_group_hosts(inv, inv->groups[i], &n);
		l = value_list();
		for (j = 0; j < n; j++)
			value_list_append(l, value_str(hs[j]->name));
		free(hs);
		value_dict_set(out, inv->groups[i]->name, l);
	}
	return out;
}
