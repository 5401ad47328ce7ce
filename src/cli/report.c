/* Text and JSON output; decides nothing, only renders what the run found. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include <json-c/json.h>

#include "cli/report.h"
#include "sha256.h"
#include "policy/plantext.h"
#include "policy/verdict.h"

static const char *const cmd_names[] = { "show", "check", "apply",
    "export" };

/* Raised when a key is renamed, removed or changes meaning; one more key
 * is no new version.  Documented in tlshive(8), OUTPUT. */
#define JSON_SCHEMA_VERSION 2

static char *
os_build(const struct facts *f)
{
	if (f->build == 0)
		return xstrdup("unknown");
	return f->have_ubr ? xasprintf("%u.%u", f->build, f->ubr) :
	    xasprintf("%u", f->build);
}

static void
facts_text(FILE *out, const struct run *r)
{
	const struct facts *f = r->f;
	char *b = os_build(f);

	for (int i = 0; i < HV_COUNT; i++) {
		if (r->hdr[i] == NULL)
			fprintf(out, "%-12s not given\n", hive_id_name(i));
		else
			fprintf(out, "%-12s %s (%s%s)\n", hive_id_name(i),
			    r->img->path[i], r->replayed[i] ?
			    "dirty, logs replayed in memory: " :
			    r->discarded_logs[i] ? "dirty, logs discarded" :
			    r->hdr[i]->dirty ? "dirty" : "clean",
			    r->replayed[i] ? r->replayed[i] : "");
	}
	if (f->have[HV_SOFTWARE]) {
		char *name = facts_name(f);
		fprintf(out, "%-12s %s\n", "windows", name);
		free(name);
		fprintf(out, "%-12s %s%s%s\n", "product",
		    f->product ? f->product : "unknown",
		    f->csd ? " " : "", f->csd ? f->csd : "");
		fprintf(out, "%-12s %s", "build", b);
		if (f->display_version)
			fprintf(out, " (%s)", f->display_version);
		fprintf(out, "\n");
	}
	fprintf(out, "%-12s %s\n", "type", facts_type_name(f->type));
	fprintf(out, "%-12s %s%s\n", "arch", f->arch ? f->arch : "unknown",
	    f->is64 == 1 ? ", 64-bit" : f->is64 == 0 ? ", 32-bit" : "");
	/* Fast Startup came with Windows 8: before it there is nothing to
	 * report unless the value is there all the same */
	if (f->have[HV_SYSTEM] && (f->build == 0 || f->build >= BUILD_WIN8 ||
	    f->fast_startup != -1))
		fprintf(out, "%-12s %s\n", "fast startup", f->fast_startup == 1 ?
		    "on (HiberbootEnabled=1)" : f->fast_startup == 0 ?
		    "off (HiberbootEnabled=0)" : "not set (the Windows default: "
		    "on for clients from Windows 8)");
	if (r->img->where)
		fprintf(out, "%-12s %s\n", r->img->where_label, r->img->where);
	if (r->img->root)
		fprintf(out, "%-12s %s\n", "hibernation", r->img->hiber ==
		    HIBER_ACTIVE ? "hiberfil.sys holds a hibernated session" :
		    r->img->hiber == HIBER_CLEARED ? "hiberfil.sys present, "
		    "no hibernated session" : "no hiberfil.sys");
	if (f->have[HV_SYSTEM]) {
		fprintf(out, "%-12s Current %u, Default %u, LastKnownGood %u; "
		    "writes go to", "control sets", f->sel_current,
		    f->sel_default, f->sel_lkg);
		for (size_t i = 0; i < f->ncsets; i++)
			fprintf(out, " ControlSet%03u", f->csets[i]);
		fprintf(out, "\n");
	}
	free(b);
}

static void
notes_text(FILE *out, const struct run *r)
{
	for (size_t i = 0; i < r->p->notes.n; i++)
		fprintf(out, "note: %s\n", r->p->notes.v[i]);
	for (size_t i = 0; i < r->p->nwarn; i++)
		fprintf(out, "warning: %s\n", r->p->warn[i].text);
}

static void
show_text(FILE *out, const struct run *r)
{
	const struct plan *p = r->p;

	char **eff = xcalloc(p->nt + 1, sizeof(*eff));
	char **st = xcalloc(p->nt + 1, sizeof(*st));
	int starred = 0, wn = 7, ww = 5, we = 9;

	/* columns as wide as their longest entry, so long setting names
	 * (Multi-Protocol Unified Hello server) keep the table aligned; a
	 * curve list is the one value left to run over its column */
	for (size_t i = 0; i < p->nt; i++) {
		struct effect_of e;
		int star, n;

		st[i] = plan_state(&p->t[i]);
		plan_effect(&p->t[i], r->f, &e);
		/* a build without the protocol ignores a value that is there:
		 * that is no default standing in for the registry */
		star = e.source == SRC_DEFAULT && !(e.state ==
		    EFF_UNSUPPORTED && (p->t[i].present[0] ||
		    p->t[i].present[1]));
		starred |= star;
		if (p->t[i].s->kind == SK_SUITES && e.state == EFF_VALUE)
			eff[i] = xasprintf("%s%s", e.source == SRC_REGISTRY ?
			    "listed" : e.source == SRC_LOCAL ? "local" :
			    "default", star ? "*" : "");
		else {
			char *et = plan_effect_text(&p->t[i], &e);
			eff[i] = xasprintf("%s%s", et, star ? "*" : "");
			free(et);
		}
		plan_effect_free(&e);
		if ((n = (int)strlen(p->t[i].s->name)) > wn)
			wn = n;
		if ((n = (int)strlen(p->t[i].where[0] ? p->t[i].where : "-")) >
		    ww)
			ww = n;
		if (p->t[i].s->kind != SK_CURVES && (n = (int)strlen(eff[i])) >
		    we)
			we = n;
	}
	fprintf(out, "\n%-*s  %-*s  %-*s  %s\n", wn, "SETTING", ww, "WHERE",
	    we, "EFFECTIVE", "REGISTRY");
	for (size_t i = 0; i < p->nt; i++) {
		fprintf(out, "%-*s  %-*s  %-*s  %s\n", wn, p->t[i].s->name, ww,
		    p->t[i].where[0] ? p->t[i].where : "-", we, eff[i], st[i]);
		free(eff[i]);
		free(st[i]);
	}
	free(eff);
	free(st);
	if (starred)
		fprintf(out, "(* Windows' default for this build: the registry "
		    "does not set it)\n");
}

