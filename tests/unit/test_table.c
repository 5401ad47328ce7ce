/* table.c: invariants every row must keep, and name lookups. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fixture.h"
#include "policy/profile.h"
#include "policy/table.h"

static void
test_table_rows__well_formed(void **state)
{
	for (size_t i = 0; i < nsettings; i++) {
		const struct setting *s = &settings[i];

		assert_non_null(s->name);
		assert_non_null(s->help);
		assert_non_null(s->value);
		assert_true(s->key[0] != '\\');
		assert_null(strcasestr(s->key, "CurrentControlSet"));
		if (s->hive == HV_SYSTEM)
			assert_true(strncmp(s->key, "Control\\", 8) == 0);
		if (s->kind == SK_SWITCH)
			assert_int_not_equal(s->on, 0);
		if (s->kind == SK_NUMBER)
			assert_true(s->min <= s->max);
		/* Only WinHTTP and .NET have 32-bit twins. */
		if (s->flags & SF_WOW64)
			assert_int_equal(s->hive, HV_SOFTWARE);
		for (size_t j = 0; j < nsettings; j++) {
			if (i == j)
				continue;
			assert_int_not_equal(str_casecmp_ws(s->name,
			    settings[j].name), 0);
			if (settings[j].group)
				assert_int_not_equal(str_casecmp_ws(s->name,
				    settings[j].group), 0);
			assert_false(s->hive == settings[j].hive &&
			    strcasecmp(s->key, settings[j].key) == 0 &&
			    strcasecmp(s->value, settings[j].value) == 0);
		}
	}
}

static void
test_table_protocols__client_and_server_pairs(void **state)
{
	static const char *const protos[] = { "SSL 2.0", "SSL 3.0", "TLS 1.0",
	    "TLS 1.1", "TLS 1.2", "TLS 1.3", "DTLS 1.0", "DTLS 1.2", "PCT 1.0",
	    "Multi-Protocol Unified Hello" };
	const struct setting *rows[4];

	for (size_t i = 0; i < sizeof(protos) / sizeof(*protos); i++) {
		assert_int_equal(setting_lookup(protos[i], rows, 4), 2);
		assert_int_equal(rows[0]->kind, SK_PROTOCOL);
		assert_non_null(strstr(rows[0]->key, "\\Client"));
		assert_non_null(strstr(rows[1]->key, "\\Server"));
		assert_non_null(strstr(rows[0]->key, protos[i]));
	}
	assert_int_equal(setting_lookup("tls 1.3 SERVER", rows, 4), 1);
	assert_int_equal(rows[0]->min_build, 20348);
}

static void
test_table_issue_rows__present(void **state)
{
	static const char *const names[] = { "NULL", "DES 56/56",
	    "RC2 40/128", "RC2 56/128", "RC2 128/128", "RC4 40/128",
	    "RC4 56/128", "RC4 64/128", "RC4 128/128", "Triple DES 168",
	    "AES 128/128", "AES 256/256", "MD5", "SHA", "SHA256", "SHA384",
	    "SHA512", "Diffie-Hellman", "PKCS", "ECDH",
	    "Diffie-Hellman server min bits", "PKCS client max bits",
	    "insecure renegotiation client", "renegotiation SCSV",
	    "event logging", "cipher-suites",
	    "ecc-curves", "winhttp", "dotnet v4 strong crypto",
	    "dotnet v2 system default tls", "FIPS" };
	const struct setting *r;

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		assert_int_equal(setting_lookup(names[i], &r, 1), 1);
	setting_lookup("cipher-suites", &r, 1);
	assert_string_equal(r->key,
	    "Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002");
	assert_int_equal(r->hive, HV_SOFTWARE);
}

static void
test_table_suggest__close_names_only(void **state)
{
	assert_string_equal(setting_suggest("TLS 1.0 sever"), "TLS 1.0 server");
	assert_string_equal(setting_suggest("RC4 128/12"), "RC4 128/128");
	assert_string_equal(setting_suggest("winhtp"), "winhttp");
	assert_null(setting_suggest("completely unrelated words"));
	assert_string_equal(suite_suggest("TLS_AES_256_GCM_SHA348"),
	    "TLS_AES_256_GCM_SHA384");
}

static void
test_table_suites__curve_suffix_accepted(void **state)
{
	assert_non_null(suite_find("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384"));
	assert_null(suite_find("TLS_RSA_WITH_AES_256_CBC_SHA_P384"));
	assert_int_equal(suite_find("TLS_AES_128_GCM_SHA256")->min_build, 20348);
}

