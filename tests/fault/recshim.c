/*
 * An LD_PRELOAD recorder for the power-loss tests (tests/tools/powercut.py).
 *
 *   TLSHIVE_RECORD=FILE
 *
 * appends one line to FILE for every call that changes a file or makes a
 * change durable, in the order the process makes them, and the bytes
 * written to FILE.data:
 *
 *   W path offset length dataoffset     write, pwrite (O_DIRECT ones too)
 *   T path length                       ftruncate
 *   S path                              fsync, fdatasync of a file
 *   D path                              fsync of a directory
 *   C path                              open made the file
 *   R oldpath newpath                   rename, renameat
 *   U path                              unlink, unlinkat
 *
 * Paths are absolute (the descriptor's /proc/self/fd link).  Only calls
 * that succeed are recorded; messages on 0, 1 and 2 are not.  A path with
 * a space or a newline is recorded as "?", which the explorer refuses.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#define REAL(type, name, args) \
	static type (*real) args; \
	if (real == NULL) \
		real = (type (*) args)dlsym(RTLD_NEXT, #name)

static int
raw_open(const char *path, int flags)
{
	return (int)syscall(SYS_openat, AT_FDCWD, path, flags, 0644);
}

static void
raw_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n) {
		ssize_t w = syscall(SYS_write, fd, c, n);
		if (w <= 0)
			abort();
		c += w;
		n -= (size_t)w;
	}
}

static int rec = -1, dat = -1;
static off_t datoff;

static int
recording(void)
{
	const char *f = getenv("TLSHIVE_RECORD");
	char d[PATH_MAX];
	struct stat st;

	if (f == NULL)
		return 0;
	if (rec == -1) {
		snprintf(d, sizeof(d), "%s.data", f);
		rec = raw_open(f, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC);
		dat = raw_open(d, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC);
		if (rec == -1 || dat == -1)
			abort();
		datoff = fstat(dat, &st) == 0 ? st.st_size : 0;
	}
	return 1;
}

/*
 * Our own records are not recorded, nor memory files (hivex's result
 * and the overlays live in memfds) or anything else that is no file.
 */
static int
ours(int fd)
{
	char link[64], buf[64];
	ssize_t r;

	if (fd == rec || fd == dat || fd <= 2)
		return 1;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	r = readlink(link, buf, sizeof(buf) - 1);
	if (r <= 0)
		return 1;
	buf[r] = '\0';
	return buf[0] != '/' || strncmp(buf, "/memfd:", 7) == 0;
}

static void
fd_path(int fd, char *buf, size_t n)
{
	char link[64];
	ssize_t r;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	r = readlink(link, buf, n - 1);
	if (r <= 0 || memchr(buf, ' ', (size_t)r) || memchr(buf, '\n',
	    (size_t)r))
		strcpy(buf, "?");
	else
		buf[r] = '\0';
}

static void
at_path(int dirfd, const char *name, char *buf, size_t n)
{
	char d[PATH_MAX];

	if (name[0] == '/' || dirfd == AT_FDCWD) {
		if (name[0] == '/')
			snprintf(buf, n, "%s", name);
		else if (getcwd(d, sizeof(d)) != NULL)
			snprintf(buf, n, "%s/%s", d, name);
		else
			strcpy(buf, "?");
	} else {
		fd_path(dirfd, d, sizeof(d));
		snprintf(buf, n, "%s/%s", d, name);
	}
	if (strchr(buf, ' ') || strchr(buf, '\n'))
		strcpy(buf, "?");
}

static void
line(const char *fmt, ...)
{
	char buf[3 * PATH_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof(buf))
		raw_write_all(rec, buf, (size_t)n);
}

static void
rec_write(int fd, const void *buf, size_t len, off_t off)
{
	char p[PATH_MAX];

	fd_path(fd, p, sizeof(p));
	line("W %s %lld %zu %lld\n", p, (long long)off, len,
	    (long long)datoff);
	raw_write_all(dat, buf, len);
	datoff += (off_t)len;
}

ssize_t
write(int fd, const void *buf, size_t len)
{
	REAL(ssize_t, write, (int, const void *, size_t));
	off_t at;
	ssize_t r;

	if (!recording() || ours(fd))
		return real(fd, buf, len);
	at = lseek(fd, 0, SEEK_CUR);
	r = real(fd, buf, len);
	if (r > 0 && at != -1)
		rec_write(fd, buf, (size_t)r, at);
	return r;
}

