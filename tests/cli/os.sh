# Knowing the image: names by build, effective state, gating, prerequisites.
. "$srcdir/tests/cli/lib.sh"
need_tool jq

# The name comes from the build; Windows 11 calls itself Windows 10.
while read -r layout name type arch; do
	rm -rf i; "$MKIMAGE" "$layout" i
	"$TLSHIVE" show --json i > o.json
	got="$(jq -r '"\(.os.name)|\(.os.type)|\(.os.arch)"' o.json)"
	[ "$got" = "$(echo "$name" | tr _ ' ')|$type|$arch" ] || fail "$layout: $got"
	[ "$(jq '[.settings[] | select(.effective and .source)] | length' o.json)" = \
	  "$(jq '.settings | length' o.json)" ] || fail "$layout: effective and source on every setting"
done <<'L'
2008sp2-x86 Windows_Server_2008_SP2 server x86
win7-x86 Windows_7_SP1 client x86
2008r2 Windows_Server_2008_R2_SP1 server AMD64
2012 Windows_Server_2012 server AMD64
2012r2 Windows_Server_2012_R2 server AMD64
2016 Windows_Server_2016 server AMD64
2019 Windows_Server_2019 server AMD64
2022 Windows_Server_2022 server AMD64
2025 Windows_Server_2025 server AMD64
win10 Windows_10_22H2 client AMD64
win11 Windows_11_23H2 client AMD64
L
[ "$(jq -r .os.product o.json)" = "Windows 10 Pro" ] || fail "ProductName kept as it is"

# Effective state before and after apply.
eff() { jq -r --arg n "$2" '.settings[] | select(.name == $n and (.where == "ControlSet001" or .where == "")) | "\(.effective)|\(.source)"' "$1" | head -n 1; }
rm -rf i; "$MKIMAGE" 2019 i
"$TLSHIVE" show --json i > before.json
[ "$(eff before.json 'TLS 1.0 server')" = "enabled|os-default" ] || fail "TLS 1.0 on 2019"
[ "$(eff before.json 'SSL 3.0 client')" = "disabled|os-default" ] || fail "SSL 3.0 on 2019"
[ "$(eff before.json 'TLS 1.3 client')" = "unsupported|os-default" ] || fail "TLS 1.3 on 2019"
# ciphers, hashes and key exchanges follow the build's default suites:
# no 1809 default suite uses RC4, all of them AES or SHA-2
[ "$(eff before.json 'RC4 128/128')" = "disabled|os-default" ] || fail "RC4 default"
[ "$(eff before.json 'AES 256/256')" = "enabled|os-default" ] || fail "AES default"
[ "$(eff before.json 'Triple DES 168')" = "enabled|os-default" ] || fail "3DES on 2019"
# Windows 10 22H2: DES, RC2, RC4 and 3DES in no default suite, NULL in
# those "Only used when application explicitly requests"
rm -rf w10; "$MKIMAGE" win10 w10
"$TLSHIVE" show --json w10 > w10.json
for c in 'DES 56/56' 'RC2 128/128' 'RC4 128/128' 'Triple DES 168'; do
	[ "$(eff w10.json "$c")" = "disabled|os-default" ] || fail "$c on 22H2"
done
[ "$(eff w10.json NULL)" = "off by default|os-default" ] || fail "NULL on 22H2"
# Diffie-Hellman minimum sizes have documented defaults
[ "$(eff w10.json 'Diffie-Hellman server min bits')" = "2048|os-default" ] || fail "DH server default"
[ "$(eff w10.json 'Diffie-Hellman client min bits')" = "1024|os-default" ] || fail "DH client default"
"$TLSHIVE" show w10 > w10.txt
grep -q '^Diffie-Hellman client min bits \{2,\}ControlSet001 \{2,\}1024\*' w10.txt || fail "DH default in show"
# past the last build the protocol table documents, no claim: Insider
# builds of 2024 turn TLS 1.0 and 1.1 off
printf '%s\n' 'SOFTWARE|Microsoft\Windows NT\CurrentVersion|CurrentBuild|sz|27000' \
    'SOFTWARE|Microsoft\Windows NT\CurrentVersion|CurrentBuildNumber|sz|27000' > fut.extra
