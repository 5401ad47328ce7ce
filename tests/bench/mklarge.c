/*
 * mklarge: makes the benchmark's large SOFTWARE-like hive, through the same
 * hive.c code the tool uses.  Real SOFTWARE hives are dominated by Windows
 * Installer component keys (a GUID per key, one value per product holding
 * a file path) and COM registrations; this grows an image's SOFTWARE hive
 * with N component keys of that shape, bucketed by their first two and
 * next two hex digits: hivex writes a new subkey list for every insert and
 * does not reuse the old one, so one key with 300,000 subkeys would grow
 * the file quadratically.
 *
 *   mklarge SOFTWARE-HIVE NKEYS     that many component keys (the bench
 *                                   image: few, large cells)
 *   mklarge --real SOFTWARE-HIVE MB grown to about MB megabytes in the
 *                                   shape of a real SOFTWARE hive: many
 *                                   small keys a few levels deep, a few
 *                                   small values each
 *
 * The --real shape follows what fills a serviced Windows 10 SOFTWARE
 * hive: COM classes and interfaces (a GUID key, a default value, one or
 * two small subkeys), Windows Installer components, side-by-side winners
 * (a key and a version subkey), servicing packages and uninstall entries
 * (several values each), scheduled tasks (small binary values).  Keys are
 * added with hivex's own calls, so each new key shares its parent's
 * security cell (hivex_node_add_child reuses the parent's sk and counts a
 * reference) and has no class name, as hivex writes keys.  Real parents
 * such as Classes\CLSID hold thousands of subkeys; here each family is
 * cut into two levels of parents of at most 16 subkeys each, for the same
 * reason as above: a parent of F subkeys leaves about 4 F^2 bytes of
 * discarded lists behind, and with 16 the file is nearly 90% live cells
 * (200 left 40%; a real hive has some free cells, not a majority).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "regf/commit.h"
#include "regf/hive.h"
#include "regval.h"
#include "tlshive.h"

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

static void
set_values(struct hive *h, const char *key, size_t n, const char **names,
    struct regval *vals)
{
	const struct regval *vp[16];

	for (size_t i = 0; i < n; i++)
		vp[i] = &vals[i];
	if ((n ? hive_set_values(h, key, n, names, vp) :
	    hive_mkkey(h, key)) == -1) {
		fprintf(stderr, "mklarge: %s\n", tlsh_errmsg());
		exit(2);
	}
	for (size_t i = 0; i < n; i++)
		regval_free(&vals[i]);
}

static void
sz(struct regval *v, const char *fmt, unsigned a, unsigned b)
{
	char s[300];

	snprintf(s, sizeof(s), fmt, a, b);
	if (regval_sz(v, s) == -1) {
		fprintf(stderr, "mklarge: %s\n", tlsh_errmsg());
		exit(2);
	}
}

static void
bin(struct regval *v, size_t len)
{
	v->type = 3;		/* REG_BINARY */
	v->len = len;
	v->data = malloc(len);
	if (v->data == NULL)
		exit(2);
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

/* The families of a real SOFTWARE hive and how often each entry comes. */
static const struct family {
	const char *path;
	unsigned weight;
} families[] = {
	{ "Classes\\CLSID", 22 },
	{ "Classes\\Interface", 18 },
	{ "WOW6432Node\\Classes\\CLSID", 8 },
	{ "Microsoft\\Windows\\CurrentVersion\\Installer\\UserData\\"
	    "S-1-5-18\\Components", 20 },
	{ "Microsoft\\Windows\\CurrentVersion\\SideBySide\\Winners", 14 },
	{ "Microsoft\\Windows\\CurrentVersion\\Component Based "
	    "Servicing\\Packages", 10 },
	{ "Microsoft\\Windows\\CurrentVersion\\Uninstall", 3 },
	{ "Microsoft\\Windows NT\\CurrentVersion\\Schedule\\TaskCache\\"
	    "Tasks", 5 },
};
#define NFAM (sizeof(families) / sizeof(families[0]))

