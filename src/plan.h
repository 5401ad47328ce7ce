/* From wanted settings and image facts to concrete values, and their diff. */
#ifndef PLAN_H
#define PLAN_H

#include "facts.h"
#include "hive.h"
#include "profile.h"
#include "regval.h"
#include "table.h"

/* One place a row lives in: a control set, or a registry view. */
struct target {
	const struct setting *s;
	char *key;		/* full key path from the hive root */
	char *where;		/* "ControlSet001", "64-bit", "32-bit" or "" */
	struct regval cur[2];	/* the row's value, and DisabledByDefault */
	int present[2];
};

/* One value the plan wants. */
struct op {
	size_t target;
	const char *name;
	struct regval want;
	int accept_nonzero;	/* a present non-zero DWORD already complies */
	int needed;		/* the hive does not hold it yet */
};

struct plan {
	struct target *t;
	size_t nt;
	struct op *ops;
	size_t nops;
	size_t nneeded;
	struct strlist notes;
};

/* Every row of the table at every place it lives, with current values. */
int plan_show(struct plan *, const struct facts *, struct hive *h[HV_COUNT]);
/*
 * The writes a policy asks for on this image; gating problems go to errs
 * (all of them), and the plan is only usable when it returns 0.
 */
int plan_build(struct plan *, const struct policy *, const struct facts *,
    struct hive *h[HV_COUNT], struct strlist *errs);
void plan_free(struct plan *);

/* Value names a row uses: 1 or 2 (protocols add DisabledByDefault). */
size_t plan_value_names(const struct setting *, const char *names[2]);
/* The row's state in profile words ("on", "off", "absent", "2048", ...). */
char *plan_state(const struct target *);
/* "Value=..." rendering of a current value, or "absent". */
char *plan_current(const struct target *, const char *name);

#endif
