/*
 * Lookup plugins: lookup()/query() on the controller, one small function
 * per plugin, as ansible-core 2.14's lookup plugins give their results.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "expr-internal.h"
#include "loop.h"
#include "regex.h"
#include "vault.h"

/*
 * A plugin gets all its terms (the lookup's positional arguments after the
 * name) and the keyword arguments, and appends its results to acc.
 */
typedef int	lookup_fn(struct eval *, struct value *terms,
		    const struct expr_args *, struct value *acc, char **);

struct lookup_plugin {
	const char	*name;
	lookup_fn	*fn;
};

/* A variable of the scope as a malloc'd string, or NULL. */
static char *
lookup_var_str(struct eval *ev, const char *name)
{
	struct value	*v = NULL;
	char		*s = NULL;

	if (ev->scope != NULL && ev->scope->lookup != NULL)
		v = ev->scope->lookup(ev->scope->ud, name);
	if (v != NULL && v->type == V_STR && v->u.str.len > 0)
		s = xstrdup(v->u.str.s);
	value_unref(v);
	return s;
}

/*
 * Ansible's search path for a relative name (DataLoader's
 * path_dwim_relative_stack): the role's SUBDIR/, the role, its tasks/,
 * then the playbook's SUBDIR/ and the playbook's directory.  A name that
 * already starts with "SUBDIR/" is not given the subdir twice.
 */
char *
lookup_find_file(struct eval *ev, const char *subdir, const char *name)
{
	const char	*vars[] = { "role_path", "playbook_dir" };
	char		*dir, *path = NULL, *home;
	size_t		 i, l = strlen(subdir);
	int		 has_sub;

	if (name[0] == '~' && name[1] == '/' && (home = getenv("HOME")) !=
	    NULL) {
		path = xasprintf("%s%s", home, name + 1);
		if (access(path, F_OK) == 0)
			return path;
		free(path);
		return NULL;
	}
	if (name[0] == '/')
		return access(name, F_OK) == 0 ? xstrdup(name) : NULL;
	has_sub = strncmp(name, subdir, l) == 0 && name[l] == '/';
	for (i = 0; i < ARRAY_SIZE(vars) && path == NULL; i++) {
		if ((dir = lookup_var_str(ev, vars[i])) == NULL)
			continue;
		if (!has_sub)
			path = path_try(dir, subdir, name);
		if (path == NULL)
			path = path_try(dir, NULL, name);
		if (path == NULL && i == 0)
			path = path_try(dir, "tasks", name);
		free(dir);
	}
	if (path == NULL && (path = path_try(".", has_sub ? NULL : subdir,
	    name)) == NULL)
		path = path_try(".", NULL, name);
	return path;
}

/* An option: a "key=value" word of the term first, then the keyword. */
static const char *
lookup_opt(const struct value *params, const struct expr_args *a,
    const char *key, const char *def)
{
	const struct value	*v;

	if (params != NULL && (v = value_dict_get(params, key)) != NULL &&
	    v->type == V_STR)
		return v->u.str.s;
	return expr_arg_str(a, 99, key, def);
}

/*
 * Splits "name k=v k='v w'" (Ansible's parse_kv) into the leading words,
 * in *raw, and a dict of the options.
 */
static struct value *
lookup_parse_kv(const char *s, char **raw)
{
	struct value	*d = value_dict();
	struct buf	 w = BUF_INIT, r = BUF_INIT;
	char		 q;
	const char	*eq;
	char		*word;

	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			break;
		buf_reset(&w);
		for (q = 0; *s != '\0' && (q != 0 || (*s != ' ' &&
		    *s != '\t')); s++) {
			if (q == 0 && (*s == '\'' || *s == '"'))
				q = *s;
			else if (q != 0 && *s == q)
				q = 0;
			else
				buf_addc(&w, *s);
		}
		word = buf_detach(&w, NULL);
		if ((eq = strchr(word, '=')) != NULL && eq != word) {
			word[eq - word] = '\0';
			value_dict_setstr(d, word, eq + 1);
		} else {
			if (r.len > 0)
				buf_addc(&r, ' ');
			buf_adds(&r, word);
		}
		free(word);
	}
	buf_release(&w);
	*raw = buf_detach(&r, NULL);
	return d;
}

/* A term as a string (malloc'd); every plugin but the list ones wants one. */
static char *
lookup_term(struct value *terms, size_t i)
{
	return expr_str_of(terms->u.list.items[i]);
}

/* Runs one(term) for each term as a string: the plugins of "key k=v" terms. */
typedef int	lookup_one_fn(struct eval *, const char *,
		    const struct expr_args *, struct value *, char **);

static int
lookup_each(struct eval *ev, struct value *terms, const struct expr_args *a,
    struct value *acc, char **cause, lookup_one_fn *one)
{
	char	*s;
	int	 r;

	for (size_t i = 0; i < terms->u.list.n; i++) {
		s = lookup_term(terms, i);
		r = one(ev, s, a, acc, cause);
		free(s);
		if (r != 0)
			return -1;
	}
	return 0;
}

/* Runs a command on the controller: 0 and its output, or -1 and *cause. */
static int
lookup_command(const char *plugin, const char *cmd, struct buf *out,
    char **cause)
{
	FILE	*f;
	char	 chunk[4096];
	size_t	 n;
	int	 st;

	fflush(NULL);
	if ((f = popen(cmd, "r")) == NULL)
		return expr_fail(cause, "lookup_plugin.%s(%s): %s", plugin, cmd,
		    strerror(errno));
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(out, chunk, n);
	st = pclose(f);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return expr_fail(cause, "lookup_plugin.%s(%s) returned %d",
		    plugin, cmd, st != -1 && WIFEXITED(st) ?
		    WEXITSTATUS(st) : -1);
	return 0;
}

