# Built-in profiles: listing, printing, and what each one writes.
. "$srcdir/tests/cli/lib.sh"

"$TLSHIVE" profiles > out
golden profiles.out out
for p in recommended pci-dss enable-tls12 strict; do
	"$TLSHIVE" profiles "$p" > "$p.profile"
	cmp -s "$p.profile" "$srcdir/profiles/$p.profile" || fail "built-in $p differs from profiles/$p.profile"
done
must_exit 2 "$TLSHIVE" profiles nosuch 2> err
grep -q '^tlshive: nosuch: no such built-in profile' err || fail "unknown profile"

# A printed profile used as a file gives the same plan as the built-in.
"$MKIMAGE" 2022 img
"$TLSHIVE" apply -n -p strict img > a
"$TLSHIVE" apply -n -p ./strict.profile img | sed 's|from ./strict.profile|from strict|; s|(./strict.profile:|(strict:|' > b
cmp -s a b || fail "file and built-in strict differ"

# enable-tls12 writes exactly the vendor's requirement and nothing else.
"$MKIMAGE" 2019 e
dump "$(sys e)" > sys.before; dump "$(soft e)" > soft.before
"$TLSHIVE" apply -p enable-tls12 e > /dev/null
dump "$(sys e)" > sys.after; dump "$(soft e)" > soft.after
[ -z "$(comm -23 sys.before sys.after)" ] || fail "enable-tls12 changed or removed SYSTEM data"
[ -z "$(comm -23 soft.before soft.after)" ] || fail "enable-tls12 changed or removed SOFTWARE data"
comm -13 sys.before sys.after | grep ',DWORD,' > added
cat > want <<'W'
/ControlSet001/Control/SecurityProviders/SCHANNEL/Protocols/TLS 1.1/Client/DisabledByDefault,DWORD,0x00000000
/ControlSet001/Control/SecurityProviders/SCHANNEL/Protocols/TLS 1.1/Client/Enabled,DWORD,0x00000001
/ControlSet001/Control/SecurityProviders/SCHANNEL/Protocols/TLS 1.1/Server/DisabledByDefault,DWORD,0x00000000
/ControlSet001/Control/SecurityProviders/SCHANNEL/Protocols/TLS 1.1/Server/Enabled,DWORD,0x00000001
/ControlSet001/Control/SecurityProviders/SCHANNEL/Protocols/TLS 1.2/Client/DisabledByDefault,DWORD,0x00000000
/ControlSet001/Control/SecurityProviders/SCHANNEL/Protocols/TLS 1.2/Client/Enabled,DWORD,0x00000001
/ControlSet001/Control/SecurityProviders/SCHANNEL/Protocols/TLS 1.2/Server/DisabledByDefault,DWORD,0x00000000
/ControlSet001/Control/SecurityProviders/SCHANNEL/Protocols/TLS 1.2/Server/Enabled,DWORD,0x00000001
W
diff -u want added || fail "enable-tls12 SYSTEM values"
comm -13 soft.before soft.after | grep ',DWORD,' > added
# TLS 1.2 alone: KB5017811 took TLS 1.1 out of WinHTTP's default on 2019
cat > want <<'W'
/Microsoft/Windows/CurrentVersion/Internet Settings/WinHttp/DefaultSecureProtocols,DWORD,0x00000800
/Wow6432Node/Microsoft/Windows/CurrentVersion/Internet Settings/WinHttp/DefaultSecureProtocols,DWORD,0x00000800
W
diff -u want added || fail "enable-tls12 WinHTTP values"
# Windows 11: WinHTTP's default is TLS 1.2 and 1.3 (WinHTTP option flags,
# WINHTTP_OPTION_SECURE_PROTOCOLS); enable-tls12 keeps 1.3 and adds no 1.1
"$MKIMAGE" win11 e11
"$TLSHIVE" apply -p enable-tls12 e11 > /dev/null
dump "$(soft e11)" | grep 'WinHttp/DefaultSecureProtocols,' > added
cat > want <<'W'
/Microsoft/Windows/CurrentVersion/Internet Settings/WinHttp/DefaultSecureProtocols,DWORD,0x00002800
/Wow6432Node/Microsoft/Windows/CurrentVersion/Internet Settings/WinHttp/DefaultSecureProtocols,DWORD,0x00002800
W
diff -u want added || fail "enable-tls12 WinHTTP values on Windows 11"

