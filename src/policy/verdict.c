/*
 * What the image does now: Windows' defaults for a target, the updates
 * it lacks, and each op's verdict.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/planint.h"
#include "policy/verdict.h"

/* Adds text (taking it) unless a warning says the same already. */
static void
add_warning(struct plan *p, uint32_t kb, char *text)
{
	for (size_t i = 0; i < p->nwarn; i++)
		if (strcmp(p->warn[i].text, text) == 0) {
			free(text);
			return;
		}
	p->warn = xrealloc(p->warn, (p->nwarn + 1) * sizeof(*p->warn));
	p->warn[p->nwarn].kb = kb;
	p->warn[p->nwarn++].text = text;
}

void
plan_warn(struct plan *p, uint32_t kb, const char *what)
{
	add_warning(p, kb, kb ? xasprintf("%s, and KB%u is not installed (a "
	    "monthly rollup may carry it)", what, kb) : xstrdup(what));
}

void
plan_warn_update(struct plan *p, const struct facts *f, uint32_t kb,
    const char *what)
{
	if (kb == 0 || !f->kbs_unknown)
		plan_warn(p, kb, what);
	else
		add_warning(p, kb, xasprintf("%s; KB%u could not be checked: "
		    "no image was read", what, kb));
}

int
plan_edition_holds(enum edition e, const struct facts *f)
{
	return e == ED_ANY || (e == ED_SERVER && f->type != OS_CLIENT) ||
	    (e == ED_CLIENT && f->type != OS_SERVER);
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
/*
 * Without SOFTWARE, or without a build (export with neither an image nor
 * --os), the build and the installed updates are unknown: every
 * prerequisite of what the policy writes is one tlshive cannot check, the
 * Remote Desktop lock-out of Windows 7 / 2008 R2 (KB3080079) among them.
 */
static void
list_unchecked(struct plan *p, const struct policy *pol, const struct facts *f)
{
	for (size_t i = 0; i < nprereqs; i++) {
		const struct prereq *r = &prereqs[i];
		int wanted = 0;

		/* the rows of a hive not given are not written */
		if (!f->have[r->hive])
			continue;
		for (size_t k = 0; k < pol->n && !wanted; k++)
			wanted = row_below(pol->w[k].s, r) && (!r->off_only ||
			    pol->w[k].kind == W_OFF);
		if (wanted)
			sl_add(&p->unchecked, "%s", r->what);
	}
}

void
plan_check_prereqs(struct plan *p, const struct policy *pol, const struct facts *f)
{
	if ((!f->have[HV_SOFTWARE] || f->build == 0) && pol != NULL)
		list_unchecked(p, pol, f);
	if (!f->have[HV_SOFTWARE] || f->build == 0)
		return;
	for (size_t i = 0; i < nprereqs; i++) {
		const struct prereq *r = &prereqs[i];
		int wanted = pol == NULL;

		/* show lists updates to install, not values a build ignores */
		if ((pol == NULL && (r->kb == 0 || r->off_only)) ||
		    f->build < r->from || (r->to != 0 && f->build > r->to) ||
		    !plan_edition_holds(kb_edition(r->kb), f) ||
		    (r->release_from != 0 && (f->dotnet4_release <
		    r->release_from || f->dotnet4_release > r->release_to)) ||
		    (r->kb && facts_has_kb(f, r->kb)))
			continue;
		for (size_t k = 0; pol && k < pol->n && !wanted; k++)
			wanted = row_below(pol->w[k].s, r) && (!r->off_only ||
			    pol->w[k].kind == W_OFF);
		if (wanted)
			plan_warn_update(p, f, r->kb, r->what);
	}
	/* protocols that exist only with an update (TLS 1.1 and 1.2 on
	 * Server 2008 SP2): show says so for every row, the others for the
	 * rows the policy writes, in the same words */
	for (size_t i = 0; i < nsettings; i++) {
		const struct proto_default *d = proto_default_row(&settings[i],
		    f->build);
		int wanted = pol == NULL;

		if (d == NULL || d->kb == 0 || facts_has_kb(f, d->kb) ||
		    !plan_edition_holds(kb_edition(d->kb), f))
			continue;
		for (size_t k = 0; pol && k < pol->n && !wanted; k++)
			wanted = pol->w[k].s == &settings[i];
		if (wanted) {
			char *w = xasprintf("%s exists on this build only with "
			    "update KB%u", d->proto, d->kb);
			plan_warn_update(p, f, d->kb, w);
			free(w);
		}
	}
}

/*
 * "TLS 1.3 is supported starting in Windows 11 and Windows Server 2022.
 * Enabling TLS 1.3 on earlier versions of Windows is not a safe system
 * configuration" (the protocols page): Windows 10 1903 to 22H2 read the
 * value and turn it on.
 */
static void
warn_unsafe(struct plan *p, const struct setting *s, const struct facts *f)
{
	char *name = facts_name(f);
	char *w = xasprintf("%s: a non-zero Enabled turns it on, and %s "
	    "(build %u) does not support %s: Microsoft calls turning it on "
	    "there not a safe system configuration", s->name, name, f->build,
	    s->group);

	plan_warn(p, 0, w);
	free(w);
	free(name);
}

void
plan_check_unsafe(struct plan *p, const struct facts *f, int show)
{
	uint32_t d;

	for (size_t i = 0; show && i < p->nt; i++) {
		const struct target *t = &p->t[i];
		if (t->s->kind == SK_PROTOCOL && proto_unsafe(t->s, f->build) &&
		    t->present[0] && regval_get_dword(&t->cur[0], &d) && d != 0)
			warn_unsafe(p, t->s, f);
	}
	for (size_t i = 0; !show && i < p->nops; i++) {
		const struct op *o = &p->ops[i];
		if (o->kind == OP_SET && o->s && o->s->kind == SK_PROTOCOL &&
		    o->name && strcasecmp(o->name, o->s->value) == 0 &&
		    proto_unsafe(o->s, f->build) &&
		    regval_get_dword(&o->want, &d) && d != 0)
			warn_unsafe(p, o->s, f);
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
	/* for a protocol, and for WinHTTP's protocols, what Windows does
	 * without the value is the question; other rows are simply not set */
	if ((t->s->kind == SK_PROTOCOL || (t->s->kind == SK_BITMAP &&
	    !(t->s->flags & SF_NO_DEFAULTS))) && e.state == EFF_UNKNOWN)
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
	} else if (t->s->kind == SK_BITMAP && e.source == SRC_DEFAULT &&
	    e.state == EFF_VALUE && regval_equal(&e.value, &o->want))
		v = V_IMPLICIT;
	plan_effect_free(&e);
	return v;
}

void
plan_assign_verdicts(struct plan *p, const struct facts *f)
{
	memset(p->nverdict, 0, sizeof(p->nverdict));
	for (size_t i = 0; i < p->nops; i++) {
		struct op *o = &p->ops[i];
		o->verdict = verdict_of(o, o->target == NO_TARGET ? NULL :
		    &p->t[o->target], f);
		/* what Windows ignores is listed apart, never counted */
		if (!o->ignored)
			p->nverdict[o->verdict]++;
	}
}

/* What the registry makes of a protocol whose build default is def. */
static enum effect
protocol_registry(const struct target *t, enum effect def, int *set)
{
	uint32_t e = 0, d = 0;
	int he = t->present[0] && regval_get_dword(&t->cur[0], &e);
	int hd = t->present[1] && regval_get_dword(&t->cur[1], &d);

	/* Enabled=0 disables outright: "If an SSPI app requests to use TLS
	 * 1.0, it will be denied".  A non-zero DisabledByDefault beside an
	 * Enabled that is on (or absent where the build has the protocol
	 * on) leaves it to callers that name it: "If an SSPI app explicitly
	 * requests to use TLS 1.0, it may be negotiated" (tls-registry-
	 * settings, 2019 revision); where the build has it off (SSL 2.0
	 * clients on Windows 7, whose stock DisabledByDefault=1 the protocols
	 * page calls Disabled) it stays off; where no page gives the build's
	 * default, which of the two is not known. */
	*set = he || hd;
	if (he && e == 0)
		return EFF_DISABLED;
	if (hd && d != 0)
		return he || def == EFF_ENABLED ? EFF_ON_REQUEST :
		    def == EFF_DISABLED ? EFF_DISABLED : EFF_UNKNOWN;
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
effect_set(struct effect_of *e, enum effect state, enum effect_source source)
{
	e->state = state;
	e->source = source;
}

/* The value Windows uses, and where it comes from. */
static void
effect_value(struct effect_of *e, const struct regval *v,
    enum effect_source source)
{
	effect_set(e, EFF_VALUE, source);
	regval_copy(&e->value, v);
}

/* A DWORD default. */
static void
effect_dword(struct effect_of *e, uint32_t d)
{
	struct regval v = { 0 };

	regval_dword(&v, d);
	effect_value(e, &v, SRC_DEFAULT);
	regval_free(&v);
}

/* A list of names as the policy's comma-separated REG_SZ. */
static void
effect_list(struct effect_of *e, const char *const *names, size_t n,
    enum effect_source source)
{
	struct strbuf sb = { 0 };
	struct regval v = { 0 };

	for (size_t i = 0; i < n && names[i]; i++)
		sb_add(&sb, "%s%s", i ? "," : "", names[i]);
	regval_sz(&v, sb.s ? sb.s : "");
	effect_value(e, &v, source);
	regval_free(&v);
	free(sb.s);
}

/*
 * A curve order as Windows uses it on this image: the curves its build
 * lacks left out (Microsoft's curve pages), names no page lists and the
 * image has not added (certutil -addEccCurve, Manage TLS), which lint calls
 * ignored too, and in FIPS mode the curves the pages mark not available in
 * it.  Unknown when tlshive cannot tell whether the build has one of them,
 * or whether FIPS mode takes one out (no page says so of an added curve).
 */
static void
effect_curves(struct effect_of *e, const char *const *names, size_t n,
    const struct facts *f, enum effect_source source)
{
	const char **kept = xcalloc(n + 1, sizeof(*kept));
	struct regval v = { 0 };
	size_t nk = 0;

	for (size_t i = 0; i < n; i++) {
		const struct curve *cv = curve_find(names[i]);
		int a = cv ? facts_curve_available(f, cv) :
		    facts_curve_added(f, names[i]);

		if (a == 1 && cv && !cv->fips && f->fips != 0)
			a = f->fips == 1 ? 0 : -1;
		else if (a == 1 && cv == NULL && f->fips != 0)
			a = -1;
		if (a == -1) {
			free(kept);
			effect_set(e, EFF_UNKNOWN, source);
			return;
		}
		if (a == 1)
			kept[nk++] = names[i];
	}
	regval_multi_sz(&v, (char *const *)kept, nk);
	effect_value(e, &v, source);
	regval_free(&v);
	free(kept);
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
			if (row && row->kb && (!facts_has_kb(f, row->kb) ||
			    !plan_edition_holds(kb_edition(row->kb), f)))
				def = EFF_UNSUPPORTED;
		}
		/* an image of unknown build (SYSTEM alone): what every build
		 * that has the protocol does */
		r = protocol_registry(t, f->build == 0 ?
		    os_default_everywhere(s) : def, &set);
		/* a build without the protocol ignores what the registry says,
		 * unless it reads an Enabled all the same (TLS 1.3 on Windows
		 * 10 1903 to 22H2: on there is unsafe, not ignored) */
		if ((def == EFF_UNSUPPORTED && !(t->present[0] &&
		    proto_unsafe(s, f->build))) || !set)
			effect_set(e, def, SRC_DEFAULT);
		else
			effect_set(e, r, SRC_REGISTRY);
		return;
	case SK_SWITCH:
		if (t->present[0] && regval_get_dword(&t->cur[0], &d))
			effect_set(e, d ? EFF_ENABLED : EFF_DISABLED, SRC_REGISTRY);
		else if (t->present[0])
			effect_set(e, EFF_UNKNOWN, SRC_REGISTRY);
		else if (s->suite_words) {
			/* Schannel offers the algorithm where a suite of the
			 * local or default list uses it, and nowhere else;
			 * without a list, an algorithm key without Enabled
			 * leaves the algorithm on.  Without the update a list
			 * needs (3042058 on Windows 7) its order is unknown,
			 * but not which suites it enables: the list less the
			 * suites the update adds (advisory 3042058). */
			const struct suite_defaults *sd =
			    suite_defaults_for(f->build);
			uint32_t lacks = sd && sd->kb && !facts_has_kb(f,
			    sd->kb) ? sd->kb : 0;
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
				if (!suite_has_words(names[i], s->suite_words) ||
				    (su && lacks && !f->local_suites &&
				    su->kb7 == lacks))
					continue;
				/* "Only used when application explicitly
				 * requests" (the NULL suites of every list) */
				if (su && su->on_request) {
					if (st == EFF_DISABLED)
						st = EFF_ON_REQUEST;
				} else
					st = EFF_ENABLED;
			}
			effect_set(e, st, f->local_suites ? SRC_LOCAL :
			    SRC_DEFAULT);
		} else
			effect_set(e, EFF_UNKNOWN, SRC_DEFAULT);
		return;
	case SK_NUMBER: {
		uint32_t v = 0, kb;
		int known = number_default(s, f->build, &v, &kb, &e->page);

		/* a build that does not read the value ignores it */
		if (known == -1 || (kb && !facts_has_kb(f, kb))) {
			effect_set(e, EFF_UNSUPPORTED, SRC_DEFAULT);
			return;
		}
		if (t->present[0])
			break;
		if (known == 1)
			effect_dword(e, v);
		else if (known == 2)
			effect_set(e, EFF_NO_LIMIT, SRC_DEFAULT);
		else
			effect_set(e, EFF_UNKNOWN, SRC_DEFAULT);
		return;
	}
	case SK_BITMAP:
		if (!t->present[0] && (s->flags & SF_NO_DEFAULTS)) {
			effect_set(e, EFF_UNKNOWN, SRC_DEFAULT);
			return;
		}
		if (!t->present[0]) {
			uint32_t bits = winhttp_default(f->build,
			    f->type == OS_CLIENT ? 1 : f->type == OS_SERVER ?
			    0 : -1, &e->page);

			if (bits == 0) {
				effect_set(e, EFF_UNKNOWN, SRC_DEFAULT);
				return;
			}
			effect_dword(e, bits);
			return;
		}
		break;
	case SK_CURVES:
		/* before Windows 10 the curve is part of each suite's name
		 * and no curve order is read (Manage TLS) */
		if (f->build && f->build < s->min_build) {
			effect_set(e, EFF_UNSUPPORTED, SRC_DEFAULT);
			e->page = MANAGE_TLS_PAGE;
			return;
		}
		if (!t->present[0] && f->local_curves) {
			effect_curves(e, (const char *const *)f->local_curves,
			    f->nlocal_curves, f, SRC_LOCAL);
			return;
		}
		if (!t->present[0]) {
			const struct curve_defaults *cd =
			    curve_defaults_for(f->build);
			size_t n = 0;

			if (cd == NULL) {
				effect_set(e, EFF_UNKNOWN, SRC_DEFAULT);
				return;
			}
			e->page = cd->source;
			while (cd->names[n])
				n++;
			effect_curves(e, cd->names, n, f, SRC_DEFAULT);
			return;
		}
		if (t->cur[0].type == REGT_MULTI_SZ) {
			size_t n;
			char **m = regval_get_multi_sz(&t->cur[0], &n);

			if (m != NULL) {
				effect_curves(e, (const char *const *)m, n, f,
				    SRC_REGISTRY);
				strv_free(m, n);
				return;
			}
		}
		break;
	case SK_SUITES:
		if (!t->present[0] && f->local_suites) {
			effect_list(e, (const char *const *)f->local_suites,
			    f->nlocal_suites, SRC_LOCAL);
			return;
		}
		if (!t->present[0]) {
			const struct suite_defaults *sd = default_suites(f);

			if (sd == NULL) {
				effect_set(e, EFF_UNKNOWN, SRC_DEFAULT);
				return;
			}
			e->page = sd->source;
			effect_list(e, sd->names, (size_t)-1, SRC_DEFAULT);
			return;
		}
		break;
	default:
		if (!t->present[0]) {
			effect_set(e, EFF_UNKNOWN, SRC_DEFAULT);
			return;
		}
		break;
	}
	effect_value(e, &t->cur[0], SRC_REGISTRY);
}

