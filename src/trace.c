/* Phase spans (trace.h): the clock, the nesting, the sink. */
#include "config.h"

#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "trace.h"

static trace_fn sink;
static uint64_t epoch;
static __thread int depth;

/*
 * Whole microseconds of one monotonic clock: a span's end is the next
 * one's start or before it, so the durations of the spans in one are
 * never more than its own, rounding included.
 */
static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

void
trace_sink(trace_fn fn)
{
	sink = fn;
	epoch = fn ? now_us() : 0;
	depth = 0;
}

int
trace_on(void)
{
	return sink != NULL;
}

void
trace_begin(struct span *s)
{
	s->on = sink != NULL;
	if (!s->on)
		return;
	s->pid = getpid();
	s->depth = depth++;
	s->t0 = now_us();
}

void
trace_drop(struct span *s)
{
	if (s->on)
		depth = s->depth;
	s->on = 0;
}

void
trace_end(struct span *s, const char *name, const char *subject)
{
	uint64_t t1;

	if (!s->on || sink == NULL)
		return;
	t1 = now_us();
	s->on = 0;
	/* a span left open inside (an early return) closes with this one */
	depth = s->depth;
	if (getpid() != s->pid)
		return;
	sink(name, subject, s->depth, s->t0 - epoch, t1 - s->t0);
}
