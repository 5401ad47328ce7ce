/* xccdf.c: an XCCDF 1.2 TestResult from a hand-built run with rules. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli/xccdf.h"
#include "fixture.h"
#include "runfix.h"

#define START 1796430600	/* 2026-12-05T00:30:00Z */

/* The value of each attr="..." in document order, joined by '|'. */
static char *
attrs(const char *doc, const char *attr)
{
	struct strbuf sb = { 0 };
	char *pat = xasprintf(" %s=\"", attr);
	const char *p = doc, *e;

	while ((p = strstr(p, pat)) != NULL) {
		p += strlen(pat);
		assert_non_null(e = strchr(p, '"'));
		sb_add(&sb, "%s%.*s", sb.len ? "|" : "", (int)(e - p), p);
		p = e;
	}
	free(pat);
	return sb.s ? sb_take(&sb) : xstrdup("");
}

static void
test_xccdf_rule_id__forms(void **state)
{
	struct benchmark_def b = { .name = "cis-iis10-l1" };
	struct rule_def d = { .id = "7.11", .bench = &b };
	char *s;

	s = xccdf_rule_id(&d);
	assert_string_equal(s, "xccdf_org.tlshive_rule_cis-iis10-l1_7.11");
	free(s);
	d.id = "7 11/a:b";
	s = xccdf_rule_id(&d);
	assert_string_equal(s, "xccdf_org.tlshive_rule_cis-iis10-l1_7_11_a_b");
	free(s);
	d.xccdf = "SV-218821r961632_rule";
	s = xccdf_rule_id(&d);
	assert_string_equal(s, "xccdf_mil.disa.stig_rule_SV-218821r961632_rule");
	free(s);
	d.xccdf = "xccdf_org.cisecurity.benchmarks_rule_7.11_Ensure";
	s = xccdf_rule_id(&d);
	assert_string_equal(s, d.xccdf);
	free(s);
	/* an underscore in the namespace part is no XCCDF 1.2 id: ours */
	d.xccdf = "xccdf_a_b_rule_x";
	s = xccdf_rule_id(&d);
	assert_string_equal(s, "xccdf_org.tlshive_rule_xccdf_a_b_rule_x");
	free(s);
	assert_string_equal(xccdf_result(RR_NA), "notapplicable");
	assert_string_equal(xccdf_result(RR_NOTCHECKED), "notchecked");
}

static void
test_xccdf_render__one_benchmark(void **state)
{
	struct runfix x;
	char *d, *s;

	runfix_make(&x, 0);
	d = xccdf_render(&x.r, "/images/web&01.qcow2", START, START + 3);
	assert_non_null(strstr(d, "<TestResult xmlns=\"http://checklists.nist."
	    "gov/xccdf/1.2\" id=\"xccdf_org.tlshive_testresult_stig-test\" "
	    "start-time=\"2026-12-05T00:30:00Z\" end-time=\"2026-12-05T00:30:"
	    "03Z\" test-system=\"cpe:/a:tlshive:tlshive:" PACKAGE_VERSION
	    "\">\n  <benchmark href=\"urn:tlshive:profile:stig-test\" "
	    "id=\"xccdf_org.tlshive_benchmark_stig-test\"/>\n  <title>"));
	s = attrs(d, "idref");
	assert_string_equal(s, "xccdf_mil.disa.stig_rule_SV-1r2_rule|"
	    "xccdf_org.tlshive_rule_stig-test_V-2|"
	    "xccdf_org.tlshive_rule_stig-test_V-3|"
	    "xccdf_org.tlshive_rule_stig-test_V-4");
	free(s);
	s = runfix_texts(d, "result");
	assert_string_equal(s, "fail|pass|notapplicable|notchecked");
	free(s);
	s = runfix_texts(d, "target");
	assert_string_equal(s, "WEB&amp;01");
	free(s);
	assert_non_null(strstr(d, "<fact name=\"urn:xccdf:fact:asset:"
	    "identifier:fqdn\" type=\"string\">web01.corp.example</fact>"));
	assert_non_null(strstr(d, "<fact name=\"urn:tlshive:fact:build\" "
	    "type=\"number\">20348</fact>"));
	/* a message a value, after the rule's summary */
	assert_non_null(strstr(d, "<message severity=\"warning\">fail: 2 of 2 "
	    "values fail</message>\n    <message severity=\"info\">HKLM\\SYSTEM"
	    "\\ControlSet001\\"));
	assert_non_null(strstr(d, "Text: &quot;&lt;a&amp;b&gt;&quot;&apos;"
	    "\xe2\x90\x81&quot;, expected"));
	assert_null(strchr(d, '\x01'));
	assert_non_null(strstr(d, "<result>fail</result>\n    <ident system="
	    "\"urn:tlshive:rule\">V-1</ident>\n"));
	assert_non_null(strstr(d, "<result>notchecked</result>\n    <ident "
	    "system=\"urn:tlshive:rule\">V-4</ident>\n"));
	s = attrs(d, "time");
	assert_string_equal(s, "2026-12-05T00:30:03Z|2026-12-05T00:30:03Z|"
	    "2026-12-05T00:30:03Z|2026-12-05T00:30:03Z");
	free(s);
	/* flat score: V-2 passes of V-1 and V-2; N/A and not checked are
	 * not scored */
	assert_non_null(strstr(d, "<score system=\"urn:xccdf:scoring:flat\" "
	    "maximum=\"2\">1</score>\n</TestResult>\n"));
	free(d);
	runfix_free(&x);
}

static void
test_xccdf_render__two_benchmarks_no_benchmark_element(void **state)
{
	struct runfix x;
	char *d, *s;

	runfix_make(&x, 1);
	d = xccdf_render(&x.r, "img", START, START);
	assert_null(strstr(d, "<benchmark "));
	assert_non_null(strstr(d, " id=\"xccdf_org.tlshive_testresult_"
	    "stig-test___cis-test\""));
	s = attrs(d, "idref");
	assert_non_null(strstr(s, "|xccdf_org.cisecurity_rule_7.11"));
	free(s);
	s = attrs(d, "severity");
	assert_true(strncmp(s, "high|warning|info|info|medium|info|info|low|"
	    "info|medium|info|medium|info|info", 76) == 0);
	free(s);
	assert_non_null(strstr(d, "maximum=\"3\">2</score>"));
	free(d);
	runfix_free(&x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xccdf_rule_id__forms),
		cmocka_unit_test(test_xccdf_render__one_benchmark),
		cmocka_unit_test(test_xccdf_render__two_benchmarks_no_benchmark_element),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
