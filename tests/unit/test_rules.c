/* rules.c: benchmark rules judged as an auditor reads the values. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "planfix.h"
#include "policy/rules.h"

#define PROTO "ControlSet001\\Control\\SecurityProviders\\SCHANNEL\\" \
	"Protocols\\"
#define CIPH "ControlSet001\\Control\\SecurityProviders\\SCHANNEL\\" \
	"Ciphers\\"
#define IIS "SOFTWARE|Microsoft\\InetStp|MajorVersion|dword|10\n"

struct judged {
	struct policy pol;
	struct plan p;
	struct rule_eval *ev;
	size_t n;
};

static void
judge(struct judged *j, struct img *m, const char *profile)
{
	struct strlist e = { 0 };

	memset(j, 0, sizeof(*j));
	assert_int_equal(policy_add_text(&j->pol, profile, "b", &e), 0);
	assert_int_equal(plan_build(&j->p, &j->pol, &m->f, m->h, 0, &e), 0);
	assert_int_equal(rules_evaluate(&j->pol, &j->p, &m->f, &j->ev,
	    &j->n), 0);
	sl_free(&e);
}

static void
judged_free(struct judged *j)
{
	rules_free(j->ev, j->n);
	plan_free(&j->p);
	policy_free(&j->pol);
}

static const struct rule_value *
value_at(const struct rule_eval *e, const char *key, const char *name)
{
	for (size_t i = 0; i < e->nv; i++)
		if (strcmp(e->v[i].key, key) == 0 &&
		    strcmp(e->v[i].value_name, name) == 0)
			return &e->v[i];
	fail_msg("no value %s\\%s", key, name);
	return NULL;
}

static const char iis_rule[] =
    "@benchmark b\n"
    "@rule V-1 severity=high ver=X-1 applies=iis\n"
    "TLS 1.2 server = on | rule V-1\n"
    "TLS 1.0 server = off | rule V-1\n"
    "SSL 3.0 server = off | rule V-1 | absent ok\n";

/* Every value in every control set counts; absent fails unless allowed. */
static void
test_rules_evaluate__values_in_every_control_set(void **state)
{
	struct img m;
	struct judged j;
	const struct rule_eval *e;

	/* 2019 has ControlSet001 only; TLS 1.0 is off as the rule reads it,
	 * TLS 1.2 is absent (Windows' default has it on: an auditor still
	 * counts it), SSL 3.0 is absent and allowed to be */
	img_open(&m, "2019", IIS
	    "SYSTEM|" PROTO "TLS 1.0\\Server|Enabled|dword|0\n"
	    "SYSTEM|" PROTO "TLS 1.0\\Server|DisabledByDefault|dword|1\n"
	    "SYSTEM|" PROTO "TLS 1.2\\Server|Enabled|dword|1\n");
	judge(&j, &m, iis_rule);
	assert_int_equal(j.n, 1);
	e = &j.ev[0];
	assert_string_equal(e->def->id, "V-1");
	assert_string_equal(e->def->ver, "X-1");
	assert_string_equal(e->def->bench->name, "b");
	assert_int_equal(e->result, RR_FAIL);
	assert_null(e->reason);
	assert_int_equal(e->nv, 6 * m.f.ncsets);
	assert_int_equal(e->nfail, 1 * m.f.ncsets);
	assert_int_equal(value_at(e, PROTO "TLS 1.2\\Server",
	    "DisabledByDefault")->result, RR_FAIL);
	assert_false(value_at(e, PROTO "TLS 1.2\\Server",
	    "DisabledByDefault")->present);
	assert_int_equal(value_at(e, PROTO "TLS 1.2\\Server",
	    "Enabled")->result, RR_PASS);
	assert_true(value_at(e, PROTO "TLS 1.2\\Server", "Enabled")->current);
	assert_int_equal(value_at(e, PROTO "SSL 3.0\\Server",
	    "Enabled")->result, RR_PASS);
	assert_true(value_at(e, PROTO "SSL 3.0\\Server", "Enabled")->absent_ok);
	assert_int_equal(value_at(e, PROTO "TLS 1.0\\Server",
	    "DisabledByDefault")->result, RR_PASS);
	assert_string_equal(value_at(e, PROTO "TLS 1.0\\Server",
	    "Enabled")->origin, "b:4");
	/* the rule fails: one finding, however many values */
	assert_int_equal(rules_noncompliant(&j.pol, &j.p, j.ev, j.n, 1), 1);
	judged_free(&j);
	img_close(&m);
}

