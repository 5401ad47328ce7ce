# IIS Crypto templates (-p FILE.ictpl): applied to an image they write what
# they map (read back by reglookup, not by tlshive), check then passes, a
# UTF-16 copy reads the same, items without a setting are listed (errors
# under --strict), and broken XML is an error at its line with the hives
# untouched.
. "$srcdir/tests/cli/lib.sh"
need_tool reglookup
need_tool iconv

for f in v0 v3 unmapped bad-values broken; do
	cp "$srcdir/testdata/ictpl/$f.ictpl" .
done
"$MKIMAGE" 2022 img
s1=$(stamp "$(sys img)"); s2=$(stamp "$(soft img)")
unchanged() {
	[ "$(stamp "$(sys img)")" = "$s1" ] && [ "$(stamp "$(soft img)")" = "$s2" ] || fail "$1: a hive changed"
	no_temp_files img/Windows/System32/config
}

# Broken XML: one error where it breaks, exit 2, nothing written.
must_exit 2 "$TLSHIVE" apply -p broken.ictpl img > out 2> err
[ ! -s out ] || fail "broken: output"
grep -qx 'tlshive: broken.ictpl:8: </serverProtocols> where <clientProtocols> (line 6) is open' err \
	|| fail "broken: $(cat err)"
grep -qx 'tlshive: 1 error in the profiles and .reg files; nothing done' err || fail "broken: count"
unchanged "broken template"
# Well-formed with six mistakes: each at its line, nothing written.
must_exit 2 "$TLSHIVE" apply -p bad-values.ictpl img > out 2> err
[ "$(grep -c '^tlshive: bad-values.ictpl:[0-9]*: ' err)" = 6 ] || fail "bad values: $(cat err)"
for l in 7 8 9 11 14 18; do
	grep -q "^tlshive: bad-values.ictpl:$l: " err || fail "bad values: no error at line $l"
done
grep -q '^tlshive: bad-values.ictpl:18: Diffie-Hellman server min bits: bad value "100" (expected a number from 512 to 16384)$' err \
	|| fail "bad values: DHE"
unchanged "bad values"
# Items without a setting: listed each, --strict refuses the file.
must_exit 2 "$TLSHIVE" apply --strict -p unmapped.ictpl img > out 2> err
[ "$(grep -c ' not mapped: ' err)" = 7 ] || fail "--strict: $(cat err)"
grep -q '^tlshive: unmapped.ictpl:24: cipher suite "SSL_CK_RC4_128_WITH_MD5" not mapped: tlshive does not know it$' err \
	|| fail "--strict: suite"
unchanged "--strict"

# Before: not compliant.  apply: exit 0, the one unmapped item listed.
must_exit 1 "$TLSHIVE" check -p v3.ictpl img > out 2> err
"$TLSHIVE" apply -p v3.ictpl img > out 2> err
grep -qx 'tlshive: v3.ictpl:44: <templateItem name="Override Enabled"> not mapped: tlshive has no setting for it' err \
	|| fail "apply: skipped item: $(cat err)"
grep -q '^applied 20 settings from v3.ictpl ' out || fail "apply: $(cat out)"
# What the template asked, in the hives as reglookup reads them: protocols
# as tlshive's 1/0 pairs (IIS Crypto writes -1), algorithms as 0xffffffff,
# in every control set, the suites in the template's order.
dump "$(sys img)" > sys.d
dump "$(soft img)" > soft.d
for cs in ControlSet001 ControlSet002; do
	k=/$cs/Control/SecurityProviders/SCHANNEL
	for want in \
	    "$k/Protocols/TLS 1.2/Server/Enabled,DWORD,0x00000001" \
	    "$k/Protocols/TLS 1.2/Server/DisabledByDefault,DWORD,0x00000000" \
	    "$k/Protocols/TLS 1.3/Client/Enabled,DWORD,0x00000001" \
	    "$k/Protocols/TLS 1.0/Server/Enabled,DWORD,0x00000000" \
	    "$k/Protocols/SSL 3.0/Client/DisabledByDefault,DWORD,0x00000001" \
	    "$k/Ciphers/AES 256%2F256/Enabled,DWORD,0xFFFFFFFF" \
	    "$k/Ciphers/RC4 40%2F128/Enabled,DWORD,0x00000000" \
	    "$k/Hashes/SHA384/Enabled,DWORD,0xFFFFFFFF" \
	    "$k/KeyExchangeAlgorithms/Diffie-Hellman/ServerMinKeyBitLength,DWORD,0x00000C00" \
	    "/$cs/Control/Lsa/FipsAlgorithmPolicy/Enabled,DWORD,0x00000000"; do
		grep -qxF "$want" sys.d || fail "apply: $want not in the SYSTEM hive"
	done