void
plan_effect_free(struct effect_of *e)
{
	regval_free(&e->value);
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

/*
 * A row's value after the plan where Windows reads it (the current control
 * set): the last op there, else the hive's value (h NULL: none).  1 with
 * *v set (caller frees), 0 absent.
 */
static int
after_plan(const struct plan *p, const struct setting *s,
    const struct facts *f, struct hive *h[HV_COUNT], struct regval *v)
{
	char *cs = h ? facts_cset_name(f->sel_current) :
	    xstrdup("CurrentControlSet");
	char *place = s->hive == HV_SYSTEM ? xasprintf("%s\\%s", cs, s->key) :
	    xstrdup(s->key);
	size_t n = strlen(place);
	const struct op *last = NULL;
	int r = 0;

	for (size_t i = 0; i < p->nops; i++) {
		const struct op *o = &p->ops[i];
		size_t k = strlen(o->key);

		if (o->hive != s->hive)
			continue;
		if (o->kind == OP_DELETE_KEY && k <= n && strncasecmp(o->key,
		    place, k) == 0 && (place[k] == '\0' || place[k] == '\\'))
			last = o;
		else if ((o->kind == OP_SET || o->kind == OP_DELETE_VALUE) &&
		    strcasecmp(o->key, place) == 0 && o->name &&
		    strcasecmp(o->name, s->value) == 0)
			last = o;
	}
	if (last && last->kind == OP_SET) {
		regval_copy(v, &last->want);
		r = 1;
	} else if (last == NULL && h && h[s->hive])
		r = hive_get(h[s->hive], place, s->value, v) == 1;
	free(place);
	free(cs);
	return r;
}

/* Is the algorithm row (Ciphers, Hashes, KeyExchangeAlgorithms) off? */
static int
algorithm_off(const struct plan *p, const struct setting *s,
    const struct facts *f, struct hive *h[HV_COUNT])
{
	struct regval v = { 0 };
	uint32_t d = 1;

	if (!after_plan(p, s, f, h, &v))
		return 0;
	if (!regval_get_dword(&v, &d))
		d = 1;
	regval_free(&v);
	return d == 0;
}

/*
 * Can Schannel on this build offer the suite: the build has it (or no
 * page says), with its update, no algorithm it uses is off (off[] by
 * setting), and it is no suite "only used when application explicitly
 * requests"?
 */
static int
suite_usable(const char *name, const struct facts *f, const char *off)
{
	const struct suite *su = suite_find(name);
	const char *win;
	uint32_t kb;

	if (su == NULL || su->on_request || suite_supported(name, f->build) ==
	    0)
		return 0;
	if ((kb = suite_update(su, f->build, &win)) != 0 && !facts_has_kb(f,
	    kb))
		return 0;
	for (size_t i = 0; i < nsettings; i++)
		if (off[i] && suite_has_words(name, settings[i].suite_words))
			return 0;
	return 1;
}

/*
 * "Cipher suites not in the priority list will not be used" (every
 * per-version suites page): a list without one the build can offer ends
 * every TLS connection, whoever wrote it.
 */
void
plan_check_suites(struct plan *p, const struct facts *f,
    struct hive *h[HV_COUNT])
{
	const struct setting *s = NULL;
	const struct suite_defaults *sd;
	struct regval v = { 0 };
	char **names = NULL, *sz, *save = NULL, *bt, *t, *off;
	size_t n = 0;
	const char *which;
	int usable = 0;

	for (size_t i = 0; i < nsettings && s == NULL; i++)
		if (settings[i].kind == SK_SUITES)
			s = &settings[i];
	if (s == NULL || f->build == 0)
		return;
	/* the policy list if it is there as Windows reads it (REG_SZ), else
	 * the local list, else the build's documented default order */
	if (after_plan(p, s, f, h, &v) && (sz = regval_get_sz(&v)) != NULL) {
		which = "the policy list";
		for (char *x = strtok_r(sz, ",", &save); x; x = strtok_r(NULL,
		    ",", &save)) {
			names = xrealloc(names, (n + 1) * sizeof(*names));
			names[n++] = xstrdup(x);
		}
		free(sz);
	} else if (f->local_suites) {
		which = "the local list";
		for (size_t i = 0; i < f->nlocal_suites; i++) {
			names = xrealloc(names, (n + 1) * sizeof(*names));
			names[n++] = xstrdup(f->local_suites[i]);
		}
	} else if ((sd = default_suites(f)) != NULL) {
		which = "the build's default order";
		for (size_t i = 0; sd->names[i]; i++) {
			names = xrealloc(names, (n + 1) * sizeof(*names));
			names[n++] = xstrdup(sd->names[i]);
		}
	} else {
		regval_free(&v);
		return;
	}
	regval_free(&v);
	off = xcalloc(nsettings + 1, 1);
	for (size_t i = 0; i < nsettings; i++)
		off[i] = settings[i].suite_words && algorithm_off(p,
		    &settings[i], f, h);
	for (size_t i = 0; i < n && !usable; i++)
		usable = suite_usable(names[i], f, off);
	free(off);
	strv_free(names, n);
	if (usable)
		return;
	bt = facts_name(f);
	t = xasprintf("%s: %s leaves %s (build %u) no suite to offer (each is "
	    "one the build lacks, or needs an update, or uses a cipher, hash "
	    "or key exchange that is off): every TLS connection fails",
	    s->name, which, bt, f->build);
	plan_warn(p, 0, t);
	free(t);
	free(bt);
}
