/*
 * Reading regedit's .reg format as a policy source, line for line as
 * regedit reads it (Wine's regedit and reg import tests, which pass on
 * Windows, record the rules): what regedit skips is skipped with a
 * warning, what it rejects as a file is an error.  Writing is regwrite.c's.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/facts.h"
#include "policy/reg.h"

#define V5_HEADER "Windows Registry Editor Version 5.00"
#define V4_HEADER "REGEDIT4"

/* The file's text as UTF-8, whatever encoding regedit or an editor used. */
static char *
decode(const unsigned char *d, size_t len, const char *file,
    struct strlist *errs)
{
	size_t n;
	char *s, *u16;

	if (len >= 2 && d[0] == 0xff && d[1] == 0xfe) {
		if ((len - 2) % 2 != 0) {
			sl_add(errs, "%s: truncated UTF-16 text (an odd number "
			    "of bytes after the byte-order mark)", file);
			return NULL;
		}
		s = regval_recode("UTF-8", "UTF-16LE", (const char *)d + 2, len - 2,
		    &n);
		if (s == NULL) {
			sl_add(errs, "%s: not valid UTF-16LE text", file);
			return NULL;
		}
	} else if (len >= 2 && d[0] == 0xfe && d[1] == 0xff) {
		sl_add(errs, "%s: UTF-16 big-endian text; regedit writes "
		    "little-endian", file);
		return NULL;
	} else {
		if (len >= 3 && memcmp(d, "\xef\xbb\xbf", 3) == 0) {
			d += 3;
			len -= 3;
		}
		/*
		 * UTF-8 only if every character has a UTF-16 form: the
		 * registry stores UTF-16, and glibc's UTF-8 to UTF-8 lets
		 * F5..F7 lead bytes (past U+10FFFF) through.  REGEDIT4
		 * files are in the ANSI code page.
		 */
		s = NULL;
		u16 = regval_recode("UTF-16LE", "UTF-8", (const char *)d, len,
		    &n);
		if (u16 != NULL) {
			s = regval_recode("UTF-8", "UTF-16LE", u16, n, &n);
			free(u16);
		}
		if (s == NULL)
			s = regval_recode("UTF-8", "WINDOWS-1252", (const char *)d,
			    len, &n);
		if (s == NULL) {
			sl_add(errs, "%s: not a text file", file);
			return NULL;
		}
	}
	if (strlen(s) != n) {
		sl_add(errs, "%s: not a .reg file (it holds NUL bytes)", file);
		free(s);
		return NULL;
	}
	return s;
}

/* One line of the file, as regedit splits them: at LF, CRLF or a bare CR. */
struct line {
	char *s;
	int no;
};

/* Where values go: a key line opened a key, or why none is open. */
enum section {
	SEC_NONE,		/* no key line yet */
	SEC_KEY,		/* values go to ps->key */
	SEC_DELETED,		/* [-KEY]: regedit drops its values */
	SEC_SKIPPED,		/* a key line regedit skips: so are its values */
	SEC_REFUSED		/* a key line tlshive refused (an error) */
};

struct parser {
	struct policy add;
	struct strlist *errs, warns;
	const char *file;
	struct line *lines;
	size_t nlines, next;	/* the next line to read */
	int line;		/* the line being read */
	int unicode;		/* UTF-16 file: hex(2)/(7) data is UTF-16 */
	enum section sec;
	int sec_line;		/* the key line of the section */
	int ccs;
	enum hive_id hive;
	char *key;
	char *sid;		/* HKEY_USERS\SID, or NULL */
};

static void __attribute__((format(printf, 2, 3)))
perr(struct parser *ps, const char *fmt, ...)
{
	va_list ap;
	char *m;

	va_start(ap, fmt);
	m = xvasprintf(fmt, ap);
	va_end(ap);
	sl_add(ps->errs, "%s:%d: %s", ps->file, ps->line, m);
	free(m);
}

/* What regedit skips or ignores, and tlshive with it: a warning, an
 * error with --strict. */