static void
lookup_rstrip(struct buf *b)
{
	while (b->len > 0 && (b->s[b->len - 1] == '\n' ||
	    b->s[b->len - 1] == '\r' || b->s[b->len - 1] == ' ' ||
	    b->s[b->len - 1] == '\t'))
		b->s[--b->len] = '\0';
}

/* env: the variables' values, '' (or default=) when unset. */
static int
lookup_env(struct eval *ev, struct value *terms, const struct expr_args *a,
    struct value *acc, char **cause)
{
	const char	*e, *d = expr_arg_str(a, 99, "default", "");
	char		*s;

	(void)ev;
	(void)cause;
	for (size_t i = 0; i < terms->u.list.n; i++) {
		s = lookup_term(terms, i);
		e = getenv(s);
		value_list_append(acc, value_str(e != NULL ? e : d));
		free(s);
	}
	return 0;
}

/* file: a controller file under files/, stripped as rstrip=/lstrip= say. */
static int
lookup_file(struct eval *ev, struct value *terms, const struct expr_args *a,
    struct value *acc, char **cause)
{
	struct buf	 b = BUF_INIT;
	char		*s, *path;
	size_t		 k;
	int		 r;

	for (size_t i = 0; i < terms->u.list.n; i++) {
		s = lookup_term(terms, i);
		if ((path = lookup_find_file(ev, "files", s)) == NULL)
			path = xstrdup(s);
		free(s);
		if ((r = read_file(path, &b)) != 0) {
			expr_fail(cause, "could not read file '%s': %s", path,
			    strerror(-r));
			free(path);
			return -1;
		}
		free(path);
		if (expr_arg_bool(a, 99, "rstrip", 1))
			lookup_rstrip(&b);
		if (expr_arg_bool(a, 99, "lstrip", 0)) {
			for (k = 0; k < b.len && strchr(" \t\r\n", b.s[k]);
			    k++)
				;
			value_list_append(acc, value_strn(b.s + k, b.len - k));
			buf_release(&b);
		} else
			value_list_append(acc, expr_str_buf(&b));
	}
	return 0;
}

/*
 * Term i found by the search path under subdir and read: 0 with *path
 * (malloc'd) and b, or -1 and *cause (missing: a format for the term).
 */
static int
lookup_read_found(struct eval *ev, struct value *terms, size_t i,
    const char *subdir, const char *missing, char **path, struct buf *b,
    char **cause)
{
	char	*s = lookup_term(terms, i);
	int	 r;

	if ((*path = lookup_find_file(ev, subdir, s)) == NULL) {
		free(*cause);
		*cause = xasprintf(missing, s);
		free(s);
		return -1;
	}
	free(s);
	if ((r = read_file(*path, b)) != 0) {
		expr_fail(cause, "could not read file '%s': %s", *path,
		    strerror(-r));
		free(*path);
		*path = NULL;
		return -1;
	}
	return 0;
}

/*
 * unvault: a controller file (searched as file does) decrypted with the
 * run's vault secrets, or as it is when not encrypted; no stripping.
 */
static int
lookup_unvault(struct eval *ev, struct value *terms, const struct expr_args *a,
    struct value *acc, char **cause)
{
	struct buf	 b = BUF_INIT, plain = BUF_INIT;
	struct value	*v;
	char		*path, *why = NULL;
	int		 r;

	(void)a;
	for (size_t i = 0; i < terms->u.list.n; i++) {
		if (lookup_read_found(ev, terms, i, "files", "Unable to find "
		    "'%s' in expected paths", &path, &b, cause) != 0)
			return -1;
		if (!vault_is_encrypted(buf_cstr(&b), b.len)) {
			free(path);
			value_list_append(acc, expr_str_buf(&b));
			continue;
		}
		r = vault_decrypt(vault_get_secrets(), buf_cstr(&b), b.len,
		    path, &plain, NULL, &why);
		buf_release(&b);
		free(path);
		if (r != 0) {
			expr_fail(cause, "%s", why);
			free(why);
			buf_release(&plain);
			return -1;
		}
		v = expr_str_buf(&plain);
		v->flags |= VALUE_SECRET;
		value_list_append(acc, v);
	}
	return 0;
}

/* template: a file under templates/ rendered with the current variables. */
static int
lookup_template(struct eval *ev, struct value *terms,
    const struct expr_args *a, struct value *acc, char **cause)
{
	struct template_opts	 o;
	struct buf		 b = BUF_INIT;
	struct value		*v, *tv = expr_arg(a, 99, "template_vars");
	char			*path, *why = NULL, *dir;
	int			 r;

	template_opts_init(&o);
	o.variable_start = expr_arg_str(a, 99, "variable_start_string", "{{");
	o.variable_end = expr_arg_str(a, 99, "variable_end_string", "}}");
	o.comment_start = expr_arg_str(a, 99, "comment_start_string", "{#");
	o.comment_end = expr_arg_str(a, 99, "comment_end_string", "#}");
	o.keep_trailing_newline = 1;
	for (size_t i = 0; i < terms->u.list.n; i++) {
		if (lookup_read_found(ev, terms, i, "templates", "the template "
		    "file %s could not be found for the lookup", &path, &b,
		    cause) != 0)
			return -1;
		expr_push_frame(ev);
		if (tv != NULL && tv->type == V_DICT)
			for (size_t k = 0; k < tv->u.dict.n; k++)
				expr_set_local(ev, tv->u.dict.keys[k],
				    value_ref(tv->u.dict.vals[k]));
		/* includes are searched in the template's directory too */
		dir = xstrdup(path);
		if (strrchr(dir, '/') != NULL)
			*strrchr(dir, '/') = '\0';
		o.dir = dir;
		r = template_render_opts(ev, buf_cstr(&b), &o, &v, &why);
		o.dir = NULL;
		free(dir);
		expr_pop_frame(ev);
		buf_release(&b);
		if (r != 0) {
			expr_fail(cause, "%s (in %s)", why, path);
			free(why);
			free(path);
			return -1;
		}
		free(path);
		value_list_append(acc, v);
	}
	return 0;
}

