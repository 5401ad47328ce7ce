/* The contained child that does an image's work: namespaces, a mount view, no privileges. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/seccomp.h>
#include <linux/securebits.h>

#include "io/blk.h"
#include "io/hostfile.h"
#include "io/image.h"
#include "io/remote.h"
#include "io/sandbox.h"
#include "io/sbfilter.h"
#include "tlshive.h"

/*
 * What the child's view holds.  Paths are where the user's names lead
 * (absolute, "." and ".." taken lexically), so every name on the
 * command line and every message means the same inside as outside.
 */
enum vkind { V_DIR, V_FILE, V_LINK, V_SKEL };

struct ventry {
	enum vkind kind;
	char *path;		/* in the view, and on the host (V_LINK: name) */
	char *target;		/* V_LINK; the name as the user gave it */
	int rw;
	int fd;			/* O_PATH on the host, opened before pivoting */
};

struct view {
	struct ventry *v;
	size_t n;
	char *cwd;
};

static void
view_add(struct view *w, enum vkind k, const char *path, const char *target,
    int rw)
{
	/* one entry a path; read-write wins */
	for (size_t i = 0; i < w->n; i++)
		if (strcmp(w->v[i].path, path) == 0) {
			w->v[i].rw |= rw;
			if (w->v[i].kind == V_SKEL)
				w->v[i].kind = k;
			return;
		}
	w->v = realloc(w->v, (w->n + 1) * sizeof(*w->v));
	if (w->v == NULL)
		abort();
	w->v[w->n++] = (struct ventry){ k, xstrdup(path), target ?
	    xstrdup(target) : NULL, rw, -1 };
}

static void
view_free(struct view *w)
{
	for (size_t i = 0; i < w->n; i++) {
		free(w->v[i].path);
		free(w->v[i].target);
		if (w->v[i].fd != -1)
			close(w->v[i].fd);
	}
	free(w->v);
	free(w->cwd);
	memset(w, 0, sizeof(*w));
}

/* NAME made absolute against the working directory, lexically. */
static char *
lexical(const char *cwd, const char *name)
{
	char *s = name[0] == '/' ? xstrdup(name) : xasprintf("%s/%s", cwd,
	    name);
	char *out = xmalloc(strlen(s) + 2), *tok, *save = NULL;
	size_t len = 0;

	out[0] = '\0';
	for (tok = strtok_r(s, "/", &save); tok; tok = strtok_r(NULL, "/",
	    &save)) {
		if (strcmp(tok, ".") == 0)
			continue;
		if (strcmp(tok, "..") == 0) {
			char *slash = strrchr(out, '/');
			len = slash ? (size_t)(slash - out) : 0;
			out[len] = '\0';
			continue;
		}
		len += (size_t)sprintf(out + len, "/%s", tok);
	}
	if (len == 0)
		strcpy(out, "/");
	free(s);
	return out;
}

static char *
dir_of(const char *abs)
{
	char *d = xstrdup(abs), *slash = strrchr(d, '/');

	if (slash == d)
		d[1] = '\0';
	else
		*slash = '\0';
	return d;
}

/* An entry opened by the name the user gave (see add_user). */
static void
view_add_named(struct view *w, enum vkind k, const char *path,
    const char *given, int rw)
{
	view_add(w, k, path, NULL, rw);
	for (size_t i = 0; i < w->n; i++)
		if (strcmp(w->v[i].path, path) == 0 && w->v[i].kind == k &&
		    w->v[i].target == NULL)
			w->v[i].target = xstrdup(given);
}

/* A directory of the host's own, or one all users share. */
static int
host_dir(const char *d)
{
	static const char *const host[] = { "/proc", "/sys", "/dev", "/usr",
	    "/etc", "/boot", "/run", "/bin", "/sbin", "/lib", "/lib64" };
	static const char *const shared[] = { "/", "/tmp", "/var/tmp",
	    "/var", "/home", "/root" };

	for (size_t i = 0; i < sizeof(host) / sizeof(host[0]); i++) {
		size_t l = strlen(host[i]);
		if (strncmp(d, host[i], l) == 0 && (d[l] == '\0' || d[l] == '/'))
			return 1;
	}
	for (size_t i = 0; i < sizeof(shared) / sizeof(shared[0]); i++)
		if (strcmp(d, shared[i]) == 0)
			return 1;
	return 0;
}

/*
 * What the view must hold for a name the request gives: the file alone
 * (a disk image, a WIM, a journal), or the directory (a tree that is the
 * image; the directory of hive files, where their logs are made).  A
 * directory that would hold the host's own tree is refused: a run on it
 * cannot be contained.
 */
