/*
 * Grows a regf hive by appending hive bins written straight from Maxim
 * Suhanov's "Windows registry file format specification", for hives far
 * larger than hivex can grow in reasonable time: hivex keeps the whole
 * hive in memory, searches a parent's list again for every key it adds
 * and rewrites that list each time.  Here the cells stream out in the
 * order they are made, a 16 MiB window of them in memory; the few fields
 * that are known only later (a key node's subkey and value lists) are
 * patched there, or with pwrite once the window has moved on.  The hive's
 * own bins are read whole and change only where keys gain subkeys.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "regf/regf.h"
#include "tlshive.h"
#include "regfgrow.h"

#define BASE 4096		/* cell offsets count from the first hive bin */
#define BIN_HDR 32
#define NK_FIXED 76		/* key node fields before the name */
#define VK_FIXED 20		/* value fields before the name */
#define NONE 0xffffffffU	/* an offset that points nowhere */
#define KEY_COMP_NAME 0x0020	/* key name stored as 8-bit characters */
#define VALUE_COMP_NAME 0x0001
#define DATA_INLINE 0x80000000U	/* data of 4 bytes or less in the offset */
/*
 * Windows keeps a leaf list within one 4 KiB bin: (4096 - bin header -
 * cell size - "lh" and count) / 8 bytes an entry, ReactOS's
 * CmpMaxFastIndexPerHblock; longer lists are cut into leaves under an
 * index root ("ri"), itself within one bin.
 */
#define LEAF_MAX ((4096 - BIN_HDR - 4 - 4) / 8)
#define ROOT_MAX ((4096 - BIN_HDR - 4 - 4) / 4 - 1)
/* Above this, data goes in a "db" list of segments, which this never writes. */
#define DATA_MAX 16344
#define WCAP (16u << 20)

struct child {
	uint32_t nk, hash;
	uint16_t *name;		/* UTF-16 code units, as the hive compares them */
	size_t len;
	struct gkey *open;	/* the child's key while it is open */
};

struct gkey {
	struct gkey *parent, *prev, *next;	/* open keys, oldest first */
	uint32_t nk, sk;
	uint64_t stamp;
	int had;		/* the hive had it: it only gains subkeys */
	uint32_t old_list, old_max;
	struct child *kids;
	size_t nkids, kcap, nold, open_kids;
	uint32_t *vals;
	size_t nvals, vcap;
	uint32_t max_name, max_vname, max_vdata;
};

struct grow {
	char *path, *tmp;
	int fd, flags;
	unsigned char base[BASE];
	unsigned char *old;	/* the hive's own bins, patched in place */
	uint32_t oldlen;
	unsigned char *w;	/* new bins from offset wbase on */
	uint32_t wbase, wlen;
	uint32_t bin, binend, pos;	/* the bin being filled */
	struct gkey *root, *first, *last;
	struct skref {
		uint32_t sk, refs;
	} *sks;			/* the security cells new keys point to */
	size_t nsks;
	uint64_t keys, values;
};

static uint32_t
align8(size_t n)
{
	return (uint32_t)((n + 7) & ~(size_t)7);
}

static void
put16(unsigned char *p, uint16_t v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8;
}

static uint16_t
upcase(uint16_t c)
{
	return c >= 'a' && c <= 'z' ? (uint16_t)(c - 'a' + 'A') : c;
}

/*
 * Subkeys sort by their names upcased, compared code unit by code unit;
 * only ASCII letters are upcased here, as hivex does, which is Windows'
 * order for the ASCII names this writes.
 */
static int
namecmp(const uint16_t *a, size_t alen, const uint16_t *b, size_t blen)
{
	for (size_t i = 0; i < alen && i < blen; i++)
		if (upcase(a[i]) != upcase(b[i]))
			return upcase(a[i]) < upcase(b[i]) ? -1 : 1;
	return alen < blen ? -1 : alen > blen;
}

static int
kidcmp(const void *x, const void *y)
{
	const struct child *a = x, *b = y;

	return namecmp(a->name, a->len, b->name, b->len);
}

/*
 * The hash an lh entry carries (the spec's "Hash leaf"): Windows, and
 * tlshive's own reader, compare it before the name and pass over an entry
 * whose hash differs.
 */
