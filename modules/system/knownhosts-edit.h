/*
 * known_hosts' pure side: which line of a target's known_hosts file holds
 * a host's key, as "ssh-keygen -F" finds it and ansible.builtin.known_hosts
 * compares it, and the edit that follows.  The matching of names, pattern
 * lists and hashed names is engine/knownhosts.c's.
 */
#ifndef CAIRN_KNOWNHOSTS_EDIT_H
#define CAIRN_KNOWNHOSTS_EDIT_H

#include <stddef.h>

#include "util.h"

/* What the file says of the host (and key). */
struct kh_search {
	int		 found;		/* a line names the host */
	int		 replace;	/* the key must be added or replaced */
	unsigned long	 line;		/* the line of a key of that type, 0 */
};

/*
 * Searches the file's text for host (lowercased, "[h]:port" for another
 * port).  With key (a known_hosts line), a line with the same key under
 * the same host field (any hashed field stands for a hashed key's) is a
 * match; one with another key of the key's type is to be replaced.
 */
void	 kh_search(const char *text, const char *host, const char *key,
	    struct kh_search *);
/*
 * Whether the key line's host field names host (ssh-keygen -F on the key
 * alone).  0 for a malformed line.
 */
int	 kh_key_names(const char *key, const char *host);
/*
 * The file's new text: line s->line dropped when replacing or absent, key
 * (ending in a newline) appended when present and replacing or no line
 * of its type was found.  A last line without a newline gets one first.
 * Returns malloc'd text.
 */
char	*kh_edit(const char *text, const struct kh_search *, int present,
	    const char *key);
/*
 * The key with its host field hashed with salt (20 bytes), as
 * "|1|base64(salt)|base64(HMAC-SHA1(salt, host))"; markers are kept, the
 * fields joined by single spaces.  NULL for a malformed key.
 */
char	*kh_hash_key(const char *host, const char *key,
	    const unsigned char salt[20]);

#endif
