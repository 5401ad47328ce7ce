/* The NTFS volume inside a disk image, through libntfs-3g, as a kind of store. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ntfs-3g/types.h>
#include <ntfs-3g/attrib.h>
#include <ntfs-3g/device.h>
#include <ntfs-3g/dir.h>
#include <ntfs-3g/inode.h>
#include <ntfs-3g/logging.h>
#include <ntfs-3g/unistr.h>
#include <ntfs-3g/volume.h>

#include "io/blk.h"
#include "io/diskimg.h"
#include "io/parts.h"
#include "io/remote.h"
#include "trace.h"

struct diskimg {
	char *path, *what;
	struct blk *b;
	enum blk_format fmt;
	struct part part;
	ntfs_volume *vol;
	struct ntfs_device *dev;
	int writable;
	int open_files;
	int replayed;		/* a leftover journal was written into it */
	uint64_t run_bytes;	/* read by runlists */
};

/* The partition as a device for libntfs-3g: a window on the image. */
struct window {
	struct blk *b;
	uint64_t off, len;
	s64 pos;
};

static int
w_open(struct ntfs_device *dev, int flags)
{
	if (NDevOpen(dev)) {
		errno = EBUSY;
		return -1;
	}
	if ((flags & O_ACCMODE) == O_RDONLY)
		NDevSetReadOnly(dev);
	NDevSetOpen(dev);
	return 0;
}

static int
w_close(struct ntfs_device *dev)
{
	NDevClearOpen(dev);
	return 0;
}

static s64
w_seek(struct ntfs_device *dev, s64 o, int whence)
{
	struct window *w = dev->d_private;

	w->pos = whence == SEEK_SET ? o : whence == SEEK_CUR ? w->pos + o :
	    (s64)w->len + o;
	return w->pos;
}

static s64
w_pread(struct ntfs_device *dev, void *buf, s64 n, s64 o)
{
	struct window *w = dev->d_private;

	if (o < 0 || n < 0) {
		errno = EINVAL;
		return -1;
	}
	if ((uint64_t)o >= w->len)
		return 0;
	if ((uint64_t)(o + n) > w->len)
		n = (s64)(w->len - (uint64_t)o);
	return blk_read(w->b, buf, (size_t)n, w->off + (uint64_t)o) == -1 ?
	    -1 : n;
}

static s64
w_pwrite(struct ntfs_device *dev, const void *buf, s64 n, s64 o)
{
	struct window *w = dev->d_private;

	if (NDevReadOnly(dev)) {
		errno = EROFS;
		return -1;
	}
	if (o < 0 || n < 0 || (uint64_t)(o + n) > w->len) {
		errno = ENOSPC;
		return -1;
	}
	NDevSetDirty(dev);
	return blk_write(w->b, buf, (size_t)n, w->off + (uint64_t)o) == -1 ?
	    -1 : n;
}

static s64
w_read(struct ntfs_device *dev, void *buf, s64 n)
{
	struct window *w = dev->d_private;
	s64 r = w_pread(dev, buf, n, w->pos);

	if (r > 0)
		w->pos += r;
	return r;
}

static s64
w_write(struct ntfs_device *dev, const void *buf, s64 n)
{
	struct window *w = dev->d_private;
	s64 r = w_pwrite(dev, buf, n, w->pos);

	if (r > 0)
		w->pos += r;
	return r;
}

/* Durability is the journal's business (diskimg_commit). */
static int
w_sync(struct ntfs_device *dev)
{
	NDevClearDirty(dev);
	return 0;
}

static int
w_stat(struct ntfs_device *dev, struct stat *st)
{
	struct window *w = dev->d_private;

	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFREG | 0600;
	st->st_size = (off_t)w->len;
	return 0;
}

static int
w_ioctl(struct ntfs_device *dev, unsigned long req, void *arg)
{
	(void)dev;
	(void)req;
	(void)arg;
	errno = ENOTTY;		/* no block device to ask */
	return -1;
}

static struct ntfs_device_operations window_ops = {
	.open = w_open, .close = w_close, .seek = w_seek, .read = w_read,
	.write = w_write, .pread = w_pread, .pwrite = w_pwrite,
	.sync = w_sync, .stat = w_stat, .ioctl = w_ioctl,
};

