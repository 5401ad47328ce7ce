/*
 * libFuzzer harness: the IIS Crypto template reader, on any bytes.  Every
 * error and skipped item names where it came from, every line it hands on
 * is one profile line, and those lines go through the profile parser.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/ictpl.h"
#include "policy/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static void
collect(void *arg, const char *line, const char *origin)
{
	struct strbuf *sb = arg;

	if (strncmp(origin, "fuzz.ictpl:", 11) != 0 || strchr(line, '\n') ||
	    strchr(line, '=') == NULL)
		abort();
	sb_add(sb, "%s\n", line);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct strlist e = { 0 }, skipped = { 0 };
	struct strbuf sb = { 0 };
	struct policy p = { 0 };

	ictpl_detect(data, len);
	ictpl_read(data, len, "fuzz.ictpl", collect, &sb, &skipped, &e);
	for (size_t i = 0; i < e.n; i++)
		if (strncmp(e.v[i], "fuzz.ictpl", 10) != 0)
			abort();
	for (size_t i = 0; i < skipped.n; i++)
		if (strncmp(skipped.v[i], "fuzz.ictpl:", 11) != 0)
			abort();
	if (sb.s)
		policy_add_text(&p, sb.s, "lines", &e);
	free(sb.s);
	sl_free(&e);
	sl_free(&skipped);
	policy_free(&p);
	return 0;
}
