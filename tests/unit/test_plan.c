/* plan.c: targets per control set and view, OS gating, and the diff. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "plan.h"
#include "reg.h"

struct img {
	char *root;
	struct hive *h[HV_COUNT];
	struct facts f;
};

static void
img_open(struct img *m, const char *layout, const char *extra)
{
	m->root = fixture_image(layout, extra);
	for (int i = 0; i < HV_COUNT; i++) {
		char *p = fixture_path(m->root, i == HV_SYSTEM ? "SYSTEM" :
		    "SOFTWARE");
		m->h[i] = hive_open(p, 0);
		assert_non_null(m->h[i]);
		free(p);
	}
	assert_int_equal(facts_read(&m->f, m->h[0], m->h[1]), 0);
}

static void
img_close(struct img *m)
{
	facts_free(&m->f);
	for (int i = 0; i < HV_COUNT; i++)
		hive_close(m->h[i]);
	fixture_rmrf(m->root);
	free(m->root);
}

static int
plan_for(struct plan *p, struct img *m, const char *set, struct strlist *e)
{
	struct policy pol = { 0 };
	int r;

	assert_int_equal(policy_add_set(&pol, set, e), 0);
	r = plan_build(p, &pol, &m->f, m->h, 0, e);
	policy_free(&pol);
	return r;
}

static void
test_plan_protocol__pair_in_every_control_set(void **state)
{
	struct img m;
	struct plan p;
	struct strlist e = { 0 };
	uint32_t d;

	img_open(&m, "win7-x86", NULL);
	assert_int_equal(plan_for(&p, &m, "TLS 1.2 = on", &e), 0);
	assert_int_equal(p.nt, 4);		/* client, server x 2 sets */
	assert_int_equal(p.nops, 8);
	assert_int_equal(p.nneeded, 8);
	assert_string_equal(p.t[0].key, "ControlSet001\\Control\\"
	    "SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Client");
	assert_string_equal(p.t[1].where, "ControlSet002");
	assert_string_equal(p.ops[0].name, "Enabled");
	assert_true(regval_get_dword(&p.ops[0].want, &d) && d == 1);
	assert_string_equal(p.ops[1].name, "DisabledByDefault");
	assert_true(regval_get_dword(&p.ops[1].want, &d) && d == 0);
	plan_free(&p);
	img_close(&m);
}

