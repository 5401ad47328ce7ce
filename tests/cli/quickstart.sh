# The README opens with a Quick start of exactly two commands, and .ci/run
# runs those two, as they are written there, and nothing else.
. "$srcdir/tests/cli/lib.sh"

# the one-line sh blocks between "## Quick start" and the next heading
awk '/^## / { q = ($0 == "## Quick start") } q && /^```sh$/ { b = 1; next }
	q && b && /^```$/ { b = 0; print "--"; next } q && b' "$srcdir/README.md" > qs
[ "$(grep -c '^--$' qs)" = 2 ] || { cat qs; fail "README's Quick start has not two sh blocks"; }
[ "$(grep -vc '^--$' qs)" = 2 ] || { cat qs; fail "README's Quick start blocks are not one command each"; }
grep -v '^--$' qs > readme.cmds

# .ci/run: set-up (set, cd, export) and then the commands
grep -v '^#' "$srcdir/.ci/run" | grep -v '^$' |
	grep -v '^set -' | grep -v '^cd ' | grep -v '^export [A-Z_]*=' > ci.cmds
diff -u readme.cmds ci.cmds || fail ".ci/run does not run the README's two commands"

# the first installs, builds, makes the sample, applies and shows it; the
# second runs the suite
grep -q '^apt-get update && apt-get install -y .* && autoreconf -fi && ./configure && make && make install && make sample && tlshive apply sample && tlshive show sample$' readme.cmds ||
	fail "the first command does not install, build, install tlshive, apply and show"
# man-db: a minimal Debian has no man, so the manual make install puts in
# /usr/local/share/man would be unread
sed -n 1p readme.cmds | grep -q 'apt-get install -y\( [^&]*\)* man-db[ &]' || fail "the Quick start does not install man-db"
# the README says what make install does and where the manuals go
grep -q '^## Install$' "$srcdir/README.md" || fail "README has no Install section"
grep -q '/usr/local/share/man/man8/tlshive.8' "$srcdir/README.md" || fail "README does not say where the manual goes"
# and they go there: make install's manuals, staged, are found by man
need_tool man
make -s -C "$builddir" install-man DESTDIR="$T/inst" > /dev/null || fail "make install-man"
page=$(find "$T/inst" -name tlshive.8)
case $page in */share/man/man8/tlshive.8) ;; *) fail "make install put tlshive.8 at '$page'" ;; esac
MANPATH=${page%/man8/tlshive.8} man -w tlshive | grep -qx "$page" || fail "man does not find tlshive(8) where make install put it"
