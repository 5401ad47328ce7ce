# Faults during a commit: disk full, I/O errors, read-only file system,
# permission denied, a lost second rename, a second writer.  The originals
# stay byte-identical and no temporary file is left.
. "$srcdir/tests/cli/lib.sh"
SHIM=${FAULTSHIM:-}
[ -n "$SHIM" ] && [ -f "$SHIM" ] || skip "the fault shim was not built"
[ -z "${VALGRIND:-}" ] || skip "the fault shim does not mix with valgrind"

"$MKIMAGE" 2019 img
s1=$(stamp "$(sys img)"); s2=$(stamp "$(soft img)")
intact() {
	[ "$(stamp "$(sys img)")" = "$s1" ] && [ "$(stamp "$(soft img)")" = "$s2" ] || fail "$1: a hive changed"
	no_temp_files img/Windows/System32/config
}
fault() {	# fault CALL:N:ERRNO MESSAGE
	set +e
	TLSHIVE_FAULT=$1 LD_PRELOAD=$SHIM "$TLSHIVE" apply img > out 2> err
	rc=$?
	set -e
	[ "$rc" = 2 ] || fail "$1: exit $rc"
	grep -q "$2" err || { cat err >&2; fail "$1: message"; }
	intact "$1"
}

fault write:1:28 'cannot write the new hive: No space left on device'
fault write:2:5 'cannot write the new hive: Input/output error'
fault fsync:1:5 'fsync: Input/output error'
fault fsync:2:5 'fsync: Input/output error'
fault mkstemp:1:30 'cannot create a temporary file beside it: Read-only file system'
fault mkstemp:2:13 'cannot create a temporary file beside it: Permission denied'
fault rename:1:5 'cannot replace it with .*: Input/output error'
# The second hive fails after the first is in place: the first goes back.
fault rename:2:5 'SOFTWARE: cannot replace it'
grep -q 'SYSTEM: put back as it was' err || fail "rollback reported"
# A directory that cannot be synced after the rename: rolled back too.
fault fsync:3:5 'syncing its directory after the rename failed'
# Without hard links there is no way back, but a lone failure stays safe.
set +e; TLSHIVE_FAULT=link:1:1 LD_PRELOAD=$SHIM "$TLSHIVE" apply -n img > /dev/null; set -e
intact "link under -n"

# Opening the hive for writing is refused (permission denied).
set +e; TLSHIVE_FAULT=open:1:13 LD_PRELOAD=$SHIM "$TLSHIVE" apply img > out 2> err; rc=$?; set -e
[ "$rc" = 2 ] || fail "EACCES exit $rc"
grep -q 'Permission denied' err || fail "EACCES message"
intact "EACCES"

# Two writers: the second fails fast, or waits with --wait.
command -v flock > /dev/null || skip "flock(1) is not installed"
flock -x "$(sys img)" sleep 3 &
sleep 0.5
must_exit 2 "$TLSHIVE" apply img 2> err
grep -q 'another tlshive is changing this hive; try again when it is done, or give --wait' err || fail "lock message"
intact "locked"
"$TLSHIVE" apply --wait img > out || fail "--wait"
grep -q '^applied ' out || fail "--wait applied nothing"
wait
"$TLSHIVE" check img > /dev/null || fail "not compliant after --wait"
