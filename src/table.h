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
	SF_NONZERO_ON = 2	/* any non-zero value already counts as on */
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
};

struct named_bit {
	const char *name;
	uint32_t bit;
	unsigned min_build;
};

struct suite {
	const char *name;
	unsigned min_build;
};

extern const struct setting settings[];
extern const size_t nsettings;
extern const struct named_bit winhttp_bits[];
extern const size_t nwinhttp_bits;
extern const struct suite suites[];
extern const size_t nsuites;
extern const char *const curves[];
extern const size_t ncurves;

#define SUITES_MAX_CHARS 1023	/* policy Functions limit (Manage TLS, 2018) */
#define DISABLED_BY_DEFAULT "DisabledByDefault"

/*
 * Rows a name stands for: the row of that name, or every row of that group.
 * Returns how many were stored in out (at most max), 0 if none.
 */
size_t setting_lookup(const char *name, const struct setting **out, size_t max);
/* The known setting or group name closest to a misspelt one, or NULL. */
const char *setting_suggest(const char *name);
const char *setting_kind_name(enum setting_kind);
const char *setting_states(const struct setting *);

const struct suite *suite_find(const char *name);
const char *suite_suggest(const char *name);
const char *curve_find(const char *name);
const struct named_bit *winhttp_bit_find(const char *name);

#endif
