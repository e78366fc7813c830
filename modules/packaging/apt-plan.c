/* The apt module's decisions: dpkg state, package lists, apt-get -s plans. */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "apt-plan.h"
#include "shell.h"

void
apt_dpkg_parse(const char *text, struct apt_dpkg *d)
{
	const char	*line = text, *end, *t1, *t2;
	struct apt_pkg	*p;
	size_t		 cap = 0, slen;

	d->pkgs = NULL;
	d->n = 0;
	while (line != NULL && *line != '\0') {
		end = strchr(line, '\n');
		if (end == NULL)
			end = line + strlen(line);
		t1 = memchr(line, '\t', end - line);
		t2 = t1 != NULL ? memchr(t1 + 1, '\t', end - t1 - 1) : NULL;
		if (t1 != NULL && t2 != NULL && t1 > line) {
			if (d->n == cap) {
				cap = cap == 0 ? 256 : cap * 2;
				d->pkgs = xreallocarray(d->pkgs, cap,
				    sizeof *d->pkgs);
			}
			p = &d->pkgs[d->n++];
			p->name = xstrndup(line, t1 - line);
			p->version = xstrndup(t1 + 1, t2 - t1 - 1);
			memset(p->status, ' ', 3);
			p->status[3] = '\0';
			slen = end - t2 - 1;
			memcpy(p->status, t2 + 1, slen > 3 ? 3 : slen);
		}
		line = *end == '\n' ? end + 1 : NULL;
	}
}

void
apt_dpkg_free(struct apt_dpkg *d)
{
	size_t	i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++) {
		free(d->pkgs[i].name);
		free(d->pkgs[i].version);
	}
	free(d->pkgs);
	d->pkgs = NULL;
	d->n = 0;
}

const struct apt_pkg *
apt_dpkg_find(const struct apt_dpkg *d, const char *name)
{
	const struct apt_pkg	*first = NULL;
	size_t			 i;

	for (i = 0; i < d->n; i++) {
		if (strcmp(d->pkgs[i].name, name) != 0)
			continue;
		if (apt_pkg_installed(&d->pkgs[i]))
			return &d->pkgs[i];
		if (first == NULL)
			first = &d->pkgs[i];
	}
	return first;
}

int
apt_pkg_installed(const struct apt_pkg *p)
{
	/* Second letter: i installed, W/t waiting for triggers. */
	return p != NULL && strchr("iWt", p->status[1]) != NULL &&
	    p->status[1] != '\0';
}

int
apt_pkg_has_files(const struct apt_pkg *p)
{
	return p != NULL && p->status[1] != 'n' && p->status[1] != ' ' &&
	    p->status[1] != '\0';
}

int
apt_spec_split(const char *spec, char **name, char **version, char **cause)
{
	const char	*eq = strchr(spec, '=');

	*name = *version = NULL;
	if (eq != NULL && strchr(eq + 1, '=') != NULL) {
		*cause = xasprintf("invalid package spec: %s", spec);
		return -1;
	}
	if (eq != NULL && eq > spec && eq[-1] == '>') {
		*cause = xasprintf("version comparison '>=' in '%s' is not "
		    "supported: give an exact version (name=version)", spec);
		return -1;
	}
	if (*spec == '\0' || eq == spec) {
		*cause = xasprintf("invalid package spec: %s", spec);
		return -1;
	}
	if (eq == NULL) {
		*name = xstrdup(spec);
		return 0;
	}
	*name = xstrndup(spec, eq - spec);
	*version = xstrdup(eq + 1);
	return 0;
}

static void
apt_list_add(char ***l, size_t *n, const char *s)
{
	*l = xreallocarray(*l, *n + 2, sizeof **l);
	(*l)[(*n)++] = xstrdup(s);
	(*l)[*n] = NULL;
}

static int
apt_version_matches(const struct apt_pkg *p, const char *version)
{
	return version == NULL || fnmatch(version, p->version, 0) == 0;
}

char **
apt_install_list(const struct apt_dpkg *d, char *const *specs, size_t nspecs,
    int latest, int only_upgrade, size_t *n)
{
	char			**l = NULL, *name, *version, *cause = NULL;
	const struct apt_pkg	 *p;
	size_t			  i;
	int			  installed;

	*n = 0;
	l = xcalloc(1, sizeof *l);
	for (i = 0; i < nspecs; i++) {
		if (apt_spec_split(specs[i], &name, &version, &cause) != 0) {
			free(cause);
			continue;
		}
		p = apt_dpkg_find(d, name);
		installed = apt_pkg_installed(p);
		if (!installed && !only_upgrade)
			apt_list_add(&l, n, specs[i]);
		else if (installed && !apt_version_matches(p, version))
			apt_list_add(&l, n, specs[i]);
		else if (installed && latest && version == NULL)
			apt_list_add(&l, n, specs[i]);
		free(name);
		free(version);
	}
	return l;
}

