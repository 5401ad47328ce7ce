/*
 * libFuzzer harness: the .reg reader.  Whatever it accepts, the writer
 * must turn into a file the reader accepts again, with the same changes.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/regwrite.h"
#include "policy/reg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct policy p = { 0 }, q = { 0 };
	struct strlist e = { 0 };
	struct regdoc d;
	unsigned char *out;
	size_t n;

	if (policy_add_reg_mem(&p, data, len, "fuzz.reg", &e) == 0) {
		regdoc_init(&d);
		for (size_t i = 0; i < p.nr; i++) {
			const struct regop *o = &p.r[i];
			char *k = o->hive == HV_USER ? xasprintf(
			    "HKEY_CURRENT_USER%s%s", *o->key ? "\\" : "",
			    o->key) : xasprintf("HKEY_LOCAL_MACHINE\\%s%s%s%s",
			    hive_id_name(o->hive), o->ccs ?
			    "\\CurrentControlSet" : "", *o->key ? "\\" : "",
			    o->key);
			regdoc_key(&d, k, o->kind == RO_DELETE_KEY);
			if (o->kind == RO_SET || o->kind == RO_DELETE_VALUE)
				regdoc_value(&d, o->name, o->kind == RO_SET ?
				    &o->val : NULL);
			free(k);
		}
		out = regdoc_encode(&d, 0, &n);
		if (policy_add_reg_mem(&q, out, n, "again.reg", &e) != 0)
			abort();
		for (size_t i = 0, j = 0; i < p.nr; i++) {
			const struct regop *o = &p.r[i];
			if (o->kind != RO_SET && o->kind != RO_DELETE_VALUE)
				continue;
			while (j < q.nr && q.r[j].kind != RO_SET &&
			    q.r[j].kind != RO_DELETE_VALUE)
				j++;
			if (j >= q.nr || q.r[j].kind != o->kind ||
			    strcmp(q.r[j].name, o->name) != 0 ||
			    (o->kind == RO_SET &&
			    !regval_equal(&q.r[j].val, &o->val)))
				abort();
			j++;
		}
		free(out);
		regdoc_free(&d);
	}
	sl_free(&e);
	policy_free(&p);
	policy_free(&q);
	return 0;
}
