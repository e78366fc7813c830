/* Local accounts: getent lines parsed, and the user/group tool vectors Ansible would run. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "accounts.h"
#include "shell.h"

/* Splits s in place on sep into at most n fields; returns how many. */
static size_t
accounts_split(char *s, int sep, char **f, size_t n)
{
	size_t	i = 0;
	char	*p;

	while (i < n) {
		f[i++] = s;
		if ((p = strchr(s, sep)) == NULL)
			break;
		*p = '\0';
		s = p + 1;
	}
	return i;
}

static int
accounts_number(const char *s, long long *out)
{
	char	*end;

	if (*s < '0' || *s > '9')
		return -1;
	*out = strtoll(s, &end, 10);
	return *end == '\0' ? 0 : -1;
}

int
accounts_parse_passwd(const char *line, struct accounts_passwd *pw,
    char **cause)
{
	char	*copy = xstrdup(line), *f[8];

	memset(pw, 0, sizeof *pw);
	if (accounts_split(copy, ':', f, 8) != 7 ||
	    accounts_number(f[2], &pw->uid) != 0 ||
	    accounts_number(f[3], &pw->gid) != 0) {
		*cause = xasprintf("bad passwd entry '%s'", line);
		free(copy);
		return -1;
	}
	pw->name = xstrdup(f[0]);
	pw->gecos = xstrdup(f[4]);
	pw->home = xstrdup(f[5]);
	pw->shell = xstrdup(f[6]);
	free(copy);
	return 0;
}

void
accounts_passwd_release(struct accounts_passwd *pw)
{
	free(pw->name);
	free(pw->gecos);
	free(pw->home);
	free(pw->shell);
	memset(pw, 0, sizeof *pw);
}

int
accounts_parse_group(const char *line, struct accounts_group *g,
    char **cause)
{
	char	*copy = xstrdup(line), *f[5], *m, *comma;

	memset(g, 0, sizeof *g);
	if (accounts_split(copy, ':', f, 5) != 4 ||
	    accounts_number(f[2], &g->gid) != 0) {
		*cause = xasprintf("bad group entry '%s'", line);
		free(copy);
		return -1;
	}
	g->name = xstrdup(f[0]);
	for (m = f[3]; *m != '\0'; m = comma + 1) {
		if ((comma = strchr(m, ',')) != NULL)
			*comma = '\0';
		if (*m != '\0') {
			g->members = xreallocarray(g->members, g->nmembers + 1,
			    sizeof *g->members);
			g->members[g->nmembers++] = xstrdup(m);
		}
		if (comma == NULL)
			break;
	}
	free(copy);
	return 0;
}

void
accounts_group_release(struct accounts_group *g)
{
	strv_free(g->members, g->nmembers);
	free(g->name);
	memset(g, 0, sizeof *g);
}

/* A numeric shadow field i as spwd gives it: -1 when empty or absent. */
static void
accounts_shadow_field(size_t n, char **f, size_t i, long long *out)
{
	*out = -1;
	if (n > i && *f[i] != '\0' && accounts_number(f[i], out) != 0)
		*out = -1;
}

static int
accounts_parse_shadow(const char *line, struct accounts_db *db, char **cause)
{
	char	*copy = xstrdup(line), *f[10];
	size_t	 n;

	n = accounts_split(copy, ':', f, 10);
	if (n < 2) {
		*cause = xasprintf("bad shadow entry for '%s'", f[0]);
		free(copy);
		return -1;
	}
	db->has_shadow = 1;
	db->hash = xstrdup(f[1]);
	db->expire = -1;
	if (n > 7 && *f[7] != '\0' && accounts_number(f[7], &db->expire) != 0)
		db->expire = -1;
	accounts_shadow_field(n, f, 3, &db->sp_min);
	accounts_shadow_field(n, f, 4, &db->sp_max);
	accounts_shadow_field(n, f, 5, &db->sp_warn);
	accounts_shadow_field(n, f, 6, &db->sp_inact);
	free(copy);
	return 0;
}

