/* Everything that touches hivex, and the regf base-block rules hivex leaves out. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hivex.h>

#include "io/image.h"
#include "io/store.h"
#include "regf/hive.h"
#include "regf/logs.h"
#include "regf/regf.h"
#include "regf/regfread.h"
#include "regf/regfsrc.h"
#include "tlshive.h"
#include "trace.h"

struct hive {
	hive_h *h;
	struct sfile *f;
	char *path;
	struct hive_header hdr;
	char *replayed;
	struct recovery rec;	/* the replayed hive, until it is written */
	int flags;		/* as opened */
	struct strmap *nodes;	/* folded key path -> node, see lookup */
	struct strlist changed;	/* keys whose LastWriteTime is now, see
				 * stamp_offsets */
	struct regf_rd *rd;	/* reads of a hive not written, see lazy */
	struct regf_src src;	/* the file, or mem */
	struct regf_mem mem;	/* the replayed hive */
	int src_failed;		/* the file's own message stands */
	char *damage;		/* the first failed read on demand */
	int whole;		/* past LAZY_MAX: hivex reads, see to_hivex */
	long huge_kb;		/* traced: the process's huge pages once
				 * hivex copied the hive, see copied */
	/* hivex's copy for writing, while a thread makes it: see copier */
	pthread_t copier;
	int copy_state;		/* COPY_RUNNING: ready joins the thread */
	int copy_how;		/* COPY_OPEN or COPY_WRITABLE: the message */
	const char *copy_from;	/* the path hivex opens */
	hive_h *copy;		/* its result */
	char *copy_err;		/* ... or why there is none */
	enum tlsh_errc copy_errc;
	int copy_errt;
};

/*
 * TLSHIVE_TRACE=1: the huge pages the process holds once hivex has read
 * the hive into memory for writing (hugealloc.c), before its first edit:
 * hivex grows the copy with realloc, and a block that moves on growing
 * keeps its pages but no longer as huge ones.
 */
static void
copied(struct hive *hv)
{
	if (trace_on())
		hv->huge_kb = tlsh_anon_huge_kb();
}

/*
 * hivex reads and checks every cell of a hive when it opens it, so
 * reading a few hundred values of a hive of hundreds of megabytes costs
 * the whole hive, and it keeps a mapping of all of it.  A hive that is
 * only read (show, check, export) or only locked (apply, a hive the
 * request has nothing in) is read through regfread's lazy reader instead,
 * which reads only the bins on the paths asked for and checks what it
 * reads, and is never given to hivex.  A hive opened for writing is read
 * through hivex's copy from the start: the plan must be made from the
 * bytes hivex changes, not from a second read of the file, which storage
 * that lies could answer differently.  TLSHIVE_HIVEX_READS=1 reads through
 * hivex always, for the tests that compare the two.
 */
static int
lazy(const struct hive *hv)
{
	return hv->rd != NULL && !(hv->flags & HIVE_WRITE) && !hv->whole;
}

/*
 * A pass over thousands of keys spread over the whole hive (CBS\Packages
 * on a serviced image: every package in a bin of its own) would copy
 * the hive bin by bin, where hivex maps it once: past LAZY_MAX bytes read
 * on demand, the call is made again through hivex, and so is every read
 * after it.  A hive hivex cannot open goes on being read on demand.
 */
enum { LAZY_MAX = 8 << 20 };

static int
over(const struct hive *hv)
{
	uint64_t bytes, bins;

	regf_rd_stats(hv->rd, &bytes, &bins);
	return bytes > LAZY_MAX;
}

static hive_h *open_recovered(struct hive *, int);

static int
to_hivex(struct hive *hv)
{
	if (hv->h == NULL) {
		struct span sp;

		trace_begin(&sp);
		hv->h = hv->replayed ? open_recovered(hv, 0) :
		    hivex_open(sfile_open_path(hv->f), 0);
		trace_end(&sp, "fallback", hv->path);
		if (hv->h == NULL)
			return -1;
	}
	hv->whole = 1;
	return 0;
}

static int
file_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct hive *hv = ctx;

	if (sfile_read(hv->f, buf, len, off) == -1) {
		hv->src_failed = 1;
		return -1;
	}
	return 0;
}

/* The file's name before regfread's message, unless the file said it. */
static void
lazy_err(struct hive *hv)
{
	if (!hv->src_failed) {
		char *m = xstrdup(tlsh_errmsg());
		tlsh_seterrc(TLSH_E_HIVE_DAMAGED,
		    "%s: damaged hive: %s", hv->path, m);
		free(m);
	}
	hv->src_failed = 0;
	if (hv->damage == NULL)
		hv->damage = xstrdup(tlsh_errmsg());
}

const char *
hive_damage(const struct hive *hv)
{
	return hv->damage;
}

/* 0, or -1 when hivex is to read this hive as it always did. */
static int
open_lazy(struct hive *hv)
{
	const char *e = getenv("TLSHIVE_HIVEX_READS");

	if (e != NULL && strcmp(e, "1") == 0)
		return -1;
	if (hv->rec.data) {
		hv->mem.p = hv->rec.data;
		hv->mem.len = hv->rec.len;
		hv->src = regfsrc_memory(&hv->mem);
	} else {
		hv->src.ctx = hv;
		hv->src.read = file_read;
		hv->src.size = hv->hdr.file_size;
	}
	/* a base block regfread does not take (format 1.2, a root outside
	 * the bins) goes to hivex, which says what it says today */
	if ((hv->rd = regf_open_src(&hv->src, REGF_LAZY)) == NULL) {
		hv->src_failed = 0;
		return -1;
	}
	return 0;
}


/*
 * hivex_node_get_child reads and converts the name of every subkey until
 * it finds the one asked for, so a lookup from the root costs as much as
 * the keys on its way have subkeys (SOFTWARE\Microsoft alone has hundreds),
 * and the plan and the verification ask for the same keys again and again.
 * Found keys are remembered by path.  A node handle is the key's offset in
 * the hive, and hivex keeps a key where it is when its values or subkeys
 * change; only deleting keys frees offsets, so that forgets everything.
 * Past NODE_CACHE_MAX keys (a bulk writer such as the bench's generator)
 * new ones go to hivex every time.
 */
enum { NODE_CACHE_MAX = 65536 };

static void
nodes_forget(struct hive *hv)
{
	sm_free(hv->nodes);
	hv->nodes = NULL;
}

/*
 * The base block is checked before hivex sees the file: hivex checks the
 * signature, major version and checksum, but neither refuses a dirty hive
 * nor reads its logs.  Dirty is what Windows calls it: a wrong checksum
 * or unequal sequence numbers (regf spec, "Dirty state of a hive").  The
 * checksum is the XOR of the first 508 bytes with 0 stored as 1 and -1 as
 * -2 ("Base block", note 2); hivex compares the plain XOR, so it refuses
 * the rare hive whose XOR is 0 or -1.
 */
