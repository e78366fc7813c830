/* Unit tests for engine/vars.c: scope precedence and the fact parser. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "vars.h"
#include "facts.h"

static struct value *
magic(void *ud, const char *name)
{
	(void)ud;
	if (strcmp(name, "inventory_hostname") == 0)
		return value_str("h1");
	return NULL;
}

static void
test_precedence(void **state)
{
	struct scope	 s;
	struct value	*hi = value_dict(), *lo = value_dict(), *facts = value_dict();
	struct value	*v;

	(void)state;
	value_dict_setstr(hi, "a", "high");
	value_dict_setstr(lo, "a", "low");
	value_dict_setstr(lo, "b", "only-low");
	value_dict_setstr(facts, "distribution", "Debian");
	value_dict_setstr(lo, "ansible_distribution", "from-inventory");
	scope_init(&s, facts, magic, NULL);
	scope_push(&s, hi);
	scope_push(&s, NULL);	/* skipped */
	scope_push(&s, lo);

	v = scope_lookup(&s, "a");
	assert_string_equal(v->u.str.s, "high");
	value_unref(v);
	v = scope_lookup(&s, "b");
	assert_string_equal(v->u.str.s, "only-low");
	value_unref(v);
	/* a layer's ansible_* wins over facts, as inventory vars do */
	v = scope_lookup(&s, "ansible_distribution");
	assert_string_equal(v->u.str.s, "from-inventory");
	value_unref(v);
	value_dict_del(lo, "ansible_distribution");
	v = scope_lookup(&s, "ansible_distribution");
	assert_string_equal(v->u.str.s, "Debian");
	value_unref(v);
	v = scope_lookup(&s, "ansible_facts");
	assert_ptr_equal(v, facts);
	value_unref(v);
	v = scope_lookup(&s, "inventory_hostname");
	assert_string_equal(v->u.str.s, "h1");
	value_unref(v);
	assert_null(scope_lookup(&s, "nope"));
	assert_null(scope_lookup(&s, "ansible_nope"));

	/* through the expression interface as templates see it */
	v = s.es.lookup(s.es.ud, "a");
	assert_string_equal(v->u.str.s, "high");
	value_unref(v);
	value_unref(hi);
	value_unref(lo);
	value_unref(facts);
}

static void
test_facts_parse(void **state)
{
	struct value	*f;

	(void)state;
	f = facts_parse(
	    "hostname=web1.example.com\n"
	    "fqdn=web1.example.com\n"
	    "system=Linux\n"
	    "machine=x86_64\n"
	    "user_id=root\n"
	    "user_uid=0\n"
	    "nproc=4\n"
	    "memtotal_kb=2048000\n"
	    "service_mgr=sysvinit\n"
	    "pkg_mgr=apt\n"
	    "os_ID=debian\n"
	    "os_VERSION_ID=12\n"
	    "os_VERSION_CODENAME=bookworm\n"
	    "debian_version=12.5\n"
	    "garbage line\n");
	assert_string_equal(value_dict_get(f, "hostname")->u.str.s, "web1");
	assert_string_equal(value_dict_get(f, "fqdn")->u.str.s,
	    "web1.example.com");
	assert_string_equal(value_dict_get(f, "distribution")->u.str.s,
	    "Debian");
	assert_string_equal(value_dict_get(f, "os_family")->u.str.s, "Debian");
	assert_string_equal(value_dict_get(f, "distribution_version")->u.str.s,
	    "12.5");
	assert_string_equal(value_dict_get(f,
	    "distribution_major_version")->u.str.s, "12");
	assert_string_equal(value_dict_get(f, "distribution_release")->u.str.s,
	    "bookworm");
	assert_string_equal(value_dict_get(f, "architecture")->u.str.s,
	    "x86_64");
	assert_int_equal(value_dict_get(f, "user_uid")->u.i, 0);
	assert_int_equal(value_dict_get(f, "processor_vcpus")->u.i, 4);
	assert_int_equal(value_dict_get(f, "memtotal_mb")->u.i, 2000);
	assert_string_equal(value_dict_get(f, "pkg_mgr")->u.str.s, "apt");
	value_unref(f);

	f = facts_parse("os_ID=ubuntu\nos_VERSION_ID=22.04\n");
	assert_string_equal(value_dict_get(f, "distribution")->u.str.s,
	    "Ubuntu");
	assert_string_equal(value_dict_get(f, "os_family")->u.str.s, "Debian");
	assert_string_equal(value_dict_get(f,
	    "distribution_major_version")->u.str.s, "22");
	value_unref(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_facts_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
