/* Files outside a contained child's view, handled by its parent. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/hostfile.h"
#include "io/store.h"
#include "tlshive.h"

static int channel = -1;
static volatile sig_atomic_t journal = HJ_NONE;

int
hostfile_journal(void)
{
	return journal;
}

void
hostfile_journal_note(int removed)
{
	if (!removed)
		journal = HJ_WRITTEN;
	else
		journal = journal == HJ_WRITTEN ? HJ_DONE : HJ_REPLAYED;
}

void
hostfile_channel(int fd)
{
	channel = fd;
}

int
hostfile_remote(void)
{
	return channel != -1;
}

static int
full_write(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n) {
		/* a child gone is an error here, not a SIGPIPE */
		ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
full_read(int fd, void *p, size_t n)
{
	char *c = p;

	while (n) {
		ssize_t r = read(fd, c, n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		c += r;
		n -= (size_t)r;
	}
	return 0;
}

/* A request: op, the path's and the data's lengths, path, data. */
struct req {
	char op;		/* 'W' write, 'E' exists, 'U' remove */
	uint32_t plen;
	uint64_t dlen;
};

/* An answer: 0 done (or absent), 1 present, 2 failed with the text. */
struct ans {
	char rc;
	uint32_t mlen;
};

static int
ask(char op, const char *path, const void *data, size_t len)
{
	struct req q = { op, (uint32_t)strlen(path), len };
	struct ans a;
	char msg[1024];

	if (full_write(channel, &q, sizeof(q)) == -1 ||
	    full_write(channel, path, q.plen) == -1 ||
	    full_write(channel, data, len) == -1 ||
	    full_read(channel, &a, sizeof(a)) == -1 ||
	    a.mlen >= sizeof(msg) || full_read(channel, msg, a.mlen) == -1) {
		tlsh_seterr("%s: the parent process is gone", path);
		return -1;
	}
	msg[a.mlen] = '\0';
	if (a.rc == 2) {
		tlsh_seterr("%s", msg);
		return -1;
	}
	return a.rc;
}

static int
remove_at(int dirfd, const char *path)
{
	char *b = xstrdup(path);
	int rc = 0;

	if (unlinkat(dirfd, basename(b), 0) == -1 && errno != ENOENT) {
		tlsh_seterr("%s: cannot remove it: %s", path, strerror(errno));
		rc = -1;
	} else if (fsync(dirfd) == -1) {
		tlsh_seterr("%s: fsync of its directory: %s", path,
		    strerror(errno));
		rc = -1;
	}
	free(b);
	return rc;
}

int
hostfile_put(const char *path, const void *data, size_t len)
{
	if (channel == -1)
		return store_write_new(path, data, len);
	return ask('W', path, data, len) == -1 ? -1 : 0;
}

int
hostfile_exists(const char *path)
{
	struct stat st;

	if (channel == -1)
		return lstat(path, &st) == 0;
	return ask('E', path, "", 0) == 1;
}

int
hostfile_remove(const char *path)
{
	char *d;
	int dirfd, rc;

	if (channel != -1)
		return ask('U', path, "", 0) == -1 ? -1 : 0;
	d = xstrdup(path);
	if ((dirfd = open(dirname(d), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1) {
		tlsh_seterr("%s: %s", path, strerror(errno));
		free(d);
		return -1;
	}
	rc = remove_at(dirfd, path);
	close(dirfd);
	free(d);
	return rc;
}

void
hostfile_allow(struct hostfile_allow *a, const char *path, int put, int test,
    int remove)
{
	char *d = xstrdup(path);

	a->path = xstrdup(path);
	a->dirfd = open(dirname(d), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	a->put = put;
	a->test = test;
	a->remove = remove;
	free(d);
}

void
hostfile_allow_free(struct hostfile_allow *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(a[i].path);
		if (a[i].dirfd != -1)
			close(a[i].dirfd);
	}
}

/* Skips what a refused request sends, without keeping it. */
static int
drain(int fd, uint64_t n)
{
	char buf[65536];

	while (n) {
		size_t k = n < sizeof(buf) ? (size_t)n : sizeof(buf);
		if (full_read(fd, buf, k) == -1)
			return -1;
		n -= k;
	}
	return 0;
}

/*
 * The child names the file; the parent acts only on a name it allowed,
 * in the directory it opened for it, and reads the bytes of a write only
 * once the name and the size are found good.
 */
void
hostfile_serve(int fd, struct hostfile_allow *allow, size_t n)
{
	struct req q;

	while (full_read(fd, &q, sizeof(q)) == 0) {
		struct ans a = { 2, 0 };
		struct hostfile_allow *al = NULL;
		char path[4097], *msg = NULL;
		unsigned char *data = NULL;
		struct stat st;

		if (q.plen >= sizeof(path) || full_read(fd, path, q.plen) == -1)
			break;
		path[q.plen] = '\0';
		for (size_t i = 0; i < n && al == NULL; i++)
			if (strcmp(allow[i].path, path) == 0)
				al = &allow[i];
		if (al == NULL || !(q.op == 'W' ? al->put : q.op == 'E' ?
		    al->test : q.op == 'U' ? al->remove : 0))
			msg = xasprintf("%s: not a file this run may write: "
			    "refused", path);
		else if (al->dirfd == -1)
			msg = xasprintf("%s: its directory cannot be opened",
			    path);
		else if (q.dlen > STORE_FILE_MAX)
			msg = xasprintf("%s: larger than tlshive writes", path);
		if (msg || q.op != 'W') {
			if (drain(fd, q.dlen) == -1) {
				free(msg);
				break;
			}
		} else if ((data = malloc(q.dlen ? q.dlen : 1)) == NULL ||
		    full_read(fd, data, q.dlen) == -1) {
			free(data);
			break;
		}
		if (msg == NULL) {
			char *b = xstrdup(path);
			if (q.op == 'E')
				a.rc = fstatat(al->dirfd, basename(b), &st,
				    AT_SYMLINK_NOFOLLOW) == 0;
			else if (q.op == 'U')
				a.rc = remove_at(al->dirfd, path) == 0 ? 0 : 2;
			else
				a.rc = store_write_at(al->dirfd, path, data,
				    q.dlen) == 0 ? 0 : 2;
			if (a.rc == 2)
				msg = xstrdup(tlsh_errmsg());
			/* only a journal may be removed (allow_files) */
			else if (al->remove && q.op != 'E')
				hostfile_journal_note(q.op == 'U');
			free(b);
		}
		if (msg)
			a.mlen = strlen(msg) > 1000 ? 1000 : (uint32_t)strlen(msg);
		if (full_write(fd, &a, sizeof(a)) == -1 ||
		    (msg && full_write(fd, msg, a.mlen) == -1)) {
			free(msg);
			free(data);
			break;
		}
		free(msg);
		free(data);
	}
}
