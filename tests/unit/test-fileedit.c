/*
 * Unit tests of engine/regex.c and modules/files/fileedit.c: Python re semantics
 * and the lineinfile/replace/blockinfile algorithms.  The case tables give
 * (input file, parameters) -> (output, changed, msg) as Ansible's own
 * lineinfile.py, replace.py and blockinfile.py compute them (Python 3.11),
 * so a difference from Ansible fails here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "files/fileedit.h"
#include "regex.h"

struct li_case {
	const char	*name;
	const char	*in;
	const char	*regexp;
	const char	*search_string;
	const char	*line;
	const char	*insertafter;
	const char	*insertbefore;
	int		 backrefs;
	int		 firstmatch;
	int		 absent;
	const char	*out;
	int		 changed;	/* lines found for absent */
	const char	*msg;
};

struct rp_case {
	const char	*name;
	const char	*in;
	const char	*regexp;
	const char	*repl;
	const char	*after;
	const char	*before;
	const char	*out;
	int		 changed;
	const char	*msg;
};

struct bk_case {
	const char	*name;
	const char	*in;
	int		 exists;
	const char	*block;
	const char	*marker;
	const char	*marker_begin;
	const char	*marker_end;
	const char	*insertafter;
	const char	*insertbefore;
	int		 present;
	int		 append_newline;
	int		 prepend_newline;
	const char	*out;
	int		 changed;
	const char	*msg;
};

