/*
 * A plain main for a fuzz harness: every file named (or every file in a
 * directory named) goes through LLVMFuzzerTestOneInput once, so make check
 * replays tests/fuzz/regress/ without libFuzzer.  A crash or an abort in
 * the harness fails the test; the count tells the test it ran at all.
 */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static int
one(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0, got;

	if (f == NULL) {
		perror(path);
		return -1;
	}
	do {
		if (len == cap && (buf = realloc(buf, cap = cap * 2 + 4096)) ==
		    NULL) {
			fclose(f);
			return -1;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

int
main(int argc, char **argv)
{
	size_t n = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;
		DIR *d;
		struct dirent *e;

		if (stat(argv[i], &st) == -1 || !S_ISDIR(st.st_mode)) {
			if (one(argv[i]) == -1)
				return 2;
			n++;
			continue;
		}
		if ((d = opendir(argv[i])) == NULL) {
			perror(argv[i]);
			return 2;
		}
		while ((e = readdir(d)) != NULL) {
			char *p;
			if (e->d_name[0] == '.')
				continue;
			if ((p = malloc(strlen(argv[i]) + strlen(e->d_name) +
			    2)) == NULL)
				return 2;
			sprintf(p, "%s/%s", argv[i], e->d_name);
			if (one(p) == -1)
				return 2;
			free(p);
			n++;
		}
		closedir(d);
	}
	printf("%zu inputs\n", n);
	return 0;
}