static ntfs_volume *
mount_part(struct diskimg *d, const struct part *p, int rw,
    struct ntfs_device **devp)
{
	struct window *w = xcalloc(1, sizeof(*w));
	struct ntfs_device *dev;
	ntfs_volume *v;

	w->b = d->b;
	w->off = p->off;
	w->len = p->len;
	if ((dev = ntfs_device_alloc("tlshive-image", 0, &window_ops, w)) ==
	    NULL) {
		free(w);
		return NULL;
	}
	/* Never NTFS_MNT_RECOVER (it throws away an unfinished $LogFile) nor
	 * NTFS_MNT_IGNORE_HIBERFILE (Windows resumes over our changes). */
	if ((v = ntfs_device_mount(dev, rw ? 0 : NTFS_MNT_RDONLY)) == NULL) {
		int e = errno;
		ntfs_device_free(dev);
		free(w);
		errno = e;
		return NULL;
	}
	/* Windows looks names up case-blind, libntfs-3g by default not. */
	ntfs_set_ignore_case(v);
	*devp = dev;
	return v;
}

static void
unmount(ntfs_volume *v, struct ntfs_device *dev)
{
	void *w = dev ? dev->d_private : NULL;

	if (v)
		ntfs_umount(v, FALSE);
	free(w);
}

static int
has_windows(ntfs_volume *v)
{
	ntfs_inode *a = ntfs_pathname_to_inode(v, NULL,
	    "/Windows/System32/config/SYSTEM");
	ntfs_inode *b = ntfs_pathname_to_inode(v, NULL,
	    "/Windows/System32/config/SOFTWARE");
	int yes = a && b;

	if (a)
		ntfs_inode_close(a);
	if (b)
		ntfs_inode_close(b);
	return yes;
}

static const char *
mount_error(int e)
{
	return e == EPERM ? "Windows is hibernated or was shut down with Fast "
	    "Startup (hiberfil.sys holds a session): it would throw offline "
	    "changes away when it resumes; boot it and shut it down fully "
	    "(shutdown /s /t 0), or turn hibernation off (powercfg /h off)" :
	    e == EOPNOTSUPP ? "the NTFS volume was not shut down cleanly: its "
	    "$LogFile holds unfinished work; boot Windows once, or run chkdsk" :
	    strerror(e);
}

