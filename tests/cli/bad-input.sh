# Bad input: clear errors, exit 2, and the original files untouched.
. "$srcdir/tests/cli/lib.sh"

"$MKIMAGE" 2019 img
s1=$(stamp "$(sys img)"); s2=$(stamp "$(soft img)")
unchanged() {
	[ "$(stamp "$(sys img)")" = "$s1" ] && [ "$(stamp "$(soft img)")" = "$s2" ] || fail "$1: a hive changed"
	no_temp_files img/Windows/System32/config
}

# A profile with several errors: every one reported as FILE:LINE, nothing written.
cp "$srcdir/testdata/profiles/bad.profile" bad.profile
must_exit 2 "$TLSHIVE" apply -p bad.profile img > out 2> err
golden bad-profile.err err
[ ! -s out ] || fail "output despite profile errors"
unchanged "bad profile"
must_exit 2 "$TLSHIVE" apply --set 'TLS 1.2 = 1' img 2> err
grep -q '^tlshive: --set: TLS 1.2: bad value "1" (expected on, off)$' err || fail "--set error"
must_exit 2 "$TLSHIVE" check -p /nonexistent.profile img 2> err
grep -q '^tlshive: /nonexistent.profile: No such file or directory$' err || fail "missing profile file"
unchanged "bad --set"

# Files that are not hives, or not the hive they claim to be.
printf 'hello\n' > text
must_exit 2 "$TLSHIVE" show --system text 2> err
grep -q '^tlshive: text: not a registry hive (shorter than a base block)$' err || fail "text file"
must_exit 2 "$TLSHIVE" apply --system "$(soft img)" 2> err
grep -q "not a SYSTEM hive: it has no Select.Current value (it looks like a SOFTWARE hive)" err || fail "mix-up"
must_exit 2 "$TLSHIVE" apply --software "$(sys img)" 2> err
grep -q "not a SOFTWARE hive.*(it looks like a SYSTEM hive)" err || fail "mix-up 2"
unchanged "mix-up"
# One file as both hives: refused before any lock (--wait would wait for
# itself), through a symbolic link as well.
ln -s "$(sys img)" sys-link
for f in "$(sys img)" sys-link; do
	must_exit 2 timeout 20 "$TLSHIVE" apply --wait --system "$(sys img)" --software "$f" 2> err
	grep -q "^tlshive: $f: given as both --system and --software ($(sys img)): one file holds one hive" err || fail "same file twice ($f)"
done
unchanged "same file twice"

# Truncated, dirty, and damaged base blocks.
cp "$(sys img)" trunc; truncate -s 8192 trunc
must_exit 2 "$TLSHIVE" show --system trunc 2> err
grep -q '^tlshive: trunc: truncated or damaged hive' err || fail "truncated"
cp "$(sys img)" dirty; "$MKIMAGE" --dirty dirty; : > dirty.LOG1; : > dirty.LOG2
d=$(stamp dirty)
must_exit 2 "$TLSHIVE" apply --system dirty 2> err
must_exit 2 "$TLSHIVE" apply -n --system dirty 2> /dev/null
grep -q 'dirty hive (sequence numbers .*not shut down cleanly and the newest data sits in its .LOG1/.LOG2 files (dirty.LOG1, dirty.LOG2).*--discard-logs' err \
	|| fail "dirty message"
[ "$(stamp dirty)" = "$d" ] || fail "dirty hive touched"
"$TLSHIVE" apply --discard-logs --system dirty > out 2> err
grep -q 'warning: dirty hive used with --discard-logs: .* is lost when the hive is written' err || fail "discard warning"
"$TLSHIVE" check --system dirty > /dev/null || fail "a hive written with --discard-logs is clean and compliant"
cp "$(sys img)" badsum; "$MKIMAGE" --bad-checksum badsum
must_exit 2 "$TLSHIVE" show --discard-logs --system badsum 2> err
grep -q 'base block checksum is wrong' err || fail "bad checksum"

