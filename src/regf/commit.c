/*
 * The in-place commit.  Windows never rewrites a hive: it writes the dirty
 * pages to a transaction log, marks the primary dirty (primary sequence
 * number), writes the pages, and completes the base block (secondary
 * sequence number, checksum); at the next load a dirty hive is recovered
 * from its log.  This does the same with hivex's result, so a hive keeps
 * its inode, owner, ACL, NTFS security descriptor and attributes, and a
 * crash leaves what Windows' own recovery turns into the old or the new
 * hive (msuhanov/regf: "Base block", "Format of transaction log files",
 * "Dirty state of a hive", "Multiple transaction log files").
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "io/store.h"
#include "regf/commit.h"
#include "regf/hive.h"
#include "regf/logs.h"
#include "regf/regf.h"
#include "regf/regfread.h"
#include "trace.h"

/*
 * The unit compared and written.  Windows tracks dirty hive data in 4 KiB
 * blocks (regf spec, "Dirty vector", note 3), and hive bins are 4 KiB
 * multiples laid from offset 4096 ("Hive bin", note 1), so pages line up
 * with bins.  Writing only the pages that differ is the point: an apply
 * changes a handful (6 of a real SYSTEM's 2,795, measured), and a rewrite
 * would reallocate the whole hive in a copy-on-write image.
 */
#define PAGE 4096
#define CHUNK ((size_t)1 << 20)

struct run {
	uint32_t off, len;		/* relative to the hive bins */
	unsigned char *now, *was;	/* new bytes; old bytes up to old_size */
};

struct commit {
	struct sfile *f;
	int logfmt;
	struct sfile *log;		/* the log written */
	struct sfile *stale[3];		/* logs to invalidate first */
	size_t nstale;
	/* the logs beside the hive as commit_begin found them, see
	 * find_logs; their error is commit_end's to give */
	struct sfile *found[3];
	int found_fmt[3];
	uint32_t found_seq[3];
	uint64_t found_stamp[3];
	char *found_err;
	enum tlsh_errc found_errc;
	const char *log_suffix;		/* the log to create when missing */
	int log_made;			/* the log file was created */
	int noop;			/* hivex changed no page */
	unsigned char *logbytes;
	size_t loglen;
	/* the base block as found, as marked dirty (primary number raised,
	 * secondary not) and as completed */
	unsigned char orig[PAGE], dirty[PAGE], done[PAGE];
	uint64_t old_size, new_size;
	struct run *runs;
	size_t nruns;
	int touched, completed;		/* how far the primary got */
	/* while the new image streams in */
	unsigned char *acc;		/* a part of a chunk */
	size_t acclen;
	unsigned char *old;		/* the file's bytes under a chunk */
	struct regf_chain *chain;	/* the new image's bins, as they pass */
	unsigned char *view;		/* the file, see sfile_view */
	size_t viewlen;
	uint64_t at;			/* file offset of acc[0] */
	uint32_t seq;
	int failed;
};

/* the checksum covers the sequence numbers ("Base block", note 2) */
static void
seal(unsigned char *b, uint32_t seq1, uint32_t seq2)
{
	put_le32(b + 4, seq1);
	put_le32(b + 8, seq2);
	put_le32(b + 508, regf_checksum(b));
}

static void
fails_check(const struct commit *c)
{
	char *m = xstrdup(tlsh_errmsg());

	tlsh_seterrc(TLSH_E_WRITE_CHECK,
	    "%s: the new hive fails its check (%s); nothing written",
	    sfile_name(c->f), m);
	free(m);
}

/*
 * The new image, checked by a reader that shares nothing with hivex's
 * writer: the base block and hive-bin chain, the cells of every bin that
 * holds a changed page, and every planned key and value.  The image is
 * the file with the new pages laid over it.
 * hivex reading its own output back would repeat its writer's mistakes.
 * One it makes: hivex 1.3 stores a value over 16,344 bytes in a single
 * cell, where a hive of version 1.4 or later needs big data (regf spec,
 * "Big data") and Windows reads such a value as big data; the reader
 * refuses it here, before a byte is written.
 */
