/*
 * Images and where their hives' bytes live (image.h): a directory reached
 * through descriptors, hive files, an NTFS volume in a disk image, or an
 * image of a WIM.  The only place above the kinds' own modules that knows
 * which it is.
 */
#include "config.h"

#include <dirent.h>
#ifdef WITH_IMAGES
#include <dlfcn.h>
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/image.h"
#include "io/remote.h"
#include "io/store.h"
#ifdef WITH_IMAGES
#include "io/blkfile.h"
#include "io/imgmod.h"
#include "io/imgstamp.h"
#include "trace.h"
#endif

enum store_kind { ST_FILES, ST_DIR, ST_DISK, ST_WIM };

/* The disk or WIM belongs to the set of images (struct images). */
struct image_store {
	enum store_kind kind;
	struct diskimg *disk;
	struct wim *wim;
	int index;
};

/* A hive under ROOT: its directory, open, and its name in it, so the file
 * is opened from the very directory that was checked. */
struct image_loc {
	int dirfd;
	char *name;
};

struct images {
	struct image *v;
	size_t n;
	int writable;
	struct diskimg *disk;
	struct wim *wim;
	char *path;
};

static struct image_store *
store_new(enum store_kind kind)
{
	struct image_store *st = xcalloc(1, sizeof(*st));

	st->kind = kind;
	return st;
}

/*
 * NTFS is case-insensitive but a Linux mount of it, or a copy on ext4, may
 * show any casing ("windows/system32/config/system").  An exact match wins;
 * two case-insensitive matches and no exact one are ambiguous.
 */
static int
find_entry(int dirfd, const char *want, const char *shown, char **found)
{
	DIR *d;
	struct dirent *de;
	int fd = dup(dirfd), n = 0;

	*found = NULL;
	if (fd == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		tlsh_seterr("%s: %s", shown, strerror(errno));
		return -1;
	}
	rewinddir(d);
	while ((de = readdir(d)) != NULL) {
		if (strcasecmp(de->d_name, want) != 0)
			continue;
		if (strcmp(de->d_name, want) == 0) {
			free(*found);
			*found = xstrdup(de->d_name);
			n = 1;
			break;
		}
		if (n++ == 0)
			*found = xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 1) {
		tlsh_seterr("%s: more than one entry is named %s in another "
		    "casing", shown, want);
		free(*found);
		*found = NULL;
		return -1;
	}
	return n;
}

/* Set by locate_one when the path simply does not exist. */
static _Thread_local int missing;

/*
 * The path found; with dirfd, also the open directory holding the last
 * component and (leaf) that component's name as the directory spells it, so the
 * file is opened from the very directory that was checked.
 */
static char *
locate_one(const char *root, const char *const *comps, size_t ncomps,
    int *dirfd, char **leaf)
{
	struct strbuf sb = { 0 };
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd == -1) {
		tlsh_seterr("%s: %s", root, strerror(errno));
		return NULL;
	}
	sb_add(&sb, "%s", root);
	for (size_t i = 0; i < ncomps; i++) {
		char *name;
		struct stat st;
		int last = i + 1 == ncomps, r, nfd;

		r = find_entry(fd, comps[i], sb.s, &name);
		missing = r == 0;
		if (r <= 0) {
			if (r == 0)
				tlsh_seterrc(TLSH_E_NOT_WINDOWS,
				    "%s: no %s in it: not the root of a "
				    "Windows volume", root, comps[i]);
			goto fail;
		}
		sb_add(&sb, "%s%s", sb.s[sb.len - 1] == '/' ? "" : "/", name);
		if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == -1) {
			tlsh_seterr("%s: %s", sb.s, strerror(errno));
			free(name);
			goto fail;
		}
		/* A link inside an image may point anywhere on the host,
		 * /etc included; an image never needs one on this path. */
		if (S_ISLNK(st.st_mode)) {
			tlsh_seterrc(TLSH_E_IMAGE_REFUSED,
			    "%s: is a symbolic link; refusing to follow "
			    "links inside an image (give the hive files with "
			    "--system and --software instead)", sb.s);
			free(name);
			goto fail;
		}
		if (last ? !S_ISREG(st.st_mode) : !S_ISDIR(st.st_mode)) {
			tlsh_seterr("%s: not a %s", sb.s, last ? "regular file" :
			    "directory");
			free(name);
			goto fail;
		}
		if (last && dirfd) {
			*dirfd = fd;
			*leaf = name;
			return sb_take(&sb);
		}
		if (!last) {
			nfd = openat(fd, name, O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC);
			if (nfd == -1) {
				tlsh_seterr("%s: %s", sb.s, strerror(errno));
				free(name);
				goto fail;
			}
			close(fd);
			fd = nfd;
		}
		free(name);
	}
	close(fd);
	return sb_take(&sb);
