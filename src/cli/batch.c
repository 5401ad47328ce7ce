/*
 * Batch mode.  Every image runs the whole data path in a forked worker, so
 * one corrupt or hostile image cannot disturb another (a crash is that
 * image's error).  A worker's standard output and error go to unlinked
 * temporary files that the parent copies, in order, when it ends.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/batch.h"
#include "cli/cmd.h"
#include "cli/msg.h"
#include "cli/report.h"
#include "io/image.h"
#include "io/remote.h"
#include "tlshive.h"

struct job {
	pid_t pid;
	FILE *out, *err;
	int status;		/* exit code, or -signal */
	int done, printed;
	time_t deadline;	/* killed when still running then */
	int timed_out;
};

/* SIGALRM only interrupts the parent's wait for its workers. */
static void
on_alarm(int sig)
{
	(void)sig;
}

char **
batch_read_list(const char *path, size_t *n)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char *line = NULL, **v = NULL;
	size_t cap = 0;
	ssize_t len;

	*n = 0;
	if (f == NULL) {
		tlsh_seterr("%s: %s", path, strerror(errno));
		return NULL;
	}
	while ((len = getline(&line, &cap, f)) != -1) {
		char *t = str_trim(line);
		if (*t == '\0' || *t == '#')
			continue;
		v = xrealloc(v, (*n + 2) * sizeof(*v));
		v[(*n)++] = xstrdup(t);
		v[*n] = NULL;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	if (*n == 0) {
		tlsh_seterr("%s: no image listed", path);
		free(v);
		return NULL;
	}
	return v;
}

static char *
slurp(FILE *f)
{
	struct strbuf sb = { 0 };
	char buf[4096];
	size_t got;

	rewind(f);
	sb_add(&sb, "%s", "");
	while ((got = fread(buf, 1, sizeof(buf) - 1, f)) > 0) {
		buf[got] = '\0';
		sb_add(&sb, "%s", buf);
	}
	return sb_take(&sb);
}

/*
 * A worker prints its own line (text report, or a JSON document that
 * carries its outcome); the parent writes one only for a worker that
 * died before it could, keeping what it completed.
 */
static void
emit(const struct options *o, const char *root, struct job *j)
{
	char *out = slurp(j->out), *err = slurp(j->err);
	int status = j->status >= 0 ? j->status : TLSH_EXIT_ERROR;

	if (j->timed_out) {
		char *m = xasprintf("%stlshive: %s: still running after %u s "
		    "(--time-limit): stopped; a disk image's interrupted run "
		    "is finished by tlshive recover\n", err, root,
		    o->time_limit);
		free(err);
		err = m;
	} else if (j->status < 0) {
		char *m = xasprintf("%stlshive: %s: the worker died of signal "
		    "%d\n", err, root, -j->status);
		free(err);
		err = m;
	}
	if (o->json) {
		char *end = strrchr(out, '\n');
		if (j->status < 0 || end == NULL) {
			/* a line cut short is no document */
			if (end)
				end[1] = '\0';
			else
				*out = '\0';
			fputs(out, stdout);
			report_json_error(stdout, root, TLSH_E_WORKER, err,
			    status, 1);
		} else
			fputs(out, stdout);
	} else {
		report_batch_head(stdout, root, status);
		fputs(out, stdout);
		if (*out && out[strlen(out) - 1] != '\n')
			putchar('\n');
	}
	/* messages stay messages: standard error, after the report line
	 * that names their image */
	fflush(stdout);
	fputs(err, stderr);
	fflush(stdout);
	free(out);
	free(err);
}

static FILE *
scratch(void)
{
	FILE *f = tmpfile();

	if (f == NULL) {
		perror("tlshive: temporary file");
		exit(TLSH_EXIT_ERROR);
	}
	return f;
}

static void
spawn(const struct options *o, const char *root, struct job *j)
{
	struct options one = *o;

	j->out = scratch();
	j->err = scratch();
	fflush(stdout);
	fflush(stderr);
	if ((j->pid = fork()) == -1) {
		perror("tlshive: fork");
		exit(TLSH_EXIT_ERROR);
	}
	if (j->pid == 0) {
		/* one image's worker gets so much memory and no more: a hive
		 * that claims gigabytes fails there, not the batch */
		struct rlimit rl;
		rl.rlim_cur = rl.rlim_max = (rlim_t)o->memory_limit << 20;
		dup2(fileno(j->out), STDOUT_FILENO);
		dup2(fileno(j->err), STDERR_FILENO);
		progress_forget();
		/* an image's duration is its own worker's */
		tlsh_clock_start();
		/* contained, the limit is the child's (sandbox_fork), set
		 * once its view is made */
		if (o->memory_limit && o->no_sandbox &&
		    setrlimit(RLIMIT_AS, &rl) == -1)
			fprintf(stderr, "tlshive: --memory-limit: %s\n",
			    strerror(errno));
		one.root = root;
		one.batch = 1;
		/* each image's documents in the directory main checked */
		if (o->checklist)
			one.checklist = report_path(o->checklist, root,
			    o->index, CKL_EXT);
		if (o->xccdf)
			one.xccdf = report_path(o->xccdf, root, o->index,
			    XCCDF_EXT);
		{
			int rc = exit_status(cmd_run(&one));
			/* the contained child comes back here too: its error
			 * document, with the error's kind, is in stdio's
			 * buffer, which _exit would drop */
			fflush(stdout);
			/* an image's URL: its transport and socket go with
			 * the worker (atexit does not run before _exit) */
			remote_stop();
			_exit(rc);
		}
	}
	j->deadline = o->time_limit ? time(NULL) + o->time_limit : 0;
}

