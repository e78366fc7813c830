/* with_<lookup> loops: each lookup's items, as Ansible's lookup plugins give them. */
#include <glob.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "loop.h"

static const char *const loop_kinds[] = {
	"dict", "fileglob", "sequence", "nested", "cartesian", "together",
	"subelements", "indexed_items", NULL
};

int
loop_kind_known(const char *kind)
{
	for (size_t i = 0; loop_kinds[i] != NULL; i++)
		if (strcmp(kind, loop_kinds[i]) == 0)
			return 1;
	return 0;
}

/* with_dict: [{key, value}, ...] as dict2items. */
static struct value *
loop_dict(const struct value *v, char **cause)
{
	struct value	*l, *e;

	if (v->type != V_DICT) {
		*cause = xstrdup("with_dict expects a dict");
		return NULL;
	}
	l = value_list();
	for (size_t i = 0; i < v->u.dict.n; i++) {
		e = value_dict();
		value_dict_setstr(e, "key", v->u.dict.keys[i]);
		value_dict_set(e, "value", value_ref(v->u.dict.vals[i]));
		value_list_append(l, e);
	}
	return l;
}

/* with_fileglob: files (not directories) matching, under files/ first. */
static struct value *
loop_fileglob(const struct value *v, const char *dir)
{
	struct value	*l = value_list();
	struct stat	 st;
	glob_t		 g;
	size_t		 n = v->type == V_LIST ? v->u.list.n : 1;
	char		*abs = realpath(dir, NULL);

	/* Ansible gives absolute paths */
	if (abs != NULL)
		dir = abs;

	for (size_t i = 0; i < n; i++) {
		const struct value *pv = v->type == V_LIST ?
		    v->u.list.items[i] : v;
		char *pat = value_to_string(pv), *full;
		const char *bases[] = { "files/", "" };

		for (size_t b = 0; b < ARRAY_SIZE(bases); b++) {
			full = pat[0] == '/' ? xstrdup(pat) :
			    xasprintf("%s/%s%s", dir, bases[b], pat);
			memset(&g, 0, sizeof g);
			if (glob(full, 0, NULL, &g) == 0) {
				for (size_t k = 0; k < g.gl_pathc; k++)
					if (stat(g.gl_pathv[k], &st) == 0 &&
					    S_ISREG(st.st_mode))
						value_list_append(l,
						    value_str(g.gl_pathv[k]));
			}
			globfree(&g);
			free(full);
			if (value_len(l) > 0 || pat[0] == '/')
				break;
		}
		free(pat);
	}
	free(abs);
	return l;
}

/* with_sequence: "start=1 end=10 stride=2 format=web%02d" or "count=3". */
static struct value *
loop_sequence(const struct value *v, char **cause)
{
	char		*spec = value_to_string(v), *tok, *save, *eq;
	char		*fmt = xstrdup("%d");
	long		 start = 1, end = -1, stride = 1, count = -1;
	struct value	*l;

	for (tok = strtok_r(spec, " ,", &save); tok != NULL;
	    tok = strtok_r(NULL, " ,", &save)) {
		if ((eq = strchr(tok, '=')) == NULL) {
			/* "1-10/2" shorthand */
			if (sscanf(tok, "%ld-%ld/%ld", &start, &end, &stride) < 2) {
				*cause = xasprintf("can't parse '%s' in "
				    "with_sequence", tok);
				goto fail;
			}
			continue;
		}
		*eq++ = '\0';
		if (strcmp(tok, "start") == 0)
			start = strtol(eq, NULL, 0);
		else if (strcmp(tok, "end") == 0)
			end = strtol(eq, NULL, 0);
		else if (strcmp(tok, "stride") == 0)
			stride = strtol(eq, NULL, 0);
		else if (strcmp(tok, "count") == 0)
			count = strtol(eq, NULL, 0);
		else if (strcmp(tok, "format") == 0) {
			free(fmt);
			fmt = xstrdup(eq);
		} else {
			*cause = xasprintf("unknown with_sequence option "
			    "'%s'", tok);
			goto fail;
		}
	}
	if (count >= 0)
		end = start + (count - 1) * stride;
	if (stride == 0 || (end < start && stride > 0) ||
	    (end > start && stride < 0)) {
		*cause = xstrdup("with_sequence: the stride does not reach "
		    "the end");
		goto fail;
	}
	/* only one conversion, an integer one: the format is user text */
	if (strchr(fmt, '%') == NULL || strchr(strchr(fmt, '%') + 1, '%') ||
	    strspn(strchr(fmt, '%') + 1, "0123456789-+ #") !=
	    strcspn(strchr(fmt, '%') + 1, "dixXo")) {
		*cause = xasprintf("with_sequence: bad format '%s'", fmt);
		goto fail;
	}
	l = value_list();
	for (long i = start; stride > 0 ? i <= end : i >= end; i += stride) {
		char buf[256];

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		snprintf(buf, sizeof buf, fmt, i);
#pragma GCC diagnostic pop
		value_list_append(l, value_str(buf));
		if (value_len(l) > 100000)
			break;
	}
	free(spec);
	free(fmt);
	return l;
fail:
	free(spec);
	free(fmt);
	return NULL;
}

