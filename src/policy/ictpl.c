/*
 * IIS Crypto templates.  Two formats are in use: version 0 (IIS Crypto 2)
 * gives each item state="Enabled|Disabled" and lists every cipher suite
 * with its state; version 3 gives value="-1|0" (the DWORD IIS Crypto
 * writes), an <advanced> section, and the enabled suites as one comma
 * list.  The reader is a tokenizer for the flat XML these files are:
 * elements, attributes, the five predefined entities and character
 * references.  A document type is refused, so no entity can expand, and
 * tlshive links no XML library (tests/cli/imgload.sh).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/ictpl.h"
#include "policy/table.h"

#define MAX_ATTRS 16
#define MAX_DEPTH 32
#define ROOT "iisCryptoTemplate"

struct xattr {
	char *name, *value;
};

enum xkind { XT_OPEN, XT_CLOSE, XT_EOF };

struct xtok {
	enum xkind kind;
	char *name;
	struct xattr a[MAX_ATTRS];
	size_t na;
	int empty;		/* <name ... /> */
	int text;		/* text other than blanks came before it */
	int line;
};

struct xml {
	const char *p, *end;
	int line;
	const char *file;
	struct strlist *errs;
};

static int
xerr(struct xml *x, int line, const char *fmt, ...)
{
	va_list ap;
	char *m;

	va_start(ap, fmt);
	m = xvasprintf(fmt, ap);
	va_end(ap);
	sl_add(x->errs, "%s:%d: %s", x->file, line, m);
	free(m);
	return -1;
}

static void
tok_free(struct xtok *t)
{
	free(t->name);
	for (size_t i = 0; i < t->na; i++) {
		free(t->a[i].name);
		free(t->a[i].value);
	}
	memset(t, 0, sizeof(*t));
}

static const char *
attr(const struct xtok *t, const char *name)
{
	for (size_t i = 0; i < t->na; i++)
		if (strcmp(t->a[i].name, name) == 0)
			return t->a[i].value;
	return NULL;
}

static int
name_start(int c)
{
	return isalpha(c) || c == '_' || c == ':' || c >= 0x80;
}

static int
name_char(int c)
{
	return name_start(c) || isdigit(c) || c == '-' || c == '.';
}

static int
blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void
skip_blanks(struct xml *x)
{
	while (x->p < x->end && blank((unsigned char)*x->p)) {
		if (*x->p == '\n')
			x->line++;
		x->p++;
	}
}

static char *
read_name(struct xml *x)
{
	const char *s = x->p;

	if (x->p >= x->end || !name_start((unsigned char)*x->p))
		return NULL;
	while (x->p < x->end && name_char((unsigned char)*x->p))
		x->p++;
	return strndup(s, (size_t)(x->p - s));
}

