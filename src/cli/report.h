/* Rendering a run as text for people or one JSON document for machines. */
#ifndef REPORT_H
#define REPORT_H

#include <stdio.h>

#include "io/image.h"
#include "policy/facts.h"
#include "policy/plan.h"
#include "policy/rules.h"
#include "regf/hive.h"

enum command { CMD_SHOW, CMD_CHECK, CMD_APPLY, CMD_EXPORT };

struct run {
	enum command cmd;
	const struct image *img;
	const struct hive_header *hdr[HV_COUNT];	/* NULL: not given */
	int discarded_logs[HV_COUNT];
	const char *replayed[HV_COUNT];	/* what --replay-logs did, or NULL */
	const struct facts *f;
	const struct plan *p;
	const char *profile;		/* the policy's sources, joined */
	int dry_run;
	int compact;		/* JSON on one line (several images) */
	int explicit_only;	/* check --explicit: defaults do not count */
	int exit_zero;		/* check --exit-zero: "exit" 0, not 1 */
	int changed;		/* apply: the run wrote the image */
	int verbose;		/* -v: every value, not one line a setting */
	int batch;		/* one of several images: the document carries
				 * its outcome, messages and exit status */
	const char *said;	/* the messages (batch), or NULL */
	const char *user_sid;	/* another profile's run: its SID and */
	const char *user_path;	/* ProfileImagePath; NULL for the main one */
	int status;		/* the exit status (batch) */
	/* check with a benchmark profile: each rule's result (rules.h) */
	const struct rule_eval *rules;
	size_t nrules;
	const struct strlist *conflicts;	/* NULL: none */
	size_t findings;	/* rules_noncompliant, when rules exist */
	int sha256;		/* --sha256: the image files' digests */
};

void report_text(FILE *, const struct run *);
void report_json(FILE *, const struct run *);
/* The document of a run that failed before it had a result: what it said
 * on standard error, and its exit status. */
void report_json_error(FILE *, const char *image, enum tlsh_errc code,
    const char *error,
    int status, int compact);
/* The line above an image's text report among several. */
void report_batch_head(FILE *, const char *image, int status);
/* The settings table, for tlshive settings [--json]. */
void report_settings_text(FILE *);
void report_settings_json(FILE *);

#endif
