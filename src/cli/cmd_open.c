/*
 * Opening an image's hives for a command: the machine's, the Default
 * user profile's, and the other profiles a run writes (plan_passes).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <strings.h>
#include <unistd.h>

#include "cli/cmdint.h"
#include "regf/hive.h"

/*
 * The flags a hive opens with for this command.  A dry run opens the
 * hives as apply would, locked and writable, so it meets the same
 * refusals (read-only file, another writer, dirty hive); it writes
 * nothing.  In a disk image or a WIM the volume stays read-only for it.
 */
static int
hive_flags(const struct options *o, const struct image *img, int writes)
{
	int flags = o->wait ? HIVE_WAIT : 0;

	if (o->cmd == CMD_APPLY && (!o->dry_run || image_host_files(img)))
		flags |= writes ? HIVE_WRITE : HIVE_LOCK;
	if (o->discard_logs)
		flags |= HIVE_DISCARD_LOGS;
	if (o->replay_logs)
		flags |= HIVE_REPLAY_LOGS;
	/* what only reads may read a dirty hive as Windows would load it:
	 * nothing is written, so nothing Windows recorded is lost */
	else if (o->cmd != CMD_APPLY && !o->discard_logs)
		flags |= HIVE_READ_DIRTY;
	return flags;
}

/* What a command does with a hive it only reads. */
static const char *
verb(const struct options *o)
{
	return o->cmd == CMD_SHOW ? "shown" : o->cmd == CMD_CHECK ? "checked" :
	    "read";
}

/*
 * Opens hive i of the image.  With optional, a hive a disk image or WIM
 * does not hold is no error: 0 with h[i] NULL.  -1 with the message not
 * yet said.  With HIVE_BACKGROUND in hf, hive_opened finishes the open.
 */
static int
start_hive(struct image *img, struct hive *h[], int i, int hf, int optional)
{
	errno = 0;
	h[i] = hive_open_in(img, i, hf);
	if (h[i] == NULL && optional && errno == ENOENT)
		return 0;
	return h[i] == NULL ? -1 : 0;
}

/* Waits for hive i to be open, then says what its state means. */
static int
hive_opened(const struct options *o, struct image *img, struct hive *h[],
    int i, int discarded[])
{
	if (hive_ready(h[i]) == -1) {
		say_err();
		hive_close(h[i]);
		h[i] = NULL;
		return -1;
	}
	if (hive_replayed(h[i]) && !o->replay_logs)
		say("%s: dirty hive, %s with its logs replayed in memory (%s); "
		    "run tlshive recover before writing to it\n", img->path[i],
		    verb(o), hive_replayed(h[i]));
	else if (hive_header(h[i])->dirty && !o->discard_logs)
		say("%s: warning: dirty hive, and no .LOG1/.LOG2 beside it to "
		    "replay: %s as it is, without what Windows last wrote to "
		    "its logs\n", img->path[i], verb(o));
	else if (hive_header(h[i])->dirty) {
		char *logs = hive_log_files(h[i]);
		discarded[i] = 1;
		say("%s: warning: dirty hive used "
		    "with --discard-logs: whatever Windows recorded in "
		    "its transaction logs%s%s%s since the last clean "
		    "shutdown is %s\n", img->path[i], *logs ? " (" : "",
		    logs, *logs ? ")" : "", o->cmd == CMD_APPLY ?
		    "lost when the hive is written" : "not shown");
		free(logs);
	}
	return 0;
}

static int
open_hive(const struct options *o, struct image *img, struct hive *h[],
    int i, int hf, int discarded[], int optional)
{
	if (start_hive(img, h, i, hf, optional) == -1) {
		say_err();
		return -1;
	}
	return h[i] ? hive_opened(o, img, h, i, discarded) : 0;
}

/* What an interrupted older tlshive left beside hive i, said and removed. */
static int
leftovers(struct image *img, int i)
{
	struct strlist gone = { 0 };
	int r = image_leftovers(img, i, &gone);

	for (size_t k = 0; k < gone.n; k++)
		say("%s: removed %s beside it, left by an interrupted tlshive "
		    "run\n", img->path[i], gone.v[k]);
	sl_free(&gone);
	if (r == -1)
		say_err();
	return r;
}

/*
 * apply copies a hive into memory for writing (hivex's write mode) at once
 * when the request has settings in it: reading it first and copying it
 * only once the plan changes it walks a changed hive twice, which made a
 * first apply on a 220 MiB SOFTWARE hive a quarter slower.  A hive the
 * request has nothing in is read and locked, and copied only if the plan
 * changes it after all.
 */
