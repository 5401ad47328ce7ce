/*
 * Where hive bytes live.  A hive and its transaction logs are files of an
 * image; today that is a directory reached through descriptors, later an
 * NTFS volume inside a disk image or an image of a WIM.  Everything above
 * sees the same small set of calls: read, write at an offset, size,
 * truncate, sync.
 */
#ifndef STORE_H
#define STORE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct sfile;

/*
 * The largest file tlshive reads whole, a hive or a log: Windows keeps
 * every hive under 2 GB, SYSTEM under less ("Registry Storage Space",
 * learn.microsoft.com), and a log holds pages of its hive.  An image that
 * claims more (a sparse file, a hostile size) is refused before any
 * memory is taken for it.
 */
#define STORE_FILE_MAX (((uint64_t)2 << 30) + 4096)

enum {
	SF_WRITE = 1,		/* open for writing in place */
	SF_LOCK = 2,		/* take the writer's lock (flock) */
	SF_WAIT = 4,		/* wait for another writer's lock */
	SF_CREATE = 8		/* create when missing (logs), like the hive */
};

/*
 * Opens name in the directory dirfd without following a symbolic link;
 * shown is the path used in messages.  SF_LOCK locks the file (flock)
 * against a second tlshive, failing fast unless SF_WAIT.  A file with more
 * than one hard link cannot be written: a write in place would change it
 * under every name.  dirfd is duplicated, the caller keeps its own.
 */
struct sfile *sfile_open_at(int dirfd, const char *name, const char *shown,
    int flags);
/* The same for a path: its directory part may be a link, its file not. */
struct sfile *sfile_open(const char *path, int flags);
/*
 * A file beside f named f's name plus suffix (".LOG1"), opened the same
 * way (never locked: f's lock covers it); with SF_CREATE a missing one is
 * made with f's mode and owner.  NULL with errno ENOENT when it is absent
 * and not to be created.
 */
struct sfile *sfile_sibling(struct sfile *f, const char *suffix, int flags);
void sfile_close(struct sfile *);

const char *sfile_name(const struct sfile *);
int sfile_read(struct sfile *, void *buf, size_t len, uint64_t off);
int sfile_write(struct sfile *, const void *buf, size_t len, uint64_t off);
int sfile_size(struct sfile *, uint64_t *len);
int sfile_truncate(struct sfile *, uint64_t len);
int sfile_sync(struct sfile *);
/* Makes a created file's name durable (the directory's fsync). */
int sfile_sync_dir(struct sfile *);
/* A whole file into memory (NUL-terminated); NULL with a message. */
unsigned char *sfile_slurp(struct sfile *, size_t *len);
/*
 * The file as a writable buffer of len bytes (zeros past its end) whose
 * changes never reach the file: the commit lays the new pages over it to
 * check the whole new image without holding a copy of it.  Free with
 * sfile_view_free.  NULL with a message.
 */
unsigned char *sfile_view(struct sfile *, size_t len);
void sfile_view_free(struct sfile *, unsigned char *, size_t len);
/*
 * A path that opens this very file, whatever happens to its name
 * ("/proc/self/fd/N"): hivex opens files by name only.
 */
const char *sfile_open_path(struct sfile *);

/* What a kind of store provides; the directory is the first kind. */
struct sfile_ops {
	int (*pread)(struct sfile *, void *, size_t, uint64_t);
	int (*pwrite)(struct sfile *, const void *, size_t, uint64_t);
	int (*size)(struct sfile *, uint64_t *);
	int (*truncate)(struct sfile *, uint64_t);
	int (*sync)(struct sfile *);
	int (*sync_dir)(struct sfile *);
	struct sfile *(*sibling)(struct sfile *, const char *, int);
	unsigned char *(*view)(struct sfile *, size_t);
	void (*view_free)(struct sfile *, unsigned char *, size_t);
	const char *(*open_path)(struct sfile *);
	void (*close)(struct sfile *);	/* frees priv, not the sfile */
};
/*
 * A file held in memory (a hive taken out of a WIM image): writes change
 * the buffer; its siblings are memory files too, and are dropped.
 */
struct sfile *sfile_memory(const char *shown, const unsigned char *data,
    size_t len);
/* The bytes of a memory file now. */
const unsigned char *sfile_memory_data(struct sfile *, size_t *len);
/* A file of another kind of store, priv its own state. */
struct sfile *sfile_new(const struct sfile_ops *, void *priv,
    const char *shown);
void *sfile_priv(const struct sfile *);

/*
 * A new file at path (an undo file, an export, a recovered copy): written
 * beside it, fsynced, renamed into place, the directory fsynced, so it is
 * complete and durable or absent.  Never used for a hive being changed.
 */
int store_write_new(const char *path, const void *data, size_t len);
/* The same in a directory already open (path names the file's last part
 * and the messages), so a link put in its place meanwhile is not followed. */
int store_write_at(int dirfd, const char *path, const void *data, size_t len);
/*
 * Removes what an interrupted run of an older tlshive left beside the hive
 * at path: its rename-based commit wrote the whole hive to
 * ".NAME.tlshive-XXXXXX" first, and a kill left that copy behind.  Each
 * file removed goes into removed as "NAME (N bytes)"; -1 on error.
 */
struct strlist;
int store_leftovers(const char *path, struct strlist *removed);

#endif