/* pipe: a command's output on the controller, trailing space stripped. */
static int
lookup_pipe(struct eval *ev, struct value *terms, const struct expr_args *a,
    struct value *acc, char **cause)
{
	struct buf	 b = BUF_INIT;
	char		*s;
	int		 r;

	(void)ev;
	(void)a;
	for (size_t i = 0; i < terms->u.list.n; i++) {
		s = lookup_term(terms, i);
		r = lookup_command("pipe", s, &b, cause);
		free(s);
		if (r != 0) {
			buf_release(&b);
			return -1;
		}
		lookup_rstrip(&b);
		value_list_append(acc, expr_str_buf(&b));
	}
	return 0;
}

/* lines: each line of a command's output is an item. */
static int
lookup_lines(struct eval *ev, struct value *terms, const struct expr_args *a,
    struct value *acc, char **cause)
{
	struct buf	 b = BUF_INIT;
	const char	*p, *nl;
	char		*s;
	int		 r;

	(void)ev;
	(void)a;
	for (size_t i = 0; i < terms->u.list.n; i++) {
		s = lookup_term(terms, i);
		r = lookup_command("lines", s, &b, cause);
		free(s);
		if (r != 0) {
			buf_release(&b);
			return -1;
		}
		/* Python's splitlines(): no empty item for the last newline */
		for (p = buf_cstr(&b); *p != '\0'; p = nl + 1) {
			if ((nl = strchr(p, '\n')) == NULL) {
				value_list_append(acc, value_str(p));
				break;
			}
			value_list_append(acc, value_strn(p, (size_t)(nl - p) -
			    (nl > p && nl[-1] == '\r')));
		}
		buf_reset(&b);
	}
	buf_release(&b);
	return 0;
}

/* vars: the (rendered) values of variables by name. */
static int
lookup_vars(struct eval *ev, struct value *terms, const struct expr_args *a,
    struct value *acc, char **cause)
{
	struct value	*v, *out, *d = expr_arg(a, 99, "default");
	char		*s;

	for (size_t i = 0; i < terms->u.list.n; i++) {
		s = lookup_term(terms, i);
		v = NULL;
		if (ev->scope != NULL && ev->scope->lookup != NULL)
			v = ev->scope->lookup(ev->scope->ud, s);
		if (v == NULL && d != NULL) {
			value_list_append(acc, value_ref(d));
			free(s);
			continue;
		}
		if (v == NULL) {
			expr_fail(cause, "no variable found with this name: %s",
			    s);
			free(s);
			return -1;
		}
		free(s);
		if (template_value_eval(ev, v, &out, cause) != 0) {
			value_unref(v);
			return -1;
		}
		value_unref(v);
		value_list_append(acc, out);
	}
	return 0;
}

/* varnames: the names of the variables a regular expression finds. */
static int
lookup_varnames(struct eval *ev, struct value *terms,
    const struct expr_args *a, struct value *acc, char **cause)
{
	struct value	*names = NULL, *found;
	struct regex	*re;
	const char	*name;
	char		*s;
	size_t		 k;
	int		 r = 0, m;

	(void)a;
	if (ev->scope != NULL && ev->scope->names != NULL)
		names = ev->scope->names(ev->scope->ud);
	if (names == NULL)
		names = value_list();
	for (size_t i = 0; i < terms->u.list.n && r == 0; i++) {
		s = lookup_term(terms, i);
		re = regex_compile(s, 0, cause);
		free(s);
		if (re == NULL) {
			r = -1;
			break;
		}
		/* each term's names in the scope's order, each once */
		found = value_list();
		for (k = 0; k < names->u.list.n; k++) {
			name = names->u.list.items[k]->u.str.s;
			if ((m = regex_search(re, name, strlen(name), 0, NULL,
			    cause)) < 0) {
				r = -1;
				break;
			}
			if (m == 1 && !expr_list_has(found,
			    names->u.list.items[k]))
				value_list_append(found,
				    value_ref(names->u.list.items[k]));
		}
		for (k = 0; k < found->u.list.n; k++)
			value_list_append(acc, value_ref(found->u.list.items[k]));
		value_unref(found);
		regex_free(re);
	}
	value_unref(names);
	return r;
}

/* The characters of password's chars=: Python's string constants or text. */
static void
password_chars(const char *spec, struct buf *set)
{
	static const struct {
		const char	*name;
		const char	*chars;
	} named[] = {
		{ "ascii_letters", "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ" },
		{ "ascii_lowercase", "abcdefghijklmnopqrstuvwxyz" },
		{ "ascii_uppercase", "ABCDEFGHIJKLMNOPQRSTUVWXYZ" },
		{ "digits", "0123456789" },
		{ "hexdigits", "0123456789abcdefABCDEF" },
		{ "octdigits", "01234567" },
		{ "punctuation", "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~" },
		{ "letters", "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ" },
	};
	const char	*p = spec, *c;
	size_t		 l, k;

	/* "," separates; ",," is a literal comma */
	while (*p != '\0') {
		if (p[0] == ',' && p[1] == ',') {
			buf_addc(set, ',');
			p += 2;
			continue;
		}
		if (*p == ',') {
			p++;
			continue;
		}
		for (c = p; *c != '\0' && *c != ','; c++)
			;
		l = (size_t)(c - p);
		for (k = 0; k < ARRAY_SIZE(named); k++)
			if (strlen(named[k].name) == l &&
			    strncmp(named[k].name, p, l) == 0)
				break;
		if (k < ARRAY_SIZE(named))
			buf_adds(set, named[k].chars);
		else
			buf_add(set, p, l);
		p = c;
	}
}

