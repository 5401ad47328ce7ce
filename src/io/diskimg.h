/*
 * Hives inside a disk image file: the Windows NTFS volume is found among
 * the partitions and opened with libntfs-3g over the block layer, never
 * mounted; its files are store files (store.h) whose writes land in place,
 * in the same MFT record, through the image's redo journal.
 */
#ifndef DISKIMG_H
#define DISKIMG_H

#include "io/store.h"
#include "tlshive.h"

struct diskimg;

/*
 * Opens IMAGE for reading, or for writing (apply, recover), as format (an
 * enum blk_format; -1: from its first bytes): a leftover
 * journal is replayed first when writing and refused when reading.  The
 * Windows partition is the NTFS one holding both hives, or partition
 * (1-based) when not 0.  Hibernated volumes and unclean NTFS are refused
 * for writing; BitLocker, dynamic disks and Storage Spaces always.
 */
struct diskimg *diskimg_open(const char *path, int writable, int partition,
    int format);
/* "qcow2, gpt partition 2"; the format's name; the partition (0: none). */
const char *diskimg_describe(const struct diskimg *);
const char *diskimg_format(const struct diskimg *);
int diskimg_partition(const struct diskimg *);
/* Did opening it for writing write a leftover journal into it? */
int diskimg_replayed(const struct diskimg *);
/*
 * A file of the volume by its path components, matched case-blind as
 * Windows does; flags as sfile_open's (SF_WRITE).  NULL with errno ENOENT
 * when it is absent.
 */
struct sfile *diskimg_file(struct diskimg *, const char *const *comps,
    size_t n, int flags);
/* Bytes of files read whole by their runlists (the rest went through
 * libntfs-3g's reads): for the tests. */
uint64_t diskimg_run_bytes(const struct diskimg *);
/* The first 4 bytes of hiberfil.sys, or 0 when there is none. */
int diskimg_hiberfil(struct diskimg *, char sig[5]);
/*
 * Everything written, made durable: the volume closed (its metadata
 * flushed) and the run's blocks journalled, applied and synced.  Every
 * file of the volume must be closed first.
 */
int diskimg_commit(struct diskimg *);
void diskimg_close(struct diskimg *);
/* tlshive recover IMAGE: finishes a leftover journal; 1 done, 0 none. */
int diskimg_recover(const char *path, int format);

#endif
