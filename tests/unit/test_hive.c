/* hive.c: base-block checks, get-or-create, hivex's new image. */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "regf/commit.h"
#include "regf/hive.h"
#include "regf/logs.h"
#include "regf/mkhive.h"
#include "regf/regf.h"
#include "tlshive.h"

/* Rewrites the base block with seq1 bumped and, optionally, a good checksum. */
static void
make_dirty(const char *path, int fix_checksum)
{
	size_t len;
	unsigned char *b = (unsigned char *)fixture_slurp(path, &len);

	put_le32(b + 4, 5);
	put_le32(b + 8, 4);
	if (fix_checksum)
		put_le32(b + 508, regf_checksum(b));
	assert_int_equal(fixture_write(path, b, len), 0);
	free(b);
}

static void
test_hive_open__not_a_hive__names_file(void **state)
{
	char *dir = fixture_dir(), *p = xasprintf("%s/junk", dir);
	char junk[5000];

	memset(junk, 'x', sizeof(junk));
	assert_int_equal(fixture_write(p, junk, 100), 0);
	assert_null(hive_open(p, 0));
	assert_non_null(strstr(tlsh_errmsg(), "shorter than a base block"));
	assert_non_null(strstr(tlsh_errmsg(), p));
	assert_int_equal(fixture_write(p, junk, sizeof(junk)), 0);
	assert_null(hive_open(p, 0));
	assert_non_null(strstr(tlsh_errmsg(), "no regf signature"));
	fixture_rmrf(dir);
	free(p);
	free(dir);
}

static void
test_hive_open__dirty__refused_unless_discard(void **state)
{
	char *dir, *p = fixture_hive(&dir), *log = xasprintf("%s.LOG1", p);
	struct hive *h;

	make_dirty(p, 1);
	assert_int_equal(fixture_write(log, "x", 1), 0);
	assert_null(hive_open(p, 0));
	assert_non_null(strstr(tlsh_errmsg(), "not shut down cleanly"));
	assert_non_null(strstr(tlsh_errmsg(), "SYSTEM.LOG1"));
	assert_non_null(strstr(tlsh_errmsg(), "--discard-logs"));
	h = hive_open(p, HIVE_DISCARD_LOGS);
	assert_non_null(h);
	assert_true(hive_header(h)->dirty);
	hive_close(h);
	fixture_rmrf(dir);
	free(log);
	free(p);
	free(dir);
}

static void
test_hive_open__bad_checksum__refused_even_with_discard(void **state)
{
	char *dir, *p = fixture_hive(&dir);

	make_dirty(p, 0);
	assert_null(hive_open(p, HIVE_DISCARD_LOGS));
	assert_non_null(strstr(tlsh_errmsg(), "checksum"));
	fixture_rmrf(dir);
	free(p);
	free(dir);
}

static void
test_hive_open__truncated__refused(void **state)
{
	char *dir, *p = fixture_hive(&dir);

	assert_int_equal(truncate(p, 4096 + 2048), 0);
	assert_null(hive_open(p, 0));
	assert_non_null(strstr(tlsh_errmsg(), "truncated"));
	fixture_rmrf(dir);
	free(p);
	free(dir);
}

static void
test_hive_set__creates_path_and_keeps_siblings(void **state)
{
	char *dir, *p = fixture_hive(&dir);
	struct hive *h = hive_open(p, HIVE_WRITE);
	struct regval a, b, got;

	regval_dword(&a, 1);
	regval_sz(&b, "keep me");
	assert_int_equal(hive_set(h, "K1\\K2", "Sibling", &b), 0);
	assert_int_equal(hive_set(h, "K1\\K2\\K3", "Enabled", &a), 0);
	assert_int_equal(hive_set(h, "K1\\K2", "Enabled", &a), 0);
	assert_int_equal(hive_get(h, "k1\\K2", "Sibling", &got), 1);
	assert_true(regval_equal(&got, &b));
	regval_free(&got);
	assert_int_equal(hive_get(h, "K1\\K2\\K3", "Missing", &got), 0);
	assert_int_equal(hive_get(h, "K1\\Nope", "Enabled", &got), 0);
	assert_int_equal(hive_key_exists(h, "K1\\K2\\K3"), 1);
	regval_free(&a);
	regval_free(&b);
	hive_close(h);
	fixture_rmrf(dir);
	free(p);
	free(dir);
}

