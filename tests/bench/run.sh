#!/bin/sh
# make bench: whole-process timings of tlshive against the I/O floor and
# the tools people use today, on a generated large SOFTWARE hive (and the
# largest real SYSTEM hive in ../shared/hives when present).  Medians of
# BENCH_RUNS runs, interleaved; peak RSS from GNU time.  Not part of make
# check: numbers depend on the machine, goals are printed, not asserted.
set -eu
b=$1
RUNS=${BENCH_RUNS:-5}
KEYS=${BENCH_KEYS:-300000}
W=$b/bench-work
TL=$b/tlshive
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench: GNU time (/usr/bin/time) is needed"; exit 2; }
rm -rf "$W"; mkdir -p "$W"; cd "$W"

echo "== making the image: Server 2022 layout, SOFTWARE grown by $KEYS keys"
"$b/tests/mkimage" 2022 master
cfg=master/Windows/System32/config
"$b/tests/bench/mklarge" "$cfg/SOFTWARE" "$KEYS" 2>/dev/null
if [ -f "${SHARED:-/nonexistent}/hives/real/win7-x86/SYSTEM" ]; then
	cp "$SHARED/hives/real/win7-x86/SYSTEM" "$cfg/SYSTEM"	# the largest real one
	chmod u+w "$cfg/SYSTEM"
fi
ls -l "$cfg"

# The same settings for the peers, one hive at a time, CurrentControlSet
# mapped and parents listed (hivexregedit needs both; reged the mapping).
"$TL" export --utf8 master > rec.reg
split_reg() {
	grep -v '^;' rec.reg | sed 's/\\CurrentControlSet\\/\\ControlSet001\\/' | awk -v pfx="HKEY_LOCAL_MACHINE\\$1" '
		/^Windows Registry/ { print; print ""; next }
		/^\[/ { key = substr($0, 2, length($0) - 2); keep = index(key, pfx "\\") == 1
			if (keep) { n = split(substr(key, length(pfx) + 2), parts, "\\"); path = pfx
				for (i = 1; i < n; i++) { path = path "\\" parts[i]
					if (!(path in seen)) { print "[" path "]"; print ""; seen[path] = 1 } }
				print; seen[key] = 1 }
			next }
		keep { print }'
}
split_reg SYSTEM > sys.reg
split_reg SOFTWARE > soft.reg

fresh() { rm -rf w; mkdir -p w/Windows/System32/config; cp "$cfg/SYSTEM" "$cfg/SOFTWARE" w/Windows/System32/config/; }
run() {	# run NAME CMD...: one timed run, seconds and KB appended to NAME.t
	name=$1; shift
	$TIME -f '%e %M' -o t.out "$@" > /dev/null 2>&1 || true
	tail -n 1 t.out >> "$name.t"
}
for r in $(seq 1 "$RUNS"); do
	fresh; run copy sh -c 'cp w/Windows/System32/config/SYSTEM w/Windows/System32/config/SOFTWARE w/ && sync w/SYSTEM w/SOFTWARE'
	fresh; run apply "$TL" apply w
	run read sh -c "cat $cfg/SYSTEM $cfg/SOFTWARE > /dev/null"
	run check "$TL" check master
	if command -v hivexregedit > /dev/null; then
		fresh; run hivexregedit sh -c 'hivexregedit --merge --prefix "HKEY_LOCAL_MACHINE\\SYSTEM" w/Windows/System32/config/SYSTEM sys.reg &&
		    hivexregedit --merge --prefix "HKEY_LOCAL_MACHINE\\SOFTWARE" w/Windows/System32/config/SOFTWARE soft.reg'
	fi
	if command -v reged > /dev/null; then
		fresh; run reged sh -c 'reged -I -C w/Windows/System32/config/SYSTEM "HKEY_LOCAL_MACHINE\\SYSTEM" sys.reg < /dev/null;
		    reged -I -C w/Windows/System32/config/SOFTWARE "HKEY_LOCAL_MACHINE\\SOFTWARE" soft.reg < /dev/null'
	fi
done

median() { cut -d' ' -f1 "$1.t" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
peak() { cut -d' ' -f2 "$1.t" | sort -n | tail -n 1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
largest=$(stat -c %s "$cfg/SOFTWARE")
echo
echo "== results: medians of $RUNS runs on $(nproc) CPUs ($(uname -m)), $KEYS keys, SOFTWARE $((largest / 1048576)) MiB"
printf '%-14s %9s %10s\n' what seconds peakRSS_MB
for n in copy apply read check hivexregedit reged; do
	[ -f "$n.t" ] && printf '%-14s %9s %10s\n' "$n" "$(median $n)" "$(( $(peak $n) / 1024 ))"
done
echo
echo "apply / copy+sync floor:   $(ratio "$(median apply)" "$(median copy)")  (goal <= 1.5)"
echo "check / read floor:        $(ratio "$(median check)" "$(median read)")  (goal <= 2)"
[ -f hivexregedit.t ] && echo "apply / hivexregedit:      $(ratio "$(median apply)" "$(median hivexregedit)")  (goal < 1)"
[ -f reged.t ] && echo "apply / reged:             $(ratio "$(median apply)" "$(median reged)")"
echo "apply peak RSS:            $(( $(peak apply) / 1024 )) MB  (goal <= $(( 2 * largest / 1048576 + 64 )) MB)"

echo
echo "== batch throughput (Server 2019 layouts, default profile, safe commit included)"
"$b/tests/mkimage" 2019 tmpl
printf '%-8s %-4s %9s %12s\n' images jobs seconds images/s
for n in 1 10 100; do
	for j in 1 2; do
		rm -rf fleet; mkdir fleet
		for i in $(seq 1 "$n"); do cp -r tmpl "fleet/img$i"; done
		ls -d fleet/img* > list
		$TIME -f '%e' -o t.out "$TL" apply --quiet --from list -j "$j" > /dev/null || true
		s=$(tail -n 1 t.out)
		printf '%-8s %-4s %9s %12s\n' "$n" "$j" "$s" "$(awk -v n="$n" -v s="$s" 'BEGIN { printf "%.1f", (s > 0 ? n / s : 0) }')"
	done
done

echo
echo "== a serviced image: 8,000 Component Based Servicing packages"
for i in $(seq 1 8000); do
	printf 'SOFTWARE|Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\Packages\\Package_for_KB%07d~31bf3856ad364e35~amd64~~10.0.1.%d|CurrentState|dword|0x70\n' $((5000000 + i)) "$i"
done > cbs.extra
"$b/tests/mkimage" --extra cbs.extra 2019 serviced
for r in $(seq 1 "$RUNS"); do run show "$TL" show serviced; done
echo "show with 8,000 packages: $(median show) s (one pass over Packages; a lookup per package took 5.8 s)"
