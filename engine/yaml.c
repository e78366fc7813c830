/* YAML to values: libyaml events typed the way PyYAML's SafeLoader types them. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Ours, which brings in libyaml's (same name) through #include_next. */
#define CAIRN_YAML_LIBYAML
#include <yaml.h>

#include "regex.h"
#include "vault.h"

/*
 * Limits against hostile input.  libyaml keeps its own stacks on the heap,
 * but everything downstream (value_unref, value_copy, JSON) recurses, so the
 * nesting depth is capped here.  Aliases share the anchored value by
 * reference, so a "billion laughs" document stays small in memory; the
 * loader also counts how many nodes the document would have if every alias
 * were expanded and refuses past YAML_MAX_NODES, so that nothing walking the
 * result later (templating, copies, output) can be made to run for ever.
 * Merge keys copy pairs into a dict, so they have their own budget of
 * key comparisons.
 */
#define YAML_MAX_DEPTH		512
#define YAML_MAX_NODES		((uint64_t)1 << 22)
#define YAML_MAX_MERGED		((uint64_t)1 << 26)
#define YAML_ANCHOR_BUCKETS	256

/* Ansible's own tags. */
#define YAML_UNSAFE_TAG		"!unsafe"
#define YAML_VAULT_TAG		"!vault"
#define YAML_VAULT2_TAG		"!vault-encrypted"
#define YAML_MERGE_TAG		"tag:yaml.org,2002:merge"
#define YAML_BINARY_TAG		"tag:yaml.org,2002:binary"
#define YAML_SET_TAG		"tag:yaml.org,2002:set"

/* File names for struct loc: interned once, never freed, shared by threads. */
struct loc_name {
	struct loc_name	*next;
	char		 name[];
};
static pthread_mutex_t	 loc_lock = PTHREAD_MUTEX_INITIALIZER;
static struct loc_name	*loc_names[64];

