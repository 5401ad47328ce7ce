/*
 * The blocks of a disk image file: a raw file, or qcow2, VHDX, VHD and
 * VMDK through qemu-nbd, which libnbd starts itself (no kernel nbd
 * module, no FUSE, no root).  Every write of a run is held back and made
 * durable as a redo journal beside the image before it reaches the image:
 * libntfs-3g does not journal NTFS metadata, so this is what makes a run
 * all or nothing.
 */
#ifndef BLK_H
#define BLK_H

#include <stddef.h>
#include <stdint.h>

#include "io/blkfile.h"
#include "io/format.h"


struct blk;

/*
 * Opens the image for reading or writing, taking its lock (qemu's own
 * for the formats qemu-nbd serves, an open-file-description lock for a
 * raw file): an image a running VM or another tlshive holds is refused.
 */
struct blk *blk_open(const char *path, enum blk_format, int writable);
/*
 * An image a URL names, read-only, its bytes served by the transport on
 * sock (remote.h): raw, or qcow2 decoded by a qemu-nbd of the contained
 * child's that opens no backing file; format an enum blk_format, -1:
 * from its first bytes.  Other formats are refused.
 */
struct blk *blk_open_remote(const char *url, const char *sock, int format);
uint64_t blk_size(const struct blk *);
enum blk_format blk_fmt(const struct blk *);
int blk_read(struct blk *, void *, size_t, uint64_t off);
/* Scattered reads, LEN bytes at OFF into BUF each: through qemu-nbd as
 * one stream of requests, several in flight; saying how far as WHAT
 * (tlsh_progress) when not NULL.  The buffers hold zeroes (fresh memory):
 * nothing is cleared before the reads, and a failed read leaves them
 * partly written.  With FD not -1 they lie in a shared mapping of FD (a
 * memfd) that starts at MAP, and bytes read from a file are written to FD
 * (its file position moves). */
struct blk_seg {
	void *buf;
	size_t len;
	uint64_t off;
};
int blk_readv(struct blk *, const struct blk_seg *, size_t n,
    const char *what, int fd, const void *map);
/* Bytes blk_readv took from a qcow2 image's file itself (qmap.h). */
uint64_t blk_direct_bytes(const struct blk *);
/* Writes land in memory until blk_commit. */
int blk_write(struct blk *, const void *, size_t, uint64_t off);
/* 4 KiB blocks written so far. */
size_t blk_dirty(const struct blk *);
/*
 * The run's writes, made durable: the journal beside the image written
 * and fsynced, then applied, flushed and deleted.  A crash leaves no
 * journal (image untouched) or a complete one that blk_replay finishes.
 */
int blk_commit(struct blk *);
/* Drops what was written since the last commit. */
void blk_discard(struct blk *);
int blk_close(struct blk *);

/* The backing files opened with the image, "NAME (FORMAT)" each. */
struct strlist;
const struct strlist *blk_chain(const struct blk *);
/*
 * A complete journal left by a crash, written into the image: 1 done,
 * 0 none (an incomplete one is removed: it never touched the image), -1
 * with a message (it does not belong to this image: refused, kept).
 */
int blk_replay(struct blk *);

#endif
