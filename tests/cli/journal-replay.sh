# An apply after an interrupted disk-image apply: the journal it left is
# replayed into the image first, and the report says so (text and JSON),
# never "nothing to do ... no file written".
. "$srcdir/tests/cli/lib.sh"
for t in mkntfs ntfs-3g setfattr sfdisk qemu-img qemu-nbd; do
	need_tool "$t"
done
[ "$(id -u)" = 0 ] && [ -c /dev/fuse ] || { [ "${TLSHIVE_REQUIRE_TOOLS:-}" = 1 ] && fail "needs root and /dev/fuse to build the test volumes"; skip "needs root and /dev/fuse to build the test volumes"; }
SHIM=${FAULTSHIM:-}
[ -n "$SHIM" ] && [ -f "$SHIM" ] || fail "the fault shim was not built"
need_images
. "$srcdir/tests/cli/imglib.sh"

vol v.ntfs 2019
disk pristine.raw gpt v.ntfs
# killed at its first write of the image: the journal is complete
interrupted() {
	cp pristine.raw "$1"
	set +e; TLSHIVE_FAULT="pwrite:1:kill:$1" LD_PRELOAD=$SHIM "$TLSHIVE" apply "$1" > /dev/null 2>&1; rc=$?; set -e
	[ "$rc" = 137 ] || fail "$1: the interrupted apply exited $rc"
	[ -e "$1.tlshive-journal" ] || fail "$1: no journal left"
}

interrupted a.raw
s=$(cksum < a.raw)
"$TLSHIVE" apply a.raw > out 2> err || { cat err; fail "apply after an interrupted one"; }
[ "$(cksum < a.raw)" != "$s" ] || fail "the journal was not replayed"
[ ! -e a.raw.tlshive-journal ] || fail "journal left after the replay"
grep -qx 'recovered a.raw: the journal of an interrupted run (a.raw.tlshive-journal) was replayed into the image first' out || { cat out; fail "text: no recovered line"; }
if grep -q 'no file written' out; then fail "text: says no file was written"; fi
grep -q '^nothing more to do: .* once the journal is replayed; the image was written by the replay alone$' out || { cat out; fail "text: summary"; }

interrupted b.raw
"$TLSHIVE" apply --json b.raw > out 2> err || { cat err; fail "apply --json after an interrupted one"; }
jtrue '.recovered == true and .recovered_journal == "b.raw.tlshive-journal" and .changes == []' < out || { cat out; fail "JSON: recovered"; }
# and an apply with nothing to recover says nothing of the kind
"$TLSHIVE" apply --json b.raw > out
jtrue '.recovered == false and .recovered_journal == null' < out || fail "JSON: recovered without a journal"
"$TLSHIVE" apply b.raw > out
if grep -q '^recovered' out; then fail "text: recovered without a journal"; fi
