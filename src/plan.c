/* Turns wanted settings into concrete writes for this image's layout. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "plan.h"

size_t
plan_value_names(const struct setting *s, const char *names[2])
{
	names[0] = s->value;
	if (s->kind == SK_PROTOCOL) {
		names[1] = DISABLED_BY_DEFAULT;
		return 2;
	}
	return 1;
}

static int
add_target(struct plan *p, const struct setting *s, const char *key,
    const char *where, struct hive *h)
{
	struct target *t;
	const char *names[2];
	size_t n = plan_value_names(s, names);

	p->t = xrealloc(p->t, (p->nt + 1) * sizeof(*p->t));
	t = &p->t[p->nt++];
	memset(t, 0, sizeof(*t));
	t->s = s;
	t->key = xstrdup(key);
	t->where = xstrdup(where);
	for (size_t i = 0; i < n; i++) {
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
    struct hive *h[HV_COUNT])
{
	char *key, *where;
	int r = 0;

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
		return add_target(p, s, s->key, "", h[HV_SOFTWARE]);
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
		    add_targets(p, &settings[i], f, h) == -1)
			return -1;
	for (int i = 0; i < HV_COUNT; i++)
		if (h[i] == NULL)
			sl_add(&p->notes, "%s hive not given: its settings are "
			    "not shown", hive_id_name(i));
	return 0;
}

static void
add_op(struct plan *p, size_t target, const char *name, struct regval *want,
    int accept_nonzero)
{
	struct op *o;
	const struct target *t = &p->t[target];
	int idx = strcmp(name, t->s->value) == 0 ? 0 : 1;
	uint32_t d;

	p->ops = xrealloc(p->ops, (p->nops + 1) * sizeof(*p->ops));
	o = &p->ops[p->nops++];
	o->target = target;
	o->name = name;
	o->want = *want;
	o->accept_nonzero = accept_nonzero;
	o->needed = !t->present[idx] ||
	    !(regval_equal(&t->cur[idx], want) ||
	    (accept_nonzero && regval_get_dword(&t->cur[idx], &d) && d != 0));
	p->nneeded += o->needed;
}

static int
supported(const struct facts *f, unsigned min_build)
{
	return min_build == 0 || (f->build != 0 && f->build >= min_build);
}

static char *
build_text(const struct facts *f)
{
	return f->build ? xasprintf("build %u", f->build) :
	    xstrdup("an unknown build (no SOFTWARE hive)");
}

/*
 * Resolves "auto" and "if supported" against the image's build; refuses an
 * explicit request the build cannot honour.  Returns 0 to write, 1 to leave
 * the row alone, -1 on error.
 */
static int
gate(struct plan *p, struct want *w, const struct facts *f,
    struct strlist *errs)
{
	const struct setting *s = w->s;
	char *bt = build_text(f);
	int r = 0;

	if (w->kind == W_ON && !supported(f, s->min_build)) {
		sl_add(errs, "%s: %s = on: the image is %s; %s needs build %u "
		    "or later", w->origin, s->name, bt, s->name, s->min_build);
		r = -1;
	} else if (w->kind == W_AUTO && !supported(f, s->min_build)) {
		sl_add(&p->notes, "%s: auto: left untouched, the image is %s "
		    "(it needs %u or later)", s->name, bt, s->min_build);
		r = 1;
	} else if (s->kind == SK_BITMAP) {
		for (size_t i = 0; i < nwinhttp_bits; i++) {
			const struct named_bit *b = &winhttp_bits[i];
			if (supported(f, b->min_build))
				continue;
			if (w->number & b->bit) {
				sl_add(errs, "%s: %s: the image is %s; %s needs "
				    "build %u or later", w->origin, s->name, bt,
				    b->name, b->min_build);
				r = -1;
			} else if (w->cond_bits & b->bit)
				sl_add(&p->notes, "%s: %s left out, the image "
				    "is %s", s->name, b->name, bt);
		}
	} else if (s->kind == SK_SUITES) {
		for (size_t i = 0; i < w->nitems; i++) {
			const struct suite *su = suite_find(w->items[i]);
			if (supported(f, su->min_build))
				continue;
			if (!w->cond[i]) {
				sl_add(errs, "%s: %s: the image is %s; %s needs "
				    "build %u or later", w->origin, s->name, bt,
				    su->name, su->min_build);
				r = -1;
			} else
				sl_add(&p->notes, "%s: %s left out, the image "
				    "is %s", s->name, su->name, bt);
		}
	}
	free(bt);
	return r;
}

