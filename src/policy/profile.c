/*
 * The profile format: one "NAME = VALUE" per line, '#' or ';' comments.
 * libinih would fit the grammar, but Debian builds it with a 200-byte line
 * limit and a cipher-suite line runs to 1023 characters, so the few lines
 * of parsing live here.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "policy/ictpl.h"
#include "policy/profile.h"
#include "regval.h"

#define IF_SUPPORTED "if supported"

static void
want_free(struct want *w)
{
	strv_free(w->items, w->nitems);
	free(w->cond);
	free(w->origin);
	strv_free(w->rules, w->nrules);
	memset(w, 0, sizeof(*w));
}

static char **
strv_copy(char *const *v, size_t n)
{
	char **c = n ? xcalloc(n + 1, sizeof(*c)) : NULL;

	for (size_t k = 0; k < n; k++)
		c[k] = xstrdup(v[k]);
	return c;
}

void
want_copy(struct want *c, const struct want *w)
{
	*c = *w;
	c->origin = xstrdup(w->origin);
	c->items = strv_copy(w->items, w->nitems);
	c->cond = w->nitems ? xmalloc(w->nitems) : NULL;
	if (w->nitems)
		memcpy(c->cond, w->cond, w->nitems);
	c->rules = strv_copy(w->rules, w->nrules);
}

static void
benchmark_free(struct benchmark_def *b)
{
	free(b->name);
	free(b->stigid);
	free(b->version);
	free(b->title);
	free(b->origin);
	free(b);
}

static void
rule_def_free(struct rule_def *r)
{
	free(r->id);
	free(r->severity);
	free(r->ver);
	free(r->xccdf);
	free(r->applies);
	free(r->title);
	free(r->value);
	free(r->view);
	free(r->origin);
	free(r);
}

static void
regop_free(struct regop *r)
{
	free(r->key);
	free(r->sid);
	free(r->name);
	free(r->origin);
	if (r->kind == RO_SET)
		regval_free(&r->val);
}

void
policy_free(struct policy *p)
{
	for (size_t i = 0; i < p->n; i++)
		want_free(&p->w[i]);
	free(p->w);
	for (size_t i = 0; i < p->nr; i++) {
		regop_free(&p->r[i]);
	}
	free(p->r);
	sl_free(&p->sources);
	sl_free(&p->skipped);
	for (size_t i = 0; i < p->nrw; i++)
		want_free(&p->rw[i]);
	free(p->rw);
	for (size_t i = 0; i < p->nrd; i++)
		rule_def_free(p->rd[i]);
	free(p->rd);
	for (size_t i = 0; i < p->nbench; i++)
		benchmark_free(p->bench[i]);
	free(p->bench);
	sl_free(&p->conflicts);
	memset(p, 0, sizeof(*p));
}

void
policy_drop_hive(struct policy *p, enum hive_id hive, struct strlist *gone)
{
	size_t k = 0;

	for (size_t i = 0; i < p->nr; i++) {
		struct regop *r = &p->r[i];
		if (r->hive != hive) {
			p->r[k++] = *r;
			continue;
		}
		if (r->kind == RO_MKKEY || r->kind == RO_DELETE_KEY)
			sl_add(gone, "%s: [%s%s%s%s%s] left out", r->origin,
			    r->kind == RO_DELETE_KEY ? "-" : "", hive ==
			    HV_USER ? "HKEY_CURRENT_USER" : "HKEY_LOCAL_MACHINE\\",
			    hive == HV_USER ? "" : hive_id_name(hive), *r->key ?
			    "\\" : "", r->key);
		regop_free(r);
	}
	p->nr = k;
	k = 0;
	for (size_t i = 0; i < p->n; i++) {
		if (p->w[i].s->hive != hive) {
			p->w[k++] = p->w[i];
			continue;
		}
		sl_add(gone, "%s: %s left out", p->w[i].origin,
		    p->w[i].s->name);
		want_free(&p->w[i]);
	}
	p->n = k;
}

void
policy_for_profile(const struct policy *p, const char *sid, int all_users,
    struct policy *out)
{
	memset(out, 0, sizeof(*out));
	out->seq = p->seq;
	for (size_t i = 0; i < p->n && all_users; i++) {
		const struct want *w = &p->w[i];
		struct want *c;

		if (w->s->hive != HV_USER)
			continue;
		out->w = xrealloc(out->w, (out->n + 1) * sizeof(*out->w));
		c = &out->w[out->n++];
		want_copy(c, w);
		/* a user profile's run judges no rule */
		strv_free(c->rules, c->nrules);
		c->rules = NULL;
		c->nrules = 0;
		c->bench = NULL;
	}
	for (size_t i = 0; i < p->nr; i++) {
		const struct regop *r = &p->r[i];
		struct regop *c;

		if (r->hive != HV_USER || (r->sid ? sid == NULL ||
		    strcasecmp(r->sid, sid) != 0 : !all_users))
			continue;
		out->r = xrealloc(out->r, (out->nr + 1) * sizeof(*out->r));
		c = &out->r[out->nr++];
		*c = *r;
		c->key = xstrdup(r->key);
		c->sid = r->sid ? xstrdup(r->sid) : NULL;
		c->name = r->name ? xstrdup(r->name) : NULL;
		c->origin = xstrdup(r->origin);
		if (r->kind == RO_SET)
			regval_copy(&c->val, &r->val);
	}
	for (size_t i = 0; i < p->sources.n; i++)
		sl_add(&out->sources, "%s", p->sources.v[i]);
}

