/* show, check, apply, profiles, settings: the data path, cut where each needs. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>


#include "cmd.h"
#include "commit.h"
#include "facts.h"
#include "hive.h"
#include "image.h"
#ifdef WITH_IMAGES
#include "diskimg.h"
#include "wim.h"
#endif
#include "logs.h"
#include "plan.h"
#include "profile.h"
#include "reg.h"
#include "regwrite.h"
#include "report.h"
#include "store.h"


/* What this run said on standard error since its last JSON document: a
 * run that fails with --json puts it in an error document. */
static struct strbuf said;

static void __attribute__((format(printf, 1, 2)))
say(const char *fmt, ...)
{
	va_list ap;
	char *m;

	va_start(ap, fmt);
	m = xvasprintf(fmt, ap);
	va_end(ap);
	fprintf(stderr, "tlshive: %s", m);
	sb_add(&said, "tlshive: %s", m);
	free(m);
}

/* An error document for a --json run that printed none for its failure. */
static void
json_failed(const struct options *o, const char *image, int compact)
{
	char *e = said.len ? sb_take(&said) : xstrdup("");
	size_t n = strlen(e);

	while (n && e[n - 1] == '\n')
		e[--n] = '\0';
	if (o->json)
		report_json_error(stdout, image ? image : "", e,
		    TLSH_EXIT_ERROR, compact || o->batch);
	free(e);
	memset(&said, 0, sizeof(said));
}

static void
print_errors(const struct strlist *errs)
{
	for (size_t i = 0; i < errs->n; i++)
		say("%s\n", errs->v[i]);
}

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

	if (o->cmd == CMD_APPLY && (!o->dry_run || (!img->disk && !img->wim)))
		flags |= writes ? HIVE_WRITE : HIVE_LOCK;
	if (o->discard_logs)
		flags |= HIVE_DISCARD_LOGS;
	if (o->replay_logs)
		flags |= HIVE_REPLAY_LOGS;
	return flags;
}

/*
 * Opens hive i of the image, wherever its bytes live.  With optional, a
 * hive a disk image or WIM does not hold is no error: 0 with h[i] NULL.
 */
