/* OS facts read offline, and the control sets that CurrentControlSet stands for. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "regval.h"

#include "policy/facts.h"
#include "policy/table.h"
#include "regf/logs.h"


static char *
get_sz(struct hive *h, const char *key, const char *name)
{
	struct regval v;
	char *s = NULL;

	if (hive_get(h, key, name, &v) == 1) {
		s = regval_get_sz(&v);
		regval_free(&v);
	}
	return s;
}

static int
get_dword(struct hive *h, const char *key, const char *name, unsigned *out)
{
	struct regval v;
	uint32_t d;
	int ok = 0;

	if (hive_get(h, key, name, &v) == 1) {
		ok = regval_get_dword(&v, &d);
		if (ok)
			*out = d;
		regval_free(&v);
	}
	return ok;
}

char *
facts_cset_name(unsigned n)
{
	return xasprintf("ControlSet%03u", n);
}

const char *
facts_type_name(enum os_type t)
{
	return t == OS_CLIENT ? "client" : t == OS_SERVER ? "server" :
	    "unknown";
}

static void
add_cset(struct facts *f, unsigned n)
{
	if (n == 0)
		return;
	for (size_t i = 0; i < f->ncsets; i++)
		if (f->csets[i] == n)
			return;
	f->csets[f->ncsets++] = n;
}

/*
 * FIPS mode in the control set cs: on where FipsAlgorithmPolicy\Enabled is
 * a non-zero DWORD, off where it is 0 or absent (the policy's default,
 * "Disabled").  The Schannel registry page names an entry
 * FIPSAlgorithmPolicy of Lsa itself instead; set there while Enabled is
 * not on, or Enabled not a DWORD, the pages leave it unknown.
 */
static int
read_fips(struct hive *h, const char *cs)
{
	char *key = xasprintf("%s\\" FIPS_KEY, cs);
	struct regval v;
	uint32_t d = 0, old = 0;
	int r, got = hive_get(h, key, "Enabled", &v);

	free(key);
	if (got == -1)
		return -1;
	if (got == 1) {
		r = regval_get_dword(&v, &d);
		regval_free(&v);
		if (!r)
			return -1;
		if (d)
			return 1;
	}
	key = xasprintf("%s\\" FIPS_OLD_KEY, cs);
	got = hive_get(h, key, FIPS_OLD_VALUE, &v);
	free(key);
	if (got == 1) {
		r = regval_get_dword(&v, &old);
		regval_free(&v);
		if (!r || old)
			return -1;
	}
	return got == -1 ? -1 : 0;
}

/* An empty string names nothing (a workgroup's Domain is ""). */
static char *
get_name(struct hive *h, const char *key, const char *name)
{
	char *s = get_sz(h, key, name);

	if (s && *s == '\0') {
		free(s);
		s = NULL;
	}
	return s;
}

/*
 * The names the image boots with.  A rename made before the image was
 * captured waits in the "NV " values (the next boot copies them over
 * Hostname and Domain), and ComputerName\ComputerName is the name the
 * next boot takes (ActiveComputerName is volatile, absent offline).
 */
static void
read_names(struct facts *f, struct hive *h, const char *cs)
{
	char *key = xasprintf("%s\\" COMPUTER_NAME_KEY, cs);

	f->computer_name = get_name(h, key, "ComputerName");
	free(key);
	key = xasprintf("%s\\" TCPIP_PARAMETERS_KEY, cs);
	if ((f->dns_hostname = get_name(h, key, "NV Hostname")) == NULL)
		f->dns_hostname = get_name(h, key, "Hostname");
	if ((f->dns_domain = get_name(h, key, "NV Domain")) == NULL)
		f->dns_domain = get_name(h, key, "Domain");
	free(key);
}

