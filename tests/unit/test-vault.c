/*
 * Unit tests of engine/vault.c: envelopes written by ansible-vault 2.14
 * open in cairn, cairn's open in cairn (and, in the compatibility suite,
 * in ansible-vault), wrong secrets and damaged envelopes are refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vault.h"

/* ansible-vault encrypt --vault-password-file pw (pw holds "secret"). */
static const char v11[] =
	"$ANSIBLE_VAULT;1.1;AES256\n"
	"64346239366534613330633932613636343365313865373439353637613133623037376531366137\n"
	"3566626466346266663938373339353761383538373862610a643733366236336566323063616439\n"
	"66336465656535626437313461636466636634386565313232333461373938633162323635336362\n"
	"3035326132396165610a663866636330366236363166363135636439646635653636393961396333\n"
	"33643438366538343630393436646136626231343631393937636262663366373335\n";
/* ansible-vault encrypt --vault-id prod@pw */
static const char v12[] =
	"$ANSIBLE_VAULT;1.2;AES256;prod\n"
	"36353362306232643732383263653232303466323065646362656663313631613634326465633263\n"
	"3963626232353737326564646330383664613038613863380a646332333663643964666233623332\n"
	"39303061366437363133303337343466306339663732656331326235393232643038323734306164\n"
	"3738656131343335650a353636333931376465343530323962306662316537386336316662623433\n"
	"31613366323038623064633131653533393766323439663265666433333466313464\n";
/* An empty file, encrypted. */
static const char vempty[] =
	"$ANSIBLE_VAULT;1.1;AES256\n"
	"66306262363830626332363837373834643863323634376461643766346463353838303239343635\n"
	"6231363461643264666336393832346535366131346165300a333537386462626166313735303265\n"
	"38303963376136336665393565623266663366383736303538386232643138646162393634633734\n"
	"3031323361366466300a366265663864643134323563663733303161333966656337373630343531\n"
	"3466\n";

static const char plain[] = "hello vault\nline 2\n";

static void
test_decrypt_ansible_envelopes(void **state)
{
	struct vault_secrets	 s = VAULT_SECRETS_INIT;
	struct buf		 out = BUF_INIT;
	char			*cause = NULL, *id = NULL;

	(void)state;
	vault_secrets_add(&s, NULL, "secret", 6);
	assert_true(vault_is_encrypted(v11, strlen(v11)));
	assert_int_equal(vault_decrypt(&s, v11, strlen(v11), "v11", &out, &id,
	    &cause), 0);
	assert_string_equal(buf_cstr(&out), plain);
	assert_string_equal(id, "default");
	free(id);
	buf_reset(&out);
	/* A 1.2 envelope opens with a secret of another id too, as Ansible. */
	assert_int_equal(vault_decrypt(&s, v12, strlen(v12), NULL, &out, NULL,
	    &cause), 0);
	assert_string_equal(buf_cstr(&out), plain);
	buf_reset(&out);
	assert_int_equal(vault_decrypt(&s, vempty, strlen(vempty), NULL, &out,
	    NULL, &cause), 0);
	assert_int_equal(out.len, 0);
	buf_release(&out);
	vault_secrets_release(&s);
}

static void
test_named_secret_first(void **state)
{
	struct vault_secrets	 s = VAULT_SECRETS_INIT;
	struct buf		 out = BUF_INIT;
	char			*cause = NULL, *id = NULL;

	(void)state;
	vault_secrets_add(&s, "dev", "wrong", 5);
	vault_secrets_add(&s, "prod", "secret", 6);
	assert_int_equal(vault_decrypt(&s, v12, strlen(v12), NULL, &out, &id,
	    &cause), 0);
	assert_string_equal(id, "prod");
	assert_string_equal(buf_cstr(&out), plain);
	free(id);
	buf_release(&out);
	vault_secrets_release(&s);
}

