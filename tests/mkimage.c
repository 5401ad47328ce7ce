/*
 * mkimage: builds Windows image layouts (ROOT/Windows/System32/config/SYSTEM
 * and SOFTWARE) for tests and the Quick start sample.  Each hive starts as
 * mkhive's empty hive and is filled through hive.c, the same code path the
 * tool writes with.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "regf/commit.h"
#include "regf/hive.h"
#include "regf/mkhive.h"
#include "regval.h"
#include "tlshive.h"

#define FILETIME_2024 133485408000000000ULL	/* 2024-01-01 00:00 UTC */

struct layout {
	const char *name, *product, *edition, *install_type, *build;
	unsigned ubr;		/* 0: no UBR value (before Windows 10) */
	const char *display_version, *csd, *version;
	unsigned major;		/* CurrentMajorVersionNumber, 0: absent */
	const char *arch, *product_type;
	unsigned current, dflt, lkg;
};

#define ALICE_SID "S-1-5-21-1111111111-2222222222-3333333333-1001"

static const struct layout layouts[] = {
	{ "2008sp2-x86", "Windows Server (R) 2008 Standard", "ServerStandard",
	  "Server", "6002", 0, NULL, "Service Pack 2", "6.0", 0, "x86",
	  "ServerNT", 1, 1, 2 },
	{ "win7-x86", "Windows 7 Professional", "Professional", "Client",
	  "7601", 0, NULL, "Service Pack 1", "6.1", 0, "x86", "WinNT",
	  1, 1, 2 },
	{ "2008r2", "Windows Server 2008 R2 Standard", "ServerStandard",
	  "Server", "7601", 0, NULL, "Service Pack 1", "6.1", 0, "AMD64",
	  "ServerNT", 1, 1, 2 },
	{ "2012", "Windows Server 2012 Standard", "ServerStandard",
	  "Server", "9200", 0, NULL, NULL, "6.2", 0, "AMD64", "ServerNT",
	  1, 1, 1 },
	{ "2012r2", "Windows Server 2012 R2 Standard", "ServerStandard",
	  "Server", "9600", 0, NULL, NULL, "6.3", 0, "AMD64", "ServerNT",
	  1, 1, 1 },
	{ "2016", "Windows Server 2016 Datacenter", "ServerDatacenter",
	  "Server", "14393", 6167, "1607", NULL, "6.3", 10, "AMD64",
	  "ServerNT", 1, 1, 1 },
	{ "2019", "Windows Server 2019 Standard", "ServerStandard",
	  "Server", "17763", 5458, "1809", NULL, "6.3", 10, "AMD64",
	  "ServerNT", 1, 1, 1 },
	{ "2022", "Windows Server 2022 Datacenter", "ServerDatacenter",
	  "Server", "20348", 2700, "21H2", NULL, "6.3", 10, "AMD64",
	  "ServerNT", 2, 2, 1 },
	{ "2025", "Windows Server 2025 Datacenter", "ServerDatacenter",
	  "Server", "26100", 1742, "24H2", NULL, "6.3", 10, "AMD64",
	  "ServerNT", 1, 1, 1 },
	{ "win10", "Windows 10 Pro", "Professional", "Client", "19045",
	  4894, "22H2", NULL, "6.3", 10, "AMD64", "WinNT", 1, 1, 1 },
	/* Windows 11 still calls itself "Windows 10" in ProductName. */
	{ "win11", "Windows 10 Pro", "Professional", "Client", "22631",
	  4460, "23H2", NULL, "6.3", 10, "AMD64", "WinNT", 1, 1, 1 },
};

static void
die(const char *what)
{
	fprintf(stderr, "mkimage: %s\n", what);
	exit(2);
}

static void
set_val(struct hive *h, const char *key, const char *name,
    struct regval *v)
{
	if (hive_set(h, key, name, v) == -1)
		die(tlsh_errmsg());
	regval_free(v);
}

static void
set_dword(struct hive *h, const char *key, const char *name, uint32_t d)
{
	struct regval v;

	regval_dword(&v, d);
	set_val(h, key, name, &v);
}

static void
set_sz(struct hive *h, const char *key, const char *name, const char *s)
{
	struct regval v;

	if (s == NULL)
		return;
	if (regval_sz(&v, s) == -1)
		die(tlsh_errmsg());
	set_val(h, key, name, &v);
}

