/* Unit tests for engine/playbook.c: structure, free-form args, refusals. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "playbook.h"

static char tmpdir[] = "/tmp/cairn-test-playbook-XXXXXX";

static char *
write_file(const char *name, const char *text)
{
	char	*path = xasprintf("%s/%s", tmpdir, name);
	FILE	*f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* Loads text as a playbook; returns the error (malloc'd) or NULL. */
static char *
load(const char *text, struct playbook **pb)
{
	char	*path = write_file("play.yml", text), *cause = NULL;
	int	 r;

	*pb = NULL;
	r = playbook_load(path, pb, &cause);
	free(path);
	if (r == 0)
		return NULL;
	assert_non_null(cause);
	return cause;
}

static void
expect_error(const char *text, const char *where, const char *what)
{
	struct playbook	*pb;
	char		*err = load(text, &pb);

	if (err == NULL)
		fail_msg("no error for:\n%s", text);
	if (strstr(err, where) == NULL || strstr(err, what) == NULL)
		fail_msg("error '%s' lacks '%s' or '%s'", err, where, what);
	free(err);
}

/* Loads text, which must load, and finds where and what in a warning. */
static void
expect_warning(const char *text, const char *where, const char *what)
{
	struct playbook	*pb;
	char		*err = load(text, &pb);
	int		 found = 0;

	if (err != NULL)
		fail_msg("an error for:\n%s\n%s", text, err);
	for (size_t i = 0; i < pb->warnings->u.list.n; i++) {
		const char *w = pb->warnings->u.list.items[i]->u.str.s;

		found |= strstr(w, where) != NULL && strstr(w, what) != NULL;
	}
	if (!found)
		fail_msg("no warning with '%s' and '%s' for:\n%s", where, what,
		    text);
	playbook_free(pb);
}

static void
test_parse_kv(void **state)
{
	struct value	*d;

	(void)state;
	d = playbook_parse_kv("path=/tmp/x state=directory mode='0755'", 0);
	assert_string_equal(value_dict_get(d, "path")->u.str.s, "/tmp/x");
	assert_string_equal(value_dict_get(d, "state")->u.str.s, "directory");
	assert_string_equal(value_dict_get(d, "mode")->u.str.s, "0755");
	assert_null(value_dict_get(d, "_raw_params"));
	value_unref(d);

	d = playbook_parse_kv("msg=\"hello world\" x={{ a | default('b c') }}", 0);
	assert_string_equal(value_dict_get(d, "msg")->u.str.s, "hello world");
	assert_string_equal(value_dict_get(d, "x")->u.str.s,
	    "{{ a | default('b c') }}");
	value_unref(d);

	/* escapes are decoded in values, as Ansible's _decode_escapes does */
	d = playbook_parse_kv("content=\"a\\nb\\t\\x41\\u00e9\" other=\\q", 0);
	assert_string_equal(value_dict_get(d, "content")->u.str.s,
	    "a\nb\tA\xc3\xa9");
	assert_string_equal(value_dict_get(d, "other")->u.str.s, "\\q");
	value_unref(d);

	/* free form: only the known keys come out, the rest is the command */
	d = playbook_parse_kv("echo a=b 'c d' creates=/x chdir=/tmp", 1);
	assert_string_equal(value_dict_get(d, "_raw_params")->u.str.s,
	    "echo a=b 'c d'");
	assert_string_equal(value_dict_get(d, "creates")->u.str.s, "/x");
	assert_string_equal(value_dict_get(d, "chdir")->u.str.s, "/tmp");
	value_unref(d);

	/*
	 * A script keeps its lines, spacing and final newline, as
	 * Ansible's split_args/join_args give them ("shell: |" blocks).
	 */
	d = playbook_parse_kv("set -e\nif true; then\n  echo  a\nfi\n", 1);
	assert_string_equal(value_dict_get(d, "_raw_params")->u.str.s,
	    "set -e\nif true; then\n  echo  a\nfi\n");
	value_unref(d);
	d = playbook_parse_kv("echo a chdir=/tmp b\n", 1);
	assert_string_equal(value_dict_get(d, "_raw_params")->u.str.s,
	    "echo a b\n");
	value_unref(d);
	/* each expected value is what ansible-core 2.14's parse_kv gives */
	d = playbook_parse_kv("echo a\ncreates=/x\n", 1);
	assert_string_equal(value_dict_get(d, "_raw_params")->u.str.s,
	    "echo a\n");
	value_unref(d);
	d = playbook_parse_kv("echo a creates=/x\necho b", 1);
	assert_string_equal(value_dict_get(d, "_raw_params")->u.str.s,
	    "echo a echo b");
	value_unref(d);
	d = playbook_parse_kv("echo a  chdir=/tmp b chdir=/x", 1);
	assert_string_equal(value_dict_get(d, "_raw_params")->u.str.s,
	    "echo a  b");
	value_unref(d);
	d = playbook_parse_kv("a\n\n  b \n", 1);
	assert_string_equal(value_dict_get(d, "_raw_params")->u.str.s,
	    "a\n\n  b \n");
	value_unref(d);
}

