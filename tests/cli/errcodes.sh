# The pipeline contract's failures: each error's kind, a stable word in the
# JSON document's error.code (tlshive(8), ERROR CODES), and the exit status
# that says whether a retry may help: 75 for a lock another run holds, 2
# for what no retry mends; a batch exits with its worst, 2 > 75 > 1 > 0.
. "$srcdir/tests/cli/lib.sh"
need_tool jq
need_tool flock
cfg=Windows/System32/config

# code CODE EXIT TLSHIVE-ARGS...: the run exits EXIT, and its JSON document
# says outcome error, that code and that exit, with a message whose every
# line went to standard error
code() {
	cd_code=$1 cd_exit=$2; shift 2
	must_exit "$cd_exit" "$TLSHIVE" "$@" --json > e.json 2> e.err
	jtrue ".outcome == \"error\" and .exit == $cd_exit and .error.code == \"$cd_code\"" < e.json ||
		{ cat e.json e.err; fail "$*: not error.code $cd_code with exit $cd_exit"; }
	jq -r .error.message e.json > e.msg
	[ -s e.msg ] && grep -vxFf e.err e.msg > /dev/null && { cat e.json e.err; fail "$*: error.message is not what was said"; }
	[ -s e.msg ] || fail "$*: no error.message" 
}

"$MKIMAGE" 2022 img
"$MKIMAGE" 2022 img2

code not-found 2 check missing
mkdir empty
code not-windows 2 check empty
code usage 2 check --no-such-option img
code usage 2 apply --index 0 img
code profile 2 check -p no-such-profile img
printf 'TLS 1.2 server = sideways\n' > bad.profile
code profile 2 apply -p ./bad.profile img

# a SYSTEM that is no hive
cp -a img dmg
head -c 8192 /dev/zero > "dmg/$cfg/SYSTEM"
code hive-damaged 2 check dmg
# dirty: its base block's sequence numbers differ, which apply refuses to
# write over without --replay-logs
cp -a img dirty
printf '\007' | dd of="dirty/$cfg/SYSTEM" bs=1 seek=4 conv=notrunc 2> /dev/null
code hive-dirty 2 apply dirty
# a hive that is a symbolic link inside the image
cp -a img link
mv "link/$cfg/SYSTEM" link/S
ln -s ../../../S "link/$cfg/SYSTEM"
code image-refused 2 check link
# Windows hibernated: apply refuses
cp -a img hib
printf 'HIBR' > hib/hiberfil.sys
truncate -s 8192 hib/hiberfil.sys
code hibernated 2 apply hib
[ "$(stamp "hib/$cfg/SYSTEM")" = "$(stamp "img/$cfg/SYSTEM")" ] || fail "a refused apply wrote"
# a qcow2 whose header is impossible
printf 'QFI\373\0\0\0\3' > q.qcow2
truncate -s 4096 q.qcow2
if "$TLSHIVE" --version | grep -q '+images'; then
	code image-format 2 check q.qcow2
else
	code image-refused 2 check q.qcow2
fi

# A lock another tlshive holds: 75, in text and in JSON, and nothing
# written; with --wait the run waits instead
s=$(stamp "$(sys img)")
hold flock -x "$(sys img)"
code locked 75 apply img
grep -q 'another tlshive is changing this hive' e.err || fail "the lock's message"
must_exit 75 "$TLSHIVE" apply img > /dev/null 2> t.err
[ "$(stamp "$(sys img)")" = "$s" ] || fail "a locked apply wrote"
# a batch: a locked image beside a good one is 75; beside a broken one, 2
must_exit 75 "$TLSHIVE" apply --quiet --json img img2 > b.jsonl 2> /dev/null
[ "$(jq -r '"\(.image) \(.exit) \(.error.code)"' b.jsonl | tr '\n' ' ')" = "img 75 locked img2 0 null " ] ||
	{ cat b.jsonl; fail "a batch with a locked image: each image's exit and code"; }
must_exit 2 "$TLSHIVE" apply --quiet img dmg > /dev/null 2>&1
must_exit 2 "$TLSHIVE" apply --quiet dmg img > /dev/null 2>&1
release
# non-compliance does not outweigh a lock, nor does a lock an error
hold flock -x "$(sys img)"
cp -a img img3
"$MKIMAGE" 2022 fresh
must_exit 75 "$TLSHIVE" apply --quiet img3 img > /dev/null 2>&1
release
must_exit 1 "$TLSHIVE" check --quiet img fresh > /dev/null
must_exit 2 "$TLSHIVE" check --quiet fresh dmg > /dev/null 2>&1
must_exit 0 "$TLSHIVE" apply --quiet img > /dev/null

# write-check: hivex's new image read back wrong (the fault shim lies on
# the pipe it comes through), so nothing is written
SHIM=${FAULTSHIM:-}
if [ -z "${VALGRIND:-}" ]; then
	[ -n "$SHIM" ] && [ -f "$SHIM" ] || fail "the fault shim was not built"
	cp -a fresh w
	s=$(stamp "w/$cfg/SOFTWARE")
	printf 'Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\TlshiveLie]\n' > lie.reg
	set +e
	TLSHIVE_FAULT='read:1:lie@0:pipe:*' LD_PRELOAD=$SHIM "$TLSHIVE" apply --no-sandbox --reg lie.reg --json w > e.json 2> e.err
	rc=$?
	set -e
	[ "$rc" = 2 ] && jtrue '.error.code == "write-check" and .exit == 2' < e.json ||
		{ cat e.json e.err; fail "a lie in hivex's new image: not write-check (exit $rc)"; }
	[ "$(stamp "w/$cfg/SOFTWARE")" = "$s" ] || fail "write-check: SOFTWARE written"
fi

# The plain tlsh_seterr sites take their kind from errno; the ones that
# name it are converted group by group.  Their number must not grow.
plain=$(grep -r --include='*.c' 'tlsh_seterr(' "$srcdir/src" | grep -vc 'src/util.c:')
[ "$plain" -le 201 ] || fail "$plain plain tlsh_seterr calls, more than the 201 left: give new ones their kind (tlsh_seterrc)"
