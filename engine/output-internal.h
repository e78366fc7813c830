/*
 * Between output.c (the terminal) and output-report.c (the reports
 * written at the end of a run: the json callback's document and the junit
 * callback's XML).  output.c calls report_* as the run goes; the report
 * keeps what it needs, with times, and writes at report_recap.
 */
#ifndef CAIRN_OUTPUT_INTERNAL_H
#define CAIRN_OUTPUT_INTERNAL_H

#include "output.h"
#include "util.h"

/* output.c */

/*
 * JSON with sorted keys as Python's json.dumps(sort_keys=True) writes it:
 * indent < 0 on one line (", " and ": "), else a newline and indent
 * spaces per level (indent 0: newlines without indentation).
 */
void	 output_sorted_json(struct buf *, const struct value *, int indent);
/* A result's diff as --diff shows it (prepared text, unified diffs). */
void	 output_format_diffs(struct buf *, struct value *res);
/* What a callback shows of a result: no internals, no diff; new dict. */
struct value *output_shown_result(struct value *res, int no_log);

/* output-report.c */

/*
 * json: the json callback replaces the default output; junit_dir: write
 * the junit report there (NULL: no junit report).
 */
void	 report_init(int json, const char *junit_dir);
int	 report_json(void);		/* 1 in json mode */
void	 report_playbook(const char *path);
void	 report_play(const char *name);
void	 report_play_detail(const char *path);
void	 report_task(const char *name);
void	 report_task_detail(const char *path, const char *action,
	    struct value *args, int no_log);
/* flags: REP_VERBOSE for a result shown whole (debug's), REP_LOOP for a
 * loop's final result. */
#define REP_VERBOSE	0x1
#define REP_LOOP	0x2
#define REP_JSON	0x4	/* inside output-report.c */
void	 report_result(const char *host, enum out_status, struct value *res,
	    int ignored, int no_log, int flags);
void	 report_custom_stats(const char *host, struct value *data);
/* Writes the reports (the json document on stdout). */
void	 report_recap(const char *const *hosts, const struct host_stats *,
	    size_t n);

/* output-md.c: the Markdown review report, fed by output-report.c. */
void	 md_init(const char *file, int check, int diff);
void	 md_playbook(const char *path);
void	 md_task(const char *name);
void	 md_task_path(const char *path);
void	 md_result(const char *host, enum out_status, struct value *res,
	    int ignored, int no_log);
/* Writes it; NULL, or why it could not (malloc'd). */
char	*md_recap(const char *const *hosts, const struct host_stats *,
	    size_t n);

#endif