static void
test_structure(void **state)
{
	struct playbook	*pb;
	struct play	*p;
	struct task	*t;
	char		*err;

	(void)state;
	err = load(
	    "- name: first\n"
	    "  hosts: web:db\n"
	    "  gather_facts: no\n"
	    "  become: yes\n"
	    "  tags: [base]\n"
	    "  vars:\n"
	    "    a: 1\n"
	    "  tasks:\n"
	    "    - name: make dir\n"
	    "      file: path=/tmp/x state=directory\n"
	    "      tags: dirs,files\n"
	    "    - ansible.builtin.command: echo hi\n"
	    "      register: out\n"
	    "      when:\n"
	    "        - a == 1\n"
	    "        - out is not defined\n"
	    "    - debug:\n"
	    "        msg: \"{{ item }}\"\n"
	    "      with_items: [1, [2, 3]]\n"
	    "    - block:\n"
	    "        - command: /bin/false\n"
	    "      rescue:\n"
	    "        - debug: msg=rescued\n"
	    "      always:\n"
	    "        - debug: msg=always\n"
	    "  handlers:\n"
	    "    - name: restart\n"
	    "      debug: msg=restarted\n"
	    "      listen: web restart\n", &pb);
	if (err != NULL)
		fail_msg("%s", err);
	assert_int_equal(pb->nplays, 1);
	p = pb->plays[0];
	assert_string_equal(p->name, "first");
	assert_string_equal(p->hosts, "web:db");
	assert_true(p->gather_facts.set);
	assert_false(value_truthy(p->gather_facts.v));
	assert_true(value_truthy(p->become.v));
	assert_int_equal(p->ntasks, 4);
	assert_int_equal(p->nhandlers, 1);

	t = p->tasks[0];
	assert_string_equal(t->name, "make dir");
	assert_string_equal(t->module->name, "file");
	assert_string_equal(value_dict_get(t->args, "state")->u.str.s,
	    "directory");
	/* play tags are inherited, then the task's own */
	assert_int_equal(t->tags->u.list.n, 3);
	assert_string_equal(t->tags->u.list.items[0]->u.str.s, "base");
	assert_string_equal(t->tags->u.list.items[2]->u.str.s, "files");
	assert_int_equal(t->loc.line, 9);
	assert_int_equal(t->loc.col, 7);

	t = p->tasks[1];
	assert_null(t->name);
	assert_string_equal(t->module->name, "command");
	assert_string_equal(task_display_name(t), "ansible.builtin.command");
	assert_string_equal(value_dict_get(t->args, "_raw_params")->u.str.s,
	    "echo hi");
	assert_string_equal(t->register_name, "out");
	assert_int_equal(t->when->u.list.n, 2);

	t = p->tasks[2];
	assert_non_null(t->loop);
	assert_true(t->loop_flatten);
	assert_string_equal(t->loop_var, "item");

	t = p->tasks[3];
	assert_int_equal(t->kind, TASK_BLOCK);
	assert_int_equal(t->nblock, 1);
	assert_int_equal(t->nrescue, 1);
	assert_int_equal(t->nalways, 1);

	assert_string_equal(p->handlers[0]->listen->u.list.items[0]->u.str.s,
	    "web restart");
	playbook_free(pb);
}

static void
test_import_tasks(void **state)
{
	struct playbook	*pb;
	char		*err, *inc;

	(void)state;
	inc = write_file("more.yml",
	    "- name: included one\n"
	    "  debug: msg=one\n"
	    "- name: included two\n"
	    "  debug: msg=two\n");
	free(inc);
	err = load(
	    "- hosts: all\n"
	    "  tasks:\n"
	    "    - debug: msg=zero\n"
	    "    - import_tasks: more.yml\n"
	    "      tags: inc\n", &pb);
	if (err != NULL)
		fail_msg("%s", err);
	assert_int_equal(pb->plays[0]->ntasks, 3);
	assert_string_equal(pb->plays[0]->tasks[2]->name, "included two");
	assert_string_equal(pb->plays[0]->tasks[2]->tags->u.list.items[0]->
	    u.str.s, "inc");
	playbook_free(pb);
}

