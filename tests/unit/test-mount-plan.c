/* Unit tests of the mount module's decisions (modules/system/mount-plan.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "system/mount-plan.h"
#include "util.h"

static const struct mount_entry data = {
	"/dev/sdb1", "/srv/data", "ext4", "defaults,noatime", "0", "2"
};

static void
check_set(const char *in, const struct mount_entry *e, int changed,
    const char *want)
{
	struct buf	out = BUF_INIT;

	assert_int_equal(mount_fstab_set(in, e, &out), changed);
	assert_string_equal(buf_cstr(&out), want);
	buf_release(&out);
}

static void
test_set(void **state)
{
	(void)state;
	/* Appended to an empty or missing fstab. */
	check_set("", &data, 1, "/dev/sdb1 /srv/data ext4 defaults,noatime 0 2\n");
	/* Comments, blanks and other entries kept; a last newline added. */
	check_set("# fstab\n\nUUID=1 / ext4 errors=remount-ro 0 1", &data, 1,
	    "# fstab\n\nUUID=1 / ext4 errors=remount-ro 0 1\n"
	    "/dev/sdb1 /srv/data ext4 defaults,noatime 0 2\n");
	/* The same entry, other spacing: unchanged, the line kept as is. */
	check_set("/dev/sdb1\t/srv/data  ext4 defaults,noatime 0 2\n", &data,
	    0, "/dev/sdb1\t/srv/data  ext4 defaults,noatime 0 2\n");
	/* A differing field rewrites the line in Ansible's shape. */
	check_set("a\n/dev/sdb1 /srv/data ext4 defaults 0 0\nb\n", &data, 1,
	    "a\n/dev/sdb1 /srv/data ext4 defaults,noatime 0 2\nb\n");
	/* Four fields always differ (Ansible's integer defaults). */
	check_set("/dev/sdb1 /srv/data ext4 defaults,noatime\n", &data, 1,
	    "/dev/sdb1 /srv/data ext4 defaults,noatime 0 2\n");
}

static void
test_set_escape_swap(void **state)
{
	struct mount_entry	sp = { "/srv/my data", "/mnt/a b", "none",
	    "bind", "0", "0" };
	struct mount_entry	sw = { "/dev/sdc", "none", "swap", "sw", "0",
	    "0" };
	char			*e;

	(void)state;
	e = mount_escape("a b&c\\d");
	assert_string_equal(e, "a\\040b\\046c\\134d");
	free(e);
	check_set("", &sp, 1, "/srv/my\\040data /mnt/a\\040b none bind 0 0\n");
	check_set("/srv/my\\040data /mnt/a\\040b none bind 0 0\n", &sp, 0,
	    "/srv/my\\040data /mnt/a\\040b none bind 0 0\n");
	/* Another swap is not this one. */
	check_set("/dev/sdb none swap sw 0 0\n", &sw, 1,
	    "/dev/sdb none swap sw 0 0\n/dev/sdc none swap sw 0 0\n");
}

static void
test_unset(void **state)
{
	struct buf	out = BUF_INIT;

	(void)state;
	assert_int_equal(mount_fstab_unset("# c\nUUID=1 / ext4 d 0 1\n"
	    "/dev/sdb1 /srv/data ext4 defaults 0 2\ntmpfs /t tmpfs d 0 0\n",
	    "/srv/data", NULL, &out), 1);
	assert_string_equal(buf_cstr(&out), "# c\nUUID=1 / ext4 d 0 1\n"
	    "tmpfs /t tmpfs d 0 0\n");
	buf_release(&out);
	/* Only six-field lines count. */
	assert_int_equal(mount_fstab_unset("/dev/sdb1 /srv/data ext4 d\n",
	    "/srv/data", NULL, &out), 0);
	assert_string_equal(buf_cstr(&out), "/dev/sdb1 /srv/data ext4 d\n");
	buf_release(&out);
}

static void
test_boot_opts(void **state)
{
	const char	*w;
	char		*o;

	(void)state;
	o = mount_boot_opts("defaults", 1, &w);
	assert_string_equal(o, "defaults");
	assert_null(w);
	free(o);
	o = mount_boot_opts("rw,nosuid", 0, &w);
	assert_string_equal(o, "rw,nosuid,noauto");
	assert_null(w);
	free(o);
	o = mount_boot_opts("defaults", 0, &w);
	assert_string_equal(o, "defaults");
	assert_non_null(strstr(w, "'defaults'"));
	free(o);
	o = mount_boot_opts("rw,noauto", 0, &w);
	assert_string_equal(o, "rw,noauto");
	assert_non_null(strstr(w, "'noauto'"));
	free(o);
}

static void
test_info(void **state)
{
	const char	*info =
	    "21 1 0:40 / / rw,relatime - overlay overlay rw,lowerdir=/b\n"
	    "22 21 0:41 / /tmp rw - tmpfs tmpfs rw\n"
	    "30 21 0:40 /srv/a /srv/my\\040b rw - overlay overlay rw\n"
	    "31 22 0:42 / /tmp/x rw shared:1 - tmpfs cache rw,size=1k\n";
	char		*src, *fstype;

	(void)state;
	assert_int_equal(mount_info_find(info, "/srv", &src, &fstype), 0);
	assert_null(src);
	assert_int_equal(mount_info_find(info, "/tmp/x", &src, &fstype), 1);
	assert_string_equal(src, "cache");
	assert_string_equal(fstype, "tmpfs");
	free(src);
	free(fstype);
	/* A bind mount shows the directory it binds. */
	assert_int_equal(mount_info_find(info, "/srv/my b", &src, &fstype), 1);
	assert_string_equal(src, "/srv/a");
	free(src);
	free(fstype);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_set_escape_swap),
		cmocka_unit_test(test_unset),
		cmocka_unit_test(test_boot_opts),
		cmocka_unit_test(test_info),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
