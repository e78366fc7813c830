/*
 * apt_key: adds or removes an OpenPGP key apt trusts, without apt-key or
 * gpg (a minimal Debian has only gpgv, and apt-key is deprecated): the
 * keyrings (/etc/apt/trusted.gpg, trusted.gpg.d/NAME.gpg and .asc, or
 * the keyring argument) are read in one round trip and parsed here
 * (aptkey-plan.c); a new key goes to trusted.gpg.d/KEYID.gpg (or into
 * keyring), a removed one is cut out of the files holding it.  Keys from
 * a URL or a keyserver (HKP) are fetched by the target's curl.
 */
#include <stdlib.h>
#include <string.h>

#include "aptkey.h"
#include "aptsrc.h"
#include "module.h"

#define TRUSTED		"/etc/apt/trusted.gpg"
#define TRUSTED_D	"/etc/apt/trusted.gpg.d"

static const char *const apt_key_aliases[] = {
	"ansible.builtin.apt_key", "ansible.legacy.apt_key", NULL
};
static const char *const state_choices[] = { "absent", "present", NULL };

static const struct mod_param apt_key_params[] = {
	{ "id", P_STR, 0, NULL, NULL, NULL },
	{ "url", P_STR, 0, NULL, NULL, NULL },
	{ "data", P_STR, 0, NULL, NULL, NULL },
	{ "file", P_PATH, 0, NULL, NULL, NULL },
	{ "keyring", P_PATH, 0, NULL, NULL, NULL },
	{ "validate_certs", P_BOOL, 0, "yes", NULL, NULL },
	{ "keyserver", P_STR, 0, NULL, NULL, NULL },
	{ "state", P_STR, 0, "present", state_choices, NULL },
	{ NULL }
};

static int
apt_key_validate(const struct mod_args *args, char **cause)
{
	if (args_has(args, "data") + args_has(args, "file") +
	    args_has(args, "keyserver") + args_has(args, "url") > 1) {
		*cause = xstrdup("parameters are mutually exclusive: "
		    "data|file|keyserver|url");
		return -1;
	}
	if (args_has(args, "keyserver") && !args_has(args, "id")) {
		*cause = xstrdup("Missing key_id, required with keyserver.");
		return -1;
	}
	return 0;
}

/* One keyring file as read from the host. */
struct apt_key_file {
	char			*path;
	int			 armored;
	struct buf		 bin;
	struct aptkey_ring	 ring;
};

struct apt_key_job {
	struct apt_key_file	*files;
	size_t			 n;
	struct result		*r;
	char			*unreadable;	/* the first file skipped */
};

static int
apt_key_add_file(const char *path, const void *data, size_t len, void *arg)
{
	struct apt_key_job	*j = arg;
	struct apt_key_file	*f;
	char			*cause = NULL;

	j->files = xreallocarray(j->files, j->n + 1, sizeof *j->files);
	f = &j->files[j->n];
	memset(f, 0, sizeof *f);
	f->armored = aptkey_is_armored(data, len);
	if (len != 0 && aptkey_load(data, len, &f->bin, &f->ring,
	    &cause) != 0) {
		/* as apt would: a keyring it cannot read trusts nothing */
		result_warn(j->r, "ignoring keyring %s: %s", path, cause);
		if (j->unreadable == NULL)
			j->unreadable = xasprintf("%s: %s", path, cause);
		free(cause);
		buf_release(&f->bin);
		return 0;
	}
	f->path = xstrdup(path);
	j->n++;
	return 0;
}

static void
apt_key_job_free(struct apt_key_job *j)
{
	size_t	i;

	for (i = 0; i < j->n; i++) {
		free(j->files[i].path);
		buf_release(&j->files[i].bin);
		aptkey_ring_free(&j->files[i].ring);
	}
	free(j->files);
	free(j->unreadable);
}

