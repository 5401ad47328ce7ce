# Files an image (or someone beside it) supplies that are not what they
# claim: FIFOs, device nodes and links where a log or a journal belongs,
# sparse hives that claim gigabytes, journals another user forged.  Each
# is refused with exit 2 and a message naming it, within a deadline and
# bounded memory, and leaves the image and every host file byte-identical.
. "$srcdir/tests/cli/lib.sh"
for t in mkntfs ntfs-3g setfattr mknod setpriv timeout; do need_tool "$t"; done
[ "$(id -u)" = 0 ] && [ -c /dev/fuse ] || { [ "${TLSHIVE_REQUIRE_TOOLS:-}" = 1 ] && fail "needs root (device nodes, another user's files) and /dev/fuse"; skip "needs root (device nodes, another user's files) and /dev/fuse"; }
need_images
. "$srcdir/tests/cli/imglib.sh"
SHIM=${FAULTSHIM:-}

# refused WHAT MESSAGE CMD...: exit 2 within a minute, under 600 MB of
# address space, with MESSAGE on standard error
refused() {
	what=$1 msg=$2; shift 2
	set +e
	(ulimit -v 600000; exec timeout 60 "$@") > out 2> err
	rc=$?
	set -e
	[ "$rc" = 124 ] && fail "$what: hangs"
	[ "$rc" = 2 ] || { cat err; fail "$what: exit $rc"; }
	grep -qF "$msg" err || { cat err; fail "$what: message"; }
}

# A canary on the host: nothing a hostile file names may reach it.
printf 'canary %s\n' "$$" > canary; canary=$(stamp canary)

# --- logs beside a dirty hive: a FIFO, a device node, a link ---
"$MKIMAGE" 2019 d
"$MKIMAGE" --dirty "$(sys d)"
L=$(sys d).LOG1
for kind in fifo dev link; do
	rm -f "$L"
	case $kind in
	fifo) mkfifo "$L"; msg='not a regular file (a FIFO)' ;;
	dev) mknod "$L" c 1 5; msg='not a regular file (a device node)' ;;	# /dev/zero
	link) ln -s "$T/canary" "$L"; msg='is a symbolic link' ;;
	esac
	s=$(stamp "$(sys d)")
	refused "$kind log: show" "$msg" "$TLSHIVE" show --replay-logs d
	refused "$kind log: apply" "$msg" "$TLSHIVE" apply --replay-logs d
	refused "$kind log: recover" "$msg" "$TLSHIVE" recover "$(sys d)"
	[ "$(stamp "$(sys d)")" = "$s" ] || fail "$kind log: the hive changed"
done
rm -f "$L"
[ "$(stamp canary)" = "$canary" ] || fail "the canary changed"

# --- a hive that claims more than Windows lets a hive grow ---
"$MKIMAGE" 2019 big
truncate -s 3G "$(soft big)"
refused "a 3 GiB sparse hive" 'more than Windows lets a hive grow (2 GB)' \
	"$TLSHIVE" show big
refused "a 3 GiB sparse hive: apply" 'more than Windows lets a hive grow' \
	"$TLSHIVE" apply big

# --- the same inside a disk image: 1.9 GiB claimed in a 64 MiB volume ---
vol sp.ntfs 2019
ntfs-3g sp.ntfs "$M"; truncate -s 1900M "$M/$cfg/SOFTWARE"; umount "$M"
disk sp.raw gpt sp.ntfs
s=$(stamp sp.raw)
refused "a sparse hive in a disk image" 'more than its volume holds' \
	"$TLSHIVE" show sp.raw
refused "a sparse hive in a disk image: apply" 'more than its volume holds' \
	"$TLSHIVE" apply sp.raw
[ "$(stamp sp.raw)" = "$s" ] || fail "a refused disk image changed"

