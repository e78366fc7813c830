/*
 * Sequence and math filters: batch, slice, groupby, combinations,
 * permutations, product, zip_longest, subelements, rekey_on_member, attr,
 * shuffle (Python's own Mersenne Twister when seeded, so a seed gives
 * Ansible's order), from_yaml_all.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "expr-internal.h"
#include "yaml.h"

/* Python's random.Random: MT19937 seeded as random_seed() does. */

static void
mt_init(struct py_random *r, uint32_t s)
{
	r->mt[0] = s;
	for (r->mti = 1; r->mti < 624; r->mti++)
		r->mt[r->mti] = 1812433253U * (r->mt[r->mti - 1] ^
		    (r->mt[r->mti - 1] >> 30)) + (uint32_t)r->mti;
}

static void
mt_init_array(struct py_random *r, const uint32_t *key, size_t n)
{
	size_t		i = 1, j = 0, k;

	mt_init(r, 19650218U);
	for (k = 624 > n ? 624 : n; k > 0; k--) {
		r->mt[i] = (r->mt[i] ^ ((r->mt[i - 1] ^ (r->mt[i - 1] >> 30)) *
		    1664525U)) + key[j] + (uint32_t)j;
		i++;
		j++;
		if (i >= 624) {
			r->mt[0] = r->mt[623];
			i = 1;
		}
		if (j >= n)
			j = 0;
	}
	for (k = 623; k > 0; k--) {
		r->mt[i] = (r->mt[i] ^ ((r->mt[i - 1] ^ (r->mt[i - 1] >> 30)) *
		    1566083941U)) - (uint32_t)i;
		i++;
		if (i >= 624) {
			r->mt[0] = r->mt[623];
			i = 1;
		}
	}
	r->mt[0] = 0x80000000U;
	r->mti = 624;
}

static uint32_t
mt_next(struct py_random *r)
{
	static const uint32_t	mag[2] = { 0, 0x9908b0dfU };
	uint32_t		y;
	int			k;

	if (r->mti >= 624) {
		for (k = 0; k < 624; k++) {
			y = (r->mt[k] & 0x80000000U) |
			    (r->mt[(k + 1) % 624] & 0x7fffffffU);
			r->mt[k] = r->mt[(k + 397) % 624] ^ (y >> 1) ^
			    mag[y & 1];
		}
		r->mti = 0;
	}
	y = r->mt[r->mti++];
	y ^= y >> 11;
	y ^= (y << 7) & 0x9d2c5680U;
	y ^= (y << 15) & 0xefc60000U;
	y ^= y >> 18;
	return y;
}

void
expr_pyrand_seed(struct py_random *r, const struct value *seed)
{
	unsigned char	*bytes, md[64];
	uint32_t	*key;
	unsigned int	 mdlen = 0;
	long long	 i;
	size_t		 len, n, k, w;
	char		*s;

	if (seed->type == V_INT || seed->type == V_BOOL) {
		i = seed->type == V_INT ? seed->u.i : seed->u.b;
		unsigned long long	u = i < 0 ? 0ULL - (unsigned long long)i :
					    (unsigned long long)i;
		uint32_t		kk[2] = { (uint32_t)u,
					    (uint32_t)(u >> 32) };

		mt_init_array(r, kk, kk[1] != 0 ? 2 : 1);
		return;
	}
	/* a string: int.from_bytes(s + sha512(s)), big-endian */
	s = expr_str_of(seed);
	len = strlen(s);
	bytes = xmalloc(len + 64);
	memcpy(bytes, s, len);
	EVP_Digest(s, len, md, &mdlen, EVP_sha512(), NULL);
	memcpy(bytes + len, md, 64);
	len += 64;
	free(s);
	n = (len + 3) / 4;
	key = xcalloc(n, sizeof *key);
	for (k = 0; k < len; k++) {
		w = (len - 1 - k) / 4;		/* from the least significant */
		key[w] |= (uint32_t)bytes[k] << (8 * ((len - 1 - k) % 4));
	}
	while (n > 1 && key[n - 1] == 0)
		n--;
	mt_init_array(r, key, n);
	free(key);
	free(bytes);
}

