/* Fixtures for the plan's tests. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "planfix.h"

void
img_open(struct img *m, const char *layout, const char *extra)
{
	m->root = fixture_image(layout, extra);
	for (int i = 0; i < HV_COUNT; i++) {
		char *p = fixture_path(m->root, i == HV_SYSTEM ? "SYSTEM" :
		    "SOFTWARE");
		m->h[i] = hive_open(p, 0);
		assert_non_null(m->h[i]);
		free(p);
	}
	assert_int_equal(facts_read(&m->f, m->h[0], m->h[1]), 0);
}

void
img_close(struct img *m)
{
	facts_free(&m->f);
	for (int i = 0; i < HV_COUNT; i++)
		hive_close(m->h[i]);
	fixture_image_rm(m->root);
	free(m->root);
}

int
plan_for(struct plan *p, struct img *m, const char *set, struct strlist *e)
{
	struct policy pol = { 0 };
	int r;

	assert_int_equal(policy_add_set(&pol, set, e), 0);
	r = plan_build(p, &pol, &m->f, m->h, 0, e);
	policy_free(&pol);
	return r;
}

int
plan_for_reg(struct plan *p, struct img *m, const char *reg,
    struct strlist *e)
{
	struct policy pol = { 0 };
	int r;

	assert_int_equal(policy_add_reg_mem(&pol, (const unsigned char *)reg,
	    strlen(reg), "t.reg", e), 0);
	r = plan_build(p, &pol, &m->f, m->h, 0, e);
	policy_free(&pol);
	return r;
}

const struct op *
find_op(const struct plan *p, enum op_kind kind, const char *key,
    const char *name)
{
	for (size_t i = 0; i < p->nops; i++)
		if (p->ops[i].kind == kind && strcmp(p->ops[i].key, key) == 0 &&
		    (name == NULL || (p->ops[i].name &&
		    strcmp(p->ops[i].name, name) == 0)))
			return &p->ops[i];
	return NULL;
}
