/* tlshive: make offline Windows images TLS-compliant through their registry hives. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/batch.h"
#include "cli/cmd.h"
#include "cli/msg.h"
#include "cli/report.h"
#include "io/image.h"
#include "regval.h"
#include "trace.h"

/*
 * Options and commands are tables, in the manner of tmux's cmd_entry: each
 * command names the options it takes, and the usage text, the checks and
 * the SYNOPSIS test (tests/cli/usage.sh) all come from here.
 */
enum opt {
	O_PROFILE, O_REG, O_SET, O_UNDO, O_OUTPUT, O_UTF8, O_OS, O_FORCE,
	O_DRYRUN, O_JSON, O_JOBS, O_FROM, O_QUIET, O_PARTITION, O_INDEX,
	O_REBUILD, O_SYSTEM, O_SOFTWARE, O_REPLAY, O_WAIT, O_EXPLICIT,
	O_EXIT_ZERO, O_CHECKLIST, O_XCCDF, O_FINDINGS, O_SHA256,
	O_DISCARD, O_VERBOSE, O_STRICT, O_USER, O_USERS, O_JOURNAL_DIR,
	O_FORMAT, O_BACKING, O_BASE, O_NO_SANDBOX, O_TIME_LIMIT, O_MEMORY_LIMIT, O_HELP, O_VERSION,
	O_COUNT
};

static const struct opt_entry {
	const char *name;
	int shortc;		/* 0: long only */
	const char *arg;	/* NULL: takes no argument */
	const char *help;
} opts[O_COUNT] = {
	[O_PROFILE] = { "profile", 'p', "PROFILE",
	    "built-in profile name or file" },
	[O_REG] = { "reg", 'r', "FILE.reg", "changes from a .reg file" },
	[O_SET] = { "set", 's', "'NAME = V'", "one setting; -p, --reg, --set "
	    "apply in order, and\nwithout any of them: " DEFAULT_PROFILE },
	[O_UNDO] = { "undo", 'u', "UNDO.reg", "apply: first write a .reg "
	    "that restores the hives" },
	[O_OUTPUT] = { "output", 'o', "OUT", "export, recover: write here, "
	    "not in place\n(export: - is standard output)" },
	[O_UTF8] = { "utf8", 0, NULL, "export: UTF-8 and LF, not regedit's "
	    "UTF-16LE" },
	[O_OS] = { "os", 0, "NAME|BUILD", "export: for this Windows (2022, "
	    "win7, 20348, ...)" },
	[O_FORCE] = { "force", 0, NULL, "write TLS 1.3 on an Exchange server "
	    "all the same;\napply: replace an existing undo file" },
	[O_DRYRUN] = { "dry-run", 'n', NULL, "print the plan, write nothing" },
	[O_JSON] = { "json", 0, NULL, "one JSON document on standard output, "
	    "an error as well\n(JSON Lines for several images)" },
	[O_JOBS] = { "jobs", 'j', "N", "several images: N at a time "
	    "(default: the CPUs)" },
	[O_FROM] = { "from", 0, "FILE", "several images: one ROOT per line, "
	    "- for standard input" },
	[O_QUIET] = { "quiet", 0, NULL, "no progress line on a terminal" },
	[O_PARTITION] = { "partition", 0, "N", "a disk image: the partition "
	    "holding Windows" },
	[O_INDEX] = { "index", 0, "N", "a WIM: only image N (default: every "
	    "image)" },
	[O_REBUILD] = { "rebuild", 0, NULL, "apply to a WIM: write it anew, "
	    "reclaiming space" },
	[O_SYSTEM] = { "system", 0, "FILE", "the SYSTEM hive file" },
	[O_SOFTWARE] = { "software", 0, "FILE", "the SOFTWARE hive file" },
	[O_REPLAY] = { "replay-logs", 0, NULL, "replay a dirty hive's "
	    ".LOG1/.LOG2 in memory first" },
	[O_WAIT] = { "wait", 0, NULL, "wait for another tlshive writing the "
	    "same hive" },
	[O_EXPLICIT] = { "explicit", 0, NULL, "check: a value Windows' "
	    "default satisfies still differs" },
	[O_EXIT_ZERO] = { "exit-zero", 0, NULL, "check: exit 0 when not "
	    "compliant; the report still says so\n(for pipeline steps that "
	    "must not fail; errors still exit 2)" },
	[O_CHECKLIST] = { "checklist", 0, "FILE.ckl", "check: a STIG Viewer "
	    "checklist of the benchmark rules\n(several images: a directory, "
	    "a file each)" },
	[O_XCCDF] = { "xccdf", 0, "FILE", "check: the benchmark rules' XCCDF "
	    "1.2 results (several images:\na directory, a file each)" },
	[O_FINDINGS] = { "findings", 0, "FILE.csv", "check: a HardeningKitty "
	    "finding list's TLS rows,\neach a rule HK-ID" },
	[O_SHA256] = { "sha256", 0, NULL, "--json: each image file's SHA-256 in "
	    "image_identity (reads it whole)" },
	[O_DISCARD] = { "discard-logs", 0, NULL, "use a dirty hive as it is, "
	    "losing its .LOG1/.LOG2" },
	[O_VERBOSE] = { "verbose", 'v', NULL, "check, apply: every value, not "
	    "one line a setting" },
	[O_STRICT] = { "strict", 0, NULL, "check, apply, export: a .reg line "
	    "regedit skips, or a\nvalue Windows ignores, is an error" },
	[O_USER] = { "user", 0, "FILE", "the Default profile's NTUSER.DAT "
	    "(HKEY_CURRENT_USER)" },
	[O_USERS] = { "users", 0, "default|all|none", "HKEY_CURRENT_USER changes: "
	    "to the Default profile\n(default), to every profile too, or none" },
	[O_JOURNAL_DIR] = { "journal-dir", 0, "DIR", "a disk image's journal "
	    "goes here, not beside it" },
	[O_FORMAT] = { "format", 0, "FMT", "a disk image's format (raw, qcow2, "
	    "vhdx, vhd, vmdk):\nnever guessed from its first bytes" },
	[O_BACKING] = { "allow-backing", 0, NULL, "a disk image may name a "
	    "chain of local backing files;\nwithout it any file its header "
	    "names is refused" },
	[O_BASE] = { "base", 0, "URL", "IMAGE is a qcow2 overlay (naming no "
	    "backing file) on\nthe image at URL: read from both, written to "
	    "the overlay" },
	[O_NO_SANDBOX] = { "no-sandbox", 0, NULL, "read the image in this "
	    "process, with its rights: an image\nthen reaches what tlshive "
	    "can (see TRUST MODEL in tlshive(8))" },
	[O_TIME_LIMIT] = { "time-limit", 0, "S", "several images: stop an "
	    "image's worker after S seconds\n(default 600; 0: none)" },
	[O_MEMORY_LIMIT] = { "memory-limit", 0, "MB", "several images: an "
	    "image's worker may use MB MiB\nof memory (default 4096; 0: no "
	    "limit)" },
	[O_HELP] = { "help", 'h', NULL, "this text" },
	[O_VERSION] = { "version", 'V', NULL, "print the version" },
};

