# After apply, an independent parser (reglookup) sees exactly the planned
# values added or changed, and everything else as it was.
. "$srcdir/tests/cli/lib.sh"
need_tool jq

# PATH,TYPE,VALUE lines in reglookup's spelling for the changes in a JSON report.
expected() {
	jq -r --arg h "$1" '.changes[] | select(.hive == $h) |
		"\(.path)\\\(.value_name)\t\(.new | if type == "number" then "DWORD\t" + (. | tostring) elif type == "array" then "MULTI_SZ\t" + join("|") else "SZ\t" + (. | gsub(","; "%2C")) end)"' "$2" |
	while IFS="$(printf '\t')" read -r p t v; do
		p=$(printf '%s' "$p" | sed -e 's|/|%2F|g' -e 's|\\|/|g')
		[ "$t" = DWORD ] && v=$(printf '0x%08X' "$v")
		printf '/%s,%s,%s\n' "$p" "$t" "$v"
	done | LC_ALL=C sort
}

for layout in win7-x86 2008r2 2016 2019 2022 win10 win11; do
	for profile in recommended strict pci-dss; do
		rm -rf img; "$MKIMAGE" "$layout" img
		for h in SYSTEM SOFTWARE; do dump "img/Windows/System32/config/$h" > "$h.before"; done
		"$TLSHIVE" apply --json -p "$profile" img > apply.json
		"$TLSHIVE" check -p "$profile" img > /dev/null || fail "$layout $profile: not compliant after apply"
		for h in SYSTEM SOFTWARE; do
			dump "img/Windows/System32/config/$h" > "$h.after"
			expected "$h" apply.json > "$h.want"
			# values that were there and are not planned changes stay
			comm -23 "$h.before" "$h.after" | grep -v ',KEY,' | while IFS= read -r line; do
				grep -qF "${line%%,*}," "$h.want" || fail "$layout $profile: $line lost or changed"
			done
			comm -13 "$h.before" "$h.after" | grep -v ',KEY,' > "$h.added"
			diff -u "$h.want" "$h.added" || fail "$layout $profile: $h holds other values than planned"
		done
	done
done