int
accounts_parse_db(const char *text, struct accounts_db *db, char **cause)
{
	char		*copy = xstrdup(text), *line, *nl;
	int		 r = 0;

	memset(db, 0, sizeof *db);
	db->expire = db->sp_min = db->sp_max = db->sp_warn = db->sp_inact = -1;
	for (line = copy; *line != '\0'; line = nl) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl++ = '\0';
		else
			nl = line + strlen(line);
		if (str_startswith(line, "P ") && !db->has_user) {
			if ((r = accounts_parse_passwd(line + 2, &db->pw,
			    cause)) != 0)
				break;
			db->has_user = 1;
		} else if (str_startswith(line, "S ") && !db->has_shadow) {
			if ((r = accounts_parse_shadow(line + 2, db,
			    cause)) != 0)
				break;
		} else if (str_startswith(line, "G ")) {
			db->groups = xreallocarray(db->groups, db->ngroups + 1,
			    sizeof *db->groups);
			if ((r = accounts_parse_group(line + 2,
			    &db->groups[db->ngroups], cause)) != 0)
				break;
			db->ngroups++;
		} else if (strcmp(line, "H") == 0)
			db->path_exists = 1;
	}
	free(copy);
	if (r != 0)
		accounts_db_release(db);
	return r;
}

void
accounts_db_release(struct accounts_db *db)
{
	size_t	i;

	accounts_passwd_release(&db->pw);
	free(db->hash);
	for (i = 0; i < db->ngroups; i++)
		accounts_group_release(&db->groups[i]);
	free(db->groups);
	memset(db, 0, sizeof *db);
	db->expire = db->sp_min = db->sp_max = db->sp_warn = db->sp_inact = -1;
}

void
accounts_read_script(struct buf *s, const char *user, const char *group,
    int all_groups, const char *path)
{
	if (user != NULL) {
		/* getent takes digits as a uid: the caller checks the name. */
		buf_adds(s, "n=");
		shell_quote_buf(s, user);
		buf_adds(s, "\nif pw=$(getent passwd \"$n\"); then "
		    "printf 'P %s\\n' \"$pw\"; "
		    "if sh=$(getent shadow \"$n\" 2>/dev/null); then "
		    "printf 'S %s\\n' \"$sh\"; fi; fi\n");
	}
	if (all_groups)
		buf_adds(s, "getent group | sed 's/^/G /'\n");
	else if (group != NULL) {
		buf_adds(s, "g=");
		shell_quote_buf(s, group);
		buf_adds(s, "\nif gr=$(getent group \"$g\"); then "
		    "printf 'G %s\\n' \"$gr\"; fi\n");
	}
	if (path != NULL) {
		buf_adds(s, "h=");
		shell_quote_buf(s, path);
		buf_adds(s, "\n");
	} else if (user != NULL)
		buf_adds(s, "h=$(printf '%s\\n' \"${pw-}\" | cut -d: -f6)\n");
	if (path != NULL || user != NULL)
		buf_adds(s, "if [ -n \"$h\" ] && [ -e \"$h\" ]; then echo H; "
		    "fi\n");
	buf_adds(s, "true");
}

static int
accounts_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

const struct accounts_group *
accounts_group_find(const struct accounts_db *db, const char *name)
{
	long long	gid = -1;
	size_t		i;

	if (accounts_digits(name))
		gid = strtoll(name, NULL, 10);
	for (i = 0; i < db->ngroups; i++) {
		if (gid != -1 && db->groups[i].gid == gid)
			return &db->groups[i];
		if (gid == -1 && strcmp(db->groups[i].name, name) == 0)
			return &db->groups[i];
	}
	return NULL;
}

const char **
accounts_member_of(const struct accounts_db *db, const char *user,
    long long primary, size_t *n)
{
	const char	**out = NULL;
	size_t		  i, j;

	*n = 0;
	for (i = 0; i < db->ngroups; i++) {
		if (db->groups[i].gid == primary)
			continue;
		for (j = 0; j < db->groups[i].nmembers; j++) {
			if (strcmp(db->groups[i].members[j], user) == 0)
				break;
		}
		if (j == db->groups[i].nmembers)
			continue;
		out = xreallocarray(out, *n + 1, sizeof *out);
		out[(*n)++] = db->groups[i].name;
	}
	return out;
}

/* Argument vectors. */

void
accounts_argv_add(struct accounts_argv *a, const char *s)
{
	a->v = xreallocarray(a->v, a->n + 2, sizeof *a->v);
	a->v[a->n++] = xstrdup(s);
	a->v[a->n] = NULL;
}

void
accounts_argv_addf(struct accounts_argv *a, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	accounts_argv_add(a, s);
	free(s);
}

int
accounts_argv_has(const struct accounts_argv *a, const char *s)
{
	size_t	i;

	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i], s) == 0)
			return 1;
	return 0;
}

static void
accounts_argv_remove(struct accounts_argv *a, size_t at)
{
	free(a->v[at]);
	memmove(&a->v[at], &a->v[at + 1], (a->n - at) * sizeof *a->v);
	a->n--;
}

void
accounts_argv_release(struct accounts_argv *a)
{
	strv_free(a->v, a->n);
	a->v = NULL;
	a->n = 0;
}

