/* Unit tests of engine/inventory*.c: INI, YAML, vars files, patterns, dumps. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inventory-internal.h"
#include "yaml.h"

/* A scratch directory per test, removed afterwards. */
static char	tmpdir[256];

static int
setup_dir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/cairn-test-inv-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	return 0;
}

static int
teardown_dir(void **state)
{
	char	*cmd;

	(void)state;
	cmd = xasprintf("rm -rf '%s'", tmpdir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	return 0;
}

/* Writes tmpdir/rel (making directories), returns the full path. */
static char *
put(const char *rel, const char *text)
{
	char	*path, *p;
	FILE	*f;

	path = xasprintf("%s/%s", tmpdir, rel);
	for (p = path + strlen(tmpdir) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	return path;
}

/* put() when the path is not needed. */
static void
touch(const char *rel, const char *text)
{
	free(put(rel, text));
}

static struct inventory *
load_text(const char *rel, const char *text)
{
	struct inventory	*inv = inventory_new();
	char			*path, *cause = NULL;

	path = put(rel, text);
	if (inventory_load(inv, path, &cause) != 0)
		fail_msg("load failed: %s", cause);
	free(path);
	return inv;
}

/* The error text of loading rel, without the tmpdir prefix. */
static char *
load_error(const char *rel, const char *text)
{
	struct inventory	*inv = inventory_new();
	char			*path, *cause = NULL, *out;

	path = put(rel, text);
	assert_int_equal(inventory_load(inv, path, &cause), -1);
	assert_non_null(cause);
	inventory_free(inv);
	assert_true(strncmp(cause, tmpdir, strlen(tmpdir)) == 0);
	out = xstrdup(cause + strlen(tmpdir) + 1);
	free(cause);
	free(path);
	return out;
}

/* Names of a pattern's hosts, space-separated. */
static char *
match(struct inventory *inv, const char *pattern)
{
	struct inv_host	**hosts;
	struct buf	  b = BUF_INIT;
	size_t		  n, i;
	char		 *cause = NULL;

	if (inventory_match(inv, pattern, &hosts, &n, &cause) != 0)
		fail_msg("match '%s' failed: %s", pattern, cause);
	for (i = 0; i < n; i++)
		buf_addf(&b, "%s%s", i ? " " : "", hosts[i]->name);
	free(hosts);
	buf_cstr(&b);
	return buf_detach(&b, NULL);
}

#define assert_match(inv, pattern, expected) do {			\
	char *m_ = match(inv, pattern);					\
	assert_string_equal(m_, expected);				\
	free(m_);							\
} while (0)

/* A host's merged variable as JSON, "" if unset. */
static char *
hostvar(struct inventory *inv, const char *host, const char *var)
{
	struct inv_host	*h;
	struct value	*vars, *v;
	struct buf	 b = BUF_INIT;

	h = inventory_find_host(inv, host);
	if (h == NULL && inv->localhost != NULL &&
	    strcmp(inv->localhost->name, host) == 0)
		h = inv->localhost;
	assert_non_null(h);
	vars = inventory_host_vars(inv, h);
	if ((v = value_dict_get(vars, var)) != NULL)
		value_to_json(&b, v, 0);
	value_unref(vars);
	buf_cstr(&b);
	return buf_detach(&b, NULL);
}

#define assert_var(inv, host, var, expected) do {			\
	char *v_ = hostvar(inv, host, var);				\
	assert_string_equal(v_, expected);				\
	free(v_);							\
} while (0)

static char *
json_of(struct value *v)
{
	struct buf	b = BUF_INIT;

	value_to_json(&b, v, 0);
	value_unref(v);
	buf_cstr(&b);
	return buf_detach(&b, NULL);
}

#define assert_ini_value(text, expected) do {				\
	char *j_ = json_of(inventory_ini_value(text, NULL));		\
	assert_string_equal(j_, expected);				\
	free(j_);							\
} while (0)

