/* The copy module's decisions: destination, action, mode text, diff. */
#include <stdlib.h>
#include <string.h>

#include "copy-plan.h"

int
copy_is_binary(const char *s, size_t len)
{
	return memchr(s, '\0', len) != NULL;
}

char *
copy_mode_text(const struct value *mode, mode_t src_mode, char **cause)
{
	int	octal;

	if (mode->type == V_STR && strcmp(mode->u.str.s, "preserve") == 0)
		return xasprintf("%04o", (unsigned int)(src_mode & 07777));
	if (mode_parse(mode, &octal, cause) != 0)
		return NULL;
	if (octal >= 0)
		return xasprintf("%04o", (unsigned int)octal);
	return xstrdup(mode->u.str.s);
}

const char *
copy_basename(const char *p)
{
	const char	*s = strrchr(p, '/');

	return s != NULL ? s + 1 : p;
}

char *
copy_dest_path(const char *dest, const char *src, int *mkdirs)
{
	*mkdirs = 0;
	if (!str_endswith(dest, "/"))
		return xstrdup(dest);
	*mkdirs = 1;
	return xasprintf("%s%s", dest, copy_basename(src));
}

enum copy_action
copy_decide(const struct host_stat *st, const char *sum, int force)
{
	if (st->type != FT_NONE && !force)
		return COPY_KEEP;
	if (st->type == FT_FILE && strcmp(st->checksum, sum) == 0)
		return COPY_ATTRS;
	return COPY_WRITE;
}

struct value *
copy_diff_entry(const char *dest, const char *after_header,
    const struct host_stat *st, const char *old, size_t oldlen,
    const char *data, size_t len)
{
	struct value	*d = value_dict();
	int		 ok = 1;

	value_dict_setstr(d, "before_header", dest);
	value_dict_setstr(d, "after_header", after_header);
	if (st->type == FT_FILE) {
		if (st->size > COPY_MAX_DIFF) {
			value_dict_setint(d, "dst_larger", COPY_MAX_DIFF);
			ok = 0;
		} else if (old == NULL)
			ok = 0;
		else if (copy_is_binary(old, oldlen)) {
			value_dict_setint(d, "dst_binary", 1);
			ok = 0;
		}
	}
	if (len > COPY_MAX_DIFF) {
		value_dict_setint(d, "src_larger", COPY_MAX_DIFF);
		ok = 0;
	} else if (copy_is_binary(data, len)) {
		value_dict_setint(d, "src_binary", 1);
		ok = 0;
	}
	if (ok) {
		value_dict_setstr(d, "before", old != NULL ? old : "");
		value_dict_set(d, "after", value_str_take(xstrndup(data, len)));
	}
	return d;
}
