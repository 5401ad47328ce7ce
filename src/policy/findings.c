/*
 * HardeningKitty finding lists.  A list is RFC 4180 CSV with the header
 * ID,Category,Name,Method,MethodArgument,RegistryPath,RegistryItem,
 * ClassName,Namespace,Property,DefaultValue,RecommendedValue,Operator,
 * Severity; a row of Method Registry reads one value at a path like
 * HKLM:\SYSTEM\CurrentControlSet\Control\... and compares it with
 * RecommendedValue by Operator.  The rows whose value a setting of the
 * table holds become a benchmark profile, one rule HK-<ID> a row, which
 * profile.c reads as it reads any: rules.c then judges each finding on its
 * own value (@rule value=, view=), in every control set.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/findings.h"
#include "policy/table.h"

enum col { C_ID, C_NAME, C_METHOD, C_PATH, C_ITEM, C_DEFAULT, C_VALUE,
	C_OP, C_SEV, C_COUNT };

static const char *const col_names[C_COUNT] = {
	[C_ID] = "ID", [C_NAME] = "Name", [C_METHOD] = "Method",
	[C_PATH] = "RegistryPath", [C_ITEM] = "RegistryItem",
	[C_DEFAULT] = "DefaultValue",
	[C_VALUE] = "RecommendedValue", [C_OP] = "Operator",
	[C_SEV] = "Severity",
};

struct csv {
	const char *p, *end;
	int line;
	const char *file;
	struct strlist *errs;
};

/*
 * One record's fields (owned), at the line it starts on.  1 a record, 0
 * the end, -1 after an error (quotes that do not close or stray ones).
 */
static int
csv_record(struct csv *c, char ***out, size_t *n, int *line)
{
	char **f = NULL;
	size_t nf = 0;

	*line = c->line;
	if (c->p >= c->end)
		return 0;
	for (;;) {
		struct strbuf sb = { 0 };

		sb_add(&sb, "%s", "");
		if (c->p < c->end && *c->p == '"') {
			int at = c->line;

			for (c->p++;; c->p++) {
				if (c->p >= c->end) {
					sl_add(c->errs, "%s:%d: a quoted field is "
					    "not closed", c->file, at);
					goto bad;
				}
				if (*c->p == '"') {
					if (c->p + 1 < c->end && c->p[1] == '"') {
						sb_add(&sb, "\"");
						c->p++;
						continue;
					}
					c->p++;
					break;
				}
				if (*c->p == '\n')
					c->line++;
				sb_add(&sb, "%c", *c->p);
			}
			if (c->p < c->end && *c->p != ',' && *c->p != '\n' &&
			    !(*c->p == '\r' && c->p + 1 < c->end &&
			    c->p[1] == '\n')) {
				sl_add(c->errs, "%s:%d: text after a closing quote",
				    c->file, c->line);
				goto bad;
			}
		} else {
			while (c->p < c->end && *c->p != ',' && *c->p != '\n' &&
			    !(*c->p == '\r' && c->p + 1 < c->end &&
			    c->p[1] == '\n')) {
				if (*c->p == '"') {
					sl_add(c->errs, "%s:%d: a quote inside an "
					    "unquoted field (RFC 4180 quotes the "
					    "whole field)", c->file, c->line);
					goto bad;
				}
				sb_add(&sb, "%c", *c->p++);
			}
		}
		f = xrealloc(f, (nf + 2) * sizeof(*f));
		f[nf++] = sb_take(&sb);
		f[nf] = NULL;
		if (c->p < c->end && *c->p == ',') {
			c->p++;
			continue;
		}
		if (c->p < c->end)
			c->p += *c->p == '\r' ? 2 : 1;
		c->line++;
		break;
bad:
		free(sb.s);
		strv_free(f, nf);
		return -1;
	}
	*out = f;
	*n = nf;
	return 1;
}

