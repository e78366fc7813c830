/*
 * Playbooks: YAML documents to plays and tasks, checked completely before
 * any host is contacted (unknown keywords, unknown modules, unknown or
 * missing module parameters, malformed expressions), with file:line:col.
 */
#ifndef CAIRN_PLAYBOOK_H
#define CAIRN_PLAYBOOK_H

#include "module.h"
#include "value.h"

enum task_kind {
	TASK_MODULE,
	TASK_BLOCK,
	TASK_INCLUDE,	/* include_tasks, include_role: loaded when reached */
};

/* A boolean keyword that may be unset (inherit) or a template. */
struct opt_bool {
	int		 set;
	struct value	*v;	/* bool, or a template string */
};

/*
 * One use of a role in a play: its directory, its defaults (lowest
 * precedence) and vars (above the play's), the parameters it was given,
 * and the conditions and tags of the "roles:" entry.
 */
struct role {
	char		*name;
	char		*path;		/* the role's directory */
	struct value	*defaults;	/* dict */
	struct value	*vars;		/* dict: vars/main.yml, then params */
	struct value	*when;		/* list of conditions, or NULL */
	struct value	*module_defaults; /* of the roles: entry, or NULL */
	int		 dependency;	/* pulled in by another's meta */
};

struct task {
	enum task_kind		 kind;
	const struct role	*role;		/* the role the task is from, or NULL */
	char			*name;		/* NULL: the header shows the action */
	int			 implicit_name;	/* made up: "include_role : x" */
	struct loc		 loc;
	/* TASK_MODULE */
	const struct module_entry *module;
	char			*action;	/* the module name as written */
	const char		*action_key;	/* its key in the task (loading only) */
	struct value		*args;		/* raw args dict, templated per host */
	/* TASK_BLOCK */
	struct task		**block, **rescue, **always;
	size_t			  nblock, nrescue, nalways;
	int			  implicit;	/* made for an import or include */
	/* TASK_INCLUDE */
	int			  include_role;	/* include_role, else include_tasks */
	struct value		 *include_name;	/* file or role name, may template */
	struct value		 *include_spec;	/* include_role: its mapping */
	struct value		 *include_apply; /* "apply": keywords, or NULL */
	struct value		 *include_tags;	/* tags its contents inherit */
	int			  in_handlers;	/* written among handlers */

	struct value		*vars;		/* dict or NULL */
	struct value		*when;		/* list of condition strings, or NULL */
	struct value		*tags;		/* list: own tags and inherited ones */
	char			*register_name;
	struct opt_bool		 ignore_errors;
	struct opt_bool		 ignore_unreachable;
	struct opt_bool		 become;
	struct value		*become_user;	/* string/template or NULL */
	struct value		*become_method;
	struct opt_bool		 check_mode;
	struct opt_bool		 diff;
	struct opt_bool		 no_log;
	struct opt_bool		 run_once;
	struct value		*remote_user;
	struct value		*loop;		/* loop/with_items value, or NULL */
	int			 loop_flatten;	/* with_items: flatten one level */
	char			*loop_kind;	/* with_dict...: "dict", or NULL */
	char			*loop_var;	/* default "item" */
	char			*index_var;	/* loop_control.index_var */
	struct value		*loop_label;	/* loop_control.label */
	struct value		*changed_when;	/* list of conditions or NULL */
	struct value		*failed_when;
	struct value		*until;		/* list of conditions or NULL */
	int			 retries;
	int			 delay;
	struct value		*notify;	/* list of handler names */
	struct value		*listen;	/* handlers: list of topics */
	struct value		*environment;	/* dict or NULL */
	int			 timeout;
	struct value		*delegate_to;
	struct value		*connection;	/* ssh, local, or NULL */
	int			 any_errors_fatal;
	/*
	 * Parsed at load, acted on by the executor (async/poll/
	 * delegate_facts/throttle are the run side's): async_ is seconds,
	 * 0 when the task is not async; poll is Ansible's
	 * DEFAULT_POLL_INTERVAL (15) unless given, 0 fires and forgets;
	 * throttle 0 means no limit.
	 */
	int			 async_;
	int			 poll;
	int			 delegate_facts;
	int			 throttle;
	/*
	 * module_defaults of the task and what encloses it (block, role,
	 * play), a list of dicts, innermost last, or NULL; merged under
	 * the task's args at run time.
	 */
	struct value		*module_defaults;
};

struct play {
	char		 *name;
	struct loc	  loc;
	char		 *hosts;	/* pattern (may hold a template) */
	struct value	 *hosts_list;	/* "hosts" written as a list, or NULL */
	struct value	 *vars;		/* dict */
	struct value	 *vars_files;	/* list of paths, or NULL */
	struct value	 *remote_user;
	struct opt_bool	  become;
	struct value	 *become_user;
	struct value	 *become_method;
	struct value	 *connection;
	struct opt_bool	  gather_facts;
	struct value	 *gather_subset;	/* as written (facts.h), or NULL */
	struct value	 *gather_timeout;	/* as written, or NULL */
	int		  strategy_free;
	struct value	 *strategy;	/* a template, resolved at play start */
	struct value	 *serial;	/* int, "30%", or list; NULL: all */
	struct opt_bool	  ignore_errors;
	struct opt_bool	  check_mode;
	struct opt_bool	  diff;
	struct opt_bool	  no_log;
	int		  any_errors_fatal;
	int		  force_handlers;
	int		  max_fail_percentage;	/* -1: unset */
	struct value	 *tags;
	struct value	 *environment;
	struct value	 *module_defaults;	/* list of dicts, or NULL */
	struct value	 *vars_prompt;	/* list of dicts as written, or NULL */
	struct task	**pre_tasks, **tasks, **post_tasks, **handlers;
	size_t		  npre_tasks, ntasks, npost_tasks, nhandlers;
	struct task	**role_tasks;	/* roles: run between pre_tasks and tasks */
	size_t		  nrole_tasks;
	struct role	**roles;
	size_t		  nroles;
};

