/* Unit tests of the account and authorized_keys decisions (modules/system/accounts.c, authkeys.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "system/accounts.h"
#include "system/authkeys.h"
#include "host.h"
#include "module.h"

#define HASH1	"$6$salt$abc"
#define HASH2	"$6$salt$xyz"

/* A database of alice (uid 1001, group alice 1001, in devs) and groups. */
static void
db_alice(struct accounts_db *db, const char *shadow_hash, long long expire)
{
	struct buf	 t = BUF_INIT;
	char		*cause = NULL;

	buf_adds(&t, "P alice:x:1001:1001:Alice A:/home/alice:/bin/bash\n");
	if (shadow_hash != NULL) {
		buf_addf(&t, "S alice:%s:19000:0:99999:7::", shadow_hash);
		if (expire >= 0)
			buf_addf(&t, "%lld", expire);
		buf_adds(&t, ":\n");
	}
	buf_adds(&t, "G root:x:0:\nG users:x:100:\nG alice:x:1001:\n"
	    "G devs:x:2001:bob,alice\nG ops:x:2002:bob\nH\n");
	if (accounts_parse_db(buf_cstr(&t), db, &cause) != 0)
		fail_msg("parse: %s", cause);
	buf_release(&t);
}

static struct accounts_user_want
want(const char *name)
{
	struct accounts_user_want	w;

	memset(&w, 0, sizeof w);
	w.name = name;
	w.uid = -1;
	w.password_lock = -1;
	w.update_always = 1;
	w.create_home = 1;
	return w;
}

static char *
line_of(struct accounts_argv *a)
{
	char	*s = a->n > 0 ? accounts_argv_line(a, 0) : xstrdup("");

	accounts_argv_release(a);
	return s;
}

static void
assert_useradd(const struct accounts_user_want *w,
    const struct accounts_db *db, const char *expect)
{
	struct accounts_argv	 a = { NULL, 0 };
	char			*cause = NULL, *s;

	if (accounts_useradd(w, db, &a, &cause) != 0)
		fail_msg("useradd: %s", cause);
	s = line_of(&a);
	assert_string_equal(s, expect);
	free(s);
}

static void
assert_usermod(const struct accounts_user_want *w,
    const struct accounts_db *db, const char *expect)
{
	struct accounts_argv	 a = { NULL, 0 };
	char			*cause = NULL, *s;

	if (accounts_usermod(w, db, &a, &cause) != 0)
		fail_msg("usermod: %s", cause);
	s = line_of(&a);
	assert_string_equal(s, expect);
	free(s);
}

static void
test_parse(void **state)
{
	struct accounts_passwd	pw;
	struct accounts_group	g;
	struct accounts_db	db;
	const char		**of;
	size_t			n;
	char			*cause = NULL;

	(void)state;
	assert_int_equal(accounts_parse_passwd("bob:x:1002:100::/home/bob:",
	    &pw, &cause), 0);
	assert_string_equal(pw.name, "bob");
	assert_int_equal(pw.uid, 1002);
	assert_int_equal(pw.gid, 100);
	assert_string_equal(pw.gecos, "");
	assert_string_equal(pw.shell, "");
	accounts_passwd_release(&pw);
	assert_int_equal(accounts_parse_passwd("bob:x:abc:100::/:/bin/sh",
	    &pw, &cause), -1);
	assert_string_equal(cause, "bad passwd entry 'bob:x:abc:100::/:/bin/sh'");
	free(cause);
	cause = NULL;
	assert_int_equal(accounts_parse_passwd("bob:x:1:2", &pw, &cause), -1);
	free(cause);
	cause = NULL;

	assert_int_equal(accounts_parse_group("devs:x:2001:bob,alice", &g,
	    &cause), 0);
	assert_string_equal(g.name, "devs");
	assert_int_equal(g.gid, 2001);
	assert_int_equal(g.nmembers, 2);
	assert_string_equal(g.members[1], "alice");
	accounts_group_release(&g);
	assert_int_equal(accounts_parse_group("empty:x:5:", &g, &cause), 0);
	assert_int_equal(g.nmembers, 0);
	accounts_group_release(&g);

	db_alice(&db, "!" HASH1, 19500);
	assert_true(db.has_user);
	assert_true(db.has_shadow);
	assert_string_equal(db.hash, "!" HASH1);
	assert_int_equal(db.expire, 19500);
	assert_int_equal(db.ngroups, 5);
	assert_true(db.path_exists);
	assert_string_equal(accounts_group_find(&db, "2002")->name, "ops");
	assert_string_equal(accounts_group_find(&db, "devs")->name, "devs");
	assert_null(accounts_group_find(&db, "nope"));
	assert_null(accounts_group_find(&db, "999"));
	of = accounts_member_of(&db, "alice", 1001, &n);
	assert_int_equal(n, 1);
	assert_string_equal(of[0], "devs");
	free(of);
	of = accounts_member_of(&db, "bob", 2001, &n);
	assert_int_equal(n, 1);
	assert_string_equal(of[0], "ops");
	free(of);
	accounts_db_release(&db);

	db_alice(&db, "*", -1);
	assert_int_equal(db.expire, -1);
	accounts_db_release(&db);
	assert_int_equal(accounts_parse_db("P bad\n", &db, &cause), -1);
	free(cause);
}

