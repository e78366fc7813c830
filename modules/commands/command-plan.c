/*
 * The decisions of command and shell, apart from their run so that the
 * unit tests reach them: the cmd reported, the scripts sent, the skip
 * message.  No host access.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command-common.h"

char *
command_skip_msg(const char *creates, int creates_found, const char *removes,
    int removes_found, int check_mode)
{
	const char	*shoulda = check_mode ? "Would" : "Did";

	if (creates != NULL && creates_found)
		return xasprintf("%s not run command since '%s' exists",
		    shoulda, creates);
	if (removes != NULL && !removes_found)
		return xasprintf("%s not run command since '%s' does not "
		    "exist", shoulda, removes);
	return NULL;
}

static int
command_is_name(const char *s, size_t n)
{
	size_t	i;

	if (n == 0 || isdigit((unsigned char)s[0]))
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return 0;
	return 1;
}

static void
command_add_literal(struct buf *b, const char *var, const char *s, size_t n)
{
	char	*t;

	if (n == 0)
		return;
	t = xstrndup(s, n);
	buf_addf(b, "%s=\"$%s\"", var, var);
	shell_quote_buf(b, t);
	buf_addc(b, '\n');
	free(t);
}

void
command_arg_assign(struct buf *b, const char *var, const char *arg)
{
	const char	*p = arg, *lit, *name, *end;
	size_t		 n, ulen;

	buf_addf(b, "%s=\n", var);
	/* expanduser: "~", "~/x" and "~user/x" at the start only. */
	if (p[0] == '~') {
		ulen = strcspn(p + 1, "/");
		if (ulen == 0) {
			buf_addf(b, "%s=\"$HOME\"\n", var);
			p++;
		} else if (strspn(p + 1, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == ulen) {
			/* The shell's own tilde expansion does the lookup. */
			buf_addf(b, "%s=~%.*s\n", var, (int)ulen, p + 1);
			p += 1 + ulen;
		}
	}
	lit = p;
	while (*p != '\0') {
		if (*p != '$') {
			p++;
			continue;
		}
		if (p[1] == '{') {
			name = p + 2;
			if ((end = strchr(name, '}')) == NULL) {
				p++;
				continue;
			}
			n = end - name;
			end++;
		} else {
			name = p + 1;
			for (n = 0; isalnum((unsigned char)name[n]) ||
			    name[n] == '_'; n++)
				;
			end = name + n;
		}
		if (!command_is_name(name, n)) {
			p++;
			continue;
		}
		command_add_literal(b, var, lit, p - lit);
		/* Defined: its value; undefined: the text as written. */
		buf_addf(b, "if [ \"${%.*s+x}\" = x ]; then %s=\"$%s$%.*s\"; "
		    "else %s=\"$%s\"", (int)n, name, var, var, (int)n, name,
		    var, var);
		{
			char *t = xstrndup(p, end - p);

			shell_quote_buf(b, t);
			free(t);
		}
		buf_adds(b, "; fi\n");
		p = end;
		lit = p;
	}
	command_add_literal(b, var, lit, p - lit);
}

/* Adds a glob test that prints tag when pattern matches something. */
static void
command_glob_test(struct buf *s, const char *pattern, const char *tag)
{
	buf_adds(s, "g=");
	host_path_word(s, pattern);
	/* Unquoted $g with IFS empty: pathname expansion, no splitting. */
	buf_addf(s, "\nfor f in $g; do if [ -e \"$f\" ] || [ -L \"$f\" ]; "
	    "then echo %s; break; fi; done\n", tag);
}

void
command_precheck_script(struct buf *s, const char *chdir,
    const char *creates, const char *removes)
{
	buf_adds(s, "IFS=\n");
	if (chdir != NULL) {
		buf_adds(s, "d=");
		host_path_word(s, chdir);
		buf_adds(s, "\nif [ ! -e \"$d\" ]; then echo C2; exit 0; fi\n"
		    "if [ ! -d \"$d\" ]; then echo C20; exit 0; fi\n"
		    "cd -- \"$d\" 2>/dev/null || { echo C13; exit 0; }\n");
	}
	if (creates != NULL)
		command_glob_test(s, creates, "creates");
	if (removes != NULL)
		command_glob_test(s, removes, "removes");
}

/* shell's cmd from argv: the words quoted and joined. */
static struct value *
command_join(const struct value *argv)
{
	struct buf	 j = BUF_INIT;
	char		*a;
	size_t		 i;

	for (i = 0; i < argv->u.list.n; i++) {
		a = value_to_string(argv->u.list.items[i]);
		if (i > 0)
			buf_addc(&j, ' ');
		shell_quote_buf(&j, a);
		free(a);
	}
	return value_str_take(buf_detach(&j, NULL));
}

