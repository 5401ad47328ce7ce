# Refusals on the recovery and commit paths, each with inputs built here
# at test time: a log that does not belong to the hive is never replayed,
# a hive whose name changed under its lock is never written through the
# old file, a hard-linked hive is never written in place, and a non-zero
# DisabledByDefault is read as Windows reads it.  Every refusal says why
# in one line and leaves every file byte-identical.
. "$srcdir/tests/cli/lib.sh"

# setbase FILE OFF:FMT:VALUE...: set fields of FILE's first sector (struct
# formats; a VALUE of +N or -N is added to the field), then give it the
# checksum Windows would (XOR of the first 508 bytes, 0 as 1, all ones as
# all ones but one; regf spec, "Base block", note 2), so that only the
# field changed is wrong and the rest of the header passes.
setbase() {
	python3 - "$@" <<'PY'
import struct, sys
f = sys.argv[1]; b = bytearray(open(f, 'rb').read())
for a in sys.argv[2:]:
    off, fmt, val = a.split(':'); off = int(off)
    v = struct.unpack_from(fmt, b, off)[0] + int(val) if val[0] in '+-' else int(val, 0)
    struct.pack_into(fmt, b, off, v)
c = 0
for (w,) in struct.iter_unpack('<I', bytes(b[:508])):
    c ^= w
struct.pack_into('<I', b, 508, {0: 1, 0xFFFFFFFF: 0xFFFFFFFE}.get(c, c))
open(f, 'wb').write(b)
PY
}

# stamps FILE...: stamp of each, to prove a refusal wrote nothing
stamps() { for f; do stamp "$f"; done; }

# refused WHAT MESSAGE CMD...: exit 2, exactly MESSAGE on standard error
refused() {
	what=$1 msg=$2; shift 2
	set +e; "$@" > out 2> err; rc=$?; set -e
	[ "$rc" = 2 ] || { cat err >&2; fail "$what: exit $rc, expected 2"; }
	[ "$(cat err)" = "$msg" ] || { cat err >&2; fail "$what: message"; }
	[ ! -s out ] || fail "$what: wrote to standard output"
}

if have_shared hives/dirty "the log refusals (L1, L3, L4)"; then
H=$SHARED/hives/dirty