# --- a hive whose data run lies past its partition: read by its runlist,
# it would be read from the disk past the partition, where the same hive
# lies, readable; refused when the file is opened, before any read of
# it, by every command, the image unchanged ---
vol rl.ntfs 2019
part_start=1048576 next_start=$((66 << 20))
lcn=$(( (next_start - part_start) / 4096 ))
# patch_run VOL NAME LCN: the one run of NAME's data moved to cluster
# LCN, the MFT record otherwise as it was (its sector-end bytes untouched)
patch_run() {
	python3 - "$@" <<'PY'
import struct, sys
path, name, lcn = sys.argv[1], sys.argv[2], int(sys.argv[3])
f = open(path, 'r+b')
bs = f.read(512)
cs = struct.unpack_from('<H', bs, 11)[0] * bs[13]
mft = struct.unpack_from('<q', bs, 0x30)[0] * cs
c = struct.unpack_from('<b', bs, 0x40)[0]
rs = c * cs if c > 0 else 1 << -c
for n in range(16, 4096):
	f.seek(mft + n * rs); raw = bytearray(f.read(rs))
	if raw[:4] != b'FILE':
		continue
	rec = bytearray(raw)	# the sector ends put back, for reading
	usa, cnt = struct.unpack_from('<HH', rec, 4)
	for i in range(1, cnt):
		rec[i * 512 - 2:i * 512] = rec[usa + 2 * i:usa + 2 * i + 2]
	a, named, data = struct.unpack_from('<H', rec, 0x14)[0], False, None
	while struct.unpack_from('<I', rec, a)[0] != 0xFFFFFFFF:
		t, l = struct.unpack_from('<II', rec, a)
		if t == 0x30:
			v = a + struct.unpack_from('<H', rec, a + 0x14)[0]
			nl = rec[v + 0x40]
			named |= rec[v + 0x42:v + 0x42 + 2 * nl].decode('utf-16-le') == name
		if t == 0x80 and rec[a + 8] == 1 and rec[a + 9] == 0:
			data = a + struct.unpack_from('<H', rec, a + 0x20)[0]
		a += l
	if not named:
		continue
	assert data is not None, 'no non-resident data'
	h = rec[data]; lo, fo = h & 15, h >> 4
	assert rec[data + 1 + lo + fo] == 0, 'more than one run'
	at = data + 1 + lo
	assert lcn < 1 << (8 * fo - 1), 'the new cluster needs a longer field'
	assert all((at + i) % 512 < 510 for i in range(fo)), 'at a sector end'
	raw[at:at + fo] = lcn.to_bytes(fo, 'little')
	old = int.from_bytes(rec[at:at + fo], 'little', signed=True)
	f.seek(mft + n * rs); f.write(raw)
	print(old)
	sys.exit(0)
sys.exit('no ' + name)
PY
}
old=$(patch_run rl.ntfs SOFTWARE "$lcn")
disk rl.raw gpt rl.ntfs
# the hive's clusters where the crafted run points, past the partition
dd if=rl.ntfs of=rl.raw bs=4096 skip="$old" seek=$(( next_start / 4096 )) \
	count=$(( ($(stat -c %s "src/$cfg/SOFTWARE") + 4095) / 4096 )) conv=notrunc status=none
qemu-img convert -f raw -O qcow2 rl.raw rl.qcow2
for img in rl.qcow2 rl.raw; do
	s=$(stamp "$img")
	for c in show apply; do
		refused "a data run past the partition: $c $img" \
			"$img:/Windows/System32/config/SOFTWARE: its data run at cluster $lcn (" \
			"$TLSHIVE" "$c" "$img"
		grep -qF 'lies outside its NTFS volume' err || { cat err; fail "a data run past the partition: the message"; }
	done
	[ "$(stamp "$img")" = "$s" ] || fail "a data run past the partition: $img changed"
done