/* XML's Char production: what a character reference may name. */
static int
xml_char(unsigned long c)
{
	return c == 0x9 || c == 0xa || c == 0xd || (c >= 0x20 && c <= 0xd7ff) ||
	    (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

static void
put_utf8(struct strbuf *sb, unsigned long c)
{
	if (c < 0x80)
		sb_add(sb, "%c", (int)c);
	else if (c < 0x800)
		sb_add(sb, "%c%c", (int)(0xc0 | c >> 6), (int)(0x80 | (c & 0x3f)));
	else if (c < 0x10000)
		sb_add(sb, "%c%c%c", (int)(0xe0 | c >> 12),
		    (int)(0x80 | (c >> 6 & 0x3f)), (int)(0x80 | (c & 0x3f)));
	else
		sb_add(sb, "%c%c%c%c", (int)(0xf0 | c >> 18),
		    (int)(0x80 | (c >> 12 & 0x3f)), (int)(0x80 | (c >> 6 & 0x3f)),
		    (int)(0x80 | (c & 0x3f)));
}

/*
 * Text or an attribute value from s to e with its references replaced;
 * line is where s is.  NULL after an error.
 */
static char *
decode(struct xml *x, const char *s, const char *e, int line)
{
	static const struct {
		const char *name;
		char c;
	} ents[] = {
		{ "lt", '<' }, { "gt", '>' }, { "amp", '&' }, { "quot", '"' },
		{ "apos", '\'' },
	};
	struct strbuf sb = { 0 };

	sb_add(&sb, "%s", "");
	while (s < e) {
		const char *semi;
		size_t n;
		size_t k;

		if (*s != '&') {
			if (*s == '\n')
				line++;
			sb_add(&sb, "%c", *s++);
			continue;
		}
		semi = memchr(s, ';', (size_t)(e - s));
		n = semi ? (size_t)(semi - s - 1) : 0;
		if (semi == NULL || n == 0 || n > 10) {
			xerr(x, line, "'&' that starts no entity (write &amp;)");
			free(sb.s);
			return NULL;
		}
		if (s[1] == '#') {
			unsigned long c = 0;
			int hex = s[2] == 'x', digits = 0;

			for (const char *q = s + 2 + hex; q < semi; q++, digits++) {
				int d = hex ? isxdigit((unsigned char)*q) :
				    isdigit((unsigned char)*q);
				if (!d || c > 0x10ffff) {
					digits = 0;
					break;
				}
				c = c * (hex ? 16 : 10) + (unsigned long)(isdigit(
				    (unsigned char)*q) ? *q - '0' :
				    tolower((unsigned char)*q) - 'a' + 10);
			}
			if (digits == 0 || !xml_char(c)) {
				xerr(x, line, "bad character reference \"%.*s\"",
				    (int)(n + 2), s);
				free(sb.s);
				return NULL;
			}
			put_utf8(&sb, c);
			s = semi + 1;
			continue;
		}
		for (k = 0; k < sizeof(ents) / sizeof(ents[0]); k++)
			if (strlen(ents[k].name) == n &&
			    strncmp(ents[k].name, s + 1, n) == 0)
				break;
		if (k == sizeof(ents) / sizeof(ents[0])) {
			xerr(x, line, "unknown entity \"%.*s\" (a template has "
			    "only &lt; &gt; &amp; &quot; &apos;)", (int)(n + 2), s);
			free(sb.s);
			return NULL;
		}
		sb_add(&sb, "%c", ents[k].c);
		s = semi + 1;
	}
	return sb_take(&sb);
}

/* Skips to the end of a construct that ends with end; -1 if it does not. */
static int
skip_past(struct xml *x, const char *end, const char *what)
{
	int line = x->line;
	size_t n = strlen(end);

	for (; x->p + n <= x->end; x->p++) {
		if (memcmp(x->p, end, n) == 0) {
			x->p += n;
			return 0;
		}
		if (*x->p == '\n')
			x->line++;
	}
	return xerr(x, line, "%s is not closed with \"%s\"", what, end);
}

static int
read_attrs(struct xml *x, struct xtok *t)
{
	for (;;) {
		const char *vs;
		char q, *v;
		int vline;

		skip_blanks(x);
		if (x->p >= x->end)
			return xerr(x, t->line, "<%s> is not closed with '>'",
			    t->name);
		if (*x->p == '>') {
			x->p++;
			return 0;
		}
		if (*x->p == '/' && x->p + 1 < x->end && x->p[1] == '>') {
			x->p += 2;
			t->empty = 1;
			return 0;
		}
		if (t->na == MAX_ATTRS)
			return xerr(x, x->line, "<%s> has more than %d "
			    "attributes", t->name, MAX_ATTRS);
		if ((t->a[t->na].name = read_name(x)) == NULL)
			return xerr(x, x->line, "<%s>: expected an attribute "
			    "name, '>' or '/>'", t->name);
		t->na++;
		skip_blanks(x);
		if (x->p >= x->end || *x->p != '=')
			return xerr(x, x->line, "<%s>: attribute %s without "
			    "'=' and a value", t->name, t->a[t->na - 1].name);
		x->p++;
		skip_blanks(x);
		if (x->p >= x->end || (*x->p != '"' && *x->p != '\''))
			return xerr(x, x->line, "<%s>: the value of %s is not "
			    "quoted", t->name, t->a[t->na - 1].name);
		q = *x->p++;
		vs = x->p;
		vline = x->line;
		while (x->p < x->end && *x->p != q) {
			if (*x->p == '<')
				return xerr(x, x->line, "<%s>: '<' in the value "
				    "of %s", t->name, t->a[t->na - 1].name);
			if (*x->p == '\n')
				x->line++;
			x->p++;
		}
		if (x->p >= x->end)
			return xerr(x, vline, "<%s>: the value of %s is not "
			    "closed", t->name, t->a[t->na - 1].name);
		if ((v = decode(x, vs, x->p, vline)) == NULL)
			return -1;
		x->p++;
		t->a[t->na - 1].value = v;
		for (size_t i = 0; i + 1 < t->na; i++)
			if (strcmp(t->a[i].name, t->a[t->na - 1].name) == 0)
				return xerr(x, vline, "<%s>: attribute %s given "
				    "twice", t->name, t->a[i].name);
	}
}

/* The next tag, with whether text came before it.  0, or -1 after an error. */
static int
xml_next(struct xml *x, struct xtok *t)
{
	memset(t, 0, sizeof(*t));
	for (;;) {
		const char *s = x->p;
		int line = x->line;
		char *text;

		while (x->p < x->end && *x->p != '<') {
			if (*x->p == '\n')
				x->line++;
			x->p++;
		}
		if ((text = decode(x, s, x->p, line)) == NULL)
			return -1;
		for (char *c = text; *c; c++)
			if (!blank((unsigned char)*c))
				t->text = 1;
		free(text);
		t->line = x->line;
		if (x->p >= x->end) {
			t->kind = XT_EOF;
			return 0;
		}
		if (x->end - x->p >= 2 && x->p[1] == '?') {
			if (skip_past(x, "?>", "a processing instruction") == -1)
				return -1;
			continue;
		}
		if (x->end - x->p >= 4 && memcmp(x->p, "<!--", 4) == 0) {
			if (skip_past(x, "-->", "a comment") == -1)
				return -1;
			continue;
		}
		if (x->end - x->p >= 9 && memcmp(x->p, "<![CDATA[", 9) == 0) {
			const char *cs = x->p + 9;
			if (skip_past(x, "]]>", "a CDATA section") == -1)
				return -1;
			for (const char *c = cs; c < x->p - 3; c++)
				if (!blank((unsigned char)*c))
					t->text = 1;
			continue;
		}
		if (x->end - x->p >= 2 && x->p[1] == '!')
			return xerr(x, x->line, "\"<!\" declarations are not "
			    "read (a template has no document type)");
		x->p++;
		if (x->p < x->end && *x->p == '/') {
			x->p++;
			t->kind = XT_CLOSE;
			if ((t->name = read_name(x)) == NULL)
				return xerr(x, t->line, "expected an element "
				    "name after \"</\"");
			skip_blanks(x);
			if (x->p >= x->end || *x->p != '>')
				return xerr(x, t->line, "</%s> is not closed with "
				    "'>'", t->name);
			x->p++;
			return 0;
		}
		t->kind = XT_OPEN;
		if ((t->name = read_name(x)) == NULL)
			return xerr(x, t->line, "expected an element name "
			    "after '<'");
		return read_attrs(x, t);
	}
}

struct ctx {
	struct xml x;
	ictpl_line_fn fn;
	void *arg;
	struct strlist *skipped;
	char *stack[MAX_DEPTH];
	int lines[MAX_DEPTH];
	int depth;
	int skip_at;			/* subtree ignored from this depth, or -1 */
	int roots;
	int client;			/* version 0's setClientProtocols */
	struct strbuf suites;		/* the enabled suites, in order */
	int nsuites;
	int suites_line;
};

static void
skipped(struct ctx *c, int line, const char *fmt, ...)
{
	va_list ap;
	char *m;

	va_start(ap, fmt);
	m = xvasprintf(fmt, ap);
	va_end(ap);
	sl_add(c->skipped, "%s:%d: %s", c->x.file, line, m);
	free(m);
}

/* "<templateItem name="X">" for messages. */
static char *
shown(const struct xtok *t)
{
	const char *n = attr(t, "name");

	return n ? xasprintf("<%s name=\"%s\">", t->name, n) :
	    xasprintf("<%s>", t->name);
}

static void
not_mapped(struct ctx *c, const struct xtok *t)
{
	char *s = shown(t);

	skipped(c, t->line, "%s not mapped: tlshive has no setting for it", s);
	free(s);
}

/* "NAME = VALUE" as a profile line of the template's, at line. */
static void
add_line(struct ctx *c, int line, const char *fmt, ...)
{
	va_list ap;
	char *text, *origin = xasprintf("%s:%d", c->x.file, line);

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	c->fn(c->arg, text, origin);
	free(text);
	free(origin);
}

/* A DWORD the template gives as decimal, -1 standing for 0xffffffff. */
static int
item_number(const char *v, long long *out)
{
	char *end;

	if (v == NULL || *v == '\0')
		return -1;
	errno = 0;
	*out = strtoll(v, &end, 10);
	if (errno || *end != '\0' || *out < -1 || *out > 0xffffffffLL)
		return -1;
	return 0;
}

/* 1 on, 0 off, -1 after an error: state="Enabled|Disabled" or value="-1|0". */
static int
item_state(struct ctx *c, const struct xtok *t)
{
	const char *st = attr(t, "state"), *v = attr(t, "value");
	char *s = shown(t);
	long long n;
	int r = -1;

	if (st && strcasecmp(st, "Enabled") == 0)
		r = 1;
	else if (st && strcasecmp(st, "Disabled") == 0)
		r = 0;
	else if (st)
		xerr(&c->x, t->line, "%s: bad state \"%s\" (expected Enabled "
		    "or Disabled)", s, st);
	else if (item_number(v, &n) == 0)
		r = n != 0;
	else if (v)
		xerr(&c->x, t->line, "%s: bad value \"%s\" (expected -1 or 0)",
		    s, v);
	else
		xerr(&c->x, t->line, "%s has neither state nor value", s);
	free(s);
	return r;
}

/*
 * Where IIS Crypto's names differ from the registry keys (and so from the
 * rows): its hashes are spelt with a space.
 */
static const struct {
	const char *ictpl, *row;
} aliases[] = {
	{ "SHA 256", "SHA256" },
	{ "SHA 384", "SHA384" },
	{ "SHA 512", "SHA512" },
};

/* The row an item of a <schannel> section names, or NULL. */
static const struct setting *
schannel_row(const char *section, const char *name)
{
	static const struct {
		const char *section, *sub;
	} subs[] = {
		{ "ciphers", SCHANNEL_KEY "\\Ciphers\\" },
		{ "hashes", SCHANNEL_KEY "\\Hashes\\" },
		{ "keyExchanges", SCHANNEL_KEY "\\KeyExchangeAlgorithms\\" },
	};
	const struct setting *s;
	char *row;

	if (strcmp(section, "clientProtocols") == 0 ||
	    strcmp(section, "serverProtocols") == 0) {
		row = xasprintf("%s %s", name, section[0] == 'c' ? "client" :
		    "server");
		s = setting_lookup(row, &s, 1) == 1 ? s : NULL;
		free(row);
		return s && s->kind == SK_PROTOCOL ? s : NULL;
	}
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcasecmp(name, aliases[i].ictpl) == 0)
			name = aliases[i].row;
	if (setting_lookup(name, &s, 1) != 1)
		return NULL;
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (strcmp(section, subs[i].section) == 0 &&
		    s->kind == SK_SWITCH &&
		    strncmp(s->key, subs[i].sub, strlen(subs[i].sub)) == 0 &&
		    strchr(s->key + strlen(subs[i].sub), '\\') == NULL)
			return s;
	return NULL;
}

/* The name closest to a misspelt one among those the section takes. */
static const char *
section_suggest(const char *section, const char *name)
{
	int proto = strcmp(section, "clientProtocols") == 0 ||
	    strcmp(section, "serverProtocols") == 0;
	struct nearest n;

	nearest_init(&n, name);
	for (size_t i = 0; i < nsettings; i++) {
		const struct setting *s = &settings[i];
		if (proto && s->kind == SK_PROTOCOL)
			nearest_add(&n, s->group);
		else if (!proto && schannel_row(section, s->name) == s)
			nearest_add(&n, s->name);
	}
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]) &&
	    strcmp(section, "hashes") == 0; i++)
		nearest_add(&n, aliases[i].ictpl);
	return nearest_close(&n);
}

