# TLSHIVE_TRACE=1 prints a span for each phase of a run (tlshive(8),
# ENVIRONMENT): every line well formed, one run span last, every span
# within the span around it and after the lines of those in it, siblings
# in one process one after the other, and the spans in one never adding
# up to more than it.  No durations are compared with anything but each
# other.  Without the variable, not a line, and the same output.
. "$srcdir/tests/cli/lib.sh"

# spans FILE: FILE's trace checked; "PARENT CHILD" for each span in
# another (its parent: the span around it, one depth less, in its process
# or, for a contained process's outermost, the contained span) in
# spans.pairs; "NAME SUBJECT" for each span in spans.names
spans() {
	awk -v pairs=spans.pairs -v names=spans.names '
	function bad(m) { print "trace: " m ": " $0 > "/dev/stderr"; err = 1 }
	/^tlshive: trace: span / {
		if ($0 !~ /^tlshive: trace: span [0-9]+ [0-9]+ [0-9]+ [0-9]+ [a-z-]+( .+)?$/) { bad("malformed span"); next }
		n++; pid[n] = $4; dep[n] = $5 + 0; st[n] = $6 + 0; en[n] = $6 + $7; nm[n] = $8
		subj = $0; sub(/^tlshive: trace: span [0-9]+ [0-9]+ [0-9]+ [0-9]+ [a-z-]+ ?/, "", subj)
		print nm[n] " " subj > names
		if (dep[n] == 0) { runs++; if (nm[n] != "run") bad("depth 0 and not run") }
		next
	}
	/^tlshive: trace: / {
		if ($0 !~ /^tlshive: trace: .*: read [0-9]+ bytes in [0-9]+ bins$/ &&
		    $0 !~ /^tlshive: trace: .*: copied for writing, -?[0-9]+ kB of anonymous memory on huge pages$/) bad("malformed")
		next
	}
	END {
		if (n == 0) { print "trace: no spans" > "/dev/stderr"; exit 1 }
		if (runs != 1 || nm[n] != "run") { print "trace: not one run span, last" > "/dev/stderr"; exit 1 }
		for (i = 1; i <= n; i++) {
			if (dep[i] == 0) continue
			# the span around it: the first line after it, one depth
			# less, that holds it
			p = 0
			for (j = i + 1; j <= n; j++)
				if (pid[j] == pid[i] && dep[j] == dep[i] - 1 && st[j] <= st[i] && en[i] <= en[j]) { p = j; break }
			if (!p)
				for (j = i + 1; j <= n; j++)
					if (pid[j] != pid[i] && nm[j] == "contained" && dep[j] == dep[i] - 1 && st[j] <= st[i] && en[i] <= en[j]) { p = j; break }
			if (!p) { print "trace: " nm[i] " (depth " dep[i] ") within no span after it" > "/dev/stderr"; err = 1; continue }
			print nm[p] " " nm[i] > pairs
			if (pid[p] == pid[i]) sum[p] += en[i] - st[i]
			for (j = i + 1; j <= n; j++)
				if (pid[j] == pid[i] && dep[j] == dep[i] && st[j] < en[i] && st[i] < en[j]) {
					print "trace: " nm[i] " and " nm[j] " overlap" > "/dev/stderr"; err = 1
				}
		}
		for (p in sum)
			if (sum[p] > en[p] - st[p]) { print "trace: the spans in " nm[p] " add up to more than it" > "/dev/stderr"; err = 1 }
		exit err
	}' "$1" || { cat "$1" >&2; fail "$1: the spans do not hold together"; }
}
pair() { grep -qx "$1 $2" spans.pairs || { cat spans.pairs >&2; fail "$3: no $2 in $1"; }; }
named() { grep -qx "$1" spans.names || { cat spans.names >&2; fail "$2: no span $1"; }; }
count() { [ "$(grep -c "^$1\$" spans.names)" = "$2" ] || { cat spans.names >&2; fail "$3: not $2 spans $1"; }; }

"$MKIMAGE" 2019 img
s=img/Windows/System32/config/SYSTEM w=img/Windows/System32/config/SOFTWARE

