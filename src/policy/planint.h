/*
 * Between the plan's steps: plan.c runs them in order (gate, values, ops,
 * settle, state, lint, then verdict.h's verdicts); nothing outside the
 * plan includes this but rules.c, which asks gate.c for the values a
 * benchmark's own line comes to, so rules and ops cannot drift apart.
 */
#ifndef PLANINT_H
#define PLANINT_H

#include "policy/plantypes.h"

/* gate.c */
/*
 * Resolves "auto" and "if supported" against the image's build; refuses
 * an explicit request the build cannot honour (into errs).  Returns 0 to
 * write, 1 to leave the row alone, -1 on error.
 */
int plan_gate(struct plan *, struct want *, const struct facts *, int flags,
    struct strlist *errs);
/*
 * The values a gated want comes to on this image, in the order of
 * setting_value_names; returns how many, or -1 with the reason in errs.
 * tls13_off: the policy turns every TLS 1.3 row off.
 */
int plan_want_values(const struct want *, const struct facts *, int tls13_off,
    struct regval v[2], struct strlist *errs);
/*
 * With FIPS mode on, Schannel uses only the curves Microsoft's curve pages
 * mark available in it: a note naming the others of a list the image will
 * hold, and a warning where none is left.
 */
void plan_curves_fips(struct plan *, const char *label, char *const *items,
    size_t n, const struct facts *);

/* ops.c */
/* Ops setting the want's values at targets first..end. */
void plan_table_ops(struct plan *, const struct want *, size_t first,
    struct regval *v, int n);
/* Ops for one .reg change; a missing hive or control set goes to errs. */
void plan_raw_ops(struct plan *, const struct regop *, const struct facts *,
    struct hive *h[HV_COUNT], int live, int profile, struct strlist *errs);
void plan_op_free(struct op *);

/* settle.c */
/* Sorts ops by source and drops those later sources make moot. */
void plan_settle(struct plan *);
/* Reads what each op finds in the hives and which are still needed. */
int plan_read_state(struct plan *, struct hive *h[HV_COUNT]);

/* lint.c */
/* What Windows ignores among the .reg changes (after plan_read_state). */
void plan_lint(struct plan *, const struct facts *);

#endif
