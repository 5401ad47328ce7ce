# HKEY_CURRENT_USER: the Default user profile's NTUSER.DAT, found through
# ProfileList, with the machine hives' safety: commit, dirty refusal, undo.
. "$srcdir/tests/cli/lib.sh"
for t in reglookup jq iconv; do need_tool "$t"; done

"$MKIMAGE" 2019 img
U=img/Users/Default/NTUSER.DAT
printf '%s\r\n' 'Windows Registry Editor Version 5.00' '' \
	'[HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Internet Settings]' \
	'"SecureProtocols"=dword:00000a00' '"WarnonZoneCrossing"=-' \
	'[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp]' \
	'"DefaultSecureProtocols"=dword:00000a00' > vendor.reg
dump "$U" > u0
s0=$(stamp "$U")

# show reads the Default user's WinINet value and the machine policy's.
"$TLSHIVE" show img > out
grep -q '^USER         img/Users/Default/NTUSER.DAT (clean)$' out || fail "show names the user hive"
grep -q '^wininet  *Default user  *unknown\*  *absent$' out || { cat out; fail "wininet row"; }
grep -q '^wininet policy  *-  ' out || fail "wininet policy row"

# --users none: the machine part only, the user part named as left out.
"$TLSHIVE" apply --users none --reg vendor.reg img > out 2> err
grep -qx 'tlshive: vendor.reg:3: \[HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\] left out (--users none)' err \
	|| { cat err; fail "--users none message"; }
[ "$(stamp "$U")" = "$s0" ] || fail "--users none wrote the user hive"
grep -qx 'applied 1 setting from vendor.reg to img/Windows/System32/config/SOFTWARE' out || { cat out; fail "--users none: the machine part"; }

# A dirty user hive is refused, as the machine's are; nothing is written.
cp -a img d; "$MKIMAGE" --dirty d/Users/Default/NTUSER.DAT
sd=$(stamp "$(soft d)"); su=$(stamp d/Users/Default/NTUSER.DAT)
must_exit 2 "$TLSHIVE" apply --reg vendor.reg d 2> err
grep -q 'd/Users/Default/NTUSER.DAT: dirty hive' err || { cat err; fail "dirty user hive"; }
[ "$(stamp "$(soft d)")" = "$sd" ] && [ "$(stamp d/Users/Default/NTUSER.DAT)" = "$su" ] || fail "a dirty user hive run wrote"
# export reads a dirty hive with its logs replayed in memory, as show
# does; these logs end before the primary's sequence number, so there is
# nothing to replay and export fails naming the hive and why
must_exit 2 "$TLSHIVE" export --reg vendor.reg d > /dev/null 2> err
grep -q 'd/Users/Default/NTUSER.DAT: cannot replay the logs: the logs end before' err || { cat err; fail "export: dirty user hive"; }
cp -a img n; rm n/Users/Default/NTUSER.DAT
must_exit 2 "$TLSHIVE" apply -n --reg vendor.reg n > /dev/null 2> err.apply
must_exit 2 "$TLSHIVE" export --reg vendor.reg n > /dev/null 2> err
grep -q '^tlshive: n: no Users/Default/NTUSER.DAT in it, where ProfileList puts the Default user profile' err ||
	{ cat err; fail "export without the Default user's hive"; }
diff err.apply err || fail "export and apply differ on a missing user hive"
"$TLSHIVE" export --users none --reg vendor.reg n > /dev/null 2> err || fail "export --users none"
rm -rf n

# apply: both hives, the user's in place with its log; undo gives it back.
"$TLSHIVE" apply --reg vendor.reg --undo undo.reg img > out || { cat out; fail "apply HKEY_CURRENT_USER"; }
# (the machine's part is there since --users none)
grep -qx "applied 1 setting and 1 .reg value from vendor.reg to img/Users/Default/NTUSER.DAT" out || { cat out; fail "apply names the user hive"; }
"$TLSHIVE" check --reg vendor.reg img > /dev/null || fail "not compliant after apply"
dump "$U" | grep -qxF '/Software/Microsoft/Windows/CurrentVersion/Internet Settings/SecureProtocols,DWORD,0x00000A00' \
	|| fail "SecureProtocols not in NTUSER.DAT"
