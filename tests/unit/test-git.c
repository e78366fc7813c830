/* Unit tests of the git module's decisions (modules/source_control/git.c) and its argument checks. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source_control/git.h"
#include "host.h"
#include "module.h"

#define SHA_A	"1111111111111111111111111111111111111111"
#define SHA_B	"2222222222222222222222222222222222222222"
#define SHA_T	"3333333333333333333333333333333333333333"
#define SHA_P	"4444444444444444444444444444444444444444"

static const char ls[] =
    SHA_A "\tHEAD\n"
    SHA_A "\trefs/heads/main\n"
    SHA_B "\trefs/heads/feature\n"
    SHA_T "\trefs/tags/v1.0\n"
    SHA_P "\trefs/tags/v1.0^{}\n"
    SHA_B "\trefs/tags/v1.1\n";

static void
test_resolve(void **state)
{
	char	sha[41];

	(void)state;
	assert_int_equal(git_ref_resolve(ls, "HEAD", sha), GIT_REF_HEAD);
	assert_string_equal(sha, SHA_A);
	assert_int_equal(git_ref_resolve(ls, "feature", sha), GIT_REF_BRANCH);
	assert_string_equal(sha, SHA_B);
	/* An annotated tag: the peeled commit, not the tag object. */
	assert_int_equal(git_ref_resolve(ls, "v1.0", sha), GIT_REF_TAG);
	assert_string_equal(sha, SHA_P);
	assert_int_equal(git_ref_resolve(ls, "v1.1", sha), GIT_REF_TAG);
	assert_string_equal(sha, SHA_B);
	/* A prefix of a ref name is not that ref. */
	assert_int_equal(git_ref_resolve(ls, "feat", sha), GIT_REF_UNKNOWN);
	assert_string_equal(sha, "");
	assert_int_equal(git_ref_resolve(ls, "deadbeef", sha), GIT_REF_SHA);
	assert_string_equal(sha, "");
	assert_int_equal(git_ref_resolve(ls, "dead", sha), GIT_REF_UNKNOWN);
	assert_int_equal(git_ref_resolve("", "HEAD", sha), GIT_REF_HEAD);
	assert_string_equal(sha, "");
	assert_int_equal(git_ref_resolve(SHA_A "\trefs/heads/x\r\n", "x", sha),
	    GIT_REF_BRANCH);
	assert_string_equal(sha, SHA_A);
	assert_string_equal(git_ref_kind_name(GIT_REF_TAG), "tag");
}

static void
test_ssh_command(void **state)
{
	char	*s;

	(void)state;
	assert_null(git_ssh_command(NULL, 0, 0, NULL));
	s = git_ssh_command("/root/.ssh/deploy key", 1, 0, NULL);
	assert_string_equal(s, "ssh -i '/root/.ssh/deploy key' "
	    "-o IdentitiesOnly=yes -o StrictHostKeyChecking=no");
	free(s);
	s = git_ssh_command(NULL, 0, 1, "-p 2222");
	assert_string_equal(s, "ssh -o StrictHostKeyChecking=accept-new "
	    "-p 2222");
	free(s);
}

static void
test_umask(void **state)
{
	struct value	*v;
	unsigned int	 m = 0;
	char		*cause = NULL;

	(void)state;
	v = value_str("0027");
	assert_int_equal(git_umask_parse(v, &m, &cause), 0);
	assert_int_equal(m, 027);
	value_unref(v);
	v = value_int(022);
	assert_int_equal(git_umask_parse(v, &m, &cause), 0);
	assert_int_equal(m, 022);
	value_unref(v);
	v = value_str("u=rwx");
	assert_int_equal(git_umask_parse(v, &m, &cause), -1);
	assert_string_equal(cause, "umask must be defined as a quoted octal "
	    "integer");
	free(cause);
	value_unref(v);
}

static void
test_decide(void **state)
{
	struct git_state	s;

	(void)state;
	memset(&s, 0, sizeof s);
	s.clone = s.update = 1;
	assert_int_equal(git_decide(&s), GA_CLONE);
	s.check = 1;
	assert_int_equal(git_decide(&s), GA_PREDICT);
	assert_int_equal(git_predict_changed(&s), 1);
	s.check = 0;
	s.clone = 0;
	assert_int_equal(git_decide(&s), GA_PREDICT);

	s.exists = 1;
	s.before = SHA_A;
	s.target = SHA_A;
	s.kind = GIT_REF_BRANCH;
	assert_int_equal(git_decide(&s), GA_UPDATE);
	s.update = 0;
	assert_int_equal(git_decide(&s), GA_NONE);
	s.update = 1;
	s.local_mods = 1;
	assert_int_equal(git_decide(&s), GA_FAIL_MODS);
	/* Even in check mode. */
	s.check = 1;
	assert_int_equal(git_decide(&s), GA_FAIL_MODS);
	s.force = 1;
	assert_int_equal(git_decide(&s), GA_PREDICT);
	/* force resets the modifications: a change. */
	assert_int_equal(git_predict_changed(&s), 1);
	s.local_mods = 0;
	assert_int_equal(git_predict_changed(&s), 0);
	s.target = SHA_B;
	assert_int_equal(git_predict_changed(&s), 1);
	s.target = SHA_A;
	s.url_changed = 1;
	assert_int_equal(git_predict_changed(&s), 1);
	s.url_changed = 0;
	/* A short commit id. */
	s.kind = GIT_REF_SHA;
	s.target = "1111111";
	assert_int_equal(git_predict_changed(&s), 0);
	s.target = "2222222";
	assert_int_equal(git_predict_changed(&s), 1);
}