static void
test_plan_tls13__gated_by_build(void **state)
{
	struct img m;
	struct plan p;
	struct strlist e = { 0 };

	img_open(&m, "2019", NULL);
	assert_int_equal(plan_for(&p, &m, "TLS 1.3 = on", &e), -1);
	assert_non_null(strstr(e.v[0], "build 17763"));
	assert_non_null(strstr(e.v[0], "needs build 20348"));
	plan_free(&p);
	sl_free(&e);
	assert_int_equal(plan_for(&p, &m, "TLS 1.3 = auto", &e), 0);
	assert_int_equal(p.nops, 0);
	assert_non_null(strstr(p.notes.v[0], "left untouched"));
	plan_free(&p);
	assert_int_equal(plan_for(&p, &m, "winhttp = TLS 1.2, TLS 1.3 if "
	    "supported", &e), 0);
	/* the 64-bit and the 32-bit view, both without TLS 1.3 here */
	assert_int_equal(p.nops, 2);
	for (size_t i = 0; i < p.nops; i++) {
		uint32_t d;
		assert_true(regval_get_dword(&p.ops[i].want, &d));
		assert_int_equal(d, 0x800);
	}
	plan_free(&p);
	img_close(&m);

	img_open(&m, "2022", NULL);
	assert_int_equal(plan_for(&p, &m, "TLS 1.3 = auto", &e), 0);
	assert_int_equal(p.nops, 8);
	plan_free(&p);
	assert_int_equal(plan_for(&p, &m, "cipher-suites = "
	    "TLS_AES_256_GCM_SHA384 if supported, "
	    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", &e), 0);
	char *s = regval_get_sz(&p.ops[0].want);
	assert_string_equal(s, "TLS_AES_256_GCM_SHA384,"
	    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
	free(s);
	plan_free(&p);
	img_close(&m);
}

static void
test_plan_wow64__twins_only_on_64bit(void **state)
{
	struct img m;
	struct plan p;
	struct strlist e = { 0 };

	img_open(&m, "2019", NULL);
	assert_int_equal(plan_for(&p, &m, "winhttp = 0xa00", &e), 0);
	assert_int_equal(p.nt, 2);
	assert_string_equal(p.t[1].key, "Wow6432Node\\Microsoft\\Windows\\"
	    "CurrentVersion\\Internet Settings\\WinHttp");
	plan_free(&p);
	img_close(&m);
	img_open(&m, "win7-x86", NULL);
	assert_int_equal(plan_for(&p, &m, "dotnet strong crypto = on", &e), 0);
	assert_int_equal(p.nt, 2);		/* v4 and v2, native only */
	for (size_t i = 0; i < p.nt; i++)
		assert_null(strstr(p.t[i].key, "Wow6432Node"));
	plan_free(&p);
	img_close(&m);
}

static void
test_plan_diff__canonical_values(void **state)
{
	struct img m;
	struct plan p;
	struct strlist e = { 0 };
	const char *sch = "SYSTEM|ControlSet001\\Control\\SecurityProviders\\"
	    "SCHANNEL\\";
	char *extra = xasprintf(
	    "%sProtocols\\TLS 1.0\\Server|Enabled|dword|0xffffffff\n"
	    "%sProtocols\\TLS 1.0\\Server|DisabledByDefault|dword|0\n"
	    "%sCiphers\\AES 128/128|Enabled|dword|1\n", sch, sch, sch);
	char *st;

	img_open(&m, "2019", extra);
	free(extra);
	/* 0xffffffff is not the documented pair: rewritten to 1/0 */
	assert_int_equal(plan_for(&p, &m, "TLS 1.0 server = on", &e), 0);
	assert_int_equal(p.nneeded, 1);
	assert_true(p.ops[0].needed);
	assert_false(p.ops[1].needed);
	st = plan_state(&p.t[0]);
	assert_string_equal(st, "Enabled=0xffffffff (4294967295), "
	    "DisabledByDefault=0x00000000 (0)");
	free(st);
	plan_free(&p);
	/* any non-zero Enabled already turns a cipher on */
	assert_int_equal(plan_for(&p, &m, "AES 128/128 = on", &e), 0);
	assert_int_equal(p.nneeded, 0);
	plan_free(&p);
	assert_int_equal(plan_for(&p, &m, "AES 128/128 = off", &e), 0);
	assert_int_equal(p.nneeded, 1);
	plan_free(&p);
	img_close(&m);
}

static void
test_plan_missing_hive__skipped_with_note(void **state)
{
	struct img m;
	struct plan p;
	struct policy pol = { 0 };
	struct strlist e = { 0 };
	struct hive *only[HV_COUNT];

	img_open(&m, "2019", NULL);
	only[HV_SYSTEM] = m.h[HV_SYSTEM];
	only[HV_SOFTWARE] = NULL;
	assert_int_equal(policy_add_profile(&pol, "enable-tls12", &e), 0);
	assert_int_equal(plan_build(&p, &pol, &m.f, only, 0, &e), 0);
	for (size_t i = 0; i < p.nt; i++)
		assert_int_equal(p.t[i].s->hive, HV_SYSTEM);
	assert_string_equal(p.notes.v[0], "SOFTWARE hive not given: 1 setting "
	    "of the profile skipped");
	plan_free(&p);
	policy_free(&pol);
	img_close(&m);
}

static void
test_plan_sources__later_wins_and_key_deletes(void **state)
{
	struct img m;
	struct plan p;
	struct policy pol = { 0 };
	struct strlist e = { 0 };
	const char *sch = "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\"
	    "Control\\SecurityProviders\\SCHANNEL";
	char *reg = xasprintf("Windows Registry Editor Version 5.00\n"
	    "[%s\\Protocols\\TLS 1.0\\Server]\n\"Enabled\"=dword:1\n"
	    "[-%s\\Protocols\\SSL 2.0]\n"
	    "[%s\\Protocols\\SSL 2.0\\Client]\n\"Enabled\"=dword:0\n",
	    sch, sch, sch);
	uint32_t d;

	img_open(&m, "2019", NULL);
	assert_int_equal(policy_add_set(&pol, "TLS 1.0 = off", &e), 0);
	assert_int_equal(policy_add_set(&pol, "SSL 2.0 = off", &e), 0);
	assert_int_equal(policy_add_reg_mem(&pol, (unsigned char *)reg,
	    strlen(reg), "x.reg", &e), 0);
	assert_int_equal(plan_build(&p, &pol, &m.f, m.h, 0, &e), 0);
	unsigned delseq = 0;
	for (size_t i = 0; i < p.nops; i++)
		if (p.ops[i].kind == OP_DELETE_KEY)
			delseq = p.ops[i].seq;
	assert_int_not_equal(delseq, 0);
	for (size_t i = 0; i < p.nops; i++) {
		const struct op *o = &p.ops[i];
		/* the profile's SSL 2.0 values are gone: the key delete is later */
		if (strstr(o->key, "SSL 2.0"))
			assert_true(o->seq >= delseq);
		if (o->name && strstr(o->key, "TLS 1.0\\Server") &&
		    strcmp(o->name, "Enabled") == 0) {
			assert_true(regval_get_dword(&o->want, &d));
			assert_int_equal(d, 1);		/* the .reg won */
			assert_string_equal(o->s->name, "TLS 1.0 server");
		}
		if (o->kind == OP_DELETE_KEY) {
			assert_true(o->needed);		/* the fixture has it */
		}
		if (o->name && strstr(o->key, "SSL 2.0\\Client")) {
			assert_true(o->under_deleted);
			assert_true(o->needed);
		}
	}
	plan_free(&p);
	policy_free(&pol);
	free(reg);
	img_close(&m);
}

static const struct op *
find_op(const struct plan *p, enum op_kind kind, const char *key,
    const char *name)
{
	for (size_t i = 0; i < p->nops; i++)
		if (p->ops[i].kind == kind && strcmp(p->ops[i].key, key) == 0 &&
		    (name == NULL || (p->ops[i].name &&
		    strcmp(p->ops[i].name, name) == 0)))
			return &p->ops[i];
	return NULL;
}

/*
 * Which change wins is decided through indexes of keys and values; these
 * are the cases a careless index gets wrong: case, a name holding a
 * backslash, a key that is a prefix of another without being above it,
 * and changes from one line that must not cancel each other.
 */
static void
test_plan_settle__index_rules(void **state)
{
	static const char first[] = "Windows Registry Editor Version 5.00\n"
	    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\T\\A]\n\"B\\\\C\"=dword:1\n"
	    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\T\\A\\B]\n\"C\"=dword:2\n"
	    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\T\\P|Q]\n\"R\"=dword:1\n"
	    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\T\\P]\n\"Q|R\"=dword:1\n"
	    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\T\\X]\n\"Val\"=dword:1\n"
	    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\T\\Del\\Sub]\n\"a\"=dword:1\n"
	    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\T\\Delta]\n\"k\"=dword:1\n"
	    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\T\\M]\n"
	    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\T\\M\\N]\n\"v\"=dword:1\n"
	    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\T\\Empty]\n";
	static const char second[] = "Windows Registry Editor Version 5.00\n"
	    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\t\\x]\n\"VAL\"=dword:2\n"
	    "[-HKEY_LOCAL_MACHINE\\SOFTWARE\\t\\DEL]\n"
	    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\T\\Del\\Sub]\n\"b\"=dword:3\n";
	struct img m;
	struct plan p;
	struct policy pol = { 0 };
	struct strlist e = { 0 };
	const struct op *o;
	uint32_t d;

	img_open(&m, "2019", NULL);
	assert_int_equal(policy_add_reg_mem(&pol, (const unsigned char *)first,
	    sizeof(first) - 1, "1.reg", &e), 0);
	assert_int_equal(policy_add_reg_mem(&pol, (const unsigned char *)second,
	    sizeof(second) - 1, "2.reg", &e), 0);
	assert_int_equal(plan_build(&p, &pol, &m.f, m.h, 0, &e), 0);
	/* a value named B\C of key A is not value C of key A\B */
	assert_non_null(find_op(&p, OP_SET, "T\\A", "B\\C"));
	assert_non_null(find_op(&p, OP_SET, "T\\A\\B", "C"));
	assert_non_null(find_op(&p, OP_SET, "T\\P|Q", "R"));
	assert_non_null(find_op(&p, OP_SET, "T\\P", "Q|R"));
	/* the later source wins, whatever the case */
	assert_null(find_op(&p, OP_SET, "T\\X", "Val"));
	assert_non_null(o = find_op(&p, OP_SET, "t\\x", "VAL"));
	assert_true(regval_get_dword(&o->want, &d));
	assert_int_equal(d, 2);
	/* a later key deletion drops what was under it, not what follows it,
	 * nor a key whose name merely starts the same */
	assert_null(find_op(&p, OP_SET, "T\\Del\\Sub", "a"));
	assert_non_null(o = find_op(&p, OP_SET, "T\\Del\\Sub", "b"));
	assert_false(o->under_deleted);		/* nothing there to delete */
	assert_non_null(o = find_op(&p, OP_SET, "T\\Delta", "k"));
	assert_false(o->under_deleted);
	assert_non_null(o = find_op(&p, OP_DELETE_KEY, "t\\DEL", NULL));
	assert_false(o->needed);		/* the fixture lacks it */
	/* a key that a written value creates is no change of its own */
	assert_non_null(o = find_op(&p, OP_MKKEY, "T\\M", NULL));
	assert_false(o->needed);
	assert_non_null(o = find_op(&p, OP_MKKEY, "T\\Empty", NULL));
	assert_true(o->needed);
	assert_int_equal(e.n, 0);
	plan_free(&p);
	policy_free(&pol);
	img_close(&m);
}

