/* Encoding filters: JSON, YAML, base64, hashes, password_hash. */
#include <crypt.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "expr-internal.h"
#include "yaml.h"

/* JSON and YAML. */

static struct value *
sort_keys(struct value *v)
{
	struct value	*r;
	size_t		 i, *idx;

	if (v->type == V_LIST) {
		r = value_list();
		for (i = 0; i < v->u.list.n; i++)
			value_list_append(r, sort_keys(v->u.list.items[i]));
		return r;
	}
	if (v->type != V_DICT)
		return value_ref(v);
	idx = expr_sorted_keys(v);
	r = value_dict();
	for (i = 0; i < v->u.dict.n; i++)
		value_dict_set(r, v->u.dict.keys[idx[i]],
		    sort_keys(v->u.dict.vals[idx[i]]));
	free(idx);
	return r;
}

static int
f_to_json(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct buf	 b = BUF_INIT;
	struct value	*v = expr_arg_bool(a, 99, "sort_keys", 0) ?
			    sort_keys(in) : value_ref(in);

	value_to_json(&b, v, 0);
	value_unref(v);
	*out = expr_str_buf(&b);
	return 0;
}

static int
f_to_nice_json(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct buf	 b = BUF_INIT;
	struct value	*v = sort_keys(in);

	value_to_json(&b, v, 1);
	value_unref(v);
	*out = expr_str_buf(&b);
	return 0;
}

static int
f_from_json(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	char	*err = NULL;

	if (expr_need(in, V_STR, "from_json", cause) != 0)
		return -1;
	if ((*out = value_from_json(in->u.str.s, in->u.str.len,
	    &err)) == NULL) {
		expr_fail(cause, "from_json: %s",
		    err != NULL ? err : "bad JSON");
		free(err);
		return -1;
	}
	return 0;
}

static int
f_from_yaml(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	char	*err = NULL;

	if (expr_need(in, V_STR, "from_yaml", cause) != 0)
		return -1;
	if (yaml_load_string("<from_yaml>", in->u.str.s, in->u.str.len, out,
	    &err) != 0) {
		expr_fail(cause, "from_yaml: %s",
		    err != NULL ? err : "bad YAML");
		free(err);
		return -1;
	}
	return 0;
}

/* Would PyYAML read this plain scalar back as something else than a string? */
static int
yaml_needs_quotes(const char *s, int flow)
{
	static const char *const words[] = { "y", "n", "yes", "no", "on", "off",
	    "true", "false", "null", "~", NULL };
	const char	*p;
	char		*end;
	size_t		 i;

	if (*s == '\0' || isspace((unsigned char)*s) ||
	    isspace((unsigned char)s[strlen(s) - 1]))
		return 1;
	if (strchr("-?:,[]{}#&*!|>'\"%@`", *s) != NULL &&
	    !(*s == '-' && s[1] != '\0' && s[1] != ' ' &&
	    !isdigit((unsigned char)s[1]) && s[1] != '.'))
		return 1;
	if (strstr(s, ": ") != NULL || strstr(s, " #") != NULL ||
	    str_endswith(s, ":"))
		return 1;
	if (flow && strpbrk(s, ",[]{}") != NULL)
		return 1;
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return 1;
	for (i = 0; words[i] != NULL; i++)
		if (strcasecmp(s, words[i]) == 0)
			return 1;
	errno = 0;
	(void)strtod(s, &end);
	if (*end == '\0')
		return 1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'o'))
		return 1;
	if (strcasecmp(s, ".inf") == 0 || strcasecmp(s, "-.inf") == 0 ||
	    strcasecmp(s, ".nan") == 0)
		return 1;
	return 0;
}

