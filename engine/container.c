/* Container engines on the target: engine choice, inspect JSON, comparing with the wanted container. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "container.h"
#include "shell.h"

void
container_engine_script(struct buf *b, const char *engine)
{
	if (engine == NULL || strcmp(engine, "auto") == 0) {
		buf_adds(b, "if command -v podman >/dev/null 2>&1; then "
		    "e=podman\nelif command -v docker >/dev/null 2>&1; then "
		    "e=docker\nelse echo 'neither podman nor docker found on "
		    "the host' >&2; exit 127\nfi\n");
		return;
	}
	buf_adds(b, "e=");
	shell_quote_buf(b, engine);
	buf_adds(b, "\ncommand -v \"$e\" >/dev/null 2>&1 || "
	    "{ echo \"$e not found on the host\" >&2; exit 127; }\n");
}

int
container_inspect_first(const char *s, size_t len, struct value **out,
    char **cause)
{
	struct value	*v;

	*out = NULL;
	while (len > 0 && (*s == ' ' || *s == '\n' || *s == '\r')) {
		s++;
		len--;
	}
	if (len == 0)
		return 0;
	if ((v = value_from_json(s, len, cause)) == NULL)
		return -1;
	if (v->type == V_LIST && v->u.list.n > 0)
		*out = value_ref(v->u.list.items[0]);
	else if (v->type == V_DICT)
		*out = value_ref(v);
	value_unref(v);
	return 0;
}

const char *
container_id_strip(const char *id)
{
	if (id != NULL && str_startswith(id, "sha256:"))
		return id + strlen("sha256:");
	return id;
}

int
container_port_parse(const char *spec, struct container_port *p,
    char **cause)
{
	char	*s = xstrdup(spec), *parts[3], *slash, *c;
	size_t	 n = 0, i;
	int	 rv = -1;

	memset(p, 0, sizeof *p);
	strcpy(p->proto, "tcp");
	if ((slash = strrchr(s, '/')) != NULL) {
		*slash++ = '\0';
		if (strcmp(slash, "tcp") != 0 && strcmp(slash, "udp") != 0 &&
		    strcmp(slash, "sctp") != 0)
			goto bad;
		strcpy(p->proto, slash);
	}
	/* An IPv6 address is in brackets: [::1]:8080:80. */
	c = s;
	if (*c == '[') {
		char *e = strchr(c, ']');

		if (e == NULL || e[1] != ':' || (size_t)(e - c - 1) >= sizeof p->ip)
			goto bad;
		memcpy(p->ip, c + 1, e - c - 1);
		c = e + 2;
	}
	for (;;) {
		if (n == 3)
			goto bad;
		parts[n++] = c;
		if ((c = strchr(c, ':')) == NULL)
			break;
		*c++ = '\0';
	}
	if (p->ip[0] != '\0' && n != 2)
		goto bad;
	if (n == 3) {
		if (strlen(parts[0]) >= sizeof p->ip)
			goto bad;
		strcpy(p->ip, parts[0]);
	}
	for (i = n >= 2 ? n - 2 : n - 1; i < n; i++) {
		if (*parts[i] == '\0' && i == n - 2)
			continue;	/* "ip::80": a random host port */
		if (*parts[i] == '\0' || strlen(parts[i]) >= sizeof p->port ||
		    strspn(parts[i], "0123456789-") != strlen(parts[i]))
			goto bad;
	}
	if (n >= 2)
		strcpy(p->host, parts[n - 2]);
	strcpy(p->port, parts[n - 1]);
	if (strcmp(p->ip, "0.0.0.0") == 0)
		p->ip[0] = '\0';
	rv = 0;
	goto out;
bad:
	*cause = xasprintf("bad published port '%s'", spec);
out:
	free(s);
	return rv;
}

