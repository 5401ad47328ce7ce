/*
 * Gating and value shaping: which wanted settings this image can take,
 * and the exact values they come to on its build.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/planint.h"
#include "policy/verdict.h"

static int
supported(const struct facts *f, unsigned min_build)
{
	return min_build == 0 || (f->build != 0 && f->build >= min_build);
}

void
plan_curves_fips(struct plan *p, const char *label, char *const *items,
    size_t n, const struct facts *f)
{
	struct strbuf sb = { 0 };
	size_t usable = 0, skipped = 0;

	if (f->fips != 1)
		return;
	for (size_t i = 0; i < n; i++) {
		const struct curve *cv = curve_find(items[i]);

		if (cv == NULL || facts_curve_available(f, cv) == 0)
			continue;
		if (cv->fips)
			usable++;
		else
			sb_add(&sb, "%s%s", skipped++ ? ", " : "", cv->name);
	}
	if (skipped)
		sl_add(&p->notes, "%s: %s: not available in FIPS mode, which "
		    "the image has on (%s\\Enabled): Schannel leaves %s out",
		    label, sb.s, FIPS_KEY, skipped == 1 ? "it" : "them");
	if (usable == 0 && n > 0) {
		char *t = xasprintf("%s: FIPS mode is on, and no curve of the "
		    "list is available in it (only NistP256, NistP384 and "
		    "nistP521 are): Windows offers no ECDHE key exchange",
		    label);
		plan_warn(p, 0, t);
		free(t);
	}
	free(sb.s);
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
 * the build is unknown and the row has no minimum).  A protocol that
 * comes with an update the image seems to lack is no reason: a monthly
 * rollup may carry it, so plan_check_prereqs warns instead; but the
 * other edition of the build never gets it.
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
	    !plan_edition_holds(kb_edition(d->kb), f)) {
		struct facts other = *f;
		char *n = facts_name(f), *on, *t;

		other.type = kb_edition(d->kb) == ED_SERVER ? OS_SERVER :
		    OS_CLIENT;
		on = facts_name(&other);
		t = xasprintf("%s has no %s at all (update KB%u brings it to "
		    "%s only)", n, s->group, d->kb, on);
		free(n);
		free(on);
		return t;
	}
	if (os_default(s, f->build, &src) == EFF_UNSUPPORTED)
		return xasprintf("%s does not exist on this build", s->group);
	return NULL;
}

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
	plan_warn(p, 0, "cipher-suites: the list has no suite a server with an "
	    "RSA certificate can use (IIS, Remote Desktop's self-signed "
	    "certificate): such servers will refuse every TLS connection");
}

/*
 * Suites Windows 7, 8, Server 2008 R2 and 2012 have only with update
 * 3042058 (the Windows 7 and Windows 8 pages, advisory 3042058): without
 * it Schannel skips them.
 */
static void
warn_kb7(struct plan *p, const struct want *w, const struct facts *f)
{
	for (size_t i = 0; i < w->nitems; i++) {
		const struct suite *su = suite_find(w->items[i]);
		const char *win;
		uint32_t kb = su ? suite_update(su, f->build, &win) : 0;
		if (kb && !facts_has_kb(f, kb)) {
			char *t = xasprintf("cipher-suites: %s exists on %s only "
			    "with update %u", w->items[i], win, kb);
			plan_warn_update(p, f, kb, t);
			free(t);
			return;
		}
	}
}

