/*
 * openssh_keypair's pure side: key sizes by type, what ssh-keygen prints
 * about a key and what a .pub file holds, and whether a key must be
 * generated again, as community.crypto decides it.
 */
#ifndef CAIRN_KEYPAIR_H
#define CAIRN_KEYPAIR_H

#include <stddef.h>

#include "util.h"

/*
 * The size for type ("rsa", "dsa", "rsa1", "ecdsa", "ed25519") from the
 * task's size (have 0: none given): 4096, 1024, 256 and 256 by default;
 * ed25519 ignores it.  0 and *out, or -1 and *cause (community.crypto's
 * message).
 */
int	 keypair_size(const char *type, int have, long long size,
	    long long *out, char **cause);

/* "ssh-keygen -l" of a private key: "256 SHA256:... comment (ED25519)". */
struct keypair_info {
	long long	 size;
	char		 type[16];	/* lowercased, "ed25519" */
	char		*fingerprint;
};
/* 0 and *info, or -1 when the output is not such a line. */
int	 keypair_parse_info(const char *out, struct keypair_info *info);
void	 keypair_info_release(struct keypair_info *);	/* NULL-safe */

/* A public key: "type data [comment]" (the comment may hold spaces). */
struct keypair_pub {
	char	*type;
	char	*data;
	char	*comment;	/* "" when none */
};
/*
 * A .pub file's text (trim ' ' and '\n' both ends, split on the first two
 * spaces) or "ssh-keygen -y" output (strip '\n').  0, or -1 when there are
 * not two fields.
 */
int	 keypair_parse_pub(const char *text, int file, struct keypair_pub *);
void	 keypair_pub_release(struct keypair_pub *);	/* NULL-safe */
/*
 * Whether a .pub file matches the private key's public half; the
 * comments are compared only when comment is not NULL.
 */
int	 keypair_pub_matches(const struct keypair_pub *file,
	    const struct keypair_pub *derived, const char *comment);

/*
 * Whether to generate a key: have (a key is there and could be read),
 * valid (its type and size are the task's), regenerate as the task says
 * ("always" when force).  -1 and *cause when regenerate is "fail" and the
 * key is not valid; 1 to generate, 0 not.
 */
int	 keypair_should_generate(const char *regenerate, int have, int valid,
	    char **cause);

/* The directory of path, as os.path.dirname gives it ("." for none). */
char	*keypair_dirname(const char *path);
/* ssh-keygen's " -m FORMAT" for private_key_format ("" for the default). */
const char *keypair_format_flag(const char *format);
/* The first line a key of the format starts with; NULL for auto. */
const char *keypair_format_header(const char *format, const char *type);

#endif