/* Generated from Ansible's own algorithms (see the comment above). */
static const struct li_case li_cases[] = {
	{ "append to end", "a\nb\n", NULL, NULL, "c", NULL, NULL, 0, 0, 0,
	    "a\nb\nc\n", 1, "line added" },
	{ "already present", "a\nc\nb\n", NULL, NULL, "c", NULL, NULL, 0, 0, 0,
	    "a\nc\nb\n", 0, "" },
	{ "no final newline", "a\nb", NULL, NULL, "c", NULL, NULL, 0, 0, 0,
	    "a\nb\nc\n", 1, "line added" },
	{ "empty file", "", NULL, NULL, "c", NULL, NULL, 0, 0, 0,
	    "c\n", 1, "line added" },
	{ "crlf file append", "a\r\nb\r\n", NULL, NULL, "c", NULL, NULL, 0, 0, 0,
	    "a\r\nb\r\nc\n", 1, "line added" },
	{ "crlf exact line kept", "a\r\nc\r\n", NULL, NULL, "c", NULL, NULL, 0, 0, 0,
	    "a\r\nc\n", 1, "line replaced" },
	{ "crlf regexp rewrites ending", "a\r\nc\r\n", "^c", NULL, "c", NULL, NULL, 0, 0, 0,
	    "a\r\nc\n", 1, "line replaced" },
	{ "regexp replaces last match", "x=1\ny\nx=2\n", "^x=", NULL, "x=3", NULL, NULL, 0, 0, 0,
	    "x=1\ny\nx=3\n", 1, "line replaced" },
	{ "regexp firstmatch", "x=1\ny\nx=2\n", "^x=", NULL, "x=3", NULL, NULL, 0, 1, 0,
	    "x=3\ny\nx=2\n", 1, "line replaced" },
	{ "regexp same line", "x=3\n", "^x=", NULL, "x=3", NULL, NULL, 0, 0, 0,
	    "x=3\n", 0, "" },
	{ "regexp no match appends", "a\n", "^x=", NULL, "x=3", NULL, NULL, 0, 0, 0,
	    "a\nx=3\n", 1, "line added" },
	{ "sshd PermitRootLogin", "#Port 22\nPermitRootLogin yes\n#PasswordAuthentication yes\nUsePAM yes\n", "^#?PermitRootLogin", NULL, "PermitRootLogin no", NULL, NULL, 0, 0, 0,
	    "#Port 22\nPermitRootLogin no\n#PasswordAuthentication yes\nUsePAM yes\n", 1, "line replaced" },
	{ "sshd PasswordAuthentication", "#Port 22\nPermitRootLogin yes\n#PasswordAuthentication yes\nUsePAM yes\n", "^#?PasswordAuthentication", NULL, "PasswordAuthentication no", NULL, NULL, 0, 0, 0,
	    "#Port 22\nPermitRootLogin yes\nPasswordAuthentication no\nUsePAM yes\n", 1, "line replaced" },
	{ "backrefs expand", "host=old\n", "^(host=).*", NULL, "\\g<1>new", NULL, NULL, 1, 0, 0,
	    "host=new\n", 1, "line replaced" },
	{ "backrefs numeric", "a b\n", "^(\\w+) (\\w+)$", NULL, "\\2 \\1", NULL, NULL, 1, 0, 0,
	    "b a\n", 1, "line replaced" },
	{ "backrefs named", "port = 80\n", "^(?P<k>port) = \\d+", NULL, "\\g<k> = 8080", NULL, NULL, 1, 0, 0,
	    "port = 8080\n", 1, "line replaced" },
	{ "backrefs no match nothing", "a\n", "^(x)", NULL, "\\1y", NULL, NULL, 1, 0, 0,
	    "a\n", 0, "" },
	{ "search_string replaces", "foo.bar=1\nz\n", NULL, "foo.bar", "foo.bar=2", NULL, NULL, 0, 0, 0,
	    "foo.bar=2\nz\n", 1, "line replaced" },
	{ "search_string no match appends", "z\n", NULL, "foo.bar", "foo.bar=2", NULL, NULL, 0, 0, 0,
	    "z\nfoo.bar=2\n", 1, "line added" },
	{ "insertafter regex", "[a]\nk=1\n[b]\nk=2\n", NULL, NULL, "new=1", "^\\[a\\]", NULL, 0, 0, 0,
	    "[a]\nnew=1\nk=1\n[b]\nk=2\n", 1, "line added" },
	{ "insertafter regex last", "[a]\nk=1\n[a]\n", NULL, NULL, "new=1", "^\\[a\\]", NULL, 0, 0, 0,
	    "[a]\nk=1\n[a]\nnew=1\n", 1, "line added" },
	{ "insertafter regex firstmatch", "[a]\nk=1\n[a]\n", NULL, NULL, "new=1", "^\\[a\\]", NULL, 0, 1, 0,
	    "[a]\nnew=1\nk=1\n[a]\n", 1, "line added" },
	{ "insertafter at end no newline", "a\n[a]", NULL, NULL, "new=1", "^\\[a\\]", NULL, 0, 0, 0,
	    "a\n[a]new=1\n", 1, "line added" },
	{ "insertafter already after", "[a]\nnew=1\n", NULL, NULL, "new=1", "^\\[a\\]", NULL, 0, 0, 0,
	    "[a]\nnew=1\n", 0, "" },
	{ "insertafter no match appends", "a\n", NULL, NULL, "new=1", "^\\[z\\]", NULL, 0, 0, 0,
	    "a\nnew=1\n", 1, "line added" },
	{ "insertafter BOF", "a\n", NULL, NULL, "top", "BOF", NULL, 0, 0, 0,
	    "top\na\n", 1, "line added" },
	{ "insertbefore BOF", "a\nb\n", NULL, NULL, "top", NULL, "BOF", 0, 0, 0,
	    "top\na\nb\n", 1, "line added" },
	{ "insertbefore BOF present", "a\ntop\n", NULL, NULL, "top", NULL, "BOF", 0, 0, 0,
	    "a\ntop\n", 0, "" },
	{ "insertbefore regex", "a\nb\nc\n", NULL, NULL, "x", NULL, "^b", 0, 0, 0,
	    "a\nx\nb\nc\n", 1, "line added" },
	{ "insertbefore regex last match", "b\nb\n", NULL, NULL, "x", NULL, "^b", 0, 0, 0,
	    "b\nx\nb\n", 1, "line added" },
	{ "insertbefore regex firstmatch", "b\nb\n", NULL, NULL, "x", NULL, "^b", 0, 1, 0,
	    "x\nb\nb\n", 1, "line added" },
	{ "insertbefore no match appends", "a", NULL, NULL, "x", NULL, "^q", 0, 0, 0,
	    "a\nx\n", 1, "line added" },
	{ "regexp with insertbefore matched regexp wins", "a\nx=1\n", "^x=", NULL, "x=2", NULL, "^a", 0, 0, 0,
	    "a\nx=2\n", 1, "line replaced" },
	{ "regexp Z end", "ab\n", "b\\Z", NULL, "q", NULL, NULL, 0, 0, 0,
	    "ab\nq\n", 1, "line added" },
	{ "regexp dollar", "ab\n", "b$", NULL, "q", NULL, NULL, 0, 0, 0,
	    "q\n", 1, "line replaced" },
	{ "lone cr last line", "a\r", NULL, NULL, "c", NULL, NULL, 0, 0, 0,
	    "a\rc\n", 1, "line added" },
	{ "absent line", "a\nb\na\n", NULL, NULL, "a", NULL, NULL, 0, 0, 1,
	    "b\n", 2, "2 line(s) removed" },
	{ "absent regexp", "x=1\ny\nx=2", "^x=", NULL, NULL, NULL, NULL, 0, 0, 1,
	    "y\n", 2, "2 line(s) removed" },
	{ "absent search_string", "foo\nbar\n", NULL, "oo", NULL, NULL, NULL, 0, 0, 1,
	    "bar\n", 1, "1 line(s) removed" },
	{ "absent nothing", "a\n", NULL, NULL, "z", NULL, NULL, 0, 0, 1,
	    "a\n", 0, "" },
	{ "absent crlf line", "a\r\nb\r\n", NULL, NULL, "a", NULL, NULL, 0, 0, 1,
	    "b\r\n", 1, "1 line(s) removed" },
};
static const struct rp_case rp_cases[] = {
	{ "simple", "a1 b2 c3\n", "\\d", "#", NULL, NULL,
	    "a# b# c#\n", 1, "3 replacements made" },
	{ "backrefs", "localhost x\n", "\\b(localhost)(\\d*)\\b", "\\1\\2.localdomain\\2 \\1\\2", NULL, NULL,
	    "localhost.localdomain localhost x\n", 1, "1 replacements made" },
	{ "multiline anchors", "x=1\ny=2\nx=3\n", "^x=(\\d)$", "x=\\g<1>0", NULL, NULL,
	    "x=10\ny=2\nx=30\n", 1, "2 replacements made" },
	{ "named", "ListenAddress 1.2.3.4\n", "^(?P<dctv>ListenAddress[ ]+)(?P<host>[^\\n]+)$", "#\\g<dctv>\\g<host>\\n\\g<dctv>0.0.0.0", NULL, NULL,
	    "#ListenAddress 1.2.3.4\nListenAddress 0.0.0.0\n", 1, "1 replacements made" },
	{ "no match", "abc\n", "zzz", "y", NULL, NULL,
	    "abc\n", 0, "" },
	{ "same text", "abc\n", "b", "b", NULL, NULL,
	    "abc\n", 0, "" },
	{ "empty matches", "abxd", "x*", "-", NULL, NULL,
	    "-a-b--d-", 1, "5 replacements made" },
	{ "after", "a=1\n[s]\na=1\n", "a=1", "a=2", "\\[s\\]", NULL,
	    "a=1\n[s]\na=2\n", 1, "1 replacements made" },
	{ "before", "a=1\n[s]\na=1\n", "a=1", "a=2", NULL, "\\[s\\]",
	    "a=2\n[s]\na=1\n", 1, "1 replacements made" },
	{ "after and before", "x\n<v>\nx\n</v>\nx\n", "^x$", "y", "<v>", "</v>",
	    "x\n<v>\ny\n</v>\nx\n", 1, "1 replacements made" },
	{ "after no match", "abc\n", "b", "c", "zzz", NULL,
	    "abc\n", 0, "Pattern for before/after params did not match the given file: zzz(?P<subsection>.*)" },
	{ "caret in section", "a\nb\n", "^", "> ", "a", NULL,
	    "a> \n> b\n> ", 1, "3 replacements made" },
	{ "delete lines", "keep\n# c1\nkeep\n# c2\n", "^#.*\\n", "", NULL, NULL,
	    "keep\nkeep\n", 1, "2 replacements made" },
	{ "unicode word", "café ok\n", "\\w+", "W", NULL, NULL,
	    "W W\n", 1, "2 replacements made" },
	{ "crlf dollar", "a\r\nb\r\n", "a$", "z", NULL, NULL,
	    "a\r\nb\r\n", 0, "" },
	{ "Z anchor", "ab\n", "b\\Z", "z", NULL, NULL,
	    "ab\n", 0, "" },
	{ "Z at end", "ab", "b\\Z", "z", NULL, NULL,
	    "az", 1, "1 replacements made" },
	{ "brace quantifier", "aaab\n", "a{,2}b", "X", NULL, NULL,
	    "aX\n", 1, "1 replacements made" },
	{ "escapes in repl", "a\n", "a", "\\t\\\\", NULL, NULL,
	    "\t\\\n", 1, "1 replacements made" },
};
static const struct bk_case bk_cases[] = {
	{ "insert at eof", "a\nb\n", 1, "x\ny", "# {mark} ANSIBLE MANAGED BLOCK", "BEGIN", "END", NULL, NULL, 1, 0, 0,
	    "a\nb\n# BEGIN ANSIBLE MANAGED BLOCK\nx\ny\n# END ANSIBLE MANAGED BLOCK\n", 1, "Block inserted" },
	{ "insert no final newline", "a", 1, "x", "# {mark} ANSIBLE MANAGED BLOCK", "BEGIN", "END", NULL, NULL, 1, 0, 0,
	    "a\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n", 1, "Block inserted" },
	{ "already there", "a\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n", 1, "x", "# {mark} ANSIBLE MANAGED BLOCK", "BEGIN", "END", NULL, NULL, 1, 0, 0,
	    "a\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n", 0, "" },
	{ "update block", "a\n# BEGIN ANSIBLE MANAGED BLOCK\nold\n# END ANSIBLE MANAGED BLOCK\nz\n", 1, "new1\nnew2\n", "# {mark} ANSIBLE MANAGED BLOCK", "BEGIN", "END", NULL, NULL, 1, 0, 0,
	    "a\n# BEGIN ANSIBLE MANAGED BLOCK\nnew1\nnew2\n# END ANSIBLE MANAGED BLOCK\nz\n", 1, "Block inserted" },
	{ "remove block state", "a\n# BEGIN ANSIBLE MANAGED BLOCK\nold\n# END ANSIBLE MANAGED BLOCK\nz\n", 1, "", "# {mark} ANSIBLE MANAGED BLOCK", "BEGIN", "END", NULL, NULL, 0, 0, 0,
	    "a\nz\n", 1, "Block removed" },
	{ "remove block empty", "a\n# BEGIN ANSIBLE MANAGED BLOCK\nold\n# END ANSIBLE MANAGED BLOCK\nz\n", 1, "", "# {mark} ANSIBLE MANAGED BLOCK", "BEGIN", "END", NULL, NULL, 1, 0, 0,
	    "a\nz\n", 1, "Block removed" },
	{ "absent no block", "a\n", 1, "", "# {mark} ANSIBLE MANAGED BLOCK", "BEGIN", "END", NULL, NULL, 0, 0, 0,
	    "a\n", 0, "" },
	{ "insertbefore BOF", "a\n", 1, "x", "# {mark} ANSIBLE MANAGED BLOCK", "BEGIN", "END", NULL, "BOF", 1, 0, 0,
	    "# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\na\n", 1, "Block inserted" },
	{ "insertafter regex", "a\nb\nc\n", 1, "x", "# {mark} ANSIBLE MANAGED BLOCK", "BEGIN", "END", "^b", NULL, 1, 0, 0,
	    "a\nb\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\nc\n", 1, "Block inserted" },
	{ "insertbefore regex", "a\nb\nc\n", 1, "x", "# {mark} ANSIBLE MANAGED BLOCK", "BEGIN", "END", NULL, "^b", 1, 0, 0,
	    "a\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\nb\nc\n", 1, "Block inserted" },
	{ "insertafter no match", "a\n", 1, "x", "# {mark} ANSIBLE MANAGED BLOCK", "BEGIN", "END", "^q", NULL, 1, 0, 0,
	    "a\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n", 1, "Block inserted" },
	{ "custom marker", "<p>\n", 1, "x", "<!-- {mark} cairn -->", "start", "stop", NULL, NULL, 1, 0, 0,
	    "<p>\n<!-- start cairn -->\nx\n<!-- stop cairn -->\n", 1, "Block inserted" },
	{ "file created", "", 0, "x", "# {mark} ANSIBLE MANAGED BLOCK", "BEGIN", "END", NULL, NULL, 1, 0, 0,
	    "# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n", 1, "File created" },
	{ "created empty", "", 0, "", "# {mark} ANSIBLE MANAGED BLOCK", "BEGIN", "END", NULL, NULL, 1, 0, 0,
	    "", 1, "File created" },
	{ "reversed markers", "# END ANSIBLE MANAGED BLOCK\nq\n# BEGIN ANSIBLE MANAGED BLOCK\n", 1, "x", "# {mark} ANSIBLE MANAGED BLOCK", "BEGIN", "END", NULL, NULL, 1, 0, 0,
	    "# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n", 1, "Block inserted" },
	{ "crlf markers not matched", "a\r\n# BEGIN ANSIBLE MANAGED BLOCK\r\nx\r\n# END ANSIBLE MANAGED BLOCK\r\n", 1, "x", "# {mark} ANSIBLE MANAGED BLOCK", "BEGIN", "END", NULL, NULL, 1, 0, 0,
	    "a\r\n# BEGIN ANSIBLE MANAGED BLOCK\r\nx\r\n# END ANSIBLE MANAGED BLOCK\r\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n", 1, "Block inserted" },
	{ "multiline insertafter", "L =\n  (S =\nz\n", 1, "x", "# {mark} ANSIBLE MANAGED BLOCK", "BEGIN", "END", "(?m)L =\\n.*\\(S =", NULL, 1, 0, 0,
	    "L =\n  (S =\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\nz\n", 1, "Block inserted" },
	{ "prepend newline", "a\nb\n", 1, "x", "# {mark} ANSIBLE MANAGED BLOCK", "BEGIN", "END", "^a", NULL, 1, 1, 1,
	    "a\n\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n\nb\n", 1, "Block inserted" },
	{ "append newline at eof", "a\n", 1, "x", "# {mark} ANSIBLE MANAGED BLOCK", "BEGIN", "END", NULL, NULL, 1, 1, 0,
	    "a\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n", 1, "Block inserted" },
};

