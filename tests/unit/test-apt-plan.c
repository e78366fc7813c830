/* Unit tests of the apt module's decisions (modules/packaging/apt-plan.c) and checks. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "packaging/apt-plan.h"
#include "host.h"
#include "module.h"

static const char dpkg_text[] =
	"adduser\t3.134\tii \n"
	"cairn-hello\t1.0\tii \n"
	"cairn-conf\t1.0\trc \n"
	"cairn-lib\t1.0\tiU \n"
	"libc6:amd64\t2.36-9\tii \n"
	"multi\t1\tun \n"
	"multi\t2\tii \n"
	"garbage line without tabs\n"
	"trig\t5\tiW \n";

static void
test_dpkg_parse(void **state)
{
	struct apt_dpkg		 d;
	const struct apt_pkg	*p;

	(void)state;
	apt_dpkg_parse(dpkg_text, &d);
	assert_int_equal(d.n, 8);
	p = apt_dpkg_find(&d, "cairn-hello");
	assert_non_null(p);
	assert_string_equal(p->version, "1.0");
	assert_string_equal(p->status, "ii ");
	assert_true(apt_pkg_installed(p));
	p = apt_dpkg_find(&d, "cairn-conf");
	assert_false(apt_pkg_installed(p));
	assert_true(apt_pkg_has_files(p));
	/* Unpacked but not configured: not installed. */
	assert_false(apt_pkg_installed(apt_dpkg_find(&d, "cairn-lib")));
	assert_true(apt_pkg_installed(apt_dpkg_find(&d, "trig")));
	/* The installed one of several entries wins. */
	assert_string_equal(apt_dpkg_find(&d, "multi")->version, "2");
	assert_null(apt_dpkg_find(&d, "nosuch"));
	assert_false(apt_pkg_installed(NULL));
	assert_false(apt_pkg_has_files(NULL));
	apt_dpkg_free(&d);
	apt_dpkg_free(NULL);
}

static void
test_spec_split(void **state)
{
	char	*n, *v, *cause = NULL;

	(void)state;
	assert_int_equal(apt_spec_split("nginx", &n, &v, &cause), 0);
	assert_string_equal(n, "nginx");
	assert_null(v);
	free(n);
	assert_int_equal(apt_spec_split("foo=1.0*", &n, &v, &cause), 0);
	assert_string_equal(n, "foo");
	assert_string_equal(v, "1.0*");
	free(n);
	free(v);
	assert_int_equal(apt_spec_split("a=1=2", &n, &v, &cause), -1);
	assert_string_equal(cause, "invalid package spec: a=1=2");
	free(cause);
	assert_int_equal(apt_spec_split("a>=1", &n, &v, &cause), -1);
	assert_non_null(strstr(cause, "'>='"));
	free(cause);
	assert_int_equal(apt_spec_split("=1", &n, &v, &cause), -1);
	free(cause);
}

static char *
joined(char **l)
{
	struct buf	b = BUF_INIT;

	for (; *l != NULL; l++) {
		if (b.len)
			buf_addc(&b, ' ');
		buf_adds(&b, *l);
	}
	return buf_detach(&b, NULL);
}

static void
check_install(const char *const *specs, size_t n, int latest, int only,
    const char *want)
{
	struct apt_dpkg	  d;
	char		**l, *j;
	size_t		  cnt;

	apt_dpkg_parse(dpkg_text, &d);
	l = apt_install_list(&d, (char *const *)specs, n, latest, only, &cnt);
	j = joined(l);
	assert_string_equal(j, want);
	free(j);
	strv_free_null(l);
	apt_dpkg_free(&d);
}

