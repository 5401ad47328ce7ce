# check --checklist and --xccdf: STIG Viewer checklists and XCCDF 1.2
# results, validated by xmllint (an XML parser that is not tlshive's
# hand-written XML) against schemas/ckl.xsd and schemas/xccdf-testresult.xsd,
# before and after apply, for several images, and with names that need
# escaping.  Altered copies must fail validation, so the schemas check
# something.
. "$srcdir/tests/cli/lib.sh"
need_tool xmllint

CKL_XSD=$srcdir/schemas/ckl.xsd
XCCDF_XSD=$srcdir/schemas/xccdf-testresult.xsd
valid_ckl() { xmllint --noout --nonet --schema "$CKL_XSD" "$@" 2> xerr || { cat xerr; fail "not a valid checklist: $*"; }; }
valid_xccdf() { xmllint --noout --nonet --schema "$XCCDF_XSD" "$@" 2> xerr || { cat xerr; fail "not a valid XCCDF TestResult: $*"; }; }
xp() { xmllint --nonet --xpath "$1" "$2"; }
# XCCDF's elements are in its namespace
xx() { xp "string(//*[local-name()='$1'])" "$2"; }

# An IIS server (IIS setup records InetStp) whose computer name holds what
# XML must escape, and a control character XML 1.0 cannot carry.
ctl=$(printf '\001')
printf 'SOFTWARE|Microsoft\\InetStp|MajorVersion|dword|10\n' > extra
printf 'SYSTEM|ControlSet002\\Control\\ComputerName\\ComputerName|ComputerName|sz|WEB&<01>"%s'"'"'\n' "$ctl" >> extra
printf 'SYSTEM|ControlSet002\\Services\\Tcpip\\Parameters|NV Domain|sz|corp.example\n' >> extra
"$MKIMAGE" --extra extra 2022 iis > /dev/null

# Before apply: V-218821 is a finding in both documents.
must_exit 1 "$TLSHIVE" check -p stig-iis10 --checklist before.ckl --xccdf before.xml iis > out
valid_ckl before.ckl
valid_xccdf before.xml
[ "$(xp 'string(//VULN[STIG_DATA[VULN_ATTRIBUTE="Vuln_Num"][ATTRIBUTE_DATA="V-218821"]]/STATUS)' before.ckl)" = Open ] || fail "V-218821 not Open before apply"
[ "$(xp 'string(//STIG_DATA[VULN_ATTRIBUTE="Rule_Ver"]/ATTRIBUTE_DATA)' before.ckl)" = IIST-SV-000153 ] || fail "Rule_Ver"
[ "$(xp 'string(//STIG_DATA[VULN_ATTRIBUTE="Severity"]/ATTRIBUTE_DATA)' before.ckl)" = high ] || fail "Severity"
[ "$(xp 'string(//SI_DATA[SID_NAME="stigid"]/SID_DATA)' before.ckl)" = IIS_10-0_Server_STIG ] || fail "STIG_INFO stigid"
xp 'string(//VULN/FINDING_DETAILS)' before.ckl > details
head -1 details | grep -qx 'fail: 12 of 16 values fail' || { cat details; fail "FINDING_DETAILS summary"; }
grep -qxF 'HKLM\SYSTEM\ControlSet002\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.0\Server\Enabled (CurrentControlSet): absent, expected 0x00000000 (0): fail' details || { cat details; fail "FINDING_DETAILS: the current set's value"; }
grep -qxF 'HKLM\SYSTEM\ControlSet001\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.0\Server\Enabled: absent, expected 0x00000000 (0): fail' details || fail "FINDING_DETAILS: the other control set"
grep -qF 'SSL 3.0\Server\Enabled (CurrentControlSet): absent, expected 0x00000000 (0) or absent: pass' details || fail "FINDING_DETAILS: absent ok"
[ "$(grep -c '^HKLM' details)" = 16 ] || fail "not one line a value"
[ "$(xx result before.xml)" = fail ] || fail "XCCDF result before apply"
[ "$(xp 'string(//*[local-name()="rule-result"]/@idref)' before.xml)" = xccdf_org.tlshive_rule_stig-iis10_V-218821 ] || fail "XCCDF idref"
[ "$(xp 'count(//*[local-name()="rule-result"]/*[local-name()="message"])' before.xml)" = 17 ] || fail "XCCDF: a message a value and the summary"
[ "$(xx score before.xml)" = 0 ] || fail "XCCDF score before apply"
# The asset named from the image, escaped and read back by a real parser:
# the control character as its control picture (U+2401).
[ "$(xp 'string(/CHECKLIST/ASSET/HOST_NAME)' before.ckl)" = "$(printf 'WEB&<01>"\342\220\201'"'")" ] || { xp '/CHECKLIST/ASSET/HOST_NAME' before.ckl; fail "HOST_NAME"; }
[ "$(xp 'string(/CHECKLIST/ASSET/HOST_FQDN)' before.ckl)" = golden.corp.example ] || fail "HOST_FQDN"
[ "$(xp 'string(/CHECKLIST/ASSET/ROLE)' before.ckl)" = "Member Server" ] || fail "ROLE"
[ "$(xx target before.xml)" = "$(printf 'WEB&<01>"\342\220\201'"'")" ] || fail "XCCDF target"
if grep -q "$ctl" before.ckl before.xml; then fail "a raw control character in the XML"; fi