static void
test_read_script(void **state)
{
	struct buf	s = BUF_INIT;

	(void)state;
	accounts_read_script(&s, "o'neil", NULL, 0, NULL);
	assert_non_null(strstr(buf_cstr(&s), "n='o'\\''neil'\n"));
	assert_null(strstr(buf_cstr(&s), "getent group"));
	buf_reset(&s);
	accounts_read_script(&s, NULL, "devs", 0, NULL);
	assert_non_null(strstr(buf_cstr(&s), "g='devs'\n"));
	assert_null(strstr(buf_cstr(&s), "passwd"));
	buf_release(&s);
}

static void
test_useradd(void **state)
{
	struct accounts_db		 db;
	struct accounts_user_want	 w = want("carol");
	const char			*groups[] = { "devs", " ", "ops", "devs" };
	struct accounts_argv		 a = { NULL, 0 };
	char				*cause = NULL, *s;

	(void)state;
	db_alice(&db, HASH1, -1);
	assert_useradd(&w, &db, "'useradd' '-m' 'carol'");

	w.uid = 3000;
	w.non_unique = 1;
	w.groups = groups;
	w.ngroups = 4;
	groups[1] = "";
	w.comment = "Carol";
	w.home = "/srv/carol";
	w.shell = "/bin/sh";
	w.password = HASH1;
	w.password_lock = 1;
	w.has_expires = 1;
	w.expires = 1893456000;
	w.system = 1;
	w.create_home = 0;
	assert_useradd(&w, &db, "'useradd' '-u' '3000' '-o' '-G' 'devs,ops' "
	    "'-c' 'Carol' '-d' '/srv/carol' '-s' '/bin/sh' '-e' '2030-01-01' "
	    "'-p' '!" HASH1 "' '-M' '-r' 'carol'");

	/* A group named like the user exists: no user group (-N). */
	w = want("alice");
	assert_useradd(&w, &db, "'useradd' '-N' '-m' 'alice'");
	w.group = "users";
	w.has_expires = 1;
	w.expires = -1;
	w.skeleton = "/etc/skel2";
	w.umask = "077";
	assert_useradd(&w, &db, "'useradd' '-g' 'users' '-e' '' '-m' '-k' "
	    "'/etc/skel2' '-K' 'UMASK=077' 'alice'");

	w = want("carol");
	w.group = "nogroup";
	assert_int_equal(accounts_useradd(&w, &db, &a, &cause), -1);
	assert_string_equal(cause, "Group nogroup does not exist");
	free(cause);
	cause = NULL;
	accounts_argv_release(&a);
	w = want("carol");
	groups[0] = "wheel";
	w.groups = groups;
	w.ngroups = 1;
	assert_int_equal(accounts_useradd(&w, &db, &a, &cause), -1);
	assert_string_equal(cause, "Group wheel does not exist");
	free(cause);
	accounts_argv_release(&a);

	/* Messages never show the hash. */
	accounts_argv_add(&a, "useradd");
	accounts_argv_add(&a, "-p");
	accounts_argv_add(&a, HASH1);
	accounts_argv_add(&a, "x");
	s = accounts_argv_line(&a, 1);
	assert_string_equal(s, "'useradd' '-p' ******** 'x'");
	free(s);
	accounts_argv_release(&a);
	accounts_db_release(&db);
}

