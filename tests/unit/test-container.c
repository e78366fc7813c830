/* Unit tests of modules/containers/container.c and the container modules' argument checks. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "containers/container.h"
#include "host.h"
#include "module.h"

/* A podman 4.3 inspect, trimmed to the fields the module reads. */
static const char inspect_json[] =
    "[\n {\n"
    "  \"Id\": \"d917f9c2\",\n"
    "  \"Image\": \"f06bd443138c\",\n"
    "  \"State\": { \"Status\": \"running\", \"Running\": true },\n"
    "  \"Config\": {\n"
    "   \"Hostname\": \"h2\",\n"
    "   \"Env\": [ \"PATH=/usr/bin:/bin\", \"container=podman\", \"A=b\" ],\n"
    "   \"Cmd\": [ \"sleep\", \"100\" ],\n"
    "   \"Entrypoint\": \"\",\n"
    "   \"Labels\": { \"x\": \"y\" },\n"
    "   \"WorkingDir\": \"/\", \"User\": \"\"\n"
    "  },\n"
    "  \"HostConfig\": {\n"
    "   \"PortBindings\": { \"80/tcp\": [ { \"HostIp\": \"\", "
    "\"HostPort\": \"8080\" } ] },\n"
    "   \"RestartPolicy\": { \"Name\": \"always\", "
    "\"MaximumRetryCount\": 0 },\n"
    "   \"NetworkMode\": \"host\"\n"
    "  },\n"
    "  \"Mounts\": [ { \"Type\": \"bind\", \"Source\": \"/srv\", "
    "\"Destination\": \"/data\", \"RW\": false } ]\n"
    " }\n]\n";

static struct value *
inspect(void)
{
	struct value	*v = NULL;
	char		*cause = NULL;

	assert_int_equal(container_inspect_first(inspect_json,
	    strlen(inspect_json), &v, &cause), 0);
	assert_non_null(v);
	return v;
}

static struct value *
strlist(const char *s, ...)
{
	struct value	*l = value_list();
	va_list		 ap;

	va_start(ap, s);
	for (; s != NULL; s = va_arg(ap, const char *))
		value_list_append(l, value_str(s));
	va_end(ap);
	return l;
}

/* The wanted container that matches inspect_json exactly. */
static void
want_same(struct container_want *w)
{
	memset(w, 0, sizeof *w);
	w->image = "cairn-busybox:1.0";
	w->image_id = "sha256:f06bd443138c";
	w->command = strlist("sleep", "100", NULL);
	w->env = value_dict();
	value_dict_setstr(w->env, "A", "b");
	w->labels = value_dict();
	value_dict_setstr(w->labels, "x", "y");
	w->ports = strlist("8080:80", NULL);
	w->volumes = strlist("/srv:/data:ro", NULL);
	w->restart_policy = "always";
	w->network_mode = "host";
}

static void
want_free(struct container_want *w)
{
	value_unref(w->command);
	value_unref(w->env);
	value_unref(w->labels);
	value_unref(w->ports);
	value_unref(w->volumes);
	value_unref(w->entrypoint);
}

static void
test_inspect_first(void **state)
{
	struct value	*v = NULL;
	char		*cause = NULL;

	(void)state;
	assert_int_equal(container_inspect_first("[]\n", 3, &v, &cause), 0);
	assert_null(v);
	assert_int_equal(container_inspect_first("", 0, &v, &cause), 0);
	assert_null(v);
	assert_int_equal(container_inspect_first("[{", 2, &v, &cause), -1);
	assert_non_null(cause);
	free(cause);
	v = inspect();
	assert_int_equal(container_running(v), 1);
	value_unref(v);
	assert_string_equal(container_id_strip("sha256:abc"), "abc");
	assert_string_equal(container_id_strip("abc"), "abc");
}