static int
header_check(const char *path, const unsigned char *b, size_t got,
    uint64_t file_size, struct hive_header *hh)
{
	memset(hh, 0, sizeof(*hh));
	hh->file_size = file_size;
	if (got < 4096 || memcmp(b, "regf", 4) != 0) {
		tlsh_seterrc(TLSH_E_HIVE_DAMAGED,
		    "%s: not a registry hive (%s)", path,
		    got < 4096 ? "shorter than a base block" :
		    "no regf signature");
		return -1;
	}
	hh->seq1 = get_le32(b + 4);
	hh->seq2 = get_le32(b + 8);
	hh->major = get_le32(b + 20);
	hh->minor = get_le32(b + 24);
	hh->bins_size = get_le32(b + 40);
	hh->checksum_ok = regf_checksum(b) == get_le32(b + 508);
	hh->dirty = hh->seq1 != hh->seq2;
	if (get_le32(b + 28) != 0) {
		uint32_t t = get_le32(b + 28);
		/* File types: 0 primary, 1 and 2 old-format logs (2 up to
		 * Windows 2000), 6 new ones (regf spec, "Format of
		 * transaction log files"; "Very old versions of Windows").
		 * A log's first sector is a copy of a base block, so a log
		 * given as the hive has its signature and checksum: only
		 * the type tells. */
		if (t == 1 || t == 2 || t == 6)
			tlsh_seterrc(TLSH_E_HIVE_DAMAGED,
			    "%s: this is a transaction log, not a primary "
			    "hive", path);
		else
			tlsh_seterrc(TLSH_E_HIVE_DAMAGED,
			    "%s: not a registry hive (a regf signature, "
			    "but file type %u): damaged, or something else",
			    path, t);
		return -1;
	}
	/* 1 is the only major version Windows has written ("Base block";
	 * "Very old versions of Windows") */
	/* hivex reads the whole file: a size Windows never lets a hive
	 * reach (a sparse file in an image) is refused before that */
	if (file_size > STORE_FILE_MAX) {
		tlsh_seterrc(TLSH_E_HIVE_DAMAGED,
		    "%s: %llu bytes, more than Windows lets a hive grow "
		    "(2 GB): damaged, or not what it claims", path,
		    (unsigned long long)file_size);
		return -1;
	}
	if (hh->major != 1) {
		tlsh_seterrc(TLSH_E_HIVE_DAMAGED,
		    "%s: unsupported hive format version %u.%u", path,
		    hh->major, hh->minor);
		return -1;
	}
	/*
	 * A dirty hive may be shorter than its bins: recovery grows it.  Its
	 * base block can already count bins whose pages never reached the
	 * file (commit.c marks a primary dirty with the new size before it
	 * appends them), and recovery sizes the file by its logs (regf spec,
	 * "Log entries", note 9); with a wrong checksum the size means
	 * nothing.  A clean hive holds all its bins, in 4 KiB multiples
	 * ("Hive bin", note 1), and may have bytes after them ("Format of
	 * primary files").
	 */
	if (hh->checksum_ok && !hh->dirty && (hh->bins_size % 4096 != 0 ||
	    (uint64_t)hh->bins_size + 4096 > hh->file_size)) {
		tlsh_seterrc(TLSH_E_HIVE_DAMAGED,
		    "%s: truncated or damaged hive: the base block "
		    "claims %u bytes of hive bins, the file holds %llu", path,
		    hh->bins_size, (unsigned long long)(hh->file_size > 4096 ?
		    hh->file_size - 4096 : 0));
		return -1;
	}
	return 0;
}

static int
read_header(struct sfile *f, struct hive_header *hh)
{
	unsigned char b[4096];
	uint64_t size;

	if (sfile_size(f, &size) == -1)
		return -1;
	if (size >= sizeof(b) && sfile_read(f, b, sizeof(b), 0) == -1)
		return -1;
	return header_check(sfile_name(f), b, size < sizeof(b) ? (size_t)size :
	    sizeof(b), size, hh);
}

int
hive_read_header(const char *path, struct hive_header *hh)
{
	struct sfile *f = sfile_open(path, 0);
	int r;

	if (f == NULL)
		return -1;
	r = read_header(f, hh);
	sfile_close(f);
	return r;
}

/*
 * The names of the logs beside the hive, for messages: .LOG (a single log,
 * or an installation image's leftover) and .LOG1/.LOG2 (dual logging, from
 * Vista on) (regf spec, "Multiple transaction log files").  Whether they
 * fit the hive is for logs.c to say.
 */
char *
hive_log_files(const struct hive *hv)
{
	struct strbuf sb = { 0 };
	static const char *const ext[] = { ".LOG", ".LOG1", ".LOG2" };
	const char *b = strrchr(hv->path, '/');

	b = b ? b + 1 : hv->path;
	for (size_t i = 0; i < 3; i++) {
		struct sfile *l = sfile_sibling(hv->f, ext[i], 0);
		if (l != NULL)
			sb_add(&sb, "%s%s%s", sb.len ? ", " : "", b, ext[i]);
		sfile_close(l);
	}
	return sb_take(&sb);
}

/*
 * hivex opens files by name only: bytes in memory go through a memfd,
 * named by /proc/self/fd/N.  hivex opens that path itself and keeps a
 * mapping of it (read-only) or a copy (for writing), so ours is closed at
 * once; the memfd lives as long as hivex holds it.
 */
static hive_h *
open_bytes(const unsigned char *data, size_t len, int flags, int *err)
{
	char path[40];
	hive_h *h = NULL;
	int fd = memfd_create("tlshive-hive", MFD_CLOEXEC);

	*err = errno;
	if (fd == -1)
		return NULL;
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, data + off, len - off);
		if (w <= 0) {
			*err = w == 0 ? EIO : errno;
			close(fd);
			return NULL;
		}
		off += (size_t)w;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	errno = 0;
	h = hivex_open(path, flags);
	*err = errno ? errno : EINVAL;
	close(fd);
	return h;
}

/*
 * A hive replayed from its logs is opened from memory and never written
 * back here: show and check leave the files alone, and apply writes the
 * replay only in its commit, before its own change (commit.c,
 * recover_in_place), while the primary stays dirty and its logs still
 * recover it.  The replay runs once; hive_make_writable reopens the same
 * bytes.  The header then describes the replayed hive: clean, numbered
 * past every log entry (logs.c).
 */