#define B(o) (UINT64_C(1) << (o))
/* what every image-taking command accepts besides its own options */
#define IMAGE_OPTS (B(O_SYSTEM) | B(O_SOFTWARE) | B(O_USER) | \
	B(O_PARTITION) | B(O_JOURNAL_DIR) | B(O_FORMAT) | B(O_BACKING) | \
	B(O_BASE) | B(O_NO_SANDBOX) | \
	B(O_INDEX) | B(O_DISCARD) | B(O_REPLAY))
#define BATCH_OPTS (B(O_FROM) | B(O_JOBS) | B(O_QUIET) | B(O_TIME_LIMIT) | \
	B(O_MEMORY_LIMIT))
#define POLICY_OPTS (B(O_PROFILE) | B(O_REG) | B(O_SET) | B(O_STRICT) | \
	B(O_USERS))

struct args {
	struct options o;
	const char *from;
	int jobs, quiet, nargs;
	char **argv;
};

static int run_images(struct args *);
static int run_export(struct args *);
static int run_recover(struct args *);
static int run_profiles(struct args *);
static int run_settings(struct args *);
static int run_help(struct args *);

static const struct cmd_entry {
	const char *name;
	enum command cmd;
	uint64_t opts;
	const char *usage;	/* what follows "tlshive NAME" */
	int minargs, maxargs;	/* operands; -1: any number */
	int (*exec)(struct args *);
} cmds[] = {
	{ "show", CMD_SHOW, IMAGE_OPTS | BATCH_OPTS | B(O_JSON) | B(O_SHA256),
	    "[--json] [--sha256] [--discard-logs | --replay-logs] IMAGE",
	    0, -1, run_images },
	{ "check", CMD_CHECK, IMAGE_OPTS | BATCH_OPTS | POLICY_OPTS |
	    B(O_EXPLICIT) | B(O_EXIT_ZERO) | B(O_FINDINGS) | B(O_FORCE) |
	    B(O_JSON) | B(O_VERBOSE) | B(O_CHECKLIST) | B(O_XCCDF) |
	    B(O_SHA256),
	    "[-p PROFILE] [-r FILE.reg] [-s 'NAME = VALUE'] "
	    "[--findings FILE.csv] [-v] [--explicit] [--exit-zero] "
	    "[--checklist FILE.ckl] [--xccdf FILE] "
	    "[--strict] [--users default|all|none] [--force] [--json] "
	    "[--sha256] [--discard-logs | --replay-logs] IMAGE",
	    0, -1, run_images },
	{ "apply", CMD_APPLY, IMAGE_OPTS | BATCH_OPTS | POLICY_OPTS |
	    B(O_UNDO) | B(O_DRYRUN) | B(O_FORCE) | B(O_JSON) | B(O_WAIT) |
	    B(O_REBUILD) | B(O_VERBOSE) | B(O_SHA256),
	    "[-p PROFILE] [-r FILE.reg] [-s 'NAME = VALUE'] [-u UNDO.reg] [-n] "
	    "[-v] [--strict] [--users default|all|none] "
	    "[--force] [--json] [--sha256] [--wait] "
	    "[--discard-logs | --replay-logs] IMAGE",
	    0, -1, run_images },
	{ "export", CMD_EXPORT, IMAGE_OPTS | POLICY_OPTS | B(O_OUTPUT) |
	    B(O_UTF8) | B(O_FORCE) | B(O_OS),
	    "[-p PROFILE] [-r FILE.reg] [-s 'NAME = VALUE'] [-o OUT.reg] "
	    "[--utf8] [--strict] [--users default|all|none] [--force] "
	    "[--os NAME | BUILD | IMAGE]",
	    0, 1, run_export },
	{ "recover", CMD_SHOW, B(O_OUTPUT) | B(O_WAIT) | B(O_JOURNAL_DIR) |
	    B(O_FORMAT) | B(O_BACKING) | B(O_BASE) | B(O_NO_SANDBOX),
	    "[-o OUT] [--wait] HIVE", 1, 1, run_recover },
	{ "profiles", CMD_SHOW, 0, "[NAME]", 0, 1, run_profiles },
	{ "settings", CMD_SHOW, B(O_JSON), "[--json]", 0, 0, run_settings },
	{ "help", CMD_SHOW, 0, "[COMMAND]", 0, 1, run_help },
};
#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

