/* diskimg.c: finding the Windows volume in an image, what is refused, how a hive is read. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <ntfs-3g/types.h>
#include <ntfs-3g/attrib.h>
#include <ntfs-3g/dir.h>
#include <ntfs-3g/inode.h>
#include <ntfs-3g/unistr.h>
#include <ntfs-3g/volume.h>

#include "fixture.h"
#include "io/diskimg.h"
#include "tlshive.h"

/* A bare NTFS volume of mb MiB (no partition table), empty. */
static char *
volume_of(char **dir, int mb)
{
	char *p, *cmd;

	*dir = fixture_dir();
	p = xasprintf("%s/vol.ntfs", *dir);
	cmd = xasprintf("truncate -s %dM '%s' && mkntfs -F -Q -q '%s' > "
	    "/dev/null 2>&1", mb, p, p);
	if (system(cmd) != 0)
		fail_msg("mkntfs (ntfs-3g) is needed: %s", cmd);
	free(cmd);
	return p;
}

/* A bare NTFS volume (no partition table) without Windows on it. */
static char *
volume(char **dir)
{
	return volume_of(dir, 16);
}

static void
test_diskimg_open__no_windows_named(void **state)
{
	char *dir, *p = volume(&dir);

	assert_null(diskimg_open(p, 0, 0, -1));
	assert_non_null(strstr(tlsh_errmsg(), "no NTFS partition holds "
	    "Windows/System32/config/SYSTEM and SOFTWARE (1 partition found)"));
	assert_null(diskimg_open(p, 0, 3, -1));
	assert_non_null(strstr(tlsh_errmsg(), "--partition 3: the disk has no "
	    "partition table, the whole disk is one volume"));
	fixture_rmrf(dir);
	free(p);
	free(dir);
}

static void
test_diskimg_open__bitlocker_and_wim_refused(void **state)
{
	char *dir, *p = volume(&dir), *bytes;
	size_t len;

	bytes = fixture_slurp(p, &len);
	memcpy(bytes + 3, "-FVE-FS-", 8);
	assert_int_equal(fixture_write(p, bytes, len), 0);
	assert_null(diskimg_open(p, 1, 0, -1));
	assert_non_null(strstr(tlsh_errmsg(), "encrypted with BitLocker"));
	memcpy(bytes, "MSWIM\0\0\0", 8);
	assert_int_equal(fixture_write(p, bytes, len), 0);
	assert_null(diskimg_open(p, 1, 0, -1));
	assert_non_null(strstr(tlsh_errmsg(), "a WIM file"));
	free(bytes);
	fixture_rmrf(dir);
	free(p);
	free(dir);
}

static ntfs_inode *
mk(ntfs_inode *dir, const char *name, mode_t type)
{
	ntfschar *u = NULL;
	int ul = ntfs_mbstoucs(name, &u);
	ntfs_inode *ni;

	assert_true(ul > 0);
	ni = ntfs_create(dir, const_cpu_to_le32(0), u, (u8)ul, type);
	assert_non_null(ni);
	free(u);
	return ni;
}

/*
 * A whole-disk NTFS volume whose SOFTWARE (LEN bytes of *want) is written
 * by turns with another file, a few clusters each, as Windows leaves a
 * hive that grew beside others: libntfs-3g extends a file after its last
 * cluster, taken by then, so every turn is a run of its own (in a small
 * volume: in a larger one it allocates ahead).  The number of runs in
 * *runs.
 */