struct playbook {
	char		 *path;
	char		 *dir;		/* the playbook's directory */
	struct play	**plays;
	size_t		  nplays;
	struct value	 *warnings;	/* list of "file:line:col: text" */
};

/*
 * The module of a task whose module Ansible has and cairn does not: it
 * takes any arguments, and the task fails on a host that reaches it.
 */
extern const struct module_entry playbook_missing_module;

/*
 * The roles path and the collections path (':' between; NULL: Ansible's
 * defaults under ~/.ansible, /usr/share/ansible, /etc/ansible) roles are
 * looked for in.  Call before any playbook is loaded.
 */
void	 playbook_configure(const char *roles_path,
	    const char *collections_path);

/*
 * Loads and checks a playbook.  Returns 0, or -1 and *cause: every
 * mistake found, one "file:line:col: message" a line.  import_playbook
 * entries are expanded.  What only fails where a host reaches it (a
 * module cairn lacks, bad module arguments) is in pb->warnings.
 */
int	 playbook_load(const char *path, struct playbook **, char **cause);
void	 playbook_free(struct playbook *);	/* NULL-safe */

/*
 * Splits "k=v k2='v 2' rest" as Ansible's parse_kv does.  With free_form,
 * only the keys free-form modules take (chdir, creates, removes, ...) are
 * pulled out; the rest of the text goes to "_raw_params".  A new dict.
 */
struct value	*playbook_parse_kv(const char *, int free_form);

/*
 * Loads what include task inc (TASK_INCLUDE) of play p in pb names, for
 * one host: name is its file (include_tasks) or role (include_role),
 * already templated, and vars (a dict, borrowed) are set around what it
 * loads.  The result is a new implicit TASK_BLOCK that carries inc's
 * "apply" keywords and owns the tasks; an included role's handlers are
 * appended to p's handlers and the role to p's roles.  *path_out (may be
 * NULL) gets the file that was read, malloc'd.  0, or -1 and *cause.
 * The caller serialises calls for one play.
 */
int	 playbook_load_include(struct playbook *pb, struct play *p,
	    const struct task *inc, const char *name, struct value *vars,
	    struct task **out, char **path_out, char **cause);
void	 playbook_task_free(struct task *);	/* NULL-safe */

/*
 * Renders v (borrowed) with what a play knows before any host: the extra
 * vars, then the play's vars, as Ansible templates play keywords and
 * vars_prompt.  A new value in *out; 0, or -1 and *cause.
 */
int	 playbook_render_play(const struct play *, struct value *extra_vars,
	    struct value *v, struct value **out, char **cause);
/*
 * A "strategy: {{ ... }}" rendered into p->strategy_free (nothing to do
 * for a literal one, checked at load).  0, or -1 and *cause.
 */
int	 playbook_resolve_strategy(struct play *, struct value *extra_vars,
	    char **cause);

/*
 * --list-hosts/--list-tasks/--list-tags: what each shows, and which tasks
 * the --tags and --skip-tags select (match NULL: all).
 */
struct playbook_list_opts {
	int	 hosts, tasks, tags;
	int	(*match)(void *arg, const struct task *);
	void	*arg;
};
/*
 * The text ansible-playbook 2.14 prints for play p of pb (hosts: its
 * matched host names), from the "\n  play #N" line on, without the
 * final newline.  malloc'd.
 */
char	*playbook_list_play(const struct playbook *pb, const struct play *p,
	    const char *const *hosts, size_t nhosts,
	    const struct playbook_list_opts *);

/*
 * module_defaults, as Ansible's get_action_args_with_defaults, in two
 * steps around the templating of the values.  _merge: the mappings of
 * layers (lists as parsed: the play's, the role's, the blocks', the
 * task's; outermost first, NULL ones skipped) updating one dict in
 * order, a new one.  _pick: from that dict, templated, what applies to
 * module task t: the "group/..." entries whose group holds its module,
 * then the entries naming its module (name, alias or FQCN), a new dict
 * the task's own arguments go over.
 */
struct value	*playbook_module_defaults_merge(struct value *const *layers,
		    size_t n);
struct value	*playbook_module_defaults_pick(const struct task *t,
		    const struct value *all);

/* Task.get_name(): "role : name", the action for a nameless task. */
char	*playbook_task_full_name(const struct task *);
/*
 * --start-at-task: 1 when t's name or full name is pattern or matches
 * it as a shell glob (fnmatch), as Ansible's play iterator compares.
 */
int	 playbook_task_matches(const struct task *, const char *pattern);
/*
 * Ansible's error when --start-at-task matched nothing, wrapped at 79
 * columns after its " [ERROR]: " as display.error wraps it.  malloc'd.
 */
char	*playbook_start_at_missed(const char *pattern);
/* 1 when a task of p that the iterator would reach matches pattern. */
int	 playbook_play_has_task(const struct play *, const char *pattern);

/* The name shown in TASK [...] headers. */
const char	*task_display_name(const struct task *);

#endif
