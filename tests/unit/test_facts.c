/* facts.c: OS facts and control sets, and hives that are not what they claim. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "policy/facts.h"
#include "tlshive.h"

struct expect {
	const char *layout;
	unsigned build;
	int is64;
	enum os_type type;
	unsigned csets[MAX_CSETS];
	size_t ncsets;
};

static void
check_layout(const struct expect *e)
{
	char *root = fixture_image(e->layout, NULL);
	char *sp = fixture_path(root, "SYSTEM"), *wp = fixture_path(root,
	    "SOFTWARE");
	struct hive *sys = hive_open(sp, 0), *soft = hive_open(wp, 0);
	struct facts f;

	assert_int_equal(facts_read(&f, sys, soft), 0);
	assert_int_equal(f.build, e->build);
	assert_int_equal(f.is64, e->is64);
	assert_int_equal(f.type, e->type);
	assert_int_equal(f.ncsets, e->ncsets);
	for (size_t i = 0; i < e->ncsets; i++)
		assert_int_equal(f.csets[i], e->csets[i]);
	facts_free(&f);
	hive_close(sys);
	hive_close(soft);
	fixture_image_rm(root);
	free(root);
	free(sp);
	free(wp);
}

static void
test_facts_read__layouts(void **state)
{
	static const struct expect ex[] = {
		{ "win7-x86", 7601, 0, OS_CLIENT, { 1, 2 }, 2 },
		{ "2019", 17763, 1, OS_SERVER, { 1 }, 1 },
		{ "2022", 20348, 1, OS_SERVER, { 2, 1 }, 2 },
		{ "win11", 22631, 1, OS_CLIENT, { 1 }, 1 },
	};

	for (size_t i = 0; i < sizeof(ex) / sizeof(ex[0]); i++)
		check_layout(&ex[i]);
}

static void
test_facts_read__software_as_system__names_file(void **state)
{
	char *root = fixture_image("2019", NULL);
	char *wp = fixture_path(root, "SOFTWARE");
	struct hive *soft = hive_open(wp, 0);
	struct facts f;

	assert_int_equal(facts_read(&f, soft, NULL), -1);
	assert_non_null(strstr(tlsh_errmsg(), wp));
	assert_non_null(strstr(tlsh_errmsg(), "not a SYSTEM hive"));
	assert_non_null(strstr(tlsh_errmsg(), "looks like a SOFTWARE hive"));
	facts_free(&f);
	assert_int_equal(facts_read(&f, NULL, soft), 0);
	assert_int_equal(f.build, 17763);
	facts_free(&f);
	hive_close(soft);
	fixture_image_rm(root);
	free(root);
	free(wp);
}

static void
test_facts_read__select_names_missing_set__error(void **state)
{
	char *root = fixture_image("2019",
	    "SYSTEM|Select|LastKnownGood|dword|3\n");
	char *sp = fixture_path(root, "SYSTEM");
	struct hive *sys = hive_open(sp, 0);
	struct facts f;

	assert_int_equal(facts_read(&f, sys, NULL), -1);
	assert_non_null(strstr(tlsh_errmsg(), "no ControlSet003"));
	facts_free(&f);
	hive_close(sys);
	fixture_image_rm(root);
	free(root);
	free(sp);
}

static void
test_facts_name_and_updates(void **state)
{
	const char *cbs = "SOFTWARE|Microsoft\\Windows\\CurrentVersion\\"
	    "Component Based Servicing\\Packages\\";
	char *extra = xasprintf(
	    "%sPackage_for_KB3140245~31bf3856ad364e35~amd64~~6.1.1.1|CurrentState|dword|0x70\n"
	    "%sPackage_for_KB4019276~31bf3856ad364e35~amd64~~6.1.1.1|CurrentState|dword|0x20\n"
	    "%sPackage_for_RollupFix~31bf3856ad364e35~amd64~~7601.1.1|CurrentState|dword|0x70\n",
	    cbs, cbs, cbs);
	char *root = fixture_image("win11", extra);
	char *wp = fixture_path(root, "SOFTWARE");
	struct hive *soft = hive_open(wp, 0);
	struct facts f;
	char *n;

	assert_int_equal(facts_read(&f, NULL, soft), 0);
	n = facts_name(&f);
	assert_string_equal(n, "Windows 11 23H2");	/* ProductName: 10 */
	free(n);
	assert_true(facts_has_kb(&f, 3140245));
	assert_false(facts_has_kb(&f, 4019276));	/* resolved, not installed */
	assert_int_equal(f.nkbs, 1);
	f.build = 99999;
	n = facts_name(&f);
	assert_string_equal(n, "Windows 11 23H2");	/* new builds by family */
	free(n);
	f.build = 0;
	n = facts_name(&f);
	assert_non_null(strstr(n, "unknown"));
	free(n);
	facts_free(&f);
	hive_close(soft);
	fixture_image_rm(root);
	free(root);
	free(wp);
	free(extra);
}

