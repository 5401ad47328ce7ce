/* Test fixtures: image layouts made by mkimage in a temporary directory. */
#ifndef FIXTURE_H
#define FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

/* A fresh temporary directory. */
char *fixture_dir(void);
/* A new empty hive named SYSTEM in a new directory (*dir). */
char *fixture_hive(char **dir);
/* ROOT of a new image of that layout; extra is mkimage --extra text or NULL. */
char *fixture_image(const char *layout, const char *extra);
/* Removes an image fixture_image made, and the directory made for it. */
void fixture_image_rm(const char *root);
char *fixture_path(const char *root, const char *hive);
void fixture_rmrf(const char *dir);
/* Whole file contents, for byte-identity checks. */
char *fixture_slurp(const char *path, size_t *len);
int fixture_write(const char *path, const void *data, size_t len);
/*
 * A walk callback (hive_walk, regf_rd_walk) that appends to a struct
 * strbuf: keys, value names, types and data as hex, in walk order, so
 * that two walks compare as text.
 */
struct regval;
int fixture_walk_text(void *ctx, const char *key, const char *name,
    const struct regval *val);

#endif