static int
verify(struct commit *c, const struct hive_expect *ex, size_t nex)
{
	const char *shown = sfile_name(c->f);
	unsigned char *view;
	struct regf_img ri = { NULL, (size_t)c->new_size };
	struct regf_rd *rd = NULL;
	uint64_t checked_to = 0;
	int rc = -1;

	if (c->new_size > c->viewlen) {
		sfile_view_free(c->f, c->view, c->viewlen);
		c->viewlen = (size_t)c->new_size;
		if ((c->view = sfile_view(c->f, c->viewlen)) == NULL)
			return -1;
	}
	ri.p = view = c->view;
	memcpy(view, c->done, PAGE);
	for (size_t i = 0; i < c->nruns; i++)
		memcpy(view + PAGE + c->runs[i].off, c->runs[i].now,
		    c->runs[i].len);
	if ((rd = regf_open_chain(&ri, c->chain)) == NULL)
		goto bad;
	for (size_t i = 0; i < c->nruns; i++)
		for (uint64_t p = c->runs[i].off; p < (uint64_t)c->runs[i].off +
		    c->runs[i].len; p += PAGE) {
			uint64_t at = PAGE + p;
			if (at < checked_to)
				continue;
			if (regf_rd_bin_at(rd, at) == -1)
				goto bad;
			/* the rest of this bin is checked now */
			checked_to = at + PAGE;
			while (checked_to < PAGE + (uint64_t)get_le32(view + 40) &&
			    memcmp(view + checked_to, "hbin", 4) != 0)
				checked_to += PAGE;
		}
	for (size_t i = 0; i < nex; i++) {
		struct regval got;
		int r, want = ex[i].val != NULL;

		if (ex[i].name == NULL) {
			if ((r = regf_rd_key(rd, ex[i].key)) == -1)
				goto bad;
			if (r != want) {
				tlsh_seterrc(TLSH_E_WRITE_CHECK,
				    "%s: the new hive %s key %s; nothing "
				    "written", shown, want ? "lacks" :
				    "still has", ex[i].key);
				goto out;
			}
			continue;
		}
		if ((r = regf_rd_value(rd, ex[i].key, ex[i].name, &got)) == -1)
			goto bad;
		if (r == 1) {
			int same = want && regval_equal(&got, ex[i].val);
			regval_free(&got);
			r = same;
		} else
			r = !want;
		if (r != 1) {
			tlsh_seterrc(TLSH_E_WRITE_CHECK,
			    "%s: the new hive does not hold %s\\%s as "
			    "planned; nothing written", shown, ex[i].key,
			    ex[i].name);
			goto out;
		}
	}
	rc = 0;
	goto out;
bad:
	fails_check(c);
out:
	regf_close(rd);
	return rc;
}

static void
add_page(struct commit *c, uint64_t at, const unsigned char *now,
    const unsigned char *old, size_t oldlen)
{
	struct run *r = c->nruns ? &c->runs[c->nruns - 1] : NULL;

	if (r == NULL || PAGE + (uint64_t)r->off + r->len != at) {
		c->runs = xrealloc(c->runs, (c->nruns + 1) * sizeof(*c->runs));
		r = &c->runs[c->nruns++];
		memset(r, 0, sizeof(*r));
		r->off = (uint32_t)(at - PAGE);
	}
	r->now = xrealloc(r->now, r->len + PAGE);
	r->was = xrealloc(r->was, r->len + PAGE);
	memcpy(r->now + r->len, now, PAGE);
	memset(r->was + r->len, 0, PAGE);
	if (old)
		memcpy(r->was + r->len, old, oldlen);
	r->len += PAGE;
}

/*
 * n bytes of the new image at c->at, compared page by page with the file:
 * the base block is kept aside, every bins page that differs (or lies past
 * the file's end) becomes part of a run.
 * The old bytes are read a chunk at a time into one buffer, not through
 * the view: a view touched whole stays resident, and apply's peak memory
 * would be hivex's copy plus the file.  A page's old bytes for a roll
 * back come from the view, so only changed pages are mapped in; a read
 * here that lies can only make an unchanged page look changed, and
 * writing hivex's copy of it changes nothing.
 */
static int
compare(struct commit *c, const unsigned char *buf, size_t n)
{
	size_t p = 0;

	/* the base block is never written as hivex made it: commit_end
	 * numbers it for the protocol */
	if (c->at == 0) {
		if (n < PAGE || memcmp(buf, "regf", 4) != 0) {
			tlsh_seterrc(TLSH_E_WRITE_CHECK,
			    "%s: the new hive is not a regf image; "
			    "nothing written", sfile_name(c->f));
			return -1;
		}
		memcpy(c->done, buf, PAGE);
		c->chain = regf_chain_new(get_le32(c->done + 40));
		p = PAGE;
	}
	while (p < n) {
		uint64_t base = c->at + p;
		size_t span = n - p < CHUNK ? n - p : CHUNK;
		size_t have = base >= c->old_size ? 0 : c->old_size - base <
		    span ? (size_t)(c->old_size - base) : span;

		if (have && sfile_read(c->f, c->old, have, base) == -1)
			return -1;
		for (size_t q = 0; q < span; q += PAGE) {
			uint64_t at = base + q;
			size_t plen = span - q < PAGE ? span - q : PAGE;
			size_t olen = have > q ? (have - q < plen ? have - q :
			    plen) : 0;
			unsigned char page[PAGE];

			if (at - PAGE < UINT32_MAX && regf_chain_page(c->chain,
			    (uint32_t)(at - PAGE), buf + p + q, plen) == -1) {
				fails_check(c);
				return -1;
			}
			if (olen == plen && memcmp(c->old + q, buf + p + q,
			    plen) == 0)
				continue;
			/* A log carries only pages of the bins (a log entry's
			 * page offsets and a dirty vector's bits count within
			 * them: "Log entries", "Dirty vector"), so a change
			 * past them could not be recovered after a crash. */
			if (at + PAGE > PAGE + (uint64_t)get_le32(c->done + 40)) {
				tlsh_seterrc(TLSH_E_WRITE_CHECK,
				    "%s: hivex changed bytes past the "
				    "hive bins (offset %llu); nothing written",
				    sfile_name(c->f), (unsigned long long)at);
				return -1;
			}
			memset(page, 0, PAGE);
			memcpy(page, buf + p + q, plen);
			add_page(c, at, page, olen ? c->view + at : NULL, olen);
		}
		p += span;
	}
	c->at += n;
	return 0;
}