static void
test_lineinfile_cases(void **state)
{
	const struct li_case	*c;
	struct lineinfile_spec	 sp;
	struct buf		 out;
	const char		*msg;
	char			*cause = NULL, *m;
	size_t			 i, found;
	int			 changed;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(li_cases); i++) {
		c = &li_cases[i];
		memset(&sp, 0, sizeof sp);
		sp.regexp = c->regexp;
		sp.search_string = c->search_string;
		sp.line = c->line;
		sp.insertafter = c->insertafter;
		sp.insertbefore = c->insertbefore;
		sp.backrefs = c->backrefs;
		sp.firstmatch = c->firstmatch;
		memset(&out, 0, sizeof out);
		if (c->absent) {
			if (fileedit_line_absent(c->in, strlen(c->in), &sp,
			    &out, &found, &cause) != 0)
				fail_msg("%s: %s", c->name, cause);
			changed = (int)found;
			m = found > 0 ? xasprintf("%zu line(s) removed", found) :
			    xstrdup("");
		} else {
			if (fileedit_line_present(c->in, strlen(c->in), &sp,
			    &out, &changed, &msg, &cause) != 0)
				fail_msg("%s: %s", c->name, cause);
			m = xstrdup(msg);
		}
		if (strcmp(buf_cstr(&out), c->out) != 0 ||
		    changed != c->changed || strcmp(m, c->msg) != 0)
			fail_msg("lineinfile case '%s': got [%s] %d '%s'",
			    c->name, buf_cstr(&out), changed, m);
		free(m);
		buf_release(&out);
	}
}

