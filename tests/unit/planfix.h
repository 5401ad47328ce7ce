/* Fixtures for the plan's tests: an image with both hives open. */
#ifndef PLANFIX_H
#define PLANFIX_H

#include "fixture.h"
#include "policy/plan.h"
#include "policy/planint.h"
#include "policy/plantext.h"
#include "policy/reg.h"
#include "policy/verdict.h"

struct img {
	char *root;
	struct hive *h[HV_COUNT];
	struct facts f;
};

/* An image of that layout (mkimage --extra text or NULL), hives open. */
void img_open(struct img *, const char *layout, const char *extra);
void img_close(struct img *);
/* plan_build for one --set text. */
int plan_for(struct plan *, struct img *, const char *set, struct strlist *);
/* plan_build for a .reg text. */
int plan_for_reg(struct plan *, struct img *, const char *reg,
    struct strlist *);
/* The first op of that kind at key (and value name, unless NULL). */
const struct op *find_op(const struct plan *, enum op_kind, const char *key,
    const char *name);

#endif