void
policy_hives(const struct policy *p, int names[HV_COUNT])
{
	for (int i = 0; i < HV_COUNT; i++)
		names[i] = 0;
	for (size_t i = 0; i < p->n; i++)
		names[p->w[i].s->hive] = 1;
	for (size_t i = 0; i < p->nr; i++)
		names[p->r[i].hive] = 1;
}

/* Splits on commas, trimming each item; empty items are kept to be reported. */
static char **
split_list(const char *value, size_t *n)
{
	char *copy = xstrdup(value), *p = copy, *comma;
	char **v = NULL;

	*n = 0;
	for (;;) {
		comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		v = xrealloc(v, (*n + 2) * sizeof(*v));
		v[(*n)++] = xstrdup(str_trim(p));
		v[*n] = NULL;
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	free(copy);
	return v;
}

/* Strips a trailing "if supported" from an item; 1 if it was there. */
static int
take_condition(char *item)
{
	size_t n = strlen(item), k = strlen(IF_SUPPORTED);

	if (n > k && strcasecmp(item + n - k, IF_SUPPORTED) == 0 &&
	    isspace((unsigned char)item[n - k - 1])) {
		n -= k;
		while (n > 0 && isspace((unsigned char)item[n - 1]))
			n--;
		item[n] = '\0';
		return 1;
	}
	return 0;
}

static int
parse_u32(const char *s, uint32_t *out)
{
	char *end;
	unsigned long long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end != '\0' || v > 0xffffffffULL)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int
parse_bitmap(struct want *w, const char *value, const char *origin,
    const char *shown, struct strlist *errs)
{
	char **items;
	size_t n;
	int bad = 0;
	uint32_t all = 0;

	for (size_t i = 0; i < nwinhttp_bits; i++)
		all |= winhttp_bits[i].bit;
	if (parse_u32(value, &w->number) == 0) {
		if (w->number & ~all) {
			sl_add(errs, "%s: %s: 0x%x has bits that are no "
			    "protocol (known: 0x%x)", origin, shown,
			    w->number & ~all, all);
			return -1;
		}
		return 0;
	}
	if (strcasecmp(value, "none") == 0)
		return 0;
	items = split_list(value, &n);
	for (size_t i = 0; i < n; i++) {
		int cond = take_condition(items[i]);
		const struct named_bit *b = winhttp_bit_find(items[i]);

		if (b == NULL) {
			sl_add(errs, "%s: %s: unknown protocol \"%s\" (expected "
			    "SSL 2.0, SSL 3.0, TLS 1.0, TLS 1.1, TLS 1.2, "
			    "TLS 1.3, none, or a number)", origin, shown,
			    items[i]);
			bad = 1;
		} else if (cond)
			w->cond_bits |= b->bit;
		else
			w->number |= b->bit;
	}
	strv_free(items, n);
	return bad ? -1 : 0;
}

static int
parse_names(struct want *w, const char *value, const char *origin,
    const char *shown, struct strlist *errs)
{
	size_t n, total = 0;
	int bad = 0;
	char **items = split_list(value, &n);

	w->cond = xcalloc(n, 1);
	for (size_t i = 0; i < n; i++) {
		const char *canon = NULL, *hint = NULL;

		w->cond[i] = (unsigned char)take_condition(items[i]);
		if (w->s->kind == SK_SUITES) {
			if (suite_find(items[i]))
				canon = items[i];
			else
				hint = suite_suggest(items[i]);
		} else {
			const struct curve *cv = curve_find(items[i]);
			canon = cv ? cv->name : NULL;
		}
		if (items[i][0] == '\0') {
			sl_add(errs, "%s: %s: empty item in the list", origin,
			    shown);
			bad = 1;
			continue;
		}
		if (canon == NULL) {
			sl_add(errs, "%s: %s: unknown %s \"%s\"%s%s%s", origin,
			    shown, w->s->kind == SK_SUITES ?
			    "cipher suite" : "curve", items[i],
			    hint ? "; did you mean \"" : "", hint ? hint : "",
			    hint ? "\"?" : "");
			bad = 1;
			continue;
		}
		if (w->s->kind == SK_CURVES) {
			free(items[i]);
			items[i] = xstrdup(canon);
		}
		for (size_t j = 0; j < i; j++)
			if (strcasecmp(items[j], items[i]) == 0) {
				sl_add(errs, "%s: %s: \"%s\" is listed twice",
				    origin, shown, items[i]);
				bad = 1;
			}
		total += strlen(items[i]) + (i > 0);
	}
	w->items = items;
	w->nitems = n;
	if (!bad && w->s->kind == SK_SUITES && total > SUITES_MAX_CHARS) {
		sl_add(errs, "%s: %s: the list is %zu characters long; Windows "
		    "reads at most %d", origin, shown, total,
		    SUITES_MAX_CHARS);
		bad = 1;
	}
	return bad ? -1 : 0;
}

static int
parse_value(struct want *w, const char *value, const char *origin,
    const char *shown, struct strlist *errs)
{
	const struct setting *s = w->s;

	switch (s->kind) {
	case SK_PROTOCOL:
	case SK_SWITCH:
		if (strcasecmp(value, "on") == 0)
			w->kind = W_ON;
		else if (strcasecmp(value, "off") == 0)
			w->kind = W_OFF;
		else if (strcasecmp(value, "auto") == 0 && s->min_build)
			w->kind = W_AUTO;
		else if (s->kind == SK_SWITCH && parse_u32(value,
		    &w->number) == 0) {
			/* a benchmark's check reads one number: AES 256/256
			 * Enabled = 1 where Microsoft's samples write
			 * 0xffffffff, and only that number complies */
			w->kind = w->number ? W_ON : W_OFF;
			w->exact = 1;
		} else {
			sl_add(errs, "%s: %s: bad value \"%s\" (expected %s%s)",
			    origin, shown, value, setting_states(s),
			    s->kind == SK_SWITCH ? ", or a number" : "");
			return -1;
		}
		return 0;
	case SK_NUMBER:
		w->kind = W_NUMBER;
		if (parse_u32(value, &w->number) == -1 ||
		    w->number < s->min || w->number > s->max) {
			sl_add(errs, "%s: %s: bad value \"%s\" (expected a "
			    "number from %u to %u)", origin, shown, value,
			    s->min, s->max);
			return -1;
		}
		return 0;
	case SK_BITMAP:
		w->kind = W_NUMBER;
		return parse_bitmap(w, value, origin, shown, errs);
	case SK_SUITES:
	case SK_CURVES:
		w->kind = W_LIST;
		return parse_names(w, value, origin, shown, errs);
	}
	return -1;
}

/* The DWORD a want writes first, for comparing two wants of one row. */
static uint32_t
want_dword(const struct want *w)
{
	int on = w->kind != W_OFF;

	switch (w->s->kind) {
	case SK_PROTOCOL:
		return on;
	case SK_SWITCH:
		return !on ? 0 : w->exact ? w->number : w->s->on;
	default:
		return w->number | w->cond_bits;
	}
}

/* Does what b writes satisfy a, as a's rules compare it? */
static int
want_accepts(const struct want *a, const struct want *b)
{
	uint32_t v = want_dword(b);

	if (a->kind == W_LIST || b->kind == W_LIST) {
		if (a->nitems != b->nitems)
			return 0;
		for (size_t i = 0; i < a->nitems; i++)
			if (strcasecmp(a->items[i], b->items[i]) != 0 ||
			    a->cond[i] != b->cond[i])
				return 0;
		return 1;
	}
	if (a->at_least)
		return v >= a->number;
	if ((a->s->flags & SF_NONZERO_ON) && a->kind != W_OFF && !a->exact)
		return v != 0;
	return v == want_dword(a);
}

/*
 * Replaces the row's earlier want, if any: later sources win.  Where a
 * benchmark's line loses to a value its rule does not accept, that is said
 * (conflicts), not settled in silence: the rule then fails after apply.
 */
static void
policy_put(struct policy *p, struct want *w)
{
	w->seq = ++p->seq;
	for (size_t i = 0; i < p->n; i++)
		if (p->w[i].s == w->s) {
			struct want *old = &p->w[i];
			if ((old->nrules || w->nrules) &&
			    !want_accepts(old, w))
				sl_add(&p->conflicts, "%s and %s want different "
				    "values for %s; the later wins%s%s%s",
				    old->origin, w->origin, w->s->name,
				    old->nrules ? ", and rule " : "",
				    old->nrules ? old->rules[0] : "",
				    old->nrules ? " fails after apply" : "");
			want_free(old);
			*old = *w;
			return;
		}
	p->w = xrealloc(p->w, (p->n + 1) * sizeof(*p->w));
	p->w[p->n++] = *w;
}

/*
 * Parses one "NAME = VALUE" into wants for every row the name stands for.
 * Returns the number of wants stored in out, or -1 after adding errors.
 */
static int
parse_line(char *line, const char *origin, struct want *out, size_t max,
    struct strlist *errs)
{
	const struct setting *rows[64];
	char *eq = strchr(line, '='), *name, *value;
	size_t nrows;
	int bad = 0;

	if (eq == NULL) {
		sl_add(errs, "%s: expected NAME = VALUE", origin);
		return -1;
	}
	*eq = '\0';
	name = str_trim(line);
	value = str_trim(eq + 1);
	if (*name == '\0') {
		sl_add(errs, "%s: missing setting name before '='", origin);
		return -1;
	}
	nrows = setting_lookup(name, rows, 64);
	if (nrows == 0) {
		const char *hint = setting_suggest(name);
		char *family = hint ? NULL : setting_family(name);
		if (family)
			sl_add(errs, "%s: unknown setting \"%s\"; did you mean "
			    "one of %s?", origin, name, family);
		else
			sl_add(errs, "%s: unknown setting \"%s\"%s%s%s", origin,
			    name, hint ? "; did you mean \"" : "", hint ? hint :
			    "", hint ? "\"?" : "");
		free(family);
		return -1;
	}
	if (*value == '\0') {
		sl_add(errs, "%s: %s: missing value after '='", origin, name);
		return -1;
	}
	if (nrows > max)
		nrows = max;
	for (size_t i = 0; i < nrows; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].s = rows[i];
		out[i].origin = xstrdup(origin);
		if (parse_value(&out[i], value, origin, name, errs) == -1) {
			/* One message for a group, not one per row. */
			for (size_t j = 0; j <= i; j++)
				want_free(&out[j]);
			bad = 1;
			break;
		}
	}
	return bad ? -1 : (int)nrows;
}

