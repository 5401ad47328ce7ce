/* Sequence numbers and the base-block checksum of the regf format. */
#ifndef REGF_H
#define REGF_H

#include <stdint.h>

#include "le.h"

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
		x ^= get_le32(b + 4 * i);
	return x == 0xffffffff ? 0xfffffffe : x == 0 ? 1 : x;
}

#endif