static int
read_system(struct facts *f, struct hive *h)
{
	const char *path = hive_path(h);
	char *cs, *key, *pt;
	unsigned named[3], v;
	struct regval lv;

	if (hive_key_exists(h, SELECT_KEY) != 1 ||
	    !get_dword(h, SELECT_KEY, "Current", &f->sel_current)) {
		int soft = hive_key_exists(h, CURRENT_VERSION) == 1;
		tlsh_seterrc(TLSH_E_NOT_WINDOWS,
		    "%s: not a SYSTEM hive: it has no Select\\Current "
		    "value%s", path, soft ? " (it looks like a SOFTWARE hive)" :
		    "");
		return -1;
	}
	get_dword(h, SELECT_KEY, "Default", &f->sel_default);
	get_dword(h, SELECT_KEY, "LastKnownGood", &f->sel_lkg);
	get_dword(h, SELECT_KEY, "Failed", &f->sel_failed);
	/* Windows boots Current, falls back to LastKnownGood, and Default
	 * seeds the next boot: each one it may run must be compliant. */
	named[0] = f->sel_current;
	named[1] = f->sel_default;
	named[2] = f->sel_lkg;
	for (int i = 0; i < 3; i++) {
		if (named[i] == 0 && i > 0)
			continue;
		cs = facts_cset_name(named[i]);
		if (named[i] > 999 || hive_key_exists(h, cs) != 1) {
			tlsh_seterrc(TLSH_E_NOT_WINDOWS,
			    "%s: Select names control set %u, but the "
			    "hive has no %s", path, named[i], cs);
			free(cs);
			return -1;
		}
		free(cs);
		add_cset(f, named[i]);
	}
	cs = facts_cset_name(f->sel_current);
	key = xasprintf("%s\\" ENVIRONMENT_KEY, cs);
	f->arch = get_sz(h, key, "PROCESSOR_ARCHITECTURE");
	free(key);
	key = xasprintf("%s\\Control\\Session Manager\\Power", cs);
	f->fast_startup = -1;
	if (get_dword(h, key, "HiberbootEnabled", &v))
		f->fast_startup = v != 0;
	free(key);
	/* The local CNG list Enable-/Disable-TlsCipherSuite edit: used
	 * where no policy list is set (the policy list wins). */
	key = xasprintf("%s\\" LOCAL_SUITES_KEY, cs);
	if (hive_get(h, key, "Functions", &lv) == 1) {
		f->local_suites = regval_get_multi_sz(&lv, &f->nlocal_suites);
		regval_free(&lv);
	}
	/* Beside it, the local curve order: no Microsoft page names its
	 * place, but Windows 10 keeps its documented default there
	 * (curve25519, NistP256, NistP384 in a real Windows 10 SYSTEM hive),
	 * as it keeps the suites' */
	if (hive_get(h, key, LOCAL_CURVES_VALUE, &lv) == 1) {
		f->local_curves = regval_get_multi_sz(&lv, &f->nlocal_curves);
		regval_free(&lv);
	}
	free(key);
	key = xasprintf("%s\\" ECC_PARAMETERS_KEY, cs);
	if (hive_key_exists(h, key) == 1) {
		uint32_t *vals;
		unsigned char *have;

		/* unreadable: no added curve, as on most images */
		if (hive_subkeys_dword(h, key, "CurveType", &f->added_curves,
		    &vals, &have, &f->nadded_curves) == 0) {
			free(vals);
			free(have);
		} else {
			f->added_curves = NULL;
			f->nadded_curves = 0;
		}
	}
	free(key);
	f->fips = read_fips(h, cs);
	read_names(f, h, cs);
	key = xasprintf("%s\\" PRODUCT_OPTIONS_KEY, cs);
	pt = get_sz(h, key, "ProductType");
	free(key);
	free(cs);
	if (pt != NULL) {
		/* WinNT is a workstation; ServerNT and LanmanNT (a domain
		 * controller) are servers. */
		f->type = strcasecmp(pt, "WinNT") == 0 ? OS_CLIENT : OS_SERVER;
		f->product_type = pt;
	}
	return 0;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Installed updates, offline: Component Based Servicing keeps one key per
 * package ("Package_for_KB3140245~31bf3856ad364e35~amd64~~6.1.1.1") whose
 * CurrentState is 0x70 once installed (0x80 permanent).  Monthly rollups
 * carry many fixes without such a key, so a missing KB is only a hint.
 */
static void
read_packages(struct facts *f, struct hive *h)
{
	static const char *const cbs = "Microsoft\\Windows\\CurrentVersion\\"
	    "Component Based Servicing\\Packages";
	char **names;
	uint32_t *state;
	unsigned char *have;
	size_t n;

	if (hive_subkeys_dword(h, cbs, "CurrentState", &names, &state, &have,
	    &n) == -1)
		return;
	for (size_t i = 0; i < n; i++) {
		const char *kb = strcasestr(names[i], "_KB");

		if (kb == NULL || strtoul(kb + 3, NULL, 10) == 0 || !have[i] ||
		    state[i] < 0x70)
			continue;
		f->kbs = xrealloc(f->kbs, (f->nkbs + 1) * sizeof(*f->kbs));
		f->kbs[f->nkbs++] = (uint32_t)strtoul(kb + 3, NULL, 10);
	}
	strv_free(names, n);
	free(state);
	free(have);
	if (f->nkbs)
		qsort(f->kbs, f->nkbs, sizeof(*f->kbs), cmp_u32);
}

int
facts_has_kb(const struct facts *f, uint32_t kb)
{
	return f->nkbs && bsearch(&kb, f->kbs, f->nkbs, sizeof(*f->kbs),
	    cmp_u32) != NULL;
}

int
facts_curve_added(const struct facts *f, const char *name)
{
	for (size_t i = 0; i < f->nadded_curves; i++)
		if (strcasecmp(f->added_curves[i], name) == 0)
			return 1;
	return 0;
}

int
facts_curve_available(const struct facts *f, const struct curve *c)
{
	return curve_available(c, f->build, f->have_ubr ? f->ubr : 0,
	    f->type == OS_SERVER ? 1 : f->type == OS_CLIENT ? 0 : -1);
}

struct release {
	unsigned build;
	const char *client, *server;
};

/* Builds as Microsoft numbers them (release information pages). */
static const struct release releases[] = {
	{ 1381, "Windows NT 4.0", "Windows NT 4.0 Server" },
	{ 2195, "Windows 2000", "Windows 2000 Server" },
	{ 2600, "Windows XP", NULL },
	{ 3790, "Windows XP x64", "Windows Server 2003" },
	{ 6000, "Windows Vista", NULL },
	{ 6001, "Windows Vista SP1", "Windows Server 2008" },
	{ 6002, "Windows Vista SP2", "Windows Server 2008 SP2" },
	{ 6003, "Windows Vista SP2", "Windows Server 2008 SP2" },
	{ 7600, "Windows 7", "Windows Server 2008 R2" },
	{ 7601, "Windows 7 SP1", "Windows Server 2008 R2 SP1" },
	{ 9200, "Windows 8", "Windows Server 2012" },
	{ 9600, "Windows 8.1", "Windows Server 2012 R2" },
	{ 10240, "Windows 10 1507", NULL },
	{ 10586, "Windows 10 1511", NULL },
	{ 14393, "Windows 10 1607", "Windows Server 2016" },
	{ 15063, "Windows 10 1703", NULL },
	{ 16299, "Windows 10 1709", "Windows Server, version 1709" },
	{ 17134, "Windows 10 1803", "Windows Server, version 1803" },
	{ 17763, "Windows 10 1809", "Windows Server 2019" },
	{ 18362, "Windows 10 1903", "Windows Server, version 1903" },
	{ 18363, "Windows 10 1909", "Windows Server, version 1909" },
	{ 19041, "Windows 10 2004", "Windows Server, version 2004" },
	{ 19042, "Windows 10 20H2", "Windows Server, version 20H2" },
	{ 19043, "Windows 10 21H1", NULL },
	{ 19044, "Windows 10 21H2", NULL },
	{ 19045, "Windows 10 22H2", NULL },
	{ 20348, NULL, "Windows Server 2022" },
	{ 22000, "Windows 11 21H2", NULL },
	{ 22621, "Windows 11 22H2", NULL },
	{ 22631, "Windows 11 23H2", NULL },
	{ 25398, NULL, "Windows Server, version 23H2" },
	{ 26100, "Windows 11 24H2", "Windows Server 2025" },
	{ 26200, "Windows 11 25H2", NULL },
};

/* Short names for export --os: the image a .reg is meant for. */
static const struct {
	const char *name;
	unsigned build;
	enum os_type type;
} os_names[] = {
	{ "2008", 6002, OS_SERVER }, { "vista", 6002, OS_CLIENT },
	{ "2008r2", 7601, OS_SERVER }, { "win7", 7601, OS_CLIENT },
	{ "2012", 9200, OS_SERVER }, { "win8", 9200, OS_CLIENT },
	{ "2012r2", 9600, OS_SERVER }, { "win81", 9600, OS_CLIENT },
	{ "2016", 14393, OS_SERVER }, { "2019", 17763, OS_SERVER },
	{ "2022", 20348, OS_SERVER }, { "2025", 26100, OS_SERVER },
	{ "win10", 19045, OS_CLIENT }, { "win11", 26100, OS_CLIENT },
};

int
facts_for_os(struct facts *f, const char *name)
{
	char *end;
	unsigned long b;

	memset(f, 0, sizeof(*f));
	f->have[HV_SYSTEM] = f->have[HV_SOFTWARE] = 1;
	f->is64 = 1;
	f->fast_startup = -1;
	f->kbs_unknown = 1;
	f->fips = -1;
	f->iis = f->sql = -1;
	for (size_t i = 0; i < sizeof(os_names) / sizeof(*os_names); i++)
		if (strcasecmp(os_names[i].name, name) == 0) {
			f->build = os_names[i].build;
			f->type = os_names[i].type;
			return 0;
		}
	b = strtoul(name, &end, 10);
	if (*name == '\0' || *end != '\0' || b < MIN_SUPPORTED_BUILD ||
	    b > 99999) {
		struct strbuf sb = { 0 };
		for (size_t i = 0; i < sizeof(os_names) / sizeof(*os_names); i++)
			sb_add(&sb, "%s%s", i ? ", " : "", os_names[i].name);
		tlsh_seterrc(TLSH_E_GATE,
		    "--os %s: not a Windows tlshive knows; give a build "
		    "number (%u or later) or one of %s", name,
		    MIN_SUPPORTED_BUILD, sb.s);
		free(sb.s);
		return -1;
	}
	f->build = (unsigned)b;
	/* Client and server share most builds (14393 is Windows 10 1607 and
	 * Server 2016, 17763 1809 and Server 2019, 26100 Windows 11 24H2 and
	 * Server 2025): a bare number names a server or a client only where
	 * Microsoft's release pages give the build to one of them alone
	 * (20348 is Server 2022 only, 22631 Windows 11 23H2 only). */
	f->type = OS_TYPE_UNKNOWN;
	for (size_t i = 0; i < sizeof(releases) / sizeof(*releases); i++)
		if (releases[i].build == b && (releases[i].client == NULL) !=
		    (releases[i].server == NULL))
			f->type = releases[i].client ? OS_CLIENT : OS_SERVER;
	return 0;
}

char *
facts_name(const struct facts *f)
{
	int server = f->type == OS_SERVER;

	if (f->build == 0)
		return xstrdup("unknown Windows (no SOFTWARE hive)");
	for (size_t i = 0; i < sizeof(releases) / sizeof(*releases); i++) {
		const struct release *r = &releases[i];
		const char *n = server && r->server ? r->server : r->client ?
		    r->client : r->server;
		if (r->build != f->build || n == NULL)
			continue;
		/* a build both share, and nothing says which it is */
		if (f->type == OS_TYPE_UNKNOWN && r->client && r->server)
			return xasprintf("%s or %s", r->client, r->server);
		return xstrdup(n);
	}
	/* Builds Microsoft has not numbered yet, by family. */
	if (f->build >= BUILD_WIN11 && !server)
		return xasprintf("Windows 11 %s", f->display_version ?
		    f->display_version : "(unknown release)");
	if (f->build >= BUILD_WIN10_1507)
		return xasprintf("%s (build %u)", server ? "Windows Server" :
		    "Windows 10", f->build);
	return xasprintf("Windows build %u", f->build);
}

static int
profile_value(void *ctx, const char *key, const char *name,
    const struct regval *val)
{
	struct facts *f = ctx;
	const char *sid = strrchr(key, '\\');
	char *path;

	/* ProfileList\SID\ProfileImagePath, for user accounts only: the
	 * services' profiles (S-1-5-18, -19, -20) are no one's HKEY_CURRENT_USER
	 * a person browses with */
	if (name == NULL || strcasecmp(name, "ProfileImagePath") != 0 ||
	    sid == NULL || strncasecmp(sid + 1, "S-1-5-21-", 9) != 0 ||
	    strlen(key) != strlen(PROFILE_LIST_KEY) + strlen(sid) ||
	    (path = regval_get_sz(val)) == NULL)
		return 0;
	f->profiles = xrealloc(f->profiles, (f->nprofiles + 1) *
	    sizeof(*f->profiles));
	f->profiles[f->nprofiles].sid = xstrdup(sid + 1);
	f->profiles[f->nprofiles++].path = path;
	return 0;
}

static int
read_software(struct facts *f, struct hive *h)
{
	const char *cv = CURRENT_VERSION;
	uint32_t v;
	char *b;

	if (hive_key_exists(h, cv) != 1) {
		int sys = hive_key_exists(h, SELECT_KEY) == 1;
		tlsh_seterrc(TLSH_E_NOT_WINDOWS,
		    "%s: not a SOFTWARE hive: it has no %s key%s",
		    hive_path(h), cv, sys ? " (it looks like a SYSTEM hive)" :
		    "");
		return -1;
	}
	f->product = get_sz(h, cv, "ProductName");
	f->edition = get_sz(h, cv, "EditionID");
	f->install_type = get_sz(h, cv, "InstallationType");
	f->display_version = get_sz(h, cv, "DisplayVersion");
	if (f->display_version == NULL)
		f->display_version = get_sz(h, cv, "ReleaseId");
	f->csd = get_sz(h, cv, "CSDVersion");
	f->version = get_sz(h, cv, "CurrentVersion");
	if ((b = get_sz(h, cv, "CurrentBuildNumber")) == NULL)
		b = get_sz(h, cv, "CurrentBuild");
	if (b != NULL) {
		f->build = (unsigned)strtoul(b, NULL, 10);
		free(b);
	}
	f->have_ubr = get_dword(h, cv, "UBR", &f->ubr);
	if (!get_dword(h, cv, "CurrentMajorVersionNumber", &f->major) &&
	    f->version)
		sscanf(f->version, "%u.%u", &f->major, &f->minor);
	else
		get_dword(h, cv, "CurrentMinorVersionNumber", &f->minor);
	/* where Windows makes a new account's profile from: ProfileList's
	 * Default (Vista on), else ProfilesDirectory's Default Users */
	f->default_profile = get_sz(h, PROFILE_LIST_KEY, "Default");
	if (f->default_profile == NULL) {
		char *dir = get_sz(h, PROFILE_LIST_KEY, "ProfilesDirectory");
		if (dir)
			f->default_profile = xasprintf("%s\\Default", dir);
		free(dir);
	}
	f->system_root = get_sz(h, cv, "SystemRoot");
	if (hive_key_exists(h, PROFILE_LIST_KEY) == 1 && hive_walk(h,
	    PROFILE_LIST_KEY, profile_value, f) == -1)
		return -1;
	f->build_lab = get_sz(h, cv, "BuildLabEx");
	if (f->build_lab == NULL)
		f->build_lab = get_sz(h, cv, "BuildLab");
	get_dword(h, "Microsoft\\NET Framework Setup\\NDP\\v4\\Full", "Release",
	    &f->dotnet4_release);
	read_packages(f, h);
	/* the version Exchange's setup records (and HealthChecker reads);
	 * the key alone may be a .reg's */
	f->exchange = get_dword(h, "Microsoft\\ExchangeServer\\v15\\Setup",
	    "MsiProductMajor", &v);
	/* the roles benchmark rules apply to: IIS setup records its
	 * version under InetStp; SQL Server lists each database engine
	 * instance under Instance Names\SQL */
	f->iis = get_dword(h, "Microsoft\\InetStp", "MajorVersion", &v);
	if ((f->sql = hive_key_exists(h, "Microsoft\\Microsoft SQL Server\\"
	    "Instance Names\\SQL")) == -1)
		return -1;
	if (f->type == OS_TYPE_UNKNOWN && f->install_type)
		f->type = strncasecmp(f->install_type, "Server", 6) == 0 ?
		    OS_SERVER : OS_CLIENT;
	return 0;
}

/*
 * 64-bit or not, as Windows itself records it: the processor architecture
 * Session Manager puts in the environment (SYSTEM), else the build lab
 * setup wrote (SOFTWARE, "7601.17514.x86fre.win7sp1_rtm.101119-1850").
 * Never from Wow6432Node: .reg files written for 64-bit Windows create it
 * on any image, and a 32-bit Windows would then get twins it never reads.
 */
static int
arch_is64(const char *arch)
{
	static const char *const wide[] = { "AMD64", "ARM64", "IA64" };

	if (arch == NULL)
		return -1;
	for (size_t i = 0; i < sizeof(wide) / sizeof(*wide); i++)
		if (strcasecmp(arch, wide[i]) == 0)
			return 1;
	return 0;
}

static int
lab_is64(const char *lab)
{
	const char *p = lab ? strchr(lab, '.') : NULL;
	char arch[16];
	size_t n;

	if (p == NULL || (p = strchr(p + 1, '.')) == NULL)
		return -1;
	p++;
	n = strcspn(p, ".");
	/* the flavour follows the architecture: fre (free) or chk */
	if (n < 4 || n - 3 >= sizeof(arch) || (strncmp(p + n - 3, "fre",
	    3) != 0 && strncmp(p + n - 3, "chk", 3) != 0))
		return -1;
	memcpy(arch, p, n - 3);
	arch[n - 3] = '\0';
	if (arch_is64(arch) == 1)
		return 1;
	/* woa: 32-bit ARM (Windows RT) */
	return strcasecmp(arch, "x86") == 0 || strcasecmp(arch, "arm") == 0 ||
	    strcasecmp(arch, "woa") == 0 ? 0 : -1;
}

int
facts_read(struct facts *f, struct hive *sys, struct hive *soft)
{
	memset(f, 0, sizeof(*f));
	f->fast_startup = -1;
	f->fips = -1;
	f->iis = f->sql = -1;
	f->have[HV_SYSTEM] = sys != NULL;
	f->have[HV_SOFTWARE] = soft != NULL;
	if (sys && read_system(f, sys) == -1)
		return -1;
	if (soft && read_software(f, soft) == -1)
		return -1;
	f->is64 = arch_is64(f->arch);
	if (f->is64 == -1)
		f->is64 = lab_is64(f->build_lab);
	return 0;
}

void
facts_free(struct facts *f)
{
	free(f->product);
	free(f->edition);
	free(f->install_type);
	free(f->display_version);
	free(f->csd);
	free(f->version);
	free(f->arch);
	free(f->build_lab);
	free(f->default_profile);
	free(f->system_root);
	free(f->computer_name);
	free(f->dns_hostname);
	free(f->dns_domain);
	free(f->product_type);
	for (size_t i = 0; i < f->nprofiles; i++) {
		free(f->profiles[i].sid);
		free(f->profiles[i].path);
	}
	free(f->profiles);
	free(f->kbs);
	strv_free(f->local_suites, f->nlocal_suites);
	strv_free(f->local_curves, f->nlocal_curves);
	strv_free(f->added_curves, f->nadded_curves);
	memset(f, 0, sizeof(*f));
}

int
facts_log_format(const struct facts *f)
{
	if (f->build == 0)
		return 0;
	return f->build >= BUILD_NEW_LOGS ? LOG_NEW : LOG_OLD;
}
