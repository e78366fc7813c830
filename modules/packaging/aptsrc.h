/*
 * APT sources, as apt_repository and deb822_repository edit them: the
 * one-line format of sources.list and sources.list.d/NAME.list, and the
 * deb822 stanza of sources.list.d/NAME.sources.  aptsrc-plan.c is pure
 * (the unit tests call it); the modules do the host side.
 */
#ifndef CAIRN_APTSRC_H
#define CAIRN_APTSRC_H

#include <stddef.h>

#include "module.h"
#include "util.h"

#define APTSRC_LIST	"/etc/apt/sources.list"
#define APTSRC_PARTS	"/etc/apt/sources.list.d"

/*
 * One line of a .list file as Ansible's SourcesList parses it: a leading
 * '#' disables it, text after a later '#' is a comment, and it is valid
 * when its first word is deb or deb-src (its words then joined by one
 * space).  Lines that are not sources are kept, to be written back.
 */
struct aptsrc_line {
	int	 valid;
	int	 enabled;
	char	*source;
	char	*comment;
};

struct aptsrc_file {
	char			*path;
	struct aptsrc_line	*lines;
	size_t			 n;
	int			 existed;	/* read from the host */
	int			 added;		/* a source was appended */
};

struct aptsrc_set {
	struct aptsrc_file	*files;
	size_t			 n;
	char			*os_id;		/* /etc/os-release ID, or "" */
	char			*codename;	/* VERSION_CODENAME, or "" */
};

/* Parses one line (without its newline) into *l (fields malloc'd). */
void	 aptsrc_parse_line(const char *, size_t, struct aptsrc_line *);
/*
 * Parses what the read script printed: the os-release ID and codename
 * lines, then for each file its path line, its size in bytes on a line,
 * and that many bytes.  0, or -1 and *cause when the text is cut short.
 */
int	 aptsrc_parse_read(const char *, size_t, struct aptsrc_set *,
	    char **cause);
/* The read script (shell text with no user value in it). */
extern const char aptsrc_read_script[];
void	 aptsrc_set_free(struct aptsrc_set *);	/* the fields, not the set */

/*
 * The file name Ansible's _suggest_filename gives a source line:
 * options ([...]) and "scheme://" dropped, the first word that is not
 * deb or deb-src stripped of "user:password@", every run of characters
 * other than [a-zA-Z0-9] made one '_', plus ".list"; or filename + ".list"
 * when filename is not NULL.  malloc'd.
 */
char	*aptsrc_suggest_filename(const char *source, const char *filename);
/* name as it is when it has a '/', else in sources.list.d.  malloc'd. */
char	*aptsrc_expand_path(const char *name);

/*
 * A ppa:OWNER[/NAME] repo as Ansible expands it on Ubuntu: the deb line
 * of ppa.launchpad.net for codename, and the file the source goes to
 * (from "ppa:OWNER/NAME_codename" unless filename).  0, or -1 and *cause
 * when repo is not ppa: or has no owner.
 */
int	 aptsrc_expand_ppa(const char *repo, const char *codename,
	    const char *filename, char **line, char **file, char **cause);

/*
 * state=present: every valid line equal to the source (enabled or not)
 * is enabled; when there is none, the source is appended to path (a new
 * file of the set when it was not read).  state=absent: every enabled
 * line equal to it goes.  repo must be a valid enabled source line:
 * -1 and *cause ("Invalid repository string: ...") otherwise.
 */
int	 aptsrc_add(struct aptsrc_set *, const char *repo, const char *path,
	    char **cause);
int	 aptsrc_remove(struct aptsrc_set *, const char *repo, char **cause);
/*
 * A file's text as Ansible writes it ("# " for a disabled line, " # "
 * before a comment), or NULL when it has no lines left (the file is
 * removed).  malloc'd.
 */
char	*aptsrc_dump(const struct aptsrc_file *);

/* deb822_repository */

/*
 * The file name part of NAME: lowered, runs of '_' and blanks made '-',
 * then everything but [a-z0-9-] dropped, as Ansible's slug.  malloc'd.
 */
char	*aptsrc_slug(const char *name);
/*
 * The stanza for the module's arguments, fields in Ansible's order
 * (sorted parameter names): a bool as yes/no, a list joined by spaces,
 * a value with newlines on indented continuation lines ('.' for an empty
 * one).  signed_by is the value to write (a path, fingerprints or a key
 * block), NULL for none.  malloc'd.
 */
char	*aptsrc_deb822(const struct mod_args *, const char *signed_by);

/*
 * 1 when s starts with a URL scheme ("https:"), as urlparse finds one:
 * a letter, then letters, digits, '+', '-' or '.', then ':'.
 */
int	 aptsrc_has_scheme(const char *s);
/* 1 when data holds an ASCII-armored OpenPGP public key block. */
int	 aptsrc_is_armored(const void *data, size_t len);

/*
 * A file-mode argument (int or string) as chmod takes it: "0644", or
 * the symbolic text; NULL for none.  0 and *out malloc'd, or -1 and
 * *cause.
 */
int	 aptsrc_mode_text(const struct value *, char **out, char **cause);

/* aptsrc-host.c */

/* rm -f path on the target: 0, or -1 and *cause with rm's complaint. */
int	 aptsrc_unlink(struct task_ctx *, const char *path, char **cause);

/*
 * Downloads url with the target's curl (or wget) into body, the temp
 * file on the target removed.  0, or -1 and *cause ("Failed to download
 * key at URL: ..." for a status other than 200).
 */
int	 aptsrc_fetch(struct task_ctx *, const char *url, int validate_certs,
	    struct buf *body, char **cause);

#endif