[ -e "$U.LOG1" ] || fail "no transaction log beside NTUSER.DAT"
iconv -f UTF-16 -t UTF-8 undo.reg | tr -d '\r' | grep -qx '\[HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\]' \
	|| fail "the undo file lacks the user section"
"$TLSHIVE" apply --reg undo.reg img > /dev/null || fail "undo"
dump "$U" > u1
diff -u u0 u1 || fail "undo did not give the user hive back"

# --system/--software: the user hive only by --user.
must_exit 2 "$TLSHIVE" apply --reg vendor.reg --system "$(sys img)" --software "$(soft img)" 2> err
grep -q 'give it with --user FILE, or --users none' err || { cat err; fail "no --user message"; }
"$TLSHIVE" apply --reg vendor.reg --software "$(soft img)" --user "$U" > /dev/null || fail "--user FILE"
dump "$U" | grep -q 'SecureProtocols,DWORD,0x00000A00' || fail "--user FILE not written"

# ProfileList is data from the image: a path out of it, or a link, is refused.
cat > out.extra <<'X'
SOFTWARE|Microsoft\Windows NT\CurrentVersion\ProfileList|Default|sz|%SystemDrive%\Users\..\..\etc
X
rm -rf ev; "$MKIMAGE" --extra out.extra 2019 ev
must_exit 2 "$TLSHIVE" apply --reg vendor.reg ev 2> err
grep -q 'is no path inside the image' err || { cat err; fail "a profile path leaving the image"; }
rm -rf ln; "$MKIMAGE" 2019 ln; mkdir -p outside; cp ln/Users/Default/NTUSER.DAT outside/
rm -r ln/Users/Default; ln -s "$PWD/outside" ln/Users/Default
so=$(stamp outside/NTUSER.DAT)
must_exit 2 "$TLSHIVE" apply --reg vendor.reg ln 2> err
grep -q 'symbolic link' err || { cat err; fail "a linked profile directory"; }
[ "$(stamp outside/NTUSER.DAT)" = "$so" ] || fail "a file outside the image was written"

# A kill at any write of the user hive or its log leaves what recovery
# turns into the old hive or the new one.
SHIM=${FAULTSHIM:-}
[ -n "$SHIM" ] && [ -f "$SHIM" ] || fail "the fault shim was not built"
printf '%s\r\n' 'Windows Registry Editor Version 5.00' '' \
	'[HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Internet Settings]' \
	'"SecureProtocols"=dword:00000a00' > user.reg
rm -rf k0; "$MKIMAGE" 2019 k0
old=0 new=0 n=1
while :; do
	rm -rf k; cp -a k0 k
	set +e
	TLSHIVE_FAULT="pwrite:$n:kill:NTUSER.DAT*" LD_PRELOAD=$SHIM "$TLSHIVE" apply --reg user.reg k > /dev/null 2>&1
	rc=$?
	set -e
	[ "$rc" = 0 ] && break
	"$TLSHIVE" recover k/Users/Default/NTUSER.DAT > /dev/null || fail "kill at write $n: recover"
	v=$(dump k/Users/Default/NTUSER.DAT | grep 'Internet Settings/SecureProtocols,' || true)
	case "$v" in
	'') old=$((old + 1)) ;;
	*0x00000A00) new=$((new + 1)) ;;
	*) fail "kill at write $n: neither the old nor the new hive: $v" ;;
	esac
	n=$((n + 1))
done
[ $((old + new)) -ge 3 ] || fail "only $((old + new)) kill points"
echo "user hive: $((old + new)) kill points, $old left the old hive, $new the new one"

# --users all: every account's profile too (here alice's), each reported
# after the main run; the undo file gives each its HKEY_USERS\SID section.
A=S-1-5-21-1111111111-2222222222-3333333333-1001
rm -rf all; "$MKIMAGE" 2019 all
dump all/Users/alice/NTUSER.DAT > a0; dump all/Users/Default/NTUSER.DAT > d0
must_exit 1 "$TLSHIVE" check --users all --reg user.reg all > /dev/null
"$TLSHIVE" apply --users all --reg user.reg --undo all-undo.reg all > out || { cat out; fail "--users all"; }
grep -qx "== profile $A (C:\\\\Users\\\\alice)" out || { cat out; fail "the profile's section"; }
grep -qx 'applied 1 setting from user.reg to all/Users/alice/NTUSER.DAT' out || { cat out; fail "alice's hive applied"; }
dump all/Users/alice/NTUSER.DAT | grep -qxF '/Software/Microsoft/Windows/CurrentVersion/Internet Settings/SecureProtocols,DWORD,0x00000A00' \
	|| fail "alice's hive lacks the value"