rm -rf fut; "$MKIMAGE" --extra fut.extra win11 fut
"$TLSHIVE" show --json fut > fut.json
[ "$(jq -r .os.build fut.json)" = 27000 ] || fail "future build not read"
[ "$(eff fut.json 'TLS 1.0 server')" = "unknown|os-default" ] || fail "TLS 1.0 past the table"
must_exit 1 "$TLSHIVE" check -v --set 'TLS 1.0 = off' fut > out
grep -q '^TLS 1.0 server: .*expected 0x00000000 (0), actual absent, and no page says what this build does without it$' out ||
	{ cat out; fail "check says the default is unknown"; }
"$TLSHIVE" apply i > /dev/null
"$TLSHIVE" show --json i > after.json
[ "$(eff after.json 'TLS 1.0 server')" = "disabled|registry" ] || fail "TLS 1.0 after apply"
[ "$(eff after.json 'RC4 128/128')" = "disabled|registry" ] || fail "RC4 after apply"
rm -rf w; "$MKIMAGE" win7-x86 w
"$TLSHIVE" show --json w > w.json
[ "$(eff w.json 'TLS 1.2 client')" = "disabled|os-default" ] || fail "TLS 1.2 off by default on 7"
[ "$(eff w.json 'SSL 3.0 server')" = "enabled|os-default" ] || fail "SSL 3.0 on by default on 7"
[ "$(eff w.json 'SSL 2.0 client')" = "disabled|registry" ] || fail "SSL 2.0 client, DisabledByDefault=1"
[ "$(jq -r '.settings[] | select(.name == "winhttp") | .effective' w.json)" = "SSL 3.0, TLS 1.0 (0xa0)" ] || fail "WinHTTP default on 7"
# Enabled=1 with DisabledByDefault=1: "If an SSPI app explicitly requests
# to use TLS 1.0, it may be negotiated" (tls-registry-settings, 2019
# revision): off by default, not disabled
printf 'SYSTEM|ControlSet001\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.0\\Server|%s|dword|0x1\n' Enabled DisabledByDefault > obd.extra
rm -rf obd; "$MKIMAGE" --extra obd.extra 2019 obd
"$TLSHIVE" show --json obd > obd.json
[ "$(eff obd.json 'TLS 1.0 server')" = "off by default|registry" ] || fail "Enabled=1 DisabledByDefault=1: $(eff obd.json 'TLS 1.0 server')"
"$TLSHIVE" show obd | grep -q '^TLS 1.0 server  *ControlSet001  *off by default  *Enabled=0x00000001 (1), DisabledByDefault=0x00000001 (1)$' || fail "off by default in text"
must_exit 1 "$TLSHIVE" check --set 'TLS 1.0 server = off' obd > /dev/null

# check: what the defaults satisfy is implicit, --explicit counts it.
rm -rf c; "$MKIMAGE" 2022 c
printf 'SSL 2.0 = off\nTLS 1.2 = on\n' > two.profile
"$TLSHIVE" check -p two.profile c > out || fail "implicit compliance"
grep -q "^compliant: all 4 settings match two.profile, 4 of them only through Windows' defaults" out || { cat out; fail "summary"; }
grep -qx "  TLS 1.2 server: enabled by Windows' default in ControlSet002, ControlSet001" out || fail "implicit line"
# implicit ones apart, under their heading, after the real differences
"$TLSHIVE" check -v -p two.profile c | grep -q 'TLS 1.2 server: .*Enabled: implicit: absent, and already enabled by Windows'"'"' default for build 20348$' || fail "implicit value line (-v)"
must_exit 1 "$TLSHIVE" check --explicit -p two.profile c > /dev/null
"$TLSHIVE" check --json -p two.profile c > c.json || fail "json check"
[ "$(jq '.implicit | length' c.json)" = 14 ] && [ "$(jq '.differences | length' c.json)" = 0 ] || fail "json implicit"
# Protocols the build cannot do, asked for explicitly: an error, nothing written.
s=$(stamp "$(sys c)")
must_exit 2 "$TLSHIVE" apply --set 'SSL 2.0 = on' c 2> err
grep -q 'SSL 2.0 client = on: the image is Windows Server 2022 (build 20348); SSL 2.0 does not exist on this build' err || fail "SSL 2.0 gate"
must_exit 2 "$TLSHIVE" apply --set 'PCT 1.0 = on' c 2> /dev/null
[ "$(stamp "$(sys c)")" = "$s" ] || fail "gated apply wrote"
# Windows 10 1903 to 22H2 read TLS 1.3's values, and "Enabling TLS 1.3 on
# earlier versions of Windows is not a safe system configuration" (the
# protocols page): off is a change like any other, on needs --force.
rm -rf t13; "$MKIMAGE" win10 t13
printf 'Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.3\\Client]\n"Enabled"=dword:00000000\n' > t13off.reg
"$TLSHIVE" apply -n --reg t13off.reg t13 > out
if grep -q '^ignored:' out; then cat out; fail "TLS 1.3 off on 22H2 ignored"; fi
must_exit 2 "$TLSHIVE" apply -n --set 'TLS 1.3 = on' t13 2> err
grep -q 'not a safe system configuration; give --force' err || fail "TLS 1.3 on 22H2 not refused"
"$TLSHIVE" apply --force --set 'TLS 1.3 client = on' t13 > out
grep -q '^warning: TLS 1.3 client: a non-zero Enabled turns it on, and Windows 10 22H2 (build 19045) does not support TLS 1.3' out || fail "--force: no warning"
"$TLSHIVE" show t13 > out
grep -q '^TLS 1.3 client  *ControlSet001  *enabled  ' out || fail "show: TLS 1.3 read on 22H2"
grep -q '^warning: TLS 1.3 client: a non-zero Enabled' out || fail "show: no warning"