/*
 * Random numbers for password: the kernel's, or with seed= a generator
 * seeded from the seed's text (the same on every run, though not the
 * characters Python's random.Random(seed) would choose).
 */
struct password_rng {
	int		seeded;
	unsigned long long state;
};

static unsigned long long
password_next(struct password_rng *g)
{
	unsigned long long	x;

	if (!g->seeded) {
		if (getentropy(&x, sizeof x) != 0)
			x = (unsigned long long)time(NULL) ^
			    (unsigned long long)getpid() << 32;
		return x;
	}
	/* splitmix64 */
	x = (g->state += 0x9e3779b97f4a7c15ULL);
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static char *
password_random(struct password_rng *g, const char *set, size_t setlen,
    long long length)
{
	char	*p = xmalloc((size_t)length + 1);

	for (long long i = 0; i < length; i++)
		p[i] = set[password_next(g) % setlen];
	p[length] = '\0';
	return p;
}

/* mkdir -p with mode 0700, as Ansible makes the password file's directory. */
static int
password_mkdirs(const char *path)
{
	char	*d = xstrdup(path), *p;

	for (p = d + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(d, 0700) != 0 && errno != EEXIST) {
			free(d);
			return -errno;
		}
		*p = '/';
	}
	free(d);
	return 0;
}

/* The password file's path: relative ones are the playbook's. */
static char *
password_path(struct eval *ev, const char *raw)
{
	char	*dir, *path;

	if (raw[0] == '/')
		return xstrdup(raw);
	dir = lookup_var_str(ev, "playbook_dir");
	path = xasprintf("%s/%s", dir != NULL ? dir : ".", raw);
	free(dir);
	return path;
}

/* Writes "secret[ salt=SALT]\n" to a new 0600 file. */
static int
password_store(const char *path, const char *secret, const char *salt,
    char **cause)
{
	struct buf	b = BUF_INIT;
	int		fd, r = 0;

	if (password_mkdirs(path) != 0 || (fd = open(path, O_WRONLY | O_CREAT |
	    O_TRUNC | O_CLOEXEC, 0600)) == -1)
		return expr_fail(cause, "cannot write password file '%s': %s",
		    path, strerror(errno));
	buf_adds(&b, secret);
	if (salt != NULL)
		buf_addf(&b, " salt=%s", salt);
	buf_addc(&b, '\n');
	if (write(fd, b.s, b.len) != (ssize_t)b.len)
		r = expr_fail(cause, "cannot write password file '%s': %s",
		    path, strerror(errno));
	if (close(fd) != 0 && r == 0)
		r = expr_fail(cause, "cannot write password file '%s': %s",
		    path, strerror(errno));
	explicit_bzero(b.s, b.len);
	buf_release(&b);
	return r;
}

/* The secret of one term: read from its file, or made and stored there. */
static int
password_one(struct eval *ev, const char *term, const struct expr_args *a,
    struct value *acc, char **cause)
{
	struct password_rng	 g;
	struct value		*params, *pw, *h = NULL, *hargs[2];
	struct expr_args	 ha;
	struct buf		 b = BUF_INIT, set = BUF_INIT;
	const char		*chars, *encrypt, *seed, *lenstr, *p;
	char			*raw, *path = NULL, *secret = NULL, *salt = NULL;
	char			*end, *q;
	long long		 length;
	int			 r = -1;

	params = lookup_parse_kv(term, &raw);
	chars = lookup_opt(params, a, "chars", "ascii_letters,digits,.,,:-_");
	encrypt = lookup_opt(params, a, "encrypt", NULL);
	seed = lookup_opt(params, a, "seed", NULL);
	lenstr = lookup_opt(params, a, "length", "20");
	length = strtoll(lenstr, &end, 10);
	if (*raw == '\0') {
		expr_fail(cause, "password lookup needs a file path");
		goto out;
	}
	if (*end != '\0' || length <= 0 || length > 4096) {
		expr_fail(cause, "password length must be 1 to 4096, not '%s'",
		    lenstr);
		goto out;
	}
	password_chars(chars, &set);
	if (set.len == 0) {
		expr_fail(cause, "password chars '%s' give no characters",
		    chars);
		goto out;
	}
	memset(&g, 0, sizeof g);
	if (seed != NULL) {
		g.seeded = 1;
		for (p = seed; *p != '\0'; p++)
			g.state = (g.state ^ (unsigned char)*p) *
			    1099511628211ULL;
	}
	path = password_path(ev, raw);
	if (strcmp(path, "/dev/null") != 0 && read_file(path, &b) == 0) {
		lookup_rstrip(&b);
		secret = buf_detach(&b, NULL);
		/* "secret salt=SALT ident=ID": cairn's hashes need no ident */
		if ((q = strstr(secret, " ident=")) != NULL)
			*q = '\0';
		if ((q = strstr(secret, " salt=")) != NULL) {
			*q = '\0';
			salt = xstrdup(q + 6);
		}
	} else {
		secret = password_random(&g, set.s, set.len, length);
		if (encrypt != NULL)
			/* Ansible's salt: 8 of [./0-9A-Za-z] */
			salt = password_random(&g, "./0123456789"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "abcdefghijklmnopqrstuvwxyz", 64, 8);
		if (strcmp(path, "/dev/null") != 0 &&
		    password_store(path, secret, salt, cause) != 0)
			goto out;
	}
	pw = value_str(secret);
	pw->flags |= VALUE_UNSAFE;
	if (encrypt == NULL) {
		value_list_append(acc, pw);
		r = 0;
		goto out;
	}
	if (salt == NULL)
		salt = password_random(&g, "./0123456789"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
		    64, 8);
	memset(&ha, 0, sizeof ha);
	hargs[0] = value_str(encrypt);
	hargs[1] = value_str(salt);
	ha.pos = hargs;
	ha.npos = 2;
	r = expr_call_filter(ev, "password_hash", pw, &ha, &h, cause);
	value_unref(hargs[0]);
	value_unref(hargs[1]);
	value_unref(pw);
	if (r == 0)
		value_list_append(acc, h);
out:
	if (secret != NULL)
		explicit_bzero(secret, strlen(secret));
	free(secret);
	free(salt);
	free(path);
	free(raw);
	if (b.s != NULL)
		explicit_bzero(b.s, b.len);
	buf_release(&b);
	buf_release(&set);
	value_unref(params);
	return r;
}

