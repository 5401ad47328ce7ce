/* mkhive.c: an empty hive that hivex and the base-block rules accept. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "regf/commit.h"
#include "regf/hive.h"
#include "regf/mkhive.h"
#include "regf/regf.h"
#include "tlshive.h"

static void
test_mkhive_build__base_block_fields(void **state)
{
	unsigned char buf[MKHIVE_SIZE];
	uint32_t x = 0;

	assert_int_equal(mkhive_build(buf, "ROOT", 1), 0);
	assert_memory_equal(buf, "regf", 4);
	assert_int_equal(get_le32(buf + 4), get_le32(buf + 8));
	assert_int_equal(get_le32(buf + 20), 1);
	assert_int_equal(get_le32(buf + 36), 0x20);
	assert_int_equal(get_le32(buf + 40), 4096);
	for (int i = 0; i < 127; i++)
		x ^= get_le32(buf + 4 * i);
	assert_int_equal(x, get_le32(buf + 508));
	assert_memory_equal(buf + 4096, "hbin", 4);
	/* root nk right after the bin header, allocated (negative size) */
	assert_true((int32_t)get_le32(buf + 4096 + 0x20) < 0);
	assert_memory_equal(buf + 4096 + 0x24, "nk", 2);
	/* cells fill the bin exactly: allocated ones, then one free cell */
	size_t off = 0x20;
	while (off < 4096) {
		int32_t sz = (int32_t)get_le32(buf + 4096 + off);
		assert_int_not_equal(sz, 0);
		off += (size_t)(sz < 0 ? -sz : sz);
	}
	assert_int_equal(off, 4096);
}

static void
test_mkhive_build__bad_name__fails(void **state)
{
	unsigned char buf[MKHIVE_SIZE];

	assert_int_equal(mkhive_build(buf, "", 1), -1);
}

static void
test_mkhive_write__hivex_opens_edits_and_reopens(void **state)
{
	char *dir = fixture_dir(), *p = xasprintf("%s/h", dir);
	struct hive *h;
	struct hive_header hh;
	struct regval v, got;
	size_t n;
	char **kids;
	uint32_t *vals;
	unsigned char *have;

	assert_int_equal(mkhive_write(p, "ROOT", 1), 0);
	assert_int_equal(mkhive_write(p, "ROOT", 1), -1);	/* no overwrite */
	assert_int_equal(hive_read_header(p, &hh), 0);
	assert_true(hh.checksum_ok);
	assert_false(hh.dirty);
	h = hive_open(p, HIVE_WRITE);
	assert_non_null(h);
	assert_int_equal(hive_subkeys_dword(h, "", "V", &kids, &vals, &have,
	    &n), 0);
	assert_int_equal(n, 0);
	free(kids);
	free(vals);
	free(have);
	regval_dword(&v, 7);
	assert_int_equal(hive_set(h, "A\\B", "V", &v), 0);
	assert_int_equal(commit_hives(&h, 1, NULL, NULL, COMMIT_LOG_AUTO,
	    NULL), 0);
	hive_close(h);
	h = hive_open(p, 0);
	assert_non_null(h);
	assert_int_equal(hive_get(h, "a\\b", "v", &got), 1);
	assert_true(regval_equal(&v, &got));
	regval_free(&got);
	regval_free(&v);
	hive_close(h);
	fixture_rmrf(dir);
	free(p);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mkhive_build__base_block_fields),
		cmocka_unit_test(test_mkhive_build__bad_name__fails),
		cmocka_unit_test(test_mkhive_write__hivex_opens_edits_and_reopens),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
