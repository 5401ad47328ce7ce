/*
 * Phase spans for TLSHIVE_TRACE=1: where a run's wall time goes (opening,
 * facts, plan, each step of the commit, an image's module, sandbox and
 * volume), for the bench and the tests.  Any layer marks its phases; only
 * the command line, which sets the sink, prints them.  Without a sink a
 * span costs a test of one pointer.
 */
#ifndef TRACE_H
#define TRACE_H

#include <stdint.h>
#include <sys/types.h>

struct span {
	int on;
	int depth;		/* spans open around it, in this thread */
	pid_t pid;		/* the process that began it */
	uint64_t t0;		/* CLOCK_MONOTONIC, microseconds */
};

/*
 * The sink gets each span when it ends: its depth, its start (from the
 * trace's start, when the sink was set) and duration, in microseconds.
 * The times are of one clock for every process a run forks, so a
 * forked child's spans fall inside the parent's span that waits for it.
 */
typedef void (*trace_fn)(const char *name, const char *subject, int depth,
    uint64_t start_us, uint64_t dur_us);
void trace_sink(trace_fn);
/* 1 when spans are reported (a sink is set: TLSHIVE_TRACE=1). */
int trace_on(void);

void trace_begin(struct span *);
/*
 * Ended in a process forked inside it, a span is not reported there (its
 * parent reports it): the child goes on at its depth, beside it.
 */
void trace_end(struct span *, const char *name, const char *subject);
/* Ended, not reported: it turned out to be no phase of this run. */
void trace_drop(struct span *);

#endif