static void
pwarn(struct parser *ps, int line, const char *prefix, const char *fmt,
    va_list ap)
{
	char *m = xvasprintf(fmt, ap);

	sl_add(&ps->warns, "%s:%d: %s%s", ps->file, line, prefix, m);
	free(m);
}

static void __attribute__((format(printf, 3, 4)))
pskip(struct parser *ps, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pwarn(ps, line, "regedit skips this line: ", fmt, ap);
	va_end(ap);
}

static void __attribute__((format(printf, 3, 4)))
pignore(struct parser *ps, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pwarn(ps, line, "regedit ignores ", fmt, ap);
	va_end(ap);
}

static struct regop *
newop(struct parser *ps, enum regop_kind kind)
{
	struct regop *o;

	ps->add.r = xrealloc(ps->add.r, (ps->add.nr + 1) * sizeof(*o));
	o = &ps->add.r[ps->add.nr++];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->hive = ps->hive;
	o->ccs = ps->ccs;
	o->key = xstrdup(ps->key);
	o->sid = ps->sid ? xstrdup(ps->sid) : NULL;
	o->origin = xasprintf("%s:%d", ps->file, ps->line);
	return o;
}

/*
 * HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\X -> SYSTEM, ccs, "X";
 * HKLM\SOFTWARE\X -> SOFTWARE, "X"; anything else is refused.
 */

/*
 * Keys an image cannot lose: SYSTEM's Select names the control sets, and
 * the control set's ProductOptions and Session Manager, with SOFTWARE's
 * CurrentVersion, say what Windows it is.  Deleting one of them, or a key
 * above one, leaves an image neither Windows nor tlshive (nor the undo
 * file) can read.
 */
static int
needed(enum hive_id hive, int ccs, const char *key)
{
	static const char *const sys[] = { SELECT_KEY };
	static const char *const cs[] = { PRODUCT_OPTIONS_KEY,
	    ENVIRONMENT_KEY };
	static const char *const soft[] = { CURRENT_VERSION };
	const char *const *list = hive == HV_SOFTWARE ? soft : sys;
	size_t n = 1, len;

	if (hive == HV_SYSTEM) {
		const char *k = key;
		if (!ccs && strncasecmp(k, "ControlSet", 10) == 0 &&
		    (k = strchr(k, '\\')) != NULL)
			ccs = 1, key = k + 1;
		if (ccs) {
			list = cs;
			n = 2;
		}
	}
	len = strlen(key);
	for (size_t i = 0; i < n; i++)
		if (strncasecmp(list[i], key, len) == 0 &&
		    (list[i][len] == '\0' || list[i][len] == '\\'))
			return 1;
	return 0;
}

/* The root keys regedit knows, by their full names only. */
static const char *const roots[] = { "HKEY_LOCAL_MACHINE", "HKEY_CURRENT_USER",
    "HKEY_USERS", "HKEY_CLASSES_ROOT", "HKEY_CURRENT_CONFIG",
    "HKEY_DYN_DATA" };
static const char *const short_roots[] = { "HKLM", "HKCU", "HKU", "HKCR",
    "HKCC" };

/*
 * Opens the section of a key line: 0 opened, 1 skipped as regedit skips
 * it (a warning), -1 refused (an error).  Names keep their blanks: regedit
 * creates "Client " for [...\Client ], a key Schannel never reads.
 */
