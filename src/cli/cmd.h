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

#endif
