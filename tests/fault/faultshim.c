/*
 * An LD_PRELOAD shim for the fault and crash tests.
 *
 *   TLSHIVE_FAULT="call:n:what[:suffix]"
 *
 * makes the n-th call (or, written "n+", the n-th and every later one) to
 * write, pwrite, fsync, ftruncate, rename, link, mkstemp or open fail,
 * counting only calls on files whose base name matches the pattern
 * suffix when one is given ("SYSTEM", "SOFTWARE.LOG2", "*.LOG?").  what is an errno number (28 ENOSPC, 5 EIO,
 * 30 EROFS, 13 EACCES), "kill" (SIGKILL before the call: the state a crash
 * leaves), "tear" (only the first half of a write reaches the file,
 * then SIGKILL: a torn page), or "int", "term", "hup" (that signal before
 * the call, as Ctrl-C or a kill would send it), or "hang" (the call never
 * returns: a stuck image), or "escape" (the call goes on, after the
 * process has tried to reach the host as an image that took it over
 * would: see probe() below).  A pattern with a slash matches the whole path,
 * so that one image of several can be picked out.  Every failure path of a commit thus runs for
 * real against real files.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { PASS, FAIL, KILL, TEAR };

/* Does the file's base name match the pattern (fnmatch)? */
static int
names_match(int fd, const char *path, const char *pattern)
{
	char link[64], buf[4096];
	const char *base;
	ssize_t n;

	if (path == NULL) {
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		if ((n = readlink(link, buf, sizeof(buf) - 1)) <= 0)
			return 0;
		buf[n] = '\0';
		path = buf;
	}
	/* a pattern with a slash is matched against the whole path */
	if (strchr(pattern, '/'))
		return fnmatch(pattern, path, 0) == 0;
	base = strrchr(path, '/');
	return fnmatch(pattern, base ? base + 1 : path, 0) == 0;
}

static void
say(const char *name, int ok, int e)
{
	char line[256];
	int n = snprintf(line, sizeof(line), "probe %s: %s%s%s\n", name,
	    ok ? "reached" : "refused", ok ? "" : " ", ok ? "" : strerror(e));

	if (n > 0 && (size_t)n < sizeof(line) && syscall(SYS_write, 2, line,
	    (size_t)n) < 0)
		_exit(99);
}

/*
 * What code an image took over would try next: a host file named by
 * TLSHIVE_PROBE_FILE, read and written; a file of the image
 * (TLSHIVE_PROBE_OWN), written; another process
 * (TLSHIVE_PROBE_PID); the network; new namespaces and mounts; the
 * kernel's knobs; other processes at all.  One line each on stderr,
 * "reached" or "refused" with the reason.
 */
static void
probe(void)
{
	const char *file = getenv("TLSHIVE_PROBE_FILE");
	const char *pid = getenv("TLSHIVE_PROBE_PID");
	const char *own = getenv("TLSHIVE_PROBE_OWN");
	DIR *d;
	struct dirent *de;
	int fd, n = 0;

	if (file) {
		fd = (int)syscall(SYS_openat, AT_FDCWD, file, O_RDONLY);
		say("read", fd >= 0, errno);
		if (fd >= 0)
			close(fd);
		fd = (int)syscall(SYS_openat, AT_FDCWD, file, O_WRONLY |
		    O_APPEND);
		say("write", fd >= 0, errno);
		if (fd >= 0)
			close(fd);
	}
	if (own) {
		char suid[4096];
		fd = (int)syscall(SYS_openat, AT_FDCWD, own, O_WRONLY |
		    O_APPEND);
		say("own", fd >= 0, errno);
		if (fd >= 0)
			close(fd);
		/* a set-user-ID file made beside it would run as root on
		 * the host */
		snprintf(suid, sizeof(suid), "%s.suid", own);
		fd = (int)syscall(SYS_openat, AT_FDCWD, suid, O_WRONLY | O_CREAT |
		    O_EXCL, 04755);
		say("setuid", fd >= 0, errno);
		if (fd >= 0) {
			close(fd);
			unlink(suid);
		}
	}
	if (pid)
		say("signal", kill(atoi(pid), 0) == 0, errno);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	say("inet", fd >= 0, errno);
	if (fd >= 0)
		close(fd);
	fd = (int)syscall(SYS_openat, AT_FDCWD, "/proc/sys/kernel/domainname",
	    O_WRONLY);
	say("sysctl", fd >= 0, errno);
	if (fd >= 0)
		close(fd);
	/* processes: the contained one sees its own namespace's few */
	if ((d = opendir("/proc")) != NULL) {
		while ((de = readdir(d)) != NULL)
			n += de->d_name[0] >= '1' && de->d_name[0] <= '9';
		closedir(d);
	}
	say("processes", n > 8, EPERM);
	/* last, and only in this child of the probe: a mount namespace of
	 * its own (private, so nothing propagates back), then a user one */
	n = unshare(CLONE_NEWNS);
	if (n == 0 && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0)
		n = mount("none", "/tmp", "tmpfs", 0, NULL);
	say("mount", n == 0, errno);
	say("userns", unshare(CLONE_NEWUSER) == 0, errno);
}