/* "tlshive NAME" and its synopsis, folded under its options. */
static void
synopsis(FILE *out, const struct cmd_entry *ce, const char *lead)
{
	const char *u = ce->usage;
	int col = fprintf(out, "%s tlshive %-8s", lead, ce->name);

	while (*u) {
		/* a word runs to the next "] [" boundary */
		const char *e = strstr(u, "] ");
		size_t n = e ? (size_t)(e - u) + 1 : strlen(u);
		if (col + 1 + (int)n > 79 && col > 24)
			col = fprintf(out, "\n%23s", "") - 1;
		col += fprintf(out, " %.*s", (int)n, u);
		u += n;
		while (*u == ' ')
			u++;
	}
	fputc('\n', out);
}

/* The options of mask (all: every one, --version too). */
static void
options_text(FILE *out, uint64_t mask, int all)
{
	for (int i = 0; i < O_COUNT; i++) {
		const struct opt_entry *e = &opts[i];
		char head[64];
		const char *h = e->help, *nl;

		/* --help and --version are in no command's mask */
		if (i == O_VERSION ? !all : i != O_HELP && !all &&
		    !(mask & B(i)))
			continue;
		snprintf(head, sizeof(head), "%c%c%s--%s%s%s",
		    e->shortc ? '-' : ' ', e->shortc ? e->shortc : ' ',
		    e->shortc ? ", " : "  ", e->name, e->arg ? " " : "",
		    e->arg ? e->arg : "");
		/* a long option puts its text on the next line */
		if (strlen(head) > 22)
			fprintf(out, "  %s\n%25s", head, "");
		else
			fprintf(out, "  %-22s ", head);
		while ((nl = strchr(h, '\n')) != NULL) {
			fprintf(out, "%.*s\n%25s", (int)(nl - h), h, "");
			h = nl + 1;
		}
		fprintf(out, "%s\n", h);
	}
}

