# mklarge --real, the bench's SOFTWARE hive of realistic shape, writes its
# hive bins itself (tests/bench/regfgrow.c), not through hivex.  What it
# writes must be a hive every reader takes whole: hivex (through hive.c)
# and reglookup count the keys and values mklarge says it added, and
# reglookup meets every key after its previous sibling (Windows finds a
# subkey by binary search in the sorted list); tlshive's own reader, which
# like Windows passes over a subkey whose lh hash does not match its name,
# finds the values written; the image shows, plans, applies and checks as
# the image it grew from; hivex deletes a whole family of its keys (each
# one drops a reference to the security cell the new keys share, freed
# with the last).  The same input gives the same bytes.  mklarge --wide
# puts thousands of keys under one, whose list is then cut into leaves
# under an index root.
. "$srcdir/tests/cli/lib.sh"
: "${MKLARGE:?run through make check}"
need_tool reglookup

"$MKIMAGE" 2022 base > /dev/null
rm -f base/Windows/System32/config/*.LOG*
hivex_count() { TLSHIVE_HIVEX_READS=1 "$MKLARGE" --count "$1"; }
before=$(hivex_count "$(soft base)")
bk=${before%% keys*} bv=${before#*keys, }
bv=${bv% values}
dump "$(soft base)" > base.dump

# grow IMG MODE N: a copy of base grown by mklarge MODE HIVE N; what mklarge
# says it added ("mklarge: PATH: N entries, K keys and V values added, S
# bytes") in $entries $keys $values $bytes
grow() {
	img=$1
	cp -R base "$img"
	"$MKLARGE" "$2" "$(soft "$img")" "$3" 2> "$img.made" ||
		{ cat "$img.made" >&2; fail "mklarge $2 $3 failed"; }
	set -- $(sed -n 's/^mklarge: .*: \([0-9]*\) entries, \([0-9]*\) keys and \([0-9]*\) values added, \([0-9]*\) bytes$/\1 \2 \3 \4/p' "$img.made")
	[ $# = 4 ] || fail "mklarge said: $(cat "$img.made")"
	entries=$1 keys=$2 values=$3 bytes=$4
	[ "$(stat -c %s "$(soft "$img")")" = "$bytes" ] ||
		fail "$img: mklarge says $bytes bytes, the file has $(stat -c %s "$(soft "$img")")"
}

# agree IMG: hivex and reglookup read the keys and values there were and
# those mklarge added, and reglookup, going down each list in its order,
# meets the names upcased rising; the image's own keys and values stay
agree() {
	expect="$((bk + keys)) keys, $((bv + values)) values"
	got=$(hivex_count "$(soft "$1")")
	[ "$got" = "$expect" ] || fail "$1: hivex reads $got, mklarge wrote $expect"
	reglookup -t KEY -H "$(soft "$1")" 2> /dev/null > "$1.keys"
	reglookup -H "$(soft "$1")" 2> /dev/null | grep -cv ',KEY,' > "$1.values" || true
	got="$(wc -l < "$1.keys" | tr -d ' ') keys, $(cat "$1.values") values"
	[ "$got" = "$expect" ] || fail "$1: reglookup reads $got, mklarge wrote $expect"
	awk -F, '{
		n = $1; sub(/.*\//, "", n); p = $1; sub(/\/[^\/]*$/, "", p)
		u = toupper(n)
		if ((p in last) && !(last[p] < u)) { print p ": " last[p] " before " u; bad = 1 }
		last[p] = u
	} END { exit bad }' "$1.keys" > "$1.unsorted" ||
		{ head -n 5 "$1.unsorted" >&2; fail "$1: subkeys out of order"; }
	dump "$(soft "$1")" > "$1.dump"
	[ -z "$(comm -23 base.dump "$1.dump")" ] ||
		{ comm -23 base.dump "$1.dump" | head >&2; fail "$1: mklarge lost keys or values of the image"; }
}

# lookups IMG N: every Nth new DWORD, and string of plain characters, as
# a .reg that check finds already set, each key looked up by name and
# hash through tlshive's reader and through hivex; one changed is seen
lookups() {
	comm -13 base.dump "$1.dump" | awk -F, -v every="$2" '
		# every a in s made b (no regular expression: awks differ on
		# backslashes in a replacement)
		function swap(s, a, b,   o, i) {
			o = ""
			while ((i = index(s, a)) > 0) {
				o = o substr(s, 1, i - 1) b
				s = substr(s, i + 1)
			}
			return o s
		}
		BEGIN { printf "Windows Registry Editor Version 5.00\r\n" }
		$2 == "DWORD" || ($2 == "SZ" && $3 ~ /^[A-Za-z0-9 .:_{}\\-]+$/) {
			if (++n % every) next
			k = $1; sub(/\/[^\/]*$/, "", k); v = $1; sub(/.*\//, "", v)
			printf "\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE%s]\r\n", swap(k, "/", "\\")
			name = v == "" ? "@" : "\"" v "\""
			if ($2 == "DWORD")
				printf "%s=dword:%s\r\n", name, tolower(substr($3, 3))
			else
				printf "%s=\"%s\"\r\n", name, swap($3, "\\", "\\\\")
			found++
		}
		END { if (found < 50) exit 1 }' > "$1.reg" || fail "$1: too few new values to look up"
	"$TLSHIVE" check -r "$1.reg" "$1" > "$1.found" ||
		{ cat "$1.found" >&2; fail "$1: check does not find the values mklarge wrote"; }
	TLSHIVE_HIVEX_READS=1 "$TLSHIVE" check -r "$1.reg" "$1" > "$1.found" ||
		{ cat "$1.found" >&2; fail "$1: check through hivex does not find the values mklarge wrote"; }
	awk '!done && sub(/="[^"]*"\r$/, "=\"changed\"\r") { done = 1 } 1' "$1.reg" > "$1.changed"
	cmp -s "$1.reg" "$1.changed" && fail "$1: no value to change"
	must_exit 1 "$TLSHIVE" check -r "$1.changed" "$1" > /dev/null
}

grow img --real 12
# 12 MiB: at most that, and within half a percent of it
want=$((12 * 1048576))
[ "$bytes" -le "$want" ] && [ "$bytes" -ge $((want - want / 200)) ] ||
	fail "mklarge --real 12 made $bytes bytes"
# each entry a key and at least one value, most of them more
[ "$keys" -gt "$entries" ] && [ "$values" -gt "$entries" ] ||
	fail "$entries entries, $keys keys, $values values"
agree img
lookups img 40
for f in 'Classes\\CLSID' 'Classes\\Interface' 'Wow6432Node\\Classes' \
    'Installer\\UserData' 'SideBySide' 'Component Based Servicing' \
    'Uninstall' 'TaskCache'; do
	grep -q "^\\[HKEY_LOCAL_MACHINE\\\\SOFTWARE\\\\.*$f" img.reg ||
		fail "no key of $f looked up"
done
real="$entries entries, $keys keys and $values values in $bytes bytes"

# the same bytes every run
grow again --real 12
cmp "$(soft img)" "$(soft again)" || fail "two runs of mklarge --real wrote different hives"

# tlshive sees the image as the one it grew from
"$TLSHIVE" show base | sed 's|^\([A-Z]* *\)base/|\1IMAGE/|' > show.base
"$TLSHIVE" show img | sed 's|^\([A-Z]* *\)img/|\1IMAGE/|' > show.img
diff -u show.base show.img || fail "show differs on the grown image"
"$TLSHIVE" apply -n base | sed 's|base/|IMAGE/|g' > plan.base
"$TLSHIVE" apply -n img | sed 's|img/|IMAGE/|g' > plan.img
diff -u plan.base plan.img || fail "apply plans otherwise on the grown image"
"$TLSHIVE" apply img > /dev/null || fail "apply failed on the grown image"
must_exit 0 "$TLSHIVE" check img > /dev/null

# hivex deletes a whole family: every key under Classes, and with them as
# many references to the shared security cell
classes=$(grep -c '^/Classes[/,]' img.keys)
was=$(hivex_count "$(soft img)")
printf 'Windows Registry Editor Version 5.00\r\n\r\n[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Classes]\r\n' > del.reg
"$TLSHIVE" apply -r del.reg img > /dev/null || fail "hivex could not delete Classes"
got=$(hivex_count "$(soft img)")
[ "${got%% keys*}" = $((${was%% keys*} - classes)) ] ||
	fail "$was before deleting $classes keys of Classes, $got after"
must_exit 0 "$TLSHIVE" check img > /dev/null

# 3,000 keys under Classes: six leaves of 500 under an index root
grow wide --wide 3000
agree wide
lookups wide 50
echo "ok: --real 12: $real; --wide 3000: $keys keys"