int
commit_take(void *ctx, const unsigned char *buf, size_t len)
{
	struct commit *c = ctx;

	if (c->failed)
		return -1;
	while (len > 0) {
		size_t n;

		if (c->acclen == 0 && len >= CHUNK) {
			n = len / CHUNK * CHUNK;
			if (compare(c, buf, n) == -1)
				goto fail;
			buf += n;
			len -= n;
			continue;
		}
		n = CHUNK - c->acclen < len ? CHUNK - c->acclen : len;
		memcpy(c->acc + c->acclen, buf, n);
		c->acclen += n;
		buf += n;
		len -= n;
		if (c->acclen == CHUNK) {
			if (compare(c, c->acc, CHUNK) == -1)
				goto fail;
			c->acclen = 0;
		}
	}
	return 0;
fail:
	c->failed = 1;
	return -1;
}

static struct sfile *
open_log(struct commit *c, const char *suffix, unsigned char *head, int *fmt,
    uint32_t *seq, uint64_t *stamp)
{
	struct sfile *l = sfile_sibling(c->f, suffix, SF_WRITE);
	uint64_t len;

	*fmt = 0;
	if (l == NULL)
		return NULL;
	if (sfile_size(l, &len) == 0 && len >= 512 &&
	    sfile_read(l, head, 512, 0) == 0 && logs_header(head, 512, fmt,
	    seq))
		*stamp = get_le64(head + 12);
	return l;
}

static const char *const log_ext[3] = { ".LOG", ".LOG1", ".LOG2" };

/*
 * The logs beside the hive, opened and their headers read when the commit
 * begins: commit_end may run in a thread beside another hive's (see
 * commit_hives), and a store's files are opened from one thread only (a
 * disk image's volume is libntfs-3g's, which is not thread-safe).  A
 * failure is kept and given where the log is chosen, as before.
 */
static void
find_logs(struct commit *c)
{
	unsigned char head[512];

	for (int i = 0; i < 3; i++) {
		c->found[i] = open_log(c, log_ext[i], head, &c->found_fmt[i],
		    &c->found_seq[i], &c->found_stamp[i]);
		if (c->found[i] == NULL && errno != ENOENT) {
			c->found_err = xstrdup(tlsh_errmsg());
			c->found_errc = tlsh_errcode();
			for (int k = 0; k < i; k++) {
				sfile_close(c->found[k]);
				c->found[k] = NULL;
			}
			return;
		}
	}
}

/*
 * Which log to write, as Windows picks it.  New format: the writer swaps
 * between .LOG1 and .LOG2, so the one holding the older entries (or none)
 * is restarted; the other keeps entries older than the primary, which
 * recovery passes over.  One that could still apply (a sequence number
 * not before the primary's) is invalidated first.  Old format: .LOG1,
 * with the primary's new timestamp, which no other log can carry (regf
 * spec, "Multiple transaction log files": in the old format only .LOG1
 * is used, under normal circumstances).
 * Invalidating zeroes the log's first sector: without a valid base block
 * a log is never used ("Old format" > "Base block", note 2).  With the
 * Windows build unknown, the logs beside the hive give the format; with
 * none, the new one is written (the project's choice).
 */
static int
choose_log(struct commit *c, uint32_t seq, int *fmt_out)
{
	struct sfile **l = c->found;
	const int *fmt = c->found_fmt;
	const uint32_t *sq = c->found_seq;
	const uint64_t *st = c->found_stamp;
	int target, logfmt = *fmt_out;

	if (c->found_err != NULL) {
		tlsh_seterr("%s", c->found_err);
		tlsh_errkind(c->found_errc, 0);
		return -1;
	}
	if (logfmt == COMMIT_LOG_AUTO)
		logfmt = fmt[1] == LOG_NEW || fmt[2] == LOG_NEW ? LOG_NEW :
		    fmt[0] == LOG_OLD || fmt[1] == LOG_OLD ||
		    fmt[2] == LOG_OLD ? LOG_OLD : LOG_NEW;
	if (logfmt == LOG_OLD)
		target = 1;
	else if (fmt[1] != LOG_NEW)
		target = 1;
	else if (fmt[2] != LOG_NEW)
		target = 2;
	else
		target = regf_seq_before(sq[2], sq[1]) ? 2 : 1;
	for (int i = 0; i < 3; i++) {
		int eligible;

		if (i == target)
			continue;
		if (logfmt == LOG_NEW)
			eligible = fmt[i] == LOG_NEW && !regf_seq_before(sq[i], seq);
		else	/* a new-format log would be preferred by recovery */
			eligible = fmt[i] == LOG_NEW || (fmt[i] == LOG_OLD &&
			    st[i] >= get_le64(c->done + 12));
		if (eligible)
			c->stale[c->nstale++] = l[i];
		else
			sfile_close(l[i]);
		l[i] = NULL;
	}
	c->log = l[target];
	l[target] = NULL;
	c->log_suffix = log_ext[target];
	*fmt_out = logfmt;
	return 0;
}

