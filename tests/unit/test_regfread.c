/* regfread.c: hivex's answers from the same bytes, and damage refused. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "regf/commit.h"
#include "regf/hive.h"
#include "regf/mkhive.h"
#include "regf/regf.h"
#include "regf/regfread.h"
#include "regf/regfsrc.h"
#include "regval.h"
#include "tlshive.h"

#define BASE 4096
#define SEG 16344		/* bytes in one big-data segment */

/* A hive built through hive.c, and its committed file as bytes. */
struct built {
	char *dir, *path;
	unsigned char *p;
	size_t len;
	struct regf_img img;
};

static struct hive *
start(struct built *b)
{
	struct hive *h;

	memset(b, 0, sizeof(*b));
	b->dir = fixture_dir();
	b->path = xasprintf("%s/SOFTWARE", b->dir);
	assert_int_equal(mkhive_write(b->path, "ROOT", 1), 0);
	h = hive_open(b->path, HIVE_WRITE);
	assert_non_null(h);
	return h;
}

/* An exactly sized copy, so that valgrind sees any read past the end. */
static void
load(struct built *b)
{
	char *s = fixture_slurp(b->path, &b->len);

	free(b->p);
	b->p = xmalloc(b->len);
	memcpy(b->p, s, b->len);
	free(s);
	b->img.p = b->p;
	b->img.len = b->len;
}

static void
finish(struct built *b, struct hive *h)
{
	if (commit_hives(&h, 1, NULL, NULL, COMMIT_LOG_AUTO, NULL) == -1)
		fail_msg("%s", tlsh_errmsg());
	hive_close(h);
	load(b);
}

/* Writes the (patched) bytes back, for hivex to read the same image. */
static struct hive *
reopen(struct built *b)
{
	struct hive *h;

	b->img.p = b->p;
	b->img.len = b->len;
	assert_int_equal(fixture_write(b->path, b->p, b->len), 0);
	h = hive_open(b->path, 0);
	assert_non_null(h);
	return h;
}

static void
done(struct built *b)
{
	fixture_rmrf(b->dir);
	free(b->dir);
	free(b->path);
	free(b->p);
}

static void
set_dword(struct hive *h, const char *key, const char *name, uint32_t d)
{
	struct regval v;

	regval_dword(&v, d);
	assert_int_equal(hive_set(h, key, name, &v), 0);
	regval_free(&v);
}

static void
set_sz(struct hive *h, const char *key, const char *name, const char *s)
{
	struct regval v;

	assert_int_equal(regval_sz(&v, s), 0);
	assert_int_equal(hive_set(h, key, name, &v), 0);
	regval_free(&v);
}

static void
set_binary(struct hive *h, const char *key, const char *name, size_t n,
    unsigned seed)
{
	struct regval v = { REGT_BINARY, n, xmalloc(n) };

	for (size_t i = 0; i < n; i++)
		v.data[i] = (unsigned char)(i * 7 + seed + (i >> 8));
	assert_int_equal(hive_set(h, key, name, &v), 0);
	regval_free(&v);
}

/* A lazy reader over an image in memory. */
struct lazy {
	struct regf_mem mem;
	struct regf_src src;
	struct regf_rd *rd;
};

static struct regf_rd *
lazy_open(struct lazy *l, const struct regf_img *img)
{
	l->mem.p = img->p;
	l->mem.len = img->len;
	l->src = regfsrc_memory(&l->mem);
	return l->rd = regf_open_src(&l->src, REGF_LAZY);
}

static int
lazy_value(const struct regf_img *img, const char *key, const char *name,
    struct regval *out)
{
	struct lazy l;
	int r;

	if (lazy_open(&l, img) == NULL)
		return -1;
	r = regf_rd_value(l.rd, key, name, out);
	regf_close(l.rd);
	return r;
}

static int
lazy_key(const struct regf_img *img, const char *key)
{
	struct lazy l;
	int r;

	if (lazy_open(&l, img) == NULL)
		return -1;
	r = regf_rd_key(l.rd, key);
	regf_close(l.rd);
	return r;
}

/* hivex (hive.c on the file) and regfread (on its bytes, whole and lazy)
 * agree. */
static void
same_value(struct hive *h, const struct regf_img *img, const char *key,
    const char *name, int want)
{
	struct regval a = { 0 }, b = { 0 }, c = { 0 };
	int ra = hive_get(h, key, name, &a), rb, rc;

	rb = regf_get_value(img, key, name, &b);
	rc = lazy_value(img, key, name, &c);
	if (ra != want || rb != want || rc != want)
		fail_msg("%s\\%s: hivex %d, regfread %d, lazy %d, expected %d "
		    "(%s)", key, name, ra, rb, rc, want, tlsh_errmsg());
	if (want == 1) {
		assert_true(regval_equal(&a, &b));
		assert_true(regval_equal(&a, &c));
		regval_free(&a);
		regval_free(&b);
		regval_free(&c);
	}
}

static void
same_key(struct hive *h, const struct regf_img *img, const char *key,
    int want)
{
	int ra = hive_key_exists(h, key), rb = regf_key_exists(img, key);
	int rc = lazy_key(img, key);

	if (ra != want || rb != want || rc != want)
		fail_msg("key %s: hivex %d, regfread %d, lazy %d, expected %d "
		    "(%s)", key, ra, rb, rc, want, tlsh_errmsg());
}

/* The lazy walk gives hivex's walk, name for name and byte for byte. */
static void
same_walk(struct hive *h, const struct regf_img *img, const char *key)
{
	struct strbuf a = { 0 }, b = { 0 };
	struct lazy l;
	char *x, *y;

	assert_int_equal(hive_walk(h, key, fixture_walk_text, &a), 0);
	assert_non_null(lazy_open(&l, img));
	if (regf_rd_walk(l.rd, key, fixture_walk_text, &b) != 0)
		fail_msg("lazy walk of %s: %s", key, tlsh_errmsg());
	regf_close(l.rd);
	x = sb_take(&a);
	y = sb_take(&b);
	assert_string_equal(x, y);
	free(x);
	free(y);
}

