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

# A hive the image lacks is refused at the line that needs it.
printf 'Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Vendor]\n"x"=dword:00000001\n' > soft.reg
must_exit 2 "$TLSHIVE" apply --reg soft.reg --system "$(sys img)" 2> err
grep -qx 'tlshive: soft.reg:3: the image has no SOFTWARE hive (give --software)' err || fail "missing hive"