/* Strips a comment: '#' or ';' first on the line, or '#' after a blank. */
static void
strip_comment(char *line)
{
	char *p = line;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '#' || *p == ';') {
		*line = '\0';
		return;
	}
	for (; *p; p++)
		if (*p == '#' && isspace((unsigned char)p[-1])) {
			*p = '\0';
			return;
		}
}

/* A benchmark profile being read: its @benchmark, its @rule lines. */
struct bench_ctx {
	struct benchmark_def *bd;
	struct rule_def **rd;
	size_t nrd;
	size_t *lines;		/* per rule: setting lines that name it */
};

static void
bench_ctx_free(struct bench_ctx *c)
{
	if (c->bd)
		benchmark_free(c->bd);
	for (size_t i = 0; i < c->nrd; i++)
		rule_def_free(c->rd[i]);
	free(c->rd);
	free(c->lines);
	memset(c, 0, sizeof(*c));
}

/*
 * The next word of a directive: a bare word, or key=value where the value
 * may be "quoted" to hold blanks.  NULL at the end of the line; *bad on an
 * unterminated quote.
 */
static char *
next_word(char **pp, char **val, int *bad)
{
	char *p = *pp, *w, *q;

	*val = NULL;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0')
		return NULL;
	w = p;
	while (*p && !isspace((unsigned char)*p) && *p != '=')
		p++;
	if (*p == '=') {
		*p++ = '\0';
		if (*p == '"') {
			*val = ++p;
			if ((q = strchr(p, '"')) == NULL) {
				*bad = 1;
				return NULL;
			}
			*q = '\0';
			p = q + 1;
		} else {
			*val = p;
			while (*p && !isspace((unsigned char)*p))
				p++;
		}
	}
	if (*p)
		*p++ = '\0';
	*pp = p;
	return w;
}

