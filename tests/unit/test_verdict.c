/* verdict.c: Windows' defaults, missing updates, and each op's verdict. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "planfix.h"

/* Verdicts are values: compliant, implicit, unsupported, differs. */
static void
test_verdict_enum__and_count(void **state)
{
	struct img m;
	struct plan p;
	struct strlist e = { 0 };
	size_t on = 0, off = 0;

	img_open(&m, "2019", "SYSTEM|ControlSet001\\Control\\SecurityProviders"
	    "\\SCHANNEL\\Protocols\\TLS 1.1\\Server|Enabled|dword|0x1\n");
	/* TLS 1.2 is on by default on 2019: absent, so implicit */
	assert_int_equal(plan_for(&p, &m, "TLS 1.2 = on", &e), 0);
	for (size_t i = 0; i < p.nops; i++)
		assert_int_equal(p.ops[i].verdict, V_IMPLICIT);
	assert_int_equal(p.nverdict[V_IMPLICIT], p.nops);
	assert_int_equal(plan_noncompliant(&p, 0), 0);
	assert_int_equal(plan_noncompliant(&p, 1), p.nops);
	plan_free(&p);
	/* SSL 2.0 does not exist on 2019: off is unsupported, not a
	 * difference unless --explicit */
	assert_int_equal(plan_for(&p, &m, "SSL 2.0 = off", &e), 0);
	assert_true(p.nverdict[V_UNSUPPORTED] > 0);
	assert_int_equal(plan_noncompliant(&p, 0), 0);
	plan_free(&p);
	/* TLS 1.1 server holds Enabled=1: switching it off differs */
	assert_int_equal(plan_for(&p, &m, "TLS 1.1 = off", &e), 0);
	for (size_t i = 0; i < p.nops; i++) {
		if (strstr(p.ops[i].key, "TLS 1.1\\Server") &&
		    strcmp(p.ops[i].name, "Enabled") == 0) {
			assert_int_equal(p.ops[i].verdict, V_DIFFERS);
			on++;
		} else if (p.ops[i].verdict == V_DIFFERS)
			off++;	/* absent, and 2019 has TLS 1.1 on by default */
	}
	assert_int_equal(on, 1);
	assert_int_equal(on + off, p.nops);
	assert_int_equal(plan_noncompliant(&p, 0), p.nops);
	plan_free(&p);
	img_close(&m);
	sl_free(&e);
}

static const struct target *
target_of(const struct plan *p, const char *name, const char *where)
{
	for (size_t i = 0; i < p->nt; i++)
		if (strcmp(p->t[i].s->name, name) == 0 &&
		    strcmp(p->t[i].where, where) == 0)
			return &p->t[i];
	fail_msg("no target %s in %s", name, where);
	return NULL;
}

/*
 * What Windows does without a value: the build's default and the page
 * that says so; with a value, what the registry says.
 */
static void
test_verdict_effect__default_or_registry(void **state)
{
	struct img m;
	struct plan p;
	struct effect_of e;

	img_open(&m, "win7-x86", "SYSTEM|ControlSet001\\Control\\"
	    "SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Client|"
	    "DisabledByDefault|dword|0x1\n");
	assert_int_equal(plan_show(&p, &m.f, m.h), 0);
	/* Windows 7 has TLS 1.2 off by default for clients */
	plan_effect(target_of(&p, "TLS 1.2 client", "ControlSet002"), &m.f, &e);
	assert_int_equal(e.state, EFF_DISABLED);
	assert_int_equal(e.source, SRC_DEFAULT);
	assert_non_null(e.page);
	assert_string_equal(effect_source_name(e.source), "os-default");
	plan_effect_free(&e);
	plan_effect(target_of(&p, "TLS 1.0 client", "ControlSet001"), &m.f, &e);
	assert_int_equal(e.state, EFF_ENABLED);
	plan_effect_free(&e);
	/* DisabledByDefault=1 alone keeps it off, from the registry */
	plan_effect(target_of(&p, "TLS 1.2 client", "ControlSet001"), &m.f, &e);
	assert_int_equal(e.state, EFF_DISABLED);
	assert_int_equal(e.source, SRC_REGISTRY);
	assert_string_equal(effect_source_name(e.source), "registry");
	plan_effect_free(&e);
	plan_free(&p);
	img_close(&m);
}

