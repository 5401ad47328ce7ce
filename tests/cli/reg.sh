# .reg in and out: vendor scripts, export round trips, undo.
. "$srcdir/tests/cli/lib.sh"

values() { dump "$1" | grep -v ',KEY,'; }

# The customer's OfficeScan script, as it is and as regedit saves it
# (UTF-16LE with a BOM, CRLF), gives exactly its values in both control sets.
if have_shared examples/officescan-pci.reg "the OfficeScan .reg round trip"; then
	reg=$SHARED/examples/officescan-pci.reg
	cp "$reg" pci.reg
	{ printf '\377\376'; sed 's/$/\r/' pci.reg | iconv -f UTF-8 -t UTF-16LE; } > pci16.reg
	for r in pci.reg pci16.reg; do
		rm -rf img; "$MKIMAGE" win7-x86 img
		values "$(sys img)" > before
		"$TLSHIVE" apply --reg "$r" img > out
		"$TLSHIVE" check --reg "$r" img > out || fail "$r: not compliant after apply"
		# 12 settings the table knows, and the 12 key lines counted as
		# keys, once each however many control sets they stand for
		grep -qx "compliant: all 12 settings and 12 .reg keys match $r" out || { cat out; fail "$r: check summary"; }
		values "$(sys img)" > after
		comm -13 before after > "$r.added"
		[ -z "$(comm -23 before after)" ] || fail "$r: values lost"
		tr -d '\r' < pci.reg | awk '
			/^\[/ { key = substr($0, 2, length($0) - 2); next }
			/^"/ { split($0, kv, "="); name = kv[1]; gsub(/"/, "", name)
			       val = kv[2]; sub(/^dword:/, "", val)
			       for (cs = 1; cs <= 2; cs++) {
				       k = key; sub(/^HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet/, sprintf("ControlSet%03d", cs), k)
				       gsub(/\//, "%2F", k); gsub(/\\/, "/", k)
				       print "/" k "/" name ",DWORD,0x" toupper(val) } }' | LC_ALL=C sort > want
		[ -z "$(comm -23 want after)" ] || fail "$r: lacks $(comm -23 want after | head -n 1)"
		[ -z "$(comm -13 want "$r.added")" ] || fail "$r: added $(comm -13 want "$r.added" | head -n 1)"
		[ "$(wc -l < want)" = 44 ] || fail "$r: read $(wc -l < want) values from the script"
	done
	cmp -s pci.reg.added pci16.reg.added || fail "UTF-16 and UTF-8 gave different results"
	"$TLSHIVE" apply -n --reg pci.reg img > out
	grep -q '^nothing to do' out || fail "second apply of the .reg"
	rm -rf f; "$MKIMAGE" 2019 f
	"$TLSHIVE" apply -n --reg pci.reg f > out
	grep -q '^TLS 1.1 server: ' out || fail "--reg alone: the file's changes"
	if grep -q dotnet out; then fail "--reg alone used the default profile"; fi
	"$TLSHIVE" apply -n --reg pci.reg -p recommended f | grep -q '^dotnet v4 strong crypto: ' || fail "--reg with -p"
fi

# profile -> export -> apply --reg on a fresh image = apply -p, for several
# images and profiles, in both encodings.
for layout in win7-x86 2019 2022; do
	for profile in recommended strict pci-dss enable-tls12; do
		rm -rf a b c; "$MKIMAGE" "$layout" a; "$MKIMAGE" "$layout" b; "$MKIMAGE" "$layout" c
		"$TLSHIVE" export -p "$profile" -o e16.reg a
		"$TLSHIVE" export --utf8 -p "$profile" -o e8.reg a
		head -c 2 e16.reg | od -An -tx1 | grep -q 'ff fe' || fail "export is not UTF-16LE with BOM"
		"$TLSHIVE" apply -p "$profile" a > /dev/null
		"$TLSHIVE" apply --reg e16.reg b > /dev/null
		"$TLSHIVE" apply --reg e8.reg c > /dev/null
		for h in SYSTEM SOFTWARE; do
			dump "a/Windows/System32/config/$h" > a.d
			dump "b/Windows/System32/config/$h" > b.d
			dump "c/Windows/System32/config/$h" > c.d
			cmp -s a.d b.d || fail "$layout $profile $h: export (UTF-16) round trip differs"
			cmp -s a.d c.d || fail "$layout $profile $h: export (UTF-8) round trip differs"
		done
	done
done

# With an image, export follows it: no Wow6432Node on x86, TLS 1.3 from 20348.
rm -rf x86 s22; "$MKIMAGE" win7-x86 x86; "$MKIMAGE" 2022 s22
"$TLSHIVE" export --utf8 x86 > e.reg
if grep -q Wow6432Node e.reg; then fail "Wow6432Node exported for an x86 image"; fi
grep -q '^\[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Server\]$' e.reg \
	|| fail "CurrentControlSet in export"