static uint32_t
namehash(const uint16_t *s, size_t n)
{
	uint32_t h = 0;

	for (size_t i = 0; i < n; i++)
		h = 37 * h + upcase(s[i]);
	return h;
}

static int
pwrite_all(int fd, const unsigned char *p, size_t n, off_t off)
{
	while (n > 0) {
		ssize_t w = pwrite(fd, p, n, off);

		if (w <= 0) {
			if (w == -1 && errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
		off += w;
	}
	return 0;
}

static int
ioerr(struct grow *g)
{
	tlsh_seterr("%s: %s", g->tmp, strerror(errno));
	return -1;
}

/* A new cell's data (past the size field); valid until the next cell. */
static unsigned char *
data(struct grow *g, uint32_t off)
{
	return g->w + (off - g->wbase) + 4;
}

/* Bytes at offset off of the bins while they are in memory, or NULL. */
static unsigned char *
at(struct grow *g, uint32_t off)
{
	if (off >= g->wbase && off < g->wbase + g->wlen)
		return g->w + (off - g->wbase);
	if (off < g->oldlen)
		return g->old + off;
	return NULL;
}

static int
patch(struct grow *g, uint32_t off, const unsigned char *p, size_t n)
{
	unsigned char *q = at(g, off);

	if (q != NULL) {
		memcpy(q, p, n);
		return 0;
	}
	return pwrite_all(g->fd, p, n, (off_t)BASE + off) == -1 ?
	    ioerr(g) : 0;
}

/* The rest of the bin being filled as one free cell (positive size). */
static void
end_bin(struct grow *g)
{
	if (g->pos < g->binend)
		put_le32(data(g, g->pos) - 4, g->binend - g->pos);
	g->pos = g->binend;
}

static int
flush(struct grow *g)
{
	if (g->wlen && pwrite_all(g->fd, g->w, g->wlen,
	    (off_t)BASE + g->wbase) == -1)
		return ioerr(g);
	g->wbase += g->wlen;
	g->wlen = 0;
	return 0;
}

/*
 * A cell of len bytes (its size field not counted), allocated, in a new
 * bin when the one being filled has no room: the bin's end stays free,
 * as hivex leaves it.  Its offset, or 0 on error.
 */
static uint32_t
cell(struct grow *g, size_t len)
{
	uint32_t size = align8(len + 4), off;

	if (g->pos + (uint64_t)size > g->binend) {
		uint32_t bsize = (uint32_t)(size + BIN_HDR + 4095) & ~4095u;
		unsigned char *b;

		if ((uint64_t)g->binend + bsize > 0x7fff0000u) {
			tlsh_seterr("%s: the hive would pass 2 GiB", g->path);
			return 0;
		}
		end_bin(g);
		if (g->wlen + bsize > WCAP && flush(g) == -1)
			return 0;
		g->bin = g->wbase + g->wlen;
		b = g->w + g->wlen;
		memset(b, 0, bsize);
		memcpy(b, "hbin", 4);
		put_le32(b + 4, g->bin);
		put_le32(b + 8, bsize);
		g->wlen += bsize;
		g->binend = g->bin + bsize;
		g->pos = g->bin + BIN_HDR;
	}
	off = g->pos;
	memset(data(g, off) - 4, 0, size);
	put_le32(data(g, off) - 4, (uint32_t)-(int32_t)size);
	g->pos += size;
	return off;
}

/* A free cell of len bytes, as a discarded list leaves one. */
static int
hole(struct grow *g, size_t len)
{
	uint32_t off = cell(g, len);

	if (off == 0)
		return -1;
	put_le32(data(g, off) - 4, align8(len + 4));
	return 0;
}

/* A cell of the hive's own bins, at least len bytes of data, or NULL. */
static unsigned char *
old_cell(struct grow *g, uint32_t off, size_t len)
{
	int32_t size;

	if (off >= g->oldlen || g->oldlen - off < 4 + len || off % 8)
		return NULL;
	size = (int32_t)get_le32(g->old + off);
	if (size >= 0 || (uint64_t)-(int64_t)size < 4 + len ||
	    (uint64_t)-(int64_t)size > g->oldlen - off)
		return NULL;
	return g->old + off + 4;
}

static void
free_old(struct grow *g, uint32_t off)
{
	unsigned char *p = old_cell(g, off, 0);	/* an allocated cell */

	if (p != NULL)
		put_le32(p - 4, (uint32_t)-(int32_t)get_le32(p - 4));
}

static int
damaged(struct grow *g, uint32_t off, const char *what)
{
	tlsh_seterr("%s: damaged hive: %s at 0x%x", g->path, what, off);
	return -1;
}

static void
add_kid(struct gkey *k, uint32_t nk, uint32_t hash, uint16_t *name,
    size_t len)
{
	if (k->nkids == k->kcap) {
		k->kcap = k->kcap ? 2 * k->kcap : 4;
		k->kids = xrealloc(k->kids, k->kcap * sizeof(*k->kids));
	}
	k->kids[k->nkids++] = (struct child){ nk, hash, name, len, NULL };
}

/* One entry of an existing subkey list: the child's name from its node. */
static int
old_kid(struct grow *g, struct gkey *k, uint32_t nk, const unsigned char *hash)
{
	const unsigned char *p = old_cell(g, nk, NK_FIXED);
	size_t n, len;
	uint16_t *name;

	if (p == NULL || memcmp(p, "nk", 2) != 0)
		return damaged(g, nk, "subkey that is no key node");
	n = get_le16(p + 72);
	if (old_cell(g, nk, NK_FIXED + n) == NULL)
		return damaged(g, nk, "key name past its cell");
	len = get_le16(p + 2) & KEY_COMP_NAME ? n : n / 2;
	name = xcalloc(len ? len : 1, sizeof(*name));
	for (size_t i = 0; i < len; i++)
		name[i] = get_le16(p + 2) & KEY_COMP_NAME ? p[76 + i] :
		    get_le16(p + 76 + 2 * i);
	add_kid(k, nk, hash ? get_le32(hash) : namehash(name, len), name, len);
	return 0;
}

/* The entries of an li, lf or lh leaf (ri leaves are read by the caller). */
static int
old_leaf(struct grow *g, struct gkey *k, uint32_t off)
{
	const unsigned char *p = old_cell(g, off, 4);
	size_t n, step;

	if (p == NULL)
		return damaged(g, off, "subkey list outside the bins");
	n = get_le16(p + 2);
	step = memcmp(p, "li", 2) == 0 ? 4 : 8;
	if ((memcmp(p, "li", 2) && memcmp(p, "lf", 2) && memcmp(p, "lh", 2)) ||
	    old_cell(g, off, 4 + step * n) == NULL)
		return damaged(g, off, "not a subkey list");
	for (size_t i = 0; i < n; i++)
		if (old_kid(g, k, get_le32(p + 4 + step * i), memcmp(p, "lh", 2) ?
		    NULL : p + 8 + step * i) == -1)
			return -1;
	return 0;
}

static void
link_open(struct grow *g, struct gkey *k)
{
	k->prev = g->last;
	if (g->last)
		g->last->next = k;
	else
		g->first = k;
	g->last = k;
}

/* A key the hive had, opened to gain subkeys: its list read. */
static struct gkey *
open_old(struct grow *g, struct gkey *parent, uint32_t nk)
{
	const unsigned char *p = old_cell(g, nk, NK_FIXED);
	struct gkey *k;
	uint32_t count, list;

	if (p == NULL || memcmp(p, "nk", 2) != 0) {
		damaged(g, nk, "key node");
		return NULL;
	}
	k = xcalloc(1, sizeof(*k));
	k->parent = parent;
	k->nk = nk;
	k->had = 1;
	k->stamp = get_le64(p + 4);
	k->sk = get_le32(p + 44);
	count = get_le32(p + 20);
	list = k->old_list = get_le32(p + 28);
	k->old_max = get_le32(p + 52);
	k->max_name = k->old_max & 0xffff;
	if (count && list != NONE) {
		const unsigned char *l = old_cell(g, list, 4);

		if (l != NULL && memcmp(l, "ri", 2) == 0) {
			size_t n = get_le16(l + 2);

			if (old_cell(g, list, 4 + 4 * n) == NULL) {
				damaged(g, list, "index root past its cell");
				goto bad;
			}
			for (size_t i = 0; i < n; i++)
				if (old_leaf(g, k, get_le32(l + 4 + 4 * i)) == -1)
					goto bad;
		} else if (old_leaf(g, k, list) == -1)
			goto bad;
	}
	if (k->nkids != count) {
		damaged(g, nk, "subkey count unlike its list");
		goto bad;
	}
	k->nold = k->nkids;
	link_open(g, k);
	return k;
bad:
	for (size_t i = 0; i < k->nkids; i++)
		free(k->kids[i].name);
	free(k->kids);
	free(k);
	return NULL;
}

static void
count_sk(struct grow *g, uint32_t sk)
{
	size_t i;

	for (i = 0; i < g->nsks && g->sks[i].sk != sk; i++)
		;
	if (i == g->nsks) {
		g->sks = xrealloc(g->sks, (g->nsks + 1) * sizeof(*g->sks));
		g->sks[g->nsks++] = (struct skref){ sk, 0 };
	}
	g->sks[i].refs++;
}

struct gkey *
grow_key(struct grow *g, struct gkey *parent, const char *name)
{
	size_t len = strlen(name);
	uint16_t *wname;
	uint32_t nk;
	unsigned char *p;
	struct gkey *k;

	if (len == 0 || len > 255 || strchr(name, '\\')) {
		tlsh_seterr("%s: key name \"%s\": 1 to 255 characters, no "
		    "backslash", g->path, name);
		return NULL;
	}
	wname = xcalloc(len, sizeof(*wname));
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)name[i] < 0x20 ||
		    (unsigned char)name[i] > 0x7e) {
			tlsh_seterr("%s: key name \"%s\": not printable ASCII",
			    g->path, name);
			free(wname);
			return NULL;
		}
		wname[i] = (unsigned char)name[i];
	}
	for (size_t i = 0; i < parent->nold; i++)
		if (namecmp(parent->kids[i].name, parent->kids[i].len, wname,
		    len) == 0) {
			tlsh_seterr("%s: key \"%s\" exists", g->path, name);
			free(wname);
			return NULL;
		}
	/*
	 * hivex adds a subkey by writing its parent a list one longer and
	 * freeing the old one: the free cells a grown hive really holds.
	 */
	if ((g->flags & GROW_LIST_GARBAGE) && parent->nkids > parent->nold &&
	    parent->nkids % LEAF_MAX && hole(g, 4 + 8 *
	    (parent->nkids % LEAF_MAX)) == -1) {
		free(wname);
		return NULL;
	}
	if ((nk = cell(g, NK_FIXED + len)) == 0) {
		free(wname);
		return NULL;
	}
	p = data(g, nk);
	memcpy(p, "nk", 2);
	put16(p + 2, KEY_COMP_NAME);
	/* the parent's time, as hivex gives a new key: the same bytes each run */
	put_le64(p + 4, parent->stamp);
	put_le32(p + 16, parent->nk);
	put_le32(p + 28, NONE);
	put_le32(p + 32, NONE);		/* volatile subkeys: none on disk */
	put_le32(p + 40, NONE);
	/* a new key shares its parent's security cell, as in hivex and Windows */
	put_le32(p + 44, parent->sk);
	put_le32(p + 48, NONE);		/* no class name */
	put16(p + 72, (uint16_t)len);
	memcpy(p + 76, name, len);
	count_sk(g, parent->sk);
	k = xcalloc(1, sizeof(*k));
	k->parent = parent;
	k->nk = nk;
	k->sk = parent->sk;
	k->stamp = parent->stamp;
	k->old_list = NONE;
	add_kid(parent, nk, namehash(wname, len), wname, len);
	parent->kids[parent->nkids - 1].open = k;
	parent->open_kids++;
	if (2 * len > parent->max_name)
		parent->max_name = (uint32_t)(2 * len);
	link_open(g, k);
	g->keys++;
	return k;
}

