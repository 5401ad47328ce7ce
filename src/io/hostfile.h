/*
 * Files outside a contained child's view (io/sandbox.h): the user's undo
 * and output files and a disk image's journal.  The child asks, over a
 * socket, the parent that made it; the parent acts only on names it
 * allowed, in directories it opened before the child started (a link
 * the child puts in their place is not followed).  Outside a contained
 * child each call acts here.
 */
#ifndef HOSTFILE_H
#define HOSTFILE_H

#include <stddef.h>

/* What the parent lets the child ask for one name. */
struct hostfile_allow {
	char *path;		/* as the child names it */
	int dirfd;		/* its directory, opened by the parent; -1 */
	int put, test, remove;	/* the requests allowed */
};

/* In the contained child: the parent is at the other end of fd. */
void hostfile_channel(int fd);

/* Does the parent do it (this is a contained child)? */
int hostfile_remote(void);
/* A new file, complete and durable (store_write_new), or -1. */
int hostfile_put(const char *path, const void *data, size_t len);
/* Is a file (or a link) of that name there: 1 yes, 0 no. */
int hostfile_exists(const char *path);
/* Removed, its directory fsynced: 0 (also when it was not there), -1. */
int hostfile_remove(const char *path);

/*
 * In the parent: the allowance for path (its directory opened now), and
 * the requests served until the child closes its end.
 */
void hostfile_allow(struct hostfile_allow *, const char *path, int put,
    int test, int remove);
void hostfile_serve(int fd, struct hostfile_allow *, size_t n);
void hostfile_allow_free(struct hostfile_allow *, size_t n);

/*
 * What became of a disk image's journal in this process (written here,
 * or for a contained child): HJ_NONE, HJ_WRITTEN (the image may be half
 * written), HJ_DONE (written, the image written, removed), HJ_REPLAYED
 * (an earlier run's removed unwritten by this one).  Readable from a
 * signal handler.
 */
enum { HJ_NONE, HJ_WRITTEN, HJ_DONE, HJ_REPLAYED };
int hostfile_journal(void);
/* blk.c, outside a contained child: the journal put, or removed. */
void hostfile_journal_note(int removed);

#endif
