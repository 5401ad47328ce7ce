/* show, check, apply, profiles, settings: the data path, cut where each needs. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cmd.h"
#include "facts.h"
#include "hive.h"
#include "image.h"
#include "plan.h"
#include "profile.h"
#include "report.h"

/* The oldest build tlshive writes to: Windows Vista / Server 2008. */
#define MIN_APPLY_BUILD 6000

static void
print_errors(const struct strlist *errs)
{
	for (size_t i = 0; i < errs->n; i++)
		fprintf(stderr, "tlshive: %s\n", errs->v[i]);
}

static int
load_policy(const struct options *o, struct policy *pol)
{
	struct strlist errs = { 0 };
	int have_p = 0;

	for (size_t i = 0; i < o->npargs; i++)
		have_p |= !o->pargs[i].is_set;
	if (!have_p)
		policy_add_profile(pol, DEFAULT_PROFILE, &errs);
	for (size_t i = 0; i < o->npargs; i++) {
		if (o->pargs[i].is_set) {
			if (policy_add_set(pol, o->pargs[i].arg, &errs) == 0)
				sl_add(&pol->sources, "--set");
		} else
			policy_add_profile(pol, o->pargs[i].arg, &errs);
	}
	if (errs.n) {
		print_errors(&errs);
		fprintf(stderr, "tlshive: %zu error%s in the profile; nothing "
		    "done\n", errs.n, errs.n == 1 ? "" : "s");
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
open_hives(const struct options *o, struct image *img, struct hive *h[],
    int discarded[])
{
	int flags = (o->cmd == CMD_APPLY && !o->dry_run) ? HIVE_WRITE : 0;

	if (o->root && image_locate(img, o->root) == -1) {
		fprintf(stderr, "tlshive: %s\n", tlsh_errmsg());
		return -1;
	}
	if (!o->root) {
		memset(img, 0, sizeof(*img));
		for (int i = 0; i < HV_COUNT; i++)
			img->path[i] = o->file[i] ? xstrdup(o->file[i]) : NULL;
	}
	if (o->discard_logs)
		flags |= HIVE_DISCARD_LOGS;
	for (int i = 0; i < HV_COUNT; i++) {
		if (img->path[i] == NULL)
			continue;
		if ((h[i] = hive_open(img->path[i], flags)) == NULL) {
			fprintf(stderr, "tlshive: %s\n", tlsh_errmsg());
			return -1;
		}
		if (hive_header(h[i])->dirty) {
			char *logs = hive_log_files(h[i]);
			discarded[i] = 1;
			fprintf(stderr, "tlshive: %s: warning: dirty hive used "
			    "with --discard-logs: whatever Windows recorded in "
			    "its transaction logs%s%s%s since the last clean "
			    "shutdown is %s\n", img->path[i], *logs ? " (" : "",
			    logs, *logs ? ")" : "", o->cmd == CMD_APPLY ?
			    "lost when the hive is written" : "not shown");
			free(logs);
		}
	}
	return 0;
}

/* Stage every changed hive, then publish them together. */
static int
commit(struct plan *p, struct hive *h[])
{
	struct hive_expect *ex = xcalloc(p->nops, sizeof(*ex));
	int changed[HV_COUNT] = { 0 }, rc = 0;

	for (size_t i = 0; i < p->nops; i++) {
		struct op *op = &p->ops[i];
		struct target *t = &p->t[op->target];
		if (!op->needed)
			continue;
		if (hive_set(h[t->s->hive], t->key, op->name, &op->want) == -1)
			goto fail;
		changed[t->s->hive] = 1;
	}
	for (int hv = 0; hv < HV_COUNT; hv++) {
		size_t n = 0;
		if (!changed[hv])
			continue;
		for (size_t i = 0; i < p->nops; i++) {
			struct op *op = &p->ops[i];
			struct target *t = &p->t[op->target];
			int idx = strcmp(op->name, t->s->value) == 0 ? 0 : 1;
			if (t->s->hive != (enum hive_id)hv)
				continue;
			ex[n].key = t->key;
			ex[n].name = op->name;
			ex[n].val = op->needed ? &op->want : &t->cur[idx];
			n++;
		}
		if (hive_stage(h[hv], ex, n) == -1)
			goto fail;
	}
	for (int hv = 0; hv < HV_COUNT; hv++)
		if (changed[hv] && hive_publish(h[hv]) == -1)
			goto fail;
	free(ex);
	return rc;
fail:
	fprintf(stderr, "tlshive: %s\n", tlsh_errmsg());
	for (int hv = 0; hv < HV_COUNT; hv++)
		if (h[hv])
			hive_unstage(h[hv]);
	free(ex);
	return -1;
}

int
cmd_run(const struct options *o)
{
	struct policy pol = { 0 };
	struct image img = { 0 };
	struct hive *h[HV_COUNT] = { 0 };
	struct facts f = { 0 };
	struct plan p = { 0 };
	struct strlist errs = { 0 };
	struct run r = { 0 };
	char *src = NULL;
	int rc = TLSH_EXIT_ERROR;

	if (o->cmd != CMD_SHOW && load_policy(o, &pol) == -1)
		goto out;
	if (open_hives(o, &img, h, r.discarded_logs) == -1)
		goto out;
	if (facts_read(&f, h[HV_SYSTEM], h[HV_SOFTWARE]) == -1) {
		fprintf(stderr, "tlshive: %s\n", tlsh_errmsg());
		goto out;
	}
	if (o->cmd == CMD_APPLY && f.build && f.build < MIN_APPLY_BUILD) {
		fprintf(stderr, "tlshive: %s: Windows build %u is older than "
		    "Vista / Server 2008 (build %u), which has none of the "
		    "settings tlshive writes; nothing done\n",
		    img.path[HV_SOFTWARE], f.build, MIN_APPLY_BUILD);
		goto out;
	}
	if (o->cmd == CMD_SHOW ? plan_show(&p, &f, h) :
	    plan_build(&p, &pol, &f, h, &errs)) {
		if (errs.n == 0)
			sl_add(&errs, "%s", tlsh_errmsg());
		print_errors(&errs);
		goto out;
	}
	if (o->cmd == CMD_APPLY && !o->dry_run && p.nneeded &&
	    commit(&p, h) == -1)
		goto out;

	src = sources_text(&pol);
	r.cmd = o->cmd;
	r.img = &img;
	for (int i = 0; i < HV_COUNT; i++)
		r.hdr[i] = h[i] ? hive_header(h[i]) : NULL;
	r.f = &f;
	r.p = &p;
	r.profile = src;
	r.dry_run = o->dry_run;
	if (o->json)
		report_json(stdout, &r);
	else
		report_text(stdout, &r);
	rc = (o->cmd == CMD_CHECK && p.nneeded) ? TLSH_EXIT_NONCOMPLIANT :
	    TLSH_EXIT_OK;
out:
	free(src);
	sl_free(&errs);
	plan_free(&p);
	facts_free(&f);
	for (int i = 0; i < HV_COUNT; i++)
		hive_close(h[i]);
	image_free(&img);
	policy_free(&pol);
	if (fflush(stdout) == EOF && rc != TLSH_EXIT_ERROR) {
		perror("tlshive: standard output");
		rc = TLSH_EXIT_ERROR;
	}
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
		fprintf(stderr, "tlshive: %s: no such built-in profile; "
		    "'tlshive profiles' lists them\n", name);
		return TLSH_EXIT_ERROR;
	}
	fputs(b->text, stdout);
	return TLSH_EXIT_OK;
}

int
cmd_settings(int json)
{
	json_object *a = json ? json_object_new_array() : NULL;

	for (size_t i = 0; i < nsettings; i++) {
		const struct setting *s = &settings[i];
		char *path = xasprintf("%s%s\\%s", s->hive == HV_SYSTEM ?
		    "ControlSet00N\\" : "", s->key, s->value);

		if (json) {
			json_object *o = json_object_new_object();
			json_object_object_add(o, "name",
			    json_object_new_string(s->name));
			json_object_object_add(o, "group", s->group ?
			    json_object_new_string(s->group) : NULL);
			json_object_object_add(o, "hive",
			    json_object_new_string(hive_id_name(s->hive)));
			json_object_object_add(o, "path",
			    json_object_new_string(path));
			json_object_object_add(o, "kind",
			    json_object_new_string(setting_kind_name(s->kind)));
			json_object_object_add(o, "states",
			    json_object_new_string(setting_states(s)));
			json_object_object_add(o, "wow6432node",
			    json_object_new_boolean(s->flags & SF_WOW64));
			json_object_object_add(o, "min_build", s->min_build ?
			    json_object_new_int64(s->min_build) : NULL);
			json_object_object_add(o, "help",
			    json_object_new_string(s->help));
			json_object_array_add(a, o);
		} else
			printf("%s\t%s\t%s\t%s\t%s\n", s->name,
			    hive_id_name(s->hive), path, setting_states(s),
			    s->help);
		free(path);
	}
	if (json) {
		printf("%s\n", json_object_to_json_string_ext(a,
		    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
		    JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(a);
	}
	return TLSH_EXIT_OK;
}
