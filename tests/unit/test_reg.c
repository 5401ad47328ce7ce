/*
 * reg.c: .reg files read line for line as regedit reads them.  The cases
 * are the behaviours Wine's regedit and reg import tests record (they pass
 * on Windows); each names the value of the Wine test it mirrors.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "policy/reg.h"

#define HDR "Windows Registry Editor Version 5.00\n"
#define KEY "[HKEY_LOCAL_MACHINE\\SOFTWARE\\T]\n"

static int
parse(struct policy *p, const char *text, struct strlist *e)
{
	return policy_add_reg_mem(p, (const unsigned char *)text, strlen(text),
	    "t.reg", e);
}

/* The value named v, or NULL. */
static const struct regop *
op_named(const struct policy *p, const char *name)
{
	for (size_t i = 0; i < p->nr; i++)
		if (p->r[i].name && strcmp(p->r[i].name, name) == 0)
			return &p->r[i];
	return NULL;
}

struct vcase {
	const char *lines;	/* value line(s) under KEY, in an ANSI file */
	int made;		/* regedit creates "v" */
	uint32_t type;
	const char *data;
	size_t len;
	const char *wine;	/* the Wine test value */
	size_t skips;		/* lines skipped besides "v"'s own */
};

#define U16(s) s, sizeof(s) - 1
static const struct vcase vcases[] = {
	{ "\"v\"=dword:00000782", 1, REGT_DWORD, U16("\x82\x07\0\0"), "Wine32a" },
	{ "\"v\"=dword:1", 1, REGT_DWORD, U16("\1\0\0\0"), "Wine32b" },
	{ "\"v\"=dword:  00000008", 1, REGT_DWORD, U16("\x08\0\0\0"), "Wine9a" },
	{ "\"v\"=dword:\t\t00000008\t", 1, REGT_DWORD, U16("\x08\0\0\0"), "Wine9b" },
	{ "\"v\"=dword:", 0, 0, NULL, 0, "Wine33a" },
	{ "\"v\"=dword:hello", 0, 0, NULL, 0, "Wine33b" },
	{ "\"v\"=dword:000000001", 0, 0, NULL, 0, "Wine33e" },
	{ "\"v\"=dword:0x123", 0, 0, NULL, 0, "Wine35a" },
	{ "\"v\"=dword:123 456", 0, 0, NULL, 0, "Wine35b" },
	{ "\"v\"=dword:1234;5678", 1, REGT_DWORD, U16("\x34\x12\0\0"), "Wine36a" },
	{ "\"v\"=dword:1234 ;5678", 1, REGT_DWORD, U16("\x34\x12\0\0"), "Wine36b" },
	{ "\"v\"=dword:1234 #5678", 0, 0, NULL, 0, "Wine36d" },
	{ "\"v\"=dword:1234\\\n5678", 0, 0, NULL, 0, "Wine41a" },
	{ "\"v\"=\"Value 2\";comment", 1, REGT_SZ, U16("V\0a\0l\0u\0e\0 \0\x32\0\0\0"), "Wine11" },
	{ "\"v\"=\"Value1\"  #comment", 0, 0, NULL, 0, "Wine39c" },
	{ "\"v\"=\"foo\"bar\"", 0, 0, NULL, 0, "Wine37a" },
	{ "\"v\"=\"Value1\\0\"", 0, 0, NULL, 0, "Wine70c" },
	{ "\"v\"=\"\\\\0\"", 1, REGT_SZ, U16("\\\0\x30\0\0\0"), "Wine69a" },
	{ "\"v\"=\"Test \\\nValue\"", 0, 0, NULL, 0, "Wine41b" },
	{ "\"v\"=hex:11,22", 1, REGT_BINARY, U16("\x11\x22"), "Wine45a" },
	{ "\"v\"=hex:,01", 0, 0, NULL, 0, "Wine52k" },
	{ "\"v\"=hex(7):4e,00,,69,00", 0, 0, NULL, 0, "Wine63b" },
	{ "\"v\"=hex(0):25,50,100,54", 0, 0, NULL, 0, "Wine51a" },
	{ "\"v\"=hex(0):25,48\\,4f", 0, 0, NULL, 0, "Wine52a" },
	{ "\"v\"=hex(2):25,50,41,54,48,25,00,", 1, REGT_EXPAND_SZ,
	  U16("%\0P\0A\0T\0H\0%\0\0\0"), "Wine49" },
	{ "\"v\"=hex(0):25,50  ;comment", 1, 0, U16("\x25\x50"), "Wine50a" },
	{ "\"v\"=hex(0):25,50\t#comment", 0, 0, NULL, 0, "Wine50d" },
	{ "\"v\"=hex:11,22,\\\n  33,44", 1, REGT_BINARY, U16("\x11\x22\x33\x44"), "Wine45b" },
	{ "\"v\"=hex:11,22,  \\  ;c\n\t33", 1, REGT_BINARY, U16("\x11\x22\x33"), "Wine53c" },
	{ "\"v\"=hex:11,22\\", 0, 0, NULL, 0, "Wine40c" },
	{ "\"v\"=hex:11,22,\\\n\n  ;c\n  33", 1, REGT_BINARY, U16("\x11\x22\x33"), "Wine60a" },
	{ "\"v\"=hex:11,22,\\\n#c\n  33", 0, 0, NULL, 0, "Wine60c" },
	{ "\"v\"=hex:11,22,\\\n\\\n  33", 0, 0, NULL, 0, "Wine59a" },
	{ "\"v\"=hex:11,22,\\\n  ,33", 0, 0, NULL, 0, "Multi-Line3" },
	{ "\"v\"=hex(2):\\\n  25,00", 1, REGT_EXPAND_SZ, U16("%\0\0\0"), "Wine52l" },
	{ "\"v\"=hex:11,22,\\;c\n  55,66,\n  77,88", 1, REGT_BINARY,
	  U16("\x11\x22\x55\x66"), "Wine45i", 1 },
	{ "\"v\"=hex(4):01,02,03,04,05,06,07,08", 1, REGT_DWORD,
	  U16("\1\2\3\4\5\6\7\x08"), "Wine47 (no size check)" },
	{ "\"v\"=hex(100):01", 1, 0x100, U16("\1"), "Wine47e" },
	{ "\"v\"=hex(0x2):01", 0, 0, NULL, 0, "Wine47j" },
	{ "\"v\"=hex(7):4c,69,6e,65", 1, REGT_MULTI_SZ, U16("L\0i\0n\0e\0\0\0"), "Wine66a" },
	{ "\"v\"=hex(1):", 1, REGT_SZ, "", 0, "Wine47 (empty data)" },
	{ "DefaultSecureProtocols = (DWORD): 0xAA0", 0, 0, NULL, 0, "NameNoQuotes" },
	{ "\xe2\x80\x9cv\xe2\x80\x9d=dword:1", 0, 0, NULL, 0, "typographic quotes" },
	{ "\"v\"=- #x", 0, 0, NULL, 0, "Wine46f" },
};

