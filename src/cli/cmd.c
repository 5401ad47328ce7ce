/*
 * show, check, apply, export, recover, profiles, settings: each command's
 * run, cut where each needs (cmd_open.c opens the hives, cmd_write.c
 * writes them).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>


#include "cli/cmd.h"
#include "cli/cmdint.h"
#include "cli/ckl.h"
#include "cli/xccdf.h"
#include "cli/regwrite.h"
#include "cli/report.h"
#include "io/hostfile.h"
#include "io/image.h"
#include "io/remote.h"
#include "io/sandbox.h"
#include "io/store.h"
#include "policy/facts.h"
#include "policy/findings.h"
#include "policy/plan.h"
#include "policy/plantext.h"
#include "policy/profile.h"
#include "policy/reg.h"
#include "policy/verdict.h"
#include "regf/commit.h"
#include "regf/hive.h"
#include "regf/logs.h"
#include "trace.h"


/*
 * --strict: the .reg lines regedit skips, said by load_policy; the run
 * goes on to its plan so that the changes Windows ignores, which only the
 * image's build tells, are said in the same run.
 */
static size_t strict_skipped;

/*
 * What Windows ignores among the .reg changes: listed by the report, or
 * with --strict an error for each, and nothing done.
 */
static int
strict_ignored(const struct options *o, const struct plan *p)
{
	size_t n = 0;

	if (!o->strict || (p->nign == 0 && strict_skipped == 0))
		return 0;
	for (size_t i = 0; i < p->nign; i++) {
		char *t = plan_ignored_text(p, i, "Windows ignores this: ");
		if (t) {
			say_code(TLSH_E_PROFILE, "%s\n", t);
			n++;
		}
		free(t);
	}
	if (strict_skipped && n)
		say("%zu error%s in the profiles and .reg files, and %zu "
		    "change%s Windows ignores (--strict); nothing done\n",
		    strict_skipped, strict_skipped == 1 ? "" : "s", n,
		    n == 1 ? "" : "s");
	else if (strict_skipped)
		say("%zu error%s in the profiles and .reg files; nothing "
		    "done\n", strict_skipped, strict_skipped == 1 ? "" : "s");
	else
		say("%zu change%s Windows ignores (--strict); nothing done\n",
		    n, n == 1 ? "" : "s");
	return -1;
}

static int
load_policy(const struct options *o, struct policy *pol)
{
	struct strlist errs = { 0 };

	/* -p, --reg and --set each say what to do: the default profile
	 * only when none is given, so --set alone changes just that. */
	if (o->npargs == 0)
		policy_add_profile(pol, DEFAULT_PROFILE, &errs);
	for (size_t i = 0; i < o->npargs; i++) {
		const char *arg = o->pargs[i].arg;

		switch (o->pargs[i].kind) {
		case PA_SET:
			if (policy_add_set(pol, arg, &errs) == 0)
				sl_add(&pol->sources, "--set");
			break;
		case PA_PROFILE:
			policy_add_profile(pol, arg, &errs);
			break;
		case PA_REG:
			policy_add_reg(pol, arg, &errs);
			break;
		case PA_FINDINGS:
			policy_add_findings(pol, arg, &errs);
			break;
		}
	}
	if (o->users == USERS_NONE) {
		struct strlist gone = { 0 };
		policy_drop_hive(pol, HV_USER, &gone);
		for (size_t i = 0; i < gone.n; i++)
			say("%s (--users none)\n", gone.v[i]);
		sl_free(&gone);
	}
	/* regedit skips such lines and applies the rest: so does tlshive,
	 * saying so, unless --strict wants the file clean */
	for (size_t i = 0; i < pol->skipped.n; i++)
		if (o->strict)
			sl_add(&errs, "%s", pol->skipped.v[i]);
		else
			say("%s\n", pol->skipped.v[i]);
	/* only skipped lines: counted with what Windows ignores, once the
	 * plan knows (strict_ignored) */
	if (o->strict && errs.n && errs.n == pol->skipped.n) {
		print_errors(&errs, TLSH_E_PROFILE);
		strict_skipped = errs.n;
		sl_free(&errs);
		return 0;
	}
	if (errs.n) {
		print_errors(&errs, TLSH_E_PROFILE);
		say("%zu error%s in the profiles and "
		    ".reg files; nothing done\n", errs.n, errs.n == 1 ? "" :
		    "s");
		sl_free(&errs);
		return -1;
	}
	return 0;
}

