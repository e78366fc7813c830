/*
 * Terminal output in ansible-playbook's default format (PLAY/TASK headers,
 * one line per host result, PLAY RECAP), colour only on a terminal.  The
 * only place besides cli.c that writes to the terminal.  Thread safe.
 */
#ifndef CAIRN_OUTPUT_H
#define CAIRN_OUTPUT_H

#include "value.h"

enum out_status {
	OUT_OK,
	OUT_CHANGED,
	OUT_FAILED,
	OUT_SKIPPED,
	OUT_UNREACHABLE,
};

struct host_stats {
	int	ok, changed, unreachable, failed, skipped, rescued, ignored;
};

/*
 * junit_dir: write a junit report there at the recap (NULL: none); style:
 * the stdout callback's name (NULL or "default", "minimal", "oneline").
 */
void	 output_init(int verbosity, int diff, int json, const char *junit_dir,
	    const char *style);
void	 output_play(const char *name);
/* A header line of its own ("NO MORE HOSTS LEFT"). */
void	 output_banner(const char *text);
void	 output_task(const char *kind, const char *name);
/*
 * For the json and junit reports: the playbook run (before its first
 * play), and where the play or task just announced comes from
 * ("/abs/site.yml:12"), with the task's module, raw arguments and no_log.
 */
void	 output_playbook(const char *path, size_t nplays);
/*
 * The config's display_skipped_hosts and display_ok_hosts (0 hides those
 * result lines), nocolor and force_color.
 */
void	 output_display(int skipped, int ok, int nocolor, int force_color);
/* --report-md FILE: a Markdown review report written at the recap. */
void	 output_report_md(const char *file, int check, int diff);
void	 output_play_detail(const char *path);
void	 output_task_detail(const char *path, const char *action,
	    struct value *args, int no_log);
/* set_stats data (host NULL: global), the json callback's custom_stats. */
void	 output_custom_stats(const char *host, struct value *data);
/*
 * One host's result.  item is the loop item's label or NULL; ignored
 * appends "...ignoring"; delegated names the delegate host or NULL.
 */
void	 output_result(const char *host, const char *delegated,
	    enum out_status, struct value *result, const char *item,
	    int ignored, int no_log, int is_debug);
/* The final result of a loop task (its items were shown one by one). */
void	 output_loop_result(const char *host, enum out_status,
	    struct value *res, int ignored, int no_log, int is_debug);
void	 output_recap(const char *const *hosts, const struct host_stats *,
	    size_t n);
void	 output_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A play whose pattern matched no host: "skipping: no hosts matched". */
void	 output_no_hosts(void);
void	 output_warning(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
void	 output_error(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
/* Ansible's other error form, " [ERROR]: ..." (an interrupted run). */
void	 output_display_error(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
/* A unified diff of two texts, for --diff. */
void	 output_text_diff(struct buf *, const char *before_name,
	    const char *before, const char *after_name, const char *after);

#endif
