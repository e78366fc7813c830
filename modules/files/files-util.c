/* Encodings, digests and controller paths for the file modules. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "files.h"
#include "regex.h"

static const char files_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void
files_b64_encode(struct buf *out, const void *data, size_t len)
{
	const unsigned char	*p = data;
	unsigned long		 w;
	size_t			 i;

	buf_grow(out, (len + 2) / 3 * 4 + 1);
	for (i = 0; i + 2 < len; i += 3) {
		w = (unsigned long)p[i] << 16 | p[i + 1] << 8 | p[i + 2];
		buf_addc(out, files_b64[w >> 18 & 63]);
		buf_addc(out, files_b64[w >> 12 & 63]);
		buf_addc(out, files_b64[w >> 6 & 63]);
		buf_addc(out, files_b64[w & 63]);
	}
	if (i < len) {
		w = (unsigned long)p[i] << 16;
		if (i + 1 < len)
			w |= p[i + 1] << 8;
		buf_addc(out, files_b64[w >> 18 & 63]);
		buf_addc(out, files_b64[w >> 12 & 63]);
		buf_addc(out, i + 1 < len ? files_b64[w >> 6 & 63] : '=');
		buf_addc(out, '=');
	}
	/* Terminated even when nothing was added after the buf_grow. */
	buf_add(out, "", 0);
}

int
files_b64_decode(struct buf *out, const char *s, size_t len)
{
	const char	*c;
	unsigned long	 w = 0;
	size_t		 i, n = 0, pad = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')
			continue;
		if (s[i] == '=') {
			pad++;
			w <<= 6;
			n++;
		} else {
			if (pad > 0 || s[i] == '\0' ||
			    (c = strchr(files_b64, s[i])) == NULL)
				return -1;
			w = w << 6 | (unsigned long)(c - files_b64);
			n++;
		}
		if (n == 4) {
			if (pad > 2)
				return -1;
			buf_addc(out, (char)(w >> 16 & 0xff));
			if (pad < 2)
				buf_addc(out, (char)(w >> 8 & 0xff));
			if (pad < 1)
				buf_addc(out, (char)(w & 0xff));
			n = 0;
			w = 0;
		}
	}
	if (n != 0)
		return -1;
	buf_cstr(out);
	return 0;
}