/*
 * DisabledByDefault = 0 with no Enabled value beside it: nothing disables
 * the protocol, and the registry says it is on by default.  An absent
 * Enabled is no Enabled = 0.
 */
static void
test_verdict_effect__only_disabled_by_default_zero__enabled(void **state)
{
	struct img m;
	struct plan p;
	struct effect_of e;

	img_open(&m, "win7-x86", "SYSTEM|ControlSet001\\Control\\"
	    "SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Client|"
	    "DisabledByDefault|dword|0x0\n");
	assert_int_equal(plan_show(&p, &m.f, m.h), 0);
	plan_effect(target_of(&p, "TLS 1.2 client", "ControlSet001"), &m.f, &e);
	assert_int_equal(e.state, EFF_ENABLED);
	assert_int_equal(e.source, SRC_REGISTRY);
	plan_effect_free(&e);
	plan_free(&p);
	img_close(&m);
}

/*
 * DisabledByDefault=1 beside a non-zero Enabled: "If an SSPI app explicitly
 * requests to use TLS 1.0, it may be negotiated" (tls-registry-settings,
 * 2019 revision): off by default, not disabled.  An absent Enabled where
 * the build enables the protocol (TLS 1.0 on 2019) is the same; where the
 * build's own default is disabled (TLS 1.2 on Windows 7) it stays so.  The
 * verdicts still compare values: off wants Enabled=0, on DisabledByDefault=0.
 */
static void
test_verdict_effect__disabled_by_default__off_by_default(void **state)
{
	const char *k = "SYSTEM|ControlSet001\\Control\\SecurityProviders\\"
	    "SCHANNEL\\Protocols\\TLS 1.0\\";
	char *extra = xasprintf("%sServer|Enabled|dword|0x1\n"
	    "%sServer|DisabledByDefault|dword|0x1\n"
	    "%sClient|DisabledByDefault|dword|0x1\n", k, k, k);
	struct img m;
	struct plan p;
	struct effect_of e;
	struct strlist errs = { 0 };
	char *text;

	img_open(&m, "2019", extra);
	assert_int_equal(plan_show(&p, &m.f, m.h), 0);
	plan_effect(target_of(&p, "TLS 1.0 server", "ControlSet001"), &m.f, &e);
	assert_int_equal(e.state, EFF_ON_REQUEST);
	assert_int_equal(e.source, SRC_REGISTRY);
	text = plan_effect_text(target_of(&p, "TLS 1.0 server",
	    "ControlSet001"), &e);
	assert_string_equal(text, "off by default");
	free(text);
	plan_effect_free(&e);
	plan_effect(target_of(&p, "TLS 1.0 client", "ControlSet001"), &m.f, &e);
	assert_int_equal(e.state, EFF_ON_REQUEST);
	plan_effect_free(&e);
	plan_free(&p);
	/* off: Enabled=0 is still wanted, DisabledByDefault=1 already there */
	assert_int_equal(plan_for(&p, &m, "TLS 1.0 = off", &errs), 0);
	assert_int_equal(find_op(&p, OP_SET, "ControlSet001\\Control\\"
	    "SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.0\\Client",
	    "Enabled")->verdict, V_DIFFERS);
	assert_int_equal(find_op(&p, OP_SET, "ControlSet001\\Control\\"
	    "SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.0\\Server",
	    "Enabled")->verdict, V_DIFFERS);
	assert_false(find_op(&p, OP_SET, "ControlSet001\\Control\\"
	    "SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.0\\Server",
	    "DisabledByDefault")->needed);
	plan_free(&p);
	img_close(&m);
	free(extra);
	/* Windows 7 has TLS 1.2 disabled: DisabledByDefault alone keeps it so */
	img_open(&m, "win7-x86", "SYSTEM|ControlSet001\\Control\\"
	    "SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Client|"
	    "DisabledByDefault|dword|0x1\n");
	assert_int_equal(plan_show(&p, &m.f, m.h), 0);
	plan_effect(target_of(&p, "TLS 1.2 client", "ControlSet001"), &m.f, &e);
	assert_int_equal(e.state, EFF_DISABLED);
	plan_effect_free(&e);
	plan_free(&p);
	img_close(&m);
	sl_free(&errs);
}