static void
test_ini_values(void **state)
{
	(void)state;
	assert_ini_value("5", "5");
	assert_ini_value("-5", "-5");
	assert_ini_value("0x1f", "31");
	assert_ini_value("1_000", "1000");
	assert_ini_value("1.5", "1.5");
	assert_ini_value("True", "true");
	assert_ini_value("False", "false");
	assert_ini_value("None", "null");
	assert_ini_value("true", "\"true\"");
	assert_ini_value("010", "\"010\"");
	assert_ini_value("'5'", "\"5\"");
	assert_ini_value("\"a b\"", "\"a b\"");
	assert_ini_value("'a' 'b'", "\"ab\"");
	assert_ini_value("'a\\tb'", "\"a\\tb\"");
	assert_ini_value("[1, 'x', True]", "[1, \"x\", true]");
	assert_ini_value("(1,)", "[1]");
	assert_ini_value("(1)", "1");
	assert_ini_value("{'a': 1, 'b': [2]}", "{\"a\": 1, \"b\": [2]}");
	assert_ini_value("{}", "{}");
	assert_ini_value("hello", "\"hello\"");
	assert_ini_value("hello # comment", "\"hello # comment\"");
	assert_ini_value("5 # comment", "5");
	assert_ini_value("1.2.3.4", "\"1.2.3.4\"");
	assert_ini_value("--5", "\"--5\"");
	assert_ini_value("-True", "\"-True\"");
	assert_ini_value("1+2", "\"1+2\"");
	assert_ini_value("1j", "\"1j\"");
	assert_ini_value("", "\"\"");
	assert_ini_value("[1, 2", "\"[1, 2\"");
	assert_ini_value("/usr/bin/python3", "\"/usr/bin/python3\"");
}

static const char ini_text[] =
	"# comment\n"
	"loose1 ansible_host=10.0.0.9\n"
	"; another comment\n"
	"[web]\n"
	"web1 ansible_host=10.0.0.1 http_port=8080 flag=True name='x y'\n"
	"web2:2222   # trailing comment\n"
	"\n"
	"[db]\n"
	"db1 role=\"primary db\"\n"
	"web1\n"
	"\n"
	"[prod:children]\n"
	"web\n"
	"db\n"
	"\n"
	"[prod:vars]\n"
	"env = production\n"
	"retries=3\n"
	"\n"
	"[all:vars]\n"
	"ntp=pool.ntp.org\n";

static void
test_ini_basic(void **state)
{
	struct inventory	*inv;
	struct inv_group	*g;
	struct inv_host		*h;
	struct value		*names;
	char			*j;

	(void)state;
	inv = load_text("hosts", ini_text);
	assert_int_equal(inv->nhosts, 4);
	assert_string_equal(inv->hosts[0]->name, "loose1");
	assert_string_equal(inv->hosts[1]->name, "web1");
	assert_string_equal(inv->hosts[2]->name, "web2");
	assert_string_equal(inv->hosts[3]->name, "db1");

	h = inventory_find_host(inv, "web1");
	assert_non_null(h);
	assert_int_equal(h->ngroups, 2);
	assert_string_equal(h->groups[0]->name, "web");
	assert_string_equal(h->groups[1]->name, "db");
	j = json_of(value_ref(h->vars));
	assert_string_equal(j, "{\"ansible_host\": \"10.0.0.1\", "
	    "\"http_port\": 8080, \"flag\": true, \"name\": \"x y\"}");
	free(j);
	assert_var(inv, "web2", "ansible_port", "2222");
	assert_var(inv, "db1", "role", "\"primary db\"");

	g = inventory_find_group(inv, "ungrouped");
	assert_int_equal(g->nhosts, 1);
	assert_string_equal(g->hosts[0]->name, "loose1");
	g = inventory_find_group(inv, "prod");
	assert_int_equal(g->nchildren, 2);
	assert_int_equal(g->depth, 1);
	assert_int_equal(inventory_find_group(inv, "web")->depth, 2);
	assert_int_equal(g->nparents, 1);
	assert_string_equal(g->parents[0]->name, "all");

	assert_var(inv, "web1", "env", "\"production\"");
	assert_var(inv, "web1", "retries", "3");
	assert_var(inv, "loose1", "ntp", "\"pool.ntp.org\"");
	assert_var(inv, "loose1", "env", "");

	names = inventory_group_names(inv, inventory_find_host(inv, "web1"));
	j = json_of(names);
	assert_string_equal(j, "[\"db\", \"prod\", \"web\"]");
	free(j);
	j = json_of(inventory_groups_var(inv));
	assert_string_equal(j, "{\"all\": [\"loose1\", \"web1\", \"web2\", "
	    "\"db1\"], \"ungrouped\": [\"loose1\"], \"web\": [\"web1\", "
	    "\"web2\"], \"db\": [\"db1\", \"web1\"], \"prod\": [\"web1\", "
	    "\"web2\", \"db1\"]}");
	free(j);
	inventory_free(inv);
}

