/* Shared types and helpers of tlshive: errors, allocation, small string tools. */
#ifndef TLSHIVE_H
#define TLSHIVE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Exit codes; documented in tlshive(8), do not renumber. */
enum tlsh_exit {
	TLSH_EXIT_OK = 0,		/* done, or compliant */
	TLSH_EXIT_NONCOMPLIANT = 1,	/* check found differences */
	TLSH_EXIT_ERROR = 2,		/* usage, input or I/O error */
	/* sysexits' EX_TEMPFAIL: an error a retry may not meet (a lock
	 * another run holds, a transient I/O error, qemu-nbd gone), which
	 * Argo's retryStrategy or Kubernetes' podFailurePolicy can single out */
	TLSH_EXIT_TEMPFAIL = 75
};

/*
 * What kind of error the last message is: a stable word for pipelines
 * (JSON "error": {"code": ...}), listed in tlshive(8), ERROR CODES.  Names
 * are never changed; new kinds are added at the end.
 */
enum tlsh_errc {
	TLSH_E_NONE = 0,	/* no error recorded */
	TLSH_E_INTERNAL,	/* anything not classified */
	TLSH_E_USAGE,
	TLSH_E_PROFILE,
	TLSH_E_PROFILE_CONFLICT,
	TLSH_E_NOT_FOUND,
	TLSH_E_NOT_WINDOWS,
	TLSH_E_HIVE_DAMAGED,
	TLSH_E_HIVE_DIRTY,
	TLSH_E_HIBERNATED,
	TLSH_E_IMAGE_FORMAT,
	TLSH_E_IMAGE_REFUSED,
	TLSH_E_JOURNAL,
	TLSH_E_LOCKED,		/* retryable */
	TLSH_E_IN_USE,
	TLSH_E_IO,		/* retryable for EIO, EAGAIN, EINTR, EBUSY, EMFILE, ENFILE */
	TLSH_E_TRANSPORT,	/* retryable */
	TLSH_E_NO_SPACE,
	TLSH_E_READ_ONLY,
	TLSH_E_PERMISSION,
	TLSH_E_WRITE_CHECK,
	TLSH_E_GATE,
	TLSH_E_SANDBOX,
	TLSH_E_UNDO_EXISTS,
	TLSH_E_WORKER,
	TLSH_E_COUNT
};

/*
 * The hives tlshive works on: the machine's two, and the Default user
 * profile's NTUSER.DAT (HKEY_CURRENT_USER of every account made later).
 */
enum hive_id {
	HV_SYSTEM = 0,
	HV_SOFTWARE = 1,
	HV_USER = 2,
	HV_COUNT
};

const char *hive_id_name(enum hive_id);

/*
 * Modules never print: a failing call records one message here (per
 * thread, so the commit's writer thread does not overwrite the caller's)
 * and returns -1 or NULL.  The message follows the house format "FILE: what
 * went wrong".
 */
