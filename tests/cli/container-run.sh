# make check-container: the Containerfile built and run as README's
# Container section says, unprivileged (the README's own podman run line,
# its image name and directory swapped for the test's): show, check (exit
# 1 on the generated Server 2022 layout, 0 after apply) and apply on a
# tree and on a qcow2, apply refused on a read-only mount with the image
# unchanged, and the same run without --security-opt unmask=/proc/*
# refused with the message that names it.  Needs root (rootful podman;
# the qcow2 is filled through an ntfs-3g mount), podman, and Debian's
# mirror for the build's apt-get; the base image debian:12-slim is used
# if podman has it, else made with debootstrap --variant=minbase and
# podman import, and kept, as the build's layers are, for the next run.
# Not in make check: four minutes or more, most of it downloads.
bin=${TLSHIVE:?run through make check}
. "$srcdir/tests/cli/lib.sh"
[ "$(id -u)" = 0 ] || { [ "${TLSHIVE_REQUIRE_TOOLS:-}" = 1 ] && fail "needs root"; skip "needs root (rootful podman, an ntfs-3g mount)"; }
for t in podman mkntfs ntfs-3g qemu-img sfdisk; do need_tool "$t"; done
[ -c /dev/fuse ] || { [ "${TLSHIVE_REQUIRE_TOOLS:-}" = 1 ] && fail "needs /dev/fuse"; skip "needs /dev/fuse"; }
need_images
. "$srcdir/tests/cli/imglib.sh"
IMG=localhost/tlshive-check-$$
run_cleanup() { podman rmi -f "$IMG" > /dev/null 2>&1 || true; cleanup; }
trap 'at_exit run_cleanup' EXIT
now() { awk '{ print $1 }' /proc/uptime; }
took() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }

# the README's command, cut where the image name starts
awk '/^## / { c = ($0 == "## Container") } c && /^```sh$/ { b = 1; next }
	c && b && /^```$/ { b = 0; next } c && b' "$srcdir/README.md" | grep '^podman run ' > run.cmd ||
	fail "README's Container section has no podman run command"
cmd=$(cat run.cmd)
pre=${cmd% tlshive show /images}
[ "$pre" != "$cmd" ] || fail "README's command does not end with: tlshive show /images"
case $pre in *"-v ./sample:/images:Z"*) ;; *) fail "README's command does not mount ./sample on /images" ;; esac
# in DIR: README's options, DIR mounted as ./sample was, then tlshive ARGS
in_c() {
	d=$1; shift
	(cd "$d" && eval "$pre $IMG" '"$@"')
}
# cx CODE DIR ARGS...: in_c, its output in out and err, exiting CODE
cx() {
	cx_want=$1; shift
	set +e; in_c "$@" > out 2> err; cx_got=$?; set -e
	[ "$cx_got" = "$cx_want" ] || { cat out err >&2; fail "exit $cx_got, expected $cx_want: tlshive ${*#* }"; }
}

if podman image exists debian:12-slim; then
	echo "base: debian:12-slim, as podman has it"
else
	need_tool debootstrap
	t0=$(now)
	debootstrap --variant=minbase bookworm rootfs http://deb.debian.org/debian > debootstrap.log 2>&1 ||
		{ tail -20 debootstrap.log; fail "debootstrap"; }
	tar -C rootfs -c . | podman import - debian:12-slim > import.log 2>&1 || { cat import.log; fail "podman import"; }
	rm -rf rootfs
	echo "base: debootstrap --variant=minbase bookworm and podman import: $(took "$t0")"
fi
t0=$(now)
podman build --pull=never -t "$IMG" -f "$srcdir/Containerfile" "$srcdir" > build.log 2>&1 ||
	{ tail -30 build.log; fail "podman build"; }
echo "build: $(took "$t0"), image $(podman image inspect --format '{{.Size}}' "$IMG") bytes"
uid=$(podman run --rm --network=none --entrypoint id "$IMG" -u) || fail "id in the image"
gid=$(podman run --rm --network=none --entrypoint id "$IMG" -g) || fail "id in the image"
[ "$uid" -gt 0 ] || fail "the image runs as uid $uid"
podman run --rm --network=none --entrypoint grep "$IMG" CapEff /proc/self/status > caps
grep -q '^CapEff:[[:space:]]*0*$' caps || { cat caps; fail "the container's user has capabilities"; }

# a tree, the sample of the Quick start: README's command as it is, on
# files of the container's user and group (apply gives a new log its
# hive's owner and group, which must be mapped in tlshive's user namespace)
mkdir t
"$MKIMAGE" 2022 t/sample
chown -R "$uid:$gid" t/sample
t0=$(now)
cx 0 t show /images
grep -q '^windows *Windows Server 2022$' out || { cat out err; fail "show in the container read nothing"; }
echo "show (tree): $(took "$t0")"
cx 1 t check /images
t0=$(now)
cx 0 t apply /images
echo "apply (tree): $(took "$t0")"
grep -q '^applied ' out || { cat out err; fail "apply in the container applied nothing"; }
cx 0 t check /images
# read back on the host, by the build's own tlshive
must_exit 0 "$bin" check t/sample > /dev/null

# a qcow2 through qemu-nbd inside the container
vol v.ntfs 2022
disk d.raw gpt v.ntfs
mkdir q q/sample
qemu-img convert -f raw -O qcow2 d.raw q/sample/win.qcow2
chown -R "$uid:$gid" q/sample
cp q/sample/win.qcow2 pristine.qcow2
t0=$(now)
cx 0 q show /images/win.qcow2
echo "show (qcow2): $(took "$t0")"
grep -q '^windows *Windows Server 2022$' out || { cat out err; fail "show of the qcow2 read nothing"; }
cx 1 q check /images/win.qcow2
# a read-only mount: refused, the image as it was
pre_rw=$pre
pre="${pre% -v ./sample:/images:Z} -v ./sample:/images:ro,Z"
cx 2 q apply /images/win.qcow2
cmp -s pristine.qcow2 q/sample/win.qcow2 || fail "apply on a read-only mount changed the image"
pre=$pre_rw
t0=$(now)
cx 0 q apply /images/win.qcow2
echo "apply (qcow2): $(took "$t0")"
cx 0 q check /images/win.qcow2
! cmp -s pristine.qcow2 q/sample/win.qcow2 || fail "apply in the container left the qcow2 as it was"
must_exit 0 "$bin" check q/sample/win.qcow2 > /dev/null
ls -A q/sample | grep -v '^win.qcow2$' && fail "apply left files beside the qcow2"

# without unmask=/proc/*: refused, with the option named
case $pre in *" --security-opt 'unmask=/proc/*'"*) ;; *) fail "README's command has no unmask=/proc/*" ;; esac
pre=$(printf '%s\n' "$pre" | sed "s| --security-opt 'unmask=/proc/\*'||")
cx 2 t show /images
grep -q '^tlshive: sandbox: /proc: /proc/[^ ]* is mounted over, .*unmask=/proc/\*' err ||
	{ cat err; fail "a container's masked /proc: not the message that names the fix"; }
