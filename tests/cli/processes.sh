# Processes and locks an image run leaves: none.  qemu-nbd dies with a
# SIGKILLed tlshive and frees the image's lock; a raw image the kernel
# holds as a loop device is refused; in a batch a hanging image is stopped
# at --time-limit and a greedy one at --memory-limit, and the others go on.
. "$srcdir/tests/cli/lib.sh"
for t in mkntfs ntfs-3g setfattr qemu-img qemu-nbd losetup; do need_tool "$t"; done
[ "$(id -u)" = 0 ] && [ -c /dev/fuse ] || { [ "${TLSHIVE_REQUIRE_TOOLS:-}" = 1 ] && fail "needs root (loop devices) and /dev/fuse"; skip "needs root (loop devices) and /dev/fuse"; }
need_images
. "$srcdir/tests/cli/imglib.sh"
SHIM=${FAULTSHIM:-}
[ -n "$SHIM" ] && [ -f "$SHIM" ] || fail "the fault shim was not built"

vol v.ntfs 2019
disk pristine.raw gpt v.ntfs
# Names of this run's own: qemu_nbd_of looks at every process on the
# machine, and two suites at once must not see each other's qemu-nbd.
K=k$$.qcow2 C=c$$.qcow2
qemu-img convert -f raw -O qcow2 pristine.raw "$K"

# qemu_nbd_of IMAGE: is a qemu-nbd serving IMAGE running?
qemu_nbd_of() {
	for c in /proc/[0-9]*/cmdline; do
		{ tr '\0' ' ' < "$c"; } 2> /dev/null | grep -q "qemu-nbd .*$1" && return 0
	done
	return 1
}
no_qemu_nbd() { ! qemu_nbd_of "$1"; }
free_lock() { ! locked "$1" 101; }

# SIGKILL while qemu-nbd serves (tlshive held at its journal's first
# write, qemu-nbd connected and holding the lock): it goes too, and the
# lock with it, 20 times in a row.
i=0
while [ $i -lt 20 ]; do
	TLSHIVE_FAULT='pwrite:1:hang:*tlshive-journal*' LD_PRELOAD=$SHIM \
		"$TLSHIVE" apply "$K" > /dev/null 2>&1 & pid=$!
	wait_for 60 "qemu-nbd started for $K" qemu_nbd_of "$K"
	wait_for 60 "the image locked" locked "$K" 101
	kill -9 "$pid"; wait "$pid" 2> /dev/null || true
	wait_for 60 "qemu-nbd gone after tlshive was killed ($i)" no_qemu_nbd "$K"
	wait_for 60 "the lock freed after tlshive was killed ($i)" free_lock "$K"
	i=$((i + 1))
done
"$TLSHIVE" apply "$K" > /dev/null || fail "the image after 20 kills"

# Ctrl-C or kill -INT while qemu-nbd serves, contained or not: tlshive
# says what it left, and nothing of qemu-nbd's reaches the terminal: its
# stderr is not the user's but a memory file tlshive keeps.  (Contained,
# the worker and qemu-nbd are in a session of their own: a terminal's
# SIGINT reaches tlshive alone, which passes it on.)
journal_begun() { ls -a | grep -q "^\\.$C\\.tlshive-journal\\.tlshive-"; }
qemu_nbd_pid() {
	for c in /proc/[0-9]*/cmdline; do
		if { tr '\0' ' ' < "$c"; } 2> /dev/null | grep -q "qemu-nbd .*$1"; then
			p=${c#/proc/}; echo "${p%/cmdline}"; return 0
		fi
	done
	return 1
}
for mode in --sandbox --no-sandbox; do
	qemu-img convert -f raw -O qcow2 pristine.raw "$C"
	s=$(cksum < "$C")
	set -f; set -- $( [ $mode = --no-sandbox ] && echo $mode ); set +f
	TLSHIVE_FAULT='pwrite:1:hang:*tlshive-journal*' LD_PRELOAD=$SHIM \
		"$TLSHIVE" apply "$@" "$C" > /dev/null 2> cc.err & pid=$!
	wait_for 60 "qemu-nbd started for $C ($mode)" qemu_nbd_of "$C"
	wait_for 60 "the journal begun ($mode)" journal_begun
	# a failure here leaves the held run behind: it goes first
	held_fail() { kill -KILL "$pid" 2> /dev/null; fail "$@"; }
	q=$(qemu_nbd_pid "$C") || held_fail "no qemu-nbd pid ($mode)"
	e=$(readlink "/proc/$q/fd/2") || held_fail "qemu-nbd's stderr ($mode)"
	case $e in /memfd:qemu-nbd-stderr*) ;; *) held_fail "qemu-nbd's stderr is $e, not tlshive's memory file ($mode)" ;; esac
	kill -INT "$pid"
	set +e; wait "$pid"; rc=$?; set -e
	[ "$rc" = 130 ] || fail "Ctrl-C ($mode): exit $rc"
	[ "$(cat cc.err)" = "tlshive: $C: interrupted; the image was not changed" ] || { cat cc.err; fail "Ctrl-C ($mode): what tlshive said"; }
	[ "$(cksum < "$C")" = "$s" ] || fail "Ctrl-C ($mode): the image changed"
	journal_begun && fail "Ctrl-C ($mode): the journal's temporary file stayed"
	wait_for 60 "qemu-nbd gone after Ctrl-C ($mode)" no_qemu_nbd "$C"
