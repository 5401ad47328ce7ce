/*
 * What Windows does with each setting on this image (the registry, else
 * its documented default for the build), the verdict on each change, and
 * the prerequisite updates the image seems to lack.
 */
#ifndef VERDICT_H
#define VERDICT_H

#include "policy/plantypes.h"

void plan_effect(const struct target *, const struct facts *,
    struct effect_of *);
void plan_effect_free(struct effect_of *);
/* "registry", "os-default", "local-list" */
const char *effect_source_name(enum effect_source);
/*
 * What check counts as not compliant: differences and unknowns, and with
 * explicit_only the values only Windows' defaults satisfy as well.
 */
size_t plan_noncompliant(const struct plan *, int explicit_only);
/* Does check count an op of this verdict? */
int verdict_counts(enum verdict, int explicit_only);

/* For the plan's steps: */
/* Adds a warning once; kb names the update whose absence it is about. */
void plan_warn(struct plan *, uint32_t kb, const char *what);
/* ... or, where no image was read, whose presence could not be checked. */
void plan_warn_update(struct plan *, const struct facts *, uint32_t kb,
    const char *what);
/* Does a row of that edition concern the image (either, when its type is
 * unknown)? */
int plan_edition_holds(enum edition, const struct facts *);
/* Warnings for updates the image lacks (pol NULL: for show). */
void plan_check_prereqs(struct plan *, const struct policy *,
    const struct facts *);
void plan_assign_verdicts(struct plan *, const struct facts *);
/* Warnings for a protocol turned on where the build does not support it
 * but reads its values (TLS 1.3 before 20348): of the registry's values
 * for show, of the values the plan writes otherwise. */
void plan_check_unsafe(struct plan *, const struct facts *, int show);
/*
 * A warning when the cipher-suite list Schannel reads after the plan (the
 * policy list, else the local one, else the build's default order) leaves
 * no suite the build can offer; h NULL for a plan without hives.
 */
void plan_check_suites(struct plan *, const struct facts *,
    struct hive *h[HV_COUNT]);

#endif
