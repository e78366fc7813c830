/* Container engines on the target: engine choice, inspect JSON, ports, the create command line. */
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
struct value *
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

/* A list of strings from a list value (items stringified). */
struct value *
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

void
container_pull_script(struct buf *s, const char *pull, int check)
{
	buf_adds(s, "id=$(\"$e\" image inspect --format '{{.Id}}' \"$i\" "
	    "2>/dev/null)\n");
	if (strcmp(pull, "never") == 0)
		buf_adds(s, "[ -n \"$id\" ] || { echo \"Cannot find image "
		    "$i\" >&2; exit 1; }\n");
	else {
		buf_addf(s, "if %s; then\n", strcmp(pull, "always") == 0 ?
		    "true" : "[ -z \"$id\" ]");
		if (check)
			buf_adds(s, "\techo pull=1\n");
		else
			buf_adds(s, "\told=$id\n\t\"$e\" pull \"$i\" >&2 || "
			    "exit 1\n\tid=$(\"$e\" image inspect --format "
			    "'{{.Id}}' \"$i\") || exit 1\n"
			    "\t[ \"$old\" = \"$id\" ] || echo pull=1\n");
		buf_adds(s, "fi\n");
	}
	buf_adds(s, "echo \"id=$id\"");
}

char *
container_pull_parse(const char *out, int *pulled)
{
	const char	*p = strstr(out, "id=");

	*pulled = strstr(out, "pull=1") != NULL;
	if (p != NULL && p[3] != '\n' && p[3] != '\0')
		return xstrndup(p + 3, strcspn(p + 3, "\r\n"));
	return NULL;
}

enum container_action
container_decide(int exists, int running, int diffs, int recreate,
    int want_run, int stopped, int force_restart)
{
	if (!exists || diffs > 0 || recreate)
		return CA_CREATE;
	if (want_run && (!running || force_restart))
		return running ? CA_RESTART : CA_START;
	if (stopped && running)
		return CA_STOP;
	return CA_NONE;
}

char *
container_image_ref(const char *name_arg, const char *tag_arg)
{
	char	*name, *tag, *ref;

	container_image_split(name_arg, &name, &tag);
	if (*tag == '\0' && strchr(name, '@') == NULL) {
		free(tag);
		tag = xstrdup(tag_arg);
	}
	ref = *tag != '\0' ? xasprintf("%s:%s", name, tag) : xstrdup(name);
	free(name);
	free(tag);
	return ref;
}
