/* Unit tests of the service module's decisions (modules/system/service-plan.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "module.h"
#include "system/service-plan.h"

static void
test_sysv_running(void **state)
{
	(void)state;
	/* LSB codes win over any text. */
	assert_int_equal(service_sysv_running(3, "demo is running\n", "demo"),
	    0);
	assert_int_equal(service_sysv_running(69, "", "x"), 0);
	assert_int_equal(service_sysv_running(0, "demo is running\n", "demo"),
	    1);
	assert_int_equal(service_sysv_running(0, "demo is not running\n",
	    "demo"), 0);
	/* The name is removed first: "stopwatch" must not read as "stop". */
	assert_int_equal(service_sysv_running(0, "stopwatch is running\n",
	    "stopwatch"), 1);
	assert_int_equal(service_sysv_running(0, "Stopped\n", "x"), 0);
	assert_int_equal(service_sysv_running(0, "started\n", "x"), 1);
	/* Several lines are not searched: rc 0 means running. */
	assert_int_equal(service_sysv_running(0, "a\nstopped\nc\n", "x"), 1);
	assert_int_equal(service_sysv_running(5, "a\nb\nc\n", "x"), -1);
	assert_int_equal(service_sysv_running(5, "x dead but pid file "
	    "exists\n", "y"), 0);
}

static void
test_action(void **state)
{
	(void)state;
	assert_null(service_action("started", 1));
	assert_string_equal(service_action("started", 0), "start");
	assert_string_equal(service_action("running", 0), "start");
	assert_string_equal(service_action("stopped", 1), "stop");
	assert_null(service_action("stopped", 0));
	assert_string_equal(service_action("restarted", 1), "restart");
	assert_string_equal(service_action("restarted", 0), "start");
	assert_string_equal(service_action("reloaded", 1), "reload");
	assert_string_equal(service_action("reloaded", 0), "start");
	assert_null(service_action(NULL, 0));
	assert_string_equal(service_result_state("reloaded"), "started");
	assert_string_equal(service_result_state("stopped"), "stopped");
	assert_int_equal(service_systemd_enabled(0, "enabled"), 1);
	assert_int_equal(service_systemd_enabled(1, "disabled"), 0);
}

