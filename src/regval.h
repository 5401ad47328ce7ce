/* Registry values as raw bytes: what a hive stores, independent of hivex. */
#ifndef REGVAL_H
#define REGVAL_H

#include <stddef.h>
#include <stdint.h>

/* Windows value type numbers (winnt.h), as stored in a vk record. */
enum {
	REGT_NONE = 0,
	REGT_SZ = 1,
	REGT_EXPAND_SZ = 2,
	REGT_BINARY = 3,
	REGT_DWORD = 4,
	REGT_DWORD_BE = 5,
	REGT_LINK = 6,
	REGT_MULTI_SZ = 7,
	REGT_QWORD = 11
};

struct regval {
	uint32_t type;
	size_t len;
	unsigned char *data;
};

void regval_free(struct regval *);
void regval_copy(struct regval *dst, const struct regval *src);
void regval_dword(struct regval *, uint32_t);
/* REG_SZ from UTF-8, NUL-terminated UTF-16LE as Windows writes it. */
int regval_sz(struct regval *, const char *utf8);
/* REG_MULTI_SZ: each string NUL-terminated, plus the closing empty string. */
int regval_multi_sz(struct regval *, char *const *utf8, size_t n);

int regval_equal(const struct regval *, const struct regval *);
/* 1 and the value if this is a 4-byte REG_DWORD. */
int regval_get_dword(const struct regval *, uint32_t *);
/* UTF-8 text of a REG_SZ/REG_EXPAND_SZ (up to the first NUL), or NULL. */
char *regval_get_sz(const struct regval *);
/* UTF-8 strings of a REG_MULTI_SZ; *n set; NULL if not a multi-string. */
char **regval_get_multi_sz(const struct regval *, size_t *n);
void strv_free(char **, size_t n);

const char *regval_type_name(uint32_t type);
/*
 * iconv of a whole buffer: malloc'd, NUL-terminated, length in *outlen;
 * NULL when the input is not valid in the 'from' encoding.
 */
char *regval_recode(const char *to, const char *from, const char *in,
    size_t inlen, size_t *outlen);
/* Opens the conversions regval_recode is asked for, in this thread. */
void regval_init(void);
/* Human text: "0x00000001 (1)", "\"text\"", "[\"a\", \"b\"]", "hex:01,02". */
char *regval_format(const struct regval *);

#endif