int
profile_valid_id(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-._", *s))
			return 0;
	return 1;
}

/* The profile's own name: a built-in's, or a file's without directory and
 * ".profile". */
static char *
source_name(const char *file)
{
	const char *b = strrchr(file, '/');
	size_t n;

	b = b ? b + 1 : file;
	n = strlen(b);
	if (n > 8 && strcmp(b + n - 8, ".profile") == 0)
		n -= 8;
	return strndup(b, n);
}

/* "@benchmark [NAME] [stigid=] [version=] [title=]", "@rule ID severity=
 * [ver=] [xccdf=] [applies=] [title=]" */
static void
parse_directive(char *line, const char *origin, const char *file,
    struct bench_ctx *c, struct strlist *errs)
{
	char *p = line + 1, *val, *word;
	int bad = 0, bench;
	char **slot;
	struct rule_def *r = NULL;

	word = next_word(&p, &val, &bad);
	if (word == NULL || val != NULL ||
	    (strcmp(word, "benchmark") != 0 && strcmp(word, "rule") != 0)) {
		sl_add(errs, "%s: unknown directive (expected @benchmark or "
		    "@rule)", origin);
		return;
	}
	bench = strcmp(word, "benchmark") == 0;
	if (bench && c->bd) {
		sl_add(errs, "%s: a second @benchmark (first at %s)", origin,
		    c->bd->origin);
		return;
	}
	if (!bench && c->bd == NULL) {
		sl_add(errs, "%s: @rule before @benchmark", origin);
		return;
	}
	if (bench) {
		c->bd = xcalloc(1, sizeof(*c->bd));
		c->bd->origin = xstrdup(origin);
	}
	while ((word = next_word(&p, &val, &bad)) != NULL) {
		slot = NULL;
		if (val == NULL) {
			if (bench && c->bd->name == NULL &&
			    profile_valid_id(word)) {
				c->bd->name = xstrdup(word);
				continue;
			}
			if (!bench && r == NULL && profile_valid_id(word)) {
				for (size_t i = 0; i < c->nrd; i++)
					if (strcmp(c->rd[i]->id, word) == 0) {
						sl_add(errs, "%s: rule %s is "
						    "declared again (first at "
						    "%s)", origin, word,
						    c->rd[i]->origin);
						return;
					}
				r = xcalloc(1, sizeof(*r));
				r->id = xstrdup(word);
				r->origin = xstrdup(origin);
				c->rd = xrealloc(c->rd, (c->nrd + 1) *
				    sizeof(*c->rd));
				c->lines = xrealloc(c->lines, (c->nrd + 1) *
				    sizeof(*c->lines));
				c->lines[c->nrd] = 0;
				c->rd[c->nrd++] = r;
				continue;
			}
		} else if (bench) {
			slot = strcmp(word, "stigid") == 0 ? &c->bd->stigid :
			    strcmp(word, "version") == 0 ? &c->bd->version :
			    strcmp(word, "title") == 0 ? &c->bd->title : NULL;
		} else if (r != NULL) {
			slot = strcmp(word, "severity") == 0 ? &r->severity :
			    strcmp(word, "ver") == 0 ? &r->ver :
			    strcmp(word, "xccdf") == 0 ? &r->xccdf :
			    strcmp(word, "applies") == 0 ? &r->applies :
			    strcmp(word, "title") == 0 ? &r->title :
			    strcmp(word, "value") == 0 ? &r->value :
			    strcmp(word, "view") == 0 ? &r->view : NULL;
		}
		if (slot == NULL || *slot != NULL) {
			sl_add(errs, "%s: @%s: unexpected \"%s%s%s\"", origin,
			    bench ? "benchmark" : "rule", word, val ? "=" : "",
			    val ? val : "");
			return;
		}
		*slot = xstrdup(val);
	}
	if (bad) {
		sl_add(errs, "%s: a quote is not closed", origin);
		return;
	}
	if (bench && c->bd->name == NULL)
		c->bd->name = source_name(file);
	if (bench)
		return;
	if (r == NULL) {
		sl_add(errs, "%s: @rule: missing the rule's ID", origin);
		return;
	}
	if (r->severity == NULL || (strcmp(r->severity, "high") != 0 &&
	    strcmp(r->severity, "medium") != 0 &&
	    strcmp(r->severity, "low") != 0))
		sl_add(errs, "%s: @rule %s: severity must be high, medium or "
		    "low", origin, r->id);
	if (r->applies && strcmp(r->applies, "iis") != 0 &&
	    strcmp(r->applies, "sql") != 0 && strcmp(r->applies, "win10") != 0
	    && strcmp(r->applies, "win11") != 0 &&
	    strcmp(r->applies, "server2022") != 0)
		sl_add(errs, "%s: @rule %s: applies=%s: expected iis, sql, win10, "
		    "win11 or server2022", origin, r->id, r->applies);
	if (r->view && strcmp(r->view, "64-bit") != 0 &&
	    strcmp(r->view, "32-bit") != 0)
		sl_add(errs, "%s: @rule %s: view=%s: expected 64-bit or 32-bit",
		    origin, r->id, r->view);
}