/* A row that imports: one rule, one value of one setting. */
struct frow {
	const struct setting *s;
	char *id;		/* "HK-1234" */
	char *sev, *title;
	const char *value;	/* the row's value name, as the table spells it */
	const char *view;	/* "32-bit", "64-bit" or NULL */
	char *want;		/* the profile value: "off", "1", a list */
	int at_least;
	int absent_ok;
	int line;
};

struct ctx {
	const char *file;
	struct strlist *skipped;
	struct frow *r;
	size_t nr;
	struct strbuf other, outside;	/* IDs of rows out of tlshive's scope */
	size_t nother, noutside;
};

static void
not_imported(struct ctx *c, int line, char **f, const char *fmt, ...)
{
	va_list ap;
	char *m;

	va_start(ap, fmt);
	m = xvasprintf(fmt, ap);
	va_end(ap);
	sl_add(c->skipped, "%s:%d: finding %s (%s) not imported: %s", c->file,
	    line, f[C_ID], f[C_NAME], m);
	free(m);
}

/* HKLM:\SYSTEM\CurrentControlSet\X and HKLM:\SOFTWARE[\Wow6432Node]\X;
 * 0 for any other path. */
static int
split_path(const char *path, enum hive_id *hive, char **key, int *wow)
{
	static const char hklm[] = "HKLM:\\", ccs[] = "SYSTEM\\CurrentControlSet\\",
	    sw[] = "SOFTWARE\\", wow64[] = "Wow6432Node\\";
	size_t n;

	*wow = 0;
	if (strncasecmp(path, hklm, sizeof(hklm) - 1) != 0)
		return 0;
	path += sizeof(hklm) - 1;
	if (strncasecmp(path, ccs, sizeof(ccs) - 1) == 0) {
		*hive = HV_SYSTEM;
		path += sizeof(ccs) - 1;
	} else if (strncasecmp(path, sw, sizeof(sw) - 1) == 0) {
		*hive = HV_SOFTWARE;
		path += sizeof(sw) - 1;
		if (strncasecmp(path, wow64, sizeof(wow64) - 1) == 0) {
			*wow = 1;
			path += sizeof(wow64) - 1;
		}
	} else
		return 0;
	*key = xstrdup(path);
	n = strlen(*key);
	while (n > 0 && (*key)[n - 1] == '\\')
		(*key)[--n] = '\0';
	return 1;
}

/* A decimal DWORD, as HardeningKitty's lists write them. */
static int
dword(const char *s, uint32_t *out)
{
	char *end;
	unsigned long long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > 0xffffffffULL)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/*
 * RecommendedValue as a profile value for the row's value name; NULL with
 * *why when tlshive cannot say it.
 */
static char *
want_of(const struct setting *s, const char *item, const char *v,
    int at_least, const char **why)
{
	uint32_t n;

	*why = NULL;
	if (at_least && s->kind != SK_SWITCH && s->kind != SK_NUMBER) {
		*why = "\">=\" compares numbers; this setting holds no single "
		    "number";
		return NULL;
	}
	switch (s->kind) {
	case SK_PROTOCOL:
		/* Enabled and DisabledByDefault are one setting: 1/0 on,
		 * 0/1 off; each row says which half it reads */
		if (dword(v, &n) == 0 && n <= 1)
			return xstrdup((n == 1) == (strcasecmp(item,
			    DISABLED_BY_DEFAULT) != 0) ? "on" : "off");
		*why = "a protocol's Enabled and DisabledByDefault are 0 or 1 "
		    "for tlshive";
		return NULL;
	case SK_SWITCH:
		if (dword(v, &n) == 0)
			return xasprintf("%u", n);
		break;
	case SK_NUMBER:
		if (dword(v, &n) == 0 && n >= s->min && n <= s->max)
			return xasprintf("%u", n);
		*why = "not a number in the setting's range";
		return NULL;
	case SK_BITMAP: {
		uint32_t all = 0;
		for (size_t i = 0; i < nwinhttp_bits; i++)
			all |= winhttp_bits[i].bit;
		if (dword(v, &n) == 0 && (n & ~all) == 0)
			return xasprintf("%u", n);
		*why = "not a number of protocol bits tlshive knows";
		return NULL;
	}
	case SK_SUITES:
	case SK_CURVES: {
		/* the suite list is one comma-separated string; a
		 * multi-string is written with ';' between its strings */
		char sep = s->kind == SK_SUITES ? ',' : ';';
		char *copy = xstrdup(v), *p = copy, *e;
		struct strbuf sb = { 0 };

		for (;; p = e + 1) {
			if ((e = strchr(p, sep)) != NULL)
				*e = '\0';
			p = str_trim(p);
			if (*p == '\0' || (s->kind == SK_SUITES ?
			    suite_find(p) == NULL : curve_find(p) == NULL)) {
				*why = s->kind == SK_SUITES ? "a cipher suite "
				    "tlshive does not know, or an empty one" :
				    "a curve tlshive does not know, or an empty "
				    "one";
				free(copy);
				free(sb.s);
				return NULL;
			}
			sb_add(&sb, "%s%s", sb.len ? ", " : "", p);
			if (e == NULL)
				break;
		}
		free(copy);
		return sb_take(&sb);
	}
	}
	*why = "not a decimal number";
	return NULL;
}

