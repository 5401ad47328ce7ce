# Hives inside disk image files, written in place without mounting: raw
# (GPT, 4 KiB-sector GPT, MBR with a logical partition), qcow2, VHDX, VHD
# and VMDK.  Results are read back with tools that are not tlshive
# (ntfscat, ntfsinfo, ntfssecaudit, ntfsfix, qemu-img, reglookup); the
# refusals leave the image byte-identical; a kill at any write of the
# image's journal or of the image ends, after recover, in the old or the
# new image.
. "$srcdir/tests/cli/lib.sh"
for t in mkntfs ntfs-3g ntfscat ntfsinfo ntfssecaudit ntfsfix sfdisk qemu-img qemu-nbd setfattr getfattr reglookup python3; do
	need_tool "$t"
done
[ "$(id -u)" = 0 ] && [ -c /dev/fuse ] || { [ "${TLSHIVE_REQUIRE_TOOLS:-}" = 1 ] && fail "needs root and /dev/fuse to build the test volumes"; skip "needs root and /dev/fuse to build the test volumes"; }
SHIM=${FAULTSHIM:-}
need_images

. "$srcdir/tests/cli/imglib.sh"
# hives_dump PARTFILE PREFIX: reglookup dumps of both hives, via ntfscat
hives_dump() {
	for h in SYSTEM SOFTWARE; do
		ntfscat "$1" "/$cfg/$h" > "$2.$h.hive" || fail "ntfscat $h"
		dump "$2.$h.hive" > "$2.$h.dump"
	done
}
same_dumps() {
	for h in SYSTEM SOFTWARE; do
		cmp -s "$1.$h.dump" "$2.$h.dump" || { diff "$1.$h.dump" "$2.$h.dump" | head >&2; fail "$3: $h differs"; }
	done
}
identity() {	# identity PARTFILE: MFT record, attributes, descriptor of both hives
	for h in SYSTEM SOFTWARE; do
		ntfsinfo -F "/$cfg/$h" "$1" 2>/dev/null | grep -E 'Dumping Inode|File attributes' | head -n 2
		ntfssecaudit -v "$1" "/$cfg/$h" 2>/dev/null | grep -E '^Windows (attrib|owner)|^ *0x00'
	done
}

# The reference: the same layout applied in a directory.
"$MKIMAGE" 2019 ref; "$TLSHIVE" apply ref > /dev/null
for h in SYSTEM SOFTWARE; do dump "ref/$cfg/$h" > "new.$h.dump"; done

vol v.ntfs 2019
for h in SYSTEM SOFTWARE; do dump "src/$cfg/$h" > "old.$h.dump"; done
disk d.raw gpt v.ntfs
cp d.raw pristine.raw
part d.raw 1048576 p0.ntfs; identity p0.ntfs > id.before
grep -q 'HIDDEN SYSTEM ARCHIVE' id.before || fail "the test volume lacks its attributes"

