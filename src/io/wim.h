/*
 * Hives inside a WIM (install.wim, boot.wim) through wimlib: taken out of
 * an image into memory, changed there, and put back with their security
 * descriptor and attributes; every image's changes go into one overwrite
 * of the WIM, fsynced, so a crash leaves the old WIM valid.
 */
#ifndef WIM_H
#define WIM_H

#include "io/store.h"

struct wim;

/* Opens a WIM; writable takes an exclusive lock on the file. */
struct wim *wim_open(const char *path, int writable);
int wim_images(const struct wim *);
/* "Windows 10 Pro", or NULL. */
const char *wim_image_name(const struct wim *, int index);
/*
 * A file of image index (path within the image, "/Windows/..."), in
 * memory: writes change only the memory copy until wim_commit.  NULL with
 * errno ENOENT when the image has no such file.
 */
struct sfile *wim_file(struct wim *, int index, const char *path);
/*
 * Puts every changed file back into its image (with the descriptor and
 * attributes it had) and overwrites the WIM once, fsynced, keeping its
 * integrity table; rebuild writes it anew to reclaim the old space.
 * Files handed out must still be open.  The number of images written
 * (0: nothing changed, the WIM is untouched), or -1.
 */
int wim_commit(struct wim *, int rebuild);
void wim_close(struct wim *);

#endif
