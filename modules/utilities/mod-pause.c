/*
 * pause: waits seconds or minutes, or for a line typed at the terminal.
 * Without a terminal a prompt is not waited for, as Ansible under no tty
 * (a warning says so); a timed pause still waits.  Once for the play's
 * hosts, as Ansible's bypass_host_loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "module.h"

static const char *const pause_aliases[] = {
	"ansible.builtin.pause", "ansible.legacy.pause", NULL
};

static const struct mod_param pause_params[] = {
	{ "seconds", P_RAW, 0, NULL, NULL, NULL },
	{ "minutes", P_RAW, 0, NULL, NULL, NULL },
	{ "prompt", P_STR, 0, NULL, NULL, NULL },
	{ "echo", P_BOOL, 0, "yes", NULL, NULL },
	{ NULL }
};

/* Python's int() of a parameter: 5, "5", 2.5 (the int callable). */
static int
pause_int(const struct value *v, long long *out)
{
	char	*end;

	if (v->type == V_INT)
		*out = v->u.i;
	else if (v->type == V_FLOAT)
		*out = (long long)v->u.f;
	else if (v->type == V_STR) {
		*out = strtoll(v->u.str.s, &end, 10);
		if (end == v->u.str.s || *end != '\0')
			return -1;
	} else
		return -1;
	return 0;
}

static char *
pause_now(void)
{
	struct timeval	tv;
	struct tm	tm;
	char		s[32];

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	strftime(s, sizeof s, "%Y-%m-%d %H:%M:%S", &tm);
	return xasprintf("%s.%06ld", s, (long)tv.tv_usec);
}

/* Python's str(round(x, 2)): "1.0", "1.5", "0.02". */
static char *
pause_duration_text(double x)
{
	char	s[64];
	size_t	n;

	snprintf(s, sizeof s, "%.2f", x);
	n = strlen(s);
	while (n > 0 && s[n - 1] == '0' && s[n - 2] != '.')
		s[--n] = '\0';
	return xstrdup(s);
}

static double
pause_elapsed(const struct timespec *t0)
{
	struct timespec	t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/*
 * A line from the terminal, echoed or not, until seconds (0: no limit)
 * have passed.
 */
static char *
pause_read_tty(int fd, const char *prompt, int echo, long long seconds)
{
	struct termios	 old, raw;
	struct buf	 b = BUF_INIT;
	struct timespec	 t0;
	int		 restore = 0;
	char		 c;

	(void)!write(fd, prompt, strlen(prompt));
	if (!echo && tcgetattr(fd, &old) == 0) {
		raw = old;
		raw.c_lflag &= ~(tcflag_t)ECHO;
		restore = tcsetattr(fd, TCSANOW, &raw) == 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		fd_set	fds;
		struct timeval tv = { 1, 0 };

		if (seconds > 0 && pause_elapsed(&t0) >= (double)seconds)
			break;
		FD_ZERO(&fds);
		FD_SET(fd, &fds);
		if (select(fd + 1, &fds, NULL, NULL, &tv) <= 0)
			continue;
		if (read(fd, &c, 1) != 1 || c == '\n' || c == '\r')
			break;
		buf_addc(&b, c);
	}
	if (restore)
		tcsetattr(fd, TCSANOW, &old);
	(void)!write(fd, "\n", 1);
	return buf_detach(&b, NULL);
}

static enum mod_status
pause_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	struct value	*sv = args_get(args, "seconds");
	struct value	*mv = args_get(args, "minutes");
	const char	*prompt = args_str(args, "prompt");
	int		 echo = args_bool(args, "echo", 1), fd;
	long long	 seconds = -1;
	int		 minutes = 0;
	struct timespec	 t0;
	double		 d;
	char		*input = NULL, *text, *ptext;

	if (sv != NULL && mv != NULL)
		return result_fail(r, "parameters are mutually exclusive: "
		    "minutes|seconds");
	if (mv != NULL) {
		if (pause_int(mv, &seconds) != 0)
			return result_fail(r, "argument 'minutes' is of type "
			    "<class 'str'> and we were unable to convert to "
			    "int");
		seconds *= 60;
		minutes = 1;
	} else if (sv != NULL && pause_int(sv, &seconds) != 0)
		return result_fail(r, "argument 'seconds' is of type <class "
		    "'str'> and we were unable to convert to int");
	if (seconds >= 0 && seconds < 1)
		seconds = 1;
	/* Ansible counts a pause without a duration in minutes */
	if (seconds < 0)
		minutes = 1;
	result_setbool(r, "changed", 0);
	result_setint(r, "rc", 0);
	result_setstr(r, "stderr", "");
	result_setbool(r, "echo", echo);
	result_set(r, "start", value_str_take(pause_now()));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd != -1 && (!isatty(STDIN_FILENO) || (seconds >= 0 &&
	    prompt == NULL))) {
		/* not interactive, or nothing to type: as without a tty */
		close(fd);
		fd = -1;
	}
	if (fd != -1) {
		ptext = xasprintf("%s%s: ", prompt != NULL ? prompt :
		    "Press enter to continue, Ctrl+C to interrupt",
		    echo ? "" : " (output is hidden)");
		input = pause_read_tty(fd, ptext, echo,
		    seconds >= 0 ? seconds : 0);
		free(ptext);
		close(fd);
	} else if (seconds >= 0) {
		while (!ctx_interrupted(ctx) && pause_elapsed(&t0) <
		    (double)seconds) {
			struct timespec ts = { 0, 200000000 };

			nanosleep(&ts, NULL);
		}
	} else
		result_warn(r, "Not waiting for response to prompt as stdin "
		    "is not interactive");
	d = pause_elapsed(&t0);
	result_set(r, "stop", value_str_take(pause_now()));
	result_setint(r, "delta", (long long)d);
	text = pause_duration_text(minutes ? d / 60.0 : d);
	result_set(r, "stdout", value_strf("Paused for %s %s", text,
	    minutes ? "minutes" : "seconds"));
	free(text);
	result_set(r, "user_input", value_str_take(input != NULL ? input :
	    xstrdup("")));
	return MOD_OK;
}

const struct module_entry module_pause = {
	.name = "pause",
	.aliases = pause_aliases,
	.params = pause_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_LOCAL | MOD_ONCE,
	.run = pause_run,
};
