/* Disk image blocks: raw files and qemu-nbd, a write overlay and its redo journal. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#include <libnbd.h>

#include "io/blk.h"
#include "io/blkfile.h"
#include "io/hostfile.h"
#include "io/qmap.h"
#include "io/remote.h"
#include "io/store.h"
#include "le.h"
#include "tlshive.h"
#include "trace.h"

#define BLK 4096u
#define NBD_MAX (32u << 20)	/* qemu-nbd's largest request */

struct blk {
	char *path;
	struct strlist chain;		/* the backing files, allowed */
	enum blk_format fmt;
	int writable;
	uint64_t size;
	int fd;				/* raw */
	struct nbd_handle *nbd;		/* the others */
	int errfd;			/* qemu-nbd's stderr, a memory file */
	uint64_t align;			/* the server's minimum block size */
	int wrote;			/* through qemu-nbd, ever */
	uint64_t direct;		/* bytes read from a qcow2 file itself */
	int remote;			/* a URL's bytes (remote.h), or a
					 * --base overlay's: no direct reads */
	enum blk_format base_fmt;	/* --base: the base's format */
	/* the overlay: open addressing, block number -> 4 KiB */
	uint64_t *key;
	unsigned char **data;
	size_t cap, n;
};

static char *
qemu_said(const struct blk *b)
{
	return blk_qemu_said(b->errfd);
}

static int
nbd_fail(struct blk *b, const char *what)
{
	int e = nbd_get_errno();
	char *q = qemu_said(b);

	/* the connection to qemu-nbd failed, not the image: another run
	 * may not meet it */
	tlsh_seterrc(TLSH_E_TRANSPORT, "%s: %s: %s%s%s", b->path, what,
	    nbd_get_error() ?
	    nbd_get_error() : strerror(e ? e : EIO), q ? "; qemu-nbd: " : "",
	    q ? q : "");
	free(q);
	errno = e ? e : EIO;
	return -1;
}

/*
 * Long reads as many requests in flight: qemu-nbd reads the next ones
 * from its image while this process copies a reply out of the socket,
 * where one request at a time leaves one of them idle.  Each request is
 * 64 KiB, under glibc's 128 KiB mmap threshold: qemu-nbd reads a request
 * into a bounce buffer it allocates and frees per request, and one of 128
 * KiB or more is a fresh mmap, faulted in page by page and unmapped (a TLB
 * shootdown) afterwards.  Traced with strace -c on the bench's 231 MB
 * SOFTWARE: 256 KiB requests made 896 munmaps and took 1316 us a pread64
 * in qemu-nbd (1.1-1.3 s in all), 64 KiB ones 38 us and no munmap
 * (0.44-0.55 s; 16 in flight, 8 to 64 within the noise of each other).
 */
#define NBD_CHUNK (64u << 10)
#define NBD_DEPTH 16

/* WHAT: say how far, when not NULL */
static int
nbd_read_segs(struct blk *b, const struct blk_seg *s, size_t ns,
    const char *what)
{
	int64_t ck[NBD_DEPTH];
	size_t sz[NBD_DEPTH], i = 0, at = 0;
	uint64_t total = 0, done = 0;
	int head = 0, count = 0, r, e;

	for (size_t j = 0; what && j < ns; j++)
		total += s[j].len;

	while (i < ns || count > 0) {
		while (count < NBD_DEPTH && i < ns) {
			size_t c = s[i].len - at < NBD_CHUNK ? s[i].len - at :
			    NBD_CHUNK;
			int64_t k;
			if (c == 0) {
				i++;
				continue;
			}
			k = nbd_aio_pread(b->nbd, (char *)s[i].buf + at, c,
			    s[i].off + at, NBD_NULL_COMPLETION, 0);
			if (k == -1)
				goto fail;
			sz[(head + count) % NBD_DEPTH] = c;
			ck[(head + count++) % NBD_DEPTH] = k;
			if ((at += c) == s[i].len) {
				i++;
				at = 0;
			}
		}
		if (count == 0)
			break;
		if ((r = nbd_aio_command_completed(b->nbd, ck[head])) == -1)
			goto fail;
		if (r == 1) {
			if (what)
				tlsh_progress(what, done += sz[head], total);
			head = (head + 1) % NBD_DEPTH;
			count--;
		} else if (nbd_poll(b->nbd, -1) == -1)
			goto fail;
	}
	return 0;
fail:
	nbd_fail(b, "read");
	e = errno;
	/* the requests still in flight write into the buffers: wait them out */
	while (nbd_aio_in_flight(b->nbd) > 0 && nbd_poll(b->nbd, -1) != -1)
		;
	errno = e;
	return -1;
}

