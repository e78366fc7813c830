/* The module layer: argument checking against a module's table, results, modes. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host.h"
#include "luamod.h"
#include "module.h"
#include "output.h"

const char *const mod_attributes_aliases[] = { "attr", NULL };

/* Arguments. */

struct value *
args_get(const struct mod_args *a, const char *key)
{
	if (a == NULL || a->v == NULL)
		return NULL;
	return value_dict_get(a->v, key);
}

int
args_has(const struct mod_args *a, const char *key)
{
	struct value	*v = args_get(a, key);

	return v != NULL && v->type != V_NULL;
}

const char *
args_str(const struct mod_args *a, const char *key)
{
	struct value	*v = args_get(a, key);

	if (v == NULL || v->type != V_STR)
		return NULL;
	return v->u.str.s;
}

int
args_bool(const struct mod_args *a, const char *key, int def)
{
	struct value	*v = args_get(a, key);
	int		 b;

	if (v == NULL || v->type == V_NULL)
		return def;
	if ((b = value_as_bool(v)) == -1)
		return value_truthy(v);
	return b;
}

long long
args_int(const struct mod_args *a, const char *key, long long def)
{
	struct value	*v = args_get(a, key);

	if (v == NULL)
		return def;
	if (v->type == V_INT)
		return v->u.i;
	if (v->type == V_BOOL)
		return v->u.b;
	if (v->type == V_FLOAT)
		return (long long)v->u.f;
	if (v->type == V_STR)
		return strtoll(v->u.str.s, NULL, 10);
	return def;
}

void
mod_args_release(struct mod_args *a)
{
	if (a == NULL)
		return;
	value_unref(a->v);
	a->v = NULL;
}

/* Results. */

static void
result_init(struct result *r)
{
	if (r->v == NULL)
		r->v = value_dict();
}

void
result_set(struct result *r, const char *key, struct value *v)
{
	result_init(r);
	value_dict_set(r->v, key, v);
}

void
result_setstr(struct result *r, const char *key, const char *s)
{
	result_set(r, key, value_str(s));
}

void
result_setint(struct result *r, const char *key, long long i)
{
	result_set(r, key, value_int(i));
}

void
result_setbool(struct result *r, const char *key, int b)
{
	result_set(r, key, value_bool(b));
}

enum mod_status
result_fail(struct result *r, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	result_set(r, "msg", value_str_take(msg));
	return MOD_FAILED;
}

void
result_warn(struct result *r, const char *fmt, ...)
{
	va_list		 ap;
	struct value	*l;

	result_init(r);
	if ((l = value_dict_get(r->v, "warnings")) == NULL ||
	    l->type != V_LIST) {
		l = value_list();
		value_dict_set(r->v, "warnings", l);
	}
	va_start(ap, fmt);
	value_list_append(l, value_str_take(xvasprintf(fmt, ap)));
	va_end(ap);
}

/* Python's str.splitlines() on \n, \r\n and \r, which is what Ansible uses. */
static struct value *
result_lines(const char *s, size_t len)
{
	struct value	*l = value_list();
	size_t		 i, start = 0;

	for (i = 0; i < len; i++) {
		if (s[i] != '\n' && s[i] != '\r')
			continue;
		value_list_append(l, value_strn(s + start, i - start));
		if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
			i++;
		start = i + 1;
	}
	if (start < len)
		value_list_append(l, value_strn(s + start, len - start));
	return l;
}

void
result_set_exec(struct result *r, const struct exec_result *res)
{
	result_setint(r, "rc", res->rc);
	result_set(r, "stdout", value_strn(res->out.s ? res->out.s : "",
	    res->out.len));
	result_set(r, "stderr", value_strn(res->err.s ? res->err.s : "",
	    res->err.len));
	result_set(r, "stdout_lines", result_lines(res->out.s, res->out.len));
	result_set(r, "stderr_lines", result_lines(res->err.s, res->err.len));
}

static struct value *
result_diff_list(struct result *r)
{
	struct value	*l;

	result_init(r);
	if ((l = value_dict_get(r->v, "diff")) == NULL || l->type != V_LIST) {
		l = value_list();
		value_dict_set(r->v, "diff", l);
	}
	return l;
}

