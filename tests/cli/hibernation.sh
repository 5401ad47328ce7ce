# Hibernated and Fast Startup images: offline edits would be thrown away.
. "$srcdir/tests/cli/lib.sh"

printf 'SYSTEM|ControlSet001\\Control\\Session Manager\\Power|HiberbootEnabled|dword|1\n' > extra
"$MKIMAGE" --extra extra 2019 img
"$TLSHIVE" show img > out
grep -qx 'fast startup on (HiberbootEnabled=1)' out || fail "fast startup reported"
grep -qx 'hibernation  no hiberfil.sys' out || fail "no hiberfil"
"$TLSHIVE" show --json img | grep -q '"fast_startup": true' || fail "fast_startup in JSON"

# A hibernated session: apply refuses, nothing written; show and check warn.
{ printf 'HIBR'; head -c 4092 /dev/zero; } > img/hiberfil.sys
s1=$(stamp "$(sys img)"); s2=$(stamp "$(soft img)")
must_exit 2 "$TLSHIVE" apply img > out 2> err
grep -q '^tlshive: img/hiberfil.sys: Windows is hibernated or was shut down with Fast Startup (signature HIBR): when it resumes from this file it throws away offline changes to the registry and may corrupt them: nothing written; boot it and shut it down fully' err \
	|| fail "hibernation refusal"
[ "$(stamp "$(sys img)")" = "$s1" ] && [ "$(stamp "$(soft img)")" = "$s2" ] || fail "hibernated image written"
"$TLSHIVE" show img > out 2> err
grep -q '^tlshive: img/hiberfil.sys: warning: Windows is hibernated' err || fail "show warns"
# a warning about the run's files is a message: standard error only
if grep -q 'warning' out; then fail "a message about the files went to standard output"; fi
grep -qx 'hibernation  hiberfil.sys holds a hibernated session' out || fail "show reports"
must_exit 1 "$TLSHIVE" check img > /dev/null 2> err
grep -q 'warning: Windows is hibernated' err || fail "check warns"
# a dry run exits as the real run would
must_exit 2 "$TLSHIVE" apply -n img > /dev/null 2> err
grep -q 'Windows is hibernated' err || fail "-n does not predict the hibernation refusal"

# In any casing, and never through a link.
mv img/hiberfil.sys img/HIBERFIL.SYS
must_exit 2 "$TLSHIVE" apply img 2> /dev/null
mv img/HIBERFIL.SYS real.sys; ln -s ../real.sys img/hiberfil.sys
must_exit 2 "$TLSHIVE" apply img 2> err
grep -q 'hiberfil.sys: is a symbolic link' err || fail "linked hiberfil.sys"
rm img/hiberfil.sys

# A cleared hiberfil.sys (Windows resumed, or shut down fully) does not block.
head -c 4096 /dev/zero > img/hiberfil.sys
"$TLSHIVE" apply img > out 2> err || fail "cleared hiberfil.sys blocked apply"
[ ! -s err ] || fail "warning for a cleared hiberfil.sys"
"$TLSHIVE" show img | grep -qx 'hibernation  hiberfil.sys present, no hibernated session' || fail "cleared reported"

# Hive files given one by one: hiberfil.sys is looked for in the
# directories above them, up to the mount point, as in the README's rescue
# recipe (apply --system .../config/SYSTEM on a mounted volume).
{ printf 'HIBR'; head -c 4092 /dev/zero; } > img/hiberfil.sys
s1=$(stamp "$(sys img)"); s2=$(stamp "$(soft img)")
must_exit 2 "$TLSHIVE" apply --system "$(sys img)" > out 2> err
grep -q "^tlshive: $T/img/hiberfil.sys: Windows is hibernated or was shut down with Fast Startup (signature HIBR): .*: nothing written" err \
	|| { cat err; fail "--system: hibernation refusal"; }
must_exit 2 "$TLSHIVE" apply --software "$(soft img)" > /dev/null 2> err
grep -q 'hiberfil.sys: Windows is hibernated' err || fail "--software: hibernation refusal"
[ "$(stamp "$(sys img)")" = "$s1" ] && [ "$(stamp "$(soft img)")" = "$s2" ] || fail "hibernated hive files written"
"$TLSHIVE" show --system "$(sys img)" > /dev/null 2> err
grep -q 'hiberfil.sys: warning: Windows is hibernated' err || fail "--system: show warns"
# a copy of the hive elsewhere is no longer that volume's
mkdir elsewhere; cp "$(sys img)" elsewhere/SYSTEM
"$TLSHIVE" apply --system elsewhere/SYSTEM > /dev/null 2> err || { cat err; fail "a hive outside the hibernated volume refused"; }
rm img/hiberfil.sys