fail:
	close(fd);
	free(sb.s);
	return NULL;
}

/*
 * A hibernation file's signature while it holds a session Windows will
 * resume (see check_hiberfil).
 */
static int
hiber_active(const char sig[4])
{
	static const char *const active[] = { "hibr", "HIBR", "wake", "WAKE",
	    "rstr", "RSTR" };

	for (size_t i = 0; i < sizeof(active) / sizeof(*active); i++)
		if (memcmp(sig, active[i], 4) == 0)
			return 1;
	return 0;
}

/*
 * A hibernation file starts with "hibr" (or "HIBR", "wake", "RSTR") while
 * it holds a session Windows will resume, Fast Startup's hybrid shutdown
 * included; Windows clears the signature once it has resumed.
 */
static int
check_hiberfil(struct image *img, const char *dir)
{
	static const char *const comp[] = { "hiberfil.sys" };
	unsigned char sig[4] = { 0 };
	char *path;
	FILE *f;

	img->hiber = HIBER_NONE;
	if ((path = locate_one(dir, comp, 1, NULL, NULL)) == NULL)
		return missing ? 0 : -1;	/* a link is no answer */
	img->hiberfil = path;
	img->hiber = HIBER_CLEARED;
	if ((f = fopen(path, "rb")) == NULL)
		return 0;
	if (fread(sig, 1, 4, f) == 4 && hiber_active((const char *)sig)) {
		img->hiber = HIBER_ACTIVE;
		memcpy(img->hiber_sig, sig, 4);
	}
	fclose(f);
	return 0;
}


int
image_locate(struct image *img, const char *root)
{
	static const char *const sys[] = { "Windows", "System32", "config",
	    "SYSTEM" };
	static const char *const soft[] = { "Windows", "System32", "config",
	    "SOFTWARE" };

	memset(img, 0, sizeof(*img));
	img->root = xstrdup(root);
	img->st = store_new(ST_DIR);
	/* Either hive may be missing, as with --system or --software alone:
	 * the one that is there is used, and the report says which is not;
	 * a ROOT with neither is no Windows volume. */
	for (int i = 0; i < HV_USER; i++) {
		struct image_loc *l = xcalloc(1, sizeof(*l));

		img->rel[i] = xasprintf("Windows/System32/config/%s",
		    hive_id_name(i));
		img->path[i] = locate_one(root, i == HV_SYSTEM ? sys : soft, 4,
		    &l->dirfd, &l->name);
		if (img->path[i] == NULL) {
			free(l);
			if (!missing) {
				image_free(img);
				return -1;
			}
		} else
			img->loc[i] = l;
	}
	if (img->path[HV_SYSTEM] == NULL && img->path[HV_SOFTWARE] == NULL) {
		tlsh_seterrc(TLSH_E_NOT_WINDOWS,
		    "%s: no Windows/System32/config/SYSTEM or SOFTWARE in "
		    "it: not the root of a Windows volume (give its top "
		    "directory, or the hive files with --system and --software)",
		    root);
		image_free(img);
		return -1;
	}
	if (check_hiberfil(img, root) == -1) {
		image_free(img);
		return -1;
	}
	return 0;
}

/*
 * "%SystemDrive%\Users\Default" -> "Users/Default/NTUSER.DAT"; NULL for a
 * path that leaves the volume or names a variable Windows would expand
 * from elsewhere.
 */