/* One entry of a randomly chosen family, with its subkeys and values. */
static void
real_entry(struct hive *h)
{
	static unsigned long count[NFAM];
	unsigned w = rnd() % 100, f = 0;
	char key[512], sub[600], g[48];
	const char *names[16];
	struct regval v[16];

	while (f + 1 < NFAM && w >= families[f].weight)
		w -= families[f++].weight;
	snprintf(key, sizeof(key), "%s\\%04lX\\%02lX", families[f].path,
	    count[f] / 256, count[f] / 16 % 16);
	count[f]++;
	guid(g, sizeof(g));
	switch (f) {
	case 0:
	case 2:		/* a COM class */
		strncat(key, "\\", sizeof(key) - strlen(key) - 1);
		strncat(key, g, sizeof(key) - strlen(key) - 1);
		names[0] = "";
		sz(&v[0], "Component%08X Class", rnd(), 0);
		set_values(h, key, 1, names, v);
		snprintf(sub, sizeof(sub), "%s\\InprocServer32", key);
		names[1] = "ThreadingModel";
		sz(&v[0], "%%SystemRoot%%\\System32\\comp%05u.dll",
		    rnd() % 100000, 0);
		sz(&v[1], rnd() % 2 ? "Both" : "Apartment", 0, 0);
		set_values(h, sub, 2, names, v);
		if (rnd() % 2) {
			snprintf(sub, sizeof(sub), "%s\\ProgID", key);
			sz(&v[0], "Component%08X.Object.%u", rnd(), 1);
			set_values(h, sub, 1, names, v);
		}
		if (rnd() % 4 == 0) {
			snprintf(sub, sizeof(sub), "%s\\Implemented "
			    "Categories\\", key);
			guid(sub + strlen(sub), sizeof(sub) - strlen(sub));
			set_values(h, sub, 0, names, v);
		}
		break;
	case 1:		/* an interface */
		strncat(key, "\\", sizeof(key) - strlen(key) - 1);
		strncat(key, g, sizeof(key) - strlen(key) - 1);
		names[0] = "";
		sz(&v[0], "IComponent%08X", rnd(), 0);
		set_values(h, key, 1, names, v);
		snprintf(sub, sizeof(sub), "%s\\ProxyStubClsid32", key);
		sz(&v[0], "{%08X-0000-0000-C000-0000000000%02X}", rnd() % 16,
		    70);
		set_values(h, sub, 1, names, v);
		if (rnd() % 2) {
			snprintf(sub, sizeof(sub), "%s\\NumMethods", key);
			sz(&v[0], "%u", 3 + rnd() % 20, 0);
			set_values(h, sub, 1, names, v);
		}
		break;
	case 3: {	/* an installer component: one path per product */
		unsigned n = 1 + (rnd() % 4 == 0), a = rnd(), b = rnd();
		char prod[8][40];

		snprintf(sub, sizeof(sub), "\\%08X%08X%08X%08X", a, b, rnd(),
		    rnd());
		strncat(key, sub, sizeof(key) - strlen(key) - 1);
		for (unsigned i = 0; i < n; i++) {
			snprintf(prod[i], sizeof(prod[i]), "%08X%08X%08X%08X",
			    rnd(), rnd(), rnd(), rnd());
			names[i] = prod[i];
			sz(&v[i], "C:\\Windows\\System32\\component%08x\\"
			    "library%u.dll", rnd(), rnd() % 1000);
		}
		set_values(h, key, n, names, v);
		break;
	}
	case 4: {	/* a side-by-side winner and its version */
		unsigned a = rnd();

		snprintf(sub, sizeof(sub), "\\amd64_microsoft-windows-comp%05u_"
		    "31bf3856ad364e35_none_%08x", a % 100000, rnd());
		strncat(key, sub, sizeof(key) - strlen(key) - 1);
		snprintf(sub, sizeof(sub), "%s\\10.0", key);
		names[0] = "";
		sz(&v[0], "10.0.19041.%u", rnd() % 5000, 0);
		snprintf(g, sizeof(g), "10.0.19041.%u", rnd() % 5000);
		names[1] = g;
		bin(&v[1], 1);
		set_values(h, sub, 2, names, v);
		break;
	}
	case 5: {	/* a servicing package */
		static const char *const pn[] = { "CurrentState", "InstallClient",
		    "InstallLocation", "InstallName", "InstallTimeHigh",
		    "InstallTimeLow", "InstallUser", "SelfUpdate", "Visibility" };
		unsigned kb = 4000000 + rnd() % 1000000;

		snprintf(sub, sizeof(sub), "\\Package_for_KB%u~31bf3856ad364e35"
		    "~amd64~~10.0.1.%u", kb, rnd() % 9000);
		strncat(key, sub, sizeof(key) - strlen(key) - 1);
		for (unsigned i = 0; i < 9; i++) {
			names[i] = pn[i];
			if (i == 0 || i == 4 || i == 5 || i == 7 || i == 8)
				regval_dword(&v[i], rnd() % 0x80);
			else
				sz(&v[i], i == 2 ? "\\\\?\\C:\\Windows\\"
				    "SoftwareDistribution\\Download\\%08x" :
				    i == 3 ? "Package_for_KB%u.mum" :
				    i == 1 ? "UpdateAgentLCU" : "S-1-5-18", kb,
				    0);
		}
		set_values(h, key, 9, names, v);
		snprintf(sub, sizeof(sub), "%s\\Owners", key);
		names[0] = "Package_for_RollupFix";
		regval_dword(&v[0], 0x20070);
		set_values(h, sub, 1, names, v);
		break;
	}
	case 6: {	/* an uninstall entry */
		static const char *const un[] = { "DisplayName", "Publisher",
		    "DisplayVersion", "InstallDate", "UninstallString",
		    "EstimatedSize", "NoModify", "NoRepair" };

		strncat(key, "\\", sizeof(key) - strlen(key) - 1);
		strncat(key, g, sizeof(key) - strlen(key) - 1);
		for (unsigned i = 0; i < 8; i++) {
			names[i] = un[i];
			if (i >= 5)
				regval_dword(&v[i], rnd() % 100000);
			else
				sz(&v[i], i == 4 ? "MsiExec.exe /X{%08X-%04X}" :
				    "Product value %08X %u", rnd(), rnd() % 0xffff);
		}
		set_values(h, key, 8, names, v);
		break;
	}
	default: {	/* a scheduled task */
		static const char *const tn[] = { "Path", "Hash", "Schema",
		    "Triggers", "Actions", "DynamicInfo" };

		strncat(key, "\\", sizeof(key) - strlen(key) - 1);
		strncat(key, g, sizeof(key) - strlen(key) - 1);
		for (unsigned i = 0; i < 6; i++)
			names[i] = tn[i];
		sz(&v[0], "\\Microsoft\\Windows\\Task%08X\\Run%u", rnd(),
		    rnd() % 10);
		bin(&v[1], 32);
		regval_dword(&v[2], 0x10002);
		bin(&v[3], 80 + rnd() % 200);
		bin(&v[4], 60 + rnd() % 150);
		bin(&v[5], 28);
		set_values(h, key, 6, names, v);
		break;
	}
	}
}

