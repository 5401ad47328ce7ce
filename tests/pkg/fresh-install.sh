#!/bin/sh
# make check-fresh-install: the built .deb on a fresh Debian 12, as a user
# installs it.  A new debootstrap --variant=minbase bookworm chroot gets the
# .deb and nothing else of the project; apt-get install ./tlshive_*.deb
# resolves Depends from the Debian mirror, so a library or program missing
# from Depends fails the runs that follow (the host's own packages are not
# there to hide it).  Then, inside: tlshive --version; show on a directory
# layout, a WIM and a qcow2 disk image, made on the host by the source
# tree's generator (tests/mkimage, not installed) and wimlib/ntfs-3g/qemu-img
# (the WIM loads the image module from the package's pkglibdir, the qcow2
# spawns qemu-nbd from qemu-utils); man -w finds both pages and they name
# /usr/share/tlshive, not /usr/local; the completion, sourced from where
# Debian's bash-completion looks, offers commands and profile names, and
# bash-completion's loader finds it by the command's name; apt-get remove
# leaves none of the package's files.  Prints PASS/FAIL lines, exits 1 on
# any FAIL, 2 when it cannot run.  Needs root (chroot, mounts), debootstrap
# and the network; not part of make check.
#
#   fresh-install.sh DEB MKIMAGE
#
# FRESH_MIRROR names the mirror (default http://deb.debian.org/debian),
# FRESH_DIR the chroot (default: a new directory under /var/tmp),
# FRESH_KEEP=1 keeps it afterwards, FRESH_TARBALL=FILE reuses debootstrap's
# packages (--make-tarball the first time, --unpack-tarball after).
set -eu
LC_ALL=C; export LC_ALL
[ $# = 2 ] || { echo "usage: fresh-install.sh DEB MKIMAGE" >&2; exit 2; }
deb=$1 mkimage=$2
[ "$(id -u)" = 0 ] || { echo "fresh-install: needs root (chroot, mounts)" >&2; exit 2; }
for t in debootstrap dpkg-deb wimcapture wimapply mkntfs qemu-img; do
	command -v "$t" > /dev/null || { echo "fresh-install: $t is not installed" >&2; exit 2; }
done
[ -f "$deb" ] || { echo "fresh-install: $deb: no such package (dpkg-buildpackage -us -uc -b first)" >&2; exit 2; }
[ -x "$mkimage" ] || { echo "fresh-install: $mkimage: not built (make tests/mkimage)" >&2; exit 2; }
mirror=${FRESH_MIRROR:-http://deb.debian.org/debian}
R=${FRESH_DIR:-$(mktemp -d /var/tmp/tlshive-fresh-XXXXXX)}
W=$(mktemp -d /var/tmp/tlshive-fresh-work-XXXXXX)

# every exit path: the chroot's mounts go before the chroot does, or rm
# would reach through a bind mount into the host's /dev
mounts="proc sys dev dev/pts"
cleanup() {
	for m in dev/pts dev sys proc; do
		! mountpoint -q "$R/$m" || umount "$R/$m" || umount -l "$R/$m"
	done
	! mountpoint -q "$R" || umount "$R" || umount -l "$R"
	rm -rf "$W"
	[ "${FRESH_KEEP:-}" = 1 ] || rm -rf --one-file-system "$R"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

rc=0
pass() { echo "PASS: $*"; }
bad() { echo "FAIL: $*"; rc=1; }
now() { date +%s; }
# inside CMD: CMD by sh in the chroot, with a clean environment
inside() {
	chroot "$R" /usr/bin/env -i HOME=/root TERM=dumb LC_ALL=C.UTF-8 \
	    DEBIAN_FRONTEND=noninteractive \
	    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	    /bin/sh -c "cd /root && $1" < /dev/null
}

t0=$(now)
if [ ! -x "$R/bin/sh" ]; then
	echo "== debootstrap --variant=minbase bookworm $R $mirror"
	if [ -n "${FRESH_TARBALL:-}" ] && [ ! -f "$FRESH_TARBALL" ]; then
		debootstrap --variant=minbase --make-tarball="$FRESH_TARBALL" \
		    bookworm "$W/tar-work" "$mirror" > "$W/debootstrap.log" 2>&1 ||
		    { tail -20 "$W/debootstrap.log" >&2; exit 2; }
		rm -rf "$W/tar-work"
	fi
	debootstrap --variant=minbase ${FRESH_TARBALL:+--unpack-tarball="$FRESH_TARBALL"} \
	    bookworm "$R" "$mirror" > "$W/debootstrap.log" 2>&1 ||
	    { tail -20 "$W/debootstrap.log" >&2; exit 2; }
fi
t1=$(now)
echo "== debootstrap: $((t1 - t0)) s, $(du -sm "$R" | cut -f1) MiB"
# the chroot's root a mount point, as a Debian 12 system's or container's
# root is: tlshive's sandbox makes its mount namespace private from "/",
# which the kernel refuses (EINVAL) where "/" is a mere directory
mountpoint -q "$R" || mount --bind "$R" "$R"
for m in $mounts; do
	mountpoint -q "$R/$m" || mount --bind "/$m" "$R/$m"
done
cp /etc/resolv.conf "$R/etc/resolv.conf"

# the samples, made on the host: a directory layout, a WIM of it, and an
# NTFS volume holding it (wimapply writes NTFS through libntfs-3g, no
# mount) as a qcow2
"$mkimage" 2022 "$R/root/sample"
wimcapture "$R/root/sample" "$R/root/sample.wim" > /dev/null
truncate -s 64M "$W/vol.raw"
mkntfs -F -Q -q "$W/vol.raw" > /dev/null 2>&1
wimapply "$R/root/sample.wim" 1 "$W/vol.raw" > /dev/null
qemu-img convert -f raw -O qcow2 "$W/vol.raw" "$R/root/sample.qcow2"
cp "$deb" "$R/root/"
debname=${deb##*/}
debsize=$(wc -c < "$deb")
isize=$(dpkg-deb -f "$deb" Installed-Size)
dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $6 }' > "$W/files"

# the package and its dependencies, from the mirror only
echo "== apt-get install -y ./$debname"
t2=$(now)
if inside "apt-get update -q && apt-get install -y ./$debname" > "$W/install.log" 2>&1; then
	pass "apt-get install ./$debname: $(grep -c '^Setting up ' "$W/install.log") packages set up in $(($(now) - t2)) s ($(grep -m1 '^Need to get' "$W/install.log" || echo 'nothing to get'))"
else
	tail -30 "$W/install.log"
	bad "apt-get install ./$debname"
fi

# no missing library: every shared object the package installs resolves
for f in /usr/sbin/tlshive $(grep '\.so$' "$W/files"); do
	if inside "ldd $f" 2>&1 | grep 'not found'; then
		bad "$f: libraries not found"
	fi
done

if v=$(inside "tlshive --version" 2>&1); then
	pass "tlshive --version: $v"
else
	bad "tlshive --version: $v"
fi

for img in sample sample.wim sample.qcow2; do
	if inside "tlshive show $img" > "$W/show.out" 2>&1 &&
	    grep -q '^windows *Windows Server 2022' "$W/show.out"; then
		pass "tlshive show $img: $(grep -c . "$W/show.out") lines, Windows Server 2022"
	else
		cat "$W/show.out"
		bad "tlshive show $img"
	fi
done
if inside "tlshive --help" 2>&1 | grep -q /usr/share/tlshive/profiles; then
	pass "tlshive --help names /usr/share/tlshive/profiles"
else
	bad "tlshive --help does not name /usr/share/tlshive/profiles"
fi

# the manuals: man-db and bash-completion are not the package's business,
# a user who wants man or completion installs them
echo "== apt-get install -y man-db bash-completion"
inside "apt-get install -y man-db bash-completion" > "$W/extra.log" 2>&1 ||
	{ tail -20 "$W/extra.log"; bad "apt-get install man-db bash-completion"; }
for p in "8 tlshive" "5 tlshive-profile"; do
	if page=$(inside "man -w $p" 2>&1) && [ "${page#/usr/share/man/}" != "$page" ] &&
	    inside "zcat $page" > "$W/page" &&
	    grep -q '/usr/share/tlshive/profiles' "$W/page" &&
	    ! grep -q '/usr/local' "$W/page" && ! grep -q '@[a-z]*dir@' "$W/page"; then
		pass "man -w $p: $page names /usr/share/tlshive, not /usr/local"
	else
		bad "man page $p: ${page:-not found}"
	fi
done
# rendered by groff as man shows it, at lintian's width (120 columns)
for p in "8 tlshive" "5 tlshive-profile"; do
	if inside "MANWIDTH=120 man $p" > "$W/man.out" 2> "$W/man.err" &&
	    grep -q '/usr/share/tlshive/profiles' "$W/man.out" && [ ! -s "$W/man.err" ]; then
		pass "man $p renders at 120 columns, without a message"
	else
		cat "$W/man.err"
		bad "man $p does not render cleanly"
	fi
	inside "MANWIDTH=80 man $p" > /dev/null 2> "$W/man.err" || true
	[ ! -s "$W/man.err" ] ||
		echo "NOTE: man $p at 80 columns: $(grep -c . "$W/man.err") groff messages ($(sort -u "$W/man.err" | sed 's/.*: //' | sort -u | tr '\n' ' '))"
done

# the completion: what Tab offers after "tlshive ch" and "tlshive check -p stig-"
comp=/usr/share/bash-completion/completions/tlshive
offers() {
	inside "bash -c '. $comp; COMP_WORDS=($1); COMP_CWORD=\$((\${#COMP_WORDS[@]} - 1)); _tlshive; printf \"%s\\n\" \"\${COMPREPLY[@]}\"'"
}
if [ "$(offers 'tlshive ch' 2>&1)" = check ]; then
	pass "completion: tlshive ch<Tab> offers check"
else
	bad "completion: tlshive ch<Tab> offers '$(offers 'tlshive ch' 2>&1)'"
fi
got=$(offers 'tlshive check -p stig-' 2>&1 | sort | tr '\n' ' ')
want=$(inside "tlshive profiles" | awk '$1 ~ /^stig-/ { print $1 }' | sort | tr '\n' ' ')
if [ -n "$want" ] && [ "$got" = "$want" ]; then
	pass "completion: tlshive check -p stig-<Tab> offers $got"
else
	bad "completion: tlshive check -p stig-<Tab> offers '$got', not '$want'"
fi
# bash-completion loads a command's completion on first Tab, by its name
if inside "bash -c '. /usr/share/bash-completion/bash_completion; __load_completion tlshive && complete -p tlshive'" > "$W/load" 2>&1 &&
    grep -q '_tlshive' "$W/load"; then
	pass "bash-completion loads it: $(cat "$W/load")"
else
	cat "$W/load"
	bad "bash-completion does not load the completion of tlshive"
fi

# removal: clean, and nothing of the package left
echo "== apt-get remove -y tlshive"
if inside "apt-get remove -y tlshive" > "$W/remove.log" 2>&1; then
	left=
	while read -r f; do
		[ ! -e "$R$f" ] || left="$left $f"
	done < "$W/files"
	st=$(inside "dpkg-query -W -f '\${db:Status-Abbrev}' tlshive" 2>/dev/null || echo 'un')
	if [ -z "$left" ] && [ "${st% }" != ii ]; then
		pass "apt-get remove tlshive: no file left (status '${st% }')"
	else
		bad "apt-get remove left$left (status '$st')"
	fi
else
	tail -20 "$W/remove.log"
	bad "apt-get remove tlshive"
fi

echo "== figures: .deb $debsize bytes, Installed-Size $isize KiB, total $(($(now) - t0)) s"
[ "${FRESH_KEEP:-}" != 1 ] || echo "== kept: $R"
exit $rc
