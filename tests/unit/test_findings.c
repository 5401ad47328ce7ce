/* findings.c: HardeningKitty finding lists to benchmark rules, or errors. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "policy/findings.h"
#include "policy/rules.h"

#define HEAD "ID,Category,Name,Method,MethodArgument,RegistryPath," \
	"RegistryItem,ClassName,Namespace,Property,DefaultValue," \
	"RecommendedValue,Operator,Severity\r\n"
#define SCH "HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders" \
	"\\SCHANNEL"
#define NET "\\Microsoft\\.NETFramework\\v4.0.30319"

static int
add(struct policy *p, const char *text, struct strlist *e)
{
	return policy_add_findings_mem(p, text, strlen(text), "dir/hk list.csv",
	    e);
}

static const struct rule_def *
rule(const struct policy *p, const char *id)
{
	for (size_t i = 0; i < p->nrd; i++)
		if (strcmp(p->rd[i]->id, id) == 0)
			return p->rd[i];
	return NULL;
}

static const struct want *
line_of(const struct policy *p, const char *setting)
{
	for (size_t i = 0; i < p->nrw; i++)
		if (strcmp(p->rw[i].s->name, setting) == 0)
			return &p->rw[i];
	return NULL;
}

/* Each imported row a rule of its own value and view; rows of one
 * setting one line; the quoting of RFC 4180 (CRLF, "", commas and a line
 * break inside quotes) read as written. */
static void
test_findings_import__rules_values_views(void **state)
{
	static const char csv[] = "\xef\xbb\xbf" HEAD
	    "1,TLS,\"TLS 1.0, server \"\"Enabled\"\"\",Registry,," SCH
	    "\\Protocols\\TLS 1.0\\Server,Enabled,,,,,0,=,Medium\r\n"
	    "\r\n"
	    "2,TLS,\"two\nlines\",registry,," SCH "\\Protocols\\TLS 1.0\\Server,"
	    "disabledbydefault,,,,,1,=,HIGH\r\n"
	    "3,TLS,AES,Registry,," SCH "\\Ciphers\\AES 256/256\\,Enabled,,,,,"
	    "4294967295,=,Low\r\n"
	    "4,TLS,net,Registry,,HKLM:\\SOFTWARE" NET ",SchUseStrongCrypto,,,,,1,"
	    "=,Medium\r\n"
	    "5,TLS,net32,Registry,,HKLM:\\Software\\WOW6432Node" NET
	    ",SchUseStrongCrypto,,,,0,1,=,Medium\r\n"
	    "6,TLS,dh,Registry,," SCH "\\KeyExchangeAlgorithms\\Diffie-Hellman,"
	    "ServerMinKeyBitLength,,,,4096,2048,>=,Medium\r\n"
	    "7,TLS,suites,Registry,,HKLM:\\SOFTWARE\\Policies\\Microsoft\\"
	    "Cryptography\\Configuration\\SSL\\00010002,Functions,,,,,"
	    "\"TLS_AES_256_GCM_SHA384,TLS_AES_128_GCM_SHA256\",=,Low\r\n";
	struct policy p = { 0 };
	struct strlist e = { 0 };
	const struct rule_def *r;
	const struct want *w;

	assert_int_equal(add(&p, csv, &e), 0);
	assert_int_equal(e.n, 0);
	assert_int_equal(p.skipped.n, 0);
	assert_int_equal(p.nbench, 1);
	assert_string_equal(p.bench[0]->name, "hk-list");
	assert_int_equal(p.nrd, 7);
	assert_non_null(r = rule(&p, "HK-2"));
	assert_string_equal(r->severity, "high");
	assert_string_equal(r->value, "DisabledByDefault");
	assert_null(r->view);
	assert_string_equal(r->title, "two lines");
	assert_string_equal(rule(&p, "HK-1")->title, "TLS 1.0, server 'Enabled'");
	assert_string_equal(rule(&p, "HK-1")->value, "Enabled");
	assert_string_equal(rule(&p, "HK-4")->view, "64-bit");
	assert_string_equal(rule(&p, "HK-5")->view, "32-bit");
	/* the protocol's two rows: one line, two rules, the line of the first */
	assert_non_null(w = line_of(&p, "TLS 1.0 server"));
	assert_int_equal(w->kind, W_OFF);
	assert_int_equal(w->nrules, 2);
	assert_string_equal(w->rules[0], "HK-1");
	assert_string_equal(w->rules[1], "HK-2");
	assert_string_equal(w->origin, "dir/hk list.csv:2");
	/* the cipher as spelt, exactly */
	assert_non_null(w = line_of(&p, "AES 256/256"));
	assert_true(w->exact);
	assert_int_equal(w->number, 0xffffffff);
	assert_string_equal(w->origin, "dir/hk list.csv:6");
	/* DefaultValue 0 is not 1: absent fails; 4096 >= 2048 passes */
	assert_false(line_of(&p, "dotnet v4 strong crypto")->absent_ok);
	assert_non_null(w = line_of(&p, "Diffie-Hellman server min bits"));
	assert_true(w->at_least);
	assert_true(w->absent_ok);
	assert_int_equal(w->number, 2048);
	assert_non_null(w = line_of(&p, "cipher-suites"));
	assert_int_equal(w->nitems, 2);
	assert_string_equal(w->items[1], "TLS_AES_128_GCM_SHA256");
	policy_free(&p);
	sl_free(&e);
}

