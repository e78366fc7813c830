/* Unit tests of apt source files as apt_repository and deb822_repository edit them (modules/packaging/aptsrc-plan.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "packaging/aptsrc.h"
#include "module.h"
#include "util.h"

static void
test_parse_line(void **state)
{
	struct aptsrc_line	l;

	(void)state;
	aptsrc_parse_line("  deb   http://x/debian  bookworm main  ", 40, &l);
	assert_true(l.valid);
	assert_true(l.enabled);
	assert_string_equal(l.source, "deb http://x/debian bookworm main");
	assert_string_equal(l.comment, "");
	free(l.source);
	free(l.comment);
	aptsrc_parse_line("#deb-src http://x/ b main # old one", 35, &l);
	assert_true(l.valid);
	assert_false(l.enabled);
	assert_string_equal(l.source, "deb-src http://x/ b main");
	assert_string_equal(l.comment, "old one");
	free(l.source);
	free(l.comment);
	aptsrc_parse_line("# just a  comment", 17, &l);
	assert_false(l.valid);
	assert_false(l.enabled);
	assert_string_equal(l.source, "just a  comment");
	free(l.source);
	free(l.comment);
	aptsrc_parse_line("", 0, &l);
	assert_false(l.valid);
	assert_true(l.enabled);
	assert_string_equal(l.source, "");
	free(l.source);
	free(l.comment);
}

static void
test_suggest_filename(void **state)
{
	char	*s;

	(void)state;
	s = aptsrc_suggest_filename("deb http://dl.google.com/linux/chrome/deb/ "
	    "stable main", NULL);
	assert_string_equal(s, "dl_google_com_linux_chrome_deb.list");
	free(s);
	s = aptsrc_suggest_filename("deb [arch=amd64 signed-by=/k.gpg] "
	    "https://user:pw@repo.example.org:8080/apt stable main", NULL);
	assert_string_equal(s, "repo_example_org_8080_apt.list");
	free(s);
	s = aptsrc_suggest_filename("deb file:/srv/repo ./", NULL);
	assert_string_equal(s, "file_srv_repo.list");
	free(s);
	s = aptsrc_suggest_filename("deb http://x/ y", "google-chrome");
	assert_string_equal(s, "google-chrome.list");
	free(s);
	s = aptsrc_expand_path("x.list");
	assert_string_equal(s, "/etc/apt/sources.list.d/x.list");
	free(s);
	s = aptsrc_expand_path("/etc/apt/other.list");
	assert_string_equal(s, "/etc/apt/other.list");
	free(s);
}

static void
test_ppa(void **state)
{
	char	*line, *file, *cause = NULL;

	(void)state;
	assert_int_equal(aptsrc_expand_ppa("ppa:nginx/stable", "jammy", NULL,
	    &line, &file, &cause), 0);
	assert_string_equal(line, "deb http://ppa.launchpad.net/nginx/stable/"
	    "ubuntu jammy main");
	assert_string_equal(file, "ppa_nginx_stable_jammy.list");
	free(line);
	free(file);
	assert_int_equal(aptsrc_expand_ppa("ppa:owner", "focal", "mine",
	    &line, &file, &cause), 0);
	assert_string_equal(line, "deb http://ppa.launchpad.net/owner/ppa/"
	    "ubuntu focal main");
	assert_string_equal(file, "mine.list");
	free(line);
	free(file);
	assert_int_equal(aptsrc_expand_ppa("ppa:", "focal", NULL, &line,
	    &file, &cause), -1);
	assert_string_equal(cause, "Invalid repository string: ppa:");
	free(cause);
}

static const char read_out[] =
	"debian\nbookworm\n"
	"/etc/apt/sources.list\n56\n"
	"deb http://deb.debian.org/debian bookworm main\n"
	"#comment\n"
	"/etc/apt/sources.list.d/local.list\n39\n"
	"#deb [trusted=yes] file:/srv/repo ./\n\n\n";

static void
load(struct aptsrc_set *set)
{
	char	*cause = NULL;

	assert_int_equal(aptsrc_parse_read(read_out, strlen(read_out), set,
	    &cause), 0);
	assert_null(cause);
}

static void
test_parse_read(void **state)
{
	struct aptsrc_set	 set;
	char			*cause = NULL, *t;

	(void)state;
	load(&set);
	assert_string_equal(set.os_id, "debian");
	assert_string_equal(set.codename, "bookworm");
	assert_int_equal(set.n, 2);
	assert_int_equal(set.files[0].n, 2);
	assert_int_equal(set.files[1].n, 3);
	assert_true(set.files[1].existed);
	/* rewritten the way Ansible writes it */
	t = aptsrc_dump(&set.files[0]);
	assert_string_equal(t, "deb http://deb.debian.org/debian bookworm "
	    "main\n# comment\n");
	free(t);
	aptsrc_set_free(&set);
	assert_int_equal(aptsrc_parse_read("debian\nbookworm\n/x\n99\nab",
	    25, &set, &cause), -1);
	assert_non_null(strstr(cause, "cut short"));
	free(cause);
	aptsrc_set_free(&set);
}

