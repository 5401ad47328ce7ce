/* Plan items in words: registry states and each op's before and after. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "policy/plantext.h"

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
			if (n == 0)
				sb_add(&sb, "none");
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

char *
plan_op_before(const struct op *o)
{
	if (o->kind == OP_DELETE_KEY && o->rebuilt && o->key_present)
		return xasprintf("key present with %zu other key%s or value%s",
		    o->extras, o->extras == 1 ? "" : "s", o->extras == 1 ?
		    "" : "s");
	if (o->kind == OP_DELETE_KEY || o->kind == OP_MKKEY)
		return xstrdup(o->key_present ? "key present" : "no key");
	return o->cur_present ? regval_format(&o->cur) : xstrdup("absent");
}

char *
plan_op_after(const struct op *o)
{
	switch (o->kind) {
	case OP_SET:
		return regval_format(&o->want);
	case OP_DELETE_VALUE:
		return xstrdup("absent");
	case OP_DELETE_KEY:
		return xstrdup(o->rebuilt ? "only the keys and values that "
		    "follow" : "no key");
	case OP_MKKEY:
		return xstrdup("key present");
	}
	return xstrdup("?");
}

const char *
plan_op_label(const struct op *o)
{
	return o->s ? o->s->name : o->origin;
}

char *
plan_ignored_text(const struct plan *p, size_t k, const char *lead)
{
	const struct ignored *g = &p->ign[k];
	const struct op *o = &p->ops[g->op];

	for (size_t j = 0; j < k; j++) {
		const struct ignored *e = &p->ign[j];
		if (strcmp(p->ops[e->op].origin, o->origin) == 0 &&
		    strcmp(e->why, g->why) == 0 && (e->item == NULL) ==
		    (g->item == NULL) && (g->item == NULL ||
		    strcmp(e->item, g->item) == 0))
			return NULL;
	}
	return xasprintf("%s: %s\\%s%s%s: %s%s%s%s%s%s", o->origin,
	    hive_id_name(o->hive), o->key, o->name ? "\\" : "", o->name ?
	    (*o->name ? o->name : "@") : "", lead, g->item ? g->item : "",
	    g->item ? ": " : "", g->why, g->closest ? "; closest: " : "",
	    g->closest ? g->closest : "");
}

char *
plan_effect_text(const struct target *t, const struct effect_of *e)
{
	struct target tmp;

	if (e->state != EFF_VALUE)
		return xstrdup(effect_name(e->state));
	/* the value in the row's own words, as if the registry held it */
	tmp = *t;
	tmp.cur[0] = e->value;
	tmp.present[0] = 1;
	tmp.present[1] = 0;
	return plan_state(&tmp);
}