static void
facts_of(const char *layout, const char *extra, int sys, int soft,
    struct facts *f)
{
	char *root = fixture_image(layout, extra);
	char *sp = fixture_path(root, "SYSTEM"), *wp = fixture_path(root,
	    "SOFTWARE");
	struct hive *hs = hive_open(sp, 0), *hw = hive_open(wp, 0);

	assert_int_equal(facts_read(f, sys ? hs : NULL, soft ? hw : NULL), 0);
	hive_close(hs);
	hive_close(hw);
	fixture_image_rm(root);
	free(root);
	free(sp);
	free(wp);
}

/*
 * Facts come from what Windows itself records, never from keys a TLS .reg
 * creates: Wow6432Node written on a 32-bit Windows 7 leaves it 32-bit,
 * and an empty Exchange setup key is no Exchange.
 */
static void
test_facts_read__not_from_keys_a_reg_makes(void **state)
{
	static const char reg_made[] =
	    "SOFTWARE|Wow6432Node\\Microsoft\\.NETFramework\\v4.0.30319|"
	    "SchUseStrongCrypto|dword|1\n"
	    "SOFTWARE|Microsoft\\ExchangeServer\\v15\\Setup|Note|sz|x\n";
	struct facts f;

	facts_of("win7-x86", reg_made, 1, 1, &f);
	assert_int_equal(f.is64, 0);
	assert_false(f.exchange);
	facts_free(&f);
	/* SOFTWARE alone: the build lab setup wrote */
	facts_of("win7-x86", reg_made, 0, 1, &f);
	assert_int_equal(f.is64, 0);
	assert_non_null(strstr(f.build_lab, ".x86fre."));
	facts_free(&f);
	facts_of("2019", NULL, 0, 1, &f);
	assert_int_equal(f.is64, 1);
	facts_free(&f);
	/* neither hive tells: unknown, not guessed */
	facts_of("2019", "SOFTWARE|Microsoft\\Windows NT\\CurrentVersion|"
	    "BuildLabEx|sz|garbage\n", 0, 1, &f);
	assert_int_equal(f.is64, -1);
	facts_free(&f);
	facts_of("2019", "SOFTWARE|Microsoft\\ExchangeServer\\v15\\Setup|"
	    "MsiProductMajor|dword|0xf\n", 1, 1, &f);
	assert_true(f.exchange);
	facts_free(&f);
}

/*
 * The roles benchmark rules apply to: IIS from the version its setup
 * records (an empty InetStp key a .reg made is no IIS), a SQL Server
 * engine from its instance list; unknown without SOFTWARE.
 */
