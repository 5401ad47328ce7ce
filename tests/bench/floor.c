/*
 * floor: what any tool that reads or safely writes a hive through hivex
 * must pay, whatever it does besides, so make bench can tell tlshive's own
 * cost from hivex's.
 *
 *   floor read HIVE...    open each hive with hivex (it maps the file and
 *                         walks every cell before the first lookup), close
 *                         it
 *   floor write HIVE...   open each for writing (hivex copies the whole file
 *                         into memory), set one DWORD, and commit them
 *                         together (hivex's result into memory, page diff,
 *                         check, log, in place): tlshive's commit with
 *                         nothing else around it
 *   floor hivex [-j2] [-n | -o DIR] REC.reg SYSTEM SOFTWARE
 *                         what no tool writing through hivex can avoid:
 *                         for each hive hivex_open for writing, the keys of
 *                         REC.reg (an export of what apply writes) got or
 *                         added, one hivex_node_set_values per key keeping
 *                         its other values, and hivex_commit into a memfd;
 *                         one hive after the other, or with -j2 one thread
 *                         per hive; -n commits to /dev/null (hivex's own
 *                         work without fresh pages to hold the result,
 *                         which cost a virtual machine a host fault
 *                         each); -o DIR commits into DIR/HIVE, so the
 *                         bench can check that the floor writes what
 *                         apply writes
 * Linked with tlshive's own malloc (src/cli/hugealloc.c: large blocks on
 * huge pages), so that the floor is what hivex costs in tlshive, not what
 * it costs with another allocator.
 */
#include "config.h"

#include <errno.h>
#include <hivex.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#include "policy/profile.h"
#include "policy/reg.h"
#include "regf/commit.h"
#include "regf/hive.h"
#include "regval.h"
#include "tlshive.h"

static int
fail(void)
{
	fprintf(stderr, "floor: %s\n", tlsh_errmsg());
	return 2;
}

/* One hive's run: REC.reg's changes to that hive, then its commit. */
struct job {
	const char *path;
	enum hive_id id;
	const struct policy *p;
	const char *out;	/* -o DIR, "/dev/null" (-n), or NULL: a memfd */
	char *err;
};

static void *
job_fail(struct job *j, const char *what, const char *key)
{
	j->err = xasprintf("%s: %s%s%s: %s", j->path, what, key ? " " : "",
	    key ? key : "", strerror(errno ? errno : EINVAL));
	return j;
}

/*
 * The node for key, each missing component added as hivex_node_add_child
 * needs (it refuses a child that exists); 0 with add == 0 and a missing
 * component.
 */
static hive_node_h
node_at(hive_h *h, const char *key, int add)
{
	hive_node_h node = hivex_root(h);
	char *dup = xstrdup(key), *save = NULL;

	for (char *c = strtok_r(dup, "\\", &save); c && node;
	    c = strtok_r(NULL, "\\", &save)) {
		hive_node_h child;

		errno = 0;
		if ((child = hivex_node_get_child(h, node, c)) == 0 &&
		    errno == 0 && add)
			child = hivex_node_add_child(h, node, c);
		node = child;
	}
	free(dup);
	return node;
}

/*
 * All of one key's changes as one hivex_node_set_values call, the key's
 * other values kept: hivex rebuilds the whole value list on every call, so
 * this is the least any writer through hivex pays (and what
 * hive_set_values does).  Names match case-blind, as in Windows.
 */
static int
set_key(hive_h *h, hive_node_h node, const struct regop *const r[], size_t n)
{
	hive_value_h *vals;
	hive_set_value *sv;
	size_t have, k;
	int ret;

	errno = 0;
	if ((vals = hivex_node_values(h, node)) == NULL)
		return -1;
	for (have = 0; vals[have]; have++)
		;
	sv = xcalloc(have + n + 1, sizeof(*sv));
	for (k = 0; k < have; k++) {
		hive_type t;

		sv[k].key = hivex_value_key(h, vals[k]);
		sv[k].value = hivex_value_value(h, vals[k], &t, &sv[k].len);
		if (sv[k].key == NULL || sv[k].value == NULL)
			return -1;
		sv[k].t = t;
	}
	free(vals);
	for (size_t i = 0; i < n; i++) {
		size_t j;

		for (j = 0; j < k; j++)
			if (strcasecmp(sv[j].key, r[i]->name) == 0)
				break;
		if (j < k) {
			free(sv[j].key);
			free(sv[j].value);
		}
		if (r[i]->kind == RO_DELETE_VALUE) {
			if (j < k)
				sv[j] = sv[--k];
			continue;
		}
		if (j == k)
			k++;
		sv[j].key = xstrdup(r[i]->name);
		sv[j].t = (hive_type)r[i]->val.type;
		sv[j].len = r[i]->val.len;
		sv[j].value = xmalloc(r[i]->val.len + 1);
		if (r[i]->val.len)
			memcpy(sv[j].value, r[i]->val.data, r[i]->val.len);
	}
	ret = hivex_node_set_values(h, node, k, sv, 0);
	for (size_t i = 0; i < k; i++) {
		free(sv[i].key);
		free(sv[i].value);
	}
	free(sv);
	return ret;
}

