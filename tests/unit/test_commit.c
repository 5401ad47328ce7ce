/* commit.c: only changed pages, in place, logged first, checked first. */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "io/store.h"
#include "regf/commit.h"
#include "regf/hive.h"
#include "regf/logs.h"
#include "regf/mkhive.h"
#include "regf/regf.h"
#include "tlshive.h"

static size_t
count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.' || strstr(de->d_name, "tlshive");
	closedir(d);
	return n;
}

static size_t
pages_differing(const char *a, size_t la, const char *b, size_t lb)
{
	size_t n = 0, len = la > lb ? la : lb;

	for (size_t off = 0; off < len; off += 4096)
		n += off >= la || off >= lb || memcmp(a + off, b + off,
		    (len - off < 4096 ? len - off : 4096)) != 0;
	return n;
}

/* Sets n values under K through hivex and commits with the given log. */
static int
set_and_commit(const char *p, int n, size_t datalen, int logfmt,
    const struct regval *expect_other)
{
	struct hive *h = hive_open(p, HIVE_WRITE);
	struct regval v;
	struct hive_expect ex = { "K\\Sub", "V0", NULL };
	const struct hive_expect *exs = &ex;
	size_t nex = 1;
	int r;

	assert_non_null(h);
	v.type = REGT_BINARY;
	v.len = datalen;
	v.data = xcalloc(1, datalen + 1);
	for (int i = 0; i < n; i++) {
		char name[16];
		snprintf(name, sizeof(name), "V%d", i);
		memset(v.data, 'a' + i % 26, datalen);
		assert_int_equal(hive_set(h, "K\\Sub", name, &v), 0);
	}
	memset(v.data, 'a', datalen);
	ex.val = expect_other ? expect_other : &v;
	r = commit_hives(&h, 1, &exs, &nex, logfmt, NULL);
	regval_free(&v);
	hive_close(h);
	return r;
}

static void
test_commit__in_place__same_inode_mode_only_changed_pages(void **state)
{
	char *dir, *p = fixture_hive(&dir), *before, *after;
	struct stat a, b;
	size_t l1, l2;
	struct hive *h;
	struct regval got;

	assert_int_equal(chmod(p, 0640), 0);
	assert_int_equal(set_and_commit(p, 1, 4, LOG_NEW, NULL), 0);
	before = fixture_slurp(p, &l1);
	assert_int_equal(stat(p, &a), 0);
	assert_int_equal(set_and_commit(p, 3, 4, LOG_NEW, NULL), 0);
	assert_int_equal(stat(p, &b), 0);
	after = fixture_slurp(p, &l2);
	assert_int_equal(a.st_ino, b.st_ino);
	assert_int_equal(b.st_mode & 07777, 0640);
	/* the base block and the one bin page that holds the key */
	assert_true(pages_differing(before, l1, after, l2) <= 3);
	assert_true(pages_differing(before, l1, after, l2) >= 2);
	h = hive_open(p, 0);
	assert_non_null(h);
	assert_false(hive_header(h)->dirty);
	assert_int_equal(hive_get(h, "K\\Sub", "V2", &got), 1);
	assert_int_equal(got.data[0], 'c');
	regval_free(&got);
	hive_close(h);
	/* hive and its log; no temporary file */
	assert_int_equal(count_entries(dir), 3);
	free(before);
	free(after);
	fixture_rmrf(dir);
	free(p);
	free(dir);
}

static void
test_commit__grown_hive__new_bins_appended(void **state)
{
	char *dir, *p = fixture_hive(&dir), *before, *after;
	size_t l1, l2;
	struct hive *h;
	struct regval got;

	before = fixture_slurp(p, &l1);
	assert_int_equal(set_and_commit(p, 40, 3000, LOG_NEW, NULL), 0);
	after = fixture_slurp(p, &l2);
	assert_true(l2 > l1);
	/* the old bytes before the first bin's page are the same file */
	assert_int_equal(get_le32((unsigned char *)after + 40), l2 - 4096);
	h = hive_open(p, 0);
	assert_non_null(h);
	assert_int_equal(hive_get(h, "K\\Sub", "V39", &got), 1);
	assert_int_equal(got.len, 3000);
	regval_free(&got);
	hive_close(h);
	free(before);
	free(after);
	fixture_rmrf(dir);
	free(p);
	free(dir);
}

