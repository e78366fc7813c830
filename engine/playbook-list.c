/*
 * The text of --list-hosts, --list-tasks and --list-tags for a play, as
 * ansible-playbook 2.14 prints it (cli/playbook.py): blocks flattened
 * (their rescue and always sections are not shown), role tasks as
 * "role : name", a task without a name as its action, includes as
 * themselves, play and task tags merged and sorted.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "playbook.h"

/* The play's hosts as Ansible holds them: a list of patterns. */
static struct value *
hosts_list(const struct play *p)
{
	struct value	*l;

	if (p->hosts_list != NULL)
		return value_ref(p->hosts_list);
	l = value_list();
	value_list_append(l, value_str(p->hosts));
	return l;
}

static int
has_str(const struct value *list, const char *s)
{
	for (size_t i = 0; i < list->u.list.n; i++)
		if (strcmp(list->u.list.items[i]->u.str.s, s) == 0)
			return 1;
	return 0;
}

/* Adds the strings of from to set (a list without repeats). */
static void
set_add(struct value *set, const struct value *from)
{
	for (size_t i = 0; from != NULL && i < from->u.list.n; i++) {
		char *s = value_to_string(from->u.list.items[i]);

		if (!has_str(set, s))
			value_list_append(set, value_str(s));
		free(s);
	}
}

static int
cmp_str(const void *a, const void *b)
{
	const struct value *const *x = a, *const *y = b;

	return strcmp((*x)->u.str.s, (*y)->u.str.s);
}

static void
add_joined(struct buf *b, struct value *set, const char *sep, int sort)
{
	if (sort && set->u.list.n > 1)
		qsort(set->u.list.items, set->u.list.n,
		    sizeof *set->u.list.items, cmp_str);
	for (size_t i = 0; i < set->u.list.n; i++)
		buf_addf(b, "%s%s", i ? sep : "", set->u.list.items[i]->u.str.s);
}

/* task.get_name() when it has a name, else its action. */
static void
add_task_name(struct buf *b, const struct task *t)
{
	if (t->name == NULL || t->implicit_name)
		buf_adds(b, t->action != NULL ? t->action : "block");
	else if (t->role != NULL)
		buf_addf(b, "%s : %s", t->role->name, t->name);
	else
		buf_adds(b, t->name);
}

static void
list_tasks(struct buf *b, struct task **tasks, size_t n,
    const struct value *play_tags, struct value *all_tags,
    const struct playbook_list_opts *o)
{
	for (size_t i = 0; i < n; i++) {
		const struct task	*t = tasks[i];
		struct value		*cur;

		if (t->kind == TASK_BLOCK) {
			list_tasks(b, t->block, t->nblock, play_tags, all_tags,
			    o);
			continue;
		}
		if (o->match != NULL && !o->match(o->arg, t))
			continue;
		set_add(all_tags, t->tags);
		if (!o->tasks)
			continue;
		cur = value_list();
		set_add(cur, play_tags);
		set_add(cur, t->tags);
		buf_adds(b, "      ");
		add_task_name(b, t);
		buf_adds(b, "\tTAGS: [");
		add_joined(b, cur, ", ", 1);
		buf_adds(b, "]\n");
		value_unref(cur);
	}
}