done
# A signal while the image is written (the worker's first write of a raw
# image): the journal stays and is named with what finishes it; one once
# the journal is gone (the directory's fsync after its removal): the
# run's changes are in the image.
for mode in --sandbox --no-sandbox; do
	set -f; set -- $( [ $mode = --no-sandbox ] && echo $mode ); set +f
	cp pristine.raw c.raw
	set +e; TLSHIVE_FAULT='pwrite:1:int:c.raw' LD_PRELOAD=$SHIM "$TLSHIVE" apply "$@" c.raw > /dev/null 2> cc.err; rc=$?; set -e
	[ "$rc" = 130 ] || fail "SIGINT in the image ($mode): exit $rc"
	[ "$(cat cc.err)" = "tlshive: c.raw: interrupted while the image was written; the journal c.raw.tlshive-journal holds the whole run: tlshive recover c.raw finishes it" ] ||
		{ cat cc.err; fail "SIGINT in the image ($mode): what tlshive said"; }
	"$TLSHIVE" recover c.raw > /dev/null || fail "recover after SIGINT ($mode)"
	"$TLSHIVE" check c.raw > /dev/null || fail "not compliant after recover ($mode)"
	cp pristine.raw c.raw
	set +e; TLSHIVE_FAULT="fsync:2:term:$(pwd -P)" LD_PRELOAD=$SHIM "$TLSHIVE" apply "$@" c.raw > /dev/null 2> cc.err; rc=$?; set -e
	[ "$rc" = 143 ] || fail "SIGTERM after the journal ($mode): exit $rc"
	# dash reports the SIGTERM on the command's stderr: not tlshive's words
	[ "$(grep -v '^Terminated' cc.err)" = "tlshive: c.raw: interrupted after the image was written; this run's changes are in it" ] ||
		{ cat cc.err; fail "SIGTERM after the journal ($mode): what tlshive said"; }
	[ ! -e c.raw.tlshive-journal ] || fail "SIGTERM after the journal ($mode): a journal"
	"$TLSHIVE" check c.raw > /dev/null || fail "SIGTERM after the journal ($mode): not compliant"
done

# A raw image the kernel has open as a loop device.
cp pristine.raw lo.raw
dev=$(losetup -f --show lo.raw) || fail "no loop device"
s=$(stamp lo.raw)
set +e; "$TLSHIVE" apply lo.raw > /dev/null 2> err; rc=$?; set -e
losetup -d "$dev"
[ "$rc" = 2 ] || fail "a loop-backed image: exit $rc"
grep -qF "the kernel has it open as $dev (a loop device" err || { cat err; fail "a loop-backed image: message"; }
[ "$(stamp lo.raw)" = "$s" ] || fail "a loop-backed image changed"
"$TLSHIVE" apply lo.raw > /dev/null || fail "the same image, detached"

# A batch: the image under slow/ hangs at its first log write; the others
# are applied, and it is stopped at the time limit, its line an error.
for d in a slow b; do "$MKIMAGE" 2019 "$d"; done
set +e
TLSHIVE_FAULT='pwrite:1:hang:*/slow/*' LD_PRELOAD=$SHIM \
	timeout 120 "$TLSHIVE" apply --time-limit 3 --json -j 2 a slow b > bj.out 2> bj.err
rc=$?
set -e
[ "$rc" = 2 ] || { cat bj.err; fail "a hanging image: exit $rc"; }
lines=$(jq -r '"\(.image) \(.outcome)"' bj.out | tr '\n' ' ')
[ "$lines" = "a ok slow error b ok " ] || fail "a hanging image: the lines: $lines"
grep -q 'slow: still running after 3 s (--time-limit): stopped' bj.err || { cat bj.err; fail "a hanging image: message"; }
"$TLSHIVE" check a b > /dev/null || fail "the other images were not applied"

# --memory-limit: an image's worker with 1 MiB fails there, each alone.
# Through hivex, which maps each hive whole, the limit is always reached;
# the reader on demand may or may not find room in the heap it already
# has, so it proves nothing either way here (its reads are counted in
# test_regfread).
set +e; TLSHIVE_HIVEX_READS=1 "$TLSHIVE" check --memory-limit 1 a b > mo.out 2> mo.err; rc=$?; set -e
[ "$rc" = 2 ] || fail "--memory-limit 1: exit $rc"
[ "$(grep -Ec 'out of memory|Cannot allocate memory' mo.err)" = 2 ] || { cat mo.err; fail "--memory-limit 1: messages"; }
"$TLSHIVE" check --memory-limit 4096 a b > /dev/null || fail "--memory-limit 4096"