static void
schannel_item(struct ctx *c, const struct xtok *t, const char *section)
{
	const char *name = attr(t, "name");
	const struct setting *s;
	int on;

	if (name == NULL) {
		xerr(&c->x, t->line, "<%s> without a name", t->name);
		return;
	}
	if ((on = item_state(c, t)) == -1)
		return;
	if ((s = schannel_row(section, name)) == NULL) {
		const char *hint = section_suggest(section, name);
		skipped(c, t->line, "<%s name=\"%s\"> in <%s> not mapped: no "
		    "such setting%s%s%s", t->name, name, section, hint ?
		    "; did you mean \"" : "", hint ? hint : "", hint ? "\"?" :
		    "");
		return;
	}
	/* minimumOSVersion: IIS Crypto leaves the item alone on older
	 * Windows; for a row tlshive knows a first build of, "auto" does
	 * the same; for the others the table's own knowledge of the build
	 * decides, as for any profile */
	add_line(c, t->line, "%s = %s", s->name, !on ? "off" :
	    attr(t, "minimumOSVersion") && s->min_build ? "auto" : "on");
}

static void
advanced_item(struct ctx *c, const struct xtok *t)
{
	const char *name = attr(t, "name"), *v = attr(t, "value");
	long long n;

	if (name == NULL) {
		xerr(&c->x, t->line, "<%s> without a name", t->name);
		return;
	}
	if (strcmp(name, "DHE Minimum Key Length") == 0 ||
	    strcmp(name, "FIPS Algorithm Policy") == 0) {
		if (item_number(v, &n) == -1) {
			xerr(&c->x, t->line, "<%s name=\"%s\">: bad value "
			    "\"%s\" (expected a number)", t->name, name,
			    v ? v : "");
			return;
		}
		/* 0 is IIS Crypto's "Default": the value is left to Windows */
		if (name[0] == 'D' && n != 0)
			add_line(c, t->line, "Diffie-Hellman server min bits = "
			    "%lld", n);
		else if (name[0] == 'F')
			add_line(c, t->line, "FIPS = %s", n ? "on" : "off");
		return;
	}
	not_mapped(c, t);
}