# show and check read it; apply writes it; then it is compliant.
"$TLSHIVE" show d.raw > out
grep -q '^SYSTEM       d.raw:/Windows/System32/config/SYSTEM (clean)$' out || fail "show names the hive in the image"
must_exit 1 "$TLSHIVE" check d.raw > /dev/null
# Reading a hive out of a disk image whole (apply, for hivex) says how far
# it is on a terminal (standard error), blanked after; not with --quiet.
# show reads only the bins on its paths, never a hive whole.
need_tool script
script -qec "$TLSHIVE show d.raw > /dev/null" /dev/null > tty.raw 2>&1 || true
if grep -q 'reading' tty.raw; then cat tty.raw; fail "show read a hive whole"; fi
script -qec "$TLSHIVE show --quiet d.raw > /dev/null" /dev/null > tty.raw 2>&1 || true
if grep -q 'reading' tty.raw; then fail "progress with --quiet"; fi
cp d.raw pw.raw
script -qec "$TLSHIVE apply pw.raw > /dev/null" /dev/null > tty.raw 2>&1 || true
tr '\r' '\n' < tty.raw > tty.out
grep -q '^tlshive: pw.raw:/Windows/System32/config/SOFTWARE: reading: [0-9]*% of [0-9]* [KM]B' tty.out || { cat tty.out; fail "no progress while a hive is read from a disk image"; }
grep -q '^tlshive: pw.raw: writing the image' tty.out || { cat tty.out; fail "no progress while the image is written"; }
[ -z "$(tail -n 1 tty.out | tr -d ' ')" ] || { cat tty.out; fail "the progress line is left after the write"; }
rm -f pw.raw
"$TLSHIVE" apply d.raw > out || { cat out; fail "apply on a raw GPT image"; }
grep -q '^applied 40 settings from recommended' out || fail "apply summary"
"$TLSHIVE" check d.raw > /dev/null || fail "not compliant after apply"
part d.raw 1048576 p1.ntfs
ntfsfix -n p1.ntfs > /dev/null 2>&1 || fail "the volume is not clean after apply"
hives_dump p1.ntfs raw; same_dumps raw new "raw GPT"
identity p1.ntfs > id.after
diff id.before id.after || fail "the hives lost their MFT record, attributes or descriptor"
ntfsinfo -F "/$cfg/SYSTEM.LOG2" p1.ntfs 2>/dev/null | grep -q 'HIDDEN SYSTEM ARCHIVE' || fail "the log lacks the hive's attributes"
[ ! -e d.raw.tlshive-journal ] || fail "journal left behind"
# The second apply changes nothing, not a byte.
s=$(cksum < d.raw)
"$TLSHIVE" apply d.raw | grep -q '^nothing to do' || fail "second apply"
[ "$(cksum < d.raw)" = "$s" ] || fail "the second apply wrote into the image"

# 4 KiB sectors, and MBR with the volume in a logical partition.
disk g4.raw gpt4k v.ntfs
"$TLSHIVE" apply g4.raw > /dev/null || fail "apply on a 4 KiB-sector GPT"
part g4.raw 1048576 pg4.ntfs; hives_dump pg4.ntfs g4; same_dumps g4 new "4 KiB GPT"
disk m.raw mbr v.ntfs
"$TLSHIVE" show m.raw | grep -q 'Windows Server 2019' || fail "MBR logical partition"
"$TLSHIVE" apply m.raw > /dev/null || fail "apply on an MBR logical partition"
part m.raw $((12288 * 512)) pm.ntfs; hives_dump pm.ntfs mbr; same_dumps mbr new "MBR logical"
disk m4.raw mbr4k v.ntfs
"$TLSHIVE" show --json m4.raw | jtrue '.disk.partition == 5' || fail "MBR in 4 KiB sectors: not partition 5"
"$TLSHIVE" apply m4.raw > /dev/null || fail "apply on an MBR in 4 KiB sectors"
part m4.raw $((1792 * 4096)) pm4.ntfs; hives_dump pm4.ntfs mbr4; same_dumps mbr4 new "MBR in 4 KiB sectors"
# A damaged primary GPT: the backup header is used.
cp pristine.raw bk.raw
printf 'XXXXXXXX' | dd of=bk.raw bs=1 seek=512 conv=notrunc status=none
"$TLSHIVE" show bk.raw > /dev/null || fail "backup GPT header"

# qcow2, VHDX, VHD and VMDK through qemu-nbd: the same hives as raw.
for fmt in qcow2 vhdx vpc vmdk; do
	qemu-img convert -f raw -O "$fmt" pristine.raw "d.$fmt"
	"$TLSHIVE" apply "d.$fmt" > /dev/null || fail "apply on $fmt"
	"$TLSHIVE" check "d.$fmt" > /dev/null || fail "not compliant: $fmt"
	qemu-img convert -f "$fmt" -O raw "d.$fmt" back.raw
	part back.raw 1048576 pf.ntfs; hives_dump pf.ntfs "$fmt"; same_dumps "$fmt" new "$fmt"