/* inspect["A"]["B"]..., NULL-terminated path; borrowed or NULL. */
static struct value *
container_get(const struct value *v, ...)
{
	va_list		 ap;
	const char	*k;

	va_start(ap, v);
	while (v != NULL && (k = va_arg(ap, const char *)) != NULL)
		v = v->type == V_DICT ? value_dict_get(v, k) : NULL;
	va_end(ap);
	return (struct value *)v;
}

static const char *
container_str(const struct value *v)
{
	return v != NULL && v->type == V_STR ? v->u.str.s : "";
}

static void
container_differ(struct value *before, struct value *after, const char *key,
    struct value *b, struct value *a)
{
	if (before != NULL)
		value_dict_set(before, key, b);
	else
		value_unref(b);
	if (after != NULL)
		value_dict_set(after, key, a);
	else
		value_unref(a);
}

/* A list of strings from a list value (items stringified). */
static struct value *
container_strings(const struct value *l)
{
	struct value	*out = value_list();
	size_t		 i;

	if (l != NULL && l->type == V_LIST)
		for (i = 0; i < l->u.list.n; i++)
			value_list_append(out, value_str_take(
			    value_to_string(l->u.list.items[i])));
	else if (l != NULL && l->type == V_STR)
		value_list_append(out, value_str(l->u.str.s));
	return out;
}

/* The wanted keys of a dict (env, labels) against the current ones. */
static int
container_dict_differs(const struct value *want, const struct value *cur,
    int env, struct value **curv, struct value **wantv)
{
	struct value	*c = value_dict(), *w = value_dict(), *item;
	size_t		 i, j, n;
	char		*s;
	const char	*k, *have;
	int		 differs = 0;

	for (i = 0; i < want->u.dict.n; i++) {
		k = want->u.dict.keys[i];
		s = value_to_string(want->u.dict.vals[i]);
		value_dict_setstr(w, k, s);
		have = NULL;
		if (env && cur != NULL && cur->type == V_LIST) {
			n = strlen(k);
			for (j = 0; j < cur->u.list.n; j++) {
				item = cur->u.list.items[j];
				if (item->type == V_STR &&
				    strncmp(item->u.str.s, k, n) == 0 &&
				    item->u.str.s[n] == '=')
					have = item->u.str.s + n + 1;
			}
		} else if (!env && cur != NULL && cur->type == V_DICT) {
			item = value_dict_get(cur, k);
			if (item != NULL && item->type == V_STR)
				have = item->u.str.s;
		}
		if (have != NULL)
			value_dict_setstr(c, k, have);
		if (have == NULL || strcmp(have, s) != 0)
			differs = 1;
		free(s);
	}
	*curv = c;
	*wantv = w;
	return differs;
}

/* "ip:host:port/proto" of a binding, for comparing and showing. */
static char *
container_port_text(const char *ip, const char *host, const char *port,
    const char *proto)
{
	if (strcmp(ip, "0.0.0.0") == 0)
		ip = "";
	return xasprintf("%s%s%s:%s/%s", ip, *ip != '\0' ? ":" : "", host,
	    port, proto);
}

static int
container_ports_differ(const struct value *want, const struct value *pb,
    struct value **curv, struct value **wantv, char **cause)
{
	struct container_port	 p;
	struct value		*cur = value_list(), *w = value_list(), *l, *e;
	size_t			 i, j, k;
	char			*t, *slash;
	int			 differs = 0, found;