# pci-dss: no 1024-bit DHE left where Windows before 10 offers it (the PCI
# glossary's strong cryptography: D-H 2048 bits and higher), as
# KeyExchangeAlgorithms\Diffie-Hellman Server/ClientMinKeyBitLength
# (tls-registry-settings); and DTLS 1.0 off with TLS 1.0 (RFC 8996).
"$MKIMAGE" 2012r2 pci
"$TLSHIVE" apply -p pci-dss pci > /dev/null
dump "$(sys pci)" > pci.dump
for v in 'KeyExchangeAlgorithms/Diffie-Hellman/ServerMinKeyBitLength,DWORD,0x00000800' \
    'KeyExchangeAlgorithms/Diffie-Hellman/ClientMinKeyBitLength,DWORD,0x00000800' \
    'Protocols/DTLS 1.0/Client/Enabled,DWORD,0x00000000' \
    'Protocols/DTLS 1.0/Server/Enabled,DWORD,0x00000000'; do
	grep -qxF "/ControlSet001/Control/SecurityProviders/SCHANNEL/$v" pci.dump || fail "pci-dss on 2012 R2 lacks $v"
done

# Typos: profile names match in any case and get "did you mean"; a family
# name suggests its rows; a setting set twice in one profile is an error
# naming both lines.
"$TLSHIVE" profiles PCI-DSS | grep -q '^# pci-dss:' || fail "profile names in any case"
"$TLSHIVE" export -p Strict --os 2022 > /dev/null || fail "-p in any case"
must_exit 2 "$TLSHIVE" profiles pci-dds 2> err
grep -qx "tlshive: pci-dds: no such built-in profile; did you mean \"pci-dss\"? 'tlshive profiles' lists them" err || { cat err; fail "profiles: did you mean"; }
must_exit 2 "$TLSHIVE" export -p recomended --os 2022 2> err
grep -q '^tlshive: recomended: no such built-in profile (.*) or file; did you mean "recommended"?$' err || { cat err; fail "-p: did you mean"; }
must_exit 2 "$TLSHIVE" export --set 'RC4 = off' --os 2022 2> err
grep -qx 'tlshive: --set: unknown setting "RC4"; did you mean one of "RC4 40/128", "RC4 56/128", "RC4 64/128", "RC4 128/128"?' err || { cat err; fail "RC4 family"; }
printf 'TLS 1.0 = off\nTLS 1.1 = off\n# again, in another case\ntls 1.0 = on\n' > dup.profile
must_exit 2 "$TLSHIVE" export -p dup.profile --os 2022 2> err
grep -qx 'tlshive: dup.profile:4: TLS 1.0 client is set again (first at dup.profile:1); a profile names each setting once' err || { cat err; fail "repeated setting"; }

# ECDHE-RSA with GCM exists from Windows 10 1507 on ("TLS Cipher Suites in
# Windows 10 v1507", tls-cipher-suites-in-windows-10--version-1507.md, lists
# it first): the table, the profiles' comments and both man pages say that
# build, and no later one.
must_exit 2 "$TLSHIVE" export --os 9600 -o - \
    -s 'cipher-suites = TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256' > /dev/null 2>&1
"$TLSHIVE" export --os 10240 -o - \
    -s 'cipher-suites = TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256' > /dev/null ||
	fail "ECDHE-RSA with GCM on Windows 10 1507"
n=0
for f in "$srcdir"/profiles/*.profile "$srcdir/man/tlshive.8.in" \
    "$srcdir/man/tlshive-profile.5.in"; do
	# each mention to the end of its clause, joined across lines
	tr '\n' ' ' < "$f" | grep -o 'ECDHE-RSA with GCM[^.;)]*' > clauses || continue
	while read -r c; do
		n=$((n + 1))
		case $c in *1507*) ;; *) fail "$f: \"$c\" does not say 1507" ;; esac
		case $c in *1511* | *1607* | *10586* | *14393*)
			fail "$f: \"$c\" names a later build" ;;
		esac
	done < clauses
done
[ "$n" -ge 5 ] || fail "$n mentions of ECDHE-RSA with GCM, expected 5 or more"
