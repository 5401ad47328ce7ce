/* The commands: each prints its own messages and returns an exit code. */
#ifndef CMD_H
#define CMD_H

#include "cli/options.h"

int cmd_run(const struct options *);
int cmd_export(const struct options *);
/* o->root is the hive or disk image; o->out, o->wait and the image's
 * options as for apply. */
int cmd_recover(const struct options *);
int cmd_profiles(const char *name);
int cmd_settings(int json);
/*
 * Where --checklist or --xccdf (file) puts an image's document: file, or
 * when it names a directory, a file in it named after the image (its last
 * path part, "-N" for --index N) with ext.  Read here, before the image
 * is opened: a contained child cannot see the directory.
 */
char *report_path(const char *file, const char *image, int index,
    const char *ext);
#define CKL_EXT ".ckl"
#define XCCDF_EXT ".xccdf.xml"

#endif