static void
test_ini_children_before_groups(void **state)
{
	struct inventory	*inv;

	(void)state;
	inv = load_text("hosts",
	    "[top:children]\n"
	    "mid\n"
	    "[mid:children]\n"
	    "leaf\n"
	    "[leaf]\n"
	    "l1\n"
	    "[leaf:vars]\n"
	    "x=1\n");
	assert_int_equal(inventory_find_group(inv, "leaf")->depth, 3);
	assert_match(inv, "top", "l1");
	assert_var(inv, "l1", "x", "1");
	inventory_free(inv);
}

static void
test_ini_ranges(void **state)
{
	struct inventory	*inv;

	(void)state;
	inv = load_text("hosts",
	    "[web]\n"
	    "web[01:03].example.com\n"
	    "[db]\n"
	    "db-[a:c] x=1\n"
	    "[odd]\n"
	    "n[1:10:3]\n"
	    "[grid]\n"
	    "r[1:2]c[0:1]\n"
	    "[from0]\n"
	    "z[:1]:2200\n");
	assert_match(inv, "web", "web01.example.com web02.example.com "
	    "web03.example.com");
	assert_match(inv, "db", "db-a db-b db-c");
	assert_var(inv, "db-b", "x", "1");
	assert_match(inv, "odd", "n1 n4 n7 n10");
	assert_match(inv, "grid", "r1c0 r1c1 r2c0 r2c1");
	assert_match(inv, "from0", "z0 z1");
	assert_var(inv, "z1", "ansible_port", "2200");
	inventory_free(inv);
}

static void
test_ini_errors(void **state)
{
	char	*e;

	(void)state;
	e = load_error("h1.ini", "[web]\nw1\n\n[db:vars]\nx=1\n");
	assert_string_equal(e, "h1.ini:4:1: section [db:vars] names no group: "
	    "declare [db] or [db:children]");
	free(e);
	e = load_error("h2.ini", "[all:children]\nmissing\n");
	assert_string_equal(e, "h2.ini:2:1: section [all:children] includes "
	    "undefined group 'missing'");
	free(e);
	e = load_error("h3.ini", "[web]\nw1\n[bad name]\n");
	assert_string_equal(e, "h3.ini:3:1: invalid section entry "
	    "'[bad name]': make sure there are no spaces or other invalid "
	    "characters in the section name");
	free(e);
	e = load_error("h4.ini", "[web:hostz]\n");
	assert_string_equal(e, "h4.ini:1:1: section [web:hostz] has unknown "
	    "type 'hostz'");
	free(e);
	e = load_error("h5.ini", "[web]\nw1 novalue\n");
	assert_string_equal(e, "h5.ini:2:1: expected key=value host variable "
	    "assignment, got 'novalue'");
	free(e);
	e = load_error("h6.ini", "[web:vars]\nnovalue\n[web]\n");
	assert_string_equal(e, "h6.ini:2:1: expected key=value, got "
	    "'novalue'");
	free(e);
	e = load_error("h7.ini", "\n[web]\nw[01:1]\n");
	assert_string_equal(e, "h7.ini:3:1: malformed host range 'w[01:1]': "
	    "begin and end must have the same width");
	free(e);
	e = load_error("h8.ini", "w[1:]\n");
	assert_string_equal(e, "h8.ini:1:1: malformed host range 'w[1:]': "
	    "the range has no end value");
	free(e);
	e = load_error("h9.ini", "w[1:2:3:4]\n");
	assert_string_equal(e, "h9.ini:1:1: malformed host range "
	    "'w[1:2:3:4]': a range must be [begin:end] or [begin:end:step]");
	free(e);
	e = load_error("h10.ini", "w1 x='unclosed\n");
	assert_string_equal(e, "h10.ini:1:1: cannot parse host line "
	    "'w1 x='unclosed': no closing quotation");
	free(e);
	e = load_error("h11.ini", "[a:children]\nb\n[b:children]\na\n");
	assert_string_equal(e, "h11.ini:4:1: adding group 'a' as child to "
	    "'b' creates a recursive dependency loop");
	free(e);
	e = load_error("h12.ini", "[web]\nw[9:0:0]\n");
	assert_string_equal(e, "h12.ini:2:1: malformed host range "
	    "'w[9:0:0]': bad step '0'");
	free(e);
}

