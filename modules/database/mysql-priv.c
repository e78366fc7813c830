/*
 * MySQL privileges the way Ansible's mysql_user handles them: the
 * "db.table:PRIV,PRIV/..." string, SHOW GRANTS lines, and the revokes
 * and grants that take one set to the other (module_utils/user.py's
 * privileges_unpack, privileges_get and user_mod).  Pure.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "regex.h"

void
mysql_privs_release(struct mysql_privs *p)
{
	size_t	i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++) {
		free(p->v[i].on);
		strv_free(p->v[i].privs, p->v[i].n);
	}
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

const struct mysql_priv *
mysql_privs_find(const struct mysql_privs *p, const char *on)
{
	size_t	i;

	for (i = 0; i < p->n; i++) {
		if (strcmp(p->v[i].on, on) == 0)
			return &p->v[i];
	}
	return NULL;
}

/* The entry for on, added empty at the end if missing (setdefault). */
static struct mysql_priv *
mysql_privs_entry(struct mysql_privs *p, const char *on)
{
	struct mysql_priv	*e;

	if ((e = (struct mysql_priv *)mysql_privs_find(p, on)) != NULL)
		return e;
	p->v = xreallocarray(p->v, p->n + 1, sizeof *p->v);
	e = &p->v[p->n++];
	e->on = xstrdup(on);
	e->privs = NULL;
	e->n = 0;
	return e;
}

/* Python's str.strip() (whitespace) or strip(chars), malloc'd. */
static char *
py_strip(const char *s, size_t len, const char *chars)
{
	while (len > 0 && (chars == NULL ? isspace((unsigned char)*s) :
	    strchr(chars, *s) != NULL)) {
		s++;
		len--;
	}
	while (len > 0 && (chars == NULL ?
	    isspace((unsigned char)s[len - 1]) :
	    strchr(chars, s[len - 1]) != NULL))
		len--;
	return xstrndup(s, len);
}

