/* Pure decisions of the git module: ls-remote, ssh command, umask, plan, probe output. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "git.h"
#include "shell.h"

static int
git_is_hex(const char *s, size_t min, size_t max)
{
	size_t	n = 0;

	for (; s[n] != '\0'; n++)
		if (!isxdigit((unsigned char)s[n]))
			return 0;
	return n >= min && n <= max;
}

/* The commit of ref in ls-remote output, copied to sha; 1 if found. */
static int
git_ls_find(const char *ls, const char *ref, char sha[41])
{
	const char	*line = ls, *tab, *end;
	size_t		 n = strlen(ref);

	while (line != NULL && *line != '\0') {
		end = strchr(line, '\n');
		tab = strchr(line, '\t');
		if (tab != NULL && (end == NULL || tab < end) &&
		    tab - line == 40) {
			const char *name = tab + 1;
			size_t len = (end != NULL ? (size_t)(end - name) :
			    strlen(name));

			if (len > 0 && name[len - 1] == '\r')
				len--;
			if (len == n && strncmp(name, ref, n) == 0) {
				memcpy(sha, line, 40);
				sha[40] = '\0';
				return 1;
			}
		}
		line = end != NULL ? end + 1 : NULL;
	}
	return 0;
}

enum git_ref_kind
git_ref_resolve(const char *ls, const char *version, char sha[41])
{
	char	*ref;
	int	 found;

	sha[0] = '\0';
	if (ls == NULL)
		ls = "";
	if (strcmp(version, "HEAD") == 0) {
		git_ls_find(ls, "HEAD", sha);
		return GIT_REF_HEAD;
	}
	ref = xasprintf("refs/heads/%s", version);
	found = git_ls_find(ls, ref, sha);
	free(ref);
	if (found)
		return GIT_REF_BRANCH;
	ref = xasprintf("refs/tags/%s^{}", version);
	found = git_ls_find(ls, ref, sha);
	free(ref);
	if (!found) {
		ref = xasprintf("refs/tags/%s", version);
		found = git_ls_find(ls, ref, sha);
		free(ref);
	}
	if (found)
		return GIT_REF_TAG;
	if (git_is_hex(version, 7, 40))
		return GIT_REF_SHA;
	return GIT_REF_UNKNOWN;
}

const char *
git_ref_kind_name(enum git_ref_kind k)
{
	switch (k) {
	case GIT_REF_HEAD:
		return "head";
	case GIT_REF_BRANCH:
		return "branch";
	case GIT_REF_TAG:
		return "tag";
	case GIT_REF_SHA:
		return "sha";
	case GIT_REF_UNKNOWN:
		break;
	}
	return "unknown";
}

char *
git_ssh_command(const char *key_file, int accept_hostkey,
    int accept_newhostkey, const char *ssh_opts)
{
	struct buf	b = BUF_INIT;

	if (key_file == NULL && !accept_hostkey && !accept_newhostkey &&
	    ssh_opts == NULL)
		return NULL;
	buf_adds(&b, "ssh");
	if (key_file != NULL) {
		buf_adds(&b, " -i ");
		shell_quote_buf(&b, key_file);
		buf_adds(&b, " -o IdentitiesOnly=yes");
	}
	if (accept_hostkey)
		buf_adds(&b, " -o StrictHostKeyChecking=no");
	else if (accept_newhostkey)
		buf_adds(&b, " -o StrictHostKeyChecking=accept-new");
	if (ssh_opts != NULL && *ssh_opts != '\0') {
		buf_addc(&b, ' ');
		buf_adds(&b, ssh_opts);
	}
	return buf_detach(&b, NULL);
}