static const char yaml_text[] =
	"all:\n"
	"  vars:\n"
	"    ntp: pool.ntp.org\n"
	"  hosts:\n"
	"    bastion:\n"
	"      ansible_host: 192.0.2.1\n"
	"  children:\n"
	"    web:\n"
	"      hosts:\n"
	"        web[1:2]:\n"
	"          http_port: 8080\n"
	"        web3:2222:\n"
	"      vars:\n"
	"        tier: front\n"
	"    prod:\n"
	"      children:\n"
	"        web:\n"
	"        db:\n"
	"          hosts: db1\n"
	"      vars:\n"
	"        env: production\n"
	"other:\n"
	"  hosts:\n"
	"    o1:\n";

static void
test_yaml_basic(void **state)
{
	struct inventory	*inv;
	struct inv_group	*g;

	(void)state;
	inv = load_text("hosts.yml", yaml_text);
	assert_int_equal(inv->nhosts, 6);
	assert_match(inv, "all", "bastion web1 web2 web3 db1 o1");
	assert_match(inv, "ungrouped", "bastion");
	assert_match(inv, "prod", "web1 web2 web3 db1");
	assert_var(inv, "web1", "http_port", "8080");
	assert_var(inv, "web3", "http_port", "");
	assert_var(inv, "web3", "ansible_port", "2222");
	assert_var(inv, "web2", "tier", "\"front\"");
	assert_var(inv, "db1", "env", "\"production\"");
	assert_var(inv, "o1", "ntp", "\"pool.ntp.org\"");
	assert_var(inv, "bastion", "ansible_host", "\"192.0.2.1\"");
	g = inventory_find_group(inv, "web");
	assert_int_equal(g->depth, 2);
	assert_int_equal(g->nparents, 2);
	g = inventory_find_group(inv, "other");
	assert_int_equal(g->depth, 1);
	assert_int_equal(value_len(inv->warnings), 0);
	inventory_free(inv);
}

/* Ranges multiplied by lines cannot make an inventory without bound. */
static void
test_total_hosts_cap(void **state)
{
	struct inventory	*inv;
	char			*e;

	(void)state;
	inventory_max_hosts = 1000;
	inv = load_text("ok.ini", "[a]\nh[0:599]\n[b]\nk[0:399]\n");
	inventory_free(inv);
	e = load_error("big.ini", "[a]\nh[0:599]\n[b]\nk[0:599]\n");
	assert_string_equal(e, "big.ini:4:1: the inventory holds more than "
	    "1000 hosts");
	free(e);
	e = load_error("big.yml", "a:\n  hosts:\n    h[0:599]:\n"
	    "b:\n  hosts:\n    k[0:599]:\n");
	assert_non_null(strstr(e, "big.yml:6:"));
	assert_non_null(strstr(e, "the inventory holds more than 1000 hosts"));
	free(e);
	inventory_max_hosts = INV_HOSTS_MAX;
}

static void
test_yaml_errors(void **state)
{
	struct inventory	*inv;
	char			*e;

	(void)state;
	e = load_error("y1.yml", "all:\n  hosts:\n    - a\n    - b\n");
	assert_string_equal(e, "y1.yml:3:5: invalid 'hosts' entry for group "
	    "'all': requires a mapping, found a list");
	free(e);
	e = load_error("y2.yml", "web:\n  hosts:\n    w1: [1, 2]\n");
	assert_string_equal(e, "y2.yml:3:9: host 'w1' in group 'web' must map "
	    "to variables or be empty, not a list");
	free(e);
	e = load_error("y3.yml", "- a\n- b\n");
	assert_string_equal(e, "y3.yml:1:1: YAML inventory has invalid "
	    "structure: it should be a mapping of groups, not a list");
	free(e);
	e = load_error("y4.yml", "web:\n  hosts:\n    w[3:1:x]:\n");
	assert_string_equal(e, "y4.yml:3:14: malformed host range 'w[3:1:x]': "
	    "bad step 'x'");
	free(e);

	inv = load_text("y5.yml", "web:\n  hosts:\n    w1:\n  color: blue\n");
	assert_int_equal(value_len(inv->warnings), 1);
	assert_non_null(strstr(inv->warnings->u.list.items[0]->u.str.s,
	    "y5.yml:4:10: skipping key 'color' in group 'web' as it is not a "
	    "mapping, it is a str"));
	inventory_free(inv);
}