struct tally {
	const struct regf_img *img;
	struct regf_rd *lazy;		/* one reader, its key cache warm */
	size_t keys, values;
};

/* Every key and value hivex lists, regfread finds alike. */
static int
agree(void *ctx, const char *key, const char *name, const struct regval *val)
{
	struct tally *t = ctx;
	struct regval got;
	int r;

	if (name == NULL) {
		if ((r = regf_key_exists(t->img, key)) != 1)
			fail_msg("key %s: regfread %d (%s)", key, r,
			    tlsh_errmsg());
		if ((r = regf_rd_key(t->lazy, key)) != 1)
			fail_msg("key %s: lazy %d (%s)", key, r, tlsh_errmsg());
		t->keys++;
		return 0;
	}
	if ((r = regf_get_value(t->img, key, name, &got)) != 1)
		fail_msg("%s\\%s: regfread %d (%s)", key, name, r,
		    tlsh_errmsg());
	assert_true(regval_equal(&got, val));
	regval_free(&got);
	if ((r = regf_rd_value(t->lazy, key, name, &got)) != 1)
		fail_msg("%s\\%s: lazy %d (%s)", key, name, r, tlsh_errmsg());
	assert_true(regval_equal(&got, val));
	regval_free(&got);
	t->values++;
	return 0;
}

static struct tally
agree_all(struct hive *h, const struct regf_img *img)
{
	struct tally t = { img, NULL, 0, 0 };
	struct lazy l;

	assert_non_null(t.lazy = lazy_open(&l, img));
	assert_int_equal(hive_walk(h, "", agree, &t), 0);
	regf_close(t.lazy);
	t.lazy = NULL;
	same_walk(h, img, "");
	return t;
}

