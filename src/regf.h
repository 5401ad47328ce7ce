/* Little-endian fields and the base-block checksum of the regf format. */
#ifndef REGF_H
#define REGF_H

#include <stdint.h>

static inline uint32_t
regf_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static inline uint64_t
regf_le64(const unsigned char *p)
{
	return (uint64_t)regf_le32(p) | (uint64_t)regf_le32(p + 4) << 32;
}

static inline void
regf_put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (v >> (8 * i)) & 0xff;
}

static inline void
regf_put64(unsigned char *p, uint64_t v)
{
	regf_put32(p, (uint32_t)v);
	regf_put32(p + 4, (uint32_t)(v >> 32));
}

/* Sequence number a comes before b, allowing for wrap-around. */
static inline int
regf_seq_before(uint32_t a, uint32_t b)
{
	return (uint32_t)(b - a) != 0 && (uint32_t)(b - a) <= 0x7fffffff;
}

/*
 * XOR of the first 127 dwords of a base block, with 0 mapped to 1 and
 * 0xffffffff to 0xfffffffe (Windows never stores those two).
 */
static inline uint32_t
regf_checksum(const unsigned char *b)
{
	uint32_t x = 0;

	for (int i = 0; i < 127; i++)
		x ^= regf_le32(b + 4 * i);
	return x == 0xffffffff ? 0xfffffffe : x == 0 ? 1 : x;
}

#endif
