/*
 * Large blocks on transparent huge pages.  hivex opens a hive for writing
 * by reading the whole file into one malloc'd block, and every 4 KiB page
 * of it costs a page fault when first touched; on the virtual machines
 * images are patched on a fault is dear (on the bench machine, a PVM
 * guest, the faults were a third of apply's time: tests/bench).  Debian's
 * kernels give huge pages only to memory that asks for them
 * (transparent_hugepage "madvise"), and the block is glibc's.  glibc can
 * ask (the glibc.malloc.hugetlb tunable), but Debian 12's glibc 2.36
 * decides from an unterminated read of the kernel's mode string, so
 * whether it asks depends on stack garbage: measured on and off from one
 * run to the next.  So the program's malloc asks itself: a block of 4 MiB
 * or more is advised MADV_HUGEPAGE before anyone touches it (glibc gives
 * such blocks fresh mappings of their own; on a heap chunk the advice only
 * changes the page size of the heap).  The advice is a hint: where the
 * kernel has no huge page to give, nothing changes but speed.
 * TLSHIVE_HUGEPAGES=0 turns it off.  This file is linked into tlshive
 * alone, and not with a sanitizer's runtime, which must own malloc.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#ifdef HAVE___LIBC_MALLOC
void *__libc_malloc(size_t);
void *__libc_calloc(size_t, size_t);
void *__libc_realloc(void *, size_t);

#define BIG ((size_t)4 << 20)

static void
advise(void *p, size_t n)
{
	/* -1 not read yet, 0 off, 1 on; threads racing read the same */
	static int on = -1;
	uintptr_t lo, hi;

	if (p == NULL || n < BIG)
		return;
	if (on == -1) {
		const char *e = getenv("TLSHIVE_HUGEPAGES");

		on = e == NULL || strcmp(e, "0") != 0;
	}
	if (!on)
		return;
	/*
	 * The whole pages the block touches, its header's too: glibc's own
	 * mapping of the block, advised in part, would become two mappings,
	 * and realloc, which grows a block by mremap, cannot move two: it
	 * would copy the block instead (hivex grows its copy a bin at a
	 * time).  On a heap chunk the advice spills onto its neighbours'
	 * pages, which only changes their page size too.
	 */
	lo = (uintptr_t)p & ~(uintptr_t)4095;
	hi = ((uintptr_t)p + n + 4095) & ~(uintptr_t)4095;
	(void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
}

void *
malloc(size_t n)
{
	void *p = __libc_malloc(n);

	advise(p, n);
	return p;
}

void *
calloc(size_t k, size_t n)
{
	void *p = __libc_calloc(k, n);

	/* no overflow here: calloc returned a block of k * n bytes */
	if (p != NULL)
		advise(p, k * n);
	return p;
}

void *
realloc(void *old, size_t n)
{
	void *p = __libc_realloc(old, n);

	/* what the block held stays on the pages it has, what it grows by
	 * comes as asked */
	advise(p, n);
	return p;
}
#endif
