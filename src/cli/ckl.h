/*
 * A check run's benchmark rules as a STIG Viewer checklist (.ckl): the
 * asset named from the image, one iSTIG per benchmark profile, one VULN
 * per rule with its status and the values behind it.
 */
#ifndef CKL_H
#define CKL_H

#include <time.h>

#include "cli/report.h"

/* The document (NUL-terminated, owned by the caller); image names the
 * image in COMMENTS and TARGET_COMMENT, when the time of the check. */
char *ckl_render(const struct run *, const char *image, time_t when);
/* STIG Viewer's word for a result: NotAFinding, Open, Not_Applicable,
 * Not_Reviewed. */
const char *ckl_status(enum rule_result);
/* ASSET's ROLE from ProductType: Workstation, Member Server, Domain
 * Controller, or None. */
const char *ckl_role(const char *product_type);

#endif