static void
yaml_scalar(struct buf *b, const struct value *v, int flow)
{
	const char	*s;

	switch (v->type) {
	case V_NULL:
		buf_adds(b, "null");
		return;
	case V_BOOL:
		buf_adds(b, v->u.b ? "true" : "false");
		return;
	case V_INT:
		buf_addf(b, "%lld", v->u.i);
		return;
	case V_FLOAT:
		if (isinf(v->u.f))
			buf_adds(b, v->u.f < 0 ? "-.inf" : ".inf");
		else if (isnan(v->u.f))
			buf_adds(b, ".nan");
		else
			expr_add_str(b, v);
		return;
	default:
		break;
	}
	s = v->u.str.s;
	if (strlen(s) == v->u.str.len && !yaml_needs_quotes(s, flow)) {
		buf_adds(b, s);
		return;
	}
	if (strlen(s) == v->u.str.len && strpbrk(s, "\n\r\t") == NULL) {
		const char *p;

		for (p = s; *p != '\0' && (unsigned char)*p >= 0x20 &&
		    *p != 0x7f; p++)
			;
		if (*p == '\0') {
			buf_addc(b, '\'');
			for (p = s; *p != '\0'; p++) {
				if (*p == '\'')
					buf_addc(b, '\'');
				buf_addc(b, *p);
			}
			buf_addc(b, '\'');
			return;
		}
	}
	value_to_json(b, v, 0);
}

static int
is_scalar(const struct value *v)
{
	return v->type != V_LIST && v->type != V_DICT;
}

static int
leaf_collection(const struct value *v)
{
	size_t	i;

	if (v->type == V_LIST) {
		for (i = 0; i < v->u.list.n; i++)
			if (!is_scalar(v->u.list.items[i]))
				return 0;
		return 1;
	}
	if (v->type == V_DICT) {
		for (i = 0; i < v->u.dict.n; i++)
			if (!is_scalar(v->u.dict.vals[i]))
				return 0;
		return 1;
	}
	return 0;
}

static void
yaml_flow(struct buf *b, const struct value *v)
{
	size_t		i;
	struct value	k;

	if (v->type == V_LIST) {
		buf_addc(b, '[');
		for (i = 0; i < v->u.list.n; i++) {
			if (i > 0)
				buf_adds(b, ", ");
			yaml_scalar(b, v->u.list.items[i], 1);
		}
		buf_addc(b, ']');
	} else {
		buf_addc(b, '{');
		for (i = 0; i < v->u.dict.n; i++) {
			if (i > 0)
				buf_adds(b, ", ");
			memset(&k, 0, sizeof k);
			k.type = V_STR;
			k.u.str.s = v->u.dict.keys[i];
			k.u.str.len = strlen(k.u.str.s);
			yaml_scalar(b, &k, 1);
			buf_adds(b, ": ");
			yaml_scalar(b, v->u.dict.vals[i], 1);
		}
		buf_addc(b, '}');
	}
}

static void
spaces(struct buf *b, int n)
{
	while (n-- > 0)
		buf_addc(b, ' ');
}

/*
 * PyYAML's block style: dicts indented by ind, lists inside dicts not
 * indented ("- item"), list items padded to ind columns ("-   x").
 * flowleaf: collections of scalars in flow style (default_flow_style=None).
 */
static void
yaml_block(struct buf *b, const struct value *v, int col, int ind,
    int flowleaf, int inline_first)
{
	size_t		i;
	struct value	k, *c;

	if (is_scalar(v) || value_len(v) == 0 || (flowleaf &&
	    leaf_collection(v))) {
		if (is_scalar(v))
			yaml_scalar(b, v, 0);
		else if (value_len(v) == 0)
			buf_adds(b, v->type == V_LIST ? "[]" : "{}");
		else
			yaml_flow(b, v);
		buf_addc(b, '\n');
		return;
	}
	if (v->type == V_DICT) {
		for (i = 0; i < v->u.dict.n; i++) {
			if (i > 0 || !inline_first)
				spaces(b, col);
			memset(&k, 0, sizeof k);
			k.type = V_STR;
			k.u.str.s = v->u.dict.keys[i];
			k.u.str.len = strlen(k.u.str.s);
			yaml_scalar(b, &k, 0);
			buf_addc(b, ':');
			c = v->u.dict.vals[i];
			if (is_scalar(c) || value_len(c) == 0 ||
			    (flowleaf && leaf_collection(c))) {
				buf_addc(b, ' ');
				yaml_block(b, c, 0, ind, flowleaf, 0);
			} else {
				buf_addc(b, '\n');
				yaml_block(b, c, c->type == V_LIST ? col :
				    col + ind, ind, flowleaf, 0);
			}
		}
		return;
	}
	for (i = 0; i < v->u.list.n; i++) {
		if (i > 0 || !inline_first)
			spaces(b, col);
		buf_addc(b, '-');
		c = v->u.list.items[i];
		/* PyYAML pads only before a nested block: "-   key: v" */
		if (is_scalar(c) || value_len(c) == 0 ||
		    (flowleaf && leaf_collection(c)))
			buf_addc(b, ' ');
		else
			spaces(b, ind - 1);
		yaml_block(b, c, col + ind, ind, flowleaf, 1);
	}
}