static void
test_reg_values__as_regedit(void **state)
{
	for (size_t i = 0; i < sizeof(vcases) / sizeof(*vcases); i++) {
		const struct vcase *c = &vcases[i];
		struct policy p = { 0 };
		struct strlist e = { 0 };
		char *text = xasprintf(HDR KEY "%s\n\"end\"=dword:1\n", c->lines);
		const struct regop *o;

		if (parse(&p, text, &e) != 0)
			fail_msg("%s: %s", c->wine, e.v[0]);
		o = op_named(&p, "v");
		if (c->made != (o != NULL))
			fail_msg("%s: \"v\" %s", c->wine, c->made ? "not made" :
			    "made");
		if ((c->made && p.skipped.n != c->skips) ||
		    (!c->made && p.skipped.n == 0))
			fail_msg("%s: %zu lines skipped", c->wine, p.skipped.n);
		if (o) {
			assert_int_equal(o->val.type, c->type);
			assert_int_equal(o->val.len, c->len);
			if (c->len)
				assert_memory_equal(o->val.data, c->data, c->len);
		}
		/* the file goes on after the value, made or not */
		if (op_named(&p, "end") == NULL)
			fail_msg("%s: the next value was lost", c->wine);
		free(text);
		policy_free(&p);
		sl_free(&e);
	}
}

