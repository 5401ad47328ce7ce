/* sandbox.c: the contained child, seen from inside (it reports by its exit code). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>

#include "fixture.h"
#include "io/image.h"
#include "io/sandbox.h"
#include "io/sbfilter.h"
#include "tlshive.h"

/* Where every tool is required (CI), a skip is a failure. */
static const char *
getenv_required(void)
{
	const char *r = getenv("TLSHIVE_REQUIRE_TOOLS");

	return r && strcmp(r, "1") == 0 ? r : NULL;
}

/*
 * Namespaces and mounts need root: elsewhere the test is skipped, except
 * where the tools are required (CI), where that is a failure.
 */
static void
need_root(const char *dir)
{
	if (geteuid() != 0) {
		fixture_rmrf(dir);
		assert_null(getenv_required());
		skip();
	}
}

/* In a child: the code the test expects (0 all well, 10 + step failed). */
static int
in_child(int (*fn)(void *), void *arg)
{
	pid_t p = fork();
	int st;

	assert_true(p != -1);
	if (p == 0)
		_exit(fn(arg));
	assert_int_equal(waitpid(p, &st, 0), p);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static int
in_child_plain(void)
{
	pid_t p = fork();
	int st;

	if (p == -1)
		return -1;
	if (p == 0)
		_exit(0);
	return waitpid(p, &st, 0) == p && WIFEXITED(st) ? WEXITSTATUS(st) :
	    -1;
}

static int
filtered(void *arg)
{
	int fd;

	(void)arg;
	if (sandbox_filter() == -1)
		return 10;
	errno = 0;
	if (socket(AF_INET, SOCK_STREAM, 0) != -1 || errno != EAFNOSUPPORT)
		return 11;
	if (socket(AF_INET6, SOCK_DGRAM, 0) != -1)
		return 12;
	if (socket(AF_NETLINK, SOCK_RAW, 0) != -1)
		return 13;
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		return 14;
	close(fd);
	if (unshare(CLONE_NEWUSER) != -1 || errno != EPERM)
		return 15;
	if (unshare(CLONE_NEWNS) != -1)
		return 16;
	/* pushing input into a terminal: refused before the kernel would
	 * look at the descriptor (which would say ENOTTY for this one),
	 * with the command's upper bits set too */
	if ((fd = open("/dev/null", O_RDONLY)) == -1)
		return 18;
	errno = 0;
	if (ioctl(fd, TIOCSTI, "x") != -1 || errno != EPERM)
		return 19;
	errno = 0;
	if (ioctl(fd, (unsigned long)TIOCSTI | (1ul << 32), "x") != -1 ||
	    errno != EPERM)
		return 20;
	close(fd);
	/* a plain child is still allowed: qemu-nbd is one */
	if (in_child_plain() != 0)
		return 17;
	return 0;
}

static void
test_sandbox__filter_refuses_network_and_namespaces(void **state)
{
	(void)state;
	assert_int_equal(in_child(filtered, NULL), 0);
}

/*
 * The filter tlshive loads is compiled when it is built (mkfilter);
 * here the same rules are compiled again by libseccomp and both
 * programs are run, by a small classic-BPF interpreter, over every
 * system call number of the native, a foreign and the x32 ABI with
 * the argument values the rules look at: every verdict must agree.
 */
static uint32_t
bpf_run(const struct sock_filter *p, size_t n, const struct seccomp_data *d)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };

	for (size_t pc = 0; pc < n; pc++) {
		const struct sock_filter *f = &p[pc];
		uint32_t k = f->k, w;

		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (k > sizeof(*d) - 4)
				return 0xdead;
			memcpy(&w, (const char *)d + k, 4);
			a = w;
			break;
		case BPF_LD | BPF_IMM: a = k; break;
		case BPF_LD | BPF_MEM: a = mem[k % BPF_MEMWORDS]; break;
		case BPF_LDX | BPF_IMM: x = k; break;
		case BPF_LDX | BPF_MEM: x = mem[k % BPF_MEMWORDS]; break;
		case BPF_ST: mem[k % BPF_MEMWORDS] = a; break;
		case BPF_STX: mem[k % BPF_MEMWORDS] = x; break;
		case BPF_ALU | BPF_AND | BPF_K: a &= k; break;
		case BPF_ALU | BPF_OR | BPF_K: a |= k; break;
		case BPF_MISC | BPF_TAX: x = a; break;
		case BPF_MISC | BPF_TXA: a = x; break;
		case BPF_JMP | BPF_JA: pc += k; break;
		case BPF_JMP | BPF_JEQ | BPF_K: pc += a == k ? f->jt : f->jf; break;
		case BPF_JMP | BPF_JGT | BPF_K: pc += a > k ? f->jt : f->jf; break;
		case BPF_JMP | BPF_JGE | BPF_K: pc += a >= k ? f->jt : f->jf; break;
		case BPF_JMP | BPF_JSET | BPF_K: pc += a & k ? f->jt : f->jf; break;
		case BPF_JMP | BPF_JEQ | BPF_X: pc += a == x ? f->jt : f->jf; break;
		case BPF_JMP | BPF_JGT | BPF_X: pc += a > x ? f->jt : f->jf; break;
		case BPF_JMP | BPF_JGE | BPF_X: pc += a >= x ? f->jt : f->jf; break;
		case BPF_RET | BPF_K: return k;
		case BPF_RET | BPF_A: return a;
		default: return 0xbad0000u | f->code;	/* an opcode not known here */
		}
	}
	return 0xfa11;	/* ran off the end */
}

