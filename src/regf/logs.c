/*
 * Transaction-log replay, from Maxim Suhanov's "Windows registry file format
 * specification" (format of transaction log files, dirty state, multiple
 * log files).  Since Windows 8.1 the newest registry data often lives only
 * in .LOG1/.LOG2: the primary is reconciled lazily, so an image taken after
 * a crash or a hybrid shutdown has a stale primary file.  This module works
 * on bytes only; hive.c opens the result through hivex.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/store.h"
#include "regf/logs.h"
#include "regf/regf.h"
#include "tlshive.h"

#define BASE 4096
/*
 * A log's copy of the base block is one 512-byte sector from Windows 8 on,
 * whatever the disk's (regf spec, "Sector size and clustering factor").
 * An older log made with a larger clustering factor has no DIRT at 512,
 * and recover_old refuses it rather than misread it.
 */
#define LOG_BASE 512
/*
 * Hash-1 and Hash-2 of a log entry are Marvin32 with a fixed seed (regf
 * spec, "Log entries", notes 1-3).  The spec lists the seed as the bytes
 * 82 EF 4D 88 7A 4E 55 C5; an older revision gave 14219357686671994754,
 * the same bytes read little-endian.  Taken in the order written, as here,
 * they reproduce the hashes of a log Windows wrote (test_logs); read
 * little-endian they do not.
 */
#define MARVIN_SEED 0x82EF4D887A4E55C5ULL

static uint32_t
rotl(uint32_t v, int n)
{
	return v << n | v >> (32 - n);
}

static void
marvin_mix(uint32_t *lo, uint32_t *hi)
{
	*hi ^= *lo;
	*lo = rotl(*lo, 20);
	*lo += *hi;
	*hi = rotl(*hi, 9);
	*hi ^= *lo;
	*lo = rotl(*lo, 27);
	*lo += *hi;
	*hi = rotl(*hi, 19);
}

uint64_t
marvin32(const unsigned char *d, size_t len)
{
	return marvin32_seeded(MARVIN_SEED, d, len);
}

uint64_t
marvin32_seeded(uint64_t seed, const unsigned char *d, size_t len)
{
	uint32_t lo = (uint32_t)seed, hi = (uint32_t)(seed >> 32);
	uint32_t last = 0x80;

	for (; len >= 4; d += 4, len -= 4) {
		lo += get_le32(d);
		marvin_mix(&lo, &hi);
	}
	/* the tail, padded with a single 0x80 byte */
	switch (len) {
	case 3:
		last = (last << 8) | d[2];
		/* FALLTHROUGH */
	case 2:
		last = (last << 8) | d[1];
		/* FALLTHROUGH */
	case 1:
		last = (last << 8) | d[0];
		break;
	}
	lo += last;
	marvin_mix(&lo, &hi);
	marvin_mix(&lo, &hi);
	return (uint64_t)hi << 32 | lo;
}

/*
 * A log's base block: the first sector, a partial copy of the primary's.
 * A log is valid only when that copy is whole (signature, checksum), has
 * the file type of the format it is read as (1 old, 6 new), and its two
 * sequence numbers agree (regf spec, "Old format" > "Base block", item 2
 * and note 2; "New format" > "Base block").  Up to Windows Server 2003
 * the writer raised the primary number before it wrote the log and the
 * secondary after, so unequal numbers mark a log write that never
 * finished.
 */
static int
log_header_ok(const unsigned char *b, size_t len, uint32_t type)
{
	return len >= LOG_BASE && memcmp(b, "regf", 4) == 0 &&
	    regf_checksum(b) == get_le32(b + 508) && get_le32(b + 28) == type &&
	    get_le32(b + 4) == get_le32(b + 8);
}

struct buf {
	unsigned char *p;
	size_t len;
};

