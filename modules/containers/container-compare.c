/* A container's inspect JSON compared with the wanted container, setting by setting. */
#include <stdlib.h>
#include <string.h>

#include "container.h"

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
