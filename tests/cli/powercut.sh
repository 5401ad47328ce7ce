# Power cuts, not kills.  A kill loses nothing the page cache holds, so a
# missing fsync never shows in crash.sh; a power cut loses whatever was not
# fsynced, in any order, torn at sectors.  Each run below is recorded
# (tests/fault/recshim.so) and tests/tools/powercut.py builds the states a
# cut at any point could leave (tlshive's own model: what the last fsync of
# each file made durable, any subset of the later writes, torn at 512-byte
# sectors, and name changes durable once their directory is fsynced).
# Every state must recover, under tlshive recover and under the independent
# replayer, to exactly the old or exactly the new hive; an undo file that
# is there under its name is complete; a disk image whose run was journaled
# is, after recover, byte for byte the old image or the new one.
# POWERCUT_STATES (default 100) bounds the states per run; POWERCUT_SEED
# repeats a run's draw.  A longer search: POWERCUT_STATES=5000.
. "$srcdir/tests/cli/lib.sh"
REC=${RECSHIM:-}
REPLAY="$srcdir/tests/tools/regf_replay.py"
PC="$srcdir/tests/tools/powercut.py"
need_tool python3
need_tool reglookup
[ -n "$REC" ] && [ -f "$REC" ] || fail "the recorder shim was not built"
[ -z "${VALGRIND:-}" ] || skip "the recorder does not mix with valgrind"
MAX=${POWERCUT_STATES:-100}
seed() { [ -n "${POWERCUT_SEED:-}" ] && echo "--seed $POWERCUT_SEED"; }
cfg=Windows/System32/config

# check-state: classifies one state of a directory run
cat > check-state <<EOF
#!/bin/sh
d=\$1 out=
dirty() { set -- \$(od -An -tu4 -j4 -N8 "\$1"); [ "\$1" != "\$2" ]; }
for h in SYSTEM SOFTWARE; do
	r=\$d.\$h; rm -rf "\$r"; mkdir "\$r"; cp "\$d/w/$cfg/\$h"* "\$r/"
	python3 "$REPLAY" "\$r/\$h" "\$r/by-spec" > /dev/null || { echo "\$h: the replayer cannot recover it" >&2; exit 1; }
	reglookup -H "\$r/by-spec" 2>/dev/null | cut -d, -f1-3 | LC_ALL=C sort > "\$r/spec.dump"
	if dirty "\$r/\$h"; then
		"$TLSHIVE" recover "\$r/\$h" > /dev/null 2> "\$r/err" || { echo "\$h: tlshive recover: \$(cat "\$r/err")" >&2; exit 1; }
	fi
	reglookup -H "\$r/\$h" 2>/dev/null | cut -d, -f1-3 | LC_ALL=C sort > "\$r/ours.dump"
	cmp -s "\$r/spec.dump" "\$r/ours.dump" || { echo "\$h: tlshive recover and the replayer disagree" >&2; exit 1; }
	if cmp -s "\$r/ours.dump" "$PWD/old.\$h"; then out="\$out \$h=old"
	elif cmp -s "\$r/ours.dump" "$PWD/new.\$h"; then out="\$out \$h=new"
	else echo "\$h is neither old nor new" >&2; exit 1; fi
	rm -rf "\$r"
done
if [ -e "\$d/u.reg" ]; then
	cmp -s "\$d/u.reg" "$PWD/final.reg" || { echo "the undo file is there, incomplete" >&2; exit 1; }
	out="\$out undo"
fi
echo \$out
EOF
chmod +x check-state

