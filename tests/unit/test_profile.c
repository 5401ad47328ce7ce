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

/* A benchmark profile: its identity, its rules, and lines serving them. */
static void
test_profile_benchmark__directives_and_trailers(void **state)
{
	struct policy p = { 0 };
	struct strlist e = { 0 };
	const struct want *w;
	const char *text =
	    "# a benchmark\n"
	    "@benchmark bx stigid=B_X version=3 title=\"B X, TLS\"\n"
	    "@rule V-1 severity=high ver=B-1 applies=iis title=\"one rule\"\n"
	    "@rule 7.11 severity=low xccdf=xccdf_org.b_rule_7.11\n"
	    "TLS 1.0 server = off | rule V-1\n"
	    "SSL 3.0 server = off | rule V-1, 7.11 | absent ok\n"
	    "AES 256/256 = 1 | rule 7.11\n"
	    "Diffie-Hellman server min bits = 2048 | rule 7.11 | at least\n"
	    "MD5 = off\n";

	assert_int_equal(policy_add_text(&p, text, "b.profile", &e), 0);
	assert_int_equal(e.n, 0);
	assert_int_equal(p.nbench, 1);
	assert_string_equal(p.bench[0]->name, "bx");
	assert_string_equal(p.bench[0]->stigid, "B_X");
	assert_string_equal(p.bench[0]->version, "3");
	assert_string_equal(p.bench[0]->title, "B X, TLS");
	assert_string_equal(p.bench[0]->origin, "b.profile:2");
	assert_int_equal(p.nrd, 2);
	assert_string_equal(p.rd[0]->id, "V-1");
	assert_string_equal(p.rd[0]->severity, "high");
	assert_string_equal(p.rd[0]->ver, "B-1");
	assert_string_equal(p.rd[0]->applies, "iis");
	assert_string_equal(p.rd[0]->title, "one rule");
	assert_ptr_equal(p.rd[0]->bench, p.bench[0]);
	assert_string_equal(p.rd[1]->xccdf, "xccdf_org.b_rule_7.11");
	assert_null(p.rd[1]->ver);
	/* every line that names a rule is kept for it */
	assert_int_equal(p.nrw, 4);
	w = find(&p, "SSL 3.0 server");
	assert_int_equal(w->nrules, 2);
	assert_string_equal(w->rules[1], "7.11");
	assert_true(w->absent_ok);
	assert_ptr_equal(w->bench, p.bench[0]);
	w = find(&p, "AES 256/256");
	assert_int_equal(w->kind, W_ON);
	assert_true(w->exact);
	assert_int_equal(w->number, 1);
	assert_true(find(&p, "Diffie-Hellman server min bits")->at_least);
	assert_int_equal(find(&p, "MD5")->nrules, 0);
	assert_ptr_equal(find(&p, "MD5")->bench, p.bench[0]);
	policy_free(&p);
}

/* Every mistake in a benchmark profile, each at its line. */
static void
test_profile_benchmark__errors(void **state)
{
	struct policy p = { 0 };
	struct strlist e = { 0 };
	const char *text =
	    "TLS 1.0 server = off | rule V-1\n"
	    "@rule V-0 severity=high\n"
	    "@benchmark b\n"
	    "@benchmark c\n"
	    "@rule V-1 severity=severe\n"
	    "@rule V-2 severity=low applies=exchange\n"
	    "@rule V-1 severity=low\n"
	    "@frobnicate\n"
	    "@rule V-3 severity=low colour=blue\n"
	    "TLS 1.1 server = off | rule V-9\n"
	    "TLS 1.2 server = on | sometimes\n"
	    "TLS 1.3 server = off | absent ok\n"
	    "TLS 1.0 client = off | rule V-1 | at least\n"
	    "@rule V-4 severity=low title=\"open\n";

	assert_int_equal(policy_add_text(&p, text, "x", &e), -1);
	assert_string_equal(e.v[0], "x:1: '|' belongs to a benchmark profile "
	    "(start it with @benchmark)");
	assert_string_equal(e.v[1], "x:2: @rule before @benchmark");
	assert_string_equal(e.v[2], "x:4: a second @benchmark (first at x:3)");
	assert_string_equal(e.v[3], "x:5: @rule V-1: severity must be high, "
	    "medium or low");
	assert_non_null(strstr(e.v[4], "x:6: @rule V-2: applies=exchange"));
	assert_string_equal(e.v[5], "x:7: rule V-1 is declared again (first "
	    "at x:5)");
	assert_string_equal(e.v[6], "x:8: unknown directive (expected "
	    "@benchmark or @rule)");
	assert_string_equal(e.v[7], "x:9: @rule: unexpected \"colour=blue\"");
	assert_string_equal(e.v[8], "x:10: rule \"V-9\" is not declared by "
	    "an @rule line above");
	assert_string_equal(e.v[9], "x:11: unknown \"| sometimes\" (expected "
	    "| rule ID, | absent ok, | at least)");
	assert_string_equal(e.v[10], "x:12: '|' without \"rule ID\"");
	assert_string_equal(e.v[11], "x:13: TLS 1.0 client: \"at least\" "
	    "compares numbers");
	assert_string_equal(e.v[12], "x:14: a quote is not closed");
	/* a rule no line names is an error of its @rule line */
	assert_string_equal(e.v[13], "x:6: rule V-2: no line names it (| rule "
	    "V-2)");
	assert_string_equal(e.v[14], "x:9: rule V-3: no line names it (| rule "
	    "V-3)");
	assert_string_equal(e.v[15], "x:14: rule V-4: no line names it (| rule "
	    "V-4)");
	assert_int_equal(e.n, 16);
	assert_int_equal(p.n, 0);
	assert_int_equal(p.nbench, 0);
	sl_free(&e);
}

/* The same benchmark twice, and a plain profile that overrides one. */
static void
test_profile_benchmark__combined(void **state)
{
	struct policy p = { 0 };
	struct strlist e = { 0 };
	const char *b = "@benchmark b\n@rule R severity=low\n"
	    "AES 128/128 = off | rule R\nAES 256/256 = 1 | rule R\n";

	assert_int_equal(policy_add_profile(&p, "recommended", &e), 0);
	assert_int_equal(policy_add_text(&p, b, "b", &e), 0);
	/* recommended's AES 128/128 on loses to the benchmark's off; its
	 * AES 256/256 on (any non-zero) accepts the benchmark's 1 */
	assert_int_equal(p.conflicts.n, 1);
	assert_non_null(strstr(p.conflicts.v[0], "want different values for "
	    "AES 128/128; the later wins"));
	assert_null(strstr(p.conflicts.v[0], "fails after apply"));
	assert_int_equal(policy_add_text(&p, b, "b", &e), -1);
	assert_string_equal(e.v[0], "b:1: benchmark b is read twice (first "
	    "from b:1)");
	policy_free(&p);
	sl_free(&e);
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
		cmocka_unit_test(test_profile_benchmark__directives_and_trailers),
		cmocka_unit_test(test_profile_benchmark__errors),
		cmocka_unit_test(test_profile_benchmark__combined),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
