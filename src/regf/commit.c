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
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "regf/commit.h"
#include "regf/hive.h"
#include "regf/logs.h"
#include "regf/regf.h"
#include "regf/regfread.h"
#include "io/store.h"

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
	const char *log_suffix;		/* the log to create when missing */
	int log_made;			/* the log file was created */
	int noop;			/* hivex changed no page */
	unsigned char *logbytes;
	size_t loglen;
	unsigned char orig[PAGE], dirty[PAGE], done[PAGE];
	uint64_t old_size, new_size;
	struct run *runs;
	size_t nruns;
	int touched, completed;		/* how far the primary got */
	/* while the new image streams in */
	unsigned char *acc;		/* a part of a chunk */
	size_t acclen;
	unsigned char *view;		/* the file, see sfile_view */
	size_t viewlen;
	uint64_t at;			/* file offset of acc[0] */
	uint32_t seq;
	int failed;
};

static uint64_t
filetime_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_sec + 11644473600ULL) * 10000000ULL +
	    (uint64_t)ts.tv_nsec / 100;
}

static void
seal(unsigned char *b, uint32_t seq1, uint32_t seq2)
{
	put_le32(b + 4, seq1);
	put_le32(b + 8, seq2);
	put_le32(b + 508, regf_checksum(b));
}

/*
 * The new image, checked by a reader that shares nothing with hivex's
 * writer: the base block and hive-bin chain, the cells of every bin that
 * holds a changed page, and every planned key and value.  The image is
 * the file with the new pages laid over it.
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
	if ((rd = regf_open(&ri)) == NULL)
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
				tlsh_seterr("%s: the new hive %s key %s; nothing "
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
			tlsh_seterr("%s: the new hive does not hold %s\\%s as "
			    "planned; nothing written", shown, ex[i].key,
			    ex[i].name);
			goto out;
		}
	}
	rc = 0;
	goto out;
bad:
	{
		char *m = xstrdup(tlsh_errmsg());
		tlsh_seterr("%s: the new hive fails its check (%s); nothing "
		    "written", shown, m);
		free(m);
	}
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
 */
