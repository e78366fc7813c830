/*
 * mount (ansible.posix.mount): an fstab entry and the live mount.  One
 * round trip reads whether the path exists, /proc/self/mountinfo and the
 * fstab (under the fstab's lock); the edit is mount_fstab_set/unset, the
 * file is written atomically, and mount/umount run on the target.
 */
#include <stdlib.h>
#include <string.h>

#include "module.h"
#include "mount-plan.h"

static const char *const mount_aliases[] = {
	"ansible.posix.mount", "ansible.builtin.mount",
	"ansible.legacy.mount", NULL
};
static const char *const path_aliases[] = { "name", NULL };
static const char *const state_choices[] = { "absent", "absent_from_fstab",
	"mounted", "present", "unmounted", "remounted", "ephemeral", NULL };

static const struct mod_param mount_params[] = {
	{ "path", P_PATH, P_REQUIRED, NULL, NULL, path_aliases },
	{ "state", P_STR, P_REQUIRED, NULL, state_choices, NULL },
	{ "src", P_PATH, 0, NULL, NULL, NULL },
	{ "fstype", P_STR, 0, NULL, NULL, NULL },
	{ "opts", P_STR, 0, NULL, NULL, NULL },
	{ "dump", P_STR, 0, "0", NULL, NULL },
	{ "passno", P_STR, 0, "0", NULL, NULL },
	{ "fstab", P_STR, 0, NULL, NULL, NULL },
	{ "boot", P_BOOL, 0, "yes", NULL, NULL },
	{ "backup", P_BOOL, 0, "no", NULL, NULL },
	{ NULL }
};

static int
mount_validate(const struct mod_args *args, char **cause)
{
	const char	*state = args_str(args, "state");
	struct buf	 b = BUF_INIT;

	if (state == NULL || (strcmp(state, "mounted") != 0 &&
	    strcmp(state, "present") != 0 && strcmp(state, "ephemeral") != 0))
		return 0;
	if (!args_has(args, "src"))
		buf_adds(&b, "src");
	if (!args_has(args, "fstype"))
		buf_addf(&b, "%sfstype", b.len > 0 ? ", " : "");
	if (b.len == 0)
		return 0;
	*cause = xasprintf("state is %s but all of the following are "
	    "missing: %s", state, buf_cstr(&b));
	buf_release(&b);
	return -1;
}

struct mnt {
	struct task_ctx		*ctx;
	struct result		*r;
	const char		*state;
	struct mount_entry	 e;
	const char		*fstab;
	int			 ephemeral;
	int			 backup;	/* the backup argument */
	char			*backup_file;
	int			 exists;	/* the mount point exists */
	int			 has_fstab;
	int			 mounted;
	char			*msrc;		/* what is mounted there */
	char			*mfstype;
	struct buf		 text;		/* the fstab as read */
	struct host_lock	*lock;
	int			 released;	/* by a write */
	char			*cause;
};

/* Separates mountinfo from the fstab in the probe's output. */
#define MOUNT_MARK	"#cairn-fstab\n"

/* The probe; 0, or -1 and m->cause. */
static int
mount_probe(struct mnt *m)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 b = BUF_INIT;
	const char		*out, *mark;
	char			*info;
	int			 rv = -1;

	buf_adds(&b, "p=");
	host_path_word(&b, m->e.name);
	buf_adds(&b, "\nf=");
	host_path_word(&b, m->fstab);
	buf_adds(&b, "\nif [ -e \"$p\" ]; then echo E1; else echo E0; fi\n"
	    "if [ -f \"$f\" ]; then echo F1; else echo F0; fi\n"
	    "cat /proc/self/mountinfo || exit\n"
	    "printf '" MOUNT_MARK "'\n");
	if (!m->ephemeral)
		buf_adds(&b, "if [ -f \"$f\" ]; then cat \"$f\"; fi\n");
	if (m->ephemeral) {
		if (host_run(m->ctx, buf_cstr(&b), &res, &m->cause) != 0)
			goto out;
	} else if (host_run_lock(m->ctx, buf_cstr(&b), m->fstab, &res,
	    &m->lock, &m->cause) != 0)
		goto out;
	out = buf_cstr(&res.out);
	if (res.rc != 0 || strlen(out) < 6 ||
	    (mark = strstr(out, "\n" MOUNT_MARK)) == NULL) {
		m->cause = xasprintf("cannot read the mounts: %s",
		    buf_cstr(&res.err));
		goto out;
	}
	m->exists = out[1] == '1';
	m->has_fstab = out[4] == '1';
	info = xstrndup(out + 6, mark + 1 - (out + 6));
	m->mounted = mount_info_find(info, m->e.name, &m->msrc, &m->mfstype);
	free(info);
	buf_adds(&m->text, mark + 1 + strlen(MOUNT_MARK));
	rv = 0;