static char *
fragmented(char **dir, size_t len, unsigned char **want, size_t *runs)
{
	char *p;
	unsigned char *junk = xmalloc(8 * 4096);
	ntfs_volume *v;
	ntfs_inode *root, *w, *s32, *cfg, *sys, *soft, *fill;
	ntfs_attr *sa, *fa;
	size_t at = 0;

	p = volume_of(dir, 32);
	*want = xmalloc(len);
	for (size_t i = 0; i < len; i++)
		(*want)[i] = (unsigned char)(i * 7 + i / 4096);
	memset(junk, 0xEE, 8 * 4096);
	assert_non_null(v = ntfs_mount(p, 0));
	assert_non_null(root = ntfs_inode_open(v, FILE_root));
	w = mk(root, "Windows", S_IFDIR);
	s32 = mk(w, "System32", S_IFDIR);
	cfg = mk(s32, "config", S_IFDIR);
	sys = mk(cfg, "SYSTEM", S_IFREG);
	soft = mk(cfg, "SOFTWARE", S_IFREG);
	fill = mk(cfg, "filler", S_IFREG);
	assert_non_null(sa = ntfs_attr_open(soft, AT_DATA, AT_UNNAMED, 0));
	assert_non_null(fa = ntfs_attr_open(fill, AT_DATA, AT_UNNAMED, 0));
	for (size_t k = 0; at < len; k++) {
		size_t c = (k % 5 + 1) * 4096 - (k % 3) * 512;
		if (c > len - at)
			c = len - at;
		assert_int_equal(ntfs_attr_pwrite(sa, (s64)at, (s64)c,
		    *want + at), (s64)c);
		assert_int_equal(ntfs_attr_pwrite(fa, (s64)(k * 4096), 4096,
		    junk), 4096);
		at += c;
	}
	ntfs_attr_close(fa);
	ntfs_attr_close(sa);
	assert_non_null(sa = ntfs_attr_open(soft, AT_DATA, AT_UNNAMED, 0));
	assert_int_equal(ntfs_attr_map_whole_runlist(sa), 0);
	*runs = 0;
	for (runlist_element *rl = sa->rl; rl->length; rl++)
		(*runs)++;
	ntfs_attr_close(sa);
	ntfs_inode_close(fill);
	ntfs_inode_close(soft);
	ntfs_inode_close(sys);
	ntfs_inode_close(cfg);
	ntfs_inode_close(s32);
	ntfs_inode_close(w);
	ntfs_inode_close(root);
	assert_int_equal(ntfs_umount(v, FALSE), 0);
	free(junk);
	return p;
}

/*
 * A fragmented hive read whole by its runlist (qcow2: through qemu-nbd,
 * many requests in flight; raw: a run at a time) gives the bytes
 * libntfs-3g's own reads give, and the bytes written.
 */
static void
test_diskimg_load__runlist_reads_as_ntfs_does(void **state)
{
	static const char *const comps[] = { "Windows", "System32", "config",
	    "SOFTWARE" };
	size_t len = (3u << 20) + 1000, runs;
	unsigned char *want, *got = xmalloc(len), *view;
	char *dir, *raw = fragmented(&dir, len, &want, &runs), *q, *cmd;
	const char *imgs[2];

	assert_true(runs >= 100);
	q = xasprintf("%s/disk.qcow2", dir);
	cmd = xasprintf("qemu-img convert -f raw -O qcow2 '%s' '%s'", raw, q);
	assert_int_equal(system(cmd), 0);
	imgs[0] = q;
	imgs[1] = raw;
	for (int i = 0; i < 2; i++) {
		struct diskimg *d = diskimg_open(imgs[i], 0, 0, -1);
		struct sfile *f;
		uint64_t sz;

		assert_non_null(d);
		assert_non_null(f = diskimg_file(d, comps, 4, 0));
		assert_int_equal(sfile_size(f, &sz), 0);
		assert_int_equal(sz, len);
		/* before the file is loaded: libntfs-3g, run by run */
		memset(got, 0, len);
		assert_int_equal(sfile_read(f, got, len, 0), 0);
		assert_memory_equal(got, want, len);
		assert_int_equal(diskimg_run_bytes(d), 0);
		assert_non_null(view = sfile_view(f, len));
		assert_int_equal(diskimg_run_bytes(d), len);
		assert_memory_equal(view, got, len);
		sfile_view_free(f, view, len);
		sfile_close(f);
		diskimg_close(d);
	}
	fixture_rmrf(dir);
	free(cmd);
	free(q);
	free(raw);
	free(dir);
	free(got);
	free(want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diskimg_open__no_windows_named),
		cmocka_unit_test(test_diskimg_open__bitlocker_and_wim_refused),
		cmocka_unit_test(test_diskimg_load__runlist_reads_as_ntfs_does),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
