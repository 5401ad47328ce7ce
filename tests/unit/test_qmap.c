/* qmap.c: qemu-img map's word on where a qcow2's guest bytes lie, checked. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fixture.h"
#include "io/qmap.h"
#include "tlshive.h"

static int
parse(const char *text, uint64_t from, uint64_t to, uint64_t size,
    struct qmap *m)
{
	return qmap_parse(text, strlen(text), from, to, size, m);
}

/* What qemu-img 7.2 prints for a range holding every kind of extent. */
static void
test_qmap_parse__kinds_and_lookup(void **state)
{
	const char *t =
	    "[{ \"start\": 4096, \"length\": 61440, \"depth\": 0, "
	    "\"present\": true, \"zero\": false, \"data\": true, "
	    "\"offset\": 266240},\n"
	    "{ \"start\": 65536, \"length\": 131072, \"depth\": 0, "
	    "\"present\": false, \"zero\": true, \"data\": false},\n"
	    "{ \"start\": 196608, \"length\": 65536, \"depth\": 0, "
	    "\"present\": true, \"zero\": false, \"data\": true},\n"
	    "{ \"start\": 262144, \"length\": 65536, \"depth\": 1, "
	    "\"present\": true, \"zero\": false, \"data\": true, "
	    "\"offset\": 327680}]\n";
	struct qmap m;
	const struct qmap_ext *x;

	assert_int_equal(parse(t, 4096, 300000, 1u << 20, &m), 0);
	assert_int_equal(m.n, 4);
	assert_int_equal(m.v[0].kind, QMAP_FILE);
	assert_int_equal(m.v[0].off, 266240);
	assert_int_equal(m.v[1].kind, QMAP_ZERO);
	/* compressed or encrypted: data, no offset */
	assert_int_equal(m.v[2].kind, QMAP_SERVER);
	/* a backing file's bytes, whose offset is in another file */
	assert_int_equal(m.v[3].kind, QMAP_SERVER);
	assert_null(qmap_find(&m, 4095));
	assert_ptr_equal(qmap_find(&m, 4096), &m.v[0]);
	assert_ptr_equal(qmap_find(&m, 65535), &m.v[0]);
	assert_ptr_equal(qmap_find(&m, 65536), &m.v[1]);
	assert_ptr_equal(qmap_find(&m, 327679), &m.v[3]);
	assert_null(qmap_find(&m, 327680));
	qmap_free(&m);
	/* extents past the range asked are not kept */
	assert_int_equal(parse(t, 4096, 65536, 1u << 20, &m), 0);
	assert_int_equal(m.n, 1);
	qmap_free(&m);
}

/* Every way the text could point outside the file or leave bytes unsaid
 * is refused whole: nothing of such a map is used. */
static void
test_qmap_parse__refuses_what_does_not_fit(void **state)
{
#define E(s, l, more) "{ \"start\": " #s ", \"length\": " #l \
	", \"depth\": 0, \"zero\": false, \"data\": true" more "}"
	const struct { const char *text; uint64_t size; } bad[] = {
		/* one byte past the end of a 1 MiB file */
		{ "[" E(0, 65536, ", \"offset\": 983041") "]", 1u << 20 },
		/* an offset that wraps */
		{ "[" E(0, 65536, ", \"offset\": 18446744073709486081") "]",
		    1u << 20 },
		{ "[" E(0, 65536, ", \"offset\": -1") "]", 1u << 20 },
		{ "[" E(0, 65536, ", \"offset\": \"0\"") "]", 1u << 20 },
		/* a gap, an overlap, a first extent not at the range's start */
		{ "[" E(0, 4096, ", \"offset\": 0") "," E(8192, 65536,
		    ", \"offset\": 0") "]", 1u << 20 },
		{ "[" E(0, 8192, ", \"offset\": 0") "," E(4096, 65536,
		    ", \"offset\": 0") "]", 1u << 20 },
		{ "[" E(4096, 65536, ", \"offset\": 0") "]", 1u << 20 },
		/* short of the range */
		{ "[" E(0, 32768, ", \"offset\": 0") "]", 1u << 20 },
		/* not a map */
		{ "{}", 1u << 20 },
		{ "[1]", 1u << 20 },
		{ "[{ \"start\": 0, \"length\": 65536 }]", 1u << 20 },
		{ "[" E(0, 65536, ", \"offset\": 0"), 1u << 20 },
		{ "", 1u << 20 },
	};
#undef E
	struct qmap m;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i].text, 0, 65536, bad[i].size, &m) != -1)
			fail_msg("accepted: %s", bad[i].text);
		assert_null(m.v);
		assert_int_equal(m.n, 0);
		assert_non_null(strstr(tlsh_errmsg(), "qemu-img map"));
	}
	/* the last byte of the file is inside it */
	assert_int_equal(parse("[{ \"start\": 0, \"length\": 65536, "
	    "\"depth\": 0, \"zero\": false, \"data\": true, \"offset\": "
	    "983040}]", 0, 65536, 1u << 20, &m), 0);
	qmap_free(&m);
}

