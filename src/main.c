/* tlshive: make offline Windows images TLS-compliant through their registry hives. */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "cmd.h"
#include "regval.h"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: tlshive show     [--json] [--discard-logs] IMAGE\n"
	    "       tlshive check    [-p PROFILE] [--reg FILE.reg]... "
	    "[--set 'NAME = VALUE']...\n"
	    "                        [--explicit] [--force] [--json] "
	    "[--discard-logs] IMAGE\n"
	    "       tlshive apply    [-p PROFILE] [--reg FILE.reg]... "
	    "[--set 'NAME = VALUE']...\n"
	    "                        [--undo UNDO.reg] [-n] [--force] [--json] "
	    "[--discard-logs] IMAGE\n"
	    "       tlshive export   [-p PROFILE] [--reg FILE.reg]... "
	    "[--set 'NAME = VALUE']...\n"
	    "                        [-o OUT.reg] [--utf8] [--force] "
	    "[--os NAME|BUILD | IMAGE]\n"
	    "       tlshive recover  [-o OUT] [--wait] HIVE\n"
	    "       tlshive profiles [NAME]\n"
	    "       tlshive settings [--json]\n"
	    "IMAGE is ROOT (a mounted Windows volume), a disk image file "
	    "(raw, qcow2, VHDX, VHD,\nVMDK; [--partition N]), a WIM file "
	    "([--index N]) or --system FILE [--software FILE];\n"
	    "show, check and apply also take several ROOTs, or --from FILE, "
	    "[-j N] [--quiet]\n"
	    "\n"
	    "  -p, --profile PROFILE  built-in profile name or file "
	    "(default: " DEFAULT_PROFILE ")\n"
	    "  -r, --reg FILE.reg     changes from a .reg file\n"
	    "  -s, --set 'NAME = V'   one setting; -p, --reg, --set apply in "
	    "order, and\n"
	    "                         without any of them: " DEFAULT_PROFILE
	    "\n"
	    "  -u, --undo UNDO.reg    apply: first write a .reg that "
	    "restores the hives\n"
	    "  -o, --output OUT.reg   export: write here, not to standard "
	    "output\n"
	    "      --utf8             export: UTF-8 and LF, not regedit's "
	    "UTF-16LE\n"
	    "      --os NAME|BUILD    export: for this Windows (2022, win7, "
	    "20348, ...)\n"
	    "      --force            write TLS 1.3 on an Exchange server all "
	    "the same;\n"
	    "                         apply: replace an existing undo file\n"
	    "  -n, --dry-run          print the plan, write nothing\n"
	    "      --json             one JSON document on standard output "
	    "(JSON Lines for several images)\n"
	    "  -j, --jobs N           several images: N at a time (default: "
	    "the CPUs)\n"
	    "      --from FILE        several images: one ROOT per line, - for "
	    "standard input\n"
	    "      --quiet            several images: no progress line\n"
	    "      --partition N      a disk image: the partition holding "
	    "Windows\n"
	    "      --index N          a WIM: only image N (default: every "
	    "image)\n"
	    "      --rebuild          apply to a WIM: write it anew, reclaiming "
	    "space\n"
	    "      --system FILE      the SYSTEM hive file\n"
	    "      --software FILE    the SOFTWARE hive file\n"
	    "      --replay-logs      replay a dirty hive's .LOG1/.LOG2 in "
	    "memory first\n"
	    "      --wait             wait for another tlshive writing the "
	    "same hive\n"
	    "      --explicit         check: a value Windows' default satisfies "
	    "still differs\n"
	    "      --discard-logs     use a dirty hive as it is, losing what "
	    "its .LOG1/.LOG2 hold\n"
	    "  -h, --help             this text\n"
	    "  -V, --version          print the version\n"
	    "\n"
	    "Exit status: 0 done or compliant, 1 not compliant (check), "
	    "2 error.\n"
	    "See tlshive(8) and tlshive-profile(5).\n");
}

/* The version, and whether image files can be opened (tests ask). */
static void
version(void)
{
#ifdef WITH_IMAGES
	printf("tlshive %s (+images: raw, qcow2, VHDX, VHD, VMDK, WIM)\n",
	    PACKAGE_VERSION);
#else
	printf("tlshive %s (-images)\n", PACKAGE_VERSION);
#endif
}

static int
bad_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "tlshive: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	usage(stderr);
	return TLSH_EXIT_ERROR;
}

