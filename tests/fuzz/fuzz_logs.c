/*
 * libFuzzer harness: transaction-log replay.  The primary is a fixed hive
 * from mkhive with a valid but dirty base block (sequence numbers 2 / 1,
 * checksum right), so replay takes the normal path; the input holds the
 * contents of two logs and a flags byte:
 *
 *   byte 0      flags (below)
 *   bytes 1-4   little-endian split: the first log gets split % (rest + 1)
 *               bytes of the rest, the second log all after them
 *   bytes 5-    the first log, then the second
 *
 * The first log is .LOG1 (or .LOG, FL_DOTLOG), the second .LOG2.  The
 * fix-up flags make the harness repair what a mutation cannot keep right
 * by chance (the log base block's checksum and file type, an old log's
 * timestamp, each HvLE entry's Marvin32 hashes), so inputs reach the
 * entry and dirty-vector replay instead of stopping at a hash; with a
 * flag clear the fuzzer drives those bytes itself.  A recovered hive must
 * have a sound, clean base block and open through hivex.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "le.h"
#include "regf/hive.h"
#include "regf/logs.h"
#include "regf/mkhive.h"
#include "regf/regf.h"

enum {
	FL_OLD = 0x01,		/* fix-ups write file type 1 (old), else 6 (new) */
	FL_FIXBASE = 0x02,	/* fix each log's base block: type, seq, checksum */
	FL_FIXHASH = 0x04,	/* fix the hashes of each HvLE entry */
	FL_DOTLOG = 0x08,	/* the first log is .LOG, not .LOG1 */
	FL_BASELOST = 0x10,	/* the primary's base block is lost (bad checksum) */
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static void
check(const struct recovery *r)
{
	char tmp[] = "/tmp/fuzz-logs-XXXXXX";
	struct hive *h;
	struct hive_header hh;
	int fd = mkstemp(tmp);

	if (fd == -1)
		return;
	if (write(fd, r->data, r->len) != (ssize_t)r->len) {
		close(fd);
		unlink(tmp);
		return;
	}
	close(fd);
	if (hive_read_header(tmp, &hh) == 0 && (!hh.checksum_ok || hh.dirty))
		abort();	/* replay must leave a clean, valid base block */
	if ((h = hive_open(tmp, 0)) != NULL)
		hive_close(h);
	unlink(tmp);
}

static void
fixup(unsigned char *log, size_t len, unsigned flags, const unsigned char *primary)
{
	if (len < 512)
		return;
	if (flags & FL_FIXHASH) {
		for (size_t off = 512; off + 40 <= len;) {
			unsigned char *e = log + off;
			uint32_t size = get_le32(e + 4);
			if (memcmp(e, "HvLE", 4) != 0 || size < 512 ||
			    size % 512 || size > len - off)
				break;
			put_le64(e + 24, marvin32(e + 40, size - 40));
			put_le64(e + 32, marvin32(e, 32));
			off += size;
		}
	}
	if (flags & FL_FIXBASE) {
		memcpy(log, "regf", 4);
		put_le32(log + 8, get_le32(log + 4));
		put_le32(log + 28, flags & FL_OLD ? LOG_OLD : LOG_NEW);
		if (flags & FL_OLD)	/* the primary's last-written time */
			memcpy(log + 12, primary + 12, 8);
		put_le32(log + 508, regf_checksum(log));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static unsigned char primary[MKHIVE_SIZE], lost[MKHIVE_SIZE];
	const char *names[3] = { "F.LOG", "F.LOG1", "F.LOG2" };
	const unsigned char *logs[3] = { NULL, NULL, NULL };
	size_t lens[3] = { 0, 0, 0 }, rest, n1;
	unsigned flags;
	unsigned char *buf;
	struct recovery r;

	if (primary[0] == 0) {
		mkhive_build(primary, "ROOT", 1);
		put_le32(primary + 4, 2);	/* dirty: 2 / 1, checksum right */
		put_le32(primary + 508, regf_checksum(primary));
		memcpy(lost, primary, sizeof(lost));
		put_le32(lost + 508, get_le32(lost + 508) ^ 0x5a5a);
	}
	if (len < 5)
		return 0;
	flags = data[0];
	rest = len - 5;
	n1 = get_le32(data + 1) % (rest + 1);
	if ((buf = malloc(rest ? rest : 1)) == NULL)
		return 0;
	memcpy(buf, data + 5, rest);
	fixup(buf, n1, flags, primary);
	fixup(buf + n1, rest - n1, flags, primary);
	logs[flags & FL_DOTLOG ? 0 : 1] = buf;
	lens[flags & FL_DOTLOG ? 0 : 1] = n1;
	logs[2] = buf + n1;
	lens[2] = rest - n1;
	if (logs_recover_mem(flags & FL_BASELOST ? lost : primary,
	    sizeof(primary), logs, lens, names, "F", &r) == 0) {
		check(&r);
		recovery_free(&r);
	}
	free(buf);
	return 0;
}