static char *
op_path(const struct op *o)
{
	return o->name ? xasprintf("%s\\%s\\%s", hive_id_name(o->hive), o->key,
	    *o->name ? o->name : "@") :
	    xasprintf("%s\\%s", hive_id_name(o->hive), o->key);
}

static void
ops_text(FILE *out, const struct run *r)
{
	const struct plan *p = r->p;

	for (size_t i = 0; i < p->nops; i++) {
		const struct op *o = &p->ops[i];
		char *path, *cur, *want;

		if (!o->needed || (r->cmd == CMD_CHECK && o->ignored))
			continue;
		path = op_path(o);
		if (r->cmd == CMD_CHECK && !verdict_counts(o->verdict,
		    r->explicit_only)) {
			struct effect_of e;
			char *et;
			plan_effect(&p->t[o->target], r->f, &e);
			et = plan_effect_text(&p->t[o->target], &e);
			if (e.source == SRC_DEFAULT)
				fprintf(out, "%s: %s: implicit: absent, and "
				    "already %s by Windows' default for build "
				    "%u\n", plan_op_label(o), path, et,
				    r->f->build);
			else
				fprintf(out, "%s: %s: implicit: absent, and "
				    "already %s by the key's other value\n",
				    plan_op_label(o), path, et);
			free(et);
			plan_effect_free(&e);
			free(path);
			continue;
		}
		cur = plan_op_before(o);
		want = plan_op_after(o);
		if (r->cmd == CMD_CHECK)
			fprintf(out, "%s: %s: expected %s, actual %s%s\n",
			    plan_op_label(o), path, want, cur,
			    o->verdict == V_UNKNOWN ? ", and no page says what "
			    "this build does without it" : "");
		else
			fprintf(out, "%s: %s: %s -> %s\n", plan_op_label(o),
			    path, cur, want);
		free(path);
		free(cur);
		free(want);
	}
}

/*
 * What the user counts: a setting, wherever it lives (every control set,
 * both registry views), or one value of a .reg file.  A unit is the ops
 * of one row, or one raw op.
 */
struct unit {
	const struct setting *s;	/* NULL: a .reg value */
	size_t *op;			/* indexes of its needed ops */
	size_t nop;
	int differs;			/* check: a difference that counts */
	int unknown;
	int key;			/* a .reg key, not a value */
};

static int
is_key_op(const struct op *o)
{
	return o->kind == OP_MKKEY || o->kind == OP_DELETE_KEY;
}

/*
 * A unit's id: its setting, or its .reg line (one op per control set it
 * stands for) and the change there.  Looked up in a map, since an undo
 * file can hold tens of thousands of lines.
 */
static char *
unit_id(const struct op *o)
{
	return o->s ? xasprintf("s|%p", (const void *)o->s) :
	    xasprintf("r|%d|%s|%s%s", (int)o->kind, o->origin ? o->origin :
	    "", o->name ? "v:" : "k", o->name ? o->name : "");
}

static struct unit *
units_of(const struct run *r, size_t *n)
{
	const struct plan *p = r->p;
	struct strmap *ids = sm_new();
	struct unit *u = NULL;
	size_t nu = 0, k;

	for (size_t i = 0; i < p->nops; i++) {
		const struct op *o = &p->ops[i];
		struct unit *x;
		char *id;

		if (!o->needed || o->ignored)
			continue;
		/* a setting wherever it lives; a .reg line in every control
		 * set it stands for */
		id = unit_id(o);
		if (sm_get(ids, id, &k))
			x = &u[k];
		else {
			sm_put(ids, id, nu);
			u = xrealloc(u, (nu + 1) * sizeof(*u));
			x = &u[nu++];
			memset(x, 0, sizeof(*x));
			x->s = o->s;
			x->key = o->s == NULL && is_key_op(o);
		}
		free(id);
		x->op = xrealloc(x->op, (x->nop + 1) * sizeof(*x->op));
		x->op[x->nop++] = i;
		x->differs |= verdict_counts(o->verdict, r->explicit_only);
		x->unknown |= o->verdict == V_UNKNOWN;
	}
	sm_free(ids);
	*n = nu;
	return u;
}

static void
units_free(struct unit *u, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(u[i].op);
	free(u);
}

/* Settings, .reg values and .reg keys: those selected (changed, or
 * differing) and all that the policy names, in the user's unit. */
struct tally {
	size_t ns, nr, nk;	/* selected */
	size_t as, ar, ak;	/* all */
};

/* Every setting (once, however many places it lives) and .reg value the
 * plan has an op for, changed or not. */
static void
tally_all(const struct run *r, struct tally *all)
{
	struct strmap *ids = sm_new();

	memset(all, 0, sizeof(*all));
	for (size_t i = 0; i < r->p->nops; i++) {
		const struct op *o = &r->p->ops[i];
		char *id;

		if (o->ignored)
			continue;
		id = unit_id(o);
		if (!sm_get(ids, id, NULL)) {
			sm_put(ids, id, 0);
			*(o->s ? &all->as : is_key_op(o) ? &all->ak :
			    &all->ar) += 1;
		}
		free(id);
	}
	sm_free(ids);
}

/* which: -1 every unit, 1 those that differ, 0 the implicit ones */
static void
tally(const struct unit *u, size_t nu, int which, const struct tally *all,
    struct tally *t)
{
	*t = *all;
	t->ns = t->nr = t->nk = 0;
	for (size_t i = 0; i < nu; i++)
		if (which < 0 || u[i].differs == which)
			*(u[i].s ? &t->ns : u[i].key ? &t->nk : &t->nr) += 1;
}

/* "3 settings", "3 of 39 settings", "2 settings, 1 .reg value and
 * 2 .reg keys": the parts that have any, settings when none has */
