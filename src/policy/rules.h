/*
 * Benchmark rules: a profile that starts with "@benchmark" names rules
 * ("@rule V-218821 ...") and ties its lines to them ("NAME = VALUE | rule
 * V-218821").  An auditor judges each rule on its own: an absent value is a
 * finding unless the line says "absent ok", every control set and both
 * registry views count, and a value is compared as the benchmark's check
 * reads it.  rules_evaluate gives each rule's result and the values behind
 * it; the text, JSON, checklist (.ckl) and XCCDF reports all read that.
 */
#ifndef RULES_H
#define RULES_H

#include <stddef.h>

#include "policy/plantypes.h"
#include "regval.h"

enum rule_result {
	RR_PASS,
	RR_FAIL,
	RR_NA,		/* not applicable: the role is not installed, or the
			 * build lacks the feature */
	RR_NOTCHECKED,	/* a hive it reads was not given, or the role cannot
			 * be known */
	RR_COUNT
};

/* Level 2: one registry value a rule reads, at one place it lives. */
struct rule_value {
	const struct setting *s;
	enum hive_id hive;
	char *key;		/* full key path from the hive root */
	char *where;		/* "ControlSet001", "64-bit", "32-bit" or "" */
	int current;		/* the control set Windows boots (Select's
				 * Current), shown as CurrentControlSet */
	char *value_name;	/* Enabled, DisabledByDefault, Functions, ... */
	struct regval want;
	struct regval cur;	/* when present */
	int present;
	int absent_ok;		/* the line says an absent value passes */
	int at_least;		/* a DWORD passes when >= want */
	int nonzero;		/* any non-zero DWORD passes (want is the
				 * value written) */
	enum rule_result result;	/* RR_PASS, RR_FAIL, or RR_NA */
	char *origin;		/* the profile line, "FILE:LINE" */
};

/* Level 1: one rule on this image. */
struct rule_eval {
	const struct rule_def *def;
	enum rule_result result;
	char *reason;		/* why RR_NA or RR_NOTCHECKED, else NULL */
	struct rule_value *v;
	size_t nv;
	size_t nfail;		/* values that fail */
};

/*
 * Every rule of the policy's benchmarks on this image, in profile order:
 * each wanted value of each line that names the rule, at every target the
 * plan made for its row.  The plan must come from plan_build with this
 * policy and facts.  0, or -1 with an error.
 */
int rules_evaluate(const struct policy *, const struct plan *,
    const struct facts *, struct rule_eval **out, size_t *n);
void rules_free(struct rule_eval *, size_t n);
/*
 * What makes a check with benchmarks not compliant: each rule that fails or
 * could not be checked, and each value that differs on a row no benchmark
 * line decides (verdict_counts).  A rule that is not applicable is no
 * finding, whatever its rows hold.
 */
size_t rules_noncompliant(const struct policy *, const struct plan *,
    const struct rule_eval *, size_t n, int explicit_only);
/* "pass", "fail", "notapplicable", "notchecked" (XCCDF's words). */
const char *rule_result_name(enum rule_result);

#endif
