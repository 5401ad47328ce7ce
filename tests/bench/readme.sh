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
	echo "check and apply against the size of a SOFTWARE hive of realistic shape (the same SYSTEM beside it; medians, peak RSS in MB):"
	echo
	echo "| SOFTWARE MB | check s | cat of both hives s | ratio | hivex read floor s | apply s | floor-hivex s | ratio | check RSS | apply RSS |"
	echo "|---|---|---|---|---|---|---|---|---|---|"
	awk -F '\t' '/^#/ { next }
		{ n = $1; sub(/:.*/, "", n); mb = n; sub(/^[a-z]+@real-/, "", mb) }
		n !~ /^(check|apply)@real-[0-9]+$/ { next }
		$1 ~ /^check@/ && $4 ~ /^cat@/ { ck[mb] = $2; cat[mb] = $5; r[mb] = $6; seen[mb] = 1 }
		$1 ~ /^check@/ && $4 ~ /^floor-read@/ { fr[mb] = $5 }
		$1 ~ /^apply@[^:]*$/ && $4 ~ /^floor-hivex@/ { ap[mb] = $2; fh[mb] = $5; ar[mb] = $6 }
		$1 ~ /^check@.*:peak-RSS-MB$/ { crss[mb] = $2 }
		$1 ~ /^apply@.*:peak-RSS-MB$/ { arss[mb] = $2 }
		function v(x) { return x == "" ? "-" : x }
		END { for (mb in seen) printf "%d | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", mb,
		    ck[mb], cat[mb], r[mb], v(fr[mb]), v(ap[mb]), v(fh[mb]), v(ar[mb]), v(crss[mb]), v(arss[mb]) }' "$w/results.tsv" |
	    sort -n | sed 's/^/| /'
}

tables > "$w/readme.part"
awk -v part="$w/readme.part" '
	$0 == "<!-- bench:begin -->" { print; while ((getline l < part) > 0) print l; skip = 1; next }
	$0 == "<!-- bench:end -->" { skip = 0 }
	!skip { print }' "$readme" > "$w/readme.new"
cat "$w/readme.new" > "$readme"
rm -f "$w/readme.part" "$w/readme.new"
