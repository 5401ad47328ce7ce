/* A hand-built check run with rules (runfix.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "regval.h"
#include "runfix.h"

#define TLS10 "ControlSet001\\Control\\SecurityProviders\\SCHANNEL\\" \
	"Protocols\\TLS 1.0\\Server"

static void
value(struct rule_value *v, enum hive_id h, const char *key,
    const char *name, int current, enum rule_result res)
{
	memset(v, 0, sizeof(*v));
	v->hive = h;
	v->key = xstrdup(key);
	v->where = xstrdup(h == HV_SYSTEM ? "ControlSet001" : "");
	v->current = current;
	v->value_name = xstrdup(name);
	v->result = res;
	v->origin = xstrdup("stig-test:3");
}

void
runfix_make(struct runfix *x, int two)
{
	char *items[] = { "<a&b>\"'\x01" };

	memset(x, 0, sizeof(*x));
	x->f.computer_name = xstrdup("WEB&01");
	x->f.dns_hostname = xstrdup("web01");
	x->f.dns_domain = xstrdup("corp.example");
	x->f.product_type = xstrdup("ServerNT");
	x->f.build = 20348;
	x->f.type = OS_SERVER;
	x->f.have[HV_SYSTEM] = x->f.have[HV_SOFTWARE] = 1;
	x->b[0] = (struct benchmark_def){ .name = "stig-test",
	    .stigid = "Test_STIG", .version = "2", .title = "Test & <STIG>",
	    .origin = "stig-test:1" };
	x->b[1] = (struct benchmark_def){ .name = "cis-test",
	    .title = "CIS test", .origin = "cis-test:1" };
	x->d[0] = (struct rule_def){ .id = "V-1", .bench = &x->b[0],
	    .severity = "high", .ver = "TEST-000100", .xccdf = "SV-1r2_rule",
	    .title = "quotes \" and ' & <tags>" };
	x->d[1] = (struct rule_def){ .id = "V-2", .bench = &x->b[0],
	    .severity = "medium" };
	x->d[2] = (struct rule_def){ .id = "V-3", .bench = &x->b[0],
	    .severity = "low", .applies = "iis" };
	x->d[3] = (struct rule_def){ .id = "V-4", .bench = &x->b[0],
	    .severity = "medium" };
	x->d[4] = (struct rule_def){ .id = "7.11", .bench = &x->b[1],
	    .severity = "medium", .xccdf = "xccdf_org.cisecurity_rule_7.11" };
	/* V-1: Enabled 1 where 0 is wanted, DisabledByDefault absent */
	value(&x->v[0], HV_SYSTEM, TLS10, "Enabled", 1, RR_FAIL);
	regval_dword(&x->v[0].want, 0);
	regval_dword(&x->v[0].cur, 1);
	x->v[0].present = 1;
	value(&x->v[1], HV_SYSTEM, TLS10, "DisabledByDefault", 1, RR_FAIL);
	regval_dword(&x->v[1].want, 1);
	/* V-2: a string with what XML must escape, as the rule wants it */
	value(&x->v[2], HV_SOFTWARE, "Policies\\Test", "Text", 0, RR_PASS);
	regval_sz(&x->v[2].want, items[0]);
	regval_sz(&x->v[2].cur, items[0]);
	x->v[2].present = 1;
	/* 7.11: at least 1 */
	value(&x->v[3], HV_SYSTEM, "ControlSet001\\Control\\"
	    "SecurityProviders\\SCHANNEL\\Ciphers\\AES 256/256", "Enabled", 1,
	    RR_PASS);
	regval_dword(&x->v[3].want, 1);
	regval_dword(&x->v[3].cur, 0xffffffff);
	x->v[3].present = 1;
	x->v[3].at_least = 1;
	x->e[0] = (struct rule_eval){ .def = &x->d[0], .result = RR_FAIL,
	    .v = &x->v[0], .nv = 2, .nfail = 2 };
	x->e[1] = (struct rule_eval){ .def = &x->d[1], .result = RR_PASS,
	    .v = &x->v[2], .nv = 1 };
	x->e[2] = (struct rule_eval){ .def = &x->d[2], .result = RR_NA,
	    .reason = "IIS is not installed" };
	x->e[3] = (struct rule_eval){ .def = &x->d[3], .result =
	    RR_NOTCHECKED, .reason = "the SOFTWARE hive was not given" };
	x->e[4] = (struct rule_eval){ .def = &x->d[4], .result = RR_PASS,
	    .v = &x->v[3], .nv = 1 };
	x->img.root = "/images/web&01.qcow2";
	x->r.cmd = CMD_CHECK;
	x->r.img = &x->img;
	x->r.f = &x->f;
	x->r.profile = two ? "stig-test + cis-test" : "stig-test";
	x->r.rules = x->e;
	x->r.nrules = two ? 5 : 4;
}

void
runfix_free(struct runfix *x)
{
	for (size_t i = 0; i < 4; i++) {
		free(x->v[i].key);
		free(x->v[i].where);
		free(x->v[i].value_name);
		free(x->v[i].origin);
		regval_free(&x->v[i].want);
		regval_free(&x->v[i].cur);
	}
	facts_free(&x->f);
}

char *
runfix_texts(const char *doc, const char *name)
{
	struct strbuf sb = { 0 };
	char *open = xasprintf("<%s>", name), *close = xasprintf("</%s>",
	    name);
	const char *p = doc, *e;

	while ((p = strstr(p, open)) != NULL) {
		p += strlen(open);
		assert_non_null(e = strstr(p, close));
		sb_add(&sb, "%s%.*s", sb.len ? "|" : "", (int)(e - p), p);
		p = e;
	}
	free(open);
	free(close);
	return sb.s ? sb_take(&sb) : xstrdup("");
}

