/*
 * Facts: the gather script sent to each host, gather_subset's rules, the
 * filter, and the test that lets a later play reuse a gathering.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "shell.h"

/*
 * The gather script.  POSIX sh with coreutils, /proc and /sys: no Python,
 * no bash, and any tool may be missing (its facts are then left out).  It
 * prints raw sections ("@@cairn-facts@@ KIND [PATH]") and leaves every
 * decision to facts-parse.c, where it is unit-tested; S holds the subset
 * words, T the timeout of each step that can hang (a stale NFS mount, a
 * custom fact script), FP the directory of custom facts.  Reads use the
 * builtin read where a file has one line, so that /sys costs no forks.
 */
static const char facts_script[] =
	"P='@@cairn-facts@@'\n"
	"want() { case \" $S \" in *\" $1 \"*) return 0 ;; esac; return 1; }\n"
	"have() { command -v \"$1\" >/dev/null 2>&1; }\n"
	"sec() { printf '%s %s\\n' \"$P\" \"$*\"; }\n"
	"f() { for x; do [ -r \"$x\" ] || continue; sec file \"$x\"; cat \"$x\" 2>/dev/null; echo; done; }\n"
	"r() { for x; do [ -r \"$x\" ] || continue; v=; read -r v <\"$x\" 2>/dev/null; printf '%s\\t%s\\n' \"$x\" \"$v\"; done; }\n"
	"l() { for x; do [ -e \"$x\" ] && printf '%s\\t%s\\n' \"$x\" \"$(readlink \"$x\")\"; done; }\n"
	"to() { if have timeout; then timeout \"$T\" \"$@\"; else \"$@\"; fi; }\n"
	"sec kv\n"
	"h=$(hostname 2>/dev/null || uname -n)\n"
	"echo \"hostname=$h\"\n"
	"# Python's socket.getfqdn: the first name with a dot of the address's names\n"
	"q=\n"
	"if have getent; then\n"
	"\tset -- $(getent hosts \"$h\" 2>/dev/null)\n"
	"\t[ -n \"${1:-}\" ] && set -- $(getent hosts \"$1\" 2>/dev/null) && shift\n"
	"\tq=${1:-$h}\n"
	"\tfor n; do case $n in *.*) q=$n; break ;; esac; done\n"
	"fi\n"
	"echo \"fqdn=${q:-$(hostname -f 2>/dev/null || echo \"$h\")}\"\n"
	"echo \"nodename=$(uname -n)\"\n"
	"echo \"system=$(uname -s)\"\n"
	"echo \"kernel=$(uname -r)\"\n"
	"echo \"kernel_version=$(uname -v)\"\n"
	"echo \"machine=$(uname -m)\"\n"
	"echo \"userspace_bits=$(getconf LONG_BIT 2>/dev/null)\"\n"
	"echo \"nproc=$(nproc 2>/dev/null || echo 1)\"\n"
	"echo \"python=$(for p in python3 python /usr/libexec/platform-python; do have $p && { echo \"$(command -v $p) $($p -V 2>&1)\"; break; }; done)\"\n"
	"echo \"date=$(date '+%s %N %Y %m %d %H %M %S %Z %z %A %w %W')\"\n"
	"echo \"tz_dst=$(date -d 2000-07-01 +%Z 2>/dev/null)\"\n"
	"[ -r /etc/os-release ] && sed -n 's/^\\([A-Z_]*\\)=\"\\{0,1\\}\\([^\"]*\\)\"\\{0,1\\}$/os_\\1=\\2/p' /etc/os-release\n"
	"[ -r /etc/debian_version ] && echo \"debian_version=$(cat /etc/debian_version)\"\n"
	"sec sys\n"
	"r /etc/machine-id /var/lib/dbus/machine-id\n"
	"sec kv\n"
	"if want min; then\n"
	"\tu=$(id -un)\n"
	"\techo \"user_id=$u\"\n"
	"\techo \"user_uid=$(id -u)\"\n"
	"\techo \"user_gid=$(id -g)\"\n"
	"\techo \"real_user_id=$(id -ru)\"\n"
	"\techo \"real_group_id=$(id -rg)\"\n"
	"\techo \"passwd=$(getent passwd \"$u\" 2>/dev/null || grep \"^$u:\" /etc/passwd)\"\n"
	"\tc=$(cat /proc/1/comm 2>/dev/null)\n"
	"\tcase $c in '' | init | *sh) c= ;; esac\n"
	"\tif [ -n \"$c\" ]; then :\n"
	"\telif have systemctl && [ -d /run/systemd/system ]; then c=systemd\n"
	"\telif have initctl && [ -d /etc/init ]; then c=upstart\n"
	"\telif [ -e /sbin/openrc ]; then c=openrc\n"
	"\telif case $(readlink /sbin/init 2>/dev/null) in *systemd*) true ;; *) false ;; esac; then c=systemd\n"
	"\telif [ -d /etc/init.d ]; then c=sysvinit\n"
	"\telse c=service; fi\n"
	"\techo \"service_mgr=$c\"\n"
	"\tfor m in apt-get dnf yum apk zypper pacman; do\n"
	"\t\thave $m && { echo \"pkg_mgr=${m%-get}\"; break; }\n"
	"\tdone\n"
	"\t[ -e /sys/kernel/security/apparmor ] && echo apparmor=1\n"
	"\thave capsh && echo \"capsh=$(capsh --print 2>/dev/null | sed -n 's/^Current://p')\"\n"
	"\thave lsb_release && { echo \"lsb=1\"; sec lsb; lsb_release -a 2>/dev/null; }\n"
	"\tsec sys\n"
	"\tr /proc/sys/crypto/fips_enabled \\\n"
	"\t    /sys/fs/selinux/enforce /sys/fs/selinux/policyvers \\\n"
	"\t    /etc/ssh/ssh_host_*_key.pub\n"
	"\tf /etc/resolv.conf /proc/cmdline /etc/selinux/config /etc/lsb-release\n"
	"\tsec env\n"
	"\t{ env -0 2>/dev/null || env; } | tr '\\000\\n' '\\n\\036'\n"
	"\techo\n"
	"\tif [ -d \"$FP\" ]; then\n"
	"\t\tfor x in \"$FP\"/*.fact; do\n"
	"\t\t\t[ -f \"$x\" ] || continue\n"
	"\t\t\tsec local \"$x\"\n"
	"\t\t\tif [ -x \"$x\" ]; then to \"$x\" 2>/dev/null; else cat \"$x\"; fi\n"
	"\t\t\techo\n"
	"\t\tdone\n"
	"\tfi\n"
	"fi\n"
	"if want hardware; then\n"
	"\tf /proc/meminfo /proc/cpuinfo /proc/uptime /proc/mounts\n"
	"\tsec statfs\n"
	"\twhile read -r d m t o x; do\n"
	"\t\tcase $d in /* | *:/*) ;; *) continue ;; esac\n"
	"\t\tto stat -f -c \"$m\t%s %S %b %f %a %c %d\" \"$m\" 2>/dev/null\n"
	"\tdone </proc/mounts\n"
	"\tsec sys\n"
	"\tfor d in /sys/class/dmi/id; do\n"
	"\t\tr $d/bios_date $d/bios_vendor $d/bios_version $d/board_asset_tag \\\n"
	"\t\t    $d/board_name $d/board_serial $d/board_vendor \\\n"
	"\t\t    $d/board_version $d/chassis_asset_tag $d/chassis_serial \\\n"
	"\t\t    $d/chassis_vendor $d/chassis_version $d/chassis_type \\\n"
	"\t\t    $d/product_name $d/product_serial $d/product_uuid \\\n"
	"\t\t    $d/product_version $d/sys_vendor\n"
	"\tdone\n"
	"\tfor b in /sys/block/*; do\n"
	"\t\t[ -d \"$b\" ] || continue\n"
	"\t\tr $b/removable $b/size $b/queue/logical_block_size \\\n"
	"\t\t    $b/queue/hw_sector_size $b/queue/rotational \\\n"
	"\t\t    $b/queue/scheduler $b/device/vendor $b/device/model \\\n"
	"\t\t    $b/queue/discard_granularity $b/device/serial\n"
	"\t\tprintf '%s\\t%s\\n' \"$b/path\" \"$(readlink -f \"$b\")\"\n"
	"\t\tprintf '%s\\t%s\\n' \"$b/holders\" \"$(ls \"$b/holders\" 2>/dev/null | tr '\\n' ' ')\"\n"
	"\t\tfor p in \"$b/${b##*/}\"*; do\n"
	"\t\t\t[ -e \"$p/partition\" ] && r $p/start $p/size\n"
	"\t\t\t[ -e \"$p/partition\" ] && printf '%s\\t%s\\n' \"$p/holders\" \"$(ls \"$p/holders\" 2>/dev/null | tr '\\n' ' ')\"\n"
	"\t\tdone\n"
	"\tdone\n"
	"\tsec links\n"
	"\tl /dev/disk/by-id/* /dev/disk/by-uuid/* /dev/disk/by-label/*\n"
	"fi\n"
	"if want network; then\n"
	"\tf /proc/net/if_inet6 /proc/net/fib_trie /proc/net/route \\\n"
	"\t    /proc/net/ipv6_route\n"
	"\tsec sys\n"
	"\tfor d in /sys/class/net/*; do\n"
	"\t\t[ -d \"$d\" ] || continue\n"
	"\t\tr $d/address $d/mtu $d/flags $d/type $d/operstate\n"
	"\t\t[ \"$(cat $d/operstate 2>/dev/null)\" = up ] && r $d/speed\n"
	"\t\t[ -e $d/device ] && l $d/device\n"
	"\t\t[ -e $d/device/driver/module ] && l $d/device/driver/module\n"
	"\t\t[ -d $d/bridge ] && printf '%s\\t1\\n' $d/bridge\n"
	"\t\t[ -d $d/bonding ] && printf '%s\\t1\\n' $d/bonding\n"
	"\tdone\n"
	"fi\n"
	"if want other; then\n"
	"\tf /proc/loadavg\n"
	"\tsec kv\n"
	"\techo \"root_ino=$(stat -c %d:%i / 2>/dev/null)\"\n"
	"\techo \"init_root_ino=$(stat -c %d:%i /proc/1/root/. 2>/dev/null)\"\n"
	"\tsec sys\n"
	"\tr /etc/iscsi/initiatorname.iscsi /etc/nvme/hostnqn /sys/class/fc_host/*/port_name\n"
	"fi\n"
	"if want virtual; then\n"
	"\tsec kv\n"
	"\t[ -e /.dockerenv ] || [ -e /.dockerinit ] && echo dockerenv=1\n"
	"\t[ -e /dev/kvm ] && echo devkvm=1\n"
	"\t[ -e /run/.containerenv ] && echo containerenv=1\n"
	"\t[ -e /proc/vz ] && [ ! -e /proc/bc ] && echo openvz=1\n"
	"\t[ -e /proc/xen ] && echo xen=1\n"
	"\techo \"container=$(tr '\\000' '\\n' 2>/dev/null </proc/1/environ | sed -n 's/^container=//p')\"\n"
	"\techo \"hostmods=$(sed -n 's/^\\(kvm\\|vboxdrv\\|vmw_vmci\\|xen\\) .*/\\1/p' /proc/modules 2>/dev/null | tr '\\n' ' ')\"\n"
	"\tgrep -q '^flags.* hypervisor' /proc/cpuinfo 2>/dev/null && echo hypervisor=1\n"
	"\tf /proc/1/cgroup\n"
	"\tsec sys\n"
	"\tr /sys/class/dmi/id/product_name /sys/class/dmi/id/sys_vendor \\\n"
	"\t    /sys/class/dmi/id/bios_vendor /sys/hypervisor/type \\\n"
	"\t    /run/systemd/container\n"
	"fi\n"
	"true\n"
	;