# Server 2008 SP2: TLS 1.1/1.2 only with KB4019276 (Protocols in TLS/SSL
# (Schannel SSP), its "Windows Server 2008 with Service Pack 2" row), which
# a monthly rollup may carry: without its package a warning, not a refusal.
cbs='SOFTWARE|Microsoft\Windows\CurrentVersion\Component Based Servicing\Packages'
rm -rf s8; "$MKIMAGE" 2008sp2-x86 s8
"$TLSHIVE" apply -n -p enable-tls12 s8 > out 2> err || { cat err; fail "2008 SP2 without KB4019276 refused"; }
grep -qx 'warning: TLS 1.1 exists on this build only with update KB4019276, and KB4019276 is not installed (a monthly rollup may carry it)' out \
	|| { cat out; fail "2008 SP2: no KB4019276 warning"; }
# turning TLS 1.0 off there may leave no TLS at all
"$TLSHIVE" apply -n -p pci-dss s8 > out 2> err || { cat err; fail "pci-dss on 2008 SP2 refused"; }
grep -q '^warning: turning TLS 1.0 off leaves Server 2008 SP2 without TLS 1.1 and 1.2 (KB4019276) with no TLS version at all' out \
	|| { cat out; fail "2008 SP2: no TLS left"; }
# export --os reads no image: the update could not be checked
"$TLSHIVE" export --utf8 -p enable-tls12 --os 2008 > o.reg 2> err || { cat err; fail "export --os 2008 refused"; }
grep -qx 'tlshive: standard output: warning: TLS 1.2 exists on this build only with update KB4019276; KB4019276 could not be checked: no image was read' err \
	|| { cat err; fail "--os 2008: could not be checked"; }
if grep -q 'not installed' err; then cat err; fail "--os 2008: not installed, though no image was read"; fi
# Vista SP2 shares the build but not the update (it is for Server 2008 SP2
# only): the protocols page's Vista row, no TLS 1.1 or 1.2 at all
must_exit 2 "$TLSHIVE" export --utf8 -p enable-tls12 --os vista > /dev/null 2> err
grep -q 'TLS 1.2 client = on: the image is Windows Vista SP2 (build 6002); Windows Vista SP2 has no TLS 1.2 at all (update KB4019276 brings it to Windows Server 2008 SP2 only)$' err \
	|| { cat err; fail "--os vista"; }
if grep -q 'not installed' err; then cat err; fail "--os vista: not installed"; fi
printf '%s\n' 'SYSTEM|ControlSet001\Control\ProductOptions|ProductType|sz|WinNT' \
    'SYSTEM|ControlSet002\Control\ProductOptions|ProductType|sz|WinNT' > vista.extra
rm -rf v; "$MKIMAGE" --extra vista.extra 2008sp2-x86 v
must_exit 2 "$TLSHIVE" apply -n --set 'TLS 1.1 = on' v 2> err
grep -q 'TLS 1.1 client = on: the image is Windows Vista SP2 (build 6002); Windows Vista SP2 has no TLS 1.1 at all' err || { cat err; fail "Vista image"; }
"$TLSHIVE" show --json v > v.json
[ "$(eff v.json 'TLS 1.2 client')" = "unsupported|os-default" ] || fail "TLS 1.2 on Vista"
jtrue '[.warnings[].kb] | index(4019276) | not' < v.json || fail "show on Vista: KB4019276 named"
printf '%s\\Package_for_KB4019276~31bf3856ad364e35~x86~~6.0.1.2|CurrentState|dword|0x70\n' "$cbs" > kb.extra
rm -rf s8; "$MKIMAGE" --extra kb.extra 2008sp2-x86 s8
"$TLSHIVE" apply --json -p enable-tls12 s8 > s8.json || fail "2008 SP2 with KB4019276"
[ "$(jq -r '.warnings[].kb' s8.json)" = 4467770 ] || fail "KB4467770 warning for WinHTTP on 2008 SP2"

