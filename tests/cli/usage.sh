# Command line: help, version, and usage errors (exit 2).
. "$srcdir/tests/cli/lib.sh"

"$TLSHIVE" --help > out
grep -q '^usage: tlshive show' out || fail "--help prints usage"
grep -q 'Exit status: 0 done or compliant, 1 not compliant (check), 2 error, 75 temporary error' out || fail "--help lists exit codes"
# the same codes as tlshive(8)'s EXIT STATUS
[ "$(sed -n '/^\.Sh EXIT STATUS/,/^\.Sh /s/^\.It \([0-9][0-9]*\)$/\1/p' "$builddir/man/tlshive.8" | tr '\n' ' ')" = "0 1 2 75 " ] ||
	fail "tlshive(8) EXIT STATUS does not list 0, 1, 2 and 75"
"$TLSHIVE" apply --help > out
grep -q -- '--dry-run' out || fail "apply --help"
# a command's --help is its own: its synopsis and its options only
[ "$(grep -c '^ *tlshive ' out)" = 0 ] && grep -q '^usage: tlshive apply ' out || { cat out; fail "apply --help prints every command"; }
if grep -q -- '--utf8\|--explicit\|--version' out; then fail "apply --help lists options apply does not take"; fi
"$TLSHIVE" help apply > help.out || fail "tlshive help apply"
cmp -s out help.out || fail "help apply differs from apply --help"
"$TLSHIVE" help > help.out || fail "tlshive help"
"$TLSHIVE" --help | cmp -s - help.out || fail "tlshive help differs from --help"
must_exit 2 "$TLSHIVE" help frobnicate 2> err
grep -qx 'tlshive: help: unknown command "frobnicate"' err || fail "help of an unknown command"
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
grep -qx -- 'tlshive: check: -n is not an option of check' err || fail "-n outside apply"
must_exit 2 "$TLSHIVE" check --bogus img 2> err
# getopt's own messages name tlshive, not the build path, and one line
# points to --help instead of the whole usage
grep -qx 'tlshive: check: unknown option --bogus' err || fail "unknown option message"
[ "$(wc -l < err)" = 2 ] && grep -qx 'tlshive: see tlshive --help' err || fail "usage error: not two lines"
must_exit 2 "$TLSHIVE" apply --profile 2> err
grep -qx 'tlshive: apply: --profile needs a value' err || fail "missing option value"

# Each command takes only its own options, and numbers are whole numbers.
for c in "profiles --wait" "settings --replay-logs" "export --wait" "recover --from x" "show --undo u.reg" "check --rebuild"; do
	set -- $c
	must_exit 2 "$TLSHIVE" "$@" img 2> err
	grep -qx "tlshive: $1: $2 is not an option of $1" err || { cat err; fail "$c taken"; }
done
for j in 3abc 0 -1 " 3" 1025 ""; do
	must_exit 2 "$TLSHIVE" show -j "$j" a b 2> err
	grep -q "^tlshive: -j $j: expected a number of workers, 1 to 1024" err || fail "-j '$j' taken"
done
must_exit 2 "$TLSHIVE" show --partition 2x img.raw 2> /dev/null
must_exit 2 "$TLSHIVE" show --index 0 img.wim 2> /dev/null

# --json: a failing run prints an error document too, with the message and
# the exit status; so does a usage error.
must_exit 2 "$TLSHIVE" check --json /nonexistent/root > out 2> err
[ "$(jq -r '"\(.image) \(.outcome) \(.exit) \(.error.code) \(.error.message)"' out)" = "/nonexistent/root error 2 not-found tlshive: /nonexistent/root: No such file or directory" ] || { cat out; fail "JSON error document"; }
grep -qx 'tlshive: /nonexistent/root: No such file or directory' err || fail "the error is on stderr as well"
must_exit 2 "$TLSHIVE" apply --json --bogus img > out 2> /dev/null
jtrue '.outcome == "error" and .exit == 2 and .error.code == "usage" and (.error.message | test("unknown option --bogus"))' < out || { cat out; fail "JSON usage error"; }

# One command table: the synopses of --help, tlshive(8) and README agree.
need_tool mandoc
synopses() {	# one line per command, words separated by one space, lower case
	awk '{ sub(/^usage:/, ""); if ($1 == "tlshive" && n) print line; if ($1 == "tlshive") { line = $0; n = 1 } else line = line " " $0 } END { print line }' |
		tr -s ' \t' '  ' | sed 's/^ //; s/ $//' | tr 'A-Z' 'a-z'
}
"$TLSHIVE" --help | sed -n '/^usage:/,/^IMAGE/p' | grep -v '^IMAGE' | synopses > help.syn
# -Tascii overstrikes bold and underlined letters (X, backspace, X):
# dropped with sed, not col, which a minimal Debian lacks
bs=$(printf '\b')
mandoc -Tascii "$builddir/man/tlshive.8" | sed "s/.$bs//g" | sed -n '/^SYNOPSIS/,/^$/p' | sed '1d;/^$/d' | synopses > man.syn
awk '/^## Usage/ { u = 1 } u && /^```/ { if (f++) exit; next } f' "$srcdir/README.md" | sed -n '/^tlshive /p' | synopses > readme.syn
[ "$(wc -l < help.syn)" = 8 ] || { cat help.syn; fail "--help: not eight commands"; }
diff -u help.syn man.syn || fail "tlshive(8) SYNOPSIS differs from --help"
diff -u help.syn readme.syn || fail "README's Usage differs from --help"
must_exit 2 "$TLSHIVE" show /nonexistent/root 2> err
grep -q '^tlshive: /nonexistent/root: No such file or directory$' err || fail "missing ROOT"