static void
expect_damage(int r, const char *what)
{
	assert_int_equal(r, -1);
	if (strstr(tlsh_errmsg(), what) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", tlsh_errmsg(), what);
}

/*
 * File offset of the allocated cell of an nk or vk record with this ASCII
 * name: the tests patch records hivex has no call to make.
 */
static size_t
find_record(const struct built *b, const char *sig, const char *name)
{
	size_t bins = BASE + get_le32(b->p + 40), nlen = strlen(name);

	for (size_t bin = BASE; bin < bins; bin += get_le32(b->p + bin + 8)) {
		size_t end = bin + get_le32(b->p + bin + 8);

		for (size_t c = bin + 32; c < end;) {
			int32_t sz = (int32_t)get_le32(b->p + c);
			const unsigned char *d = b->p + c + 4;
			size_t n = d[0] == 'n' ? d[72] | d[73] << 8 :
			    d[2] | d[3] << 8;
			const unsigned char *s = d + (d[0] == 'n' ? 76 : 20);

			if (sz < 0 && memcmp(d, sig, 2) == 0 && n == nlen &&
			    memcmp(s, name, n) == 0)
				return c;
			c += (size_t)(sz < 0 ? -(int64_t)sz : sz);
		}
	}
	fail_msg("no %s record named %s", sig, name);
	return 0;
}

/*
 * A new hive bin at the end of the image, for records hivex never writes
 * (index roots, li and lf lists, big data).  Returns its offset from the
 * start of the hive bins.
 */
static uint32_t
add_bin(struct built *b, uint32_t size)
{
	uint32_t bins = get_le32(b->p + 40);
	unsigned char *bin;

	assert_int_equal(b->len, BASE + bins);
	b->p = xrealloc(b->p, b->len + size);
	bin = b->p + b->len;
	memset(bin, 0, size);
	memcpy(bin, "hbin", 4);
	put_le32(bin + 4, bins);
	put_le32(bin + 8, size);
	put_le32(bin + 32, size - 32);		/* one free cell */
	b->len += size;
	put_le32(b->p + 40, bins + size);
	put_le32(b->p + 508, regf_checksum(b->p));
	b->img.p = b->p;
	b->img.len = b->len;
	return bins;
}

/*
 * An allocated cell of n data bytes at *pos in the bin at binrel; the rest
 * of the bin stays one free cell.  Returns the data, *off its offset.
 */
static unsigned char *
put_cell(struct built *b, uint32_t binrel, uint32_t *pos, uint32_t n,
    uint32_t *off)
{
	unsigned char *bin = b->p + BASE + binrel, *c = bin + *pos;
	uint32_t size = (n + 4 + 7) & ~7u, binsize = get_le32(bin + 8);

	assert_true(*pos + size <= binsize);
	put_le32(c, (uint32_t)-(int32_t)size);
	if (*pos + size < binsize)
		put_le32(c + size, binsize - *pos - size);
	*off = binrel + *pos;
	*pos += size;
	return c + 4;
}

static void
test_regfread__values_agree_with_hivex(void **state)
{
	struct built b;
	struct hive *h = start(&b);
	struct regval v, m;
	char *multi[] = { "one", "two", "Grüße" };
	const char *names[] = { "Text", "MixedCase" };
	struct regval text, mixed;
	const struct regval *vals[] = { &text, &mixed };
	static const struct {
		const char *key, *name;
		int want;
	} q[] = {
		{ "A\\B\\C\\D", "Dword", 1 },
		{ "a\\b\\c\\d", "DWORD", 1 },
		{ "\\A\\\\B\\C\\D\\", "dword", 1 },
		{ "A\\B\\C\\D", "Text", 1 },
		{ "A\\B\\C\\D", "Multi", 1 },
		{ "A\\B\\C\\D", "", 1 },
		{ "A\\B\\C\\D", "Bin0", 1 },
		{ "A\\B\\C\\D", "Bin1", 1 },
		{ "A\\B\\C\\D", "Bin2", 1 },
		{ "A\\B\\C\\D", "Bin3", 1 },
		{ "A\\B\\C\\D", "Bin4", 1 },
		{ "A\\B\\C\\D", "Bin5", 1 },
		{ "A\\B\\C\\D", "mixedcase", 1 },
		{ "A\\B\\C\\D", "MIXEDCASE", 1 },
		{ "A\\B\\C\\D", "Grüße", 1 },
		{ "A\\B\\C\\D", "gRüßE", 1 },
		{ "A\\B\\C\\D", "GRÜSSE", 0 },	/* only ASCII folds */
		{ "A\\B\\C\\D", "Grüß", 0 },
		{ "A\\B\\C\\D", "日本", 1 },
		{ "A\\B\\C\\D", "日本語", 0 },
		{ "A\\B\\C\\D", "Gone", 0 },
		{ "A\\B\\C\\D", "Nope", 0 },
		{ "A\\B\\C\\D", "Dword ", 0 },
		{ "A\\B\\X", "Dword", 0 },
		{ "Nope\\Deeper", "", 0 },
		{ "", "", 0 },
		{ "", "Top", 1 },
		{ "Grüße\\日本", "Wert", 1 },
		{ "GRüßE\\日本", "wert", 1 },
		{ "Grüsse\\日本", "Wert", 0 },
		{ "Empty\\Key", "", 0 },
	};
	static const struct {
		const char *key;
		int want;
	} k[] = {
		{ "", 1 }, { "A", 1 }, { "A\\B\\C\\D", 1 }, { "a\\b\\C", 1 },
		{ "A\\B\\C\\D\\E", 0 }, { "Empty\\Key", 1 }, { "Grüße", 1 },
		{ "Grüße\\日本", 1 }, { "grüße\\日本", 1 }, { "GRÜSSE", 0 },
		{ "日本", 0 }, { "Nope\\Deeper", 0 }, { "A\\B\\C\\Dx", 0 },
	};
	struct tally t;

	(void)state;
	set_dword(h, "A\\B\\C\\D", "Dword", 0x12345678);
	assert_int_equal(regval_multi_sz(&m, multi, 3), 0);
	assert_int_equal(hive_set(h, "A\\B\\C\\D", "Multi", &m), 0);
	regval_free(&m);
	set_sz(h, "A\\B\\C\\D", "", "the default value");
	for (unsigned i = 0; i <= 5; i++) {
		char name[8];

		snprintf(name, sizeof(name), "Bin%u", i);
		set_binary(h, "A\\B\\C\\D", name, i, i);
	}
	assert_int_equal(regval_sz(&text, "hello, world"), 0);
	regval_dword(&mixed, 7);
	assert_int_equal(hive_set_values(h, "A\\B\\C\\D", 2, names, vals), 0);
	regval_free(&text);
	regval_free(&mixed);
	set_sz(h, "A\\B\\C\\D", "Grüße", "a Latin-1 name");
	set_sz(h, "A\\B\\C\\D", "日本", "a UTF-16 name");
	set_dword(h, "A\\B\\C\\D", "Gone", 1);
	assert_int_equal(hive_delete_value(h, "A\\B\\C\\D", "Gone"), 0);
	set_dword(h, "Grüße\\日本", "Wert", 42);
	set_dword(h, "", "Top", 3);
	assert_int_equal(hive_mkkey(h, "Empty\\Key"), 0);
	finish(&b, h);

	assert_int_equal(regf_check(&b.img), 0);
	h = hive_open(b.path, 0);
	assert_non_null(h);
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++)
		same_value(h, &b.img, q[i].key, q[i].name, q[i].want);
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		same_key(h, &b.img, k[i].key, k[i].want);
	t = agree_all(h, &b.img);
	assert_int_equal(t.keys, 9);
	assert_int_equal(t.values, 15);
	hive_close(h);

	/* and the bytes are what was set, not just what hivex says */
	assert_int_equal(regf_get_value(&b.img, "a\\B\\c\\D", "dword", &v), 1);
	assert_int_equal(v.type, REGT_DWORD);
	assert_int_equal(v.len, 4);
	assert_memory_equal(v.data, "\x78\x56\x34\x12", 4);
	regval_free(&v);
	assert_int_equal(regf_get_value(&b.img, "A\\B\\C\\D", "Bin3", &v), 1);
	assert_int_equal(v.type, REGT_BINARY);
	assert_int_equal(v.len, 3);
	assert_memory_equal(v.data, "\x03\x0a\x11", 3);
	regval_free(&v);
	assert_int_equal(regf_get_value(&b.img, "A\\B\\C\\D", "Bin0", &v), 1);
	assert_int_equal(v.len, 0);
	regval_free(&v);
	done(&b);
}

/*
 * Many subkeys.  hivex 1.3.23 keeps all 600 in one lh list and never
 * builds an index root, so one is made by hand for both readers.
 */
