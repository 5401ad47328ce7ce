/*
 * floor: what any tool that reads or safely writes a hive through hivex
 * must pay, whatever it does besides, so make bench can tell tlshive's own
 * cost from hivex's.
 *
 *   floor read HIVE...    open each hive (hivex maps it and walks every
 *                         cell before the first lookup), close it
 *   floor write HIVE...   open each for writing (hivex copies the whole file
 *                         into memory), set one DWORD, and commit them
 *                         together (hivex's result into memory, page diff,
 *                         check, log, in place): the commit with nothing
 *                         else around it
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regf/commit.h"
#include "regf/hive.h"
#include "regval.h"
#include "tlshive.h"

static int
fail(void)
{
	fprintf(stderr, "floor: %s\n", tlsh_errmsg());
	return 2;
}

int
main(int argc, char **argv)
{
	struct hive *h[8];
	int n = argc - 2;

	if (argc < 3 || n > 8 || (strcmp(argv[1], "read") != 0 &&
	    strcmp(argv[1], "write") != 0)) {
		fprintf(stderr, "usage: floor read|write HIVE...\n");
		return 2;
	}
	if (strcmp(argv[1], "read") == 0) {
		for (int i = 0; i < n; i++) {
			if ((h[i] = hive_open(argv[i + 2], 0)) == NULL)
				return fail();
			hive_close(h[i]);
		}
		return 0;
	}
	{
		struct hive_expect ex[8];
		const struct hive_expect *exs[8];
		size_t nex[8];
		struct regval v;

		regval_dword(&v, 1);
		for (int i = 0; i < n; i++) {
			ex[i] = (struct hive_expect){ "tlshive-bench", "Floor",
			    &v };
			exs[i] = &ex[i];
			nex[i] = 1;
			if ((h[i] = hive_open(argv[i + 2], HIVE_WRITE)) == NULL ||
			    hive_set(h[i], ex[i].key, ex[i].name, &v) == -1)
				return fail();
		}
		if (commit_hives(h, (size_t)n, exs, nex, COMMIT_LOG_AUTO,
		    NULL) == -1)
			return fail();
		regval_free(&v);
	}
	for (int i = 0; i < n; i++)
		hive_close(h[i]);
	return 0;
}