static void
add_suite(struct ctx *c, const struct xtok *t, const char *suite, int cond)
{
	if (suite_find(suite) == NULL) {
		const char *hint = suite_suggest(suite);
		skipped(c, t->line, "cipher suite \"%s\" not mapped: tlshive "
		    "does not know it%s%s%s", suite, hint ? "; did you mean \"" :
		    "", hint ? hint : "", hint ? "\"?" : "");
		return;
	}
	sb_add(&c->suites, "%s%s%s", c->nsuites ? ", " : "", suite,
	    cond ? " if supported" : "");
	c->nsuites++;
}

static void
suite_item(struct ctx *c, const struct xtok *t)
{
	const char *name = attr(t, "name"), *v = attr(t, "value");
	int cond = attr(t, "minimumOSVersion") != NULL;

	if (name == NULL) {
		xerr(&c->x, t->line, "<%s> without a name", t->name);
		return;
	}
	if (strcmp(t->name, "cipherSuiteItem") == 0) {
		/* a disabled suite is left out of the list, which is how
		 * Windows disables it: known to tlshive or not */
		if (item_state(c, t) == 1)
			add_suite(c, t, name, cond);
		return;
	}
	if (strcmp(name, "Configured Cipher Suites") != 0 || v == NULL) {
		not_mapped(c, t);
		return;
	}
	c->suites_line = t->line;
	for (char *copy = xstrdup(v), *p = copy, *comma;; p = comma + 1) {
		comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		if (*str_trim(p))
			add_suite(c, t, str_trim(p), cond);
		if (comma == NULL) {
			free(copy);
			break;
		}
	}
}

