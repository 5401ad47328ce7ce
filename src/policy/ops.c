/*
 * Building ops: a wanted setting at each place its row lives, and a .reg
 * change at each place it stands for on this image.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/planint.h"

static struct op *
new_op(struct plan *p, enum op_kind kind, enum hive_id hive, const char *key,
    const char *name, const char *origin, unsigned seq)
{
	struct op *o;

	p->ops = xrealloc(p->ops, (p->nops + 1) * sizeof(*p->ops));
	o = &p->ops[p->nops++];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->hive = hive;
	o->key = xstrdup(key);
	o->name = name ? xstrdup(name) : NULL;
	o->target = NO_TARGET;
	o->origin = xstrdup(origin);
	o->seq = seq;
	o->order = p->nops - 1;
	return o;
}

/*
 * The table row a raw value belongs to, so a .reg line that sets a known
 * setting is reported under that setting's name.
 */
static const struct setting *
match_row(enum hive_id hive, const char *key, const char *name)
{
	const char *rest = key, *bs = strchr(key, '\\');

	if (name == NULL)
		return NULL;
	if (bs && ((hive == HV_SYSTEM && strncasecmp(key, "ControlSet", 10) ==
	    0) || (hive == HV_SYSTEM && strncasecmp(key, "CurrentControlSet\\",
	    18) == 0) || (hive == HV_SOFTWARE && strncasecmp(key,
	    "Wow6432Node\\", 12) == 0)))
		rest = bs + 1;
	for (size_t i = 0; i < nsettings; i++) {
		const struct setting *s = &settings[i];
		if (s->hive != hive || strcasecmp(s->key, rest) != 0)
			continue;
		if (strcasecmp(s->value, name) == 0 || (s->kind ==
		    SK_PROTOCOL && strcasecmp(name, DISABLED_BY_DEFAULT) == 0))
			return s;
	}
	return NULL;
}

void
plan_table_ops(struct plan *p, const struct want *w, size_t first, struct regval *v,
    int n)
{
	const char *names[2] = { NULL, NULL };
	size_t nn = setting_value_names(w->s, names);

	/* the row's value names bound the values, whatever want_values made */
	if ((size_t)n > nn)
		n = (int)nn;
	for (size_t t = first; t < p->nt; t++)
		for (int k = 0; k < n; k++) {
			struct op *o = new_op(p, OP_SET, w->s->hive,
			    p->t[t].key, names[k], w->origin, w->seq);
			o->s = w->s;
			o->target = t;
			regval_copy(&o->want, &v[k]);
			o->accept_nonzero = (w->s->flags & SF_NONZERO_ON) &&
			    w->kind != W_OFF && !w->exact && !w->at_least;
			o->at_least = w->at_least;
		}
}

static const enum op_kind regop_kinds[] = {
	[RO_SET] = OP_SET, [RO_DELETE_VALUE] = OP_DELETE_VALUE,
	[RO_DELETE_KEY] = OP_DELETE_KEY, [RO_MKKEY] = OP_MKKEY
};

/* A .reg change at each place it stands for on this image. */
void
plan_raw_ops(struct plan *p, const struct regop *r, const struct facts *f,
    struct hive *h[HV_COUNT], int live, int profile, struct strlist *errs)
{
	size_t n = r->ccs && !live ? f->ncsets : 1;

	/* HKEY_USERS\SID: that profile's own run (PLAN_PROFILE) takes it;
	 * an export for a live machine writes it as it came */
	if (r->hive == HV_USER && r->sid && !profile && !live)
		return;
	if (!live && h[r->hive] == NULL) {
		sl_add(errs, "%s: the image has no %s hive (give --%s)",
		    r->origin, hive_id_name(r->hive), r->hive == HV_SYSTEM ?
		    "system" : r->hive == HV_SOFTWARE ? "software" : "user");
		return;
	}
	/* Checked once per [KEY] line, not again for each value under it. */
	if (!live && r->hive == HV_SYSTEM && !r->ccs &&
	    (r->kind == RO_MKKEY || r->kind == RO_DELETE_KEY) &&
	    strncasecmp(r->key, "ControlSet", 10) == 0) {
		char *top = xstrdup(r->key), *bs = strchr(top, '\\');
		if (bs)
			*bs = '\0';
		if (hive_key_exists(h[HV_SYSTEM], top) != 1)
			sl_add(errs, "%s: the image has no %s", r->origin, top);
		free(top);
	}
	for (size_t i = 0; i < n; i++) {
		char *cs = live ? xstrdup("CurrentControlSet") :
		    facts_cset_name(f->csets[i]);
		/* an export's HKEY_USERS\SID key keeps its SID in front,
		 * so it never settles against HKEY_CURRENT_USER's */
		char *key = r->sid && live ? xasprintf("%s%s%s", r->sid,
		    *r->key ? "\\" : "", r->key) : !r->ccs ? xstrdup(r->key) :
		    *r->key ? xasprintf("%s\\%s", cs, r->key) : xstrdup(cs);
		struct op *o = new_op(p, regop_kinds[r->kind], r->hive, key,
		    r->name, r->origin, r->seq);

		if (r->kind == RO_SET)
			regval_copy(&o->want, &r->val);
		o->sid = live && r->sid ? xstrdup(r->sid) : NULL;
		o->s = match_row(r->hive, key, r->name);
		free(key);
		free(cs);
	}
}

void
plan_op_free(struct op *o)
{
	free(o->key);
	free(o->name);
	free(o->origin);
	free(o->sid);
	free(o->created);
	if (o->kind == OP_SET)
		regval_free(&o->want);
	if (o->cur_present)
		regval_free(&o->cur);
}