/*
 * The hive's bytes follow the bins size a log gives (regf spec, "Log
 * entries", note 9).  That size is a 32-bit field in a file tlshive did
 * not write: a damaged or hostile log must not turn it into an allocation
 * of up to 4 GiB.  The 2 GiB cap is the project's bound, far above the
 * hives it was measured on (the bench's grown SOFTWARE is 231 MB).
 */
static int
grow(struct buf *h, uint64_t len)
{
	/* 64 bits: 4096 + a bins size near 4 GiB wraps a 32-bit size_t */
	if (len > (uint64_t)1 << 31) {
		tlsh_seterr("a log entry asks for a hive of %llu bytes",
		    (unsigned long long)len);
		return -1;
	}
	if (len > h->len) {
		h->p = xrealloc(h->p, (size_t)len);
		memset(h->p + h->len, 0, (size_t)len - h->len);
	}
	h->len = (size_t)len;
	return 0;
}

struct entry_scan {
	uint32_t last_seq;	/* of the last entry applied */
	uint32_t hbins;		/* hive bins size after it */
	size_t applied;
	int any;
};

/*
 * Applies the log's valid entries in order; the first entry that is not
 * valid (signature, size, hashes, sequence) ends the log, as in Windows:
 * recovery keeps the entries before a bogus one, the first entry must
 * carry the number in the log's base block, and entry N must be followed
 * by N + 1 (regf spec, "Log entries", notes 7 and 8).  That end is no
 * error: a crash can tear the last entry appended, and a log may hold
 * older entries already applied (note 4).
 * With h NULL only scans, to learn the highest sequence number present.
 */
static int
apply_new_log(struct buf *h, const unsigned char *log, size_t len,
    struct entry_scan *sc)
{
	uint32_t expect = get_le32(log + 4);
	size_t off = LOG_BASE;

	while (off + 40 <= len) {
		const unsigned char *e = log + off;
		uint32_t size = get_le32(e + 4), hb = get_le32(e + 16), n = get_le32(e + 20);
		size_t refs_end, data;

		/* A bins size that is no multiple of 4 KiB stops recovery
		 * (note 8).  An entry naming no page ends the log too: the
		 * project's rule, as such an entry would change nothing. */
		if (memcmp(e, "HvLE", 4) != 0 || size < 512 || size % 512 ||
		    size > len - off || hb < BASE || hb % BASE || n == 0 ||
		    get_le32(e + 12) != expect)
			break;
		refs_end = 40 + (size_t)n * 8;
		if (refs_end > size || marvin32(e + 40, size - 40) !=
		    get_le64(e + 24) || marvin32(e, 32) != get_le64(e + 32))
			break;
		if (h != NULL) {
			/* A hive grows by whole bins, and a new bin is dirty
			 * from its first byte: the log carries every page of
			 * it.  An entry asking for more than its own pages
			 * would add zeros no bin holds, and a few kilobytes
			 * of log must not buy a gigabyte of hive. */
			if ((uint64_t)BASE + hb > h->len &&
			    (uint64_t)BASE + hb - h->len > size - refs_end) {
				tlsh_seterr("log entry %u grows the hive to %u "
				    "bytes of bins, more than the pages it "
				    "carries", expect, hb);
				return -1;
			}
			if (grow(h, BASE + (uint64_t)hb) == -1)
				return -1;
			data = refs_end;
			for (uint32_t i = 0; i < n; i++) {
				uint32_t po = get_le32(e + 40 + 8 * i);
				uint32_t ps = get_le32(e + 44 + 8 * i);
				/* Its hashes hold, so this is no torn
				 * write but a log that does not describe
				 * this hive: refused whole, where a bad
				 * entry only ends the log. */
				if (ps > size - data || (uint64_t)po + ps > hb) {
					tlsh_seterr("log entry %u has a page "
					    "outside its own bounds or the "
					    "hive's", expect);
					return -1;
				}
				memcpy(h->p + BASE + po, e + data, ps);
				data += ps;
			}
		}
		sc->last_seq = expect;
		sc->hbins = hb;
		sc->applied++;
		sc->any = 1;
		expect++;
		off += size;
	}
	return 0;
}

