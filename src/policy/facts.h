/* What the hives say about the Windows they belong to. */
#ifndef FACTS_H
#define FACTS_H

#include "regf/hive.h"
#include "tlshive.h"

enum os_type { OS_TYPE_UNKNOWN, OS_CLIENT, OS_SERVER };

#define MAX_CSETS 3

struct facts {
	int have[HV_COUNT];
	/* SOFTWARE: Microsoft\Windows NT\CurrentVersion */
	char *product, *edition, *install_type, *display_version, *csd;
	char *version;			/* CurrentVersion, e.g. "6.1" */
	unsigned build, ubr, major, minor;
	int have_ubr;
	/* SYSTEM */
	enum os_type type;
	char *arch;			/* PROCESSOR_ARCHITECTURE */
	char *default_profile;		/* ProfileList's Default: the directory
					 * of the Default user profile, as
					 * Windows writes it ("%SystemDrive%\
					 * Users\Default"), or NULL */
	char *system_root;		/* CurrentVersion's SystemRoot */
	struct profile {		/* ProfileList's user accounts */
		char *sid;		/* S-1-5-21-... */
		char *path;		/* ProfileImagePath, as written */
	} *profiles;
	size_t nprofiles;
	int is64;			/* 1, 0, or -1 when neither hive tells */
	char *build_lab;		/* BuildLabEx: "17763.1.amd64fre...." */
	unsigned sel_current, sel_default, sel_lkg, sel_failed;
	int fast_startup;		/* HiberbootEnabled: 1, 0, -1 not set */
	unsigned dotnet4_release;	/* NDP\v4\Full Release, 0 if absent */
	int exchange;			/* Exchange Server 2013 or later installed */
	int iis, sql;			/* IIS, a SQL Server database engine
					 * installed: 1, 0, or -1 unknown (no
					 * SOFTWARE hive) */
	/* The asset a checklist names (SYSTEM, current control set), each
	 * NULL when absent: the NetBIOS name, the DNS host name and primary
	 * DNS suffix, and ProductOptions' ProductType as written (WinNT,
	 * ServerNT, LanmanNT) */
	char *computer_name, *dns_hostname, *dns_domain, *product_type;
	char **local_suites;		/* the local CNG suite list (Disable-
					 * TlsCipherSuite), NULL when absent */
	size_t nlocal_suites;
	char **local_curves;		/* the local curve order beside it
					 * (EccCurves), NULL when absent */
	size_t nlocal_curves;
	char **added_curves;		/* curves certutil -addEccCurve
					 * registered (ECCParameters) */
	size_t nadded_curves;
	int fips;			/* FIPS mode: 1 on, 0 off, -1 unknown
					 * (no SYSTEM hive, or the pages'
					 * two places disagree) */
	uint32_t *kbs;			/* installed updates (CBS state 0x70+), sorted */
	size_t nkbs;
	int kbs_unknown;		/* no image was read (export --os): no
					 * update can be checked */
	unsigned csets[MAX_CSETS];	/* distinct sets to write, Current first */
	size_t ncsets;
};

/*
 * Reads the facts and checks that each hive is what it claims to be; either
 * hive may be NULL.  -1 with a message naming the file on a mix-up.
 */
int facts_read(struct facts *, struct hive *sys, struct hive *soft);
void facts_free(struct facts *);
/*
 * Facts for a Windows named on the command line (export --os): "2022",
 * "win7", a build number.  A 64-bit image whose updates are unknown.
 */
int facts_for_os(struct facts *, const char *name);
/* "Windows Server 2022", "Windows 11 23H2", ... from the build, not ProductName. */
char *facts_name(const struct facts *);
/* Is update KBn installed (a Component Based Servicing package in state
 * Installed or Permanent)? */
int facts_has_kb(const struct facts *, uint32_t kb);
/* Is the curve name one certutil -addEccCurve registered on the image? */
int facts_curve_added(const struct facts *, const char *name);
struct curve;
/* Does the image have the curve: curve_available for its build, update
 * revision and kind of Windows. */
int facts_curve_available(const struct facts *, const struct curve *);
/* The keys facts_read needs to know the image (a .reg may not delete
 * them): SYSTEM's Select, and under the current control set the product
 * type and the processor architecture; SOFTWARE's version key. */
#define SELECT_KEY "Select"
#define PRODUCT_OPTIONS_KEY "Control\\ProductOptions"
#define COMPUTER_NAME_KEY "Control\\ComputerName\\ComputerName"
#define TCPIP_PARAMETERS_KEY "Services\\Tcpip\\Parameters"
#define ENVIRONMENT_KEY "Control\\Session Manager\\Environment"
#define CURRENT_VERSION "Microsoft\\Windows NT\\CurrentVersion"
#define PROFILE_LIST_KEY CURRENT_VERSION "\\ProfileList"

/* The oldest build tlshive writes to: Windows Vista / Server 2008. */
#define MIN_SUPPORTED_BUILD 6000
/* Windows 8.1 / Server 2012 R2: the first to write and read HvLE logs. */
#define BUILD_NEW_LOGS 9600
/* The builds where what tlshive writes changes meaning (tls-registry.md). */
#define BUILD_WIN7 7600		/* and 7601 (SP1): suites only with KB3042058 */
#define BUILD_WIN7_SP1 7601
#define BUILD_WIN8 9200		/* Fast Startup (HiberbootEnabled) */
#define BUILD_WIN10_1507 10240	/* suite names without curve suffixes, and
				 * the ECC curve order (EccCurves) */
#define BUILD_WIN10_1607 14393	/* Server 2016; curve25519 among the curves */
#define BUILD_TLS13 20348	/* Server 2022: TLS 1.3 in Schannel */
#define BUILD_WIN11 22000	/* client builds named Windows 11 */
/*
 * The transaction-log format this Windows reads at boot (LOG_NEW from
 * Windows 8.1 / Server 2012 R2, LOG_OLD before), or 0 when the build is
 * unknown.
 */
int facts_log_format(const struct facts *);
const char *facts_type_name(enum os_type);
char *facts_cset_name(unsigned n);

#endif
