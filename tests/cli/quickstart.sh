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
grep -q '^apt-get update && apt-get install -y .* && autoreconf -fi && ./configure && make && make sample && ./tlshive apply sample && ./tlshive show sample$' readme.cmds ||
	fail "the first command does not install, build, apply and show"
[ "$(sed -n 2p readme.cmds)" = 'make check && make distcheck' ] || fail "the second command is not the test suite"
