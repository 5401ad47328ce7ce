/* Profiles, --set and built-in profiles: text in, a list of wanted settings out. */
#ifndef PROFILE_H
#define PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "policy/profiles.h"
#include "policy/table.h"
#include "regval.h"
#include "tlshive.h"

enum want_kind {
	W_ON,
	W_OFF,
	W_AUTO,		/* on where the build supports it, untouched elsewhere */
	W_NUMBER,	/* SK_NUMBER and SK_BITMAP */
	W_LIST		/* SK_SUITES and SK_CURVES */
};

/* "@benchmark NAME key=value ...": the profile's identity in a checklist. */
struct benchmark_def {
	char *name;		/* the profile's name, e.g. "stig-iis10" */
	char *stigid;		/* STIG_INFO stigid / XCCDF benchmark id, or NULL */
	char *version;		/* the release the mapping was made from, or NULL */
	char *title;		/* our own words, or NULL */
	char *origin;		/* "FILE:LINE" */
};

/* "@rule ID severity=... ver=... [xccdf=...] [applies=...] [title=...]
 * [value=...] [view=...]" */
struct rule_def {
	char *id;		/* "V-218821", "7.11", "HK-1234" */
	const struct benchmark_def *bench;
	char *severity;		/* "high", "medium" or "low" */
	char *ver;		/* the STIG ID (a checklist's Rule_Ver), or NULL */
	char *xccdf;		/* the benchmark's own XCCDF rule id, or NULL */
	char *applies;		/* "iis", "sql": a role the image must have,
				 * or NULL for every image */
	char *title;		/* our own words, or NULL */
	/* A rule that reads one value of its rows (a HardeningKitty finding
	 * is one registry value): that value's name, and "64-bit" or
	 * "32-bit" for one registry view; NULL for all. */
	char *value;
	char *view;
	char *origin;		/* "FILE:LINE" */
};

struct want {
	const struct setting *s;
	enum want_kind kind;
	uint32_t number;	/* number, or the bitmap's unconditional bits */
	uint32_t cond_bits;	/* bitmap bits wanted only where supported */
	char **items;		/* suite or curve names */
	unsigned char *cond;	/* per item: only where supported */
	size_t nitems;
	char *origin;		/* "FILE:LINE" or "--set" */
	unsigned seq;		/* order among all sources: later wins */
	/* A benchmark profile's line: "NAME = VALUE | rule ID[, ID]
	 * [| absent ok] [| at least]" */
	const struct benchmark_def *bench;	/* the profile's, or NULL */
	char **rules;		/* the rule IDs it serves */
	size_t nrules;
	int exact;		/* SK_SWITCH given as a number: written as
				 * that number, and only it complies */
	int absent_ok;		/* an absent value passes the rules */
	int at_least;		/* a DWORD passes when >= number */
};

/* A raw registry change from a .reg file. */
enum regop_kind {
	RO_SET,			/* "name"=data */
	RO_DELETE_VALUE,	/* "name"=- */
	RO_DELETE_KEY,		/* [-KEY] */
	RO_MKKEY		/* [KEY]: the key exists afterwards */
};

struct regop {
	enum regop_kind kind;
	enum hive_id hive;
	int ccs;		/* below CurrentControlSet: once per control set */
	char *key;		/* below the control set if ccs, else from the root */
	char *sid;		/* HV_USER: the profile HKEY_USERS\SID names,
				 * NULL for HKEY_CURRENT_USER */
	char *name;		/* value name, "" the default value; NULL: key op */
	struct regval val;	/* RO_SET */
	char *origin;		/* "FILE:LINE" */
	unsigned seq;
};

/* The wanted settings, one per row at most; a later source wins. */
struct policy {
	struct want *w;
	size_t n;
	struct regop *r;
	size_t nr;
	unsigned seq;		/* last sequence number handed out */
	struct strlist sources;	/* names of the profiles read, in order */
	struct strlist skipped;	/* "FILE:LINE: ..." for each .reg line
				 * regedit skips (so does tlshive) */
	/* Benchmark profiles (rules.h): their identity, their rules, and a
	 * copy of every line that serves a rule, kept even when a later
	 * source replaces the want in w, so each rule is judged by its own
	 * benchmark's values. */
	struct benchmark_def **bench;
	size_t nbench;
	struct rule_def **rd;
	size_t nrd;
	struct want *rw;
	size_t nrw;
	struct strlist conflicts;	/* two sources that want different
					 * values for one row, one of them a
					 * benchmark's */
};

/*
 * Each adder parses its whole input, appends "ORIGIN: problem" for every
 * error to errs, and changes the policy only when there was none.
 */
int policy_add_text(struct policy *, const char *text, const char *file,
    struct strlist *errs);
/*
 * As policy_add_text, a profile made by an importer: origins names each
 * line's origin in place of FILE:LINE (the line of the file it came from).
 */
int policy_add_text_at(struct policy *, const char *text, const char *file,
    char *const *origins, struct strlist *errs);
/* A built-in profile name, or a file: a profile, or an IIS Crypto
 * template (ictpl.h) told by its content. */
int policy_add_profile(struct policy *, const char *name,
    struct strlist *errs);
/* One "NAME = VALUE" from the command line. */
int policy_add_set(struct policy *, const char *arg, struct strlist *errs);
void policy_free(struct policy *);
/* A rule or benchmark ID: letters, digits, '-', '.' and '_' only. */
int profile_valid_id(const char *);
/* A deep copy of a want. */
void want_copy(struct want *dst, const struct want *src);
/*
 * Leaves out every setting and .reg change in one hive, naming each
 * setting and .reg section in gone ("FILE:LINE: ... left out").
 */
void policy_drop_hive(struct policy *, enum hive_id, struct strlist *gone);
/*
 * A copy of the policy's user-hive part for one more profile: the
 * HKEY_CURRENT_USER settings and changes (with all_users), and the
 * HKEY_USERS\SID changes for that profile's sid.
 */
void policy_for_profile(const struct policy *, const char *sid,
    int all_users, struct policy *out);
/* Which hives the policy has settings or .reg changes in. */
void policy_hives(const struct policy *, int names[HV_COUNT]);

const struct builtin_profile *profile_builtin(const char *name);
/* The built-in profile name closest to name, or NULL when none is close. */
const char *profile_suggest(const char *name);
/* The first comment line's text after "NAME: ". */
char *profile_summary(const struct builtin_profile *);

#define DEFAULT_PROFILE "recommended"

#endif