static int
recover(struct hive *hv)
{
	if (hv->rec.data != NULL)
		return 0;
	if (logs_recover(hv->f, &hv->rec) == -1)
		return -1;
	free(hv->replayed);
	hv->replayed = xasprintf("%zu %s from %s, sequence number %u",
	    hv->rec.entries, hv->rec.format == LOG_NEW ? "log entries" :
	    "dirty pages", hv->rec.logs, hv->rec.seq);
	hv->hdr.seq1 = hv->hdr.seq2 = hv->rec.seq;
	hv->hdr.bins_size = (uint32_t)(hv->rec.len - 4096);
	hv->hdr.checksum_ok = 1;
	hv->hdr.dirty = 0;
	hv->hdr.file_size = hv->rec.len;
	return 0;
}

static hive_h *
open_recovered(struct hive *hv, int flags)
{
	hive_h *h;
	int err;

	if (recover(hv) == -1)
		return NULL;
	h = open_bytes(hv->rec.data, hv->rec.len, (flags & HIVE_WRITE) ?
	    HIVEX_OPEN_WRITE : 0, &err);
	if (h == NULL) {
		tlsh_seterrc(TLSH_E_HIVE_DAMAGED,
		    "%s: the hive replayed from its logs does not open: "
		    "%s", hv->path, strerror(err));
		return NULL;
	}
	return h;
}

/*
 * hivex reads the whole file and checks every cell when it opens a hive
 * for writing, and a hivex handle shares nothing with another: when two
 * hives change, a second core copies the second while the first is
 * copied.  The copy is made in a thread of its own, and ready() joins it
 * before hivex is first asked anything, so the hive is read through
 * hivex's copy as before.  The thread calls hivex and nothing else: the
 * path hivex opens is asked of the store before it starts (in a disk
 * image that reads the file through libntfs-3g, whose volume is not to be
 * used from two threads), and the replayed bytes of a dirty hive are
 * there already.  A thread that cannot start (an address-space limit)
 * means the copy is made at once, as without one.
 */
enum { COPY_NONE, COPY_RUNNING, COPY_DONE };
enum { COPY_OPEN = 1, COPY_WRITABLE = 2 };

/*
 * hivex's handle on the hive, from the file at from or the replayed bytes:
 * write, a copy to write; opening, the hive's first open, whose messages
 * say it cannot be opened at all and which checks the root key.
 */
static hive_h *
hivex_of(struct hive *hv, const char *from, int write, int opening)
{
	hive_h *h;

	/* open_recovered says itself why the replayed bytes do not open */
	if (hv->replayed)
		h = open_recovered(hv, write ? HIVE_WRITE : 0);
	else {
		errno = 0;
		if ((h = hivex_open(from, write ? HIVEX_OPEN_WRITE : 0)) ==
		    NULL && opening)
			tlsh_seterr("%s: cannot open the hive: %s", hv->path,
			    errno == ENOTSUP ? "corrupt or not a hive" :
			    strerror(errno ? errno : EINVAL));
		else if (h == NULL)
			tlsh_seterr("%s: cannot open the hive for writing: %s",
			    hv->path, strerror(errno ? errno : EINVAL));
	}
	if (h != NULL && opening && hivex_root(h) == 0) {
		tlsh_seterrc(TLSH_E_HIVE_DAMAGED,
		    "%s: the hive has no usable root key", hv->path);
		hivex_close(h);
		h = NULL;
	}
	return h;
}

static void *
copy_thread(void *arg)
{
	struct hive *hv = arg;

	/* the message is this thread's (tlsh_seterr): ready() repeats it */
	if ((hv->copy = hivex_of(hv, hv->copy_from, 1,
	    hv->copy_how == COPY_OPEN)) == NULL) {
		hv->copy_err = xstrdup(tlsh_errmsg());
		hv->copy_errc = tlsh_errcode();
		hv->copy_errt = tlsh_errtemp();
	}
	return NULL;
}

static void
copy_start(struct hive *hv, int how, int background)
{
	struct span sp = { 0 };

	/* the file read out of an image (hive-load) is part of the copy; an
	 * open's copy is the open's own span (open_hive) */
	if (how == COPY_WRITABLE)
		trace_begin(&sp);
	hv->copy_how = how;
	hv->copy_from = hv->replayed ? NULL : sfile_open_path(hv->f);
	hv->copy_state = COPY_RUNNING;
	/* traced, at once, a span of the run's thread (trace.c nests spans
	 * by thread) */
	if (background && !trace_on() && pthread_create(&hv->copier,
	    NULL, copy_thread, hv) == 0) {
		trace_drop(&sp);
		return;
	}
	copy_thread(hv);
	trace_end(&sp, "hivex-open", hv->path);
	hv->copy_state = COPY_DONE;
}

/* The copy in place of whatever read the hive before; -1 if it failed. */
static int
ready(struct hive *hv)
{
	if (hv->copy_state == COPY_RUNNING)
		pthread_join(hv->copier, NULL);
	if (hv->copy_state != COPY_NONE) {
		hv->copy_state = COPY_NONE;
		if (hv->copy != NULL) {
			if (hv->h)
				hivex_close(hv->h);
			nodes_forget(hv);
			hv->h = hv->copy;
			hv->copy = NULL;
			hv->flags |= HIVE_WRITE;
			copied(hv);
		}
	}
	if (hv->copy_err != NULL) {
		tlsh_seterr("%s", hv->copy_err);
		tlsh_errkind(hv->copy_errc, hv->copy_errt);
		return -1;
	}
	return 0;
}

int
hive_ready(struct hive *hv)
{
	return ready(hv);
}

/*
 * Writing needs the file open for writing and locked; a hive the request
 * has nothing in is only locked, read-only when it cannot be written.
 */
static int
store_flags(int flags)
{
	if (flags & (HIVE_WRITE | HIVE_LOCK))
		return SF_WRITE | SF_LOCK | (flags & HIVE_WAIT ? SF_WAIT : 0);
	return 0;
}

/*
 * apply locks every hive it may change before it plans; one the plan
 * leaves alone may well be unwritable (a read-only mount, another owner),
 * which is no error until something has to be written to it.
 */
static int
lock_only(int flags)
{
	return (flags & HIVE_LOCK) && !(flags & HIVE_WRITE) &&
	    (errno == EACCES || errno == EROFS || errno == EPERM);
}

static struct hive *open_in(struct sfile *, const char *, int);

/* The base block's checks, a replay, and the reader on demand or hivex. */
static struct hive *
open_hive(struct sfile *f, const char *path, int flags)
{
	struct span sp;
	char *shown = xstrdup(path);
	struct hive *h;
	int e;

	trace_begin(&sp);
	h = open_in(f, path, flags);
	e = errno;
	/* hivex reads and checks every cell, and copies a hive to write */
	trace_end(&sp, h && (h->h || (flags & HIVE_WRITE)) ? "hivex-open" :
	    "open", shown);
	free(shown);
	errno = e;
	return h;
}