static void
test_facts_read__roles(void **state)
{
	struct facts f;

	facts_of("2022", "SOFTWARE|Microsoft\\InetStp|Note|sz|x\n", 1, 1, &f);
	assert_int_equal(f.iis, 0);
	assert_int_equal(f.sql, 0);
	facts_free(&f);
	facts_of("2022", "SOFTWARE|Microsoft\\InetStp|MajorVersion|dword|10\n"
	    "SOFTWARE|Microsoft\\Microsoft SQL Server\\Instance Names\\SQL|"
	    "MSSQLSERVER|sz|MSSQL16.MSSQLSERVER\n", 1, 1, &f);
	assert_int_equal(f.iis, 1);
	assert_int_equal(f.sql, 1);
	facts_free(&f);
	facts_of("2022", NULL, 1, 0, &f);
	assert_int_equal(f.iis, -1);
	assert_int_equal(f.sql, -1);
	facts_free(&f);
}

/*
 * A bare build number for export --os: a server where only Windows Server
 * has that build (20348 is Server 2022, 25398 Server 23H2), a client where
 * only the client has it (22631 is Windows 11 23H2), and neither where
 * both share it (14393 is 10 1607 and Server 2016, 17763 is 10 1809 and
 * Server 2019, 26100 is 11 24H2 and Server 2025).
 */
static void
test_facts_for_os__bare_build_type(void **state)
{
	static const struct {
		const char *name;
		enum os_type type;
	} ex[] = {
		{ "20348", OS_SERVER }, { "25398", OS_SERVER },
		{ "22631", OS_CLIENT }, { "19045", OS_CLIENT },
		{ "14393", OS_TYPE_UNKNOWN }, { "17763", OS_TYPE_UNKNOWN },
		{ "26100", OS_TYPE_UNKNOWN }, { "27000", OS_TYPE_UNKNOWN },
		{ "2019", OS_SERVER }, { "win11", OS_CLIENT },
	};
	struct facts f;
	char *name;

	for (size_t i = 0; i < sizeof(ex) / sizeof(ex[0]); i++) {
		assert_int_equal(facts_for_os(&f, ex[i].name), 0);
		if (f.type != ex[i].type)
			fail_msg("--os %s: type %s", ex[i].name,
			    facts_type_name(f.type));
		facts_free(&f);
	}
	/* and its name says which Windows it may be */
	assert_int_equal(facts_for_os(&f, "17763"), 0);
	name = facts_name(&f);
	assert_string_equal(name, "Windows 10 1809 or Windows Server 2019");
	free(name);
	facts_free(&f);
	assert_int_equal(facts_for_os(&f, "20348"), 0);
	name = facts_name(&f);
	assert_string_equal(name, "Windows Server 2022");
	free(name);
	facts_free(&f);
}

/*
 * FIPS mode: the policy's value Lsa\FipsAlgorithmPolicy\Enabled; the
 * Schannel registry page (tls-registry-settings) names an entry
 * FIPSAlgorithmPolicy of Lsa itself, default 0.  Set there only (or
 * Enabled not a DWORD), Microsoft's pages leave it unknown.
 */
static void
test_facts_read__fips_mode(void **state)
{
	static const struct {
		const char *extra;
		int sys, want;
	} cases[] = {
		{ NULL, 1, 0 },		/* mkimage: Enabled=0 */
		{ "SYSTEM|ControlSet001\\Control\\Lsa\\FipsAlgorithmPolicy|"
		  "Enabled|dword|1\n", 1, 1 },
		{ "SYSTEM|ControlSet001\\Control\\Lsa\\FipsAlgorithmPolicy|"
		  "Enabled|sz|1\n", 1, -1 },
		{ "SYSTEM|ControlSet001\\Control\\Lsa|FIPSAlgorithmPolicy|"
		  "dword|1\n", 1, -1 },
		{ "SYSTEM|ControlSet001\\Control\\Lsa|FIPSAlgorithmPolicy|"
		  "dword|0\n", 1, 0 },
		{ NULL, 0, -1 },	/* no SYSTEM hive */
	};
	struct facts f;

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		facts_of("2019", cases[i].extra, cases[i].sys, 1, &f);
		assert_int_equal(f.fips, cases[i].want);
		facts_free(&f);
	}
	assert_int_equal(facts_for_os(&f, "2019"), 0);
	assert_int_equal(f.fips, -1);
	facts_free(&f);
}