static void
to_yaml(struct buf *b, struct value *in, int ind, int flowleaf)
{
	struct value	*v = sort_keys(in);

	yaml_block(b, v, 0, ind, flowleaf, 0);
	if (is_scalar(v))
		buf_adds(b, "...\n");
	value_unref(v);
}

static int
f_to_yaml(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct buf	b = BUF_INIT;
	long long	ind;

	if (expr_arg_int(a, 99, "indent", 2, &ind, cause) != 0)
		return -1;
	to_yaml(&b, in, ind < 2 ? 2 : (int)ind, 1);
	*out = expr_str_buf(&b);
	return 0;
}

static int
f_to_nice_yaml(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct buf	b = BUF_INIT;
	long long	ind;

	if (expr_arg_int(a, 0, "indent", 4, &ind, cause) != 0)
		return -1;
	to_yaml(&b, in, ind < 2 ? 2 : (int)ind, 0);
	*out = expr_str_buf(&b);
	return 0;
}

static const char b64chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int
f_b64encode(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct buf		 b = BUF_INIT;
	char			*s = expr_str_of(in);
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n = in->type == V_STR ? in->u.str.len : strlen(s);
	size_t			 i;
	unsigned long		 x;

	for (i = 0; i + 2 < n; i += 3) {
		x = (unsigned long)p[i] << 16 | (unsigned long)p[i + 1] << 8 |
		    p[i + 2];
		buf_addc(&b, b64chars[(x >> 18) & 63]);
		buf_addc(&b, b64chars[(x >> 12) & 63]);
		buf_addc(&b, b64chars[(x >> 6) & 63]);
		buf_addc(&b, b64chars[x & 63]);
	}
	if (i < n) {
		x = (unsigned long)p[i] << 16;
		if (i + 1 < n)
			x |= (unsigned long)p[i + 1] << 8;
		buf_addc(&b, b64chars[(x >> 18) & 63]);
		buf_addc(&b, b64chars[(x >> 12) & 63]);
		buf_addc(&b, i + 1 < n ? b64chars[(x >> 6) & 63] : '=');
		buf_addc(&b, '=');
	}
	free(s);
	*out = expr_str_buf(&b);
	return 0;
}

static int
f_b64decode(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct buf	 b = BUF_INIT;
	const char	*p, *c;
	unsigned long	 x = 0;
	int		 bits = 0;

	if (expr_need(in, V_STR, "b64decode", cause) != 0)
		return -1;
	for (p = in->u.str.s; *p != '\0' && *p != '='; p++) {
		if (isspace((unsigned char)*p))
			continue;
		if ((c = strchr(b64chars, *p)) == NULL) {
			/* urlsafe alphabet too */
			if (*p == '-')
				c = b64chars + 62;
			else if (*p == '_')
				c = b64chars + 63;
			else {
				buf_release(&b);
				return expr_fail(cause, "b64decode: invalid "
				    "character '%c'", *p);
			}
		}
		x = (x << 6) | (unsigned long)(c - b64chars);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_addc(&b, (char)((x >> bits) & 0xff));
		}
	}
	*out = expr_str_buf(&b);
	return 0;
}

