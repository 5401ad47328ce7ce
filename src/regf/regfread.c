/*
 * Reading a hive image without hivex, from Maxim Suhanov's "Windows
 * registry file format specification" (format of primary files).  The
 * image hivex wrote is read back by this second, independent reader before
 * it replaces a hive, so a bug shared by hivex's writer and reader cannot
 * vouch for itself.  Every offset comes from the image and is checked
 * before it is followed; nothing here trusts a count or a size.  Offsets
 * in messages are file offsets, as a hex editor shows them.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "regf/regf.h"
#include "regf/regfread.h"
#include "regval.h"
#include "tlshive.h"

#define BASE 4096		/* the base block; hive bins follow it */
#define BIN_HDR 32
#define NIL 0xffffffffu		/* an offset that points nowhere */
#define SEG_MAX 16344		/* bytes in one big-data segment */
#define NK_MIN 76		/* key node up to its name */
#define VK_MIN 20		/* key value up to its name */
#define KEY_COMP_NAME 0x0020
#define VALUE_COMP_NAME 0x0001
#define DATA_INLINE 0x80000000u
#define CELL_USED 0x80000000u	/* a negative size: allocated */

/* The caller puts the file name in front. */
#define damaged(...) tlsh_seterr(__VA_ARGS__)
#define FO(off) ((unsigned long long)BASE + (off))

/* One call's view: the base block's fields and where each bin starts. */
struct rd {
	const unsigned char *p;
	uint32_t bins, minor, root;
	uint32_t *bin;		/* bin offsets relative to BASE, ascending */
	size_t nbin;
};

/* A path component, pointing into the caller's key string. */
struct want {
	const char *name;
	size_t len;
};

