#!/bin/sh
# make fuzz: builds each harness with clang's libFuzzer, ASan and UBSan,
# seeds it from the project's own files, and runs it for FUZZ_SECONDS.
# Crashes land in fuzz-build/crash-*; each one found becomes a regression
# input under tests/fuzz/regress/ (replayed by tests/cli/fuzz-regress.sh).
set -eu
srcdir=$1; builddir=$2; secs=${FUZZ_SECONDS:-60}
CC=${FUZZ_CC:-clang}
out=$builddir/fuzz-build
mkdir -p "$out"
flags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
	-I$builddir -I$srcdir/src -I$builddir/src $(pkg-config --cflags hivex json-c)"
libs="$(pkg-config --libs hivex json-c)"
src="$srcdir/src/util.c $srcdir/src/regval.c $srcdir/src/regf/hive.c $srcdir/src/regf/logs.c
	$srcdir/src/io/store.c $srcdir/src/regf/regfread.c $srcdir/src/regf/commit.c
	$srcdir/src/regf/mkhive.c $srcdir/src/policy/facts.c $srcdir/src/policy/table.c $srcdir/src/policy/profile.c
	$srcdir/src/policy/plan.c $srcdir/src/policy/gate.c $srcdir/src/policy/ops.c $srcdir/src/policy/settle.c
	$srcdir/src/policy/lint.c $srcdir/src/policy/verdict.c $srcdir/src/policy/plantext.c $srcdir/src/policy/reg.c $srcdir/src/cli/regwrite.c $builddir/src/policy/profiles.c"

# seed corpora, all made here
mkdir -p "$out/seed-profile" "$out/seed-reg" "$out/seed-logs" "$out/seed-hive" "$out/seed-regfread"
cp "$srcdir"/profiles/*.profile "$srcdir"/testdata/profiles/*.profile "$out/seed-profile/"
cp "$srcdir"/testdata/reg/bad/*.reg "$srcdir"/testdata/reg/skipped/*.reg "$out/seed-reg/"
rm -rf "$out/img"; "$builddir/tests/mkimage" 2019 "$out/img"
"$builddir/tlshive" export --utf8 -p strict "$out/img" > "$out/seed-reg/strict.reg"
"$builddir/tlshive" export -p pci-dss "$out/img" > "$out/seed-reg/pci16.reg"
cp "$out/img/Windows/System32/config/SYSTEM" "$out/seed-hive/system-2019"
cp "$out/img/Windows/System32/config/SYSTEM" "$out/img/Windows/System32/config/SOFTWARE" "$out/seed-regfread/"
"$builddir/tests/mkimage" --hive "$out/seed-hive/minimal" ROOT 2>/dev/null || true
if [ -d "${SHARED:-/nonexistent}/hives/dirty" ]; then
	cp "$SHARED"/hives/dirty/new-format/*.LOG1 "$SHARED"/hives/dirty/old-format/*.LOG1 "$out/seed-logs/"
fi
head -c 1024 /dev/zero > "$out/seed-logs/zero"

for f in profile reg logs hive regfread; do
	echo "== fuzz_$f: building"
	# shellcheck disable=SC2086
	$CC $flags -o "$out/fuzz_$f" "$srcdir/tests/fuzz/fuzz_$f.c" $src $libs
	mkdir -p "$out/corpus-$f"
	echo "== fuzz_$f: $secs s"
	"$out/fuzz_$f" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -artifact_prefix="$out/crash-$f-" "$out/corpus-$f" "$out/seed-$f" \
	    2>&1 | tail -n 3
done
ls "$out"/crash-* 2>/dev/null && { echo "crashes found: see above"; exit 1; }
echo "no crash found"
