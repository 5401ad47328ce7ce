/*
 * The rows.  Paths and spellings follow Microsoft's pages as collected in
 * shared/reference/tls-registry.md; adding a cipher or protocol is adding a
 * row here, and the parser, show, check, apply and the man page follow.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/table.h"

#define SCH SCHANNEL_KEY
#define WINHTTP_KEY \
	"Microsoft\\Windows\\CurrentVersion\\Internet Settings\\WinHttp"
#define DOTNET_KEY "Microsoft\\.NETFramework"
#define INET_KEY "Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings"

/* Vista and later have no PCT and no SSL 2.0 after 1607, but a hardened
 * image still carries explicit "off" values for them, so they are rows. */
#define PROTO(p, build, what) \
	{ .name = p " client", .group = p, .hive = HV_SYSTEM, \
	  .key = SCH "\\Protocols\\" p "\\Client", .value = "Enabled", \
	  .kind = SK_PROTOCOL, .min_build = build, \
	  .help = what ", outgoing connections" }, \
	{ .name = p " server", .group = p, .hive = HV_SYSTEM, \
	  .key = SCH "\\Protocols\\" p "\\Server", .value = "Enabled", \
	  .kind = SK_PROTOCOL, .min_build = build, \
	  .help = what ", incoming connections" }

/* Microsoft's samples write 0xffffffff to enable an algorithm key, and
 * Schannel takes any non-zero value as enabled. */
#define ALGO(sub, n, words, what) \
	{ .name = n, .hive = HV_SYSTEM, .key = SCH "\\" sub "\\" n, \
	  .value = "Enabled", .kind = SK_SWITCH, .flags = SF_NONZERO_ON, \
	  .on = 0xffffffff, .help = what, .suite_words = words }

#define BITS(n, grp, sub, val, lo, hi, what) \
	{ .name = n, .group = grp, .hive = HV_SYSTEM, \
	  .key = SCH "\\KeyExchangeAlgorithms\\" sub, .value = val, \
	  .kind = SK_NUMBER, .min = lo, .max = hi, .help = what }

#define DOTNET(n, grp, ver, val, what) \
	{ .name = n, .group = grp, .hive = HV_SOFTWARE, \
	  .key = DOTNET_KEY "\\" ver, .value = val, \
	  .kind = SK_SWITCH, .flags = SF_WOW64, .on = 1, .help = what }

const struct setting settings[] = {
	PROTO("SSL 2.0", 0, "SSL 2.0"),
	PROTO("SSL 3.0", 0, "SSL 3.0"),
	PROTO("TLS 1.0", 0, "TLS 1.0"),
	PROTO("TLS 1.1", 0, "TLS 1.1"),
	PROTO("TLS 1.2", 0, "TLS 1.2"),
	/* Windows 11 and Server 2022 (build 20348) and later only. */
	PROTO("TLS 1.3", 20348, "TLS 1.3"),
	PROTO("DTLS 1.0", 0, "DTLS 1.0"),
	/* Windows 10 1607 and Server 2016 (build 14393) and later. */
	PROTO("DTLS 1.2", 14393, "DTLS 1.2"),
	PROTO("PCT 1.0", 0, "PCT 1.0 (unsupported since Vista)"),
	PROTO("Multi-Protocol Unified Hello", 0,
	    "SSL 2.0-compatible unified ClientHello"),

	ALGO("Ciphers", "NULL", "NULL", "no encryption"),
	ALGO("Ciphers", "DES 56/56", "DES CBC", "DES"),
	ALGO("Ciphers", "RC2 40/128", "RC2 40", "RC2, 40-bit"),
	ALGO("Ciphers", "RC2 56/128", "RC2 56", "RC2, 56-bit"),
	ALGO("Ciphers", "RC2 128/128", "RC2 128", "RC2, 128-bit"),
	ALGO("Ciphers", "RC4 40/128", "RC4 40", "RC4, 40-bit"),
	ALGO("Ciphers", "RC4 56/128", "RC4 56", "RC4, 56-bit"),
	ALGO("Ciphers", "RC4 64/128", "RC4 64", "RC4, 64-bit"),
	ALGO("Ciphers", "RC4 128/128", "RC4 128", "RC4, 128-bit"),
	ALGO("Ciphers", "Triple DES 168", "3DES EDE", "3DES"),
	ALGO("Ciphers", "AES 128/128", "AES 128", "AES, 128-bit"),
	ALGO("Ciphers", "AES 256/256", "AES 256", "AES, 256-bit"),

	ALGO("Hashes", "MD5", "MD5", "MD5"),
	ALGO("Hashes", "SHA", "SHA", "SHA-1"),
	ALGO("Hashes", "SHA256", "SHA256", "SHA-256"),
	ALGO("Hashes", "SHA384", "SHA384", "SHA-384"),
	/* No suite names SHA512 as its hash, and no page says what else
	 * the key governs: its effect is unknown. */
	ALGO("Hashes", "SHA512", NULL, "SHA-512"),

	ALGO("KeyExchangeAlgorithms", "Diffie-Hellman", "DHE", "DHE key exchange"),
	ALGO("KeyExchangeAlgorithms", "PKCS", "TLS RSA WITH", "RSA key exchange"),
	ALGO("KeyExchangeAlgorithms", "ECDH", "ECDHE", "ECDHE key exchange"),

	BITS("Diffie-Hellman server min bits", "Diffie-Hellman min bits",
	    "Diffie-Hellman", "ServerMinKeyBitLength", 512, 16384,
	    "smallest DH group a server offers (default 2048 on Windows 10+, "
	    "1024 before)"),
	BITS("Diffie-Hellman client min bits", "Diffie-Hellman min bits",
	    "Diffie-Hellman", "ClientMinKeyBitLength", 512, 16384,
	    "smallest DH group a client accepts (default 1024)"),
	BITS("Diffie-Hellman client max bits", NULL, "Diffie-Hellman",
	    "ClientMaxKeyBitLength", 512, 16384,
	    "largest DH group a client accepts (default: no limit)"),
	BITS("PKCS client min bits", NULL, "PKCS", "ClientMinKeyBitLength",
	    512, 16384, "smallest RSA key a client accepts (default 1024)"),
	BITS("PKCS client max bits", NULL, "PKCS", "ClientMaxKeyBitLength",
	    512, 16384, "largest RSA key a client accepts (default: no limit)"),

	{ .name = "insecure renegotiation client",
	  .group = "insecure renegotiation", .hive = HV_SYSTEM, .key = SCH,
	  .value = "AllowInsecureRenegoClients", .kind = SK_SWITCH, .on = 1,
	  .help = "as a server, let clients without the RFC 5746 "
	  "renegotiation fix renegotiate (KB977377)" },
	{ .name = "insecure renegotiation server",
	  .group = "insecure renegotiation", .hive = HV_SYSTEM, .key = SCH,
	  .value = "AllowInsecureRenegoServers", .kind = SK_SWITCH, .on = 1,
	  .help = "as a client, keep talking to servers without the RFC 5746 "
	  "renegotiation fix (KB977377)" },
	/* The third value KB980436 (MS10-049, with advisory 977377)
	 * documents beside the two above; it changes how a client signals
	 * the fix, not whom it talks to, so it is no member of their group. */
	{ .name = "renegotiation SCSV", .hive = HV_SYSTEM, .key = SCH,
	  .value = "UseScsvForTls", .kind = SK_SWITCH, .on = 1,
	  .help = "as a client, signal the RFC 5746 renegotiation fix with "
	  "the SCSV instead of the TLS extension, for servers that refuse "
	  "extensions (KB977377)" },
	{ .name = "event logging", .hive = HV_SYSTEM, .key = SCH,
	  .value = "EventLogging", .kind = SK_NUMBER, .min = 0, .max = 7,
	  .help = "Schannel event log mask: 1 errors, 2 warnings, "
	  "4 informational" },
	{ .name = "FIPS", .hive = HV_SYSTEM,
	  .key = FIPS_KEY, .value = "Enabled",
	  .kind = SK_SWITCH, .on = 1,
	  .help = "FIPS-approved algorithms only (a compatibility risk)" },

	/* Group Policy list: wins over the local CNG list, and every suite
	 * it omits is disabled. */
	{ .name = "cipher-suites", .hive = HV_SOFTWARE,
	  .key = "Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002",
	  .value = "Functions", .kind = SK_SUITES,
	  .help = "cipher suites in order of preference (policy list)" },
	/* "Beginning with Windows 10 & Windows Server 2016, ECC curve order
	 * can be configured" (MANAGE_TLS_PAGE); before, each ECDHE suite's
	 * name carries its curve. */
	{ .name = "ecc-curves", .hive = HV_SOFTWARE,
	  .key = "Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002",
	  .value = "EccCurves", .kind = SK_CURVES, .min_build = 10240,
	  .help = "elliptic curves in order of preference (policy list)" },
	{ .name = "winhttp", .hive = HV_SOFTWARE,
	  .key = WINHTTP_KEY,
	  .value = "DefaultSecureProtocols", .kind = SK_BITMAP,
	  .flags = SF_WOW64,
	  .help = "protocols WinHTTP offers when the application asks for "
	  "the default" },

	/* WinINet (Internet Explorer, Office, Edge's IE mode) reads the
	 * user's value, and the policy's above it; the Default profile's
	 * NTUSER.DAT is what every account made later starts with */
	{ .name = "wininet", .hive = HV_USER, .key = INET_KEY,
	  .value = "SecureProtocols", .kind = SK_BITMAP, .flags = SF_NO_DEFAULTS,
	  .help = "protocols WinINet offers, for the Default user profile "
	  "(every account made later)" },
	{ .name = "wininet policy", .hive = HV_SOFTWARE,
	  .key = "Policies\\Microsoft\\Windows\\CurrentVersion\\Internet Settings",
	  .value = "SecureProtocols", .kind = SK_BITMAP, .flags = SF_NO_DEFAULTS,
	  .help = "protocols WinINet offers, for every user (Group Policy, "
	  "above the user's own)" },

	DOTNET("dotnet v4 strong crypto", "dotnet strong crypto",
	    "v4.0.30319", "SchUseStrongCrypto",
	    ".NET 4.x passes SCH_USE_STRONG_CRYPTO to Schannel"),
	DOTNET("dotnet v4 system default tls", "dotnet system default tls",
	    "v4.0.30319", "SystemDefaultTlsVersions",
	    ".NET 4.x lets Windows choose the TLS version"),
	DOTNET("dotnet v2 strong crypto", "dotnet strong crypto",
	    "v2.0.50727", "SchUseStrongCrypto",
	    ".NET 2.0-3.5 passes SCH_USE_STRONG_CRYPTO to Schannel"),
	DOTNET("dotnet v2 system default tls", "dotnet system default tls",
	    "v2.0.50727", "SystemDefaultTlsVersions",
	    ".NET 2.0-3.5 lets Windows choose the TLS version"),
};
const size_t nsettings = sizeof(settings) / sizeof(settings[0]);

