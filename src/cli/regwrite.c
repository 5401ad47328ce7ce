/*
 * Writing .reg files as regedit itself writes them: Version 5.00,
 * UTF-16LE with a BOM, CRLF, hex data wrapped at 80 columns; the export of
 * a plan, the undo file of an apply, and saving either.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/regwrite.h"
#include "io/hostfile.h"
#include "io/store.h"
#include "policy/facts.h"

#define V5_HEADER "Windows Registry Editor Version 5.00"


/* Text that is the same in both encodings. */
static void __attribute__((format(printf, 2, 3)))
both(struct regdoc *d, const char *fmt, ...)
{
	va_list ap;
	char *m;

	va_start(ap, fmt);
	m = xvasprintf(fmt, ap);
	va_end(ap);
	sb_add(&d->sb, "%s", m);
	sb_add(&d->sb8, "%s", m);
	free(m);
}

void
regdoc_init(struct regdoc *d)
{
	memset(d, 0, sizeof(*d));
	both(d, "%s\n", V5_HEADER);
}

void
regdoc_comment(struct regdoc *d, const char *text)
{
	both(d, "; %s\n", text);
}

void
regdoc_key(struct regdoc *d, const char *key, int del)
{
	if (!del && d->key && strcmp(d->key, key) == 0)
		return;
	free(d->key);
	d->key = del ? NULL : xstrdup(key);
	both(d, "\n[%s%s]\n", del ? "-" : "", key);
}

static void
quote_into(struct strbuf *sb, const char *s)
{
	sb_add(sb, "\"");
	for (; *s; s++)
		sb_add(sb, "%s%c", (*s == '"' || *s == '\\') ? "\\" : "", *s);
	sb_add(sb, "\"");
}

/* A REG_SZ is written as "text" only when that gives back the same bytes. */
static char *
plain_string(const struct regval *v)
{
	struct regval again;
	char *s;

	if (v->type != REGT_SZ || (s = regval_get_sz(v)) == NULL)
		return NULL;
	if (regval_sz(&again, s) == -1)
		goto no;
	if (!regval_equal(&again, v)) {
		regval_free(&again);
		goto no;
	}
	regval_free(&again);
	return s;
no:
	free(s);
	return NULL;
}

/* Hex data from column col on, wrapped as regedit wraps it. */
static void
hex_into(struct strbuf *sb, size_t col, const unsigned char *data, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		int last = i + 1 == len;
		sb_add(sb, "%02x%s", data[i], last ? "" : ",");
		col += 3;
		if (!last && col > 76) {
			sb_add(sb, "\\\n  ");
			col = 2;
		}
	}
	sb_add(sb, "\n");
}

void
regdoc_value(struct regdoc *d, const char *name, const struct regval *v)
{
	struct strbuf head = { 0 };
	size_t col, n;
	uint32_t dw;
	char *s, *ansi;

	if (*name)
		quote_into(&head, name);
	else
		sb_add(&head, "@");
	sb_add(&head, "=");
	if (v == NULL) {
		both(d, "%s-\n", head.s);
		free(head.s);
		return;
	}
	if ((s = plain_string(v)) != NULL) {
		quote_into(&head, s);
		both(d, "%s\n", head.s);
		free(head.s);
		free(s);
		return;
	}
	if (regval_get_dword(v, &dw)) {
		both(d, "%sdword:%08x\n", head.s, dw);
		free(head.s);
		return;
	}
	col = strlen(name) + 3;
	if (v->type == REGT_BINARY) {
		sb_add(&head, "hex:");
		col += 4;
	} else {
		sb_add(&head, "hex(%x):", v->type);
		col += 7;
	}
	both(d, "%s", head.s);
	free(head.s);
	hex_into(&d->sb, col, v->data, v->len);
	/* regedit reads the string types' bytes of a file that is not
	 * UTF-16 as ANSI text */
	if ((v->type == REGT_SZ || v->type == REGT_EXPAND_SZ ||
	    v->type == REGT_MULTI_SZ) && v->len > 0) {
		if ((ansi = regval_recode("WINDOWS-1252", "UTF-16LE",
		    (const char *)v->data, v->len, &n)) == NULL) {
			d->lossy8 = 1;
			hex_into(&d->sb8, col, v->data, v->len);
			return;
		}
		hex_into(&d->sb8, col, (unsigned char *)ansi, n);
		free(ansi);
	} else
		hex_into(&d->sb8, col, v->data, v->len);
}