/* sort_column_order: "SELECT (b, `a`)" is "SELECT (a, b)". */
static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *
sort_column_order(const char *stmt)
{
	const char	*open = strchr(stmt, '('), *cols, *p, *next;
	struct buf	 b = BUF_INIT;
	char		**v = NULL, *c, *t;
	size_t		 n = 0, i, len;

	cols = open + 1;
	/* tmp[1] ends at the next '(' if any, as split('(') cuts it */
	next = strchr(cols, '(');
	len = next != NULL ? (size_t)(next - cols) : strlen(cols);
	while (len > 0 && cols[len - 1] == ')')
		len--;
	for (p = cols;;) {
		const char *comma = memchr(p, ',', len - (p - cols));
		size_t l = comma != NULL ? (size_t)(comma - p) :
		    len - (p - cols);

		t = py_strip(p, l, NULL);
		c = py_strip(t, strlen(t), "`");
		free(t);
		v = xreallocarray(v, n + 1, sizeof *v);
		v[n++] = c;
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	qsort(v, n, sizeof *v, cmp_str);
	buf_add(&b, stmt, open - stmt);
	buf_addc(&b, '(');
	for (i = 0; i < n; i++)
		buf_addf(&b, "%s%s", i > 0 ? ", " : "", v[i]);
	buf_addc(&b, ')');
	strv_free(v, n);
	return buf_detach(&b, NULL);
}

/* normalize_col_grants: column lists split by a "," put back, sorted. */
static void
normalize_col_grants(char ***pv, size_t *pn)
{
	static const char *const grants[] = {
		"SELECT (", "UPDATE (", "INSERT (", "REFERENCES ("
	};
	struct buf	 b;
	char		**v, *s;
	size_t		 g, i, n, start, end, k;
	int		 have_start, have_end;

	for (g = 0; g < ARRAY_SIZE(grants); g++) {
		v = *pv;
		n = *pn;
		have_start = have_end = 0;
		start = end = 0;
		for (i = 0; i < n; i++) {
			if (strstr(v[i], grants[g]) != NULL) {
				start = i;
				have_start = 1;
			}
			if (have_start && strchr(v[i], ')') != NULL) {
				end = i;
				have_end = 1;
				break;
			}
		}
		if (!have_start || !have_end)
			continue;
		if (start == end) {
			s = sort_column_order(v[start]);
			free(v[start]);
			v[start] = s;
			continue;
		}
		memset(&b, 0, sizeof b);
		for (i = start; i <= end; i++)
			buf_addf(&b, "%s%s", i > start ? ", " : "", v[i]);
		s = sort_column_order(buf_cstr(&b));
		buf_release(&b);
		for (i = start; i <= end; i++)
			free(v[i]);
		v[start] = s;
		for (i = end + 1, k = start + 1; i < n; i++, k++)
			v[k] = v[i];
		*pn = n - (end - start);
	}
}

/*
 * A privilege goes into GRANT text as it is, so it must be words with an
 * optional column list of plain names (Ansible checks it only by letting
 * the server fail).
 */
static int
priv_name_valid(const char *s)
{
	const char	*p;
	int		 in_cols = 0;

	if (*s == '\0')
		return 1;	/* as Ansible, the server will refuse it */
	for (p = s; *p != '\0'; p++) {
		if (in_cols) {
			if (*p == ')')
				in_cols = 0;
			else if (!isalnum((unsigned char)*p) && *p != '_' &&
			    *p != '$' && *p != ',' && *p != ' ' && *p != '`')
				return 0;
		} else if (*p == '(')
			in_cols = 1;
		else if (!isalpha((unsigned char)*p) && *p != '_' && *p != ' ')
			return 0;
	}
	return !in_cols;
}

/* re.split(r',\s*(?=[^)]*(?:\(|$))'): commas outside parentheses. */
static void
split_outside_parens(const char *s, char ***v, size_t *n)
{
	const char	*start = s, *p, *q;
	char		*item;

	for (p = s; *p != '\0'; p++) {
		if (*p != ',')
			continue;
		for (q = p + 1; *q != '\0' && *q != ')' && *q != '('; q++)
			;
		if (*q == ')')
			continue;
		item = xstrndup(start, p - start);
		db_strv_add(v, n, item);
		free(item);
		for (q = p + 1; isspace((unsigned char)*q); q++)
			;
		start = q;
		p = q - 1;
	}
	db_strv_add(v, n, start);
}

static void
split_on(const char *s, int c, char ***v, size_t *n)
{
	const char	*p;
	char		*item;

	while ((p = strchr(s, c)) != NULL) {
		item = xstrndup(s, p - s);
		db_strv_add(v, n, item);
		free(item);
		s = p + 1;
	}
	db_strv_add(v, n, s);
}

/* One "db.table:PRIVS" item of the string into out. */
static int
unpack_item(const char *item, int ansi, struct mysql_privs *out,
    char **cause)
{
	struct mysql_priv	*e;
	struct buf		 on = BUF_INIT;
	const char		*colon, *dot, *obj, *sp;
	char			*target, *privs, *side[2], *up, **v = NULL;
	size_t			 n = 0, i, nside;
	int			 rv = -1;

	if ((colon = strrchr(item, ':')) == NULL) {
		*cause = xasprintf("invalid privileges string: '%s' has no "
		    "':' between the object and its privileges", item);
		return -1;
	}
	target = xstrndup(item, colon - item);
	privs = xstrdup(colon + 1);
	obj = target;
	/* FUNCTION db.f or PROCEDURE db.p */
	if ((sp = strchr(target, ' ')) != NULL &&
	    ((sp - target == 8 && strncmp(target, "FUNCTION", 8) == 0) ||
	    (sp - target == 9 && strncmp(target, "PROCEDURE", 9) == 0))) {
		buf_add(&on, target, sp - target + 1);
		obj = sp + 1;
	}
	if ((dot = strrchr(obj, '.')) != NULL) {
		side[0] = xstrndup(obj, dot - obj);
		side[1] = xstrdup(dot + 1);
		nside = 2;
	} else {
		side[0] = xstrdup(obj);
		side[1] = NULL;
		nside = 1;
	}
	for (i = 0; i < nside; i++) {
		char *bare = py_strip(side[i], strlen(side[i]), "`");

		if (i > 0)
			buf_addc(&on, '.');
		if (strcmp(bare, "*") == 0)
			buf_adds(&on, side[i]);
		else
			mysql_quote_ident_mode(&on, bare, ansi);
		free(bare);
	}
	for (up = privs; *up != '\0'; up++)
		*up = toupper((unsigned char)*up);
	if (strchr(privs, '(') != NULL)
		split_outside_parens(privs, &v, &n);
	else
		split_on(privs, ',', &v, &n);
	for (i = 0; i < n; i++) {
		char *t = py_strip(v[i], strlen(v[i]), NULL);
		int ok = priv_name_valid(t);

		free(t);
		if (!ok) {
			*cause = xasprintf("invalid privileges string: "
			    "Invalid privileges specified: '%s'", v[i]);
			goto out;
		}
	}
	normalize_col_grants(&v, &n);
	e = mysql_privs_entry(out, buf_cstr(&on));
	strv_free(e->privs, e->n);
	e->privs = v;
	e->n = n;
	v = NULL;
	n = 0;
	rv = 0;
out:
	strv_free(v, n);
	free(side[0]);
	free(side[1]);
	free(target);
	free(privs);
	buf_release(&on);
	return rv;
}

int
mysql_privs_unpack(const char *s, int ansi, int ensure_usage,
    struct mysql_privs *out, char **cause)
{
	struct mysql_priv	*e;
	char			*all, **items = NULL, *item;
	size_t			 n = 0, i;
	int			 rv = 0;

	all = py_strip(s, strlen(s), NULL);
	split_on(all, '/', &items, &n);
	for (i = 0; i < n && rv == 0; i++) {
		item = py_strip(items[i], strlen(items[i]), NULL);
		rv = unpack_item(item, ansi, out, cause);
		free(item);
	}
	strv_free(items, n);
	free(all);
	if (rv != 0) {
		mysql_privs_release(out);
		return -1;
	}
	if (ensure_usage && mysql_privs_find(out, "*.*") == NULL) {
		e = mysql_privs_entry(out, "*.*");
		db_strv_add(&e->privs, &e->n, "USAGE");
	}
	return 0;
}

char *
mysql_priv_dict_to_str(const struct value *d)
{
	struct buf	 b = BUF_INIT;
	char		*v;
	size_t		 i;

	for (i = 0; i < d->u.dict.n; i++) {
		v = value_to_string(d->u.dict.vals[i]);
		buf_addf(&b, "%s%s:%s", i > 0 ? "/" : "", d->u.dict.keys[i], v);
		free(v);
	}
	buf_cstr(&b);
	return buf_detach(&b, NULL);
}

#define GRANT_RE "GRANT (.+) ON (.+) TO (['`\"]).*\\3@(['`\"]).*\\4" \
	"( IDENTIFIED BY PASSWORD (['`\"]).+\\6)? ?(.*)"
#define ROLE_RE "GRANT (.+) TO (['`\"]).*"

static char *
match_group(const char *s, const struct regex_match *m, size_t i)
{
	if (i >= m->n || m->start[i] == REGEX_UNSET)
		return xstrdup("");
	return xstrndup(s + m->start[i], m->end[i] - m->start[i]);
}

int
mysql_privs_from_grants(char *const *lines, size_t nlines,
    struct mysql_privs *out, char **cause)
{
	struct regex		*re = NULL, *role = NULL;
	struct regex_match	 m = REGEX_MATCH_INIT;
	struct mysql_priv	*e;
	char			*privs, *db, *tail, **v, *t;
	size_t			 i, j, n;
	int			 rv = -1, r;

	if ((re = regex_compile(GRANT_RE, 0, cause)) == NULL ||
	    (role = regex_compile(ROLE_RE, 0, cause)) == NULL)
		goto out;
	for (i = 0; i < nlines; i++) {
		const char *s = lines[i];

		regex_match_release(&m);
		if ((r = regex_match(re, s, strlen(s), &m, cause)) < 0)
			goto out;
		if (r == 0) {
			if ((r = regex_match(role, s, strlen(s), NULL,
			    cause)) < 0)
				goto out;
			if (r == 1)
				continue;
			*cause = xasprintf("unable to parse the MySQL grant "
			    "string: %s", s);
			goto out;
		}
		privs = match_group(s, &m, 1);
		db = match_group(s, &m, 2);
		tail = match_group(s, &m, 7);
		v = NULL;
		n = 0;
		split_on(privs, ',', &v, &n);
		for (j = 0; j < n; j++) {
			t = py_strip(v[j], strlen(v[j]), NULL);
			free(v[j]);
			if (strcmp(t, "ALL PRIVILEGES") == 0) {
				free(t);
				t = xstrdup("ALL");
			}
			v[j] = t;
		}
		normalize_col_grants(&v, &n);
		if (strstr(tail, "WITH GRANT OPTION") != NULL)
			db_strv_add(&v, &n, "GRANT");
		e = mysql_privs_entry(out, db);
		for (j = 0; j < n; j++)
			db_strv_add(&e->privs, &e->n, v[j]);
		strv_free(v, n);
		free(privs);
		free(db);
		free(tail);
	}
	rv = 0;
out:
	regex_match_release(&m);
	regex_free(re);
	regex_free(role);
	if (rv != 0)
		mysql_privs_release(out);
	return rv;
}

int
mysql_privs_equal(const struct mysql_privs *a, const struct mysql_privs *b)
{
	const struct mysql_priv	*e;
	size_t			 i, j;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++) {
		if ((e = mysql_privs_find(b, a->v[i].on)) == NULL ||
		    e->n != a->v[i].n)
			return 0;
		for (j = 0; j < e->n; j++) {
			if (strcmp(e->privs[j], a->v[i].privs[j]) != 0)
				return 0;
		}
	}
	return 1;
}

