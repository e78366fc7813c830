/* Unit tests of Lua modules: loading, parameters, the sandbox, limits, tracebacks, the host API. */
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

#include "expr.h"
#include "host.h"
#include "luamod.h"
#include "module.h"

static char	 tdir[64];

/* Writes a file under the test directory; the path is static. */
static const char *
write_lua(const char *name, const char *text)
{
	static char	 path[256];
	FILE		*f;

	snprintf(path, sizeof path, "%s/%s", tdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static const struct module_entry *
load_ok(const char *name, const char *text)
{
	const struct module_entry	*m = NULL;
	char				*cause = NULL, file[128];

	snprintf(file, sizeof file, "%s.lua", name);
	if (luamod_load(write_lua(file, text), name, &m, &cause) != 0)
		fail_msg("load failed: %s", cause);
	assert_non_null(m);
	return m;
}

static char *
load_err(const char *name, const char *text)
{
	const struct module_entry	*m = NULL;
	char				*cause = NULL, file[128];

	snprintf(file, sizeof file, "%s.lua", name);
	assert_int_equal(luamod_load(write_lua(file, text), name, &m, &cause),
	    -1);
	assert_non_null(cause);
	return cause;
}

static char *
eval_ok(const char *code)
{
	char	*out = NULL, *cause = NULL;

	if (luamod_eval(code, &out, &cause) != 0)
		fail_msg("eval '%s' failed: %s", code, cause);
	return out;
}

static void
eval_is(const char *code, const char *want)
{
	char	*out = eval_ok(code);

	assert_string_equal(out, want);
	free(out);
}

/* The error of a chunk must contain want. */
static void
eval_err(const char *code, const char *want)
{
	char	*out = NULL, *cause = NULL;

	if (luamod_eval(code, &out, &cause) == 0)
		fail_msg("eval '%s' succeeded: %s", code, out);
	if (strstr(cause, want) == NULL)
		fail_msg("eval '%s': '%s' does not contain '%s'", code, cause,
		    want);
	free(cause);
}

static const char *const GREET =
    "local M = {}\n"
    "M.params = {\n"
    "  name  = { type = \"str\", required = true },\n"
    "  state = { type = \"str\", default = \"present\",\n"
    "            choices = { \"present\", \"absent\" } },\n"
    "  mode  = { type = \"str\", aliases = { \"perm\" } },\n"
    "  force = { type = \"bool\", default = true },\n"
    "  count = { type = \"int\", default = 3 },\n"
    "  token = { type = \"str\", no_log = true },\n"
    "  items = { type = \"list\", default = { \"a\", \"b\" } },\n"
    "}\n"
    "M.supports_check = true\n"
    "function M.run(host, args)\n"
    "  return { changed = args.state == \"present\", msg = \"hi \" .. args.name,\n"
    "           n = args.count, items = args.items, force = args.force }\n"
    "end\n"
    "return M\n";

/* Parameters. */

static void
test_params_table(void **state)
{
	const struct module_entry	*m = load_ok("greet", GREET);
	const struct mod_param		*p = m->params;

	assert_string_equal(m->name, "greet");
	assert_int_equal(m->flags, MOD_SUPPORTS_CHECK | MOD_SUPPORTS_DIFF);
	/* sorted by name */
	assert_string_equal(p[0].name, "count");
	assert_int_equal(p[0].type, P_INT);
	assert_string_equal(p[0].def, "3");
	assert_string_equal(p[1].name, "force");
	assert_int_equal(p[1].type, P_BOOL);
	assert_string_equal(p[1].def, "yes");
	assert_string_equal(p[2].name, "items");
	assert_int_equal(p[2].type, P_LIST);
	assert_null(p[2].def);
	assert_string_equal(p[3].name, "mode");
	assert_string_equal(p[3].aliases[0], "perm");
	assert_null(p[3].aliases[1]);
	assert_string_equal(p[4].name, "name");
	assert_int_equal(p[4].flags, P_REQUIRED);
	assert_string_equal(p[5].name, "state");
	assert_string_equal(p[5].choices[0], "present");
	assert_string_equal(p[5].choices[1], "absent");
	assert_null(p[5].choices[2]);
	assert_string_equal(p[6].name, "token");
	assert_int_equal(p[6].flags, P_SECRET);
	assert_null(p[7].name);
}

static char *
prepare_err(const struct module_entry *m, struct value *raw)
{
	struct mod_args	 a = { NULL };
	char		*cause = NULL;

	assert_int_equal(module_prepare_args(m, raw, 0, &a, &cause), -1);
	value_unref(raw);
	assert_non_null(cause);
	return cause;
}

static void
test_params_validation(void **state)
{
	const struct module_entry	*m = load_ok("greet", GREET);
	struct value			*raw;
	struct mod_args			 a = { NULL };
	char				*cause = NULL;

	raw = value_dict();
	cause = prepare_err(m, raw);
	assert_string_equal(cause, "missing required arguments: name");
	free(cause);

	raw = value_dict();
	value_dict_setstr(raw, "name", "x");
	value_dict_setstr(raw, "state", "bogus");
	cause = prepare_err(m, raw);
	assert_string_equal(cause, "value of state must be one of: present, "
	    "absent, got: bogus");
	free(cause);

	raw = value_dict();
	value_dict_setstr(raw, "name", "x");
	value_dict_setstr(raw, "colour", "red");
	cause = prepare_err(m, raw);
	assert_non_null(strstr(cause, "unsupported parameter 'colour' for "
	    "module 'greet'"));
	free(cause);

	/* aliases, defaults and conversions as for a C module */
	raw = value_dict();
	value_dict_setstr(raw, "name", "x");
	value_dict_setstr(raw, "perm", "0644");
	value_dict_setstr(raw, "count", "7");
	assert_int_equal(module_prepare_args(m, raw, 0, &a, &cause), 0);
	value_unref(raw);
	assert_string_equal(args_str(&a, "mode"), "0644");
	assert_int_equal(args_int(&a, "count", 0), 7);
	assert_int_equal(args_bool(&a, "force", 0), 1);
	assert_string_equal(args_str(&a, "state"), "present");
	mod_args_release(&a);
}

static void
test_load_errors(void **state)
{
	char	*cause;

	cause = load_err("syntax", "local M = {}\n\nfunction M.run(\nreturn M\n");
	assert_non_null(strstr(cause, "/syntax.lua:4:"));
	free(cause);

	cause = load_err("norun", "return { params = {} }\n");
	assert_non_null(strstr(cause, "/norun.lua: the module table has no "
	    "run function"));
	free(cause);

	cause = load_err("notable", "return 42\n");
	assert_non_null(strstr(cause, "a module must return a table (it "
	    "returned a number)"));
	free(cause);

	cause = load_err("badtype", "return { run = function() end, params ="
	    " { x = { type = \"strr\" } } }\n");
	assert_non_null(strstr(cause, "/badtype.lua: parameter 'x': unknown "
	    "type 'strr'"));
	free(cause);

	cause = load_err("badkey", "return { run = function() end, params ="
	    " { x = { type = \"str\", requird = true } } }\n");
	assert_non_null(strstr(cause, "parameter 'x': unknown key 'requird'"));
	free(cause);

	cause = load_err("toperr", "local x = nil\nreturn x.y\n");
	assert_non_null(strstr(cause, "/toperr.lua:2: attempt to index"));
	assert_non_null(strstr(cause, "stack traceback:"));
	free(cause);
}

/* The sandbox. */

static void
test_sandbox_forbidden(void **state)
{
	eval_is("return io == nil", "true");
	eval_is("return os.execute == nil and os.remove == nil and "
	    "os.exit == nil and os.rename == nil and os.tmpname == nil", "true");
	eval_is("return dofile == nil and loadfile == nil", "true");
	eval_is("return debug == nil and package == nil", "true");
	eval_is("return string.dump == nil", "true");
	eval_is("return getmetatable('') == false", "true");
	eval_err("return os.execute('true')", "attempt to call a nil value");
	eval_err("return io.open('/etc/passwd')", "attempt to index a nil "
	    "value (global 'io')");
	eval_err("return load('return 1', 'x', 'b')", "mode 'b' refused");
	eval_err("return load('return 1', 'x', 'bt')", "mode 'bt' refused");
	eval_is("return select(2, load('\\27Lua binary'))",
	    "attempt to load a binary chunk (mode is 't')");
	eval_err("return load(function() return nil end)",
	    "only strings can be loaded");
	eval_err("return require('os')", "module 'os' not found");
	eval_err("return require('../etc/passwd')", "bad module name");
	eval_err("return collectgarbage('stop')", "option 'stop' refused");
	/* what is allowed */
	eval_is("return type(os.time()) .. type(os.getenv('PATH'))",
	    "numberstring");
	eval_is("return load('return 6 * 7')()", "42");
	eval_is("return string.format('%05.1f', math.pi) .. utf8.char(233)",
	    "003.1\xc3\xa9");
	/* a module's changes to a library stay its own */
	eval_is("string.upper = nil; return 1", "1");
	eval_is("return string.upper('a')", "A");
}

static void
test_sandbox_budget(void **state)
{
	luamod_set_limits(1000000, 0);
	eval_err("while true do end", "instruction budget exceeded (1000000 "
	    "instructions)");
	eval_err("local n = 0\nwhile true do n = n + 1 end",
	    "eval:2: instruction budget exceeded");
	/* pcall cannot swallow it */
	eval_err("while true do pcall(function() while true do end end) end",
	    "instruction budget exceeded");
	eval_err("local ok = pcall(function() while true do end end)\n"
	    "return 'escaped'", "instruction budget exceeded");
	/* the state is still usable, and a new call gets a fresh budget */
	eval_is("local n = 0 for i = 1, 1000 do n = n + i end return n",
	    "500500");
	luamod_set_limits(LUAMOD_DEF_INSTRUCTIONS, 0);
}

static void
test_sandbox_memory(void **state)
{
	luamod_set_limits(0, (size_t)8 << 20);
	eval_err("local t = {} for i = 1, 1e8 do t[i] = string.rep('x', 100)"
	    " .. i end", "memory limit exceeded (8 MiB allowed per call)");
	eval_err("return string.rep('x', 64 * 1024 * 1024)",
	    "memory limit exceeded");
	eval_err("local ok, e = pcall(string.rep, 'x', 1e9) return 'escaped'",
	    "memory limit exceeded");
	eval_is("return #string.rep('x', 1024 * 1024)", "1048576");
	luamod_set_limits(0, LUAMOD_DEF_MEMORY);
}

static void
test_cairn_library(void **state)
{
	eval_is("return cairn.quote(\"it's\")", "'it'\\''s'");
	eval_is("return cairn.json.encode({ a = { 1, 2, cairn.null } })",
	    "{\"a\": [1, 2, null]}");
	eval_is("local v = cairn.json.decode('{\"x\": [true, 1.5, \"s\"]}') "
	    "return tostring(v.x[1]) .. v.x[2] .. v.x[3]", "true1.5s");
	eval_is("return cairn.json.encode(cairn.json.decode('[]'))", "[]");
	eval_is("return select(2, cairn.json.decode('{'))  ~= nil", "true");
	eval_is("return table.concat({ cairn.regex.find('abc123', '\\\\d+') },"
	    " ',')", "4,6");
	eval_is("local m = cairn.regex.match('k = v', "
	    "'^(?<key>\\\\w+)\\\\s*=\\\\s*(\\\\w+)$') return m.key .. m[2] .. m[0]",
	    "kvk = v");
	eval_is("return cairn.regex.match('abc', 'x') == nil", "true");
	eval_is("return cairn.regex.gsub('a1b22', '\\\\d+', '<$0>')",
	    "a<1>b<22>");
	eval_is("return select(2, cairn.regex.gsub('a1b22', '\\\\d', '#'))",
	    "3");
	eval_is("return table.concat(cairn.regex.split('a, b,,c', ',\\\\s*'),"
	    " '|')", "a|b||c");
	eval_is("return cairn.regex.find('ABC', 'b', 'i')", "2");
	eval_err("return cairn.regex.find('a', '(')", "bad pattern '('");
	eval_err("cairn.fail('nope')", "nope");
}

/* Running modules. */

struct e2e {
	struct conn	*conn;
	struct task_ctx	 ctx;
};

static int
e2e_setup(void **state)
{
	struct e2e	*e = xcalloc(1, sizeof *e);
	struct conn_opts o;
	char		*cause = NULL;

	memset(&o, 0, sizeof o);
	o.type = "local";
	if (conn_open(&o, &e->conn, &cause) != 0) {
		fprintf(stderr, "conn_open local: %s\n", cause);
		free(cause);
		return -1;
	}
	e->ctx.host_name = "localhost";
	e->ctx.conn = e->conn;
	e->ctx.playbook_dir = tdir;
	*state = e;
	return 0;
}

static int
e2e_teardown(void **state)
{
	struct e2e	*e = *state;

	conn_close(e->conn);
	free(e->ctx.unreachable_msg);
	free(e);
	return 0;
}

/* Loads text as module name, runs it with raw args (taken). */
static enum mod_status
run_mod(struct e2e *e, const char *name, const char *text, struct value *raw,
    struct result *r)
{
	const struct module_entry	*m = load_ok(name, text);
	struct mod_args			 a = { NULL };
	char				*cause = NULL;
	enum mod_status			 st;

	if (module_prepare_args(m, raw, 0, &a, &cause) != 0)
		fail_msg("prepare: %s", cause);
	value_unref(raw);
	e->ctx.module = m;
	r->v = value_dict();
	st = m->run(&e->ctx, &a, r);
	mod_args_release(&a);
	return st;
}

static const char *
res_str(struct result *r, const char *k)
{
	struct value	*v = value_dict_get(r->v, k);

	if (v == NULL || v->type != V_STR)
		fail_msg("result has no string '%s'", k);
	return v->u.str.s;
}

static void
test_run_result(void **state)
{
	struct e2e	*e = *state;
	struct result	 r = { NULL };
	struct value	*raw = value_dict(), *items;

	value_dict_setstr(raw, "name", "bob");
	assert_int_equal(run_mod(e, "greet", GREET, raw, &r), MOD_CHANGED);
	assert_string_equal(res_str(&r, "msg"), "hi bob");
	assert_int_equal(value_dict_get(r.v, "n")->u.i, 3);
	items = value_dict_get(r.v, "items");
	assert_int_equal(items->type, V_LIST);
	assert_int_equal(value_len(items), 2);
	assert_int_equal(value_dict_get(r.v, "force")->u.b, 1);
	value_unref(r.v);
}

static void
test_run_errors(void **state)
{
	struct e2e	*e = *state;
	struct result	 r = { NULL };

	/* a Lua error: file:line, and the traceback */
	assert_int_equal(run_mod(e, "boom",
	    "local M = {}\n"
	    "local function helper(x)\n"
	    "  return x.field.deeper\n"
	    "end\n"
	    "function M.run(host, args)\n"
	    "  local r = helper({})\n"
	    "  return r\n"
	    "end\n"
	    "return M\n", value_dict(), &r), MOD_FAILED);
	assert_non_null(strstr(res_str(&r, "msg"), "/boom.lua:3: attempt to "
	    "index a nil value (field 'field')"));
	assert_non_null(strstr(res_str(&r, "exception"), "stack traceback:"));
	assert_non_null(strstr(res_str(&r, "exception"), "/boom.lua:6: in function"));
	value_unref(r.v);

	/* a wrong return value names where run is defined */
	assert_int_equal(run_mod(e, "badret",
	    "local M = {}\n"
	    "\n"
	    "function M.run(host, args)\n"
	    "  return 'done'\n"
	    "end\n"
	    "return M\n", value_dict(), &r), MOD_FAILED);
	assert_non_null(strstr(res_str(&r, "msg"), "/badret.lua:3: run "
	    "returned a string, a table is expected"));
	value_unref(r.v);

	assert_int_equal(run_mod(e, "badchanged",
	    "return { run = function() return { changed = 'yes' } end }\n",
	    value_dict(), &r), MOD_FAILED);
	assert_non_null(strstr(res_str(&r, "msg"), "run returned 'changed' "
	    "as a string: a boolean is expected"));
	value_unref(r.v);

	/* cairn.fail ends the module, even inside pcall */
	assert_int_equal(run_mod(e, "failer",
	    "return { run = function()\n"
	    "  pcall(cairn.fail, 'no way')\n"
	    "  return { changed = true }\n"
	    "end }\n", value_dict(), &r), MOD_FAILED);
	assert_string_equal(res_str(&r, "msg"), "no way");
	value_unref(r.v);

	/* a runaway module */
	luamod_set_limits(100000, 0);
	assert_int_equal(run_mod(e, "loop",
	    "return { run = function()\n"
	    "  while true do end\n"
	    "end }\n", value_dict(), &r), MOD_FAILED);
	assert_non_null(strstr(res_str(&r, "msg"), "/loop.lua:2: instruction "
	    "budget exceeded"));
	value_unref(r.v);
	luamod_set_limits(LUAMOD_DEF_INSTRUCTIONS, 0);
}

static void
test_run_require(void **state)
{
	struct e2e	*e = *state;
	struct result	 r = { NULL };

	write_lua("helpers.lua", "local H = {}\n"
	    "function H.double(x) return 2 * x end\n"
	    "return H\n");
	assert_int_equal(run_mod(e, "usesreq",
	    "local h = require('helpers')\n"
	    "return { run = function(host, args)\n"
	    "  return { changed = false, n = h.double(21),\n"
	    "    same = require('helpers') == h } end }\n", value_dict(), &r),
	    MOD_OK);
	assert_int_equal(value_dict_get(r.v, "n")->u.i, 42);
	assert_int_equal(value_dict_get(r.v, "same")->u.b, 1);
	value_unref(r.v);
}

static const char *const FILER =
    "local M = {}\n"
    "M.params = { path = { type = 'path', required = true },\n"
    "             content = { type = 'str', required = true } }\n"
    "M.supports_check = true\n"
    "function M.run(host, args)\n"
    "  local before = host:stat(args.path)\n"
    "  local changed = host:write(args.path, args.content, { mode = '0600' })\n"
    "  local r = host:run('cat; printf %s \"$GREETING\"; pwd', { stdin = 'in:',\n"
    "    env = { GREETING = \"it's\" }, chdir = '/', check_ok = true })\n"
    "  local w = host:run('echo changing')\n"
    "  local st = host:stat(args.path)\n"
    "  local data, err = host:read(args.path .. '.missing')\n"
    "  return { changed = changed, out = r.stdout, existed = before.exists,\n"
    "    skipped_run = w.skipped == true, mode = st.mode, size = st.size,\n"
    "    check = host.check_mode, name = host.name, err = err,\n"
    "    var = host.vars.greeting }\n"
    "end\n"
    "return M\n";

static struct value *
lookup_greeting(void *ud, const char *name)
{
	return strcmp(name, "greeting") == 0 ? value_str("hello") : NULL;
}

static void
test_run_host_api(void **state)
{
	struct e2e	*e = *state;
	struct result	 r = { NULL };
	struct value	*raw, *d;
	char		 path[128];

	snprintf(path, sizeof path, "%s/out.txt", tdir);
	e->ctx.scope.lookup = lookup_greeting;

	/* check mode: predicted change, nothing written, commands skipped */
	e->ctx.check_mode = 1;
	e->ctx.diff_mode = 1;
	raw = value_dict();
	value_dict_setstr(raw, "path", path);
	value_dict_setstr(raw, "content", "one\n");
	assert_int_equal(run_mod(e, "filer", FILER, raw, &r), MOD_CHANGED);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(value_dict_get(r.v, "skipped_run")->u.b, 1);
	assert_int_equal(value_dict_get(r.v, "check")->u.b, 1);
	d = value_dict_get(value_dict_get(r.v, "diff")->u.list.items[0],
	    "after");
	assert_string_equal(d->u.str.s, "one\n");
	value_unref(r.v);

	/* for real */
	e->ctx.check_mode = 0;
	raw = value_dict();
	value_dict_setstr(raw, "path", path);
	value_dict_setstr(raw, "content", "one\n");
	assert_int_equal(run_mod(e, "filer", FILER, raw, &r), MOD_CHANGED);
	assert_string_equal(res_str(&r, "out"), "in:it's/\n");
	assert_string_equal(res_str(&r, "mode"), "0600");
	assert_int_equal(value_dict_get(r.v, "size")->u.i, 4);
	assert_int_equal(value_dict_get(r.v, "existed")->u.b, 0);
	assert_int_equal(value_dict_get(r.v, "skipped_run")->u.b, 0);
	assert_string_equal(res_str(&r, "name"), "localhost");
	assert_string_equal(res_str(&r, "var"), "hello");
	assert_non_null(strstr(res_str(&r, "err"), "no such file"));
	value_unref(r.v);

	/* again: nothing to do */
	raw = value_dict();
	value_dict_setstr(raw, "path", path);
	value_dict_setstr(raw, "content", "one\n");
	assert_int_equal(run_mod(e, "filer", FILER, raw, &r), MOD_OK);
	assert_null(value_dict_get(r.v, "diff"));
	value_unref(r.v);
	e->ctx.diff_mode = 0;
	e->ctx.scope.lookup = NULL;
}

static void
test_filters(void **state)
{
	struct expr_scope	 sc = { NULL, NULL };
	struct value		*out = NULL;
	char			*cause = NULL, dir[128];

	snprintf(dir, sizeof dir, "%s/filter_plugins", tdir);
	assert_int_equal(mkdir(dir, 0755), 0);
	write_lua("filter_plugins/text.lua",
	    "return { filters = {\n"
	    "  shout = function(v, suffix) return v:upper() .. (suffix or '!') end,\n"
	    "  pairs_of = function(l) local o = {} for i, x in ipairs(l) do\n"
	    "    o[i] = { x, x } end return o end,\n"
	    "  broken = function(v) error('bad input') end,\n"
	    "} }\n");
	assert_int_equal(luamod_filters_load(tdir, &cause), 0);
	assert_int_equal(expr_eval("'abc' | shout", &sc, &out, &cause), 0);
	assert_string_equal(out->u.str.s, "ABC!");
	value_unref(out);
	assert_int_equal(expr_eval("'abc' | shout('?')", &sc, &out, &cause), 0);
	assert_string_equal(out->u.str.s, "ABC?");
	value_unref(out);
	assert_int_equal(expr_eval("[1, 2] | pairs_of | length", &sc, &out,
	    &cause), 0);
	assert_int_equal(out->u.i, 2);
	value_unref(out);
	assert_int_equal(expr_eval("'x' | broken", &sc, &out, &cause), -1);
	assert_non_null(strstr(cause, "filter 'broken': "));
	assert_non_null(strstr(cause, "/text.lua:5: bad input"));
	free(cause);
}

static int
group_setup(void **state)
{
	strcpy(tdir, "/tmp/cairn-test-lua.XXXXXX");
	return mkdtemp(tdir) == NULL ? -1 : 0;
}

static int
group_teardown(void **state)
{
	char	*cmd = xasprintf("rm -rf '%s'", tdir);

	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tdir);
	free(cmd);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_params_table),
		cmocka_unit_test(test_params_validation),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_sandbox_forbidden),
		cmocka_unit_test(test_sandbox_budget),
		cmocka_unit_test(test_sandbox_memory),
		cmocka_unit_test(test_cairn_library),
		cmocka_unit_test(test_filters),
		cmocka_unit_test_setup_teardown(test_run_result, e2e_setup,
		    e2e_teardown),
		cmocka_unit_test_setup_teardown(test_run_errors, e2e_setup,
		    e2e_teardown),
		cmocka_unit_test_setup_teardown(test_run_host_api, e2e_setup,
		    e2e_teardown),
		cmocka_unit_test_setup_teardown(test_run_require, e2e_setup,
		    e2e_teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