static char *
sources_text(const struct policy *pol)
{
	struct strbuf sb = { 0 };
	int sets = 0;

	for (size_t i = 0; i < pol->sources.n; i++) {
		if (strcmp(pol->sources.v[i], "--set") == 0) {
			sets++;
			continue;
		}
		sb_add(&sb, "%s%s", sb.len ? " + " : "", pol->sources.v[i]);
	}
	if (sets)
		sb_add(&sb, "%s%d --set", sb.len ? " + " : "", sets);
	return sb_take(&sb);
}


static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The last part of a path, without the slashes that end it. */
static char *
last_part(const char *p)
{
	size_t n = strlen(p), b;

	while (n > 1 && p[n - 1] == '/')
		n--;
	for (b = n; b > 0 && p[b - 1] != '/'; b--)
		;
	return xasprintf("%.*s", (int)(n - b), p + b);
}

char *
report_path(const char *file, const char *image, int index, const char *ext)
{
	char *base, *r;

	if (!is_dir(file))
		return xstrdup(file);
	base = last_part(image ? image : "image");
	r = index ? xasprintf("%s/%s-%d%s", file, base, index, ext) :
	    xasprintf("%s/%s%s", file, base, ext);
	free(base);
	return r;
}

/* The image a run is about, for an error document. */
static const char *
image_arg(const struct options *o)
{
	return o->root ? o->root : o->file[HV_SYSTEM] ? o->file[HV_SYSTEM] :
	    o->file[HV_SOFTWARE];
}

/* What a warning names: the image, or the .reg an export writes without
 * one. */
static const char *
warn_subject(const struct options *o)
{
	if (image_arg(o))
		return image_arg(o);
	return o->out && strcmp(o->out, "-") != 0 ? o->out :
	    "standard output";
}

/* What IMAGE (or the hive files) the command line names. */
static void
request(const struct options *o, struct image_request *rq)
{
	memset(rq, 0, sizeof(*rq));
	rq->root = o->root;
	for (int i = 0; i < HV_COUNT; i++)
		rq->file[i] = o->file[i];
	rq->writable = o->cmd == CMD_APPLY && !o->dry_run;
	rq->partition = o->partition;
	rq->index = o->index;
	rq->journal_dir = o->journal_dir;
	rq->format = o->format;
	rq->allow_backing = o->allow_backing;
	rq->base = o->base;
}

/*
 * What a signal leaves of a run on a disk image, said on the way out:
 * the image as it was, whole with the run's changes, or half written
 * with the journal that finishes it.  Made beforehand, written from the
 * signal handler (tmp_farewell) or once the child died of the signal.
 */
static char bye_plain[PATH_MAX + 200], bye_done[PATH_MAX + 200];
static char bye_replayed[PATH_MAX + 200], bye_journal[3 * PATH_MAX + 200];
static char bye_jpath[PATH_MAX];

static void
say_bye(int sig)
{
	struct stat st;
	const char *m;
	int j = hostfile_journal();

	(void)sig;
	if (bye_jpath[0] && fstatat(AT_FDCWD, bye_jpath, &st,
	    AT_SYMLINK_NOFOLLOW) == 0)
		m = bye_journal;
	/* the journal goes only once the image holds all of it */
	else
		m = j == HJ_DONE || j == HJ_WRITTEN ? bye_done : j == HJ_REPLAYED ?
		    bye_replayed : bye_plain;
	(void)!write(2, m, strlen(m));
}

static void
bye_setup(const struct options *o)
{
	const char *img = o->root;
	char *j;

	/* a batch reports each image on its own line */
	if (o->batch || img == NULL ||
	    (j = image_journal_path(img, o->format, o->journal_dir,
	    o->allow_backing)) == NULL)
		return;
	snprintf(bye_plain, sizeof(bye_plain), "tlshive: %s: interrupted; "
	    "the image was not changed\n", img);
	snprintf(bye_done, sizeof(bye_done), "tlshive: %s: interrupted after "
	    "the image was written; this run's changes are in it\n", img);
	snprintf(bye_replayed, sizeof(bye_replayed), "tlshive: %s: "
	    "interrupted; an earlier run's journal was finished into the "
	    "image, this run's changes are not in it\n", img);
	snprintf(bye_journal, sizeof(bye_journal), "tlshive: %s: interrupted "
	    "while the image was written; the journal %s holds the whole "
	    "run: tlshive recover %s finishes it\n", img, j, img);
	snprintf(bye_jpath, sizeof(bye_jpath), "%s", j);
	free(j);
	tmp_farewell(say_bye);
}

/*
 * An image a URL names (io/remote.h) is read where it lies, never written
 * there: its transport starts here, before the contained child, which
 * has no network.  -1 to go on; else the exit code of a refusal.
 */
