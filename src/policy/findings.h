/*
 * HardeningKitty finding lists (check --findings FILE.csv): the rows that
 * read a registry value tlshive has a setting for become the rules of a
 * benchmark named after the file, one rule HK-<ID> a row.
 */
#ifndef FINDINGS_H
#define FINDINGS_H

#include <stddef.h>

#include "policy/profile.h"

/*
 * Reads a finding list (RFC 4180 CSV with HardeningKitty's header) into
 * the policy as a benchmark profile would be, each line's origin the row's
 * FILE:LINE.  The rows not imported (another method, a path or value no
 * setting has, an operator or value tlshive cannot compare) go to
 * pol->skipped, listed whether or not the file is refused; every error
 * goes to errs as "FILE:LINE: ...".  0, or -1 with the policy unchanged.
 */
int policy_add_findings(struct policy *, const char *path,
    struct strlist *errs);
/* The same from memory; file names it in messages and the benchmark. */
int policy_add_findings_mem(struct policy *, const char *text, size_t len,
    const char *file, struct strlist *errs);

#endif