static char *
tally_text(const struct tally *t, int of, int all)
{
	static const char *const what[] = { "setting", ".reg value",
	    ".reg key" };
	size_t sel[3] = { t->ns, t->nr, t->nk };
	size_t tot[3] = { t->as, t->ar, t->ak };
	struct strbuf sb = { 0 };
	int parts[3], np = 0;

	for (int i = 0; i < 3; i++)
		if ((of || all ? tot[i] : sel[i]) != 0 || (i == 0 && (of || all ?
		    tot[1] + tot[2] : sel[1] + sel[2]) == 0))
			parts[np++] = i;
	for (int k = 0; k < np; k++) {
		int i = parts[k];
		size_t n = all ? tot[i] : sel[i];
		const char *sep = k == 0 ? "" : k == np - 1 ? " and " : ", ";
		if (of)
			sb_add(&sb, "%s%zu of %zu %s%s", sep, sel[i], tot[i],
			    what[i], tot[i] == 1 ? "" : "s");
		else
			sb_add(&sb, "%s%zu %s%s", sep, n, what[i], n == 1 ? "" :
			    "s");
	}
	return sb_take(&sb);
}

/* Where a unit's ops write: "ControlSet001, ControlSet002", "64-bit". */
static char *
unit_where(const struct run *r, const struct unit *u)
{
	struct strbuf sb = { 0 };

	sb_add(&sb, "%s", "");
	for (size_t i = 0; i < u->nop; i++) {
		const struct op *o = &r->p->ops[u->op[i]];
		const char *w = o->target != NO_TARGET ?
		    r->p->t[o->target].where : "";
		int seen = 0;
		for (size_t k = 0; k < i && !seen; k++) {
			const struct op *q = &r->p->ops[u->op[k]];
			seen = q->target != NO_TARGET &&
			    strcmp(r->p->t[q->target].where, w) == 0;
		}
		if (*w && !seen)
			sb_add(&sb, "%s%s", sb.len ? ", " : "", w);
	}
	return sb_take(&sb);
}

/* The unit's values at its first place, after the change. */
static char *
unit_after(const struct run *r, const struct unit *u)
{
	const struct op *first = &r->p->ops[u->op[0]];
	struct strbuf sb = { 0 };
	size_t n = 0;

	sb_add(&sb, "%s", "");
	for (size_t i = 0; i < u->nop; i++) {
		const struct op *o = &r->p->ops[u->op[i]];
		if (o->target != first->target || (o->target == NO_TARGET &&
		    strcmp(o->key, first->key) != 0))
			continue;
		n++;
	}
	for (size_t i = 0; i < u->nop; i++) {
		const struct op *o = &r->p->ops[u->op[i]];
		char *a;
		if (o->target != first->target || (o->target == NO_TARGET &&
		    strcmp(o->key, first->key) != 0))
			continue;
		a = plan_op_after(o);
		if ((n == 1 && !(o->s && o->s->kind == SK_PROTOCOL)) ||
		    o->name == NULL)
			sb_add(&sb, "%s%s", sb.len ? ", " : "", a);
		else
			sb_add(&sb, "%s%s=%s", sb.len ? ", " : "", *o->name ?
			    o->name : "@", a);
		free(a);
	}
	return sb_take(&sb);
}

/* One line per setting (or .reg value): old state, new state, where,
 * and the profile line that asked for it; -v gives every value. */
static void
units_text(FILE *out, const struct run *r)
{
	size_t n;
	struct unit *u = units_of(r, &n);
	int check = r->cmd == CMD_CHECK, header = 0;

	for (int pass = 0; pass < (check ? 2 : 1); pass++)
		for (size_t i = 0; i < n; i++) {
			const struct op *o = &r->p->ops[u[i].op[0]];
			char *before, *after, *where, *path;

			if (check && u[i].differs != (pass == 0))
				continue;
			if (check && pass == 1 && !header++)
				fprintf(out, "implicit: absent, but Windows "
				    "already gives the wanted effect "
				    "(--explicit counts these)\n");
			before = o->target != NO_TARGET && o->s ?
			    plan_state(&r->p->t[o->target]) :
			    plan_op_before(o);
			after = unit_after(r, &u[i]);
			where = unit_where(r, &u[i]);
			path = o->s ? NULL : op_path(o);
			if (check && pass == 1) {
				struct effect_of e;
				char *et;
				plan_effect(&r->p->t[o->target], r->f, &e);
				et = plan_effect_text(&r->p->t[o->target], &e);
				fprintf(out, "  %s: %s by %s%s%s\n",
				    o->s->name, et, e.source == SRC_DEFAULT ?
				    "Windows' default" : "the key's other value",
				    *where ? " in " : "", where);
				free(et);
				plan_effect_free(&e);
			} else if (check)
				fprintf(out, "%s: expected %s, actual %s%s%s "
				    "(%s)%s\n", o->s ? o->s->name : path, after,
				    before, *where ? " in " : "", where,
				    o->origin ? o->origin : "-", u[i].unknown ?
				    "; no page says what this build does "
				    "without it" : "");
			else
				fprintf(out, "%s: %s -> %s%s%s (%s)\n", o->s ?
				    o->s->name : path, before, after, *where ?
				    " in " : "", where, o->origin ? o->origin :
				    "-");
			free(before);
			free(after);
			free(where);
			free(path);
		}
	units_free(u, n);
}

/* What Windows ignores, once per .reg line, apart from the counts. */
static void
ignored_text(FILE *out, const struct run *r)
{
	int head = 0;

	for (size_t i = 0; i < r->p->nign; i++) {
		char *t = plan_ignored_text(r->p, i, "");
		if (t == NULL)
			continue;
		if (!head++)
			fprintf(out, "ignored: Windows never reads these .reg "
			    "changes%s; not counted (--strict refuses them)\n",
			    r->cmd == CMD_APPLY ? ", written all the same as "
			    "regedit writes them" : "");
		fprintf(out, "  %s\n", t);
		free(t);
	}
}