struct logset {
	const unsigned char *const *log;
	const size_t *len;
	const char *const *name;
};

/*
 * The highest entry sequence number in any valid new-format log.  The
 * recovered hive is numbered past it, not only past the last entry
 * applied: the logs stay beside the hive, and once it is dirty again,
 * recovery applies entries numbered at or after the primary's (regf spec,
 * "Log entries", notes 5 and 7).  A leftover entry at or above the new
 * number, in the log not used or past a bogus entry, would then be
 * replayed over newer data.  commit.c counts on this when it restarts one
 * log and leaves the other's entries for recovery to pass over.
 */
static uint32_t
max_entry_seq(const struct logset *ls, uint32_t start)
{
	uint32_t m = start;

	for (int i = 1; i < 3; i++) {
		struct entry_scan sc = { 0 };
		if (ls->log[i] && log_header_ok(ls->log[i], ls->len[i],
		    LOG_NEW)) {
			apply_new_log(NULL, ls->log[i], ls->len[i], &sc);
			if (sc.any && regf_seq_before(m, sc.last_seq))
				m = sc.last_seq;
		}
	}
	return m;
}

static int
recover_new(struct buf *h, int base_ok, const struct logset *ls,
    struct recovery *r, struct strbuf *used)
{
	int ok[3] = { 0 }, first, second;
	uint32_t s1, s2, secondary = get_le32(h->p + 8);
	struct entry_scan sc = { 0 };
	const unsigned char *base_src = NULL;

	for (int i = 1; i < 3; i++)
		ok[i] = ls->log[i] && log_header_ok(ls->log[i], ls->len[i],
		    LOG_NEW) && ls->len[i] > LOG_BASE + 40;
	if (!ok[1] && !ok[2]) {
		tlsh_seterrc(TLSH_E_HIVE_DIRTY,
		    "no usable .LOG1 or .LOG2 (missing, or with a "
		    "damaged base block)");
		return -1;
	}
	s1 = ok[1] ? get_le32(ls->log[1] + 4) : 0;
	s2 = ok[2] ? get_le32(ls->log[2] + 4) : 0;
	/*
	 * The log that starts earlier is applied first.  Windows swaps
	 * between .LOG1 and .LOG2, so either may hold the earlier entries,
	 * and the other continues them only from N + 1 (regf spec, "Multiple
	 * transaction log files" > "New format"; an older revision of the
	 * spec said LOG1 then LOG2).  regf_seq_before allows for the 32-bit
	 * numbers wrapping.
	 */
	if (ok[1] && ok[2]) {
		first = regf_seq_before(s2, s1) ? 2 : 1;
	} else
		first = ok[1] ? 1 : 2;
	second = ok[1] && ok[2] ? 3 - first : 0;
	if (!base_ok) {
		/* Windows takes the base block and the entries from the
		 * later log alone when the primary's base block is lost
		 * ("Multiple transaction log files" > "New format"; "Log
		 * entries", note 6). */
		int use = second ? second : first;
		base_src = ls->log[use];
		if (apply_new_log(h, ls->log[use], ls->len[use], &sc) == -1)
			return -1;
		sb_add(used, "%s", ls->name[use]);
	} else {
		int use = first;
		/* A log whose first entry is numbered below the primary's
		 * secondary number fails the test for a first entry ("Log
		 * entries", note 7); recovery goes on with the other log,
		 * which must then start at or after it. */
		if (regf_seq_before(get_le32(ls->log[first] + 4), secondary)) {
			if (!second || regf_seq_before(get_le32(ls->log[second] + 4),
			    secondary)) {
				tlsh_seterr("the logs end before the primary "
				    "file's sequence number %u: they belong to "
				    "an older state", secondary);
				return -1;
			}
			use = second;
			second = 0;
		}
		base_src = ls->log[use];
		if (apply_new_log(h, ls->log[use], ls->len[use], &sc) == -1)
			return -1;
		sb_add(used, "%s", ls->name[use]);
		if (second && sc.any &&
		    get_le32(ls->log[second] + 4) == sc.last_seq + 1) {
			if (apply_new_log(h, ls->log[second], ls->len[second],
			    &sc) == -1)
				return -1;
			sb_add(used, ", %s", ls->name[second]);
		}
	}
	if (!sc.any) {
		tlsh_seterrc(TLSH_E_HIVE_DIRTY,
		    "the logs hold no valid entry to apply");
		return -1;
	}
	/*
	 * A lost base block is rebuilt from the log's copy ("Log entries",
	 * note 6).  The log holds only its first 512 bytes; the rest of a
	 * base block is reserved or has no meaning on a disk ("Base block"),
	 * so zeros stand in for it.  The root cell comes from the log's copy,
	 * made from memory when the log was started ("Old format" > "Base
	 * block", note 1), newer than the stale primary's; the bins end where
	 * the last entry applied says.
	 */
	if (!base_ok) {
		memset(h->p, 0, BASE);
		memcpy(h->p, base_src, LOG_BASE);
		r->base_from_log = 1;
	}
	put_le32(h->p + 36, get_le32(base_src + 36));		/* root cell */
	put_le32(h->p + 40, sc.hbins);
	if (grow(h, BASE + (uint64_t)sc.hbins) == -1)
		return -1;
	r->entries = sc.applied;
	r->seq = max_entry_seq(ls, sc.last_seq) + 1;
	r->format = LOG_NEW;
	return 0;
}

