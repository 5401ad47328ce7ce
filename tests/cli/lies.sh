# Reads that lie, come up short or fail (the fault shim's lie, short and
# errno actions on read and pread).  A commit trusts nothing it reads:
# what it reads back after writing the pages must be what it wrote, base
# block included, or the hives are put back; hivex's new image, read from
# a pipe, must hold every planned key and value and sound cells, or
# nothing is written; a hive that cannot be read whole stops the run,
# named, before a byte is written.
. "$srcdir/tests/cli/lib.sh"
SHIM=${FAULTSHIM:-}
[ -n "$SHIM" ] && [ -f "$SHIM" ] || fail "the fault shim was not built"
[ -z "${VALGRIND:-}" ] || skip "the fault shim does not mix with valgrind"

cfg=Windows/System32/config
"$MKIMAGE" 2019 img
# the old state: the hives of img, byte for byte (a put-back rewrites
# them, so the times may differ)
intact() {
	cmp -s "img/$cfg/SYSTEM" "w/$cfg/SYSTEM" && cmp -s "img/$cfg/SOFTWARE" "w/$cfg/SOFTWARE" ||
		fail "$1: a hive changed"
	no_temp_files "w/$cfg"
}
# run SPEC [APPLY-ARGS...]: apply to a fresh copy of img under the shim
run() {
	spec=$1; shift
	rm -rf w; cp -a img w
	set +e
	TLSHIVE_FAULT=$spec LD_PRELOAD=$SHIM "$TLSHIVE" apply "$@" w > out 2> err
	rc=$?
	set -e
}
# the exit status of a run failed by the spec's errno: 75 for EIO, which a
# retry may not meet (tlshive(8), EXIT STATUS), else 2
want() { [ "$(echo "$spec" | cut -d: -f3)" = 5 ] && echo 75 || echo 2; }
refused() {	# refused LABEL MESSAGE: exit 2 (75), the message, nothing written
	[ "$rc" = "$(want)" ] || { cat err >&2; fail "$1: exit $rc"; }
	grep -q "$2" err || { cat err >&2; fail "$1: message"; }
	intact "$1"
}
# offset FILE BYTES: where the decimal BYTES first occur in FILE
offset() {
	od -An -v -tu1 "$1" | awk -v pat="$2" '
		BEGIN { n = split(pat, p, " ") }
		{ for (i = 1; i <= NF; i++) b[k++] = $i + 0 }
		END { for (s = 0; s + n <= k; s++) {
			j = 1
			while (j <= n && b[s + j - 1] == p[j] + 0) j++
			if (j > n) { print s; exit 0 } }
		      exit 1 }'
}
ascii() { printf '%s' "$1" | od -An -tu1; }
utf16() { printf '%s' "$1" | od -An -tu1 | awk '{ for (i = 1; i <= NF; i++) printf "%s 0 ", $i }'; }

# sweep ACTION MESSAGE: ACTION at each pread of the hives and their logs
# in turn, until the commit's read-back is passed.  The first reads are
# the headers, the old base blocks and the logs' headers; then the
# read-back, where the commit must see the lie or the error and put both
# hives back.  Every run ends old or new: one that fails leaves the hives
# as they were, with MESSAGE naming the file; one that succeeds leaves
# them compliant.  $back lists the read-backs that put the hives back.
sweep() {
	n=1 back=
	while [ "$n" -le 64 ]; do
		run "pread:$n:$1:S*"
		label="pread:$n:$1"
		if [ "$rc" = 0 ]; then
			"$TLSHIVE" check w > /dev/null || fail "$label: exit 0, yet not compliant"
			if [ -n "$back" ]; then return 0; fi
		else
			[ "$rc" = "$(want)" ] || { cat err >&2; fail "$label: exit $rc"; }
			intact "$label"
			grep -Eq "^tlshive: w/$cfg/S[A-Z]*(\.LOG[12]?)?: $2" err ||
				{ cat err >&2; fail "$label: message"; }
			if grep -q 'put back as it was' err; then
				grep -q "SYSTEM: put back as it was" err && grep -q "SOFTWARE: put back as it was" err ||
					{ cat err >&2; fail "$label: not both put back"; }
				back="$back $(sed -n -e 's/^tlshive: w\/.*\/\([A-Z]*\): read back, the \([a-z]*\) .*/\1-\2/p' \
				    -e 's/^tlshive: w\/.*\/\([A-Z]*\): cannot read it: .*/\1-error/p' err | head -n 1)"
			fi
		fi
		n=$((n + 1))
	done
	fail "$1: more than 64 reads of the hives"
}

