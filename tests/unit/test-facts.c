/*
 * Facts: the parser on gather script outputs captured from real hosts
 * (tests/unit/facts/: a test-bed host without ip or lsb_release, and a
 * Docker guest with IPv6 and lsb_release; their environments replaced),
 * and on hand-made ones; gather_subset's rules, the filter, the cache test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"

static char *
fixture(const char *name)
{
	struct buf	 b = BUF_INIT;
	char		*path, chunk[4096];
	size_t		 n;
	FILE		*fp;

	path = xasprintf("%s/tests/unit/facts/%s", CAIRN_SRCDIR, name);
	fp = fopen(path, "r");
	assert_non_null(fp);
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		buf_add(&b, chunk, n);
	fclose(fp);
	free(path);
	return buf_detach(&b, NULL);
}

/* The value at a dotted path ("memory_mb.real.total"), borrowed. */
static const struct value *
at(const struct value *v, const char *path)
{
	char	*copy = xstrdup(path), *tok, *save;

	for (tok = strtok_r(copy, ".", &save); tok != NULL && v != NULL;
	    tok = strtok_r(NULL, ".", &save)) {
		if (v->type == V_LIST)
			v = (size_t)atoi(tok) < v->u.list.n ?
			    v->u.list.items[atoi(tok)] : NULL;
		else
			v = value_dict_get(v, tok);
	}
	free(copy);
	return v;
}

static void
assert_str(const struct value *f, const char *path, const char *want)
{
	const struct value *v = at(f, path);

	if (v == NULL || v->type != V_STR)
		fail_msg("%s: not a string", path);
	assert_string_equal(v->u.str.s, want);
}

static void
assert_type(const struct value *f, const char *path, enum value_type t)
{
	const struct value *v = at(f, path);

	if (v == NULL)
		fail_msg("%s: missing", path);
	if (v->type != t)
		fail_msg("%s: %s, not %s", path, value_type_name(v->type),
		    value_type_name(t));
}

static void
assert_int(const struct value *f, const char *path, long long want)
{
	assert_type(f, path, V_INT);
	assert_int_equal(at(f, path)->u.i, want);
}

