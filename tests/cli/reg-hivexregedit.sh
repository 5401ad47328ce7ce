# Cross-implementation: the same .reg through tlshive and through
# hivexregedit --merge gives the same keys and values.
. "$srcdir/tests/cli/lib.sh"
need_tool hivexregedit
need_tool iconv

# hivexregedit takes one hive at a time, does not map CurrentControlSet and
# does not create missing parent keys: give it ControlSet001, one hive's
# sections, and every parent as a section of its own.
# A UTF-16 file (regedit's own export) goes to hivexregedit as UTF-8: its
# hex(7) data stays UTF-16, which is what regedit reads from such a file.
for_hivex() {
	if [ "$(head -c 2 "$1" | od -An -tx1 | tr -d ' ')" = fffe ]; then
		iconv -f UTF-16 -t UTF-8 "$1"
	else
		cat "$1"
	fi | tr -d '\r' | grep -v '^#' | sed 's/\\CurrentControlSet\\/\\ControlSet001\\/' |
	# the prefix holds a backslash: through the environment, since awk -v
	# would read it as an escape (gawk drops it, mawk keeps it)
	pfx="HKEY_LOCAL_MACHINE\\$2" awk '
		BEGIN { pfx = ENVIRON["pfx"] }
		/^Windows Registry/ { print; print ""; next }
		/^\[/ { key = substr($0, 2, length($0) - 2)
			keep = index(key, pfx "\\") == 1
			if (keep) {
				n = split(substr(key, length(pfx) + 2), parts, "\\")
				path = pfx
				for (i = 1; i < n; i++) {
					path = path "\\" parts[i]
					if (!(path in seen)) { print "[" path "]"; print ""; seen[path] = 1 }
				}
				print; seen[key] = 1
			}
			next }
		keep { print }'
}

n=0
"$TLSHIVE" export -p strict --os 2019 > strict.reg
"$TLSHIVE" export -p pci-dss --os 2019 > pci.reg
set -- strict.reg pci.reg
# Many values per key, some set again later under another case: apply
# writes each key's values in one go, hivexregedit one at a time.
awk 'BEGIN { print "Windows Registry Editor Version 5.00"; print ""
	for (k = 0; k < 30; k++) {
		print "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Vendor\\Many\\K" k "]"
		for (v = 0; v < 40; v++)
			printf "\"Val%d\"=dword:%08x\n\"Str%d\"=\"s%d-%d\"\n", v, k * 100 + v, v, k, v
		print "" }
	for (k = 0; k < 30; k += 3) {
		print "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Vendor\\Many\\k" k "]"
		printf "\"VAL%d\"=hex:01,02,03\n\"str1\"=-\n\n", k
	} }' > many.reg
set -- "$@" many.reg
have_shared examples/officescan-pci.reg "hivexregedit on the OfficeScan .reg" &&
	{ cp "$SHARED/examples/officescan-pci.reg" office.reg; set -- "$@" office.reg; }
for r in "$@"; do
	rm -rf a b; "$MKIMAGE" 2019 a; "$MKIMAGE" 2019 b		# one control set
	"$TLSHIVE" apply --reg "$r" a > /dev/null
	for h in SYSTEM SOFTWARE; do
		for_hivex "$r" "$h" > "$r.$h"
		hivexregedit --merge --prefix "HKEY_LOCAL_MACHINE\\$h" "b/Windows/System32/config/$h" "$r.$h" \
			|| fail "hivexregedit refused $r ($h)"
		dump "a/Windows/System32/config/$h" > a.d
		dump "b/Windows/System32/config/$h" > b.d
		diff -u b.d a.d || fail "$r $h: tlshive and hivexregedit disagree"
		n=$((n + 1))
	done
done
[ "$n" -ge 6 ] || fail "compared only $n hives"