const char *
loc_intern(const char *name)
{
	struct loc_name	*ln;
	unsigned int	 h = 2166136261u;
	const char	*p;
	size_t		 len = strlen(name);

	for (p = name; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	h %= ARRAY_SIZE(loc_names);

	pthread_mutex_lock(&loc_lock);
	for (ln = loc_names[h]; ln != NULL; ln = ln->next) {
		if (strcmp(ln->name, name) == 0)
			break;
	}
	if (ln == NULL) {
		ln = xmalloc(sizeof *ln + len + 1);
		memcpy(ln->name, name, len + 1);
		ln->next = loc_names[h];
		loc_names[h] = ln;
	}
	pthread_mutex_unlock(&loc_lock);
	return ln->name;
}

char *
loc_format(const struct loc *loc)
{
	if (loc == NULL || loc->file == NULL)
		return xstrdup("");
	return xasprintf("%s:%d:%d", loc->file, loc->line, loc->col);
}

/*
 * PyYAML's implicit resolvers (resolver.py), verbatim, in the order PyYAML
 * tries them.  Timestamps are left out: cairn has no date type, and PyYAML's
 * date objects print as the text that was written anyway.
 */
enum yaml_re {
	YAML_RE_BOOL,
	YAML_RE_FLOAT,
	YAML_RE_INT,
	YAML_RE_MERGE,
	YAML_RE_NULL,
	YAML_RE_VALUE,
	YAML_RE_COUNT
};
static const char *yaml_re_text[YAML_RE_COUNT] = {
	"^(?:yes|Yes|YES|no|No|NO\n"
	"|true|True|TRUE|false|False|FALSE\n"
	"|on|On|ON|off|Off|OFF)\\Z",

	"^(?:[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?\n"
	"|\\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?\n"
	"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*\n"
	"|[-+]?\\.(?:inf|Inf|INF)\n"
	"|\\.(?:nan|NaN|NAN))\\Z",

	"^(?:[-+]?0b[0-1_]+\n"
	"|[-+]?0[0-7_]+\n"
	"|[-+]?(?:0|[1-9][0-9_]*)\n"
	"|[-+]?0x[0-9a-fA-F_]+\n"
	"|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)\\Z",

	"^(?:<<)\\Z",

	"^(?: ~\n"
	"|null|Null|NULL\n"
	"| )\\Z",

	"^(?:=)\\Z",
};
static struct regex	*yaml_re[YAML_RE_COUNT];
static pthread_once_t	 yaml_re_once = PTHREAD_ONCE_INIT;

static void
yaml_re_compile(void)
{
	char	*cause = NULL;
	int	 i;

	for (i = 0; i < YAML_RE_COUNT; i++) {
		/* re.X in PyYAML; "$" is "\Z" so that "1\n" is not an int. */
		yaml_re[i] = regex_compile(yaml_re_text[i], REGEX_VERBOSE,
		    &cause);
		if (yaml_re[i] == NULL)
			fatal("yaml resolver %d: %s", i, cause);
	}
}

struct yaml_anchor {
	struct yaml_anchor	*next;
	char			*name;
	struct value		*v;	/* NULL while its node is still open */
	char			*text;	/* scalar text, for use as a key */
	size_t			 textlen;
	uint64_t		 size;	/* nodes if every alias were expanded */
	struct loc		 loc;
};

struct yaml_frame {
	int		 map;
	int		 unsafe;
	struct loc	 loc;
	struct value	*list;		/* sequences are built as they go */
	struct yaml_anchor *anchor;
	uint64_t	 size;

	/* Mappings keep their pairs until the end, for merge keys. */
	int		 have_key;
	int		 key_merge;
	char		*key;
	struct loc	 key_loc;
	char		**keys;
	struct loc	*key_locs;
	struct value	**vals;
	size_t		 n;
	size_t		 cap;
	struct value	**merges;
	size_t		 nmerges;
};

struct yaml_ctx {
	const char		*file;
	const char		*text;
	size_t			 len;
	struct yaml_frame	*stack;
	size_t			 depth;
	struct value		*root;
	uint64_t		 merged;
	struct yaml_anchor	*anchors[YAML_ANCHOR_BUCKETS];
	char			*cause;
};

static int	yaml_error(struct yaml_ctx *, const struct loc *, const char *,
		    ...) __attribute__((format(printf, 3, 4)));

static int
yaml_error(struct yaml_ctx *ctx, const struct loc *loc, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	free(ctx->cause);
	ctx->cause = xasprintf("%s:%d:%d: %s", ctx->file, loc->line, loc->col,
	    msg);
	free(msg);
	return -1;
}

static struct loc
yaml_loc(struct yaml_ctx *ctx, yaml_mark_t mark)
{
	struct loc	loc;

	loc.file = ctx->file;
	loc.line = (int)mark.line + 1;
	loc.col = (int)mark.column + 1;
	return loc;
}

static uint64_t
yaml_add_size(uint64_t a, uint64_t b)
{
	return a + b < a || a + b > YAML_MAX_NODES ? YAML_MAX_NODES + 1 : a + b;
}

static int
yaml_match(struct yaml_ctx *ctx, enum yaml_re re, const char *s, size_t len)
{
	char	*cause = NULL;
	int	 r;

	r = regex_search(yaml_re[re], s, len, 0, NULL, &cause);
	free(cause);
	return r > 0;
}

/* A copy of s without '_', lowercased: what PyYAML's constructors see. */
static char *
yaml_clean_number(const char *s, size_t len)
{
	char	*out = xmalloc(len + 1), *p = out;
	size_t	 i;

	for (i = 0; i < len; i++) {
		if (s[i] == '_')
			continue;
		*p++ = (s[i] >= 'A' && s[i] <= 'Z') ? s[i] - 'A' + 'a' : s[i];
	}
	*p = '\0';
	return out;
}

static int
yaml_digits(const char *p, int base, unsigned long long *out)
{
	unsigned long long	v = 0;
	int			d;

	if (*p == '\0')
		return -1;
	for (; *p != '\0'; p++) {
		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else
			return -1;
		if (d >= base || v > (ULLONG_MAX - (unsigned)d) / (unsigned)base)
			return -1;
		v = v * (unsigned)base + (unsigned)d;
	}
	*out = v;
	return 0;
}

/*
 * SafeConstructor.construct_yaml_int.  Fails (-1) when out of range for a
 * long long or with no digits ("0x_"); the implicit resolver then keeps
 * the text as a string, which prints the same as Python's big int would.
 */
static int
yaml_to_int(const char *s, size_t len, long long *out)
{
	char			*c = yaml_clean_number(s, len), *p = c, *part;
	unsigned long long	 v = 0, d;
	int			 neg = 0, r = -1;

	if (*p == '-' || *p == '+')
		neg = (*p++ == '-');
	if (strcmp(p, "0") == 0)
		v = 0;
	else if (p[0] == '0' && p[1] == 'b') {
		if (yaml_digits(p + 2, 2, &v) != 0)
			goto out;
	} else if (p[0] == '0' && p[1] == 'x') {
		if (yaml_digits(p + 2, 16, &v) != 0)
			goto out;
	} else if (p[0] == '0') {
		if (yaml_digits(p, 8, &v) != 0)
			goto out;
	} else if (strchr(p, ':') != NULL) {
		while ((part = strsep(&p, ":")) != NULL) {
			if (yaml_digits(part, 10, &d) != 0 ||
			    v > (ULLONG_MAX - d) / 60)
				goto out;
			v = v * 60 + d;
		}
	} else if (yaml_digits(p, 10, &v) != 0)
		goto out;
	if (v > (unsigned long long)LLONG_MAX + (neg ? 1 : 0))
		goto out;
	*out = neg ? (long long)(0 - v) : (long long)v;
	r = 0;
out:
	free(c);
	return r;
}

/* SafeConstructor.construct_yaml_float; Python's float() for the rest. */
static int
yaml_to_float(const char *s, size_t len, double *out)
{
	char	*c = yaml_clean_number(s, len), *p = c, *part, *end;
	double	 v = 0, sign = 1, d;
	int	 r = -1;

	if (*p == '-' || *p == '+')
		sign = (*p++ == '-') ? -1 : 1;
	if (strcmp(p, ".inf") == 0)
		v = INFINITY;
	else if (strcmp(p, ".nan") == 0) {
		sign = 1;
		v = NAN;
	} else if (strchr(p, ':') != NULL) {
		while ((part = strsep(&p, ":")) != NULL) {
			d = strtod(part, &end);
			if (*part == '\0' || *end != '\0')
				goto out;
			v = v * 60 + d;
		}
	} else {
		/* strtod takes hex and "nan(...)", Python's float() does not. */
		if (*p == '\0' || strchr(p, 'x') != NULL ||
		    strchr(p, '(') != NULL)
			goto out;
		v = strtod(p, &end);
		if (*end != '\0')
			goto out;
	}
	*out = sign * v;
	r = 0;
out:
	free(c);
	return r;
}

static int
yaml_to_bool(const char *s, size_t len)
{
	static const char *const yes[] = { "yes", "true", "on" };
	static const char *const no[] = { "no", "false", "off" };
	size_t			 i;

	for (i = 0; i < ARRAY_SIZE(yes); i++) {
		if (strlen(yes[i]) == len && strncasecmp(s, yes[i], len) == 0)
			return 1;
		if (strlen(no[i]) == len && strncasecmp(s, no[i], len) == 0)
			return 0;
	}
	return -1;
}

/* !!binary: base64 as Python's base64.decodebytes reads it. */
static struct value *
yaml_from_base64(const char *s, size_t len)
{
	static const char	 set[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	struct buf		 b = BUF_INIT;
	struct value		*v;
	const char		*p;
	unsigned int		 acc = 0;
	size_t			 i, n = 0, pad = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
			continue;
		if (s[i] == '=') {
			pad++;
			continue;
		}
		if (pad != 0 || (p = strchr(set, s[i])) == NULL || s[i] == '\0')
			goto fail;
		acc = (acc << 6) | (unsigned int)(p - set);
		if (++n % 4 == 0) {
			buf_addc(&b, (char)(acc >> 16));
			buf_addc(&b, (char)(acc >> 8));
			buf_addc(&b, (char)acc);
			acc = 0;
		}
	}
	if (n % 4 == 1 || (pad != 0 && (n + pad) % 4 != 0))
		goto fail;
	if (n % 4 == 2)
		buf_addc(&b, (char)(acc >> 4));
	else if (n % 4 == 3) {
		buf_addc(&b, (char)(acc >> 10));
		buf_addc(&b, (char)(acc >> 2));
	}
	v = value_strn(buf_cstr(&b), b.len);
	buf_release(&b);
	return v;
fail:
	buf_release(&b);
	return NULL;
}

/* A plain (or "!"-tagged) scalar: PyYAML's implicit typing. */
static struct value *
yaml_resolve(struct yaml_ctx *ctx, const char *s, size_t len, int key,
    const struct loc *loc)
{
	long long	i;
	double		f;

	if (yaml_match(ctx, YAML_RE_BOOL, s, len))
		return value_bool(yaml_to_bool(s, len));
	if (yaml_match(ctx, YAML_RE_FLOAT, s, len) &&
	    yaml_to_float(s, len, &f) == 0)
		return value_float(f);
	if (yaml_match(ctx, YAML_RE_INT, s, len) &&
	    yaml_to_int(s, len, &i) == 0)
		return value_int(i);
	if (!key && yaml_match(ctx, YAML_RE_MERGE, s, len)) {
		yaml_error(ctx, loc, "'<<' is a merge key and cannot be a "
		    "value; quote it to mean the text");
		return NULL;
	}
	if (yaml_match(ctx, YAML_RE_NULL, s, len))
		return value_null();
	if (!key && yaml_match(ctx, YAML_RE_VALUE, s, len)) {
		/* PyYAML has no constructor for '=' (the YAML 1.1 value key). */
		yaml_error(ctx, loc, "a plain '=' is not a valid value; quote "
		    "it to mean the text");
		return NULL;
	}
	return value_strn(s, len);
}

/*
 * An inline !vault value: decrypted now when a secret of the run opens
 * it.  Otherwise it stays the envelope, flagged, and only a use of it
 * fails, with the reason (as in Ansible, a --syntax-check or a play that
 * never reads it needs no password, and a task that reads it fails).
 */
static struct value *
yaml_vault_scalar(struct yaml_ctx *ctx, const char *s, size_t len,
    const struct loc *loc)
{
	const struct vault_secrets	*sec = vault_get_secrets();
	struct buf			 plain = BUF_INIT;
	struct value			*v;
	char				*cause = NULL;

	(void)ctx;
	(void)loc;
	if (sec == NULL || sec->n == 0 ||
	    vault_decrypt(sec, s, len, NULL, &plain, NULL, &cause) != 0) {
		free(cause);
		buf_release(&plain);
		v = value_strn(s, len);
		v->flags |= VALUE_VAULT | VALUE_QUOTED;
		return v;
	}
	v = value_strn(buf_cstr(&plain), plain.len);
	v->flags |= VALUE_QUOTED;
	explicit_bzero(plain.s, plain.cap);
	buf_release(&plain);
	return v;
}

/* Builds the value of a scalar event; NULL with ctx->cause set on error. */
static struct value *
yaml_scalar(struct yaml_ctx *ctx, yaml_event_t *ev, int key, int unsafe,
    const struct loc *loc)
{
	const char	*tag = (const char *)ev->data.scalar.tag;
	const char	*s = (const char *)ev->data.scalar.value;
	size_t		 len = ev->data.scalar.length;
	int		 quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
	int		 b;
	struct value	*v;
	long long	 i;
	double		 f;

	if (tag == NULL || strcmp(tag, "!") == 0) {
		/* libyaml sets plain_implicit for plain scalars and for "!". */
		if (ev->data.scalar.plain_implicit)
			v = yaml_resolve(ctx, s, len, key, loc);
		else {
			v = value_strn(s, len);
			v->flags |= VALUE_QUOTED;
		}
	} else if (strcmp(tag, YAML_UNSAFE_TAG) == 0) {
		v = value_strn(s, len);
		v->flags |= VALUE_UNSAFE | (quoted ? VALUE_QUOTED : 0);
	} else if (strcmp(tag, YAML_VAULT_TAG) == 0 ||
	    strcmp(tag, YAML_VAULT2_TAG) == 0) {
		if ((v = yaml_vault_scalar(ctx, s, len, loc)) == NULL)
			return NULL;
	} else if (strcmp(tag, YAML_STR_TAG) == 0 ||
	    strcmp(tag, YAML_TIMESTAMP_TAG) == 0) {
		v = value_strn(s, len);
		v->flags |= VALUE_QUOTED;
	} else if (strcmp(tag, YAML_INT_TAG) == 0) {
		if (yaml_to_int(s, len, &i) != 0) {
			yaml_error(ctx, loc, "invalid integer '%.*s'", (int)len,
			    s);
			return NULL;
		}
		v = value_int(i);
	} else if (strcmp(tag, YAML_FLOAT_TAG) == 0) {
		if (yaml_to_float(s, len, &f) != 0) {
			yaml_error(ctx, loc, "invalid float '%.*s'", (int)len, s);
			return NULL;
		}
		v = value_float(f);
	} else if (strcmp(tag, YAML_BOOL_TAG) == 0) {
		if ((b = yaml_to_bool(s, len)) == -1) {
			yaml_error(ctx, loc, "invalid boolean '%.*s'", (int)len,
			    s);
			return NULL;
		}
		v = value_bool(b);
	} else if (strcmp(tag, YAML_NULL_TAG) == 0)
		v = value_null();
	else if (strcmp(tag, YAML_BINARY_TAG) == 0) {
		if ((v = yaml_from_base64(s, len)) == NULL) {
			yaml_error(ctx, loc, "invalid base64 data in !!binary");
			return NULL;
		}
	} else if (strcmp(tag, YAML_MERGE_TAG) == 0 && key)
		v = value_strn(s, len);
	else {
		yaml_error(ctx, loc, "could not determine a constructor for the "
		    "tag '%s'", tag);
		return NULL;
	}
	if (v == NULL)
		return NULL;
	if (unsafe && v->type == V_STR)
		v->flags |= VALUE_UNSAFE;
	v->loc = *loc;
	return v;
}

static unsigned int
yaml_anchor_hash(const char *name)
{
	unsigned int	h = 2166136261u;

	for (; *name != '\0'; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	return h % YAML_ANCHOR_BUCKETS;
}

static struct yaml_anchor *
yaml_anchor_find(struct yaml_ctx *ctx, const char *name)
{
	struct yaml_anchor	*a;

	for (a = ctx->anchors[yaml_anchor_hash(name)]; a != NULL; a = a->next) {
		if (strcmp(a->name, name) == 0)
			return a;
	}
	return NULL;
}

/* Anchors are registered when their node opens, so recursion is caught. */
static struct yaml_anchor *
yaml_anchor_open(struct yaml_ctx *ctx, const char *name, const struct loc *loc)
{
	struct yaml_anchor	*a;
	unsigned int		 h = yaml_anchor_hash(name);

	if ((a = yaml_anchor_find(ctx, name)) != NULL) {
		yaml_error(ctx, loc, "found duplicate anchor '%s' (first "
		    "occurrence at line %d column %d)", name, a->loc.line,
		    a->loc.col);
		return NULL;
	}
	a = xcalloc(1, sizeof *a);
	a->name = xstrdup(name);
	a->loc = *loc;
	a->next = ctx->anchors[h];
	ctx->anchors[h] = a;
	return a;
}

static void
yaml_frame_clear(struct yaml_frame *f)
{
	size_t	i;

	value_unref(f->list);
	free(f->key);
	for (i = 0; i < f->n; i++) {
		free(f->keys[i]);
		value_unref(f->vals[i]);
	}
	free(f->keys);
	free(f->key_locs);
	free(f->vals);
	for (i = 0; i < f->nmerges; i++)
		value_unref(f->merges[i]);
	free(f->merges);
	memset(f, 0, sizeof *f);
}

static const char *
yaml_kind(const struct value *v)
{
	switch (v->type) {
	case V_LIST:
		return "a sequence";
	case V_DICT:
		return "a mapping";
	default:
		return "a scalar";
	}
}

/*
 * Hangs a finished node (taking v) on the open collection.  at is where
 * the node (or the alias to it) was written; keytext is the scalar's text
 * if the node is a scalar (NULL for collections); merge is set for "<<".
 */
static int
yaml_add(struct yaml_ctx *ctx, struct value *v, const struct loc *at,
    const char *keytext, size_t keylen, int merge, uint64_t size)
{
	struct yaml_frame	*f;
	size_t			 i;

	if (ctx->depth == 0) {
		if (ctx->root == NULL)
			ctx->root = v;
		else
			value_unref(v);
		return 0;
	}
	f = &ctx->stack[ctx->depth - 1];
	f->size = yaml_add_size(f->size, size);
	if (f->size > YAML_MAX_NODES) {
		yaml_error(ctx, at, "document too large: more than %llu "
		    "nodes once aliases are expanded",
		    (unsigned long long)YAML_MAX_NODES);
		value_unref(v);
		return -1;
	}
	if (!f->map) {
		value_list_append(f->list, v);
		return 0;
	}
	if (!f->have_key) {
		if (keytext == NULL) {
			yaml_error(ctx, at, "%s cannot be a mapping key",
			    yaml_kind(v));
			value_unref(v);
			return -1;
		}
		if (strlen(keytext) != keylen) {
			yaml_error(ctx, at, "mapping key contains a NUL "
			    "character");
			value_unref(v);
			return -1;
		}
		f->key_loc = *at;
		value_unref(v);
		f->key = xstrdup(keytext);
		f->key_merge = merge;
		f->have_key = 1;
		return 0;
	}
	f->have_key = 0;
	if (f->key_merge) {
		free(f->key);
		f->key = NULL;
		if (v->type == V_LIST) {
			for (i = 0; i < v->u.list.n; i++) {
				if (v->u.list.items[i]->type == V_DICT)
					continue;
				yaml_error(ctx, &v->u.list.items[i]->loc,
				    "expected a mapping for merging, but found "
				    "%s", yaml_kind(v->u.list.items[i]));
				value_unref(v);
				return -1;
			}
		} else if (v->type != V_DICT) {
			yaml_error(ctx, at, "expected a mapping or list of "
			    "mappings for merging, but found %s", yaml_kind(v));
			value_unref(v);
			return -1;
		}
		f->merges = xreallocarray(f->merges, f->nmerges + 1,
		    sizeof *f->merges);
		f->merges[f->nmerges++] = v;
		return 0;
	}
	if (f->n == f->cap) {
		f->cap = f->cap == 0 ? 8 : f->cap * 2;
		f->keys = xreallocarray(f->keys, f->cap, sizeof *f->keys);
		f->key_locs = xreallocarray(f->key_locs, f->cap,
		    sizeof *f->key_locs);
		f->vals = xreallocarray(f->vals, f->cap, sizeof *f->vals);
	}
	f->key_locs[f->n] = f->key_loc;
	f->keys[f->n] = f->key;
	f->vals[f->n++] = v;
	f->key = NULL;
	return 0;
}

static int
yaml_merge_one(struct yaml_ctx *ctx, struct value *d, const struct value *m,
    const struct loc *loc)
{
	size_t	i;

	/* Each set looks the key up, so the work is pairs times dict size. */
	ctx->merged += (uint64_t)m->u.dict.n * (d->u.dict.n + m->u.dict.n + 1);
	if (ctx->merged > YAML_MAX_MERGED)
		return yaml_error(ctx, loc, "too much merging with '<<'");
	for (i = 0; i < m->u.dict.n; i++)
		value_dict_set(d, m->u.dict.keys[i], value_ref(m->u.dict.vals[i]));
	return 0;
}

/*
 * Builds a finished mapping as PyYAML's flatten_mapping does: all merged
 * pairs first (a list of mappings in reverse, so the first one wins), then
 * the mapping's own pairs; a later key replaces the value but keeps the
 * place of the first, like a Python dict.
 */
static struct value *
yaml_build_mapping(struct yaml_ctx *ctx, struct yaml_frame *f)
{
	struct value	*d = value_dict(), *m;
	size_t		 i, j;

	d->loc = f->loc;
	for (i = 0; i < f->nmerges; i++) {
		m = f->merges[i];
		if (m->type == V_DICT) {
			if (yaml_merge_one(ctx, d, m, &f->loc) != 0)
				goto fail;
			continue;
		}
		for (j = m->u.list.n; j > 0; j--) {
			if (yaml_merge_one(ctx, d, m->u.list.items[j - 1],
			    &f->loc) != 0)
				goto fail;
		}
	}
	for (i = 0; i < f->n; i++) {
		value_dict_set(d, f->keys[i], f->vals[i]);
		value_dict_set_keyloc(d, f->keys[i], &f->key_locs[i]);
		free(f->keys[i]);
	}
	f->n = 0;
	return d;
fail:
	value_unref(d);
	return NULL;
}

static int
yaml_push(struct yaml_ctx *ctx, int map, const char *tag, const char *anchor,
    const struct loc *loc)
{
	struct yaml_frame	*f, *parent;
	int			 unsafe = 0;

	parent = ctx->depth == 0 ? NULL : &ctx->stack[ctx->depth - 1];
	if (parent != NULL && parent->map && !parent->have_key) {
		return yaml_error(ctx, loc, "%s cannot be a mapping key",
		    map ? "a mapping" : "a sequence");
	}
	if (ctx->depth >= YAML_MAX_DEPTH) {
		return yaml_error(ctx, loc, "too deeply nested (more than %d "
		    "levels)", YAML_MAX_DEPTH);
	}
	if (tag != NULL && strcmp(tag, "!") != 0) {
		if (strcmp(tag, YAML_UNSAFE_TAG) == 0)
			unsafe = 1;
		else if (strcmp(tag, YAML_VAULT_TAG) == 0 ||
		    strcmp(tag, YAML_VAULT2_TAG) == 0) {
			return yaml_error(ctx, loc, "vault-encrypted values are "
			    "not supported yet");
		} else if (map ? (strcmp(tag, YAML_MAP_TAG) != 0 &&
		    strcmp(tag, YAML_SET_TAG) != 0) :
		    strcmp(tag, YAML_SEQ_TAG) != 0) {
			return yaml_error(ctx, loc, "could not determine a "
			    "constructor for the tag '%s'", tag);
		}
	}
	f = &ctx->stack[ctx->depth];
	memset(f, 0, sizeof *f);
	f->map = map;
	f->unsafe = unsafe || (parent != NULL && parent->unsafe);
	f->loc = *loc;
	f->size = 1;
	if (!map) {
		f->list = value_list();
		f->list->loc = *loc;
	}
	ctx->depth++;
	if (anchor != NULL &&
	    (f->anchor = yaml_anchor_open(ctx, anchor, loc)) == NULL)
		return -1;
	return 0;
}

static int
yaml_pop(struct yaml_ctx *ctx)
{
	struct yaml_frame	*f = &ctx->stack[ctx->depth - 1];
	struct yaml_anchor	*a = f->anchor;
	struct value		*v;
	uint64_t		 size = f->size;

	if (f->map) {
		if ((v = yaml_build_mapping(ctx, f)) == NULL)
			return -1;
	} else {
		v = f->list;
		f->list = NULL;
	}
	yaml_frame_clear(f);
	ctx->depth--;
	if (a != NULL) {
		a->v = value_ref(v);
		a->size = size;
	}
	return yaml_add(ctx, v, &v->loc, NULL, 0, 0, size);
}

static int
yaml_on_scalar(struct yaml_ctx *ctx, yaml_event_t *ev)
{
	struct loc		 loc = yaml_loc(ctx, ev->start_mark);
	struct yaml_frame	*f;
	struct yaml_anchor	*a = NULL;
	struct value		*v;
	const char		*tag = (const char *)ev->data.scalar.tag;
	const char		*s = (const char *)ev->data.scalar.value;
	size_t			 len = ev->data.scalar.length;
	int			 key = 0, unsafe = 0, merge = 0;

	if (ctx->depth != 0) {
		f = &ctx->stack[ctx->depth - 1];
		key = f->map && !f->have_key;
		unsafe = f->unsafe;
	}
	if (ev->data.scalar.anchor != NULL &&
	    (a = yaml_anchor_open(ctx, (const char *)ev->data.scalar.anchor,
	    &loc)) == NULL)
		return -1;
	if ((v = yaml_scalar(ctx, ev, key, unsafe, &loc)) == NULL)
		return -1;
	if (key) {
		if (tag != NULL && strcmp(tag, YAML_MERGE_TAG) == 0)
			merge = 1;
		else if ((tag == NULL || strcmp(tag, "!") == 0) &&
		    ev->data.scalar.plain_implicit &&
		    yaml_match(ctx, YAML_RE_MERGE, s, len))
			merge = 1;
	}
	if (a != NULL) {
		a->v = value_ref(v);
		a->text = xstrndup(s, len);
		a->textlen = len;
		a->size = 1;
	}
	return yaml_add(ctx, v, &loc, s, len, merge, 1);
}

static int
yaml_on_alias(struct yaml_ctx *ctx, yaml_event_t *ev)
{
	struct loc		 loc = yaml_loc(ctx, ev->start_mark);
	const char		*name = (const char *)ev->data.alias.anchor;
	struct yaml_anchor	*a;
	struct yaml_frame	*f;
	struct value		*v;

	if ((a = yaml_anchor_find(ctx, name)) == NULL)
		return yaml_error(ctx, &loc, "found undefined alias '%s'", name);
	if (a->v == NULL) {
		return yaml_error(ctx, &loc, "found recursive alias '%s'",
		    name);
	}
	v = value_ref(a->v);
	f = ctx->depth == 0 ? NULL : &ctx->stack[ctx->depth - 1];
	if (f != NULL && f->unsafe && v->type == V_STR &&
	    (v->flags & VALUE_UNSAFE) == 0) {
		/*
		 * The anchored string is shared with safe places: mark a copy.
		 * Aliased collections are left as they are (marking them
		 * would mean walking, and changing, shared values).
		 */
		value_unref(v);
		v = value_strn(a->v->u.str.s, a->v->u.str.len);
		v->flags = a->v->flags | VALUE_UNSAFE;
		v->loc = a->v->loc;
	}
	return yaml_add(ctx, v, &loc, a->text, a->textlen, 0, a->size);
}

static void
yaml_ctx_free(struct yaml_ctx *ctx)
{
	struct yaml_anchor	*a, *next;
	size_t			 i;

	while (ctx->depth > 0)
		yaml_frame_clear(&ctx->stack[--ctx->depth]);
	free(ctx->stack);
	for (i = 0; i < YAML_ANCHOR_BUCKETS; i++) {
		for (a = ctx->anchors[i]; a != NULL; a = next) {
			next = a->next;
			value_unref(a->v);
			free(a->name);
			free(a->text);
			free(a);
		}
	}
	value_unref(ctx->root);
	free(ctx->cause);
}

/* The start of the character at a 0-based line and column, or NULL. */
static const char *
yaml_char_at(struct yaml_ctx *ctx, size_t line, size_t col)
{
	const char	*p = ctx->text, *end = ctx->text + ctx->len;

	while (line > 0 && p < end) {
		if (*p == '\n' || (*p == '\r' && (p + 1 == end || p[1] != '\n')))
			line--;
		p++;
	}
	while (col > 0 && p < end && *p != '\n' && *p != '\r') {
		p++;
		while (p < end && ((unsigned char)*p & 0xc0) == 0x80)
			p++;
		col--;
	}
	return p < end ? p : NULL;
}

static size_t
yaml_char_len(struct yaml_ctx *ctx, const char *p)
{
	size_t	n = 1;

	while (p + n < ctx->text + ctx->len &&
	    ((unsigned char)p[n] & 0xc0) == 0x80 && n < 4)
		n++;
	return n;
}

/* libyaml's error, made into "file:line:col: problem (context)". */
static void
yaml_parser_cause(struct yaml_ctx *ctx, yaml_parser_t *p)
{
	struct loc	 loc = { ctx->file, 1, 1 };
	const char	*problem = p->problem, *c;
	size_t		 i;

	if (problem == NULL)
		problem = "unknown error";
	switch (p->error) {
	case YAML_READER_ERROR:
		/* Reader errors only have a byte offset. */
		for (i = 0; i < p->problem_offset && i < ctx->len; i++) {
			if (ctx->text[i] == '\n') {
				loc.line++;
				loc.col = 1;
			} else if (((unsigned char)ctx->text[i] & 0xc0) != 0x80)
				loc.col++;
		}
		if (p->problem_value != -1) {
			yaml_error(ctx, &loc, "%s (#x%X)", problem,
			    (unsigned int)p->problem_value);
		} else
			yaml_error(ctx, &loc, "%s", problem);
		return;
	case YAML_SCANNER_ERROR:
	case YAML_PARSER_ERROR:
		loc = yaml_loc(ctx, p->problem_mark);
		c = yaml_char_at(ctx, p->problem_mark.line,
		    p->problem_mark.column);
		if (strstr(problem, "tab character") != NULL ||
		    (strstr(problem, "cannot start any token") != NULL &&
		    c != NULL && *c == '\t')) {
			yaml_error(ctx, &loc, "found a tab character where an "
			    "indentation space is expected");
			return;
		}
		if (strcmp(problem, "found character that cannot start any "
		    "token") == 0 && c != NULL &&
		    (unsigned char)*c >= 0x20 && *c != 0x7f) {
			yaml_error(ctx, &loc, "found character '%.*s' that "
			    "cannot start any token", (int)yaml_char_len(ctx, c),
			    c);
			return;
		}
		if (p->context != NULL &&
		    strcmp(p->context, "while scanning for the next token") != 0) {
			yaml_error(ctx, &loc, "%s (%s that starts at line %d "
			    "column %d)", problem, p->context,
			    (int)p->context_mark.line + 1,
			    (int)p->context_mark.column + 1);
		} else
			yaml_error(ctx, &loc, "%s", problem);
		return;
	default:
		yaml_error(ctx, &loc, "%s", problem);
		return;
	}
}

int
yaml_load_string(const char *name, const char *text, size_t len,
    struct value **out, char **cause)
{
	struct yaml_ctx	 ctx;
	yaml_parser_t	 p;
	yaml_event_t	 ev;
	struct loc	 loc;
	int		 r = -1, done = 0, skip = 0;
	yaml_event_type_t type;

	*out = NULL;
	pthread_once(&yaml_re_once, yaml_re_compile);
	memset(&ctx, 0, sizeof ctx);
	ctx.file = loc_intern(name);
	ctx.text = text;
	ctx.len = len;
	ctx.stack = xcalloc(YAML_MAX_DEPTH, sizeof *ctx.stack);

	if (!yaml_parser_initialize(&p))
		fatal("yaml_parser_initialize failed");
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev)) {
			yaml_parser_cause(&ctx, &p);
			r = -1;
			goto out;
		}
		/*
		 * Only the first document is used (Ansible's playbooks and
		 * inventories are single documents); the rest is still read
		 * through so that syntax errors in it are reported.
		 */
		type = ev.type;
		if (skip && type != YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			continue;
		}
		loc = yaml_loc(&ctx, ev.start_mark);
		r = 0;
		switch (type) {
		case YAML_DOCUMENT_END_EVENT:
			skip = 1;
			break;
		case YAML_SCALAR_EVENT:
			r = yaml_on_scalar(&ctx, &ev);
			break;
		case YAML_ALIAS_EVENT:
			r = yaml_on_alias(&ctx, &ev);
			break;
		case YAML_SEQUENCE_START_EVENT:
			r = yaml_push(&ctx, 0,
			    (const char *)ev.data.sequence_start.tag,
			    (const char *)ev.data.sequence_start.anchor, &loc);
			break;
		case YAML_MAPPING_START_EVENT:
			r = yaml_push(&ctx, 1,
			    (const char *)ev.data.mapping_start.tag,
			    (const char *)ev.data.mapping_start.anchor, &loc);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			r = yaml_pop(&ctx);
			break;
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
		if (r != 0)
			goto out;
	}
	if (ctx.root == NULL) {
		ctx.root = value_null();
		ctx.root->loc.file = ctx.file;
		ctx.root->loc.line = 1;
		ctx.root->loc.col = 1;
	}
	*out = ctx.root;
	ctx.root = NULL;
	r = 0;
out:
	if (r != 0) {
		*cause = ctx.cause;
		ctx.cause = NULL;
	}
	yaml_parser_delete(&p);
	yaml_ctx_free(&ctx);
	return r;
}