static void
test_replace_cases(void **state)
{
	const struct rp_case	*c;
	struct buf		 out;
	char			*cause = NULL, *msg;
	size_t			 i;
	int			 changed;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(rp_cases); i++) {
		c = &rp_cases[i];
		memset(&out, 0, sizeof out);
		if (fileedit_replace(c->in, strlen(c->in), c->regexp, c->repl,
		    c->after, c->before, &out, &changed, &msg, &cause) != 0)
			fail_msg("%s: %s", c->name, cause);
		if (strcmp(buf_cstr(&out), c->out) != 0 ||
		    changed != c->changed || strcmp(msg, c->msg) != 0)
			fail_msg("replace case '%s': got [%s] %d '%s'",
			    c->name, buf_cstr(&out), changed, msg);
		free(msg);
		buf_release(&out);
	}
}

/*
 * A top-level | in after: the section group takes no part in the match.
 * Ansible's replace fails (TypeError); cairn fails the task, and never
 * reads an unset group's offsets.
 */
static void
test_replace_unset_section(void **state)
{
	struct buf	 out = BUF_INIT;
	char		*cause = NULL, *msg = NULL;
	int		 changed = 0;

	(void)state;
	assert_int_equal(fileedit_replace("abc", 3, "^", "x", "a|", NULL,
	    &out, &changed, &msg, &cause), -1);
	assert_non_null(strstr(cause, "without its section"));
	free(cause);
	cause = NULL;
	assert_int_equal(fileedit_replace("abc", 3, "^", "x", NULL, "x|",
	    &out, &changed, &msg, &cause), -1);
	free(cause);
	free(msg);
	buf_release(&out);
}

