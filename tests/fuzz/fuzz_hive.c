/*
 * libFuzzer harness: a hostile SYSTEM hive through open, facts, the plan
 * of the default profile, the writes in memory and a walk of every key.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy/facts.h"
#include "policy/plan.h"
#include "policy/profile.h"
#include "regf/hive.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static int
visit(void *ctx, const char *key, const char *name, const struct regval *v)
{
	(void)ctx;
	(void)key;
	(void)name;
	(void)v;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char tmp[] = "/tmp/fuzz-hive-XXXXXX";
	struct hive *h[HV_COUNT] = { NULL, NULL };
	struct policy pol = { 0 };
	struct strlist e = { 0 };
	struct facts f;
	struct plan p;
	int fd = mkstemp(tmp);

	if (fd == -1)
		return 0;
	if (write(fd, data, len) != (ssize_t)len) {
		close(fd);
		unlink(tmp);
		return 0;
	}
	close(fd);
	if ((h[HV_SYSTEM] = hive_open(tmp, HIVE_WRITE | HIVE_DISCARD_LOGS)) ==
	    NULL)
		goto out;
	hive_walk(h[HV_SYSTEM], "", visit, NULL);
	if (facts_read(&f, h[HV_SYSTEM], NULL) == 0) {
		policy_add_profile(&pol, "recommended", &e);
		if (plan_build(&p, &pol, &f, h, 0, &e) == 0) {
			for (size_t i = 0; i < p.nops; i++)
				if (p.ops[i].needed && p.ops[i].kind == OP_SET)
					hive_set(h[HV_SYSTEM], p.ops[i].key,
					    p.ops[i].name, &p.ops[i].want);
			hive_walk(h[HV_SYSTEM], "", visit, NULL);
		}
		plan_free(&p);
	}
	facts_free(&f);
out:
	hive_close(h[HV_SYSTEM]);
	policy_free(&pol);
	sl_free(&e);
	unlink(tmp);
	return 0;
}