int
yaml_load_file(const char *path, struct value **out, char **cause)
{
	struct buf	b = BUF_INIT;
	int		r;

	*out = NULL;
	if ((r = read_file(path, &b)) != 0) {
		*cause = xasprintf("cannot read '%s': %s", path, strerror(-r));
		buf_release(&b);
		return -1;
	}
	/* A whole file encrypted with ansible-vault, as Ansible reads it. */
	if (vault_is_encrypted(buf_cstr(&b), b.len)) {
		const struct vault_secrets	*sec = vault_get_secrets();
		struct buf			 plain = BUF_INIT;

		if (vault_lenient() && (sec == NULL || sec->n == 0)) {
			buf_release(&b);
			*out = value_null();
			return 0;
		}

		if (vault_decrypt(sec, b.s, b.len, path, &plain, NULL,
		    cause) != 0) {
			buf_release(&b);
			return -1;
		}
		buf_release(&b);
		r = yaml_load_string(path, buf_cstr(&plain), plain.len, out,
		    cause);
		explicit_bzero(plain.s, plain.cap);
		buf_release(&plain);
		return r;
	}
	r = yaml_load_string(path, buf_cstr(&b), b.len, out, cause);
	buf_release(&b);
	return r;
}

const char *
yaml_library_version(void)
{
	return yaml_get_version_string();
}
