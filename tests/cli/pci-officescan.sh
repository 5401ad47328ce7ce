# pci-dss sets everything the customer's OfficeScan script sets, to its
# values, but TLS 1.1, which it turns off (PCI DSS v4.0.1 strong
# cryptography, NIST SP 800-52r2: TLS 1.2 or later).
. "$srcdir/tests/cli/lib.sh"

need_shared examples/officescan-pci.reg "the OfficeScan PCI test"
reg=$SHARED/examples/officescan-pci.reg
"$MKIMAGE" win7-x86 p
"$TLSHIVE" apply -p pci-dss p > /dev/null
dump "$(sys p)" > pci.dump
tr -d '\r' < "$reg" | awk '
	/^\[/ { key = substr($0, 2, length($0) - 2); next }
	/^"/ { split($0, kv, "="); name = kv[1]; gsub(/"/, "", name)
	       val = kv[2]; sub(/^dword:/, "", val); print key "|" name "|" toupper(val) }' > wanted
[ "$(wc -l < wanted)" -ge 14 ] || fail "could not read the .reg file"
grep -q 'TLS 1.1.*|Enabled|00000001' wanted || fail "the vendor file no longer turns TLS 1.1 on"
while IFS='|' read -r key name val; do
	case "$key|$name" in
	*'TLS 1.1'*'|Enabled') val=00000000 ;;
	*'TLS 1.1'*'|DisabledByDefault') val=00000001 ;;
	esac
	for cs in ControlSet001 ControlSet002; do
		path=$(printf '%s' "$key" | sed -e 's|^HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet|'"$cs"'|' \
			-e 's|/|%2F|g' -e 's|\\|/|g')
		grep -qxF "/$path/$name,DWORD,0x$val" pci.dump || fail "pci-dss lacks $cs $key $name=$val"
	done
done < wanted
