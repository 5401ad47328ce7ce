/*
 * What apply writes: the plan through the commit (regf/commit.c), the
 * undo file first, and the image's own writes last.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/cmdint.h"
#include "cli/regwrite.h"
#include "regf/commit.h"
#include "regf/hive.h"
#include "trace.h"

/*
 * The plan's needed changes made in the hives and committed together
 * (commit_edits); said on failure.
 */
int
apply_plan(struct plan *p, struct hive *h[], const struct facts *f)
{
	struct strlist notes = { 0 };
	size_t n;
	struct hive_edit *e = plan_edits(p, &n);
	int rc = commit_edits(h, HV_COUNT, e, n, facts_log_format(f), &notes);

	if (rc == -1) {
		say_err();
		for (size_t i = 0; i < notes.n; i++)
			say("%s\n", notes.v[i]);
	}
	free(e);
	sl_free(&notes);
	return rc;
}

int
write_undo(const char *path, const struct plan *p, struct hive *h[],
    const struct pass *ps, size_t nps)
{
	struct regdoc d;
	unsigned char *bytes;
	size_t len;
	int r;

	regdoc_init(&d);
	regdoc_comment(&d, "tlshive undo file: applying it with tlshive "
	    "restores the hives as they were before the apply that wrote it");
	r = reg_undo(&d, p, h);
	/* the other profiles' hives, each under its HKEY_USERS\SID */
	for (size_t i = 0; i < nps && r == 0; i++) {
		d.user_root = ps[i].root;
		r = reg_undo(&d, &ps[i].p, (struct hive **)ps[i].h);
		d.user_root = NULL;
	}
	if (r == -1) {
		say_err();
		regdoc_free(&d);
		return -1;
	}
	bytes = regdoc_encode(&d, 0, &len);
	regdoc_free(&d);
	r = reg_save(path, bytes, len);
	free(bytes);
	if (r == -1)
		say_as(tlsh_errcode(), tlsh_errtemp(), "%s; nothing written\n",
		    tlsh_errmsg());
	return r;
}

void
close_hive(struct hive *h)
{
	struct span sp;
	char *path;

	if (h == NULL)
		return;
	path = xstrdup(hive_path(h));
	trace_begin(&sp);
	hive_close(h);
	trace_end(&sp, "close", path);
	free(path);
}

/*
 * What the image wrote made durable, once every file of it is closed (a
 * disk image's volume and its journal): the hives go first.
 */
int
image_done(struct image *img, struct hive *h[])
{
	struct span sp;
	int r;

	for (int i = 0; i < HV_COUNT; i++) {
		close_hive(h[i]);
		h[i] = NULL;
	}
	trace_begin(&sp);
	r = image_commit(img);
	trace_end(&sp, "image-commit", NULL);
	if (r == -1) {
		say_err();
		return -1;
	}
	return 0;
}