if grep -q 'ControlSet00' e.reg; then fail "a numbered control set in an export"; fi
"$TLSHIVE" export --utf8 s22 | grep -q 'Protocols\\TLS 1.3\\Server\]$' || fail "TLS 1.3 for 2022"
"$TLSHIVE" export --utf8 s22 | grep -qx '"DefaultSecureProtocols"=dword:00002800' || fail "WinHTTP 1.2+1.3 for 2022"

# Without an image, what depends on the build needs --os: a suite list
# without the TLS 1.3 suites turns TLS 1.3 off on Server 2022.
must_exit 2 "$TLSHIVE" export --utf8 > e.reg 2> err
grep -q "^tlshive: recommended:[0-9]*: cipher-suites: its value depends on the Windows build; give the image, or --os NAME|BUILD" err ||
	{ cat err; fail "export without an image or --os"; }
[ ! -s e.reg ] || fail "export wrote a file it refused"
"$TLSHIVE" export --utf8 --os 2019 > e.reg
grep -q '^; for Windows Server 2019 (build 17763, --os), 64-bit' e.reg || fail "assumptions"
grep -q '^\[HKEY_LOCAL_MACHINE\\SOFTWARE\\Wow6432Node\\Microsoft\\.NETFramework\\v4.0.30319\]$' e.reg || fail "64-bit twin"
if grep -v '^;' e.reg | grep -q 'TLS 1.3\|TLS_AES_'; then fail "TLS 1.3 for 2019"; fi
"$TLSHIVE" export --utf8 --os 2022 > e.reg
grep -q '"Functions"="TLS_AES_256_GCM_SHA384,TLS_AES_128_GCM_SHA256,' e.reg || fail "TLS 1.3 suites for --os 2022"
"$TLSHIVE" export --utf8 --os 20348 | cmp -s - e.reg || fail "--os 20348 is --os 2022"
must_exit 2 "$TLSHIVE" export --os win99 2> err
grep -q 'give a build number (6000 or later) or one of' err || fail "unknown --os"
# enable-tls12 keeps WinHTTP's TLS 1.3 where it exists and puts no TLS 1.1
# back (KB5017811 took 1.0 and 1.1 out; 0xA00 would put 1.1 back and take
# 1.3 out)
"$TLSHIVE" export --utf8 -o - -p enable-tls12 --os 2019 | grep -qx '"DefaultSecureProtocols"=dword:00000800' || fail "export to stdout"
"$TLSHIVE" export --utf8 -p enable-tls12 --os 2022 | grep -qx '"DefaultSecureProtocols"=dword:00002800' || fail "enable-tls12 on 2022"

# Undo: a profile, a vendor script with deletions and --set, then the undo
# file gives back hives whose dump is the original's.
cat > del.reg <<'R'
REGEDIT4

; deletes a key with values under it, a value, and writes odd types
[-HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\SSL 2.0]
[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL]
"EventLogging"=-
[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\.NETFramework\v4.0.30319]
"InstallPath"=-
@="default value"
"Multi"=hex(7):61,00,62,00,00
"Expand"=hex(2):25,53,79,73,74,65,6d,52,6f,6f,74,25,00
"Big"=hex(b):01,02,03,04,05,06,07,08
"Blob"=hex:de,ad,be,ef,\
  00,01
[HKLM\SOFTWARE\Vendor\New\Deep]
"x"="a \"quoted\" \\ value"
R
for layout in 2019 win7-x86; do
	rm -rf u undo.reg; "$MKIMAGE" "$layout" u
	dump "$(sys u)" > s0; dump "$(soft u)" > w0
	"$TLSHIVE" apply -p strict --reg del.reg --set 'FIPS = on' --undo undo.reg u > out
	grep -q 'Protocols\\SSL 2.0: key present -> no key' out || fail "key deletion reported"
	head -c 2 undo.reg | od -An -tx1 | grep -q 'ff fe' || fail "undo is not UTF-16LE"
	dump "$(soft u)" | grep -qF '/Microsoft/.NETFramework/v4.0.30319/Multi,MULTI_SZ,a|b' || fail "hex(7) from REGEDIT4"
	"$TLSHIVE" apply --reg undo.reg u > /dev/null
	dump "$(sys u)" > s1; dump "$(soft u)" > w1
	diff -u s0 s1 || fail "$layout: undo did not restore SYSTEM"
	diff -u w0 w1 || fail "$layout: undo did not restore SOFTWARE"
done
# An undo file is never replaced unasked: with nothing to do it is left as
# it is, with changes to make apply refuses (-n as well) until --force.
"$MKIMAGE" 2019 u2
"$TLSHIVE" apply --undo keep.reg u2 > /dev/null
s=$(stamp keep.reg)
"$TLSHIVE" apply --undo keep.reg u2 > out || fail "second apply with an undo file"
grep -q '^nothing to do' out || fail "second apply had something to do"
[ "$(stamp keep.reg)" = "$s" ] || fail "nothing to do replaced the undo file"
h=$(stamp "$(soft u2)")
for n in "" -n; do
	must_exit 2 "$TLSHIVE" apply $n -p strict --undo keep.reg u2 2> err > /dev/null
	grep -q '^tlshive: keep.reg: the undo file exists and may be the only way back; give another name, or --force to replace it$' err || fail "undo file exists${n:+ ($n)}"
	[ "$(stamp keep.reg)" = "$s" ] && [ "$(stamp "$(soft u2)")" = "$h" ] || fail "refused, yet written${n:+ ($n)}"