	for (i = 0; pb != NULL && pb->type == V_DICT && i < pb->u.dict.n; i++) {
		t = xstrdup(pb->u.dict.keys[i]);
		if ((slash = strchr(t, '/')) != NULL)
			*slash++ = '\0';
		l = pb->u.dict.vals[i];
		for (j = 0; l != NULL && l->type == V_LIST && j < l->u.list.n;
		    j++) {
			e = l->u.list.items[j];
			value_list_append(cur, value_str_take(
			    container_port_text(
			    container_str(container_get(e, "HostIp", NULL)),
			    container_str(container_get(e, "HostPort", NULL)),
			    t, slash != NULL ? slash : "tcp")));
		}
		free(t);
	}
	for (i = 0; i < want->u.list.n; i++) {
		t = value_to_string(want->u.list.items[i]);
		if (container_port_parse(t, &p, cause) != 0) {
			free(t);
			value_unref(cur);
			value_unref(w);
			return -1;
		}
		free(t);
		t = container_port_text(p.ip, p.host, p.port, p.proto);
		found = 0;
		for (k = 0; k < cur->u.list.n && !found; k++) {
			const char *c = cur->u.list.items[k]->u.str.s;

			if (strcmp(c, t) == 0)
				found = 1;
			else if (p.host[0] == '\0') {
				/* A random host port matches any. */
				char *suffix = xasprintf(":%s/%s", p.port,
				    p.proto);
				char *prefix = xasprintf("%s%s", p.ip,
				    p.ip[0] != '\0' ? ":" : "");

				found = str_startswith(c, prefix) &&
				    str_endswith(c, suffix) &&
				    strchr(c + strlen(prefix), ':') ==
				    c + strlen(c) - strlen(suffix);
				free(suffix);
				free(prefix);
			}
		}
		if (!found)
			differs = 1;
		value_list_append(w, value_str_take(t));
	}
	if (cur->u.list.n != w->u.list.n)
		differs = 1;
	*curv = cur;
	*wantv = w;
	return differs;
}

/* Splits a volume spec "src:dst[:opts]" or "dst". */
static void
container_volume_split(const char *spec, char **src, char **dst, int *ro)
{
	char	*s = xstrdup(spec), *c1, *c2 = NULL;

	*ro = 0;
	if ((c1 = strchr(s, ':')) != NULL) {
		*c1++ = '\0';
		if ((c2 = strchr(c1, ':')) != NULL) {
			*c2++ = '\0';
			*ro = strstr(c2, "ro") != NULL &&
			    (strcmp(c2, "ro") == 0 || str_startswith(c2, "ro,") ||
			    strstr(c2, ",ro") != NULL);
		}
		*src = xstrdup(s);
		*dst = xstrdup(c1);
	} else {
		*src = xstrdup("");
		*dst = xstrdup(s);
	}
	free(s);
}

static int
container_volumes_differ(const struct value *want, const struct value *mounts,
    struct value **curv, struct value **wantv)
{
	struct value	*cur = value_list(), *w = value_list(), *m;
	size_t		 i, j;
	char		*src, *dst, *t;
	const char	*msrc;
	int		 ro, rw, differs = 0, found;

	for (j = 0; mounts != NULL && mounts->type == V_LIST &&
	    j < mounts->u.list.n; j++) {
		m = mounts->u.list.items[j];
		rw = value_truthy(container_get(m, "RW", NULL));
		msrc = strcmp(container_str(container_get(m, "Type", NULL)),
		    "bind") == 0 ? container_str(container_get(m, "Source",
		    NULL)) : container_str(container_get(m, "Name", NULL));
		value_list_append(cur, value_strf("%s:%s%s", msrc,
		    container_str(container_get(m, "Destination", NULL)),
		    rw ? "" : ":ro"));
	}
	for (i = 0; i < want->u.list.n; i++) {
		t = value_to_string(want->u.list.items[i]);
		container_volume_split(t, &src, &dst, &ro);
		value_list_append(w, value_str_take(t));
		found = 0;
		for (j = 0; mounts != NULL && mounts->type == V_LIST &&
		    j < mounts->u.list.n && !found; j++) {
			m = mounts->u.list.items[j];
			if (strcmp(container_str(container_get(m,
			    "Destination", NULL)), dst) != 0)
				continue;
			msrc = str_startswith(src, "/") ?
			    container_str(container_get(m, "Source", NULL)) :
			    container_str(container_get(m, "Name", NULL));
			rw = value_truthy(container_get(m, "RW", NULL));
			found = (*src == '\0' || strcmp(msrc, src) == 0) &&
			    rw == !ro;
		}
		if (!found)
			differs = 1;
		free(src);
		free(dst);
	}
	*curv = cur;
	*wantv = w;
	return differs;
}