/* Reads the keyrings (only keyring when given) in one round trip. */
static int
apt_key_list(struct task_ctx *ctx, const char *keyring, struct apt_key_job *j,
    char **cause)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 b = BUF_INIT;
	int			 r = -1;

	buf_adds(&b, "for f in ");
	if (keyring != NULL)
		host_path_word(&b, keyring);
	else
		buf_adds(&b, TRUSTED " " TRUSTED_D "/*.gpg " TRUSTED_D "/*.asc");
	buf_adds(&b, "; do\n\t[ -f \"$f\" ] || continue\n"
	    "\tprintf '%s\\n' \"$f\"; base64 -w0 <\"$f\" || exit 1; echo\n"
	    "done\n");
	if (host_run(ctx, buf_cstr(&b), &res, cause) != 0)
		goto out;
	if (res.rc != 0) {
		*cause = xasprintf("Unable to list public keys: %s",
		    buf_cstr(&res.err));
		goto out;
	}
	if (aptkey_each_file(buf_cstr(&res.out), apt_key_add_file, j) != 0) {
		*cause = xstrdup("Unable to list public keys: output cut short");
		goto out;
	}
	r = 0;
out:
	buf_release(&b);
	exec_result_release(&res);
	return r;
}

static struct value *
apt_key_ids(const struct apt_key_job *j, int short_ids)
{
	struct value	*l = value_list();
	size_t		 i;

	for (i = 0; i < j->n; i++)
		aptkey_ids(&j->files[i].ring, short_ids, l);
	return l;
}

static int
apt_key_has(const struct apt_key_job *j, const char *id)
{
	size_t	i;

	for (i = 0; i < j->n; i++) {
		if (aptkey_find(&j->files[i].ring, id) >= 0)
			return 1;
	}
	return 0;
}

/* An HKP keyserver's lookup URL for id, as gpg's scheme defaults. */
static char *
apt_key_hkp_url(const char *ks, const char *id)
{
	const char	*scheme = "http", *host = ks, *colon;
	const char	*port = ":11371";

	if (strncmp(ks, "hkps://", 7) == 0) {
		scheme = "https";
		host = ks + 7;
		port = "";
	} else if (strncmp(ks, "hkp://", 6) == 0)
		host = ks + 6;
	else if (strncmp(ks, "http://", 7) == 0) {
		host = ks + 7;
		port = "";
	} else if (strncmp(ks, "https://", 8) == 0) {
		scheme = "https";
		host = ks + 8;
		port = "";
	}
	colon = strchr(host, ':');
	if (colon != NULL)
		port = "";
	return xasprintf("%s://%.*s%s/pks/lookup?op=get&options=mr&search=0x%s",
	    scheme, (int)strcspn(host, "/"), host, port, id);
}

/* The key's bytes from file, data, url or keyserver; 0, or -1. */
static int
apt_key_material(struct task_ctx *ctx, const struct mod_args *args,
    const char *key_id, struct buf *raw, char **cause)
{
	const char	*v;
	char		*url, *c;
	int		 e;

	if ((v = args_str(args, "file")) != NULL) {
		if ((e = host_read(ctx, v, raw, cause)) != 0) {
			c = *cause;
			*cause = xasprintf("Unable to extract key from '%s': %s",
			    v, c);
			free(c);
			return -1;
		}
		return 0;
	}
	if ((v = args_str(args, "data")) != NULL) {
		buf_adds(raw, v);
		return 0;
	}
	if ((v = args_str(args, "url")) != NULL)
		return aptsrc_fetch(ctx, v, args_bool(args, "validate_certs", 1),
		    raw, cause);
	if ((v = args_str(args, "keyserver")) != NULL && key_id != NULL) {
		url = apt_key_hkp_url(v, key_id);
		e = aptsrc_fetch(ctx, url, args_bool(args, "validate_certs", 1),
		    raw, cause);
		free(url);
		if (e != 0) {
			c = *cause;
			*cause = xasprintf("Error fetching key %s from keyserver: "
			    "%s: %s", key_id, v, c);
			free(c);
		}
		return e;
	}
	*cause = xstrdup("No key to add: give one of data, file, keyserver "
	    "or url");
	return -1;
}