/*
 * "[-KEY]" then keys and values below it: the deletion is needed only when
 * the key holds more than what follows makes, or deletes itself.
 */
static void
test_plan_rebuild__only_when_more_is_there(void **state)
{
	static const char extra[] =
	    "SOFTWARE|T\\R|k1|dword|1\n"
	    "SOFTWARE|T\\S|k1|dword|1\n"
	    "SOFTWARE|T\\S|k2|dword|5\n"
	    "SOFTWARE|T\\S\\Old|x|dword|1\n"
	    "SOFTWARE|T\\U|k1|dword|1\n"
	    "SOFTWARE|T\\U\\Sub|x|dword|1\n"
	    "SOFTWARE|T\\V|k1|dword|1\n"
	    "SOFTWARE|T\\V|k2|dword|2\n";
	static const char reg[] = "Windows Registry Editor Version 5.00\n"
	    "[-HKEY_LOCAL_MACHINE\\SOFTWARE\\T\\R]\n"
	    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\T\\R]\n\"k1\"=dword:1\n"
	    "[-HKEY_LOCAL_MACHINE\\SOFTWARE\\T\\S]\n"
	    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\T\\S]\n\"k1\"=dword:1\n"
	    "[-HKEY_LOCAL_MACHINE\\SOFTWARE\\T\\U]\n"
	    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\T\\U]\n\"k1\"=dword:1\n"
	    "[-HKEY_LOCAL_MACHINE\\SOFTWARE\\T\\U\\Sub]\n"
	    "[-HKEY_LOCAL_MACHINE\\SOFTWARE\\T\\V]\n"
	    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\T\\V]\n\"k1\"=dword:1\n\"k2\"=-\n";
	struct img m;
	struct plan p;
	struct policy pol = { 0 };
	struct strlist e = { 0 };
	const struct op *o;

	img_open(&m, "2019", extra);
	assert_int_equal(policy_add_reg_mem(&pol, (const unsigned char *)reg,
	    sizeof(reg) - 1, "r.reg", &e), 0);
	assert_int_equal(plan_build(&p, &pol, &m.f, m.h, 0, &e), 0);
	/* holds exactly what follows: nothing to do */
	assert_non_null(o = find_op(&p, OP_DELETE_KEY, "T\\R", NULL));
	assert_true(o->rebuilt);
	assert_false(o->needed);
	assert_non_null(o = find_op(&p, OP_SET, "T\\R", "k1"));
	assert_false(o->needed);
	assert_false(o->under_deleted);
	/* holds a key, its value and another value more: rebuilt */
	assert_non_null(o = find_op(&p, OP_DELETE_KEY, "T\\S", NULL));
	assert_true(o->needed);
	assert_int_equal(o->extras, 3);
	assert_non_null(o = find_op(&p, OP_SET, "T\\S", "k1"));
	assert_false(o->needed);		/* same value... */
	assert_true(o->under_deleted);		/* ...written again all the same */
	/* what a later change deletes is that change's business */
	assert_non_null(o = find_op(&p, OP_DELETE_KEY, "T\\U", NULL));
	assert_false(o->needed);
	assert_non_null(o = find_op(&p, OP_DELETE_KEY, "T\\U\\Sub", NULL));
	assert_true(o->needed);
	assert_false(o->rebuilt);
	assert_non_null(o = find_op(&p, OP_DELETE_KEY, "T\\V", NULL));
	assert_false(o->needed);
	assert_non_null(o = find_op(&p, OP_DELETE_VALUE, "T\\V", "k2"));
	assert_true(o->needed);
	assert_int_equal(p.nneeded, 3);
	assert_int_equal(e.n, 0);
	plan_free(&p);
	policy_free(&pol);
	img_close(&m);
}

