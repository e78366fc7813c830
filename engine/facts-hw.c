/*
 * Hardware facts from the gather script's raw sections: memory, processors,
 * block devices, mounts and their sizes, DMI.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts-internal.h"

static void
parse_memory(const struct raw *rw, struct value *f)
{
	/* the /proc/meminfo fields read, in MB */
	enum { TOTAL, FREE, BUFFERS, CACHED, STOTAL, SFREE, SCACHED, NMEM };
	static const char *const names[NMEM] = {
		"MemTotal", "MemFree", "Buffers", "Cached", "SwapTotal",
		"SwapFree", "SwapCached",
	};
	const char	*s = facts_raw_get(rw->files, "/proc/meminfo");
	struct value	*m, *d;
	long long	 mb[NMEM] = { -1 }, kb;
	char		 key[64];

	if (s == NULL) {
		/* An output of the first gatherer: MemTotal only. */
		if ((s = facts_raw_get(rw->kv, "memtotal_kb")) != NULL && *s != '\0')
			value_dict_setint(f, "memtotal_mb", atoll(s) / 1024);
		return;
	}
	for (; s != NULL && *s != '\0'; s = strchr(s, '\n'), s = s ? s + 1 : s) {
		if (sscanf(s, "%63[^:]: %lld", key, &kb) != 2)
			continue;
		for (size_t i = 0; i < NMEM; i++)
			if (strcmp(key, names[i]) == 0)
				mb[i] = kb / 1024;	/* as Ansible: each, then sums */
	}
	if (mb[TOTAL] < 0)
		return;
	value_dict_setint(f, "memtotal_mb", mb[TOTAL]);
	value_dict_setint(f, "memfree_mb", mb[FREE]);
	value_dict_setint(f, "swaptotal_mb", mb[STOTAL]);
	value_dict_setint(f, "swapfree_mb", mb[SFREE]);
	m = value_dict();
	d = value_dict();
	value_dict_setint(d, "free", mb[FREE] + mb[BUFFERS] + mb[CACHED]);
	value_dict_setint(d, "used", mb[TOTAL] - mb[FREE] - mb[BUFFERS] -
	    mb[CACHED]);
	value_dict_set(m, "nocache", d);
	d = value_dict();
	value_dict_setint(d, "free", mb[FREE]);
	value_dict_setint(d, "total", mb[TOTAL]);
	value_dict_setint(d, "used", mb[TOTAL] - mb[FREE]);
	value_dict_set(m, "real", d);
	d = value_dict();
	value_dict_setint(d, "cached", mb[SCACHED]);
	value_dict_setint(d, "free", mb[SFREE]);
	value_dict_setint(d, "total", mb[STOTAL]);
	value_dict_setint(d, "used", mb[STOTAL] - mb[SFREE]);
	value_dict_set(m, "swap", d);
	value_dict_set(f, "memory_mb", m);
}

/* Ansible's Linux processor facts, socket and core counting included. */
static void
parse_cpu(const struct raw *rw, struct value *f)
{
	const char	*s = facts_raw_get(rw->files, "/proc/cpuinfo");
	const char	*np = facts_raw_get(rw->kv, "nproc");
	struct value	*list, *sockets, *cores;
	char		*copy, *line, *save, *colon, *key, *val;
	char		*physid = xstrdup(""), *coreid = xstrdup("");
	long long	 count, ncores = 1, threads = 1, n = 0;

	if (np != NULL && *np != '\0')
		value_dict_setint(f, "processor_nproc", atoll(np));
	if (s == NULL) {
		if (np != NULL && *np != '\0')
			value_dict_setint(f, "processor_vcpus", atoll(np));
		free(physid);
		free(coreid);
		return;
	}
	list = value_list();
	sockets = value_dict();
	cores = value_dict();
	copy = xstrdup(s);
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if ((colon = strchr(line, ':')) == NULL)
			continue;
		*colon = '\0';
		key = str_trim(line);
		val = str_trim(colon + 1);
		if (strcmp(key, "model name") == 0 ||
		    strcmp(key, "Processor") == 0 ||
		    strcmp(key, "vendor_id") == 0 || strcmp(key, "cpu") == 0 ||
		    strcmp(key, "Vendor") == 0 ||
		    strcmp(key, "processor") == 0) {
			value_list_append(list, value_str(val));
			if (strcmp(key, "processor") == 0)
				n++;
		} else if (strcmp(key, "physical id") == 0) {
			free(physid);
			physid = xstrdup(val);
			if (value_dict_get(sockets, physid) == NULL)
				value_dict_setint(sockets, physid, 1);
		} else if (strcmp(key, "core id") == 0) {
			free(coreid);
			coreid = xstrdup(val);
			if (value_dict_get(cores, coreid) == NULL)
				value_dict_setint(cores, coreid, 1);
		} else if (strcmp(key, "cpu cores") == 0)
			value_dict_setint(sockets, physid, atoll(val));
		else if (strcmp(key, "siblings") == 0)
			value_dict_setint(cores, coreid, atoll(val));
	}
	free(copy);
	count = sockets->u.dict.n > 0 ? (long long)sockets->u.dict.n : n;
	if (sockets->u.dict.n > 0 && sockets->u.dict.vals[0]->u.i > 0)
		ncores = sockets->u.dict.vals[0]->u.i;
	if (cores->u.dict.n > 0)
		threads = cores->u.dict.vals[0]->u.i / ncores;
	if (threads < 1)
		threads = 1;
	value_dict_set(f, "processor", list);
	value_dict_setint(f, "processor_count", count);
	value_dict_setint(f, "processor_cores", ncores);
	value_dict_setint(f, "processor_threads_per_core", threads);
	value_dict_setint(f, "processor_vcpus", threads * ncores * count);
	value_unref(sockets);
	value_unref(cores);
	free(physid);
	free(coreid);
}

