/*
 * SHA-256 (FIPS 180-4), for the identity of an image in the JSON
 * documents (--sha256): a few dozen lines rather than a crypto library,
 * which tlshive does not link (tests/cli/imgload.sh).
 */
#ifndef SHA256_H
#define SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t len;		/* bytes hashed */
	unsigned char buf[64];
	size_t nbuf;
};

void sha256_init(struct sha256 *);
void sha256_update(struct sha256 *, const void *, size_t);
void sha256_final(struct sha256 *, unsigned char out[32]);
/* The digest of a whole file in lower-case hex; -1 with errno set. */
int sha256_file(const char *path, char hex[65]);

#endif
