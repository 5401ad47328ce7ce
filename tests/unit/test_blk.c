/* blk.c: formats by their bytes, the write overlay, the redo journal. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "io/blk.h"
#include "tlshive.h"

static char *
raw_image(char **dir, size_t len, int fill)
{
	char *p, *buf = xmalloc(len);

	*dir = fixture_dir();
	p = xasprintf("%s/disk.raw", *dir);
	memset(buf, fill, len);
	assert_int_equal(fixture_write(p, buf, len), 0);
	free(buf);
	return p;
}

static void
test_blk_detect__by_bytes_not_name(void **state)
{
	char *dir = fixture_dir(), *p = xasprintf("%s/x.qcow2", dir);
	unsigned char b[1024] = { 0 };
	enum blk_format f;

	assert_int_equal(fixture_write(p, b, sizeof(b)), 0);
	assert_int_equal(blk_detect(p, &f), 0);
	assert_int_equal(f, BLK_RAW);		/* the name says nothing */
	memcpy(b, "QFI\xfb", 4);
	fixture_write(p, b, sizeof(b));
	blk_detect(p, &f);
	assert_int_equal(f, BLK_QCOW2);
	memcpy(b, "vhdxfile", 8);
	fixture_write(p, b, sizeof(b));
	blk_detect(p, &f);
	assert_int_equal(f, BLK_VHDX);
	memset(b, 0, sizeof(b));
	memcpy(b + sizeof(b) - 512, "conectix", 8);	/* a fixed VHD's footer */
	fixture_write(p, b, sizeof(b));
	blk_detect(p, &f);
	assert_int_equal(f, BLK_VPC);
	memset(b, 0, sizeof(b));
	memcpy(b, "MSWIM\0\0\0", 8);
	fixture_write(p, b, sizeof(b));
	blk_detect(p, &f);
	assert_int_equal(f, BLK_WIM);
	memset(b, 0, sizeof(b));
	memcpy(b, "KDMV", 4);
	b[10] = 1;			/* flags bit 16: compressed grains */
	fixture_write(p, b, sizeof(b));
	assert_int_equal(blk_detect(p, &f), -1);
	assert_non_null(strstr(tlsh_errmsg(), "streamOptimized"));
	fixture_rmrf(dir);
	free(p);
	free(dir);
}

static void
test_blk_overlay__reads_see_writes_image_untouched(void **state)
{
	char *dir, *p = raw_image(&dir, 65536, 'a'), *bytes;
	struct blk *b = blk_open(p, BLK_RAW, 1);
	unsigned char buf[6000];
	size_t len;

	assert_non_null(b);
	assert_int_equal(blk_write(b, "XYZ", 3, 4094), 0);	/* spans blocks */
	assert_int_equal(blk_dirty(b), 2);
	assert_int_equal(blk_read(b, buf, 6000, 1000), 0);
	assert_memory_equal(buf + 3094, "XYZ", 3);
	assert_int_equal(buf[0], 'a');
	assert_int_equal(buf[5999], 'a');
	assert_int_equal(blk_write(b, "x", 1, 65536), -1);	/* past the end */
	blk_discard(b);
	assert_int_equal(blk_read(b, buf, 3, 4094), 0);
	assert_memory_equal(buf, "aaa", 3);
	blk_close(b);
	bytes = fixture_slurp(p, &len);
	for (size_t i = 0; i < len; i++)
		assert_int_equal(bytes[i], 'a');
	free(bytes);
	fixture_rmrf(dir);
	free(p);
	free(dir);
}

static void
test_blk_commit__journal_then_image_then_gone(void **state)
{
	char *dir, *p = raw_image(&dir, 65536, 'a'), *j, *bytes;
	struct blk *b = blk_open(p, BLK_RAW, 1);
	size_t len;

	assert_int_equal(blk_write(b, "new", 3, 8192), 0);
	assert_int_equal(blk_commit(b), 0);
	assert_int_equal(blk_dirty(b), 0);
	blk_close(b);
	j = blk_journal_path(p);
	assert_int_not_equal(access(j, F_OK), 0);
	bytes = fixture_slurp(p, &len);
	assert_memory_equal(bytes + 8192, "new", 3);
	assert_int_equal(bytes[8195], 'a');
	free(bytes);
	free(j);
	fixture_rmrf(dir);
	free(p);
	free(dir);
}

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n--)
		h = (h ^ *c++) * 0x100000001b3ull;
	return h;
}

