/*
 * `cairn vault` (and cairn-vault): ansible-vault's commands, options and
 * output, on engine/vault.c.  Decrypted text is written only where the
 * user asks (--output, view's stdout); edit and create give the editor a
 * private temp file that is wiped and removed as soon as it closes.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "settings.h"
#include "vault.h"

#define VAULT_EXIT_ERROR	1
#define VAULT_EXIT_OPTIONS	5

struct vault_cmd {
	const char		*action;
	struct vault_opts	 opts;
	struct vault_opts	 new_opts;	/* rekey's new secret */
	char			*encrypt_id;
	char			*output;
	char			**names;	/* encrypt_string --name */
	size_t			 nnames;
	char			*stdin_name;
	int			 prompt;
	struct vault_secrets	 secrets;
	struct vault_secrets	 new_secrets;
};

static void
vault_usage(FILE *f)
{
	fputs(
"usage: cairn vault [options] create|decrypt|edit|view|encrypt|encrypt_string|rekey [FILE...]\n"
"\n"
"  --vault-id [LABEL@]SRC       a secret: a password file, a script or 'prompt'\n"
"  --vault-password-file FILE   a password file or script (also --vault-pass-file)\n"
"  -J, --ask-vault-pass         ask for the vault password\n"
"  --encrypt-vault-id LABEL     the vault id to encrypt with\n"
"  --new-vault-id, --new-vault-password-file   rekey: the new secret\n"
"  --output FILE                encrypt/decrypt/encrypt_string: write there ('-': stdout)\n"
"  -n, --name NAME              encrypt_string: the variable name (repeatable)\n"
"  -p, --prompt                 encrypt_string: ask for the string\n"
"  --stdin-name NAME            encrypt_string: name of the string read on stdin\n", f);
}