static int
recover_old(struct buf *h, int base_ok, const struct logset *ls,
    struct recovery *r, struct strbuf *used)
{
	uint64_t stamp = base_ok ? get_le64(h->p + 12) : get_le64(h->p + BASE + 20);
	int use = -1;

	/*
	 * The applicable log carries the primary's last-written time (regf
	 * spec, "Old format" > "Base block", note 3).  With the primary's
	 * base block lost the spec compares the first bin's timestamp
	 * instead ("Hive bin", note 3); tlshive takes that one as a lower
	 * bound and accepts a log stamped at or after it, its own looser
	 * reading.  .LOG, then .LOG1, then .LOG2: the first log that fits is
	 * used, as Windows tries the first log first ("Multiple transaction
	 * log files" > "Old format").
	 */
	for (int i = 0; i < 3 && use < 0; i++)
		if (ls->log[i] && log_header_ok(ls->log[i], ls->len[i],
		    LOG_OLD) && (base_ok ? get_le64(ls->log[i] + 12) == stamp :
		    get_le64(ls->log[i] + 12) >= stamp))
			use = i;
	if (use < 0) {
		tlsh_seterrc(TLSH_E_HIVE_DIRTY,
		    "no old-format log matches the hive (none has a "
		    "valid base block with its timestamp)");
		return -1;
	}
	const unsigned char *lg = ls->log[use];
	size_t len = ls->len[use], hb = get_le32(lg + 40), bits = hb / 512;
	size_t vec_end = LOG_BASE + 4 + (bits + 7) / 8, pages, k = 0;

