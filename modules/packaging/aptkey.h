/*
 * OpenPGP public keys as apt_key handles them without gpg (which a
 * minimal Debian lacks; apt itself only needs gpgv and keyring files):
 * ASCII armor, the packet stream of a keyring, key ids and fingerprints
 * of v4 (and v5/v6) keys, and cutting a key out of a keyring.  Pure: the
 * unit tests call it directly.
 */
#ifndef CAIRN_APTKEY_H
#define CAIRN_APTKEY_H

#include <stddef.h>

#include "util.h"

/* One transferable public key in a keyring: its bytes and its ids. */
struct aptkey_key {
	char	 fpr[65];	/* upper-case hex fingerprint */
	char	 keyid[17];	/* its long key id (16 hex digits) */
	char	 (*subids)[17];	/* the subkeys' long ids */
	size_t	 nsub;
	size_t	 start, end;	/* byte range in the keyring */
};

struct aptkey_ring {
	struct aptkey_key	*keys;
	size_t			 n;
};

/*
 * Parses a binary keyring (one or more keys, as gpg --export writes it).
 * 0, or -1 and *cause for what is not an OpenPGP key stream.
 */
int	 aptkey_parse(const void *, size_t, struct aptkey_ring *,
	    char **cause);
void	 aptkey_ring_free(struct aptkey_ring *);	/* the fields */

/* 1 when data is ASCII armor (a PUBLIC KEY BLOCK). */
int	 aptkey_is_armored(const void *, size_t);
/*
 * The binary packets of the first armored public key block in text
 * (its CRC-24 checked when there is one).  0, or -1 and *cause.
 */
int	 aptkey_dearmor(const char *, size_t, struct buf *out, char **cause);
/* Appends data armored as a PUBLIC KEY BLOCK (with its CRC-24). */
void	 aptkey_armor(struct buf *, const void *, size_t);
/* Base64 without line breaks; decoding skips blanks.  -1 if not base64. */
void	 aptkey_b64_encode(struct buf *, const void *, size_t);
int	 aptkey_b64_decode(const char *, size_t, struct buf *);

/*
 * Ansible's parse_key_id: hexadecimal with an optional 0x, 8, 16 or more
 * than 16 digits, upper-cased.  0 with *short_id (its last 8), *fp (its
 * last 16, or all of it) and *key_id (all) malloc'd, or -1 ("Invalid
 * key_id" in *cause).
 */
int	 aptkey_parse_id(const char *, char **short_id, char **fp,
	    char **key_id, char **cause);

/*
 * The ids a listing shows for the keys (primary and subkeys), as
 * "apt-key adv --list-public-keys --keyid-format=long" shows them: 16
 * hex digits, or their last 8 with short.  Appended to list (V_LIST).
 */
struct value;
void	 aptkey_ids(const struct aptkey_ring *, int short_ids,
	    struct value *list);
/* The index of the key whose id or a subkey's ends with id, or -1. */
int	 aptkey_find(const struct aptkey_ring *, const char *id);

/*
 * Parses a keyring file's content, armored (.asc) or binary.  0, or -1
 * and *cause.  bin receives the binary packets.
 */
int	 aptkey_load(const void *, size_t, struct buf *bin,
	    struct aptkey_ring *, char **cause);

/*
 * Parses what the listing script printed: for each file, its path on a
 * line and its content in base64 on the next.  Calls fn for each, stops
 * at the first non-zero return.  0, or -1 when the text is cut short.
 */
int	 aptkey_each_file(const char *, int (*fn)(const char *path,
	    const void *data, size_t len, void *arg), void *arg);

#endif
