/* Unit tests of the module layer, its pure decisions, and modules run on a local connection. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host.h"
#include "module.h"
#include "commands/command-common.h"
#include "files/file-plan.h"

/* Helpers. */

/* A dict from "k", value pairs, NULL-terminated; takes the values. */
static struct value *
dict(const char *k, ...)
{
	struct value	*d = value_dict();
	va_list		 ap;

	va_start(ap, k);
	while (k != NULL) {
		value_dict_set(d, k, va_arg(ap, struct value *));
		k = va_arg(ap, const char *);
	}
	va_end(ap);
	return d;
}

static char *
prepare_err(const char *module, struct value *raw, int flags)
{
	struct mod_args	 a = { NULL };
	char		*cause = NULL;

	assert_int_equal(module_prepare_args(module_find(module), raw, flags,
	    &a, &cause), -1);
	value_unref(raw);
	assert_non_null(cause);
	assert_null(a.v);
	return cause;
}

static void
prepare_ok(const char *module, struct value *raw, int flags,
    struct mod_args *a)
{
	char	*cause = NULL;
	int	 r;

	r = module_prepare_args(module_find(module), raw, flags, a, &cause);
	if (r != 0)
		fail_msg("prepare failed: %s", cause);
	value_unref(raw);
}

/* module_find */

static void
test_module_find(void **state)
{
	(void)state;
	assert_non_null(module_find("copy"));
	assert_ptr_equal(module_find("ansible.builtin.copy"),
	    module_find("copy"));
	assert_ptr_equal(module_find("ansible.legacy.copy"),
	    module_find("copy"));
	assert_string_equal(module_find("ansible.builtin.set_fact")->name,
	    "set_fact");
	assert_null(module_find("nosuchmodule"));
	assert_null(module_find("ansible.builtin.nosuch"));
}

/* module_resolve */

static void
resolve_write(const char *dir, const char *name, const char *code)
{
	char	*path = xasprintf("%s/library", dir);
	FILE	*f;

	mkdir(path, 0755);
	free(path);
	path = xasprintf("%s/library/%s.lua", dir, name);
	assert_non_null(f = fopen(path, "w"));
	fputs(code, f);
	fclose(f);
	free(path);
}

static void
test_module_resolve(void **state)
{
	static const char	 code[] = "local M = {}\n"
	    "function M.run(host, args) return {} end\nreturn M\n";
	char			 pb[] = "/tmp/cairn-resolve-XXXXXX";
	char			 role[] = "/tmp/cairn-resolve-XXXXXX";
	const struct module_entry *m;
	char			*cause = NULL;

	(void)state;
	assert_non_null(mkdtemp(pb));
	assert_non_null(mkdtemp(role));
	resolve_write(pb, "copy", code);
	resolve_write(pb, "pbonly", code);
	resolve_write(role, "pbonly", code);
	resolve_write(pb, "broken", "local M = {\n");
	/* the C table comes before any library/ */
	assert_ptr_equal(module_resolve("copy", role, pb, &cause),
	    module_find("copy"));
	assert_null(cause);
	/* a role's library/ comes before the playbook's */
	m = module_resolve("ns.coll.pbonly", role, pb, &cause);
	assert_non_null(m);
	assert_ptr_equal(m, module_resolve("pbonly", role, NULL, &cause));
	assert_ptr_not_equal(m, module_resolve("pbonly", NULL, pb, &cause));
	assert_null(module_resolve("nosuchmodule", role, pb, &cause));
	assert_null(cause);
	assert_null(module_resolve("no/such", NULL, pb, &cause));
	assert_null(cause);
	assert_null(module_resolve("broken", NULL, pb, &cause));
	assert_non_null(cause);
	free(cause);
	cause = xasprintf("rm -rf '%s' '%s'", pb, role);
	assert_int_equal(system(cause), 0);
	free(cause);
}

/* module_prepare_args */

static void
test_prepare_aliases_defaults(void **state)
{
	struct mod_args	 a;
	struct value	*v;

	(void)state;
	prepare_ok("file", dict("dest", value_str("/tmp/x"), "state",
	    value_str("directory"), NULL), 0, &a);
	assert_string_equal(args_str(&a, "path"), "/tmp/x");
	assert_null(args_get(&a, "dest"));
	assert_string_equal(args_str(&a, "state"), "directory");
	/* Defaults are filled in and typed. */
	v = args_get(&a, "follow");
	assert_non_null(v);
	assert_int_equal(v->type, V_BOOL);
	assert_int_equal(v->u.b, 1);
	assert_int_equal(args_get(&a, "recurse")->u.b, 0);
	/* No default, not given: absent. */
	assert_null(args_get(&a, "mode"));
	assert_false(args_has(&a, "owner"));
	mod_args_release(&a);
}

static void
test_prepare_twice(void **state)
{
	char	*cause;

	(void)state;
	cause = prepare_err("file", dict("path", value_str("/a"), "name",
	    value_str("/b"), NULL), 0);
	assert_string_equal(cause, "parameter 'path' given twice, as 'path' "
	    "and 'name'");
	free(cause);
}

static void
test_prepare_unknown(void **state)
{
	char	*cause;

	(void)state;
	cause = prepare_err("ping", dict("foo", value_str("x"), NULL), 0);
	assert_string_equal(cause, "unsupported parameter 'foo' for module "
	    "'ping'. Supported parameters include: data");
	free(cause);
	cause = prepare_err("stat", dict("path", value_str("/"), "bar",
	    value_int(1), NULL), 0);
	assert_string_equal(cause, "unsupported parameter 'bar' for module "
	    "'stat'. Supported parameters include: checksum_algorithm "
	    "(checksum, checksum_algo), follow, get_attributes (attr, "
	    "attributes), get_checksum, get_mime (mime, mime-type, "
	    "mime_type), path (dest, name)");
	free(cause);
}

