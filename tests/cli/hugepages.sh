# tlshive's malloc advises large blocks onto huge pages (hugealloc.c):
# hivex's copy of a hive apply writes then lies on huge pages where the
# kernel gives them to memory that asks, as the kernel counts them once
# the hive is copied (TLSHIVE_TRACE=1), and the hives come out the same as
# without (TLSHIVE_HUGEPAGES=0).  The advice itself is unit-tested
# (test_hugealloc).
. "$srcdir/tests/cli/lib.sh"
: "${MKLARGE:?run through make check}"
# valgrind's allocator replaces the program's: nothing of it to see there
[ -z "${VALGRIND:-}" ] || skip "valgrind replaces tlshive's malloc"

"$MKIMAGE" 2022 base > /dev/null
# 8 MB of SOFTWARE: hivex's copy spans whole 2 MiB pages
"$MKLARGE" --real base/Windows/System32/config/SOFTWARE 8 > /dev/null 2>&1
rm -f base/Windows/System32/config/*.LOG*
thp=$(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo none)

huge() {	# huge DIR ENV...: apply DIR with ENV; kB on huge pages once
	# SOFTWARE was copied, traced
	dir=$1; shift
	rm -rf "$dir"; cp -R base "$dir"
	env SOURCE_DATE_EPOCH=1700000000 TLSHIVE_TRACE=1 "$@" "$TLSHIVE" apply "$dir" > /dev/null 2> "$dir.err" ||
		{ cat "$dir.err" >&2; fail "apply $dir failed"; }
	kb=$(sed -n "s|^tlshive: trace: $dir/Windows/System32/config/SOFTWARE: copied for writing, \\([0-9]*\\) kB of anonymous memory on huge pages\$|\\1|p" "$dir.err")
	[ -n "$kb" ] || { cat "$dir.err" >&2; fail "apply $dir: no huge-page trace"; }
	echo "$kb"
}
on=$(huge on)
off=$(huge off TLSHIVE_HUGEPAGES=0)
case $thp in
*"[madvise]"*)
	# 8 MB of hive: at least two whole 2 MiB pages of hivex's copy
	[ "$on" -ge 4096 ] || fail "apply: $on kB on huge pages ($thp)"
	[ "$off" = 0 ] || fail "TLSHIVE_HUGEPAGES=0: $off kB on huge pages ($thp)"
	;;
*"[never]"*)
	[ "$on" = 0 ] || fail "huge pages where the kernel gives none: $on kB" ;;
esac
for h in SYSTEM SOFTWARE; do
	cmp -s base/Windows/System32/config/$h on/Windows/System32/config/$h &&
		fail "apply changed nothing in $h"
	cmp on/Windows/System32/config/$h off/Windows/System32/config/$h ||
		fail "$h differs with and without huge pages"
done
echo "ok: $on kB on huge pages ($thp), $off kB without"
