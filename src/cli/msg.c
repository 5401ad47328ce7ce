/* The commands' message sink (msg.h). */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/msg.h"
#include "cli/report.h"
#include "trace.h"

static struct strbuf kept;
/* the kind of the first error said since the last document, and of the
 * run's first error: the exit status says whether a retry may help */
static enum tlsh_errc kept_code, run_code;
static int kept_temp, run_temp;

/* the length of the progress line on the terminal, 0: none there */
static int shown;

void
progress_clear(void)
{
	if (shown == 0)
		return;
	fprintf(stderr, "\r%*s\r", shown, "");
	fflush(stderr);
	shown = 0;
}

void
progress_forget(void)
{
	shown = 0;
}

void
progress_keep(void)
{
	if (shown == 0)
		return;
	fputc('\n', stderr);
	fflush(stderr);
	shown = 0;
}

void
progress_draw(const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	fputs("\rtlshive: ", stderr);
	len = vfprintf(stderr, fmt, ap) + 9;
	va_end(ap);
	/* a shorter line leaves no tail of the longer one before it */
	if (len < shown)
		fprintf(stderr, "%*s", shown - len, "");
	if (len > shown)
		shown = len;
	fflush(stderr);
}

/*
 * One line, redrawn in place at most every tenth of a second and at each
 * whole percent, and blanked when the work is done: what follows on the
 * terminal starts its own line.
 */
static void
progress_line(const char *what, uint64_t done, uint64_t total)
{
	static struct timespec last;
	static int last_pct = -1;
	struct timespec now;
	int pct = total ? (int)(done * 100 / total) : -1;

	if (total && done >= total) {
		progress_clear();
		last_pct = -1;
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (shown && pct == last_pct && (now.tv_sec - last.tv_sec) * 1000 +
	    (now.tv_nsec - last.tv_nsec) / 1000000 < 100)
		return;
	last = now;
	last_pct = pct;
	if (total)
		progress_draw("%s: %d%% of %llu %s", what, pct,
		    (unsigned long long)(total >= 1u << 20 ? total >> 20 :
		    (total + 1023) >> 10), total >= 1u << 20 ? "MB" : "KB");
	else
		progress_draw("%s", what);
}

void
progress_start(void)
{
	tlsh_progress_sink(progress_line);
}

/*
 * One line a span, written whole in one write: the spans of a contained
 * child or of batch workers reach the same standard error.  The format is
 * tlshive(8)'s, ENVIRONMENT: keep it.
 */
static void
trace_line(const char *name, const char *subject, int depth,
    uint64_t start_us, uint64_t dur_us)
{
	char *l = xasprintf("tlshive: trace: span %ld %d %llu %llu %s%s%s\n",
	    (long)getpid(), depth, (unsigned long long)start_us,
	    (unsigned long long)dur_us, name, subject ? " " : "",
	    subject ? subject : "");

	progress_clear();
	(void)!write(STDERR_FILENO, l, strlen(l));
	free(l);
}

void
trace_start(void)
{
	const char *t = getenv("TLSHIVE_TRACE");

	if (t != NULL && strcmp(t, "1") == 0)
		trace_sink(trace_line);
}

void
say(const char *fmt, ...)
{
	va_list ap;
	char *m;

	progress_clear();
	va_start(ap, fmt);
	m = xvasprintf(fmt, ap);
	va_end(ap);
	fprintf(stderr, "tlshive: %s", m);
	sb_add(&kept, "tlshive: %s", m);
	free(m);
}

static void
note_code(enum tlsh_errc c, int temp)
{
	if (kept_code == TLSH_E_NONE) {
		kept_code = c;
		kept_temp = temp;
	}
	if (run_code == TLSH_E_NONE) {
		run_code = c;
		run_temp = temp;
	}
}

void
say_err(void)
{
	say("%s\n", tlsh_errmsg());
	note_code(tlsh_errcode(), tlsh_errtemp());
}

static void
say_v(enum tlsh_errc c, int temp, const char *fmt, va_list ap)
{
	char *m = xvasprintf(fmt, ap);

	say("%s", m);
	free(m);
	note_code(c, temp);
}

void
say_code(enum tlsh_errc c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say_v(c, c == TLSH_E_LOCKED || c == TLSH_E_TRANSPORT, fmt, ap);
	va_end(ap);
}

void
say_as(enum tlsh_errc c, int temp, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say_v(c, temp, fmt, ap);
	va_end(ap);
}

/* the kind of the first error said since the last document (internal if
 * none was given) */
static enum tlsh_errc
said_code(void)
{
	return kept_code ? kept_code : TLSH_E_INTERNAL;
}

int
exit_status(int rc)
{
	return rc == TLSH_EXIT_ERROR && run_temp ? TLSH_EXIT_TEMPFAIL : rc;
}

void
print_errors(const struct strlist *errs, enum tlsh_errc c)
{
	for (size_t i = 0; i < errs->n; i++)
		say_code(c, "%s\n", errs->v[i]);
}

const char *
said(void)
{
	return kept.s;
}

void
said_clear(void)
{
	free(kept.s);
	memset(&kept, 0, sizeof(kept));
	kept_code = TLSH_E_NONE;
	kept_temp = 0;
}

void
json_failed(const struct options *o, const char *image, int compact)
{
	char *e = kept.len ? sb_take(&kept) : xstrdup("");
	size_t n = strlen(e);

	while (n && e[n - 1] == '\n')
		e[--n] = '\0';
	if (o->json)
		report_json_error(stdout, image ? image : "", said_code(), e,
		    kept_temp ? TLSH_EXIT_TEMPFAIL : TLSH_EXIT_ERROR,
		    compact || o->batch);
	free(e);
	memset(&kept, 0, sizeof(kept));
	kept_code = TLSH_E_NONE;
	kept_temp = 0;
}
