/*
 * Templates by name: Ansible's search path, each file read and parsed once
 * per render, and the statements that render another template (include,
 * import, from ... import).
 */
#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>

#include "template-internal.h"

/* Templates one render may load (each include of a file counts once). */
#define TEMPLATE_MAX_FILES	200

/*
 * A name as Jinja2's split_template_path() reads it: pieces between "/",
 * empty ones and "." dropped (so "/etc/x" is "etc/x" under each search
 * directory, never the absolute path), and none at all if one is "..".
 * malloc'd, or NULL.
 */
static char *
template_name(const char *name)
{
	struct buf	 b = BUF_INIT;
	char		*copy = xstrdup(name), *p = copy, *piece;

	while ((piece = strsep(&p, "/")) != NULL) {
		if (strcmp(piece, "..") == 0) {
			free(copy);
			buf_release(&b);
			return NULL;
		}
		if (*piece == '\0' || strcmp(piece, ".") == 0)
			continue;
		if (b.len > 0)
			buf_addc(&b, '/');
		buf_adds(&b, piece);
	}
	free(copy);
	if (b.len == 0) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

/* dir/sub/name if it is a regular file (Jinja2's loader wants one). */
static char *
file_try(const char *dir, const char *sub, const char *name)
{
	struct stat	 st;
	char		*path;

	path = sub != NULL ? xasprintf("%s/%s/%s", dir, sub, name) :
	    xasprintf("%s/%s", dir, name);
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
		return path;
	free(path);
	return NULL;
}

/* The directories Ansible's templar gives Jinja2 (each with templates/). */
static char *
find_template(struct eval *ev, const char *given)
{
	const char	*vars[] = { "role_path", "playbook_dir" };
	struct value	*v;
	char		*path = NULL, *dir, *slash, *name;
	size_t		 i;

	if ((name = template_name(given)) == NULL)
		return NULL;
	for (i = 0; i < ARRAY_SIZE(vars) + 2 && path == NULL; i++) {
		dir = NULL;
		if (i < ARRAY_SIZE(vars)) {
			v = expr_lookup(ev, vars[i]);
			if (v != NULL && v->type == V_STR)
				dir = xstrdup(v->u.str.s);
			value_unref(v);
		} else if (i == ARRAY_SIZE(vars)) {
			v = expr_lookup(ev, "template_fullpath");
			if (v != NULL && v->type == V_STR &&
			    (slash = strrchr(v->u.str.s, '/')) != NULL)
				dir = xstrndup(v->u.str.s,
				    (size_t)(slash - v->u.str.s));
			value_unref(v);
		} else if (ev->tmpl->dir != NULL)
			dir = xstrdup(ev->tmpl->dir);
		if (dir == NULL)
			continue;
		if ((path = file_try(dir, "templates", name)) == NULL)
			path = file_try(dir, NULL, name);
		free(dir);
	}
	free(name);
	return path;
}

/* A template by name, read and parsed once per render: NULL if missing. */
static int
load_template(struct eval *ev, const char *name, struct tfile **out,
    char **cause)
{
	struct tctx	*tc = ev->tmpl;
	struct tfile	*f;
	struct buf	 b = BUF_INIT;
	char		*path, *why = NULL;
	size_t		 i;
	int		 r;

	*out = NULL;
	if ((path = find_template(ev, name)) == NULL)
		return 0;
	for (i = 0; i < tc->nfiles; i++) {
		if (strcmp(tc->files[i]->path, path) == 0) {
			free(path);
			*out = tc->files[i];
			return 0;
		}
	}
	if (tc->nfiles >= TEMPLATE_MAX_FILES) {
		free(path);
		return expr_fail(cause, "too many templates (more than %d)",
		    TEMPLATE_MAX_FILES);
	}
	if ((r = read_file(path, &b)) != 0) {
		expr_fail(cause, "cannot read template '%s': %s", path,
		    strerror(-r));
		free(path);
		return -1;
	}
	f = xcalloc(1, sizeof *f);
	f->path = path;
	f->text = template_lf(buf_cstr(&b));
	buf_release(&b);
	if (template_parse(f->text, &tc->o, &f->tm, &why) != 0) {
		expr_fail(cause, "%s (in %s)", why, path);
		free(why);
		free(f->text);
		free(f->path);
		free(f);
		return -1;
	}
	tc->files = xreallocarray(tc->files, tc->nfiles + 1,
	    sizeof *tc->files);
	tc->files[tc->nfiles++] = f;
	*out = f;
	return 0;
}

/*
 * The first template of a name or a list of names; a missing one is an
 * error unless ignore_missing (then *out is NULL).
 */
int
template_load_named(struct eval *ev, struct tnode *t, int ignore_missing,
    struct tfile **out, char **cause)
{
	struct value	*v;
	size_t		 i, n;
	int		 r = 0;
	char		*s;

	*out = NULL;
	if (expr_node_value(ev, t->expr, &v, cause) != 0)
		return -1;
	n = v->type == V_LIST ? v->u.list.n : 1;
	for (i = 0; i < n && *out == NULL && r == 0; i++) {
		s = expr_str_of(v->type == V_LIST ? v->u.list.items[i] : v);
		r = load_template(ev, s, out, cause);
		free(s);
	}
	if (r == 0 && *out == NULL && !ignore_missing) {
		s = expr_str_of(v);
		r = expr_fail(cause, "template '%s' not found (searched the "
		    "role's and the playbook's templates/ and the template's "
		    "directory)", s);
		free(s);
	}
	value_unref(v);
	return r;
}

/*
 * A frame for another template: on top of the current ones "with
 * context", or alone with no variables at all "without".
 */
static void
context_enter(struct eval *ev, struct tnode *t, struct frames_saved *s)
{
	if (t->flags & TF_CONTEXT)
		expr_push_frame(ev);
	else
		template_frames_enter(ev, NULL, 0, &template_no_scope, s);
}

static void
context_leave(struct eval *ev, struct tnode *t, struct frames_saved *s)
{
	if (t->flags & TF_CONTEXT)
		expr_pop_frame(ev);
	else
		template_frames_leave(ev, s);
}

/* {% import %}: the template's top level run for its macros and sets. */
static int
import_module(struct eval *ev, struct tnode *t, struct value **out,
    char **cause)
{
	struct tfile		*f;
	struct buf		 discard = BUF_INIT;
	struct frames_saved	 s = { NULL, 0, 0, NULL };
	int			 r;

	*out = NULL;
	if (template_load_named(ev, t, 0, &f, cause) != 0)
		return -1;
	if (template_depth_enter(ev, "imports", cause) != 0)
		return -1;
	context_enter(ev, t, &s);
	r = template_render_root(ev, &f->tm, &ev->tmpl->o, &discard, cause);
	if (r == 0)
		*out = value_ref(ev->frames[ev->nframes - 1]);
	context_leave(ev, t, &s);
	ev->tmpl->depth--;
	buf_release(&discard);
	return r;
}

int
template_render_import(struct eval *ev, struct tnode *t, char **cause)
{
	struct value	*mod, *v;
	size_t		 i;
	char		*s;

	if (import_module(ev, t, &mod, cause) != 0)
		return -1;
	if (t->type == TN_IMPORT) {
		expr_set_local(ev, t->name, mod);
		return 0;
	}
	for (i = 0; i < t->ntargets; i++) {
		if ((v = value_dict_get(mod, t->targets[i])) == NULL ||
		    t->targets[i][0] == '_') {
			if (expr_node_value(ev, t->expr, &v, cause) == 0) {
				s = expr_str_of(v);
				expr_fail(cause, "the template '%s' does not "
				    "export the requested name '%s'", s,
				    t->targets[i]);
				free(s);
				value_unref(v);
			}
			value_unref(mod);
			return -1;
		}
		expr_set_local(ev, t->aliases[i], value_ref(v));
	}
	value_unref(mod);
	return 0;
}

int
template_render_include(struct eval *ev, struct tnode *t, struct buf *b, char **cause)
{
	struct tfile		*f;
	struct frames_saved	 s = { NULL, 0, 0, NULL };
	int			 r;

	if (template_load_named(ev, t, t->flags & TF_IGNORE_MISSING, &f, cause) != 0)
		return -1;
	if (f == NULL)
		return 0;
	if (template_depth_enter(ev, "includes", cause) != 0)
		return -1;
	context_enter(ev, t, &s);
	r = template_render_root(ev, &f->tm, &ev->tmpl->o, b, cause);
	context_leave(ev, t, &s);
	ev->tmpl->depth--;
	return r;
}