/* The end of a <cipherSuites>: its enabled suites, in order. */
static void
suites_done(struct ctx *c)
{
	if (c->nsuites)
		add_line(c, c->suites_line, "cipher-suites = %s", c->suites.s);
	else
		skipped(c, c->suites_line, "<cipherSuites> enables no suite "
		    "tlshive knows: cipher-suites left as it is");
	free(c->suites.s);
	memset(&c->suites, 0, sizeof(c->suites));
	c->nsuites = 0;
}

/* An element opens at depth d (its ancestors: c->stack[0..d-1]). */
static int
element(struct ctx *c, const struct xtok *t)
{
	const char *parent = c->depth ? c->stack[c->depth - 1] : NULL;
	const char *v;

	switch (c->depth) {
	case 0:
		if (c->roots++)
			return xerr(&c->x, t->line, "a second root element "
			    "<%s>", t->name);
		if (strcmp(t->name, ROOT) != 0)
			return xerr(&c->x, t->line, "not an IIS Crypto "
			    "template: the root element is <%s>, not <" ROOT
			    ">", t->name);
		return 0;
	case 1:
		if (strcmp(t->name, "header") == 0)
			c->skip_at = 1;
		else if (strcmp(t->name, "schannel") == 0)
			c->client = !((v = attr(t, "setClientProtocols")) &&
			    strcasecmp(v, "false") == 0);
		else if (strcmp(t->name, "cipherSuites") == 0)
			c->suites_line = t->line;
		else if (strcmp(t->name, "advanced") != 0) {
			not_mapped(c, t);
			c->skip_at = 1;
		}
		return 0;
	case 2:
		if (strcmp(parent, "schannel") == 0) {
			if (strcmp(t->name, "clientProtocols") == 0 &&
			    !c->client) {
				skipped(c, t->line, "<clientProtocols> left "
				    "out: the template's setClientProtocols is "
				    "false");
				c->skip_at = 2;
			} else if (strcmp(t->name, "clientProtocols") != 0 &&
			    strcmp(t->name, "serverProtocols") != 0 &&
			    strcmp(t->name, "ciphers") != 0 &&
			    strcmp(t->name, "hashes") != 0 &&
			    strcmp(t->name, "keyExchanges") != 0) {
				not_mapped(c, t);
				c->skip_at = 2;
			}
		} else if (strcmp(parent, "advanced") == 0 &&
		    strcmp(t->name, "templateItem") == 0)
			advanced_item(c, t);
		else if (strcmp(parent, "cipherSuites") == 0 &&
		    (strcmp(t->name, "cipherSuiteItem") == 0 ||
		    strcmp(t->name, "templateItem") == 0))
			suite_item(c, t);
		else {
			not_mapped(c, t);
			c->skip_at = 2;
		}
		return 0;
	case 3:
		if (strcmp(c->stack[1], "schannel") == 0 &&
		    (strcmp(t->name, "schannelItem") == 0 ||
		    strcmp(t->name, "templateItem") == 0)) {
			schannel_item(c, t, parent);
			return 0;
		}
		/* FALLTHROUGH */
	default:
		not_mapped(c, t);
		c->skip_at = c->depth;
		return 0;
	}
}