/* Aligned requests for servers with a minimum block size (VHDX: 512). */
static int
nbd_io(struct blk *b, void *buf, size_t n, uint64_t off, int wr)
{
	uint64_t a = b->align, s = off / a * a, e = (off + n + a - 1) / a * a;
	unsigned char *bb;
	int r = 0;

	if (wr)
		b->wrote = 1;
	if (a <= 1 || (off % a == 0 && n % a == 0)) {
		if (!wr && n > NBD_CHUNK) {
			struct blk_seg one = { buf, n, off };
			return nbd_read_segs(b, &one, 1, NULL);
		}
		for (size_t done = 0; done < n;) {
			size_t c = n - done < NBD_MAX ? n - done : NBD_MAX;
			if ((wr ? nbd_pwrite(b->nbd, (char *)buf + done, c, off +
			    done, 0) : nbd_pread(b->nbd, (char *)buf + done, c,
			    off + done, 0)) == -1)
				return nbd_fail(b, wr ? "write" : "read");
			done += c;
		}
		return 0;
	}
	bb = xmalloc(e - s);
	if (nbd_io(b, bb, e - s, s, 0) == -1)
		r = -1;
	else if (wr) {
		memcpy(bb + (off - s), buf, n);
		r = nbd_io(b, bb, e - s, s, 1);
	} else
		memcpy(buf, bb + (off - s), n);
	free(bb);
	return r;
}

static int
raw_io(struct blk *b, void *buf, size_t n, uint64_t off, int wr)
{
	for (size_t done = 0; done < n;) {
		ssize_t r = wr ? pwrite(b->fd, (char *)buf + done, n - done,
		    (off_t)(off + done)) : pread(b->fd, (char *)buf + done,
		    n - done, (off_t)(off + done));
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			tlsh_seterr("%s: cannot %s it at %llu: %s", b->path,
			    wr ? "write" : "read", (unsigned long long)(off + done),
			    r == 0 ? "unexpected end of file" : strerror(errno));
			return -1;
		}
		done += (size_t)r;
	}
	return 0;
}

static int
base_io(struct blk *b, void *buf, size_t n, uint64_t off, int wr)
{
	return b->nbd ? nbd_io(b, buf, n, off, wr) : raw_io(b, buf, n, off, wr);
}