static void
test_testbed_host(void **state)
{
	char		*out = fixture("testbed-bookworm.out");
	struct value	*f = facts_parse(out);
	const struct value *v;

	(void)state;
	assert_str(f, "distribution", "Debian");
	assert_str(f, "distribution_version", "12.15");
	assert_str(f, "distribution_major_version", "12");
	assert_str(f, "distribution_minor_version", "15");
	assert_str(f, "distribution_release", "bookworm");
	assert_str(f, "distribution_file_path", "/etc/os-release");
	assert_str(f, "distribution_file_variety", "Debian");
	assert_type(f, "distribution_file_parsed", V_BOOL);
	assert_str(f, "os_family", "Debian");
	assert_str(f, "pkg_mgr", "apt");
	/* pid 1 of the test bed's namespace is sshd, as Ansible says */
	assert_str(f, "service_mgr", "sshd");
	assert_str(f, "hostname", "h1");
	assert_str(f, "nodename", "h1");
	assert_str(f, "fqdn", "h1");
	assert_str(f, "domain", "");
	assert_str(f, "system", "Linux");
	assert_str(f, "architecture", "x86_64");
	assert_str(f, "userspace_architecture", "x86_64");
	assert_str(f, "userspace_bits", "64");
	assert_type(f, "kernel", V_STR);
	assert_type(f, "kernel_version", V_STR);
	/* debootstrap leaves no machine-id, Ansible then has none either */
	assert_null(at(f, "machine_id"));
	assert_str(f, "user_id", "root");
	assert_int(f, "user_uid", 0);
	assert_int(f, "user_gid", 0);
	assert_int(f, "effective_user_id", 0);
	assert_int(f, "real_group_id", 0);
	assert_str(f, "user_dir", "/root");
	assert_str(f, "user_gecos", "root");
	assert_str(f, "user_shell", "/bin/bash");
	/* lsb_release is absent and so is /etc/lsb-release: {} as Ansible */
	assert_type(f, "lsb", V_DICT);
	assert_int_equal(value_len(at(f, "lsb")), 0);
	assert_str(f, "selinux.status", "disabled");
	assert_type(f, "apparmor.status", V_STR);
	assert_type(f, "fips", V_BOOL);
	assert_str(f, "system_capabilities", "N/A");
	assert_type(f, "local", V_DICT);
	assert_type(f, "cmdline", V_DICT);
	assert_type(f, "proc_cmdline", V_DICT);
	assert_str(f, "env.HOME", "/root");
	assert_str(f, "env.MULTI", "line one\nline two");
	assert_str(f, "python.executable", "/usr/bin/python3");
	assert_int(f, "python.version.major", 3);
	assert_type(f, "python.version_info", V_LIST);
	assert_type(f, "python_version", V_STR);
	assert_str(f, "ssh_host_key_ed25519_public_keytype", "ssh-ed25519");
	assert_type(f, "ssh_host_key_ed25519_public", V_STR);
	/* date_time: strings, as Ansible's */
	assert_type(f, "date_time.epoch", V_STR);
	assert_type(f, "date_time.iso8601", V_STR);
	assert_int_equal(strlen(at(f, "date_time.iso8601_micro")->u.str.s),
	    strlen("2026-12-03T10:03:08.176786Z"));
	assert_str(f, "date_time.tz", "UTC");
	/* hardware */
	assert_type(f, "memtotal_mb", V_INT);
	assert_type(f, "memfree_mb", V_INT);
	assert_int_equal(at(f, "memory_mb.real.total")->u.i,
	    at(f, "memtotal_mb")->u.i);
	assert_int(f, "memory_mb.swap.total", 0);
	assert_type(f, "processor", V_LIST);
	assert_str(f, "processor.0", "0");
	assert_str(f, "processor.1", "GenuineIntel");
	assert_int(f, "processor_count", 1);
	assert_int(f, "processor_cores", 2);
	assert_int(f, "processor_threads_per_core", 1);
	assert_int(f, "processor_vcpus", 2);
	assert_int(f, "processor_nproc", 2);
	assert_type(f, "uptime_seconds", V_INT);
	/* its root is an overlay: no device, not listed, as in Ansible */
	assert_type(f, "mounts", V_LIST);
	assert_int_equal(value_len(at(f, "mounts")), 0);
	assert_str(f, "devices.vda.size", "256.00 GB");
	assert_str(f, "devices.vda.sectorsize", "512");
	assert_int(f, "devices.vda.virtual", 1);
	assert_type(f, "devices.vda.model", V_NULL);
	assert_type(f, "devices.vda.links.ids", V_LIST);
	assert_type(f, "device_links.uuids", V_DICT);
	assert_str(f, "bios_vendor", "NA");
	assert_str(f, "lvm", "N/A");
	/* network, from /proc and /sys alone (the host has no ip) */
	assert_type(f, "interfaces", V_LIST);
	assert_str(f, "lo.device", "lo");
	assert_str(f, "lo.type", "loopback");
	assert_str(f, "lo.ipv4.address", "127.0.0.1");
	assert_str(f, "lo.ipv4.prefix", "8");
	assert_str(f, "lo.ipv4.netmask", "255.0.0.0");
	assert_str(f, "lo.ipv4.broadcast", "");
	assert_str(f, "lo.ipv6.0.address", "::1");
	assert_str(f, "lo.ipv6.0.scope", "host");
	assert_null(at(f, "lo.macaddress"));
	assert_type(f, "lo.active", V_BOOL);
	assert_type(f, "lo.mtu", V_INT);
	assert_str(f, "eth0.type", "ether");
	assert_type(f, "eth0.macaddress", V_STR);
	v = at(f, "all_ipv4_addresses");
	for (size_t i = 0; i < v->u.list.n; i++)
		assert_false(str_startswith(v->u.list.items[i]->u.str.s,
		    "127."));
	assert_str(f, "default_ipv4.interface", "eth0");
	assert_str(f, "default_ipv4.alias", "eth0");
	assert_str(f, "default_ipv4.gateway", "192.0.2.1");
	assert_str(f, "default_ipv4.address", "192.0.2.2");
	assert_str(f, "default_ipv4.network", "192.0.2.0");
	assert_type(f, "default_ipv4.mtu", V_INT);
	/* virtual: /dev/kvm and no container marks */
	assert_str(f, "virtualization_type", "kvm");
	assert_str(f, "virtualization_role", "host");
	assert_str(f, "virtualization_tech_host.0", "kvm");
	assert_int_equal(value_len(at(f, "virtualization_tech_guest")), 0);
	/* only with "all" */
	assert_type(f, "loadavg.1m", V_FLOAT);
	assert_type(f, "is_chroot", V_BOOL);
	assert_str(f, "iscsi_iqn", "");
	assert_type(f, "fibre_channel_wwn", V_LIST);
	value_unref(f);
	free(out);
}