static void
test_regfread__many_subkeys_and_index_root(void **state)
{
	enum { N = 600 };
	struct built b;
	struct hive *h = start(&b);
	struct tally t;
	unsigned char *old, *ri, *leaf;
	uint32_t bin, pos = 32, off, list;
	size_t c;

	(void)state;
	for (unsigned i = 0; i < N; i++) {
		char key[32];

		snprintf(key, sizeof(key), "Many\\Sub%04u", i);
		assert_int_equal(hive_mkkey(h, key), 0);
	}
	set_dword(h, "Many\\Sub0000", "First", 0);
	set_dword(h, "Many\\Sub0599", "Last", 599);
	set_dword(h, "Many\\Sub0300\\Deeper", "Mid", 300);
	finish(&b, h);

	h = hive_open(b.path, 0);
	same_value(h, &b.img, "many\\SUB0599", "last", 1);
	same_value(h, &b.img, "Many\\Sub0300\\Deeper", "Mid", 1);
	same_key(h, &b.img, "Many\\Sub0600", 0);
	same_key(h, &b.img, "Many\\Sub060", 0);
	t = agree_all(h, &b.img);
	assert_int_equal(t.keys, 2 + N + 1);
	hive_close(h);

	/*
	 * Split the list in three under an ri: an li (offsets only), an lf
	 * (name hints) and hivex's own lh entries (hashes).
	 */
	c = find_record(&b, "nk", "Many");
	list = get_le32(b.p + c + 4 + 28);
	assert_int_equal(get_le32(b.p + c + 4 + 20), N);
	old = b.p + BASE + list + 4;
	assert_memory_equal(old, "lh", 2);
	bin = add_bin(&b, 4096);		/* moves the image */
	old = b.p + BASE + list + 4;
	ri = put_cell(&b, bin, &pos, 4 + 3 * 4, &off);
	memcpy(ri, "ri", 2);
	ri[2] = 3;
	put_le32(b.p + c + 4 + 28, off);
	for (unsigned part = 0; part < 3; part++) {
		unsigned es = part == 0 ? 4 : 8;
		uint32_t loff;

		leaf = put_cell(&b, bin, &pos, 4 + 200 * es, &loff);
		memcpy(leaf, part == 0 ? "li" : part == 1 ? "lf" : "lh", 2);
		leaf[2] = 200;
		for (unsigned i = 0; i < 200; i++) {
			const unsigned char *e = old + 4 + 8 * (200 * part + i);

			memcpy(leaf + 4 + es * i, e, 4);
			if (part == 1)
				memcpy(leaf + 8 + es * i, "Sub0", 4);
			else if (part == 2)
				memcpy(leaf + 8 + es * i, e + 4, 4);
		}
		put_le32(ri + 4 + 4 * part, loff);
	}

	h = reopen(&b);
	assert_int_equal(regf_check(&b.img), 0);
	assert_int_equal(regf_check_bin_at(&b.img, BASE + bin + 100), 0);
	same_key(h, &b.img, "Many\\sub0000", 1);
	same_key(h, &b.img, "Many\\Sub0199", 1);
	same_key(h, &b.img, "Many\\Sub0200", 1);
	same_key(h, &b.img, "Many\\Sub0400", 1);
	same_value(h, &b.img, "Many\\Sub0599", "Last", 1);
	same_value(h, &b.img, "Many\\Sub0300\\Deeper", "Mid", 1);
	same_key(h, &b.img, "Many\\Sub0600", 0);
	t = agree_all(h, &b.img);
	assert_int_equal(t.keys, 2 + N + 1);
	assert_int_equal(t.values, 3);
	hive_close(h);

	/* a hash or hint that does not fit the name hides the key */
	leaf = b.p + BASE + get_le32(b.p + BASE + off + 4 + 4 + 8) + 4;
	leaf[4 + 8 * 199 + 4] ^= 1;
	expect_damage(regf_key_exists(&b.img, "Many\\Sub0599"), "wrong hash");
	assert_int_equal(regf_key_exists(&b.img, "Many\\Sub0598"), 1);
	leaf[4 + 8 * 199 + 4] ^= 1;
	leaf = b.p + BASE + get_le32(b.p + BASE + off + 4 + 4 + 4) + 4;
	leaf[4 + 8 * 5 + 4 + 3] = 'x';
	expect_damage(regf_key_exists(&b.img, "Many\\Sub0205"), "name hint");
	leaf[4 + 8 * 5 + 4 + 3] = '0';
	/* a count that disagrees with the lists, seen when a key is absent */
	put_le32(b.p + c + 4 + 20, N + 1);
	expect_damage(regf_key_exists(&b.img, "Many\\Sub0600"),
	    "counts 601 subkeys");
	put_le32(b.p + c + 4 + 20, N);
	/* an index root pointing to an index root */
	put_le32(b.p + BASE + off + 4 + 4 + 4, off);
	expect_damage(regf_key_exists(&b.img, "Many\\Sub0599"),
	    "not to an li, lf or lh list");
	done(&b);
}

/*
 * Past 16344 bytes a 1.4+ hive keeps data as big data.  hivex 1.3.23
 * writes one plain cell instead, which Windows would read as a db record:
 * regfread refuses that.  The db layout is then made by hand, and hivex
 * and regfread must read the same bytes from it.
 */
static void
test_regfread__big_data(void **state)
{
	enum { LEN = 40000 };
	struct built b;
	struct hive *h = start(&b);
	struct regval want, got;
	unsigned char *db, *segs, *seg, *vk;
	uint32_t bin, pos = 32, dboff, listoff, data;
	size_t c;

	(void)state;
	set_binary(h, "Big", "Blob", LEN, 1);
	set_binary(h, "Big", "Edge", SEG, 2);
	set_binary(h, "Big", "Over", SEG + 1, 3);
	finish(&b, h);

	h = hive_open(b.path, 0);
	same_value(h, &b.img, "Big", "Edge", 1);
	assert_int_equal(hive_get(h, "Big", "Blob", &want), 1);
	assert_int_equal(want.len, LEN);
	expect_damage(regf_get_value(&b.img, "Big", "Blob", &got),
	    "needs big data (db)");
	expect_damage(regf_get_value(&b.img, "big", "over", &got),
	    "holds 16345 bytes in a plain cell");
	hive_close(h);

	c = find_record(&b, "vk", "Blob");
	data = get_le32(b.p + c + 4 + 8);
	bin = add_bin(&b, 40960);
	db = put_cell(&b, bin, &pos, 8, &dboff);
	memcpy(db, "db", 2);
	db[2] = 3;
	segs = put_cell(&b, bin, &pos, 3 * 4, &listoff);
	put_le32(db + 4, listoff);
	for (unsigned i = 0; i < 3; i++) {
		uint32_t n = i < 2 ? SEG : LEN - 2 * SEG, soff;

		seg = put_cell(&b, bin, &pos, n, &soff);
		memcpy(seg, b.p + BASE + data + 4 + i * SEG, n);
		put_le32(segs + 4 * i, soff);
	}
	vk = b.p + c + 4;
	put_le32(vk + 8, dboff);

	h = reopen(&b);
	same_value(h, &b.img, "Big", "Blob", 1);
	assert_int_equal(regf_get_value(&b.img, "Big", "Blob", &got), 1);
	assert_true(regval_equal(&got, &want));
	regval_free(&got);
	regval_free(&want);
	hive_close(h);

	/* damaged big data */
	db = b.p + BASE + dboff + 4;
	db[2] = 2;
	expect_damage(regf_get_value(&b.img, "Big", "Blob", &got),
	    "has 2 segments");
	db[2] = 3;
	put_le32(segs + 8, 0x7ffffff8);
	expect_damage(regf_get_value(&b.img, "Big", "Blob", &got),
	    "big data segment offset 0x7ffffff8");
	/* a full segment as the last one: only its start is used */
	put_le32(segs + 8, get_le32(segs + 4));
	assert_int_equal(regf_get_value(&b.img, "Big", "Blob", &got), 1);
	regval_free(&got);
	put_le32(segs + 8, listoff);			/* too short */
	expect_damage(regf_get_value(&b.img, "Big", "Blob", &got),
	    "holds 12 bytes, not 7312");
	put_le32(vk + 4, 0x7fffffff);
	expect_damage(regf_get_value(&b.img, "Big", "Blob", &got),
	    "has 3 segments, its 2147483647 bytes need 131393");
	done(&b);
}

