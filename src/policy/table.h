/* The settings table: every registry knob tlshive knows, as data. */
#ifndef TABLE_H
#define TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "tlshive.h"

enum setting_kind {
	SK_PROTOCOL,	/* Enabled + DisabledByDefault pair: on 1/0, off 0/1 */
	SK_SWITCH,	/* one DWORD: on = .on, off = 0 */
	SK_NUMBER,	/* one DWORD in [.min, .max] */
	SK_BITMAP,	/* one DWORD of protocol bits (WinHTTP) */
	SK_SUITES,	/* REG_SZ, comma-separated cipher suites */
	SK_CURVES	/* REG_MULTI_SZ, one curve per string */
};

enum {
	SF_WOW64 = 1,		/* also in the Wow6432Node view on 64-bit images */
	SF_NONZERO_ON = 2,	/* any non-zero value already counts as on */
	SF_NO_DEFAULTS = 4	/* no page gives its per-build default */
};

struct setting {
	const char *name;	/* profile vocabulary, e.g. "TLS 1.0 server" */
	const char *group;	/* a name that sets several rows at once */
	enum hive_id hive;
	const char *key;	/* SYSTEM: below ControlSet00N; SOFTWARE: below root */
	const char *value;	/* value name (protocols: Enabled, plus DisabledByDefault) */
	enum setting_kind kind;
	unsigned flags;
	uint32_t on;		/* SK_SWITCH: DWORD written for on */
	uint32_t min, max;	/* SK_NUMBER: allowed range */
	unsigned min_build;	/* first Windows build that has it, 0 = all */
	const char *help;
	/* Ciphers, hashes, key exchanges: the words of the suite names
	 * that use it ("RC4 128", "DHE"); without a value Schannel offers
	 * it exactly where the build's default suites do. */
	const char *suite_words;
};

struct named_bit {
	const char *name;
	uint32_t bit;
	unsigned min_build;
};

/* Curves a pre-Windows 10 suite name carries as _P256/_P384/_P521. */
enum { C256 = 1, C384 = 2, C521 = 4, NOCURVE = 0x80 };

struct suite {
	const char *name;	/* without a curve suffix */
	unsigned min_build;	/* Windows 10 and later: first build that has it */
	unsigned char on81;	/* 7 and 8.1: 0 none, NOCURVE, or curve bits */
	unsigned char def81;	/* curves 7, 8 and 8.1 enable by default */
	const char *source;	/* the pages that list it */
	uint32_t kb7;		/* Windows 7, 8, 2008 R2 and 2012 have it
				 * only with this update */
	int on_request;		/* "only used when application explicitly
				 * requests", though in the enabled list */
	unsigned char on8;	/* 8 and 2012: as on81 */
	unsigned char onvista;	/* Vista and 2008: as on81; each curve it
				 * has is in its default list */
};

/* The suites a build enables, in order, when no list is configured. */
struct suite_defaults {
	unsigned from, to;
	const char *const *names;
	const char *source;
	uint32_t kb;		/* the list holds only with this update */
};
extern const struct suite_defaults suite_defaults[];
extern const size_t nsuite_defaults;

/*
 * Builds that have a group only from an update on: one build range, from
 * its update revision ubr (0: every revision), on clients, servers or both.
 */
enum { GB_ANY, GB_CLIENT, GB_SERVER };
struct group_builds {
	unsigned from, to;	/* builds, inclusive; to 0 = no upper bound */
	unsigned ubr;
	int os;			/* GB_ANY, GB_CLIENT or GB_SERVER */
};

/* A curve (or group) Schannel takes in the curve order. */
struct curve {
	const char *name;	/* as Microsoft's curve pages spell it */
	unsigned min_build;	/* the first build that has it */
	int fips;		/* the page's "Available in FIPS mode" */
	const char *source;	/* the page that lists it */
	/* NULL: every build from min_build on; else only these builds,
	 * ended by a row with from 0 */
	const struct group_builds *only;
};

/* The curves a build enables, in order, when no curve order is set. */
struct curve_defaults {
	unsigned from, to;	/* builds, inclusive; to 0 = no upper bound */
	const char *const *names;	/* NULL-ended */
	const char *source;
};
extern const struct curve_defaults curve_defaults[];
extern const size_t ncurve_defaults;

extern const struct setting settings[];
extern const size_t nsettings;
extern const struct named_bit winhttp_bits[];
extern const size_t nwinhttp_bits;
extern const struct suite suites[];
extern const size_t nsuites;
extern const struct curve curves[];
extern const size_t ncurves;

/*
 * Below ControlSet00N: the local cipher-suite list (REG_MULTI_SZ) that
 * Enable-/Disable-TlsCipherSuite edit; Schannel uses it where no policy
 * list is set.  Read for the effective order, never written.
 */
