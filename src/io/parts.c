/* GPT and MBR partition tables, read through the block layer. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "io/blk.h"
#include "io/parts.h"
#include "le.h"
#include "tlshive.h"

/* GPT partition type GUIDs as stored (mixed endian), from the UEFI spec
 * and Microsoft's partition-type list. */
static const unsigned char ldm_meta[16] = { 0xAA, 0xC8, 0x08, 0x58, 0x8F,
    0x7E, 0xE0, 0x42, 0x85, 0xD2, 0xE1, 0xE9, 0x04, 0x34, 0xCF, 0xB3 };
static const unsigned char ldm_data[16] = { 0xA0, 0x60, 0x9B, 0xAF, 0x31,
    0x14, 0x62, 0x4F, 0xBC, 0x68, 0x33, 0x11, 0x71, 0x4A, 0x69, 0xAD };
static const unsigned char spaces[16] = { 0x8F, 0xAF, 0x5C, 0xE7, 0x80,
    0xF6, 0xEE, 0x4C, 0xAF, 0xA3, 0xB0, 0x01, 0xE5, 0x6E, 0xFC, 0x2D };

static void
classify(struct blk *b, struct part *p)
{
	unsigned char bs[512];

	if (p->kind != PK_OTHER || p->off > blk_size(b) - 512 ||
	    blk_read(b, bs, 512, p->off) == -1)
		return;
	if (memcmp(bs + 3, "NTFS    ", 8) == 0)
		p->kind = PK_NTFS;
	else if (memcmp(bs + 3, "-FVE-FS-", 8) == 0)
		p->kind = PK_BITLOCKER;
}

static int
add(struct blk *b, struct part *out, int n, int max, int num, uint64_t off,
    uint64_t len, const char *scheme, enum part_kind kind)
{
	struct part *p;

	if (n >= max || len == 0 || off >= blk_size(b) ||
	    len > blk_size(b) - off)
		return n;
	p = &out[n];
	memset(p, 0, sizeof(*p));
	p->num = num;
	p->off = off;
	p->len = len;
	snprintf(p->scheme, sizeof(p->scheme), "%s", scheme);
	p->kind = kind;
	classify(b, p);
	return n + 1;
}

/* A GPT header at lba (sector size ss) and its entries, both CRCs right. */
static unsigned char *
gpt_read(struct blk *b, uint64_t lba, unsigned ss, unsigned char *hdr,
    uint32_t *count, uint32_t *esize)
{
	uint32_t hsize, crc;
	unsigned char *tab;
	uint64_t tlen;

	if ((lba + 1) * ss > blk_size(b) || blk_read(b, hdr, 512, lba * ss) ==
	    -1 || memcmp(hdr, "EFI PART", 8) != 0)
		return NULL;
	hsize = get_le32(hdr + 12);
	if (hsize < 92 || hsize > 512)
		return NULL;
	crc = get_le32(hdr + 16);
	put_le32(hdr + 16, 0);
	if (crc32(0, hdr, hsize) != crc)
		return NULL;
	put_le32(hdr + 16, crc);
	*count = get_le32(hdr + 80);
	*esize = get_le32(hdr + 84);
	if (*esize < 128 || *esize > 4096 || *count > 4096)
		return NULL;
	tlen = (uint64_t)*count * *esize;
	if (get_le64(hdr + 72) * ss + tlen > blk_size(b))
		return NULL;
	tab = xmalloc(tlen ? tlen : 1);
	if (blk_read(b, tab, tlen, get_le64(hdr + 72) * ss) == -1 ||
	    crc32(0, tab, (uInt)tlen) != get_le32(hdr + 88)) {
		free(tab);
		return NULL;
	}
	return tab;
}

