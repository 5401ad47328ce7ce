# The contained child: what reads an image cannot reach the host.  Code
# an image took over is played by the fault shim's "escape" action, which
# (inside the process that parses the image, at its first open of the
# image) tries a host file, another process, the network, the kernel's
# knobs, new mounts and namespaces, and the image's own directory.  Every
# attempt is refused in the sandbox, and reached with --no-sandbox, which
# shows the probe can tell.  Then the processes serving a qcow2 image
# (tlshive's child and qemu-nbd) are inspected from the host: their own
# mount, PID and network namespaces, a root holding the image and not the
# host's files, two capabilities, no new privileges, a seccomp filter.
. "$srcdir/tests/cli/lib.sh"
[ "$(id -u)" = 0 ] || { [ "${TLSHIVE_REQUIRE_TOOLS:-}" = 1 ] && fail "needs root"; skip "needs root (the test runs tlshive as root and as nobody)"; }
for t in setpriv mkntfs ntfs-3g qemu-img qemu-nbd; do need_tool "$t"; done
[ -c /dev/fuse ] || { [ "${TLSHIVE_REQUIRE_TOOLS:-}" = 1 ] && fail "needs /dev/fuse"; skip "needs /dev/fuse"; }
need_images
SHIM=${FAULTSHIM:-}
[ -n "$SHIM" ] && [ -f "$SHIM" ] || fail "the fault shim was not built"

mkdir host
echo "host secret" > host/canary
chmod 644 host/canary
"$MKIMAGE" 2019 img
canary=$(cksum < host/canary)
HOSTF=$PWD/host/canary

# probe ESCAPE-SPEC CMD...: runs CMD with the shim's escape action at the
# first open matching ESCAPE-SPEC; the probe lines go to probes
probe() {
	spec=$1; shift
	set +e
	TLSHIVE_FAULT="open:1:escape:$spec" \
	TLSHIVE_PROBE_FILE=$HOSTF TLSHIVE_PROBE_PID=$$ \
	TLSHIVE_PROBE_OWN=$PWD/img/Windows/System32/config/SOFTWARE \
	LD_PRELOAD=$SHIM "$@" > out 2> err
	rc=$?
	set -e
	grep '^probe ' err > probes || true
}

# expect WORD NAME...: each probe NAME said WORD (reached or refused)
expect() {
	word=$1; shift
	for n in "$@"; do
		grep -q "^probe $n: $word" probes || { cat err; fail "$what: probe $n did not say $word"; }
	done
}
all="read write signal inet sysctl processes mount userns"

what="show, contained"
probe SYSTEM "$TLSHIVE" show img
[ "$rc" = 0 ] || { cat err; fail "$what: exit $rc"; }
[ "$(wc -l < probes)" -eq 10 ] || { cat err; fail "$what: $(wc -l < probes) probe lines, not 10"; }
expect refused $all own setuid
grep -q "^probe own: refused Read-only file system" probes || fail "$what: show's view of the image is not read-only"
grep -q "^product *Windows Server 2019" out || fail "$what: the report is missing"
! grep -q "host secret" out err || fail "$what: the canary's text came out"

what="show --no-sandbox"
probe SYSTEM "$TLSHIVE" show --no-sandbox img
[ "$rc" = 0 ] || { cat err; fail "$what: exit $rc"; }
expect reached $all own setuid

what="apply, contained"
probe SYSTEM "$TLSHIVE" apply --undo host/undo.reg img
[ "$rc" = 0 ] || { cat err; fail "$what: exit $rc"; }
expect refused $all setuid
# the image's own tree is writable for apply (it is the image), nothing
# else is, and no set-user-ID file can be made in it
expect reached own
[ -s host/undo.reg ] || fail "$what: the undo file, outside the view, was not written by the parent"
"$TLSHIVE" check img > /dev/null || fail "$what: the image is not compliant after apply"
[ "$(cksum < host/canary)" = "$canary" ] || fail "$what: the canary changed"

# A run whose view would hold a directory of the host's own is refused:
# the hive files' directory is in the view, whatever its name says, and a
# link an earlier run left inside an image does not bring /etc in.
must_exit 2 "$TLSHIVE" show --system /SYSTEM 2> err
grep -q "^tlshive: /SYSTEM: the view of a contained run would hold /, the host's own" err || { cat err; fail "a hive file in / not refused"; }
rm -rf linked; cp -r img linked
mv linked/Windows/System32/config linked/config.real
ln -s /etc linked/Windows/System32/config
must_exit 2 "$TLSHIVE" show --system linked/Windows/System32/config/passwd 2> err
grep -q "the view of a contained run would hold" err || { cat err; fail "a link to /etc inside an image not refused"; }

# an unprivileged user: a user namespace of its own, the same refusals
what="show as nobody"
rm -rf pub; mkdir pub; chmod 755 pub; cp -r img pub/img; chmod -R a+rX pub
cp "$TLSHIVE" pub/tlshive-copy
chmod 755 pub/tlshive-copy
cd pub
probe SYSTEM setpriv --reuid=65534 --regid=65534 --clear-groups ./tlshive-copy show img
cd ..
[ "$rc" = 0 ] || { cat pub/err; fail "$what: exit $rc"; }
cp pub/probes pub/err .
[ "$(wc -l < probes)" -eq 10 ] || { cat err; fail "$what: $(wc -l < probes) probe lines, not 10"; }
expect refused signal inet sysctl processes mount userns own setuid
! grep -q "not contained" err || { cat err; fail "$what: not contained"; }

