/* Many images in one run: one worker process per image, results in order. */
#ifndef BATCH_H
#define BATCH_H

#include "cli/options.h"

/*
 * Runs show, check or apply on each root with up to jobs workers.  Text
 * output gives each image's output under a header; with o->json one JSON
 * object per line (JSON Lines).  Returns 2 if any image failed, else 1 if
 * any is not compliant (check), else 0.
 */
int batch_run(const struct options *o, char **roots, size_t n, int jobs,
    int quiet);
/* Reads one ROOT per line from path ("-": standard input). */
char **batch_read_list(const char *path, size_t *n);

#endif