static void
test_usermod(void **state)
{
	struct accounts_db		 db;
	struct accounts_user_want	 w = want("alice");
	const char			*groups[3];
	struct accounts_argv		 a = { NULL, 0 };
	char				*cause = NULL;

	(void)state;
	db_alice(&db, HASH1, 21915);
	/* Everything as it is: nothing to run. */
	w.uid = 1001;
	w.group = "alice";
	w.comment = "Alice A";
	w.home = "/home/alice";
	w.shell = "/bin/bash";
	w.password = HASH1;
	w.password_lock = 0;
	w.has_expires = 1;
	w.expires = 1893456000 + 3600;	/* same day */
	groups[0] = "devs";
	w.groups = groups;
	w.ngroups = 1;
	assert_usermod(&w, &db, "");
	/* The primary group in groups is ignored. */
	groups[1] = "alice";
	w.ngroups = 2;
	assert_usermod(&w, &db, "");

	w.uid = 1500;
	w.non_unique = 1;
	w.group = "users";
	w.comment = "Alice B";
	w.home = "/srv/alice";
	w.move_home = 1;
	w.shell = "/bin/sh";
	w.expires = 0;
	assert_usermod(&w, &db, "'usermod' '-u' '1500' '-o' '-g' 'users' "
	    "'-c' 'Alice B' '-d' '/srv/alice' '-m' '-s' '/bin/sh' '-e' "
	    "'1970-01-01' 'alice'");

	/* groups: replace, or append only what is missing. */
	w = want("alice");
	groups[0] = "ops";
	w.groups = groups;
	w.ngroups = 1;
	assert_usermod(&w, &db, "'usermod' '-G' 'ops' 'alice'");
	w.append = 1;
	assert_usermod(&w, &db, "'usermod' '-a' '-G' 'ops' 'alice'");
	groups[0] = "devs";
	assert_usermod(&w, &db, "");
	w.append = 0;
	w.ngroups = 0;
	assert_usermod(&w, &db, "'usermod' '-G' '' 'alice'");
	w.append = 1;
	assert_usermod(&w, &db, "");
	groups[0] = "2002";
	w.ngroups = 1;
	w.append = 0;
	assert_usermod(&w, &db, "'usermod' '-G' 'ops' 'alice'");
	groups[0] = "missing";
	assert_int_equal(accounts_usermod(&w, &db, &a, &cause), -1);
	assert_string_equal(cause, "Group missing does not exist");
	assert_int_equal(a.n, 0);
	free(cause);

	/* Expiry removed; locks; a new hash replaces -L/-U. */
	w = want("alice");
	w.has_expires = 1;
	w.expires = -1;
	assert_usermod(&w, &db, "'usermod' '-e' '' 'alice'");
	w = want("alice");
	w.password_lock = 1;
	assert_usermod(&w, &db, "'usermod' '-L' 'alice'");
	w.password = HASH1;
	assert_usermod(&w, &db, "'usermod' '-L' 'alice'");
	w.password = HASH2;
	assert_usermod(&w, &db, "'usermod' '-p' '!" HASH2 "' 'alice'");
	w.update_always = 0;
	assert_usermod(&w, &db, "'usermod' '-L' 'alice'");
	w = want("alice");
	w.password_lock = 0;
	assert_usermod(&w, &db, "");
	accounts_db_release(&db);

	db_alice(&db, "!" HASH1, -1);
	w = want("alice");
	w.password_lock = 0;
	assert_usermod(&w, &db, "'usermod' '-U' 'alice'");
	w.password_lock = 1;
	w.password = HASH1;
	assert_usermod(&w, &db, "");
	w.password_lock = -1;
	w.password = HASH2;
	assert_usermod(&w, &db, "'usermod' '-p' '" HASH2 "' 'alice'");
	w.password = NULL;
	w.has_expires = 1;
	w.expires = -1;
	assert_usermod(&w, &db, "");
	w.expires = 86400 * 2;
	assert_usermod(&w, &db, "'usermod' '-e' '1970-01-03' 'alice'");
	accounts_db_release(&db);
}

