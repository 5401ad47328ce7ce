/*
 * libFuzzer harness: the HardeningKitty finding-list reader, on any bytes.
 * Every error and every row not imported names the file it came from, and
 * a list it takes is a benchmark with a rule per imported row.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/findings.h"
#include "policy/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct policy p = { 0 };
	struct strlist e = { 0 };
	int r = policy_add_findings_mem(&p, (const char *)data, len,
	    "fuzz.csv", &e);

	for (size_t i = 0; i < e.n; i++)
		if (strncmp(e.v[i], "fuzz.csv", 8) != 0)
			abort();
	for (size_t i = 0; i < p.skipped.n; i++)
		if (strncmp(p.skipped.v[i], "fuzz.csv", 8) != 0)
			abort();
	if ((r == 0) != (e.n == 0) || (r == 0 && (p.nbench != 1 ||
	    p.nrd == 0 || p.nrw == 0)))
		abort();
	for (size_t i = 0; i < p.nrd; i++)
		if (strncmp(p.rd[i]->id, "HK-", 3) != 0 || p.rd[i]->value == NULL)
			abort();
	sl_free(&e);
	policy_free(&p);
	return 0;
}
