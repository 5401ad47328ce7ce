# The house stays as drawn: includes and calls between src/'s modules point
# down the layers only (cli -> policy -> regf -> io -> base), make no
# circle, and no file outside src/io/ names a kind of image store.
. "$srcdir/tests/cli/lib.sh"
need_tool nm
need_tool cc
sh "$srcdir/tests/tools/layers.sh" "$srcdir" "$builddir" > out 2> err ||
	{ cat out err; fail "layers: something points the wrong way"; }
grep -qx 'back up: 0' out && grep -qx 'circles: 0' out &&
	grep -qx 'store kinds outside io: 0' out || { cat out; fail "layers: report"; }
# the checker itself: a module that reaches up, and a circle, are caught
mkdir -p t/src/io t/src/cli
printf '#include "cli/b.h"\nvoid fb(void);\nvoid fa(void) { fb(); }\n' > t/src/io/a.c
printf 'void fa(void);\nvoid fb(void) { fa(); }\n' > t/src/io/b.c
printf 'int cb;\n' > t/src/cli/b.c; : > t/src/cli/b.h
for f in t/src/io/a.c t/src/cli/b.c t/src/io/b.c; do
	cc -c -o "${f%.c}.o" -I t/src "$f" || fail "cannot compile the checker's sample"
done
must_exit 1 sh "$srcdir/tests/tools/layers.sh" t t > out 2> err
grep -qx 'back up: 1' out && grep -q '^  io/a -> cli/b (include in io/a.c)$' out &&
	grep -qx 'circles: 1' out && grep -qx '    io/a -> io/b (call fb)' out || { cat out err; fail "layers: the checker misses a wrong arrow"; }
cat out