static void
plan_add(struct mysql_priv_plan *plan, int revoke, int grant_option,
    int certain, const char *on, char **privs, size_t n)
{
	struct mysql_priv_act	*a;
	size_t			 i;

	plan->v = xreallocarray(plan->v, plan->n + 1, sizeof *plan->v);
	a = &plan->v[plan->n++];
	a->revoke = revoke;
	a->grant_option = grant_option;
	a->certain = certain;
	a->on = xstrdup(on);
	a->privs = NULL;
	a->n = 0;
	for (i = 0; i < n; i++)
		db_strv_add(&a->privs, &a->n, privs[i]);
}

static void
plan_msg(struct mysql_priv_plan *plan, char *msg)
{
	free(plan->msg);
	plan->msg = msg;
}

/* Python's repr of a list of strings, for the msg. */
static void
py_list_repr(struct buf *b, char *const *v, size_t n)
{
	size_t	i;

	buf_addc(b, '[');
	for (i = 0; i < n; i++)
		buf_addf(b, "%s'%s'", i > 0 ? ", " : "", v[i]);
	buf_addc(b, ']');
}

void
mysql_priv_plan(const struct mysql_privs *cur, const struct mysql_privs *want,
    int append, int subtract, const char *user, struct mysql_priv_plan *plan)
{
	const struct mysql_priv	*c, *w;
	struct buf		 msg;
	char			**grant, **revoke;
	size_t			 i, j, ng, nr;
	int			 grant_option = 0;

	if (!append && !subtract) {
		for (i = 0; i < cur->n; i++) {
			c = &cur->v[i];
			if (db_strv_has(c->privs, c->n, "GRANT"))
				grant_option = 1;
			if (mysql_privs_find(want, c->on) != NULL)
				continue;
			if (strcmp(user, "root") == 0 ||
			    db_strv_has(c->privs, c->n, "PROXY"))
				continue;
			plan_msg(plan, xstrdup("Privileges updated"));
			plan_add(plan, 1, grant_option, 1, c->on, c->privs,
			    c->n);
		}
	}
	if (!subtract) {
		for (i = 0; i < want->n; i++) {
			w = &want->v[i];
			if (mysql_privs_find(cur, w->on) != NULL)
				continue;
			plan_msg(plan, xstrdup("New privileges granted"));
			plan_add(plan, 0, 0, 1, w->on, w->privs, w->n);
		}
	}
	for (i = 0; i < want->n; i++) {
		w = &want->v[i];
		if ((c = mysql_privs_find(cur, w->on)) == NULL)
			continue;
		grant = revoke = NULL;
		ng = nr = 0;
		if (!subtract) {
			for (j = 0; j < w->n; j++) {
				if (!db_strv_has(c->privs, c->n, w->privs[j]) &&
				    !db_strv_has(grant, ng, w->privs[j]))
					db_strv_add(&grant, &ng, w->privs[j]);
			}
		}
		if (subtract) {
			for (j = 0; j < w->n; j++) {
				if (db_strv_has(c->privs, c->n, w->privs[j]) &&
				    !db_strv_has(revoke, nr, w->privs[j]))
					db_strv_add(&revoke, &nr, w->privs[j]);
			}
		} else if (!append) {
			int all = db_strv_has(grant, ng, "ALL") ||
			    db_strv_has(grant, ng, "ALL PRIVILEGES");

			for (j = 0; j < c->n; j++) {
				if (db_strv_has(w->privs, w->n, c->privs[j]) ||
				    db_strv_has(revoke, nr, c->privs[j]))
					continue;
				/* no pointless revokes when ALL is granted */
				if (all && strcmp(c->privs[j], "GRANT") != 0 &&
				    strcmp(c->privs[j], "PROXY") != 0)
					continue;
				db_strv_add(&revoke, &nr, c->privs[j]);
			}
			grant_option = db_strv_has(revoke, nr, "GRANT") &&
			    !db_strv_has(grant, ng, "GRANT");
		}
		/* WITH GRANT OPTION cannot stand alone */
		if (ng == 1 && strcmp(grant[0], "GRANT") == 0)
			db_strv_add(&grant, &ng, "USAGE");
		if (ng + nr > 0) {
			memset(&msg, 0, sizeof msg);
			buf_adds(&msg, "Privileges updated: granted ");
			py_list_repr(&msg, grant, ng);
			buf_adds(&msg, ", revoked ");
			py_list_repr(&msg, revoke, nr);
			plan_msg(plan, buf_detach(&msg, NULL));
			if (nr > 0)
				plan_add(plan, 1, grant_option, 0, w->on,
				    revoke, nr);
			if (ng > 0)
				plan_add(plan, 0, 0, 0, w->on, grant, ng);
		}
		strv_free(grant, ng);
		strv_free(revoke, nr);
	}
}