/* Subset words of the script, by FACTS_* bit. */
static const struct {
	unsigned	 bit;
	const char	*word;
} facts_words[] = {
	{ FACTS_MIN, "min" }, { FACTS_HARDWARE, "hardware" },
	{ FACTS_NETWORK, "network" }, { FACTS_VIRTUAL, "virtual" },
	{ FACTS_OTHER, "other" },
};

/*
 * Collector names Ansible accepts, sorted as its "Bad subset" message
 * lists them, by the group cairn gathers them with.
 */
static const struct {
	const char	*name;
	unsigned	 bit;
} facts_collectors[] = {
	{ "apparmor", FACTS_MIN }, { "caps", FACTS_MIN },
	{ "chroot", FACTS_OTHER }, { "cmdline", FACTS_MIN },
	{ "date_time", FACTS_MIN }, { "devices", FACTS_HARDWARE },
	{ "distribution", FACTS_MIN }, { "dns", FACTS_MIN },
	{ "env", FACTS_MIN }, { "facter", 0 },
	{ "fibre_channel_wwn", FACTS_OTHER }, { "fips", FACTS_MIN },
	{ "hardware", FACTS_HARDWARE }, { "interfaces", FACTS_NETWORK },
	{ "iscsi", FACTS_OTHER }, { "loadavg", FACTS_OTHER },
	{ "local", FACTS_MIN }, { "lsb", FACTS_MIN }, { "min", FACTS_MIN },
	{ "mounts", FACTS_HARDWARE }, { "network", FACTS_NETWORK },
	{ "nvme", FACTS_OTHER }, { "ohai", 0 }, { "pkg_mgr", FACTS_MIN },
	{ "platform", FACTS_MIN }, { "processor", FACTS_HARDWARE },
	{ "python", FACTS_MIN }, { "selinux", FACTS_MIN },
	{ "service_mgr", FACTS_MIN }, { "ssh_pub_keys", FACTS_MIN },
	{ "user", FACTS_MIN }, { "virtual", FACTS_VIRTUAL },
};

