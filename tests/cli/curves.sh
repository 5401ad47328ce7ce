# An oracle show did not write: the curve order Windows uses, for the
# Windows of every mkimage layout (and the builds Microsoft's curve pages
# name that no layout has), is tests/data/curve-defaults.tsv, written from
# those pages; show's EFFECTIVE column for ecc-curves, and the page it
# cites, must agree with it row for row.
. "$srcdir/tests/cli/lib.sh"
need_tool jq
DATA="$srcdir/tests/data/curve-defaults.tsv"
CV='SOFTWARE|Microsoft\Windows NT\CurrentVersion'
CS='SYSTEM|ControlSet001\Control'
POLICY='SOFTWARE|Policies\Microsoft\Cryptography\Configuration\SSL\00010002'

# extra CHANGES: the mkimage --extra lines for the data's changes column
extra() {
	[ "$1" = - ] && return 0
	printf '%s\n' "$1" | tr ';' '\n' | while IFS='=' read -r k v; do
		case $k in
		build)	printf '%s|CurrentBuild|sz|%s\n%s|CurrentBuildNumber|sz|%s\n' "$CV" "$v" "$CV" "$v" ;;
		ubr)	printf '%s|UBR|dword|%s\n' "$CV" "$v" ;;
		type)	[ "$v" = server ] && set -- ServerNT Server || set -- WinNT Client
			printf '%s\\ProductOptions|ProductType|sz|%s\n%s|InstallationType|sz|%s\n' "$CS" "$1" "$CV" "$2" ;;
		fips)	printf '%s\\Lsa\\FipsAlgorithmPolicy|Enabled|dword|%s\n' "$CS" "$v" ;;
		oldfips) printf '%s\\Lsa|FIPSAlgorithmPolicy|dword|%s\n' "$CS" "$v" ;;
		local)	printf '%s\\Cryptography\\Configuration\\Local\\SSL\\00010002|EccCurves|multi|%s\n' "$CS" "$v" ;;
		policy)	printf '%s|EccCurves|multi|%s\n' "$POLICY" "$v" ;;
		added)	printf '%s\\Cryptography\\ECCParameters\\%s|CurveType|dword|0xfe00\n' "$CS" "$v" ;;
		*)	fail "$DATA: unknown change $k" ;;
		esac
	done
}

n=0
grep -v '^#' "$DATA" > rows
[ -s rows ] || fail "no rows in $DATA"
while IFS='	' read -r layout changes want page why; do
	extra "$changes" > extra
	rm -rf img; "$MKIMAGE" --extra extra "$layout" img > /dev/null
	"$TLSHIVE" show --json img > show.json || fail "$layout $changes: show failed"
	got=$(jq -r '.settings[] | select(.name == "ecc-curves") | .effective' show.json)
	from=$(jq -r '.settings[] | select(.name == "ecc-curves") | .default_from // "-"' show.json)
	src=$(jq -r '.settings[] | select(.name == "ecc-curves") | .source' show.json)
	# the list in effect: the policy's, else the local one, else Windows'
	case "$page;$changes" in
	-\;*policy=*)	want_src=registry ;;
	-\;*local=*)	want_src=local-list ;;
	*)		want_src=os-default ;;
	esac
	[ "$got" = "$want" ] || fail "$layout $changes: ecc-curves is \"$got\", expected \"$want\" ($why)"
	[ "$from" = "$page" ] || fail "$layout $changes: ecc-curves cites $from, not $page ($why)"
	[ "$src" = "$want_src" ] || fail "$layout $changes: ecc-curves comes from $src, not $want_src"
	n=$((n + 1))
done < rows
echo "$n cases: show's curve order agrees with Microsoft's pages"