/* A line ending in ",\" takes the next one whatever it is. */
static void
test_reg_values__broken_continuation_takes_a_line(void **state)
{
	struct policy p = { 0 };
	struct strlist e = { 0 };

	assert_int_equal(parse(&p, HDR KEY "\"a\"=hex:01,\\\n\"b\"=dword:1\n"
	    "\"c\"=dword:2\n", &e), 0);
	assert_null(op_named(&p, "a"));
	assert_null(op_named(&p, "b"));			/* Wine55b */
	assert_non_null(op_named(&p, "c"));
	assert_int_equal(p.skipped.n, 2);
	assert_non_null(strstr(p.skipped.v[1], "t.reg:4: "));
	policy_free(&p);
	/* a key line taken so: its values go nowhere (Wine54a) */
	assert_int_equal(parse(&p, HDR KEY "\"a\"=hex:01,\\\n"
	    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\U]\n\"b\"=dword:1\n", &e), 0);
	assert_int_equal(p.nr, 1);			/* [T] only */
	policy_free(&p);
	/* the end of the file keeps what came (Wine62a) */
	assert_int_equal(parse(&p, HDR KEY "\"a\"=hex:01,02,\\", &e), 0);
	assert_int_equal(op_named(&p, "a")->val.len, 2);
	assert_int_equal(e.n, 0);
	policy_free(&p);
}

static void
test_reg_names__quoted_as_regedit(void **state)
{
	struct policy p = { 0 };
	struct strlist e = { 0 };
	char *s;

	assert_int_equal(parse(&p, HDR KEY
	    "  \"  Wine6c  \"  =  \"  Spaces everywhere  \"  \n"
	    "\"With=Equals\"=\"x\"\n"
	    "\"double\\\"quote\"=\"valid \\\"or\\\" not\"\n"
	    "\"\"=\"Default Value Name\"\n"
	    "\t@\t=\tdword:\t00000008\t\n"
	    "\"gone\"=  \t-\t  \n"
	    "\"gone2\"=- ;comment\n", &e), 0);
	assert_int_equal(p.skipped.n, 0);
	assert_non_null(op_named(&p, "  Wine6c  "));
	s = regval_get_sz(&op_named(&p, "  Wine6c  ")->val);
	assert_string_equal(s, "  Spaces everywhere  ");
	free(s);
	assert_non_null(op_named(&p, "With=Equals"));
	s = regval_get_sz(&op_named(&p, "double\"quote")->val);
	assert_string_equal(s, "valid \"or\" not");
	free(s);
	assert_int_equal(p.r[4].val.type, REGT_SZ);
	assert_string_equal(p.r[4].name, "");		/* "" is @ */
	assert_string_equal(p.r[5].name, "");
	assert_int_equal(p.r[6].kind, RO_DELETE_VALUE);
	assert_int_equal(p.r[7].kind, RO_DELETE_VALUE);
	policy_free(&p);
}