static void
test_docker_guest(void **state)
{
	char		*out = fixture("docker-guest.out");
	struct value	*f = facts_parse(out);
	const struct value *v;

	(void)state;
	assert_str(f, "virtualization_type", "docker");
	assert_str(f, "virtualization_role", "guest");
	assert_str(f, "virtualization_tech_guest.0", "container");
	assert_str(f, "virtualization_tech_guest.1", "docker");
	/* Python's getfqdn through /etc/hosts: localhost */
	assert_str(f, "fqdn", "localhost");
	assert_str(f, "hostname", "vm");
	assert_str(f, "lsb.id", "Debian");
	assert_str(f, "lsb.codename", "bookworm");
	assert_str(f, "lsb.major_release", "12");
	assert_str(f, "distribution_version", "12.11");
	assert_str(f, "service_mgr", "process_api");
	assert_str(f, "default_ipv6.gateway", "fd00::1");
	assert_str(f, "default_ipv6.address", "fd00::2");
	assert_str(f, "default_ipv6.prefix", "64");
	assert_str(f, "default_ipv6.scope", "global");
	assert_str(f, "default_ipv6.type", "ether");
	assert_str(f, "default_ipv4.broadcast", "192.0.2.255");
	assert_str(f, "default_ipv4.prefix", "24");
	assert_str(f, "eth0.ipv4.address", "192.0.2.2");
	assert_str(f, "eth0.pciid", "virtio2");
	assert_int(f, "eth0.speed", -1);
	assert_str(f, "all_ipv4_addresses.0", "192.0.2.2");
	assert_int_equal(value_len(at(f, "all_ipv4_addresses")), 1);
	assert_int_equal(value_len(at(f, "all_ipv6_addresses")), 2);
	assert_str(f, "dns.nameservers.0", "10.255.255.53");
	assert_str(f, "mounts.0.mount", "/");
	assert_str(f, "mounts.0.device", "/dev/vda");
	assert_str(f, "mounts.0.fstype", "ext4");
	assert_type(f, "mounts.0.size_total", V_INT);
	assert_type(f, "mounts.0.size_available", V_INT);
	assert_type(f, "mounts.0.inode_used", V_INT);
	assert_int(f, "mounts.0.block_size", 4096);
	assert_str(f, "mounts.0.uuid", "N/A");
	v = at(f, "mounts.0");
	assert_int_equal(at(v, "block_used")->u.i, at(v, "block_total")->u.i -
	    at(v, "block_available")->u.i);
	assert_int_equal(at(v, "size_total")->u.i,
	    at(v, "block_total")->u.i * 4096);
	assert_non_null(at(f, "machine_id"));
	assert_str(f, "ifb0.type", "ether");
	assert_false(at(f, "ifb0.active")->u.b);
	value_unref(f);
	free(out);
}

#define M "@@cairn-facts@@ "

