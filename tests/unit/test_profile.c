/* profile.c: the profile format, --set, and every error as FILE:LINE. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "policy/profile.h"
#include "policy/reg.h"

static const struct want *
find(const struct policy *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->w[i].s->name, name) == 0)
			return &p->w[i];
	return NULL;
}

static void
test_profile_parse__groups_and_kinds(void **state)
{
	struct policy p = { 0 };
	struct strlist e = { 0 };
	const struct want *w;
	const char *text =
	    "# comment\n"
	    "; another\n"
	    "TLS 1.3 = on\r\n"
	    "  tls 1.0 CLIENT=off   # trailing comment\n"
	    "\n"
	    "Diffie-Hellman min bits = 0x800\n"
	    "winhttp = TLS 1.2, TLS 1.3 if supported\n"
	    "cipher-suites = TLS_AES_256_GCM_SHA384 if supported, "
	    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\n"
	    "ecc-curves = nistp384, curve25519\n";

	assert_int_equal(policy_add_text(&p, text, "t.profile", &e), 0);
	assert_int_equal(e.n, 0);
	assert_non_null(w = find(&p, "TLS 1.3 client"));
	assert_int_equal(w->kind, W_ON);
	assert_string_equal(w->origin, "t.profile:3");
	assert_non_null(find(&p, "TLS 1.3 server"));
	assert_int_equal(find(&p, "TLS 1.0 client")->kind, W_OFF);
	assert_null(find(&p, "TLS 1.0 server"));
	assert_int_equal(find(&p, "Diffie-Hellman server min bits")->number,
	    2048);
	assert_int_equal(find(&p, "Diffie-Hellman client min bits")->number,
	    2048);
	w = find(&p, "winhttp");
	assert_int_equal(w->number, 0x800);
	assert_int_equal(w->cond_bits, 0x2000);
	w = find(&p, "cipher-suites");
	assert_int_equal(w->nitems, 2);
	assert_string_equal(w->items[0], "TLS_AES_256_GCM_SHA384");
	assert_true(w->cond[0]);
	assert_false(w->cond[1]);
	w = find(&p, "ecc-curves");
	assert_string_equal(w->items[0], "NistP384");	/* canonical case */
	policy_free(&p);
}

static void
test_profile_parse__all_errors_with_lines(void **state)
{
	struct policy p = { 0 };
	struct strlist e = { 0 };
	const char *text =
	    "TLS 1.0 = off\n"
	    "TLS 1.0 sever = off\n"
	    "TLS 1.2 = maybe\n"
	    "no equals sign here\n"
	    "Diffie-Hellman min bits = 100\n"
	    "winhttp = TLS 1.4\n"
	    "cipher-suites = TLS_AES_256_GCM_SHA348\n"
	    "FIPS = auto\n"
	    "MD5 =\n";

	assert_int_equal(policy_add_text(&p, text, "bad.profile", &e), -1);
	assert_int_equal(e.n, 8);
	assert_string_equal(e.v[0], "bad.profile:2: unknown setting "
	    "\"TLS 1.0 sever\"; did you mean \"TLS 1.0 server\"?");
	assert_string_equal(e.v[1], "bad.profile:3: TLS 1.2: bad value "
	    "\"maybe\" (expected on, off)");
	assert_string_equal(e.v[2], "bad.profile:4: expected NAME = VALUE");
	assert_non_null(strstr(e.v[3], "bad.profile:5: "));
	assert_non_null(strstr(e.v[3], "from 512 to 16384"));
	assert_non_null(strstr(e.v[4], "bad.profile:6: winhttp: unknown "
	    "protocol \"TLS 1.4\""));
	assert_non_null(strstr(e.v[5], "did you mean "
	    "\"TLS_AES_256_GCM_SHA384\"?"));
	assert_non_null(strstr(e.v[6], "bad.profile:8: FIPS: bad value"));
	assert_non_null(strstr(e.v[7], "bad.profile:9: MD5: missing value"));
	/* nothing from a file with errors is kept */
	assert_int_equal(p.n, 0);
	sl_free(&e);
	policy_free(&p);
}