/* Keywords on import_tasks apply to every imported task (an implicit block). */
static void
test_import_keywords(void **state)
{
	struct playbook	*pb;
	struct task	*blk;
	char		*err, *inc;

	(void)state;
	inc = write_file("kw.yml",
	    "- name: one\n"
	    "  debug: msg=one\n"
	    "- name: two\n"
	    "  debug: msg=two\n");
	free(inc);
	err = load(
	    "- hosts: all\n"
	    "  tasks:\n"
	    "    - import_tasks: kw.yml\n"
	    "      when: x is defined\n"
	    "      become: true\n"
	    "      vars: { x: 1 }\n"
	    "      ignore_errors: true\n"
	    "      delegate_to: localhost\n"
	    "      environment: { A: b }\n"
	    "      tags: [k]\n", &pb);
	if (err != NULL)
		fail_msg("%s", err);
	assert_int_equal(pb->plays[0]->ntasks, 1);
	blk = pb->plays[0]->tasks[0];
	assert_int_equal(blk->kind, TASK_BLOCK);
	assert_true(blk->implicit);
	assert_int_equal(blk->nblock, 2);
	assert_non_null(blk->when);
	assert_true(blk->become.set);
	assert_true(blk->ignore_errors.set);
	assert_non_null(blk->delegate_to);
	assert_non_null(blk->environment);
	assert_non_null(value_dict_get(blk->vars, "x"));
	assert_string_equal(blk->block[1]->tags->u.list.items[0]->u.str.s,
	    "k");
	playbook_free(pb);

	/* no loops on imports, as Ansible says */
	expect_error(
	    "- hosts: all\n"
	    "  tasks:\n"
	    "    - import_tasks: kw.yml\n"
	    "      loop: [1, 2]\n",
	    "play.yml:4:", "You cannot use loops on 'import_tasks'");
}

/*
 * include_tasks / include_role are loaded when a host reaches them: a
 * file no host reaches is never read, so it may even be missing or hold
 * modules cairn does not have.
 */
static void
test_dynamic_include(void **state)
{
	struct playbook	*pb;
	struct task	*t, *blk = NULL;
	struct value	*vars;
	char		*err, *cause = NULL, *path = NULL, *f;

	(void)state;
	f = write_file("Debian.yml", "- name: deb\n  debug: msg=deb\n");
	free(f);
	err = load(
	    "- hosts: all\n"
	    "  tasks:\n"
	    "    - include_tasks:\n"
	    "        file: \"{{ ansible_os_family }}.yml\"\n"
	    "        apply: { become: true, tags: [ap] }\n"
	    "      when: x is defined\n"
	    "      loop: [1, 2]\n"
	    "      loop_control: { loop_var: it }\n"
	    "      vars: { v: 1 }\n"
	    "      tags: [own]\n"
	    "    - include_tasks: no-such-file.yml\n"
	    "    - include_role: name=nowhere\n"
	    "    - include: \"{{ f }}.yml\"\n", &pb);
	if (err != NULL)
		fail_msg("%s", err);
	assert_int_equal(pb->plays[0]->ntasks, 4);
	t = pb->plays[0]->tasks[0];
	assert_int_equal(t->kind, TASK_INCLUDE);
	assert_false(t->include_role);
	assert_string_equal(t->loop_var, "it");
	assert_non_null(t->loop);
	assert_non_null(t->when);
	assert_string_equal(t->tags->u.list.items[0]->u.str.s, "own");
	assert_string_equal(pb->plays[0]->tasks[1]->include_name->u.str.s,
	    "no-such-file.yml");
	assert_true(pb->plays[0]->tasks[2]->include_role);
	assert_string_equal(pb->plays[0]->tasks[2]->name,
	    "include_role : nowhere");
	assert_int_equal(pb->plays[0]->tasks[3]->kind, TASK_INCLUDE);

	/* at run time: the file, the apply keywords and tags, the vars */
	vars = value_dict();
	value_dict_setint(vars, "it", 1);
	if (playbook_load_include(pb, pb->plays[0], t, "Debian", vars, &blk,
	    &path, &cause) == 0)
		fail_msg("a file without .yml was found");
	free(cause);
	cause = NULL;
	if (playbook_load_include(pb, pb->plays[0], t, "Debian.yml", vars,
	    &blk, &path, &cause) != 0)
		fail_msg("%s", cause);
	assert_true(strstr(path, "/Debian.yml") != NULL && path[0] == '/');
	assert_int_equal(blk->kind, TASK_BLOCK);
	assert_int_equal(blk->nblock, 1);
	assert_true(blk->become.set);
	assert_non_null(value_dict_get(blk->vars, "it"));
	assert_non_null(value_dict_get(blk->vars, "v"));
	/* apply's tags reach the tasks, the include's own do not */
	assert_int_equal(blk->block[0]->tags->u.list.n, 1);
	assert_string_equal(blk->block[0]->tags->u.list.items[0]->u.str.s,
	    "ap");
	playbook_task_free(blk);
	free(path);
	value_unref(vars);

	/* the missing one fails when reached, with Ansible's text */
	if (playbook_load_include(pb, pb->plays[0], pb->plays[0]->tasks[1],
	    "no-such-file.yml", NULL, &blk, NULL, &cause) == 0)
		fail_msg("a missing file loaded");
	assert_non_null(strstr(cause, "Could not find or access"));
	free(cause);
	playbook_free(pb);

	/* a legacy include with a literal name is read in place */
	err = load(
	    "- hosts: all\n"
	    "  tasks:\n"
	    "    - include: Debian.yml\n", &pb);
	if (err != NULL)
		fail_msg("%s", err);
	assert_int_equal(pb->plays[0]->ntasks, 1);
	assert_string_equal(pb->plays[0]->tasks[0]->name, "deb");
	assert_int_equal(pb->warnings->u.list.n, 1);
	playbook_free(pb);

	expect_error(
	    "- hosts: all\n"
	    "  tasks:\n"
	    "    - include_tasks:\n"
	    "        file: a.yml\n"
	    "        bogus: 1\n",
	    "play.yml:4:", "Invalid options for include_tasks: bogus");
}