/* A whole generated image, both hives, every key and value. */
static void
test_regfread__generated_image_agrees(void **state)
{
	char *root = fixture_image("2019", NULL);
	const char *hives[] = { "SYSTEM", "SOFTWARE" };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct built b = { 0 };
		struct hive *h;
		struct tally t;
		uint32_t bins;

		b.path = fixture_path(root, hives[i]);
		load(&b);
		assert_int_equal(regf_check(&b.img), 0);
		bins = get_le32(b.p + 40);
		for (uint32_t off = 0; off < bins; off += 4096)
			assert_int_equal(regf_check_bin_at(&b.img, BASE + off),
			    0);
		h = hive_open(b.path, 0);
		assert_non_null(h);
		t = agree_all(h, &b.img);
		assert_true(t.keys > 10 && t.values > 10);
		same_key(h, &b.img, "ControlSet001\\Control\\Nope", 0);
		same_value(h, &b.img, "Microsoft\\Windows NT\\CurrentVersion",
		    "productname", i);
		hive_close(h);
		free(b.path);
		free(b.p);
	}
	fixture_image_rm(root);
	free(root);
}

/* A small hive of two bins, to be damaged. */
static void
small_hive(struct built *b)
{
	struct hive *h = start(b);

	set_dword(h, "A\\B", "D", 1);
	set_sz(h, "A\\B", "S", "some text that is longer than four bytes");
	set_sz(h, "A\\日本", "Grüße", "x");
	set_binary(h, "A", "Fill", 6000, 9);	/* a second bin */
	finish(b, h);
	assert_true(get_le32(b->p + 40) > 4096);
}

static void
test_regfread__base_block_damage(void **state)
{
	struct built b;
	struct regf_img img;
	struct regval v;
	size_t lens[] = { 0, 100, 4095, 4096, 4096 + 2048, 0 };

	(void)state;
	small_hive(&b);
	lens[5] = b.len - 1;
	b.p[48] ^= 0x20;
	expect_damage(regf_check(&b.img), "checksum");
	expect_damage(regf_key_exists(&b.img, "A"), "checksum");
	expect_damage(regf_get_value(&b.img, "A\\B", "D", &v), "checksum");
	b.p[48] ^= 0x20;
	assert_int_equal(regf_check(&b.img), 0);
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		unsigned char *cut = xmalloc(lens[i]);

		memcpy(cut, b.p, lens[i]);
		img.p = cut;
		img.len = lens[i];
		assert_int_equal(regf_check(&img), -1);
		assert_int_equal(regf_key_exists(&img, "A\\B"), -1);
		if (lens[i] > 4096)
			assert_non_null(strstr(tlsh_errmsg(), "truncated"));
		free(cut);
	}
	img.p = NULL;
	img.len = 0;
	assert_int_equal(regf_check(&img), -1);
	/* fields the checksum covers: each recomputed to be the only fault */
	{
		static const struct {
			size_t at;
			uint32_t val;
			const char *what;
		} f[] = {
			{ 28, 1, "file type 1" },
			{ 20, 2, "format version 2.5" },
			{ 24, 2, "format version 1.2" },
			{ 40, 4097, "not a multiple of 4096" },
			{ 40, 0, "root cell offset" },
			{ 36, 0x10000000, "root cell offset" },
		};
		for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
			uint32_t was = get_le32(b.p + f[i].at);

			put_le32(b.p + f[i].at, f[i].val);
			put_le32(b.p + 508, regf_checksum(b.p));
			expect_damage(regf_check(&b.img), f[i].what);
			put_le32(b.p + f[i].at, was);
			put_le32(b.p + 508, regf_checksum(b.p));
		}
		memcpy(b.p, "regF", 4);
		expect_damage(regf_check(&b.img), "no regf signature");
		memcpy(b.p, "regf", 4);
	}
	assert_int_equal(regf_check(&b.img), 0);
	done(&b);
}

/*
 * regf_check's chain checks made as the commit makes them: every page of
 * the bins fed in order (upto bytes of them), then a reader opened on the
 * chain, which looks a key up through the bins it kept.
 */
static int
chain_check(const struct regf_img *img, size_t upto)
{
	struct regf_chain *ch = regf_chain_new(get_le32(img->p + 40));
	struct regf_rd *r = NULL;
	int k = -1;

	for (size_t at = BASE; at < img->len && at - BASE < upto; at += BASE)
		if (regf_chain_page(ch, (uint32_t)(at - BASE), img->p + at,
		    img->len - at < BASE ? img->len - at : BASE) == -1)
			goto out;
	if ((r = regf_open_chain(img, ch)) != NULL)
		k = regf_rd_key(r, "A") == 1 ? 0 : -1;
out:
	regf_close(r);
	regf_chain_free(ch);
	return k;
}

