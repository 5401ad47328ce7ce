/* The transport of an image read where it lies (remote.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io/blkfile.h"
#include "io/remote.h"
#include "tlshive.h"

/* How long qemu-nbd may take to open a URL before the run gives up: its
 * curl driver gives up on a silent server after its own 5 s a request,
 * so this is reached only by a server that trickles */
#define OPEN_TIMEOUT_MS 120000

static struct {
	char *url, *dir, *sock;
	pid_t pid, owner;	/* qemu-nbd; the process that started it */
	int errfd;
	int slot_dir, slot_sock;
} tr = { .pid = -1, .errfd = -1, .slot_dir = -1, .slot_sock = -1 };

int
remote_is_url(const char *name)
{
	static const char *const schemes[] = { "http://", "https://",
	    "nbd://" };

	if (name == NULL)
		return 0;
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (strncasecmp(name, schemes[i], strlen(schemes[i])) == 0)
			return 1;
	return 0;
}

/*
 * What qemu accepts as a filename is more than a URL: a comma, a
 * control character or a space could be read as another option or end
 * the name early.  Only what a URL is made of passes.
 */
static int
url_ok(const char *url)
{
	const char *p = strstr(url, "://") + 3;

	if (*p == '\0' || *p == '/' || strlen(url) > 2048)
		return 0;
	for (p = url; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f ||
		    strchr("\"\\<>^`{|}", *p) != NULL)
			return 0;
	return 1;
}

/* The proxies libcurl takes from the environment (an artefact store is
 * often behind one); nothing else reaches qemu-nbd.  Certificates are
 * the system's: Debian's qemu uses libcurl-gnutls, which reads its CA
 * bundle and no variable. */
static const char *const keep_env[] = {
	"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
	"no_proxy", "NO_PROXY",
};

static void
exec_transport(int ls, const char *url)
{
	char pidbuf[32], *env[sizeof(keep_env) / sizeof(keep_env[0]) + 4];
	size_t ne = 0;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	/* qemu-nbd reads the URL as bytes, nothing more: a raw "format"
	 * opens no other file or address, whatever the bytes say.  As
	 * root it runs as nobody: it needs the network, not the host. */
	char *root_argv[] = { "setpriv", "--pdeathsig", "KILL",
	    "--reuid=65534", "--regid=65534", "--clear-groups",
	    "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--",
	    "qemu-nbd", "--read-only", "--format=raw", "--persistent",
	    "--shared=0", (char *)url, NULL };
	char *user_argv[] = { "setpriv", "--pdeathsig", "KILL",
	    "--no-new-privs", "--", "qemu-nbd", "--read-only", "--format=raw",
	    "--persistent", "--shared=0", (char *)url, NULL };

	if (null == -1 || dup2(null, 0) == -1 || dup2(null, 1) == -1 ||
	    dup2(tr.errfd, 2) == -1 || (ls == 3 ? fcntl(3, F_SETFD, 0) :
	    dup2(ls, 3)) == -1)
		_exit(127);
	close_range(4, ~0u, 0);
	/* systemd's socket activation: the listening socket is 3 */
	snprintf(pidbuf, sizeof(pidbuf), "LISTEN_PID=%ld", (long)getpid());
	env[ne++] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
	    "/sbin:/bin";
	env[ne++] = "LISTEN_FDS=1";
	env[ne++] = pidbuf;
	for (size_t i = 0; i < sizeof(keep_env) / sizeof(keep_env[0]); i++) {
		const char *v = getenv(keep_env[i]);
		if (v)
			env[ne++] = xasprintf("%s=%s", keep_env[i], v);
	}
	env[ne] = NULL;
	execvpe("setpriv", geteuid() == 0 ? root_argv : user_argv, env);
	(void)!write(2, "qemu-nbd: cannot run setpriv (util-linux)\n", 42);
	_exit(127);
}

/*
 * The transport serves once its first reply to a client is there: the
 * NBD greeting, sent only after qemu-nbd opened the URL.  0 ready; -1
 * when it ended; -2 when it said nothing in time.
 */
static int
wait_serving(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char greet[8];
	size_t got = 0;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd == -1)
		return -1;
	memcpy(sa.sun_path, tr.sock, strlen(tr.sock) + 1);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		close(fd);
		return -1;
	}
	while (got < sizeof(greet)) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;
		int r = poll(&p, 1, OPEN_TIMEOUT_MS);

		if (r == -1 && errno == EINTR)
			continue;
		if (r == 0) {
			close(fd);
			return -2;
		}
		if (r == -1)
			break;
		n = read(fd, greet + got, sizeof(greet) - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	return got == sizeof(greet) && memcmp(greet, "NBDMAGIC", 8) == 0 ?
	    0 : -1;
}

/*
 * What qemu-nbd's reason makes of the failure: a server that is down or
 * unreachable may answer the next run (TLSH_E_TRANSPORT, which a
 * pipeline retries); a missing file or a refusal will not.
 */
