/*
 * Seeds for fuzz_logs: valid logs of both formats for its primary (the
 * mkhive hive, dirty 2 / 1), written by the project's own log writer
 * (logs_build, as commit.c uses it), in the harness's input layout:
 * flags byte, 4-byte split, first log, second log.  Usage: seed_logs DIR
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "le.h"
#include "regf/logs.h"
#include "regf/mkhive.h"
#include "regf/regf.h"

static const char *dir;

static void
emit(const char *name, unsigned flags, const unsigned char *a, size_t alen,
    const unsigned char *b, size_t blen)
{
	char path[4096];
	unsigned char hdr[5];
	FILE *f;

	hdr[0] = (unsigned char)flags;
	put_le32(hdr + 1, (uint32_t)alen);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL) {
		perror(path);
		exit(1);
	}
	fwrite(hdr, 1, 5, f);
	if (alen)
		fwrite(a, 1, alen, f);
	if (blen)
		fwrite(b, 1, blen, f);
	if (fclose(f) != 0)
		exit(1);
}

int
main(int argc, char **argv)
{
	unsigned char primary[MKHIVE_SIZE], base[MKHIVE_SIZE], page1[4096],
	    page2[4096], two[8192], big2[8192];
	unsigned char *a, *b, *c, *o, *joined;
	size_t alen, blen, clen, olen;
	struct page_run r1, r2, rr[2];
	unsigned char *nm;
	uint32_t po;

	if (argc != 2)
		return 2;
	dir = argv[1];
	mkhive_build(primary, "ROOT", 1);
	memcpy(base, primary, sizeof(base));
	/* the first bin with the root key renamed: ROOT -> RXXT, then RYYT */
	memcpy(page1, primary + 4096, 4096);
	memcpy(page2, primary + 4096, 4096);
	nm = memmem(page1, 4096, "ROOT", 4);
	memcpy(nm, "RXXT", 4);
	nm = memmem(page2, 4096, "ROOT", 4);
	memcpy(nm, "RYYT", 4);
	/* only the 512-byte page holding the name, to keep the seeds small */
	po = (uint32_t)(nm - page2) / 512 * 512;
	r1 = (struct page_run){ po, 512, page1 + po };
	r2 = (struct page_run){ po, 512, page2 + po };
	rr[0] = r1;
	rr[1] = (struct page_run){ 4096, 512, two + 4096 };

	/* new format: one entry in .LOG1; LOG1 then LOG2; LOG2 then LOG1 */
	a = logs_build(LOG_NEW, base, 1, &r1, 1, &alen);
	b = logs_build(LOG_NEW, base, 2, &r2, 1, &blen);
	emit("new-log1", 0x06, a, alen, NULL, 0);
	emit("new-log2", 0x06, NULL, 0, a, alen);
	emit("new-log1-log2", 0x06, a, alen, b, blen);
	emit("new-log2-log1", 0x06, b, blen, a, alen);
	emit("new-lost", 0x16, a, alen, b, blen);
	/* two entries in one log: the first log's entry, the second's after it */
	joined = malloc(alen - 512 + blen - 512);
	memcpy(joined, a, alen - 512);			/* drop the end sector */
	memcpy(joined + alen - 512, b + 512, blen - 512);
	emit("new-two-entries", 0x06, joined, alen - 512 + blen - 512, NULL, 0);
	/* a hive grown by a second bin */
	memcpy(two, page1, 4096);
	memset(two + 4096, 0, 4096);
	memcpy(two + 4096, "hbin", 4);
	put_le32(two + 4096 + 4, 4096);
	put_le32(two + 4096 + 8, 4096);
	put_le32(two + 4096 + 32, 4096 - 32);		/* one free cell */
	memcpy(big2, base, sizeof(big2));
	put_le32(big2 + 40, 8192);
	c = logs_build(LOG_NEW, big2, 1, rr, 2, &clen);
	emit("new-grown", 0x06, c, clen, NULL, 0);
	free(c);
	c = logs_build(LOG_OLD, big2, 2, rr, 2, &clen);
	emit("old-grown", 0x07, c, clen, NULL, 0);
	free(c);

	/* old format: the dirty vector and pages, in .LOG1 or .LOG */
	o = logs_build(LOG_OLD, base, 2, &r1, 1, &olen);
	emit("old-log1", 0x07, o, olen, NULL, 0);
	emit("old-dotlog", 0x0f, o, olen, a, alen);
	emit("old-log2", 0x07, NULL, 0, o, olen);
	emit("old-lost", 0x17, o, olen, NULL, 0);
	/* the same, fix-ups off: the logs as written, bytes left as they are */
	emit("new-raw", 0x00, a, alen, b, blen);
	emit("old-raw", 0x01, o, olen, NULL, 0);
	free(a);
	free(b);
	free(o);
	free(joined);
	return 0;
}
