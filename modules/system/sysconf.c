/* Text walking shared by the pure side of the system-configuration modules. */
#include <ctype.h>
#include <string.h>

#include "sysconf.h"

int
sysconf_line(const char **pp, const char **line, size_t *len, int keep_nl)
{
	const char	*p = *pp, *nl;

	if (*p == '\0')
		return 0;
	nl = strchr(p, '\n');
	*line = p;
	*len = nl != NULL ? (size_t)(nl - p) : strlen(p);
	*pp = nl != NULL ? nl + 1 : p + *len;
	if (keep_nl && nl != NULL)
		(*len)++;
	return 1;
}

int
sysconf_word(const char **pp, const char **word, size_t *len)
{
	const char	*p = *pp;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0') {
		*pp = p;
		return 0;
	}
	for (*word = p; *p != '\0' && !isspace((unsigned char)*p); p++)
		;
	*len = p - *word;
	*pp = p;
	return 1;
}
