/* regval.c: the bytes Windows stores for each value type. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"
#include "regval.h"
#include "tlshive.h"

static void
test_regval_dword__little_endian(void **state)
{
	struct regval v;
	uint32_t d;
	static const unsigned char want[] = { 0x00, 0x0a, 0x00, 0x00 };

	regval_dword(&v, 0xa00);
	assert_int_equal(v.type, REGT_DWORD);
	assert_int_equal(v.len, 4);
	assert_memory_equal(v.data, want, 4);
	assert_true(regval_get_dword(&v, &d));
	assert_int_equal(d, 0xa00);
	regval_free(&v);
}

static void
test_regval_sz__utf16le_with_nul(void **state)
{
	struct regval v;
	static const unsigned char want[] = { 'A', 0, ',', 0, 0xe4, 0, 0, 0 };
	char *s;

	assert_int_equal(regval_sz(&v, "A,\xc3\xa4"), 0);
	assert_int_equal(v.type, REGT_SZ);
	assert_int_equal(v.len, sizeof(want));
	assert_memory_equal(v.data, want, sizeof(want));
	s = regval_get_sz(&v);
	assert_string_equal(s, "A,\xc3\xa4");
	free(s);
	regval_free(&v);
}

static void
test_regval_multi_sz__double_nul_terminated(void **state)
{
	struct regval v;
	char *in[] = { "ab", "c" };
	static const unsigned char want[] = { 'a', 0, 'b', 0, 0, 0, 'c', 0, 0,
	    0, 0, 0 };
	char **out;
	size_t n;

	assert_int_equal(regval_multi_sz(&v, in, 2), 0);
	assert_int_equal(v.len, sizeof(want));
	assert_memory_equal(v.data, want, sizeof(want));
	out = regval_get_multi_sz(&v, &n);
	assert_int_equal(n, 2);
	assert_string_equal(out[0], "ab");
	assert_string_equal(out[1], "c");
	strv_free(out, n);
	regval_free(&v);
}

static void
test_regval_equal__type_matters(void **state)
{
	struct regval a, b, c;

	regval_dword(&a, 1);
	regval_dword(&b, 1);
	assert_true(regval_equal(&a, &b));
	regval_copy(&c, &a);
	c.type = REGT_BINARY;
	assert_false(regval_equal(&a, &c));
	assert_false(regval_get_dword(&c, &(uint32_t){ 0 }));
	regval_free(&a);
	regval_free(&b);
	regval_free(&c);
}

static void
test_regval_format__readable(void **state)
{
	struct regval v;
	char *s;
	char *in[] = { "NistP256", "NistP384" };

	regval_dword(&v, 0xffffffff);
	s = regval_format(&v);
	assert_string_equal(s, "0xffffffff (4294967295)");
	free(s);
	regval_free(&v);
	regval_multi_sz(&v, in, 2);
	s = regval_format(&v);
	assert_string_equal(s, "[\"NistP256\", \"NistP384\"]");
	free(s);
	regval_free(&v);
	regval_sz(&v, "x");
	v.type = REGT_BINARY;
	s = regval_format(&v);
	assert_string_equal(s, "REG_BINARY hex:78,00,00,00");
	free(s);
	regval_free(&v);
}

/* A conversion that failed leaves nothing behind for the next one. */
static void
test_regval_recode__again_after_a_failure(void **state)
{
	static const char u16[] = { 'x', 0, (char)0xe9, 0 };
	size_t n;
	char *s;

	(void)state;
	for (int i = 0; i < 3; i++) {
		assert_null(regval_recode("UTF-16LE", "UTF-8", "a\xff", 2, &n));
		s = regval_recode("UTF-16LE", "UTF-8", "x\xc3\xa9", 3, &n);
		assert_non_null(s);
		assert_int_equal(n, 4);
		assert_memory_equal(s, u16, 4);
		free(s);
		s = regval_recode("UTF-8", "UTF-16LE", u16, 4, &n);
		assert_non_null(s);
		assert_string_equal(s, "x\xc3\xa9");
		free(s);
	}
}

/*
 * A contained worker under --memory-limit 1 may map nothing more: glibc's
 * conversion modules, loaded at the first iconv_open, must already be
 * there (regval_init, before the limit), or every UTF-16 name and string
 * fails to convert.
 */
static void
test_regval_recode__under_a_memory_limit_after_init(void **state)
{
	pid_t pid;
	int st;

	(void)state;
	if ((pid = fork()) == 0) {
		struct rlimit rl = { 1 << 20, 1 << 20 };
		static const char u16[] = { 'T', 0, 'L', 0, 'S', 0 };
		size_t n;
		char *s;

		regval_init();
		if (setrlimit(RLIMIT_AS, &rl) == -1)
			_exit(3);
		s = regval_recode("UTF-8", "UTF-16LE", u16, 6, &n);
		_exit(s != NULL && strcmp(s, "TLS") == 0 ? 0 : 1);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		/* first: no conversion may have loaded glibc's modules yet */
		cmocka_unit_test(test_regval_recode__under_a_memory_limit_after_init),
		cmocka_unit_test(test_regval_dword__little_endian),
		cmocka_unit_test(test_regval_sz__utf16le_with_nul),
		cmocka_unit_test(test_regval_multi_sz__double_nul_terminated),
		cmocka_unit_test(test_regval_equal__type_matters),
		cmocka_unit_test(test_regval_format__readable),
		cmocka_unit_test(test_regval_recode__again_after_a_failure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