struct hive *
hive_open(const char *path, int flags)
{
	int sf = store_flags(flags);
	struct sfile *f = sfile_open(path, sf);

	if (f == NULL && lock_only(flags))
		f = sfile_open(path, sf & ~SF_WRITE);
	return f ? open_hive(f, path, flags) : NULL;
}

struct hive *
hive_open_in(struct image *img, int i, int flags)
{
	int sf = store_flags(flags);
	struct sfile *f = image_hive_file(img, i, sf);
	struct hive *h;

	if (f == NULL && lock_only(flags))
		f = image_hive_file(img, i, sf & ~SF_WRITE);
	if (f == NULL)
		return NULL;
	/* ENOENT means the image lacks the file, not that it is no hive */
	if ((h = open_hive(f, sfile_name(f), flags)) == NULL && errno == ENOENT)
		errno = EINVAL;
	return h;
}

static struct hive *
open_in(struct sfile *f, const char *path, int flags)
{
	struct hive *hv = xcalloc(1, sizeof(*hv));
	int replay;

	hv->huge_kb = -1;
	hv->path = xstrdup(path);
	hv->flags = flags;
	hv->f = f;
	if (read_header(hv->f, &hv->hdr) == -1)
		goto fail;
	/* replay only what Windows would recover ("Dirty state of a hive") */
	replay = (flags & (HIVE_REPLAY_LOGS | HIVE_READ_DIRTY)) &&
	    (hv->hdr.dirty || !hv->hdr.checksum_ok);
	/* a reader of a dirty hive whose logs are gone can only read it as
	 * it is; the logs decide nothing then, and nothing is written */
	if (replay && !(flags & HIVE_REPLAY_LOGS)) {
		char *logs = hive_log_files(hv);
		replay = *logs != '\0';
		free(logs);
		if (!replay)
			flags |= HIVE_DISCARD_LOGS;
	}
	/* Never used as it is, even with --discard-logs: the root cell and
	 * bins size of a base block with a wrong checksum cannot be trusted,
	 * and Windows rebuilds such a one from a log ("Log entries", note
	 * 6). */
	if (!hv->hdr.checksum_ok && !replay) {
		char *logs = hive_log_files(hv);
		if (*logs)
			tlsh_seterrc(TLSH_E_HIVE_DIRTY,
			    "%s: the base block checksum is wrong: the "
			    "hive is damaged, or Windows was not shut down "
			    "cleanly and the newest data sits in its logs (%s); "
			    "--replay-logs rebuilds it from them", path, logs);
		else
			tlsh_seterrc(TLSH_E_HIVE_DIRTY,
			    "%s: the base block checksum is wrong, and no "
			    ".LOG1/.LOG2 beside it could rebuild it: the hive is "
			    "damaged", path);
		free(logs);
		goto fail;
	}
	/*
	 * A dirty primary is stale: from Windows 8.1 on the newest data may
	 * sit only in the logs, for up to an hour ("Flush strategies"), and
	 * hivex would open the stale file without a word.  Committing it
	 * marks it clean, after which Windows ignores the logs: with
	 * --discard-logs their data is lost for good, by the user's choice.
	 */
	if (hv->hdr.dirty && !replay && !(flags & HIVE_DISCARD_LOGS)) {
		char *logs = hive_log_files(hv);
		/* advice that can work: --replay-logs needs the logs */
		if (*logs)
			tlsh_seterrc(TLSH_E_HIVE_DIRTY,
			    "%s: dirty hive (sequence numbers %u and %u): "
			    "the image was not shut down cleanly and the newest "
			    "data sits in its .LOG1/.LOG2 files (%s); run "
			    "tlshive recover on the hive to write them into it, "
			    "or give --replay-logs to replay them first, or "
			    "--discard-logs to use the hive as it is and lose "
			    "that data", path, hv->hdr.seq1, hv->hdr.seq2, logs);
		else
			tlsh_seterrc(TLSH_E_HIVE_DIRTY,
			    "%s: dirty hive (sequence numbers %u and %u), "
			    "and no .LOG1/.LOG2 beside it to replay: put its "
			    "logs back beside it, or give --discard-logs to use "
			    "the hive as it is and lose what Windows last wrote "
			    "to them", path, hv->hdr.seq1, hv->hdr.seq2);
		free(logs);
		goto fail;
	}
	if (replay && recover(hv) == -1)
		goto fail;
	/* a hive that is not to be written now needs no hivex at all */
	if (!(flags & HIVE_WRITE) && open_lazy(hv) == 0)
		return hv;
	if (flags & HIVE_WRITE) {
		copy_start(hv, COPY_OPEN, flags & HIVE_BACKGROUND);
		if (!(flags & HIVE_BACKGROUND) && ready(hv) == -1)
			goto fail;
		return hv;
	}
	/* through the descriptor open (/proc/self/fd/N): hivex reads the
	 * file checked and locked, not what the path names now */
	if ((hv->h = hivex_of(hv, sfile_open_path(hv->f), 0, 1)) == NULL)
		goto fail;
	return hv;
fail:
	hive_close(hv);
	return NULL;
}

void
hive_start_writable(struct hive *hv)
{
	/* hivex copies a hive into memory only when it is opened for
	 * writing: reads go through a mapping, and only a hive the plan
	 * changes pays for the copy */
	if ((hv->flags & HIVE_WRITE) || hv->copy_state != COPY_NONE ||
	    hv->copy_err != NULL)
		return;
	copy_start(hv, COPY_WRITABLE, 1);
}

int
hive_make_writable(struct hive *hv)
{
	if (!(hv->flags & HIVE_WRITE) && hv->copy_state == COPY_NONE &&
	    hv->copy_err == NULL)
		copy_start(hv, COPY_WRITABLE, 0);
	return ready(hv);
}

const char *
hive_replayed(const struct hive *hv)
{
	return hv->replayed;
}

void
hive_close(struct hive *hv)
{
	if (hv == NULL)
		return;
	if (hv->copy_state == COPY_RUNNING)
		pthread_join(hv->copier, NULL);
	if (hv->copy)
		hivex_close(hv->copy);
	free(hv->copy_err);
	nodes_forget(hv);
	sl_free(&hv->changed);
	if (hv->h)
		hivex_close(hv->h);
	regf_close(hv->rd);
	free(hv->damage);
	sfile_close(hv->f);
	recovery_free(&hv->rec);
	free(hv->path);
	free(hv->replayed);
	free(hv);
}

const char *
hive_path(const struct hive *hv)
{
	return hv->path;
}

struct sfile *
hive_file(const struct hive *hv)
{
	return hv->f;
}