/* The partition holding both hives; refusals named as they are met. */
static int
find_windows(struct diskimg *d, int want)
{
	struct part parts[128];
	int n = parts_scan(d->b, parts, 128), found = 0, seen = 0, merr = 0,
	    mnum = 0;
	enum part_kind kind = PK_OTHER;
	struct strbuf which = { 0 };

	if (n < 0) {
		char *m = xstrdup(tlsh_errmsg());
		tlsh_seterr("%s: %s", d->path, m);
		free(m);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		const struct part *p = &parts[i];
		struct ntfs_device *dev = NULL;
		ntfs_volume *v;

		if (want && p->num != want)
			continue;
		seen = 1;
		kind = p->kind;
		if (p->kind == PK_BITLOCKER || p->kind == PK_DYNAMIC ||
		    p->kind == PK_SPACES) {
			if (want || n == 1) {
				tlsh_seterr("%s: partition %d is %s: tlshive "
				    "cannot read it", d->path, p->num,
				    p->kind == PK_BITLOCKER ? "encrypted with "
				    "BitLocker" : p->kind == PK_DYNAMIC ? "on a "
				    "dynamic disk" : "part of Storage Spaces");
				free(which.s);
				return -1;
			}
			continue;
		}
		if (p->kind != PK_NTFS)
			continue;
		if ((v = mount_part(d, p, 0, &dev)) == NULL) {
			if (merr == 0) {
				merr = errno ? errno : EIO;
				mnum = p->num;
			}
			continue;
		}
		if (has_windows(v)) {
			if (found++ == 0)
				d->part = *p;
			sb_add(&which, "%s%d", which.len ? ", " : "", p->num);
		}
		unmount(v, dev);
	}
	if (found > 1) {
		tlsh_seterr("%s: partitions %s each hold a Windows (SYSTEM and "
		    "SOFTWARE); give --partition N", d->path, which.s);
		free(which.s);
		return -1;
	}
	free(which.s);
	if (found == 0) {
		if (want && !seen) {
			struct strbuf nums = { 0 };
			for (int i = 0; i < n; i++)
				sb_add(&nums, "%s%d", i ? ", " : "",
				    parts[i].num);
			if (n == 0)
				tlsh_seterr("%s: --partition %d: the disk has no "
				    "partitions", d->path, want);
			else if (parts[0].num == 0)
				tlsh_seterr("%s: --partition %d: the disk has no "
				    "partition table, the whole disk is one "
				    "volume (give no --partition)", d->path, want);
			else
				tlsh_seterr("%s: --partition %d: the disk has no "
				    "such partition (its %s table lists %s)",
				    d->path, want, parts[0].scheme, nums.s);
			free(nums.s);
		} else if (want && merr)
			tlsh_seterr("%s: partition %d: %s", d->path, want,
			    mount_error(merr));
		else if (want)
			tlsh_seterr("%s: partition %d is %s", d->path, want,
			    kind == PK_NTFS ? "an NTFS volume without "
			    "Windows/System32/config/SYSTEM and SOFTWARE" :
			    "not an NTFS volume");
		else if (merr)
			tlsh_seterr("%s: no NTFS partition holds Windows/System32/"
			    "config/SYSTEM and SOFTWARE (%d partition%s found); "
			    "partition %d cannot be read: %s", d->path, n,
			    n == 1 ? "" : "s", mnum, mount_error(merr));
		else
			tlsh_seterr("%s: no NTFS partition holds Windows/System32/"
			    "config/SYSTEM and SOFTWARE (%d partition%s found)",
			    d->path, n, n == 1 ? "" : "s");
		return -1;
	}
	return 0;
}

struct diskimg *
diskimg_open(const char *path, int writable, int partition, int format)
{
	struct diskimg *d = xcalloc(1, sizeof(*d));
	struct span sp;
	enum blk_format fmt;
	int r;

	ntfs_log_set_handler(ntfs_log_handler_null);
	d->path = xstrdup(path);
	d->writable = writable;
	/* a URL's bytes come from the transport (remote.h): read-only,
	 * no journal */
	if (remote_is_url(path)) {
		const char *sock = remote_socket(path);

		if (writable || sock == NULL) {
			tlsh_seterrc(TLSH_E_USAGE, "%s: %s", path, writable ?
			    "a URL is read-only" : "no transport serves it");
			goto fail;
		}
		trace_begin(&sp);
		d->b = blk_open_remote(path, sock, format);
		trace_end(&sp, "block-open", path);
		if (d->b == NULL)
			goto fail;
		fmt = d->fmt = blk_fmt(d->b);
		goto windows;
	}
	/* --format: the first bytes are never asked (a guest may have
	 * written any header there), but a VMDK still must not be
	 * streamOptimized */
	if (format >= 0 && format != BLK_VMDK)
		fmt = (enum blk_format)format;
	else if (blk_detect(path, &fmt) == -1)
		goto fail;
	else if (format >= 0)
		fmt = BLK_VMDK;
	if (fmt == BLK_WIM) {
		tlsh_seterr("%s: a WIM file: tlshive cannot patch WIM images "
		    "yet", path);
		goto fail;
	}
	d->fmt = fmt;
	/* a raw file opened, or qemu-nbd started and connected */
	trace_begin(&sp);
	d->b = blk_open(path, fmt, writable);
	trace_end(&sp, "block-open", path);
	if (d->b == NULL)
		goto fail;
	if (writable) {
		if ((r = blk_replay(d->b)) == -1)
			goto fail;
		d->replayed = r == 1;
	} else if ((r = blk_journal_state(path)) != 0) {
		/* recover is advised only for a journal it would replay */
		if (r == 1) {
			char *j = blk_journal_path(path);
			tlsh_seterr("%s: an interrupted tlshive run left %s; "
			    "run tlshive recover %s first", path, j, path);
			free(j);
		}
		goto fail;
	}
windows:
	trace_begin(&sp);
	r = find_windows(d, partition);
	if (r != -1)
		d->vol = mount_part(d, &d->part, writable, &d->dev);
	trace_end(&sp, "ntfs-mount", path);
	if (r == -1)
		goto fail;
	if (d->vol == NULL) {
		tlsh_seterr("%s: partition %d: %s", path, d->part.num,
		    mount_error(errno));
		goto fail;
	}
	d->what = d->part.num ? xasprintf("%s, %s partition %d",
	    blk_format_name(fmt), d->part.scheme, d->part.num) :
	    xasprintf("%s, a whole-disk NTFS volume", blk_format_name(fmt));
	/* the backing files the user allowed, shown with the image */
	for (size_t i = 0; i < blk_chain(d->b)->n; i++) {
		char *w = xasprintf("%s%s %s", d->what, i ? "," : "; backing",
		    blk_chain(d->b)->v[i]);
		free(d->what);
		d->what = w;
	}
	return d;
fail:
	/* what was opened on the image's word is named with any failure */
	if (d->b && blk_chain(d->b)->n) {
		struct strbuf sb = { 0 };
		char *m = xstrdup(tlsh_errmsg());
		for (size_t i = 0; i < blk_chain(d->b)->n; i++)
			sb_add(&sb, "%s%s", i ? ", " : "", blk_chain(d->b)->v[i]);
		tlsh_seterr("%s (backing %s)", m, sb.s);
		free(sb.s);
		free(m);
	}
	diskimg_close(d);
	return NULL;
}

