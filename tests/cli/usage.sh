# Command line: help, version, and usage errors (exit 2).
. "$srcdir/tests/cli/lib.sh"

"$TLSHIVE" --help > out
grep -q '^usage: tlshive show' out || fail "--help prints usage"
grep -q 'Exit status: 0 done or compliant, 1 not compliant' out || fail "--help lists exit codes"
"$TLSHIVE" apply --help | grep -q -- '--dry-run' || fail "apply --help"
"$TLSHIVE" --version | grep -q '^tlshive [0-9]' || fail "--version"

must_exit 2 "$TLSHIVE" 2> err
grep -q 'tlshive: no command given' err || fail "no command"
must_exit 2 "$TLSHIVE" frobnicate img 2> err
grep -q 'tlshive: unknown command "frobnicate"' err || fail "unknown command"
must_exit 2 "$TLSHIVE" show 2> err
grep -q 'no image given' err || fail "missing image"
must_exit 2 "$TLSHIVE" show --quiet a b > out
grep -q '^== b: error$' out || fail "several ROOTs: each its own result"
must_exit 2 "$TLSHIVE" check img --system x 2> err
grep -q 'not both' err || fail "ROOT and --system together"
must_exit 2 "$TLSHIVE" show -p recommended img 2> err
must_exit 2 "$TLSHIVE" check -n img 2> err
grep -q -- '-n is for apply' err || fail "-n outside apply"
must_exit 2 "$TLSHIVE" check --bogus img 2> err
must_exit 2 "$TLSHIVE" show /nonexistent/root 2> err
grep -q '^tlshive: /nonexistent/root: No such file or directory$' err || fail "missing ROOT"
