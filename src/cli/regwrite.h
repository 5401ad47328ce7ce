/* .reg files out: the export of a plan, the undo file of an apply. */
#ifndef REGWRITE_H
#define REGWRITE_H

#include "policy/facts.h"
#include "policy/plan.h"
#include "regf/hive.h"

/* Building a .reg document. */
struct regdoc {
	struct strbuf sb;	/* for UTF-16: hex(2)/(7) data as UTF-16 */
	struct strbuf sb8;	/* for UTF-8, which regedit reads as ANSI:
				 * hex(2)/(7) data in Windows-1252 */
	int lossy8;		/* a string the ANSI code page cannot hold */
	const char *user_root;	/* the user hive's root in the paths written
				 * ("HKEY_USERS\\S-1-5-21-..."), NULL for
				 * HKEY_CURRENT_USER */
	char *key;		/* the section being written */
};
void regdoc_init(struct regdoc *);
void regdoc_comment(struct regdoc *, const char *text);
/* Starts [KEY] (or [-KEY] with del) unless it is the open section. */
void regdoc_key(struct regdoc *, const char *key, int del);
/* "name"=data, or "name"=- when val is NULL; "" is the default value (@). */
void regdoc_value(struct regdoc *, const char *name, const struct regval *);
/*
 * Encodes the document: UTF-16LE with BOM and CRLF as regedit writes it,
 * or UTF-8 with LF for review.  Returns malloc'd bytes, or NULL (utf8)
 * when a string-type value cannot be written for regedit's ANSI reading.
 */
unsigned char *regdoc_encode(struct regdoc *, int utf8, size_t *len);
void regdoc_free(struct regdoc *);

/* The path regedit shows for a key of one of the hives (HKEY_CURRENT_USER
 * for the user's). */
char *reg_path(enum hive_id, const char *key);

/*
 * The export of a plan made for a live machine: every planned value, at
 * HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\... and ...\SOFTWARE\...
 */
void reg_export(struct regdoc *, const struct plan *);
/*
 * The export's opening comments: who made it from which sources, for which
 * image or --os (image NULL), and the plan's notes.
 */
void reg_export_header(struct regdoc *, const char *sources,
    const struct facts *, const struct plan *, const char *image);
/*
 * The undo file of a plan: what restores the hives to their state before
 * the apply, in explicit ControlSet00N paths.  -1 if a hive cannot be read.
 */
int reg_undo(struct regdoc *, const struct plan *, struct hive *h[HV_COUNT]);

/* Writes bytes to a new file at path (store_write_new); "-" is stdout. */
int reg_save(const char *path, const unsigned char *data, size_t len);

#endif