static void
summary_text(FILE *out, const struct run *r)
{
	size_t nu, n, nign = 0;
	struct unit *u = units_of(r, &nu);
	struct tally ta, tc, td, ti;
	char *all, *cnt, *diff, *impl;
	int one;

	tally_all(r, &ta);
	tally(u, nu, -1, &ta, &tc);
	tally(u, nu, 1, &ta, &td);
	tally(u, nu, 0, &ta, &ti);
	units_free(u, nu);
	n = nu;
	all = tally_text(&tc, 0, 1);
	/* "all 1 setting match" is no English */
	one = ta.as + ta.ar + ta.ak == 1;
	cnt = tally_text(&tc, 0, 0);
	diff = tally_text(&td, 1, 0);
	impl = tally_text(&ti, 0, 0);
	if (r->cmd == CMD_CHECK) {
		size_t implicit = ti.ns + ti.nr + ti.nk;
		if (td.ns + td.nr + td.nk)
			fprintf(out, "not compliant: %s differ from %s%s%s%s\n",
			    diff, r->profile, implicit ? "; " : "", implicit ?
			    impl : "", implicit ? " more match only through "
			    "Windows' defaults, and apply writes those too" :
			    "");
		else if (one && n)
			fprintf(out, "compliant: %s matches %s, only through "
			    "Windows' default (--explicit counts it)\n", all,
			    r->profile);
		else if (n)
			fprintf(out, "compliant: all %s match %s, %zu of them "
			    "only through Windows' defaults (--explicit counts "
			    "those)\n", all, r->profile, implicit);
		else
			fprintf(out, "compliant: %s%s match%s %s\n", one ? "" :
			    "all ", all, one ? "es" : "", r->profile);
		goto out;
	}
	/* changes Windows ignores are written (as regedit writes them), and
	 * said so, but never counted as settings or .reg values */
	for (size_t i = 0; i < r->p->nops; i++)
		nign += r->p->ops[i].needed && r->p->ops[i].ignored;
	if (nign) {
		char *c = n ? xasprintf("%s (and %zu change%s Windows ignores)",
		    cnt, nign, nign == 1 ? "" : "s") : xasprintf("%zu change%s "
		    "Windows ignores", nign, nign == 1 ? "" : "s");
		free(cnt);
		cnt = c;
	}
	if (n == 0 && nign == 0 && r->img->recovered)
		fprintf(out, "nothing more to do: %s%s match%s %s once the "
		    "journal is replayed; the image was written by the replay "
		    "alone\n", one ? "" : "all ", all, one ? "es" : "",
		    r->profile);
	else if (n == 0 && nign == 0)
		fprintf(out, "nothing to do: %s%s already match%s %s; no file "
		    "written\n", one ? "" : "all ", all, one ? "es" : "",
		    r->profile);
	else if (r->dry_run)
		fprintf(out, "dry run: %s to change, from %s; no file "
		    "written\n", cnt, r->profile);
	else {
		/* a WIM is written once, after its last image: until then
		 * the changes are only in memory */
		fprintf(out, "%s %s from %s %s", r->img->staged ? "staged"
		    : "applied", cnt, r->profile, r->img->staged ? "for" : "to");
		for (int h = 0; h < HV_COUNT; h++) {
			int any = 0;
			for (size_t i = 0; i < r->p->nops && !any; i++)
				any = r->p->ops[i].needed &&
				    r->p->ops[i].hive == (enum hive_id)h;
			if (any)
				fprintf(out, " %s", r->img->path[h]);
		}
		fprintf(out, "\n");
	}
out:
	free(all);
	free(cnt);
	free(diff);
	free(impl);
}

static const char *const rule_words[] = {
	[RR_PASS] = "pass", [RR_FAIL] = "fail", [RR_NA] = "not applicable",
	[RR_NOTCHECKED] = "not checked"
};

/* "SYSTEM\ControlSet001\...\Enabled": the value the check reads */
static char *
rule_value_full(const struct rule_value *v)
{
	return xasprintf("%s\\%s\\%s", hive_id_name(v->hive), v->key,
	    *v->value_name ? v->value_name : "@");
}

static const char *
compare_name(const struct rule_value *v)
{
	return v->at_least ? "at-least" : v->nonzero ? "nonzero" : "exact";
}

static void
rule_value_text(FILE *out, const struct rule_value *v)
{
	char *path = rule_value_full(v);
	char *want = regval_format(&v->want);
	char *cur = v->present ? regval_format(&v->cur) : xstrdup("absent");

	fprintf(out, "  %s: %s: %s%s: expected %s%s%s, actual %s (%s)\n",
	    v->s->name, rule_words[v->result], path, v->current ?
	    " (CurrentControlSet)" : "", v->at_least ? "at least " : "", want,
	    v->nonzero ? " or any non-zero" : v->absent_ok ? " or absent" : "",
	    cur, v->origin);
	free(path);
	free(want);
	free(cur);
}

/* Each rule, then its failing values (-v: every value). */
static void
rules_text(FILE *out, const struct run *r)
{
	for (size_t i = 0; i < r->nrules; i++) {
		const struct rule_eval *e = &r->rules[i];
		const struct rule_def *d = e->def;

		fprintf(out, "%s (%s, %s%s%s): %s", d->id, d->bench->name,
		    d->severity, d->ver ? ", " : "", d->ver ? d->ver : "",
		    rule_words[e->result]);
		if (e->reason)
			fprintf(out, ": %s\n", e->reason);
		else if (e->result == RR_FAIL)
			fprintf(out, ": %zu of %zu values\n", e->nfail, e->nv);
		else
			fprintf(out, ": %zu value%s\n", e->nv, e->nv == 1 ? "" :
			    "s");
		for (size_t k = 0; k < e->nv; k++)
			if (r->verbose || e->v[k].result == RR_FAIL)
				rule_value_text(out, &e->v[k]);
	}
}

static void
conflicts_text(FILE *out, const struct run *r)
{
	for (size_t i = 0; r->conflicts && i < r->conflicts->n; i++)
		fprintf(out, "conflict: %s\n", r->conflicts->v[i]);
}