struct commit *
commit_begin(struct sfile *f, int logfmt)
{
	struct commit *c = xcalloc(1, sizeof(*c));

	c->f = f;
	c->logfmt = logfmt;
	if (sfile_size(f, &c->old_size) == -1 || c->old_size < PAGE ||
	    sfile_read(f, c->orig, PAGE, 0) == -1) {
		if (c->old_size < PAGE)
			tlsh_seterr("%s: shorter than a base block",
			    sfile_name(f));
		commit_free(c);
		return NULL;
	}
	c->seq = get_le32(c->orig + 4);
	/* a recovery in place leans on the hive's own logs, and a clean
	 * hive has none that apply ("Dirty state of a hive") */
	if (logfmt == COMMIT_NO_LOG &&
	    get_le32(c->orig + 4) == get_le32(c->orig + 8) &&
	    regf_checksum(c->orig) == get_le32(c->orig + 508)) {
		tlsh_seterr("%s: the hive is clean: nothing to recover",
		    sfile_name(f));
		commit_free(c);
		return NULL;
	}
	/* room for growth: the view is only address space until touched */
	c->viewlen = (size_t)c->old_size + ((size_t)c->old_size > CHUNK * 64 ?
	    (size_t)c->old_size : CHUNK * 64);
	if ((c->view = sfile_view(f, c->viewlen)) == NULL) {
		commit_free(c);
		return NULL;
	}
	c->acc = xmalloc(CHUNK);
	c->old = xmalloc(CHUNK);
	if (logfmt != COMMIT_NO_LOG)
		find_logs(c);
	return c;
}

int
commit_end(struct commit *c, const struct hive_expect *ex, size_t nex)
{
	const char *shown = sfile_name(c->f);
	uint32_t seq = c->seq;
	int logfmt = c->logfmt;

	if (c->failed || (c->acclen && compare(c, c->acc, c->acclen) == -1))
		return -1;
	c->new_size = c->at;
	free(c->acc);
	c->acc = NULL;
	free(c->old);
	c->old = NULL;
	if (c->new_size < 2 * PAGE) {
		tlsh_seterrc(TLSH_E_WRITE_CHECK,
		    "%s: the new hive is not a regf image; nothing "
		    "written", shown);
		return -1;
	}
	/* An image shorter than its file (a recovered one, or hivex's copy
	 * of one) lacks only the tail past the bins, which Windows ignores:
	 * the tail stays as it is. */
	if (logfmt != COMMIT_NO_LOG) {
		/*
		 * The log entry carries the primary's number, the primary is
		 * marked dirty with the next one, and recovery ends on it:
		 * both ways the hive comes out at seq + 1.
		 * This is Windows' order: the primary number goes up when a
		 * write starts, the secondary when it ends ("Base block").  A
		 * new-format log's first entry must carry the number in the
		 * log's base block and not be below the primary's secondary,
		 * which stays seq while the hive is dirty ("Log entries",
		 * note 7).  An old-format log carries the numbers the primary
		 * will have, as from Vista on ("Old format" > "Base block",
		 * note 5).
		 */
		if (choose_log(c, seq, &logfmt) == -1)
			return -1;
		c->logfmt = logfmt;
		if (logfmt == LOG_OLD) {
			/* An old-format log applies only to a primary with
			 * its timestamp, so both get the time of this write
			 * ("Old format" > "Base block", note 3).  hivex leaves
			 * it alone, and Windows no longer updates it from 8.1
			 * on ("Base block", note 9). */
			put_le64(c->done + 12, tlsh_run_time());
			/* The log's base block copy is clustering factor x
			 * 512 bytes, and the dirty vector starts after it
			 * ("Old format" > "Base block"; "Sector size and
			 * clustering factor"): logs_build writes 512-byte
			 * sectors only. */
			if (get_le32(c->orig + 44) > 1) {
				tlsh_seterr("%s: clustering factor %u: tlshive "
				    "writes old-format logs for 512-byte sectors "
				    "only; nothing written", shown,
				    get_le32(c->orig + 44));
				return -1;
			}
		}
		seal(c->done, seq + 1, seq + 1);
		memcpy(c->dirty, c->done, PAGE);
		seal(c->dirty, seq + 1, seq);
	} else
		seal(c->done, get_le32(c->done + 4), get_le32(c->done + 8));
	{
		struct span sp;
		int r;

		trace_begin(&sp);
		r = verify(c, ex, nex);
		trace_end(&sp, "verify", shown);
		if (r == -1)
			return -1;
	}
	/* mapped pages would stand in the way of the writes to come */
	sfile_view_free(c->f, c->view, c->viewlen);
	c->view = NULL;
	c->noop = c->nruns == 0 && logfmt != COMMIT_NO_LOG;
	if (logfmt != COMMIT_NO_LOG) {
		struct page_run *pr = xcalloc(c->nruns + 1, sizeof(*pr));
		for (size_t i = 0; i < c->nruns; i++) {
			pr[i].off = c->runs[i].off;
			pr[i].len = c->runs[i].len;
			pr[i].data = c->runs[i].now;
		}
		c->logbytes = logs_build(logfmt, c->done, logfmt == LOG_NEW ?
		    seq : seq + 1, pr, c->nruns, &c->loglen);
		free(pr);
	}
	return 0;
}

