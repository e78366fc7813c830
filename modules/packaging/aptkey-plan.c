/* OpenPGP keyrings for apt_key: armor, packets, ids, fingerprints. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "aptkey.h"
#include "value.h"

#define ARMOR_BEGIN	"-----BEGIN PGP PUBLIC KEY BLOCK-----"
#define ARMOR_END	"-----END PGP PUBLIC KEY BLOCK-----"

static const char aptkey_b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void
aptkey_b64_encode(struct buf *b, const void *data, size_t len)
{
	const unsigned char	*p = data;
	unsigned long		 v;
	size_t			 i;

	for (i = 0; i + 2 < len; i += 3) {
		v = (unsigned long)p[i] << 16 | p[i + 1] << 8 | p[i + 2];
		buf_addc(b, aptkey_b64[v >> 18 & 63]);
		buf_addc(b, aptkey_b64[v >> 12 & 63]);
		buf_addc(b, aptkey_b64[v >> 6 & 63]);
		buf_addc(b, aptkey_b64[v & 63]);
	}
	if (len - i == 1) {
		v = (unsigned long)p[i] << 16;
		buf_addc(b, aptkey_b64[v >> 18 & 63]);
		buf_addc(b, aptkey_b64[v >> 12 & 63]);
		buf_adds(b, "==");
	} else if (len - i == 2) {
		v = (unsigned long)p[i] << 16 | p[i + 1] << 8;
		buf_addc(b, aptkey_b64[v >> 18 & 63]);
		buf_addc(b, aptkey_b64[v >> 12 & 63]);
		buf_addc(b, aptkey_b64[v >> 6 & 63]);
		buf_addc(b, '=');
	}
}

int
aptkey_b64_decode(const char *s, size_t len, struct buf *out)
{
	unsigned long	 v = 0;
	const char	*c;
	size_t		 i;
	int		 n = 0, pad = 0;

	for (i = 0; i < len; i++) {
		if (isspace((unsigned char)s[i]))
			continue;
		if (s[i] == '=') {
			pad++;
			continue;
		}
		if (pad != 0 || (c = strchr(aptkey_b64, s[i])) == NULL ||
		    s[i] == '\0')
			return -1;
		v = v << 6 | (unsigned long)(c - aptkey_b64);
		if (++n == 4) {
			buf_addc(out, (char)(v >> 16));
			buf_addc(out, (char)(v >> 8));
			buf_addc(out, (char)v);
			n = 0;
			v = 0;
		}
	}
	if (n == 1)
		return -1;
	if (n == 2)
		buf_addc(out, (char)(v >> 4));
	else if (n == 3) {
		buf_addc(out, (char)(v >> 10));
		buf_addc(out, (char)(v >> 2));
	}
	return 0;
}

/* RFC 4880's CRC-24 of the armor checksum. */
static unsigned long
aptkey_crc24(const unsigned char *p, size_t len)
{
	unsigned long	crc = 0xB704CEUL;
	size_t		i;
	int		j;

	for (i = 0; i < len; i++) {
		crc ^= (unsigned long)p[i] << 16;
		for (j = 0; j < 8; j++) {
			crc <<= 1;
			if (crc & 0x1000000UL)
				crc ^= 0x1864CFBUL;
		}
	}
	return crc & 0xFFFFFFUL;
}

int
aptkey_is_armored(const void *data, size_t len)
{
	return memmem(data, len, ARMOR_BEGIN, sizeof ARMOR_BEGIN - 1) != NULL;
}

int
aptkey_dearmor(const char *text, size_t len, struct buf *out, char **cause)
{
	const char		*p, *end, *line, *nl, *body = NULL, *sum = NULL;
	struct buf		 crc = BUF_INIT;
	const unsigned char	*c;
	unsigned long		 want;
	size_t			 start = out->len;

	if ((p = memmem(text, len, ARMOR_BEGIN, sizeof ARMOR_BEGIN - 1)) ==
	    NULL)
		goto bad;
	end = text + len;
	/* Headers ("Version: ...") end at the first empty line. */
	for (line = p; line < end; line = nl + 1) {
		if ((nl = memchr(line, '\n', end - line)) == NULL)
			goto bad;
		if (line != p && (nl == line || (nl == line + 1 &&
		    *line == '\r') || strspn(line, " \t\r") == (size_t)(nl - line))) {
			body = nl + 1;
			break;
		}
	}
	if (body == NULL)
		goto bad;
	for (line = body; line < end; line = nl + 1) {
		if ((nl = memchr(line, '\n', end - line)) == NULL)
			nl = end;
		if (*line == '=' || strncmp(line, "-----", 5) == 0)
			break;
	}
	if (line >= end)
		goto bad;
	if (*line == '=')
		sum = line + 1;
	if (aptkey_b64_decode(body, line - body, out) != 0)
		goto bad;
	if (sum != NULL) {
		nl = memchr(sum, '\n', end - sum);
		if (aptkey_b64_decode(sum, (nl != NULL ? nl : end) - sum,
		    &crc) != 0 || crc.len != 3)
			goto bad;
		c = (const unsigned char *)crc.s;
		want = (unsigned long)c[0] << 16 | c[1] << 8 | c[2];
		if (want != aptkey_crc24((const unsigned char *)out->s + start,
		    out->len - start)) {
			buf_release(&crc);
			*cause = xstrdup("the key's armor checksum does not "
			    "match: the key is damaged");
			return -1;
		}
	}
	buf_release(&crc);
	return 0;
bad:
	buf_release(&crc);
	*cause = xstrdup("not an armored OpenPGP public key block");
	return -1;
}

