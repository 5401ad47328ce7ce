/*
 * The plan's data: where each row lives (targets), the changes it wants
 * (ops) with their verdicts, and what it warns of or finds ignored.  Every
 * step of the plan and everything that renders one reads these; the
 * functions are in plan.h, verdict.h and plantext.h.
 */
#ifndef PLANTYPES_H
#define PLANTYPES_H

#include "policy/facts.h"
#include "policy/profile.h"
#include "policy/table.h"
#include "regf/hive.h"
#include "regval.h"

/* One place a row lives in: a control set, or a registry view. */
struct target {
	const struct setting *s;
	char *key;		/* full key path from the hive root */
	char *where;		/* "ControlSet001", "64-bit", "32-bit" or "" */
	struct regval cur[2];	/* the row's value, and DisabledByDefault */
	int present[2];
};

/*
 * Where a wanted value stands on the image.  Compliant: the hive holds it.
 * Implicit: absent, but Windows' default for this build has the same
 * effect.  Unsupported: absent, and the build lacks the thing switched
 * off.  Differs: the hive holds something else, or nothing.  Unknown:
 * absent, and no page documents what this build does without it.
 */
enum verdict { V_COMPLIANT, V_IMPLICIT, V_UNSUPPORTED, V_DIFFERS, V_UNKNOWN,
    V_COUNT };

/* One change the plan wants: a value set or deleted, a key made or deleted. */
enum op_kind { OP_SET, OP_DELETE_VALUE, OP_DELETE_KEY, OP_MKKEY };

#define NO_TARGET ((size_t)-1)

struct op {
	enum op_kind kind;
	enum hive_id hive;
	char *key;		/* full key path from the hive root */
	char *name;		/* value name ("" default); NULL for key ops */
	const struct setting *s;	/* the table row it belongs to, or NULL */
	size_t target;		/* its target, or NO_TARGET */
	struct regval want;	/* OP_SET */
	struct regval cur;	/* the value before apply, if cur_present */
	int cur_present;
	int key_present;	/* the key exists before apply */
	int under_deleted;	/* a needed earlier op deletes a key above it:
				 * apply writes it whatever the hive holds */
	int rebuilt;		/* OP_DELETE_KEY: later ops give the key
				 * keys or values again */
	size_t extras;		/* ... and it holds this many more */
	char *created;		/* the topmost key apply creates for it */
	int accept_nonzero;	/* a present non-zero DWORD already complies */
	int at_least;		/* a present DWORD >= want already complies
				 * (a benchmark's "| at least") */
	int needed;		/* the hive does not hold it yet */
	int ignored;		/* Windows never reads what it writes: not
				 * counted, listed apart (see struct ignored) */
	enum verdict verdict;
	char *origin;		/* "FILE:LINE", "--set" */
	char *sid;		/* an export's HKEY_USERS\SID change (its key
				 * then starts with the SID), or NULL */
	unsigned seq;
	size_t order;		/* creation order, to keep the sort stable */
};

/* A prerequisite update the image seems to lack. */
struct plan_warning {
	uint32_t kb;
	char *text;
};

/*
 * A .reg change Windows ignores (a key or value Schannel does not know, a
 * value of the wrong type, a setting this build lacks), or one item of a
 * list it writes that Windows skips.
 */
struct ignored {
	size_t op;
	char *item;		/* the list item, or NULL: the whole op */
	char *why;
	char *closest;		/* the nearest name Windows reads, or NULL */
};

struct plan {
	struct target *t;
	size_t nt;
	struct op *ops;
	size_t nops;
	size_t nneeded;
	size_t nverdict[V_COUNT];	/* ops of each verdict */
	struct strlist notes;
	struct plan_warning *warn;
	size_t nwarn;
	struct strlist unchecked;	/* prerequisites of what the policy
					 * writes that no SOFTWARE hive could
					 * confirm (version, updates) */
	struct ignored *ign;	/* in op order */
	size_t nign;
};

/* plan_build's flags. */
enum {
	PLAN_LIVE = 1,	/* for a running machine: CurrentControlSet, no reads */
	PLAN_FORCE = 2,	/* write what a warning says will hurt (--force) */
	PLAN_PROFILE = 4 /* for one more user profile: HKEY_USERS\SID
			  * changes are its own; else they are left out */
};

/* What Windows does with a target's setting on this image (plan_effect). */
enum effect_source { SRC_REGISTRY, SRC_DEFAULT, SRC_LOCAL };
struct effect_of {
	enum effect state;	/* EFF_VALUE: the value is in value */
	struct regval value;	/* what Windows uses: the registry's value,
				 * or its default for the build */
	enum effect_source source;	/* where it comes from */
	const char *page;	/* the page that documents a default */
};

#endif
