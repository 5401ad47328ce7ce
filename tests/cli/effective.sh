# An oracle show did not write: what Windows does with each SCHANNEL
# protocol when the registry says nothing, for the Windows of every
# mkimage layout, is tests/data/protocol-defaults.tsv, written from
# Microsoft's pages (each row names its page), not from tlshive's output.
# show's EFFECTIVE column must agree with it, row for row, in every
# control set.  LAYOUT+KBnnnnnnn is the layout with that package installed
# (Component Based Servicing, CurrentState 0x70: installed); its rows are
# those the package changes.
. "$srcdir/tests/cli/lib.sh"
need_tool jq
DATA="$srcdir/tests/data/protocol-defaults.tsv"
grep -v '^#' "$DATA" | cut -f1 | sort -u > layouts
[ -s layouts ] || fail "no layouts in $DATA"
n=0
while read -r layout; do
	base=${layout%%+*} kb=
	[ "$base" = "$layout" ] || kb=${layout#*+}
	: > extra
	if [ -n "$kb" ]; then
		printf 'SOFTWARE|Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\Packages\\Package_for_%s~31bf3856ad364e35~x86~~6.0.1.2|CurrentState|dword|0x70\n' "$kb" > extra
	fi
	rm -rf img; "$MKIMAGE" --extra extra "$base" img > /dev/null
	"$TLSHIVE" show --json img > show.json || fail "$layout: show failed"
	# every control set's row, each compared
	jq -r '.settings[] | select(.name | test("^(SSL|TLS|DTLS) [0-9.]+ (client|server)$")) | "\(.name)\t\(.effective)"' show.json | sort -u > got
	# a layout with a package: its base's rows, with those it changes
	grep -v '^#' "$DATA" | awk -F '\t' -v l="$layout" -v b="$base" '
		$1 == b { v[$2] = $3 }
		$1 == l && l != b { v[$2] = $3 }
		END { for (k in v) print k "\t" v[k] }' | sort > want
	[ "$(wc -l < want)" -eq 16 ] || fail "$layout: $(wc -l < want) rows in the data, not 16"
	diff want got > d || { cat d; fail "$layout: show's EFFECTIVE column differs from Microsoft's table (< the table, > show)"; }
	n=$((n + 1))
done < layouts
echo "$n Windows versions, 16 protocol rows each, agree with Microsoft's table"