static enum tlsh_errc
said_errc(const char *q)
{
	/* qemu's nbd client and libcurl's words */
	static const char *const again[] = { "refused", "timed out",
	    "Timeout", "resolve", "reset by peer", "unreachable",
	    "No route", "Couldn't connect", " 502", " 503", " 504" };

	if (q == NULL)
		return TLSH_E_INTERNAL;
	if (strstr(q, " 404") || strstr(q, " 410"))
		return TLSH_E_NOT_FOUND;
	for (size_t i = 0; i < sizeof(again) / sizeof(again[0]); i++)
		if (strstr(q, again[i]))
			return TLSH_E_TRANSPORT;
	return TLSH_E_IMAGE_REFUSED;
}

int
remote_start(const char *url)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int ls = -1, r;

	if (tr.url) {
		if (strcmp(tr.url, url) == 0)
			return 0;
		tlsh_seterrc(TLSH_E_USAGE, "%s: one URL a run", url);
		return -1;
	}
	if (!url_ok(url)) {
		tlsh_seterrc(TLSH_E_USAGE, "%s: not a URL tlshive reads "
		    "(http://HOST/PATH, https://HOST/PATH or nbd://HOST[:PORT]"
		    "[/EXPORT], printable ASCII without spaces)", url);
		return -1;
	}
	tr.dir = tmp_path("tlshive-url.XXXXXX");
	tmp_block();
	if (mkdtemp(tr.dir) == NULL) {
		tmp_unblock();
		tlsh_seterrc(TLSH_E_IO, "%s: a directory for its socket: %s: %s", url,
		    tr.dir, strerror(errno));
		goto fail;
	}
	tr.slot_dir = tmp_hold(AT_FDCWD, tr.dir, 1);
	tr.sock = xasprintf("%s/nbd.sock", tr.dir);
	if (strlen(tr.sock) >= sizeof(sa.sun_path)) {
		tmp_unblock();
		tlsh_seterrc(TLSH_E_USAGE, "%s: %s: too long for a socket's name; set TMPDIR "
		    "to a shorter directory", url, tr.sock);
		goto fail;
	}
	memcpy(sa.sun_path, tr.sock, strlen(tr.sock) + 1);
	if ((ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    bind(ls, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		tmp_unblock();
		tlsh_seterrc(TLSH_E_IO, "%s: %s: %s", url, tr.sock,
		    strerror(errno));
		goto fail;
	}
	tr.slot_sock = tmp_hold(AT_FDCWD, tr.sock, 0);
	tmp_unblock();
	if (listen(ls, 16) == -1 || (tr.errfd = memfd_create("qemu-nbd-stderr",
	    MFD_CLOEXEC)) == -1) {
		tlsh_seterrc(TLSH_E_IO, "%s: %s: %s", url, tr.sock,
		    strerror(errno));
		goto fail;
	}
	tr.url = xstrdup(url);
	tr.owner = getpid();
	fflush(stdout);
	fflush(stderr);
	if ((tr.pid = fork()) == -1) {
		tlsh_seterrc(TLSH_E_IO, "%s: fork: %s", url, strerror(errno));
		goto fail;
	}
	if (tr.pid == 0)
		exec_transport(ls, url);
	close(ls);
	ls = -1;
	if ((r = wait_serving()) != 0) {
		char *q;
		int st;

		/* alive but silent: a server that trickles */
		if (r == -2)
			kill(tr.pid, SIGKILL);
		while (waitpid(tr.pid, &st, 0) == -1 && errno == EINTR)
			;
		tr.pid = -1;
		q = blk_qemu_said(tr.errfd);
		/* "Failed to blk_new_open 'URL': " repeats the URL */
		if (q && strncmp(q, "Failed to blk_new_open '", 24) == 0 &&
		    strstr(q, "': ")) {
			char *rest = xstrdup(strstr(q, "': ") + 3);
			free(q);
			q = rest;
		}
		if (r == -2)
			tlsh_seterrc(TLSH_E_TRANSPORT, "%s: no answer in %d s",
			    url, OPEN_TIMEOUT_MS / 1000);
		else
			tlsh_seterrc(said_errc(q), "%s: cannot read it: %s",
			    url, q ? q : "qemu-nbd said nothing (are "
			    "qemu-utils and util-linux's setpriv installed?)");
		free(q);
		goto fail;
	}
	return 0;
fail:
	if (ls != -1)
		close(ls);
	remote_stop();
	return -1;
}

const char *
remote_socket(const char *url)
{
	return tr.url && url && strcmp(tr.url, url) == 0 && tr.pid > 0 ?
	    tr.sock : NULL;
}

void
remote_stop(void)
{
	/* a forked child (the contained one, in a PID namespace of its
	 * own, where the pid is another process's) only forgets it */
	if (tr.owner != getpid()) {
		tr.pid = -1;
		tr.slot_sock = tr.slot_dir = -1;
	}
	if (tr.pid > 0) {
		int st;

		kill(tr.pid, SIGTERM);
		while (waitpid(tr.pid, &st, 0) == -1 && errno == EINTR)
			;
	}
	tr.pid = -1;
	if (tr.slot_sock != -1)
		unlink(tr.sock);
	if (tr.slot_dir != -1)
		rmdir(tr.dir);
	tmp_release(tr.slot_sock);
	tmp_release(tr.slot_dir);
	tr.slot_sock = tr.slot_dir = -1;
	if (tr.errfd != -1)
		close(tr.errfd);
	tr.errfd = -1;
	free(tr.url);
	free(tr.dir);
	free(tr.sock);
	tr.url = tr.dir = tr.sock = NULL;
}