struct gkey *
grow_path(struct grow *g, const char *path)
{
	struct gkey *k = g->root;
	char *copy = xstrdup(path), *save = NULL;

	for (char *c = strtok_r(copy, "\\", &save); c && k;
	    c = strtok_r(NULL, "\\", &save)) {
		size_t len = strlen(c), i;
		struct child *kid = NULL;

		for (i = 0; i < k->nkids && kid == NULL; i++) {
			struct child *x = &k->kids[i];
			size_t j = 0;

			while (j < len && j < x->len &&
			    upcase((unsigned char)c[j]) == upcase(x->name[j]))
				j++;
			if (j == len && j == x->len)
				kid = x;
		}
		if (kid == NULL)
			k = grow_key(g, k, c);
		else if (kid->open)
			k = kid->open;
		else if (i <= k->nold) {
			struct gkey *parent = k;

			if ((k = open_old(g, parent, kid->nk)) != NULL) {
				kid->open = k;
				parent->open_kids++;
			}
		} else {
			tlsh_seterr("%s: %s: closed already", g->path, path);
			k = NULL;
		}
	}
	free(copy);
	return k;
}

int
grow_value(struct grow *g, struct gkey *k, const char *name, uint32_t type,
    const unsigned char *d, size_t len)
{
	size_t nlen = strlen(name), ascii = 1;
	uint32_t vk, off;
	unsigned char *p, b[4];

	/* the name is stored as 8-bit characters (VALUE_COMP_NAME) */
	for (size_t i = 0; i < nlen; i++)
		ascii &= (unsigned char)name[i] < 0x80;
	if (k->had || !ascii || len > DATA_MAX || nlen > 16383) {
		tlsh_seterr("%s: value \"%s\": %s", g->path, name, k->had ?
		    "only new keys get values" : !ascii ? "not ASCII" :
		    "too long");
		return -1;
	}
	if ((vk = cell(g, VK_FIXED + nlen)) == 0)
		return -1;
	p = data(g, vk);
	memcpy(p, "vk", 2);
	put16(p + 2, (uint16_t)nlen);
	put_le32(p + 4, (uint32_t)len | (len <= 4 ? DATA_INLINE : 0));
	if (len <= 4)
		memcpy(p + 8, d, len);
	put_le32(p + 12, type);
	put16(p + 16, nlen ? VALUE_COMP_NAME : 0);
	memcpy(p + 20, name, nlen);
	if (len > 4) {
		if ((off = cell(g, len)) == 0)
			return -1;
		memcpy(data(g, off), d, len);
		put_le32(b, off);
		if (patch(g, vk + 4 + 8, b, 4) == -1)
			return -1;
	}
	if (k->nvals == k->vcap) {
		k->vcap = k->vcap ? 2 * k->vcap : 4;
		k->vals = xrealloc(k->vals, k->vcap * sizeof(*k->vals));
	}
	k->vals[k->nvals++] = vk;
	if (2 * nlen > k->max_vname)
		k->max_vname = (uint32_t)(2 * nlen);
	if (len > k->max_vdata)
		k->max_vdata = (uint32_t)len;
	g->values++;
	return 0;
}

