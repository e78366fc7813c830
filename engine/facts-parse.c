/*
 * The gather script's output to Ansible's facts: pure, no host, so every
 * decision about names and shapes is unit-tested on captured outputs.
 * Here: the raw sections, the platform, distribution and min facts, and
 * the entry points; facts-hw.c and facts-net.c hold the other subsets.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "facts-internal.h"
#include "shell.h"

#define FACTS_MARK	"@@cairn-facts@@ "

const char *
facts_raw_get(const struct value *d, const char *key)
{
	const struct value *v = value_dict_get(d, key);

	return v != NULL && v->type == V_STR ? v->u.str.s : NULL;
}

/* A key=value or PATH<TAB>value line into d. */
static void
raw_pair(struct value *d, const char *line, size_t len, char sep)
{
	const char	*p = memchr(line, sep, len);
	char		*k;

	if (p == NULL || p == line)
		return;
	k = xstrndup(line, p - line);
	value_dict_set(d, k, value_strn(p + 1, len - (p + 1 - line)));
	free(k);
}

/* Ends a multi-line section: one newline was added after its content. */
static void
raw_close(struct raw *rw, char *kind, char *path, struct buf *b)
{
	char	*s;
	size_t	 len;

	if (kind == NULL)
		return;
	s = buf_detach(b, &len);
	if (len > 0 && s[len - 1] == '\n')
		s[--len] = '\0';
	if (strcmp(kind, "file") == 0 && path != NULL)
		value_dict_set(rw->files, path, value_str_take(s));
	else if (strcmp(kind, "local") == 0 && path != NULL)
		value_dict_set(rw->local, path, value_str_take(s));
	else if (strcmp(kind, "env") == 0) {
		free(rw->env);
		rw->env = s;
	} else if (strcmp(kind, "lsb") == 0) {
		free(rw->lsb);
		rw->lsb = s;
	} else
		free(s);
}

static void
raw_parse(struct raw *rw, const char *out)
{
	struct buf	 b = BUF_INIT;
	char		*kind = xstrdup("kv"), *path = NULL;
	const char	*line = out, *nl;
	size_t		 len;
	int		 multi = 0;

	memset(rw, 0, sizeof *rw);
	rw->kv = value_dict();
	rw->files = value_dict();
	rw->sys = value_dict();
	rw->links = value_dict();
	rw->statfs = value_dict();
	rw->local = value_dict();
	for (; *line != '\0'; line = nl + (*nl != '\0')) {
		nl = strchr(line, '\n');
		if (nl == NULL)
			nl = line + strlen(line);
		len = nl - line;
		if (len > strlen(FACTS_MARK) &&
		    strncmp(line, FACTS_MARK, strlen(FACTS_MARK)) == 0) {
			const char *k = line + strlen(FACTS_MARK), *sp;

			if (multi)
				raw_close(rw, kind, path, &b);
			free(kind);
			free(path);
			path = NULL;
			sp = memchr(k, ' ', nl - k);
			kind = xstrndup(k, (sp != NULL ? sp : nl) - k);
			if (sp != NULL)
				path = xstrndup(sp + 1, nl - sp - 1);
			multi = strcmp(kind, "file") == 0 ||
			    strcmp(kind, "local") == 0 ||
			    strcmp(kind, "env") == 0 || strcmp(kind, "lsb") == 0;
			buf_reset(&b);
			continue;
		}
		if (multi) {
			buf_add(&b, line, len);
			buf_addc(&b, '\n');
		} else if (strcmp(kind, "kv") == 0)
			raw_pair(rw->kv, line, len, '=');
		else if (strcmp(kind, "sys") == 0)
			raw_pair(rw->sys, line, len, '\t');
		else if (strcmp(kind, "links") == 0)
			raw_pair(rw->links, line, len, '\t');
		else if (strcmp(kind, "statfs") == 0)
			raw_pair(rw->statfs, line, len, '\t');
	}
	if (multi)
		raw_close(rw, kind, path, &b);
	buf_release(&b);
	free(kind);
	free(path);
}

static void
raw_release(struct raw *rw)
{
	value_unref(rw->kv);
	value_unref(rw->files);
	value_unref(rw->sys);
	value_unref(rw->links);
	value_unref(rw->statfs);
	value_unref(rw->local);
	free(rw->env);
	free(rw->lsb);
}

