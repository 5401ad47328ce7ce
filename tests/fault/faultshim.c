/*
 * An LD_PRELOAD shim for the fault and crash tests.
 *
 *   TLSHIVE_FAULT="call:n:what[:suffix]"
 *
 * makes the n-th call (or, written "n+", the n-th and every later one) to
 * write, pwrite, fsync, ftruncate, rename, link, mkstemp, open, read or
 * pread fail, counting only calls on files whose base name matches the
 * pattern suffix when one is given ("SYSTEM", "SOFTWARE.LOG2", "*.LOG?").  what is an errno number (28 ENOSPC, 5 EIO,
 * 30 EROFS, 13 EACCES), "kill" (SIGKILL before the call: the state a crash
 * leaves), "tear" (only the first half of a write reaches the file,
 * then SIGKILL: a torn page), or "int", "term", "hup" (that signal before
 * the call, as Ctrl-C or a kill would send it), or "hang" (the call never
 * returns: a stuck image), or "escape" (the call goes on, after the
 * process has tried to reach the host as an image that took it over
 * would: see probe() below).  A pattern with a slash matches the whole path,
 * so that one image of several can be picked out.  Every failure path of a commit thus runs for
 * real against real files.
 *
 * read and pread (pread64 too) count as "read" and "pread"; they take an
 * errno number and "kill" as above, and, since a wrong read-back or a
 * short read can otherwise never show:
 *   "short"  the call asks for half the bytes (none of one: end of file)
 *   "lie"    the call succeeds with every bit of its first byte flipped
 *   "lie@N"  the same for byte N of the file, counting only calls returning it
 * With "n+", short halves every later call again, so a loop that asks for
 * the rest meets the end of the file.  N of a pipe counts all read from it,
 * so the lie lands on one structure however the reads are cut; "pipe:*"
 * matches one (hivex hands over the new hive through a pipe: hive_stream).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <pthread.h>
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

enum { PASS, FAIL, KILL, TEAR, SHORT, LIE };

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

/*
 * Does the fault fire at this call?  A read is looked at twice: before
 * the call for the actions that keep it from happening as asked, and
 * after it (lo, hi: the file offsets it returned, hi -1 before) for a lie,
 * which needs the bytes and, for "lie@N", whether they hold byte N.  Only
 * the phase that can act counts the call.
 */
static int
trip_at(const char *call, int fd, const char *path, long long lo,
    long long hi, long long *lie_at)
{
	static int counts[16];
	static const char *const calls[] = { "write", "pwrite", "fsync",
	    "ftruncate", "rename", "link", "mkstemp", "open", "read", "pread",
	    NULL };
	const char *spec = getenv("TLSHIVE_FAULT");
	char name[16], what[16], suffix[256] = "";
	int n, i, from = 0, k, lie, seen;

	if (spec == NULL || sscanf(spec, "%15[^:]:%d%n", name, &n, &k) != 2 ||
	    strcmp(name, call) != 0)
		return PASS;
	if (spec[k] == '+') {
		from = 1;
		k++;
	}
	if (sscanf(spec + k, ":%15[^:]:%255s", what, suffix) < 1)
		return PASS;
	lie = strncmp(what, "lie", 3) == 0;
	if (lie != (hi >= 0))
		return PASS;
	if (lie) {
		*lie_at = what[3] == '@' ? atoll(what + 4) : lo;
		if (*lie_at < lo || *lie_at >= hi)
			return PASS;
	}
	if (*suffix && !names_match(fd, path, suffix))
		return PASS;
	for (i = 0; calls[i] && strcmp(calls[i], call) != 0; i++)
		;
	if (calls[i] == NULL)
		return PASS;
	/* two hives are streamed and compared on two threads at once
	 * (commit_hives): a call is counted once, whichever thread makes it */
	seen = __atomic_add_fetch(&counts[i], 1, __ATOMIC_SEQ_CST);
	if (seen != n && !(from && seen > n))
		return PASS;
	if (lie)
		return LIE;
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
	if (strcmp(what, "short") == 0)
		return SHORT;
	errno = atoi(what);
	return FAIL;
}

