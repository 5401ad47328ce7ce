#!/bin/sh
# make bench-readme (tests/bench/readme.sh): the figures of results.tsv go
# between README's bench markers, as one table of timed pairs, one of
# limits and the curve of check and apply in SOFTWARE's size order (12,
# 127, 1270: by number, not as text; a figure not measured is "-"); the
# text around the markers stays, a second run changes nothing, and without markers or
# results it refuses and leaves the file alone.
. "$srcdir/tests/cli/lib.sh"
R=$srcdir/tests/bench/readme.sh

mkdir w
tab=$(printf '\t')
{
	echo "# name${tab}median${tab}min${tab}floor${tab}floor_median${tab}ratio${tab}goal${tab}met"
	echo "check@real-127${tab}0.0600${tab}0.0500${tab}cat@real-127${tab}0.0300${tab}2.00${tab}1.0${tab}NOT MET"
	echo "check@real-127${tab}0.0600${tab}0.0500${tab}floor-read@real-127${tab}0.0450${tab}1.33${tab}context${tab}-"
	echo "check@real-12${tab}0.0400${tab}0.0350${tab}cat@real-12${tab}0.0100${tab}4.00${tab}1.0${tab}NOT MET"
	echo "check@real-12${tab}0.0400${tab}0.0350${tab}floor-read@real-12${tab}0.0200${tab}2.00${tab}context${tab}-"
	echo "check@real-1270${tab}0.0900${tab}0.0800${tab}cat@real-1270${tab}0.4500${tab}0.20${tab}1.0${tab}met"
	echo "apply@real-1270${tab}9.0000${tab}8.5000${tab}floor-hivex@real-1270${tab}8.0000${tab}1.12${tab}1.1${tab}NOT MET"
	echo "apply@real-1270${tab}9.0000${tab}8.5000${tab}floor-hivex-j2@real-1270${tab}6.0000${tab}1.50${tab}context${tab}-"
	echo "apply@real-12${tab}0.2000${tab}0.1900${tab}floor-hivex@real-12${tab}0.1900${tab}1.05${tab}1.1${tab}met"
	echo "apply@real-1270:peak-RSS-MB${tab}1400${tab}1390${tab}hives-MB${tab}1282.0${tab}1.09${tab}1.25x+64${tab}met"
	echo "check@real-1270:peak-RSS-MB${tab}3${tab}3${tab}hives-MB${tab}1282.0${tab}0.00${tab}1x+64${tab}met"
	echo "check@real-12:peak-RSS-MB${tab}2${tab}2${tab}hives-MB${tab}24.0${tab}0.08${tab}1x+64${tab}met"
	echo "apply@bench${tab}0.3000${tab}0.2800${tab}floor-hivex@bench${tab}0.2900${tab}1.03${tab}1.1${tab}met"
	echo "apply@bench:peak-RSS-MB${tab}300${tab}290${tab}hives-MB${tab}231.0${tab}1.30${tab}1.25x+64${tab}met"
	echo "qcow2-overlay:grown-KiB${tab}1599${tab}1599${tab}-${tab}-${tab}-${tab}2048${tab}met"
} > w/results.tsv
echo "AMD EPYC, 2 CPUs" > w/machine.txt
echo '`BENCH_RUNS=5 make bench` on 2026-12-04.' > w/run.txt
printf 'before\n<!-- bench:begin -->\nstale figure\n<!-- bench:end -->\nafter\n' > README.md

sh "$R" w README.md
[ "$(head -n 1 README.md)" = before ] && [ "$(tail -n 1 README.md)" = after ] ||
	fail "the text around the markers changed"
grep -q 'stale figure' README.md && fail "the old figures are still there"
grep -qF '`BENCH_RUNS=5 make bench` on 2026-12-04. Machine: AMD EPYC, 2 CPUs.' README.md ||
	fail "no run and machine line"
grep -qxF '| `apply@bench` | `floor-hivex@bench` | 0.3000 | 0.2800 | 0.2900 | 1.03 | 1.1 | met |' README.md ||
	fail "no row for a timed pair"
grep -qxF '| `apply@bench:peak-RSS-MB` | 300 | 290 | hives-MB 231.0 | 1.30 | 1.25x+64 | met |' README.md ||
	fail "no row for a limit"
grep -qxF '| `qcow2-overlay:grown-KiB` | 1599 | 1599 | - | - | 2048 | met |' README.md ||
	fail "no row for a limit without a floor"
grep '^| 12[7 0]' README.md > curve
printf '%s\n' '| 12 | 0.0400 | 0.0100 | 4.00 | 0.0200 | 0.2000 | 0.1900 | 1.05 | 2 | - |' \
	'| 127 | 0.0600 | 0.0300 | 2.00 | 0.0450 | - | - | - | - | - |' \
	'| 1270 | 0.0900 | 0.4500 | 0.20 | - | 9.0000 | 8.0000 | 1.12 | 3 | 1400 |' |
	diff -u - curve || fail "the curve is not check, cat, ratio, floor-read, apply, floor-hivex, ratio and the peak RSS of both by SOFTWARE's size"

cp README.md once.md
sh "$R" w README.md
cmp -s once.md README.md || fail "a second run changed README"

printf 'no markers\n' > plain.md
must_exit 2 sh "$R" w plain.md 2> err
grep -q 'plain.md: no <!-- bench:begin -->' err || fail "no message for a README without markers"
[ "$(cat plain.md)" = "no markers" ] || fail "a README without markers was changed"
rm w/results.tsv
must_exit 2 sh "$R" w README.md 2> err
grep -q 'results.tsv: missing' err || fail "no message without results"
cmp -s once.md README.md || fail "README changed without results"