static void
test_blockinfile_cases(void **state)
{
	const struct bk_case	*c;
	struct blockinfile_spec	 sp;
	struct buf		 out;
	const char		*msg;
	char			*cause = NULL;
	size_t			 i;
	int			 changed;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bk_cases); i++) {
		c = &bk_cases[i];
		memset(&sp, 0, sizeof sp);
		sp.block = c->block;
		sp.marker = c->marker;
		sp.marker_begin = c->marker_begin;
		sp.marker_end = c->marker_end;
		sp.insertafter = c->insertafter;
		sp.insertbefore = c->insertbefore;
		sp.present = c->present;
		sp.append_newline = c->append_newline;
		sp.prepend_newline = c->prepend_newline;
		memset(&out, 0, sizeof out);
		if (fileedit_block(c->in, strlen(c->in), c->exists, &sp, &out,
		    &changed, &msg, &cause) != 0)
			fail_msg("%s: %s", c->name, cause);
		if (strcmp(buf_cstr(&out), c->out) != 0 ||
		    changed != c->changed || strcmp(msg, c->msg) != 0)
			fail_msg("blockinfile case '%s': got [%s] %d '%s'",
			    c->name, buf_cstr(&out), changed, msg);
		buf_release(&out);
	}
}

/* regex.c */