/*
 * The NULL suites of every enabled list are "Only used when application
 * explicitly requests" (tls-cipher-suites-in-windows-10-v1809 and the
 * others): NULL is off by default, not disabled, so NULL = off is a
 * difference.  On Windows 7 without update 3042058, RC4 40 is in no
 * enabled suite (tls-cipher-suites-in-windows-7: "not enabled by
 * default"), so RC4 40/128 = off holds by default, as RC2 does.
 */
static void
test_verdict_ciphers__null_on_request_and_windows7(void **state)
{
	static const struct {
		const char *layout, *set;
		enum verdict v;
	} ex[] = {
		{ "2019", "NULL = off", V_DIFFERS },
		{ "2019", "RC2 128/128 = off", V_IMPLICIT },
		{ "win7-x86", "NULL = off", V_DIFFERS },
		{ "win7-x86", "RC4 40/128 = off", V_IMPLICIT },
		{ "win7-x86", "RC2 40/128 = off", V_IMPLICIT },
		{ "win7-x86", "DES 56/56 = off", V_IMPLICIT },
		{ "win7-x86", "RC4 128/128 = off", V_DIFFERS },
	};
	struct img m;
	struct plan p;
	struct strlist errs = { 0 };

	for (size_t k = 0; k < sizeof(ex) / sizeof(ex[0]); k++) {
		img_open(&m, ex[k].layout, NULL);
		assert_int_equal(plan_for(&p, &m, ex[k].set, &errs), 0);
		assert_true(p.nops > 0);
		for (size_t i = 0; i < p.nops; i++)
			if (p.ops[i].verdict != ex[k].v)
				fail_msg("%s: %s: verdict %d, not %d",
				    ex[k].layout, ex[k].set,
				    (int)p.ops[i].verdict, (int)ex[k].v);
		plan_free(&p);
		img_close(&m);
	}
	sl_free(&errs);
}

/*
 * WinHTTP's default is a value, and a want equal to it is implicit by
 * comparing values: Server 2016 (14393) defaults to SSL 3.0, TLS 1.0,
 * 1.1 and 1.2 (0xaa0); the words that show it play no part.
 */
static void
test_verdict_winhttp__implicit_by_value(void **state)
{
	struct img m;
	struct plan p;
	struct effect_of e;
	struct strlist errs = { 0 };
	uint32_t d = 0;
	char *text;

	img_open(&m, "2016", NULL);
	assert_int_equal(plan_show(&p, &m.f, m.h), 0);
	plan_effect(target_of(&p, "winhttp", "64-bit"), &m.f, &e);
	assert_int_equal(e.state, EFF_VALUE);
	assert_int_equal(e.source, SRC_DEFAULT);
	assert_int_equal(e.value.type, REGT_DWORD);
	assert_true(regval_get_dword(&e.value, &d));
	assert_int_equal(d, 0x20 | 0x80 | 0x200 | 0x800);
	text = plan_effect_text(target_of(&p, "winhttp", "64-bit"), &e);
	assert_string_equal(text, "SSL 3.0, TLS 1.0, TLS 1.1, TLS 1.2 (0xaa0)");
	free(text);
	plan_effect_free(&e);
	plan_free(&p);
	assert_int_equal(plan_for(&p, &m, "winhttp = 0xaa0", &errs), 0);
	assert_int_equal(p.nops, 2);	/* the 64-bit and 32-bit views */
	for (size_t i = 0; i < p.nops; i++)
		assert_int_equal(p.ops[i].verdict, V_IMPLICIT);
	plan_free(&p);
	assert_int_equal(plan_for(&p, &m, "winhttp = 0xa80", &errs), 0);
	assert_int_equal(p.nops, 2);
	for (size_t i = 0; i < p.nops; i++)
		assert_int_equal(p.ops[i].verdict, V_DIFFERS);
	plan_free(&p);
	img_close(&m);
	sl_free(&errs);
}