# Advice that fits the case: no --replay-logs without logs to replay, no
# "transaction log" for garbage, a hint for a hive given as ROOT or a
# linked config directory, and a ROOT with one hive works with that one.
cp "$(sys img)" nologs; "$MKIMAGE" --dirty nologs
must_exit 2 "$TLSHIVE" apply --system nologs 2> err
grep -qx 'tlshive: nologs: dirty hive (sequence numbers [0-9]* and [0-9]*), and no .LOG1/.LOG2 beside it to replay: put its logs back beside it, or give --discard-logs to use the hive as it is and lose what Windows last wrote to them' err || { cat err; fail "dirty without logs"; }
if grep -q -- '--replay-logs' err; then fail "--replay-logs advised without logs"; fi
must_exit 2 "$TLSHIVE" check --system badsum 2> err
grep -qx 'tlshive: badsum: the base block checksum is wrong, and no .LOG1/.LOG2 beside it could rebuild it: the hive is damaged' err || { cat err; fail "bad checksum without logs"; }
{ printf 'regf'; head -c 24 /dev/zero; printf '\167\167\167\167'; head -c 4064 /dev/zero; } > junk
must_exit 2 "$TLSHIVE" check --system junk 2> err
grep -qx 'tlshive: junk: not a registry hive (a regf signature, but file type 2004318071): damaged, or something else' err || { cat err; fail "junk with a regf signature"; }
must_exit 2 "$TLSHIVE" check "$(sys img)" 2> err
grep -qx "tlshive: $(sys img): a registry hive file, not a Windows volume or image: give it with --system or --software" err || { cat err; fail "hive file as ROOT"; }
mkdir -p lnk/Windows/System32; cp -r img/Windows/System32/config lnk/realconfig; ln -s ../../realconfig lnk/Windows/System32/config
must_exit 2 "$TLSHIVE" check lnk 2> err
grep -q 'is a symbolic link; refusing to follow links inside an image (give the hive files with --system and --software instead)$' err || { cat err; fail "linked config"; }
mkdir nowin
must_exit 2 "$TLSHIVE" check nowin 2> err
grep -qx 'tlshive: nowin: no Windows/System32/config/SYSTEM or SOFTWARE in it: not the root of a Windows volume (give its top directory, or the hive files with --system and --software)' err || { cat err; fail "not a volume"; }
cp -r img onlysys; rm "$(soft onlysys)"
"$TLSHIVE" show onlysys > out || fail "a ROOT without SOFTWARE"
grep -q '^SOFTWARE     not given$' out && grep -q '^note: SOFTWARE hive not given' out || { cat out; fail "a ROOT without SOFTWARE: report"; }
"$TLSHIVE" apply onlysys > /dev/null || fail "apply to a ROOT without SOFTWARE"
"$TLSHIVE" check onlysys > /dev/null || fail "check a ROOT without SOFTWARE"
unchanged "advice"

# Unprivileged, a hive that cannot be written: the message names the hive.
if [ "$(id -u)" = 0 ]; then
	need_tool setpriv
	chmod 755 "$T"; cp "$TLSHIVE" ./tlshive-copy; chmod 755 tlshive-copy
	cp -r img roimg; chmod -R a+rX roimg
	r=$(stamp "$(sys roimg)")
	must_exit 2 setpriv --reuid=65534 --regid=65534 --clear-groups ./tlshive-copy apply roimg 2> err
	grep -qx "tlshive: $(sys roimg): Permission denied" err || { cat err; fail "unprivileged: the message does not name the hive"; }
	[ "$(stamp "$(sys roimg)")" = "$r" ] || fail "unprivileged: the hive changed"
fi

# A write that cannot complete (file-size limit: EFBIG, not SIGXFSZ) leaves
# the originals byte-identical and no temporary file.
set +e
( ulimit -f 16; exec "$TLSHIVE" apply img ) > out 2> err
rc=$?
set -e
[ "$rc" = 2 ] || fail "exit $rc on a failed write"
grep -q 'File too large' err || fail "EFBIG message"
unchanged "failed write"

# A transaction log that is a link out of the image is never written
# through: apply refuses, and neither the hive nor the target changes.
"$MKIMAGE" 2019 loglink
echo "do not touch" > outside
ln -s "$T/outside" "$(sys loglink).LOG2"
ls1=$(stamp "$(sys loglink)")
must_exit 2 "$TLSHIVE" apply loglink 2> err
grep -q 'SYSTEM.LOG2: is a symbolic link' err || { cat err >&2; fail "log link message"; }
[ "$(cat outside)" = "do not touch" ] || fail "wrote through a log link"
[ "$(stamp "$(sys loglink)")" = "$ls1" ] || fail "log link: hive touched"

# Hostile layouts: links out of ROOT are not followed.
"$MKIMAGE" 2019 evil
rm "$(soft evil)"
ln -s "$T/img/Windows/System32/config/SOFTWARE" "$(soft evil)"
must_exit 2 "$TLSHIVE" apply evil 2> err
grep -q 'evil/Windows/System32/config/SOFTWARE: is a symbolic link; refusing to follow links inside an image' err \
	|| fail "symlinked hive"
mv evil/Windows/System32 evil/real; ln -s real evil/Windows/System32
must_exit 2 "$TLSHIVE" show evil 2> err
grep -q 'evil/Windows/System32: is a symbolic link' err || fail "symlinked directory"
unchanged "symlinks"
