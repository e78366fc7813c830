/*
 * Path filters: basename, dirname, splitext, path_join, and the ones that
 * look at the controller as Ansible's do: expanduser, expandvars,
 * fileglob, realpath, relpath.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "expr-internal.h"

/* Paths and encodings. */

static int
f_basename(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	const char	*s, *sl;

	if (expr_need(in, V_STR, "basename", cause) != 0)
		return -1;
	s = in->u.str.s;
	sl = strrchr(s, '/');
	*out = value_str(sl != NULL ? sl + 1 : s);
	return 0;
}

static int
f_dirname(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	const char	*s, *sl;
	size_t		 n;

	if (expr_need(in, V_STR, "dirname", cause) != 0)
		return -1;
	s = in->u.str.s;
	if ((sl = strrchr(s, '/')) == NULL) {
		*out = value_str("");
		return 0;
	}
	/* Python's os.path.dirname: strip trailing slashes unless all slashes. */
	n = (size_t)(sl - s) + 1;
	while (n > 1 && s[n - 1] == '/')
		n--;
	*out = value_strn(s, n);
	return 0;
}

static int
f_splitext(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	const char	*s, *base, *dot;
	struct value	*l;

	if (expr_need(in, V_STR, "splitext", cause) != 0)
		return -1;
	s = in->u.str.s;
	base = strrchr(s, '/');
	base = base != NULL ? base + 1 : s;
	while (*base == '.')
		base++;
	dot = strrchr(base, '.');
	l = value_list();
	if (dot == NULL) {
		value_list_append(l, value_ref(in));
		value_list_append(l, value_str(""));
	} else {
		value_list_append(l, value_strn(s, (size_t)(dot - s)));
		value_list_append(l, value_str(dot));
	}
	*out = l;
	return 0;
}

static int
f_path_join(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct buf	 b = BUF_INIT;
	struct value	*it;
	size_t		 i;

	if (in->type == V_STR) {
		*out = value_ref(in);
		return 0;
	}
	if (expr_need(in, V_LIST, "path_join", cause) != 0)
		return -1;
	for (i = 0; i < in->u.list.n; i++) {
		it = in->u.list.items[i];
		if (it->type != V_STR) {
			buf_release(&b);
			return expr_fail(cause, "path_join expects strings");
		}
		if (it->u.str.s[0] == '/')
			buf_reset(&b);
		else if (b.len > 0 && b.s[b.len - 1] != '/')
			buf_addc(&b, '/');
		buf_adds(&b, it->u.str.s);
	}
	*out = expr_str_buf(&b);
	return 0;
}

/* Python's os.path.normpath of an absolute or relative path. */
static char *
path_norm(const char *p)
{
	struct buf	 b = BUF_INIT;
	char		*copy = xstrdup(p), *save, *c, **parts = NULL;
	size_t		 n = 0, i;
	int		 abs = p[0] == '/';

	for (c = strtok_r(copy, "/", &save); c != NULL;
	    c = strtok_r(NULL, "/", &save)) {
		if (strcmp(c, ".") == 0)
			continue;
		if (strcmp(c, "..") == 0 && n > 0 &&
		    strcmp(parts[n - 1], "..") != 0) {
			n--;
			continue;
		}
		if (strcmp(c, "..") == 0 && abs)
			continue;
		parts = xreallocarray(parts, n + 1, sizeof *parts);
		parts[n++] = c;
	}
	/* POSIX keeps a leading "//" */
	if (abs)
		buf_adds(&b, strncmp(p, "//", 2) == 0 && p[2] != '/' ? "//" :
		    "/");
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_addc(&b, '/');
		buf_adds(&b, parts[i]);
	}
	if (b.len == 0)
		buf_addc(&b, '.');
	free(parts);
	free(copy);
	return buf_detach(&b, NULL);
}

static char *
path_abs(const char *p)
{
	char	cwd[PATH_MAX], *j, *r;

	if (p[0] == '/')
		return path_norm(p);
	if (getcwd(cwd, sizeof cwd) == NULL)
		return path_norm(p);
	j = xasprintf("%s/%s", cwd, p);
	r = path_norm(j);
	free(j);
	return r;
}

/* expanduser: "~" and "~user" at the start, as os.path.expanduser. */
static int
f_expanduser(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	const char	*s, *rest, *home = NULL;
	struct passwd	*pw;
	char		*user;
	size_t		 l;

	if (expr_need(in, V_STR, "expanduser", cause) != 0)
		return -1;
	s = in->u.str.s;
	if (s[0] != '~') {
		*out = value_ref(in);
		return 0;
	}
	l = strcspn(s + 1, "/");
	rest = s + 1 + l;
	if (l == 0) {
		if ((home = getenv("HOME")) == NULL &&
		    (pw = getpwuid(getuid())) != NULL)
			home = pw->pw_dir;
	} else {
		user = xstrndup(s + 1, l);
		if ((pw = getpwnam(user)) != NULL)
			home = pw->pw_dir;
		free(user);
	}
	if (home == NULL) {
		*out = value_ref(in);
		return 0;
	}
	l = strlen(home);
	/* os.path.expanduser strips the home's trailing slash */
	while (l > 1 && home[l - 1] == '/')
		l--;
	*out = value_strf("%.*s%s", (int)l, l == 1 && *rest == '/' ? "" :
	    home, rest);
	return 0;
}