enum mod_status
result_fail_exec(struct result *r, const char *cmd,
    const struct exec_result *res)
{
	size_t	len = res->err.len;

	result_set_exec(r, res);
	result_setstr(r, "cmd", cmd);
	while (len > 0 && (res->err.s[len - 1] == '\n' ||
	    res->err.s[len - 1] == '\r'))
		len--;
	if (len > 0)
		return result_fail(r, "%.*s", (int)len, res->err.s);
	return result_fail(r, "command failed with status %d", res->rc);
}

void
result_diff(struct result *r, const char *before_header, const char *before,
    const char *after_header, const char *after)
{
	struct value	*d = value_dict();

	value_dict_setstr(d, "before", before != NULL ? before : "");
	value_dict_setstr(d, "after", after != NULL ? after : "");
	if (before_header != NULL)
		value_dict_setstr(d, "before_header", before_header);
	if (after_header != NULL)
		value_dict_setstr(d, "after_header", after_header);
	value_list_append(result_diff_list(r), d);
}

static int
diff_key_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A copy of v with every dict's keys sorted, as json.dumps(sort_keys=True). */
static struct value *
diff_sorted(const struct value *v)
{
	struct value	*out;
	char		**keys;
	size_t		  i;

	switch (v->type) {
	case V_DICT:
		keys = xreallocarray(NULL, v->u.dict.n + 1, sizeof *keys);
		for (i = 0; i < v->u.dict.n; i++)
			keys[i] = v->u.dict.keys[i];
		qsort(keys, v->u.dict.n, sizeof *keys, diff_key_cmp);
		out = value_dict();
		for (i = 0; i < v->u.dict.n; i++)
			value_dict_set(out, keys[i],
			    diff_sorted(value_dict_get(v, keys[i])));
		free(keys);
		return out;
	case V_LIST:
		out = value_list();
		for (i = 0; i < v->u.list.n; i++)
			value_list_append(out, diff_sorted(v->u.list.items[i]));
		return out;
	default:
		return value_copy(v);
	}
}

char *
diff_dict_text(const struct value *v)
{
	struct buf	 b = BUF_INIT;
	struct value	*s = diff_sorted(v);

	value_to_json(&b, s, 1);
	buf_addc(&b, '\n');
	value_unref(s);
	return buf_detach(&b, NULL);
}

void
result_diff_dict(struct result *r, const struct value *before,
    const struct value *after)
{
	char	*b = diff_dict_text(before), *a = diff_dict_text(after);

	result_diff(r, NULL, b, NULL, a);
	free(b);
	free(a);
}

/* Modes. */

void
mode_format(mode_t m, char out[8])
{
	snprintf(out, 8, "0%03o", (unsigned int)(m & 07777));
}

int
mode_parse(const struct value *v, int *octal, char **cause)
{
	const char	*s, *p;
	unsigned long	 n;
	char		*end;

	if (v == NULL || v->type == V_NULL) {
		*cause = xstrdup("mode must be in octal or symbolic form");
		return -1;
	}
	if (v->type == V_INT) {
		/* An int is the bits themselves: YAML 1.1 reads 0644 as 420. */
		if (v->u.i < 0 || v->u.i > 07777) {
			*cause = xstrdup("invalid mode supplied, only permission "
			    "info is allowed");
			return -1;
		}
		*octal = (int)v->u.i;
		return 0;
	}
	if (v->type != V_STR) {
		*cause = xstrdup("mode must be in octal or symbolic form");
		return -1;
	}
	s = v->u.str.s;
	p = s;
	if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O'))
		p += 2;
	if (*p != '\0' && strspn(p, "01234567") == strlen(p)) {
		errno = 0;
		n = strtoul(p, &end, 8);
		if (errno != 0 || n > 07777) {
			*cause = xstrdup("invalid mode supplied, only "
			    "permission info is allowed");
			return -1;
		}
		*octal = (int)n;
		return 0;
	}
	if (mode_apply_symbolic(s, 0, 0, 022, (mode_t[]){ 0 }, cause) != 0)
		return -1;
	*octal = -1;
	return 0;
}

