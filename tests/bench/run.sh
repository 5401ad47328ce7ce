#!/bin/bash
# make bench: every figure as a ratio to its floor measured in the same run.
# Each figure is registered with its floor and goal (pair FIGURE FLOOR
# GOAL); every iteration runs each registered command once, a floor just
# before the figures that use it, so both see the same state of a noisy
# machine.  Whole processes: wall time from bash's EPOCHREALTIME, peak RSS
# and bytes written from GNU time, no run left with another's dirty pages
# to write back.  The summary gives medians and minimums of BENCH_RUNS
# iterations (default 5), the ratio, the goal and whether it was met;
# bench-work/results.tsv has the same, one line per figure, for
# tests/bench/readme.sh.
#
# Images: the bench image (a Server 2022 layout whose SOFTWARE grows by
# BENCH_KEYS component keys: few, large cells) and, for each size in
# BENCH_SIZES (MB, default "12 127"; "12 127 1270" for the whole curve),
# a SOFTWARE of realistic shape (mklarge --real: many small keys); both
# with the real 11.8 MB Windows 7 SYSTEM from ../shared/hives when it is
# there.  Generated hives are kept in bench-work/cache/, keyed by the
# generators' source, the size and the SYSTEM hive used.
# Not part of make check: numbers depend on the machine; goals are printed,
# not asserted, and a missing peer tool is "not run", not a failure.
set -eu
shopt -s inherit_errexit
export LC_ALL=C
b=$1
# this script's folder, before the cd below
here=$(cd "$(dirname "$0")" && pwd)
RUNS=${BENCH_RUNS:-5}
KEYS=${BENCH_KEYS:-300000}
SIZES=${BENCH_SIZES:-12 127}
# The peers rewrite a whole hive, hivexregedit from Perl through hivex's
# bindings, and each of its runs starts from a fresh copy of the hives:
# one run on a 441 MB SOFTWARE took 54 s on the busy 2-core machine (4.6 s
# of CPU, the rest waiting for its writes and its turn), so minutes an
# iteration at 1270 MB.  Above BENCH_PEER_MAX_MB of SOFTWARE the slow
# peers (BENCH_SLOW_PEERS) are not run, and the summary says so.
PEER_MAX=${BENCH_PEER_MAX_MB:-1000}
SLOW_PEERS=${BENCH_SLOW_PEERS:-hivexregedit}
W=$b/bench-work
C=$W/cache
TL=$b/tlshive
FLOOR=$b/tests/bench/floor
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench: GNU time (/usr/bin/time) is needed"; exit 2; }
mkdir -p "$C"
find "$W" -mindepth 1 -maxdepth 1 ! -name cache -exec rm -rf {} +
cd "$W"
t_start=$EPOCHREALTIME

virt=$(systemd-detect-virt 2>/dev/null || true)	# "none", status 1, on bare metal
thp=$(sed -n 's/.*\[\(.*\)\].*/\1/p' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || true)
machine="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(nproc) CPUs,\
 $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo),\
 virtualization ${virt:-unknown}, kernel $(uname -r),\
 THP ${thp:-unknown}, bench-work on $(df --output=fstype . | tail -n 1)"
echo "$machine" > machine.txt
echo "== machine: $machine"