static int
open_url(const struct options *o, int writes)
{
	struct image_request rq;
	const char *url = o->base ? o->base : o->root;

	request(o, &rq);
	if (o->base && (!remote_is_url(o->base) || remote_is_url(o->root) ||
	    o->root == NULL)) {
		say_code(TLSH_E_USAGE, "--base %s: %s\n", o->base,
		    !remote_is_url(o->base) ? "not an http://, https:// or "
		    "nbd:// URL" : o->root ? "for a local qcow2 overlay, not for "
		    "a URL" : "for a local qcow2 overlay, which IMAGE names");
		json_failed(o, image_arg(o), 0);
		return TLSH_EXIT_ERROR;
	}
	if (!o->base && (rq.writable || writes)) {
		say_code(TLSH_E_USAGE, "%s: a URL is read-only (show, check, "
		    "export and apply -n read it where it lies); to patch the "
		    "image, apply to a local overlay on it and upload that:\n"
		    "  qemu-img create -f qcow2 overlay.qcow2 SIZE   (SIZE: "
		    "its virtual size, qemu-img info '%s')\n"
		    "  tlshive apply --base '%s' overlay.qcow2\n"
		    "  qemu-img rebase -u -F qcow2 -b '%s' overlay.qcow2   "
		    "(-F raw for a raw image)\n"
		    "then upload overlay.qcow2 beside its base, or make them one "
		    "image: qemu-img convert -O qcow2 overlay.qcow2 "
		    "patched.qcow2\n", o->root, o->root, o->root, o->root);
		json_failed(o, o->root, 0);
		return TLSH_EXIT_ERROR;
	}
	if (remote_start(url) == -1) {
		say_err();
		json_failed(o, image_arg(o), 0);
		return TLSH_EXIT_ERROR;
	}
	atexit(remote_stop);
	return -1;
}

/*
 * The rest of the command runs in the contained child (io/sandbox.h),
 * which alone reads and writes the image; this process stays outside,
 * writes the files the user named for it and the image's journal
 * (io/hostfile.h), and ends as it ends.  -1 in the child, which goes on;
 * in this process the child's exit code.
 */
static int
contain(const struct options *o, int rw, int writes)
{
	struct image_request rq;
	struct sandbox sb;
	struct span all, start;
	const char *files[5];
	size_t n = 0;
	int rc;
	pid_t pid;

	if ((remote_is_url(o->root) || o->base) &&
	    (rc = open_url(o, writes)) != -1)
		return rc;
	if (o->no_sandbox) {
		bye_setup(o);
		return -1;
	}
	/* the child cannot load the image module from inside its view */
	if (image_load(o->root) == -1) {
		say_err();
		json_failed(o, image_arg(o), 0);
		return TLSH_EXIT_ERROR;
	}
	request(o, &rq);
	rq.writable |= writes;
	if (o->undo && strcmp(o->undo, "-") != 0)
		files[n++] = o->undo;
	if (o->out && strcmp(o->out, "-") != 0)
		files[n++] = o->out;
	if (o->checklist)
		files[n++] = o->checklist;
	if (o->xccdf)
		files[n++] = o->xccdf;
	files[n] = NULL;
	trace_begin(&all);
	trace_begin(&start);
	pid = sandbox_fork(&rq, rw, o->batch ? o->memory_limit : 0, files,
	    &sb);
	/* in the child, its spans go beside sandbox-start, in contained */
	trace_end(&start, "sandbox-start", image_arg(o));
	if (pid == -1) {
		trace_drop(&all);
		say_err();
		json_failed(o, image_arg(o), 0);
		return TLSH_EXIT_ERROR;
	}
	if (pid == 0)
		return -1;
	bye_setup(o);
	rc = sandbox_wait(&sb);
	remote_stop();
	trace_end(&all, "contained", image_arg(o));
	tmp_farewell(NULL);
	/* a Ctrl-C, a kill or a closed pipe ends this process as it ended
	 * the child; any other signal is the child's failure, reported */
	if (rc == 128 + SIGINT || rc == 128 + SIGTERM || rc == 128 + SIGHUP ||
	    rc == 128 + SIGKILL || rc == 128 + SIGPIPE) {
		fflush(stdout);
		if (bye_plain[0] && rc != 128 + SIGPIPE)
			say_bye(rc - 128);
		signal(rc - 128, SIG_DFL);
		raise(rc - 128);
	}
	if (rc > 128) {
		say_code(TLSH_E_WORKER,
		    "%s: the contained process died of signal %d\n",
		    image_arg(o), rc - 128);
		rc = TLSH_EXIT_ERROR;
	}
	return rc;
}

