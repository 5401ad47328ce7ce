# --help and the man pages name the directories this build installs to
# (configure's --prefix, --datadir, ...), never a fixed /usr/local: this
# build's, and those of a build configured with another prefix.
. "$srcdir/tests/cli/lib.sh"
: "${pkgdatadir:?run through make check}" "${pkglibdir:?run through make check}"

# paths_named TLSHIVE MANDIR DATADIR LIBDIR: what a build prints and its
# man pages say, held against the directories it was configured with
paths_named() {
	"$1" --help > help.out || fail "$1 --help"
	grep -qx "Files: the built-in profiles in $3/profiles," help.out &&
		grep -qx "the JSON Schemas of --json in $3/schemas." help.out ||
		{ tail -3 help.out; fail "--help does not name $3"; }
	grep -qx "\.It Pa $3/profiles/\*\.profile" "$2/tlshive.8" &&
		grep -qx "\.It Pa $3/schemas/\*\.schema\.json" "$2/tlshive.8" &&
		grep -qx "\.Pa $3/schemas :" "$2/tlshive.8" &&
		grep -qx "\.It Pa $4/tlshive-images\.so" "$2/tlshive.8" ||
		fail "tlshive(8) FILES does not name $3 and $4"
	grep -qx "\.Pa $3/profiles" "$2/tlshive-profile.5" ||
		fail "tlshive-profile(5) does not name $3/profiles"
	! grep -n '@[a-z]*dir@' "$2/tlshive.8" "$2/tlshive-profile.5" ||
		fail "a placeholder left in the man pages"
}

paths_named "$TLSHIVE" "$builddir/man" "$pkgdatadir" "$pkglibdir"
# the sources hold no directory of their own: only placeholders
! grep -n '/usr/local' "$srcdir/man/tlshive.8.in" "$srcdir/man/tlshive-profile.5.in" ||
	fail "a man page source names /usr/local"

# Another prefix, from this build's distribution (a source tree built in
# place cannot be configured again elsewhere): the program and the pages
# only, without images, unoptimised (about 15 s on two cores).
need_tool cc
make -s -C "$builddir" distdir distdir="$T/src" > /dev/null || fail "make distdir"
cd "$T/src"
p=/opt/tlshive-prefix-test
./configure -q --prefix="$p" --datadir="$p/data" --with-bash-completion-dir="$p/bc" \
    --without-images CFLAGS=-O0 > /dev/null ||
	fail "configure --prefix=$p"
make -s tlshive man/tlshive.8 man/tlshive-profile.5 > make.log 2>&1 || { tail make.log; fail "make with --prefix=$p"; }
paths_named ./tlshive man "$p/data/tlshive" "$p/lib/tlshive"
grep -qx "\.It Pa $p/bc/tlshive" man/tlshive.8 || fail "tlshive(8) does not name the completion in $p/bc"
make -s install-bashcompletionDATA DESTDIR="$T/inst" > /dev/null || fail "make install-bashcompletionDATA"
cmp -s "$srcdir/completion/tlshive" "$T/inst$p/bc/tlshive" || fail "the completion is not installed in $p/bc"
rm -rf "$T/inst"
cd "$T"
rm -rf "$T/src"
