/* lint.c: the .reg changes Windows ignores, and the nearest name it reads. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "planfix.h"

#define HDR "Windows Registry Editor Version 5.00\n"
#define SCH "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\" \
	"SecurityProviders\\SCHANNEL"

/* The ignored entry for the op at key (and value name), or NULL. */
static const struct ignored *
ign_of(const struct plan *p, const char *key, const char *name,
    const char *item)
{
	for (size_t i = 0; i < p->nign; i++) {
		const struct op *o = &p->ops[p->ign[i].op];
		if (strcmp(o->key, key) == 0 && ((name == NULL && o->name ==
		    NULL) || (name && o->name && strcmp(o->name, name) == 0)) &&
		    ((item == NULL && p->ign[i].item == NULL) || (item &&
		    p->ign[i].item && strcmp(item, p->ign[i].item) == 0)))
			return &p->ign[i];
	}
	return NULL;
}

#define CS "ControlSet001\\Control\\SecurityProviders\\SCHANNEL\\"

static void
test_lint_schannel__unknown_keys_and_values(void **state)
{
	struct img m;
	struct plan p;
	struct strlist e = { 0 };
	const struct ignored *g;

	img_open(&m, "2019", NULL);
	assert_int_equal(plan_for_reg(&p, &m, HDR
	    SCH "\\Protocols\\TLS1.2\\Client]\n\"Enabled\"=dword:1\n"
	    SCH "\\Ciphers\\Triple DES 168/168]\n\"Enabled\"=dword:0\n"
	    SCH "\\Protocols\\TLS 1.2\\Server]\n\"Enabled \"=dword:1\n"
	    "\"DisabledByDefault\"=\"0\"\n"
	    SCH "\\Protocols\\TLS 1.2\\Client ]\n\"Enabled\"=dword:1\n"
	    SCH "]\n\"ClientCacheTime\"=dword:0\n\"EventLogin\"=dword:1\n"
	    SCH "\\Messaging]\n\"MessageLimitClient\"=dword:8000\n"
	    SCH "\\Protocols\\TLS 1.2\\Client]\n\"Enabled\"=dword:1\n",
	    &e), 0);
	assert_non_null(g = ign_of(&p, CS "Protocols\\TLS1.2\\Client",
	    "Enabled", NULL));
	assert_string_equal(g->closest, "Protocols\\TLS 1.2\\Client");
	assert_true(p.ops[g->op].ignored);
	assert_non_null(g = ign_of(&p, CS "Ciphers\\Triple DES 168/168",
	    NULL, NULL));
	assert_string_equal(g->closest, "Ciphers\\Triple DES 168");
	assert_non_null(g = ign_of(&p, CS "Protocols\\TLS 1.2\\Server",
	    "Enabled ", NULL));
	assert_string_equal(g->closest, "Enabled");
	assert_non_null(g = ign_of(&p, CS "Protocols\\TLS 1.2\\Server",
	    "DisabledByDefault", NULL));
	assert_non_null(strstr(g->why, "REG_DWORD"));
	assert_non_null(ign_of(&p, CS "Protocols\\TLS 1.2\\Client ",
	    "Enabled", NULL));
	assert_non_null(g = ign_of(&p, "ControlSet001\\Control\\"
	    "SecurityProviders\\SCHANNEL", "EventLogin", NULL));
	assert_string_equal(g->closest, "EventLogging");
	/* documented values no row manages, and the right spellings */
	assert_null(ign_of(&p, "ControlSet001\\Control\\SecurityProviders\\"
	    "SCHANNEL", "ClientCacheTime", NULL));
	assert_null(ign_of(&p, CS "Messaging", "MessageLimitClient", NULL));
	assert_null(ign_of(&p, CS "Protocols\\TLS 1.2\\Client", "Enabled",
	    NULL));
	assert_null(ign_of(&p, CS "Protocols\\TLS 1.2", NULL, NULL));
	/* what Windows ignores is never counted */
	size_t nignored = 0, counted = 0;
	for (size_t i = 0; i < p.nops; i++)
		nignored += p.ops[i].ignored;
	for (int v = 0; v < V_COUNT; v++)
		counted += p.nverdict[v];
	assert_int_equal(nignored, 9);
	assert_int_equal(counted, p.nops - nignored);
	plan_free(&p);
	img_close(&m);
}