/*
 * password: the secret kept in a controller file, made there the first
 * time (chars=, length=, seed=), or with encrypt= its crypt(3) hash with a
 * salt kept beside it in the file ("secret salt=..."), as Ansible does.
 */
static int
lookup_password(struct eval *ev, struct value *terms,
    const struct expr_args *a, struct value *acc, char **cause)
{
	return lookup_each(ev, terms, a, acc, cause, password_one);
}

/* fileglob: regular files matching, under files/ when relative. */
static int
lookup_fileglob(struct eval *ev, struct value *terms,
    const struct expr_args *a, struct value *acc, char **cause)
{
	struct stat	 st;
	glob_t		 gl;
	char		*s, *dir, *slash, *pat, *abs;
	const char	*base;

	(void)a;
	(void)cause;
	for (size_t i = 0; i < terms->u.list.n; i++) {
		s = lookup_term(terms, i);
		if ((slash = strrchr(s, '/')) != NULL) {
			*slash = '\0';
			base = slash + 1;
			dir = s[0] == '\0' ? xstrdup("/") :
			    lookup_find_file(ev, "files", s);
		} else {
			base = s;
			dir = lookup_find_file(ev, "files", ".");
			/* "." is found in the role or playbook: files/ first */
		}
		if (dir != NULL) {
			abs = realpath(dir, NULL);
			pat = xasprintf("%s/%s", abs != NULL ? abs : dir, base);
			free(abs);
			memset(&gl, 0, sizeof gl);
			if (glob(pat, 0, NULL, &gl) == 0)
				for (size_t k = 0; k < gl.gl_pathc; k++)
					if (stat(gl.gl_pathv[k], &st) == 0 &&
					    S_ISREG(st.st_mode))
						value_list_append(acc,
						    value_str(gl.gl_pathv[k]));
			globfree(&gl);
			free(pat);
			free(dir);
		}
		free(s);
	}
	return 0;
}

/* Appends the words of v split on any of seps (first_found's lists). */
static void
first_found_split(struct value *into, const struct value *v, const char *seps)
{
	const char	*p, *q;

	if (v == NULL)
		return;
	if (v->type == V_LIST) {
		for (size_t i = 0; i < v->u.list.n; i++)
			first_found_split(into, v->u.list.items[i], seps);
		return;
	}
	if (v->type != V_STR)
		return;
	for (p = v->u.str.s; *p != '\0'; p = *q != '\0' ? q + 1 : q) {
		q = p + strcspn(p, seps);
		if (q > p)
			value_list_append(into, value_strn(p, (size_t)(q - p)));
	}
}

/*
 * first_found: the first existing file of files x paths, terms being
 * names, lists of names or {files:, paths:, skip:} dicts; relative names
 * are searched as the file lookup searches (the role's files/, the role,
 * its tasks/, the playbook).
 */
static int
lookup_first_found(struct eval *ev, struct value *terms,
    const struct expr_args *a, struct value *acc, char **cause)
{
	struct value	*files = value_list(), *paths = value_list(), *t;
	char		*cand, *found = NULL;
	const char	*f;
	int		 skip = expr_arg_bool(a, 99, "skip", 0);
	size_t		 i, j;

	first_found_split(files, expr_arg(a, 99, "files"), ",;");
	first_found_split(paths, expr_arg(a, 99, "paths"), ",:;");
	for (i = 0; i < terms->u.list.n; i++) {
		t = terms->u.list.items[i];
		if (t->type == V_DICT) {
			first_found_split(files, value_dict_get(t, "files"),
			    ",;");
			first_found_split(paths, value_dict_get(t, "paths"),
			    ",:;");
			if (value_dict_get(t, "skip") != NULL)
				skip = value_truthy(value_dict_get(t, "skip"));
		} else if (t->type == V_LIST) {
			for (j = 0; j < t->u.list.n; j++)
				if (t->u.list.items[j]->type == V_STR)
					value_list_append(files,
					    value_ref(t->u.list.items[j]));
		} else if (t->type == V_STR)
			value_list_append(files, value_ref(t));
	}
	for (i = 0; i < files->u.list.n && found == NULL; i++) {
		f = files->u.list.items[i]->u.str.s;
		for (j = 0; j < (paths->u.list.n ? paths->u.list.n : 1) &&
		    found == NULL; j++) {
			if (paths->u.list.n == 0 || f[0] == '/')
				cand = xstrdup(f);
			else
				cand = xasprintf("%s/%s",
				    paths->u.list.items[j]->u.str.s, f);
			found = lookup_find_file(ev, "files", cand);
			free(cand);
		}
	}
	value_unref(files);
	value_unref(paths);
	if (found != NULL) {
		cand = realpath(found, NULL);
		value_list_append(acc, value_str(cand != NULL ? cand : found));
		free(cand);
		free(found);
		return 0;
	}
	if (skip)
		return 0;
	return expr_fail(cause, "No file was found when using first_found.");
}

/* items: the terms flattened one level. */
static int
lookup_items(struct eval *ev, struct value *terms, const struct expr_args *a,
    struct value *acc, char **cause)
{
	struct value	*t;

	(void)ev;
	(void)a;
	(void)cause;
	for (size_t i = 0; i < terms->u.list.n; i++) {
		t = terms->u.list.items[i];
		if (t->type == V_LIST)
			for (size_t k = 0; k < t->u.list.n; k++)
				value_list_append(acc,
				    value_ref(t->u.list.items[k]));
		else
			value_list_append(acc, value_ref(t));
	}
	return 0;
}

