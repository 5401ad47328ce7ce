/*
 * What Windows ignores among the changes of .reg files: under the keys the
 * settings table knows, a key or value Windows does not read (a misspelt
 * protocol, "Triple DES 168/168", "Enabled "), a value of a type it does
 * not read, a setting this build lacks, list items it skips, and the
 * Wow6432Node view of a 32-bit Windows.  regedit writes all of them; so
 * does apply, but check does not count them as compliance.  A WinHTTP or
 * .NET value set in one view of a 64-bit Windows only gets a note.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/planint.h"

static void __attribute__((format(printf, 5, 6)))
ignore(struct plan *p, size_t op, const char *item, const char *closest,
    const char *fmt, ...)
{
	struct ignored *g;
	va_list ap;

	p->ign = xrealloc(p->ign, (p->nign + 1) * sizeof(*p->ign));
	g = &p->ign[p->nign++];
	g->op = op;
	g->item = item ? xstrdup(item) : NULL;
	g->closest = closest ? xstrdup(closest) : NULL;
	va_start(ap, fmt);
	g->why = xvasprintf(fmt, ap);
	va_end(ap);
	if (item == NULL)
		p->ops[op].ignored = 1;
}

/* The rest of key below prefix ("" for prefix itself), or NULL. */
static const char *
below(const char *key, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncasecmp(key, prefix, n) != 0)
		return NULL;
	if (key[n] == '\0')
		return key + n;
	return key[n] == '\\' ? key + n + 1 : NULL;
}

/* The key below its control set, or NULL for a key outside them. */
static const char *
in_control_set(const char *key)
{
	const char *bs = strchr(key, '\\');

	if (bs == NULL || (strncasecmp(key, "ControlSet", 10) != 0 &&
	    strncasecmp(key, "CurrentControlSet", 17) != 0))
		return NULL;
	return bs + 1;
}

/* How Windows must find a row's value: its type, in words. */
static uint32_t
row_type(const struct setting *s)
{
	return s->kind == SK_SUITES ? REGT_SZ : s->kind == SK_CURVES ?
	    REGT_MULTI_SZ : REGT_DWORD;
}

/* Schannel's own keys: the table's keys, the keys above them, extras. */
static int
schannel_key_known(const char *rest)
{
	size_t n = strlen(rest);

	if (*rest == '\0')
		return 1;
	for (size_t i = 0; i < nsettings; i++) {
		const char *k = below(settings[i].key, SCHANNEL_KEY);
		if (k && strncasecmp(k, rest, n) == 0 && (k[n] == '\0' ||
		    k[n] == '\\'))
			return 1;
	}
	for (size_t i = 0; i < nschannel_extras; i++)
		if (strcasecmp(schannel_extras[i].key, rest) == 0)
			return 1;
	return 0;
}

/*
 * The known key nearest to an unknown one: the same path with one name
 * changed the least ("Protocols\TLS1.2\Client" -> "Protocols\TLS 1.2\
 * Client"), or NULL.
 */
static char *
schannel_key_closest(const char *rest)
{
	struct nearest n;
	char *found = NULL;
	size_t depth = 1;

	for (const char *c = rest; *c; c++)
		depth += *c == '\\';
	nearest_init(&n, rest);
	for (size_t i = 0; i < nsettings; i++) {
		const char *k = below(settings[i].key, SCHANNEL_KEY);
		const char *e;
		size_t kd = 1;
		char *cut;

		if (k == NULL)
			continue;
		/* the table key cut to the unknown key's depth */
		for (e = k; *e; e++)
			if (*e == '\\' && kd++ == depth)
				break;
		if (kd < depth)
			continue;
		cut = xasprintf("%.*s", (int)(e - k), k);
		if (nearest_add(&n, cut)) {
			free(found);
			found = cut;
		} else
			free(cut);
	}
	if (nearest_close(&n) == NULL) {
		free(found);
		return NULL;
	}
	return found;
}