char *
playbook_list_play(const struct playbook *pb, const struct play *p,
    const char *const *hosts, size_t nhosts,
    const struct playbook_list_opts *o)
{
	struct buf	 b = BUF_INIT;
	struct value	*hl = hosts_list(p), *tags = value_list(), *all;
	size_t		 idx = 0;
	char		*s;

	for (size_t i = 0; i < pb->nplays; i++)
		if (pb->plays[i] == p)
			idx = i;
	buf_addf(&b, "\n  play #%zu (", idx + 1);
	add_joined(&b, hl, ",", 0);
	buf_adds(&b, "): ");
	if (p->name != NULL)
		buf_adds(&b, p->name);
	else
		add_joined(&b, hl, ",", 0);
	/* a set in Ansible, in no order: written order here */
	set_add(tags, p->tags);
	buf_adds(&b, "\tTAGS: [");
	add_joined(&b, tags, ",", 0);
	buf_adds(&b, "]");
	if (o->hosts) {
		buf_adds(&b, "\n    pattern: [");
		for (size_t i = 0; i < hl->u.list.n; i++) {
			s = value_to_string(hl->u.list.items[i]);
			buf_addf(&b, "%s'%s'", i ? ", " : "", s);
			free(s);
		}
		buf_addf(&b, "]\n    hosts (%zu):", nhosts);
		for (size_t i = 0; i < nhosts; i++)
			buf_addf(&b, "\n      %s", hosts[i]);
	}
	if (o->tasks || o->tags) {
		struct task **lists[] = { p->pre_tasks, p->role_tasks, p->tasks,
		    p->post_tasks };
		size_t counts[] = { p->npre_tasks, p->nrole_tasks, p->ntasks,
		    p->npost_tasks };

		/* Ansible displays the play's line and the task text apart */
		buf_adds(&b, "\n");
		if (o->tasks)
			buf_adds(&b, "    tasks:\n");
		all = value_list();
		for (size_t l = 0; l < ARRAY_SIZE(lists); l++)
			list_tasks(&b, lists[l], counts[l], p->tags, all, o);
		if (o->tags) {
			set_add(all, p->tags);
			buf_adds(&b, "      TASK TAGS: [");
			add_joined(&b, all, ", ", 1);
			buf_adds(&b, "]\n");
		}
		value_unref(all);
	}
	value_unref(hl);
	value_unref(tags);
	/* Display.display adds a newline only where there is none */
	s = buf_detach(&b, NULL);
	if (*s != '\0' && s[strlen(s) - 1] == '\n')
		s[strlen(s) - 1] = '\0';
	return s;
}

char *
playbook_task_full_name(const struct task *t)
{
	const char	*n = t->name != NULL && !t->implicit_name ? t->name :
			    t->action != NULL ? t->action : "block";

	if (t->role != NULL)
		return xasprintf("%s : %s", t->role->name, n);
	return xstrdup(n);
}

int
playbook_task_matches(const struct task *t, const char *pattern)
{
	char	*full;
	int	 hit = 0;

	if (t->name != NULL && !t->implicit_name &&
	    (strcmp(t->name, pattern) == 0 ||
	    fnmatch(pattern, t->name, 0) == 0))
		return 1;
	full = playbook_task_full_name(t);
	hit = strcmp(full, pattern) == 0 || fnmatch(pattern, full, 0) == 0;
	free(full);
	return hit;
}

/* A block's tasks and its always section, as the play iterator peeks. */
static int
tasks_have(struct task **tasks, size_t n, const char *pattern)
{
	for (size_t i = 0; i < n; i++) {
		const struct task *t = tasks[i];

		if (t->kind == TASK_BLOCK ? tasks_have(t->block, t->nblock,
		    pattern) || tasks_have(t->always, t->nalways, pattern) :
		    playbook_task_matches(t, pattern))
			return 1;
	}
	return 0;
}

int
playbook_play_has_task(const struct play *p, const char *pattern)
{
	return tasks_have(p->pre_tasks, p->npre_tasks, pattern) ||
	    tasks_have(p->role_tasks, p->nrole_tasks, pattern) ||
	    tasks_have(p->tasks, p->ntasks, pattern) ||
	    tasks_have(p->post_tasks, p->npost_tasks, pattern);
}

char *
playbook_start_at_missed(const char *pattern)
{
	struct buf	 b = BUF_INIT;
	char		*all, *word, *save;
	size_t		 col;

	/* display.error: textwrap.wrap(" [ERROR]: " + msg, 79), greedy */
	all = xasprintf("No matching task \"%s\" found. Note: "
	    "--start-at-task can only follow static includes.", pattern);
	col = strlen(" [ERROR]:");
	for (word = strtok_r(all, " ", &save); word != NULL;
	    word = strtok_r(NULL, " ", &save)) {
		if (col + 1 + strlen(word) > 79 && b.len > 0) {
			buf_addc(&b, '\n');
			col = 0;
		} else if (b.len > 0) {
			buf_addc(&b, ' ');
			col++;
		} else
			col++;
		buf_adds(&b, word);
		col += strlen(word);
	}
	free(all);
	return buf_detach(&b, NULL);
}
