/*
 * The half of the block layer that needs no library (blk.h has the
 * transport: raw files and qemu-nbd through libnbd): an image's format,
 * the files its header names, the loop devices, the journal's name and
 * place, and the rules a run sets for them.  The parent checks an
 * image's files and journal with these before the contained child
 * starts, without the libraries an image's bytes need.
 */
#ifndef BLKFILE_H
#define BLKFILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "io/format.h"

struct strlist;

/*
 * The format from the file's first bytes (and a VHD's footer), never
 * from its name.  -1 with a message for a format tlshive cannot write in
 * place (a streamOptimized VMDK).
 */
int blk_detect(const char *path, enum blk_format *);
/* The same from an image's first N bytes (at most 1023 are looked at)
 * and its last 512 (TAIL, or NULL), for an image that is no file here;
 * shown names it in a message. */
int blk_detect_bytes(const char *shown, const unsigned char *b, size_t n,
    const unsigned char *tail, enum blk_format *);
/*
 * qemu-nbd's last message in the file its standard error went to,
 * without its "qemu-nbd: " and the trailing newline (malloc'd), or
 * NULL: the cause of a failure it saw (a permission, a lock, a damaged
 * header, a missing backing file, a URL's server), in its own words.
 */
char *blk_qemu_said(int errfd);
const char *blk_format_name(enum blk_format);
/*
 * The backing files a chain the user allowed (--allow-backing) names,
 * checked as blk_open checks them: 0, or -1 with a message.
 */
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
 * base (--base, or NULL) is the URL of a qcow2 overlay's base image,
 * given to it through its transport (remote.h); the overlay's header
 * then names no backing file.
 */
void blk_configure(const char *dir, int backing, const char *base);
/* The URL blk_configure allowed as a backing image, or NULL. */
const char *blk_base(void);
/* "qcow2", "vpc" or "vhd", ... as a format; -1 for no format tlshive opens. */
int blk_format_parse(const char *, enum blk_format *);
/*
 * Is there a journal for the image, and would it be replayed: 1 yes, 0
 * none, -1 one lies there that tlshive refuses (message says why).
 */
int blk_journal_state(const char *image);

/* qemu's name for the format ("vpc" where users say VHD). */
const char *blk_format_driver(enum blk_format);
/*
 * The files an image's header names, checked against the rules of
 * blk_configure: allowed ones go to chain (and their names to files);
 * -1 with a message naming the first refused.
 */
int blk_check_refs(const char *path, enum blk_format, int depth,
    struct strlist *chain, struct strlist *files);
/* -1 with a message when the kernel has the raw image open as a loop device. */
int blk_loop_backed(const char *path, const struct stat *img);
/* May a journal lie at jpath (its directory)?  0 with a message if not. */
int blk_journal_dir_ok(const char *jpath);
/* Opens a journal tlshive wrote: 1 (fd, size), 0 none, -1 refused. */
int blk_journal_open(const char *jpath, int *fdp, uint64_t *len);

#endif
