/* Finding the hive files of an image without leaving it. */
#ifndef IMAGE_H
#define IMAGE_H

#include "tlshive.h"

enum hiber_state {
	HIBER_NONE,		/* no hiberfil.sys */
	HIBER_CLEARED,		/* present, but no hibernated session in it */
	HIBER_ACTIVE		/* a session Windows will resume */
};

struct image {
	char *root;			/* ROOT, or NULL for --system/--software */
	char *path[HV_COUNT];		/* NULL when not given */
	int dirfd[HV_COUNT];		/* ROOT: the config directory, or 0 */
	char *name[HV_COUNT];		/* ROOT: the hive's name in it */
	enum hiber_state hiber;
	char *hiberfil;			/* its path, when present */
	char hiber_sig[5];		/* the signature found */
};

/*
 * Finds Windows/System32/config/SYSTEM and SOFTWARE under root, matching
 * each component case-insensitively and refusing symbolic links.
 */
int image_locate(struct image *, const char *root);
void image_free(struct image *);

#endif
