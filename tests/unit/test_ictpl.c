/* ictpl.c: IIS Crypto templates, both formats, to profile lines or errors. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "policy/ictpl.h"
#include "policy/profile.h"

/* What ictpl_read handed out, one "ORIGIN | LINE" a string. */
static void
collect(void *arg, const char *line, const char *origin)
{
	sl_add(arg, "%s | %s", origin, line);
}

struct got {
	struct strlist lines, skipped, errs;
	int r;
};

static void
got_free(struct got *g)
{
	sl_free(&g->lines);
	sl_free(&g->skipped);
	sl_free(&g->errs);
}

static void
read_doc(const void *doc, size_t len, struct got *g)
{
	memset(g, 0, sizeof(*g));
	g->r = ictpl_read(doc, len, "t.ictpl", collect, &g->lines,
	    &g->skipped, &g->errs);
}

/* The strings of a list, in order, against a NULL-ended expectation. */
static void
assert_list(const struct strlist *l, const char *const *want)
{
	size_t n = 0;

	for (; want[n]; n++) {
		if (n >= l->n)
			fail_msg("missing [%zu] \"%s\"", n, want[n]);
		assert_string_equal(l->v[n], want[n]);
	}
	if (l->n != n)
		fail_msg("%zu more than expected, first \"%s\"", l->n - n,
		    l->v[n]);
}

static const char v0[] =
    "<?xml version=\"1.0\" encoding=\"utf-16\"?>\n"
    "<iisCryptoTemplate xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
    " version=\"0\">\n"
    "  <header><name>t</name><description>a &lt;b&gt;</description></header>\n"
    "  <schannel setClientProtocols=\"true\">\n"
    "    <clientProtocols>\n"
    "      <schannelItem name=\"TLS 1.0\" state=\"Disabled\" />\n"
    "      <schannelItem name=\"TLS 1.2\" state=\"Enabled\" "
    "minimumOSVersion=\"Windows2008R2\" />\n"
    "    </clientProtocols>\n"
    "    <serverProtocols>\n"
    "      <schannelItem name=\"TLS 1.3\" state=\"enabled\" "
    "minimumOSVersion=\"Windows2022\"/>\n"
    "    </serverProtocols>\n"
    "    <ciphers><schannelItem name=\"RC4 128/128\" state=\"Disabled\"/>"
    "</ciphers>\n"
    "    <hashes><schannelItem name=\"SHA 256\" state=\"Enabled\"/></hashes>\n"
    "    <keyExchanges><schannelItem name=\"PKCS\" state=\"Enabled\"/>"
    "</keyExchanges>\n"
    "  </schannel>\n"
    "  <cipherSuites>\n"
    "    <cipherSuiteItem name=\"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\" "
    "state=\"Enabled\" minimumOSVersion=\"Windows2016\" />\n"
    "    <cipherSuiteItem name=\"TLS_RSA_WITH_RC4_128_MD5\" state=\"Disabled\" />\n"
    "    <cipherSuiteItem name=\"SSL_CK_RC4_128_WITH_MD5\" state=\"Disabled\" />\n"
    "    <cipherSuiteItem name=\"TLS_RSA_WITH_AES_128_GCM_SHA256\" "
    "state=\"Enabled\" />\n"
    "  </cipherSuites>\n"
    "</iisCryptoTemplate>\n";

static void
test_ictpl_read__version0_items_to_lines(void **state)
{
	static const char *const want[] = {
		"t.ictpl:6 | TLS 1.0 client = off",
		"t.ictpl:7 | TLS 1.2 client = on",	/* no first build: on */
		"t.ictpl:10 | TLS 1.3 server = auto",
		"t.ictpl:12 | RC4 128/128 = off",
		"t.ictpl:13 | SHA256 = on",
		"t.ictpl:14 | PKCS = on",
		/* disabled suites, known or not, are left out of the list */
		"t.ictpl:16 | cipher-suites = "
		"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 if supported, "
		"TLS_RSA_WITH_AES_128_GCM_SHA256",
		NULL
	};
	static const char *const none[] = { NULL };
	struct got g;

	read_doc(v0, strlen(v0), &g);
	assert_int_equal(g.r, 0);
	assert_list(&g.errs, none);
	assert_list(&g.lines, want);
	assert_list(&g.skipped, none);
	got_free(&g);
}