out:
	exec_result_release(&res);
	buf_release(&b);
	return rv;
}

/* Writes text as the fstab (not in check mode); 0, or -1 and m->cause. */
static int
mount_write_fstab(struct mnt *m, const struct buf *text)
{
	struct write_opts	 wo;
	char			*bk = NULL;

	if (ctx_check_mode(m->ctx))
		return 0;
	memset(&wo, 0, sizeof wo);
	wo.backup = m->backup && m->has_fstab;
	wo.mkdirs = 1;
	/* The write releases the lock; host_unlock frees it at the end. */
	if (!m->released)
		wo.unlock = m->lock;
	m->released = 1;
	if (host_write(m->ctx, m->fstab, text->s != NULL ? text->s : "",
	    text->len, &wo, &bk, &m->cause) != 0)
		return -1;
	if (bk != NULL) {
		free(m->backup_file);
		m->backup_file = bk;
	}
	return 0;
}

/* The -T FSTAB words mount takes for another fstab than /etc/fstab. */
static void
mount_fstab_words(struct mnt *m, struct buf *b)
{
	if (m->ephemeral || strcmp(m->fstab, "/etc/fstab") == 0)
		return;
	buf_adds(b, " -T ");
	host_path_word(b, m->fstab);
}

/* The -t TYPE [-o OPTS] SRC words of an ephemeral mount. */
static void
mount_ephemeral_words(struct mnt *m, struct buf *b)
{
	if (!m->ephemeral)
		return;
	buf_adds(b, " -t ");
	shell_quote_buf(b, m->e.fstype);
	if (strcmp(m->e.opts, "defaults") != 0) {
		buf_adds(b, " -o ");
		shell_quote_buf(b, m->e.opts);
	}
	buf_adds(b, " ");
	host_path_word(b, m->e.src);
}

/* Runs a mount command; its rc, with out+err in *msg (malloc'd). */
static int
mount_cmd(struct mnt *m, struct buf *cmd, char **msg)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	int			 rc;

	*msg = NULL;
	if (host_run(m->ctx, buf_cstr(cmd), &res, &m->cause) != 0) {
		rc = -1;
		*msg = xstrdup(m->cause);
	} else {
		rc = res.rc;
		*msg = xasprintf("%s%s", buf_cstr(&res.out),
		    buf_cstr(&res.err));
	}
	exec_result_release(&res);
	buf_release(cmd);
	return rc;
}

static int
mount_mount(struct mnt *m, char **msg)
{
	struct buf	b = BUF_INIT;

	buf_adds(&b, "LC_ALL=C mount");
	mount_fstab_words(m, &b);
	mount_ephemeral_words(m, &b);
	buf_adds(&b, " ");
	host_path_word(&b, m->e.name);
	return mount_cmd(m, &b, msg);
}

static int
mount_umount(struct mnt *m, char **msg)
{
	struct buf	b = BUF_INIT;

	buf_adds(&b, "LC_ALL=C umount ");
	host_path_word(&b, m->e.name);
	return mount_cmd(m, &b, msg);
}

