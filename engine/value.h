/*
 * The one data type of cairn: a JSON-like value (null, bool, int, float,
 * string, list, ordered dict) that remembers where it came from.  YAML
 * documents, variables, module arguments and results are all values.
 *
 * Values are reference counted (atomically: hosts in different worker
 * threads share the playbook and inventory values) and must be treated as
 * immutable once shared.  Functions that "take" a value take over the
 * caller's reference.
 */
#ifndef CAIRN_VALUE_H
#define CAIRN_VALUE_H

#include <stddef.h>

#include "util.h"

enum value_type {
	V_NULL,
	V_BOOL,
	V_INT,
	V_FLOAT,
	V_STR,
	V_LIST,
	V_DICT,
};

/* Where a value was written: file (shared, never freed), line, column. */
struct loc {
	const char	*file;
	int		 line;
	int		 col;
};

#define VALUE_QUOTED	0x1	/* a quoted YAML scalar: never retyped */
#define VALUE_UNSAFE	0x2	/* never templated (ansible's !unsafe) */
#define VALUE_SECRET	0x4	/* no_log: never printed */
/* A !vault value no secret was given for: the envelope, unusable. */
#define VALUE_VAULT	0x8

struct value {
	enum value_type	 type;
	int		 flags;
	int		 refs;
	struct loc	 loc;
	union {
		int		 b;
		long long	 i;
		double		 f;
		struct {
			char	*s;
			size_t	 len;
		} str;
		struct {
			struct value	**items;
			size_t		  n;
			size_t		  cap;
		} list;
		struct {
			char		**keys;
			struct value	**vals;
			struct loc	 *klocs;	/* where each key was written, or NULL */
			size_t		  n;
			size_t		  cap;
			size_t		 *hidx;	/* hash index of big dicts, or NULL */
			size_t		  hcap;	/* its size, a power of two */
		} dict;
	} u;
};

struct value	*value_null(void);
struct value	*value_bool(int);
struct value	*value_int(long long);
struct value	*value_float(double);
struct value	*value_str(const char *);
struct value	*value_strn(const char *, size_t);
/* Takes ownership of a malloc'd NUL-terminated string. */
struct value	*value_str_take(char *);
struct value	*value_strf(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
struct value	*value_list(void);
struct value	*value_dict(void);

struct value	*value_ref(struct value *);	/* NULL-safe */
void		 value_unref(struct value *);	/* NULL-safe */
/* A deep copy with one reference, safe to modify. */
struct value	*value_copy(const struct value *);

/* Lists. value_list_append takes the item. */
void		 value_list_append(struct value *, struct value *);
size_t		 value_len(const struct value *); /* list, dict or string */

/* Dicts keep insertion order.  set takes the value, replacing a key in place. */
struct value	*value_dict_get(const struct value *, const char *);
void		 value_dict_set(struct value *, const char *, struct value *);
void		 value_dict_setstr(struct value *, const char *, const char *);
void		 value_dict_setint(struct value *, const char *, long long);
void		 value_dict_setbool(struct value *, const char *, int);
int		 value_dict_del(struct value *, const char *);
/* Where a key was written (YAML mappings); NULL if unknown. */
const struct loc *value_dict_keyloc(const struct value *, const char *);
void		 value_dict_set_keyloc(struct value *, const char *,
		    const struct loc *);
/* Shallow merge of src into dst (dst's keys replaced); recursive if deep. */
void		 value_dict_merge(struct value *, const struct value *, int);

/* Conversions used by modules and templates. */
const char	*value_type_name(enum value_type);
int		 value_truthy(const struct value *);
/*
 * Parses a boolean the way Ansible does (yes/no/true/false/on/off/1/0, any
 * case); returns 0 or 1, or -1 if the value is not a boolean.
 */
int		 value_as_bool(const struct value *);
/* Python's str(): strings as they are, others as JSON-ish text. */
char		*value_to_string(const struct value *);
int		 value_equal(const struct value *, const struct value *);
/* 1 if a string value (or const char *) contains "{{" or "{%". */
int		 value_is_template(const struct value *);

/* JSON. */
void		 value_to_json(struct buf *, const struct value *, int pretty);
/* Returns NULL and sets *cause on malformed input. */
struct value	*value_from_json(const char *, size_t, char **cause);

#endif
