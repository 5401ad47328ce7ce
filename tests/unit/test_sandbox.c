/* sandbox.c: the contained child, seen from inside (it reports by its exit code). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"
#include "io/image.h"
#include "io/sandbox.h"
#include "tlshive.h"

/* Where every tool is required (CI), a skip is a failure. */
static const char *
getenv_required(void)
{
	const char *r = getenv("TLSHIVE_REQUIRE_TOOLS");

	return r && strcmp(r, "1") == 0 ? r : NULL;
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
	if (geteuid() != 0) {
		fixture_rmrf(dir);
		assert_null(getenv_required());
		skip();
	}
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
		cmocka_unit_test(test_sandbox__view_holds_the_image_alone),
		cmocka_unit_test(test_sandbox__signal_status),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
