/*
 * Settling and diffing: which ops later sources leave standing, and which
 * of them the hive does not hold yet.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "policy/planint.h"

static int
by_seq(const void *a, const void *b)
{
	const struct op *x = a, *y = b;

	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * Settling looks for keys among the keys of other ops, case-blind, by
 * index rather than pair by pair: an undo file that restores a deleted
 * tree can hold tens of thousands of values.  A key's id is "HIVE|KEY"
 * folded; a value's also carries the key's length, since names may hold
 * any character.
 */
static char *
key_id(enum hive_id hive, const char *key, size_t len)
{
	return str_fold(xasprintf("%d|%.*s", (int)hive, (int)len, key));
}

static char *
value_id_of(enum hive_id hive, const char *key, const char *name)
{
	return str_fold(xasprintf("%d|%zu|%s|%s", (int)hive, strlen(key), key,
	    name));
}

static char *
value_id(const struct op *o)
{
	return value_id_of(o->hive, o->key, o->name);
}

static int
is_value_op(const struct op *o)
{
	return o->kind == OP_SET || o->kind == OP_DELETE_VALUE;
}

/* Is key, or a key above it, in keys? */
static int
nested_in_any(struct strmap *keys, enum hive_id hive, const char *key)
{
	for (size_t n = 0;; n++) {
		if (n == 0 || key[n] == '\\' || key[n] == '\0') {
			char *id = key_id(hive, key, n);
			int hit = sm_get(keys, id, NULL);
			free(id);
			if (hit)
				return 1;
		}
		if (key[n] == '\0')
			return 0;
	}
}

static void
put_id(struct strmap *m, char *id)
{
	sm_put(m, id, 0);
	free(id);
}

/* Puts the key and every key above it (the root as ""). */
static void
put_key_and_above(struct strmap *m, enum hive_id hive, const char *key)
{
	for (size_t n = 0;; n++) {
		if (n == 0 || key[n] == '\\' || key[n] == '\0')
			put_id(m, key_id(hive, key, n));
		if (key[n] == '\0')
			return;
	}
}

static int
has_id(struct strmap *m, char *id)
{
	int r = sm_get(m, id, NULL);

	free(id);
	return r;
}

/*
 * Later sources win: an op is moot once a later one (by source order,
 * not within one source line) deletes its key or a key above it, or sets
 * or deletes the same value.
 */
void
plan_settle(struct plan *p)
{
	struct strmap *del = sm_new(), *val = sm_new(), *mk = sm_new();
	unsigned char *dead = xcalloc(p->nops + 1, 1);
	size_t k = 0;

	if (p->nops > 1)
		qsort(p->ops, p->nops, sizeof(*p->ops), by_seq);
	for (size_t end = p->nops; end > 0;) {
		size_t start = end - 1;
		while (start > 0 && p->ops[start - 1].seq == p->ops[end - 1].seq)
			start--;
		for (size_t i = start; i < end; i++) {
			const struct op *o = &p->ops[i];
			dead[i] = nested_in_any(del, o->hive, o->key) ||
			    (is_value_op(o) && has_id(val, value_id(o)));
		}
		for (size_t i = start; i < end; i++) {
			const struct op *o = &p->ops[i];
			if (o->kind == OP_DELETE_KEY)
				put_id(del, key_id(o->hive, o->key,
				    strlen(o->key)));
			else if (o->kind != OP_MKKEY)
				put_id(val, value_id(o));
		}
		end = start;
	}
	/* Of the same key made again with no deletion between (else the
	 * first would be dead), the first stays: it gives the key its
	 * spelling, as in regedit. */
	for (size_t i = 0; i < p->nops; i++)
		if (!dead[i] && p->ops[i].kind == OP_MKKEY) {
			char *id = key_id(p->ops[i].hive, p->ops[i].key,
			    strlen(p->ops[i].key));
			dead[i] = sm_get(mk, id, NULL);
			put_id(mk, id);
		}
	for (size_t i = 0; i < p->nops; i++)
		if (dead[i])
			plan_op_free(&p->ops[i]);
		else
			p->ops[k++] = p->ops[i];
	p->nops = k;
	sm_free(del);
	sm_free(val);
	sm_free(mk);
	free(dead);
}