static struct images *
open_images(const struct options *o)
{
	struct image_request rq;
	struct images *set;
	struct span sp;

	request(o, &rq);
	trace_begin(&sp);
	set = images_open(&rq);
	trace_end(&sp, "image-open", image_arg(o));
	if (set == NULL)
		say_err();
	return set;
}

/* What every command reads of an image, and its plan. */
struct prep {
	struct hive *h[HV_COUNT];
	struct facts f;
	struct plan p;
	int discarded[HV_COUNT];
};

/*
 * Hives that are not written are read on demand, and meet damage only on
 * the paths they read; the policy takes a value it could not read for an
 * absent one.  A hive found damaged stops the run with its own message,
 * not with a verdict made without the value.
 */
static int
damaged(const struct prep *x)
{
	for (int i = 0; i < HV_COUNT; i++)
		if (x->h[i] && hive_damage(x->h[i])) {
			say_code(TLSH_E_HIVE_DAMAGED, "%s\n",
			    hive_damage(x->h[i]));
			return 1;
		}
	return 0;
}

/*
 * The path every command shares: the image's hives, their facts, the
 * Default user's hive where the policy or show needs it, and the plan
 * (show's, or the policy's with flags).  Without an image (export), the
 * facts of --os, or of no particular Windows.
 */
static int
prepare_in(const struct options *o, const struct policy *pol,
    struct image *img, int flags, struct prep *x)
{
	struct strlist errs = { 0 };
	struct span sp;
	int rc = -1, r;

	if (img) {
		if (open_hives(o, pol, img, x->h, x->discarded) == -1)
			return -1;
		trace_begin(&sp);
		r = facts_read(&x->f, x->h[HV_SYSTEM], x->h[HV_SOFTWARE]);
		trace_end(&sp, "facts", NULL);
		if (r == -1) {
			if (!damaged(x))
				say_err();
			return -1;
		}
		if (open_user(o, pol, img, x->h, &x->f, x->discarded) == -1)
			return -1;
	} else if (o->os) {
		if (facts_for_os(&x->f, o->os) == -1) {
			say_err();
			return -1;
		}
	} else {
		x->f.have[HV_SYSTEM] = x->f.have[HV_SOFTWARE] = 1;
		x->f.is64 = 1;
		x->f.kbs_unknown = 1;
	}
	if (o->cmd == CMD_APPLY && x->f.build &&
	    x->f.build < MIN_SUPPORTED_BUILD) {
		say_code(TLSH_E_GATE, "%s: Windows build %u is older than "
		    "Vista / Server 2008 (build %u), which has none of the "
		    "settings tlshive writes; nothing done\n",
		    img->path[HV_SOFTWARE], x->f.build, MIN_SUPPORTED_BUILD);
		return -1;
	}
	trace_begin(&sp);
	if (o->cmd == CMD_SHOW ? plan_show(&x->p, &x->f, x->h) :
	    plan_build(&x->p, pol, &x->f, x->h, flags, &errs)) {
		trace_end(&sp, "plan", NULL);
		if (damaged(x))
			goto out;
		if (errs.n == 0)
			say_err();
		else
			print_errors(&errs, TLSH_E_GATE);
		goto out;
	}
	trace_end(&sp, "plan", NULL);
	if (damaged(x))
		goto out;
	if (strict_ignored(o, &x->p) == -1)
		goto out;
	/* said once, for the run, where the report is the document */
	if (x->p.unchecked.n) {
		struct strbuf sb = { 0 };
		for (size_t i = 0; i < x->p.unchecked.n; i++)
			sb_add(&sb, "%s%s", i ? "; " : "", x->p.unchecked.v[i]);
		say("%s: warning: %s, so the Windows version and its updates "
		    "are unknown; prerequisite checks not made: %s\n",
		    warn_subject(o), !x->f.have[HV_SOFTWARE] ? "no SOFTWARE "
		    "hive" : img ? "the SOFTWARE hive names no build" :
		    "no image and no --os", sb.s);
		free(sb.s);
	}
	rc = 0;
out:
	sl_free(&errs);
	return rc;
}

static int
prepare(const struct options *o, const struct policy *pol, struct image *img,
    int flags, struct prep *x)
{
	struct span sp;
	int rc;

	trace_begin(&sp);
	rc = prepare_in(o, pol, img, flags, x);
	trace_end(&sp, "prepare", NULL);
	return rc;
}