"$TLSHIVE" check --users all --json --reg user.reg all > j.out || fail "--users all: not compliant after apply"
[ "$(jq -r '"\(.user_profile.sid) \(.compliant)"' j.out | tr '\n' ' ')" = "null true $A true " ] || { cat j.out; fail "a JSON line per profile"; }
iconv -f UTF-16 -t UTF-8 all-undo.reg | tr -d '\r' | grep -qxF "[HKEY_USERS\\$A\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings]" \
	|| fail "the undo file lacks alice's section"
# the undo file needs no --users all: HKEY_USERS\SID names the profile
"$TLSHIVE" apply --reg all-undo.reg all > /dev/null || fail "undo of --users all"
dump all/Users/alice/NTUSER.DAT > a1; dump all/Users/Default/NTUSER.DAT > d1
diff -u a0 a1 && diff -u d0 d1 || fail "undo did not give every user hive back"
# without --users all, HKCU stays the Default profile's
"$TLSHIVE" apply --reg user.reg all > out
if grep -q '^== profile' out; then fail "a profile run without --users all"; fi
[ "$(dump all/Users/alice/NTUSER.DAT | cksum)" = "$(cksum < a0)" ] || fail "alice's hive written without --users all"

# A profile SID the image lacks is an error; a listed profile whose hive is
# gone is passed over by --users all, and an error where a section names it.
printf '%s\r\n' 'Windows Registry Editor Version 5.00' '' '[HKEY_USERS\S-1-5-21-9-9-9-1001\Software\X]' '"a"=dword:1' > nosid.reg
must_exit 2 "$TLSHIVE" apply --reg nosid.reg all 2> err
grep -qx 'tlshive: nosid.reg:3: the image has no profile S-1-5-21-9-9-9-1001 (SOFTWARE'"'"'s ProfileList)' err || { cat err; fail "unknown SID"; }
rm all/Users/alice/NTUSER.DAT*
"$TLSHIVE" apply --users all --reg user.reg all > /dev/null 2> err || { cat err; fail "--users all with a profile's hive gone"; }
grep -q "warning: no Users/alice/NTUSER.DAT for profile $A (C:\\\\Users\\\\alice); passed over" err || { cat err; fail "the gone hive's warning"; }
printf '%s\r\n' 'Windows Registry Editor Version 5.00' '' "[HKEY_USERS\\$A\\Software\\X]" '"a"=dword:1' > sid.reg
must_exit 2 "$TLSHIVE" apply --reg sid.reg all 2> err
grep -q "no Users/alice/NTUSER.DAT for profile $A" err || { cat err; fail "a named profile's gone hive"; }
# Without an image root a profile's hive cannot be found: refused, nothing
# asked of the Default profile's.
"$MKIMAGE" 2019 nr
must_exit 2 "$TLSHIVE" apply --reg sid.reg --software "$(soft nr)" 2> err
grep -q "sid.reg:3: HKEY_USERS\\\\$A needs an image root" err || { cat err; fail "HKEY_USERS without a root"; }
# An export for a live machine keeps HKEY_USERS\SID and HKEY_CURRENT_USER
# apart, each as it came.
printf '%s\r\n' 'Windows Registry Editor Version 5.00' '' "[HKEY_USERS\\$A\\Software\\X]" '"a"=dword:1' \
	'[HKEY_CURRENT_USER\Software\X]' '"a"=dword:2' > both.reg
"$TLSHIVE" export --os 2019 --utf8 --reg both.reg > both.out
grep -A1 -xF "[HKEY_USERS\\$A\\Software\\X]" both.out | grep -qx '"a"=dword:00000001' || { cat both.out; fail "export of HKEY_USERS"; }
grep -A1 -xF '[HKEY_CURRENT_USER\Software\X]' both.out | grep -qx '"a"=dword:00000002' || { cat both.out; fail "export of HKEY_CURRENT_USER"; }
