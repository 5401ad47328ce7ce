# pci-dss sets everything the customer's OfficeScan script sets, to its values.
. "$srcdir/tests/cli/lib.sh"

reg="${SHARED:-/nonexistent}/examples/officescan-pci.reg"
[ -f "$reg" ] || skip "../shared/examples/officescan-pci.reg is absent"
"$MKIMAGE" win7-x86 p
"$TLSHIVE" apply -p pci-dss p > /dev/null
dump "$(sys p)" > pci.dump
tr -d '\r' < "$reg" | awk '
	/^\[/ { key = substr($0, 2, length($0) - 2); next }
	/^"/ { split($0, kv, "="); name = kv[1]; gsub(/"/, "", name)
	       val = kv[2]; sub(/^dword:/, "", val); print key "|" name "|" toupper(val) }' > wanted
[ "$(wc -l < wanted)" -ge 14 ] || fail "could not read the .reg file"
while IFS='|' read -r key name val; do
	for cs in ControlSet001 ControlSet002; do
		path=$(printf '%s' "$key" | sed -e 's|^HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet|'"$cs"'|' \
			-e 's|/|%2F|g' -e 's|\\|/|g')
		grep -qxF "/$path/$name,DWORD,0x$val" pci.dump || fail "pci-dss lacks $cs $key $name=$val"
	done
done < wanted