# Prerequisite updates: warnings with their KB, gone once installed.
rm -rf p; "$MKIMAGE" win7-x86 p
must_exit 1 "$TLSHIVE" check --json p > p.json
[ "$(jq -r '[.warnings[].kb] | sort | map(tostring) | join(" ")' p.json)" = "0 3042058 3080079 3140245 3154518 3174644" ] || fail "Windows 7 warnings"
printf '%s\\Package_for_KB3140245~31bf3856ad364e35~x86~~6.1.1.1|CurrentState|dword|0x70\n%s\\Package_for_KB3154518~31bf3856ad364e35~x86~~6.1.1.0|CurrentState|dword|0x60\n' "$cbs" "$cbs" > p.extra
rm -rf p; "$MKIMAGE" --extra p.extra win7-x86 p
must_exit 1 "$TLSHIVE" check --json p > p.json
[ "$(jq -r '[.warnings[].kb] | sort | map(tostring) | join(" ")' p.json)" = "0 3042058 3080079 3154518 3174644" ] || fail "installed KB (0x70) counts, pending (0x60) does not"
if "$TLSHIVE" check p | grep -q '^warning: WinHTTP'; then fail "warning for an installed KB"; fi

# Cipher suites per version.
fn() { grep 'Functions: absent -> ' "$1" | sed 's/.*absent -> //'; }
rm -rf r2; "$MKIMAGE" 2012r2 r2
"$TLSHIVE" apply -n -v --set 'cipher-suites = TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, TLS_RSA_WITH_AES_128_GCM_SHA256' r2 > out
[ "$(fn out)" = '"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256,TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384_P384,TLS_RSA_WITH_AES_128_GCM_SHA256"' ] \
	|| fail "8.1 curve suffixes: $(fn out)"
must_exit 2 "$TLSHIVE" apply -n --set 'cipher-suites = TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384' r2 2> err
grep -q 'the image is Windows Server 2012 R2 (build 9600), which has no TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384; closest it has: TLS_DHE_RSA_WITH_AES_256_GCM_SHA384' err \
	|| fail "unsupported suite on 2012 R2"
rm -rf s19; "$MKIMAGE" 2019 s19
"$TLSHIVE" apply -n -v --set 'cipher-suites = TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384, TLS_RSA_WITH_AES_128_GCM_SHA256' s19 > out
[ "$(fn out)" = '"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,TLS_RSA_WITH_AES_128_GCM_SHA256"' ] || fail "suffix dropped on 10: $(fn out)"
"$TLSHIVE" show --json s19 | jq -r '.settings[] | select(.name == "cipher-suites") | .default_from' | grep -q 'tls-cipher-suites-in-windows-10-v1809' \
	|| fail "default suite order of 2019"
# With TLS 1.3 on, a list without its suites would silently turn it off.
rm -rf s22; "$MKIMAGE" 2022 s22
must_exit 2 "$TLSHIVE" apply -n --set 'cipher-suites = TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384' s22 2> err
grep -q 'with TLS 1.3 on, a list without TLS_AES_256_GCM_SHA384 or TLS_AES_128_GCM_SHA256 turns TLS 1.3 off without a word' err || fail "TLS 1.3 suites rule"
"$TLSHIVE" apply -n --set 'TLS 1.3 = off' --set 'cipher-suites = TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384' s22 > /dev/null || fail "TLS 1.3 off allows it"
# Windows 8 / Server 2012 and Vista / Server 2008 have pages of their own:
# "TLS Cipher Suites in Windows 8" (the 8.1 suites but the two DHE_RSA CBC
# ones, the order after update 3042058) and "TLS Cipher Suites in Windows
# Vista" (SHA-1 and MD5 suites only, every curve in the default order).
rm -rf w8; "$MKIMAGE" 2012 w8
must_exit 2 "$TLSHIVE" apply -n --set 'cipher-suites = TLS_DHE_RSA_WITH_AES_128_CBC_SHA' w8 2> err
grep -q 'the image is Windows Server 2012 (build 9200), which has no TLS_DHE_RSA_WITH_AES_128_CBC_SHA' err ||
	{ cat err; fail "DHE_RSA CBC on 2012"; }