/* The topmost key on the way to key that does not exist yet. */
static int
first_missing(struct hive *h, const char *key, char **out)
{
	char *copy = xstrdup(key);
	int r = 1;

	*out = NULL;
	for (char *bs = copy;; bs++) {
		bs = strchr(bs, '\\');
		if (bs)
			*bs = '\0';
		if ((r = hive_key_exists(h, copy)) != 1) {
			if (r == 0)
				*out = xstrdup(copy);
			break;
		}
		if (bs == NULL)
			break;
		*bs = '\\';
	}
	free(copy);
	return r == -1 ? -1 : 0;
}

/* Marks the ops below a key that an earlier op deletes for real. */
static void
mark_under_deleted(struct plan *p)
{
	struct strmap *del = sm_new();

	for (size_t start = 0; start < p->nops;) {
		size_t end = start + 1;
		while (end < p->nops && p->ops[end].seq == p->ops[start].seq)
			end++;
		for (size_t i = start; i < end; i++)
			p->ops[i].under_deleted = nested_in_any(del,
			    p->ops[i].hive, p->ops[i].key);
		for (size_t i = start; i < end; i++)
			if (p->ops[i].kind == OP_DELETE_KEY && p->ops[i].needed)
				put_id(del, key_id(p->ops[i].hive,
				    p->ops[i].key, strlen(p->ops[i].key)));
		start = end;
	}
	sm_free(del);
}

/* What the changes after the deletions leave, by folded id. */
struct after_delete {
	struct strmap *keys;	/* keys that SET and MKKEY ops make */
	struct strmap *vals;	/* values that SET ops write */
	struct strmap *gone;	/* values and keys later ops delete */
	enum hive_id hive;
	size_t base;		/* length of the deleted key's path */
	size_t extras;
};

/* Is key, or a key between the deleted one and it, deleted again later? */
static int
deleted_again(struct after_delete *a, const char *key)
{
	for (size_t n = a->base + 1;; n++) {
		if (key[n - 1] == '\0')
			return 0;
		if (key[n] == '\\' || key[n] == '\0') {
			char *id = key_id(a->hive, key, n);
			int hit = sm_get(a->gone, id, NULL);
			free(id);
			if (hit)
				return 1;
		}
	}
}

static int
count_extra(void *ctx, const char *key, const char *name,
    const struct regval *val)
{
	struct after_delete *a = ctx;

	(void)val;
	if (deleted_again(a, key))
		return 0;
	if (name == NULL)
		a->extras += !has_id(a->keys, key_id(a->hive, key,
		    strlen(key)));
	else
		a->extras += !has_id(a->vals, value_id_of(a->hive, key,
		    name)) && !has_id(a->gone, value_id_of(a->hive, key, name));
	return 0;
}

/*
 * "[-KEY]" followed by keys and values below it is how a .reg says
 * "exactly these".  Such a deletion is needed only when the key holds
 * something the later changes do not make (nor delete themselves); when
 * it holds nothing more, the later changes are compared one by one like
 * any other, so check can pass and a second apply finds nothing to do.
 * A needed deletion rebuilds the key: apply writes everything that
 * follows below it.
 */
