/*
 * Between the command files: cmd.c runs a command, cmd_open.c opens the
 * hives it needs, cmd_write.c writes them.  Only these print.
 */
#ifndef CMDINT_H
#define CMDINT_H

#include "cli/msg.h"
#include "cli/options.h"
#include "io/image.h"
#include "policy/facts.h"
#include "policy/plan.h"
#include "policy/profile.h"
#include "regf/hive.h"

/*
 * One more user profile's hive: every profile's with --users all, and the
 * one an HKEY_USERS\SID section names.  Planned with the main run, written
 * after it, reported after it.
 */
struct pass {
	const struct profile *pr;
	struct image img;		/* the run's, this profile's user slot */
	struct hive *h[HV_COUNT];	/* HV_USER only */
	struct policy pol;
	struct plan p;
	struct hive_header hdr;
	int discarded[HV_COUNT];
	char *root;			/* "HKEY_USERS\SID", for the undo file */
};

void passes_free(struct pass *, size_t n);

/* cmd_open.c */
/* The image's machine hives (and --user FILE), for this command. */
int open_hives(const struct options *, const struct policy *, struct image *,
    struct hive *h[], int discarded[]);
/* The Default user profile's hive, when the run needs it. */
int open_user(const struct options *, const struct policy *, struct image *,
    struct hive *h[], struct facts *, int discarded[]);
/* The other profiles' runs, planned (*out: n of them). */
int plan_passes(const struct options *, const struct policy *,
    const struct image *, const struct facts *, int flags,
    struct pass **out, size_t *n);

/* cmd_write.c */
/* The plan's needed ops written to the hives, and committed. */
int apply_plan(struct plan *, struct hive *h[], const struct facts *);
/* The undo file, the other profiles' sections under HKEY_USERS\SID. */
int write_undo(const char *path, const struct plan *, struct hive *h[],
    const struct pass *, size_t npasses);
/* What the image wrote made durable; its hives are closed first. */
int image_done(struct image *, struct hive *h[]);
/* hive_close, a span of TLSHIVE_TRACE (closing unlocks the file). */
void close_hive(struct hive *);

#endif