static void
vault_error(const char *fmt, ...)
{
	va_list	ap;

	fputs("ERROR! ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void
vault_strv_add(char ***v, size_t *n, const char *s)
{
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = xstrdup(s);
}

/* ansible-vault says what it did on stderr, when a person is watching. */
static void
vault_say(const char *what)
{
	if (isatty(STDOUT_FILENO) || isatty(STDERR_FILENO))
		fprintf(stderr, "%s\n", what);
}

/* The secret to encrypt with: --encrypt-vault-id's, or the only one. */
static const struct vault_secret *
vault_encrypt_secret(const struct vault_secrets *s, const char *id)
{
	struct buf	ids = BUF_INIT;

	if (id != NULL) {
		for (size_t i = 0; i < s->n; i++)
			if (strcmp(s->v[i].id, id) == 0)
				return &s->v[i];
		vault_error("Did not find a match for --encrypt-vault-id=%s in "
		    "the known vault-ids", id);
		return NULL;
	}
	if (s->n == 1)
		return &s->v[0];
	if (s->n == 0) {
		vault_error("A vault password is required to use Ansible's "
		    "Vault (give --vault-password-file, --vault-id or "
		    "--ask-vault-pass)");
		return NULL;
	}
	for (size_t i = 0; i < s->n; i++)
		buf_addf(&ids, "%s%s", i ? "," : "", s->v[i].id);
	vault_error("The vault-ids %s are available to encrypt. Specify the "
	    "vault-id to encrypt with --encrypt-vault-id", buf_cstr(&ids));
	buf_release(&ids);
	return NULL;
}

static int
vault_read_input(const char *path, struct buf *b)
{
	char	chunk[65536];
	ssize_t	n;
	int	r;

	if (path != NULL && strcmp(path, "-") != 0) {
		if ((r = read_file(path, b)) != 0) {
			vault_error("could not read '%s': %s", path,
			    strerror(-r));
			return -1;
		}
		return 0;
	}
	while ((n = read(STDIN_FILENO, chunk, sizeof chunk)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			vault_error("could not read stdin: %s",
			    strerror(errno));
			return -1;
		}
		buf_add(b, chunk, (size_t)n);
	}
	buf_cstr(b);
	return 0;
}

/*
 * Writes a whole file through a temp file in its directory and a rename,
 * keeping an existing file's mode (0600 for a new one); "-" is stdout.
 */
static int
vault_write_output(const char *path, const void *data, size_t len)
{
	struct stat	 sb;
	char		*dup, *tmp;
	mode_t		 mode = 0600;
	int		 fd;
	size_t		 off = 0;
	ssize_t		 n;

	if (path == NULL || strcmp(path, "-") == 0) {
		if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
			vault_error("could not write to stdout");
			return -1;
		}
		return 0;
	}
	if (stat(path, &sb) == 0)
		mode = sb.st_mode & 07777;
	dup = xstrdup(path);
	tmp = xasprintf("%s/.cairn-vault.XXXXXX", dirname(dup));
	free(dup);
	if ((fd = mkstemp(tmp)) == -1) {
		vault_error("could not write '%s': %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	while (off < len) {
		if ((n = write(fd, (const char *)data + off, len - off)) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		off += (size_t)n;
	}
	if (off != len || fchmod(fd, mode) != 0 || fsync(fd) != 0 ||
	    close(fd) != 0 || rename(tmp, path) != 0) {
		vault_error("could not write '%s': %s", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

static int
vault_decrypt_text(struct vault_cmd *vc, const struct buf *in,
    const char *name, struct buf *out)
{
	char	*cause = NULL;

	if (!vault_is_encrypted(in->s != NULL ? in->s : "", in->len)) {
		vault_error("input is not vault encrypted data. %s is not a "
		    "vault encrypted file", name);
		return -1;
	}
	if (vault_decrypt(&vc->secrets, in->s, in->len, name, out, NULL,
	    &cause) != 0) {
		vault_error("%s for %s", cause, name);
		free(cause);
		return -1;
	}
	return 0;
}

static int
vault_encrypt_text(struct vault_cmd *vc, const struct vault_secrets *s,
    const void *plain, size_t len, struct buf *out)
{
	const struct vault_secret	*sec;
	char				*cause = NULL;

	if ((sec = vault_encrypt_secret(s, vc->encrypt_id)) == NULL)
		return -1;
	if (vault_encrypt(sec->password, sec->len, sec->id, plain, len, NULL,
	    out, &cause) != 0) {
		vault_error("%s", cause);
		free(cause);
		return -1;
	}
	return 0;
}

/* encrypt, decrypt, view, rekey: each file in turn, or stdin. */
static int
vault_each_file(struct vault_cmd *vc, int argc, char **argv)
{
	static char	 dash[] = "-";
	char		*stdin_only[] = { dash };
	char		**files = argc > 0 ? argv : stdin_only;
	int		 n = argc > 0 ? argc : 1, rc = 0;

	for (int i = 0; i < n && rc == 0; i++) {
		struct buf	 in = BUF_INIT, mid = BUF_INIT, out = BUF_INIT;
		const char	*name = strcmp(files[i], "-") == 0 ? "<stdin>" :
				    files[i];
		const char	*dest = vc->output != NULL ? vc->output :
				    files[i];

		if (vault_read_input(files[i], &in) != 0)
			rc = VAULT_EXIT_ERROR;
		else if (strcmp(vc->action, "encrypt") == 0) {
			if (vault_is_encrypted(buf_cstr(&in), in.len)) {
				vault_error("input is already encrypted");
				rc = VAULT_EXIT_ERROR;
			} else if (vault_encrypt_text(vc, &vc->secrets, in.s,
			    in.len, &out) != 0 ||
			    vault_write_output(dest, out.s, out.len) != 0)
				rc = VAULT_EXIT_ERROR;
		} else if (strcmp(vc->action, "decrypt") == 0) {
			if (vault_decrypt_text(vc, &in, name, &out) != 0 ||
			    vault_write_output(dest, out.s, out.len) != 0)
				rc = VAULT_EXIT_ERROR;
		} else if (strcmp(vc->action, "view") == 0) {
			if (vault_decrypt_text(vc, &in, name, &out) != 0 ||
			    vault_write_output("-", out.s, out.len) != 0)
				rc = VAULT_EXIT_ERROR;
		} else {	/* rekey */
			if (vault_decrypt_text(vc, &in, name, &mid) != 0 ||
			    vault_encrypt_text(vc, &vc->new_secrets, mid.s,
			    mid.len, &out) != 0 ||
			    vault_write_output(files[i], out.s, out.len) != 0)
				rc = VAULT_EXIT_ERROR;
		}
		if (mid.s != NULL)
			memset(mid.s, 0, mid.cap);
		if (out.s != NULL && strcmp(vc->action, "encrypt") != 0)
			memset(out.s, 0, out.cap);
		buf_release(&in);
		buf_release(&mid);
		buf_release(&out);
	}
	if (rc == 0 && strcmp(vc->action, "encrypt") == 0)
		vault_say("Encryption successful");
	else if (rc == 0 && strcmp(vc->action, "decrypt") == 0)
		vault_say("Decryption successful");
	else if (rc == 0 && strcmp(vc->action, "rekey") == 0)
		vault_say("Rekey successful");
	return rc;
}

/* Appends "name: !vault |" and the envelope indented by 10, as Ansible. */
static void
vault_format_string(struct buf *out, const char *name, const struct buf *env)
{
	const char	*p = env->s, *nl;

	if (out->len > 0)
		buf_addc(out, '\n');
	if (name != NULL)
		buf_addf(out, "%s: ", name);
	buf_adds(out, "!vault |");
	for (; p != NULL && *p != '\0'; p = nl != NULL ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		buf_adds(out, "\n          ");
		buf_add(out, p, nl != NULL ? (size_t)(nl - p) : strlen(p));
	}
}

static int
vault_encrypt_string(struct vault_cmd *vc, int argc, char **argv)
{
	struct buf	 out = BUF_INIT, env = BUF_INIT, in = BUF_INIT;
	int		 rc = 0;
	char		*cause = NULL;

	if (vc->prompt) {
		struct buf	 text = BUF_INIT;

		if (vault_read_prompt("String to encrypt: ", &text, &cause)
		    != 0) {
			vault_error("%s", cause);
			free(cause);
			return VAULT_EXIT_ERROR;
		}
		if (vault_encrypt_text(vc, &vc->secrets, text.s != NULL ?
		    text.s : "", text.len, &env) != 0)
			rc = VAULT_EXIT_ERROR;
		else
			vault_format_string(&out, vc->nnames > 0 ?
			    vc->names[0] : NULL, &env);
		if (text.s != NULL)
			memset(text.s, 0, text.cap);
		buf_release(&text);
	} else if (argc == 0) {
		if (vault_read_input("-", &in) != 0 ||
		    vault_encrypt_text(vc, &vc->secrets, in.s, in.len, &env)
		    != 0)
			rc = VAULT_EXIT_ERROR;
		else
			vault_format_string(&out, vc->stdin_name != NULL ?
			    vc->stdin_name : vc->nnames > 0 ? vc->names[0] :
			    NULL, &env);
	} else {
		for (int i = 0; i < argc && rc == 0; i++) {
			buf_reset(&env);
			if (vault_encrypt_text(vc, &vc->secrets, argv[i],
			    strlen(argv[i]), &env) != 0)
				rc = VAULT_EXIT_ERROR;
			else
				vault_format_string(&out, (size_t)i <
				    vc->nnames ? vc->names[i] : NULL, &env);
		}
	}
	if (rc == 0 && vault_write_output(vc->output, out.s != NULL ? out.s :
	    "", out.len) != 0)
		rc = VAULT_EXIT_ERROR;
	if (rc == 0)
		vault_say("Encryption successful");
	if (in.s != NULL)
		memset(in.s, 0, in.cap);
	buf_release(&in);
	buf_release(&env);
	buf_release(&out);
	return rc;
}

/*
 * The editor gets a private file in a private directory (in /dev/shm
 * when there is one: memory, not disk); it is wiped and removed as soon
 * as the editor exits.
 */
static int
vault_run_editor(const struct buf *plain, struct buf *edited)
{
	const char	*editor = getenv("EDITOR"), *base;
	char		 dir[] = "/dev/shm/cairn-vault.XXXXXX", *path, *cmd;
	char		 tdir[4096];
	int		 fd, status, r = -1;
	struct stat	 sb;

	if (editor == NULL || *editor == '\0')
		editor = "vi";
	base = dir;
	if (stat("/dev/shm", &sb) != 0 || access("/dev/shm", W_OK) != 0 ||
	    mkdtemp(dir) == NULL) {
		const char *t = getenv("TMPDIR");

		snprintf(tdir, sizeof tdir, "%s/cairn-vault.XXXXXX",
		    t != NULL && *t != '\0' ? t : "/tmp");
		if (mkdtemp(tdir) == NULL) {
			vault_error("cannot make a private directory: %s",
			    strerror(errno));
			return -1;
		}
		base = tdir;
	}
	path = xasprintf("%s/vault.yml", base);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1 ||
	    (plain->len > 0 && write(fd, plain->s, plain->len) !=
	    (ssize_t)plain->len) || close(fd) != 0) {
		vault_error("cannot write the private file: %s",
		    strerror(errno));
		goto out;
	}
	/* The editor command may carry options ("code -w"), as Ansible's. */
	cmd = xasprintf("%s \"$1\"", editor);
	switch (fork()) {
	case -1:
		vault_error("cannot start the editor: %s", strerror(errno));
		free(cmd);
		goto out;
	case 0:
		execl("/bin/sh", "sh", "-c", cmd, "sh", path, (char *)NULL);
		_exit(127);
	default:
		break;
	}
	free(cmd);
	while (wait(&status) == -1 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		vault_error("the editor '%s' failed (status %d)", editor,
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		goto out;
	}
	if (read_file(path, edited) != 0) {
		vault_error("cannot read the edited file");
		goto out;
	}
	r = 0;
out:
	/* Wipe, then remove: the text never stays behind. */
	if (stat(path, &sb) == 0 && (fd = open(path, O_WRONLY)) != -1) {
		char	zero[4096] = { 0 };

		for (off_t o = 0; o < sb.st_size; o += (off_t)sizeof zero)
			if (write(fd, zero, sizeof zero) < 0)
				break;
		fsync(fd);
		close(fd);
	}
	unlink(path);
	rmdir(base);
	free(path);
	return r;
}

static int
vault_create_or_edit(struct vault_cmd *vc, int argc, char **argv)
{
	struct buf	 in = BUF_INIT, plain = BUF_INIT, edited = BUF_INIT;
	struct buf	 out = BUF_INIT;
	struct stat	 sb;
	int		 rc = VAULT_EXIT_ERROR, create = strcmp(vc->action,
			    "create") == 0;

	if (argc != 1) {
		vault_error("ansible-vault %s can take only one filename "
		    "argument", vc->action);
		return VAULT_EXIT_OPTIONS;
	}
	if (create && stat(argv[0], &sb) == 0) {
		vault_error("%s exists, please use 'edit' instead", argv[0]);
		return VAULT_EXIT_ERROR;
	}
	if (!create && (vault_read_input(argv[0], &in) != 0 ||
	    vault_decrypt_text(vc, &in, argv[0], &plain) != 0))
		goto out;
	/* The secret is checked before the editor opens, not after. */
	if (vault_encrypt_secret(&vc->secrets, vc->encrypt_id) == NULL)
		goto out;
	if (vault_run_editor(&plain, &edited) != 0)
		goto out;
	if (!create && edited.len == plain.len && (plain.len == 0 ||
	    memcmp(edited.s, plain.s, plain.len) == 0)) {
		rc = 0;		/* unchanged: the file is left alone */
		goto out;
	}
	if (vault_encrypt_text(vc, &vc->secrets, edited.s, edited.len, &out)
	    != 0 || vault_write_output(argv[0], out.s, out.len) != 0)
		goto out;
	rc = 0;
out:
	if (plain.s != NULL)
		memset(plain.s, 0, plain.cap);
	if (edited.s != NULL)
		memset(edited.s, 0, edited.cap);
	buf_release(&in);
	buf_release(&plain);
	buf_release(&edited);
	buf_release(&out);
	return rc;
}

enum {
	OPT_VAULT_ID = 256, OPT_VAULT_FILE, OPT_NEW_ID, OPT_NEW_FILE,
	OPT_ENCRYPT_ID, OPT_OUTPUT, OPT_STDIN_NAME
};

static int
vault_parse(struct vault_cmd *vc, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "vault-id", required_argument, NULL, OPT_VAULT_ID },
		{ "vault-password-file", required_argument, NULL,
		    OPT_VAULT_FILE },
		{ "vault-pass-file", required_argument, NULL, OPT_VAULT_FILE },
		{ "ask-vault-pass", no_argument, NULL, 'J' },
		{ "ask-vault-password", no_argument, NULL, 'J' },
		{ "new-vault-id", required_argument, NULL, OPT_NEW_ID },
		{ "new-vault-password-file", required_argument, NULL,
		    OPT_NEW_FILE },
		{ "encrypt-vault-id", required_argument, NULL, OPT_ENCRYPT_ID },
		{ "output", required_argument, NULL, OPT_OUTPUT },
		{ "name", required_argument, NULL, 'n' },
		{ "prompt", no_argument, NULL, 'p' },
		{ "stdin-name", required_argument, NULL, OPT_STDIN_NAME },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int	c;

	while ((c = getopt_long(argc, argv, "+Jn:pvh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_VAULT_ID:
			vault_strv_add(&vc->opts.ids, &vc->opts.nids, optarg);
			break;
		case OPT_VAULT_FILE:
			vault_strv_add(&vc->opts.files, &vc->opts.nfiles,
			    optarg);
			break;
		case 'J':
			vc->opts.ask = 1;
			break;
		case OPT_NEW_ID:
			vault_strv_add(&vc->new_opts.ids, &vc->new_opts.nids,
			    optarg);
			break;
		case OPT_NEW_FILE:
			vault_strv_add(&vc->new_opts.files,
			    &vc->new_opts.nfiles, optarg);
			break;
		case OPT_ENCRYPT_ID:
			free(vc->encrypt_id);
			vc->encrypt_id = xstrdup(optarg);
			break;
		case OPT_OUTPUT:
			free(vc->output);
			vc->output = xstrdup(optarg);
			break;
		case 'n':
			vault_strv_add(&vc->names, &vc->nnames, optarg);
			break;
		case 'p':
			vc->prompt = 1;
			break;
		case OPT_STDIN_NAME:
			free(vc->stdin_name);
			vc->stdin_name = xstrdup(optarg);
			break;
		case 'v':
			break;
		case 'h':
			vault_usage(stdout);
			exit(0);
		default:
			vault_usage(stderr);
			return -1;
		}
	}
	return 0;
}

static int
vault_action_known(const char *a)
{
	static const char *const actions[] = { "create", "decrypt", "edit",
	    "view", "encrypt", "encrypt_string", "rekey", NULL };

	for (size_t i = 0; actions[i] != NULL; i++)
		if (strcmp(a, actions[i]) == 0)
			return 1;
	return 0;
}

int
cli_vault(int argc, char **argv)
{
	struct vault_cmd	 vc;
	struct settings		 st;
	char			*cause = NULL;
	int			 rc = VAULT_EXIT_ERROR, encrypting;

	memset(&vc, 0, sizeof vc);
	memset(&st, 0, sizeof st);
	/* The action comes first, its options after it (or before). */
	optind = 1;
	if (vault_parse(&vc, argc, argv) != 0)
		return VAULT_EXIT_OPTIONS;
	if (optind >= argc || !vault_action_known(argv[optind])) {
		if (optind < argc)
			vault_error("invalid action '%s'", argv[optind]);
		vault_usage(stderr);
		rc = VAULT_EXIT_OPTIONS;
		goto out;
	}
	vc.action = argv[optind];
	argc -= optind;
	argv += optind;
	optind = 1;
	/* getopt with "+" stops at the first file: take options after it. */
	{
		char	**files = xcalloc((size_t)argc, sizeof *files);
		int	  nf = 0;

		while (optind < argc) {
			if (vault_parse(&vc, argc, argv) != 0) {
				free(files);
				rc = VAULT_EXIT_OPTIONS;
				goto out;
			}
			if (optind < argc)
				files[nf++] = argv[optind++];
		}
		memcpy(argv, files, (size_t)nf * sizeof *files);
		argc = nf;
		free(files);
	}
	if (settings_load(&st, &cause) != 0) {
		vault_error("%s", cause);
		free(cause);
		goto out;
	}
	vc.opts.cfg_ids = st.vault_identity_list;
	vc.opts.cfg_file = st.vault_password_file;
	encrypting = strcmp(vc.action, "create") == 0 ||
	    strcmp(vc.action, "encrypt") == 0 ||
	    strcmp(vc.action, "encrypt_string") == 0;
	/* Nothing named: ask, as ansible-vault does. */
	if (vc.opts.nids == 0 && vc.opts.nfiles == 0 && vc.opts.cfg_ids ==
	    NULL && vc.opts.cfg_file == NULL)
		vc.opts.ask = 1;
	if (vault_secrets_setup(&vc.secrets, &vc.opts, encrypting, &cause)
	    != 0) {
		vault_error("%s", cause);
		free(cause);
		goto out;
	}
	if (strcmp(vc.action, "rekey") == 0) {
		if (vc.new_opts.nids == 0 && vc.new_opts.nfiles == 0)
			vc.new_opts.ask = 1;
		if (vault_secrets_setup(&vc.new_secrets, &vc.new_opts, 1,
		    &cause) != 0) {
			vault_error("%s", cause);
			free(cause);
			goto out;
		}
	}
	if (strcmp(vc.action, "encrypt_string") == 0)
		rc = vault_encrypt_string(&vc, argc, argv);
	else if (strcmp(vc.action, "create") == 0 ||
	    strcmp(vc.action, "edit") == 0)
		rc = vault_create_or_edit(&vc, argc, argv);
	else if (argc == 0 && (strcmp(vc.action, "view") == 0 ||
	    strcmp(vc.action, "rekey") == 0)) {
		vault_error("%s needs at least one file name", vc.action);
		rc = VAULT_EXIT_OPTIONS;
	} else
		rc = vault_each_file(&vc, argc, argv);
out:
	vault_opts_release(&vc.opts);
	vault_opts_release(&vc.new_opts);
	vault_secrets_release(&vc.secrets);
	vault_secrets_release(&vc.new_secrets);
	for (size_t i = 0; i < vc.nnames; i++)
		free(vc.names[i]);
	free(vc.names);
	free(vc.encrypt_id);
	free(vc.output);
	free(vc.stdin_name);
	settings_release(&st);
	return rc;
}
