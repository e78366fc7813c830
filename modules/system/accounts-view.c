/* The user as a diff shows it: now, and once a task is applied. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts.h"

/* The user as the diff shows it. */
struct value *
accounts_view(const struct accounts_db *db, const char *name)
{
	struct value	 *d = value_dict(), *l;
	const struct accounts_group *g;
	const char	**of;
	size_t		  n, i;
	char		  num[32];

	value_dict_setstr(d, "name", name);
	if (!db->has_user) {
		value_dict_setstr(d, "state", "absent");
		return d;
	}
	value_dict_setstr(d, "state", "present");
	value_dict_setint(d, "uid", db->pw.uid);
	snprintf(num, sizeof num, "%lld", db->pw.gid);
	g = accounts_group_find(db, num);
	value_dict_setstr(d, "group", g != NULL ? g->name : num);
	l = value_list();
	of = accounts_member_of(db, name, db->pw.gid, &n);
	for (i = 0; i < n; i++)
		value_list_append(l, value_str(of[i]));
	free(of);
	value_dict_set(d, "groups", l);
	value_dict_setstr(d, "comment", db->pw.gecos);
	value_dict_setstr(d, "home", db->pw.home);
	value_dict_setstr(d, "shell", db->pw.shell);
	return d;
}

/* What the diff's after side would be once w is applied. */
struct value *
accounts_view_after(const struct accounts_user_want *w,
    const struct accounts_db *db, int present)
{
	struct value	*d = accounts_view(db, w->name), *l, *cur;
	size_t		 i, j;

	if (!present) {
		value_unref(d);
		d = value_dict();
		value_dict_setstr(d, "name", w->name);
		value_dict_setstr(d, "state", "absent");
		return d;
	}
	value_dict_setstr(d, "state", "present");
	if (w->uid != -1)
		value_dict_setint(d, "uid", w->uid);
	if (w->group != NULL) {
		const struct accounts_group *g = accounts_group_find(db,
		    w->group);

		value_dict_setstr(d, "group", g != NULL ? g->name : w->group);
	}
	if (w->groups != NULL) {
		cur = value_dict_get(d, "groups");
		l = w->append && cur != NULL ? value_copy(cur) : value_list();
		for (i = 0; i < w->ngroups; i++) {
			if (w->groups[i][0] == '\0')
				continue;
			for (j = 0; j < l->u.list.n; j++)
				if (strcmp(l->u.list.items[j]->u.str.s,
				    w->groups[i]) == 0)
					break;
			if (j == l->u.list.n)
				value_list_append(l, value_str(w->groups[i]));
		}
		value_dict_set(d, "groups", l);
	}
	if (w->comment != NULL)
		value_dict_setstr(d, "comment", w->comment);
	if (w->home != NULL)
		value_dict_setstr(d, "home", w->home);
	if (w->shell != NULL)
		value_dict_setstr(d, "shell", w->shell);
	return d;
}