const char *
diskimg_describe(const struct diskimg *d)
{
	return d->what;
}

const char *
diskimg_format(const struct diskimg *d)
{
	return blk_format_name(d->fmt);
}

int
diskimg_partition(const struct diskimg *d)
{
	return d->part.num;
}

int
diskimg_replayed(const struct diskimg *d)
{
	return d->replayed;
}

uint64_t
diskimg_run_bytes(const struct diskimg *d)
{
	return d->run_bytes;
}

/* A file of the volume as a store file. */
struct nfile {
	struct diskimg *d;
	ntfs_inode *ni;
	ntfs_attr *na;
	u64 dir;		/* the parent directory's MFT record */
	char *name;
	/* the file's bytes, read once through NBD and the volume: hivex
	 * opens them, and the commit compares with them */
	int memfd;
	unsigned char *map;
	size_t maplen;
	char proc[40];
};

static void
unload(struct nfile *n)
{
	if (n->map)
		munmap(n->map, n->maplen ? n->maplen : 1);
	if (n->memfd != -1)
		close(n->memfd);
	n->map = NULL;
	n->memfd = -1;
}

/*
 * The file's bytes by its runlist, straight from the image in large
 * requests, several in flight: ntfs_attr_pread asks the device for one
 * run (at most what it was given) at a time and waits for each.  This
 * path reads past the partition's window, so every run was checked inside
 * the volume when the file was opened (runs_inside).  1: not for this
 * path (resident data, compressed, encrypted, sparse runs, bytes past the
 * initialized size, a runlist that does not cover the data: libntfs-3g
 * knows those cases, ntfs_attr_pread reads them); -1 with a message.
 */
