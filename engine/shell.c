/* POSIX shell quoting and Python-shlex-compatible splitting. */
#include <stdlib.h>
#include <string.h>

#include "shell.h"

void
shell_quote_buf(struct buf *b, const char *s)
{
	const char	*p;

	/*
	 * Inside single quotes every byte is literal except the quote itself,
	 * which has to close the quoting, be escaped, and reopen it.
	 */
	buf_addc(b, '\'');
	for (p = s; *p != '\0'; p++) {
		if (*p == '\'')
			buf_adds(b, "'\\''");
		else
			buf_addc(b, *p);
	}
	buf_addc(b, '\'');
}

char *
shell_quote(const char *s)
{
	struct buf	b = BUF_INIT;

	shell_quote_buf(&b, s);
	return buf_detach(&b, NULL);
}

void
shell_argv_free(char **argv)
{
	char	**ap;

	if (argv == NULL)
		return;
	for (ap = argv; *ap != NULL; ap++)
		free(*ap);
	free(argv);
}

static int
shell_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * shlex.split(s) with posix=True and comments=False: whitespace separates
 * words, '...' is literal, "..." is literal except that a backslash
 * escapes " and \, a backslash outside quotes escapes any character, and
 * quoted parts glue to their neighbours ('' alone is an empty word).
 */
int
shell_split(const char *s, char ***argv, char **cause)
{
	struct buf	  word = BUF_INIT;
	char		**av = NULL;
	size_t		  n = 0;
	int		  in_word = 0;
	const char	 *p = s;

	*argv = NULL;
	for (;;) {
		if (*p == '\0' || shell_is_space(*p)) {
			if (in_word) {
				av = xreallocarray(av, n + 2, sizeof *av);
				av[n++] = buf_detach(&word, NULL);
				in_word = 0;
			}
			if (*p == '\0')
				break;
			p++;
			continue;
		}
		in_word = 1;
		if (*p == '\\') {
			if (p[1] == '\0') {
				*cause = xasprintf("no escaped character after "
				    "the final backslash in '%s'", s);
				goto fail;
			}
			buf_addc(&word, p[1]);
			p += 2;
		} else if (*p == '\'') {
			for (p++; *p != '\''; p++) {
				if (*p == '\0')
					goto unclosed;
				buf_addc(&word, *p);
			}
			p++;
		} else if (*p == '"') {
			for (p++; *p != '"'; p++) {
				if (*p == '\0')
					goto unclosed;
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				buf_addc(&word, *p);
			}
			p++;
		} else
			buf_addc(&word, *p++);
	}
	av = xreallocarray(av, n + 1, sizeof *av);
	av[n] = NULL;
	*argv = av;
	return 0;

unclosed:
	*cause = xasprintf("no closing quotation in '%s'", s);
fail:
	buf_release(&word);
	if (av != NULL) {
		av = xreallocarray(av, n + 1, sizeof *av);
		av[n] = NULL;
	}
	shell_argv_free(av);
	return -1;
}