static char *
profile_rel(const char *profile, const char *system_root)
{
	char *copy = xstrdup(profile), *save = NULL, *c;
	struct strbuf sb = { 0 };
	int first = 1, bad = 0;

	for (c = strtok_r(copy, "\\/", &save); c && !bad;
	    c = strtok_r(NULL, "\\/", &save), first = 0) {
		if (first && (strcasecmp(c, "%SystemDrive%") == 0 ||
		    (strlen(c) == 2 && c[1] == ':')))
			continue;
		if (first && (strcasecmp(c, "%SystemRoot%") == 0 ||
		    strcasecmp(c, "%windir%") == 0)) {
			char *r = system_root ? profile_rel(system_root, NULL) :
			    NULL;
			/* SystemRoot's own rel ends in NTUSER.DAT: cut it */
			if (r && strlen(r) > 11) {
				r[strlen(r) - 11] = '\0';
				sb_add(&sb, "%s", r);
			} else
				sb_add(&sb, "Windows");
			free(r);
			continue;
		}
		if (strchr(c, '%') || strcmp(c, ".") == 0 || strcmp(c, "..") ==
		    0)
			bad = 1;
		else
			sb_add(&sb, "%s%s", sb.len ? "/" : "", c);
	}
	free(copy);
	if (bad || sb.len == 0) {
		free(sb.s);
		return NULL;
	}
	sb_add(&sb, "/NTUSER.DAT");
	return sb_take(&sb);
}

int
image_find_user(struct image *img, const char *profile,
    const char *system_root)
{
	char *rel = profile_rel(profile, system_root), *copy, *save = NULL;
	const char *comps[32];
	struct image_loc *l;
	size_t n = 0;

	if (rel == NULL) {
		tlsh_seterr("%s: the Default user profile is at \"%s\", which "
		    "is no path inside the image", img->root, profile);
		return -1;
	}
	img->rel[HV_USER] = rel;
	switch (img->st->kind) {
	case ST_WIM:
		img->path[HV_USER] = xasprintf("%s[%d]:/%s", img->root,
		    img->st->index, rel);
		return 1;
	case ST_DISK:
		img->path[HV_USER] = xasprintf("%s:/%s", img->root, rel);
		return 1;
	case ST_FILES:
	case ST_DIR:
		break;
	}
	copy = xstrdup(rel);
	for (char *c = strtok_r(copy, "/", &save); c && n < 32;
	    c = strtok_r(NULL, "/", &save))
		comps[n++] = c;
	l = xcalloc(1, sizeof(*l));
	img->path[HV_USER] = locate_one(img->root, comps, n, &l->dirfd,
	    &l->name);
	free(copy);
	if (img->path[HV_USER] == NULL) {
		free(l);
		return missing ? 0 : -1;
	}
	img->loc[HV_USER] = l;
	return 1;
}

void
image_for_user(struct image *dst, const struct image *src)
{
	*dst = *src;
	dst->path[HV_USER] = dst->rel[HV_USER] = NULL;
	dst->loc[HV_USER] = NULL;
}

static int
is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The first bytes of a file are magic, or not (or it cannot be read). */
static int
starts_with(const char *path, const char *magic, size_t n)
{
	unsigned char b[8] = { 0 };
	FILE *f = fopen(path, "rb");
	int yes = f && n <= sizeof(b) && fread(b, 1, n, f) == n &&
	    memcmp(b, magic, n) == 0;

	if (f)
		fclose(f);
	return yes;
}

#ifdef WITH_IMAGES
/* The image module (imgmod.h), loaded by the first image file. */
static const struct imgmod *mod;

/*
 * $TLSHIVE_IMAGE_MODULE; beside an uninstalled tlshive (the build tree),
 * its own; else the installed one.
 */
static char *
module_path(void)
{
	const char *env = getenv("TLSHIVE_IMAGE_MODULE");
	char exe[4096], *slash;
	ssize_t n;

	if (env && *env)
		return xstrdup(env);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			if (strcmp(exe, IMGMOD_SBINDIR) != 0) {
				char *p = xasprintf("%s/tlshive-images.so",
				    exe[0] ? exe : "/");
				if (access(p, F_OK) == 0)
					return p;
				free(p);
			}
		}
	}
	return xstrdup(IMGMOD_DIR "/tlshive-images.so");
}