unsigned long long
expr_pyrand_below(struct py_random *r, unsigned long long n)
{
	unsigned long long	v;
	int			k = 0, got;

	if (n <= 1)
		return 0;
	while (k < 64 && (n >> k) != 0)
		k++;
	/* getrandbits(k): 32-bit words, the last one's top bits */
	do {
		v = 0;
		for (got = 0; got < k; got += 32) {
			uint32_t	w = mt_next(r);

			if (k - got < 32)
				w >>= 32 - (k - got);
			v |= (unsigned long long)w << got;
		}
	} while (v >= n);
	return v;
}

static int
f_shuffle(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct value		*seed = expr_arg(a, 0, "seed"), *l, *t;
	struct py_random	 r;
	unsigned char		 rnd[8];
	size_t			 i, j;
	FILE			*f;

	if (expr_as_list(in, &l, "shuffle", cause) != 0)
		return -1;
	if (seed != NULL && expr_truthy(seed))
		expr_pyrand_seed(&r, seed);
	else {
		uint32_t	k[2] = { 0, 0 };

		if ((f = fopen("/dev/urandom", "rb")) != NULL) {
			if (fread(rnd, 1, sizeof rnd, f) == sizeof rnd)
				memcpy(k, rnd, sizeof k);
			fclose(f);
		}
		mt_init_array(&r, k, 2);
	}
	for (i = l->u.list.n; i > 1; i--) {
		j = (size_t)expr_pyrand_below(&r, i);
		t = l->u.list.items[i - 1];
		l->u.list.items[i - 1] = l->u.list.items[j];
		l->u.list.items[j] = t;
	}
	*out = l;
	return 0;
}

/* batch(linecount, fill_with=None): lists of linecount items. */
static int
f_batch(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct value	*fill = expr_arg(a, 1, "fill_with"), *l, *r, *cur = NULL;
	long long	 n;
	size_t		 i;

	if (expr_arg_int(a, 0, "linecount", 0, &n, cause) != 0)
		return -1;
	if (n <= 0)
		return expr_fail(cause, "batch needs a line count above 0");
	if (expr_as_list(in, &l, "batch", cause) != 0)
		return -1;
	r = value_list();
	for (i = 0; i < l->u.list.n; i++) {
		if (cur == NULL)
			cur = value_list();
		value_list_append(cur, value_ref(l->u.list.items[i]));
		if ((long long)cur->u.list.n == n) {
			value_list_append(r, cur);
			cur = NULL;
		}
	}
	if (cur != NULL) {
		while (fill != NULL && fill->type != V_NULL &&
		    (long long)cur->u.list.n < n)
			value_list_append(cur, value_ref(fill));
		value_list_append(r, cur);
	}
	value_unref(l);
	*out = r;
	return 0;
}

/* slice(slices, fill_with=None): Jinja2's columns. */
static int
f_slice(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct value	*fill = expr_arg(a, 1, "fill_with"), *l, *r, *tmp;
	long long	 slices, per, extra, offset = 0, s, start, end, i;

	if (expr_arg_int(a, 0, "slices", 0, &slices, cause) != 0)
		return -1;
	if (slices <= 0)
		return expr_fail(cause, "slice needs a count above 0");
	if (expr_as_list(in, &l, "slice", cause) != 0)
		return -1;
	per = (long long)l->u.list.n / slices;
	extra = (long long)l->u.list.n % slices;
	r = value_list();
	for (s = 0; s < slices; s++) {
		start = offset + s * per;
		if (s < extra)
			offset++;
		end = offset + (s + 1) * per;
		tmp = value_list();
		for (i = start; i < end; i++)
			value_list_append(tmp, value_ref(l->u.list.items[i]));
		if (fill != NULL && fill->type != V_NULL && s >= extra)
			value_list_append(tmp, value_ref(fill));
		value_list_append(r, tmp);
	}
	value_unref(l);
	*out = r;
	return 0;
}