static void
test_port_parse(void **state)
{
	struct container_port	 p;
	char			*cause = NULL;

	(void)state;
	assert_int_equal(container_port_parse("8080:80", &p, &cause), 0);
	assert_string_equal(p.ip, "");
	assert_string_equal(p.host, "8080");
	assert_string_equal(p.port, "80");
	assert_string_equal(p.proto, "tcp");
	assert_int_equal(container_port_parse("127.0.0.1:53:53/udp", &p,
	    &cause), 0);
	assert_string_equal(p.ip, "127.0.0.1");
	assert_string_equal(p.host, "53");
	assert_string_equal(p.proto, "udp");
	assert_int_equal(container_port_parse("9000", &p, &cause), 0);
	assert_string_equal(p.host, "");
	assert_string_equal(p.port, "9000");
	assert_int_equal(container_port_parse("0.0.0.0::80", &p, &cause), 0);
	assert_string_equal(p.ip, "");
	assert_string_equal(p.host, "");
	assert_int_equal(container_port_parse("[::1]:8080:80", &p, &cause), 0);
	assert_string_equal(p.ip, "::1");
	assert_string_equal(p.host, "8080");
	assert_int_equal(container_port_parse("80/icmp", &p, &cause), -1);
	assert_string_equal(cause, "bad published port '80/icmp'");
	free(cause);
	assert_int_equal(container_port_parse("a:b:c:d", &p, &cause), -1);
	free(cause);
	assert_int_equal(container_port_parse("x:80", &p, &cause), -1);
	free(cause);
}

static void
test_same(void **state)
{
	struct container_want	 w;
	struct value		*in = inspect(), *b = value_dict();
	struct value		*a = value_dict();

	(void)state;
	want_same(&w);
	assert_int_equal(container_differences(in, &w, b, a), 0);
	assert_int_equal(value_len(b), 0);
	/* Unspecified settings are not compared. */
	want_free(&w);
	memset(&w, 0, sizeof w);
	w.image = "x";
	w.image_id = "f06bd443138c";
	assert_int_equal(container_differences(in, &w, NULL, NULL), 0);
	/* A random host port matches the one given. */
	w.ports = strlist("80", NULL);
	assert_int_equal(container_differences(in, &w, NULL, NULL), 0);
	want_free(&w);
	value_unref(in);
	value_unref(b);
	value_unref(a);
}

static void
test_env_changed(void **state)
{
	struct container_want	 w;
	struct value		*in = inspect(), *b = value_dict();
	struct value		*a = value_dict();
	char			*t;

	(void)state;
	want_same(&w);
	value_dict_setstr(w.env, "A", "c");
	value_dict_setint(w.env, "N", 3);
	assert_int_equal(container_differences(in, &w, b, a), 1);
	t = diff_dict_text(b);
	assert_string_equal(t, "{\n    \"env\": {\n        \"A\": \"b\"\n"
	    "    }\n}\n");
	free(t);
	t = diff_dict_text(a);
	assert_string_equal(t, "{\n    \"env\": {\n        \"A\": \"c\",\n"
	    "        \"N\": \"3\"\n    }\n}\n");
	free(t);
	want_free(&w);
	value_unref(in);
	value_unref(b);
	value_unref(a);
}

static void
test_many_changed(void **state)
{
	struct container_want	 w;
	struct value		*in = inspect(), *b = value_dict();
	struct value		*a = value_dict();

	(void)state;
	want_same(&w);
	w.image_id = "0123";
	value_unref(w.command);
	w.command = strlist("sleep", "200", NULL);
	value_unref(w.ports);
	w.ports = strlist("8080:80", "127.0.0.1:8443:443", NULL);
	value_unref(w.volumes);
	w.volumes = strlist("/srv:/data", NULL);	/* rw now */
	w.restart_policy = "no";
	w.user = "nobody";
	assert_int_equal(container_differences(in, &w, b, a), 6);
	assert_string_equal(value_dict_get(b, "image")->u.str.s,
	    "f06bd443138c");
	assert_string_equal(value_dict_get(a, "image")->u.str.s, "0123");
	assert_string_equal(value_dict_get(b, "restart_policy")->u.str.s,
	    "always");
	assert_string_equal(value_dict_get(a, "restart_policy")->u.str.s,
	    "no");
	assert_string_equal(value_dict_get(b, "volumes")->u.list.items[0]->
	    u.str.s, "/srv:/data:ro");
	assert_string_equal(value_dict_get(b, "published_ports")->u.list.
	    items[0]->u.str.s, "8080:80/tcp");
	assert_int_equal(value_len(value_dict_get(a, "published_ports")), 2);
	assert_string_equal(value_dict_get(a, "user")->u.str.s, "nobody");
	assert_null(value_dict_get(a, "env"));
	/* An image missing on the host (check mode): shown by name. */
	w.image_id = NULL;
	value_unref(a);
	a = value_dict();
	assert_int_equal(container_differences(in, &w, NULL, a), 6);
	assert_string_equal(value_dict_get(a, "image")->u.str.s,
	    "cairn-busybox:1.0");
	want_free(&w);
	value_unref(in);
	value_unref(b);
	value_unref(a);
}