done
"$TLSHIVE" apply --force -p strict --undo keep.reg u2 > /dev/null || fail "--force replaces the undo file"
"$TLSHIVE" apply --reg keep.reg u2 > /dev/null
"$TLSHIVE" check u2 > /dev/null || fail "the replaced undo file does not lead back to recommended"
# -n writes nothing, the undo file included.
"$TLSHIVE" apply -n -p strict --undo undo2.reg u > /dev/null
[ ! -e undo2.reg ] || fail "-n wrote an undo file"

# Names match case-blind, so a .reg may spell them otherwise than the hive:
# the undo file gives back the hive's spelling, of values it rewrites and
# of keys it deletes (including one below another deleted key).
printf '%s\n' 'SOFTWARE|Vendor\Abc|Name|dword|1' 'SOFTWARE|Vendor\Abc\Def|x|dword|1' \
	'SOFTWARE|Vendor\Keep|Mixed|dword|1' > spell.extra
rm -rf sp; "$MKIMAGE" --extra spell.extra 2019 sp
printf 'Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\VENDOR\\KEEP]\r\n"MIXED"=dword:2\r\n"New"=dword:3\r\n\r\n[-HKEY_LOCAL_MACHINE\\SOFTWARE\\vendor\\ABC]\r\n\r\n[-HKEY_LOCAL_MACHINE\\SOFTWARE\\vendor\\abc\\DEF]\r\n' > spell.reg
dump "$(soft sp)" > sp0
"$TLSHIVE" apply --reg spell.reg --undo spell-undo.reg sp > /dev/null
"$TLSHIVE" apply --reg spell-undo.reg sp > /dev/null
dump "$(soft sp)" > sp1
diff -u sp0 sp1 || fail "undo did not give back the hive's spelling"

# On the real Windows 7 SYSTEM hive too.
if have_shared hives/real/win7-x86/SYSTEM "undo on the real Windows 7 hive"; then
	H=$SHARED/hives
	cp "$H/real/win7-x86/SYSTEM" w7; chmod u+w w7
	dump w7 > r0
	"$TLSHIVE" apply -p strict --reg del.reg --undo w7undo.reg --system w7 2>/dev/null && fail "SOFTWARE lines accepted without SOFTWARE"
	grep -v 'SOFTWARE' del.reg > delsys.reg
	"$TLSHIVE" apply -p strict --reg delsys.reg --undo w7undo.reg --system w7 > /dev/null
	"$TLSHIVE" apply --reg w7undo.reg --system w7 > /dev/null
	dump w7 > r1
	diff -u r0 r1 || fail "undo on the real Windows 7 hive"
fi

# What regedit accepts, tlshive accepts without a word: blanks after
# "dword:", a ';' comment after a continued line, bare CR line ends; and
# it writes key names as regedit does, trailing blank included.
rm -rf ws; "$MKIMAGE" 2019 ws
printf 'Windows Registry Editor Version 5.00\r\r[HKEY_LOCAL_MACHINE\\SOFTWARE\\Vendor\\WS]\r"A"=dword:  0000000a\r"B"=dword:\t0\r"C"=hex:01,02,\\;more below\r  03\r[HKEY_LOCAL_MACHINE\\SOFTWARE\\Vendor\\WS\\Client ]\r"Enabled"=dword:1\r' > ws.reg
"$TLSHIVE" apply --reg ws.reg ws > /dev/null 2> ws.err || fail "whitespace regedit accepts"
[ ! -s ws.err ] || { cat ws.err; fail "warnings for lines regedit reads"; }
dump "$(soft ws)" > ws.d
for v in '/Vendor/WS/A,DWORD,0x0000000A' '/Vendor/WS/B,DWORD,0x00000000' '/Vendor/WS/C,BINARY,%01%02%03' \
	'/Vendor/WS/Client /Enabled,DWORD,0x00000001'; do
	grep -qxF "$v" ws.d || { cat ws.d; fail "missing $v"; }
done

# export on a terminal: refused, not UTF-16LE's NUL bytes; --utf8 is text.
need_tool script
script -qec "$TLSHIVE export --os 2019; echo rc=\$?" /dev/null > tty.out 2>&1 || true
grep -q 'tlshive: standard output: a terminal, where export.s UTF-16LE would be unreadable' tty.out || { cat tty.out; fail "export to a terminal: no refusal"; }
grep -q 'rc=2' tty.out || fail "export to a terminal: exit status"
[ "$(tr -dc '\000' < tty.out | wc -c)" -eq 0 ] || fail "export wrote NUL bytes to a terminal"
script -qec "$TLSHIVE export --utf8 --os 2019" /dev/null > tty.out 2>&1 || fail "export --utf8 to a terminal"
grep -q '^Windows Registry Editor Version 5.00' tty.out || fail "export --utf8 to a terminal: no text"