# After apply: the same rule passes.
"$TLSHIVE" apply -p stig-iis10 iis > /dev/null
"$TLSHIVE" check -p stig-iis10 --checklist after.ckl --xccdf after.xml iis > out
valid_ckl after.ckl
valid_xccdf after.xml
[ "$(xp 'string(//VULN/STATUS)' after.ckl)" = NotAFinding ] || fail "V-218821 not NotAFinding after apply"
xp 'string(//VULN/FINDING_DETAILS)' after.ckl | head -1 | grep -qx 'pass: 16 values as the rule reads them' || fail "FINDING_DETAILS after apply"
[ "$(xx result after.xml)" = pass ] || fail "XCCDF result after apply"
[ "$(xp 'string(//*[local-name()="score"])' after.xml)/$(xp 'string(//*[local-name()="score"]/@maximum)' after.xml)" = 1/1 ] || fail "XCCDF score after apply"
# a second run replaces the file whole
"$TLSHIVE" check -p stig-iis10 --checklist after.ckl iis > /dev/null
valid_ckl after.ckl
no_temp_files .

# Without IIS the rule is not applicable; a hive not given, not reviewed.
"$MKIMAGE" 2019 plain > /dev/null
"$TLSHIVE" check -p stig-iis10 --checklist na.ckl --xccdf na.xml plain > /dev/null
valid_ckl na.ckl
valid_xccdf na.xml
[ "$(xp 'string(//VULN/STATUS)' na.ckl)" = Not_Applicable ] || fail "no IIS: Not_Applicable"
[ "$(xx result na.xml)" = notapplicable ] || fail "no IIS: notapplicable"
set +e; "$TLSHIVE" check -p stig-iis10 --checklist nr.ckl --xccdf nr.xml --system "$(sys plain)" > /dev/null; set -e
valid_ckl nr.ckl
valid_xccdf nr.xml
[ "$(xp 'string(//VULN/STATUS)' nr.ckl)" = Not_Reviewed ] || fail "no SOFTWARE hive: Not_Reviewed"
[ "$(xx result nr.xml)" = notchecked ] || fail "no SOFTWARE hive: notchecked"