static void
test_install_list(void **state)
{
	const char *const	s1[] = { "cairn-hello", "cairn-conf", "new",
	    "cairn-lib" };
	const char *const	s2[] = { "cairn-hello=1.0", "cairn-hello=1.*",
	    "cairn-hello=2.0", "new=3" };
	const char *const	s3[] = { "cairn-hello", "new", "a=1=2" };

	(void)state;
	/* present: only what is missing (config-files and unpacked too) */
	check_install(s1, 4, 0, 0, "cairn-conf new cairn-lib");
	/* latest: installed ones go to apt-get as well */
	check_install(s1, 4, 1, 0, "cairn-hello cairn-conf new cairn-lib");
	/* only_upgrade: never a new package */
	check_install(s1, 4, 1, 1, "cairn-hello");
	check_install(s1, 4, 0, 1, "");
	/* pins: fnmatch against the installed version */
	check_install(s2, 4, 0, 0, "cairn-hello=2.0 new=3");
	/* invalid specs are left out (validate refuses them earlier) */
	check_install(s3, 3, 0, 0, "new");
}

static void
test_remove_list(void **state)
{
	const char *const	 s[] = { "cairn-hello", "cairn-conf",
	    "cairn-lib", "nosuch", "adduser=9", "multi" };
	struct apt_dpkg		 d;
	char			**l, *j;
	size_t			 n;

	(void)state;
	apt_dpkg_parse(dpkg_text, &d);
	l = apt_remove_list(&d, (char *const *)s, 6, 0, &n);
	j = joined(l);
	assert_string_equal(j, "cairn-hello multi");
	assert_int_equal(n, 2);
	free(j);
	strv_free_null(l);
	l = apt_remove_list(&d, (char *const *)s, 6, 1, &n);
	j = joined(l);
	assert_string_equal(j, "cairn-hello cairn-conf cairn-lib multi");
	free(j);
	strv_free_null(l);
	apt_dpkg_free(&d);
}

static const char sim_install[] =
	"NOTE: This is only a simulation!\n"
	"      apt-get needs root privileges for real execution.\n"
	"Reading package lists...\n"
	"Building dependency tree...\n"
	"Reading state information...\n"
	"The following NEW packages will be installed:\n"
	"  cairn-app cairn-lib\n"
	"0 upgraded, 2 newly installed, 0 to remove and 0 not upgraded.\n"
	"Inst cairn-lib (1.0 localhost [all])\n"
	"Inst cairn-app (1.0 localhost [all])\n"
	"Conf cairn-lib (1.0 localhost [all])\n"
	"Conf cairn-app (1.0 localhost [all])\n";

static void
test_sim_parse(void **state)
{
	struct apt_sim	s;

	(void)state;
	apt_sim_parse(sim_install, &s);
	assert_int_equal(s.inst, 2);
	assert_int_equal(s.conf, 2);
	assert_int_equal(s.remv, 0);
	assert_true(apt_sim_changes(&s));
	apt_sim_parse("Reading package lists...\ncairn-hello is already the "
	    "newest version (2.0).\n0 upgraded, 0 newly installed, 0 to "
	    "remove and 0 not upgraded.\n", &s);
	assert_false(apt_sim_changes(&s));
	apt_sim_parse("Remv cairn-app [1.0]\nPurg cairn-conf [1.0]\n"
	    "Del foo 1 [2 kB]\n", &s);
	assert_int_equal(s.remv, 2);
	assert_int_equal(s.del, 1);
	assert_true(apt_sim_changes(&s));
	apt_sim_parse("", &s);
	assert_false(apt_sim_changes(&s));
}

static void
test_parse_diff(void **state)
{
	char	*d;

	(void)state;
	d = apt_parse_diff(sim_install);
	assert_string_equal(d, "The following NEW packages will be "
	    "installed:\n  cairn-app cairn-lib\n0 upgraded, 2 newly "
	    "installed, 0 to remove and 0 not upgraded.");
	free(d);
	/* No start marker: from the top; no summary: to the end. */
	d = apt_parse_diff("a\r\nb\n");
	assert_string_equal(d, "a\nb");
	free(d);
	d = apt_parse_diff("Reading state information...\n"
	    "x\n12 packages upgraded, 0 newly installed\ny\n");
	assert_string_equal(d, "x\n12 packages upgraded, 0 newly installed");
	free(d);
	d = apt_parse_diff("");
	assert_string_equal(d, "");
	free(d);
}