int
open_hives(const struct options *o, const struct policy *pol,
    struct image *img, struct hive *h[], int discarded[])
{
	int writes[HV_COUNT] = { 0 }, failed = HV_USER, errt;
	enum tlsh_errc errc;
	char *err;

	if (o->cmd == CMD_APPLY)
		policy_hives(pol, writes);
	if (img->hiber == HIBER_ACTIVE) {
		int refuse = o->cmd == CMD_APPLY;
		say_code(refuse ? TLSH_E_HIBERNATED : TLSH_E_NONE,
		    "%s: %sWindows is hibernated or was "
		    "shut down with Fast Startup (signature %s): when it resumes "
		    "from this file it throws away offline changes to the "
		    "registry and may corrupt them%s; boot it and shut it down "
		    "fully (shutdown /s /t 0), or turn hibernation off "
		    "(powercfg /h off) first\n", img->hiberfil, refuse ? "" :
		    "warning: ", img->hiber_sig, refuse ? ": nothing written" :
		    ", and the hives may be older than the running state");
		if (refuse)
			return -1;
	}
	/* what an interrupted older tlshive left beside the hives: reported,
	 * then removed, before this run writes anything */
	if (o->cmd == CMD_APPLY && !o->dry_run)
		for (int i = 0; i < HV_COUNT; i++)
			if (leftovers(img, i) == -1)
				return -1;
	/*
	 * hivex copies SYSTEM and SOFTWARE for writing at the same time
	 * (HIVE_BACKGROUND); what is said comes out as one after the other
	 * says it: each hive's state, up to the first that fails to open.
	 * Under --wait a hive is open before the next is locked, so that no
	 * lock is waited for after a hive that failed.
	 */
	for (int i = 0; i < HV_USER && failed == HV_USER; i++)
		if (img->path[i] && start_hive(img, h, i, hive_flags(o, img,
		    writes[i]) | (o->wait ? 0 : HIVE_BACKGROUND), 0) == -1)
			failed = i;
	err = failed < HV_USER ? xstrdup(tlsh_errmsg()) : NULL;
	errc = tlsh_errcode();
	errt = tlsh_errtemp();
	for (int i = 0; i < failed; i++)
		if (h[i] && hive_opened(o, img, h, i, discarded) == -1) {
			free(err);
			return -1;
		}
	if (err != NULL) {
		say_as(errc, errt, "%s\n", err);
		free(err);
		return -1;
	}
	/* --system/--software: the Default user's hive only by --user */
	if (!img->root && img->path[HV_USER] && open_hive(o, img, h, HV_USER,
	    hive_flags(o, img, writes[HV_USER]), discarded, 0) == -1)
		return -1;
	return 0;
}

/* What one pass holds; the image's other parts are the run's. */
static void
pass_free(struct pass *x)
{
	hive_close(x->h[HV_USER]);
	plan_free(&x->p);
	policy_free(&x->pol);
	image_free_hive(&x->img, HV_USER);
	free(x->root);
}

void
passes_free(struct pass *ps, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pass_free(&ps[i]);
	free(ps);
}


/*
 * HKEY_CURRENT_USER offline: the Default user profile's NTUSER.DAT, which
 * every account made after the first boot starts from.  Found from the
 * directory ProfileList names for it; opened when the policy changes it,
 * and for show.
 */
int
open_user(const struct options *o, const struct policy *pol, struct image *img,
    struct hive *h[], struct facts *f, int discarded[])
{
	int names[HV_COUNT] = { 0 }, want = o->cmd == CMD_SHOW, r;

	/* HKEY_USERS\SID sections are their profiles' (plan_passes) */
	for (size_t i = 0; i < pol->n; i++)
		names[HV_USER] |= pol->w[i].s->hive == HV_USER;
	for (size_t i = 0; i < pol->nr; i++)
		names[HV_USER] |= pol->r[i].hive == HV_USER && !pol->r[i].sid;
	want |= names[HV_USER];
	if (h[HV_USER] || !want || o->users == USERS_NONE) {
		f->have[HV_USER] = h[HV_USER] != NULL;
		return 0;
	}
	if (!o->root || f->default_profile == NULL) {
		if (!names[HV_USER])
			return 0;
		say("%s: HKEY_CURRENT_USER changes need the Default user "
		    "profile's NTUSER.DAT, and %s; give it with --user FILE, or "
		    "--users none to leave them out\n", o->root ? o->root :
		    o->file[HV_SOFTWARE] ? o->file[HV_SOFTWARE] :
		    o->file[HV_SYSTEM], !o->root ? "no image root was given" :
		    "SOFTWARE's ProfileList names no Default profile");
		return -1;
	}
	if ((r = image_find_user(img, f->default_profile, f->system_root)) ==
	    -1) {
		say_err();
		return -1;
	}
	if (r == 1 && o->cmd == CMD_APPLY && !o->dry_run &&
	    leftovers(img, HV_USER) == -1)
		return -1;
	/* in a disk image or a WIM, opening tells whether it is there */
	if (r == 1 && open_hive(o, img, h, HV_USER, hive_flags(o, img,
	    names[HV_USER]), discarded, 1) == -1)
		return -1;
	if (h[HV_USER] == NULL && names[HV_USER]) {
		say("%s: no %s in it, where ProfileList puts the Default user "
		    "profile (%s); give the hive with --user FILE, or --users "
		    "none to leave HKEY_CURRENT_USER out\n", img->root,
		    img->rel[HV_USER], f->default_profile);
		return -1;
	}
	f->have[HV_USER] = h[HV_USER] != NULL;
	return 0;
}