/*
 * The local curve order beside the local suite list (no Microsoft page
 * names its place; a real Windows 10 SYSTEM hive holds the 1607 page's
 * default, curve25519, NistP256, NistP384, there).
 */
static void
test_facts_read__local_curve_order(void **state)
{
	struct facts f;

	facts_of("2019", "SYSTEM|ControlSet001\\Control\\Cryptography\\"
	    "Configuration\\Local\\SSL\\00010002|EccCurves|multi|"
	    "curve25519,NistP256,NistP384\n", 1, 1, &f);
	assert_int_equal(f.nlocal_curves, 3);
	assert_string_equal(f.local_curves[0], "curve25519");
	assert_string_equal(f.local_curves[2], "NistP384");
	facts_free(&f);
	facts_of("2019", NULL, 1, 1, &f);
	assert_null(f.local_curves);
	facts_free(&f);
}

/*
 * The asset's names, from the control set Windows boots: a pending rename
 * ("NV " values) wins over the names the last boot used, an empty Domain
 * (a workgroup) names nothing, and ProductType stays as written.
 */
static void
test_facts_read__asset_names(void **state)
{
	struct facts f;

	/* mkimage: GOLDEN, golden, Domain "" */
	facts_of("2019", NULL, 1, 1, &f);
	assert_string_equal(f.computer_name, "GOLDEN");
	assert_string_equal(f.dns_hostname, "golden");
	assert_null(f.dns_domain);
	assert_string_equal(f.product_type, "ServerNT");
	facts_free(&f);
	facts_of("win11", "SYSTEM|ControlSet001\\Services\\Tcpip\\"
	    "Parameters|Domain|sz|old.example\n"
	    "SYSTEM|ControlSet001\\Services\\Tcpip\\Parameters|"
	    "NV Domain|sz|corp.example\n"
	    "SYSTEM|ControlSet001\\Services\\Tcpip\\Parameters|"
	    "NV Hostname|sz|Wks-07\n"
	    "SYSTEM|ControlSet001\\Control\\ProductOptions|ProductType|sz|"
	    "LanmanNT\n", 1, 1, &f);
	assert_string_equal(f.dns_domain, "corp.example");
	assert_string_equal(f.dns_hostname, "Wks-07");
	assert_string_equal(f.product_type, "LanmanNT");
	facts_free(&f);
	facts_of("win11", "SYSTEM|ControlSet001\\Services\\Tcpip\\"
	    "Parameters|Domain|sz|old.example\n", 1, 1, &f);
	assert_string_equal(f.dns_domain, "old.example");
	facts_free(&f);
	/* 2022 boots ControlSet002: a name in ControlSet001 is not its */
	facts_of("2022", "SYSTEM|ControlSet001\\Control\\ComputerName\\"
	    "ComputerName|ComputerName|sz|STALE\n", 1, 1, &f);
	assert_string_equal(f.computer_name, "GOLDEN");
	facts_free(&f);
	facts_of("2022", "SYSTEM|ControlSet002\\Control\\ComputerName\\"
	    "ComputerName|ComputerName|sz|WEB01\n", 1, 1, &f);
	assert_string_equal(f.computer_name, "WEB01");
	facts_free(&f);
	/* no SYSTEM hive: no names */
	facts_of("2019", NULL, 0, 1, &f);
	assert_null(f.computer_name);
	assert_null(f.product_type);
	facts_free(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_facts_read__layouts),
		cmocka_unit_test(test_facts_read__software_as_system__names_file),
		cmocka_unit_test(test_facts_read__select_names_missing_set__error),
		cmocka_unit_test(test_facts_name_and_updates),
		cmocka_unit_test(test_facts_read__not_from_keys_a_reg_makes),
		cmocka_unit_test(test_facts_read__roles),
		cmocka_unit_test(test_facts_for_os__bare_build_type),
		cmocka_unit_test(test_facts_read__fips_mode),
		cmocka_unit_test(test_facts_read__local_curve_order),
		cmocka_unit_test(test_facts_read__asset_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
