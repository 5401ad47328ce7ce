/* plan.c: targets per control set and view, and the steps in order. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "planfix.h"

static void
test_plan_protocol__pair_in_every_control_set(void **state)
{
	struct img m;
	struct plan p;
	struct strlist e = { 0 };
	uint32_t d;

	img_open(&m, "win7-x86", NULL);
	assert_int_equal(plan_for(&p, &m, "TLS 1.2 = on", &e), 0);
	assert_int_equal(p.nt, 4);		/* client, server x 2 sets */
	assert_int_equal(p.nops, 8);
	assert_int_equal(p.nneeded, 8);
	assert_string_equal(p.t[0].key, "ControlSet001\\Control\\"
	    "SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Client");
	assert_string_equal(p.t[1].where, "ControlSet002");
	assert_string_equal(p.ops[0].name, "Enabled");
	assert_true(regval_get_dword(&p.ops[0].want, &d) && d == 1);
	assert_string_equal(p.ops[1].name, "DisabledByDefault");
	assert_true(regval_get_dword(&p.ops[1].want, &d) && d == 0);
	plan_free(&p);
	img_close(&m);
}

static void
test_plan_wow64__twins_only_on_64bit(void **state)
{
	struct img m;
	struct plan p;
	struct strlist e = { 0 };

	img_open(&m, "2019", NULL);
	assert_int_equal(plan_for(&p, &m, "winhttp = 0xa00", &e), 0);
	assert_int_equal(p.nt, 2);
	assert_string_equal(p.t[1].key, "Wow6432Node\\Microsoft\\Windows\\"
	    "CurrentVersion\\Internet Settings\\WinHttp");
	plan_free(&p);
	img_close(&m);
	img_open(&m, "win7-x86", NULL);
	assert_int_equal(plan_for(&p, &m, "dotnet strong crypto = on", &e), 0);
	assert_int_equal(p.nt, 2);		/* v4 and v2, native only */
	for (size_t i = 0; i < p.nt; i++)
		assert_null(strstr(p.t[i].key, "Wow6432Node"));
	plan_free(&p);
	img_close(&m);
}

static void
test_plan_missing_hive__skipped_with_note(void **state)
{
	struct img m;
	struct plan p;
	struct policy pol = { 0 };
	struct strlist e = { 0 };
	struct hive *only[HV_COUNT];

	img_open(&m, "2019", NULL);
	only[HV_SYSTEM] = m.h[HV_SYSTEM];
	only[HV_SOFTWARE] = NULL;
	assert_int_equal(policy_add_profile(&pol, "enable-tls12", &e), 0);
	assert_int_equal(plan_build(&p, &pol, &m.f, only, 0, &e), 0);
	for (size_t i = 0; i < p.nt; i++)
		assert_int_equal(p.t[i].s->hive, HV_SYSTEM);
	assert_string_equal(p.notes.v[0], "SOFTWARE hive not given: 1 setting "
	    "of the profile skipped");
	plan_free(&p);
	policy_free(&pol);
	img_close(&m);
}

/* show: every row at every place, with a note for a hive not given. */
static void
test_plan_show__every_row_everywhere(void **state)
{
	struct img m;
	struct plan p;
	struct hive *only[HV_COUNT];
	size_t system_rows = 0;

	img_open(&m, "2019", NULL);
	assert_int_equal(plan_show(&p, &m.f, m.h), 0);
	for (size_t i = 0; i < nsettings; i++)
		system_rows += settings[i].hive == HV_SYSTEM;
	/* one control set on this layout; WinHTTP and .NET in two views */
	assert_true(p.nt > system_rows);
	assert_int_equal(p.notes.n, 0);
	plan_free(&p);
	only[HV_SYSTEM] = m.h[HV_SYSTEM];
	only[HV_SOFTWARE] = NULL;
	assert_int_equal(plan_show(&p, &m.f, only), 0);
	assert_int_equal(p.nt, system_rows);
	assert_string_equal(p.notes.v[0], "SOFTWARE hive not given: its "
	    "settings are not shown");
	plan_free(&p);
	img_close(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_protocol__pair_in_every_control_set),
		cmocka_unit_test(test_plan_wow64__twins_only_on_64bit),
		cmocka_unit_test(test_plan_missing_hive__skipped_with_note),
		cmocka_unit_test(test_plan_show__every_row_everywhere),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
