# check and apply: differences, changes, dry run, idempotence, exit codes.
. "$srcdir/tests/cli/lib.sh"

"$MKIMAGE" win7-x86 w7
must_exit 1 "$TLSHIVE" check w7 > out
golden check-win7.out out
# check and apply count the same settings: what differs plus what only
# Windows' defaults give is what apply changes; the implicit ones come
# last, under their own heading
set -- $(sed -n 's/^not compliant: \([0-9]*\) of \([0-9]*\) settings differ from recommended; \([0-9]*\) settings more match only.*/\1 \2 \3/p' out)
[ $# = 3 ] || fail "check summary: $(tail -n 1 out)"
"$TLSHIVE" apply -n w7 | grep -qx "dry run: $(($1 + $3)) settings to change, from recommended; no file written" || fail "apply -n does not count what check counts"
[ "$(grep -c '^[A-Za-z].*: expected ' out)" = "$1" ] && [ "$(grep -c '^  ' out)" = "$3" ] || fail "one line a setting in check"
awk '/^implicit:/ { h = 1 } h && /: expected / { exit 1 }' out || fail "a difference after the implicit heading"

"$MKIMAGE" 2019 s19
chmod 640 "$(sys s19)"
# an owner other than the one running the test proves it is kept (root only)
if [ "$(id -u)" = 0 ]; then
	chown 65534:65534 "$(soft s19)"
elif [ "${TLSHIVE_REQUIRE_TOOLS:-}" = 1 ]; then
	fail "the owner check needs root"
else
	echo "SKIP: not root: the owner is the test's own"
fi
owner=$(stat -c %u:%g "$(soft s19)")
before_sys=$(stamp "$(sys s19)"); before_soft=$(stamp "$(soft s19)")
# What makes the file this file: inode, a POSIX ACL, an extended attribute.
need_tool setfacl
need_tool setfattr
setfacl -m u:65534:r "$(sys s19)"
setfattr -n user.tlshive-test -v kept "$(soft s19)"
ino_sys=$(stat -c %i "$(sys s19)"); ino_soft=$(stat -c %i "$(soft s19)")
acl_sys=$(getfacl -cpn "$(sys s19)")

# -n plans but writes nothing.
"$TLSHIVE" apply -n s19 > plan
grep -q '^dry run: 40 settings to change, from recommended; no file written$' plan || fail "dry-run summary"
[ "$(stamp "$(sys s19)")" = "$before_sys" ] || fail "-n wrote SYSTEM"
[ "$(stamp "$(soft s19)")" = "$before_soft" ] || fail "-n wrote SOFTWARE"

"$TLSHIVE" apply -v s19 > out
golden apply-2019.out out
no_temp_files s19/Windows/System32/config
[ "$(stat -c %a "$(sys s19)")" = 640 ] || fail "mode not kept"
[ "$(stat -c %u:%g "$(soft s19)")" = "$owner" ] || fail "owner not kept"
[ "$(stat -c %i "$(sys s19)")" = "$ino_sys" ] && [ "$(stat -c %i "$(soft s19)")" = "$ino_soft" ] || fail "inode not kept"
[ "$(getfacl -cpn "$(sys s19)")" = "$acl_sys" ] || fail "POSIX ACL not kept"
getfacl -cpn "$(sys s19)" | grep -q '^user:65534:r--' || fail "the ACL test set no ACL"
[ "$(getfattr --only-values -n user.tlshive-test "$(soft s19)")" = kept ] || fail "extended attribute not kept"
"$TLSHIVE" check s19 > out
grep -q '^compliant: all 40 settings match recommended$' out || fail "compliant after apply"

# A second apply has nothing to do and touches neither file: dated back,
# any write would show in the modification time.
touch -t 200001010000 "$(sys s19)" "$(soft s19)"
s1=$(stamp "$(sys s19)"); s2=$(stamp "$(soft s19)")
"$TLSHIVE" apply s19 > out
grep -q '^nothing to do: all 40 settings already match recommended; no file written$' out || fail "second apply"
[ "$(stamp "$(sys s19)")" = "$s1" ] && [ "$(stamp "$(soft s19)")" = "$s2" ] || fail "second apply touched a hive"
# One setting is no "all 1 setting match".
"$TLSHIVE" check --set 'TLS 1.0 server = off' s19 > out
grep -qx 'compliant: 1 setting matches 1 --set' out || { cat out; fail "one setting: check wording"; }
"$TLSHIVE" apply --set 'TLS 1.0 server = off' s19 > out
grep -qx 'nothing to do: 1 setting already matches 1 --set; no file written' out || { cat out; fail "one setting: apply wording"; }
"$MKIMAGE" 2019 fresh19
"$TLSHIVE" check --set 'TLS 1.2 server = on' fresh19 > out
grep -qx "compliant: 1 setting matches 1 --set, only through Windows' default (--explicit counts it)" out || { cat out; fail "one implicit setting: wording"; }

# --set overrides the profile; JSON lists the changes.
need_tool jq
"$TLSHIVE" apply --json -p recommended --set 'TLS 1.1 = on' s19 > out.json
[ "$(jq '.changes | length' out.json)" = 4 ] || fail "TLS 1.1 changes"
[ "$(jq -r '.changes[0] | "\(.name)|\(.hive)|\(.value_name)|\(.old)|\(.new)"' out.json)" = \
  "TLS 1.1 client|SYSTEM|Enabled|0|1" ] || fail "change entry"
[ "$(jq -r .profile out.json)" = "recommended + 1 --set" ] || fail "profile sources"
# --set alone is only that setting, as the rescue example promises: on an
# untouched image, TLS 1.0 on is its four values and nothing of the
# default profile.
"$MKIMAGE" 2019 one
"$TLSHIVE" apply --set 'TLS 1.0 = on' --system "$(sys one)" > out
grep -q '^applied 2 settings from 1 --set to ' out || { cat out; fail "--set alone applied more than its setting"; }
# one line a setting, with where and which line asked for it; -v every value
grep -qx 'TLS 1.0 server: absent -> Enabled=0x00000001 (1), DisabledByDefault=0x00000000 (0) in ControlSet001 (--set)' out || { cat out; fail "one line a setting"; }
[ "$(grep -c '^TLS 1.0 \(client\|server\): ' out)" = 2 ] || fail "--set alone: not the TLS 1.0 settings"
"$TLSHIVE" check --set 'TLS 1.0 = on' --system "$(sys one)" > /dev/null || fail "--set alone: check"
must_exit 1 "$TLSHIVE" check --system "$(sys one)" > /dev/null
must_exit 1 "$TLSHIVE" check --json s19 > out.json
[ "$(jq '.compliant' out.json)" = false ] || fail "compliant flag"
[ "$(jq '.differences | length' out.json)" = 4 ] || fail "differences"

# TLS 1.3 exists from build 20348: explicit on is refused below, auto skips.
must_exit 2 "$TLSHIVE" apply --set 'TLS 1.3 = on' s19 > /dev/null 2> err
grep -q '^tlshive: --set: TLS 1.3 client = on: the image is Windows Server 2019 (build 17763); TLS 1.3 client needs build 20348 or later$' err \
	|| fail "TLS 1.3 gating message"
"$MKIMAGE" 2022 s22
"$TLSHIVE" apply -v -p recommended --set 'TLS 1.3 = on' --set 'cipher-suites = TLS_AES_256_GCM_SHA384, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384' s22 > out
grep -q 'Functions: absent -> "TLS_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"$' out || fail "cipher-suites"
"$TLSHIVE" show s22 | grep -q '^TLS 1.3 server \{2,\}ControlSet001 \{2,\}enabled \{2,\}on$' || fail "TLS 1.3 on"

# Profiles from files, combined in order with --set.
printf 'TLS 1.0 = on\n' > mine.profile
"$TLSHIVE" apply -n -v -p enable-tls12 -p mine.profile --set 'TLS 1.0 client = off' s22 > out
grep -q '^TLS 1.0 server: .*Server\\Enabled: 0x00000000 (0) -> 0x00000001 (1)$' out || fail "file profile"
if grep -q '^TLS 1.0 client' out; then fail "--set after -p did not win"; fi
grep -q '^TLS 1.1 client: .*Client\\Enabled: 0x00000000 (0) -> 0x00000001 (1)$' out || fail "enable-tls12 first"

# --system alone on a Windows 7 / 2008 R2 SYSTEM hive: without SOFTWARE the
# build and updates are unknown, and standard error says once which
# prerequisite checks were not made, the RDP lock-out (KB3080079) among
# them when TLS 1.0 server is turned off; JSON carries the list.
"$MKIMAGE" 2008r2 r2
"$TLSHIVE" apply -n --system "$(sys r2)" > out 2> err
[ "$(grep -c 'prerequisite checks not made' err)" = 1 ] || { cat err; fail "--system alone: the unchecked prerequisites not said once"; }
grep -q "^tlshive: $(sys r2): warning: no SOFTWARE hive, so the Windows version and its updates are unknown; prerequisite checks not made: .*turning TLS 1.0 off for servers locks Remote Desktop (RDP with NLA) out of Windows 7 and Server 2008 R2 without KB3080079" err \
	|| { cat err; fail "--system alone: no RDP / KB3080079 notice"; }
if grep -q 'prerequisite checks not made' out; then fail "the notice went to standard output"; fi
must_exit 1 "$TLSHIVE" check --json --system "$(sys r2)" > out 2> err
jtrue '.unchecked_prerequisites | any(test("KB3080079"))' < out || fail "JSON: unchecked_prerequisites"
grep -q 'prerequisite checks not made' err || fail "check --json: notice on standard error"
# TLS 1.0 server left on: no RDP item; with SOFTWARE: nothing unchecked
"$TLSHIVE" apply -n -s 'TLS 1.2 = on' --system "$(sys r2)" > /dev/null 2> err
if grep -q 'KB3080079' err; then fail "RDP notice without TLS 1.0 server off"; fi
must_exit 1 "$TLSHIVE" check --json r2 > out 2> /dev/null
jtrue '.unchecked_prerequisites == []' < out || fail "JSON: unchecked with SOFTWARE"