const struct hive_header *
hive_header(const struct hive *hv)
{
	return &hv->hdr;
}

/*
 * hivex_node_get_child returns 0 both for "no such child" (errno left alone)
 * and for a damaged subkey list (errno set), so errno is cleared first.
 * With create, missing keys are added; hivex_node_add_child refuses existing
 * names, which is why creation only follows a failed lookup.
 */
static int
lookup(struct hive *hv, const char *key, int create, hive_node_h *out)
{
	hive_node_h node;
	char *copy, *comp, *save = NULL;
	char *path;
	size_t plen = 0, parent;
	int first = 1, r = -1;

	if (ready(hv) == -1)
		return -1;
	/* a hive opened only to be read or locked has no hivex handle */
	if (hv->h == NULL) {
		tlsh_seterr("%s: the hive is not open for writing", hv->path);
		return -1;
	}
	node = hivex_root(hv->h);
	copy = xstrdup(key);
	path = xmalloc(strlen(key) + 1);

	for (comp = strtok_r(copy, "\\", &save); comp != NULL;
	    comp = strtok_r(NULL, "\\", &save), first = 0) {
		hive_node_h child;
		size_t cached;

		/* Key names match case-blind (subkey lists are sorted by the
		 * upper-cased name: regf spec, "Index leaf"), and so does
		 * hivex, so the cache is keyed by the folded path. */
		parent = plen;
		if (!first)
			path[plen++] = '\\';
		strcpy(path + plen, comp);
		str_fold(path + plen);
		plen += strlen(comp);
		if (hv->nodes && sm_get(hv->nodes, path, &cached)) {
			node = (hive_node_h)cached;
			continue;
		}
		errno = 0;
		child = hivex_node_get_child(hv->h, node, comp);
		if (child == 0 && errno != 0) {
			tlsh_seterr("%s: cannot read key %s: %s", hv->path, key,
			    strerror(errno));
			goto out;
		}
		if (child == 0 && !create) {
			r = 0;
			goto out;
		}
		if (child == 0) {
			/* A hive file has no CurrentControlSet: it is a link
			 * the running kernel makes.  Creating one would put
			 * settings where Windows never reads them. */
			if (first && strcasecmp(comp, "CurrentControlSet") == 0) {
				tlsh_seterr("%s: refusing to create a key "
				    "named CurrentControlSet", hv->path);
				goto out;
			}
			errno = 0;
			child = hivex_node_add_child(hv->h, node, comp);
			if (child == 0) {
				tlsh_seterr("%s: cannot create key %s: %s",
				    hv->path, key, strerror(errno ? errno :
				    EINVAL));
				goto out;
			}
			sl_add(&hv->changed, "%.*s", (int)parent, path);
			sl_add(&hv->changed, "%s", path);
		}
		if (hv->nodes == NULL)
			hv->nodes = sm_new();
		if (sm_count(hv->nodes) < NODE_CACHE_MAX)
			sm_put(hv->nodes, path, child);
		node = child;
	}
	*out = node;
	r = 1;
out:
	free(copy);
	free(path);
	return r;
}

int
hive_key_exists(struct hive *hv, const char *key)
{
	hive_node_h n;
	int r;

	if (lazy(hv)) {
		if ((r = regf_rd_key(hv->rd, key)) == -1)
			lazy_err(hv);
		return r;
	}
	return lookup(hv, key, 0, &n);
}

int
hive_get(struct hive *hv, const char *key, const char *name,
    struct regval *out)
{
	hive_node_h node;
	hive_value_h v;
	hive_type t;
	size_t len;
	char *data;
	int r;

	if (lazy(hv)) {
		if ((r = regf_rd_value(hv->rd, key, name, out)) == -1)
			lazy_err(hv);
		return r;
	}
	if ((r = lookup(hv, key, 0, &node)) <= 0)
		return r;
	errno = 0;
	v = hivex_node_get_value(hv->h, node, name);
	if (v == 0) {
		if (errno == 0)
			return 0;
		tlsh_seterr("%s: cannot read %s\\%s: %s", hv->path, key, name,
		    strerror(errno));
		return -1;
	}
	errno = 0;
	if ((data = hivex_value_value(hv->h, v, &t, &len)) == NULL) {
		tlsh_seterr("%s: cannot read %s\\%s: %s", hv->path, key, name,
		    strerror(errno ? errno : EINVAL));
		return -1;
	}
	out->type = (uint32_t)t;
	out->len = len;
	out->data = (unsigned char *)data;
	return 1;
}

int
hive_mkkey(struct hive *hv, const char *key)
{
	hive_node_h node;

	return lookup(hv, key, 1, &node) == -1 ? -1 : 0;
}

int
hive_delete_key(struct hive *hv, const char *key)
{
	hive_node_h node;
	const char *bs;
	int r;

	if ((r = lookup(hv, key, 0, &node)) <= 0)
		return r;
	/* Windows marks the root KEY_HIVE_ENTRY and KEY_NO_DELETE (regf
	 * spec, "Key node" > "Flags"), and the base block points at it. */
	if (node == hivex_root(hv->h)) {
		tlsh_seterr("%s: refusing to delete the root key", hv->path);
		return -1;
	}
	/* the freed cells' offsets may come back as new keys' handles */
	nodes_forget(hv);
	errno = 0;
	if (hivex_node_delete_child(hv->h, node) == -1) {
		tlsh_seterr("%s: cannot delete key %s: %s", hv->path, key,
		    strerror(errno ? errno : EINVAL));
		return -1;
	}
	bs = strrchr(key, '\\');
	sl_add(&hv->changed, "%.*s", bs ? (int)(bs - key) : 0, key);
	return 0;
}

/* The values of a node as hivex_node_set_values wants them. */
static hive_set_value *
node_values(struct hive *hv, hive_node_h node, const char *key, size_t *n)
{
	hive_value_h *vals;
	hive_set_value *sv;
	size_t i;

	errno = 0;
	if ((vals = hivex_node_values(hv->h, node)) == NULL) {
		tlsh_seterr("%s: cannot read the values of %s: %s", hv->path,
		    key, strerror(errno ? errno : EINVAL));
		return NULL;
	}
	for (i = 0; vals[i]; i++)
		;
	sv = xcalloc(i + 1, sizeof(*sv));
	for (i = 0; vals[i]; i++) {
		hive_type t;
		size_t len;

		sv[i].key = hivex_value_key(hv->h, vals[i]);
		sv[i].value = hivex_value_value(hv->h, vals[i], &t, &len);
		if (sv[i].key == NULL || sv[i].value == NULL) {
			tlsh_seterr("%s: cannot read a value of %s", hv->path,
			    key);
			*n = i + 1;
			free(vals);
			return sv;	/* caller frees; *n marks the failure */
		}
		sv[i].t = t;
		sv[i].len = len;
	}
	*n = i;
	free(vals);
	return sv;
}