static void
test_hive_set__never_creates_currentcontrolset(void **state)
{
	char *dir, *p = fixture_hive(&dir);
	struct hive *h = hive_open(p, HIVE_WRITE);
	struct regval a;

	regval_dword(&a, 1);
	assert_int_equal(hive_set(h, "CurrentControlSet\\Control", "X", &a),
	    -1);
	assert_non_null(strstr(tlsh_errmsg(), "CurrentControlSet"));
	assert_int_equal(hive_key_exists(h, "CurrentControlSet"), 0);
	regval_free(&a);
	hive_close(h);
	fixture_rmrf(dir);
	free(p);
	free(dir);
}

static void
test_hive_lock__second_writer_fails_fast(void **state)
{
	char *dir, *p = fixture_hive(&dir);
	struct hive *h = hive_open(p, HIVE_WRITE), *h2;

	assert_non_null(h);
	assert_null(h2 = hive_open(p, HIVE_WRITE));
	assert_non_null(strstr(tlsh_errmsg(), "another tlshive is changing"));
	assert_non_null(h2 = hive_open(p, 0));		/* readers go on */
	hive_close(h2);
	hive_close(h);
	assert_non_null(h2 = hive_open(p, HIVE_WRITE));
	hive_close(h2);
	fixture_rmrf(dir);
	free(p);
	free(dir);
}

static void
test_hive_make_writable__keeps_the_lock(void **state)
{
	char *dir, *p = fixture_hive(&dir);
	struct hive *h = hive_open(p, HIVE_LOCK), *other;
	struct regval a;

	assert_non_null(h);
	regval_dword(&a, 1);
	assert_int_equal(hive_set(h, "K", "V", &a), -1);	/* read-only */
	assert_null(other = hive_open(p, HIVE_WRITE));		/* locked */
	assert_int_equal(hive_make_writable(h), 0);
	assert_int_equal(hive_set(h, "K", "V", &a), 0);
	assert_null(other = hive_open(p, HIVE_WRITE));		/* still */
	hive_close(h);
	regval_free(&a);
	fixture_rmrf(dir);
	free(p);
	free(dir);
}

/*
 * HIVE_BACKGROUND: the lock is taken at once, hivex's copy in a thread;
 * the first read waits for it.  A copy that fails gives, through
 * hive_ready and every later call, the message opening without the flag
 * gives, and the hive reads nothing.
 */
static void
test_hive_open__background__lock_now_copy_later(void **state)
{
	char *dir, *p = fixture_hive(&dir), *msg, *b;
	struct hive *h, *other;
	struct regval a, got;
	size_t len;

	regval_dword(&a, 5);
	assert_non_null(h = hive_open(p, HIVE_WRITE));
	assert_int_equal(hive_set(h, "K", "V", &a), 0);
	assert_int_equal(commit_hives(&h, 1, NULL, NULL, LOG_NEW, NULL), 0);
	hive_close(h);
	assert_non_null(h = hive_open(p, HIVE_WRITE | HIVE_BACKGROUND));
	assert_null(other = hive_open(p, HIVE_LOCK));		/* locked */
	assert_int_equal(hive_get(h, "K", "V", &got), 1);
	assert_true(regval_equal(&got, &a));
	regval_free(&got);
	assert_int_equal(hive_ready(h), 0);
	hive_close(h);
	/* damaged past the base block: only hivex's copy sees it */
	b = fixture_slurp(p, &len);
	memcpy(b + 4096, "hbix", 4);
	assert_int_equal(fixture_write(p, b, len), 0);
	assert_null(hive_open(p, HIVE_WRITE));
	msg = xstrdup(tlsh_errmsg());
	assert_non_null(strstr(msg, p));
	assert_non_null(h = hive_open(p, HIVE_WRITE | HIVE_BACKGROUND));
	assert_int_equal(hive_ready(h), -1);
	assert_string_equal(tlsh_errmsg(), msg);
	tlsh_seterr("%s", "");
	assert_int_equal(hive_get(h, "K", "V", &got), -1);
	assert_string_equal(tlsh_errmsg(), msg);
	hive_close(h);
	/* closed before its copy was awaited */
	assert_non_null(h = hive_open(p, HIVE_WRITE | HIVE_BACKGROUND));
	hive_close(h);
	regval_free(&a);
	free(msg);
	free(b);
	fixture_rmrf(dir);
	free(p);
	free(dir);
}