/*
 * KB980436 (MS10-049, advisory 977377) documents three Schannel values for
 * renegotiation: AllowInsecureRenegoClients, AllowInsecureRenegoServers
 * and UseScsvForTls.  All three are read, and are rows of the table.
 */
static void
test_lint_schannel__renegotiation_values_read(void **state)
{
	struct img m;
	struct plan p;
	struct strlist e = { 0 };
	static const char *const names[] = { "AllowInsecureRenegoClients",
	    "AllowInsecureRenegoServers", "UseScsvForTls" };

	img_open(&m, "2019", NULL);
	assert_int_equal(plan_for_reg(&p, &m, HDR SCH "]\n"
	    "\"AllowInsecureRenegoClients\"=dword:0\n"
	    "\"AllowInsecureRenegoServers\"=dword:0\n"
	    "\"UseScsvForTls\"=dword:1\n", &e), 0);
	for (size_t i = 0; i < 3; i++) {
		const struct op *o = find_op(&p, OP_SET, "ControlSet001\\"
		    "Control\\SecurityProviders\\SCHANNEL", names[i]);
		assert_non_null(o);
		assert_null(ign_of(&p, o->key, names[i], NULL));
		assert_non_null(o->s);
	}
	assert_string_equal(find_op(&p, OP_SET, "ControlSet001\\Control\\"
	    "SecurityProviders\\SCHANNEL", "UseScsvForTls")->s->name,
	    "renegotiation SCSV");
	plan_free(&p);
	img_close(&m);
}

