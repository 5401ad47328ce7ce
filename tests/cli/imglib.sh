# Building disk images for the tests (sourced after lib.sh, as root with
# /dev/fuse: volumes are filled through an ntfs-3g mount).
cfg=Windows/System32/config
SD=0x010004901400000020000000000000002c000000010100000000000512000000010100000000000512000000020034000200000000001400ff011f0001010000000000051200000000001800ff011f0001020000000000052000000020020000
M=$T/mnt; mkdir "$M"
cleanup() { mountpoint -q "$M" && umount "$M" 2>/dev/null; chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"; }
trap 'at_exit cleanup' EXIT

# vol FILE LAYOUT: a 64 MiB NTFS volume holding that Windows layout, with
# a security descriptor granting SYSTEM and Administrators only and the
# hidden+system attributes on both hives, as Windows' own hives carry.
vol() {
	rm -rf src; "$MKIMAGE" "$2" src
	truncate -s 64M "$1"
	mkntfs -F -Q -q "$1" > /dev/null 2>&1
	ntfs-3g "$1" "$M"
	cp -r src/Windows src/Users "$M/"
	for h in SYSTEM SOFTWARE; do
		setfattr -h -n system.ntfs_acl -v "$SD" "$M/$cfg/$h"
		setfattr -h -n system.ntfs_attrib -v 0x26000000 "$M/$cfg/$h"
	done
	umount "$M"
}
# gpt4k OUT: a GPT for 4 KiB logical sectors, one basic-data partition
# from LBA 256 (1 MiB) for 64 MiB, both CRCs as the UEFI spec has them.
gpt4k() {
	python3 - "$1" <<'PY'
import struct, sys, uuid, zlib
ss, f = 4096, open(sys.argv[1], 'r+b')
f.seek(0, 2); last = f.tell() // ss - 1
mbr = bytearray(512)
mbr[446:462] = struct.pack('<BBBBBBBBII', 0, 0, 2, 0, 0xEE, 0xFF, 0xFF, 0xFF, 1, min(last, 0xFFFFFFFF))
mbr[510:512] = b'\x55\xaa'
entry = bytearray(128)
entry[0:16] = uuid.UUID('EBD0A0A2-B9E5-4433-87C0-68B6B72699C7').bytes_le
entry[16:32] = uuid.uuid4().bytes_le
entry[32:48] = struct.pack('<QQ', 256, 256 + 16384 - 1)
table = bytes(entry) + bytes(128 * 127)
hdr = bytearray(struct.pack('<8sIIIIQQQQ16sQIII', b'EFI PART', 0x10000, 92, 0, 0, 1, last, 6, last - 6,
    uuid.uuid4().bytes_le, 2, 128, 128, zlib.crc32(table)))
struct.pack_into('<I', hdr, 16, zlib.crc32(bytes(hdr)))
f.seek(0); f.write(mbr); f.seek(ss); f.write(hdr); f.seek(2 * ss); f.write(table)
PY
}
# mbr4k OUT: an MBR counting 4 KiB sectors: a small FAT primary, then an
# extended partition whose first logical partition (from LBA 1792, 7 MiB)
# is the volume.  Read as 512-byte LBAs it points at no volume at all.
mbr4k() {
	python3 - "$1" <<'PY'
import struct, sys
f = open(sys.argv[1], 'r+b')
def table(entries):
	b = bytearray(512)
	for i, (t, start, cnt) in enumerate(entries):
		b[446 + 16 * i:462 + 16 * i] = struct.pack('<BBBBBBBBII', 0, 0, 2, 0, t, 0xFF, 0xFF, 0xFF, start, cnt)
	b[510:512] = b'\x55\xaa'
	return bytes(b)
f.write(table([(0x0B, 256, 1024), (0x05, 1536, 20000)]))
f.seek(1536 * 4096); f.write(table([(0x07, 256, 16384)]))
PY
}
# disk OUT TABLE VOL...: a disk image with a partition table (gpt, gpt4k,
# mbr: primary + logical) and the volumes written into it.
disk() {
	out=$1 table=$2; shift 2
	truncate -s 200M "$out"
	case $table in
	gpt) printf 'label: gpt\nstart=2048, size=131072, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7\n' | sfdisk -q "$out" 2> /dev/null
	     dd if="$1" of="$out" bs=1M seek=1 conv=notrunc status=none ;;
	gpt4k) gpt4k "$out"	# sfdisk here knows 512-byte sectors only
	     dd if="$1" of="$out" bs=1M seek=1 conv=notrunc status=none ;;
	mbr) printf 'label: dos\nstart=2048, size=8192, type=b\nstart=10240, size=200000, type=5\nstart=12288, size=131072, type=7\n' | sfdisk -q "$out" 2> /dev/null
	     dd if="$1" of="$out" bs=512 seek=12288 conv=notrunc status=none ;;
	mbr4k) mbr4k "$out"
	     dd if="$1" of="$out" bs=4096 seek=1792 conv=notrunc status=none ;;
	two) printf 'label: gpt\nstart=2048, size=131072, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7\nstart=135168, size=131072, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7\n' | sfdisk -q "$out" 2> /dev/null
	     dd if="$1" of="$out" bs=1M seek=1 conv=notrunc status=none
	     dd if="$2" of="$out" bs=512 seek=135168 conv=notrunc status=none ;;
	esac
}
# part IMAGE SKIP_BYTES OUT: the partition as a file for the ntfs tools
part() { dd if="$1" of="$3" bs=512 skip=$(($2 / 512)) count=131072 status=none; }
