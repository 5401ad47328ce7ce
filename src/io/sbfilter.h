/*
 * The contained child's seccomp filter (io/sandbox.h).  Its rules are
 * written for libseccomp, which resolves system calls by name for the
 * machine's architecture and adds the architecture check; that happens
 * once, when tlshive is built (mkfilter), so a run loads a finished BPF
 * program and does not load libseccomp at all.
 */
#ifndef SBFILTER_H
#define SBFILTER_H

#include <linux/filter.h>

/* The program compiled at build time (sbfilter-bpf.c, made by mkfilter). */
extern const struct sock_filter sbfilter_bpf[];
extern const unsigned short sbfilter_len;

/*
 * Adds the rules to a libseccomp filter context (a scmp_filter_ctx made
 * with a default of SCMP_ACT_ALLOW): 0, or a negative errno.  For the
 * build (mkfilter) and the tests, which link libseccomp; tlshive does not.
 */
int sbfilter_rules(void *ctx);

#endif