/* list: the terms as they are. */
static int
lookup_list(struct eval *ev, struct value *terms, const struct expr_args *a,
    struct value *acc, char **cause)
{
	(void)ev;
	(void)a;
	(void)cause;
	for (size_t i = 0; i < terms->u.list.n; i++)
		value_list_append(acc, value_ref(terms->u.list.items[i]));
	return 0;
}

/* The loop kinds engine/loop.c already gives: the same items here. */
static int
lookup_loop(const char *kind, struct value *v, struct value *acc, char **cause)
{
	struct value	*l;

	if ((l = loop_expand(kind, v, ".", cause)) == NULL)
		return -1;
	for (size_t i = 0; i < l->u.list.n; i++)
		value_list_append(acc, value_ref(l->u.list.items[i]));
	value_unref(l);
	return 0;
}

/* dict: each dict term as [{key, value}, ...]. */
static int
lookup_dict(struct eval *ev, struct value *terms, const struct expr_args *a,
    struct value *acc, char **cause)
{
	(void)ev;
	(void)a;
	for (size_t i = 0; i < terms->u.list.n; i++)
		if (lookup_loop("dict", terms->u.list.items[i], acc, cause) != 0)
			return -1;
	return 0;
}

/* indexed_items: [index, item] pairs of the terms flattened once. */
static int
lookup_indexed_items(struct eval *ev, struct value *terms,
    const struct expr_args *a, struct value *acc, char **cause)
{
	struct value	*flat = value_list();
	int		 r;

	if ((r = lookup_items(ev, terms, a, flat, cause)) == 0)
		r = lookup_loop("indexed_items", flat, acc, cause);
	value_unref(flat);
	return r;
}

/* sequence: each "start= end= stride= format=" or "count=" term's items. */
static int
lookup_sequence(struct eval *ev, struct value *terms,
    const struct expr_args *a, struct value *acc, char **cause)
{
	(void)ev;
	(void)a;
	for (size_t i = 0; i < terms->u.list.n; i++)
		if (lookup_loop("sequence", terms->u.list.items[i], acc,
		    cause) != 0)
			return -1;
	return 0;
}

/* subelements, together, nested: the whole term list at once. */
static int
lookup_subelements(struct eval *ev, struct value *terms,
    const struct expr_args *a, struct value *acc, char **cause)
{
	(void)ev;
	(void)a;
	return lookup_loop("subelements", terms, acc, cause);
}

static int
lookup_together(struct eval *ev, struct value *terms,
    const struct expr_args *a, struct value *acc, char **cause)
{
	(void)ev;
	(void)a;
	return lookup_loop("together", terms, acc, cause);
}

static int
lookup_nested(struct eval *ev, struct value *terms, const struct expr_args *a,
    struct value *acc, char **cause)
{
	(void)ev;
	(void)a;
	return lookup_loop("nested", terms, acc, cause);
}

/* random_choice: one of the terms. */
static int
lookup_random_choice(struct eval *ev, struct value *terms,
    const struct expr_args *a, struct value *acc, char **cause)
{
	unsigned int	x;

	(void)ev;
	(void)a;
	(void)cause;
	if (terms->u.list.n == 0)
		return 0;
	if (getentropy(&x, sizeof x) != 0)
		x = (unsigned int)time(NULL);
	value_list_append(acc, value_ref(terms->u.list.items[x %
	    terms->u.list.n]));
	return 0;
}

/* The next line of *p (malloc'd, no "\r\n"), or NULL at the end. */
static char *
lookup_next_line(const char **p)
{
	const char	*nl;
	char		*l;
	size_t		 n;

	if (*p == NULL || **p == '\0')
		return NULL;
	nl = strchr(*p, '\n');
	n = nl != NULL ? (size_t)(nl - *p) : strlen(*p);
	l = xstrndup(*p, n);
	if (n > 0 && l[n - 1] == '\r')
		l[n - 1] = '\0';
	*p = nl != NULL ? nl + 1 : *p + n;
	return l;
}

/* ini: "key section= file= default= type=ini|properties re=". */
static int
ini_lookup_one(struct eval *ev, const char *term, const struct expr_args *a,
    struct value *acc, char **cause)
{
	struct value	*params, *found = value_list();
	struct buf	 b = BUF_INIT;
	struct regex	*re = NULL;
	const char	*section, *file, *def, *type, *line, *eq;
	char		*raw, *path, *k, *v, *cur = NULL;
	int		 props, use_re, in_sec, r = -1, m;