/* qemu-img map itself on images qemu-img made: the bytes it puts in the
 * file are the raw image's bytes there; a compressed image's are not in
 * the file at all. */
static void
test_qmap_read__offsets_hold_the_bytes(void **state)
{
	size_t len = 4u << 20;
	char *dir = fixture_dir(), *raw = xasprintf("%s/d.raw", dir),
	    *q = xasprintf("%s/d.qcow2", dir), *c = xasprintf("%s/c.qcow2", dir),
	    *cmd;
	unsigned char *want = xcalloc(1, len), *file;
	size_t flen;
	struct qmap m;
	uint64_t from = 65536 + 512 + 3, to = len - 70000, seen = 0;

	/* data, a hole of zeroes, data again */
	for (size_t i = 0; i < len; i += 8)
		if (i < (1u << 20) || i >= (2u << 20))
			memcpy(want + i, &i, 8);
	assert_int_equal(fixture_write(raw, want, len), 0);
	cmd = xasprintf("qemu-img convert -f raw -O qcow2 '%s' '%s' && "
	    "qemu-img convert -c -f raw -O qcow2 '%s' '%s'", raw, q, raw, c);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	assert_non_null(file = (unsigned char *)fixture_slurp(q, &flen));
	assert_int_equal(qmap_read(q, from, to, flen, &m), 0);
	for (uint64_t at = from; at < to;) {
		const struct qmap_ext *x = qmap_find(&m, at);
		uint64_t k;

		assert_non_null(x);
		k = x->start + x->len - at < to - at ? x->start + x->len - at :
		    to - at;
		if (x->kind == QMAP_FILE) {
			assert_memory_equal(file + x->off + (at - x->start),
			    want + at, k);
			seen += k;
		} else {
			assert_int_equal(x->kind, QMAP_ZERO);
			for (uint64_t i = 0; i < k; i++)
				assert_int_equal(want[at + i], 0);
		}
		at += k;
	}
	assert_true(seen >= to - from - (1u << 20));
	qmap_free(&m);
	free(file);
	assert_non_null(file = (unsigned char *)fixture_slurp(c, &flen));
	assert_int_equal(qmap_read(c, from, to, flen, &m), 0);
	for (size_t i = 0; i < m.n; i++)
		assert_int_not_equal(m.v[i].kind, QMAP_FILE);
	qmap_free(&m);
	/* not an image qemu-img can map */
	assert_int_equal(qmap_read(raw, 0, 65536, len, &m), -1);
	fixture_rmrf(dir);
	free(file);
	free(want);
	free(raw);
	free(q);
	free(c);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qmap_parse__kinds_and_lookup),
		cmocka_unit_test(test_qmap_parse__refuses_what_does_not_fit),
		cmocka_unit_test(test_qmap_read__offsets_hold_the_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