static uint32_t
write_leaf(struct grow *g, const struct child *kids, size_t n)
{
	uint32_t off = cell(g, 4 + 8 * n);
	unsigned char *p;

	if (off == 0)
		return 0;
	p = data(g, off);
	memcpy(p, "lh", 2);
	put16(p + 2, (uint16_t)n);
	for (size_t i = 0; i < n; i++) {
		put_le32(p + 4 + 8 * i, kids[i].nk);
		put_le32(p + 8 + 8 * i, kids[i].hash);
	}
	return off;
}

/* The sorted subkey list: one lh, or lh leaves of even length under an ri. */
static uint32_t
write_list(struct grow *g, struct gkey *k)
{
	size_t n = k->nkids, leaves = (n + LEAF_MAX - 1) / LEAF_MAX;
	uint32_t off, *leaf;
	unsigned char *p;

	qsort(k->kids, n, sizeof(*k->kids), kidcmp);
	for (size_t i = 1; i < n; i++)
		if (kidcmp(&k->kids[i - 1], &k->kids[i]) == 0) {
			tlsh_seterr("%s: two subkeys of one key have one name",
			    g->path);
			return 0;
		}
	if (leaves == 1)
		return write_leaf(g, k->kids, n);
	if (leaves > ROOT_MAX) {
		tlsh_seterr("%s: more than %d subkeys under one key", g->path,
		    ROOT_MAX * LEAF_MAX);
		return 0;
	}
	leaf = xcalloc(leaves, sizeof(*leaf));
	for (size_t i = 0; i < leaves; i++) {
		size_t a = i * n / leaves, b = (i + 1) * n / leaves;

		if ((leaf[i] = write_leaf(g, k->kids + a, b - a)) == 0) {
			free(leaf);
			return 0;
		}
	}
	if ((off = cell(g, 4 + 4 * leaves)) != 0) {
		p = data(g, off);
		memcpy(p, "ri", 2);
		put16(p + 2, (uint16_t)leaves);
		for (size_t i = 0; i < leaves; i++)
			put_le32(p + 4 + 4 * i, leaf[i]);
	}
	free(leaf);
	return off;
}

