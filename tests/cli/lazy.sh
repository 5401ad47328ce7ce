# show, check and export read a hive that is not written bin by bin, only
# on the paths they ask for (regfread's lazy reader), never through
# hivex.  Their output must be what reading through hivex gives
# (TLSHIVE_HIVEX_READS=1): on the generated layouts, on every hive of
# ../shared/hives and on the fuzz corpus of hives; and where a pass over
# thousands of subkeys falls back to hivex, which TLSHIVE_TRACE says.  A hive hivex opened
# must give the same, or a clear error naming it (damage on a path read);
# one hivex refused may now be read, or refused naming it.
. "$srcdir/tests/cli/lib.sh"

# both NAME ARGS...: run tlshive ARGS with each reader, outputs in NAME.lazy
# and NAME.hivex (standard output, standard error, exit status)
both() {
	name=$1; shift
	set +e
	"$TLSHIVE" "$@" > "$name.lazy" 2>&1; echo "exit $?" >> "$name.lazy"
	TLSHIVE_HIVEX_READS=1 "$TLSHIVE" "$@" > "$name.hivex" 2>&1
	echo "exit $?" >> "$name.hivex"
	set -e
	# a JSON document's duration is the one thing that may differ
	for r in lazy hivex; do
		sed 's/"duration_ms": *[0-9]*/"duration_ms": 0/' "$name.$r" > "$name.t"
		mv "$name.t" "$name.$r"
	done
}
# same NAME WHAT ARGS...: both, and the two the same (WHAT says what
# differs); a run that did not get to the hives proves nothing
same() {
	sm_name=$1 sm_what=$2; shift 2
	both "$sm_name" "$@"
	cmp -s "$sm_name.lazy" "$sm_name.hivex" || { diff "$sm_name.hivex" "$sm_name.lazy" >&2; fail "$sm_name: $sm_what"; }
	case $(tail -n 1 "$sm_name.lazy") in
	"exit 0"|"exit 1") ;;
	*) cat "$sm_name.lazy" >&2; fail "$sm_name: tlshive $*: failed both ways" ;;
	esac
}
# agree NAME FILE ARGS...: the same, or hivex refused FILE at open and the
# lazy reader read it or refused it naming FILE; or hivex read it and the
# lazy reader found damage on a path it read, naming FILE
agree() {
	name=$1 file=$2; shift 2
	both "$name" "$@"
	cmp -s "$name.lazy" "$name.hivex" && return 0
	if grep -q "^tlshive: $file: cannot open the hive: corrupt or not a hive" "$name.hivex"; then
		case $(tail -n 1 "$name.lazy") in
		"exit 0"|"exit 1") return 0 ;;
		"exit 2") grep -q "^tlshive: $file: " "$name.lazy" && return 0 ;;
		esac
	elif grep -q "^tlshive: $file: damaged hive: " "$name.lazy" &&
	    [ "$(tail -n 1 "$name.lazy")" = "exit 2" ]; then
		return 0
	fi
	diff "$name.hivex" "$name.lazy" >&2
	fail "$name: neither the same nor a clear error"
}

for l in 2019 2022 win7-x86 2008sp2-x86 win11; do
	"$MKIMAGE" "$l" "$l"
	same "$l-show" "show differs" show "$l"
	same "$l-json" "show --json differs" show --json "$l"
	same "$l-check" "check differs" check --users all "$l"
	same "$l-export" "export differs" export -o - "$l"
	same "$l-dry" "apply -n differs" apply -n "$l"
done

# the lazy reader reads a few bins, not the hive
TLSHIVE_TRACE=1 "$TLSHIVE" check 2019 > /dev/null 2> trace || true
grep -q '^tlshive: trace: 2019/Windows/System32/config/SOFTWARE: read [0-9]* bytes in [1-9][0-9]* bins$' trace ||
	{ cat trace >&2; fail "no trace of the bytes read"; }