"$TLSHIVE" apply -n -v --set 'cipher-suites = TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, TLS_RSA_WITH_AES_128_GCM_SHA256' w8 > out
[ "$(fn out)" = '"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384_P384,TLS_RSA_WITH_AES_128_GCM_SHA256"' ] ||
	fail "Windows 8 curve suffixes: $(fn out)"
grep -q '^warning: cipher-suites: TLS_RSA_WITH_AES_128_GCM_SHA256 exists on Windows 8 and Server 2012 only with update 3042058' out ||
	{ cat out; fail "KB3042058 on 2012"; }
if grep -q 'names not checked' out; then fail "suite names not checked on 2012"; fi
printf '%s\\Package_for_KB3042058~31bf3856ad364e35~amd64~~6.2.1.0|CurrentState|dword|0x70\n' "$cbs" > kb7.extra
rm -rf w8; "$MKIMAGE" --extra kb7.extra 2012 w8
"$TLSHIVE" show --json w8 | jq -r '.settings[] | select(.name == "cipher-suites") | .default_from' |
	grep -q 'tls-cipher-suites-in-windows-8$' || fail "default suite order of 2012"
rm -rf s8; "$MKIMAGE" --extra kb.extra 2008sp2-x86 s8
"$TLSHIVE" show --json s8 | jq -r '.settings[] | select(.name == "cipher-suites") | .default_from' |
	grep -q 'schannel-cipher-suites-in-windows-vista$' || fail "default suite order of 2008"
must_exit 2 "$TLSHIVE" apply -n --set 'cipher-suites = TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384' s8 2> err
grep -q 'which has no TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384; closest it has: TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA$' err ||
	{ cat err; fail "an AEAD suite on 2008"; }
"$TLSHIVE" apply -n -v --set 'cipher-suites = TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA' s8 > out
[ "$(fn out)" = '"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P256,TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P384,TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P521"' ] ||
	fail "Vista curve suffixes: $(fn out)"
# recommended's suites (all "if supported") are none of Vista's: the list
# Windows has is left alone, never replaced by one it cannot use
"$TLSHIVE" apply -n -v -p recommended s8 > out
grep -q '^note: cipher-suites: left untouched, the image is Windows Server 2008 SP2 (build 6002), which has none of its suites' out ||
	{ cat out; fail "recommended's suites on 2008"; }
if grep -q 'Functions' out; then cat out; fail "recommended writes a suite list on 2008"; fi
# A list that leaves Schannel no suite to offer: a warning from show,
# check and apply alike (a .reg for Windows 10; strict, whose SHA and MD5
# off leave none of Vista's default suites).
nosuite='warning: cipher-suites: the policy list leaves Windows Server 2008 SP2 (build 6002) no suite to offer'
printf 'Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002]\r\n"Functions"="TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_AES_128_GCM_SHA256"\r\n' > new.reg
must_exit 1 "$TLSHIVE" check -r new.reg s8 > out
grep -q "^$nosuite" out || { cat out; fail "check: no suite left"; }
"$TLSHIVE" apply -r new.reg s8 > out
grep -q "^$nosuite" out || { cat out; fail "apply: no suite left"; }
"$TLSHIVE" show s8 > out
grep -q "^$nosuite" out || { cat out; fail "show: no suite left"; }
must_exit 1 "$TLSHIVE" check -p enable-tls12 s8 > out
grep -q "^$nosuite" out || { cat out; fail "check of a profile without suites: no suite left"; }
rm -rf s8; "$MKIMAGE" --extra kb.extra 2008sp2-x86 s8
"$TLSHIVE" apply -p strict s8 > out
grep -q "^warning: cipher-suites: the build's default order leaves Windows Server 2008 SP2 (build 6002) no suite to offer" out ||
	{ cat out; fail "strict on 2008: no suite left"; }
"$TLSHIVE" show --json s8 | jtrue '[.warnings[].message] | any(test("default order leaves .* no suite to offer"))' ||
	fail "show after strict on 2008"