static void
put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/*
 * The journal a run leaves when it is killed after writing it: one block
 * at off, its new bytes fill, the hash of what the image held there old.
 */
static void
journal_v(const char *path, const char *image, uint64_t size, uint64_t off,
    int fill, int old, int damage, int v2)
{
	size_t head = v2 ? 24 : 40, len = head + 16 + 4096 + 16;
	unsigned char j[40 + 16 + 4096 + 16], blkold[4096];
	uint64_t h = 0xcbf29ce484222325ull;
	struct stat st;
	FILE *f = fopen(path, "wb");

	assert_int_equal(stat(image, &st), 0);
	memset(j, 0, sizeof(j));
	memcpy(j, v2 ? "TLSHJNL2" : "TLSHJNL3", 8);
	put64(j + 8, size);
	put64(j + 16, 1);
	if (!v2) {
		put64(j + 24, (uint64_t)st.st_dev);
		put64(j + 32, (uint64_t)st.st_ino);
	}
	put64(j + head, off);
	memset(blkold, old, sizeof(blkold));
	put64(j + head + 8, fnv(0xcbf29ce484222325ull, blkold, 4096));
	memset(j + head + 16, fill, 4096);
	h = fnv(h, j, head + 16 + 4096);
	memcpy(j + head + 16 + 4096, "TLSHEND2", 8);
	put64(j + head + 16 + 4096 + 8, h + (damage ? 1 : 0));
	fwrite(j, 1, len, f);
	fclose(f);
}

static void
journal(const char *path, uint64_t size, uint64_t off, int fill, int old,
    int damage)
{
	char *image = xstrdup(path);

	*strstr(image, ".tlshive-journal") = '\0';
	journal_v(path, image, size, off, fill, old, damage, 0);
	free(image);
}

static void
test_blk_replay__complete_damaged_foreign(void **state)
{
	char *dir, *p = raw_image(&dir, 65536, 'a'), *j, *tmp, *tmp2, *bytes;
	struct blk *b;
	size_t len;

	j = blk_journal_path(p);
	tmp = xasprintf("%s.tmp", j);
	/* the temporary file store_write_new makes beside the journal */
	tmp2 = xasprintf("%s/.disk.raw.tlshive-journal.tlshive-q1w2e3", dir);
	/* damaged: kept, never applied */
	journal(j, 65536, 4096, 'n', 'a', 1);
	b = blk_open(p, BLK_RAW, 1);
	assert_int_equal(blk_replay(b), -1);
	assert_non_null(strstr(tlsh_errmsg(), "damaged"));
	blk_close(b);
	assert_int_equal(access(j, F_OK), 0);
	/* tlshive 0.1's, which names no file: refused, kept */
	{
		char *image = xstrdup(p);
		journal_v(j, image, 65536, 4096, 'n', 'a', 0, 1);
		free(image);
	}
	b = blk_open(p, BLK_RAW, 1);
	assert_int_equal(blk_replay(b), -1);
	assert_non_null(strstr(tlsh_errmsg(), "does not say which file"));
	blk_close(b);
	/* made for another file, even one of the same bytes */
	{
		char *other = xasprintf("%s/other.raw", dir);
		bytes = fixture_slurp(p, &len);
		assert_int_equal(fixture_write(other, bytes, len), 0);
		free(bytes);
		journal_v(j, other, 65536, 4096, 'n', 'a', 0, 0);
		free(other);
	}
	b = blk_open(p, BLK_RAW, 1);
	assert_int_equal(blk_replay(b), -1);
	assert_non_null(strstr(tlsh_errmsg(), "made for another file"));
	blk_close(b);
	/* a link where the journal belongs is never read through */
	unlink(j);
	assert_int_equal(symlink("/dev/zero", j), 0);
	b = blk_open(p, BLK_RAW, 1);
	assert_int_equal(blk_replay(b), -1);
	assert_non_null(strstr(tlsh_errmsg(), "a symbolic link"));
	blk_close(b);
	unlink(j);
	/* another image's: what it found there is not what this one holds */
	journal(j, 65536, 4096, 'n', 'q', 0);
	b = blk_open(p, BLK_RAW, 1);
	assert_int_equal(blk_replay(b), -1);
	assert_non_null(strstr(tlsh_errmsg(), "not this image's journal"));
	blk_close(b);
	bytes = fixture_slurp(p, &len);
	assert_int_equal(bytes[4096], 'a');
	free(bytes);
	/* a complete one: written into the image, then removed; a .tmp that
	 * never became the journal is removed too */
	journal(j, 65536, 4096, 'n', 'a', 0);
	assert_int_equal(fixture_write(tmp, "half", 4), 0);
	assert_int_equal(fixture_write(tmp2, "half", 4), 0);
	b = blk_open(p, BLK_RAW, 1);
	assert_int_equal(blk_replay(b), 1);
	assert_int_equal(blk_replay(b), 0);	/* nothing left */
	blk_close(b);
	assert_int_not_equal(access(j, F_OK), 0);
	assert_int_not_equal(access(tmp, F_OK), 0);
	assert_int_not_equal(access(tmp2, F_OK), 0);
	bytes = fixture_slurp(p, &len);
	assert_int_equal(bytes[4096], 'n');
	assert_int_equal(bytes[8191], 'n');
	assert_int_equal(bytes[8192], 'a');
	free(bytes);
	/* replaying again over a half-written image is the same */
	journal(j, 65536, 4096, 'n', 'a', 0);
	b = blk_open(p, BLK_RAW, 1);
	assert_int_equal(blk_replay(b), 1);
	blk_close(b);
	free(tmp);
	free(tmp2);
	free(j);
	fixture_rmrf(dir);
	free(p);
	free(dir);
}