static void
test_table_builtin_profiles__parse(void **state)
{
	for (size_t i = 0; i < nbuiltin_profiles; i++) {
		struct policy p = { 0 };
		struct strlist errs = { 0 };

		assert_int_equal(policy_add_profile(&p,
		    builtin_profiles[i].name, &errs), 0);
		assert_int_equal(errs.n, 0);
		assert_true(p.n > 0);
		policy_free(&p);
	}
}

/* Every protocol has one default, with its source, for every build from
 * Vista on: the ranges of a protocol neither overlap nor leave gaps. */
static void
test_table_proto_defaults__cover_every_build_with_source(void **state)
{
	for (size_t i = 0; i < nsettings; i++) {
		const struct setting *s = &settings[i];
		unsigned next = 6000;

		if (s->kind != SK_PROTOCOL)
			continue;
		for (size_t j = 0; j < nproto_defaults; j++) {
			const struct proto_default *d = &proto_defaults[j];
			if (strcmp(d->proto, s->group) != 0)
				continue;
			assert_non_null(strstr(d->source, "https://"));
			assert_int_equal(d->from, next);
			assert_true(d->to >= d->from);
			next = d->to + 1;
		}
		/* up to the last build Microsoft's table covers, no further */
		assert_int_equal(next, LAST_DOCUMENTED_BUILD + 1);
	}
	for (size_t j = 0; j < nwinhttp_defaults; j++)
		assert_non_null(strstr(winhttp_defaults[j].source, "https://"));
	/* a build that reads an unsupported protocol's values lacks it */
	for (size_t j = 0; j < nproto_unsafes; j++) {
		const struct setting *r;
		const char *src;
		assert_non_null(strstr(proto_unsafes[j].source, "https://"));
		assert_int_equal(setting_lookup(proto_unsafes[j].proto, &r, 1),
		    2);
		assert_int_equal(os_default(r, proto_unsafes[j].from, &src),
		    EFF_UNSUPPORTED);
		assert_int_equal(os_default(r, proto_unsafes[j].to, &src),
		    EFF_UNSUPPORTED);
		assert_true(proto_unsafe(r, proto_unsafes[j].to));
		assert_false(proto_unsafe(r, proto_unsafes[j].to + 1));
		assert_false(proto_unsafe(r, proto_unsafes[j].from - 1));
	}
}

/*
 * KB4019276 ("Update to add support for TLS 1.1 and TLS 1.2 in Windows
 * Server 2008 SP2") is for the server edition of builds 6002-6003 only:
 * Vista SP2 keeps the protocols page's Vista row.
 */
static void
test_table_kb_edition__server_2008_only(void **state)
{
	assert_int_equal(kb_edition(4019276), ED_SERVER);
	assert_int_equal(kb_edition(3140245), ED_ANY);
	for (size_t i = 0; i < nedition_kbs; i++)
		assert_non_null(strstr(edition_kbs[i].source, "https://"));
}

static void
test_table_os_default__documented_cases(void **state)
{
	const struct setting *r;
	const char *src;

	setting_lookup("TLS 1.2 client", &r, 1);
	assert_int_equal(os_default(r, 7601, &src), EFF_DISABLED);
	assert_int_equal(os_default(r, 9600, &src), EFF_ENABLED);
	assert_int_equal(os_default(r, 6001, &src), EFF_UNSUPPORTED);
	assert_int_equal(os_default(r, 0, &src), EFF_UNKNOWN);
	setting_lookup("SSL 2.0 server", &r, 1);
	assert_int_equal(os_default(r, 7601, &src), EFF_ENABLED);
	assert_int_equal(os_default(r, 14393, &src), EFF_UNSUPPORTED);
	setting_lookup("TLS 1.3 server", &r, 1);
	assert_int_equal(os_default(r, 20348, &src), EFF_ENABLED);
	assert_int_equal(os_default(r, 19045, &src), EFF_UNSUPPORTED);
	/* past the table (Insider builds of 2024 turn TLS 1.0/1.1 off) */
	setting_lookup("TLS 1.0 server", &r, 1);
	assert_int_equal(os_default(r, 26100, &src), EFF_ENABLED);
	assert_int_equal(os_default(r, 26120, &src), EFF_UNKNOWN);
	/* "All versions of Windows will accept a unified format ClientHello
	 * message even when SSL version 2 is disabled or no longer
	 * supported" (Protocols in TLS/SSL (Schannel SSP)) */
	setting_lookup("Multi-Protocol Unified Hello server", &r, 1);
	assert_int_equal(os_default(r, 14393, &src), EFF_ENABLED);
	assert_int_equal(os_default(r, 7601, &src), EFF_ENABLED);
	setting_lookup("Multi-Protocol Unified Hello client", &r, 1);
	assert_int_equal(os_default(r, 14393, &src), EFF_UNKNOWN);
	assert_int_equal(os_default_everywhere(r), EFF_UNKNOWN);
	/* what holds on every build that has the protocol */
	setting_lookup("SSL 2.0 client", &r, 1);
	assert_int_equal(os_default_everywhere(r), EFF_DISABLED);
	setting_lookup("TLS 1.0 server", &r, 1);
	assert_int_equal(os_default_everywhere(r), EFF_ENABLED);
	setting_lookup("TLS 1.2 client", &r, 1);
	assert_int_equal(os_default_everywhere(r), EFF_UNKNOWN);
}

