/* What the command line asked for, parsed (main.c) for the commands. */
#ifndef OPTIONS_H
#define OPTIONS_H

#include "cli/report.h"
#include "tlshive.h"

/* A -p, --set, --reg or --findings argument, kept in command-line order. */
struct policy_arg {
	enum { PA_PROFILE, PA_SET, PA_REG, PA_FINDINGS } kind;
	const char *arg;
};

struct options {
	enum command cmd;
	const char *root;
	const char *file[HV_COUNT];
	struct policy_arg *pargs;
	size_t npargs;
	int json, dry_run, discard_logs, replay_logs, utf8, wait;
	int explicit_only;	/* check --explicit */
	int exit_zero;		/* check --exit-zero: not compliant exits 0 */
	int sha256;		/* --sha256: image files hashed in the JSON */
	int strict;		/* skipped .reg lines and ignored values
				 * are errors */
	/* HKEY_CURRENT_USER: the Default profile, every profile too, or none */
	enum { USERS_DEFAULT, USERS_ALL, USERS_NONE } users;
	int verbose;		/* -v: every value in the report */
	int force;		/* write what a warning says will hurt */
	const char *os;		/* export: the Windows to write for */
	int partition;		/* a disk image's partition, 0: find it */
	int index;		/* a WIM's image, 0: every one */
	int rebuild;		/* a WIM: write it anew, reclaiming space */
	const char *journal_dir;	/* disk images' journals, or NULL */
	const char *format;	/* a disk image's format, or NULL: probed */
	int allow_backing;	/* a disk image may name local backing files */
	const char *base;	/* --base URL: a qcow2 overlay's remote base */
	int no_sandbox;		/* parse the image in this process */
	const char *undo;	/* apply: where the undo .reg goes */
	const char *out;	/* export: where the .reg goes ("-" stdout) */
	/* check: where the STIG Viewer checklist and the XCCDF results go,
	 * this image's file (report_path) once main or a worker named it */
	const char *checklist, *xccdf;
	unsigned time_limit;	/* several images: seconds a worker may run */
	unsigned memory_limit;	/* ... and MiB of address space it may use */
	int quiet;		/* no progress line */
	int batch;		/* a worker of several images: each JSON
				 * document on one line, with its outcome */
};

#endif