/* Which key each key line opens, and the lines regedit skips. */
static void
test_reg_keys__as_regedit(void **state)
{
	struct policy p = { 0 };
	struct strlist e = { 0 };

	assert_int_equal(parse(&p, HDR
	    "  [HKEY_LOCAL_MACHINE\\SOFTWARE\\T\\C ]\n\"a\"=dword:1\n"	/* 1c */
	    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\T\\E\\]\n"			/* 1e */
	    "[hkey_LOCAL_machine\\software\\T\\F]\n"			/* 3a */
	    "[ HKEY_LOCAL_MACHINE\\SOFTWARE\\T\\G]\n\"b\"=dword:1\n"	/* 1a */
	    "[- HKEY_LOCAL_MACHINE\\SOFTWARE\\T]\n"			/* no-op */
	    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\T\\H\n\"c\"=dword:1\n"	/* no ] */
	    "[HKEY_LOCAL_MACHINES\\SOFTWARE\\T]\n\"d\"=dword:1\n"	/* 46b */
	    "[HKLM\\SOFTWARE\\T]\n\"e\"=dword:1\n"
	    "[-HKEY_LOCAL_MACHINE\\SOFTWARE\\T\\D]\n\"f\"=dword:1\n"	/* 46a */
	    , &e), 0);
	assert_int_equal(e.n, 0);
	assert_int_equal(p.nr, 5);
	assert_int_equal(p.r[0].kind, RO_MKKEY);
	assert_string_equal(p.r[0].key, "T\\C ");
	assert_string_equal(p.r[1].name, "a");
	assert_string_equal(p.r[2].key, "T\\E");
	assert_string_equal(p.r[3].key, "T\\F");
	assert_int_equal(p.r[4].kind, RO_DELETE_KEY);
	assert_string_equal(p.r[4].key, "T\\D");
	/* [ G], b, [- T], [H, c, [..S, d, [HKLM, e, f */
	assert_int_equal(p.skipped.n, 10);
	assert_non_null(strstr(p.skipped.v[7], "HKLM is not "
	    "HKEY_LOCAL_MACHINE"));
	assert_non_null(strstr(p.skipped.v[10 - 1], "under a [-KEY]"));
	policy_free(&p);
	/* a value before any key line */
	assert_int_equal(parse(&p, HDR "\"v\"=dword:1\n" KEY, &e), 0);
	assert_int_equal(p.nr, 1);
	assert_non_null(strstr(p.skipped.v[0], "t.reg:2: regedit skips this "
	    "line: a value before any [KEY] line"));
	policy_free(&p);
}

/* Only the header can fail a file; it is line 1, exactly. */
static void
test_reg_header__line_one_exactly(void **state)
{
	static const struct { const char *text; int ok; } h[] = {
		{ "REGEDIT4\n" KEY, 1 },
		{ "  \tREGEDIT4\n" KEY, 1 },
		{ "\nREGEDIT4\n" KEY, 0 },
		{ "regedit4\n" KEY, 0 },
		{ "REGEDIT5\n" KEY, 0 },
		{ "REGEDIT4 FOO\n" KEY, 0 },
		{ "Windows Registry Editor Version 5\n" KEY, 0 },
		{ "WINDOWS REGISTRY EDITOR VERSION 5.00\n" KEY, 0 },
	};

	for (size_t i = 0; i < sizeof(h) / sizeof(*h); i++) {
		struct policy p = { 0 };
		struct strlist e = { 0 };
		if ((parse(&p, h[i].text, &e) == 0) != h[i].ok)
			fail_msg("header %zu: %s", i, e.n ? e.v[0] : "accepted");
		if (!h[i].ok)
			assert_non_null(strstr(e.v[0], "t.reg:1: "));
		policy_free(&p);
		sl_free(&e);
	}
}

/* LF, CRLF and a bare CR end a line; the last needs none. */
static void
test_reg_lines__cr_lf_crlf(void **state)
{
	struct policy p = { 0 };
	struct strlist e = { 0 };

	assert_int_equal(parse(&p, "REGEDIT4\r\r" KEY "\"a\"=dword:1\r\n"
	    "\"b\"=hex:01,\\\r  02\r\"c\"=\"No newline\"", &e), 0);
	assert_int_equal(p.skipped.n, 0);
	assert_int_equal(p.nr, 4);
	assert_int_equal(op_named(&p, "b")->val.len, 2);
	assert_string_equal(op_named(&p, "c")->origin, "t.reg:7");
	policy_free(&p);
}