/* The module, loaded once; NULL with a message naming file. */
static const struct imgmod *
img_mod(const char *file)
{
	const struct imgmod *m;
	struct span sp;
	char *path;
	void *h;

	if (mod)
		return mod;
	path = module_path();
	/* the module and some twenty libraries, mapped and relocated */
	trace_begin(&sp);
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	trace_end(&sp, "image-load", path);
	if (h == NULL) {
		tlsh_seterrc(TLSH_E_IMAGE_REFUSED,
		    "%s: image support not available: %s", file,
		    dlerror());
		free(path);
		return NULL;
	}
	if ((m = dlsym(h, "tlshive_image_mod")) == NULL ||
	    m->stamp == NULL || strcmp(m->stamp, IMGMOD_STAMP) != 0) {
		/* its entry points may take other arguments than ours */
		tlsh_seterrc(TLSH_E_IMAGE_REFUSED,
		    "%s: image support not available: %s is %s", file,
		    path, m ? "from another build of tlshive (reinstall it "
		    "with this tlshive, or set TLSHIVE_IMAGE_MODULE)" :
		    "no tlshive image module");
		dlclose(h);
		free(path);
		return NULL;
	}
	free(path);
	return mod = m;
}
#endif

/* Is it a file that only the image module opens (not a hive)? */
static int
needs_module(const char *path)
{
	return remote_is_url(path) || (is_file(path) &&
	    !starts_with(path, "regf", 4));
}

int
image_load(const char *path)
{
#ifdef WITH_IMAGES
	if (path == NULL || !needs_module(path))
		return 0;
	return img_mod(path) ? 1 : -1;
#else
	(void)path;
	(void)needs_module;
	return 0;
#endif
}

/* A disk image file (raw, qcow2, VHDX, VHD, VMDK) and its Windows volume. */
static int
open_disk(struct images *set, struct image *img, const char *path,
    const struct image_request *rq)
{
	memset(img, 0, sizeof(*img));
	if (starts_with(path, "regf", 4)) {
		tlsh_seterrc(TLSH_E_NOT_WINDOWS,
		    "%s: a registry hive file, not a Windows volume or "
		    "image: give it with --system or --software", path);
		return -1;
	}
#ifdef WITH_IMAGES
	{
		char sig[5];

		img->root = xstrdup(path);
		img->st = store_new(ST_DISK);
		enum blk_format fmt = BLK_RAW;

		if (rq->format && blk_format_parse(rq->format, &fmt) == -1) {
			tlsh_seterrc(TLSH_E_USAGE,
			    "--format %s: expected raw, qcow2, vhdx, vhd "
			    "(vpc) or vmdk", rq->format);
			image_free(img);
			return -1;
		}
		if (img_mod(path) == NULL) {
			image_free(img);
			return -1;
		}
		if ((set->disk = mod->diskimg_open(path, rq->writable,
		    rq->partition, rq->format ? (int)fmt : -1)) == NULL) {
			image_free(img);
			return -1;
		}
		img->st->disk = set->disk;
		for (int i = 0; i < HV_USER; i++) {
			img->rel[i] = xasprintf("Windows/System32/config/%s",
			    hive_id_name(i));
			img->path[i] = xasprintf("%s:/%s", path, img->rel[i]);
		}
		img->format = xstrdup(mod->diskimg_format(set->disk));
		img->partition = mod->diskimg_partition(set->disk);
		img->where_label = "disk image";
		img->where = xstrdup(mod->diskimg_describe(set->disk));
		if (mod->diskimg_replayed(set->disk))
			img->recovered = blk_journal_path(path);
		/* as on a mounted volume: a session Windows will resume */
		img->hiber = HIBER_NONE;
		if (mod->diskimg_hiberfil(set->disk, sig)) {
			img->hiber = HIBER_CLEARED;
			img->hiberfil = xasprintf("%s:/hiberfil.sys", path);
			if (hiber_active(sig)) {
				img->hiber = HIBER_ACTIVE;
				memcpy(img->hiber_sig, sig, 4);
			}
		}
		return 0;
	}
#else
	(void)set;
	(void)rq;
	tlsh_seterrc(TLSH_E_IMAGE_REFUSED,
	    "%s: a file, not a directory: this tlshive was built "
	    "without disk images (configure --without-images); mount it, or "
	    "give a hive file with --system", path);
	return -1;
#endif
}

