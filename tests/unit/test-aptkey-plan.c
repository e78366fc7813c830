/* Unit tests of apt_key's OpenPGP handling without gpg (modules/packaging/aptkey-plan.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "packaging/aptkey.h"
#include "util.h"
#include "value.h"

/*
 * Two ed25519 keys with a cv25519 subkey each, made with gpg for these
 * tests; the ids are what `gpg --with-colons` printed for them.
 */
static const char key1_asc[] =
	"-----BEGIN PGP PUBLIC KEY BLOCK-----\n"
	"\n"
	"mDMEaxFngRYJKwYBBAHaRw8BAQdAnzWbK80uJpMiQjTwO+n/aldqN2wPmGJPMLoc\n"
	"cKv8Es60ImNhaXJuIHRlc3Qgb25lIDxvbmVAY2Fpcm4uaW52YWxpZD6IkAQTFggA\n"
	"OBYhBMUQGliZEP75vZtHz9FIsQm62Ej2BQJrEWeBAhsBBQsJCAcCBhUKCQgLAgQW\n"
	"AgMBAh4BAheAAAoJENFIsQm62Ej2gEIA/ArawLlexCS/G6sNWj9yq609woWOaNqJ\n"
	"Ict2NEflzeH8AQC34Zh0KLzFZguATD7o5HB2znE6G1oSHqV/x9q2iFvkBbg4BGsR\n"
	"Z4ESCisGAQQBl1UBBQEBB0DTgc5Jqtp1uG7Jsthv3wYWGBU/Ekp1bWFMGLgPjtKY\n"
	"aAMBCAeIeAQYFggAIBYhBMUQGliZEP75vZtHz9FIsQm62Ej2BQJrEWeBAhsMAAoJ\n"
	"ENFIsQm62Ej2E8QA/23qGR3WENRgGdxZaSKao0MqoU3OxhNwP2ENXnZHkOgaAPwI\n"
	"T2+yyJydK4/Dd8zBL6g5PkBgxYLX740q/pwanHcpBg==\n"
	"=G++D\n"
	"-----END PGP PUBLIC KEY BLOCK-----\n";
#define KEY1_FPR	"C5101A589910FEF9BD9B47CFD148B109BAD848F6"
#define KEY1_SUB	"9BB7C8ADB65C350D"
static const char key2_b64[] =
	"mDMEaxFngRYJKwYBBAHaRw8BAQdA1WsJxqf5CkapDdFOs/I0GIIXw1DORuAX+SSm"
	"2M/JkCu0ImNhaXJuIHRlc3QgdHdvIDx0d29AY2Fpcm4uaW52YWxpZD6IkAQTFggA"
	"OBYhBJ7pjoyG22sSvRmgIUtvseLwfPTMBQJrEWeBAhsBBQsJCAcCBhUKCQgLAgQW"
	"AgMBAh4BAheAAAoJEEtvseLwfPTMhMoBALdrLLpo5btUM5MBCYu2k9wjRZnDdY1s"
	"ZrUZFbQ7hNbNAQCq+NoYNBanW1OywvqklH5581l8EaxiCjZRw//P3/idB7g4BGsR"
	"Z4ESCisGAQQBl1UBBQEBB0Bce6yiDYUQQJQi28+58O1fzFrJnX+4D/YzEM2Q73FX"
	"KwMBCAeIeAQYFggAIBYhBJ7pjoyG22sSvRmgIUtvseLwfPTMBQJrEWeBAhsMAAoJ"
	"EEtvseLwfPTMQcYA/22hZFcd2JZqeIjhShYjQTrm1X2hFm/QBtO576sKIgZkAQCL"
	"Pnl2bzIDV34zoyTRQ/TBA5ilM5DSw/Vf53L7boEbBA==";
#define KEY2_FPR	"9EE98E8C86DB6B12BD19A0214B6FB1E2F07CF4CC"
#define KEY2_SUB	"A16AB8E5E422DA82"

static void
key2(struct buf *b)
{
	assert_int_equal(aptkey_b64_decode(key2_b64, strlen(key2_b64), b), 0);
}

static void
test_base64(void **state)
{
	struct buf	b = BUF_INIT, d = BUF_INIT;

	(void)state;
	aptkey_b64_encode(&b, "ab", 2);
	assert_string_equal(buf_cstr(&b), "YWI=");
	buf_reset(&b);
	aptkey_b64_encode(&b, "abcd", 4);
	assert_string_equal(buf_cstr(&b), "YWJjZA==");
	assert_int_equal(aptkey_b64_decode("YWJj\nZA==", 9, &d), 0);
	assert_int_equal(d.len, 4);
	assert_memory_equal(d.s, "abcd", 4);
	buf_reset(&d);
	assert_int_equal(aptkey_b64_decode("YW*j", 4, &d), -1);
	buf_release(&b);
	buf_release(&d);
}