/* A known key's value names: the rows', and the documented extras. */
static const char *
schannel_value_closest(const char *rest, const char *name, int *known)
{
	struct nearest n;

	nearest_init(&n, name);
	for (size_t i = 0; i < nsettings; i++) {
		const struct setting *s = &settings[i];
		const char *k = below(s->key, SCHANNEL_KEY);
		const char *names[2];
		size_t nn;

		if (k == NULL || strcasecmp(k, rest) != 0)
			continue;
		nn = setting_value_names(s, names);
		for (size_t j = 0; j < nn; j++)
			nearest_add(&n, names[j]);
	}
	for (size_t i = 0; i < nschannel_extras; i++)
		if (strcasecmp(schannel_extras[i].key, rest) == 0)
			nearest_add(&n, schannel_extras[i].value);
	*known = n.best && n.d == 0;
	return nearest_close(&n);
}

/* A key or value under SCHANNEL that no row matched. */
static void
lint_schannel(struct plan *p, size_t i, const char *rest)
{
	const struct op *o = &p->ops[i];
	const char *closest;
	char *ck;
	int known;

	if (!schannel_key_known(rest)) {
		ck = schannel_key_closest(rest);
		ignore(p, i, NULL, ck, "Schannel has no key %s", rest);
		free(ck);
		return;
	}
	if (o->name == NULL)
		return;
	closest = schannel_value_closest(rest, o->name, &known);
	if (!known)
		ignore(p, i, NULL, closest, "Schannel reads no value \"%s\" "
		    "there", o->name);
}

/* A raw value at a row's key whose name is a near miss of the row's. */
static void
lint_near_miss(struct plan *p, size_t i, enum hive_id hive, const char *rest)
{
	const struct op *o = &p->ops[i];

	if (o->name == NULL)
		return;
	for (size_t k = 0; k < nsettings; k++) {
		const struct setting *s = &settings[k];
		const char *names[2];
		size_t n;

		if (s->hive != hive || strcasecmp(s->key, rest) != 0)
			continue;
		n = setting_value_names(s, names);
		for (size_t j = 0; j < n; j++)
			if (str_close_enough(o->name, str_distance(names[j],
			    o->name)) && strlen(o->name) > 1) {
				ignore(p, i, NULL, names[j], "Windows reads no "
				    "value \"%s\" there", o->name);
				return;
			}
	}
}

/* A list's items this build skips: suites it lacks, unknown curves. */
static void
lint_items(struct plan *p, size_t i, const struct facts *f)
{
	const struct op *o = &p->ops[i];
	char **items = NULL, *sz;
	size_t n = 0;

	if (o->s->kind == SK_SUITES) {
		char *save = NULL;
		if ((sz = regval_get_sz(&o->want)) == NULL)
			return;
		for (char *t = strtok_r(sz, ",", &save); t; t = strtok_r(NULL,
		    ",", &save)) {
			items = xrealloc(items, (n + 1) * sizeof(*items));
			items[n++] = xstrdup(t);
		}
		free(sz);
	} else if ((items = regval_get_multi_sz(&o->want, &n)) == NULL)
		return;
	for (size_t k = 0; k < n; k++) {
		const char *it = items[k];
		if (o->s->kind == SK_SUITES) {
			const struct suite *su = suite_find(it);
			/* "the elliptic curve suffix is not required and is
			 * overridden by the new elliptic curve priority order,
			 * when provided" (every Windows 10 and later suites
			 * page): the name stands for its suite */
			if (f->build >= BUILD_WIN10_1507 && su != NULL &&
			    strcasecmp(it, su->name) != 0 &&
			    suite_supported(it, f->build) == 1)
				sl_add(&p->notes, "%s: %s is %s to Windows "
				    "10 and later: the curve suffix is accepted, "
				    "and the curve order (ecc-curves), when set, "
				    "overrides it", o->origin, it, su->name);
			else if (suite_supported(it, f->build) == 0)
				ignore(p, i, it, suite_suggest_on(it, f->build),
				    "%s has no cipher suite %s", f->build ?
				    "this build" : "Windows", it);
			continue;
		}
		const struct curve *cv = curve_find(it);
		if (cv == NULL && facts_curve_added(f, it))
			continue;
		if (cv == NULL) {
			struct nearest near;
			nearest_init(&near, it);
			for (size_t c = 0; c < ncurves; c++)
				nearest_add(&near, curves[c].name);
			ignore(p, i, it, nearest_close(&near),
			    "Windows has no curve %s", it);
		} else if (facts_curve_available(f, cv) == 0) {
			char *need = curve_builds_text(cv);
			ignore(p, i, it, NULL, "%s needs %s", cv->name, need);
			free(need);
		}
	}
	if (o->s->kind == SK_CURVES) {
		char *label = xasprintf("%s: %s", o->origin, o->s->name);
		plan_curves_fips(p, label, items, n, f);
		free(label);
	}
	strv_free(items, n);
}

