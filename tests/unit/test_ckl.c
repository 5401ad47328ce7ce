/* ckl.c: a STIG Viewer checklist from a hand-built run with rules. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli/ckl.h"
#include "fixture.h"
#include "runfix.h"

#define WHEN 1796430600		/* 2026-12-05T00:30:00Z */

static size_t
count(const char *doc, const char *s)
{
	size_t n = 0;

	for (const char *p = doc; (p = strstr(p, s)) != NULL; p++)
		n++;
	return n;
}

static void
test_ckl_status_and_role__words(void **state)
{
	assert_string_equal(ckl_status(RR_PASS), "NotAFinding");
	assert_string_equal(ckl_status(RR_FAIL), "Open");
	assert_string_equal(ckl_status(RR_NA), "Not_Applicable");
	assert_string_equal(ckl_status(RR_NOTCHECKED), "Not_Reviewed");
	assert_string_equal(ckl_role("WinNT"), "Workstation");
	assert_string_equal(ckl_role("ServerNT"), "Member Server");
	assert_string_equal(ckl_role("LanmanNT"), "Domain Controller");
	assert_string_equal(ckl_role("lanmannt"), "Domain Controller");
	assert_string_equal(ckl_role("Cluster"), "None");
	assert_string_equal(ckl_role(NULL), "None");
}

static void
test_ckl_render__asset_and_vulns(void **state)
{
	struct runfix x;
	char *d, *s;

	runfix_make(&x, 0);
	d = ckl_render(&x.r, "/images/web&01.qcow2", WHEN);
	assert_true(strncmp(d, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
	    39) == 0);
	/* the asset, named from the image's facts */
	s = runfix_texts(d, "ROLE");
	assert_string_equal(s, "Member Server");
	free(s);
	s = runfix_texts(d, "HOST_NAME");
	assert_string_equal(s, "WEB&amp;01");
	free(s);
	s = runfix_texts(d, "HOST_FQDN");
	assert_string_equal(s, "web01.corp.example");
	free(s);
	s = runfix_texts(d, "TARGET_COMMENT");
	assert_string_equal(s, "image /images/web&amp;01.qcow2: Windows "
	    "Server 2022");
	free(s);
	/* one iSTIG, its rules in profile order with STIG Viewer's words */
	assert_int_equal(count(d, "<iSTIG>"), 1);
	s = runfix_texts(d, "STATUS");
	assert_string_equal(s, "Open|NotAFinding|Not_Applicable|Not_Reviewed");
	free(s);
	s = runfix_texts(d, "ATTRIBUTE_DATA");
	assert_string_equal(s, "V-1|high|SV-1r2_rule|TEST-000100|"
	    "quotes &quot; and &apos; &amp; &lt;tags&gt;|"
	    "Test &amp; &lt;STIG&gt; :: Version 2|"
	    "V-2|medium||Test &amp; &lt;STIG&gt; :: Version 2|"
	    "V-3|low||Test &amp; &lt;STIG&gt; :: Version 2|"
	    "V-4|medium||Test &amp; &lt;STIG&gt; :: Version 2");
	free(s);
	s = runfix_texts(d, "VULN_ATTRIBUTE");
	assert_true(strncmp(s, "Vuln_Num|Severity|Rule_ID|Rule_Ver|Rule_Title|"
	    "STIGRef|Vuln_Num|Severity|Rule_Title|STIGRef|", 76) == 0);
	free(s);
	/* the details: a summary, then one line a value */
	s = runfix_texts(d, "FINDING_DETAILS");
	assert_non_null(strstr(s, "fail: 2 of 2 values fail\nHKLM\\SYSTEM\\"
	    "ControlSet001\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\"
	    "TLS 1.0\\Server\\Enabled (CurrentControlSet): 0x00000001 (1), "
	    "expected 0x00000000 (0): fail\nHKLM\\SYSTEM\\"));
	assert_non_null(strstr(s, "|pass: 1 value as the rule reads it\n"
	    "HKLM\\SOFTWARE\\Policies\\Test\\Text: &quot;&lt;a&amp;b&gt;"
	    "&quot;&apos;\xe2\x90\x81&quot;, expected &quot;&lt;a&amp;b&gt;"
	    "&quot;&apos;\xe2\x90\x81&quot;: pass|"));
	assert_non_null(strstr(s, "|not applicable: IIS is not installed|"));
	assert_non_null(strstr(s, "|not checked: the SOFTWARE hive was not "
	    "given"));
	free(s);
	s = runfix_texts(d, "COMMENTS");
	assert_non_null(strstr(s, "tlshive " PACKAGE_VERSION ", profile "
	    "stig-test, image /images/web&amp;01.qcow2 (Windows Server 2022, "
	    "build 20348), checked 2026-12-05T00:30:00Z"));
	free(s);
	/* nothing unescaped: no raw control byte, no raw markup from data */
	assert_null(strchr(d, '\x01'));
	assert_null(strstr(d, "<a&b>"));
	assert_null(strstr(d, "<tags>"));
	assert_int_equal(count(d, "<SEVERITY_OVERRIDE></SEVERITY_OVERRIDE>"),
	    4);
	/* STIG_INFO: all eleven names, SID_DATA only where known */
	s = runfix_texts(d, "SID_NAME");
	assert_string_equal(s, "version|classification|customname|stigid|"
	    "description|filename|releaseinfo|title|uuid|notice|source");
	free(s);
	s = runfix_texts(d, "SID_DATA");
	assert_string_equal(s, "2|UNCLASSIFIED|Test_STIG|Test &amp; "
	    "&lt;STIG&gt;|tlshive benchmark profile stig-test (stig-test:1)");
	free(s);
	free(d);
	runfix_free(&x);
}