static void
free_values(hive_set_value *sv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(sv[i].key);
		free(sv[i].value);
	}
	free(sv);
}

char *
hive_value_name(struct hive *hv, const char *key, const char *name)
{
	hive_node_h node;
	hive_value_h v;

	if (lazy(hv))
		return regf_rd_value_name(hv->rd, key, name);
	if (lookup(hv, key, 0, &node) != 1 ||
	    (v = hivex_node_get_value(hv->h, node, name)) == 0)
		return NULL;
	return hivex_value_key(hv->h, v);
}

/*
 * hivex rebuilds a key's whole value list whenever one value is set, so a
 * key's values are set in one go: setting them one by one costs as many
 * rebuilds as there are values, each as long as the list.  As
 * hivex_node_set_value does it, a value whose name matches (case-blind)
 * takes the old one's place under the new name, others go at the end, and
 * the key's other values come back with the same names, types and data.
 */
int
hive_set_values(struct hive *hv, const char *key, size_t n,
    const char *const names[], const struct regval *const vals[])
{
	struct strmap *at = sm_new();
	hive_set_value *sv;
	hive_node_h node;
	size_t have, k;
	int r = -1;

	if (lookup(hv, key, 1, &node) == -1 ||
	    (sv = node_values(hv, node, key, &have)) == NULL)
		goto out;
	sv = xrealloc(sv, (have + n + 1) * sizeof(*sv));
	for (k = 0; k < have; k++) {
		char *id;
		if (sv[k].key == NULL || sv[k].value == NULL)
			goto fail;
		sm_put(at, id = str_fold(xstrdup(sv[k].key)), k);
		free(id);
	}
	for (size_t i = 0; i < n; i++) {
		char *id = str_fold(xstrdup(names[i]));
		size_t j;
		if (sm_get(at, id, &j)) {
			free(sv[j].key);
			free(sv[j].value);
		} else
			sm_put(at, id, j = k++);
		free(id);
		sv[j].key = xstrdup(names[i]);
		sv[j].t = (hive_type)vals[i]->type;
		sv[j].len = vals[i]->len;
		sv[j].value = xmalloc(vals[i]->len + 1);
		if (vals[i]->len)
			memcpy(sv[j].value, vals[i]->data, vals[i]->len);
	}
	errno = 0;
	if (hivex_node_set_values(hv->h, node, k, sv, 0) == -1) {
		tlsh_seterr("%s: cannot set %s\\%s%s: %s", hv->path, key,
		    names[0], n > 1 ? " and the other values" : "",
		    strerror(errno ? errno : EINVAL));
		goto fail;
	}
	sl_add(&hv->changed, "%s", key);
	r = 0;
fail:
	free_values(sv, k < have ? have : k);
out:
	sm_free(at);
	return r;
}

int
hive_set(struct hive *hv, const char *key, const char *name,
    const struct regval *val)
{
	return hive_set_values(hv, key, 1, &name, &val);
}

/*
 * hivex has no call to delete one value: the key's list is set again
 * without it.  Value lists need no order ("Key values list"), so the
 * others keep theirs.
 */
int
hive_delete_value(struct hive *hv, const char *key, const char *name)
{
	hive_set_value *sv;
	hive_node_h node;
	size_t n, k = 0, found = 0;
	int r;

	if ((r = lookup(hv, key, 0, &node)) <= 0)
		return r;
	if ((sv = node_values(hv, node, key, &n)) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (sv[i].key == NULL || sv[i].value == NULL) {
			free_values(sv, n);
			return -1;
		}
		if (strcasecmp(sv[i].key, name) == 0) {
			free(sv[i].key);
			free(sv[i].value);
			found = 1;
			continue;
		}
		sv[k++] = sv[i];
	}
	r = 0;
	errno = 0;
	if (found && hivex_node_set_values(hv->h, node, k, sv, 0) == -1) {
		tlsh_seterr("%s: cannot delete %s\\%s: %s", hv->path, key, name,
		    strerror(errno ? errno : EINVAL));
		r = -1;
	} else if (found)
		sl_add(&hv->changed, "%s", key);
	free_values(sv, k);
	return r;
}

/*
 * A hive is a tree: a key reached twice (a subkey list naming an ancestor,
 * or one key in two lists) is a corrupt or hostile hive, and walking it
 * would loop, or take time and memory exponential in its depth.  Windows
 * nests keys 512 deep at most.
 */
struct walk_seen {
	struct strmap *nodes;	/* "%zx" of every node visited */
	int depth;
};

static int
walk(struct hive *hv, hive_node_h node, const char *path, hive_walk_fn fn,
    void *ctx, struct walk_seen *seen)
{
	hive_set_value *sv;
	hive_node_h *kids;
	size_t n;
	int r;
	char id[32];

	snprintf(id, sizeof(id), "%zx", (size_t)node);
	if (sm_get(seen->nodes, id, NULL) || seen->depth > 512) {
		tlsh_seterr("%s: %s: %s", hv->path, path, seen->depth > 512 ?
		    "keys nested deeper than the 512 levels Windows allows: a "
		    "corrupt hive" : "a key that appears twice in the tree (a "
		    "loop or a shared subkey): a corrupt hive");
		return -1;
	}
	sm_put(seen->nodes, id, 0);
	if ((r = fn(ctx, path, NULL, NULL)) != 0)
		return r;
	if ((sv = node_values(hv, node, path, &n)) == NULL)
		return -1;
	for (size_t i = 0; i < n && r == 0; i++) {
		struct regval v;

		if (sv[i].key == NULL || sv[i].value == NULL) {
			r = -1;
			break;
		}
		v.type = (uint32_t)sv[i].t;
		v.len = sv[i].len;
		v.data = (unsigned char *)sv[i].value;
		r = fn(ctx, path, sv[i].key, &v);
	}
	free_values(sv, n);
	if (r != 0)
		return r;
	errno = 0;
	if ((kids = hivex_node_children(hv->h, node)) == NULL) {
		tlsh_seterr("%s: cannot list %s: %s", hv->path, path,
		    strerror(errno ? errno : EINVAL));
		return -1;
	}
	for (size_t i = 0; kids[i] && r == 0; i++) {
		char *name = hivex_node_name(hv->h, kids[i]), *sub;

		if (name == NULL) {
			tlsh_seterr("%s: cannot read a key name under %s",
			    hv->path, path);
			r = -1;
			break;
		}
		sub = *path ? xasprintf("%s\\%s", path, name) : xstrdup(name);
		seen->depth++;
		r = walk(hv, kids[i], sub, fn, ctx, seen);
		seen->depth--;
		free(sub);
		free(name);
	}
	free(kids);
	return r;
}