static int
all_lists(const struct value *v, const char *kind, char **cause)
{
	if (v->type != V_LIST) {
		*cause = xasprintf("with_%s expects a list of lists", kind);
		return -1;
	}
	for (size_t i = 0; i < v->u.list.n; i++)
		if (v->u.list.items[i]->type != V_LIST) {
			*cause = xasprintf("with_%s expects a list of lists",
			    kind);
			return -1;
		}
	return 0;
}

/* with_nested: every combination, the first list varying slowest. */
static struct value *
loop_nested(const struct value *v, char **cause)
{
	struct value	*acc, *next, *combo;

	if (all_lists(v, "nested", cause) != 0)
		return NULL;
	acc = value_list();
	value_list_append(acc, value_list());
	for (size_t i = 0; i < v->u.list.n; i++) {
		const struct value *li = v->u.list.items[i];

		next = value_list();
		for (size_t a = 0; a < acc->u.list.n; a++)
			for (size_t b = 0; b < li->u.list.n; b++) {
				combo = value_copy(acc->u.list.items[a]);
				value_list_append(combo,
				    value_ref(li->u.list.items[b]));
				value_list_append(next, combo);
			}
		value_unref(acc);
		acc = next;
	}
	return acc;
}

/* with_together: the lists side by side, the short ones padded with None. */
static struct value *
loop_together(const struct value *v, char **cause)
{
	struct value	*l, *row;
	size_t		 longest = 0;

	if (all_lists(v, "together", cause) != 0)
		return NULL;
	for (size_t i = 0; i < v->u.list.n; i++)
		if (v->u.list.items[i]->u.list.n > longest)
			longest = v->u.list.items[i]->u.list.n;
	l = value_list();
	for (size_t r = 0; r < longest; r++) {
		row = value_list();
		for (size_t i = 0; i < v->u.list.n; i++) {
			const struct value *li = v->u.list.items[i];

			value_list_append(row, r < li->u.list.n ?
			    value_ref(li->u.list.items[r]) : value_null());
		}
		value_list_append(l, row);
	}
	return l;
}

/* with_subelements: [[parent, child], ...] for each parent's list key. */
static struct value *
loop_subelements(const struct value *v, char **cause)
{
	const struct value	*parents, *key, *opts, *sub;
	struct value		*l, *pair;
	int			 skip_missing = 0;

	if (v->type != V_LIST || v->u.list.n < 2 || v->u.list.n > 3 ||
	    v->u.list.items[0]->type != V_LIST ||
	    v->u.list.items[1]->type != V_STR) {
		*cause = xstrdup("with_subelements expects [list, 'key'] and "
		    "optionally {skip_missing: true}");
		return NULL;
	}
	parents = v->u.list.items[0];
	key = v->u.list.items[1];
	if (v->u.list.n == 3 && (opts = v->u.list.items[2])->type == V_DICT)
		skip_missing = value_truthy(value_dict_get(opts,
		    "skip_missing"));
	l = value_list();
	for (size_t i = 0; i < parents->u.list.n; i++) {
		const struct value *p = parents->u.list.items[i];

		sub = p->type == V_DICT ? value_dict_get(p, key->u.str.s) : NULL;
		if (sub == NULL && skip_missing)
			continue;
		if (sub == NULL || sub->type != V_LIST) {
			*cause = xasprintf("with_subelements: '%s' is missing "
			    "or not a list in item %zu", key->u.str.s, i);
			value_unref(l);
			return NULL;
		}
		for (size_t j = 0; j < sub->u.list.n; j++) {
			pair = value_list();
			value_list_append(pair, value_ref((struct value *)p));
			value_list_append(pair, value_ref(sub->u.list.items[j]));
			value_list_append(l, pair);
		}
	}
	return l;
}

/* with_indexed_items: [[0, a], [1, b], ...]. */
static struct value *
loop_indexed(const struct value *v, char **cause)
{
	struct value	*l, *pair;

	if (v->type != V_LIST) {
		*cause = xstrdup("with_indexed_items expects a list");
		return NULL;
	}
	l = value_list();
	for (size_t i = 0; i < v->u.list.n; i++) {
		pair = value_list();
		value_list_append(pair, value_int((long long)i));
		value_list_append(pair, value_ref(v->u.list.items[i]));
		value_list_append(l, pair);
	}
	return l;
}

struct value *
loop_expand(const char *kind, const struct value *v, const char *dir,
    char **cause)
{
	if (strcmp(kind, "dict") == 0)
		return loop_dict(v, cause);
	if (strcmp(kind, "fileglob") == 0)
		return loop_fileglob(v, dir);
	if (strcmp(kind, "sequence") == 0)
		return loop_sequence(v, cause);
	if (strcmp(kind, "nested") == 0 || strcmp(kind, "cartesian") == 0)
		return loop_nested(v, cause);
	if (strcmp(kind, "together") == 0)
		return loop_together(v, cause);
	if (strcmp(kind, "subelements") == 0)
		return loop_subelements(v, cause);
	if (strcmp(kind, "indexed_items") == 0)
		return loop_indexed(v, cause);
	*cause = xasprintf("unknown loop 'with_%s'", kind);
	return NULL;
}