static int
gpt(struct blk *b, struct part *out, int max)
{
	static const unsigned sizes[] = { 512, 4096 };
	static const unsigned char zero[16];

	for (size_t s = 0; s < 2; s++) {
		unsigned ss = sizes[s];
		unsigned char hdr[512];
		uint32_t count, esize;
		unsigned char *tab = gpt_read(b, 1, ss, hdr, &count, &esize);
		int n = 0;

		/* a damaged primary: the backup header in the last sector */
		if (tab == NULL && blk_size(b) / ss > 2)
			tab = gpt_read(b, blk_size(b) / ss - 1, ss, hdr, &count,
			    &esize);
		if (tab == NULL)
			continue;
		for (uint32_t i = 0; i < count; i++) {
			const unsigned char *e = tab + (size_t)i * esize;
			uint64_t first = get_le64(e + 32), last = get_le64(e + 40);
			enum part_kind k = PK_OTHER;
			if (memcmp(e, zero, 16) == 0 || last < first)
				continue;
			if (memcmp(e, ldm_meta, 16) == 0 ||
			    memcmp(e, ldm_data, 16) == 0)
				k = PK_DYNAMIC;
			else if (memcmp(e, spaces, 16) == 0)
				k = PK_SPACES;
			n = add(b, out, n, max, (int)i + 1, first * ss, (last -
			    first + 1) * ss, "gpt", k);
		}
		free(tab);
		return n;
	}
	tlsh_seterr("the protective MBR announces a GPT, but neither its "
	    "primary nor its backup header is valid (CRC)");
	return -1;
}

static int
mbr(struct blk *b, const unsigned char *m, unsigned ss, struct part *out,
    int max)
{
	int n = 0;

	for (int i = 0; i < 4; i++) {
		const unsigned char *e = m + 446 + 16 * i;
		unsigned t = e[4];
		uint64_t start = get_le32(e + 8), cnt = get_le32(e + 12);

		if (t == 0 || cnt == 0)
			continue;
		if (t == 0x05 || t == 0x0F || t == 0x85) {
			/* logical partitions: a chain of EBRs, each relative
			 * to the extended partition's start; an EBR keeps the
			 * MBR layout in the first 512 bytes of its sector */
			uint64_t ebr = start;
			int lnum = 5;
			for (int guard = 0; guard < 256; guard++) {
				unsigned char eb[512];
				const unsigned char *l = eb + 446, *nx = eb + 462;
				if (ebr * ss > blk_size(b) - 512 ||
				    blk_read(b, eb, 512, ebr * ss) == -1 ||
				    eb[510] != 0x55 || eb[511] != 0xAA)
					break;
				if (l[4] && get_le32(l + 12))
					n = add(b, out, n, max, lnum++, (ebr +
					    get_le32(l + 8)) * ss,
					    (uint64_t)get_le32(l + 12) * ss, "mbr",
					    l[4] == 0x42 ? PK_DYNAMIC : PK_OTHER);
				if (nx[4] == 0 || get_le32(nx + 8) == 0)
					break;
				ebr = start + get_le32(nx + 8);
			}
			continue;
		}
		n = add(b, out, n, max, i + 1, start * ss, cnt * ss, "mbr",
		    t == 0x42 ? PK_DYNAMIC : PK_OTHER);
	}
	return n;
}

static int
known(const struct part *p, int n)
{
	for (int i = 0; i < n; i++)
		if (p[i].kind != PK_OTHER)
			return 1;
	return 0;
}

int
parts_scan(struct blk *b, struct part *out, int max)
{
	unsigned char m[512];

	/* a partition table or a volume's boot sector takes 512 bytes */
	if (blk_size(b) < 512) {
		if (blk_size(b) == 0)
			tlsh_seterr("an empty file, not a disk image");
		else
			tlsh_seterr("%llu bytes, too small to be a disk image "
			    "(its first sector alone takes 512)",
			    (unsigned long long)blk_size(b));
		return -1;
	}
	if (blk_read(b, m, 512, 0) == -1)
		return -1;
	/* a bare volume: no table, the whole disk is the file system */
	if (memcmp(m + 3, "NTFS    ", 8) == 0 ||
	    memcmp(m + 3, "-FVE-FS-", 8) == 0)
		return add(b, out, 0, max, 0, 0, blk_size(b), "none", PK_OTHER);
	if (m[510] != 0x55 || m[511] != 0xAA)
		return 0;
	for (int i = 0; i < 4; i++)
		if (m[446 + 16 * i + 4] == 0xEE)
			return gpt(b, out, max);
	/* An MBR does not say its sector size: its LBAs count 4 KiB sectors
	 * on a 4Kn disk.  512 is the rule; 4096 only when 512 finds no
	 * volume and 4096 does. */
	int n = mbr(b, m, 512, out, max);
	if (!known(out, n)) {
		struct part alt[max > 0 ? max : 1];
		int n4 = mbr(b, m, 4096, alt, max);
		if (known(alt, n4)) {
			memcpy(out, alt, sizeof(*alt) * (size_t)n4);
			n = n4;
		}
	}
	return n;
}
