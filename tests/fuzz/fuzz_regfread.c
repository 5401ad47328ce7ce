/*
 * libFuzzer harness: the independent regf reader that checks a new hive
 * image before it is written.  hivex copies whatever a hostile hive holds
 * into the image it writes, so the reader must answer every image, however
 * damaged, with 1, 0 or -1 and never read outside it.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "regf/regf.h"
#include "regf/regfread.h"
#include "regval.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const char *const keys[] = { "", "ControlSet001",
	    "ControlSet001\\Control\\SecurityProviders\\SCHANNEL",
	    "Select", "a\\b\\c" };
	/* an exact-size copy, so any read past the end is caught */
	unsigned char *img = malloc(len ? len : 1);
	struct regf_img ri = { img, len };
	struct regf_rd *rd;

	memcpy(img, data, len);
	/* most inputs would fail the checksum; let them reach the cells */
	if (len >= 512)
		put_le32(img + 508, regf_checksum(img));
	if ((rd = regf_open(&ri)) != NULL) {
		for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++) {
			struct regval v;
			regf_rd_key(rd, keys[i]);
			if (regf_rd_value(rd, keys[i], "Current", &v) == 1)
				regval_free(&v);
			if (regf_rd_value(rd, keys[i], "", &v) == 1)
				regval_free(&v);
		}
		for (size_t off = 4096; off < len; off += 4096)
			regf_rd_bin_at(rd, off);
		regf_close(rd);
	}
	free(img);
	return 0;
}