/* A key's path as the hive spells it (lookups match names case-blind). */
static char *
spelling(struct hive *hv, hive_node_h node)
{
	hive_node_h root = hivex_root(hv->h);
	char *path = xstrdup("");

	for (int depth = 0; node != root; depth++) {
		char *name, *longer;
		if (depth > 512 || (name = hivex_node_name(hv->h, node)) ==
		    NULL || (node = hivex_node_parent(hv->h, node)) == 0) {
			tlsh_seterr("%s: cannot read the path of a key",
			    hv->path);
			free(path);
			return NULL;
		}
		longer = xasprintf("%s%s%s", name, *path ? "\\" : "", path);
		free(name);
		free(path);
		path = longer;
	}
	return path;
}

/* Whether a lazy walk stopped for the caller's fn or for damage. */
struct lazy_walk {
	hive_walk_fn fn;
	void *ctx;
	int stopped;
};

static int
lazy_visit(void *ctx, const char *key, const char *name,
    const struct regval *val)
{
	struct lazy_walk *lw = ctx;
	int r = lw->fn(lw->ctx, key, name, val);

	lw->stopped = r != 0;
	return r;
}

int
hive_walk(struct hive *hv, const char *key, hive_walk_fn fn, void *ctx)
{
	struct walk_seen seen = { NULL, 0 };
	hive_node_h node;
	char *spelt;
	int r;

	if (lazy(hv)) {
		struct lazy_walk lw = { fn, ctx, 0 };

		if ((r = regf_rd_walk(hv->rd, key, lazy_visit, &lw)) != 0 &&
		    !lw.stopped)
			lazy_err(hv);
		return r;
	}
	if ((r = lookup(hv, key, 0, &node)) <= 0) {
		if (r == 0)
			tlsh_seterr("%s: no key %s", hv->path, key);
		return -1;
	}
	if ((spelt = spelling(hv, node)) == NULL)
		return -1;
	seen.nodes = sm_new();
	r = walk(hv, node, spelt, fn, ctx, &seen);
	sm_free(seen.nodes);
	free(spelt);
	return r;
}

/* The subkeys' names and offsets, as the lazy reader lists them. */
struct kids {
	struct hive *hv;
	char **names;
	uint32_t *offs;
	size_t n, cap;
	int over;
};

static int
lazy_kid(void *ctx, const char *name, uint32_t key)
{
	struct kids *k = ctx;

	if (!k->hv->damage && over(k->hv) && to_hivex(k->hv) == 0)
		return k->over = 1;
	if (k->n + 1 >= k->cap) {
		k->cap = k->cap ? 2 * k->cap : 16;
		k->names = xrealloc(k->names, k->cap * sizeof(*k->names));
		k->offs = xrealloc(k->offs, k->cap * sizeof(*k->offs));
	}
	k->names[k->n] = xstrdup(name);
	k->offs[k->n++] = key;
	k->names[k->n] = NULL;
	return 0;
}

static int
lazy_subkeys_dword(struct hive *hv, const char *key, const char *value,
    char ***names, uint32_t **vals, unsigned char **have, size_t *n)
{
	struct kids k = { hv, NULL, NULL, 0, 0, 0 };
	int r = regf_rd_subkeys(hv->rd, key, lazy_kid, &k);

	if (k.over) {
		strv_free(k.names, k.n);
		free(k.offs);
		return 1;
	}
	if (r != 1) {
		if (r == 0)
			tlsh_seterr("%s: no key %s", hv->path, key);
		else
			lazy_err(hv);
		strv_free(k.names, k.n);
		free(k.offs);
		return -1;
	}
	*vals = xcalloc(k.n + 1, sizeof(**vals));
	*have = xcalloc(k.n + 1, 1);
	for (size_t i = 0; i < k.n; i++) {
		struct regval v;

		/* as below: only a 4-byte REG_DWORD counts */
		if ((r = regf_rd_value_at(hv->rd, k.offs[i], value, &v)) ==
		    -1) {
			lazy_err(hv);
			strv_free(k.names, k.n);
			free(k.offs);
			free(*vals);
			free(*have);
			return -1;
		}
		if (r == 1 && v.type == REGT_DWORD && v.len == 4) {
			(*vals)[i] = get_le32(v.data);
			(*have)[i] = 1;
		}
		if (r == 1)
			regval_free(&v);
		if (over(hv) && to_hivex(hv) == 0) {
			strv_free(k.names, k.n);
			free(k.offs);
			free(*vals);
			free(*have);
			return 1;
		}
	}
	*names = k.names ? k.names : xcalloc(1, sizeof(**names));
	*n = k.n;
	free(k.offs);
	return 0;
}

int
hive_subkeys_dword(struct hive *hv, const char *key, const char *value,
    char ***names, uint32_t **vals, unsigned char **have, size_t *n)
{
	hive_node_h node, *kids;
	size_t i;
	int r;

	*n = 0;
	/* 1: too much to read on demand, hivex reads it */
	if (lazy(hv) && (r = lazy_subkeys_dword(hv, key, value, names, vals,
	    have, n)) != 1)
		return r;
	if ((r = lookup(hv, key, 0, &node)) != 1) {
		if (r == 0)
			tlsh_seterr("%s: no key %s", hv->path, key);
		return -1;
	}
	errno = 0;
	if ((kids = hivex_node_children(hv->h, node)) == NULL) {
		tlsh_seterr("%s: cannot list %s: %s", hv->path, key,
		    strerror(errno ? errno : EINVAL));
		return -1;
	}
	for (i = 0; kids[i]; i++)
		;
	*names = xcalloc(i + 1, sizeof(**names));
	*vals = xcalloc(i + 1, sizeof(**vals));
	*have = xcalloc(i + 1, 1);
	for (i = 0; kids[i]; i++) {
		hive_value_h v;
		hive_type t;
		size_t len;

		if (((*names)[i] = hivex_node_name(hv->h, kids[i])) == NULL) {
			tlsh_seterr("%s: cannot read a key name under %s",
			    hv->path, key);
			strv_free(*names, i);
			free(*vals);
			free(*have);
			free(kids);
			return -1;
		}
		errno = 0;
		/* the data type and its size are separate fields ("Key
		 * value"): only a 4-byte REG_DWORD counts, and anything
		 * else reads as absent, not as a guess */
		v = hivex_node_get_value(hv->h, kids[i], value);
		if (v != 0 && hivex_value_type(hv->h, v, &t, &len) == 0 &&
		    t == hive_t_REG_DWORD && len == 4) {
			(*vals)[i] = (uint32_t)hivex_value_dword(hv->h, v);
			(*have)[i] = 1;
		}
	}
	*n = i;
	free(kids);
	return 0;
}

