/*
 * Network, virtualization and the "all"-only facts from the gather script's
 * raw sections: interfaces from /sys and /proc/net, no ip needed.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts-internal.h"

/* --- network ------------------------------------------------------------- */

/* One line of /proc/net/route; addresses in network byte order. */
struct route4 {
	char		 dev[64];
	uint32_t	 dest, gw, mask;
	unsigned	 flags;
	long		 metric;
};

#define RTF_UP_		0x1
#define RTF_GATEWAY_	0x2

static size_t
routes4(const struct raw *rw, struct route4 **out)
{
	const char	*s = facts_raw_get(rw->files, "/proc/net/route");
	struct route4	*r = NULL, x;
	size_t		 n = 0;

	for (; s != NULL && *s != '\0'; s = strchr(s, '\n'), s = s ? s + 1 : s) {
		if (sscanf(s, "%63s %x %x %x %*d %*d %ld %x", x.dev, &x.dest,
		    &x.gw, &x.flags, &x.metric, &x.mask) != 6)
			continue;
		r = xreallocarray(r, n + 1, sizeof *r);
		r[n++] = x;
	}
	*out = r;
	return n;
}

static char *
ip4_str(uint32_t a)
{
	struct in_addr	 ia = { .s_addr = a };
	char		 buf[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &ia, buf, sizeof buf);
	return xstrdup(buf);
}

static int
mask_prefix(uint32_t mask)
{
	uint32_t	 m = ntohl(mask);
	int		 n = 0;

	while (m & 0x80000000u) {
		n++;
		m <<= 1;
	}
	return n;
}

static uint32_t
prefix_mask(int prefix)
{
	return htonl(prefix <= 0 ? 0 : 0xffffffffu << (32 - prefix));
}

/* The local IPv4 addresses of /proc/net/fib_trie ("/32 host LOCAL"). */
static size_t
local4(const struct raw *rw, uint32_t **out)
{
	const char	*s = facts_raw_get(rw->files, "/proc/net/fib_trie");
	uint32_t	*a = NULL, last = 0;
	size_t		 n = 0, j;
	char		 ip[64];
	int		 have = 0;

	for (; s != NULL && *s != '\0'; s = strchr(s, '\n'), s = s ? s + 1 : s) {
		const char *p = s + strspn(s, " |+-");

		if (p - s >= 4 && strncmp(p - 4, "|-- ", 4) == 0 &&
		    sscanf(p, "%63s", ip) == 1) {
			struct in_addr ia;

			have = inet_pton(AF_INET, ip, &ia) == 1;
			last = ia.s_addr;
			continue;
		}
		p = s + strspn(s, " ");
		if (!have || strncmp(p, "/32 host LOCAL", 14) != 0)
			continue;
		for (j = 0; j < n && a[j] != last; j++)
			;
		if (j == n) {
			a = xreallocarray(a, n + 1, sizeof *a);
			a[n++] = last;
		}
	}
	*out = a;
	return n;
}

static struct value *
ipv4_dict(uint32_t a, int prefix, int loopback)
{
	struct value	*d = value_dict();
	uint32_t	 mask = prefix_mask(prefix);

	value_dict_set(d, "address", value_str_take(ip4_str(a)));
	if (loopback || prefix >= 31)
		value_dict_setstr(d, "broadcast", "");
	else
		value_dict_set(d, "broadcast",
		    value_str_take(ip4_str((a & mask) | ~mask)));
	value_dict_set(d, "netmask", value_str_take(ip4_str(mask)));
	value_dict_set(d, "network", value_str_take(ip4_str(a & mask)));
	value_dict_set(d, "prefix", value_strf("%d", prefix));
	return d;
}

/* Gives each IPv4 address its interface and prefix from the routes. */
static void
attach_ipv4(const struct raw *rw, struct value *ifs, struct value *all)
{
	struct route4	*rt;
	uint32_t	*addr;
	size_t		 nrt = routes4(rw, &rt), na = local4(rw, &addr);

	for (size_t i = 0; i < na; i++) {
		const char	*dev = NULL;
		int		 best = -1, lo;
		struct value	*ifd, *d;

		for (size_t j = 0; j < nrt; j++) {
			int p = mask_prefix(rt[j].mask);

			if ((rt[j].flags & RTF_GATEWAY_) || rt[j].mask == 0 ||
			    (addr[i] & rt[j].mask) != rt[j].dest || p <= best)
				continue;
			best = p;
			dev = rt[j].dev;
		}
		lo = (ntohl(addr[i]) >> 24) == 127;
		if (dev == NULL && lo) {
			dev = "lo";
			best = 8;
		}
		if (dev == NULL || (ifd = value_dict_get(ifs, dev)) == NULL)
			continue;
		d = ipv4_dict(addr[i], best, lo);
		if (!lo)
			value_list_append(all,
			    value_ref(value_dict_get(d, "address")));
		if (value_dict_get(ifd, "ipv4") == NULL)
			value_dict_set(ifd, "ipv4", d);
		else {
			struct value *sec = value_dict_get(ifd,
			    "ipv4_secondaries");

			if (sec == NULL) {
				sec = value_list();
				value_dict_set(ifd, "ipv4_secondaries", sec);
			}
			value_list_append(sec, d);
		}
	}
	free(rt);
	free(addr);
}

