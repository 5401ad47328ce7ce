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
		return add_target(p, s, s->key, "", h[HV_SOFTWARE]);
	if (add_target(p, s, s->key, "64-bit", h[HV_SOFTWARE]) == -1)
		return -1;
	key = xasprintf("Wow6432Node\\%s", s->key);
	r = add_target(p, s, key, "32-bit", h[HV_SOFTWARE]);
	free(key);
	return r;
}

static void check_prereqs(struct plan *, const struct policy *,
    const struct facts *);

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
	check_prereqs(p, NULL, f);
	return 0;
}

static int
supported(const struct facts *f, unsigned min_build)
{
	return min_build == 0 || (f->build != 0 && f->build >= min_build);
}

static char *
build_text(const struct facts *f)
{
	char *n, *s;

	if (f->build == 0)
		return xstrdup(f->have[HV_SOFTWARE] ? "of unknown build" :
		    "of unknown build (no SOFTWARE hive)");
	n = facts_name(f);
	s = xasprintf("%s (build %u)", n, f->build);
	free(n);
	return s;
}

/*
 * Why the image cannot run a protocol row, or NULL when it can (or when
 * the build is unknown and the row has no minimum).
 */
static char *
protocol_lack(const struct setting *s, const struct facts *f)
{
	const struct proto_default *d;
	const char *src;

	if (s->kind != SK_PROTOCOL)
		return NULL;
	if (s->min_build && !supported(f, s->min_build))
		return xasprintf("%s needs build %u or later", s->name,
		    s->min_build);
	if (f->build == 0)
		return NULL;
	if ((d = proto_default_row(s, f->build)) != NULL && d->kb &&
	    !facts_has_kb(f, d->kb))
		return xasprintf("it has %s only with update KB%u, which is "
		    "not installed", s->group, d->kb);
	if (os_default(s, f->build, &src) == EFF_UNSUPPORTED)
		return xasprintf("%s does not exist on this build", s->group);
	return NULL;
}

/*
 * Resolves "auto" and "if supported" against the image's build; refuses an
 * explicit request the build cannot honour.  Returns 0 to write, 1 to leave
 * the row alone, -1 on error.
 */
static void warn(struct plan *, uint32_t, const char *);

/*
 * A cipher-suite list that leaves a server with an RSA certificate (IIS,
 * RDP's self-signed one) nothing to offer: only ECDSA suites, and no
 * TLS 1.3 suite (which works with any certificate) on a build with them.
 */
static void
warn_rsa(struct plan *p, const struct want *w, const struct facts *f)
{
	for (size_t i = 0; i < w->nitems; i++) {
		const char *n = w->items[i];
		int tls13 = strncasecmp(n, "TLS_AES_", 8) == 0 ||
		    strncasecmp(n, "TLS_CHACHA20_", 13) == 0;

		if (suite_supported(n, f->build) != 0 &&
		    (tls13 || suite_has_words(n, "RSA")))
			return;
	}
	warn(p, 0, "cipher-suites: the list has no suite a server with an "
	    "RSA certificate can use (IIS, Remote Desktop's self-signed "
	    "certificate): such servers will refuse every TLS connection");
}

/*
 * Suites Windows 7 and Server 2008 R2 have only with update 3042058
 * (advisory 3042058): without it Schannel skips them.
 */
static void
warn_kb7(struct plan *p, const struct want *w, const struct facts *f)
{
	if (f->build != 7600 && f->build != 7601)
		return;
	for (size_t i = 0; i < w->nitems; i++) {
		const struct suite *su = suite_find(w->items[i]);
		if (su && su->kb7 && !facts_has_kb(f, su->kb7)) {
			char *t = xasprintf("cipher-suites: %s exists on Windows "
			    "7 and Server 2008 R2 only with update 3042058",
			    w->items[i]);
			warn(p, su->kb7, t);
			free(t);
			return;
		}
	}
}

static int
gate(struct plan *p, struct want *w, const struct facts *f, int flags,
    struct strlist *errs)
{
	const struct setting *s = w->s;
	char *bt = build_text(f);
	int r = 0;