# ---- images ---------------------------------------------------------------
gen=$(cat "$here/mklarge.c" "$here/regfgrow.c" "$here/regfgrow.h" "$here/../mkimage.c" "$here/../../src/regf/mkhive.c" | cksum | cut -d' ' -f1)
realsys=${SHARED:-/nonexistent}/hives/real/win7-x86/SYSTEM
[ -f "$realsys" ] && sysname=win7 || sysname=gen
# Hives made by another version of the generators are of no more use.
for d in "$C"/*; do
	case $d in *"-$gen-$sysname") ;; "$C/*") ;; *) rm -rf "$d" ;; esac
done
# image NAME [--real] N: the cached image's directory, made if missing
image() {
	name=$1; shift
	dir=$C/$name-$gen-$sysname
	if [ ! -d "$dir" ]; then
		echo "== making $name (mklarge $*), kept in $dir" >&2
		rm -rf "$dir.tmp"
		"$b/tests/mkimage" 2022 "$dir.tmp" >&2
		if [ "$1" = --real ]; then
			"$b/tests/bench/mklarge" --real "$dir.tmp/Windows/System32/config/SOFTWARE" "$2" >&2
		else
			"$b/tests/bench/mklarge" "$dir.tmp/Windows/System32/config/SOFTWARE" "$1" >&2
		fi
		if [ "$sysname" = win7 ]; then
			cp "$realsys" "$dir.tmp/Windows/System32/config/SYSTEM"
			chmod u+w "$dir.tmp/Windows/System32/config/SYSTEM"
		fi
		rm -f "$dir.tmp"/Windows/System32/config/*.LOG*
		mv "$dir.tmp" "$dir"
	fi
	echo "$dir"
}
declare -A DIR
DIR[bench]=$(image "bench-$KEYS" "$KEYS")
IMAGES=bench
for s in $SIZES; do
	DIR[real-$s]=$(image "real-$s" --real "$s")
	IMAGES="$IMAGES real-$s"
done
"$b/tests/mkimage" 2019 small > /dev/null
mb() { awk -v n="$1" 'BEGIN { printf "%.1f", n / 1048576 }'; }
hives_bytes() { echo $(( $(stat -c %s "$1/Windows/System32/config/SYSTEM") + $(stat -c %s "$1/Windows/System32/config/SOFTWARE") )); }
for i in $IMAGES; do
	cfg=${DIR[$i]}/Windows/System32/config
	echo "   $i: SOFTWARE $(mb "$(stat -c %s "$cfg/SOFTWARE")") MB, SYSTEM $(mb "$(stat -c %s "$cfg/SYSTEM")") MB"
done

# ---- the registry -----------------------------------------------------------
declare -A CMD PREP
ORDER=() PAIRS=() LIMITS=() NOTRUN=()
# def NAME PREP CMD [OKSTATUS]: a timed command (words, for eval), what
# runs untimed before each of its runs (and syncs what it wrote, so no
# run pays for the write-back of another's files), and the highest exit
# status that is not a failure (default 1: check's "settings to change")
declare -A OKRC
def() { PREP[$1]=$2; CMD[$1]=$3; OKRC[$1]=${4:-1}; }
add() { for o in "${ORDER[@]}"; do [ "$o" = "$1" ] && return 0; done; ORDER+=("$1"); }
# pair FIGURE FLOOR GOAL: GOAL a ratio, or "context" (printed, no goal)
pair() { add "$2"; add "$1"; PAIRS+=("$1 $2 $3"); }
# rss FIGURE BASE_BYTES FACTOR PLUS_MB: peak RSS at most FACTOR x BASE + PLUS
rss() { LIMITS+=("rss $1 $2 $3 $4"); }
# notrun FIGURE FLOOR GOAL WHY
notrun() { NOTRUN+=("$1|$2|$3|$4"); }
has() { command -v "$1" > /dev/null 2>&1; }
# peer FIGURE PEER GOAL: PEER's run paired with FIGURE on image $i, or
# why not
peer() {
	local sz=
	case $i in real-*) sz=${i#real-} ;; esac
	if ! has "$2"; then
		notrun "$1" "$2@$i" "$3" "$2 is not installed"
	elif [ -n "$sz" ] && [ "$sz" -gt "$PEER_MAX" ] && case " $SLOW_PEERS " in *" $2 "*) true ;; *) false ;; esac; then
		notrun "$1" "$2@$i" "$3" "SOFTWARE of $sz MB, above BENCH_PEER_MAX_MB=$PEER_MAX: one run of $2 takes minutes"
		echo "   $2@$i not run: SOFTWARE of $sz MB, above BENCH_PEER_MAX_MB=$PEER_MAX" >&2
	else
		pair "$1" "$2@$i" "$3"
	fi
}

fresh() {	# fresh IMAGE: a writable copy of IMAGE's hives in w-IMAGE
	rm -rf "w-$1"; mkdir -p "w-$1/Windows/System32/config"
	cp "${DIR[$1]}/Windows/System32/config/SYSTEM" "${DIR[$1]}/Windows/System32/config/SOFTWARE" "w-$1/Windows/System32/config/"
	sync "w-$1/Windows/System32/config/SYSTEM" "w-$1/Windows/System32/config/SOFTWARE"
}

for i in $IMAGES; do
	d=${DIR[$i]} cfg=${DIR[$i]}/Windows/System32/config
	wc=w-$i/Windows/System32/config
	# The same settings for the floor and the peers: what apply writes
	# (export), one hive at a time, CurrentControlSet mapped and parents
	# listed for the peers (hivexregedit needs both; reged the mapping).
	"$TL" export --utf8 "$d" > "rec-$i.reg"
	sh "$here/../tools/reg-for-hivex.sh" SYSTEM "rec-$i.reg" > "sys-$i.reg"
	sh "$here/../tools/reg-for-hivex.sh" SOFTWARE "rec-$i.reg" > "soft-$i.reg"
	# The floor must write what apply writes: whatever check says of
	# apply's result, it says of the floor's.
	rm -rf "fl-$i"; mkdir -p "fl-$i/Windows/System32/config"
	"$FLOOR" hivex -o "fl-$i/Windows/System32/config" "rec-$i.reg" "$cfg/SYSTEM" "$cfg/SOFTWARE"
	fresh "$i"; "$TL" apply "w-$i" > /dev/null
	"$TL" check "w-$i" > "apply-$i.check" || true
	"$TL" check "fl-$i" > "floor-$i.check" || true
	sed "s|fl-$i|w-$i|g" "floor-$i.check" | cmp -s - "apply-$i.check" ||
		{ echo "bench: floor hivex does not write what apply writes on $i (bench-work/*-$i.check)"; exit 2; }
	rm -rf "fl-$i"
	hb=$(hives_bytes "$d")

	def "cat@$i" : "cat $cfg/SYSTEM $cfg/SOFTWARE"
	def "floor-read@$i" : "$FLOOR read $cfg/SYSTEM $cfg/SOFTWARE"
	def "check@$i" : "$TL check $d"
	def "floor-hivex@$i" : "$FLOOR hivex rec-$i.reg $cfg/SYSTEM $cfg/SOFTWARE"
	def "floor-hivex-j2@$i" : "$FLOOR hivex -j2 rec-$i.reg $cfg/SYSTEM $cfg/SOFTWARE"
	def "floor-hivex-null@$i" : "$FLOOR hivex -n rec-$i.reg $cfg/SYSTEM $cfg/SOFTWARE"
	def "apply@$i" "fresh $i" "$TL apply w-$i"
	def "reged@$i" "fresh $i" "sh -c \"reged -I -C $wc/SYSTEM 'HKEY_LOCAL_MACHINE\\\\SYSTEM' sys-$i.reg < /dev/null;
	    reged -I -C $wc/SOFTWARE 'HKEY_LOCAL_MACHINE\\\\SOFTWARE' soft-$i.reg < /dev/null\"" 2
	def "hivexregedit@$i" "fresh $i" "sh -c \"hivexregedit --merge --prefix 'HKEY_LOCAL_MACHINE\\\\SYSTEM' $wc/SYSTEM sys-$i.reg &&
	    hivexregedit --merge --prefix 'HKEY_LOCAL_MACHINE\\\\SOFTWARE' $wc/SOFTWARE soft-$i.reg\""

	pair "check@$i" "cat@$i" 1.0
	pair "check@$i" "floor-read@$i" context
	pair "apply@$i" "floor-hivex@$i" 1.1
	pair "apply@$i" "floor-hivex-j2@$i" context
	pair "apply@$i" "floor-hivex-null@$i" context
	peer "apply@$i" reged 1.0
	peer "apply@$i" hivexregedit context
	rss "apply@$i" "$hb" 1.25 64
	rss "check@$i" "$hb" 1 64
done
# What the in-place commit writes (its own goal: at most 1 MiB).
LIMITS+=("written apply@bench 1024")

# Startup: a show of a small image against reglookup reading the same
# SYSTEM hive whole; --version against /bin/true is what loading the
# binary costs.
def "show@small" : "$TL show small"
def "show-nosb@small" : "$TL show --no-sandbox small"
def true : "/bin/true"
def version : "$TL --version"
def "reglookup@small" : "reglookup small/Windows/System32/config/SYSTEM"
if has reglookup; then pair "show@small" "reglookup@small" 2.0
else notrun "show@small" "reglookup@small" 2.0 "reglookup is not installed"; fi
pair version true context
# The contained child every image run goes through, against the same run
# in tlshive's own process: its cost is fixed per run.
pair "show@small" "show-nosb@small" context
def "apply-nosb@bench" "fresh bench" "$TL apply --no-sandbox w-bench"
pair "apply@bench" "apply-nosb@bench" context

# A serviced image: 8,000 Component Based Servicing packages, against
# the same show without them.
for n in $(seq 1 8000); do
	printf 'SOFTWARE|Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\Packages\\Package_for_KB%07d~31bf3856ad364e35~amd64~~10.0.1.%d|CurrentState|dword|0x70\n' $((5000000 + n)) "$n"
done > cbs.extra
svc=$C/serviced-$gen-$sysname	# a minute and more to make: kept
if [ ! -d "$svc" ]; then
	rm -rf "$svc.tmp"
	"$b/tests/mkimage" --extra cbs.extra 2019 "$svc.tmp" > /dev/null
	mv "$svc.tmp" "$svc"
fi
def "show@serviced" : "$TL show $svc"
pair "show@serviced" "show@small" context

# Batch: 20 small images, two jobs against one.
"$b/tests/mkimage" 2019 tmpl > /dev/null
fleet() { rm -rf fleet; mkdir fleet; for k in $(seq 1 20); do cp -r tmpl "fleet/img$k"; done; ls -d fleet/img* > list; sync fleet/img*/Windows/System32/config/*; }
def "batch20-j1" fleet "$TL apply --quiet --from list -j 1"
def "batch20-j2" fleet "$TL apply --quiet --from list -j 2"
pair "batch20-j2" "batch20-j1" context

# The bench image's hives inside a qcow2 disk image (GPT, NTFS): apply in
# place through qemu-nbd and libntfs-3g against the same apply in a
# directory.
root_fuse() { [ "$(id -u)" = 0 ] && [ -c /dev/fuse ] && has ntfs-3g && has mkntfs; }
ntfs_umount() { umount mnt 2> /dev/null || fusermount3 -u mnt 2> /dev/null || fusermount -u mnt 2> /dev/null || true; }
cfg=${DIR[bench]}/Windows/System32/config
if root_fuse && has qemu-img && has sfdisk; then
	vol_mb=$(( $(hives_bytes "${DIR[bench]}") * 2 / 1048576 + 64 ))
	rm -f vol.ntfs disk.raw; truncate -s "${vol_mb}M" vol.ntfs
	mkntfs -F -Q -q vol.ntfs > /dev/null 2>&1
	mkdir -p mnt; ntfs-3g vol.ntfs mnt
	mkdir -p mnt/Windows/System32/config; cp "$cfg/SYSTEM" "$cfg/SOFTWARE" mnt/Windows/System32/config/
	ntfs_umount
	truncate -s "$((vol_mb + 2))M" disk.raw
	printf 'label: gpt\nstart=2048, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7\n' | sfdisk -q disk.raw 2> /dev/null
	dd if=vol.ntfs of=disk.raw bs=1M seek=1 conv=notrunc status=none
	qemu-img convert -f raw -O qcow2 disk.raw base.qcow2
	rm -f vol.ntfs disk.raw
	def "qcow2-apply@bench" "cp base.qcow2 q.qcow2; sync q.qcow2" "$TL apply q.qcow2"
	def "qcow2-apply-nosb@bench" "cp base.qcow2 q.qcow2; sync q.qcow2" "$TL apply --no-sandbox q.qcow2"
	def "qcow2-check@bench" : "$TL check base.qcow2"
	pair "qcow2-apply@bench" "apply@bench" 2.0
	pair "qcow2-check@bench" "check@bench" context
	pair "qcow2-apply@bench" "qcow2-apply-nosb@bench" context
	# how much a qcow2 overlay grows per apply (goal at most 2 MiB)
	qemu-img create -q -f qcow2 -b "$W/base.qcow2" -F qcow2 ov.qcow2
	before=$(stat -c %s ov.qcow2)
	"$TL" apply --allow-backing ov.qcow2 > /dev/null
	LIMITS+=("grown qcow2-overlay $(( ($(stat -c %s ov.qcow2) - before) / 1024 )) 2048")
	rm -f ov.qcow2
else
	notrun "qcow2-apply@bench" "apply@bench" 2.0 "needs root, /dev/fuse, ntfs-3g, mkntfs, qemu-img and sfdisk"
fi

# The same apply on an ntfs-3g mount, against copying the hives there
# (the copy also puts fresh hives in place for the apply after it).
if root_fuse; then
	vol_mb=$(( $(hives_bytes "${DIR[bench]}") * 3 / 1048576 + 64 ))
	rm -f ntfs.img; truncate -s "${vol_mb}M" ntfs.img
	mkntfs -F -Q -q ntfs.img > /dev/null 2>&1
	mkdir -p mnt; ntfs-3g ntfs.img mnt
	trap ntfs_umount EXIT
	mkdir -p mnt/Windows/System32/config
	nc=mnt/Windows/System32/config
	def "ntfs-copy@bench" "rm -f $nc/SYSTEM $nc/SOFTWARE" "sh -c 'cp $cfg/SYSTEM $cfg/SOFTWARE $nc/ && sync $nc/SYSTEM $nc/SOFTWARE'"
	def "ntfs-apply@bench" : "$TL apply mnt"
	pair "ntfs-apply@bench" "ntfs-copy@bench" 0.25
else
	notrun "ntfs-apply@bench" "ntfs-copy@bench" 0.25 "needs root, /dev/fuse, ntfs-3g and mkntfs"
fi

# ---- the runs -----------------------------------------------------------------
# No timed run starts with dirty pages of the bench's own left behind.
# Virtual machines are noisy (where the host takes back free guest
# memory, every fresh page costs a host fault): noise only adds time, so
# the minimum is printed beside the median.
run() {	# run NAME: one timed run of CMD[NAME]; "seconds peakKB writtenKB failed" appended to NAME.t
	local n=$1 rc=0 s e
	eval "${PREP[$n]}"
	eval "set -- ${CMD[$n]}"
	s=$EPOCHREALTIME
	$TIME -f '%M %O' -o t.out "$@" > /dev/null 2> t.err || rc=$?
	e=$EPOCHREALTIME
	[ "$rc" -le "${OKRC[$n]}" ] || [ -f "$n.err" ] || cp t.err "$n.err"
	set -- $(tail -n 1 t.out)
	echo "$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.4f", e - s }') $1 $(($2 / 2)) $((rc > OKRC[$n]))" >> "$n.t"
}
echo "== $RUNS iterations of ${#ORDER[@]} commands"
for r in $(seq 1 "$RUNS"); do
	for name in "${ORDER[@]}"; do run "$name"; done
	echo "   iteration $r done at $(awk -v s="$t_start" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.0f", e - s }') s"
done
ntfs_umount; trap - EXIT

# ---- the summary ------------------------------------------------------------------
col() { cut -d' ' -f"$2" "$1.t" | sort -n; }
median() { col "$1" "${2:-1}" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
least() { col "$1" "${2:-1}" | head -n 1; }
most() { col "$1" "${2:-1}" | tail -n 1; }
failed() { [ "$(most "$1" 4)" -gt 0 ]; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
met() { awk -v r="$1" -v g="$2" 'BEGIN { print (r <= g ? "met" : "NOT MET") }'; }
TSV=results.tsv
printf '# name\tmedian\tmin\tfloor\tfloor_median\tratio\tgoal\tmet\n' > "$TSV"
row() {	# the summary line and the TSV line of one figure
	printf '%-28s %-26s %9s %9s %9s %9s %6s %6s %-9s %s\n' "$1" "$4" "$2" "$3" "$5" "$9" "$6" "$7" "$8" "${10:-}"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" >> "$TSV"
}
echo
echo "== results: $RUNS interleaved iterations, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "   $machine"
printf '%-28s %-26s %9s %9s %9s %9s %6s %6s %-9s\n' figure floor median min floor_med floor_min ratio goal met
for p in "${PAIRS[@]}"; do
	set -- $p
	f=$1 fl=$2 goal=$3
	if failed "$f" || failed "$fl"; then
		row "$f" - - "$fl" - - "$goal" "FAILED" - "see bench-work/*.err"
		continue
	fi
	r=$(ratio "$(median "$f")" "$(median "$fl")")
	[ "$goal" = context ] && m=- || m=$(met "$r" "$goal")
	row "$f" "$(median "$f")" "$(least "$f")" "$fl" "$(median "$fl")" "$r" "$goal" "$m" "$(least "$fl")" \
	    "(ratio of minimums $(ratio "$(least "$f")" "$(least "$fl")"))"
done
for p in "${NOTRUN[@]}"; do
	IFS='|' read -r f fl goal why <<< "$p"
	row "$f" - - "$fl" - - "$goal" "not run" - "($why)"
done
for l in "${LIMITS[@]}"; do
	set -- $l
	case $1 in
	rss)	# peak RSS in MB against the hives' size
		base=$(mb "$3")
		lim=$(awk -v b="$base" -v f="$4" -v p="$5" 'BEGIN { printf "%.0f", b * f + p }')
		med=$(( $(median "$2" 2) / 1024 ))
		row "$2:peak-RSS-MB" "$med" "$(( $(least "$2" 2) / 1024 ))" "hives-MB" "$base" \
		    "$(ratio "$med" "$base")" "$4x+$5" "$(met "$med" "$lim")" "$base" "(at most $lim MB)" ;;
	written)	# KB written (the kernel's accounting, ru_oublock)
		row "$2:written-KB" "$(median "$2" 3)" "$(least "$2" 3)" - - - "$3" "$(met "$(most "$2" 3)" "$3")" - "(most $(most "$2" 3) KB)" ;;
	grown)
		row "$2:grown-KiB" "$3" "$3" - - - "$4" "$(met "$3" "$4")" - "(one apply)" ;;
	esac
done

# The curve: check's time as SOFTWARE grows, against reading the hives.
echo
echo "== check against SOFTWARE's size (realistic shape)"
printf '%-12s %9s %9s %9s %7s\n' SOFTWARE_MB check cat floor-read ratio
for s in $SIZES; do
	i=real-$s
	printf '%-12s %9s %9s %9s %7s\n' "$(mb "$(stat -c %s "${DIR[$i]}/Windows/System32/config/SOFTWARE")")" \
	    "$(median "check@$i")" "$(median "cat@$i")" "$(median "floor-read@$i")" "$(ratio "$(median "check@$i")" "$(median "cat@$i")")"
done
took=$(awk -v s="$t_start" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.0f", e - s }')
echo "\`BENCH_RUNS=$RUNS BENCH_SIZES=\"$SIZES\" make bench\` on $(date -u '+%Y-%m-%d %H:%M UTC'): medians and minimums of $RUNS interleaved iterations; the bench took $took s." > run.txt
echo
echo "bench took $took s; results in $W/$TSV (make bench-readme puts them in README.md)"
