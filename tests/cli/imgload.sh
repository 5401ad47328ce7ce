# The image libraries (libntfs-3g, libnbd, wimlib and what they pull in:
# gnutls, icu, libxml2 ...) come with the image module, which tlshive
# loads only for an image file, before the contained child is forked; a
# directory run loads none of them.  A missing or stale module is an
# error for an image file only.
. "$srcdir/tests/cli/lib.sh"
need_images
heavy='tlshive-images|libntfs-3g|libnbd|libwim|libgnutls|libicu|libxml2'

"$MKIMAGE" 2022 img
truncate -s 8M disk.raw		# a disk with no partition table, no volume

# LD_DEBUG=files: the dynamic loader names every object it maps
LD_DEBUG=files "$TLSHIVE" show img > dir.out 2> ld.err || fail "show of a directory failed"
grep -q 'file=libhivex' ld.err || fail "LD_DEBUG names no library: cannot tell what was loaded"
! grep -E "file=[^ ]*($heavy)" ld.err || fail "a directory run loaded the image libraries"
LD_DEBUG=files "$TLSHIVE" show --no-sandbox img > out2 2> ld.err || fail "show --no-sandbox failed"
! grep -E "file=[^ ]*($heavy)" ld.err || fail "a directory run (--no-sandbox) loaded the image libraries"
# --version names the image kinds without loading them
LD_DEBUG=files "$TLSHIVE" --version > /dev/null 2> ld.err
! grep -E "file=[^ ]*($heavy)" ld.err || fail "--version loaded the image libraries"

# an image file: the module and its libraries, in the parent, before the
# child (which fails on this empty disk)
set +e; LD_DEBUG=files "$TLSHIVE" show disk.raw > /dev/null 2> ld.err; set -e
grep -q 'file=[^ ]*tlshive-images.so' ld.err || fail "an image run did not load the module"
grep -q 'file=libntfs-3g' ld.err && grep -q 'file=libnbd' ld.err &&
	grep -q 'file=libwim' ld.err || fail "an image run did not load the image libraries"
grep -q "tlshive: disk.raw: " ld.err || fail "the empty disk was not reported"

# no module: an image file is an error (exit 2), a directory is as before
TLSHIVE_IMAGE_MODULE=$T/nonexistent.so
export TLSHIVE_IMAGE_MODULE
for o in "" --no-sandbox; do
	must_exit 2 "$TLSHIVE" show $o disk.raw > out 2> err
	grep -qx "tlshive: disk.raw: image support not available: $T/nonexistent.so: cannot open shared object file: No such file or directory" err ||
		{ cat err; fail "no module: unclear error ($o)"; }
	must_exit 2 "$TLSHIVE" check $o disk.raw > out 2> err
	grep -q "^tlshive: disk.raw: image support not available: " err || { cat err; fail "check: unclear error ($o)"; }
done
"$TLSHIVE" show img > out3 2> err || fail "no module: a directory run failed"
cmp dir.out out3 || fail "no module: a directory's show changed"
[ ! -s err ] || { cat err; fail "no module: a directory run complained"; }
"$TLSHIVE" show --system "$(sys img)" --software "$(soft img)" > /dev/null 2> err ||
	fail "no module: hive files failed"
# a batch with an image among directories: its line fails, the rest pass
must_exit 2 "$TLSHIVE" show img disk.raw img > out 2> err
[ "$(grep '^== ' out | tr '\n' ' ')" = "== img: ok == disk.raw: error == img: ok " ] ||
	{ cat out err; fail "no module: batch outcomes"; }
grep -q "^tlshive: disk.raw: image support not available: " err || { cat err; fail "batch: the image's failure"; }
unset TLSHIVE_IMAGE_MODULE

# a batch loads the module once, before its workers fork
cp disk.raw disk2.raw
set +e; LD_DEBUG=files "$TLSHIVE" check --quiet img disk.raw disk2.raw > out 2> ld.err; set -e
[ "$(grep -c 'file=[^ ]*tlshive-images.so .*dynamically loaded' ld.err)" = 1 ] ||
	{ grep 'file=[^ ]*tlshive-images.so' ld.err; fail "a batch did not load the module once"; }

# a stale module (another build's stamp), and a library that is none
need_tool cc
printf 'const struct { const char *stamp; } tlshive_image_mod = { "0.0-stale" };\n' > stale.c
printf 'int not_a_module;\n' > other.c
cc -shared -fPIC -o stale.so stale.c && cc -shared -fPIC -o other.so other.c ||
	fail "cannot build the test modules"
TLSHIVE_IMAGE_MODULE=$T/stale.so must_exit 2 "$TLSHIVE" show disk.raw > out 2> err
grep -qx "tlshive: disk.raw: image support not available: $T/stale.so is from another build of tlshive (reinstall it with this tlshive, or set TLSHIVE_IMAGE_MODULE)" err ||
	{ cat err; fail "a stale module was not refused"; }
TLSHIVE_IMAGE_MODULE=$T/other.so must_exit 2 "$TLSHIVE" show disk.raw > out 2> err
grep -qx "tlshive: disk.raw: image support not available: $T/other.so is no tlshive image module" err ||
	{ cat err; fail "a foreign library was not refused"; }