# run LAYOUT HIVES [ARG...]: records apply --undo (and ARGs) on a fresh
# image of that layout, in which HIVES change, then explores the cuts
run() {
	layout=$1 changed=$2; shift 2
	rm -rf run base ref rec rec.data
	mkdir run; "$MKIMAGE" "$layout" run/w
	cp -a run base
	cp -a run/w ref; "$TLSHIVE" apply "$@" ref > /dev/null
	for h in SYSTEM SOFTWARE; do
		dump "base/w/$cfg/$h" > "old.$h"; dump "ref/$cfg/$h" > "new.$h"
		case " $changed " in
		*" $h "*) cmp -s "old.$h" "new.$h" && fail "$layout: apply changed nothing in $h" ;;
		*) cmp -s "old.$h" "new.$h" || fail "$layout: apply changed $h" ;;
		esac
	done
	# recorded in tlshive's own process: the contained child could not
	# reach the record (the commit is the same code either way)
	(cd run && TLSHIVE_RECORD=$PWD/../rec LD_PRELOAD=$REC "$TLSHIVE" apply --no-sandbox --undo u.reg "$@" w > /dev/null) || fail "$layout: the recorded apply failed"
	cp run/u.reg final.reg
	grep -q '^S .*/run/w/.*SYSTEM$' rec || fail "$layout: no fsync of SYSTEM recorded"
	python3 "$PC" rec base "$PWD/run" "$PWD/check-state" --max "$MAX" $(seed) > pc.out 2> pc.err || { cat pc.err pc.out; fail "$layout $*: a power cut left a state that fails its check"; }
	echo "== $layout ${*:-(default profile)}"; cat pc.out
	grep -q 'SYSTEM=old SOFTWARE=old' pc.out || fail "$layout: no state was old"
	# (a hive the run leaves as it was reads as old)
	want=
	for h in SYSTEM SOFTWARE; do
		case " $changed " in *" $h "*) want="$want $h=new" ;; *) want="$want $h=old" ;; esac
	done
	grep -q "^ *[0-9]* $want undo\$" pc.out || fail "$layout: no state was new"
}

run 2019 "SYSTEM SOFTWARE"			# new-format logs; both hives grow
run 2008r2 "SYSTEM SOFTWARE"			# old-format logs
run 2019 SYSTEM -s 'TLS 1.0 client = off'	# one hive

# A raw disk image: the run's writes go through its journal, so after
# tlshive recover the image is the old one or the new one, byte for byte,
# and no journal is left.
if [ "$(id -u)" = 0 ] && [ -c /dev/fuse ] && command -v mkntfs > /dev/null && command -v ntfs-3g > /dev/null && command -v sfdisk > /dev/null; then
	need_images
	. "$srcdir/tests/cli/imglib.sh"
	rm -rf run base rec rec.data
	mkdir run
	vol v.ntfs 2019
	disk run/d.raw gpt v.ntfs
	cp -a run base
	{
		echo '#!/bin/sh'
		echo 'd=$1'
		echo "\"$TLSHIVE\" recover \"\$d/d.raw\" > /dev/null 2> \"\$d.err\" || { echo \"tlshive recover: \$(cat \"\$d.err\")\" >&2; exit 1; }"
		echo 'ls "$d" | grep -q journal && { echo "a journal is left after recover" >&2; exit 1; }'
		echo "if cmp -s \"\$d/d.raw\" \"$PWD/base/d.raw\"; then echo image=old"
		echo "elif cmp -s \"\$d/d.raw\" \"$PWD/new.raw\"; then echo image=new"
		echo 'else echo "the image is neither old nor new" >&2; exit 1; fi'
	} > check-image
	chmod +x check-image
	(cd run && TLSHIVE_RECORD=$PWD/../rec LD_PRELOAD=$REC "$TLSHIVE" apply --no-sandbox d.raw > /dev/null) || fail "raw: the recorded apply failed"
	# new is this run's result: NTFS times differ from one run to another
	cp run/d.raw new.raw
	cmp -s base/d.raw new.raw && fail "raw: apply changed nothing"
	grep -q '^S .*/run/d.raw$' rec || fail "raw: no fsync of the image recorded"
	python3 "$PC" rec base "$PWD/run" "$PWD/check-image" --max "$MAX" $(seed) > pc.out 2> pc.err || { cat pc.err pc.out; fail "raw: a power cut left a state that fails its check"; }
	echo "== raw disk image"; cat pc.out
	grep -q 'image=old' pc.out && grep -q 'image=new' pc.out || fail "raw: not both old and new states"
elif [ "${TLSHIVE_REQUIRE_TOOLS:-}" = 1 ]; then
	fail "the disk image case needs root, /dev/fuse, mkntfs, ntfs-3g and sfdisk"
fi
exit 0