# (a) A lie in each read in turn.  Those before the commit's read-back
# are refused as no hive, or change nothing a run that succeeds relies
# on; in the read-back, each hive's base block (C5) and pages are
# compared with what was written.
sweep lie '(read back, the (base block|page at [0-9]+) is not what was written|not a registry hive \(no regf signature\))'
for want in SYSTEM-base SYSTEM-page SOFTWARE-base SOFTWARE-page; do
	case " $back " in *" $want "*) ;; *) fail "no lie in the $want read back was caught (caught:$back)" ;; esac
done
echo "lie: $n preads, read-backs caught:$back"
# An I/O error in each read in turn, the read-back's among them.
sweep 5 'cannot read it: Input/output error'
[ -n "$back" ] || fail "EIO: no read-back error put the hives back"
echo "EIO: $n preads, read-backs that put the hives back:$back"

# (b) hivex's new image reaches the commit through a pipe, and a lie
# there is caught by the check of the new image, whichever part it hits:
# the signature, a cell's size, a planned key's name, a planned value's
# data.  --no-sandbox, so that the only pipe read is hivex's image: the
# sandbox's own (its worker's report) is no storage that could lie.  The
# offsets are where a clean run puts the key and the value: hivex lays
# the same input out the same way.
printf 'Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\TlshiveLie]\n\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\TlshiveVal]\n"Said"="TlshiveData"\n' > lie.reg
run none --no-sandbox --reg lie.reg
[ "$rc" = 0 ] || { cat err >&2; fail "a clean apply of lie.reg: exit $rc"; }
key=$(offset "w/$cfg/SOFTWARE" "$(ascii TlshiveLie)") || fail "the new key's name is not in SOFTWARE"
val=$(offset "w/$cfg/SOFTWARE" "$(utf16 TlshiveData)") || fail "the new value's data is not in SOFTWARE"
run 'read:1:lie@0:pipe:*' --no-sandbox --reg lie.reg
refused "a lie in the signature" 'SOFTWARE: the new hive is not a regf image; nothing written'
# the key node's cell size: 4 bytes before its 76-byte head, the name after
run "read:1:lie@$((key - 80)):pipe:*" --no-sandbox --reg lie.reg
refused "a lie in a cell size" 'SOFTWARE: the new hive fails its check (cell at 0x[0-9a-f]* has size -[0-9]*, not a non-zero multiple of 8); nothing written'
# the key has no value to give it away: only the key check sees it (C4)
run "read:1:lie@$key:pipe:*" --no-sandbox --reg lie.reg
refused "a lie in a planned key's name" 'SOFTWARE: the new hive lacks key TlshiveLie; nothing written'
run "read:1:lie@$val:pipe:*" --no-sandbox --reg lie.reg
refused "a lie in a planned value" 'SOFTWARE: the new hive does not hold TlshiveVal\\Said as planned; nothing written'

# (c) Reading a hive: tlshive's own header read (pread) and hivex's whole
# file (read).  One short read is a read to finish, not an error; a file
# that keeps giving less ends early, and the run stops naming it.
run 'pread:1:short:SYSTEM'
[ "$rc" = 0 ] || { cat err >&2; fail "one short pread: exit $rc"; }
"$TLSHIVE" check w > /dev/null || fail "one short pread: not compliant"
run 'read:1:short:SOFTWARE'
[ "$rc" = 0 ] || { cat err >&2; fail "one short read: exit $rc"; }
"$TLSHIVE" check w > /dev/null || fail "one short read: not compliant"
run 'pread:1+:short:SYSTEM'
refused "short preads" 'SYSTEM: cannot read it: unexpected end of file'
run 'read:1+:short:SOFTWARE'
refused "short reads" 'SOFTWARE: cannot open the hive'
run 'pread:1:5:SOFTWARE'
refused "EIO reading the header" 'SOFTWARE: cannot read it: Input/output error'
run 'read:1:5:SYSTEM'
refused "EIO in hivex's read" 'SYSTEM: cannot open the hive: Input/output error'
# hivex copies the two hives side by side: when both copies fail, the
# message is the first hive's, as opening one after the other gives it
run 'read:1+:5:S*'
refused "EIO in both copies" 'SYSTEM: cannot open the hive: Input/output error'
! grep -q SOFTWARE err || { cat err >&2; fail "EIO in both copies: SOFTWARE named too"; }