void
mysql_priv_plan_release(struct mysql_priv_plan *plan)
{
	size_t	i;

	if (plan == NULL)
		return;
	for (i = 0; i < plan->n; i++) {
		free(plan->v[i].on);
		strv_free(plan->v[i].privs, plan->v[i].n);
	}
	free(plan->v);
	free(plan->msg);
	plan->v = NULL;
	plan->n = 0;
	plan->msg = NULL;
}

static void
user_at_host(struct buf *b, const char *user, const char *host)
{
	mysql_quote_literal(b, user);
	buf_addc(b, '@');
	mysql_quote_literal(b, host);
}

void
mysql_priv_act_sql(struct buf *b, const struct mysql_priv_act *a,
    const char *user, const char *host)
{
	struct buf	privs = BUF_INIT;
	size_t		i;

	for (i = 0; i < a->n; i++) {
		if (strcmp(a->privs[i], "GRANT") == 0)
			continue;
		buf_addf(&privs, "%s%s", privs.len > 0 ? "," : "",
		    a->privs[i]);
	}
	if (a->revoke) {
		if (a->grant_option) {
			buf_addf(b, "REVOKE GRANT OPTION ON %s FROM ", a->on);
			user_at_host(b, user, host);
			buf_adds(b, ";\n");
		}
		if (privs.len > 0) {
			buf_addf(b, "REVOKE %s ON %s FROM ", buf_cstr(&privs),
			    a->on);
			user_at_host(b, user, host);
			buf_adds(b, ";\n");
		}
		buf_adds(b, "FLUSH PRIVILEGES;\n");
	} else {
		buf_addf(b, "GRANT %s ON %s TO ", buf_cstr(&privs), a->on);
		user_at_host(b, user, host);
		if (db_strv_has(a->privs, a->n, "GRANT"))
			buf_adds(b, " WITH GRANT OPTION");
		buf_adds(b, ";\n");
	}
	buf_release(&privs);
}