struct value *
command_cmd(const char *raw, const struct value *argv, int shell,
    char **cause)
{
	struct value	*cmd;
	char		**words = NULL, *t;
	size_t		 i;

	if (raw != NULL) {
		t = xstrdup(raw);
		if (*str_trim(t) == '\0')
			raw = NULL;
		free(t);
	}
	if (argv != NULL && argv->type == V_LIST && argv->u.list.n == 0)
		argv = NULL;
	if (raw != NULL && argv != NULL) {
		*cause = xstrdup("only command or argv can be specified, not "
		    "both");
		return NULL;
	}
	if (raw == NULL && argv == NULL) {
		*cause = xstrdup("no command given");
		return NULL;
	}
	if (shell)
		return raw != NULL ? value_str(raw) : command_join(argv);
	cmd = value_list();
	if (raw != NULL) {
		if (shell_split(raw, &words, cause) != 0) {
			value_unref(cmd);
			return NULL;
		}
		for (i = 0; words[i] != NULL; i++)
			value_list_append(cmd, value_str(words[i]));
		shell_argv_free(words);
	} else {
		for (i = 0; i < argv->u.list.n; i++)
			value_list_append(cmd, value_str_take(
			    value_to_string(argv->u.list.items[i])));
	}
	return cmd;
}

void
command_script(struct buf *s, const struct value *cmd, int shell,
    const char *chdir, const char *exe, int expand)
{
	char	var[32];
	size_t	i;

	if (chdir != NULL) {
		buf_adds(s, "cd -- ");
		host_path_word(s, chdir);
		buf_adds(s, " || exit 1\n");
	}
	if (shell) {
		buf_adds(s, "exec ");
		if (exe != NULL)
			host_path_word(s, exe);
		else
			buf_adds(s, "/bin/sh");
		buf_adds(s, " -c ");
		shell_quote_buf(s, cmd->u.str.s);
		return;
	}
	for (i = 0; i < cmd->u.list.n; i++) {
		snprintf(var, sizeof var, "cairn_a%zu", i);
		if (expand)
			command_arg_assign(s, var, cmd->u.list.items[i]->u.str.s);
		else {
			buf_addf(s, "%s=", var);
			shell_quote_buf(s, cmd->u.list.items[i]->u.str.s);
			buf_addc(s, '\n');
		}
	}
	buf_adds(s, "exec");
	for (i = 0; i < cmd->u.list.n; i++)
		buf_addf(s, " \"$cairn_a%zu\"", i);
}

/* Appends each word of text (split like shlex) quoted; -1 if it fails. */
static int
script_words(struct buf *out, const char *text)
{
	char	**w = NULL, *cause = NULL;

	if (shell_split(text, &w, &cause) != 0) {
		free(cause);
		return -1;
	}
	for (size_t i = 0; w[i] != NULL; i++) {
		if (out->len > 0)
			buf_addc(out, ' ');
		shell_quote_buf(out, w[i]);
	}
	shell_argv_free(w);
	return 0;
}

int
script_interpreter(const char *exe, const char *code, size_t len,
    struct buf *interp, int *binary)
{
	size_t	n, i;
	char	*line, *p, *arg;
	int	r;

	*binary = 0;
	if (exe != NULL && *exe != '\0')
		return script_words(interp, exe);
	if (len >= 2 && code[0] == '#' && code[1] == '!') {
		for (n = 2; n < len && code[n] != '\n'; n++)
			;
		line = xstrndup(code + 2, n - 2);
		p = str_trim(line);
		if (*p == '\0') {
			free(line);
			return -1;
		}
		/* as the kernel: the interpreter, then one argument at most */
		n = strcspn(p, " \t");
		arg = p[n] != '\0' ? str_trim(p + n + 1) : p + n;
		p[n] = '\0';
		shell_quote_buf(interp, p);
		if (*arg != '\0') {
			buf_addc(interp, ' ');
			shell_quote_buf(interp, arg);
		}
		free(line);
		return 0;
	}
	for (i = 0; i < len && i < 4096; i++)
		if (code[i] == '\0')
			*binary = 1;
	if (len >= 4 && memcmp(code, "\177ELF", 4) == 0)
		*binary = 1;
	r = 0;
	if (!*binary)
		buf_adds(interp, "/bin/sh");
	return r;
}

void
script_command(struct buf *s, const char *chdir, const char *interp,
    int binary, size_t len, const char *args)
{
	if (chdir != NULL) {
		buf_adds(s, "cd -- ");
		host_path_word(s, chdir);
		buf_adds(s, " || exit 1\n");
	}
	if (!binary) {
		/*
		 * The code comes on fd 3, the round trip's stdin; the
		 * script's own stdin is /dev/null, so nothing it runs can
		 * read its code.
		 */
		buf_addf(s, "%s /dev/fd/3 %s 3<&0 </dev/null", interp, args);
		return;
	}
	buf_addf(s, "t=$(mktemp) || exit 1\n"
	    "if ! cat >\"$t\" || [ \"$(wc -c <\"$t\")\" -ne %zu ] || "
	    "! chmod 700 \"$t\"; then\n"
	    "\trm -f \"$t\"; echo 'cannot write the script' >&2; exit 1\n"
	    "fi\n"
	    "\"$t\" %s </dev/null; rc=$?; rm -f \"$t\"; exit $rc", len, args);
}
