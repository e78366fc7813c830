/*
 * Inside the facts parser: the gather script's output cut into its raw
 * sections (facts-parse.c), read by the parsers of each subset
 * (facts-parse.c: platform and min, facts-hw.c, facts-net.c).
 */
#ifndef CAIRN_FACTS_INTERNAL_H
#define CAIRN_FACTS_INTERNAL_H

#include "facts.h"

/* The script's sections, each a dict of path (or key) to text. */
struct raw {
	struct value	*kv;		/* key=value lines */
	struct value	*files;		/* file PATH: content */
	struct value	*sys;		/* PATH<TAB>first line */
	struct value	*links;		/* PATH<TAB>link target */
	struct value	*statfs;	/* MOUNT<TAB>numbers */
	struct value	*local;		/* local PATH: content */
	char		*env;		/* NUL-free records, \036 for newline */
	char		*lsb;		/* lsb_release -a */
};

/* The string at key of a raw section (or of any dict), or NULL. */
const char	*facts_raw_get(const struct value *, const char *key);
/* The last component of a path. */
const char	*facts_base_name(const char *);
/*
 * The sys section's value of DIR/FILE, or NULL; *tmp is the path built,
 * freed on the next call (free it once done).
 */
const char	*facts_sysf(const struct raw *, const char *dir,
		    const char *file, char **tmp);

/* Each adds its subset's facts to f. */
void		 facts_parse_hardware(const struct raw *, struct value *f);
void		 facts_parse_network(const struct raw *, struct value *f);
void		 facts_parse_virtual(const struct raw *, struct value *f);
void		 facts_parse_other(const struct raw *, struct value *f);

#endif