static void
test_regfread__bin_damage(void **state)
{
	struct built b;
	unsigned char *bin2;
	uint32_t first;

	(void)state;
	small_hive(&b);
	first = get_le32(b.p + BASE + 8);
	bin2 = b.p + BASE + first;
	assert_int_equal(chain_check(&b.img, SIZE_MAX), 0);
	/* a chain whose last bins never came */
	expect_damage(chain_check(&b.img, first), "no hbin signature at");
	put_le32(bin2 + 4, first + 4096);
	expect_damage(regf_check(&b.img), "gives its offset as");
	expect_damage(chain_check(&b.img, SIZE_MAX), "gives its offset as");
	expect_damage(regf_key_exists(&b.img, "A"), "gives its offset as");
	expect_damage(regf_check_bin_at(&b.img, BASE), "gives its offset as");
	put_le32(bin2 + 4, first);
	put_le32(bin2 + 8, 0);
	expect_damage(regf_check(&b.img), "has size 0");
	expect_damage(chain_check(&b.img, SIZE_MAX), "has size 0");
	put_le32(bin2 + 8, 4095);
	expect_damage(regf_check(&b.img), "has size 4095");
	expect_damage(chain_check(&b.img, SIZE_MAX), "has size 4095");
	put_le32(bin2 + 8, get_le32(b.p + 40) - first + 4096);
	expect_damage(regf_check(&b.img), "runs 4096 bytes past the end");
	expect_damage(chain_check(&b.img, SIZE_MAX),
	    "runs 4096 bytes past the end");
	put_le32(bin2 + 8, get_le32(b.p + 40) - first);
	memcpy(bin2, "hbix", 4);
	expect_damage(regf_check(&b.img), "no hbin signature");
	expect_damage(chain_check(&b.img, SIZE_MAX), "no hbin signature");
	memcpy(bin2, "hbin", 4);
	assert_int_equal(regf_check(&b.img), 0);
	assert_int_equal(chain_check(&b.img, SIZE_MAX), 0);
	expect_damage(regf_check_bin_at(&b.img, 4095), "not inside");
	expect_damage(regf_check_bin_at(&b.img, b.len), "not inside");
	done(&b);
}

/* The last cell of the first bin, as a file offset. */
static size_t
last_cell(const struct built *b)
{
	size_t end = BASE + get_le32(b->p + BASE + 8), c = BASE + 32, next;

	for (;; c = next) {
		int32_t sz = (int32_t)get_le32(b->p + c);

		next = c + (size_t)(sz < 0 ? -(int64_t)sz : sz);
		if (next >= end)
			return c;
	}
}

static void
test_regfread__cell_damage(void **state)
{
	struct built b;
	struct regval v;
	size_t c, root;
	uint32_t raw, was;
	unsigned char *nk;

	(void)state;
	small_hive(&b);
	for (uint32_t off = 0; off < get_le32(b.p + 40); off += 4096)
		assert_int_equal(regf_check_bin_at(&b.img, BASE + off + 40), 0);

	/* a cell that runs past its bin; the bin chain itself is fine */
	c = last_cell(&b);
	raw = get_le32(b.p + c);
	put_le32(b.p + c, (int32_t)raw < 0 ? raw - 8 : raw + 8);
	assert_int_equal(regf_check(&b.img), 0);
	expect_damage(regf_check_bin_at(&b.img, BASE + 100),
	    "runs past the end of its bin");
	put_le32(b.p + c, 0);
	expect_damage(regf_check_bin_at(&b.img, c), "has size 0");
	put_le32(b.p + c, 12);
	expect_damage(regf_check_bin_at(&b.img, c), "has size 12");
	put_le32(b.p + c, raw);
	assert_int_equal(regf_check_bin_at(&b.img, c), 0);

	/* the root key's subkey list, pointed elsewhere */
	root = BASE + get_le32(b.p + 36);
	nk = b.p + root + 4;
	was = get_le32(nk + 28);
	put_le32(nk + 28, 0x7ffffff8);
	expect_damage(regf_key_exists(&b.img, "A"),
	    "subkey list offset 0x7ffffff8 does not point");
	put_le32(nk + 28, 0xffffffff);
	expect_damage(regf_key_exists(&b.img, "A"), "subkey list is missing");
	put_le32(nk + 28, was + 4);
	expect_damage(regf_key_exists(&b.img, "A"), "subkey list offset");
	put_le32(nk + 28, was + 8);
	expect_damage(regf_key_exists(&b.img, "A"), "not the start of a cell");
	put_le32(nk + 28, get_le32(b.p + 36));	/* the root itself */
	expect_damage(regf_key_exists(&b.img, "A"), "not an li, lf, lh or ri");
	put_le32(nk + 28, was);
	/* a subkey count past what the list holds */
	nk = b.p + BASE + was + 4;
	nk[2] = 200;
	expect_damage(regf_key_exists(&b.img, "A"), "counts 200 entries");
	nk[2] = 1;

	/* a key's name and a value's data past their cells */
	c = find_record(&b, "nk", "B");
	nk = b.p + c + 4;
	nk[72] = 250;
	expect_damage(regf_key_exists(&b.img, "A\\B"), "runs past its cell");
	nk[72] = 1;
	nk[2] &= ~0x20;
	expect_damage(regf_key_exists(&b.img, "A\\B"), "odd length");
	nk[2] |= 0x20;
	was = get_le32(nk + 40);
	put_le32(nk + 40, 0xfffffff0);
	expect_damage(regf_get_value(&b.img, "A\\B", "D", &v), "value list");
	put_le32(nk + 40, was);
	put_le32(nk + 36, 1000);
	expect_damage(regf_get_value(&b.img, "A\\B", "D", &v), "counts 1000 "
	    "values");
	put_le32(nk + 36, 2);
	c = find_record(&b, "vk", "S");
	raw = get_le32(b.p + c + 4 + 4);
	put_le32(b.p + c + 4 + 4, raw + 1000);
	expect_damage(regf_get_value(&b.img, "A\\B", "S", &v), "bytes of data");
	put_le32(b.p + c + 4 + 4, 0x80000005);
	expect_damage(regf_get_value(&b.img, "A\\B", "S", &v), "4-byte");
	put_le32(b.p + c + 4 + 4, 0x80000002);
	assert_int_equal(regf_get_value(&b.img, "A\\B", "S", &v), 1);
	assert_int_equal(v.len, 2);
	regval_free(&v);
	put_le32(b.p + c + 4 + 4, raw);
	was = get_le32(b.p + c + 4 + 8);
	put_le32(b.p + c + 4 + 8, get_le32(b.p + 40));
	expect_damage(regf_get_value(&b.img, "A\\B", "S", &v), "value data");
	put_le32(b.p + c + 4 + 8, was);
	/* a cell marked free is not a record to follow */
	put_le32(b.p + c, -get_le32(b.p + c));
	expect_damage(regf_get_value(&b.img, "A\\B", "S", &v), "free cell");
	put_le32(b.p + c, -get_le32(b.p + c));
	assert_int_equal(regf_get_value(&b.img, "a\\b", "s", &v), 1);
	regval_free(&v);
	done(&b);
}

