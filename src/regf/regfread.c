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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regf/regf.h"
#include "regf/regfread.h"
#include "regf/regfsrc.h"
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
#define damaged(...) tlsh_seterrc(TLSH_E_HIVE_DAMAGED, __VA_ARGS__)
#define FO(off) ((unsigned long long)BASE + (off))

/*
 * One call's view: the base block's fields and where each bin starts, or
 * (lazy) the bins read so far from a source.
 */
struct rd {
	const unsigned char *p;
	uint32_t bins, minor, root;
	uint32_t *bin;		/* bin offsets relative to BASE, ascending */
	size_t nbin;
	struct regfsrc *src;	/* lazy: bins on demand, p is the base block */
	struct strmap *keys;	/* lazy: folded key path -> nk offset */
	unsigned char base[BASE];
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
read_base(const struct regf_img *img, struct rd *rd, int lazy)
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
	if (!lazy && (uint64_t)BASE + rd->bins > img->len) {
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
	if (read_base(img, rd, 0) == -1 || read_bins(rd, keep) == -1) {
		free(rd->bin);
		rd->bin = NULL;
		return -1;
	}
	return 0;
}

/*
 * The bytes of the bin holding off, which lies inside the hive bins, from
 * its header on; NULL (message set) when a lazy read fails.
 */
static const unsigned char *
bin_of(const struct rd *rd, uint32_t off, uint32_t *start, uint32_t *end)
{
	size_t lo = 0, hi = rd->nbin;

	if (rd->src)
		return regfsrc_bin(rd->src, off, start, end);

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (rd->bin[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	*start = rd->bin[lo];
	*end = lo + 1 < rd->nbin ? rd->bin[lo + 1] : rd->bins;
	return rd->p + BASE + *start;
}

/*
 * The size of the cell at pos in the bin from start to end, whose bytes
 * are at bin; 0 if it is bad.
 */
static uint32_t
cell_size(const unsigned char *bin, uint32_t start, uint32_t pos,
    uint32_t end)
{
	uint32_t raw = get_le32(bin + (pos - start));
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
	const unsigned char *bin;

	if (off == NIL) {
		damaged("%s is missing (offset 0xffffffff)", what);
		return NULL;
	}
	if (off >= rd->bins || off % 8 != 0) {
		damaged("%s offset 0x%x does not point to a cell in the hive "
		    "bins", what, off);
		return NULL;
	}
	if ((bin = bin_of(rd, off, &start, &end)) == NULL)
		return NULL;
	for (pos = start + BIN_HDR; pos < off; pos += sz)
		if ((sz = cell_size(bin, start, pos, end)) == 0)
			return NULL;
	if (pos != off) {
		damaged("%s at 0x%llx is not the start of a cell", what,
		    FO(off));
		return NULL;
	}
	if ((sz = cell_size(bin, start, off, end)) == 0)
		return NULL;
	if (!(get_le32(bin + (off - start)) & CELL_USED)) {
		damaged("%s at 0x%llx is a free cell", what, FO(off));
		return NULL;
	}
	*size = sz - 4;
	return bin + (off - start) + 4;
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

/*
 * Whether an lh hash or lf hint rules out the wanted name before its key
 * node is read, as Windows compares them (a key whose hint is wrong is
 * not found there either).  Only an ASCII name can be hashed here: upper
 * case beyond ASCII needs Windows' own table.
 */
static int
hint_differs(int kind, const unsigned char *hint, const struct want *w)
{
	uint32_t h = 0;

	for (size_t i = 0; i < w->len; i++) {
		unsigned char c = (unsigned char)w->name[i];

		if (c >= 0x80)
			return 0;
		h = 37 * h + (uint32_t)upper(c);
	}
	if (kind == 'h')
		return h != get_le32(hint);
	for (size_t i = 0; i < 4 && i < w->len; i++)
		if (fold(hint[i]) != fold((unsigned char)w->name[i]))
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

		if (rd->src && es == 8 && hint_differs(l[1], e + 4, w))
			continue;
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

/*
 * A stored name as UTF-8: Latin-1 (a compressed name) or UTF-16LE, as
 * hivex converts them.  NULL if it does not convert (a lone surrogate).
 */
static char *
name_utf8(const unsigned char *s, size_t n, int latin1)
{
	size_t j = 0, ulen;
	char *o;

	if (!latin1)
		return regval_recode("UTF-8", "UTF-16LE", (const char *)s, n,
		    &ulen);
	o = xmalloc(2 * n + 1);
	for (size_t i = 0; i < n; i++) {
		if (s[i] < 0x80) {
			o[j++] = (char)s[i];
			continue;
		}
		o[j++] = (char)(0xc0 | s[i] >> 6);
		o[j++] = (char)(0x80 | (s[i] & 0x3f));
	}
	o[j] = '\0';
	return o;
}

static char *
key_name(const unsigned char *nk, uint32_t off)
{
	char *n = name_utf8(nk + NK_MIN, get_le16(nk + 72),
	    (get_le16(nk + 2) & KEY_COMP_NAME) != 0);

	if (n == NULL)
		damaged("key node at 0x%llx has a name that is not UTF-16",
		    FO(off));
	return n;
}

/*
 * Backslash-separated, empty components skipped, as hive.c reads paths.
 * With spelt, the path as the hive spells it is appended there.  A lazy
 * reader remembers every key it found by its folded path: the plan asks
 * for the same keys under each control set again and again.
 */
static int
find_key_as(const struct rd *rd, const char *key, uint32_t *koff,
    const unsigned char **nkp, struct strbuf *spelt)
{
	uint32_t off = rd->root;
	const unsigned char *nk;
	char *path = rd->keys && !spelt ? xmalloc(strlen(key) + 1) : NULL;
	size_t plen = 0;
	int r = -1;

	if ((nk = key_node(rd, off)) == NULL)
		goto out;
	for (const char *s = key;;) {
		struct want w;
		size_t cached;

		while (*s == '\\')
			s++;
		if (*s == '\0')
			break;
		w.name = s;
		w.len = strcspn(s, "\\");
		s += w.len;
		if (path) {
			if (plen)
				path[plen++] = '\\';
			memcpy(path + plen, w.name, w.len);
			path[plen + w.len] = '\0';
			str_fold(path + plen);
			plen += w.len;
			if (sm_get(rd->keys, path, &cached)) {
				off = (uint32_t)cached;
				nk = NULL;
				continue;
			}
		}
		if (nk == NULL && (nk = key_node(rd, off)) == NULL)
			goto out;
		if ((r = subkey(rd, off, nk, &w, &off)) != 1)
			goto out;
		r = -1;
		if ((nk = key_node(rd, off)) == NULL)
			goto out;
		if (spelt) {
			char *n = key_name(nk, off);

			if (n == NULL)
				goto out;
			sb_add(spelt, "%s%s", spelt->len ? "\\" : "", n);
			free(n);
		}
		if (path)
			sm_put(rd->keys, path, off);
	}
	if (nk == NULL && (nk = key_node(rd, off)) == NULL)
		goto out;
	*koff = off;
	*nkp = nk;
	r = 1;
out:
	free(path);
	return r;
}

static int
find_key(const struct rd *rd, const char *key, uint32_t *koff,
    const unsigned char **nkp)
{
	return find_key_as(rd, key, koff, nkp, NULL);
}

static const unsigned char *
value_key(const struct rd *rd, uint32_t off)
{
	const unsigned char *vk;
	uint32_t vsize, nlen;

	if ((vk = cell(rd, off, &vsize, "value")) == NULL)
		return NULL;
	if (vsize < VK_MIN || memcmp(vk, "vk", 2) != 0) {
		damaged("value at 0x%llx has no vk record", FO(off));
		return NULL;
	}
	nlen = get_le16(vk + 2);
	if (VK_MIN + nlen > vsize) {
		damaged("name of the value at 0x%llx runs past its cell",
		    FO(off));
		return NULL;
	}
	if (!(get_le16(vk + 16) & VALUE_COMP_NAME) && nlen % 2 != 0) {
		damaged("value at 0x%llx has a UTF-16 name of odd length",
		    FO(off));
		return NULL;
	}
	return vk;
}

/* The value list of a key node: *count entries, or 0 (NULL list). */
static const unsigned char *
value_list(const struct rd *rd, uint32_t koff, const unsigned char *nk,
    uint32_t *count)
{
	uint32_t loff = get_le32(nk + 40), size;
	const unsigned char *list;

	if ((*count = get_le32(nk + 36)) == 0)
		return NULL;
	if ((list = cell(rd, loff, &size, "value list")) == NULL)
		return NULL;
	if ((uint64_t)*count * 4 > size) {
		damaged("key node at 0x%llx counts %u values, its value list "
		    "at 0x%llx holds %u", FO(koff), *count, FO(loff), size / 4);
		return NULL;
	}
	return list;
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
		uint32_t off = get_le32(list + 4 * i), nlen;
		const unsigned char *vk;
		int latin1;

		if ((vk = value_key(rd, off)) == NULL)
			return -1;
		nlen = get_le16(vk + 2);
		latin1 = (get_le16(vk + 16) & VALUE_COMP_NAME) != 0;
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
	uint32_t raw = get_le32(vk + 4), len = raw & ~DATA_INLINE, size, doff;
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
	} else if (rd->src && len > 0) {
		/*
		 * Lazily, the data reads as hivex reads it: the cell's own
		 * bytes when they hold it (hivex writes big values so,
		 * whatever the version), else big data (db).
		 */
		doff = get_le32(vk + 8);
		if ((d = cell(rd, doff, &size, "value data")) == NULL)
			return -1;
		if (len > size && (size < 8 || memcmp(d, "db", 2) != 0)) {
			damaged("value at 0x%llx has %u bytes of data, its "
			    "data cell at 0x%llx holds %u", FO(voff), len,
			    FO(doff), size);
			return -1;
		}
		if (len > size && (data = big_data(rd, voff, doff, len)) ==
		    NULL)
			return -1;
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
	struct regf_mem mem;
};

struct regf_rd *
regf_open_src(const struct regf_src *src, int flags)
{
	struct regf_rd *r = xcalloc(1, sizeof(*r));
	struct regf_img img = { r->rd.base, BASE };

	if (flags & REGF_LAZY) {
		if (src->size < BASE) {
			damaged("%llu bytes, shorter than a base block",
			    (unsigned long long)src->size);
			free(r);
			return NULL;
		}
		if (src->read(src->ctx, r->rd.base, BASE, 0) == -1 ||
		    read_base(&img, &r->rd, 1) == -1) {
			free(r);
			return NULL;
		}
		r->rd.p = r->rd.base;
		r->rd.src = regfsrc_new(src, r->rd.bins);
		r->rd.keys = sm_new();
		return r;
	}
	/* contiguous: the strict checks of the commit's verify */
	r->mem.len = (size_t)src->size;
	r->mem.p = xmalloc(r->mem.len ? r->mem.len : 1);
	if (src->read(src->ctx, (unsigned char *)r->mem.p, r->mem.len, 0) ==
	    -1) {
		free((void *)r->mem.p);
		free(r);
		return NULL;
	}
	img.p = r->mem.p;
	img.len = r->mem.len;
	if (rd_open(&img, &r->rd, 1) == -1) {
		free((void *)r->mem.p);
		free(r);
		return NULL;
	}
	return r;
}

void
regf_rd_stats(const struct regf_rd *r, uint64_t *bytes, uint64_t *bins)
{
	*bytes = *bins = 0;
	if (r->rd.src)
		regfsrc_stats(r->rd.src, bytes, bins);
}

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

	if (read_base(img, &r->rd, 0) == -1) {
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
	regfsrc_free(r->rd.src);
	sm_free(r->rd.keys);
	free((void *)r->mem.p);
	free(r);
}

int
regf_rd_bin_at(struct regf_rd *r, uint64_t off)
{
	const struct rd *rd = &r->rd;
	uint32_t start, end, pos, sz;
	const unsigned char *bin;

	if (off < BASE || off - BASE >= rd->bins) {
		damaged("offset 0x%llx is not inside the hive bins",
		    (unsigned long long)off);
		return -1;
	}
	if ((bin = bin_of(rd, (uint32_t)(off - BASE), &start, &end)) == NULL)
		return -1;
	/* Each size is checked against the bin's end: the walk ends there. */
	for (pos = start + BIN_HDR; pos < end; pos += sz)
		if ((sz = cell_size(bin, start, pos, end)) == 0)
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

char *
regf_rd_value_name(struct regf_rd *r, const char *key, const char *name)
{
	const unsigned char *nk, *vk;
	uint32_t koff, voff;

	if (find_key(&r->rd, key, &koff, &nk) != 1 ||
	    find_value(&r->rd, koff, nk, name, &voff, &vk) != 1)
		return NULL;
	return name_utf8(vk + VK_MIN, get_le16(vk + 2),
	    (get_le16(vk + 16) & VALUE_COMP_NAME) != 0);
}

/*
 * Every entry of a key's subkey lists, in list order (an ri's lists one
 * after the other), as hivex lists children: *offs (caller frees).
 */
static int
subkey_offsets(const struct rd *rd, uint32_t koff, const unsigned char *nk,
    uint32_t **offs, size_t *n)
{
	uint32_t count = get_le32(nk + 20), loff = get_le32(nk + 28), size;
	const unsigned char *l;
	uint32_t nleaf;
	int ri = 0;

	*offs = NULL;
	*n = 0;
	if (count == 0)
		return 0;
	if ((l = cell(rd, loff, &size, "subkey list")) == NULL)
		return -1;
	if (size >= 4 && memcmp(l, "ri", 2) == 0) {
		ri = 1;
		nleaf = get_le16(l + 2);
		if (4 + (uint64_t)nleaf * 4 > size) {
			damaged("index root at 0x%llx counts %u lists, more "
			    "than its cell holds", FO(loff), nleaf);
			return -1;
		}
	} else if (size >= 4 && is_leaf(l)) {
		nleaf = 1;
	} else {
		damaged("subkey list at 0x%llx is not an li, lf, lh or ri list",
		    FO(loff));
		return -1;
	}
	/* count bounds the array: more entries than it is damage anyway */
	*offs = xcalloc(count, sizeof(**offs));
	for (uint32_t i = 0; i < nleaf; i++) {
		uint32_t off, sz, k, es;
		const unsigned char *leaf;

		if (ri) {
			off = get_le32(l + 4 + 4 * i);
			if ((leaf = cell(rd, off, &sz, "subkey list")) == NULL)
				goto fail;
			if (sz < 4 || !is_leaf(leaf)) {
				damaged("index root at 0x%llx points to "
				    "0x%llx, not to an li, lf or lh list",
				    FO(loff), FO(off));
				goto fail;
			}
		} else {
			off = loff;
			leaf = l;
			sz = size;
		}
		k = get_le16(leaf + 2);
		es = leaf[1] == 'i' ? 4 : 8;
		if (4 + (uint64_t)k * es > sz) {
			damaged("subkey list at 0x%llx counts %u entries, more "
			    "than its cell holds", FO(off), k);
			goto fail;
		}
		if (k > count - *n) {
			damaged("key node at 0x%llx counts %u subkeys, its "
			    "lists hold more", FO(koff), count);
			goto fail;
		}
		for (uint32_t j = 0; j < k; j++)
			(*offs)[(*n)++] = get_le32(leaf + 4 + j * es);
	}
	if (*n != count) {
		damaged("key node at 0x%llx counts %u subkeys, its lists hold "
		    "%zu", FO(koff), count, *n);
		goto fail;
	}
	return 0;
fail:
	free(*offs);
	*offs = NULL;
	return -1;
}

int
regf_rd_subkeys(struct regf_rd *r, const char *key, regf_subkey_fn fn,
    void *ctx)
{
	const unsigned char *nk;
	uint32_t koff, *offs;
	size_t n;
	int k;

	if ((k = find_key(&r->rd, key, &koff, &nk)) != 1)
		return k;
	if (subkey_offsets(&r->rd, koff, nk, &offs, &n) == -1)
		return -1;
	k = 1;
	for (size_t i = 0; i < n && k == 1; i++) {
		const unsigned char *sub = key_node(&r->rd, offs[i]);
		char *name = sub ? key_name(sub, offs[i]) : NULL;

		if (name == NULL)
			k = -1;
		else if (fn(ctx, name, offs[i]) != 0)
			k = -1;
		free(name);
	}
	free(offs);
	return k;
}

int
regf_rd_value_at(struct regf_rd *r, uint32_t key, const char *name,
    struct regval *out)
{
	const unsigned char *nk, *vk;
	uint32_t voff;
	int k;

	if ((nk = key_node(&r->rd, key)) == NULL)
		return -1;
	if ((k = find_value(&r->rd, key, nk, name, &voff, &vk)) == 1)
		k = value_data(&r->rd, voff, vk, out);
	return k;
}

/*
 * A hive is a tree: a key reached twice (a subkey list naming an ancestor,
 * or one key in two lists) is a corrupt or hostile hive, and walking it
 * would loop, or take time and memory exponential in its depth.  Windows
 * nests keys 512 deep at most.
 */
struct walk {
	const struct rd *rd;
	struct strmap *seen;
	int depth;
	regf_walk_fn fn;
	void *ctx;
};

static int
walk_key(struct walk *ws, uint32_t off, const unsigned char *nk,
    const char *path)
{
	const unsigned char *list;
	uint32_t count, *offs;
	size_t n;
	int r = 0;
	char id[16];

	snprintf(id, sizeof(id), "%x", off);
	if (sm_get(ws->seen, id, NULL) || ws->depth > 512) {
		damaged("%s: %s", path, ws->depth > 512 ? "keys nested deeper "
		    "than the 512 levels Windows allows: a corrupt hive" :
		    "a key that appears twice in the tree (a loop or a shared "
		    "subkey): a corrupt hive");
		return -1;
	}
	sm_put(ws->seen, id, 0);
	if ((r = ws->fn(ws->ctx, path, NULL, NULL)) != 0)
		return r;
	list = value_list(ws->rd, off, nk, &count);
	if (list == NULL && count != 0)
		return -1;
	for (uint32_t i = 0; i < count && r == 0; i++) {
		uint32_t voff = get_le32(list + 4 * i);
		const unsigned char *vk = value_key(ws->rd, voff);
		struct regval v;
		char *name;

		if (vk == NULL || (name = name_utf8(vk + VK_MIN,
		    get_le16(vk + 2), (get_le16(vk + 16) & VALUE_COMP_NAME) !=
		    0)) == NULL) {
			if (vk != NULL)
				damaged("value at 0x%llx has a name that is "
				    "not UTF-16", FO(voff));
			return -1;
		}
		if (value_data(ws->rd, voff, vk, &v) == -1) {
			free(name);
			return -1;
		}
		r = ws->fn(ws->ctx, path, name, &v);
		regval_free(&v);
		free(name);
	}
	if (r != 0)
		return r;
	if (subkey_offsets(ws->rd, off, nk, &offs, &n) == -1)
		return -1;
	for (size_t i = 0; i < n && r == 0; i++) {
		const unsigned char *sub = key_node(ws->rd, offs[i]);
		char *name = sub ? key_name(sub, offs[i]) : NULL, *p;

		if (name == NULL) {
			r = -1;
			break;
		}
		p = *path ? xasprintf("%s\\%s", path, name) : xstrdup(name);
		ws->depth++;
		r = walk_key(ws, offs[i], sub, p);
		ws->depth--;
		free(p);
		free(name);
	}
	free(offs);
	return r;
}

int
regf_rd_walk(struct regf_rd *r, const char *key, regf_walk_fn fn, void *ctx)
{
	struct walk ws = { &r->rd, NULL, 0, fn, ctx };
	struct strbuf spelt = { 0 };
	const unsigned char *nk;
	uint32_t koff;
	char *path;
	int k;

	if ((k = find_key_as(&r->rd, key, &koff, &nk, &spelt)) != 1) {
		free(spelt.s);
		if (k == 0)
			tlsh_seterr("no key %s", key);
		return -1;
	}
	path = spelt.s ? sb_take(&spelt) : xstrdup("");
	ws.seen = sm_new();
	k = walk_key(&ws, koff, nk, path);
	sm_free(ws.seen);
	free(path);
	return k;
}