/* Every mistake in one report; a module cairn lacks is only a warning. */
static void
test_all_errors(void **state)
{
	struct playbook	*pb;
	char		*err;

	(void)state;
	err = load(
	    "- hosts: all\n"
	    "  tasks:\n"
	    "    - name: typo\n"
	    "      command: hostname\n"
	    "      regsiter: out\n"
	    "    - no_such_module: {}\n"
	    "    - block:\n"
	    "        - debgu: msg=x\n"
	    "- hosts: all\n"
	    "  taks: []\n", &pb);
	assert_non_null(err);
	assert_non_null(strstr(err, "play.yml:5:"));
	assert_non_null(strstr(err, "regsiter"));
	assert_non_null(strstr(err, "play.yml:6:"));
	assert_non_null(strstr(err, "no_such_module"));
	assert_non_null(strstr(err, "play.yml:8:"));
	assert_non_null(strstr(err, "debgu"));
	assert_non_null(strstr(err, "play.yml:10:"));
	free(err);

	expect_warning(
	    "- hosts: all\n"
	    "  tasks:\n"
	    "    - yum: name=httpd\n"
	    "    - community.general.pkgng: name=nginx\n",
	    "play.yml:3:7", "ansible.builtin.yum: not available in cairn");
	err = load(
	    "- hosts: all\n"
	    "  tasks:\n"
	    "    - dnf: name=httpd\n"
	    "    - community.general.pkgng: name=nginx\n", &pb);
	assert_null(err);
	assert_int_equal(pb->warnings->u.list.n, 2);
	assert_ptr_equal(pb->plays[0]->tasks[0]->module,
	    &playbook_missing_module);
	assert_non_null(strstr(pb->warnings->u.list.items[1]->u.str.s,
	    "community.general.pkgng: not available in cairn"));
	playbook_free(pb);
}