/* The verdict of a check with benchmarks: their rules decide. */
static void
rules_summary(FILE *out, const struct run *r)
{
	size_t n[RR_COUNT] = { 0 }, other = r->findings;
	struct strbuf sb = { 0 };
	const char *sep = "";

	for (size_t i = 0; i < r->nrules; i++) {
		n[r->rules[i].result]++;
		if (r->rules[i].result == RR_FAIL ||
		    r->rules[i].result == RR_NOTCHECKED)
			other--;
	}
	for (int k = 0; k < RR_COUNT; k++) {
		if (n[k] == 0)
			continue;
		sb_add(&sb, "%s%zu %s", sep, n[k], rule_words[k]);
		sep = ", ";
	}
	fprintf(out, "%s: %zu rule%s of %s: %s", r->findings ? "not compliant" :
	    "compliant", r->nrules, r->nrules == 1 ? "" : "s", r->profile,
	    sb.s);
	if (other)
		fprintf(out, "; and %zu value%s of settings no rule decides "
		    "differ%s", other, other == 1 ? "" : "s", other == 1 ? "s" :
		    "");
	fputc('\n', out);
	free(sb.s);
}

void
report_text(FILE *out, const struct run *r)
{
	if (r->cmd == CMD_SHOW) {
		facts_text(out, r);
		show_text(out, r);
		notes_text(out, r);
		return;
	}
	/* the image changed before this run planned anything */
	if (r->img->recovered)
		fprintf(out, "recovered %s: the journal of an interrupted run "
		    "(%s) was replayed into the image first\n", r->img->root,
		    r->img->recovered);
	for (int i = 0; i < HV_COUNT; i++)
		if (r->replayed[i])
			fprintf(out, "replayed %s's logs in memory: %s\n",
			    r->img->path[i], r->replayed[i]);
	if (r->verbose)
		ops_text(out, r);
	else
		units_text(out, r);
	ignored_text(out, r);
	notes_text(out, r);
	conflicts_text(out, r);
	if (r->nrules) {
		rules_text(out, r);
		rules_summary(out, r);
	} else
		summary_text(out, r);
}

/* JSON */

static json_object *
jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static json_object *
jval(const struct regval *v, int present)
{
	uint32_t d;
	char *s, **m;
	size_t n;
	json_object *o;

	if (!present)
		return NULL;
	if (regval_get_dword(v, &d))
		return json_object_new_int64(d);
	if (v->type == REGT_SZ && (s = regval_get_sz(v)) != NULL) {
		o = json_object_new_string(s);
		free(s);
		return o;
	}
	if ((m = regval_get_multi_sz(v, &n)) != NULL) {
		o = json_object_new_array();
		for (size_t i = 0; i < n; i++)
			json_object_array_add(o, json_object_new_string(m[i]));
		strv_free(m, n);
		return o;
	}
	s = regval_format(v);
	o = json_object_new_string(s);
	free(s);
	return o;
}

static json_object *
facts_json(const struct run *r)
{
	const struct facts *f = r->f;
	json_object *os = json_object_new_object(), *cs, *w;

	{
		char *name = facts_name(f);
		json_object_object_add(os, "name", jstr(name));
		free(name);
	}
	json_object_object_add(os, "product", jstr(f->product));
	json_object_object_add(os, "edition", jstr(f->edition));
	if (f->major || f->version) {
		char *v = f->major ? xasprintf("%u.%u", f->major, f->minor) :
		    xstrdup(f->version);
		json_object_object_add(os, "version", jstr(v));
		free(v);
	} else
		json_object_object_add(os, "version", NULL);
	json_object_object_add(os, "build", f->build ?
	    json_object_new_int64(f->build) : NULL);
	json_object_object_add(os, "ubr", f->have_ubr ?
	    json_object_new_int64(f->ubr) : NULL);
	json_object_object_add(os, "display_version",
	    jstr(f->display_version));
	json_object_object_add(os, "service_pack", jstr(f->csd));
	json_object_object_add(os, "type", f->type == OS_TYPE_UNKNOWN ? NULL :
	    json_object_new_string(facts_type_name(f->type)));
	json_object_object_add(os, "arch", jstr(f->arch));
	json_object_object_add(os, "64bit", f->is64 < 0 ? NULL :
	    json_object_new_boolean(f->is64));
	json_object_object_add(os, "fast_startup", f->fast_startup < 0 ? NULL :
	    json_object_new_boolean(f->fast_startup));
	/* hiberfil.sys is looked for at a volume's root: hive files alone
	 * may have none to look in, and then nothing is known */
	json_object_object_add(os, "hibernated", r->img->root ||
	    r->img->hiber != HIBER_NONE ?
	    json_object_new_boolean(r->img->hiber == HIBER_ACTIVE) : NULL);
	if (!f->have[HV_SYSTEM])
		json_object_object_add(os, "control_sets", NULL);
	else {
		cs = json_object_new_object();
		json_object_object_add(cs, "current",
		    json_object_new_int64(f->sel_current));
		json_object_object_add(cs, "default",
		    json_object_new_int64(f->sel_default));
		json_object_object_add(cs, "last_known_good",
		    json_object_new_int64(f->sel_lkg));
		w = json_object_new_array();
		for (size_t i = 0; i < f->ncsets; i++) {
			char *n = facts_cset_name(f->csets[i]);
			json_object_array_add(w, json_object_new_string(n));
			free(n);
		}
		json_object_object_add(cs, "written", w);
		json_object_object_add(os, "control_sets", cs);
	}
	return os;
}

static json_object *
hives_json(const struct run *r)
{
	json_object *o = json_object_new_object();

	for (int i = 0; i < HV_COUNT; i++) {
		json_object *h;
		if (r->hdr[i] == NULL) {
			json_object_object_add(o, hive_id_name(i), NULL);
			continue;
		}
		h = json_object_new_object();
		json_object_object_add(h, "path", jstr(r->img->path[i]));
		json_object_object_add(h, "state", json_object_new_string(
		    r->hdr[i]->dirty || r->replayed[i] ? "dirty" : "clean"));
		json_object_object_add(h, "logs_replayed", jstr(r->replayed[i]));
		json_object_object_add(h, "logs_discarded",
		    json_object_new_boolean(r->discarded_logs[i]));
		json_object_object_add(o, hive_id_name(i), h);
	}
	return o;
}