/* The control sets Select names, as apply writes a CurrentControlSet key
 * into each of them. */
static size_t
control_sets(hive_h *h, unsigned cs[3])
{
	static const char *const names[] = { "Current", "Default",
	    "LastKnownGood" };
	hive_node_h sel = node_at(h, "Select", 0);
	size_t n = 0;

	for (size_t i = 0; sel && i < 3; i++) {
		hive_value_h v = hivex_node_get_value(h, sel, names[i]);
		int32_t d;
		size_t k;

		errno = 0;
		if (v == 0 || ((d = hivex_value_dword(h, v)) == -1 &&
		    errno) || d <= 0)
			continue;
		for (k = 0; k < n && cs[k] != (unsigned)d; k++)
			;
		if (k == n)
			cs[n++] = (unsigned)d;
	}
	return n;
}

/* A value change in the key it lands in (a control set's for ccs rows). */
struct vset {
	char *key;
	const struct regop *r;
	size_t seq;
};

static int
by_key(const void *a, const void *b)
{
	const struct vset *x = a, *y = b;
	int c = strcasecmp(x->key, y->key);

	return c ? c : x->seq < y->seq ? -1 : 1;
}

/* The keys an op lands in: once per control set below CurrentControlSet. */
static char *
op_key(const struct regop *r, unsigned cs)
{
	return !r->ccs ? xstrdup(r->key) : xasprintf("ControlSet%03u%s%s", cs,
	    *r->key ? "\\" : "", r->key);
}

/*
 * In apply's order (commit_edits): deleted keys, then keys made, then the
 * values a key at a time, sorted by key as apply sorts them so a key named
 * by two sections costs one rewrite of its value list.
 */
static void *
hivex_job(void *arg)
{
	struct job *j = arg;
	const struct policy *p = j->p;
	unsigned cs[3] = { 0 };
	size_t ncs = 1, nv = 0;
	struct vset *v;
	char fd[40];
	hive_h *h;
	int mfd;

	errno = 0;
	if ((h = hivex_open(j->path, HIVEX_OPEN_WRITE)) == NULL)
		return job_fail(j, "hivex_open", NULL);
	if (j->id == HV_SYSTEM && (ncs = control_sets(h, cs)) == 0) {
		errno = ENOENT;
		return job_fail(j, "no control set in", "Select");
	}
	v = xcalloc(p->nr * ncs + 1, sizeof(*v));
	for (int phase = 0; phase < 2; phase++)
		for (size_t i = 0; i < p->nr; i++) {
			const struct regop *r = &p->r[i];

			if (r->hive != j->id || r->kind != (phase ?
			    RO_MKKEY : RO_DELETE_KEY))
				continue;
			for (size_t c = 0; c < (r->ccs ? ncs : 1); c++) {
				char *key = op_key(r, cs[c]);
				hive_node_h node;

				errno = 0;
				node = node_at(h, key, phase);
				if (phase ? node == 0 : node != 0 &&
				    hivex_node_delete_child(h, node) == -1)
					return job_fail(j, "cannot make or "
					    "delete", key);
				free(key);
			}
		}
	for (size_t i = 0; i < p->nr; i++) {
		const struct regop *r = &p->r[i];

		if (r->hive != j->id || (r->kind != RO_SET &&
		    r->kind != RO_DELETE_VALUE))
			continue;
		for (size_t c = 0; c < (r->ccs ? ncs : 1); c++, nv++)
			v[nv] = (struct vset){ op_key(r, cs[c]), r, nv };
	}
	qsort(v, nv, sizeof(*v), by_key);
	for (size_t i = 0, e; i < nv; i = e) {
		const struct regop **r = xcalloc(nv - i, sizeof(*r));
		hive_node_h node;

		for (e = i; e < nv && strcasecmp(v[e].key, v[i].key) == 0; e++)
			r[e - i] = v[e].r;
		errno = 0;
		if ((node = node_at(h, v[i].key, 1)) == 0 ||
		    set_key(h, node, r, e - i) == -1)
			return job_fail(j, "cannot set", v[i].key);
		free(r);
	}
	for (size_t i = 0; i < nv; i++)
		free(v[i].key);
	free(v);
	if (j->out && strcmp(j->out, "/dev/null") == 0) {
		errno = 0;
		if (hivex_commit(h, j->out, 0) == -1)
			return job_fail(j, "hivex_commit", j->out);
	} else if (j->out) {
		const char *base = strrchr(j->path, '/');
		char *to = xasprintf("%s/%s", j->out, base ? base + 1 :
		    j->path);

		errno = 0;
		if (hivex_commit(h, to, 0) == -1)
			return job_fail(j, "hivex_commit", to);
		free(to);
	} else {
		if ((mfd = memfd_create("floor", MFD_CLOEXEC)) == -1)
			return job_fail(j, "memfd_create", NULL);
		snprintf(fd, sizeof(fd), "/proc/self/fd/%d", mfd);
		errno = 0;
		if (hivex_commit(h, fd, 0) == -1)
			return job_fail(j, "hivex_commit", NULL);
		close(mfd);
	}
	hivex_close(h);
	return NULL;
}