struct commit *
commit_prepare(struct sfile *f, const unsigned char *img, size_t len,
    int logfmt, const struct hive_expect *ex, size_t nex)
{
	struct commit *c = commit_begin(f, logfmt);

	if (c != NULL && (commit_take(c, img, len) == -1 ||
	    commit_end(c, ex, nex) == -1)) {
		commit_free(c);
		c = NULL;
	}
	return c;
}

size_t
commit_pages(const struct commit *c)
{
	size_t n = !c->noop;

	for (size_t i = 0; i < c->nruns; i++)
		n += c->runs[i].len / PAGE;
	return n;
}

const char *
commit_log_name(const struct commit *c)
{
	return c->log ? sfile_name(c->log) : NULL;
}

void
commit_free(struct commit *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->nruns; i++) {
		free(c->runs[i].now);
		free(c->runs[i].was);
	}
	free(c->runs);
	free(c->acc);
	free(c->old);
	regf_chain_free(c->chain);
	sfile_view_free(c->f, c->view, c->viewlen);
	for (size_t i = 0; i < c->nstale; i++)
		sfile_close(c->stale[i]);
	for (int i = 0; i < 3; i++)
		sfile_close(c->found[i]);
	free(c->found_err);
	sfile_close(c->log);
	free(c->logbytes);
	free(c);
}

/*
 * Every log is whole on disk before any primary changes: the logs of a
 * clean hive are ignored ("Dirty state of a hive"), so a crash in here
 * leaves the old hive.  The log is written over from its start and not
 * truncated: logs_build ends a new-format entry with an empty sector, and
 * an old-format log's bitmap counts its pages ("Dirty pages", note 1).  A
 * log just made needs its directory fsynced too (fsync(2)), or a crash
 * could keep the marked primary and lose the log's name.
 */
static int
write_log(struct commit *c)
{
	static const unsigned char zero[512];

	if (c->logfmt == COMMIT_NO_LOG || c->noop)
		return 0;
	if (c->log == NULL) {
		c->log = sfile_sibling(c->f, c->log_suffix, SF_WRITE | SF_CREATE);
		if (c->log == NULL)
			return -1;
		c->log_made = 1;
	}
	for (size_t i = 0; i < c->nstale; i++)
		if (sfile_write(c->stale[i], zero, sizeof(zero), 0) == -1 ||
		    sfile_sync(c->stale[i]) == -1)
			return -1;
	if (sfile_write(c->log, c->logbytes, c->loglen, 0) == -1 ||
	    sfile_sync(c->log) == -1 || (c->log_made &&
	    sfile_sync_dir(c->log) == -1))
		return -1;
	return 0;
}

/*
 * From here a crash leaves a dirty hive, which recovery (Windows' at boot,
 * or tlshive recover) turns into the new one from the log, whatever part
 * of the pages reached the disk.  The fsync keeps the mark ahead of the
 * pages: new pages under a clean base block could not be told apart from
 * the old ones, and nothing would repair them.
 */
static int
mark_dirty(struct commit *c)
{
	if (c->logfmt == COMMIT_NO_LOG || c->noop)
		return 0;
	c->touched = 1;
	return sfile_write(c->f, c->dirty, PAGE, 0) == -1 ||
	    sfile_sync(c->f) == -1 ? -1 : 0;
}

/* The pages are fsynced before the base block is completed: a clean base
 * block over pages that never arrived would make recovery skip the log. */
static int
write_pages(struct commit *c)
{
	if (c->noop)
		return 0;
	c->touched = 1;
	for (size_t i = 0; i < c->nruns; i++)
		if (sfile_write(c->f, c->runs[i].now, c->runs[i].len,
		    PAGE + (uint64_t)c->runs[i].off) == -1)
			return -1;
	return sfile_sync(c->f);
}

static int
complete(struct commit *c)
{
	if (c->noop)
		return 0;
	if (sfile_write(c->f, c->done, PAGE, 0) == -1 || sfile_sync(c->f) == -1)
		return -1;
	c->completed = 1;
	return 0;
}

