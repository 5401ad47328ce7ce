/* Locating hive files inside a mounted Windows volume. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/image.h"
#ifdef WITH_IMAGES
#include "io/diskimg.h"
#endif

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
				tlsh_seterr("%s: no %s in it: not the root of a "
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
			tlsh_seterr("%s: is a symbolic link; refusing to follow "
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
 * A hibernation file starts with "hibr" (or "HIBR", "wake", "RSTR") while
 * it holds a session Windows will resume, Fast Startup's hybrid shutdown
 * included; Windows clears the signature once it has resumed.
 */
static int
check_hiberfil(struct image *img)
{
	static const char *const active[] = { "hibr", "HIBR", "wake", "WAKE",
	    "rstr", "RSTR" };
	static const char *const comp[] = { "hiberfil.sys" };
	unsigned char sig[4] = { 0 };
	char *path;
	FILE *f;

	img->hiber = HIBER_NONE;
	if ((path = locate_one(img->root, comp, 1, NULL, NULL)) == NULL)
		return missing ? 0 : -1;	/* a link is no answer */
	img->hiberfil = path;
	img->hiber = HIBER_CLEARED;
	if ((f = fopen(path, "rb")) == NULL)
		return 0;
	if (fread(sig, 1, 4, f) == 4)
		for (size_t i = 0; i < sizeof(active) / sizeof(*active); i++)
			if (memcmp(sig, active[i], 4) == 0) {
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
	for (int i = 0; i < HV_COUNT; i++)
		img->dirfd[i] = -1;
	/* Either hive may be missing, as with --system or --software alone:
	 * the one that is there is used, and the report says which is not;
	 * a ROOT with neither is no Windows volume. */
	for (int i = 0; i < HV_USER; i++) {
		img->rel[i] = xasprintf("Windows/System32/config/%s",
		    hive_id_name(i));
		img->path[i] = locate_one(root, i == HV_SYSTEM ? sys : soft, 4,
		    &img->dirfd[i], &img->name[i]);
		if (img->path[i] == NULL && !missing) {
			image_free(img);
			return -1;
		}
	}
	if (img->path[HV_SYSTEM] == NULL && img->path[HV_SOFTWARE] == NULL) {
		tlsh_seterr("%s: no Windows/System32/config/SYSTEM or SOFTWARE in "
		    "it: not the root of a Windows volume (give its top "
		    "directory, or the hive files with --system and --software)",
		    root);
		image_free(img);
		return -1;
	}
	if (check_hiberfil(img) == -1) {
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
	size_t n = 0;

	if (rel == NULL) {
		tlsh_seterr("%s: the Default user profile is at \"%s\", which "
		    "is no path inside the image", img->root, profile);
		return -1;
	}
	img->rel[HV_USER] = rel;
	if (img->wim) {
		img->path[HV_USER] = xasprintf("%s[%d]:/%s", img->root,
		    img->wim_index, rel);
		return 1;
	}
	if (img->disk) {
		img->path[HV_USER] = xasprintf("%s:/%s", img->root, rel);
		return 1;
	}
	copy = xstrdup(rel);
	for (char *c = strtok_r(copy, "/", &save); c && n < 32;
	    c = strtok_r(NULL, "/", &save))
		comps[n++] = c;
	img->path[HV_USER] = locate_one(img->root, comps, n,
	    &img->dirfd[HV_USER], &img->name[HV_USER]);
	free(copy);
	if (img->path[HV_USER] == NULL)
		return missing ? 0 : -1;
	return 1;
}

int
image_is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int
image_is_wim(const char *path)
{
	unsigned char b[8] = { 0 };
	FILE *f = fopen(path, "rb");
	int yes = f && fread(b, 1, 8, f) == 8 && memcmp(b, "MSWIM\0\0\0", 8) ==
	    0;

	if (f)
		fclose(f);
	return yes;
}

int
image_open_file(struct image *img, const char *path, int writable,
    int partition)
{
	memset(img, 0, sizeof(*img));
	for (int i = 0; i < HV_COUNT; i++)
		img->dirfd[i] = -1;
	{
		unsigned char m[4] = { 0 };
		FILE *f = fopen(path, "rb");
		int hive = f && fread(m, 1, 4, f) == 4 && memcmp(m, "regf", 4) ==
		    0;
		if (f)
			fclose(f);
		if (hive) {
			tlsh_seterr("%s: a registry hive file, not a Windows "
			    "volume or image: give it with --system or "
			    "--software", path);
			return -1;
		}
	}
#ifdef WITH_IMAGES
	{
		char sig[5];

		img->root = xstrdup(path);
		if ((img->disk = diskimg_open(path, writable, partition)) ==
		    NULL) {
			image_free(img);
			return -1;
		}
		for (int i = 0; i < HV_USER; i++) {
			img->rel[i] = xasprintf("Windows/System32/config/%s",
			    hive_id_name(i));
			img->path[i] = xasprintf("%s:/%s", path, img->rel[i]);
		}
		img->format = xstrdup(diskimg_format(img->disk));
		img->partition = diskimg_partition(img->disk);
		img->where = xstrdup(diskimg_describe(img->disk));
		/* as on a mounted volume: a session Windows will resume */
		img->hiber = HIBER_NONE;
		if (diskimg_hiberfil(img->disk, sig)) {
			static const char *const active[] = { "hibr", "HIBR",
			    "wake", "WAKE", "rstr", "RSTR" };
			img->hiber = HIBER_CLEARED;
			img->hiberfil = xasprintf("%s:/hiberfil.sys", path);
			for (size_t i = 0; i < 6; i++)
				if (memcmp(sig, active[i], 4) == 0) {
					img->hiber = HIBER_ACTIVE;
					memcpy(img->hiber_sig, sig, 4);
				}
		}
		return 0;
	}
#else
	(void)writable;
	(void)partition;
	tlsh_seterr("%s: a file, not a directory: this tlshive was built "
	    "without disk images (configure --without-images); mount it, or "
	    "give a hive file with --system", path);
	return -1;
#endif
}

void
image_free_hive(struct image *img, int i)
{
	free(img->path[i]);
	free(img->name[i]);
	free(img->rel[i]);
	if (img->dirfd[i] > 0)
		close(img->dirfd[i]);
	img->path[i] = img->name[i] = img->rel[i] = NULL;
	img->dirfd[i] = -1;
}

void
image_free(struct image *img)
{
#ifdef WITH_IMAGES
	diskimg_close(img->disk);
#endif
	free(img->root);
	free(img->hiberfil);
	free(img->format);
	free(img->where);
	for (int i = 0; i < HV_COUNT; i++)
		image_free_hive(img, i);
	memset(img, 0, sizeof(*img));
}