static void
test_hive_subkeys_dword__one_pass(void **state)
{
	char *dir, *p = fixture_hive(&dir);
	struct hive *h = hive_open(p, HIVE_WRITE);
	struct regval d, sz;
	char **names;
	uint32_t *vals;
	unsigned char *have;
	size_t n;

	regval_dword(&d, 0x70);
	regval_sz(&sz, "0x70");
	assert_int_equal(hive_set(h, "P\\A", "CurrentState", &d), 0);
	assert_int_equal(hive_set(h, "P\\B", "CurrentState", &sz), 0);
	assert_int_equal(hive_mkkey(h, "P\\C"), 0);
	assert_int_equal(hive_subkeys_dword(h, "P", "CurrentState", &names,
	    &vals, &have, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(names[0], "A");
	assert_true(have[0] && vals[0] == 0x70);
	assert_false(have[1]);			/* a string is not a DWORD */
	assert_false(have[2]);
	strv_free(names, n);
	free(vals);
	free(have);
	assert_int_equal(hive_subkeys_dword(h, "Nope", "X", &names, &vals,
	    &have, &n), -1);
	regval_free(&d);
	regval_free(&sz);
	hive_close(h);
	fixture_rmrf(dir);
	free(p);
	free(dir);
}

static uint32_t
dword_at(struct hive *h, const char *key, const char *name)
{
	struct regval v;
	uint32_t d = 0;

	assert_int_equal(hive_get(h, key, name, &v), 1);
	assert_int_equal(regval_get_dword(&v, &d), 1);
	regval_free(&v);
	return d;
}

/*
 * Found keys are remembered by path; deleting a key frees offsets hivex
 * may hand to the next new key, so a remembered path must not outlive it.
 */
static void
test_hive_lookup__deleted_key_is_forgotten(void **state)
{
	char *dir, *p = fixture_hive(&dir);
	struct hive *h = hive_open(p, HIVE_WRITE);
	struct regval v;

	assert_non_null(h);
	regval_dword(&v, 7);
	assert_int_equal(hive_set(h, "A\\B\\C", "x", &v), 0);
	assert_int_equal(hive_set(h, "A\\D", "y", &v), 0);
	regval_free(&v);
	assert_int_equal(hive_key_exists(h, "a\\b\\c"), 1);
	assert_int_equal(hive_delete_key(h, "A\\B"), 0);
	assert_int_equal(hive_key_exists(h, "A\\B\\C"), 0);
	assert_int_equal(hive_key_exists(h, "A\\B"), 0);
	/* new keys take the freed cells; the old paths must not find them */
	regval_dword(&v, 9);
	assert_int_equal(hive_set(h, "A\\E\\F", "z", &v), 0);
	regval_free(&v);
	assert_int_equal(hive_key_exists(h, "A\\B\\C"), 0);
	assert_int_equal(dword_at(h, "A\\E\\F", "z"), 9);
	assert_int_equal(dword_at(h, "a\\d", "y"), 7);
	regval_dword(&v, 11);
	assert_int_equal(hive_set(h, "A\\B\\C", "x", &v), 0);
	regval_free(&v);
	assert_int_equal(dword_at(h, "A\\b\\C", "x"), 11);
	assert_int_equal(commit_hives(&h, 1, NULL, NULL, COMMIT_LOG_AUTO,
	    NULL), 0);
	hive_close(h);
	h = hive_open(p, 0);
	assert_int_equal(dword_at(h, "A\\B\\C", "x"), 11);
	assert_int_equal(dword_at(h, "A\\E\\F", "z"), 9);
	assert_int_equal(hive_key_exists(h, "A\\B\\C\\F"), 0);
	hive_close(h);
	fixture_rmrf(dir);
	free(p);
	free(dir);
}

/* More keys than the table holds: the rest are looked up through hivex. */
static void
test_hive_lookup__more_keys_than_remembered(void **state)
{
	char *dir, *p = fixture_hive(&dir);
	struct hive *h = hive_open(p, HIVE_WRITE);
	enum { N = 7000 };

	assert_non_null(h);
	for (uint32_t i = 0; i < N; i++) {
		char key[64];
		struct regval v;

		snprintf(key, sizeof(key), "K%u\\Sub%u", i % 97, i);
		regval_dword(&v, i);
		assert_int_equal(hive_set(h, key, "n", &v), 0);
		regval_free(&v);
	}
	for (uint32_t i = 0; i < N; i += 7) {
		char key[64];

		snprintf(key, sizeof(key), "k%u\\SUB%u", i % 97, i);
		assert_int_equal(dword_at(h, key, "n"), i);
	}
	assert_int_equal(hive_key_exists(h, "K1\\Sub2"), 0);
	assert_int_equal(hive_make_writable(h), 0);
	assert_int_equal(dword_at(h, "K5\\Sub6795", "n"), 6795);
	hive_close(h);
	fixture_rmrf(dir);
	free(p);
	free(dir);
}

struct seen {
	char names[8][16];
	uint32_t vals[8];
	size_t n;
};

static int
collect(void *ctx, const char *key, const char *name, const struct regval *v)
{
	struct seen *s = ctx;

	(void)key;
	if (name == NULL || s->n == 8)
		return 0;
	snprintf(s->names[s->n], sizeof(s->names[0]), "%s", name);
	regval_get_dword(v, &s->vals[s->n]);
	s->n++;
	return 0;
}

/* One rewrite of the value list, with hivex_node_set_value's placement. */
static void
test_hive_set_values__in_place_and_appended(void **state)
{
	char *dir, *p = fixture_hive(&dir);
	struct hive *h = hive_open(p, HIVE_WRITE);
	struct regval v[4], old;
	const struct regval *vp[4] = { &v[0], &v[1], &v[2], &v[3] };
	const char *names[4] = { "B", "d", "D2", "D" };
	static const char *const want[] = { "A", "B", "C", "D", "D2" };
	static const uint32_t wantv[] = { 1, 10, 3, 13, 12 };
	struct seen s = { 0 };

	assert_non_null(h);
	for (uint32_t i = 0; i < 3; i++) {
		char name[2] = { (char)(i == 1 ? 'b' : 'A' + i), 0 };
		regval_dword(&old, i + 1);
		assert_int_equal(hive_set(h, "K", name, &old), 0);
		regval_free(&old);
	}
	for (uint32_t i = 0; i < 4; i++)
		regval_dword(&v[i], 10 + i);
	assert_int_equal(hive_set_values(h, "K", 4, names, vp), 0);
	for (uint32_t i = 0; i < 4; i++)
		regval_free(&v[i]);
	assert_int_equal(hive_walk(h, "K", collect, &s), 0);
	assert_int_equal(s.n, 5);
	for (size_t i = 0; i < 5; i++) {
		assert_string_equal(s.names[i], want[i]);
		assert_int_equal(s.vals[i], wantv[i]);
	}
	hive_close(h);
	fixture_rmrf(dir);
	free(p);
	free(dir);
}

static int
visit_none(void *ctx, const char *key, const char *name,
    const struct regval *v)
{
	(void)ctx;
	(void)key;
	(void)name;
	(void)v;
	return 0;
}

static uint32_t
le32(const unsigned char *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[3] << 24;
}

/*
 * A subkey list that names the key's own parent (found by fuzz_hive: a
 * 12 KiB hive whose walk took 52 s and 18 GB) is a corrupt hive, said so
 * at once.
 */
static void
test_hive_walk__loop_refused(void **state)
{
	char *dir, *p = fixture_hive(&dir);
	struct hive *h = hive_open(p, HIVE_WRITE);
	unsigned char *b;
	size_t len;
	uint32_t root, nk, list;

	assert_non_null(h);
	assert_int_equal(hive_mkkey(h, "A"), 0);
	assert_int_equal(commit_hives(&h, 1, NULL, NULL, COMMIT_LOG_AUTO,
	    NULL), 0);
	hive_close(h);
	/* the root's subkey list (nk + 4 + 0x1c), its first entry (+ 4 + 4)
	 * made to point at the root itself */
	assert_non_null(b = (unsigned char *)fixture_slurp(p, &len));
	root = le32(b + 0x24);
	nk = 4096 + root + 4;
	assert_memory_equal(b + nk, "nk", 2);
	list = 4096 + le32(b + nk + 0x1c) + 4;
	assert_true(b[list] == 'l');		/* lf or lh */
	memcpy(b + list + 4, b + 0x24, 4);
	assert_int_equal(fixture_write(p, b, len), 0);
	free(b);
	/* the lazy reader, then hivex */
	for (int hx = 0; hx < 2; hx++) {
		if (hx)
			setenv("TLSHIVE_HIVEX_READS", "1", 1);
		assert_non_null(h = hive_open(p, 0));
		assert_int_equal(hive_walk(h, "", visit_none, NULL), -1);
		assert_non_null(strstr(tlsh_errmsg(),
		    "appears twice in the tree"));
		hive_close(h);
	}
	unsetenv("TLSHIVE_HIVEX_READS");
	fixture_rmrf(dir);
	free(p);
	free(dir);
}

/*
 * The same loop one level down: deleting a key whose subkey list names
 * the root must fail, not recurse for ever (hivex deletes recursively).
 */
static void
test_hive_delete__loop_refused(void **state)
{
	char *dir, *p = fixture_hive(&dir);
	struct hive *h = hive_open(p, HIVE_WRITE);
	unsigned char *b;
	size_t len, off;
	uint32_t root;

	assert_non_null(h);
	assert_int_equal(hive_mkkey(h, "A\\B"), 0);
	assert_int_equal(commit_hives(&h, 1, NULL, NULL, COMMIT_LOG_AUTO,
	    NULL), 0);
	hive_close(h);
	assert_non_null(b = (unsigned char *)fixture_slurp(p, &len));
	root = le32(b + 0x24);
	/* A's nk: the one named "A" (name length at nk + 0x48, name at
	 * + 0x4c) */
	for (off = 4096; off + 0x50 < len; off++)
		if (memcmp(b + off, "nk", 2) == 0 && b[off + 0x48] == 1 &&
		    b[off + 0x4c] == 'A')
			break;
	assert_true(off + 0x50 < len);
	off = 4096 + le32(b + off + 0x1c) + 4;
	assert_true(b[off] == 'l');
	memcpy(b + off + 4, b + 0x24, 4);
	(void)root;
	assert_int_equal(fixture_write(p, b, len), 0);
	free(b);
	assert_non_null(h = hive_open(p, HIVE_WRITE));
	alarm(20);
	assert_int_equal(hive_delete_key(h, "A"), -1);
	alarm(0);
	hive_close(h);
	fixture_rmrf(dir);
	free(p);
	free(dir);
}

/* Every read hive.c offers, as text, from a hive opened read-only. */
static char *
reads(const char *p, uint64_t *bytes)
{
	static const char *const keys[] = { "", "P", "p\\a", "P\\Nope",
	    "Grüße", "Grüße\\日本", "GRÜSSE", "Nope\\Deeper" };
	static const char *const names[] = { "CurrentState", "currentstate",
	    "Wert", "wert", "", "Grüße", "日本", "Nope" };
	struct strbuf sb = { 0 };
	struct hive *h = hive_open(p, 0);
	char **kn;
	uint32_t *vals;
	unsigned char *have;
	size_t n;
	uint64_t bins;

	assert_non_null(h);
	for (size_t k = 0; k < sizeof(keys) / sizeof(*keys); k++) {
		sb_add(&sb, "key %s: %d\n", keys[k], hive_key_exists(h,
		    keys[k]));
		for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
			struct regval v;
			char *spelt = hive_value_name(h, keys[k], names[i]);
			int r = hive_get(h, keys[k], names[i], &v);

			sb_add(&sb, "%s\\%s: %d %s", keys[k], names[i], r,
			    spelt ? spelt : "(none)");
			if (r == 1) {
				sb_add(&sb, " %u:", v.type);
				for (size_t j = 0; j < v.len; j++)
					sb_add(&sb, "%02x", v.data[j]);
				regval_free(&v);
			}
			sb_add(&sb, "\n");
			free(spelt);
		}
	}
	assert_int_equal(hive_subkeys_dword(h, "P", "CurrentState", &kn, &vals,
	    &have, &n), 0);
	for (size_t i = 0; i < n; i++)
		sb_add(&sb, "sub %s %d %u\n", kn[i], have[i], vals[i]);
	strv_free(kn, n);
	free(vals);
	free(have);
	assert_int_equal(hive_subkeys_dword(h, "Nope", "X", &kn, &vals, &have,
	    &n), -1);
	assert_int_equal(hive_walk(h, "", fixture_walk_text, &sb), 0);
	assert_int_equal(hive_walk(h, "grüße", fixture_walk_text, &sb), 0);
	assert_int_equal(hive_walk(h, "Nope", fixture_walk_text, &sb), -1);
	hive_read_stats(h, bytes, &bins);
	hive_close(h);
	return sb_take(&sb);
}

/*
 * A hive opened only to be read is read without hivex, bins on demand:
 * every read gives hivex's answer, and damage off the paths read does not
 * stop it, where hivex refuses the whole hive.  TLSHIVE_HIVEX_READS=1
 * reads through hivex.
 */
static void
test_hive_read__lazy_and_hivex_agree(void **state)
{
	char *dir, *p = fixture_hive(&dir), *lazy, *hx;
	struct hive *h = hive_open(p, HIVE_WRITE);
	struct regval d, sz, fill = { REGT_BINARY, 6000, NULL };
	unsigned char *b;
	uint64_t lbytes, hbytes;
	size_t len, last;

	regval_dword(&d, 0x70);
	regval_sz(&sz, "0x70");
	assert_int_equal(hive_set(h, "P\\A", "CurrentState", &d), 0);
	assert_int_equal(hive_set(h, "P\\B", "CurrentState", &sz), 0);
	assert_int_equal(hive_mkkey(h, "P\\C"), 0);
	assert_int_equal(hive_set(h, "Grüße\\日本", "Wert", &d), 0);
	assert_int_equal(hive_set(h, "Grüße", "Grüße", &sz), 0);
	assert_int_equal(hive_set(h, "Grüße", "日本", &sz), 0);
	assert_int_equal(hive_set(h, "Grüße", "", &d), 0);
	fill.data = xcalloc(1, 6000);
	assert_int_equal(hive_set(h, "Fill", "Fill", &fill), 0);
	assert_int_equal(commit_hives(&h, 1, NULL, NULL, COMMIT_LOG_AUTO,
	    NULL), 0);
	hive_close(h);
	regval_free(&fill);

	unsetenv("TLSHIVE_HIVEX_READS");
	lazy = reads(p, &lbytes);
	setenv("TLSHIVE_HIVEX_READS", "1", 1);
	hx = reads(p, &hbytes);
	unsetenv("TLSHIVE_HIVEX_READS");
	assert_string_equal(lazy, hx);
	assert_true(lbytes > 0);
	assert_int_equal(hbytes, 0);
	free(lazy);
	free(hx);

	/* read-only has no hivex to write with */
	assert_non_null(h = hive_open(p, 0));
	assert_int_equal(hive_set(h, "P", "X", &d), -1);
	assert_non_null(strstr(tlsh_errmsg(), "not open for writing"));
	hive_close(h);

	/* the last bin holds only Fill's data: its header damaged */
	assert_non_null(b = (unsigned char *)fixture_slurp(p, &len));
	for (last = 4096; last + le32(b + last + 8) < 4096 + le32(b + 40);)
		last += le32(b + last + 8);
	assert_memory_equal(b + last, "hbin", 4);
	b[last] = 'x';
	assert_int_equal(fixture_write(p, b, len), 0);
	free(b);
	assert_non_null(h = hive_open(p, 0));
	assert_int_equal(dword_at(h, "P\\A", "CurrentState"), 0x70);
	assert_int_equal(hive_get(h, "Fill", "Fill", &d), -1);
	assert_non_null(strstr(tlsh_errmsg(), ": damaged hive: "));
	assert_non_null(strstr(tlsh_errmsg(), p));
	hive_close(h);
	setenv("TLSHIVE_HIVEX_READS", "1", 1);
	assert_null(hive_open(p, 0));
	unsetenv("TLSHIVE_HIVEX_READS");
	regval_free(&d);
	regval_free(&sz);
	fixture_rmrf(dir);
	free(p);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hive_open__not_a_hive__names_file),
		cmocka_unit_test(test_hive_lookup__deleted_key_is_forgotten),
		cmocka_unit_test(test_hive_lookup__more_keys_than_remembered),
		cmocka_unit_test(test_hive_set_values__in_place_and_appended),
		cmocka_unit_test(test_hive_open__dirty__refused_unless_discard),
		cmocka_unit_test(test_hive_open__bad_checksum__refused_even_with_discard),
		cmocka_unit_test(test_hive_open__truncated__refused),
		cmocka_unit_test(test_hive_set__creates_path_and_keeps_siblings),
		cmocka_unit_test(test_hive_set__never_creates_currentcontrolset),
		cmocka_unit_test(test_hive_lock__second_writer_fails_fast),
		cmocka_unit_test(test_hive_make_writable__keeps_the_lock),
		cmocka_unit_test(test_hive_open__background__lock_now_copy_later),
		cmocka_unit_test(test_hive_subkeys_dword__one_pass),
		cmocka_unit_test(test_hive_walk__loop_refused),
		cmocka_unit_test(test_hive_delete__loop_refused),
		cmocka_unit_test(test_hive_read__lazy_and_hivex_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