static void
test_missing_and_cache(void **state)
{
	char	*m;

	(void)state;
	m = apt_missing_package("W: x\nE: Unable to locate package nosuch\n");
	assert_string_equal(m, "nosuch");
	free(m);
	assert_null(apt_missing_package("E: something else\n"));
	assert_true(apt_cache_stale(100, 100, 0));
	assert_false(apt_cache_stale(100, 150, 3600));
	assert_true(apt_cache_stale(100, 3701, 3600));
	assert_false(apt_cache_stale(100, 3700, 3600));
}

static void
test_cmd_line(void **state)
{
	char *const	 pkgs[] = { "a", "it's=1", NULL };
	struct apt_cmd	 c;
	struct buf	 b = BUF_INIT;

	(void)state;
	memset(&c, 0, sizeof c);
	c.op = "install";
	c.pkgs = pkgs;
	c.dpkg_options = "force-confdef,force-confold";
	c.install_recommends = 0;
	c.lock_timeout = 60;
	c.simulate = 1;
	c.allow_downgrade = 1;
	c.default_release = "bookworm-backports";
	apt_cmd_line(&b, &c);
	assert_string_equal(buf_cstr(&b), "apt-get -y -o "
	    "'Dpkg::Options::=--force-confdef' -o "
	    "'Dpkg::Options::=--force-confold' -o DPkg::Lock::Timeout=60 "
	    "--simulate install 'a' 'it'\\''s=1' -t 'bookworm-backports' "
	    "-o APT::Install-Recommends=no --allow-downgrades");
	buf_release(&b);
	memset(&c, 0, sizeof c);
	c.op = "remove";
	c.pkgs = pkgs;
	c.install_recommends = -1;
	c.purge = c.autoremove = 1;
	apt_cmd_line(&b, &c);
	assert_string_equal(buf_cstr(&b), "apt-get -y -o DPkg::Lock::Timeout=0"
	    " --purge --auto-remove remove 'a' 'it'\\''s=1'");
	buf_release(&b);
}

/* The module's validate hook on prepared arguments. */
static char *
validate(struct value *raw)
{
	const struct module_entry	*m = module_find("apt");
	struct mod_args			 a = { NULL };
	char				*cause = NULL;

	assert_non_null(m);
	/* The engine runs the validate hook while preparing. */
	if (module_prepare_args(m, raw, 0, &a, &cause) != 0) {
		value_unref(raw);
		return cause;
	}
	value_unref(raw);
	if (m->validate(&a, &cause) == 0)
		cause = NULL;
	mod_args_release(&a);
	return cause;
}

static struct value *
args2(const char *k1, const char *v1, const char *k2, const char *v2)
{
	struct value	*d = value_dict();

	if (k1 != NULL)
		value_dict_setstr(d, k1, v1);
	if (k2 != NULL)
		value_dict_setstr(d, k2, v2);
	return d;
}

static void
test_validate(void **state)
{
	char	*c;

	(void)state;
	assert_null(validate(args2("name", "nginx", NULL, NULL)));
	assert_null(validate(args2("pkg", "a,b=1", "state", "latest")));
	assert_null(validate(args2("update_cache", "yes", NULL, NULL)));
	assert_ptr_equal(module_find("ansible.builtin.apt"),
	    module_find("apt"));
	c = validate(args2(NULL, NULL, NULL, NULL));
	assert_string_equal(c, "one of the following is required: "
	    "autoremove, deb, package, update_cache, upgrade");
	free(c);
	c = validate(args2("name", "a", "deb", "/tmp/a.deb"));
	assert_string_equal(c, "parameters are mutually exclusive: "
	    "deb|package|upgrade");
	free(c);
	c = validate(args2("deb", "/tmp/a.deb", "state", "absent"));
	assert_string_equal(c, "deb only supports state=present");
	free(c);
	c = validate(args2("name", "a=1=2", NULL, NULL));
	assert_string_equal(c, "invalid package spec: a=1=2");
	free(c);
	/* build-dep is supported now (issue 9); it needs names */
	assert_null(validate(args2("name", "a", "state", "build-dep")));
	c = validate(args2("update_cache", "yes", "state", "build-dep"));
	assert_string_equal(c, "state=build-dep needs package names");
	free(c);
	assert_null(validate(args2("clean", "yes", NULL, NULL)));
}