/* Words fit for a quoted directive value: no quote, '#', '|' or control. */
static char *
plain(const char *s)
{
	char *t = xstrdup(s);

	for (char *p = t; *p; p++)
		if (*p == '"' || *p == '#' || *p == '|' ||
		    (unsigned char)*p < 0x20)
			*p = *p == '"' ? '\'' : ' ';
	return t;
}

static void
one_row(struct ctx *c, char **f, int line)
{
	enum hive_id hive;
	char *key = NULL, *want;
	const struct setting *s = NULL;
	const char *value = NULL, *why;
	int wow, known = 0, at_least, absent_ok;
	uint32_t dn, rn;
	struct frow *r;

	if (strcasecmp(f[C_METHOD], "Registry") != 0) {
		sb_add(&c->other, "%s%s", c->nother++ ? ", " : "", f[C_ID]);
		return;
	}
	if (!split_path(f[C_PATH], &hive, &key, &wow)) {
		sb_add(&c->outside, "%s%s", c->noutside++ ? ", " : "", f[C_ID]);
		return;
	}
	for (size_t i = 0; i < nsettings && s == NULL; i++) {
		const char *names[2] = { NULL, NULL };
		size_t nn;

		if (settings[i].hive != hive ||
		    strcasecmp(settings[i].key, key) != 0)
			continue;
		known = 1;
		if (wow && !(settings[i].flags & SF_WOW64))
			continue;
		nn = setting_value_names(&settings[i], names);
		for (size_t k = 0; k < nn; k++)
			if (strcasecmp(names[k], f[C_ITEM]) == 0) {
				s = &settings[i];
				value = names[k];
			}
	}
	if (s == NULL) {
		if (known || (hive == HV_SYSTEM && strncasecmp(key,
		    SCHANNEL_KEY, strlen(SCHANNEL_KEY)) == 0))
			not_imported(c, line, f, "no setting of tlshive's is %s "
			    "under %s", f[C_ITEM], f[C_PATH]);
		else
			sb_add(&c->outside, "%s%s", c->noutside++ ? ", " : "",
			    f[C_ID]);
		free(key);
		return;
	}
	free(key);
	if (strcmp(f[C_OP], "=") != 0 && strcmp(f[C_OP], ">=") != 0) {
		not_imported(c, line, f, "operator \"%s\": tlshive compares "
		    "with = and >= only", f[C_OP]);
		return;
	}
	at_least = f[C_OP][0] == '>';
	if (!profile_valid_id(f[C_ID])) {
		not_imported(c, line, f, "the ID is not made of letters, "
		    "digits, '-', '.' and '_'");
		return;
	}
	for (size_t i = 0; i < c->nr; i++)
		if (strcmp(c->r[i].id + 3, f[C_ID]) == 0) {
			not_imported(c, line, f, "its ID is listed again (first "
			    "at line %d)", c->r[i].line);
			return;
		}
	str_fold(f[C_SEV]);
	if (strcmp(f[C_SEV], "high") != 0 && strcmp(f[C_SEV], "medium") != 0 &&
	    strcmp(f[C_SEV], "low") != 0) {
		not_imported(c, line, f, "severity \"%s\" is none of high, "
		    "medium, low", f[C_SEV]);
		return;
	}
	if ((want = want_of(s, value, f[C_VALUE], at_least, &why)) == NULL) {
		not_imported(c, line, f, "%s = \"%s\": %s", value, f[C_VALUE],
		    why);
		return;
	}
	/* HardeningKitty compares DefaultValue where the value is absent
	 * (as text with =, as numbers with >=): an absent value passes
	 * exactly when that comparison does */
	absent_ok = *f[C_DEFAULT] && (at_least ? dword(f[C_DEFAULT], &dn) ==
	    0 && dword(f[C_VALUE], &rn) == 0 && dn >= rn :
	    strcasecmp(f[C_DEFAULT], f[C_VALUE]) == 0);
	/* the rows of one setting become one profile line: they must ask
	 * the same of it */
	for (size_t i = 0; i < c->nr; i++)
		if (c->r[i].s == s && c->r[i].absent_ok != absent_ok &&
		    strcmp(c->r[i].want, want) == 0 &&
		    c->r[i].at_least == at_least) {
			not_imported(c, line, f, "an absent value %s it, and "
			    "the finding at line %d %s", absent_ok ? "passes" :
			    "fails", c->r[i].line, absent_ok ? "fails" :
			    "passes");
			free(want);
			return;
		} else if (c->r[i].s == s && (strcmp(c->r[i].want, want) != 0 ||
		    c->r[i].at_least != at_least)) {
			not_imported(c, line, f, "it wants %s %s%s, the finding "
			    "at line %d wants %s%s", s->name, at_least ?
			    "at least " : "", want, c->r[i].line,
			    c->r[i].at_least ? "at least " : "", c->r[i].want);
			free(want);
			return;
		}
	c->r = xrealloc(c->r, (c->nr + 1) * sizeof(*c->r));
	r = &c->r[c->nr++];
	r->s = s;
	r->id = xasprintf("HK-%s", f[C_ID]);
	r->sev = xstrdup(f[C_SEV]);
	r->title = plain(f[C_NAME]);
	r->value = value;
	r->view = wow ? "32-bit" : (s->flags & SF_WOW64) ? "64-bit" : NULL;
	r->want = want;
	r->at_least = at_least;
	r->absent_ok = absent_ok;
	r->line = line;
}

