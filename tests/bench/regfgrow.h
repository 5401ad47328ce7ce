/* Growing a regf hive by hive bins written straight from the format, without hivex. */
#ifndef REGFGROW_H
#define REGFGROW_H

#include <stddef.h>
#include <stdint.h>

struct grow;
struct gkey;

enum {
	/*
	 * Leave behind, as free cells, the subkey lists a writer adding one
	 * key at a time (hivex) discards: a parent gaining its n+1-th
	 * subkey frees the list of n.
	 */
	GROW_LIST_GARBAGE = 1
};

/*
 * Starts growing the hive at path: a clean hive (sequence numbers equal,
 * checksum right) is read whole, and the new hive is written beside it,
 * replacing it at grow_finish.  NULL with tlsh_seterr() on error.
 */
struct grow *grow_open(const char *path, int flags);
/*
 * The key at path below the root (backslash-separated, names matched
 * ASCII case-blind), the missing ones on the way created.  Keys the hive
 * had can only gain subkeys, never values.
 */
struct gkey *grow_path(struct grow *, const char *path);
/*
 * A new subkey of an open key (name: 1 to 255 ASCII characters).  Its key
 * node is written at once; its lists when it is closed.
 */
struct gkey *grow_key(struct grow *, struct gkey *parent, const char *name);
/* A value of a key made by grow_key, before it is closed. */
int grow_value(struct grow *, struct gkey *, const char *name, uint32_t type,
    const unsigned char *data, size_t len);
/*
 * Writes the key's subkey list (sorted, lh leaves under an ri when long)
 * and value list, once its subkeys are closed; the key is freed.
 */
int grow_close(struct grow *, struct gkey *);
/* Bytes of the hive file so far. */
uint64_t grow_size(const struct grow *);
/* Keys and values written so far. */
void grow_counts(const struct grow *, uint64_t *keys, uint64_t *values);
/*
 * Closes the keys still open (the newest first), completes the base block
 * and puts the new hive in place of the old.  0, or -1 with the old hive
 * left as it was.  The grow is freed either way.
 */
int grow_finish(struct grow *);
/* Drops the new hive; the old one stays as it was. */
void grow_abort(struct grow *);

#endif