static int
route(struct parser *ps, const char *path, int del)
{
	char *copy = xstrdup(path), *save = NULL, *c;
	struct strbuf rest = { 0 };
	int depth = 0, r = -1;
	size_t i;

	free(ps->key);
	ps->key = NULL;
	free(ps->sid);
	ps->sid = NULL;
	ps->ccs = 0;
	c = strtok_r(copy, "\\", &save);
	for (i = 0; c && i < sizeof(roots) / sizeof(*roots); i++)
		if (strcasecmp(c, roots[i]) == 0)
			break;
	if (c == NULL || i == sizeof(roots) / sizeof(*roots)) {
		const char *full = NULL;
		for (size_t k = 0; c && k < sizeof(short_roots) /
		    sizeof(*short_roots); k++)
			if (strcasecmp(c, short_roots[k]) == 0)
				full = roots[k];
		if (full)
			pskip(ps, ps->line, "regedit knows only full root "
			    "names: %s is not %s to it, and the values under "
			    "it are skipped too", c, full);
		else
			pskip(ps, ps->line, "%s is not a root key, and the "
			    "values under it are skipped too", c ? c : "\"\"");
		r = 1;
		goto out;
	}
	if (i == 2) {
		/* HKEY_USERS\SID: that profile's NTUSER.DAT; .DEFAULT is the
		 * services' hive (config\DEFAULT), not the Default profile */
		c = strtok_r(NULL, "\\", &save);
		if (c == NULL || strncasecmp(c, "S-1-5-21-", 9) != 0) {
			perr(ps, "HKEY_USERS\\%s: only HKEY_USERS\\S-1-5-21-... "
			    "(a user account's profile) and HKEY_CURRENT_USER "
			    "(the Default user profile) are in an image's user "
			    "hives", c ? c : "");
			goto out;
		}
		free(ps->sid);
		ps->sid = xstrdup(c);
		i = 1;
	}
	if (i == 1) {
		/* HKEY_CURRENT_USER offline: a user profile's NTUSER.DAT */
		ps->hive = HV_USER;
		while ((c = strtok_r(NULL, "\\", &save)) != NULL)
			sb_add(&rest, "%s%s", rest.len ? "\\" : "", c);
		ps->key = rest.s ? sb_take(&rest) : xstrdup("");
		if (del && ps->key[0] == '\0') {
			perr(ps, "refusing to delete %s: a whole hive", path);
			goto out;
		}
		r = 0;
		goto out;	/* keeps ps->sid */
	}
	if (i != 0) {
		perr(ps, "%s: only HKEY_LOCAL_MACHINE\\SYSTEM, "
		    "HKEY_LOCAL_MACHINE\\SOFTWARE and HKEY_CURRENT_USER are in "
		    "an image's hives", c);
		goto out;
	}
	c = strtok_r(NULL, "\\", &save);
	if (c == NULL || (strcasecmp(c, "SYSTEM") != 0 &&
	    strcasecmp(c, "SOFTWARE") != 0)) {
		perr(ps, "HKEY_LOCAL_MACHINE\\%s: not the SYSTEM or SOFTWARE "
		    "hive", c ? c : "");
		goto out;
	}
	ps->hive = strcasecmp(c, "SYSTEM") == 0 ? HV_SYSTEM : HV_SOFTWARE;
	while ((c = strtok_r(NULL, "\\", &save)) != NULL) {
		if (depth++ == 0 && ps->hive == HV_SYSTEM &&
		    strcasecmp(c, "CurrentControlSet") == 0) {
			ps->ccs = 1;
			continue;
		}
		sb_add(&rest, "%s%s", rest.len ? "\\" : "", c);
	}
	ps->key = rest.s ? sb_take(&rest) : xstrdup("");
	if (del && (ps->key[0] == '\0' || (ps->hive == HV_SYSTEM && !ps->ccs &&
	    strncasecmp(ps->key, "ControlSet", 10) == 0 &&
	    strchr(ps->key, '\\') == NULL))) {
		perr(ps, "refusing to delete %s: a whole hive or control set",
		    path);
		goto out;
	}
	if (del && needed(ps->hive, ps->ccs, ps->key)) {
		perr(ps, "refusing to delete %s: Windows and tlshive need it "
		    "(or a key below it) to read the image", path);
		goto out;
	}
	r = 0;
out:
	free(copy);
	return r;
}

static int
blank(int c)
{
	return c == ' ' || c == '\t';
}

static const char *
skip_blanks(const char *p)
{
	while (blank(*p))
		p++;
	return p;
}

/* Only blanks, then the end or a ';' comment ('#' is no comment there). */
static int
ends_here(const char *p)
{
	p = skip_blanks(p);
	return *p == '\0' || *p == ';';
}