/* WINHTTP_FLAG_SECURE_PROTOCOL_* (KB3140245). */
const struct named_bit winhttp_bits[] = {
	{ "SSL 2.0", 0x8, 0 },
	{ "SSL 3.0", 0x20, 0 },
	{ "TLS 1.0", 0x80, 0 },
	{ "TLS 1.1", 0x200, 0 },
	{ "TLS 1.2", 0x800, 0 },
	{ "TLS 1.3", 0x2000, 20348 },
};
const size_t nwinhttp_bits = sizeof(winhttp_bits) / sizeof(winhttp_bits[0]);

/*
 * Suite names as Schannel spells them, from Microsoft's per-version pages
 * ("TLS Cipher Suites in Windows Vista", "... Windows 7", "... Windows 8",
 * "... Windows 8.1", "... Windows 10 v1507", "... v1607", "... Windows
 * Server 2022"), each listing the suites enabled by default and those
 * supported but not enabled.  min_build is the first documented Windows 10
 * or later build (1507 has every suite 1607 has but the PSK ones); on81
 * what 8.1 and 2012 R2 (with update 2919355) have, with the curves their
 * names carry, which is also what Windows 7 and 2008 R2 have with update
 * 3042058 (the Windows 7 page lists the same); on8 what Windows 8 and
 * 2012 have (the 8.1 suites but the two DHE_RSA CBC ones, which the
 * Windows 8 page lists nowhere); onvista what Vista and 2008 have (SHA-1
 * and MD5 suites only).
 */
#define SUITES_PAGE "https://learn.microsoft.com/windows/win32/secauthn/"
#define PAGE_VISTA SUITES_PAGE "schannel-cipher-suites-in-windows-vista"
#define PAGE_7 SUITES_PAGE "tls-cipher-suites-in-windows-7"
#define PAGE_8 SUITES_PAGE "tls-cipher-suites-in-windows-8"
#define PAGE_81 SUITES_PAGE "tls-cipher-suites-in-windows-8-1"
#define PAGE_1507 SUITES_PAGE "tls-cipher-suites-in-windows-10--version-1507"
#define PAGE_1607 SUITES_PAGE "tls-cipher-suites-in-windows-10-v1607"
#define PAGE_2022 SUITES_PAGE "tls-cipher-suites-in-windows-server-2022"
/* The pages of the Windows a row exists on, oldest first. */
#define SRC_81 PAGE_7 ", " PAGE_81 " and " PAGE_1507
#define SRC_8 PAGE_7 ", " PAGE_8 ", " PAGE_81 " and " PAGE_1507
#define SRC_VISTA PAGE_VISTA ", " SRC_8
/* What update 3042058 adds to Windows 7, 8, 2008 R2 and 2012 (the Windows
 * 7 and Windows 8 pages, advisory 3042058). */