static void
test_userdel_group(void **state)
{
	struct accounts_user_want	 w = want("alice");
	struct accounts_group_want	 g;
	struct accounts_group		 cur = { (char *)"devs", 2001, NULL, 0 };
	struct accounts_argv		 a = { NULL, 0 };
	char				*s;

	(void)state;
	accounts_userdel(&w, &a);
	s = line_of(&a);
	assert_string_equal(s, "'userdel' 'alice'");
	free(s);
	w.force = w.remove = 1;
	accounts_userdel(&w, &a);
	s = line_of(&a);
	assert_string_equal(s, "'userdel' '-f' '-r' 'alice'");
	free(s);

	memset(&g, 0, sizeof g);
	g.name = "devs";
	g.gid = -1;
	accounts_groupadd(&g, &a);
	s = line_of(&a);
	assert_string_equal(s, "'groupadd' 'devs'");
	free(s);
	g.gid = 2001;
	g.non_unique = 1;
	g.system = 1;
	accounts_groupadd(&g, &a);
	s = line_of(&a);
	assert_string_equal(s, "'groupadd' '-g' '2001' '-o' '-r' 'devs'");
	free(s);
	accounts_groupmod(&g, &cur, &a);
	assert_int_equal(a.n, 0);
	g.gid = 2005;
	g.non_unique = 0;
	accounts_groupmod(&g, &cur, &a);
	s = line_of(&a);
	assert_string_equal(s, "'groupmod' '-g' '2005' 'devs'");
	free(s);
	g.gid = -1;
	accounts_groupmod(&g, &cur, &a);
	assert_int_equal(a.n, 0);
}

/* authorized_keys */

#define K1	"ssh-ed25519 AAAAkey1"
#define K2	"ssh-rsa AAAAkey2"

static char *
apply(const char *existing, const char *keys, int present, int exclusive,
    const char *opts, const char *comment, int expect_changed)
{
	struct authkeys_want	 w = { keys, present, exclusive, opts,
	    comment };
	char			*out = NULL, *cause = NULL;
	int			 changed = -1;

	if (authkeys_apply(existing, &w, &out, &changed, &cause) != 0)
		fail_msg("apply: %s", cause);
	assert_int_equal(changed, expect_changed);
	return out;
}