static char *
ip6_hex(const char *hex)
{
	struct in6_addr	 a;
	char		 buf[INET6_ADDRSTRLEN];
	unsigned	 x;

	if (strlen(hex) < 32)
		return NULL;
	for (int i = 0; i < 16; i++) {
		if (sscanf(hex + 2 * i, "%2x", &x) != 1)
			return NULL;
		a.s6_addr[i] = (unsigned char)x;
	}
	inet_ntop(AF_INET6, &a, buf, sizeof buf);
	return xstrdup(buf);
}

static const char *
ip6_scope(unsigned scope)
{
	switch (scope & 0xf0) {
	case 0x00:
		return "global";
	case 0x10:
		return "host";
	case 0x20:
		return "link";
	case 0x40:
		return "site";
	}
	return "unknown";
}

static void
attach_ipv6(const struct raw *rw, struct value *ifs, struct value *all)
{
	const char	*s = facts_raw_get(rw->files, "/proc/net/if_inet6");
	char		 hex[64], dev[64], *a;
	unsigned	 idx, plen, scope, flags;
	struct value	*ifd, *l, *d;

	for (; s != NULL && *s != '\0'; s = strchr(s, '\n'), s = s ? s + 1 : s) {
		if (sscanf(s, "%63s %x %x %x %x %63s", hex, &idx, &plen, &scope,
		    &flags, dev) != 6 || (a = ip6_hex(hex)) == NULL)
			continue;
		if ((ifd = value_dict_get(ifs, dev)) == NULL) {
			free(a);
			continue;
		}
		if ((l = value_dict_get(ifd, "ipv6")) == NULL) {
			l = value_list();
			value_dict_set(ifd, "ipv6", l);
		}
		d = value_dict();
		value_dict_setstr(d, "address", a);
		value_dict_set(d, "prefix", value_strf("%u", plen));
		value_dict_setstr(d, "scope", ip6_scope(scope));
		value_list_append(l, d);
		if (strcmp(a, "::1") != 0)
			value_list_append(all, value_str(a));
		free(a);
	}
}

static struct value *
interface_dict(const struct raw *rw, const char *dir, const char *name)
{
	struct value	*d = value_dict();
	char		*tmp = NULL;
	const char	*s, *type = "unknown";
	unsigned long	 flags = 0;
	long		 t = -1;

	if ((s = facts_sysf(rw, dir, "flags", &tmp)) != NULL)
		flags = strtoul(s, NULL, 0);
	value_dict_setbool(d, "active", (flags & 0x1) != 0);
	value_dict_setstr(d, "device", name);
	if ((s = facts_sysf(rw, dir, "address", &tmp)) != NULL && *s != '\0' &&
	    strcmp(s, "00:00:00:00:00:00") != 0)
		value_dict_setstr(d, "macaddress", s);
	if ((s = facts_sysf(rw, dir, "device/driver/module", &tmp)) != NULL &&
	    *s != '\0')
		value_dict_setstr(d, "module", facts_base_name(s));
	if ((s = facts_sysf(rw, dir, "mtu", &tmp)) != NULL && *s != '\0')
		value_dict_setint(d, "mtu", atoll(s));
	if ((s = facts_sysf(rw, dir, "device", &tmp)) != NULL && *s != '\0')
		value_dict_setstr(d, "pciid", facts_base_name(s));
	value_dict_setbool(d, "promisc", (flags & 0x100) != 0);
	if ((s = facts_sysf(rw, dir, "speed", &tmp)) != NULL && *s != '\0')
		value_dict_setint(d, "speed", atoll(s));
	if ((s = facts_sysf(rw, dir, "type", &tmp)) != NULL)
		t = atol(s);
	if (t == 772)
		type = "loopback";
	else if (facts_sysf(rw, dir, "bridge", &tmp) != NULL)
		type = "bridge";
	else if (facts_sysf(rw, dir, "bonding", &tmp) != NULL)
		type = "bonding";
	else if (t == 1)
		type = "ether";
	else if (t == 512)
		type = "ppp";
	value_dict_setstr(d, "type", type);
	free(tmp);
	return d;
}