static void
test_prepare_required_choices(void **state)
{
	char	*cause;

	(void)state;
	cause = prepare_err("file", dict("state", value_str("file"), NULL), 0);
	assert_string_equal(cause, "missing required arguments: path");
	free(cause);
	cause = prepare_err("file", dict("path", value_str("/x"), "state",
	    value_str("gone"), NULL), 0);
	assert_string_equal(cause, "value of state must be one of: absent, "
	    "directory, file, hard, link, touch, got: gone");
	free(cause);
	/* A null value is no value. */
	cause = prepare_err("file", dict("path", value_null(), NULL), 0);
	assert_string_equal(cause, "missing required arguments: path");
	free(cause);
}

static void
test_prepare_conversions(void **state)
{
	struct mod_args	 a;
	struct value	*v;
	char		*cause;

	(void)state;
	prepare_ok("file", dict("path", value_int(5), "recurse",
	    value_str("yes"), "force", value_str("off"), "state",
	    value_str("directory"), NULL), 0, &a);
	assert_string_equal(args_str(&a, "path"), "5");
	assert_int_equal(args_get(&a, "recurse")->type, V_BOOL);
	assert_int_equal(args_get(&a, "recurse")->u.b, 1);
	assert_int_equal(args_get(&a, "force")->u.b, 0);
	mod_args_release(&a);

	prepare_ok("debug", dict("verbosity", value_str("3"), NULL), 0, &a);
	v = args_get(&a, "verbosity");
	assert_int_equal(v->type, V_INT);
	assert_int_equal(v->u.i, 3);
	mod_args_release(&a);

	prepare_ok("command", dict("argv", value_str("ls,-l"), NULL), 0, &a);
	v = args_get(&a, "argv");
	assert_int_equal(v->type, V_LIST);
	assert_int_equal(v->u.list.n, 2);
	assert_string_equal(v->u.list.items[1]->u.str.s, "-l");
	mod_args_release(&a);

	cause = prepare_err("file", dict("path", value_str("/x"), "recurse",
	    value_str("maybe"), NULL), 0);
	assert_true(str_startswith(cause, "argument 'recurse' is of type str "
	    "and we were unable to convert to bool"));
	free(cause);
	cause = prepare_err("debug", dict("verbosity", value_str("lots"),
	    NULL), 0);
	assert_string_equal(cause, "argument 'verbosity' is of type str and "
	    "we were unable to convert to int");
	free(cause);
}

/* A fake module with a dict parameter, to test dict conversions. */
static const struct mod_param dict_params[] = {
	{ "d", P_DICT, 0, NULL, NULL, NULL },
	{ "pw", P_STR, P_SECRET, NULL, NULL, NULL },
	{ NULL }
};
static const struct module_entry dict_module = {
	.name = "dicty", .params = dict_params,
};

static void
test_prepare_dict_secret(void **state)
{
	struct mod_args	 a;
	struct value	*raw, *v;
	char		*cause = NULL;

	(void)state;
	raw = dict("d", value_str("a=1 b='x y',c=3"), "pw", value_str("s3"),
	    NULL);
	assert_int_equal(module_prepare_args(&dict_module, raw, 0, &a,
	    &cause), 0);
	v = args_get(&a, "d");
	assert_int_equal(v->type, V_DICT);
	assert_int_equal(v->u.dict.n, 3);
	assert_string_equal(value_dict_get(v, "b")->u.str.s, "x y");
	assert_string_equal(value_dict_get(v, "c")->u.str.s, "3");
	assert_true(args_get(&a, "pw")->flags & VALUE_SECRET);
	/* The caller's value is not marked. */
	assert_false(value_dict_get(raw, "pw")->flags & VALUE_SECRET);
	mod_args_release(&a);
	value_unref(raw);

	raw = dict("d", value_str("{\"k\": [1, 2]}"), NULL);
	assert_int_equal(module_prepare_args(&dict_module, raw, 0, &a,
	    &cause), 0);
	v = value_dict_get(args_get(&a, "d"), "k");
	assert_int_equal(v->type, V_LIST);
	assert_int_equal(v->u.list.n, 2);
	mod_args_release(&a);
	value_unref(raw);

	raw = dict("d", value_str("novalue"), NULL);
	assert_int_equal(module_prepare_args(&dict_module, raw, 0, &a,
	    &cause), -1);
	assert_string_equal(cause, "argument 'd' is of type str and we were "
	    "unable to convert to dict: dictionary requested, could not "
	    "parse JSON or key=value");
	free(cause);
	value_unref(raw);
}

static void
test_prepare_static(void **state)
{
	struct mod_args	 a;
	char		*cause;

	(void)state;
	/* Templates are not checked before the host is known... */
	prepare_ok("file", dict("path", value_str("/x"), "state",
	    value_str("{{ st }}"), "recurse", value_str("{{ r }}"), NULL),
	    ARGS_STATIC, &a);
	assert_string_equal(args_str(&a, "state"), "{{ st }}");
	assert_int_equal(args_get(&a, "recurse")->type, V_STR);
	mod_args_release(&a);
	/* ...but are when rendered (without ARGS_STATIC). */
	cause = prepare_err("file", dict("path", value_str("/x"), "state",
	    value_str("{{ st }}"), NULL), 0);
	assert_true(str_startswith(cause, "value of state must be one of"));
	free(cause);
	/* Unknown and missing parameters are refused either way. */
	cause = prepare_err("file", dict("state", value_str("{{ s }}"), NULL),
	    ARGS_STATIC);
	assert_string_equal(cause, "missing required arguments: path");
	free(cause);
}