static void
test_sandbox__built_filter_is_libseccomps(void **state)
{
	static const uint64_t vals[] = { 0, 1, S_ISUID, S_ISGID, 0644,
	    04755, 02755, CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID,
	    CLONE_NEWNET, CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWCGROUP,
	    CLONE_VM | CLONE_THREAD | SIGCHLD, TIOCSTI, TIOCLINUX,
	    (1ull << 32) | TIOCSTI, TCGETS, AF_UNIX, AF_INET, AF_INET6,
	    AF_NETLINK, AF_PACKET, (1ull << 32) | AF_UNIX, ~0ull };
	const uint32_t native = seccomp_arch_native();
	const uint32_t arches[] = { native, native == SCMP_ARCH_X86_64 ?
	    SCMP_ARCH_X86 : SCMP_ARCH_X86_64, SCMP_ARCH_AARCH64 };
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	FILE *tmp = tmpfile();
	struct sock_filter *lib;
	struct seccomp_data d;
	long size;
	size_t n, checked = 0;

	(void)state;
	assert_non_null(ctx);
	assert_non_null(tmp);
	assert_int_equal(sbfilter_rules(ctx), 0);
	assert_int_equal(seccomp_export_bpf(ctx, fileno(tmp)), 0);
	seccomp_release(ctx);
	size = lseek(fileno(tmp), 0, SEEK_END);
	assert_true(size > 0 && size % (long)sizeof(*lib) == 0);
	n = (size_t)size / sizeof(*lib);
	lib = xmalloc((size_t)size);
	assert_int_equal(pread(fileno(tmp), lib, (size_t)size, 0), size);
	fclose(tmp);
	for (size_t ai = 0; ai < sizeof(arches) / sizeof(arches[0]); ai++)
		for (uint32_t nr = 0; nr < 1100; nr++)
			for (int x32 = 0; x32 < 2; x32++)
				for (size_t v = 0; v < sizeof(vals) /
				    sizeof(vals[0]); v++)
					for (int arg = 0; arg < 6; arg++) {
						uint32_t want, got;
						memset(&d, 0, sizeof(d));
						d.arch = arches[ai];
						d.nr = (int)(nr | (x32 ? 0x40000000u
						    : 0));
						d.args[arg] = vals[v];
						want = bpf_run(lib, n, &d);
						got = bpf_run(sbfilter_bpf,
						    sbfilter_len, &d);
						if (want != got)
							fail_msg("arch %#x nr %#x arg%d "
							    "%#llx: built %#x, "
							    "libseccomp %#x", d.arch,
							    (unsigned)d.nr, arg,
							    (unsigned long long)
							    vals[v], got, want);
						checked++;
					}
	/* and the verdicts are the rules' own, not two equal mistakes */
	memset(&d, 0, sizeof(d));
	d.arch = native;
	d.nr = __NR_getpid;
	assert_int_equal(bpf_run(sbfilter_bpf, sbfilter_len, &d),
	    SECCOMP_RET_ALLOW);
	d.nr = __NR_mount;
	assert_int_equal(bpf_run(sbfilter_bpf, sbfilter_len, &d),
	    SECCOMP_RET_ERRNO | EPERM);
	d.nr = __NR_socket;
	d.args[0] = AF_INET;
	assert_int_equal(bpf_run(sbfilter_bpf, sbfilter_len, &d),
	    SECCOMP_RET_ERRNO | EAFNOSUPPORT);
	d.args[0] = AF_UNIX;
	assert_int_equal(bpf_run(sbfilter_bpf, sbfilter_len, &d),
	    SECCOMP_RET_ALLOW);
	/* another architecture's numbers: the process dies */
	d.arch = arches[1];
	d.nr = __NR_getpid;
	assert_int_equal(bpf_run(sbfilter_bpf, sbfilter_len, &d) &
	    SECCOMP_RET_ACTION_FULL, SECCOMP_RET_KILL_THREAD);
	free(lib);
	assert_true(checked > 100000);
}