/* The DWORD a bitmap want comes to on this image. */
static uint32_t
bitmap_value(const struct want *w, const struct facts *f)
{
	uint32_t v = w->number;

	for (size_t i = 0; i < nwinhttp_bits; i++)
		if ((w->cond_bits & winhttp_bits[i].bit) &&
		    supported(f, winhttp_bits[i].min_build))
			v |= winhttp_bits[i].bit;
	return v;
}

static int
want_values(const struct want *w, const struct facts *f, struct regval v[2],
    struct strlist *errs)
{
	struct strbuf sb = { 0 };
	char **kept;
	size_t nk = 0;
	int on = w->kind == W_ON || w->kind == W_AUTO;

	switch (w->s->kind) {
	case SK_PROTOCOL:
		/* The pairs Exchange HealthChecker calls properly
		 * configured: 1/0 enabled, 0/1 disabled. */
		regval_dword(&v[0], on ? 1 : 0);
		regval_dword(&v[1], on ? 0 : 1);
		return 2;
	case SK_SWITCH:
		regval_dword(&v[0], on ? w->s->on : 0);
		return 1;
	case SK_NUMBER:
		regval_dword(&v[0], w->number);
		return 1;
	case SK_BITMAP:
		regval_dword(&v[0], bitmap_value(w, f));
		return 1;
	case SK_SUITES:
	case SK_CURVES:
		kept = xcalloc(w->nitems + 1, sizeof(*kept));
		for (size_t i = 0; i < w->nitems; i++)
			if (w->s->kind == SK_CURVES || !w->cond[i] ||
			    supported(f, suite_find(w->items[i])->min_build))
				kept[nk++] = w->items[i];
		if (w->s->kind == SK_CURVES) {
			regval_multi_sz(&v[0], kept, nk);
			free(kept);
			return 1;
		}
		for (size_t i = 0; i < nk; i++)
			sb_add(&sb, "%s%s", i ? "," : "", kept[i]);
		free(kept);
		if (nk == 0) {
			sl_add(errs, "%s: %s: no suite of the list is supported "
			    "by this image; an empty list would disable TLS",
			    w->origin, w->s->name);
			free(sb.s);
			return -1;
		}
		regval_sz(&v[0], sb.s);
		free(sb.s);
		return 1;
	}
	return -1;
}

int
plan_build(struct plan *p, const struct policy *pol, const struct facts *f,
    struct hive *h[HV_COUNT], struct strlist *errs)
{
	size_t before = errs->n, skipped[HV_COUNT] = { 0 };

	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < pol->n; i++) {
		struct want *w = &pol->w[i];
		const char *names[2];
		struct regval v[2];
		size_t first = p->nt;
		int n;

		if (h[w->s->hive] == NULL) {
			skipped[w->s->hive]++;
			continue;
		}
		if (gate(p, w, f, errs) != 0)
			continue;
		if ((n = want_values(w, f, v, errs)) < 0)
			continue;
		plan_value_names(w->s, names);
		if (add_targets(p, w->s, f, h) == -1) {
			sl_add(errs, "%s", tlsh_errmsg());
			for (int k = 0; k < n; k++)
				regval_free(&v[k]);
			break;
		}
		for (size_t t = first; t < p->nt; t++)
			for (int k = 0; k < n; k++) {
				struct regval c;
				regval_copy(&c, &v[k]);
				add_op(p, t, names[k], &c,
				    (w->s->flags & SF_NONZERO_ON) && w->kind !=
				    W_OFF);
			}
		for (int k = 0; k < n; k++)
			regval_free(&v[k]);
	}
	for (int i = 0; i < HV_COUNT; i++)
		if (skipped[i])
			sl_add(&p->notes, "%s hive not given: %zu setting%s of "
			    "the profile skipped", hive_id_name(i), skipped[i],
			    skipped[i] == 1 ? "" : "s");
	return errs->n > before ? -1 : 0;
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
		regval_free(&p->ops[i].want);
	free(p->t);
	free(p->ops);
	sl_free(&p->notes);
	memset(p, 0, sizeof(*p));
}