rm -rf s19; "$MKIMAGE" 2019 s19
"$TLSHIVE" check -r new.reg s19 > out || [ $? = 1 ] || fail "check on 2019"
if grep -q 'no suite to offer' out; then cat out; fail "2019 has ECDHE_RSA GCM"; fi
# Every built-in profile fits every layout (2008 SP2 with KB4019276: without
# it they apply too, with the warnings above).
for layout in 2008sp2-x86 win7-x86 2008r2 2012 2012r2 2016 2019 2022 2025 win10 win11; do
	rm -rf b; "$MKIMAGE" --extra kb.extra "$layout" b
	for p in recommended strict pci-dss; do
		"$TLSHIVE" apply -n -p "$p" b > /dev/null 2> err || { cat err; fail "$p on $layout"; }
	done
done

# show lists missing prerequisite updates too, as check and apply do.
rm -rf s8; "$MKIMAGE" 2008sp2-x86 s8
"$TLSHIVE" show s8 > out 2> err
grep -q '^warning: TLS 1.1 exists on this build only with update KB4019276, and KB4019276 is not installed' out || fail "show: KB4019276"
# warnings about the image's settings are the report's: standard output
[ ! -s err ] || { cat err; fail "a report warning went to standard error"; }
"$TLSHIVE" show --json s8 | jtrue '[.warnings[].kb] | index(4019276)' || fail "show --json: KB4019276"
rm -rf p; "$MKIMAGE" win7-x86 p
"$TLSHIVE" show p | grep -q '^warning: WinHTTP reads DefaultSecureProtocols on Windows 7.*KB3140245' || fail "show: KB3140245"

# strict before Windows 10 1507 leaves a server with an RSA certificate no suite.
rm -rf r2; "$MKIMAGE" 2012r2 r2
"$TLSHIVE" apply -n -p strict r2 > out
grep -q '^warning: cipher-suites: the list has no suite a server with an RSA certificate can use' out || fail "RSA warning on 2012 R2"
rm -rf s19; "$MKIMAGE" 2019 s19
"$TLSHIVE" apply -n -p strict s19 > out
if grep -q 'RSA certificate' out; then fail "RSA warning where ECDHE_RSA GCM exists"; fi

# Exchange Server installed: TLS 1.3 auto is left alone, on needs --force.
printf 'SOFTWARE|Microsoft\\ExchangeServer\\v15\\Setup|MsiProductMajor|dword|0xf\n' > ex.extra
rm -rf ex; "$MKIMAGE" --extra ex.extra 2022 ex
"$TLSHIVE" apply -n ex > out
grep -q '^note: TLS 1.3 server: auto: left untouched: Exchange Server is installed, and its HealthChecker wants TLS 1.3 disabled$' out || fail "Exchange: auto"
if grep -q 'TLS 1.3\\Server\\Enabled' out; then fail "Exchange: TLS 1.3 written"; fi
must_exit 2 "$TLSHIVE" apply -n --set 'TLS 1.3 = on' ex 2> err
grep -q "TLS 1.3 server = on: Exchange Server is installed, and its HealthChecker fails a server whose TLS 1.3 is not disabled; give --force" err || fail "Exchange: on refused"
"$TLSHIVE" apply -n --force --set 'TLS 1.3 = on' ex > out || fail "Exchange: --force"
grep -q '^warning: TLS 1.3 turned on although Exchange Server is installed' out || fail "Exchange: --force warns"
"$TLSHIVE" apply -n --set 'TLS 1.3 = off' ex > /dev/null || fail "Exchange: off is fine"

# The local CNG list (Disable-TlsCipherSuite) is the order where no policy
# list is set, and what ciphers are in use follows it.
printf 'SYSTEM|ControlSet001\\Control\\Cryptography\\Configuration\\Local\\SSL\\00010002|Functions|multi|TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_RSA_WITH_3DES_EDE_CBC_SHA\n' > loc.extra
rm -rf loc; "$MKIMAGE" --extra loc.extra 2019 loc
"$TLSHIVE" show --json loc > loc.json
[ "$(eff loc.json cipher-suites)" = "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_RSA_WITH_3DES_EDE_CBC_SHA|local-list" ] || fail "local list: $(eff loc.json cipher-suites)"
[ "$(eff loc.json 'Triple DES 168')" = "enabled|local-list" ] || fail "3DES from the local list"
[ "$(eff loc.json 'AES 128/128')" = "disabled|local-list" ] || fail "AES 128 from the local list"
"$TLSHIVE" show loc | grep -q '^cipher-suites .* local ' || fail "show: local list"
