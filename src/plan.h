/* From wanted settings and image facts to concrete values, and their diff. */
#ifndef PLAN_H
#define PLAN_H

#include "facts.h"
#include "hive.h"
#include "profile.h"
#include "regval.h"
#include "table.h"

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
	struct ignored *ign;	/* in op order */
	size_t nign;
};

/* Every row of the table at every place it lives, with current values. */
int plan_show(struct plan *, const struct facts *, struct hive *h[HV_COUNT]);
/*
 * The writes a policy asks for on this image; gating problems go to errs
 * (all of them), and the plan is only usable when it returns 0.
 */
enum {
	PLAN_LIVE = 1,	/* for a running machine: CurrentControlSet, no reads */
	PLAN_FORCE = 2,	/* write what a warning says will hurt (--force) */
	PLAN_PROFILE = 4 /* for one more user profile: HKEY_USERS\SID
			  * changes are its own; else they are left out */
};
int plan_build(struct plan *, const struct policy *, const struct facts *,
    struct hive *h[HV_COUNT], int flags, struct strlist *errs);
void plan_free(struct plan *);

/* Value names a row uses: 1 or 2 (protocols add DisabledByDefault). */
size_t plan_value_names(const struct setting *, const char *names[2]);
/* The row's state in profile words ("on", "off", "absent", "2048", ...). */
char *plan_state(const struct target *);
/* "Value=..." rendering of a current value, or "absent". */
char *plan_current(const struct target *, const char *name);
/* The op's state before and after, in words: "absent", "0x1 (1)", ... */
char *plan_op_before(const struct op *);
char *plan_op_after(const struct op *);
/* What Windows does with a target's setting on this image. */
enum effect_source { SRC_REGISTRY, SRC_DEFAULT, SRC_LOCAL };
struct effect_of {
	enum effect state;	/* EFF_VALUE: the value is in text */
	char *text;		/* the state in words, or the value */
	enum effect_source source;	/* where it comes from */
	const char *page;	/* the page that documents a default */
};
void plan_effect(const struct target *, const struct facts *,
    struct effect_of *);
void plan_effect_free(struct effect_of *);
/* "registry", "os-default", "local-list" */
const char *effect_source_name(enum effect_source);
/*
 * What check counts as not compliant: differences and unknowns, and with
 * explicit_only the values only Windows' defaults satisfy as well.
 */
size_t plan_noncompliant(const struct plan *, int explicit_only);
/* Does check count an op of this verdict? */
int verdict_counts(enum verdict, int explicit_only);
/* The op's label: its setting's name, or where it came from. */
const char *plan_op_label(const struct op *);
/*
 * An ignored change in words: "t.reg:4: SYSTEM\...\Client: Schannel has
 * no key ...; closest: ...".  NULL when an earlier one says the same of
 * the same .reg line (its other control set or view).
 */
char *plan_ignored_text(const struct plan *, size_t k, const char *lead);

#endif
