/*
 * An LD_PRELOAD shim for the fault tests: TLSHIVE_FAULT="call:n:errno"
 * makes the n-th call to write, fsync, rename, link, mkstemp or open fail
 * with that errno (ENOSPC, EIO, EROFS, EACCES, EPERM), so each failure
 * path of a commit runs for real against real files.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int
trip(const char *call)
{
	static int counts[8];
	static const char *const names[] = { "write", "fsync", "rename",
	    "link", "mkstemp", "open", NULL };
	const char *spec = getenv("TLSHIVE_FAULT");
	char name[16];
	int n, err, i;

	if (spec == NULL || sscanf(spec, "%15[^:]:%d:%d", name, &n, &err) != 3 ||
	    strcmp(name, call) != 0)
		return 0;
	for (i = 0; names[i] && strcmp(names[i], call) != 0; i++)
		;
	if (names[i] == NULL || ++counts[i] != n)
		return 0;
	errno = err;
	return 1;
}

#define REAL(type, name, args) \
	static type (*real) args; \
	if (real == NULL) \
		real = (type (*) args)dlsym(RTLD_NEXT, #name)

ssize_t
write(int fd, const void *buf, size_t len)
{
	REAL(ssize_t, write, (int, const void *, size_t));
	/* only the hive writes count, not messages on stdout/stderr */
	if (fd > 2 && trip("write"))
		return -1;
	return real(fd, buf, len);
}

int
fsync(int fd)
{
	REAL(int, fsync, (int));
	return trip("fsync") ? -1 : real(fd);
}

int
rename(const char *a, const char *b)
{
	REAL(int, rename, (const char *, const char *));
	return trip("rename") ? -1 : real(a, b);
}

int
link(const char *a, const char *b)
{
	REAL(int, link, (const char *, const char *));
	return trip("link") ? -1 : real(a, b);
}

int
mkstemp(char *t)
{
	REAL(int, mkstemp, (char *));
	return trip("mkstemp") ? -1 : real(t);
}

int
mkstemp64(char *t)
{
	REAL(int, mkstemp64, (char *));
	return trip("mkstemp") ? -1 : real(t);
}

int
open(const char *path, int flags, ...)
{
	REAL(int, open, (const char *, int, ...));
	mode_t mode = 0;
	va_list ap;

	if (flags & O_CREAT) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if (trip("open"))
		return -1;
	return real(path, flags, mode);
}

int
open64(const char *path, int flags, ...)
{
	REAL(int, open64, (const char *, int, ...));
	mode_t mode = 0;
	va_list ap;

	if (flags & O_CREAT) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if (trip("open"))
		return -1;
	return real(path, flags, mode);
}