int
git_umask_parse(const struct value *v, unsigned int *out, char **cause)
{
	const char	*s;
	char		*end;
	unsigned long	 n;

	if (v->type == V_INT) {
		if (v->u.i < 0 || v->u.i > 0777)
			goto bad;
		*out = (unsigned int)v->u.i;
		return 0;
	}
	if (v->type != V_STR)
		goto bad;
	s = v->u.str.s;
	if (str_startswith(s, "0o"))
		s += 2;
	if (*s == '\0')
		goto bad;
	n = strtoul(s, &end, 8);
	if (*end != '\0' || n > 0777)
		goto bad;
	*out = (unsigned int)n;
	return 0;
bad:
	*cause = xstrdup("umask must be defined as a quoted octal integer");
	return -1;
}

enum git_action
git_decide(const struct git_state *s)
{
	if (!s->exists)
		return (s->check || !s->clone) ? GA_PREDICT : GA_CLONE;
	if (!s->update)
		return GA_NONE;
	if (s->local_mods && !s->force)
		return GA_FAIL_MODS;
	if (s->check)
		return GA_PREDICT;
	return GA_UPDATE;
}

int
git_predict_changed(const struct git_state *s)
{
	const char	*t = s->target != NULL ? s->target : "";

	if (!s->exists || s->url_changed || (s->local_mods && s->force))
		return 1;
	if (s->before == NULL || *t == '\0')
		return 1;
	/* A short commit id names the commit it starts. */
	if (s->kind == GIT_REF_SHA || s->kind == GIT_REF_UNKNOWN)
		return strncasecmp(s->before, t, strlen(t)) != 0;
	return strcmp(s->before, t) != 0;
}

int
git_clone_args(struct buf *b, const struct git_clone *c)
{
	int	branch_or_tag, ignored = 0, with_branch = 0;

	branch_or_tag = c->kind == GIT_REF_BRANCH || c->kind == GIT_REF_TAG;
	if (c->bare)
		buf_adds(b, " --bare");
	else {
		buf_adds(b, " --origin ");
		shell_quote_buf(b, c->remote);
	}
	if (c->depth > 0) {
		if (c->kind == GIT_REF_HEAD || c->refspec != NULL)
			buf_addf(b, " --depth %lld", c->depth);
		else if (branch_or_tag) {
			buf_addf(b, " --depth %lld", c->depth);
			with_branch = 1;
		} else
			ignored = 1;
	}
	if (c->reference != NULL) {
		buf_adds(b, " --reference ");
		shell_quote_buf(b, c->reference);
	}
	if (c->single_branch) {
		buf_adds(b, " --single-branch");
		if (branch_or_tag)
			with_branch = 1;
	}
	if (with_branch) {
		buf_adds(b, " --branch ");
		shell_quote_buf(b, c->version);
	}
	buf_adds(b, " -- ");
	shell_quote_buf(b, c->repo);
	buf_adds(b, " \"$d\"");
	return ignored;
}

/*
 * The shell scripts the module runs, after its preamble has set g (git),
 * d (dest), r (remote) and v (version).
 */
void
git_probe_script(struct buf *b, int bare)
{
	buf_adds(b, bare ? "[ -f \"$d/config\" ] && [ -d \"$d/objects\" ]" :
	    "[ -e \"$d/.git\" ]");
	buf_adds(b, " || exit 0\ncd \"$d\" || exit 1\necho exists=1\n"
	    "echo \"head=$(\"$g\" rev-parse -q --verify HEAD 2>/dev/null)\"\n"
	    "echo \"url=$(\"$g\" config --get \"remote.$r.url\")\"\n");
	if (!bare)
		buf_adds(b, "m=$(\"$g\" status --porcelain) || exit 1\n"
		    "if printf '%s\\n' \"$m\" | grep -v '^?""?' | grep -q .; "
		    "then echo mods=1; fi\n");
}

void
git_fetch_script(struct buf *b, long long depth, int bare, int force,
    const char *refspec)
{
	buf_adds(b, "\"$g\" fetch");
	if (depth > 0)
		buf_addf(b, " --depth %lld", depth);
	if (!bare)
		buf_adds(b, " --tags");
	if (force)
		buf_adds(b, " --force");
	buf_adds(b, " \"$r\"");
	if (bare)
		buf_adds(b, " '+refs/heads/*:refs/heads/*' "
		    "'+refs/tags/*:refs/tags/*'");
	if (refspec != NULL) {
		buf_addc(b, ' ');
		shell_quote_buf(b, refspec);
	}
}