/* mount -o remount, else umount and mount as Ansible falls back. */
static int
mount_remount(struct mnt *m, char **msg)
{
	struct buf	 b = BUF_INIT;
	int		 with_opts, rc;

	with_opts = strcmp(m->state, "remounted") == 0 &&
	    strcmp(m->e.opts, "defaults") != 0;
	buf_adds(&b, "LC_ALL=C mount -o ");
	if (with_opts) {
		char	*o = xasprintf("remount,%s", m->e.opts);

		shell_quote_buf(&b, o);
		free(o);
	} else
		buf_adds(&b, "remount");
	mount_fstab_words(m, &b);
	mount_ephemeral_words(m, &b);
	buf_adds(&b, " ");
	host_path_word(&b, m->e.name);
	if ((rc = mount_cmd(m, &b, msg)) == 0)
		return 0;
	if (with_opts) {
		free(*msg);
		*msg = xstrdup("Options were specified with remounted, but "
		    "the remount command failed. Failing in order to prevent "
		    "an unexpected mount result. Try replacing this command "
		    "with a \"state: unmounted\" followed by a \"state: "
		    "mounted\" using the full desired mount options instead.");
		return rc;
	}
	free(*msg);
	if ((rc = mount_umount(m, msg)) != 0)
		return rc;
	free(*msg);
	return mount_mount(m, msg);
}

/* mounted and ephemeral; 0 and *changed, or -1 with m->cause. */
static int
mount_ensure_mounted(struct mnt *m, int *changed)
{
	struct buf	 out = BUF_INIT, b = BUF_INIT;
	struct exec_result res = EXEC_RESULT_INIT;
	int		 check = ctx_check_mode(m->ctx), rc = 0, made = 0;
	char		*msg = NULL;

	if (!m->exists && !check) {
		buf_adds(&b, "mkdir -p ");
		host_path_word(&b, m->e.name);
		if (host_run(m->ctx, buf_cstr(&b), &res, &m->cause) != 0)
			goto fail;
		if (res.rc != 0) {
			m->cause = xasprintf("Error making dir %s: %s",
			    m->e.name, buf_cstr(&res.err));
			goto fail;
		}
		made = 1;
	}
	if (!m->ephemeral && mount_fstab_set(buf_cstr(&m->text), &m->e,
	    &out)) {
		*changed = 1;
		if (mount_write_fstab(m, &out) != 0)
			goto fail;
	}
	if (m->mounted) {
		if (m->ephemeral) {
			if (m->msrc == NULL || strcmp(m->msrc, m->e.src) != 0) {
				m->cause = xstrdup("Ephemeral mount point is "
				    "already mounted with a different source "
				    "than the specified one. Failing in order "
				    "to prevent an unwanted unmount or "
				    "override operation. Try replacing this "
				    "command with a \"state: unmounted\" "
				    "followed by a \"state: ephemeral\", or "
				    "use a different destination path.");
				goto fail;
			}
			*changed = 1;
		}
		if (*changed && !check)
			rc = mount_remount(m, &msg);
	} else {
		*changed = 1;
		if (!check)
			rc = mount_mount(m, &msg);
	}
	if (rc != 0) {
		/* A broken entry could stop the next boot: undo it. */
		if (!m->ephemeral && *changed)
			(void)mount_write_fstab(m, &m->text);
		if (made) {
			buf_release(&b);
			buf_adds(&b, "rmdir ");
			host_path_word(&b, m->e.name);
			exec_result_release(&res);
			free(m->cause);
			m->cause = NULL;
			(void)host_run(m->ctx, buf_cstr(&b), &res, &m->cause);
		}
		free(m->cause);
		m->cause = xasprintf("Error mounting %s: %s", m->e.name, msg);
		goto fail;
	}
	free(msg);
	buf_release(&out);
	buf_release(&b);
	exec_result_release(&res);
	return 0;
fail:
	free(msg);
	buf_release(&out);
	buf_release(&b);
	exec_result_release(&res);
	return -1;
}