static mode_t
mode_perm_bits(char user, char perm, mode_t prev, int isdir, mode_t umask,
    int use_umask)
{
	mode_t	rev = (umask ^ 07777) & 07777;
	mode_t	r, w, x, s, t, X;
	int	sh = user == 'u' ? 6 : user == 'g' ? 3 : 0;

	r = (mode_t)04 << sh;
	w = (mode_t)02 << sh;
	x = (mode_t)01 << sh;
	if (use_umask) {
		r &= rev;
		w &= rev;
		x &= rev;
	}
	s = user == 'u' ? S_ISUID : user == 'g' ? S_ISGID : 0;
	t = user == 'o' ? S_ISVTX : 0;
	X = (isdir || (prev & 0111) != 0) ? ((mode_t)01 << sh) : 0;
	switch (perm) {
	case 'r':
		return r;
	case 'w':
		return w;
	case 'x':
		return x;
	case 'X':
		return X;
	case 's':
		return s;
	case 't':
		return t;
	case 'u':
		return (((prev >> 6) & 07) << sh);
	case 'g':
		return (((prev >> 3) & 07) << sh);
	case 'o':
		return ((prev & 07) << sh);
	}
	return 0;
}

int
mode_apply_symbolic(const char *spec, mode_t cur, int isdir, mode_t umask,
    mode_t *out, char **cause)
{
	char		*copy, *clause, *save = NULL;
	const char	*p, *users;
	mode_t		 mode = cur & 07777, apply, mask;
	char		 op, who[4];
	size_t		 nwho, i;
	int		 use_umask;

	copy = xstrdup(spec);
	for (clause = strtok_r(copy, ",", &save); clause != NULL;
	    clause = strtok_r(NULL, ",", &save)) {
		p = clause;
		nwho = strcspn(p, "+-=");
		if (p[nwho] == '\0')
			goto bad;
		use_umask = (nwho == 0);
		if (nwho == 0 || (nwho == 1 && p[0] == 'a'))
			users = "ugo";
		else {
			for (i = 0; i < nwho; i++)
				if (strchr("ugo", p[i]) == NULL)
					goto bad;
			users = NULL;
		}
		memset(who, 0, sizeof who);
		if (users != NULL)
			memcpy(who, users, 3);
		else
			memcpy(who, p, nwho > 3 ? 3 : nwho);
		if (users == NULL && nwho > 3)
			goto bad;
		p += nwho;
		while (*p != '\0') {
			op = *p++;
			if (strchr("+-=", op) == NULL)
				goto bad;
			i = strcspn(p, "+-=");
			const char *perms = p;
			size_t	    nperms = i;
			p += i;
			for (i = 0; i < nperms; i++)
				if (strchr("rwxXstugo", perms[i]) == NULL)
					goto bad;
			for (const char *u = who; *u != '\0'; u++) {
				apply = 0;
				for (i = 0; i < nperms; i++)
					apply |= mode_perm_bits(*u, perms[i],
					    mode, isdir, umask, use_umask);
				switch (op) {
				case '=':
					mask = *u == 'u' ? (S_IRWXU | S_ISUID) :
					    *u == 'g' ? (S_IRWXG | S_ISGID) :
					    (S_IRWXO | S_ISVTX);
					mode = (mode & (mask ^ 07777)) | apply;
					break;
				case '+':
					mode |= apply;
					break;
				case '-':
					mode &= ~apply;
					break;
				}
			}
		}
	}
	free(copy);
	*out = mode & 07777;
	return 0;
bad:
	*cause = xasprintf("bad symbolic permission for mode: %s",
	    clause != NULL ? clause : spec);
	free(copy);
	return -1;
}

int
mode_target(const struct value *v, mode_t cur, int isdir, mode_t umask,
    mode_t *out, char **cause)
{
	int	octal;

	if (mode_parse(v, &octal, cause) != 0)
		return -1;
	if (octal >= 0) {
		*out = (mode_t)octal;
		return 0;
	}
	return mode_apply_symbolic(v->u.str.s, cur, isdir, umask, out, cause);
}

/* The module table. */

const struct module_entry *
module_find(const char *name)
{
	const struct module_entry *const	*mp;
	const struct module_entry		*m;
	const char *const			*ap;
	const char				*base = name;

	if (str_startswith(name, "ansible.builtin."))
		base = name + strlen("ansible.builtin.");
	else if (str_startswith(name, "ansible.legacy."))
		base = name + strlen("ansible.legacy.");
	for (mp = module_table; *mp != NULL; mp++) {
		m = *mp;
		if (strcmp(m->name, base) == 0 || strcmp(m->name, name) == 0)
			return m;
		if (m->aliases == NULL)
			continue;
		for (ap = m->aliases; *ap != NULL; ap++)
			if (strcmp(*ap, name) == 0)
				return m;
	}
	return NULL;
}