/*
 * TLSHIVE_TRACE=1: what reading a hive cost, for the bench and the tests
 * (a hive that is not written is read bin by bin, only on its paths).
 */
static void
trace_reads(const struct hive *h)
{
	uint64_t bytes, bins;

	if (h == NULL || !trace_on())
		return;
	hive_read_stats(h, &bytes, &bins);
	fprintf(stderr, "tlshive: trace: %s: read %llu bytes in %llu bins\n",
	    hive_path(h), (unsigned long long)bytes,
	    (unsigned long long)bins);
	if (hive_huge_kb(h) >= 0)
		fprintf(stderr, "tlshive: trace: %s: copied for writing, %ld kB "
		    "of anonymous memory on huge pages\n", hive_path(h),
		    hive_huge_kb(h));
}

static void
prep_free(struct prep *x)
{
	plan_free(&x->p);
	facts_free(&x->f);
	for (int i = 0; i < HV_COUNT; i++) {
		trace_reads(x->h[i]);
		close_hive(x->h[i]);
	}
}

/*
 * The checklist and XCCDF documents of a check, each written whole to its
 * file by this process or, contained, by the parent that allowed it.
 */
static int
write_audit(const struct options *o, const struct run *r,
    const struct image *img, time_t start)
{
	char *image, *doc;
	int rc = 0;

	if (!o->checklist && !o->xccdf)
		return 0;
	image = img->member ? xasprintf("%s image %d", image_arg(o),
	    img->member) : xstrdup(image_arg(o));
	if (o->checklist) {
		doc = ckl_render(r, image, time(NULL));
		if (hostfile_put(o->checklist, doc, strlen(doc)) == -1)
			rc = -1;
		free(doc);
	}
	if (rc == 0 && o->xccdf) {
		doc = xccdf_render(r, image, start, time(NULL));
		if (hostfile_put(o->xccdf, doc, strlen(doc)) == -1)
			rc = -1;
		free(doc);
	}
	if (rc == -1)
		say("%s\n", tlsh_errmsg());
	free(image);
	return rc;
}

static int
run_image(const struct options *o, const struct policy *pol,
    struct image *img, int compact)
{
	struct prep x = { 0 };
	struct run r = { 0 };
	struct hive_header hdrs[HV_COUNT];
	char *src = NULL, *replayed[HV_COUNT] = { NULL };
	struct pass *ps = NULL;
	size_t nps = 0, needed, nrules = 0;
	struct rule_eval *rules = NULL;
	int rc = TLSH_EXIT_ERROR, flags = o->force ? PLAN_FORCE : 0;
	time_t start = time(NULL);
	/* an auditor counts an absent value as a finding */
	int explicit_only = o->explicit_only || pol->nbench > 0;

	if (prepare(o, pol, img, flags, &x) == -1)
		goto out;
	memcpy(r.discarded_logs, x.discarded, sizeof(r.discarded_logs));
	if (plan_passes(o, pol, img, &x.f, flags, &ps, &nps) == -1)
		goto out;
	needed = x.p.nneeded;
	for (size_t i = 0; i < nps; i++) {
		if (strict_ignored(o, &ps[i].p) == -1)
			goto out;
		needed += ps[i].p.nneeded;
	}
	/* an undo file may be the only way back to an earlier state: never
	 * replaced unasked, nor written when there is nothing to undo */
	if (o->cmd == CMD_APPLY && o->undo && needed && !o->force &&
	    strcmp(o->undo, "-") != 0 && hostfile_exists(o->undo)) {
		say_code(TLSH_E_UNDO_EXISTS, "%s: the undo file exists and may be "
		    "the only way back; give another name, or --force to "
		    "replace it\n", o->undo);
		goto out;
	}
	if (o->cmd == CMD_APPLY && o->undo && !o->dry_run && needed &&
	    write_undo(o->undo, &x.p, x.h, ps, nps) == -1)
		goto out;
	if (o->cmd == CMD_APPLY && !o->dry_run && x.p.nneeded &&
	    apply_plan(&x.p, x.h, &x.f) == -1)
		goto out;
	for (size_t i = 0; i < nps; i++)
		if (o->cmd == CMD_APPLY && !o->dry_run && ps[i].p.nneeded &&
		    apply_plan(&ps[i].p, ps[i].h, &x.f) == -1)
			goto out;
	for (int i = 0; i < HV_COUNT; i++)
		if (x.h[i]) {
			hdrs[i] = *hive_header(x.h[i]);
			r.hdr[i] = &hdrs[i];
			if (hive_replayed(x.h[i]))
				replayed[i] = xstrdup(hive_replayed(x.h[i]));
			r.replayed[i] = replayed[i];
		}
	/* what the image writes on its own waits for every hive to close */
	for (size_t i = 0; i < nps; i++) {
		ps[i].hdr = *hive_header(ps[i].h[HV_USER]);
		hive_close(ps[i].h[HV_USER]);
		ps[i].h[HV_USER] = NULL;
	}
	if (o->cmd == CMD_APPLY && !o->dry_run && needed)
		for (int i = 0; i < HV_COUNT; i++)
			trace_reads(x.h[i]);
	if (o->cmd == CMD_APPLY && !o->dry_run && needed &&
	    image_done(img, x.h) == -1)
		goto out;

