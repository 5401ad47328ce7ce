/*
 * mklarge: makes the benchmark's large SOFTWARE-like hives.
 *
 *   mklarge SOFTWARE-HIVE NKEYS     that many Windows Installer component
 *                                   keys, through hive.c (the bench
 *                                   image: few, large cells)
 *   mklarge --real SOFTWARE-HIVE MB grown to about MB megabytes in the
 *                                   shape of a real SOFTWARE hive: many
 *                                   small keys a few levels deep, a few
 *                                   small values each
 *   mklarge --wide SOFTWARE-HIVE N  N keys side by side under Classes,
 *                                   for the tests (a list cut into
 *                                   leaves under an index root)
 *   mklarge --count HIVE            the keys (the root too) and values
 *                                   of a hive as hive.c reads them
 *                                   (TLSHIVE_HIVEX_READS=1: as hivex
 *                                   does), for the tests
 *
 * Real SOFTWARE hives are dominated by Windows Installer component keys
 * (a GUID per key, one value per product holding a file path) and COM
 * registrations.  NKEYS mode adds component keys through hivex, bucketed
 * by their first two and next two hex digits: hivex writes a new subkey
 * list for every insert and does not reuse the old one, so one key with
 * 300,000 subkeys would grow the file quadratically.
 *
 * The --real shape follows what fills a serviced Windows 10 SOFTWARE
 * hive: COM classes and interfaces (a GUID key, a default value, one or
 * two small subkeys), Windows Installer components, side-by-side winners
 * (a key and a version subkey), servicing packages and uninstall entries
 * (several values each), scheduled tasks (small binary values).  Real
 * parents such as Classes\CLSID hold thousands of subkeys; here each
 * family is cut into two levels of parents of at most 16 subkeys each
 * (FAMILY\NNNN\NN\entry), the shape it had when hivex grew it: a parent
 * of F subkeys added one by one leaves about 4 F^2 bytes of discarded
 * lists behind, and with 16 the file is nearly 90% live cells (200 left
 * 40%; a real hive has some free cells, not a majority).
 *
 * --real writes the hive bins itself (regfgrow.c) rather than through
 * hivex, which holds the whole hive in memory and rewrites a parent's
 * list for every key: grown through hive.c in rounds, each committed,
 * 127 MB took 76 s on the 2-core machine at load 2 (867 s at load 10 to
 * 16), and at 1270 MB the second round had not ended after 90 minutes,
 * with 2.3 GB of RSS.  Written bin by bin, the same shape takes 0.63 s
 * at 127 MB and 8.7 s at 1270 MB (medians of 5 at load 4; 0.62 s and
 * 8.1 s at best), in 19 MB of RSS, the same bytes every run.  What
 * hivex made, it keeps: a new key shares its parent's security cell
 * (whose reference count grows by one), has no class name and has its
 * parent's time; the lists a parent discards as it gains keys one by one
 * stay behind as free cells (GROW_LIST_GARBAGE), so the file is 87% live
 * cells, as before.  Its cells are as long as the format needs; hivex's
 * are up to 8 bytes longer (its structures count a byte of the name), so
 * at a given size there are about 3% more keys than there were.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "regf/commit.h"
#include "regf/hive.h"
#include "regval.h"
#include "tlshive.h"
#include "regfgrow.h"

static unsigned long long state = 88172645463325252ULL;

static unsigned
rnd(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return (unsigned)state;
}

static void
set_sz(struct hive *h, const char *key, const char *name, const char *s)
{
	struct regval v;

	if (regval_sz(&v, s) == -1 || hive_set(h, key, name, &v) == -1) {
		fprintf(stderr, "mklarge: %s\n", tlsh_errmsg());
		exit(2);
	}
	regval_free(&v);
}

static struct grow *grow;

static void
die(void)
{
	fprintf(stderr, "mklarge: %s\n", tlsh_errmsg());
	grow_abort(grow);
	exit(2);
}

static struct gkey *
key(struct gkey *parent, const char *fmt, ...)
{
	char name[256];
	struct gkey *k;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	if ((k = grow_key(grow, parent, name)) == NULL)
		die();
	return k;
}

static void
val(struct gkey *k, const char *name, struct regval *v)
{
	if (grow_value(grow, k, name, v->type, v->data, v->len) == -1)
		die();
	regval_free(v);
}

static void
done(struct gkey *k)
{
	if (grow_close(grow, k) == -1)
		die();
}

static void
sz(struct regval *v, const char *fmt, unsigned a, unsigned b)
{
	char s[300];

	snprintf(s, sizeof(s), fmt, a, b);
	if (regval_sz(v, s) == -1)
		die();
}

static void
bin(struct regval *v, size_t len)
{
	v->type = 3;		/* REG_BINARY */
	v->len = len;
	v->data = xmalloc(len);
	for (size_t i = 0; i < len; i++)
		v->data[i] = (unsigned char)rnd();
}