static void
test_profile_order__later_wins(void **state)
{
	struct policy p = { 0 };
	struct strlist e = { 0 };

	assert_int_equal(policy_add_profile(&p, "recommended", &e), 0);
	assert_int_equal(find(&p, "TLS 1.1 server")->kind, W_OFF);
	assert_int_equal(policy_add_set(&p, "TLS 1.1 = on", &e), 0);
	assert_int_equal(find(&p, "TLS 1.1 server")->kind, W_ON);
	assert_string_equal(find(&p, "TLS 1.1 server")->origin, "--set");
	assert_int_equal(policy_add_set(&p, "cipher-suites = "
	    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, "
	    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", &e), 0);
	assert_int_equal(find(&p, "cipher-suites")->nitems, 2);
	assert_int_equal(policy_add_set(&p, "TLS 9 = on", &e), -1);
	assert_string_equal(e.v[0], "--set: unknown setting \"TLS 9\"");
	sl_free(&e);
	policy_free(&p);
}

static void
test_profile_suites__length_and_duplicates(void **state)
{
	struct policy p = { 0 };
	struct strlist e = { 0 };
	struct strbuf sb = { 0 };
	char *line;

	sb_add(&sb, "cipher-suites = ");
	for (size_t i = 0; i < nsuites; i++)
		sb_add(&sb, "%s%s", i ? ", " : "", suites[i].name);
	line = sb_take(&sb);
	assert_int_equal(policy_add_set(&p, line, &e), -1);
	assert_non_null(strstr(e.v[0], "at most 1023"));
	free(line);
	sl_free(&e);
	assert_int_equal(policy_add_set(&p, "cipher-suites = "
	    "TLS_RSA_WITH_AES_128_CBC_SHA, tls_rsa_with_aes_128_cbc_sha", &e),
	    -1);
	assert_non_null(strstr(e.v[0], "listed twice"));
	sl_free(&e);
	policy_free(&p);
}

static void
test_profile_builtin__unknown_name(void **state)
{
	struct policy p = { 0 };
	struct strlist e = { 0 };

	assert_int_equal(policy_add_profile(&p, "recomended", &e), -1);
	assert_non_null(strstr(e.v[0], "no such built-in profile"));
	assert_non_null(strstr(e.v[0], "recommended"));
	sl_free(&e);
	policy_free(&p);
}

static void
test_profile_enable_tls12__exactly_the_requirement(void **state)
{
	struct policy p = { 0 };
	struct strlist e = { 0 };

	assert_int_equal(policy_add_profile(&p, "enable-tls12", &e), 0);
	assert_int_equal(p.n, 5);
	assert_int_equal(find(&p, "TLS 1.1 client")->kind, W_ON);
	assert_int_equal(find(&p, "TLS 1.2 server")->kind, W_ON);
	/* TLS 1.2, and TLS 1.3 kept where it exists: no TLS 1.1, which
	 * WinHTTP's own default on Windows 11 leaves out (WinHTTP option
	 * flags, WINHTTP_OPTION_SECURE_PROTOCOLS) */
	assert_int_equal(find(&p, "winhttp")->number, 0x800);
	assert_int_equal(find(&p, "winhttp")->cond_bits, 0x2000);
	policy_free(&p);
}

/* apply copies into memory at once the hives a request has something in. */
static void
test_profile_hives__named_by_settings_and_reg(void **state)
{
	static const char reg[] = "Windows Registry Editor Version 5.00\r\n"
	    "\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Vendor]\r\n\"x\"=dword:1\r\n";
	struct policy p = { 0 };
	struct strlist e = { 0 };
	int names[HV_COUNT];

	policy_hives(&p, names);
	assert_false(names[HV_SYSTEM] || names[HV_SOFTWARE]);
	assert_int_equal(policy_add_set(&p, "TLS 1.0 = off", &e), 0);
	policy_hives(&p, names);
	assert_true(names[HV_SYSTEM]);
	assert_false(names[HV_SOFTWARE]);
	assert_int_equal(policy_add_reg_mem(&p, (const unsigned char *)reg,
	    sizeof(reg) - 1, "v.reg", &e), 0);
	policy_hives(&p, names);
	assert_true(names[HV_SYSTEM] && names[HV_SOFTWARE]);
	policy_free(&p);
	assert_int_equal(policy_add_set(&p, "dotnet v4 strong crypto = on", &e),
	    0);
	policy_hives(&p, names);
	assert_false(names[HV_SYSTEM]);
	assert_true(names[HV_SOFTWARE]);
	assert_int_equal(e.n, 0);
	policy_free(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_profile_parse__groups_and_kinds),
		cmocka_unit_test(test_profile_parse__all_errors_with_lines),
		cmocka_unit_test(test_profile_order__later_wins),
		cmocka_unit_test(test_profile_hives__named_by_settings_and_reg),
		cmocka_unit_test(test_profile_suites__length_and_duplicates),
		cmocka_unit_test(test_profile_builtin__unknown_name),
		cmocka_unit_test(test_profile_enable_tls12__exactly_the_requirement),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