static void
test_commit__not_as_planned__nothing_written(void **state)
{
	char *dir, *p = fixture_hive(&dir), *before, *after;
	struct regval other;
	size_t l1, l2;

	before = fixture_slurp(p, &l1);
	regval_dword(&other, 7);
	assert_int_equal(set_and_commit(p, 1, 4, LOG_NEW, &other), -1);
	assert_non_null(strstr(tlsh_errmsg(), "does not hold K\\Sub\\V0 as "
	    "planned; nothing written"));
	after = fixture_slurp(p, &l2);
	assert_int_equal(l1, l2);
	assert_memory_equal(before, after, l1);
	assert_int_equal(count_entries(dir), 1);	/* no log either */
	regval_free(&other);
	free(before);
	free(after);
	fixture_rmrf(dir);
	free(p);
	free(dir);
}

static void
test_commit__nothing_changed__nothing_written(void **state)
{
	char *dir, *p = fixture_hive(&dir), *before, *after;
	struct hive *h;
	size_t l1, l2;

	assert_int_equal(set_and_commit(p, 1, 4, LOG_NEW, NULL), 0);
	before = fixture_slurp(p, &l1);
	h = hive_open(p, HIVE_WRITE);
	assert_int_equal(commit_hives(&h, 1, NULL, NULL, LOG_NEW, NULL), 0);
	hive_close(h);
	after = fixture_slurp(p, &l2);
	assert_int_equal(l1, l2);
	assert_memory_equal(before, after, l1);
	free(before);
	free(after);
	fixture_rmrf(dir);
	free(p);
	free(dir);
}

/*
 * What a crash right after the primary was marked dirty leaves: the old
 * pages under a dirty base block, and the log.  Replayed, it must give
 * exactly the hive the commit wrote, in both log formats.
 */
static void
replays_to_new(int logfmt)
{
	char *dir, *p = fixture_hive(&dir), *before, *after, *logp;
	const unsigned char *log[3] = { NULL, NULL, NULL };
	size_t loglen[3] = { 0, 0, 0 }, l1, l2;
	const char *names[3] = { "SYSTEM.LOG", "SYSTEM.LOG1", "SYSTEM.LOG2" };
	struct recovery r;
	uint32_t s;
	int slot = -1;

	assert_int_equal(set_and_commit(p, 1, 4, logfmt, NULL), 0);
	before = fixture_slurp(p, &l1);
	assert_int_equal(set_and_commit(p, 30, 2000, logfmt, NULL), 0);
	after = fixture_slurp(p, &l2);
	/* the log written by the second commit: the one with the later
	 * base block (new format) or .LOG1 (old) */
	for (int i = 1; i < 3; i++) {
		int fmt;
		uint32_t seq;
		logp = xasprintf("%s%s", p, names[i] + 6);
		if (access(logp, F_OK) == 0)
			log[i] = (unsigned char *)fixture_slurp(logp,
			    &loglen[i]);
		free(logp);
		if (log[i] && logs_header(log[i], loglen[i], &fmt, &seq) &&
		    fmt == logfmt && seq == get_le32((unsigned char *)before +
		    4) + (logfmt == LOG_OLD))
			slot = i;
	}
	assert_true(slot > 0);
	s = get_le32((unsigned char *)before + 4);
	put_le32((unsigned char *)before + 4, s + 1);
	if (logfmt == LOG_OLD)	/* the primary carries the log's time */
		memcpy(before + 12, after + 12, 8);
	put_le32((unsigned char *)before + 508,
	    regf_checksum((unsigned char *)before));
	assert_int_equal(logs_recover_mem((unsigned char *)before, l1, log,
	    loglen, names, "SYSTEM", &r), 0);
	assert_int_equal(r.format, logfmt);
	/* new format: the entry's number + 1, as the commit wrote it; the
	 * old format has no entry numbers, recovery goes past both */
	if (logfmt == LOG_NEW)
		assert_int_equal(r.seq, get_le32((unsigned char *)after + 4));
	else
		assert_true(r.seq > get_le32((unsigned char *)after + 4));
	assert_true(r.len <= l2);
	assert_int_equal(r.len, 4096 + get_le32((unsigned char *)after + 40));
	assert_memory_equal(r.data + 4096, after + 4096, r.len - 4096);
	recovery_free(&r);
	for (int i = 0; i < 3; i++)
		free((void *)log[i]);
	free(before);
	free(after);
	fixture_rmrf(dir);
	free(p);
	free(dir);
}

