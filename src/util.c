/* Error recording, allocation that cannot fail silently, string helpers, and
 * the temporary files a signal removes. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <search.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tlshive.h"

static _Thread_local char errbuf[1024];

const char *
hive_id_name(enum hive_id id)
{
	return id == HV_SYSTEM ? "SYSTEM" : id == HV_SOFTWARE ? "SOFTWARE" :
	    "USER";
}

static _Thread_local enum tlsh_errc errcode;
static _Thread_local int errtemp;

static const char *const errc_names[TLSH_E_COUNT] = {
	[TLSH_E_NONE] = "none", [TLSH_E_INTERNAL] = "internal",
	[TLSH_E_USAGE] = "usage", [TLSH_E_PROFILE] = "profile",
	[TLSH_E_PROFILE_CONFLICT] = "profile-conflict",
	[TLSH_E_NOT_FOUND] = "not-found", [TLSH_E_NOT_WINDOWS] = "not-windows",
	[TLSH_E_HIVE_DAMAGED] = "hive-damaged",
	[TLSH_E_HIVE_DIRTY] = "hive-dirty", [TLSH_E_HIBERNATED] = "hibernated",
	[TLSH_E_IMAGE_FORMAT] = "image-format",
	[TLSH_E_IMAGE_REFUSED] = "image-refused", [TLSH_E_JOURNAL] = "journal",
	[TLSH_E_LOCKED] = "locked", [TLSH_E_IN_USE] = "in-use",
	[TLSH_E_IO] = "io", [TLSH_E_TRANSPORT] = "transport",
	[TLSH_E_NO_SPACE] = "no-space", [TLSH_E_READ_ONLY] = "read-only",
	[TLSH_E_PERMISSION] = "permission",
	[TLSH_E_WRITE_CHECK] = "write-check", [TLSH_E_GATE] = "gate",
	[TLSH_E_SANDBOX] = "sandbox", [TLSH_E_UNDO_EXISTS] = "undo-exists",
	[TLSH_E_WORKER] = "worker"
};

const char *
tlsh_errc_name(enum tlsh_errc c)
{
	return c >= 0 && c < TLSH_E_COUNT ? errc_names[c] : "internal";
}

/* The kind an errno gives a message that names none; the transient
 * ones are those a later run may not meet.  ENOMEM is not among them: a
 * batch worker's --memory-limit (4096 MB by default) gives it to the same
 * hive every time. */
static void
errc_of_errno(int e)
{
	errtemp = 0;
	switch (e) {
	case ENOENT: case ENOTDIR: errcode = TLSH_E_NOT_FOUND; break;
	case ENOSPC: case EDQUOT: errcode = TLSH_E_NO_SPACE; break;
	case EROFS: errcode = TLSH_E_READ_ONLY; break;
	case EACCES: case EPERM: errcode = TLSH_E_PERMISSION; break;
	case EIO: case EAGAIN: case EINTR: case EBUSY: case EMFILE:
	case ENFILE:
		errcode = TLSH_E_IO;
		errtemp = 1;
		break;
	case ENOMEM: errcode = TLSH_E_IO; break;
	default: errcode = TLSH_E_INTERNAL; break;
	}
}

void
tlsh_seterr(const char *fmt, ...)
{
	va_list ap;

	errc_of_errno(errno);
	va_start(ap, fmt);
	vsnprintf(errbuf, sizeof(errbuf), fmt, ap);
	va_end(ap);
}

void
tlsh_seterrc(enum tlsh_errc c, const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	/* an I/O error's errno may say more: no space, a read-only file
	 * system, a transient failure */
	if (c == TLSH_E_IO) {
		errc_of_errno(e);
		if (errcode == TLSH_E_INTERNAL)
			errcode = TLSH_E_IO;
	} else {
		errcode = c;
		errtemp = c == TLSH_E_LOCKED || c == TLSH_E_TRANSPORT;
	}
	va_start(ap, fmt);
	vsnprintf(errbuf, sizeof(errbuf), fmt, ap);
	va_end(ap);
}

enum tlsh_errc
tlsh_errcode(void)
{
	return errcode ? errcode : TLSH_E_INTERNAL;
}

int
tlsh_errtemp(void)
{
	return errtemp;
}

void
tlsh_errkind(enum tlsh_errc c, int temp)
{
	errcode = c;
	errtemp = temp;
}

const char *
tlsh_errmsg(void)
{
	return errbuf[0] ? errbuf : "unknown error";
}

static tlsh_progress_fn progress_fn;

