/*
 * The commands' message sink: "tlshive: " and the message on standard
 * error, kept since the last JSON document so that a --json run that
 * fails can carry what it said in its error document.
 */
#ifndef MSG_H
#define MSG_H

#include "cli/options.h"
#include "tlshive.h"

void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Long work's progress on a standard error that is a terminal, on one
 * line that say() and progress_clear() blank first. */
void progress_start(void);
void progress_clear(void);
/* The line drawn over the last one ("tlshive: " and the text), and the
 * last one kept, ended with a newline. */
void progress_draw(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void progress_keep(void);
/* In a forked worker: the line on the terminal is its parent's. */
void progress_forget(void);
/* TLSHIVE_TRACE=1: the spans (trace.h) on standard error. */
void trace_start(void);
/* The error tlsh_seterr or tlsh_seterrc recorded, said, its kind kept for
 * the JSON document and the exit status. */
void say_err(void);
/* An error of the commands' own, of kind c. */
void say_code(enum tlsh_errc c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* An error whose kind was taken before other calls (tlsh_errcode and
 * tlsh_errtemp), said later. */
void say_as(enum tlsh_errc c, int temp, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A run's exit status: TLSH_EXIT_ERROR becomes TLSH_EXIT_TEMPFAIL when its
 * first error is one a retry may not meet. */
int exit_status(int rc);
/* Each error on a line of its own, all of kind c. */
void print_errors(const struct strlist *, enum tlsh_errc c);
/* What was said since the last document, or NULL; and forgetting it. */
const char *said(void);
void said_clear(void);
/* The error document of a --json run that printed none for its failure
 * (image names it); nothing without --json. */
void json_failed(const struct options *, const char *image, int compact);

#endif