#define KB7 3042058
#define ALL81 (C256 | C384 | C521)
#define DEF81 (C256 | C384)
#define NOC NOCURVE
const struct suite suites[] = {
	{ .name = "TLS_AES_256_GCM_SHA384", .min_build = 20348,
	  .source = PAGE_2022 },
	{ .name = "TLS_AES_128_GCM_SHA256", .min_build = 20348,
	  .source = PAGE_2022 },
	{ .name = "TLS_CHACHA20_POLY1305_SHA256", .min_build = 20348,
	  .source = PAGE_2022 },
	{ .name = "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
	  .min_build = 10240, .on81 = C384 | C521, .def81 = C384,
	  .on8 = C384 | C521, .source = SRC_8 },
	{ .name = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
	  .min_build = 10240, .on81 = ALL81, .def81 = DEF81, .on8 = ALL81,
	  .source = SRC_8 },
	/* ECDHE_RSA with GCM: Windows 10 1507 on, first in its order */
	{ .name = "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", .min_build = 10240,
	  .source = PAGE_1507 },
	{ .name = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", .min_build = 10240,
	  .source = PAGE_1507 },
	{ .name = "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", .min_build = 10240,
	  .on81 = NOC, .on8 = NOC, .source = SRC_8, .kb7 = KB7 },
	{ .name = "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", .min_build = 10240,
	  .on81 = NOC, .on8 = NOC, .source = SRC_8, .kb7 = KB7 },
	{ .name = "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
	  .min_build = 10240, .on81 = C384 | C521, .def81 = C384,
	  .on8 = C384 | C521, .source = SRC_8 },
	{ .name = "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
	  .min_build = 10240, .on81 = ALL81, .def81 = DEF81, .on8 = ALL81,
	  .source = SRC_8 },
	{ .name = "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", .min_build = 10240,
	  .on81 = ALL81, .def81 = DEF81, .on8 = ALL81, .source = SRC_8 },
	{ .name = "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", .min_build = 10240,
	  .on81 = ALL81, .def81 = DEF81, .on8 = ALL81, .source = SRC_8 },
	{ .name = "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", .min_build = 10240,
	  .on81 = ALL81, .def81 = DEF81, .on8 = ALL81, .onvista = ALL81,
	  .source = SRC_VISTA },
	{ .name = "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", .min_build = 10240,
	  .on81 = ALL81, .def81 = DEF81, .on8 = ALL81, .onvista = ALL81,
	  .source = SRC_VISTA },
	{ .name = "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", .min_build = 10240,
	  .on81 = ALL81, .def81 = DEF81, .on8 = ALL81, .onvista = ALL81,
	  .source = SRC_VISTA },
	{ .name = "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", .min_build = 10240,
	  .on81 = ALL81, .def81 = DEF81, .on8 = ALL81, .onvista = ALL81,
	  .source = SRC_VISTA },
	{ .name = "TLS_RSA_WITH_AES_256_GCM_SHA384", .min_build = 10240,
	  .on81 = NOC, .on8 = NOC, .source = SRC_8, .kb7 = KB7 },
	{ .name = "TLS_RSA_WITH_AES_128_GCM_SHA256", .min_build = 10240,
	  .on81 = NOC, .on8 = NOC, .source = SRC_8, .kb7 = KB7 },
	{ .name = "TLS_RSA_WITH_AES_256_CBC_SHA256", .min_build = 10240,
	  .on81 = NOC, .on8 = NOC, .source = SRC_8 },
	{ .name = "TLS_RSA_WITH_AES_128_CBC_SHA256", .min_build = 10240,
	  .on81 = NOC, .on8 = NOC, .source = SRC_8 },
	{ .name = "TLS_RSA_WITH_AES_256_CBC_SHA", .min_build = 10240,
	  .on81 = NOC, .on8 = NOC, .onvista = NOC, .source = SRC_VISTA },
	{ .name = "TLS_RSA_WITH_AES_128_CBC_SHA", .min_build = 10240,
	  .on81 = NOC, .on8 = NOC, .onvista = NOC, .source = SRC_VISTA },
	{ .name = "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", .min_build = 10240,
	  .on81 = NOC, .source = SRC_81 },
	{ .name = "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", .min_build = 10240,
	  .on81 = NOC, .source = SRC_81 },
	{ .name = "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256", .min_build = 10240,
	  .on81 = NOC, .on8 = NOC, .source = SRC_8 },
	{ .name = "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256", .min_build = 10240,
	  .on81 = NOC, .on8 = NOC, .source = SRC_8 },
	{ .name = "TLS_DHE_DSS_WITH_AES_256_CBC_SHA", .min_build = 10240,
	  .on81 = NOC, .on8 = NOC, .onvista = NOC, .source = SRC_VISTA },
	{ .name = "TLS_DHE_DSS_WITH_AES_128_CBC_SHA", .min_build = 10240,
	  .on81 = NOC, .on8 = NOC, .onvista = NOC, .source = SRC_VISTA },
	{ .name = "TLS_RSA_WITH_3DES_EDE_CBC_SHA", .min_build = 10240,
	  .on81 = NOC, .on8 = NOC, .onvista = NOC, .source = SRC_VISTA },
	{ .name = "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA", .min_build = 10240,
	  .on81 = NOC, .on8 = NOC, .onvista = NOC, .source = SRC_VISTA },
	{ .name = "TLS_RSA_WITH_RC4_128_SHA", .min_build = 10240,
	  .on81 = NOC, .on8 = NOC, .onvista = NOC, .source = SRC_VISTA },
	{ .name = "TLS_RSA_WITH_RC4_128_MD5", .min_build = 10240,
	  .on81 = NOC, .on8 = NOC, .onvista = NOC, .source = SRC_VISTA },
	{ .name = "TLS_RSA_WITH_DES_CBC_SHA", .min_build = 10240,
	  .on81 = NOC, .on8 = NOC, .onvista = NOC, .source = SRC_VISTA },
	{ .name = "TLS_DHE_DSS_WITH_DES_CBC_SHA", .min_build = 10240,
	  .on81 = NOC, .on8 = NOC, .onvista = NOC, .source = SRC_VISTA },
	{ .name = "TLS_RSA_WITH_NULL_SHA256", .min_build = 10240,
	  .on81 = NOC, .on8 = NOC, .source = SRC_8, .on_request = 1 },
	/* The Vista page lists both NULL suites as enabled by default and
	 * again as "not present by default"; its default order keeps them,
	 * the reading that does not hide a NULL cipher. */
	{ .name = "TLS_RSA_WITH_NULL_SHA", .min_build = 10240, .on81 = NOC,
	  .on8 = NOC, .onvista = NOC, .source = SRC_VISTA, .on_request = 1 },
	{ .name = "TLS_RSA_WITH_NULL_MD5", .min_build = 10240, .on81 = NOC,
	  .on8 = NOC, .onvista = NOC, .source = SRC_VISTA },
	/* Export-grade suites: supported, enabled by default nowhere. */
	{ .name = "TLS_RSA_EXPORT1024_WITH_RC4_56_SHA", .min_build = 10240,
	  .on81 = NOC, .on8 = NOC, .onvista = NOC, .source = SRC_VISTA },
	{ .name = "TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA", .min_build = 10240,
	  .on81 = NOC, .on8 = NOC, .onvista = NOC, .source = SRC_VISTA },
	{ .name = "TLS_RSA_EXPORT_WITH_RC4_40_MD5", .min_build = 10240,
	  .on81 = NOC, .on8 = NOC, .onvista = NOC, .source = SRC_VISTA },
	{ .name = "TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA", .min_build = 10240,
	  .on81 = NOC, .on8 = NOC, .onvista = NOC, .source = SRC_VISTA },
	/*
	 * PSK suites, 1607 on.  The pages list them under "enabled ... by
	 * default" and then say "No PSK cipher suites are enabled by
	 * default" (an application asks with SCH_USE_PRESHAREDKEY_ONLY):
	 * they are in no default order here.
	 */
	{ .name = "TLS_PSK_WITH_AES_256_GCM_SHA384", .min_build = 14393,
	  .source = PAGE_1607 },
	{ .name = "TLS_PSK_WITH_AES_128_GCM_SHA256", .min_build = 14393,
	  .source = PAGE_1607 },
	{ .name = "TLS_PSK_WITH_AES_256_CBC_SHA384", .min_build = 14393,
	  .source = PAGE_1607 },
	{ .name = "TLS_PSK_WITH_AES_128_CBC_SHA256", .min_build = 14393,
	  .source = PAGE_1607 },
	{ .name = "TLS_PSK_WITH_NULL_SHA384", .min_build = 14393,
	  .source = PAGE_1607 },
	{ .name = "TLS_PSK_WITH_NULL_SHA256", .min_build = 14393,
	  .source = PAGE_1607 },
};
const size_t nsuites = sizeof(suites) / sizeof(suites[0]);

static const char *const defaults_81[] = {
	"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256",
	"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384",
	"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256",
	"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P384",
	"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P256",
	"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P384",
	"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P256",
	"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P384",
	"TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
	"TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
	"TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
	"TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
	"TLS_RSA_WITH_AES_256_GCM_SHA384",
	"TLS_RSA_WITH_AES_128_GCM_SHA256",
	"TLS_RSA_WITH_AES_256_CBC_SHA256",
	"TLS_RSA_WITH_AES_128_CBC_SHA256",
	"TLS_RSA_WITH_AES_256_CBC_SHA",
	"TLS_RSA_WITH_AES_128_CBC_SHA",
	"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384_P384",
	"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_P256",
	"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_P384",
	"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384_P384",
	"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256_P256",
	"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256_P384",
	"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA_P256",
	"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA_P384",
	"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P256",
	"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P384",
	"TLS_DHE_DSS_WITH_AES_256_CBC_SHA256",
	"TLS_DHE_DSS_WITH_AES_128_CBC_SHA256",
	"TLS_DHE_DSS_WITH_AES_256_CBC_SHA",
	"TLS_DHE_DSS_WITH_AES_128_CBC_SHA",
	"TLS_RSA_WITH_3DES_EDE_CBC_SHA",
	"TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA",
	"TLS_RSA_WITH_RC4_128_SHA",
	"TLS_RSA_WITH_RC4_128_MD5",
	"TLS_RSA_WITH_NULL_SHA256",
	"TLS_RSA_WITH_NULL_SHA",
	NULL
};

/* "TLS Cipher Suites in Windows 8": the 8.1 order without the two DHE_RSA
 * CBC suites, after update 3042058 as on Windows 7. */
static const char *const defaults_8[] = {
	"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256",
	"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384",
	"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256",
	"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P384",
	"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P256",
	"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P384",
	"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P256",
	"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P384",
	"TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
	"TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
	"TLS_RSA_WITH_AES_256_GCM_SHA384",
	"TLS_RSA_WITH_AES_128_GCM_SHA256",
	"TLS_RSA_WITH_AES_256_CBC_SHA256",
	"TLS_RSA_WITH_AES_128_CBC_SHA256",
	"TLS_RSA_WITH_AES_256_CBC_SHA",
	"TLS_RSA_WITH_AES_128_CBC_SHA",
	"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384_P384",
	"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_P256",
	"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_P384",
	"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384_P384",
	"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256_P256",
	"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256_P384",
	"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA_P256",
	"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA_P384",
	"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P256",
	"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P384",
	"TLS_DHE_DSS_WITH_AES_256_CBC_SHA256",
	"TLS_DHE_DSS_WITH_AES_128_CBC_SHA256",
	"TLS_DHE_DSS_WITH_AES_256_CBC_SHA",
	"TLS_DHE_DSS_WITH_AES_128_CBC_SHA",
	"TLS_RSA_WITH_3DES_EDE_CBC_SHA",
	"TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA",
	"TLS_RSA_WITH_RC4_128_SHA",
	"TLS_RSA_WITH_RC4_128_MD5",
	"TLS_RSA_WITH_NULL_SHA256",
	"TLS_RSA_WITH_NULL_SHA",
	NULL
};