/* A WIM: each of its images (or --index N), staged until images_commit. */
static int
open_wim(struct images *set, const struct image_request *rq)
{
#ifdef WITH_IMAGES
	int n, from, to;

	if (img_mod(rq->root) == NULL ||
	    (set->wim = mod->wim_open(rq->root, rq->writable)) == NULL)
		return -1;
	n = mod->wim_images(set->wim);
	if (rq->index > n) {
		tlsh_seterrc(TLSH_E_USAGE,
		    "%s: --index %d: the WIM has %d image%s", rq->root,
		    rq->index, n, n == 1 ? "" : "s");
		return -1;
	}
	from = rq->index ? rq->index : 1;
	to = rq->index ? rq->index : n;
	set->v = xcalloc((size_t)(to - from + 1), sizeof(*set->v));
	for (int k = from; k <= to; k++) {
		struct image *img = &set->v[set->n++];
		const char *name = mod->wim_image_name(set->wim, k);

		img->root = xstrdup(rq->root);
		img->st = store_new(ST_WIM);
		img->st->wim = set->wim;
		img->st->index = k;
		img->member = k;
		img->member_name = name;
		img->staged = 1;
		img->where_label = "wim image";
		img->where = xasprintf("image %d of the WIM%s%s", k,
		    name ? ": " : "", name ? name : "");
		for (int i = 0; i < HV_USER; i++) {
			img->rel[i] = xasprintf("Windows/System32/config/%s",
			    hive_id_name(i));
			img->path[i] = xasprintf("%s[%d]:/%s", rq->root, k,
			    img->rel[i]);
		}
	}
	return 0;
#else
	tlsh_seterrc(TLSH_E_IMAGE_REFUSED,
	    "%s: a WIM file: this tlshive was built without images "
	    "(configure --without-images)", rq->root);
	(void)set;
	return -1;
#endif
}

/* An absolute path's directory, in place ("/a/b" -> "/a", "/a" -> "/"). */
static void
path_up(char *p)
{
	char *slash = strrchr(p, '/');

	if (slash)
		slash[slash == p] = '\0';
}

/*
 * A hive file's volume: Windows keeps hiberfil.sys in the root of the
 * volume it boots from, and the hive files of a mounted Windows volume
 * (or of a copy of one) lie a few directories below it.  Looked for in
 * each directory above the file up to the mount point of its file system
 * (where the device changes, or /): the path found, or NULL.
 */
static int
find_hiberfil(const char *file, char **found)
{
	static const char *const comp[] = { "hiberfil.sys" };
	char *dir, *parent;
	struct stat st, up;
	int r = 0;

	*found = NULL;
	if ((dir = realpath(file, NULL)) == NULL)
		return 0;	/* opening the hive names the problem */
	path_up(dir);
	for (;;) {
		if ((*found = locate_one(dir, comp, 1, NULL, NULL)) != NULL ||
		    !missing) {
			r = *found ? 0 : -1;	/* a link is no answer */
			break;
		}
		if (strcmp(dir, "/") == 0 || stat(dir, &st) == -1)
			break;
		parent = xstrdup(dir);
		path_up(parent);
		if (stat(parent, &up) == -1 || up.st_dev != st.st_dev) {
			free(parent);
			break;
		}
		free(dir);
		dir = parent;
	}
	free(dir);
	return r;
}

/*
 * The hibernation files above the hive files, found once on the host: a
 * contained child (io/sandbox.h) sees only the hives' directories and the
 * files found here, and inherits the list with the fork.
 */
static char *files_hiber[HV_COUNT];
static int files_hiber_found;

int
image_files_hiberfil(const struct image_request *rq, const char **paths)
{
	if (!files_hiber_found) {
		for (int i = 0; i < HV_COUNT; i++)
			if (rq->file[i] && find_hiberfil(rq->file[i],
			    &files_hiber[i]) == -1)
				return -1;
		files_hiber_found = 1;
	}
	for (int i = 0; i < HV_COUNT; i++)
		paths[i] = files_hiber[i];
	return 0;
}

