/* image.c: finding hives under ROOT in any casing, never through a link. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "io/image.h"
#include "regf/mkhive.h"
#include "tlshive.h"

static char *
layout(const char *w, const char *s, const char *c, int software)
{
	char *d = fixture_dir(), *p;

	p = xasprintf("%s/%s", d, w);
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
	p = xasprintf("%s/%s/%s", d, w, s);
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
	p = xasprintf("%s/%s/%s/%s", d, w, s, c);
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
	p = xasprintf("%s/%s/%s/%s/system", d, w, s, c);
	assert_int_equal(mkhive_write(p, "ROOT", 1), 0);
	free(p);
	if (software) {
		p = xasprintf("%s/%s/%s/%s/SOFTWARE", d, w, s, c);
		assert_int_equal(mkhive_write(p, "ROOT", 1), 0);
		free(p);
	}
	return d;
}

static void
test_image_locate__any_casing(void **state)
{
	char *d = layout("WINDOWS", "system32", "Config", 1), *want;
	struct image img;

	assert_int_equal(image_locate(&img, d), 0);
	want = xasprintf("%s/WINDOWS/system32/Config/system", d);
	assert_string_equal(img.path[HV_SYSTEM], want);
	free(want);
	want = xasprintf("%s/WINDOWS/system32/Config/SOFTWARE", d);
	assert_string_equal(img.path[HV_SOFTWARE], want);
	free(want);
	image_free(&img);
	fixture_rmrf(d);
	free(d);
}

/* either hive may be left out, as with --system alone */
static void
test_image_locate__missing_software__system_alone(void **state)
{
	char *d = layout("Windows", "System32", "config", 0);
	struct image img;

	assert_int_equal(image_locate(&img, d), 0);
	assert_non_null(img.path[HV_SYSTEM]);
	assert_null(img.path[HV_SOFTWARE]);
	assert_null(img.loc[HV_SOFTWARE]);
	image_free(&img);
	fixture_rmrf(d);
	free(d);
}

static void
test_image_locate__symlinked_dir__refused(void **state)
{
	char *d = layout("Windows", "System32", "real", 1), *link;
	struct image img;

	link = xasprintf("%s/Windows/System32/config", d);
	assert_int_equal(symlink("real", link), 0);
	assert_int_equal(image_locate(&img, d), -1);
	assert_non_null(strstr(tlsh_errmsg(), "symbolic link"));
	free(link);
	fixture_rmrf(d);
	free(d);
}

static void
test_image_locate__symlinked_hive__refused(void **state)
{
	char *d = layout("Windows", "System32", "config", 0), *link;
	struct image img;

	link = xasprintf("%s/Windows/System32/config/SOFTWARE", d);
	assert_int_equal(symlink("/etc/passwd", link), 0);
	assert_int_equal(image_locate(&img, d), -1);
	assert_non_null(strstr(tlsh_errmsg(), "symbolic link"));
	free(link);
	fixture_rmrf(d);
	free(d);
}

static void
test_image_locate__not_a_volume__error(void **state)
{
	char *d = fixture_dir();
	struct image img;

	assert_int_equal(image_locate(&img, d), -1);
	assert_non_null(strstr(tlsh_errmsg(), "not the root of a Windows"));
	fixture_rmrf(d);
	free(d);
}

static void
test_image_hiberfil__states(void **state)
{
	char *d = layout("Windows", "System32", "config", 1), *hf;
	struct image img;

	assert_int_equal(image_locate(&img, d), 0);
	assert_int_equal(img.hiber, HIBER_NONE);
	image_free(&img);
	hf = xasprintf("%s/HiberFil.sys", d);
	assert_int_equal(fixture_write(hf, "\0\0\0\0\0\0\0\0", 8), 0);
	assert_int_equal(image_locate(&img, d), 0);
	assert_int_equal(img.hiber, HIBER_CLEARED);
	image_free(&img);
	assert_int_equal(fixture_write(hf, "wakeXXXX", 8), 0);
	assert_int_equal(image_locate(&img, d), 0);
	assert_int_equal(img.hiber, HIBER_ACTIVE);
	assert_string_equal(img.hiber_sig, "wake");
	image_free(&img);
	free(hf);
	fixture_rmrf(d);
	free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_image_locate__any_casing),
		cmocka_unit_test(test_image_locate__missing_software__system_alone),
		cmocka_unit_test(test_image_locate__symlinked_dir__refused),
		cmocka_unit_test(test_image_locate__symlinked_hive__refused),
		cmocka_unit_test(test_image_locate__not_a_volume__error),
		cmocka_unit_test(test_image_hiberfil__states),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
