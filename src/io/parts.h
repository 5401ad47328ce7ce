/*
 * Partitions of a disk image: GPT (both CRCs checked, the backup header
 * used when the primary is damaged) and MBR with logical partitions, for
 * 512-byte and 4 KiB sectors.  libblkid and libfdisk read partition tables
 * from a file descriptor only, and a qcow2, VHDX or VMDK image has none to
 * give them (its blocks come through NBD), so the tables are read here.
 */
#ifndef PARTS_H
#define PARTS_H

#include <stddef.h>
#include <stdint.h>

struct blk;

enum part_kind {
	PK_OTHER,
	PK_NTFS,		/* an NTFS boot sector */
	PK_BITLOCKER,		/* -FVE-FS-: encrypted */
	PK_DYNAMIC,		/* a dynamic disk (LDM) */
	PK_SPACES		/* a Storage Spaces member */
};

struct part {
	int num;		/* 1-based; 0: the whole disk is one volume */
	uint64_t off, len;	/* bytes */
	char scheme[5];		/* "gpt", "mbr", "none" */
	enum part_kind kind;
};

/* Up to max partitions into out; their number, or -1 with a message. */
int parts_scan(struct blk *, struct part *out, int max);

#endif
