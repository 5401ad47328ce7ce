/* Hive files in a directory, reached through descriptors that never follow a link. */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/store.h"
#include "tlshive.h"

struct sfile {
	const struct sfile_ops *ops;
	char *shown;
	void *priv;		/* another kind's own state */
	/* the directory kind */
	int dirfd, fd;
	char *name;
	char proc[40];
	int dfd;		/* O_DIRECT twin of fd; -1 none, -2 not tried */
	unsigned char *bounce;	/* an aligned buffer for it */
};

static int
dir_pread(struct sfile *f, void *buf, size_t len, uint64_t off)
{
	for (size_t done = 0; done < len;) {
		ssize_t r = pread(f->fd, (char *)buf + done, len - done,
		    (off_t)(off + done));
		if (r <= 0) {
			tlsh_seterr("%s: cannot read it: %s", f->shown, r == 0 ?
			    "unexpected end of file" : strerror(errno));
			return -1;
		}
		done += (size_t)r;
	}
	return 0;
}

/*
 * The page cache of a file read with readahead holds large folios (up to
 * megabytes here), and a 4 KiB write dirties its whole folio: written
 * back, one changed page costs a megabyte of I/O.  Whole aligned pages go
 * around the page cache (O_DIRECT) when the file system allows it, so only
 * the changed pages reach the disk.
 */
enum { DIO = 4096, BOUNCE = 1 << 20 };

static int buffered_write(struct sfile *, const void *, size_t, uint64_t);

static int
direct_write(struct sfile *f, const void *buf, size_t len, uint64_t off)
{
	if (f->dfd == -2) {
		f->dfd = open(f->proc, O_RDWR | O_DIRECT | O_CLOEXEC);
		if (f->dfd != -1 && (f->bounce = aligned_alloc(DIO, BOUNCE)) ==
		    NULL) {
			close(f->dfd);
			f->dfd = -1;
		}
	}
	if (f->dfd < 0 || off % DIO || len % DIO)
		return 1;
	for (size_t done = 0; done < len;) {
		size_t n = len - done < BOUNCE ? len - done : BOUNCE;
		ssize_t r;

		memcpy(f->bounce, (const char *)buf + done, n);
		r = pwrite(f->dfd, f->bounce, n, (off_t)(off + done));
		if (r == -1 && errno == EINVAL && done == 0) {
			close(f->dfd);		/* not for this file system */
			f->dfd = -1;
			return 1;
		}
		if (r == -1) {
			tlsh_seterr("%s: cannot write it: %s", f->shown,
			    strerror(errno));
			return -1;
		}
		done += (size_t)r;
		/* a short write (a full disk): the rest goes the buffered
		 * way, which says why it stops */
		if ((size_t)r < n)
			return buffered_write(f, (const char *)buf + done,
			    len - done, off + done);
	}
	return 0;
}

static int
dir_pwrite(struct sfile *f, const void *buf, size_t len, uint64_t off)
{
	int r;

	if ((r = direct_write(f, buf, len, off)) != 1)
		return r;
	return buffered_write(f, buf, len, off);
}

static int
buffered_write(struct sfile *f, const void *buf, size_t len, uint64_t off)
{
	for (size_t done = 0; done < len;) {
		ssize_t w = pwrite(f->fd, (const char *)buf + done, len - done,
		    (off_t)(off + done));
		if (w <= 0) {
			tlsh_seterr("%s: cannot write it: %s", f->shown,
			    strerror(w == 0 ? EIO : errno));
			return -1;
		}
		done += (size_t)w;
	}
	return 0;
}

static int
write_all_fd(int fd, const void *p, size_t n)
{
	for (size_t done = 0; done < n;) {
		ssize_t w = write(fd, (const char *)p + done, n - done);
		if (w <= 0)
			return -1;
		done += (size_t)w;
	}
	return 0;
}

static int
dir_size(struct sfile *f, uint64_t *len)
{
	struct stat st;

	if (fstat(f->fd, &st) == -1) {
		tlsh_seterr("%s: %s", f->shown, strerror(errno));
		return -1;
	}
	*len = (uint64_t)st.st_size;
	return 0;
}

static int
dir_truncate(struct sfile *f, uint64_t len)
{
	if (ftruncate(f->fd, (off_t)len) == -1) {
		tlsh_seterr("%s: cannot set its size: %s", f->shown,
		    strerror(errno));
		return -1;
	}
	return 0;
}

static int
dir_sync(struct sfile *f)
{
	if (fsync(f->fd) == -1) {
		tlsh_seterr("%s: fsync: %s", f->shown, strerror(errno));
		return -1;
	}
	return 0;
}