static long long
file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/*
 * Entries are added in rounds, each committed, until the file reaches
 * the size asked for: how much an entry costs on disk (cells, hbin
 * headers, the subkey lists hivex leaves behind) is measured on the first
 * round rather than guessed.
 */
static int
grow_real(const char *path, long long want)
{
	double per = 1000;	/* bytes per entry, until measured */
	long long size = file_size(path);

	for (int round = 0; round < 6 && size >= 0 && size < want * 99 / 100;
	    round++) {
		long n = (long)((double)(want - size) / per);
		struct hive *h;
		long long was = size;

		if (round == 0)
			n /= 2;
		if (n < 1)
			n = 1;
		if ((h = hive_open(path, HIVE_WRITE)) == NULL)
			break;
		for (long i = 0; i < n; i++)
			real_entry(h);
		if (commit_hives(&h, 1, NULL, NULL, COMMIT_LOG_AUTO,
		    NULL) == -1)
			break;
		hive_close(h);
		size = file_size(path);
		per = (double)(size - was) / (double)n;
		fprintf(stderr, "mklarge: %ld entries, %lld MB, %.0f bytes "
		    "each\n", n, size >> 20, per);
		if (per <= 0)
			break;
	}
	if (size < 0 || size < want * 99 / 100) {
		fprintf(stderr, "mklarge: %s: %s\n", path, size < 0 ?
		    "cannot stat" : tlsh_errmsg());
		return 2;
	}
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
	if (argc != 3 || (n = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: mklarge SOFTWARE-HIVE NKEYS\n"
		    "       mklarge --real SOFTWARE-HIVE MB\n");
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