/* UTF-16: names in any script, string-type hex data as it is. */
static void
test_reg_utf16__data_as_is(void **state)
{
	struct policy p = { 0 };
	struct strlist e = { 0 };
	unsigned char buf[512];
	size_t n = 0;

	buf[n++] = 0xff;
	buf[n++] = 0xfe;
	for (const char *c = HDR "[HKEY_LOCAL_MACHINE\\SOFTWARE\\V]\r\n"
	    "\"\xc3\xa4\"=hex(7):4c,00,69,00\r\n"; *c; c++) {
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
	/* "Li" and the NUL regedit adds (Wine67) */
	assert_int_equal(p.r[1].val.len, 6);
	assert_memory_equal(p.r[1].val.data, "L\0i\0\0\0", 6);
	assert_int_equal(policy_add_reg_mem(&p, buf, n - 1, "u.reg", &e), -1);
	assert_non_null(strstr(e.v[0], "truncated UTF-16"));
	sl_free(&e);
	policy_free(&p);
}

/* What tlshive cannot do as regedit would is an error, all reported. */
static void
test_reg_errors__all_reported(void **state)
{
	struct policy p = { 0 };
	struct strlist e = { 0 };
	const char *text = HDR
	    "[HKEY_USERS\\.DEFAULT\\Software]\n"
	    "\"a\"=dword:1\n"
	    "[HKEY_LOCAL_MACHINE\\SAM\\X]\n"
	    "[-HKEY_LOCAL_MACHINE\\SYSTEM\\Select]\n"
	    KEY "\"d\"=dword:1\n";

	assert_int_equal(parse(&p, text, &e), -1);
	assert_int_equal(e.n, 3);
	assert_non_null(strstr(e.v[0], "t.reg:2: HKEY_USERS"));
	assert_non_null(strstr(e.v[1], "t.reg:4: HKEY_LOCAL_MACHINE\\SAM"));
	assert_non_null(strstr(e.v[2], "t.reg:5: refusing to delete"));
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

/*
 * A file is UTF-8 only if UTF-16 can hold every character: F5 80 80 80
 * would be past U+10FFFF, so that file is ANSI text (and the writer can
 * always write back what the reader accepted).
 */
static void
test_reg_text__utf8_only_within_utf16(void **state)
{
	struct policy p = { 0 };
	struct strlist e = { 0 };

	assert_int_equal(parse(&p, HDR
	    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\T\\\xce\xb7]\n\"a\"=dword:1\n",
	    &e), 0);
	assert_int_equal(p.nr, 2);
	assert_string_equal(p.r[0].key, "T\\\xce\xb7");	/* eta */
	policy_free(&p);
	assert_int_equal(parse(&p, HDR
	    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\T\\\xf5\x80\x80\x80]\n\"a\"=dword:1\n",
	    &e), 0);
	assert_int_equal(e.n, 0);
	assert_int_equal(p.nr, 2);
	/* o with tilde, three euro signs: Windows-1252 */
	assert_string_equal(p.r[0].key, "T\\\xc3\xb5\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac");
	policy_free(&p);
	(void)state;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reg_values__as_regedit),
		cmocka_unit_test(test_reg_values__broken_continuation_takes_a_line),
		cmocka_unit_test(test_reg_names__quoted_as_regedit),
		cmocka_unit_test(test_reg_keys__as_regedit),
		cmocka_unit_test(test_reg_header__line_one_exactly),
		cmocka_unit_test(test_reg_lines__cr_lf_crlf),
		cmocka_unit_test(test_reg_utf16__data_as_is),
		cmocka_unit_test(test_reg_errors__all_reported),
		cmocka_unit_test(test_reg_parse__header_only__no_changes),
		cmocka_unit_test(test_reg_text__utf8_only_within_utf16),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