/* Reads the tags; -1 when the XML is broken (the error added). */
static int
walk(struct ctx *c)
{
	struct xtok t;

	for (;;) {
		if (xml_next(&c->x, &t) == -1) {
			tok_free(&t);
			return -1;
		}
		if (t.text && c->depth == 0) {
			xerr(&c->x, t.line, "text outside the <" ROOT "> "
			    "element");
			tok_free(&t);
			return -1;
		}
		if (t.kind == XT_EOF) {
			tok_free(&t);
			if (c->depth)
				return xerr(&c->x, c->x.line, "<%s> (line %d) is "
				    "not closed", c->stack[c->depth - 1],
				    c->lines[c->depth - 1]);
			if (c->roots == 0)
				return xerr(&c->x, c->x.line, "not an IIS "
				    "Crypto template: no <" ROOT "> element");
			return 0;
		}
		if (t.kind == XT_CLOSE) {
			if (c->depth == 0 ||
			    strcmp(t.name, c->stack[c->depth - 1]) != 0) {
				if (c->depth)
					xerr(&c->x, t.line, "</%s> where <%s> "
					    "(line %d) is open", t.name,
					    c->stack[c->depth - 1],
					    c->lines[c->depth - 1]);
				else
					xerr(&c->x, t.line, "</%s> closes no "
					    "element", t.name);
				tok_free(&t);
				return -1;
			}
			free(c->stack[--c->depth]);
			if (c->skip_at == c->depth)
				c->skip_at = -1;
			else if (c->skip_at == -1 && c->depth == 1 &&
			    strcmp(t.name, "cipherSuites") == 0)
				suites_done(c);
			tok_free(&t);
			continue;
		}
		if (c->skip_at == -1 && element(c, &t) == -1) {
			tok_free(&t);
			return -1;
		}
		if (t.empty) {
			if (c->skip_at == c->depth)
				c->skip_at = -1;
			else if (c->skip_at == -1 && c->depth == 1 &&
			    strcmp(t.name, "cipherSuites") == 0)
				suites_done(c);
			tok_free(&t);
			continue;
		}
		if (c->depth == MAX_DEPTH) {
			xerr(&c->x, t.line, "elements nested deeper than %d",
			    MAX_DEPTH);
			tok_free(&t);
			return -1;
		}
		c->lines[c->depth] = t.line;
		c->stack[c->depth++] = t.name;
		t.name = NULL;
		tok_free(&t);
	}
}

