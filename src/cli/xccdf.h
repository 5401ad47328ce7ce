/*
 * A check run's benchmark rules as an XCCDF 1.2 TestResult document: the
 * image as the target, one rule-result per rule with a message per value,
 * and the flat score of the rules that pass.
 */
#ifndef XCCDF_H
#define XCCDF_H

#include <time.h>

#include "cli/report.h"

#define XCCDF_NS "http://checklists.nist.gov/xccdf/1.2"

/* The document (owned by the caller); image as in ckl_render, the run's
 * start and end. */
char *xccdf_render(const struct run *, const char *image, time_t start,
    time_t end);
/*
 * A rule's XCCDF id (ruleIdType, xccdf_NAMESPACE_rule_NAME): the
 * benchmark's own when the profile gives it ("@rule ... xccdf="; a DISA
 * rule id "SV-..." goes under DISA's namespace mil.disa.stig), else
 * xccdf_org.tlshive_rule_PROFILE_ID.
 */
char *xccdf_rule_id(const struct rule_def *);
/* XCCDF's resultEnumType word: pass, fail, notapplicable, notchecked. */
const char *xccdf_result(enum rule_result);

#endif