static int
fold(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
read_base(const struct regf_img *img, struct rd *rd)
{
	const unsigned char *b = img->p;
	uint32_t sum, major;

	if (b == NULL || img->len < BASE) {
		damaged("%zu bytes, shorter than a base block", b ? img->len :
		    0);
		return -1;
	}
	if (memcmp(b, "regf", 4) != 0) {
		damaged("no regf signature");
		return -1;
	}
	if ((sum = regf_checksum(b)) != get_le32(b + 508)) {
		damaged("base block checksum is 0x%08x, its contents give "
		    "0x%08x", get_le32(b + 508), sum);
		return -1;
	}
	if (get_le32(b + 28) != 0) {
		damaged("file type %u, not a primary file", get_le32(b + 28));
		return -1;
	}
	/* 1.1 and 1.2 lay out cells differently; 1.6 is the newest known. */
	major = get_le32(b + 20);
	rd->minor = get_le32(b + 24);
	if (major != 1 || rd->minor < 3 || rd->minor > 6) {
		damaged("format version %u.%u, not 1.3 to 1.6", major,
		    rd->minor);
		return -1;
	}
	rd->bins = get_le32(b + 40);
	if (rd->bins % BASE != 0) {
		damaged("hive bins size %u is not a multiple of 4096",
		    rd->bins);
		return -1;
	}
	if ((uint64_t)BASE + rd->bins > img->len) {
		damaged("truncated: the base block counts %u bytes of hive "
		    "bins, the image holds %zu after it", rd->bins,
		    img->len - BASE);
		return -1;
	}
	rd->root = get_le32(b + 36);
	if (rd->root >= rd->bins) {
		damaged("root cell offset 0x%x lies outside the hive bins",
		    rd->root);
		return -1;
	}
	rd->p = b;
	return 0;
}

/* The header of the bin at pos (relative to BASE) in bins bytes of bins. */
static int
bin_header(uint32_t bins, uint32_t pos, const unsigned char *h, size_t len,
    uint32_t *size)
{
	if (len < BIN_HDR || memcmp(h, "hbin", 4) != 0) {
		damaged("no hbin signature at 0x%llx", FO(pos));
		return -1;
	}
	*size = get_le32(h + 8);
	if (get_le32(h + 4) != pos) {
		damaged("hive bin at 0x%llx gives its offset as 0x%x, not 0x%x",
		    FO(pos), get_le32(h + 4), pos);
		return -1;
	}
	if (*size == 0 || *size % BASE != 0) {
		damaged("hive bin at 0x%llx has size %u, not a multiple of "
		    "4096", FO(pos), *size);
		return -1;
	}
	if (*size > bins - pos) {
		damaged("hive bin at 0x%llx runs %u bytes past the end of the "
		    "hive bins", FO(pos), *size - (bins - pos));
		return -1;
	}
	return 0;
}

/* The bin chain; with keep, where each bin starts, for bin_of. */
static int
read_bins(struct rd *rd, int keep)
{
	uint32_t pos = 0, size;

	if (keep)
		rd->bin = xmalloc((rd->bins / BASE) * sizeof(*rd->bin));
	/* Sizes are non-zero multiples of 4096, so the walk ends. */
	while (pos < rd->bins) {
		if (bin_header(rd->bins, pos, rd->p + BASE + pos, BIN_HDR,
		    &size) == -1)
			return -1;
		if (keep)
			rd->bin[rd->nbin++] = pos;
		pos += size;
	}
	return 0;
}

static int
rd_open(const struct regf_img *img, struct rd *rd, int keep)
{
	memset(rd, 0, sizeof(*rd));
	if (read_base(img, rd) == -1 || read_bins(rd, keep) == -1) {
		free(rd->bin);
		rd->bin = NULL;
		return -1;
	}
	return 0;
}

/* The bin holding off, which lies inside the hive bins. */
static void
bin_of(const struct rd *rd, uint32_t off, uint32_t *start, uint32_t *end)
{
	size_t lo = 0, hi = rd->nbin;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (rd->bin[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	*start = rd->bin[lo];
	*end = lo + 1 < rd->nbin ? rd->bin[lo + 1] : rd->bins;
}

/* The size of the cell at pos in a bin ending at end; 0 if it is bad. */
static uint32_t
cell_size(const struct rd *rd, uint32_t pos, uint32_t end)
{
	uint32_t raw = get_le32(rd->p + BASE + pos);
	uint32_t size = raw & CELL_USED ? -raw : raw;

	if (size == 0 || size % 8 != 0) {
		damaged("cell at 0x%llx has size %d, not a non-zero multiple "
		    "of 8", FO(pos), (int)(int32_t)raw);
		return 0;
	}
	if (size > end - pos) {
		damaged("cell at 0x%llx runs past the end of its bin",
		    FO(pos));
		return 0;
	}
	return size;
}

/*
 * The data of the allocated cell at off, *size its bytes after the size
 * field.  The cells before it in its bin are walked: off must be where a
 * cell starts, not merely somewhere in the hive bins.
 */
static const unsigned char *
cell(const struct rd *rd, uint32_t off, uint32_t *size, const char *what)
{
	uint32_t start, end, pos, sz = 0;

	if (off == NIL) {
		damaged("%s is missing (offset 0xffffffff)", what);
		return NULL;
	}
	if (off >= rd->bins || off % 8 != 0) {
		damaged("%s offset 0x%x does not point to a cell in the hive "
		    "bins", what, off);
		return NULL;
	}
	bin_of(rd, off, &start, &end);
	for (pos = start + BIN_HDR; pos < off; pos += sz)
		if ((sz = cell_size(rd, pos, end)) == 0)
			return NULL;
	if (pos != off) {
		damaged("%s at 0x%llx is not the start of a cell", what,
		    FO(off));
		return NULL;
	}
	if ((sz = cell_size(rd, off, end)) == 0)
		return NULL;
	if (!(get_le32(rd->p + BASE + off) & CELL_USED)) {
		damaged("%s at 0x%llx is a free cell", what, FO(off));
		return NULL;
	}
	*size = sz - 4;
	return rd->p + BASE + off + 4;
}

static const unsigned char *
key_node(const struct rd *rd, uint32_t off)
{
	const unsigned char *nk;
	uint32_t size;

	if ((nk = cell(rd, off, &size, "key node")) == NULL)
		return NULL;
	if (size < NK_MIN || memcmp(nk, "nk", 2) != 0) {
		damaged("key node at 0x%llx has no nk record", FO(off));
		return NULL;
	}
	if (NK_MIN + (uint32_t)get_le16(nk + 72) > size) {
		damaged("name of the key node at 0x%llx runs past its cell",
		    FO(off));
		return NULL;
	}
	if (!(get_le16(nk + 2) & KEY_COMP_NAME) && get_le16(nk + 72) % 2 != 0) {
		damaged("key node at 0x%llx has a UTF-16 name of odd length",
		    FO(off));
		return NULL;
	}
	return nk;
}

static int
fold_eq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fold((unsigned char)a[i]) != fold((unsigned char)b[i]))
			return 0;
	return 1;
}

/*
 * Whether a stored name is q (UTF-8, qlen bytes), ASCII letters folded.
 * Latin-1 names are matched byte by byte against q's UTF-8; UTF-16LE ones
 * go through iconv, and a name it cannot convert (a lone surrogate)
 * matches nothing, as with hivex.
 */
static int
name_is(const unsigned char *s, size_t n, int latin1, const char *q,
    size_t qlen)
{
	const unsigned char *u = (const unsigned char *)q;
	size_t j = 0, ulen;
	char *utf8;
	int r;

	if (latin1) {
		for (size_t i = 0; i < n; i++) {
			if (s[i] < 0x80) {
				if (j == qlen || fold(u[j]) != fold(s[i]))
					return 0;
				j++;
				continue;
			}
			if (qlen - j < 2 || u[j] != (0xc0 | s[i] >> 6) ||
			    u[j + 1] != (0x80 | (s[i] & 0x3f)))
				return 0;
			j += 2;
		}
		return j == qlen;
	}
	/* One UTF-16 unit makes 1 to 3 bytes of UTF-8: skip iconv early. */
	if (n / 2 > qlen || qlen > n / 2 * 3)
		return 0;
	if ((utf8 = regval_recode("UTF-8", "UTF-16LE", (const char *)s, n,
	    &ulen)) == NULL)
		return 0;
	r = ulen == qlen && fold_eq(utf8, q, qlen);
	free(utf8);
	return r;
}

static int
upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

/*
 * Whether the lf name hint or lh hash of a list entry fails its key's name.
 * Windows compares these before the name and passes over an entry whose
 * hint differs, so a wrong one hides the key.  Upper case beyond ASCII
 * needs Windows' own table, so only ASCII names are checked.
 */
static int
hint_wrong(int kind, const unsigned char *hint, const unsigned char *s,
    size_t n, int latin1)
{
	size_t step = latin1 ? 1 : 2, nch = n / step;
	uint32_t h = 0;

	for (size_t i = 0; i < nch; i++) {
		if (s[i * step] >= 0x80 || (!latin1 && s[i * step + 1] != 0))
			return 0;
		h = 37 * h + (uint32_t)upper(s[i * step]);
	}
	if (kind == 'h')
		return h != get_le32(hint);
	for (size_t i = 0; i < 4 && i < nch; i++)
		if (fold(hint[i]) != fold(s[i * step]))
			return 1;
	return 0;
}

static int
is_leaf(const unsigned char *l)
{
	return l[0] == 'l' && (l[1] == 'i' || l[1] == 'f' || l[1] == 'h');
}

/* One li, lf or lh list; *seen counts its entries for the caller. */
static int
scan_leaf(const struct rd *rd, uint32_t off, const unsigned char *l,
    uint32_t size, const struct want *w, uint64_t *seen, uint32_t *found)
{
	uint32_t n = get_le16(l + 2), es = l[1] == 'i' ? 4 : 8;

	if (4 + (uint64_t)n * es > size) {
		damaged("subkey list at 0x%llx counts %u entries, more than "
		    "its cell holds", FO(off), n);
		return -1;
	}
	*seen += n;
	for (uint32_t i = 0; i < n; i++) {
		const unsigned char *e = l + 4 + i * es, *nk;
		uint32_t koff = get_le32(e);
		int latin1;

		if ((nk = key_node(rd, koff)) == NULL)
			return -1;
		latin1 = (get_le16(nk + 2) & KEY_COMP_NAME) != 0;
		if (!name_is(nk + NK_MIN, get_le16(nk + 72), latin1, w->name,
		    w->len))
			continue;
		if (es == 8 && hint_wrong(l[1], e + 4, nk + NK_MIN,
		    get_le16(nk + 72), latin1)) {
			damaged("subkey list at 0x%llx has the wrong %s for "
			    "key %.*s: Windows would not find it", FO(off),
			    l[1] == 'h' ? "hash" : "name hint", (int)w->len,
			    w->name);
			return -1;
		}
		*found = koff;
		return 1;
	}
	return 0;
}

/*
 * The subkey named w of the key node at koff.  Its list is an li, lf or
 * lh list, or an ri index root of such lists (never of another ri, so
 * there is no cycle to follow).  Keys are found by name, not by their
 * sorting: this checks the image, it does not trust it.
 */
static int
subkey(const struct rd *rd, uint32_t koff, const unsigned char *nk,
    const struct want *w, uint32_t *found)
{
	uint32_t count = get_le32(nk + 20), loff = get_le32(nk + 28), size;
	const unsigned char *l;
	uint64_t seen = 0;
	int r;

	if (count == 0)
		return 0;
	if ((l = cell(rd, loff, &size, "subkey list")) == NULL)
		return -1;
	if (size >= 4 && memcmp(l, "ri", 2) == 0) {
		uint32_t n = get_le16(l + 2);

		if (4 + (uint64_t)n * 4 > size) {
			damaged("index root at 0x%llx counts %u lists, more "
			    "than its cell holds", FO(loff), n);
			return -1;
		}
		for (uint32_t i = 0; i < n; i++) {
			uint32_t off = get_le32(l + 4 + 4 * i), sz;
			const unsigned char *leaf;

			if ((leaf = cell(rd, off, &sz, "subkey list")) == NULL)
				return -1;
			if (sz < 4 || !is_leaf(leaf)) {
				damaged("index root at 0x%llx points to "
				    "0x%llx, not to an li, lf or lh list",
				    FO(loff), FO(off));
				return -1;
			}
			if ((r = scan_leaf(rd, off, leaf, sz, w, &seen,
			    found)) != 0)
				return r;
		}
	} else if (size >= 4 && is_leaf(l)) {
		if ((r = scan_leaf(rd, loff, l, size, w, &seen, found)) != 0)
			return r;
	} else {
		damaged("subkey list at 0x%llx is not an li, lf, lh or ri list",
		    FO(loff));
		return -1;
	}
	if (seen != count) {
		damaged("key node at 0x%llx counts %u subkeys, its lists hold "
		    "%llu", FO(koff), count, (unsigned long long)seen);
		return -1;
	}
	return 0;
}

/* Backslash-separated, empty components skipped, as hive.c reads paths. */
static int
find_key(const struct rd *rd, const char *key, uint32_t *koff,
    const unsigned char **nkp)
{
	uint32_t off = rd->root;
	const unsigned char *nk;
	int r;

	if ((nk = key_node(rd, off)) == NULL)
		return -1;
	for (const char *s = key;;) {
		struct want w;

		while (*s == '\\')
			s++;
		if (*s == '\0')
			break;
		w.name = s;
		w.len = strcspn(s, "\\");
		s += w.len;
		if ((r = subkey(rd, off, nk, &w, &off)) != 1)
			return r;
		if ((nk = key_node(rd, off)) == NULL)
			return -1;
	}
	*koff = off;
	*nkp = nk;
	return 1;
}

static int
find_value(const struct rd *rd, uint32_t koff, const unsigned char *nk,
    const char *name, uint32_t *voff, const unsigned char **vkp)
{
	uint32_t count = get_le32(nk + 36), loff = get_le32(nk + 40), size;
	size_t qlen = strlen(name);
	const unsigned char *list;

	if (count == 0)
		return 0;
	if ((list = cell(rd, loff, &size, "value list")) == NULL)
		return -1;
	if ((uint64_t)count * 4 > size) {
		damaged("key node at 0x%llx counts %u values, its value list "
		    "at 0x%llx holds %u", FO(koff), count, FO(loff), size / 4);
		return -1;
	}
	for (uint32_t i = 0; i < count; i++) {
		uint32_t off = get_le32(list + 4 * i), vsize, nlen;
		const unsigned char *vk;
		int latin1;

		if ((vk = cell(rd, off, &vsize, "value")) == NULL)
			return -1;
		if (vsize < VK_MIN || memcmp(vk, "vk", 2) != 0) {
			damaged("value at 0x%llx has no vk record", FO(off));
			return -1;
		}
		nlen = get_le16(vk + 2);
		latin1 = (get_le16(vk + 16) & VALUE_COMP_NAME) != 0;
		if (VK_MIN + nlen > vsize) {
			damaged("name of the value at 0x%llx runs past its "
			    "cell", FO(off));
			return -1;
		}
		if (!latin1 && nlen % 2 != 0) {
			damaged("value at 0x%llx has a UTF-16 name of odd "
			    "length", FO(off));
			return -1;
		}
		if (nlen == 0 ? qlen == 0 : name_is(vk + VK_MIN, nlen, latin1,
		    name, qlen)) {
			*voff = off;
			*vkp = vk;
			return 1;
		}
	}
	return 0;
}

/*
 * Data past SEG_MAX bytes in a 1.4 or later hive: a db record, a list of
 * segments, each segment but the last SEG_MAX bytes.  Windows reads such a
 * value as big data whatever the cell holds, so a plain cell is damage.
 * All segments are checked before the data is allocated: a damaged length
 * could ask for a gigabyte.
 */
static unsigned char *
big_data(const struct rd *rd, uint32_t voff, uint32_t doff, uint32_t len)
{
	uint32_t size, lsize, n, need = (len + SEG_MAX - 1) / SEG_MAX, left;
	const unsigned char *db, *list, **seg;
	unsigned char *data;

	if ((db = cell(rd, doff, &size, "value data")) == NULL)
		return NULL;
	if (size < 8 || memcmp(db, "db", 2) != 0) {
		damaged("value at 0x%llx holds %u bytes in a plain cell; above "
		    "%d bytes a hive of version 1.4 or later needs big data "
		    "(db)", FO(voff), len, SEG_MAX);
		return NULL;
	}
	if ((n = get_le16(db + 2)) != need) {
		damaged("big data at 0x%llx has %u segments, its %u bytes "
		    "need %u", FO(doff), n, len, need);
		return NULL;
	}
	if ((list = cell(rd, get_le32(db + 4), &lsize,
	    "big data segment list")) == NULL)
		return NULL;
	if ((uint64_t)n * 4 > lsize) {
		damaged("big data at 0x%llx has %u segments, its segment list "
		    "holds %u", FO(doff), n, lsize / 4);
		return NULL;
	}
	seg = xcalloc(n, sizeof(*seg));
	left = len;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t soff = get_le32(list + 4 * i), ssize;
		uint32_t take = left < SEG_MAX ? left : SEG_MAX;

		if ((seg[i] = cell(rd, soff, &ssize, "big data segment")) ==
		    NULL) {
			free(seg);
			return NULL;
		}
		if (take > ssize) {
			damaged("big data segment at 0x%llx holds %u bytes, "
			    "not %u", FO(soff), ssize, take);
			free(seg);
			return NULL;
		}
		left -= take;
	}
	data = xmalloc(len);
	left = len;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t take = left < SEG_MAX ? left : SEG_MAX;

		memcpy(data + (len - left), seg[i], take);
		left -= take;
	}
	free(seg);
	return data;
}