/* A line's "| rule ID[, ID] | absent ok | at least" into tr. */
static int
parse_trailer(char *t, const char *origin, struct bench_ctx *c,
    struct want *tr, struct strlist *errs)
{
	size_t before = errs->n;

	if (c->bd == NULL) {
		sl_add(errs, "%s: '|' belongs to a benchmark profile (start it "
		    "with @benchmark)", origin);
		return -1;
	}
	for (char *part = t, *bar; part; part = bar) {
		char *p;

		if ((bar = strchr(part, '|')) != NULL)
			*bar++ = '\0';
		p = str_trim(part);
		if (strcasecmp(p, "absent ok") == 0)
			tr->absent_ok = 1;
		else if (strcasecmp(p, "at least") == 0)
			tr->at_least = 1;
		else if (strncasecmp(p, "rule ", 5) == 0) {
			size_t n;
			char **ids = split_list(p + 5, &n);
			for (size_t i = 0; i < n; i++) {
				size_t k = 0;
				while (k < c->nrd && strcmp(c->rd[k]->id,
				    ids[i]) != 0)
					k++;
				if (k == c->nrd)
					sl_add(errs, "%s: rule \"%s\" is not "
					    "declared by an @rule line above",
					    origin, ids[i]);
				else
					c->lines[k]++;
			}
			tr->rules = ids;
			tr->nrules = n;
		} else
			sl_add(errs, "%s: unknown \"| %s\" (expected | rule "
			    "ID, | absent ok, | at least)", origin, p);
	}
	if (errs->n == before && tr->nrules == 0)
		sl_add(errs, "%s: '|' without \"rule ID\"", origin);
	return errs->n > before ? -1 : 0;
}