static int
add_user(struct view *w, const char *name, int rw, int as_file)
{
	char *abs, *raw, *d, *g, *slash;
	struct stat st;

	if (name[0] == '\0')
		return 0;
	abs = lexical(w->cwd, name);
	raw = name[0] == '/' ? xstrdup(name) : xasprintf("%s/%s", w->cwd, name);
	/* a name that climbs (work/../images/x) climbs in the view too */
	for (char *up = strstr(raw, "/.."); up; up = strstr(up + 3, "/..")) {
		char c = *up, *pre;
		*up = '\0';
		pre = lexical("/", raw);
		if (stat(pre, &st) == 0 && S_ISDIR(st.st_mode))
			view_add(w, V_SKEL, pre, NULL, 0);
		free(pre);
		*up = c;
	}
	free(raw);
	/* opened by the name given, relative to the working directory,
	 * which an unprivileged user may reach where the absolute name's
	 * parents are closed to it */
	if (as_file || (stat(name, &st) == 0 && S_ISDIR(st.st_mode))) {
		d = xstrdup(abs);
		g = xstrdup(name);
	} else {
		d = dir_of(abs);
		g = xstrdup(name);
		if ((slash = strrchr(g, '/')) == NULL)
			strcpy(g, ".");
		else if (slash == g)
			g[1] = '\0';
		else
			*slash = '\0';
	}
	if (!as_file) {
		/* by its name and by where it leads: a link an earlier run
		 * left inside an image must not bring a host directory in */
		char *real = realpath(g, NULL);
		int bad = host_dir(d) || (real && host_dir(real));
		free(real);
		if (bad) {
			tlsh_seterr("%s: the view of a contained run would hold "
			    "%s, the host's own; give a copy elsewhere, or "
			    "--no-sandbox", name, d);
			free(d);
			free(g);
			free(abs);
			return -1;
		}
	}
	view_add_named(w, as_file ? V_FILE : V_DIR, d, g, rw);
	free(g);
	free(d);
	free(abs);
	return 0;
}

/* The system's programs and libraries (qemu-nbd, setpriv), read-only. */
static void
add_system(struct view *w)
{
	static const char *const dirs[] = { "/usr", "/bin", "/sbin", "/lib",
	    "/lib32", "/lib64", "/libx32" };
	char link[PATH_MAX];
	struct stat st;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		ssize_t n;

		if (lstat(dirs[i], &st) == -1)
			continue;
		if (S_ISLNK(st.st_mode) && (n = readlink(dirs[i], link,
		    sizeof(link) - 1)) > 0) {
			link[n] = '\0';
			view_add(w, V_LINK, dirs[i], link, 0);
		} else if (S_ISDIR(st.st_mode))
			view_add(w, V_DIR, dirs[i], NULL, 0);
	}
	if (stat("/etc/ld.so.cache", &st) == 0 && S_ISREG(st.st_mode))
		view_add(w, V_FILE, "/etc/ld.so.cache", NULL, 0);
}

/* A hive file (recover HIVE): its logs beside it are part of it. */
static int
is_hive(const char *path)
{
	char m[4];
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY), ok;
	struct stat st;

	if (fd == -1)
		return 0;
	ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && pread(fd, m, 4, 0)
	    == 4 && memcmp(m, "regf", 4) == 0;
	close(fd);
	return ok;
}