/* The last path component. */
const char *
facts_base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s != NULL ? s + 1 : p;
}

/* "10.00 GB", 1024-based, as Ansible's bytes_to_human. */
char *
facts_human_size(unsigned long long n)
{
	static const char *const units[] = {
		"Bytes", "KB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"
	};
	double	 d = (double)n;
	size_t	 i = 0;

	while (d >= 1024 && i + 1 < ARRAY_SIZE(units)) {
		d /= 1024;
		i++;
	}
	return xasprintf("%.2f %s", d, units[i]);
}

const char *
facts_sysf(const struct raw *rw, const char *dir, const char *file, char **tmp)
{
	free(*tmp);
	*tmp = xasprintf("%s/%s", dir, file);
	return facts_raw_get(rw->sys, *tmp);
}

/* --- platform and distribution (in min, hardware and network) ---------- */

static void
parse_platform(const struct raw *rw, struct value *f)
{
	const char	*s, *m;
	char		*shortname;

	if ((s = facts_raw_get(rw->kv, "hostname")) != NULL) {
		shortname = xstrndup(s, strcspn(s, "."));
		value_dict_set(f, "hostname", value_str_take(shortname));
	}
	if ((s = facts_raw_get(rw->kv, "nodename")) != NULL)
		value_dict_setstr(f, "nodename", s);
	if ((s = facts_raw_get(rw->kv, "fqdn")) != NULL) {
		const char *dot = strchr(s, '.');

		value_dict_setstr(f, "fqdn", s);
		value_dict_setstr(f, "domain", dot != NULL ? dot + 1 : "");
	}
	if ((s = facts_raw_get(rw->kv, "system")) != NULL)
		value_dict_setstr(f, "system", s);
	if ((s = facts_raw_get(rw->kv, "kernel")) != NULL)
		value_dict_setstr(f, "kernel", s);
	if ((s = facts_raw_get(rw->kv, "kernel_version")) != NULL)
		value_dict_setstr(f, "kernel_version", s);
	if ((m = facts_raw_get(rw->kv, "machine")) != NULL) {
		const char *bits = facts_raw_get(rw->kv, "userspace_bits");
		int i386 = strlen(m) == 4 && m[0] == 'i' && m[2] == '8' &&
		    m[3] == '6';

		value_dict_setstr(f, "machine", m);
		value_dict_setstr(f, "architecture", i386 ? "i386" : m);
		if (bits != NULL && *bits != '\0') {
			value_dict_setstr(f, "userspace_bits", bits);
			value_dict_setstr(f, "userspace_architecture",
			    strcmp(m, "x86_64") == 0 && strcmp(bits, "32") == 0 ?
			    "i386" : i386 ? "i386" : m);
		}
	}
	if ((s = facts_raw_get(rw->sys, "/etc/machine-id")) != NULL ||
	    (s = facts_raw_get(rw->sys, "/var/lib/dbus/machine-id")) != NULL)
		value_dict_setstr(f, "machine_id", s);
	if ((s = facts_raw_get(rw->kv, "python")) != NULL &&
	    (s = strstr(s, " Python ")) != NULL)
		value_dict_setstr(f, "python_version", s + 8);
}