int
plan_gate(struct plan *p, struct want *w, const struct facts *f, int flags,
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
		plan_warn(p, 0, "TLS 1.3 turned on although Exchange Server is "
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
	/* TLS 1.3 before 20348 is read, but "not a safe system
	 * configuration" (the protocols page): only on --force, and the
	 * plan then warns */
	if (w->kind == W_ON && lack && proto_unsafe(s, f->build) &&
	    !(flags & PLAN_FORCE)) {
		sl_add(errs, "%s: %s = on: the image is %s; %s, and Microsoft "
		    "calls turning it on before then not a safe system "
		    "configuration; give --force to write it anyway", w->origin,
		    s->name, bt, lack);
		r = -1;
	} else if (w->kind == W_ON && lack && proto_unsafe(s, f->build)) {
		r = 0;
	} else if (w->kind == W_ON && lack) {
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
		size_t kept = 0, missing = 0;
		for (size_t i = 0; i < w->nitems; i++) {
			int ok = suite_supported(w->items[i], f->build);
			kept += ok != 0;
			missing += ok == 0 && !w->cond[i];
		}
		/* every suite "if supported", and the build has none (the
		 * Vista page lists no suite recommended does): writing an
		 * empty list would end TLS, so the list stays as it is */
		if (w->nitems > 0 && kept == 0 && missing == 0) {
			sl_add(&p->notes, "%s: left untouched, the image is %s, "
			    "which has none of its suites; Windows keeps the "
			    "list it has", s->name, bt);
			free(lack);
			free(bt);
			return 1;
		}
		for (size_t i = 0; i < w->nitems; i++) {
			int ok = suite_supported(w->items[i], f->build);
			const struct suite *su = suite_find(w->items[i]);
			const char *hint;
			/* Windows 10 and later take a curve suffix as the
			 * suite itself (every Windows 10 suites page) */
			if (ok == 1 && f->build >= BUILD_WIN10_1507 &&
			    strcasecmp(w->items[i], su->name) != 0)
				sl_add(&p->notes, "%s: %s written as %s: "
				    "Windows 10 and later need no curve suffix, "
				    "and the curve order (ecc-curves), when set, "
				    "overrides it", s->name, w->items[i],
				    su->name);
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
	} else if (s->kind == SK_CURVES && f->build && f->build < s->min_build) {
		sl_add(&p->notes, "%s: left untouched, the image is %s: the "
		    "curve order exists from Windows 10 (build %u) on (before, "
		    "the curve is part of each suite's name)", s->name, bt,
		    s->min_build);
		r = 1;
	} else if (s->kind == SK_CURVES) {
		char **kept = xcalloc(w->nitems + 1, sizeof(*kept));
		size_t nk = 0;

		for (size_t i = 0; i < w->nitems; i++) {
			const struct curve *cv = curve_find(w->items[i]);
			int a = facts_curve_available(f, cv);
			char *need;

			if (!w->cond[i] || a == 1)
				kept[nk++] = w->items[i];
			if (a == 1 || (a == -1 && f->build == 0 && !w->cond[i]))
				continue;
			need = curve_builds_text(cv);
			if (w->cond[i] && (a == 0 || f->build == 0))
				sl_add(&p->notes, "%s: %s left out, the image "
				    "is %s", s->name, cv->name, bt);
			else if (w->cond[i])
				sl_add(&p->notes, "%s: %s left out: Microsoft "
				    "lists it for %s, and tlshive cannot tell "
				    "whether the image (%s) is one", s->name,
				    cv->name, need, bt);
			else if (a == -1)
				sl_add(&p->notes, "%s: %s: Microsoft lists it "
				    "for %s, and tlshive cannot tell whether the "
				    "image (%s) is one", s->name, cv->name, need,
				    bt);
			else {
				sl_add(errs, "%s: %s: the image is %s; %s needs "
				    "%s", w->origin, s->name, bt, cv->name,
				    need);
				r = -1;
			}
			free(need);
		}
		plan_curves_fips(p, s->name, kept, nk, f);
		free(kept);
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
 * that Windows enables by default (_P256, _P384; Vista's default order has
 * _P521 too), from Windows 10 on
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
		    !(suite_curves(s, f->build, 0) & (C256 | C384 | C521))) {
			const char *name = f->build >= BUILD_WIN10_1507 ? s->name :
			    w->items[i];
			if (!has_name(out, n, name)) {
				out = xrealloc(out, (n + 1) * sizeof(*out));
				out[n++] = xstrdup(name);
			}
			continue;
		}
		bits = suite_curves(s, f->build, 1);
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

int
plan_want_values(const struct want *w, const struct facts *f, int tls13_off,
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
		regval_dword(&v[0], !on ? 0 : w->exact ? w->number : w->s->on);
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
			if (!w->cond[i] || facts_curve_available(f,
			    curve_find(w->items[i])) == 1)
				kept[nk++] = w->items[i];
		regval_multi_sz(&v[0], kept, nk);
		free(kept);
		return 1;
	case SK_SUITES:
		return suites_value(w, f, tls13_off, v, errs);
	}
	return -1;
}