/*
 * WinHTTP's defaults as the WINHTTP_OPTION_SECURE_PROTOCOLS entry of
 * MicrosoftDocs/win32 desktop-src/WinHttp/option-flags.md gives them:
 * "Windows 11. By default, only TLS1.2 and TLS1.3 are enabled."; "Windows
 * 10, and Windows 8.1": SSL3 to TLS1.2; "Windows 8 and Windows 7": SSL3
 * and TLS1.  Vista and Server 2008 are not on the page, nor Server 2022 or
 * 2025; Windows 10 from 1809 on moved with KB5017811.
 */
static void
test_table_winhttp_defaults__option_flags_page(void **state)
{
	static const struct {
		unsigned build;
		int client;
		uint32_t bits;
	} ex[] = {
		{ 22631, 1, 0x800 | 0x2000 },	/* Windows 11 23H2 */
		{ 22000, 1, 0x800 | 0x2000 },	/* Windows 11 21H2 */
		{ 26100, 1, 0x800 | 0x2000 },	/* Windows 11 24H2 */
		{ 26100, 0, 0 },		/* Server 2025 */
		{ 26100, -1, 0 },		/* either */
		{ 20348, 0, 0 },		/* Server 2022 */
		{ 27000, 1, 0 },		/* past the tables */
		{ 17763, 0, 0 },		/* KB5017811 */
		{ 19045, 1, 0 },
		{ 14393, -1, 0x20 | 0x80 | 0x200 | 0x800 },
		{ 9600, 1, 0x20 | 0x80 | 0x200 | 0x800 },
		{ 9200, 0, 0x20 | 0x80 },	/* Server 2012 */
		{ 7601, 1, 0x20 | 0x80 },	/* Windows 7 */
		{ 6002, 0, 0 },			/* Server 2008 SP2 */
		{ 6000, 1, 0 },			/* Vista */
	};
	const char *src;

	for (size_t i = 0; i < sizeof(ex) / sizeof(ex[0]); i++) {
		uint32_t got = winhttp_default(ex[i].build, ex[i].client, &src);
		if (got != ex[i].bits)
			fail_msg("build %u (client %d): 0x%x, not 0x%x",
			    ex[i].build, ex[i].client, got, ex[i].bits);
		if (got)
			assert_non_null(strstr(src, "option-flags"));
	}
}

