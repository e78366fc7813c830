/*
 * The file-edit algorithms of lineinfile, replace and blockinfile: the
 * input is the file's text, then '\001'-separated regexp, line (or
 * replacement, or block), insertafter and insertbefore.
 */
#include <stdlib.h>
#include <string.h>

#include "files/fileedit.h"
#include "fuzz.h"
#include "util.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct lineinfile_spec	 ls;
	struct blockinfile_spec	 bs;
	struct buf		 out = BUF_INIT;
	const char		*msg;
	char			*s, *f[5], *m = NULL, *cause = NULL;
	size_t			 found, n;
	int			 changed;

	s = fuzz_string(data, len);
	fuzz_fields(s, f, 5);
	n = strlen(f[0]);

	memset(&ls, 0, sizeof ls);
	ls.regexp = *f[1] && n % 7 != 0 ? f[1] : NULL;
	ls.search_string = *f[1] && n % 7 == 0 ? f[1] : NULL;
	ls.line = f[2];
	ls.insertafter = *f[3] ? f[3] : NULL;
	ls.insertbefore = *f[4] ? f[4] : NULL;
	ls.backrefs = n % 2;
	ls.firstmatch = n % 3 == 0;
	(void)fileedit_line_present(f[0], n, &ls, &out, &changed, &msg,
	    &cause);
	free(cause);
	cause = NULL;
	buf_release(&out);
	(void)fileedit_line_absent(f[0], n, &ls, &out, &found, &cause);
	free(cause);
	cause = NULL;
	buf_release(&out);

	(void)fileedit_replace(f[0], n, f[1], f[2], f[3], f[4], &out,
	    &changed, &m, &cause);
	free(m);
	free(cause);
	cause = NULL;
	buf_release(&out);

	memset(&bs, 0, sizeof bs);
	bs.block = f[2];
	bs.marker = *f[1] ? f[1] : "# {mark} ANSIBLE MANAGED BLOCK";
	bs.marker_begin = "BEGIN";
	bs.marker_end = "END";
	bs.insertafter = *f[3] ? f[3] : NULL;
	bs.insertbefore = *f[4] ? f[4] : NULL;
	bs.present = n % 2 == 0;
	(void)fileedit_block(f[0], n, n % 5 != 0, &bs, &out, &changed, &msg,
	    &cause);
	free(cause);
	buf_release(&out);
	free(s);
	return 0;
}