static void
test_create_args(void **state)
{
	struct container_want	 w;
	struct buf		 b = BUF_INIT;
	char			*cause = NULL;

	(void)state;
	want_same(&w);
	w.entrypoint = strlist("/bin/sh", "-c", NULL);
	value_unref(w.command);
	w.command = strlist("echo it's", NULL);
	assert_int_equal(container_create_args(&b, "web", &w, &cause), 0);
	assert_string_equal(buf_cstr(&b), " --name 'web' --entrypoint "
	    "'/bin/sh' --env 'A=b' --publish '8080:80' --volume "
	    "'/srv:/data:ro' --label 'x=y' --restart 'always' --network "
	    "'host' -- 'cairn-busybox:1.0' '-c' 'echo it'\\''s'");
	buf_reset(&b);
	value_unref(w.ports);
	w.ports = strlist("bad:port:x:y", NULL);
	assert_int_equal(container_create_args(&b, "web", &w, &cause), -1);
	assert_string_equal(cause, "bad published port 'bad:port:x:y'");
	free(cause);
	buf_release(&b);
	want_free(&w);
}

static void
test_image_split(void **state)
{
	char	*n, *t;

	(void)state;
	container_image_split("registry:5000/ns/app:1.2", &n, &t);
	assert_string_equal(n, "registry:5000/ns/app");
	assert_string_equal(t, "1.2");
	free(n);
	free(t);
	container_image_split("registry:5000/ns/app", &n, &t);
	assert_string_equal(n, "registry:5000/ns/app");
	assert_string_equal(t, "");
	free(n);
	free(t);
	container_image_split("app@sha256:abc", &n, &t);
	assert_string_equal(n, "app@sha256:abc");
	assert_string_equal(t, "");
	free(n);
	free(t);
}

static void
test_engine_script(void **state)
{
	struct buf	b = BUF_INIT;

	(void)state;
	container_engine_script(&b, "docker");
	assert_string_equal(buf_cstr(&b), "e='docker'\ncommand -v \"$e\" "
	    ">/dev/null 2>&1 || { echo \"$e not found on the host\" >&2; "
	    "exit 127; }\n");
	buf_reset(&b);
	container_engine_script(&b, "auto");
	assert_non_null(strstr(buf_cstr(&b), "command -v podman"));
	buf_release(&b);
}

static char *
validate_err(const char *module, struct value *raw)
{
	const struct module_entry	*m = module_find(module);
	struct mod_args			 a = { NULL };
	char				*cause = NULL;

	assert_non_null(m);
	if (module_prepare_args(m, raw, ARGS_STATIC, &a, &cause) == 0) {
		assert_int_equal(m->validate(&a, &cause), -1);
		mod_args_release(&a);
	}
	value_unref(raw);
	assert_non_null(cause);
	return cause;
}