/*
 * A quoted string at *p (just past the opening quote); advances *p past
 * the closing one.  NULL with the reason in *why: regedit knows \\ and \"
 * and rejects a value with any other escape, \0 included.
 */
static char *
quoted(const char **p, const char **why)
{
	struct strbuf sb = { 0 };
	const char *s = *p;

	sb_add(&sb, "%s", "");
	for (; *s && *s != '"'; s++) {
		if (*s == '\\') {
			if (s[1] != '\\' && s[1] != '"') {
				*why = s[1] == '0' ? "\\0 in a quoted string" :
				    "an escape other than \\\\ and \\\" in a "
				    "quoted string";
				free(sb.s);
				return NULL;
			}
			s++;
		}
		sb_add(&sb, "%c", *s);
	}
	if (*s != '"') {
		*why = "no closing quote (a string never goes on to the next "
		    "line)";
		free(sb.s);
		return NULL;
	}
	*p = s + 1;
	return sb_take(&sb);
}

/* 1 to max hex digits, all of them; -1 otherwise. */
static int
hexdigits(const char *p, size_t n, size_t max, uint32_t *out)
{
	uint32_t v = 0;

	if (n == 0 || n > max)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int c = tolower((unsigned char)p[i]);
		if (!isxdigit(c))
			return -1;
		v = v * 16 + (uint32_t)(isdigit(c) ? c - '0' : c - 'a' + 10);
	}
	*out = v;
	return 0;
}

/*
 * The bytes of one line of hex data, "01,ab, ff" (a trailing comma
 * allowed): regedit rejects an empty element, one above ff, and anything
 * after an element but the comma.
 */
static int
hex_elements(const char *s, size_t len, struct strbuf *out,
    const char **why)
{
	size_t i = 0;

	while (i < len) {
		size_t start;
		uint32_t b = 0;

		while (i < len && blank(s[i]))
			i++;
		start = i;
		while (i < len && isxdigit((unsigned char)s[i]))
			i++;
		if (i == start) {
			*why = "an empty or non-hex element in hex data";
			return -1;
		}
		for (size_t k = start; k < i; k++) {
			int c = tolower((unsigned char)s[k]);
			b = b * 16 + (uint32_t)(isdigit(c) ? c - '0' :
			    c - 'a' + 10);
			if (b > 0xff) {
				*why = "an element above ff in hex data";
				return -1;
			}
		}
		if (i < len && s[i] != ',') {
			*why = "text after an element of hex data";
			return -1;
		}
		i++;		/* the comma, or the end */
		out->s = xrealloc(out->s, out->len + 2);
		out->s[out->len++] = (char)b;
	}
	return 0;
}

/*
 * Hex data from p on, over continuation lines as regedit reads them: a
 * line goes on when it ends in a comma and a backslash (blanks and a ';'
 * comment may follow); blank and ';' lines between are passed over; the
 * first other line is taken as the continuation whatever it holds, so a
 * broken one costs that line too.  Returns 0 with the bytes, or -1 with
 * the reason (and *lost set to a line consumed for nothing, or 0).
 */
static int
hex_data(struct parser *ps, const char *p, struct strbuf *out,
    const char **why, int *lost)
{
	*lost = 0;
	for (;;) {
		const char *semi = strchr(p, ';');
		size_t len = semi ? (size_t)(semi - p) : strlen(p);
		int more = 0;
		struct line *l;

		while (len && blank(p[len - 1]))
			len--;
		if (len && p[len - 1] == '\\') {
			len--;
			while (len && blank(p[len - 1]))
				len--;
			/* "hex(2):\" starts the data on the next line */
			if (len && p[len - 1] != ',') {
				*why = "a '\\' that does not follow a comma in "
				    "hex data";
				return -1;
			}
			more = 1;
		}
		if (hex_elements(p, len, out, why) == -1)
			return -1;
		if (!more)
			return 0;
		do {
			if (ps->next >= ps->nlines)
				return 0;	/* the end keeps what came */
			l = &ps->lines[ps->next++];
			p = skip_blanks(l->s);
		} while (*p == '\0' || *p == ';');
		if (*p == '#' || !isxdigit((unsigned char)*p)) {
			*why = "hex data continued by a line that is not hex "
			    "data";
			*lost = l->no;
			return -1;
		}
	}
}

