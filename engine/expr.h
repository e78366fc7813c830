/*
 * The Jinja2 expression subset and templates: "{{ expr }}" interpolation,
 * "{% if %}/{% for %}" blocks, filters and tests, as Ansible uses them.
 */
#ifndef CAIRN_EXPR_H
#define CAIRN_EXPR_H

#include "value.h"

/*
 * Variable lookup for an evaluation.  lookup returns a new reference, or
 * NULL when the name is undefined.  A looked-up string holding a template
 * is rendered in the same scope (variables may refer to variables).
 */
struct expr_scope {
	struct value	*(*lookup)(void *ud, const char *name);
	void		 *ud;
	/* The defined names as a new list of strings, or NULL (varnames). */
	struct value	*(*names)(void *ud);
};

/*
 * What "omit" gives when the scope does not define it: module argument
 * handling drops parameters whose value is this string, as Ansible does.
 */
#define EXPR_OMIT	"__omit_place_holder__cairn"

/* Evaluates one expression ("a.b | default(3)"); 0 and *out, or -1 and *cause. */
int	 expr_eval(const char *src, const struct expr_scope *,
	    struct value **out, char **cause);
/* A "when:" condition: a bare expression, truthiness as Jinja2. */
int	 expr_eval_bool(const char *src, const struct expr_scope *, int *out,
	    char **cause);
/* Syntax check only, for refusing a playbook before any host is touched. */
int	 expr_check(const char *src, char **cause);
int	 template_check(const char *tmpl, char **cause);

/*
 * Renders a template string.  A template that is one "{{ expr }}" and
 * nothing else keeps the expression's type (a list stays a list), as
 * Ansible does; anything else gives a string.
 */
int	 template_render(const char *tmpl, const struct expr_scope *,
	    struct value **out, char **cause);
/*
 * Renders every string inside a value (lists and dicts recursively), keys
 * included.  Strings without templates and VALUE_UNSAFE ones are shared,
 * not copied.
 */
int	 template_value(struct value *, const struct expr_scope *,
	    struct value **out, char **cause);

/*
 * Jinja2 environment options of a template (the template module's
 * parameters and a "#jinja2:" first line).  template_opts_init gives
 * Ansible's: the usual delimiters, trim_blocks on, lstrip_blocks off,
 * keep_trailing_newline off (the templar puts the source's trailing
 * newlines back).  Strings are borrowed.
 */
struct template_opts {
	const char	*block_start;		/* "{%" */
	const char	*block_end;		/* "%}" */
	const char	*variable_start;	/* "{{" */
	const char	*variable_end;		/* "}}" */
	const char	*comment_start;		/* "{#" */
	const char	*comment_end;		/* "#}" */
	int		 trim_blocks;
	int		 lstrip_blocks;
	int		 keep_trailing_newline;
	const char	*dir;	/* the template's directory, for include */
};
void	 template_opts_init(struct template_opts *);

/*
 * Renders a template file's text as the template module does: a
 * "#jinja2:" first line overrides opts and is not written, vars (a dict
 * or NULL: template_path, ansible_managed, ...) are seen above the
 * scope's.  0 and a malloc'd *out, or -1 and *cause.
 */
int	 template_render_file(const char *text, const struct template_opts *,
	    struct value *vars, const struct expr_scope *, char **out,
	    char **cause);
/*
 * The variables the template module gives a template (Ansible's
 * generate_ansible_template_vars): template_host, template_path (src as
 * given), template_fullpath, template_uid, template_mtime,
 * template_run_date, template_destpath and ansible_managed.  A new dict.
 */
struct value	*template_file_vars(const char *src, const char *fullpath,
		    const char *dest);

/*
 * Filters added at run time (Lua filters register here).  fn gets the
 * input (never NULL: undefined input is an error before the call), the
 * positional arguments and a dict of keyword arguments (NULL if none);
 * it returns 0 and a new reference in *out, or -1 and a malloc'd *cause.
 * A registered name replaces a built-in one.  Register before worker
 * threads start: lookups do not lock against registration.
 */
/* Renders a value inside text: strings as is, others as Python's str(). */
void	 expr_add_str(struct buf *, const struct value *);

typedef int (*expr_filter_fn)(void *ud, struct value *in,
    struct value *const *args, size_t nargs, struct value *kwargs,
    struct value **out, char **cause);
void	 expr_filter_register(const char *name, expr_filter_fn fn, void *ud);
/* 1 if a filter of that name exists (built-in or registered). */
int	 expr_filter_exists(const char *name);

#endif
