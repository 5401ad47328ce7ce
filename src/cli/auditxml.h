/*
 * What the checklist (.ckl) and XCCDF writers share: XML text escaped by
 * hand (tlshive links no XML library, tests/cli/imgload.sh), a rule
 * value's line for an auditor, the asset's names, and times.
 */
#ifndef AUDITXML_H
#define AUDITXML_H

#include <time.h>

#include "policy/facts.h"
#include "policy/rules.h"
#include "tlshive.h"

/*
 * s as XML character data (attr 0) or an attribute value (attr 1): the
 * five markup characters as entities; a control character XML 1.0 cannot
 * carry as its Unicode control picture (U+2400 + c); a byte that is not
 * well-formed UTF-8, and U+FFFE/U+FFFF, as U+FFFD.  Tab, line feed and
 * carriage return stay in text (CR as &#13;, which a parser would fold)
 * and become references in an attribute, whose value a parser normalizes.
 */
void ax_esc(struct strbuf *, const char *s, int attr);
/* <name>text</name> on its own line, indented; NULL text: <name></name>. */
void ax_elem(struct strbuf *, int indent, const char *name,
    const char *text);
/*
 * One value as an auditor reads it:
 * "HKLM\SYSTEM\ControlSet001\...\Server\Enabled (CurrentControlSet):
 * 0x00000001 (1), expected 0x00000000 (0): fail".
 */
char *ax_value_line(const struct rule_value *);
/* The rule's first line: "fail: 2 of 8 values fail", or the reason. */
char *ax_rule_summary(const struct rule_eval *);
/* The host name (NetBIOS, else DNS), the FQDN, or NULL. */
const char *ax_host_name(const struct facts *);
char *ax_fqdn(const struct facts *);
/* xs:dateTime in UTC: "2026-12-05T00:30:00Z". */
void ax_time(char buf[32], time_t);
/* s with every character outside [A-Za-z0-9._-] made '_' (an NCName's
 * tail, as XCCDF ids need). */
char *ax_ncname(const char *s);

#endif
