/* The user's files, written by the parent for the contained child. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/userfile.h"
#include "io/store.h"
#include "tlshive.h"

static int channel = -1;

void
userfile_channel(int fd)
{
	channel = fd;
}

static int
full_write(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n) {
		ssize_t w = write(fd, c, n);
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
	char op;		/* 'W' write, 'E' exists */
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

int
userfile_write(const char *path, const void *data, size_t len)
{
	if (channel == -1)
		return store_write_new(path, data, len);
	return ask('W', path, data, len) == -1 ? -1 : 0;
}

int
userfile_exists(const char *path)
{
	struct stat st;

	if (channel == -1)
		return lstat(path, &st) == 0;
	return ask('E', path, "", 0) == 1;
}

/*
 * The child says which file; the parent writes only a name the user gave
 * on the command line, so a child an image took over writes nothing else
 * of the host's.
 */
void
userfile_serve(int fd, const char *undo, const char *out)
{
	struct req q;

	while (full_read(fd, &q, sizeof(q)) == 0) {
		struct ans a = { 2, 0 };
		char *path = NULL, *msg = NULL;
		unsigned char *data = NULL;
		struct stat st;

		if (q.plen > 4096 || q.dlen > STORE_FILE_MAX ||
		    (path = calloc(1, q.plen + 1)) == NULL ||
		    (data = malloc(q.dlen ? q.dlen : 1)) == NULL ||
		    full_read(fd, path, q.plen) == -1 ||
		    full_read(fd, data, q.dlen) == -1) {
			free(path);
			free(data);
			break;
		}
		if (!((undo && strcmp(path, undo) == 0) || (out &&
		    strcmp(path, out) == 0)))
			msg = xasprintf("%s: not a file named on the command "
			    "line: not written", path);
		else if (q.op == 'E')
			a.rc = lstat(path, &st) == 0;
		else if (q.op != 'W')
			msg = xasprintf("%s: an unknown request", path);
		else if (store_write_new(path, data, q.dlen) == -1)
			msg = xstrdup(tlsh_errmsg());
		else
			a.rc = 0;
		if (msg) {
			a.rc = 2;
			a.mlen = (uint32_t)strlen(msg) > 1000 ? 1000 :
			    (uint32_t)strlen(msg);
		}
		if (full_write(fd, &a, sizeof(a)) == -1 ||
		    (msg && full_write(fd, msg, a.mlen) == -1)) {
			free(msg);
			free(path);
			free(data);
			break;
		}
		free(msg);
		free(path);
		free(data);
	}
}