	src = sources_text(pol);
	r.cmd = o->cmd;
	r.img = img;
	r.f = &x.f;
	r.p = &x.p;
	r.profile = src;
	r.dry_run = o->dry_run;
	/* with other profiles, one JSON document a line, as for a WIM */
	r.compact = compact || o->batch || nps > 0;
	r.explicit_only = explicit_only;
	r.exit_zero = o->exit_zero;
	r.changed = o->cmd == CMD_APPLY && !o->dry_run && needed > 0;
	r.verbose = o->verbose;
	r.sha256 = o->sha256;
	r.conflicts = pol->conflicts.n ? &pol->conflicts : NULL;
	if (o->cmd == CMD_CHECK && pol->nrd) {
		rules_evaluate(pol, &x.p, &x.f, &rules, &nrules);
		r.rules = rules;
		r.nrules = nrules;
		r.findings = rules_noncompliant(pol, &x.p, rules, nrules,
		    explicit_only);
	}
	rc = (o->cmd == CMD_CHECK && (pol->nrd ? r.findings > 0 :
	    plan_noncompliant(&x.p, explicit_only) > 0)) ?
	    TLSH_EXIT_NONCOMPLIANT : TLSH_EXIT_OK;
	for (size_t i = 0; i < nps; i++)
		if (o->cmd == CMD_CHECK && plan_noncompliant(&ps[i].p,
		    explicit_only))
			rc = TLSH_EXIT_NONCOMPLIANT;
	if (o->cmd == CMD_CHECK && write_audit(o, &r, img, start) == -1) {
		rc = TLSH_EXIT_ERROR;
		goto out;
	}
	r.batch = o->batch;
	r.said = said();
	r.status = rc;
	progress_clear();
	if (o->json)
		report_json(stdout, &r);
	else
		report_text(stdout, &r);
	for (size_t i = 0; i < nps; i++) {
		struct run rp = r;

		memset(rp.hdr, 0, sizeof(rp.hdr));
		memset(rp.replayed, 0, sizeof(rp.replayed));
		memcpy(rp.discarded_logs, ps[i].discarded,
		    sizeof(rp.discarded_logs));
		rp.hdr[HV_USER] = &ps[i].hdr;
		rp.img = &ps[i].img;
		rp.p = &ps[i].p;
		rp.user_sid = ps[i].pr->sid;
		rp.user_path = ps[i].pr->path;
		rp.rules = NULL;
		rp.nrules = 0;
		if (o->json)
			report_json(stdout, &rp);
		else {
			printf("\n== profile %s (%s)\n", ps[i].pr->sid,
			    ps[i].pr->path);
			report_text(stdout, &rp);
		}
	}
	said_clear();
out:
	if (rc == TLSH_EXIT_ERROR)
		json_failed(o, image_arg(o), compact);
	free(src);
	rules_free(rules, nrules);
	passes_free(ps, nps);
	prep_free(&x);
	for (int i = 0; i < HV_COUNT; i++)
		free(replayed[i]);
	if (fflush(stdout) == EOF && rc != TLSH_EXIT_ERROR) {
		perror("tlshive: standard output");
		rc = TLSH_EXIT_ERROR;
	}
	return rc;
}

/*
 * Every image IMAGE holds (a WIM's, or --index N; else the one), each
 * reported on its own, then what they staged written in one go.
 */