/* Writes a keyring's packets, armored again for a .asc file. */
static int
apt_key_write(struct task_ctx *ctx, const char *path, int armored,
    const void *bin, size_t len, char **cause)
{
	struct write_opts	 wo;
	struct buf		 t = BUF_INIT;
	int			 r;

	memset(&wo, 0, sizeof wo);
	wo.mode = "0644";
	wo.mkdirs = 1;
	if (armored) {
		aptkey_armor(&t, bin, len);
		r = host_write(ctx, path, t.s, t.len, &wo, NULL, cause);
	} else
		r = host_write(ctx, path, bin, len, &wo, NULL, cause);
	buf_release(&t);
	return r;
}

static int
apt_key_add(struct task_ctx *ctx, const struct mod_args *args,
    struct apt_key_job *j, const struct buf *bin, char **cause)
{
	const char		*keyring = args_str(args, "keyring");
	struct aptkey_ring	 ring;
	struct buf		 all = BUF_INIT;
	char			*path;
	int			 r;

	if (keyring != NULL && j->unreadable != NULL) {
		/* never overwrite a keyring this cannot read */
		*cause = xasprintf("Unable to add a key to keyring %s",
		    j->unreadable);
		return -1;
	}
	if (keyring != NULL && j->n != 0) {
		/* a key more in an existing keyring */
		buf_add(&all, j->files[0].bin.s, j->files[0].bin.len);
		buf_add(&all, bin->s, bin->len);
		r = apt_key_write(ctx, j->files[0].path, j->files[0].armored,
		    all.s, all.len, cause);
		buf_release(&all);
		return r;
	}
	if (aptkey_parse(bin->s, bin->len, &ring, cause) != 0)
		return -1;
	path = keyring != NULL ? xstrdup(keyring) :
	    xasprintf(TRUSTED_D "/%s.gpg", ring.keys[0].keyid);
	r = apt_key_write(ctx, path, keyring != NULL &&
	    str_endswith(keyring, ".asc"), bin->s, bin->len, cause);
	aptkey_ring_free(&ring);
	free(path);
	return r;
}

/* Cuts the keys matching id out of every file; an emptied file goes. */
static int
apt_key_remove(struct task_ctx *ctx, struct apt_key_job *j, const char *id,
    char **cause)
{
	struct apt_key_file	*f;
	struct aptkey_ring	 left;
	struct buf		 kept = BUF_INIT;
	size_t			 i, k, at;
	int			 r = 0;

	for (i = 0; i < j->n && r == 0; i++) {
		f = &j->files[i];
		if (aptkey_find(&f->ring, id) < 0)
			continue;
		buf_reset(&kept);
		for (k = 0, at = 0; k < f->ring.n; k++) {
			if (aptkey_find(&(struct aptkey_ring){ &f->ring.keys[k],
			    1 }, id) >= 0) {
				buf_add(&kept, f->bin.s + at,
				    f->ring.keys[k].start - at);
				at = f->ring.keys[k].end;
			}
		}
		buf_add(&kept, f->bin.s + at, f->bin.len - at);
		if (kept.len == 0)
			r = aptsrc_unlink(ctx, f->path, cause);
		else
			r = apt_key_write(ctx, f->path, f->armored, kept.s,
			    kept.len, cause);
		/* what is left, for "after" */
		if (r == 0 && kept.len != 0 &&
		    aptkey_parse(kept.s, kept.len, &left, cause) == 0) {
			aptkey_ring_free(&f->ring);
			f->ring = left;
		} else if (r == 0)
			aptkey_ring_free(&f->ring);
	}
	buf_release(&kept);
	return r;
}