# Two benchmarks: an iSTIG each; a profile's own XCCDF ids (a DISA one goes
# under DISA's namespace, and the checklist's Rule_ID is DISA's form).
cat > mine.profile <<'P'
@benchmark mine stigid=Test_STIG version=2 title="a test benchmark"
@rule V-9 severity=medium ver=TEST-000009 xccdf=SV-9r1_rule
TLS 1.2 client = on | rule V-9
P
must_exit 1 "$TLSHIVE" check -p stig-iis10 -p ./mine.profile --checklist two.ckl --xccdf two.xml plain > /dev/null
valid_ckl two.ckl
valid_xccdf two.xml
[ "$(xp 'count(//iSTIG)' two.ckl)" = 2 ] || fail "two benchmarks, two iSTIGs"
[ "$(xp 'string(//VULN[STIG_DATA[ATTRIBUTE_DATA="V-9"]]/STIG_DATA[VULN_ATTRIBUTE="Rule_ID"]/ATTRIBUTE_DATA)' two.ckl)" = SV-9r1_rule ] || fail "Rule_ID"
xp '//*[local-name()="rule-result"]/@idref' two.xml | grep -q 'idref="xccdf_mil.disa.stig_rule_SV-9r1_rule"' || fail "a DISA rule id in XCCDF"
[ "$(xp 'count(//*[local-name()="benchmark"])' two.xml)" = 0 ] || fail "a TestResult names one benchmark at most"

# The schemas check something: altered copies fail validation.
invalid() { if xmllint --noout --nonet --schema "$1" "$2" 2> /dev/null; then fail "schema took $3"; fi; }
sed 's|<STATUS>Open</STATUS>|<STATUS>Pass</STATUS>|' before.ckl > m1.ckl
invalid "$CKL_XSD" m1.ckl "STATUS Pass"
grep -v '<SEVERITY_OVERRIDE>' before.ckl > m2.ckl
invalid "$CKL_XSD" m2.ckl "a VULN without SEVERITY_OVERRIDE"
sed 's|<ROLE>Member Server</ROLE>|<ROLE>Server</ROLE>|' before.ckl > m3.ckl
invalid "$CKL_XSD" m3.ckl "ROLE Server"
sed 's|<VULN_ATTRIBUTE>Rule_Ver<|<VULN_ATTRIBUTE>Rule_Version<|' before.ckl > m4.ckl
invalid "$CKL_XSD" m4.ckl "an unknown VULN_ATTRIBUTE"
sed 's|idref="xccdf_org.tlshive_rule_|idref="xccdf_org_tlshive_rule_|' before.xml > m1.xml
invalid "$XCCDF_XSD" m1.xml "an idref outside xccdf_NS_rule_ID"
grep -v '<score ' before.xml > m2.xml
invalid "$XCCDF_XSD" m2.xml "a TestResult without a score"
sed 's|<result>fail</result>|<result>failed</result>|' before.xml > m3.xml
invalid "$XCCDF_XSD" m3.xml "result failed"
sed 's| end-time="[^"]*"||' before.xml > m4.xml
invalid "$XCCDF_XSD" m4.xml "a TestResult without end-time"
sed 's|xmlns="http://checklists.nist.gov/xccdf/1.2"|xmlns="http://checklists.nist.gov/xccdf/1.1"|' before.xml > m5.xml
invalid "$XCCDF_XSD" m5.xml "XCCDF 1.1's namespace"
# ... and the unaltered ones pass the same command
xmllint --noout --nonet --schema "$CKL_XSD" before.ckl 2> /dev/null || fail "invalid() cannot pass"

# Without a benchmark profile there are no rules to report: an error, and
# no file.
must_exit 2 "$TLSHIVE" check --checklist none.ckl plain 2> err > /dev/null
grep -qx "tlshive: none.ckl: --checklist needs a benchmark profile (-p stig-iis10, cis-iis10-l1, ...: tlshive profiles lists them); recommended has no rules" err || { cat err; fail "no benchmark profile"; }
must_exit 2 "$TLSHIVE" check -p recommended --xccdf none.xml plain 2> err > /dev/null
grep -q "^tlshive: none.xml: --xccdf needs a benchmark profile" err || { cat err; fail "no benchmark profile (--xccdf)"; }
[ ! -e none.ckl ] && [ ! -e none.xml ] || fail "a document written without rules"
must_exit 2 "$TLSHIVE" apply --checklist x.ckl plain 2> err > /dev/null
grep -qx 'tlshive: apply: --checklist is not an option of apply' err || fail "--checklist outside check"
# a directory that is not there: the check fails, nothing else is written
must_exit 2 "$TLSHIVE" check -p stig-iis10 --checklist nodir/x.ckl plain > /dev/null 2> err
grep -q 'nodir/x.ckl' err || { cat err; fail "unwritable checklist not reported"; }