/* The benchmark's name: the file's, without directory and ".csv". */
static char *
bench_name(const char *file)
{
	const char *b = strrchr(file, '/');
	char *n;
	size_t len;

	n = xstrdup(b ? b + 1 : file);
	len = strlen(n);
	if (len > 4 && strcasecmp(n + len - 4, ".csv") == 0)
		n[len - 4] = '\0';
	for (char *p = n; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("-._", *p))
			*p = '-';
	if (*n == '\0') {
		free(n);
		n = xstrdup("findings");
	}
	return n;
}

/* The imported rows as a benchmark profile, each line with its origin. */
static int
add_profile(struct policy *pol, struct ctx *c, struct strlist *errs)
{
	struct strbuf text = { 0 };
	struct strlist origins = { 0 };
	char *name = bench_name(c->file);
	int r;

	sb_add(&text, "@benchmark %s title=\"HardeningKitty finding list\"\n",
	    name);
	sl_add(&origins, "%s:1", c->file);
	for (size_t i = 0; i < c->nr; i++) {
		sb_add(&text, "@rule %s severity=%s value=%s%s%s title=\"%s\"\n",
		    c->r[i].id, c->r[i].sev, c->r[i].value, c->r[i].view ?
		    " view=" : "", c->r[i].view ? c->r[i].view : "",
		    c->r[i].title);
		sl_add(&origins, "%s:%d", c->file, c->r[i].line);
	}
	for (size_t i = 0; i < c->nr; i++) {
		size_t first = i;

		for (size_t k = 0; k < i && first == i; k++)
			if (c->r[k].s == c->r[i].s)
				first = k;
		if (first != i)
			continue;
		sb_add(&text, "%s = %s | rule %s", c->r[i].s->name,
		    c->r[i].want, c->r[i].id);
		for (size_t k = i + 1; k < c->nr; k++)
			if (c->r[k].s == c->r[i].s)
				sb_add(&text, ", %s", c->r[k].id);
		sb_add(&text, "%s%s\n", c->r[i].at_least ? " | at least" : "",
		    c->r[i].absent_ok ? " | absent ok" : "");
		sl_add(&origins, "%s:%d", c->file, c->r[i].line);
	}
	r = policy_add_text_at(pol, text.s, c->file, origins.v, errs);
	free(text.s);
	sl_free(&origins);
	free(name);
	return r;
}