int
policy_add_text_at(struct policy *p, const char *text, const char *file,
    char *const *origins, struct strlist *errs)
{
	struct policy add = { 0 };
	struct bench_ctx bc = { 0 };
	size_t before = errs->n;
	const char *line = text;
	int lineno = 0;

	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char *buf = xmalloc(len + 1), *origin, *bar;
		struct want w[64], tr = { 0 };
		int n;

		lineno++;
		memcpy(buf, line, len);
		buf[len] = '\0';
		if (len > 0 && buf[len - 1] == '\r')
			buf[len - 1] = '\0';
		line += len + (nl != NULL);
		strip_comment(buf);
		if (*str_trim(buf) == '\0') {
			free(buf);
			continue;
		}
		origin = origins ? xstrdup(origins[lineno - 1]) :
		    xasprintf("%s:%d", file, lineno);
		if (*str_trim(buf) == '@') {
			parse_directive(str_trim(buf), origin, file, &bc, errs);
			free(origin);
			free(buf);
			continue;
		}
		if ((bar = strchr(buf, '|')) != NULL) {
			*bar = '\0';
			if (parse_trailer(bar + 1, origin, &bc, &tr, errs) ==
			    -1) {
				want_free(&tr);
				free(origin);
				free(buf);
				continue;
			}
		}
		n = parse_line(buf, origin, w, 64, errs);
		if (n > 0 && tr.at_least && (w[0].s->kind != SK_NUMBER &&
		    !w[0].exact)) {
			sl_add(errs, "%s: %s: \"at least\" compares numbers",
			    origin, w[0].s->name);
			for (int i = 0; i < n; i++)
				want_free(&w[i]);
			n = 0;
		}
		for (int i = 0; i < n; i++) {
			/* within one profile a later line silently winning
			 * over an earlier one is a typo more often than not */
			const struct want *prev = NULL;
			for (size_t k = 0; k < add.n && !prev; k++)
				if (add.w[k].s == w[i].s)
					prev = &add.w[k];
			if (prev) {
				sl_add(errs, "%s: %s is set again (first at %s); "
				    "a profile names each setting once", origin,
				    w[i].s->name, prev->origin);
				for (int j = i; j < n; j++)
					want_free(&w[j]);
				break;
			}
			w[i].bench = bc.bd;
			w[i].rules = strv_copy(tr.rules, tr.nrules);
			w[i].nrules = tr.nrules;
			w[i].absent_ok = tr.absent_ok;
			w[i].at_least = tr.at_least;
			policy_put(&add, &w[i]);
		}
		want_free(&tr);
		free(origin);
		free(buf);
	}
	for (size_t i = 0; bc.bd && i < p->nbench; i++)
		if (strcmp(p->bench[i]->name, bc.bd->name) == 0)
			sl_add(errs, "%s: benchmark %s is read twice (first "
			    "from %s)", bc.bd->origin, bc.bd->name,
			    p->bench[i]->origin);
	for (size_t i = 0; i < bc.nrd; i++)
		if (bc.lines[i] == 0)
			sl_add(errs, "%s: rule %s: no line names it (| rule %s)",
			    bc.rd[i]->origin, bc.rd[i]->id, bc.rd[i]->id);
	if (errs->n > before) {
		policy_free(&add);
		bench_ctx_free(&bc);
		return -1;
	}
	for (size_t i = 0; i < add.n; i++) {
		if (add.w[i].nrules) {
			p->rw = xrealloc(p->rw, (p->nrw + 1) * sizeof(*p->rw));
			want_copy(&p->rw[p->nrw++], &add.w[i]);
		}
		policy_put(p, &add.w[i]);
	}
	free(add.w);
	if (bc.bd) {
		p->bench = xrealloc(p->bench, (p->nbench + 1) *
		    sizeof(*p->bench));
		p->bench[p->nbench++] = bc.bd;
		for (size_t i = 0; i < bc.nrd; i++)
			bc.rd[i]->bench = bc.bd;
		p->rd = xrealloc(p->rd, (p->nrd + bc.nrd) * sizeof(*p->rd));
		memcpy(p->rd + p->nrd, bc.rd, bc.nrd * sizeof(*bc.rd));
		p->nrd += bc.nrd;
		free(bc.rd);
		free(bc.lines);
	}
	sl_add(&p->sources, "%s", file);
	return 0;
}