/* expandvars: $name and ${name} from the controller's environment. */
static int
f_expandvars(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct buf	 b = BUF_INIT;
	const char	*s, *e, *val;
	char		*name;
	size_t		 l;
	int		 brace;

	if (expr_need(in, V_STR, "expandvars", cause) != 0)
		return -1;
	for (s = in->u.str.s; *s != '\0'; ) {
		if (*s != '$') {
			buf_addc(&b, *s++);
			continue;
		}
		brace = s[1] == '{';
		e = s + 1 + brace;
		for (l = 0; isalnum((unsigned char)e[l]) || e[l] == '_'; l++)
			;
		if (l == 0 || (brace && e[l] != '}')) {
			if (brace && (val = strchr(e, '}')) != NULL) {
				/* ${any text}: the name as written */
				name = xstrndup(e, (size_t)(val - e));
				l = (size_t)(val - e);
			} else {
				buf_addc(&b, *s++);
				continue;
			}
		} else
			name = xstrndup(e, l);
		if ((val = getenv(name)) != NULL)
			buf_adds(&b, val);
		else
			buf_add(&b, s, (size_t)(e + l + brace - s));
		free(name);
		s = e + l + brace;
	}
	*out = expr_str_buf(&b);
	return 0;
}

/* fileglob: the regular files a pattern matches, in directory order. */
static int
f_fileglob(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct value	*r = value_list();
	struct stat	 st;
	glob_t		 g;
	size_t		 i;

	if (expr_need(in, V_STR, "fileglob", cause) != 0) {
		value_unref(r);
		return -1;
	}
	/* Python's glob lists as os.scandir does: unsorted */
	if (glob(in->u.str.s, GLOB_NOSORT, NULL, &g) == 0) {
		for (i = 0; i < g.gl_pathc; i++)
			if (stat(g.gl_pathv[i], &st) == 0 && S_ISREG(st.st_mode))
				value_list_append(r, value_str(g.gl_pathv[i]));
		globfree(&g);
	}
	*out = r;
	return 0;
}

/* realpath: links resolved as far as the path exists, as Python's. */
static int
f_realpath(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	char	*abs, *r, *tail, *head, *slash, *j;

	if (expr_need(in, V_STR, "realpath", cause) != 0)
		return -1;
	abs = path_abs(in->u.str.s);
	if ((r = realpath(abs, NULL)) != NULL) {
		free(abs);
		*out = value_str_take(r);
		return 0;
	}
	/* the longest existing head, resolved, and the rest as given */
	head = xstrdup(abs);
	while ((slash = strrchr(head, '/')) != NULL && slash != head) {
		*slash = '\0';
		if ((r = realpath(head, NULL)) != NULL) {
			tail = abs + strlen(head);
			j = xasprintf("%s%s", strcmp(r, "/") == 0 ? "" : r, tail);
			free(r);
			free(head);
			free(abs);
			*out = value_str_take(j);
			return 0;
		}
	}
	free(head);
	*out = value_str_take(abs);
	return 0;
}

/* The components of a normalized absolute path, in place. */
static size_t
path_split(char *p, char ***parts)
{
	char	*save, *c;
	size_t	 n = 0;

	*parts = NULL;
	for (c = strtok_r(p, "/", &save); c != NULL;
	    c = strtok_r(NULL, "/", &save)) {
		*parts = xreallocarray(*parts, n + 1, sizeof **parts);
		(*parts)[n++] = c;
	}
	return n;
}

/* relpath(start=cwd): os.path.relpath. */
static int
f_relpath(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	const char	*start = expr_arg_str(a, 0, "start", ".");
	struct buf	 b = BUF_INIT;
	char		*p, *s, **pp, **sp;
	size_t		 np, ns, i, common;

	if (expr_need(in, V_STR, "relpath", cause) != 0)
		return -1;
	if (in->u.str.len == 0)
		return expr_fail(cause, "no path specified");
	p = path_abs(in->u.str.s);
	s = path_abs(start);
	np = path_split(p, &pp);
	ns = path_split(s, &sp);
	for (common = 0; common < np && common < ns &&
	    strcmp(pp[common], sp[common]) == 0; common++)
		;
	for (i = common; i < ns; i++)
		buf_adds(&b, b.len > 0 ? "/.." : "..");
	for (i = common; i < np; i++) {
		if (b.len > 0)
			buf_addc(&b, '/');
		buf_adds(&b, pp[i]);
	}
	if (b.len == 0)
		buf_addc(&b, '.');
	free(pp);
	free(sp);
	free(p);
	free(s);
	*out = expr_str_buf(&b);
	return 0;
}

const struct expr_filter expr_filters_path[] = {
	{ "basename", f_basename, 0 },
	{ "dirname", f_dirname, 0 },
	{ "expanduser", f_expanduser, 0 },
	{ "expandvars", f_expandvars, 0 },
	{ "fileglob", f_fileglob, 0 },
	{ "path_join", f_path_join, 0 },
	{ "realpath", f_realpath, 0 },
	{ "relpath", f_relpath, 0 },
	{ "splitext", f_splitext, 0 },
	{ NULL, NULL, 0 }
};