/* Module resolution: the C table and the Lua provider, in one order. */

static int	 module_verbosity;
static char	*module_path_copy;	/* for python_module_find */

void
module_configure(const char *module_path, int verbosity)
{
	luamod_configure(module_path);
	module_verbosity = verbosity;
	free(module_path_copy);
	module_path_copy = module_path != NULL ? xstrdup(module_path) : NULL;
}

/*
 * An Ansible (Python) module a task names: NAME.py in a library/ or on
 * the module path.  Only looked for when no module answers the name, so
 * the task can be refused saying why instead of "couldn't resolve".
 */
static char *
python_module_find(const char *base, const char *role_dir,
    const char *playbook_dir)
{
	const char	*dirs[2] = { role_dir, playbook_dir };
	char		*path, *copy, *tok, *save;

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		if (dirs[i] == NULL)
			continue;
		path = xasprintf("%s/library/%s.py", dirs[i], base);
		if (access(path, R_OK) == 0)
			return path;
		free(path);
	}
	if (module_path_copy == NULL)
		return NULL;
	copy = xstrdup(module_path_copy);
	path = NULL;
	for (tok = strtok_r(copy, ":", &save); tok != NULL && path == NULL;
	    tok = strtok_r(NULL, ":", &save)) {
		path = xasprintf("%s/%s.py", tok, base);
		if (access(path, R_OK) != 0) {
			free(path);
			path = NULL;
		}
	}
	free(copy);
	return path;
}

const struct module_entry *
module_resolve(const char *name, const char *role_dir,
    const char *playbook_dir, char **cause)
{
	const struct module_entry	*m = NULL;
	const char			*base = strrchr(name, '.');
	char				*path, *shipped;

	*cause = NULL;
	/* "ansible.posix.sysctl" is sysctl.lua */
	base = base != NULL ? base + 1 : name;
	/* A file on the module path is named on purpose: it wins. */
	if ((path = luamod_locate(LUAMOD_MODULE_PATH, NULL, base)) == NULL) {
		if ((m = module_find(name)) != NULL)
			return m;
		path = luamod_locate(LUAMOD_LIBRARY, role_dir, base);
		if (path == NULL)
			path = luamod_locate(LUAMOD_LIBRARY, playbook_dir,
			    base);
	}
	shipped = luamod_locate(LUAMOD_SHIPPED, NULL, base);
	if (path == NULL) {
		path = shipped;
		shipped = NULL;
	}
	if (path != NULL && shipped != NULL && module_verbosity > 0)
		output_msg("module %s: %s shadows the shipped %s", base, path,
		    shipped);
	if (path != NULL && luamod_load(path, base, &m, cause) != 0)
		m = NULL;
	free(shipped);
	free(path);
	if (m == NULL && *cause == NULL &&
	    (path = python_module_find(base, role_dir, playbook_dir)) != NULL) {
		*cause = xasprintf("'%s' is a Python module: cairn runs "
		    "modules written in Lua, not Python (see "
		    "docs/lua-modules.md to port it)", path);
		free(path);
	}
	return m;
}

/* Argument checking, as Ansible's ArgumentSpecValidator. */

static const struct mod_param *
args_find_param(const struct module_entry *m, const char *key, int *is_alias)
{
	const struct mod_param	*p;
	const char *const	*ap;

	if (m->params == NULL)
		return NULL;
	for (p = m->params; p->name != NULL; p++) {
		if (strcmp(p->name, key) == 0) {
			*is_alias = 0;
			return p;
		}
		if (p->aliases == NULL)
			continue;
		for (ap = p->aliases; *ap != NULL; ap++) {
			if (strcmp(*ap, key) == 0) {
				*is_alias = 1;
				return p;
			}
		}
	}
	return NULL;
}

