/* Unit tests of modules/files/file-plan.c: the file module's decisions. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "module.h"
#include "files/file-plan.h"

static void
test_file_want(void **state)
{
	(void)state;
	assert_int_equal(file_want("absent", FS_FILE, 0), FS_ABSENT);
	assert_int_equal(file_want("hard", FS_ABSENT, 0), FS_HARD);
	assert_int_equal(file_want("touch", FS_DIRECTORY, 0), FS_TOUCH);
	/* No state: what is there, or file / directory (recurse). */
	assert_int_equal(file_want(NULL, FS_LINK, 0), FS_LINK);
	assert_int_equal(file_want(NULL, FS_ABSENT, 0), FS_FILE);
	assert_int_equal(file_want(NULL, FS_ABSENT, 1), FS_DIRECTORY);
}

static void
test_file_args_error(void **state)
{
	(void)state;
	assert_null(file_args_error(FS_DIRECTORY, 1, NULL));
	assert_null(file_args_error(FS_LINK, 0, "/src"));
	assert_null(file_args_error(FS_HARD, 0, "/src"));
	assert_string_equal(file_args_error(FS_FILE, 1, NULL),
	    "recurse option requires state to be 'directory'");
	assert_string_equal(file_args_error(FS_FILE, 0, "/src"),
	    "src option requires state to be 'link' or 'hard'");
	/* recurse is reported first, as Ansible does. */
	assert_string_equal(file_args_error(FS_TOUCH, 1, "x"),
	    "recurse option requires state to be 'directory'");
}

static void
test_file_link_source(void **state)
{
	char	*s;

	(void)state;
	assert_null(file_link_source("/etc/x", 0, "/abs"));
	assert_null(file_link_source("/etc/x", 0, "~/home"));
	s = file_link_source("/etc/x", 0, "y");
	assert_string_equal(s, "/etc/y");
	free(s);
	s = file_link_source("/etc/d", 1, "y");	/* a directory: inside it */
	assert_string_equal(s, "/etc/d/y");
	free(s);
	s = file_link_source("x", 0, "../y");
	assert_string_equal(s, "./../y");
	free(s);
}

static void
test_file_diff_init(void **state)
{
	struct host_stat	 st;
	struct file_plan	 p;
	struct value		*b = value_dict(), *a = value_dict();

	(void)state;
	memset(&st, 0, sizeof st);
	memset(&p, 0, sizeof p);
	st.type = FT_LINK;
	strcpy(st.link, "/old");
	p.want = FS_LINK;
	p.st = &st;
	p.path = "/l";
	p.src = "/new";
	file_diff_init(&p, FA_LINK, b, a);
	assert_string_equal(value_dict_get(b, "path")->u.str.s, "/l");
	assert_null(value_dict_get(b, "state"));	/* link stays a link */
	assert_string_equal(value_dict_get(b, "src")->u.str.s, "/old");
	assert_string_equal(value_dict_get(a, "src")->u.str.s, "/new");
	value_unref(b);
	value_unref(a);

	b = value_dict();
	a = value_dict();
	st.type = FT_NONE;
	p.want = FS_DIRECTORY;
	file_diff_init(&p, FA_MKDIR, b, a);
	assert_string_equal(value_dict_get(b, "state")->u.str.s, "absent");
	assert_string_equal(value_dict_get(a, "state")->u.str.s,
	    "directory");
	assert_null(value_dict_get(a, "src"));
	value_unref(b);
	value_unref(a);
}

