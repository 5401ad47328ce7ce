/*
 * Compiles the contained child's seccomp filter (sbfilter.c) with
 * libseccomp for the machine that builds tlshive, and writes it to
 * standard output as C (sbfilter-bpf.c): the BPF program, architecture
 * check first, that sandbox.c loads without libseccomp.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/filter.h>
#include <seccomp.h>

#include "io/sbfilter.h"

int
main(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	FILE *tmp = tmpfile();
	struct sock_filter ins;
	long size, n;
	int r;

	if (ctx == NULL || tmp == NULL) {
		fprintf(stderr, "mkfilter: %s\n", strerror(ctx ? errno :
		    ENOMEM));
		return 1;
	}
	if ((r = sbfilter_rules(ctx)) != 0 || (r = seccomp_export_bpf(ctx,
	    fileno(tmp))) != 0) {
		fprintf(stderr, "mkfilter: libseccomp: %s\n", strerror(-r));
		return 1;
	}
	seccomp_release(ctx);
	size = lseek(fileno(tmp), 0, SEEK_END);
	/* seccomp(2) takes at most BPF_MAXINSNS instructions */
	if (size <= 0 || size % (long)sizeof(ins) != 0 ||
	    (n = size / (long)sizeof(ins)) > BPF_MAXINSNS ||
	    lseek(fileno(tmp), 0, SEEK_SET) != 0) {
		fprintf(stderr, "mkfilter: the exported program: %ld bytes\n",
		    size);
		return 1;
	}
	printf("/* Made by mkfilter from sbfilter.c when tlshive was built. */\n"
	    "#include \"config.h\"\n\n#include \"io/sbfilter.h\"\n\n"
	    "const struct sock_filter sbfilter_bpf[] = {\n");
	for (long i = 0; i < n; i++) {
		if (read(fileno(tmp), &ins, sizeof(ins)) != (ssize_t)sizeof(ins)) {
			fprintf(stderr, "mkfilter: reading the program back\n");
			return 1;
		}
		printf("\t{ 0x%04x, %u, %u, 0x%08x },\n", ins.code, ins.jt,
		    ins.jf, ins.k);
	}
	printf("};\n\nconst unsigned short sbfilter_len = %ld;\n", n);
	fclose(tmp);
	return ferror(stdout) || fflush(stdout) ? 1 : 0;
}