static int
read_runs(struct nfile *n, const char *shown, unsigned char *buf, size_t len)
{
	ntfs_attr *na = n->na;
	ntfs_volume *v = n->d->vol;
	struct window *w = n->d->dev->d_private;
	unsigned bits = v->cluster_size_bits;
	uint64_t want = ((uint64_t)len + v->cluster_size - 1) >> bits, vcn = 0;
	struct blk_seg *seg = NULL;
	size_t ns = 0;
	int r = 0;

	if (len == 0 || !NAttrNonResident(na) || NAttrCompressed(na) ||
	    NAttrEncrypted(na) || na->initialized_size != na->data_size ||
	    ntfs_attr_map_whole_runlist(na) == -1 || na->rl == NULL)
		return 1;
	for (const runlist_element *rl = na->rl; vcn < want && rl->length > 0;
	    rl++) {
		uint64_t c, from, upto;

		if (rl->vcn < 0 || (uint64_t)rl->vcn != vcn || rl->lcn < 0) {
			free(seg);
			return 1;
		}
		c = (uint64_t)rl->length < want - vcn ? (uint64_t)rl->length :
		    want - vcn;
		from = vcn << bits;
		upto = (vcn + c) << bits < len ? (vcn + c) << bits : len;
		seg = xrealloc(seg, (ns + 1) * sizeof(*seg));
		seg[ns++] = (struct blk_seg){ buf + from, (size_t)(upto - from),
		    w->off + ((uint64_t)rl->lcn << bits) };
		vcn += c;
	}
	if (vcn < want) {
		free(seg);
		return 1;
	}
	{
		char *what = xasprintf("%s: reading", shown);

		tlsh_progress(what, 0, len);
		if ((r = blk_readv(n->d->b, seg, ns, what, n->memfd,
		    n->map)) == -1) {
			char *m = xstrdup(tlsh_errmsg());
			tlsh_seterr("%s: cannot read it: %s", shown, m);
			free(m);
			tlsh_progress(what, len, len);
		} else
			n->d->run_bytes += len;
		free(what);
	}
	free(seg);
	return r;
}

static int
load(struct sfile *f)
{
	struct nfile *n = sfile_priv(f);
	size_t len = (size_t)n->na->data_size;
	struct span sp;
	int r;

	if (n->map)
		return 0;
	if ((n->memfd = memfd_create("tlshive-ntfs", MFD_CLOEXEC)) == -1 ||
	    ftruncate(n->memfd, (off_t)len) == -1 ||
	    (n->map = mmap(NULL, len ? len : 1, PROT_READ | PROT_WRITE,
	    MAP_SHARED, n->memfd, 0)) == MAP_FAILED) {
		tlsh_seterr("%s: cannot hold it in memory: %s", sfile_name(f),
		    strerror(errno));
		n->map = NULL;
		unload(n);
		return -1;
	}
	n->maplen = len;
	/* a large SOFTWARE hive, in an image of another format than qcow2,
	 * can take seconds through qemu-nbd: read by its runlist, or
	 * through libntfs-3g in steps, saying how far */
	trace_begin(&sp);
	if ((r = read_runs(n, sfile_name(f), n->map, len)) == -1) {
		trace_drop(&sp);
		unload(n);
		return -1;
	}
	if (r == 1) {
		char *what = xasprintf("%s: reading", sfile_name(f));
		size_t done = 0, step = 8u << 20;

		tlsh_progress(what, 0, len);
		while (done < len) {
			size_t k = len - done < step ? len - done : step;
			if (ntfs_attr_pread(n->na, (s64)done, (s64)k, n->map +
			    done) != (s64)k) {
				tlsh_seterr("%s: cannot read it: %s",
				    sfile_name(f), strerror(errno ? errno :
				    EIO));
				tlsh_progress(what, len, len);
				trace_drop(&sp);
				free(what);
				unload(n);
				return -1;
			}
			done += k;
			tlsh_progress(what, done, len);
		}
		free(what);
	}
	trace_end(&sp, "hive-load", sfile_name(f));
	snprintf(n->proc, sizeof(n->proc), "/proc/self/fd/%d", n->memfd);
	return 0;
}

static int
n_pread(struct sfile *f, void *buf, size_t len, uint64_t off)
{
	struct nfile *n = sfile_priv(f);

	/* The loaded bytes are the file's until the first write unloads
	 * them: the commit compares with them without a second trip
	 * through NBD, and reads back what it wrote from the volume. */
	if (n->map && off <= n->maplen && len <= n->maplen - off) {
		memcpy(buf, n->map + off, len);
		return 0;
	}
	if (len && ntfs_attr_pread(n->na, (s64)off, (s64)len, buf) != (s64)len) {
		tlsh_seterr("%s: cannot read it: %s", sfile_name(f),
		    strerror(errno ? errno : EIO));
		return -1;
	}
	return 0;
}