static int
view_build(struct view *w, const struct image_request *rq, int rw)
{
	char cwd[PATH_MAX];
	struct stat st;

	if (getcwd(cwd, sizeof(cwd)) == NULL) {
		tlsh_seterr("the working directory: %s", strerror(errno));
		return -1;
	}
	w->cwd = xstrdup(cwd);
	add_system(w);
	for (int i = 0; i < HV_COUNT; i++)
		if (rq->file[i] && add_user(w, rq->file[i], rw, 0) == -1)
			return -1;
	/* the hibernation file of the hive files' volume, to be read */
	if (rq->root == NULL) {
		const char *hiber[HV_COUNT];

		if (image_files_hiberfil(rq, hiber) == -1)
			return -1;
		for (int i = 0; i < HV_COUNT; i++)
			if (hiber[i] && add_user(w, hiber[i], 0, 1) == -1)
				return -1;
	}
	/* a URL: the transport's socket alone (remote.h), which the
	 * child connects to with no network of its own; an overlay's
	 * --base: that socket too */
	if (remote_is_url(rq->root)) {
		const char *sock = remote_socket(rq->root);
		return sock ? add_user(w, sock, 0, 1) : 0;
	}
	if (rq->base && remote_socket(rq->base) &&
	    add_user(w, remote_socket(rq->base), 0, 1) == -1)
		return -1;
	if (rq->root == NULL || stat(rq->root, &st) == -1)
		return 0;	/* the child says what is missing */
	if (S_ISDIR(st.st_mode) || is_hive(rq->root))
		return add_user(w, rq->root, rw, 0);
#ifdef WITH_IMAGES
	{
		enum blk_format fmt;
		char *j;
		int r;

		/* the loop devices the kernel holds, read from the host's
		 * /sys, which the view does not hold; the child inherits the
		 * list (only an image file can be one's backing file) */
		blk_note_loops();
		blk_configure(rq->journal_dir, rq->allow_backing, rq->base);
		if (!S_ISREG(st.st_mode) || (rq->format ?
		    blk_format_parse(rq->format, &fmt) : blk_detect(rq->root,
		    &fmt)) == -1)
			return add_user(w, rq->root, 0, 1);
		if (fmt == BLK_WIM) {
			/* wimlib may write a WIM anew beside it and rename */
			if (rq->writable)
				return add_user(w, rq->root, 1, 0);
			return add_user(w, rq->root, 0, 1);
		}
		if (add_user(w, rq->root, rq->writable, 1) == -1)
			return -1;
		/*
		 * The journal lives beside the image (or in --journal-dir),
		 * which the view does not hold: the parent writes and removes
		 * it for the child.  One left by a crash is checked here,
		 * where its directory can be seen, and given read-only.
		 */
		if (rq->writable && blk_journal_tidy(rq->root) == -1)
			return -1;
		r = blk_journal_state(rq->root);
		if (r == -1 && rq->writable)
			return -1;
		j = blk_journal_path(rq->root);
		if (r == 1)
			r = add_user(w, j, 0, 1);
		free(j);
		if (r == -1)
			return -1;
		/* a backing chain the user allowed: each file alone,
		 * read-only, found with the child's own bounded header
		 * reader, since nothing can join the view later */
		if (rq->allow_backing) {
			struct strlist files = { 0 };
			r = blk_backing_files(rq->root, fmt, &files);
			for (size_t i = 0; r == 0 && i < files.n; i++)
				r = add_user(w, files.v[i], 0, 1);
			sl_free(&files);
			if (r == -1)
				return -1;
		}
	}
#endif
	return 0;
}

/* Longer paths mount later: a file inside a directory of the view. */
static int
by_depth(const void *a, const void *b)
{
	const struct ventry *x = a, *y = b;
	size_t lx = strlen(x->path), ly = strlen(y->path);

	return lx < ly ? -1 : lx > ly ? 1 : strcmp(x->path, y->path);
}

/*
 * Errors of the setup, from the child to sandbox_fork: the message
 * goes down the pipe and the child ends.
 */
static int report_fd = -1;

static void __attribute__((noreturn))
setup_fail(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int e = errno;
	size_t n;

	va_start(ap, fmt);
	n = (size_t)vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < sizeof(buf))
		snprintf(buf + n, sizeof(buf) - n, ": %s", strerror(e));
	if (write(report_fd, buf, strlen(buf)) < 0)
		_exit(2);
	_exit(2);
}

static void
mkdirs(const char *path)
{
	char *p = xstrdup(path);

	for (char *s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;
			*s = '\0';
			if (mkdir(p, 0755) == -1 && errno != EEXIST)
				setup_fail("sandbox: mkdir %s", p);
			*s = c;
			if (c == '\0')
				break;
		}
	}
	free(p);
}

#define NEWROOT "/tmp"

/* A bind from a descriptor opened on the host, read-only unless rw. */
static void
bind_fd(int fd, const char *dst, int rw, const char *what)
{
	char src[64];

	/* not recursive: a mount under a bound directory (which the
	 * read-only remount below would not reach) stays out of the view */
	snprintf(src, sizeof(src), "/proc/self/fd/%d", fd);
	if (mount(src, dst, NULL, MS_BIND, NULL) == -1)
		setup_fail("sandbox: %s", what);
	if (mount(NULL, dst, NULL, MS_BIND | MS_REMOUNT | MS_NOSUID |
	    MS_NODEV | (rw ? 0 : MS_RDONLY), NULL) == -1)
		setup_fail("sandbox: %s: read-only", what);
}

static int
inside_dir(const struct view *w, const char *path)
{
	for (size_t i = 0; i < w->n; i++) {
		size_t l = strlen(w->v[i].path);
		if (w->v[i].kind == V_DIR && strncmp(path, w->v[i].path, l) ==
		    0 && path[l] == '/')
			return 1;
	}
	return 0;
}

static void
bind_dev(int fd, const char *dst)
{
	char src[64];

	snprintf(src, sizeof(src), "/proc/self/fd/%d", fd);
	if (mount(src, dst, NULL, MS_BIND, NULL) == -1)
		setup_fail("sandbox: %s", dst + strlen(NEWROOT));
}