/*
 * Windows 11's WinHTTP default is TLS 1.2 and 1.3 ("Windows 11. By default,
 * only TLS1.2 and TLS1.3 are enabled.", WINHTTP_OPTION_SECURE_PROTOCOLS in
 * option-flags.md): asking for them is implicit there.  Server 2022 is not
 * on the page, nor Server 2008 SP2: there the verdict is unknown, not a
 * difference, and not 0xa0.
 */
static void
test_verdict_winhttp__windows11_default_and_unknown(void **state)
{
	static const struct {
		const char *layout;
		enum verdict v;
	} ex[] = {
		{ "win11", V_IMPLICIT }, { "2022", V_UNKNOWN },
		{ "2008sp2-x86", V_UNKNOWN },
	};
	struct img m;
	struct plan p;
	struct strlist errs = { 0 };

	for (size_t k = 0; k < sizeof(ex) / sizeof(ex[0]); k++) {
		img_open(&m, ex[k].layout, NULL);
		assert_int_equal(plan_for(&p, &m, ex[k].v == V_IMPLICIT ?
		    "winhttp = TLS 1.2, TLS 1.3" : "winhttp = TLS 1.2", &errs),
		    0);
		assert_true(p.nops > 0);
		for (size_t i = 0; i < p.nops; i++)
			if (p.ops[i].verdict != ex[k].v)
				fail_msg("%s: op %zu: verdict %d, not %d",
				    ex[k].layout, i, (int)p.ops[i].verdict,
				    (int)ex[k].v);
		plan_free(&p);
		img_close(&m);
	}
	sl_free(&errs);
}

/*
 * Updates a policy's values need and the image lacks: KB3140245 for
 * WinHTTP's DefaultSecureProtocols on Windows 7, not on 2019; KB3080079
 * only where TLS 1.0 goes off for servers.
 */
static void
test_verdict_prereqs__missing_update_warned(void **state)
{
	struct img m;
	struct plan p;
	struct strlist e = { 0 };

	img_open(&m, "win7-x86", NULL);
	assert_int_equal(plan_for(&p, &m, "winhttp = TLS 1.2", &e), 0);
	assert_int_equal(p.nwarn, 1);
	assert_int_equal(p.warn[0].kb, 3140245);
	assert_non_null(strstr(p.warn[0].text, "KB3140245 is not installed"));
	plan_free(&p);
	/* a profile without WinHTTP rows does not need it */
	assert_int_equal(plan_for(&p, &m, "TLS 1.0 client = off", &e), 0);
	assert_int_equal(p.nwarn, 0);
	plan_free(&p);
	/* RDP needs KB3080079 once TLS 1.0 is off for servers, not on */
	assert_int_equal(plan_for(&p, &m, "TLS 1.0 server = off", &e), 0);
	assert_int_equal(p.nwarn, 1);
	assert_int_equal(p.warn[0].kb, 3080079);
	plan_free(&p);
	assert_int_equal(plan_for(&p, &m, "TLS 1.0 server = on", &e), 0);
	assert_int_equal(p.nwarn, 0);
	plan_free(&p);
	img_close(&m);

	img_open(&m, "2019", NULL);
	assert_int_equal(plan_for(&p, &m, "winhttp = TLS 1.2", &e), 0);
	assert_int_equal(p.nwarn, 0);
	plan_free(&p);
	img_close(&m);
}