#if defined(__x86_64__) && !defined(__ILP32__)
/* A system call of the x32 ABI, the same arch but another table. */
static int
x32_call(void *arg)
{
	(void)arg;
	if (sandbox_filter() == -1)
		return 10;
	syscall(0x40000000L | __NR_getpid);
	return 11;
}

/* A 32-bit system call (int 0x80): getpid is 20 there. */
static int
i386_call(void *arg)
{
	long r = 20;

	if (arg != NULL && sandbox_filter() == -1)
		return 10;
	__asm__ volatile("int $0x80" : "+a"(r) : : "memory");
	return r == getpid() ? 0 : 12;
}

static int
status_of(int (*fn)(void *), void *arg)
{
	pid_t p = fork();
	int st;

	assert_true(p != -1);
	if (p == 0) {
		/* the child dies of what it meets, not in cmocka's hands */
		signal(SIGSEGV, SIG_DFL);
		signal(SIGILL, SIG_DFL);
		signal(SIGBUS, SIG_DFL);
		_exit(fn(arg));
	}
	assert_int_equal(waitpid(p, &st, 0), p);
	return st;
}
#endif

/*
 * The architecture check stays in the loaded filter: a system call made
 * through another ABI, whose numbers mean other calls, kills the child.
 */
static void
test_sandbox__filter_kills_other_abis(void **state)
{
#if defined(__x86_64__) && !defined(__ILP32__)
	int st, ran;

	(void)state;
	st = status_of(x32_call, NULL);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGSYS);
	/*
	 * A 32-bit call (int 0x80) never gets through: where the kernel
	 * runs such calls the filter kills it; a kernel without IA32
	 * emulation refuses it before the filter (the filter's verdict on
	 * those numbers is checked through bpf_run above).
	 */
	ran = status_of(i386_call, NULL);
	st = status_of(i386_call, "filtered");
	assert_false(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	if (WIFEXITED(ran) && WEXITSTATUS(ran) == 0) {
		assert_true(WIFSIGNALED(st));
		assert_int_equal(WTERMSIG(st), SIGSYS);
	}
#else
	(void)state;
	skip();
#endif
}

/*
 * The contained child of an image directory: it sees the image, not a
 * file beside the directory; it is its PID namespace's second process;
 * show's view is read-only.  Skipped where the kernel refuses
 * namespaces (said, not passed).
 */
struct view_case {
	const char *root, *outside, *inside;
	int rw;
};

static int
contained(void *arg)
{
	struct view_case *c = arg;
	struct image_request rq = { 0 };
	struct sandbox sb;
	pid_t p;
	int fd;

	rq.root = c->root;
	p = sandbox_fork(&rq, c->rw, 0, NULL, &sb);
	if (p == -1)
		return strstr(tlsh_errmsg(), "refuses the namespaces") ? 77 : 10;
	if (p > 0)
		return sandbox_wait(&sb);
	if (access(c->outside, F_OK) == 0)
		_exit(11);
	if (access(c->inside, R_OK) != 0)
		_exit(12);
	if (getpid() != 2)
		_exit(13);
	fd = open(c->inside, O_WRONLY | O_APPEND);
	if (c->rw ? fd == -1 : (fd != -1 || errno != EROFS))
		_exit(14);
	if (fd != -1)
		close(fd);
	if (access("/usr/bin", X_OK) != 0)
		_exit(15);
	if (access("/etc/passwd", F_OK) == 0)
		_exit(16);
	_exit(0);
}

static void
test_sandbox__view_holds_the_image_alone(void **state)
{
	char *dir = fixture_dir();
	char *img = xasprintf("%s/img", dir), *out = xasprintf("%s/beside",
	    dir), *in;
	struct view_case c;
	int r;

	(void)state;
	need_root(dir);
	assert_int_equal(mkdir(img, 0755), 0);
	in = xasprintf("%s/SYSTEM", img);
	assert_int_equal(fixture_write(in, "x", 1), 0);
	assert_int_equal(fixture_write(out, "secret", 6), 0);
	c = (struct view_case){ img, out, in, 0 };
	r = in_child(contained, &c);
	if (r == 77) {
		fprintf(stderr, "namespaces refused here: view not tested\n");
		fixture_rmrf(dir);
		assert_null(getenv_required());
		skip();
	}
	assert_int_equal(r, 0);
	c.rw = 1;
	assert_int_equal(in_child(contained, &c), 0);
	free(in);
	free(img);
	free(out);
	fixture_rmrf(dir);
}

/*
 * The contained process keeps no descriptor of the parent's but 0, 1, 2
 * and its channel: not one above or between them, nor a high one.
 */
