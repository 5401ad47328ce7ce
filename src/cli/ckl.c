/*
 * STIG Viewer checklists.  The element order and the words allowed are
 * those of STIG Viewer 2's checklist schema (schemas/ckl.xsd restates
 * them); a checklist carries identifiers and results only, never the
 * benchmark's own text (Check_Content, Fix_Text), which STIG Viewer
 * brings in when it merges the checklist with the STIG it names.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/auditxml.h"
#include "cli/ckl.h"

const char *
ckl_status(enum rule_result r)
{
	return r == RR_PASS ? "NotAFinding" : r == RR_FAIL ? "Open" :
	    r == RR_NA ? "Not_Applicable" : "Not_Reviewed";
}

const char *
ckl_role(const char *pt)
{
	/* ServerNT is any server that is not a domain controller; STIG
	 * Viewer has no word for a stand-alone one */
	if (pt == NULL)
		return "None";
	return strcasecmp(pt, "WinNT") == 0 ? "Workstation" :
	    strcasecmp(pt, "ServerNT") == 0 ? "Member Server" :
	    strcasecmp(pt, "LanmanNT") == 0 ? "Domain Controller" : "None";
}

static void
asset(struct strbuf *sb, const struct facts *f, const char *image)
{
	char *fqdn = ax_fqdn(f), *os = facts_name(f), *comment;

	sb_add(sb, "  <ASSET>\n");
	ax_elem(sb, 4, "ROLE", ckl_role(f->product_type));
	ax_elem(sb, 4, "ASSET_TYPE", "Computing");
	ax_elem(sb, 4, "HOST_NAME", ax_host_name(f));
	/* an offline image has no address of its own */
	ax_elem(sb, 4, "HOST_IP", NULL);
	ax_elem(sb, 4, "HOST_MAC", NULL);
	ax_elem(sb, 4, "HOST_FQDN", fqdn);
	comment = xasprintf("image %s: %s", image, os);
	ax_elem(sb, 4, "TARGET_COMMENT", comment);
	ax_elem(sb, 4, "TECH_AREA", NULL);
	ax_elem(sb, 4, "TARGET_KEY", NULL);
	ax_elem(sb, 4, "WEB_OR_DATABASE", "false");
	ax_elem(sb, 4, "WEB_DB_SITE", NULL);
	ax_elem(sb, 4, "WEB_DB_INSTANCE", NULL);
	sb_add(sb, "  </ASSET>\n");
	free(comment);
	free(fqdn);
	free(os);
}

static void
si_data(struct strbuf *sb, const char *name, const char *data)
{
	sb_add(sb, "        <SI_DATA>\n");
	ax_elem(sb, 10, "SID_NAME", name);
	/* STIG Viewer leaves SID_DATA out when it has nothing */
	if (data && *data)
		ax_elem(sb, 10, "SID_DATA", data);
	sb_add(sb, "        </SI_DATA>\n");
}

static void
stig_info(struct strbuf *sb, const struct benchmark_def *b)
{
	char *source = xasprintf("tlshive benchmark profile %s (%s)", b->name,
	    b->origin ? b->origin : "built in");

	sb_add(sb, "      <STIG_INFO>\n");
	/* STIG Viewer writes all eleven, in this order */
	si_data(sb, "version", b->version);
	si_data(sb, "classification", "UNCLASSIFIED");
	si_data(sb, "customname", NULL);
	si_data(sb, "stigid", b->stigid ? b->stigid : b->name);
	si_data(sb, "description", NULL);
	si_data(sb, "filename", NULL);
	si_data(sb, "releaseinfo", NULL);
	si_data(sb, "title", b->title ? b->title : b->name);
	si_data(sb, "uuid", NULL);
	si_data(sb, "notice", NULL);
	si_data(sb, "source", source);
	sb_add(sb, "      </STIG_INFO>\n");
	free(source);
}

static void
stig_data(struct strbuf *sb, const char *attr, const char *data)
{
	sb_add(sb, "        <STIG_DATA>\n");
	ax_elem(sb, 10, "VULN_ATTRIBUTE", attr);
	ax_elem(sb, 10, "ATTRIBUTE_DATA", data);
	sb_add(sb, "        </STIG_DATA>\n");
}

static void
vuln(struct strbuf *sb, const struct rule_eval *e, const char *comments)
{
	const struct rule_def *d = e->def;
	const struct benchmark_def *b = d->bench;
	struct strbuf det = { 0 };
	char *line, *ref;

	sb_add(sb, "      <VULN>\n");
	stig_data(sb, "Vuln_Num", d->id);
	stig_data(sb, "Severity", d->severity);
	if (d->xccdf)
		stig_data(sb, "Rule_ID", d->xccdf);
	if (d->ver)
		stig_data(sb, "Rule_Ver", d->ver);
	stig_data(sb, "Rule_Title", d->title ? d->title : "");
	ref = b == NULL ? xstrdup("") : b->version ? xasprintf("%s :: "
	    "Version %s", b->title ? b->title : b->name, b->version) :
	    xstrdup(b->title ? b->title : b->name);
	stig_data(sb, "STIGRef", ref);
	free(ref);
	ax_elem(sb, 8, "STATUS", ckl_status(e->result));
	line = ax_rule_summary(e);
	sb_add(&det, "%s", line);
	free(line);
	for (size_t i = 0; i < e->nv; i++) {
		line = ax_value_line(&e->v[i]);
		sb_add(&det, "\n%s", line);
		free(line);
	}
	ax_elem(sb, 8, "FINDING_DETAILS", det.s);
	free(det.s);
	ax_elem(sb, 8, "COMMENTS", comments);
	ax_elem(sb, 8, "SEVERITY_OVERRIDE", NULL);
	ax_elem(sb, 8, "SEVERITY_JUSTIFICATION", NULL);
	sb_add(sb, "      </VULN>\n");
}

char *
ckl_render(const struct run *r, const char *image, time_t when)
{
	struct strbuf sb = { 0 };
	const struct benchmark_def **seen;
	size_t nseen = 0;
	char t[32], *os = facts_name(r->f), *comments;

	ax_time(t, when);
	comments = xasprintf("tlshive %s, profile %s, image %s (%s, build %u), "
	    "checked %s from its registry hives, offline", PACKAGE_VERSION,
	    r->profile ? r->profile : "", image, os, r->f->build, t);
	sb_add(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<!--tlshive %s-->\n<CHECKLIST>\n", PACKAGE_VERSION);
	asset(&sb, r->f, image);
	sb_add(&sb, "  <STIGS>\n");
	/* one iSTIG per benchmark, in the order its first rule comes */
	seen = xcalloc(r->nrules + 1, sizeof(*seen));
	for (size_t i = 0; i < r->nrules; i++) {
		const struct benchmark_def *b = r->rules[i].def->bench;
		size_t k;

		for (k = 0; k < nseen && seen[k] != b; k++)
			;
		if (k < nseen)
			continue;
		seen[nseen++] = b;
		sb_add(&sb, "    <iSTIG>\n");
		if (b)
			stig_info(&sb, b);
		else {
			struct benchmark_def none = { .name = "tlshive" };
			stig_info(&sb, &none);
		}
		for (size_t j = i; j < r->nrules; j++)
			if (r->rules[j].def->bench == b)
				vuln(&sb, &r->rules[j], comments);
		sb_add(&sb, "    </iSTIG>\n");
	}
	sb_add(&sb, "  </STIGS>\n</CHECKLIST>\n");
	free(seen);
	free(comments);
	free(os);
	return sb_take(&sb);
}
