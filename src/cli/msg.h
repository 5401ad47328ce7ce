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
/* Each error on a line of its own. */
void print_errors(const struct strlist *);
/* What was said since the last document, or NULL; and forgetting it. */
const char *said(void);
void said_clear(void);
/* The error document of a --json run that printed none for its failure
 * (image names it); nothing without --json. */
void json_failed(const struct options *, const char *image, int compact);

#endif