	params = lookup_parse_kv(term, &raw);
	type = lookup_opt(params, a, "type", "ini");
	props = strcmp(type, "properties") == 0;
	section = lookup_opt(params, a, "section", props ? "java_properties" :
	    "global");
	file = lookup_opt(params, a, "file", props ? "ansible.properties" :
	    "ansible.ini");
	def = lookup_opt(params, a, "default", "");
	use_re = strcmp(lookup_opt(params, a, "re", "False"), "True") == 0 ||
	    strcmp(lookup_opt(params, a, "re", "false"), "true") == 0 ||
	    expr_arg_bool(a, 99, "re", 0);
	if ((path = lookup_find_file(ev, "files", file)) == NULL ||
	    read_file(path, &b) != 0) {
		expr_fail(cause, "could not read ini file '%s'", file);
		goto out;
	}
	if (use_re && (re = regex_compile(raw, 0, cause)) == NULL)
		goto out;
	in_sec = props;
	for (line = buf_cstr(&b); (k = lookup_next_line(&line)) != NULL;) {
		str_trim(k);
		if (*k == '#' || *k == ';' || *k == '\0') {
			free(k);
			continue;
		}
		if (!props && *k == '[' && k[strlen(k) - 1] == ']') {
			k[strlen(k) - 1] = '\0';
			free(cur);
			cur = xstrdup(k + 1);
			in_sec = strcmp(cur, section) == 0;
			free(k);
			continue;
		}
		eq = k + strcspn(k, props ? "=:" : "=:");
		if (!in_sec || *eq == '\0') {
			free(k);
			continue;
		}
		v = xstrdup(eq + 1);
		k[eq - k] = '\0';
		str_trim(k);
		str_trim(v);
		if (use_re) {
			m = regex_match(re, k, strlen(k), NULL, cause);
			if (m < 0) {
				free(k);
				free(v);
				goto out;
			}
		} else
			/* configparser lower-cases keys; properties keep case */
			m = props ? strcmp(k, raw) == 0 :
			    strcasecmp(k, raw) == 0;
		if (m)
			value_list_append(found, value_str(v));
		free(k);
		free(v);
		if (m && !use_re)
			break;
	}
	if (use_re)
		for (size_t i = 0; i < found->u.list.n; i++)
			value_list_append(acc, value_ref(found->u.list.items[i]));
	else
		value_list_append(acc, found->u.list.n > 0 ?
		    value_ref(found->u.list.items[0]) : value_str(def));
	r = 0;
out:
	regex_free(re);
	free(cur);
	free(path);
	free(raw);
	buf_release(&b);
	value_unref(params);
	value_unref(found);
	return r;
}

static int
lookup_ini(struct eval *ev, struct value *terms, const struct expr_args *a,
    struct value *acc, char **cause)
{
	return lookup_each(ev, terms, a, acc, cause, ini_lookup_one);
}

/* csvfile: "key file= delimiter= col= default=": column col of key's row. */
static int
csvfile_lookup_one(struct eval *ev, const char *term,
    const struct expr_args *a, struct value *acc, char **cause)
{
	struct value	*params;
	struct buf	 b = BUF_INIT;
	const char	*file, *delim, *def, *line, *p;
	char		*raw, *path, *row, *f, **cols = NULL;
	long long	 col;
	size_t		 nc, i;
	int		 r = -1, done = 0;

	params = lookup_parse_kv(term, &raw);
	file = lookup_opt(params, a, "file", "ansible.csv");
	delim = lookup_opt(params, a, "delimiter", "TAB");
	def = lookup_opt(params, a, "default", NULL);
	col = strtoll(lookup_opt(params, a, "col", "1"), NULL, 10);
	if (strcmp(delim, "TAB") == 0 || strcmp(delim, "\\t") == 0)
		delim = "\t";
	if ((path = lookup_find_file(ev, "files", file)) == NULL ||
	    read_file(path, &b) != 0) {
		expr_fail(cause, "csvfile: could not read '%s'", file);
		goto out;
	}
	for (line = buf_cstr(&b); !done &&
	    (row = lookup_next_line(&line)) != NULL;) {
		nc = 0;
		for (p = row; ; p++) {
			f = (char *)p;
			p += strcspn(p, delim);
			cols = xreallocarray(cols, nc + 1, sizeof *cols);
			cols[nc++] = xstrndup(f, (size_t)(p - f));
			if (*p == '\0')
				break;
		}
		if (nc > 0 && strcmp(cols[0], raw) == 0) {
			done = 1;
			if (col < 0 || (size_t)col >= nc) {
				expr_fail(cause, "csvfile: no column %lld in "
				    "the row of '%s'", col, raw);
				for (i = 0; i < nc; i++)
					free(cols[i]);
				free(row);
				goto out;
			}
			value_list_append(acc, value_str(cols[col]));
		}
		for (i = 0; i < nc; i++)
			free(cols[i]);
		free(row);
	}
	if (!done)
		value_list_append(acc, def != NULL ? value_str(def) :
		    value_null());
	r = 0;
out:
	free(cols);
	free(path);
	free(raw);
	buf_release(&b);
	value_unref(params);
	return r;
}

static int
lookup_csvfile(struct eval *ev, struct value *terms, const struct expr_args *a,
    struct value *acc, char **cause)
{
	return lookup_each(ev, terms, a, acc, cause, csvfile_lookup_one);
}

/*
 * config: the ansible.cfg settings a playbook asks about, with the values
 * cairn runs with (Ansible's defaults); others fail unless on_missing=
 * says skip or warn.
 */
static int
lookup_config(struct eval *ev, struct value *terms, const struct expr_args *a,
    struct value *acc, char **cause)
{
	static const struct {
		const char	*name;
		const char	*value;
	} settings[] = {
		{ "DEFAULT_BECOME_METHOD", "sudo" },
		{ "DEFAULT_BECOME_USER", "root" },
		{ "DEFAULT_FORKS", NULL },
		{ "DEFAULT_GATHERING", "implicit" },
		{ "DEFAULT_HASH_BEHAVIOUR", "replace" },
		{ "DEFAULT_JINJA2_NATIVE", "False" },
		{ "DEFAULT_KEEP_REMOTE_FILES", "False" },
		{ "DEFAULT_MANAGED_STR", "Ansible managed" },
		{ "DEFAULT_MODULE_NAME", "command" },
		{ "DEFAULT_POLL_INTERVAL", "15" },
		{ "DEFAULT_REMOTE_PORT", NULL },
		{ "DEFAULT_TIMEOUT", "10" },
		{ "DEFAULT_TRANSPORT", "smart" },
		{ "DEFAULT_UNDEFINED_VAR_BEHAVIOR", "True" },
		{ "HOST_KEY_CHECKING", "True" },
	};
	const char	*miss = expr_arg_str(a, 99, "on_missing", "error");
	char		*s;
	size_t		 k;