/* Each of keys (NULL-terminated) that from has, into d. */
static void
dict_copy(struct value *d, const struct value *from, const char *const *keys)
{
	struct value *v;

	for (; *keys != NULL; keys++)
		if ((v = value_dict_get(from, *keys)) != NULL)
			value_dict_set(d, *keys, value_ref(v));
}

static struct value *
default_ipv4(const struct raw *rw, const struct value *ifs)
{
	struct route4	*rt;
	size_t		 nrt = routes4(rw, &rt), best = (size_t)-1;
	struct value	*d = value_dict(), *ifd, *ip, *sec;

	for (size_t j = 0; j < nrt; j++)
		if (rt[j].dest == 0 && rt[j].mask == 0 &&
		    (rt[j].flags & RTF_GATEWAY_) && (best == (size_t)-1 ||
		    rt[j].metric < rt[best].metric))
			best = j;
	if (best == (size_t)-1 ||
	    (ifd = value_dict_get(ifs, rt[best].dev)) == NULL ||
	    (ip = value_dict_get(ifd, "ipv4")) == NULL) {
		free(rt);
		return d;
	}
	/* The address the gateway is reached from, when not the primary. */
	sec = value_dict_get(ifd, "ipv4_secondaries");
	for (size_t i = 0; sec != NULL && i < sec->u.list.n; i++) {
		const struct value *c = sec->u.list.items[i];
		struct in_addr a, m;

		if (inet_pton(AF_INET, facts_raw_get(c, "address"), &a) == 1 &&
		    inet_pton(AF_INET, facts_raw_get(c, "netmask"), &m) == 1 &&
		    (a.s_addr & m.s_addr) == (rt[best].gw & m.s_addr))
			ip = sec->u.list.items[i];
	}
	dict_copy(d, ip, (const char *const []){ "address", NULL });
	value_dict_setstr(d, "alias", rt[best].dev);
	dict_copy(d, ip, (const char *const []){ "broadcast", NULL });
	value_dict_set(d, "gateway", value_str_take(ip4_str(rt[best].gw)));
	value_dict_setstr(d, "interface", rt[best].dev);
	dict_copy(d, ifd, (const char *const []){ "macaddress", "mtu", NULL });
	dict_copy(d, ip, (const char *const []){ "netmask", "network", "prefix",
	    NULL });
	dict_copy(d, ifd, (const char *const []){ "type", NULL });
	free(rt);
	return d;
}

static struct value *
default_ipv6(const struct raw *rw, const struct value *ifs)
{
	const char	*s = facts_raw_get(rw->files, "/proc/net/ipv6_route");
	struct value	*d = value_dict(), *ifd, *l, *ip = NULL;
	char		 dst[64], hop[64], dev[64], bdev[64] = "", *gw = NULL;
	unsigned	 dlen, metric, flags, bmetric = 0;

	for (; s != NULL && *s != '\0'; s = strchr(s, '\n'), s = s ? s + 1 : s) {
		if (sscanf(s, "%63s %x %*s %*x %63s %x %*x %*x %x %63s", dst,
		    &dlen, hop, &metric, &flags, dev) != 6)
			continue;
		if (dlen != 0 || strspn(dst, "0") != 32 ||
		    !(flags & RTF_GATEWAY_) || strcmp(dev, "lo") == 0 ||
		    (gw != NULL && metric >= bmetric))
			continue;
		free(gw);
		gw = ip6_hex(hop);
		bmetric = metric;
		snprintf(bdev, sizeof bdev, "%s", dev);
	}
	if (gw == NULL || (ifd = value_dict_get(ifs, bdev)) == NULL ||
	    (l = value_dict_get(ifd, "ipv6")) == NULL) {
		free(gw);
		return d;
	}
	for (size_t i = 0; i < l->u.list.n && ip == NULL; i++)
		if (strcmp(facts_raw_get(l->u.list.items[i], "scope"), "global") == 0)
			ip = l->u.list.items[i];
	if (ip == NULL) {
		free(gw);
		return d;
	}
	dict_copy(d, ip, (const char *const []){ "address", NULL });
	value_dict_set(d, "gateway", value_str_take(gw));
	value_dict_setstr(d, "interface", bdev);
	dict_copy(d, ifd, (const char *const []){ "macaddress", "mtu", NULL });
	dict_copy(d, ip, (const char *const []){ "prefix", "scope", NULL });
	dict_copy(d, ifd, (const char *const []){ "type", NULL });
	return d;
}

