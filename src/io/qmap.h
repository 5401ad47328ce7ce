#ifndef TLSHIVE_IO_QMAP_H
#define TLSHIVE_IO_QMAP_H

#include <stddef.h>
#include <stdint.h>

/*
 * Where a qcow2 image's guest bytes lie in its own file, as qemu-img map
 * says: a run of guest bytes stored as they are at an offset of the image
 * file (QMAP_FILE), reading as zeroes (QMAP_ZERO), or anything else that
 * only qemu can turn into guest bytes (compressed or encrypted clusters, a
 * backing file's data: QMAP_SERVER).
 */
enum qmap_kind { QMAP_FILE, QMAP_ZERO, QMAP_SERVER };

struct qmap_ext {
	uint64_t start, len;	/* guest bytes */
	uint64_t off;		/* in the image file, QMAP_FILE only */
	enum qmap_kind kind;
};

struct qmap {
	struct qmap_ext *v;
	size_t n;
};

/*
 * qemu-img map's JSON for guest bytes [from, to) of an image of
 * file_size bytes: extents in order, without gaps, covering the range.
 * The text is the image's word, read by a program parsing a hostile
 * image: anything but that (an extent out of order, a gap, a file offset
 * past the end of the file, a field of another type) is -1 with a
 * message, and nothing of it is used.
 */
int qmap_parse(const char *text, size_t n, uint64_t from, uint64_t to,
    uint64_t file_size, struct qmap *out);
/*
 * The same from qemu-img map itself (-U: qemu-nbd holds the image's lock,
 * and nothing has been written through it yet when this is asked).
 */
int qmap_read(const char *path, uint64_t from, uint64_t to,
    uint64_t file_size, struct qmap *out);
/* The extent holding guest byte at, or NULL. */
const struct qmap_ext *qmap_find(const struct qmap *, uint64_t at);
void qmap_free(struct qmap *);

#endif
