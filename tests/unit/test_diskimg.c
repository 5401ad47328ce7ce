/* diskimg.c: finding the Windows volume in an image, and what is refused. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "io/diskimg.h"
#include "tlshive.h"

/* A bare NTFS volume (no partition table) without Windows on it. */
static char *
volume(char **dir)
{
	char *p, *cmd;

	*dir = fixture_dir();
	p = xasprintf("%s/vol.ntfs", *dir);
	cmd = xasprintf("truncate -s 16M '%s' && mkntfs -F -Q -q '%s' > "
	    "/dev/null 2>&1", p, p);
	if (system(cmd) != 0)
		fail_msg("mkntfs (ntfs-3g) is needed: %s", cmd);
	free(cmd);
	return p;
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diskimg_open__no_windows_named),
		cmocka_unit_test(test_diskimg_open__bitlocker_and_wim_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
