/* hugealloc.c: the program's large blocks are advised onto huge pages before first use. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"

/* What /proc/self/smaps says of the mapping holding p. */
struct vma {
	uintptr_t lo, hi;	/* where the mapping starts and ends */
	int found, advised;	/* VmFlags "hg": MADV_HUGEPAGE given */
	long huge_kb;		/* AnonHugePages */
};

static struct vma
vma_of(const void *p)
{
	struct vma v = { 0, 0, 0, 0, -1 };
	char line[512];
	int in = 0;
	FILE *f = fopen("/proc/self/smaps", "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		long kb;

		/* a mapping's line; a field's name is no hex number and a
		 * dash */
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {
			in = (uintptr_t)p >= lo && (uintptr_t)p < hi;
			if (in) {
				v.lo = lo;
				v.hi = hi;
			}
			v.found |= in;
		} else if (in && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			v.huge_kb = kb;
		else if (in && strncmp(line, "VmFlags:", 8) == 0)
			v.advised = strstr(line, " hg") != NULL;
	}
	fclose(f);
	assert_true(v.found);
	return v;
}

static int
thp_madvise(void)
{
	char buf[128] = "";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");

	if (f == NULL)
		return 0;
	if (fgets(buf, sizeof(buf), f) == NULL)
		buf[0] = '\0';
	fclose(f);
	return strstr(buf, "[madvise]") != NULL;
}

/* Every page written and read back: no block the compiler may drop. */
static unsigned
touch(char *p, size_t n)
{
	volatile char *v = p;
	unsigned sum = 0;

	memset(p, 0x5a, n);
	for (size_t i = 0; i < n; i += 4096)
		sum += (unsigned char)v[i];
	return sum;
}

static void
test_hugealloc_malloc__large_block_advised_and_on_huge_pages(void **state)
{
	size_t n = (size_t)32 << 20;
	char *p = malloc(n);
	struct vma v;

	assert_non_null(p);
	v = vma_of(p + n / 2);
	assert_true(v.advised);
	/* one mapping from glibc's header to the end, as glibc made it:
	 * advice on part of it would cut it in two, which realloc cannot
	 * move without copying */
	assert_true(v.lo <= (uintptr_t)p - 16 && v.hi >= (uintptr_t)p + n);
	assert_int_equal(touch(p, n), 0x5a * (n / 4096));
	v = vma_of(p + n / 2);
	/* where the kernel waits to be asked, it gave huge pages (at least
	 * one of the fifteen whole ones the block spans) */
	if (thp_madvise())
		assert_true(v.huge_kb >= 2048);
	free(p);
}

static void
test_hugealloc_malloc__small_block_left_alone(void **state)
{
	size_t n = (size_t)1 << 20;
	char *p = malloc(n);

	assert_non_null(p);
	assert_false(vma_of(p + n / 2).advised);
	free(p);
}

static void
test_hugealloc_realloc__grown_block_advised(void **state)
{
	char *p = malloc((size_t)1 << 20), *q;
	size_t n = (size_t)64 << 20;

	assert_non_null(p);
	memset(p, 7, (size_t)1 << 20);
	q = realloc(p, n);
	assert_non_null(q);
	assert_int_equal(q[12345], 7);
	assert_true(vma_of(q + n - 4096).advised);
	/* and grows again as one mapping */
	p = realloc(q, 2 * n);
	assert_non_null(p);
	assert_int_equal(p[12345], 7);
	assert_true(vma_of(p).lo <= (uintptr_t)p - 16 &&
	    vma_of(p).hi >= (uintptr_t)p + 2 * n);
	free(p);
}

static void
test_hugealloc_calloc__advised_and_zero(void **state)
{
	size_t k = 4096, n = 4096;
	char *p = calloc(k, n);

	assert_non_null(p);
	assert_true(vma_of(p + k * n / 2).advised);
	for (size_t i = 0; i < k * n; i += 4093)
		assert_int_equal(p[i], 0);
	free(p);
}

/*
 * TLSHIVE_HUGEPAGES=0: a fresh process (the choice is read at the first
 * large block) whose large block is not advised.
 */
static void
test_hugealloc_optout__no_advice(void **state)
{
	pid_t pid = fork();
	int st;

	assert_true(pid >= 0);
	if (pid == 0) {
		char *argv[] = { "test_hugealloc", "--optout", NULL };

		setenv("TLSHIVE_HUGEPAGES", "0", 1);
		execv("/proc/self/exe", argv);
		_exit(9);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static int
optout_child(void)
{
	size_t n = (size_t)32 << 20;
	char *p = malloc(n);
	int advised;

	if (p == NULL)
		return 2;
	advised = vma_of(p + n / 2).advised;
	free(p);
	return advised ? 1 : 0;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hugealloc_malloc__large_block_advised_and_on_huge_pages),
		cmocka_unit_test(test_hugealloc_malloc__small_block_left_alone),
		cmocka_unit_test(test_hugealloc_realloc__grown_block_advised),
		cmocka_unit_test(test_hugealloc_calloc__advised_and_zero),
		cmocka_unit_test(test_hugealloc_optout__no_advice),
	};

	if (argc == 2 && strcmp(argv[1], "--optout") == 0)
		return optout_child();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