/* The default orders name only suites the build has, and cite a page. */
static void
test_table_suite_defaults__consistent(void **state)
{
	for (size_t i = 0; i < nsuite_defaults; i++) {
		const struct suite_defaults *d = &suite_defaults[i];
		assert_non_null(strstr(d->source, "https://learn.microsoft.com/"));
		for (size_t j = 0; d->names[j]; j++) {
			assert_non_null(suite_find(d->names[j]));
			assert_int_equal(suite_supported(d->names[j], d->from), 1);
		}
	}
	/* 8.1 spells ECDHE with curves; ECDHE-RSA with GCM came in 1607 */
	for (size_t i = 0; i < nsuites; i++)
		assert_non_null(strstr(suites[i].source,
		    "https://learn.microsoft.com/"));
	assert_int_equal(suite_supported(
	    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384_P384", 9600), 1);
	assert_int_equal(suite_supported(
	    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384_P256", 9600), 0);
	assert_int_equal(suite_supported(
	    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 9600), 0);
	assert_int_equal(suite_supported(
	    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 14393), 1);
	assert_int_equal(suite_supported("TLS_AES_128_GCM_SHA256", 17763), 0);
	assert_int_equal(suite_supported("TLS_AES_128_GCM_SHA256", 7601), 0);
	/* Windows 7 has the 8.1 suites, curves included (with KB3042058) */
	assert_int_equal(suite_supported("TLS_RSA_WITH_AES_128_CBC_SHA", 7601),
	    1);
	assert_int_equal(suite_supported(
	    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 7601), 0);
	assert_int_equal(suite_find("TLS_RSA_WITH_AES_128_GCM_SHA256")->kb7,
	    3042058);
	/* a build before Windows 10 without a page of its own: unknown,
	 * but for what no such page lists; an unknown build: unknown */
	assert_int_equal(suite_supported("TLS_RSA_WITH_AES_128_CBC_SHA", 8000),
	    -1);
	assert_int_equal(suite_supported(
	    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 8000), 0);
	assert_int_equal(suite_supported("TLS_AES_128_GCM_SHA256", 0), -1);
	assert_int_equal(suite_supported("TLS_NO_SUCH_SUITE", 0), 0);
	/* 1507 and 1511 have every suite 1607 has */
	assert_int_equal(suite_supported(
	    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 10240), 1);
	assert_int_equal(strcmp(suite_defaults_for(26100)->names[0],
	    "TLS_AES_256_GCM_SHA384"), 0);
	assert_int_equal(strcmp(suite_defaults_for(17763)->names[0],
	    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"), 0);
}

/*
 * ECDHE_RSA with GCM: first listed by "TLS Cipher Suites in Windows 10
 * v1507" (tls-cipher-suites-in-windows-10--version-1507.md), absent from
 * the 8.1 page.
 */
static void
test_table_suites__ecdhe_rsa_gcm_from_1507(void **state)
{
	const char *const n[] = { "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
	    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" };

	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(suite_find(n[i])->min_build, 10240);
		assert_non_null(strstr(suite_find(n[i])->source,
		    "tls-cipher-suites-in-windows-10--version-1507"));
		assert_int_equal(suite_supported(n[i], 9600), 0);
		assert_int_equal(suite_supported(n[i], 10240), 1);
	}
}

/* One row of tests/data/cipher-suites.tsv. */
struct page_row {
	unsigned build;
	char name[80];
	char state[32];
};

static struct page_row *
page_rows(size_t *n)
{
	const char *dir = getenv("srcdir");
	char path[4096], line[512];
	struct page_row *r = NULL;
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/data/cipher-suites.tsv",
	    dir ? dir : ".");
	f = fopen(path, "r");
	assert_non_null(f);
	*n = 0;
	while (fgets(line, sizeof(line), f)) {
		struct page_row x;
		if (line[0] == '#')
			continue;
		assert_int_equal(sscanf(line, "%u\t%79s\t%31s", &x.build, x.name,
		    x.state), 3);
		r = realloc(r, (*n + 1) * sizeof(*r));
		assert_non_null(r);
		r[(*n)++] = x;
	}
	fclose(f);
	assert_true(*n > 0);
	return r;
}

/*
 * The table against tests/data/cipher-suites.tsv, read from Microsoft's
 * per-version pages: each build has every suite its page lists and no
 * other, and its default order is the page's enabled list.  Before
 * Windows 10 the pages spell each ECDHE suite with its curve.
 */
static void
test_table_suites__as_the_pages_list(void **state)
{
	static const char *const sfx[] = { "", "_P256", "_P384", "_P521" };
	size_t n, i = 0;
	struct page_row *r = page_rows(&n);

	while (i < n) {
		unsigned b = r[i].build;
		size_t end = i, d = 0;
		const struct suite_defaults *sd = suite_defaults_for(b);

		while (end < n && r[end].build == b)
			end++;
		if (sd == NULL)
			fail_msg("%u: no default order", b);
		for (size_t k = i; k < end; k++) {
			int ok = suite_supported(r[k].name, b);
			if (ok != 1)
				fail_msg("%u: %s: suite_supported %d", b,
				    r[k].name, ok);
			if (strncmp(r[k].state, "default", 7) != 0)
				continue;
			if (sd->names[d] == NULL || strcmp(sd->names[d],
			    r[k].name) != 0)
				fail_msg("%u: default %zu is %s, the page says "
				    "%s", b, d, sd->names[d] ? sd->names[d] :
				    "(end)", r[k].name);
			d++;
		}
		if (sd->names[d] != NULL)
			fail_msg("%u: default order goes on with %s", b,
			    sd->names[d]);
		for (size_t s = 0; s < nsuites; s++)
			for (size_t c = 0; c < 4; c++) {
				char full[128];
				int listed = 0, ecdhe = strncmp(suites[s].name,
				    "TLS_ECDHE_", 10) == 0;
				/* only ECDHE before Windows 10 has a curve */
				if ((c > 0) != (ecdhe && b < 10240))
					continue;
				snprintf(full, sizeof(full), "%s%s",
				    suites[s].name, sfx[c]);
				if (suite_supported(full, b) != 1)
					continue;
				for (size_t k = i; k < end && !listed; k++)
					listed = strcmp(r[k].name, full) == 0;
				if (!listed)
					fail_msg("%u: %s is not on its page", b,
					    full);
			}
		i = end;
	}
	free(r);
}

/* A prerequisite that names no row would never warn. */
static void
test_table_prereqs__name_rows(void **state)
{
	for (size_t i = 0; i < nprereqs; i++) {
		const struct prereq *r = &prereqs[i];
		size_t n = strlen(r->key), rows = 0;

		for (size_t j = 0; j < nsettings; j++)
			rows += settings[j].hive == r->hive &&
			    strncasecmp(settings[j].key, r->key, n) == 0 &&
			    (settings[j].key[n] == '\0' ||
			    settings[j].key[n] == '\\') && (r->value == NULL ||
			    strcmp(settings[j].value, r->value) == 0);
		assert_true(rows > 0);
		assert_true(r->what != NULL);
		assert_true(r->to == 0 || r->to >= r->from);
		assert_true(r->release_to >= r->release_from);
	}
}

static int
list_has(const char *const *names, const char *name)
{
	for (size_t i = 0; names[i]; i++)
		if (strcmp(names[i], name) == 0)
			return 1;
	return 0;
}

static size_t
list_len(const char *const *names)
{
	size_t n = 0;

	while (names[n])
		n++;
	return n;
}

/*
 * Each version's default list as its own page gives it
 * (MicrosoftDocs/win32 desktop-src/SecAuthN/tls-cipher-suites-in-*.md).
 */
static void
test_table_suite_defaults__per_version_pages(void **state)
{
	const struct suite_defaults *w7 = suite_defaults_for(7601);
	const struct suite_defaults *v1507 = suite_defaults_for(10240);
	const struct suite_defaults *v1511 = suite_defaults_for(10586);
	const struct suite_defaults *v1607 = suite_defaults_for(14393);
	const struct suite_defaults *v1703 = suite_defaults_for(15063);
	const struct suite_defaults *v1709 = suite_defaults_for(16299);
	const struct suite_defaults *v1803 = suite_defaults_for(17134);
	const struct suite_defaults *v1809 = suite_defaults_for(17763);
	const struct suite_defaults *w10_22h2 = suite_defaults_for(19045);
	const struct suite_defaults *s2022 = suite_defaults_for(20348);
	const struct suite_defaults *w11_22h2 = suite_defaults_for(22621);
	static const char *const dropped_1703[] = {
		"TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
		"TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
		"TLS_DHE_DSS_WITH_AES_256_CBC_SHA256",
		"TLS_DHE_DSS_WITH_AES_128_CBC_SHA256",
		"TLS_DHE_DSS_WITH_AES_256_CBC_SHA",
		"TLS_DHE_DSS_WITH_AES_128_CBC_SHA",
		"TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA", NULL };

	/* Windows 7: the 8.1 list, which needs update 3042058 */
	assert_non_null(strstr(w7->source, "tls-cipher-suites-in-windows-7"));
	assert_int_equal(w7->kb, 3042058);
	assert_ptr_equal(w7->names, suite_defaults_for(9600)->names);
	assert_int_equal(strcmp(w7->names[0],
	    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256"), 0);
	/* 1507: ECDHE_RSA first, GCM included */
	assert_non_null(strstr(v1507->source, "version-1507"));
	assert_int_equal(strcmp(v1507->names[0],
	    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"), 0);
	assert_int_equal(list_len(v1507->names), 32);
	/* 1511: the 1607 list, which enables ECDHE_RSA with GCM */
	assert_non_null(strstr(v1511->source, "v1511"));
	assert_ptr_equal(v1511->names, v1607->names);
	assert_true(list_has(v1511->names,
	    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
	/* 1703: 1607 without DHE_RSA CBC and every DHE_DSS suite, RC4 kept */
	assert_non_null(strstr(v1703->source, "v1703"));
	assert_int_equal(list_len(v1703->names), list_len(v1607->names) - 7);
	for (size_t i = 0; dropped_1703[i]; i++) {
		assert_true(list_has(v1607->names, dropped_1703[i]));
		assert_false(list_has(v1703->names, dropped_1703[i]));
	}
	assert_true(list_has(v1703->names, "TLS_RSA_WITH_RC4_128_SHA"));
	assert_true(list_has(v1703->names, "TLS_RSA_WITH_RC4_128_MD5"));
	assert_true(list_has(v1703->names, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"));
	for (size_t i = 0, j = 0; v1703->names[i]; i++, j++) {
		while (strcmp(v1607->names[j], v1703->names[i]) != 0)
			j++;	/* the same relative order */
		assert_non_null(v1607->names[j]);
	}
	/* 1709 and 1803 equal 1809 */
	assert_non_null(strstr(v1709->source, "v1709"));
	assert_non_null(strstr(v1803->source, "v1803"));
	assert_ptr_equal(v1709->names, v1809->names);
	assert_ptr_equal(v1803->names, v1809->names);
	assert_false(list_has(v1709->names, "TLS_RSA_WITH_RC4_128_SHA"));
	/* 22H2 pages: no DHE_RSA GCM, no 3DES */
	assert_non_null(strstr(w10_22h2->source, "windows-10-v22H2"));
	assert_int_equal(list_len(w10_22h2->names), list_len(v1809->names) - 3);
	assert_false(list_has(w10_22h2->names, "TLS_RSA_WITH_3DES_EDE_CBC_SHA"));
	assert_true(list_has(s2022->names, "TLS_RSA_WITH_3DES_EDE_CBC_SHA"));
	assert_non_null(strstr(w11_22h2->source, "server-2025"));
	assert_false(list_has(w11_22h2->names,
	    "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"));
	assert_ptr_equal(suite_defaults_for(26100), w11_22h2);
}

/*
 * "TLS Cipher Suites in Windows Vista" (Vista and Server 2008: SHA-1 and
 * MD5 suites only, every ECDHE curve in the default order) and "... in
 * Windows 8" (the 8.1 suites but the two DHE_RSA CBC ones, the order after
 * update 3042058): names checked on those builds, default orders known.
 */
static void
test_table_suites__vista_and_8_pages(void **state)
{
	const struct suite_defaults *v = suite_defaults_for(6002);
	const struct suite_defaults *w8 = suite_defaults_for(9200);
	const struct suite_defaults *w81 = suite_defaults_for(9600);
	const char *win;

	for (unsigned b = 6000; b <= 6003; b++) {
		assert_ptr_equal(suite_defaults_for(b), v);
		assert_int_equal(suite_supported("TLS_RSA_WITH_AES_128_CBC_SHA",
		    b), 1);
		assert_int_equal(suite_supported(
		    "TLS_RSA_WITH_AES_128_CBC_SHA256", b), 0);
		assert_int_equal(suite_supported(
		    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384_P384", b), 0);
		assert_int_equal(suite_supported(
		    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P521", b), 1);
	}
	assert_non_null(strstr(v->source,
	    "schannel-cipher-suites-in-windows-vista"));
	assert_int_equal(v->kb, 0);
	assert_int_equal(list_len(v->names), 22);
	assert_string_equal(v->names[0], "TLS_RSA_WITH_AES_128_CBC_SHA");
	assert_true(list_has(v->names, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P521"));
	/* every curve Vista has is in its default order */
	assert_int_equal(suite_curves(suite_find(
	    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"), 6002, 1), C256 | C384 | C521);
	assert_int_equal(suite_curves(suite_find(
	    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"), 9200, 1), C256 | C384);

	assert_non_null(strstr(w8->source, "tls-cipher-suites-in-windows-8"));
	assert_int_equal(w8->kb, 3042058);
	assert_int_equal(list_len(w8->names), list_len(w81->names) - 2);
	assert_false(list_has(w8->names, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA"));
	assert_false(list_has(w8->names, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA"));
	assert_int_equal(suite_supported("TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
	    9200), 0);
	assert_int_equal(suite_supported("TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
	    9600), 1);
	assert_int_equal(suite_supported(
	    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384_P521", 9200), 1);
	/* update 3042058 on Windows 7 and 8 alike, not on 8.1 or Vista */
	assert_int_equal(suite_update(suite_find(
	    "TLS_RSA_WITH_AES_128_GCM_SHA256"), 9200, &win), 3042058);
	assert_string_equal(win, "Windows 8 and Server 2012");
	assert_int_equal(suite_update(suite_find(
	    "TLS_RSA_WITH_AES_128_GCM_SHA256"), 7601, &win), 3042058);
	assert_int_equal(suite_update(suite_find(
	    "TLS_RSA_WITH_AES_128_GCM_SHA256"), 9600, &win), 0);
	assert_int_equal(suite_update(suite_find(
	    "TLS_RSA_WITH_AES_128_CBC_SHA"), 9200, &win), 0);
}

static void
test_table_suite_has_words__whole_words(void **state)
{
	assert_true(suite_has_words("TLS_RSA_WITH_RC4_128_SHA", "RC4 128"));
	assert_false(suite_has_words("TLS_RSA_WITH_RC4_128_SHA", "RC4 40"));
	assert_true(suite_has_words("TLS_RSA_WITH_AES_128_CBC_SHA", "SHA"));
	assert_false(suite_has_words("TLS_RSA_WITH_AES_128_CBC_SHA256", "SHA"));
	assert_true(suite_has_words(
	    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P256", "SHA"));
	assert_true(suite_has_words("TLS_RSA_WITH_AES_128_CBC_SHA",
	    "TLS RSA WITH"));
	assert_false(suite_has_words("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
	    "TLS RSA WITH"));
	assert_false(suite_has_words("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
	    "DHE"));
	assert_true(suite_has_words("TLS_RSA_WITH_3DES_EDE_CBC_SHA",
	    "3DES EDE"));
	assert_false(suite_has_words("TLS_RSA_WITH_3DES_EDE_CBC_SHA",
	    "DES CBC"));
}

#define WIN32_PAGE "https://learn.microsoft.com/windows/win32/secauthn/"
#define P1507 WIN32_PAGE "tls-elliptic-curves-in-windows-10-1507-and-1511"
#define P1607 WIN32_PAGE "tls-elliptic-curves-in-windows-10-1607-and-later"
#define P24H2 WIN32_PAGE "tls-supported-groups-in-windows-11-24h2-and-later"

/*
 * Every curve or group string Microsoft's pages list, spelt as the page
 * spells it, with the first build of the page, and the page.
 */
static const struct {
	const char *name;
	unsigned build;
	const char *page;
} listed[] = {
	{ "NistP256", 10240, P1507 }, { "NistP384", 10240, P1507 },
	{ "brainpoolP256r1", 10240, P1507 }, { "brainpoolP384r1", 10240, P1507 },
	{ "brainpoolP512r1", 10240, P1507 }, { "nistP192", 10240, P1507 },
	{ "nistP224", 10240, P1507 }, { "nistP521", 10240, P1507 },
	{ "secP160k1", 10240, P1507 }, { "secP160r1", 10240, P1507 },
	{ "secP160r2", 10240, P1507 }, { "secP192k1", 10240, P1507 },
	{ "secP192r1", 10240, P1507 }, { "secP224k1", 10240, P1507 },
	{ "secP224r1", 10240, P1507 }, { "secP256k1", 10240, P1507 },
	{ "secP256r1", 10240, P1507 }, { "secP384r1", 10240, P1507 },
	{ "secP521r1", 10240, P1507 },
	{ "curve25519", 14393, P1607 },
	{ "x25519_mlkem768", 26100, P24H2 },
	{ "secp256r1_mlkem768", 26100, P24H2 },
	{ "secp384r1_mlkem1024", 26100, P24H2 },
};

static void
test_table_curves__every_name_the_pages_list(void **state)
{
	for (size_t i = 0; i < sizeof(listed) / sizeof(*listed); i++) {
		const struct curve *c = curve_find(listed[i].name);

		assert_non_null(c);
		assert_string_equal(c->name, listed[i].name);
		assert_int_equal(c->min_build, listed[i].build);
		assert_non_null(strstr(c->source, listed[i].page));
	}
	assert_int_equal(ncurves, sizeof(listed) / sizeof(*listed));
}

/*
 * The ML-KEM groups' minimum builds (the 24H2 page's note): 26100.8514
 * and 26200.8514 (Windows 11 24H2, 25H2), 28000.2173, and 29550 for the
 * server; no other build is named.
 */
static void
test_table_curves__mlkem_builds(void **state)
{
	static const struct {
		unsigned build, ubr;
		int server, want;
	} cases[] = {
		{ 26100, 8514, 0, 1 }, { 26100, 8513, 0, 0 },
		{ 26100, 0, 0, -1 },		/* UBR unknown */
		{ 26200, 8600, 0, 1 }, { 26200, 100, 0, 0 },
		{ 28000, 2173, 0, 1 }, { 28000, 2000, 0, 0 },
		{ 26100, 8514, 1, 0 },		/* Server 2025: 29550 */
		{ 29550, 0, 1, 1 }, { 29549, 9999, 1, 0 },
		{ 26100, 8514, -1, -1 },	/* client or server unknown */
		{ 22631, 9999, 0, 0 }, { 22631, 9999, -1, 0 },
		{ 27000, 9999, 0, -1 },		/* no page says */
		{ 0, 0, 0, -1 },
	};
	const struct curve *c = curve_find("x25519_mlkem768");
	char *t;

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		assert_int_equal(curve_available(c, cases[i].build,
		    cases[i].ubr, cases[i].server), cases[i].want);
	t = curve_builds_text(c);
	assert_string_equal(t, "client build 26100.8514, client build "
	    "26200.8514, client build 28000.2173 or server build 29550 or "
	    "later");
	free(t);
	c = curve_find("curve25519");
	assert_int_equal(curve_available(c, 14393, 0, 1), 1);
	assert_int_equal(curve_available(c, 10586, 0, 0), 0);
}

/* tls-registry-settings: "Added in Windows 10, version 1507 and Windows
 * Server 2016"; the server value earlier with advisory 3174644. */
static void
test_table_number_defaults__diffie_hellman(void **state)
{
	const struct setting *srv, *cli;
	const char *src;
	uint32_t v = 0, kb;

	setting_lookup("Diffie-Hellman server min bits", &srv, 1);
	setting_lookup("Diffie-Hellman client min bits", &cli, 1);
	assert_int_equal(number_default(srv, 10240, &v, &kb, &src), 1);
	assert_int_equal(v, 2048);
	assert_int_equal(number_default(srv, 7601, &v, &kb, &src), 1);
	assert_int_equal(v, 1024);
	assert_int_equal(kb, 3174644);
	assert_int_equal(number_default(cli, 17763, &v, &kb, &src), 1);
	assert_int_equal(v, 1024);
	assert_int_equal(number_default(cli, 9600, &v, &kb, &src), -1);
	assert_int_equal(number_default(cli, 0, &v, &kb, &src), 0);
}

/*
 * tls-registry-settings, "KeyExchangeAlgorithm - Client RSA key sizes":
 * PKCS ClientMinKeyBitLength "If not configured, 1024 bits will be the
 * minimum", ClientMaxKeyBitLength "If not configured, then a maximum is not
 * enforced" (the Diffie-Hellman maximum too), both "Added in Windows 10,
 * version 1507 and Windows Server 2016".
 */
static void
test_table_number_defaults__client_key_sizes(void **state)
{
	const struct setting *min, *max, *dhmax;
	const char *src;
	uint32_t v = 0, kb;

	setting_lookup("PKCS client min bits", &min, 1);
	setting_lookup("PKCS client max bits", &max, 1);
	setting_lookup("Diffie-Hellman client max bits", &dhmax, 1);
	assert_int_equal(number_default(min, 19045, &v, &kb, &src), 1);
	assert_int_equal(v, 1024);
	assert_non_null(strstr(src, "tls-registry-settings"));
	assert_int_equal(number_default(max, 20348, &v, &kb, &src), 2);
	assert_int_equal(number_default(dhmax, 10240, &v, &kb, &src), 2);
	assert_int_equal(number_default(min, 9600, &v, &kb, &src), -1);
	assert_int_equal(number_default(max, 7601, &v, &kb, &src), -1);
	assert_int_equal(number_default(max, 0, &v, &kb, &src), 0);
	assert_string_equal(effect_name(EFF_NO_LIMIT), "no limit");
}

/* KB977377: AllowInsecureRenegoClients is what a server allows clients,
 * AllowInsecureRenegoServers what a client allows servers. */
static void
test_table_renegotiation__help_follows_kb977377(void **state)
{
	const struct setting *c, *s;

	setting_lookup("insecure renegotiation client", &c, 1);
	setting_lookup("insecure renegotiation server", &s, 1);
	assert_string_equal(c->value, "AllowInsecureRenegoClients");
	assert_non_null(strstr(c->help, "as a server, let clients"));
	assert_string_equal(s->value, "AllowInsecureRenegoServers");
	assert_non_null(strstr(s->help, "as a client, keep talking to servers"));
}

/* The .NET 4.5.1/4.5.2 fix is hotfix rollup KB3154521 (tls.md). */
static void
test_table_prereqs__dotnet_451_rollup(void **state)
{
	int found = 0;

	for (size_t i = 0; i < nprereqs; i++)
		if (prereqs[i].release_from == 378675) {
			assert_int_equal(prereqs[i].kb, 3154521);
			found = 1;
		}
	assert_true(found);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_rows__well_formed),
		cmocka_unit_test(test_table_protocols__client_and_server_pairs),
		cmocka_unit_test(test_table_issue_rows__present),
		cmocka_unit_test(test_table_suggest__close_names_only),
		cmocka_unit_test(test_table_suites__curve_suffix_accepted),
		cmocka_unit_test(test_table_builtin_profiles__parse),
		cmocka_unit_test(test_table_proto_defaults__cover_every_build_with_source),
		cmocka_unit_test(test_table_kb_edition__server_2008_only),
		cmocka_unit_test(test_table_os_default__documented_cases),
		cmocka_unit_test(test_table_winhttp_defaults__option_flags_page),
		cmocka_unit_test(test_table_suite_defaults__consistent),
		cmocka_unit_test(test_table_suites__ecdhe_rsa_gcm_from_1507),
		cmocka_unit_test(test_table_suites__as_the_pages_list),
		cmocka_unit_test(test_table_suites__vista_and_8_pages),
		cmocka_unit_test(test_table_prereqs__name_rows),
		cmocka_unit_test(test_table_suite_defaults__per_version_pages),
		cmocka_unit_test(test_table_suite_has_words__whole_words),
		cmocka_unit_test(test_table_curves__every_name_the_pages_list),
		cmocka_unit_test(test_table_curves__mlkem_builds),
		cmocka_unit_test(test_table_number_defaults__diffie_hellman),
		cmocka_unit_test(test_table_number_defaults__client_key_sizes),
		cmocka_unit_test(test_table_renegotiation__help_follows_kb977377),
		cmocka_unit_test(test_table_prereqs__dotnet_451_rollup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