/* A .reg value at a row's place: its type, the build, its items. */
static void
lint_row(struct plan *p, size_t i, const struct facts *f)
{
	const struct op *o = &p->ops[i];
	const struct setting *s = o->s;
	uint32_t want = row_type(s), d;

	if (o->kind != OP_SET)
		return;
	if (o->want.type != want || (want == REGT_DWORD &&
	    !regval_get_dword(&o->want, &d))) {
		ignore(p, i, NULL, NULL, "Windows reads %s as a %s, and this is "
		    "a %s%s", *o->name ? o->name : "@", regval_type_name(want),
		    regval_type_name(o->want.type), want == REGT_DWORD &&
		    o->want.type == REGT_DWORD ? " of the wrong size" : "");
		return;
	}
	if (s->min_build && f->build && f->build < s->min_build &&
	    !proto_unsafe(s, f->build)) {
		ignore(p, i, NULL, NULL, "build %u has no %s (it needs build "
		    "%u)", f->build, s->group ? s->group : s->name,
		    s->min_build);
		return;
	}
	if (s->kind == SK_SUITES || s->kind == SK_CURVES)
		lint_items(p, i, f);
}

/*
 * On 64-bit Windows a 32-bit program's HKLM\SOFTWARE reads go to
 * Wow6432Node (registry redirection), so a WinHTTP or .NET value set in
 * one view only leaves the other kind of program with its default.  Not
 * ignored, so a note: the .reg may mean it.
 */
static void
lint_wow64_twin(struct plan *p, size_t i, const struct facts *f)
{
	const struct op *o = &p->ops[i];
	const char *native = below(o->key, "Wow6432Node"), *k;
	char *twin;

	if (f->is64 != 1 || o->kind != OP_SET || o->s == NULL ||
	    !(o->s->flags & SF_WOW64) || o->hive != HV_SOFTWARE)
		return;
	if (native == NULL)
		native = o->key;
	for (size_t j = 0; j < p->nops; j++) {
		const struct op *t = &p->ops[j];

		if (j == i || t->kind != OP_SET || t->hive != HV_SOFTWARE ||
		    t->name == NULL || strcasecmp(t->name, o->name) != 0)
			continue;
		if ((k = below(t->key, "Wow6432Node")) == NULL)
			k = t->key;
		if (strcasecmp(k, native) == 0 && (k == t->key) !=
		    (native == o->key))
			return;
	}
	twin = native == o->key ? xasprintf("Wow6432Node\\%s", o->key) :
	    xstrdup(native);
	sl_add(&p->notes, "%s sets %s only for %s-bit programs: %s-bit "
	    "programs read %s", o->origin, o->name, native == o->key ? "64" :
	    "32", native == o->key ? "32" : "64", twin);
	free(twin);
}

void
plan_lint(struct plan *p, const struct facts *f)
{
	for (size_t i = 0; i < p->nops; i++) {
		const struct op *o = &p->ops[i];
		const char *rest = o->key, *r;

		/* table ops are right by construction; deleting is never
		 * something Windows ignores */
		if (o->target != NO_TARGET || o->kind == OP_DELETE_KEY ||
		    o->kind == OP_DELETE_VALUE)
			continue;
		lint_wow64_twin(p, i, f);
		if (o->hive == HV_SOFTWARE && (r = below(rest,
		    "Wow6432Node")) != NULL) {
			if (f->is64 == 0) {
				ignore(p, i, NULL, NULL, "a 32-bit Windows has "
				    "no 32-bit view: nothing reads Wow6432Node");
				continue;
			}
			rest = r;
		}
		if (o->hive == HV_SYSTEM && (rest = in_control_set(rest)) ==
		    NULL)
			continue;
		if (o->s)
			lint_row(p, i, f);
		else if (o->hive == HV_SYSTEM && (r = below(rest,
		    SCHANNEL_KEY)) != NULL)
			lint_schannel(p, i, r);
		else
			lint_near_miss(p, i, o->hive, rest);
	}
}