static char *
validate(const char *mod, struct value *raw)
{
	const struct module_entry	*m = module_find(mod);
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

static void
test_validate_and_aliases(void **state)
{
	struct value	*d;
	char		*c;

	(void)state;
	/* systemd is a module of its own (issue 9); sysvinit is service. */
	assert_non_null(module_find("systemd"));
	assert_ptr_not_equal(module_find("systemd"), module_find("service"));
	assert_ptr_equal(module_find("ansible.builtin.systemd"),
	    module_find("systemd"));
	assert_ptr_equal(module_find("ansible.builtin.systemd_service"),
	    module_find("systemd"));
	assert_ptr_equal(module_find("ansible.builtin.sysvinit"),
	    module_find("service"));
	d = value_dict();
	value_dict_setstr(d, "name", "x");
	c = validate("service", d);
	assert_string_equal(c, "one of the following is required: state, "
	    "enabled, masked, daemon_reload, daemon_reexec");
	free(c);
	d = value_dict();
	value_dict_setstr(d, "name", "x");
	value_dict_setstr(d, "state", "started");
	assert_null(validate("service", d));
	d = value_dict();
	value_dict_setstr(d, "daemon_reload", "yes");
	assert_null(validate("systemd", d));
	d = value_dict();
	value_dict_setstr(d, "enabled", "yes");
	c = validate("service", d);
	assert_string_equal(c, "state, enabled or masked requires name");
	free(c);
	d = value_dict();
	value_dict_setstr(d, "name", "x");
	value_dict_setstr(d, "state", "started");
	value_dict_setstr(d, "scope", "user");
	c = validate("service", d);
	assert_non_null(strstr(c, "scope=user"));
	free(c);
	/* systemd drives the user's and the global manager too. */
	d = value_dict();
	value_dict_setstr(d, "name", "x");
	value_dict_setstr(d, "state", "started");
	value_dict_setstr(d, "scope", "user");
	assert_null(validate("systemd", d));
	d = value_dict();
	value_dict_setstr(d, "enabled", "yes");
	c = validate("systemd", d);
	assert_non_null(strstr(c, "required by 'state', 'enabled' or "
	    "'masked': name"));
	free(c);
	d = value_dict();
	value_dict_setstr(d, "name", "app@*");
	value_dict_setstr(d, "state", "started");
	c = validate("systemd", d);
	assert_non_null(strstr(c, "glob patterns, found '*'"));
	free(c);
}

static void
test_rcd_script(void **state)
{
	struct buf	b = BUF_INIT;

	(void)state;
	service_rcd_script(&b, "nginx", 1, 0);
	assert_string_equal(buf_cstr(&b), "svc update-rc.d 'nginx' defaults "
	    "|| exit\nsvc update-rc.d 'nginx' enable");
	buf_reset(&b);
	service_rcd_script(&b, "nginx", 1, 1);
	assert_string_equal(buf_cstr(&b), "svc update-rc.d 'nginx' enable");
	buf_reset(&b);
	service_rcd_script(&b, "nginx", 0, 0);
	assert_string_equal(buf_cstr(&b), "svc update-rc.d 'nginx' disable");
	buf_release(&b);
}

static const char *
field(struct value *d, const char *name, const char *key)
{
	struct value	*e = value_dict_get(d, name), *v;

	if (e == NULL || (v = value_dict_get(e, key)) == NULL ||
	    v->type != V_STR)
		return NULL;
	return v->u.str.s;
}

static void
test_show_parse(void **state)
{
	struct value	*d;
	struct value	*v;

	(void)state;
	d = service_show_parse("Type=simple\nActiveState=active \n"
	    "ExecStart={ path=/bin/sleep ; argv[]=/bin/sleep 1 }\n"
	    "ExecReload={ path=/bin/kill ;\n  argv[]=/bin/kill -HUP $MAINPID }\n"
	    "no equals sign\nDescription=a = b\n");
	v = value_dict_get(d, "ActiveState");
	assert_string_equal(v->u.str.s, "active");
	v = value_dict_get(d, "ExecStart");
	assert_string_equal(v->u.str.s,
	    "{ path=/bin/sleep ; argv[]=/bin/sleep 1 }");
	v = value_dict_get(d, "ExecReload");
	assert_string_equal(v->u.str.s, "{ path=/bin/kill ;\n"
	    "  argv[]=/bin/kill -HUP $MAINPID }");
	v = value_dict_get(d, "Description");
	assert_string_equal(v->u.str.s, "a = b");
	assert_int_equal(value_len(d), 5);
	value_unref(d);
}

static void
test_facts(void **state)
{
	struct value	*d = value_dict();

	(void)state;
	service_facts_sysv(" [ + ]  cron\n [ - ]  procps\n [ ? ]  hwclock.sh\n",
	    d);
	assert_string_equal(field(d, "cron", "state"), "running");
	assert_string_equal(field(d, "cron", "source"), "sysv");
	assert_null(field(d, "cron", "status"));
	assert_string_equal(field(d, "procps", "state"), "stopped");
	assert_null(value_dict_get(d, "hwclock.sh"));
	service_facts_units(
	    "  UNIT            LOAD   ACTIVE SUB     DESCRIPTION\n"
	    "  cron.service    loaded active running Regular jobs\n"
	    "* gone.service    not-found inactive dead gone.service\n"
	    "  ssh.service     loaded inactive dead  OpenBSD shell\n"
	    "\n3 loaded units listed.\n", d);
	assert_string_equal(field(d, "cron.service", "state"), "running");
	assert_string_equal(field(d, "cron.service", "status"), "active");
	assert_string_equal(field(d, "gone.service", "status"), "not-found");
	assert_string_equal(field(d, "ssh.service", "state"), "stopped");
	service_facts_unit_files(
	    "UNIT FILE        STATE    VENDOR PRESET\n"
	    "cron.service     enabled  enabled\n"
	    "gone.service     disabled enabled\n"
	    "rsync.service    disabled enabled\n"
	    "other.service    static   -\n", "rsync.service inactive\n", d);
	assert_string_equal(field(d, "cron.service", "status"), "enabled");
	assert_string_equal(field(d, "gone.service", "status"), "not-found");
	assert_string_equal(field(d, "rsync.service", "state"), "inactive");
	assert_string_equal(field(d, "rsync.service", "status"), "disabled");
	assert_string_equal(field(d, "other.service", "state"), "unknown");
	value_unref(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sysv_running),
		cmocka_unit_test(test_action),
		cmocka_unit_test(test_validate_and_aliases),
		cmocka_unit_test(test_rcd_script),
		cmocka_unit_test(test_show_parse),
		cmocka_unit_test(test_facts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