static void
test_file_action_script(void **state)
{
	struct host_stat	 st;
	struct file_plan	 p;
	struct file_attrs	 at;
	struct buf		 s = BUF_INIT;
	struct value		*mode;
	const char		*what;
	char			*cause = NULL;

	(void)state;
	memset(&st, 0, sizeof st);
	memset(&p, 0, sizeof p);
	memset(&at, 0, sizeof at);
	st.type = FT_DIR;
	st.umask = 022;
	p.st = &st;
	p.path = "/d";

	assert_int_equal(file_action_script(&p, FA_ATTRS, &at, &s, &what,
	    &cause), 0);
	assert_int_equal(s.len, 0);
	assert_null(what);

	assert_int_equal(file_action_script(&p, FA_REMOVE, &at, &s, &what,
	    &cause), 0);
	assert_string_equal(buf_cstr(&s), "p='/d'\nrm -rf -- \"$p\"");
	assert_string_equal(what, "unable to remove");
	buf_reset(&s);

	at.follow = 0;
	assert_int_equal(file_action_script(&p, FA_TOUCH, &at, &s, &what,
	    &cause), 0);
	assert_string_equal(buf_cstr(&s), "p='/d'\ntouch -h -- \"$p\"");
	buf_reset(&s);

	/* mkdir: the mode goes on every new directory. */
	mode = value_str("0750");
	at.mode = mode;
	at.owner = "www";
	assert_int_equal(file_action_script(&p, FA_MKDIR, &at, &s, &what,
	    &cause), 0);
	assert_non_null(strstr(buf_cstr(&s), "chmod 0750 -- \"$d\""));
	assert_non_null(strstr(buf_cstr(&s), "chown 'www' -- \"$d\""));
	assert_null(strstr(buf_cstr(&s), "chgrp"));
	buf_reset(&s);
	value_unref(mode);

	mode = value_str("u=banana");
	at.mode = mode;
	assert_int_equal(file_action_script(&p, FA_MKDIR, &at, &s, &what,
	    &cause), -1);
	assert_non_null(cause);
	free(cause);
	buf_reset(&s);
	value_unref(mode);

	/* A directory replaced by a link is removed first. */
	p.src = "/t";
	assert_int_equal(file_action_script(&p, FA_LINK, &at, &s, &what,
	    &cause), 0);
	assert_true(str_startswith(buf_cstr(&s),
	    "p='/d'\ns='/t'\nrmdir -- \"$p\" || exit 1\n"));
	assert_non_null(strstr(buf_cstr(&s), "ln -s -- \"$s\" \"$t\""));
	buf_reset(&s);
	st.type = FT_FILE;
	assert_int_equal(file_action_script(&p, FA_HARDLINK, &at, &s, &what,
	    &cause), 0);
	assert_null(strstr(buf_cstr(&s), "rmdir"));
	assert_null(strstr(buf_cstr(&s), "ln -s"));
	assert_string_equal(what, "Error while linking");
	buf_release(&s);
}

static void
test_file_time(void **state)
{
	struct file_time	 m, a;
	struct buf		 s = BUF_INIT;
	char			*cause = NULL;
	double			 nm, na;

	(void)state;
	setenv("TZ", "UTC", 1);
	/* Ansible's defaults: now for touch, preserve for the others. */
	assert_int_equal(file_time_parse(NULL, NULL, FS_TOUCH, &m, &cause), 0);
	assert_int_equal(m.kind, FTIME_NOW);
	assert_int_equal(file_time_parse(NULL, NULL, FS_FILE, &m, &cause), 0);
	assert_int_equal(m.kind, FTIME_PRESERVE);
	assert_int_equal(file_time_parse("202001021030.15", "%Y%m%d%H%M.%S",
	    FS_FILE, &m, &cause), 0);
	assert_int_equal(m.kind, FTIME_AT);
	assert_true(m.at == 1577961015.0);
	assert_int_equal(file_time_parse("yesterday", "%Y%m%d%H%M.%S",
	    FS_FILE, &a, &cause), -1);
	assert_non_null(strstr(cause, "Error while obtaining timestamp for "
	    "time yesterday using format %Y%m%d%H%M.%S"));
	free(cause);

	/* A fixed mtime, atime kept: changes once, then equal. */
	assert_int_equal(file_time_parse("preserve", NULL, FS_FILE, &a,
	    &cause), 0);
	assert_int_equal(file_time_update(&m, &a, 5.5, 7.25, 100, &nm, &na),
	    1);
	assert_true(nm == 1577961015.0 && na == 7.25);
	assert_int_equal(file_time_update(&m, &a, 1577961015.0, 7.25, 100,
	    &nm, &na), 0);
	file_time_script(&s, &m, &a, nm, na, 1);
	assert_string_equal(buf_cstr(&s),
	    "touch -m -d @1577961015.000000000 -- \"$p\" || exit 1\n"
	    "touch -a -d @7.250000000 -- \"$p\" || exit 1\n");
	buf_release(&s);

	/* now on both: always a change, a plain touch. */
	m.kind = a.kind = FTIME_NOW;
	assert_int_equal(file_time_update(&m, &a, 1, 1, 100, &nm, &na), 1);
	assert_true(nm == 100 && na == 100);
	file_time_script(&s, &m, &a, nm, na, 0);
	assert_string_equal(buf_cstr(&s), "touch -h -- \"$p\" || exit 1\n");
	buf_release(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_want),
		cmocka_unit_test(test_file_args_error),
		cmocka_unit_test(test_file_link_source),
		cmocka_unit_test(test_file_diff_init),
		cmocka_unit_test(test_file_action_script),
		cmocka_unit_test(test_file_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