/* "TLS Cipher Suites in Windows Vista", which is the page for Server 2008
 * too.  It also lists both NULL suites as "not present by default": they
 * are kept, the reading that hides no NULL cipher. */
static const char *const defaults_vista[] = {
	"TLS_RSA_WITH_AES_128_CBC_SHA",
	"TLS_RSA_WITH_AES_256_CBC_SHA",
	"TLS_RSA_WITH_RC4_128_SHA",
	"TLS_RSA_WITH_3DES_EDE_CBC_SHA",
	"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P256",
	"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P384",
	"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P521",
	"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA_P256",
	"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA_P384",
	"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA_P521",
	"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P256",
	"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P384",
	"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P521",
	"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P256",
	"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P384",
	"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P521",
	"TLS_DHE_DSS_WITH_AES_128_CBC_SHA",
	"TLS_DHE_DSS_WITH_AES_256_CBC_SHA",
	"TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA",
	"TLS_RSA_WITH_RC4_128_MD5",
	"TLS_RSA_WITH_NULL_MD5",
	"TLS_RSA_WITH_NULL_SHA",
	NULL
};

static const char *const defaults_1607[] = {
	"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
	"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
	"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
	"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
	"TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
	"TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
	"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
	"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
	"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
	"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
	"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
	"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
	"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
	"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
	"TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
	"TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
	"TLS_RSA_WITH_AES_256_GCM_SHA384",
	"TLS_RSA_WITH_AES_128_GCM_SHA256",
	"TLS_RSA_WITH_AES_256_CBC_SHA256",
	"TLS_RSA_WITH_AES_128_CBC_SHA256",
	"TLS_RSA_WITH_AES_256_CBC_SHA",
	"TLS_RSA_WITH_AES_128_CBC_SHA",
	"TLS_RSA_WITH_3DES_EDE_CBC_SHA",
	"TLS_DHE_DSS_WITH_AES_256_CBC_SHA256",
	"TLS_DHE_DSS_WITH_AES_128_CBC_SHA256",
	"TLS_DHE_DSS_WITH_AES_256_CBC_SHA",
	"TLS_DHE_DSS_WITH_AES_128_CBC_SHA",
	"TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA",
	"TLS_RSA_WITH_RC4_128_SHA",
	"TLS_RSA_WITH_RC4_128_MD5",
	"TLS_RSA_WITH_NULL_SHA256",
	"TLS_RSA_WITH_NULL_SHA",
	NULL
};

/* "TLS Cipher Suites in Windows 10 v1507" (the SSL 2.0 rows it ends with,
 * "only used when application explicitly requests", are left out here as
 * in every list). */
static const char *const defaults_1507[] = {
	"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
	"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
	"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
	"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
	"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
	"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
	"TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
	"TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
	"TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
	"TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
	"TLS_RSA_WITH_AES_256_GCM_SHA384",
	"TLS_RSA_WITH_AES_128_GCM_SHA256",
	"TLS_RSA_WITH_AES_256_CBC_SHA256",
	"TLS_RSA_WITH_AES_128_CBC_SHA256",
	"TLS_RSA_WITH_AES_256_CBC_SHA",
	"TLS_RSA_WITH_AES_128_CBC_SHA",
	"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
	"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
	"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
	"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
	"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
	"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
	"TLS_DHE_DSS_WITH_AES_256_CBC_SHA256",
	"TLS_DHE_DSS_WITH_AES_128_CBC_SHA256",
	"TLS_DHE_DSS_WITH_AES_256_CBC_SHA",
	"TLS_DHE_DSS_WITH_AES_128_CBC_SHA",
	"TLS_RSA_WITH_3DES_EDE_CBC_SHA",
	"TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA",
	"TLS_RSA_WITH_RC4_128_SHA",
	"TLS_RSA_WITH_RC4_128_MD5",
	"TLS_RSA_WITH_NULL_SHA256",
	"TLS_RSA_WITH_NULL_SHA",
	NULL
};

/* "... v1703": the 1607 order without the DHE_RSA CBC and DHE_DSS suites. */
static const char *const defaults_1703[] = {
	"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
	"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
	"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
	"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
	"TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
	"TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
	"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
	"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
	"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
	"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
	"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
	"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
	"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
	"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
	"TLS_RSA_WITH_AES_256_GCM_SHA384",
	"TLS_RSA_WITH_AES_128_GCM_SHA256",
	"TLS_RSA_WITH_AES_256_CBC_SHA256",
	"TLS_RSA_WITH_AES_128_CBC_SHA256",
	"TLS_RSA_WITH_AES_256_CBC_SHA",
	"TLS_RSA_WITH_AES_128_CBC_SHA",
	"TLS_RSA_WITH_3DES_EDE_CBC_SHA",
	"TLS_RSA_WITH_RC4_128_SHA",
	"TLS_RSA_WITH_RC4_128_MD5",
	"TLS_RSA_WITH_NULL_SHA256",
	"TLS_RSA_WITH_NULL_SHA",
	NULL
};

/* "... Windows 11 v22H2 and later", "... Windows Server 2025": the 2022
 * order without the DHE_RSA GCM suites and 3DES; "... Windows 10 v22H2"
 * is the same less the TLS 1.3 suites. */
static const char *const defaults_11_22h2[] = {
	"TLS_AES_256_GCM_SHA384",
	"TLS_AES_128_GCM_SHA256",
	"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
	"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
	"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
	"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
	"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
	"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
	"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
	"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
	"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
	"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
	"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
	"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
	"TLS_RSA_WITH_AES_256_GCM_SHA384",
	"TLS_RSA_WITH_AES_128_GCM_SHA256",
	"TLS_RSA_WITH_AES_256_CBC_SHA256",
	"TLS_RSA_WITH_AES_128_CBC_SHA256",
	"TLS_RSA_WITH_AES_256_CBC_SHA",
	"TLS_RSA_WITH_AES_128_CBC_SHA",
	"TLS_RSA_WITH_NULL_SHA256",
	"TLS_RSA_WITH_NULL_SHA",
	NULL
};

/* 1809 and Server 2019 have the 2022 order without the TLS 1.3 suites. */
static const char *const defaults_2022[] = {
	"TLS_AES_256_GCM_SHA384",
	"TLS_AES_128_GCM_SHA256",
	"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
	"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
	"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
	"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
	"TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
	"TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
	"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
	"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
	"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
	"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
	"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
	"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
	"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
	"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
	"TLS_RSA_WITH_AES_256_GCM_SHA384",
	"TLS_RSA_WITH_AES_128_GCM_SHA256",
	"TLS_RSA_WITH_AES_256_CBC_SHA256",
	"TLS_RSA_WITH_AES_128_CBC_SHA256",
	"TLS_RSA_WITH_AES_256_CBC_SHA",
	"TLS_RSA_WITH_AES_128_CBC_SHA",
	"TLS_RSA_WITH_3DES_EDE_CBC_SHA",
	"TLS_RSA_WITH_NULL_SHA256",
	"TLS_RSA_WITH_NULL_SHA",
	NULL
};

const struct suite_defaults suite_defaults[] = {
	{ 6000, 6003, defaults_vista, PAGE_VISTA, 0 },
	/* The Windows 7 page lists the 8.1 list, which needs update 3042058. */
	{ 7600, 7601, defaults_81, SUITES_PAGE "tls-cipher-suites-in-windows-7",
	  3042058 },
	{ 9200, 9200, defaults_8, PAGE_8, 3042058 },
	{ 9600, 9600, defaults_81, SUITES_PAGE "tls-cipher-suites-in-windows-8-1",
	  0 },
	{ 10240, 10240, defaults_1507,
	  SUITES_PAGE "tls-cipher-suites-in-windows-10--version-1507", 0 },
	/* 1511 is the 1607 list (and its two SSL 2.0 rows) */
	{ 10586, 10586, defaults_1607,
	  SUITES_PAGE "tls-cipher-suites-in-windows-10-v1511", 0 },
	{ 14393, 14393, defaults_1607,
	  SUITES_PAGE "tls-cipher-suites-in-windows-10-v1607", 0 },
	{ 15063, 15063, defaults_1703,
	  SUITES_PAGE "tls-cipher-suites-in-windows-10-v1703", 0 },
	/* 1709, 1803, 1809, 1903-2004 and 20H2-21H2 have the same list */
	{ 16299, 16299, defaults_2022 + 2,
	  SUITES_PAGE "tls-cipher-suites-in-windows-10-v1709", 0 },
	{ 17134, 17134, defaults_2022 + 2,
	  SUITES_PAGE "tls-cipher-suites-in-windows-10-v1803", 0 },
	{ 17763, 19044, defaults_2022 + 2,
	  SUITES_PAGE "tls-cipher-suites-in-windows-10-v1809", 0 },
	{ 19045, 19045, defaults_11_22h2 + 2,
	  SUITES_PAGE "tls-cipher-suites-in-windows-10-v22H2", 0 },
	{ 20348, 22000, defaults_2022,
	  SUITES_PAGE "tls-cipher-suites-in-windows-server-2022", 0 },
	{ 22621, 0, defaults_11_22h2,
	  SUITES_PAGE "tls-cipher-suites-in-windows-11-v22H2 and "
	  SUITES_PAGE "tls-cipher-suites-in-windows-server-2025", 0 },
};
const size_t nsuite_defaults = sizeof(suite_defaults) /
    sizeof(suite_defaults[0]);