/* itertools.combinations/permutations of r items, in its order. */
static void
combos(struct value *pool, size_t r, int perm, struct value *res)
{
	size_t	 n = pool->u.list.n, *idx, *cyc, i, j, t;
	struct value *c;

	if (r > n)
		return;
	idx = xcalloc(n + 1, sizeof *idx);
	cyc = xcalloc(r + 1, sizeof *cyc);
	for (i = 0; i < n; i++)
		idx[i] = i;
	for (i = 0; i < r; i++)
		cyc[i] = n - i;
	for (;;) {
		c = value_list();
		for (i = 0; i < r; i++)
			value_list_append(c, value_ref(pool->u.list.items[
			    idx[i]]));
		value_list_append(res, c);
		if (!perm) {
			for (i = r; i > 0; i--)
				if (idx[i - 1] != i - 1 + n - r)
					break;
			if (i == 0)
				break;
			idx[i - 1]++;
			for (j = i; j < r; j++)
				idx[j] = idx[j - 1] + 1;
			continue;
		}
		for (i = r; i > 0; i--) {
			if (--cyc[i - 1] == 0) {
				t = idx[i - 1];
				memmove(idx + i - 1, idx + i, (n - i) *
				    sizeof *idx);
				idx[n - 1] = t;
				cyc[i - 1] = n - (i - 1);
			} else {
				j = cyc[i - 1];
				t = idx[i - 1];
				idx[i - 1] = idx[n - j];
				idx[n - j] = t;
				break;
			}
		}
		if (i == 0)
			break;
	}
	free(idx);
	free(cyc);
}

static int
f_combos(struct value *in, const struct expr_args *a, int perm,
    struct value **out, char **cause)
{
	struct value	*l, *rv = expr_arg(a, 0, "r");
	long long	 r;

	if (expr_as_list(in, &l, perm ? "permutations" : "combinations",
	    cause) != 0)
		return -1;
	if (rv == NULL || rv->type == V_NULL) {
		if (!perm) {
			value_unref(l);
			return expr_fail(cause, "combinations needs r");
		}
		r = (long long)l->u.list.n;
	} else if (expr_arg_int(a, 0, "r", 0, &r, cause) != 0) {
		value_unref(l);
		return -1;
	}
	if (r < 0) {
		value_unref(l);
		return expr_fail(cause, "r must be non-negative");
	}
	*out = value_list();
	combos(l, (size_t)r, perm, *out);
	value_unref(l);
	return 0;
}

static int
f_combinations(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	return f_combos(in, a, 0, out, cause);
}

static int
f_permutations(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	return f_combos(in, a, 1, out, cause);
}

/* The results product() and zip_longest() build from n lists. */
#define SEQ_MAX_ITEMS	1000000

/* product(*others, repeat=1): itertools.product. */
static int
f_product(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct value	**pools, *r, *c;
	long long	  repeat;
	size_t		  np, n, i, k, total = 1, *idx;
	int		  rc = -1;

	if (expr_arg_int(a, 99, "repeat", 1, &repeat, cause) != 0)
		return -1;
	if (repeat < 0 || repeat > 16)
		return expr_fail(cause, "product: repeat must be 0 to 16");
	n = 1 + a->npos;
	np = n * (size_t)repeat;
	pools = xcalloc(np + 1, sizeof *pools);
	for (i = 0; i < n; i++)
		if (expr_as_list(i == 0 ? in : a->pos[i - 1], &pools[i],
		    "product", cause) != 0)
			goto out;
	for (i = n; i < np; i++)
		pools[i] = value_ref(pools[i % n]);
	for (i = 0; i < np; i++) {
		total *= pools[i]->u.list.n;
		if (total > SEQ_MAX_ITEMS) {
			expr_fail(cause, "product too big (more than %d items)",
			    SEQ_MAX_ITEMS);
			goto out;
		}
	}
	r = value_list();
	idx = xcalloc(np + 1, sizeof *idx);
	for (k = 0; k < total; k++) {
		c = value_list();
		for (i = 0; i < np; i++)
			value_list_append(c, value_ref(pools[i]->u.list.items[
			    idx[i]]));
		value_list_append(r, c);
		for (i = np; i > 0; i--) {
			if (++idx[i - 1] < pools[i - 1]->u.list.n)
				break;
			idx[i - 1] = 0;
		}
	}
	free(idx);
	*out = r;
	rc = 0;
out:
	for (i = 0; i < np; i++)
		value_unref(pools[i]);
	free(pools);
	return rc;
}