static void
test_blk_lock__second_writer_refused(void **state)
{
	char *dir, *p = raw_image(&dir, 8192, 0);
	struct blk *a = blk_open(p, BLK_RAW, 1), *b;

	assert_non_null(a);
	assert_null(b = blk_open(p, BLK_RAW, 1));
	assert_non_null(strstr(tlsh_errmsg(), "another process holds the image"));
	blk_close(a);
	assert_non_null(b = blk_open(p, BLK_RAW, 1));
	blk_close(b);
	fixture_rmrf(dir);
	free(p);
	free(dir);
}

/* A long read through qemu-nbd goes out as several requests in flight;
 * every byte must land where the raw image has it. */
static void
test_blk_nbd__long_read_matches_raw(void **state)
{
	size_t len = 24u << 20, n = (17u << 20) + 1536;
	uint64_t off = (1u << 20) + 512;
	char *dir, *p = raw_image(&dir, len, 0), *q, *cmd;
	unsigned char *raw = xmalloc(len), *buf = xmalloc(n);
	struct blk *b;

	for (size_t i = 0; i < len; i += 8)
		memcpy(raw + i, &i, 8);
	assert_int_equal(fixture_write(p, raw, len), 0);
	q = xasprintf("%s/disk.qcow2", dir);
	cmd = xasprintf("qemu-img convert -f raw -O qcow2 '%s' '%s'", p, q);
	assert_int_equal(system(cmd), 0);
	assert_non_null(b = blk_open(q, BLK_QCOW2, 0));
	assert_int_equal(blk_size(b), len);
	memset(buf, 0xEE, n);
	assert_int_equal(blk_read(b, buf, n, off), 0);
	assert_memory_equal(buf, raw + off, n);
	assert_int_equal(blk_read(b, buf, n, len - n + 512), -1);
	assert_int_equal(blk_read(b, buf, 4096, len - 4096), 0);
	assert_memory_equal(buf, raw + len - 4096, 4096);
	blk_close(b);
	fixture_rmrf(dir);
	free(cmd);
	free(q);
	free(buf);
	free(raw);
	free(p);
	free(dir);
}

/* The three runs read afresh into buf, each as the raw image has it. */
static void
readv_as_raw(struct blk *b, const struct blk_seg *seg, unsigned char *buf,
    size_t len, int fd, const unsigned char *raw)
{
	memset(buf, 0, len);
	assert_int_equal(blk_readv(b, seg, 3, NULL, fd, buf), 0);
	for (size_t i = 0; i < 3; i++)
		assert_memory_equal(seg[i].buf, raw + seg[i].off, seg[i].len);
}