int
cmd_run(const struct options *o)
{
	struct policy pol = { 0 };
	struct images *set = NULL;
	int rc = TLSH_EXIT_ERROR, several;
	size_t n;

	if (o->cmd != CMD_SHOW && load_policy(o, &pol) == -1) {
		json_failed(o, image_arg(o), 0);
		goto out;
	}
	/* a checklist reports rules, which only benchmark profiles have */
	if ((o->checklist || o->xccdf) && pol.nbench == 0) {
		char *src = sources_text(&pol);

		say("%s: --%s needs a benchmark profile (-p stig-iis10, "
		    "cis-iis10-l1, ...: tlshive profiles lists them); %s has "
		    "no rules\n", o->checklist ? o->checklist : o->xccdf,
		    o->checklist ? "checklist" : "xccdf", src);
		free(src);
		json_failed(o, image_arg(o), 0);
		goto out;
	}
	/* several images have their own line (batch.c); JSON readers and
	 * --quiet want none */
	if (!o->batch && !o->json && !o->quiet && isatty(STDERR_FILENO))
		progress_start();
	if ((rc = contain(o, o->cmd == CMD_APPLY, 0)) != -1)
		goto out;
	rc = TLSH_EXIT_ERROR;
	if ((set = open_images(o)) == NULL) {
		json_failed(o, image_arg(o), 0);
		goto out;
	}
	n = images_count(set);
	several = n > 1;
	/* the parent allowed one file a document, named before the WIM
	 * was opened */
	if (several && (o->checklist || o->xccdf)) {
		say("%s: a WIM of %zu images, and --%s writes one image's "
		    "results: give --index N\n", o->root, n, o->checklist ?
		    "checklist" : "xccdf");
		json_failed(o, image_arg(o), 0);
		rc = TLSH_EXIT_ERROR;
		goto out;
	}
	rc = TLSH_EXIT_OK;
	for (size_t i = 0; i < n; i++) {
		struct image *img = images_get(set, i);
		int r;

		if (several && !o->json)
			printf("%s== %s image %d%s%s\n", i ? "\n" : "",
			    img->root, img->member, img->member_name ? ": " :
			    "", img->member_name ? img->member_name : "");
		fflush(stdout);
		r = run_image(o, &pol, img, several);
		if (r > rc)
			rc = r;
	}
	if (o->cmd == CMD_APPLY && !o->dry_run && rc != TLSH_EXIT_ERROR) {
		int put = images_commit(set, o->rebuild);
		progress_clear();
		if (put == -1) {
			say_err();
			json_failed(o, o->root, several);
			rc = TLSH_EXIT_ERROR;
		} else if (put > 0 && !o->json)
			printf("%swrote %s: %d image%s changed, in one %s\n",
			    several ? "\n" : "", o->root, put, put == 1 ? "" :
			    "s", o->rebuild ? "rebuild" : "overwrite");
	}
out:
	if (set) {
		struct span sp;

		trace_begin(&sp);
		images_close(set);
		trace_end(&sp, "image-close", image_arg(o));
	}
	policy_free(&pol);
	return rc;
}

int
cmd_export(const struct options *o)
{
	struct policy pol = { 0 };
	struct images *set = NULL;
	struct image *img = NULL;
	struct prep x = { 0 };
	struct regdoc d;
	unsigned char *bytes = NULL;
	size_t len;
	int rc = TLSH_EXIT_ERROR;

	regdoc_init(&d);
	/* regedit's UTF-16LE is half NUL bytes: on a terminal it is noise
	 * that no copy and paste brings back to a .reg file */
	if (!o->utf8 && (o->out == NULL || strcmp(o->out, "-") == 0) &&
	    isatty(STDOUT_FILENO)) {
		say("standard output: a terminal, where export's UTF-16LE "
		    "would be unreadable; give -o OUT.reg, redirect it to a "
		    "file, or --utf8 for text\n");
		goto out;
	}
	if (load_policy(o, &pol) == -1)
		goto out;
	if (o->root || o->file[HV_SYSTEM] || o->file[HV_SOFTWARE]) {
		if ((rc = contain(o, 0, 0)) != -1) {
			policy_free(&pol);
			regdoc_free(&d);
			return rc;
		}
		rc = TLSH_EXIT_ERROR;
		if ((set = open_images(o)) == NULL)
			goto out;
		if (images_count(set) > 1) {
			say("%s: %zu images in it: export writes for one; give "
			    "--index N\n", o->root, images_count(set));
			goto out;
		}
		img = images_get(set, 0);
	}
	if (prepare(o, &pol, img, PLAN_LIVE | (o->force ? PLAN_FORCE : 0),
	    &x) == -1)
		goto out;
	for (size_t i = 0; i < x.p.nign; i++) {
		char *t = plan_ignored_text(&x.p, i, "Windows ignores this: ");
		if (t)
			say("%s\n", t);
		free(t);
	}
	/* the .reg is all a user sees of an export: what check and apply
	 * print with their report goes to standard error here */
	for (size_t i = 0; i < x.p.nwarn; i++)
		say("%s: warning: %s\n", warn_subject(o), x.p.warn[i].text);
	{
		char *src = sources_text(&pol);
		reg_export_header(&d, src, &x.f, &x.p, image_arg(o));
		free(src);
	}
	reg_export(&d, &x.p);
	bytes = regdoc_encode(&d, o->utf8, &len);
	if (bytes == NULL || reg_save(o->out ? o->out : "-", bytes, len) ==
	    -1) {
		say_err();
		goto out;
	}
	rc = TLSH_EXIT_OK;
out:
	free(bytes);
	regdoc_free(&d);
	prep_free(&x);
	images_close(set);
	policy_free(&pol);
	return rc;
}

