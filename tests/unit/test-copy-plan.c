/* Unit tests of modules/files/copy-plan.c: the copy module's decisions. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "module.h"
#include "files/copy-plan.h"

static void
test_copy_dest_path(void **state)
{
	char	*p;
	int	 mkdirs;

	(void)state;
	p = copy_dest_path("/etc/motd", "files/motd", &mkdirs);
	assert_string_equal(p, "/etc/motd");
	assert_int_equal(mkdirs, 0);
	free(p);
	p = copy_dest_path("/srv/new/", "files/app.conf", &mkdirs);
	assert_string_equal(p, "/srv/new/app.conf");
	assert_int_equal(mkdirs, 1);
	free(p);
	assert_string_equal(copy_basename("plain"), "plain");
	assert_string_equal(copy_basename("a/b/c"), "c");
}

static void
test_copy_decide(void **state)
{
	struct host_stat	st;

	(void)state;
	memset(&st, 0, sizeof st);
	st.type = FT_NONE;
	assert_int_equal(copy_decide(&st, "abc", 0), COPY_WRITE);
	st.type = FT_FILE;
	strcpy(st.checksum, "abc");
	assert_int_equal(copy_decide(&st, "abc", 1), COPY_ATTRS);
	assert_int_equal(copy_decide(&st, "abd", 1), COPY_WRITE);
	/* force=no leaves an existing file alone, whatever it holds. */
	assert_int_equal(copy_decide(&st, "abd", 0), COPY_KEEP);
}

static void
test_copy_mode_text(void **state)
{
	struct value	*m;
	char		*t, *cause = NULL;

	(void)state;
	m = value_str("preserve");
	t = copy_mode_text(m, 0100755, &cause);
	assert_string_equal(t, "0755");
	free(t);
	value_unref(m);
	m = value_int(420);		/* YAML's 0644 */
	t = copy_mode_text(m, 0, &cause);
	assert_string_equal(t, "0644");
	free(t);
	value_unref(m);
	m = value_str("u=rw,g=r");
	t = copy_mode_text(m, 0, &cause);
	assert_string_equal(t, "u=rw,g=r");
	free(t);
	value_unref(m);
	m = value_str("0999");
	assert_null(copy_mode_text(m, 0, &cause));
	assert_non_null(cause);
	free(cause);
	value_unref(m);
}

static void
test_copy_diff_entry(void **state)
{
	struct host_stat	 st;
	struct value		*d;

	(void)state;
	memset(&st, 0, sizeof st);
	st.type = FT_FILE;
	st.size = 4;
	d = copy_diff_entry("/d", "src", &st, "old\n", 4, "new\n", 4);
	assert_string_equal(value_dict_get(d, "before")->u.str.s, "old\n");
	assert_string_equal(value_dict_get(d, "after")->u.str.s, "new\n");
	assert_string_equal(value_dict_get(d, "after_header")->u.str.s,
	    "src");
	value_unref(d);

	/* Not readable: no text, no mark. */
	d = copy_diff_entry("/d", "src", &st, NULL, 0, "new\n", 4);
	assert_null(value_dict_get(d, "before"));
	assert_null(value_dict_get(d, "dst_binary"));
	value_unref(d);

	d = copy_diff_entry("/d", "src", &st, "a\0b", 3, "x\0", 2);
	assert_int_equal(value_dict_get(d, "dst_binary")->u.i, 1);
	assert_int_equal(value_dict_get(d, "src_binary")->u.i, 1);
	value_unref(d);

	st.size = COPY_MAX_DIFF + 1;
	d = copy_diff_entry("/d", "src", &st, NULL, 0, "", 0);
	assert_int_equal(value_dict_get(d, "dst_larger")->u.i, COPY_MAX_DIFF);
	value_unref(d);

	/* A new file: before is empty. */
	st.type = FT_NONE;
	d = copy_diff_entry("/d", "src", &st, NULL, 0, "new\n", 4);
	assert_string_equal(value_dict_get(d, "before")->u.str.s, "");
	value_unref(d);
}

static void
test_copy_tree_root(void **state)
{
	char	*p;

	(void)state;
	/* rsync's rule: "dir" is the directory, "dir/" its contents */
	assert_string_equal((p = copy_tree_root("/srv/www", "site")),
	    "/srv/www/site");
	free(p);
	assert_string_equal((p = copy_tree_root("/srv/www/", "files/site/")),
	    "/srv/www");
	free(p);
	assert_string_equal((p = copy_tree_root("/", "/srv/src")), "/src");
	free(p);
}

static void
test_copy_node_decide(void **state)
{
	struct copy_node	 n;
	struct copy_node_want	 w;
	struct value		*m = value_str("0640");
	char			*cause = NULL;

	(void)state;
	memset(&n, 0, sizeof n);
	memset(&w, 0, sizeof w);
	w.force = 1;
	w.umask = 022;
	n.type = 'f';
	n.rel = "a";
	strcpy(n.sum, "1111111111111111111111111111111111111111");
	n.dtype = '-';
	assert_int_equal(copy_node_decide(&n, &w, &cause), 0);
	assert_int_equal(n.action, CN_WRITE);
	n.dtype = 'f';
	strcpy(n.dsum, n.sum);
	n.dmode = 0644;
	assert_int_equal(copy_node_decide(&n, &w, &cause), 0);
	assert_int_equal(n.action, CN_NONE);
	w.mode = m;
	assert_int_equal(copy_node_decide(&n, &w, &cause), 0);
	assert_int_equal(n.action, CN_ATTRS);
	/* force off: an existing file is left as it is, content and all */
	w.mode = NULL;
	w.force = 0;
	strcpy(n.dsum, "2222222222222222222222222222222222222222");
	assert_int_equal(copy_node_decide(&n, &w, &cause), 0);
	assert_int_equal(n.action, CN_NONE);

	/* directories: created, or directory_mode applied */
	memset(&n, 0, sizeof n);
	n.type = 'd';
	n.rel = "css";
	n.dtype = '-';
	assert_int_equal(copy_node_decide(&n, &w, &cause), 0);
	assert_int_equal(n.action, CN_MKDIR);
	n.dtype = 'd';
	n.dmode = 0755;
	w.dir_mode = m;
	assert_int_equal(copy_node_decide(&n, &w, &cause), 0);
	assert_int_equal(n.action, CN_ATTRS);
	n.dtype = 'f';
	assert_int_equal(copy_node_decide(&n, &w, &cause), -1);
	assert_string_equal(cause, "css already exists as a file");
	free(cause);

	/* symlinks: repointed when the target differs */
	memset(&n, 0, sizeof n);
	n.type = 'l';
	n.link = "index.html";
	n.dtype = 'l';
	n.dlink = "other.html";
	assert_int_equal(copy_node_decide(&n, &w, &cause), 0);
	assert_int_equal(n.action, CN_LINK);
	n.dlink = "index.html";
	assert_int_equal(copy_node_decide(&n, &w, &cause), 0);
	assert_int_equal(n.action, CN_NONE);
	value_unref(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy_dest_path),
		cmocka_unit_test(test_copy_decide),
		cmocka_unit_test(test_copy_mode_text),
		cmocka_unit_test(test_copy_diff_entry),
		cmocka_unit_test(test_copy_tree_root),
		cmocka_unit_test(test_copy_node_decide),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