static int
f_zip_longest(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct value	**ls, *r, *c, *fill = expr_arg(a, 99, "fillvalue");
	size_t		  n = 1 + a->npos, i, k, max = 0;
	int		  rc = -1;

	ls = xcalloc(n, sizeof *ls);
	for (i = 0; i < n; i++) {
		if (expr_as_list(i == 0 ? in : a->pos[i - 1], &ls[i],
		    "zip_longest", cause) != 0)
			goto out;
		if (ls[i]->u.list.n > max)
			max = ls[i]->u.list.n;
	}
	r = value_list();
	for (k = 0; k < max; k++) {
		c = value_list();
		for (i = 0; i < n; i++)
			value_list_append(c, k < ls[i]->u.list.n ?
			    value_ref(ls[i]->u.list.items[k]) : fill != NULL ?
			    value_ref(fill) : value_null());
		value_list_append(r, c);
	}
	*out = r;
	rc = 0;
out:
	for (i = 0; i < n; i++)
		value_unref(ls[i]);
	free(ls);
	return rc;
}

/* groupby(attribute, default=None, case_sensitive=False): Jinja2's. */
static int
f_groupby(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	const char	 *attr = expr_arg_str(a, 0, "attribute", NULL);
	struct value	 *def = expr_arg(a, 1, "default"), *l, **keys, *r, *g;
	struct value	 *cur = NULL, *t;
	int		  cs = expr_arg_bool(a, 2, "case_sensitive", 0), c;
	size_t		  n, i, j, *idx, k;
	char		 *s;

	if (attr == NULL && (t = expr_arg(a, 0, "attribute")) != NULL &&
	    t->type == V_INT)
		attr = NULL;
	if (expr_as_list(in, &l, "groupby", cause) != 0)
		return -1;
	n = l->u.list.n;
	keys = xcalloc(n + 1, sizeof *keys);
	idx = xcalloc(n + 1, sizeof *idx);
	for (i = 0; i < n; i++) {
		if (attr != NULL)
			keys[i] = expr_getattr(l->u.list.items[i], attr);
		else if ((t = expr_arg(a, 0, "attribute")) != NULL &&
		    t->type == V_INT && l->u.list.items[i]->type == V_LIST &&
		    t->u.i >= 0 && (size_t)t->u.i < l->u.list.items[i]->u.list.n)
			keys[i] = value_ref(l->u.list.items[i]->u.list.items[
			    t->u.i]);
		if (keys[i] == NULL && def != NULL)
			keys[i] = value_ref(def);
		if (keys[i] == NULL) {
			for (j = 0; j <= i; j++)
				value_unref(keys[j]);
			free(keys);
			free(idx);
			value_unref(l);
			return expr_fail(cause, "'dict object' has no "
			    "attribute '%s'", attr != NULL ? attr : "?");
		}
		idx[i] = i;
	}
	/* a stable sort by key, as Python's sorted() */
	for (i = 1; i < n; i++) {
		for (j = i; j > 0; j--) {
			c = expr_compare(keys[idx[j - 1]], keys[idx[j]], !cs);
			if (c == -2) {
				s = xasprintf("'<' not supported between "
				    "instances of '%s' and '%s'",
				    expr_type_name(keys[idx[j]]),
				    expr_type_name(keys[idx[j - 1]]));
				for (k = 0; k < n; k++)
					value_unref(keys[k]);
				free(keys);
				free(idx);
				value_unref(l);
				free(*cause);
				*cause = s;
				return -1;
			}
			if (c <= 0)
				break;
			k = idx[j], idx[j] = idx[j - 1], idx[j - 1] = k;
		}
	}
	r = value_list();
	for (i = 0; i < n; i++) {
		if (cur == NULL || expr_compare(keys[idx[i - 1]],
		    keys[idx[i]], !cs) != 0) {
			g = value_dict();
			/* the first item's own key, not a folded one */
			value_dict_set(g, "grouper", value_ref(keys[idx[i]]));
			cur = value_list();
			value_dict_set(g, "list", cur);
			g->flags |= EXPR_VALUE_TUPLE;
			value_list_append(r, g);
		}
		value_list_append(cur, value_ref(l->u.list.items[idx[i]]));
	}
	for (i = 0; i < n; i++)
		value_unref(keys[i]);
	free(keys);
	free(idx);
	value_unref(l);
	*out = r;
	return 0;
}

