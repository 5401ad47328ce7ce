# A kill at every write and fsync of an apply, for both log formats: after
# each, what Windows' recovery makes of the hive and its logs (read by an
# independent replayer, tests/tools/regf_replay.py) and what tlshive recover
# makes of it are the same, and are exactly the old hive or exactly the new
# one.  Both hives are old before the last mark-dirty write and new after
# it; only a kill between the two hives' mark-dirty writes may split them.
. "$srcdir/tests/cli/lib.sh"
SHIM=${FAULTSHIM:-}
REPLAY="$srcdir/tests/tools/regf_replay.py"
need_tool python3
need_tool reglookup
[ -n "$SHIM" ] && [ -f "$SHIM" ] || fail "the fault shim was not built"
[ -z "${VALGRIND:-}" ] || skip "the fault shim does not mix with valgrind"
python3 "$REPLAY" --selftest > /dev/null || fail "the replayer's Marvin32 self-test"

cfg=Windows/System32/config
seqs() { od -An -tu4 -j4 -N8 "$1" | tr -s ' ' | sed 's/^ //'; }
dirty() { set -- $(seqs "$1"); [ "$1" != "$2" ]; }

# state DIR HIVE: "old" or "new", agreed by both recoveries
state() {
	rm -rf r; mkdir r; cp "$1/$cfg/$2"* r/
	python3 "$REPLAY" "r/$2" r/by-spec > /dev/null || fail "$label: $2: the replayer cannot recover it"
	dump r/by-spec > r/spec.dump
	if dirty "r/$2"; then
		"$TLSHIVE" recover "r/$2" > /dev/null || fail "$label: $2: tlshive recover failed"
	fi
	dump "r/$2" > r/ours.dump
	cmp -s r/spec.dump r/ours.dump || fail "$label: $2: tlshive recover and the replayer disagree"
	if cmp -s r/ours.dump "old.$2"; then echo old
	elif cmp -s r/ours.dump "new.$2"; then echo new
	else diff "old.$2" r/ours.dump | head -n 5 >&2; fail "$label: $2 is neither old nor new"; fi
}

for layout in 2019:new 2008r2:old; do
	name=${layout%%:*}; fmt=${layout#*:}
	rm -rf base ref; "$MKIMAGE" "$name" base
	cp -a base ref; "$TLSHIVE" apply ref > /dev/null
	for h in SYSTEM SOFTWARE; do
		dump "base/$cfg/$h" > "old.$h"; dump "ref/$cfg/$h" > "new.$h"
		cmp -s "old.$h" "new.$h" && fail "$name: apply changed nothing in $h"
	done
	# the logs of the finished apply are in the format this Windows reads
	want=$([ "$fmt" = new ] && echo 6 || echo 1)
	for l in ref/$cfg/*.LOG*; do
		[ -s "$l" ] || continue
		[ "$(od -An -tu4 -j28 -N4 "$l" | tr -d ' ')" = "$want" ] && found=1
	done
	[ "${found:-}" = 1 ] || fail "$name: no $fmt-format log written"; found=

	for fault in pwrite:kill pwrite:tear fsync:kill; do
		call=${fault%%:*}; how=${fault#*:}
		n=1 split=0 olds=0 news=0
		while :; do
			label="$name $call:$n:$how"
			rm -rf w; cp -a base w
			set +e
			TLSHIVE_FAULT=$call:$n:$how LD_PRELOAD=$SHIM "$TLSHIVE" apply w > /dev/null 2>&1
			rc=$?
			set -e
			[ "$rc" = 0 ] && break		# past the last call
			[ "$rc" = 137 ] || fail "$label: exit $rc, not killed"
			a=$(state w SYSTEM); b=$(state w SOFTWARE)
			[ "$a" = "$b" ] || split=$((split + 1))
			[ "$a" = old ] && olds=$((olds + 1))
			[ "$b" = new ] && news=$((news + 1))
			n=$((n + 1))
		done
		[ "$split" -le 1 ] || fail "$name $call $how: $split kill points left one hive old and the other new"
		[ "$olds" -gt 0 ] && [ "$news" -gt 0 ] || fail "$name $call $how: kills gave only one state ($olds old, $news new)"
		echo "$name $call $how: $((n - 1)) kill points, $olds old, $news new, $split split"
	done
done
