/* Finding the hive files of an image without leaving it. */
#ifndef IMAGE_H
#define IMAGE_H

#include "tlshive.h"

struct image {
	char *root;			/* ROOT, or NULL for --system/--software */
	char *path[HV_COUNT];		/* NULL when not given */
};

/*
 * Finds Windows/System32/config/SYSTEM and SOFTWARE under root, matching
 * each component case-insensitively and refusing symbolic links.
 */
int image_locate(struct image *, const char *root);
void image_free(struct image *);

#endif
