/* The rules of the contained child's seccomp filter, for libseccomp. */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <seccomp.h>

#include "io/sbfilter.h"

int
sbfilter_rules(void *ctx)
{
	/* what no image reader needs and an attacker would: mounts and
	 * namespaces, tracing other processes, the kernel's keyrings,
	 * modules, BPF, clocks, handles that bypass paths, the network */
	static const int deny[] = {
		SCMP_SYS(mount), SCMP_SYS(umount2), SCMP_SYS(pivot_root),
		SCMP_SYS(chroot), SCMP_SYS(unshare), SCMP_SYS(setns),
		SCMP_SYS(ptrace), SCMP_SYS(process_vm_readv),
		SCMP_SYS(process_vm_writev), SCMP_SYS(kcmp),
		SCMP_SYS(kexec_load), SCMP_SYS(kexec_file_load),
		SCMP_SYS(init_module), SCMP_SYS(finit_module),
		SCMP_SYS(delete_module), SCMP_SYS(bpf),
		SCMP_SYS(perf_event_open), SCMP_SYS(keyctl), SCMP_SYS(add_key),
		SCMP_SYS(request_key), SCMP_SYS(reboot), SCMP_SYS(swapon),
		SCMP_SYS(swapoff), SCMP_SYS(acct), SCMP_SYS(settimeofday),
		SCMP_SYS(clock_settime), SCMP_SYS(clock_adjtime),
		SCMP_SYS(adjtimex), SCMP_SYS(open_by_handle_at),
		SCMP_SYS(name_to_handle_at), SCMP_SYS(userfaultfd),
		SCMP_SYS(iopl), SCMP_SYS(ioperm), SCMP_SYS(quotactl),
		SCMP_SYS(syslog), SCMP_SYS(vhangup), SCMP_SYS(fanotify_init),
		SCMP_SYS(mknod), SCMP_SYS(mknodat), SCMP_SYS(fsopen),
		SCMP_SYS(fsmount), SCMP_SYS(fsconfig), SCMP_SYS(fspick),
		SCMP_SYS(move_mount), SCMP_SYS(open_tree),
		SCMP_SYS(mount_setattr), SCMP_SYS(lookup_dcookie),
		SCMP_SYS(setdomainname), SCMP_SYS(sethostname),
		/* file capabilities and other attributes the host trusts */
		SCMP_SYS(setxattr), SCMP_SYS(lsetxattr), SCMP_SYS(fsetxattr),
		SCMP_SYS(removexattr), SCMP_SYS(lremovexattr),
		SCMP_SYS(fremovexattr),
		/* another process's descriptors and memory */
		SCMP_SYS(pidfd_getfd), SCMP_SYS(process_madvise),
	};
	/*
	 * No file of the view becomes set-user-ID or set-group-ID: the
	 * view is the host's own files, and such a file, made by uid 0,
	 * would run as root there.  The mode is the 2nd argument of chmod,
	 * fchmod and creat, the 3rd of open and fchmodat, the 4th of openat.
	 */
	static const struct { int sys; unsigned arg; } modes[] = {
		{ SCMP_SYS(chmod), 1 }, { SCMP_SYS(fchmod), 1 },
		{ SCMP_SYS(creat), 1 }, { SCMP_SYS(open), 2 },
		{ SCMP_SYS(fchmodat), 2 }, { SCMP_SYS(openat), 3 },
	};
	static const int nosys[] = {
		/* asked for ENOSYS: callers fall back (glibc to clone,
		 * qemu to its thread pool) */
		SCMP_SYS(clone3), SCMP_SYS(io_uring_setup),
		SCMP_SYS(io_uring_enter), SCMP_SYS(io_uring_register),
	};
	static const uint64_t ns[] = { CLONE_NEWNS, CLONE_NEWUSER,
	    CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWIPC, CLONE_NEWUTS,
	    CLONE_NEWCGROUP };
	int r = 0;

	for (size_t i = 0; r == 0 && i < sizeof(deny) / sizeof(deny[0]); i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), deny[i], 0);
	for (size_t i = 0; r == 0 && i < sizeof(nosys) / sizeof(nosys[0]);
	    i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nosys[i], 0);
	for (size_t i = 0; r == 0 && i < sizeof(modes) / sizeof(modes[0]);
	    i++)
		for (unsigned bit = S_ISUID; r == 0 && bit >= S_ISGID;
		    bit >>= 1) {
			struct scmp_arg_cmp c = { modes[i].arg,
			    SCMP_CMP_MASKED_EQ, bit, bit };
			r = seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO(EPERM),
			    modes[i].sys, 1, &c);
		}
	/* a thread or a child, but no namespace of its own */
	for (size_t i = 0; r == 0 && i < sizeof(ns) / sizeof(ns[0]); i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone),
		    1, SCMP_A0(SCMP_CMP_MASKED_EQ, ns[i], ns[i]));
	/* a terminal on 0, 1 or 2 is the user's: no keystrokes pushed into
	 * its input, no console tricks (the ioctl's command is 32 bits) */
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl),
		    1, SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCSTI));
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl),
		    1, SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCLINUX));
	/* qemu-nbd and libnbd speak over a socketpair and a Unix socket */
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT),
		    SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_NE, AF_UNIX));
	return r;
}
