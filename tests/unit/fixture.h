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
char *fixture_path(const char *root, const char *hive);
void fixture_rmrf(const char *dir);
/* Whole file contents, for byte-identity checks. */
char *fixture_slurp(const char *path, size_t *len);
int fixture_write(const char *path, const void *data, size_t len);

#endif
