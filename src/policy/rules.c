/*
 * Judging benchmark rules the way an auditor does.  tlshive's own verdicts
 * (verdict.c) forgive an absent value whose build default has the effect;
 * a STIG or CIS check does not: it reads the value as spelt, at every place
 * Windows may boot from (each control set Select names) and in both
 * registry views, and an absent value is a finding unless the benchmark
 * says otherwise (IIS 10's V-218821 for SSL 3.0).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/planint.h"
#include "policy/rules.h"
#include "policy/verdict.h"

static const char *const result_names[] = {
	[RR_PASS] = "pass", [RR_FAIL] = "fail",
	[RR_NA] = "notapplicable", [RR_NOTCHECKED] = "notchecked"
};

const char *
rule_result_name(enum rule_result r)
{
	return r < RR_COUNT ? result_names[r] : "error";
}

static int
serves(const struct want *w, const struct rule_def *r)
{
	if (w->bench != r->bench)
		return 0;
	for (size_t i = 0; i < w->nrules; i++)
		if (strcmp(w->rules[i], r->id) == 0)
			return 1;
	return 0;
}

/* Does the value the hive holds pass the line, as the benchmark reads it? */
static int
complies(const struct rule_value *v)
{
	uint32_t have, want;

	if (!v->present)
		return v->absent_ok;
	if (v->at_least)
		return regval_get_dword(&v->cur, &have) &&
		    regval_get_dword(&v->want, &want) && have >= want;
	if (v->nonzero)
		return regval_get_dword(&v->cur, &have) && have != 0;
	return regval_equal(&v->cur, &v->want);
}

/* The role a rule applies to, from the facts: NULL when it is there. */
static char *
role_missing(const struct rule_def *r, const struct facts *f,
    enum rule_result *res)
{
	int have;
	const char *what, *where;

	if (r->applies == NULL)
		return NULL;
	/* an OS STIG's rule: the Windows the image is, from its build and
	 * product type (Server 2022 is build 20348) */
	if (strncmp(r->applies, "win", 3) == 0 ||
	    strcmp(r->applies, "server2022") == 0) {
		int known = f->build && f->type != OS_TYPE_UNKNOWN;
		int is = strcmp(r->applies, "server2022") == 0 ?
		    f->type == OS_SERVER && f->build == BUILD_TLS13 :
		    f->type == OS_CLIENT && f->build >= BUILD_WIN10_1507 &&
		    (strcmp(r->applies, "win11") == 0) ==
		    (f->build >= BUILD_WIN11);
		char *name, *why;

		if (known && is)
			return NULL;
		if (!known) {
			*res = RR_NOTCHECKED;
			return xasprintf("which Windows the image is, is unknown "
			    "(the rule is for %s)", r->applies);
		}
		*res = RR_NA;
		name = facts_name(f);
		why = xasprintf("the rule is for %s, the image is %s",
		    r->applies, name ? name : "another Windows");
		free(name);
		return why;
	}
	if (strcmp(r->applies, "iis") == 0) {
		have = f->iis;
		what = "IIS";
		where = "SOFTWARE\\Microsoft\\InetStp MajorVersion";
	} else {
		have = f->sql;
		what = "a SQL Server database engine";
		where = "SOFTWARE\\Microsoft\\Microsoft SQL Server\\Instance "
		    "Names\\SQL";
	}
	if (have == 1)
		return NULL;
	if (have == 0) {
		*res = RR_NA;
		return xasprintf("%s is not installed (no %s)", what, where);
	}
	*res = RR_NOTCHECKED;
	return xasprintf("the SOFTWARE hive was not given: whether %s is "
	    "installed is unknown", what);
}

static void
add_value(struct rule_eval *e, const struct want *w, const struct target *t,
    const char *name, const struct regval *want, const struct regval *cur,
    int present, const char *current)
{
	struct rule_value *v;

	e->v = xrealloc(e->v, (e->nv + 1) * sizeof(*e->v));
	v = &e->v[e->nv++];
	memset(v, 0, sizeof(*v));
	v->s = w->s;
	v->hive = w->s->hive;
	v->key = xstrdup(t->key);
	v->where = xstrdup(t->where);
	v->current = current && strcmp(t->where, current) == 0;
	v->value_name = xstrdup(name);
	regval_copy(&v->want, want);
	if ((v->present = present))
		regval_copy(&v->cur, cur);
	v->absent_ok = w->absent_ok;
	v->at_least = w->at_least;
	v->nonzero = (w->s->flags & SF_NONZERO_ON) && w->kind != W_OFF &&
	    !w->exact && !w->at_least;
	v->origin = xstrdup(w->origin);
	v->result = complies(v) ? RR_PASS : RR_FAIL;
	e->nfail += v->result == RR_FAIL;
}

/*
 * One line of the rule at every target of its row.  Returns 1 when the
 * line counts, 0 when the build lacks the setting (not applicable), -1
 * when it cannot be read (*why says why).
 */