static void
protect_proc(const char *sub)
{
	char *p = xasprintf(NEWROOT "/proc/%s", sub);
	struct stat st;

	if (lstat(p, &st) == 0) {
		if (mount(p, p, NULL, MS_BIND | MS_REC, NULL) == -1 ||
		    mount(NULL, p, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY |
		    MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == -1)
			setup_fail("sandbox: /proc/%s", sub);
	}
	free(p);
}

/*
 * A mount over part of /proc (its first, in OUT), or 0.  The kernel lets a
 * user namespace mount a proc only where it could see all of one already:
 * a file or directory under /proc covered by another mount (podman and
 * docker bind /dev/null over /proc/kcore, a tmpfs over /proc/acpi, and
 * /proc/sys read-only) hides something, and the mount fails with EPERM.
 */
static int
proc_covered(char *out, size_t n)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096], mp[256];
	int found = 0;

	if (f == NULL)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %*s %*s %*s %255s", mp) == 1 &&
		    strncmp(mp, "/proc/", 6) == 0) {
			snprintf(out, n, "%s", mp);
			found = 1;
		}
	fclose(f);
	return found;
}

/*
 * The view: a small tmpfs that becomes the root, the system read-only,
 * the request's directories, a private /tmp, /dev's harmless nodes and
 * this PID namespace's /proc with its writable knobs read-only.
 */
static void
enter_view(struct view *w)
{
	static const char *const devs[] = { "null", "zero", "full",
	    "random", "urandom" };
	int devfd[sizeof(devs) / sizeof(devs[0])];

	for (size_t i = 0; i < w->n; i++) {
		struct ventry *e = &w->v[i];

		if (e->kind == V_LINK || e->kind == V_SKEL)
			continue;
		e->fd = open(e->kind == V_DIR && e->target ? e->target : e->path,
		    O_PATH | O_CLOEXEC);
		/* a name that leads nowhere is the command's to report, in
		 * its own words, from inside */
		if (e->fd == -1 && errno != ENOENT && errno != ENOTDIR)
			setup_fail("sandbox: %s", e->path);
	}
	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		char *d = xasprintf("/dev/%s", devs[i]);
		if ((devfd[i] = open(d, O_PATH | O_CLOEXEC)) == -1)
			setup_fail("sandbox: %s", d);
		free(d);
	}
	qsort(w->v, w->n, sizeof(*w->v), by_depth);
	/* the kernel makes only a mount private: in a chroot whose root is
	 * no mount point it cannot, and a bind mount there first would
	 * reach the host's namespace through a shared peer group */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1)
		setup_fail(errno == EINVAL ? "sandbox: a private mount "
		    "namespace (in a chroot, / must be a mount point: mount "
		    "--bind DIR DIR before entering it, or --no-sandbox)" :
		    "sandbox: a private mount namespace");
	if (mount("tlshive", NEWROOT, "tmpfs", MS_NOSUID | MS_NODEV,
	    "mode=0755,size=1m,nr_inodes=4096") == -1)
		setup_fail("sandbox: the view's root");
	mkdirs(NEWROOT "/tmp");
	/* room for a WIM's two hives staged, not for filling the host's
	 * memory (tmpfs pages are not the worker's address space) */
	if (mount("tlshive-tmp", NEWROOT "/tmp", "tmpfs", MS_NOSUID | MS_NODEV,
	    "mode=1777,size=5g,nr_inodes=4096") == -1)
		setup_fail("sandbox: /tmp");
	mkdirs(NEWROOT "/dev");
	if (mount("tlshive-dev", NEWROOT "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC,
	    "mode=0755,size=64k") == -1)
		setup_fail("sandbox: /dev");
	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		char *d = xasprintf(NEWROOT "/dev/%s", devs[i]);
		int fd = open(d, O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
		if (fd == -1)
			setup_fail("sandbox: %s", d);
		close(fd);
		bind_dev(devfd[i], d);
		close(devfd[i]);
		free(d);
	}
	if (symlink("/proc/self/fd", NEWROOT "/dev/fd") == -1)
		setup_fail("sandbox: /dev/fd");
	for (size_t i = 0; i < w->n; i++) {
		struct ventry *e = &w->v[i];
		char *dst = xasprintf(NEWROOT "%s", e->path);

		if ((e->kind == V_DIR || e->kind == V_FILE) && e->fd == -1) {
			free(dst);
			continue;
		}
		/* a file inside a directory of the view is there already:
		 * its mount point would be made on the host */
		if (e->kind == V_FILE && inside_dir(w, e->path)) {
			free(dst);
			continue;
		}
		if (e->kind == V_LINK) {
			if (symlink(e->target, dst) == -1 && errno != EEXIST)
				setup_fail("sandbox: %s", e->path);
		} else if (e->kind == V_SKEL) {
			mkdirs(dst);
			free(dst);
			continue;
		} else if (e->kind == V_DIR) {
			mkdirs(dst);
			bind_fd(e->fd, dst, e->rw, e->path);
		} else {
			char *d = dir_of(dst);
			int fd;
			mkdirs(d);
			free(d);
			if ((fd = open(dst, O_CREAT | O_WRONLY | O_CLOEXEC,
			    0644)) == -1)
				setup_fail("sandbox: %s", e->path);
			close(fd);
			bind_fd(e->fd, dst, e->rw, e->path);
		}
		close(e->fd);
		e->fd = -1;
		free(dst);
	}
	{
		char *c = xasprintf(NEWROOT "%s", w->cwd);
		mkdirs(c);
		free(c);
	}
	mkdirs(NEWROOT "/proc");
	/* the processes alone where the kernel can (5.8): no kernel knobs,
	 * symbols or keys; else those made read-only below */
	if (mount("proc", NEWROOT "/proc", "proc", MS_NOSUID | MS_NODEV |
	    MS_NOEXEC, "subset=pid") == -1 && mount("proc", NEWROOT "/proc",
	    "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == -1) {
		char cover[256];
		if (errno == EPERM && proc_covered(cover, sizeof(cover)))
			setup_fail("sandbox: /proc: %s is mounted over, as container "
			    "runtimes mask /proc, and the kernel then gives a "
			    "new user namespace no /proc of its own: run the "
			    "container with --security-opt unmask=/proc/* "
			    "(podman); --no-sandbox would read the image "
			    "uncontained", cover);
		setup_fail("sandbox: /proc");
	}
	protect_proc("sys");
	protect_proc("sysrq-trigger");
	protect_proc("irq");
	protect_proc("bus");
	protect_proc("fs");
	if (chdir(NEWROOT) == -1 || syscall(SYS_pivot_root, ".", ".") == -1)
		setup_fail("sandbox: pivot_root");
	if (umount2(".", MNT_DETACH) == -1)
		setup_fail("sandbox: the host's tree");
	if (chdir("/") == -1)
		setup_fail("sandbox: /");
	/* the skeleton itself is read-only: the child writes only where a
	 * read-write directory of the request or its /tmp is */
	if (mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY |
	    MS_NOSUID | MS_NODEV, NULL) == -1)
		setup_fail("sandbox: a read-only root");
	if (chdir(w->cwd) == -1)
		setup_fail("sandbox: %s", w->cwd);
}

