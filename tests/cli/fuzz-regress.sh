# The fuzz regression corpus: every input under tests/fuzz/regress/ (the
# coverage-minimised corpora of make fuzz, inputs up to 8 KiB) through its
# harness, built with a plain main: a crash, an abort or a sanitizer
# report fails, and each harness must have run inputs.
. "$srcdir/tests/cli/lib.sh"
: "${REPLAY:?run through make check}"

for h in profile reg logs hive regfread ictpl findings; do
	[ -x "$REPLAY/replay_$h" ] || fail "replay_$h was not built"
	want=$(ls "$srcdir/tests/fuzz/regress/$h" | wc -l)
	[ "$want" -gt 0 ] || fail "no regression inputs for $h"
	out=$("$REPLAY/replay_$h" "$srcdir/tests/fuzz/regress/$h") || fail "$h: a regression input failed"
	[ "$out" = "$want inputs" ] || fail "$h: ran $out of $want"
	echo "$h: $out"
done