/* Once the values are there, the rule passes. */
static void
test_rules_evaluate__passes_when_all_hold(void **state)
{
	struct img m;
	struct judged j;

	img_open(&m, "2019", IIS
	    "SYSTEM|" PROTO "TLS 1.0\\Server|Enabled|dword|0\n"
	    "SYSTEM|" PROTO "TLS 1.0\\Server|DisabledByDefault|dword|1\n"
	    "SYSTEM|" PROTO "TLS 1.2\\Server|Enabled|dword|1\n"
	    "SYSTEM|" PROTO "TLS 1.2\\Server|DisabledByDefault|dword|0\n"
	    "SYSTEM|" PROTO "SSL 3.0\\Server|Enabled|dword|1\n");
	judge(&j, &m, iis_rule);
	/* SSL 3.0 may be absent, but present it must say off */
	assert_int_equal(j.ev[0].result, RR_FAIL);
	assert_int_equal(j.ev[0].nfail, 1);
	assert_int_equal(value_at(&j.ev[0], PROTO "SSL 3.0\\Server",
	    "Enabled")->result, RR_FAIL);
	judged_free(&j);
	img_close(&m);
	img_open(&m, "2019", IIS
	    "SYSTEM|" PROTO "TLS 1.0\\Server|Enabled|dword|0\n"
	    "SYSTEM|" PROTO "TLS 1.0\\Server|DisabledByDefault|dword|1\n"
	    "SYSTEM|" PROTO "TLS 1.2\\Server|Enabled|dword|1\n"
	    "SYSTEM|" PROTO "TLS 1.2\\Server|DisabledByDefault|dword|0\n");
	judge(&j, &m, iis_rule);
	assert_int_equal(j.ev[0].result, RR_PASS);
	assert_int_equal(j.ev[0].nfail, 0);
	assert_int_equal(rules_noncompliant(&j.pol, &j.p, j.ev, j.n, 1), 0);
	judged_free(&j);
	img_close(&m);
}

/* Without IIS the rule is not applicable; unknown, it is not checked. */
static void
test_rules_evaluate__applicability(void **state)
{
	struct img m;
	struct judged j;

	img_open(&m, "2019", NULL);
	assert_int_equal(m.f.iis, 0);
	judge(&j, &m, iis_rule);
	assert_int_equal(j.ev[0].result, RR_NA);
	assert_non_null(strstr(j.ev[0].reason, "IIS is not installed"));
	assert_int_equal(j.ev[0].nv, 0);
	/* not applicable is no finding, though every value differs */
	assert_int_equal(rules_noncompliant(&j.pol, &j.p, j.ev, j.n, 1), 0);
	assert_true(plan_noncompliant(&j.p, 1) > 0);
	rules_free(j.ev, j.n);
	m.f.iis = -1;
	assert_int_equal(rules_evaluate(&j.pol, &j.p, &m.f, &j.ev, &j.n), 0);
	assert_int_equal(j.ev[0].result, RR_NOTCHECKED);
	assert_non_null(strstr(j.ev[0].reason, "unknown"));
	assert_int_equal(rules_noncompliant(&j.pol, &j.p, j.ev, j.n, 1), 1);
	judged_free(&j);
	img_close(&m);
}

/*
 * CIS reads AES 256/256 Enabled as 1: 0xffffffff, on for Schannel, fails
 * it; "on" accepts any non-zero value.  "at least" passes a larger value,
 * and the plan leaves it alone.
 */
static void
test_rules_evaluate__exact_nonzero_at_least(void **state)
{
	struct img m;
	struct judged j;
	const struct rule_value *v;
	const struct op *o;

	img_open(&m, "2019", IIS
	    "SYSTEM|" CIPH "AES 256/256|Enabled|dword|0xffffffff\n"
	    "SYSTEM|" CIPH "AES 128/128|Enabled|dword|1\n"
	    "SYSTEM|ControlSet001\\Control\\SecurityProviders\\SCHANNEL\\"
	    "KeyExchangeAlgorithms\\Diffie-Hellman|ServerMinKeyBitLength|dword|"
	    "3072\n");
	judge(&j, &m,
	    "@benchmark b\n"
	    "@rule A severity=medium\n"
	    "@rule B severity=low\n"
	    "@rule C severity=low\n"
	    "AES 256/256 = 1 | rule A\n"
	    "AES 128/128 = on | rule B\n"
	    "Diffie-Hellman server min bits = 2048 | rule C | at least\n");
	assert_int_equal(j.n, 3);
	assert_int_equal(j.ev[0].result, RR_FAIL);
	v = &j.ev[0].v[0];
	assert_false(v->nonzero);
	assert_int_equal(j.ev[1].result, RR_PASS);
	assert_true(j.ev[1].v[0].nonzero);
	assert_int_equal(j.ev[2].result, RR_PASS);
	assert_true(j.ev[2].v[0].at_least);
	/* apply writes AES 256/256 as 1, and keeps the larger DH minimum */
	o = find_op(&j.p, OP_SET, CIPH "AES 256/256", "Enabled");
	assert_non_null(o);
	assert_true(o->needed);
	assert_int_equal(*(uint32_t *)o->want.data, 1);
	o = find_op(&j.p, OP_SET, "ControlSet001\\Control\\SecurityProviders\\"
	    "SCHANNEL\\KeyExchangeAlgorithms\\Diffie-Hellman",
	    "ServerMinKeyBitLength");
	assert_non_null(o);
	assert_false(o->needed);
	judged_free(&j);
	img_close(&m);
}

