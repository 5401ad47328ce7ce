# Hives inside a WIM: every image (or --index N), each reported on its
# own; the hives put back with their security descriptor and attributes;
# one overwrite that keeps the integrity table; a kill while it writes
# leaves a valid WIM, old or new.  Read back with wimlib's own tools.
. "$srcdir/tests/cli/lib.sh"
for t in mkntfs ntfs-3g wimcapture wimappend wimextract wimdir wimverify wiminfo setfattr reglookup jq; do
	need_tool "$t"
done
[ "$(id -u)" = 0 ] && [ -c /dev/fuse ] || { [ "${TLSHIVE_REQUIRE_TOOLS:-}" = 1 ] && fail "needs root and /dev/fuse to build the test volumes"; skip "needs root and /dev/fuse to build the test volumes"; }
need_images
SHIM=${FAULTSHIM:-}

cfg=Windows/System32/config
SD=0x010004901400000020000000000000002c000000010100000000000512000000010100000000000512000000020034000200000000001400ff011f0001010000000000051200000000001800ff011f0001020000000000052000000020020000
M=$T/mnt; mkdir "$M"
cleanup() { mountpoint -q "$M" && umount "$M" 2>/dev/null; chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"; }
trap 'at_exit cleanup' EXIT
vol() {	# vol FILE LAYOUT: as Windows' own config hives: descriptor, attributes
	rm -rf src; "$MKIMAGE" "$2" src
	truncate -s 64M "$1"; mkntfs -F -Q -q "$1" > /dev/null 2>&1
	ntfs-3g "$1" "$M"; cp -r src/Windows src/Users "$M/"
	for h in SYSTEM SOFTWARE; do
		setfattr -h -n system.ntfs_acl -v "$SD" "$M/$cfg/$h"
		setfattr -h -n system.ntfs_attrib -v 0x26000000 "$M/$cfg/$h"
	done
	umount "$M"
}
meta() {	# meta WIM INDEX: attributes and descriptor of both hives
	for h in SYSTEM SOFTWARE; do
		wimdir "$1" "$2" --path="/$cfg" --detailed 2>/dev/null |
			awk -v p="/$cfg/$h" '$0 ~ "^Full Path" { on = index($0, "\"" p "\"") > 0 } on && /^(Attributes|Security Descriptor)/'
	done
}
hive_dumps() {	# hive_dumps WIM INDEX PREFIX
	rm -rf x; mkdir x
	for h in SYSTEM SOFTWARE; do
		wimextract "$1" "$2" "/$cfg/$h" --dest-dir=x --no-acls > /dev/null 2>&1 || fail "wimextract $h"
		dump "x/$h" > "$3.$h.dump"
	done
}

for l in 2019 2022; do
	rm -rf "ref$l"; "$MKIMAGE" "$l" "ref$l"; "$TLSHIVE" apply "ref$l" > /dev/null
	for h in SYSTEM SOFTWARE; do dump "ref$l/$cfg/$h" > "new$l.$h.dump"; done
done
vol v1.ntfs 2019; vol v2.ntfs 2022
wimcapture v1.ntfs t.wim "Server 2019" --check > /dev/null 2>&1
wimappend v2.ntfs t.wim "Server 2022" --check > /dev/null 2>&1
wiminfo t.wim | grep -q 'Integrity info' || fail "the test WIM has no integrity table"
meta t.wim 1 > meta1.before; meta t.wim 2 > meta2.before
grep -q 'Attributes *= 0x00000026' meta1.before || fail "the test WIM lacks the attributes"
cp t.wim pristine.wim

"$TLSHIVE" show t.wim > out
grep -q '^== t.wim image 1: Server 2019$' out && grep -q '^== t.wim image 2: Server 2022$' out || fail "show every image"
must_exit 1 "$TLSHIVE" check t.wim > /dev/null
"$TLSHIVE" check --json t.wim > j.out || true
[ "$(jq -r '"\(.wim.index) \(.outcome)"' j.out | tr '\n' ';')" = "1 noncompliant;2 noncompliant;" ] || { cat j.out; fail "JSON Lines per WIM image"; }
# among several images, a WIM gives a line per image it holds
must_exit 1 "$TLSHIVE" check --json ref2019 t.wim > jb.out
[ "$(jq -r '"\(.image) \(.wim.index) \(.outcome)"' jb.out | tr '\n' ';')" = "ref2019 null ok;t.wim 1 noncompliant;t.wim 2 noncompliant;" ] \
	|| { cat jb.out; fail "JSON Lines per WIM image among several images"; }
"$TLSHIVE" apply t.wim > out || { cat out; fail "apply to a WIM"; }
wimverify t.wim > /dev/null 2>&1 || fail "wimverify after apply"
# each image's changes are staged, the WIM written once after the last
[ "$(grep -c '^staged [0-9]* settings from recommended for t.wim\[[12]\]:' out)" = 2 ] || { cat out; fail "staged per image"; }
[ "$(tail -n 1 out)" = "wrote t.wim: 2 images changed, in one overwrite" ] || { cat out; fail "the WIM write is reported last"; }
wiminfo t.wim | grep -q 'Integrity info' || fail "integrity table lost"
"$TLSHIVE" check t.wim > /dev/null || fail "not compliant after apply"
hive_dumps t.wim 1 w1; hive_dumps t.wim 2 w2
for h in SYSTEM SOFTWARE; do
	cmp -s "w1.$h.dump" "new2019.$h.dump" || fail "image 1 $h differs from a directory apply"
	cmp -s "w2.$h.dump" "new2022.$h.dump" || fail "image 2 $h differs from a directory apply"
done
meta t.wim 1 > meta1.after; meta t.wim 2 > meta2.after
diff meta1.before meta1.after && diff meta2.before meta2.after || fail "descriptor or attributes not kept"
# nothing to do: the WIM is not written at all
s=$(cksum < t.wim)
"$TLSHIVE" apply t.wim > out
[ "$(cksum < t.wim)" = "$s" ] || fail "a second apply rewrote the WIM"
grep -q '^wrote' out && fail "a second apply says it wrote the WIM"

# HKEY_CURRENT_USER goes to the Default profile's NTUSER.DAT in each image.
printf 'Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings]\r\n"SecureProtocols"=dword:00000a00\r\n' > hkcu.reg
cp pristine.wim u.wim
"$TLSHIVE" apply --reg hkcu.reg u.wim > out || { cat out; fail "HKEY_CURRENT_USER in a WIM"; }
grep -q '^staged 1 setting from hkcu.reg for u.wim\[2\]:/Users/Default/NTUSER.DAT$' out || { cat out; fail "the WIM's user hive is named"; }
wimverify u.wim > /dev/null 2>&1 || fail "wimverify after the user hive's apply"
"$TLSHIVE" check --reg hkcu.reg u.wim > /dev/null || fail "HKEY_CURRENT_USER not compliant in the WIM"
rm -rf x; mkdir x
wimextract u.wim 1 /Users/Default/NTUSER.DAT --dest-dir=x --no-acls > /dev/null 2>&1 || fail "wimextract NTUSER.DAT"
dump x/NTUSER.DAT | grep -qxF '/Software/Microsoft/Windows/CurrentVersion/Internet Settings/SecureProtocols,DWORD,0x00000A00' \
	|| fail "the WIM's NTUSER.DAT lacks the value"

# --index: one image; --rebuild writes the WIM anew.
cp pristine.wim i.wim
"$TLSHIVE" apply --index 2 i.wim > /dev/null || fail "--index 2"
must_exit 1 "$TLSHIVE" check --index 1 i.wim > /dev/null
"$TLSHIVE" check --index 2 i.wim > /dev/null || fail "--index 2 not applied"
must_exit 2 "$TLSHIVE" check --index 3 i.wim 2> err
grep -q -- '--index 3: the WIM has 2 images' err || fail "--index past the images"
cp pristine.wim r.wim
"$TLSHIVE" apply --rebuild r.wim > out || fail "--rebuild"
grep -q '^wrote r.wim: 2 images changed, in one rebuild$' out || { cat out; fail "--rebuild report"; }
wimverify r.wim > /dev/null 2>&1 || fail "wimverify after --rebuild"

# A signal while a hive is extracted or put back leaves nothing in TMPDIR
# and the WIM as it was; one in the middle of a hive's bytes (a 231 MB
# SOFTWARE takes seconds) too, contained or not (then TMPDIR is the host's).
mkdir tmpd
for f in 'apply open:1:int:SYSTEM' 'apply ftruncate:1:term:tlshive-wimvol-*' \
    'apply --no-sandbox open:1:int:SYSTEM' \
    'apply --no-sandbox ftruncate:1:term:tlshive-wimvol-*' \
    'apply --no-sandbox pwrite:1:int:SOFTWARE' \
    'apply --no-sandbox pwrite:1:term:SYSTEM' \
    'apply --no-sandbox pwrite:1:hup:SOFTWARE' \
    'show --no-sandbox pwrite:1:int:SOFTWARE' 'apply pwrite:1:int:SOFTWARE'; do
	set -f; set -- $f; set +f
	fault=$(eval echo \$$#)
	cp pristine.wim s.wim
	set +e; TMPDIR=$PWD/tmpd TLSHIVE_FAULT=$fault LD_PRELOAD=$SHIM "$TLSHIVE" "$1" ${3:+"$2"} s.wim > /dev/null 2>&1; rc=$?; set -e
	[ "$rc" = 130 ] || [ "$rc" = 143 ] || [ "$rc" = 129 ] || fail "$f: exit $rc"
	[ -z "$(ls -A tmpd)" ] || { ls -laR tmpd; fail "$f: left $(ls -A tmpd) in TMPDIR"; }
	cmp -s s.wim pristine.wim || fail "$f: the WIM changed"
done

# A kill while the WIM is written: it stays valid, old or new.
[ -n "$SHIM" ] && [ -f "$SHIM" ] || fail "the fault shim was not built"
if [ -z "${VALGRIND:-}" ]; then
	kills=0 olds=0
	for call in write pwrite; do
		n=1
		while :; do
			cp pristine.wim k.wim
			set +e; TLSHIVE_FAULT=$call:$n:kill:k.wim LD_PRELOAD=$SHIM "$TLSHIVE" apply k.wim > /dev/null 2>&1; rc=$?; set -e
			[ "$rc" = 0 ] && break		# past the last write
			[ "$rc" = 137 ] || fail "$call:$n: exit $rc"
			kills=$((kills + 1))
			wimverify k.wim > /dev/null 2>&1 || fail "$call:$n: the WIM is not valid after a kill"
			set +e; "$TLSHIVE" check k.wim > /dev/null 2>&1; c=$?; set -e
			[ "$c" = 0 ] || [ "$c" = 1 ] || fail "$call:$n: check exit $c"
			[ "$c" = 1 ] && olds=$((olds + 1))
			n=$((n + 1))
		done
	done
	[ "$kills" -gt 0 ] || fail "no write of the WIM was killed"
	echo "WIM: $kills kill points, $olds left the old WIM, the rest the new one"
fi
