/*
 * mkunclean VOLUME: make an NTFS volume file look as Windows leaves it
 * after a crash or a power cut, for the unclean-volume refusal test.
 *
 * NTFS keeps two restart pages at the start of $LogFile.  Their restart
 * area lists the log clients in use and has RESTART_VOLUME_IS_CLEAN when
 * nothing is pending.  mkntfs leaves $LogFile all 0xff ("empty", clean);
 * this writes both pages with client 0 ("NTFS") in use and no clean flag,
 * so libntfs-3g refuses a read-write mount without NTFS_MNT_RECOVER
 * (EOPNOTSUPP) and still allows a read-only one.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <ntfs-3g/types.h>
#include <ntfs-3g/attrib.h>
#include <ntfs-3g/inode.h>
#include <ntfs-3g/layout.h>
#include <ntfs-3g/logfile.h>
#include <ntfs-3g/logging.h>
#include <ntfs-3g/mst.h>
#include <ntfs-3g/volume.h>

enum { PAGE = 4096 };	/* system and log page size */

static void
restart_page(u8 *p, s64 logfile_size)
{
	RESTART_PAGE_HEADER *rp = (RESTART_PAGE_HEADER *)p;
	/* the update sequence array follows the header: one number plus one
	 * entry per 512-byte sector; the restart area is 8-aligned after it */
	const u16 usa_ofs = offsetof(RESTART_PAGE_HEADER, usn);
	const u16 usa_count = 1 + PAGE / NTFS_BLOCK_SIZE;
	const u16 ra_ofs = (u16)((usa_ofs + 2 * usa_count + 7) & ~7);
	RESTART_AREA *ra = (RESTART_AREA *)(p + ra_ofs);
	const u16 ca_ofs = (u16)((sizeof(RESTART_AREA) + 7) & ~7);
	LOG_CLIENT_RECORD *cr = (LOG_CLIENT_RECORD *)((u8 *)ra + ca_ofs);
	static const char name[] = "NTFS";
	u32 bits = 0;

	/* zero, not 0xff, after the restart area: libntfs-3g reads the
	 * sectors at 512, 1024 and 2048 and takes 0xff as the log's end,
	 * before it looks for the second restart page */
	memset(p, 0, PAGE);
	rp->magic = magic_RSTR;
	rp->usa_ofs = cpu_to_le16(usa_ofs);
	rp->usa_count = cpu_to_le16(usa_count);
	rp->system_page_size = cpu_to_le32(PAGE);
	rp->log_page_size = cpu_to_le32(PAGE);
	rp->restart_area_offset = cpu_to_le16(ra_ofs);
	/* version 1.1: 2.0 is Windows 8's fast restart, refused as EPERM */
	rp->minor_ver = cpu_to_sle16(1);
	rp->major_ver = cpu_to_sle16(1);

	ra->current_lsn = cpu_to_sle64(0x100000);
	ra->log_clients = cpu_to_le16(1);
	ra->client_free_list = LOGFILE_NO_CLIENT;
	ra->client_in_use_list = cpu_to_le16(0);
	ra->flags = 0;
	/* the sequence number takes the LSN bits the file offset leaves */
	for (u64 s = (u64)logfile_size; s; s >>= 1)
		bits++;
	ra->seq_number_bits = cpu_to_le32(67 - bits);
	ra->restart_area_length = cpu_to_le16((u16)(ca_ofs +
	    sizeof(LOG_CLIENT_RECORD)));
	ra->client_array_offset = cpu_to_le16(ca_ofs);
	ra->file_size = cpu_to_sle64(logfile_size);
	ra->log_record_header_length = cpu_to_le16(0x30);
	ra->log_page_data_offset = cpu_to_le16(0x40);

	cr->oldest_lsn = ra->current_lsn;
	cr->client_restart_lsn = ra->current_lsn;
	cr->prev_client = LOGFILE_NO_CLIENT;
	cr->next_client = LOGFILE_NO_CLIENT;
	cr->client_name_length = cpu_to_le32(2 * (sizeof(name) - 1));
	for (size_t i = 0; name[i]; i++)
		cr->client_name[i] = cpu_to_le16((u16)name[i]);
}

int
main(int argc, char **argv)
{
	static u8 page[PAGE];
	ntfs_volume *vol;
	ntfs_inode *ni = NULL;
	ntfs_attr *na = NULL;
	int rc = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: mkunclean VOLUME\n");
		return 2;
	}
	ntfs_log_set_handler(ntfs_log_handler_stderr);
	/* neither mount nor umount rewrites a clean $LogFile, so the pages
	 * written through the volume stay as written */
	if ((vol = ntfs_mount(argv[1], 0)) == NULL) {
		fprintf(stderr, "mkunclean: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if ((ni = ntfs_inode_open(vol, FILE_LogFile)) == NULL ||
	    (na = ntfs_attr_open(ni, AT_DATA, AT_UNNAMED, 0)) == NULL ||
	    na->data_size < 4 * PAGE) {
		fprintf(stderr, "mkunclean: %s: no usable $LogFile\n", argv[1]);
		goto out;
	}
	/* restart pages at 0 and at the system page size; $LogFile is not
	 * protected by the driver, so the fixups are applied here */
	for (s64 pos = 0; pos <= PAGE; pos += PAGE) {
		restart_page(page, na->data_size);
		if (ntfs_mst_pre_write_fixup((NTFS_RECORD *)page, PAGE) != 0 ||
		    ntfs_attr_pwrite(na, pos, PAGE, page) != PAGE) {
			fprintf(stderr, "mkunclean: %s: $LogFile: %s\n",
			    argv[1], strerror(errno));
			goto out;
		}
	}
	rc = 0;
out:
	if (na)
		ntfs_attr_close(na);
	if (ni && ntfs_inode_close(ni) != 0)
		rc = 1;
	if (ntfs_umount(vol, FALSE) != 0)
		rc = 1;
	return rc;
}