/*
 * In place, the recovered pages go straight into the hive and its base
 * block is completed last: until then the hive stays dirty and the same
 * logs recover it to the same result, so no log of its own is needed.
 */
int
cmd_recover(const struct options *o)
{
	const char *hive = o->root, *out = o->out;
	int wait = o->wait;
	struct image_request rq;
	struct recovery r = { 0 };
	struct strlist notes = { 0 };
	struct commit *c = NULL;
	struct sfile *f;
	int rc;

	if ((rc = contain(o, !out, !out)) != -1)
		return rc;
	rc = TLSH_EXIT_ERROR;
	/* a disk image: finish the journal an interrupted run left */
	if (!out) {
		int done;

		request(o, &rq);
		done = image_recover(&rq);

		if (done == -1) {
			say_err();
			return TLSH_EXIT_ERROR;
		}
		if (done) {
			printf("%s: %s\n", hive, done == 1 ? "the interrupted "
			    "run's journal is written into the image" : "no "
			    "journal left: nothing to recover");
			return TLSH_EXIT_OK;
		}
	}
	if ((f = sfile_open(hive, out ? 0 : SF_WRITE | SF_LOCK |
	    (wait ? SF_WAIT : 0))) == NULL) {
		say_err();
		return TLSH_EXIT_ERROR;
	}
	if ((rc = logs_clean(f)) != 0) {
		if (rc == 1)
			printf("%s: the hive is clean: nothing to recover%s\n",
			    hive, out ? "; nothing written" : "");
		else
			say_err();
		sfile_close(f);
		return rc == 1 ? TLSH_EXIT_OK : TLSH_EXIT_ERROR;
	}
	rc = TLSH_EXIT_ERROR;
	if (logs_recover(f, &r) == -1)
		goto fail;
	if (out) {
		if (hostfile_put(out, r.data, r.len) == -1)
			goto fail;
	} else if ((c = commit_prepare(f, r.data, r.len, COMMIT_NO_LOG, NULL,
	    0)) == NULL || commit_run(&c, 1, &notes) == -1)
		goto fail;
	printf("recovered %s: %zu %s from %s applied, sequence number "
	    "%u%s; written to %s\n", hive, r.entries, r.format == LOG_NEW ?
	    "log entries" : "dirty pages", r.logs, r.seq,
	    r.base_from_log ? ", base block rebuilt from the log" : "",
	    out ? out : hive);
	rc = TLSH_EXIT_OK;
	goto out;
fail:
	say_as(tlsh_errcode(), tlsh_errtemp(), "%s; %s left as it was\n",
	    tlsh_errmsg(), hive);
	for (size_t i = 0; i < notes.n; i++)
		say("%s\n", notes.v[i]);
out:
	commit_free(c);
	sl_free(&notes);
	recovery_free(&r);
	sfile_close(f);
	return rc;
}

int
cmd_profiles(const char *name)
{
	const struct builtin_profile *b;

	if (name == NULL) {
		for (size_t i = 0; i < nbuiltin_profiles; i++) {
			char *s = profile_summary(&builtin_profiles[i]);
			printf("%-14s %s\n", builtin_profiles[i].name, s);
			free(s);
		}
		return TLSH_EXIT_OK;
	}
	if ((b = profile_builtin(name)) == NULL) {
		const char *hint = profile_suggest(name);
		if (hint)
			say("%s: no such built-in profile; did you mean "
			    "\"%s\"? 'tlshive profiles' lists them\n", name,
			    hint);
		else
			say("%s: no such built-in profile; 'tlshive profiles' "
			    "lists them\n", name);
		return TLSH_EXIT_ERROR;
	}
	fputs(b->text, stdout);
	return TLSH_EXIT_OK;
}

int
cmd_settings(int json)
{
	if (json)
		report_settings_json(stdout);
	else
		report_settings_text(stdout);
	return fflush(stdout) == EOF ? TLSH_EXIT_ERROR : TLSH_EXIT_OK;
}