#define LOCAL_SUITES_KEY \
	"Control\\Cryptography\\Configuration\\Local\\SSL\\00010002"
/*
 * Its local curve order (REG_MULTI_SZ), where no curve order policy is
 * set: Microsoft documents the TLS cmdlets (Enable-/Disable-TlsEccCurve)
 * but not this place; read, never written.
 */
#define LOCAL_CURVES_VALUE "EccCurves"
/*
 * Below ControlSet00N: a key per curve added with certutil -addEccCurve,
 * which Windows then takes by name, in the curve order too (Manage TLS).
 */
#define ECC_PARAMETERS_KEY "Control\\Cryptography\\ECCParameters"

/*
 * Below ControlSet00N: FIPS mode, the switch of "System cryptography: Use
 * FIPS compliant algorithms" (its value Enabled); the Schannel registry page
 * (tls-registry-settings) names instead an entry FIPSAlgorithmPolicy of Lsa
 * itself, default 0.
 */
#define FIPS_KEY "Control\\Lsa\\FipsAlgorithmPolicy"
#define FIPS_OLD_KEY "Control\\Lsa"
#define FIPS_OLD_VALUE "FIPSAlgorithmPolicy"

/* Schannel's key below a control set: every key and value under it is
 * Schannel's to read, so lint knows what it ignores there. */
#define SCHANNEL_KEY "Control\\SecurityProviders\\SCHANNEL"
/* A value (or a key, value NULL) Microsoft documents under SCHANNEL_KEY
 * that no row manages: Windows reads it, lint leaves it alone. */
struct schannel_extra {
	const char *key;	/* below SCHANNEL_KEY, "" for the key itself */
	const char *value;
};
extern const struct schannel_extra schannel_extras[];
extern const size_t nschannel_extras;

/* The protocol group whose suites and WinHTTP bit exist from 20348 on. */
#define TLS13_GROUP "TLS 1.3"

/* Where Microsoft says the curve order exists from Windows 10 on. */
#define MANAGE_TLS_PAGE \
	"https://learn.microsoft.com/windows-server/security/tls/manage-tls"

#define SUITES_MAX_CHARS 1023	/* policy Functions limit (Manage TLS, 2018) */
#define DISABLED_BY_DEFAULT "DisabledByDefault"

/*
 * Rows a name stands for: the row of that name, or every row of that group.
 * Returns how many were stored in out (at most max), 0 if none.
 */
size_t setting_lookup(const char *name, const struct setting **out, size_t max);
/* The known setting or group name closest to a misspelt one, or NULL. */
const char *setting_suggest(const char *name);
/* The settings whose name starts with name as a word ("RC4" gives the
 * four RC4 rows), quoted and comma-separated, or NULL; caller frees. */
char *setting_family(const char *name);
const char *setting_kind_name(enum setting_kind);
const char *setting_states(const struct setting *);
/* Value names a row uses: 1 or 2 (protocols add DisabledByDefault). */
size_t setting_value_names(const struct setting *, const char *names[2]);

/* What Windows does with a setting the registry leaves out. */
enum effect {
	EFF_UNKNOWN,		/* the build is unknown, or Windows does not say */
	EFF_ENABLED,
	EFF_DISABLED,
	EFF_UNSUPPORTED,	/* this build does not have it at all */
	EFF_VALUE,		/* a number, bit set or list: see its text */
	EFF_NO_LIMIT,		/* a bound Windows does not enforce */
	EFF_ON_REQUEST		/* off unless the application asks for it by
				 * name ("off by default") */
};

struct proto_default {
	const char *proto;	/* a protocol group: "TLS 1.1" */
	unsigned from, to;	/* builds, inclusive; 0 = no upper bound */
	enum effect client, server;
	const char *source;
	uint32_t kb;		/* the protocol exists only with this update */
};

/*
 * Builds 6000-6003 are both Windows Vista and Server 2008: an update made
 * for one edition never comes to the other.
 */
enum edition { ED_ANY, ED_CLIENT, ED_SERVER };
struct edition_kb {
	uint32_t kb;
	enum edition only;
	const char *source;
};
extern const struct edition_kb edition_kbs[];
extern const size_t nedition_kbs;
/* The edition an update is made for (ED_ANY for most). */
enum edition kb_edition(uint32_t kb);

/*
 * Builds that do not support a protocol yet read its values: turning it on
 * there is unsafe, turning it off is no change Windows ignores.
 */
struct proto_unsafe {
	const char *proto;	/* a protocol group: "TLS 1.3" */
	unsigned from, to;	/* builds, inclusive */
	const char *source;
};
extern const struct proto_unsafe proto_unsafes[];
extern const size_t nproto_unsafes;