static void
test_commit__new_format_log__replays_to_the_new_hive(void **state)
{
	replays_to_new(LOG_NEW);
}

static void
test_commit__old_format_log__replays_to_the_new_hive(void **state)
{
	replays_to_new(LOG_OLD);
}

static void
test_commit__no_log_on_a_clean_hive__refused(void **state)
{
	char *dir, *p = fixture_hive(&dir), *bytes;
	struct sfile *f = sfile_open(p, SF_WRITE | SF_LOCK);
	size_t len;

	bytes = fixture_slurp(p, &len);
	assert_null(commit_prepare(f, (unsigned char *)bytes, len,
	    COMMIT_NO_LOG, NULL, 0));
	assert_non_null(strstr(tlsh_errmsg(), "the hive is clean"));
	sfile_close(f);
	free(bytes);
	fixture_rmrf(dir);
	free(p);
	free(dir);
}

static void
test_commit__damaged_new_image__refused(void **state)
{
	char *dir, *p = fixture_hive(&dir), *bytes;
	struct sfile *f = sfile_open(p, SF_WRITE | SF_LOCK);
	size_t len;

	bytes = fixture_slurp(p, &len);
	memcpy(bytes + 4096, "xbin", 4);	/* the first bin's signature */
	assert_null(commit_prepare(f, (unsigned char *)bytes, len, LOG_NEW,
	    NULL, 0));
	assert_non_null(strstr(tlsh_errmsg(), "fails its check"));
	sfile_close(f);
	free(bytes);
	assert_int_equal(count_entries(dir), 1);
	fixture_rmrf(dir);
	free(p);
	free(dir);
}

/*
 * A hive of two 4 KiB bins (mkhive's, and a free one after it), written
 * to dir/SYSTEM; its bytes in *img.
 */
static char *
two_bin_hive(char **dir, unsigned char **img, size_t *len)
{
	char *p = fixture_hive(dir);
	unsigned char *b;

	*len = MKHIVE_SIZE + 4096;
	b = xcalloc(1, *len);
	assert_int_equal(mkhive_build(b, "ROOT", 1), 0);
	memcpy(b + MKHIVE_SIZE, "hbin", 4);
	put_le32(b + MKHIVE_SIZE + 4, MKHIVE_SIZE - 4096);
	put_le32(b + MKHIVE_SIZE + 8, 4096);
	put_le32(b + MKHIVE_SIZE + 32, 4096 - 32);	/* one free cell */
	put_le32(b + 40, (uint32_t)*len - 4096);
	put_le32(b + 508, regf_checksum(b));
	assert_int_equal(fixture_write(p, b, *len), 0);
	*img = b;
	return p;
}

/*
 * img, laid over the hive at p, is refused by the check of the new image
 * (its message names what), and the hive and its directory stay as they
 * were; frees img, p and dir.
 */
/* The hive at p byte for byte as before, and no log beside it in dir. */
static void
as_it_was(const char *p, const char *before, size_t blen, const char *dir)
{
	size_t alen;
	char *after = fixture_slurp(p, &alen);

	assert_int_equal(alen, blen);
	assert_memory_equal(after, before, blen);
	assert_int_equal(count_entries(dir), 1);
	free(after);
}

static void
refused_as_it_was(char *dir, char *p, unsigned char *img, size_t len,
    const char *what)
{
	struct sfile *f = sfile_open(p, SF_WRITE | SF_LOCK);
	char *before;
	size_t blen;

	assert_non_null(f);
	before = fixture_slurp(p, &blen);
	assert_null(commit_prepare(f, img, len, LOG_NEW, NULL, 0));
	assert_non_null(strstr(tlsh_errmsg(), "fails its check"));
	assert_non_null(strstr(tlsh_errmsg(), what));
	sfile_close(f);
	as_it_was(p, before, blen, dir);
	fixture_rmrf(dir);
	free(before);
	free(img);
	free(p);
	free(dir);
}

/*
 * Verify checks every bin that holds a changed page: here the last page of
 * one bin and the first of the next change, and the second bin's first
 * cell is damaged.  Checking the first bin covers it to its end, which is
 * where the second begins: that page must still be checked.
 */