/* Hive files given one by one; one file cannot be two hives. */
static int
open_files(struct image *img, const struct image_request *rq)
{
	const char *hiber[HV_COUNT];
	struct stat s0, s1;

	/* the same file twice would be locked twice and waited for forever */
	if (rq->file[HV_SYSTEM] && rq->file[HV_SOFTWARE] &&
	    stat(rq->file[HV_SYSTEM], &s0) == 0 &&
	    stat(rq->file[HV_SOFTWARE], &s1) == 0 && s0.st_dev == s1.st_dev &&
	    s0.st_ino == s1.st_ino) {
		tlsh_seterrc(TLSH_E_USAGE,
		    "%s: given as both --system and --software (%s): "
		    "one file holds one hive; give SYSTEM to --system and "
		    "SOFTWARE to --software", rq->file[HV_SOFTWARE],
		    rq->file[HV_SYSTEM]);
		return -1;
	}
	memset(img, 0, sizeof(*img));
	img->st = store_new(ST_FILES);
	for (int i = 0; i < HV_COUNT; i++)
		img->path[i] = rq->file[i] ? xstrdup(rq->file[i]) : NULL;
	if (image_files_hiberfil(rq, hiber) == -1)
		return -1;
	/* a hibernated session wins over a cleared file */
	for (int i = 0; i < HV_COUNT && img->hiber != HIBER_ACTIVE; i++) {
		struct image probe = { 0 };
		char *dir;

		if (hiber[i] == NULL)
			continue;
		dir = xstrdup(hiber[i]);
		path_up(dir);
		if (check_hiberfil(&probe, dir) == -1) {
			free(dir);
			return -1;
		}
		free(dir);
		if (probe.hiber > img->hiber) {
			free(img->hiberfil);
			img->hiber = probe.hiber;
			img->hiberfil = probe.hiberfil;
			memcpy(img->hiber_sig, probe.hiber_sig,
			    sizeof(img->hiber_sig));
		} else
			free(probe.hiberfil);
	}
	return 0;
}

struct images *
images_open(const struct image_request *rq)
{
	struct images *set = xcalloc(1, sizeof(*set));
	int r;

	set->writable = rq->writable;
#ifdef WITH_IMAGES
	blk_configure(rq->journal_dir, rq->allow_backing, rq->base);
#endif
	/* --format names a disk image's format: no probing for a WIM */
	if (rq->root && !rq->format && is_file(rq->root) &&
	    starts_with(rq->root, "MSWIM\0\0\0", 8))
		r = open_wim(set, rq);
	else {
		set->v = xcalloc(1, sizeof(*set->v));
		set->n = 1;
		r = rq->root == NULL ? open_files(set->v, rq) :
		    is_file(rq->root) || remote_is_url(rq->root) ?
		    open_disk(set, set->v, rq->root, rq) :
		    image_locate(set->v, rq->root);
		if (r == -1)
			set->n = 0;
	}
	if (r == -1) {
		images_close(set);
		return NULL;
	}
	return set;
}

size_t
images_count(const struct images *set)
{
	return set->n;
}

struct image *
images_get(struct images *set, size_t i)
{
	return &set->v[i];
}

int
images_commit(struct images *set, int rebuild)
{
#ifdef WITH_IMAGES
	if (set->wim && set->writable) {
		int put = mod->wim_commit(set->wim, rebuild);
		if (put == -1)
			tlsh_seterr("%s; the WIM is as it was", tlsh_errmsg());
		return put;
	}
#endif
	(void)set;
	(void)rebuild;
	return 0;
}

void
images_close(struct images *set)
{
	if (set == NULL)
		return;
	for (size_t i = 0; i < set->n; i++)
		image_free(&set->v[i]);
	free(set->v);
#ifdef WITH_IMAGES
	if (set->disk)
		mod->diskimg_close(set->disk);
	if (set->wim)
		mod->wim_close(set->wim);
#endif
	free(set);
}