static void
unlink_free(struct grow *g, struct gkey *k)
{
	if (k->prev)
		k->prev->next = k->next;
	else
		g->first = k->next;
	if (k->next)
		k->next->prev = k->prev;
	else
		g->last = k->prev;
	for (size_t i = 0; i < k->nkids; i++)
		free(k->kids[i].name);
	free(k->kids);
	free(k->vals);
	free(k);
}

/* The old list of a key the hive had, freed as hivex frees a replaced one. */
static void
free_old_list(struct grow *g, uint32_t list)
{
	const unsigned char *l = old_cell(g, list, 4);

	if (l != NULL && memcmp(l, "ri", 2) == 0)
		for (size_t i = 0; i < get_le16(l + 2); i++)
			free_old(g, get_le32(l + 4 + 4 * i));
	free_old(g, list);
}

int
grow_close(struct grow *g, struct gkey *k)
{
	uint32_t list = NONE, vals = NONE;
	unsigned char f[48];
	size_t i;

	if (k->open_kids) {
		tlsh_seterr("%s: a key closed before its subkeys", g->path);
		return -1;
	}
	if (k->nkids > k->nold && (list = write_list(g, k)) == 0)
		return -1;
	if (k->nvals) {
		if ((vals = cell(g, 4 * k->nvals)) == 0)
			return -1;
		for (i = 0; i < k->nvals; i++)
			put_le32(data(g, vals) + 4 * i, k->vals[i]);
	}
	if (k->had) {
		if (list != NONE) {
			unsigned char *p = g->old + k->nk + 4;

			if (k->old_list != NONE)
				free_old_list(g, k->old_list);
			put_le32(p + 20, (uint32_t)k->nkids);
			put_le32(p + 28, list);
			/* the upper 16 bits are flags since Vista: kept */
			put_le32(p + 52, (k->old_max & 0xffff0000u) |
			    (k->max_name & 0xffff));
		}
	} else {
		/* key node fields 20 to 67, known now */
		memset(f, 0, sizeof(f));
		put_le32(f + 0, (uint32_t)k->nkids);
		put_le32(f + 8, list);
		put_le32(f + 12, NONE);
		put_le32(f + 16, (uint32_t)k->nvals);
		put_le32(f + 20, vals);
		put_le32(f + 24, k->sk);
		put_le32(f + 28, NONE);
		put_le32(f + 32, k->max_name);
		put_le32(f + 40, k->max_vname);
		put_le32(f + 44, k->max_vdata);
		if (patch(g, k->nk + 4 + 20, f, sizeof(f)) == -1)
			return -1;
	}
	if (k->parent) {
		struct gkey *p = k->parent;

		p->open_kids--;
		for (i = p->nkids; i-- > 0;)
			if (p->kids[i].open == k) {
				p->kids[i].open = NULL;
				break;
			}
	}
	unlink_free(g, k);
	return 0;
}

