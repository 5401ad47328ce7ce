# HardeningKitty finding lists (check --findings FILE.csv): each TLS row a
# rule HK-ID judged on its own value, fail before and pass after an apply
# that says the same; a rule reads only its value and its registry view;
# rows not imported are listed; broken CSV is an error at its line.
. "$srcdir/tests/cli/lib.sh"

cp "$srcdir/testdata/findings/tls.csv" .
"$MKIMAGE" 2022 img
s1=$(stamp "$(sys img)"); s2=$(stamp "$(soft img)")

# Before: every imported finding fails but the one whose DefaultValue
# passes when the value is absent; what is not imported is listed.
must_exit 1 "$TLSHIVE" check --findings tls.csv img > out 2> err
grep -qx 'not compliant: 12 rules of tls.csv: 1 pass, 11 fail' out || fail "before: $(cat out)"
grep -qx 'HK-9100 (tls, medium): fail: 2 of 2 values' out || fail "before: HK-9100"
grep -qx 'HK-9121 (tls, low): pass: 2 values' out || fail "before: a DefaultValue that passes"
for want in \
    'tls.csv:14: finding 9150 (SCHANNEL value tlshive has no setting for) not imported: no setting of tlshive'"'"'s is CertificateMappingMethods under HKLM:\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL' \
    'tls.csv:15: finding 9151 (An operator tlshive does not compare) not imported: operator "<=": tlshive compares with = and >= only' \
    'tls.csv:17: finding 9153 (the other half) not imported: it wants TLS 1.2 server off, the finding at line 16 wants on' \
    'tls.csv: 1 finding not imported: another method than Registry (ID 9000)' \
    'tls.csv: 1 finding not imported: a registry path no setting of tlshive'"'"'s is under (ID 9001)'; do
	grep -qxF "tlshive: $want" err || fail "not listed: $want"
done
[ "$(wc -l < err)" = 5 ] || fail "before: $(cat err)"
# JSON: one rule a finding, its severity in lower case, its values.
"$TLSHIVE" check --json --findings tls.csv img > j 2> /dev/null || true
jtrue '.benchmarks[0].name == "tls" and (.rules | length) == 12 and
	([.rules[] | select(.result == "fail")] | length) == 11 and
	(.rules[] | select(.id == "HK-9110") | .severity == "high" and
	 .values_failing == 2 and ([.values[].value_name] | unique) == ["Enabled"]) and
	(.rules[] | select(.id == "HK-9131") | [.values[].where] == ["32-bit"]) and
	(.rules[] | select(.id == "HK-9130") | [.values[].where] == ["64-bit"]) and
	(.rules[] | select(.id == "HK-9101") | [.values[].value_name] | unique == ["DisabledByDefault"]) and
	(.rules[] | select(.id == "HK-9120") | .values[0].compare == "at-least")' < j \
	|| fail "check --json: $(jq -c '.rules' j)"
[ "$(stamp "$(sys img)")" = "$s1" ] && [ "$(stamp "$(soft img)")" = "$s2" ] || fail "check changed a hive"

# After an apply that says what the list asks: every finding passes.
cat > fix.profile <<'EOF'
TLS 1.0 server = off
TLS 1.1 client = off
TLS 1.2 server = on
RC4 128/128 = off
AES 256/256 = on
Diffie-Hellman server min bits = 2048
dotnet v4 strong crypto = on
ecc-curves = NistP384, NistP256
cipher-suites = TLS_AES_256_GCM_SHA384, TLS_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
EOF
"$TLSHIVE" apply -p fix.profile img > /dev/null
"$TLSHIVE" check --findings tls.csv img > out 2> /dev/null || fail "after apply: $(cat out)"
grep -qx 'compliant: 12 rules of tls.csv: 12 pass' out || fail "after: $(cat out)"

# A rule reads its own value and view only: DisabledByDefault wrong fails
# HK-9101, not HK-9100; the 32-bit view wrong fails HK-9131, not HK-9130.
printf 'Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.0\\Server]\r\n"DisabledByDefault"=dword:00000000\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Wow6432Node\\Microsoft\\.NETFramework\\v4.0.30319]\r\n"SchUseStrongCrypto"=dword:00000000\r\n' > spoil.reg
"$TLSHIVE" apply --reg spoil.reg img > /dev/null
must_exit 1 "$TLSHIVE" check --findings tls.csv img > out 2> /dev/null
grep -qx 'not compliant: 12 rules of tls.csv: 10 pass, 2 fail' out || fail "spoilt: $(cat out)"
grep -qx 'HK-9101 (tls, medium): fail: 2 of 2 values' out || fail "spoilt: HK-9101"
grep -qx 'HK-9131 (tls, medium): fail: 1 of 1 values' out || fail "spoilt: HK-9131"
grep -q '^HK-9100 (tls, medium): pass' out || fail "spoilt: HK-9100 read DisabledByDefault"
grep -q '^HK-9130 (tls, medium): pass' out || fail "spoilt: HK-9130 read the 32-bit view"

# --strict: the rows not imported are errors, and check stops there.
must_exit 2 "$TLSHIVE" check --strict --findings tls.csv img > out 2> err
[ ! -s out ] || fail "--strict: output"
grep -q '^tlshive: 5 errors in the profiles and .reg files; nothing done$' err || fail "--strict: $(cat err)"
# check only: apply does not take it.
must_exit 2 "$TLSHIVE" apply --findings tls.csv img 2> err
grep -q 'findings' err || fail "apply --findings: $(cat err)"

# Broken lists: an error at the line, exit 2, nothing read.
s1=$(stamp "$(sys img)"); s2=$(stamp "$(soft img)")
{ head -n 3 tls.csv; printf '9999,TLS,"not closed,Registry,,,,,,,,0,=,High\r\n'; } > open.csv
must_exit 2 "$TLSHIVE" check --findings open.csv img > out 2> err
grep -qx 'tlshive: open.csv:4: a quoted field is not closed' err || fail "open quote: $(cat err)"
{ head -n 3 tls.csv; printf '9999,TLS,x,Registry\r\n'; } > short.csv
must_exit 2 "$TLSHIVE" check --findings short.csv img > out 2> err
grep -qx 'tlshive: short.csv:4: 4 fields where the header has 14' err || fail "short row: $(cat err)"
printf 'ID,Name,Method\n1,a,Registry\n' > nohead.csv
must_exit 2 "$TLSHIVE" check --findings nohead.csv img > out 2> err
grep -qx 'tlshive: nohead.csv:1: not a HardeningKitty finding list: the header has no column RegistryPath' err \
	|| fail "header: $(cat err)"
[ "$(stamp "$(sys img)")" = "$s1" ] && [ "$(stamp "$(soft img)")" = "$s2" ] || fail "a broken list changed a hive"