static void
guid(char *s, size_t n)
{
	unsigned a = rnd(), b = rnd(), c = rnd(), d = rnd();

	snprintf(s, n, "{%08X-%04X-%04X-%04X-%04X%08X}", a, b >> 16,
	    b & 0xffff, c >> 16, c & 0xffff, d);
}

/*
 * The families of a real SOFTWARE hive, how often each entry comes, and
 * the family's open keys: its own and the two levels of parents.
 */
static struct family {
	const char *path;
	unsigned weight;
	unsigned long count;
	struct gkey *top, *mid, *low;
} families[] = {
	{ "Classes\\CLSID", 22, 0, NULL, NULL, NULL },
	{ "Classes\\Interface", 18, 0, NULL, NULL, NULL },
	{ "WOW6432Node\\Classes\\CLSID", 8, 0, NULL, NULL, NULL },
	{ "Microsoft\\Windows\\CurrentVersion\\Installer\\UserData\\"
	    "S-1-5-18\\Components", 20, 0, NULL, NULL, NULL },
	{ "Microsoft\\Windows\\CurrentVersion\\SideBySide\\Winners", 14, 0,
	    NULL, NULL, NULL },
	{ "Microsoft\\Windows\\CurrentVersion\\Component Based "
	    "Servicing\\Packages", 10, 0, NULL, NULL, NULL },
	{ "Microsoft\\Windows\\CurrentVersion\\Uninstall", 3, 0, NULL, NULL,
	    NULL },
	{ "Microsoft\\Windows NT\\CurrentVersion\\Schedule\\TaskCache\\"
	    "Tasks", 5, 0, NULL, NULL, NULL },
};
#define NFAM (sizeof(families) / sizeof(families[0]))

/* The parent of a family's next entry: FAMILY\NNNN\NN, 16 a level. */
static struct gkey *
parent_of(struct family *fm)
{
	unsigned long n = fm->count++;

	if (fm->top == NULL && (fm->top = grow_path(grow, fm->path)) == NULL)
		die();
	if (n % 16 == 0) {
		if (fm->low)
			done(fm->low);
		if (n % 256 == 0) {
			if (fm->mid)
				done(fm->mid);
			fm->mid = key(fm->top, "%04lX", n / 256);
		}
		fm->low = key(fm->mid, "%02lX", n / 16 % 16);
	}
	return fm->low;
}