uint64_t
grow_size(const struct grow *g)
{
	return (uint64_t)BASE + g->binend;
}

void
grow_counts(const struct grow *g, uint64_t *keys, uint64_t *values)
{
	*keys = g->keys;
	*values = g->values;
}

static int
pread_all(int fd, unsigned char *p, size_t n, off_t off)
{
	while (n > 0) {
		ssize_t r = pread(fd, p, n, off);

		if (r <= 0) {
			if (r == -1 && errno == EINTR)
				continue;
			if (r == 0)
				errno = EIO;
			return -1;
		}
		p += r;
		n -= (size_t)r;
		off += r;
	}
	return 0;
}

struct grow *
grow_open(const char *path, int flags)
{
	struct grow *g = xcalloc(1, sizeof(*g));
	struct stat st;
	int fd;

	g->path = xstrdup(path);
	g->fd = -1;
	g->flags = flags;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1 || pread_all(fd, g->base, BASE, 0) == -1) {
		tlsh_seterr("%s: %s", path, strerror(errno));
		goto fail;
	}
	g->oldlen = get_le32(g->base + 40);
	if (memcmp(g->base, "regf", 4) != 0 ||
	    get_le32(g->base + 508) != regf_checksum(g->base) ||
	    g->oldlen % 4096 || g->oldlen == 0 ||
	    (uint64_t)st.st_size < BASE + (uint64_t)g->oldlen) {
		tlsh_seterr("%s: not a hive, or a damaged one", path);
		goto fail;
	}
	/* a dirty hive's current state is in its logs, which this ignores */
	if (get_le32(g->base + 4) != get_le32(g->base + 8)) {
		tlsh_seterr("%s: the hive is dirty (replay its logs first)",
		    path);
		goto fail;
	}
	g->old = xmalloc(g->oldlen);
	if (pread_all(fd, g->old, g->oldlen, BASE) == -1) {
		tlsh_seterr("%s: %s", path, strerror(errno));
		goto fail;
	}
	close(fd);
	fd = -1;
	g->w = xmalloc(WCAP);
	g->wbase = g->bin = g->binend = g->pos = g->oldlen;
	if ((g->root = open_old(g, NULL, get_le32(g->base + 36))) == NULL)
		goto fail;
	g->tmp = xasprintf("%s.grow-XXXXXX", path);
	if ((g->fd = mkstemp(g->tmp)) == -1) {
		tlsh_seterr("%s: %s", g->tmp, strerror(errno));
		free(g->tmp);
		g->tmp = NULL;
		goto fail;
	}
	if (fchmod(g->fd, st.st_mode & 07777) == -1) {
		ioerr(g);
		goto fail;
	}
	return g;