static int
facts_subset_word(const char *name, unsigned *bit, char **cause)
{
	struct buf	 b = BUF_INIT;

	if (strcmp(name, "all") == 0) {
		*bit = FACTS_ALL;
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(facts_collectors); i++) {
		if (strcmp(facts_collectors[i].name, name) == 0) {
			*bit = facts_collectors[i].bit;
			return 0;
		}
	}
	buf_addf(&b, "Bad subset '%s' given to Ansible. gather_subset options "
	    "allowed: all", name);
	for (size_t i = 0; i < ARRAY_SIZE(facts_collectors); i++)
		buf_addf(&b, ", %s", facts_collectors[i].name);
	*cause = buf_detach(&b, NULL);
	return -1;
}

/* gather_subset as a list of strings, ["all"] when empty; a new list. */
static struct value *
facts_spec_list(const struct value *spec)
{
	struct value	*list = value_list();
	char		*copy, *tok, *save;

	if (spec != NULL && spec->type == V_LIST) {
		for (size_t i = 0; i < spec->u.list.n; i++)
			value_list_append(list, value_str_take(
			    value_to_string(spec->u.list.items[i])));
	} else if (spec != NULL && spec->type != V_NULL) {
		copy = value_to_string(spec);
		for (tok = strtok_r(copy, ",", &save); tok != NULL;
		    tok = strtok_r(NULL, ",", &save))
			value_list_append(list, value_str(str_trim(tok)));
		free(copy);
	}
	if (list->u.list.n == 0)
		value_list_append(list, value_str("all"));
	return list;
}