done
# A VHD is called so, not by qemu's driver name (vpc).
"$TLSHIVE" show d.vpc | grep -q '^disk image *vhd, gpt partition 1$' || fail "a VHD is not shown as vhd"
"$TLSHIVE" show --json d.vpc | jtrue '.disk.format == "vhd"' || fail "a VHD's JSON format is not vhd"
"$TLSHIVE" show --format vhd d.vpc > /dev/null || fail "--format vhd"
"$TLSHIVE" show --format vpc d.vpc > /dev/null || fail "--format vpc"
# HKEY_CURRENT_USER: the Default user profile's NTUSER.DAT inside the
# image, found through ProfileList, written as the machine's hives are.
printf 'Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings]\r\n"SecureProtocols"=dword:00000a00\r\n' > hkcu.reg
qemu-img convert -f raw -O qcow2 pristine.raw u.qcow2
must_exit 1 "$TLSHIVE" check --reg hkcu.reg u.qcow2 > /dev/null
"$TLSHIVE" apply --reg hkcu.reg u.qcow2 > out || { cat out; fail "HKEY_CURRENT_USER in a qcow2"; }
grep -q '^applied 1 setting from hkcu.reg to u.qcow2:/Users/Default/NTUSER.DAT$' out || { cat out; fail "the user hive is named"; }
"$TLSHIVE" check --reg hkcu.reg u.qcow2 > /dev/null || fail "HKEY_CURRENT_USER not compliant after apply"
"$TLSHIVE" show --json u.qcow2 | jtrue '.settings[] | select(.name == "wininet") | .registry.SecureProtocols == 2560' \
	|| fail "show does not read the Default user's WinINet value"
qemu-img convert -f qcow2 -O raw u.qcow2 back.raw
part back.raw 1048576 pu.ntfs
ntfsfix -n pu.ntfs > /dev/null 2>&1 || fail "the volume is not clean after the user hive's apply"
ntfscat pu.ntfs /Users/Default/NTUSER.DAT > u.dat
dump u.dat | grep -qxF '/Software/Microsoft/Windows/CurrentVersion/Internet Settings/SecureProtocols,DWORD,0x00000A00' \
	|| fail "the NTUSER.DAT in the image lacks the value"
# A Windows whose Default profile hive is gone: show goes on, a change
# for it is an error naming the file ProfileList points to.
vol nouser.ntfs 2019
ntfs-3g nouser.ntfs "$M"; rm "$M/Users/Default/NTUSER.DAT"; umount "$M"
disk nu.raw gpt nouser.ntfs
"$TLSHIVE" show nu.raw > /dev/null || fail "show without a Default user hive"
must_exit 2 "$TLSHIVE" apply --reg hkcu.reg nu.raw 2> err
grep -q 'no Users/Default/NTUSER.DAT in it, where ProfileList puts the Default user profile' err || { cat err; fail "missing user hive message"; }

# A streamOptimized VMDK cannot be written at random offsets.
qemu-img convert -f raw -O vmdk -o subformat=streamOptimized pristine.raw so.vmdk
s=$(cksum < so.vmdk)
must_exit 2 "$TLSHIVE" apply so.vmdk 2> err
grep -q 'a streamOptimized VMDK cannot be written in place; convert it first: qemu-img convert -O vmdk -o subformat=monolithicSparse' err || fail "streamOptimized message"
[ "$(cksum < so.vmdk)" = "$s" ] || fail "streamOptimized VMDK touched"

# Refusals, each leaving the image as it was.
refused() {	# refused IMAGE PATTERN WHAT [EXIT]: exit 2, or EXIT (75: locked)
	s=$(cksum < "$1")
	set +e; "$TLSHIVE" apply "$1" > /dev/null 2> err; rc=$?; set -e
	[ "$rc" = "${4:-2}" ] || fail "$3: exit $rc"
	grep -q "$2" err || { cat err >&2; fail "$3: message"; }
	[ "$(cksum < "$1")" = "$s" ] || fail "$3: image changed"
}
# hibernated: hiberfil.sys holds a session
vol hib.ntfs 2019; ntfs-3g hib.ntfs "$M"; printf 'HIBR' > "$M/hiberfil.sys"; head -c 8192 /dev/zero >> "$M/hiberfil.sys"; umount "$M"
disk hib.raw gpt hib.ntfs
refused hib.raw 'Windows is hibernated or was shut down with Fast Startup' "hibernated"
must_exit 2 "$TLSHIVE" apply -n hib.raw > /dev/null 2>&1
"$TLSHIVE" show hib.raw 2> err > /dev/null || fail "show a hibernated image"
grep -q 'warning: Windows is hibernated' err || fail "show warns about hibernation"
# unclean NTFS: $LogFile holds work a crash left unfinished; reading is
# allowed (a read-only mount), writing is not
vol un.ntfs 2019; "$MKUNCLEAN" un.ntfs
if ntfs-3g -o norecover,remove_hiberfile un.ntfs "$M" 2> /dev/null; then
	umount "$M"; fail "mkunclean left the volume clean"