static int
hivex_floor(int argc, char **argv)
{
	struct policy p = { 0 };
	struct strlist errs = { 0 };
	struct job jobs[2];
	pthread_t t[2];
	const char *out = NULL;
	int par = 0, n;

	for (; argc > 0 && argv[0][0] == '-'; argc--, argv++)
		if (strcmp(argv[0], "-j2") == 0)
			par = 1;
		else if (strcmp(argv[0], "-n") == 0)
			out = "/dev/null";
		else if (strcmp(argv[0], "-o") == 0 && argc > 1)
			out = (argc--, *++argv);
		else
			argc = 0;
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: floor hivex [-j2] [-n | -o DIR] REC.reg "
		    "HIVE...\n");
		return 2;
	}
	if (policy_add_reg(&p, argv[0], &errs) == -1) {
		for (size_t i = 0; i < errs.n; i++)
			fprintf(stderr, "floor: %s\n", errs.v[i]);
		return 2;
	}
	n = argc - 1;
	for (int i = 0; i < n; i++) {
		const char *base = strrchr(argv[i + 1], '/');

		base = base ? base + 1 : argv[i + 1];
		jobs[i] = (struct job){ argv[i + 1], strcasecmp(base,
		    "SYSTEM") == 0 ? HV_SYSTEM : HV_SOFTWARE, &p, out, NULL };
		if (par && pthread_create(&t[i], NULL, hivex_job,
		    &jobs[i]) != 0) {
			fprintf(stderr, "floor: cannot start a thread\n");
			return 2;
		}
		if (!par)
			hivex_job(&jobs[i]);
	}
	for (int i = 0; i < n; i++) {
		if (par)
			pthread_join(t[i], NULL);
		if (jobs[i].err) {
			fprintf(stderr, "floor: %s\n", jobs[i].err);
			return 2;
		}
	}
	policy_free(&p);
	sl_free(&errs);
	return 0;
}

int
main(int argc, char **argv)
{
	struct hive *h[8];
	int n = argc - 2;

	if (argc >= 2 && strcmp(argv[1], "hivex") == 0)
		return hivex_floor(argc - 2, argv + 2);
	if (argc < 3 || n > 8 || (strcmp(argv[1], "read") != 0 &&
	    strcmp(argv[1], "write") != 0)) {
		fprintf(stderr, "usage: floor read|write HIVE...\n"
		    "       floor hivex [-j2] [-n | -o DIR] REC.reg HIVE...\n");
		return 2;
	}
	if (strcmp(argv[1], "read") == 0) {
		/* hivex itself, whatever tlshive's own reader does */
		for (int i = 0; i < n; i++) {
			hive_h *x;

			errno = 0;
			if ((x = hivex_open(argv[i + 2], 0)) == NULL) {
				fprintf(stderr, "floor: %s: hivex_open: %s\n",
				    argv[i + 2], strerror(errno));
				return 2;
			}
			hivex_close(x);
		}
		return 0;
	}
	{
		struct hive_expect ex[8];
		const struct hive_expect *exs[8];
		size_t nex[8];
		struct regval v;

		regval_dword(&v, 1);
		for (int i = 0; i < n; i++) {
			ex[i] = (struct hive_expect){ "tlshive-bench", "Floor",
			    &v };
			exs[i] = &ex[i];
			nex[i] = 1;
			if ((h[i] = hive_open(argv[i + 2], HIVE_WRITE)) == NULL ||
			    hive_set(h[i], ex[i].key, ex[i].name, &v) == -1)
				return fail();
		}
		if (commit_hives(h, (size_t)n, exs, nex, COMMIT_LOG_AUTO,
		    NULL) == -1)
			return fail();
		regval_free(&v);
	}
	for (int i = 0; i < n; i++)
		hive_close(h[i]);
	return 0;
}
