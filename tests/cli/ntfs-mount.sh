# apply on a real ntfs-3g mount: the hives keep their identity.  SYSTEM and
# SOFTWARE get a security descriptor of their own (SYSTEM and Administrators
# only, as Windows has them since the HiveNightmare fix) and the attributes
# hidden+system+archive; after apply each hive is still the same file (MFT
# record, link count, mode, owner) with the same descriptor and attributes,
# seen through FUSE and, unmounted, from the raw volume (ntfsinfo,
# ntfssecaudit).  A commit that renames a new file over the hive fails here.
#
# Needs root, /dev/fuse, ntfs-3g and attr (getfattr, setfattr); skipped
# without them unless TLSHIVE_REQUIRE_TOOLS=1, where it fails instead.
# ntfs-3g runs with its default options (no "permissions", "acl" or user
# mapping): system.ntfs_acl and system.ntfs_attrib read and set as they are.
. "$srcdir/tests/cli/lib.sh"
PATH=$PATH:/usr/sbin:/sbin

need() {
	[ "${TLSHIVE_REQUIRE_TOOLS:-0}" != 1 ] || fail "$* (TLSHIVE_REQUIRE_TOOLS=1)"
	skip "$*"
}
[ "$(id -u)" = 0 ] || need "not root: mounting NTFS with ntfs-3g needs root"
[ -c /dev/fuse ] || need "/dev/fuse is missing"
for c in ntfs-3g mkntfs ntfsinfo ntfssecaudit ntfsfix; do
	command -v $c > /dev/null || need "$c is not installed (apt-get install ntfs-3g)"
done
for c in getfattr setfattr; do
	command -v $c > /dev/null || need "$c is not installed (apt-get install attr)"
done
command -v reglookup > /dev/null || need "reglookup is not installed"

VOL=$T/ntfs.img
M=$T/mnt; export M	# for awk, which reads it from the environment
daemon=

mounted() { awk '$2 == ENVIRON["M"] { f = 1 } END { exit !f }' /proc/mounts; }

# Unmount and wait for ntfs-3g to close the volume (a FUSE mount of an image
# file is not done with it when umount returns).  The kernel may report
# the mount busy for a moment after the last process using it has gone:
# retried for a minute, then unmounted lazily.
unmounted() {
	mounted || return 0
	umount "$M" 2>/dev/null || fusermount3 -u "$M" 2>/dev/null ||
	    fusermount -u "$M" 2>/dev/null || true
	! mounted
}
unmount() {
	[ -n "$daemon" ] || return 0
	if ! poll_until 60 unmounted; then
		echo "$M: busy; unmounting lazily, stopping ntfs-3g" >&2
		umount -l "$M" 2>/dev/null || true
		kill "$daemon" 2>/dev/null || true
	fi
	# ntfs-3g -o no_detach is our child and exits once unmounted
	set +e; wait "$daemon"; rc=$?; set -e
	daemon=
	return $rc
}

cleanup() {
	unmount || true
	if mounted; then
		echo "$M is still mounted; leaving $T" >&2
		return
	fi
	chmod -R u+w "$T" 2>/dev/null
	rm -rf "$T"
}
trap 'at_exit cleanup' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# -o no_detach keeps ntfs-3g our child, so we know when it has finished.
# mounted, or ntfs-3g gave up
mount_done() { mounted || ! kill -0 "$daemon" 2>/dev/null; }
mount_vol() {
	ntfs-3g -o no_detach "$VOL" "$M" > "$T/ntfs-3g.log" 2>&1 &
	daemon=$!
	poll_until 60 mount_done || true
	if ! mounted; then
		unmount || true
		cat "$T/ntfs-3g.log" >&2
		need "cannot mount an NTFS volume with ntfs-3g here"
	fi
}
umount_vol() {
	unmount || { cat "$T/ntfs-3g.log" >&2; fail "ntfs-3g did not exit cleanly"; }
}

truncate -s 64M "$VOL"
mkntfs -F -Q -q "$VOL" > mkntfs.log 2>&1 || { cat mkntfs.log >&2; fail "mkntfs"; }
mkdir "$M"
mount_vol

"$MKIMAGE" 2019 img
cp -r img/Windows "$M/"
# The same image applied off the mount, to compare the contents with.
"$TLSHIVE" apply img > /dev/null || fail "apply off the mount"

xattr() {	# xattr NAME FILE: the value in hex
	getfattr -h -e hex --absolute-names -n "$1" "$2" | sed -n "s/^$1=//p"
}
# SYSTEM (S-1-5-18) owns it; a protected DACL grants full control to SYSTEM
# and Administrators (S-1-5-32-544) only; no Users read.
SYSTEM_SID=010100000000000512000000
ADMINS_SID=01020000000000052000000020020000
FULL=ff011f00
SD=0x010004901400000020000000000000002c000000$SYSTEM_SID$SYSTEM_SID
SD=${SD}020034000200000000001400$FULL$SYSTEM_SID
SD=${SD}00001800$FULL$ADMINS_SID
ATTRIB=0x26000000	# hidden, system, archive; 4 bytes little-endian