	char *lack = w->kind == W_OFF ? NULL : protocol_lack(s, f);

	/* HealthChecker (CSS-Exchange) fails an Exchange server whose
	 * TLS 1.3 is anything but disabled */
	if (f->exchange && s->group && strcmp(s->group, TLS13_GROUP) == 0 &&
	    w->kind != W_OFF && lack == NULL) {
		if (w->kind == W_AUTO) {
			sl_add(&p->notes, "%s: auto: left untouched: Exchange "
			    "Server is installed, and its HealthChecker wants "
			    "TLS 1.3 disabled", s->name);
			free(bt);
			return 1;
		}
		if (!(flags & PLAN_FORCE)) {
			sl_add(errs, "%s: %s = on: Exchange Server is installed, "
			    "and its HealthChecker fails a server whose TLS 1.3 "
			    "is not disabled; give --force to write it anyway",
			    w->origin, s->name);
			free(bt);
			return -1;
		}
		warn(p, 0, "TLS 1.3 turned on although Exchange Server is "
		    "installed: its HealthChecker reports that as an error");
	}
	/* A .reg for a Windows of unknown build cannot know which suites,
	 * curves and protocols exist there: a list without the TLS 1.3
	 * suites silently turns TLS 1.3 off on Server 2022. */
	if ((flags & PLAN_LIVE) && f->build == 0 && (w->kind == W_AUTO ||
	    s->kind == SK_SUITES || s->kind == SK_CURVES ||
	    (s->kind == SK_BITMAP && w->cond_bits))) {
		sl_add(errs, "%s: %s: its value depends on the Windows build; "
		    "give the image, or --os NAME|BUILD (for example --os "
		    "2022, --os win7, --os 20348)", w->origin, s->name);
		free(lack);
		free(bt);
		return -1;
	}
	if (w->kind == W_ON && lack) {
		sl_add(errs, "%s: %s = on: the image is %s; %s", w->origin,
		    s->name, bt, lack);
		r = -1;
	} else if (w->kind == W_AUTO && lack) {
		sl_add(&p->notes, "%s: auto: left untouched, the image is %s; "
		    "%s", s->name, bt, lack);
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
		int unchecked = 0;
		for (size_t i = 0; i < w->nitems; i++) {
			int ok = suite_supported(w->items[i], f->build);
			const char *hint;
			if (ok == 1)
				continue;
			if (ok == -1) {
				unchecked = 1;
				continue;
			}
			if (w->cond[i]) {
				sl_add(&p->notes, "%s: %s left out, the image "
				    "is %s", s->name, w->items[i], bt);
				continue;
			}
			hint = suite_suggest_on(w->items[i], f->build);
			sl_add(errs, "%s: %s: the image is %s, which has no %s%s"
			    "%s%s", w->origin, s->name, bt, w->items[i],
			    hint ? "; closest it has: " : "", hint ? hint : "",
			    "");
			r = -1;
		}
		if (unchecked)
			sl_add(&p->notes, "%s: tlshive has no suite table for "
			    "the image (%s); names not checked against it",
			    s->name, bt);
		warn_kb7(p, w, f);
		warn_rsa(p, w, f);
	} else if (s->kind == SK_CURVES && f->build && f->build < BUILD_WIN10_1607) {
		sl_add(&p->notes, "%s: left untouched, the image is %s: the "
		    "curve order exists from Windows 10 1607 on (before, the "
		    "curve is part of each suite's name)", s->name, bt);
		r = 1;
	} else if (s->kind == SK_CURVES) {
		for (size_t i = 0; i < w->nitems; i++) {
			const struct curve *cv = curve_find(w->items[i]);
			if (supported(f, cv->min_build))
				continue;
			if (w->cond[i])
				sl_add(&p->notes, "%s: %s left out, the image "
				    "is %s", s->name, cv->name, bt);
			else if (f->build) {
				sl_add(errs, "%s: %s: the image is %s; %s needs "
				    "build %u or later", w->origin, s->name, bt,
				    cv->name, cv->min_build);
				r = -1;
			}
		}
	}
	free(lack);
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
has_name(char **v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(v[i], name) == 0)
			return 1;
	return 0;
}

