/* reg.c: parsing regedit files, every problem reported with its line. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "reg.h"

static int
parse(struct policy *p, const char *text, struct strlist *e)
{
	return policy_add_reg_mem(p, (const unsigned char *)text, strlen(text),
	    "t.reg", e);
}

static void
test_reg_parse__routing_and_kinds(void **state)
{
	struct policy p = { 0 };
	struct strlist e = { 0 };
	const char *text =
	    "\xef\xbb\xbfWindows Registry Editor Version 5.00\r\n"
	    "\r\n"
	    "# a KB article's comment\r\n"
	    "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\X]\r\n"
	    "\"A\"=dword:0000000a\r\n"
	    "@=\"d\\\\e\\\"f\"\r\n"
	    "\"Gone\"=-\r\n"
	    "[HKLM\\SYSTEM\\ControlSet002\\Y]\r\n"
	    "\"B\"=hex(7):61,00,00,00,\\\r\n"
	    "  00,00\r\n"
	    "[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Vendor\\Old]\r\n";

	assert_int_equal(parse(&p, text, &e), 0);
	assert_int_equal(e.n, 0);
	assert_int_equal(p.nr, 7);
	assert_int_equal(p.r[0].kind, RO_MKKEY);
	assert_true(p.r[0].ccs);
	assert_string_equal(p.r[0].key, "Control\\X");
	assert_int_equal(p.r[1].kind, RO_SET);
	assert_string_equal(p.r[1].name, "A");
	assert_string_equal(p.r[1].origin, "t.reg:5");
	assert_string_equal(p.r[2].name, "");
	char *s = regval_get_sz(&p.r[2].val);
	assert_string_equal(s, "d\\e\"f");
	free(s);
	assert_int_equal(p.r[3].kind, RO_DELETE_VALUE);
	assert_false(p.r[4].ccs);
	assert_string_equal(p.r[4].key, "ControlSet002\\Y");
	assert_int_equal(p.r[5].val.type, REGT_MULTI_SZ);
	assert_int_equal(p.r[5].val.len, 6);
	assert_string_equal(p.r[5].origin, "t.reg:9");
	assert_int_equal(p.r[6].kind, RO_DELETE_KEY);
	assert_int_equal(p.r[6].hive, HV_SOFTWARE);
	assert_true(p.r[0].seq < p.r[6].seq);
	policy_free(&p);
}

static void
test_reg_parse__utf16_and_regedit4(void **state)
{
	struct policy p = { 0 };
	struct strlist e = { 0 };
	const char *ascii = "REGEDIT4\n[HKLM\\SOFTWARE\\V]\n\"S\"=hex(2):41,00\n";
	unsigned char buf[256];
	size_t n = 0;

	buf[n++] = 0xff;
	buf[n++] = 0xfe;
	for (const char *c = "Windows Registry Editor Version 5.00\r\n"
	    "[HKLM\\SOFTWARE\\V]\r\n\"\xc3\xa4\"=dword:1\r\n"; *c; c++) {
		if ((unsigned char)*c == 0xc3) {	/* U+00E4 */
			buf[n++] = 0xe4;
			buf[n++] = 0;
			c++;
			continue;
		}
		buf[n++] = (unsigned char)*c;
		buf[n++] = 0;
	}
	assert_int_equal(policy_add_reg_mem(&p, buf, n, "u.reg", &e), 0);
	assert_string_equal(p.r[1].name, "\xc3\xa4");
	assert_int_equal(policy_add_reg_mem(&p, buf, n - 1, "u.reg", &e), -1);
	assert_non_null(strstr(e.v[0], "truncated UTF-16"));
	sl_free(&e);
	/* REGEDIT4 string data is ANSI: widened to UTF-16LE */
	assert_int_equal(parse(&p, ascii, &e), 0);
	assert_int_equal(p.r[3].val.type, REGT_EXPAND_SZ);
	assert_int_equal(p.r[3].val.len, 4);
	assert_memory_equal(p.r[3].val.data, "A\0\0\0", 4);
	policy_free(&p);
}

static void
test_reg_parse__errors_all_reported(void **state)
{
	struct policy p = { 0 };
	struct strlist e = { 0 };
	const char *text =
	    "Windows Registry Editor Version 5.00\n"
	    "[HKEY_CURRENT_USER\\Software]\n"
	    "\"a\"=dword:1\n"
	    "[HKLM\\SOFTWARE\\V]\n"
	    "\"b\"=hex:0g\n"
	    "\"c\"=\"open\n"
	    "\"d\"=dword:1\n";

	assert_int_equal(parse(&p, text, &e), -1);
	assert_int_equal(e.n, 3);
	assert_non_null(strstr(e.v[0], "t.reg:2: HKEY_CURRENT_USER"));
	assert_non_null(strstr(e.v[1], "t.reg:5: bad hex byte \"0g\""));
	assert_non_null(strstr(e.v[2], "t.reg:6: unterminated string"));
	assert_int_equal(p.nr, 0);		/* nothing kept */
	sl_free(&e);
	policy_free(&p);
}

static void
test_reg_parse__header_only__no_changes(void **state)
{
	struct policy p = { 0 };
	struct strlist e = { 0 };
	const unsigned char v5[] = "\xff\xfeW\0i\0n\0d\0o\0w\0s\0 \0R\0e\0g\0"
	    "i\0s\0t\0r\0y\0 \0E\0d\0i\0t\0o\0r\0 \0V\0e\0r\0s\0i\0o\0n\0"
	    " \0\x35\0.\0\x30\0\x30\0\r\0\n\0;\0";

	assert_int_equal(policy_add_reg_mem(&p, v5, sizeof(v5) - 1, "h.reg",
	    &e), 0);
	assert_int_equal(p.nr, 0);
	assert_int_equal(e.n, 0);
	policy_free(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reg_parse__routing_and_kinds),
		cmocka_unit_test(test_reg_parse__utf16_and_regedit4),
		cmocka_unit_test(test_reg_parse__errors_all_reported),
		cmocka_unit_test(test_reg_parse__header_only__no_changes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
