/* package, dpkg_selections and debconf: the parts that need no host. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "packaging-plan.h"
#include "util.h"

const char *
package_manager(const char *use, const char *pkg_mgr)
{
	if (use != NULL && *use != '\0' && strcmp(use, "auto") != 0)
		return use;
	if (pkg_mgr == NULL || *pkg_mgr == '\0')
		return NULL;
	return pkg_mgr;
}

int
package_manager_supported(const char *name)
{
	return name != NULL && strcmp(name, "apt") == 0;
}

char *
dpkg_selection_parse(const char *out)
{
	const char	*p = out;
	size_t		 n;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0')
		return xstrdup("not present");
	p += strcspn(p, " \t\r\n");
	while (isspace((unsigned char)*p))
		p++;
	n = strcspn(p, " \t\r\n");
	/* Python's out.split()[1] fails on one word; dpkg never prints that. */
	return n > 0 ? xstrndup(p, n) : xstrdup("not present");
}

struct value *
debconf_parse_show(const char *out)
{
	struct value	*d = value_dict();
	const char	*p = out, *nl, *colon, *k, *ke, *v, *ve;
	char		*key;

	for (; *p != '\0'; p = nl != NULL ? nl + 1 : p + strlen(p)) {
		nl = strchr(p, '\n');
		ve = nl != NULL ? nl : p + strlen(p);
		colon = memchr(p, ':', ve - p);
		if (colon == NULL)
			continue;
		/* key.strip('*').strip() */
		for (k = p; k < colon && *k == '*'; k++)
			;
		for (ke = colon; ke > k && ke[-1] == '*'; ke--)
			;
		while (k < ke && isspace((unsigned char)*k))
			k++;
		while (ke > k && isspace((unsigned char)ke[-1]))
			ke--;
		for (v = colon + 1; v < ve && isspace((unsigned char)*v); v++)
			;
		while (ve > v && isspace((unsigned char)ve[-1]))
			ve--;
		key = xstrndup(k, ke - k);
		value_dict_set(d, key, value_strn(v, ve - v));
		free(key);
	}
	return d;
}

char *
debconf_set_value(const char *vtype, const char *value)
{
	if (vtype != NULL && strcmp(vtype, "boolean") == 0) {
		if (strcmp(value, "True") == 0)
			return xstrdup("true");
		if (strcmp(value, "False") == 0)
			return xstrdup("false");
	}
	return xstrdup(value);
}

int
debconf_differs(const char *vtype, const char *value, const char *existing)
{
	if (existing == NULL)
		return 1;
	if (vtype != NULL && strcmp(vtype, "boolean") == 0)
		return strcasecmp(value, existing) != 0;
	return strcmp(value, existing) != 0;
}