static void
test_dir_source(void **state)
{
	struct inventory	*inv;
	char			*dir, *cause = NULL;

	(void)state;
	touch("inv/10-hosts", "[web]\nw1\n");
	touch("inv/20-more.yml", "db:\n  hosts:\n    d1:\n");
	touch("inv/30-ignored.ini", "[x]\nignored1\n");
	touch("inv/hosts.retry", "ignored2\n");
	touch("inv/notes.md", "# ignored3\n");
	touch("inv/.hidden", "ignored4\n");
	touch("inv/backup~", "ignored5\n");
	touch("inv/sub/extra", "e1\n");
	touch("inv/group_vars/web.yml", "color: red\n");
	touch("inv/host_vars/d1", "color: green\n");
	dir = xasprintf("%s/inv", tmpdir);
	inv = inventory_new();
	assert_int_equal(inventory_load(inv, dir, &cause), 0);
	assert_match(inv, "all", "w1 d1 e1");
	assert_var(inv, "w1", "color", "\"red\"");
	assert_var(inv, "d1", "color", "\"green\"");
	assert_null(inventory_find_group(inv, "x"));
	free(dir);
	inventory_free(inv);
}

static void
test_vars_files(void **state)
{
	struct inventory	*inv;
	char			*path, *cause = NULL;

	(void)state;
	path = put("site/inventory/hosts",
	    "[web]\nw1 inline=host\nw2\n[web:vars]\ninline=group\n"
	    "[all:vars]\nlevel=all-inline\n");
	touch("site/inventory/group_vars/all/10.yml", "level: gv-all-10\n"
	    "a: 1\n");
	touch("site/inventory/group_vars/all/20.yml", "level: gv-all-20\n"
	    "b: {x: 1}\n");
	touch("site/inventory/group_vars/all/ignored.txt", "c: 3\n");
	touch("site/inventory/group_vars/web",
	    "level: gv-web\nweb_only: yes\n");
	touch("site/inventory/group_vars/web.yml", "shadowed: true\n");
	touch("site/inventory/host_vars/w1.yaml", "level: hv-w1\n"
	    "b: {y: 2}\n");
	touch("site/group_vars/web.json", "{\"level\": \"play-web\"}\n");
	touch("site/host_vars/w2.yml", "level: play-w2\n");

	inv = inventory_new();
	assert_int_equal(inventory_load(inv, path, &cause), 0);
	assert_var(inv, "w1", "a", "1");
	assert_var(inv, "w1", "web_only", "true");
	/* group_vars/web (a file) wins over web.yml: only the first is read */
	assert_var(inv, "w1", "shadowed", "");
	assert_var(inv, "w1", "c", "");
	/* host inline beats group inline; host_vars beat both; no deep merge */
	assert_var(inv, "w1", "inline", "\"host\"");
	assert_var(inv, "w2", "inline", "\"group\"");
	assert_var(inv, "w1", "level", "\"hv-w1\"");
	assert_var(inv, "w1", "b", "{\"y\": 2}");
	assert_var(inv, "w2", "level", "\"gv-web\"");
	assert_var(inv, "w2", "b", "{\"x\": 1}");

	path[strlen(path) - strlen("/inventory/hosts")] = '\0';
	assert_int_equal(inventory_load_playbook_vars(inv, path, &cause), 0);
	assert_var(inv, "w2", "level", "\"play-w2\"");
	assert_var(inv, "w1", "level", "\"hv-w1\"");
	inventory_free(inv);
	free(path);

	path = put("bad/hosts", "h1\n");
	touch("bad/group_vars/all.yml", "- not\n- a mapping\n");
	inv = inventory_new();
	assert_int_equal(inventory_load(inv, path, &cause), -1);
	assert_non_null(strstr(cause, "/bad/group_vars/all.yml:1:1: "
	    "variables file '"));
	free(cause);
	inventory_free(inv);
	free(path);
}

static void
test_precedence(void **state)
{
	struct inventory	*inv;

	(void)state;
	/* depth first, then name: zeta (depth 1) < alpha (depth 2) */
	inv = load_text("hosts",
	    "[alpha]\nh1\n[zeta]\nh1\n[beta]\nh1\n"
	    "[zeta:children]\nalpha\n"
	    "[alpha:vars]\nv=alpha\nw=alpha\n"
	    "[zeta:vars]\nv=zeta\nu=zeta\n"
	    "[beta:vars]\nw=beta\nu=beta\n"
	    "[all:vars]\nv=all\nt=all\n");
	assert_var(inv, "h1", "v", "\"alpha\"");
	assert_var(inv, "h1", "w", "\"alpha\"");
	assert_var(inv, "h1", "u", "\"zeta\"");
	assert_var(inv, "h1", "t", "\"all\"");
	inventory_free(inv);

	inv = load_text("hosts2",
	    "[a]\nh1\n[b]\nh1\n[a:vars]\nx=a\nansible_group_priority=10\n"
	    "[b:vars]\nx=b\n");
	assert_var(inv, "h1", "x", "\"a\"");
	inventory_free(inv);
}

