/* From wanted settings and image facts to concrete values, and their diff. */
#ifndef PLAN_H
#define PLAN_H

#include "policy/plantypes.h"
#include "regf/commit.h"

/* Every row of the table at every place it lives, with current values. */
int plan_show(struct plan *, const struct facts *, struct hive *h[HV_COUNT]);
/*
 * The writes a policy asks for on this image (flags PLAN_*); gating
 * problems go to errs (all of them), and the plan is only usable when it
 * returns 0.
 */
int plan_build(struct plan *, const struct policy *, const struct facts *,
    struct hive *h[HV_COUNT], int flags, struct strlist *errs);
void plan_free(struct plan *);
/*
 * The plan's ops as the hives' edits for commit_edits, pointing into the
 * plan (free the array only); *n of them.
 */
struct hive_edit *plan_edits(const struct plan *, size_t *n);

#endif