static int
args_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "a, b (alias1, alias2), c": Ansible's "Supported parameters include". */
static char *
args_supported(const struct module_entry *m)
{
	const struct mod_param	*p;
	struct buf		 b = BUF_INIT, one = BUF_INIT;
	char			**names = NULL, **sorted;
	size_t			 n = 0, i, na;

	for (p = m->params; p != NULL && p->name != NULL; p++) {
		if (p->name[0] == '_')
			continue;
		buf_reset(&one);
		buf_adds(&one, p->name);
		if (p->aliases != NULL && p->aliases[0] != NULL) {
			for (na = 0; p->aliases[na] != NULL; na++)
				;
			sorted = xreallocarray(NULL, na, sizeof *sorted);
			for (i = 0; i < na; i++)
				sorted[i] = (char *)p->aliases[i];
			qsort(sorted, na, sizeof *sorted, args_name_cmp);
			buf_adds(&one, " (");
			for (i = 0; i < na; i++)
				buf_addf(&one, "%s%s", i ? ", " : "", sorted[i]);
			buf_adds(&one, ")");
			free(sorted);
		}
		names = xreallocarray(names, n + 1, sizeof *names);
		names[n++] = buf_detach(&one, NULL);
	}
	if (n > 0)
		qsort(names, n, sizeof *names, args_name_cmp);
	for (i = 0; i < n; i++) {
		buf_addf(&b, "%s%s", i ? ", " : "", names[i]);
		free(names[i]);
	}
	free(names);
	buf_release(&one);
	return buf_detach(&b, NULL);
}

/* Python's int(): optional sign, digits, underscores between digits, spaces. */
static int
args_parse_int(const char *s, long long *out)
{
	struct buf	 b = BUF_INIT;
	char		*t, *end;
	long long	 n;
	int		 ok;

	t = xstrdup(s);
	str_trim(t);
	for (char *p = t; *p != '\0'; p++) {
		if (*p == '_' && p != t && isdigit((unsigned char)p[-1]) &&
		    isdigit((unsigned char)p[1]))
			continue;
		buf_addc(&b, *p);
	}
	free(t);
	t = buf_detach(&b, NULL);
	errno = 0;
	n = strtoll(t, &end, 10);
	ok = (*t != '\0' && *end == '\0' && errno == 0 &&
	    !isspace((unsigned char)*t));
	free(t);
	if (ok)
		*out = n;
	return ok ? 0 : -1;
}

/*
 * "k=v k2='v 2',k3=v3" into a dict, as Ansible's check_type_dict: fields
 * split on spaces or commas outside quotes, backslash escapes.
 */
static struct value *
args_parse_kv(const char *s)
{
	struct value	*d = value_dict();
	struct buf	 f = BUF_INIT;
	const char	*p;
	char		 quote = 0, *field, *eq;
	int		 have = 0;

	for (p = s;; p++) {
		if (*p != '\0' && *p == '\\' && p[1] != '\0') {
			buf_addc(&f, *++p);
			have = 1;
			continue;
		}
		if (*p != '\0' && quote != 0) {
			if (*p == quote)
				quote = 0;
			else
				buf_addc(&f, *p);
			continue;
		}
		if (*p == '\'' || *p == '"') {
			quote = *p;
			have = 1;
			continue;
		}
		if (*p == '\0' || *p == ' ' || *p == ',') {
			if (have) {
				field = buf_detach(&f, NULL);
				if ((eq = strchr(field, '=')) == NULL) {
					free(field);
					value_unref(d);
					buf_release(&f);
					return NULL;
				}
				*eq = '\0';
				value_dict_setstr(d, field, eq + 1);
				free(field);
				have = 0;
			}
			if (*p == '\0')
				break;
			continue;
		}
		buf_addc(&f, *p);
		have = 1;
	}
	buf_release(&f);
	return d;
}

/*
 * Converts one value to a parameter's type; returns a new reference, or
 * NULL and *cause in Ansible's words.
 */