static int
n_pwrite(struct sfile *f, const void *buf, size_t len, uint64_t off)
{
	struct nfile *n = sfile_priv(f);

	unload(n);

	if (off + len > (uint64_t)n->na->data_size &&
	    ntfs_attr_truncate(n->na, (s64)(off + len)) == -1) {
		tlsh_seterr("%s: cannot grow it: %s", sfile_name(f),
		    strerror(errno));
		return -1;
	}
	if (ntfs_attr_pwrite(n->na, (s64)off, (s64)len, buf) != (s64)len) {
		tlsh_seterr("%s: cannot write it: %s", sfile_name(f),
		    strerror(errno ? errno : EIO));
		return -1;
	}
	return 0;
}

static int
n_size(struct sfile *f, uint64_t *len)
{
	struct nfile *n = sfile_priv(f);

	*len = (uint64_t)n->na->data_size;
	return 0;
}

static int
n_truncate(struct sfile *f, uint64_t len)
{
	struct nfile *n = sfile_priv(f);

	unload(n);

	if (ntfs_attr_truncate(n->na, (s64)len) == -1) {
		tlsh_seterr("%s: cannot set its size: %s", sfile_name(f),
		    strerror(errno));
		return -1;
	}
	return 0;
}

static int
n_sync(struct sfile *f)
{
	struct nfile *n = sfile_priv(f);

	if (ntfs_inode_sync(n->ni) == -1) {
		tlsh_seterr("%s: %s", sfile_name(f), strerror(errno));
		return -1;
	}
	return 0;
}

static int
n_sync_dir(struct sfile *f)
{
	(void)f;
	return 0;
}

/* A private mapping of the loaded bytes: copies only what it changes. */
static unsigned char *
n_view(struct sfile *f, size_t len)
{
	struct nfile *n = sfile_priv(f);
	unsigned char *p;

	if (load(f) == -1)
		return NULL;
	p = mmap(NULL, len ? len : 1, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED || (n->maplen && mmap(p, n->maplen < len ?
	    n->maplen : len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED,
	    n->memfd, 0) == MAP_FAILED)) {
		tlsh_seterr("%s: cannot map it: %s", sfile_name(f),
		    strerror(errno));
		if (p != MAP_FAILED)
			munmap(p, len ? len : 1);
		return NULL;
	}
	return p;
}

static void
n_view_free(struct sfile *f, unsigned char *p, size_t len)
{
	(void)f;
	munmap(p, len ? len : 1);
}

/* hivex opens files by name: it gets the loaded bytes' memory file. */
static const char *
n_open_path(struct sfile *f)
{
	return load(f) == -1 ? "/nonexistent" : ((struct nfile *)
	    sfile_priv(f))->proc;
}

static void
n_close(struct sfile *f)
{
	struct nfile *n = sfile_priv(f);

	unload(n);
	if (n->na)
		ntfs_attr_close(n->na);
	if (n->ni)
		ntfs_inode_close(n->ni);
	n->d->open_files--;
	free(n->name);
	free(n);
}

static struct sfile *n_sibling(struct sfile *, const char *, int);

static const struct sfile_ops ntfs_ops = {
	n_pread, n_pwrite, n_size, n_truncate, n_sync, n_sync_dir, n_sibling,
	n_view, n_view_free, n_open_path, n_close
};

/*
 * Every run of the file's data inside its volume and its partition: the
 * runlist is the image's word, and read by it (read_runs), a crafted run
 * would read another partition or whatever lies past it on the disk.
 */
static int
runs_inside(struct diskimg *d, ntfs_attr *na, const char *shown)
{
	struct window *w = d->dev->d_private;
	unsigned bits = d->vol->cluster_size_bits;
	uint64_t limit = (uint64_t)d->vol->nr_clusters < w->len >> bits ?
	    (uint64_t)d->vol->nr_clusters : w->len >> bits;

	if (!NAttrNonResident(na))
		return 0;
	if (ntfs_attr_map_whole_runlist(na) == -1 || na->rl == NULL) {
		tlsh_seterr("%s: cannot map its clusters: %s", shown,
		    strerror(errno ? errno : EIO));
		return -1;
	}
	for (const runlist_element *rl = na->rl; rl->length > 0; rl++) {
		uint64_t lcn = (uint64_t)rl->lcn, len = (uint64_t)rl->length;

		if (rl->lcn < 0)	/* a hole: nothing on the disk */
			continue;
		if (lcn > limit || len > limit - lcn) {
			tlsh_seterr("%s: its data run at cluster %lld (%lld "
			    "clusters) lies outside its NTFS volume (%llu "
			    "clusters): the volume is damaged or crafted",
			    shown, (long long)rl->lcn, (long long)rl->length,
			    (unsigned long long)limit);
			return -1;
		}
	}
	return 0;
}

