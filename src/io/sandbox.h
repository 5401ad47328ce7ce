/*
 * The process that reads and writes an image's bytes, kept from the
 * rest of the host.  An image is untrusted input (a compromised
 * machine's disk, an image someone else built): qemu-nbd, libntfs-3g,
 * the partition, WIM and hive parsers all run in a child that sees the
 * image (a disk image or WIM file alone; a tree or the hive files'
 * directory where those are the image) and the system's programs and
 * nothing else, has no network, two capabilities that reach only that
 * view, no way back to more (no new privileges, a seccomp filter), and
 * dies with tlshive.  The files it needs outside its view (the user's
 * undo and output files, a disk image's journal) are written, tested and
 * removed by the parent, for the names the parent allowed.
 */
#ifndef SANDBOX_H
#define SANDBOX_H

#include <stddef.h>
#include <sys/types.h>

struct image_request;
struct hostfile_allow;

struct sandbox {
	pid_t pid;		/* the contained child, in the parent */
	int chan;		/* the parent's end of the file channel */
	struct hostfile_allow *files;	/* what the child may ask for */
	size_t nfiles;
};

/*
 * Forks the child that does the request's image work, as fork(2): 0 in
 * the child, contained (its own mount, PID, network, IPC and UTS
 * namespaces, a user one for a user other than root; the view above,
 * read-write only where rw and the request writes; CAP_DAC_OVERRIDE and
 * CAP_CHOWN alone; no new privileges; the seccomp filter; no core dumps;
 * standard input from /dev/null; no other descriptor but 1 and 2), the
 * child's pid in the parent, -1 with a message: also where the kernel
 * refuses namespaces, since an image is not read uncontained unless the
 * user says so (--no-sandbox: then this is not called).  userfiles
 * (NULL-ended) are the files the child may write and test through the
 * parent.  memory_mb caps the worker's address space (0: no cap).  Until
 * sandbox_wait, SIGINT, SIGTERM and SIGHUP that reach the parent are
 * passed on to the child.
 */
pid_t sandbox_fork(const struct image_request *, int rw, unsigned memory_mb,
    const char *const *userfiles, struct sandbox *sb);

/*
 * Serves the child's file requests until it ends, then its exit status
 * as a shell gives it: its code, or 128 + the signal that ended it.
 */
int sandbox_wait(struct sandbox *sb);

/* The seccomp filter alone (for tests): 0, or -1 with a message. */
int sandbox_filter(void);

#endif
