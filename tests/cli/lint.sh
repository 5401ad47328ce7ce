# What Windows ignores among a .reg file's changes: listed apart by check
# and apply with the nearest name Windows reads, never counted; --strict
# refuses them.  regedit writes them all, and so does apply.
. "$srcdir/tests/cli/lib.sh"
need_tool jq

"$MKIMAGE" 2019 img
s1=$(stamp "$(sys img)"); s2=$(stamp "$(soft img)")
reg=ignored.reg
cp "$srcdir/testdata/reg/lint/$reg" .

must_exit 1 "$TLSHIVE" check --reg "$reg" img > check.out
golden lint-check.out check.out
must_exit 1 "$TLSHIVE" check --json --reg "$reg" img > check.json
[ "$(jq '.ignored | length' check.json)" = 10 ] || fail "ignored in JSON"
jtrue '.ignored[] | select(.origin == "ignored.reg:4" and .closest == "Protocols\\TLS 1.2\\Client")' < check.json \
	|| fail "the closest name in JSON"
jtrue '.ignored[] | select(.item == "TLS_AES_128_GCM_SHA256")' < check.json || fail "a list item in JSON"
# not among the differences: those count for compliance
[ "$(jq '[.differences[] | select(.origin == "ignored.reg:4")] | length' check.json)" = 0 ] \
	|| fail "an ignored change counted as a difference"

must_exit 2 "$TLSHIVE" apply --strict --reg "$reg" img > out 2> strict.err
[ ! -s out ] || fail "--strict printed a report"
golden lint-strict.err strict.err
[ "$(stamp "$(sys img)")" = "$s1" ] && [ "$(stamp "$(soft img)")" = "$s2" ] || fail "--strict wrote"
must_exit 2 "$TLSHIVE" check --strict --reg "$reg" img > /dev/null 2>&1
# A line regedit skips and the changes Windows ignores: all said in one
# run, one count, nothing written.
{ cat "$reg"; printf '"Bad"=dword:xyz\r\n'; } > both.reg
must_exit 2 "$TLSHIVE" apply --strict --reg both.reg img > out 2> both.err
[ ! -s out ] || fail "--strict with both: a report"
grep -q '^tlshive: both.reg:23: regedit skips this line' both.err || { cat both.err; fail "--strict: the skipped line"; }
[ "$(grep -c 'Windows ignores this' both.err)" = 10 ] || { cat both.err; fail "--strict: the ignored changes not said with the skipped line"; }
[ "$(tail -n 1 both.err)" = "tlshive: 1 error in the profiles and .reg files, and 10 changes Windows ignores (--strict); nothing done" ] \
	|| { cat both.err; fail "--strict: not one count"; }
[ "$(grep -c 'nothing done' both.err)" = 1 ] || fail "--strict: two rounds"
[ "$(stamp "$(sys img)")" = "$s1" ] && [ "$(stamp "$(soft img)")" = "$s2" ] || fail "--strict with both wrote"

# Without --strict apply writes what regedit writes, the key named
# "Client " too, and says which changes Windows ignores.
"$TLSHIVE" apply --reg "$reg" img > apply.out
golden lint-apply.out apply.out
dump "$(sys img)" | grep -qxF '/ControlSet001/Control/SecurityProviders/SCHANNEL/Protocols/TLS 1.2/Client /Enabled,DWORD,0x00000001' \
	|| fail "the key regedit makes was not written"
# All that counts is there now; what Windows ignores stays listed.
"$TLSHIVE" check --reg "$reg" img > again.out || { cat again.out; fail "not compliant after apply"; }
grep -q '^compliant: all 2 settings, 1 .reg value and 5 .reg keys match ignored.reg$' again.out \
	|| { cat again.out; fail "keys and values counted apart"; }
grep -q '^  ignored.reg:4: ' again.out || fail "ignored changes listed after apply"

# PSK and export-grade suites are Schannel's own ("TLS Cipher Suites in
# Windows 10 v1607" lists both kinds as supported, "... Windows 8.1" the
# export ones): not ignored where their page lists them, and PSK ignored
# before 1607.
printf 'Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002]\r\n"Functions"="TLS_PSK_WITH_AES_128_GCM_SHA256,TLS_RSA_EXPORT1024_WITH_RC4_56_SHA,TLS_RSA_WITH_AES_128_GCM_SHA256"\r\n' > psk.reg
"$TLSHIVE" export --strict --os 2016 -r psk.reg -o psk.out 2> err ||
	{ cat err; fail "PSK and export suites ignored on 1607"; }
must_exit 2 "$TLSHIVE" export --strict --os 2012r2 -r psk.reg -o psk.out 2> err
grep -q 'TLS_PSK_WITH_AES_128_GCM_SHA256: this build has no cipher suite TLS_PSK_WITH_AES_128_GCM_SHA256' err ||
	{ cat err; fail "PSK suite on 8.1"; }
if grep -q EXPORT err; then cat err; fail "export suite ignored on 8.1"; fi

# A curve suffix names the suite itself from Windows 10 on: "the elliptic
# curve suffix is not required and is overridden by the new elliptic curve
# priority order, when provided" (every Windows 10 and later suites page,
# tls-cipher-suites-in-windows-10-v1809.md among them): a note, not
# ignored, so --strict takes it.  Before Windows 10 the curve must be one
# the page lists for the suite ("... Windows 8.1": _P384 and _P521 for
# ECDHE_ECDSA with AES 256 GCM).
printf 'Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002]\r\n"Functions"="TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384_P256,TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384"\r\n' > sfx.reg
"$TLSHIVE" export --strict --utf8 --os 2019 -r sfx.reg -o sfx.out 2> err ||
	{ cat err; fail "--strict refused a curve suffix on Windows 10"; }
grep -qx '; note: sfx.reg:4: TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384 is TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384 to Windows 10 and later: the curve suffix is accepted, and the curve order (ecc-curves), when set, overrides it' sfx.out ||
	{ cat sfx.out; fail "no note for a curve suffix on Windows 10"; }
"$TLSHIVE" check --json -r sfx.reg img > sfx.json || [ $? = 1 ] || fail "check with suffixes"
[ "$(jq '.ignored | length' sfx.json)" = 0 ] || fail "a suffixed suite ignored on 2019"
must_exit 2 "$TLSHIVE" export --strict --os 2012r2 -r sfx.reg -o sfx.out 2> err
grep -q 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384_P256: this build has no cipher suite' err ||
	{ cat err; fail "an unlisted curve before Windows 10"; }
if grep -q '_P384: this build' err; then cat err; fail "a listed curve refused on 8.1"; fi
