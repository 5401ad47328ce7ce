# Shared helpers for the end-to-end tests (sourced; POSIX sh).
set -eu
LC_ALL=C; export LC_ALL
: "${TLSHIVE:?run through make check}" "${MKIMAGE:?run through make check}"
: "${srcdir:=.}"
T=$(mktemp -d "${TMPDIR:-/tmp}/tlshive-cli-XXXXXX")
lib_cleanup() { chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"; }
trap 'at_exit lib_cleanup' EXIT
cd "$T"

fail() { echo "FAIL: $*" >&2; exit 1; }

# make check-valgrind: every tlshive run goes through valgrind.
if [ -n "${VALGRIND:-}" ]; then
	printf '#!/bin/sh\nexec %s "%s" "$@"\n' "$VALGRIND" "$TLSHIVE" > "$T/vg-wrapper"
	chmod +x "$T/vg-wrapper"
	TLSHIVE=$T/vg-wrapper
fi
skip() { echo "SKIP: $*"; exit 77; }

# Every tlshive run goes through tests/tools/json-wrapper.sh, which keeps
# the standard output of the runs with --json in $T/.json; when the test
# ends they are held against the schemas in schemas/, and a document its
# schema does not describe fails the test whatever else it asserted.
# A fault shim (LD_PRELOAD) the test gives is for tlshive, not for the
# wrapper's own commands, which it could lie to: it is handed over aside.
mkdir "$T/.json"
printf '#!/bin/sh\np=unset\n[ -z "${LD_PRELOAD+x}" ] || p="set:$LD_PRELOAD"\nunset LD_PRELOAD\nexec /bin/sh "%s" "%s" "%s" "$p" "$@"\n' \
    "$srcdir/tests/tools/json-wrapper.sh" "$TLSHIVE" "$T/.json" > "$T/json-wrapper"
chmod +x "$T/json-wrapper"
TLSHIVE=$T/json-wrapper

# json_valid: the documents kept so far all match their schema (or there
# are none); a missing python3-jsonschema fails where tools are required.
json_valid() {
	set -- $(ls -d "$T/.json"/* 2> /dev/null | grep -v '\.argv$')
	[ $# -gt 0 ] || return 0
	if ! python3 -c 'import jsonschema' 2> /dev/null; then
		if [ "${TLSHIVE_REQUIRE_TOOLS:-}" = 1 ]; then
			echo "FAIL: python3-jsonschema is not installed: the JSON output is not validated" >&2
			return 1
		fi
		echo "SKIP: python3-jsonschema is not installed: the JSON output is not validated"
		return 0
	fi
	python3 "$srcdir/tests/tools/validate-json.py" "$srcdir/schemas" "$@" >&2 &&
		return 0
	echo "FAIL: JSON output that its schema (schemas/) does not describe" >&2
	return 1
}

# at_exit CLEANUP...: every test's EXIT trap (a test that cleans up more
# sets it to at_exit ITS_CLEANUP): the JSON kept is validated, CLEANUP
# runs, and the test fails if the JSON did, though it passed or skipped.
at_exit() {
	ae_rc=$?
	if ! json_valid; then
		[ "$ae_rc" != 0 ] && [ "$ae_rc" != 77 ] || ae_rc=1
	fi
	"$@"
	exit "$ae_rc"
}

# must_exit CODE CMD...: run CMD, demand exit status CODE.
must_exit() {
	want=$1; shift
	set +e; "$@"; got=$?; set -e
	[ "$got" = "$want" ] || fail "exit $got, expected $want: $*"
}

# golden NAME FILE: FILE must equal tests/cli/golden/NAME.
# UPDATE_GOLDEN=1 make check rewrites the golden files (never in CI):
# review the diff before committing it.
golden() {
	if [ -n "${UPDATE_GOLDEN:-}" ] && [ -z "${CI:-}" ]; then
		cp "$2" "$srcdir/tests/cli/golden/$1"
	fi
	diff -u "$srcdir/tests/cli/golden/$1" "$2" || fail "differs from golden $1"
}

sys() { echo "$1/Windows/System32/config/SYSTEM"; }
soft() { echo "$1/Windows/System32/config/SOFTWARE"; }

# An independent reading of a hive (reglookup, not hivex): one line per key
# and value, PATH,TYPE,VALUE, without timestamps, sorted.
dump() {
	need_tool reglookup
	reglookup -H "$1" 2>/dev/null | cut -d, -f1-3 | LC_ALL=C sort
}

# A file's bytes and mtime, to prove it was not touched.
stamp() { echo "$(cksum < "$1") $(stat -c %Y "$1")"; }

no_temp_files() {
	if ls -a "$1" | grep -q tlshive; then fail "temporary file left in $1"; fi
}

# need_tool CMD: a test that needs CMD skips without it, but fails where the
# tools are required (CI sets TLSHIVE_REQUIRE_TOOLS=1), so a missing tool
# never passes unseen.
need_tool() {
	command -v "$1" > /dev/null 2>&1 && return 0
	[ "${TLSHIVE_REQUIRE_TOOLS:-}" = 1 ] && fail "$1 is not installed"
	skip "$1 is not installed"
}

# need_images: disk-image and WIM tests need a build with image support;
# where tools are required a build without it fails rather than skips.
need_images() {
	"$TLSHIVE" --version | grep -q '+images' && return 0
	[ "${TLSHIVE_REQUIRE_TOOLS:-}" = 1 ] && fail "tlshive was built without disk images"
	skip "built without disk images (configure --without-images)"
}

# jtrue FILTER < JSON: FILTER holds on the first document.  Plain jq -e
# exits 0 on empty input, so a command that printed nothing would pass.
jtrue() { jq -en "input | $1" > /dev/null; }

# have_shared PATH WHAT: is the reference data at PATH (under ../shared)?
# Where it is required (CI sets TLSHIVE_REQUIRE_SHARED=1) its absence is a
# failure; elsewhere the part that needs it says SKIP and is left out.
have_shared() {
	[ -n "${SHARED:-}" ] && [ -e "$SHARED/$1" ] && return 0
	[ "${TLSHIVE_REQUIRE_SHARED:-}" = 1 ] && fail "${SHARED:-../shared}/$1 is absent ($2)"
	echo "SKIP: ${SHARED:-../shared}/$1 is absent: $2 not run"
	return 1
}
# need_shared PATH WHAT: the whole test needs it.
need_shared() { have_shared "$1" "$2" || exit 77; }

# poll_until SECONDS CMD...: run CMD until it succeeds (0), or until
# SECONDS of wall time have passed (1).  Tests wait for another process
# this way (or through a pipe), never by sleeping a guessed while, which a
# busy machine outlasts: the short pause only spaces out the polls.
poll_until() {
	pu_end=$(($(date +%s) + $1)); shift
	until "$@"; do
		[ "$(date +%s)" -le "$pu_end" ] || return 1
		sleep 0.05
	done
}
# wait_for SECONDS WHAT CMD...: poll_until, failing the test at the deadline.
wait_for() {
	wf_s=$1 wf_what=$2; shift 2
	poll_until "$wf_s" "$@" || fail "$wf_what: not within $wf_s seconds"
}

# hold LOCKER...: run LOCKER in the background, which takes a lock and
# then runs the command it is given; return once the lock is held.  The
# holder keeps it until release.  LOCKER is e.g. 'flock -x FILE'.
hold() {
	rm -f "$T/.held" "$T/.release"
	mkfifo "$T/.held" "$T/.release"
	"$@" sh -c 'echo held > "$1"; read r < "$2"' sh "$T/.held" "$T/.release" &
	held_pid=$!
	# the fifo opens once the holder writes, so this returns when the lock
	# is held, or fails if the holder died first
	timeout 120 cat "$T/.held" > /dev/null || fail "could not take the lock: $*"
}
release() {
	timeout 120 sh -c 'echo go > "$1"' sh "$T/.release" || fail "the lock holder is gone"
	wait "$held_pid" || fail "the lock holder failed"
	rm -f "$T/.held" "$T/.release"
}

# lock_waited FILE: some process waits for a lock on FILE.  Linux lists a
# blocked request in /proc/locks with "->" before its type, and the file
# as MAJOR:MINOR:INODE, the device's numbers in hex.
lock_waited() {
	set -- $(stat -c '%Hd %Ld %i' "$1")
	awk -v id="$(printf '%02x:%02x:%s' "$1" "$2" "$3")" \
	    '$2 == "->" && $7 == id { f = 1 } END { exit !f }' /proc/locks
}

# locked FILE BYTE...: a lock (held, not waited for) covers each BYTE of
# FILE, as /proc/locks lists them: MAJOR:MINOR:INODE START END.
locked() {
	lk_id=$(stat -c '%Hd %Ld %i' "$1"); shift
	set -- $(printf '%02x:%02x:%s' $lk_id) "$@"
	awk -v id="$1" -v want="$*" 'BEGIN { n = split(want, w, " ") }
		$2 != "->" && $6 == id { for (i = 2; i <= n; i++)
			if ($7 + 0 <= w[i] + 0 && ($8 == "EOF" || w[i] + 0 <= $8 + 0)) got[i] = 1 }
		END { for (i = 2; i <= n; i++) if (!(i in got)) exit 1 }' /proc/locks
}
