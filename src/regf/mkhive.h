/* Writing an empty regf hive from the format specification, without hivex. */
#ifndef MKHIVE_H
#define MKHIVE_H

#include <stddef.h>
#include <stdint.h>

#define MKHIVE_SIZE 8192	/* base block plus one hive bin */

/*
 * Fills buf (MKHIVE_SIZE bytes) with a clean hive: base block, one 4 KiB
 * hive bin holding the root key (named root_name) and its security cell,
 * and a free cell for the rest.  filetime stamps the base block and key.
 */
int mkhive_build(unsigned char *buf, const char *root_name, uint64_t filetime);
/* Writes such a hive to a new file (refuses to overwrite one). */
int mkhive_write(const char *path, const char *root_name, uint64_t filetime);

#endif