# A pass over more subkeys than the reader on demand should copy bin by
# bin (past LAZY_MAX, 8 MiB, hive.c) goes to hivex, which serves every read
# after it.  A serviced image's CBS\Packages: here N packages, each beside
# an 8 KB value of its own, so each sits in a bin of its own (12 MB and a
# few seconds to make, where 8,000 of the real shape take minutes).  With
# 900 the pass crosses 8 MiB reading the packages' states, with 1100
# listing them.  The two packages the plan asks about come last, after
# the fallback: installed (0x70) counts, pending (0x60) does not.
cbs='SOFTWARE|Microsoft\Windows\CurrentVersion\Component Based Servicing\Packages'
for n in 900 1100; do
	awk -v cbs="$cbs" -v n="$n" 'BEGIN { pad = sprintf("%3800s", ""); gsub(/ /, "x", pad)
		for (i = 1; i <= n; i++) {
			k = sprintf("%s\\Package_for_KB%07d~31bf3856ad364e35~x86~~6.1.1.%d", cbs, 5000000 + i, i)
			print k "|CurrentState|dword|0x70"; print k "|Filler|sz|" pad
		}
		print cbs "\\Package_for_KB3140245~31bf3856ad364e35~x86~~6.1.1.1|CurrentState|dword|0x70"
		print cbs "\\Package_for_KB3154518~31bf3856ad364e35~x86~~6.1.1.0|CurrentState|dword|0x60" }' > svc.extra
	"$MKIMAGE" --extra svc.extra win7-x86 svc$n
	w=$(soft svc$n)
	same svc$n-show "show differs past the fallback" show svc$n
	same svc$n-json "show --json differs past the fallback" show --json svc$n
	same svc$n-check "check differs past the fallback" check --json svc$n
	same svc$n-export "export differs past the fallback" export -o - svc$n
	[ "$(jq -r '[.warnings[].kb] | sort | map(tostring) | join(" ")' svc$n-check.lazy)" = "0 3042058 3080079 3154518 3174644" ] ||
		{ cat svc$n-check.lazy >&2; fail "$n packages: KB3140245, after the fallback, not seen installed"; }
	TLSHIVE_TRACE=1 "$TLSHIVE" check svc$n > /dev/null 2> trace || true
	[ "$(grep -c " fallback " trace)" = 1 ] && grep -q " fallback $w\$" trace ||
		{ cat trace >&2; fail "$n packages: not one fallback to hivex, on $w"; }
	# past 8 MiB on demand, then not a bin more: hivex reads the rest
	read=$(sed -n "s|^tlshive: trace: $w: read \([0-9]*\) bytes in [0-9]* bins\$|\1|p" trace)
	[ -n "$read" ] && [ "$read" -gt 8388608 ] && [ "$read" -lt $((8388608 + 65536)) ] &&
		[ "$read" -lt "$(wc -c < "$w")" ] || { cat trace >&2; fail "$n packages: read $read bytes of $w on demand"; }
done
# a small image: no fallback
TLSHIVE_TRACE=1 "$TLSHIVE" check 2019 > /dev/null 2> trace || true
if grep -q ' fallback ' trace; then fail "a fallback on a small image"; fi

# a bin off every path damaged: hivex refuses the hive, the lazy reader
# does not see it; on a path it is damage, named
# (8 KB values under a key of their own: the last bin holds only data)
awk 'BEGIN { for (v = 0; v < 8; v++) { printf "SYSTEM|Filler|Blob%d|sz|", v
	for (i = 0; i < 4000; i++) printf "x"; print "" } }' > big.extra
"$MKIMAGE" --extra big.extra 2019 dmg
s=$(sys dmg)
size=$(wc -c < "$s") last=0 p=4096
while [ "$p" -lt "$size" ]; do
	[ "$(dd if="$s" bs=1 skip="$p" count=4 2> /dev/null | tr -d '\000')" = hbin ] && last=$p
	p=$((p + 4096))
done
[ "$last" -gt 4096 ] || fail "no last bin in $s"
printf 'hbix' | dd of="$s" bs=1 seek="$last" conv=notrunc 2> /dev/null
"$TLSHIVE" show dmg > out || fail "a damaged bin off the paths stopped show"
must_exit 2 env TLSHIVE_HIVEX_READS=1 "$TLSHIVE" show dmg 2> err
grep -q "^tlshive: $s: cannot open the hive" err || fail "hivex took the damaged bin"
"$MKIMAGE" 2019 dmg2
s=$(sys dmg2)
printf 'hbix' | dd of="$s" bs=1 seek=4096 conv=notrunc 2> /dev/null
must_exit 2 "$TLSHIVE" show dmg2 2> err
grep -q "^tlshive: $s: damaged hive: no hbin signature at 0x1000$" err ||
	{ cat err >&2; fail "damage on the path: message"; }

# the fuzz corpus of hives, as a SYSTEM hive and as a SOFTWARE hive
"$MKIMAGE" 2019 base
for f in "$srcdir"/tests/fuzz/regress/hive/*; do
	cp "$f" fz; chmod u+w fz
	agree "fz-$(basename "$f")" fz show --system fz
	agree "fz-$(basename "$f")-soft" fz check --system "$(sys base)" --software fz
done

have_shared hives "the real hives read both ways" || exit 0
H=$SHARED/hives
find "$H" -type f ! -name '*.LOG*' ! -name '*.md' | LC_ALL=C sort > list
[ -s list ] || fail "no hives in $H"
while read -r f; do
	n=$(echo "$f" | tr / _)
	for opt in "" --replay-logs --discard-logs; do
		agree "sh$n$opt" "$f" show $opt --system "$f"
		agree "ck$n$opt" "$f" check $opt --system "$f"
	done
done < list
agree nt4 "$H/real/nt4/SOFTWARE" show --system "$H/real/nt4/SYSTEM" --software "$H/real/nt4/SOFTWARE"
