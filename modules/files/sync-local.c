/*
 * synchronize's controller side: the listing of a controller tree in the
 * shape of the host's (struct sync_entry), and the changes of a pull
 * applied to it (files written to a temp name and renamed, then their
 * attributes, directories' times last).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "module.h"
#include "sync-local.h"
#include "sync-plan.h"

static void
sync_local_add(struct sync_entry **v, size_t *n, const char *rel,
    const char *path, const struct stat *st, int checksum)
{
	struct sync_entry	*e;
	struct passwd		*pw;
	struct group		*gr;
	struct buf		 data = BUF_INIT;
	char			 lnk[4096];
	ssize_t			 ll;
	FILE			*f;
	size_t			 got;
	char			 chunk[65536];

	*v = xreallocarray(*v, *n + 1, sizeof **v);
	e = &(*v)[(*n)++];
	memset(e, 0, sizeof *e);
	e->type = S_ISREG(st->st_mode) ? 'f' : S_ISDIR(st->st_mode) ? 'd' :
	    S_ISLNK(st->st_mode) ? 'l' : 'o';
	e->rel = xstrdup(rel);
	e->size = (long long)st->st_size;
	e->mtime = (long long)st->st_mtime;
	e->mode = st->st_mode & 07777;
	e->uid = st->st_uid;
	e->gid = st->st_gid;
	pw = getpwuid(st->st_uid);
	gr = getgrgid(st->st_gid);
	e->owner = pw != NULL ? xstrdup(pw->pw_name) :
	    xasprintf("%lld", e->uid);
	e->group = gr != NULL ? xstrdup(gr->gr_name) :
	    xasprintf("%lld", e->gid);
	ll = e->type == 'l' ? readlink(path, lnk, sizeof lnk - 1) : 0;
	lnk[ll < 0 ? 0 : ll] = '\0';
	e->link = xstrdup(lnk);
	if (checksum && e->type == 'f' && (f = fopen(path, "rb")) != NULL) {
		while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
			buf_add(&data, chunk, got);
		fclose(f);
		sha1_hex(data.s != NULL ? data.s : "", data.len, e->sum);
		buf_release(&data);
	}
}

static void
sync_local_rec(struct sync_entry **v, size_t *n, const char *dir,
    const char *rel, const struct sync_local_opts *o, int depth)
{
	struct stat	 st;
	char		**names, *path, *r;
	size_t		 nn = 0, i;
	int		 rc;

	if (depth > 64 || (names = files_dir_names(dir, &nn)) == NULL)
		return;
	for (i = 0; i < nn; i++) {
		path = xasprintf("%s/%s", dir, names[i]);
		r = *rel != '\0' ? xasprintf("%s/%s", rel, names[i]) :
		    xstrdup(names[i]);
		rc = o->copy_links ? stat(path, &st) : lstat(path, &st);
		if (rc == 0 && (!S_ISLNK(st.st_mode) || o->links)) {
			sync_local_add(v, n, r, path, &st, o->checksum);
			if (S_ISDIR(st.st_mode))
				sync_local_rec(v, n, path, r, o, depth + 1);
		}
		free(path);
		free(r);
	}
	files_names_free(names, nn);
}

size_t
sync_local_list(const char *root, const struct sync_local_opts *o,
    struct sync_entry **v)
{
	struct stat	 st;
	size_t		 n = 0;

	*v = NULL;
	if ((o->copy_links ? stat(root, &st) : lstat(root, &st)) != 0)
		return 0;
	sync_local_add(v, &n, "", root, &st, o->checksum);
	if (S_ISDIR(st.st_mode) && o->recursive)
		sync_local_rec(v, &n, root, "", o, 0);
	return n;
}

/* Removes a path and what it holds. */
static int
sync_local_rm(const char *path)
{
	struct stat	 st;
	DIR		*d;
	struct dirent	*e;
	char		*p;
	int		 r = 0;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	if ((d = opendir(path)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			p = xasprintf("%s/%s", path, e->d_name);
			r |= sync_local_rm(p);
			free(p);
		}
		closedir(d);
	}
	return r | rmdir(path);
}

int
sync_local_remove(const char *path, char **cause)
{
	if (sync_local_rm(path) != 0) {
		*cause = xasprintf("cannot delete '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	return 0;
}

int
sync_local_mkdir(const char *path, char **cause)
{
	if (mkdir(path, 0755) != 0 && errno != EEXIST) {
		*cause = xasprintf("cannot create directory '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	return 0;
}

int
sync_local_symlink(const char *target, const char *path, char **cause)
{
	(void)sync_local_rm(path);
	if (symlink(target, path) != 0) {
		*cause = xasprintf("cannot create symlink '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	return 0;
}

int
sync_local_write(const char *path, const void *data, size_t len,
    char **cause)
{
	char	*tmp = xasprintf("%s.cairn-sync.%ld.tmp", path, (long)getpid());
	FILE	*f;
	int	 ok;

	if ((f = fopen(tmp, "wb")) == NULL) {
		*cause = xasprintf("cannot write '%s': %s", tmp,
		    strerror(errno));
		free(tmp);
		return -1;
	}
	ok = fwrite(data, 1, len, f) == len;
	ok &= fflush(f) == 0 && fsync(fileno(f)) == 0;
	ok &= fclose(f) == 0;
	if (ok)
		(void)sync_local_rm(path);	/* a directory there */
	if (!ok || rename(tmp, path) != 0) {
		*cause = xasprintf("cannot write '%s': %s", path,
		    strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

int
sync_local_attrs(const char *path, const struct sync_entry *src,
    const struct sync_opts *o, char **cause)
{
	struct timespec	 ts[2];
	struct passwd	*pw;
	struct group	*gr;
	uid_t		 uid = (uid_t)-1;
	gid_t		 gid = (gid_t)-1;

	if (o->perms && src->type != 'l' && chmod(path, src->mode) != 0)
		goto fail;
	if (o->owner)
		uid = (pw = getpwnam(src->owner)) != NULL ? pw->pw_uid :
		    (uid_t)src->uid;
	if (o->group)
		gid = (gr = getgrnam(src->group)) != NULL ? gr->gr_gid :
		    (gid_t)src->gid;
	if ((o->owner || o->group) && lchown(path, uid, gid) != 0)
		goto fail;
	if (o->times) {
		ts[0].tv_sec = ts[1].tv_sec = (time_t)src->mtime;
		ts[0].tv_nsec = ts[1].tv_nsec = 0;
		if (utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW) != 0)
			goto fail;
	}
	return 0;
fail:
	*cause = xasprintf("cannot set the attributes of '%s': %s", path,
	    strerror(errno));
	return -1;
}
