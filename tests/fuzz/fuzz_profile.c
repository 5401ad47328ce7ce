/* libFuzzer harness: the profile parser and --set, on any bytes. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct policy p = { 0 };
	struct strlist e = { 0 };
	char *text = malloc(len + 1), *nl;

	memcpy(text, data, len);
	text[len] = '\0';
	policy_add_text(&p, text, "fuzz", &e);
	if ((nl = strchr(text, '\n')) != NULL)
		*nl = '\0';
	policy_add_set(&p, text, &e);
	/* every error names where it came from */
	for (size_t i = 0; i < e.n; i++)
		if (strncmp(e.v[i], "fuzz", 4) != 0 &&
		    strncmp(e.v[i], "--set", 5) != 0)
			abort();
	sl_free(&e);
	policy_free(&p);
	free(text);
	return 0;
}