static int
value_data(const struct rd *rd, uint32_t voff, const unsigned char *vk,
    struct regval *out)
{
	uint32_t raw = get_le32(vk + 4), len = raw & ~DATA_INLINE, size;
	const unsigned char *d = NULL;
	unsigned char *data = NULL;

	if (raw & DATA_INLINE) {
		/* Up to 4 bytes sit in the data offset field itself. */
		if (len > 4) {
			damaged("value at 0x%llx keeps %u bytes of data in "
			    "its 4-byte data offset field", FO(voff), len);
			return -1;
		}
		d = vk + 8;
	} else if (len > SEG_MAX && rd->minor >= 4) {
		if ((data = big_data(rd, voff, get_le32(vk + 8), len)) ==
		    NULL)
			return -1;
	} else if (len > 0) {
		if ((d = cell(rd, get_le32(vk + 8), &size, "value data")) ==
		    NULL)
			return -1;
		if (len > size) {
			damaged("value at 0x%llx has %u bytes of data, its "
			    "data cell at 0x%llx holds %u", FO(voff), len,
			    FO(get_le32(vk + 8)), size);
			return -1;
		}
	}
	if (data == NULL) {
		data = xmalloc(len);
		if (len > 0)
			memcpy(data, d, len);
	}
	out->type = get_le32(vk + 12);
	out->len = len;
	out->data = data;
	return 1;
}