static int
trip(const char *call, int fd, const char *path)
{
	static int counts[16];
	static const char *const calls[] = { "write", "pwrite", "fsync",
	    "ftruncate", "rename", "link", "mkstemp", "open", NULL };
	const char *spec = getenv("TLSHIVE_FAULT");
	char name[16], what[16], suffix[256] = "";
	int n, i, from = 0, k;

	if (spec == NULL || sscanf(spec, "%15[^:]:%d%n", name, &n, &k) != 2 ||
	    strcmp(name, call) != 0)
		return PASS;
	if (spec[k] == '+') {
		from = 1;
		k++;
	}
	if (sscanf(spec + k, ":%15[^:]:%255s", what, suffix) < 1)
		return PASS;
	if (*suffix && !names_match(fd, path, suffix))
		return PASS;
	for (i = 0; calls[i] && strcmp(calls[i], call) != 0; i++)
		;
	if (calls[i] == NULL)
		return PASS;
	if (++counts[i] != n && !(from && counts[i] > n))
		return PASS;
	if (strcmp(what, "int") == 0 || strcmp(what, "term") == 0 ||
	    strcmp(what, "hup") == 0) {
		raise(what[0] == 'i' ? SIGINT : what[0] == 't' ? SIGTERM :
		    SIGHUP);
		return PASS;
	}
	if (strcmp(what, "escape") == 0) {
		pid_t p = fork();
		if (p == 0) {
			probe();
			_exit(0);
		}
		if (p > 0)
			waitpid(p, NULL, 0);
		return PASS;
	}
	if (strcmp(what, "hang") == 0)
		for (;;)
			pause();
	if (strcmp(what, "kill") == 0)
		return KILL;
	if (strcmp(what, "tear") == 0)
		return TEAR;
	errno = atoi(what);
	return FAIL;
}

static void
die(void)
{
	raise(SIGKILL);
	_exit(137);
}

#define REAL(type, name, args) \
	static type (*real) args; \
	if (real == NULL) \
		real = (type (*) args)dlsym(RTLD_NEXT, #name)

ssize_t
write(int fd, const void *buf, size_t len)
{
	REAL(ssize_t, write, (int, const void *, size_t));
	int t;

	/* only file writes count, not messages on stdout/stderr */
	if (fd <= 2)
		return real(fd, buf, len);
	switch ((t = trip("write", fd, NULL))) {
	case FAIL:
		return -1;
	case KILL:
		die();
		break;
	case TEAR:
		real(fd, buf, len / 2);
		die();
	}
	return real(fd, buf, len);
}

static ssize_t
shim_pwrite(ssize_t (*real)(int, const void *, size_t, off_t), int fd,
    const void *buf, size_t len, off_t off)
{
	switch (trip("pwrite", fd, NULL)) {
	case FAIL:
		return -1;
	case KILL:
		die();
		break;
	case TEAR:
		real(fd, buf, len / 2 / 512 * 512, off);
		die();
	}
	return real(fd, buf, len, off);
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

int
fsync(int fd)
{
	REAL(int, fsync, (int));
	switch (trip("fsync", fd, NULL)) {
	case FAIL:
		return -1;
	case KILL:
	case TEAR:
		die();
	}
	return real(fd);
}

static int
shim_ftruncate(int (*real)(int, off_t), int fd, off_t len)
{
	switch (trip("ftruncate", fd, NULL)) {
	case FAIL:
		return -1;
	case KILL:
	case TEAR:
		die();
	}
	return real(fd, len);
}

int
ftruncate(int fd, off_t len)
{
	REAL(int, ftruncate, (int, off_t));
	return shim_ftruncate(real, fd, len);
}

int
ftruncate64(int fd, off_t len)
{
	REAL(int, ftruncate64, (int, off_t));
	return shim_ftruncate(real, fd, len);
}

int
rename(const char *a, const char *b)
{
	REAL(int, rename, (const char *, const char *));
	return trip("rename", -1, b) == FAIL ? -1 : real(a, b);
}

int
renameat(int da, const char *a, int db, const char *b)
{
	REAL(int, renameat, (int, const char *, int, const char *));
	return trip("rename", -1, b) == FAIL ? -1 : real(da, a, db, b);
}

int
link(const char *a, const char *b)
{
	REAL(int, link, (const char *, const char *));
	return trip("link", -1, b) == FAIL ? -1 : real(a, b);
}

int
mkstemp(char *t)
{
	REAL(int, mkstemp, (char *));
	return trip("mkstemp", -1, t) == FAIL ? -1 : real(t);
}

int
mkstemp64(char *t)
{
	REAL(int, mkstemp64, (char *));
	return trip("mkstemp", -1, t) == FAIL ? -1 : real(t);
}

#define SHIM_OPEN(name, call) \
int \
name(const char *path, int flags, ...) \
{ \
	REAL(int, name, (const char *, int, ...)); \
	mode_t mode = 0; \
	va_list ap; \
 \
	if (flags & O_CREAT) { \
		va_start(ap, flags); \
		mode = va_arg(ap, mode_t); \
		va_end(ap); \
	} \
	if (trip("open", -1, path) == FAIL) \
		return -1; \
	return real(path, flags, mode); \
}
SHIM_OPEN(open, open)
SHIM_OPEN(open64, open64)

#define SHIM_OPENAT(name) \
int \
name(int dirfd, const char *path, int flags, ...) \
{ \
	REAL(int, name, (int, const char *, int, ...)); \
	mode_t mode = 0; \
	va_list ap; \
 \
	if (flags & O_CREAT) { \
		va_start(ap, flags); \
		mode = va_arg(ap, mode_t); \
		va_end(ap); \
	} \
	if (trip("open", -1, path) == FAIL) \
		return -1; \
	return real(dirfd, path, flags, mode); \
}
SHIM_OPENAT(openat)
SHIM_OPENAT(openat64)