static int
container_str_differs(struct value *before, struct value *after,
    const char *key, const char *cur, const char *want)
{
	if (want == NULL || strcmp(cur, want) == 0)
		return 0;
	container_differ(before, after, key, value_str(cur), value_str(want));
	return 1;
}

int
container_differences(const struct value *in, const struct container_want *w,
    struct value *before, struct value *after)
{
	struct value	*cur, *want, *cv, *wv;
	const char	*id, *s;
	char		*cause = NULL;
	int		 n = 0, d;

	id = container_id_strip(container_str(container_get(in, "Image",
	    NULL)));
	if (w->image_id == NULL || strcmp(id,
	    container_id_strip(w->image_id)) != 0) {
		container_differ(before, after, "image", value_str(id),
		    value_str(w->image_id != NULL ?
		    container_id_strip(w->image_id) : w->image));
		n++;
	}
	if (w->command != NULL) {
		cur = container_strings(container_get(in, "Config", "Cmd",
		    NULL));
		want = container_strings(w->command);
		if (!value_equal(cur, want)) {
			container_differ(before, after, "command", cur, want);
			n++;
		} else {
			value_unref(cur);
			value_unref(want);
		}
	}
	if (w->entrypoint != NULL) {
		cv = container_get(in, "Config", "Entrypoint", NULL);
		want = container_strings(w->entrypoint);
		if (cv != NULL && cv->type == V_STR) {
			/* podman 4 shows the entrypoint as one string. */
			struct buf b = BUF_INIT;
			size_t i;

			for (i = 0; i < want->u.list.n; i++)
				buf_addf(&b, "%s%s", i > 0 ? " " : "",
				    want->u.list.items[i]->u.str.s);
			d = strcmp(cv->u.str.s, buf_cstr(&b)) != 0;
			buf_release(&b);
			cur = value_str(cv->u.str.s);
		} else {
			cur = container_strings(cv);
			d = !value_equal(cur, want);
		}
		if (d) {
			container_differ(before, after, "entrypoint", cur,
			    want);
			n++;
		} else {
			value_unref(cur);
			value_unref(want);
		}
	}
	if (w->env != NULL && w->env->type == V_DICT) {
		d = container_dict_differs(w->env, container_get(in, "Config",
		    "Env", NULL), 1, &cv, &wv);
		if (d)
			n++;
		container_differ(d ? before : NULL, d ? after : NULL, "env",
		    cv, wv);
	}
	if (w->labels != NULL && w->labels->type == V_DICT) {
		d = container_dict_differs(w->labels, container_get(in,
		    "Config", "Labels", NULL), 0, &cv, &wv);
		if (d)
			n++;
		container_differ(d ? before : NULL, d ? after : NULL,
		    "labels", cv, wv);
	}
	if (w->ports != NULL && w->ports->type == V_LIST) {
		d = container_ports_differ(w->ports, container_get(in,
		    "HostConfig", "PortBindings", NULL), &cv, &wv, &cause);
		if (d < 0) {
			free(cause);
			d = 0;
			cv = wv = NULL;
		}
		if (d)
			n++;
		container_differ(d ? before : NULL, d ? after : NULL,
		    "published_ports", cv, wv);
	}
	if (w->volumes != NULL && w->volumes->type == V_LIST) {
		d = container_volumes_differ(w->volumes, container_get(in,
		    "Mounts", NULL), &cv, &wv);
		if (d)
			n++;
		container_differ(d ? before : NULL, d ? after : NULL,
		    "volumes", cv, wv);
	}
	s = container_str(container_get(in, "HostConfig", "RestartPolicy",
	    "Name", NULL));
	n += container_str_differs(before, after, "restart_policy",
	    *s == '\0' ? "no" : s, w->restart_policy);
	n += container_str_differs(before, after, "network_mode",
	    container_str(container_get(in, "HostConfig", "NetworkMode", NULL)),
	    w->network_mode);
	n += container_str_differs(before, after, "working_dir",
	    container_str(container_get(in, "Config", "WorkingDir", NULL)),
	    w->working_dir);
	n += container_str_differs(before, after, "user",
	    container_str(container_get(in, "Config", "User", NULL)), w->user);
	n += container_str_differs(before, after, "hostname",
	    container_str(container_get(in, "Config", "Hostname", NULL)),
	    w->hostname);
	return n;
}