struct regf_rd {
	struct rd rd;
};

struct regf_rd *
regf_open(const struct regf_img *img)
{
	struct regf_rd *r = xcalloc(1, sizeof(*r));

	if (rd_open(img, &r->rd, 1) == -1) {
		free(r);
		return NULL;
	}
	return r;
}

struct regf_chain {
	uint32_t bins, next;
	uint32_t *bin;
	size_t nbin;
};

struct regf_chain *
regf_chain_new(uint32_t bins)
{
	struct regf_chain *ch = xcalloc(1, sizeof(*ch));

	ch->bins = bins;
	ch->bin = xmalloc((bins / BASE + 1) * sizeof(*ch->bin));
	return ch;
}

int
regf_chain_page(struct regf_chain *ch, uint32_t off, const unsigned char *page,
    size_t len)
{
	uint32_t size;

	if (off != ch->next || off >= ch->bins || ch->bins % BASE != 0)
		return 0;
	if (bin_header(ch->bins, off, page, len, &size) == -1)
		return -1;
	ch->bin[ch->nbin++] = off;
	ch->next = off + size;
	return 0;
}

void
regf_chain_free(struct regf_chain *ch)
{
	if (ch == NULL)
		return;
	free(ch->bin);
	free(ch);
}

struct regf_rd *
regf_open_chain(const struct regf_img *img, struct regf_chain *ch)
{
	struct regf_rd *r = xcalloc(1, sizeof(*r));

	if (read_base(img, &r->rd) == -1) {
		free(r);
		return NULL;
	}
	if (r->rd.bins != ch->bins || ch->next != ch->bins) {
		/* the walk stopped short: the page after it never came */
		damaged("no hbin signature at 0x%llx", FO(ch->next));
		free(r);
		return NULL;
	}
	r->rd.bin = ch->bin;
	r->rd.nbin = ch->nbin;
	ch->bin = NULL;
	ch->nbin = 0;
	return r;
}

