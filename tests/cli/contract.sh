# The pipeline contract: what a pipeline step reads of a run (the exit
# status, apply's "changed", the version that wrote the document), and
# check --exit-zero, which reports non-compliance without failing the step.
. "$srcdir/tests/cli/lib.sh"
need_tool jq

"$MKIMAGE" 2022 img
"$MKIMAGE" 2022 img2
ver=$("$TLSHIVE" --version | sed -n '1s/^tlshive \([^ ]*\) .*/\1/p')
[ -n "$ver" ] || fail "no version in tlshive --version"

# not compliant: 1; with --exit-zero 0, and the same report
must_exit 1 "$TLSHIVE" check img > c1.out
must_exit 0 "$TLSHIVE" check --exit-zero img > c0.out
cmp -s c1.out c0.out || { diff c1.out c0.out; fail "--exit-zero changed the text report"; }
must_exit 1 "$TLSHIVE" check --json img > c1.json
must_exit 0 "$TLSHIVE" check --exit-zero --json img > c0.json
jtrue '.outcome == "noncompliant" and .compliant == false and .exit == 1' < c1.json ||
	fail "check --json: outcome, compliant, exit"
jtrue '.outcome == "noncompliant" and .compliant == false and .exit == 0' < c0.json ||
	fail "check --exit-zero --json: still noncompliant, exit 0"
jtrue "(.differences | length) > 0 and .tlshive_version == \"$ver\"" < c0.json ||
	fail "check --exit-zero --json: differences, tlshive_version"

# an error is an error: 2, whatever --exit-zero says
must_exit 2 "$TLSHIVE" check --exit-zero --json missing > e.json 2> e.err
jtrue ".outcome == \"error\" and .exit == 2 and .tlshive_version == \"$ver\"" < e.json ||
	fail "an error's document: outcome, exit, tlshive_version"
must_exit 2 "$TLSHIVE" check --exit-zero -p no-such-profile img 2> p.err

# several images: each document and each text head says noncompliant, and
# the run exits 0
must_exit 1 "$TLSHIVE" check --quiet --json img img2 > b1.json
must_exit 0 "$TLSHIVE" check --quiet --exit-zero --json img img2 > b0.json
[ "$(jq -s 'map(select(.outcome == "noncompliant" and .exit == 0)) | length' b0.json)" = 2 ] ||
	fail "several images, --exit-zero: two noncompliant documents with exit 0"
[ "$(jq -s 'map(select(.outcome == "noncompliant" and .exit == 1)) | length' b1.json)" = 2 ] ||
	fail "several images: two noncompliant documents with exit 1"
must_exit 0 "$TLSHIVE" check --quiet --exit-zero img img2 > bt.out
[ "$(grep -c ': noncompliant$' bt.out)" = 2 ] || { cat bt.out; fail "several images, --exit-zero: the heads"; }

# apply: changed when it writes, not for a dry run, not when nothing is left
cksum "$(sys img)" "$(soft img)" > before
must_exit 0 "$TLSHIVE" apply -n --json img > n.json
jtrue '.dry_run == true and .changed == false and (.changes | length) > 0' < n.json ||
	fail "apply -n: changed false, changes listed"
cksum "$(sys img)" "$(soft img)" | cmp -s before - || fail "apply -n wrote the image"
must_exit 0 "$TLSHIVE" apply --json img > a1.json
jtrue ".changed == true and .tlshive_version == \"$ver\"" < a1.json || fail "apply: changed true"
must_exit 0 "$TLSHIVE" apply --json img > a2.json
jtrue '.changed == false and (.changes | length) == 0' < a2.json || fail "apply again: changed false"
must_exit 0 "$TLSHIVE" check --json img > c2.json
jtrue '.outcome == "ok" and .compliant == true and .exit == 0' < c2.json || fail "check after apply"

# --exit-zero is check's alone
must_exit 2 "$TLSHIVE" apply --exit-zero img2 2> u.err
grep -q 'exit-zero' u.err || { cat u.err; fail "apply --exit-zero: no word of the option"; }
"$TLSHIVE" settings --json > s.json
jtrue ".tlshive_version == \"$ver\" and (.settings | length) > 0" < s.json || fail "settings --json: tlshive_version"