static int
no_inherited_fds(void *arg)
{
	struct image_request rq = { 0 };
	struct sandbox sb;
	struct dirent *de;
	DIR *d;
	pid_t p;
	int others = 0;

	rq.root = arg;
	if (dup2(2, 40) != 40 || dup2(2, 41) != 41 || dup2(2, 300) != 300)
		return 20;
	/* holes low down, so that the sandbox's own pipes fall between
	 * inherited descriptors */
	for (int fd = 3; fd < 13; fd++)
		if (dup2(2, fd) != fd)
			return 21;
	close(4);
	close(6);
	p = sandbox_fork(&rq, 0, 0, NULL, &sb);
	if (p == -1)
		return strstr(tlsh_errmsg(), "refuses the namespaces") ? 77 : 10;
	if (p > 0)
		return sandbox_wait(&sb);
	if (fcntl(40, F_GETFD) != -1 || fcntl(41, F_GETFD) != -1 ||
	    fcntl(300, F_GETFD) != -1)
		_exit(11);
	if ((d = opendir("/proc/self/fd")) == NULL)
		_exit(12);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.' && atoi(de->d_name) > 2 &&
		    atoi(de->d_name) != dirfd(d))
			others++;
	closedir(d);
	/* the file channel to the parent, and nothing else */
	_exit(others == 1 ? 0 : 13);
}

static void
test_sandbox__child_keeps_no_descriptor(void **state)
{
	char *dir = fixture_dir();
	int r;

	(void)state;
	need_root(dir);
	r = in_child(no_inherited_fds, dir);
	fixture_rmrf(dir);
	if (r == 77) {
		assert_null(getenv_required());
		skip();
	}
	assert_int_equal(r, 0);
}

/*
 * The filter lets Unix sockets through, and an abstract one (a name
 * that starts with a NUL byte) is no file of the view: it is found by
 * network namespace.  One the host listens on cannot be reached from
 * the contained process (it can from outside: the probe can tell).
 */
static int
abstract_connect(const char *name)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0), r;

	if (fd == -1)
		return -1;
	memcpy(a.sun_path + 1, name, strlen(name));
	r = connect(fd, (struct sockaddr *)&a, (socklen_t)(offsetof(struct
	    sockaddr_un, sun_path) + 1 + strlen(name)));
	close(fd);
	return r;
}

static int
abstract_unreached(void *arg)
{
	struct image_request rq = { 0 };
	struct sandbox sb;
	const char **c = arg;
	pid_t p;

	rq.root = c[0];
	p = sandbox_fork(&rq, 0, 0, NULL, &sb);
	if (p == -1)
		return strstr(tlsh_errmsg(), "refuses the namespaces") ? 77 : 10;
	if (p > 0)
		return sandbox_wait(&sb);
	_exit(abstract_connect(c[1]) == -1 && errno == ECONNREFUSED ? 0 : 11);
}

static void
test_sandbox__host_abstract_socket_unreached(void **state)
{
	char *dir = fixture_dir();
	char *name = xasprintf("tlshive-test-%d", (int)getpid());
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	const char *c[2] = { dir, name };
	int fd, r;

	(void)state;
	need_root(dir);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fd != -1);
	memcpy(a.sun_path + 1, name, strlen(name));
	assert_int_equal(bind(fd, (struct sockaddr *)&a, (socklen_t)(offsetof(
	    struct sockaddr_un, sun_path) + 1 + strlen(name))), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(abstract_connect(name), 0);
	r = in_child(abstract_unreached, c);
	close(fd);
	fixture_rmrf(dir);
	free(name);
	if (r == 77) {
		assert_null(getenv_required());
		skip();
	}
	assert_int_equal(r, 0);
}

/* A child killed by a signal is reported as a shell would: 128 + it. */
static int
killed(void *arg)
{
	struct image_request rq = { 0 };
	struct sandbox sb;
	pid_t p;

	rq.root = arg;
	if ((p = sandbox_fork(&rq, 0, 0, NULL, &sb)) == -1)
		return 10;
	if (p == 0)
		raise(SIGKILL);
	return sandbox_wait(&sb) == 128 + SIGKILL ? 0 : 11;
}

static void
test_sandbox__signal_status(void **state)
{
	char *dir = fixture_dir();

	(void)state;
	assert_int_equal(in_child(killed, dir), 0);
	fixture_rmrf(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    test_sandbox__filter_refuses_network_and_namespaces),
		cmocka_unit_test(test_sandbox__built_filter_is_libseccomps),
		cmocka_unit_test(test_sandbox__filter_kills_other_abis),
		cmocka_unit_test(test_sandbox__view_holds_the_image_alone),
		cmocka_unit_test(test_sandbox__signal_status),
		cmocka_unit_test(test_sandbox__child_keeps_no_descriptor),
		cmocka_unit_test(test_sandbox__host_abstract_socket_unreached),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