fi
disk un.raw gpt un.ntfs
refused un.raw 'the NTFS volume was not shut down cleanly' "unclean NTFS"
"$TLSHIVE" show un.raw | grep -q 'Windows Server 2019' || fail "show an unclean volume"
# BitLocker
cp pristine.raw bl.raw; printf -- '-FVE-FS-' | dd of=bl.raw bs=1 seek=$((1048576 + 3)) conv=notrunc status=none
refused bl.raw 'encrypted with BitLocker' "BitLocker"
# two Windows partitions: listed, and --partition picks one
vol v2.ntfs 2022
disk two.raw two v.ntfs v2.ntfs
refused two.raw 'partitions 1, 2 each hold a Windows (SYSTEM and SOFTWARE); give --partition N' "two Windows"
"$TLSHIVE" show --partition 2 two.raw | grep -q 'Windows Server 2022' || fail "--partition 2"
# a partition the table does not have is named so, not "not an NTFS volume"
must_exit 2 "$TLSHIVE" show --partition 3 two.raw 2> err
grep -qx 'tlshive: two.raw: --partition 3: the disk has no such partition (its gpt table lists 1, 2)' err || { cat err; fail "--partition 3 of 2"; }
must_exit 2 "$TLSHIVE" show --partition 1 v.ntfs 2> err
grep -q 'v.ntfs: --partition 1: the disk has no partition table, the whole disk is one volume' err || { cat err; fail "--partition on a bare volume"; }
must_exit 2 "$TLSHIVE" show --partition 2 pristine.raw 2> err
grep -qx 'tlshive: pristine.raw: --partition 2: the disk has no such partition (its gpt table lists 1)' err || { cat err; fail "--partition 2 of 1"; }