static void
test_roundtrip(void **state)
{
	struct vault_secrets	 s = VAULT_SECRETS_INIT;
	struct buf		 env = BUF_INIT, out = BUF_INIT, big = BUF_INIT;
	unsigned char		 salt[32];
	char			*cause = NULL, *id = NULL;
	size_t			 n;

	(void)state;
	memset(salt, 7, sizeof salt);
	vault_secrets_add(&s, "ci", "pa;ss@word", 10);
	/* Every length around the block size, binary bytes included. */
	for (n = 0; n < 40; n++)
		buf_addc(&big, (char)(n * 37));
	for (n = 0; n <= 40; n++) {
		buf_reset(&env);
		buf_reset(&out);
		assert_int_equal(vault_encrypt("pa;ss@word", 10, "ci", big.s,
		    n, n % 2 ? salt : NULL, &env, &cause), 0);
		assert_true(strncmp(buf_cstr(&env),
		    "$ANSIBLE_VAULT;1.2;AES256;ci\n", 29) == 0);
		assert_int_equal(vault_decrypt(&s, env.s, env.len, NULL, &out,
		    &id, &cause), 0);
		assert_int_equal(out.len, n);
		assert_memory_equal(out.s, big.s, n);
		assert_string_equal(id, "ci");
		free(id);
	}
	/* Without an id (or "default"): the 1.1 header. */
	buf_reset(&env);
	assert_int_equal(vault_encrypt("x", 1, "default", "a", 1, salt, &env,
	    &cause), 0);
	assert_true(strncmp(buf_cstr(&env), "$ANSIBLE_VAULT;1.1;AES256\n",
	    26) == 0);
	/* 80-column lines and a final newline, as ansible-vault writes. */
	for (const char *p = strchr(env.s, '\n') + 1, *nl; *p != '\0';
	    p = nl + 1) {
		nl = strchr(p, '\n');
		assert_non_null(nl);
		assert_true(nl - p <= 80);
	}
	buf_release(&env);
	buf_release(&out);
	buf_release(&big);
	vault_secrets_release(&s);
}

static void
test_refusals(void **state)
{
	struct vault_secrets	 s = VAULT_SECRETS_INIT, none = VAULT_SECRETS_INIT;
	struct buf		 out = BUF_INIT;
	char			*cause = NULL, *bad;

	(void)state;
	assert_int_equal(vault_decrypt(&none, v11, strlen(v11), "group_vars/all.yml",
	    &out, NULL, &cause), -1);
	assert_non_null(strstr(cause, "no vault secrets found"));
	assert_non_null(strstr(cause, "group_vars/all.yml"));
	free(cause);
	vault_secrets_add(&s, NULL, "not it", 6);
	assert_int_equal(vault_decrypt(&s, v11, strlen(v11), NULL, &out, NULL,
	    &cause), -1);
	assert_non_null(strstr(cause, "Decryption failed"));
	free(cause);
	vault_secrets_release(&s);
	vault_secrets_add(&s, NULL, "secret", 6);
	/* A flipped digit in the data fails the HMAC: never a wrong text. */
	bad = strdup(v11);
	bad[strlen(bad) - 3] = bad[strlen(bad) - 3] == '3' ? '4' : '3';
	assert_int_equal(vault_decrypt(&s, bad, strlen(bad), NULL, &out, NULL,
	    &cause), -1);
	free(cause);
	/* Cut short, not hex, a version from the future. */
	bad[200] = '\0';
	assert_int_equal(vault_decrypt(&s, bad, strlen(bad), NULL, &out, NULL,
	    &cause), -1);
	free(cause);
	free(bad);
	assert_int_equal(vault_decrypt(&s, "$ANSIBLE_VAULT;1.1;AES256\nzz\n",
	    29, NULL, &out, NULL, &cause), -1);
	assert_non_null(strstr(cause, "malformed"));
	free(cause);
	assert_int_equal(vault_decrypt(&s, "$ANSIBLE_VAULT;9.9;AES256\n00\n",
	    29, NULL, &out, NULL, &cause), -1);
	assert_non_null(strstr(cause, "version"));
	free(cause);
	assert_int_equal(out.len, 0);
	assert_false(vault_is_encrypted("---\nx: 1\n", 9));
	buf_release(&out);
	vault_secrets_release(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decrypt_ansible_envelopes),
		cmocka_unit_test(test_named_secret_first),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