/* One entry of a randomly chosen family, with its subkeys and values. */
static void
real_entry(void)
{
	unsigned w = rnd() % 100, f = 0, a, b, c, d;
	struct gkey *parent, *k, *s;
	char g[48], name[48];
	struct regval v;

	while (f + 1 < NFAM && w >= families[f].weight)
		w -= families[f++].weight;
	parent = parent_of(&families[f]);
	guid(g, sizeof(g));
	switch (f) {
	case 0:
	case 2:		/* a COM class */
		k = key(parent, "%s", g);
		sz(&v, "Component%08X Class", rnd(), 0);
		val(k, "", &v);
		s = key(k, "InprocServer32");
		sz(&v, "%%SystemRoot%%\\System32\\comp%05u.dll",
		    rnd() % 100000, 0);
		val(s, "", &v);
		sz(&v, rnd() % 2 ? "Both" : "Apartment", 0, 0);
		val(s, "ThreadingModel", &v);
		done(s);
		if (rnd() % 2) {
			s = key(k, "ProgID");
			sz(&v, "Component%08X.Object.%u", rnd(), 1);
			val(s, "", &v);
			done(s);
		}
		if (rnd() % 4 == 0) {
			s = key(k, "Implemented Categories");
			guid(name, sizeof(name));
			done(key(s, "%s", name));
			done(s);
		}
		done(k);
		break;
	case 1:		/* an interface */
		k = key(parent, "%s", g);
		sz(&v, "IComponent%08X", rnd(), 0);
		val(k, "", &v);
		s = key(k, "ProxyStubClsid32");
		sz(&v, "{%08X-0000-0000-C000-0000000000%02X}", rnd() % 16, 70);
		val(s, "", &v);
		done(s);
		if (rnd() % 2) {
			s = key(k, "NumMethods");
			sz(&v, "%u", 3 + rnd() % 20, 0);
			val(s, "", &v);
			done(s);
		}
		done(k);
		break;
	case 3: {	/* an installer component: one path per product */
		unsigned n = 1 + (rnd() % 4 == 0);

		a = rnd(), b = rnd(), c = rnd(), d = rnd();
		k = key(parent, "%08X%08X%08X%08X", a, b, c, d);
		for (unsigned i = 0; i < n; i++) {
			a = rnd(), b = rnd(), c = rnd(), d = rnd();
			snprintf(name, sizeof(name), "%08X%08X%08X%08X", a, b,
			    c, d);
			a = rnd(), b = rnd();
			sz(&v, "C:\\Windows\\System32\\component%08x\\"
			    "library%u.dll", a, b % 1000);
			val(k, name, &v);
		}
		done(k);
		break;
	}
	case 4:		/* a side-by-side winner and its version */
		a = rnd(), b = rnd();
		k = key(parent, "amd64_microsoft-windows-comp%05u_"
		    "31bf3856ad364e35_none_%08x", a % 100000, b);
		s = key(k, "10.0");
		sz(&v, "10.0.19041.%u", rnd() % 5000, 0);
		val(s, "", &v);
		snprintf(name, sizeof(name), "10.0.19041.%u", rnd() % 5000);
		bin(&v, 1);
		val(s, name, &v);
		done(s);
		done(k);
		break;
	case 5: {	/* a servicing package */
		static const char *const pn[] = { "CurrentState", "InstallClient",
		    "InstallLocation", "InstallName", "InstallTimeHigh",
		    "InstallTimeLow", "InstallUser", "SelfUpdate", "Visibility" };
		unsigned kb = 4000000 + rnd() % 1000000;

		k = key(parent, "Package_for_KB%u~31bf3856ad364e35~amd64~~"
		    "10.0.1.%u", kb, rnd() % 9000);
		for (unsigned i = 0; i < 9; i++) {
			if (i == 0 || i == 4 || i == 5 || i == 7 || i == 8)
				regval_dword(&v, rnd() % 0x80);
			else
				sz(&v, i == 2 ? "\\\\?\\C:\\Windows\\"
				    "SoftwareDistribution\\Download\\%08x" :
				    i == 3 ? "Package_for_KB%u.mum" :
				    i == 1 ? "UpdateAgentLCU" : "S-1-5-18", kb,
				    0);
			val(k, pn[i], &v);
		}
		s = key(k, "Owners");
		regval_dword(&v, 0x20070);
		val(s, "Package_for_RollupFix", &v);
		done(s);
		done(k);
		break;
	}
	case 6: {	/* an uninstall entry */
		static const char *const un[] = { "DisplayName", "Publisher",
		    "DisplayVersion", "InstallDate", "UninstallString",
		    "EstimatedSize", "NoModify", "NoRepair" };

		k = key(parent, "%s", g);
		for (unsigned i = 0; i < 8; i++) {
			if (i >= 5)
				regval_dword(&v, rnd() % 100000);
			else {
				a = rnd(), b = rnd();
				sz(&v, i == 4 ? "MsiExec.exe /X{%08X-%04X}" :
				    "Product value %08X %u", a, b % 0xffff);
			}
			val(k, un[i], &v);
		}
		done(k);
		break;
	}
	default:	/* a scheduled task */
		k = key(parent, "%s", g);
		a = rnd(), b = rnd();
		sz(&v, "\\Microsoft\\Windows\\Task%08X\\Run%u", a, b % 10);
		val(k, "Path", &v);
		bin(&v, 32);
		val(k, "Hash", &v);
		regval_dword(&v, 0x10002);
		val(k, "Schema", &v);
		bin(&v, 80 + rnd() % 200);
		val(k, "Triggers", &v);
		bin(&v, 60 + rnd() % 150);
		val(k, "Actions", &v);
		bin(&v, 28);
		val(k, "DynamicInfo", &v);
		done(k);
		break;
	}
}

/* The new hive in place, and what was added said in one line the tests read. */
static int
finish(const char *path, unsigned long entries)
{
	uint64_t keys, values;
	struct stat st;

	grow_counts(grow, &keys, &values);
	if (grow_finish(grow) == -1) {
		grow = NULL;
		die();
	}
	if (stat(path, &st) == -1) {
		fprintf(stderr, "mklarge: %s: %s\n", path, strerror(errno));
		return 2;
	}
	fprintf(stderr, "mklarge: %s: %lu entries, %llu keys and %llu values "
	    "added, %lld bytes\n", path, entries, (unsigned long long)keys,
	    (unsigned long long)values, (long long)st.st_size);
	return 0;
}

/*
 * Entries until the file is within half a percent of the size asked
 * for; the lists of the keys still open, written at the end, add less
 * than that (a few kB a family and level).
 */
