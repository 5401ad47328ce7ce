/* The commands: each prints its own messages and returns an exit code. */
#ifndef CMD_H
#define CMD_H

#include "cli/options.h"

int cmd_run(const struct options *);
int cmd_export(const struct options *);
int cmd_recover(const char *hive, const char *out, int wait,
    const char *journal_dir);
int cmd_profiles(const char *name);
int cmd_settings(int json);

#endif