unsigned char *
regdoc_encode(struct regdoc *d, int utf8, size_t *len)
{
	struct strbuf crlf = { 0 };
	unsigned char *out;
	char *u16;
	size_t n;

	if (utf8) {
		if (d->lossy8) {
			tlsh_seterr("a string value holds text outside "
			    "Windows-1252, which regedit cannot read from a "
			    "UTF-8 .reg file; export without --utf8");
			return NULL;
		}
		*len = d->sb8.len;
		out = xmalloc(d->sb8.len + 1);
		memcpy(out, d->sb8.s, d->sb8.len + 1);
		return out;
	}
	for (const char *p = d->sb.s; *p; p++)
		sb_add(&crlf, "%s%c", *p == '\n' ? "\r" : "", *p);
	u16 = regval_recode("UTF-16LE", "UTF-8", crlf.s, crlf.len, &n);
	free(crlf.s);
	if (u16 == NULL)
		n = 0;
	out = xmalloc(n + 2);
	out[0] = 0xff;
	out[1] = 0xfe;
	if (u16)
		memcpy(out + 2, u16, n);
	free(u16);
	*len = n + 2;
	return out;
}

void
regdoc_free(struct regdoc *d)
{
	free(d->sb.s);
	free(d->sb8.s);
	free(d->key);
	memset(d, 0, sizeof(*d));
}

char *
reg_path(enum hive_id h, const char *key)
{
	if (h == HV_USER)
		return xasprintf("HKEY_CURRENT_USER%s%s", *key ? "\\" : "",
		    key);
	return xasprintf("HKEY_LOCAL_MACHINE\\%s%s%s", hive_id_name(h),
	    *key ? "\\" : "", key);
}

void
reg_export(struct regdoc *d, const struct plan *p)
{
	for (size_t i = 0; i < p->nops; i++) {
		const struct op *o = &p->ops[i];
		char *path = o->sid ? xasprintf("HKEY_USERS\\%s", o->key) :
		    reg_path(o->hive, o->key);

		switch (o->kind) {
		case OP_DELETE_KEY:
			regdoc_key(d, path, 1);
			break;
		case OP_MKKEY:
			regdoc_key(d, path, 0);
			break;
		case OP_SET:
			regdoc_key(d, path, 0);
			regdoc_value(d, o->name, &o->want);
			break;
		case OP_DELETE_VALUE:
			regdoc_key(d, path, 0);
			regdoc_value(d, o->name, NULL);
			break;
		}
		free(path);
	}
}

struct undo_walk {
	struct regdoc *d;
	enum hive_id hive;
};

/* A key's path in this document: the user hive under user_root if set. */
static char *
doc_path(const struct regdoc *d, enum hive_id h, const char *key)
{
	if (h == HV_USER && d->user_root)
		return xasprintf("%s%s%s", d->user_root, *key ? "\\" : "",
		    key);
	return reg_path(h, key);
}

static int
undo_visit(void *ctx, const char *key, const char *name,
    const struct regval *val)
{
	struct undo_walk *w = ctx;
	char *path = doc_path(w->d, w->hive, key);

	regdoc_key(w->d, path, 0);
	if (name)
		regdoc_value(w->d, name, val);
	free(path);
	return 0;
}

static int
nested_in(const char *key, const char *parent)
{
	size_t n = strlen(parent);

	return strncasecmp(key, parent, n) == 0 &&
	    (key[n] == '\0' || key[n] == '\\');
}

