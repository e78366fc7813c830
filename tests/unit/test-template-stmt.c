/*
 * Unit tests for engine/template-stmt.c: macros, call, import, include,
 * extends and blocks, filter and with blocks, loop controls.  Expected
 * outputs are Jinja2 3.1's (trim_blocks on, as Ansible renders).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "expr.h"

static struct value	*vars;
static char		 dir[] = "/tmp/cairn-test-tmpl.XXXXXX";

static const char vars_json[] = "{"
    "\"a\": 1, \"l\": [3, 1, 2],"
    "\"users\": [{\"name\": \"bob\", \"uid\": 1001},"
    "  {\"name\": \"alice\", \"uid\": 1000}]"
    "}";

static struct value *
lookup(void *ud, const char *name)
{
	(void)ud;
	return value_ref(value_dict_get(vars, name));
}

static const struct expr_scope scope = { lookup, NULL };

static void
put(const char *name, const char *text)
{
	char	path[256];
	FILE	*f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL)
		fail_msg("cannot write %s", path);
	fputs(text, f);
	fclose(f);
}

/* A template rendered as the template module does, or "ERR: ...". */
static char *
R(const char *tmpl)
{
	struct template_opts	 o;
	char			*out = NULL, *cause = NULL, *r;

	template_opts_init(&o);
	o.dir = dir;
	if (template_render_file(tmpl, &o, NULL, &scope, &out, &cause) != 0) {
		r = xasprintf("ERR: %s", cause);
		free(cause);
		return r;
	}
	return out;
}

#define EXPECT_R(src, want) do {					\
	char *got_ = R(src);						\
	if (strcmp(got_, want) != 0)					\
		fail_msg("%s\n  got  [%s]\n  want [%s]", src, got_, want); \
	free(got_);							\
} while (0)

/* The error starts with want. */
#define EXPECT_ERR(src, want) do {					\
	char *got_ = R(src);						\
	if (strncmp(got_, "ERR: " want, strlen("ERR: " want)) != 0)	\
		fail_msg("%s\n  got  [%s]\n  want [ERR: %s...]", src,	\
		    got_, want);					\
	free(got_);							\
} while (0)

static int
setup(void **state)
{
	char	*cause = NULL;

	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	vars = value_from_json(vars_json, strlen(vars_json), &cause);
	if (vars == NULL) {
		fprintf(stderr, "bad test vars: %s\n", cause);
		return -1;
	}
	put("macros.j2",
	    "{% macro field(name, value='x', type='text') -%}\n"
	    "<{{ type }} {{ name }}={{ value }}>\n"
	    "{%- endmacro %}\n"
	    "{% macro dump() %}{{ varargs | join(',') }}|{{ kwargs }}"
	    "{% endmacro %}\n"
	    "{% set exported = 42 %}\n"
	    "{% set _private = 1 %}\n");
	put("inc.j2", "included {{ a }} {{ l[0] }}\n");
	put("self.j2", "x{% include 'self.j2' %}");
	put("base.j2", "<html>\n{% block head %}<title>{% block title %}Base"
	    "{% endblock %}</title>{% endblock %}\n{% block body %}base body"
	    "{% endblock %}\n</html>\n");
	put("child.j2", "{% extends 'base.j2' %}\n{% set v = 7 %}\n"
	    "ignored text\n{% block title %}Child {{ v }} / {{ super() }}"
	    "{% endblock %}\n{% block body %}{{ self.title() }} body"
	    "{% endblock %}\n");
	put("grandchild.j2", "{% extends 'child.j2' %}{% block title %}G+"
	    "{{ super() }}{% endblock %}");
	put("loop-a.j2", "{% extends 'loop-b.j2' %}");
	put("loop-b.j2", "{% extends 'loop-a.j2' %}");
	put("bad.j2", "{% if %}");
	put("ctx.j2", "{% macro f() %}{{ a }}{% endmacro %}{% set top = "
	    "range(2) | list %}");
	put("box.j2", "{% macro box() %}[{{ caller() }}]{% endmacro %}");
	put("ctx-inc.j2", "[{{ loc | default('none') }}]");
	return 0;
}