/* subelements(key.path, skip_missing=False): [item, subitem] pairs. */
static int
f_subelements(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct value	*path = expr_arg(a, 0, "subelements"), *els, *r, *v, *p;
	int		 skip = expr_arg_bool(a, 1, "skip_missing", 0);
	size_t		 i, k, np;
	char		*s, *save, *tok, *repr;

	if (in->type == V_DICT) {
		els = value_list();
		for (i = 0; i < in->u.dict.n; i++)
			value_list_append(els, value_ref(in->u.dict.vals[i]));
	} else if (in->type == V_LIST)
		els = value_ref(in);
	else
		return expr_fail(cause, "obj must be a list of dicts or a "
		    "nested dict");
	if (path == NULL || (path->type != V_STR && path->type != V_LIST)) {
		value_unref(els);
		return expr_fail(cause, "subelements must be a list or a "
		    "string");
	}
	p = value_list();
	if (path->type == V_STR) {
		s = xstrdup(path->u.str.s);
		for (tok = strtok_r(s, ".", &save); tok != NULL;
		    tok = strtok_r(NULL, ".", &save))
			value_list_append(p, value_str(tok));
		free(s);
	} else
		for (i = 0; i < path->u.list.n; i++)
			value_list_append(p, value_ref(path->u.list.items[i]));
	np = p->u.list.n;
	r = value_list();
	for (i = 0; i < els->u.list.n; i++) {
		v = value_ref(els->u.list.items[i]);
		for (k = 0; k < np; k++) {
			struct value	*nv = NULL;

			s = expr_str_of(p->u.list.items[k]);
			if (v->type == V_DICT)
				nv = value_ref(value_dict_get(v, s));
			else {
				repr = value_to_string(v);
				expr_fail(cause, "the key %s should point to a "
				    "dictionary, got '%s'", s, repr);
				free(repr);
				free(s);
				goto fail;
			}
			if (nv == NULL) {
				if (skip) {
					free(s);
					value_unref(v);
					v = value_list();
					break;
				}
				repr = value_to_string(v);
				expr_fail(cause, "could not find '%s' key in "
				    "iterated item %s", s, repr);
				free(repr);
				free(s);
				goto fail;
			}
			free(s);
			value_unref(v);
			v = nv;
		}
		if (v->type != V_LIST) {
			repr = value_to_string(v);
			s = value_to_string(p->u.list.items[np - 1]);
			expr_fail(cause, "the key %s should point to a list, got "
			    "%s", s, repr);
			free(s);
			free(repr);
			goto fail;
		}
		for (k = 0; k < v->u.list.n; k++) {
			struct value	*pair = value_list();

			value_list_append(pair, value_ref(els->u.list.items[i]));
			value_list_append(pair, value_ref(v->u.list.items[k]));
			value_list_append(r, pair);
		}
		value_unref(v);
	}
	value_unref(p);
	value_unref(els);
	*out = r;
	return 0;
fail:
	value_unref(v);
	value_unref(p);
	value_unref(els);
	value_unref(r);
	return -1;
}