/*
 * The Functions value for this image: suites it lacks dropped where marked
 * "if supported"; before Windows 10 each ECDHE suite spelt with the curves
 * that Windows enables by default (_P256, _P384), from Windows 10 on
 * without them (the curve order is its own setting); duplicates dropped.
 * With TLS 1.3 on (build 20348 and later) a list without a TLS 1.3 suite
 * would turn it off without a word, and is refused.
 */
static int
suites_value(const struct want *w, const struct facts *f, int tls13_off,
    struct regval *v, struct strlist *errs)
{
	static const char *const sfx[] = { "_P256", "_P384", "_P521" };
	struct strbuf sb = { 0 };
	char **out = NULL;
	size_t n = 0, total = 0;
	int tls13 = 0;

	for (size_t i = 0; i < w->nitems; i++) {
		const struct suite *s = suite_find(w->items[i]);
		int bits;

		if (w->cond[i] && suite_supported(w->items[i], f->build) == 0)
			continue;
		tls13 |= s->min_build >= BUILD_TLS13;
		if (f->build >= BUILD_WIN10_1507 || f->build == 0 ||
		    strcasecmp(w->items[i], s->name) != 0 ||
		    !(s->on81 & (C256 | C384 | C521))) {
			const char *name = f->build >= BUILD_WIN10_1507 ? s->name :
			    w->items[i];
			if (!has_name(out, n, name)) {
				out = xrealloc(out, (n + 1) * sizeof(*out));
				out[n++] = xstrdup(name);
			}
			continue;
		}
		bits = s->def81 ? s->def81 : s->on81;
		for (int c = 0; c < 3; c++) {
			char *name;
			if (!(bits & (1 << c)))
				continue;
			name = xasprintf("%s%s", s->name, sfx[c]);
			if (has_name(out, n, name)) {
				free(name);
				continue;
			}
			out = xrealloc(out, (n + 1) * sizeof(*out));
			out[n++] = name;
		}
	}
	if (f->build >= BUILD_TLS13 && !tls13 && !tls13_off) {
		sl_add(errs, "%s: %s: on build %u with TLS 1.3 on, a list "
		    "without TLS_AES_256_GCM_SHA384 or TLS_AES_128_GCM_SHA256 "
		    "turns TLS 1.3 off without a word; add them, or set "
		    "TLS 1.3 = off", w->origin, w->s->name, f->build);
		strv_free(out, n);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		sb_add(&sb, "%s%s", i ? "," : "", out[i]);
		total += strlen(out[i]) + (i > 0);
	}
	strv_free(out, n);
	if (n == 0 || total > SUITES_MAX_CHARS) {
		sl_add(errs, "%s: %s: %s", w->origin, w->s->name, n == 0 ?
		    "no suite of the list is supported by this image; an "
		    "empty list would disable TLS" : "the list as this image "
		    "spells it is longer than the 1023 characters Windows "
		    "reads");
		free(sb.s);
		return -1;
	}
	regval_sz(v, sb.s);
	free(sb.s);
	return 1;
}

static int
want_values(const struct want *w, const struct facts *f, int tls13_off,
    struct regval v[2], struct strlist *errs)
{
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
	case SK_CURVES:
		kept = xcalloc(w->nitems + 1, sizeof(*kept));
		for (size_t i = 0; i < w->nitems; i++)
			if (!w->cond[i] || supported(f,
			    curve_find(w->items[i])->min_build))
				kept[nk++] = w->items[i];
		regval_multi_sz(&v[0], kept, nk);
		free(kept);
		return 1;
	case SK_SUITES:
		return suites_value(w, f, tls13_off, v, errs);
	}
	return -1;
}

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