void
aptkey_armor(struct buf *b, const void *data, size_t len)
{
	struct buf	 t = BUF_INIT;
	unsigned long	 crc = aptkey_crc24(data, len);
	unsigned char	 c[3];
	size_t		 i;

	buf_adds(b, ARMOR_BEGIN "\n\n");
	aptkey_b64_encode(&t, data, len);
	for (i = 0; i < t.len; i += 64)
		buf_addf(b, "%.*s\n", (int)(t.len - i < 64 ? t.len - i : 64),
		    t.s + i);
	c[0] = crc >> 16;
	c[1] = crc >> 8;
	c[2] = crc;
	buf_addc(b, '=');
	aptkey_b64_encode(b, c, 3);
	buf_adds(b, "\n" ARMOR_END "\n");
	buf_release(&t);
}

static void
aptkey_hex_upper(char *s)
{
	for (; *s != '\0'; s++)
		*s = toupper((unsigned char)*s);
}

/* The fingerprint and long id of a key packet's body. */
static int
aptkey_fingerprint(const unsigned char *body, size_t len, char fpr[65],
    char keyid[17], char **cause)
{
	struct buf	h = BUF_INIT;

	if (len < 1) {
		*cause = xstrdup("an empty key packet");
		return -1;
	}
	if (body[0] == 4) {
		buf_addc(&h, (char)0x99);
		buf_addc(&h, (char)(len >> 8));
		buf_addc(&h, (char)len);
		buf_add(&h, body, len);
		sha1_hex(h.s, h.len, fpr);
		aptkey_hex_upper(fpr);
		memcpy(keyid, fpr + 24, 16);
	} else if (body[0] == 5 || body[0] == 6) {
		buf_addc(&h, (char)(body[0] == 5 ? 0x9a : 0x9b));
		buf_addc(&h, (char)(len >> 24));
		buf_addc(&h, (char)(len >> 16));
		buf_addc(&h, (char)(len >> 8));
		buf_addc(&h, (char)len);
		buf_add(&h, body, len);
		sha256_hex(h.s, h.len, fpr);
		aptkey_hex_upper(fpr);
		memcpy(keyid, fpr, 16);
	} else {
		buf_release(&h);
		*cause = xasprintf("a version %d key: only version 4, 5 and 6 "
		    "keys can be read without gpg", body[0]);
		return -1;
	}
	keyid[16] = '\0';
	buf_release(&h);
	return 0;
}

int
aptkey_parse(const void *data, size_t len, struct aptkey_ring *ring,
    char **cause)
{
	const unsigned char	*p = data;
	struct aptkey_key	*k = NULL;
	size_t			 pos = 0, start, plen, hl;
	int			 tag;
	char			 fpr[65], id[17];

	memset(ring, 0, sizeof *ring);
	while (pos < len) {
		start = pos;
		if (!(p[pos] & 0x80))
			goto bad;
		if (p[pos] & 0x40) {		/* new format */
			tag = p[pos] & 0x3f;
			if (pos + 1 >= len)
				goto bad;
			if (p[pos + 1] < 192) {
				plen = p[pos + 1];
				hl = 2;
			} else if (p[pos + 1] < 224) {
				if (pos + 2 >= len)
					goto bad;
				plen = ((size_t)(p[pos + 1] - 192) << 8) +
				    p[pos + 2] + 192;
				hl = 3;
			} else if (p[pos + 1] == 255) {
				if (pos + 5 >= len)
					goto bad;
				plen = (size_t)p[pos + 2] << 24 |
				    (size_t)p[pos + 3] << 16 |
				    (size_t)p[pos + 4] << 8 | p[pos + 5];
				hl = 6;
			} else
				goto bad;	/* partial lengths: not in keys */
		} else {			/* old format */
			tag = (p[pos] >> 2) & 0xf;
			switch (p[pos] & 3) {
			case 0:
				hl = 2;
				if (pos + 1 >= len)
					goto bad;
				plen = p[pos + 1];
				break;
			case 1:
				hl = 3;
				if (pos + 2 >= len)
					goto bad;
				plen = (size_t)p[pos + 1] << 8 | p[pos + 2];
				break;
			case 2:
				hl = 5;
				if (pos + 4 >= len)
					goto bad;
				plen = (size_t)p[pos + 1] << 24 |
				    (size_t)p[pos + 2] << 16 |
				    (size_t)p[pos + 3] << 8 | p[pos + 4];
				break;
			default:
				hl = 1;
				plen = len - pos - 1;
				break;
			}
		}
		if (plen > len - pos - hl)
			goto bad;
		pos += hl;
		if (tag == 6) {
			if (aptkey_fingerprint(p + pos, plen, fpr, id,
			    cause) != 0)
				goto fail;
			ring->keys = xreallocarray(ring->keys, ring->n + 1,
			    sizeof *ring->keys);
			k = &ring->keys[ring->n++];
			memset(k, 0, sizeof *k);
			memcpy(k->fpr, fpr, sizeof k->fpr);
			memcpy(k->keyid, id, sizeof k->keyid);
			k->start = start;
		} else if (k == NULL)
			goto bad;	/* packets before any key */
		else if (tag == 14) {
			if (aptkey_fingerprint(p + pos, plen, fpr, id,
			    cause) != 0)
				goto fail;
			k->subids = xreallocarray(k->subids, k->nsub + 1,
			    sizeof *k->subids);
			memcpy(k->subids[k->nsub++], id, 17);
		}
		pos += plen;
		k->end = pos;
	}
	if (ring->n == 0)
		goto bad;
	return 0;
bad:
	*cause = xstrdup("not an OpenPGP public key");
fail:
	aptkey_ring_free(ring);
	return -1;
}