static int
dir_sync_dir(struct sfile *f)
{
	if (fsync(f->dirfd) == -1) {
		tlsh_seterr("%s: syncing its directory: %s", f->shown,
		    strerror(errno));
		return -1;
	}
	return 0;
}

static void
dir_close(struct sfile *f)
{
	if (f->dfd >= 0)
		close(f->dfd);
	free(f->bounce);
	if (f->fd != -1)
		close(f->fd);
	if (f->dirfd != -1)
		close(f->dirfd);
}

/*
 * A private, writable mapping of the file, len bytes long, zeros past its
 * end: pages written into it are copied, the rest stays the page cache's.
 */
static unsigned char *
dir_view(struct sfile *f, size_t len)
{
	uint64_t size;
	size_t fl;
	void *p;

	if (dir_size(f, &size) == -1)
		return NULL;
	p = mmap(NULL, len ? len : 1, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		tlsh_seterr("%s: cannot map %zu bytes: %s", f->shown, len,
		    strerror(errno));
		return NULL;
	}
	fl = size < len ? (size_t)size : len;
	if (fl && mmap(p, fl, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED,
	    f->fd, 0) == MAP_FAILED) {
		tlsh_seterr("%s: cannot map it: %s", f->shown, strerror(errno));
		munmap(p, len ? len : 1);
		return NULL;
	}
	return (unsigned char *)p;
}

static void
dir_view_free(struct sfile *f, unsigned char *p, size_t len)
{
	(void)f;
	munmap(p, len ? len : 1);
}

static const char *
dir_open_path(struct sfile *f)
{
	return f->proc;
}

static struct sfile *dir_sibling(struct sfile *, const char *, int);

static const struct sfile_ops dir_ops = {
	dir_pread, dir_pwrite, dir_size, dir_truncate, dir_sync, dir_sync_dir,
	dir_sibling, dir_view, dir_view_free, dir_open_path, dir_close
};

/*
 * flock, then make sure the name still leads to the locked file: an older
 * tlshive renamed a new file over the hive, and a lock on the replaced one
 * would guard nothing.
 */
static int
lock(struct sfile *f, int wait)
{
	struct stat a, b;

	if (flock(f->fd, LOCK_EX | (wait ? 0 : LOCK_NB)) == -1) {
		if (errno == EWOULDBLOCK)
			tlsh_seterrc(TLSH_E_LOCKED, "%s: another tlshive is "
			    "changing this hive; "
			    "try again when it is done, or give --wait",
			    f->shown);
		else
			tlsh_seterr("%s: cannot lock it: %s", f->shown,
			    strerror(errno));
		return -1;
	}
	if (fstat(f->fd, &a) == -1 || fstatat(f->dirfd, f->name, &b,
	    AT_SYMLINK_NOFOLLOW) == -1)
		return 1;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino ? 0 : 1;
}

