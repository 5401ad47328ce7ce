/*
 * XCCDF 1.2 results.  A TestResult may be a results document's root
 * (NISTIR 7275r4, 6.6); its children come in the schema's order, and
 * end-time, a benchmark's href, a rule-result's result, an ident's system
 * and at least one score are required (schemas/xccdf-testresult.xsd
 * restates what is written here).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli/auditxml.h"
#include "cli/xccdf.h"

/* xccdf_X_rule_Y with no '_' in X: already an XCCDF 1.2 rule id. */
static int
is_rule_id(const char *s)
{
	const char *ns = s + 6, *u;

	if (strncmp(s, "xccdf_", 6) != 0 || (u = strchr(ns, '_')) == NULL ||
	    u == ns)
		return 0;
	return strncmp(u, "_rule_", 6) == 0 && u[6] != '\0';
}

char *
xccdf_rule_id(const struct rule_def *d)
{
	char *id, *r;

	if (d->xccdf && is_rule_id(d->xccdf))
		return ax_ncname(d->xccdf);
	/* DISA's SCAP content names its rules so; STIG Viewer's Rule_ID is
	 * the part after the namespace */
	if (d->xccdf && strncmp(d->xccdf, "SV-", 3) == 0)
		id = xasprintf("xccdf_mil.disa.stig_rule_%s", d->xccdf);
	else if (d->xccdf)
		id = xasprintf("xccdf_org.tlshive_rule_%s", d->xccdf);
	else
		id = xasprintf("xccdf_org.tlshive_rule_%s_%s", d->bench ?
		    d->bench->name : "tlshive", d->id);
	r = ax_ncname(id);
	/* the namespace part is ours and has no '_'; ax_ncname kept it */
	free(id);
	return r;
}

const char *
xccdf_result(enum rule_result r)
{
	return r == RR_PASS ? "pass" : r == RR_FAIL ? "fail" : r == RR_NA ?
	    "notapplicable" : "notchecked";
}

static void
fact(struct strbuf *sb, const char *name, const char *type, const char *v)
{
	if (v == NULL)
		return;
	sb_add(sb, "    <fact name=\"%s\" type=\"%s\">", name, type);
	ax_esc(sb, v, 0);
	sb_add(sb, "</fact>\n");
}

static void
rule_result(struct strbuf *sb, const struct rule_eval *e, const char *when)
{
	char *id = xccdf_rule_id(e->def), *line;

	sb_add(sb, "  <rule-result idref=\"");
	ax_esc(sb, id, 1);
	sb_add(sb, "\" severity=\"%s\" time=\"%s\" weight=\"1.0\">\n",
	    e->def->severity ? e->def->severity : "unknown", when);
	ax_elem(sb, 4, "result", xccdf_result(e->result));
	sb_add(sb, "    <ident system=\"urn:tlshive:rule\">");
	ax_esc(sb, e->def->id, 0);
	sb_add(sb, "</ident>\n");
	line = ax_rule_summary(e);
	sb_add(sb, "    <message severity=\"%s\">", e->result == RR_FAIL ?
	    "warning" : "info");
	ax_esc(sb, line, 0);
	sb_add(sb, "</message>\n");
	free(line);
	for (size_t i = 0; i < e->nv; i++) {
		line = ax_value_line(&e->v[i]);
		sb_add(sb, "    <message severity=\"info\">");
		ax_esc(sb, line, 0);
		sb_add(sb, "</message>\n");
		free(line);
	}
	sb_add(sb, "  </rule-result>\n");
	free(id);
}

char *
xccdf_render(const struct run *r, const char *image, time_t start,
    time_t end)
{
	struct strbuf sb = { 0 };
	const struct benchmark_def *b = NULL;
	int one = 1;
	size_t pass = 0, scored = 0;
	char ts[32], te[32], build[16], *id, *fqdn = ax_fqdn(r->f);
	char *os = facts_name(r->f), *title;

	for (size_t i = 0; i < r->nrules; i++) {
		if (i == 0)
			b = r->rules[i].def->bench;
		else if (r->rules[i].def->bench != b)
			one = 0;
		/* the flat model: each rule weighs 1, and only pass and fail
		 * count */
		pass += r->rules[i].result == RR_PASS;
		scored += r->rules[i].result == RR_PASS ||
		    r->rules[i].result == RR_FAIL;
	}
	ax_time(ts, start);
	ax_time(te, end);
	title = xasprintf("xccdf_org.tlshive_testresult_%s", r->profile &&
	    *r->profile ? r->profile : "check");
	id = ax_ncname(title);
	free(title);
	sb_add(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<TestResult xmlns=\"" XCCDF_NS "\" id=\"%s\"", id);
	sb_add(&sb, " start-time=\"%s\" end-time=\"%s\" "
	    "test-system=\"cpe:/a:tlshive:tlshive:%s\">\n", ts, te,
	    PACKAGE_VERSION);
	/* a TestResult names one benchmark at most: with several, the
	 * title and each rule's id say which */
	if (b && one) {
		char *bid = xasprintf("xccdf_org.tlshive_benchmark_%s", b->name);
		char *nb = ax_ncname(bid);

		sb_add(&sb, "  <benchmark href=\"urn:tlshive:profile:");
		ax_esc(&sb, b->name, 1);
		sb_add(&sb, "\" id=\"%s\"/>\n", nb);
		free(bid);
		free(nb);
	}
	title = xasprintf("tlshive check of %s against %s", image,
	    r->profile ? r->profile : "");
	ax_elem(&sb, 2, "title", title);
	free(title);
	ax_elem(&sb, 2, "target", ax_host_name(r->f) ? ax_host_name(r->f) :
	    image);
	sb_add(&sb, "  <target-facts>\n");
	fact(&sb, "urn:xccdf:fact:asset:identifier:host_name", "string",
	    ax_host_name(r->f));
	fact(&sb, "urn:xccdf:fact:asset:identifier:fqdn", "string", fqdn);
	fact(&sb, "urn:tlshive:fact:image", "string", image);
	fact(&sb, "urn:tlshive:fact:os", "string", os);
	snprintf(build, sizeof(build), "%u", r->f->build);
	fact(&sb, "urn:tlshive:fact:build", "number", r->f->build ? build :
	    NULL);
	fact(&sb, "urn:tlshive:fact:product_type", "string",
	    r->f->product_type);
	sb_add(&sb, "  </target-facts>\n");
	for (size_t i = 0; i < r->nrules; i++)
		rule_result(&sb, &r->rules[i], te);
	sb_add(&sb, "  <score system=\"urn:xccdf:scoring:flat\" "
	    "maximum=\"%zu\">%zu</score>\n</TestResult>\n", scored, pass);
	free(id);
	free(fqdn);
	free(os);
	return sb_take(&sb);
}