static int
base_flush(struct blk *b)
{
	if (b->nbd) {
		if (nbd_can_flush(b->nbd) == 1 && nbd_flush(b->nbd, 0) == -1)
			return nbd_fail(b, "flush");
		return 0;
	}
	if (fsync(b->fd) == -1) {
		tlsh_seterr("%s: fsync: %s", b->path, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * libnbd starts qemu-nbd with this process's stderr: the memory file
 * stands in for it while the child is made.
 */
static int
connect_quiet(struct blk *b, char **argv)
{
	int saved = fcntl(2, F_DUPFD_CLOEXEC, 3), r;

	if (saved == -1 || dup2(b->errfd, 2) == -1) {
		if (saved != -1)
			close(saved);
		return nbd_connect_systemd_socket_activation(b->nbd, argv);
	}
	r = nbd_connect_systemd_socket_activation(b->nbd, argv);
	dup2(saved, 2);
	close(saved);
	return r;
}

static int open_overlay(struct blk *, const char *, const char *);
static int start_decoder(struct blk *, const char *, const char *,
    const char *, const char *);

struct blk *
blk_open(const char *path, enum blk_format fmt, int writable)
{
	struct blk *b = xcalloc(1, sizeof(*b));

	b->path = xstrdup(path);
	b->fmt = fmt;
	b->writable = writable;
	b->fd = -1;
	b->errfd = -1;
	b->align = 1;
	if (blk_base() && fmt != BLK_QCOW2) {
		tlsh_seterrc(TLSH_E_USAGE, "%s: --base: a %s image; only a "
		    "qcow2 overlay has a URL as its backing image", path,
		    blk_format_name(fmt));
		goto fail;
	}
	if (fmt == BLK_RAW) {
		struct flock fl = { .l_type = writable ? F_WRLCK : F_RDLCK,
		    .l_whence = SEEK_SET };
		struct stat st;

		b->fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
		if (b->fd == -1 || fstat(b->fd, &st) == -1) {
			tlsh_seterr("%s: %s", path, strerror(errno));
			goto fail;
		}
		/* qemu locks bytes of its images with the same kind of lock:
		 * a running VM's image conflicts with a write lock */
		if (fcntl(b->fd, F_OFD_SETLK, &fl) == -1) {
			tlsh_seterrc(errno == EAGAIN || errno == EACCES ?
			    TLSH_E_LOCKED : TLSH_E_IO, "%s: another process "
			    "holds the image (a "
			    "running VM, or another tlshive): %s", path,
			    strerror(errno));
			goto fail;
		}
		if (blk_loop_backed(path, &st) == -1)
			goto fail;
		b->size = (uint64_t)st.st_size;
		return b;
	} else {
		char fa[32];

		snprintf(fa, sizeof(fa), "--format=%s", blk_format_driver(fmt));
		if (blk_check_refs(path, fmt, 0, &b->chain, NULL) == -1)
			goto fail;
		if (blk_base()) {
			/* its clusters that are not in the overlay lie in
			 * the base: every byte comes through qemu-nbd */
			b->remote = 1;
			if (open_overlay(b, path, blk_base()) == -1)
				goto fail;
			sl_add(&b->chain, "%s (%s)", blk_base(),
			    blk_format_name(b->base_fmt));
			return b;
		}
		if (start_decoder(b, path, blk_format_name(fmt), fa, path) == -1)
			goto fail;
		return b;
	}
fail:
	blk_close(b);
	return NULL;
}

/*
 * A qcow2's header may send qemu elsewhere: to a backing file, whose
 * clusters would read as zeroes with none opened (and which tlshive does
 * not follow over a URL), or to an external data file.  Both refused from
 * the first bytes; the qemu-nbd that decodes it opens no backing file in
 * any case, and sees nothing but the sandbox's view.
 */
static int
qcow2_remote_refs(const char *url, const unsigned char *h, size_t n)
{
	uint32_t version;

	if (n < 104) {
		tlsh_seterrc(TLSH_E_IMAGE_FORMAT, "%s: a truncated qcow2 "
		    "header", url);
		return -1;
	}
	version = get_be32(h + 4);
	if (get_be64(h + 8) != 0 || get_be32(h + 16) != 0) {
		tlsh_seterrc(TLSH_E_IMAGE_REFUSED, "%s: its qcow2 header names "
		    "a backing file: tlshive reads a URL's image alone, never "
		    "what it names; make it one image first (qemu-img "
		    "convert)", url);
		return -1;
	}
	if (version >= 3 && (get_be64(h + 72) & 4)) {
		tlsh_seterrc(TLSH_E_IMAGE_REFUSED, "%s: its qcow2 header names "
		    "an external data file: tlshive reads a URL's image "
		    "alone; make it one image first (qemu-img convert)", url);
		return -1;
	}
	return 0;
}

/*
 * What qemu-nbd is to decode from the transport's socket: the format
 * the probe found, opening no backing file of its own.
 */
static json_object *
remote_node(enum blk_format fmt, const char *sock)
{
	json_object *srv = json_object_new_object();
	json_object *nbd = json_object_new_object();
	json_object *node = json_object_new_object();

	json_object_object_add(srv, "type", json_object_new_string("unix"));
	json_object_object_add(srv, "path", json_object_new_string(sock));
	json_object_object_add(nbd, "driver", json_object_new_string("nbd"));
	json_object_object_add(nbd, "server", srv);
	json_object_object_add(node, "driver",
	    json_object_new_string(blk_format_driver(fmt)));
	json_object_object_add(node, "file", nbd);
	if (fmt == BLK_QCOW2)
		json_object_object_add(node, "backing", NULL);
	return node;
}

/* qemu's json: pseudo-protocol, which takes every option by name: the
 * names inside are escaped as JSON, whatever they hold */
static char *
json_spec(json_object *node)
{
	char *s = xasprintf("json:%s", json_object_to_json_string_ext(node,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));

	json_object_put(node);
	return s;
}

/*
 * The image on the transport's socket, read as bytes: its size and
 * format (format, an enum blk_format, or -1: from its first bytes), raw
 * or a qcow2 that names nothing.  The connection is left in b->nbd.
 */
static int
remote_probe(struct blk *b, const char *url, const char *sock, int format,
    enum blk_format *fmt, uint64_t *vsize)
{
	unsigned char head[1024], tail[512];
	size_t hn;
	int64_t sz;

	if ((b->nbd = nbd_create()) == NULL ||
	    nbd_connect_unix(b->nbd, sock) == -1) {
		tlsh_seterrc(TLSH_E_TRANSPORT, "%s: %s", url, nbd_get_error());
		return -1;
	}
	if ((sz = nbd_get_size(b->nbd)) < 0)
		return nbd_fail(b, "size");
	b->size = (uint64_t)sz;
	hn = b->size < sizeof(head) ? (size_t)b->size : sizeof(head);
	memset(head, 0, sizeof(head));
	memset(tail, 0, sizeof(tail));
	if ((hn && blk_read(b, head, hn, 0) == -1) || (b->size >= 512 &&
	    blk_read(b, tail, 512, b->size - 512) == -1))
		return -1;
	/* --format: the first bytes are never asked */
	if (format >= 0)
		*fmt = (enum blk_format)format;
	else if (blk_detect_bytes(url, head, hn, tail, fmt) == -1)
		return -1;
	/* VHDX, VHD and VMDK name parents and extents in places only a
	 * whole-file reader finds (imghdr.c): over a URL, raw and qcow2 */
	if (*fmt != BLK_RAW && *fmt != BLK_QCOW2) {
		tlsh_seterrc(TLSH_E_IMAGE_FORMAT, "%s: a %s image: over a URL "
		    "tlshive reads raw and qcow2 images; convert it (qemu-img "
		    "convert -O qcow2) or download it", url,
		    *fmt == BLK_WIM ? "WIM" : blk_format_name(*fmt));
		return -1;
	}
	/* the guest's disk: a qcow2's size is in its header */
	*vsize = *fmt == BLK_QCOW2 ? get_be64(head + 24) : b->size;
	return *fmt == BLK_QCOW2 ? qcow2_remote_refs(url, head, sizeof(head)) :
	    0;
}

/*
 * Starts the contained child's qemu-nbd on image (a file, with format
 * "--format=DRIVER"; or a json: spec, format NULL) and connects to it;
 * as names the format in a message.  -1 with a message.
 */
static int
start_decoder(struct blk *b, const char *shown, const char *as,
    const char *format, const char *image)
{
	/* qemu-nbd dies with this process: killed, tlshive would leave it
	 * waiting for a client, holding the image's lock (setpriv,
	 * util-linux, sets the parent-death signal and execs it in the
	 * process libnbd made, socket and all) */
	char *argv[10];
	size_t n = 0;
	int64_t sz;

	argv[n++] = "setpriv";
	argv[n++] = "--pdeathsig";
	argv[n++] = "KILL";
	argv[n++] = "--";
	argv[n++] = "qemu-nbd";
	if (format)
		argv[n++] = (char *)format;
	argv[n++] = "--cache=writeback";
	argv[n++] = b->writable ? "--shared=1" : "--read-only";
	argv[n++] = (char *)image;
	argv[n] = NULL;
	if ((b->nbd = nbd_create()) == NULL) {
		tlsh_seterr("%s: %s", shown, nbd_get_error());
		return -1;
	}
	/* qemu-nbd's stderr is kept, not the user's terminal: what it says
	 * is shown as the cause of a failure, and its "Disconnect client
	 * ... Broken pipe" when a run is interrupted never */
	if ((b->errfd = memfd_create("qemu-nbd-stderr", MFD_CLOEXEC)) == -1) {
		tlsh_seterr("%s: %s", shown, strerror(errno));
		return -1;
	}
	if (connect_quiet(b, argv) == -1) {
		char *q = qemu_said(b);
		int e = nbd_get_errno();
		/* qemu locks its images as blk_open does a raw one: a VM or
		 * another run holds it, which passes */
		if (q)
			tlsh_seterrc(strstr(q, "Failed to get") &&
			    strstr(q, "lock") ? TLSH_E_LOCKED :
			    TLSH_E_IMAGE_FORMAT,
			    "%s: qemu-nbd cannot serve it as %s: %s", shown, as,
			    q);
		else
			tlsh_seterr("%s: qemu-nbd cannot serve it as %s: %s (%s)",
			    shown, as, nbd_get_error(), e == ENOENT ? "maybe "
			    "qemu-utils or setpriv is not installed" : "qemu-nbd "
			    "said nothing; maybe it is missing or was killed");
		free(q);
		return -1;
	}
	if ((sz = nbd_get_size(b->nbd)) < 0)
		return nbd_fail(b, "size");
	if (b->writable && nbd_is_read_only(b->nbd) == 1) {
		tlsh_seterr("%s: qemu-nbd serves it read-only", shown);
		return -1;
	}
	b->size = (uint64_t)sz;
	sz = nbd_get_block_size(b->nbd, LIBNBD_SIZE_MINIMUM);
	b->align = sz > 0 ? (uint64_t)sz : 1;
	return 0;
}

struct blk *
blk_open_remote(const char *url, const char *sock, int format)
{
	struct blk *b = xcalloc(1, sizeof(*b));
	enum blk_format fmt;
	uint64_t vsize;

	b->path = xstrdup(url);
	b->fd = -1;
	b->errfd = -1;
	b->align = 1;
	b->remote = 1;
	if (remote_probe(b, url, sock, format, &fmt, &vsize) == -1)
		goto fail;
	b->fmt = fmt;
	if (fmt == BLK_RAW)
		return b;
	/* the bytes' connection goes; the decoder makes its own */
	nbd_shutdown(b->nbd, 0);
	nbd_close(b->nbd);
	b->nbd = NULL;
	{
		char *spec = json_spec(remote_node(fmt, sock));
		int r;

		r = start_decoder(b, url, "qcow2", NULL, spec);
		free(spec);
		if (r == -1)
			goto fail;
	}
	return b;
fail:
	blk_close(b);
	return NULL;
}

/*
 * A local qcow2 overlay on the --base URL, its header naming no backing
 * file (blk_check_refs): the base probed over its transport as
 * blk_open_remote does, then one qemu-nbd opens the overlay file with
 * the base read from the socket.  Writes land in the overlay.
 */
static int
open_overlay(struct blk *b, const char *path, const char *url)
{
	const char *sock = remote_socket(url);
	struct blk probe = { .fd = -1, .errfd = -1, .align = 1 };
	enum blk_format bf;
	json_object *top, *file, *base;
	uint64_t vsize;
	char *spec, *as;
	int r;

	if (sock == NULL) {
		tlsh_seterrc(TLSH_E_USAGE, "%s: no transport serves %s", path,
		    url);
		return -1;
	}
	probe.path = xstrdup(url);
	r = remote_probe(&probe, url, sock, -1, &bf, &vsize);
	if (probe.nbd) {
		if (nbd_aio_is_ready(probe.nbd))
			nbd_shutdown(probe.nbd, 0);
		nbd_close(probe.nbd);
	}
	free(probe.path);
	if (r == -1)
		return -1;
	base = remote_node(bf, sock);
	top = json_object_new_object();
	file = json_object_new_object();
	json_object_object_add(file, "driver", json_object_new_string("file"));
	json_object_object_add(file, "filename", json_object_new_string(path));
	json_object_object_add(top, "driver", json_object_new_string("qcow2"));
	json_object_object_add(top, "file", file);
	json_object_object_add(top, "backing", base);
	spec = json_spec(top);
	as = xasprintf("qcow2 over %s", url);
	r = start_decoder(b, path, as, NULL, spec);
	free(spec);
	free(as);
	b->base_fmt = bf;
	/* a smaller overlay hides the base's end; a larger one reads
	 * zeroes past it: neither is the base's disk */
	if (r == 0 && b->size != vsize) {
		tlsh_seterrc(TLSH_E_USAGE, "%s: a disk of %llu bytes over a base "
		    "of %llu (%s): make the overlay as large as its base "
		    "(qemu-img create -f qcow2 %s %llu)", path,
		    (unsigned long long)b->size, (unsigned long long)vsize, url,
		    path, (unsigned long long)vsize);
		return -1;
	}
	return r;
}

uint64_t
blk_size(const struct blk *b)
{
	return b->size;
}

enum blk_format
blk_fmt(const struct blk *b)
{
	return b->fmt;
}

static size_t
slot(const struct blk *b, uint64_t k)
{
	size_t i = (size_t)(k * 0x9E3779B97F4A7C15ull) & (b->cap - 1);

	while (b->data[i] && b->key[i] != k)
		i = (i + 1) & (b->cap - 1);
	return i;
}

static unsigned char *
overlay(const struct blk *b, uint64_t k)
{
	return b->cap ? b->data[slot(b, k)] : NULL;
}

static unsigned char *
overlay_put(struct blk *b, uint64_t k, int *fresh)
{
	size_t i;

	if ((b->n + 1) * 2 > b->cap) {
		struct blk old = *b;
		b->cap = b->cap ? b->cap * 2 : 1024;
		b->key = xcalloc(b->cap, sizeof(*b->key));
		b->data = xcalloc(b->cap, sizeof(*b->data));
		for (size_t j = 0; j < old.cap; j++)
			if (old.data[j]) {
				i = slot(b, old.key[j]);
				b->key[i] = old.key[j];
				b->data[i] = old.data[j];
			}
		free(old.key);
		free(old.data);
	}
	i = slot(b, k);
	*fresh = b->data[i] == NULL;
	if (*fresh) {
		b->data[i] = xmalloc(BLK);
		b->key[i] = k;
		b->n++;
	}
	return b->data[i];
}

int
blk_read(struct blk *b, void *buf, size_t n, uint64_t off)
{
	if (off > b->size || n > b->size - off) {
		tlsh_seterr("%s: read past the end of the image", b->path);
		errno = EIO;
		return -1;
	}
	while (n > 0) {
		uint64_t k = off / BLK, bo = off % BLK;
		size_t c = BLK - bo < n ? BLK - bo : n;
		const unsigned char *d = overlay(b, k);

		if (d)
			memcpy(buf, d + bo, c);
		else {
			/* a run of blocks the overlay lacks, in one request */
			while (c < n && overlay(b, (off + c) / BLK) == NULL)
				c += n - c < BLK ? n - c : BLK;
			if (base_io(b, buf, c, off, 0) == -1)
				return -1;
		}
		buf = (char *)buf + c;
		n -= c;
		off += c;
	}
	return 0;
}

/*
 * Buffers a socket read fills, mapped writable first in one call: a fresh
 * memfd (shmem, no huge pages unless the machine enables them) otherwise
 * faults in 4 KiB at a time inside the reads, 0.4 s of the bench's 231 MB
 * against 0.06 s.  A kernel before 5.14 says EINVAL, and the faults stay.
 */
static void
populate(const struct blk_seg *s, size_t n)
{
	uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);

	for (size_t i = 0; i < n; i++) {
		uintptr_t a = (uintptr_t)s[i].buf / pg * pg,
		    e = (uintptr_t)s[i].buf + s[i].len;

		if (s[i].len > 0)
			(void)madvise((void *)a, e - a, MADV_POPULATE_WRITE);
	}
}

/*
 * A qcow2 image keeps most clusters as the guest's bytes, at offsets of
 * its own file that qemu-img map gives: read from the file, a hive comes
 * in at page-cache speed, where qemu-nbd serves 400-500 MB/s (0.5 s for
 * the bench's 231 MB SOFTWARE, most of what a qcow2 apply costs beyond
 * the same apply on a directory).  Only what the map puts in the image
 * file itself (depth 0, neither compressed nor encrypted), each extent
 * checked inside the file, is read there; zeroes are zeroes; the rest
 * (compressed clusters, a backing file's data) is qemu-nbd's to read.
 * Only before the first write through qemu-nbd: its caches may then hold
 * clusters and tables the file does not have yet.  1: the map failed or
 * does not fit, nothing read (qemu-nbd reads it all); -1 with a message.
 */
static int
qcow2_readv(struct blk *b, const struct blk_seg *s, size_t n, const char *what,
    int to_fd, const void *map)
{
	uint64_t from = UINT64_MAX, to = 0, total = 0, done = 0;
	/* file: off is where in the image file; rest: where on the disk */
	struct blk_seg *file = NULL, *rest = NULL;
	size_t nf = 0, nr = 0;
	struct qmap m = { 0 };
	struct stat st;
	struct span sp;
	int fd, r = 1;

	for (size_t i = 0; i < n; i++) {
		if (s[i].len == 0)
			continue;
		from = s[i].off < from ? s[i].off : from;
		to = s[i].off + s[i].len > to ? s[i].off + s[i].len : to;
		total += s[i].len;
	}
	if (total == 0)
		return 1;
	if ((fd = open(b->path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return 1;
	trace_begin(&sp);
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    qmap_read(b->path, from, to, (uint64_t)st.st_size, &m) == -1) {
		trace_drop(&sp);
		close(fd);
		return 1;
	}
	trace_end(&sp, "qemu-img-map", b->path);
	for (size_t i = 0; i < n; i++)
		for (uint64_t at = 0; at < s[i].len;) {
			const struct qmap_ext *x = qmap_find(&m, s[i].off + at);
			unsigned char *dst = (unsigned char *)s[i].buf + at;
			uint64_t in, k;

			if (x == NULL)
				goto out;
			in = s[i].off + at - x->start;
			k = x->len - in < s[i].len - at ? x->len - in :
			    s[i].len - at;
			if (x->kind == QMAP_FILE) {
				file = xrealloc(file, (nf + 1) * sizeof(*file));
				file[nf++] = (struct blk_seg){ dst, k, x->off + in };
			} else if (x->kind == QMAP_ZERO)
				memset(dst, 0, k);
			else {
				rest = xrealloc(rest, (nr + 1) * sizeof(*rest));
				rest[nr++] = (struct blk_seg){ dst, k, s[i].off + at };
			}
			at += k;
		}
	r = -1;
	if (nr > 0 && (populate(rest, nr), nbd_read_segs(b, rest, nr, NULL)) ==
	    -1)
		goto out;
	done = total;
	for (size_t i = 0; i < nf; i++)
		done -= file[i].len;
	for (size_t i = 0; i < nf; i++)
		for (size_t at = 0; at < file[i].len;) {
			size_t c = file[i].len - at < (8u << 20) ?
			    file[i].len - at : 8u << 20;
			off_t from_at = (off_t)(file[i].off + at);
			ssize_t k;

			/* into a memfd, file to file: the kernel fills the
			 * memfd's pages without a user mapping in the way,
			 * 0.07 s for 231 MB where pread into the mapping
			 * took 0.45 s and its populating 0.08 s */
			if (to_fd != -1 && lseek(to_fd, (off_t)((const unsigned
			    char *)file[i].buf - (const unsigned char *)map +
			    at), SEEK_SET) == -1)
				k = -1;
			else if (to_fd != -1)
				k = sendfile(to_fd, fd, &from_at, c);
			else
				k = pread(fd, (char *)file[i].buf + at, c,
				    from_at);
			if (k == -1 && errno == EINTR)
				continue;
			if (k <= 0) {
				tlsh_seterr("%s: read: %s", b->path, k == 0 ?
				    "the file ends inside its own map" :
				    strerror(errno));
				errno = k == 0 ? EIO : errno;
				goto out;
			}
			at += (size_t)k;
			b->direct += (uint64_t)k;
			if (what)
				tlsh_progress(what, done += (uint64_t)k, total);
		}
	r = 0;
out:
	qmap_free(&m);
	free(file);
	free(rest);
	close(fd);
	return r;
}

uint64_t
blk_direct_bytes(const struct blk *b)
{
	return b->direct;
}

int
blk_readv(struct blk *b, const struct blk_seg *s, size_t n, const char *what,
    int fd, const void *map)
{
	int direct = b->nbd != NULL && b->n == 0;
	uint64_t total = 0, done = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i].off > b->size || s[i].len > b->size - s[i].off) {
			tlsh_seterr("%s: read past the end of the image", b->path);
			errno = EIO;
			return -1;
		}
		if (b->align > 1 && (s[i].off % b->align || s[i].len % b->align))
			direct = 0;
		total += s[i].len;
	}
	if (direct) {
		int r;

		/* libnbd zeroes a read's buffer before it asks (in case the
		 * caller used it after a failed read): the caller's buffers
		 * are fresh zeroes already, and the second pass over 231 MB
		 * cost 0.2 s of the bench's qcow2 load */
		nbd_set_pread_initialize(b->nbd, false);
		r = b->fmt == BLK_QCOW2 && !b->wrote && !b->remote ?
		    qcow2_readv(b, s, n, what, fd, map) : 1;
		if (r == 1)
			r = (populate(s, n), nbd_read_segs(b, s, n, what));
		nbd_set_pread_initialize(b->nbd, true);
		return r;
	}
	/* a raw file reads as fast a piece at a time; the overlay's blocks
	 * and a server's alignment are blk_read's business */
	for (size_t i = 0; i < n; i++) {
		if (blk_read(b, s[i].buf, s[i].len, s[i].off) == -1)
			return -1;
		if (what)
			tlsh_progress(what, done += s[i].len, total);
	}
	return 0;
}

int
blk_write(struct blk *b, const void *buf, size_t n, uint64_t off)
{
	if (!b->writable || off > b->size || n > b->size - off) {
		tlsh_seterr("%s: %s", b->path, b->writable ? "write past the "
		    "end of the image" : "opened read-only");
		errno = b->writable ? ENOSPC : EROFS;
		return -1;
	}
	while (n > 0) {
		uint64_t k = off / BLK, bo = off % BLK;
		size_t c = BLK - bo < n ? BLK - bo : n;
		int fresh;
		unsigned char *d = overlay_put(b, k, &fresh);

		if (fresh && c != BLK) {
			uint64_t len = b->size - k * BLK < BLK ? b->size - k *
			    BLK : BLK;
			memset(d, 0, BLK);
			if (base_io(b, d, (size_t)len, k * BLK, 0) == -1)
				return -1;
		}
		memcpy(d + bo, buf, c);
		buf = (const char *)buf + c;
		n -= c;
		off += c;
	}
	return 0;
}

size_t
blk_dirty(const struct blk *b)
{
	return b->n;
}

void
blk_discard(struct blk *b)
{
	for (size_t i = 0; i < b->cap; i++)
		free(b->data[i]);
	free(b->key);
	free(b->data);
	b->key = NULL;
	b->data = NULL;
	b->cap = b->n = 0;
}

int
blk_close(struct blk *b)
{
	int r = 0;

	if (b == NULL)
		return 0;
	blk_discard(b);
	if (b->nbd) {
		/* a clean disconnect: qemu-nbd closes the image (qcow2
		 * metadata, its dirty flag) before it exits */
		if (nbd_aio_is_ready(b->nbd) && nbd_shutdown(b->nbd, 0) == -1)
			r = -1;
		nbd_close(b->nbd);
	}
	if (b->fd != -1)
		close(b->fd);
	if (b->errfd != -1)
		close(b->errfd);
	sl_free(&b->chain);
	free(b->path);
	free(b);
	return r;
}

const struct strlist *
blk_chain(const struct blk *b)
{
	return &b->chain;
}

/* The journal */

/* v3 names the image file it was made for; v2 (tlshive 0.1) did not */
#define JMAGIC "TLSHJNL3"
#define JMAGIC2 "TLSHJNL2"
#define JEND "TLSHEND2"

struct jhead {
	char magic[8];
	unsigned char size[8], nblocks[8];
	unsigned char dev[8], ino[8];	/* v3 */
};
#define JHEAD2 24			/* a v2 header's length */

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n--)
		h = (h ^ *c++) * 0x100000001b3ull;
	return h;
}

