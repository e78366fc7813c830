/*
 * The gather script's output to Ansible's facts: pure, no host, so every
 * decision about names and shapes is unit-tested on captured outputs.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "facts.h"
#include "shell.h"

#define FACTS_MARK	"@@cairn-facts@@ "

/* The script's sections, each a dict of path (or key) to text. */
struct raw {
	struct value	*kv;		/* key=value lines */
	struct value	*files;		/* file PATH: content */
	struct value	*sys;		/* PATH<TAB>first line */
	struct value	*links;		/* PATH<TAB>link target */
	struct value	*statfs;	/* MOUNT<TAB>numbers */
	struct value	*local;		/* local PATH: content */
	char		*env;		/* NUL-free records, \036 for newline */
	char		*lsb;		/* lsb_release -a */
};

static const char *
raw_get(const struct value *d, const char *key)
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
static const char *
base_name(const char *p)
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

/* --- platform and distribution (in min, hardware and network) ---------- */

static void
parse_platform(const struct raw *rw, struct value *f)
{
	const char	*s, *m;
	char		*shortname;

	if ((s = raw_get(rw->kv, "hostname")) != NULL) {
		shortname = xstrndup(s, strcspn(s, "."));
		value_dict_set(f, "hostname", value_str_take(shortname));
	}
	if ((s = raw_get(rw->kv, "nodename")) != NULL)
		value_dict_setstr(f, "nodename", s);
	if ((s = raw_get(rw->kv, "fqdn")) != NULL) {
		const char *dot = strchr(s, '.');

		value_dict_setstr(f, "fqdn", s);
		value_dict_setstr(f, "domain", dot != NULL ? dot + 1 : "");
	}
	if ((s = raw_get(rw->kv, "system")) != NULL)
		value_dict_setstr(f, "system", s);
	if ((s = raw_get(rw->kv, "kernel")) != NULL)
		value_dict_setstr(f, "kernel", s);
	if ((s = raw_get(rw->kv, "kernel_version")) != NULL)
		value_dict_setstr(f, "kernel_version", s);
	if ((m = raw_get(rw->kv, "machine")) != NULL) {
		const char *bits = raw_get(rw->kv, "userspace_bits");
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
	if ((s = raw_get(rw->sys, "/etc/machine-id")) != NULL ||
	    (s = raw_get(rw->sys, "/var/lib/dbus/machine-id")) != NULL)
		value_dict_setstr(f, "machine_id", s);
	if ((s = raw_get(rw->kv, "python")) != NULL &&
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
	const char	*id = raw_get(rw->kv, "os_ID"), *s, *fam;
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
	if ((s = raw_get(rw->kv, "os_VERSION_ID")) != NULL)
		set_version(f, s);
	/* Debian's point release is only in /etc/debian_version. */
	if ((s = raw_get(rw->kv, "debian_version")) != NULL &&
	    strcmp(id, "debian") == 0 && isdigit((unsigned char)*s))
		set_version(f, s);
	if ((s = raw_get(rw->kv, "os_VERSION_CODENAME")) != NULL ||
	    (s = raw_get(rw->kv, "os_UBUNTU_CODENAME")) != NULL)
		value_dict_setstr(f, "distribution_release", s);
	value_dict_setstr(f, "distribution_file_path", "/etc/os-release");
	value_dict_setstr(f, "distribution_file_variety",
	    fam != NULL && strcmp(fam, "Debian") == 0 ? "Debian" :
	    raw_get(f, "distribution"));
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

	if ((s = raw_get(rw->kv, "user_id")) != NULL)
		value_dict_setstr(f, "user_id", s);
	for (size_t i = 0; i < ARRAY_SIZE(ids); i++)
		if ((s = raw_get(rw->kv, ids[i][1])) != NULL && *s != '\0')
			value_dict_setint(f, ids[i][0], atoll(s));
	/* Older outputs carry $HOME and $SHELL themselves. */
	if ((s = raw_get(rw->kv, "user_dir")) != NULL)
		value_dict_setstr(f, "user_dir", s);
	if ((s = raw_get(rw->kv, "user_shell")) != NULL)
		value_dict_setstr(f, "user_shell", s);
	if ((s = raw_get(rw->kv, "passwd")) == NULL || *s == '\0')
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
	const char	*s = raw_get(rw->files, "/proc/cmdline");
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
	const char	*s = raw_get(rw->kv, "date"), *dst;
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
	dst = raw_get(rw->kv, "tz_dst");
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
	const char	*s = raw_get(rw->files, "/etc/resolv.conf");
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
	    raw_get(rw->kv, "apparmor") != NULL ? "enabled" : "disabled");
	value_dict_set(f, "apparmor", d);
	d = value_dict();
	if ((s = raw_get(rw->sys, "/sys/fs/selinux/enforce")) == NULL) {
		value_dict_setstr(d, "status", "disabled");
		value_dict_set(f, "selinux", d);
	} else {
		value_dict_setstr(d, "status", "enabled");
		value_dict_setstr(d, "mode", strcmp(s, "1") == 0 ?
		    "enforcing" : "permissive");
		if ((s = raw_get(rw->sys, "/sys/fs/selinux/policyvers")) != NULL)
			value_dict_setint(d, "policyvers", atoll(s));
		if ((conf = raw_get(rw->files, "/etc/selinux/config")) != NULL) {
			if ((c = conf_value(conf, "SELINUX")) != NULL)
				value_dict_set(d, "config_mode",
				    value_str_take(c));
			if ((c = conf_value(conf, "SELINUXTYPE")) != NULL)
				value_dict_set(d, "type", value_str_take(c));
		}
		value_dict_set(f, "selinux", d);
	}
	s = raw_get(rw->sys, "/proc/sys/crypto/fips_enabled");
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
		text = file = raw_get(rw->files, "/etc/lsb-release");
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
	if ((rel = raw_get(d, "release")) != NULL)
		value_dict_set(d, "major_release",
		    value_strn(rel, strcspn(rel, ".")));
	value_dict_set(f, "lsb", d);
}

static void
parse_python(const struct raw *rw, struct value *f)
{
	const char	*s = raw_get(rw->kv, "python"), *ver;
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
		const char *b = base_name(path);

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
	const char	*s = raw_get(rw->kv, "capsh"), *eq;
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
	if ((s = raw_get(rw->kv, "service_mgr")) != NULL)
		value_dict_setstr(f, "service_mgr", s);
	if ((s = raw_get(rw->kv, "pkg_mgr")) != NULL)
		value_dict_setstr(f, "pkg_mgr", s);
}

/* --- hardware ------------------------------------------------------------ */

static void
parse_memory(const struct raw *rw, struct value *f)
{
	const char	*s = raw_get(rw->files, "/proc/meminfo");
	struct value	*m, *d;
	long long	 total = -1, free_ = 0, buffers = 0, cached = 0;
	long long	 stotal = 0, sfree = 0, scached = 0, kb;
	char		 key[64];

	if (s == NULL) {
		/* An output of the first gatherer: MemTotal only. */
		if ((s = raw_get(rw->kv, "memtotal_kb")) != NULL && *s != '\0')
			value_dict_setint(f, "memtotal_mb", atoll(s) / 1024);
		return;
	}
	for (; s != NULL && *s != '\0'; s = strchr(s, '\n'), s = s ? s + 1 : s) {
		if (sscanf(s, "%63[^:]: %lld", key, &kb) != 2)
			continue;
		/* Ansible divides each field before adding them. */
		kb /= 1024;
		if (strcmp(key, "MemTotal") == 0)
			total = kb;
		else if (strcmp(key, "MemFree") == 0)
			free_ = kb;
		else if (strcmp(key, "Buffers") == 0)
			buffers = kb;
		else if (strcmp(key, "Cached") == 0)
			cached = kb;
		else if (strcmp(key, "SwapTotal") == 0)
			stotal = kb;
		else if (strcmp(key, "SwapFree") == 0)
			sfree = kb;
		else if (strcmp(key, "SwapCached") == 0)
			scached = kb;
	}
	if (total < 0)
		return;
	value_dict_setint(f, "memtotal_mb", total);
	value_dict_setint(f, "memfree_mb", free_);
	value_dict_setint(f, "swaptotal_mb", stotal);
	value_dict_setint(f, "swapfree_mb", sfree);
	m = value_dict();
	d = value_dict();
	value_dict_setint(d, "free", free_ + buffers + cached);
	value_dict_setint(d, "used", total - free_ - buffers - cached);
	value_dict_set(m, "nocache", d);
	d = value_dict();
	value_dict_setint(d, "free", free_);
	value_dict_setint(d, "total", total);
	value_dict_setint(d, "used", total - free_);
	value_dict_set(m, "real", d);
	d = value_dict();
	value_dict_setint(d, "cached", scached);
	value_dict_setint(d, "free", sfree);
	value_dict_setint(d, "total", stotal);
	value_dict_setint(d, "used", stotal - sfree);
	value_dict_set(m, "swap", d);
	value_dict_set(f, "memory_mb", m);
}

/* Ansible's Linux processor facts, socket and core counting included. */
static void
parse_cpu(const struct raw *rw, struct value *f)
{
	const char	*s = raw_get(rw->files, "/proc/cpuinfo");
	const char	*np = raw_get(rw->kv, "nproc");
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
			const char *dev = base_name(
			    rw->links->u.dict.vals[i]->u.str.s);

			if (!str_startswith(p, kinds[j][0]) || *dev == '\0')
				continue;
			if ((l = value_dict_get(k, dev)) == NULL) {
				l = value_list();
				value_dict_set(k, dev, l);
			}
			value_list_append(l, value_str(base_name(p)));
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

static const char *
sysf(const struct raw *rw, const char *dir, const char *file, char **tmp)
{
	free(*tmp);
	*tmp = xasprintf("%s/%s", dir, file);
	return raw_get(rw->sys, *tmp);
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
		name = base_name(dir);
		d = value_dict();
		value_dict_set(d, "holders",
		    word_list(sysf(rw, dir, "holders", &tmp)));
		value_dict_setstr(d, "host", "");
		value_dict_set(d, "links", dev_links(links, name));
		value_dict_set(d, "model",
		    str_or_null(sysf(rw, dir, "device/model", &tmp)));
		parts = value_dict();
		for (size_t j = 0; j < rw->sys->u.dict.n; j++) {
			const char *pk = rw->sys->u.dict.keys[j], *pname;
			char *pdir;

			if (!str_startswith(pk, dir) || pk[strlen(dir)] != '/' ||
			    !str_endswith(pk, "/start"))
				continue;
			pdir = xstrndup(pk, strlen(pk) - strlen("/start"));
			pname = base_name(pdir);
			p = value_dict();
			value_dict_set(p, "holders",
			    word_list(sysf(rw, pdir, "holders", &tmp)));
			value_dict_set(p, "links", dev_links(links, pname));
			s = sysf(rw, pdir, "size", &tmp);
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
		s = sysf(rw, dir, "removable", &tmp);
		value_dict_setstr(d, "removable", s != NULL ? s : "0");
		s = sysf(rw, dir, "queue/rotational", &tmp);
		value_dict_setstr(d, "rotational", s != NULL ? s : "0");
		value_dict_set(d, "sas_address", value_null());
		value_dict_set(d, "sas_device_handle", value_null());
		s = sysf(rw, dir, "queue/scheduler", &tmp);
		if (s != NULL && (ss = strchr(s, '[')) != NULL)
			sched = xstrndup(ss + 1, strcspn(ss + 1, "]"));
		else
			sched = xstrdup(s != NULL ? s : "");
		value_dict_set(d, "scheduler_mode", value_str_take(sched));
		s = xstrdup(sysf(rw, dir, "size", &tmp) ?
		    sysf(rw, dir, "size", &tmp) : "0");
		if ((sec = sysf(rw, dir, "queue/logical_block_size", &tmp)) ==
		    NULL)
			sec = sysf(rw, dir, "queue/hw_sector_size", &tmp);
		sec = sec != NULL ? sec : "512";
		value_dict_setstr(d, "sectors", s);
		value_dict_setstr(d, "sectorsize", sec);
		/* Ansible counts 512-byte sectors whatever the block size */
		human = facts_human_size(strtoull(s, NULL, 10) * 512);
		value_dict_set(d, "size", value_str_take(human));
		free((char *)s);
		s = sysf(rw, dir, "queue/discard_granularity", &tmp);
		value_dict_setstr(d, "support_discard", s != NULL ? s : "0");
		value_dict_set(d, "vendor",
		    str_or_null(sysf(rw, dir, "device/vendor", &tmp)));
		if ((s = sysf(rw, dir, "device/serial", &tmp)) != NULL &&
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
	const char	*s = raw_get(rw->files, "/proc/mounts");
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
		if ((st = raw_get(rw->statfs, mnt)) != NULL &&
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
			if (strcmp(uuids->u.dict.keys[i], base_name(dev)) == 0 &&
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
		s = raw_get(rw->sys, p);
		value_dict_setstr(f, fields[i][0], s != NULL && *s != '\0' ?
		    s : "NA");
		free(p);
	}
	s = raw_get(rw->sys, "/sys/class/dmi/id/chassis_type");
	t = s != NULL ? atol(s) : -1;
	value_dict_setstr(f, "form_factor", t >= 0 &&
	    (size_t)t < ARRAY_SIZE(forms) ? forms[t] : "NA");
}

static void
parse_hardware(const struct raw *rw, struct value *f)
{
	const char *s;

	parse_memory(rw, f);
	parse_cpu(rw, f);
	if ((s = raw_get(rw->files, "/proc/uptime")) != NULL)
		value_dict_setint(f, "uptime_seconds", (long long)atof(s));
	parse_devices(rw, f);
	parse_mounts(rw, f);
	parse_dmi(rw, f);
	value_dict_setstr(f, "lvm", "N/A");
}

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
	const char	*s = raw_get(rw->files, "/proc/net/route");
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
	const char	*s = raw_get(rw->files, "/proc/net/fib_trie");
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
	const char	*s = raw_get(rw->files, "/proc/net/if_inet6");
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

	if ((s = sysf(rw, dir, "flags", &tmp)) != NULL)
		flags = strtoul(s, NULL, 0);
	value_dict_setbool(d, "active", (flags & 0x1) != 0);
	value_dict_setstr(d, "device", name);
	if ((s = sysf(rw, dir, "address", &tmp)) != NULL && *s != '\0' &&
	    strcmp(s, "00:00:00:00:00:00") != 0)
		value_dict_setstr(d, "macaddress", s);
	if ((s = sysf(rw, dir, "device/driver/module", &tmp)) != NULL &&
	    *s != '\0')
		value_dict_setstr(d, "module", base_name(s));
	if ((s = sysf(rw, dir, "mtu", &tmp)) != NULL && *s != '\0')
		value_dict_setint(d, "mtu", atoll(s));
	if ((s = sysf(rw, dir, "device", &tmp)) != NULL && *s != '\0')
		value_dict_setstr(d, "pciid", base_name(s));
	value_dict_setbool(d, "promisc", (flags & 0x100) != 0);
	if ((s = sysf(rw, dir, "speed", &tmp)) != NULL && *s != '\0')
		value_dict_setint(d, "speed", atoll(s));
	if ((s = sysf(rw, dir, "type", &tmp)) != NULL)
		t = atol(s);
	if (t == 772)
		type = "loopback";
	else if (sysf(rw, dir, "bridge", &tmp) != NULL)
		type = "bridge";
	else if (sysf(rw, dir, "bonding", &tmp) != NULL)
		type = "bonding";
	else if (t == 1)
		type = "ether";
	else if (t == 512)
		type = "ppp";
	value_dict_setstr(d, "type", type);
	free(tmp);
	return d;
}

static struct value *
default_ipv4(const struct raw *rw, const struct value *ifs)
{
	struct route4	*rt;
	size_t		 nrt = routes4(rw, &rt), best = (size_t)-1;
	struct value	*d = value_dict(), *ifd, *ip, *sec;
	static const char *const keys[] = { "macaddress", "mtu", "type" };

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

		if (inet_pton(AF_INET, raw_get(c, "address"), &a) == 1 &&
		    inet_pton(AF_INET, raw_get(c, "netmask"), &m) == 1 &&
		    (a.s_addr & m.s_addr) == (rt[best].gw & m.s_addr))
			ip = sec->u.list.items[i];
	}
	value_dict_set(d, "address", value_ref(value_dict_get(ip, "address")));
	value_dict_setstr(d, "alias", rt[best].dev);
	value_dict_set(d, "broadcast",
	    value_ref(value_dict_get(ip, "broadcast")));
	value_dict_set(d, "gateway", value_str_take(ip4_str(rt[best].gw)));
	value_dict_setstr(d, "interface", rt[best].dev);
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		struct value *v = value_dict_get(ifd, keys[i]);

		if (v != NULL)
			value_dict_set(d, keys[i], value_ref(v));
	}
	value_dict_set(d, "netmask", value_ref(value_dict_get(ip, "netmask")));
	value_dict_set(d, "network", value_ref(value_dict_get(ip, "network")));
	value_dict_set(d, "prefix", value_ref(value_dict_get(ip, "prefix")));
	/* keep Ansible's key order: type last */
	if ((ip = value_dict_get(d, "type")) != NULL) {
		value_ref(ip);
		value_dict_del(d, "type");
		value_dict_set(d, "type", ip);
	}
	free(rt);
	return d;
}

static struct value *
default_ipv6(const struct raw *rw, const struct value *ifs)
{
	const char	*s = raw_get(rw->files, "/proc/net/ipv6_route");
	struct value	*d = value_dict(), *ifd, *l, *ip = NULL;
	char		 dst[64], hop[64], dev[64], bdev[64] = "", *gw = NULL;
	unsigned	 dlen, metric, flags, bmetric = 0;
	static const char *const keys[] = { "macaddress", "mtu" };

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
		if (strcmp(raw_get(l->u.list.items[i], "scope"), "global") == 0)
			ip = l->u.list.items[i];
	if (ip == NULL) {
		free(gw);
		return d;
	}
	value_dict_set(d, "address", value_ref(value_dict_get(ip, "address")));
	value_dict_set(d, "gateway", value_str_take(gw));
	value_dict_setstr(d, "interface", bdev);
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		struct value *v = value_dict_get(ifd, keys[i]);

		if (v != NULL)
			value_dict_set(d, keys[i], value_ref(v));
	}
	value_dict_set(d, "prefix", value_ref(value_dict_get(ip, "prefix")));
	value_dict_set(d, "scope", value_ref(value_dict_get(ip, "scope")));
	value_dict_set(d, "type", value_ref(value_dict_get(ifd, "type")));
	return d;
}

static void
parse_network(const struct raw *rw, struct value *f)
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
		name = base_name(dir);
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

static void
parse_virtual(const struct raw *rw, struct value *f)
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

	cg = raw_get(rw->files, "/proc/1/cgroup");
	if (cg != NULL && strstr(cg, "/docker") != NULL) {
		add_tech(guest, "docker");
		type = "docker";
	}
	if (cg != NULL && strstr(cg, "/lxc/") != NULL) {
		add_tech(guest, "lxc");
		if (type == NULL)
			type = "lxc";
	}
	if ((s = raw_get(rw->kv, "container")) != NULL && *s != '\0') {
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
	if ((s = raw_get(rw->sys, "/run/systemd/container")) != NULL &&
	    *s != '\0') {
		add_tech(guest, s);
		add_tech(guest, "container");
		if (type == NULL)
			type = s;
	}
	if (raw_get(rw->kv, "dockerenv") != NULL) {
		add_tech(guest, "docker");
		add_tech(guest, "container");
		if (type == NULL)
			type = "docker";
	}
	if (guest->u.list.n > 0)
		add_tech(guest, "container");
	if (raw_get(rw->kv, "containerenv") != NULL) {
		add_tech(guest, "podman");
		add_tech(guest, "container");
		if (type == NULL)
			type = "podman";
	}
	if (raw_get(rw->kv, "openvz") != NULL) {
		add_tech(guest, "openvz");
		if (type == NULL)
			type = "openvz";
	}
	for (size_t i = 0; i < ARRAY_SIZE(dmif); i++) {
		if ((s = raw_get(rw->sys, dmif[i])) == NULL)
			continue;
		for (size_t j = 0; j < ARRAY_SIZE(dmi); j++) {
			if (strstr(s, dmi[j][0]) == NULL)
				continue;
			add_tech(guest, dmi[j][1]);
			if (type == NULL)
				type = dmi[j][1];
		}
	}
	if ((s = raw_get(rw->sys, "/sys/hypervisor/type")) != NULL &&
	    strcmp(s, "xen") == 0) {
		add_tech(guest, "xen");
		if (type == NULL)
			type = "xen";
	}
	if (type != NULL)
		role = "guest";
	if ((s = raw_get(rw->kv, "hostmods")) != NULL) {
		if (strstr(s, "kvm") != NULL)
			add_tech(host, "kvm");
		if (strstr(s, "vboxdrv") != NULL)
			add_tech(host, "virtualbox");
	}
	if (raw_get(rw->kv, "devkvm") != NULL)
		add_tech(host, "kvm");
	if (type == NULL && host->u.list.n > 0) {
		type = host->u.list.items[0]->u.str.s;
		role = "host";
	}
	qsort(guest->u.list.items, guest->u.list.n, sizeof (struct value *),
	    cmp_str);
	qsort(host->u.list.items, host->u.list.n, sizeof (struct value *),
	    cmp_str);
	value_dict_setstr(f, "virtualization_role", role ? role : "NA");
	value_dict_set(f, "virtualization_tech_guest", guest);
	value_dict_set(f, "virtualization_tech_host", host);
	value_dict_setstr(f, "virtualization_type", type ? type : "NA");
}

static void
parse_other(const struct raw *rw, struct value *f)
{
	const char	*s, *a, *b;
	struct value	*d, *wwn = value_list();
	double		 l1, l5, l15;

	if ((s = raw_get(rw->files, "/proc/loadavg")) != NULL &&
	    sscanf(s, "%lf %lf %lf", &l1, &l5, &l15) == 3) {
		d = value_dict();
		value_dict_set(d, "15m", value_float(l15));
		value_dict_set(d, "1m", value_float(l1));
		value_dict_set(d, "5m", value_float(l5));
		value_dict_set(f, "loadavg", d);
	}
	a = raw_get(rw->kv, "root_ino");
	b = raw_get(rw->kv, "init_root_ino");
	value_dict_setbool(f, "is_chroot", a != NULL && b != NULL && *a &&
	    *b && strcmp(a, b) != 0);
	s = raw_get(rw->sys, "/etc/iscsi/initiatorname.iscsi");
	value_dict_setstr(f, "iscsi_iqn", s != NULL &&
	    str_startswith(s, "InitiatorName=") ? s + 14 : "");
	s = raw_get(rw->sys, "/etc/nvme/hostnqn");
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
		parse_hardware(&rw, f);
	if (mask & FACTS_NETWORK)
		parse_network(&rw, f);
	if ((mask & FACTS_VIRTUAL) && (raw_get(rw.kv, "container") != NULL ||
	    raw_get(rw.kv, "hostmods") != NULL))
		parse_virtual(&rw, f);
	if ((mask & FACTS_OTHER) && raw_get(rw.kv, "root_ino") != NULL)
		parse_other(&rw, f);
	raw_release(&rw);
	return f;
}

struct value *
facts_parse(const char *out)
{
	return facts_parse_subsets(out, FACTS_ALL);
}