static void
set_multi(struct hive *h, const char *key, const char *name, char *list)
{
	char *items[64], *save = NULL, *p;
	size_t n = 0;
	struct regval v;

	for (p = strtok_r(list, ",", &save); p && n < 64;
	    p = strtok_r(NULL, ",", &save))
		items[n++] = p;
	if (regval_multi_sz(&v, items, n) == -1)
		die(tlsh_errmsg());
	set_val(h, key, name, &v);
}

static void
mkdirs(const char *root)
{
	static const char *const sub[] = { "", "/Windows", "/Windows/System32",
	    "/Windows/System32/config", "/Users", "/Users/Default",
	    "/Users/alice" };

	for (size_t i = 0; i < sizeof(sub) / sizeof(*sub); i++) {
		char *p = xasprintf("%s%s", root, sub[i]);
		if (mkdir(p, 0755) == -1 && errno != EEXIST)
			die(strerror(errno));
		free(p);
	}
}

static struct hive *
new_hive(const char *path, const char *rootname)
{
	struct hive *h;

	if (mkhive_write(path, rootname, FILETIME_2024) == -1 ||
	    (h = hive_open(path, HIVE_WRITE)) == NULL)
		die(tlsh_errmsg());
	return h;
}

static void
finish(struct hive *h)
{
	if (commit_hives(&h, 1, NULL, NULL, COMMIT_LOG_AUTO, NULL) == -1)
		die(tlsh_errmsg());
	hive_close(h);
}

static void
fill_system(struct hive *h, const struct layout *l)
{
	unsigned sets[3] = { l->current, l->dflt, l->lkg };

	set_dword(h, "Select", "Current", l->current);
	set_dword(h, "Select", "Default", l->dflt);
	set_dword(h, "Select", "LastKnownGood", l->lkg);
	set_dword(h, "Select", "Failed", 0);
	for (int i = 0; i < 3; i++) {
		char *cs = xasprintf("ControlSet%03u", sets[i]), *k;

		if (hive_key_exists(h, cs) == 1) {
			free(cs);
			continue;
		}
		k = xasprintf("%s\\Control\\ProductOptions", cs);
		set_sz(h, k, "ProductType", l->product_type);
		free(k);
		k = xasprintf("%s\\Control\\Session Manager\\Environment", cs);
		set_sz(h, k, "PROCESSOR_ARCHITECTURE", l->arch);
		set_sz(h, k, "NUMBER_OF_PROCESSORS", "2");
		set_sz(h, k, "OS", "Windows_NT");
		free(k);
		/* What a stock image carries under SCHANNEL. */
		k = xasprintf("%s\\Control\\SecurityProviders\\SCHANNEL", cs);
		set_dword(h, k, "EventLogging", 1);
		free(k);
		k = xasprintf("%s\\Control\\SecurityProviders\\SCHANNEL\\"
		    "Protocols\\SSL 2.0\\Client", cs);
		set_dword(h, k, "DisabledByDefault", 1);
		free(k);
		k = xasprintf("%s\\Control\\Lsa\\FipsAlgorithmPolicy", cs);
		set_dword(h, k, "Enabled", 0);
		free(k);
		k = xasprintf("%s\\Control\\Lsa", cs);
		set_dword(h, k, "LmCompatibilityLevel", 3);
		free(k);
		/* the names a checklist's asset is given: NetBIOS in upper
		 * case, the DNS host name as typed, Domain empty in a
		 * workgroup, as Setup writes them */
		k = xasprintf("%s\\Control\\ComputerName\\ComputerName", cs);
		set_sz(h, k, "ComputerName", "GOLDEN");
		free(k);
		k = xasprintf("%s\\Services\\Tcpip\\Parameters", cs);
		set_sz(h, k, "Hostname", "golden");
		set_sz(h, k, "Domain", "");
		free(k);
		free(cs);
	}
}