/* What an Ubuntu host with custom facts and SELinux would print. */
static const char handmade[] =
    M "kv\n"
    "hostname=web1.example.com\n"
    "fqdn=web1.example.com\n"
    "machine=i686\n"
    "userspace_bits=32\n"
    "os_ID=ubuntu\n"
    "os_VERSION_ID=22.04\n"
    "os_VERSION_CODENAME=jammy\n"
    "passwd=deploy:x:1000:1000:Deploy User,,,:/home/deploy:/bin/sh\n"
    "user_id=deploy\n"
    "capsh= = cap_chown,cap_kill+ep\n"
    "date=1700000000 123456789 2023 11 14 23 13 20 CET +0100 Tuesday 2 46\n"
    "tz_dst=CEST\n"
    M "file /etc/lsb-release\n"
    "DISTRIB_ID=Ubuntu\n"
    "DISTRIB_RELEASE=22.04\n"
    "DISTRIB_CODENAME=jammy\n"
    "DISTRIB_DESCRIPTION=\"Ubuntu 22.04.3 LTS\"\n"
    "\n"
    M "sys\n"
    "/sys/fs/selinux/enforce\t0\n"
    "/sys/fs/selinux/policyvers\t33\n"
    "/proc/sys/crypto/fips_enabled\t1\n"
    M "file /etc/selinux/config\n"
    "SELINUX=enforcing\n"
    "SELINUXTYPE=targeted\n"
    "\n"
    M "file /proc/cmdline\n"
    "BOOT_IMAGE=/vmlinuz ro quiet console=tty0 console=ttyS0,115200\n"
    "\n"
    M "file /etc/resolv.conf\n"
    "# generated\n"
    "nameserver 10.0.0.2\n"
    "nameserver 10.0.0.3\n"
    "search example.com corp.example.com\n"
    "options ndots:2 rotate\n"
    "\n"
    M "local /etc/ansible/facts.d/app.fact\n"
    "{\"version\": \"1.2\", \"workers\": 4}\n"
    "\n"
    M "local /etc/ansible/facts.d/site.fact\n"
    "[general]\n"
    "Owner = ops\n"
    "tier: gold\n"
    "\n"
    M "local /etc/ansible/facts.d/broken.fact\n"
    "this is neither\n"
    "\n"
    M "file /proc/cpuinfo\n"
    "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Xeon\n"
    "physical id\t: 0\nsiblings\t: 4\ncore id\t\t: 0\ncpu cores\t: 2\n\n"
    "processor\t: 1\nvendor_id\t: GenuineIntel\nmodel name\t: Xeon\n"
    "physical id\t: 0\nsiblings\t: 4\ncore id\t\t: 0\ncpu cores\t: 2\n\n"
    "processor\t: 2\nvendor_id\t: GenuineIntel\nmodel name\t: Xeon\n"
    "physical id\t: 1\nsiblings\t: 4\ncore id\t\t: 1\ncpu cores\t: 2\n\n"
    "\n"
    M "file /proc/meminfo\n"
    "MemTotal:        4096000 kB\n"
    "MemFree:         1024000 kB\n"
    "Buffers:          102400 kB\n"
    "Cached:           512000 kB\n"
    "SwapCached:            0 kB\n"
    "SwapTotal:       2048000 kB\n"
    "SwapFree:        1024000 kB\n"
    "\n";