fail:
	if (fd != -1)
		close(fd);
	grow_abort(g);
	return NULL;
}

void
grow_abort(struct grow *g)
{
	if (g == NULL)
		return;
	while (g->last)
		unlink_free(g, g->last);
	if (g->fd != -1) {
		close(g->fd);
		unlink(g->tmp);
	}
	free(g->tmp);
	free(g->path);
	free(g->old);
	free(g->w);
	free(g->sks);
	free(g);
}

int
grow_finish(struct grow *g)
{
	unsigned char *b = g->base;

	while (g->last)
		if (grow_close(g, g->last) == -1)
			goto fail;
	end_bin(g);
	if (flush(g) == -1)
		goto fail;
	for (size_t i = 0; i < g->nsks; i++) {
		unsigned char *sk = old_cell(g, g->sks[i].sk, 20);

		if (sk == NULL || memcmp(sk, "sk", 2) != 0) {
			damaged(g, g->sks[i].sk, "security cell");
			goto fail;
		}
		put_le32(sk + 12, get_le32(sk + 12) + g->sks[i].refs);
	}
	/*
	 * One more completed write: both sequence numbers up by one, so logs
	 * lying beside the hive are older than it and never replayed.
	 */
	put_le32(b + 4, get_le32(b + 4) + 1);
	put_le32(b + 8, get_le32(b + 4));
	put_le32(b + 40, g->binend);
	put_le32(b + 508, regf_checksum(b));
	if (pwrite_all(g->fd, g->old, g->oldlen, BASE) == -1 ||
	    pwrite_all(g->fd, b, BASE, 0) == -1) {
		ioerr(g);
		goto fail;
	}
	if (close(g->fd) == -1) {
		g->fd = -1;
		ioerr(g);
		unlink(g->tmp);
		goto fail;
	}
	g->fd = -1;
	if (rename(g->tmp, g->path) == -1) {
		tlsh_seterr("%s: %s", g->path, strerror(errno));
		unlink(g->tmp);
		goto fail;
	}
	grow_abort(g);
	return 0;
fail:
	grow_abort(g);
	return -1;
}
