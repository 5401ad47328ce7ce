/*
 * The block layer's checks that need no library (blk.h, blkfile.h): an
 * image's format, the files its header names, the loop devices, and
 * where its journal lies.  The parent runs them before the contained
 * child starts, for a directory as well, without loading the image
 * module.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/blkfile.h"
#include "io/hostfile.h"
#include "io/imghdr.h"
#include "io/store.h"
#include "le.h"
#include "tlshive.h"

static const char *const names[] = {
	[BLK_RAW] = "raw", [BLK_QCOW2] = "qcow2", [BLK_VHDX] = "vhdx",
	[BLK_VPC] = "vpc", [BLK_VMDK] = "vmdk", [BLK_WIM] = "wim"
};

const char *
blk_format_driver(enum blk_format f)
{
	return names[f];
}

/* qemu's driver is "vpc"; Microsoft and everyone else say VHD */
const char *
blk_format_name(enum blk_format f)
{
	return f == BLK_VPC ? "vhd" : names[f];
}

int
blk_detect_bytes(const char *shown, const unsigned char *b, size_t n,
    const unsigned char *tail, enum blk_format *fmt)
{
	char text[1024];

	/* the descriptor of a VMDK is text: searched as a string */
	n = n < sizeof(text) - 1 ? n : sizeof(text) - 1;
	memcpy(text, b, n);
	text[n] = '\0';
	*fmt = BLK_RAW;
	if (n >= 4 && memcmp(b, "QFI\xfb", 4) == 0)
		*fmt = BLK_QCOW2;
	else if (n >= 8 && memcmp(b, "vhdxfile", 8) == 0)
		*fmt = BLK_VHDX;
	else if ((n >= 8 && memcmp(b, "conectix", 8) == 0) ||
	    (tail && memcmp(tail, "conectix", 8) == 0))
		*fmt = BLK_VPC;
	else if (n >= 8 && memcmp(b, "MSWIM\0\0\0", 8) == 0)
		*fmt = BLK_WIM;
	else if ((n >= 4 && memcmp(b, "KDMV", 4) == 0) ||
	    strstr(text, "# Disk DescriptorFile") != NULL) {
		/* compressed grains (flag bit 16) or the descriptor's type:
		 * written only front to back, never at random offsets */
		int stream = (n >= 12 && memcmp(b, "KDMV", 4) == 0 &&
		    (get_le32(b + 8) & 0x10000)) ||
		    strstr(text, "streamOptimized") != NULL;
		if (stream) {
			tlsh_seterrc(TLSH_E_IMAGE_FORMAT,
			    "%s: a streamOptimized VMDK cannot be "
			    "written in place; convert it first: qemu-img "
			    "convert -O vmdk -o subformat=monolithicSparse %s "
			    "NEW.vmdk", shown, shown);
			return -1;
		}
		*fmt = BLK_VMDK;
	}
	return 0;
}

