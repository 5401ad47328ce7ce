# Damaged variants of real and generated hives: a clean error or a clean
# result, never a crash or a hang, and nothing written on an error.
. "$srcdir/tests/cli/lib.sh"

# corrupt FILE SEED: overwrite 16 runs of 8 bytes at offsets drawn from
# SEED.  The generator is written out (Park and Miller's, exact in awk's
# doubles), since srand and rand give other numbers in mawk and gawk.
corrupt() {
	size=$(stat -c %s "$1")
	awk -v s="$2" -v n="$size" 'function rnd() { s = (16807 * s) % 2147483647; return s / 2147483647 }
	BEGIN { for (i = 0; i < 4; i++) rnd()	# small seeds start small
		for (i = 0; i < 16; i++)
		printf "%d %d\n", 4096 + int(rnd() * (n - 4104)), int(rnd() * 256) }' |
	while read -r off byte; do
		head -c 8 /dev/zero | tr '\0' "$(printf '\\%03o' "$byte")" |
			dd of="$1" bs=1 seek="$off" conv=notrunc 2>/dev/null
	done
}

run() {	# run HIVE LABEL
	s=$(stamp "$1")
	set +e
	timeout 60 "$TLSHIVE" apply --system "$1" > /dev/null 2> err
	rc=$?
	set -e
	case $rc in
	0) ;;
	2) [ "$(stamp "$1")" = "$s" ] || fail "$2: error, yet the hive changed"
	   grep -q '^tlshive: ' err || fail "$2: exit 2 without a message" ;;
	124) fail "$2: hang" ;;
	*) fail "$2: exit $rc (crash?)" ;;
	esac
	no_temp_files .
}

"$MKIMAGE" 2019 img
n=0
for seed in $(seq 1 40); do
	cp "$(sys img)" m; corrupt m "$seed"; run m "generated, seed $seed"; n=$((n + 1))
done
if have_shared hives/real/win7-x86/SYSTEM "the Windows 7 mutations"; then
	H=$SHARED/hives
	for seed in $(seq 1 20); do
		cp "$H/real/win7-x86/SYSTEM" w; chmod u+w w; corrupt w "$seed"
		run w "win7, seed $seed"; n=$((n + 1))
	done
fi
[ "$n" -ge 40 ] || fail "only $n variants"