static void
test_clone_args(void **state)
{
	struct git_clone	c;
	struct buf		b = BUF_INIT;

	(void)state;
	memset(&c, 0, sizeof c);
	c.repo = "/srv/git/app.git";
	c.remote = "origin";
	c.version = "v1.0";
	c.kind = GIT_REF_TAG;
	assert_int_equal(git_clone_args(&b, &c), 0);
	assert_string_equal(buf_cstr(&b),
	    " --origin 'origin' -- '/srv/git/app.git' \"$d\"");
	buf_reset(&b);
	c.depth = 1;
	assert_int_equal(git_clone_args(&b, &c), 0);
	assert_string_equal(buf_cstr(&b), " --origin 'origin' --depth 1 "
	    "--branch 'v1.0' -- '/srv/git/app.git' \"$d\"");
	buf_reset(&b);
	c.kind = GIT_REF_SHA;
	c.version = "abcdef1";
	assert_int_equal(git_clone_args(&b, &c), 1);
	assert_string_equal(buf_cstr(&b),
	    " --origin 'origin' -- '/srv/git/app.git' \"$d\"");
	buf_reset(&b);
	c.depth = 0;
	c.bare = 1;
	c.single_branch = 1;
	c.kind = GIT_REF_BRANCH;
	c.version = "main";
	c.reference = "/srv/ref";
	c.repo = "it's";
	assert_int_equal(git_clone_args(&b, &c), 0);
	assert_string_equal(buf_cstr(&b), " --bare --reference '/srv/ref' "
	    "--single-branch --branch 'main' -- 'it'\\''s' \"$d\"");
	buf_release(&b);
}