done
grep -qxF '/Policies/Microsoft/Cryptography/Configuration/SSL/00010002/Functions,SZ,TLS_AES_256_GCM_SHA384%2CTLS_AES_128_GCM_SHA256%2CTLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384%2CTLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384%2CTLS_DHE_RSA_WITH_AES_256_GCM_SHA384%2CTLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256' soft.d \
	|| fail "apply: the suite list"
grep -q '/Override' sys.d soft.d && fail "apply: wrote something for Override Enabled"

# After: compliant, each setting from its template line.
"$TLSHIVE" check -p v3.ictpl img > out 2> err || fail "check after apply: $(cat out err)"
grep -qx 'compliant: all 21 settings match v3.ictpl' out || fail "check: $(cat out)"
"$TLSHIVE" check --json -p v3.ictpl img > j 2> /dev/null
jtrue '.compliant == true and .exit == 0 and .profile == "v3.ictpl" and
	([.settings[] | select(.name == "Diffie-Hellman server min bits")][0].registry.ServerMinKeyBitLength == 3072)' < j \
	|| fail "check --json: $(cat j)"

# The same template as IIS Crypto saves it (UTF-16LE with a byte order
# mark), under a name that says nothing: read by its content, the same.
{ printf '\377\376'; iconv -f UTF-8 -t UTF-16LE v3.ictpl; } > site.profile
[ "$(head -c 2 site.profile | od -An -tx1 | tr -d ' ')" = fffe ] || fail "no byte order mark"
"$TLSHIVE" check -p site.profile img > out 2> err || fail "UTF-16: $(cat out err)"
grep -qx 'compliant: all 21 settings match site.profile' out || fail "UTF-16: $(cat out)"
grep -qx 'tlshive: site.profile:44: <templateItem name="Override Enabled"> not mapped: tlshive has no setting for it' err \
	|| fail "UTF-16: line numbers"
# ... and broken in UTF-16, the error at the same line.
{ printf '\376\377'; iconv -f UTF-8 -t UTF-16BE broken.ictpl; } > broken16
must_exit 2 "$TLSHIVE" check -p broken16 img 2> err
grep -q '^tlshive: broken16:8: </serverProtocols> where <clientProtocols> (line 6) is open$' err || fail "UTF-16 broken"

# Version 0 on a 2019 image: apply, then check passes.
"$MKIMAGE" 2019 img19
must_exit 1 "$TLSHIVE" check -p v0.ictpl img19 > /dev/null 2>&1
"$TLSHIVE" apply -p v0.ictpl img19 > out 2> err
[ ! -s err ] || fail "v0: $(cat err)"
"$TLSHIVE" check -p v0.ictpl img19 > out || fail "v0 check: $(cat out)"
dump "$(soft img19)" | grep -qxF '/Policies/Microsoft/Cryptography/Configuration/SSL/00010002/Functions,SZ,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384%2CTLS_RSA_WITH_AES_256_GCM_SHA384%2CTLS_RSA_WITH_AES_128_GCM_SHA256' \
	|| fail "v0: suites"
