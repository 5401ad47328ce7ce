/* settle.c: which ops later sources leave, and which the hive lacks. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "planfix.h"

static void
test_settle_diff__canonical_values(void **state)
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
test_settle_sources__later_wins_and_key_deletes(void **state)
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

/*
 * Which change wins is decided through indexes of keys and values; these
 * are the cases a careless index gets wrong: case, a name holding a
 * backslash, a key that is a prefix of another without being above it,
 * and changes from one line that must not cancel each other.
 */
static void
test_settle_index__rules(void **state)
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
test_settle_rebuild__only_when_more_is_there(void **state)
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

static void
add(struct plan *p, enum op_kind kind, const char *key, const char *name,
    unsigned seq)
{
	struct op *o;

	p->ops = xrealloc(p->ops, (p->nops + 1) * sizeof(*p->ops));
	o = &p->ops[p->nops];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->hive = HV_SOFTWARE;
	o->key = xstrdup(key);
	o->name = name ? xstrdup(name) : NULL;
	o->origin = xstrdup("t");
	o->target = NO_TARGET;
	o->seq = seq;
	o->order = p->nops++;
	if (kind == OP_SET)
		regval_dword(&o->want, seq);
}

/*
 * Ops of one source line never cancel each other; the first of two
 * makings of a key stays, since it gives the key its spelling.
 */
static void
test_settle_direct__one_line_and_spelling(void **state)
{
	struct plan p = { 0 };

	add(&p, OP_MKKEY, "K\\Sub", NULL, 3);
	add(&p, OP_DELETE_KEY, "K", NULL, 2);
	add(&p, OP_SET, "K\\Sub", "v", 2);	/* same line as the deletion */
	add(&p, OP_SET, "K\\Sub", "v", 1);	/* earlier: deleted by line 2 */
	add(&p, OP_MKKEY, "k\\SUB", NULL, 4);
	plan_settle(&p);
	assert_int_equal(p.nops, 3);
	assert_int_equal(p.ops[0].kind, OP_DELETE_KEY);
	assert_int_equal(p.ops[1].kind, OP_SET);
	assert_int_equal(p.ops[1].seq, 2);
	assert_int_equal(p.ops[2].kind, OP_MKKEY);
	assert_string_equal(p.ops[2].key, "K\\Sub");
	plan_free(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_settle_diff__canonical_values),
		cmocka_unit_test(test_settle_sources__later_wins_and_key_deletes),
		cmocka_unit_test(test_settle_index__rules),
		cmocka_unit_test(test_settle_rebuild__only_when_more_is_there),
		cmocka_unit_test(test_settle_direct__one_line_and_spelling),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
