/* Helpers shared by the fuzz harnesses (see fuzz.h). */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

char *
fuzz_string(const uint8_t *data, size_t len)
{
	char	*s;

	if ((s = malloc(len + 1)) == NULL)
		abort();
	memcpy(s, data, len);
	s[len] = '\0';
	return s;
}

void
fuzz_fields(char *s, char **fields, int n)
{
	int	 i;
	char	*p;

	for (i = 0; i < n; i++) {
		fields[i] = s;
		if (s == NULL || i == n - 1)
			continue;
		if ((p = strchr(s, '\001')) != NULL) {
			*p = '\0';
			s = p + 1;
		} else
			s = NULL;
	}
	for (i = 0; i < n; i++)
		if (fields[i] == NULL)
			fields[i] = (char *)"";
}