/* A setting the build lacks makes its rule not applicable. */
static void
test_rules_evaluate__build_lacks_it(void **state)
{
	struct img m;
	struct judged j;

	img_open(&m, "win7-x86", NULL);
	judge(&j, &m,
	    "@benchmark b\n"
	    "@rule E severity=medium\n"
	    "@rule F severity=medium\n"
	    "ecc-curves = NistP384, NistP256 | rule E\n"
	    "FIPS = on | rule F\n");
	assert_int_equal(j.ev[0].result, RR_NA);
	assert_non_null(strstr(j.ev[0].reason, "needs build 10240"));
	assert_int_equal(j.ev[1].result, RR_FAIL);
	judged_free(&j);
	img_close(&m);
}

/* An OS STIG's rule holds on its own Windows only: 10, 11, Server 2022. */
static void
test_rules_evaluate__os_rules(void **state)
{
	static const char *const layouts[] = { "win10", "win11", "2022",
	    "2019" };
	/* which of the three rules applies on each layout */
	static const enum rule_result want[][3] = {
		{ RR_FAIL, RR_NA, RR_NA },
		{ RR_NA, RR_FAIL, RR_NA },
		{ RR_NA, RR_NA, RR_FAIL },
		{ RR_NA, RR_NA, RR_NA },
	};
	const char *profile =
	    "@benchmark b\n"
	    "@rule W10 severity=medium applies=win10\n"
	    "@rule W11 severity=medium applies=win11\n"
	    "@rule S22 severity=medium applies=server2022\n"
	    "FIPS = on | rule W10, W11, S22\n";

	for (size_t i = 0; i < sizeof(layouts) / sizeof(*layouts); i++) {
		struct img m;
		struct judged j;

		img_open(&m, layouts[i], NULL);
		judge(&j, &m, profile);
		for (size_t k = 0; k < 3; k++) {
			assert_int_equal(j.ev[k].result, want[i][k]);
			if (want[i][k] == RR_NA)
				assert_non_null(strstr(j.ev[k].reason,
				    "the rule is for"));
		}
		judged_free(&j);
		/* the kind of Windows unknown: not checked */
		m.f.type = OS_TYPE_UNKNOWN;
		judge(&j, &m, profile);
		assert_int_equal(j.ev[0].result, RR_NOTCHECKED);
		judged_free(&j);
		img_close(&m);
	}
}

/* A rule is judged by its own benchmark's line, whatever wins the plan. */
static void
test_rules_evaluate__own_line_after_a_later_source(void **state)
{
	struct img m;
	struct policy pol = { 0 };
	struct plan p;
	struct strlist e = { 0 };
	struct rule_eval *ev;
	size_t n;
	const struct op *o;

	img_open(&m, "2019", IIS
	    "SYSTEM|" CIPH "AES 256/256|Enabled|dword|1\n");
	assert_int_equal(policy_add_text(&pol, "@benchmark b\n"
	    "@rule A severity=medium\nAES 256/256 = 1 | rule A\n", "b", &e),
	    0);
	assert_int_equal(policy_add_set(&pol, "AES 256/256 = off", &e), 0);
	assert_int_equal(pol.conflicts.n, 1);
	assert_non_null(strstr(pol.conflicts.v[0], "rule A fails after "
	    "apply"));
	assert_int_equal(plan_build(&p, &pol, &m.f, m.h, 0, &e), 0);
	o = find_op(&p, OP_SET, CIPH "AES 256/256", "Enabled");
	assert_int_equal(*(uint32_t *)o->want.data, 0);
	assert_int_equal(rules_evaluate(&pol, &p, &m.f, &ev, &n), 0);
	assert_int_equal(ev[0].result, RR_PASS);	/* the hive holds 1 */
	rules_free(ev, n);
	plan_free(&p);
	policy_free(&pol);
	sl_free(&e);
	img_close(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_evaluate__values_in_every_control_set),
		cmocka_unit_test(test_rules_evaluate__passes_when_all_hold),
		cmocka_unit_test(test_rules_evaluate__applicability),
		cmocka_unit_test(test_rules_evaluate__exact_nonzero_at_least),
		cmocka_unit_test(test_rules_evaluate__build_lacks_it),
		cmocka_unit_test(test_rules_evaluate__os_rules),
		cmocka_unit_test(test_rules_evaluate__own_line_after_a_later_source),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