static void
test_comma_list(void **state)
{
	struct inventory	*inv = inventory_new();
	char			*cause = NULL;

	(void)state;
	assert_int_equal(inventory_load(inv, "h1, h2:2222,,h1,", &cause), 0);
	assert_int_equal(inv->nhosts, 2);
	assert_match(inv, "ungrouped", "h1 h2");
	assert_var(inv, "h2", "ansible_port", "2222");
	assert_var(inv, "h1", "inventory_file", "");
	assert_int_equal(inventory_load(inv, "solo,", &cause), 0);
	assert_match(inv, "all", "h1 h2 solo");
	assert_int_equal(inventory_load(inv, "/nonexistent/hosts", &cause), -1);
	assert_string_equal(cause,
	    "cannot open inventory '/nonexistent/hosts': "
	    "No such file or directory");
	free(cause);
	inventory_free(inv);
}

static void
test_implicit_localhost(void **state)
{
	struct inventory	*inv;
	char			*j;

	(void)state;
	inv = load_text("hosts", "h1\n[all:vars]\nx=1\n");
	assert_match(inv, "all", "h1");
	assert_null(inv->localhost);
	assert_match(inv, "localhost", "localhost");
	assert_non_null(inv->localhost);
	assert_true(inv->localhost->implicit);
	assert_var(inv, "localhost", "ansible_connection", "\"local\"");
	assert_var(inv, "localhost", "ansible_python_interpreter", "");
	assert_var(inv, "localhost", "x", "1");
	assert_match(inv, "all", "h1");
	assert_match(inv, "h1:localhost", "h1 localhost");
	assert_match(inv, "127.0.0.1", "localhost");
	j = json_of(inventory_groups_var(inv));
	assert_string_equal(j, "{\"all\": [\"h1\"], \"ungrouped\": [\"h1\"]}");
	free(j);
	inventory_free(inv);

	inv = load_text("hosts2", "localhost ansible_connection=ssh\n");
	assert_match(inv, "localhost", "localhost");
	assert_null(inv->localhost);
	assert_var(inv, "localhost", "ansible_connection", "\"ssh\"");
	inventory_free(inv);
}

static const char pattern_ini[] =
	"[web]\n"
	"web1.example.com\n"
	"web2.example.com\n"
	"web3.example.org\n"
	"[db]\n"
	"db1.example.com\n"
	"db2.example.com\n"
	"web2.example.com\n"
	"[staging]\n"
	"web3.example.org\n"
	"db2.example.com\n"
	"[lb]\n"
	"lb1\n";