/*
 * Curves as Schannel names them in the curve order, from Microsoft's
 * per-version pages ("TLS Elliptic Curves in Windows 10 1507 and 1511",
 * "... 1607 and later", "TLS Supported Groups in Windows 11 24H2 and
 * later"): min_build is the first build whose page lists it, enabled by
 * default or supported; fips its "Available in FIPS mode" column, the
 * same on every page (NistP256, NistP384 and nistP521 only).
 */
#define CURVES_1507 SUITES_PAGE "tls-elliptic-curves-in-windows-10-1507-and-1511"
#define CURVES_1607 SUITES_PAGE "tls-elliptic-curves-in-windows-10-1607-and-later"
#define GROUPS_24H2 SUITES_PAGE "tls-supported-groups-in-windows-11-24h2-and-later"
#define CURVE(n, fips) { n, 10240, fips, CURVES_1507 " and " CURVES_1607, \
	NULL }

/*
 * The post-quantum hybrid groups (TLS 1.3 only, disabled by default): the
 * 24H2 page's minimum builds are 26100.8514 (Windows 11 24H2) and
 * 26200.8514 (25H2), 28000.2173 (named there "Windows 11 26H2", linked to
 * 26H1's release notes) and, for "Windows Server 2025", 29550 (a Server
 * preview build: no Server 2025 build 26100 has them).  Other builds: the
 * page does not say.
 */
static const struct group_builds mlkem_builds[] = {
	{ 26100, 26100, 8514, GB_CLIENT },
	{ 26200, 26200, 8514, GB_CLIENT },
	{ 28000, 28000, 2173, GB_CLIENT },
	{ 29550, 0, 0, GB_SERVER },
	{ 0, 0, 0, GB_ANY }
};
#define MLKEM(n) { n, 26100, 0, GROUPS_24H2, mlkem_builds }

const struct curve curves[] = {
	{ "curve25519", 14393, 0, CURVES_1607, NULL },
	{ "NistP256", 10240, 1, CURVES_1507, NULL },
	{ "NistP384", 10240, 1, CURVES_1507, NULL },
	CURVE("nistP521", 1),
	CURVE("brainpoolP256r1", 0),
	CURVE("brainpoolP384r1", 0),
	CURVE("brainpoolP512r1", 0),
	CURVE("nistP192", 0),
	CURVE("nistP224", 0),
	CURVE("secP160k1", 0),
	CURVE("secP160r1", 0),
	CURVE("secP160r2", 0),
	CURVE("secP192k1", 0),
	CURVE("secP192r1", 0),
	CURVE("secP224k1", 0),
	CURVE("secP224r1", 0),
	CURVE("secP256k1", 0),
	CURVE("secP256r1", 0),
	CURVE("secP384r1", 0),
	CURVE("secP521r1", 0),
	MLKEM("x25519_mlkem768"),
	MLKEM("secp256r1_mlkem768"),
	MLKEM("secp384r1_mlkem1024"),
};
const size_t ncurves = sizeof(curves) / sizeof(curves[0]);

static const char *const curves_1507[] = { "NistP256", "NistP384", NULL };
static const char *const curves_1607[] = { "curve25519", "NistP256",
    "NistP384", NULL };

/*
 * The order each page gives as enabled by default.  1507 (10240) and
 * 1511 (10586) are the builds the 1507 page names; the preview builds
 * between them and 1607 have no page.  The 24H2 page (Windows 11 24H2,
 * Server 2025 and later) repeats 1607's order.
 */
const struct curve_defaults curve_defaults[] = {
	{ 10240, 10586, curves_1507, CURVES_1507 },
	{ 14393, 26099, curves_1607, CURVES_1607 },
	{ 26100, 0, curves_1607, GROUPS_24H2 },
};
const size_t ncurve_defaults = sizeof(curve_defaults) /
    sizeof(curve_defaults[0]);

#define PROTOCOLS_PAGE "https://learn.microsoft.com/windows/win32/secauthn/" \
	"protocols-in-tls-ssl--schannel-ssp-"

#define EN EFF_ENABLED
#define DIS EFF_DISABLED
#define NS EFF_UNSUPPORTED

/*
 * Microsoft's table of protocol defaults (2025-03 revision), as build
 * ranges: Vista/2008 6000-6003, 7/2008 R2 7600-7601, 8/2012 9200, 8.1/2012
 * R2 9600, Windows 10 1507/1511 10240-10586, 1607/2016 onwards 14393, up
 * to Server 2025 and Windows 11 24H2 (26100), the last the table covers.
 */
const struct proto_default proto_defaults[] = {
	{ "SSL 2.0", 6000, 9199, DIS, EN, PROTOCOLS_PAGE, 0 },
	{ "SSL 2.0", 9200, 14392, DIS, DIS, PROTOCOLS_PAGE, 0 },
	{ "SSL 2.0", 14393, LAST_DOCUMENTED_BUILD, NS, NS, PROTOCOLS_PAGE " (removed in 1607)", 0 },
	{ "SSL 3.0", 6000, 14392, EN, EN, PROTOCOLS_PAGE, 0 },
	{ "SSL 3.0", 14393, LAST_DOCUMENTED_BUILD, DIS, DIS, PROTOCOLS_PAGE, 0 },
	{ "TLS 1.0", 6000, LAST_DOCUMENTED_BUILD, EN, EN, PROTOCOLS_PAGE, 0 },
	/* The page's "Windows Server 2008 with Service Pack 2" row has TLS
	 * 1.1/1.2, which come with KB4019276; Vista SP2 (the same builds)
	 * keeps its "Windows Vista" row: see edition_kbs. */
	{ "TLS 1.1", 6000, 6001, NS, NS, PROTOCOLS_PAGE, 0 },
	{ "TLS 1.1", 6002, 6003, DIS, DIS, PROTOCOLS_PAGE " (with KB4019276)",
	  4019276 },
	{ "TLS 1.1", 6004, 9199, DIS, DIS, PROTOCOLS_PAGE, 0 },
	{ "TLS 1.1", 9200, LAST_DOCUMENTED_BUILD, EN, EN, PROTOCOLS_PAGE, 0 },
	{ "TLS 1.2", 6000, 6001, NS, NS, PROTOCOLS_PAGE, 0 },
	{ "TLS 1.2", 6002, 6003, DIS, DIS, PROTOCOLS_PAGE " (with KB4019276)",
	  4019276 },
	{ "TLS 1.2", 6004, 9199, DIS, DIS, PROTOCOLS_PAGE, 0 },
	{ "TLS 1.2", 9200, LAST_DOCUMENTED_BUILD, EN, EN, PROTOCOLS_PAGE, 0 },
	{ "TLS 1.3", 6000, 20347, NS, NS, PROTOCOLS_PAGE, 0 },
	{ "TLS 1.3", 20348, LAST_DOCUMENTED_BUILD, EN, EN, PROTOCOLS_PAGE, 0 },
	{ "DTLS 1.0", 6000, 7599, NS, NS, PROTOCOLS_PAGE, 0 },
	{ "DTLS 1.0", 7600, LAST_DOCUMENTED_BUILD, EN, EN, PROTOCOLS_PAGE, 0 },
	{ "DTLS 1.2", 6000, 14392, NS, NS, PROTOCOLS_PAGE, 0 },
	{ "DTLS 1.2", 14393, LAST_DOCUMENTED_BUILD, EN, EN, PROTOCOLS_PAGE, 0 },
	{ "PCT 1.0", 6000, LAST_DOCUMENTED_BUILD, NS, NS, PROTOCOLS_PAGE " (not supported since "
	    "Vista)", 0 },
	/* "All versions of Windows will accept a unified format ClientHello
	 * message even when SSL version 2 is disabled or no longer
	 * supported" (the protocols page); what a client sends is not said. */
	{ "Multi-Protocol Unified Hello", 6000, LAST_DOCUMENTED_BUILD,
	  EFF_UNKNOWN, EN, PROTOCOLS_PAGE, 0 },
};
const size_t nproto_defaults = sizeof(proto_defaults) /
    sizeof(proto_defaults[0]);