int
sandbox_filter(void)
{
	struct sock_fprog prog = { sbfilter_len,
	    (struct sock_filter *)sbfilter_bpf };

	/* the kernel takes a filter only from a process without new
	 * privileges (or with CAP_SYS_ADMIN): one cannot mislead a
	 * set-user-ID program */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == -1) {
		tlsh_seterr("sandbox: the seccomp filter: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Two capabilities kept, the rest gone for good (bounding set emptied
 * of them, securebits locked so that uid 0 regains nothing across
 * exec): overriding file permissions, so that an image is read and
 * written whoever owns its files (a tree copied off a Windows volume
 * has files of several owners), and giving a new log its hive's owner.
 * Both are ambient, so qemu-nbd opens the image with them; both reach
 * only the view.  Then no new privileges, and the filter.
 */
#define KEPT ((1ull << CAP_DAC_OVERRIDE) | (1ull << CAP_CHOWN))

static void
drop_privileges(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3,
	    0 };
	struct __user_cap_data_struct data[2];
	struct rlimit rl = { 0, 0 };

	/* a core dump would be image bytes written where the host says */
	if (setrlimit(RLIMIT_CORE, &rl) == -1)
		setup_fail("sandbox: no core dumps");
	if (prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |
	    SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED, 0, 0, 0)
	    == -1)
		setup_fail("sandbox: securebits");
	for (int c = 0; c < 64; c++)
		if (!(KEPT & (1ull << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0)
		    == -1 && errno != EINVAL)
			setup_fail("sandbox: the capability bounding set");
	/* (a user namespace of an unprivileged user has none to drop) */
	if (setgroups(0, NULL) == -1 && errno != EPERM)
		setup_fail("sandbox: supplementary groups");
	/* CAP_SETPCAP until the securebits are locked for good */
	memset(data, 0, sizeof(data));
	data[0].effective = data[0].permitted = (uint32_t)(KEPT |
	    (1ull << CAP_SETPCAP));
	data[0].inheritable = (uint32_t)KEPT;
	if (syscall(SYS_capset, &hdr, data) == -1)
		setup_fail("sandbox: capabilities");
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_DAC_OVERRIDE, 0,
	    0) == -1 || prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_CHOWN,
	    0, 0) == -1)
		setup_fail("sandbox: ambient capabilities");
	if (prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |
	    SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED |
	    SECBIT_NO_CAP_AMBIENT_RAISE |
	    SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED, 0, 0, 0) == -1)
		setup_fail("sandbox: securebits");
	data[0].effective = data[0].permitted = (uint32_t)KEPT;
	if (syscall(SYS_capset, &hdr, data) == -1)
		setup_fail("sandbox: capabilities");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		setup_fail("sandbox: no new privileges");
	if (sandbox_filter() == -1) {
		errno = EINVAL;
		setup_fail("%s", tlsh_errmsg());
	}
}

