/* sha256.c: the FIPS 180-4 examples and NIST's long-message vector, fed
 * whole and in odd pieces. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "sha256.h"
#include "tlshive.h"

static void
hex_of(const unsigned char d[32], char hex[65])
{
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

/* the digest of data fed in pieces of step bytes (0: at once) */
static void
digest(const void *data, size_t n, size_t step, char hex[65])
{
	struct sha256 s;
	unsigned char d[32];
	const unsigned char *p = data;

	sha256_init(&s);
	if (step == 0)
		sha256_update(&s, p, n);
	else
		for (size_t i = 0; i < n; i += step)
			sha256_update(&s, p + i, n - i < step ? n - i : step);
	sha256_final(&s, d);
	hex_of(d, hex);
}

static void
test_sha256__fips_180_examples(void **state)
{
	static const struct {
		const char *in, *want;
	} v[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
		{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
	};
	char hex[65];
	size_t steps[] = { 0, 1, 3, 63, 64, 65 };

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		for (size_t k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
			digest(v[i].in, strlen(v[i].in), steps[k], hex);
			assert_string_equal(hex, v[i].want);
		}
}

/* a million 'a's: the padding crosses many blocks' worth of length */
static void
test_sha256__million_a(void **state)
{
	size_t n = 1000000;
	char *a = malloc(n), hex[65];

	(void)state;
	memset(a, 'a', n);
	digest(a, n, 0, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	digest(a, n, 4097, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(a);
}

/* 55, 56 and 64 bytes: the message ends where its length just fits, just
 * does not, and on a block */
static void
test_sha256__padding_edges(void **state)
{
	static const struct {
		size_t n;
		const char *want;
	} v[] = {
		{ 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
		{ 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
		{ 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
	};
	char a[64], hex[65];

	(void)state;
	memset(a, 'a', sizeof(a));
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		digest(a, v[i].n, 0, hex);
		assert_string_equal(hex, v[i].want);
	}
}

static void
test_sha256_file__whole_file(void **state)
{
	char *path = tmp_path("tlshive-sha256-XXXXXX"), hex[65];
	int fd = mkstemp(path);
	FILE *f;

	(void)state;
	assert_true(fd != -1);
	f = fdopen(fd, "w");
	fputs("abc", f);
	fclose(f);
	assert_int_equal(sha256_file(path, hex), 0);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	unlink(path);
	assert_int_equal(sha256_file(path, hex), -1);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256__fips_180_examples),
		cmocka_unit_test(test_sha256__million_a),
		cmocka_unit_test(test_sha256__padding_edges),
		cmocka_unit_test(test_sha256_file__whole_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
