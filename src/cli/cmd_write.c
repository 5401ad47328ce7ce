/*
 * What apply writes: the plan's ops into the hives in memory, the commit
 * that puts them on disk, the undo file first, and the image's own
 * writes last.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/cmdint.h"
#include "regf/commit.h"
#include "regf/hive.h"
#include "cli/regwrite.h"

static int
run_op(struct hive *h, const struct op *o)
{
	switch (o->kind) {
	case OP_SET:		/* its key now; the values a key at a time */
	case OP_MKKEY:
		return hive_mkkey(h, o->key);
	case OP_DELETE_VALUE:
		return hive_delete_value(h, o->key, o->name);
	case OP_DELETE_KEY:
		return hive_delete_key(h, o->key);
	}
	return -1;
}

/* What the written hive must hold for op; 0 if nothing can be said. */
static int
expect(const struct op *o, struct hive_expect *ex)
{
	static const struct regval any;

	ex->key = o->key;
	ex->name = o->name;
	switch (o->kind) {
	case OP_SET:
		ex->val = o->needed || !o->cur_present || o->under_deleted ?
		    &o->want : &o->cur;
		return 1;
	case OP_DELETE_VALUE:
		ex->val = NULL;
		return 1;
	case OP_MKKEY:
		ex->val = &any;
		return 1;
	case OP_DELETE_KEY:
		/* unless later changes put the key back */
		ex->val = NULL;
		return !o->rebuilt;
	}
	return 0;
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

static int
by_key(const void *a, const void *b, void *plan)
{
	const struct plan *p = plan;
	const struct op *x = &p->ops[*(const size_t *)a];
	const struct op *y = &p->ops[*(const size_t *)b];
	int c = (int)x->hive - (int)y->hive;

	if (c == 0)
		c = strcasecmp(x->key, y->key);
	if (c == 0)
		c = *(const size_t *)a < *(const size_t *)b ? -1 : 1;
	return c;
}

/* The needed values, a key at a time (see hive_set_values), in plan order. */
static int
set_values(const struct plan *p, struct hive *h[])
{
	size_t *idx = xcalloc(p->nops + 1, sizeof(*idx)), n = 0;
	const char **names = xcalloc(p->nops + 1, sizeof(*names));
	const struct regval **vals = xcalloc(p->nops + 1, sizeof(*vals));
	int r = 0;

	for (size_t i = 0; i < p->nops; i++)
		if (runs(&p->ops[i]) && p->ops[i].kind == OP_SET)
			idx[n++] = i;
	qsort_r(idx, n, sizeof(*idx), by_key, (void *)p);
	for (size_t i = 0, j; i < n && r == 0; i = j) {
		const struct op *o = &p->ops[idx[i]];
		for (j = i; j < n && p->ops[idx[j]].hive == o->hive &&
		    strcasecmp(p->ops[idx[j]].key, o->key) == 0; j++) {
			names[j - i] = p->ops[idx[j]].name;
			vals[j - i] = &p->ops[idx[j]].want;
		}
		r = hive_set_values(h[o->hive], o->key, j - i, names, vals);
	}
	free(idx);
	free(names);
	free(vals);
	return r;
}

/*
 * Key deletions first, then value deletions, then everything that writes:
 * the plan has already settled which change wins.  Keys are made in plan
 * order, so a key takes the spelling of the first change that names it,
 * as regedit gives it; values follow a key at a time.  The changed hives
 * then go to disk together (commit.h).
 */
int
commit(struct plan *p, struct hive *h[], const struct facts *f)
{
	static const enum op_kind phase[][2] = {
		{ OP_DELETE_KEY, OP_DELETE_KEY },
		{ OP_DELETE_VALUE, OP_DELETE_VALUE },
		{ OP_SET, OP_MKKEY }
	};
	struct hive_expect *ex[HV_COUNT] = { 0 };
	struct hive *hs[HV_COUNT];
	size_t nex[HV_COUNT] = { 0 }, n = 0;
	int changed[HV_COUNT] = { 0 }, rc = -1;
	struct strlist notes = { 0 };

	for (size_t i = 0; i < p->nops; i++)
		if (p->ops[i].needed && !changed[p->ops[i].hive]) {
			if (hive_make_writable(h[p->ops[i].hive]) == -1)
				goto fail;
			changed[p->ops[i].hive] = 1;
		}
	for (size_t ph = 0; ph < 3; ph++)
		for (size_t i = 0; i < p->nops; i++) {
			struct op *o = &p->ops[i];
			/* a key a value below it makes anyway still comes
			 * first, to give the key its spelling */
			if ((!runs(o) && o->kind != OP_MKKEY) ||
			    (o->kind != phase[ph][0] && o->kind != phase[ph][1]))
				continue;
			if (run_op(h[o->hive], o) == -1)
				goto fail;
			changed[o->hive] |= runs(o);
		}
	if (set_values(p, h) == -1)
		goto fail;
	for (int hv = 0; hv < HV_COUNT; hv++) {
		if (!changed[hv])
			continue;
		ex[n] = xcalloc(p->nops + 1, sizeof(**ex));
		for (size_t i = 0; i < p->nops; i++)
			if (p->ops[i].hive == (enum hive_id)hv &&
			    expect(&p->ops[i], &ex[n][nex[n]]))
				nex[n]++;
		hs[n++] = h[hv];
	}
	if (commit_hives(hs, n, (const struct hive_expect *const *)ex, nex,
	    facts_log_format(f), &notes) == -1)
		goto fail;
	rc = 0;
	goto out;
fail:
	say("%s\n", tlsh_errmsg());
	for (size_t i = 0; i < notes.n; i++)
		say("%s\n", notes.v[i]);
out:
	for (size_t i = 0; i < n; i++)
		free(ex[i]);
	sl_free(&notes);
	return rc;
}


int
write_undo(const char *path, const struct plan *p, struct hive *h[],
    const struct pass *ps, size_t nps)
{
	struct regdoc d;
	unsigned char *bytes;
	size_t len;
	int r;

	regdoc_init(&d);
	regdoc_comment(&d, "tlshive undo file: applying it with tlshive "
	    "restores the hives as they were before the apply that wrote it");
	r = reg_undo(&d, p, h);
	/* the other profiles' hives, each under its HKEY_USERS\SID */
	for (size_t i = 0; i < nps && r == 0; i++) {
		d.user_root = ps[i].root;
		r = reg_undo(&d, &ps[i].p, (struct hive **)ps[i].h);
		d.user_root = NULL;
	}
	if (r == -1) {
		say("%s\n", tlsh_errmsg());
		regdoc_free(&d);
		return -1;
	}
	bytes = regdoc_encode(&d, 0, &len);
	regdoc_free(&d);
	r = reg_save(path, bytes, len);
	free(bytes);
	if (r == -1)
		say("%s; nothing written\n",
		    tlsh_errmsg());
	return r;
}

/*
 * What the image wrote made durable, once every file of it is closed (a
 * disk image's volume and its journal): the hives go first.
 */
int
image_done(struct image *img, struct hive *h[])
{
	for (int i = 0; i < HV_COUNT; i++) {
		hive_close(h[i]);
		h[i] = NULL;
	}
	if (image_commit(img) == -1) {
		say("%s\n", tlsh_errmsg());
		return -1;
	}
	return 0;
}