static int
by_fd(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

/*
 * The descriptors above 2 but the kept ones, closed by ranges
 * (close_range, Linux 5.9): reading /proc/self/fd in the new child costs
 * about a millisecond, most of it first writes to pages it shares with
 * the parent.  -1 where the kernel has no such call, having closed
 * nothing.
 */
static int
close_ranges(const int *keep, size_t nkeep, int a, int b)
{
#ifdef SYS_close_range
	int *k = xmalloc((nkeep + 2) * sizeof(*k)), r = 0;
	size_t n = 0;
	unsigned lo = 3;

	for (size_t i = 0; i < nkeep; i++)
		k[n++] = keep[i];
	k[n++] = a;
	k[n++] = b;
	qsort(k, n, sizeof(*k), by_fd);
	for (size_t i = 0; r == 0 && i < n; i++) {
		if (k[i] < 0 || (unsigned)k[i] < lo)
			continue;
		if ((unsigned)k[i] > lo)
			r = (int)syscall(SYS_close_range, lo, (unsigned)k[i] - 1,
			    0);
		lo = (unsigned)k[i] + 1;
	}
	if (r == 0)
		r = (int)syscall(SYS_close_range, lo, ~0u, 0);
	free(k);
	return r == 0 ? 0 : -1;
#else
	(void)keep;
	(void)nkeep;
	(void)a;
	(void)b;
	return -1;
#endif
}

static void
close_others(const int *keep, size_t nkeep, int a, int b)
{
	int *fds = NULL;
	size_t n = 0, cap = 0;
	DIR *d;
	struct dirent *de;

	if (close_ranges(keep, nkeep, a, b) == 0)
		return;
	if ((d = opendir("/proc/self/fd")) == NULL)
		setup_fail("sandbox: /proc/self/fd");
	while ((de = readdir(d)) != NULL) {
		int fd = atoi(de->d_name), kept = fd < 3 || fd == a || fd == b ||
		    fd == dirfd(d) || de->d_name[0] == '.';
		for (size_t i = 0; i < nkeep; i++)
			kept |= keep[i] == fd;
		if (kept)
			continue;
		if (n == cap && (fds = realloc(fds, (cap = cap * 2 + 64) *
		    sizeof(*fds))) == NULL)
			setup_fail("sandbox: closing descriptors");
		fds[n++] = fd;
	}
	closedir(d);
	for (size_t i = 0; i < n; i++)
		close(fds[i]);
	free(fds);
}

static volatile pid_t forward_to;
static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP };
static struct sigaction saved[3];

static volatile sig_atomic_t in_parent;

/*
 * A Ctrl-C or a kill for tlshive is one for the image's worker, whose
 * own handlers remove what it was writing.  The parent waits for it (a
 * while: a worker that does not end is killed) and then ends as it
 * would have alone, its own handler removing what it was writing (an
 * undo file half written).  The init of the worker's namespace only
 * passes the signal on; it ends when the worker does.
 */
static void
forward(int sig)
{
	pid_t to = forward_to;

	if (to <= 0)
		return;
	kill(to, sig);
	if (!in_parent)
		return;
	for (int i = 0; i < 1000 && waitpid(to, NULL, WNOHANG) == 0; i++) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
		if (i == 999) {
			kill(to, SIGKILL);
			waitpid(to, NULL, 0);
		}
	}
	for (int i = 0; i < 3; i++)
		if (forwarded[i] == sig) {
			if (saved[i].sa_handler != SIG_DFL &&
			    saved[i].sa_handler != SIG_IGN) {
				saved[i].sa_handler(sig);
				return;
			}
			break;
		}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