/*
 * "TLS 1.3 is supported starting in Windows 11 and Windows Server 2022.
 * Enabling TLS 1.3 on earlier versions of Windows is not a safe system
 * configuration" (the protocols page): Windows 10 from 1903 (18362) to
 * 22H2 carries TLS 1.3 code its values turn on, so they are read there,
 * not ignored.  The page names no first build: 1903 is when Windows 10
 * first shipped it, experimental and off.
 */
const struct proto_unsafe proto_unsafes[] = {
	{ "TLS 1.3", 18362, 20347, PROTOCOLS_PAGE },
};
const size_t nproto_unsafes = sizeof(proto_unsafes) /
    sizeof(proto_unsafes[0]);

#define WINHTTP_PAGE "https://learn.microsoft.com/windows/win32/winhttp/" \
	"option-flags (WINHTTP_OPTION_SECURE_PROTOCOLS)"
#define KB3140245 "https://support.microsoft.com/kb/3140245"

/*
 * WinHTTP's own default when DefaultSecureProtocols is absent, as the
 * WINHTTP_OPTION_SECURE_PROTOCOLS entry gives it: "Windows 8 and Windows
 * 7", "Windows 10, and Windows 8.1", "Windows 11".  No page gives Vista's
 * and Server 2008's; from 1809 on Windows 10's depends on the update level
 * (KB5017811 took TLS 1.0 and 1.1 out in September 2022); the page names
 * Windows 11 only, not Server 2022 or 2025: tlshive claims none there.
 */
const struct winhttp_default winhttp_defaults[] = {
	{ 7600, 9200, 0x20 | 0x80, WINHTTP_PAGE " and " KB3140245
	  " (SSL 3.0 and TLS 1.0 only)", 0 },
	{ 9600, 17762, 0x20 | 0x80 | 0x200 | 0x800, WINHTTP_PAGE, 0 },
	{ 22000, LAST_DOCUMENTED_BUILD, 0x800 | 0x2000,
	  WINHTTP_PAGE " (Windows 11: TLS 1.2 and TLS 1.3 only)", 1 },
};
const size_t nwinhttp_defaults = sizeof(winhttp_defaults) /
    sizeof(winhttp_defaults[0]);

/*
 * Documented Schannel values no row manages (tls-registry-settings: the
 * session cache, client authentication, OCSP stapling and the handshake
 * message limits), and the RC2 56/56 key Microsoft's Skype for Business
 * hardening file writes.
 */
const struct schannel_extra schannel_extras[] = {
	{ "", "ClientCacheTime" }, { "", "ServerCacheTime" },
	{ "", "MaximumCacheSize" }, { "", "IssuerCacheSize" },
	{ "", "IssuerCacheTime" }, { "", "SendTrustedIssuerList" },
	{ "", "EnableOcspStaplingForSni" }, { "", "CertificateMappingMethods" },
	{ "", "ClientAuthTrustMode" }, { "", "DisableRenegoOnServer" },
	{ "", "DisableRenegoOnClient" },
	{ "Messaging", "MessageLimitClient" },
	{ "Messaging", "MessageLimitServer" },
	{ "Messaging", "MessageLimitServerClientAuth" },
	{ "Ciphers\\RC2 56/56", "Enabled" },
};
const size_t nschannel_extras = sizeof(schannel_extras) /
    sizeof(schannel_extras[0]);

/*
 * Updates without which a value is written but ignored.  Since late 2016
 * these fixes also ship inside monthly rollups, which leave no package key
 * of their own: a missing one is a warning, never a refusal.
 */
const struct prereq prereqs[] = {
	{ HV_SOFTWARE, WINHTTP_KEY, NULL, 7600, 9200, 0, 0, 3140245,
	  "WinHTTP reads DefaultSecureProtocols on Windows 7, Server 2008 R2 "
	  "and Server 2012 only with KB3140245", 0 },
	{ HV_SOFTWARE, WINHTTP_KEY, NULL, 6002, 6003, 0, 0, 4467770,
	  "WinHTTP reads DefaultSecureProtocols on Server 2008 SP2 only with "
	  "KB4467770", 0 },
	{ HV_SOFTWARE, DOTNET_KEY, NULL, 6002, 6003, 0, 0, 3154517,
	  ".NET Framework 2.0 SP2 honours the TLS switches on Vista and Server "
	  "2008 SP2 only with KB3154517", 0 },
	{ HV_SOFTWARE, DOTNET_KEY, NULL, 7600, 7601, 0, 0, 3154518,
	  ".NET Framework 3.5.1 honours the TLS switches on Windows 7 and "
	  "Server 2008 R2 only with KB3154518", 0 },
	{ HV_SOFTWARE, DOTNET_KEY, NULL, 9200, 9200, 0, 0, 3154519,
	  ".NET Framework 3.5 honours the TLS switches on Server 2012 only "
	  "with KB3154519", 0 },
	{ HV_SOFTWARE, DOTNET_KEY, NULL, 9600, 9600, 0, 0, 3154520,
	  ".NET Framework 3.5 honours the TLS switches on Windows 8.1 and "
	  "Server 2012 R2 only with KB3154520", 0 },
	/* .NET 4.5.1 and 4.5.2, whatever the build: the hotfix rollup that
	 * dotnet/docs (framework/network-programming/tls.md, the .NET 3.5 hot
	 * patches) names in the row whose link is KB3156421 */
	{ HV_SOFTWARE, DOTNET_KEY, NULL, 0, 0, 378675, 379893, 3154521,
	  ".NET Framework 4.5.1 and 4.5.2 honour the TLS switches only with "
	  "hotfix rollup KB3154521", 0 },
	/* ... and the link itself, KB3156421: the cumulative update for
	 * Windows 10 1511 of May 2016 (OS build 10586.318), which the page
	 * lists among the hot patches .NET 3.5 needs for TLS 1.2 while the
	 * row's text names the 4.5.x rollup; the two disagree, so both are
	 * warned of */
	{ HV_SOFTWARE, DOTNET_KEY "\\v2.0.50727", NULL, 10586, 10586, 0, 0,
	  3156421, ".NET Framework 3.5 honours the TLS switches on Windows 10 "
	  "1511 only with KB3156421", 0 },
	/* "Added in Windows 10, version 1507 and Windows Server 2016"; the
	 * server value came to older Windows with advisory 3174644 */
	{ HV_SYSTEM, SCH "\\KeyExchangeAlgorithms\\Diffie-Hellman",
	  "ServerMinKeyBitLength", 6000, 10239, 0, 0, 3174644,
	  "Schannel reads the Diffie-Hellman ServerMinKeyBitLength before "
	  "Windows 10 only with the update of advisory 3174644", 0 },
	{ HV_SYSTEM, SCH "\\KeyExchangeAlgorithms\\Diffie-Hellman",
	  "ClientMinKeyBitLength", 6000, 10239, 0, 0, 0,
	  "Schannel reads the Diffie-Hellman ClientMinKeyBitLength from "
	  "Windows 10 1507 and Server 2016 on; this build ignores it", 0 },
	{ HV_SYSTEM, SCH "\\KeyExchangeAlgorithms\\Diffie-Hellman",
	  "ClientMaxKeyBitLength", 6000, 10239, 0, 0, 0,
	  "Schannel reads the Diffie-Hellman ClientMaxKeyBitLength from "
	  "Windows 10 1507 and Server 2016 on; this build ignores it", 0 },
	{ HV_SYSTEM, SCH "\\KeyExchangeAlgorithms\\PKCS",
	  "ClientMinKeyBitLength", 6000, 10239, 0, 0, 0,
	  "Schannel reads the PKCS ClientMinKeyBitLength from Windows 10 1507 "
	  "and Server 2016 on; this build ignores it", 0 },
	{ HV_SYSTEM, SCH "\\KeyExchangeAlgorithms\\PKCS",
	  "ClientMaxKeyBitLength", 6000, 10239, 0, 0, 0,
	  "Schannel reads the PKCS ClientMaxKeyBitLength from Windows 10 1507 "
	  "and Server 2016 on; this build ignores it", 0 },
	/* Remote Desktop on 7 / 2008 R2 speaks TLS 1.1 and 1.2 only with
	 * KB3080079: with TLS 1.0 off on the server side, RDP and NLA fail */
	{ HV_SYSTEM, SCH "\\Protocols\\TLS 1.0\\Server", NULL, 7600, 7601, 0,
	  0, 3080079, "turning TLS 1.0 off for servers locks Remote Desktop "
	  "(RDP with NLA) out of Windows 7 and Server 2008 R2 without "
	  "KB3080079", 1 },
	/* Protocols in TLS/SSL (Schannel SSP): Server 2008 SP2 has no TLS
	 * but 1.0 without KB4019276 */
	{ HV_SYSTEM, SCH "\\Protocols\\TLS 1.0", NULL, 6002, 6003, 0, 0,
	  4019276, "turning TLS 1.0 off leaves Server 2008 SP2 without TLS "
	  "1.1 and 1.2 (KB4019276) with no TLS version at all", 1 },
};
const size_t nprereqs = sizeof(prereqs) / sizeof(prereqs[0]);