static int
settle_deletions(struct plan *p, struct hive *h[HV_COUNT])
{
	struct after_delete a = { sm_new(), sm_new(), sm_new(), 0, 0, 0 };
	int r = 0;

	for (size_t i = 0; i < p->nops; i++) {
		const struct op *o = &p->ops[i];
		if (o->kind == OP_DELETE_KEY)
			put_id(a.gone, key_id(o->hive, o->key, strlen(o->key)));
		else if (o->kind == OP_DELETE_VALUE)
			put_id(a.gone, value_id(o));
		else {
			put_key_and_above(a.keys, o->hive, o->key);
			if (o->kind == OP_SET)
				put_id(a.vals, value_id(o));
		}
	}
	for (size_t i = 0; i < p->nops && r == 0; i++) {
		struct op *o = &p->ops[i];
		if (o->kind != OP_DELETE_KEY || !(o->rebuilt = has_id(a.keys,
		    key_id(o->hive, o->key, strlen(o->key)))) || !o->key_present)
			continue;
		a.hive = o->hive;
		a.base = strlen(o->key);
		a.extras = 0;
		if ((r = hive_walk(h[o->hive], o->key, count_extra, &a)) == 0) {
			o->extras = a.extras;
			o->needed = a.extras > 0;
		}
	}
	sm_free(a.keys);
	sm_free(a.vals);
	sm_free(a.gone);
	if (r == 0)
		mark_under_deleted(p);
	return r == 0 ? 0 : -1;
}

/*
 * A key that a written value creates anyway is no change of its own; the
 * rest are counted.
 */
static void
count_needed(struct plan *p)
{
	struct strmap *written = sm_new();

	for (size_t i = 0; i < p->nops; i++) {
		const struct op *o = &p->ops[i];
		if (o->kind == OP_SET && o->needed)
			put_key_and_above(written, o->hive, o->key);
	}
	for (size_t i = 0; i < p->nops; i++) {
		struct op *o = &p->ops[i];
		if (o->kind == OP_MKKEY && o->needed && has_id(written,
		    key_id(o->hive, o->key, strlen(o->key))))
			o->needed = 0;
		p->nneeded += o->needed;
	}
	sm_free(written);
}

int
plan_read_state(struct plan *p, struct hive *h[HV_COUNT])
{
	for (size_t i = 0; i < p->nops; i++) {
		struct op *o = &p->ops[i];
		struct hive *hv = h[o->hive];
		uint32_t d, m;
		int r;

		if (o->target != NO_TARGET) {
			/* the target read this value already */
			const struct target *t = &p->t[o->target];
			int k = strcmp(o->name, t->s->value) == 0 ? 0 : 1;
			if (t->present[k]) {
				regval_copy(&o->cur, &t->cur[k]);
				o->cur_present = 1;
				o->key_present = 1;
			} else if ((r = hive_key_exists(hv, o->key)) == -1)
				return -1;
			else
				o->key_present = r;
		} else {
			if ((r = hive_key_exists(hv, o->key)) == -1)
				return -1;
			o->key_present = r;
			if (r && o->name) {
				if ((r = hive_get(hv, o->key, o->name,
				    &o->cur)) == -1)
					return -1;
				o->cur_present = r;
			}
		}
		switch (o->kind) {
		case OP_SET:
			o->needed = !o->cur_present ||
			    !(regval_equal(&o->cur, &o->want) ||
			    (o->accept_nonzero && regval_get_dword(&o->cur, &d) &&
			    d != 0) || (o->at_least && regval_get_dword(&o->cur,
			    &d) && regval_get_dword(&o->want, &m) && d >= m));
			break;
		case OP_DELETE_VALUE:
			o->needed = o->cur_present;
			break;
		case OP_DELETE_KEY:
			o->needed = o->key_present;
			break;
		case OP_MKKEY:
			o->needed = !o->key_present;
			break;
		}
	}
	if (settle_deletions(p, h) == -1)
		return -1;
	for (size_t i = 0; i < p->nops; i++) {
		struct op *o = &p->ops[i];
		if (o->needed && !o->key_present && !o->under_deleted &&
		    (o->kind == OP_SET || o->kind == OP_MKKEY) &&
		    first_missing(h[o->hive], o->key, &o->created) == -1)
			return -1;
	}
	count_needed(p);
	return 0;
}
