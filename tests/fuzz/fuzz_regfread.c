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
#include "regf/regfsrc.h"
#include "regval.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static int
count_key(void *ctx, const char *name, uint32_t key)
{
	(void)name;
	(void)key;
	return ++*(size_t *)ctx > 100000;
}

/* A walk of a hostile hive may be long: it stops after some entries. */
static int
count_entry(void *ctx, const char *key, const char *name,
    const struct regval *val)
{
	(void)key;
	(void)name;
	(void)val;
	return ++*(size_t *)ctx > 100000;
}

/*
 * The lazy reader, which show and check use, reads bins on demand from
 * the same bytes: the same answers are not required (it sees less), but
 * the same containment is.
 */
static void
lazy(const unsigned char *img, size_t len, const char *const *keys,
    size_t nkeys)
{
	struct regf_mem mem = { img, len };
	struct regf_src src = regfsrc_memory(&mem);
	struct regf_rd *rd = regf_open_src(&src, REGF_LAZY);
	size_t n = 0;

	if (rd == NULL)
		return;
	for (size_t i = 0; i < nkeys; i++) {
		struct regval v;
		char *name;

		regf_rd_key(rd, keys[i]);
		if (regf_rd_value(rd, keys[i], "Current", &v) == 1)
			regval_free(&v);
		free(regf_rd_value_name(rd, keys[i], ""));
		if ((name = regf_rd_value_name(rd, keys[i], "current")))
			free(name);
		regf_rd_subkeys(rd, keys[i], count_key, &n);
	}
	n = 0;
	regf_rd_walk(rd, "", count_entry, &n);
	regf_close(rd);
}

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
	lazy(img, len, keys, sizeof(keys) / sizeof(*keys));
	free(img);
	return 0;
}