/*
 * A file opened for writing must take writes in place: compressed,
 * encrypted or WOF-compressed data (a reparse point) would be rewritten
 * by libntfs-3g or not at all.
 */
static struct sfile *
wrap(struct diskimg *d, ntfs_inode *ni, u64 dir, const char *name,
    const char *shown, int flags)
{
	struct nfile *n = xcalloc(1, sizeof(*n));
	int write = flags & SF_WRITE;

	n->d = d;
	n->ni = ni;
	n->dir = dir;
	n->name = xstrdup(name);
	n->memfd = -1;
	if ((n->na = ntfs_attr_open(ni, AT_DATA, AT_UNNAMED, 0)) == NULL) {
		tlsh_seterr("%s: no data in it: %s", shown, strerror(errno));
		goto fail;
	}
	/* hives and logs are read whole: a size the volume cannot hold is a
	 * sparse file's claim, never a hive's */
	if (n->na->data_size < 0 || (u64)n->na->data_size > STORE_FILE_MAX ||
	    (u64)n->na->data_size > (u64)d->vol->nr_clusters <<
	    d->vol->cluster_size_bits) {
		tlsh_seterr("%s: %lld bytes, more than its volume holds or a "
		    "hive can be (Windows keeps hives under 2 GB)", shown,
		    (long long)n->na->data_size);
		goto fail;
	}
	if (runs_inside(d, n->na, shown) == -1)
		goto fail;
	if (write && (NAttrCompressed(n->na) || NAttrEncrypted(n->na) ||
	    (ni->flags & FILE_ATTR_REPARSE_POINT))) {
		tlsh_seterr("%s: the file is %s; tlshive writes hives only in "
		    "place: uncompress it in Windows first (compact /u, or "
		    "compact /CompactOs:never)", shown, NAttrEncrypted(n->na) ?
		    "encrypted" : "compressed (NTFS or WOF)");
		goto fail;
	}
	if (write && le16_to_cpu(ni->mrec->link_count) > 1) {
		tlsh_seterr("%s: the file has %u hard links; writing it in place "
		    "would change it under every name, so tlshive refuses",
		    shown, le16_to_cpu(ni->mrec->link_count));
		goto fail;
	}
	d->open_files++;
	return sfile_new(&ntfs_ops, n, shown);
fail:
	if (n->na)
		ntfs_attr_close(n->na);
	ntfs_inode_close(ni);
	free(n->name);
	free(n);
	return NULL;
}

struct sfile *
diskimg_file(struct diskimg *d, const char *const *comps, size_t nc,
    int flags)
{
	struct strbuf path = { 0 };
	ntfs_inode *dir, *ni;
	struct sfile *f;
	char *shown;
	u64 dirno;

	if ((flags & SF_WRITE) && !d->writable) {
		tlsh_seterr("%s: opened read-only", d->path);
		errno = EROFS;
		return NULL;
	}
	for (size_t i = 0; i + 1 < nc; i++)
		sb_add(&path, "/%s", comps[i]);
	shown = xasprintf("%s:%s/%s", d->path, path.s ? path.s : "",
	    comps[nc - 1]);
	dir = path.s ? ntfs_pathname_to_inode(d->vol, NULL, path.s) :
	    ntfs_inode_open(d->vol, FILE_root);
	free(path.s);
	if (dir == NULL) {
		int e = errno;
		tlsh_seterr("%s: %s", shown, strerror(e));
		free(shown);
		errno = e;
		return NULL;
	}
	dirno = dir->mft_no;
	ni = ntfs_pathname_to_inode(d->vol, dir, comps[nc - 1]);
	ntfs_inode_close(dir);
	if (ni == NULL) {
		int e = errno ? errno : ENOENT;
		tlsh_seterr("%s: %s", shown, strerror(e));
		free(shown);
		errno = e;
		return NULL;
	}
	f = wrap(d, ni, dirno, comps[nc - 1], shown, flags);
	free(shown);
	return f;
}