int
policy_add_findings_mem(struct policy *pol, const char *text, size_t len,
    const char *file, struct strlist *errs)
{
	struct csv c = { .p = text, .end = text + len, .line = 1,
	    .file = file, .errs = errs };
	struct ctx x = { .file = file, .skipped = &pol->skipped };
	size_t before = errs->n, nf, nh = 0;
	int idx[C_COUNT], line, got;
	char **f = NULL, **head = NULL;
	int r = -1;

	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		c.p += 3;
	if (memchr(text, '\0', len)) {
		sl_add(errs, "%s: not a text file", file);
		return -1;
	}
	if (csv_record(&c, &head, &nh, &line) != 1) {
		if (errs->n == before)
			sl_add(errs, "%s: empty: no header", file);
		return -1;
	}
	for (int k = 0; k < C_COUNT; k++) {
		idx[k] = -1;
		for (size_t i = 0; i < nh; i++)
			if (strcasecmp(str_trim(head[i]), col_names[k]) == 0)
				idx[k] = (int)i;
		if (idx[k] == -1)
			sl_add(errs, "%s:%d: not a HardeningKitty finding list: "
			    "the header has no column %s", file, line,
			    col_names[k]);
	}
	while (errs->n == before && (got = csv_record(&c, &f, &nf, &line)) == 1) {
		char *cols[C_COUNT];

		if (nf == 1 && *f[0] == '\0') {		/* a blank line */
			strv_free(f, nf);
			continue;
		}
		if (nf != nh) {
			sl_add(errs, "%s:%d: %zu fields where the header has %zu",
			    file, line, nf, nh);
			strv_free(f, nf);
			break;
		}
		for (int k = 0; k < C_COUNT; k++)
			cols[k] = f[idx[k]];
		one_row(&x, cols, line);
		strv_free(f, nf);
	}
	if (x.nother)
		sl_add(&pol->skipped, "%s: %zu finding%s not imported: another "
		    "method than Registry (ID %s)", file, x.nother, x.nother == 1 ?
		    "" : "s", x.other.s);
	if (x.noutside)
		sl_add(&pol->skipped, "%s: %zu finding%s not imported: a registry "
		    "path no setting of tlshive's is under (ID %s)", file,
		    x.noutside, x.noutside == 1 ? "" : "s", x.outside.s);
	if (errs->n == before && x.nr == 0)
		sl_add(errs, "%s: no finding of the list is one tlshive can check",
		    file);
	if (errs->n == before)
		r = add_profile(pol, &x, errs);
	for (size_t i = 0; i < x.nr; i++) {
		free(x.r[i].id);
		free(x.r[i].sev);
		free(x.r[i].title);
		free(x.r[i].want);
	}
	free(x.r);
	free(x.other.s);
	free(x.outside.s);
	strv_free(head, nh);
	return r;
}

int
policy_add_findings(struct policy *pol, const char *path,
    struct strlist *errs)
{
	size_t len;
	unsigned char *text = read_all(path, &len);
	int r;

	if (text == NULL) {
		sl_add(errs, "%s: %s", path, strerror(errno));
		return -1;
	}
	r = policy_add_findings_mem(pol, (char *)text, len, path, errs);
	free(text);
	return r;
}
