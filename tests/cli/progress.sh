# Long work on one image (a hive extracted from a WIM, the WIM written)
# says how far it is on a standard error that is a terminal: one line,
# blanked before anything else is printed; never in JSON, with --quiet or
# off a terminal.  script(1) gives tlshive its terminal, as for batch.sh.
. "$srcdir/tests/cli/lib.sh"
for t in script wimcapture; do need_tool "$t"; done

"$MKIMAGE" 2019 w
wimcapture w w.wim "Windows" > /dev/null
cp w.wim w0.wim

# tty CMD: CMD's standard error (and what it leaves on standard output) on
# a terminal, each carriage return a line end
tty() { script -qec "$1" /dev/null > tty.raw 2>&1 || true; tr '\r' '\n' < tty.raw > tty.out; }

tty "$TLSHIVE show w.wim > /dev/null"
grep -q '^tlshive: w.wim\[1\]:/Windows/System32/config/SOFTWARE: extracting: [0-9]*% of [0-9]* [KM]B' tty.out ||
	{ cat tty.out; fail "no progress while a hive is extracted from a WIM"; }
# blanked at the end: the last line holds nothing but blanks
[ -z "$(tail -n 1 tty.out | tr -d ' ')" ] || { cat tty.out; fail "the progress line is left on the terminal"; }

# the report on the same terminal starts its own lines
tty "$TLSHIVE show w.wim"
grep -q '^SYSTEM *w.wim\[1\]:' tty.out || fail "the report glued onto the progress line"

# apply: writing the WIM too
tty "$TLSHIVE apply w.wim > /dev/null"
grep -q '^tlshive: w.wim: writing the WIM' tty.out || { cat tty.out; fail "no progress while the WIM is written"; }
[ -z "$(tail -n 1 tty.out | tr -d ' ')" ] || { cat tty.out; fail "the progress line is left after the write"; }

# none with --json, with --quiet, or off a terminal
for opt in --json --quiet; do
	tty "$TLSHIVE show $opt w0.wim > /dev/null"
	if grep -q 'extracting' tty.out; then fail "progress with $opt"; fi
done
"$TLSHIVE" show w0.wim > out 2> err
[ ! -s err ] || { cat err; fail "progress off a terminal"; }
