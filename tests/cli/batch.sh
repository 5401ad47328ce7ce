# Several images in one run: each its own result, one bad one stops none.
. "$srcdir/tests/cli/lib.sh"
need_tool jq

for i in 1 2 3 4 5; do "$MKIMAGE" 2019 "img$i"; done
mkdir bad
cp -r img5 broken; printf 'junk' > broken/Windows/System32/config/SOFTWARE
s=$(stamp "$(sys broken)")

# check: exit 1 when any image is not compliant, and results in order.
must_exit 2 "$TLSHIVE" check --quiet img1 img2 bad img3 > out 2> err
grep '^== ' out > heads
printf '== img1: noncompliant\n== img2: noncompliant\n== bad: error\n== img3: noncompliant\n' > want
diff -u want heads || fail "text headers"
grep -q '^tlshive: bad: no Windows/System32/config/SYSTEM or SOFTWARE in it: not the root of a Windows volume' err || fail "the bad image's message"
if grep -q '^tlshive:' out; then fail "a message in the report on standard output"; fi

# apply through --from (stdin), two workers, JSON Lines.
printf 'img1\n# a comment\n\nimg2\nbroken\nimg3\nimg4\n' | must_exit 2 "$TLSHIVE" apply --json --from - -j 2 > out.jsonl
[ "$(wc -l < out.jsonl)" = 5 ] || fail "one line per image"
[ "$(jq -r '"\(.image) \(.outcome) \(.exit)"' out.jsonl | tr '\n' ' ')" = "img1 ok 0 img2 ok 0 broken error 2 img3 ok 0 img4 ok 0 " ] || fail "outcomes"
[ "$(jq -r 'select(.image == "broken") | "\(.error.code) \(.error.message)"' out.jsonl)" = "hive-damaged tlshive: broken/Windows/System32/config/SOFTWARE: not a registry hive (shorter than a base block)" ] \
	|| fail "error message in JSON"
[ "$(jq 'select(.image == "img1") | .changes | length' out.jsonl)" -gt 40 ] || fail "changes in JSON"
[ "$(stamp "$(sys broken)")" = "$s" ] || fail "the broken image was written"
# The others are done; check says so for them all (exit 0).
"$TLSHIVE" check --quiet --json img1 img2 img3 img4 > c.jsonl || fail "compliant after batch apply"
[ "$(jq -r .outcome c.jsonl | sort -u)" = ok ] || fail "all ok"
must_exit 1 "$TLSHIVE" check --quiet img1 img5 > /dev/null

# Progress goes to a terminal only.
"$TLSHIVE" show img1 img2 > out 2> err
[ ! -s err ] || fail "progress without a terminal"
if command -v script > /dev/null; then
	script -qec "$TLSHIVE show -j 1 img1 img2 > /dev/null" /dev/null > tty.out 2>&1 || true
	grep -q '2/2 images, 0 failed' tty.out || fail "progress on a terminal"
	# a message starts its own line, never glued onto the progress line
	script -qec "$TLSHIVE show -j 1 img1 bad > /dev/null" /dev/null > tty.out 2>&1 || true
	tr '\r' '\n' < tty.out > tty.lines
	grep -q '^tlshive: bad: no Windows/System32/config/SYSTEM' tty.lines || { cat tty.lines; fail "a message glued onto the progress line"; }
	grep -q '2/2 images, 1 failed' tty.lines || fail "progress after a failure"
	# the line is the parent's: a worker's messages carry none of it
	script -qec "$TLSHIVE show --json -j 1 img1 bad > tty.json" /dev/null > /dev/null 2>&1 || true
	[ "$(jq -r 'select(.image == "bad") | "\(.error.code) \(.error.message)"' tty.json)" = "not-windows tlshive: bad: no Windows/System32/config/SYSTEM or SOFTWARE in it: not the root of a Windows volume (give its top directory, or the hive files with --system and --software)" ] ||
		{ jq . tty.json; fail "a worker's message carries the progress line"; }
fi

# Usage errors.
must_exit 2 "$TLSHIVE" check --from list img1 2> err
must_exit 2 "$TLSHIVE" apply --undo u.reg img1 img2 2> err
grep -q 'without --undo' err || fail "--undo with several images"
must_exit 2 "$TLSHIVE" check -j 0 img1 img2 2> /dev/null
must_exit 2 "$TLSHIVE" check --from /nonexistent 2> err
grep -q '^tlshive: /nonexistent: No such file or directory$' err || fail "--from missing"

# One slow first image among many: finished jobs wait to be printed in
# order, but their files stay within the descriptor limit.
need_tool flock
"$MKIMAGE" 2019 many-tmpl
set --
for i in $(seq 1 150); do cp -r many-tmpl "m$i"; set -- "$@" "m$i"; done
touch many.start
hold flock -x "$(sys m1)"
(ulimit -n 80; exec "$TLSHIVE" apply --wait --quiet -j 2 "$@" > many.out 2> many.err) & bpid=$!
# Under 80 descriptors, two files a job: 32 jobs started or unprinted, so
# m2 to m32 finish while m1 waits for its lock, and then the batch stalls
# (m1's worker its only child) until m1 is printed.
written() { find m* -name SYSTEM -newer many.start | wc -l; }
children() { grep -l "^PPid:[[:space:]]*$1\$" /proc/[0-9]*/status 2> /dev/null | wc -l; }
stalled() {
	if [ ! -d "/proc/$bpid" ] || grep -q '^State:[[:space:]]*Z' "/proc/$bpid/status"; then
		head -3 many.err; fail "the batch ended while m1 waits"
	fi
	[ "$(written)" -ge 31 ] && [ "$(children "$bpid")" = 1 ] && lock_waited "$(sys m1)"
}
wait_for 300 "the batch stalled behind m1" stalled
[ "$(written)" = 31 ] || fail "$(written) images written while m1 waits, not the 31 of the window"
release
wait "$bpid" || { head -3 many.err; fail "a slow first image ran out of descriptors"; }
[ "$(grep -c '^== m[0-9]*: ok$' many.out)" = 150 ] || fail "not every image of the slow batch applied"