/* CIPHER, ISSUER, SUBJECT: the pairs always in this order, to compare. */
static const char *const tls_keys[] = { "CIPHER", "ISSUER", "SUBJECT" };

static char *
tls_pairs(char *const vals[3])
{
	struct buf	 b = BUF_INIT;
	size_t		 i;
	int		 n = 0;

	for (i = 0; i < 3; i++) {
		if (vals[i] == NULL)
			continue;
		buf_addf(&b, "%s%s ", n++ > 0 ? " AND " : "", tls_keys[i]);
		mysql_quote_literal(&b, vals[i]);
	}
	buf_cstr(&b);
	return buf_detach(&b, NULL);
}

static int
tls_key(const char *k)
{
	size_t	i;

	for (i = 0; i < 3; i++) {
		if (strcasecmp(k, tls_keys[i]) == 0)
			return (int)i;
	}
	return -1;
}

char *
mysql_tls_wanted(const struct value *d)
{
	char	*vals[3] = { NULL, NULL, NULL }, *out;
	size_t	 i;
	int	 k, x509 = 0, pairs = 0;

	if (d == NULL || d->type != V_DICT || d->u.dict.n == 0)
		return NULL;
	for (i = 0; i < d->u.dict.n; i++) {
		if ((k = tls_key(d->u.dict.keys[i])) >= 0) {
			free(vals[k]);
			vals[k] = value_to_string(d->u.dict.vals[i]);
			pairs++;
		} else if (strcasecmp(d->u.dict.keys[i], "X509") == 0)
			x509 = 1;
	}
	out = pairs > 0 ? tls_pairs(vals) : xstrdup(x509 ? "X509" : "SSL");
	for (i = 0; i < 3; i++)
		free(vals[i]);
	return out;
}

