/* report.c: the JSON document's shape, read back with json-c. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli/report.h"
#include "fixture.h"

static json_object *
render(enum command cmd, const char *layout, const char *set,
    char **text_out)
{
	char *root = fixture_image(layout, NULL);
	struct image img = { 0 };
	struct hive *h[HV_COUNT];
	struct facts f;
	struct plan p;
	struct policy pol = { 0 };
	struct strlist e = { 0 };
	struct run r = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *out;
	json_object *o;

	img.root = root;
	img.path[0] = fixture_path(root, "SYSTEM");
	img.path[1] = fixture_path(root, "SOFTWARE");
	for (int i = 0; i < HV_USER; i++)
		assert_non_null(h[i] = hive_open(img.path[i], 0));
	h[HV_USER] = NULL;	/* the machine's hives only */
	assert_int_equal(facts_read(&f, h[0], h[1]), 0);
	if (cmd == CMD_SHOW)
		assert_int_equal(plan_show(&p, &f, h), 0);
	else {
		assert_int_equal(policy_add_set(&pol, set, &e), 0);
		assert_int_equal(plan_build(&p, &pol, &f, h, 0, &e), 0);
	}
	r.cmd = cmd;
	r.img = &img;
	r.hdr[0] = hive_header(h[0]);
	r.hdr[1] = hive_header(h[1]);
	r.f = &f;
	r.p = &p;
	r.profile = "test";
	out = open_memstream(&buf, &len);
	report_json(out, &r);
	fclose(out);
	o = json_tokener_parse(buf);
	assert_non_null(o);
	free(buf);
	out = open_memstream(&buf, &len);
	report_text(out, &r);
	fclose(out);
	*text_out = buf;
	plan_free(&p);
	policy_free(&pol);
	facts_free(&f);
	for (int i = 0; i < HV_COUNT; i++)
		hive_close(h[i]);
	fixture_image_rm(root);
	image_free(&img);
	return o;
}

static json_object *
get(json_object *o, const char *k)
{
	json_object *v = NULL;

	assert_true(json_object_object_get_ex(o, k, &v));
	return v;
}

static void
test_report_show_json__os_and_settings(void **state)
{
	char *text;
	json_object *o = render(CMD_SHOW, "2019", NULL, &text), *os, *s, *first;

	os = get(o, "os");
	assert_true(json_object_is_type(get(os, "build"), json_type_int));
	assert_int_equal(json_object_get_int(get(os, "build")), 17763);
	assert_string_equal(json_object_get_string(get(os, "product")),
	    "Windows Server 2019 Standard");
	s = get(o, "settings");
	assert_true(json_object_array_length(s) > nsettings);
	first = json_object_array_get_idx(s, 0);
	assert_string_equal(json_object_get_string(get(first, "name")),
	    "SSL 2.0 client");
	assert_string_equal(json_object_get_string(get(first, "hive")),
	    "SYSTEM");
	assert_string_equal(json_object_get_string(get(first, "value")),
	    "Enabled=absent, DisabledByDefault=0x00000001 (1)");
	assert_non_null(strstr(text, "build        17763.5458 (1809)"));
	json_object_put(o);
	free(text);
}

static void
test_report_check_json__differences(void **state)
{
	char *text;
	json_object *o = render(CMD_CHECK, "win7-x86", "TLS 1.0 = off", &text);
	json_object *d = get(o, "differences"), *first;

	assert_false(json_object_get_boolean(get(o, "compliant")));
	assert_int_equal(json_object_array_length(d), 8);
	first = json_object_array_get_idx(d, 0);
	assert_string_equal(json_object_get_string(get(first, "name")),
	    "TLS 1.0 client");
	assert_int_equal(json_object_get_int(get(first, "expected")), 0);
	assert_true(json_object_is_type(get(first, "actual"), json_type_null));
	/* text: one line a setting (client and server, both control sets),
	 * counted in settings, as apply counts them */
	assert_non_null(strstr(text, "TLS 1.0 client: expected "
	    "Enabled=0x00000000 (0), DisabledByDefault=0x00000001 (1), actual "
	    "absent in ControlSet001, ControlSet002 ("));
	assert_null(strstr(text, "SCHANNEL"));
	assert_non_null(strstr(text, "not compliant: 2 of 2 settings differ"));
	json_object_put(o);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_show_json__os_and_settings),
		cmocka_unit_test(test_report_check_json__differences),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