/*
 * KB4019276 is the "Update to add support for TLS 1.1 and TLS 1.2 in
 * Windows Server 2008 SP2" (linked from dotnet/docs' TLS page); Vista SP2
 * shares the build but not the update, and keeps the protocols page's
 * "Windows Vista" row: no TLS 1.1 or 1.2 at all.
 */
const struct edition_kb edition_kbs[] = {
	{ 4019276, ED_SERVER, "https://support.microsoft.com/help/4019276" },
};
const size_t nedition_kbs = sizeof(edition_kbs) / sizeof(edition_kbs[0]);

enum edition
kb_edition(uint32_t kb)
{
	for (size_t i = 0; i < nedition_kbs; i++)
		if (edition_kbs[i].kb == kb)
			return edition_kbs[i].only;
	return ED_ANY;
}

#define REGISTRY_PAGE "https://learn.microsoft.com/windows-server/security/" \
	"tls/tls-registry-settings"

/*
 * tls-registry-settings: the key sizes were "Added in Windows 10, version
 * 1507 and Windows Server 2016"; absent, the minimums are 1024 bits (2048
 * for the Diffie-Hellman server) and for the maximums "a maximum is not
 * enforced".
 */
const struct number_default number_defaults[] = {
	{ "Diffie-Hellman server min bits", 6000, 10239, 1024, 3174644,
	  REGISTRY_PAGE " and advisory 3174644", 0 },
	{ "Diffie-Hellman server min bits", 10240, 0, 2048, 0, REGISTRY_PAGE,
	  0 },
	{ "Diffie-Hellman client min bits", 6000, 10239, 0, 0, REGISTRY_PAGE,
	  0 },
	{ "Diffie-Hellman client min bits", 10240, 0, 1024, 0, REGISTRY_PAGE,
	  0 },
	{ "Diffie-Hellman client max bits", 6000, 10239, 0, 0, REGISTRY_PAGE,
	  0 },
	{ "Diffie-Hellman client max bits", 10240, 0, 0, 0, REGISTRY_PAGE, 1 },
	{ "PKCS client min bits", 6000, 10239, 0, 0, REGISTRY_PAGE, 0 },
	{ "PKCS client min bits", 10240, 0, 1024, 0, REGISTRY_PAGE, 0 },
	{ "PKCS client max bits", 6000, 10239, 0, 0, REGISTRY_PAGE, 0 },
	{ "PKCS client max bits", 10240, 0, 0, 0, REGISTRY_PAGE, 1 },
};
const size_t nnumber_defaults = sizeof(number_defaults) /
    sizeof(number_defaults[0]);

int
number_default(const struct setting *s, unsigned build, uint32_t *value,
    uint32_t *kb, const char **source)
{
	*source = NULL;
	*kb = 0;
	if (build == 0)
		return 0;
	for (size_t i = 0; i < nnumber_defaults; i++) {
		const struct number_default *d = &number_defaults[i];
		if (strcmp(d->row, s->name) != 0 || build < d->from ||
		    (d->to != 0 && build > d->to))
			continue;
		*source = d->source;
		*value = d->value;
		*kb = d->kb;
		if (d->no_limit)
			return 2;
		return d->value ? 1 : -1;
	}
	return 0;
}

const struct proto_default *
proto_default_row(const struct setting *s, unsigned build)
{
	if (build == 0 || s->kind != SK_PROTOCOL || s->group == NULL)
		return NULL;
	for (size_t i = 0; i < nproto_defaults; i++) {
		const struct proto_default *d = &proto_defaults[i];
		if (strcmp(d->proto, s->group) == 0 && build >= d->from &&
		    (d->to == 0 || build <= d->to))
			return d;
	}
	return NULL;
}

int
proto_unsafe(const struct setting *s, unsigned build)
{
	if (s->kind != SK_PROTOCOL || s->group == NULL)
		return 0;
	for (size_t i = 0; i < nproto_unsafes; i++)
		if (strcmp(proto_unsafes[i].proto, s->group) == 0 &&
		    build >= proto_unsafes[i].from &&
		    build <= proto_unsafes[i].to)
			return 1;
	return 0;
}

enum effect
os_default(const struct setting *s, unsigned build, const char **source)
{
	const struct proto_default *d = proto_default_row(s, build);

	*source = d ? d->source : NULL;
	if (d == NULL)
		return EFF_UNKNOWN;
	return strstr(s->name, " client") ? d->client : d->server;
}

enum effect
os_default_everywhere(const struct setting *s)
{
	enum effect all = EFF_UNKNOWN;
	int client = strstr(s->name, " client") != NULL;

	if (s->kind != SK_PROTOCOL || s->group == NULL)
		return EFF_UNKNOWN;
	for (size_t i = 0; i < nproto_defaults; i++) {
		const struct proto_default *d = &proto_defaults[i];
		enum effect e = client ? d->client : d->server;

		if (strcmp(d->proto, s->group) != 0 || e == EFF_UNSUPPORTED)
			continue;
		if (e == EFF_UNKNOWN || (all != EFF_UNKNOWN && all != e))
			return EFF_UNKNOWN;
		all = e;
	}
	return all;
}

uint32_t
winhttp_default(unsigned build, int client, const char **source)
{
	*source = NULL;
	for (size_t i = 0; i < nwinhttp_defaults; i++)
		if (build >= winhttp_defaults[i].from &&
		    (winhttp_defaults[i].to == 0 ||
		    build <= winhttp_defaults[i].to) &&
		    (!winhttp_defaults[i].client_only || client == 1)) {
			*source = winhttp_defaults[i].source;
			return winhttp_defaults[i].bits;
		}
	return 0;
}

const char *
effect_name(enum effect e)
{
	switch (e) {
	case EFF_ENABLED: return "enabled";
	case EFF_DISABLED: return "disabled";
	case EFF_UNSUPPORTED: return "unsupported";
	case EFF_NO_LIMIT: return "no limit";
	case EFF_ON_REQUEST: return "off by default";
	default: return "unknown";
	}
}

size_t
setting_lookup(const char *name, const struct setting **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < nsettings; i++)
		if (str_casecmp_ws(settings[i].name, name) == 0) {
			if (max > 0)
				out[0] = &settings[i];
			return 1;
		}
	for (size_t i = 0; i < nsettings; i++)
		if (settings[i].group &&
		    str_casecmp_ws(settings[i].group, name) == 0) {
			if (n < max)
				out[n] = &settings[i];
			n++;
		}
	return n;
}

const char *
setting_suggest(const char *name)
{
	struct nearest n;

	nearest_init(&n, name);
	for (size_t i = 0; i < nsettings; i++) {
		nearest_add(&n, settings[i].name);
		nearest_add(&n, settings[i].group);
	}
	return nearest_close(&n);
}

char *
setting_family(const char *name)
{
	struct strbuf sb = { 0 };
	size_t len = strlen(name), n = 0;

	if (len == 0)
		return NULL;
	for (size_t i = 0; i < nsettings; i++)
		if (strncasecmp(settings[i].name, name, len) == 0 &&
		    settings[i].name[len] == ' ') {
			sb_add(&sb, "%s\"%s\"", n++ ? ", " : "",
			    settings[i].name);
		}
	return n ? sb_take(&sb) : NULL;
}

const char *
setting_kind_name(enum setting_kind k)
{
	switch (k) {
	case SK_PROTOCOL: return "protocol";
	case SK_SWITCH: return "switch";
	case SK_NUMBER: return "number";
	case SK_BITMAP: return "protocol list";
	case SK_SUITES: return "suite list";
	case SK_CURVES: return "curve list";
	}
	return "?";
}

