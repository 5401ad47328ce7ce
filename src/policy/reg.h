/* .reg files in: regedit's format as a policy source (regwrite.h writes them). */
#ifndef REG_H
#define REG_H

#include "policy/profile.h"

/*
 * Reads a .reg file (REGEDIT4 or Version 5.00; UTF-16LE with BOM, or UTF-8
 * with or without BOM) into raw changes.  Every problem goes to errs as
 * "FILE:LINE: ..."; the policy only changes when there was none.
 */
int policy_add_reg(struct policy *, const char *path, struct strlist *errs);
/* The same for text already in memory (for tests and fuzzing). */
int policy_add_reg_mem(struct policy *, const unsigned char *data, size_t len,
    const char *file, struct strlist *errs);

#endif