/* A number row's value when the registry leaves it out. */
struct number_default {
	const char *row;	/* the setting's name */
	unsigned from, to;	/* builds, inclusive; to 0 = no upper bound */
	uint32_t value;		/* 0: this build does not read the value */
	uint32_t kb;		/* ... or reads it only with this update */
	const char *source;
	int no_limit;		/* read, and without it no bound is enforced */
};
extern const struct number_default number_defaults[];
extern const size_t nnumber_defaults;
/* The row's default on a build: 1 and *value, 2 no bound at all, 0
 * unknown, -1 not read at all (or, with *kb set, only with that update). */
int number_default(const struct setting *, unsigned build, uint32_t *value,
    uint32_t *kb, const char **source);

/*
 * The highest build the protocol table documents; past it Windows may
 * change any default (TLS 1.0 and 1.1 are off in 2024 Insider builds),
 * so tlshive claims none.
 */
#define LAST_DOCUMENTED_BUILD 26100

struct winhttp_default {
	unsigned from, to;
	uint32_t bits;		/* DefaultSecureProtocols when absent */
	const char *source;
	int client_only;	/* the page names the client Windows only */
};

/*
 * An update without which Windows ignores the rows at or below key: a
 * missing one is a warning, never a refusal.
 */
struct prereq {
	enum hive_id hive;
	const char *key;	/* key of the rows it concerns */
	const char *value;	/* ... only this value of it, or NULL: all */
	unsigned from, to;	/* builds, inclusive; to 0 = no upper bound */
	unsigned release_from, release_to; /* .NET 4 Release, 0 = any */
	uint32_t kb;		/* 0: no update makes it work */
	const char *what;
	int off_only;		/* only when the row is switched off */
};

extern const struct prereq prereqs[];
extern const size_t nprereqs;
extern const struct proto_default proto_defaults[];
extern const size_t nproto_defaults;
extern const struct winhttp_default winhttp_defaults[];
extern const size_t nwinhttp_defaults;

/*
 * The build's default for a protocol row when the registry is silent
 * (EFF_UNKNOWN for build 0 or a build the table does not cover), with
 * the page that says so.
 */
enum effect os_default(const struct setting *, unsigned build,
    const char **source);
/* The default a protocol row has on every build that has the protocol,
 * EFF_UNKNOWN where builds differ: what holds when the build is unknown. */
enum effect os_default_everywhere(const struct setting *);
/* The table row behind os_default, or NULL. */
const struct proto_default *proto_default_row(const struct setting *,
    unsigned build);
/* Does the build read the protocol row's values though it does not
 * support the protocol (TLS 1.3 before 20348)? */
int proto_unsafe(const struct setting *, unsigned build);
/* WinHTTP's default protocol bits on a build of a client (client 1),
 * a server (0) or either (-1); 0 if unknown. */
uint32_t winhttp_default(unsigned build, int client, const char **source);
const char *effect_name(enum effect);

const struct suite *suite_find(const char *name);
const char *suite_suggest(const char *name);
/*
 * 1 the build has the suite, 0 it does not, -1 no page says (build 0, or
 * a build before Windows 10 with no page of its own).  Before Windows 10
 * a curve suffix on name must be one the build has the suite with; from
 * Windows 10 on any suffix names the suite itself.
 */
int suite_supported(const char *name, unsigned build);
/*
 * Before Windows 10: the curves (C256 | C384 | C521) the build spells the
 * suite with, only those it enables by default with dflt; NOCURVE for a
 * suite without a curve; 0 when the build lacks it.  A build with no page
 * of its own is spelt as 8.1 is.  Windows 10 and later: 0.
 */
int suite_curves(const struct suite *, unsigned build, int dflt);
/*
 * The update without which a build skips a suite it lists (0: none), and
 * the Windows it concerns for messages ("Windows 7 and Server 2008 R2").
 */
uint32_t suite_update(const struct suite *, unsigned build,
    const char **windows);
/* The closest suite name the build has, for "did you mean". */
const char *suite_suggest_on(const char *name, unsigned build);
/* The build's default order, or NULL when no page documents it. */
const struct suite_defaults *suite_defaults_for(unsigned build);
/* Does the suite name carry these words ("RC4 128"), in order? */
int suite_has_words(const char *suite, const char *words);
const struct curve *curve_find(const char *name);
/*
 * Does the build have the curve: 1 yes, 0 no, -1 tlshive cannot tell (the
 * build is 0, or the answer turns on an update revision or on client or
 * server, and that is unknown, or no page covers the build).  ubr 0: not
 * known; server 1, 0, or -1 not known.
 */
int curve_available(const struct curve *, unsigned build, unsigned ubr,
    int server);
/* The builds that have it, in words ("build 10240 or later"); caller
 * frees. */
char *curve_builds_text(const struct curve *);
/* The build's default curve order, or NULL when no page documents it. */
const struct curve_defaults *curve_defaults_for(unsigned build);
const struct named_bit *winhttp_bit_find(const char *name);

#endif