/* What is not imported is listed: each row near tlshive's settings at its
 * line, the rest by ID; the list is still read. */
static void
test_findings_import__not_imported_listed(void **state)
{
	static const char csv[] = HEAD
	    "10,x,feature,WindowsOptionalFeature,smb1,,,,,,a,b,=,High\r\n"
	    "11,x,lsa,Registry,,HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Lsa,"
	    "NoLMHash,,,,,1,=,High\r\n"
	    "12,x,user,Registry,,HKCU:\\Software\\x,y,,,,,1,=,Low\r\n"
	    "13,x,map,Registry,," SCH ",CertificateMappingMethods,,,,,4,=,Low\r\n"
	    "14,x,le,Registry,," SCH "\\Protocols\\SSL 3.0\\Server,Enabled,,,,,0,"
	    "<=,Low\r\n"
	    "15,x,sev,Registry,," SCH "\\Ciphers\\NULL,Enabled,,,,,0,=,Critical\r\n"
	    "16,x,proto,Registry,," SCH "\\Protocols\\SSL 3.0\\Client,Enabled,,,,,"
	    "4294967295,=,Low\r\n"
	    "17,x,ok,Registry,," SCH "\\Ciphers\\NULL,Enabled,,,,,0,=,Low\r\n"
	    "17,x,again,Registry,," SCH "\\Ciphers\\DES 56/56,Enabled,,,,,0,=,Low\r\n"
	    "18,x,bits,Registry,," SCH "\\KeyExchangeAlgorithms\\Diffie-Hellman,"
	    "ServerMinKeyBitLength,,,,,100,=,Low\r\n"
	    "19,x,wow,Registry,,HKLM:\\SOFTWARE\\Wow6432Node\\Policies\\Microsoft"
	    "\\Cryptography\\Configuration\\SSL\\00010002,Functions,,,,,x,=,Low\r\n";
	static const char *const want[] = {
		"t.csv:5: finding 13 (map) not imported: no setting of "
		"tlshive's is CertificateMappingMethods under " SCH,
		"t.csv:6: finding 14 (le) not imported: operator \"<=\": tlshive "
		"compares with = and >= only",
		"t.csv:7: finding 15 (sev) not imported: severity \"critical\" is "
		"none of high, medium, low",
		"t.csv:8: finding 16 (proto) not imported: Enabled = "
		"\"4294967295\": a protocol's Enabled and DisabledByDefault are 0 "
		"or 1 for tlshive",
		"t.csv:10: finding 17 (again) not imported: its ID is listed again "
		"(first at line 9)",
		"t.csv:11: finding 18 (bits) not imported: ServerMinKeyBitLength = "
		"\"100\": not a number in the setting's range",
		"t.csv:12: finding 19 (wow) not imported: no setting of tlshive's "
		"is Functions under HKLM:\\SOFTWARE\\Wow6432Node\\Policies\\"
		"Microsoft\\Cryptography\\Configuration\\SSL\\00010002",
		"t.csv: 1 finding not imported: another method than Registry (ID "
		"10)",
		"t.csv: 2 findings not imported: a registry path no setting of "
		"tlshive's is under (ID 11, 12)",
	};
	struct policy p = { 0 };
	struct strlist e = { 0 };

	assert_int_equal(policy_add_findings_mem(&p, csv, strlen(csv), "t.csv",
	    &e), 0);
	assert_int_equal(e.n, 0);
	assert_int_equal(p.nrd, 1);
	assert_string_equal(p.rd[0]->id, "HK-17");
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (i >= p.skipped.n)
			fail_msg("missing \"%s\"", want[i]);
		assert_string_equal(p.skipped.v[i], want[i]);
	}
	assert_int_equal(p.skipped.n, sizeof(want) / sizeof(want[0]));
	policy_free(&p);
	sl_free(&e);
}