void
git_switch_script(struct buf *b, enum git_ref_kind kind, long long depth)
{
	buf_adds(b, "cd \"$d\" || exit 1\n");
	switch (kind) {
	case GIT_REF_HEAD:
		buf_adds(b, "b=$(\"$g\" symbolic-ref -q "
		    "\"refs/remotes/$r/HEAD\") || { \"$g\" remote set-head "
		    "\"$r\" -a >/dev/null && b=$(\"$g\" symbolic-ref -q "
		    "\"refs/remotes/$r/HEAD\"); } || exit 1\n"
		    "b=${b#refs/remotes/\"$r\"/}\n"
		    "\"$g\" checkout --force \"$b\" && "
		    "\"$g\" reset --hard \"$r/$b\" --");
		break;
	case GIT_REF_BRANCH:
		buf_adds(b, "if \"$g\" show-ref --verify --quiet "
		    "\"refs/heads/$v\"; then\n"
		    "\t\"$g\" checkout --force \"$v\" && "
		    "\"$g\" reset --hard \"$r/$v\" --\nelse\n");
		if (depth > 0)
			buf_addf(b, "\t\"$g\" fetch --depth %lld \"$r\" "
			    "\"+refs/heads/$v:refs/remotes/$r/$v\" || exit 1\n",
			    depth);
		buf_adds(b, "\t\"$g\" checkout --track -b \"$v\" \"$r/$v\"\n"
		    "fi");
		break;
	default:
		buf_adds(b, "\"$g\" checkout --force \"$v\"");
		break;
	}
}

/* "key=value" lines of a probe; the value of key (malloc'd) or NULL. */
char *
git_field(const struct buf *out, const char *key)
{
	const char	*p = out->s != NULL ? out->s : "", *e;
	size_t		 n = strlen(key);

	while (*p != '\0') {
		e = strchr(p, '\n');
		if (strncmp(p, key, n) == 0 && p[n] == '=')
			return e != NULL ? xstrndup(p + n + 1, e - p - n - 1) :
			    xstrdup(p + n + 1);
		if (e == NULL)
			break;
		p = e + 1;
	}
	return NULL;
}

int
git_clone_script(struct buf *s, const struct git_clone *c)
{
	int	ignored;

	buf_adds(s, "mkdir -p -- \"$(dirname -- \"$d\")\" || exit 1\n"
	    "\"$g\" clone");
	ignored = git_clone_args(s, c);
	if (c->bare && strcmp(c->remote, "origin") != 0)
		buf_adds(s, " && cd \"$d\" && \"$g\" remote add "
		    "\"$r\" \"$(\"$g\" config --get remote.origin.url)\"");
	if (c->refspec != NULL) {
		buf_adds(s, " && cd \"$d\" && \"$g\" fetch");
		if (c->depth > 0)
			buf_addf(s, " --depth %lld", c->depth);
		buf_adds(s, " \"$r\" ");
		shell_quote_buf(s, c->refspec);
	}
	return ignored;
}

void
git_update_script(struct buf *s, const char *repo, int url_changed,
    long long depth, int bare, int force, const char *refspec)
{
	buf_adds(s, "cd \"$d\" || exit 1\n");
	if (url_changed) {
		buf_adds(s, "\"$g\" remote set-url \"$r\" ");
		shell_quote_buf(s, repo);
		buf_adds(s, " || exit 1\n");
	}
	git_fetch_script(s, depth, bare, force, refspec);
}

int
git_changed(const char *before, const char *after,
    const struct git_state *st, int submodules_moved)
{
	return before == NULL || strcmp(before, after) != 0 ||
	    st->local_mods || submodules_moved || st->url_changed;
}