static void
test_handmade(void **state)
{
	struct value	*f = facts_parse(handmade);

	(void)state;
	assert_str(f, "hostname", "web1");
	assert_str(f, "domain", "example.com");
	assert_str(f, "architecture", "i386");
	assert_str(f, "userspace_architecture", "i386");
	assert_str(f, "distribution", "Ubuntu");
	assert_str(f, "distribution_version", "22.04");
	assert_str(f, "distribution_major_version", "22");
	assert_str(f, "distribution_minor_version", "04");
	assert_str(f, "distribution_release", "jammy");
	assert_str(f, "lsb.id", "Ubuntu");
	assert_str(f, "lsb.description", "Ubuntu 22.04.3 LTS");
	assert_str(f, "lsb.major_release", "22");
	assert_str(f, "user_gecos", "Deploy User,,,");
	assert_str(f, "user_dir", "/home/deploy");
	assert_str(f, "system_capabilities.0", "cap_chown");
	assert_str(f, "system_capabilities.1", "cap_kill+ep");
	assert_str(f, "system_capabilities_enforced", "True");
	assert_str(f, "date_time.iso8601", "2023-11-14T22:13:20Z");
	assert_str(f, "date_time.iso8601_micro", "2023-11-14T22:13:20.123456Z");
	assert_str(f, "date_time.iso8601_basic", "20231114T231320123456");
	assert_str(f, "date_time.tz_dst", "CEST");
	assert_str(f, "date_time.weekday", "Tuesday");
	assert_str(f, "selinux.status", "enabled");
	assert_str(f, "selinux.mode", "permissive");
	assert_str(f, "selinux.config_mode", "enforcing");
	assert_str(f, "selinux.type", "targeted");
	assert_int(f, "selinux.policyvers", 33);
	assert_true(at(f, "fips")->u.b);
	/* cmdline: the last value; proc_cmdline: every value */
	assert_str(f, "cmdline.console", "ttyS0,115200");
	assert_true(at(f, "cmdline.ro")->u.b);
	assert_str(f, "proc_cmdline.console.0", "tty0");
	assert_str(f, "proc_cmdline.console.1", "ttyS0,115200");
	assert_str(f, "dns.nameservers.1", "10.0.0.3");
	assert_str(f, "dns.search.1", "corp.example.com");
	assert_str(f, "dns.options.ndots", "2");
	assert_true(at(f, "dns.options.rotate")->u.b);
	/* custom facts: JSON, INI (keys folded), neither */
	assert_str(f, "local.app.version", "1.2");
	assert_int(f, "local.app.workers", 4);
	assert_str(f, "local.site.general.owner", "ops");
	assert_str(f, "local.site.general.tier", "gold");
	assert_type(f, "local.broken", V_STR);
	assert_non_null(strstr(at(f, "local.broken")->u.str.s,
	    "error loading facts as JSON or ini"));
	/* two sockets of two cores, two threads each */
	assert_int(f, "processor_count", 2);
	assert_int(f, "processor_cores", 2);
	assert_int(f, "processor_threads_per_core", 2);
	assert_int(f, "processor_vcpus", 8);
	assert_int(f, "memtotal_mb", 4000);
	assert_int(f, "memory_mb.real.used", 3000);
	assert_int(f, "memory_mb.nocache.free", 1000 + 100 + 500);
	assert_int(f, "memory_mb.swap.used", 1000);
	/* no network or virtual sections: no such facts */
	assert_null(at(f, "interfaces"));
	assert_null(at(f, "virtualization_type"));
	value_unref(f);
}

static void
test_subsets(void **state)
{
	struct value	*l;
	unsigned	 m;
	char		*cause = NULL;

	(void)state;
	assert_int_equal(facts_subsets(NULL, &m, &cause), 0);
	assert_int_equal(m, FACTS_ALL);
	l = value_str("!all");
	assert_int_equal(facts_subsets(l, &m, &cause), 0);
	assert_int_equal(m, FACTS_MIN);
	value_unref(l);
	l = value_str("!all,!min,network");
	assert_int_equal(facts_subsets(l, &m, &cause), 0);
	assert_int_equal(m, FACTS_NETWORK);
	value_unref(l);
	l = value_list();
	value_list_append(l, value_str("network"));
	value_list_append(l, value_str("virtual"));
	assert_int_equal(facts_subsets(l, &m, &cause), 0);
	assert_int_equal(m, FACTS_MIN | FACTS_NETWORK | FACTS_VIRTUAL);
	value_unref(l);
	l = value_str("!hardware");
	assert_int_equal(facts_subsets(l, &m, &cause), 0);
	assert_int_equal(m, FACTS_MIN);
	value_unref(l);
	l = value_str("!min");
	assert_int_equal(facts_subsets(l, &m, &cause), 0);
	assert_int_equal(m, 0);
	value_unref(l);
	l = value_str("network,!min");
	assert_int_equal(facts_subsets(l, &m, &cause), 0);
	assert_int_equal(m, FACTS_NETWORK);
	value_unref(l);
	l = value_str("facter,ohai");
	assert_int_equal(facts_subsets(l, &m, &cause), 0);
	assert_int_equal(m, FACTS_MIN);
	value_unref(l);
	l = value_str("min");
	assert_int_equal(facts_subsets(l, &m, &cause), 0);
	assert_int_equal(m, FACTS_MIN);
	value_unref(l);
	l = value_str("bogus");
	assert_int_equal(facts_subsets(l, &m, &cause), -1);
	assert_non_null(strstr(cause, "Bad subset 'bogus' given to Ansible. "
	    "gather_subset options allowed: all, "));
	free(cause);
	value_unref(l);
}