char **
apt_remove_list(const struct apt_dpkg *d, char *const *specs, size_t nspecs,
    int purge, size_t *n)
{
	char			**l = NULL, *name, *version, *cause = NULL;
	const struct apt_pkg	 *p;
	size_t			  i;

	*n = 0;
	l = xcalloc(1, sizeof *l);
	for (i = 0; i < nspecs; i++) {
		if (apt_spec_split(specs[i], &name, &version, &cause) != 0) {
			free(cause);
			continue;
		}
		p = apt_dpkg_find(d, name);
		/* A pin that does not match leaves the package alone. */
		if (p != NULL && apt_version_matches(p, version) &&
		    (apt_pkg_installed(p) || (purge && apt_pkg_has_files(p))))
			apt_list_add(&l, n, specs[i]);
		free(name);
		free(version);
	}
	return l;
}

void
apt_sim_parse(const char *out, struct apt_sim *s)
{
	const char	*line = out;

	memset(s, 0, sizeof *s);
	while (line != NULL && *line != '\0') {
		if (strncmp(line, "Inst ", 5) == 0)
			s->inst++;
		else if (strncmp(line, "Remv ", 5) == 0 ||
		    strncmp(line, "Purg ", 5) == 0)
			s->remv++;
		else if (strncmp(line, "Conf ", 5) == 0)
			s->conf++;
		else if (strncmp(line, "Del ", 4) == 0)
			s->del++;
		line = strchr(line, '\n');
		if (line != NULL)
			line++;
	}
}

int
apt_sim_changes(const struct apt_sim *s)
{
	return s->inst != 0 || s->remv != 0 || s->conf != 0;
}

/* "[0-9]+ (packages )?upgraded" at the start of a line, as re.match. */
static int
apt_is_summary(const char *line, size_t len)
{
	size_t	i = 0;

	while (i < len && line[i] >= '0' && line[i] <= '9')
		i++;
	if (i == 0 || i >= len || line[i] != ' ')
		return 0;
	i++;
	if (len - i >= 9 && strncmp(line + i, "packages ", 9) == 0)
		i += 9;
	return len - i >= 8 && strncmp(line + i, "upgraded", 8) == 0;
}

char *
apt_parse_diff(const char *out)
{
	const char	**lines = NULL, *p = out, *e;
	size_t		 *lens = NULL, n = 0, i, start = 0, end;
	struct buf	  b = BUF_INIT;
	int		  found = 0;

	/* splitlines(), then slice [start+1, end+1) as Ansible does. */
	while (*p != '\0') {
		e = p + strcspn(p, "\n");
		lines = xreallocarray(lines, n + 1, sizeof *lines);
		lens = xreallocarray(lens, n + 1, sizeof *lens);
		lines[n] = p;
		lens[n] = e - p;
		if (lens[n] > 0 && p[lens[n] - 1] == '\r')
			lens[n]--;
		n++;
		p = *e == '\n' ? e + 1 : e;
	}
	for (i = 0; i < n && !found; i++) {
		if (lens[i] == 25 && strncmp(lines[i],
		    "Resolving dependencies...", 25) == 0) {
			start = i + 1;
			found = 1;
		}
	}
	for (i = 0; i < n && !found; i++) {
		if (lens[i] == 28 && strncmp(lines[i],
		    "Reading state information...", 28) == 0) {
			start = i + 1;
			found = 1;
		}
	}
	end = n;
	for (i = 0; i < n; i++) {
		if (apt_is_summary(lines[i], lens[i])) {
			end = i + 1;
			break;
		}
	}
	for (i = start; i < end && i < n; i++) {
		if (i > start)
			buf_addc(&b, '\n');
		buf_add(&b, lines[i], lens[i]);
	}
	free(lines);
	free(lens);
	return buf_detach(&b, NULL);
}

char *
apt_missing_package(const char *err)
{
	static const char	 tag[] = "Unable to locate package ";
	const char		*p = strstr(err, tag);
	size_t			 len;

	if (p == NULL)
		return NULL;
	p += sizeof tag - 1;
	len = strcspn(p, "\r\n");
	return xstrndup(p, len);
}

int
apt_cache_stale(long long mtime, long long now, long long valid)
{
	if (valid <= 0)
		return 1;
	return mtime + valid < now;
}

