/*
 * floor: what any tool that reads or safely writes a hive through hivex
 * must pay, whatever it does besides, so make bench can tell tlshive's own
 * cost from hivex's.
 *
 *   floor read HIVE...    open each hive (hivex maps it and walks every
 *                         cell before the first lookup), close it
 *   floor write HIVE...   open each for writing (hivex copies the whole file
 *                         into memory), set one DWORD, stage (write a
 *                         temporary file, re-open it through hivex and check
 *                         the value, fsync), then publish all (rename,
 *                         directory fsync): the safe commit with nothing
 *                         else around it
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hive.h"
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
	for (int i = 0; i < n; i++) {
		struct regval v;
		struct hive_expect ex = { "tlshive-bench", "Floor", &v };

		regval_dword(&v, 1);
		if ((h[i] = hive_open(argv[i + 2], HIVE_WRITE)) == NULL ||
		    hive_set(h[i], ex.key, ex.name, &v) == -1 ||
		    hive_stage(h[i], &ex, 1) == -1)
			return fail();
		regval_free(&v);
	}
	for (int i = 0; i < n; i++)
		if (hive_publish(h[i]) == -1)
			return fail();
	for (int i = 0; i < n; i++)
		hive_close(h[i]);
	return 0;
}
