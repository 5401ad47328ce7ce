/*
 * mklarge: makes the benchmark's large SOFTWARE-like hive, through the same
 * hive.c code the tool uses.  Real SOFTWARE hives are dominated by Windows
 * Installer component keys (a GUID per key, one value per product holding
 * a file path) and COM registrations; this grows an image's SOFTWARE hive
 * with N component keys of that shape, bucketed by their first two and
 * next two hex digits: hivex writes a new subkey list for every insert and
 * does not reuse the old one, so one key with 300,000 subkeys would grow
 * the file quadratically.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regf/commit.h"
#include "regf/hive.h"
#include "regval.h"
#include "tlshive.h"

static unsigned long long state = 88172645463325252ULL;

static unsigned
rnd(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return (unsigned)state;
}

static void
set_sz(struct hive *h, const char *key, const char *name, const char *s)
{
	struct regval v;

	if (regval_sz(&v, s) == -1 || hive_set(h, key, name, &v) == -1) {
		fprintf(stderr, "mklarge: %s\n", tlsh_errmsg());
		exit(2);
	}
	regval_free(&v);
}

int
main(int argc, char **argv)
{
	static const char *const base = "Microsoft\\Windows\\CurrentVersion\\"
	    "Installer\\UserData\\S-1-5-18\\Components";
	static const char *const dirs[] = { "Program Files\\Common Files",
	    "Windows\\System32", "Windows\\WinSxS\\amd64_microsoft-windows",
	    "Program Files (x86)\\Microsoft Office\\root\\Office16" };
	struct hive *h;
	long n;

	if (argc != 3 || (n = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: mklarge SOFTWARE-HIVE NKEYS\n");
		return 2;
	}
	if ((h = hive_open(argv[1], HIVE_WRITE)) == NULL) {
		fprintf(stderr, "mklarge: %s\n", tlsh_errmsg());
		return 2;
	}
	for (long i = 0; i < n; i++) {
		char key[256], prod[40], path[300];
		unsigned a = rnd(), b = rnd(), c = rnd(), d = rnd();
		int vals = 1 + (rnd() % 4 == 0);

		snprintf(key, sizeof(key), "%s\\%02X\\%02X\\%08X%08X%08X%06X",
		    base, a >> 24, (a >> 16) & 0xff, a, b, c, d & 0xffffff);
		for (int v = 0; v < vals; v++) {
			unsigned p = rnd(), q = rnd();
			snprintf(prod, sizeof(prod), "%08X%08X%08X%08X", p, q,
			    p ^ q, q * 7);
			snprintf(path, sizeof(path), "C:\\%s\\component%08x\\"
			    "library%u.dll", dirs[rnd() % 4], rnd(), rnd() % 1000);
			set_sz(h, key, prod, path);
		}
		if (i % 50000 == 0 && i)
			fprintf(stderr, "mklarge: %ld keys\n", i);
	}
	if (commit_hives(&h, 1, NULL, NULL, COMMIT_LOG_AUTO, NULL) == -1) {
		fprintf(stderr, "mklarge: %s\n", tlsh_errmsg());
		return 2;
	}
	hive_close(h);
	return 0;
}