static const char v3[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n"
    "<iisCryptoTemplate version=\"3\">\r\n"
    "  <schannel>\r\n"
    "    <serverProtocols>\r\n"
    "      <templateItem name=\"SSL 3.0\" value=\"0\" />\r\n"
    "      <templateItem name=\"TLS&#32;1.2\" value=\"-1\" />\r\n"
    "    </serverProtocols>\r\n"
    "    <ciphers>\r\n"
    "      <templateItem name='AES 256/256' value='-1' />\r\n"
    "    </ciphers>\r\n"
    "  </schannel>\r\n"
    "  <advanced>\r\n"
    "    <templateItem name=\"Override Enabled\" value=\"0\" />\r\n"
    "    <templateItem name=\"DHE Minimum Key Length\" value=\"0\" />\r\n"
    "    <templateItem name=\"FIPS Algorithm Policy\" value=\"-1\" />\r\n"
    "  </advanced>\r\n"
    "  <advanced>\r\n"
    "    <templateItem name=\"DHE Minimum Key Length\" value=\"4096\" />\r\n"
    "  </advanced>\r\n"
    "  <cipherSuites>\r\n"
    "    <templateItem name=\"Configured Cipher Suites\" value=\""
    "TLS_AES_256_GCM_SHA384, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,"
    "SSL_CK_DES_192_EDE3_CBC_WITH_MD5\" minimumOSVersion=\"Windows2022\" />\r\n"
    "  </cipherSuites>\r\n"
    "</iisCryptoTemplate>";

static void
test_ictpl_read__version3_advanced_and_list(void **state)
{
	static const char *const want[] = {
		"t.ictpl:5 | SSL 3.0 server = off",
		"t.ictpl:6 | TLS 1.2 server = on",	/* &#32; is a space */
		"t.ictpl:9 | AES 256/256 = on",
		/* DHE 0 is IIS Crypto's "Default": no line */
		"t.ictpl:15 | FIPS = on",
		"t.ictpl:18 | Diffie-Hellman server min bits = 4096",
		"t.ictpl:21 | cipher-suites = TLS_AES_256_GCM_SHA384 if "
		"supported, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 if supported",
		NULL
	};
	static const char *const skipped[] = {
		"t.ictpl:13: <templateItem name=\"Override Enabled\"> not "
		"mapped: tlshive has no setting for it",
		"t.ictpl:21: cipher suite \"SSL_CK_DES_192_EDE3_CBC_WITH_MD5\" "
		"not mapped: tlshive does not know it",
		NULL
	};
	static const char *const none[] = { NULL };
	struct got g;

	read_doc(v3, strlen(v3), &g);
	assert_int_equal(g.r, 0);
	assert_list(&g.errs, none);
	assert_list(&g.lines, want);
	assert_list(&g.skipped, skipped);
	got_free(&g);
}

/* UTF-16 as IIS Crypto saves it: the same lines as the UTF-8 text. */
static void
test_ictpl_read__utf16_either_order(void **state)
{
	size_t n = strlen(v3);
	unsigned char *le = malloc(2 * n + 2), *be = malloc(2 * n + 2);
	unsigned char *nomark = malloc(2 * n);
	struct got g8, gle, gbe, gnm;

	le[0] = 0xff, le[1] = 0xfe, be[0] = 0xfe, be[1] = 0xff;
	for (size_t i = 0; i < n; i++) {
		le[2 + 2 * i] = (unsigned char)v3[i], le[3 + 2 * i] = 0;
		be[2 + 2 * i] = 0, be[3 + 2 * i] = (unsigned char)v3[i];
	}
	memcpy(nomark, le + 2, 2 * n);
	assert_true(ictpl_detect(le, 2 * n + 2));
	assert_true(ictpl_detect(be, 2 * n + 2));
	assert_true(ictpl_detect(nomark, 2 * n));
	read_doc(v3, n, &g8);
	read_doc(le, 2 * n + 2, &gle);
	read_doc(be, 2 * n + 2, &gbe);
	read_doc(nomark, 2 * n, &gnm);
	assert_int_equal(g8.lines.n, 6);
	for (size_t i = 0; i < g8.lines.n; i++) {
		assert_int_equal(gle.lines.n, g8.lines.n);
		assert_int_equal(gbe.lines.n, g8.lines.n);
		assert_int_equal(gnm.lines.n, g8.lines.n);
		assert_string_equal(gle.lines.v[i], g8.lines.v[i]);
		assert_string_equal(gbe.lines.v[i], g8.lines.v[i]);
		assert_string_equal(gnm.lines.v[i], g8.lines.v[i]);
	}
	got_free(&g8), got_free(&gle), got_free(&gbe), got_free(&gnm);
	/* a lone surrogate, and an odd byte count, are errors with a line */
	memcpy(le + 2 + 2 * 40, "\x00\xdc", 2);
	read_doc(le, 2 * n + 2, &gle);
	assert_int_equal(gle.r, -1);
	assert_int_equal(gle.errs.n, 1);
	assert_string_equal(gle.errs.v[0],
	    "t.ictpl:2: not valid UTF-16 (a lone surrogate)");
	got_free(&gle);
	read_doc(be, 2 * n + 1, &gbe);
	assert_int_equal(gbe.r, -1);
	assert_int_equal(gbe.errs.n, 1);
	assert_string_equal(gbe.errs.v[0], "t.ictpl:23: the UTF-16 text ends "
	    "inside a character");
	got_free(&gbe);
	free(le), free(be), free(nomark);
}

/* Broken XML: one error, at the line where it breaks. */
static void
test_ictpl_read__broken_xml(void **state)
{
	static const struct {
		const char *doc, *err;
	} cases[] = {
		{ "<iisCryptoTemplate>\n<schannel>\n</ciphers>\n",
		  "t.ictpl:3: </ciphers> where <schannel> (line 2) is open" },
		{ "<iisCryptoTemplate>\n<schannel>\n",
		  "t.ictpl:3: <schannel> (line 2) is not closed" },
		{ "<iisCryptoTemplate>\n</iisCryptoTemplate>\n</x>",
		  "t.ictpl:3: </x> closes no element" },
		{ "<iisCryptoTemplate>\n<header>AT&T</header></iisCryptoTemplate>",
		  "t.ictpl:2: '&' that starts no entity (write &amp;)" },
		{ "<iisCryptoTemplate a=\"&nbsp;\"/>",
		  "t.ictpl:1: unknown entity \"&nbsp;\" (a template has only "
		  "&lt; &gt; &amp; &quot; &apos;)" },
		{ "<iisCryptoTemplate a=\"&#0;\"/>",
		  "t.ictpl:1: bad character reference \"&#0;\"" },
		{ "<iisCryptoTemplate a=\"&#xD800;\"/>",
		  "t.ictpl:1: bad character reference \"&#xD800;\"" },
		{ "<iisCryptoTemplate a=\"&#x110000;\"/>",
		  "t.ictpl:1: bad character reference \"&#x110000;\"" },
		{ "<?xml version=\"1.0\"?>\n<!DOCTYPE t [<!ENTITY e \"x\">]>\n"
		  "<iisCryptoTemplate/>",
		  "t.ictpl:2: \"<!\" declarations are not read (a template has "
		  "no document type)" },
		{ "<iisCryptoTemplate/>\n<iisCryptoTemplate/>",
		  "t.ictpl:2: a second root element <iisCryptoTemplate>" },
		{ "hello <iisCryptoTemplate/>",
		  "t.ictpl:1: text outside the <iisCryptoTemplate> element" },
		{ "<iisCryptoTemplate version=3/>",
		  "t.ictpl:1: <iisCryptoTemplate>: the value of version is not "
		  "quoted" },
		{ "<iisCryptoTemplate a=\"1\" a=\"2\"/>",
		  "t.ictpl:1: <iisCryptoTemplate>: attribute a given twice" },
		{ "<iisCryptoTemplate a=\"<\"/>",
		  "t.ictpl:1: <iisCryptoTemplate>: '<' in the value of a" },
		{ "<iisCryptoTemplate a=\"1/>",
		  "t.ictpl:1: <iisCryptoTemplate>: the value of a is not closed" },
		{ "<iisCryptoTemplate>\n<!-- open\n</iisCryptoTemplate>",
		  "t.ictpl:2: a comment is not closed with \"-->\"" },
		{ "<iisCryptoTemplate>\n\x01</iisCryptoTemplate>",
		  "t.ictpl:2: control character 0x01 in the text" },
		{ "<html><body/></html>",
		  "t.ictpl:1: not an IIS Crypto template: the root element is "
		  "<html>, not <iisCryptoTemplate>" },
		{ "<?xml version=\"1.0\"?>\n<!-- nothing -->\n",
		  "t.ictpl:3: not an IIS Crypto template: no <iisCryptoTemplate> "
		  "element" },
		{ "<iisCryptoTemplate><schannel =\"x\"/></iisCryptoTemplate>",
		  "t.ictpl:1: <schannel>: expected an attribute name, '>' or "
		  "'/>'" },
		{ "<iisCryptoTemplate>< schannel/></iisCryptoTemplate>",
		  "t.ictpl:1: expected an element name after '<'" },
		{ "<iisCryptoTemplate><a><a><a><a><a><a><a><a><a><a><a><a><a>"
		  "<a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a>",
		  "t.ictpl:1: elements nested deeper than 32" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct got g;

		read_doc(cases[i].doc, strlen(cases[i].doc), &g);
		if (g.errs.n != 1)
			fail_msg("case %zu: %zu errors, first \"%s\"", i,
			    g.errs.n, g.errs.n ? g.errs.v[0] : "");
		assert_int_equal(g.r, -1);
		assert_string_equal(g.errs.v[0], cases[i].err);
		got_free(&g);
	}
}

/* Well-formed with mistakes in the items: every one reported, each at its
 * line; what does not map is listed, never dropped. */
static void
test_ictpl_read__item_errors_and_skips(void **state)
{
	static const char doc[] =
	    "<iisCryptoTemplate version=\"0\">\n"
	    "<schannel setClientProtocols=\"false\">\n"
	    "<clientProtocols>\n"
	    "<schannelItem name=\"TLS 1.0\" state=\"Disabled\"/>\n"
	    "</clientProtocols>\n"
	    "<serverProtocols>\n"
	    "<schannelItem name=\"TLS 1.0\" state=\"Off\"/>\n"
	    "<schannelItem name=\"TLS 1.1\"/>\n"
	    "<schannelItem state=\"Enabled\"/>\n"
	    "<templateItem name=\"TLS 9.9\" value=\"-1\"/>\n"
	    "<templateItem name=\"TLS 1.2\" value=\"5000000000\"/>\n"
	    "<templateItem name=\"AES 128/128\" value=\"0\"/>\n"
	    "</serverProtocols>\n"
	    "<hashes><templateItem name=\"SHA 255\" value=\"0\"/></hashes>\n"
	    "<eccCurves><templateItem name=\"x\" value=\"0\"/></eccCurves>\n"
	    "</schannel>\n"
	    "<advanced><templateItem name=\"FIPS Algorithm Policy\" "
	    "value=\"on\"/></advanced>\n"
	    "<cipherSuites><cipherSuiteItem name=\"TLS_X\" state=\"Enabled\"/>"
	    "</cipherSuites>\n"
	    "</iisCryptoTemplate>\n";
	static const char *const errs[] = {
		"t.ictpl:7: <schannelItem name=\"TLS 1.0\">: bad state \"Off\" "
		"(expected Enabled or Disabled)",
		"t.ictpl:8: <schannelItem name=\"TLS 1.1\"> has neither state "
		"nor value",
		"t.ictpl:9: <schannelItem> without a name",
		"t.ictpl:11: <templateItem name=\"TLS 1.2\">: bad value "
		"\"5000000000\" (expected -1 or 0)",
		"t.ictpl:17: <templateItem name=\"FIPS Algorithm Policy\">: bad "
		"value \"on\" (expected a number)",
		NULL
	};
	static const char *const skipped[] = {
		"t.ictpl:3: <clientProtocols> left out: the template's "
		"setClientProtocols is false",
		"t.ictpl:10: <templateItem name=\"TLS 9.9\"> in <serverProtocols> "
		"not mapped: no such setting; did you mean \"TLS 1.0\"?",
		/* a cipher among the protocols is not taken for one */
		"t.ictpl:12: <templateItem name=\"AES 128/128\"> in "
		"<serverProtocols> not mapped: no such setting",
		"t.ictpl:14: <templateItem name=\"SHA 255\"> in <hashes> not "
		"mapped: no such setting; did you mean \"SHA 256\"?",
		"t.ictpl:15: <eccCurves> not mapped: tlshive has no setting for "
		"it",
		"t.ictpl:18: cipher suite \"TLS_X\" not mapped: tlshive does not "
		"know it",
		"t.ictpl:18: <cipherSuites> enables no suite tlshive knows: "
		"cipher-suites left as it is",
		NULL
	};
	static const char *const none[] = { NULL };
	struct got g;

	read_doc(doc, strlen(doc), &g);
	assert_int_equal(g.r, -1);
	assert_list(&g.errs, errs);
	assert_list(&g.skipped, skipped);
	assert_list(&g.lines, none);
	got_free(&g);
}

static void
test_ictpl_detect__by_content(void **state)
{
	assert_true(ictpl_detect((const unsigned char *)"<?xml", 5));
	assert_true(ictpl_detect((const unsigned char *)"\xef\xbb\xbf \n<i", 7));
	assert_false(ictpl_detect((const unsigned char *)"TLS 1.0 = off\n", 14));
	assert_false(ictpl_detect((const unsigned char *)"# <xml>\n", 8));
	assert_false(ictpl_detect((const unsigned char *)"", 0));
	assert_false(ictpl_detect((const unsigned char *)"\xff", 1));
}

/*
 * Through -p: a template is told by its content whatever its name, and its
 * wants carry FILE:LINE like a profile's; a later profile line still wins.
 */
static void
test_ictpl_profile__picked_by_content(void **state)
{
	char *dir = fixture_dir(), *f = xasprintf("%s/site.profile", dir);
	struct policy p = { 0 };
	struct strlist e = { 0 };
	const struct want *tls13 = NULL, *list = NULL;
	static const char twice[] = "<iisCryptoTemplate><schannel><ciphers>"
	    "<templateItem name=\"RC4\" value=\"0\"/><templateItem "
	    "name=\"NULL\" value=\"0\"/><templateItem name=\"NULL\" "
	    "value=\"0\"/></ciphers></schannel></iisCryptoTemplate>";

	assert_int_equal(fixture_write(f, v0, strlen(v0)), 0);
	assert_int_equal(policy_add_profile(&p, f, &e), 0);
	assert_int_equal(e.n, 0);
	assert_int_equal(p.n, 7);
	for (size_t i = 0; i < p.n; i++) {
		if (strcmp(p.w[i].s->name, "TLS 1.3 server") == 0)
			tls13 = &p.w[i];
		if (strcmp(p.w[i].s->name, "cipher-suites") == 0)
			list = &p.w[i];
	}
	assert_non_null(tls13);
	assert_int_equal(tls13->kind, W_AUTO);
	char *origin = xasprintf("%s:10", f);
	assert_string_equal(tls13->origin, origin);
	free(origin);
	assert_non_null(list);
	assert_int_equal(list->nitems, 2);
	assert_true(list->cond[0]);
	assert_false(list->cond[1]);
	assert_int_equal(p.sources.n, 1);
	assert_string_equal(p.sources.v[0], f);
	assert_int_equal(p.skipped.n, 0);
	/* refused whole: no want, but the skipped item still listed */
	policy_free(&p);
	assert_int_equal(fixture_write(f, twice, strlen(twice)), 0);
	assert_int_equal(policy_add_profile(&p, f, &e), -1);
	assert_int_equal(e.n, 1);
	assert_non_null(strstr(e.v[0], "NULL is set again"));
	assert_int_equal(p.n, 0);
	assert_int_equal(p.sources.n, 0);
	assert_int_equal(p.skipped.n, 1);
	assert_non_null(strstr(p.skipped.v[0], "name=\"RC4\"> in <ciphers> not "
	    "mapped"));
	policy_free(&p);
	sl_free(&e);
	free(f);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ictpl_read__version0_items_to_lines),
		cmocka_unit_test(test_ictpl_read__version3_advanced_and_list),
		cmocka_unit_test(test_ictpl_read__utf16_either_order),
		cmocka_unit_test(test_ictpl_read__broken_xml),
		cmocka_unit_test(test_ictpl_read__item_errors_and_skips),
		cmocka_unit_test(test_ictpl_detect__by_content),
		cmocka_unit_test(test_ictpl_profile__picked_by_content),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