static json_object *
settings_json(const struct run *r)
{
	const struct plan *p = r->p;
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < p->nt; i++) {
		const struct target *t = &p->t[i];
		json_object *o = json_object_new_object(), *reg;
		const char *names[2];
		size_t n = setting_value_names(t->s, names);
		char *st = plan_state(t);

		json_object_object_add(o, "name", jstr(t->s->name));
		json_object_object_add(o, "hive",
		    jstr(hive_id_name(t->s->hive)));
		json_object_object_add(o, "path", jstr(t->key));
		json_object_object_add(o, "where", jstr(t->where));
		json_object_object_add(o, "value", jstr(st));
		{
			struct effect_of e;
			char *et;
			plan_effect(t, r->f, &e);
			et = plan_effect_text(t, &e);
			json_object_object_add(o, "effective", jstr(et));
			free(et);
			json_object_object_add(o, "source",
			    jstr(effect_source_name(e.source)));
			json_object_object_add(o, "default_from", jstr(e.page));
			plan_effect_free(&e);
		}
		reg = json_object_new_object();
		for (size_t k = 0; k < n; k++)
			json_object_object_add(reg, names[k],
			    jval(&t->cur[k], t->present[k]));
		json_object_object_add(o, "registry", reg);
		json_object_array_add(a, o);
		free(st);
	}
	return a;
}

static const char *const verdict_names[] = {
	[V_COMPLIANT] = "compliant", [V_IMPLICIT] = "implicit",
	[V_UNSUPPORTED] = "unsupported", [V_DIFFERS] = "differs",
	[V_UNKNOWN] = "unknown"
};

static const char *const op_actions[] = {
	[OP_SET] = "set", [OP_DELETE_VALUE] = "delete",
	[OP_DELETE_KEY] = "delete-key", [OP_MKKEY] = "create-key"
};

static json_object *
rules_json(const struct run *r)
{
	json_object *a;

	if (r->nrules == 0)
		return NULL;
	a = json_object_new_array();
	for (size_t i = 0; i < r->nrules; i++) {
		const struct rule_eval *e = &r->rules[i];
		const struct rule_def *d = e->def;
		json_object *o = json_object_new_object();
		json_object *vs = json_object_new_array();

		json_object_object_add(o, "id", jstr(d->id));
		json_object_object_add(o, "benchmark", jstr(d->bench->name));
		json_object_object_add(o, "severity", jstr(d->severity));
		json_object_object_add(o, "stig_ver", jstr(d->ver));
		json_object_object_add(o, "xccdf_id", jstr(d->xccdf));
		json_object_object_add(o, "title", jstr(d->title));
		json_object_object_add(o, "result",
		    jstr(rule_result_name(e->result)));
		json_object_object_add(o, "reason", jstr(e->reason));
		json_object_object_add(o, "values_failing",
		    json_object_new_int64((int64_t)e->nfail));
		for (size_t k = 0; k < e->nv; k++) {
			const struct rule_value *v = &e->v[k];
			json_object *x = json_object_new_object();
			json_object_object_add(x, "setting", jstr(v->s->name));
			json_object_object_add(x, "hive",
			    jstr(hive_id_name(v->hive)));
			json_object_object_add(x, "path", jstr(v->key));
			json_object_object_add(x, "where", jstr(v->where));
			json_object_object_add(x, "current",
			    json_object_new_boolean(v->current));
			json_object_object_add(x, "value_name",
			    jstr(v->value_name));
			json_object_object_add(x, "expected",
			    jval(&v->want, 1));
			json_object_object_add(x, "actual",
			    jval(&v->cur, v->present));
			json_object_object_add(x, "compare",
			    jstr(compare_name(v)));
			json_object_object_add(x, "absent_ok",
			    json_object_new_boolean(v->absent_ok));
			json_object_object_add(x, "result",
			    jstr(rule_result_name(v->result)));
			json_object_object_add(x, "origin", jstr(v->origin));
			json_object_array_add(vs, x);
		}
		json_object_object_add(o, "values", vs);
		json_object_array_add(a, o);
	}
	return a;
}

/* The benchmarks the rules come from, once each, in rule order. */
static json_object *
benchmarks_json(const struct run *r)
{
	json_object *a;
	const struct benchmark_def *seen[64];
	size_t ns = 0;

	if (r->nrules == 0)
		return NULL;
	a = json_object_new_array();
	for (size_t i = 0; i < r->nrules; i++) {
		const struct benchmark_def *b = r->rules[i].def->bench;
		size_t k = 0;
		json_object *o;

		while (k < ns && seen[k] != b)
			k++;
		if (k < ns || ns == 64)
			continue;
		seen[ns++] = b;
		o = json_object_new_object();
		json_object_object_add(o, "name", jstr(b->name));
		json_object_object_add(o, "stigid", jstr(b->stigid));
		json_object_object_add(o, "version", jstr(b->version));
		json_object_object_add(o, "title", jstr(b->title));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *
conflicts_json(const struct run *r)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; r->conflicts && i < r->conflicts->n; i++)
		json_object_array_add(a, jstr(r->conflicts->v[i]));
	return a;
}