static void
test_prepare_module_validate(void **state)
{
	struct mod_args	 a;
	char		*cause;

	(void)state;
	cause = prepare_err("copy", dict("dest", value_str("/x"), NULL), 0);
	assert_string_equal(cause, "src (or content) is required");
	free(cause);
	cause = prepare_err("copy", dict("dest", value_str("/x"), "src",
	    value_str("a"), "content", value_str("b"), NULL), 0);
	assert_string_equal(cause, "src and content are mutually exclusive");
	free(cause);
	cause = prepare_err("debug", dict("msg", value_str("a"), "var",
	    value_str("b"), NULL), 0);
	assert_string_equal(cause, "'msg' and 'var' are incompatible options");
	free(cause);
	/* set_fact takes any name, but only valid ones. */
	prepare_ok("set_fact", dict("foo", value_str("yes"), "n",
	    value_int(2), NULL), 0, &a);
	assert_string_equal(args_str(&a, "foo"), "yes");
	assert_int_equal(args_get(&a, "cacheable")->u.b, 0);
	mod_args_release(&a);
	cause = prepare_err("set_fact", dict("1x", value_int(1), NULL), 0);
	assert_true(str_startswith(cause, "The variable name '1x' is not "
	    "valid."));
	free(cause);
	cause = prepare_err("set_fact", dict("cacheable", value_bool(1),
	    NULL), 0);
	assert_string_equal(cause, "No key/value pairs provided, at least one "
	    "is required for this action to succeed");
	free(cause);
}

/* Modes. */

static void
test_mode_parse(void **state)
{
	struct value	*v;
	char		*cause = NULL, m[8];
	int		 o;

	(void)state;
	v = value_int(420);	/* YAML's 0644 */
	assert_int_equal(mode_parse(v, &o, &cause), 0);
	assert_int_equal(o, 0644);
	value_unref(v);
	v = value_int(644);	/* the famous mistake: 01204, as Ansible */
	assert_int_equal(mode_parse(v, &o, &cause), 0);
	assert_int_equal(o, 01204);
	value_unref(v);
	v = value_str("0755");
	assert_int_equal(mode_parse(v, &o, &cause), 0);
	assert_int_equal(o, 0755);
	value_unref(v);
	v = value_str("644");
	assert_int_equal(mode_parse(v, &o, &cause), 0);
	assert_int_equal(o, 0644);
	value_unref(v);
	v = value_str("0o2750");
	assert_int_equal(mode_parse(v, &o, &cause), 0);
	assert_int_equal(o, 02750);
	value_unref(v);
	v = value_str("u=rw,g=r,o=");
	assert_int_equal(mode_parse(v, &o, &cause), 0);
	assert_int_equal(o, -1);
	value_unref(v);
	v = value_str("rwx");
	assert_int_equal(mode_parse(v, &o, &cause), -1);
	assert_string_equal(cause, "bad symbolic permission for mode: rwx");
	free(cause);
	value_unref(v);
	v = value_str("u+q");
	assert_int_equal(mode_parse(v, &o, &cause), -1);
	free(cause);
	value_unref(v);
	mode_format(0644, m);
	assert_string_equal(m, "0644");
	mode_format(04755, m);
	assert_string_equal(m, "04755");
}

static mode_t
sym(const char *spec, mode_t cur, int isdir, mode_t umask)
{
	mode_t	out = 01;
	char	*cause = NULL;

	if (mode_apply_symbolic(spec, cur, isdir, umask, &out, &cause) != 0)
		fail_msg("%s: %s", spec, cause);
	return out;
}

static void
test_mode_symbolic(void **state)
{
	(void)state;
	assert_int_equal(sym("u+x", 0644, 0, 022), 0744);
	assert_int_equal(sym("a+X", 0644, 0, 022), 0644);
	assert_int_equal(sym("a+X", 0644, 1, 022), 0755);
	assert_int_equal(sym("a+X", 0744, 0, 022), 0755);
	assert_int_equal(sym("+w", 0444, 0, 022), 0644);
	assert_int_equal(sym("go-rwx", 0755, 0, 022), 0700);
	assert_int_equal(sym("u=rwx,g=rx,o=", 0, 0, 022), 0750);
	assert_int_equal(sym("g=u", 0640, 0, 022), 0660);
	assert_int_equal(sym("u+s,o+t", 0755, 1, 022), 05755);
	assert_int_equal(sym("u=rw", 04755, 0, 022), 0655);
	assert_int_equal(sym("a=r", 0777, 0, 022), 0444);
	assert_int_equal(sym("u+rw-x", 0700, 0, 022), 0600);
}

/* Pure decisions. */