/*
 * What is on disk now is what was planned: page by page, read back.  The
 * file may sit in an NTFS volume inside a disk image, behind layers of
 * tlshive's own (src/io/); a write they acknowledged but did not keep
 * shows here, and the hives are put back rather than reported written.
 */
static int
read_back(struct commit *c)
{
	unsigned char *buf;
	int rc = -1;

	if (c->noop)
		return 0;
	buf = xmalloc(CHUNK);
	if (sfile_read(c->f, buf, PAGE, 0) == -1)
		goto out;
	if (memcmp(buf, c->done, PAGE) != 0) {
		tlsh_seterrc(TLSH_E_WRITE_CHECK,
		    "%s: read back, the base block is not what was "
		    "written", sfile_name(c->f));
		goto out;
	}
	for (size_t i = 0; i < c->nruns; i++)
		for (uint32_t p = 0; p < c->runs[i].len; p += CHUNK) {
			size_t n = c->runs[i].len - p < CHUNK ?
			    c->runs[i].len - p : CHUNK;
			if (sfile_read(c->f, buf, n, PAGE + (uint64_t)
			    c->runs[i].off + p) == -1)
				goto out;
			if (memcmp(buf, c->runs[i].now + p, n) != 0) {
				tlsh_seterrc(TLSH_E_WRITE_CHECK,
				    "%s: read back, the page at %llu is "
				    "not what was written", sfile_name(c->f),
				    (unsigned long long)(PAGE + c->runs[i].off +
				    p));
				goto out;
			}
		}
	rc = 0;
out:
	free(buf);
	return rc;
}

/*
 * The old pages back, the file cut to its old size, the old base block
 * last.  A hive already completed is marked dirty again first, so that a
 * crash in between still recovers it whole (to the new state) from its
 * log.  The old base block goes last because it makes the hive clean, and
 * the log ignored, only once the old pages are on disk.  A recovery in
 * place is not put back: the file was dirty before and stays dirty until
 * completed, and its own logs recover it to the same result.
 */
static int
roll_back(struct commit *c)
{
	if (!c->touched)
		return 0;
	if (c->logfmt == COMMIT_NO_LOG)
		return -1;
	if (c->completed && (sfile_write(c->f, c->dirty, PAGE, 0) == -1 ||
	    sfile_sync(c->f) == -1))
		return -1;
	for (size_t i = 0; i < c->nruns; i++) {
		uint64_t at = PAGE + (uint64_t)c->runs[i].off, n;
		if (at >= c->old_size)
			continue;
		n = c->old_size - at < c->runs[i].len ? c->old_size - at :
		    c->runs[i].len;
		if (sfile_write(c->f, c->runs[i].was, (size_t)n, at) == -1)
			return -1;
	}
	if ((c->new_size > c->old_size && sfile_truncate(c->f, c->old_size) ==
	    -1) || sfile_sync(c->f) == -1 ||
	    sfile_write(c->f, c->orig, PAGE, 0) == -1 || sfile_sync(c->f) == -1)
		return -1;
	c->touched = c->completed = 0;
	return 0;
}

int
commit_run(struct commit *const c[], size_t n, struct strlist *notes)
{
	static int (*const step[])(struct commit *) = {
		write_log, mark_dirty, write_pages, complete, read_back
	};
	static const char *const step_name[] = {
		"log", "mark-dirty", "write", "complete", "read-back"
	};
	size_t s, i;
	int r;

	/*
	 * Each step runs for every hive before the next starts, so all the
	 * marks come together, after every log is on disk: the only time the
	 * hives disagree (one recovers to new, another stays old) is between
	 * the first mark and the last, for two hives two writes and one
	 * fsync wide (tlshive(8), SAFE WRITES).  Hive by hive, that window
	 * would span whole commits.
	 */
	for (s = 0; s < sizeof(step) / sizeof(*step); s++)
		for (i = 0; i < n; i++) {
			struct span sp;

			trace_begin(&sp);
			r = step[s](c[i]);
			trace_end(&sp, step_name[s], sfile_name(c[i]->f));
			if (r == -1)
				goto fail;
		}
	return 0;
fail:
	{
		char *err = xstrdup(tlsh_errmsg());
		enum tlsh_errc errc = tlsh_errcode();
		int errt = tlsh_errtemp();
		struct strlist ignored = { 0 };

		if (notes == NULL)
			notes = &ignored;
		for (i = 0; i < n; i++) {
			const char *shown = sfile_name(c[i]->f);
			if (!c[i]->touched)
				continue;
			if (roll_back(c[i]) == 0)
				sl_add(notes, "%s: put back as it was", shown);
			else if (c[i]->logfmt == COMMIT_NO_LOG)
				sl_add(notes, "%s: still dirty; its logs still "
				    "hold the recovery: run tlshive recover "
				    "again", shown);
			else if (c[i]->completed)
				sl_add(notes, "%s: could not be put back (%s); "
				    "it holds the new settings", shown,
				    tlsh_errmsg());
			else
				sl_add(notes, "%s: could not be put back (%s); "
				    "it is marked dirty and %s holds the change: "
				    "Windows applies it when it loads the hive, "
				    "or run tlshive recover", shown,
				    tlsh_errmsg(), sfile_name(c[i]->log));
		}
		sl_free(&ignored);
		tlsh_seterr("%s", err);
		tlsh_errkind(errc, errt);
		free(err);
	}
	return -1;
}