#define FNV0 0xcbf29ce484222325ull

/* The image's file, for a journal's v3 header. */
static int
image_id(const struct blk *b, struct stat *st)
{
	if (b->fd != -1 ? fstat(b->fd, st) : stat(b->path, st)) {
		tlsh_seterr("%s: %s", b->path, strerror(errno));
		return -1;
	}
	return 0;
}

static size_t
block_len(const struct blk *b, uint64_t off)
{
	return b->size - off < BLK ? (size_t)(b->size - off) : BLK;
}

/*
 * Each block with the hash of what the image held there before: a replay
 * checks that every block holds either that or the journal's bytes, so a
 * journal meant for another image is never written into this one.
 */
static int
journal_write(struct blk *b, const char *jpath)
{
	size_t total = sizeof(struct jhead) + b->n * (16 + BLK) + 16;
	unsigned char *j = xmalloc(total), *q = j, *old = xmalloc(BLK);
	struct jhead h;
	struct stat st;
	uint64_t hash = FNV0;
	int rc = -1;

	if (image_id(b, &st) == -1) {
		free(old);
		free(j);
		return -1;
	}
	memcpy(h.magic, JMAGIC, 8);
	put_le64(h.size, b->size);
	put_le64(h.nblocks, b->n);
	put_le64(h.dev, (uint64_t)st.st_dev);
	put_le64(h.ino, (uint64_t)st.st_ino);
	hash = fnv(hash, &h, sizeof(h));
	memcpy(q, &h, sizeof(h));
	q += sizeof(h);
	for (size_t i = 0; i < b->cap; i++) {
		uint64_t off;
		size_t len;
		if (b->data[i] == NULL)
			continue;
		if (q + 16 + BLK + 16 > j + total) {
			tlsh_seterr("%s: the overlay holds more blocks than it "
			    "counts", b->path);
			goto out;
		}
		off = b->key[i] * BLK;
		len = block_len(b, off);
		memset(old, 0, BLK);
		if (base_io(b, old, len, off, 0) == -1)
			goto out;
		put_le64(q, off);
		put_le64(q + 8, fnv(FNV0, old, len));
		memcpy(q + 16, b->data[i], BLK);
		hash = fnv(fnv(hash, q, 16), b->data[i], BLK);
		q += 16 + BLK;
	}
	memcpy(q, JEND, 8);
	put_le64(q + 8, hash);
	/* complete and durable under its name, or absent: the same safe
	 * write as every other file tlshive makes (a temporary file beside
	 * it that a signal removes, fsync, rename, the directory fsynced) */
	if (hostfile_put(jpath, j, total) == -1) {
		char *m = xstrdup(tlsh_errmsg());
		tlsh_seterr("%s; the journal could not be written", m);
		free(m);
		goto out;
	}
	if (!hostfile_remote())
		hostfile_journal_note(0);
	rc = 0;
out:
	free(old);
	free(j);
	return rc;
}