static struct value *
args_convert(const struct mod_param *p, struct value *v, char **cause)
{
	struct value	*out;
	long long	 n;
	double		 f;
	char		*s, *end, *save = NULL, *tok;
	int		 b;

	switch (p->type) {
	case P_RAW:
		return value_ref(v);
	case P_STR:
	case P_PATH:
		if (v->type == V_STR)
			return value_ref(v);
		if (v->type == V_LIST || v->type == V_DICT)
			goto fail;
		out = value_str_take(value_to_string(v));
		out->flags = v->flags;
		out->loc = v->loc;
		return out;
	case P_BOOL:
		if (v->type == V_BOOL)
			return value_ref(v);
		if (v->type == V_STR || v->type == V_INT || v->type == V_FLOAT) {
			if ((b = value_as_bool(v)) != -1 &&
			    !(v->type == V_STR && v->u.str.len == 0))
				return value_bool(b);
			s = value_to_string(v);
			*cause = xasprintf("argument '%s' is of type %s and we "
			    "were unable to convert to bool: the value '%s' is "
			    "not a valid boolean.  Valid booleans include: 0, "
			    "'0', 'f', 'false', 'n', 'no', 'off', 'on', 't', "
			    "'true', 'y', 'yes', 1, '1'", p->name,
			    value_type_name(v->type), s);
			free(s);
			return NULL;
		}
		goto fail;
	case P_INT:
		if (v->type == V_INT)
			return value_ref(v);
		if (v->type == V_BOOL)
			return value_int(v->u.b);
		if (v->type == V_FLOAT && v->u.f == (double)(long long)v->u.f)
			return value_int((long long)v->u.f);
		if (v->type == V_STR && args_parse_int(v->u.str.s, &n) == 0)
			return value_int(n);
		goto fail;
	case P_FLOAT:
		if (v->type == V_FLOAT)
			return value_ref(v);
		if (v->type == V_INT)
			return value_float((double)v->u.i);
		if (v->type == V_STR) {
			errno = 0;
			f = strtod(v->u.str.s, &end);
			if (end != v->u.str.s && *end == '\0' && errno == 0)
				return value_float(f);
		}
		goto fail;
	case P_LIST:
		if (v->type == V_LIST)
			return value_ref(v);
		if (v->type == V_STR) {
			/* Python's str.split(","): "" gives [""], "a," ["a", ""]. */
			out = value_list();
			s = xstrdup(v->u.str.s);
			for (tok = s;; tok = save + 1) {
				if ((save = strchr(tok, ',')) != NULL)
					*save = '\0';
				value_list_append(out, value_str(tok));
				if (save == NULL)
					break;
			}
			free(s);
			return out;
		}
		if (v->type == V_INT || v->type == V_FLOAT ||
		    v->type == V_BOOL) {
			out = value_list();
			value_list_append(out, value_str_take(
			    value_to_string(v)));
			return out;
		}
		goto fail;
	case P_DICT:
		if (v->type == V_DICT)
			return value_ref(v);
		if (v->type == V_STR) {
			s = v->u.str.s;
			while (*s == ' ')
				s++;
			if (*s == '{') {
				out = value_from_json(s, strlen(s), &end);
				if (out != NULL && out->type == V_DICT)
					return out;
				if (out == NULL)
					free(end);
				value_unref(out);
				goto fail;
			}
			if ((out = args_parse_kv(s)) != NULL)
				return out;
			*cause = xasprintf("argument '%s' is of type str and "
			    "we were unable to convert to dict: dictionary "
			    "requested, could not parse JSON or key=value",
			    p->name);
			return NULL;
		}
		goto fail;
	}
fail:
	{
		static const char *const names[] = { "str", "bool", "int",
		    "float", "path", "list", "dict", "raw" };

		*cause = xasprintf("argument '%s' is of type %s and we were "
		    "unable to convert to %s", p->name,
		    value_type_name(v->type), names[p->type]);
	}
	return NULL;
}

static int
args_check_choices(const struct module_entry *m, const struct mod_param *p,
    struct value *v, char **cause)
{
	const char *const	*cp;
	struct buf		 b = BUF_INIT;
	char			*s;
	size_t			 i;

	if (p->choices == NULL)
		return 0;
	if (v->type == V_LIST) {
		for (i = 0; i < v->u.list.n; i++)
			if (args_check_choices(m, p, v->u.list.items[i],
			    cause) != 0)
				return -1;
		return 0;
	}
	s = value_to_string(v);
	for (cp = p->choices; *cp != NULL; cp++) {
		if (strcmp(*cp, s) == 0) {
			free(s);
			return 0;
		}
	}
	for (cp = p->choices; *cp != NULL; cp++)
		buf_addf(&b, "%s%s", cp == p->choices ? "" : ", ", *cp);
	*cause = xasprintf("value of %s must be one of: %s, got: %s", p->name,
	    buf_cstr(&b), s);
	buf_release(&b);
	free(s);
	return -1;
}

