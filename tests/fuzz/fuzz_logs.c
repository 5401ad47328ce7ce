/*
 * libFuzzer harness: transaction-log replay.  The input is the log of a
 * fixed dirty hive, read both as a new-format .LOG1 and as an old .LOG;
 * a recovered hive must have a sound base block and open through hivex.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "regf/hive.h"
#include "regf/logs.h"
#include "regf/mkhive.h"

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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static unsigned char primary[MKHIVE_SIZE];
	const char *names[3] = { "F.LOG", "F.LOG1", "F.LOG2" };
	const unsigned char *logs[3] = { NULL, NULL, NULL };
	size_t lens[3] = { 0, 0, 0 };
	struct recovery r;

	if (primary[0] == 0) {
		mkhive_build(primary, "ROOT", 1);
		primary[4] = 3;			/* dirty: 3 / 1 */
	}
	for (int slot = 0; slot < 2; slot++) {
		memset(logs, 0, sizeof(logs));
		memset(lens, 0, sizeof(lens));
		logs[slot] = data;
		lens[slot] = len;
		if (logs_recover_mem(primary, sizeof(primary), logs, lens,
		    names, "F", &r) == 0) {
			check(&r);
			recovery_free(&r);
		}
	}
	return 0;
}