# --- journals: only tlshive's own, for this very image ---
vol v.ntfs 2019
disk pristine.raw gpt v.ntfs
# user nobody must reach the directory: through this test's own folders
chmod o+x "$T"
case $(dirname "$T") in */tlshive-test-*) chmod o+x "$(dirname "$T")" ;; esac
mkdir -m 1777 sticky
cp pristine.raw sticky/img.raw
J=sticky/img.raw.tlshive-journal
s=$(stamp sticky/img.raw)
# forged by another user in a sticky, world-writable directory
setpriv --reuid=65534 --regid=65534 --clear-groups sh -c "printf 'TLSHJNL3' > $J"
refused "another user's journal: show" 'owned by user 65534' "$TLSHIVE" show sticky/img.raw
grep -q 'recover' err && fail "show advises recover for a journal it refuses"
refused "another user's journal: apply" 'owned by user 65534' "$TLSHIVE" apply sticky/img.raw
refused "another user's journal: recover" 'owned by user 65534' "$TLSHIVE" recover sticky/img.raw
rm -f "$J"
# a link to /dev/zero, a FIFO
ln -s /dev/zero "$J"
refused "a journal linked to /dev/zero" 'a symbolic link' "$TLSHIVE" recover sticky/img.raw
rm -f "$J"; mkfifo "$J"
refused "a FIFO journal" 'not a regular file' "$TLSHIVE" recover sticky/img.raw
rm -f "$J"
# a journal of this user's, but writable by others
printf 'TLSHJNL3' > "$J"; chmod 666 "$J"
refused "a journal others can write" 'other users can write to it' "$TLSHIVE" recover sticky/img.raw
rm -f "$J"
[ "$(stamp sticky/img.raw)" = "$s" ] || fail "a refused journal changed the image"
# a directory others can write to and replace the journal in: no run
# starts there
mkdir -m 777 open; cp pristine.raw open/img.raw
s=$(stamp open/img.raw)
refused "a world-writable directory" 'other users can write to its directory' "$TLSHIVE" apply open/img.raw
[ "$(stamp open/img.raw)" = "$s" ] || fail "apply in an open directory changed the image"
[ ! -e open/img.raw.tlshive-journal ] || fail "a journal was left in an open directory"

# --journal-dir: the journal of an interrupted run goes there, and
# recover finds it there; the image's directory stays as it was.
[ -n "$SHIM" ] && [ -f "$SHIM" ] || fail "the fault shim was not built"
mkdir -m 700 jd; mkdir imgdir; cp pristine.raw imgdir/img.raw
set +e
TLSHIVE_FAULT='pwrite:1:kill:img.raw' LD_PRELOAD=$SHIM "$TLSHIVE" apply --journal-dir jd imgdir/img.raw > /dev/null 2>&1
rc=$?
set -e
[ "$rc" = 137 ] || fail "--journal-dir: the kill did not happen (exit $rc)"
[ "$(ls imgdir)" = img.raw ] || fail "--journal-dir: something was left beside the image: $(ls imgdir)"
[ "$(ls jd | grep -c '^img.raw-.*\.tlshive-journal$')" = 1 ] || fail "--journal-dir: no journal there: $(ls jd)"
must_exit 2 "$TLSHIVE" show --journal-dir jd imgdir/img.raw > /dev/null 2> err
grep -q 'run tlshive recover' err || { cat err; fail "--journal-dir: show does not see the journal"; }
"$TLSHIVE" recover --journal-dir jd imgdir/img.raw > out || fail "--journal-dir: recover"
grep -q 'journal is written into the image' out || fail "--journal-dir: recover output"
[ -z "$(ls jd)" ] || fail "--journal-dir: the journal is still there"
"$TLSHIVE" check imgdir/img.raw > /dev/null || fail "--journal-dir: the recovered image is not the applied one"
# a journal directory another user owns is refused
mkdir -m 700 theirs; chown 65534 theirs
refused "another user's journal directory" 'another user owns its directory' \
	"$TLSHIVE" apply --journal-dir theirs imgdir/img.raw
[ "$(stamp canary)" = "$canary" ] || fail "the canary changed"

# --- a WIM whose hive is a link: never extracted and read through ---
need_tool wimcapture
for target in /dev/zero "$T/canary"; do
	rm -rf w w.wim; "$MKIMAGE" 2019 w
	rm "$(sys w)"; ln -s "$target" "$(sys w)"
	wimcapture w w.wim "Windows" > /dev/null
	refused "a WIM hive linked to $target" 'a reparse point (a link), not a file' \
		"$TLSHIVE" show w.wim
	grep -q canary out && fail "a WIM showed the canary"
done
[ "$(stamp canary)" = "$canary" ] || fail "the canary changed"

# --- files a disk image's header names: refused unless a local backing
# chain is allowed; the canary host file is never opened, changed or shown
need_tool qemu-img
qemu-img convert -f raw -O qcow2 pristine.raw base.qcow2
# refused WHAT MESSAGE CMD...; and then the canary is neither changed nor shown
shut() { refused "$@"; grep -q "canary $$" out err && fail "$1: the canary was shown"; [ "$(stamp canary)" = "$canary" ] || fail "$1: the canary changed"; }
# a qcow2 whose backing file is a host file (raw), by default and allowed
qemu-img create -q -f qcow2 -b "$T/canary" -F raw hb.qcow2 64M
shut "a host file as backing file" "names a backing file, \"$T/canary\": tlshive opens no other file on an image's word" \
	"$TLSHIVE" apply hb.qcow2