/* REG_SZ, REG_EXPAND_SZ, REG_MULTI_SZ given as hex(1), hex(2), hex(7). */
static int
string_type(uint32_t type)
{
	return type == REGT_SZ || type == REGT_EXPAND_SZ ||
	    type == REGT_MULTI_SZ;
}

/*
 * hex(1)/(2)/(7) data in an ANSI file is text in its code page, stored as
 * UTF-16; in a UTF-16 file it is stored as it is.  Either way regedit
 * ends it with a NUL character when it lacks one.
 */
static int
string_data(struct parser *ps, struct regval *v)
{
	if (!ps->unicode && v->len > 0) {
		size_t n;
		char *u = regval_recode("UTF-16LE", "WINDOWS-1252",
		    (const char *)v->data, v->len, &n);
		if (u == NULL)
			return -1;
		free(v->data);
		v->data = (unsigned char *)u;
		v->len = n;
	}
	/* empty data stays empty: hex(1): is a REG_SZ of no bytes */
	if (v->len > 0 && (v->len < 2 || v->data[v->len - 1] != 0 ||
	    v->data[v->len - 2] != 0 || v->len % 2 != 0)) {
		size_t pad = v->len % 2 ? 3 : 2;
		v->data = xrealloc(v->data, v->len + pad);
		memset(v->data + v->len, 0, pad);
		v->len += pad;
	}
	return 0;
}

/*
 * The data of a value line; 0 with v (or *del), or -1 with the reason
 * regedit rejects it.
 */
static int
value_data(struct parser *ps, const char *p, struct regval *v, int *del,
    const char **why, int *lost)
{
	uint32_t type, d;
	const char *q;
	struct strbuf bytes = { 0 };
	char *s;

	*del = 0;
	*lost = 0;
	memset(v, 0, sizeof(*v));
	if (*p == '-') {
		if (!ends_here(p + 1)) {
			*why = "text after '-'";
			return -1;
		}
		*del = 1;
		return 0;
	}
	if (*p == '"') {
		p++;
		if ((s = quoted(&p, why)) == NULL)
			return -1;
		if (!ends_here(p)) {
			*why = "text after the closing quote";
			free(s);
			return -1;
		}
		if (regval_sz(v, s) == -1) {
			*why = "a string that is not valid text";
			free(s);
			return -1;
		}
		free(s);
		return 0;
	}
	if (strncasecmp(p, "dword:", 6) == 0) {
		p = skip_blanks(p + 6);
		for (q = p; isxdigit((unsigned char)*q); q++)
			;
		if (hexdigits(p, (size_t)(q - p), 8, &d) == -1 ||
		    !ends_here(q)) {
			*why = "a dword is 1 to 8 hex digits, then only blanks "
			    "or a ';' comment";
			return -1;
		}
		regval_dword(v, d);
		return 0;
	}
	if (strncasecmp(p, "hex:", 4) == 0) {
		type = REGT_BINARY;
		p += 4;
	} else if (strncasecmp(p, "hex(", 4) == 0) {
		p += 4;
		for (q = p; isxdigit((unsigned char)*q); q++)
			;
		if (hexdigits(p, (size_t)(q - p), 8, &type) == -1 ||
		    strncmp(q, "):", 2) != 0) {
			*why = "a value type is hex(N): with N 1 to 8 hex "
			    "digits";
			return -1;
		}
		p = q + 2;
	} else {
		*why = "the data is not \"string\", dword:, hex:, hex(N): or -";
		return -1;
	}
	if (hex_data(ps, p, &bytes, why, lost) == -1) {
		free(bytes.s);
		return -1;
	}
	v->type = type;
	v->data = (unsigned char *)bytes.s;
	v->len = bytes.len;
	if (string_type(type) && string_data(ps, v) == -1) {
		*why = "string data that is not ANSI text";
		regval_free(v);
		return -1;
	}
	return 0;
}

