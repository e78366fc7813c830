/*
 * known_hosts as OpenSSH reads it (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT",
 * hostfile.c and match.c): markers, pattern lists with negation, hashed
 * names, [host]:port.  Pure but for the file reading and knownhosts_add.
 *
 * Only the host name (or address) the connection was made to is looked up,
 * as OpenSSH does with CheckHostIP=no, its default: no second look-up of
 * the address a name resolved to.  Host certificates are not supported
 * (libssh 0.10 cannot verify them): a @cert-authority line never vouches
 * for a plain key, as in OpenSSH, and a host that only such a line knows
 * is KNOWNHOSTS_CA_ONLY, for the caller to refuse with that reason.
 */
#ifndef CAIRN_KNOWNHOSTS_H
#define CAIRN_KNOWNHOSTS_H

#include <stddef.h>

/* From weakest to strongest: a stronger finding decides over a weaker one. */
enum knownhosts_status {
	KNOWNHOSTS_UNKNOWN,	/* no line for this host and key type */
	KNOWNHOSTS_CA_ONLY,	/* only a @cert-authority line names the host */
	KNOWNHOSTS_CHANGED,	/* the host has another key of this type */
	KNOWNHOSTS_OK,		/* a plain line has this host and key */
	KNOWNHOSTS_REVOKED,	/* a @revoked line has this key, any host */
};

/* The decision, and the first line that made it (file NULL if none). */
struct knownhosts_result {
	enum knownhosts_status	 status;
	char			*file;
	unsigned long		 line;
};
#define KNOWNHOSTS_RESULT_INIT { KNOWNHOSTS_UNKNOWN, NULL, 0 }

void	 knownhosts_result_release(struct knownhosts_result *);

/*
 * The name known_hosts keeps for a host: "host" for port 22 (or 0),
 * "[host]:port" for any other, lowercased as ssh(1) does.  Caller frees.
 */
char	*knownhosts_name(const char *host, int port);

/*
 * OpenSSH's match_pattern: '*' any run of characters, '?' one, nothing
 * else special.  1 if s matches, else 0.
 */
int	 knownhosts_match_pattern(const char *s, const char *pattern);
/*
 * A comma list of patterns (len bytes of list) against name, compared
 * without regard to case: 1 if a pattern matches and no negated one
 * ("!pattern") does, -1 if a negated one matches (the line is rejected
 * whatever else matches), 0 if none does.
 */
int	 knownhosts_match_list(const char *name, const char *list, size_t len);
/*
 * A hashed entry "|1|base64 salt|base64 HMAC-SHA1(salt, name)" (len bytes)
 * against name: 1 if it is name's, 0 if not or malformed.
 */
int	 knownhosts_match_hashed(const char *name, const char *entry,
	    size_t len);
/*
 * Folds the lines of one file's text (len bytes, file for the result)
 * into r for the host name (from knownhosts_name) and the server key
 * (its type, "ssh-ed25519", and base64 blob, as a known_hosts line has
 * them).  Called for each file in turn, user files first, r holds the
 * strongest finding of all.  Comments, blank and malformed lines and
 * unknown markers are skipped.
 */
void	 knownhosts_scan(const char *text, size_t len, const char *file,
	    const char *name, const char *type, const char *b64,
	    struct knownhosts_result *r);
/*
 * The decision for host:port over the files (n of them, user files first;
 * a missing file is empty).  As ssh(1) does, a host on another port than
 * 22 that no "[host]:port" line knows is OK when a plain "host" line has
 * its key (and is UNKNOWN otherwise: a changed key under the plain name
 * does not make the port's key changed).  0, or -1 and *cause when a
 * file exists but cannot be read.
 */
int	 knownhosts_check(const char *const *files, size_t n,
	    const char *host, int port, const char *type, const char *b64,
	    struct knownhosts_result *r, char **cause);
/*
 * Appends "name type b64" to file, as a plain (unhashed) line as OpenSSH
 * writes it without HashKnownHosts, creating the file (and its directory,
 * mode 0700, one level) when missing.  0, or -1 and *cause.
 */
int	 knownhosts_add(const char *file, const char *name, const char *type,
	    const char *b64, char **cause);

#endif
