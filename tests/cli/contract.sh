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

# The schemas (schemas/*.json) describe every document; lib.sh validates
# each --json output of every test against them when the test ends.  Here
# the validator is shown to reject what a schema does not allow: a key it
# does not know, a value of the wrong type, a document cut short, and an
# error document that lost its message key.
need_tool python3
if ! python3 -c 'import jsonschema' 2> /dev/null; then
	[ "${TLSHIVE_REQUIRE_TOOLS:-}" = 1 ] && fail "python3-jsonschema is not installed"
	skip "python3-jsonschema is not installed"
fi
schemas=$srcdir/schemas
validate() { python3 "$srcdir/tests/tools/validate-json.py" "$schemas" "$@"; }
validate c1.json c0.json e.json b0.json a1.json s.json > v.out || { cat v.out; fail "valid documents rejected"; }
rejects() {
	rj_what=$1; shift
	jq "$@" > bad.json
	must_exit 1 validate bad.json > v.out
	grep -q "^bad.json:1: $rj_what" v.out || { cat v.out; fail "the validator's reason: $rj_what"; }
}
rejects "run schema: (top): Additional properties are not allowed ('surprise'" '.surprise = 1' c1.json
rejects "run schema: exit: '1' is not one of" '.exit = "1"' c1.json
rejects 'run schema: differences/0/verdict' '.differences[0].verdict = "fine"' c1.json
rejects 'run schema: settings/0/registry/' '.settings[0].registry |= map_values(true)' c1.json
rejects 'run schema: changes/0: ' 'del(.changes[0].origin)' a1.json
rejects "error schema: (top): 'error' is a required property" 'del(.error)' e.json
rejects 'settings schema: settings/0/kind' '.settings[0].kind = "knob"' s.json
head -c 300 c1.json > bad.json
must_exit 1 validate bad.json > v.out
grep -q '^bad.json: line 1: not JSON' v.out || { cat v.out; fail "a cut document passed"; }
# JSON Lines: the second line is checked too
{ jq -c . c0.json; jq -c '.outcome = "maybe"' c0.json; } > bad.json
must_exit 1 validate bad.json > v.out
grep -q '^bad.json:2: run schema: outcome' v.out || { cat v.out; fail "the second of two lines passed"; }
# the wrapper kept this test's own --json runs for its EXIT check
[ "$(ls "$T/.json" | grep -c '\.argv$')" -ge 10 ] || fail "the --json runs were not kept for validation"

# ... and a test whose tlshive printed such a document fails at its end,
# though it asserted nothing; the wrapper gives the exit status back as it
# was, a signal's death included
cat > fake <<'EOF'
#!/bin/sh
printf '%s\n' "$FAKE_OUT"
[ -z "${FAKE_SIG:-}" ] || kill -"$FAKE_SIG" $$
exit "${FAKE_RC:-0}"
EOF
chmod +x fake
inner() {
	FAKE_OUT=$1 FAKE_RC=$2 FAKE_SIG=${4:-} TLSHIVE=$T/fake TLSHIVE_REQUIRE_TOOLS=1 \
	    sh -c '. "$srcdir/tests/cli/lib.sh"; set +e; "$TLSHIVE" check $1 x > out; echo "exit $?" > "$2"' \
	    sh "$3" "$T/inner.rc"
}
must_exit 1 inner '{"schema_version": 1}' 0 --json 2> inner.err
grep -q '^FAIL: JSON output that its schema' inner.err || { cat inner.err; fail "an invalid document did not fail its test"; }
grep -q "'tlshive_version' is a required property" inner.err || { cat inner.err; fail "the reason of the failure"; }
must_exit 0 inner "$(jq -c . e.json)" 2 --json 2> inner.err
[ "$(cat inner.rc)" = "exit 2" ] || fail "the wrapper changed the exit status: $(cat inner.rc)"
must_exit 0 inner "$(jq -c . e.json)" 0 --json 9 2> inner.err
[ "$(cat inner.rc)" = "exit 137" ] || fail "the wrapper changed a death by SIGKILL: $(cat inner.rc)"
# without --json the output is not looked at
must_exit 0 inner 'not json' 1 --quiet 2> inner.err
[ "$(cat inner.rc)" = "exit 1" ] || fail "the wrapper changed the exit status without --json: $(cat inner.rc)"

# Every run document says how long the run took and what it read: each
# hive file of a root, or the hive files given, with size and time, and
# their SHA-256 with --sha256 (checked against Python's hashlib)
sha() { python3 -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' "$1"; }
"$MKIMAGE" 2022 id
must_exit 1 "$TLSHIVE" check --json id > id.json
jtrue '(.duration_ms | type) == "number" and .duration_ms >= 0 and .image_identity.kind == "directory"' < id.json ||
	fail "check --json: duration_ms, image_identity.kind"
[ "$(jq -r '.image_identity.files[] | "\(.path) \(.size) \(.mtime) \(.sha256)"' id.json)" = "$(for h in "$(sys id)" "$(soft id)"; do echo "$h $(stat -c '%s %Y' "$h") null"; done)" ] ||
	{ jq .image_identity id.json; fail "image_identity: the hive files, their size and time, no sha256"; }
must_exit 0 "$TLSHIVE" apply --json --sha256 id > ida.json
[ "$(jq -r '.image_identity.files[] | "\(.path) \(.size) \(.sha256)"' ida.json)" = "$(for h in "$(sys id)" "$(soft id)"; do echo "$h $(stat -c %s "$h") $(sha "$h")"; done)" ] ||
	{ jq .image_identity ida.json; fail "apply --sha256: the digests of the hives as written"; }
must_exit 0 "$TLSHIVE" show --json --sha256 --system "$(sys id)" > idh.json
jtrue ".image_identity.kind == \"hive-files\" and (.image_identity.files | length) == 1 and .image_identity.files[0].sha256 == \"$(sha "$(sys id)")\"" < idh.json ||
	{ jq .image_identity idh.json; fail "--system: kind hive-files, its digest"; }
jtrue '(.duration_ms | type) == "number"' < e.json || fail "an error document: duration_ms"