static json_object *
ops_json(const struct run *r, int implicit_list)
{
	const struct plan *p = r->p;
	json_object *a = json_object_new_array();
	int check = r->cmd == CMD_CHECK;

	for (size_t i = 0; i < p->nops; i++) {
		const struct op *op = &p->ops[i];
		json_object *o, *before, *after;

		if (!op->needed || (check && op->ignored) ||
		    (check && verdict_counts(op->verdict,
		    r->explicit_only) == implicit_list))
			continue;
		if (op->name) {
			before = jval(&op->cur, op->cur_present);
			after = op->kind == OP_SET ? jval(&op->want, 1) : NULL;
		} else {
			before = json_object_new_boolean(op->key_present);
			after = json_object_new_boolean(op->kind == OP_MKKEY ||
			    op->rebuilt);
		}
		o = json_object_new_object();
		json_object_object_add(o, "name", op->s ?
		    jstr(op->s->name) : NULL);
		json_object_object_add(o, "hive", jstr(hive_id_name(op->hive)));
		json_object_object_add(o, "path", jstr(op->key));
		json_object_object_add(o, "value_name", jstr(op->name));
		json_object_object_add(o, "action", jstr(op_actions[op->kind]));
		json_object_object_add(o, check ? "actual" : "old", before);
		json_object_object_add(o, check ? "expected" : "new", after);
		if (op->rebuilt)	/* kept, holding only what follows */
			json_object_object_add(o, "extra", json_object_new_int64(
			    (int64_t)op->extras));
		json_object_object_add(o, "origin", jstr(op->origin));
		if (check)
			json_object_object_add(o, "verdict",
			    jstr(verdict_names[op->verdict]));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *
ignored_json(const struct plan *p)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < p->nign; i++) {
		const struct ignored *g = &p->ign[i];
		const struct op *op = &p->ops[g->op];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "hive", jstr(hive_id_name(op->hive)));
		json_object_object_add(o, "path", jstr(op->key));
		json_object_object_add(o, "value_name", jstr(op->name));
		json_object_object_add(o, "item", jstr(g->item));
		json_object_object_add(o, "reason", jstr(g->why));
		json_object_object_add(o, "closest", jstr(g->closest));
		json_object_object_add(o, "origin", jstr(op->origin));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *
notes_json(const struct plan *p)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < p->notes.n; i++)
		json_object_array_add(a, jstr(p->notes.v[i]));
	return a;
}

/*
 * What a pipeline records of what it checked: the file it named (a disk
 * image, a WIM) or each hive file, with its size and time, and with
 * --sha256 its digest.  Stat'ed as the report is written, after apply's
 * writes.
 */
static json_object *
identity_json(const struct run *r)
{
	const struct image *img = r->img;
	json_object *o = json_object_new_object(), *files =
	    json_object_new_array();
	const char *kind = img->root == NULL ? "hive-files" : img->format ?
	    "disk" : img->member ? "wim" : "directory";
	const char *paths[HV_COUNT + 1];
	size_t n = 0;

	if (img->root && (img->format || img->member))
		paths[n++] = img->root;
	else
		for (int i = 0; i < HV_COUNT; i++)
			if (img->path[i] && r->hdr[i])
				paths[n++] = img->path[i];
	for (size_t i = 0; i < n; i++) {
		json_object *f = json_object_new_object();
		struct stat st;
		char hex[65];
		int have = stat(paths[i], &st) == 0;

		json_object_object_add(f, "path", jstr(paths[i]));
		json_object_object_add(f, "size", have ?
		    json_object_new_int64((int64_t)st.st_size) : NULL);
		json_object_object_add(f, "mtime", have ?
		    json_object_new_int64((int64_t)st.st_mtime) : NULL);
		json_object_object_add(f, "sha256", have && r->sha256 &&
		    sha256_file(paths[i], hex) == 0 ? jstr(hex) : NULL);
		json_object_array_add(files, f);
	}
	json_object_object_add(o, "kind", jstr(kind));
	json_object_object_add(o, "files", files);
	return o;
}

static const char *
outcome_name(int status)
{
	return status == TLSH_EXIT_OK ? "ok" : status == TLSH_EXIT_NONCOMPLIANT ?
	    "noncompliant" : "error";
}

/*
 * outcome, error and exit: an error is its kind (a stable word) and what
 * was said (the messages without their last newline); none unless the
 * outcome is one
 */
static void
batch_members(json_object *o, int status, enum tlsh_errc code,
    const char *said, int exit_zero)
{
	size_t n = said ? strlen(said) : 0;
	json_object *e = NULL;

	while (n && said[n - 1] == '\n')
		n--;
	if (status != TLSH_EXIT_OK && status != TLSH_EXIT_NONCOMPLIANT) {
		e = json_object_new_object();
		json_object_object_add(e, "code",
		    jstr(tlsh_errc_name(code)));
		json_object_object_add(e, "message",
		    json_object_new_string_len(said ? said : "", (int)n));
	}
	json_object_object_add(o, "outcome", jstr(outcome_name(status)));
	json_object_object_add(o, "error", e);
	json_object_object_add(o, "exit", json_object_new_int(exit_zero &&
	    status == TLSH_EXIT_NONCOMPLIANT ? TLSH_EXIT_OK : status));
}

void
report_batch_head(FILE *out, const char *image, int status)
{
	fprintf(out, "== %s: %s\n", image, outcome_name(status));
}