int
blk_detect(const char *path, enum blk_format *fmt)
{
	unsigned char b[1024], tail[512];
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd == -1 || fstat(fd, &st) == -1) {
		tlsh_seterr("%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	memset(b, 0, sizeof(b));
	n = pread(fd, b, sizeof(b) - 1, 0);
	memset(tail, 0, sizeof(tail));
	if (st.st_size >= 512)
		(void)!pread(fd, tail, 512, st.st_size - 512);
	close(fd);
	if (n < 0) {
		tlsh_seterr("%s: %s", path, strerror(errno));
		return -1;
	}
	return blk_detect_bytes(path, b, (size_t)n, tail, fmt);
}

char *
blk_qemu_said(int errfd)
{
	char buf[4096], *line, *p;
	off_t end;
	ssize_t n;

	if (errfd == -1 || (end = lseek(errfd, 0, SEEK_END)) <= 0)
		return NULL;
	n = pread(errfd, buf, sizeof(buf) - 1, end > (off_t)sizeof(buf) -
	    1 ? end - (off_t)sizeof(buf) + 1 : 0);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	if (n == 0)
		return NULL;
	/* its last message, with the lines that go on from it */
	for (line = buf, p = buf; (p = strstr(p, "qemu-nbd: ")) != NULL; p++)
		if (p == buf || p[-1] == '\n')
			line = p + 10;
	{
		struct strbuf sb = { 0 };
		for (p = strtok(line, "\n"); p; p = strtok(NULL, "\n")) {
			for (char *c = p; *c; c++)
				if ((unsigned char)*c < ' ')
					*c = ' ';
			sb_add(&sb, "%s%s", sb.len ? "; " : "", p);
		}
		return sb.s;
	}
}

/*
 * A raw image the kernel has open as a loop device (mount -o loop,
 * losetup) is in use: its filesystem may be mounted and cached, and a
 * write under it corrupts both.  qemu's lock does not cover the kernel.
 * -1 with a message naming the device.
 */
static struct loopdev {
	char name[32];
	dev_t dev;
	ino_t ino;
} *loops;
static size_t nloops;
static int loops_noted;

void
blk_note_loops(void)
{
	DIR *d = opendir("/sys/block");
	struct dirent *de;

	nloops = 0;
	loops_noted = 1;
	if (d == NULL)
		return;		/* no sysfs: no loop devices to ask */
	while ((de = readdir(d)) != NULL) {
		char *bf, line[4096];
		struct stat st;
		FILE *f;
		size_t n;

		if (strncmp(de->d_name, "loop", 4) != 0 ||
		    strlen(de->d_name) >= sizeof(loops->name))
			continue;
		bf = xasprintf("/sys/block/%s/loop/backing_file", de->d_name);
		f = fopen(bf, "r");
		free(bf);
		if (f == NULL)
			continue;
		n = fread(line, 1, sizeof(line) - 1, f);
		fclose(f);
		line[n] = '\0';
		line[strcspn(line, "\n")] = '\0';
		if (stat(line, &st) == 0) {
			struct loopdev *l = realloc(loops, (nloops + 1) *
			    sizeof(*loops));
			if (l == NULL)
				break;
			loops = l;
			strcpy(loops[nloops].name, de->d_name);
			loops[nloops].dev = st.st_dev;
			loops[nloops++].ino = st.st_ino;
		}
	}
	closedir(d);
}

int
blk_loop_backed(const char *path, const struct stat *img)
{
	if (!loops_noted)
		blk_note_loops();
	for (size_t i = 0; i < nloops; i++)
		if (loops[i].dev == img->st_dev && loops[i].ino == img->st_ino) {
			tlsh_seterrc(TLSH_E_IN_USE,
			    "%s: the kernel has it open as /dev/%s (a "
			    "loop device: mounted, or set up with losetup); "
			    "unmount it and detach the device first (umount, "
			    "losetup -d)", path, loops[i].name);
			return -1;
		}
	return 0;
}

/* --journal-dir: journals kept there, named after their images */
static char *journal_dir;
/* --allow-backing: a chain of local backing files may be opened */
static int allow_backing;
/* --base URL: the remote image a local overlay's header names */
static char *base_url;

void
blk_configure(const char *dir, int backing, const char *base)
{
	free(journal_dir);
	journal_dir = dir ? xstrdup(dir) : NULL;
	allow_backing = backing;
	free(base_url);
	base_url = base ? xstrdup(base) : NULL;
}

const char *
blk_base(void)
{
	return base_url;
}

int
blk_format_parse(const char *name, enum blk_format *fmt)
{
	for (int i = BLK_RAW; i <= BLK_VMDK; i++)
		if (strcmp(name, names[i]) == 0) {
			*fmt = (enum blk_format)i;
			return 0;
		}
	/* qemu says vpc; everyone else says VHD */
	if (strcmp(name, "vhd") == 0) {
		*fmt = BLK_VPC;
		return 0;
	}
	return -1;
}

/* Where qemu looks for a relative backing name: beside the image. */
static char *
beside(const char *image, const char *name)
{
	char *d, *r;

	if (name[0] == '/' || strchr(image, '/') == NULL)
		return xstrdup(name);
	d = xstrdup(image);
	r = xasprintf("%s/%s", dirname(d), name);
	free(d);
	return r;
}

/*
 * The other files an image's header names (imghdr.c), before qemu-nbd
 * sees it: qemu would open each with this process's rights, a host file,
 * a device or a network address among them.  Refused, naming the
 * reference; with --allow-backing a backing file or parent that is a
 * plain local file is allowed, and checked the same way in turn (a chain
 * of at most 16).  Each allowed one goes to chain as "NAME (FORMAT)".
 */
int
blk_check_refs(const char *path, enum blk_format fmt, int depth,
    struct strlist *chain, struct strlist *files)
{
	struct imgrefs refs = { 0 };
	struct stat st;
	int fd, rc = -1;

	/* the image given may be a link; a file an image names may not */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
	    (depth ? O_NOFOLLOW : 0));
	if (fd == -1) {
		tlsh_seterrc(TLSH_E_IMAGE_REFUSED,
		    "%s: %s", path, errno == ELOOP ? "a symbolic link: "
		    "tlshive does not follow links an image names" :
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || (depth && !S_ISREG(st.st_mode))) {
		tlsh_seterrc(TLSH_E_IMAGE_REFUSED,
		    "%s: not a regular file", path);
		goto out;
	}
	if (imghdr_refs(fd, path, fmt, &refs) == -1)
		goto out;
	for (size_t i = 0; i < refs.n; i++) {
		const struct imgref *r = &refs.v[i];
		int backing = strcmp(r->what, "backing file") == 0 ||
		    strcmp(r->what, "parent") == 0;
		enum blk_format bf;
		char *next;
		int ok;

		if (!backing) {
			tlsh_seterrc(TLSH_E_IMAGE_REFUSED,
			    "%s: its %s header names %s \"%s\": tlshive "
			    "opens no file an image names but its backing "
			    "chain; make it one file first (qemu-img convert)",
			    path, blk_format_name(fmt), r->what, r->name);
			goto out;
		}
		/* --base gives the overlay its base: qemu would join a
		 * name the header holds to it (and open the name) */
		if (base_url && depth == 0) {
			tlsh_seterrc(TLSH_E_IMAGE_REFUSED,
			    "%s: its %s header names a %s, \"%s\": with "
			    "--base the overlay names none, tlshive gives it "
			    "the base (qemu-img rebase -u -b '' %s)", path,
			    blk_format_name(fmt), r->what, r->name, path);
			goto out;
		}
		if (!allow_backing || !r->local) {
			int url = strstr(r->name, "://") != NULL;
			tlsh_seterrc(TLSH_E_IMAGE_REFUSED,
			    "%s: its %s header names a %s, \"%s\"%s", path,
			    blk_format_name(fmt), r->what, r->name, url ? ", a URL: "
			    "tlshive opens a URL only when the command line names "
			    "it, never on an image's word" : !r->local ?
			    ", which is no local file: refused, even with "
			    "--allow-backing" :
			    ": tlshive opens no other file on an image's word; "
			    "give --allow-backing for a chain of local files");
			goto out;
		}
		if (depth >= 16) {
			tlsh_seterrc(TLSH_E_IMAGE_REFUSED,
			    "%s: a backing chain of more than 16 files",
			    path);
			goto out;
		}
		next = beside(path, r->name);
		/* the format the header records, or the one qemu would find */
		ok = r->format ? blk_format_parse(r->format, &bf) : blk_detect(next,
		    &bf);
		if (ok == -1 || bf == BLK_WIM) {
			if (r->format)
				tlsh_seterrc(TLSH_E_IMAGE_REFUSED,
				    "%s: its backing file %s is a %s, which "
				    "tlshive does not open", path, next, r->format);
			free(next);
			goto out;
		}
		sl_add(chain, "%s (%s)", next, blk_format_name(bf));
		if (files)
			sl_add(files, "%s", next);
		ok = blk_check_refs(next, bf, depth + 1, chain, files);
		free(next);
		if (ok == -1 && depth == 0) {
			char *m = xstrdup(tlsh_errmsg());
			tlsh_seterrc(TLSH_E_IMAGE_REFUSED,
			    "%s: in its backing chain: %s", path, m);
			free(m);
		}
		if (ok == -1)
			goto out;
	}
	rc = 0;
out:
	imgrefs_free(&refs);
	close(fd);
	return rc;
}

int
blk_backing_files(const char *path, enum blk_format fmt,
    struct strlist *files)
{
	struct strlist chain = { 0 };
	int r = blk_check_refs(path, fmt, 0, &chain, files);

	sl_free(&chain);
	return r;
}

char *
blk_journal_path(const char *image)
{
	struct stat st;
	char *copy, *r;

	if (journal_dir == NULL)
		return xasprintf("%s.tlshive-journal", image);
	/* one directory for many images: the file's identity in the name,
	 * so two images of one name never share a journal */
	copy = xstrdup(image);
	if (stat(image, &st) == 0)
		r = xasprintf("%s/%s-%jx-%jx.tlshive-journal", journal_dir,
		    basename(copy), (uintmax_t)st.st_dev, (uintmax_t)st.st_ino);
	else
		r = xasprintf("%s/%s.tlshive-journal", journal_dir,
		    basename(copy));
	free(copy);
	return r;
}

/*
 * Where a journal may lie: a directory no other user can replace it in
 * (not writable by group or others, unless sticky, where only its owner
 * can remove or rename it).  Checked before a run writes one and before
 * one is replayed.
 */
int
blk_journal_dir_ok(const char *jpath)
{
	char *d = xstrdup(jpath), *dir = dirname(d);
	struct stat ds;
	const char *why = NULL;

	/* contained, the directory is out of sight: the parent checked it
	 * before the child started, and writes the journal there itself */
	if (hostfile_remote()) {
		free(d);
		return 1;
	}
	if (stat(dir, &ds) == -1)
		why = strerror(errno);
	else if ((ds.st_mode & (S_IWGRP | S_IWOTH)) && !(ds.st_mode & S_ISVTX))
		why = "other users can write to its directory and replace it";
	else if (journal_dir && ds.st_uid != geteuid() && ds.st_uid != 0)
		why = "another user owns its directory";
	if (why)
		tlsh_seterrc(TLSH_E_JOURNAL,
		    "%s: %s: tlshive keeps no journal there; give "
		    "--journal-dir DIR, a directory of your own", jpath, why);
	free(d);
	return why == NULL;
}

/*
 * A journal tlshive wrote, or nothing: a regular file (not a link, a FIFO
 * or a device: opened without following or blocking), owned by this user
 * or root, writable by no one else, in a directory as above.  1 with the
 * open descriptor and its size, 0 when there is none, -1 refused.
 */
int
blk_journal_open(const char *jpath, int *fdp, uint64_t *len)
{
	struct stat st;
	int fd = open(jpath, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC |
	    O_NOCTTY);

	*fdp = -1;
	if (fd == -1 && errno == ENOENT)
		return 0;
	if (fd == -1) {
		tlsh_seterrc(TLSH_E_JOURNAL,
		    "%s: %s; not tlshive's journal: refused, left as it "
		    "is", jpath, errno == ELOOP ? "a symbolic link" :
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		tlsh_seterrc(TLSH_E_JOURNAL,
		    "%s: not a regular file; not tlshive's journal: "
		    "refused, left as it is", jpath);
		goto fail;
	}
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		tlsh_seterrc(TLSH_E_JOURNAL,
		    "%s: owned by user %ju, not by this user or root: "
		    "another user may have put it there; refused, left as it "
		    "is (remove it if it is not yours)", jpath,
		    (uintmax_t)st.st_uid);
		goto fail;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		tlsh_seterrc(TLSH_E_JOURNAL,
		    "%s: other users can write to it; refused, left as "
		    "it is (remove it if it is not yours)", jpath);
		goto fail;
	}
	if (!blk_journal_dir_ok(jpath))
		goto fail;
	*fdp = fd;
	*len = (uint64_t)st.st_size;
	return 1;
fail:
	close(fd);
	return -1;
}

int
blk_journal_state(const char *image)
{
	char *j = blk_journal_path(image);
	uint64_t len;
	int fd, r = blk_journal_open(j, &fd, &len);

	if (fd != -1)
		close(fd);
	free(j);
	return r;
}

static int
sync_dir_of(const char *path)
{
	char *d = xstrdup(path);
	int fd = open(dirname(d), O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;

	free(d);
	if (fd == -1)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}


int
blk_journal_tidy(const char *image)
{
	char *jpath = blk_journal_path(image), *tmp = xasprintf("%s.tmp",
	    jpath);
	int rc = -1;

	/* contained, the journal's directory is the parent's, which did
	 * this before the child started (sandbox.c) */
	if (hostfile_remote()) {
		rc = 0;
		goto out;
	}
	/* a run that could not keep its journal safe never starts */
	if (!blk_journal_dir_ok(jpath))
		goto out;
	/* a temporary file that never became the journal: the image was
	 * not touched (".tmp" is what tlshive 0.1 before this named it) */
	{
		struct strlist gone = { 0 };
		store_leftovers(jpath, &gone);
		if (unlink(tmp) == 0 || gone.n)
			sync_dir_of(jpath);
		sl_free(&gone);
	}
	rc = 0;
out:
	free(tmp);
	free(jpath);
	return rc;
}
