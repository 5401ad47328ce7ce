/* parts.c: GPT with its CRCs and backup header, MBR with logical partitions. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "fixture.h"
#include "io/blk.h"
#include "io/parts.h"
#include "le.h"
#include "tlshive.h"

#define MB (1024 * 1024)

static const unsigned char basic_data[16] = { 0xA2, 0xA0, 0xD0, 0xEB, 0xE5,
    0xB9, 0x33, 0x44, 0x87, 0xC0, 0x68, 0xB6, 0xB7, 0x26, 0x99, 0xC7 };
static const unsigned char ldm_data[16] = { 0xA0, 0x60, 0x9B, 0xAF, 0x31,
    0x14, 0x62, 0x4F, 0xBC, 0x68, 0x33, 0x11, 0x71, 0x4A, 0x69, 0xAD };

static void
boot_sector(unsigned char *disk, size_t off, const char *oem)
{
	memcpy(disk + off + 3, oem, 8);
	disk[off + 510] = 0x55;
	disk[off + 511] = 0xAA;
}

/* A GPT for sector size ss: header at lba hdr, entries at lba tab. */
static void
gpt_at(unsigned char *d, size_t size, unsigned ss, uint64_t hdr, uint64_t tab,
    const unsigned char *type, uint64_t first, uint64_t last)
{
	unsigned char *h = d + hdr * ss, *e = d + tab * ss;

	memset(e, 0, 128 * 128);
	memcpy(e, type, 16);
	e[16] = 1;
	put_le64(e + 32, first);
	put_le64(e + 40, last);
	memset(h, 0, 92);
	memcpy(h, "EFI PART", 8);
	put_le32(h + 8, 0x10000);
	put_le32(h + 12, 92);
	put_le64(h + 24, hdr);
	put_le64(h + 32, hdr == 1 ? size / ss - 1 : 1);
	put_le64(h + 72, tab);
	put_le32(h + 80, 128);
	put_le32(h + 84, 128);
	put_le32(h + 88, (uint32_t)crc32(0, e, 128 * 128));
	put_le32(h + 16, (uint32_t)crc32(0, h, 92));
}

static unsigned char *
protective(size_t size)
{
	unsigned char *d = xcalloc(1, size);

	d[446 + 4] = 0xEE;
	put_le32(d + 446 + 8, 1);
	d[510] = 0x55;
	d[511] = 0xAA;
	return d;
}

static int
scan(const unsigned char *d, size_t size, struct part *out, int max)
{
	char *dir = fixture_dir(), *p = xasprintf("%s/disk", dir);
	struct blk *b;
	int n;

	assert_int_equal(fixture_write(p, d, size), 0);
	assert_non_null(b = blk_open(p, BLK_RAW, 0));
	n = parts_scan(b, out, max);
	blk_close(b);
	fixture_rmrf(dir);
	free(p);
	free(dir);
	return n;
}

static void
test_parts_gpt__primary_then_backup_then_none(void **state)
{
	size_t size = 8 * MB;
	unsigned char *d = protective(size);
	struct part p[4];

	gpt_at(d, size, 512, 1, 2, basic_data, 2048, 4095);
	boot_sector(d, 2048 * 512, "NTFS    ");
	gpt_at(d, size, 512, size / 512 - 1, size / 512 - 33, basic_data, 2048,
	    4095);
	assert_int_equal(scan(d, size, p, 4), 1);
	assert_int_equal(p[0].num, 1);
	assert_int_equal(p[0].off, 2048 * 512);
	assert_int_equal(p[0].len, 2048 * 512);
	assert_int_equal(p[0].kind, PK_NTFS);
	assert_string_equal(p[0].scheme, "gpt");
	/* a damaged primary header (its CRC fails): the backup is used */
	d[512 + 40] ^= 1;
	assert_int_equal(scan(d, size, p, 4), 1);
	assert_int_equal(p[0].off, 2048 * 512);
	/* the backup's entries damaged too: no table at all */
	d[(size / 512 - 33) * 512 + 40] ^= 1;
	assert_int_equal(scan(d, size, p, 4), -1);
	assert_non_null(strstr(tlsh_errmsg(), "neither its primary nor its "
	    "backup header is valid"));
	free(d);
}

static void
test_parts_gpt__4k_sectors_and_kinds(void **state)
{
	size_t size = 16 * MB;
	unsigned char *d = protective(size);
	struct part p[4];

	gpt_at(d, size, 4096, 1, 2, basic_data, 256, 511);
	boot_sector(d, 256 * 4096, "-FVE-FS-");
	assert_int_equal(scan(d, size, p, 4), 1);
	assert_int_equal(p[0].off, 1 * MB);
	assert_int_equal(p[0].len, 1 * MB);
	assert_int_equal(p[0].kind, PK_BITLOCKER);
	gpt_at(d, size, 4096, 1, 2, ldm_data, 256, 511);
	assert_int_equal(scan(d, size, p, 4), 1);
	assert_int_equal(p[0].kind, PK_DYNAMIC);
	free(d);
}

