/*
 * An image, whatever it is: a directory ROOT (a mounted Windows volume),
 * hive files given one by one, a disk image file (raw, qcow2, VHDX, VHD,
 * VMDK) or a WIM with its images.  Above io/ an image is its hives' files
 * and a few words that describe it; where the bytes live and how they are
 * written back is io's alone (struct image_store).
 */
#ifndef IMAGE_H
#define IMAGE_H

#include "tlshive.h"

struct sfile;

enum hiber_state {
	HIBER_NONE,		/* no hiberfil.sys */
	HIBER_CLEARED,		/* present, but no hibernated session in it */
	HIBER_ACTIVE		/* a session Windows will resume */
};

struct image_store;
struct image_loc;

struct image {
	char *root;			/* ROOT, or NULL for hive files */
	char *format;			/* a disk image's format ("qcow2") */
	int partition;			/* ... and partition, 0: whole disk */
	const char *where_label;	/* "disk image", "wim image" or NULL */
	char *where;			/* "qcow2, gpt partition 2" */
	int member;			/* the image's number in its file (a
					 * WIM's index), 0 */
	const char *member_name;	/* ... and its name, or NULL */
	int staged;			/* writes reach the file only when the
					 * whole set is committed */
	char *path[HV_COUNT];		/* NULL when not given */
	char *rel[HV_COUNT];		/* its path below ROOT, '/'-separated */
	enum hiber_state hiber;
	char *hiberfil;			/* its path, when present */
	char hiber_sig[5];		/* the signature found */
	char *recovered;		/* the journal an interrupted run left,
					 * written into the image when apply
					 * opened it, or NULL */
	struct image_store *st;		/* io's: where the bytes live */
	struct image_loc *loc[HV_COUNT];	/* ... and each hive */
};

/* What the command line names. */
struct image_request {
	const char *root;		/* ROOT, a disk image or a WIM; or */
	const char *file[HV_COUNT];	/* the hive files, when root is NULL */
	int writable;			/* the run writes (apply, not -n) */
	int partition;			/* a disk's partition, 0: find it */
	int index;			/* a WIM's image, 0: every one */
	const char *journal_dir;	/* a disk image's journal: here, not
					 * beside it (NULL) */
	const char *format;		/* a disk image's format, never probed;
					 * NULL: found from its header */
	const char *base;		/* the URL a qcow2 overlay's header
					 * names as its backing image, to
					 * be read through (--base) */
	int allow_backing;		/* its header may name a chain of
					 * local backing files */
};

/* The images a request names: one, or each image of a WIM. */
struct images;
struct images *images_open(const struct image_request *);
size_t images_count(const struct images *);
struct image *images_get(struct images *, size_t i);
/*
 * Writes what the images staged (a WIM: one overwrite of the file, anew
 * with rebuild): the number of images written, 0 when none was staged,
 * -1 with the file as it was.
 */
int images_commit(struct images *, int rebuild);
void images_close(struct images *);

/*
 * Hive i's file (sfile_open's flags), wherever its bytes live; NULL with
 * errno ENOENT when a disk image or a WIM does not hold it.
 */
struct sfile *image_hive_file(struct image *, int i, int flags);
/*
 * Are the hives files of the host (a directory, hive files)?  A dry run
 * opens and locks those as apply would; inside a disk image or a WIM the
 * image stays read-only for it.
 */
int image_host_files(const struct image *);
/*
 * What an interrupted older tlshive left beside hive i (host files only):
 * removed, each named in removed; -1 on error.
 */
int image_leftovers(struct image *, int i, struct strlist *removed);
/*
 * The Default user profile's NTUSER.DAT, from the directory Windows
 * records for it ("%SystemDrive%\Users\Default"; system_root stands for
 * %SystemRoot%): 1 found (or, in a disk image or WIM, named: its opening
 * tells), 0 not there, -1 error.
 */
int image_find_user(struct image *, const char *profile,
    const char *system_root);
/* The same image for another profile's hive: dst has no user hive yet. */
void image_for_user(struct image *dst, const struct image *src);
/*
 * Once every hive of the image is closed: what it wrote made durable (a
 * disk image's volume closed and its journal written); nothing to do for
 * the other kinds.
 */
int image_commit(struct image *);
/*
 * tlshive recover PATH (rq->root, with rq's journal directory, format and
 * backing rule): a disk image's leftover journal finished.  1 done, 2 no
 * journal left, 0 PATH is no disk image (a hive: its logs recover it), -1
 * error.
 */
int image_recover(const struct image_request *);
/*
 * The journal a run on disk image FILE would leave (--format FORMAT or
 * its header; JOURNAL_DIR or beside it), or NULL when FILE is no disk
 * image: a directory, a hive file, a WIM, or a build without images.
 */
char *image_journal_path(const char *file, const char *format,
    const char *journal_dir, int allow_backing);
/*
 * The hiberfil.sys above each hive file the request gives (NULL where
 * none), as found on the host the first time it is asked.
 */
int image_files_hiberfil(const struct image_request *, const char **paths);
/*
 * Loads what image files need (the image module, imgmod.h) when path is a
 * file that is not a hive: before the contained child is forked, which
 * cannot load it from inside its view.  1 loaded, 0 not needed (or a
 * build without images), -1 with a message.
 */
int image_load(const char *path);
/* The kinds of image files this build opens, or NULL (directories only). */
const char *image_file_kinds(void);

/* For the tests: ROOT's hives, and the one for hive i of an image. */
int image_locate(struct image *, const char *root);
void image_free_hive(struct image *, int i);
void image_free(struct image *);

#endif