/* absent, absent_from_fstab, unmounted, remounted, present. */
static int
mount_other(struct mnt *m, int *changed)
{
	struct buf	 out = BUF_INIT, b = BUF_INIT;
	struct exec_result res = EXEC_RESULT_INIT;
	int		 check = ctx_check_mode(m->ctx), rv = -1;
	char		*msg = NULL;

	if (strcmp(m->state, "present") == 0) {
		if (mount_fstab_set(buf_cstr(&m->text), &m->e, &out)) {
			*changed = 1;
			if (mount_write_fstab(m, &out) != 0)
				goto out;
		}
	} else if (strncmp(m->state, "absent", 6) == 0) {
		if (!mount_fstab_unset(buf_cstr(&m->text), m->e.name,
		    m->e.src, &out))
			goto done;
		*changed = 1;
		if (mount_write_fstab(m, &out) != 0)
			goto out;
		if (strcmp(m->state, "absent") != 0 || check)
			goto done;
		if (m->mounted && mount_umount(m, &msg) != 0) {
			m->cause = xasprintf("Error unmounting %s: %s",
			    m->e.name, msg);
			goto out;
		}
		if (m->exists) {
			buf_adds(&b, "rmdir ");
			host_path_word(&b, m->e.name);
			if (host_run(m->ctx, buf_cstr(&b), &res,
			    &m->cause) != 0)
				goto out;
			if (res.rc != 0) {
				m->cause = xasprintf("Error rmdir %s: %s",
				    m->e.name, buf_cstr(&res.err));
				goto out;
			}
		}
	} else if (strcmp(m->state, "unmounted") == 0) {
		if (!m->mounted)
			goto done;
		*changed = 1;
		if (!check && mount_umount(m, &msg) != 0) {
			m->cause = xasprintf("Error unmounting %s: %s",
			    m->e.name, msg);
			goto out;
		}
	} else {
		*changed = 1;
		if (!check && mount_remount(m, &msg) != 0) {
			m->cause = xasprintf("Error remounting %s: %s",
			    m->e.name, msg);
			goto out;
		}
	}
done:
	rv = 0;
out:
	free(msg);
	buf_release(&out);
	buf_release(&b);
	exec_result_release(&res);
	return rv;
}

static enum mod_status
mount_run(struct task_ctx *ctx, const struct mod_args *args, struct result *r)
{
	struct mnt	 m;
	const char	*warning = NULL;
	char		*opts = NULL;
	int		 changed = 0, boot = args_bool(args, "boot", 1);
	enum mod_status	 st = MOD_FAILED;

	memset(&m, 0, sizeof m);
	m.ctx = ctx;
	m.r = r;
	m.state = args_str(args, "state");
	m.ephemeral = strcmp(m.state, "ephemeral") == 0;
	if (mount_validate(args, &m.cause) != 0)
		goto out;
	m.fstab = args_has(args, "fstab") ? args_str(args, "fstab") :
	    "/etc/fstab";
	opts = mount_boot_opts(args_has(args, "opts") ? args_str(args, "opts") :
	    "defaults", boot, &warning);
	if (warning != NULL)
		result_warn(r, "%s", warning);
	m.backup = args_bool(args, "backup", 0);
	m.e.name = args_str(args, "path");
	m.e.src = args_str(args, "src");
	m.e.fstype = args_str(args, "fstype");
	m.e.opts = opts;
	m.e.dump = args_str(args, "dump");
	m.e.passno = args_str(args, "passno");

	if (mount_probe(&m) != 0)
		goto done;
	if (strcmp(m.state, "mounted") == 0 || m.ephemeral) {
		if (mount_ensure_mounted(&m, &changed) != 0)
			goto done;
	} else if (mount_other(&m, &changed) != 0)
		goto done;
	result_setstr(r, "name", m.e.name);
	if (m.e.src != NULL)
		result_setstr(r, "src", m.e.src);
	if (m.e.fstype != NULL)
		result_setstr(r, "fstype", m.e.fstype);
	result_setstr(r, "opts", m.e.opts);
	result_setstr(r, "dump", m.e.dump);
	result_setstr(r, "passno", m.e.passno);
	result_setstr(r, "fstab", m.fstab);
	/* Ansible's "no" unless noauto in opts made it ignore boot. */
	result_setstr(r, "boot", !boot && (warning == NULL ||
	    strstr(warning, "noauto") == NULL) ? "no" : "yes");
	result_setstr(r, "backup_file", m.backup_file != NULL ?
	    m.backup_file : "");
	st = changed ? MOD_CHANGED : MOD_OK;
done:
out:
	free(opts);
	host_unlock(ctx, m.lock);
	if (st == MOD_FAILED)
		st = result_fail(r, "%s", m.cause != NULL ? m.cause :
		    "mount failed");
	free(m.cause);
	free(m.backup_file);
	free(m.msrc);
	free(m.mfstype);
	buf_release(&m.text);
	return st;
}

const struct module_entry module_mount = {
	.name = "mount",
	.aliases = mount_aliases,
	.params = mount_params,
	.flags = MOD_SUPPORTS_CHECK,
	.validate = mount_validate,
	.run = mount_run,
};
