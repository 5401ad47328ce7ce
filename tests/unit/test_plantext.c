/* plantext.c: registry states and ops in words. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "planfix.h"

static char *
state_of(const char *row, const struct regval *v0, const struct regval *v1)
{
	struct target t = { 0 };
	const struct setting *rows[1];

	assert_int_equal(setting_lookup(row, rows, 1), 1);
	t.s = rows[0];
	if (v0) {
		t.cur[0] = *v0;
		t.present[0] = 1;
	}
	if (v1) {
		t.cur[1] = *v1;
		t.present[1] = 1;
	}
	return plan_state(&t);
}

#define STATE_IS(want, row, v0, v1) do { \
	char *s_ = state_of(row, v0, v1); \
	assert_string_equal(s_, want); \
	free(s_); \
} while (0)

/* Profile words for the documented values, the raw value for others. */
static void
test_plantext_state__words_or_raw(void **state)
{
	struct regval zero, one, big, sz, bits;

	regval_dword(&zero, 0);
	regval_dword(&one, 1);
	regval_dword(&big, 0xffffffff);
	regval_sz(&sz, "1");
	regval_dword(&bits, 0xa00 | 0x4000);
	STATE_IS("absent", "TLS 1.2 client", NULL, NULL);
	STATE_IS("on", "TLS 1.2 client", &one, &zero);
	STATE_IS("off", "TLS 1.2 client", &zero, &one);
	STATE_IS("Enabled=0xffffffff (4294967295), DisabledByDefault=absent",
	    "TLS 1.2 client", &big, NULL);
	STATE_IS("on", "AES 128/128", &big, NULL);
	STATE_IS("on (0x1)", "AES 128/128", &one, NULL);
	STATE_IS("off", "AES 128/128", &zero, NULL);
	/* Windows reads a DWORD; a string is shown as what it is */
	STATE_IS("\"1\"", "AES 128/128", &sz, NULL);
	STATE_IS("TLS 1.1, TLS 1.2, unknown bits 0x4000 (0x4a00)", "winhttp",
	    &bits, NULL);
	regval_free(&zero);
	regval_free(&one);
	regval_free(&big);
	regval_free(&sz);
	regval_free(&bits);
}

static void
test_plantext_op__before_and_after(void **state)
{
	struct op o = { 0 };
	char *s;

	o.kind = OP_DELETE_KEY;
	o.key_present = 1;
	o.rebuilt = 1;
	o.extras = 1;
	s = plan_op_before(&o);
	assert_string_equal(s, "key present with 1 other key or value");
	free(s);
	s = plan_op_after(&o);
	assert_string_equal(s, "only the keys and values that follow");
	free(s);
	o.kind = OP_SET;
	o.key_present = 0;
	regval_dword(&o.want, 2);
	s = plan_op_before(&o);
	assert_string_equal(s, "absent");
	free(s);
	s = plan_op_after(&o);
	assert_string_equal(s, "0x00000002 (2)");
	free(s);
	o.origin = "x.reg:3";
	assert_string_equal(plan_op_label(&o), "x.reg:3");
	regval_free(&o.want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plantext_state__words_or_raw),
		cmocka_unit_test(test_plantext_op__before_and_after),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
