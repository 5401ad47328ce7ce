/* gate.c: what a build can take, and the values a want comes to there. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "planfix.h"

/* The want one --set text makes, gated and shaped for the image. */
struct shaped {
	struct policy pol;
	struct plan p;
	struct strlist e;
	struct regval v[2];
	int gate, n;
};

static void
shape(struct shaped *s, struct img *m, const char *set, int tls13_off)
{
	memset(s, 0, sizeof(*s));
	assert_int_equal(policy_add_set(&s->pol, set, &s->e), 0);
	assert_int_equal(s->pol.n, 1);
	s->gate = plan_gate(&s->p, &s->pol.w[0], &m->f, 0, &s->e);
	s->n = s->gate == 0 ? plan_want_values(&s->pol.w[0], &m->f, tls13_off,
	    s->v, &s->e) : -1;
}

static void
shaped_free(struct shaped *s)
{
	for (int k = 0; k < s->n; k++)
		regval_free(&s->v[k]);
	plan_free(&s->p);
	policy_free(&s->pol);
	sl_free(&s->e);
}

static void
test_gate_tls13__by_build(void **state)
{
	struct img m;
	struct plan p;
	struct strlist e = { 0 };

	img_open(&m, "2019", NULL);
	assert_int_equal(plan_for(&p, &m, "TLS 1.3 = on", &e), -1);
	assert_non_null(strstr(e.v[0], "build 17763"));
	assert_non_null(strstr(e.v[0], "needs build 20348"));
	plan_free(&p);
	sl_free(&e);
	assert_int_equal(plan_for(&p, &m, "TLS 1.3 = auto", &e), 0);
	assert_int_equal(p.nops, 0);
	assert_non_null(strstr(p.notes.v[0], "left untouched"));
	plan_free(&p);
	assert_int_equal(plan_for(&p, &m, "winhttp = TLS 1.2, TLS 1.3 if "
	    "supported", &e), 0);
	/* the 64-bit and the 32-bit view, both without TLS 1.3 here */
	assert_int_equal(p.nops, 2);
	for (size_t i = 0; i < p.nops; i++) {
		uint32_t d;
		assert_true(regval_get_dword(&p.ops[i].want, &d));
		assert_int_equal(d, 0x800);
	}
	plan_free(&p);
	img_close(&m);

	img_open(&m, "2022", NULL);
	assert_int_equal(plan_for(&p, &m, "TLS 1.3 = auto", &e), 0);
	assert_int_equal(p.nops, 8);
	plan_free(&p);
	assert_int_equal(plan_for(&p, &m, "cipher-suites = "
	    "TLS_AES_256_GCM_SHA384 if supported, "
	    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", &e), 0);
	char *s = regval_get_sz(&p.ops[0].want);
	assert_string_equal(s, "TLS_AES_256_GCM_SHA384,"
	    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
	free(s);
	plan_free(&p);
	img_close(&m);
}

/*
 * Windows 10 1903 to 22H2 do not support TLS 1.3, and "Enabling TLS 1.3 on
 * earlier versions of Windows is not a safe system configuration" (the
 * protocols page): its values are read there, not ignored.  Off is written
 * and counts; on is refused without --force, and warned of with it, as a
 * .reg or the registry that turns it on is; 1809 has no TLS 1.3 at all.
 */
static void
test_gate_tls13__unsafe_before_20348(void **state)
{
	struct img m;
	struct plan p;
	struct policy pol = { 0 };
	struct strlist e = { 0 };
	struct effect_of ef;
	const char *k = "SYSTEM|ControlSet001\\Control\\SecurityProviders\\"
	    "SCHANNEL\\Protocols\\TLS 1.3\\Client|Enabled|dword|";
	char *extra;
	int warned;

	img_open(&m, "win10", NULL);
	assert_int_equal(plan_for(&p, &m, "TLS 1.3 = on", &e), -1);
	assert_non_null(strstr(e.v[0], "not a safe system configuration"));
	assert_non_null(strstr(e.v[0], "--force"));
	plan_free(&p);
	sl_free(&e);
	assert_int_equal(policy_add_set(&pol, "TLS 1.3 = on", &e), 0);
	assert_int_equal(plan_build(&p, &pol, &m.f, m.h, PLAN_FORCE, &e), 0);
	policy_free(&pol);
	assert_int_equal(p.nops, 4);
	assert_int_equal(p.nwarn, 2);	/* client and server */
	assert_non_null(strstr(p.warn[0].text,
	    "not a safe system configuration"));
	plan_free(&p);
	assert_int_equal(plan_for(&p, &m, "TLS 1.3 = off", &e), 0);
	assert_int_equal(p.nops, 4);
	assert_int_equal(p.nwarn, 0);
	plan_free(&p);
	/* a .reg: off is read, on is read and warned of */
	assert_int_equal(plan_for_reg(&p, &m, "Windows Registry Editor "
	    "Version 5.00\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\"
	    "Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.3\\"
	    "Client]\n\"Enabled\"=dword:0\n", &e), 0);
	assert_int_equal(p.nign, 0);
	assert_int_equal(p.nwarn, 0);
	plan_free(&p);
	assert_int_equal(plan_for_reg(&p, &m, "Windows Registry Editor "
	    "Version 5.00\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\"
	    "Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.3\\"
	    "Client]\n\"Enabled\"=dword:1\n", &e), 0);
	assert_int_equal(p.nign, 0);
	assert_int_equal(p.nwarn, 1);
	plan_free(&p);
	img_close(&m);

	/* show: the registry's Enabled=0 is what Windows does; =1 warns */
	extra = xasprintf("%s0x0\n", k);
	img_open(&m, "win10", extra);
	free(extra);
	assert_int_equal(plan_show(&p, &m.f, m.h), 0);
	for (size_t i = 0; i < p.nt; i++)
		if (strcmp(p.t[i].s->name, "TLS 1.3 client") == 0) {
			plan_effect(&p.t[i], &m.f, &ef);
			assert_int_equal(ef.state, EFF_DISABLED);
			assert_int_equal(ef.source, SRC_REGISTRY);
			plan_effect_free(&ef);
		}
	plan_free(&p);
	img_close(&m);
	extra = xasprintf("%s0x1\n", k);
	img_open(&m, "win10", extra);
	free(extra);
	assert_int_equal(plan_show(&p, &m.f, m.h), 0);
	warned = 0;
	for (size_t i = 0; i < p.nwarn; i++)
		warned |= strstr(p.warn[i].text, "TLS 1.3 client") != NULL &&
		    strstr(p.warn[i].text, "not a safe") != NULL;
	assert_true(warned);
	plan_free(&p);
	img_close(&m);

	/* 1809 has no TLS 1.3 code: its values stay ignored */
	img_open(&m, "2019", NULL);
	assert_int_equal(plan_for_reg(&p, &m, "Windows Registry Editor "
	    "Version 5.00\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\"
	    "Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.3\\"
	    "Client]\n\"Enabled\"=dword:0\n", &e), 0);
	assert_int_equal(p.nign, 1);
	plan_free(&p);
	img_close(&m);
	sl_free(&e);
}

/*
 * Before Windows 10 each ECDHE suite name carries its curve, and the
 * curves Windows 8.1 enables by default are the ones written; from
 * Windows 10 on the bare name is the suite.
 */
static void
test_gate_suites__spelt_for_the_build(void **state)
{
	struct img m;
	struct shaped s;
	char *v;

	img_open(&m, "2012r2", NULL);
	shape(&s, &m, "cipher-suites = TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384, "
	    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384", 0);
	assert_int_equal(s.gate, 0);
	assert_int_equal(s.n, 1);
	v = regval_get_sz(&s.v[0]);
	assert_string_equal(v, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256,"
	    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384");
	free(v);
	shaped_free(&s);
	img_close(&m);

	img_open(&m, "2019", NULL);
	shape(&s, &m, "cipher-suites = TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384",
	    0);
	assert_int_equal(s.n, 1);
	v = regval_get_sz(&s.v[0]);
	assert_string_equal(v, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384");
	free(v);
	/* the suffix is dropped with a note: Windows 10 and later take it as
	 * the suite, the curve order overriding it (every Windows 10 page) */
	assert_int_equal(s.p.notes.n, 1);
	assert_non_null(strstr(s.p.notes.v[0], "TLS_ECDHE_RSA_WITH_AES_256_"
	    "CBC_SHA384_P384 written as TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"));
	shaped_free(&s);
	img_close(&m);
}

/*
 * On 2022 with TLS 1.3 on, a list without a TLS 1.3 suite would turn it
 * off without a word; with every TLS 1.3 row off it is what was asked.
 */
static void
test_gate_suites__tls13_list_refused_unless_off(void **state)
{
	struct img m;
	struct shaped s;

	img_open(&m, "2022", NULL);
	shape(&s, &m, "cipher-suites = TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 0);
	assert_int_equal(s.gate, 0);
	assert_int_equal(s.n, -1);
	assert_int_equal(s.e.n, 1);
	assert_non_null(strstr(s.e.v[0], "turns TLS 1.3 off"));
	shaped_free(&s);
	shape(&s, &m, "cipher-suites = TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 1);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.e.n, 0);
	shaped_free(&s);
	img_close(&m);
}

/*
 * The curve order exists from Windows 10 1507 on ("Manage TLS"), with
 * NistP256 and NistP384 ("TLS Elliptic Curves in Windows 10 version 1507
 * and 1511") and curve25519 from 1607 ("... 1607 and later"); "if
 * supported" items drop out, others refuse.
 */
static void
test_gate_curves__by_build(void **state)
{
	struct img m;
	struct shaped s;
	char **v;
	size_t n;

	img_open(&m, "2012r2", NULL);
	shape(&s, &m, "ecc-curves = NistP384, NistP256", 0);
	assert_int_equal(s.gate, 1);
	assert_non_null(strstr(s.p.notes.v[0], "left untouched"));
	shaped_free(&s);
	img_close(&m);

	img_open(&m, "win10", "SOFTWARE|Microsoft\\Windows NT\\"
	    "CurrentVersion|CurrentBuildNumber|sz|10240\n");
	shape(&s, &m, "ecc-curves = curve25519 if supported, NistP384, "
	    "NistP256", 0);
	assert_int_equal(s.gate, 0);
	assert_int_equal(s.n, 1);
	assert_non_null(v = regval_get_multi_sz(&s.v[0], &n));
	assert_int_equal(n, 2);
	assert_string_equal(v[0], "NistP384");
	assert_string_equal(v[1], "NistP256");
	strv_free(v, n);
	assert_non_null(strstr(s.p.notes.v[0], "curve25519 left out"));
	shaped_free(&s);
	shape(&s, &m, "ecc-curves = curve25519, NistP256", 0);
	assert_int_equal(s.gate, -1);
	assert_non_null(strstr(s.e.v[0], "curve25519 needs build 14393"));
	shaped_free(&s);
	img_close(&m);

	img_open(&m, "2016", NULL);
	shape(&s, &m, "ecc-curves = curve25519, NistP256", 0);
	assert_int_equal(s.gate, 0);
	assert_int_equal(s.n, 1);
	assert_non_null(v = regval_get_multi_sz(&s.v[0], &n));
	assert_int_equal(n, 2);
	assert_string_equal(v[0], "curve25519");
	assert_string_equal(v[1], "NistP256");
	strv_free(v, n);
	shaped_free(&s);
	img_close(&m);
}

/*
 * The ML-KEM groups ("TLS Supported Groups in Windows 11 24H2 and later"):
 * from client build 26100.8514; with the update revision unknown (export
 * --os) tlshive cannot tell, so "if supported" leaves them out and an
 * unmarked one is written with a note; Server 2025 (26100) refuses.
 */
static void
test_gate_curves__mlkem_by_update(void **state)
{
	struct img m;
	struct shaped s;
	char **v;
	size_t n;

	img_open(&m, "win11", "SOFTWARE|Microsoft\\Windows NT\\"
	    "CurrentVersion|CurrentBuildNumber|sz|26100\n"
	    "SOFTWARE|Microsoft\\Windows NT\\CurrentVersion|UBR|dword|8514\n");
	shape(&s, &m, "ecc-curves = x25519_mlkem768 if supported, curve25519", 0);
	assert_int_equal(s.n, 1);
	assert_non_null(v = regval_get_multi_sz(&s.v[0], &n));
	assert_int_equal(n, 2);
	assert_string_equal(v[0], "x25519_mlkem768");
	strv_free(v, n);
	shaped_free(&s);
	img_close(&m);

	img_open(&m, "2025", NULL);
	shape(&s, &m, "ecc-curves = x25519_mlkem768, curve25519", 0);
	assert_int_equal(s.gate, -1);
	assert_non_null(strstr(s.e.v[0], "x25519_mlkem768 needs client "
	    "build 26100.8514"));
	assert_non_null(strstr(s.e.v[0], "server build 29550 or later"));
	shaped_free(&s);
	img_close(&m);

	memset(&m, 0, sizeof(m));
	assert_int_equal(facts_for_os(&m.f, "win11"), 0);
	shape(&s, &m, "ecc-curves = x25519_mlkem768 if supported, "
	    "secp256r1_mlkem768, curve25519", 0);
	assert_int_equal(s.gate, 0);
	assert_non_null(v = regval_get_multi_sz(&s.v[0], &n));
	assert_int_equal(n, 2);
	assert_string_equal(v[0], "secp256r1_mlkem768");
	assert_string_equal(v[1], "curve25519");
	strv_free(v, n);
	assert_non_null(strstr(s.p.notes.v[0], "x25519_mlkem768 left out: "
	    "Microsoft lists it for client build 26100.8514"));
	assert_non_null(strstr(s.p.notes.v[1], "secp256r1_mlkem768: "
	    "Microsoft lists it for"));
	shaped_free(&s);
	facts_free(&m.f);
}

/*
 * FIPS mode (Lsa\FipsAlgorithmPolicy Enabled=1): Microsoft's curve pages
 * mark curve25519 "Available in FIPS mode: No", NistP256 and NistP384
 * "Yes".  The list is written as asked (FIPS mode may be turned off
 * later), with a note; a list with no FIPS curve gets a warning.
 */
static void
test_gate_curves__fips_mode(void **state)
{
	struct img m;
	struct shaped s;
	char **v;
	size_t n;

	img_open(&m, "2019", "SYSTEM|ControlSet001\\Control\\Lsa\\"
	    "FipsAlgorithmPolicy|Enabled|dword|1\n");
	assert_int_equal(m.f.fips, 1);
	shape(&s, &m, "ecc-curves = curve25519 if supported, NistP256", 0);
	assert_int_equal(s.n, 1);
	assert_non_null(v = regval_get_multi_sz(&s.v[0], &n));
	assert_int_equal(n, 2);
	strv_free(v, n);
	assert_int_equal(s.p.notes.n, 1);
	assert_non_null(strstr(s.p.notes.v[0], "ecc-curves: curve25519: not "
	    "available in FIPS mode"));
	assert_int_equal(s.p.nwarn, 0);
	shaped_free(&s);
	shape(&s, &m, "ecc-curves = curve25519, brainpoolP256r1", 0);
	assert_int_equal(s.p.nwarn, 1);
	assert_non_null(strstr(s.p.warn[0].text, "no curve of the list is "
	    "available in it"));
	shaped_free(&s);
	img_close(&m);

	/* off (mkimage writes Enabled=0): nothing to say */
	img_open(&m, "2019", NULL);
	assert_int_equal(m.f.fips, 0);
	shape(&s, &m, "ecc-curves = curve25519", 0);
	assert_int_equal(s.p.notes.n, 0);
	assert_int_equal(s.p.nwarn, 0);
	shaped_free(&s);
	img_close(&m);
}

/* Protocols are written as the documented pair, switches as the row's on. */
static void
test_gate_values__pairs_and_switches(void **state)
{
	struct img m;
	struct shaped s;
	uint32_t d;

	img_open(&m, "2019", NULL);
	shape(&s, &m, "TLS 1.0 client = off", 0);
	assert_int_equal(s.n, 2);
	assert_true(regval_get_dword(&s.v[0], &d) && d == 0);
	assert_true(regval_get_dword(&s.v[1], &d) && d == 1);
	shaped_free(&s);
	shape(&s, &m, "RC4 128/128 = on", 0);
	assert_int_equal(s.n, 1);
	assert_true(regval_get_dword(&s.v[0], &d));
	assert_int_equal(d, 0xffffffff);
	shaped_free(&s);
	img_close(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gate_tls13__by_build),
		cmocka_unit_test(test_gate_tls13__unsafe_before_20348),
		cmocka_unit_test(test_gate_suites__spelt_for_the_build),
		cmocka_unit_test(test_gate_suites__tls13_list_refused_unless_off),
		cmocka_unit_test(test_gate_curves__by_build),
		cmocka_unit_test(test_gate_curves__mlkem_by_update),
		cmocka_unit_test(test_gate_curves__fips_mode),
		cmocka_unit_test(test_gate_values__pairs_and_switches),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