/*
 * A hive replayed from its logs (--replay-logs) is written in place first,
 * without a log of its own: until its base block completes it stays dirty
 * and its own logs recover it to the same bytes.  The change itself then
 * starts from a clean primary numbered past every log entry, the state
 * the protocol above assumes.
 */
static int
recover_in_place(struct hive *h, struct strlist *notes)
{
	const unsigned char *data;
	struct commit *c;
	size_t len;
	int r;

	if (!hive_recovery(h, &data, &len))
		return 0;
	if ((c = commit_prepare(hive_file(h), data, len, COMMIT_NO_LOG, NULL,
	    0)) == NULL)
		return -1;
	r = commit_run(&c, 1, notes);
	commit_free(c);
	return r;
}

/*
 * One hive's new image: hivex writes it out (hive_stream) while it is
 * compared page by page with the file and its bin chain checked, then the
 * changed bins and every expectation are checked (commit_end).  That is
 * most of an apply's time, and two hives share nothing in it: each has
 * its own hivex handle, its own commit, its own pipe and writer thread.
 * The reads of the file it makes come from the file's descriptor or from
 * bytes the store has loaded already (commit_begin maps them, on the
 * calling thread); messages are per thread (tlsh_seterr), so a thread's
 * is kept for the caller to give.
 */
struct stream_job {
	struct hive *h;
	struct commit *c;
	const struct hive_expect *ex;
	size_t nex;
	pthread_t t;
	int threaded;
	char *err;		/* NULL when it went well */
	enum tlsh_errc errc;
	int errt;
};

static void *
stream_one(void *arg)
{
	struct stream_job *j = arg;
	struct span sp;
	int r;

	/* hivex writes its image, compared page by page as it comes */
	trace_begin(&sp);
	r = hive_stream(j->h, commit_take, j->c);
	trace_end(&sp, "stream", hive_path(j->h));
	if (r == -1 || commit_end(j->c, j->ex, j->nex) == -1) {
		j->err = xstrdup(tlsh_errmsg());
		j->errc = tlsh_errcode();
		j->errt = tlsh_errtemp();
	}
	return NULL;
}

int
commit_hives(struct hive *const h[], size_t n,
    const struct hive_expect *const ex[], const size_t nex[], int logfmt,
    struct strlist *notes)
{
	struct commit **c = xcalloc(n + 1, sizeof(*c));
	struct stream_job *j = xcalloc(n + 1, sizeof(*j));
	char *begin_err = NULL, *first = NULL;
	enum tlsh_errc firstc = TLSH_E_INTERNAL;
	size_t k, nb;
	int rc = -1, firstt = 0;

	for (size_t i = 0; i < n; i++)
		if (recover_in_place(h[i], notes) == -1)
			goto out;
	/* The files are opened here, in order, and the images streamed
	 * side by side; nothing is written before every one is checked
	 * (commit_run), so a failure leaves every hive as it was.  The
	 * message is the one hive after hive would give: the first hive's
	 * that failed, counting a commit_begin that failed as that hive's
	 * failure and running no hive after it. */
	for (nb = 0; nb < n; nb++)
		if ((c[nb] = commit_begin(hive_file(h[nb]), logfmt)) == NULL) {
			begin_err = xstrdup(tlsh_errmsg());
			firstc = tlsh_errcode();
			firstt = tlsh_errtemp();
			break;
		}
	for (k = 0; k < nb; k++) {
		j[k] = (struct stream_job){ .h = h[k], .c = c[k],
		    .ex = ex ? ex[k] : NULL, .nex = nex ? nex[k] : 0 };
		/* the first here, on the calling thread: no thread to wait
		 * for when there is one hive, and one fewer when two; traced,
		 * one after the other, each step a span of the run's one
		 * thread (trace.c nests spans by thread) */
		j[k].threaded = k > 0 && !trace_on() &&
		    pthread_create(&j[k].t, NULL, stream_one, &j[k]) == 0;
	}
	for (k = 0; k < nb; k++) {
		if (k == 0 || !j[k].threaded)
			stream_one(&j[k]);
		else
			pthread_join(j[k].t, NULL);
	}
	for (k = 0; k < nb; k++)
		if (j[k].err != NULL && first == NULL) {
			first = j[k].err;
			firstc = j[k].errc;
			firstt = j[k].errt;
		}
	if (first == NULL)
		first = begin_err;
	if (first != NULL) {
		tlsh_seterr("%s", first);
		tlsh_errkind(firstc, firstt);
		goto out;
	}
	rc = commit_run(c, n, notes);
out:
	for (size_t i = 0; i < n; i++) {
		free(j[i].err);
		commit_free(c[i]);
	}
	free(j);
	free(c);
	free(begin_err);
	return rc;
}

