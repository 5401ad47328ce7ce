/* regwrite.c: .reg files as regedit writes them, and read back the same. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli/regwrite.h"
#include "fixture.h"
#include "policy/reg.h"

static void
test_reg_write__regedit_format(void **state)
{
	struct regdoc d;
	struct regval v;
	unsigned char *b;
	size_t n;
	char *bytes_text;
	unsigned char blob[40];

	regdoc_init(&d);
	regdoc_key(&d, "HKEY_LOCAL_MACHINE\\SOFTWARE\\V", 0);
	regval_dword(&v, 0xa00);
	regdoc_value(&d, "D", &v);
	regval_free(&v);
	regval_sz(&v, "q\"b\\");
	regdoc_value(&d, "", &v);
	regval_free(&v);
	regdoc_value(&d, "gone", NULL);
	memset(blob, 0xab, sizeof(blob));
	v.type = REGT_BINARY;
	v.len = sizeof(blob);
	v.data = blob;
	regdoc_value(&d, "B", &v);
	regdoc_key(&d, "HKEY_LOCAL_MACHINE\\SOFTWARE\\V\\Old", 1);
	b = regdoc_encode(&d, 1, &n);
	bytes_text = (char *)b;
	assert_string_equal(bytes_text,
	    "Windows Registry Editor Version 5.00\n"
	    "\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\V]\n"
	    "\"D\"=dword:00000a00\n"
	    "@=\"q\\\"b\\\\\"\n"
	    "\"gone\"=-\n"
	    "\"B\"=hex:ab,ab,ab,ab,ab,ab,ab,ab,ab,ab,ab,ab,ab,ab,ab,ab,ab,ab,"
	    "ab,ab,ab,ab,ab,\\\n"
	    "  ab,ab,ab,ab,ab,ab,ab,ab,ab,ab,ab,ab,ab,ab,ab,ab,ab\n"
	    "\n[-HKEY_LOCAL_MACHINE\\SOFTWARE\\V\\Old]\n");
	free(b);
	b = regdoc_encode(&d, 0, &n);
	assert_int_equal(b[0], 0xff);
	assert_int_equal(b[1], 0xfe);
	assert_memory_equal(b + 2, "W\0i\0", 4);
	/* CRLF in UTF-16LE after the header */
	assert_memory_equal(b + 2 + 2 * 36, "\r\0\n\0", 4);
	free(b);
	regdoc_free(&d);
}

static void
test_reg_write__parses_back_to_the_same_bytes(void **state)
{
	struct regdoc d;
	struct policy p = { 0 };
	struct strlist e = { 0 };
	struct regval in[4];
	unsigned char *b;
	size_t n;
	char *m[] = { "x", "y" };
	unsigned char odd[] = { 'a', 0, 'b' };	/* not a clean string */

	regval_sz(&in[0], "C:\\Windows");
	regval_multi_sz(&in[1], m, 2);
	in[2].type = REGT_SZ;
	in[2].len = sizeof(odd);
	in[2].data = odd;
	in[3].type = 0x20;		/* a type regedit has no name for */
	in[3].len = 0;
	in[3].data = NULL;
	regdoc_init(&d);
	regdoc_key(&d, "HKEY_LOCAL_MACHINE\\SOFTWARE\\V", 0);
	for (int i = 0; i < 4; i++) {
		char name[2] = { (char)('a' + i), 0 };
		regdoc_value(&d, name, &in[i]);
	}
	b = regdoc_encode(&d, 0, &n);
	assert_int_equal(policy_add_reg_mem(&p, b, n, "w.reg", &e), 0);
	for (int i = 0; i < 4; i++) {
		if (i == 2)
			continue;
		assert_true(regval_equal(&p.r[1 + i].val, &in[i]));
	}
	/* regedit ends string data with a NUL character */
	assert_int_equal(p.r[3].val.len, 6);
	assert_memory_equal(p.r[3].val.data, "a\0b\0\0\0", 6);
	regval_free(&in[0]);
	regval_free(&in[1]);
	free(b);
	regdoc_free(&d);
	policy_free(&p);
}

/* Found by fuzz_reg: a file with a header and nothing else. */

static void
test_reg_export_header__image_os_or_neither(void **state)
{
	struct facts f = { 0 };
	struct plan p = { 0 };
	struct regdoc d;
	size_t n;
	char *t;

	f.product = "Windows Server 2019 Standard";
	f.build = 17763;
	f.is64 = 1;
	sl_add(&p.notes, "%s", "winhttp: TLS 1.3 left out");
	regdoc_init(&d);
	reg_export_header(&d, "strict", &f, &p, "/mnt/win");
	t = (char *)regdoc_encode(&d, 1, &n);
	assert_non_null(strstr(t, "; made by tlshive " PACKAGE_VERSION
	    " from strict\n"));
	assert_non_null(strstr(t, "; for the image /mnt/win: Windows Server "
	    "2019 Standard, build 17763, 64-bit\n"));
	assert_non_null(strstr(t, "; note: winhttp: TLS 1.3 left out\n"));
	free(t);
	regdoc_free(&d);
	regdoc_init(&d);
	f.build = 0;
	reg_export_header(&d, "strict", &f, &p, NULL);
	t = (char *)regdoc_encode(&d, 1, &n);
	assert_non_null(strstr(t, "no image and no --os given"));
	free(t);
	regdoc_free(&d);
	sl_free(&p.notes);
}

/*
 * A UTF-8 file is ANSI text to regedit: string-type hex data goes in
 * Windows-1252 bytes there, and comes back as the same UTF-16; text
 * Windows-1252 lacks makes the UTF-8 encoding fail.
 */
static void
test_reg_write__utf8_string_data_in_ansi(void **state)
{
	struct regdoc d;
	struct policy p = { 0 };
	struct strlist e = { 0 };
	struct regval in;
	char *m[] = { "NistP256", "caf\xc3\xa9" };
	unsigned char *b;
	size_t n;

	regval_multi_sz(&in, m, 2);
	regdoc_init(&d);
	regdoc_key(&d, "HKEY_LOCAL_MACHINE\\SOFTWARE\\V", 0);
	regdoc_value(&d, "m", &in);
	b = regdoc_encode(&d, 1, &n);
	assert_non_null(strstr((char *)b, "\"m\"=hex(7):4e,69,73,74,50,32,35,36,"
	    "00,63,61,66,e9,00,00\n"));
	assert_int_equal(policy_add_reg_mem(&p, b, n, "u.reg", &e), 0);
	assert_true(regval_equal(&p.r[1].val, &in));
	free(b);
	policy_free(&p);
	regdoc_free(&d);
	regval_free(&in);

	m[1] = "\xe2\x82\xac\xe2\x84\xa2\xe6\x97\xa5";	/* CJK: not 1252 */
	regval_multi_sz(&in, m, 2);
	regdoc_init(&d);
	regdoc_key(&d, "HKEY_LOCAL_MACHINE\\SOFTWARE\\V", 0);
	regdoc_value(&d, "m", &in);
	assert_null(regdoc_encode(&d, 1, &n));
	assert_non_null(strstr(tlsh_errmsg(), "export without --utf8"));
	b = regdoc_encode(&d, 0, &n);
	assert_non_null(b);
	free(b);
	regdoc_free(&d);
	regval_free(&in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reg_write__regedit_format),
		cmocka_unit_test(test_reg_write__parses_back_to_the_same_bytes),
		cmocka_unit_test(test_reg_write__utf8_string_data_in_ansi),
		cmocka_unit_test(test_reg_export_header__image_os_or_neither),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