/* A warning of that update, or NULL. */
static const struct plan_warning *
warned(const struct plan *p, uint32_t kb)
{
	for (size_t i = 0; i < p->nwarn; i++)
		if (p->warn[i].kb == kb)
			return &p->warn[i];
	return NULL;
}

#define CBS "SOFTWARE|Microsoft\\Windows\\CurrentVersion\\Component Based " \
	"Servicing\\Packages\\"

/*
 * Server 2008 SP2 has TLS 1.1 and 1.2 only with KB4019276, which a
 * monthly rollup may carry without a package of its own: its absence is
 * a warning, as every other missing update is, not a refusal.
 */
static void
test_verdict_prereqs__kb4019276_a_warning(void **state)
{
	struct img m;
	struct plan p;
	struct strlist e = { 0 };

	img_open(&m, "2008sp2-x86", NULL);
	assert_int_equal(plan_for(&p, &m, "TLS 1.2 = on", &e), 0);
	assert_int_equal(e.n, 0);
	assert_non_null(warned(&p, 4019276));
	assert_string_equal(warned(&p, 4019276)->text, "TLS 1.2 exists on this "
	    "build only with update KB4019276, and KB4019276 is not installed "
	    "(a monthly rollup may carry it)");
	plan_free(&p);
	/* with TLS 1.0 off too, Schannel may be left with nothing */
	assert_int_equal(plan_for(&p, &m, "TLS 1.0 = off", &e), 0);
	assert_non_null(warned(&p, 4019276));
	assert_non_null(strstr(warned(&p, 4019276)->text, "no TLS version at "
	    "all"));
	plan_free(&p);
	img_close(&m);

	img_open(&m, "2008sp2-x86", CBS "Package_for_KB4019276~31bf3856ad364e35"
	    "~x86~~6.0.1.2|CurrentState|dword|0x70\n");
	assert_int_equal(plan_for(&p, &m, "TLS 1.2 = on", &e), 0);
	assert_null(warned(&p, 4019276));
	plan_free(&p);
	img_close(&m);
}

/*
 * Vista SP2 shares build 6002 with Server 2008 SP2 but not KB4019276:
 * the protocols page's "Windows Vista" row, no TLS 1.1 or 1.2 at all.
 */
static void
test_verdict_prereqs__vista_has_no_tls12(void **state)
{
	struct img m;
	struct plan p;
	struct strlist e = { 0 };

	img_open(&m, "2008sp2-x86", "SYSTEM|ControlSet001\\Control\\"
	    "ProductOptions|ProductType|sz|WinNT\n");
	assert_int_equal(plan_for(&p, &m, "TLS 1.2 client = on", &e), -1);
	assert_int_equal(e.n, 1);
	assert_non_null(strstr(e.v[0], "the image is Windows Vista SP2 (build "
	    "6002); Windows Vista SP2 has no TLS 1.2 at all (update KB4019276 "
	    "brings it to Windows Server 2008 SP2 only)"));
	assert_null(strstr(e.v[0], "not installed"));
	plan_free(&p);
	sl_free(&e);
	/* and show names no update that would bring it */
	assert_int_equal(plan_show(&p, &m.f, m.h), 0);
	assert_null(warned(&p, 4019276));
	plan_free(&p);
	img_close(&m);
}

/*
 * export --os reads no image: the updates a policy needs there could not
 * be checked, and it says so rather than "not installed".
 */
