/* XML escaping and the lines the checklist and XCCDF writers share. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/auditxml.h"
#include "regval.h"

/* The length of the well-formed UTF-8 sequence at s and its code point,
 * or 0 (overlong forms and encoded surrogates are not well-formed). */
static size_t
utf8_at(const unsigned char *s, uint32_t *cp)
{
	size_t n;
	uint32_t c, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2, c = s[0] & 0x1f, min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3, c = s[0] & 0x0f, min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4, c = s[0] & 0x07, min = 0x10000;
	} else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

void
ax_esc(struct strbuf *sb, const char *s, int attr)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		uint32_t c;
		size_t n = utf8_at(p, &c);

		if (n == 0) {
			sb_add(sb, "\xef\xbf\xbd");
			p++;
			continue;
		}
		switch (c) {
		case '&': sb_add(sb, "&amp;"); break;
		case '<': sb_add(sb, "&lt;"); break;
		case '>': sb_add(sb, "&gt;"); break;
		case '"': sb_add(sb, "&quot;"); break;
		case '\'': sb_add(sb, "&apos;"); break;
		case '\r': sb_add(sb, "&#13;"); break;
		case '\t':
		case '\n':
			if (attr)
				sb_add(sb, "&#%u;", (unsigned)c);
			else
				sb_add(sb, "%c", (char)c);
			break;
		default:
			/* XML 1.0 has no way to carry C0 controls, not even as
			 * references: the registry's text may hold them */
			if (c < 0x20)
				sb_add(sb, "\xe2\x90%c", (char)(0x80 + c));
			else if (c == 0xfffe || c == 0xffff)
				sb_add(sb, "\xef\xbf\xbd");
			else
				sb_add(sb, "%.*s", (int)n, (const char *)p);
		}
		p += n;
	}
}

void
ax_elem(struct strbuf *sb, int indent, const char *name, const char *text)
{
	sb_add(sb, "%*s<%s>", indent, "", name);
	if (text)
		ax_esc(sb, text, 0);
	sb_add(sb, "</%s>\n", name);
}

static const char *
root_of(enum hive_id h)
{
	/* the Default profile's NTUSER.DAT is every new user's
	 * HKEY_CURRENT_USER */
	return h == HV_SYSTEM ? "HKLM\\SYSTEM" : h == HV_SOFTWARE ?
	    "HKLM\\SOFTWARE" : "HKCU (Default profile)";
}

static const char *
result_word(enum rule_result r)
{
	return r == RR_PASS ? "pass" : r == RR_FAIL ? "fail" : r == RR_NA ?
	    "not applicable" : "not checked";
}

char *
ax_value_line(const struct rule_value *v)
{
	struct strbuf sb = { 0 };
	char *want = regval_format(&v->want), *cur;

	sb_add(&sb, "%s\\%s\\%s", root_of(v->hive), v->key, v->value_name);
	if (v->current)
		sb_add(&sb, " (CurrentControlSet)");
	/* a view is in the key already (Wow6432Node); say it for people */
	else if (v->where && *v->where && strstr(v->key, v->where) == NULL)
		sb_add(&sb, " (%s)", v->where);
	if (v->present) {
		cur = regval_format(&v->cur);
		sb_add(&sb, ": %s", cur);
		free(cur);
	} else
		sb_add(&sb, ": absent");
	sb_add(&sb, ", expected %s%s%s", v->at_least ? "at least " :
	    v->nonzero ? "non-zero, written as " : "", want, v->absent_ok ?
	    " or absent" : "");
	sb_add(&sb, ": %s", result_word(v->result));
	free(want);
	return sb_take(&sb);
}

char *
ax_rule_summary(const struct rule_eval *e)
{
	if (e->result == RR_NA || e->result == RR_NOTCHECKED)
		return xasprintf("%s: %s", result_word(e->result), e->reason ?
		    e->reason : "no reason given");
	if (e->result == RR_FAIL)
		return xasprintf("fail: %zu of %zu value%s fail%s", e->nfail,
		    e->nv, e->nv == 1 ? "" : "s", e->nfail == 1 ? "s" : "");
	return xasprintf("pass: %zu value%s as the rule reads %s", e->nv,
	    e->nv == 1 ? "" : "s", e->nv == 1 ? "it" : "them");
}

const char *
ax_host_name(const struct facts *f)
{
	return f->computer_name ? f->computer_name : f->dns_hostname;
}

char *
ax_fqdn(const struct facts *f)
{
	const char *h = f->dns_hostname ? f->dns_hostname : f->computer_name;

	if (h == NULL)
		return NULL;
	return f->dns_domain ? xasprintf("%s.%s", h, f->dns_domain) :
	    xstrdup(h);
}

void
ax_time(char buf[32], time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

char *
ax_ncname(const char *s)
{
	char *r = xstrdup(s);

	for (char *p = r; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
		    *p == '-'))
			*p = '_';
	return r;
}
