/* The commands' message sink (msg.h). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/msg.h"
#include "cli/report.h"

static struct strbuf kept;

void
say(const char *fmt, ...)
{
	va_list ap;
	char *m;

	va_start(ap, fmt);
	m = xvasprintf(fmt, ap);
	va_end(ap);
	fprintf(stderr, "tlshive: %s", m);
	sb_add(&kept, "tlshive: %s", m);
	free(m);
}

void
print_errors(const struct strlist *errs)
{
	for (size_t i = 0; i < errs->n; i++)
		say("%s\n", errs->v[i]);
}

const char *
said(void)
{
	return kept.s;
}

void
said_clear(void)
{
	free(kept.s);
	memset(&kept, 0, sizeof(kept));
}

void
json_failed(const struct options *o, const char *image, int compact)
{
	char *e = kept.len ? sb_take(&kept) : xstrdup("");
	size_t n = strlen(e);

	while (n && e[n - 1] == '\n')
		e[--n] = '\0';
	if (o->json)
		report_json_error(stdout, image ? image : "", e,
		    TLSH_EXIT_ERROR, compact || o->batch);
	free(e);
	memset(&kept, 0, sizeof(kept));
}