static void
test_verdict_prereqs__unchecked_without_image(void **state)
{
	struct facts f;
	struct policy pol = { 0 };
	struct plan p;
	struct strlist e = { 0 };
	struct hive *none[HV_COUNT] = { NULL };

	assert_int_equal(facts_for_os(&f, "2008"), 0);
	assert_int_equal(policy_add_set(&pol, "TLS 1.2 = on", &e), 0);
	assert_int_equal(policy_add_set(&pol, "winhttp = TLS 1.2", &e), 0);
	assert_int_equal(plan_build(&p, &pol, &f, none, PLAN_LIVE, &e), 0);
	assert_non_null(warned(&p, 4019276));
	assert_string_equal(warned(&p, 4019276)->text, "TLS 1.2 exists on this "
	    "build only with update KB4019276; KB4019276 could not be "
	    "checked: no image was read");
	assert_non_null(warned(&p, 4467770));
	assert_non_null(strstr(warned(&p, 4467770)->text, "could not be "
	    "checked"));
	plan_free(&p);
	policy_free(&pol);
	facts_free(&f);
}

/*
 * dotnet/docs (framework/network-programming/tls.md) lists KB3156421,
 * the Windows 10 1511 cumulative update, among the updates .NET 3.5
 * needs to honour the TLS switches; .NET 4's key is not concerned.
 */
static void
test_verdict_prereqs__dotnet35_on_1511(void **state)
{
	struct img m;
	struct plan p;
	struct strlist e = { 0 };

	img_open(&m, "win10", "SOFTWARE|Microsoft\\Windows NT\\CurrentVersion"
	    "|CurrentBuild|sz|10586\nSOFTWARE|Microsoft\\Windows NT\\"
	    "CurrentVersion|CurrentBuildNumber|sz|10586\n");
	assert_int_equal(m.f.build, 10586);
	assert_int_equal(plan_for(&p, &m, "dotnet v2 strong crypto = on", &e),
	    0);
	assert_non_null(warned(&p, 3156421));
	assert_non_null(strstr(warned(&p, 3156421)->text, ".NET Framework 3.5 "
	    "honours the TLS switches on Windows 10 1511 only with KB3156421"));
	plan_free(&p);
	assert_int_equal(plan_for(&p, &m, "dotnet v4 strong crypto = on", &e),
	    0);
	assert_null(warned(&p, 3156421));
	plan_free(&p);
	img_close(&m);

	img_open(&m, "win10", NULL);
	assert_int_equal(plan_for(&p, &m, "dotnet v2 strong crypto = on", &e),
	    0);
	assert_null(warned(&p, 3156421));
	plan_free(&p);
	img_close(&m);
}

/* The plan's one warning whose text holds what, or NULL. */
static const char *
warning_with(const struct plan *p, const char *what)
{
	for (size_t i = 0; i < p->nwarn; i++)
		if (strstr(p->warn[i].text, what))
			return p->warn[i].text;
	return NULL;
}

#define POLICY_SSL "Policies\\Microsoft\\Cryptography\\Configuration\\" \
	"SSL\\00010002"
#define NEW_SUITES "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_AES_128_GCM_SHA256"
#define NO_SUITE "no suite to offer"

/*
 * A list that leaves Schannel no suite to offer: none the build has ("TLS
 * Cipher Suites in Windows Vista" lists neither suite of NEW_SUITES), or
 * every one with a hash turned off.  show, check/apply and an export's
 * plan (no hives) warn alike; 2019 ("... Windows 10 v1809") has the first.
 */