static void
test_patterns(void **state)
{
	struct inventory	*inv;
	struct inv_host		**hosts;
	size_t			  n;
	char			 *cause = NULL;

	(void)state;
	inv = load_text("hosts", pattern_ini);
	assert_match(inv, "all", "web1.example.com web2.example.com "
	    "web3.example.org db1.example.com db2.example.com lb1");
	assert_match(inv, "*", "web1.example.com web2.example.com "
	    "web3.example.org db1.example.com db2.example.com lb1");
	assert_match(inv, "web", "web1.example.com web2.example.com "
	    "web3.example.org");
	assert_match(inv, "lb1", "lb1");
	/* unions come back in inventory order, not pattern order */
	assert_match(inv, "db:lb", "web2.example.com db1.example.com "
	    "db2.example.com lb1");
	assert_match(inv, "lb,db", "web2.example.com db1.example.com "
	    "db2.example.com lb1");
	assert_match(inv, "web:&db", "web2.example.com");
	assert_match(inv, "web:!db", "web1.example.com web3.example.org");
	assert_match(inv, "!staging", "web1.example.com web2.example.com "
	    "db1.example.com lb1");
	assert_match(inv, "&staging", "web3.example.org db2.example.com");
	/* exclusions apply last whatever their position */
	assert_match(inv, "!db:web", "web1.example.com web3.example.org");
	assert_match(inv, "web:db:&staging:!web3*",  "db2.example.com");
	assert_match(inv, "web*", "web1.example.com web2.example.com "
	    "web3.example.org");
	assert_match(inv, "*.example.org", "web3.example.org");
	assert_match(inv, "db?.example.com", "db1.example.com "
	    "db2.example.com");
	assert_match(inv, "~web[12]\\.", "web1.example.com web2.example.com");
	assert_match(inv, "~(web|lb)", "web1.example.com web2.example.com "
	    "web3.example.org lb1");
	assert_match(inv, "~example", "");
	assert_match(inv, "web[0]", "web1.example.com");
	assert_match(inv, "web[-1]", "web3.example.org");
	assert_match(inv, "web[0:1]", "web1.example.com web2.example.com");
	assert_match(inv, "web[1:]", "web2.example.com web3.example.org");
	assert_match(inv, "web[1:9]", "web2.example.com web3.example.org");
	assert_match(inv, "db[1],lb", "db2.example.com lb1");
	assert_match(inv, "nosuch", "");
	assert_match(inv, "nosuch:!web", "");
	assert_match(inv, "", "");

	assert_int_equal(inventory_match(inv, "~web[", &hosts, &n, &cause),
	    -1);
	assert_non_null(strstr(cause, "invalid host pattern '~web[': "));
	free(cause);
	assert_int_equal(inventory_match(inv, "web[3]", &hosts, &n, &cause),
	    -1);
	assert_string_equal(cause, "no hosts matched the subscripted pattern "
	    "'web[3]'");
	free(cause);
	assert_int_equal(inventory_match(inv, "web:!", &hosts, &n, &cause),
	    -1);
	free(cause);
	inventory_free(inv);
}

static void
test_dump_list(void **state)
{
	struct inventory	*inv;
	struct buf		 b = BUF_INIT;

	(void)state;
	inv = load_text("hosts",
	    "lone\n[web]\nw2 b=2 a=1\nw1\n[prod:children]\nweb\n");
	inventory_dump_list(inv, &b);
	assert_string_equal(buf_cstr(&b),
	    "{\n"
	    "    \"_meta\": {\n"
	    "        \"hostvars\": {\n"
	    "            \"w2\": {\n"
	    "                \"a\": 1,\n"
	    "                \"b\": 2\n"
	    "            }\n"
	    "        }\n"
	    "    },\n"
	    "    \"all\": {\n"
	    "        \"children\": [\n"
	    "            \"prod\",\n"
	    "            \"ungrouped\"\n"
	    "        ]\n"
	    "    },\n"
	    "    \"prod\": {\n"
	    "        \"children\": [\n"
	    "            \"web\"\n"
	    "        ]\n"
	    "    },\n"
	    "    \"ungrouped\": {\n"
	    "        \"hosts\": [\n"
	    "            \"lone\"\n"
	    "        ]\n"
	    "    },\n"
	    "    \"web\": {\n"
	    "        \"hosts\": [\n"
	    "            \"w1\",\n"
	    "            \"w2\"\n"
	    "        ]\n"
	    "    }\n"
	    "}\n");
	buf_release(&b);
	inventory_free(inv);
}

static void
test_dump_graph_host(void **state)
{
	struct inventory	*inv;
	struct buf		 b = BUF_INIT;
	char			*cause = NULL;

	(void)state;
	inv = load_text("hosts",
	    "lone\n[web]\nw2 b=2 a='x'\nw1\n[prod:children]\nweb\n"
	    "[prod:vars]\nc=3\n");
	inventory_dump_graph(inv, NULL, &b);
	assert_string_equal(buf_cstr(&b),
	    "@all:\n"
	    "  |--@prod:\n"
	    "  |  |--@web:\n"
	    "  |  |  |--w1\n"
	    "  |  |  |--w2\n"
	    "  |--@ungrouped:\n"
	    "  |  |--lone\n");
	buf_reset(&b);
	inventory_dump_graph(inv, "web", &b);
	assert_string_equal(buf_cstr(&b), "@web:\n  |--w1\n  |--w2\n");
	buf_reset(&b);
	assert_int_equal(inventory_dump_host(inv, "w2", &b, &cause), 0);
	assert_string_equal(buf_cstr(&b),
	    "{\n    \"a\": \"x\",\n    \"b\": 2,\n    \"c\": 3\n}\n");
	buf_reset(&b);
	assert_int_equal(inventory_dump_host(inv, "web", &b, &cause), -1);
	assert_non_null(strstr(cause, "matches 2 hosts"));
	free(cause);
	buf_release(&b);
	inventory_free(inv);
}