static void
test_armored(void **state)
{
	struct aptkey_ring	 ring;
	struct buf		 bin = BUF_INIT, arm = BUF_INIT, bin2 = BUF_INIT;
	char			*cause = NULL;

	(void)state;
	assert_true(aptkey_is_armored(key1_asc, strlen(key1_asc)));
	assert_int_equal(aptkey_load(key1_asc, strlen(key1_asc), &bin, &ring,
	    &cause), 0);
	assert_int_equal(ring.n, 1);
	assert_string_equal(ring.keys[0].fpr, KEY1_FPR);
	assert_string_equal(ring.keys[0].keyid, "D148B109BAD848F6");
	assert_int_equal(ring.keys[0].nsub, 1);
	assert_string_equal(ring.keys[0].subids[0], KEY1_SUB);
	assert_int_equal(ring.keys[0].start, 0);
	assert_int_equal(ring.keys[0].end, bin.len);
	/* armored again, it reads back the same */
	aptkey_armor(&arm, bin.s, bin.len);
	assert_int_equal(aptkey_dearmor(arm.s, arm.len, &bin2, &cause), 0);
	assert_int_equal(bin2.len, bin.len);
	assert_memory_equal(bin2.s, bin.s, bin.len);
	aptkey_ring_free(&ring);
	buf_release(&bin);
	buf_release(&bin2);
	/* a damaged checksum is refused */
	arm.s[arm.len - 40] = arm.s[arm.len - 40] == 'A' ? 'B' : 'A';
	assert_int_equal(aptkey_load(arm.s, arm.len, &bin, &ring, &cause), -1);
	assert_non_null(cause);
	free(cause);
	buf_release(&arm);
	buf_release(&bin);
}

static void
test_keyring(void **state)
{
	struct aptkey_ring	 ring;
	struct buf		 bin = BUF_INIT, all = BUF_INIT;
	struct value		*l;
	char			*cause = NULL;

	(void)state;
	assert_int_equal(aptkey_dearmor(key1_asc, strlen(key1_asc), &all,
	    &cause), 0);
	key2(&bin);
	buf_add(&all, bin.s, bin.len);
	assert_int_equal(aptkey_parse(all.s, all.len, &ring, &cause), 0);
	assert_int_equal(ring.n, 2);
	assert_string_equal(ring.keys[1].fpr, KEY2_FPR);
	assert_int_equal(ring.keys[1].start, ring.keys[0].end);
	assert_int_equal(ring.keys[1].end, all.len);
	assert_int_equal(aptkey_find(&ring, "4B6FB1E2F07CF4CC"), 1);
	assert_int_equal(aptkey_find(&ring, "F07CF4CC"), 1);
	assert_int_equal(aptkey_find(&ring, KEY1_SUB), 0);
	assert_int_equal(aptkey_find(&ring, "0123456789ABCDEF"), -1);
	l = value_list();
	aptkey_ids(&ring, 0, l);
	assert_int_equal(value_len(l), 4);
	assert_string_equal(l->u.list.items[0]->u.str.s, "D148B109BAD848F6");
	assert_string_equal(l->u.list.items[3]->u.str.s, KEY2_SUB);
	value_unref(l);
	l = value_list();
	aptkey_ids(&ring, 1, l);
	assert_string_equal(l->u.list.items[0]->u.str.s, "BAD848F6");
	value_unref(l);
	aptkey_ring_free(&ring);
	/* not keys */
	assert_int_equal(aptkey_parse("hello", 5, &ring, &cause), -1);
	assert_string_equal(cause, "not an OpenPGP public key");
	free(cause);
	cause = NULL;
	assert_int_equal(aptkey_parse(all.s, all.len - 3, &ring, &cause), -1);
	free(cause);
	buf_release(&bin);
	buf_release(&all);
}

static void
test_parse_id(void **state)
{
	char	*s, *f, *k, *cause = NULL;

	(void)state;
	assert_int_equal(aptkey_parse_id("0x" KEY1_FPR, &s, &f, &k, &cause), 0);
	assert_string_equal(s, "BAD848F6");
	assert_string_equal(f, "D148B109BAD848F6");
	assert_string_equal(k, KEY1_FPR);
	free(s);
	free(f);
	free(k);
	assert_int_equal(aptkey_parse_id("bad848f6", &s, &f, &k, &cause), 0);
	assert_string_equal(s, "BAD848F6");
	assert_string_equal(f, "BAD848F6");
	free(s);
	free(f);
	free(k);
	assert_int_equal(aptkey_parse_id("BAD848F", &s, &f, &k, &cause), -1);
	assert_string_equal(cause, "Invalid key_id");
	free(cause);
	assert_int_equal(aptkey_parse_id("XYZ848F6", &s, &f, &k, &cause), -1);
	free(cause);
}

static int
collect(const char *path, const void *data, size_t len, void *arg)
{
	struct buf	*b = arg;

	buf_addf(b, "%s:%zu:%.*s;", path, len, (int)len, (const char *)data);
	return 0;
}

static void
test_each_file(void **state)
{
	struct buf	b = BUF_INIT;

	(void)state;
	assert_int_equal(aptkey_each_file("/a.gpg\nYWI=\n/b.asc\n\n", collect,
	    &b), 0);
	assert_string_equal(buf_cstr(&b), "/a.gpg:2:ab;/b.asc:0:;");
	assert_int_equal(aptkey_each_file("/a.gpg\n", collect, &b), -1);
	buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_armored),
		cmocka_unit_test(test_keyring),
		cmocka_unit_test(test_parse_id),
		cmocka_unit_test(test_each_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
