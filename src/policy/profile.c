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

#include "policy/profile.h"
#include "regval.h"

#define IF_SUPPORTED "if supported"

static void
want_free(struct want *w)
{
	strv_free(w->items, w->nitems);
	free(w->cond);
	free(w->origin);
	memset(w, 0, sizeof(*w));
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
		*c = *w;
		c->origin = xstrdup(w->origin);
		c->items = w->nitems ? xcalloc(w->nitems + 1, sizeof(*c->items)) :
		    NULL;
		for (size_t k = 0; k < w->nitems; k++)
			c->items[k] = xstrdup(w->items[k]);
		c->cond = w->nitems ? xmalloc(w->nitems) : NULL;
		if (w->nitems)
			memcpy(c->cond, w->cond, w->nitems);
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
		else {
			sl_add(errs, "%s: %s: bad value \"%s\" (expected %s)",
			    origin, shown, value, setting_states(s));
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

/* Replaces the row's earlier want, if any: later sources win. */
static void
policy_put(struct policy *p, struct want *w)
{
	w->seq = ++p->seq;
	for (size_t i = 0; i < p->n; i++)
		if (p->w[i].s == w->s) {
			want_free(&p->w[i]);
			p->w[i] = *w;
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

int
policy_add_text(struct policy *p, const char *text, const char *file,
    struct strlist *errs)
{
	struct policy add = { 0 };
	size_t before = errs->n;
	const char *line = text;
	int lineno = 0;

	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char *buf = xmalloc(len + 1), *origin;
		struct want w[64];
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
		origin = xasprintf("%s:%d", file, lineno);
		n = parse_line(buf, origin, w, 64, errs);
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
			policy_put(&add, &w[i]);
		}
		free(origin);
		free(buf);
	}
	if (errs->n > before) {
		policy_free(&add);
		return -1;
	}
	for (size_t i = 0; i < add.n; i++)
		policy_put(p, &add.w[i]);
	free(add.w);
	sl_add(&p->sources, "%s", file);
	return 0;
}

static char *
read_file(const char *path, struct strlist *errs)
{
	size_t len;
	unsigned char *text = read_all(path, &len);

	if (text == NULL) {
		sl_add(errs, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (memchr(text, '\0', len)) {
		sl_add(errs, "%s: not a text file", path);
		free(text);
		return NULL;
	}
	return (char *)text;
}

int
policy_add_profile(struct policy *p, const char *name, struct strlist *errs)
{
	const struct builtin_profile *b = profile_builtin(name);
	char *text;
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
	if ((text = read_file(name, errs)) == NULL)
		return -1;
	r = policy_add_text(p, text, name, errs);
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