# Files too small or cut short: the image is named as the damaged thing,
# qemu-nbd's own words are the cause where it refuses one, never a guess.
: > empty.raw; printf 'abcdef' > six.raw
must_exit 2 "$TLSHIVE" show empty.raw 2> err
grep -qx 'tlshive: empty.raw: an empty file, not a disk image' err || { cat err; fail "an empty image"; }
must_exit 2 "$TLSHIVE" show six.raw 2> err
grep -qx 'tlshive: six.raw: 6 bytes, too small to be a disk image (its first sector alone takes 512)' err || { cat err; fail "a 6-byte image"; }
qemu-img convert -f raw -O qcow2 pristine.raw whole.qcow2
sz=$(wc -c < whole.qcow2)
head -c $((sz / 2)) whole.qcow2 > half.qcow2
refused half.qcow2 'half.qcow2: a damaged or truncated qcow2: its header and tables put a data cluster at byte [0-9]*, but the file has '"$((sz / 2))"' bytes (qemu-img check tells more)' "a qcow2 cut in half"
must_exit 2 "$TLSHIVE" show half.qcow2 2> err
grep -q 'a damaged or truncated qcow2' err || { cat err; fail "show a qcow2 cut in half"; }
head -c 300000 whole.qcow2 > cut.qcow2
refused cut.qcow2 'a damaged or truncated qcow2: its header and tables put an L2 table at byte' "a qcow2 cut in its tables"
# a backing file that is gone: named as the image's
cp whole.qcow2 gone.qcow2
qemu-img create -f qcow2 -b gone.qcow2 -F qcow2 ov.qcow2 > /dev/null
rm gone.qcow2
must_exit 2 "$TLSHIVE" show --allow-backing ov.qcow2 2> err
grep -qx 'tlshive: ov.qcow2: in its backing chain: gone.qcow2: No such file or directory' err || { cat err; fail "a missing backing file"; }
# refcount_order 7 (128-bit refcounts): a header qemu-nbd refuses itself
cp whole.qcow2 ro.qcow2; printf '\000\000\000\007' | dd of=ro.qcow2 bs=1 seek=96 conv=notrunc status=none
refused ro.qcow2 'ro.qcow2: qemu-nbd cannot serve it as qcow2: .*Reference count entry width too large' "refcount_order 7"
grep -q 'maybe\|is qemu-utils installed' err && fail "refcount_order 7: a guess beside qemu-nbd's message"
# a dynamic disk (LDM): its volumes are not partitions
cp pristine.raw dyn.raw
printf 'label: gpt\nstart=2048, size=131072, type=AF9B60A0-1431-4F62-BC68-3311714A69AD\n' | sfdisk -q dyn.raw 2> /dev/null
dd if=v.ntfs of=dyn.raw bs=1M seek=1 conv=notrunc status=none
refused dyn.raw 'on a dynamic disk: tlshive cannot read it' "dynamic disk"
# a compressed hive (NTFS compression, as compact sets it): never rewritten
rm -rf src; "$MKIMAGE" 2019 src
truncate -s 64M c.ntfs; mkntfs -F -Q -q c.ntfs > /dev/null 2>&1
ntfs-3g -o compression c.ntfs "$M"; mkdir -p "$M/$cfg"
setfattr -h -n system.ntfs_attrib -v 0x10080000 "$M/$cfg"	# directory, compressed
cp "src/$cfg/"* "$M/$cfg/"; umount "$M"
refused c.ntfs 'the file is compressed (NTFS or WOF); tlshive writes hives only in place' "compressed hive"
# an image another process holds: a raw file's lock, qemu's lock
hold python3 -c 'import fcntl, subprocess, sys
f = open(sys.argv[1], "r+b")
fcntl.lockf(f, fcntl.LOCK_SH)
sys.exit(subprocess.call(sys.argv[2:]))' pristine.raw
refused pristine.raw 'another process holds the image' "locked raw" 75
release
qemu-img convert -f raw -O qcow2 pristine.raw held.qcow2
qemu-nbd -f qcow2 --socket="$T/held.sock" held.qcow2 &
qpid=$!
# qemu locks one byte a permission: 100 + n while it holds permission n,
# 200 + n while it lets no one else have it; write is n = 1.  qemu-nbd
# binds its socket before it opens the image, and a probe that opened the
# image itself (qemu-img) would take the lock qemu-nbd needs.
wait_for 120 "qemu-nbd locking held.qcow2" locked held.qcow2 101 201
# qemu-nbd's own words are the cause, never a guess
refused held.qcow2 "qemu-nbd cannot serve it as qcow2: .*Failed to get \"write\" lock; Is another process using the image \\[held.qcow2\\]" "locked qcow2" 75
grep -q 'maybe\|is qemu-utils installed' err && fail "locked qcow2: a guess beside qemu-nbd's message"
kill "$qpid"; wait "$qpid" 2> /dev/null || true

# JSON and several images: which disk and partition each result is about.
cp pristine.raw j1.raw; qemu-img convert -f raw -O qcow2 pristine.raw j2.qcow2
"$TLSHIVE" check --json j1.raw j2.qcow2 > j.out || true
[ "$(jq -r '"\(.image) \(.disk.format) \(.disk.partition) \(.outcome)"' j.out | tr '\n' ';')" = "j1.raw raw 1 noncompliant;j2.qcow2 qcow2 1 noncompliant;" ] ||
	{ cat j.out; fail "JSON for several disk images"; }