/*
 * Stops the workers past their deadline; returns the seconds to the
 * next one still running (0: none), for the alarm that ends the wait.
 */
static unsigned
deadlines(struct job *j, size_t n)
{
	time_t now = time(NULL), next = 0;

	for (size_t i = 0; i < n; i++) {
		if (j[i].pid <= 0 || j[i].done || j[i].deadline == 0)
			continue;
		if (now >= j[i].deadline) {
			if (!j[i].timed_out)
				kill(j[i].pid, SIGKILL);
			j[i].timed_out = 1;
		} else if (next == 0 || j[i].deadline < next)
			next = j[i].deadline;
	}
	return next ? (unsigned)(next - now) : 0;
}

static void
progress(size_t done, size_t n, size_t failed, time_t start, int final)
{
	progress_draw("%zu/%zu images, %zu failed, %lds", done, n, failed,
	    (long)(time(NULL) - start));
	if (final)
		progress_keep();
}

/* jobs started beyond the slots, ahead of the first result not printed */
#define BATCH_AHEAD 64

int
batch_run(const struct options *o, char **roots, size_t n, int jobs,
    int quiet)
{
	struct job *j = xcalloc(n, sizeof(*j));
	size_t next = 0, running = 0, done = 0, emitted = 0, failed = 0;
	int worst = TLSH_EXIT_OK, tty = !quiet && isatty(STDERR_FILENO);
	size_t ahead = BATCH_AHEAD;
	struct rlimit rl;
	time_t start = time(NULL);

	struct sigaction sa;

	/* no SA_RESTART: the alarm must end wait() */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	if (jobs < 1)
		jobs = 1;
	/* once, here: every worker forks from this process, whose image
	 * module it inherits (a worker reports the module's failure) */
	for (size_t i = 0; i < n && image_load(roots[i]) == 0; i++)
		;
	/* two files a job, started or waiting to be printed, within the
	 * descriptor limit (a few kept for stdio and the libraries) */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
		long room = ((long)rl.rlim_cur - 16) / 2;
		if (room < 1)
			room = 1;
		if (jobs > room)
			jobs = (int)room;
		if ((long)ahead > room - jobs)
			ahead = (size_t)(room - jobs);
	}
	while (done < n) {
		int status;
		pid_t pid;

		/* each finished job holds two files until it is printed in
		 * order: one slow image must not let thousands pile up, so
		 * no job starts more than a window past the first unprinted */
		while (running < (size_t)jobs && next < n &&
		    next < emitted + (size_t)jobs + ahead) {
			spawn(o, roots[next], &j[next]);
			next++;
			running++;
		}
		alarm(deadlines(j, next));
		pid = wait(&status);
		alarm(0);
		if (pid == -1) {
			if (errno == EINTR)
				continue;
			perror("tlshive: wait");
			break;
		}
		for (size_t i = 0; i < next; i++) {
			if (j[i].pid != pid || j[i].done)
				continue;
			j[i].done = 1;
			j[i].status = WIFEXITED(status) ? WEXITSTATUS(status) :
			    -WTERMSIG(status);
			if (j[i].status != 0 && j[i].status != 1)
				failed++;
			running--;
			done++;
		}
		/* In the order given, whatever order they finish in. */
		while (emitted < n && j[emitted].done) {
			int s = j[emitted].status;
			/* the progress line has no newline: a report or
			 * message would run on from it */
			progress_clear();
			emit(o, roots[emitted], &j[emitted]);
			fclose(j[emitted].out);
			fclose(j[emitted].err);
			/* what no retry mends outweighs what one may, which
			 * outweighs a verdict: 2 > 75 > 1 > 0 */
			if (s != TLSH_EXIT_OK && s != TLSH_EXIT_NONCOMPLIANT &&
			    s != TLSH_EXIT_TEMPFAIL)
				worst = TLSH_EXIT_ERROR;
			else if (s == TLSH_EXIT_TEMPFAIL &&
			    worst != TLSH_EXIT_ERROR)
				worst = TLSH_EXIT_TEMPFAIL;
			else if (s == TLSH_EXIT_NONCOMPLIANT &&
			    worst == TLSH_EXIT_OK)
				worst = TLSH_EXIT_NONCOMPLIANT;
			emitted++;
		}
		if (tty)
			progress(done, n, failed, start, done == n);
	}
	free(j);
	return worst;
}
