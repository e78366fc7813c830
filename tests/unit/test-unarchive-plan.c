/* Unit tests of modules/files/unarchive-plan.c: unarchive's decisions. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "module.h"
#include "files/unarchive-plan.h"

static void
test_unarchive_cmds(void **state)
{
	const char *const	 exc[] = { "app/etc/", "*.bak", NULL };
	const char *const	 extra[] = { "--strip-components=1", NULL };
	struct unarchive_opts	 o;
	struct buf		 b = BUF_INIT;

	(void)state;
	memset(&o, 0, sizeof o);
	o.exclude = exc;
	o.owner = "www-data";
	o.keep_newer = 1;
	unarchive_tar_cmd(&b, UA_DIFF, &o);
	assert_string_equal(buf_cstr(&b), "tar --diff -C \"$d\" $z "
	    "'--owner=www-data' --keep-newer-files '--exclude=app/etc' "
	    "'--exclude=*.bak' -f \"$s\"");
	buf_release(&b);
	o.extra = extra;
	unarchive_tar_cmd(&b, UA_LIST, &o);
	assert_string_equal(buf_cstr(&b), "tar --list -C \"$d\" $z "
	    "--show-transformed-names '--strip-components=1' "
	    "'--exclude=app/etc' '--exclude=*.bak' -f \"$s\"");
	buf_release(&b);
	o.extra = NULL;
	unarchive_zip_cmd(&b, UA_EXTRACT, &o);
	assert_string_equal(buf_cstr(&b), "unzip -o \"$s\" -x 'app/etc/' "
	    "'*.bak' -d \"$d\"");
	buf_release(&b);
}

static void
test_unarchive_files(void **state)
{
	const char *const	 exc[] = { "app/etc/*", NULL };
	const char *const	 inc[] = { "*.conf", NULL };
	const char		*tar = "app/\napp/etc/\napp/etc/a.conf\n/abs\n"
	    "sp\\303\\251cial\n";
	struct unarchive_opts	 o;
	struct value		*l, *top;

	(void)state;
	memset(&o, 0, sizeof o);
	o.exclude = exc;
	l = unarchive_tar_files(tar, strlen(tar), &o);
	/* the pattern takes "app/etc/" too, as Python's fnmatch does */
	assert_int_equal(value_len(l), 3);
	assert_string_equal(l->u.list.items[1]->u.str.s, "abs");
	assert_string_equal(l->u.list.items[2]->u.str.s, "sp\xc3\xa9" "cial");
	top = unarchive_top_folders(l);
	assert_int_equal(value_len(top), 1);
	assert_string_equal(top->u.list.items[0]->u.str.s, "app");
	value_unref(top);
	value_unref(l);
	o.exclude = NULL;
	o.include = inc;
	l = unarchive_zip_files(tar, strlen(tar), &o);
	assert_int_equal(value_len(l), 1);
	value_unref(l);
}

static void
test_unarchive_tar_done(void **state)
{
	const char		*same = "";
	const char		*mtime = "app/a: Mod time differs\n"
	    "app/a: Size differs\n";
	const char		*owner = "app/a: Uid differs\n";
	const char		*missing = "tar: app/b: Warning: Cannot stat: "
	    "No such file or directory\n";
	struct unarchive_opts	 o;

	(void)state;
	memset(&o, 0, sizeof o);
	assert_int_equal(unarchive_tar_done(same, 0, "", 0, 1, &o, 0), 1);
	assert_int_equal(unarchive_tar_done(mtime, strlen(mtime), "", 0, 1,
	    &o, 0), 0);
	assert_int_equal(unarchive_tar_done("", 0, missing, strlen(missing),
	    1, &o, 0), 0);
	/* an owner difference counts as root and when owner is not set */
	assert_int_equal(unarchive_tar_done(owner, strlen(owner), "", 0, 1,
	    &o, 0), 0);
	assert_int_equal(unarchive_tar_done(owner, strlen(owner), "", 0, 0,
	    &o, 0), 1);
	o.owner = "nobody";
	assert_int_equal(unarchive_tar_done(owner, strlen(owner), "", 0, 1,
	    &o, 0), 1);
}

static const char zinfo[] =
    "Archive:  t.zip\n"
    "Zip file size: 426 bytes, number of entries: 3\n"
    "drwxr-xr-x  3.0 unx        0 bx stor 20261203.124809 d/\n"
    "lrwxrwxrwx  3.0 unx        1 bx stor 20261203.124809 d/l\n"
    "-rw-r--r--  3.0 unx        3 tx stor 20261203.124809 d/a\n"
    "3 files, 4 bytes uncompressed, 4 bytes compressed:  0.0%\n";
static const char zcrc[] =
    "Archive:  t.zip\n"
    " Length   Method    Size  Cmpr    Date    Time   CRC-32   Name\n"
    "--------  ------  ------- ---- ---------- ----- --------  ----\n"
    "       0  Stored        0   0% 2026-12-03 12:48 00000000  d/\n"
    "       1  Stored        1   0% 2026-12-03 12:48 e8b7be43  d/l\n"
    "       3  Stored        3   0% 2026-12-03 12:48 ed6f7a7a  d/a\n";
static const char zsame[] =
    "d/\td\t4096\t2026-12-03 12:48:09.000000000 +0000\t755\troot\t0\troot\t0\t0\n"
    "d/l\tl\t1\t2026-12-03 12:52:16.297040889 +0000\t777\troot\t0\troot\t0\t0\n"
    "d/a\tf\t3\t2026-12-03 12:48:09.000000000 +0000\t644\troot\t0\troot\t0\ted6f7a7a\n";
static const char zchanged[] =
    "d/\td\t4096\t2026-12-03 12:48:09.000000000 +0000\t700\troot\t0\troot\t0\t0\n"
    "d/l\t-\n"
    "d/a\tf\t4\t2026-12-03 12:50:00.000000000 +0000\t644\troot\t0\troot\t0\t0badbad0\n";

static void
test_unarchive_zip_done(void **state)
{
	struct unarchive_opts	 o;
	struct unarchive_zipctx	 c;
	struct buf		 diff = BUF_INIT;
	char			*cause = NULL;
	int			 rc;

	(void)state;
	memset(&o, 0, sizeof o);
	memset(&c, 0, sizeof c);
	c.opts = &o;
	c.fut_owner = "root";
	c.fut_group = "root";
	c.umask = 022;
	rc = unarchive_zip_done(zinfo, strlen(zinfo), 0, zcrc, strlen(zcrc),
	    zsame, strlen(zsame), &c, &diff, &cause);
	assert_string_equal(buf_cstr(&diff), "");
	assert_int_equal(rc, 1);
	assert_int_equal(unarchive_zip_done(zinfo, strlen(zinfo), 0, zcrc,
	    strlen(zcrc), zchanged, strlen(zchanged), &c, &diff, &cause), 0);
	assert_string_equal(buf_cstr(&diff),
	    ".d...p...?? d/\n"
	    ">L++++++.?? d/l\n"
	    ".fcst....?? d/a\n");
	buf_release(&diff);
	/* another owner wanted */
	c.fut_owner = "nobody";
	assert_int_equal(unarchive_zip_done(zinfo, strlen(zinfo), 0, zcrc,
	    strlen(zcrc), zsame, strlen(zsame), &c, &diff, &cause), 0);
	buf_release(&diff);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unarchive_cmds),
		cmocka_unit_test(test_unarchive_files),
		cmocka_unit_test(test_unarchive_tar_done),
		cmocka_unit_test(test_unarchive_zip_done),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