"$TLSHIVE" apply --quiet j1.raw j2.qcow2 > /dev/null || fail "apply to several disk images"
"$TLSHIVE" check j1.raw j2.qcow2 > /dev/null || fail "several disk images not compliant"
# --undo as for directories: its file gives the old hives back.
cp pristine.raw u.raw
"$TLSHIVE" apply --undo u.reg u.raw > /dev/null || fail "apply --undo on an image"
"$TLSHIVE" apply --reg u.reg u.raw > /dev/null || fail "applying the undo file"
part u.raw 1048576 pu.ntfs; hives_dump pu.ntfs undo; same_dumps undo old "undo on an image"

# The journal: a kill at every write of it or of the image, then
# recover: the old image (untouched) or the new one, never a mix.
[ -n "$SHIM" ] && [ -f "$SHIM" ] || fail "the fault shim was not built"
if [ -z "${VALGRIND:-}" ]; then
	for spec in 'pwrite:%d:kill:.k.raw.tlshive-journal.tlshive-*' 'pwrite:%d:tear:.k.raw.tlshive-journal.tlshive-*' 'pwrite:%d:kill:k.raw' 'fsync:%d:kill:*k.raw*'; do
		n=1 olds=0 news=0
		while :; do
			cp pristine.raw k.raw
			f=$(printf "$spec" "$n")
			set +e; TLSHIVE_FAULT=$f LD_PRELOAD=$SHIM "$TLSHIVE" apply k.raw > /dev/null 2>&1; rc=$?; set -e
			[ "$rc" = 0 ] && break
			[ "$rc" = 137 ] || fail "$f: exit $rc"
			if [ -e k.raw.tlshive-journal ]; then
				must_exit 2 "$TLSHIVE" check k.raw 2> err
				grep -q 'run tlshive recover k.raw first' err || fail "$f: check with a journal"
			fi
			"$TLSHIVE" recover k.raw > /dev/null || fail "$f: recover"
			[ ! -e k.raw.tlshive-journal ] || fail "$f: journal left"
			no_temp_files .
			part k.raw 1048576 pk.ntfs
			ntfsfix -n pk.ntfs > /dev/null 2>&1 || fail "$f: volume not clean"
			hives_dump pk.ntfs k
			if cmp -s k.SYSTEM.dump old.SYSTEM.dump && cmp -s k.SOFTWARE.dump old.SOFTWARE.dump; then
				olds=$((olds + 1))
				[ "$(cksum < k.raw)" = "$(cksum < pristine.raw)" ] || fail "$f: old hives, changed image"
			else
				same_dumps k new "$f"; news=$((news + 1))
			fi
			n=$((n + 1))
		done
		echo "$spec: $((n - 1)) kill points, $olds old, $news new"
		[ $((olds + news)) -gt 0 ] || fail "$spec: no kill point reached"
	done
fi
# A signal while the journal is written: its .tmp goes with the run, and
# the image stays as it was.
cp pristine.raw k.raw
set +e; TLSHIVE_FAULT='pwrite:1:term:.k.raw.tlshive-journal.tlshive-*' LD_PRELOAD=$SHIM "$TLSHIVE" apply k.raw > /dev/null 2>&1; rc=$?; set -e
[ "$rc" = 143 ] || fail "SIGTERM in the journal: exit $rc"
[ ! -e k.raw.tlshive-journal ] || fail "SIGTERM left a journal"
no_temp_files .
[ "$(cksum < k.raw)" = "$(cksum < pristine.raw)" ] || fail "SIGTERM in the journal: the image changed"
# A journal that is not this image's is refused and never applied.
cp pristine.raw a.raw; cp pristine.raw b.raw
TLSHIVE_FAULT='pwrite:1:kill:a.raw' LD_PRELOAD=$SHIM "$TLSHIVE" apply a.raw > /dev/null 2>&1 || true
[ -e a.raw.tlshive-journal ] || fail "no journal to move"
"$MKIMAGE" 2022 other; vol o.ntfs 2022; disk b.raw gpt o.ntfs
mv a.raw.tlshive-journal b.raw.tlshive-journal
s=$(cksum < b.raw)
must_exit 2 "$TLSHIVE" recover b.raw 2> err
grep -q 'the journal was made for another file than b.raw; refused' err || { cat err >&2; fail "foreign journal message"; }
[ "$(cksum < b.raw)" = "$s" ] || fail "a foreign journal was applied"