static void
test_verdict_suites__no_suite_left_warned(void **state)
{
	static const char reg[] = "Windows Registry Editor Version 5.00\n"
	    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\" POLICY_SSL "]\n"
	    "\"Functions\"=\"" NEW_SUITES "\"\n";
	struct img m;
	struct plan p;
	struct policy pol = { 0 };
	struct facts f;
	struct strlist e = { 0 };

	img_open(&m, "2008sp2-x86", NULL);
	assert_int_equal(plan_for_reg(&p, &m, reg, &e), 0);
	assert_non_null(warning_with(&p, "the policy list leaves Windows "
	    "Server 2008 SP2 (build 6002) " NO_SUITE));
	plan_free(&p);
	/* the default order, with SHA and MD5 off: every Vista suite gone */
	assert_int_equal(plan_for(&p, &m, "SHA = off", &e), 0);
	assert_null(warning_with(&p, NO_SUITE));
	plan_free(&p);
	img_close(&m);
	img_open(&m, "2008sp2-x86", "SYSTEM|ControlSet001\\Control\\"
	    "SecurityProviders\\SCHANNEL\\Hashes\\SHA|Enabled|dword|0\n");
	assert_int_equal(plan_for(&p, &m, "MD5 = off", &e), 0);
	assert_non_null(warning_with(&p, "the build's default order leaves "
	    "Windows Server 2008 SP2 (build 6002) " NO_SUITE));
	plan_free(&p);
	assert_int_equal(plan_show(&p, &m.f, m.h), 0);
	assert_null(warning_with(&p, NO_SUITE));	/* MD5 still on */
	plan_free(&p);
	img_close(&m);
	/* show, of a list in the hive */
	img_open(&m, "2008sp2-x86", "SOFTWARE|" POLICY_SSL "|Functions|sz|"
	    NEW_SUITES "\n");
	assert_int_equal(plan_show(&p, &m.f, m.h), 0);
	assert_non_null(warning_with(&p, "the policy list leaves"));
	plan_free(&p);
	img_close(&m);
	/* an export for --os 2008: the plan alone */
	assert_int_equal(facts_for_os(&f, "2008"), 0);
	assert_int_equal(policy_add_reg_mem(&pol, (const unsigned char *)reg,
	    strlen(reg), "t.reg", &e), 0);
	assert_int_equal(plan_build(&p, &pol, &f, (struct hive *[HV_COUNT]){
	    NULL }, PLAN_LIVE, &e), 0);
	assert_non_null(warning_with(&p, "the policy list leaves"));
	plan_free(&p);
	policy_free(&pol);
	facts_free(&f);

	img_open(&m, "2019", NULL);
	assert_int_equal(plan_for_reg(&p, &m, reg, &e), 0);
	assert_null(warning_with(&p, NO_SUITE));
	plan_free(&p);
	img_close(&m);
	assert_int_equal(e.n, 0);
}

/* One warning per text, however many rows raise it. */
static void
test_verdict_warn__once(void **state)
{
	struct plan p = { 0 };

	plan_warn(&p, 0, "a");
	plan_warn(&p, 0, "a");
	plan_warn(&p, 42, "a");
	assert_int_equal(p.nwarn, 2);
	assert_string_equal(p.warn[1].text, "a, and KB42 is not installed (a "
	    "monthly rollup may carry it)");
	plan_free(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdict_enum__and_count),
		cmocka_unit_test(test_verdict_effect__default_or_registry),
		cmocka_unit_test(test_verdict_effect__only_disabled_by_default_zero__enabled),
		cmocka_unit_test(test_verdict_effect__disabled_by_default__off_by_default),
		cmocka_unit_test(test_verdict_ciphers__null_on_request_and_windows7),
		cmocka_unit_test(test_verdict_winhttp__implicit_by_value),
		cmocka_unit_test(test_verdict_winhttp__windows11_default_and_unknown),
		cmocka_unit_test(test_verdict_prereqs__missing_update_warned),
		cmocka_unit_test(test_verdict_prereqs__kb4019276_a_warning),
		cmocka_unit_test(test_verdict_prereqs__vista_has_no_tls12),
		cmocka_unit_test(test_verdict_prereqs__unchecked_without_image),
		cmocka_unit_test(test_verdict_prereqs__dotnet35_on_1511),
		cmocka_unit_test(test_verdict_warn__once),
		cmocka_unit_test(test_verdict_suites__no_suite_left_warned),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