/* Verdicts are values: compliant, implicit, unsupported, differs. */
static void
test_plan_verdicts__enum_and_count(void **state)
{
	struct img m;
	struct plan p;
	struct strlist e = { 0 };
	size_t on = 0, off = 0;

	img_open(&m, "2019", "SYSTEM|ControlSet001\\Control\\SecurityProviders"
	    "\\SCHANNEL\\Protocols\\TLS 1.1\\Server|Enabled|dword|0x1\n");
	/* TLS 1.2 is on by default on 2019: absent, so implicit */
	assert_int_equal(plan_for(&p, &m, "TLS 1.2 = on", &e), 0);
	for (size_t i = 0; i < p.nops; i++)
		assert_int_equal(p.ops[i].verdict, V_IMPLICIT);
	assert_int_equal(p.nverdict[V_IMPLICIT], p.nops);
	assert_int_equal(plan_noncompliant(&p, 0), 0);
	assert_int_equal(plan_noncompliant(&p, 1), p.nops);
	plan_free(&p);
	/* SSL 2.0 does not exist on 2019: off is unsupported, not a
	 * difference unless --explicit */
	assert_int_equal(plan_for(&p, &m, "SSL 2.0 = off", &e), 0);
	assert_true(p.nverdict[V_UNSUPPORTED] > 0);
	assert_int_equal(plan_noncompliant(&p, 0), 0);
	plan_free(&p);
	/* TLS 1.1 server holds Enabled=1: switching it off differs */
	assert_int_equal(plan_for(&p, &m, "TLS 1.1 = off", &e), 0);
	for (size_t i = 0; i < p.nops; i++) {
		if (strstr(p.ops[i].key, "TLS 1.1\\Server") &&
		    strcmp(p.ops[i].name, "Enabled") == 0) {
			assert_int_equal(p.ops[i].verdict, V_DIFFERS);
			on++;
		} else if (p.ops[i].verdict == V_DIFFERS)
			off++;	/* absent, and 2019 has TLS 1.1 on by default */
	}
	assert_int_equal(on, 1);
	assert_int_equal(on + off, p.nops);
	assert_int_equal(plan_noncompliant(&p, 0), p.nops);
	plan_free(&p);
	img_close(&m);
	sl_free(&e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_verdicts__enum_and_count),
		cmocka_unit_test(test_plan_protocol__pair_in_every_control_set),
		cmocka_unit_test(test_plan_tls13__gated_by_build),
		cmocka_unit_test(test_plan_wow64__twins_only_on_64bit),
		cmocka_unit_test(test_plan_diff__canonical_values),
		cmocka_unit_test(test_plan_missing_hive__skipped_with_note),
		cmocka_unit_test(test_plan_sources__later_wins_and_key_deletes),
		cmocka_unit_test(test_plan_settle__index_rules),
		cmocka_unit_test(test_plan_rebuild__only_when_more_is_there),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