/* Devices' links: {"ids": {dev: [name...]}, "uuids": ..., "labels": ...}. */
static struct value *
device_links(const struct raw *rw)
{
	static const char *const kinds[][2] = {
		{ "/dev/disk/by-id/", "ids" },
		{ "/dev/disk/by-label/", "labels" },
		{ "/dev/disk/by-uuid/", "uuids" },
	};
	struct value	*d = value_dict(), *k, *l;

	for (size_t j = 0; j < ARRAY_SIZE(kinds); j++) {
		k = value_dict();
		for (size_t i = 0; i < rw->links->u.dict.n; i++) {
			const char *p = rw->links->u.dict.keys[i];
			const char *dev = facts_base_name(
			    rw->links->u.dict.vals[i]->u.str.s);

			if (!str_startswith(p, kinds[j][0]) || *dev == '\0')
				continue;
			if ((l = value_dict_get(k, dev)) == NULL) {
				l = value_list();
				value_dict_set(k, dev, l);
			}
			value_list_append(l, value_str(facts_base_name(p)));
		}
		value_dict_set(d, kinds[j][1], k);
	}
	value_dict_set(d, "masters", value_dict());
	return d;
}

static struct value *
dev_links(const struct value *all, const char *dev)
{
	static const char *const kinds[] = { "ids", "labels", "masters",
	    "uuids" };
	struct value	*d = value_dict(), *l;

	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		l = value_dict_get(value_dict_get(all, kinds[i]), dev);
		value_dict_set(d, kinds[i], l != NULL ? value_copy(l) :
		    value_list());
	}
	return d;
}

static struct value *
word_list(const char *s)
{
	struct value	*l = value_list();
	char		*copy = xstrdup(s != NULL ? s : ""), *tok, *save;

	for (tok = strtok_r(copy, " ", &save); tok != NULL;
	    tok = strtok_r(NULL, " ", &save))
		value_list_append(l, value_str(tok));
	free(copy);
	return l;
}

static struct value *
str_or_null(const char *s)
{
	return s != NULL && *s != '\0' ? value_str(s) : value_null();
}

