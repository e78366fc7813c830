/* The /etc/locale.gen decisions of locale_gen, as community.general's. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sysconf.h"

/* locale -a prints charsets in either case; these are compared upcased. */
static const char *const locale_gen_norm[][2] = {
	{ ".utf8", ".UTF-8" }, { ".eucjp", ".EUC-JP" },
	{ ".iso885915", ".ISO-8859-15" }, { ".cp1251", ".CP1251" },
	{ ".koi8r", ".KOI8-R" }, { ".armscii8", ".ARMSCII-8" },
	{ ".euckr", ".EUC-KR" }, { ".gbk", ".GBK" },
	{ ".gb18030", ".GB18030" }, { ".euctw", ".EUC-TW" },
};

int
locale_gen_available(const char *text, const char *name, int supported)
{
	const char	*line, *p, *w, *end;
	size_t		 len, nlen = strlen(name), wlen;
	const char	*us;

	while (sysconf_line(&text, &line, &len, 0)) {
		p = line;
		end = line + len;
		if (!supported && p < end && *p == '#')
			p++;
		if (!supported)
			while (p < end && isspace((unsigned char)*p))
				p++;
		/* \S+_\S+ followed by one space, \S+ and blanks */
		for (w = p; p < end && !isspace((unsigned char)*p); p++)
			;
		wlen = p - w;
		us = memchr(w + 1, '_', wlen > 2 ? wlen - 2 : 0);
		if (wlen < 3 || us == NULL || p >= end || *p != ' ')
			continue;
		p++;
		if (p >= end || isspace((unsigned char)*p))
			continue;
		while (p < end && !isspace((unsigned char)*p))
			p++;
		while (p < end && isspace((unsigned char)*p))
			p++;
		if (p == end && wlen == nlen && memcmp(w, name, nlen) == 0)
			return 1;
	}
	return 0;
}

/* name with every known lowercase charset suffix spelt as in the list. */
static char *
locale_gen_fix_case(const char *name, size_t len)
{
	struct buf	 b = BUF_INIT;
	size_t		 i, k, n = sizeof locale_gen_norm / sizeof *locale_gen_norm;
	char		*s;

	buf_add(&b, name, len);
	buf_cstr(&b);
	s = buf_detach(&b, NULL);
	for (k = 0; k < n; k++) {
		const char	*from = locale_gen_norm[k][0];
		const char	*to = locale_gen_norm[k][1];
		size_t		 flen = strlen(from);
		const char	*q;

		buf_reset(&b);
		for (i = 0; s[i] != '\0';) {
			if ((q = strstr(s + i, from)) == NULL) {
				buf_adds(&b, s + i);
				break;
			}
			buf_add(&b, s + i, q - (s + i));
			buf_adds(&b, to);
			i = (q - s) + flen;
		}
		free(s);
		buf_cstr(&b);
		s = buf_detach(&b, NULL);
	}
	return s;
}

int
locale_gen_present(const char *locale_a, const char *name)
{
	const char	*line;
	size_t		 len;
	char		*want, *got;
	int		 found = 0;

	want = locale_gen_fix_case(name, strlen(name));
	while (!found && sysconf_line(&locale_a, &line, &len, 0)) {
		got = locale_gen_fix_case(line, len);
		found = strcmp(want, got) == 0;
		free(got);
	}
	free(want);
	return found;
}

char *
locale_gen_edit(const char *text, const char *name, int enable)
{
	struct buf	 b = BUF_INIT;
	const char	*line, *p;
	size_t		 len, i, nlen = strlen(name);

	while (sysconf_line(&text, &line, &len, 0)) {
		/* re.sub of '#?\s*NAME (.+)': the first match takes the line */
		for (i = 0; i < len; i++) {
			p = line + i;
			if (*p == '#')
				p++;
			while (p < line + len && isspace((unsigned char)*p))
				p++;
			if ((size_t)(line + len - p) > nlen + 1 &&
			    memcmp(p, name, nlen) == 0 && p[nlen] == ' ')
				break;
		}
		if (i == len) {
			buf_add(&b, line, len);
		} else {
			buf_add(&b, line, i);
			buf_addf(&b, "%s%s ", enable ? "" : "# ", name);
			buf_add(&b, p + nlen + 1, line + len - (p + nlen + 1));
		}
		if (line[len] == '\n')
			buf_addc(&b, '\n');
	}
	buf_cstr(&b);
	return buf_detach(&b, NULL);
}

char *
locale_gen_drop(const char *text, const char *name)
{
	struct buf	 b = BUF_INIT;
	const char	*line, *sp;
	size_t		 len, nlen = strlen(name);

	while (sysconf_line(&text, &line, &len, 0)) {
		sp = memchr(line, ' ', len);
		if (sp != NULL && (size_t)(sp - line) == nlen &&
		    memcmp(line, name, nlen) == 0)
			continue;
		buf_add(&b, line, len);
		if (line[len] == '\n')
			buf_addc(&b, '\n');
	}
	buf_cstr(&b);
	return buf_detach(&b, NULL);
}