/* The validate hook, through the engine's argument checks. */
static char *
validate_err(struct value *raw)
{
	const struct module_entry	*m = module_find("git");
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

static struct value *
args2(const char *k1, struct value *v1, const char *k2, struct value *v2)
{
	struct value	*d = value_dict();

	value_dict_set(d, "repo", value_str("/srv/git/app.git"));
	if (k1 != NULL)
		value_dict_set(d, k1, v1);
	if (k2 != NULL)
		value_dict_set(d, k2, v2);
	return d;
}

static void
test_validate(void **state)
{
	char	*c;

	(void)state;
	assert_ptr_equal(module_find("ansible.builtin.git"),
	    module_find("git"));
	c = validate_err(args2(NULL, NULL, NULL, NULL));
	assert_string_equal(c, "the destination directory must be specified "
	    "unless clone=no");
	free(c);
	c = validate_err(args2("dest", value_str("/srv/app"),
	    "depth", value_int(0)));
	assert_string_equal(c, "depth must be a positive integer");
	free(c);
	c = validate_err(args2("dest", value_str("/srv/app"),
	    "umask", value_str("abc")));
	assert_string_equal(c, "umask must be defined as a quoted octal "
	    "integer");
	free(c);
	c = validate_err(args2("accept_hostkey", value_bool(1),
	    "accept_newhostkey", value_bool(1)));
	assert_non_null(strstr(c, "mutually exclusive"));
	free(c);
}

/* The scripts, run by /bin/sh against a scratch repository. */
static char *
sh_out(const char *dir, const char *script)
{
	struct buf	 b = BUF_INIT;
	char		 line[512], *cmd;
	FILE		*f;

	cmd = xasprintf("cd %s && { g=git; d=%s/work; r=origin\n%s\n}"
	    " 2>/dev/null", dir, dir, script);
	assert_non_null(f = popen(cmd, "r"));
	while (fgets(line, sizeof line, f) != NULL)
		buf_adds(&b, line);
	pclose(f);
	free(cmd);
	return buf_detach(&b, NULL);
}

static void
test_scripts(void **state)
{
	struct buf	 b = BUF_INIT;
	char		 dir[] = "/tmp/cairn-test-git.XXXXXX", *out, *cmd;

	(void)state;
	if (system("command -v git >/dev/null 2>&1") != 0)
		skip();
	assert_non_null(mkdtemp(dir));
	cmd = xasprintf("cd %s && export GIT_AUTHOR_NAME=t "
	    "GIT_AUTHOR_EMAIL=t@t GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t"
	    " && git init -q -b main src && cd src && echo 1 >f && git add f"
	    " && git commit -qm 1 && git tag v1 && echo 2 >f && "
	    "git commit -qam 2 && git tag v2 && git checkout -q -b dev && "
	    "echo 3 >f && git commit -qam 3 && git checkout -q main && cd .. "
	    "&& git clone -q src work", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);

	git_probe_script(&b, 0);
	out = sh_out(dir, buf_cstr(&b));
	assert_non_null(strstr(out, "exists=1\nhead="));
	assert_non_null(strstr(out, "/src\n"));
	assert_null(strstr(out, "mods=1"));
	free(out);
	/* An untracked file is not a modification, a changed one is. */
	out = sh_out(dir, "echo x >work/new; echo x >>work/f");
	free(out);
	out = sh_out(dir, buf_cstr(&b));
	assert_non_null(strstr(out, "mods=1"));
	free(out);
	buf_reset(&b);

	buf_adds(&b, "v=v1; cd \"$d\" && git checkout -q -- f && ");
	git_switch_script(&b, GIT_REF_TAG, 0);
	buf_adds(&b, " >/dev/null && cat f");
	out = sh_out(dir, buf_cstr(&b));
	assert_string_equal(out, "1\n");
	free(out);
	buf_reset(&b);
	buf_adds(&b, "v=dev; cd \"$d\" && ");
	git_fetch_script(&b, 0, 0, 0, NULL);
	buf_adds(&b, " && ");
	git_switch_script(&b, GIT_REF_BRANCH, 0);
	buf_adds(&b, " >/dev/null && cat f && git rev-parse --abbrev-ref HEAD");
	out = sh_out(dir, buf_cstr(&b));
	assert_string_equal(out, "3\ndev\n");
	free(out);
	buf_reset(&b);
	buf_adds(&b, "v=HEAD; ");
	buf_adds(&b, "{ ");
	git_switch_script(&b, GIT_REF_HEAD, 0);
	buf_adds(&b, "; } >/dev/null && cat f && git rev-parse --abbrev-ref HEAD");
	out = sh_out(dir, buf_cstr(&b));
	assert_string_equal(out, "2\nmain\n");
	free(out);
	buf_reset(&b);
	git_fetch_script(&b, 2, 1, 1, "refs/x:refs/y");
	assert_string_equal(buf_cstr(&b), "\"$g\" fetch --depth 2 --force "
	    "\"$r\" '+refs/heads/*:refs/heads/*' '+refs/tags/*:refs/tags/*' "
	    "'refs/x:refs/y'");
	buf_release(&b);
	cmd = xasprintf("rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

/* The whole clone and update steps around git_clone_args and fetch. */
static void
test_clone_update_scripts(void **state)
{
	struct git_clone	c;
	struct git_state	st;
	struct buf		b = BUF_INIT;

	(void)state;
	memset(&c, 0, sizeof c);
	c.repo = "/srv/git/app.git";
	c.remote = "origin";
	c.version = "HEAD";
	c.kind = GIT_REF_HEAD;
	assert_int_equal(git_clone_script(&b, &c), 0);
	assert_string_equal(buf_cstr(&b), "mkdir -p -- \"$(dirname -- "
	    "\"$d\")\" || exit 1\n\"$g\" clone --origin 'origin' -- "
	    "'/srv/git/app.git' \"$d\"");
	buf_reset(&b);
	/* A bare clone names its remote afterwards; refspec is fetched. */
	c.bare = 1;
	c.remote = "up";
	c.refspec = "refs/pull/1/head";
	c.depth = 2;
	git_clone_script(&b, &c);
	assert_non_null(strstr(buf_cstr(&b), "remote add \"$r\""));
	assert_true(str_endswith(buf_cstr(&b),
	    " && cd \"$d\" && \"$g\" fetch --depth 2 \"$r\" "
	    "'refs/pull/1/head'"));
	buf_reset(&b);

	git_update_script(&b, "/new.git", 1, 0, 0, 0, NULL);
	assert_true(str_startswith(buf_cstr(&b), "cd \"$d\" || exit 1\n"
	    "\"$g\" remote set-url \"$r\" '/new.git' || exit 1\n"));
	buf_reset(&b);
	git_update_script(&b, "/new.git", 0, 0, 0, 0, NULL);
	assert_null(strstr(buf_cstr(&b), "set-url"));
	buf_release(&b);

	memset(&st, 0, sizeof st);
	assert_int_equal(git_changed("a", "a", &st, 0), 0);
	assert_int_equal(git_changed(NULL, "a", &st, 0), 1);
	assert_int_equal(git_changed("a", "b", &st, 0), 1);
	assert_int_equal(git_changed("a", "a", &st, 1), 1);
	st.url_changed = 1;
	assert_int_equal(git_changed("a", "a", &st, 0), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_ssh_command),
		cmocka_unit_test(test_umask),
		cmocka_unit_test(test_decide),
		cmocka_unit_test(test_clone_args),
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_scripts),
		cmocka_unit_test(test_clone_update_scripts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