static void
parse_devices(const struct raw *rw, struct value *f)
{
	struct value	*devs = value_dict(), *links = device_links(rw);
	struct value	*d, *parts, *p;
	char		*tmp = NULL, *dir, *human, *sched;
	const char	*s, *ss, *sec;

	for (size_t i = 0; i < rw->sys->u.dict.n; i++) {
		const char *key = rw->sys->u.dict.keys[i], *name;

		if (!str_startswith(key, "/sys/block/") ||
		    !str_endswith(key, "/path"))
			continue;
		dir = xstrndup(key, strlen(key) - strlen("/path"));
		name = facts_base_name(dir);
		d = value_dict();
		value_dict_set(d, "holders",
		    word_list(facts_sysf(rw, dir, "holders", &tmp)));
		value_dict_setstr(d, "host", "");
		value_dict_set(d, "links", dev_links(links, name));
		value_dict_set(d, "model",
		    str_or_null(facts_sysf(rw, dir, "device/model", &tmp)));
		parts = value_dict();
		for (size_t j = 0; j < rw->sys->u.dict.n; j++) {
			const char *pk = rw->sys->u.dict.keys[j], *pname;
			char *pdir;

			if (!str_startswith(pk, dir) || pk[strlen(dir)] != '/' ||
			    !str_endswith(pk, "/start"))
				continue;
			pdir = xstrndup(pk, strlen(pk) - strlen("/start"));
			pname = facts_base_name(pdir);
			p = value_dict();
			value_dict_set(p, "holders",
			    word_list(facts_sysf(rw, pdir, "holders", &tmp)));
			value_dict_set(p, "links", dev_links(links, pname));
			s = facts_sysf(rw, pdir, "size", &tmp);
			value_dict_setstr(p, "sectors", s != NULL ? s : "0");
			/* a partition has no queue: Ansible's 512 */
			value_dict_setint(p, "sectorsize", 512);
			human = facts_human_size(strtoull(s != NULL ? s : "0",
			    NULL, 10) * 512);
			value_dict_set(p, "size", value_str_take(human));
			value_dict_setstr(p, "start",
			    rw->sys->u.dict.vals[j]->u.str.s);
			{
				const struct value *u = value_dict_get(
				    value_dict_get(links, "uuids"), pname);

				value_dict_set(p, "uuid", u != NULL &&
				    u->u.list.n > 0 ? value_ref(u->u.list.
				    items[0]) : value_null());
			}
			value_dict_set(parts, pname, p);
			free(pdir);
		}
		value_dict_set(d, "partitions", parts);
		s = facts_sysf(rw, dir, "removable", &tmp);
		value_dict_setstr(d, "removable", s != NULL ? s : "0");
		s = facts_sysf(rw, dir, "queue/rotational", &tmp);
		value_dict_setstr(d, "rotational", s != NULL ? s : "0");
		value_dict_set(d, "sas_address", value_null());
		value_dict_set(d, "sas_device_handle", value_null());
		s = facts_sysf(rw, dir, "queue/scheduler", &tmp);
		if (s != NULL && (ss = strchr(s, '[')) != NULL)
			sched = xstrndup(ss + 1, strcspn(ss + 1, "]"));
		else
			sched = xstrdup(s != NULL ? s : "");
		value_dict_set(d, "scheduler_mode", value_str_take(sched));
		s = xstrdup(facts_sysf(rw, dir, "size", &tmp) ?
		    facts_sysf(rw, dir, "size", &tmp) : "0");
		if ((sec = facts_sysf(rw, dir, "queue/logical_block_size", &tmp)) ==
		    NULL)
			sec = facts_sysf(rw, dir, "queue/hw_sector_size", &tmp);
		sec = sec != NULL ? sec : "512";
		value_dict_setstr(d, "sectors", s);
		value_dict_setstr(d, "sectorsize", sec);
		/* Ansible counts 512-byte sectors whatever the block size */
		human = facts_human_size(strtoull(s, NULL, 10) * 512);
		value_dict_set(d, "size", value_str_take(human));
		free((char *)s);
		s = facts_sysf(rw, dir, "queue/discard_granularity", &tmp);
		value_dict_setstr(d, "support_discard", s != NULL ? s : "0");
		value_dict_set(d, "vendor",
		    str_or_null(facts_sysf(rw, dir, "device/vendor", &tmp)));
		if ((s = facts_sysf(rw, dir, "device/serial", &tmp)) != NULL &&
		    *s != '\0')
			value_dict_setstr(d, "serial", s);
		/* Ansible's test: /sys/block entries are links, so always 1 */
		value_dict_setint(d, "virtual", 1);
		value_dict_set(devs, name, d);
		free(dir);
	}
	free(tmp);
	value_dict_set(f, "devices", devs);
	value_dict_set(f, "device_links", links);
}