static void
test_commit__damaged_bin_right_after_a_checked_one__refused(void **state)
{
	char *dir;
	unsigned char *img;
	size_t len;
	char *p = two_bin_hive(&dir, &img, &len);

	(void)state;
	img[4096 + 12] ^= 1;			/* bin 1's reserved field */
	put_le32(img + MKHIVE_SIZE + 32, 0x10000);	/* past bin 2's end */
	refused_as_it_was(dir, p, img, len, "fails its check");
}

/*
 * The bin chain is checked as the new image streams past, every page of
 * it, not only the pages that change: here the image keeps the file's
 * second bin, whose header gives a wrong offset, and changes the first.
 */
static void
test_commit__damaged_chain_in_an_unchanged_page__refused(void **state)
{
	char *dir;
	unsigned char *img;
	size_t len;
	char *p = two_bin_hive(&dir, &img, &len);

	(void)state;
	put_le32(img + MKHIVE_SIZE + 4, MKHIVE_SIZE);
	assert_int_equal(fixture_write(p, img, len), 0);
	img[4096 + 12] ^= 1;			/* bin 1's reserved field */
	refused_as_it_was(dir, p, img, len, "gives its offset as");
}

/*
 * A log carries pages of the hive bins only: hivex bytes in the first page
 * past them are refused, while a change in the last page of the bins
 * goes through to verify.
 */
static void
test_commit__change_past_the_bins__refused(void **state)
{
	char *dir, *p = fixture_hive(&dir), *bytes;
	struct sfile *f = sfile_open(p, SF_WRITE | SF_LOCK);
	struct commit *c;
	size_t len;
	unsigned char *img;

	bytes = fixture_slurp(p, &len);
	img = xcalloc(1, len + 4096);
	memcpy(img, bytes, len);
	memset(img + len, 'x', 4096);		/* a page past the bins */
	assert_null(commit_prepare(f, img, len + 4096, LOG_NEW, NULL, 0));
	assert_non_null(strstr(tlsh_errmsg(), "past the hive bins (offset "));
	img[len - 4096 + 12] ^= 1;		/* the last bin page, alone */
	assert_non_null(c = commit_prepare(f, img, len, LOG_NEW, NULL, 0));
	commit_free(c);
	sfile_close(f);
	free(bytes);
	free(img);
	assert_int_equal(count_entries(dir), 1);
	fixture_rmrf(dir);
	free(p);
	free(dir);
}

/*
 * commit_edits: key deletions, value deletions, then keys in order (the
 * first edit that names a key gives its spelling), then values a key at a
 * time; a hive whose result contradicts an edit's expectation is left as
 * it was.
 */
