/*
 * Images where they lie: a disk image named by an http://, https:// or
 * nbd:// URL, read without being downloaded.  The network is reached by
 * one process alone, the transport: qemu-nbd reading the URL as plain
 * bytes (no format, so nothing in the image can make it open anything
 * else), started here, outside the contained child, which has no
 * network.  It serves those bytes on a Unix socket in a private
 * directory; the child reads them (blk.c) and decodes a qcow2 with its
 * own qemu-nbd, inside the sandbox, with no backing file.  Read-only:
 * a URL is never written.  A URL is opened only when it is the image the
 * user names, never on an image's word (imghdr.h: a backing file that is
 * a URL is refused).
 */
#ifndef REMOTE_H
#define REMOTE_H

#ifdef WITH_IMAGES
/* Is NAME an image URL (http://, https://, nbd://): 1 or 0. */
int remote_is_url(const char *name);

/*
 * Starts the transport for URL and waits until it serves (qemu-nbd has
 * opened the URL: its first reply is there) or fails: 0, or -1 with a
 * message naming URL and, when qemu-nbd said one, its reason.  One URL a
 * process; the transport dies with the process (a kill included) and
 * remote_stop ends it.
 */
int remote_start(const char *url);
/* The transport's socket for URL, or NULL when none serves it. */
const char *remote_socket(const char *url);
/* Ends the transport and removes its socket and directory. */
void remote_stop(void);
#else
/* built without disk images (configure --without-images): no URL */
static inline int remote_is_url(const char *n) { (void)n; return 0; }
static inline int remote_start(const char *u) { (void)u; return -1; }
static inline const char *remote_socket(const char *u) { (void)u; return 0; }
static inline void remote_stop(void) { }
#endif

#endif