/*
 * Every dword of the hive bins set to values that make bad offsets, sizes
 * and counts: each lookup answers -1, 0 or 1 and (under valgrind) reads
 * nothing outside the image.
 */
static void
test_regfread__damage_anywhere_is_contained(void **state)
{
	static const uint32_t bad[] = { 0, 0xffffffff, 0x80000000, 0x7ffffff8,
	    0xfffffff8, 0x1000, 0x20, 0x8000ffff };
	static const char *const keys[] = { "A\\B", "A\\日本", "A\\C", "" };
	static const char *const names[] = { "D", "S", "Grüße", "Fill" };
	struct built b;
	uint32_t bins;
	size_t tries = 0;

	(void)state;
	small_hive(&b);
	bins = get_le32(b.p + 40);
	for (uint32_t at = 0; at < bins; at += 4) {
		uint32_t was = get_le32(b.p + BASE + at);

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			put_le32(b.p + BASE + at, bad[i]);
			for (size_t k = 0; k < 4; k++) {
				struct regval v;
				int r = regf_get_value(&b.img, keys[k],
				    names[k], &v);

				assert_true(r >= -1 && r <= 1);
				if (r == 1)
					regval_free(&v);
				r = regf_key_exists(&b.img, keys[k]);
				assert_true(r >= -1 && r <= 1);
				r = lazy_value(&b.img, keys[k], names[k], &v);
				assert_true(r >= -1 && r <= 1);
				if (r == 1)
					regval_free(&v);
			}
			assert_true(regf_check_bin_at(&b.img, BASE + at) >= -1);
			tries++;
		}
		put_le32(b.p + BASE + at, was);
	}
	assert_true(tries > 1000);
	done(&b);
}

/* What check reads from SOFTWARE: bytes the lazy reader took for it. */
static uint64_t
check_reads(const struct regf_img *img)
{
	static const struct {
		const char *key, *name;
	} q[] = {
		{ "Microsoft\\Windows NT\\CurrentVersion", "ProductName" },
		{ "Microsoft\\Windows NT\\CurrentVersion", "CurrentBuild" },
		{ "Microsoft\\Windows NT\\CurrentVersion", "UBR" },
		{ "Microsoft\\Windows NT\\CurrentVersion", "EditionID" },
		{ "Microsoft\\.NETFramework\\v4.0.30319", "SchUseStrongCrypto" },
		{ "WOW6432Node\\Microsoft\\.NETFramework\\v4.0.30319",
		    "SystemDefaultTlsVersions" },
		{ "Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\"
		    "00010002", "Functions" },
	};
	struct lazy l;
	uint64_t bytes, bins;

	assert_non_null(lazy_open(&l, img));
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		struct regval v;
		int r = regf_rd_value(l.rd, q[i].key, q[i].name, &v);

		assert_true(r == 0 || r == 1);
		if (r == 1)
			regval_free(&v);
	}
	regf_rd_stats(l.rd, &bytes, &bins);
	assert_true(bins > 0);
	regf_close(l.rd);
	return bytes;
}

/*
 * The lazy reader's cost follows the keys asked for: the same lookups
 * read about the same bytes when the hive grows four times over, and
 * never the whole hive.
 */
static void
test_regfread__lazy_reads_only_the_path(void **state)
{
	char *root = fixture_image("2019", NULL);
	struct built b = { 0 };
	struct hive *h;
	uint64_t before, after;
	size_t small;

	(void)state;
	b.path = fixture_path(root, "SOFTWARE");
	load(&b);
	small = b.len;
	before = check_reads(&b.img);
	assert_true(before < (1 << 20));
	h = hive_open(b.path, HIVE_WRITE);
	assert_non_null(h);
	for (unsigned i = 0; b.len < 4 * small && i < 100000; i += 50) {
		for (unsigned k = i; k < i + 50; k++) {
			char key[40];

			snprintf(key, sizeof(key), "Grown\\K%05u\\Sub", k);
			set_binary(h, key, "Fill", 200, k);
		}
		if (commit_hives(&h, 1, NULL, NULL, COMMIT_LOG_AUTO, NULL) ==
		    -1)
			fail_msg("%s", tlsh_errmsg());
		hive_close(h);
		load(&b);
		h = hive_open(b.path, HIVE_WRITE);
		assert_non_null(h);
	}
	hive_close(h);
	assert_true(b.len >= 4 * small);
	after = check_reads(&b.img);
	if (after > before + 8192 || after >= b.len / 2)
		fail_msg("lookups read %llu bytes of a %zu-byte hive, %llu of "
		    "one of %zu", (unsigned long long)after, b.len,
		    (unsigned long long)before, small);
	free(b.path);
	free(b.p);
	fixture_image_rm(root);
	free(root);
}

/*
 * The lazy reader checks what it reads, as the whole-image reader does,
 * and sees nothing of the rest.  A forged hbin inside a bin's data can
 * mislead where a bin starts, but never take a read outside the bins.
 */