static void
test_validate(void **state)
{
	struct value	*d;
	char		*c;

	(void)state;
	assert_ptr_equal(module_find("community.docker.docker_container"),
	    module_find("container"));
	assert_ptr_equal(module_find("containers.podman.podman_container"),
	    module_find("podman_container"));
	assert_ptr_equal(module_find("podman_image"),
	    module_find("container_image"));
	d = value_dict();
	value_dict_setstr(d, "name", "web");
	c = validate_err("docker_container", d);
	assert_string_equal(c, "state is started but all of the following "
	    "are missing: image");
	free(c);
	d = value_dict();
	value_dict_setstr(d, "name", "web");
	value_dict_setstr(d, "image", "x");
	value_dict_setstr(d, "restart", "sometimes");
	c = validate_err("container", d);
	assert_string_equal(c, "value of restart_policy must be one of: no, "
	    "on-failure, always, unless-stopped, got: sometimes");
	free(c);
	d = value_dict();
	value_dict_setstr(d, "name", "web");
	value_dict_setstr(d, "image", "x");
	value_dict_setstr(d, "pull", "often");
	c = validate_err("container", d);
	assert_string_equal(c, "pull must be a boolean, always, missing or "
	    "never");
	free(c);
	d = value_dict();
	value_dict_setstr(d, "name", "x");
	value_dict_setstr(d, "source", "load");
	c = validate_err("docker_image", d);
	assert_string_equal(c, "source is load but all of the following are "
	    "missing: load_path");
	free(c);
}

/* The image step and the decision between create, start, restart, stop. */
static void
test_pull_and_decide(void **state)
{
	struct buf	 s = BUF_INIT;
	char		*id;
	int		 pulled;

	(void)state;
	container_pull_script(&s, "never", 0);
	assert_non_null(strstr(buf_cstr(&s), "Cannot find image $i"));
	assert_null(strstr(buf_cstr(&s), "pull \"$i\""));
	buf_reset(&s);
	container_pull_script(&s, "always", 1);
	assert_non_null(strstr(buf_cstr(&s), "if true; then\n\techo pull=1"));
	buf_reset(&s);
	container_pull_script(&s, "missing", 0);
	assert_non_null(strstr(buf_cstr(&s), "if [ -z \"$id\" ]; then"));
	assert_non_null(strstr(buf_cstr(&s), "\"$e\" pull \"$i\""));
	assert_true(str_endswith(buf_cstr(&s), "echo \"id=$id\""));
	buf_release(&s);

	id = container_pull_parse("pull=1\nid=sha256:ab\n", &pulled);
	assert_string_equal(id, "sha256:ab");
	assert_int_equal(pulled, 1);
	free(id);
	assert_null(container_pull_parse("id=\n", &pulled));
	assert_int_equal(pulled, 0);

	/* exists, running, diffs, recreate, want_run, stopped, force */
	assert_int_equal(container_decide(0, 0, 0, 0, 1, 0, 0), CA_CREATE);
	assert_int_equal(container_decide(1, 1, 2, 0, 1, 0, 0), CA_CREATE);
	assert_int_equal(container_decide(1, 1, 0, 1, 0, 0, 0), CA_CREATE);
	assert_int_equal(container_decide(1, 0, 0, 0, 1, 0, 0), CA_START);
	assert_int_equal(container_decide(1, 1, 0, 0, 1, 0, 1), CA_RESTART);
	assert_int_equal(container_decide(1, 1, 0, 0, 1, 0, 0), CA_NONE);
	assert_int_equal(container_decide(1, 1, 0, 0, 0, 1, 0), CA_STOP);
	assert_int_equal(container_decide(1, 0, 0, 0, 0, 1, 0), CA_NONE);
	assert_int_equal(container_decide(1, 1, 0, 0, 0, 0, 0), CA_NONE);
}

static void
test_image_ref(void **state)
{
	char	*r;

	(void)state;
	r = container_image_ref("nginx", "latest");
	assert_string_equal(r, "nginx:latest");
	free(r);
	r = container_image_ref("nginx:1.25", "latest");	/* its own tag */
	assert_string_equal(r, "nginx:1.25");
	free(r);
	r = container_image_ref("registry:5000/app", "");
	assert_string_equal(r, "registry:5000/app");
	free(r);
	r = container_image_ref("app@sha256:abc", "latest");
	assert_string_equal(r, "app@sha256:abc");
	free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inspect_first),
		cmocka_unit_test(test_port_parse),
		cmocka_unit_test(test_same),
		cmocka_unit_test(test_env_changed),
		cmocka_unit_test(test_many_changed),
		cmocka_unit_test(test_create_args),
		cmocka_unit_test(test_image_split),
		cmocka_unit_test(test_engine_script),
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_pull_and_decide),
		cmocka_unit_test(test_image_ref),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