static int
f_hash(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	const char	*alg = expr_arg_str(a, 0, "hashtype", "sha1");
	struct buf	 b = BUF_INIT;
	char		*s;
	int		 r;

	/* any name of Python's hashlib that OpenSSL knows */
	s = expr_str_of(in);
	r = expr_digest_hex(alg, s, in->type == V_STR ? in->u.str.len :
	    strlen(s), &b);
	free(s);
	if (r != 0)
		return expr_fail(cause, "unsupported hash type %s", alg);
	*out = expr_str_buf(&b);
	return 0;
}

/*
 * password_hash(hashtype='sha512', salt=None, rounds=None): a crypt(3)
 * hash as the user module wants it.  Without a salt a random one is made
 * (so the hash differs each run, as in Ansible: give a salt to keep a
 * user task idempotent).
 */
static int
f_password_hash(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	const char		*alg = expr_arg_str(a, 0, "hashtype", "sha512");
	const char		*salt = expr_arg_str(a, 1, "salt", NULL);
	long long		 rounds;
	const char		*prefix;
	struct crypt_data	*cd;
	char			 setting[CRYPT_GENSALT_OUTPUT_SIZE + 64];
	char			*s, *h;
	int			 r = -1;

	(void)ev;
	if (expr_arg_int(a, 2, "rounds", 0, &rounds, cause) != 0)
		return -1;
	if (strcmp(alg, "sha512") == 0 || strcmp(alg, "sha512_crypt") == 0)
		prefix = "$6$";
	else if (strcmp(alg, "sha256") == 0 ||
	    strcmp(alg, "sha256_crypt") == 0)
		prefix = "$5$";
	else if (strcmp(alg, "md5") == 0 || strcmp(alg, "md5_crypt") == 0)
		prefix = "$1$";
	else
		return expr_fail(cause, "unsupported password hash type '%s'",
		    alg);
	if (salt != NULL) {
		if (strspn(salt, "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz") != strlen(salt) ||
		    strlen(salt) > 16)
			return expr_fail(cause,
			    "invalid salt '%s': up to 16 of "
			    "[./0-9A-Za-z]", salt);
		if (rounds > 0 && prefix[1] != '1')
			snprintf(setting, sizeof setting, "%srounds=%lld$%s$",
			    prefix, rounds, salt);
		else
			snprintf(setting, sizeof setting, "%s%s$", prefix,
			    salt);
	} else if (crypt_gensalt_rn(prefix, rounds > 0 && prefix[1] != '1' ?
	    (unsigned long)rounds : 0, NULL, 0, setting,
	    sizeof setting) == NULL)
		return expr_fail(cause, "cannot make a salt for '%s'", alg);
	cd = xcalloc(1, sizeof *cd);
	s = expr_str_of(in);
	h = crypt_r(s, setting, cd);
	if (h == NULL || h[0] == '*')
		expr_fail(cause, "crypt failed for hash type '%s'", alg);
	else {
		*out = value_str(h);
		r = 0;
	}
	explicit_bzero(cd, sizeof *cd);
	explicit_bzero(s, strlen(s));
	free(cd);
	free(s);
	return r;
}

const struct expr_filter expr_filters_encode[] = {
	{ "b64decode", f_b64decode, 0 },
	{ "b64encode", f_b64encode, 0 },
	{ "checksum", f_hash, 0 },
	{ "from_json", f_from_json, 0 },
	{ "from_yaml", f_from_yaml, 0 },
	{ "hash", f_hash, 0 },
	{ "password_hash", f_password_hash, 0 },
	{ "sha1", f_hash, 0 },
	{ "to_json", f_to_json, 0 },
	{ "to_nice_json", f_to_nice_json, 0 },
	{ "to_nice_yaml", f_to_nice_yaml, 0 },
	{ "to_yaml", f_to_yaml, 0 },
	{ NULL, NULL, 0 }
};
