/*
 * The process that reads and writes an image's bytes, kept from the
 * rest of the host.  An image is untrusted input (a compromised
 * machine's disk, an image someone else built): qemu-nbd, libntfs-3g,
 * the partition, WIM and hive parsers all run in a child that sees the
 * image and the system's libraries and nothing else, has no network,
 * no capability and no way back to more (no new privileges, a seccomp
 * filter), and dies with tlshive.  The parent keeps the user's files.
 */
#ifndef SANDBOX_H
#define SANDBOX_H

#include <stddef.h>
#include <sys/types.h>

struct image_request;

struct sandbox {
	pid_t pid;		/* the contained child, in the parent */
	char *partial;		/* namespaces refused: why (NULL: none) */
};

/*
 * Forks the child that does the request's image work, as fork(2): 0 in
 * the child (contained: a mount view of the request's files alone, its
 * own PID, network, IPC and UTS namespaces, every capability dropped,
 * the image owner's uid when that is not root, no new privileges, the
 * seccomp filter, no core dumps, no descriptor but 0, 1, 2 and keep),
 * the child's pid in the parent, -1 with a message.  Where the kernel
 * refuses namespaces (a container without them) the child still drops
 * what it can and sb->partial says why.  memory_mb caps the child's
 * address space (0: no cap).  Until sandbox_wait, SIGINT, SIGTERM and
 * SIGHUP that reach the parent are passed on to the child.  rw: the
 * request's directories are writable in the view (apply, recover).
 */
pid_t sandbox_fork(const struct image_request *, int rw, unsigned memory_mb,
    const int *keep, size_t nkeep, struct sandbox *sb);

/*
 * The child's exit status as a shell gives it: its code, or 128 +
 * the signal that ended it.
 */
int sandbox_wait(struct sandbox *sb);

/* The seccomp filter alone (for tests): 0, or -1 with a message. */
int sandbox_filter(void);

#endif
