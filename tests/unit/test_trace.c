/* trace.c: phase spans, their nesting and their times. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"
#include "trace.h"

struct got {
	char name[32];
	int depth;
	uint64_t start, dur;
};
static struct got got[16];
static int ngot;

static void
record(const char *name, const char *subject, int depth, uint64_t start,
    uint64_t dur)
{
	(void)subject;
	assert_true(ngot < 16);
	snprintf(got[ngot].name, sizeof(got[ngot].name), "%s", name);
	got[ngot].depth = depth;
	got[ngot].start = start;
	got[ngot].dur = dur;
	ngot++;
}

static int
setup(void **state)
{
	(void)state;
	ngot = 0;
	trace_sink(record);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	trace_sink(NULL);
	return 0;
}

/* Without a sink nothing is reported, and a span costs no clock. */
static void
test_trace_off__reports_nothing(void **state)
{
	struct span a;

	trace_sink(NULL);
	trace_begin(&a);
	assert_int_equal(a.on, 0);
	trace_end(&a, "a", NULL);
	assert_int_equal(ngot, 0);
}

/* At least US microseconds of trace.c's clock go by, without sleeping:
 * the clock is read until it says so. */
static void
spend(long us)
{
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	do
		clock_gettime(CLOCK_MONOTONIC, &b);
	while ((b.tv_sec - a.tv_sec) * 1000000L +
	    (b.tv_nsec - a.tv_nsec) / 1000 < us);
}

/*
 * Reported as they end, inner first, one depth more; the inner lies
 * within the outer and siblings follow each other, in whole
 * microseconds of one clock.
 */
static void
test_trace_nesting__depth_and_times(void **state)
{
	struct span outer, a, b;

	trace_begin(&outer);
	trace_begin(&a);
	spend(2000);
	trace_end(&a, "a", NULL);
	trace_begin(&b);
	spend(2000);
	trace_end(&b, "b", "subject");
	trace_end(&outer, "outer", NULL);
	assert_int_equal(ngot, 3);
	assert_string_equal(got[0].name, "a");
	assert_string_equal(got[1].name, "b");
	assert_string_equal(got[2].name, "outer");
	assert_int_equal(got[0].depth, 1);
	assert_int_equal(got[1].depth, 1);
	assert_int_equal(got[2].depth, 0);
	/* each spent at least 2000 us of the same clock */
	assert_true(got[0].dur >= 2000 && got[1].dur >= 2000);
	assert_true(got[0].start + got[0].dur <= got[1].start);
	assert_true(got[2].start <= got[0].start);
	assert_true(got[1].start + got[1].dur <= got[2].start + got[2].dur);
	assert_true(got[0].dur + got[1].dur <= got[2].dur);
}

/* A span left open by an early return closes with the one around it: the
 * next is at the right depth again. */
static void
test_trace_unended__closes_with_outer(void **state)
{
	struct span outer, lost, next;

	trace_begin(&outer);
	trace_begin(&lost);
	trace_end(&outer, "outer", NULL);
	trace_begin(&next);
	trace_end(&next, "next", NULL);
	assert_int_equal(ngot, 2);
	assert_int_equal(got[0].depth, 0);
	assert_int_equal(got[1].depth, 0);
	/* ended twice: once */
	trace_end(&outer, "outer", NULL);
	assert_int_equal(ngot, 2);
}

/*
 * A span ended in a child forked inside it is not reported there, and the
 * child's own spans go at its depth, beside it; the parent reports it.
 */
static void
test_trace_fork__child_leaves_parent_span(void **state)
{
	struct span outer, start;
	int pp[2], st;
	pid_t pid;

	assert_int_equal(pipe(pp), 0);
	trace_begin(&outer);
	trace_begin(&start);
	if ((pid = fork()) == 0) {
		struct span mine;

		close(pp[0]);
		trace_end(&start, "start", NULL);
		trace_begin(&mine);
		trace_end(&mine, "mine", NULL);
		trace_end(&outer, "outer", NULL);
		/* what the child reported, for the parent to check */
		if (write(pp[1], &ngot, sizeof(ngot)) != sizeof(ngot) ||
		    write(pp[1], got, sizeof(got)) != sizeof(got))
			_exit(1);
		_exit(0);
	}
	close(pp[1]);
	assert_true(pid > 0);
	trace_end(&start, "start", NULL);
	{
		int n = -1;
		struct got cg[16];

		assert_int_equal(read(pp[0], &n, sizeof(n)), sizeof(n));
		assert_int_equal(read(pp[0], cg, sizeof(cg)), sizeof(cg));
		/* the child: its own span only, beside start */
		assert_int_equal(n, 1);
		assert_string_equal(cg[0].name, "mine");
		assert_int_equal(cg[0].depth, 1);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(pp[0]);
	trace_end(&outer, "outer", NULL);
	assert_int_equal(ngot, 2);
	assert_string_equal(got[0].name, "start");
	assert_int_equal(got[0].depth, 1);
	assert_string_equal(got[1].name, "outer");
	assert_int_equal(got[1].depth, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_trace_off__reports_nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_trace_nesting__depth_and_times,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_trace_unended__closes_with_outer,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_trace_fork__child_leaves_parent_span,
		    setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