static void
image_text(FILE *out, int several)
{
	fprintf(out, "IMAGE is ROOT (a mounted Windows volume), a disk image "
	    "file (raw, qcow2,\nVHDX, VHD, VMDK; [--partition N] [--format FMT] "
	    "[--allow-backing]\n[--journal-dir DIR] [--base URL]) or a raw or "
	    "qcow2 disk image's URL (http://,\nhttps://, nbd://; read where it "
	    "lies, never written), a WIM file ([--index N]\n[--rebuild]) or "
	    "--system FILE [--software FILE] [--user FILE].\n");
	if (several)
		fprintf(out, "show, check and apply also take several ROOTs or "
		    "image files, or --from FILE,\nwith [-j N] [--quiet] "
		    "[--time-limit S] [--memory-limit MB].\n");
	fputc('\n', out);
}

/* Every command's synopsis and every option. */
static void
usage(FILE *out)
{
	for (size_t i = 0; i < NCMDS; i++)
		synopsis(out, &cmds[i], i ? "      " : "usage:");
	image_text(out, 1);
	options_text(out, 0, 1);
	fprintf(out, "\nExit status: 0 done or compliant, 1 not compliant "
	    "(check), 2 error, 75 temporary error (a retry may succeed).\n"
	    "See tlshive(8) and tlshive-profile(5).\n");
	/* where this build's make install puts them (configure --prefix,
	 * --datadir): a pipeline validates against the schemas there */
	fprintf(out, "Files: the built-in profiles in %s/profiles,\n"
	    "the JSON Schemas of --json in %s/schemas.\n",
	    TLSHIVE_PKGDATADIR, TLSHIVE_PKGDATADIR);
}

/* One command's synopsis and the options it takes. */
static void
usage_cmd(FILE *out, const struct cmd_entry *ce)
{
	synopsis(out, ce, "usage:");
	if (ce->opts & B(O_SYSTEM))
		image_text(out, (ce->opts & B(O_FROM)) != 0);
	else
		fputc('\n', out);
	options_text(out, ce->opts, 0);
	if (ce->cmd == CMD_CHECK)
		fprintf(out, "\nExit status: 0 compliant, 1 not compliant, "
		    "2 error, 75 temporary error.\n");
	else
		fprintf(out, "\nExit status: 0 done, 2 error, 75 temporary "
		    "error.\n");
	fprintf(out, "See tlshive(8).\n");
}

/* The version, and whether image files can be opened (tests ask). */
static void
version(void)
{
	const char *kinds = image_file_kinds();

	if (kinds)
		printf("tlshive %s (+images: %s)\n", PACKAGE_VERSION, kinds);
	else
		printf("tlshive %s (-images)\n", PACKAGE_VERSION);
}

static int json_wanted;

/* A usage error: one line saying what is wrong, one pointing to --help;
 * with --json, the error document as well. */
static int __attribute__((format(printf, 1, 2)))
bad_usage(const char *fmt, ...)
{
	va_list ap;
	char *m;

	va_start(ap, fmt);
	m = xvasprintf(fmt, ap);
	va_end(ap);
	fprintf(stderr, "tlshive: %s\ntlshive: see tlshive --help\n", m);
	if (json_wanted) {
		char *e = xasprintf("tlshive: %s", m);
		report_json_error(stdout, NULL, TLSH_E_USAGE, e,
		    TLSH_EXIT_ERROR, 0);
		free(e);
	}
	free(m);
	return TLSH_EXIT_ERROR;
}