char *
mysql_tls_from_create(const char *line)
{
	const char	*p, *end;
	char		**argv = NULL, *req, *out = NULL, *cause = NULL;
	char		*vals[3] = { NULL, NULL, NULL };
	size_t		 n;
	int		 k;

	/* (?<=\bREQUIRE\b)(.*?)(?=(?:\bPASSWORD\b|$)) */
	if ((p = strstr(line, "REQUIRE")) == NULL)
		return NULL;
	p += strlen("REQUIRE");
	end = strstr(p, "PASSWORD");
	req = xstrndup(p, end != NULL ? (size_t)(end - p) : strlen(p));
	str_trim(req);
	if (str_startswith(req, "NONE"))
		;
	else if (str_startswith(req, "SSL"))
		out = xstrdup("SSL");
	else if (str_startswith(req, "X509"))
		out = xstrdup("X509");
	else if (shell_split(req, &argv, &cause) == 0) {
		/* KEY 'value' [AND] KEY 'value' ... up to WITH */
		for (n = 0; argv[n] != NULL; n++) {
			if (strcmp(argv[n], "AND") == 0)
				continue;
			if ((k = tls_key(argv[n])) < 0 || argv[n + 1] == NULL)
				break;
			free(vals[k]);
			vals[k] = xstrdup(argv[++n]);
		}
		shell_argv_free(argv);
		out = tls_pairs(vals);
		for (k = 0; k < 3; k++)
			free(vals[k]);
	}
	free(cause);
	free(req);
	return out;
}