/* rekey_on_member(key, duplicates='error'): a dict of dicts by a member. */
static int
f_rekey_on_member(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	const char	*key = expr_arg_str(a, 0, "key", NULL);
	const char	*dup = expr_arg_str(a, 1, "duplicates", "error");
	struct value	*r, *item, *k;
	size_t		 i, n;
	char		*ks;

	if (strcmp(dup, "error") != 0 && strcmp(dup, "overwrite") != 0)
		return expr_fail(cause, "duplicates parameter to "
		    "rekey_on_member has unknown value: %s", dup);
	if (key == NULL)
		return expr_fail(cause, "rekey_on_member needs a key");
	if (in->type != V_DICT && in->type != V_LIST)
		return expr_fail(cause, "Type is not a valid list, set, or "
		    "dict");
	n = in->type == V_DICT ? in->u.dict.n : in->u.list.n;
	r = value_dict();
	for (i = 0; i < n; i++) {
		item = in->type == V_DICT ? in->u.dict.vals[i] :
		    in->u.list.items[i];
		if (item->type != V_DICT) {
			value_unref(r);
			return expr_fail(cause, "List item is not a valid "
			    "dict");
		}
		if ((k = value_dict_get(item, key)) == NULL) {
			value_unref(r);
			return expr_fail(cause, "Key %s was not found", key);
		}
		ks = expr_str_of(k);
		if (value_dict_get(r, ks) != NULL && strcmp(dup, "error") ==
		    0) {
			value_unref(r);
			expr_fail(cause, "Key %s is not unique, cannot "
			    "correctly turn into dict", ks);
			free(ks);
			return -1;
		}
		value_dict_set(r, ks, value_ref(item));
		free(ks);
	}
	*out = r;
	return 0;
}

/* attr(name): an attribute (cairn: also a key) of the value. */
static int
f_attr(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	const char	*name = expr_arg_str(a, 0, "name", NULL);

	if (name == NULL)
		return expr_fail(cause, "attr needs a name");
	if ((*out = expr_getattr(in, name)) == NULL)
		return expr_fail(cause, "'%s object' has no attribute '%s'",
		    expr_type_name(in), name);
	return 0;
}

/* from_yaml_all: every document of a YAML stream, as a list. */
static int
f_from_yaml_all(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct value	*r, *v;
	const char	*s, *p, *doc;
	char		*err = NULL;
	size_t		 len;

	if (in->type != V_STR) {
		*out = value_ref(in);
		return 0;
	}
	r = value_list();
	s = in->u.str.s;
	len = in->u.str.len;
	/* documents start at "---" lines; the first may have none */
	for (doc = p = s; ; ) {
		const char	*next = NULL;

		for (; p < s + len; p = strchr(p, '\n') != NULL ?
		    strchr(p, '\n') + 1 : s + len) {
			if (p != doc && strncmp(p, "---", 3) == 0 &&
			    (p[3] == '\n' || p[3] == ' ' || p[3] == '\0' ||
			    p[3] == '\r')) {
				next = p;
				break;
			}
		}
		if (next == NULL)
			next = s + len;
		if (strspn(doc, " \t\r\n") < (size_t)(next - doc) ||
		    doc != s) {
			if (yaml_load_string("<from_yaml_all>", doc,
			    (size_t)(next - doc), &v, &err) != 0) {
				expr_fail(cause, "from_yaml_all: %s", err !=
				    NULL ? err : "bad YAML");
				free(err);
				value_unref(r);
				return -1;
			}
			value_list_append(r, v);
		}
		if (next == s + len)
			break;
		doc = p = next;
		p += 3;
	}
	*out = r;
	return 0;
}

const struct expr_filter expr_filters_seq[] = {
	{ "attr", f_attr, 0 },
	{ "batch", f_batch, 0 },
	{ "combinations", f_combinations, 0 },
	{ "from_yaml_all", f_from_yaml_all, 0 },
	{ "groupby", f_groupby, 0 },
	{ "permutations", f_permutations, 0 },
	{ "product", f_product, 0 },
	{ "rekey_on_member", f_rekey_on_member, 0 },
	{ "shuffle", f_shuffle, 0 },
	{ "slice", f_slice, 0 },
	{ "subelements", f_subelements, 0 },
	{ "zip_longest", f_zip_longest, 0 },
	{ NULL, NULL, 0 }
};