static void
test_file_decide(void **state)
{
	struct host_stat	 st, src;
	struct file_plan	 p;
	enum file_action	 a;
	char			*cause = NULL;

	(void)state;
	memset(&st, 0, sizeof st);
	memset(&src, 0, sizeof src);
	memset(&p, 0, sizeof p);
	p.st = &st;
	p.path = "/x";

	p.want = FS_FILE;
	assert_int_equal(file_decide(&p, &a, &cause), -1);
	assert_string_equal(cause, "file (/x) is absent, cannot continue");
	free(cause);
	p.want = FS_DIRECTORY;
	assert_int_equal(file_decide(&p, &a, &cause), 0);
	assert_int_equal(a, FA_MKDIR);
	p.want = FS_ABSENT;
	assert_int_equal(file_decide(&p, &a, &cause), 0);
	assert_int_equal(a, FA_NONE);

	st.type = FT_FILE;
	st.nlink = 1;
	assert_int_equal(file_prev_state(&st), FS_FILE);
	assert_int_equal(file_decide(&p, &a, &cause), 0);
	assert_int_equal(a, FA_REMOVE);
	p.want = FS_DIRECTORY;
	assert_int_equal(file_decide(&p, &a, &cause), -1);
	assert_string_equal(cause, "/x already exists as a file");
	free(cause);
	p.want = FS_FILE;
	assert_int_equal(file_decide(&p, &a, &cause), 0);
	assert_int_equal(a, FA_ATTRS);
	p.want = FS_TOUCH;
	assert_int_equal(file_decide(&p, &a, &cause), 0);
	assert_int_equal(a, FA_TOUCH);

	/* Links. */
	p.want = FS_LINK;
	p.src = "/target";
	p.srcst = &src;
	src.type = FT_NONE;
	assert_int_equal(file_decide(&p, &a, &cause), -1);
	assert_string_equal(cause, "src file does not exist, use "
	    "\"force=yes\" if you really want to create the link: /target");
	free(cause);
	src.type = FT_FILE;
	assert_int_equal(file_decide(&p, &a, &cause), -1);
	assert_string_equal(cause, "refusing to convert from file to symlink "
	    "for /x");
	free(cause);
	p.force = 1;
	assert_int_equal(file_decide(&p, &a, &cause), 0);
	assert_int_equal(a, FA_LINK);
	p.force = 0;
	st.type = FT_LINK;
	strcpy(st.link, "/target");
	assert_int_equal(file_decide(&p, &a, &cause), 0);
	assert_int_equal(a, FA_ATTRS);
	strcpy(st.link, "/other");
	assert_int_equal(file_decide(&p, &a, &cause), 0);
	assert_int_equal(a, FA_LINK);
	st.type = FT_DIR;
	p.force = 1;
	p.dir_empty = 0;
	assert_int_equal(file_decide(&p, &a, &cause), -1);
	assert_string_equal(cause, "the directory /x is not empty, refusing "
	    "to convert it");
	free(cause);

	/* Hard links. */
	p.want = FS_HARD;
	p.force = 0;
	st.type = FT_FILE;
	st.nlink = 2;
	st.ino = 7;
	src.ino = 7;
	assert_int_equal(file_decide(&p, &a, &cause), 0);
	assert_int_equal(a, FA_ATTRS);
	src.ino = 8;
	assert_int_equal(file_decide(&p, &a, &cause), -1);
	assert_string_equal(cause, "Cannot link, different hard link exists "
	    "at destination");
	free(cause);
	st.type = FT_NONE;
	p.src = NULL;
	assert_int_equal(file_decide(&p, &a, &cause), -1);
	assert_string_equal(cause, "src is required for creating new "
	    "hardlinks");
	free(cause);
}

static void
test_command_skip(void **state)
{
	char	*m;

	(void)state;
	assert_null(command_skip_msg(NULL, 0, NULL, 0, 0));
	assert_null(command_skip_msg("/a", 0, "/b", 1, 0));
	m = command_skip_msg("/a", 1, NULL, 0, 0);
	assert_string_equal(m, "Did not run command since '/a' exists");
	free(m);
	m = command_skip_msg("/a", 1, NULL, 0, 1);
	assert_string_equal(m, "Would not run command since '/a' exists");
	free(m);
	m = command_skip_msg(NULL, 0, "/b", 0, 0);
	assert_string_equal(m, "Did not run command since '/b' does not "
	    "exist");
	free(m);
}

/* Runs the assignment in a local sh and returns what it printed. */
static char *
arg_expand(const char *arg)
{
	struct buf	 s = BUF_INIT, out = BUF_INIT;
	FILE		*f;
	char		 line[512];
	size_t		 n;

	buf_adds(&s, "HOME=/home/t; FOO=bar; unset NOPE\n");
	command_arg_assign(&s, "v", arg);
	buf_adds(&s, "printf %s \"$v\"");
	f = popen(buf_cstr(&s), "r");
	assert_non_null(f);
	while ((n = fread(line, 1, sizeof line, f)) > 0)
		buf_add(&out, line, n);
	pclose(f);
	buf_release(&s);
	return buf_detach(&out, NULL);
}

static void
test_command_arg(void **state)
{
	static const char *const cases[][2] = {
		{ "plain", "plain" },
		{ "it's", "it's" },
		{ "$FOO", "bar" },
		{ "x${FOO}y", "xbary" },
		{ "$NOPE/z", "$NOPE/z" },
		{ "${NOPE}", "${NOPE}" },
		{ "~", "/home/t" },
		{ "~/a b", "/home/t/a b" },
		{ "a~", "a~" },
		{ "$(touch /tmp/cairn-pwned)", "$(touch /tmp/cairn-pwned)" },
		{ "`id`;$", "`id`;$" },
		{ "", "" },
	};
	size_t	i;
	char	*got;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		got = arg_expand(cases[i][0]);
		assert_string_equal(got, cases[i][1]);
		free(got);
	}
}

static void
test_diff_dict_text(void **state)
{
	struct value	*d;
	char		*s;

	(void)state;
	d = dict("state", value_str("absent"), "path", value_str("/x"),
	    "mode", value_str("0644"), NULL);
	s = diff_dict_text(d);
	assert_string_equal(s, "{\n    \"mode\": \"0644\",\n    \"path\": "
	    "\"/x\",\n    \"state\": \"absent\"\n}\n");
	free(s);
	value_unref(d);
}

