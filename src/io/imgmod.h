/*
 * The image module, tlshive-images.so: the code that needs libntfs-3g,
 * libnbd, wimlib and zlib (diskimg.c, wim.c, blk.c's transport, parts.c)
 * and, through them, some twenty more libraries (gnutls, icu, libxml2,
 * libstdc++ ...).  Loading them costs more than a directory's whole show,
 * so tlshive loads the module only for an image file (image.c), before
 * the contained child is forked: the child inherits the mappings and its
 * view never needs the module's file.  The module calls back into
 * tlshive (store, hostfile, blkfile, util), which exports those symbols.
 */
#ifndef IMGMOD_H
#define IMGMOD_H

#include <stddef.h>

struct diskimg;
struct sfile;
struct wim;

struct imgmod {
	/* IMGMOD_STAMP of the build: a module of another build is refused */
	const char *stamp;
	struct diskimg *(*diskimg_open)(const char *, int, int, int);
	const char *(*diskimg_describe)(const struct diskimg *);
	const char *(*diskimg_format)(const struct diskimg *);
	int (*diskimg_partition)(const struct diskimg *);
	int (*diskimg_replayed)(const struct diskimg *);
	struct sfile *(*diskimg_file)(struct diskimg *, const char *const *,
	    size_t, int);
	int (*diskimg_hiberfil)(struct diskimg *, char sig[5]);
	int (*diskimg_commit)(struct diskimg *);
	void (*diskimg_close)(struct diskimg *);
	int (*diskimg_recover)(const char *, int);
	struct wim *(*wim_open)(const char *, int);
	int (*wim_images)(const struct wim *);
	const char *(*wim_image_name)(const struct wim *, int);
	struct sfile *(*wim_file)(struct wim *, int, const char *);
	int (*wim_commit)(struct wim *, int);
	void (*wim_close)(struct wim *);
};

/* The module's one symbol (imgmod.c), found with dlsym. */
extern const struct imgmod tlshive_image_mod;

#endif