static void
test_inventory_file_var(void **state)
{
	struct inventory	*inv;
	char			*expect, *v, *real;

	(void)state;
	inv = load_text("here/hosts", "h1\n");
	real = realpath(tmpdir, NULL);
	expect = xasprintf("\"%s/here/hosts\"", real);
	v = hostvar(inv, "h1", "inventory_file");
	assert_string_equal(v, expect);
	free(v);
	free(expect);
	expect = xasprintf("\"%s/here\"", real);
	v = hostvar(inv, "h1", "inventory_dir");
	assert_string_equal(v, expect);
	free(v);
	free(expect);
	free(real);
	inventory_free(inv);
}

static void
test_multi_source(void **state)
{
	struct inventory	*inv;
	struct buf		 b = BUF_INIT;
	char			*p1, *p2, *cause = NULL;

	(void)state;
	p1 = put("a/hosts", "[web]\nw1\n[db]\nd1\n");
	p2 = put("b/hosts.yml", "prod:\n  children:\n    web:\n"
	    "  hosts:\n    w1:\n      x: 1\n");
	inv = inventory_new();
	assert_int_equal(inventory_load(inv, p1, &cause), 0);
	assert_int_equal(inventory_load(inv, p2, &cause), 0);
	/* web moved under prod: all keeps only the groups without parents */
	inventory_dump_graph(inv, NULL, &b);
	assert_string_equal(buf_cstr(&b),
	    "@all:\n"
	    "  |--@db:\n"
	    "  |  |--d1\n"
	    "  |--@prod:\n"
	    "  |  |--@web:\n"
	    "  |  |  |--w1\n"
	    "  |  |--w1\n"
	    "  |--@ungrouped:\n");
	assert_int_equal(inventory_find_group(inv, "web")->depth, 2);
	assert_var(inv, "w1", "x", "1");
	buf_release(&b);
	free(p1);
	free(p2);
	inventory_free(inv);
}

/* The shipped examples: hosts.ini, hosts.yml and the directory agree. */
static void
test_examples(void **state)
{
	static const char *const sources[] = { "hosts.ini", "hosts.yml", "",
	    NULL };
	struct inventory	*inv;
	struct buf		 b = BUF_INIT;
	char			*dir, *path, *first = NULL, *cause = NULL;
	size_t			 i;

	(void)state;
	/* beside this file: works in and out of tree */
	dir = xstrdup(__FILE__);
	*strrchr(dir, '/') = '\0';
	path = xasprintf("%s/../../inventory", dir);
	free(dir);
	dir = path;
	for (i = 0; sources[i] != NULL; i++) {
		path = xasprintf("%s/%s", dir, sources[i]);
		inv = inventory_new();
		if (inventory_load(inv, path, &cause) != 0)
			fail_msg("%s: %s", path, cause);
		buf_reset(&b);
		inventory_dump_list(inv, &b);
		if (first == NULL)
			first = xstrdup(buf_cstr(&b));
		else
			assert_string_equal(buf_cstr(&b), first);
		assert_match(inv, "app:!web",
		    "db1.example.com db2.example.com");
		assert_var(inv, "db1.example.com", "ansible_port", "2222");
		assert_var(inv, "db1.example.com", "backup_hour", "1");
		assert_var(inv, "db2.example.com", "backup_hour", "3");
		assert_var(inv, "web02.example.com", "app_env",
		    "\"production\"");
		assert_var(inv, "web02.example.com", "ansible_user",
		    "\"deploy\"");
		inventory_free(inv);
		free(path);
	}
	assert_non_null(strstr(first, "\"ungrouped\": {\n        \"hosts\": "
	    "[\n            \"bastion.example.com\"\n"));
	free(first);
	free(dir);
	buf_release(&b);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup_dir, teardown_dir)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ini_values),
		T(test_ini_basic),
		T(test_ini_children_before_groups),
		T(test_ini_ranges),
		T(test_ini_errors),
		T(test_total_hosts_cap),
		T(test_yaml_basic),
		T(test_yaml_errors),
		T(test_dir_source),
		T(test_vars_files),
		T(test_precedence),
		T(test_comma_list),
		T(test_implicit_localhost),
		T(test_patterns),
		T(test_dump_list),
		T(test_dump_graph_host),
		T(test_inventory_file_var),
		T(test_multi_source),
		cmocka_unit_test(test_examples),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
