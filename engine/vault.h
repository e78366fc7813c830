/*
 * Ansible Vault: the 1.1 and 1.2 formats (AES-256-CTR over PKCS#7-padded
 * text, HMAC-SHA256, keys from PBKDF2-SHA256 with 10,000 iterations), read
 * and written with OpenSSL's libcrypto so that files are interchangeable
 * with ansible-vault's, and the run's set of vault secrets.
 */
#ifndef CAIRN_VAULT_H
#define CAIRN_VAULT_H

#include <stddef.h>

#include "util.h"

/* One secret: a vault id ("default" without a label) and its password. */
struct vault_secret {
	char	*id;
	char	*password;
	size_t	 len;
};

struct vault_secrets {
	struct vault_secret	*v;
	size_t			 n;
	char			*encrypt_id;	/* --encrypt-vault-id, or NULL */
};
#define VAULT_SECRETS_INIT { NULL, 0, NULL }

void	vault_secrets_add(struct vault_secrets *, const char *id,
	    const char *password, size_t len);
void	vault_secrets_release(struct vault_secrets *);

/*
 * Loads a secret as --vault-id/--vault-password-file name it: "label@src"
 * or "src", src a file (its text less trailing CR/LF), an executable (its
 * standard output; a "-client" script gets --vault-id label), or "prompt"
 * (asked once on the terminal, prompt_label in the question).  0, or -1
 * and *cause.
 */
int	vault_secrets_load(struct vault_secrets *, const char *spec,
	    int ask_confirm, char **cause);

/* What the command line and the config say about secrets. */
struct vault_opts {
	char		**ids;		/* --vault-id, in order */
	size_t		  nids;
	char		**files;	/* --vault-password-file */
	size_t		  nfiles;
	int		  ask;		/* --ask-vault-pass */
	const char	 *cfg_ids;	/* vault_identity_list, or NULL */
	const char	 *cfg_file;	/* vault_password_file, or NULL */
};
void	vault_opts_add_id(struct vault_opts *, const char *);
void	vault_opts_add_file(struct vault_opts *, const char *);
void	vault_opts_release(struct vault_opts *);

/*
 * Loads every secret the options name, in Ansible's order: the config's
 * identity list, --vault-id, the password files (the config's last), then
 * the prompt.  confirm: a prompt asks twice (for encrypting).  0, or -1
 * and *cause.
 */
int	vault_secrets_setup(struct vault_secrets *, const struct vault_opts *,
	    int confirm, char **cause);

/*
 * Asks a question on the terminal and reads a line without echo; -1 and
 * *cause without a terminal.
 */
int	vault_read_prompt(const char *question, struct buf *out, char **cause);

/* The run's secrets, set once by the command line before any load. */
void			 vault_set_secrets(const struct vault_secrets *);
const struct vault_secrets *vault_get_secrets(void);

/*
 * --syntax-check reads vars files it does not need (group_vars, ...); as
 * in Ansible it needs no password for them: with this set, a whole
 * encrypted file no secret was given for loads as an empty document.
 */
void	vault_set_lenient(int);
int	vault_lenient(void);

/* 1 if text is a vault envelope ("$ANSIBLE_VAULT;..." header). */
int	vault_is_encrypted(const char *text, size_t len);

/*
 * Decrypts an envelope with the first secret that opens it (the one whose
 * id the 1.2 header names first, then the others, as Ansible tries them).
 * Appends the plaintext to out and, if id is not NULL, sets *id to the
 * secret's vault id (malloc'd).  0, or -1 and *cause: no secrets, a
 * malformed envelope, or no secret that opens it.  name (a file name, or
 * NULL) goes into the messages.
 */
int	vault_decrypt(const struct vault_secrets *, const char *text,
	    size_t len, const char *name, struct buf *out, char **id,
	    char **cause);

/*
 * Encrypts with a password: the 1.1 envelope, or 1.2 with the vault id
 * when id is neither NULL nor "default".  salt (32 bytes) NULL for a
 * random one (tests give their own).  Appends the envelope (80-column
 * lines, a final newline) to out.  0, or -1 and *cause.
 */
int	vault_encrypt(const char *password, size_t plen, const char *id,
	    const void *plain, size_t len, const unsigned char *salt,
	    struct buf *out, char **cause);

/* OpenSSL's version ("OpenSSL 3.0.x ..."), for --version. */
const char *vault_library_version(void);

#endif