# qcow2 through qemu-nbd: held at the journal's first write, the
# processes behind the image are looked at from outside
. "$srcdir/tests/cli/imglib.sh"
vol v.ntfs 2019
disk d.raw gpt v.ntfs
# in a directory of its own: the view holds the image's directory
mkdir imgs
qemu-img convert -f raw -O qcow2 d.raw imgs/k.qcow2
echo "another image" > imgs/sibling
TLSHIVE_FAULT='pwrite:1:hang:*tlshive-journal*' LD_PRELOAD=$SHIM \
	"$TLSHIVE" apply imgs/k.qcow2 > /dev/null 2> err & pid=$!
# a failing check below must not leave the held run behind
kill_cleanup() { kill -9 $pid 2> /dev/null || true; cleanup; }
trap 'at_exit kill_cleanup' EXIT
qpid() {
	for c in /proc/[0-9]*/cmdline; do
		{ tr '\0' ' ' < "$c"; } 2> /dev/null | grep -q "^qemu-nbd .* imgs/k.qcow2" || continue
		q=${c#/proc/}; q=${q%/cmdline}; return 0
	done
	return 1
}
wait_for 60 "qemu-nbd serving k.qcow2" qpid
held() { [ -n "$(ls /proc/$q/root/ 2> /dev/null)" ]; }
wait_for 60 "qemu-nbd's root readable" held
ns=$(readlink /proc/$q/ns/pid)
[ "$ns" != "$(readlink /proc/self/ns/pid)" ] || fail "qemu-nbd: the host's PID namespace"
members=""
for p in /proc/[0-9]*; do
	[ "$(readlink "$p/ns/pid" 2> /dev/null)" = "$ns" ] && members="$members ${p#/proc/}"
done
n=0
for p in $members; do
	n=$((n + 1))
	for k in mnt net ipc uts; do
		[ "$(readlink /proc/$p/ns/$k)" != "$(readlink /proc/self/ns/$k)" ] || fail "process $p: the host's $k namespace"
	done
	grep -q "^CapEff:[[:space:]]*0000000000000003$" /proc/$p/status || { grep ^Cap /proc/$p/status; fail "process $p: capabilities beyond DAC_OVERRIDE and CHOWN"; }
	grep -q "^CapBnd:[[:space:]]*0000000000000003$" /proc/$p/status || fail "process $p: a bounding set beyond the two"
	grep -q "^NoNewPrivs:[[:space:]]*1$" /proc/$p/status || fail "process $p: new privileges allowed"
	grep -q "^Seccomp:[[:space:]]*2$" /proc/$p/status || fail "process $p: no seccomp filter"
	[ ! -e "/proc/$p/root$PWD/host/canary" ] || fail "process $p: the host's files are in its view"
	# (qemu-nbd, which is serving it, is looked at for that)
	[ "$p" != "$q" ] || [ -e "/proc/$p/root$PWD/imgs/k.qcow2" ] || fail "qemu-nbd: the image is not in its view"
	# the image file alone: not the other files beside it
	[ ! -e "/proc/$p/root$PWD/imgs/sibling" ] || fail "process $p: a file beside the image is in its view"
	[ ! -e "/proc/$p/root/etc/passwd" ] || fail "process $p: /etc is in its view"
done
# the init, tlshive's worker and qemu-nbd
[ "$n" -ge 3 ] || fail "$n processes in the image's PID namespace, not 3"
kill -9 "$pid"; wait "$pid" 2> /dev/null || true
gone() { for p in $members; do [ ! -d /proc/$p ] || return 1; done; }
wait_for 60 "the image's processes gone with tlshive" gone

# In a chroot whose root is no mount point the kernel makes nothing
# private: the run is refused with what to do, and done once the root is
# bound onto itself, as the message says.  The chroot is made in a mount
# namespace of this test's: a tmpfs, the system bound in read-only, this
# directory as /w.
need_tool unshare; need_tool chroot
cp "$builddir/tlshive" "$builddir/tlshive-images.so" .
mkdir chr
cat > chroot.sh <<'SH'
set -e
d=$1 bind=$2; shift 2
mount -t tmpfs chr "$d/chr"
mkdir "$d/chr/r"
for p in usr bin lib lib32 lib64 libx32 sbin etc dev proc; do
	if [ -L "/$p" ]; then cp -P "/$p" "$d/chr/r/$p"
	elif [ -d "/$p" ]; then mkdir "$d/chr/r/$p"; mount --rbind "/$p" "$d/chr/r/$p"; fi
done
mkdir "$d/chr/r/w" "$d/chr/r/tmp"; mount --bind "$d" "$d/chr/r/w"
[ "$bind" = 0 ] || mount --rbind "$d/chr/r" "$d/chr/r"
exec chroot "$d/chr/r" "$@"
SH
must_exit 2 unshare -m --propagation private sh chroot.sh "$PWD" 0 /w/tlshive show /w/img 2> err
grep -q '^tlshive: sandbox: a private mount namespace (in a chroot, / must be a mount point: mount --bind DIR DIR before entering it, or --no-sandbox): Invalid argument$' err || { cat err; fail "a chroot whose root is no mount point"; }
unshare -m --propagation private sh chroot.sh "$PWD" 1 /w/tlshive show /w/img > out 2> err || { cat err; fail "show in a chroot bound onto itself"; }
grep -q '^windows      Windows Server 2019$' out || { cat out; fail "show in a chroot bound onto itself: the image"; }
exit 0