static void
test_result_filter_cache(void **state)
{
	char		*out = fixture("testbed-bookworm.out");
	struct value	*f, *spec, *filter;
	unsigned	 m;
	char		*cause = NULL;

	(void)state;
	/* network alone: platform and distribution come along, as Ansible */
	spec = value_str("!all,!min,network");
	assert_int_equal(facts_subsets(spec, &m, &cause), 0);
	f = facts_result(out, m, spec, NULL);
	assert_non_null(at(f, "ansible_lo"));
	assert_non_null(at(f, "ansible_distribution"));
	assert_non_null(at(f, "ansible_hostname"));
	assert_null(at(f, "ansible_env"));
	assert_null(at(f, "ansible_memtotal_mb"));
	assert_null(at(f, "ansible_virtualization_type"));
	assert_str(f, "gather_subset.2", "network");
	assert_true(at(f, "module_setup")->u.b);
	assert_true(facts_cached(f, FACTS_NETWORK));
	assert_false(facts_cached(f, FACTS_MIN));
	value_unref(f);
	value_unref(spec);

	/* virtual alone is only virtualization_* */
	spec = value_str("!all,!min,virtual");
	assert_int_equal(facts_subsets(spec, &m, &cause), 0);
	f = facts_result(out, m, spec, NULL);
	assert_non_null(at(f, "ansible_virtualization_role"));
	assert_null(at(f, "ansible_hostname"));
	value_unref(f);
	value_unref(spec);

	/* a filter: with or without the prefix, no gather_subset */
	filter = value_list();
	value_list_append(filter, value_str("ansible_lo*"));
	value_list_append(filter, value_str("*_mb"));
	f = facts_result(out, FACTS_ALL, NULL, filter);
	assert_non_null(at(f, "ansible_lo"));
	assert_non_null(at(f, "ansible_local"));
	assert_non_null(at(f, "ansible_loadavg"));
	assert_non_null(at(f, "ansible_memtotal_mb"));
	assert_non_null(at(f, "ansible_memory_mb"));
	assert_null(at(f, "ansible_eth0"));
	assert_null(at(f, "gather_subset"));
	assert_null(at(f, "module_setup"));
	assert_false(facts_cached(f, FACTS_MIN));
	value_unref(f);
	value_unref(filter);

	f = facts_result(out, FACTS_ALL, NULL, NULL);
	assert_str(f, "gather_subset.0", "all");
	assert_str(f, "ansible_distribution", "Debian");
	assert_true(facts_cached(f, FACTS_ALL));
	value_unref(f);
	assert_false(facts_cached(NULL, FACTS_MIN));
	free(out);
}

static void
test_command(void **state)
{
	struct facts_opts	 o = { FACTS_MIN | FACTS_NETWORK,
	    "/srv/it's facts", 3 };
	char			*c, *s;

	(void)state;
	c = facts_command(&o);
	assert_true(str_startswith(c, "(S='min network' T=3 "
	    "FP='/srv/it'\\''s facts'\n"));
	free(c);
	o.fact_path = "~/facts.d";
	o.timeout = 0;
	o.subsets = FACTS_ALL;
	c = facts_command(&o);
	assert_true(str_startswith(c, "(S='min hardware network virtual "
	    "other' T=10 FP=\"$HOME\"/'facts.d'\n"));
	free(c);
	s = facts_human_size(0);
	assert_string_equal(s, "0.00 Bytes");
	free(s);
	s = facts_human_size(1536ULL * 1024 * 1024);
	assert_string_equal(s, "1.50 GB");
	free(s);
}

static void
test_garbage(void **state)
{
	struct value	*f;

	(void)state;
	/* truncated or foreign output never crashes and yields what it can */
	f = facts_parse("");
	assert_non_null(f);
	value_unref(f);
	f = facts_parse(M "file /proc/net/fib_trie\n  |-- x\n /32 host LOCAL\n"
	    M "sys\n/sys/class/net/eth0/mtu\t\n" M "statfs\n/\tx y\n"
	    M "file /proc/mounts\n/dev/sda1 /\n" M "local");
	assert_non_null(at(f, "interfaces"));
	assert_non_null(at(f, "mounts"));
	assert_int_equal(value_len(at(f, "mounts")), 0);
	value_unref(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_testbed_host),
		cmocka_unit_test(test_docker_guest),
		cmocka_unit_test(test_handmade),
		cmocka_unit_test(test_subsets),
		cmocka_unit_test(test_result_filter_cache),
		cmocka_unit_test(test_command),
		cmocka_unit_test(test_garbage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