static void
test_commit_edits__phases_spelling_and_check(void **state)
{
	char *dir, *p = fixture_hive(&dir), *before, *after;
	struct hive *h[1];
	struct regval one, two, got;
	struct hive_edit e[6];
	char **names;
	uint32_t *vals, d;
	unsigned char *have;
	size_t n, lb, la;

	regval_dword(&one, 1);
	regval_dword(&two, 2);
	memset(e, 0, sizeof(e));
	/* a first run leaves Old\Sub=1 */
	e[0] = (struct hive_edit){ .kind = EDIT_SET, .key = "Old\\Sub",
	    .name = "x", .val = &one, .run = 1 };
	assert_non_null(h[0] = hive_open(p, HIVE_WRITE));
	assert_int_equal(commit_edits(h, 1, e, 1, LOG_NEW, NULL), 0);
	hive_close(h[0]);
	/* later edits delete it while an earlier one in the list makes
	 * "Keep\A", which a set spelled otherwise reuses */
	memset(e, 0, sizeof(e));
	e[0] = (struct hive_edit){ .kind = EDIT_MKKEY, .key = "Keep\\A",
	    .run = 1, .expected = 1 };
	e[0].expect = (struct hive_expect){ "Keep\\A", NULL, &one };
	e[1] = (struct hive_edit){ .kind = EDIT_SET, .key = "KEEP\\a",
	    .name = "v", .val = &two, .run = 1, .expected = 1 };
	e[1].expect = (struct hive_expect){ "KEEP\\a", "v", &two };
	e[2] = (struct hive_edit){ .kind = EDIT_SET, .key = "keep\\A",
	    .name = "w", .val = &one, .run = 1 };
	e[3] = (struct hive_edit){ .kind = EDIT_DELETE_KEY, .key = "Old",
	    .run = 1, .expected = 1 };
	e[3].expect = (struct hive_expect){ "Old", NULL, NULL };
	/* not run: a value edit the plan found already done */
	e[4] = (struct hive_edit){ .kind = EDIT_SET, .key = "Keep\\A",
	    .name = "z", .val = &one };
	assert_non_null(h[0] = hive_open(p, HIVE_LOCK));
	assert_int_equal(commit_edits(h, 1, e, 5, LOG_NEW, NULL), 0);
	hive_close(h[0]);
	assert_non_null(h[0] = hive_open(p, 0));
	assert_int_equal(hive_key_exists(h[0], "Old"), 0);
	assert_int_equal(hive_subkeys_dword(h[0], "", "none", &names, &vals,
	    &have, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(names[0], "Keep");
	free(names[0]);
	free(names);
	free(vals);
	free(have);
	assert_int_equal(hive_get(h[0], "Keep\\A", "v", &got), 1);
	assert_true(regval_get_dword(&got, &d) && d == 2);
	regval_free(&got);
	assert_int_equal(hive_get(h[0], "Keep\\A", "w", &got), 1);
	regval_free(&got);
	assert_int_equal(hive_get(h[0], "Keep\\A", "z", &got), 0);
	hive_close(h[0]);
	/* an expectation the result contradicts: nothing written */
	before = fixture_slurp(p, &lb);
	memset(e, 0, sizeof(e));
	e[0] = (struct hive_edit){ .kind = EDIT_SET, .key = "Keep\\A",
	    .name = "v", .val = &one, .run = 1, .expected = 1 };
	e[0].expect = (struct hive_expect){ "Keep\\A", "v", &two };
	assert_non_null(h[0] = hive_open(p, HIVE_WRITE));
	assert_int_equal(commit_edits(h, 1, e, 1, LOG_NEW, NULL), -1);
	hive_close(h[0]);
	after = fixture_slurp(p, &la);
	assert_int_equal(la, lb);
	assert_memory_equal(before, after, lb);
	free(before);
	free(after);
	regval_free(&one);
	regval_free(&two);
	fixture_rmrf(dir);
	free(p);
	free(dir);
}

/*
 * Two hives changed in one commit_edits, their new images streamed and
 * checked side by side (commit_hives): hive 0 opened for writing with
 * its copy made in a thread (HIVE_BACKGROUND), hive 1 only locked and
 * made writable by the commit (hive_start_writable).  bad says which
 * hive's result contradicts its expectation: -1 none, 2 both.
 */
struct two {
	char *dir[2], *p[2], *before[2];
	size_t len[2];
};

static void
two_make(struct two *t)
{
	for (int i = 0; i < 2; i++) {
		t->p[i] = fixture_hive(&t->dir[i]);
		t->before[i] = fixture_slurp(t->p[i], &t->len[i]);
	}
}

static void
two_free(struct two *t)
{
	for (int i = 0; i < 2; i++) {
		fixture_rmrf(t->dir[i]);
		free(t->dir[i]);
		free(t->p[i]);
		free(t->before[i]);
	}
}

/* Each hive byte for byte as before, and no log beside it. */
static void
two_as_they_were(const struct two *t)
{
	for (int i = 0; i < 2; i++)
		as_it_was(t->p[i], t->before[i], t->len[i], t->dir[i]);
}

static int
two_apply(const struct two *t, int bad)
{
	struct hive *h[2];
	struct regval v[2], wrong;
	struct hive_edit e[2];
	int r;

	regval_dword(&wrong, 99);
	assert_non_null(h[0] = hive_open(t->p[0], HIVE_WRITE |
	    HIVE_BACKGROUND));
	assert_non_null(h[1] = hive_open(t->p[1], HIVE_LOCK));
	for (int i = 0; i < 2; i++) {
		regval_dword(&v[i], 10 + i);
		e[i] = (struct hive_edit){ .kind = EDIT_SET, .hive = i,
		    .key = "K\\Sub", .name = "V", .val = &v[i], .run = 1,
		    .expected = 1 };
		e[i].expect = (struct hive_expect){ "K\\Sub", "V",
		    bad == i || bad == 2 ? &wrong : &v[i] };
	}
	r = commit_edits(h, 2, e, 2, LOG_NEW, NULL);
	for (int i = 0; i < 2; i++) {
		hive_close(h[i]);
		regval_free(&v[i]);
	}
	regval_free(&wrong);
	return r;
}

static void
test_commit_edits__two_hives_side_by_side__both_written(void **state)
{
	struct two t;
	struct regval got;
	uint32_t d;

	two_make(&t);
	assert_int_equal(two_apply(&t, -1), 0);
	for (int i = 0; i < 2; i++) {
		struct hive *h = hive_open(t.p[i], 0);
		size_t l;
		char *now = fixture_slurp(t.p[i], &l);

		assert_non_null(h);
		assert_int_equal(hive_get(h, "K\\Sub", "V", &got), 1);
		assert_true(regval_get_dword(&got, &d) && d == 10u + i);
		regval_free(&got);
		hive_close(h);
		/* written in place, logged first: the hive and its log */
		assert_true(pages_differing(now, l, t.before[i], t.len[i]) > 0);
		assert_int_equal(count_entries(t.dir[i]), 2);
		free(now);
	}
	two_free(&t);
}

/*
 * Either hive's failure stops both: nothing is written to either, and
 * the message is the one a commit of one hive after the other gives,
 * the first failing hive's, naming its file.
 */
static void
test_commit_edits__either_hive_fails__neither_written(void **state)
{
	for (int bad = 0; bad <= 2; bad++) {
		struct two t;
		const char *named;

		two_make(&t);
		assert_int_equal(two_apply(&t, bad), -1);
		named = t.p[bad == 1 ? 1 : 0];
		assert_non_null(strstr(tlsh_errmsg(), named));
		assert_non_null(strstr(tlsh_errmsg(), "does not hold "
		    "K\\Sub\\V as planned; nothing written"));
		assert_null(strstr(tlsh_errmsg(), t.p[bad == 1 ? 0 : 1]));
		two_as_they_were(&t);
		two_free(&t);
	}
}

/*
 * hivex cannot copy hive 1 (its first bin's signature damaged after it
 * was opened to be read): the copy fails in its thread, the message
 * names the file as hive_make_writable's would, and neither hive is
 * written.
 */
static void
test_commit_edits__copy_fails__neither_written(void **state)
{
	struct two t;
	struct hive *one;
	char *msg;

	two_make(&t);
	memcpy(t.before[1] + 4096, "hbix", 4);
	assert_int_equal(fixture_write(t.p[1], t.before[1], t.len[1]), 0);
	/* the message a copy made at once gives */
	assert_non_null(one = hive_open(t.p[1], HIVE_LOCK));
	assert_int_equal(hive_make_writable(one), -1);
	msg = xstrdup(tlsh_errmsg());
	hive_close(one);
	assert_non_null(strstr(msg, t.p[1]));
	assert_non_null(strstr(msg, "cannot open the hive for writing"));
	assert_int_equal(two_apply(&t, -1), -1);
	assert_string_equal(tlsh_errmsg(), msg);
	two_as_they_were(&t);
	free(msg);
	two_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commit_edits__phases_spelling_and_check),
		cmocka_unit_test(test_commit_edits__two_hives_side_by_side__both_written),
		cmocka_unit_test(test_commit_edits__either_hive_fails__neither_written),
		cmocka_unit_test(test_commit_edits__copy_fails__neither_written),
		cmocka_unit_test(test_commit__in_place__same_inode_mode_only_changed_pages),
		cmocka_unit_test(test_commit__grown_hive__new_bins_appended),
		cmocka_unit_test(test_commit__not_as_planned__nothing_written),
		cmocka_unit_test(test_commit__nothing_changed__nothing_written),
		cmocka_unit_test(test_commit__new_format_log__replays_to_the_new_hive),
		cmocka_unit_test(test_commit__old_format_log__replays_to_the_new_hive),
		cmocka_unit_test(test_commit__no_log_on_a_clean_hive__refused),
		cmocka_unit_test(test_commit__damaged_new_image__refused),
		cmocka_unit_test(test_commit__damaged_bin_right_after_a_checked_one__refused),
		cmocka_unit_test(test_commit__damaged_chain_in_an_unchanged_page__refused),
		cmocka_unit_test(test_commit__change_past_the_bins__refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
