/*
 * The run's state, shared by the executor's layers, which call downward
 * only: executor.c (plays, batches, strategies, handlers) ->
 * executor-task.c (one task on one host) -> executor-conn.c (connection
 * and become settings, delegate_to) -> executor-scope.c (host state,
 * counters, the variables a task sees).
 */
#ifndef CAIRN_EXECUTOR_INTERNAL_H
#define CAIRN_EXECUTOR_INTERNAL_H

#include <pthread.h>

#include "executor.h"
#include "output.h"
#include "vars.h"

struct host_state {
	struct inv_host		*ih;
	const char		*name;
	struct value		*inv_vars;	/* inventory vars, dict */
	struct value		*facts;		/* gathered facts, dict */
	/* facts a module returned without "ansible_": also bare variables */
	struct value		*fact_vars;
	struct value		*hvars;		/* register and set_fact */
	struct conn		*conn;
	char			*conn_key;	/* what conn was opened with */
	char			*conn_error;	/* a failed connect, reused */
	/* delegate_to: this host's own connection to the delegate */
	struct conn		*dconn;
	char			*dconn_key;
	char			*dconn_error;
	int			 failed;	/* out of the run */
	int			 unreachable;
	int			 ended;		/* meta end_host/end_play: out of the play */
	struct value		*notified;	/* handler names and topics */
	struct host_stats	 st;
};

struct run {
	const struct run_opts	*opts;
	struct inventory	*inv;
	struct host_state	*hosts;		/* one per inventory host */
	size_t			 nhosts;
	struct host_state	*localhost;	/* implicit, made on demand */
	pthread_mutex_t		 lock;		/* hvars, facts, stats */
	struct playbook		*pb;
	struct play		*play;
	struct value		*play_vars_files; /* dict of the play */
	struct host_state	**active;	/* the current batch */
	size_t			 nactive;
	struct value		*groups_var;
	pthread_mutex_t		 load_lock;	/* includes read at run time */
	struct task		**included;	/* what they read, for the run */
	size_t			 nincluded;
	int			 any_failed;
	int			 any_unreachable;
	int			 start_at_done;	/* --start-at-task matched */
	int			 step_off;	/* --step answered "continue" */
	int			 step_eof;	/* --step met the input's end */
	/* worker pool */
	pthread_t		*threads;
	size_t			 nthreads;
	pthread_cond_t		 work_cond, done_cond;
	void			(*job)(struct run *, size_t, void *);
	void			*job_arg;
	size_t			 job_next, job_count, job_done;
	int			 stopping;
};

/* The block chain a task runs in: vars, become and other inherited keys. */
struct frame {
	const struct frame	*parent;
	const struct task	*block;		/* NULL at the play level */
	int			 is_handler;
};

/* Per-host variable lookup: what every template of a task sees. */
struct task_scope {
	struct scope		 s;
	struct run		*run;
	struct host_state	*hs;
	struct value		*loop_layer;
	struct value		*result_layer;
	struct value		*frame_vars[16];
};

/* The innermost setting of a task keyword: task, enclosing blocks, play. */
#define INHERIT_BOOL(t, fr, play, field, out) do {			\
	const struct frame *f_;						\
	(out) = NULL;							\
	if ((t)->field.set)						\
		(out) = (t)->field.v;					\
	for (f_ = (fr); (out) == NULL && f_ != NULL; f_ = f_->parent)	\
		if (f_->block != NULL && f_->block->field.set)		\
			(out) = f_->block->field.v;			\
	if ((out) == NULL && (play)->field.set)				\
		(out) = (play)->field.v;				\
} while (0)

#define INHERIT_VALUE(t, fr, play, field, out) do {			\
	const struct frame *f_;						\
	(out) = (t)->field;						\
	for (f_ = (fr); (out) == NULL && f_ != NULL; f_ = f_->parent)	\
		if (f_->block != NULL)					\
			(out) = f_->block->field;			\
	if ((out) == NULL)						\
		(out) = (play)->field;					\
} while (0)

/* executor-scope.c: the bottom layer, it calls nothing above it. */

/* Arguments whose value is this (the "omit" variable) are dropped. */
#define OMIT_TOKEN "__omit_place_holder__cairn"

/*
 * Adds a task's outcome to hs's counters (an ignored failure counts as
 * ok and ignored, and changed too with COUNT_CHANGED), under the run's
 * lock.  how: 0, or COUNT_* bits.
 */
#define COUNT_IGNORED	0x1	/* a failure ignore_errors keeps going */
#define COUNT_CHANGED	0x2	/* ... whose result says "changed" */
void		 executor_count_result(struct run *, struct host_state *,
		    enum out_status, int how);
/*
 * The state of an inventory host; the implicit localhost's is made on
 * first use (delegate_to may ask from several threads).  Borrowed: it
 * lives as long as the run.
 */