void tlsh_seterr(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
const char *tlsh_errmsg(void);
/*
 * Beside the message, its kind: tlsh_seterr takes it from errno as it
 * finds it (ENOENT not-found, ENOSPC no-space, EROFS read-only, EACCES and
 * EPERM permission, EIO and the other transient ones io, anything else
 * internal); tlsh_seterrc names it.  Whether a retry may succeed goes
 * with it (tlsh_errtemp): the exit status 75 rather than 2.
 */
void tlsh_seterrc(enum tlsh_errc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
enum tlsh_errc tlsh_errcode(void);
int tlsh_errtemp(void);
/* The kind again, after a message kept across other calls (another
 * thread's, or wrapped in more words) is set with tlsh_seterr. */
void tlsh_errkind(enum tlsh_errc, int temp);
const char *tlsh_errc_name(enum tlsh_errc);

/*
 * Long work (a hive extracted from a WIM or read from a disk image, a
 * WIM or image written) says how far it is, done of total bytes, total
 * 0 when unknown; done == total, not 0, ends it.  Nothing happens unless the
 * command line set a sink, which alone prints.
 */
typedef void (*tlsh_progress_fn)(const char *what, uint64_t done,
    uint64_t total);
void tlsh_progress_sink(tlsh_progress_fn);
void tlsh_progress(const char *what, uint64_t done, uint64_t total);

/*
 * Temporary files a signal must not leave behind: while held, SIGINT,
 * SIGTERM and SIGHUP remove them (the files before the directories) and
 * then end the process as the signal would.  tmp_hold returns a slot for
 * tmp_release, or -1 when all are taken.
 */
void tmp_signals(void);
/* Called (async-signal-safe, once) after the files go and before the
 * process ends as the signal would: what the run leaves, said. */
void tmp_farewell(void (*fn)(int sig));
int tmp_hold(int dirfd, const char *name, int is_dir);
/* Around creating a file and holding it: a signal in between would leave
 * the file unheld, so those signals wait (tmp_unblock restores them). */
void tmp_block(void);
void tmp_unblock(void);
void tmp_release(int slot);
/* name in $TMPDIR, or in /tmp */
char *tmp_path(const char *name);

/*
 * The time of this run as a FILETIME (100 ns units since 1601), fixed at
 * the first call: every key and base block a run writes gets this one
 * time.  SOURCE_DATE_EPOCH (seconds since 1970) sets it, for output that
 * can be compared from run to run.
 */
uint64_t tlsh_run_time(void);
/* Milliseconds since tlsh_clock_start (main's start, or a batch worker's;
 * CLOCK_MONOTONIC): a run's duration_ms. */
void tlsh_clock_start(void);
uint64_t tlsh_elapsed_ms(void);
/*
 * How much of this process's anonymous memory the kernel keeps on huge
 * pages (AnonHugePages of /proc/self/smaps_rollup, kB), -1 if unknown.
 */
long tlsh_anon_huge_kb(void);

void *xmalloc(size_t);
void *xcalloc(size_t, size_t);
void *xrealloc(void *, size_t);
char *xstrdup(const char *);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap)
    __attribute__((format(printf, 1, 0)));

/* Growable string buffer for messages and rendered output. */
struct strbuf {
	char *s;
	size_t len, cap;
};
void sb_add(struct strbuf *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *sb_take(struct strbuf *);

/* Growable list of owned strings (notes, warnings, errors). */
struct strlist {
	char **v;
	size_t n;
};
void sl_add(struct strlist *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sl_free(struct strlist *);

/*
 * Map from strings to numbers (glibc's red-black tsearch underneath): the
 * key cache of hive.c and the plan's indexes.  Keys are copied; a key put
 * twice keeps its first number.
 */
struct strmap;
struct strmap *sm_new(void);
void sm_put(struct strmap *, const char *key, size_t val);
int sm_get(const struct strmap *, const char *key, size_t *val); /* 1: found */
size_t sm_count(const struct strmap *);
void sm_free(struct strmap *);
/* ASCII letters to lower case in place: keys for case-blind maps. */
char *str_fold(char *);

/* A whole file, NUL-terminated for text use; NULL with errno set. */
unsigned char *read_all(const char *path, size_t *len);

char *str_trim(char *);
int str_casecmp_ws(const char *, const char *);
size_t str_distance(const char *, const char *);
/* Is a candidate d edits from name close enough to suggest (under a third
 * of the name wrong)? */
int str_close_enough(const char *name, size_t d);

/*
 * "Did you mean": the candidate nearest to a name, the first of equals.
 * nearest_add returns 1 when cand is now the nearest; best is the
 * nearest whatever its distance (d, 0 for an exact match), and
 * nearest_close the nearest only when it is close enough to suggest.
 */
struct nearest {
	const char *name;
	const char *best;
	size_t d;
};
void nearest_init(struct nearest *, const char *name);
int nearest_add(struct nearest *, const char *cand);
const char *nearest_close(const struct nearest *);

#endif