static char *
subn(const char *pat, int flags, const char *s, const char *repl,
    size_t *count)
{
	struct regex	*re;
	struct buf	 out = BUF_INIT;
	char		*cause = NULL;

	if ((re = regex_compile(pat, flags, &cause)) == NULL)
		fail_msg("compile '%s': %s", pat, cause);
	if (regex_subn(re, s, strlen(s), repl, 0, &out, count, &cause) != 0) {
		regex_free(re);
		buf_release(&out);
		return cause;
	}
	regex_free(re);
	buf_cstr(&out);
	return buf_detach(&out, NULL);
}

static void
test_regex_python_syntax(void **state)
{
	size_t	 n;
	char	*s;

	(void)state;
	/* re.sub('x*', '-', 'abxd') == '-a-b--d-' (Python 3.7+). */
	s = subn("x*", 0, "abxd", "-", &n);
	assert_string_equal(s, "-a-b--d-");
	assert_int_equal(n, 5);
	free(s);
	/* \Z is the very end; $ also matches before a final newline. */
	s = subn("b\\Z", 0, "b\n", "X", &n);
	assert_string_equal(s, "b\n");
	assert_int_equal(n, 0);
	free(s);
	s = subn("b$", 0, "b\n", "X", &n);
	assert_string_equal(s, "X\n");
	free(s);
	/* {,2} is {0,2}, \u00e9 a code point in str patterns. */
	s = subn("a{,2}b", 0, "aaab", "X", &n);
	assert_string_equal(s, "aX");
	free(s);
	s = subn("caf\\u00e9", REGEX_UNICODE, "caf\xc3\xa9!", "ok", &n);
	assert_string_equal(s, "ok!");
	free(s);
	/* Named groups, \g<name>, \g<0>, two-digit and octal escapes. */
	s = subn("(?P<k>\\w+)=(\\d+)", 0, "a=1", "\\g<2>:\\g<k>|\\g<0>|\\101",
	    &n);
	assert_string_equal(s, "1:a|a=1|A");
	free(s);
	/* An unmatched group is empty. */
	s = subn("(a)|(b)", 0, "b", "[\\1\\2]", &n);
	assert_string_equal(s, "[b]");
	free(s);
	/* UCP: \w matches e-acute in str patterns, not in bytes ones. */
	s = subn("\\w+", REGEX_UNICODE, "caf\xc3\xa9", "W", &n);
	assert_string_equal(s, "W");
	free(s);
	s = subn("\\w+", 0, "caf\xc3\xa9", "W", &n);
	assert_string_equal(s, "W\xc3\xa9");
	free(s);
	/* MULTILINE ^ and $. */
	s = subn("^x$", REGEX_MULTILINE, "x\ny\nx", "z", &n);
	assert_string_equal(s, "z\ny\nz");
	assert_int_equal(n, 2);
	free(s);
}

