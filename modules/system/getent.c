/* getent output to Ansible's getent_<database> fact. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "getent.h"
#include "util.h"

const char *
getent_default_split(const char *database)
{
	static const char *const colon[] = { "passwd", "shadow", "group",
		"gshadow" };

	for (size_t i = 0; i < ARRAY_SIZE(colon); i++)
		if (strcmp(database, colon[i]) == 0)
			return ":";
	return NULL;
}

/* The fields of one line, as Python's line.split(split). */
static struct value *
getent_fields(const char *s, size_t len, const char *split)
{
	struct value	*l = value_list();
	const char	*end = s + len, *p, *q;
	size_t		 sl;

	if (split == NULL) {
		for (p = s; p < end;) {
			while (p < end && isspace((unsigned char)*p))
				p++;
			if (p == end)
				break;
			for (q = p; q < end && !isspace((unsigned char)*q); q++)
				;
			value_list_append(l, value_strn(p, q - p));
			p = q;
		}
		return l;
	}
	sl = strlen(split);
	for (p = s;;) {
		q = sl == 0 ? NULL : memmem(p, end - p, split, sl);
		if (q == NULL) {
			value_list_append(l, value_strn(p, end - p));
			break;
		}
		value_list_append(l, value_strn(p, q - p));
		p = q + sl;
	}
	return l;
}

struct value *
getent_parse(const char *out, const char *split)
{
	struct value	*d = value_dict(), *seen = value_dict(), *f, *rest;
	struct value	*prev, *n, *l;
	const char	*p = out, *nl;
	size_t		 len, i;
	char		*key;

	for (; *p != '\0'; p = nl != NULL ? nl + 1 : p + len) {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		f = getent_fields(p, len > 0 && p[len - 1] == '\r' ? len - 1 :
		    len, split);
		if (f->u.list.n == 0) {
			/* Python's "".split() is []: record[0] fails there. */
			value_unref(f);
			continue;
		}
		key = value_to_string(f->u.list.items[0]);
		rest = value_list();
		for (i = 1; i < f->u.list.n; i++)
			value_list_append(rest, value_ref(f->u.list.items[i]));
		value_unref(f);
		prev = value_dict_get(d, key);
		n = value_dict_get(seen, key);
		if (prev == NULL)
			value_dict_set(d, key, rest);
		else if (n == NULL) {
			/* A second record: the key now holds a list of them. */
			l = value_list();
			value_list_append(l, value_ref(prev));
			value_list_append(l, rest);
			value_dict_set(d, key, l);
			value_dict_setbool(seen, key, 1);
		} else
			value_list_append(prev, rest);
		free(key);
	}
	value_unref(seen);
	return d;
}