static void
value_line(struct parser *ps, const char *p)
{
	static const char *const no_key[] = {
		[SEC_NONE] = "a value before any [KEY] line",
		[SEC_DELETED] = "a value under a [-KEY] deletion",
		[SEC_SKIPPED] = "a value under a skipped key line",
	};
	struct regval v = { 0 };
	struct regop *o;
	const char *why = NULL;
	char *name;
	int del, lost, line = ps->line;

	if (*p == '@') {
		name = xstrdup("");
		p++;
	} else {
		p++;
		if ((name = quoted(&p, &why)) == NULL) {
			pskip(ps, line, "%s", why);
			return;
		}
	}
	p = skip_blanks(p);
	if (*p != '=') {
		pskip(ps, line, "no '=' after the value name");
		free(name);
		return;
	}
	p = skip_blanks(p + 1);
	if (value_data(ps, p, &v, &del, &why, &lost) == -1) {
		pskip(ps, line, "%s", why);
		if (lost) {
			pskip(ps, lost, "it is read as the continuation of the "
			    "hex data at line %d, and both are dropped", line);
			/* a key line lost so opens no section: what follows
			 * must not land in the key before it */
			if (*skip_blanks(ps->lines[ps->next - 1].s) == '[')
				ps->sec = SEC_SKIPPED;
		}
		free(name);
		return;
	}
	if (ps->sec != SEC_KEY) {
		if (ps->sec != SEC_REFUSED)
			pskip(ps, line, "%s", no_key[ps->sec]);
		free(name);
		regval_free(&v);
		return;
	}
	o = newop(ps, del ? RO_DELETE_VALUE : RO_SET);
	o->name = name;
	o->val = v;
}

/*
 * A key line: '[' then the path up to the last ']'.  regedit skips one
 * with a blank after "[" or "[-" (so "[- KEY]" deletes nothing), and one
 * without ']'; it keeps blanks before ']' in the name.
 */
static void
key_line(struct parser *ps, const char *p)
{
	const char *close = strrchr(p, ']');
	char *path;
	size_t len;
	int del, r;

	ps->sec = SEC_SKIPPED;
	ps->sec_line = ps->line;
	free(ps->key);
	ps->key = NULL;
	if (close == NULL) {
		pskip(ps, ps->line, "no ']' at the end of the key line, and the "
		    "values under it are skipped too");
		return;
	}
	p++;
	del = *p == '-';
	if (del)
		p++;
	if (blank(*p)) {
		pskip(ps, ps->line, "a blank after '%s' (regedit %s nothing), "
		    "and the values under it are skipped too", del ? "[-" :
		    "[", del ? "deletes" : "creates");
		return;
	}
	if (!ends_here(close + 1))
		pignore(ps, ps->line, "the text after ']': \"%s\"",
		    skip_blanks(close + 1));
	len = (size_t)(close - p);
	/* "[KEY\]" is KEY */
	while (len && p[len - 1] == '\\')
		len--;
	path = xasprintf("%.*s", (int)len, p);
	r = route(ps, path, del);
	free(path);
	if (r != 0) {
		ps->sec = r == 1 ? SEC_SKIPPED : SEC_REFUSED;
		return;
	}
	ps->sec = del ? SEC_DELETED : SEC_KEY;
	newop(ps, del ? RO_DELETE_KEY : RO_MKKEY);
}

/* regedit ends a line at LF, CRLF or a bare CR. */
static struct line *
split_lines(char *text, size_t *n)
{
	struct line *v = NULL;
	size_t cap = 0;
	int no = 0;

	*n = 0;
	for (char *p = text; p;) {
		char *e = p + strcspn(p, "\r\n");
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[*n].s = p;
		v[(*n)++].no = ++no;
		if (*e == '\0')
			break;
		if (e[0] == '\r' && e[1] == '\n')
			*e++ = '\0';
		*e = '\0';
		p = e + 1;
		if (*p == '\0')
			break;
	}
	return v;
}

/*
 * The first line, after blanks, is the header, exactly and in its case:
 * regedit refuses a file that starts otherwise (a blank line included),
 * and imports nothing from one that starts "REGEDIT" and something else.
 */