/* A broken list: one error at its line, nothing taken. */
static void
test_findings_import__broken_csv(void **state)
{
	static const struct {
		const char *csv, *err;
	} cases[] = {
		{ HEAD "1,x,\"open,Registry\r\n",
		  "t.csv:2: a quoted field is not closed" },
		{ HEAD "1,x,\"a\"b,Registry,,,,,,,,0,=,Low\r\n",
		  "t.csv:2: text after a closing quote" },
		{ HEAD "1,x,a\"b,Registry,,,,,,,,0,=,Low\r\n",
		  "t.csv:2: a quote inside an unquoted field (RFC 4180 quotes "
		  "the whole field)" },
		{ HEAD "\r\n\r\n1,x,y\r\n",
		  "t.csv:4: 3 fields where the header has 14" },
		{ "ID,Name,Method,RegistryPath,RegistryItem,RecommendedValue,"
		  "Operator,Severity\n",
		  "t.csv:1: not a HardeningKitty finding list: the header has no "
		  "column DefaultValue" },
		{ "", "t.csv: empty: no header" },
		{ HEAD "1,x,y,WindowsOptionalFeature,,,,,,,,,=,Low\r\n",
		  "t.csv: no finding of the list is one tlshive can check" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct policy p = { 0 };
		struct strlist e = { 0 };

		assert_int_equal(policy_add_findings_mem(&p, cases[i].csv,
		    strlen(cases[i].csv), "t.csv", &e), -1);
		if (e.n != 1)
			fail_msg("case %zu: %zu errors, first \"%s\"", i, e.n,
			    e.n ? e.v[0] : "");
		assert_string_equal(e.v[0], cases[i].err);
		assert_int_equal(p.nrd, 0);
		assert_int_equal(p.n, 0);
		assert_int_equal(p.sources.n, 0);
		policy_free(&p);
		sl_free(&e);
	}
	/* a NUL: not a text file */
	{
		struct policy p = { 0 };
		struct strlist e = { 0 };
		assert_int_equal(policy_add_findings_mem(&p, HEAD "\0", sizeof(HEAD),
		    "t.csv", &e), -1);
		assert_string_equal(e.v[0], "t.csv: not a text file");
		policy_free(&p);
		sl_free(&e);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_findings_import__rules_values_views),
		cmocka_unit_test(test_findings_import__not_imported_listed),
		cmocka_unit_test(test_findings_import__broken_csv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
