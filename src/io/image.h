/* Finding the hive files of an image without leaving it. */
#ifndef IMAGE_H
#define IMAGE_H

#include "tlshive.h"

enum hiber_state {
	HIBER_NONE,		/* no hiberfil.sys */
	HIBER_CLEARED,		/* present, but no hibernated session in it */
	HIBER_ACTIVE		/* a session Windows will resume */
};

struct diskimg;
struct wim;

struct image {
	char *root;			/* ROOT, or NULL for --system/--software */
	struct diskimg *disk;		/* ROOT is a disk image file */
	char *format;			/* ... its format ("qcow2") */
	int partition;			/* ... and partition, 0: whole disk */
	char *where;			/* "qcow2, gpt partition 2" */
	struct wim *wim;		/* ROOT is a WIM: its image wim_index */
	int wim_index;
	const char *wim_name;
	char *path[HV_COUNT];		/* NULL when not given */
	int dirfd[HV_COUNT];		/* ROOT: the config directory, or 0 */
	char *name[HV_COUNT];		/* ROOT: the hive's name in it */
	char *rel[HV_COUNT];		/* its path below ROOT, '/'-separated */
	enum hiber_state hiber;
	char *hiberfil;			/* its path, when present */
	char hiber_sig[5];		/* the signature found */
};

/*
 * Finds Windows/System32/config/SYSTEM and SOFTWARE under root, matching
 * each component case-insensitively and refusing symbolic links.
 */
int image_locate(struct image *, const char *root);
/*
 * The same for a disk image file (raw, qcow2, VHDX, VHD, VMDK), opened for
 * writing or not, on partition (0: the one holding Windows).
 */
int image_open_file(struct image *, const char *path, int writable,
    int partition);
/*
 * The Default user profile's NTUSER.DAT, from the directory Windows
 * records for it ("%SystemDrive%\Users\Default"; system_root stands for
 * %SystemRoot%): 1 found (or, in a disk image or WIM, named: its opening
 * tells), 0 not there, -1 error.
 */
int image_find_user(struct image *, const char *profile,
    const char *system_root);
/* Is path a regular file (a disk image rather than a ROOT)? */
int image_is_file(const char *path);
/* Is it a WIM file (by its first bytes)? */
int image_is_wim(const char *path);
/* Frees what the image holds for hive i (its path, name, directory). */
void image_free_hive(struct image *, int i);
void image_free(struct image *);

#endif