static void
test_authkeys_parse(void **state)
{
	struct authkeys_key	k;

	(void)state;
	assert_int_equal(authkeys_parse("no-pty,command=\"echo a b\" "
	    "ssh-ed25519 AAAAx me@host and more\n", &k), 1);
	assert_string_equal(k.type, "ssh-ed25519");
	assert_string_equal(k.blob, "AAAAx");
	assert_string_equal(k.comment, "me@host and more");
	assert_int_equal(k.nopts, 2);
	assert_string_equal(k.opts[0].name, "no-pty");
	assert_null(k.opts[0].value);
	assert_string_equal(k.opts[1].name, "command");
	assert_string_equal(k.opts[1].value, "\"echo a b\"");
	authkeys_key_release(&k);

	assert_int_equal(authkeys_parse(K1, &k), 1);
	assert_string_equal(k.comment, "");
	authkeys_key_release(&k);
	assert_int_equal(authkeys_parse("# ssh-rsa AAAA", &k), 0);
	assert_int_equal(authkeys_parse("", &k), 0);
	assert_int_equal(authkeys_parse("ssh-foo AAAA", &k), 0);
	assert_int_equal(authkeys_parse("ssh-rsa", &k), 0);

	memset(&k, 0, sizeof k);
	authkeys_parse_options("from=\"10.0.0.1,10.0.0.2\",no-pty,,x='a,b'",
	    &k);
	assert_int_equal(k.nopts, 4);
	assert_string_equal(k.opts[0].name, "from");
	assert_string_equal(k.opts[0].value, "\"10.0.0.1,10.0.0.2\"");
	assert_string_equal(k.opts[1].name, "no-pty");
	/* Ansible keeps the ",," between two options as a flag. */
	assert_string_equal(k.opts[2].name, ",,");
	assert_string_equal(k.opts[3].name, "x");
	assert_string_equal(k.opts[3].value, "'a,b'");
	authkeys_key_release(&k);
}

static void
test_authkeys_options_equal(void **state)
{
	struct authkeys_key	a, b;

	(void)state;
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	authkeys_parse_options("no-pty,from=\"x\"", &a);
	authkeys_parse_options("from=\"x\",no-pty", &b);
	assert_true(authkeys_opts_equal(&a, &b));
	authkeys_key_release(&b);
	authkeys_parse_options("from=\"y\",no-pty", &b);
	assert_false(authkeys_opts_equal(&a, &b));
	authkeys_key_release(&b);
	authkeys_parse_options("no-pty", &b);
	assert_false(authkeys_opts_equal(&a, &b));
	authkeys_key_release(&a);
	authkeys_key_release(&b);
}

static void
test_authkeys_apply(void **state)
{
	char	*out, *cause = NULL;
	struct authkeys_want w = { "ssh-foo AAAA", 1, 0, NULL, NULL };
	int	 changed;

	(void)state;
	/* Added after what is there, with Ansible's trailing space. */
	out = apply("# keep me\n" K2 " old\n", K1, 1, 0, NULL, NULL, 1);
	assert_string_equal(out, "# keep me\n" K2 " old\n" K1 " \n");
	free(out);
	/* Already there: nothing; blank and comment lines of key skipped. */
	out = apply(K1 " c\n", "\n# x\n" K1 " c\n", 1, 0, NULL, NULL, 0);
	assert_string_equal(out, K1 " c\n");
	free(out);
	/* Another comment replaces the line, at the end. */
	out = apply(K1 " old\n" K2 " two\n", K1 " new", 1, 0, NULL, NULL, 1);
	assert_string_equal(out, K2 " two\n" K1 " new\n");
	free(out);
	/* comment and key_options override the key's own. */
	out = apply("", K1 " mine", 1, 0, "no-pty,from=\"a,b\"", "given", 1);
	assert_string_equal(out, "no-pty,from=\"a,b\" " K1 " given\n");
	free(out);
	out = apply("no-pty,from=\"a,b\" " K1 " given\n", K1, 1, 0,
	    "no-pty,from=\"a,b\"", "given", 0);
	free(out);
	/* Absent matches by blob whatever the options and comment. */
	out = apply("# c\nfrom=\"x\" " K1 " any\n" K2 " two\n", K1 " other",
	    0, 0, NULL, NULL, 1);
	assert_string_equal(out, "# c\n" K2 " two\n");
	free(out);
	out = apply(K2 " two\n", K1, 0, 0, NULL, NULL, 0);
	assert_string_equal(out, K2 " two\n");
	free(out);
	/* Exclusive: only the given keys, comments and blanks go too. */
	out = apply("# c\n\n" K2 " two\n" K1 " one\n", K1 " one", 1, 1, NULL,
	    NULL, 1);
	assert_string_equal(out, K1 " one\n");
	free(out);
	out = apply(K1 " one\n", K1 " one", 1, 1, NULL, NULL, 0);
	free(out);
	/* Two new keys keep their order; "\#" is "#". */
	out = apply("", K2 " a\\#b\n" K1 " x", 1, 0, NULL, NULL, 1);
	assert_string_equal(out, K2 " a#b\n" K1 " x\n");
	free(out);
	/* A line without a final newline stays as it is when it is a key. */
	out = apply(K2 " two", K1 " one", 1, 0, NULL, NULL, 1);
	assert_string_equal(out, K2 " two\n" K1 " one\n");
	free(out);

	assert_int_equal(authkeys_apply("", &w, &out, &changed, &cause), -1);
	assert_string_equal(cause, "invalid key specified: ssh-foo AAAA");
	assert_null(out);
	free(cause);
}