static void
fill_software(struct hive *h, const struct layout *l)
{
	const char *cv = "Microsoft\\Windows NT\\CurrentVersion";
	const char *cv_pl = "Microsoft\\Windows NT\\CurrentVersion\\"
	    "ProfileList";
	int is64 = strcasecmp(l->arch, "x86") != 0;
	const char *views[] = { "", "Wow6432Node\\" };
	char *lab;

	set_sz(h, cv, "ProductName", l->product);
	set_sz(h, cv, "EditionID", l->edition);
	set_sz(h, cv, "InstallationType", l->install_type);
	set_sz(h, cv, "CurrentBuild", l->build);
	set_sz(h, cv, "CurrentBuildNumber", l->build);
	lab = xasprintf("%s.1.%sfre.tlshive_test.000000-0000", l->build,
	    is64 ? "amd64" : "x86");
	set_sz(h, cv, "BuildLabEx", lab);
	free(lab);
	set_sz(h, cv, "CurrentVersion", l->version);
	set_sz(h, cv, "CSDVersion", l->csd);
	set_sz(h, cv, "DisplayVersion", l->display_version);
	set_sz(h, cv, "SystemRoot", "C:\\Windows");
	if (l->ubr)
		set_dword(h, cv, "UBR", l->ubr);
	if (l->major) {
		set_dword(h, cv, "CurrentMajorVersionNumber", l->major);
		set_dword(h, cv, "CurrentMinorVersionNumber", 0);
	}
	for (int v = 0; v < 1 + is64; v++) {
		char *k = xasprintf("%sMicrosoft\\.NETFramework\\v4.0.30319",
		    views[v]);
		set_sz(h, k, "InstallPath", "C:\\Windows\\Microsoft.NET");
		free(k);
		k = xasprintf("%sMicrosoft\\.NETFramework\\v2.0.50727",
		    views[v]);
		set_sz(h, k, "InstallPath", "C:\\Windows\\Microsoft.NET");
		free(k);
		k = xasprintf("%sMicrosoft\\Windows\\CurrentVersion\\"
		    "Internet Settings", views[v]);
		set_sz(h, k, "ActiveXCache",
		    "C:\\Windows\\Downloaded Program Files");
		free(k);
	}
	set_sz(h, "Policies\\Microsoft\\Windows\\WindowsUpdate", "WUServer",
	    "http://wsus.example:8530");
	/* where Windows finds the profiles (REG_EXPAND_SZ on Windows) */
	set_sz(h, cv_pl, "Default", "%SystemDrive%\\Users\\Default");
	set_sz(h, cv_pl, "ProfilesDirectory", "%SystemDrive%\\Users");
	set_sz(h, cv_pl, "Public", "%SystemDrive%\\Users\\Public");
	set_sz(h, "Microsoft\\Windows NT\\CurrentVersion\\ProfileList\\"
	    "S-1-5-18", "ProfileImagePath",
	    "%systemroot%\\system32\\config\\systemprofile");
	/* one account that has logged on (its own NTUSER.DAT) */
	set_sz(h, "Microsoft\\Windows NT\\CurrentVersion\\ProfileList\\"
	    ALICE_SID, "ProfileImagePath", "C:\\Users\\alice");
}

/* The Default user profile's NTUSER.DAT: what every new account copies. */
static void
fill_user(struct hive *h)
{
	const char *is = "Software\\Microsoft\\Windows\\CurrentVersion\\"
	    "Internet Settings";

	set_dword(h, is, "CertificateRevocation", 1);
	set_dword(h, is, "WarnonZoneCrossing", 0);
	set_sz(h, "Control Panel\\International", "sShortDate", "M/d/yyyy");
}

/* Lines "HIVE|KEY|NAME|TYPE|VALUE" with TYPE dword, sz or multi. */
static void
apply_extra(struct hive *h[HV_COUNT], const char *file)
{
	FILE *f = fopen(file, "r");
	char line[4096];

	if (f == NULL)
		die(strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *save = NULL, *fields[5];
		int n = 0, id;

		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		for (char *p = strtok_r(line, "|", &save); p && n < 5;
		    p = strtok_r(NULL, "|", &save))
			fields[n++] = p;
		if (n == 4 && strcmp(fields[3], "key") == 0) {
			fields[4] = NULL;
			n = 5;
		}
		if (n != 5)
			die("extra: expected HIVE|KEY|NAME|TYPE|VALUE");
		id = strcmp(fields[0], "SYSTEM") == 0 ? HV_SYSTEM :
		    strcmp(fields[0], "USER") == 0 ? HV_USER : HV_SOFTWARE;
		if (strcmp(fields[3], "dword") == 0)
			set_dword(h[id], fields[1], fields[2],
			    (uint32_t)strtoul(fields[4], NULL, 0));
		else if (strcmp(fields[3], "sz") == 0)
			set_sz(h[id], fields[1], fields[2], fields[4]);
		else if (strcmp(fields[3], "multi") == 0)
			set_multi(h[id], fields[1], fields[2], fields[4]);
		else
			die("extra: TYPE is dword, sz or multi");
	}
	fclose(f);
}

