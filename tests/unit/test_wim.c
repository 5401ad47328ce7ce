/* wim.c: a hive out of a WIM image into memory and back. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "io/store.h"
#include "io/wim.h"
#include "tlshive.h"

/* A WIM of one image holding Windows/System32/config/SYSTEM. */
static char *
make_wim(char **dir, const char *content)
{
	char *cmd, *wim;

	*dir = fixture_dir();
	cmd = xasprintf("mkdir -p '%s/tree/Windows/System32/config' && "
	    "printf '%%s' '%s' > '%s/tree/Windows/System32/config/SYSTEM' && "
	    "wimcapture '%s/tree' '%s/t.wim' 'test image' > /dev/null 2>&1",
	    *dir, content, *dir, *dir, *dir);
	if (system(cmd) != 0)
		fail_msg("wimcapture (wimtools) is needed: %s", cmd);
	free(cmd);
	wim = xasprintf("%s/t.wim", *dir);
	return wim;
}

static void
test_wim_file__read_change_commit(void **state)
{
	char *dir, *path = make_wim(&dir, "original bytes"), *before, *after;
	struct wim *w = wim_open(path, 1);
	struct sfile *f;
	char buf[32];
	uint64_t len;
	size_t l1, l2;

	assert_non_null(w);
	assert_int_equal(wim_images(w), 1);
	assert_string_equal(wim_image_name(w, 1), "test image");
	assert_null(wim_file(w, 1, "/Windows/System32/config/SOFTWARE"));
	assert_non_null(f = wim_file(w, 1, "/Windows/System32/config/SYSTEM"));
	assert_int_equal(sfile_size(f, &len), 0);
	assert_int_equal(len, 14);
	assert_int_equal(sfile_read(f, buf, 14, 0), 0);
	assert_memory_equal(buf, "original bytes", 14);
	/* nothing changed: the WIM is not written */
	before = fixture_slurp(path, &l1);
	assert_int_equal(wim_commit(w, 0), 0);
	after = fixture_slurp(path, &l2);
	assert_int_equal(l1, l2);
	assert_memory_equal(before, after, l1);
	free(before);
	free(after);
	/* a change, and growth: put back, read back after reopening */
	assert_int_equal(sfile_write(f, "CHANGED", 7, 0), 0);
	assert_int_equal(sfile_write(f, "+more", 5, 14), 0);
	sfile_close(f);		/* the WIM keeps the bytes until commit */
	assert_int_equal(wim_commit(w, 0), 1);
	wim_close(w);
	assert_non_null(w = wim_open(path, 0));
	assert_non_null(f = wim_file(w, 1, "/Windows/System32/config/SYSTEM"));
	assert_int_equal(sfile_size(f, &len), 0);
	assert_int_equal(len, 19);
	assert_int_equal(sfile_read(f, buf, 19, 0), 0);
	assert_memory_equal(buf, "CHANGEDl bytes+more", 19);
	sfile_close(f);
	wim_close(w);
	fixture_rmrf(dir);
	free(path);
	free(dir);
}

static void
test_wim_open__second_writer_refused(void **state)
{
	char *dir, *path = make_wim(&dir, "x");
	struct wim *a = wim_open(path, 1), *b;

	assert_non_null(a);
	assert_null(b = wim_open(path, 1));
	assert_non_null(strstr(tlsh_errmsg(), "another process is changing "
	    "this WIM"));
	wim_close(a);
	assert_non_null(b = wim_open(path, 1));
	wim_close(b);
	fixture_rmrf(dir);
	free(path);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wim_file__read_change_commit),
		cmocka_unit_test(test_wim_open__second_writer_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