struct host_state *executor_state_of(struct run *, struct inv_host *);

/*
 * Sets ts up as the variables a task on hs sees, highest first: extra
 * vars, loop, registered, the task's, its blocks', role vars, play
 * vars_files and vars, inventory vars, role defaults.  fr and t may be
 * NULL.  Borrows everything it is given; release with
 * task_scope_release.
 */
void		 task_scope_init(struct task_scope *, struct run *,
		    struct host_state *, const struct frame *,
		    const struct task *);
void		 task_scope_release(struct task_scope *);
/*
 * A variable, templated, as a malloc'd string; NULL when it is
 * undefined, renders to null or does not render.
 */
char		*task_scope_string(struct task_scope *, const char *name);
/*
 * A keyword value (a boolean or a template) as 0 or 1; def when v is
 * NULL, does not render or is not a boolean.
 */
int		 task_eval_bool(struct task_scope *, struct value *v, int def);
/*
 * A keyword value, templated, as a malloc'd string; NULL when v is NULL
 * or renders to null, v's own text when it does not render.
 */
char		*task_eval_string(struct task_scope *, struct value *v);
/* A new result dict: failed, not changed, msg from fmt. */
struct value	*task_fail_result(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));
/*
 * Evaluates a list of conditions (NULL: none) in ts; *out is 1 when all
 * hold.  0, or -1 with *cause.
 */
int		 task_eval_conditions(struct task_scope *, struct value *conds,
		    int *out, char **cause);
/* Marks every string in v unsafe: data from a host, never a template. */
void		 task_mark_unsafe(struct value *);

/* executor-task.c: calls executor-conn.c and executor-scope.c. */

/*
 * Runs t's module once on ts's host (no loop), with changed_when,
 * failed_when and until/retries.  A new result dict; *unreachable is set
 * when the host could not be reached.
 */
struct value	*task_exec_with_retries(struct task_scope *, const struct task *,
		    const struct frame *, int *unreachable);
/*
 * Runs module task t on hs (conditions, loop and all), reports and counts
 * the result, registers it, notifies handlers, and marks hs failed or
 * unreachable.  shared_result (NULL: none) is a run_once result to report
 * instead of running the module.
 */
void		 task_run_on_host(struct run *, struct host_state *,
		    const struct task *, const struct frame *,
		    struct value *shared_result);

/*
 * What include task t (TASK_INCLUDE) loads on hs, after its conditions
 * and loop: a new list of dicts, one per loop item in order, each with
 * "name" (the templated file or role), "vars" (the loop variables) and
 * "label" (the item as shown, when looping).  A skip or a failure (a
 * condition or a name that does not render) is reported and counted
 * here; the list is then empty.
 */
struct value	*task_include_targets(struct run *, struct host_state *,
		    const struct task *, const struct frame *);

/* executor-conn.c: calls executor-scope.c only. */

struct conn_settings {
	struct conn_opts	 co;
	char			*host, *user, *password, *key, *type, *port;
	char			*key_str, *known_hosts, *ssh_config;
	struct sshargs		*ssh;	/* ansible_ssh_common_args... */
	char			*bad;	/* a setting that cannot be used, or NULL */
};

/*
 * Fills cs for the task's host from its connection variables
 * (ansible_host, ansible_user...), then the keywords of t, its blocks and
 * the play, then the run's options; cs->key_str tells connections apart.
 * Release with conn_settings_release.
 */
void		 executor_conn_settings(struct task_scope *, const struct task *,
		    const struct frame *, struct conn_settings *);
void		 executor_conn_settings_release(struct conn_settings *);
/*
 * Opens (or reuses) hs's own connection for cs into hs->conn; a failed
 * connect is remembered, so a dead host costs one timeout.  0, -1 with
 * *cause (unreachable), or ERR_INVALID with *cause for settings that
 * cannot be used (a port that is not a number): a failure, not
 * unreachable, as in Ansible.
 */
int		 executor_host_connect(struct host_state *, struct conn_settings *,
		    char **cause);

struct become_settings {
	struct become	 b;
	char		*user, *method, *password;
	int		 on;
};

/*
 * Fills bs from the ansible_become* variables, then t's, its blocks' and
 * the play's keywords, then the run's options.  Release with
 * become_settings_release.
 */
void		 executor_become_settings(struct task_scope *, const struct task *,
		    const struct frame *, struct become_settings *);
void		 executor_become_settings_release(struct become_settings *);
/*
 * delegate_to: opens (or reuses) ts's host's connection to the host name,
 * made with that host's connection variables.  *out is borrowed (the
 * delegating host keeps it).  0, or -1 with *cause.
 */
int		 executor_delegate_connect(struct task_scope *, const struct task *,
		    const struct frame *, const char *name, struct conn **out,
		    char **cause);

#endif