	/* One bit per 512 bytes of the bins, least significant first; a
	 * page per set bit from the next sector on, bit i going to 4096 +
	 * 512 * i; bytes after the last page are remnants ("Dirty vector";
	 * "Dirty pages", notes 1 and 2). */
	if (hb < BASE || hb % BASE || vec_end > len ||
	    memcmp(lg + LOG_BASE, "DIRT", 4) != 0) {
		tlsh_seterr("%s: no valid dirty vector", ls->name[use]);
		return -1;
	}
	pages = (vec_end + 511) / 512 * 512;
	/* As in the new format, growth is made of logged pages only. */
	for (size_t i = 0; i < bits; i++)
		k += lg[LOG_BASE + 4 + i / 8] >> (i % 8) & 1;
	if ((uint64_t)BASE + hb > h->len &&
	    (uint64_t)BASE + hb - h->len > 512 * (uint64_t)k) {
		tlsh_seterr("%s: the dirty vector grows the hive to %zu bytes "
		    "of bins, more than the pages it names", ls->name[use], hb);
		return -1;
	}
	k = 0;
	if (grow(h, BASE + (uint64_t)hb) == -1)
		return -1;
	for (size_t i = 0; i < bits; i++) {
		if (!(lg[LOG_BASE + 4 + i / 8] & (1u << (i % 8))))
			continue;
		if (pages + 512 * (k + 1) > len) {
			tlsh_seterr("%s: the dirty vector names more pages "
			    "than the log holds", ls->name[use]);
			return -1;
		}
		memcpy(h->p + BASE + 512 * i, lg + pages + 512 * k, 512);
		k++;
	}
	/*
	 * Windows checks each dirty bin it replays (signature, a size of at
	 * least 4 KiB, the offset of its place) and stops at one that fails
	 * ("Dirty pages").  tlshive checks the whole chain afterwards, and a
	 * bad bin refuses the replay rather than keep part of it: a log whose
	 * pages do not make bins was not written for this hive.
	 */
	for (size_t off = 0; off < hb;) {
		const unsigned char *bin = h->p + BASE + off;
		uint32_t sz = get_le32(bin + 8);
		if (memcmp(bin, "hbin", 4) != 0 || get_le32(bin + 4) != off ||
		    sz < BASE || sz % BASE || sz > hb - off) {
			tlsh_seterrc(TLSH_E_HIVE_DAMAGED,
			    "%s: after replay, hive bin at offset %zu "
			    "is not valid: the log does not fit the hive",
			    ls->name[use], off);
			return -1;
		}
		off += sz;
	}
	if (!base_ok) {
		memset(h->p, 0, BASE);
		memcpy(h->p, lg, LOG_BASE);
		r->base_from_log = 1;
	}
	put_le32(h->p + 36, get_le32(lg + 36));
	put_le32(h->p + 40, (uint32_t)hb);
	sb_add(used, "%s", ls->name[use]);
	r->entries = k;
	r->seq = (regf_seq_before(get_le32(h->p + 4), get_le32(lg + 4)) ? get_le32(lg + 4) :
	    get_le32(h->p + 4)) + 1;
	r->format = LOG_OLD;
	return 0;
}

