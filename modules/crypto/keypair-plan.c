/* openssh_keypair's decisions, as community.crypto's keypair backend. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "keypair.h"

int
keypair_size(const char *type, int have, long long size, long long *out,
    char **cause)
{
	if (strcmp(type, "rsa") == 0 || strcmp(type, "rsa1") == 0) {
		*out = have ? size : 4096;
		if (*out < 1024) {
			*cause = xstrdup("For RSA keys, the minimum size is "
			    "1024 bits and the default is 4096 bits. "
			    "Attempting to use bit lengths under 1024 will "
			    "cause the module to fail.");
			return -1;
		}
	} else if (strcmp(type, "dsa") == 0) {
		*out = have ? size : 1024;
		if (*out != 1024) {
			*cause = xstrdup("DSA keys must be exactly 1024 bits as "
			    "specified by FIPS 186-2.");
			return -1;
		}
	} else if (strcmp(type, "ecdsa") == 0) {
		*out = have ? size : 256;
		if (*out != 256 && *out != 384 && *out != 521) {
			*cause = xstrdup("For ECDSA keys, size determines the "
			    "key length by selecting from one of three "
			    "elliptic curve sizes: 256, 384 or 521 bits. "
			    "Attempting to use bit lengths other than these "
			    "three values for ECDSA keys will cause this "
			    "module to fail.");
			return -1;
		}
	} else if (strcmp(type, "ed25519") == 0)
		*out = 256;
	else {
		*cause = xasprintf("%s is not a valid value for key type",
		    type);
		return -1;
	}
	return 0;
}

int
keypair_parse_info(const char *out, struct keypair_info *info)
{
	const char	*p = out, *w, *last = NULL, *fp = NULL;
	size_t		 n = 0, llen = 0, i;
	char		*end;

	memset(info, 0, sizeof *info);
	while (isspace((unsigned char)*p))
		p++;
	info->size = strtoll(p, &end, 10);
	if (end == p || !isspace((unsigned char)*end))
		return -1;
	for (p = out;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		for (w = p; *p != '\0' && !isspace((unsigned char)*p); p++)
			;
		if (n++ == 1)
			fp = w;
		last = w;
		llen = p - w;
	}
	if (n < 3 || llen < 3 || llen - 2 >= sizeof info->type ||
	    last[0] != '(' || last[llen - 1] != ')')
		return -1;
	for (i = 0; i < llen - 2; i++)
		info->type[i] = tolower((unsigned char)last[i + 1]);
	info->type[i] = '\0';
	for (w = fp; *w != '\0' && !isspace((unsigned char)*w); w++)
		;
	info->fingerprint = xstrndup(fp, w - fp);
	return 0;
}

void
keypair_info_release(struct keypair_info *info)
{
	if (info == NULL)
		return;
	free(info->fingerprint);
	memset(info, 0, sizeof *info);
}

int
keypair_parse_pub(const char *text, int file, struct keypair_pub *pub)
{
	const char	*s = text, *e = text + strlen(text), *sp1, *sp2;

	memset(pub, 0, sizeof *pub);
	while (s < e && (*s == '\n' || (file && *s == ' ')))
		s++;
	while (e > s && (e[-1] == '\n' || (file && e[-1] == ' ')))
		e--;
	if ((sp1 = memchr(s, ' ', e - s)) == NULL)
		return -1;
	sp2 = memchr(sp1 + 1, ' ', e - sp1 - 1);
	pub->type = xstrndup(s, sp1 - s);
	if (sp2 == NULL) {
		pub->data = xstrndup(sp1 + 1, e - sp1 - 1);
		pub->comment = xstrdup("");
	} else {
		pub->data = xstrndup(sp1 + 1, sp2 - sp1 - 1);
		pub->comment = xstrndup(sp2 + 1, e - sp2 - 1);
	}
	return 0;
}

void
keypair_pub_release(struct keypair_pub *pub)
{
	if (pub == NULL)
		return;
	free(pub->type);
	free(pub->data);
	free(pub->comment);
	memset(pub, 0, sizeof *pub);
}

int
keypair_pub_matches(const struct keypair_pub *file,
    const struct keypair_pub *derived, const char *comment)
{
	return strcmp(file->type, derived->type) == 0 &&
	    strcmp(file->data, derived->data) == 0 &&
	    (comment == NULL || strcmp(file->comment, comment) == 0);
}

int
keypair_should_generate(const char *regenerate, int have, int valid,
    char **cause)
{
	if (!have)
		return 1;
	if (strcmp(regenerate, "never") == 0)
		return 0;
	if (strcmp(regenerate, "fail") == 0) {
		if (valid)
			return 0;
		*cause = xstrdup("Key has wrong type and/or size. Will not "
		    "proceed. To force regeneration, call the module with "
		    "`generate` set to `partial_idempotence`, "
		    "`full_idempotence` or `always`, or with `force=true`.");
		return -1;
	}
	if (strcmp(regenerate, "partial_idempotence") == 0 ||
	    strcmp(regenerate, "full_idempotence") == 0)
		return !valid;
	return 1;
}

/* The directory of path, as os.path.dirname gives it ("." for none). */
char *
keypair_dirname(const char *path)
{
	const char	*slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, slash - path);
}

const char *
keypair_format_flag(const char *format)
{
	if (strcmp(format, "pkcs1") == 0)
		return " -m PEM";
	if (strcmp(format, "pkcs8") == 0)
		return " -m PKCS8";
	return "";
}

/* The first line a key of the format starts with, NULL for auto. */
const char *
keypair_format_header(const char *format, const char *type)
{
	if (strcmp(format, "ssh") == 0)
		return "-----BEGIN OPENSSH PRIVATE KEY-----";
	if (strcmp(format, "pkcs8") == 0)
		return "-----BEGIN PRIVATE KEY-----";
	if (strcmp(format, "pkcs1") == 0)
		return strcmp(type, "rsa") == 0 ?
		    "-----BEGIN RSA PRIVATE KEY-----" :
		    strcmp(type, "dsa") == 0 ?
		    "-----BEGIN DSA PRIVATE KEY-----" :
		    "-----BEGIN EC PRIVATE KEY-----";
	return NULL;
}