static void
test_policy_rc_d(void **state)
{
	struct buf	b = BUF_INIT;

	(void)state;
	apt_policy_rc_d_wrap(&b, "cairn_apt apt-get -y install 'a'", -1);
	assert_string_equal(buf_cstr(&b), "cairn_apt apt-get -y install 'a'\n");
	buf_reset(&b);
	apt_policy_rc_d_wrap(&b, "cairn_apt apt-get -y install 'a'", 101);
	assert_non_null(strstr(buf_cstr(&b),
	    "printf '#!/bin/sh\\nexit 101\\n' >/usr/sbin/policy-rc.d"));
	/* the old file goes back, and the command's status is the script's */
	assert_non_null(strstr(buf_cstr(&b), "cairn_apt apt-get -y install "
	    "'a'\n_rc=$?\nrm -f /usr/sbin/policy-rc.d\n"));
	assert_non_null(strstr(buf_cstr(&b), "mv \"$_prc/policy-rc.d\" "
	    "/usr/sbin/policy-rc.d"));
	assert_true(str_endswith(buf_cstr(&b), "exit $_rc\n"));
	buf_release(&b);
}

static void
test_builddep_nothing(void **state)
{
	(void)state;
	assert_true(apt_builddep_nothing("Reading package lists...\n"
	    "0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n"));
	assert_false(apt_builddep_nothing("Reading package lists...\n"
	    "0 upgraded, 2 newly installed, 0 to remove and 0 not upgraded.\n"));
	assert_false(apt_builddep_nothing(""));
}

static void
test_package_facts(void **state)
{
	struct value	*d, *l, *e;

	(void)state;
	d = apt_package_facts("ii \tbash\t5.2.15-2+b2\tamd64\tshells\n"
	    "rc \tgone\t1.0\tall\tmisc\n"
	    "un \tnever\t\t\t\n"
	    "ii \tlibc6\t2.36-9\tamd64\tlibs\n"
	    "ii \tlibc6:i386\t2.36-9\ti386\tlibs\n"
	    "iU \thalf\t0.1\tall\t\n"
	    "garbage line\n"
	    "ii \tlast\t2\tall\tx");
	assert_int_equal(value_len(d), 5);
	assert_null(value_dict_get(d, "gone"));
	assert_null(value_dict_get(d, "never"));
	l = value_dict_get(d, "bash");
	assert_int_equal(value_len(l), 1);
	e = l->u.list.items[0];
	assert_string_equal(value_dict_get(e, "name")->u.str.s, "bash");
	assert_string_equal(value_dict_get(e, "version")->u.str.s,
	    "5.2.15-2+b2");
	assert_string_equal(value_dict_get(e, "arch")->u.str.s, "amd64");
	assert_string_equal(value_dict_get(e, "category")->u.str.s, "shells");
	assert_string_equal(value_dict_get(e, "source")->u.str.s, "apt");
	l = value_dict_get(d, "libc6:i386");
	assert_string_equal(value_dict_get(l->u.list.items[0],
	    "arch")->u.str.s, "i386");
	assert_string_equal(value_dict_get(value_dict_get(d,
	    "half")->u.list.items[0], "category")->u.str.s, "");
	assert_string_equal(value_dict_get(value_dict_get(d,
	    "last")->u.list.items[0], "category")->u.str.s, "x");
	value_unref(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dpkg_parse),
		cmocka_unit_test(test_spec_split),
		cmocka_unit_test(test_install_list),
		cmocka_unit_test(test_remove_list),
		cmocka_unit_test(test_sim_parse),
		cmocka_unit_test(test_parse_diff),
		cmocka_unit_test(test_missing_and_cache),
		cmocka_unit_test(test_cmd_line),
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_policy_rc_d),
		cmocka_unit_test(test_builddep_nothing),
		cmocka_unit_test(test_package_facts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