static int
open_hive(const struct options *o, struct image *img, struct hive *h[],
    int i, int hf, int discarded[], int optional)
{
	if (img->wim) {
#ifdef WITH_IMAGES
		char *wp = xasprintf("/%s", img->rel[i]);
		struct sfile *f;

		errno = 0;
		f = wim_file(img->wim, img->wim_index, wp);
		free(wp);
		if (f == NULL && optional && errno == ENOENT)
			return 0;
		h[i] = f ? hive_open_file(f, hf) : NULL;
#endif
	} else if (img->disk) {
#ifdef WITH_IMAGES
		char *copy = xstrdup(img->rel[i]), *save = NULL;
		const char *comps[32];
		size_t n = 0;
		struct sfile *f;

		for (char *c = strtok_r(copy, "/", &save); c && n < 32;
		    c = strtok_r(NULL, "/", &save))
			comps[n++] = c;
		errno = 0;
		f = diskimg_file(img->disk, comps, n, hf & (HIVE_LOCK |
		    HIVE_WRITE) ? SF_WRITE : 0);
		free(copy);
		if (f == NULL && optional && errno == ENOENT)
			return 0;
		h[i] = f ? hive_open_file(f, hf) : NULL;
#endif
	} else
		h[i] = hive_open_at(img->name[i] ? img->dirfd[i] : -1,
		    img->name[i], img->path[i], hf);
	if (h[i] == NULL) {
		say("%s\n", tlsh_errmsg());
		return -1;
	}
	if (hive_header(h[i])->dirty) {
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

/*
 * apply copies a hive into memory for writing (hivex's write mode) at once
 * when the request has settings in it: reading it first and copying it
 * only once the plan changes it walks a changed hive twice, which made a
 * first apply on a 220 MiB SOFTWARE hive a quarter slower.  A hive the
 * request has nothing in is read and locked, and copied only if the plan
 * changes it after all.
 */
static int
open_hives(const struct options *o, const struct policy *pol,
    struct image *img, struct hive *h[], int discarded[])
{
	int writes[HV_COUNT] = { 0 };
	struct stat s0, s1;

	/* the same file twice would be locked twice and waited for forever */
	if (o->file[HV_SYSTEM] && o->file[HV_SOFTWARE] &&
	    stat(o->file[HV_SYSTEM], &s0) == 0 &&
	    stat(o->file[HV_SOFTWARE], &s1) == 0 && s0.st_dev == s1.st_dev &&
	    s0.st_ino == s1.st_ino) {
		say("%s: given as both --system and "
		    "--software (%s): one file holds one hive; give SYSTEM "
		    "to --system and SOFTWARE to --software\n",
		    o->file[HV_SOFTWARE], o->file[HV_SYSTEM]);
		return -1;
	}
	if (o->root && !img->wim && (image_is_file(o->root) ?
	    image_open_file(img, o->root, o->cmd == CMD_APPLY && !o->dry_run,
	    o->partition) : image_locate(img, o->root)) == -1) {
		say("%s\n", tlsh_errmsg());
		return -1;
	}
	if (o->cmd == CMD_APPLY)
		policy_hives(pol, writes);
	if (o->root && img->hiber == HIBER_ACTIVE) {
		int refuse = o->cmd == CMD_APPLY;
		say("%s: %sWindows is hibernated or was "
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
	if (!o->root) {
		memset(img, 0, sizeof(*img));
		for (int i = 0; i < HV_COUNT; i++)
			img->path[i] = o->file[i] ? xstrdup(o->file[i]) : NULL;
	}
	/* what an interrupted older tlshive left beside the hives: reported,
	 * then removed, before this run writes anything */
	if (o->cmd == CMD_APPLY && !o->dry_run && !img->disk && !img->wim)
		for (int i = 0; i < HV_COUNT; i++) {
			struct strlist gone = { 0 };
			int r = img->path[i] ? store_leftovers(img->path[i],
			    &gone) : 0;
			for (size_t k = 0; k < gone.n; k++)
				say("%s: removed %s beside it, left by an "
				    "interrupted tlshive run\n", img->path[i],
				    gone.v[k]);
			sl_free(&gone);
			if (r == -1) {
				say("%s\n", tlsh_errmsg());
				return -1;
			}
		}
	for (int i = 0; i < HV_USER; i++)
		if (img->path[i] && open_hive(o, img, h, i, hive_flags(o, img,
		    writes[i]), discarded, 0) == -1)
			return -1;
	/* --system/--software: the Default user's hive only by --user */
	if (!o->root && img->path[HV_USER] && open_hive(o, img, h, HV_USER,
	    hive_flags(o, img, writes[HV_USER]), discarded, 0) == -1)
		return -1;
	return 0;
}

static int
run_op(struct hive *h, const struct op *o)
{
	switch (o->kind) {
	case OP_SET:		/* its key now; the values a key at a time */
	case OP_MKKEY:
		return hive_mkkey(h, o->key);
	case OP_DELETE_VALUE:
		return hive_delete_value(h, o->key, o->name);
	case OP_DELETE_KEY:
		return hive_delete_key(h, o->key);
	}
	return -1;
}

/* What the written hive must hold for op; 0 if nothing can be said. */
static int
expect(const struct op *o, struct hive_expect *ex)
{
	static const struct regval any;

	ex->key = o->key;
	ex->name = o->name;
	switch (o->kind) {
	case OP_SET:
		ex->val = o->needed || !o->cur_present || o->under_deleted ?
		    &o->want : &o->cur;
		return 1;
	case OP_DELETE_VALUE:
		ex->val = NULL;
		return 1;
	case OP_MKKEY:
		ex->val = &any;
		return 1;
	case OP_DELETE_KEY:
		/* unless later changes put the key back */
		ex->val = NULL;
		return !o->rebuilt;
	}
	return 0;
}

/*
 * What apply does: every needed change, and below a key it deletes and
 * rebuilds, every value and key that follows, needed or not.
 */
static int
runs(const struct op *o)
{
	return o->needed || (o->under_deleted && (o->kind == OP_SET ||
	    o->kind == OP_MKKEY));
}

static int
by_key(const void *a, const void *b, void *plan)
{
	const struct plan *p = plan;
	const struct op *x = &p->ops[*(const size_t *)a];
	const struct op *y = &p->ops[*(const size_t *)b];
	int c = (int)x->hive - (int)y->hive;

	if (c == 0)
		c = strcasecmp(x->key, y->key);
	if (c == 0)
		c = *(const size_t *)a < *(const size_t *)b ? -1 : 1;
	return c;
}

/* The needed values, a key at a time (see hive_set_values), in plan order. */
static int
set_values(const struct plan *p, struct hive *h[])
{
	size_t *idx = xcalloc(p->nops + 1, sizeof(*idx)), n = 0;
	const char **names = xcalloc(p->nops + 1, sizeof(*names));
	const struct regval **vals = xcalloc(p->nops + 1, sizeof(*vals));
	int r = 0;

	for (size_t i = 0; i < p->nops; i++)
		if (runs(&p->ops[i]) && p->ops[i].kind == OP_SET)
			idx[n++] = i;
	qsort_r(idx, n, sizeof(*idx), by_key, (void *)p);
	for (size_t i = 0, j; i < n && r == 0; i = j) {
		const struct op *o = &p->ops[idx[i]];
		for (j = i; j < n && p->ops[idx[j]].hive == o->hive &&
		    strcasecmp(p->ops[idx[j]].key, o->key) == 0; j++) {
			names[j - i] = p->ops[idx[j]].name;
			vals[j - i] = &p->ops[idx[j]].want;
		}
		r = hive_set_values(h[o->hive], o->key, j - i, names, vals);
	}
	free(idx);
	free(names);
	free(vals);
	return r;
}

/*
 * Key deletions first, then value deletions, then everything that writes:
 * the plan has already settled which change wins.  Keys are made in plan
 * order, so a key takes the spelling of the first change that names it,
 * as regedit gives it; values follow a key at a time.  The changed hives
 * then go to disk together (commit.h).
 */
static int
commit(struct plan *p, struct hive *h[], const struct facts *f)
{
	static const enum op_kind phase[][2] = {
		{ OP_DELETE_KEY, OP_DELETE_KEY },
		{ OP_DELETE_VALUE, OP_DELETE_VALUE },
		{ OP_SET, OP_MKKEY }
	};
	struct hive_expect *ex[HV_COUNT] = { 0 };
	struct hive *hs[HV_COUNT];
	size_t nex[HV_COUNT] = { 0 }, n = 0;
	int changed[HV_COUNT] = { 0 }, rc = -1;
	struct strlist notes = { 0 };

	for (size_t i = 0; i < p->nops; i++)
		if (p->ops[i].needed && !changed[p->ops[i].hive]) {
			if (hive_make_writable(h[p->ops[i].hive]) == -1)
				goto fail;
			changed[p->ops[i].hive] = 1;
		}
	for (size_t ph = 0; ph < 3; ph++)
		for (size_t i = 0; i < p->nops; i++) {
			struct op *o = &p->ops[i];
			/* a key a value below it makes anyway still comes
			 * first, to give the key its spelling */
			if ((!runs(o) && o->kind != OP_MKKEY) ||
			    (o->kind != phase[ph][0] && o->kind != phase[ph][1]))
				continue;
			if (run_op(h[o->hive], o) == -1)
				goto fail;
			changed[o->hive] |= runs(o);
		}
	if (set_values(p, h) == -1)
		goto fail;
	for (int hv = 0; hv < HV_COUNT; hv++) {
		if (!changed[hv])
			continue;
		ex[n] = xcalloc(p->nops + 1, sizeof(**ex));
		for (size_t i = 0; i < p->nops; i++)
			if (p->ops[i].hive == (enum hive_id)hv &&
			    expect(&p->ops[i], &ex[n][nex[n]]))
				nex[n]++;
		hs[n++] = h[hv];
	}
	if (commit_hives(hs, n, (const struct hive_expect *const *)ex, nex,
	    facts_log_format(f), &notes) == -1)
		goto fail;
	rc = 0;
	goto out;
fail:
	say("%s\n", tlsh_errmsg());
	for (size_t i = 0; i < notes.n; i++)
		say("%s\n", notes.v[i]);
out:
	for (size_t i = 0; i < n; i++)
		free(ex[i]);
	sl_free(&notes);
	return rc;
}

/*
 * One more user profile's hive: every profile's with --users all, and the
 * one an HKEY_USERS\SID section names.  Planned with the main run, written
 * after it, reported after it.
 */
struct pass {
	const struct profile *pr;
	struct image img;		/* the run's, this profile's user slot */
	struct hive *h[HV_COUNT];	/* HV_USER only */
	struct policy pol;
	struct plan p;
	struct hive_header hdr;
	int discarded[HV_COUNT];
	char *root;			/* "HKEY_USERS\SID", for the undo file */
};

static void
passes_free(struct pass *ps, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		hive_close(ps[i].h[HV_USER]);
		plan_free(&ps[i].p);
		policy_free(&ps[i].pol);
		free(ps[i].img.path[HV_USER]);
		free(ps[i].img.rel[HV_USER]);
		free(ps[i].img.name[HV_USER]);
		if (ps[i].img.dirfd[HV_USER] > 0)
			close(ps[i].img.dirfd[HV_USER]);
		free(ps[i].root);
	}
	free(ps);
}

static int
write_undo(const char *path, const struct plan *p, struct hive *h[],
    const struct pass *ps, size_t nps)
{
	struct regdoc d;
	unsigned char *bytes;
	size_t len;
	int r;

	regdoc_init(&d);
	regdoc_comment(&d, "tlshive undo file: applying it with tlshive "
	    "restores the hives as they were before the apply that wrote it");
	r = reg_undo(&d, p, h);
	/* the other profiles' hives, each under its HKEY_USERS\SID */
	for (size_t i = 0; i < nps && r == 0; i++) {
		d.user_root = ps[i].root;
		r = reg_undo(&d, &ps[i].p, (struct hive **)ps[i].h);
		d.user_root = NULL;
	}
	if (r == -1) {
		say("%s\n", tlsh_errmsg());
		regdoc_free(&d);
		return -1;
	}
	bytes = regdoc_encode(&d, 0, &len);
	regdoc_free(&d);
	r = reg_save(path, bytes, len);
	free(bytes);
	if (r == -1)
		say("%s; nothing written\n",
		    tlsh_errmsg());
	return r;
}

/*
 * A disk image's volume is closed and its run journalled only once every
 * file of it is: the hives go first.
 */
static int
disk_commit(struct image *img, struct hive *h[])
{
#ifdef WITH_IMAGES
	for (int i = 0; i < HV_COUNT; i++) {
		hive_close(h[i]);
		h[i] = NULL;
	}
	if (diskimg_commit(img->disk) == -1) {
		say("%s\n", tlsh_errmsg());
		return -1;
	}
	return 0;
#else
	(void)img;
	(void)h;
	return -1;
#endif
}

/*
 * HKEY_CURRENT_USER offline: the Default user profile's NTUSER.DAT, which
 * every account made after the first boot starts from.  Found from the
 * directory ProfileList names for it; opened when the policy changes it,
 * and for show.
 */
static int
open_user(const struct options *o, const struct policy *pol, struct image *img,
    struct hive *h[], struct facts *f, int discarded[])
{
	int names[HV_COUNT] = { 0 }, want = o->cmd == CMD_SHOW, r;
	struct strlist gone = { 0 };

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
		say("%s\n", tlsh_errmsg());
		return -1;
	}
	if (r == 1 && o->cmd == CMD_APPLY && !o->dry_run && !img->disk &&
	    !img->wim) {
		int lr = store_leftovers(img->path[HV_USER], &gone);
		for (size_t k = 0; k < gone.n; k++)
			say("%s: removed %s beside it, left by an interrupted "
			    "tlshive run\n", img->path[HV_USER], gone.v[k]);
		sl_free(&gone);
		if (lr == -1) {
			say("%s\n", tlsh_errmsg());
			return -1;
		}
	}
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
static int
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
		x->img = *img;
		x->img.path[HV_USER] = x->img.rel[HV_USER] =
		    x->img.name[HV_USER] = NULL;
		x->img.dirfd[HV_USER] = -1;
		if ((r = image_find_user(&x->img, pr->path, f->system_root)) ==
		    -1) {
			say("%s\n", tlsh_errmsg());
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
			free(x->img.path[HV_USER]);
			free(x->img.rel[HV_USER]);
			free(x->img.name[HV_USER]);
			if (x->img.dirfd[HV_USER] > 0)
				close(x->img.dirfd[HV_USER]);
			policy_free(&x->pol);
			free(x->root);
			n--;
			continue;
		}
		if (plan_build(&x->p, &x->pol, f, x->h, flags | PLAN_PROFILE,
		    &errs) == -1) {
			print_errors(&errs);
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
	r.said = said.s;
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
	free(said.s);
	memset(&said, 0, sizeof(said));
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
		for (int i = 0; i < HV_COUNT; i++) {
			free(img.path[i]);
			free(img.rel[i]);
			free(img.name[i]);
			if (img.dirfd[i] > 0)
				close(img.dirfd[i]);
		}
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