static void
test_result_helpers(void **state)
{
	struct result		 r = { NULL };
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct value		*l;

	(void)state;
	buf_adds(&res.out, "a\nb\r\nc");
	res.rc = 3;
	result_set_exec(&r, &res);
	assert_int_equal(value_dict_get(r.v, "rc")->u.i, 3);
	l = value_dict_get(r.v, "stdout_lines");
	assert_int_equal(l->u.list.n, 3);
	assert_string_equal(l->u.list.items[1]->u.str.s, "b");
	assert_int_equal(value_dict_get(r.v, "stderr_lines")->u.list.n, 0);
	assert_int_equal(result_fail(&r, "bad %d", 1), MOD_FAILED);
	assert_string_equal(value_dict_get(r.v, "msg")->u.str.s, "bad 1");
	result_diff(&r, "a", "x\n", "b", "y\n");
	l = value_dict_get(r.v, "diff");
	assert_int_equal(l->u.list.n, 1);
	assert_string_equal(value_dict_get(l->u.list.items[0],
	    "after")->u.str.s, "y\n");
	exec_result_release(&res);
	value_unref(r.v);
}

/* End to end, on a local connection in a temporary directory. */

struct e2e {
	struct conn	*conn;
	struct task_ctx	 ctx;
	char		 dir[64];
};

static int
e2e_setup(void **state)
{
	struct e2e	*e = xcalloc(1, sizeof *e);
	struct conn_opts o;
	char		*cause = NULL;

	memset(&o, 0, sizeof o);
	o.type = "local";
	strcpy(e->dir, "/tmp/cairn-test-module.XXXXXX");
	if (mkdtemp(e->dir) == NULL)
		return -1;
	if (conn_open(&o, &e->conn, &cause) != 0) {
		fprintf(stderr, "conn_open local: %s\n", cause);
		free(cause);
		return -1;
	}
	e->ctx.host_name = "localhost";
	e->ctx.conn = e->conn;
	e->ctx.playbook_dir = e->dir;
	*state = e;
	return 0;
}