static struct sfile *
open_in(int dirfd, const char *name, const char *shown, int flags,
    const struct stat *like)
{
	struct sfile *f = xcalloc(1, sizeof(*f));
	/* O_NONBLOCK: a FIFO put where a log belongs would block the open
	 * until someone writes to it */
	int oflags = (flags & SF_WRITE ? O_RDWR : O_RDONLY) | O_NOFOLLOW |
	    O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	struct stat st;

	f->ops = &dir_ops;
	f->shown = xstrdup(shown);
	f->name = xstrdup(name);
	f->fd = -1;
	f->dfd = (flags & SF_WRITE) && like == NULL ? -2 : -1;
	if ((f->dirfd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0)) == -1) {
		tlsh_seterr("%s: %s", shown, strerror(errno));
		goto fail;
	}
	for (int tries = 0;; tries++) {
		int created = 0, r;

		/* Looked at before it is opened: opening a device node can
		 * act on the device, and an image's files are only ever
		 * regular files. */
		if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
			tlsh_seterr("%s: not a regular file (%s)", shown,
			    S_ISFIFO(st.st_mode) ? "a FIFO" : S_ISDIR(st.st_mode) ?
			    "a directory" : S_ISSOCK(st.st_mode) ? "a socket" :
			    "a device node");
			errno = EINVAL;
			goto fail;
		}
		f->fd = openat(dirfd, name, oflags);
		if (f->fd == -1 && errno == ENOENT && (flags & SF_CREATE)) {
			f->fd = openat(dirfd, name, oflags | O_CREAT | O_EXCL,
			    like ? like->st_mode & 0666 : 0600);
			created = f->fd != -1;
		}
		if (f->fd == -1) {
			int e = errno;
			if (e == ELOOP)
				tlsh_seterr("%s: is a symbolic link; tlshive "
				    "does not follow links to the files it reads "
				    "or writes: give the file itself", shown);
			else
				tlsh_seterr("%s: %s", shown, strerror(e));
			errno = e;
			goto fail;
		}
		/* A made log gets the hive's owner, as Windows' own logs
		 * carry the hive's descriptor. */
		if (created && like && fchown(f->fd, like->st_uid,
		    like->st_gid) == -1 && errno != EPERM) {
			tlsh_seterr("%s: cannot give it the hive's owner: %s",
			    shown, strerror(errno));
			goto fail;
		}
		if (fstat(f->fd, &st) == -1 || !S_ISREG(st.st_mode)) {
			tlsh_seterr("%s: not a regular file", shown);
			goto fail;
		}
		(void)fcntl(f->fd, F_SETFL, fcntl(f->fd, F_GETFL) & ~O_NONBLOCK);
		if ((flags & SF_WRITE) && st.st_nlink > 1) {
			tlsh_seterr("%s: the file has %ju hard links; writing "
			    "it in place would change it under every name, so "
			    "tlshive refuses; copy it (cp) to break the link "
			    "first", shown, (uintmax_t)st.st_nlink);
			goto fail;
		}
		if (!(flags & SF_LOCK) || like != NULL)
			break;
		if ((r = lock(f, flags & SF_WAIT)) == -1)
			goto fail;
		if (r == 0)
			break;
		close(f->fd);
		f->fd = -1;
		if (tries == 100) {
			tlsh_seterr("%s: the file keeps being replaced; cannot "
			    "lock it", shown);
			goto fail;
		}
	}
	snprintf(f->proc, sizeof(f->proc), "/proc/self/fd/%d", f->fd);
	return f;
fail:
	{
		int e = errno;
		sfile_close(f);
		errno = e;
	}
	return NULL;
}

struct sfile *
sfile_open_at(int dirfd, const char *name, const char *shown, int flags)
{
	return open_in(dirfd, name, shown, flags, NULL);
}