/* Argument checks of the three modules, before any host. */
static char *
prepare_err(const char *module, struct value *raw)
{
	struct mod_args	 a = { NULL };
	char		*cause = NULL;

	assert_int_equal(module_prepare_args(module_find(module), raw,
	    ARGS_STATIC, &a, &cause), -1);
	value_unref(raw);
	assert_non_null(cause);
	return cause;
}

static void
test_validate(void **state)
{
	struct value	*raw;
	char		*cause;

	(void)state;
	assert_non_null(module_find("ansible.builtin.user"));
	assert_non_null(module_find("ansible.posix.authorized_key"));
	raw = value_dict();
	value_dict_setstr(raw, "user", "alice");
	value_dict_setstr(raw, "key", "https://github.com/alice.keys");
	cause = prepare_err("authorized_key", raw);
	assert_non_null(strstr(cause, "cannot fetch keys from "
	    "'https://github.com/alice.keys'"));
	free(cause);
	raw = value_dict();
	value_dict_setstr(raw, "name", "-rf");
	cause = prepare_err("user", raw);
	assert_string_equal(cause, "invalid user name '-rf'");
	free(cause);
	raw = value_dict();
	value_dict_setstr(raw, "name", "devs");
	value_dict_setbool(raw, "non_unique", 1);
	cause = prepare_err("group", raw);
	assert_string_equal(cause, "non_unique is True but all of the "
	    "following are missing: gid");
	free(cause);
	raw = value_dict();
	value_dict_setstr(raw, "name", "alice");
	value_dict_setstr(raw, "update_password", "sometimes");
	cause = prepare_err("user", raw);
	assert_non_null(strstr(cause, "update_password"));
	free(cause);
}

/* The change script: the parent of a new home made, and undone on failure. */
static void
test_change_script(void **state)
{
	struct accounts_user_want	 w = want("dave");
	struct accounts_argv		 a = { NULL, 0 };
	struct buf			 s = BUF_INIT;
	char				*line;

	(void)state;
	accounts_argv_add(&a, "useradd");
	accounts_argv_add(&a, "dave");
	line = accounts_argv_line(&a, 0);
	accounts_change_script(&s, &w, &a, 1);
	assert_true(str_startswith(buf_cstr(&s), "n='dave'\n"));
	assert_null(strstr(buf_cstr(&s), "dirname"));
	assert_non_null(strstr(buf_cstr(&s), line));
	assert_true(str_endswith(buf_cstr(&s), "exit $rc; }\necho '"
	    ACCOUNTS_MARK "'\n"));
	buf_reset(&s);
	w.home = "/srv/home/dave";
	accounts_change_script(&s, &w, &a, 0);
	assert_non_null(strstr(buf_cstr(&s),
	    "d=$(dirname -- '/srv/home/dave'); made=\n"));
	assert_non_null(strstr(buf_cstr(&s), "rmdir -p -- \"$d\""));
	free(line);
	buf_release(&s);
	accounts_argv_release(&a);
}

/*
 * A password hash never goes on the useradd/usermod command line (the
 * target's ps would show it): chpasswd -e reads it on standard input.
 */