static int
e2e_teardown(void **state)
{
	struct e2e	*e = *state;
	char		*cmd;

	conn_close(e->conn);
	cmd = xasprintf("rm -rf '%s'", e->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", e->dir);
	free(cmd);
	free(e->ctx.unreachable_msg);
	free(e);
	return 0;
}

/* Runs a module with raw args (taken); the result is returned in *r. */
static enum mod_status
run(struct e2e *e, const char *module, struct value *raw, struct result *r)
{
	const struct module_entry	*m = module_find(module);
	struct mod_args			 a;
	char				*cause = NULL;
	enum mod_status			 st;

	assert_non_null(m);
	if (module_prepare_args(m, raw, 0, &a, &cause) != 0)
		fail_msg("%s: %s", module, cause);
	value_unref(raw);
	value_unref(r->v);
	r->v = value_dict();
	st = m->run(&e->ctx, &a, r);
	mod_args_release(&a);
	return st;
}

static const char *
rstr(struct result *r, const char *key)
{
	struct value	*v = value_dict_get(r->v, key);

	if (v == NULL || v->type != V_STR)
		fail_msg("no string '%s' in the result", key);
	return v->u.str.s;
}

static char *
path_in(struct e2e *e, const char *name)
{
	return xasprintf("%s/%s", e->dir, name);
}

static mode_t
lmode(const char *path)
{
	struct stat	sb;

	if (lstat(path, &sb) != 0)
		return (mode_t)-1;
	return sb.st_mode;
}

static void
test_e2e_command(void **state)
{
	struct e2e	*e = *state;
	struct result	 r = { NULL };
	char		*p = path_in(e, "made"), *cmd;

	assert_int_equal(run(e, "command", dict("_raw_params",
	    value_str("echo 'hello  world' $HOME"), NULL), &r), MOD_CHANGED);
	cmd = xasprintf("hello  world %s", getenv("HOME"));
	assert_string_equal(rstr(&r, "stdout"), cmd);
	free(cmd);
	assert_int_equal(value_dict_get(r.v, "rc")->u.i, 0);
	assert_int_equal(value_dict_get(r.v, "cmd")->u.list.n, 3);
	assert_non_null(value_dict_get(r.v, "delta"));

	/* No shell: ; and | are plain arguments. */
	assert_int_equal(run(e, "command", dict("argv",
	    value_str("echo,a;b"), NULL), &r), MOD_CHANGED);
	assert_string_equal(rstr(&r, "stdout"), "a;b");

	assert_int_equal(run(e, "command", dict("cmd", value_str("false"),
	    NULL), &r), MOD_FAILED);
	assert_string_equal(rstr(&r, "msg"), "non-zero return code");
	assert_int_equal(value_dict_get(r.v, "rc")->u.i, 1);

	/* creates/removes, relative to chdir. */
	assert_int_equal(run(e, "command", dict("_raw_params",
	    value_str("touch made"), "chdir", value_str(e->dir), "creates",
	    value_str("made"), NULL), &r), MOD_CHANGED);
	assert_int_equal(access(p, F_OK), 0);
	assert_int_equal(run(e, "command", dict("_raw_params",
	    value_str("touch made"), "chdir", value_str(e->dir), "creates",
	    value_str("ma*"), NULL), &r), MOD_OK);
	assert_string_equal(rstr(&r, "msg"), "Did not run command since "
	    "'ma*' exists");
	assert_string_equal(rstr(&r, "stdout"), "skipped, since ma* exists");
	assert_int_equal(run(e, "command", dict("_raw_params",
	    value_str("rm made"), "chdir", value_str(e->dir), "removes",
	    value_str("nothere"), NULL), &r), MOD_OK);
	assert_string_equal(rstr(&r, "msg"), "Did not run command since "
	    "'nothere' does not exist");
	assert_int_equal(run(e, "command", dict("_raw_params",
	    value_str("true"), "chdir", value_str("/nonexistent/dir"), NULL),
	    &r), MOD_FAILED);
	assert_string_equal(rstr(&r, "msg"), "Unable to change directory "
	    "before execution: [Errno 2] No such file or directory: "
	    "'/nonexistent/dir'");

	/* Check mode: skipped, unless creates/removes decide. */
	e->ctx.check_mode = 1;
	assert_int_equal(run(e, "command", dict("_raw_params",
	    value_str("rm made"), "chdir", value_str(e->dir), NULL), &r),
	    MOD_SKIPPED);
	assert_string_equal(rstr(&r, "msg"), "Command would have run if not "
	    "in check mode");
	assert_int_equal(run(e, "command", dict("_raw_params",
	    value_str("rm made"), "chdir", value_str(e->dir), "removes",
	    value_str("made"), NULL), &r), MOD_CHANGED);
	e->ctx.check_mode = 0;
	assert_int_equal(access(p, F_OK), 0);

	/* stdin, and trailing newlines stripped. */
	assert_int_equal(run(e, "command", dict("_raw_params",
	    value_str("cat"), "stdin", value_str("in put"), NULL), &r),
	    MOD_CHANGED);
	assert_string_equal(rstr(&r, "stdout"), "in put");
	free(p);
	value_unref(r.v);
}

static void
test_e2e_shell_raw(void **state)
{
	struct e2e	*e = *state;
	struct result	 r = { NULL };

	assert_int_equal(run(e, "shell", dict("_raw_params",
	    value_str("echo one | tr o O; echo two >&2; exit 0"), NULL), &r),
	    MOD_CHANGED);
	assert_string_equal(rstr(&r, "stdout"), "One");
	assert_string_equal(rstr(&r, "stderr"), "two");
	assert_string_equal(rstr(&r, "cmd"), "echo one | tr o O; echo two "
	    ">&2; exit 0");
	/* exit and cd do not leak into the persistent shell. */
	assert_int_equal(run(e, "shell", dict("_raw_params",
	    value_str("cd /; exit 4"), NULL), &r), MOD_FAILED);
	assert_int_equal(value_dict_get(r.v, "rc")->u.i, 4);
	assert_int_equal(run(e, "raw", dict("_raw_params",
	    value_str("printf 'x\\n\\n'"), NULL), &r), MOD_CHANGED);
	assert_string_equal(rstr(&r, "stdout"), "x\n\n");
	assert_int_equal(run(e, "ping", dict(NULL), &r), MOD_OK);
	assert_string_equal(rstr(&r, "ping"), "pong");
	assert_int_equal(run(e, "ping", dict("data", value_str("crash"),
	    NULL), &r), MOD_FAILED);
	e->ctx.check_mode = 1;
	assert_int_equal(run(e, "raw", dict("_raw_params", value_str("true"),
	    NULL), &r), MOD_SKIPPED);
	e->ctx.check_mode = 0;
	value_unref(r.v);
}

static void
test_e2e_file(void **state)
{
	struct e2e	*e = *state;
	struct result	 r = { NULL };
	char		*d = path_in(e, "d/e/f"), *top = path_in(e, "d");
	char		*f = path_in(e, "d/file"), *l = path_in(e, "d/link");
	char		 target[256];
	ssize_t		 n;

	/* Directories, with the mode on every new one. */
	assert_int_equal(run(e, "file", dict("path", value_str(d), "state",
	    value_str("directory"), "mode", value_str("0750"), NULL), &r),
	    MOD_CHANGED);
	assert_true(S_ISDIR(lmode(d)));
	assert_int_equal(lmode(d) & 07777, 0750);
	assert_int_equal(lmode(top) & 07777, 0750);
	assert_string_equal(rstr(&r, "mode"), "0750");
	assert_string_equal(rstr(&r, "state"), "directory");
	assert_int_equal(run(e, "file", dict("path", value_str(d), "state",
	    value_str("directory"), "mode", value_int(0750), NULL), &r),
	    MOD_OK);

	/* Check mode changes nothing, but says what would change. */
	e->ctx.check_mode = 1;
	e->ctx.diff_mode = 1;
	assert_int_equal(run(e, "file", dict("path", value_str(d), "mode",
	    value_str("u=rwx,go=rx"), NULL), &r), MOD_CHANGED);
	assert_int_equal(lmode(d) & 07777, 0750);
	{
		struct value *dl = value_dict_get(r.v, "diff");

		assert_non_null(dl);
		char *want = xasprintf("{\n    \"mode\": \"0750\",\n    "
		    "\"path\": \"%s\"\n}\n", d);

		assert_string_equal(value_dict_get(dl->u.list.items[0],
		    "before")->u.str.s, want);
		free(want);
		assert_non_null(strstr(value_dict_get(dl->u.list.items[0],
		    "after")->u.str.s, "\"mode\": \"0755\""));
	}
	e->ctx.check_mode = 0;
	e->ctx.diff_mode = 0;
	assert_int_equal(run(e, "file", dict("path", value_str(d), "mode",
	    value_str("u=rwx,go=rx"), NULL), &r), MOD_CHANGED);
	assert_int_equal(lmode(d) & 07777, 0755);

	/* state=file refuses a missing file; touch creates it. */
	assert_int_equal(run(e, "file", dict("path", value_str(f), NULL), &r),
	    MOD_FAILED);
	assert_non_null(strstr(rstr(&r, "msg"), "is absent, cannot continue"));
	assert_int_equal(run(e, "file", dict("path", value_str(f), "state",
	    value_str("touch"), "mode", value_str("0600"), NULL), &r),
	    MOD_CHANGED);
	assert_int_equal(lmode(f) & 07777, 0600);
	assert_int_equal(run(e, "file", dict("path", value_str(f), "mode",
	    value_str("0600"), NULL), &r), MOD_OK);
	assert_string_equal(rstr(&r, "state"), "file");
	assert_int_equal(value_dict_get(r.v, "size")->u.i, 0);

	/* Links. */
	assert_int_equal(run(e, "file", dict("path", value_str(l), "src",
	    value_str("file"), "state", value_str("link"), NULL), &r),
	    MOD_CHANGED);
	n = readlink(l, target, sizeof target - 1);
	assert_true(n > 0);
	target[n] = '\0';
	assert_string_equal(target, "file");
	assert_int_equal(run(e, "file", dict("path", value_str(l), "src",
	    value_str("file"), "state", value_str("link"), NULL), &r),
	    MOD_OK);
	assert_string_equal(rstr(&r, "dest"), l);
	assert_int_equal(run(e, "file", dict("path", value_str(l), "src",
	    value_str("nothere"), "state", value_str("link"), NULL), &r),
	    MOD_FAILED);

	/* Absent, idempotent. */
	assert_int_equal(run(e, "file", dict("path", value_str(top), "state",
	    value_str("absent"), NULL), &r), MOD_CHANGED);
	assert_int_equal(access(top, F_OK), -1);
	assert_int_equal(run(e, "file", dict("path", value_str(top), "state",
	    value_str("absent"), NULL), &r), MOD_OK);
	assert_string_equal(rstr(&r, "state"), "absent");
	free(d);
	free(top);
	free(f);
	free(l);
	value_unref(r.v);
}

static char *
slurp(const char *path)
{
	struct buf	b = BUF_INIT;

	if (read_file(path, &b) != 0)
		return NULL;
	buf_cstr(&b);
	return buf_detach(&b, NULL);
}

static void
test_e2e_copy(void **state)
{
	struct e2e	*e = *state;
	struct result	 r = { NULL };
	char		*dest = path_in(e, "conf"), *s, *cmd, *src;
	struct value	*bk;
	FILE		*f;

	assert_int_equal(run(e, "copy", dict("content", value_str("one\n"),
	    "dest", value_str(dest), "mode", value_int(0640), NULL), &r),
	    MOD_CHANGED);
	s = slurp(dest);
	assert_string_equal(s, "one\n");
	free(s);
	assert_int_equal(lmode(dest) & 07777, 0640);
	{
		char sum[41];

		sha1_hex("one\n", 4, sum);
		assert_string_equal(rstr(&r, "checksum"), sum);
	}
	assert_string_equal(rstr(&r, "mode"), "0640");
	assert_int_equal(value_dict_get(r.v, "size")->u.i, 4);
	/* Second run: nothing to do. */
	assert_int_equal(run(e, "copy", dict("content", value_str("one\n"),
	    "dest", value_str(dest), "mode", value_str("0640"), NULL), &r),
	    MOD_OK);
	/* Only the mode differs. */
	assert_int_equal(run(e, "copy", dict("content", value_str("one\n"),
	    "dest", value_str(dest), "mode", value_str("0600"), NULL), &r),
	    MOD_CHANGED);
	assert_int_equal(lmode(dest) & 07777, 0600);

	/* Check mode with diff: nothing written, diff shown. */
	e->ctx.check_mode = 1;
	e->ctx.diff_mode = 1;
	assert_int_equal(run(e, "copy", dict("content", value_str("two\n"),
	    "dest", value_str(dest), NULL), &r), MOD_CHANGED);
	s = slurp(dest);
	assert_string_equal(s, "one\n");
	free(s);
	bk = value_dict_get(r.v, "diff");
	assert_non_null(bk);
	assert_string_equal(value_dict_get(bk->u.list.items[0],
	    "before")->u.str.s, "one\n");
	assert_string_equal(value_dict_get(bk->u.list.items[0],
	    "after")->u.str.s, "two\n");
	e->ctx.check_mode = 0;
	e->ctx.diff_mode = 0;

	/* Backup keeps the old content; the mode is kept. */
	assert_int_equal(run(e, "copy", dict("content", value_str("two\n"),
	    "dest", value_str(dest), "backup", value_bool(1), NULL), &r),
	    MOD_CHANGED);
	s = slurp(rstr(&r, "backup_file"));
	assert_non_null(s);
	assert_string_equal(s, "one\n");
	free(s);
	assert_true(str_startswith(rstr(&r, "backup_file"), dest));
	assert_true(str_endswith(rstr(&r, "backup_file"), "~"));
	assert_int_equal(lmode(dest) & 07777, 0600);

	/* A failing validate leaves the file alone and no temp file. */
	assert_int_equal(run(e, "copy", dict("content", value_str("bad\n"),
	    "dest", value_str(dest), "validate", value_str("grep -q good %s"),
	    NULL), &r), MOD_FAILED);
	s = slurp(dest);
	assert_string_equal(s, "two\n");
	free(s);
	cmd = xasprintf("test -z \"$(ls -A '%s' | grep cairn)\"", e->dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	assert_int_equal(run(e, "copy", dict("content", value_str("good\n"),
	    "dest", value_str(dest), "validate", value_str("grep -q good %s"),
	    NULL), &r), MOD_CHANGED);

	/* src from the controller, dest a directory. */
	src = path_in(e, "files");
	mkdir(src, 0755);
	free(src);
	src = path_in(e, "files/app.txt");
	f = fopen(src, "w");
	assert_non_null(f);
	fputs("app\n", f);
	fclose(f);
	free(src);
	s = path_in(e, "out");
	mkdir(s, 0755);
	assert_int_equal(run(e, "copy", dict("src", value_str("app.txt"),
	    "dest", value_str(s), NULL), &r), MOD_CHANGED);
	free(s);
	s = path_in(e, "out/app.txt");
	assert_string_equal(rstr(&r, "dest"), s);
	src = slurp(s);
	assert_string_equal(src, "app\n");
	free(src);
	free(s);
	assert_int_equal(run(e, "copy", dict("src", value_str("missing.txt"),
	    "dest", value_str(dest), NULL), &r), MOD_FAILED);
	free(dest);
	value_unref(r.v);
}

static void
test_e2e_stat(void **state)
{
	struct e2e	*e = *state;
	struct result	 r = { NULL };
	struct value	*st;
	char		*p = path_in(e, "st"), *l = path_in(e, "stl");
	FILE		*f;

	f = fopen(p, "w");
	assert_non_null(f);
	fputs("abc", f);
	fclose(f);
	chmod(p, 0604);
	assert_int_equal(symlink("st", l), 0);

	assert_int_equal(run(e, "stat", dict("path", value_str(p), NULL), &r),
	    MOD_OK);
	st = value_dict_get(r.v, "stat");
	assert_true(value_dict_get(st, "exists")->u.b);
	assert_true(value_dict_get(st, "isreg")->u.b);
	assert_false(value_dict_get(st, "isdir")->u.b);
	assert_string_equal(value_dict_get(st, "mode")->u.str.s, "0604");
	assert_int_equal(value_dict_get(st, "size")->u.i, 3);
	assert_int_equal(value_dict_get(st, "uid")->u.i, getuid());
	assert_string_equal(value_dict_get(st, "checksum")->u.str.s,
	    "a9993e364706816aba3e25717850c26c9cd0d89d");
	assert_true(value_dict_get(st, "roth")->u.b);
	assert_false(value_dict_get(st, "woth")->u.b);

	assert_int_equal(run(e, "stat", dict("path", value_str(l),
	    "checksum_algorithm", value_str("sha256"), NULL), &r), MOD_OK);
	st = value_dict_get(r.v, "stat");
	assert_true(value_dict_get(st, "islnk")->u.b);
	assert_string_equal(value_dict_get(st, "lnk_target")->u.str.s, "st");
	assert_string_equal(value_dict_get(st, "lnk_source")->u.str.s, p);
	assert_null(value_dict_get(st, "checksum"));

	assert_int_equal(run(e, "stat", dict("path", value_str(l), "follow",
	    value_bool(1), "checksum_algorithm", value_str("sha256"), NULL),
	    &r), MOD_OK);
	st = value_dict_get(r.v, "stat");
	assert_false(value_dict_get(st, "islnk")->u.b);
	assert_string_equal(value_dict_get(st, "checksum")->u.str.s,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

	assert_int_equal(run(e, "stat", dict("path", value_str("/nonexistent"),
	    NULL), &r), MOD_OK);
	st = value_dict_get(r.v, "stat");
	assert_false(value_dict_get(st, "exists")->u.b);
	assert_int_equal(st->u.dict.n, 1);
	free(p);
	free(l);
	value_unref(r.v);
}

static void
test_e2e_local_modules(void **state)
{
	struct e2e	*e = *state;
	struct result	 r = { NULL };
	struct value	*facts;

	assert_int_equal(run(e, "debug", dict(NULL), &r), MOD_OK);
	assert_string_equal(rstr(&r, "msg"), "Hello world!");
	assert_int_equal(run(e, "debug", dict("msg", value_str("hi"),
	    "verbosity", value_int(2), NULL), &r), MOD_SKIPPED);
	e->ctx.verbosity = 2;
	assert_int_equal(run(e, "debug", dict("msg", value_str("hi"),
	    "verbosity", value_int(2), NULL), &r), MOD_OK);
	e->ctx.verbosity = 0;
	assert_int_equal(run(e, "set_fact", dict("a", value_str("yes"), "b",
	    value_str("text"), "cacheable", value_str("yes"), NULL), &r),
	    MOD_OK);
	facts = value_dict_get(r.v, "ansible_facts");
	assert_int_equal(facts->u.dict.n, 2);
	assert_int_equal(value_dict_get(facts, "a")->type, V_BOOL);
	assert_string_equal(value_dict_get(facts, "b")->u.str.s, "text");
	assert_true(value_dict_get(r.v, "_ansible_facts_cacheable")->u.b);
	value_unref(r.v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_module_find),
		cmocka_unit_test(test_module_resolve),
		cmocka_unit_test(test_prepare_aliases_defaults),
		cmocka_unit_test(test_prepare_twice),
		cmocka_unit_test(test_prepare_unknown),
		cmocka_unit_test(test_prepare_required_choices),
		cmocka_unit_test(test_prepare_conversions),
		cmocka_unit_test(test_prepare_dict_secret),
		cmocka_unit_test(test_prepare_static),
		cmocka_unit_test(test_prepare_module_validate),
		cmocka_unit_test(test_mode_parse),
		cmocka_unit_test(test_mode_symbolic),
		cmocka_unit_test(test_file_decide),
		cmocka_unit_test(test_command_skip),
		cmocka_unit_test(test_command_arg),
		cmocka_unit_test(test_diff_dict_text),
		cmocka_unit_test(test_result_helpers),
	};
	const struct CMUnitTest e2e[] = {
		cmocka_unit_test(test_e2e_command),
		cmocka_unit_test(test_e2e_shell_raw),
		cmocka_unit_test(test_e2e_file),
		cmocka_unit_test(test_e2e_copy),
		cmocka_unit_test(test_e2e_stat),
		cmocka_unit_test(test_e2e_local_modules),
	};
	int	failed;

	failed = cmocka_run_group_tests_name("module", tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("module-local", e2e, e2e_setup,
	    e2e_teardown);
	return failed != 0;
}
