/*
 * The user's files (an undo file, an export, a recovered hive's copy),
 * which the contained child that reads an image cannot see: it hands
 * the bytes to the parent, which writes them where the command line
 * said and nowhere else.
 */
#ifndef USERFILE_H
#define USERFILE_H

#include <stddef.h>

/* In the contained child: the parent is at the other end of fd. */
void userfile_channel(int fd);
/*
 * In the parent: writes what the child sends until it closes its end,
 * to the paths the user named (undo, out) only.
 */
void userfile_serve(int fd, const char *undo, const char *out);

/* A new file with these bytes (store_write_new), wherever the run is. */
int userfile_write(const char *path, const void *data, size_t len);
/* Is there a file (or a link) of that name?  1 yes, 0 no. */
int userfile_exists(const char *path);

#endif