/*
 * Marks a hive dirty the way an unclean shutdown leaves it: primary
 * sequence number ahead of the secondary.  With fix_sum the checksum is
 * recomputed (a dirty but intact base block), without it the checksum no
 * longer matches.
 */
static void
damage(const char *path, int fix_sum)
{
	unsigned char b[512];
	uint32_t x = 0;
	FILE *f = fopen(path, "r+b");

	if (f == NULL || fread(b, 1, sizeof(b), f) != sizeof(b))
		die("cannot read the base block");
	b[4]++;
	for (int i = 0; i < 127; i++)
		x ^= (uint32_t)b[4 * i] | (uint32_t)b[4 * i + 1] << 8 |
		    (uint32_t)b[4 * i + 2] << 16 | (uint32_t)b[4 * i + 3] << 24;
	if (fix_sum)
		for (int i = 0; i < 4; i++)
			b[508 + i] = (x >> (8 * i)) & 0xff;
	if (fseek(f, 0, SEEK_SET) != 0 || fwrite(b, 1, sizeof(b), f) !=
	    sizeof(b) || fclose(f) != 0)
		die("cannot write the base block");
}

int
main(int argc, char **argv)
{
	const struct layout *l = NULL;
	const char *extra = NULL;
	struct hive *h[HV_COUNT];
	char *sys, *soft, *user;
	int i = 1;

	if (argc == 4 && strcmp(argv[1], "--hive") == 0)
		return mkhive_write(argv[2], argv[3], FILETIME_2024) == -1 ?
		    (die(tlsh_errmsg()), 2) : 0;
	if (argc == 3 && strcmp(argv[1], "--dirty") == 0) {
		damage(argv[2], 1);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "--bad-checksum") == 0) {
		damage(argv[2], 0);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		for (size_t k = 0; k < sizeof(layouts) / sizeof(*layouts); k++)
			printf("%s\t%s (build %s, %s)\n", layouts[k].name,
			    layouts[k].product, layouts[k].build,
			    layouts[k].arch);
		return 0;
	}
	if (argc > 2 && strcmp(argv[1], "--extra") == 0) {
		extra = argv[2];
		i = 3;
	}
	if (argc - i != 2) {
		fprintf(stderr, "usage: mkimage [--extra FILE] LAYOUT ROOT\n"
		    "       mkimage --hive FILE ROOTKEYNAME\n"
		    "       mkimage --dirty|--bad-checksum HIVE\n"
		    "       mkimage --list\n");
		return 2;
	}
	for (size_t k = 0; k < sizeof(layouts) / sizeof(*layouts); k++)
		if (strcmp(layouts[k].name, argv[i]) == 0)
			l = &layouts[k];
	if (l == NULL)
		die("unknown layout (see --list)");
	mkdirs(argv[i + 1]);
	sys = xasprintf("%s/Windows/System32/config/SYSTEM", argv[i + 1]);
	soft = xasprintf("%s/Windows/System32/config/SOFTWARE", argv[i + 1]);
	user = xasprintf("%s/Users/Default/NTUSER.DAT", argv[i + 1]);
	h[HV_SYSTEM] = new_hive(sys, "ROOT");
	h[HV_SOFTWARE] = new_hive(soft, "ROOT");
	h[HV_USER] = new_hive(user, "$$$PROTO.HIV");
	fill_system(h[HV_SYSTEM], l);
	fill_software(h[HV_SOFTWARE], l);
	fill_user(h[HV_USER]);
	if (extra)
		apply_extra(h, extra);
	for (int k = 0; k < HV_COUNT; k++)
		finish(h[k]);
	/* alice's hive: the Default profile's, as Windows copies it */
	free(user);
	user = xasprintf("%s/Users/alice/NTUSER.DAT", argv[i + 1]);
	h[HV_USER] = new_hive(user, "$$$PROTO.HIV");
	fill_user(h[HV_USER]);
	finish(h[HV_USER]);
	free(sys);
	free(soft);
	free(user);
	return 0;
}