	(void)ev;
	for (size_t i = 0; i < terms->u.list.n; i++) {
		s = lookup_term(terms, i);
		for (k = 0; k < ARRAY_SIZE(settings); k++)
			if (strcmp(settings[k].name, s) == 0)
				break;
		if (k < ARRAY_SIZE(settings)) {
			if (strcmp(s, "DEFAULT_FORKS") == 0)
				value_list_append(acc, value_int(5));
			else if (strcmp(s, "DEFAULT_REMOTE_PORT") == 0)
				value_list_append(acc, value_null());
			else if (strcmp(settings[k].value, "True") == 0 ||
			    strcmp(settings[k].value, "False") == 0)
				value_list_append(acc, value_bool(
				    settings[k].value[0] == 'T'));
			else if (strcmp(s, "DEFAULT_POLL_INTERVAL") == 0 ||
			    strcmp(s, "DEFAULT_TIMEOUT") == 0)
				value_list_append(acc, value_int(
				    strtoll(settings[k].value, NULL, 10)));
			else
				value_list_append(acc,
				    value_str(settings[k].value));
		} else if (strcmp(miss, "error") == 0) {
			expr_fail(cause, "Unable to find setting %s", s);
			free(s);
			return -1;
		}
		free(s);
	}
	return 0;
}

/* url: refused, the controller makes no requests of its own. */
static int
lookup_url(struct eval *ev, struct value *terms, const struct expr_args *a,
    struct value *acc, char **cause)
{
	(void)ev;
	(void)terms;
	(void)a;
	(void)acc;
	return expr_fail(cause, "lookup plugin 'url' is not supported: cairn "
	    "does not fetch URLs on the controller; fetch on a host with "
	    "get_url or uri and register the result");
}

static const struct lookup_plugin lookup_plugins[] = {
	{ "config", lookup_config },
	{ "csvfile", lookup_csvfile },
	{ "dict", lookup_dict },
	{ "env", lookup_env },
	{ "file", lookup_file },
	{ "fileglob", lookup_fileglob },
	{ "first_found", lookup_first_found },
	{ "flattened", lookup_items },
	{ "indexed_items", lookup_indexed_items },
	{ "ini", lookup_ini },
	{ "inventory_hostnames", lookup_inventory_hostnames },
	{ "items", lookup_items },
	{ "lines", lookup_lines },
	{ "list", lookup_list },
	{ "nested", lookup_nested },
	{ "cartesian", lookup_nested },
	{ "password", lookup_password },
	{ "pipe", lookup_pipe },
	{ "random_choice", lookup_random_choice },
	{ "sequence", lookup_sequence },
	{ "subelements", lookup_subelements },
	{ "template", lookup_template },
	{ "together", lookup_together },
	{ "unvault", lookup_unvault },
	{ "url", lookup_url },
	{ "vars", lookup_vars },
	{ "varnames", lookup_varnames },
};

/* 1 if every item is a string (Ansible joins those with commas). */
static int
lookup_all_strings(const struct value *l)
{
	for (size_t i = 0; i < l->u.list.n; i++)
		if (l->u.list.items[i]->type != V_STR)
			return 0;
	return 1;
}

int
lookup_call(struct eval *ev, const struct expr_args *a, int wantlist,
    struct value **out, char **cause)
{
	const struct lookup_plugin	*pl = NULL;
	struct value			*acc, *terms;
	struct value			*d = expr_arg(a, 99, "default");
	const char			*plugin, *errors;
	struct buf			 b = BUF_INIT;
	size_t				 i;
	int				 r;

	*out = NULL;
	if (a->npos < 1 || a->pos[0]->type != V_STR)
		return expr_fail(cause, "lookup needs a plugin name");
	errors = expr_arg_str(a, 99, "errors", "strict");
	if (strcmp(errors, "strict") != 0 && strcmp(errors, "warn") != 0 &&
	    strcmp(errors, "ignore") != 0)
		return expr_fail(cause, "errors= must be strict, warn or "
		    "ignore, not '%s'", errors);
	plugin = expr_short_name(a->pos[0]->u.str.s);
	for (i = 0; i < ARRAY_SIZE(lookup_plugins); i++)
		if (strcmp(lookup_plugins[i].name, plugin) == 0)
			pl = &lookup_plugins[i];
	if (pl == NULL)
		return expr_fail(cause, "lookup plugin '%s' not found", plugin);
	terms = value_list();
	for (i = 1; i < a->npos; i++)
		value_list_append(terms, value_ref(a->pos[i]));
	acc = value_list();
	r = pl->fn(ev, terms, a, acc, cause);
	value_unref(terms);
	if (r != 0) {
		value_unref(acc);
		/*
		 * errors=warn and ignore give None, as Ansible; so does a
		 * failing lookup given default=, which cairn allows for any
		 * plugin.  (There is no channel for a warning here.)
		 */
		wantlist = wantlist || expr_arg_bool(a, 99, "wantlist", 0);
		if (d != NULL || strcmp(errors, "strict") != 0) {
			free(*cause);
			*cause = NULL;
			*out = d != NULL ? value_ref(d) : wantlist ?
			    value_list() : value_null();
			return 0;
		}
		return -1;
	}
	/* an empty result stays an empty list, even for lookup() */
	if (wantlist || expr_arg_bool(a, 99, "wantlist", 0) ||
	    acc->u.list.n == 0) {
		*out = acc;
		return 0;
	}
	/*
	 * lookup() joins strings with commas; anything else stays a list,
	 * or its only item (Templar._lookup's TypeError branch).
	 */
	if (lookup_all_strings(acc)) {
		for (i = 0; i < acc->u.list.n; i++) {
			if (i > 0)
				buf_addc(&b, ',');
			buf_add(&b, acc->u.list.items[i]->u.str.s,
			    acc->u.list.items[i]->u.str.len);
		}
		*out = expr_str_buf(&b);
	} else if (acc->u.list.n == 1)
		*out = value_ref(acc->u.list.items[0]);
	else {
		*out = acc;
		return 0;
	}
	value_unref(acc);
	return 0;
}
