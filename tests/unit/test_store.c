/* store.c: files reached through descriptors, never through a link. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "io/store.h"
#include "tlshive.h"

static char *
file_in(const char *dir, const char *name, const char *text)
{
	char *p = xasprintf("%s/%s", dir, name);

	assert_int_equal(fixture_write(p, text, strlen(text)), 0);
	return p;
}

static void
test_sfile_open__symlink__refused(void **state)
{
	char *dir = fixture_dir(), *p = file_in(dir, "SYSTEM", "hive");
	char *l = xasprintf("%s/link", dir);

	assert_int_equal(symlink(p, l), 0);
	assert_null(sfile_open(l, 0));
	assert_non_null(strstr(tlsh_errmsg(), "is a symbolic link"));
	assert_null(sfile_open(l, SF_WRITE | SF_LOCK));
	fixture_rmrf(dir);
	free(l);
	free(p);
	free(dir);
}

static void
test_sfile_open__hard_link__refused_for_writing(void **state)
{
	char *dir = fixture_dir(), *p = file_in(dir, "SYSTEM", "hive");
	char *l = xasprintf("%s/other", dir);
	struct sfile *f;

	assert_int_equal(link(p, l), 0);
	assert_null(sfile_open(p, SF_WRITE));
	assert_non_null(strstr(tlsh_errmsg(), "2 hard links"));
	assert_non_null(f = sfile_open(p, 0));		/* reading is fine */
	sfile_close(f);
	fixture_rmrf(dir);
	free(l);
	free(p);
	free(dir);
}

static void
test_sfile_lock__second_writer_fails_fast(void **state)
{
	char *dir = fixture_dir(), *p = file_in(dir, "SYSTEM", "hive");
	struct sfile *a = sfile_open(p, SF_WRITE | SF_LOCK), *b;

	assert_non_null(a);
	assert_null(b = sfile_open(p, SF_WRITE | SF_LOCK));
	assert_non_null(strstr(tlsh_errmsg(), "another tlshive is changing"));
	assert_non_null(b = sfile_open(p, 0));		/* readers go on */
	sfile_close(b);
	sfile_close(a);
	assert_non_null(b = sfile_open(p, SF_WRITE | SF_LOCK));
	sfile_close(b);
	fixture_rmrf(dir);
	free(p);
	free(dir);
}

static void
test_sfile_io__in_place_and_grown(void **state)
{
	char *dir = fixture_dir(), *p = file_in(dir, "SYSTEM", "0123456789");
	struct sfile *f = sfile_open(p, SF_WRITE);
	struct stat a, b;
	unsigned char buf[4];
	uint64_t len;
	char *got;
	size_t n;

	assert_int_equal(stat(p, &a), 0);
	assert_int_equal(sfile_write(f, "ab", 2, 3), 0);
	assert_int_equal(sfile_write(f, "XY", 2, 12), 0);	/* grows */
	assert_int_equal(sfile_size(f, &len), 0);
	assert_int_equal(len, 14);
	assert_int_equal(sfile_read(f, buf, 4, 2), 0);
	assert_memory_equal(buf, "2ab5", 4);
	assert_int_equal(sfile_truncate(f, 10), 0);
	assert_int_equal(sfile_sync(f), 0);
	assert_int_equal(sfile_read(f, buf, 4, 8), -1);	/* past the end */
	sfile_close(f);
	assert_int_equal(stat(p, &b), 0);
	assert_int_equal(a.st_ino, b.st_ino);
	got = fixture_slurp(p, &n);
	assert_int_equal(n, 10);
	assert_memory_equal(got, "012ab56789", 10);
	free(got);
	fixture_rmrf(dir);
	free(p);
	free(dir);
}

static void
test_sfile_sibling__made_like_the_hive_or_absent(void **state)
{
	char *dir = fixture_dir(), *p = file_in(dir, "SYSTEM", "hive");
	struct sfile *f, *l;
	struct stat st;
	char *lp = xasprintf("%s.LOG1", p);

	assert_int_equal(chmod(p, 0640), 0);
	f = sfile_open(p, SF_WRITE | SF_LOCK);
	errno = 0;
	assert_null(sfile_sibling(f, ".LOG1", SF_WRITE));
	assert_int_equal(errno, ENOENT);
	assert_non_null(l = sfile_sibling(f, ".LOG1", SF_WRITE | SF_CREATE));
	assert_string_equal(sfile_name(l), lp);
	sfile_close(l);
	assert_int_equal(stat(lp, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	sfile_close(f);
	fixture_rmrf(dir);
	free(lp);
	free(p);
	free(dir);
}

static void
test_store_write_new__replaces_whole_leaves_no_temp(void **state)
{
	char *dir = fixture_dir(), *p = file_in(dir, "undo.reg", "old");
	char *got;
	size_t n;

	assert_int_equal(store_write_new(p, "new contents", 12), 0);
	got = fixture_slurp(p, &n);
	assert_int_equal(n, 12);
	assert_memory_equal(got, "new contents", 12);
	free(got);
	got = xasprintf("ls -a '%s' | grep -q tlshive", dir);
	assert_int_not_equal(system(got), 0);
	free(got);
	fixture_rmrf(dir);
	free(p);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sfile_open__symlink__refused),
		cmocka_unit_test(test_sfile_open__hard_link__refused_for_writing),
		cmocka_unit_test(test_sfile_lock__second_writer_fails_fast),
		cmocka_unit_test(test_sfile_io__in_place_and_grown),
		cmocka_unit_test(test_sfile_sibling__made_like_the_hive_or_absent),
		cmocka_unit_test(test_store_write_new__replaces_whole_leaves_no_temp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