static const char *
os_family(const char *id)
{
	static const char *const map[][2] = {
		{ "debian", "Debian" }, { "ubuntu", "Debian" },
		{ "raspbian", "Debian" }, { "linuxmint", "Debian" },
		{ "devuan", "Debian" }, { "kali", "Debian" },
		{ "rhel", "RedHat" }, { "centos", "RedHat" },
		{ "fedora", "RedHat" }, { "rocky", "RedHat" },
		{ "almalinux", "RedHat" }, { "alpine", "Alpine" },
		{ "arch", "Archlinux" }, { "opensuse-leap", "Suse" },
		{ "sles", "Suse" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (strcmp(map[i][0], id) == 0)
			return map[i][1];
	return NULL;
}

static void
set_version(struct value *f, const char *v)
{
	size_t		 n = strcspn(v, ".");

	value_dict_setstr(f, "distribution_version", v);
	value_dict_set(f, "distribution_major_version", value_strn(v, n));
	if (v[n] == '.')
		value_dict_set(f, "distribution_minor_version",
		    value_strn(v + n + 1, strcspn(v + n + 1, ".")));
	else
		value_dict_del(f, "distribution_minor_version");
}

static void
parse_distribution(const struct raw *rw, struct value *f)
{
	const char	*id = facts_raw_get(rw->kv, "os_ID"), *s, *fam;
	char		*name;

	if (id == NULL)
		return;
	fam = os_family(id);
	/* Ansible capitalises the distribution: "Debian", "Ubuntu". */
	if (strcmp(id, "rhel") == 0)
		value_dict_setstr(f, "distribution", "RedHat");
	else {
		name = xstrdup(id);
		name[0] = (char)toupper((unsigned char)name[0]);
		value_dict_set(f, "distribution", value_str_take(name));
	}
	value_dict_setstr(f, "os_family", fam != NULL ? fam : id);
	if ((s = facts_raw_get(rw->kv, "os_VERSION_ID")) != NULL)
		set_version(f, s);
	/* Debian's point release is only in /etc/debian_version. */
	if ((s = facts_raw_get(rw->kv, "debian_version")) != NULL &&
	    strcmp(id, "debian") == 0 && isdigit((unsigned char)*s))
		set_version(f, s);
	if ((s = facts_raw_get(rw->kv, "os_VERSION_CODENAME")) != NULL ||
	    (s = facts_raw_get(rw->kv, "os_UBUNTU_CODENAME")) != NULL)
		value_dict_setstr(f, "distribution_release", s);
	value_dict_setstr(f, "distribution_file_path", "/etc/os-release");
	value_dict_setstr(f, "distribution_file_variety",
	    fam != NULL && strcmp(fam, "Debian") == 0 ? "Debian" :
	    facts_raw_get(f, "distribution"));
	value_dict_setbool(f, "distribution_file_parsed", 1);
}

/* --- min ----------------------------------------------------------------- */

static void
parse_user(const struct raw *rw, struct value *f)
{
	static const char *const ids[][2] = {
		{ "user_uid", "user_uid" }, { "user_gid", "user_gid" },
		{ "effective_user_id", "user_uid" },
		{ "effective_group_id", "user_gid" },
		{ "real_user_id", "real_user_id" },
		{ "real_group_id", "real_group_id" },
	};
	const char	*s;
	char		*pw, *field[7], *p;
	int		 n = 0;

	if ((s = facts_raw_get(rw->kv, "user_id")) != NULL)
		value_dict_setstr(f, "user_id", s);
	for (size_t i = 0; i < ARRAY_SIZE(ids); i++)
		if ((s = facts_raw_get(rw->kv, ids[i][1])) != NULL && *s != '\0')
			value_dict_setint(f, ids[i][0], atoll(s));
	/* Older outputs carry $HOME and $SHELL themselves. */
	if ((s = facts_raw_get(rw->kv, "user_dir")) != NULL)
		value_dict_setstr(f, "user_dir", s);
	if ((s = facts_raw_get(rw->kv, "user_shell")) != NULL)
		value_dict_setstr(f, "user_shell", s);
	if ((s = facts_raw_get(rw->kv, "passwd")) == NULL || *s == '\0')
		return;
	pw = xstrdup(s);
	for (p = pw; n < 7; n++) {
		field[n] = p;
		if ((p = strchr(p, ':')) == NULL) {
			n++;
			break;
		}
		*p++ = '\0';
	}
	if (n == 7) {
		value_dict_setstr(f, "user_gecos", field[4]);
		value_dict_setstr(f, "user_dir", field[5]);
		value_dict_setstr(f, "user_shell", field[6]);
	}
	free(pw);
}

/* "a=1 b c=2" (with shlex quoting) as cmdline (last wins) and proc_cmdline. */
static void
parse_cmdline(const struct raw *rw, struct value *f)
{
	const char	*s = facts_raw_get(rw->files, "/proc/cmdline");
	struct value	*cl, *pcl, *old;
	char		**argv = NULL, *cause = NULL, *eq, *k;

	if (s == NULL)
		return;
	if (shell_split(s, &argv, &cause) != 0) {
		free(cause);
		return;
	}
	cl = value_dict();
	pcl = value_dict();
	for (char **a = argv; *a != NULL; a++) {
		struct value *v;

		if ((eq = strchr(*a, '=')) != NULL) {
			k = xstrndup(*a, eq - *a);
			v = value_str(eq + 1);
		} else {
			k = xstrdup(*a);
			v = value_bool(1);
		}
		value_dict_set(cl, k, value_ref(v));
		if ((old = value_dict_get(pcl, k)) == NULL)
			value_dict_set(pcl, k, v);
		else if (old->type == V_LIST)
			value_list_append(old, v);
		else {
			struct value *l = value_list();

			value_list_append(l, value_ref(old));
			value_list_append(l, v);
			value_dict_set(pcl, k, l);
		}
		free(k);
	}
	shell_argv_free(argv);
	value_dict_set(f, "cmdline", cl);
	value_dict_set(f, "proc_cmdline", pcl);
}

static void
parse_date_time(const struct raw *rw, struct value *f)
{
	const char	*s = facts_raw_get(rw->kv, "date"), *dst;
	char		 w[13][64], buf[64];
	struct value	*d;
	struct tm	 tm;
	time_t		 t;
	long		 usec;

	if (s == NULL || sscanf(s, "%63s %63s %63s %63s %63s %63s %63s %63s "
	    "%63s %63s %63s %63s %63s", w[0], w[1], w[2], w[3], w[4], w[5],
	    w[6], w[7], w[8], w[9], w[10], w[11], w[12]) != 13)
		return;
	t = (time_t)atoll(w[0]);
	/* %N is GNU; elsewhere it stays "N" and the micro part is 0. */
	usec = isdigit((unsigned char)w[1][0]) ? atol(w[1]) / 1000 : 0;
	d = value_dict();
	value_dict_set(d, "date", value_strf("%s-%s-%s", w[2], w[3], w[4]));
	value_dict_setstr(d, "day", w[4]);
	value_dict_setstr(d, "epoch", w[0]);
	value_dict_setstr(d, "epoch_int", w[0]);
	value_dict_setstr(d, "hour", w[5]);
	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	value_dict_setstr(d, "iso8601", buf);
	value_dict_set(d, "iso8601_basic", value_strf("%s%s%sT%s%s%s%06ld",
	    w[2], w[3], w[4], w[5], w[6], w[7], usec));
	value_dict_set(d, "iso8601_basic_short", value_strf("%s%s%sT%s%s%s",
	    w[2], w[3], w[4], w[5], w[6], w[7]));
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
	value_dict_set(d, "iso8601_micro", value_strf("%s.%06ldZ", buf, usec));
	value_dict_setstr(d, "minute", w[6]);
	value_dict_setstr(d, "month", w[3]);
	value_dict_setstr(d, "second", w[7]);
	value_dict_set(d, "time", value_strf("%s:%s:%s", w[5], w[6], w[7]));
	value_dict_setstr(d, "tz", w[8]);
	dst = facts_raw_get(rw->kv, "tz_dst");
	value_dict_setstr(d, "tz_dst", dst != NULL && *dst != '\0' ? dst : w[8]);
	value_dict_setstr(d, "tz_offset", w[9]);
	value_dict_setstr(d, "weekday", w[10]);
	value_dict_setstr(d, "weekday_number", w[11]);
	value_dict_setstr(d, "weeknumber", w[12]);
	value_dict_setstr(d, "year", w[2]);
	value_dict_set(f, "date_time", d);
}

static void
parse_env(const struct raw *rw, struct value *f)
{
	struct value	*env;
	char		*copy, *rec, *save, *eq;

	if (rw->env == NULL)
		return;
	env = value_dict();
	copy = xstrdup(rw->env);
	for (rec = strtok_r(copy, "\n", &save); rec != NULL;
	    rec = strtok_r(NULL, "\n", &save)) {
		if ((eq = strchr(rec, '=')) == NULL || eq == rec)
			continue;
		*eq = '\0';
		for (char *p = eq + 1; *p != '\0'; p++)
			if (*p == '\036')
				*p = '\n';
		value_dict_setstr(env, rec, eq + 1);
	}
	free(copy);
	value_dict_set(f, "env", env);
}

static void
parse_dns(const struct raw *rw, struct value *f)
{
	const char	*s = facts_raw_get(rw->files, "/etc/resolv.conf");
	struct value	*dns, *ns = NULL, *search = NULL, *sort = NULL;
	struct value	*opts = NULL;
	char		*copy, *line, *save, *tok, *save2, *key, *eq;

	if (s == NULL)
		return;
	dns = value_dict();
	copy = xstrdup(s);
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (*line == '#' || *line == ';')
			continue;
		if ((key = strtok_r(line, " \t", &save2)) == NULL)
			continue;
		if (strcmp(key, "nameserver") == 0) {
			if ((tok = strtok_r(NULL, " \t", &save2)) == NULL)
				continue;
			if (ns == NULL)
				ns = value_list();
			value_list_append(ns, value_str(tok));
		} else if (strcmp(key, "domain") == 0) {
			if ((tok = strtok_r(NULL, " \t", &save2)) != NULL)
				value_dict_setstr(dns, "domain", tok);
		} else if (strcmp(key, "search") == 0 ||
		    strcmp(key, "sortlist") == 0) {
			struct value *l = value_list();

			while ((tok = strtok_r(NULL, " \t", &save2)) != NULL)
				value_list_append(l, value_str(tok));
			if (key[1] == 'e') {
				value_unref(search);
				search = l;
			} else {
				value_unref(sort);
				sort = l;
			}
		} else if (strcmp(key, "options") == 0) {
			if (opts == NULL)
				opts = value_dict();
			while ((tok = strtok_r(NULL, " \t", &save2)) != NULL) {
				if ((eq = strchr(tok, ':')) != NULL) {
					*eq = '\0';
					value_dict_setstr(opts, tok, eq + 1);
				} else
					value_dict_setbool(opts, tok, 1);
			}
		}
	}
	free(copy);
	if (ns != NULL)
		value_dict_set(dns, "nameservers", ns);
	if (search != NULL)
		value_dict_set(dns, "search", search);
	if (sort != NULL)
		value_dict_set(dns, "sortlist", sort);
	if (opts != NULL)
		value_dict_set(dns, "options", opts);
	value_dict_set(f, "dns", dns);
}

/* "KEY=value" lines of a config file (selinux), the value of key or NULL. */
static char *
conf_value(const char *text, const char *key)
{
	size_t		 n = strlen(key);
	const char	*p = text;

	for (; p != NULL && *p != '\0'; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (strncmp(p, key, n) == 0 && p[n] == '=')
			return xstrndup(p + n + 1, strcspn(p + n + 1, "\n"));
	return NULL;
}

static void
parse_security(const struct raw *rw, struct value *f)
{
	struct value	*d = value_dict();
	const char	*s, *conf;
	char		*c;

	value_dict_setstr(d, "status",
	    facts_raw_get(rw->kv, "apparmor") != NULL ? "enabled" : "disabled");
	value_dict_set(f, "apparmor", d);
	d = value_dict();
	if ((s = facts_raw_get(rw->sys, "/sys/fs/selinux/enforce")) == NULL) {
		value_dict_setstr(d, "status", "disabled");
		value_dict_set(f, "selinux", d);
	} else {
		value_dict_setstr(d, "status", "enabled");
		value_dict_setstr(d, "mode", strcmp(s, "1") == 0 ?
		    "enforcing" : "permissive");
		if ((s = facts_raw_get(rw->sys, "/sys/fs/selinux/policyvers")) != NULL)
			value_dict_setint(d, "policyvers", atoll(s));
		if ((conf = facts_raw_get(rw->files, "/etc/selinux/config")) != NULL) {
			if ((c = conf_value(conf, "SELINUX")) != NULL)
				value_dict_set(d, "config_mode",
				    value_str_take(c));
			if ((c = conf_value(conf, "SELINUXTYPE")) != NULL)
				value_dict_set(d, "type", value_str_take(c));
		}
		value_dict_set(f, "selinux", d);
	}
	s = facts_raw_get(rw->sys, "/proc/sys/crypto/fips_enabled");
	value_dict_setbool(f, "fips", s != NULL && strcmp(s, "1") == 0);
}

static void
parse_lsb(const struct raw *rw, struct value *f)
{
	static const char *const map[][3] = {
		/* lsb_release -a, /etc/lsb-release, fact */
		{ "Distributor ID", "DISTRIB_ID", "id" },
		{ "Description", "DISTRIB_DESCRIPTION", "description" },
		{ "Release", "DISTRIB_RELEASE", "release" },
		{ "Codename", "DISTRIB_CODENAME", "codename" },
	};
	const char	*text = rw->lsb, *file = NULL, *rel;
	struct value	*d = value_dict();
	char		*copy, *line, *save, *sep, *v;

	if (text == NULL)
		text = file = facts_raw_get(rw->files, "/etc/lsb-release");
	copy = xstrdup(text != NULL ? text : "");
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if ((sep = strchr(line, file != NULL ? '=' : ':')) == NULL)
			continue;
		*sep = '\0';
		v = str_trim(sep + 1);
		if (file != NULL && *v == '"' && v[strlen(v) - 1] == '"' &&
		    strlen(v) > 1) {
			v[strlen(v) - 1] = '\0';
			v++;
		}
		for (size_t i = 0; i < ARRAY_SIZE(map); i++)
			if (strcmp(str_trim(line), map[i][file != NULL]) == 0)
				value_dict_setstr(d, map[i][2], v);
	}
	free(copy);
	if ((rel = facts_raw_get(d, "release")) != NULL)
		value_dict_set(d, "major_release",
		    value_strn(rel, strcspn(rel, ".")));
	value_dict_set(f, "lsb", d);
}

static void
parse_python(const struct raw *rw, struct value *f)
{
	const char	*s = facts_raw_get(rw->kv, "python"), *ver;
	struct value	*py, *v, *vi;
	int		 maj = 0, min = 0, mic = 0;

	if (s == NULL || (ver = strstr(s, " Python ")) == NULL)
		return;
	sscanf(ver + 8, "%d.%d.%d", &maj, &min, &mic);
	py = value_dict();
	value_dict_set(py, "executable", value_strn(s, ver - s));
	value_dict_setbool(py, "has_sslcontext", 1);
	value_dict_setstr(py, "type", "cpython");
	v = value_dict();
	value_dict_setint(v, "major", maj);
	value_dict_setint(v, "micro", mic);
	value_dict_setint(v, "minor", min);
	value_dict_setstr(v, "releaselevel", "final");
	value_dict_setint(v, "serial", 0);
	value_dict_set(py, "version", v);
	vi = value_list();
	value_list_append(vi, value_int(maj));
	value_list_append(vi, value_int(min));
	value_list_append(vi, value_int(mic));
	value_list_append(vi, value_str("final"));
	value_list_append(vi, value_int(0));
	value_dict_set(py, "version_info", vi);
	value_dict_set(f, "python", py);
}

static void
parse_ssh_keys(const struct raw *rw, struct value *f)
{
	for (size_t i = 0; i < rw->sys->u.dict.n; i++) {
		const char	*p = rw->sys->u.dict.keys[i], *b, *sp;
		const char	*line = rw->sys->u.dict.vals[i]->u.str.s;
		char		*alg, *k;

		if (!str_startswith(p, "/etc/ssh/ssh_host_") ||
		    !str_endswith(p, "_key.pub"))
			continue;
		b = p + strlen("/etc/ssh/ssh_host_");
		alg = xstrndup(b, strlen(b) - strlen("_key.pub"));
		if ((sp = strchr(line, ' ')) != NULL) {
			k = xasprintf("ssh_host_key_%s_public", alg);
			value_dict_set(f, k, value_strn(sp + 1,
			    strcspn(sp + 1, " ")));
			free(k);
			k = xasprintf("ssh_host_key_%s_public_keytype", alg);
			value_dict_set(f, k, value_strn(line, sp - line));
			free(k);
		}
		free(alg);
	}
}

/* INI text as {section: {key: value}}, or NULL when it is not INI. */
static struct value *
ini_parse(const char *text)
{
	struct value	*d = value_dict(), *sec = NULL;
	char		*copy = xstrdup(text), *line, *save, *sep, *k;
	int		 ok = 1;

	for (line = strtok_r(copy, "\n", &save); line != NULL && ok;
	    line = strtok_r(NULL, "\n", &save)) {
		line = str_trim(line);
		if (*line == '\0' || *line == '#' || *line == ';')
			continue;
		if (*line == '[' && line[strlen(line) - 1] == ']') {
			line[strlen(line) - 1] = '\0';
			sec = value_dict();
			value_dict_set(d, line + 1, sec);
			continue;
		}
		sep = line + strcspn(line, "=:");
		if (sec == NULL || *sep == '\0') {
			ok = 0;
			break;
		}
		*sep = '\0';
		/* Python's configparser folds option names to lower case. */
		k = xstrdup(str_trim(line));
		for (char *p = k; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
		value_dict_setstr(sec, k, str_trim(sep + 1));
		free(k);
	}
	free(copy);
	if (!ok || d->u.dict.n == 0) {
		value_unref(d);
		return NULL;
	}
	return d;
}

static void
parse_local(const struct raw *rw, struct value *f)
{
	struct value	*local = value_dict(), *v;
	char		*name, *cause = NULL;

	for (size_t i = 0; i < rw->local->u.dict.n; i++) {
		const char *path = rw->local->u.dict.keys[i];
		const struct value *text = rw->local->u.dict.vals[i];
		const char *b = facts_base_name(path);

		name = xstrndup(b, str_endswith(b, ".fact") ?
		    strlen(b) - 5 : strlen(b));
		v = value_from_json(text->u.str.s, text->u.str.len, &cause);
		free(cause);
		cause = NULL;
		if (v == NULL)
			v = ini_parse(text->u.str.s);
		if (v == NULL)
			v = value_strf("error loading facts as JSON or ini - "
			    "please check content: %s", path);
		value_dict_set(local, name, v);
		free(name);
	}
	value_dict_set(f, "local", local);
}

/* capsh's "Current:" line, as Ansible reads it; "N/A" without capsh. */
static void
parse_caps(const struct raw *rw, struct value *f)
{
	const char	*s = facts_raw_get(rw->kv, "capsh"), *eq;
	struct value	*l;
	char		*copy, *tok, *save;

	if (s == NULL) {
		value_dict_setstr(f, "system_capabilities", "N/A");
		value_dict_setstr(f, "system_capabilities_enforced", "N/A");
		return;
	}
	while (*s == ' ')
		s++;
	l = value_list();
	if (strcmp(s, "=ep") != 0 && (eq = strchr(s, '=')) != NULL) {
		copy = xstrdup(eq + 1);
		for (tok = strtok_r(copy, ",", &save); tok != NULL;
		    tok = strtok_r(NULL, ",", &save))
			value_list_append(l, value_str(str_trim(tok)));
		free(copy);
	}
	value_dict_set(f, "system_capabilities", l);
	value_dict_setstr(f, "system_capabilities_enforced",
	    strcmp(s, "=ep") == 0 ? "False" : "True");
}

static void
parse_min(const struct raw *rw, struct value *f)
{
	const char *s;

	parse_user(rw, f);
	parse_cmdline(rw, f);
	parse_date_time(rw, f);
	parse_env(rw, f);
	parse_dns(rw, f);
	parse_security(rw, f);
	parse_lsb(rw, f);
	parse_python(rw, f);
	parse_ssh_keys(rw, f);
	parse_local(rw, f);
	parse_caps(rw, f);
	if ((s = facts_raw_get(rw->kv, "service_mgr")) != NULL)
		value_dict_setstr(f, "service_mgr", s);
	if ((s = facts_raw_get(rw->kv, "pkg_mgr")) != NULL)
		value_dict_setstr(f, "pkg_mgr", s);
}

/* --- entry --------------------------------------------------------------- */

struct value *
facts_parse_subsets(const char *out, unsigned mask)
{
	struct value	*f = value_dict();
	struct raw	 rw;

	raw_parse(&rw, out);
	/* platform and distribution come with each of these, as in Ansible */
	if (mask & (FACTS_MIN | FACTS_HARDWARE | FACTS_NETWORK)) {
		parse_platform(&rw, f);
		parse_distribution(&rw, f);
	}
	if (mask & FACTS_MIN)
		parse_min(&rw, f);
	if (mask & FACTS_HARDWARE)
		facts_parse_hardware(&rw, f);
	if (mask & FACTS_NETWORK)
		facts_parse_network(&rw, f);
	if ((mask & FACTS_VIRTUAL) && (facts_raw_get(rw.kv, "container") != NULL ||
	    facts_raw_get(rw.kv, "hostmods") != NULL))
		facts_parse_virtual(&rw, f);
	if ((mask & FACTS_OTHER) && facts_raw_get(rw.kv, "root_ino") != NULL)
		facts_parse_other(&rw, f);
	raw_release(&rw);
	return f;
}

struct value *
facts_parse(const char *out)
{
	return facts_parse_subsets(out, FACTS_ALL);
}