# json: and nbd:// names, refused even with --allow-backing (made with
# the backing file unchecked: qemu-img would open them)
qemu-img create -q -f qcow2 -u -b 'json:{"driver":"raw","file":{"driver":"file","filename":"'"$T"'/canary"}}' -F raw js.qcow2 64M
shut "a json: backing file" 'which is no local file: refused, even with --allow-backing' \
	"$TLSHIVE" show --allow-backing js.qcow2
qemu-img create -q -f qcow2 -u -b 'nbd://127.0.0.1:9/x' -F raw nbd.qcow2 64M
shut "an nbd:// backing file" "a URL: tlshive opens a URL only when the command line names it, never on an image's word" \
	"$TLSHIVE" show --allow-backing nbd.qcow2
# an external data file naming a host file
# (qemu-img makes the data file itself: another host file than the canary)
qemu-img create -q -f qcow2 -o data_file="$T/victim" df.qcow2 64M
printf 'victim %s\n' "$$" > victim; v=$(stamp victim)
shut "an external data file" "names external data file \"$T/victim\"" "$TLSHIVE" apply --allow-backing df.qcow2
[ "$(stamp victim)" = "$v" ] || fail "an external data file: it was written"
# a VMDK descriptor whose extent is a host file
printf '# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\ncreateType="monolithicFlat"\n\nRW 131072 FLAT "%s" 0\n' "$T/canary" > ext.vmdk
shut "a VMDK extent naming a host file" "names extent \"$T/canary\"" "$TLSHIVE" apply ext.vmdk
# a raw disk whose first bytes a guest replaced with a qcow2 header that
# names a host file: probed, the reference is refused; with --format raw
# the header is never read as one
cp pristine.raw disguised.raw
dd if=hb.qcow2 of=disguised.raw bs=512 count=128 conv=notrunc status=none
s=$(stamp disguised.raw)
shut "a raw disk disguised as qcow2" "names a backing file" "$TLSHIVE" show disguised.raw
set +e; "$TLSHIVE" show --format raw disguised.raw > out 2> err; set -e
grep -q "canary $$" out err && fail "--format raw: the canary was shown"
grep -q 'backing file' err && fail "--format raw: the header was read as qcow2"
[ "$(stamp disguised.raw)" = "$s" ] || fail "a disguised raw disk changed"
# a backing chain: refused by default, applied with --allow-backing (the
# base untouched, the chain shown); a base that names a host file is
# refused even then
qemu-img create -q -f qcow2 -b base.qcow2 -F qcow2 ov.qcow2
b0=$(stamp base.qcow2)
shut "a qcow2 overlay without --allow-backing" 'names a backing file, "base.qcow2": tlshive opens no other file' \
	"$TLSHIVE" apply ov.qcow2
"$TLSHIVE" apply --allow-backing ov.qcow2 > out || { cat out; fail "an overlay with --allow-backing"; }
"$TLSHIVE" show --allow-backing ov.qcow2 > out
grep -q "^disk image   qcow2, gpt partition 1; backing base.qcow2 (qcow2)\$" out ||
	{ grep 'disk image' out; fail "the backing chain is not shown"; }
"$TLSHIVE" check --allow-backing ov.qcow2 > /dev/null || fail "the overlay is not compliant after apply"
[ "$(stamp base.qcow2)" = "$b0" ] || fail "apply on an overlay changed its base"
qemu-img create -q -f qcow2 -u -b js.qcow2 -F qcow2 ov2.qcow2 64M
shut "a chain whose base names a json: file" "js.qcow2: its qcow2 header names a backing file, \"json:" \
	"$TLSHIVE" show --allow-backing ov2.qcow2
# allowed, every file of the chain is shown: a host file as the base of
# the base cannot hide
qemu-img create -q -f qcow2 -b hb.qcow2 -F qcow2 ov3.qcow2
set +e; "$TLSHIVE" show --allow-backing ov3.qcow2 > out 2> err; set -e
grep -qF "backing hb.qcow2 (qcow2), $T/canary (raw)" out err || { cat out err; fail "a chain to a host file is not shown"; }
grep -q "canary $$" out err && fail "a chain to a host file: the canary was shown"
[ "$(stamp canary)" = "$canary" ] || fail "a chain to a host file: the canary changed"