static char *
bitmap_text(uint32_t d)
{
	struct strbuf sb = { 0 };
	uint32_t known = 0;

	for (size_t i = 0; i < nwinhttp_bits; i++) {
		known |= winhttp_bits[i].bit;
		if (d & winhttp_bits[i].bit)
			sb_add(&sb, "%s%s", sb.len ? ", " : "",
			    winhttp_bits[i].name);
	}
	if (d & ~known)
		sb_add(&sb, "%sunknown bits 0x%x", sb.len ? ", " : "",
		    d & ~known);
	if (d == 0)
		sb_add(&sb, "none");
	sb_add(&sb, " (0x%x)", d);
	return sb_take(&sb);
}

char *
plan_current(const struct target *t, const char *name)
{
	int idx = strcmp(name, t->s->value) == 0 ? 0 : 1;

	return t->present[idx] ? regval_format(&t->cur[idx]) :
	    xstrdup("absent");
}

char *
plan_state(const struct target *t)
{
	const struct setting *s = t->s;
	uint32_t d, dbd;
	char *str, **m;
	size_t n;

	if (!t->present[0] && !t->present[1])
		return xstrdup("absent");
	if (s->kind == SK_PROTOCOL) {
		int e = t->present[0] && regval_get_dword(&t->cur[0], &d);
		int b = t->present[1] && regval_get_dword(&t->cur[1], &dbd);
		if (e && b && d == 1 && dbd == 0)
			return xstrdup("on");
		if (e && b && d == 0 && dbd == 1)
			return xstrdup("off");
		char *a = plan_current(t, s->value);
		char *c = plan_current(t, DISABLED_BY_DEFAULT);
		str = xasprintf("%s=%s, %s=%s", s->value, a,
		    DISABLED_BY_DEFAULT, c);
		free(a);
		free(c);
		return str;
	}
	if (!t->present[0])
		return xstrdup("absent");
	switch (s->kind) {
	case SK_SWITCH:
		if (!regval_get_dword(&t->cur[0], &d))
			break;
		if (d == 0)
			return xstrdup("off");
		if (d == s->on)
			return xstrdup("on");
		if (s->flags & SF_NONZERO_ON)
			return xasprintf("on (0x%x)", d);
		break;
	case SK_NUMBER:
		if (regval_get_dword(&t->cur[0], &d))
			return xasprintf("%u", d);
		break;
	case SK_BITMAP:
		if (regval_get_dword(&t->cur[0], &d))
			return bitmap_text(d);
		break;
	case SK_SUITES:
		if (t->cur[0].type == REGT_SZ &&
		    (str = regval_get_sz(&t->cur[0])) != NULL)
			return str;
		break;
	case SK_CURVES:
		if ((m = regval_get_multi_sz(&t->cur[0], &n)) != NULL) {
			struct strbuf sb = { 0 };
			for (size_t i = 0; i < n; i++)
				sb_add(&sb, "%s%s", i ? ", " : "", m[i]);
			strv_free(m, n);
			return sb_take(&sb);
		}
		break;
	default:
		break;
	}
	/* A value of the wrong type or an unexpected number: show it raw. */
	return regval_format(&t->cur[0]);
}