# Several images: a directory, a document each, named after the image.
"$MKIMAGE" 2019 second > /dev/null
mkdir docs
"$TLSHIVE" check --quiet -p stig-iis10 --checklist docs --xccdf docs iis/ plain second > out
valid_ckl docs/iis.ckl docs/plain.ckl docs/second.ckl
valid_xccdf docs/iis.xccdf.xml docs/plain.xccdf.xml docs/second.xccdf.xml
[ "$(xp 'string(//VULN/STATUS)' docs/iis.ckl)" = NotAFinding ] || fail "each image its own checklist"
[ "$(xp 'string(//VULN/STATUS)' docs/plain.ckl)" = Not_Applicable ] || fail "each image its own checklist (plain)"
[ "$(ls docs | wc -l)" = 6 ] || { ls docs; fail "documents in the directory"; }
must_exit 2 "$TLSHIVE" check -p stig-iis10 --checklist file.ckl plain second 2> err > /dev/null
grep -q -- '--checklist file.ckl: several images have a checklist each: give a directory' err || { cat err; fail "several images, one file"; }
mkdir other; cp -r plain other/plain
must_exit 2 "$TLSHIVE" check -p stig-iis10 --xccdf docs plain other/plain 2> err > /dev/null
grep -q 'their checklists would have one name' err || { cat err; fail "images named alike"; }
# one image and a directory: the file is named after the image too
"$TLSHIVE" check -p stig-iis10 --checklist other plain > /dev/null
valid_ckl other/plain.ckl

# A WIM of several images: the parent names the file before the child
# opens the WIM, so one image at a time (--index N, named -N).
need_tool wimcapture
need_tool wimappend
need_images
wimcapture iis two.wim > /dev/null 2>&1 && wimappend plain two.wim > /dev/null 2>&1 || fail "wimcapture"
mkdir wimdocs
must_exit 2 "$TLSHIVE" check -p stig-iis10 --checklist wimdocs two.wim > /dev/null 2> err
grep -qx 'tlshive: two.wim: a WIM of 2 images, and --checklist writes one image'"'"'s results: give --index N' err || { cat err; fail "a WIM of several images"; }
[ -z "$(ls wimdocs)" ] || fail "a checklist written for a WIM of several images"
"$TLSHIVE" check -p stig-iis10 --checklist wimdocs --index 1 two.wim > /dev/null
valid_ckl wimdocs/two.wim-1.ckl
[ "$(xp 'string(//VULN/STATUS)' wimdocs/two.wim-1.ckl)" = NotAFinding ] || fail "WIM image 1"
xp 'string(//COMMENTS)' wimdocs/two.wim-1.ckl | grep -q 'image two.wim image 1 (' || fail "WIM image named in COMMENTS"

# A real Windows 7 SYSTEM hive: its own names, and a workstation.
have_shared hives/real/win7-x86/SYSTEM "a real hive's asset names" || exit 0
set +e; "$TLSHIVE" check -p stig-iis10 --checklist real.ckl --system "$SHARED/hives/real/win7-x86/SYSTEM" > /dev/null 2>&1; set -e
valid_ckl real.ckl
[ "$(xp 'string(/CHECKLIST/ASSET/HOST_NAME)' real.ckl)" = WKS-WIN732BITA ] || fail "real hive: HOST_NAME"
[ "$(xp 'string(/CHECKLIST/ASSET/HOST_FQDN)' real.ckl)" = WKS-WIN732BITA.shieldbase.local ] || fail "real hive: HOST_FQDN"
[ "$(xp 'string(/CHECKLIST/ASSET/ROLE)' real.ckl)" = Workstation ] || fail "real hive: ROLE"
