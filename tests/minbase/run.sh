#!/bin/sh
# make check-minbase: the README's two Quick start commands, as a new user
# runs them, in a fresh Debian 12 minbase (debootstrap --variant=minbase,
# nothing else installed) with ../shared beside a clean clone of HEAD.
# Needs root, debootstrap and the network; about 15 minutes on two cores.
# Not part of make check: it proves that the README's first command
# installs everything the suite runs.
#
#   run.sh SRCDIR SHARED [NAME=VALUE ...]
#
# NAME=VALUE pairs are the only environment of the two commands besides
# HOME, PATH and TERM (e.g. CI=true, where a missing tool fails a test).
# MINBASE_DIR names the chroot (default: a new directory under /var/tmp),
# MINBASE_KEEP=1 keeps it afterwards, MINBASE_TARBALL=FILE reuses
# debootstrap's packages (--make-tarball/--unpack-tarball).
set -eu
src=$(cd "$1" && pwd)
shared=$(cd "$2" && pwd)
shift 2
[ "$(id -u)" = 0 ] || { echo "check-minbase: needs root (chroot, mounts)" >&2; exit 2; }
command -v debootstrap > /dev/null || { echo "check-minbase: apt-get install debootstrap" >&2; exit 2; }
R=${MINBASE_DIR:-$(mktemp -d /var/tmp/tlshive-minbase-XXXXXX)}

mounts="proc sys dev dev/pts root/shared"
cleanup() {
	for m in root/shared dev/pts dev sys proc; do
		! mountpoint -q "$R/$m" || umount "$R/$m" || umount -l "$R/$m"
	done
	! mountpoint -q "$R" || umount "$R" || umount -l "$R"
	[ "${MINBASE_KEEP:-}" = 1 ] || rm -rf --one-file-system "$R"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

if [ ! -x "$R/bin/sh" ]; then
	echo "== debootstrap --variant=minbase bookworm $R"
	if [ -n "${MINBASE_TARBALL:-}" ] && [ ! -f "$MINBASE_TARBALL" ]; then
		debootstrap --variant=minbase --make-tarball="$MINBASE_TARBALL" \
		    bookworm "$R.tar-work" http://deb.debian.org/debian > "$R.debootstrap.log" 2>&1 ||
		    { tail -20 "$R.debootstrap.log" >&2; exit 2; }
		rm -rf "$R.tar-work"
	fi
	debootstrap --variant=minbase ${MINBASE_TARBALL:+--unpack-tarball="$MINBASE_TARBALL"} \
	    bookworm "$R" http://deb.debian.org/debian > "$R.debootstrap.log" 2>&1 ||
	    { tail -20 "$R.debootstrap.log" >&2; exit 2; }
	rm -f "$R.debootstrap.log"
fi
# a clean clone of what is committed, as CI takes it
rm -rf "$R/root/tlshive"
git clone -q --no-local "$src" "$R/root/tlshive"
mkdir -p "$R/root/shared"
# the chroot's root a mount point, as a system's or a container's is:
# tlshive's sandbox makes its mounts private, which the kernel does only
# for a mount point
mountpoint -q "$R" || mount --bind "$R" "$R"
for m in $mounts; do
	mountpoint -q "$R/$m" && continue
	case $m in
	root/shared) mount --bind "$shared" "$R/$m"; mount -o remount,bind,ro "$R/$m" ;;
	*) mount --bind "/$m" "$R/$m" ;;
	esac
done
cp /etc/resolv.conf "$R/etc/resolv.conf"

# the README's own two commands, taken from it as tests/cli/quickstart.sh does
awk '/^## / { q = ($0 == "## Quick start") } q && /^```sh$/ { b = 1; next }
	q && b && /^```$/ { b = 0; next } q && b' "$src/README.md" > "$R/root/quickstart"
[ "$(wc -l < "$R/root/quickstart")" = 2 ] || { echo "check-minbase: the README's Quick start is not two commands" >&2; exit 2; }
rc=0
n=1
while IFS= read -r cmd; do
	echo "== command $n: $cmd"
	if chroot "$R" /usr/bin/env -i HOME=/root TERM=dumb \
	    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@" \
	    /bin/sh -c "cd /root/tlshive && $cmd" > "$R/root/command$n.log" 2>&1 < /dev/null; then
		echo "== command $n: exit 0"
	else
		c=$?
		echo "== command $n: exit $c"
		grep -E '^(FAIL|ERROR|SKIP)' "$R/root/command$n.log" || tail -20 "$R/root/command$n.log"
		rc=1
		break
	fi
	grep -E '^# (TOTAL|PASS|SKIP|FAIL|ERROR)' "$R/root/command$n.log" || true
	grep -E '^SKIP' "$R/root/command$n.log" || true
	n=$((n + 1))
done < "$R/root/quickstart"
left=$(ls -A "$R/tmp")
[ -z "$left" ] || { echo "== left in /tmp:" $left; rc=1; }
[ "${MINBASE_KEEP:-}" != 1 ] || echo "== kept: $R (logs in $R/root)"
exit $rc
