/*
 * A check run with benchmark rules built by hand, for the checklist and
 * XCCDF writers: every result (pass, fail, not applicable, not checked),
 * values present and absent, and text that XML must escape (& < > " '
 * and a control character) in names, titles and registry data.
 */
#ifndef RUNFIX_H
#define RUNFIX_H

#include "cli/report.h"

struct runfix {
	struct run r;
	struct facts f;
	struct benchmark_def b[2];
	struct rule_def d[5];
	struct rule_eval e[5];
	struct rule_value v[6];
	struct image img;
};

/* Rules V-1 fail (2 values, one absent), V-2 pass (a REG_SZ holding
 * "<a&b>\"'" and U+0001), V-3 not applicable, V-4 not checked, all of
 * stig-test; 7.11 pass of a second benchmark, cis-test, when two. */
void runfix_make(struct runfix *, int two);
void runfix_free(struct runfix *);
/* The text of each <name> element of an XML document in document order,
 * joined by '|' (caller frees). */
char *runfix_texts(const char *doc, const char *name);

#endif