char *
accounts_argv_line(const struct accounts_argv *a, int mask)
{
	struct buf	b = BUF_INIT;
	size_t		i;

	for (i = 0; i < a->n; i++) {
		if (mask == ACCOUNTS_LINE_NO_PASSWORD &&
		    strcmp(a->v[i], "-p") == 0 && i + 1 < a->n) {
			i++;
			continue;
		}
		if (b.len > 0)
			buf_addc(&b, ' ');
		if (mask && i > 0 && strcmp(a->v[i - 1], "-p") == 0)
			buf_adds(&b, "********");
		else
			shell_quote_buf(&b, a->v[i]);
	}
	return buf_detach(&b, NULL);
}

const char *
accounts_argv_password(const struct accounts_argv *a)
{
	for (size_t i = 0; i + 1 < a->n; i++)
		if (strcmp(a->v[i], "-p") == 0)
			return a->v[i + 1];
	return NULL;
}

char *
accounts_password_input(const struct accounts_argv *a, const char *name)
{
	const char	*hash = accounts_argv_password(a);

	return hash != NULL ? xasprintf("%s:%s\n", name, hash) : NULL;
}

void
accounts_date(double t, char out[16])
{
	time_t		tt = (time_t)t;
	struct tm	tm;

	gmtime_r(&tt, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

/* The wanted supplementary groups: trimmed, non-empty, each once. */
static const char **
accounts_want_groups(const struct accounts_user_want *w, size_t *n)
{
	const char	**out = xcalloc(w->ngroups + 1, sizeof *out);
	size_t		  i, j;

	*n = 0;
	for (i = 0; i < w->ngroups; i++) {
		if (w->groups[i][0] == '\0')
			continue;
		for (j = 0; j < *n; j++)
			if (strcmp(out[j], w->groups[i]) == 0)
				break;
		if (j == *n)
			out[(*n)++] = w->groups[i];
	}
	return out;
}

int
accounts_useradd(const struct accounts_user_want *w,
    const struct accounts_db *db, struct accounts_argv *a, char **cause)
{
	const char	**groups;
	size_t		  n, i;
	char		  date[16];

	accounts_argv_add(a, "useradd");
	if (w->uid != -1) {
		accounts_argv_add(a, "-u");
		accounts_argv_addf(a, "%lld", w->uid);
		if (w->non_unique)
			accounts_argv_add(a, "-o");
	}
	if (w->group != NULL) {
		if (accounts_group_find(db, w->group) == NULL) {
			*cause = xasprintf("Group %s does not exist", w->group);
			return -1;
		}
		accounts_argv_add(a, "-g");
		accounts_argv_add(a, w->group);
	} else if (accounts_group_find(db, w->name) != NULL &&
	    !accounts_digits(w->name)) {
		/* useradd would fail creating the user's own group. */
		accounts_argv_add(a, "-N");
	}
	if (w->groups != NULL) {
		groups = accounts_want_groups(w, &n);
		for (i = 0; i < n; i++) {
			if (accounts_group_find(db, groups[i]) == NULL) {
				*cause = xasprintf("Group %s does not exist",
				    groups[i]);
				free(groups);
				return -1;
			}
		}
		if (n > 0) {
			struct buf	b = BUF_INIT;

			for (i = 0; i < n; i++)
				buf_addf(&b, "%s%s", i > 0 ? "," : "",
				    groups[i]);
			accounts_argv_add(a, "-G");
			accounts_argv_add(a, buf_cstr(&b));
			buf_release(&b);
		}
		free(groups);
	}
	if (w->comment != NULL) {
		accounts_argv_add(a, "-c");
		accounts_argv_add(a, w->comment);
	}
	if (w->home != NULL) {
		accounts_argv_add(a, "-d");
		accounts_argv_add(a, w->home);
	}
	if (w->shell != NULL) {
		accounts_argv_add(a, "-s");
		accounts_argv_add(a, w->shell);
	}
	if (w->has_expires) {
		accounts_argv_add(a, "-e");
		if (w->expires < 0)
			accounts_argv_add(a, "");
		else {
			accounts_date(w->expires, date);
			accounts_argv_add(a, date);
		}
	}
	if (w->password != NULL) {
		accounts_argv_add(a, "-p");
		if (w->password_lock == 1)
			accounts_argv_addf(a, "!%s", w->password);
		else
			accounts_argv_add(a, w->password);
	}
	if (w->create_home) {
		accounts_argv_add(a, "-m");
		if (w->skeleton != NULL) {
			accounts_argv_add(a, "-k");
			accounts_argv_add(a, w->skeleton);
		}
		if (w->umask != NULL) {
			accounts_argv_add(a, "-K");
			accounts_argv_addf(a, "UMASK=%s", w->umask);
		}
	} else
		accounts_argv_add(a, "-M");
	if (w->system)
		accounts_argv_add(a, "-r");
	accounts_argv_add(a, w->name);
	return 0;
}

/* The usermod -G part: 0 and maybe words added, or -1 and *cause. */
static int
accounts_usermod_groups(const struct accounts_user_want *w,
    const struct accounts_db *db, struct accounts_argv *a, char **cause)
{
	const struct accounts_group	 *g;
	const char			**want, **cur, **names;
	size_t				  nwant, ncur, nnames = 0, i, j;
	int				  need = 0;
	struct buf			  b = BUF_INIT;

	want = accounts_want_groups(w, &nwant);
	cur = accounts_member_of(db, w->name, db->pw.gid, &ncur);
	names = xcalloc(nwant + 1, sizeof *names);
	for (i = 0; i < nwant; i++) {
		if ((g = accounts_group_find(db, want[i])) == NULL) {
			*cause = xasprintf("Group %s does not exist", want[i]);
			free(want);
			free(cur);
			free(names);
			return -1;
		}
		if (g->gid == db->pw.gid)
			continue;
		for (j = 0; j < nnames; j++)
			if (strcmp(names[j], g->name) == 0)
				break;
		if (j == nnames)
			names[nnames++] = g->name;
	}
	if (nwant == 0)
		need = ncur > 0 && !w->append;
	else {
		/* Missing from cur: both modes; extra in cur: only replace. */
		for (i = 0; i < nnames && !need; i++) {
			for (j = 0; j < ncur; j++)
				if (strcmp(names[i], cur[j]) == 0)
					break;
			need = j == ncur;
		}
		for (i = 0; i < ncur && !need && !w->append; i++) {
			for (j = 0; j < nnames; j++)
				if (strcmp(cur[i], names[j]) == 0)
					break;
			need = j == nnames;
		}
	}
	if (need) {
		if (w->append)
			accounts_argv_add(a, "-a");
		for (i = 0; i < nnames; i++)
			buf_addf(&b, "%s%s", i > 0 ? "," : "", names[i]);
		accounts_argv_add(a, "-G");
		accounts_argv_add(a, buf_cstr(&b));
		buf_release(&b);
	}
	free(want);
	free(cur);
	free(names);
	return 0;
}

int
accounts_usermod(const struct accounts_user_want *w,
    const struct accounts_db *db, struct accounts_argv *a, char **cause)
{
	const struct accounts_group	*g;
	const char			*hash = db->has_shadow ? db->hash : "";
	char				 d1[16], d2[16];
	size_t				 lock = 0;

	accounts_argv_add(a, "usermod");
	if (w->uid != -1 && w->uid != db->pw.uid) {
		accounts_argv_add(a, "-u");
		accounts_argv_addf(a, "%lld", w->uid);
		if (w->non_unique)
			accounts_argv_add(a, "-o");
	}
	if (w->group != NULL) {
		if ((g = accounts_group_find(db, w->group)) == NULL) {
			*cause = xasprintf("Group %s does not exist", w->group);
			goto fail;
		}
		if (g->gid != db->pw.gid) {
			accounts_argv_add(a, "-g");
			accounts_argv_add(a, w->group);
		}
	}
	if (w->groups != NULL && accounts_usermod_groups(w, db, a, cause) != 0)
		goto fail;
	if (w->comment != NULL && strcmp(w->comment, db->pw.gecos) != 0) {
		accounts_argv_add(a, "-c");
		accounts_argv_add(a, w->comment);
	}
	if (w->home != NULL && strcmp(w->home, db->pw.home) != 0) {
		accounts_argv_add(a, "-d");
		accounts_argv_add(a, w->home);
		if (w->move_home)
			accounts_argv_add(a, "-m");
	}
	if (w->shell != NULL && strcmp(w->shell, db->pw.shell) != 0) {
		accounts_argv_add(a, "-s");
		accounts_argv_add(a, w->shell);
	}
	if (w->has_expires) {
		if (w->expires < 0) {
			if (db->expire >= 0) {
				accounts_argv_add(a, "-e");
				accounts_argv_add(a, "");
			}
		} else {
			accounts_date(w->expires, d1);
			accounts_date((double)db->expire * 86400, d2);
			if (db->expire < 0 || strcmp(d1, d2) != 0) {
				accounts_argv_add(a, "-e");
				accounts_argv_add(a, d1);
			}
		}
	}
	if (w->password_lock == 1 && hash[0] != '!') {
		lock = a->n;
		accounts_argv_add(a, "-L");
	} else if (w->password_lock == 0 && hash[0] == '!') {
		lock = a->n;
		accounts_argv_add(a, "-U");
	}
	if (w->update_always && w->password != NULL) {
		const char	*cur = hash, *want = w->password;

		while (*cur == '!')
			cur++;
		while (*want == '!')
			want++;
		if (strcmp(cur, want) != 0) {
			/* -p and -L/-U do not mix: the hash carries the lock. */
			if (lock != 0)
				accounts_argv_remove(a, lock);
			accounts_argv_add(a, "-p");
			if (w->password_lock == 1)
				accounts_argv_addf(a, "!%s", w->password);
			else
				accounts_argv_add(a, w->password);
		}
	}
	if (a->n == 1) {
		accounts_argv_release(a);
		return 0;
	}
	accounts_argv_add(a, w->name);
	return 0;

fail:
	accounts_argv_release(a);
	return -1;
}

void
accounts_userdel(const struct accounts_user_want *w, struct accounts_argv *a)
{
	accounts_argv_add(a, "userdel");
	if (w->force)
		accounts_argv_add(a, "-f");
	if (w->remove)
		accounts_argv_add(a, "-r");
	accounts_argv_add(a, w->name);
}

void
accounts_groupadd(const struct accounts_group_want *w,
    struct accounts_argv *a)
{
	accounts_argv_add(a, "groupadd");
	if (w->gid != -1) {
		accounts_argv_add(a, "-g");
		accounts_argv_addf(a, "%lld", w->gid);
		if (w->non_unique)
			accounts_argv_add(a, "-o");
	}
	if (w->system)
		accounts_argv_add(a, "-r");
	accounts_argv_add(a, w->name);
}

void
accounts_groupmod(const struct accounts_group_want *w,
    const struct accounts_group *cur, struct accounts_argv *a)
{
	if (w->gid == -1 || w->gid == cur->gid)
		return;
	accounts_argv_add(a, "groupmod");
	accounts_argv_add(a, "-g");
	accounts_argv_addf(a, "%lld", w->gid);
	if (w->non_unique)
		accounts_argv_add(a, "-o");
	accounts_argv_add(a, w->name);
}

void
accounts_change_script(struct buf *s, const struct accounts_user_want *w,
    const struct accounts_argv *a, int exists)
{
	int	 parent = !exists && w->create_home && w->home != NULL;
	char	*line;

	buf_adds(s, "n=");
	shell_quote_buf(s, w->name);
	buf_adds(s, "\n");
	if (parent) {
		buf_adds(s, "d=$(dirname -- ");
		shell_quote_buf(s, w->home);
		buf_adds(s, "); made=\nif [ ! -d \"$d\" ]; then "
		    "mkdir -p -- \"$d\" && made=1; fi\n");
	}
	line = accounts_argv_line(a, ACCOUNTS_LINE_NO_PASSWORD);
	/* usermod with nothing left but the name: only the password. */
	if (!(exists && accounts_argv_password(a) != NULL && a->n == 4)) {
		buf_addf(s, "%s || { rc=$?; ", line);
		if (parent)
			buf_adds(s, "[ -z \"$made\" ] || "
			    "rmdir -p -- \"$d\" 2>/dev/null; ");
		buf_adds(s, "exit $rc; }\n");
	}
	free(line);
	if (accounts_argv_password(a) != NULL)
		buf_adds(s, "chpasswd -e || exit $?\n");
	buf_adds(s, "echo '" ACCOUNTS_MARK "'\n");
}

void
accounts_chage(const struct accounts_user_want *w, const struct accounts_db *db,
    struct accounts_argv *a)
{
	static const char *const flag[] = { "-m", "-M", "-W", "-I" };
	long long	 want[4], have[4];
	size_t		 i;

	want[0] = w->expire_min;
	want[1] = w->expire_max;
	want[2] = w->expire_warn;
	want[3] = w->expire_inact;
	have[0] = db->sp_min;
	have[1] = db->sp_max;
	have[2] = db->sp_warn;
	have[3] = db->sp_inact;
	for (i = 0; i < 4; i++) {
		if (want[i] == -2 || (db->has_shadow && want[i] == have[i]))
			continue;
		if (a->n == 0)
			accounts_argv_add(a, "chage");
		accounts_argv_add(a, flag[i]);
		accounts_argv_addf(a, "%lld", want[i]);
	}
	if (a->n > 0)
		accounts_argv_add(a, w->name);
}
