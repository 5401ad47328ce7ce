/*
 * Hive bins read on demand.  check and show read a few hundred keys of a
 * hive that may hold millions; reading only the bins on their paths makes
 * their cost follow the keys asked for, not the hive.  Bytes come through
 * a read callback (pread of a file, a memory copy, a file inside an
 * image), never a mapping: a file that shrinks under a mapping raises
 * SIGBUS, where a short read is an error like any other.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "le.h"
#include "regf/regfsrc.h"
#include "tlshive.h"

#define BASE 4096		/* the base block; hive bins follow it */
#define PAGE 4096		/* bins start and end on 4 KiB boundaries */
#define FO(off) ((unsigned long long)BASE + (off))

struct cbin {
	uint32_t start, size;
	unsigned char *p;
};

struct regfsrc {
	struct regf_src src;
	uint32_t bins;
	struct cbin *bin;	/* ascending by start */
	size_t n, cap;
	uint64_t bytes, loaded;
};

static int
mem_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct regf_mem *m = ctx;

	if (off > m->len || len > m->len - off) {
		tlsh_seterr("truncated: %zu bytes at 0x%llx lie past the end "
		    "(%zu bytes)", len, (unsigned long long)off, m->len);
		return -1;
	}
	memcpy(buf, m->p + off, len);
	return 0;
}

struct regf_src
regfsrc_memory(struct regf_mem *m)
{
	struct regf_src s = { m, mem_read, m->len };

	return s;
}

struct regfsrc *
regfsrc_new(const struct regf_src *src, uint32_t bins)
{
	struct regfsrc *c = xcalloc(1, sizeof(*c));

	c->src = *src;
	c->bins = bins;
	return c;
}

static int
src_read(struct regfsrc *c, void *buf, size_t len, uint64_t off)
{
	if (off > c->src.size || len > c->src.size - off) {
		tlsh_seterr("truncated: the hive bins reach 0x%llx, the file "
		    "ends at 0x%llx", (unsigned long long)(off + len),
		    (unsigned long long)c->src.size);
		return -1;
	}
	c->bytes += len;
	return c->src.read(c->src.ctx, buf, len, off);
}

/* The index of the last cached bin starting at or before off, or n. */
static size_t
cached(const struct regfsrc *c, uint32_t off)
{
	size_t lo = 0, hi = c->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->bin[mid].start <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo == 0 ? c->n : lo - 1;
}

/*
 * Where the bin holding off starts.  Bins start on page boundaries and
 * are read whole, so the pages from off's own back to its bin's start are
 * looked at, nearest first: the first "hbin" met must be that bin.  A
 * value's data can hold "hbin" at a page boundary too; one whose fields
 * fit is taken, and the reads stay inside the hive bins either way.
 */
static int
find_start(struct regfsrc *c, uint32_t off, uint32_t *start, uint32_t *size)
{
	size_t i = cached(c, off);
	uint32_t floor = i < c->n ? c->bin[i].start + c->bin[i].size : 0;

	for (uint64_t p = off & ~(uint32_t)(PAGE - 1);; p -= PAGE) {
		unsigned char h[16];
		uint32_t at, sz;

		/* a cached bin ends here, and no bin began after it */
		if (p < floor) {
			tlsh_seterr("no hive bin holds offset 0x%llx: no hbin "
			    "signature at 0x%llx", FO(off), FO(floor));
			return -1;
		}
		if (src_read(c, h, sizeof(h), BASE + p) == -1)
			return -1;
		if (memcmp(h, "hbin", 4) != 0) {
			if (p == 0) {
				tlsh_seterr("no hbin signature at 0x%llx",
				    FO(0));
				return -1;
			}
			continue;
		}
		at = get_le32(h + 4);
		sz = get_le32(h + 8);
		if (at != p) {
			tlsh_seterr("hive bin at 0x%llx gives its offset as "
			    "0x%x, not 0x%x", FO(p), at, (uint32_t)p);
			return -1;
		}
		if (sz == 0 || sz % PAGE != 0) {
			tlsh_seterr("hive bin at 0x%llx has size %u, not a "
			    "multiple of 4096", FO(p), sz);
			return -1;
		}
		if (sz > c->bins - p) {
			tlsh_seterr("hive bin at 0x%llx runs %u bytes past the "
			    "end of the hive bins", FO(p), sz - (uint32_t)
			    (c->bins - p));
			return -1;
		}
		if (p + sz <= off) {
			tlsh_seterr("no hive bin holds offset 0x%llx: the bin "
			    "at 0x%llx ends at 0x%llx, and no hbin signature "
			    "follows it", FO(off), FO(p), FO(p + sz));
			return -1;
		}
		*start = (uint32_t)p;
		*size = sz;
		return 0;
	}
}

const unsigned char *
regfsrc_bin(struct regfsrc *c, uint32_t off, uint32_t *start, uint32_t *end)
{
	size_t i = cached(c, off);
	struct cbin b;

	if (i < c->n && off - c->bin[i].start < c->bin[i].size) {
		*start = c->bin[i].start;
		*end = c->bin[i].start + c->bin[i].size;
		return c->bin[i].p;
	}
	if (off >= c->bins) {
		tlsh_seterr("offset 0x%llx is not inside the hive bins",
		    FO(off));
		return NULL;
	}
	if (find_start(c, off, &b.start, &b.size) == -1)
		return NULL;
	b.p = xmalloc(b.size);
	if (src_read(c, b.p, b.size, BASE + (uint64_t)b.start) == -1) {
		free(b.p);
		return NULL;
	}
	c->loaded++;
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		c->bin = xrealloc(c->bin, c->cap * sizeof(*c->bin));
	}
	i = i < c->n ? i + 1 : 0;
	memmove(c->bin + i + 1, c->bin + i, (c->n - i) * sizeof(*c->bin));
	c->bin[i] = b;
	c->n++;
	*start = b.start;
	*end = b.start + b.size;
	return b.p;
}

void
regfsrc_stats(const struct regfsrc *c, uint64_t *bytes, uint64_t *bins)
{
	*bytes = c->bytes;
	*bins = c->loaded;
}

void
regfsrc_free(struct regfsrc *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n; i++)
		free(c->bin[i].p);
	free(c->bin);
	free(c);
}
