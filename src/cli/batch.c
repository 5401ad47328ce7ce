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
#include "cli/report.h"
#include "tlshive.h"

struct job {
	pid_t pid;
	FILE *out, *err;
	int status;		/* exit code, or -signal */
	int done, printed;
};

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

	if (j->status < 0) {
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
			report_json_error(stdout, root, err, status, 1);
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
		dup2(fileno(j->out), STDOUT_FILENO);
		dup2(fileno(j->err), STDERR_FILENO);
		one.root = root;
		one.batch = 1;
		_exit(cmd_run(&one));
	}
}

static void
progress(size_t done, size_t n, size_t failed, time_t start, int final)
{
	fprintf(stderr, "\rtlshive: %zu/%zu images, %zu failed, %lds%s",
	    done, n, failed, (long)(time(NULL) - start), final ? "\n" : "");
	fflush(stderr);
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

	if (jobs < 1)
		jobs = 1;
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
		if ((pid = wait(&status)) == -1) {
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
			emit(o, roots[emitted], &j[emitted]);
			fclose(j[emitted].out);
			fclose(j[emitted].err);
			if (s != 0 && s != 1)
				worst = TLSH_EXIT_ERROR;
			else if (s == 1 && worst == TLSH_EXIT_OK)
				worst = TLSH_EXIT_NONCOMPLIANT;
			emitted++;
		}
		if (tty)
			progress(done, n, failed, start, done == n);
	}
	free(j);
	return worst;
}