int
main(int argc, char **argv)
{
	enum { OPT_SYSTEM = 256, OPT_SOFTWARE, OPT_DISCARD, OPT_UTF8,
	    OPT_REPLAY, OPT_WAIT, OPT_EXPLICIT, OPT_FROM, OPT_QUIET, OPT_JSON,
	    OPT_OS, OPT_FORCE, OPT_PARTITION, OPT_INDEX, OPT_REBUILD };
	static const struct option longopts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "set", required_argument, NULL, 's' },
		{ "reg", required_argument, NULL, 'r' },
		{ "undo", required_argument, NULL, 'u' },
		{ "output", required_argument, NULL, 'o' },
		{ "utf8", no_argument, NULL, OPT_UTF8 },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "system", required_argument, NULL, OPT_SYSTEM },
		{ "software", required_argument, NULL, OPT_SOFTWARE },
		{ "discard-logs", no_argument, NULL, OPT_DISCARD },
		{ "replay-logs", no_argument, NULL, OPT_REPLAY },
		{ "wait", no_argument, NULL, OPT_WAIT },
		{ "explicit", no_argument, NULL, OPT_EXPLICIT },
		{ "os", required_argument, NULL, OPT_OS },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "partition", required_argument, NULL, OPT_PARTITION },
		{ "index", required_argument, NULL, OPT_INDEX },
		{ "rebuild", no_argument, NULL, OPT_REBUILD },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "jobs", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, OPT_QUIET },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct options o = { 0 };
	const char *verb, *from = NULL;
	int c, rc, quiet = 0;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int jobs = ncpu > 0 ? (int)ncpu : 1;

	/* A write past RLIMIT_FSIZE must fail with EFBIG, not kill us
	 * half-way through a commit, where the put-back must still run. */
	signal(SIGXFSZ, SIG_IGN);

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
	if (argc < 2)
		return bad_usage("%s", "no command given");
	verb = argv[1];
	if (strcmp(verb, "show") == 0)
		o.cmd = CMD_SHOW;
	else if (strcmp(verb, "check") == 0)
		o.cmd = CMD_CHECK;
	else if (strcmp(verb, "apply") == 0)
		o.cmd = CMD_APPLY;
	else if (strcmp(verb, "export") == 0)
		o.cmd = CMD_EXPORT;
	else if (strcmp(verb, "profiles") != 0 && strcmp(verb, "settings") != 0 &&
	    strcmp(verb, "recover") != 0)
		return bad_usage("unknown command \"%s\"", verb);

	o.pargs = calloc((size_t)argc, sizeof(*o.pargs));
	if (o.pargs == NULL)
		return TLSH_EXIT_ERROR;
	optind = 2;
	while ((c = getopt_long(argc, argv, "p:s:r:u:o:j:nhV", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'p':
		case 's':
		case 'r':
			o.pargs[o.npargs].kind = c == 'p' ? PA_PROFILE :
			    c == 's' ? PA_SET : PA_REG;
			o.pargs[o.npargs++].arg = optarg;
			break;
		case 'u':
			o.undo = optarg;
			break;
		case 'o':
			o.out = optarg;
			break;
		case OPT_UTF8:
			o.utf8 = 1;
			break;
		case 'n':
			o.dry_run = 1;
			break;
		case OPT_JSON:
			o.json = 1;
			break;
		case 'j':
			jobs = atoi(optarg);
			if (jobs < 1 || jobs > 1024) {
				free(o.pargs);
				return bad_usage("-j %s: expected 1 to 1024 "
				    "workers", optarg);
			}
			break;
		case OPT_FROM:
			from = optarg;
			break;
		case OPT_QUIET:
			quiet = 1;
			break;
		case OPT_SYSTEM:
			o.file[HV_SYSTEM] = optarg;
			break;
		case OPT_SOFTWARE:
			o.file[HV_SOFTWARE] = optarg;
			break;
		case OPT_DISCARD:
			o.discard_logs = 1;
			break;
		case OPT_REPLAY:
			o.replay_logs = 1;
			break;
		case OPT_WAIT:
			o.wait = 1;
			break;
		case OPT_EXPLICIT:
			o.explicit_only = 1;
			break;
		case OPT_OS:
			o.os = optarg;
			break;
		case OPT_FORCE:
			o.force = 1;
			break;
		case OPT_PARTITION: {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || v < 1 || v > 128) {
				free(o.pargs);
				return bad_usage("--partition %s: expected a "
				    "partition number, 1 to 128", optarg);
			}
			o.partition = (int)v;
			break;
		}
		case OPT_INDEX: {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || v < 1 || v > 65535) {
				free(o.pargs);
				return bad_usage("--index %s: expected a WIM image "
				    "number, from 1", optarg);
			}
			o.index = (int)v;
			break;
		}
		case OPT_REBUILD:
			o.rebuild = 1;
			break;
		case 'h':
			usage(stdout);
			free(o.pargs);
			return TLSH_EXIT_OK;
		case 'V':
			version();
			free(o.pargs);
			return TLSH_EXIT_OK;
		default:
			usage(stderr);
			free(o.pargs);
			return TLSH_EXIT_ERROR;
		}
	}

	if (strcmp(verb, "recover") == 0) {
		if (o.npargs || o.dry_run || o.file[0] || o.file[1] || o.json ||
		    o.undo || o.utf8 || argc - optind != 1)
			rc = bad_usage("%s", "usage: tlshive recover [-o OUT] HIVE");
		else
			rc = cmd_recover(argv[optind], o.out, o.wait);
		free(o.pargs);
		return rc;
	}
	if (strcmp(verb, "profiles") == 0 || strcmp(verb, "settings") == 0) {
		if (o.npargs || o.dry_run || o.file[0] || o.file[1] ||
		    argc - optind > (verb[0] == 'p'))
			rc = bad_usage("%s: unexpected arguments", verb);
		else if (verb[0] == 'p')
			rc = cmd_profiles(optind < argc ? argv[optind] : NULL);
		else
			rc = cmd_settings(o.json);
		free(o.pargs);
		return rc;
	}
	if (o.cmd == CMD_SHOW && o.npargs)
		rc = bad_usage("%s", "show takes no -p, --reg or --set");
	else if (o.undo && o.cmd != CMD_APPLY)
		rc = bad_usage("%s", "--undo is for apply");
	else if (o.explicit_only && o.cmd != CMD_CHECK)
		rc = bad_usage("%s", "--explicit is for check");
	else if (o.os && o.cmd != CMD_EXPORT)
		rc = bad_usage("%s", "--os is for export; check and apply read "
		    "the build from the image");
	else if (o.os && (argc > optind || o.file[0] || o.file[1]))
		rc = bad_usage("%s", "export takes an image or --os, not both");
	else if (o.force && o.cmd == CMD_SHOW)
		rc = bad_usage("%s", "--force is for check, apply and export");
	else if (o.replay_logs && o.discard_logs)
		rc = bad_usage("%s", "--replay-logs or --discard-logs, not both");
	else if ((o.out || o.utf8) && o.cmd != CMD_EXPORT)
		rc = bad_usage("%s", "-o and --utf8 are for export");
	else if (o.cmd == CMD_EXPORT && o.json)
		rc = bad_usage("%s", "export writes .reg, not JSON");
	else if (o.cmd != CMD_APPLY && o.dry_run)
		rc = bad_usage("%s", "-n is for apply");
	else if ((argc - optind > 1 || from) && (o.cmd == CMD_EXPORT ||
	    o.undo || o.file[0] || o.file[1]))
		rc = bad_usage("%s", "several images (or --from) go with show, "
		    "check and apply on ROOTs, without --undo");
	else if (argc - optind > 1 || from) {
		size_t n = 0;
		char **roots;

		if (from && argc - optind > 0)
			rc = bad_usage("%s", "give ROOTs or --from, not both");
		else if (from && (roots = batch_read_list(from, &n)) == NULL) {
			fprintf(stderr, "tlshive: %s\n", tlsh_errmsg());
			rc = TLSH_EXIT_ERROR;
		} else {
			if (!from) {
				roots = argv + optind;
				n = (size_t)(argc - optind);
			}
			rc = batch_run(&o, roots, n, jobs, quiet);
			if (from)
				strv_free(roots, n);
		}
	}
	else if (optind < argc && (o.file[0] || o.file[1]))
		rc = bad_usage("%s", "give ROOT or --system/--software, not both");
	else if (optind == argc && !o.file[0] && !o.file[1] &&
	    o.cmd != CMD_EXPORT)
		rc = bad_usage("%s", "no image given (ROOT, or --system FILE "
		    "and/or --software FILE)");
	else {
		o.root = optind < argc ? argv[optind] : NULL;
		rc = o.cmd == CMD_EXPORT ? cmd_export(&o) : cmd_run(&o);
	}
	free(o.pargs);
	return rc;
}
