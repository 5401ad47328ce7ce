/*
 * Reading regedit's .reg format as a policy source, as regedit accepts it:
 * REGEDIT4 (ANSI, hex(2)/hex(7) data as single bytes) and Version 5.00
 * (UTF-16LE data), '\' continuations in hex data, '\"' and '\\' in quoted
 * strings.  Writing is regwrite.c's.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "facts.h"
#include "reg.h"

#define V5_HEADER "Windows Registry Editor Version 5.00"
#define V4_HEADER "REGEDIT4"

/* The file's text as UTF-8, whatever encoding regedit or an editor used. */
static char *
decode(const unsigned char *d, size_t len, const char *file,
    struct strlist *errs)
{
	size_t n;
	char *s;

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
		/* REGEDIT4 files are in the ANSI code page. */
		s = regval_recode("UTF-8", "UTF-8", (const char *)d, len, &n);
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

struct parser {
	struct policy add;
	struct strlist *errs;
	const char *file;
	int line, v4;
	/* the open section */
	int have_key, deleted, ccs;
	enum hive_id hive;
	char *key;
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

static int
route(struct parser *ps, const char *path, int del)
{
	char *copy = xstrdup(path), *save = NULL, *c;
	struct strbuf rest = { 0 };
	int depth = 0, ok = 0;

	free(ps->key);
	ps->key = NULL;
	ps->ccs = 0;
	c = strtok_r(copy, "\\", &save);
	if (c == NULL || (strcasecmp(c, "HKEY_LOCAL_MACHINE") != 0 &&
	    strcasecmp(c, "HKLM") != 0)) {
		perr(ps, "%s: only HKEY_LOCAL_MACHINE\\SYSTEM and "
		    "HKEY_LOCAL_MACHINE\\SOFTWARE are in an image's hives",
		    c ? c : "empty key");
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
	ps->key = sb_take(&rest);
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
	ok = 1;
out:
	free(copy);
	return ok ? 0 : -1;
}

/* A quoted string at *p (just past the opening quote); advances *p. */
static char *
quoted(struct parser *ps, const char **p)
{
	struct strbuf sb = { 0 };
	const char *s = *p;

	sb_add(&sb, "%s", "");
	for (; *s && *s != '"'; s++) {
		if (*s == '\\') {
			if (s[1] != '\\' && s[1] != '"') {
				char e[3] = { '\\', s[1], 0 };
				perr(ps, "unknown escape %s in a quoted string "
				    "(only \\\\ and \\\" are escapes)", e);
				free(sb.s);
				return NULL;
			}
			s++;
		}
		sb_add(&sb, "%c", *s);
	}
	if (*s != '"') {
		perr(ps, "unterminated string: missing closing quote");
		free(sb.s);
		return NULL;
	}
	*p = s + 1;
	return sb_take(&sb);
}

static int
rest_is_blank(struct parser *ps, const char *p, const char *what)
{
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0' || *p == ';')
		return 1;
	perr(ps, "unexpected text after %s: \"%s\"", what, p);
	return 0;
}

static int
hexdigits(const char *p, size_t n, uint32_t *out)
{
	uint32_t v = 0;

	if (n == 0 || n > 8)
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

/* Comma-separated bytes "01,ab, ff" (already joined across lines). */
static int
hexbytes(struct parser *ps, const char *p, struct regval *v)
{
	char *copy = xstrdup(p), *save = NULL, *tok, *t;
	size_t n = 0;
	uint32_t b;

	v->data = NULL;
	v->len = 0;
	if (*str_trim(copy) == '\0') {
		free(copy);
		return 0;
	}
	for (tok = strtok_r(copy, ",", &save); tok;
	    tok = strtok_r(NULL, ",", &save)) {
		t = str_trim(tok);
		if (*t == '\0' && save && *save == '\0')
			break;		/* a trailing comma */
		if (strlen(t) > 2 || hexdigits(t, strlen(t), &b) == -1) {
			perr(ps, "bad hex byte \"%s\" (expected two hex digits "
			    "between commas)", t);
			free(copy);
			free(v->data);
			v->data = NULL;
			return -1;
		}
		v->data = xrealloc(v->data, n + 1);
		v->data[n++] = (unsigned char)b;
	}
	v->len = n;
	free(copy);
	return 0;
}

static int
value_data(struct parser *ps, const char *p, struct regval *v, int *del)
{
	uint32_t type, d;
	const char *q;
	char *s;

	*del = 0;
	if (*p == '-')
		return rest_is_blank(ps, p + 1, "-") ? (*del = 1, 0) : -1;
	if (*p == '"') {
		p++;
		if ((s = quoted(ps, &p)) == NULL)
			return -1;
		if (!rest_is_blank(ps, p, "the string") ||
		    regval_sz(v, s) == -1) {
			free(s);
			return -1;
		}
		free(s);
		return 0;
	}
	if (strncasecmp(p, "dword:", 6) == 0) {
		p += 6;
		for (q = p; isxdigit((unsigned char)*q); q++)
			;
		if (hexdigits(p, (size_t)(q - p), &d) == -1) {
			perr(ps, "bad dword \"%s\" (expected 1 to 8 hex digits)",
			    p);
			return -1;
		}
		if (!rest_is_blank(ps, q, "the dword"))
			return -1;
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
		if (hexdigits(p, (size_t)(q - p), &type) == -1 ||
		    strncmp(q, "):", 2) != 0) {
			perr(ps, "bad value type \"hex(%s\" (expected hex(N): "
			    "with N a hex number)", p);
			return -1;
		}
		p = q + 2;
	} else {
		perr(ps, "bad value data \"%s\" (expected \"string\", "
		    "dword:, hex:, hex(N): or -)", p);
		return -1;
	}
	if (hexbytes(ps, p, v) == -1)
		return -1;
	v->type = type;
	if ((type == REGT_DWORD && v->len != 4) ||
	    (type == REGT_QWORD && v->len != 8)) {
		perr(ps, "%s needs exactly %s bytes", type == REGT_DWORD ?
		    "hex(4) (dword)" : "hex(b) (qword)", type == REGT_DWORD ?
		    "4" : "8");
		regval_free(v);
		return -1;
	}
	/* REGEDIT4 stores string types as single-byte ANSI text. */
	if (ps->v4 && (type == REGT_SZ || type == REGT_EXPAND_SZ ||
	    type == REGT_MULTI_SZ) && v->len > 0) {
		size_t n;
		char *u = regval_recode("UTF-16LE", "WINDOWS-1252",
		    (const char *)v->data, v->len, &n);
		if (u == NULL) {
			perr(ps, "string data is not ANSI text");
			regval_free(v);
			return -1;
		}
		free(v->data);
		v->data = (unsigned char *)u;
		v->len = n;
	}
	return 0;
}

static void
value_line(struct parser *ps, const char *p)
{
	struct regval v = { 0 };
	struct regop *o;
	char *name;
	int del;

	if (*p == '@') {
		name = xstrdup("");
		p++;
	} else if (*p == '"') {
		p++;
		if ((name = quoted(ps, &p)) == NULL)
			return;
	} else {
		perr(ps, "expected [KEY], \"name\"=data or @=data, not \"%s\"",
		    p);
		return;
	}
	while (isspace((unsigned char)*p))
		p++;
	if (*p != '=') {
		perr(ps, "expected '=' after the value name");
		free(name);
		return;
	}
	p++;
	while (isspace((unsigned char)*p))
		p++;
	if (!ps->have_key) {
		perr(ps, "a value before any [KEY] line");
		free(name);
		return;
	}
	if (ps->deleted) {
		perr(ps, "a value under a [-KEY] deletion");
		free(name);
		return;
	}
	if (value_data(ps, p, &v, &del) == -1) {
		free(name);
		return;
	}
	if (ps->key == NULL) {		/* the section's key was refused */
		free(name);
		regval_free(&v);
		return;
	}
	o = newop(ps, del ? RO_DELETE_VALUE : RO_SET);
	o->name = name;
	o->val = v;
}

static void
key_line(struct parser *ps, char *p)
{
	char *end = p + strlen(p);
	int del;

	while (end > p && isspace((unsigned char)end[-1]))
		*--end = '\0';
	ps->have_key = 1;
	ps->deleted = 0;
	free(ps->key);
	ps->key = NULL;
	if (end == p || end[-1] != ']') {
		perr(ps, "expected ']' at the end of the key line");
		return;
	}
	end[-1] = '\0';
	p++;
	del = *p == '-';
	if (del)
		p++;
	if (route(ps, str_trim(p), del) == -1)
		return;
	ps->deleted = del;
	newop(ps, del ? RO_DELETE_KEY : RO_MKKEY);
}

/* Is the line starting at l (up to '\n' or the end) only white space? */
static int
line_blank(const char *l)
{
	for (; *l && *l != '\n'; l++)
		if (!isspace((unsigned char)*l))
			return 0;
	return 1;
}

int
policy_add_reg_mem(struct policy *pol, const unsigned char *data, size_t len,
    const char *file, struct strlist *errs)
{
	struct parser ps = { .errs = errs, .file = file };
	size_t before = errs->n;
	char *text = decode(data, len, file, errs), *line, *next;
	int header = 0;

	if (text == NULL)
		return -1;
	for (line = text; line; line = next) {
		char *p, *e;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		ps.line++;
		if ((e = strchr(line, '\r')) != NULL && e[1] == '\0')
			*e = '\0';
		p = str_trim(line);
		if (!header) {
			if (*p == '\0')
				continue;
			if (strcmp(p, V5_HEADER) == 0 ||
			    strcmp(p, V4_HEADER) == 0) {
				ps.v4 = strcmp(p, V4_HEADER) == 0;
				header = 1;
				continue;
			}
			perr(&ps, "not a .reg file: the first line must be "
			    "\"" V5_HEADER "\" or \"" V4_HEADER "\"");
			break;
		}
		if (*p == '\0' || *p == ';' || *p == '#')
			continue;
		if (*p == '[') {
			key_line(&ps, p);
			continue;
		}
		/* Hex data may go on over lines ending in a backslash. */
		if (strstr(p, "=hex") || strstr(p, "= hex")) {
			struct strbuf sb = { 0 };
			int start = ps.line;

			sb_add(&sb, "%s", p);
			int broken = 0;
			while (sb.len && sb.s[sb.len - 1] == '\\') {
				char *l2 = next;
				if (l2 == NULL || line_blank(l2)) {
					broken = 1;
					break;
				}
				next = strchr(l2, '\n');
				if (next)
					*next++ = '\0';
				ps.line++;
				sb.s[--sb.len] = '\0';
				sb_add(&sb, "%s", str_trim(l2));
			}
			if (broken) {
				perr(&ps, "a continued line ('\\' at its end) is "
				    "followed by a blank line or the end of "
				    "the file");
				free(sb.s);
				continue;
			}
			int end = ps.line;
			ps.line = start;
			value_line(&ps, sb.s);
			ps.line = end;
			free(sb.s);
			continue;
		}
		value_line(&ps, p);
	}
	if (!header && errs->n == before)
		sl_add(errs, "%s: empty file, not a .reg file", file);
	free(text);
	free(ps.key);
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