/*
 * As Ansible's get_collector_names: min is always asked for first; an
 * exclusion removes what was not named explicitly, so "!hardware" alone
 * leaves min and "!all,!min,network" leaves network.
 */
int
facts_subsets(const struct value *spec, unsigned *mask, char **cause)
{
	unsigned	 add = FACTS_MIN, excl = 0, named = 0, bit;
	int		 rc = -1;
	struct value	*list = facts_spec_list(spec);

	for (size_t i = 0; i < list->u.list.n; i++) {
		const char *s = list->u.list.items[i]->u.str.s;
		int neg = s[0] == '!';

		if (neg)
			s++;
		if (facts_subset_word(s, &bit, cause) != 0)
			goto out;
		if (!neg) {
			add |= bit;
			if (strcmp(s, "all") != 0 && strcmp(s, "min") != 0)
				named |= bit;
		} else if (strcmp(s, "all") == 0)
			excl |= FACTS_ALL & ~FACTS_MIN;
		else if (strcmp(s, "min") == 0 || bit != FACTS_MIN)
			excl |= bit;
		/* "!dns" would drop a part of min: cairn keeps min whole */
	}
	*mask = add & ~(excl & ~named);
	rc = 0;
out:
	value_unref(list);
	return rc;
}

char *
facts_command(const struct facts_opts *o)
{
	struct buf	 b = BUF_INIT;
	const char	*sep = "";

	/* A subshell: the script's variables and functions stay in it. */
	buf_adds(&b, "(S='");
	for (size_t i = 0; i < ARRAY_SIZE(facts_words); i++) {
		if (o->subsets & facts_words[i].bit) {
			buf_addf(&b, "%s%s", sep, facts_words[i].word);
			sep = " ";
		}
	}
	buf_addf(&b, "' T=%d FP=", o->timeout > 0 ? o->timeout :
	    FACTS_TIMEOUT_DEFAULT);
	if (o->fact_path != NULL && str_startswith(o->fact_path, "~/")) {
		buf_adds(&b, "\"$HOME\"/");
		shell_quote_buf(&b, o->fact_path + 2);
	} else
		shell_quote_buf(&b, o->fact_path != NULL ? o->fact_path :
		    FACTS_PATH_DEFAULT);
	buf_adds(&b, "\n");
	buf_adds(&b, facts_script);
	buf_adds(&b, ") 2>/dev/null");
	return buf_detach(&b, NULL);
}

