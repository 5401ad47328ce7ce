/*
 * IIS Crypto templates (.ictpl): the XML Nartac's IIS Crypto saves, read as
 * another kind of profile.  What maps onto the settings table becomes
 * profile lines; what does not is listed as skipped.
 */
#ifndef ICTPL_H
#define ICTPL_H

#include <stddef.h>

#include "tlshive.h"

/*
 * Does the file look like XML rather than a profile: a UTF-16 byte order
 * mark, or a first character '<' (after a UTF-8 mark and blanks), which
 * no profile line starts with.
 */
int ictpl_detect(const unsigned char *data, size_t len);
/* A profile line the template stands for, origin "FILE:LINE". */
typedef void (*ictpl_line_fn)(void *arg, const char *line,
    const char *origin);
/*
 * Reads a template (UTF-8, or UTF-16 with its byte order mark): each item
 * that maps onto the settings table goes to fn as "NAME = VALUE", in
 * document order; each that does not goes to skipped as "FILE:LINE: ...";
 * a mistake goes to errs as "FILE:LINE: ...".  Broken XML stops the
 * reading there.  0, or -1 when errors were added.
 */
int ictpl_read(const unsigned char *data, size_t len, const char *file,
    ictpl_line_fn fn, void *arg, struct strlist *skipped,
    struct strlist *errs);

#endif