static ssize_t
shim_pwrite(ssize_t (*real)(int, const void *, size_t, off_t), int fd,
    const void *buf, size_t len, off_t off)
{
	ssize_t r = real(fd, buf, len, off);

	if (r > 0 && recording() && !ours(fd))
		rec_write(fd, buf, (size_t)r, off);
	return r;
}

ssize_t
pwrite(int fd, const void *buf, size_t len, off_t off)
{
	REAL(ssize_t, pwrite, (int, const void *, size_t, off_t));
	return shim_pwrite(real, fd, buf, len, off);
}

ssize_t
pwrite64(int fd, const void *buf, size_t len, off_t off)
{
	REAL(ssize_t, pwrite64, (int, const void *, size_t, off_t));
	return shim_pwrite(real, fd, buf, len, off);
}

static int
shim_truncate(int (*real)(int, off_t), int fd, off_t len)
{
	int r = real(fd, len);
	char p[PATH_MAX];

	if (r == 0 && recording() && !ours(fd)) {
		fd_path(fd, p, sizeof(p));
		line("T %s %lld\n", p, (long long)len);
	}
	return r;
}

int
ftruncate(int fd, off_t len)
{
	REAL(int, ftruncate, (int, off_t));
	return shim_truncate(real, fd, len);
}

int
ftruncate64(int fd, off_t len)
{
	REAL(int, ftruncate64, (int, off_t));
	return shim_truncate(real, fd, len);
}

static int
shim_sync(int (*real)(int), int fd)
{
	int r = real(fd);
	char p[PATH_MAX];
	struct stat st;

	if (r == 0 && recording() && !ours(fd)) {
		fd_path(fd, p, sizeof(p));
		line("%c %s\n", fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) ?
		    'D' : 'S', p);
	}
	return r;
}

int
fsync(int fd)
{
	REAL(int, fsync, (int));
	return shim_sync(real, fd);
}

int
fdatasync(int fd)
{
	REAL(int, fdatasync, (int));
	return shim_sync(real, fd);
}

#define SHIM_OPEN(name) \
int \
name(const char *path, int flags, ...) \
{ \
	REAL(int, name, (const char *, int, ...)); \
	mode_t mode = 0; \
	va_list ap; \
	char p[PATH_MAX]; \
	int existed = 1, fd; \
 \
	if (flags & O_CREAT) { \
		va_start(ap, flags); \
		mode = va_arg(ap, mode_t); \
		va_end(ap); \
		existed = syscall(SYS_faccessat, AT_FDCWD, path, F_OK) == 0; \
	} \
	fd = real(path, flags, mode); \
	if (fd >= 0 && !existed && recording()) { \
		at_path(AT_FDCWD, path, p, sizeof(p)); \
		line("C %s\n", p); \
	} \
	return fd; \
}
SHIM_OPEN(open)
SHIM_OPEN(open64)

#define SHIM_OPENAT(name) \
int \
name(int dirfd, const char *path, int flags, ...) \
{ \
	REAL(int, name, (int, const char *, int, ...)); \
	mode_t mode = 0; \
	va_list ap; \
	char p[PATH_MAX]; \
	int existed = 1, fd; \
 \
	if (flags & O_CREAT) { \
		va_start(ap, flags); \
		mode = va_arg(ap, mode_t); \
		va_end(ap); \
		existed = syscall(SYS_faccessat, dirfd, path, F_OK) == 0; \
	} \
	fd = real(dirfd, path, flags, mode); \
	if (fd >= 0 && !existed && recording()) { \
		at_path(dirfd, path, p, sizeof(p)); \
		line("C %s\n", p); \
	} \
	return fd; \
}
SHIM_OPENAT(openat)
SHIM_OPENAT(openat64)

int
renameat(int od, const char *o, int nd, const char *n)
{
	REAL(int, renameat, (int, const char *, int, const char *));
	char a[PATH_MAX], b[PATH_MAX];
	int r;

	at_path(od, o, a, sizeof(a));
	at_path(nd, n, b, sizeof(b));
	if ((r = real(od, o, nd, n)) == 0 && recording())
		line("R %s %s\n", a, b);
	return r;
}

int
rename(const char *o, const char *n)
{
	return renameat(AT_FDCWD, o, AT_FDCWD, n);
}

int
unlinkat(int dirfd, const char *name, int flags)
{
	REAL(int, unlinkat, (int, const char *, int));
	char a[PATH_MAX];
	int r;

	at_path(dirfd, name, a, sizeof(a));
	if ((r = real(dirfd, name, flags)) == 0 && recording() &&
	    !(flags & AT_REMOVEDIR))
		line("U %s\n", a);
	return r;
}

int
unlink(const char *name)
{
	return unlinkat(AT_FDCWD, name, 0);
}