: > "$M/probe"
default_sd=$(xattr system.ntfs_acl "$M/probe")
rm "$M/probe"
[ -n "$default_sd" ] || fail "no system.ntfs_acl on a new file"
[ "$default_sd" != "$SD" ] || fail "the volume default is the test's descriptor"
for h in SYSTEM SOFTWARE; do
	f=$M/Windows/System32/config/$h
	setfattr -h -n system.ntfs_acl -v "$SD" "$f" || fail "$h: cannot set system.ntfs_acl"
	setfattr -h -n system.ntfs_attrib -v "$ATTRIB" "$f" || fail "$h: cannot set system.ntfs_attrib"
	[ "$(xattr system.ntfs_acl "$f")" = "$SD" ] || fail "$h: system.ntfs_acl did not take"
	[ "$(xattr system.ntfs_attrib "$f")" = "$ATTRIB" ] || fail "$h: system.ntfs_attrib did not take"
done

# What identifies a hive, through FUSE and on the raw volume.
fuse_view() {	# fuse_view HIVE
	f=$M/Windows/System32/config/$1
	echo "inode $(stat -c %i "$f")"
	echo "links $(stat -c %h "$f")"
	echo "mode $(stat -c %a "$f")"
	echo "owner $(stat -c %u:%g "$f")"
	echo "attributes $(xattr system.ntfs_attrib "$f")"
	echo "security descriptor $(xattr system.ntfs_acl "$f")"
}
raw_view() {	# raw_view HIVE: ntfsinfo and ntfssecaudit on the unmounted volume
	p=/Windows/System32/config/$1
	ntfsinfo -F "$p" "$VOL" > ntfsinfo.out 2>&1 || { cat ntfsinfo.out >&2; fail "ntfsinfo -F $p"; }
	awk '/^Dumping attribute/ { si = /STANDARD_INFORMATION/ }
	    /^Dumping Inode/ || /Number of Hard Links/ { print }
	    si && (/File attributes/ || /Security ID/) { print }' ntfsinfo.out
	ntfssecaudit -v "$VOL" "$p" > secaudit.out 2>&1 || { cat secaudit.out >&2; fail "ntfssecaudit $p"; }
	grep -v -e 'opened read-only$' -e 'closed$' -e '^ntfssecaudit ' secaudit.out
}
volume_clean() {
	ntfsinfo -m "$VOL" 2>/dev/null | grep -q 'Volume Flags: 0x0000$' || fail "the volume is marked dirty"
	ntfsfix -n "$VOL" > ntfsfix.out 2>&1 || { cat ntfsfix.out >&2; fail "ntfsfix -n"; }
	ntfssecaudit -a "$VOL" > audit.out 2>&1 || { cat audit.out >&2; fail "ntfssecaudit -a"; }
}

bad=
compare() {	# compare WHAT BEFORE-FILE AFTER-FILE
	if ! cmp -s "$2" "$3"; then
		echo "$1 changed:" >&2
		diff "$2" "$3" | sed -n 's/^</  before:/p; s/^>/  after: /p' >&2
		bad="$bad, $1"
	fi
}

for h in SYSTEM SOFTWARE; do fuse_view $h > fuse-before.$h; done
umount_vol
volume_clean
for h in SYSTEM SOFTWARE; do
	raw_view $h > raw-before.$h
	grep -q '^Windows attrib : 0x26$' raw-before.$h || fail "$h: attributes not on the volume"
	grep -q '^Windows owner S-1-5-18$' raw-before.$h || fail "$h: owner not on the volume"
done
mount_vol
for h in SYSTEM SOFTWARE; do
	fuse_view $h > out
	cmp -s fuse-before.$h out || { diff fuse-before.$h out >&2; fail "$h: not the same after a remount"; }
done

"$TLSHIVE" apply "$M" > out || { cat out; fail "apply on the mount"; }
grep -q '^applied 40 settings from recommended to ' out || { cat out; fail "apply summary"; }
"$TLSHIVE" check "$M" > out || { cat out; fail "check after apply on the mount"; }
no_temp_files "$M/Windows/System32/config"
for h in SYSTEM SOFTWARE; do
	dump "$(sys img)" > want
	[ $h = SYSTEM ] || dump "$(soft img)" > want
	dump "$M/Windows/System32/config/$h" > got
	cmp -s want got || { diff want got | head >&2; fail "$h: contents differ from an apply off the mount"; }
	fuse_view $h > fuse-after.$h
	compare "$h (ntfs-3g)" fuse-before.$h fuse-after.$h
done
umount_vol
volume_clean
for h in SYSTEM SOFTWARE; do
	raw_view $h > raw-after.$h
	compare "$h (raw volume)" raw-before.$h raw-after.$h
done
[ -z "$bad" ] || fail "the hives lost their identity: ${bad#, }"
