/* The plan's values and changes in words, for the reports. */
#ifndef PLANTEXT_H
#define PLANTEXT_H

#include "policy/plantypes.h"

/* The row's state in profile words ("on", "off", "absent", "2048", ...). */
char *plan_state(const struct target *);
/* What Windows does (plan_effect), in the row's words. */
char *plan_effect_text(const struct target *, const struct effect_of *);
/* "Value=..." rendering of a current value, or "absent". */
char *plan_current(const struct target *, const char *name);
/* The op's state before and after, in words: "absent", "0x1 (1)", ... */
char *plan_op_before(const struct op *);
char *plan_op_after(const struct op *);
/* The op's label: its setting's name, or where it came from. */
const char *plan_op_label(const struct op *);
/*
 * An ignored change in words: "t.reg:4: SYSTEM\...\Client: Schannel has
 * no key ...; closest: ...".  NULL when an earlier one says the same of
 * the same .reg line (its other control set or view).
 */
char *plan_ignored_text(const struct plan *, size_t k, const char *lead);

#endif
