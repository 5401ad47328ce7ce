/*
 * The plan: wanted settings and .reg changes turned into the ops for this
 * image's layout, each step in its own file (see planint.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "policy/plan.h"
#include "policy/planint.h"
#include "policy/verdict.h"

static int
add_target(struct plan *p, const struct setting *s, const char *key,
    const char *where, struct hive *h)
{
	struct target *t;
	const char *names[2];
	size_t n = setting_value_names(s, names);

	p->t = xrealloc(p->t, (p->nt + 1) * sizeof(*p->t));
	t = &p->t[p->nt++];
	memset(t, 0, sizeof(*t));
	t->s = s;
	t->key = xstrdup(key);
	t->where = xstrdup(where);
	for (size_t i = 0; i < n && h != NULL; i++) {
		int r = hive_get(h, key, names[i], &t->cur[i]);
		if (r == -1)
			return -1;
		t->present[i] = r;
	}
	return 0;
}

/*
 * SYSTEM rows live once per control set that Select names; WinHTTP and .NET
 * rows live in the native view and, on 64-bit Windows, in Wow6432Node too.
 */
static int
add_targets(struct plan *p, const struct setting *s, const struct facts *f,
    struct hive *h[HV_COUNT], int live)
{
	struct hive *none[HV_COUNT] = { NULL, NULL };
	char *key, *where;
	int r = 0;

	if (s->hive == HV_SYSTEM && live) {
		key = xasprintf("CurrentControlSet\\%s", s->key);
		r = add_target(p, s, key, "CurrentControlSet", NULL);
		free(key);
		return r;
	}
	if (live)
		h = none;
	if (s->hive == HV_SYSTEM) {
		for (size_t i = 0; i < f->ncsets && r == 0; i++) {
			where = facts_cset_name(f->csets[i]);
			key = xasprintf("%s\\%s", where, s->key);
			r = add_target(p, s, key, where, h[HV_SYSTEM]);
			free(key);
			free(where);
		}
		return r;
	}
	if (!(s->flags & SF_WOW64) || f->is64 != 1)
		return add_target(p, s, s->key, s->hive == HV_USER ? "Default "
		    "user" : "", h[s->hive]);
	if (add_target(p, s, s->key, "64-bit", h[HV_SOFTWARE]) == -1)
		return -1;
	key = xasprintf("Wow6432Node\\%s", s->key);
	r = add_target(p, s, key, "32-bit", h[HV_SOFTWARE]);
	free(key);
	return r;
}

int
plan_show(struct plan *p, const struct facts *f, struct hive *h[HV_COUNT])
{
	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < nsettings; i++)
		if (h[settings[i].hive] &&
		    add_targets(p, &settings[i], f, h, 0) == -1)
			return -1;
	for (int i = 0; i < HV_COUNT; i++)
		if (h[i] == NULL)
			sl_add(&p->notes, "%s hive not given: its settings are "
			    "not shown", hive_id_name(i));
	plan_check_prereqs(p, NULL, f);
	plan_check_unsafe(p, f, 1);
	plan_check_suites(p, f, h);
	return 0;
}

int
plan_build(struct plan *p, const struct policy *pol, const struct facts *f,
    struct hive *h[HV_COUNT], int flags, struct strlist *errs)
{
	size_t before = errs->n, skipped[HV_COUNT] = { 0 };
	int live = flags & PLAN_LIVE;

	const struct setting *rows[8];
	size_t tls13_rows = setting_lookup(TLS13_GROUP, rows, 8);
	size_t noff = 0;
	int tls13_off;