int
reg_undo(struct regdoc *d, const struct plan *p, struct hive *h[HV_COUNT])
{
	/* Deleted keys come back whole, after whatever replaced them. */
	for (size_t i = 0; i < p->nops; i++) {
		const struct op *o = &p->ops[i];
		struct undo_walk w = { d, o->hive };
		char *path;

		/* one below another comes back with it */
		if (o->kind != OP_DELETE_KEY || !o->needed || o->under_deleted)
			continue;
		path = doc_path(d, o->hive, o->key);
		regdoc_key(d, path, 1);
		free(path);
		if (hive_walk(h[o->hive], o->key, undo_visit, &w) != 0)
			return -1;
	}
	/* Keys the apply creates go again, with all they hold: the topmost
	 * of each, once. */
	for (size_t i = 0; i < p->nops; i++) {
		const struct op *o = &p->ops[i];
		int skip = 0;

		if (!o->needed || o->created == NULL)
			continue;
		for (size_t j = 0; j < p->nops && !skip; j++) {
			const struct op *q = &p->ops[j];
			if (j == i || !q->needed || q->created == NULL ||
			    q->hive != o->hive || !nested_in(o->created,
			    q->created))
				continue;
			/* q's key holds o's, or is the same and came first */
			skip = strcasecmp(o->created, q->created) != 0 || j < i;
		}
		if (!skip) {
			char *path = doc_path(d, o->hive, o->created);
			regdoc_key(d, path, 1);
			free(path);
		}
	}
	/* Values: the old data back, or gone again if they were new. */
	for (size_t i = 0; i < p->nops; i++) {
		const struct op *o = &p->ops[i];
		char *path, *spelt;

		if (!o->needed || o->under_deleted || o->created ||
		    (o->kind != OP_SET && o->kind != OP_DELETE_VALUE))
			continue;
		/* the old value under its old spelling */
		spelt = o->cur_present ? hive_value_name(h[o->hive], o->key,
		    o->name) : NULL;
		path = doc_path(d, o->hive, o->key);
		regdoc_key(d, path, 0);
		regdoc_value(d, spelt ? spelt : o->name, o->cur_present ?
		    &o->cur : NULL);
		free(spelt);
		free(path);
	}
	return 0;
}

int
reg_save(const char *path, const unsigned char *data, size_t len)
{
	if (strcmp(path, "-") == 0) {
		errno = 0;
		if (fwrite(data, 1, len, stdout) != len || fflush(stdout)) {
			/* a short write need not set errno */
			tlsh_seterr("standard output: %s", strerror(errno ?
			    errno : EIO));
			return -1;
		}
		return 0;
	}
	return hostfile_put(path, data, len);
}

void
reg_export_header(struct regdoc *d, const char *sources,
    const struct facts *f, const struct plan *p, const char *image)
{
	char *line;

	line = xasprintf("made by tlshive %s from %s", PACKAGE_VERSION,
	    sources);
	regdoc_comment(d, line);
	free(line);
	if (image) {
		line = xasprintf("for the image %s: %s, build %u, %s", image,
		    f->product ? f->product : "unknown product", f->build,
		    f->is64 == 1 ? "64-bit" : f->is64 == 0 ? "32-bit" :
		    "architecture unknown");
		regdoc_comment(d, line);
		free(line);
	} else if (f->build) {
		char *n = facts_name(f);
		line = xasprintf("for %s (build %u, --os), 64-bit: WinHTTP and "
		    ".NET values also under Wow6432Node", n, f->build);
		regdoc_comment(d, line);
		free(line);
		free(n);
	} else {
		regdoc_comment(d, "no image and no --os given: a 64-bit "
		    "Windows of unknown build (WinHTTP and .NET values also "
		    "under Wow6432Node)");
	}
	for (size_t i = 0; i < p->notes.n; i++) {
		line = xasprintf("note: %s", p->notes.v[i]);
		regdoc_comment(d, line);
		free(line);
	}
	/* whoever imports the file reads them there, not in a terminal */
	for (size_t i = 0; i < p->nwarn; i++) {
		line = xasprintf("warning: %s", p->warn[i].text);
		regdoc_comment(d, line);
		free(line);
	}
	if (p->unchecked.n) {
		struct strbuf sb = { 0 };
		for (size_t i = 0; i < p->unchecked.n; i++)
			sb_add(&sb, "%s%s", i ? "; " : "", p->unchecked.v[i]);
		line = xasprintf("warning: prerequisite checks not made (the "
		    "Windows version and its updates are unknown): %s", sb.s);
		regdoc_comment(d, line);
		free(line);
		free(sb.s);
	}
}