static void
test_parts_mbr__primary_and_logical(void **state)
{
	size_t size = 8 * MB;
	unsigned char *d = xcalloc(1, size), *e;
	struct part p[8];

	d[510] = 0x55;
	d[511] = 0xAA;
	e = d + 446;			/* primary 1: 2048 + 2048 */
	e[4] = 0x07;
	put_le32(e + 8, 2048);
	put_le32(e + 12, 2048);
	e = d + 462;			/* extended from 4096 */
	e[4] = 0x05;
	put_le32(e + 8, 4096);
	put_le32(e + 12, 8192);
	/* EBR at 4096: logical 5 at +2048 (2048 sectors), next EBR at +4096 */
	d[4096 * 512 + 510] = 0x55;
	d[4096 * 512 + 511] = 0xAA;
	e = d + 4096 * 512 + 446;
	e[4] = 0x07;
	put_le32(e + 8, 2048);
	put_le32(e + 12, 1024);
	e = d + 4096 * 512 + 462;
	e[4] = 0x05;
	put_le32(e + 8, 4096);
	put_le32(e + 12, 2048);
	/* EBR at 8192: logical 6 at +1024 */
	d[8192 * 512 + 510] = 0x55;
	d[8192 * 512 + 511] = 0xAA;
	e = d + 8192 * 512 + 446;
	e[4] = 0x07;
	put_le32(e + 8, 1024);
	put_le32(e + 12, 1024);
	boot_sector(d, (8192 + 1024) * 512, "NTFS    ");
	assert_int_equal(scan(d, size, p, 8), 3);
	assert_int_equal(p[0].num, 1);
	assert_int_equal(p[1].num, 5);
	assert_int_equal(p[1].off, (4096 + 2048) * 512ull);
	assert_int_equal(p[2].num, 6);
	assert_int_equal(p[2].off, (8192 + 1024) * 512ull);
	assert_int_equal(p[2].kind, PK_NTFS);
	assert_string_equal(p[2].scheme, "mbr");
	free(d);
}

static void
test_parts_mbr__4k_sectors_only_when_512_finds_no_volume(void **state)
{
	size_t size = 16 * MB;
	unsigned char *d = xcalloc(1, size), *e = d + 446;
	struct part p[4];

	d[510] = 0x55;
	d[511] = 0xAA;
	e[4] = 0x07;			/* primary 1: 4 KiB LBA 256 = 1 MiB */
	put_le32(e + 8, 256);
	put_le32(e + 12, 1024);
	assert_int_equal(scan(d, size, p, 4), 1);	/* no volume: 512 */
	assert_int_equal(p[0].off, 256 * 512ull);
	assert_int_equal(p[0].kind, PK_OTHER);
	boot_sector(d, 256 * 4096, "NTFS    ");
	assert_int_equal(scan(d, size, p, 4), 1);
	assert_int_equal(p[0].off, 256 * 4096ull);
	assert_int_equal(p[0].len, 1024 * 4096ull);
	assert_int_equal(p[0].kind, PK_NTFS);
	boot_sector(d, 256 * 512, "-FVE-FS-");	/* a volume at 512 wins */
	assert_int_equal(scan(d, size, p, 4), 1);
	assert_int_equal(p[0].off, 256 * 512ull);
	assert_int_equal(p[0].kind, PK_BITLOCKER);
	free(d);
}

static void
test_parts_bare_volume__whole_disk(void **state)
{
	size_t size = 1 * MB;
	unsigned char *d = xcalloc(1, size);
	struct part p[2];

	boot_sector(d, 0, "NTFS    ");
	assert_int_equal(scan(d, size, p, 2), 1);
	assert_int_equal(p[0].num, 0);
	assert_int_equal(p[0].len, size);
	assert_int_equal(p[0].kind, PK_NTFS);
	memset(d, 0, 512);		/* no table, no volume */
	assert_int_equal(scan(d, size, p, 2), 0);
	free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parts_gpt__primary_then_backup_then_none),
		cmocka_unit_test(test_parts_gpt__4k_sectors_and_kinds),
		cmocka_unit_test(test_parts_mbr__primary_and_logical),
		cmocka_unit_test(test_parts_mbr__4k_sectors_only_when_512_finds_no_volume),
		cmocka_unit_test(test_parts_bare_volume__whole_disk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
