/* Fixture helpers shared by the unit tests. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "regf/mkhive.h"
#include "regval.h"
#include "tlshive.h"

/* Every fixture of a test program lives in one directory, removed when the
 * program ends: a test that fails half-way leaves nothing behind either.
 * Only the process that made it removes it, not a child that exits. */
static char *fixture_top;
static pid_t fixture_owner;

static void
fixture_cleanup(void)
{
	if (fixture_top != NULL && getpid() == fixture_owner)
		fixture_rmrf(fixture_top);
}

char *
fixture_dir(void)
{
	static unsigned n;
	char *d;

	if (fixture_top == NULL) {
		const char *t = getenv("TMPDIR");

		fixture_top = xasprintf("%s/tlshive-unit-XXXXXX",
		    t != NULL && *t != '\0' ? t : "/tmp");
		assert_non_null(mkdtemp(fixture_top));
		fixture_owner = getpid();
		assert_int_equal(atexit(fixture_cleanup), 0);
	}
	d = xasprintf("%s/%u", fixture_top, n++);
	assert_int_equal(mkdir(d, 0700), 0);
	return d;
}

char *
fixture_hive(char **dir)
{
	char *p;

	*dir = fixture_dir();
	p = xasprintf("%s/SYSTEM", *dir);
	assert_int_equal(mkhive_write(p, "ROOT", 1), 0);
	return p;
}

char *
fixture_image(const char *layout, const char *extra)
{
	const char *mk = getenv("MKIMAGE");
	char *dir = fixture_dir(), *root = xasprintf("%s/img", dir), *cmd;
	char *ex = NULL;

	if (mk == NULL)
		mk = "./tests/mkimage";
	if (extra) {
		ex = xasprintf("%s/extra", dir);
		assert_int_equal(fixture_write(ex, extra, strlen(extra)), 0);
	}
	cmd = xasprintf("'%s' %s%s%s %s '%s'", mk, ex ? "--extra '" : "",
	    ex ? ex : "", ex ? "'" : "", layout, root);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(ex);
	free(dir);
	return root;
}

void
fixture_image_rm(const char *root)
{
	char *dir = xstrdup(root);

	fixture_rmrf(root);
	*strrchr(dir, '/') = '\0';		/* fixture_dir's, made for it */
	rmdir(dir);
	free(dir);
}

char *
fixture_path(const char *root, const char *hive)
{
	return xasprintf("%s/Windows/System32/config/%s", root, hive);
}

void
fixture_rmrf(const char *dir)
{
	char *cmd = xasprintf("chmod -R u+w '%s' 2>/dev/null; rm -rf '%s'",
	    dir, dir);

	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	free(cmd);
}

char *
fixture_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = xmalloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

int
fixture_write(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL)
		return -1;
	if (fwrite(data, 1, len, f) != len) {
		fclose(f);
		return -1;
	}
	return fclose(f);
}

int
fixture_walk_text(void *ctx, const char *key, const char *name,
    const struct regval *val)
{
	struct strbuf *sb = ctx;

	sb_add(sb, "[%s]", key);
	if (name != NULL) {
		sb_add(sb, " \"%s\" %u:", name, val->type);
		for (size_t i = 0; i < val->len; i++)
			sb_add(sb, "%02x", val->data[i]);
	}
	sb_add(sb, "\n");
	return 0;
}
