# harness.sh CMD...: runs one test of make check with a TMPDIR of its own and
# fails it if anything is left there afterwards, whether it passed, failed
# or skipped: a test suite run many times a day must not fill /tmp.
# The automake log compilers run every test through it.
base=${TMPDIR:-/tmp}
dir=$(mktemp -d "$base/tlshive-test-XXXXXX") || exit 99
TMPDIR=$dir
export TMPDIR
"$@"
rc=$?
left=$(ls -A "$dir")
if [ -n "$left" ]; then
	echo "FAIL: left in TMPDIR after the test:" $left >&2
	[ "$rc" != 0 ] && [ "$rc" != 77 ] || rc=1
fi
# never into a file system a failed test left mounted there
find "$dir" -xdev -type d -exec chmod u+w {} + 2> /dev/null
rm -rf --one-file-system "$dir"
exit "$rc"