void
tlsh_progress_sink(tlsh_progress_fn fn)
{
	progress_fn = fn;
}

void
tlsh_progress(const char *what, uint64_t done, uint64_t total)
{
	if (progress_fn)
		progress_fn(what, done, total);
}

static void
oom(void)
{
	fputs("tlshive: out of memory\n", stderr);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		oom();
	return p;
}

char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		oom();
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	char *p;

	if (vasprintf(&p, fmt, ap) < 0)
		oom();
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

void
sb_add(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	char *p;
	size_t n;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	n = strlen(p);
	if (sb->len + n + 1 > sb->cap) {
		sb->cap = (sb->len + n + 1) * 2;
		sb->s = xrealloc(sb->s, sb->cap);
	}
	memcpy(sb->s + sb->len, p, n + 1);
	sb->len += n;
	free(p);
}

char *
sb_take(struct strbuf *sb)
{
	char *s = sb->s ? sb->s : xstrdup("");

	sb->s = NULL;
	sb->len = sb->cap = 0;
	return s;
}

void
sl_add(struct strlist *sl, const char *fmt, ...)
{
	va_list ap;

	sl->v = xrealloc(sl->v, (sl->n + 2) * sizeof(*sl->v));
	va_start(ap, fmt);
	sl->v[sl->n++] = xvasprintf(fmt, ap);
	va_end(ap);
	sl->v[sl->n] = NULL;
}

void
sl_free(struct strlist *sl)
{
	for (size_t i = 0; i < sl->n; i++)
		free(sl->v[i]);
	free(sl->v);
	sl->v = NULL;
	sl->n = 0;
}

struct strmap {
	void *root;
	size_t n;
};

struct sm_entry {
	char *key;
	size_t val;
};

static int
sm_cmp(const void *a, const void *b)
{
	return strcmp(((const struct sm_entry *)a)->key,
	    ((const struct sm_entry *)b)->key);
}

static void
sm_entry_free(void *p)
{
	struct sm_entry *e = p;

	free(e->key);
	free(e);
}

struct strmap *
sm_new(void)
{
	return xcalloc(1, sizeof(struct strmap));
}

void
sm_put(struct strmap *m, const char *key, size_t val)
{
	struct sm_entry *e = xmalloc(sizeof(*e)), **found;

	e->key = xstrdup(key);
	e->val = val;
	if ((found = tsearch(e, &m->root, sm_cmp)) == NULL)
		oom();
	if (*found != e)
		sm_entry_free(e);
	else
		m->n++;
}

int
sm_get(const struct strmap *m, const char *key, size_t *val)
{
	struct sm_entry k = { (char *)key, 0 }, **found;

	if ((found = tfind(&k, &m->root, sm_cmp)) == NULL)
		return 0;
	if (val)
		*val = (*found)->val;
	return 1;
}

size_t
sm_count(const struct strmap *m)
{
	return m->n;
}

void
sm_free(struct strmap *m)
{
	if (m == NULL)
		return;
	tdestroy(m->root, sm_entry_free);
	free(m);
}

char *
str_fold(char *s)
{
	for (char *c = s; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c += 'a' - 'A';
	return s;
}

unsigned char *
read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *b = NULL;
	size_t cap = 0, n;
	int e;

	*len = 0;
	if (f == NULL)
		return NULL;
	do {
		if (*len + 65536 > cap)
			b = xrealloc(b, cap = (*len + 65536) * 2);
		n = fread(b + *len, 1, cap - *len - 1, f);
		*len += n;
	} while (n > 0);
	if (ferror(f)) {
		e = errno;
		fclose(f);
		free(b);
		errno = e ? e : EIO;
		return NULL;
	}
	fclose(f);
	b[*len] = '\0';
	return b;
}

char *
str_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/*
 * Setting names compare like Windows compares key names (case-insensitive),
 * and runs of white space count as one blank, so "TLS  1.0" is "tls 1.0".
 */
int
str_casecmp_ws(const char *a, const char *b)
{
	for (;;) {
		if (isspace((unsigned char)*a) && isspace((unsigned char)*b)) {
			while (isspace((unsigned char)*a))
				a++;
			while (isspace((unsigned char)*b))
				b++;
			continue;
		}
		int ca = tolower((unsigned char)*a), cb = tolower((unsigned char)*b);
		if (ca != cb || ca == 0)
			return ca - cb;
		a++;
		b++;
	}
}