static int
facts_filter_match(const struct value *filter, const char *name)
{
	char	*full;
	int	 hit = 0;

	if (filter == NULL || filter->type != V_LIST || filter->u.list.n == 0)
		return 1;
	full = xasprintf("ansible_%s", name);
	for (size_t i = 0; i < filter->u.list.n && !hit; i++) {
		const struct value *g = filter->u.list.items[i];

		if (g->type != V_STR)
			continue;
		hit = fnmatch(g->u.str.s, name, 0) == 0 ||
		    fnmatch(g->u.str.s, full, 0) == 0;
	}
	free(full);
	return hit;
}

struct value *
facts_result(const char *out, unsigned mask, const struct value *spec,
    const struct value *filter)
{
	struct value	*all = facts_parse_subsets(out, mask), *f;
	int		 filtered;

	filtered = filter != NULL && filter->type == V_LIST &&
	    filter->u.list.n > 0;
	f = value_dict();
	for (size_t i = 0; i < all->u.dict.n; i++) {
		char *k;

		if (!facts_filter_match(filter, all->u.dict.keys[i]))
			continue;
		k = xasprintf("ansible_%s", all->u.dict.keys[i]);
		value_dict_set(f, k, value_ref(all->u.dict.vals[i]));
		free(k);
	}
	value_unref(all);
	if (!filtered) {
		value_dict_set(f, "gather_subset", facts_spec_list(spec));
		value_dict_setbool(f, "module_setup", 1);
	}
	return f;
}

int
facts_cached(const struct value *facts, unsigned mask)
{
	const struct value	*ms, *spec;
	unsigned		 have;
	char			*cause = NULL;

	if (facts == NULL || facts->type != V_DICT)
		return 0;
	ms = value_dict_get(facts, "module_setup");
	spec = value_dict_get(facts, "gather_subset");
	if (ms == NULL || ms->type != V_BOOL || !ms->u.b || spec == NULL)
		return 0;
	if (facts_subsets(spec, &have, &cause) != 0) {
		free(cause);
		return 0;
	}
	return (have & mask) == mask;
}

void
facts_merge(struct value *facts, struct value **bare,
    const struct value *from)
{
	for (size_t i = 0; i < from->u.dict.n; i++) {
		const char *k = from->u.dict.keys[i];

		if (str_startswith(k, "ansible_")) {
			value_dict_set(facts, k + 8,
			    value_ref(from->u.dict.vals[i]));
			continue;
		}
		/* getent's getent_passwd: ansible_facts.X and X, as Ansible */
		value_dict_set(facts, k, value_ref(from->u.dict.vals[i]));
		if (*bare == NULL)
			*bare = value_dict();
		value_dict_set(*bare, k, value_ref(from->u.dict.vals[i]));
	}
}
