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
"$TLSHIVE" apply -n -p ./strict.profile img | sed 's|from ./strict.profile|from strict|' > b
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
cat > want <<'W'
/Microsoft/Windows/CurrentVersion/Internet Settings/WinHttp/DefaultSecureProtocols,DWORD,0x00000A00
/Wow6432Node/Microsoft/Windows/CurrentVersion/Internet Settings/WinHttp/DefaultSecureProtocols,DWORD,0x00000A00
W
diff -u want added || fail "enable-tls12 WinHTTP values"

