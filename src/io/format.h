/* The kinds of disk image file, as qemu names them (blk.c, imghdr.c). */
#ifndef FORMAT_H
#define FORMAT_H

enum blk_format { BLK_RAW, BLK_QCOW2, BLK_VHDX, BLK_VPC, BLK_VMDK, BLK_WIM };

#endif
