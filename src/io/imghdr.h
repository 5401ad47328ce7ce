/*
 * The files and places a disk image's own header names besides the image:
 * a qcow2 backing file or external data file, a VMDK's extents and parent,
 * a VHD's or VHDX's parent.  qemu-nbd would open them on the image's word,
 * with the rights of whoever runs tlshive, so they are read here first,
 * with pread alone and every length bounded, before qemu-nbd sees the
 * image.
 */
#ifndef IMGHDR_H
#define IMGHDR_H

#include <stddef.h>

#include "io/format.h"

/*
 * A file or location an image's header names besides the image itself.
 * what is static text: qcow2 "backing file", "external data file"; VMDK
 * "extent", "parent" (parentFileNameHint), "device" (a createType on a
 * host device); VHD "parent" (its Unicode name), "parent locator W2ru"
 * (W2ku, Wi2r, Wi2k, MacX, Mac; "parent locator" for another platform);
 * VHDX "parent relative_path" (volume_path, absolute_win32_path).  A
 * differencing disk or a qcow2 with the external data file bit that
 * names nothing gives "parent" or "external data file" "(unnamed)".
 */
struct imgref {
	const char *what;
	/*
	 * As the header spells it, in UTF-8; a control character, a NUL or
	 * a byte that is not UTF-8 is written \xNN (and local is 0).
	 */
	char *name;
	char *format;		/* qcow2's backing format, or NULL */
	/*
	 * A plain local file name: not empty, no protocol prefix (a ':'
	 * before any '/', as qemu tells a protocol: "nbd:", "http://",
	 * "file:", "json:", a Windows drive "C:"), nothing written \xNN.
	 */
	int local;
};

struct imgrefs {
	struct imgref *v;
	size_t n;
};

/*
 * Reads the header (and, for VMDK, the descriptor) of the image open on
 * fd, of format fmt, and lists every reference it finds, each once.  A
 * VMDK extent that is the image file itself is no reference; a raw or WIM
 * image has none.  -1 with a message naming shown for a header that is
 * damaged, truncated or too large to be a header (out is then empty); 0
 * otherwise.  Only pread is used: the file offset is left alone.
 */
int imghdr_refs(int fd, const char *shown, enum blk_format fmt,
    struct imgrefs *out);
void imgrefs_free(struct imgrefs *);

#endif