# --- L1: a new-format log ends at the first entry out of sequence ---
# A log is written over from its start and not truncated, so entries of an
# earlier cycle can follow the current ones; Windows replays entry N + 1
# only after entry N and stops at the first break in the numbers (regf
# spec, "Log entries", note 7): what lies past it is stale.  The log is
# NewDirtyHive.LOG1 (entry 2) followed by the first entry of .LOG2
# renumbered, its Hash-2 recomputed so that only the number is wrong.
# appendentry SRC OFF DST SEQ: SRC's entry at OFF appended to DST as SEQ
appendentry() {
	PYTHONDONTWRITEBYTECODE=1 python3 - "$srcdir/tests/tools" "$@" <<'PY'
import struct, sys
sys.path.insert(0, sys.argv[1])
from regf_replay import marvin32, HVLE_SEED
src = open(sys.argv[2], 'rb').read(); off = int(sys.argv[3])
e = bytearray(src[off:off + struct.unpack_from('<I', src, off + 4)[0]])
assert e[:4] == b'HvLE'
struct.pack_into('<I', e, 12, int(sys.argv[5]))
struct.pack_into('<Q', e, 32, marvin32(bytes(e[:32]), HVLE_SEED))	# Hash-2
open(sys.argv[4], 'ab').write(e)
PY
}
for d in one cont broken; do
	mkdir $d; cp "$H/new-format/NewDirtyHive" "$H/new-format/NewDirtyHive.LOG1" $d/; chmod u+w $d/*
done
appendentry "$H/new-format/NewDirtyHive.LOG2" 512 cont/NewDirtyHive.LOG1 3
appendentry "$H/new-format/NewDirtyHive.LOG2" 512 broken/NewDirtyHive.LOG1 9
"$TLSHIVE" recover -o one.out one/NewDirtyHive > out
grep -qx 'recovered one/NewDirtyHive: 1 log entries from NewDirtyHive.LOG1 applied, sequence number 3; written to one.out' out || fail "L1: one entry"
# the entry appended is whole: numbered 3, it is applied
"$TLSHIVE" recover -o cont.out cont/NewDirtyHive > out
grep -qx 'recovered cont/NewDirtyHive: 2 log entries from NewDirtyHive.LOG1 applied, sequence number 4; written to cont.out' out || fail "L1: entry 3 after 2 not applied"
cmp -s one.out cont.out && fail "L1: entry 3 changes nothing, so the test proves nothing"
# numbered 9 after 2, it is not: the result is the hive with entry 2 alone
s=$(stamps broken/*)
"$TLSHIVE" recover -o broken.out broken/NewDirtyHive > out
grep -qx 'recovered broken/NewDirtyHive: 1 log entries from NewDirtyHive.LOG1 applied, sequence number 3; written to broken.out' out \
	|| { cat out >&2; fail "L1: an entry past a break in the sequence was applied"; }
cmp broken.out one.out || fail "L1: the recovered hive holds data from past the break"
[ "$(stamps broken/*)" = "$s" ] || fail "L1: recover -o touched the hive or its log"

# --- L3: an old-format log is used only with the primary's timestamp ---
# A log's base block carries the last-written time of the primary it was
# written for; Windows replays only a log whose time equals the primary's
# (regf spec, "Old format" > "Base block", note 3).  One tick (100 ns)
# later or earlier is another hive's log.
l3='tlshive: o/OldDirtyHive: cannot replay the logs: no old-format log matches the hive'
l3="$l3 (none has a valid base block with its timestamp); nothing written; o/OldDirtyHive left as it was"
for tick in +1 -1; do
	rm -rf o; mkdir o; cp "$H/old-format/"* o/; chmod u+w o/*
	setbase o/OldDirtyHive.LOG1 "12:<Q:$tick"
	s=$(stamps o/*)
	refused "L3: timestamp $tick" "$l3" "$TLSHIVE" recover o/OldDirtyHive
	refused "L3: timestamp $tick, -o" "$l3" "$TLSHIVE" recover -o o.out o/OldDirtyHive
	[ ! -e o.out ] || fail "L3: recover -o wrote a file"
	[ "$(stamps o/*)" = "$s" ] || fail "L3: timestamp $tick: a file changed"
	no_temp_files o
done

# --- L4: logs that end before the primary's sequence number ---
# Entries numbered below the primary's secondary sequence number are
# already in it: Windows replays a log only from an entry numbered at or
# after that number (regf spec, "Log entries", note 7).  NewDirtyHive's
# logs hold entries 2 to 5: with the base block at 101/100 they are an
# older state's, and replaying them would put the hive back in time
# (sequence 6 after 100).
rm -rf n; mkdir n; cp "$H/new-format/"NewDirtyHive* n/; chmod u+w n/*
setbase n/NewDirtyHive '4:<I:101' '8:<I:100'
s=$(stamps n/*)
refused "L4" "tlshive: n/NewDirtyHive: cannot replay the logs: the logs end before the primary file's sequence number 100: they belong to an older state; nothing written; n/NewDirtyHive left as it was" \
	"$TLSHIVE" recover n/NewDirtyHive
[ "$(stamps n/*)" = "$s" ] || fail "L4: a file changed"
no_temp_files n
fi

# --- V1: any non-zero DisabledByDefault with Enabled non-zero is off by default ---
# Schannel's page (tls-registry-settings, the revision that documented
# it) reads a non-zero DisabledByDefault with a non-zero Enabled as
# "disabled by default": only a caller that names the version gets it ("If
# an SSPI app explicitly requests to use TLS 1.0, it may be negotiated"),
# so show says "off by default", not disabled.  2 and 0xFFFFFFFF are such
# values, not only 1.
"$MKIMAGE" 2022 v
P='HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols'
printf 'Windows Registry Editor Version 5.00\r\n\r\n[%s\\TLS 1.0\\Server]\r\n"Enabled"=dword:00000001\r\n"DisabledByDefault"=dword:00000002\r\n\r\n[%s\\TLS 1.1\\Server]\r\n"Enabled"=dword:00000001\r\n"DisabledByDefault"=dword:ffffffff\r\n' "$P" "$P" > v.reg
"$TLSHIVE" apply -r v.reg v > /dev/null
"$TLSHIVE" show v > out
for want in 'TLS 1.0 server                       ControlSet002  off by default   Enabled=0x00000001 (1), DisabledByDefault=0x00000002 (2)' \
	    'TLS 1.1 server                       ControlSet002  off by default   Enabled=0x00000001 (1), DisabledByDefault=0xffffffff (4294967295)'; do
	grep -qxF "$want" out || { grep 'server  *ControlSet002' out >&2; fail "V1: not shown off by default: $want"; }
done

# --- ST2: the name must still lead to the locked file ---
# An older tlshive commits by renaming a new file over the hive: a lock
# taken on the file the name led to before is then a lock on nothing, and
# writing through it would change a file no one reads.  While this apply
# waits for the lock, the hive is renamed away and another file put in its
# place; the apply must go on with the file now under the name and leave
# the one renamed away as it was.  No sleeping: the apply is known to wait
# once /proc/locks lists its blocked request.
need_tool flock
"$MKIMAGE" 2019 st
h=$(sys st)
cp "$h" "$h.new"
hold flock -x "$h"
"$TLSHIVE" apply --wait --system "$h" > out 2>&1 & wpid=$!
wait_for 120 "ST2: apply --wait blocked on the lock" lock_waited "$h"
mv "$h" "$h.old"; mv "$h.new" "$h"
s=$(stamp "$h.old")
release
wait "$wpid" || { cat out >&2; fail "ST2: apply after the rename"; }
[ "$(stamp "$h.old")" = "$s" ] || fail "ST2: the file renamed away was written"
"$TLSHIVE" check --system "$h" > /dev/null || fail "ST2: the file under the name was not written"
# renamed away with nothing in its place: refused, nothing written
"$MKIMAGE" 2019 st2
h=$(sys st2)
hold flock -x "$h"
"$TLSHIVE" apply --wait --system "$h" > out 2> err & wpid=$!
wait_for 120 "ST2: apply --wait blocked on the lock" lock_waited "$h"
mv "$h" "$h.old"
s=$(stamp "$h.old")
release
set +e; wait "$wpid"; rc=$?; set -e
[ "$rc" = 2 ] || { cat out err >&2; fail "ST2: exit $rc with the hive renamed away"; }
[ "$(cat err)" = "tlshive: $h: No such file or directory" ] || { cat err >&2; fail "ST2: message"; }
[ "$(stamp "$h.old")" = "$s" ] || fail "ST2: the file renamed away was written"
[ ! -e "$h" ] || fail "ST2: a hive was made under the name"

# --- D2: a hard-linked hive inside a disk image ---
# Written in place, a file with two NTFS links changes under both names,
# and Windows would boot with a copy no one meant to change: refused as a
# host hive with two links is.  The link is made through ntfs-3g, so the
# volume's own link count says 2.
d2() {
	for t in mkntfs ntfs-3g setfattr; do
		command -v "$t" > /dev/null 2>&1 || { echo "$t is not installed"; return 1; }
	done
	[ "$(id -u)" = 0 ] && [ -c /dev/fuse ] || { echo "needs root and /dev/fuse to build an NTFS volume"; return 1; }
	"$TLSHIVE" --version | grep -q '+images' || { echo "built without disk images"; return 1; }
}
if why=$(d2); then
	. "$srcdir/tests/cli/imglib.sh"
	vol hl.ntfs 2019
	ntfs-3g hl.ntfs "$M"; ln "$M/$cfg/SYSTEM" "$M/$cfg/SYSTEM.bak"; umount "$M"
	s=$(stamp hl.ntfs)
	refused "D2" "tlshive: hl.ntfs:/$cfg/SYSTEM: the file has 2 hard links; writing it in place would change it under every name, so tlshive refuses" \
		"$TLSHIVE" apply hl.ntfs
	[ "$(stamp hl.ntfs)" = "$s" ] || fail "D2: the image changed"
	no_temp_files .
else
	[ "${TLSHIVE_REQUIRE_TOOLS:-}" = 1 ] && fail "D2: $why"
	echo "SKIP: D2 (a hard link inside a disk image): $why"
fi
