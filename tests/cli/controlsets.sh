# CurrentControlSet: every set Select names is written, none is invented.
. "$srcdir/tests/cli/lib.sh"

"$MKIMAGE" win7-x86 img		# Current 1, Default 1, LastKnownGood 2
"$TLSHIVE" show img | grep -q '^control sets Current 1, Default 1, LastKnownGood 2; writes go to ControlSet001 ControlSet002$' \
	|| fail "control sets reported"
"$TLSHIVE" apply -v --set 'TLS 1.0 = off' img > out
grep -q 'ControlSet001.*TLS 1.0.Server.Enabled: absent -> 0x00000000 (0)' out || fail "ControlSet001"
grep -q 'ControlSet002.*TLS 1.0.Server.Enabled: absent -> 0x00000000 (0)' out || fail "ControlSet002"
dump "$(sys img)" > d
grep -q '^/ControlSet002/Control/SecurityProviders/SCHANNEL/Protocols/TLS 1.0/Server/Enabled,DWORD,0x00000000$' d || fail "LKG set"
if grep -qi currentcontrolset d; then fail "a CurrentControlSet key was created"; fi

# Select naming a control set the hive lacks is an error, nothing written.
printf 'SYSTEM|Select|Current|dword|3\n' > extra
"$MKIMAGE" --extra extra 2019 bad
s=$(stamp "$(sys bad)")
must_exit 2 "$TLSHIVE" apply bad 2> err
grep -q 'Select names control set 3, but the hive has no ControlSet003' err || fail "missing set"
[ "$(stamp "$(sys bad)")" = "$s" ] || fail "hive touched"
