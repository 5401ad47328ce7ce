/* A read-only view of regf bytes, checked before a hive image is written. */
#ifndef REGFREAD_H
#define REGFREAD_H

#include <stddef.h>
#include <stdint.h>

#include "regval.h"

/*
 * The image as it will reach the disk.  Parsed independently of hivex, so
 * a hivex bug in writing cannot hide behind the same bug in reading back.
 */
struct regf_img {
	const unsigned char *p;
	size_t len;
};

/*
 * Base block (signature "regf", checksum via regf_checksum from src/regf.h,
 * file type 0, major version 1, minor 3 to 6 (older hives lay out cells
 * differently), bins size a multiple of 4096 with 4096+bins <= len, root
 * cell offset inside the bins) and the hive-bin chain: every bin has
 * "hbin", its offset field equals its position relative to 4096, its size
 * is a non-zero multiple of 4096, and the chain ends exactly at 4096 + bins
 * size.  0, or -1 with tlsh_seterr().
 */
int regf_check(const struct regf_img *);
/*
 * The cells of the hive bin holding file offset off: each cell size (abs of
 * the signed int32) is non-zero, a multiple of 8, and the chain ends
 * exactly at the bin's end.  0 or -1.
 */
int regf_check_bin_at(const struct regf_img *, uint64_t off);
/*
 * Key paths are backslash-separated, relative to the root key, matched
 * case-blind like Windows (ASCII letters folded; compare names after
 * converting both to UTF-8).  1 exists, 0 absent, -1 damaged (message set).
 */
int regf_key_exists(const struct regf_img *, const char *key);
/*
 * A value by name (case-blind; "" is the default value).  1 with *out
 * filled (caller frees with regval_free), 0 absent (key or value), -1
 * damaged.
 */
int regf_get_value(const struct regf_img *, const char *key, const char *name,
    struct regval *out);

/*
 * The same on one opened reader: the base block and the bin chain are
 * read once (regf_check's checks), then any number of lookups follow.
 */
struct regf_rd;
struct regf_rd *regf_open(const struct regf_img *);
int regf_rd_bin_at(struct regf_rd *, uint64_t off);
int regf_rd_key(struct regf_rd *, const char *key);
int regf_rd_value(struct regf_rd *, const char *key, const char *name,
    struct regval *out);
void regf_close(struct regf_rd *);

/*
 * regf_check's bin-chain checks made page by page while an image streams
 * past, so that a reader of a large image need not walk every bin header
 * again: regf_chain_page gets every page of the hive bins in order (off
 * relative to 4096, len the bytes there); regf_open_chain then checks the
 * base block, that it counts the same bins and that the chain ended at
 * their end, and takes the bin offsets from the chain.
 */
struct regf_chain;
struct regf_chain *regf_chain_new(uint32_t bins);
int regf_chain_page(struct regf_chain *, uint32_t off,
    const unsigned char *page, size_t len);
struct regf_rd *regf_open_chain(const struct regf_img *, struct regf_chain *);
void regf_chain_free(struct regf_chain *);

/*
 * A reader over a source (regfsrc.h).  REGF_LAZY checks the base block
 * only and reads bins as lookups reach them: every cell read is still
 * checked (its bin's header, its bounds, that it starts a cell), but
 * damage off the paths read is not seen, and a subkey whose lh hash or lf
 * hint does not match its name is not found, as in Windows.  Without it
 * the source is read whole and checked as regf_open does.
 */
enum { REGF_LAZY = 1 };
struct regf_src;
struct regf_rd *regf_open_src(const struct regf_src *, int flags);
/* Bytes and whole bins a lazy reader has read from its source. */
void regf_rd_stats(const struct regf_rd *, uint64_t *bytes, uint64_t *bins);
/* How the hive spells a value's name, as UTF-8; NULL absent or damaged. */
char *regf_rd_value_name(struct regf_rd *, const char *key,
    const char *name);
/*
 * The subkeys of a key in list order: fn(ctx, name as UTF-8, the key's
 * offset for regf_rd_value_at).  1 listed, 0 no such key, -1 damaged or
 * fn non-zero.
 */
typedef int (*regf_subkey_fn)(void *ctx, const char *name, uint32_t key);
int regf_rd_subkeys(struct regf_rd *, const char *key, regf_subkey_fn,
    void *ctx);
/* regf_rd_value on a key given by its offset: 1, 0 absent, -1 damaged. */
int regf_rd_value_at(struct regf_rd *, uint32_t key, const char *name,
    struct regval *out);
/*
 * key and everything below it, parents first, in list order, with the
 * names as the hive spells them (UTF-8, as hivex converts them): fn(key
 * path, NULL, NULL) for each key, then fn(key path, value name, value)
 * for its values.  A key met twice or nested past 512 levels is damage.
 * 0 done, fn's non-zero return, or -1 (no such key, or damaged).
 */
typedef int (*regf_walk_fn)(void *ctx, const char *key, const char *name,
    const struct regval *val);
int regf_rd_walk(struct regf_rd *, const char *key, regf_walk_fn, void *ctx);

#endif
