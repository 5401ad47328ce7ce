/* util.c: string helpers and error recording. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "tlshive.h"

static void
test_util_casecmp_ws__folds_case_and_blanks(void **state)
{
	assert_int_equal(str_casecmp_ws("TLS 1.0 Server", "tls  1.0\tserver"),
	    0);
	assert_int_not_equal(str_casecmp_ws("TLS 1.0", "TLS 1.1"), 0);
	assert_int_not_equal(str_casecmp_ws("TLS 1.0", "TLS 1.0 client"), 0);
}

static void
test_util_distance__counts_edits(void **state)
{
	assert_int_equal(str_distance("TLS 1.0", "tls 1.0"), 0);
	assert_int_equal(str_distance("TSL 1.0", "TLS 1.0"), 2);
	assert_int_equal(str_distance("RC4 128/128", "RC4 128/12"), 1);
	assert_int_equal(str_distance("", "abc"), 3);
}

/*
 * The nearest candidate, the first of equals; suggested only when under a
 * third of the name is wrong; an exact match is distance 0.
 */
static void
test_util_nearest__first_of_equals_and_close_enough(void **state)
{
	struct nearest n;

	nearest_init(&n, "strcit");
	assert_null(n.best);
	assert_null(nearest_close(&n));
	assert_int_equal(nearest_add(&n, NULL), 0);
	assert_int_equal(nearest_add(&n, "recommended"), 1);
	assert_int_equal(nearest_add(&n, "strict"), 1);
	assert_int_equal(nearest_add(&n, "strick"), 0);	/* as near: not taken */
	assert_string_equal(n.best, "strict");
	assert_int_equal(n.d, 2);
	assert_string_equal(nearest_close(&n), "strict");
	nearest_init(&n, "pci");
	nearest_add(&n, "recommended");
	assert_string_equal(n.best, "recommended");	/* nearest, yet */
	assert_null(nearest_close(&n));			/* too far to suggest */
	nearest_add(&n, "PCI");
	assert_int_equal(n.d, 0);
}

static void
test_util_trim__strips_both_ends(void **state)
{
	char buf[] = "  \t TLS 1.2 = on \r\n";

	assert_string_equal(str_trim(buf), "TLS 1.2 = on");
}

static void
test_util_lists__grow_and_free(void **state)
{
	struct strlist sl = { 0 };
	struct strbuf sb = { 0 };
	char *s;

	for (int i = 0; i < 100; i++)
		sl_add(&sl, "item %d", i);
	assert_int_equal(sl.n, 100);
	assert_string_equal(sl.v[99], "item 99");
	assert_null(sl.v[100]);
	sl_free(&sl);
	assert_int_equal(sl.n, 0);
	sb_add(&sb, "%s-%d", "a", 1);
	sb_add(&sb, "+%s", "b");
	s = sb_take(&sb);
	assert_string_equal(s, "a-1+b");
	free(s);
}

static void
test_util_seterr__keeps_last_message(void **state)
{
	tlsh_seterr("%s: %s", "FILE", "first");
	tlsh_seterr("%s: %s", "FILE", "second");
	assert_string_equal(tlsh_errmsg(), "FILE: second");
}

/* tlsh_seterr gives a message the kind its errno says; tlsh_seterrc
 * names it, an I/O error keeping what its errno says more precisely */
static void
test_util_seterr__kinds_from_errno_and_named(void **state)
{
	static const struct {
		int e;
		const char *code;
		int temp;
	} cases[] = {
		{ ENOENT, "not-found", 0 }, { ENOSPC, "no-space", 0 },
		{ EROFS, "read-only", 0 }, { EACCES, "permission", 0 },
		{ EPERM, "permission", 0 }, { EIO, "io", 1 },
		{ EAGAIN, "io", 1 }, { EMFILE, "io", 1 }, { ENOMEM, "io", 0 },
		{ EINVAL, "internal", 0 }, { 0, "internal", 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		errno = cases[i].e;
		tlsh_seterr("FILE: %d", cases[i].e);
		assert_string_equal(tlsh_errc_name(tlsh_errcode()),
		    cases[i].code);
		assert_int_equal(tlsh_errtemp(), cases[i].temp);
	}
	errno = EIO;
	tlsh_seterrc(TLSH_E_LOCKED, "FILE: held");
	assert_string_equal(tlsh_errc_name(tlsh_errcode()), "locked");
	assert_int_equal(tlsh_errtemp(), 1);
	assert_string_equal(tlsh_errmsg(), "FILE: held");
	errno = EIO;
	tlsh_seterrc(TLSH_E_HIVE_DAMAGED, "FILE: broken");
	assert_string_equal(tlsh_errc_name(tlsh_errcode()), "hive-damaged");
	assert_int_equal(tlsh_errtemp(), 0);
	errno = ENOSPC;
	tlsh_seterrc(TLSH_E_IO, "FILE: write");
	assert_string_equal(tlsh_errc_name(tlsh_errcode()), "no-space");
	errno = EINVAL;
	tlsh_seterrc(TLSH_E_IO, "FILE: write");
	assert_string_equal(tlsh_errc_name(tlsh_errcode()), "io");
	assert_int_equal(tlsh_errtemp(), 0);
	/* a message kept across other calls gets its kind back */
	tlsh_seterr("%s", "FILE: kept");
	tlsh_errkind(TLSH_E_TRANSPORT, 1);
	assert_string_equal(tlsh_errc_name(tlsh_errcode()), "transport");
	assert_int_equal(tlsh_errtemp(), 1);
	/* every kind has its own word */
	for (int a = TLSH_E_INTERNAL; a < TLSH_E_COUNT; a++)
		for (int b = a + 1; b < TLSH_E_COUNT; b++)
			assert_string_not_equal(tlsh_errc_name(a),
			    tlsh_errc_name(b));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_util_casecmp_ws__folds_case_and_blanks),
		cmocka_unit_test(test_util_distance__counts_edits),
		cmocka_unit_test(test_util_nearest__first_of_equals_and_close_enough),
		cmocka_unit_test(test_util_trim__strips_both_ends),
		cmocka_unit_test(test_util_lists__grow_and_free),
		cmocka_unit_test(test_util_seterr__keeps_last_message),
		cmocka_unit_test(test_util_seterr__kinds_from_errno_and_named),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