static void
test_add_remove(void **state)
{
	struct aptsrc_set	 set;
	char			*cause = NULL, *t;

	(void)state;
	load(&set);
	/* a disabled copy is enabled again, nothing appended */
	assert_int_equal(aptsrc_add(&set, "deb [trusted=yes]   file:/srv/repo ./",
	    "/etc/apt/sources.list.d/file_srv_repo.list", &cause), 0);
	assert_int_equal(set.n, 2);
	t = aptsrc_dump(&set.files[1]);
	assert_string_equal(t, "deb [trusted=yes] file:/srv/repo ./\n\n\n");
	free(t);
	/* a new one goes to its own file */
	assert_int_equal(aptsrc_add(&set, "deb http://x/ y main",
	    "/etc/apt/sources.list.d/x.list", &cause), 0);
	assert_int_equal(set.n, 3);
	assert_true(set.files[2].added);
	assert_false(set.files[2].existed);
	t = aptsrc_dump(&set.files[2]);
	assert_string_equal(t, "deb http://x/ y main\n");
	free(t);
	/* removed wherever it is enabled; an empty file goes */
	assert_int_equal(aptsrc_remove(&set, "deb http://x/ y main", &cause), 0);
	assert_null(aptsrc_dump(&set.files[2]));
	assert_int_equal(aptsrc_remove(&set,
	    "deb http://deb.debian.org/debian bookworm main", &cause), 0);
	t = aptsrc_dump(&set.files[0]);
	assert_string_equal(t, "# comment\n");
	free(t);
	/* Ansible's refusals */
	assert_int_equal(aptsrc_add(&set, "# deb http://x/ y", "/x", &cause), -1);
	assert_string_equal(cause, "Invalid repository string: # deb http://x/ y");
	free(cause);
	cause = NULL;
	assert_int_equal(aptsrc_remove(&set, "rpm http://x/", &cause), -1);
	free(cause);
	aptsrc_set_free(&set);
}

static void
test_slug(void **state)
{
	char	*s;

	(void)state;
	s = aptsrc_slug("My Repo_name  2.0!");
	assert_string_equal(s, "my-repo-name-20");
	free(s);
	s = aptsrc_slug("debian");
	assert_string_equal(s, "debian");
	free(s);
}

static void
test_deb822(void **state)
{
	extern const struct module_entry module_deb822_repository;
	struct mod_args	 a;
	struct value	*raw = value_dict(), *l = value_list();
	char		*cause = NULL, *t;

	(void)state;
	value_dict_setstr(raw, "name", "debian");
	value_dict_setstr(raw, "uris", "http://deb.debian.org/debian");
	value_dict_setstr(raw, "suites", "bookworm");
	value_list_append(l, value_str("main"));
	value_list_append(l, value_str("contrib"));
	value_dict_set(raw, "components", l);
	value_dict_setbool(raw, "trusted", 1);
	value_dict_setint(raw, "date_max_future", 10);
	assert_int_equal(module_prepare_args(&module_deb822_repository, raw, 0,
	    &a, &cause), 0);
	t = aptsrc_deb822(&a, "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n"
	    "mDMEYCQj\n=IE0r\n-----END PGP PUBLIC KEY BLOCK-----\n");
	assert_string_equal(t,
	    "Components: main contrib\n"
	    "Date-Max-Future: 10\n"
	    "Install-Python-Debian: yes\n"
	    "X-Repolib-Name: debian\n"
	    "Signed-By:\n"
	    "    -----BEGIN PGP PUBLIC KEY BLOCK-----\n"
	    "    .\n"
	    "    mDMEYCQj\n"
	    "    =IE0r\n"
	    "    -----END PGP PUBLIC KEY BLOCK-----\n"
	    "Suites: bookworm\n"
	    "Trusted: yes\n"
	    "Types: deb\n"
	    "URIs: http://deb.debian.org/debian\n");
	free(t);
	t = aptsrc_deb822(&a, NULL);
	assert_null(strstr(t, "Signed-By"));
	free(t);
	mod_args_release(&a);
	value_unref(raw);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_line),
		cmocka_unit_test(test_suggest_filename),
		cmocka_unit_test(test_ppa),
		cmocka_unit_test(test_parse_read),
		cmocka_unit_test(test_add_remove),
		cmocka_unit_test(test_slug),
		cmocka_unit_test(test_deb822),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