void
regf_close(struct regf_rd *r)
{
	if (r == NULL)
		return;
	free(r->rd.bin);
	free(r);
}

int
regf_rd_bin_at(struct regf_rd *r, uint64_t off)
{
	const struct rd *rd = &r->rd;
	uint32_t start, end, pos, sz;

	if (off < BASE || off - BASE >= rd->bins) {
		damaged("offset 0x%llx is not inside the hive bins",
		    (unsigned long long)off);
		return -1;
	}
	bin_of(rd, (uint32_t)(off - BASE), &start, &end);
	/* Each size is checked against the bin's end: the walk ends there. */
	for (pos = start + BIN_HDR; pos < end; pos += sz)
		if ((sz = cell_size(rd, pos, end)) == 0)
			return -1;
	return 0;
}

int
regf_rd_key(struct regf_rd *r, const char *key)
{
	const unsigned char *nk;
	uint32_t koff;

	return find_key(&r->rd, key, &koff, &nk);
}

int
regf_rd_value(struct regf_rd *r, const char *key, const char *name,
    struct regval *out)
{
	const unsigned char *nk, *vk;
	uint32_t koff, voff;
	int k;

	if ((k = find_key(&r->rd, key, &koff, &nk)) == 1 &&
	    (k = find_value(&r->rd, koff, nk, name, &voff, &vk)) == 1)
		k = value_data(&r->rd, voff, vk, out);
	return k;
}

int
regf_check(const struct regf_img *img)
{
	struct rd rd;

	return rd_open(img, &rd, 0);
}

int
regf_check_bin_at(const struct regf_img *img, uint64_t off)
{
	struct regf_rd *r = regf_open(img);
	int k;

	if (r == NULL)
		return -1;
	k = regf_rd_bin_at(r, off);
	regf_close(r);
	return k;
}

int
regf_key_exists(const struct regf_img *img, const char *key)
{
	struct regf_rd *r = regf_open(img);
	int k;

	if (r == NULL)
		return -1;
	k = regf_rd_key(r, key);
	regf_close(r);
	return k;
}

int
regf_get_value(const struct regf_img *img, const char *key, const char *name,
    struct regval *out)
{
	struct regf_rd *r = regf_open(img);
	int k;

	if (r == NULL)
		return -1;
	k = regf_rd_value(r, key, name, out);
	regf_close(r);
	return k;
}