forward_signals(pid_t to, int save)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = forward;
	sigemptyset(&sa.sa_mask);
	forward_to = to;
	for (int i = 0; i < 3; i++) {
		struct sigaction old;
		/* a signal ignored (nohup) stays ignored */
		sigaction(forwarded[i], NULL, &old);
		if (save)
			saved[i] = old;
		if (old.sa_handler != SIG_IGN)
			sigaction(forwarded[i], &sa, NULL);
	}
}

/*
 * The contained process: it pivots into the view and is the PID
 * namespace's init, which only passes signals on and reaps, and whose
 * end kills everything it started (qemu-nbd among them); the image's
 * work runs in its child.
 */
static void
child(struct view *w, unsigned memory_mb, const int *keep, size_t nkeep,
    int go)
{
	int null;
	pid_t worker;
	int st;
	char c;

	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (read(go, &c, 1) != 1)
		_exit(2);
	close(go);
	/* a session of its own: the user's terminal is no longer its
	 * controlling one (signals come from the parent) */
	setsid();
	close_others(keep, nkeep, report_fd, -1);
	enter_view(w);
	setenv("TMPDIR", "/tmp", 1);
	/* the user's terminal is no input of an image's: what is typed
	 * ahead stays the shell's */
	if ((null = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1 ||
	    dup2(null, 0) == -1)
		setup_fail("sandbox: /dev/null");
	close(null);
	/* nothing of the host's environment is loaded into qemu-nbd */
	unsetenv("LD_PRELOAD");
	unsetenv("LD_AUDIT");
	drop_privileges();
	view_free(w);
	if ((worker = fork()) == -1)
		setup_fail("sandbox: fork");
	if (worker == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		struct rlimit rl;

		close(report_fd);
		report_fd = -1;
		/* the worker's memory, and qemu-nbd's: what an image can
		 * make them take (the init needs none) */
		rl.rlim_cur = rl.rlim_max = (rlim_t)memory_mb << 20;
		if (memory_mb && setrlimit(RLIMIT_AS, &rl) == -1)
			_exit(2);
		/* keeps the handlers tlshive set: its own cleanup */
		return;
	}
	/* the channel is the worker's: its end closes the parent's side */
	for (size_t i = 0; i < nkeep; i++)
		close(keep[i]);
	/* no one in the namespace reads or traces the init */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	forward_signals(worker, 0);
	if (write(report_fd, "R", 1) != 1)
		_exit(2);
	close(report_fd);
	for (;;) {
		pid_t p = waitpid(-1, &st, 0);
		if (p == worker)
			break;
		if (p == -1 && errno != EINTR)
			_exit(2);
	}
	_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}

/* An unprivileged user's own user namespace: the same uid and gid inside. */
static int
map_user(pid_t pid)
{
	char p[64], m[64];
	const struct { const char *file, *fmt; unsigned id; } maps[] = {
		{ "setgroups", "deny", 0 },
		{ "uid_map", "%u %u 1\n", (unsigned)geteuid() },
		{ "gid_map", "%u %u 1\n", (unsigned)getegid() },
	};

	for (size_t i = 0; i < 3; i++) {
		int fd;
		snprintf(p, sizeof(p), "/proc/%d/%s", (int)pid, maps[i].file);
		snprintf(m, sizeof(m), maps[i].fmt, maps[i].id, maps[i].id);
		if ((fd = open(p, O_WRONLY | O_CLOEXEC)) == -1)
			return -1;
		if (write(fd, m, strlen(m)) != (ssize_t)strlen(m)) {
			close(fd);
			return -1;
		}
		close(fd);
	}
	return 0;
}

/* The files the child may ask for: the user's, and the image's journal. */
static void
allow_files(struct sandbox *sb, const struct image_request *rq,
    const char *const *userfiles)
{
	size_t n = 1;

	for (size_t i = 0; userfiles && userfiles[i]; i++)
		n++;
	sb->files = xcalloc(n, sizeof(*sb->files));
	for (size_t i = 0; userfiles && userfiles[i]; i++)
		hostfile_allow(&sb->files[sb->nfiles++], userfiles[i], 1, 1, 0);
#ifdef WITH_IMAGES
	{
		struct stat st;
		if (rq->root && rq->writable && stat(rq->root, &st) == 0 &&
		    S_ISREG(st.st_mode)) {
			char *j = blk_journal_path(rq->root);
			hostfile_allow(&sb->files[sb->nfiles++], j, 1, 0, 1);
			free(j);
		}
	}
#else
	(void)rq;
#endif
}

pid_t
sandbox_fork(const struct image_request *rq, int rw, unsigned memory_mb,
    const char *const *userfiles, struct sandbox *sb)
{
	/*
	 * The network namespace (about 0.5 ms of the clone here) is not
	 * made redundant by the filter's refusal of every socket but a
	 * Unix one: an abstract Unix socket (a name that starts with a NUL
	 * byte) is no file of the view but is found by network namespace,
	 * and host daemons listen on them (D-Bus, X11, systemd, container
	 * runtimes); connect's address is behind a pointer the filter
	 * cannot read.
	 */
	const long ns = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET |
	    CLONE_NEWIPC | CLONE_NEWUTS;
	struct view w = { 0 };
	int rp[2], gp[2], sv[2], userns = 0;
	char buf[1100];
	ssize_t n, got = 0;
	pid_t pid;

	memset(sb, 0, sizeof(*sb));
	sb->chan = -1;
	if (view_build(&w, rq, rw) == -1) {
		view_free(&w);
		return -1;
	}
	if (pipe2(rp, O_CLOEXEC) == -1 || pipe2(gp, O_CLOEXEC) == -1 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		tlsh_seterr("sandbox: pipe: %s", strerror(errno));
		view_free(&w);
		return -1;
	}
	allow_files(sb, rq, userfiles);
	fflush(stdout);
	fflush(stderr);
	pid = (pid_t)syscall(SYS_clone, SIGCHLD | ns, NULL, NULL, NULL, 0);
	if (pid == -1 && errno == EPERM && geteuid() != 0) {
		userns = 1;
		pid = (pid_t)syscall(SYS_clone, SIGCHLD | ns | CLONE_NEWUSER,
		    NULL, NULL, NULL, 0);
	}
	/* no namespaces, no run: an image is not read uncontained unless
	 * the user says so */
	if (pid == -1 && (errno == EPERM || errno == EINVAL ||
	    errno == ENOSPC || errno == EUSERS || errno == ENOSYS)) {
		tlsh_seterr("the kernel refuses the namespaces that contain "
		    "an image's reader (%s); tlshive does not read an image "
		    "uncontained unless told to: --no-sandbox", strerror(errno));
		goto fail;
	}
	if (pid == -1) {
		tlsh_seterr("sandbox: fork: %s", strerror(errno));
		goto fail;
	}
	if (pid == 0) {
		int keep = sv[1];
		close(rp[0]);
		close(gp[1]);
		close(sv[0]);
		hostfile_allow_free(sb->files, sb->nfiles);
		free(sb->files);
		sb->files = NULL;
		sb->nfiles = 0;
		report_fd = rp[1];
		child(&w, memory_mb, &keep, 1, gp[0]);
		hostfile_channel(keep);
		return 0;
	}
	close(rp[1]);
	close(gp[0]);
	close(sv[1]);
	sb->chan = sv[0];
	in_parent = 1;
	forward_signals(pid, 1);
	if ((userns && map_user(pid) == -1) || write(gp[1], "g", 1) != 1) {
		tlsh_seterr("sandbox: a user namespace: %s", strerror(errno));
		kill(pid, SIGKILL);
	}
	close(gp[1]);
	while ((n = read(rp[0], buf + got, sizeof(buf) - 1 - (size_t)got)) > 0
	    || (n == -1 && errno == EINTR))
		if (n > 0 && (got += n) && buf[0] == 'R')
			break;
	close(rp[0]);
	view_free(&w);
	sb->pid = pid;
	if (got > 0 && buf[0] == 'R')
		return pid;
	buf[got] = '\0';
	n = sandbox_wait(sb);
	if (got)
		tlsh_seterr("%s", buf);
	else if (!userns || n != 128 + SIGKILL)
		tlsh_seterr("sandbox: the contained process ended at its start "
		    "(%s %d)", n > 128 ? "signal" : "exit status", n > 128 ?
		    (int)n - 128 : (int)n);
	return -1;
fail:
	close(rp[0]);
	close(rp[1]);
	close(gp[0]);
	close(gp[1]);
	close(sv[0]);
	close(sv[1]);
	hostfile_allow_free(sb->files, sb->nfiles);
	free(sb->files);
	sb->files = NULL;
	view_free(&w);
	return -1;
}

int
sandbox_wait(struct sandbox *sb)
{
	int st = 0;
	pid_t r;

	if (sb->chan != -1) {
		hostfile_serve(sb->chan, sb->files, sb->nfiles);
		close(sb->chan);
		sb->chan = -1;
	}
	while ((r = waitpid(sb->pid, &st, 0)) == -1 && errno == EINTR)
		;
	forward_to = 0;
	in_parent = 0;
	for (int i = 0; i < 3; i++)
		sigaction(forwarded[i], &saved[i], NULL);
	hostfile_allow_free(sb->files, sb->nfiles);
	free(sb->files);
	sb->files = NULL;
	sb->nfiles = 0;
	if (r == -1)
		return 128 + SIGKILL;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