static void
container_opt(struct buf *b, const char *opt, const char *val)
{
	buf_addf(b, " %s ", opt);
	shell_quote_buf(b, val);
}

static void
container_opt_kv(struct buf *b, const char *opt, const struct value *d)
{
	size_t	 i;
	char	*v, *kv;

	for (i = 0; d != NULL && d->type == V_DICT && i < d->u.dict.n; i++) {
		v = value_to_string(d->u.dict.vals[i]);
		kv = xasprintf("%s=%s", d->u.dict.keys[i], v);
		container_opt(b, opt, kv);
		free(kv);
		free(v);
	}
}

int
container_create_args(struct buf *b, const char *name,
    const struct container_want *w, char **cause)
{
	struct container_port	 p;
	struct value		*ep = NULL, *cmd = NULL;
	size_t			 i;
	char			*t;

	container_opt(b, "--name", name);
	if (w->entrypoint != NULL) {
		ep = container_strings(w->entrypoint);
		if (ep->u.list.n > 0)
			container_opt(b, "--entrypoint",
			    ep->u.list.items[0]->u.str.s);
	}
	container_opt_kv(b, "--env", w->env);
	for (i = 0; w->ports != NULL && w->ports->type == V_LIST &&
	    i < w->ports->u.list.n; i++) {
		t = value_to_string(w->ports->u.list.items[i]);
		if (container_port_parse(t, &p, cause) != 0) {
			free(t);
			value_unref(ep);
			return -1;
		}
		container_opt(b, "--publish", t);
		free(t);
	}
	for (i = 0; w->volumes != NULL && w->volumes->type == V_LIST &&
	    i < w->volumes->u.list.n; i++) {
		t = value_to_string(w->volumes->u.list.items[i]);
		container_opt(b, "--volume", t);
		free(t);
	}
	container_opt_kv(b, "--label", w->labels);
	if (w->restart_policy != NULL)
		container_opt(b, "--restart", w->restart_policy);
	if (w->network_mode != NULL)
		container_opt(b, "--network", w->network_mode);
	if (w->working_dir != NULL)
		container_opt(b, "--workdir", w->working_dir);
	if (w->user != NULL)
		container_opt(b, "--user", w->user);
	if (w->hostname != NULL)
		container_opt(b, "--hostname", w->hostname);
	buf_adds(b, " -- ");
	shell_quote_buf(b, w->image);
	/* Entrypoint words after the first go before the command. */
	for (i = 1; ep != NULL && i < ep->u.list.n; i++) {
		buf_addc(b, ' ');
		shell_quote_buf(b, ep->u.list.items[i]->u.str.s);
	}
	if (w->command != NULL) {
		cmd = container_strings(w->command);
		for (i = 0; i < cmd->u.list.n; i++) {
			buf_addc(b, ' ');
			shell_quote_buf(b, cmd->u.list.items[i]->u.str.s);
		}
	}
	value_unref(ep);
	value_unref(cmd);
	return 0;
}

int
container_running(const struct value *in)
{
	return value_truthy(container_get(in, "State", "Running", NULL));
}

void
container_image_split(const char *s, char **name, char **tag)
{
	const char	*slash = strrchr(s, '/'), *colon = strrchr(s, ':');

	if (strchr(s, '@') == NULL && colon != NULL &&
	    (slash == NULL || colon > slash)) {
		*name = xstrndup(s, colon - s);
		*tag = xstrdup(colon + 1);
	} else {
		*name = xstrdup(s);
		*tag = xstrdup("");
	}
}
