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

#include "io/format.h"


struct blk;

/*
 * The format from the file's first bytes (and a VHD's footer), never
 * from its name.  -1 with a message for a format tlshive cannot write in
 * place (a streamOptimized VMDK).
 */
int blk_detect(const char *path, enum blk_format *);
const char *blk_format_name(enum blk_format);

/*
 * Opens the image for reading or writing, taking its lock (qemu's own
 * for the formats qemu-nbd serves, an open-file-description lock for a
 * raw file): an image a running VM or another tlshive holds is refused.
 */
struct blk *blk_open(const char *path, enum blk_format, int writable);
uint64_t blk_size(const struct blk *);
int blk_read(struct blk *, void *, size_t, uint64_t off);
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

/*
 * The backing files a chain the user allowed (--allow-backing) names,
 * checked as blk_open checks them: 0, or -1 with a message.
 */
struct strlist;
int blk_backing_files(const char *path, enum blk_format,
    struct strlist *files);
/*
 * Before a run that writes: a journal directory no other user can
 * change, and the temporary files of a journal that never became one
 * removed.  0, or -1 with a message.
 */
int blk_journal_tidy(const char *image);
/*
 * The loop devices' backing files, noted now (before a process loses
 * its view of /sys): blk_open refuses a raw image among them.
 */
void blk_note_loops(void);

/* The journal's name for an image: beside it, or in the journal directory. */
char *blk_journal_path(const char *image);
/*
 * The process's rules for every image it opens: journals go to dir
 * (--journal-dir; NULL: beside each image), and with backing a chain of
 * local backing files named by an image's header may be opened
 * (--allow-backing); without it any file a header names is refused.
 */
void blk_configure(const char *dir, int backing);
/* "qcow2", "vpc" or "vhd", ... as a format; -1 for no format tlshive opens. */
int blk_format_parse(const char *, enum blk_format *);
/* The backing files opened with the image, "NAME (FORMAT)" each. */
struct strlist;
const struct strlist *blk_chain(const struct blk *);
/*
 * Is there a journal for the image, and would it be replayed: 1 yes, 0
 * none, -1 one lies there that tlshive refuses (message says why).
 */
int blk_journal_state(const char *image);
/*
 * A complete journal left by a crash, written into the image: 1 done,
 * 0 none (an incomplete one is removed: it never touched the image), -1
 * with a message (it does not belong to this image: refused, kept).
 */
int blk_replay(struct blk *);

#endif