static void
parse_mounts(const struct raw *rw, struct value *f)
{
	const char	*s = facts_raw_get(rw->files, "/proc/mounts");
	const struct value *uuids;
	struct value	*list, *m, *links;
	char		*copy, *line, *save;
	char		 dev[1024], mnt[1024], fs[256], opts[1024];
	unsigned long long bsize, frsize, blocks, bfree, bavail, files, ffree;

	(void)bfree;

	if (s == NULL)
		return;
	links = device_links(rw);
	uuids = value_dict_get(links, "uuids");
	list = value_list();
	copy = xstrdup(s);
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		const char *st, *uuid = "N/A";

		if (sscanf(line, "%1023s %1023s %255s %1023s", dev, mnt, fs,
		    opts) != 4)
			continue;
		if ((dev[0] != '/' && strstr(dev, ":/") == NULL) ||
		    strcmp(fs, "none") == 0)
			continue;
		m = value_dict();
		if ((st = facts_raw_get(rw->statfs, mnt)) != NULL &&
		    sscanf(st, "%llu %llu %llu %llu %llu %llu %llu", &bsize,
		    &frsize, &blocks, &bfree, &bavail, &files, &ffree) == 7) {
			value_dict_setint(m, "block_available", bavail);
			value_dict_setint(m, "block_size", bsize);
			value_dict_setint(m, "block_total", blocks);
			value_dict_setint(m, "block_used", blocks - bavail);
		}
		value_dict_setstr(m, "device", dev);
		value_dict_setstr(m, "fstype", fs);
		if (st != NULL && value_dict_get(m, "block_size") != NULL) {
			value_dict_setint(m, "inode_available", ffree);
			value_dict_setint(m, "inode_total", files);
			value_dict_setint(m, "inode_used", files - ffree);
		}
		value_dict_setstr(m, "mount", mnt);
		value_dict_setstr(m, "options", opts);
		if (st != NULL && value_dict_get(m, "block_size") != NULL) {
			value_dict_setint(m, "size_available", frsize * bavail);
			value_dict_setint(m, "size_total", frsize * blocks);
		}
		for (size_t i = 0; uuids != NULL && i < uuids->u.dict.n; i++)
			if (strcmp(uuids->u.dict.keys[i], facts_base_name(dev)) == 0 &&
			    uuids->u.dict.vals[i]->u.list.n > 0)
				uuid = uuids->u.dict.vals[i]->u.list.items[0]->
				    u.str.s;
		value_dict_setstr(m, "uuid", uuid);
		value_list_append(list, m);
	}
	free(copy);
	value_unref(links);
	value_dict_set(f, "mounts", list);
}

static void
parse_dmi(const struct raw *rw, struct value *f)
{
	static const char *const fields[][2] = {
		{ "bios_date", "bios_date" }, { "bios_vendor", "bios_vendor" },
		{ "bios_version", "bios_version" },
		{ "board_asset_tag", "board_asset_tag" },
		{ "board_name", "board_name" },
		{ "board_serial", "board_serial" },
		{ "board_vendor", "board_vendor" },
		{ "board_version", "board_version" },
		{ "chassis_asset_tag", "chassis_asset_tag" },
		{ "chassis_serial", "chassis_serial" },
		{ "chassis_vendor", "chassis_vendor" },
		{ "chassis_version", "chassis_version" },
		{ "product_name", "product_name" },
		{ "product_serial", "product_serial" },
		{ "product_uuid", "product_uuid" },
		{ "product_version", "product_version" },
		{ "system_vendor", "sys_vendor" },
	};
	/* SMBIOS chassis types, as Ansible names them. */
	static const char *const forms[] = {
		"Unknown", "Other", "Unknown", "Desktop", "Low Profile Desktop",
		"Pizza Box", "Mini Tower", "Tower", "Portable", "Laptop",
		"Notebook", "Hand Held", "Docking Station", "All In One",
		"Sub Notebook", "Space-saving", "Lunch Box", "Main Server Chassis",
		"Expansion Chassis", "Sub Chassis", "Bus Expansion Chassis",
		"Peripheral Chassis", "RAID Chassis", "Rack Mount Chassis",
		"Sealed-case PC", "Multi-system", "CompactPCI", "AdvancedTCA",
		"Blade", "Blade Enclosure", "Tablet", "Convertible", "Detachable",
		"IoT Gateway", "Embedded PC", "Mini PC", "Stick PC",
	};
	const char	*s;
	char		*p;
	long		 t;

	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		p = xasprintf("/sys/class/dmi/id/%s", fields[i][1]);
		s = facts_raw_get(rw->sys, p);
		value_dict_setstr(f, fields[i][0], s != NULL && *s != '\0' ?
		    s : "NA");
		free(p);
	}
	s = facts_raw_get(rw->sys, "/sys/class/dmi/id/chassis_type");
	t = s != NULL ? atol(s) : -1;
	value_dict_setstr(f, "form_factor", t >= 0 &&
	    (size_t)t < ARRAY_SIZE(forms) ? forms[t] : "NA");
}

void
facts_parse_hardware(const struct raw *rw, struct value *f)
{
	const char *s;

	parse_memory(rw, f);
	parse_cpu(rw, f);
	if ((s = facts_raw_get(rw->files, "/proc/uptime")) != NULL)
		value_dict_setint(f, "uptime_seconds", (long long)atof(s));
	parse_devices(rw, f);
	parse_mounts(rw, f);
	parse_dmi(rw, f);
	value_dict_setstr(f, "lvm", "N/A");
}