/*
 * The profiles with a run of their own: with --users all every one
 * ProfileList names (HKEY_CURRENT_USER changes go to each as to the
 * Default profile), and any an HKEY_USERS\SID section names.
 */
int
plan_passes(const struct options *o, const struct policy *pol,
    const struct image *img, const struct facts *f, int flags,
    struct pass **out, size_t *nout)
{
	struct pass *ps = NULL;
	size_t n = 0;
	int names[HV_COUNT], all;

	*out = NULL;
	*nout = 0;
	if (o->cmd == CMD_SHOW || o->users == USERS_NONE)
		return 0;
	policy_hives(pol, names);
	all = o->users == USERS_ALL && names[HV_USER];
	/* a SID the image has no profile for is an error, as a missing
	 * control set is */
	for (size_t i = 0; i < pol->nr; i++) {
		const struct regop *r = &pol->r[i];
		int found = 0;
		if (r->hive != HV_USER || r->sid == NULL)
			continue;
		for (size_t k = 0; k < f->nprofiles && !found; k++)
			found = strcasecmp(f->profiles[k].sid, r->sid) == 0;
		if (!found) {
			say("%s: the image has no profile %s (SOFTWARE's "
			    "ProfileList)\n", r->origin, r->sid);
			return -1;
		}
	}
	/* the profiles' hives are found under an image root only */
	for (size_t i = 0; i < pol->nr && !img->root; i++)
		if (pol->r[i].hive == HV_USER && pol->r[i].sid) {
			say("%s: HKEY_USERS\\%s needs an image root to find the "
			    "profile's hive in; give ROOT, or --user FILE with "
			    "[HKEY_CURRENT_USER] instead\n", pol->r[i].origin,
			    pol->r[i].sid);
			return -1;
		}
	if (!img->root) {
		if (all)
			say("warning: --users all: the other profiles' hives "
			    "are found under an image root only; only --user "
			    "FILE is written\n");
		return 0;
	}
	for (size_t k = 0; k < f->nprofiles; k++) {
		const struct profile *pr = &f->profiles[k];
		struct pass *x;
		struct strlist errs = { 0 };
		int r;

		ps = xrealloc(ps, (n + 1) * sizeof(*ps));
		x = &ps[n];
		memset(x, 0, sizeof(*x));
		policy_for_profile(pol, pr->sid, all, &x->pol);
		if (x->pol.n == 0 && x->pol.nr == 0) {
			policy_free(&x->pol);
			continue;
		}
		n++;
		x->pr = pr;
		x->root = xasprintf("HKEY_USERS\\%s", pr->sid);
		image_for_user(&x->img, img);
		if ((r = image_find_user(&x->img, pr->path, f->system_root)) ==
		    -1) {
			say_err();
			goto fail;
		}
		if (r == 1 && open_hive(o, &x->img, x->h, HV_USER, hive_flags(o,
		    img, 1), x->discarded, 1) == -1)
			goto fail;
		if (x->h[HV_USER] == NULL) {
			/* a profile left behind by a deleted account is
			 * passed over, unless a section names its SID */
			int named = 0;
			for (size_t i = 0; i < x->pol.nr && !named; i++)
				named = x->pol.r[i].sid != NULL;
			say("%s: %sno %s for profile %s (%s)%s\n", img->root,
			    named ? "" : "warning: ", x->img.rel[HV_USER],
			    pr->sid, pr->path, named ? "" : "; passed over");
			if (named)
				goto fail;
			pass_free(x);
			n--;
			continue;
		}
		if (plan_build(&x->p, &x->pol, f, x->h, flags | PLAN_PROFILE,
		    &errs) == -1) {
			print_errors(&errs, TLSH_E_GATE);
			sl_free(&errs);
			goto fail;
		}
	}
	*out = ps;
	*nout = n;
	return 0;
fail:
	passes_free(ps, n);
	return -1;
}

/* One image: the data path from the hives to the report. */
