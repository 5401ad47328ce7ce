/* ops.c: wanted settings and .reg changes as ops at each place they live. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "planfix.h"

#define SCH "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\" \
	"SecurityProviders\\SCHANNEL"

/* CurrentControlSet stands for every control set Select names. */
static void
test_ops_reg__current_control_set_per_set(void **state)
{
	struct img m;
	struct plan p;
	struct strlist e = { 0 };
	const struct op *o;

	img_open(&m, "win7-x86", NULL);
	assert_int_equal(plan_for_reg(&p, &m, "REGEDIT4\n[" SCH "\\Protocols\\"
	    "TLS 1.0\\Server]\n\"Enabled\"=dword:0\n", &e), 0);
	assert_int_equal(e.n, 0);
	assert_non_null(o = find_op(&p, OP_SET, "ControlSet001\\Control\\"
	    "SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.0\\Server",
	    "Enabled"));
	/* a .reg line that sets a row is reported under the row's name */
	assert_non_null(o->s);
	assert_string_equal(o->s->name, "TLS 1.0 server");
	assert_string_equal(plan_op_label(o), "TLS 1.0 server");
	assert_string_equal(o->origin, "t.reg:3");
	assert_non_null(find_op(&p, OP_SET, "ControlSet002\\Control\\"
	    "SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.0\\Server",
	    "Enabled"));
	/* the key line itself, once per set */
	assert_non_null(find_op(&p, OP_MKKEY, "ControlSet002\\Control\\"
	    "SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.0\\Server", NULL));
	assert_int_equal(p.nops, 4);
	plan_free(&p);
	img_close(&m);
}

/* Values outside the table keep their .reg origin as their label. */
static void
test_ops_reg__rows_matched_in_both_views(void **state)
{
	struct img m;
	struct plan p;
	struct strlist e = { 0 };
	const struct op *o;

	img_open(&m, "2019", NULL);
	assert_int_equal(plan_for_reg(&p, &m, "REGEDIT4\n"
	    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Wow6432Node\\Microsoft\\"
	    ".NETFramework\\v4.0.30319]\n\"SchUseStrongCrypto\"=dword:1\n"
	    "\"Other\"=dword:1\n", &e), 0);
	assert_non_null(o = find_op(&p, OP_SET, "Wow6432Node\\Microsoft\\"
	    ".NETFramework\\v4.0.30319", "SchUseStrongCrypto"));
	assert_non_null(o->s);
	assert_non_null(o = find_op(&p, OP_SET, "Wow6432Node\\Microsoft\\"
	    ".NETFramework\\v4.0.30319", "Other"));
	assert_null(o->s);
	assert_string_equal(plan_op_label(o), "t.reg:4");
	plan_free(&p);
	img_close(&m);
}

/* A .reg for a hive or control set the image lacks is refused by line. */
static void
test_ops_reg__missing_hive_and_set_refused(void **state)
{
	struct img m;
	struct plan p;
	struct policy pol = { 0 };
	struct strlist e = { 0 };
	struct hive *only[HV_COUNT];
	static const char reg[] = "REGEDIT4\n"
	    "[HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet009\\Control]\n"
	    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\T]\n\"a\"=dword:1\n";

	img_open(&m, "2019", NULL);
	only[HV_SYSTEM] = m.h[HV_SYSTEM];
	only[HV_SOFTWARE] = NULL;
	assert_int_equal(policy_add_reg_mem(&pol, (const unsigned char *)reg,
	    sizeof(reg) - 1, "t.reg", &e), 0);
	assert_int_equal(plan_build(&p, &pol, &m.f, only, 0, &e), -1);
	assert_true(e.n >= 2);
	assert_string_equal(e.v[0], "t.reg:2: the image has no ControlSet009");
	assert_string_equal(e.v[1], "t.reg:3: the image has no SOFTWARE hive "
	    "(give --software)");
	plan_free(&p);
	policy_free(&pol);
	sl_free(&e);
	img_close(&m);
}

/* A want's values go to every target, bounded by the row's value names. */
static void
test_ops_table__bounded_by_value_names(void **state)
{
	struct img m;
	struct plan p = { 0 };
	struct policy pol = { 0 };
	struct strlist e = { 0 };
	struct regval v[2];

	img_open(&m, "2019", NULL);
	assert_int_equal(policy_add_set(&pol, "AES 128/128 = off", &e), 0);
	p.t = xcalloc(2, sizeof(*p.t));
	p.nt = 2;
	p.t[0].key = xstrdup("A");
	p.t[0].where = xstrdup("");
	p.t[1].key = xstrdup("B");
	p.t[1].where = xstrdup("");
	regval_dword(&v[0], 0);
	regval_dword(&v[1], 1);
	/* two values offered, the switch row has one name */
	plan_table_ops(&p, &pol.w[0], 0, v, 2);
	assert_int_equal(p.nops, 2);
	assert_string_equal(p.ops[0].key, "A");
	assert_string_equal(p.ops[1].key, "B");
	assert_string_equal(p.ops[1].name, "Enabled");
	assert_int_equal(p.ops[1].target, 1);
	assert_false(p.ops[1].accept_nonzero);	/* off wants exactly 0 */
	regval_free(&v[0]);
	regval_free(&v[1]);
	plan_free(&p);
	policy_free(&pol);
	img_close(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ops_reg__current_control_set_per_set),
		cmocka_unit_test(test_ops_reg__rows_matched_in_both_views),
		cmocka_unit_test(test_ops_reg__missing_hive_and_set_refused),
		cmocka_unit_test(test_ops_table__bounded_by_value_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
