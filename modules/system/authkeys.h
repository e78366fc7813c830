/*
 * authorized_keys files as Ansible's authorized_key module reads and
 * writes them: lines parsed into options, type, key blob and comment,
 * matched by blob, and written back in their original order with new keys
 * after them.  Pure text in, text out; nothing here talks to a host.
 */
#ifndef CAIRN_AUTHKEYS_H
#define CAIRN_AUTHKEYS_H

#include "util.h"

/* One option of a key line: name, and value (NULL for a flag). */
struct authkeys_opt {
	char	*name;
	char	*value;
};

/* A parsed key line. */
struct authkeys_key {
	char			*blob;		/* the key itself */
	char			*type;		/* "ssh-ed25519" */
	struct authkeys_opt	*opts;
	size_t			 nopts;
	char			*comment;	/* "" when there is none */
};

/*
 * Parses one line as Ansible's parsekey: whitespace-separated words, the
 * first known key type among them, the words before it options, the word
 * after it the blob and the rest the comment.  Returns 1 and *k for a key,
 * 0 for a line that is not one (comment, blank, unknown type).
 */
int	 authkeys_parse(const char *line, struct authkeys_key *k);
void	 authkeys_key_release(struct authkeys_key *);
/* Ansible's parseoptions: "a,b=c,d=\"x,y\"" into opts. */
void	 authkeys_parse_options(const char *, struct authkeys_key *);
/* Options equal as Ansible's keydict compares them. */
int	 authkeys_opts_equal(const struct authkeys_key *,
	    const struct authkeys_key *);

struct authkeys_want {
	const char	*keys;		/* one or more lines */
	int		 present;
	int		 exclusive;
	const char	*key_options;	/* NULL: as in the key */
	const char	*comment;	/* NULL: as in the key */
};

/*
 * The new file content for existing content and what is wanted: *out
 * (malloc'd) and *changed.  0, or -1 and *cause ("invalid key specified:
 * ...").
 */
int	 authkeys_apply(const char *existing, const struct authkeys_want *,
	    char **out, int *changed, char **cause);

#endif