# check: read on demand in the contained process
set +e
"$TLSHIVE" check img > plain.out 2> plain.err; plain=$?
TLSHIVE_TRACE=1 "$TLSHIVE" check img > check.out 2> check.err; traced=$?
set -e
[ "$plain" = 1 ] && [ "$traced" = 1 ] || fail "check: exit $plain, traced $traced"
cmp -s plain.out check.out || fail "check: the trace changed the report"
if grep -q 'trace' plain.err; then fail "a trace without TLSHIVE_TRACE"; fi
spans check.err
pair run contained check; pair contained sandbox-start check
pair contained image-open check; pair contained prepare check
pair prepare open check; pair prepare facts check; pair prepare plan check
pair contained close check
named "run check" check; named "open $s" check; named "open $w" check
named "close $s" check; named "close $w" check
if grep -Eq '^(hivex-open|edits|commit|fallback) ' spans.names; then
	cat spans.names >&2; fail "check: a span of apply, or hivex"
fi
# the contained process reports its own spans, not those of its parent
[ "$(grep ' span ' check.err | cut -d' ' -f4 | sort -u | wc -l)" = 2 ] ||
	fail "check: not two processes"
[ "$(grep -c ' run check$' check.err)" = 1 ] || fail "check: the child reported run"

# apply, uncontained: one process, each step of the commit for each hive
rm -f spans.*
TLSHIVE_TRACE=1 "$TLSHIVE" apply --no-sandbox img > apply.out 2> apply.err ||
	{ cat apply.err; fail "apply"; }
spans apply.err
[ "$(grep ' span ' apply.err | cut -d' ' -f4 | sort -u | wc -l)" = 1 ] ||
	fail "apply --no-sandbox: not one process"
pair run prepare apply; pair prepare hivex-open apply; pair run edits apply
pair run commit apply
for step in stream verify log mark-dirty write complete read-back; do
	pair commit "$step" apply
	count "$step $s" 1 apply; count "$step $w" 1 apply
done
pair run close apply; pair run image-commit apply
if grep -q '^contained ' spans.names; then fail "apply --no-sandbox: contained"; fi
# each step for every hive before the next (commit.c): the log of the
# second hive before the first is marked dirty
grep ' span ' apply.err | awk '{ print $8 }' | grep -E '^(log|mark-dirty|write|complete|read-back)$' |
	tr '\n' ' ' > steps
[ "$(cat steps)" = "log log mark-dirty mark-dirty write write complete complete read-back read-back " ] ||
	{ cat steps; fail "apply: the commit's steps out of order"; }

# a disk image: the module, qemu-nbd, the volume, each hive read out
[ "$(id -u)" = 0 ] && [ -c /dev/fuse ] || { [ "${TLSHIVE_REQUIRE_TOOLS:-}" = 1 ] && fail "needs root and /dev/fuse to build the test volume"; skip "needs root and /dev/fuse to build the test volume"; }
for t in mkntfs ntfs-3g sfdisk qemu-img qemu-nbd; do need_tool "$t"; done
need_images
. "$srcdir/tests/cli/imglib.sh"
vol v.ntfs 2019
disk d.raw gpt v.ntfs
qemu-img convert -f raw -O qcow2 d.raw d.qcow2
rm -f spans.*
TLSHIVE_TRACE=1 "$TLSHIVE" apply d.qcow2 > qcow2.out 2> qcow2.err ||
	{ cat qcow2.err; fail "apply d.qcow2"; }
spans qcow2.err
pair run image-load qcow2; pair run contained qcow2
pair contained image-open qcow2; pair image-open block-open qcow2
pair image-open ntfs-mount qcow2; pair hivex-open hive-load qcow2
pair contained image-commit qcow2; pair contained image-close qcow2
named "block-open d.qcow2" qcow2
count "hive-load d.qcow2:/$cfg/SYSTEM" 1 qcow2
count "hive-load d.qcow2:/$cfg/SOFTWARE" 1 qcow2
# each hive's clusters found in the qcow2's own file (blk.c, qmap.c)
pair hive-load qemu-img-map qcow2
count "qemu-img-map d.qcow2" 2 qcow2