static int
run_edit(struct hive *h, const struct hive_edit *e)
{
	switch (e->kind) {
	case EDIT_SET:		/* its key now; the values a key at a time */
	case EDIT_MKKEY:
		return hive_mkkey(h, e->key);
	case EDIT_DELETE_VALUE:
		return hive_delete_value(h, e->key, e->name);
	case EDIT_DELETE_KEY:
		return hive_delete_key(h, e->key);
	}
	return -1;
}

static int
by_key(const void *a, const void *b, void *edits)
{
	const struct hive_edit *e = edits;
	const struct hive_edit *x = &e[*(const size_t *)a];
	const struct hive_edit *y = &e[*(const size_t *)b];
	int c = x->hive - y->hive;

	if (c == 0)
		c = strcasecmp(x->key, y->key);
	if (c == 0)
		c = *(const size_t *)a < *(const size_t *)b ? -1 : 1;
	return c;
}

/*
 * The values, a key at a time: hivex rewrites a key's value list on every
 * change, so one rewrite per key rather than one per value.
 */
static int
set_values(struct hive *const h[], const struct hive_edit *e, size_t ne)
{
	size_t *idx = xcalloc(ne + 1, sizeof(*idx)), n = 0;
	const char **names = xcalloc(ne + 1, sizeof(*names));
	const struct regval **vals = xcalloc(ne + 1, sizeof(*vals));
	int r = 0;

	for (size_t i = 0; i < ne; i++)
		if (e[i].run && e[i].kind == EDIT_SET)
			idx[n++] = i;
	qsort_r(idx, n, sizeof(*idx), by_key, (void *)e);
	for (size_t i = 0, j; i < n && r == 0; i = j) {
		const struct hive_edit *first = &e[idx[i]];
		for (j = i; j < n && e[idx[j]].hive == first->hive &&
		    strcasecmp(e[idx[j]].key, first->key) == 0; j++) {
			names[j - i] = e[idx[j]].name;
			vals[j - i] = e[idx[j]].val;
		}
		r = hive_set_values(h[first->hive], first->key, j - i, names,
		    vals);
	}
	free(idx);
	free(names);
	free(vals);
	return r;
}

int
commit_edits(struct hive *const h[], size_t nh, const struct hive_edit *e,
    size_t n, int logfmt, struct strlist *notes)
{
	static const enum edit_kind phase[][2] = {
		{ EDIT_DELETE_KEY, EDIT_DELETE_KEY },
		{ EDIT_DELETE_VALUE, EDIT_DELETE_VALUE },
		{ EDIT_SET, EDIT_MKKEY }
	};
	struct hive_expect **ex = xcalloc(nh + 1, sizeof(*ex));
	struct hive **hs = xcalloc(nh + 1, sizeof(*hs));
	size_t *nex = xcalloc(nh + 1, sizeof(*nex)), k = 0;
	int *changed = xcalloc(nh + 1, sizeof(*changed)), rc = -1, r = 0;
	struct span sp;

	/* the copies of hives the plan changes but apply opened only to
	 * read are made side by side (hive_start_writable); the first that
	 * failed, in the order they were asked for, is the one said */
	for (size_t i = 0; i < n; i++)
		if (e[i].run && !changed[e[i].hive]) {
			hive_start_writable(h[e[i].hive]);
			changed[e[i].hive] = 1;
		}
	for (size_t i = 0; i < n; i++)
		if (e[i].run && changed[e[i].hive] == 1) {
			if (hive_ready(h[e[i].hive]) == -1)
				goto out;
			changed[e[i].hive] = 2;
		}
	trace_begin(&sp);
	for (size_t ph = 0; ph < 3 && r == 0; ph++)
		for (size_t i = 0; i < n && r == 0; i++) {
			if ((!e[i].run && e[i].kind != EDIT_MKKEY) ||
			    (e[i].kind != phase[ph][0] &&
			    e[i].kind != phase[ph][1]))
				continue;
			r = run_edit(h[e[i].hive], &e[i]);
		}
	if (r == 0)
		r = set_values(h, e, n);
	trace_end(&sp, "edits", NULL);
	if (r == -1)
		goto out;
	for (size_t hv = 0; hv < nh; hv++) {
		if (!changed[hv])
			continue;
		ex[k] = xcalloc(n + 1, sizeof(**ex));
		for (size_t i = 0; i < n; i++)
			if ((size_t)e[i].hive == hv && e[i].expected)
				ex[k][nex[k]++] = e[i].expect;
		hs[k++] = h[hv];
	}
	trace_begin(&sp);
	rc = commit_hives(hs, k, (const struct hive_expect *const *)ex, nex,
	    logfmt, notes);
	trace_end(&sp, "commit", NULL);
out:
	for (size_t i = 0; i < k; i++)
		free(ex[i]);
	free(ex);
	free(hs);
	free(nex);
	free(changed);
	return rc;
}
