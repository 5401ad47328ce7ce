/* auditxml.c: XML escaping, a rule value's line, names and times. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli/auditxml.h"
#include "fixture.h"
#include "runfix.h"

static char *
esc(const char *s, int attr)
{
	struct strbuf sb = { 0 };

	ax_esc(&sb, s, attr);
	return sb.s ? sb_take(&sb) : xstrdup("");
}

static void
test_ax_esc__markup_controls_and_bad_utf8(void **state)
{
	static const struct {
		const char *in;
		int attr;
		const char *out;
	} cases[] = {
		{ "a&b<c>d\"e'f", 0, "a&amp;b&lt;c&gt;d&quot;e&apos;f" },
		{ "plain text", 1, "plain text" },
		/* C0 controls become their control pictures, U+2401 ... */
		{ "x\x01y\x1fz", 0, "x\xe2\x90\x81y\xe2\x90\x9fz" },
		/* tab and line feed kept in text, references in attributes */
		{ "a\tb\nc", 0, "a\tb\nc" },
		{ "a\tb\nc", 1, "a&#9;b&#10;c" },
		{ "a\rb", 0, "a&#13;b" },
		/* well-formed UTF-8 passes through */
		{ "Gr\xc3\xbc\xc3\x9f \xe2\x82\xac \xf0\x9f\x94\x92", 0,
		  "Gr\xc3\xbc\xc3\x9f \xe2\x82\xac \xf0\x9f\x94\x92" },
		/* a lone continuation byte, an overlong '<', an encoded
		 * surrogate, a cut sequence and U+FFFE: U+FFFD each */
		{ "a\x80" "b", 0, "a\xef\xbf\xbd" "b" },
		{ "\xc0\xbc", 0, "\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xed\xa0\x80", 0,
		  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xe2\x82", 0, "\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xef\xbf\xbe", 0, "\xef\xbf\xbd" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *got = esc(cases[i].in, cases[i].attr);
		assert_string_equal(got, cases[i].out);
		free(got);
	}
}

static void
test_ax_value_line__present_absent_and_views(void **state)
{
	struct runfix x;
	struct rule_value v;
	char *l;

	runfix_make(&x, 1);
	l = ax_value_line(&x.v[0]);
	assert_string_equal(l, "HKLM\\SYSTEM\\ControlSet001\\Control\\"
	    "SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.0\\Server\\Enabled "
	    "(CurrentControlSet): 0x00000001 (1), expected 0x00000000 (0): "
	    "fail");
	free(l);
	l = ax_value_line(&x.v[1]);
	assert_non_null(strstr(l, "\\DisabledByDefault (CurrentControlSet): "
	    "absent, expected 0x00000001 (1): fail"));
	free(l);
	l = ax_value_line(&x.v[3]);
	assert_non_null(strstr(l, ": 0xffffffff (4294967295), expected at "
	    "least 0x00000001 (1): pass"));
	free(l);
	/* not the current set; absent ok; a 32-bit view said in words */
	v = x.v[1];
	v.current = 0;
	v.absent_ok = 1;
	v.result = RR_PASS;
	l = ax_value_line(&v);
	assert_non_null(strstr(l, "\\DisabledByDefault: absent, expected "
	    "0x00000001 (1) or absent: pass"));
	free(l);
	v = x.v[2];
	v.key = "Microsoft\\.NETFramework\\v4.0.30319";
	v.where = "32-bit";
	v.result = RR_NA;
	l = ax_value_line(&v);
	assert_non_null(strstr(l, "HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\"
	    "v4.0.30319\\Text (32-bit): "));
	assert_non_null(strstr(l, ": not applicable"));
	free(l);
	runfix_free(&x);
}

static void
test_ax_rule_summary__each_result(void **state)
{
	struct runfix x;
	static const char *const want[] = {
		"fail: 2 of 2 values fail",
		"pass: 1 value as the rule reads it",
		"not applicable: IIS is not installed",
		"not checked: the SOFTWARE hive was not given",
	};

	runfix_make(&x, 0);
	for (size_t i = 0; i < 4; i++) {
		char *s = ax_rule_summary(&x.e[i]);
		assert_string_equal(s, want[i]);
		free(s);
	}
	x.e[0].nfail = 1;
	x.e[0].nv = 8;
	{
		char *s = ax_rule_summary(&x.e[0]);
		assert_string_equal(s, "fail: 1 of 8 values fails");
		free(s);
	}
	runfix_free(&x);
}

static void
test_ax_names_and_time(void **state)
{
	struct facts f = { 0 };
	char t[32], *s;

	assert_null(ax_host_name(&f));
	assert_null(ax_fqdn(&f));
	f.dns_hostname = "web01";
	assert_string_equal(ax_host_name(&f), "web01");
	s = ax_fqdn(&f);
	assert_string_equal(s, "web01");
	free(s);
	f.computer_name = "WEB01";
	f.dns_domain = "corp.example";
	assert_string_equal(ax_host_name(&f), "WEB01");
	s = ax_fqdn(&f);
	assert_string_equal(s, "web01.corp.example");
	free(s);
	ax_time(t, 1796430600);
	assert_string_equal(t, "2026-12-05T00:30:00Z");
	s = ax_ncname("stig-iis10 + 2 --set/V:1.x");
	assert_string_equal(s, "stig-iis10___2_--set_V_1.x");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ax_esc__markup_controls_and_bad_utf8),
		cmocka_unit_test(test_ax_value_line__present_absent_and_views),
		cmocka_unit_test(test_ax_rule_summary__each_result),
		cmocka_unit_test(test_ax_names_and_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