static int
compare(struct commit *c, const unsigned char *buf, size_t n)
{
	size_t have, p = 0;

	if (c->at == 0) {
		if (n < PAGE || memcmp(buf, "regf", 4) != 0) {
			tlsh_seterr("%s: the new hive is not a regf image; "
			    "nothing written", sfile_name(c->f));
			return -1;
		}
		memcpy(c->done, buf, PAGE);
		p = PAGE;
	}
	have = c->at >= c->old_size ? 0 : c->old_size - c->at < n ?
	    (size_t)(c->old_size - c->at) : n;
	for (; p < n; p += PAGE) {
		uint64_t at = c->at + p;
		const unsigned char *old = c->view + at;
		size_t plen = n - p < PAGE ? n - p : PAGE;
		size_t olen = have > p ? (have - p < plen ? have - p : plen) : 0;
		unsigned char page[PAGE];

		if (olen == plen && memcmp(old, buf + p, plen) == 0)
			continue;
		if (at + PAGE > PAGE + (uint64_t)get_le32(c->done + 40)) {
			tlsh_seterr("%s: hivex changed bytes past the hive bins "
			    "(offset %llu); nothing written", sfile_name(c->f),
			    (unsigned long long)at);
			return -1;
		}
		memset(page, 0, PAGE);
		memcpy(page, buf + p, plen);
		add_page(c, at, page, olen ? old : NULL, olen);
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

/*
 * Which log to write, as Windows picks it.  New format: the writer swaps
 * between .LOG1 and .LOG2, so the one holding the older entries (or none)
 * is restarted; the other keeps entries older than the primary, which
 * recovery passes over.  One that could still apply (a sequence number
 * not before the primary's) is invalidated first.  Old format: .LOG1,
 * with the primary's new timestamp, which no other log can carry.
 */
static int
choose_log(struct commit *c, uint32_t seq, int *fmt_out)
{
	static const char *const ext[3] = { ".LOG", ".LOG1", ".LOG2" };
	struct sfile *l[3];
	unsigned char head[512];
	int fmt[3];
	uint32_t sq[3] = { 0 };
	uint64_t st[3] = { 0 };
	int target, logfmt = *fmt_out;

	for (int i = 0; i < 3; i++) {
		l[i] = open_log(c, ext[i], head, &fmt[i], &sq[i], &st[i]);
		if (l[i] == NULL && errno != ENOENT) {
			for (int k = 0; k < i; k++)
				sfile_close(l[k]);
			return -1;
		}
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
	}
	c->log = l[target];
	c->log_suffix = ext[target];
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
	if (c->new_size < 2 * PAGE) {
		tlsh_seterr("%s: the new hive is not a regf image; nothing "
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
		 */
		if (choose_log(c, seq, &logfmt) == -1)
			return -1;
		c->logfmt = logfmt;
		if (logfmt == LOG_OLD) {
			/* An old-format log applies only to a primary with
			 * its timestamp, so both get the time of this write
			 * (hivex leaves it alone; Windows 8.1 on ignores it). */
			put_le64(c->done + 12, filetime_now());
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
	if (verify(c, ex, nex) == -1)
		return -1;
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
	sfile_view_free(c->f, c->view, c->viewlen);
	for (size_t i = 0; i < c->nstale; i++)
		sfile_close(c->stale[i]);
	sfile_close(c->log);
	free(c->logbytes);
	free(c);
}

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

static int
mark_dirty(struct commit *c)
{
	if (c->logfmt == COMMIT_NO_LOG || c->noop)
		return 0;
	c->touched = 1;
	return sfile_write(c->f, c->dirty, PAGE, 0) == -1 ||
	    sfile_sync(c->f) == -1 ? -1 : 0;
}

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

/* What is on disk now is what was planned: page by page, read back. */
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
		tlsh_seterr("%s: read back, the base block is not what was "
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
				tlsh_seterr("%s: read back, the page at %llu is "
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
 * log.
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
	size_t s, i;

	for (s = 0; s < sizeof(step) / sizeof(*step); s++)
		for (i = 0; i < n; i++)
			if (step[s](c[i]) == -1)
				goto fail;
	return 0;
fail:
	{
		char *err = xstrdup(tlsh_errmsg());
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
		free(err);
	}
	return -1;
}

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

int
commit_hives(struct hive *const h[], size_t n,
    const struct hive_expect *const ex[], const size_t nex[], int logfmt,
    struct strlist *notes)
{
	struct commit **c = xcalloc(n + 1, sizeof(*c));
	size_t k = 0;
	int rc = -1;

	for (size_t i = 0; i < n; i++)
		if (recover_in_place(h[i], notes) == -1)
			goto out;
	for (k = 0; k < n; k++) {
		if ((c[k] = commit_begin(hive_file(h[k]), logfmt)) == NULL ||
		    hive_stream(h[k], commit_take, c[k]) == -1 ||
		    commit_end(c[k], ex ? ex[k] : NULL, nex ? nex[k] : 0) == -1)
			goto out;
	}
	rc = commit_run(c, n, notes);
out:
	for (size_t i = 0; i < n; i++)
		commit_free(c[i]);
	free(c);
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
	int *changed = xcalloc(nh + 1, sizeof(*changed)), rc = -1;

	for (size_t i = 0; i < n; i++)
		if (e[i].run && !changed[e[i].hive]) {
			if (hive_make_writable(h[e[i].hive]) == -1)
				goto out;
			changed[e[i].hive] = 1;
		}
	for (size_t ph = 0; ph < 3; ph++)
		for (size_t i = 0; i < n; i++) {
			if ((!e[i].run && e[i].kind != EDIT_MKKEY) ||
			    (e[i].kind != phase[ph][0] &&
			    e[i].kind != phase[ph][1]))
				continue;
			if (run_edit(h[e[i].hive], &e[i]) == -1)
				goto out;
		}
	if (set_values(h, e, n) == -1)
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
	rc = commit_hives(hs, k, (const struct hive_expect *const *)ex, nex,
	    logfmt, notes);
out:
	for (size_t i = 0; i < k; i++)
		free(ex[i]);
	free(ex);
	free(hs);
	free(nex);
	free(changed);
	return rc;
}