void
files_md5_hex(const void *data, size_t len, char out[33])
{
	unsigned char	d[EVP_MAX_MD_SIZE];
	unsigned int	n = 0, i;

	if (EVP_Digest(data, len, d, &n, EVP_md5(), NULL) != 1)
		fatal("libcrypto refused an MD5 digest");
	for (i = 0; i < n && i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

char *
files_normpath(const char *path)
{
	struct buf	 out = BUF_INIT;
	char		*copy, *p, *tok, **parts;
	size_t		 n = 0, i, lead = 0;

	if (*path == '\0')
		return xstrdup(".");
	if (path[0] == '/')
		lead = (path[1] == '/' && path[2] != '/') ? 2 : 1;
	copy = xstrdup(path);
	parts = xcalloc(strlen(path) + 1, sizeof *parts);
	for (p = copy; (tok = strsep(&p, "/")) != NULL;) {
		if (*tok == '\0' || strcmp(tok, ".") == 0)
			continue;
		if (strcmp(tok, "..") == 0 &&
		    ((lead == 0 && n > 0 && strcmp(parts[n - 1], "..") != 0) ||
		    lead > 0)) {
			if (n > 0)
				n--;
			continue;
		}
		parts[n++] = tok;
	}
	for (i = 0; i < lead; i++)
		buf_addc(&out, '/');
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_addc(&out, '/');
		buf_adds(&out, parts[i]);
	}
	if (out.len == 0)
		buf_addc(&out, '.');
	free(parts);
	free(copy);
	return buf_detach(&out, NULL);
}

const char *
files_basename(const char *path)
{
	const char	*s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

int
files_fetch_dest(const char *dest, const char *src, const char *host,
    int flat, int dest_is_dir, const char *base, char **out, char **cause)
{
	char	*d, *top, *norm;
	size_t	 n;

	*out = NULL;
	if (flat) {
		n = strlen(dest);
		if (dest_is_dir && (n == 0 || dest[n - 1] != '/')) {
			*cause = xstrdup("dest is an existing directory, use a "
			    "trailing slash if you want to fetch src into that "
			    "directory");
			return -1;
		}
		if (n > 0 && dest[n - 1] == '/')
			d = xasprintf("%s%s", dest, files_basename(src));
		else
			d = xstrdup(dest);
		if (*d != '/') {
			top = d;
			d = xasprintf("%s/%s", base, top);
			free(top);
		}
		*out = files_normpath(d);
		free(d);
		return 0;
	}
	top = *dest == '/' ? xasprintf("%s/%s", dest, host) :
	    xasprintf("%s/%s/%s", base, dest, host);
	d = xasprintf("%s/%s", top, src);
	norm = files_normpath(d);
	free(d);
	d = files_normpath(top);
	free(top);
	/*
	 * Ansible's own check compares dest with itself; this one refuses a
	 * src whose ".." would write outside dest/<host>.
	 */
	n = strlen(d);
	if (strncmp(norm, d, n) != 0 || (norm[n] != '/' && norm[n] != '\0') ||
	    norm[n] == '\0') {
		*cause = xasprintf("Detected directory traversal, expected to "
		    "be contained in '%s' but got '%s'", d, norm);
		free(d);
		free(norm);
		return -1;
	}
	free(d);
	*out = norm;
	return 0;
}

/* Python's codecs.escape_decode on text: \n, \t, \xHH, octal... */
static void
files_escape_decode(const char *s, size_t len, struct buf *out)
{
	const char	*p = s, *end = s + len;

	while (p < end) {
		if (*p != '\\' || p + 1 >= end) {
			buf_addc(out, *p++);
			continue;
		}
		p++;
		if (py_unescape(&p, out) != 0)
			buf_addc(out, '\\');
	}
}

void
files_assemble(const struct files_fragment *f, size_t n,
    const char *delimiter, struct buf *out)
{
	struct buf	 delim = BUF_INIT, next = BUF_INIT;
	size_t		 i;
	int		 delimit = 0, add_newline = 0;

	if (delimiter != NULL)
		buf_adds(&delim, delimiter);
	for (i = 0; i < n; i++) {
		if (add_newline)
			buf_addc(out, '\n');
		if (delimit && delim.len > 0) {
			/* Ansible decodes its already decoded delimiter again. */
			buf_reset(&next);
			files_escape_decode(delim.s, delim.len, &next);
			buf_reset(&delim);
			buf_add(&delim, next.s, next.len);
			buf_add(out, delim.s, delim.len);
			if (delim.len == 0 || delim.s[delim.len - 1] != '\n')
				buf_addc(out, '\n');
		}
		buf_add(out, f[i].data, f[i].len);
		delimit = 1;
		add_newline = f[i].len == 0 || f[i].data[f[i].len - 1] != '\n';
	}
	buf_cstr(out);
	buf_release(&delim);
	buf_release(&next);
}

int
files_assemble_take(const char *name, const struct regex *re,
    int ignore_hidden, char **cause)
{
	struct regex_match	m = REGEX_MATCH_INIT;
	int			r;

	if (re != NULL) {
		r = regex_search(re, name, strlen(name), 0, &m, cause);
		regex_match_release(&m);
		if (r <= 0)
			return r;
	}
	if (ignore_hidden && name[0] == '.')
		return 0;
	return 1;
}

const char **
files_arg_strings(const struct mod_args *args, const char *key, size_t *n)
{
	struct value	 *v = args_get(args, key);
	const char	**out;
	size_t		  i;

	*n = 0;
	if (v == NULL || v->type != V_LIST)
		return NULL;
	out = xcalloc(v->u.list.n + 1, sizeof *out);
	for (i = 0; i < v->u.list.n; i++)
		if (v->u.list.items[i]->type == V_STR)
			out[(*n)++] = v->u.list.items[i]->u.str.s;
	return out;
}

char *
files_stderr(const struct exec_result *res)
{
	size_t	n = res->err.len;

	while (n > 0 && (res->err.s[n - 1] == '\n' || res->err.s[n - 1] == '\r'))
		n--;
	return xstrndup(res->err.s != NULL ? res->err.s : "", n);
}

static int
files_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **
files_dir_names(const char *dir, size_t *n)
{
	DIR		*d;
	struct dirent	*e;
	char		**names = NULL;

	*n = 0;
	if ((d = opendir(dir)) == NULL)
		return NULL;
	names = xcalloc(1, sizeof *names);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		names = xreallocarray(names, *n + 2, sizeof *names);
		names[(*n)++] = xstrdup(e->d_name);
		names[*n] = NULL;
	}
	closedir(d);
	qsort(names, *n, sizeof *names, files_name_cmp);
	return names;
}

void
files_names_free(char **names, size_t n)
{
	size_t	i;

	if (names == NULL)
		return;
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int
files_run_checked(struct task_ctx *ctx, const char *script, const void *data,
    size_t len, const char *what, struct exec_result *res, char **cause)
{
	char	*e;

	if (host_run_stdin(ctx, script, data, len, res, cause) != 0)
		return -1;
	if (res->rc == 0)
		return 0;
	e = files_stderr(res);
	*cause = what != NULL ? xasprintf("%s: %s", what, e) : xstrdup(e);
	free(e);
	return -1;
}