void
facts_parse_network(const struct raw *rw, struct value *f)
{
	struct value	*ifs = value_dict(), *names = value_list();
	struct value	*all4 = value_list(), *all6 = value_list();
	char		*dir, *key;

	for (size_t i = 0; i < rw->sys->u.dict.n; i++) {
		const char *k = rw->sys->u.dict.keys[i], *name;

		if (!str_startswith(k, "/sys/class/net/") ||
		    !str_endswith(k, "/mtu"))
			continue;
		dir = xstrndup(k, strlen(k) - strlen("/mtu"));
		name = facts_base_name(dir);
		value_dict_set(ifs, name, interface_dict(rw, dir, name));
		value_list_append(names, value_str(name));
		free(dir);
	}
	if (names->u.list.n == 0) {
		value_unref(ifs);
		value_unref(names);
		value_unref(all4);
		value_unref(all6);
		return;
	}
	attach_ipv4(rw, ifs, all4);
	attach_ipv6(rw, ifs, all6);
	value_dict_set(f, "all_ipv4_addresses", all4);
	value_dict_set(f, "all_ipv6_addresses", all6);
	value_dict_set(f, "default_ipv4", default_ipv4(rw, ifs));
	value_dict_set(f, "default_ipv6", default_ipv6(rw, ifs));
	value_dict_set(f, "interfaces", names);
	for (size_t i = 0; i < ifs->u.dict.n; i++) {
		/* "br-lan" is ansible_br_lan */
		key = xstrdup(ifs->u.dict.keys[i]);
		for (char *p = key; *p != '\0'; p++)
			if (*p == '-')
				*p = '_';
		value_dict_set(f, key, value_ref(ifs->u.dict.vals[i]));
		free(key);
	}
	value_unref(ifs);
}

/* --- virtual, other ------------------------------------------------------ */

static void
add_tech(struct value *l, const char *t)
{
	for (size_t i = 0; i < l->u.list.n; i++)
		if (strcmp(l->u.list.items[i]->u.str.s, t) == 0)
			return;
	value_list_append(l, value_str(t));
}

static int
cmp_str(const void *a, const void *b)
{
	const struct value *x = *(struct value *const *)a;
	const struct value *y = *(struct value *const *)b;

	return strcmp(x->u.str.s, y->u.str.s);
}

