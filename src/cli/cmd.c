/*
 * show, check, apply, export, recover, profiles, settings: each command's
 * run, cut where each needs (cmd_open.c opens the hives, cmd_write.c
 * writes them).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>


#include "cli/cmd.h"
#include "cli/cmdint.h"
#include "regf/commit.h"
#include "policy/facts.h"
#include "regf/hive.h"
#include "io/image.h"
#ifdef WITH_IMAGES
#include "io/diskimg.h"
#include "io/wim.h"
#endif
#include "regf/logs.h"
#include "policy/plan.h"
#include "policy/plantext.h"
#include "policy/profile.h"
#include "policy/reg.h"
#include "cli/regwrite.h"
#include "cli/report.h"
#include "io/store.h"
#include "policy/verdict.h"


/*
 * What Windows ignores among the .reg changes: listed by the report, or
 * with --strict an error for each, and nothing done.
 */
static int
strict_ignored(const struct options *o, const struct plan *p)
{
	size_t n = 0;

	if (!o->strict || p->nign == 0)
		return 0;
	for (size_t i = 0; i < p->nign; i++) {
		char *t = plan_ignored_text(p, i, "Windows ignores this: ");
		if (t) {
			say("%s\n", t);
			n++;
		}
		free(t);
	}
	say("%zu change%s Windows ignores (--strict); nothing done\n", n,
	    n == 1 ? "" : "s");
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
	if (errs.n) {
		print_errors(&errs);
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
run_image(const struct options *o, const struct image *pre, int compact)
{
	struct policy pol = { 0 };
	struct image img = { 0 };
	struct hive *h[HV_COUNT] = { 0 };
	struct facts f = { 0 };
	struct plan p = { 0 };
	struct strlist errs = { 0 };
	struct run r = { 0 };
	struct hive_header hdrs[HV_COUNT];
	char *src = NULL, *replayed[HV_COUNT] = { NULL };
	struct pass *ps = NULL;
	size_t nps = 0, needed;
	struct stat st;
	int rc = TLSH_EXIT_ERROR;

	if (pre)
		img = *pre;
	if (o->cmd != CMD_SHOW && load_policy(o, &pol) == -1)
		goto out;
	if (open_hives(o, &pol, &img, h, r.discarded_logs) == -1)
		goto out;
	if (facts_read(&f, h[HV_SYSTEM], h[HV_SOFTWARE]) == -1) {
		say("%s\n", tlsh_errmsg());
		goto out;
	}
	if (open_user(o, &pol, &img, h, &f, r.discarded_logs) == -1)
		goto out;
	if (o->cmd == CMD_APPLY && f.build && f.build < MIN_SUPPORTED_BUILD) {
		say("%s: Windows build %u is older than "
		    "Vista / Server 2008 (build %u), which has none of the "
		    "settings tlshive writes; nothing done\n",
		    img.path[HV_SOFTWARE], f.build, MIN_SUPPORTED_BUILD);
		goto out;
	}
	if (o->cmd == CMD_SHOW ? plan_show(&p, &f, h) :
	    plan_build(&p, &pol, &f, h, o->force ? PLAN_FORCE : 0, &errs)) {
		if (errs.n == 0)
			sl_add(&errs, "%s", tlsh_errmsg());
		print_errors(&errs);
		goto out;
	}
	if (strict_ignored(o, &p) == -1)
		goto out;
	if (plan_passes(o, &pol, &img, &f, o->force ? PLAN_FORCE : 0, &ps,
	    &nps) == -1)
		goto out;
	needed = p.nneeded;
	for (size_t i = 0; i < nps; i++) {
		if (strict_ignored(o, &ps[i].p) == -1)
			goto out;
		needed += ps[i].p.nneeded;
	}
	/* an undo file may be the only way back to an earlier state: never
	 * replaced unasked, nor written when there is nothing to undo */
	if (o->cmd == CMD_APPLY && o->undo && needed && !o->force &&
	    strcmp(o->undo, "-") != 0 && lstat(o->undo, &st) == 0) {
		say("%s: the undo file exists and may be "
		    "the only way back; give another name, or --force to "
		    "replace it\n", o->undo);
		goto out;
	}
	if (o->cmd == CMD_APPLY && o->undo && !o->dry_run && needed &&
	    write_undo(o->undo, &p, h, ps, nps) == -1)
		goto out;
	if (o->cmd == CMD_APPLY && !o->dry_run && p.nneeded &&
	    commit(&p, h, &f) == -1)
		goto out;
	for (size_t i = 0; i < nps; i++)
		if (o->cmd == CMD_APPLY && !o->dry_run && ps[i].p.nneeded &&
		    commit(&ps[i].p, ps[i].h, &f) == -1)
			goto out;
	for (int i = 0; i < HV_COUNT; i++)
		if (h[i]) {
			hdrs[i] = *hive_header(h[i]);
			r.hdr[i] = &hdrs[i];
			if (hive_replayed(h[i]))
				replayed[i] = xstrdup(hive_replayed(h[i]));
			r.replayed[i] = replayed[i];
		}
	/* a disk image's volume is written once every hive in it is closed */
	for (size_t i = 0; i < nps; i++) {
		ps[i].hdr = *hive_header(ps[i].h[HV_USER]);
		hive_close(ps[i].h[HV_USER]);
		ps[i].h[HV_USER] = NULL;
	}
	if (img.disk && o->cmd == CMD_APPLY && !o->dry_run && needed &&
	    disk_commit(&img, h) == -1)
		goto out;

	src = sources_text(&pol);
	r.cmd = o->cmd;
	r.img = &img;
	r.f = &f;
	r.p = &p;
	r.profile = src;
	r.dry_run = o->dry_run;
	/* with other profiles, one JSON document a line, as for a WIM */
	r.compact = compact || o->batch || nps > 0;
	r.explicit_only = o->explicit_only;
	r.verbose = o->verbose;
	rc = (o->cmd == CMD_CHECK && plan_noncompliant(&p, o->explicit_only)) ?
	    TLSH_EXIT_NONCOMPLIANT : TLSH_EXIT_OK;
	for (size_t i = 0; i < nps; i++)
		if (o->cmd == CMD_CHECK && plan_noncompliant(&ps[i].p,
		    o->explicit_only))
			rc = TLSH_EXIT_NONCOMPLIANT;
	r.batch = o->batch;
	r.said = said();
	r.status = rc;
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
	if (rc == TLSH_EXIT_ERROR && o->json)
		json_failed(o, o->root ? o->root : o->file[HV_SYSTEM] ?
		    o->file[HV_SYSTEM] : o->file[HV_SOFTWARE], compact);
	free(src);
	sl_free(&errs);
	passes_free(ps, nps);
	plan_free(&p);
	facts_free(&f);
	for (int i = 0; i < HV_COUNT; i++) {
		hive_close(h[i]);
		free(replayed[i]);
	}
	if (pre) {	/* the WIM is the caller's */
		for (int i = 0; i < HV_COUNT; i++)
			image_free_hive(&img, i);
	} else
		image_free(&img);
	policy_free(&pol);
	if (fflush(stdout) == EOF && rc != TLSH_EXIT_ERROR) {
		perror("tlshive: standard output");
		rc = TLSH_EXIT_ERROR;
	}
	return rc;
}

/*
 * A WIM: every image (or --index N), each reported on its own, and the
 * changes of all of them in one overwrite of the file at the end.
 */
static int
run_wim(const struct options *o)
{
#ifdef WITH_IMAGES
	int writable = o->cmd == CMD_APPLY && !o->dry_run, rc = TLSH_EXIT_OK;
	struct wim *w = wim_open(o->root, writable);
	int n, from, to, several;

	if (w == NULL) {
		say("%s\n", tlsh_errmsg());
		json_failed(o, o->root, 0);
		return TLSH_EXIT_ERROR;
	}
	n = wim_images(w);
	if (o->index > n) {
		say("%s: --index %d: the WIM has %d "
		    "image%s\n", o->root, o->index, n, n == 1 ? "" : "s");
		json_failed(o, o->root, 0);
		wim_close(w);
		return TLSH_EXIT_ERROR;
	}
	from = o->index ? o->index : 1;
	to = o->index ? o->index : n;
	several = to > from;
	for (int i = from; i <= to; i++) {
		struct image img = { 0 };
		int r;

		img.root = (char *)o->root;	/* not freed: see run_image */
		img.wim = w;
		img.wim_index = i;
		img.wim_name = wim_image_name(w, i);
		for (int k = 0; k < HV_COUNT; k++)
			img.dirfd[k] = -1;
		for (int k = 0; k < HV_USER; k++) {
			img.rel[k] = xasprintf("Windows/System32/config/%s",
			    hive_id_name(k));
			img.path[k] = xasprintf("%s[%d]:/%s", o->root, i,
			    img.rel[k]);
		}
		if (several && !o->json)
			printf("%s== %s image %d%s%s\n", i > from ? "\n" : "",
			    o->root, i, img.wim_name ? ": " : "",
			    img.wim_name ? img.wim_name : "");
		fflush(stdout);
		r = run_image(o, &img, several);
		if (r > rc)
			rc = r;
	}
	if (writable && rc != TLSH_EXIT_ERROR) {
		int put = wim_commit(w, o->rebuild);
		if (put == -1) {
			say("%s; the WIM is as it was\n",
			    tlsh_errmsg());
			json_failed(o, o->root, several);
			rc = TLSH_EXIT_ERROR;
		} else if (put > 0 && !o->json)
			printf("%swrote %s: %d image%s changed, in one %s\n",
			    several ? "\n" : "", o->root, put, put == 1 ? "" :
			    "s", o->rebuild ? "rebuild" : "overwrite");
	}
	wim_close(w);
	return rc;
#else
	say("%s: a WIM file: this tlshive was built "
	    "without images (configure --without-images)\n", o->root);
	return TLSH_EXIT_ERROR;
#endif
}

int
cmd_run(const struct options *o)
{
	if (o->root && image_is_file(o->root) && image_is_wim(o->root))
		return run_wim(o);
	return run_image(o, NULL, 0);
}

int
cmd_export(const struct options *o)
{
	struct policy pol = { 0 };
	struct image img = { 0 };
	struct hive *h[HV_COUNT] = { 0 };
	struct facts f = { 0 };
	struct plan p = { 0 };
	struct strlist errs = { 0 };
	struct regdoc d;
	unsigned char *bytes = NULL;
	size_t len;
	int rc = TLSH_EXIT_ERROR, discarded[HV_COUNT] = { 0 };

	regdoc_init(&d);
	if (load_policy(o, &pol) == -1)
		goto out;
	if (o->root || o->file[0] || o->file[1]) {
		if (open_hives(o, &pol, &img, h, discarded) == -1)
			goto out;
		if (facts_read(&f, h[HV_SYSTEM], h[HV_SOFTWARE]) == -1) {
			say("%s\n", tlsh_errmsg());
			goto out;
		}
	} else if (o->os) {
		if (facts_for_os(&f, o->os) == -1) {
			say("%s\n", tlsh_errmsg());
			goto out;
		}
	} else {
		f.have[HV_SYSTEM] = f.have[HV_SOFTWARE] = 1;
		f.is64 = 1;
	}
	if (plan_build(&p, &pol, &f, h, PLAN_LIVE | (o->force ? PLAN_FORCE :
	    0), &errs) == -1) {
		print_errors(&errs);
		goto out;
	}
	if (strict_ignored(o, &p) == -1)
		goto out;
	for (size_t i = 0; i < p.nign; i++) {
		char *t = plan_ignored_text(&p, i, "Windows ignores this: ");
		if (t)
			say("%s\n", t);
		free(t);
	}
	{
		char *src = sources_text(&pol);
		reg_export_header(&d, src, &f, &p, o->root ? o->root :
		    o->file[HV_SYSTEM] ? o->file[HV_SYSTEM] :
		    o->file[HV_SOFTWARE]);
		free(src);
	}
	reg_export(&d, &p);
	bytes = regdoc_encode(&d, o->utf8, &len);
	if (bytes == NULL || reg_save(o->out ? o->out : "-", bytes, len) ==
	    -1) {
		say("%s\n", tlsh_errmsg());
		goto out;
	}
	rc = TLSH_EXIT_OK;
out:
	free(bytes);
	regdoc_free(&d);
	sl_free(&errs);
	plan_free(&p);
	facts_free(&f);
	for (int i = 0; i < HV_COUNT; i++)
		hive_close(h[i]);
	image_free(&img);
	policy_free(&pol);
	return rc;
}

/*
 * In place, the recovered pages go straight into the hive and its base
 * block is completed last: until then the hive stays dirty and the same
 * logs recover it to the same result, so no log of its own is needed.
 */
int
cmd_recover(const char *hive, const char *out, int wait)
{
	struct recovery r = { 0 };
	struct strlist notes = { 0 };
	struct commit *c = NULL;
	struct sfile *f;
	int rc = TLSH_EXIT_ERROR;

#ifdef WITH_IMAGES
	{
		/* a disk image: finish the journal an interrupted run left */
		unsigned char magic[4] = { 0 };
		FILE *fp = fopen(hive, "rb");
		size_t got = fp ? fread(magic, 1, 4, fp) : 0;

		if (fp)
			fclose(fp);
		if (got == 4 && memcmp(magic, "regf", 4) != 0 && !out) {
			int done = diskimg_recover(hive);
			if (done == -1) {
				say("%s\n", tlsh_errmsg());
				return TLSH_EXIT_ERROR;
			}
			printf("%s: %s\n", hive, done ? "the interrupted run's "
			    "journal is written into the image" : "no journal "
			    "left: nothing to recover");
			return TLSH_EXIT_OK;
		}
	}
#endif
	if ((f = sfile_open(hive, out ? 0 : SF_WRITE | SF_LOCK |
	    (wait ? SF_WAIT : 0))) == NULL) {
		say("%s\n", tlsh_errmsg());
		return TLSH_EXIT_ERROR;
	}
	if ((rc = logs_clean(f)) != 0) {
		if (rc == 1)
			printf("%s: the hive is clean: nothing to recover%s\n",
			    hive, out ? "; nothing written" : "");
		else
			say("%s\n", tlsh_errmsg());
		sfile_close(f);
		return rc == 1 ? TLSH_EXIT_OK : TLSH_EXIT_ERROR;
	}
	rc = TLSH_EXIT_ERROR;
	if (logs_recover(f, &r) == -1)
		goto fail;
	if (out) {
		if (store_write_new(out, r.data, r.len) == -1)
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
	say("%s; %s left as it was\n", tlsh_errmsg(),
	    hive);
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