/* A dependency's defaults are visible to the role that depends on it. */
static void
test_role_dependency_defaults(void **state)
{
	struct playbook	*pb;
	struct role	*top = NULL;
	char		*err, *cmd;

	(void)state;
	cmd = xasprintf("mkdir -p %s/roles/ddep/defaults %s/roles/ddep/tasks "
	    "%s/roles/dtop/meta %s/roles/dtop/tasks", tmpdir, tmpdir, tmpdir,
	    tmpdir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(write_file("roles/ddep/defaults/main.yml", "dep_default: 1\n"));
	free(write_file("roles/ddep/tasks/main.yml", "- debug: msg=dep\n"));
	free(write_file("roles/dtop/meta/main.yml", "dependencies: [ddep]\n"));
	free(write_file("roles/dtop/tasks/main.yml", "- debug: msg=top\n"));
	err = load("- hosts: all\n  roles: [dtop]\n", &pb);
	if (err != NULL)
		fail_msg("%s", err);
	for (size_t i = 0; i < pb->plays[0]->nroles; i++)
		if (strcmp(pb->plays[0]->roles[i]->name, "dtop") == 0)
			top = pb->plays[0]->roles[i];
	assert_non_null(top);
	assert_false(top->dependency);
	assert_true(pb->plays[0]->roles[0]->dependency);
	assert_non_null(value_dict_get(top->defaults, "dep_default"));
	assert_string_equal(value_dict_get(top->vars,
	    "ansible_role_name")->u.str.s, "dtop");
	playbook_free(pb);
}

static void
test_roles(void **state)
{
	struct playbook	*pb;
	struct play	*p;
	char		*err, *f;
	char		*dirs = xasprintf("mkdir -p %s/roles/app/tasks "
			    "%s/roles/app/defaults %s/roles/app/handlers "
			    "%s/roles/app/meta %s/roles/dep/tasks", tmpdir,
			    tmpdir, tmpdir, tmpdir, tmpdir);

	(void)state;
	assert_int_equal(system(dirs), 0);
	free(dirs);
	free(write_file("roles/app/tasks/main.yml",
	    "- name: app task\n  debug: msg={{ port }}\n"));
	free(write_file("roles/app/defaults/main.yml", "port: 80\n"));
	free(write_file("roles/app/handlers/main.yml",
	    "- name: restart app\n  debug: msg=restart\n"));
	free(write_file("roles/app/meta/main.yml",
	    "dependencies:\n  - dep\n"));
	free(write_file("roles/dep/tasks/main.yml",
	    "- name: dep task\n  debug: msg=dep\n"));
	err = load(
	    "- hosts: all\n"
	    "  roles:\n"
	    "    - role: app\n"
	    "      port: 8080\n"
	    "      tags: web\n"
	    "    - app\n"
	    "  tasks:\n"
	    "    - import_role: name=dep\n", &pb);
	if (err != NULL)
		fail_msg("%s", err);
	p = pb->plays[0];
	/* dep first (dependency), then app; the second "app" has other
	 * parameters (none), so it runs again; dep with none runs once */
	assert_int_equal(p->nrole_tasks, 3);
	assert_string_equal(p->role_tasks[0]->name, "dep task");
	assert_string_equal(p->role_tasks[1]->name, "app task");
	assert_string_equal(p->role_tasks[1]->role->name, "app");
	assert_int_equal(value_dict_get(p->role_tasks[1]->role->vars,
	    "port")->u.i, 8080);
	assert_int_equal(value_dict_get(p->role_tasks[1]->role->defaults,
	    "port")->u.i, 80);
	assert_string_equal(p->role_tasks[1]->tags->u.list.items[0]->u.str.s,
	    "web");
	assert_null(value_dict_get(p->role_tasks[2]->role->vars, "port"));
	assert_int_equal(p->nhandlers, 2);
	assert_string_equal(p->handlers[0]->name, "restart app");
	/* import_role in tasks reads the role in place */
	assert_int_equal(p->ntasks, 1);
	assert_string_equal(p->tasks[0]->name, "dep task");
	playbook_free(pb);

	f = xasprintf("- hosts: all\n  roles: [nothere]\n");
	err = load(f, &pb);
	free(f);
	assert_non_null(err);
	assert_non_null(strstr(err, "play.yml:2:11: the role 'nothere' was "
	    "not found"));
	free(err);
}

static void
test_refusals(void **state)
{
	(void)state;
	/* unknown task keyword: shows up as a second action */
	expect_error(
	    "- hosts: all\n"
	    "  tasks:\n"
	    "    - name: x\n"
	    "      command: echo hi\n"
	    "      whem: true\n",
	    "play.yml:5:7", "whem");
	/* unknown module */
	expect_error(
	    "- hosts: all\n"
	    "  tasks:\n"
	    "    - name: x\n"
	    "      no_such_module: a=b\n",
	    "play.yml:4:7", "couldn't resolve module/action 'no_such_module'");
	/*
	 * Argument errors fail the task where a host runs it, as Ansible's:
	 * at load they are warnings, with the same place and text.
	 */
	/* unknown parameter */
	expect_warning(
	    "- hosts: all\n"
	    "  tasks:\n"
	    "    - file:\n"
	    "        path: /tmp/x\n"
	    "        colour: blue\n",
	    "play.yml:5:9", "colour");
	/* missing required parameter */
	expect_warning(
	    "- hosts: all\n"
	    "  tasks:\n"
	    "    - copy:\n"
	    "        content: hi\n",
	    "play.yml:3:7", "dest");
	/* unknown play keyword */
	expect_error(
	    "- hosts: all\n"
	    "  taks: []\n",
	    "play.yml:2:3", "'taks' is not a valid attribute for a play");
	/* a play without hosts */
	expect_error("- name: x\n  tasks: []\n", "play.yml:1:3", "no 'hosts'");
	/* malformed YAML */
	expect_error("- hosts: all\n  tasks:\n    - debug: msg=a\n   - x\n",
	    "play.yml:", "");
	/* not a list of plays */
	expect_error("hosts: all\n", "play.yml:1:1", "list of plays");
	/* a bad boolean */
	expect_error("- hosts: all\n  become: maybe\n", "play.yml:2:11",
	    "'become' must be a boolean");
	/* a broken expression in when */
	expect_error(
	    "- hosts: all\n"
	    "  tasks:\n"
	    "    - debug: msg=x\n"
	    "      when: a ==\n",
	    "play.yml:4:13", "when");
	/* two modules in one task */
	expect_error(
	    "- hosts: all\n"
	    "  tasks:\n"
	    "    - debug: msg=x\n"
	    "      ping:\n",
	    "play.yml:", "conflicting action statements");
	/* a with_ lookup cairn does not have */
	expect_error(
	    "- hosts: all\n"
	    "  tasks:\n"
	    "    - debug: msg=x\n"
	    "      with_flowers: [a]\n",
	    "play.yml:4:7", "'with_flowers' is not a loop cairn knows");
	/* loop over a scalar */
	expect_error(
	    "- hosts: all\n"
	    "  tasks:\n"
	    "    - debug: msg=x\n"
	    "      loop: 5\n",
	    "play.yml:4:13", "'loop' must be a list");
}


/* async, poll, delegate_facts, throttle, module_defaults...: parsed. */
static void
test_task_keywords(void **state)
{
	struct playbook	*pb;
	struct task	*t;
	char		*err;

	(void)state;
	err = load(
	    "- hosts: all\n"
	    "  tasks:\n"
	    "    - command: sleep 1\n"
	    "      async: 30\n"
	    "      poll: 0\n"
	    "      delegate_facts: true\n"
	    "      throttle: 2\n"
	    "      debugger: on_failed\n"
	    "      module_defaults: {command: {chdir: /tmp}}\n"
	    "    - debug: msg=x\n", &pb);
	if (err != NULL)
		fail_msg("%s", err);
	t = pb->plays[0]->tasks[0];
	assert_int_equal(t->async_, 30);
	assert_int_equal(t->poll, 0);
	assert_int_equal(t->delegate_facts, 1);
	assert_int_equal(t->throttle, 2);
	assert_non_null(t->module_defaults);
	assert_int_equal(t->module_defaults->u.list.n, 1);
	t = pb->plays[0]->tasks[1];
	assert_int_equal(t->async_, 0);
	assert_int_equal(t->poll, 15);	/* DEFAULT_POLL_INTERVAL */
	assert_null(t->module_defaults);
	playbook_free(pb);
	expect_error(
	    "- hosts: all\n"
	    "  tasks:\n"
	    "    - block: [{debug: msg=x}]\n"
	    "      async: 3\n",
	    "play.yml:4:7", "'async' is not a valid keyword for a block");
	expect_error(
	    "- hosts: all\n"
	    "  module_defaults: [1]\n",
	    "play.yml:2:21", "'module_defaults' is supposed to be a "
	    "dictionary or list of dictionaries");
}

/* module_defaults: layers in order, groups first, task args win later. */
static void
test_module_defaults(void **state)
{
	struct playbook	*pb;
	struct play	*p;
	struct value	*layers[3], *all, *pick;
	char		*err;

	(void)state;
	err = load(
	    "- hosts: all\n"
	    "  module_defaults:\n"
	    "    ansible.builtin.file: {mode: '0600', owner: root}\n"
	    "    group/testgroup: {data: grp}\n"
	    "    copy: {force: false}\n"
	    "  tasks:\n"
	    "    - file: path=/x\n"
	    "      module_defaults:\n"
	    "        - {file: {mode: '0644'}}\n"
	    "    - ping:\n"
	    "    - copy: src=a dest=b\n", &pb);
	if (err != NULL)
		fail_msg("%s", err);
	p = pb->plays[0];
	layers[0] = p->module_defaults;
	layers[1] = NULL;
	layers[2] = p->tasks[0]->module_defaults;
	all = playbook_module_defaults_merge(layers, 3);
	/* "file" replaces "ansible.builtin.file"? no: other keys, both kept */
	pick = playbook_module_defaults_pick(p->tasks[0], all);
	assert_string_equal(value_dict_get(pick, "mode")->u.str.s, "0644");
	assert_string_equal(value_dict_get(pick, "owner")->u.str.s, "root");
	assert_null(value_dict_get(pick, "data"));
	value_unref(pick);
	pick = playbook_module_defaults_pick(p->tasks[1], all);
	assert_string_equal(value_dict_get(pick, "data")->u.str.s, "grp");
	assert_int_equal(pick->u.dict.n, 1);
	value_unref(pick);
	pick = playbook_module_defaults_pick(p->tasks[2], all);
	assert_false(value_truthy(value_dict_get(pick, "force")));
	value_unref(pick);
	value_unref(all);
	/* a required argument module_defaults gives is not missing at load */
	playbook_free(pb);
	err = load(
	    "- hosts: all\n"
	    "  module_defaults: {copy: {dest: /tmp/x}}\n"
	    "  tasks:\n"
	    "    - copy: content=hi\n", &pb);
	if (err != NULL)
		fail_msg("%s", err);
	assert_int_equal(pb->warnings->u.list.n, 0);
	playbook_free(pb);
}

/* vars_prompt is kept for the command line; its keys are checked. */
static void
test_vars_prompt(void **state)
{
	struct playbook	*pb;
	char		*err;

	(void)state;
	err = load(
	    "- hosts: all\n"
	    "  vars_prompt:\n"
	    "    - name: pw\n"
	    "      prompt: Password\n"
	    "      private: true\n"
	    "      encrypt: sha512_crypt\n"
	    "      confirm: true\n"
	    "      salt_size: 8\n"
	    "      unsafe: true\n"
	    "  tasks: []\n", &pb);
	if (err != NULL)
		fail_msg("%s", err);
	assert_int_equal(pb->plays[0]->vars_prompt->u.list.n, 1);
	playbook_free(pb);
	expect_error(
	    "- hosts: all\n"
	    "  vars_prompt:\n"
	    "    - prompt: x\n",
	    "play.yml:3:7", "Invalid vars_prompt data structure, missing "
	    "'name' key");
	expect_error(
	    "- hosts: all\n"
	    "  vars_prompt:\n"
	    "    - name: x\n"
	    "      colour: red\n",
	    "play.yml:4:7", "found unsupported key 'colour'");
}

/* strategy: a literal is checked at load, a template at play start. */
static void
test_strategy(void **state)
{
	struct playbook	*pb;
	struct value	*ev = value_dict();
	char		*err, *cause = NULL;

	(void)state;
	err = load(
	    "- hosts: all\n"
	    "  strategy: \"{{ how }}\"\n"
	    "  serial: \"{{ size }}\"\n"
	    "  tasks: []\n", &pb);
	if (err != NULL)
		fail_msg("%s", err);
	value_dict_setstr(ev, "how", "free");
	assert_int_equal(playbook_resolve_strategy(pb->plays[0], ev, &cause),
	    0);
	assert_true(pb->plays[0]->strategy_free);
	value_dict_setstr(ev, "how", "bogus");
	assert_int_equal(playbook_resolve_strategy(pb->plays[0], ev, &cause),
	    -1);
	assert_non_null(strstr(cause, "invalid play strategy specified: "
	    "'bogus'"));
	free(cause);
	value_unref(ev);
	playbook_free(pb);
	expect_error("- hosts: all\n  strategy: fast\n", "play.yml:2:13",
	    "unknown strategy 'fast'");
}

/*
 * Roles: roles/ beside the playbook, then the roles path, then the
 * playbook's directory; a collection's role by its FQCN; the message
 * names the places.
 */
static void
test_role_search(void **state)
{
	struct playbook	*pb;
	char		*err, *cmd, *rp, *cp;

	(void)state;
	cmd = xasprintf("mkdir -p %s/rp/far/tasks %s/roles/twice/tasks "
	    "%s/rp/twice/tasks %s/coll/ansible_collections/my/stuff/roles/"
	    "cr/tasks", tmpdir, tmpdir, tmpdir, tmpdir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(write_file("rp/far/tasks/main.yml", "- name: far\n  ping:\n"));
	free(write_file("roles/twice/tasks/main.yml",
	    "- name: near twice\n  ping:\n"));
	free(write_file("rp/twice/tasks/main.yml",
	    "- name: far twice\n  ping:\n"));
	free(write_file("coll/ansible_collections/my/stuff/roles/cr/tasks/"
	    "main.yml", "- name: in collection\n  ping:\n"));
	rp = xasprintf("%s/rp", tmpdir);
	cp = xasprintf("%s/coll", tmpdir);
	playbook_configure(rp, cp);
	err = load("- hosts: all\n  roles: [far, twice, my.stuff.cr]\n", &pb);
	if (err != NULL)
		fail_msg("%s", err);
	assert_int_equal(pb->plays[0]->nrole_tasks, 3);
	assert_string_equal(pb->plays[0]->role_tasks[0]->name, "far");
	assert_string_equal(pb->plays[0]->role_tasks[1]->name, "near twice");
	assert_string_equal(pb->plays[0]->role_tasks[2]->name,
	    "in collection");
	playbook_free(pb);
	err = load("- hosts: all\n  roles: [nowhere]\n", &pb);
	assert_non_null(err);
	cmd = xasprintf("the role 'nowhere' was not found in %s/roles:%s:%s",
	    tmpdir, rp, tmpdir);
	if (strstr(err, cmd) == NULL)
		fail_msg("'%s' lacks '%s'", err, cmd);
	free(cmd);
	free(err);
	playbook_configure(NULL, NULL);
	free(rp);
	free(cp);
}

/* meta/argument_specs.yml: the validation task comes first, tagged. */
static void
test_role_argument_specs(void **state)
{
	struct playbook	*pb;
	struct task	*t;
	struct value	*a;
	char		*err, *cmd;

	(void)state;
	cmd = xasprintf("mkdir -p %s/roles/spec/tasks %s/roles/spec/meta "
	    "%s/roles/spec2/tasks %s/roles/spec2/meta", tmpdir, tmpdir, tmpdir,
	    tmpdir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(write_file("roles/spec/tasks/main.yml", "- name: real\n  ping:\n"));
	free(write_file("roles/spec/meta/argument_specs.yml",
	    "argument_specs:\n"
	    "  main:\n"
	    "    short_description: Spec role\n"
	    "    options:\n"
	    "      port: {type: int, required: true}\n"));
	/* meta/main.yml's is used when there is no argument_specs.yml */
	free(write_file("roles/spec2/tasks/main.yml", "- name: two\n  ping:\n"));
	free(write_file("roles/spec2/meta/main.yml",
	    "argument_specs:\n  other:\n    options: {}\n"));
	err = load(
	    "- hosts: all\n"
	    "  roles:\n"
	    "    - role: spec\n"
	    "      size: 3\n"
	    "    - spec2\n", &pb);
	if (err != NULL)
		fail_msg("%s", err);
	assert_int_equal(pb->plays[0]->nrole_tasks, 3);
	t = pb->plays[0]->role_tasks[0];
	assert_string_equal(t->name, "Validating arguments against arg spec "
	    "'main' - Spec role");
	assert_string_equal(t->module->name, "validate_argument_spec");
	assert_string_equal(t->tags->u.list.items[0]->u.str.s, "always");
	a = value_dict_get(t->args, "provided_arguments");
	assert_int_equal(value_dict_get(a, "size")->u.i, 3);
	a = value_dict_get(t->args, "validate_args_context");
	assert_string_equal(value_dict_get(a, "type")->u.str.s, "role");
	assert_string_equal(value_dict_get(a, "argument_spec_name")->u.str.s,
	    "main");
	assert_non_null(value_dict_get(value_dict_get(t->args,
	    "argument_spec"), "port"));
	/* spec2 has no spec for "main": no validation task */
	assert_string_equal(pb->plays[0]->role_tasks[2]->name, "two");
	playbook_free(pb);
}

/* A Python module in library/ is refused, saying why. */
static void
test_python_module(void **state)
{
	char	*cmd;

	(void)state;
	cmd = xasprintf("mkdir -p %s/library", tmpdir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(write_file("library/my_py_mod.py", "print('hi')\n"));
	expect_error(
	    "- hosts: all\n"
	    "  tasks:\n"
	    "    - my_py_mod: a=1\n",
	    "play.yml:3:7", "library/my_py_mod.py' is a Python module: cairn "
	    "runs modules written in Lua");
}

/* --list-tasks text, and --start-at-task's matching. */
static void
test_listing(void **state)
{
	struct playbook			*pb;
	struct playbook_list_opts	 lo = { 0, 1, 1, NULL, NULL };
	const char			*hosts[] = { "h1" };
	char				*err, *text;

	(void)state;
	err = load(
	    "- hosts: [web, db]\n"
	    "  tags: p\n"
	    "  tasks:\n"
	    "    - name: one\n"
	    "      ping:\n"
	    "      tags: [b, a]\n"
	    "    - block:\n"
	    "        - ping:\n"
	    "      rescue:\n"
	    "        - name: never listed\n"
	    "          ping:\n"
	    "    - include_role: name=x\n", &pb);
	if (err != NULL)
		fail_msg("%s", err);
	text = playbook_list_play(pb, pb->plays[0], hosts, 1, &lo);
	assert_string_equal(text,
	    "\n  play #1 (web,db): web,db\tTAGS: [p]\n"
	    "    tasks:\n"
	    "      one\tTAGS: [a, b, p]\n"
	    "      ping\tTAGS: [p]\n"
	    "      include_role\tTAGS: [p]\n"
	    "      TASK TAGS: [a, b, p]");
	free(text);
	lo.tasks = lo.tags = 0;
	lo.hosts = 1;
	text = playbook_list_play(pb, pb->plays[0], hosts, 1, &lo);
	assert_string_equal(text,
	    "\n  play #1 (web,db): web,db\tTAGS: [p]\n"
	    "    pattern: ['web', 'db']\n    hosts (1):\n      h1");
	free(text);
	assert_true(playbook_task_matches(pb->plays[0]->tasks[0], "o*"));
	assert_true(playbook_task_matches(pb->plays[0]->tasks[0], "one"));
	assert_false(playbook_task_matches(pb->plays[0]->tasks[0], "two"));
	assert_true(playbook_play_has_task(pb->plays[0], "ping"));
	assert_false(playbook_play_has_task(pb->plays[0], "never listed"));
	playbook_free(pb);
	text = playbook_start_at_missed("nomatch");
	assert_string_equal(text, "No matching task \"nomatch\" found. Note: "
	    "--start-at-task can only\nfollow static includes.");
	free(text);
}

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char	*cmd = xasprintf("rm -rf '%s'", tmpdir);
	int	 r;

	(void)state;
	r = system(cmd);
	free(cmd);
	return r == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_kv),
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_import_tasks),
		cmocka_unit_test(test_import_keywords),
		cmocka_unit_test(test_dynamic_include),
		cmocka_unit_test(test_all_errors),
		cmocka_unit_test(test_role_dependency_defaults),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_task_keywords),
		cmocka_unit_test(test_module_defaults),
		cmocka_unit_test(test_vars_prompt),
		cmocka_unit_test(test_strategy),
		cmocka_unit_test(test_role_search),
		cmocka_unit_test(test_role_argument_specs),
		cmocka_unit_test(test_python_module),
		cmocka_unit_test(test_listing),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
