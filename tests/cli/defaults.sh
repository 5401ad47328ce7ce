# An oracle show did not write: what Windows does with the settings other
# than protocols where the registry says nothing, for mkimage layouts, is
# tests/data/setting-defaults.tsv, written from Microsoft's pages (each row
# names its page).  show's EFFECTIVE, text and JSON, must agree with it.
. "$srcdir/tests/cli/lib.sh"
need_tool jq
DATA="$srcdir/tests/data/setting-defaults.tsv"
n=0
grep -v '^#' "$DATA" | cut -f1 | sort -u > layouts
[ -s layouts ] || fail "no layouts in $DATA"
while read -r layout; do
	base=${layout%%+*} kb=
	[ "$base" = "$layout" ] || kb=${layout#*+}
	: > extra
	if [ -n "$kb" ]; then
		printf 'SOFTWARE|Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\Packages\\Package_for_%s~31bf3856ad364e35~x86~~6.1.1.1|CurrentState|dword|0x70\n' "$kb" > extra
	fi
	rm -rf img; "$MKIMAGE" --extra extra "$base" img > /dev/null
	"$TLSHIVE" show --json img > show.json || fail "$layout: show failed"
	"$TLSHIVE" show img > show.txt || fail "$layout: show failed"
	grep -v '^#' "$DATA" | awk -F '\t' -v l="$layout" '$1 == l' > rows
	while IFS='	' read -r _ setting want page; do
		got=$(jq -r --arg n "$setting" '[.settings[] | select(.name == $n)][0].effective' show.json)
		[ "$got" = "$want" ] || fail "$layout: $setting: show says \"$got\", $page says \"$want\""
		# the text column says the same, marked as Windows' default
		grep -q "^$setting  .*  $want\*  *absent\$" show.txt ||
			{ grep "^$setting " show.txt; fail "$layout: $setting: text differs from JSON"; }
		n=$((n + 1))
	done < rows
done < layouts
echo "$n settings agree with Microsoft's pages"