static void
table_ops(struct plan *p, const struct want *w, size_t first, struct regval *v,
    int n)
{
	const char *names[2] = { NULL, NULL };
	size_t nn = plan_value_names(w->s, names);

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
			    w->kind != W_OFF;
		}
}

static const enum op_kind regop_kinds[] = {
	[RO_SET] = OP_SET, [RO_DELETE_VALUE] = OP_DELETE_VALUE,
	[RO_DELETE_KEY] = OP_DELETE_KEY, [RO_MKKEY] = OP_MKKEY
};

/* A .reg change at each place it stands for on this image. */
static void
raw_ops(struct plan *p, const struct regop *r, const struct facts *f,
    struct hive *h[HV_COUNT], int live, struct strlist *errs)
{
	size_t n = r->ccs && !live ? f->ncsets : 1;

	if (!live && h[r->hive] == NULL) {
		sl_add(errs, "%s: the image has no %s hive (give --%s)",
		    r->origin, hive_id_name(r->hive), r->hive == HV_SYSTEM ?
		    "system" : "software");
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
		char *key = !r->ccs ? xstrdup(r->key) : *r->key ?
		    xasprintf("%s\\%s", cs, r->key) : xstrdup(cs);
		struct op *o = new_op(p, regop_kinds[r->kind], r->hive, key,
		    r->name, r->origin, r->seq);

		if (r->kind == RO_SET)
			regval_copy(&o->want, &r->val);
		o->s = match_row(r->hive, key, r->name);
		free(key);
		free(cs);
	}
}