static int
grow_real(const char *path, long long want)
{
	unsigned long entries = 0;

	if ((grow = grow_open(path, GROW_LIST_GARBAGE)) == NULL)
		die();
	while ((long long)grow_size(grow) < want - want / 200) {
		real_entry();
		entries++;
	}
	return finish(path, entries);
}

/*
 * N keys side by side under Classes, as a real hive keeps its file types
 * and ProgIDs there: past 507 a subkey list is cut into leaves under an
 * index root, which the --real shape (16 keys a parent) needs only for
 * its families' own keys at several hundred MB.  For the tests.
 */
static int
grow_wide(const char *path, long n)
{
	struct gkey *top;
	struct regval v;

	if ((grow = grow_open(path, 0)) == NULL ||
	    (top = grow_path(grow, "Classes")) == NULL)
		die();
	for (long i = 0; i < n; i++) {
		unsigned a = rnd();
		struct gkey *k = key(top, "Component%08X.Object.%ld", a, i);

		sz(&v, "Component %08X", a, 0);
		val(k, "", &v);
		done(k);
	}
	return finish(path, (unsigned long)n);
}

static int
count_visit(void *ctx, const char *key, const char *name,
    const struct regval *v)
{
	unsigned long long *n = ctx;

	(void)key;
	(void)v;
	n[name != NULL]++;
	return 0;
}

/* Every key (the root too) and value of a hive, as hive.c reads them. */
static int
count(const char *path)
{
	unsigned long long n[2] = { 0, 0 };
	struct hive *h;

	if ((h = hive_open(path, 0)) == NULL || hive_walk(h, "", count_visit,
	    n) != 0) {
		fprintf(stderr, "mklarge: %s\n", tlsh_errmsg());
		return 2;
	}
	hive_close(h);
	printf("%llu keys, %llu values\n", n[0], n[1]);
	return 0;
}

int
main(int argc, char **argv)
{
	static const char *const base = "Microsoft\\Windows\\CurrentVersion\\"
	    "Installer\\UserData\\S-1-5-18\\Components";
	static const char *const dirs[] = { "Program Files\\Common Files",
	    "Windows\\System32", "Windows\\WinSxS\\amd64_microsoft-windows",
	    "Program Files (x86)\\Microsoft Office\\root\\Office16" };
	struct hive *h;
	long n;

	if (argc == 4 && strcmp(argv[1], "--real") == 0 &&
	    (n = atol(argv[3])) > 0)
		return grow_real(argv[2], (long long)n << 20);
	if (argc == 4 && strcmp(argv[1], "--wide") == 0 &&
	    (n = atol(argv[3])) > 0)
		return grow_wide(argv[2], n);
	if (argc == 3 && strcmp(argv[1], "--count") == 0)
		return count(argv[2]);
	if (argc != 3 || (n = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: mklarge SOFTWARE-HIVE NKEYS\n"
		    "       mklarge --real SOFTWARE-HIVE MB\n"
		    "       mklarge --wide SOFTWARE-HIVE NKEYS\n"
		    "       mklarge --count HIVE\n");
		return 2;
	}
	if ((h = hive_open(argv[1], HIVE_WRITE)) == NULL) {
		fprintf(stderr, "mklarge: %s\n", tlsh_errmsg());
		return 2;
	}
	for (long i = 0; i < n; i++) {
		char key[256], prod[40], path[300];
		unsigned a = rnd(), b = rnd(), c = rnd(), d = rnd();
		int vals = 1 + (rnd() % 4 == 0);

		snprintf(key, sizeof(key), "%s\\%02X\\%02X\\%08X%08X%08X%06X",
		    base, a >> 24, (a >> 16) & 0xff, a, b, c, d & 0xffffff);
		for (int v = 0; v < vals; v++) {
			unsigned p = rnd(), q = rnd();
			snprintf(prod, sizeof(prod), "%08X%08X%08X%08X", p, q,
			    p ^ q, q * 7);
			snprintf(path, sizeof(path), "C:\\%s\\component%08x\\"
			    "library%u.dll", dirs[rnd() % 4], rnd(), rnd() % 1000);
			set_sz(h, key, prod, path);
		}
		if (i % 50000 == 0 && i)
			fprintf(stderr, "mklarge: %ld keys\n", i);
	}
	if (commit_hives(&h, 1, NULL, NULL, COMMIT_LOG_AUTO, NULL) == -1) {
		fprintf(stderr, "mklarge: %s\n", tlsh_errmsg());
		return 2;
	}
	hive_close(h);
	return 0;
}
