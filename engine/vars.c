/* Variable scopes for template evaluation, and the minimal fact gatherer. */
#include <stdlib.h>
#include <string.h>

#include "vars.h"

static struct value *
scope_lookup_cb(void *ud, const char *name)
{
	return scope_lookup(ud, name);
}

/* Every name a layer defines (the varnames lookup), duplicates and all. */
static struct value *
scope_names_cb(void *ud)
{
	struct scope	*s = ud;
	struct value	*l = value_list();

	for (size_t i = 0; i < s->nlayers; i++)
		if (s->layers[i]->type == V_DICT)
			for (size_t k = 0; k < s->layers[i]->u.dict.n; k++)
				value_list_append(l,
				    value_str(s->layers[i]->u.dict.keys[k]));
	return l;
}

void
scope_init(struct scope *s, struct value *facts,
    struct value *(*magic)(void *, const char *), void *magic_ud)
{
	memset(s, 0, sizeof *s);
	s->es.lookup = scope_lookup_cb;
	s->es.names = scope_names_cb;
	s->es.ud = s;
	s->facts = facts;
	s->magic = magic;
	s->magic_ud = magic_ud;
}

void
scope_push(struct scope *s, struct value *layer)
{
	if (layer == NULL)
		return;
	if (s->nlayers == SCOPE_MAX_LAYERS)
		fatal("too many variable layers");
	s->layers[s->nlayers++] = layer;
}

struct value *
scope_lookup(struct scope *s, const char *name)
{
	struct value	*v;
	size_t		 i;

	for (i = 0; i < s->nlayers; i++) {
		if ((v = value_dict_get(s->layers[i], name)) != NULL)
			return value_ref(v);
	}
	if (s->facts != NULL) {
		if (strcmp(name, "ansible_facts") == 0)
			return value_ref(s->facts);
		if (str_startswith(name, "ansible_") &&
		    (v = value_dict_get(s->facts, name + 8)) != NULL)
			return value_ref(v);
	}
	return s->magic != NULL ? s->magic(s->magic_ud, name) : NULL;
}

/*
 * One round trip: each line is "key=value".  Only POSIX tools and files
 * every Linux has; a missing one leaves its fact out rather than failing.
 */
const char *
facts_command(void)
{
	return
	    "echo \"hostname=$(hostname 2>/dev/null || uname -n)\"; "
	    "echo \"fqdn=$(hostname -f 2>/dev/null || uname -n)\"; "
	    "echo \"nodename=$(uname -n)\"; "
	    "echo \"system=$(uname -s)\"; "
	    "echo \"kernel=$(uname -r)\"; "
	    "echo \"machine=$(uname -m)\"; "
	    "echo \"user_id=$(id -un)\"; "
	    "echo \"user_uid=$(id -u)\"; "
	    "echo \"user_gid=$(id -g)\"; "
	    "echo \"user_dir=$HOME\"; "
	    "echo \"user_shell=$SHELL\"; "
	    "echo \"nproc=$(nproc 2>/dev/null || echo 1)\"; "
	    "echo \"memtotal_kb=$(sed -n 's/^MemTotal: *\\([0-9]*\\).*/\\1/p' "
	    "/proc/meminfo 2>/dev/null)\"; "
	    "if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ];"
	    " then echo service_mgr=systemd; else echo service_mgr=sysvinit; fi; "
	    "for m in apt-get dnf yum apk zypper pacman; do "
	    "command -v $m >/dev/null 2>&1 && { echo \"pkg_mgr=${m%%-get}\"; break; }; "
	    "done; "
	    "[ -r /etc/os-release ] && sed -n 's/^\\([A-Z_]*\\)=\"\\{0,1\\}\\([^\"]*\\)\"\\{0,1\\}$/os_\\1=\\2/p' /etc/os-release; "
	    "[ -r /etc/debian_version ] && echo \"debian_version=$(cat /etc/debian_version)\"; "
	    "true";
}

static const char *
os_family(const char *id)
{
	static const char *const map[][2] = {
		{ "debian", "Debian" }, { "ubuntu", "Debian" },
		{ "raspbian", "Debian" }, { "linuxmint", "Debian" },
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

struct value *
facts_parse(const char *out)
{
	struct value	*f = value_dict(), *raw = value_dict(), *v;
	char		*copy = xstrdup(out), *line, *save, *eq;
	const char	*s;

	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if ((eq = strchr(line, '=')) == NULL)
			continue;
		*eq = '\0';
		value_dict_setstr(raw, line, eq + 1);
	}
	free(copy);
#define RAW(k) ((v = value_dict_get(raw, k)) != NULL ? v->u.str.s : NULL)
	if ((s = RAW("hostname")) != NULL) {
		char *shortname = xstrndup(s, strcspn(s, "."));

		value_dict_set(f, "hostname", value_str_take(shortname));
	}
	const char *const same[][2] = {
		{ "fqdn", "fqdn" }, { "nodename", "nodename" },
		{ "system", "system" }, { "kernel", "kernel" },
		{ "machine", "machine" }, { "architecture", "machine" },
		{ "user_id", "user_id" }, { "user_dir", "user_dir" },
		{ "user_shell", "user_shell" }, { "service_mgr", "service_mgr" },
		{ "pkg_mgr", "pkg_mgr" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(same); i++)
		if ((s = RAW(same[i][1])) != NULL)
			value_dict_setstr(f, same[i][0], s);
	if ((s = RAW("user_uid")) != NULL)
		value_dict_setint(f, "user_uid", atoll(s));
	if ((s = RAW("user_gid")) != NULL)
		value_dict_setint(f, "user_gid", atoll(s));
	if ((s = RAW("nproc")) != NULL) {
		value_dict_setint(f, "processor_vcpus", atoll(s));
		value_dict_setint(f, "processor_nproc", atoll(s));
	}
	if ((s = RAW("memtotal_kb")) != NULL && *s)
		value_dict_setint(f, "memtotal_mb", atoll(s) / 1024);
	if ((s = RAW("os_ID")) != NULL) {
		const char *fam = os_family(s);
		char *name = xstrdup(s);

		/* Ansible capitalises the distribution: "Debian", "Ubuntu". */
		if (strcmp(name, "rhel") == 0)
			value_dict_setstr(f, "distribution", "RedHat");
		else {
			name[0] = (char)(name[0] >= 'a' && name[0] <= 'z' ?
			    name[0] - 32 : name[0]);
			value_dict_setstr(f, "distribution", name);
		}
		free(name);
		value_dict_setstr(f, "os_family", fam ? fam : s);
	}
	if ((s = RAW("os_VERSION_ID")) != NULL) {
		value_dict_setstr(f, "distribution_version", s);
		value_dict_set(f, "distribution_major_version",
		    value_strn(s, strcspn(s, ".")));
	}
	const char *id = RAW("os_ID");
	if ((s = RAW("debian_version")) != NULL && id != NULL &&
	    strcmp(id, "debian") == 0) {
		value_dict_setstr(f, "distribution_version", s);
		value_dict_set(f, "distribution_major_version",
		    value_strn(s, strcspn(s, ".")));
	}
	if ((s = RAW("os_VERSION_CODENAME")) != NULL)
		value_dict_setstr(f, "distribution_release", s);
#undef RAW
	value_unref(raw);
	return f;
}
