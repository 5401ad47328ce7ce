#!/bin/sh
# make fuzz: builds each harness with clang's libFuzzer, ASan and UBSan,
# seeds it from the project's own files, and runs it for FUZZ_SECONDS.
# FUZZ_HARNESSES picks some (default all seven), FUZZ_JOBS runs that many at
# once (each on one core), FUZZ_MERGE=1 adds the inputs of up to 8 KiB that
# reached new coverage to tests/fuzz/regress/ (libFuzzer's -merge=1).
# Crashes land in fuzz-build/crash-*; each one found becomes a regression
# input under tests/fuzz/regress/ (replayed by tests/cli/fuzz-regress.sh).
set -eu
srcdir=$1; builddir=$2; secs=${FUZZ_SECONDS:-60}
harnesses=${FUZZ_HARNESSES:-profile reg logs hive regfread ictpl findings}
jobs=${FUZZ_JOBS:-1}
CC=${FUZZ_CC:-clang}
out=$builddir/fuzz-build
mkdir -p "$out"
flags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
	-I$builddir -I$srcdir/src -I$builddir/src $(pkg-config --cflags hivex json-c)"
# make fuzz passes the libraries configure found (images, seccomp)
libs=${FUZZ_LIBS:-"$(pkg-config --libs hivex json-c)"}
imgsrc=
case $libs in *-lnbd*)
	imgsrc="$srcdir/src/io/blk.c $srcdir/src/io/blkfile.c $srcdir/src/io/parts.c
	$srcdir/src/io/diskimg.c $srcdir/src/io/wim.c $srcdir/src/io/imghdr.c $srcdir/src/io/qmap.c" ;;
esac
src="$srcdir/src/util.c $srcdir/src/regval.c $srcdir/src/trace.c $srcdir/src/regf/regfsrc.c $srcdir/src/regf/hive.c $srcdir/src/regf/logs.c
	$srcdir/src/io/store.c $srcdir/src/io/image.c $srcdir/src/io/hostfile.c $srcdir/src/io/sandbox.c
	$imgsrc $srcdir/src/regf/regfread.c $srcdir/src/regf/commit.c
	$srcdir/src/regf/mkhive.c $srcdir/src/policy/facts.c $srcdir/src/policy/table.c $srcdir/src/policy/profile.c
	$srcdir/src/policy/plan.c $srcdir/src/policy/gate.c $srcdir/src/policy/ops.c $srcdir/src/policy/settle.c
	$srcdir/src/policy/lint.c $srcdir/src/policy/verdict.c $srcdir/src/policy/plantext.c $srcdir/src/policy/reg.c $srcdir/src/policy/ictpl.c $srcdir/src/policy/findings.c $srcdir/src/policy/rules.c $srcdir/src/cli/regwrite.c $builddir/src/policy/profiles.c
	$builddir/src/io/sbfilter-bpf.c"

# seed corpora, all made here
mkdir -p "$out/seed-profile" "$out/seed-reg" "$out/seed-logs" "$out/seed-hive" "$out/seed-regfread" \
	"$out/seed-ictpl" "$out/seed-findings"
cp "$srcdir"/testdata/findings/*.csv "$out/seed-findings/"
cp "$srcdir"/testdata/ictpl/*.ictpl "$out/seed-ictpl/"
{ printf '\377\376'; iconv -f UTF-8 -t UTF-16LE "$srcdir/testdata/ictpl/v3.ictpl"; } > "$out/seed-ictpl/v3-utf16"
cp "$srcdir"/profiles/*.profile "$srcdir"/testdata/profiles/*.profile "$out/seed-profile/"
cp "$srcdir"/testdata/reg/bad/*.reg "$srcdir"/testdata/reg/skipped/*.reg "$out/seed-reg/"
rm -rf "$out/img"; "$builddir/tests/mkimage" 2019 "$out/img"
"$builddir/tlshive" export --utf8 -p strict "$out/img" > "$out/seed-reg/strict.reg"
"$builddir/tlshive" export -p pci-dss "$out/img" > "$out/seed-reg/pci16.reg"
cp "$out/img/Windows/System32/config/SYSTEM" "$out/seed-hive/system-2019"
cp "$out/img/Windows/System32/config/SYSTEM" "$out/img/Windows/System32/config/SOFTWARE" "$out/seed-regfread/"
"$builddir/tests/mkimage" --hive "$out/seed-hive/minimal" ROOT 2>/dev/null || true
# fuzz_logs input: flags byte, 4-byte split, .LOG1 (or .LOG), .LOG2 (see
# the harness); seed_logs writes valid logs of both formats for its hive
# shellcheck disable=SC2046,SC2086
$CC -g -O1 -I"$builddir" -I"$srcdir/src" -I"$builddir/src" $(pkg-config --cflags hivex json-c) \
    -o "$out/seed_logs" "$srcdir/tests/fuzz/seed_logs.c" $src $libs
"$out/seed_logs" "$out/seed-logs"
if [ -d "${SHARED:-/nonexistent}/hives/dirty" ]; then
	for f in "$SHARED"/hives/dirty/new-format/*.LOG1 "$SHARED"/hives/dirty/old-format/*.LOG1; do
		[ -f "$f" ] || continue
		# flags 0, split 0: the whole log as .LOG2
		{ printf '\000\000\000\000\000'; cat "$f"; } > "$out/seed-logs/shared-${f##*/}"
	done
fi
head -c 1024 /dev/zero > "$out/seed-logs/zero"

for f in $harnesses; do
	echo "== fuzz_$f: building"
	# shellcheck disable=SC2086
	$CC $flags -o "$out/fuzz_$f" "$srcdir/tests/fuzz/fuzz_$f.c" $src $libs
	mkdir -p "$out/corpus-$f"
done

# One harness's run; its last lines (libFuzzer's "Done N runs in S
# second(s)") are the figures README's fuzzing history records.
run() {
	"$out/fuzz_$1" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -artifact_prefix="$out/crash-$1-" "$out/corpus-$1" "$out/seed-$1" \
	    > "$out/log-$1" 2>&1 || true
	if [ "${FUZZ_MERGE:-0}" = 1 ]; then
		mkdir -p "$srcdir/tests/fuzz/regress/$1"
		"$out/fuzz_$1" -merge=1 -max_len=8192 -timeout=10 \
		    -rss_limit_mb=2048 "$srcdir/tests/fuzz/regress/$1" \
		    "$out/corpus-$1" >> "$out/log-$1" 2>&1 || true
	fi
	echo "== fuzz_$1 ($secs s):"
	grep -E '^(Done|MERGE-OUTER: [0-9]+ new files)|ERROR|SUMMARY' \
	    "$out/log-$1" || tail -n 3 "$out/log-$1"
}

running=0
for f in $harnesses; do
	if [ "$running" -ge "$jobs" ]; then
		wait
		running=0
	fi
	run "$f" &
	running=$((running + 1))
done
wait
ls "$out"/crash-* 2>/dev/null && { echo "crashes found: see above"; exit 1; }
echo "no crash found"