int
policy_add_text(struct policy *p, const char *text, const char *file,
    struct strlist *errs)
{
	return policy_add_text_at(p, text, file, NULL, errs);
}

/* The line number of an error of file's, 0 for one about the whole file. */
static long
err_line(const char *e, const char *file)
{
	size_t n = strlen(file);

	return strncmp(e, file, n) == 0 && e[n] == ':' ? strtol(e + n + 1,
	    NULL, 10) : 0;
}

struct ictpl_lines {
	struct strbuf text;
	struct strlist origins;
};

static void
ictpl_line(void *arg, const char *line, const char *origin)
{
	struct ictpl_lines *a = arg;

	sb_add(&a->text, "%s\n", line);
	sl_add(&a->origins, "%s", origin);
}

/*
 * An IIS Crypto template: its items as a profile's lines, each with the
 * template's FILE:LINE.  The lines are checked before anything is taken, so
 * that the template's own mistakes and its values' come out together, in
 * line order; its unmapped items are listed whether or not it is refused,
 * as a .reg file's skipped lines are.
 */
static int
add_ictpl(struct policy *p, const unsigned char *data, size_t len,
    const char *file, struct strlist *errs)
{
	struct ictpl_lines a = { 0 };
	struct strlist e1 = { 0 }, e2 = { 0 };
	struct policy scratch = { 0 };
	const char *text;
	int r = -1;

	ictpl_read(data, len, file, ictpl_line, &a, &p->skipped, &e1);
	text = a.text.s ? a.text.s : "";
	policy_add_text_at(&scratch, text, file, a.origins.v, &e2);
	policy_free(&scratch);
	if (e1.n == 0 && e2.n == 0)
		r = policy_add_text_at(p, text, file, a.origins.v, errs);
	for (size_t i = 0, j = 0; i < e1.n || j < e2.n;)
		if (j == e2.n || (i < e1.n && err_line(e1.v[i], file) <=
		    err_line(e2.v[j], file)))
			sl_add(errs, "%s", e1.v[i++]);
		else
			sl_add(errs, "%s", e2.v[j++]);
	sl_free(&e1);
	sl_free(&e2);
	sl_free(&a.origins);
	free(a.text.s);
	return r;
}

