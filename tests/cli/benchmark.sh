# Benchmark profiles: check -p stig-iis10 judges rule V-218821 as an auditor
# does (every control set, absent values are findings), failing before apply
# and passing after, in text (goldens) and JSON, each value read back with
# reglookup; without IIS the rule is not applicable; profiles combine and
# say where they conflict; a broken benchmark profile is refused at its line.
. "$srcdir/tests/cli/lib.sh"
need_tool jq
need_tool reglookup

echo 'SOFTWARE|Microsoft\InetStp|MajorVersion|dword|10' > iis.extra
"$MKIMAGE" --extra iis.extra 2022 img
"$MKIMAGE" 2022 noiis

# before: the rule fails, and every failing value is named
must_exit 1 "$TLSHIVE" check -p stig-iis10 img > before.out
golden benchmark-before.out before.out
must_exit 1 "$TLSHIVE" check -p stig-iis10 --json img > before.json
jtrue '.compliant == false and .exit == 1 and .explicit == true and
	.benchmarks == [{"name": "stig-iis10", "stigid": "IIS_10-0_Server_STIG",
	    "version": null, "title": "IIS 10.0 Server STIG, TLS"}] and
	(.rules | length) == 1 and .rules[0].id == "V-218821" and
	.rules[0].severity == "high" and .rules[0].stig_ver == "IIST-SV-000153" and
	.rules[0].result == "fail" and .rules[0].reason == null and
	(.rules[0].values | length) == 16 and
	.rules[0].values_failing == ([.rules[0].values[] | select(.result == "fail")] | length) and
	.rules[0].values_failing == 12 and
	([.rules[0].values[] | select(.actual == null and .result == "pass")] |
	    map(.setting) | unique) == ["SSL 3.0 server"] and
	([.rules[0].values[] | select(.current)] | length) == 8' < before.json ||
	fail "check -p stig-iis10 --json before apply"
# --exit-zero reports the same and exits 0
must_exit 0 "$TLSHIVE" check -p stig-iis10 --exit-zero img > z.out
cmp -s before.out z.out || fail "--exit-zero changed the report"

cksum "$(sys img)" > sys.before
must_exit 0 "$TLSHIVE" apply -p stig-iis10 --json img > apply.json
jtrue '.changed == true and .conflicts == []' < apply.json || fail "apply -p stig-iis10"
cksum "$(sys img)" | cmp -s sys.before - && fail "apply wrote nothing"

# after: the rule passes; -v lists every value
must_exit 0 "$TLSHIVE" check -p stig-iis10 -v img > after.out
golden benchmark-after.out after.out
must_exit 0 "$TLSHIVE" check -p stig-iis10 --json img > after.json
jtrue '.compliant == true and .exit == 0 and .rules[0].result == "pass" and
	.rules[0].values_failing == 0 and (.rules[0].values | length) == 16 and
	all(.rules[0].values[]; .result == "pass")' < after.json ||
	fail "check -p stig-iis10 --json after apply"
# each value JSON calls present is in the hive, as reglookup reads it, with
# that number; the SSL 3.0 line passes because it holds 0 and 1 now
dump "$(sys img)" > sys.dump
jq -r '.rules[0].values[] | select(.actual != null) |
	"/" + (.path | gsub("\\\\"; "/")) + "/" + .value_name + ",DWORD," +
	(if .actual == 1 then "0x00000001" else "0x00000000" end)' after.json > want.lines
[ "$(wc -l < want.lines)" -eq 16 ] || fail "after apply: 16 values present"
while IFS= read -r l; do
	grep -qxF "$l" sys.dump || fail "reglookup does not read $l"
done < want.lines

# no IIS: not applicable, with the reason, and no finding
must_exit 0 "$TLSHIVE" check -p stig-iis10 --json noiis > na.json
jtrue '.compliant == true and .rules[0].result == "notapplicable" and
	(.rules[0].reason | test("IIS is not installed")) and
	(.differences | length) > 0' < na.json || fail "stig-iis10 without IIS"

# profiles combine: two benchmarks, two rules; the .NET rule counts the
# Wow6432Node twins
must_exit 1 "$TLSHIVE" check -p stig-iis10 -p stig-dotnet4 --json img > two.json
jtrue '[.rules[].id] == ["V-218821", "V-225238"] and
	[.rules[].result] == ["pass", "fail"] and
	([.rules[1].values[].path | select(startswith("Wow6432Node\\"))] | length) == 2 and
	(.benchmarks | map(.name)) == ["stig-iis10", "stig-dotnet4"]' < two.json ||
	fail "stig-iis10 + stig-dotnet4"
# a plain profile and a benchmark that want different values: said, in
# text and JSON, and for apply too
must_exit 1 "$TLSHIVE" check -p cis-iis10-l1 -p recommended img > conf.out
grep -q '^conflict: cis-iis10-l1:[0-9]* and recommended:[0-9]* want different values for AES 128/128; the later wins, and rule 7.10 fails after apply$' conf.out ||
	{ cat conf.out; fail "no conflict line for AES 128/128"; }
must_exit 0 "$TLSHIVE" apply -n -p cis-iis10-l1 -p recommended --json img > conf.json
jtrue '(.conflicts | length) == 2 and any(.conflicts[]; test("AES 256/256"))' < conf.json ||
	fail "apply -n: conflicts in JSON"

# a broken benchmark profile: every error at its line, exit 2, hive intact
cat > bad.profile <<'P'
@benchmark bad
@rule V-1 severity=critical
TLS 1.0 server = off | rule V-2
P
cksum "$(sys img)" > sys.before
must_exit 2 "$TLSHIVE" apply -p bad.profile img 2> bad.err
grep -qx 'tlshive: bad.profile:2: @rule V-1: severity must be high, medium or low' bad.err &&
	grep -qx 'tlshive: bad.profile:3: rule "V-2" is not declared by an @rule line above' bad.err &&
	grep -qx 'tlshive: bad.profile:2: rule V-1: no line names it (| rule V-1)' bad.err ||
	{ cat bad.err; fail "bad benchmark profile: its errors"; }
cksum "$(sys img)" | cmp -s sys.before - || fail "a refused profile changed the hive"