/* Case-insensitive Levenshtein distance, for "did you mean" suggestions. */
size_t
str_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t *row = xmalloc((lb + 1) * sizeof(*row));
	size_t d;

	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			int same = tolower((unsigned char)a[i - 1]) ==
			    tolower((unsigned char)b[j - 1]);
			size_t best = diag + !same;
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	d = row[lb];
	free(row);
	return d;
}

#define TMP_SLOTS 16

static struct {
	volatile sig_atomic_t used;
	int dirfd, is_dir;
	char name[PATH_MAX];
} tmps[TMP_SLOTS];

/* unlinkat and raise are async-signal-safe; nothing else runs here.
 * Files go first: a directory is removed only once empty. */
static void (*volatile farewell)(int);

void
tmp_farewell(void (*fn)(int))
{
	farewell = fn;
}

static void
tmp_on_signal(int sig)
{
	void (*fn)(int) = farewell;

	for (int dirs = 0; dirs < 2; dirs++)
		for (int i = TMP_SLOTS - 1; i >= 0; i--)
			if (tmps[i].used && tmps[i].is_dir == dirs)
				unlinkat(tmps[i].dirfd, tmps[i].name, dirs ?
				    AT_REMOVEDIR : 0);
	farewell = NULL;
	if (fn)
		fn(sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

void
tmp_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = tmp_on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&sa.sa_mask, sigs[i]);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

static _Thread_local sigset_t tmp_saved;

void
tmp_block(void)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, SIGINT);
	sigaddset(&s, SIGTERM);
	sigaddset(&s, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &s, &tmp_saved);
}

void
tmp_unblock(void)
{
	pthread_sigmask(SIG_SETMASK, &tmp_saved, NULL);
}

int
tmp_hold(int dirfd, const char *name, int is_dir)
{
	for (int i = 0; i < TMP_SLOTS; i++)
		if (!tmps[i].used && strlen(name) < sizeof(tmps[i].name)) {
			tmps[i].dirfd = dirfd;
			tmps[i].is_dir = is_dir;
			strcpy(tmps[i].name, name);
			tmps[i].used = 1;
			return i;
		}
	return -1;
}

void
tmp_release(int slot)
{
	if (slot >= 0 && slot < TMP_SLOTS)
		tmps[slot].used = 0;
}

char *
tmp_path(const char *name)
{
	const char *d = getenv("TMPDIR");

	return xasprintf("%s/%s", d && *d == '/' ? d : "/tmp", name);
}

int
str_close_enough(const char *name, size_t d)
{
	size_t len = strlen(name);

	return d <= (len < 6 ? 2 : len / 3 + 1);
}

void
nearest_init(struct nearest *n, const char *name)
{
	n->name = name;
	n->best = NULL;
	n->d = (size_t)-1;
}

int
nearest_add(struct nearest *n, const char *cand)
{
	size_t d;

	if (cand == NULL || (d = str_distance(n->name, cand)) >= n->d)
		return 0;
	n->d = d;
	n->best = cand;
	return 1;
}

const char *
nearest_close(const struct nearest *n)
{
	return n->best && str_close_enough(n->name, n->d) ? n->best : NULL;
}

/* FILETIME counts from 1601, 11644473600 seconds before the Unix epoch. */
#define FILETIME_UNIX 11644473600ULL

static uint64_t run_time;

static void
run_time_init(void)
{
	const char *e = getenv("SOURCE_DATE_EPOCH");
	struct timespec ts;
	char *end;
	unsigned long long sec;

	if (e && *e >= '0' && *e <= '9') {
		errno = 0;
		sec = strtoull(e, &end, 10);
		if (errno == 0 && *end == '\0' && sec < (UINT64_MAX / 10000000ULL)
		    - FILETIME_UNIX) {
			run_time = ((uint64_t)sec + FILETIME_UNIX) * 10000000ULL;
			return;
		}
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	run_time = ((uint64_t)ts.tv_sec + FILETIME_UNIX) * 10000000ULL +
	    (uint64_t)ts.tv_nsec / 100;
}

uint64_t
tlsh_run_time(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, run_time_init);
	return run_time;
}

long
tlsh_anon_huge_kb(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/self/smaps_rollup", "re");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static struct timespec clock0;

void
tlsh_clock_start(void)
{
	clock_gettime(CLOCK_MONOTONIC, &clock0);
}

uint64_t
tlsh_elapsed_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)((now.tv_sec - clock0.tv_sec) * 1000 +
	    (now.tv_nsec - clock0.tv_nsec) / 1000000);
}