static int
by_seq(const void *a, const void *b)
{
	const struct op *x = a, *y = b;

	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static void
op_free(struct op *o)
{
	free(o->key);
	free(o->name);
	free(o->origin);
	free(o->created);
	if (o->kind == OP_SET)
		regval_free(&o->want);
	if (o->cur_present)
		regval_free(&o->cur);
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
static void
settle(struct plan *p)
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
			op_free(&p->ops[i]);
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

static int
read_state(struct plan *p, struct hive *h[HV_COUNT])
{
	for (size_t i = 0; i < p->nops; i++) {
		struct op *o = &p->ops[i];
		struct hive *hv = h[o->hive];
		uint32_t d;
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
			    d != 0));
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

static void
warn(struct plan *p, uint32_t kb, const char *what)
{
	char *text = kb ? xasprintf("%s, and KB%u is not installed (a monthly "
	    "rollup may carry it)", what, kb) : xstrdup(what);

	for (size_t i = 0; i < p->nwarn; i++)
		if (strcmp(p->warn[i].text, text) == 0) {
			free(text);
			return;
		}
	p->warn = xrealloc(p->warn, (p->nwarn + 1) * sizeof(*p->warn));
	p->warn[p->nwarn].kb = kb;
	p->warn[p->nwarn++].text = text;
}

/* Does the row lie at or below key (and, with value, is it that value)? */
static int
row_below(const struct setting *s, const struct prereq *r)
{
	size_t n = strlen(r->key);

	return s->hive == r->hive && strncasecmp(s->key, r->key, n) == 0 &&
	    (s->key[n] == '\0' || s->key[n] == '\\') && (r->value == NULL ||
	    strcasecmp(s->value, r->value) == 0);
}

/*
 * Updates the image lacks for what the policy writes, or with pol NULL
 * (show) for anything the table knows on this build.
 */
static void
check_prereqs(struct plan *p, const struct policy *pol, const struct facts *f)
{
	if (!f->have[HV_SOFTWARE] || f->build == 0)
		return;
	for (size_t i = 0; i < nprereqs; i++) {
		const struct prereq *r = &prereqs[i];
		int wanted = pol == NULL;

		/* show lists updates to install, not values a build ignores */
		if ((pol == NULL && (r->kb == 0 || r->off_only)) ||
		    f->build < r->from || (r->to != 0 && f->build > r->to) ||
		    (r->release_from != 0 && (f->dotnet4_release <
		    r->release_from || f->dotnet4_release > r->release_to)) ||
		    (r->kb && facts_has_kb(f, r->kb)))
			continue;
		for (size_t k = 0; pol && k < pol->n && !wanted; k++)
			wanted = row_below(pol->w[k].s, r) && (!r->off_only ||
			    pol->w[k].kind == W_OFF);
		if (wanted)
			warn(p, r->kb, r->what);
	}
	/* protocols that exist only with an update (TLS 1.1 and 1.2 on
	 * Server 2008 SP2); check and apply say so where a profile asks */
	for (size_t i = 0; pol == NULL && i < nsettings; i++) {
		const struct proto_default *d = proto_default_row(&settings[i],
		    f->build);
		if (d && d->kb && !facts_has_kb(f, d->kb)) {
			char *w = xasprintf("%s exists on this build only with "
			    "update KB%u", d->proto, d->kb);
			warn(p, d->kb, w);
			free(w);
		}
	}
}

/*
 * Each op's verdict.  A wanted value that is absent but whose Windows
 * default already gives the wanted effect complies implicitly: check
 * lists it apart (and counts it with --explicit); apply still writes it,
 * since scanners and HealthChecker read the registry and defaults move
 * with updates.
 */
static enum verdict
verdict_of(const struct op *o, const struct target *t, const struct facts *f)
{
	struct effect_of e;
	enum verdict v = V_DIFFERS;
	uint32_t want;

	if (!o->needed)
		return V_COMPLIANT;
	if (t == NULL || o->kind != OP_SET || o->cur_present)
		return V_DIFFERS;
	plan_effect(t, f, &e);
	/* for a protocol, what Windows does without the value is the
	 * question; other rows are simply not set */
	if (t->s->kind == SK_PROTOCOL && e.state == EFF_UNKNOWN)
		v = V_UNKNOWN;
	else if (t->s->kind == SK_PROTOCOL && regval_get_dword(&o->want,
	    &want)) {
		/* the op's pair says on (Enabled=1) or off */
		int on = strcmp(o->name, t->s->value) == 0 ? want != 0 :
		    want == 0;
		if (on && e.state == EFF_ENABLED)
			v = V_IMPLICIT;
		else if (!on && e.state == EFF_DISABLED)
			v = V_IMPLICIT;
		else if (!on && e.state == EFF_UNSUPPORTED)
			v = V_UNSUPPORTED;
	} else if (t->s->kind == SK_SWITCH && regval_get_dword(&o->want,
	    &want)) {
		if ((want != 0) == (e.state == EFF_ENABLED) &&
		    (e.state == EFF_ENABLED || e.state == EFF_DISABLED))
			v = V_IMPLICIT;
	} else if (t->s->kind == SK_BITMAP && e.source == SRC_DEFAULT) {
		struct target tmp = *t;
		char *want_text;

		tmp.cur[0] = o->want;
		tmp.present[0] = 1;
		want_text = plan_state(&tmp);
		if (strcmp(e.text, want_text) == 0)
			v = V_IMPLICIT;
		free(want_text);
	}
	plan_effect_free(&e);
	return v;
}

static void
assign_verdicts(struct plan *p, const struct facts *f)
{
	memset(p->nverdict, 0, sizeof(p->nverdict));
	for (size_t i = 0; i < p->nops; i++) {
		struct op *o = &p->ops[i];
		o->verdict = verdict_of(o, o->target == NO_TARGET ? NULL :
		    &p->t[o->target], f);
		p->nverdict[o->verdict]++;
	}
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
		if (gate(p, w, f, flags, errs) != 0)
			continue;
		if ((n = want_values(w, f, tls13_off, v, errs)) < 0)
			continue;
		if (add_targets(p, w->s, f, h, live) == -1) {
			sl_add(errs, "%s", tlsh_errmsg());
			for (int k = 0; k < n; k++)
				regval_free(&v[k]);
			break;
		}
		table_ops(p, w, first, v, n);
		for (int k = 0; k < n; k++)
			regval_free(&v[k]);
	}
	for (size_t i = 0; i < pol->nr; i++)
		raw_ops(p, &pol->r[i], f, h, live, errs);
	for (int i = 0; i < HV_COUNT; i++)
		if (skipped[i])
			sl_add(&p->notes, "%s hive not given: %zu setting%s of "
			    "the profile skipped", hive_id_name(i), skipped[i],
			    skipped[i] == 1 ? "" : "s");
	if (errs->n > before)
		return -1;
	settle(p);
	if (!live && read_state(p, h) == -1) {
		sl_add(errs, "%s", tlsh_errmsg());
		return -1;
	}
	if (!live) {
		assign_verdicts(p, f);
		check_prereqs(p, pol, f);
	}
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
		op_free(&p->ops[i]);
	for (size_t i = 0; i < p->nwarn; i++)
		free(p->warn[i].text);
	free(p->warn);
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

static enum effect
protocol_registry(const struct target *t, int *set)
{
	uint32_t e = 0, d = 0;
	int he = t->present[0] && regval_get_dword(&t->cur[0], &e);
	int hd = t->present[1] && regval_get_dword(&t->cur[1], &d);

	/* Enabled=0 disables outright; a non-zero DisabledByDefault keeps
	 * the protocol off unless a caller asks for it by name, which is off
	 * for anything that uses the system default. */
	*set = he || hd;
	if (he && e == 0)
		return EFF_DISABLED;
	if (hd && d != 0)
		return EFF_DISABLED;
	if (*set)
		return EFF_ENABLED;
	return EFF_UNKNOWN;
}

/* The build's default suites, if a page documents them for this image. */
static const struct suite_defaults *
default_suites(const struct facts *f)
{
	const struct suite_defaults *sd = suite_defaults_for(f->build);

	return sd && sd->kb && !facts_has_kb(f, sd->kb) ? NULL : sd;
}

static void
effect_set(struct effect_of *e, enum effect state, char *text,
    enum effect_source source)
{
	e->state = state;
	e->text = text ? text : xstrdup(effect_name(state));
	e->source = source;
}

void
plan_effect(const struct target *t, const struct facts *f,
    struct effect_of *e)
{
	const struct setting *s = t->s;
	uint32_t d;
	int set;
	enum effect r, def;

	memset(e, 0, sizeof(*e));
	switch (s->kind) {
	case SK_PROTOCOL:
		def = os_default(s, f->build, &e->page);
		{
			const struct proto_default *row =
			    proto_default_row(s, f->build);
			if (row && row->kb && !facts_has_kb(f, row->kb))
				def = EFF_UNSUPPORTED;
		}
		r = protocol_registry(t, &set);
		/* a build without the protocol ignores what the registry says */
		if (def == EFF_UNSUPPORTED || !set)
			effect_set(e, def, NULL, SRC_DEFAULT);
		else
			effect_set(e, r, NULL, SRC_REGISTRY);
		return;
	case SK_SWITCH:
		if (t->present[0] && regval_get_dword(&t->cur[0], &d))
			effect_set(e, d ? EFF_ENABLED : EFF_DISABLED, NULL,
			    SRC_REGISTRY);
		else if (t->present[0])
			effect_set(e, EFF_UNKNOWN, NULL, SRC_REGISTRY);
		else if (s->suite_words) {
			/* Schannel offers the algorithm where a suite of the
			 * local or default list uses it, and nowhere else;
			 * without a list, an algorithm key without Enabled
			 * leaves the algorithm on */
			const struct suite_defaults *sd = default_suites(f);
			const char *const *names = f->local_suites ?
			    (const char *const *)f->local_suites :
			    sd ? sd->names : NULL;
			size_t n = f->local_suites ? f->nlocal_suites :
			    (size_t)-1;
			enum effect st = names ? EFF_DISABLED : EFF_ENABLED;

			if (sd && !f->local_suites)
				e->page = sd->source;
			for (size_t i = 0; names && i < n && names[i]; i++) {
				const struct suite *su = suite_find(names[i]);
				if ((su == NULL || !su->on_request) &&
				    suite_has_words(names[i], s->suite_words))
					st = EFF_ENABLED;
			}
			effect_set(e, st, NULL, f->local_suites ? SRC_LOCAL :
			    SRC_DEFAULT);
		} else
			effect_set(e, EFF_UNKNOWN, NULL, SRC_DEFAULT);
		return;
	case SK_NUMBER: {
		uint32_t v = 0, kb;
		int known = number_default(s, f->build, &v, &kb, &e->page);

		/* a build that does not read the value ignores it */
		if (known == -1 || (kb && !facts_has_kb(f, kb))) {
			effect_set(e, EFF_UNSUPPORTED, NULL, SRC_DEFAULT);
			return;
		}
		if (t->present[0])
			break;
		if (known == 1)
			effect_set(e, EFF_VALUE, xasprintf("%u", v),
			    SRC_DEFAULT);
		else
			effect_set(e, EFF_UNKNOWN, NULL, SRC_DEFAULT);
		return;
	}
	case SK_BITMAP:
		if (!t->present[0]) {
			uint32_t bits = winhttp_default(f->build, &e->page);
			struct target tmp = *t;
			struct regval v;

			if (bits == 0) {
				effect_set(e, EFF_UNKNOWN, NULL, SRC_DEFAULT);
				return;
			}
			regval_dword(&v, bits);
			tmp.cur[0] = v;
			tmp.present[0] = 1;
			effect_set(e, EFF_VALUE, plan_state(&tmp), SRC_DEFAULT);
			regval_free(&v);
			return;
		}
		break;
	case SK_CURVES:
		if (!t->present[0]) {
			if (f->build < BUILD_WIN10_1607) {
				effect_set(e, EFF_UNKNOWN, NULL, SRC_DEFAULT);
				return;
			}
			e->page = curves_source;
			effect_set(e, EFF_VALUE, xstrdup(curves_default),
			    SRC_DEFAULT);
			return;
		}
		break;
	case SK_SUITES:
		if (!t->present[0] && f->local_suites) {
			struct strbuf sb = { 0 };
			for (size_t i = 0; i < f->nlocal_suites; i++)
				sb_add(&sb, "%s%s", i ? "," : "",
				    f->local_suites[i]);
			effect_set(e, EFF_VALUE, sb_take(&sb), SRC_LOCAL);
			return;
		}
		if (!t->present[0]) {
			const struct suite_defaults *sd = default_suites(f);
			struct strbuf sb = { 0 };

			if (sd == NULL) {
				effect_set(e, EFF_UNKNOWN, NULL, SRC_DEFAULT);
				return;
			}
			e->page = sd->source;
			for (size_t i = 0; sd->names[i]; i++)
				sb_add(&sb, "%s%s", i ? "," : "", sd->names[i]);
			effect_set(e, EFF_VALUE, sb_take(&sb), SRC_DEFAULT);
			return;
		}
		break;
	default:
		if (!t->present[0]) {
			effect_set(e, EFF_UNKNOWN, NULL, SRC_DEFAULT);
			return;
		}
		break;
	}
	effect_set(e, EFF_VALUE, plan_state(t), SRC_REGISTRY);
}

void
plan_effect_free(struct effect_of *e)
{
	free(e->text);
	memset(e, 0, sizeof(*e));
}

const char *
effect_source_name(enum effect_source s)
{
	return s == SRC_REGISTRY ? "registry" : s == SRC_LOCAL ? "local-list" :
	    "os-default";
}

int
verdict_counts(enum verdict v, int explicit_only)
{
	return v == V_DIFFERS || v == V_UNKNOWN || (explicit_only &&
	    (v == V_IMPLICIT || v == V_UNSUPPORTED));
}

size_t
plan_noncompliant(const struct plan *p, int explicit_only)
{
	size_t n = 0;

	for (int v = 0; v < V_COUNT; v++)
		if (verdict_counts((enum verdict)v, explicit_only))
			n += p->nverdict[v];
	return n;
}