static void
test_regex_errors(void **state)
{
	char	*cause = NULL, *s;
	size_t	 n;

	(void)state;
	assert_null(regex_compile("(a", 0, &cause));
	assert_non_null(strstr(cause, "bad regular expression '(a'"));
	free(cause);
	/* Python checks the template even without a match. */
	s = subn("a", 0, "zzz", "\\2", &n);
	assert_string_equal(s, "invalid group reference 2");
	free(s);
	s = subn("a", 0, "a", "\\q", &n);
	assert_string_equal(s, "bad escape \\q");
	free(s);
	s = subn("a", 0, "a", "\\g<nope>", &n);
	assert_string_equal(s, "unknown group name 'nope'");
	free(s);
	assert_int_equal(regex_inline_flag("(?m)x", 'm'), 1);
	assert_int_equal(regex_inline_flag("(?is)x", 'm'), 0);
	assert_int_equal(regex_inline_flag("(?:m)", 'm'), 0);
	assert_int_equal(regex_inline_flag("m", 'm'), 0);
}

static void
test_fileedit_bad_regex(void **state)
{
	struct lineinfile_spec	 sp;
	struct buf		 out = BUF_INIT;
	const char		*msg;
	char			*cause = NULL;
	int			 changed;

	(void)state;
	memset(&sp, 0, sizeof sp);
	sp.regexp = "([";
	sp.line = "x";
	assert_int_equal(fileedit_line_present("a\n", 2, &sp, &out, &changed,
	    &msg, &cause), -1);
	assert_non_null(strstr(cause, "bad regular expression"));
	free(cause);
	buf_release(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lineinfile_cases),
		cmocka_unit_test(test_replace_cases),
		cmocka_unit_test(test_replace_unset_section),
		cmocka_unit_test(test_blockinfile_cases),
		cmocka_unit_test(test_regex_python_syntax),
		cmocka_unit_test(test_regex_errors),
		cmocka_unit_test(test_fileedit_bad_regex),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
