# debian/control against what the build and the image module really use:
# Build-Depends name the Debian package of every library configure.ac checks
# with PKG_CHECK_MODULES and of every .pc file those require (wimlib's needs
# fuse and libxml-2.0), each asked of dpkg rather than kept in a table, so a
# library added to configure.ac and forgotten in debian/control fails here
# and not in someone's package build; Depends names the packages of the
# programs the image module spawns (qemu-nbd, qemu-img); and the Quick
# start installs every Build-Depends.  No package is built here.
. "$srcdir/tests/cli/lib.sh"
need_tool pkg-config
need_tool dpkg-query
need_tool qemu-nbd
need_tool qemu-img

# field CONTROL NAME: a relation field's package names, one a line
field() {
	awk -v f="$2:" 'b && /^[ \t]/ { print; next } { b = 0 }
		index($0, f) == 1 { b = 1; print substr($0, length(f) + 1) }' "$1" |
		tr ',|' '\n\n' | sed 's/[[(<].*//; s/^[ \t]*//; s/[ \t]*$//' | grep -v '^$' | sort -u
}
# owner FILE: the package that installed FILE
owner() { dpkg-query -S "$1" | sed -n '1s/[:,].*//p'; }

# the modules of configure.ac, and what their .pc files require
sed -n 's/.*PKG_CHECK_MODULES(\[[A-Z_]*\], *\[\([^]]*\)\].*/\1/p' "$srcdir/configure.ac" |
	tr ' ' '\n' | grep '^[A-Za-z]' | sort -u > mods
[ "$(wc -l < mods)" -ge 8 ] || { cat mods; fail "found fewer than 8 modules in configure.ac"; }
for m in $(cat mods); do
	echo "$m"
	pkg-config --print-requires --print-requires-private "$m" | awk '{ print $1 }'
done | sort -u > allmods
grep -qx fuse allmods || fail "wimlib's requirements were not followed"
for m in $(cat allmods); do
	pc=$(pkg-config --path "$m") || fail "pkg-config does not know $m"
	p=$(owner "$pc") && [ -n "$p" ] || fail "no package owns $pc"
	printf '%s %s\n' "$m" "$p"
done > modpkgs

# missing CONTROL: modules whose package CONTROL's Build-Depends lacks
missing() {
	field "$1" Build-Depends > bd
	while read -r m p; do grep -qx "$p" bd || echo "$m $p"; done < modpkgs
}
missing "$srcdir/debian/control" > miss
[ ! -s miss ] || { cat miss; fail "debian/control's Build-Depends lack these modules' packages"; }
# and the check notices a package left out
grep -v '^ *libwim-dev,$' "$srcdir/debian/control" > control.cut
! cmp -s control.cut "$srcdir/debian/control" || fail "no libwim-dev line to cut"
missing control.cut > miss
grep -qx 'wimlib libwim-dev' miss || { cat miss; fail "a control without libwim-dev passed"; }

# the programs the image module spawns, by their packages
field "$srcdir/debian/control" Depends > deps
for t in qemu-nbd qemu-img; do
	grep -q "\"$t\"" "$srcdir"/src/io/*.c || fail "src/io no longer spawns $t: update this test"
	p=$(owner "$(command -v "$t")")
	grep -qx "$p" deps || fail "debian/control's Depends lacks $p ($t)"
done

# the Quick start's apt line installs every Build-Depends
apt=$(grep -m1 '^apt-get update && apt-get install -y ' "$srcdir/README.md") ||
	fail "no apt line in README"
for p in $(field "$srcdir/debian/control" Build-Depends | grep -v '^debhelper-compat$'); do
	case " ${apt%% && autoreconf*} " in *" $p "*) ;; *) fail "the Quick start does not install $p" ;; esac
done

# the completion where Debian's bash-completion loads it: debian/rules names
# the directory with configure.ac's own option (dh_auto_configure passes
# --disable-option-checking, so a renamed option would be dropped silently
# and the completion land wherever configure's default says)
grep -q '^AC_ARG_WITH(\[bash-completion-dir\],' "$srcdir/configure.ac" ||
	fail "configure.ac has no --with-bash-completion-dir: update debian/rules and this test"
grep -q -- '--with-bash-completion-dir=/usr/share/bash-completion/completions$' "$srcdir/debian/rules" ||
	fail "debian/rules does not install the completion in /usr/share/bash-completion/completions"