/*
 * A transaction log beside a hive: made with the hive's security
 * descriptor and attributes, as Windows' own logs carry them.
 */
static struct sfile *
n_sibling(struct sfile *f, const char *suffix, int flags)
{
	struct nfile *n = sfile_priv(f);
	struct diskimg *d = n->d;
	char *name = xasprintf("%s%s", n->name, suffix);
	char *shown = xasprintf("%s%s", sfile_name(f), suffix);
	ntfs_inode *dir = ntfs_inode_open(d->vol, n->dir), *ni = NULL;
	struct sfile *s = NULL;

	if (dir == NULL) {
		tlsh_seterr("%s: %s", shown, strerror(errno));
		goto out;
	}
	ni = ntfs_pathname_to_inode(d->vol, dir, name);
	if (ni == NULL && (flags & SF_CREATE)) {
		ntfschar *u = NULL;
		int ul = ntfs_mbstoucs(name, &u);
		if (ul > 0)
			ni = ntfs_create(dir, n->ni->security_id, u,
			    (u8)ul, S_IFREG);
		free(u);
		if (ni) {
			ni->flags = (ni->flags & ~(FILE_ATTR_HIDDEN |
			    FILE_ATTR_SYSTEM | FILE_ATTR_ARCHIVE)) |
			    (n->ni->flags & (FILE_ATTR_HIDDEN | FILE_ATTR_SYSTEM |
			    FILE_ATTR_ARCHIVE));
			NInoSetDirty(ni);
			NInoFileNameSetDirty(ni);
		}
	}
	if (ni == NULL) {
		int e = errno ? errno : ENOENT;
		tlsh_seterr("%s: %s", shown, strerror(e));
		ntfs_inode_close(dir);
		errno = e;
		goto out;
	}
	ntfs_inode_close(dir);
	s = wrap(d, ni, n->dir, name, shown, flags);
out:
	free(name);
	free(shown);
	return s;
}

int
diskimg_hiberfil(struct diskimg *d, char sig[5])
{
	static const char *const c[] = { "hiberfil.sys" };
	struct sfile *f = diskimg_file(d, c, 1, 0);
	int r = 0;

	memset(sig, 0, 5);
	if (f == NULL)
		return 0;
	if (sfile_read(f, sig, 4, 0) == 0)
		r = 1;
	sfile_close(f);
	return r;
}

int
diskimg_commit(struct diskimg *d)
{
	int r;

	if (d->open_files) {
		tlsh_seterr("%s: %d files of the volume still open",
		    d->path, d->open_files);
		return -1;
	}
	{
		/* ntfs_umount frees the device, not our window */
		void *w = d->dev ? d->dev->d_private : NULL;
		int bad = d->vol && ntfs_umount(d->vol, FALSE) == -1;
		int e = errno;

		free(w);
		d->vol = NULL;
		d->dev = NULL;
		if (bad) {
			tlsh_seterr("%s: closing the NTFS volume failed: %s; "
			    "nothing written", d->path, strerror(e));
			return -1;
		}
	}
	r = blk_commit(d->b);
	return r;
}

void
diskimg_close(struct diskimg *d)
{
	if (d == NULL)
		return;
	if (d->vol)
		unmount(d->vol, d->dev);
	blk_close(d->b);
	free(d->path);
	free(d->what);
	free(d);
}

int
diskimg_recover(const char *path, int format)
{
	enum blk_format fmt = format >= 0 ? (enum blk_format)format : BLK_RAW;
	struct blk *b;
	int r;

	if ((format < 0 && blk_detect(path, &fmt) == -1) ||
	    (b = blk_open(path, fmt, 1)) == NULL)
		return -1;
	r = blk_replay(b);
	blk_close(b);
	return r;
}