static int
header(struct parser *ps, const char *first)
{
	const char *p = skip_blanks(first);
	size_t len = strlen(p);

	while (len && blank(p[len - 1]))
		len--;
	if ((len == strlen(V5_HEADER) && strncmp(p, V5_HEADER, len) == 0) ||
	    (len == strlen(V4_HEADER) && strncmp(p, V4_HEADER, len) == 0))
		return 0;
	ps->line = 1;
	if (strncmp(p, "REGEDIT", 7) == 0)
		perr(ps, "regedit imports nothing from a file whose first line "
		    "is \"%.*s\"; the first line must be \"" V5_HEADER "\" or "
		    "\"" V4_HEADER "\"", (int)len, p);
	else
		perr(ps, "not a .reg file: the first line must be \"" V5_HEADER
		    "\" or \"" V4_HEADER "\"%s", len == 0 ?
		    " (regedit refuses a blank line before it)" : "");
	return -1;
}

/* Lines that start with these are values and keys; the rest regedit skips. */
static void
other_line(struct parser *ps, const char *p)
{
	if (strncmp(p, "\xe2\x80\x9c", 3) == 0 || strstr(p, "\xe2\x80\x9d"))
		pskip(ps, ps->line, "typographic quotes (\xe2\x80\x9c "
		    "\xe2\x80\x9d) are not quotes to regedit");
	else
		pskip(ps, ps->line, "not a [KEY] line, a \"name\"=data or "
		    "@=data line, or a ';' comment");
}

int
policy_add_reg_mem(struct policy *pol, const unsigned char *data, size_t len,
    const char *file, struct strlist *errs)
{
	struct parser ps = { .errs = errs, .file = file };
	size_t before = errs->n;
	char *text;

	ps.unicode = len >= 2 && data[0] == 0xff && data[1] == 0xfe;
	if ((text = decode(data, len, file, errs)) == NULL)
		return -1;
	ps.lines = split_lines(text, &ps.nlines);
	if (ps.nlines == 0 || (ps.nlines == 1 && *skip_blanks(text) == '\0'))
		sl_add(errs, "%s: empty file, not a .reg file", file);
	else if (header(&ps, ps.lines[0].s) == 0) {
		for (ps.next = 1; ps.next < ps.nlines;) {
			struct line *l = &ps.lines[ps.next++];
			const char *p = skip_blanks(l->s);

			ps.line = l->no;
			if (*p == '\0' || *p == ';' || *p == '#')
				continue;
			if (*p == '[')
				key_line(&ps, p);
			else if (*p == '"' || *p == '@')
				value_line(&ps, p);
			else
				other_line(&ps, p);
		}
	}
	free(ps.lines);
	free(text);
	free(ps.key);
	free(ps.sid);
	/* skipped lines are reported whether or not the file is refused */
	for (size_t i = 0; i < ps.warns.n; i++)
		sl_add(&pol->skipped, "%s", ps.warns.v[i]);
	sl_free(&ps.warns);
	if (errs->n > before) {
		policy_free(&ps.add);
		return -1;
	}
	for (size_t i = 0; i < ps.add.nr; i++)
		ps.add.r[i].seq = ++pol->seq;
	if (ps.add.nr) {
		pol->r = xrealloc(pol->r, (pol->nr + ps.add.nr) *
		    sizeof(*pol->r));
		memcpy(pol->r + pol->nr, ps.add.r, ps.add.nr * sizeof(*pol->r));
		pol->nr += ps.add.nr;
	}
	free(ps.add.r);
	sl_add(&pol->sources, "%s", file);
	return 0;
}

int
policy_add_reg(struct policy *pol, const char *path, struct strlist *errs)
{
	size_t len;
	unsigned char *buf = read_all(path, &len);
	int r;

	if (buf == NULL) {
		sl_add(errs, "%s: %s", path, strerror(errno));
		return -1;
	}
	r = policy_add_reg_mem(pol, buf, len, path, errs);
	free(buf);
	return r;
}