const char *
setting_states(const struct setting *s)
{
	switch (s->kind) {
	case SK_PROTOCOL:
		return s->min_build ? "on, off, auto" : "on, off";
	case SK_SWITCH:
		return "on, off";
	case SK_NUMBER:
		return "a number";
	case SK_BITMAP:
		return "protocol names, or a number";
	case SK_SUITES:
		return "suite names";
	case SK_CURVES:
		return "curve names";
	}
	return "";
}

/* Before Windows 10 an ECDHE suite carries its curve as a name suffix;
 * returns the curve bit, 0 without a suffix. */
static int
strip_curve(const char *name, char *buf, size_t len)
{
	static const char *const sfx[] = { "_P256", "_P384", "_P521" };
	size_t n = strlen(name);

	for (size_t i = 0; i < 3; i++)
		if (n > 5 && n < len && strcasecmp(name + n - 5, sfx[i]) == 0 &&
		    strncasecmp(name, "TLS_ECDHE_", 10) == 0) {
			memcpy(buf, name, n - 5);
			buf[n - 5] = '\0';
			return 1 << i;
		}
	return 0;
}

/*
 * The Windows before 10 that have a suites page, and the column of a row
 * each reads; the update without which Windows 7, 8, 2008 R2 and 2012 skip
 * the suites it adds (the Windows 7 and Windows 8 pages name it).
 */
enum suite_col { COL_VISTA, COL_8, COL_81 };
static const struct {
	unsigned from, to;
	enum suite_col col;
	int kb7;		/* the row's kb7 applies */
	const char *windows;
} suite_eras[] = {
	{ 6000, 6003, COL_VISTA, 0, "Windows Vista and Server 2008" },
	{ 7600, 7601, COL_81, 1, "Windows 7 and Server 2008 R2" },
	{ 9200, 9200, COL_8, 1, "Windows 8 and Server 2012" },
	{ 9600, 9600, COL_81, 0, "Windows 8.1 and Server 2012 R2" },
};

static int
suite_era(unsigned build)
{
	for (size_t i = 0; i < sizeof(suite_eras) / sizeof(suite_eras[0]); i++)
		if (build >= suite_eras[i].from && build <= suite_eras[i].to)
			return (int)i;
	return -1;
}

static int
suite_col(const struct suite *s, enum suite_col c)
{
	return c == COL_VISTA ? s->onvista : c == COL_8 ? s->on8 : s->on81;
}

int
suite_curves(const struct suite *s, unsigned build, int dflt)
{
	int e = suite_era(build), all;

	if (build >= 10240)
		return 0;
	all = suite_col(s, e < 0 ? COL_81 : suite_eras[e].col);
	/* Vista's default order has every curve it has */
	if (!dflt || (e >= 0 && suite_eras[e].col == COL_VISTA))
		return all;
	return all && s->def81 ? s->def81 : all;
}

uint32_t
suite_update(const struct suite *s, unsigned build, const char **windows)
{
	int e = suite_era(build);

	*windows = e < 0 ? NULL : suite_eras[e].windows;
	return e >= 0 && suite_eras[e].kb7 && suite_col(s, suite_eras[e].col) ?
	    s->kb7 : 0;
}

int
suite_supported(const char *name, unsigned build)
{
	char base[128];
	int curve = strip_curve(name, base, sizeof(base));
	const struct suite *s = suite_find(name);
	int e = suite_era(build), bits;

	if (s == NULL)
		return 0;
	if (build == 0)
		return -1;
	/* "the elliptic curve suffix is not required and is overridden by
	 * the new elliptic curve priority order" (every Windows 10 page) */
	if (build >= 10240)
		return s->min_build <= build;
	if (e >= 0) {
		bits = suite_col(s, suite_eras[e].col);
		return bits != 0 && (curve == 0 || (bits & curve));
	}
	/* a build before Windows 10 without a page: what no such page lists
	 * (the TLS 1.3, ECDHE_RSA GCM and PSK suites) it lacks too */
	return s->on81 || s->on8 || s->onvista ? -1 : 0;
}

const char *
suite_suggest_on(const char *name, unsigned build)
{
	struct nearest n;

	nearest_init(&n, name);
	for (size_t i = 0; i < nsuites; i++)
		if (suite_supported(suites[i].name, build) != 0)
			nearest_add(&n, suites[i].name);
	return n.best;
}

const struct suite_defaults *
suite_defaults_for(unsigned build)
{
	for (size_t i = 0; i < nsuite_defaults; i++)
		if (build >= suite_defaults[i].from && (suite_defaults[i].to ==
		    0 || build <= suite_defaults[i].to))
			return &suite_defaults[i];
	return NULL;
}

int
suite_has_words(const char *suite, const char *words)
{
	size_t n = strlen(words);

	/* words, underscore for space, as whole words of the name */
	for (const char *p = suite; *p; p++) {
		if ((p != suite && p[-1] != '_') || strncasecmp(p, words, 0) != 0)
			continue;
		size_t k = 0;
		while (k < n && p[k] && (toupper((unsigned char)p[k]) ==
		    toupper((unsigned char)words[k]) || (words[k] == ' ' &&
		    p[k] == '_')))
			k++;
		if (k == n && (p[k] == '\0' || p[k] == '_'))
			return 1;
	}
	return 0;
}

const struct suite *
suite_find(const char *name)
{
	char base[128];

	if (strip_curve(name, base, sizeof(base)))
		name = base;
	for (size_t i = 0; i < nsuites; i++)
		if (strcasecmp(suites[i].name, name) == 0)
			return &suites[i];
	return NULL;
}

const char *
suite_suggest(const char *name)
{
	struct nearest n;

	nearest_init(&n, name);
	for (size_t i = 0; i < nsuites; i++)
		nearest_add(&n, suites[i].name);
	return nearest_close(&n);
}

const struct curve *
curve_find(const char *name)
{
	for (size_t i = 0; i < ncurves; i++)
		if (strcasecmp(curves[i].name, name) == 0)
			return &curves[i];
	return NULL;
}

/* The rows of only for one kind of Windows: 1 yes, 0 no, -1 no page says. */
static int
available_on(const struct group_builds *only, unsigned build, unsigned ubr,
    int os)
{
	unsigned lowest = 0;

	for (const struct group_builds *g = only; g->from; g++) {
		if (g->os != GB_ANY && g->os != os)
			continue;
		if (lowest == 0 || g->from < lowest)
			lowest = g->from;
		if (build < g->from || (g->to && build > g->to))
			continue;
		if (g->ubr == 0)
			return 1;
		return ubr == 0 ? -1 : ubr >= g->ubr;
	}
	return lowest == 0 || build < lowest ? 0 : -1;
}

int
curve_available(const struct curve *c, unsigned build, unsigned ubr,
    int server)
{
	int client, srv;

	if (build == 0)
		return -1;
	if (c->only == NULL)
		return build >= c->min_build;
	client = available_on(c->only, build, ubr, GB_CLIENT);
	srv = available_on(c->only, build, ubr, GB_SERVER);
	if (server == -1)
		return client == srv ? client : -1;
	return server ? srv : client;
}

char *
curve_builds_text(const struct curve *c)
{
	struct strbuf sb = { 0 };

	if (c->only == NULL)
		return xasprintf("build %u or later", c->min_build);
	for (const struct group_builds *g = c->only; g->from; g++) {
		sb_add(&sb, "%s%s build %u", sb.len == 0 ? "" : g[1].from ?
		    ", " : " or ", g->os == GB_SERVER ? "server" : g->os ==
		    GB_CLIENT ? "client" : "any", g->from);
		if (g->ubr)
			sb_add(&sb, ".%u", g->ubr);
		if (g->to == 0)
			sb_add(&sb, " or later");
		else if (g->to != g->from)
			sb_add(&sb, " to %u", g->to);
	}
	return sb_take(&sb);
}

const struct curve_defaults *
curve_defaults_for(unsigned build)
{
	for (size_t i = 0; i < ncurve_defaults; i++)
		if (build >= curve_defaults[i].from && (curve_defaults[i].to ==
		    0 || build <= curve_defaults[i].to))
			return &curve_defaults[i];
	return NULL;
}

const struct named_bit *
winhttp_bit_find(const char *name)
{
	for (size_t i = 0; i < nwinhttp_bits; i++)
		if (str_casecmp_ws(winhttp_bits[i].name, name) == 0)
			return &winhttp_bits[i];
	return NULL;
}

size_t
setting_value_names(const struct setting *s, const char *names[2])
{
	names[0] = s->value;
	if (s->kind == SK_PROTOCOL) {
		names[1] = DISABLED_BY_DEFAULT;
		return 2;
	}
	return 1;
}