struct sfile *
image_hive_file(struct image *img, int i, int flags)
{
	struct image_loc *l = img->loc[i];

	switch (img->st->kind) {
	case ST_FILES:
	case ST_DIR:
		return l ? sfile_open_at(l->dirfd, l->name, img->path[i],
		    flags) : sfile_open(img->path[i], flags);
	case ST_DISK:
#ifdef WITH_IMAGES
	{
		char *copy = xstrdup(img->rel[i]), *save = NULL;
		const char *comps[32];
		size_t n = 0;
		struct sfile *f;

		for (char *c = strtok_r(copy, "/", &save); c && n < 32;
		    c = strtok_r(NULL, "/", &save))
			comps[n++] = c;
		f = mod->diskimg_file(img->st->disk, comps, n, flags & SF_WRITE);
		free(copy);
		return f;
	}
#endif
	case ST_WIM:
#ifdef WITH_IMAGES
	{
		char *wp = xasprintf("/%s", img->rel[i]);
		struct sfile *f = mod->wim_file(img->st->wim, img->st->index, wp);

		free(wp);
		return f;
	}
#endif
		break;
	}
	errno = ENOTSUP;
	tlsh_seterr("%s: %s", img->path[i], strerror(errno));
	return NULL;
}

int
image_host_files(const struct image *img)
{
	return img->st->kind == ST_FILES || img->st->kind == ST_DIR;
}

int
image_leftovers(struct image *img, int i, struct strlist *removed)
{
	if (!image_host_files(img) || img->path[i] == NULL)
		return 0;
	return store_leftovers(img->path[i], removed);
}

int
image_commit(struct image *img)
{
#ifdef WITH_IMAGES
	if (img->st->kind == ST_DISK) {
		/* the volume's cached metadata, the journal and then the
		 * image, each synced: seconds on a large qcow2 */
		char *what = xasprintf("%s: writing the image", img->root);
		int r;

		tlsh_progress(what, 0, 0);
		r = mod->diskimg_commit(img->st->disk);
		tlsh_progress(what, 1, 1);
		free(what);
		return r;
	}
#endif
	(void)img;
	return 0;
}

int
image_recover(const struct image_request *rq)
{
#ifdef WITH_IMAGES
	const char *path = rq->root;
	enum blk_format fmt = BLK_RAW;
	int done;

	if (starts_with(path, "regf", 4) || !is_file(path))
		return 0;
	if (rq->format && blk_format_parse(rq->format, &fmt) == -1) {
		tlsh_seterrc(TLSH_E_USAGE,
		    "--format %s: expected raw, qcow2, vhdx, vhd (vpc) "
		    "or vmdk", rq->format);
		return -1;
	}
	if (img_mod(path) == NULL)
		return -1;
	blk_configure(rq->journal_dir, rq->allow_backing, rq->base);
	if ((done = mod->diskimg_recover(path, rq->format ? (int)fmt : -1)) == -1)
		return -1;
	return done ? 1 : 2;
#else
	(void)rq;
	return 0;
#endif
}

char *
image_journal_path(const char *file, const char *format,
    const char *journal_dir, int allow_backing)
{
#ifdef WITH_IMAGES
	enum blk_format fmt;
	struct stat st;

	if (stat(file, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (format ? blk_format_parse(format, &fmt) :
	    blk_detect(file, &fmt)) == -1 || fmt == BLK_WIM)
		return NULL;
	blk_configure(journal_dir, allow_backing, NULL);
	return blk_journal_path(file);
#else
	(void)file;
	(void)format;
	(void)journal_dir;
	(void)allow_backing;
	return NULL;
#endif
}

const char *
image_file_kinds(void)
{
#ifdef WITH_IMAGES
	return "raw, qcow2, VHDX, VHD, VMDK, WIM";
#else
	return NULL;
#endif
}

void
image_free_hive(struct image *img, int i)
{
	free(img->path[i]);
	free(img->rel[i]);
	if (img->loc[i]) {
		if (img->loc[i]->dirfd > 0)
			close(img->loc[i]->dirfd);
		free(img->loc[i]->name);
		free(img->loc[i]);
	}
	img->path[i] = img->rel[i] = NULL;
	img->loc[i] = NULL;
}

void
image_free(struct image *img)
{
	free(img->root);
	free(img->hiberfil);
	free(img->recovered);
	free(img->format);
	free(img->where);
	for (int i = 0; i < HV_COUNT; i++)
		image_free_hive(img, i);
	free(img->st);
	memset(img, 0, sizeof(*img));
}