/*
 * A hive's runs read out of a qcow2: the bytes qemu-img map puts in the
 * file come from the file (blk_direct_bytes), every byte as the raw image
 * has it, with qemu-nbd holding the image writable as apply does; a
 * compressed image's come through qemu-nbd; after a write through qemu-nbd
 * every read is qemu-nbd's again.
 */
static void
test_blk_readv__qcow2_file_or_server(void **state)
{
	size_t len = 8u << 20;
	char *dir, *p = raw_image(&dir, len, 0), *q, *c, *cmd;
	unsigned char *raw = xcalloc(1, len), *buf;
	int mfd = memfd_create("test_blk", MFD_CLOEXEC);
	/* out of order, unaligned, across clusters and the hole */
	struct blk_seg seg[3];
	static const size_t at[3][3] = {	/* in buf, length, on the disk */
		{ 0, (3u << 20) + 777, (4u << 20) + 5 },
		{ 4u << 20, (1u << 20) + 8192, (2u << 20) - 4096 },
		{ 6u << 20, 65536 * 3, 512 },
	};
	uint64_t total = 0;
	struct blk *b;

	/* the hive's memfd, as diskimg.c reads into it */
	assert_int_not_equal(mfd, -1);
	assert_int_equal(ftruncate(mfd, (off_t)len), 0);
	assert_true((buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
	    mfd, 0)) != MAP_FAILED);
	for (size_t i = 0; i < 3; i++)
		seg[i] = (struct blk_seg){ buf + at[i][0], at[i][1], at[i][2] };

	for (size_t i = 0; i < len; i += 8)
		if (i < (2u << 20) || i >= (3u << 20))
			memcpy(raw + i, &i, 8);
	for (size_t i = 0; i < 3; i++)
		total += seg[i].len;
	assert_int_equal(fixture_write(p, raw, len), 0);
	q = xasprintf("%s/disk.qcow2", dir);
	c = xasprintf("%s/comp.qcow2", dir);
	cmd = xasprintf("qemu-img convert -f raw -O qcow2 '%s' '%s' && "
	    "qemu-img convert -c -f raw -O qcow2 '%s' '%s'", p, q, p, c);
	assert_int_equal(system(cmd), 0);
	/* read-only into memory, writable into the memfd */
	for (int w = 0; w < 2; w++) {
		assert_non_null(b = blk_open(q, BLK_QCOW2, w));
		readv_as_raw(b, seg, buf, len, w ? mfd : -1, raw);
		/* all but the hole's megabyte, which reads as zeroes */
		assert_true(blk_direct_bytes(b) >= total - (1u << 20));
		assert_true(blk_direct_bytes(b) < total);
		blk_close(b);
	}
	assert_non_null(b = blk_open(c, BLK_QCOW2, 1));
	readv_as_raw(b, seg, buf, len, mfd, raw);
	assert_int_equal(blk_direct_bytes(b), 0);
	blk_close(b);
	/* a cluster allocated in the hole by a write, then read */
	assert_non_null(b = blk_open(q, BLK_QCOW2, 1));
	memset(raw + (2u << 20) + 8192, 'w', 4096);
	assert_int_equal(blk_write(b, raw + (2u << 20) + 8192, 4096,
	    (2u << 20) + 8192), 0);
	assert_int_equal(blk_commit(b), 0);
	readv_as_raw(b, seg, buf, len, mfd, raw);
	assert_int_equal(blk_direct_bytes(b), 0);
	blk_close(b);
	fixture_rmrf(dir);
	munmap(buf, len);
	close(mfd);
	free(cmd);
	free(q);
	free(c);
	free(raw);
	free(p);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blk_detect__by_bytes_not_name),
		cmocka_unit_test(test_blk_overlay__reads_see_writes_image_untouched),
		cmocka_unit_test(test_blk_commit__journal_then_image_then_gone),
		cmocka_unit_test(test_blk_replay__complete_damaged_foreign),
		cmocka_unit_test(test_blk_lock__second_writer_refused),
		cmocka_unit_test(test_blk_nbd__long_read_matches_raw),
		cmocka_unit_test(test_blk_readv__qcow2_file_or_server),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