	memset(p, 0, sizeof(*p));
	/* TLS 1.3 counts as off when every row of its group is off */
	for (size_t i = 0; i < pol->n; i++)
		if (pol->w[i].s->group && strcmp(pol->w[i].s->group,
		    TLS13_GROUP) == 0 && pol->w[i].kind == W_OFF)
			noff++;
	tls13_off = tls13_rows > 0 && noff == tls13_rows;
	for (size_t i = 0; i < pol->n; i++) {
		struct want *w = &pol->w[i];
		struct regval v[2];
		size_t first = p->nt;
		int n;

		if (!live && h[w->s->hive] == NULL) {
			skipped[w->s->hive]++;
			continue;
		}
		if (plan_gate(p, w, f, flags, errs) != 0)
			continue;
		if ((n = plan_want_values(w, f, tls13_off, v, errs)) < 0)
			continue;
		if (add_targets(p, w->s, f, h, live) == -1) {
			sl_add(errs, "%s", tlsh_errmsg());
			for (int k = 0; k < n; k++)
				regval_free(&v[k]);
			break;
		}
		plan_table_ops(p, w, first, v, n);
		for (int k = 0; k < n; k++)
			regval_free(&v[k]);
	}
	for (size_t i = 0; i < pol->nr; i++)
		plan_raw_ops(p, &pol->r[i], f, h, live, flags & PLAN_PROFILE,
		    errs);
	for (int i = 0; i < HV_COUNT; i++)
		if (skipped[i])
			sl_add(&p->notes, "%s hive not given: %zu setting%s of "
			    "the profile skipped", hive_id_name(i), skipped[i],
			    skipped[i] == 1 ? "" : "s");
	if (errs->n > before)
		return -1;
	plan_settle(p);
	plan_lint(p, f);
	plan_check_unsafe(p, f, 0);
	if (!live && plan_read_state(p, h) == -1) {
		sl_add(errs, "%s", tlsh_errmsg());
		return -1;
	}
	if (!live)
		plan_assign_verdicts(p, f);
	/* a .reg for another machine needs them as much as apply does */
	plan_check_prereqs(p, pol, f);
	plan_check_suites(p, f, live ? NULL : h);
	return 0;
}

void
plan_free(struct plan *p)
{
	for (size_t i = 0; i < p->nt; i++) {
		free(p->t[i].key);
		free(p->t[i].where);
		for (int k = 0; k < 2; k++)
			if (p->t[i].present[k])
				regval_free(&p->t[i].cur[k]);
	}
	for (size_t i = 0; i < p->nops; i++)
		plan_op_free(&p->ops[i]);
	for (size_t i = 0; i < p->nwarn; i++)
		free(p->warn[i].text);
	for (size_t i = 0; i < p->nign; i++) {
		free(p->ign[i].item);
		free(p->ign[i].why);
		free(p->ign[i].closest);
	}
	free(p->ign);
	free(p->warn);
	free(p->t);
	free(p->ops);
	sl_free(&p->notes);
	sl_free(&p->unchecked);
	memset(p, 0, sizeof(*p));
}

/*
 * What apply does: every needed change, and below a key it deletes and
 * rebuilds, every value and key that follows, needed or not.
 */
static int
runs(const struct op *o)
{
	return o->needed || (o->under_deleted && (o->kind == OP_SET ||
	    o->kind == OP_MKKEY));
}

struct hive_edit *
plan_edits(const struct plan *p, size_t *n)
{
	/* any value: a key that must exist */
	static const struct regval any;
	struct hive_edit *e = xcalloc(p->nops + 1, sizeof(*e));

	for (size_t i = 0; i < p->nops; i++) {
		const struct op *o = &p->ops[i];
		struct hive_edit *x = &e[i];

		x->hive = o->hive;
		x->key = x->expect.key = o->key;
		x->name = x->expect.name = o->name;
		x->val = &o->want;
		x->run = runs(o);
		x->expected = 1;
		switch (o->kind) {
		case OP_SET:
			x->kind = EDIT_SET;
			x->expect.val = o->needed || !o->cur_present ||
			    o->under_deleted ? &o->want : &o->cur;
			break;
		case OP_DELETE_VALUE:
			x->kind = EDIT_DELETE_VALUE;
			break;
		case OP_MKKEY:
			x->kind = EDIT_MKKEY;
			x->expect.val = &any;
			break;
		case OP_DELETE_KEY:
			x->kind = EDIT_DELETE_KEY;
			/* unless later changes put the key back */
			x->expected = !o->rebuilt;
			break;
		}
	}
	*n = p->nops;
	return e;
}