/*
 * The template as UTF-8: IIS Crypto saves UTF-16 with a byte order mark
 * (its declaration says encoding="utf-16"), and an edited copy is often
 * UTF-8.  The bytes decide, not the declaration.  NULL after an error.
 */
static char *
to_utf8(const unsigned char *d, size_t len, const char *file, size_t *outlen,
    struct strlist *errs)
{
	const char *from = NULL;
	char *out, *in, *o;
	size_t inleft, outleft, cap;
	iconv_t cd;

	if (len >= 2 && d[0] == 0xff && d[1] == 0xfe)
		from = "UTF-16LE", d += 2, len -= 2;
	else if (len >= 2 && d[0] == 0xfe && d[1] == 0xff)
		from = "UTF-16BE", d += 2, len -= 2;
	else if (len >= 2 && d[0] == '<' && d[1] == 0)
		from = "UTF-16LE";
	else if (len >= 2 && d[0] == 0 && d[1] == '<')
		from = "UTF-16BE";
	else if (len >= 3 && memcmp(d, "\xef\xbb\xbf", 3) == 0)
		d += 3, len -= 3;
	if (from == NULL) {
		*outlen = len;
		out = xmalloc(len + 1);
		memcpy(out, d, len);
		out[len] = '\0';
		return out;
	}
	/* two bytes give at most three, a surrogate pair's four give four */
	cap = len / 2 * 3 + 4;
	out = xmalloc(cap + 1);
	if ((cd = iconv_open("UTF-8", from)) == (iconv_t)-1) {
		sl_add(errs, "%s: %s text cannot be read here: %s", file, from,
		    strerror(errno));
		free(out);
		return NULL;
	}
	in = (char *)d;
	inleft = len;
	o = out;
	outleft = cap;
	if (iconv(cd, &in, &inleft, &o, &outleft) == (size_t)-1) {
		int line = 1;

		for (char *p = out; p < o; p++)
			line += *p == '\n';
		sl_add(errs, "%s:%d: %s", file, line, errno == EINVAL ?
		    "the UTF-16 text ends inside a character" :
		    "not valid UTF-16 (a lone surrogate)");
		iconv_close(cd);
		free(out);
		return NULL;
	}
	iconv_close(cd);
	*outlen = (size_t)(o - out);
	out[*outlen] = '\0';
	return out;
}

int
ictpl_detect(const unsigned char *d, size_t len)
{
	size_t i = 0;

	if (len >= 2 && ((d[0] == 0xff && d[1] == 0xfe) ||
	    (d[0] == 0xfe && d[1] == 0xff) || (d[0] == '<' && d[1] == 0) ||
	    (d[0] == 0 && d[1] == '<')))
		return 1;
	if (len >= 3 && memcmp(d, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && blank(d[i]))
		i++;
	return i < len && d[i] == '<';
}

int
ictpl_read(const unsigned char *data, size_t len, const char *file,
    ictpl_line_fn fn, void *arg, struct strlist *skipped,
    struct strlist *errs)
{
	struct ctx c = { .fn = fn, .arg = arg, .skipped = skipped,
	    .skip_at = -1, .client = 1 };
	size_t before = errs->n, n;
	char *text = to_utf8(data, len, file, &n, errs);
	int line = 1;

	if (text == NULL)
		return -1;
	/* XML allows no other control character, and a NUL would end
	 * the strings made of the text early */
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)text[i];
		if (ch == '\n')
			line++;
		else if (ch < 0x20 && ch != '\t' && ch != '\r') {
			sl_add(errs, "%s:%d: control character 0x%02x in the "
			    "text", file, line, ch);
			free(text);
			return -1;
		}
	}
	c.x = (struct xml){ .p = text, .end = text + n, .line = 1,
	    .file = file, .errs = errs };
	walk(&c);
	while (c.depth > 0)
		free(c.stack[--c.depth]);
	free(c.suites.s);
	free(text);
	return errs->n > before ? -1 : 0;
}