void
facts_parse_virtual(const struct raw *rw, struct value *f)
{
	/* DMI strings of hypervisors, as Ansible's Linux checks read them. */
	static const char *const dmi[][2] = {
		{ "KVM", "kvm" }, { "QEMU", "kvm" }, { "Bochs", "kvm" },
		{ "Amazon EC2", "kvm" }, { "OpenStack", "openstack" },
		{ "RHEV", "RHEV" }, { "VMware", "VMware" },
		{ "VirtualBox", "virtualbox" }, { "innotek", "virtualbox" },
		{ "HVM domU", "xen" }, { "Xen", "xen" },
		{ "Parallels", "parallels" }, { "BHYVE", "bhyve" },
		{ "Virtual Machine", "VirtualPC" },
	};
	static const char *const dmif[] = {
		"/sys/class/dmi/id/product_name", "/sys/class/dmi/id/sys_vendor",
		"/sys/class/dmi/id/bios_vendor",
	};
	struct value	*guest = value_list(), *host = value_list();
	const char	*s, *type = NULL, *role = NULL, *cg;

	cg = facts_raw_get(rw->files, "/proc/1/cgroup");
	if (cg != NULL && strstr(cg, "/docker") != NULL) {
		add_tech(guest, "docker");
		type = "docker";
	}
	if (cg != NULL && strstr(cg, "/lxc/") != NULL) {
		add_tech(guest, "lxc");
		if (type == NULL)
			type = "lxc";
	}
	if ((s = facts_raw_get(rw->kv, "container")) != NULL && *s != '\0') {
		/* container=lxc, container=podman; any other is "container" */
		if (strcmp(s, "lxc") == 0 || strcmp(s, "podman") == 0) {
			add_tech(guest, s);
			if (type == NULL)
				type = s;
		}
		add_tech(guest, "container");
		if (type == NULL)
			type = "container";
	}
	if ((s = facts_raw_get(rw->sys, "/run/systemd/container")) != NULL &&
	    *s != '\0') {
		add_tech(guest, s);
		add_tech(guest, "container");
		if (type == NULL)
			type = s;
	}
	if (facts_raw_get(rw->kv, "dockerenv") != NULL) {
		add_tech(guest, "docker");
		add_tech(guest, "container");
		if (type == NULL)
			type = "docker";
	}
	if (guest->u.list.n > 0)
		add_tech(guest, "container");
	if (facts_raw_get(rw->kv, "containerenv") != NULL) {
		add_tech(guest, "podman");
		add_tech(guest, "container");
		if (type == NULL)
			type = "podman";
	}
	if (facts_raw_get(rw->kv, "openvz") != NULL) {
		add_tech(guest, "openvz");
		if (type == NULL)
			type = "openvz";
	}
	for (size_t i = 0; i < ARRAY_SIZE(dmif); i++) {
		if ((s = facts_raw_get(rw->sys, dmif[i])) == NULL)
			continue;
		for (size_t j = 0; j < ARRAY_SIZE(dmi); j++) {
			if (strstr(s, dmi[j][0]) == NULL)
				continue;
			add_tech(guest, dmi[j][1]);
			if (type == NULL)
				type = dmi[j][1];
		}
	}
	if ((s = facts_raw_get(rw->sys, "/sys/hypervisor/type")) != NULL &&
	    strcmp(s, "xen") == 0) {
		add_tech(guest, "xen");
		if (type == NULL)
			type = "xen";
	}
	if (type != NULL)
		role = "guest";
	if ((s = facts_raw_get(rw->kv, "hostmods")) != NULL) {
		if (strstr(s, "kvm") != NULL)
			add_tech(host, "kvm");
		if (strstr(s, "vboxdrv") != NULL)
			add_tech(host, "virtualbox");
	}
	if (facts_raw_get(rw->kv, "devkvm") != NULL)
		add_tech(host, "kvm");
	if (type == NULL && host->u.list.n > 0) {
		type = host->u.list.items[0]->u.str.s;
		role = "host";
	}
	/* Ansible's are sets, printed sorted; an empty list has no items */
	if (guest->u.list.n > 1)
		qsort(guest->u.list.items, guest->u.list.n,
		    sizeof (struct value *), cmp_str);
	if (host->u.list.n > 1)
		qsort(host->u.list.items, host->u.list.n,
		    sizeof (struct value *), cmp_str);
	value_dict_setstr(f, "virtualization_role", role ? role : "NA");
	value_dict_set(f, "virtualization_tech_guest", guest);
	value_dict_set(f, "virtualization_tech_host", host);
	value_dict_setstr(f, "virtualization_type", type ? type : "NA");
}

void
facts_parse_other(const struct raw *rw, struct value *f)
{
	const char	*s, *a, *b;
	struct value	*d, *wwn = value_list();
	double		 l1, l5, l15;

	if ((s = facts_raw_get(rw->files, "/proc/loadavg")) != NULL &&
	    sscanf(s, "%lf %lf %lf", &l1, &l5, &l15) == 3) {
		d = value_dict();
		value_dict_set(d, "15m", value_float(l15));
		value_dict_set(d, "1m", value_float(l1));
		value_dict_set(d, "5m", value_float(l5));
		value_dict_set(f, "loadavg", d);
	}
	a = facts_raw_get(rw->kv, "root_ino");
	b = facts_raw_get(rw->kv, "init_root_ino");
	value_dict_setbool(f, "is_chroot", a != NULL && b != NULL && *a &&
	    *b && strcmp(a, b) != 0);
	s = facts_raw_get(rw->sys, "/etc/iscsi/initiatorname.iscsi");
	value_dict_setstr(f, "iscsi_iqn", s != NULL &&
	    str_startswith(s, "InitiatorName=") ? s + 14 : "");
	s = facts_raw_get(rw->sys, "/etc/nvme/hostnqn");
	value_dict_setstr(f, "hostnqn", s != NULL ? s : "");
	for (size_t i = 0; i < rw->sys->u.dict.n; i++) {
		const char *k = rw->sys->u.dict.keys[i];
		const char *v = rw->sys->u.dict.vals[i]->u.str.s;

		if (str_startswith(k, "/sys/class/fc_host/"))
			value_list_append(wwn, value_str(
			    str_startswith(v, "0x") ? v + 2 : v));
	}
	value_dict_set(f, "fibre_channel_wwn", wwn);
}
