/* Where a qcow2 image's guest bytes lie in its own file: qemu-img map, checked. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "io/qmap.h"
#include "tlshive.h"

extern char **environ;

/* qemu-img prints about 130 bytes an extent: a hive's range has a few */
#define QMAP_CAP (16u << 20)

static int
field(json_object *o, const char *name, json_type t, json_object **v)
{
	return json_object_object_get_ex(o, name, v) &&
	    json_object_is_type(*v, t);
}

static int
number(json_object *o, const char *name, uint64_t *v)
{
	json_object *j;
	int64_t x;

	if (!field(o, name, json_type_int, &j) ||
	    (x = json_object_get_int64(j)) < 0)
		return -1;
	*v = (uint64_t)x;
	return 0;
}

int
qmap_parse(const char *text, size_t n, uint64_t from, uint64_t to,
    uint64_t file_size, struct qmap *out)
{
	json_tokener *tok = json_tokener_new();
	json_object *all = NULL, *e, *j;
	uint64_t at = from;
	size_t len;

	out->v = NULL;
	out->n = 0;
	if (tok == NULL || n > INT32_MAX ||
	    (all = json_tokener_parse_ex(tok, text, (int)n)) == NULL ||
	    json_tokener_get_error(tok) != json_tokener_success ||
	    !json_object_is_type(all, json_type_array))
		goto bad;
	len = json_object_array_length(all);
	out->v = xcalloc(len ? len : 1, sizeof(*out->v));
	for (size_t i = 0; i < len && at < to; i++) {
		struct qmap_ext *x = &out->v[out->n];
		uint64_t depth;
		int data, zero;

		e = json_object_array_get_idx(all, i);
		if (!json_object_is_type(e, json_type_object) ||
		    number(e, "start", &x->start) == -1 ||
		    number(e, "length", &x->len) == -1 ||
		    number(e, "depth", &depth) == -1 ||
		    !field(e, "data", json_type_boolean, &j))
			goto bad;
		data = json_object_get_boolean(j);
		if (!field(e, "zero", json_type_boolean, &j))
			goto bad;
		zero = json_object_get_boolean(j);
		/* in order and without a gap, from the first byte asked */
		if (x->start != at || x->len > UINT64_MAX - x->start)
			goto bad;
		if (x->len == 0)
			continue;
		if (data && depth == 0 &&
		    json_object_object_get_ex(e, "offset", &j)) {
			if (number(e, "offset", &x->off) == -1 ||
			    x->off > file_size || x->len > file_size - x->off)
				goto bad;
			x->kind = QMAP_FILE;
		} else if (zero && !data)
			x->kind = QMAP_ZERO;
		else
			x->kind = QMAP_SERVER;
		at = x->start + x->len;
		out->n++;
	}
	if (at < to)
		goto bad;
	json_object_put(all);
	json_tokener_free(tok);
	return 0;
bad:
	tlsh_seterr("qemu-img map: not a map of bytes %" PRIu64 " to %" PRIu64
	    " inside a file of %" PRIu64 " bytes", from, to, file_size);
	json_object_put(all);
	if (tok)
		json_tokener_free(tok);
	qmap_free(out);
	return -1;
}

int
qmap_read(const char *path, uint64_t from, uint64_t to, uint64_t file_size,
    struct qmap *out)
{
	char so[32], ml[32];
	/* dies with this process, as qemu-nbd does (blk.c) */
	char *argv[] = { "setpriv", "--pdeathsig", "KILL", "--", "qemu-img",
	    "map", "--output=json", "-U", "-f", "qcow2", so, ml, (char *)path,
	    NULL };
	posix_spawn_file_actions_t fa;
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int p[2], st, r;
	pid_t pid;

	out->v = NULL;
	out->n = 0;
	snprintf(so, sizeof(so), "--start-offset=%" PRIu64, from);
	snprintf(ml, sizeof(ml), "--max-length=%" PRIu64, to - from);
	if (pipe2(p, O_CLOEXEC) == -1) {
		tlsh_seterr("%s: qemu-img map: %s", path, strerror(errno));
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	r = posix_spawnp(&pid, "setpriv", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (r != 0) {
		close(p[0]);
		tlsh_seterr("%s: qemu-img map: %s", path, strerror(r));
		return -1;
	}
	for (;;) {
		ssize_t k;

		if (n == cap) {
			if (cap >= QMAP_CAP)
				break;
			buf = xrealloc(buf, cap = cap ? 2 * cap : 65536);
		}
		if ((k = read(p[0], buf + n, cap - n)) == -1 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	if (n == cap)
		kill(pid, SIGKILL);
	close(p[0]);
	while ((r = waitpid(pid, &st, 0)) == -1 && errno == EINTR)
		;
	if (r == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0 || n == cap) {
		tlsh_seterr("%s: qemu-img map failed", path);
		free(buf);
		return -1;
	}
	r = qmap_parse(buf, n, from, to, file_size, out);
	free(buf);
	return r;
}

const struct qmap_ext *
qmap_find(const struct qmap *m, uint64_t at)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct qmap_ext *x = &m->v[mid];

		if (at < x->start)
			hi = mid;
		else if (at - x->start >= x->len)
			lo = mid + 1;
		else
			return x;
	}
	return NULL;
}

void
qmap_free(struct qmap *m)
{
	free(m->v);
	m->v = NULL;
	m->n = 0;
}
