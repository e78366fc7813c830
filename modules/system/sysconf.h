/*
 * The pure side of the small system-configuration modules: locale_gen,
 * modprobe and alternatives.  Each function decides from text the module
 * read on the target (a file, a command's output) and never talks to a
 * host, so the decisions are unit-tested (tests/unit/test-<file>.c).
 */
#ifndef CAIRN_SYSCONF_H
#define CAIRN_SYSCONF_H

#include <stddef.h>

#include "util.h"

/* sysconf.c */

/*
 * The next line of text at *pp (advanced past it): its start and length,
 * the newline counted with keep_nl.  0 at the end of the text.
 */
int	 sysconf_line(const char **pp, const char **line, size_t *len,
	    int keep_nl);
/* The next blank-separated word at *pp: start and length, or 0 at the end. */
int	 sysconf_word(const char **pp, const char **word, size_t *len);

/* locale-gen.c */

/*
 * Whether name ("de_CH.UTF-8") is offered by the list text: with
 * supported (Ubuntu's /usr/share/i18n/SUPPORTED) a "NAME CHARSET" line,
 * else (Debian's /etc/locale.gen) the same line commented out or not.
 */
int	 locale_gen_available(const char *text, const char *name,
	    int supported);
/*
 * Whether name is among the lines of "locale -a" output, comparing as
 * community.general does: ".utf8" is ".UTF-8" and so on.
 */
int	 locale_gen_present(const char *locale_a, const char *name);
/*
 * /etc/locale.gen with name's line enabled ("NAME CHARSET") or commented
 * out ("# NAME CHARSET"), every such line, as the module's re.sub does.
 * Returns the new text (malloc'd).
 */
char	*locale_gen_edit(const char *text, const char *name, int enable);
/*
 * Ubuntu's /var/lib/locales/supported.d/local without name's lines
 * (malloc'd).
 */
char	*locale_gen_drop(const char *text, const char *name);

/* modprobe-plan.c */

/*
 * Whether the kernel module name is loaded: a line of /proc/modules
 * (NULL when unreadable) starting with "NAME " ('-' read as '_'), or a
 * line of modules.builtin (NULL when absent) ending in "/NAME.ko".
 */
int	 modprobe_loaded(const char *proc_modules, const char *builtin,
	    const char *name);
/* Whether a modules-load.d file's text lists name (comments allowed). */
int	 modprobe_file_lists(const char *text, const char *name);
/*
 * The "key=value" options a modprobe.d file's text sets for name, added
 * to list (each malloc'd, no repeats).
 */
void	 modprobe_file_params(const char *text, const char *name,
	    char ***list, size_t *n);
/*
 * Whether the options set (list, n) is exactly the words of params, as
 * sets.
 */
int	 modprobe_params_match(char **list, size_t n, const char *params);
/*
 * A file's text with each line that lists name (params 0) or sets an
 * option for it (params 1) commented out with '#'; NULL when no line
 * is.  The lines are joined with '\n' after keeping their own newlines,
 * as community.general writes them (a blank line after each).
 */
char	*modprobe_comment_out(const char *text, const char *name,
	    int params);
/* The modprobe.d file of name's options: "options NAME K=V\n"... */
char	*modprobe_options_text(const char *name, const char *params);

/* alternatives-plan.c */

struct alt_sub {
	char	*name;
	char	*path;
	char	*link;		/* NULL when unknown */
};

struct alt_entry {
	char		*path;
	long long	 priority;
	struct alt_sub	*subs;
	size_t		 nsubs;
};

/* What "update-alternatives --display NAME" says (LC_ALL=C). */
struct alt_state {
	char		*mode;		/* "auto", "manual"; NULL: no group */
	char		*current;	/* link currently points to, or NULL */
	char		*link;		/* the master link, or NULL */
	struct alt_entry *entries;
	size_t		 nentries;
};

/*
 * Parses --display output as community.general does; wanted (nwanted)
 * are the task's subcommands, whose links stand in when the output names
 * none.  An output without a mode line gives an empty state.
 */
void	 alt_parse(const char *display, const struct alt_sub *wanted,
	    size_t nwanted, struct alt_state *);
void	 alt_state_release(struct alt_state *);	/* NULL-safe */
/* The entry for path, or NULL. */
const struct alt_entry *alt_find(const struct alt_state *, const char *path);
/*
 * Whether the alternative must be (re)installed: path is not there, its
 * priority differs from priority (when have_priority), or its
 * subcommands differ from wanted as sets (when have_wanted).
 */
int	 alt_needs_install(const struct alt_state *, const char *path,
	    int have_priority, long long priority, int have_wanted,
	    const struct alt_sub *wanted, size_t nwanted);

#endif