int
logs_recover_mem(const unsigned char *primary, size_t plen,
    const unsigned char *const log[3], const size_t loglen[3],
    const char *const logname[3], const char *shown, struct recovery *r)
{
	struct logset ls = { log, loglen, logname };
	struct buf h = { NULL, 0 };
	struct strbuf used = { 0 };
	int base_ok, newfmt = 0, oldfmt = 0, rc;

	memset(r, 0, sizeof(*r));
	if (plen < BASE || memcmp(primary, "regf", 4) != 0) {
		tlsh_seterrc(TLSH_E_HIVE_DAMAGED,
		    "%s: not a registry hive", shown);
		return -1;
	}
	/* Dirty: a wrong checksum or unequal sequence numbers.  A clean
	 * hive's logs are ignored even when they hold later entries (regf
	 * spec, "Dirty state of a hive"). */
	base_ok = regf_checksum(primary) == get_le32(primary + 508);
	if (base_ok && get_le32(primary + 4) == get_le32(primary + 8)) {
		tlsh_seterr("%s: the hive is clean: Windows ignores its logs, "
		    "and so does tlshive", shown);
		return -1;
	}
	for (int i = 0; i < 3; i++) {
		if (log[i] == NULL || loglen[i] < LOG_BASE)
			continue;
		newfmt |= get_le32(log[i] + 28) == LOG_NEW;
		oldfmt |= get_le32(log[i] + 28) == LOG_OLD;
	}
	if (!newfmt && !oldfmt) {
		tlsh_seterrc(TLSH_E_HIVE_DIRTY,
		    "%s: dirty, and no transaction log beside it "
		    "(.LOG, .LOG1, .LOG2) has a usable base block", shown);
		return -1;
	}
	if (!base_ok && plen < BASE + 32) {
		tlsh_seterrc(TLSH_E_HIVE_DAMAGED,
		    "%s: base block and first hive bin both lost",
		    shown);
		return -1;
	}
	h.p = xmalloc(plen);
	memcpy(h.p, primary, plen);
	h.len = plen;
	/* One new-format log means a Windows 8.1 or later writer ("New
	 * format"); an old-format .LOG beside it can be an artifact of the
	 * installation image ("Multiple transaction log files"). */
	rc = newfmt ? recover_new(&h, base_ok, &ls, r, &used) :
	    recover_old(&h, base_ok, &ls, r, &used);
	if (rc == -1) {
		char *m = xstrdup(tlsh_errmsg());
		enum tlsh_errc mc = tlsh_errcode();
		tlsh_seterr("%s: cannot replay the logs: %s; nothing written",
		    shown, m);
		tlsh_errkind(mc, 0);
		free(m);
		free(h.p);
		free(used.s);
		return -1;
	}
	put_le32(h.p + 4, r->seq);
	put_le32(h.p + 8, r->seq);
	/* a base block from a log gets the primary's file type back ("Old
	 * format" > "Base block", note 4) */
	put_le32(h.p + 28, 0);				/* a primary file */
	put_le32(h.p + 508, regf_checksum(h.p));
	r->data = h.p;
	r->len = h.len;
	r->logs = sb_take(&used);
	return 0;
}

int
logs_clean(struct sfile *hive)
{
	unsigned char b[BASE];
	uint64_t len;

	if (sfile_size(hive, &len) == -1)
		return -1;
	if (len < BASE)
		return 0;
	if (sfile_read(hive, b, BASE, 0) == -1)
		return -1;
	return memcmp(b, "regf", 4) == 0 && regf_checksum(b) ==
	    get_le32(b + 508) && get_le32(b + 4) == get_le32(b + 8);
}

int
logs_recover(struct sfile *hive, struct recovery *r)
{
	static const char *const ext[3] = { ".LOG", ".LOG1", ".LOG2" };
	unsigned char *primary, *log[3] = { NULL, NULL, NULL };
	size_t plen, loglen[3] = { 0, 0, 0 };
	const char *path = sfile_name(hive), *base = strrchr(path, '/');
	char *names[3] = { NULL, NULL, NULL };
	int rc = -1;

	if ((primary = sfile_slurp(hive, &plen)) == NULL)
		return -1;
	base = base ? base + 1 : path;
	for (int i = 0; i < 3; i++) {
		struct sfile *f = sfile_sibling(hive, ext[i], 0);

		names[i] = xasprintf("%s%s", base, ext[i]);
		if (f == NULL && errno != ENOENT)
			goto out;
		if (f != NULL) {
			log[i] = sfile_slurp(f, &loglen[i]);
			sfile_close(f);
			if (log[i] == NULL)
				goto out;
		}
	}
	rc = logs_recover_mem(primary, plen, (const unsigned char *const *)log,
	    loglen, (const char *const *)names, path, r);
out:
	for (int i = 0; i < 3; i++) {
		free(log[i]);
		free(names[i]);
	}
	free(primary);
	return rc;
}

int
logs_header(const unsigned char *b, size_t len, int *format, uint32_t *seq)
{
	if (log_header_ok(b, len, LOG_NEW))
		*format = LOG_NEW;
	else if (log_header_ok(b, len, LOG_OLD))
		*format = LOG_OLD;
	else
		return 0;
	*seq = get_le32(b + 4);
	return 1;
}