static int
trip(const char *call, int fd, const char *path)
{
	return trip_at(call, fd, path, -1, -1, NULL);
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

/*
 * Where a read starts: the offset given, the descriptor's own, or for a
 * pipe the bytes read from it so far, kept here by the pipe's inode (an
 * fd number is reused by the next pipe; the inode is not while the pipe
 * lives).  The table is small: a commit streams a hive or two.
 */
static struct stream {
	dev_t dev;
	ino_t ino;
	long long pos;
} streams[64];
static pthread_mutex_t streams_lock = PTHREAD_MUTEX_INITIALIZER;

static struct stream *
stream_of(int fd)
{
	struct stat st;
	size_t i;

	if (fstat(fd, &st) == -1 || !S_ISFIFO(st.st_mode))
		return NULL;
	for (i = 0; i < sizeof(streams) / sizeof(*streams) &&
	    streams[i].ino != 0; i++)
		if (streams[i].dev == st.st_dev && streams[i].ino == st.st_ino)
			return &streams[i];
	if (i == sizeof(streams) / sizeof(*streams))
		i = 0;		/* full: the first pipe, long read, makes room */
	streams[i].dev = st.st_dev;
	streams[i].ino = st.st_ino;
	streams[i].pos = 0;
	return &streams[i];
}

static int
lie_asked(const char *call)
{
	const char *spec = getenv("TLSHIVE_FAULT");
	size_t n = strlen(call);

	return spec && strncmp(spec, call, n) == 0 && spec[n] == ':' &&
	    strstr(spec + n, ":lie") != NULL;
}

static ssize_t (*real_read)(int, void *, size_t);

static ssize_t
plain_read(int fd, void *buf, size_t len, off_t off)
{
	(void)off;
	return real_read(fd, buf, len);
}

/* off is -1 for read, which reads at the descriptor's position */
static ssize_t
shim_read(const char *call, ssize_t (*rd)(int, void *, size_t, off_t),
    int fd, void *buf, size_t len, off_t off)
{
	struct stream *s = NULL;
	long long lo, at;
	ssize_t r;

	switch (trip_at(call, fd, NULL, -1, -1, NULL)) {
	case FAIL:
		return -1;
	case KILL:
	case TEAR:
		die();
		break;
	case SHORT:
		len /= 2;
	}
	/* placed only when a lie is asked for: every other read of the
	 * process goes on as it would without the shim */
	lo = off;
	if (lo < 0 && lie_asked(call) && (lo = lseek(fd, 0, SEEK_CUR)) < 0) {
		/* each pipe is read by one thread, the table by any */
		pthread_mutex_lock(&streams_lock);
		if ((s = stream_of(fd)) != NULL)
			lo = s->pos;
		pthread_mutex_unlock(&streams_lock);
	}
	r = rd(fd, buf, len, off);
	if (r > 0 && lo >= 0 && trip_at(call, fd, NULL, lo, lo + r, &at) ==
	    LIE)
		((unsigned char *)buf)[at - lo] ^= 0xff;
	if (r > 0 && s != NULL) {
		pthread_mutex_lock(&streams_lock);
		s->pos += r;
		pthread_mutex_unlock(&streams_lock);
	}
	return r;
}

ssize_t
read(int fd, void *buf, size_t len)
{
	if (real_read == NULL)
		real_read = (ssize_t (*)(int, void *, size_t))dlsym(RTLD_NEXT,
		    "read");
	/* messages and answers on the standard descriptors are not files */
	if (fd <= 2)
		return real_read(fd, buf, len);
	return shim_read("read", plain_read, fd, buf, len, -1);
}

ssize_t
pread(int fd, void *buf, size_t len, off_t off)
{
	REAL(ssize_t, pread, (int, void *, size_t, off_t));
	return shim_read("pread", real, fd, buf, len, off);
}

ssize_t
pread64(int fd, void *buf, size_t len, off_t off)
{
	REAL(ssize_t, pread64, (int, void *, size_t, off_t));
	return shim_read("pread", real, fd, buf, len, off);
}
