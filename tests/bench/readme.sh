#!/bin/sh
# readme.sh BENCH-WORK README: puts the tables of the last make bench
# (BENCH-WORK/results.tsv, machine.txt, run.txt) into README between the
# <!-- bench:begin --> and <!-- bench:end --> lines, replacing what was
# there.  make bench-readme runs it; make check never does, since the
# figures belong to the machine they were taken on.
set -eu
export LC_ALL=C
w=$1 readme=$2
for f in "$w/results.tsv" "$w/machine.txt" "$w/run.txt"; do
	[ -f "$f" ] || { echo "readme.sh: $f: missing (run make bench first)" >&2; exit 2; }
done
grep -q '^<!-- bench:begin -->$' "$readme" && grep -q '^<!-- bench:end -->$' "$readme" ||
	{ echo "readme.sh: $readme: no <!-- bench:begin --> and <!-- bench:end --> lines" >&2; exit 2; }

tables() {
	echo "$(cat "$w/run.txt") Machine: $(cat "$w/machine.txt")."
	echo
	echo "| figure | floor | median s | min s | floor median s | ratio | goal | met |"
	echo "|---|---|---|---|---|---|---|---|"
	awk -F '\t' '/^#/ { next }
		$1 !~ /:/ { printf "| `%s` | `%s` | %s | %s | %s | %s | %s | %s |\n", $1, $4, $2, $3, $5, $6, $7, $8 }' "$w/results.tsv"
	echo
	echo "| figure | median | min | against | ratio | goal | met |"
	echo "|---|---|---|---|---|---|---|"
	awk -F '\t' '/^#/ { next }
		$1 ~ /:/ { printf "| `%s` | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3,
		    ($4 == "-" ? "-" : $4 " " $5), $6, $7, $8 }' "$w/results.tsv"
	echo
	echo "check against the size of a SOFTWARE hive of realistic shape (the same SYSTEM beside it):"
	echo
	echo "| SOFTWARE MB | check s | cat of both hives s | ratio | hivex read floor s |"
	echo "|---|---|---|---|---|"
	awk -F '\t' '/^#/ { next }
		$1 ~ /^check@real-[0-9]+$/ && $4 ~ /^cat@/ { mb = substr($1, 12); ck[mb] = $2; cat[mb] = $5; r[mb] = $6 }
		$1 ~ /^check@real-[0-9]+$/ && $4 ~ /^floor-read@/ { fr[substr($1, 12)] = $5 }
		END { for (mb in ck) printf "%d | %s | %s | %s | %s |\n", mb, ck[mb], cat[mb], r[mb], fr[mb] }' "$w/results.tsv" |
	    sort -n | sed 's/^/| /'
}

tables > "$w/readme.part"
awk -v part="$w/readme.part" '
	$0 == "<!-- bench:begin -->" { print; while ((getline l < part) > 0) print l; skip = 1; next }
	$0 == "<!-- bench:end -->" { skip = 0 }
	!skip { print }' "$readme" > "$w/readme.new"
cat "$w/readme.new" > "$readme"
rm -f "$w/readme.part" "$w/readme.new"