/*
 * The first sector of a log: a partial copy of the primary's base block,
 * with the log's file type and both sequence numbers set at once, as from
 * Vista on (regf spec, "Old format" > "Base block", items 1-3).
 */
static void
log_base(unsigned char *out, const unsigned char *base, uint32_t type,
    uint32_t seq)
{
	memcpy(out, base, LOG_BASE);
	put_le32(out + 4, seq);
	put_le32(out + 8, seq);
	put_le32(out + 28, type);
	put_le32(out + 508, regf_checksum(out));
}

unsigned char *
logs_build(int format, const unsigned char *base, uint32_t seq,
    const struct page_run *runs, size_t nruns, size_t *len)
{
	uint32_t hb = get_le32(base + 40);
	size_t data = 0, n, off;
	unsigned char *b, *e;

	for (size_t i = 0; i < nruns; i++)
		data += runs[i].len;
	if (format == LOG_OLD) {
		/* One bit per 512 bytes of the bins; Windows marks whole
		 * 4 KiB runs, and the pages follow the vector's sector
		 * ("Dirty vector", note 3; "Dirty pages"). */
		size_t bits = hb / 512, vec = LOG_BASE + 4 + (bits + 7) / 8;
		off = (vec + 511) / 512 * 512;
		*len = off + data;
		b = xcalloc(1, *len);
		log_base(b, base, LOG_OLD, seq);
		memcpy(b + LOG_BASE, "DIRT", 4);
		for (size_t i = 0; i < nruns; i++) {
			for (uint32_t k = 0; k < runs[i].len / 512; k++) {
				size_t bit = runs[i].off / 512 + k;
				b[LOG_BASE + 4 + bit / 8] |= 1u << (bit % 8);
			}
		}
		/* pages in bitmap order, which is offset order */
		for (size_t i = 0; i < nruns; i++) {
			memcpy(b + off, runs[i].data, runs[i].len);
			off += runs[i].len;
		}
		return b;
	}
	/*
	 * One entry of whole sectors, then one zeroed sector.  The log file
	 * is written over from its start and never truncated, so whatever
	 * it held before lies after the entry, and recovery goes on while it
	 * finds an entry numbered N + 1 with good hashes ("Log entries",
	 * note 7).  The zeroed sector has no HvLE signature: the log ends
	 * after this entry whatever older entries lie further on.
	 */
	n = (40 + 8 * nruns + data + 511) / 512 * 512;
	*len = LOG_BASE + n + 512;
	b = xcalloc(1, *len);
	log_base(b, base, LOG_NEW, seq);
	e = b + LOG_BASE;
	memcpy(e, "HvLE", 4);
	put_le32(e + 4, (uint32_t)n);
	/* an entry keeps only bit 0x1 of the base block's flags, KTM's
	 * lock ("Log entries", note 11) */
	put_le32(e + 8, get_le32(base + 144) & 1);	/* only KTM's lock bit */
	put_le32(e + 12, seq);
	put_le32(e + 16, hb);
	put_le32(e + 20, (uint32_t)nruns);
	off = 40 + 8 * nruns;
	for (size_t i = 0; i < nruns; i++) {
		put_le32(e + 40 + 8 * i, runs[i].off);
		put_le32(e + 44 + 8 * i, runs[i].len);
		memcpy(e + off, runs[i].data, runs[i].len);
		off += runs[i].len;
	}
	/* Hash-1 covers all after the 40-byte header, padding included;
	 * Hash-2 the first 32 bytes, Hash-1 among them, so it comes second
	 * ("Log entries", notes 1 and 2). */
	put_le64(e + 24, marvin32(e + 40, n - 40));
	put_le64(e + 32, marvin32(e, 32));
	return b;
}

void
recovery_free(struct recovery *r)
{
	free(r->data);
	free(r->logs);
	memset(r, 0, sizeof(*r));
}