static int
teardown(void **state)
{
	char	cmd[300];

	(void)state;
	value_unref(vars);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_macros(void **state)
{
	(void)state;
	EXPECT_R("{% macro f(x, y=2) %}{{ x }}-{{ y }}{% endmacro %}"
	    "{{ f(1) }} {{ f(1, 3) }} {{ f(y=4, x=0) }}", "1-2 1-3 0-4");
	/* defaults may use earlier parameters; missing ones are undefined */
	EXPECT_R("{% macro f(x, y=x * 2) %}{{ y }}{% endmacro %}{{ f(5) }}",
	    "10");
	EXPECT_ERR("{% macro f(x) %}{{ x }}{% endmacro %}{{ f() }}",
	    "'x' is undefined");
	EXPECT_R("{% macro f() %}{{ varargs | join(',') }}|{{ kwargs }}"
	    "{% endmacro %}{{ f(1, 2, k=3) }}", "1,2|{'k': 3}");
	/* a macro sees the template's variables, not the caller's locals */
	EXPECT_R("{% set g = 'G' %}{% macro f() %}{{ g }}{{ a }}{% endmacro %}"
	    "{{ f() }}", "G1");
	/* recursion */
	EXPECT_R("{% macro down(n) %}{{ n }}{% if n > 0 %}{{ down(n - 1) }}"
	    "{% endif %}{% endmacro %}{{ down(3) }}", "3210");
	EXPECT_ERR("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
	    "macro calls nested too deeply");
	{
		/* 30 blocks deep in each of 40 calls: the stack is guarded */
		struct buf	b = BUF_INIT;
		int		i;

		buf_adds(&b, "{% macro f(n) %}");
		for (i = 0; i < 30; i++)
			buf_adds(&b, "{% if true %}");
		buf_adds(&b, "{% if n > 0 %}{{ f(n - 1) }}{% endif %}");
		for (i = 0; i < 30; i++)
			buf_adds(&b, "{% endif %}");
		buf_adds(&b, "{% endmacro %}{{ f(40) }}");
		EXPECT_ERR(buf_cstr(&b), "template nested too deeply");
		buf_release(&b);
	}
	/* whitespace control inside a macro, trim_blocks after its tags */
	EXPECT_R("{% macro f() -%}\n  x\n{%- endmacro %}\n[{{ f() }}]\n",
	    "[x]\n");
	EXPECT_ERR("{% macro f( %}", "unexpected");
	EXPECT_ERR("{% macro f() %}x", "unexpected end of template, "
	    "expected 'endmacro'");
}

static void
test_call(void **state)
{
	(void)state;
	EXPECT_R("{% macro wrap(cls) %}<div class=\"{{ cls }}\">{{ caller() }}"
	    "</div>{% endmacro %}{% call wrap('box') %}inner {{ a }}"
	    "{% endcall %}", "<div class=\"box\">inner 1</div>");
	EXPECT_R("{% macro list(items) %}{% for i in items %}{{ caller(i) }}"
	    "{% endfor %}{% endmacro %}{% call(x) list(l) %}[{{ x }}]"
	    "{% endcall %}", "[3][1][2]");
	/* the caller body sees the call site's locals */
	EXPECT_R("{% macro m() %}{{ caller() }}{% endmacro %}{% for i in l %}"
	    "{% call m() %}{{ i }}{% endcall %}{% endfor %}", "312");
	EXPECT_ERR("{% call a() %}x{% endcall %}", "");
}

static void
test_import_include(void **state)
{
	(void)state;
	EXPECT_R("{% import 'macros.j2' as m %}{{ m.field('a') }} "
	    "{{ m.exported }} {{ m.dump(1, 2) }}", "<text a=x> 42 1,2|{}");
	EXPECT_R("{% from 'macros.j2' import field as f, exported %}"
	    "{{ f('b', type='pw') }} {{ exported }}", "<pw b=x> 42");
	EXPECT_R("{% from 'macros.j2' import field with context %}"
	    "{{ field('c', 1) }}", "<text c=1>");
	EXPECT_R("{% import 'macros.j2' as m without context %}"
	    "{{ m.field('d') }}", "<text d=x>");
	EXPECT_ERR("{% from 'macros.j2' import nope %}",
	    "the template 'macros.j2' does not export the requested name "
	    "'nope'");
	EXPECT_ERR("{% from 'macros.j2' import _private %}",
	    "the template 'macros.j2' does not export");
	EXPECT_R("{% include 'inc.j2' %}|", "included 1 3|");
	EXPECT_R("{% include ['missing.j2', 'inc.j2'] %}|", "included 1 3|");
	EXPECT_R("a{% include 'nope.j2' ignore missing %}b", "ab");
	EXPECT_R("{% for a in [7] %}{% include 'inc.j2' with context %}"
	    "{% endfor %}", "included 7 3");
	EXPECT_ERR("{% include 'nope.j2' %}", "template 'nope.j2' not found");
	EXPECT_ERR("{% include '../etc/passwd' %}",
	    "template '../etc/passwd' not found");
	/* names are under the search path, as Jinja2 splits them */
	EXPECT_ERR("{% include '/etc/passwd' %}",
	    "template '/etc/passwd' not found");
	EXPECT_R("{% include '/inc.j2' %}|{% include './/inc.j2' %}",
	    "included 1 3|included 1 3");
	EXPECT_ERR("{% include '.' %}", "template '.' not found");
	EXPECT_ERR("{% include 'self.j2' %}", "includes nested too deeply");
	EXPECT_ERR("{% include 'bad.j2' %}", "unexpected");
	/* an import has no context unless asked; functions still work */
	EXPECT_ERR("{% import 'ctx.j2' as m %}{{ m.f() }}", "'a' is undefined");
	EXPECT_ERR("{% from 'ctx.j2' import f %}{{ f() }}", "'a' is undefined");
	EXPECT_R("{% import 'ctx.j2' as m with context %}{{ m.f() }}{{ m.top }}",
	    "1[0, 1]");
	EXPECT_R("{% from 'ctx.j2' import f with context %}{{ f() }}", "1");
	/* a caller body keeps its own context inside such a macro */
	EXPECT_R("{% import 'box.j2' as m %}{% call m.box() %}{{ a }}"
	    "{% endcall %}", "[1]");
	/* an include has it unless refused */
	EXPECT_R("{% set loc = 5 %}{% include 'ctx-inc.j2' %}"
	    "{% include 'ctx-inc.j2' without context %}", "[5][none]");
	/* a computed name */
	EXPECT_R("{% set n = 'inc' %}{% include n ~ '.j2' %}", "included 1 3");
}

static void
test_extends(void **state)
{
	(void)state;
	EXPECT_R("{% include 'child.j2' %}", "<html>\n<title>Child 7 / Base"
	    "</title>Child 7 / Base body</html>");
	EXPECT_R("{% extends 'child.j2' %}",
	    "<html>\n<title>Child 7 / Base</title>Child 7 / Base body</html>");
	EXPECT_R("{% extends 'grandchild.j2' %}", "<html>\n<title>G+Child 7 / "
	    "Base</title>G+Child 7 / Base body</html>");
	/* text before extends is kept, after it dropped */
	EXPECT_R("pre {% extends 'base.j2' %}post{% block body %}B"
	    "{% endblock %}", "pre <html>\n<title>Base</title>B</html>");
	EXPECT_R("{% block x %}1{% endblock %}{{ self.x() }}", "11");
	EXPECT_ERR("{% block x %}{{ super() }}{% endblock %}",
	    "there is no parent block called 'x'");
	EXPECT_ERR("{% block x %}{% endblock %}{% block x %}{% endblock %}",
	    "block 'x' defined twice");
	EXPECT_ERR("{% block x %}{% endblock y %}", "mismatched 'endblock'");
	EXPECT_R("{% block x %}{% endblock x %}ok", "ok");
	EXPECT_ERR("{% extends 'loop-a.j2' %}", "");
}

static void
test_blocks(void **state)
{
	(void)state;
	EXPECT_R("{% filter upper %}shout {{ a }}{% endfilter %}", "SHOUT 1");
	EXPECT_R("{% filter replace('a', 'b') | upper %}banana{% endfilter %}",
	    "BBNBNB");
	EXPECT_ERR("{% filter 1 %}x{% endfilter %}", "expected a filter name");
	EXPECT_R("{% with x = 5, y = a %}{{ x + y }}{% endwith %}"
	    "{{ x | default('-') }}", "6-");
	EXPECT_R("{% with %}{% set q = 1 %}{% endwith %}{{ q | default('-') }}",
	    "-");
	EXPECT_R("{% set ns = namespace(found=false) %}{% for i in l %}"
	    "{% if i == 1 %}{% set ns.found = true %}{% endif %}{% endfor %}"
	    "{{ ns.found }}", "True");
	EXPECT_ERR("{% set x = {} %}{% set x.y = 1 %}",
	    "cannot assign attribute on non-namespace object");
	EXPECT_R("{% raw %}{{ keep }}{% endraw %}", "{{ keep }}");
}

static void
test_loops(void **state)
{
	(void)state;
	EXPECT_R("{% for u in users %}{{ loop.cycle('odd', 'even') }}:"
	    "{{ u.name }}{% if loop.changed(u.uid > 1000) %}*{% endif %} "
	    "{% endfor %}", "odd:bob* even:alice* ");
	EXPECT_R("{% for i in [1, 1, 2] %}{% if loop.changed(i) %}{{ i }}"
	    "{% endif %}{% endfor %}", "12");
	EXPECT_R("{% for i in range(10) %}{% if i == 2 %}{% continue %}"
	    "{% endif %}{% if i > 4 %}{% break %}{% endif %}{{ i }}"
	    "{% endfor %}", "0134");
	EXPECT_ERR("{% break %}", "'break' outside of a loop");
	EXPECT_ERR("{% for i in l %}{% macro m() %}{% continue %}"
	    "{% endmacro %}{% endfor %}", "'continue' outside of a loop");
	EXPECT_R("{% set tree = [{'n': 'a', 'c': [{'n': 'b', 'c': []}, "
	    "{'n': 'c', 'c': [{'n': 'd', 'c': []}]}]}] %}"
	    "{% for x in tree recursive %}{{ loop.depth }}{{ x.n }}("
	    "{{ loop(x.c) }}){% endfor %}", "1a(2b()2c(3d()))");
	EXPECT_R("{% for i in l if i > 1 recursive %}{{ i }}{% endfor %}",
	    "32");
	/* an error in a loop's filter frees each item once */
	EXPECT_ERR("{% for i in [1, 2, 3] if i.x.y %}{% endfor %}", "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_macros),
		cmocka_unit_test(test_call),
		cmocka_unit_test(test_import_include),
		cmocka_unit_test(test_extends),
		cmocka_unit_test(test_blocks),
		cmocka_unit_test(test_loops),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
