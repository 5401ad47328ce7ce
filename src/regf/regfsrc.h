/* Hive bins read on demand from wherever a hive's bytes live. */
#ifndef REGFSRC_H
#define REGFSRC_H

#include <stddef.h>
#include <stdint.h>

/*
 * A hive's bytes: read fills buf with len bytes at file offset off and
 * returns 0, or -1 with tlsh_seterr().  size is the file's length.
 */
struct regf_src {
	void *ctx;
	int (*read)(void *ctx, void *buf, size_t len, uint64_t off);
	uint64_t size;
};

/* A source over bytes in memory (a replayed hive, a test's image). */
struct regf_mem {
	const unsigned char *p;
	size_t len;
};
struct regf_src regfsrc_memory(struct regf_mem *);

/*
 * A cache of whole hive bins over a source, bins bytes of them after the
 * base block.  Offsets are relative to the first bin, as in cells.
 */
struct regfsrc;
struct regfsrc *regfsrc_new(const struct regf_src *, uint32_t bins);
/*
 * The bin holding off, read whole on first use: its bytes from its
 * header, *start and *end its bounds.  Its header is checked (signature,
 * offset field, size).  NULL with tlsh_seterr() when no bin holds off.
 */
const unsigned char *regfsrc_bin(struct regfsrc *, uint32_t off,
    uint32_t *start, uint32_t *end);
/* What was read from the source so far, in bytes and in whole bins. */
void regfsrc_stats(const struct regfsrc *, uint64_t *bytes, uint64_t *bins);
void regfsrc_free(struct regfsrc *);

#endif