static enum mod_status
apt_key_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	const char		*state = args_str(args, "state");
	struct apt_key_job	 j;
	struct aptkey_ring	 ring;
	struct buf		 raw = BUF_INIT, bin = BUF_INIT;
	char			*cause = NULL, *id = NULL, *short_id = NULL;
	char			*fp = NULL, *key_id = NULL;
	int			 short_format, have_bin = 0;
	enum mod_status		 st = MOD_FAILED;

	memset(&j, 0, sizeof j);
	memset(&ring, 0, sizeof ring);
	j.r = r;
	if (apt_key_validate(args, &cause) != 0)
		goto out;
	if (args_str(args, "id") != NULL)
		id = xstrdup(args_str(args, "id"));
	else if (strcmp(state, "absent") == 0) {
		cause = xstrdup("key is required to remove a key");
		goto out;
	} else {
		/* the id is the first key's, read from the key itself */
		if (apt_key_material(ctx, args, NULL, &raw, &cause) != 0 ||
		    aptkey_load(raw.s, raw.len, &bin, &ring, &cause) != 0)
			goto out;
		have_bin = 1;
		id = xstrdup(ring.keys[0].keyid);
	}
	result_setstr(r, "id", id);
	if (aptkey_parse_id(id, &short_id, &fp, &key_id, &cause) != 0)
		goto out;
	result_setstr(r, "short_id", short_id);
	result_setstr(r, "fp", fp);
	result_setstr(r, "key_id", key_id);
	short_format = strlen(key_id) == 8;

	if (apt_key_list(ctx, args_str(args, "keyring"), &j, &cause) != 0)
		goto out;
	result_set(r, "before", apt_key_ids(&j, short_format));
	if (strcmp(state, "present") == 0) {
		if (apt_key_has(&j, short_format ? short_id : fp)) {
			st = MOD_OK;
			goto out;
		}
		if (ctx_check_mode(ctx)) {
			st = MOD_CHANGED;
			goto out;
		}
		if (!have_bin) {
			aptkey_ring_free(&ring);
			if (apt_key_material(ctx, args, key_id, &raw,
			    &cause) != 0 || aptkey_load(raw.s, raw.len, &bin,
			    &ring, &cause) != 0)
				goto out;
		}
		/* as Ansible's check after apt-key add */
		if (aptkey_find(&ring, short_format ? short_id : fp) < 0) {
			cause = xstrdup("apt-key did not return an error, but "
			    "failed to add the key (check that the id is correct "
			    "and *not* a subkey)");
			goto out;
		}
		if (apt_key_add(ctx, args, &j, &bin, &cause) != 0)
			goto out;
		result_set(r, "after", value_copy(value_dict_get(r->v,
		    "before")));
		aptkey_ids(&ring, short_format, value_dict_get(r->v, "after"));
		st = MOD_CHANGED;
		goto out;
	}
	if (!apt_key_has(&j, fp)) {
		st = MOD_OK;
		goto out;
	}
	st = MOD_CHANGED;
	if (ctx_check_mode(ctx))
		goto out;
	if (apt_key_remove(ctx, &j, fp, &cause) != 0) {
		st = MOD_FAILED;
		goto out;
	}
	result_set(r, "after", apt_key_ids(&j, short_format));
out:
	if (st == MOD_FAILED)
		st = result_fail(r, "%s", cause != NULL ? cause :
		    "apt_key failed");
	apt_key_job_free(&j);
	aptkey_ring_free(&ring);
	buf_release(&raw);
	buf_release(&bin);
	free(cause);
	free(id);
	free(short_id);
	free(fp);
	free(key_id);
	return st;
}

const struct module_entry module_apt_key = {
	.name = "apt_key",
	.aliases = apt_key_aliases,
	.params = apt_key_params,
	.flags = MOD_SUPPORTS_CHECK,
	.validate = apt_key_validate,
	.run = apt_key_run,
};