static void
test_change_script_password(void **state)
{
	struct accounts_user_want	 w = want("dave");
	struct accounts_argv		 a = { NULL, 0 };
	struct buf			 s = BUF_INIT;
	char				*in;

	(void)state;
	accounts_argv_add(&a, "useradd");
	accounts_argv_add(&a, "-p");
	accounts_argv_add(&a, HASH1);
	accounts_argv_add(&a, "-m");
	accounts_argv_add(&a, "dave");
	accounts_change_script(&s, &w, &a, 0);
	assert_null(strstr(buf_cstr(&s), HASH1));
	assert_null(strstr(buf_cstr(&s), "'-p'"));
	assert_non_null(strstr(buf_cstr(&s), "'useradd' '-m' 'dave' ||"));
	assert_non_null(strstr(buf_cstr(&s), "chpasswd -e || exit $?\n"));
	in = accounts_password_input(&a, "dave");
	assert_string_equal(in, "dave:" HASH1 "\n");
	free(in);
	buf_reset(&s);
	accounts_argv_release(&a);

	/* usermod that only changes the password runs chpasswd alone. */
	accounts_argv_add(&a, "usermod");
	accounts_argv_add(&a, "-p");
	accounts_argv_add(&a, "!" HASH2);
	accounts_argv_add(&a, "dave");
	accounts_change_script(&s, &w, &a, 1);
	assert_null(strstr(buf_cstr(&s), "usermod"));
	assert_null(strstr(buf_cstr(&s), HASH2));
	assert_non_null(strstr(buf_cstr(&s), "chpasswd -e"));
	in = accounts_password_input(&a, "dave");
	assert_string_equal(in, "dave:!" HASH2 "\n");
	free(in);
	buf_release(&s);
	accounts_argv_release(&a);
	/* Nothing to set, nothing on stdin. */
	accounts_argv_add(&a, "usermod");
	accounts_argv_add(&a, "-L");
	accounts_argv_add(&a, "dave");
	assert_null(accounts_password_input(&a, "dave"));
	accounts_argv_release(&a);
}

/* password_expire_*: chage for what differs from the shadow entry only. */
static void
test_chage(void **state)
{
	struct accounts_db		db;
	struct accounts_user_want	w = want("alice");
	struct accounts_argv		a = { NULL, 0 };
	char				*l;

	(void)state;
	db_alice(&db, HASH1, -1);
	assert_int_equal(db.sp_min, 0);
	assert_int_equal(db.sp_max, 99999);
	assert_int_equal(db.sp_warn, 7);
	assert_int_equal(db.sp_inact, -1);
	w.expire_min = w.expire_max = w.expire_warn = w.expire_inact = -2;
	accounts_chage(&w, &db, &a);
	assert_int_equal(a.n, 0);
	w.expire_min = 0;
	w.expire_max = 99999;
	w.expire_inact = -1;
	accounts_chage(&w, &db, &a);
	assert_int_equal(a.n, 0);
	w.expire_max = 90;
	w.expire_warn = 14;
	l = line_of((accounts_chage(&w, &db, &a), &a));
	assert_string_equal(l, "'chage' '-M' '90' '-W' '14' 'alice'");
	free(l);
	/* A user this task created: everything asked for. */
	accounts_db_release(&db);
	memset(&db, 0, sizeof db);
	w.expire_max = 99999;
	l = line_of((accounts_chage(&w, &db, &a), &a));
	assert_string_equal(l, "'chage' '-m' '0' '-M' '99999' '-W' '14' '-I' '-1' 'alice'");
	free(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_read_script),
		cmocka_unit_test(test_useradd),
		cmocka_unit_test(test_usermod),
		cmocka_unit_test(test_userdel_group),
		cmocka_unit_test(test_authkeys_parse),
		cmocka_unit_test(test_authkeys_options_equal),
		cmocka_unit_test(test_authkeys_apply),
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_chage),
		cmocka_unit_test(test_change_script),
		cmocka_unit_test(test_change_script_password),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
