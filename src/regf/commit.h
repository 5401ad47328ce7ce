/*
 * How a changed hive reaches its file, the way Windows writes one: only
 * the pages that differ, checked first, logged first in the transaction
 * log format the image's Windows reads, then written in place.
 */
#ifndef COMMIT_H
#define COMMIT_H

#include <stddef.h>

#include "regval.h"
#include "tlshive.h"

struct sfile;

/*
 * What the new hive must hold: a value (val set), no such value (name
 * set, val NULL), or with name NULL a key that exists (val set to
 * anything) or does not (val NULL).
 */
struct hive_expect {
	const char *key, *name;
	const struct regval *val;
};

/* The log to write: the formats of logs.h, or none. */
enum {
	COMMIT_LOG_AUTO = 0,	/* the format of the logs beside the hive */
	COMMIT_NO_LOG = -1	/* the hive's own logs hold the change already */
};

struct commit;

/*
 * Prepares writing img (a whole regf file, hivex's result) over the hive
 * file f: finds the 4 KiB pages that differ, checks the new image with a
 * reader of its own (base block, hive-bin chain, every bin with a changed
 * page, every expectation), picks the log file and builds the log.  f must
 * stay open until commit_free.  Nothing is written.  NULL with a message.
 * With COMMIT_NO_LOG the file must be dirty and its logs hold img already
 * (recovery in place): a crash leaves it dirty, and the logs still apply.
 */
struct commit *commit_prepare(struct sfile *f, const unsigned char *img,
    size_t len, int logfmt, const struct hive_expect *ex, size_t nex);
/*
 * The same in three steps, for an image that arrives in pieces (hivex's
 * stream): begin reads the file's base block, take gets the image in
 * order, a chunk at a time, end checks it and builds the log.
 */
struct commit *commit_begin(struct sfile *f, int logfmt);
int commit_take(void *commit, const unsigned char *buf, size_t len);
int commit_end(struct commit *, const struct hive_expect *ex, size_t nex);
/* Pages of 4 KiB it changes in the hive file, base block included. */
size_t commit_pages(const struct commit *);
/* The log it writes ("SYSTEM.LOG1"), or NULL. */
const char *commit_log_name(const struct commit *);

/*
 * Writes prepared changes of several hives together: every log written
 * and fsynced, then every primary marked dirty, then the pages, then
 * every base block completed, each step fsynced; then the pages are read
 * back.  A crash before the last mark leaves all hives old, after it every
 * hive recovers to new.  On an error the hives are put back as they were;
 * where that fails too, notes say what is left and how it ends.
 */
int commit_run(struct commit *const c[], size_t n, struct strlist *notes);
void commit_free(struct commit *);

/*
 * The whole commit of hives changed through hivex: a hive replayed from
 * its logs is first recovered in place (its own logs cover that), then
 * every hive's new image is prepared and all are run together.  ex[i] and
 * nex[i] are hive i's expectations.
 */
struct hive;
int commit_hives(struct hive *const h[], size_t n,
    const struct hive_expect *const ex[], const size_t nex[], int logfmt,
    struct strlist *notes);

/* One change to one of the hives, in the order the changes were settled. */
enum edit_kind { EDIT_SET, EDIT_DELETE_VALUE, EDIT_DELETE_KEY, EDIT_MKKEY };
struct hive_edit {
	enum edit_kind kind;
	int hive;			/* its index in h[] */
	const char *key;		/* from the hive's root */
	const char *name;		/* the value's; NULL for key edits */
	const struct regval *val;	/* EDIT_SET */
	int run;			/* it is written (an EDIT_MKKEY that is
					 * not still runs: it gives a key made by
					 * a later edit its spelling) */
	int expected;			/* the written hive must show expect */
	struct hive_expect expect;
};
/*
 * The edits made in the hives in memory, then every changed hive
 * committed together (commit_hives): key deletions first, then value
 * deletions, then keys, in order, so a key takes the spelling of the first
 * edit that names it, as regedit gives it; then the values a key at a time
 * (hive_set_values).  h has nh slots; -1 with the hives' files unchanged,
 * or as notes say.
 */
int commit_edits(struct hive *const h[], size_t nh,
    const struct hive_edit *e, size_t n, int logfmt, struct strlist *notes);

#endif