static int
journal_apply(struct blk *b, const char *jpath)
{
	if (base_flush(b) == -1)
		return -1;
	if (hostfile_remove(jpath) == -1) {
		char *m = xstrdup(tlsh_errmsg());
		tlsh_seterr("%s; applied, but the journal stays", m);
		free(m);
		return -1;
	}
	if (!hostfile_remote())
		hostfile_journal_note(1);
	return 0;
}

int
blk_commit(struct blk *b)
{
	char *jpath;
	int rc = -1;

	if (b->n == 0)
		return 0;
	jpath = blk_journal_path(b->path);
	if (!blk_journal_dir_ok(jpath) || journal_write(b, jpath) == -1)
		goto out;
	for (size_t i = 0; i < b->cap; i++)
		if (b->data[i] && base_io(b, b->data[i], block_len(b,
		    b->key[i] * BLK), b->key[i] * BLK, 1) == -1) {
			char *m = xstrdup(tlsh_errmsg());
			tlsh_seterr("%s; the journal %s holds the whole run: "
			    "tlshive recover %s finishes it", m, jpath, b->path);
			free(m);
			goto out;
		}
	if (journal_apply(b, jpath) == -1)
		goto out;
	blk_discard(b);
	rc = 0;
out:
	free(jpath);
	return rc;
}
int
blk_replay(struct blk *b)
{
	char *jpath = blk_journal_path(b->path), *tmp = xasprintf("%s.tmp",
	    jpath);
	unsigned char *j = NULL, *cur = xmalloc(BLK);
	size_t len = 0, n, head;
	uint64_t hash = FNV0, flen;
	struct stat st;
	int rc = -1, fd = -1, r;

	if (blk_journal_tidy(b->path) == -1)
		goto out;
	if ((r = blk_journal_open(jpath, &fd, &flen)) <= 0) {
		rc = r;
		goto out;
	}
	/* the size follows from the header: read nothing a header does not
	 * account for, and no more blocks than the image holds */
	j = xmalloc(sizeof(struct jhead));
	if (flen >= JHEAD2 && pread(fd, j, 8, 0) == 8 &&
	    memcmp(j, JMAGIC2, 8) == 0) {
		/* it names no image file: anyone could have made it for this
		 * one, an image's own archive included */
		tlsh_seterr("%s: a journal of tlshive 0.1, which does not say "
		    "which file it was made for; refused, left as it is: "
		    "finish it with that version, or remove it", jpath);
		goto out;
	}
	head = sizeof(struct jhead);
	if (flen < head + 16 || pread(fd, j, head, 0) != (ssize_t)head ||
	    memcmp(j, JMAGIC, 8) != 0) {
		tlsh_seterr("%s: not a complete tlshive journal; left as it is",
		    jpath);
		goto out;
	}
	n = (size_t)get_le64(j + 16);
	if (get_le64(j + 16) > b->size / BLK + 1 ||
	    flen != head + (uint64_t)n * (16 + BLK) + 16) {
		tlsh_seterr("%s: not a complete tlshive journal; left as it is",
		    jpath);
		goto out;
	}
	len = (size_t)flen;
	free(j);
	j = xmalloc(len);
	if (pread(fd, j, len, 0) != (ssize_t)len) {
		tlsh_seterr("%s: %s", jpath, strerror(errno ? errno : EIO));
		goto out;
	}
	hash = fnv(hash, j, head + n * (16 + BLK));
	if (memcmp(j + len - 16, JEND, 8) != 0 || get_le64(j + len - 8) !=
	    hash) {
		tlsh_seterr("%s: the journal is damaged; left as it is", jpath);
		goto out;
	}
	if (get_le64(j + 8) != b->size) {
		tlsh_seterr("%s: the journal is for an image of %llu bytes, not "
		    "%s; refused, left as it is", jpath,
		    (unsigned long long)get_le64(j + 8), b->path);
		goto out;
	}
	/* the very file it was made for, by device and inode: a journal that
	 * came with an image (its archive extracted as root keeps the
	 * archive's owner) cannot know them */
	if (image_id(b, &st) == -1 || get_le64(j + 24) !=
	    (uint64_t)st.st_dev || get_le64(j + 32) != (uint64_t)st.st_ino) {
		tlsh_seterr("%s: the journal was made for another file than %s; "
		    "refused, left as it is", jpath, b->path);
		goto out;
	}
	for (size_t pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n; i++) {
			const unsigned char *e = j + head + i * (16 + BLK);
			uint64_t off = get_le64(e);
			size_t bl;
			if (off % BLK || off >= b->size) {
				tlsh_seterr("%s: a block outside the image; "
				    "refused", jpath);
				goto out;
			}
			bl = block_len(b, off);
			if (pass == 1) {
				if (base_io(b, (void *)(e + 16), bl, off, 1) == -1)
					goto out;
				continue;
			}
			if (base_io(b, cur, bl, off, 0) == -1)
				goto out;
			if (fnv(FNV0, cur, bl) != get_le64(e + 8) &&
			    memcmp(cur, e + 16, bl) != 0) {
				tlsh_seterr("%s: the image holds neither what the "
				    "journal found there nor what it wrote (at "
				    "%llu): it is not this image's journal; "
				    "refused, left as it is", jpath,
				    (unsigned long long)off);
				goto out;
			}
		}
	rc = journal_apply(b, jpath) == -1 ? -1 : 1;
out:
	if (fd != -1)
		close(fd);
	free(j);
	free(cur);
	free(tmp);
	free(jpath);
	return rc;
}