struct sfile *
sfile_open(const char *path, int flags)
{
	char *d = xstrdup(path), *b = xstrdup(path);
	const char *base = basename(b);
	struct sfile *f = NULL;
	int dirfd;

	if ((dirfd = open(dirname(d), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1)
		tlsh_seterr("%s: %s", path, strerror(errno));
	else if (*base == '\0' || strcmp(base, "/") == 0)
		tlsh_seterr("%s: not a file", path);
	else
		f = sfile_open_at(dirfd, base, path, flags);
	if (dirfd != -1)
		close(dirfd);
	free(d);
	free(b);
	return f;
}

static struct sfile *
dir_sibling(struct sfile *f, const char *suffix, int flags)
{
	char *name = xasprintf("%s%s", f->name, suffix);
	char *shown = xasprintf("%s%s", f->shown, suffix);
	struct sfile *s;
	struct stat st;

	if (fstat(f->fd, &st) == -1) {
		tlsh_seterr("%s: %s", f->shown, strerror(errno));
		s = NULL;
	} else
		s = open_in(f->dirfd, name, shown, flags, &st);
	free(name);
	free(shown);
	return s;
}

struct sfile *
sfile_sibling(struct sfile *f, const char *suffix, int flags)
{
	return f->ops->sibling(f, suffix, flags);
}

void
sfile_close(struct sfile *f)
{
	if (f == NULL)
		return;
	f->ops->close(f);
	free(f->shown);
	free(f->name);
	free(f);
}

const char *
sfile_name(const struct sfile *f)
{
	return f->shown;
}

int
sfile_read(struct sfile *f, void *buf, size_t len, uint64_t off)
{
	return f->ops->pread(f, buf, len, off);
}

int
sfile_write(struct sfile *f, const void *buf, size_t len, uint64_t off)
{
	return f->ops->pwrite(f, buf, len, off);
}

int
sfile_size(struct sfile *f, uint64_t *len)
{
	return f->ops->size(f, len);
}

int
sfile_truncate(struct sfile *f, uint64_t len)
{
	return f->ops->truncate(f, len);
}

int
sfile_sync(struct sfile *f)
{
	return f->ops->sync(f);
}

int
sfile_sync_dir(struct sfile *f)
{
	return f->ops->sync_dir(f);
}

unsigned char *
sfile_slurp(struct sfile *f, size_t *len)
{
	uint64_t n;
	unsigned char *b;

	if (sfile_size(f, &n) == -1)
		return NULL;
	if (n > STORE_FILE_MAX) {
		tlsh_seterr("%s: %ju bytes, more than a hive or its log can be "
		    "(Windows keeps hives under 2 GB)", f->shown, (uintmax_t)n);
		return NULL;
	}
	b = xmalloc((size_t)n + 1);
	if (n && sfile_read(f, b, (size_t)n, 0) == -1) {
		free(b);
		return NULL;
	}
	b[n] = '\0';
	*len = (size_t)n;
	return b;
}

unsigned char *
sfile_view(struct sfile *f, size_t len)
{
	return f->ops->view(f, len);
}

void
sfile_view_free(struct sfile *f, unsigned char *p, size_t len)
{
	if (p != NULL)
		f->ops->view_free(f, p, len);
}

const char *
sfile_open_path(struct sfile *f)
{
	return f->ops->open_path(f);
}

struct sfile *
sfile_new(const struct sfile_ops *ops, void *priv, const char *shown)
{
	struct sfile *f = xcalloc(1, sizeof(*f));

	f->ops = ops;
	f->priv = priv;
	f->shown = xstrdup(shown);
	f->dirfd = f->fd = f->dfd = -1;
	return f;
}

void *
sfile_priv(const struct sfile *f)
{
	return f->priv;
}

int
store_write_new(const char *path, const void *data, size_t len)
{
	char *d = xstrdup(path);
	int dirfd, rc;

	if ((dirfd = open(dirname(d), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1) {
		tlsh_seterr("%s: %s", path, strerror(errno));
		free(d);
		return -1;
	}
	rc = store_write_at(dirfd, path, data, len);
	close(dirfd);
	free(d);
	return rc;
}

int
store_write_at(int dirfd, const char *path, const void *data, size_t len)
{
	char *b = xstrdup(path);
	char *tmp = xasprintf(".%s.tlshive-XXXXXX", basename(b));
	int fd = -1, rc = -1, slot = -1;
	struct sfile f = { &dir_ops, (char *)path, NULL, -1, -1, NULL, "", -1,
	    NULL };

	f.dirfd = dirfd;
	/* mkstemp's pattern, made relative to the directory descriptor */
	tmp_block();
	for (int tries = 0; tries < 100 && fd == -1; tries++) {
		static const char set[] = "abcdefghijklmnopqrstuvwxyz0123456789";
		char *x = tmp + strlen(tmp) - 6;
		for (int i = 0; i < 6; i++)
			x[i] = set[(unsigned)rand() % (sizeof(set) - 1)];
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0644);
		if (fd == -1 && errno != EEXIST)
			break;
	}
	if (fd != -1)
		slot = tmp_hold(dirfd, tmp, 0);
	tmp_unblock();
	if (fd == -1) {
		tlsh_seterr("%s: cannot create a file beside it: %s", path,
		    strerror(errno));
		goto out;
	}
	f.fd = fd;
	if (dir_pwrite(&f, data, len, 0) == -1 || dir_sync(&f) == -1)
		goto fail;
	if (renameat(dirfd, tmp, dirfd, basename(b)) == -1) {
		tlsh_seterr("%s: %s", path, strerror(errno));
		goto fail;
	}
	tmp_release(slot);
	slot = -1;
	if (dir_sync_dir(&f) == 0)
		rc = 0;
	goto out;
fail:
	unlinkat(dirfd, tmp, 0);
out:
	tmp_release(slot);
	if (fd != -1)
		close(fd);
	free(tmp);
	free(b);
	return rc;
}

int
store_leftovers(const char *path, struct strlist *removed)
{
	char *d = xstrdup(path), *b = xstrdup(path), *want;
	const char *leaf = basename(b), *dn = dirname(d);
	size_t wl;
	int dirfd, rc = 0;
	DIR *dir;
	struct dirent *e;

	want = xasprintf(".%s.tlshive-", leaf);
	wl = strlen(want);
	if ((dirfd = open(dn, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1 || (dir = fdopendir(dirfd)) == NULL) {
		tlsh_seterr("%s: %s", dn, strerror(errno));
		if (dirfd != -1)
			close(dirfd);
		free(want);
		free(d);
		free(b);
		return -1;
	}
	while ((e = readdir(dir)) != NULL) {
		struct stat st;
		int ok = strncasecmp(e->d_name, want, wl) == 0 &&
		    strlen(e->d_name) == wl + 6;

		for (size_t i = wl; ok && e->d_name[i]; i++)
			ok = isalnum((unsigned char)e->d_name[i]);
		if (!ok || fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) ==
		    -1 || !S_ISREG(st.st_mode))
			continue;
		if (unlinkat(dirfd, e->d_name, 0) == -1) {
			tlsh_seterr("%s/%s: cannot remove it: %s", dn,
			    e->d_name, strerror(errno));
			rc = -1;
			break;
		}
		sl_add(removed, "%s (%lld bytes)", e->d_name,
		    (long long)st.st_size);
	}
	closedir(dir);
	free(want);
	free(d);
	free(b);
	return rc;
}

/* Files in memory */

struct mfile {
	unsigned char *p;
	size_t len, cap;
	int memfd;
	char proc[40];
};

static int
m_pread(struct sfile *f, void *buf, size_t len, uint64_t off)
{
	struct mfile *m = f->priv;

	if (off > m->len || len > m->len - off) {
		tlsh_seterr("%s: cannot read it: unexpected end of file",
		    f->shown);
		return -1;
	}
	memcpy(buf, m->p + off, len);
	return 0;
}

static int
m_truncate(struct sfile *f, uint64_t len)
{
	struct mfile *m = f->priv;

	if (len > (uint64_t)1 << 32) {
		tlsh_seterr("%s: too large", f->shown);
		return -1;
	}
	if (len > m->cap) {
		m->p = xrealloc(m->p, (size_t)len);
		m->cap = (size_t)len;
	}
	if (len > m->len)
		memset(m->p + m->len, 0, (size_t)len - m->len);
	m->len = (size_t)len;
	return 0;
}

static int
m_pwrite(struct sfile *f, const void *buf, size_t len, uint64_t off)
{
	struct mfile *m = f->priv;

	if (off + len > m->len && m_truncate(f, off + len) == -1)
		return -1;
	memcpy(m->p + off, buf, len);
	return 0;
}

static int
m_size(struct sfile *f, uint64_t *len)
{
	*len = ((struct mfile *)f->priv)->len;
	return 0;
}

static int
m_sync(struct sfile *f)
{
	(void)f;
	return 0;
}

static unsigned char *
m_view(struct sfile *f, size_t len)
{
	struct mfile *m = f->priv;
	unsigned char *p = xcalloc(1, len ? len : 1);

	memcpy(p, m->p, m->len < len ? m->len : len);
	return p;
}

static void
m_view_free(struct sfile *f, unsigned char *p, size_t len)
{
	(void)f;
	(void)len;
	free(p);
}

static const char *
m_open_path(struct sfile *f)
{
	struct mfile *m = f->priv;

	if (m->memfd != -1)
		close(m->memfd);
	/* a fresh copy each time: hivex reads what the buffer holds now */
	if ((m->memfd = memfd_create("tlshive-mem", MFD_CLOEXEC)) == -1 ||
	    write_all_fd(m->memfd, m->p, m->len) == -1)
		return "/nonexistent";
	snprintf(m->proc, sizeof(m->proc), "/proc/self/fd/%d", m->memfd);
	return m->proc;
}

static void
m_close(struct sfile *f)
{
	struct mfile *m = f->priv;

	if (m->memfd != -1)
		close(m->memfd);
	free(m->p);
	free(m);
}

static struct sfile *m_sibling(struct sfile *, const char *, int);

static const struct sfile_ops mem_ops = {
	m_pread, m_pwrite, m_size, m_truncate, m_sync, m_sync, m_sibling,
	m_view, m_view_free, m_open_path, m_close
};

struct sfile *
sfile_memory(const char *shown, const unsigned char *data, size_t len)
{
	struct mfile *m = xcalloc(1, sizeof(*m));

	m->p = xmalloc(len ? len : 1);
	if (len)
		memcpy(m->p, data, len);
	m->len = m->cap = len;
	m->memfd = -1;
	return sfile_new(&mem_ops, m, shown);
}

/* A WIM image needs no transaction log: its hive is replaced whole. */
static struct sfile *
m_sibling(struct sfile *f, const char *suffix, int flags)
{
	char *shown = xasprintf("%s%s", f->shown, suffix);
	struct sfile *s = NULL;

	if (flags & SF_CREATE)
		s = sfile_memory(shown, NULL, 0);
	else {
		tlsh_seterr("%s: %s", shown, strerror(ENOENT));
		errno = ENOENT;
	}
	free(shown);
	return s;
}

const unsigned char *
sfile_memory_data(struct sfile *f, size_t *len)
{
	struct mfile *m = f->priv;

	*len = m->len;
	return m->p;
}