int
policy_add_profile(struct policy *p, const char *name, struct strlist *errs)
{
	const struct builtin_profile *b = profile_builtin(name);
	unsigned char *text;
	size_t len;
	int r;

	if (b != NULL && strchr(name, '/') == NULL)
		return policy_add_text(p, b->text, b->name, errs);
	if (strchr(name, '/') == NULL && access(name, F_OK) == -1 &&
	    errno == ENOENT) {
		struct strbuf sb = { 0 };
		for (size_t i = 0; i < nbuiltin_profiles; i++)
			sb_add(&sb, "%s%s", i ? ", " : "",
			    builtin_profiles[i].name);
		const char *hint = profile_suggest(name);
		sl_add(errs, "%s: no such built-in profile (%s) or file%s%s%s",
		    name, sb.s, hint ? "; did you mean \"" : "", hint ? hint :
		    "", hint ? "\"?" : "");
		free(sb.s);
		return -1;
	}
	if ((text = read_all(name, &len)) == NULL) {
		sl_add(errs, "%s: %s", name, strerror(errno));
		return -1;
	}
	if (ictpl_detect(text, len))
		r = add_ictpl(p, text, len, name, errs);
	else if (memchr(text, '\0', len)) {
		sl_add(errs, "%s: not a text file", name);
		r = -1;
	} else
		r = policy_add_text(p, (char *)text, name, errs);
	free(text);
	return r;
}

int
policy_add_set(struct policy *p, const char *arg, struct strlist *errs)
{
	char *buf = xstrdup(arg);
	struct want w[64];
	int n = parse_line(buf, "--set", w, 64, errs);

	free(buf);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++)
		policy_put(p, &w[i]);
	return 0;
}

const struct builtin_profile *
profile_builtin(const char *name)
{
	for (size_t i = 0; i < nbuiltin_profiles; i++)
		if (strcasecmp(builtin_profiles[i].name, name) == 0)
			return &builtin_profiles[i];
	return NULL;
}

const char *
profile_suggest(const char *name)
{
	struct nearest n;

	nearest_init(&n, name);
	for (size_t i = 0; i < nbuiltin_profiles; i++)
		nearest_add(&n, builtin_profiles[i].name);
	return nearest_close(&n);
}

char *
profile_summary(const struct builtin_profile *b)
{
	const char *t = b->text, *e;
	size_t skip = strlen(b->name) + 2;

	while (*t == '#' || *t == ' ')
		t++;
	if (strncmp(t, b->name, skip - 2) == 0 && t[skip - 2] == ':')
		t += skip;
	e = strchr(t, '\n');
	return e ? strndup(t, (size_t)(e - t)) : xstrdup(t);
}