static void
args_mark_secret(struct value *v)
{
	size_t	i;

	v->flags |= VALUE_SECRET;
	if (v->type == V_LIST)
		for (i = 0; i < v->u.list.n; i++)
			args_mark_secret(v->u.list.items[i]);
	else if (v->type == V_DICT)
		for (i = 0; i < v->u.dict.n; i++)
			args_mark_secret(v->u.dict.vals[i]);
}

int
module_prepare_args(const struct module_entry *m, struct value *raw,
    int flags, struct mod_args *out, char **cause)
{
	const struct mod_param	*p;
	struct value		*args, *v, *c, *given;
	struct buf		 missing = BUF_INIT;
	const char		*key, **seen_as = NULL;
	size_t			 i, np = 0;
	int			 is_alias;
	char			*supported;

	out->v = NULL;
	if (raw != NULL && raw->type != V_DICT && raw->type != V_NULL) {
		*cause = xasprintf("arguments of module '%s' must be a dict, "
		    "not %s", m->name, value_type_name(raw->type));
		return -1;
	}
	for (p = m->params; p != NULL && p->name != NULL; p++)
		np++;
	seen_as = xcalloc(np + 1, sizeof *seen_as);
	given = value_dict();
	args = value_dict();

	/* Aliases to canonical names; unknown names refused. */
	for (i = 0; raw != NULL && raw->type == V_DICT && i < raw->u.dict.n;
	    i++) {
		key = raw->u.dict.keys[i];
		v = raw->u.dict.vals[i];
		if ((p = args_find_param(m, key, &is_alias)) == NULL) {
			if (m->flags & MOD_ANY_PARAMS) {
				value_dict_set(args, key, value_ref(v));
				continue;
			}
			supported = args_supported(m);
			*cause = xasprintf("unsupported parameter '%s' for "
			    "module '%s'. Supported parameters include: %s",
			    key, m->name, supported);
			free(supported);
			goto fail;
		}
		if (seen_as[p - m->params] != NULL) {
			*cause = xasprintf("parameter '%s' given twice, as "
			    "'%s' and '%s'", p->name, seen_as[p - m->params],
			    key);
			goto fail;
		}
		seen_as[p - m->params] = key;
		value_dict_set(given, p->name, value_ref(v));
	}

	/* Required, types, choices, defaults in table order. */
	for (p = m->params; p != NULL && p->name != NULL; p++) {
		v = value_dict_get(given, p->name);
		if (v == NULL || v->type == V_NULL) {
			if (p->flags & P_REQUIRED) {
				buf_addf(&missing, "%s%s", missing.len ? ", " :
				    "", p->name);
				continue;
			}
			if (p->def == NULL)
				continue;
			v = value_str(p->def);
			c = args_convert(p, v, cause);
			value_unref(v);
			if (c == NULL)
				fatal("module %s: bad default for %s: %s",
				    m->name, p->name, *cause);
			value_dict_set(args, p->name, c);
			continue;
		}
		if ((flags & ARGS_STATIC) && value_is_template(v)) {
			/* Checked again per host, once rendered. */
			value_dict_set(args, p->name, value_ref(v));
			continue;
		}
		if ((c = args_convert(p, v, cause)) == NULL)
			goto fail;
		if (args_check_choices(m, p, c, cause) != 0) {
			value_unref(c);
			goto fail;
		}
		if (p->flags & P_SECRET) {
			if (c == v) {
				value_unref(c);
				c = value_copy(v);
			}
			args_mark_secret(c);
		}
		value_dict_set(args, p->name, c);
	}
	if (missing.len > 0) {
		*cause = xasprintf("missing required arguments: %s",
		    buf_cstr(&missing));
		goto fail;
	}
	out->v = args;
	if (m->validate != NULL) {
		if (m->validate(out, cause) != 0) {
			out->v = NULL;
			goto fail;
		}
	}
	buf_release(&missing);
	value_unref(given);
	free(seen_as);
	return 0;
fail:
	buf_release(&missing);
	value_unref(given);
	value_unref(args);
	free(seen_as);
	return -1;
}