/* Settings the build lacks, list items it skips, a view it lacks. */
static void
test_lint_build__tls13_suites_curves_wow64(void **state)
{
	struct img m;
	struct plan p;
	struct strlist e = { 0 };
	const struct ignored *g;
	static const char pol[] = "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\"
	    "Microsoft\\Cryptography\\Configuration\\SSL\\00010002]\n";

	char *text = xasprintf(HDR SCH "\\Protocols\\TLS 1.3\\Client]\n"
	    "\"Enabled\"=dword:1\n%s"
	    "\"Functions\"=\"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384,"
	    "TLS_NO_SUCH_SUITE,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\"\n"
	    /* ANSI file: the multi-string's bytes are ANSI text */
	    "\"EccCurves\"=hex(7):4e,69,73,74,50,32,35,36,00,4e,69,73,74,50,"
	    "32,35,37,00,00\n"
	    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Wow6432Node\\Microsoft\\"
	    ".NETFramework\\v4.0.30319]\n\"SchUseStrongCrypto\"=dword:1\n", pol);
	img_open(&m, "2019", NULL);
	assert_int_equal(plan_for_reg(&p, &m, text, &e), 0);
	assert_non_null(g = ign_of(&p, CS "Protocols\\TLS 1.3\\Client",
	    "Enabled", NULL));
	assert_non_null(strstr(g->why, "build 17763 has no TLS 1.3"));
	/* from Windows 10 on a curve suffix names the suite: "the elliptic
	 * curve suffix is not required and is overridden by the new elliptic
	 * curve priority order, when provided" (tls-cipher-suites-in-windows-
	 * 10-v1809.md): a note, not ignored */
	assert_null(ign_of(&p, "Policies\\Microsoft\\Cryptography\\"
	    "Configuration\\SSL\\00010002", "Functions",
	    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384"));
	int noted = 0;
	for (size_t i = 0; i < p.notes.n; i++)
		noted |= strstr(p.notes.v[i], "TLS_ECDHE_RSA_WITH_AES_256_CBC_"
		    "SHA384_P384 is TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384") != NULL;
	assert_true(noted);
	assert_non_null(g = ign_of(&p, "Policies\\Microsoft\\Cryptography\\"
	    "Configuration\\SSL\\00010002", "Functions", "TLS_NO_SUCH_SUITE"));
	assert_false(p.ops[g->op].ignored);	/* the list is read */
	assert_null(ign_of(&p, "Policies\\Microsoft\\Cryptography\\"
	    "Configuration\\SSL\\00010002", "Functions",
	    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
	assert_non_null(g = ign_of(&p, "Policies\\Microsoft\\Cryptography\\"
	    "Configuration\\SSL\\00010002", "EccCurves", "NistP257"));
	assert_string_equal(g->closest, "NistP256");
	/* 64-bit: the 32-bit view is read */
	assert_null(ign_of(&p, "Wow6432Node\\Microsoft\\.NETFramework\\"
	    "v4.0.30319", "SchUseStrongCrypto", NULL));
	plan_free(&p);
	img_close(&m);

	img_open(&m, "win7-x86", NULL);
	assert_int_equal(plan_for_reg(&p, &m, text, &e), 0);
	assert_non_null(g = ign_of(&p, "Wow6432Node\\Microsoft\\.NETFramework"
	    "\\v4.0.30319", "SchUseStrongCrypto", NULL));
	assert_non_null(strstr(g->why, "32-bit Windows"));
	/* Windows 7 has _P384 names */
	assert_null(ign_of(&p, "Policies\\Microsoft\\Cryptography\\"
	    "Configuration\\SSL\\00010002", "Functions",
	    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384"));
	plan_free(&p);
	img_close(&m);
	free(text);
}

#define ECC "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\" \
	"Cryptography\\Configuration\\SSL\\00010002]\n"
#define ECC_KEY "Policies\\Microsoft\\Cryptography\\Configuration\\" \
	"SSL\\00010002"
/* Windows 10 1507, as "TLS Elliptic Curves in Windows 10 version 1507 and
 * 1511" describes it: build 10240 */
#define W1507 "SOFTWARE|Microsoft\\Windows NT\\CurrentVersion|" \
	"CurrentBuildNumber|sz|10240\n"

/*
 * The curve order is read from Windows 10 1507 on, with NistP256 and
 * NistP384 ("TLS Elliptic Curves in Windows 10 version 1507 and 1511");
 * curve25519 comes with 1607 ("... 1607 and later"); before Windows 10
 * nothing reads it ("Manage TLS").
 */
static void
test_lint_curves__by_build(void **state)
{
	struct img m;
	struct plan p;
	struct strlist e = { 0 };
	const struct ignored *g;
	/* NistP256, NistP384, curve25519 as an ANSI .reg spells them */
	static const char reg[] = HDR ECC "\"EccCurves\"=hex(7):"
	    "4e,69,73,74,50,32,35,36,00,4e,69,73,74,50,33,38,34,00,"
	    "63,75,72,76,65,32,35,35,31,39,00,00\n";

	img_open(&m, "win10", W1507);
	assert_int_equal(m.f.build, 10240);
	assert_int_equal(plan_for_reg(&p, &m, reg, &e), 0);
	assert_null(ign_of(&p, ECC_KEY, "EccCurves", NULL));
	assert_null(ign_of(&p, ECC_KEY, "EccCurves", "NistP256"));
	assert_null(ign_of(&p, ECC_KEY, "EccCurves", "NistP384"));
	assert_non_null(g = ign_of(&p, ECC_KEY, "EccCurves", "curve25519"));
	assert_non_null(strstr(g->why, "14393"));
	plan_free(&p);
	img_close(&m);

	img_open(&m, "2012r2", NULL);
	assert_int_equal(plan_for_reg(&p, &m, reg, &e), 0);
	assert_non_null(g = ign_of(&p, ECC_KEY, "EccCurves", NULL));
	assert_non_null(strstr(g->why, "build 9600 has no ecc-curves"));
	plan_free(&p);
	img_close(&m);
	assert_int_equal(e.n, 0);
}

/*
 * A curve added with certutil -addEccCurve is one Windows takes by name in
 * the curve order ("Manage TLS"); a name neither listed nor added is not.
 */
static void
test_lint_curves__added_with_certutil(void **state)
{
	struct img m;
	struct plan p;
	struct strlist e = { 0 };
	/* ContosoP256 */
	static const char reg[] = HDR ECC "\"EccCurves\"=hex(7):"
	    "43,6f,6e,74,6f,73,6f,50,32,35,36,00,00\n";

	img_open(&m, "2019", "SYSTEM|ControlSet001\\Control\\Cryptography\\"
	    "ECCParameters\\ContosoP256|CurveType|dword|0xfe00\n");
	assert_int_equal(plan_for_reg(&p, &m, reg, &e), 0);
	assert_int_equal(p.nign, 0);
	plan_free(&p);
	img_close(&m);

	img_open(&m, "2019", NULL);
	assert_int_equal(plan_for_reg(&p, &m, reg, &e), 0);
	assert_non_null(ign_of(&p, ECC_KEY, "EccCurves", "ContosoP256"));
	plan_free(&p);
	img_close(&m);
	assert_int_equal(e.n, 0);
}

/* x25519_mlkem768, secP256r1, nistP192 as an ANSI .reg spells them */
#define GROUPS "\"EccCurves\"=hex(7):" \
	"78,32,35,35,31,39,5f,6d,6c,6b,65,6d,37,36,38,00," \
	"73,65,63,50,32,35,36,72,31,00,6e,69,73,74,50,31,39,32,00,00\n"

/*
 * The named curves the 1507 and 1607 pages list as supported (nistP192,
 * secP256r1, ...) are curves Windows reads; the ML-KEM groups of "TLS
 * Supported Groups in Windows 11 24H2 and later" exist from client build
 * 26100.8514 on, and on servers from build 29550 only.
 */
static void
test_lint_curves__named_curves_and_groups(void **state)
{
	struct img m;
	struct plan p;
	struct strlist e = { 0 };
	const struct ignored *g;
	static const char reg[] = HDR ECC GROUPS;

	img_open(&m, "2019", NULL);
	assert_int_equal(plan_for_reg(&p, &m, reg, &e), 0);
	assert_null(ign_of(&p, ECC_KEY, "EccCurves", "secP256r1"));
	assert_null(ign_of(&p, ECC_KEY, "EccCurves", "nistP192"));
	assert_non_null(g = ign_of(&p, ECC_KEY, "EccCurves",
	    "x25519_mlkem768"));
	assert_non_null(strstr(g->why, "client build 26100.8514"));
	plan_free(&p);
	img_close(&m);

	/* Windows 11 24H2 at the page's minimum update */
	img_open(&m, "win11", "SOFTWARE|Microsoft\\Windows NT\\"
	    "CurrentVersion|CurrentBuildNumber|sz|26100\n"
	    "SOFTWARE|Microsoft\\Windows NT\\CurrentVersion|UBR|dword|8514\n");
	assert_int_equal(plan_for_reg(&p, &m, reg, &e), 0);
	assert_int_equal(p.nign, 0);
	plan_free(&p);
	img_close(&m);

	/* Server 2025 (26100): the page's server minimum is 29550 */
	img_open(&m, "2025", "SOFTWARE|Microsoft\\Windows NT\\"
	    "CurrentVersion|UBR|dword|8514\n");
	assert_int_equal(plan_for_reg(&p, &m, reg, &e), 0);
	assert_non_null(g = ign_of(&p, ECC_KEY, "EccCurves",
	    "x25519_mlkem768"));
	assert_non_null(strstr(g->why, "server build 29550"));
	plan_free(&p);
	img_close(&m);
	assert_int_equal(e.n, 0);
}

/* Near misses at the table's other keys; other values are left alone. */
static void
test_lint_near_miss__only_close_names(void **state)
{
	struct img m;
	struct plan p;
	struct strlist e = { 0 };
	const struct ignored *g;

	img_open(&m, "2019", NULL);
	assert_int_equal(plan_for_reg(&p, &m, HDR
	    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\.NETFramework\\"
	    "v4.0.30319]\n\"SchUseStrongCrypt0\"=dword:1\n"
	    "\"InstallPath\"=\"C:\\\\x\"\n", &e), 0);
	assert_non_null(g = ign_of(&p, "Microsoft\\.NETFramework\\v4.0.30319",
	    "SchUseStrongCrypt0", NULL));
	assert_string_equal(g->closest, "SchUseStrongCrypto");
	assert_null(ign_of(&p, "Microsoft\\.NETFramework\\v4.0.30319",
	    "InstallPath", NULL));
	assert_int_equal(p.nign, 1);
	plan_free(&p);
	img_close(&m);
}

/* The note written for a value one view of a 64-bit image lacks, or NULL. */
static const char *
note_with(const struct plan *p, const char *needle)
{
	for (size_t i = 0; i < p->notes.n; i++)
		if (strstr(p->notes.v[i], needle))
			return p->notes.v[i];
	return NULL;
}

/*
 * In FIPS mode a .reg's curve order keeps what it names, with a note on
 * the curves the pages mark not available in FIPS mode (curve25519 here).
 */
static void
test_lint_curves__fips_mode_note(void **state)
{
	struct img m;
	struct plan p;
	struct strlist e = { 0 };
	static const char reg[] = HDR ECC "\"EccCurves\"=hex(7):"
	    "4e,69,73,74,50,32,35,36,00,"
	    "63,75,72,76,65,32,35,35,31,39,00,00\n";

	img_open(&m, "2019", "SYSTEM|ControlSet001\\Control\\Lsa\\"
	    "FipsAlgorithmPolicy|Enabled|dword|1\n");
	assert_int_equal(plan_for_reg(&p, &m, reg, &e), 0);
	assert_int_equal(p.nign, 0);
	assert_non_null(note_with(&p, "t.reg:3: ecc-curves: curve25519: not "
	    "available in FIPS mode"));
	assert_int_equal(p.nwarn, 0);
	plan_free(&p);
	img_close(&m);
	assert_int_equal(e.n, 0);
}

#define NET "[HKEY_LOCAL_MACHINE\\SOFTWARE\\"
#define V4 "Microsoft\\.NETFramework\\v4.0.30319]\n"

/* A .NET or WinHTTP value in one view only: 32-bit programs read the other. */
static void
test_lint_wow64__one_view_gets_a_note(void **state)
{
	struct img m;
	struct plan p;
	struct strlist e = { 0 };
	const char *n;

	img_open(&m, "2019", NULL);
	assert_int_equal(plan_for_reg(&p, &m, HDR NET V4
	    "\"SchUseStrongCrypto\"=dword:1\n", &e), 0);
	assert_non_null(n = note_with(&p, "SchUseStrongCrypto"));
	assert_string_equal(n, "t.reg:3 sets SchUseStrongCrypto only for "
	    "64-bit programs: 32-bit programs read Wow6432Node\\Microsoft\\"
	    ".NETFramework\\v4.0.30319");
	assert_int_equal(p.nign, 0);
	plan_free(&p);

	/* and the reverse */
	assert_int_equal(plan_for_reg(&p, &m, HDR NET "Wow6432Node\\" V4
	    "\"SchUseStrongCrypto\"=dword:1\n", &e), 0);
	assert_non_null(n = note_with(&p, "SchUseStrongCrypto"));
	assert_string_equal(n, "t.reg:3 sets SchUseStrongCrypto only for "
	    "32-bit programs: 64-bit programs read Microsoft\\"
	    ".NETFramework\\v4.0.30319");
	plan_free(&p);

	/* both views (in any case), or a value of another name: no note */
	assert_int_equal(plan_for_reg(&p, &m, HDR NET V4
	    "\"SchUseStrongCrypto\"=dword:1\n"
	    "\"InstallPath\"=\"C:\\\\x\"\n"
	    NET "WOW6432NODE\\" V4 "\"schusestrongcrypto\"=dword:1\n", &e), 0);
	assert_null(note_with(&p, "programs read"));
	plan_free(&p);
	img_close(&m);

	/* a 32-bit Windows has one view */
	img_open(&m, "win7-x86", NULL);
	assert_int_equal(plan_for_reg(&p, &m, HDR NET V4
	    "\"SchUseStrongCrypto\"=dword:1\n", &e), 0);
	assert_null(note_with(&p, "programs read"));
	plan_free(&p);
	img_close(&m);
	assert_int_equal(e.n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lint_schannel__unknown_keys_and_values),
		cmocka_unit_test(test_lint_schannel__renegotiation_values_read),
		cmocka_unit_test(test_lint_curves__by_build),
		cmocka_unit_test(test_lint_curves__named_curves_and_groups),
		cmocka_unit_test(test_lint_curves__fips_mode_note),
		cmocka_unit_test(test_lint_curves__added_with_certutil),
		cmocka_unit_test(test_lint_build__tls13_suites_curves_wow64),
		cmocka_unit_test(test_lint_near_miss__only_close_names),
		cmocka_unit_test(test_lint_wow64__one_view_gets_a_note),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