static void
test_ckl_render__two_benchmarks_two_istigs(void **state)
{
	struct runfix x;
	char *d, *s;

	runfix_make(&x, 1);
	/* the second benchmark's rule comes first: its iSTIG does too */
	{
		struct rule_eval t = x.e[4];
		memmove(&x.e[1], &x.e[0], 4 * sizeof(x.e[0]));
		x.e[0] = t;
	}
	d = ckl_render(&x.r, "img", WHEN);
	assert_int_equal(count(d, "<iSTIG>"), 2);
	s = runfix_texts(d, "STATUS");
	assert_string_equal(s, "NotAFinding|Open|NotAFinding|Not_Applicable|"
	    "Not_Reviewed");
	free(s);
	assert_true(strstr(d, "<SID_DATA>cis-test</SID_DATA>") <
	    strstr(d, "<SID_DATA>Test_STIG</SID_DATA>"));
	assert_non_null(strstr(d, "expected at least 0x00000001 (1): pass"));
	free(d);
	runfix_free(&x);
}

static void
test_ckl_render__unnamed_image(void **state)
{
	struct runfix x;
	char *d, *s;

	runfix_make(&x, 0);
	free(x.f.computer_name);
	free(x.f.dns_hostname);
	free(x.f.product_type);
	x.f.computer_name = x.f.dns_hostname = x.f.product_type = NULL;
	d = ckl_render(&x.r, "img", WHEN);
	s = runfix_texts(d, "ROLE");
	assert_string_equal(s, "None");
	free(s);
	assert_non_null(strstr(d, "<HOST_NAME></HOST_NAME>"));
	assert_non_null(strstr(d, "<HOST_FQDN></HOST_FQDN>"));
	free(d);
	runfix_free(&x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ckl_status_and_role__words),
		cmocka_unit_test(test_ckl_render__asset_and_vulns),
		cmocka_unit_test(test_ckl_render__two_benchmarks_two_istigs),
		cmocka_unit_test(test_ckl_render__unnamed_image),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
