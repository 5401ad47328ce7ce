# Malformed .reg files: every error as FILE:LINE, exit 2, nothing written.
. "$srcdir/tests/cli/lib.sh"

"$MKIMAGE" 2019 img
s1=$(stamp "$(sys img)"); s2=$(stamp "$(soft img)")
cp "$srcdir"/testdata/reg/bad/*.reg .
# Encodings that cannot be kept as text files in the tree.
printf '\377\376W\000i\000n\000' > truncated-utf16.reg
printf '\377\376W\000i\000n\000d' >> truncated-utf16.reg
printf '\376\377\000W\000i' > utf16-big-endian.reg
printf 'Windows Registry Editor Version 5.00\n\000\001\002binary junk\n' > binary-junk.reg
: > empty.reg

for f in *.reg; do
	must_exit 2 "$TLSHIVE" apply --reg "$f" img > out 2>> all.err
	[ ! -s out ] || fail "$f: output despite errors"
	[ "$(stamp "$(sys img)")" = "$s1" ] && [ "$(stamp "$(soft img)")" = "$s2" ] || fail "$f: a hive changed"
	no_temp_files img/Windows/System32/config
done
golden reg-malformed.err all.err

# Lines regedit skips: tlshive skips them too, says so with FILE:LINE and
# applies the rest; --strict makes each an error and writes nothing.
rm -f all.err strict.err
for f in "$srcdir"/testdata/reg/skipped/*.reg; do
	b=$(basename "$f")
	must_exit 2 "$TLSHIVE" apply --strict --reg "$f" img > out 2>> strict.err
	[ ! -s out ] || fail "$b --strict: output despite errors"
	[ "$(stamp "$(sys img)")" = "$s1" ] && [ "$(stamp "$(soft img)")" = "$s2" ] || fail "$b --strict: a hive changed"
	rm -rf one; cp -a img one
	(cd "$srcdir/testdata/reg/skipped" && "$TLSHIVE" apply -n --reg "$b" "$OLDPWD/one") > /dev/null 2>> all.err \
		|| fail "$b: regedit applies the rest; tlshive refused"
done
sed "s|$srcdir/testdata/reg/skipped/||" strict.err > strict.out
golden reg-skipped.err all.err
golden reg-skipped-strict.err strict.out
# The pasted file's good lines are applied as regedit applies them.
cp -a img pasted
"$TLSHIVE" apply --reg "$srcdir/testdata/reg/skipped/pasted.reg" pasted > /dev/null 2>&1 || fail "pasted.reg"
dump "$(soft pasted)" | grep -qxF '/Microsoft/Windows/CurrentVersion/Internet Settings/WinHttp/DefaultSecureProtocols,DWORD,0x00000A00' \
	|| fail "pasted.reg: the WinHTTP line"
dump "$(sys pasted)" | grep -qxF '/ControlSet001/Control/SecurityProviders/SCHANNEL/Protocols/TLS 1.0/Server/DisabledByDefault,DWORD,0x00000001' \
	|| fail "pasted.reg: a value under a key line with text after ']'"
if dump "$(sys pasted)" | grep -q 'TLS 1.0/Server/Enabled'; then fail "pasted.reg: a skipped line was written"; fi

# A hive the image lacks is refused at the line that needs it.
printf 'Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Vendor]\n"x"=dword:00000001\n' > soft.reg
must_exit 2 "$TLSHIVE" apply --reg soft.reg --system "$(sys img)" 2> err
grep -qx 'tlshive: soft.reg:3: the image has no SOFTWARE hive (give --software)' err || fail "missing hive"