static void
test_regfread__lazy_damage(void **state)
{
	struct built b;
	struct regval v;
	char *want;
	size_t c, bin2;
	uint32_t raw, bin, pos = 32, off;
	unsigned char *d;

	(void)state;
	small_hive(&b);
	/* the third bin holds only Fill's data */
	bin2 = BASE + get_le32(b.p + BASE + 8);
	bin2 += get_le32(b.p + bin2 + 8);
	assert_true(bin2 < b.len);
	/* damage on the path: A\B's value S, as the whole reader says it */
	c = find_record(&b, "vk", "S");
	assert_true(c < bin2);
	raw = get_le32(b.p + c + 4 + 4);
	put_le32(b.p + c + 4 + 4, raw + 1000);
	expect_damage(regf_get_value(&b.img, "A\\B", "S", &v), "bytes of data");
	want = xstrdup(tlsh_errmsg());
	expect_damage(lazy_value(&b.img, "A\\B", "S", &v), "bytes of data");
	assert_string_equal(tlsh_errmsg(), want);
	free(want);
	put_le32(b.p + c + 4 + 4, raw);
	/* a cell before the one read runs wrong: the walk from its bin's
	 * start finds it */
	raw = get_le32(b.p + BASE + 32);
	put_le32(b.p + BASE + 32, 12);
	expect_damage(lazy_value(&b.img, "A\\B", "S", &v), "has size 12");
	put_le32(b.p + BASE + 32, raw);
	/* the second bin's header and cells, which the path never reaches */
	assert_true(find_record(&b, "vk", "Fill") < bin2);
	{
		uint32_t was = get_le32(b.p + bin2 + 32);

		memcpy(b.p + bin2, "hbix", 4);
		put_le32(b.p + bin2 + 32, 0);
		expect_damage(regf_get_value(&b.img, "A\\B", "S", &v),
		    "no hbin signature");
		assert_int_equal(lazy_value(&b.img, "A\\B", "S", &v), 1);
		regval_free(&v);
		assert_int_equal(lazy_key(&b.img, "A\\日本"), 1);
		memcpy(b.p + bin2, "hbin", 4);
		put_le32(b.p + bin2 + 32, was);
	}
	/* a bin past the end of a file shorter than its base block says */
	b.img.len = bin2;
	assert_int_equal(lazy_key(&b.img, "A\\B"), 1);
	b.img.len = b.len;

	/* a forged hbin at a page boundary inside a three-page bin */
	bin = add_bin(&b, 3 * 4096);
	d = put_cell(&b, bin, &pos, 3 * 4096 - 64, &off);
	memset(d, 'x', 3 * 4096 - 64);
	d = b.p + BASE + bin + 4096;
	memcpy(d, "hbin", 4);
	put_le32(d + 4, bin + 4096);
	put_le32(d + 8, 4096);
	put_le32(d + 32, 0x7ffffff8);
	/* the root's value list pointed into each page of the bin */
	for (uint32_t at = bin; at < bin + 3 * 4096; at += 8) {
		size_t r = BASE + get_le32(b.p + 36) + 4;
		uint32_t was = get_le32(b.p + r + 40), cnt = get_le32(b.p + r +
		    36);
		int k;

		put_le32(b.p + r + 40, at);
		put_le32(b.p + r + 36, 1);
		k = lazy_value(&b.img, "", "x", &v);
		assert_true(k >= -1 && k <= 1);
		if (k == 1)
			regval_free(&v);
		put_le32(b.p + r + 40, was);
		put_le32(b.p + r + 36, cnt);
	}
	assert_int_equal(lazy_key(&b.img, "A\\B"), 1);
	done(&b);
}

/*
 * Windows compares an lh hash before a name: a key whose hash is wrong is
 * not there for it, and the lazy reader, which reads no key node whose
 * hash rules it out, agrees.  The whole-image reader calls it damage.
 */
static void
test_regfread__lazy_hash_hides(void **state)
{
	struct built b;
	struct hive *h = start(&b);
	size_t c;
	uint32_t list;
	unsigned char *l;
	struct lazy lz;
	uint64_t bytes, bins;

	(void)state;
	for (unsigned i = 0; i < 300; i++) {
		char key[32];

		snprintf(key, sizeof(key), "Many\\Sub%04u", i);
		assert_int_equal(hive_mkkey(h, key), 0);
	}
	finish(&b, h);
	c = find_record(&b, "nk", "Many");
	list = get_le32(b.p + c + 4 + 28);
	l = b.p + BASE + list + 4;
	assert_memory_equal(l, "lh", 2);
	/* one lookup reads one key node, not the 300 before it */
	assert_non_null(lazy_open(&lz, &b.img));
	assert_int_equal(regf_rd_key(lz.rd, "Many\\Sub0299"), 1);
	assert_int_equal(regf_rd_key(lz.rd, "many\\sub0299"), 1);
	assert_int_equal(regf_rd_key(lz.rd, "Many\\Sub0300"), 0);
	regf_rd_stats(lz.rd, &bytes, &bins);
	regf_close(lz.rd);
	assert_true(bytes < b.len);
	l[4 + 8 * 299 + 4] ^= 1;
	expect_damage(regf_key_exists(&b.img, "Many\\Sub0299"), "wrong hash");
	assert_int_equal(lazy_key(&b.img, "Many\\Sub0299"), 0);
	assert_int_equal(lazy_key(&b.img, "Many\\Sub0298"), 1);
	done(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_regfread__values_agree_with_hivex),
		cmocka_unit_test(test_regfread__many_subkeys_and_index_root),
		cmocka_unit_test(test_regfread__big_data),
		cmocka_unit_test(test_regfread__generated_image_agrees),
		cmocka_unit_test(test_regfread__base_block_damage),
		cmocka_unit_test(test_regfread__bin_damage),
		cmocka_unit_test(test_regfread__cell_damage),
		cmocka_unit_test(test_regfread__damage_anywhere_is_contained),
		cmocka_unit_test(test_regfread__lazy_reads_only_the_path),
		cmocka_unit_test(test_regfread__lazy_damage),
		cmocka_unit_test(test_regfread__lazy_hash_hides),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