void
report_json(FILE *out, const struct run *r)
{
	json_object *o = json_object_new_object(), *u = NULL, *wim = NULL,
	    *disk = NULL;

	/* the same keys whatever the image and however many: null where
	 * one does not apply */
	json_object_object_add(o, "schema_version",
	    json_object_new_int(JSON_SCHEMA_VERSION));
	json_object_object_add(o, "tlshive_version", jstr(PACKAGE_VERSION));
	json_object_object_add(o, "command", jstr(cmd_names[r->cmd]));
	json_object_object_add(o, "image", jstr(r->img->root));
	/* a run that failed prints the error document instead (msg.c's
	 * json_failed), with its code */
	batch_members(o, r->status, TLSH_E_INTERNAL, r->said, r->exit_zero);
	{
		/* warnings and notes said on standard error: a document of
		 * a run that went well may carry them too */
		size_t n = r->said ? strlen(r->said) : 0;
		while (n && r->said[n - 1] == '\n')
			n--;
		json_object_object_add(o, "messages", n ?
		    json_object_new_string_len(r->said, (int)n) : NULL);
	}
	json_object_object_add(o, "duration_ms",
	    json_object_new_int64((int64_t)tlsh_elapsed_ms()));
	json_object_object_add(o, "image_identity", identity_json(r));
	if (r->user_sid) {
		u = json_object_new_object();
		json_object_object_add(u, "sid", jstr(r->user_sid));
		json_object_object_add(u, "path", jstr(r->user_path));
	}
	json_object_object_add(o, "user_profile", u);
	if (r->img->member) {
		wim = json_object_new_object();
		json_object_object_add(wim, "index",
		    json_object_new_int(r->img->member));
		json_object_object_add(wim, "name", jstr(r->img->member_name));
	}
	json_object_object_add(o, "wim", wim);
	if (r->img->format) {
		disk = json_object_new_object();
		json_object_object_add(disk, "format", jstr(r->img->format));
		json_object_object_add(disk, "partition", r->img->partition ?
		    json_object_new_int(r->img->partition) : NULL);
	}
	json_object_object_add(o, "disk", disk);
	json_object_object_add(o, "hives", hives_json(r));
	json_object_object_add(o, "os", facts_json(r));
	json_object_object_add(o, "profile", r->cmd == CMD_SHOW ? NULL :
	    jstr(r->profile));
	json_object_object_add(o, "settings", settings_json(r));
	if (r->cmd == CMD_CHECK) {
		json_object_object_add(o, "compliant",
		    json_object_new_boolean(r->nrules ? r->findings == 0 :
		    plan_noncompliant(r->p, r->explicit_only) == 0));
		json_object_object_add(o, "explicit",
		    json_object_new_boolean(r->explicit_only));
		json_object_object_add(o, "differences", ops_json(r, 0));
		json_object_object_add(o, "implicit", ops_json(r, 1));
		json_object_object_add(o, "ignored", ignored_json(r->p));
		json_object_object_add(o, "benchmarks", benchmarks_json(r));
		json_object_object_add(o, "rules", rules_json(r));
		json_object_object_add(o, "conflicts", conflicts_json(r));
	} else if (r->cmd == CMD_APPLY) {
		json_object_object_add(o, "dry_run",
		    json_object_new_boolean(r->dry_run));
		/* what a pipeline's "changed" reads (Ansible's changed_when):
		 * false for a dry run and for an image already as wanted */
		json_object_object_add(o, "changed",
		    json_object_new_boolean(r->changed));
		/* the journal written into the image before the plan, which
		 * then finds nothing left to change */
		json_object_object_add(o, "recovered", r->img->recovered ?
		    json_object_new_boolean(1) : json_object_new_boolean(0));
		json_object_object_add(o, "recovered_journal",
		    jstr(r->img->recovered));
		json_object_object_add(o, "changes", ops_json(r, 0));
		json_object_object_add(o, "ignored", ignored_json(r->p));
		json_object_object_add(o, "conflicts", conflicts_json(r));
	}
	json_object_object_add(o, "notes", notes_json(r->p));
	{
		json_object *uc = json_object_new_array();
		for (size_t i = 0; i < r->p->unchecked.n; i++)
			json_object_array_add(uc,
			    jstr(r->p->unchecked.v[i]));
		json_object_object_add(o, "unchecked_prerequisites", uc);
	}
	{
		json_object *w = json_object_new_array();
		for (size_t i = 0; i < r->p->nwarn; i++) {
			json_object *e = json_object_new_object();
			json_object_object_add(e, "kb",
			    json_object_new_int64(r->p->warn[i].kb));
			json_object_object_add(e, "message",
			    jstr(r->p->warn[i].text));
			json_object_array_add(w, e);
		}
		json_object_object_add(o, "warnings", w);
	}
	fprintf(out, "%s\n", json_object_to_json_string_ext(o, (r->compact ?
	    JSON_C_TO_STRING_PLAIN : JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_SPACED) | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

void
report_json_error(FILE *out, const char *image, enum tlsh_errc code,
    const char *error, int status, int compact)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "schema_version",
	    json_object_new_int(JSON_SCHEMA_VERSION));
	json_object_object_add(o, "tlshive_version", jstr(PACKAGE_VERSION));
	json_object_object_add(o, "image", jstr(image));
	batch_members(o, status, code, error, 0);
	json_object_object_add(o, "duration_ms",
	    json_object_new_int64((int64_t)tlsh_elapsed_ms()));
	fprintf(out, "%s\n", json_object_to_json_string_ext(o, (compact ?
	    JSON_C_TO_STRING_PLAIN : JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_SPACED) | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

/* The settings table: one tab-separated line a row, or a JSON array. */
void
report_settings_text(FILE *out)
{
	for (size_t i = 0; i < nsettings; i++) {
		const struct setting *s = &settings[i];
		char *path = xasprintf("%s%s\\%s", s->hive == HV_SYSTEM ?
		    "ControlSet00N\\" : "", s->key, s->value);

		fprintf(out, "%s\t%s\t%s\t%s\t%s\n", s->name,
		    hive_id_name(s->hive), path, setting_states(s), s->help);
		free(path);
	}
}

void
report_settings_json(FILE *out)
{
	json_object *a = json_object_new_array(), *doc = json_object_new_object();

	for (size_t i = 0; i < nsettings; i++) {
		const struct setting *s = &settings[i];
		char *path = xasprintf("%s%s\\%s", s->hive == HV_SYSTEM ?
		    "ControlSet00N\\" : "", s->key, s->value);
		json_object *o = json_object_new_object();

		json_object_object_add(o, "name", jstr(s->name));
		json_object_object_add(o, "group", jstr(s->group));
		json_object_object_add(o, "hive", jstr(hive_id_name(s->hive)));
		json_object_object_add(o, "path", jstr(path));
		json_object_object_add(o, "kind",
		    jstr(setting_kind_name(s->kind)));
		json_object_object_add(o, "states", jstr(setting_states(s)));
		json_object_object_add(o, "wow6432node",
		    json_object_new_boolean(s->flags & SF_WOW64));
		json_object_object_add(o, "min_build", s->min_build ?
		    json_object_new_int64(s->min_build) : NULL);
		json_object_object_add(o, "help", jstr(s->help));
		json_object_array_add(a, o);
		free(path);
	}
	json_object_object_add(doc, "schema_version",
	    json_object_new_int(JSON_SCHEMA_VERSION));
	json_object_object_add(doc, "tlshive_version", jstr(PACKAGE_VERSION));
	json_object_object_add(doc, "settings", a);
	fprintf(out, "%s\n", json_object_to_json_string_ext(doc,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(doc);
}