/* A whole decimal number in [lo, hi], nothing before or after it. */
static int
number(const char *s, long lo, long hi, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (!isdigit((unsigned char)*s) || *end != '\0' || errno != 0 ||
	    v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

/* An option as the user spelled it: -n, or --dry-run. */
static const char *
opt_label(int c, int id, char *buf, size_t len)
{
	if (c < 256)
		snprintf(buf, len, "-%c", c);
	else
		snprintf(buf, len, "--%s", opts[id].name);
	return buf;
}

static int
parse(const struct cmd_entry *ce, int argc, char **argv, struct args *a)
{
	struct option lo[O_COUNT + 1];
	char so[3 * O_COUNT + 2], lab[40];
	size_t k = 0;
	int c, idx;

	so[k++] = ':';		/* ':' reports a missing argument apart */
	for (int i = 0; i < O_COUNT; i++) {
		lo[i] = (struct option){ opts[i].name, opts[i].arg ?
		    required_argument : no_argument, NULL, 256 + i };
		if (opts[i].shortc) {
			so[k++] = (char)opts[i].shortc;
			if (opts[i].arg)
				so[k++] = ':';
		}
	}
	so[k] = '\0';
	lo[O_COUNT] = (struct option){ NULL, 0, NULL, 0 };
	opterr = 0;
	optind = 2;
	while ((c = getopt_long(argc, argv, so, lo, &idx)) != -1) {
		int id = -1;

		if (c == '?') {
			if (optopt && optopt < 256)
				return bad_usage("%s: unknown option -%c",
				    ce->name, optopt);
			return bad_usage("%s: unknown option %s", ce->name,
			    argv[optind - 1]);
		}
		if (c == ':')
			return bad_usage("%s: %s needs a value", ce->name,
			    argv[optind - 1]);
		if (c >= 256)
			id = c - 256;
		else
			for (int i = 0; i < O_COUNT; i++)
				if (opts[i].shortc == c)
					id = i;
		if (id == O_HELP) {
			usage_cmd(stdout, ce);
			return TLSH_EXIT_OK;
		}
		if (id == O_VERSION) {
			version();
			return TLSH_EXIT_OK;
		}
		if (id == O_JSON)
			json_wanted = 1;
		if (!(ce->opts & B(id)))
			return bad_usage("%s: %s is not an option of %s",
			    ce->name, opt_label(c, id, lab, sizeof(lab)),
			    ce->name);
		switch (id) {
		case O_PROFILE:
		case O_SET:
		case O_REG:
		case O_FINDINGS:
			a->o.pargs[a->o.npargs].kind = id == O_PROFILE ?
			    PA_PROFILE : id == O_SET ? PA_SET : id == O_REG ?
			    PA_REG : PA_FINDINGS;
			a->o.pargs[a->o.npargs++].arg = optarg;
			break;
		case O_UNDO: a->o.undo = optarg; break;
		case O_OUTPUT: a->o.out = optarg; break;
		case O_UTF8: a->o.utf8 = 1; break;
		case O_OS: a->o.os = optarg; break;
		case O_FORCE: a->o.force = 1; break;
		case O_DRYRUN: a->o.dry_run = 1; break;
		case O_JSON: a->o.json = 1; break;
		case O_FROM: a->from = optarg; break;
		case O_QUIET: a->quiet = a->o.quiet = 1; break;
		case O_REBUILD: a->o.rebuild = 1; break;
		case O_SYSTEM: a->o.file[HV_SYSTEM] = optarg; break;
		case O_SOFTWARE: a->o.file[HV_SOFTWARE] = optarg; break;
		case O_USER: a->o.file[HV_USER] = optarg; break;
		case O_USERS:
			if (strcmp(optarg, "default") == 0)
				a->o.users = USERS_DEFAULT;
			else if (strcmp(optarg, "all") == 0)
				a->o.users = USERS_ALL;
			else if (strcmp(optarg, "none") == 0)
				a->o.users = USERS_NONE;
			else
				return bad_usage("--users %s: expected default, "
				    "all or none", optarg);
			break;
		case O_REPLAY: a->o.replay_logs = 1; break;
		case O_WAIT: a->o.wait = 1; break;
		case O_JOURNAL_DIR: a->o.journal_dir = optarg; break;
		case O_FORMAT: a->o.format = optarg; break;
		case O_TIME_LIMIT:
		case O_MEMORY_LIMIT: {
			int v;
			if (number(optarg, 0, 1 << 20, &v) == -1)
				return bad_usage("--%s %s: expected a number, 0 "
				    "to 1048576", opts[id].name, optarg);
			if (id == O_TIME_LIMIT)
				a->o.time_limit = (unsigned)v;
			else
				a->o.memory_limit = (unsigned)v;
			break;
		}
		case O_BACKING: a->o.allow_backing = 1; break;
		case O_BASE: a->o.base = optarg; break;
		case O_NO_SANDBOX: a->o.no_sandbox = 1; break;
		case O_EXPLICIT: a->o.explicit_only = 1; break;
		case O_EXIT_ZERO: a->o.exit_zero = 1; break;
		case O_CHECKLIST: a->o.checklist = optarg; break;
		case O_XCCDF: a->o.xccdf = optarg; break;
		case O_SHA256: a->o.sha256 = 1; break;
		case O_STRICT: a->o.strict = 1; break;
		case O_DISCARD: a->o.discard_logs = 1; break;
		case O_VERBOSE: a->o.verbose = 1; break;
		case O_JOBS:
			if (number(optarg, 1, 1024, &a->jobs) == -1)
				return bad_usage("-j %s: expected a number of "
				    "workers, 1 to 1024", optarg);
			break;
		case O_PARTITION:
			if (number(optarg, 1, 128, &a->o.partition) == -1)
				return bad_usage("--partition %s: expected a "
				    "partition number, 1 to 128", optarg);
			break;
		case O_INDEX:
			if (number(optarg, 1, 65535, &a->o.index) == -1)
				return bad_usage("--index %s: expected a WIM "
				    "image number, from 1", optarg);
			break;
		}
	}
	a->argv = argv + optind;
	a->nargs = argc - optind;
	if (ce->maxargs >= 0 && a->nargs > ce->maxargs)
		return bad_usage("%s: unexpected argument \"%s\"", ce->name,
		    a->argv[ce->maxargs]);
	if (a->nargs < ce->minargs)
		return bad_usage("%s: expected %s", ce->name, ce->usage);
	return -1;
}

static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Several images named alike would write one checklist over another. */
static int
same_names(const char *dir, char **roots, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			char *a = report_path(dir, roots[i], 0, ""),
			    *b = report_path(dir, roots[j], 0, "");
			int same = strcmp(a, b) == 0;

			free(a);
			free(b);
			if (same) {
				bad_usage("%s and %s: their checklists would "
				    "have one name in the directory; give images "
				    "named apart", roots[i], roots[j]);
				return -1;
			}
		}
	return 0;
}

/* One image (or a WIM's images): its documents' files named, then run. */
static int
one_image(struct options *o)
{
	const char *img = o->root ? o->root : o->file[HV_SYSTEM] ?
	    o->file[HV_SYSTEM] : o->file[HV_SOFTWARE];
	char *ckl = NULL, *xccdf = NULL;
	int rc;

	if (o->checklist)
		o->checklist = ckl = report_path(o->checklist, img, o->index,
		    CKL_EXT);
	if (o->xccdf)
		o->xccdf = xccdf = report_path(o->xccdf, img, o->index,
		    XCCDF_EXT);
	rc = cmd_run(o);
	free(ckl);
	free(xccdf);
	return rc;
}

static int
run_images(struct args *a)
{
	struct options *o = &a->o;

	if (o->replay_logs && o->discard_logs)
		return bad_usage("--replay-logs or --discard-logs, not both");
	if (a->nargs > 1 || a->from) {
		size_t n = 0;
		char **roots;
		int rc;

		if (o->undo || o->file[0] || o->file[1] || o->file[2])
			return bad_usage("several images (or --from) go with "
			    "ROOTs, without --undo, --system, --software or "
			    "--user");
		if (a->from && a->nargs > 0)
			return bad_usage("give ROOTs or --from, not both");
		if (o->checklist && !is_dir(o->checklist))
			return bad_usage("--checklist %s: several images have a "
			    "checklist each: give a directory", o->checklist);
		if (o->xccdf && !is_dir(o->xccdf))
			return bad_usage("--xccdf %s: several images have a "
			    "results document each: give a directory", o->xccdf);
		if (a->from) {
			if ((roots = batch_read_list(a->from, &n)) == NULL) {
				int st = tlsh_errtemp() ?
				    TLSH_EXIT_TEMPFAIL : TLSH_EXIT_ERROR;
				fprintf(stderr, "tlshive: %s\n", tlsh_errmsg());
				if (o->json)
					report_json_error(stdout, NULL,
					    tlsh_errcode(), tlsh_errmsg(), st, 1);
				return st;
			}
		} else {
			roots = a->argv;
			n = (size_t)a->nargs;
		}
		if ((o->checklist || o->xccdf) && same_names(o->checklist ?
		    o->checklist : o->xccdf, roots, n) == -1)
			rc = TLSH_EXIT_ERROR;
		else
			rc = batch_run(o, roots, n, a->jobs, a->quiet);
		if (a->from)
			strv_free(roots, n);
		return rc;
	}
	if (a->nargs == 1 && (o->file[0] || o->file[1] || o->file[2]))
		return bad_usage("give ROOT or --system/--software/--user, not "
		    "both");
	if (a->nargs == 0 && !o->file[0] && !o->file[1])
		return bad_usage("no image given (ROOT, or --system FILE "
		    "and/or --software FILE)");
	o->root = a->nargs ? a->argv[0] : NULL;
	return one_image(o);
}

static int
run_export(struct args *a)
{
	struct options *o = &a->o;

	if (o->os && (a->nargs || o->file[0] || o->file[1] || o->file[2]))
		return bad_usage("export takes an image or --os, not both");
	if (a->nargs && (o->file[0] || o->file[1] || o->file[2]))
		return bad_usage("give ROOT or --system/--software/--user, not "
		    "both");
	if (o->replay_logs && o->discard_logs)
		return bad_usage("--replay-logs or --discard-logs, not both");
	o->root = a->nargs ? a->argv[0] : NULL;
	return cmd_export(o);
}

static int
run_recover(struct args *a)
{
	a->o.root = a->argv[0];
	return cmd_recover(&a->o);
}

static int
run_profiles(struct args *a)
{
	return cmd_profiles(a->nargs ? a->argv[0] : NULL);
}

static int
run_settings(struct args *a)
{
	return cmd_settings(a->o.json);
}

static int
run_help(struct args *a)
{
	if (a->nargs == 0) {
		usage(stdout);
		return TLSH_EXIT_OK;
	}
	for (size_t i = 0; i < NCMDS; i++)
		if (strcmp(a->argv[0], cmds[i].name) == 0) {
			usage_cmd(stdout, &cmds[i]);
			return TLSH_EXIT_OK;
		}
	return bad_usage("help: unknown command \"%s\"", a->argv[0]);
}

int
main(int argc, char **argv)
{
	const struct cmd_entry *ce = NULL;
	struct args a = { 0 };
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int rc;

	/* A write past RLIMIT_FSIZE must fail with EFBIG, not kill us
	 * half-way through a commit, where the put-back must still run. */
	signal(SIGXFSZ, SIG_IGN);
	/* Ctrl-C or a kill leaves no temporary file; a hive being written is
	 * safe anyway, its log comes first */
	tmp_signals();
	/* one time for the whole run, whichever process writes */
	(void)tlsh_run_time();

	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)) {
		usage(stdout);
		return TLSH_EXIT_OK;
	}
	if (argc >= 2 && (strcmp(argv[1], "-V") == 0 ||
	    strcmp(argv[1], "--version") == 0)) {
		version();
		return TLSH_EXIT_OK;
	}
	tlsh_clock_start();
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--json") == 0)
			json_wanted = 1;
	if (argc < 2)
		return bad_usage("no command given");
	for (size_t i = 0; i < NCMDS; i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			ce = &cmds[i];
	if (ce == NULL)
		return bad_usage("unknown command \"%s\"", argv[1]);
	a.o.cmd = ce->cmd;
	/* before any worker or contained child is forked */
	regval_init();
	a.jobs = ncpu > 0 ? (int)(ncpu < 1024 ? ncpu : 1024) : 1;
	/* one image's worker: ten minutes, and twice the largest hive
	 * Windows keeps (2 GB) with room for hivex's copy */
	a.o.time_limit = 600;
	a.o.memory_limit = 4096;
	if ((a.o.pargs = calloc((size_t)argc, sizeof(*a.o.pargs))) == NULL)
		return TLSH_EXIT_ERROR;
	/* returns -1 to go on, or the exit status (--help, an error) */
	if ((rc = parse(ce, argc, argv, &a)) == -1) {
		struct span run;

		trace_start();
		trace_begin(&run);
		rc = ce->exec(&a);
		trace_end(&run, "run", argv[1]);
		/* the workers and the contained child say 1, and their
		 * reports say why; only this process's status changes */
		if (a.o.exit_zero && rc == TLSH_EXIT_NONCOMPLIANT)
			rc = TLSH_EXIT_OK;
		rc = exit_status(rc);
	}
	free(a.o.pargs);
	return rc;
}