void
apt_cmd_line(struct buf *b, const struct apt_cmd *c)
{
	const char	*o, *comma;
	char		*opt;
	size_t		 i;

	buf_adds(b, "apt-get -y");
	for (o = c->dpkg_options; o != NULL && *o != '\0'; o = comma + 1) {
		comma = strchr(o, ',');
		if (comma == NULL)
			comma = o + strlen(o);
		if (comma > o) {
			opt = xasprintf("Dpkg::Options::=--%.*s",
			    (int)(comma - o), o);
			buf_adds(b, " -o ");
			shell_quote_buf(b, opt);
			free(opt);
		}
		if (*comma == '\0')
			break;
	}
	buf_addf(b, " -o DPkg::Lock::Timeout=%d", c->lock_timeout);
	if (c->only_upgrade)
		buf_adds(b, " --only-upgrade");
	if (c->fix_broken)
		buf_adds(b, " --fix-broken");
	if (c->force)
		buf_adds(b, " --force-yes");
	if (c->purge)
		buf_adds(b, " --purge");
	if (c->autoremove)
		buf_adds(b, " --auto-remove");
	if (c->simulate)
		buf_adds(b, " --simulate");
	buf_addf(b, " %s", c->op);
	for (i = 0; c->pkgs != NULL && c->pkgs[i] != NULL; i++) {
		buf_addc(b, ' ');
		shell_quote_buf(b, c->pkgs[i]);
	}
	if (c->word != NULL)
		buf_addf(b, " %s", c->word);
	if (c->default_release != NULL) {
		buf_adds(b, " -t ");
		shell_quote_buf(b, c->default_release);
	}
	if (c->install_recommends == 0)
		buf_adds(b, " -o APT::Install-Recommends=no");
	else if (c->install_recommends == 1)
		buf_adds(b, " -o APT::Install-Recommends=yes");
	if (c->allow_unauthenticated)
		buf_adds(b, " --allow-unauthenticated");
	if (c->allow_downgrade)
		buf_adds(b, " --allow-downgrades");
	if (c->allow_change_held)
		buf_adds(b, " --allow-change-held-packages");
}

void
apt_policy_rc_d_wrap(struct buf *b, const char *cmd, int code)
{
	if (code < 0) {
		buf_addf(b, "%s\n", cmd);
		return;
	}
	/* code is a number: nothing of the user's reaches the shell raw. */
	buf_addf(b, "_prc=\n"
	    "if [ -e /usr/sbin/policy-rc.d ] || [ -L /usr/sbin/policy-rc.d ]; "
	    "then _prc=$(mktemp -d) && mv /usr/sbin/policy-rc.d \"$_prc/\" ||"
	    " exit 1; fi\n"
	    "printf '#!/bin/sh\\nexit %d\\n' >/usr/sbin/policy-rc.d && "
	    "chmod 0755 /usr/sbin/policy-rc.d || exit 1\n"
	    "%s\n"
	    "_rc=$?\n"
	    "rm -f /usr/sbin/policy-rc.d\n"
	    "if [ -n \"$_prc\" ]; then mv \"$_prc/policy-rc.d\" "
	    "/usr/sbin/policy-rc.d; rmdir \"$_prc\"; fi\n"
	    "exit $_rc\n", code, cmd);
}

int
apt_builddep_nothing(const char *out)
{
	return strstr(out, "\n0 upgraded, 0 newly installed") != NULL;
}

struct value *
apt_package_facts(const char *text)
{
	static const char *const keys[] = { "name", "version", "arch",
		"category" };
	struct value	*d = value_dict(), *e, *l;
	const char	*line = text, *end, *f[6];
	size_t		 n, i;

	while (line != NULL && *line != '\0') {
		end = strchr(line, '\n');
		if (end == NULL)
			end = line + strlen(line);
		/* five tab-separated fields: status, name, version, arch, section */
		f[0] = line;
		for (n = 1; n < 6; n++) {
			f[n] = memchr(f[n - 1], '\t', end - f[n - 1]);
			if (f[n] == NULL)
				break;
			f[n]++;
		}
		if (n == 5 && f[1] - f[0] >= 3 && f[0][1] != 'n' &&
		    f[0][1] != 'c' && f[0][1] != ' ' && f[2] - f[1] > 1) {
			e = value_dict();
			for (i = 0; i < 4; i++)
				value_dict_set(e, keys[i], value_strn(f[i + 1],
				    (i < 3 ? f[i + 2] - 1 : end) - f[i + 1]));
			value_dict_setstr(e, "source", "apt");
			l = value_dict_get(d, value_dict_get(e, "name")->u.str.s);
			if (l == NULL) {
				l = value_list();
				value_dict_set(d,
				    value_dict_get(e, "name")->u.str.s, l);
			}
			value_list_append(l, e);
		}
		line = *end == '\n' ? end + 1 : NULL;
	}
	return d;
}