/*
 * hivex writes only to a named file, and rewrites it whole.  Here it
 * writes into a pipe, from a thread of its own, and the chunks reach the
 * sink as they come: no second copy of a hive of hundreds of megabytes is
 * ever made, and the sink compares while hivex still writes.
 * The thread is needed because hivex_commit is one blocking call for the
 * whole image, and a pipe holds 64 KiB to 1 MiB: with no reader running
 * beside it, hivex would block for good.  What hivex writes is compared,
 * never written as it is: commit.c numbers the base block itself, where
 * hivex sets both sequence numbers to the old primary one plus one (a
 * clean hive) and leaves the last-written time alone.
 */
struct writer {
	hive_h *h;
	char path[40];
	int fd, rc, err;
};

static void *
write_thread(void *arg)
{
	struct writer *w = arg;
	sigset_t pipe_sig;

	/* A sink that stops reading must not kill the process: SIGPIPE
	 * goes to the thread that wrote, so blocked here it becomes EPIPE,
	 * and hivex_commit fails with it. */
	sigemptyset(&pipe_sig);
	sigaddset(&pipe_sig, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_sig, NULL);
	errno = 0;
	w->rc = hivex_commit(w->h, w->path, 0);
	w->err = errno ? errno : EIO;
	/* the reader sees end of file once every write end is closed:
	 * hivex closes the one it opened by path, this is the other */
	close(w->fd);
	return NULL;
}

/*
 * Windows gives a key the time of the change as its LastWriteTime when it
 * creates the key, when it sets or deletes one of its values, and, on the
 * parent, when it creates or deletes a subkey (the kernel's CmpDoCreate,
 * CmSetValueKey, CmDeleteValueKey, CmDeleteKey).  hivex copies the
 * parent's time into a new key and leaves every other time alone, and has
 * no call to set one, so the times are laid over hivex's output as it
 * streams past: a key's handle is its nk cell's file offset, and the time
 * is 8 bytes into the cell (size, "nk", flags; regf spec, "Key node").
 * Keys are remembered by path, not handle, because deleting keys frees
 * cells: a key deleted after it changed no longer resolves, and its old
 * offset may hold another cell by now.  The result is sorted and unique.
 */
static int
stamp_offsets(struct hive *hv, size_t **offs, size_t *n)
{
	size_t *o = xcalloc(hv->changed.n + 1, sizeof(*o)), k = 0;

	for (size_t i = 0; i < hv->changed.n; i++) {
		hive_node_h node;
		int r = lookup(hv, hv->changed.v[i], 0, &node);
		if (r == -1) {
			free(o);
			return -1;
		}
		if (r == 1) {
			size_t j = k++;
			for (; j > 0 && o[j - 1] > (size_t)node; j--)
				o[j] = o[j - 1];
			o[j] = (size_t)node;
		}
	}
	*n = 0;
	for (size_t i = 0; i < k; i++)
		if (i == 0 || o[i] != o[i - 1])
			o[(*n)++] = o[i];
	*offs = o;
	return 0;
}

/* The run's time over the LastWriteTime of the keys at offs in a chunk. */
static void
stamp_chunk(unsigned char *buf, size_t len, uint64_t at, const size_t *offs,
    size_t n)
{
	unsigned char t[8];

	put_le64(t, tlsh_run_time());
	for (size_t i = 0; i < n; i++)
		for (size_t b = 0; b < 8; b++) {
			uint64_t pos = (uint64_t)offs[i] + 8 + b;
			if (pos >= at && pos < at + len)
				buf[pos - at] = t[b];
		}
}

int
hive_stream(struct hive *hv, hive_sink sink, void *ctx)
{
	enum { CHUNK = 1 << 20 };
	struct writer w = { NULL, "", -1, 0, 0 };
	unsigned char *buf;
	pthread_t t;
	int p[2], rc = 0, e;
	size_t *offs, noffs;
	uint64_t at = 0;

	if (ready(hv) == -1)
		return -1;
	w.h = hv->h;
	/* before hivex_commit starts: hivex is not to be called from two
	 * threads at once */
	if (stamp_offsets(hv, &offs, &noffs) == -1)
		return -1;
	if (pipe2(p, O_CLOEXEC) == -1) {
		tlsh_seterr("%s: cannot make a pipe for the new hive: %s",
		    hv->path, strerror(errno));
		free(offs);
		return -1;
	}
	(void)fcntl(p[1], F_SETPIPE_SZ, CHUNK);	/* fewer wake-ups if allowed */
	w.fd = p[1];
	snprintf(w.path, sizeof(w.path), "/proc/self/fd/%d", p[1]);
	if ((e = pthread_create(&t, NULL, write_thread, &w)) != 0) {
		tlsh_seterr("%s: cannot start hivex's writer: %s", hv->path,
		    strerror(e));
		close(p[0]);
		close(p[1]);
		free(offs);
		return -1;
	}
	buf = xmalloc(CHUNK);
	for (int eof = 0; !eof;) {
		size_t have = 0;

		/* whole chunks, which the sink can take without a copy */
		while (have < CHUNK) {
			ssize_t n = read(p[0], buf + have, CHUNK - have);
			if (n == -1 && errno == EINTR)
				continue;
			if (n == -1) {
				tlsh_seterr("%s: reading hivex's new hive: %s",
				    hv->path, strerror(errno));
				rc = -1;
			}
			if (n <= 0) {
				eof = 1;
				break;
			}
			have += (size_t)n;
		}
		stamp_chunk(buf, have, at, offs, noffs);
		at += have;
		/* after a failed sink, drain so that hivex can finish */
		if (have && rc == 0 && sink(ctx, buf, have) == -1)
			rc = -1;
	}
	close(p[0]);
	pthread_join(t, NULL);
	free(buf);
	free(offs);
	if (w.rc == -1) {
		tlsh_seterr("%s: hivex cannot write the new hive: %s",
		    hv->path, strerror(w.err));
		return -1;
	}
	return rc;
}

/* The replayed hive, which commit.c writes in place before the change. */
int
hive_recovery(const struct hive *hv, const unsigned char **data, size_t *len)
{
	if (hv->rec.data == NULL)
		return 0;
	*data = hv->rec.data;
	*len = hv->rec.len;
	return 1;
}

long
hive_huge_kb(const struct hive *hv)
{
	return hv->huge_kb;
}

void
hive_read_stats(const struct hive *hv, uint64_t *bytes, uint64_t *bins)
{
	*bytes = *bins = 0;
	if (hv->rd)
		regf_rd_stats(hv->rd, bytes, bins);
}