void
aptkey_ring_free(struct aptkey_ring *ring)
{
	size_t	i;

	if (ring == NULL)
		return;
	for (i = 0; i < ring->n; i++)
		free(ring->keys[i].subids);
	free(ring->keys);
	memset(ring, 0, sizeof *ring);
}

int
aptkey_parse_id(const char *id, char **short_id, char **fp, char **key_id,
    char **cause)
{
	char	*k;
	size_t	 len, i;

	if (id == NULL)
		goto bad;
	if (id[0] == '0' && (id[1] == 'x' || id[1] == 'X'))
		id += 2;
	k = xstrdup(id);
	aptkey_hex_upper(k);
	len = strlen(k);
	for (i = 0; i < len; i++) {
		if (!isxdigit((unsigned char)k[i])) {
			free(k);
			goto bad;
		}
	}
	if (len != 8 && len != 16 && len <= 16) {
		free(k);
		goto bad;
	}
	*short_id = xstrdup(k + len - 8);
	*fp = xstrdup(len > 16 ? k + len - 16 : k);
	*key_id = k;
	return 0;
bad:
	*cause = xstrdup("Invalid key_id");
	return -1;
}

void
aptkey_ids(const struct aptkey_ring *ring, int short_ids, struct value *l)
{
	size_t	i, j;
	int	off = short_ids ? 8 : 0;

	for (i = 0; i < ring->n; i++) {
		value_list_append(l, value_str(ring->keys[i].keyid + off));
		for (j = 0; j < ring->keys[i].nsub; j++)
			value_list_append(l,
			    value_str(ring->keys[i].subids[j] + off));
	}
}

int
aptkey_find(const struct aptkey_ring *ring, const char *id)
{
	size_t	i, j;

	for (i = 0; i < ring->n; i++) {
		if (str_endswith(ring->keys[i].fpr, id))
			return (int)i;
		for (j = 0; j < ring->keys[i].nsub; j++) {
			if (str_endswith(ring->keys[i].subids[j], id))
				return (int)i;
		}
	}
	return -1;
}

int
aptkey_load(const void *data, size_t len, struct buf *bin,
    struct aptkey_ring *ring, char **cause)
{
	buf_reset(bin);
	if (aptkey_is_armored(data, len)) {
		if (aptkey_dearmor(data, len, bin, cause) != 0)
			return -1;
	} else
		buf_add(bin, data, len);
	return aptkey_parse(bin->s, bin->len, ring, cause);
}

int
aptkey_each_file(const char *text, int (*fn)(const char *, const void *,
    size_t, void *), void *arg)
{
	struct buf	 data = BUF_INIT;
	const char	*line = text, *nl, *nl2;
	char		*path;
	int		 r = 0;

	while (r == 0 && *line != '\0') {
		if ((nl = strchr(line, '\n')) == NULL ||
		    (nl2 = strchr(nl + 1, '\n')) == NULL) {
			r = -1;
			break;
		}
		path = xstrndup(line, nl - line);
		buf_reset(&data);
		if (aptkey_b64_decode(nl + 1, nl2 - nl - 1, &data) != 0)
			r = -1;
		else
			r = fn(path, data.s != NULL ? data.s : "", data.len,
			    arg);
		free(path);
		line = nl2 + 1;
	}
	buf_release(&data);
	return r;
}