static int
judge_line(struct rule_eval *e, const struct want *w, const struct plan *p,
    const struct facts *f, const char *current, char **why)
{
	const struct rule_def *r = e->def;
	size_t before = e->nv;
	struct strlist errs = { 0 };
	struct regval v[2];
	const char *names[2] = { NULL, NULL };
	size_t nn = setting_value_names(w->s, names), found = 0;
	int n;

	if (!f->have[w->s->hive]) {
		*why = xasprintf("the %s hive was not given",
		    hive_id_name(w->s->hive));
		return -1;
	}
	/* a feature the build lacks is not applicable; a protocol the build
	 * removed (SSL 2.0 from 1607) is not: auditors count its absence */
	if (w->s->min_build && f->build && f->build < w->s->min_build) {
		*why = xasprintf("%s needs build %u or later, the image is "
		    "build %u", w->s->name, w->s->min_build, f->build);
		return 0;
	}
	n = plan_want_values(w, f, 0, v, &errs);
	if (n < 0) {
		*why = xasprintf("%s", errs.n ? errs.v[0] : w->s->name);
		sl_free(&errs);
		return -1;
	}
	sl_free(&errs);
	if ((size_t)n > nn)
		n = (int)nn;
	for (size_t i = 0; i < p->nt; i++) {
		const struct target *t = &p->t[i];
		if (t->s != w->s)
			continue;
		found++;
		/* view=64-bit is the native view, the only one a 32-bit
		 * image has (its targets name no view) */
		if (r->view && strcmp(t->where, r->view) != 0 &&
		    !(*t->where == '\0' && strcmp(r->view, "64-bit") == 0))
			continue;
		for (int k = 0; k < n; k++)
			if (r->value == NULL || strcasecmp(names[k],
			    r->value) == 0)
				add_value(e, w, t, names[k], &v[k],
				    &t->cur[k], t->present[k], current);
	}
	for (int k = 0; k < n; k++)
		regval_free(&v[k]);
	if (found == 0) {
		*why = xasprintf("%s: the plan has no place to read it",
		    w->s->name);
		return -1;
	}
	/* a rule of one value or one view the row does not have here (a
	 * 32-bit view on a 32-bit image) reads nothing: not applicable,
	 * never a pass with nothing behind it */
	if (e->nv == before && (r->value || r->view)) {
		*why = r->value && r->view ? xasprintf("%s has no value %s in "
		    "a %s view here", w->s->name, r->value, r->view) : r->view ?
		    xasprintf("%s has no %s view here", w->s->name, r->view) :
		    xasprintf("%s has no value %s", w->s->name, r->value);
		return 0;
	}
	return 1;
}

int
rules_evaluate(const struct policy *pol, const struct plan *p,
    const struct facts *f, struct rule_eval **out, size_t *nout)
{
	struct rule_eval *ev = xcalloc(pol->nrd + 1, sizeof(*ev));
	char *current = f->sel_current ? facts_cset_name(f->sel_current) :
	    NULL;

	for (size_t i = 0; i < pol->nrd; i++) {
		struct rule_eval *e = &ev[i];
		const struct rule_def *r = pol->rd[i];
		size_t lines = 0, na = 0;
		char *na_why = NULL;

		e->def = r;
		if ((e->reason = role_missing(r, f, &e->result)) != NULL)
			continue;
		for (size_t k = 0; k < pol->nrw; k++) {
			char *why = NULL;
			int j;

			if (!serves(&pol->rw[k], r))
				continue;
			lines++;
			j = judge_line(e, &pol->rw[k], p, f, current, &why);
			if (j == -1 && e->reason == NULL) {
				e->result = RR_NOTCHECKED;
				e->reason = why;
				why = NULL;
			} else if (j == 0) {
				na++;
				if (na_why == NULL) {
					na_why = why;
					why = NULL;
				}
			}
			free(why);
		}
		if (e->nfail) {
			/* a value that fails is a finding whatever else
			 * could not be read */
			e->result = RR_FAIL;
			free(e->reason);
			e->reason = NULL;
		} else if (e->reason)
			;
		else if (lines > 0 && na == lines) {
			e->result = RR_NA;
			e->reason = na_why;
			na_why = NULL;
		} else
			e->result = RR_PASS;
		free(na_why);
	}
	free(current);
	*out = ev;
	*nout = pol->nrd;
	return 0;
}

void
rules_free(struct rule_eval *ev, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < ev[i].nv; k++) {
			struct rule_value *v = &ev[i].v[k];
			free(v->key);
			free(v->where);
			free(v->value_name);
			free(v->origin);
			regval_free(&v->want);
			if (v->present)
				regval_free(&v->cur);
		}
		free(ev[i].v);
		free(ev[i].reason);
	}
	free(ev);
}

size_t
rules_noncompliant(const struct policy *pol, const struct plan *p,
    const struct rule_eval *ev, size_t n, int explicit_only)
{
	size_t bad = 0;

	for (size_t i = 0; i < n; i++)
		bad += ev[i].result == RR_FAIL || ev[i].result == RR_NOTCHECKED;
	for (size_t i = 0; i < p->nops; i++) {
		const struct op *o = &p->ops[i];
		int ruled = 0;

		if (o->ignored || !verdict_counts(o->verdict, explicit_only))
			continue;
		for (size_t k = 0; k < pol->n && o->s && !ruled; k++)
			ruled = pol->w[k].s == o->s && pol->w[k].nrules > 0;
		bad += !ruled;
	}
	return bad;
}
